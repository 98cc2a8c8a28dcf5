//! From one tokenized shell command to the build it starts, and from assignments to the variables a
//! later build reads.
use std::path::Path;

use super::value::{classify, known_value, resolved, Var, Vars};
use super::{dockerfile_of, AddArg, Context, DriverKind, Invocation, PassedArg};
use crate::parse::shell::{SimpleCommand, Word};

/// Records `NAME=value` and `export NAME=value` words of the command in `vars`.
pub fn assign(command: &SimpleCommand, vars: &mut Vars) {
    let words = match command.words.first().map(|w| w.text.as_str()) {
        Some("export" | "readonly" | "local" | "declare") => &command.words[1..],
        _ => &command.words[..],
    };
    for word in words {
        let Some((name, value)) = word.text.split_once('=') else {
            break;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            break;
        }
        let (kind, _) = classify(value, vars);
        let var = Var {
            kind,
            span: word.span.clone(),
            text: value.to_string(),
        };
        vars.insert(name.to_string(), var);
    }
}

/// The command as a user would type it after `cachebust exec --`: one line, without the shell's
/// `exec` or an enclosing `cachebust exec --`, leading assignments through `env` (which exec can run).
fn typed(command: &str) -> String {
    let mut words: Vec<&str> = command.split_whitespace().filter(|w| *w != "\\").collect();
    loop {
        match words.as_slice() {
            ["exec", ..] => drop(words.remove(0)),
            ["cachebust", "exec", ..] => {
                let end = words.iter().position(|w| *w == "--").map_or(2, |i| i + 1);
                words.drain(..end);
            }
            _ => break,
        }
    }
    if words
        .first()
        .is_some_and(|w| w.contains('=') && !w.starts_with('-'))
    {
        words.insert(0, "env");
    }
    words.join(" ")
}

/// The words after the program that starts a build (`docker build`, `docker buildx build`,
/// `docker image build`, `podman build`, `buildah bud`), or `None` when the command is no such build.
fn build_args(words: &[Word]) -> Option<&[Word]> {
    let text = |i: usize| words.get(i).map(|w| w.text.as_str());
    // Past assignments and the wrappers that run the build as given (`cachebust exec -- docker build`).
    let start = words.iter().position(|w| {
        !w.text.contains('=')
            && !matches!(
                w.text.as_str(),
                "sudo" | "env" | "exec" | "--" | "cachebust" | "time"
            )
    })?;
    let program = text(start)?.rsplit('/').next()?;
    let rest = match (program, text(start + 1), text(start + 2)) {
        ("docker" | "podman", Some("buildx" | "image"), Some("build")) => start + 3,
        ("docker" | "podman", Some("build"), _) => start + 2,
        ("buildah", Some("bud" | "build"), _) => start + 2,
        _ => return None,
    };
    Some(&words[rest - 1..])
}

