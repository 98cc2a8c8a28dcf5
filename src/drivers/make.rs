//! Makefiles (`Makefile`, `makefile`, `GNUmakefile`, `*.mk`): variables from `=`, `:=`, `::=`, `?=`
//! (with `$(shell …)` classified by what it runs) and every build command of a recipe, continuations
//! joined.
use std::collections::HashMap;
use std::path::Path;

use super::command::{assign, invocation};
use super::value::{classify, Var, Vars};
use super::{DriverKind, Invocation};
use crate::parse::shell::{split_commands, Framing, ShellKind};

pub fn invocations(dir: &Path, text: &str) -> Vec<Invocation> {
    let mut vars = Vars::new();
    let mut values: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let end = logical_end(text, at);
        let line = &text[at..end];
        if let Some(recipe) = line.strip_prefix('\t') {
            let framing = Framing::Instruction { escape: '\\' };
            for mut command in split_commands(recipe, at + 1, framing, ShellKind::Posix) {
                for word in &mut command.words {
                    word.text = expand(&word.text, &values);
                }
                assign(&command, &mut vars);
                out.extend(invocation(DriverKind::Makefile, &command, text, dir, &vars));
            }
        } else if let Some((name, value)) = assignment(line) {
            let value = expand(value, &values);
            let (kind, _) = classify(&value, &vars);
            let span = at..at + line.trim_end().len();
            let text = value.clone();
            vars.insert(name.to_string(), Var { kind, span, text });
            values.insert(name.to_string(), value);
        }
        at = end;
    }
    out
}

/// Where the logical line that starts at `at` ends (past its newline), continuations included.
fn logical_end(text: &str, at: usize) -> usize {
    let mut end = at;
    loop {
        let next = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let line = text[end..next].trim_end_matches(['\n', '\r']);
        if !line.ends_with('\\') || next >= text.len() {
            return next;
        }
        end = next;
    }
}

/// `NAME = value`, `NAME := value`, `NAME ?= value`, `export NAME = value` (not a rule `a: b`).
fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let eq = line.find('=')?;
    let head = line[..eq].trim_end_matches([':', '?', '+', '!']).trim_end();
    if head.is_empty() || !head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((head, line[eq + 1..].trim()))
}

/// The text with `$(NAME)`/`${NAME}` of constant make variables substituted, the rest as written.
fn expand(text: &str, values: &HashMap<String, String>) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        if value.contains('$') {
            continue;
        }
        out = out
            .replace(&format!("$({name})"), value)
            .replace(&format!("${{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drivers::ValueKind;

    #[test]
    fn a_recipe_build_reads_the_makefile_variables() {
        let text = "REPO ?= https://github.com/acme/toolkit.git\nBRANCH := main\n\
                    SHA = $(shell git ls-remote $(REPO) refs/heads/$(BRANCH) | cut -f1)\n\
                    build:\n\tdocker build -f docker/Dockerfile \\\n\t  --build-arg SHA=$(SHA) \\\n\
                    \t  --build-arg BRANCH=$(BRANCH) --target app .\n";
        let found = invocations(Path::new("proj"), text);
        assert_eq!(found.len(), 1);
        let build = &found[0];
        assert_eq!(
            build.dockerfile.as_deref(),
            Some(Path::new("proj/docker/Dockerfile"))
        );
        assert_eq!(build.target.as_deref(), Some("app"));
        let kinds: Vec<_> = build
            .args
            .iter()
            .map(|a| (a.name.as_str(), a.value.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("SHA", ValueKind::Precise),
                ("BRANCH", ValueKind::Constant("main".into()))
            ]
        );
        assert_eq!(
            &text[build.args[0].origin.clone().unwrap()],
            "SHA = $(shell git ls-remote $(REPO) refs/heads/$(BRANCH) | cut -f1)"
        );
        assert!(build
            .command
            .starts_with("docker build -f docker/Dockerfile --build-arg SHA=$(SHA)"));
    }
}
