//! Whether the command `exec` runs hands the values to the build. `docker build`, `docker buildx build`,
//! `docker image build`, `podman build` and `buildah bud` see a variable of their environment only
//! through `--build-arg NAME`; compose reads it through `${NAME}` in the compose file, so it needs none.
use std::ffi::OsString;
use std::path::PathBuf;

/// The names of `names` that the build command `argv` starts does not pass with `--build-arg`, and the
/// command that would pass them (`--build-arg NAME` added right after the `build` word). `None` when
/// `argv` is no such build, or passes every name.
pub fn unforwarded(argv: &[OsString], names: &[String]) -> Option<(Vec<String>, String)> {
    let words: Vec<String> = argv
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let build = build_word(&words)?;
    let passed: Vec<&str> = passed_args(&words[build + 1..]);
    let missing: Vec<String> = names
        .iter()
        .filter(|n| !passed.contains(&n.as_str()))
        .cloned()
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut shown: Vec<String> = words[..=build].iter().map(|w| quoted(w)).collect();
    for name in &missing {
        shown.push("--build-arg".into());
        shown.push(name.clone());
    }
    shown.extend(words[build + 1..].iter().map(|w| quoted(w)));
    Some((missing, format!("cachebust exec -- {}", shown.join(" "))))
}

/// The compose files a `docker compose …` (`docker-compose`, `podman compose`, `podman-compose`) command
/// reads: those named with `-f`/`--file`, else the default files of the working directory. Empty when
/// the command is no compose command.
pub fn compose_files(argv: &[OsString]) -> Vec<PathBuf> {
    let words: Vec<String> = argv
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let wrapper = |w: &str| matches!(w, "sudo" | "env") || w.starts_with('-') || w.contains('=');
    let Some(start) = words.iter().position(|w| !wrapper(w)) else {
        return Vec::new();
    };
    let program = words[start].rsplit('/').next().unwrap_or_default();
    let rest = match (program, words.get(start + 1).map(String::as_str)) {
        ("docker" | "podman", Some("compose")) => &words[start + 2..],
        ("docker-compose" | "podman-compose", _) => &words[start + 1..],
        _ => return Vec::new(),
    };
    let mut named = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let word = rest[i].as_str();
        if word == "-f" || word == "--file" {
            named.extend(rest.get(i + 1).map(PathBuf::from));
            i += 1;
        } else if let Some(path) = word
            .strip_prefix("--file=")
            .or(word.strip_prefix("-f").filter(|p| !p.is_empty()))
        {
            named.push(PathBuf::from(path));
        }
        i += 1;
    }
    if named.is_empty() {
        named = crate::compose::files::DEFAULT_NAMES
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_file())
            .collect();
    }
    named
}

/// The index of the `build` (or `bud`) word of a build command, past `sudo`, `env` and assignments.
fn build_word(words: &[String]) -> Option<usize> {
    // `sudo -E env A=1 docker build`: the program is the first word that is no wrapper, flag or assignment.
    let wrapper = |w: &str| matches!(w, "sudo" | "env") || w.starts_with('-') || w.contains('=');
    let start = words.iter().position(|w| !wrapper(w))?;
    let program = words[start].rsplit('/').next()?;
    let at = |i: usize| words.get(start + i).map(String::as_str);
    match (program, at(1), at(2)) {
        ("docker" | "podman", Some("buildx" | "image"), Some("build")) => Some(start + 2),
        ("docker" | "podman", Some("build"), _) => Some(start + 1),
        ("buildah", Some("bud" | "build"), _) => Some(start + 1),
        _ => None,
    }
}

/// The names the words pass with `--build-arg NAME[=VALUE]` or `--build-arg=NAME[=VALUE]`.
fn passed_args(words: &[String]) -> Vec<&str> {
    let mut names = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let value = match words[i].strip_prefix("--build-arg") {
            Some("") => {
                i += 1;
                words.get(i).map(String::as_str)
            }
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(value) = value {
            names.push(value.split_once('=').map_or(value, |(name, _)| name));
        }
        i += 1;
    }
    names
}

/// A word as a POSIX shell reads it back: bare when it is safe, else in single quotes.
fn quoted(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(argv: &[&str]) -> Option<(Vec<String>, String)> {
        let argv: Vec<OsString> = argv.iter().map(Into::into).collect();
        unforwarded(&argv, &["CACHE_BUST".to_string()])
    }

    #[test]
    fn builds_that_do_not_pass_the_arg_get_the_command_that_would() {
        let (missing, command) = check(&["docker", "build", "-t", "api", "."]).unwrap();
        assert_eq!(missing, ["CACHE_BUST"]);
        assert_eq!(
            command,
            "cachebust exec -- docker build --build-arg CACHE_BUST -t api ."
        );
        let (_, command) = check(&["docker", "buildx", "build", "--tag", "a b", "."]).unwrap();
        assert_eq!(
            command,
            "cachebust exec -- docker buildx build --build-arg CACHE_BUST --tag 'a b' ."
        );
        let (_, command) = check(&["sudo", "-E", "/usr/bin/podman", "build", "."]).unwrap();
        assert_eq!(
            command,
            "cachebust exec -- sudo -E /usr/bin/podman build --build-arg CACHE_BUST ."
        );
        assert!(check(&["buildah", "bud", "."]).is_some());
    }

    #[test]
    fn builds_that_pass_it_and_other_commands_are_left_alone() {
        assert_eq!(
            check(&["docker", "build", "--build-arg", "CACHE_BUST", "."]),
            None
        );
        assert_eq!(
            check(&["docker", "build", "--build-arg=CACHE_BUST=x", "."]),
            None
        );
        assert_eq!(
            check(&["docker", "build", "--build-arg", "CACHE_BUST=1", "."]),
            None
        );
        assert_eq!(check(&["docker", "compose", "build"]), None);
        assert_eq!(check(&["make", "image"]), None);
        assert_eq!(check(&["sh", "-c", "docker build ."]), None);
        let partly = check(&["docker", "build", "--build-arg", "CACHE_BUSTER", "."]);
        assert!(partly.is_some());
    }

    #[test]
    fn compose_commands_name_the_files_they_read() {
        let files = |argv: &[&str]| {
            let argv: Vec<OsString> = argv.iter().map(Into::into).collect();
            compose_files(&argv)
        };
        assert_eq!(
            files(&["docker", "compose", "-f", "a.yaml", "--file=b.yml", "build"]),
            [PathBuf::from("a.yaml"), PathBuf::from("b.yml")]
        );
        assert_eq!(
            files(&["docker-compose", "-fc.yaml", "build", "api"]),
            [PathBuf::from("c.yaml")]
        );
        assert_eq!(
            files(&["docker", "build", "-f", "a.yaml", "."]),
            Vec::<PathBuf>::new()
        );
        assert_eq!(files(&["make", "-f", "a.yaml"]), Vec::<PathBuf>::new());
    }
}