/// The build `command` starts, with `vars` the driver's earlier assignments and `dir` its directory.
pub fn invocation(
    kind: DriverKind,
    command: &SimpleCommand,
    text: &str,
    dir: &Path,
    vars: &Vars,
) -> Option<Invocation> {
    if is_compose_build(&command.words) {
        return Some(compose_build(kind, command, text, dir, vars));
    }
    let words = build_args(&command.words)?;
    let add_arg = Some(AddArg::Flag(words[0].span.end));
    let words = &words[1..];
    let (mut file, mut target, mut args, mut context) = (None, None, Vec::new(), None);
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let (flag, inline) = match word.text.split_once('=') {
            Some((flag, value)) if word.text.starts_with("--") => (flag, Some(value.to_string())),
            _ => (word.text.as_str(), None),
        };
        let takes_value = matches!(
            flag,
            "-f" | "--file"
                | "--target"
                | "--build-arg"
                | "-t"
                | "--tag"
                | "--platform"
                | "--label"
                | "--secret"
                | "--ssh"
                | "--cache-from"
                | "--cache-to"
                | "--network"
                | "--progress"
                | "-o"
                | "--output"
                | "--iidfile"
                | "--add-host"
                | "--build-context"
                | "--shm-size"
                | "--ulimit"
                | "--metadata-file"
                | "--builder"
        );
        let value = match (&inline, takes_value) {
            (Some(v), _) => Some((v.clone(), word.span.clone())),
            (None, true) => {
                i += 1;
                words
                    .get(i)
                    .map(|w| (w.text.clone(), word.span.start..w.span.end))
            }
            (None, false) => None,
        };
        match (flag, value) {
            ("-f" | "--file", Some((v, span))) => file = Some((v, span)),
            ("--target", Some((v, _))) => target = Some(v),
            ("--build-arg", Some((v, span))) => {
                let (name, written) = match v.split_once('=') {
                    Some((name, value)) => (name.to_string(), value.to_string()),
                    // `--build-arg NAME`: the value comes from the environment of the build.
                    None => (v.clone(), format!("${{{v}}}")),
                };
                let (value, origin) = classify(&written, vars);
                let text = resolved(&written, vars);
                args.push(PassedArg {
                    name,
                    value,
                    text,
                    span,
                    origin,
                });
            }
            _ if !word.text.starts_with('-') && context.is_none() => {
                context = Some(word.text.clone())
            }
            _ => {}
        }
        i += 1;
    }
    let context_text = context.unwrap_or_else(|| ".".into());
    let context = Context::named(dir, &context_text, known_value(&context_text, vars));
    let target = target.map(|t| known_value(&t, vars));
    let dockerfile = dockerfile_of(
        Some(dir),
        file.as_ref().map(|(f, _)| known_value(f, vars)),
        &context,
    )
    .filter(|_| target.as_ref().is_none_or(Option::is_some));
    Some(Invocation {
        kind,
        span: command.span.clone(),
        command: typed(&text[command.span.clone()]),
        dockerfile,
        dockerfile_span: file.map(|(_, span)| span),
        context,
        target: target.flatten(),
        args,
        compose: false,
        add_arg,
    })
}

/// `docker compose build` or `docker-compose build` (global flags such as `-f` before `build` allowed).
fn is_compose_build(words: &[Word]) -> bool {
    let program = |w: &Word| w.text.rsplit('/').next().unwrap_or("").to_string();
    let Some(start) = words.iter().position(|w| !w.text.contains('=')) else {
        return false;
    };
    let rest = match (program(&words[start]).as_str(), words.get(start + 1)) {
        ("docker" | "podman", Some(w)) if w.text == "compose" => &words[start + 2..],
        ("docker-compose" | "podman-compose", _) => &words[start + 1..],
        _ => return false,
    };
    rest.iter().any(|w| w.text == "build" || w.text == "up")
}

/// A compose build: the variables the driver set, as compose would read them from the environment.
fn compose_build(
    kind: DriverKind,
    command: &SimpleCommand,
    text: &str,
    dir: &Path,
    vars: &Vars,
) -> Invocation {
    let mut args: Vec<PassedArg> = vars
        .iter()
        .map(|(name, var)| PassedArg {
            name: name.clone(),
            value: var.kind.clone(),
            text: var.text.clone(),
            span: var.span.clone(),
            origin: Some(var.span.clone()),
        })
        .collect();
    args.sort_by_key(|a| a.span.start);
    Invocation {
        kind,
        span: command.span.clone(),
        command: typed(&text[command.span.clone()]),
        dockerfile: None,
        dockerfile_span: None,
        context: Context::Dir(dir.to_path_buf()),
        target: None,
        args,
        compose: true,
        add_arg: None,
    }
}

#[cfg(test)]
mod tests {
    use super::typed;

    #[test]
    fn the_typed_command_runs_under_exec() {
        assert_eq!(
            typed("exec docker build \\\n  --build-arg CACHE_BUST=\"$(date +%s)\" ."),
            "docker build --build-arg CACHE_BUST=\"$(date +%s)\" ."
        );
        assert_eq!(
            typed("cachebust exec --timeout 5 -- docker build ."),
            "docker build ."
        );
        assert_eq!(
            typed("DOCKER_BUILDKIT=1 docker build ."),
            "env DOCKER_BUILDKIT=1 docker build ."
        );
        assert_eq!(typed("sudo docker build ."), "sudo docker build .");
    }
}
