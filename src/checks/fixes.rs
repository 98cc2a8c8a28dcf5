//! Edits shared by the rules that insert a cache-bust arg.
use super::analysis::{Analysis, Layer};
use crate::finding::Edit;
use crate::parse::shell::ShellKind;

/// The line that prints the arg's value, in the stage's shell.
pub fn echo_line(shell: ShellKind, name: &str) -> String {
    match shell {
        ShellKind::Posix => format!("RUN echo \"Cache bust: ${{{name}}}\""),
        ShellKind::PowerShell => format!("RUN Write-Output \"Cache bust: $env:{name}\""),
        ShellKind::Cmd => format!("RUN echo Cache bust: %{name}%"),
    }
}

/// Inserts `ARG name[=value]` (and the echo line, when configured) right before the layer, with the
/// layer's indentation and the file's line endings; `ONBUILD` layers get `ONBUILD` instructions.
pub fn insert_bust(
    analysis: &Analysis<'_>,
    layer: &Layer,
    name: &str,
    value: Option<&str>,
) -> Edit {
    let file = analysis.file;
    let at = layer.span.start;
    let line_start = file.line_range(at).start;
    let before = &file.text[line_start..at];
    let indent = if before.chars().all(|c| c == ' ' || c == '\t') {
        before
    } else {
        ""
    };
    let newline = file.newline();
    let prefix = if layer.onbuild { "ONBUILD " } else { "" };
    let value = value.map(|v| format!("={v}")).unwrap_or_default();
    let mut content = format!("{prefix}ARG {name}{value}{newline}{indent}");
    if analysis.settings.fix_echo {
        content += &format!("{prefix}{}{newline}{indent}", echo_line(layer.shell, name));
    }
    Edit::insert(at, content)
}
