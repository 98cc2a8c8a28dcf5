//! justfiles: `name := value` assignments (quoted, or a backtick command classified by what it runs)
//! and every build command of a recipe's indented lines, with `{{name}}` interpolation.
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
    for line in text.split_inclusive('\n') {
        let body = line.trim_end();
        if body.starts_with([' ', '\t']) && !body.trim().is_empty() {
            let framing = Framing::Instruction { escape: '\\' };
            let base = at + (line.len() - line.trim_start().len());
            for mut command in split_commands(line.trim(), base, framing, ShellKind::Posix) {
                for word in &mut command.words {
                    word.text = expand(&word.text, &values);
                }
                assign(&command, &mut vars);
                out.extend(invocation(DriverKind::Just, &command, text, dir, &vars));
            }
        } else if let Some((name, value)) = assignment(body) {
            let (kind, _) = classify(&value, &vars);
            let span = at..at + body.len();
            let text = value.clone();
            vars.insert(name.to_string(), Var { kind, span, text });
            values.insert(name.to_string(), value);
        }
        at += line.len();
    }
    out
}

/// `name := value` or `export name := value`, the value unquoted (a backtick command kept as written).
fn assignment(line: &str) -> Option<(&str, String)> {
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (name, value) = line.split_once(":=")?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let value = value.trim();
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    Some((name, unquoted.to_string()))
}

/// `{{name}}` of a constant replaced by its value, of any other variable by `${name}` (so that the value
/// is classified by its assignment).
fn expand(text: &str, values: &HashMap<String, String>) -> String {
    let mut out = text.to_string();
    while let Some(start) = out.find("{{") {
        let Some(len) = out[start..].find("}}") else {
            break;
        };
        let name = out[start + 2..start + len].trim().to_string();
        let with = match values.get(&name) {
            Some(value) if !value.contains(['$', '`']) => value.clone(),
            _ => format!("${{{name}}}"),
        };
        out.replace_range(start..start + len + 2, &with);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drivers::ValueKind;

    #[test]
    fn a_recipe_reads_the_justfile_variables() {
        let text = "sha := `git ls-remote https://github.com/acme/t.git main | cut -f1`\n\
                    file := \"docker/Dockerfile\"\n\nbuild:\n    docker build -f {{file}} --build-arg CACHE_BUST={{sha}} .\n";
        let found = invocations(Path::new("p"), text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].dockerfile.as_deref(),
            Some(Path::new("p/docker/Dockerfile"))
        );
        assert_eq!(found[0].args[0].value, ValueKind::Precise);
        assert_eq!(
            &text[found[0].args[0].span.clone()],
            "--build-arg CACHE_BUST={{sha}}"
        );
    }
}
