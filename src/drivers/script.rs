//! Shell scripts (`*.sh`, or a `sh`/`bash` shebang): every build command, with the assignments and
//! exports before it.
use std::path::Path;

use super::command::{assign, invocation};
use super::value::Vars;
use super::{DriverKind, Invocation};
use crate::parse::shell::{split_commands, Framing, ShellKind};

pub fn invocations(dir: &Path, text: &str) -> Vec<Invocation> {
    let mut vars = Vars::new();
    let mut out = Vec::new();
    // Backslash-newline joins lines in a script as in a Dockerfile instruction.
    let framing = Framing::Instruction { escape: '\\' };
    for command in split_commands(text, 0, framing, ShellKind::Posix) {
        assign(&command, &mut vars);
        out.extend(invocation(DriverKind::Script, &command, text, dir, &vars));
    }
    out
}
