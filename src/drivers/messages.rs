//! One function per finding the driver rules make: its message, label, help and fix.
use super::{AddArg, DriverKind, Invocation, PassedArg};
use crate::catalogue::known;
use crate::detect::credentials::redact_url;
use crate::finding::{Applicability, Edit, Finding, Fix, Label};
use crate::source::SourceFile;

pub fn credentials(arg: &PassedArg, shown: &str) -> Finding {
    let name = &arg.name;
    Finding {
        code: "CB006",
        severity: known("CB006").severity,
        message: format!(
            "this build passes `{name}` a URL with credentials (`{}`), and `{shown}` fetches it: they \
             land in the image",
            redact_url(&arg.text)
        ),
        span: arg.origin.clone().unwrap_or(arg.span.clone()),
        label: "credentials in a build arg".into(),
        related: Vec::new(),
        help: "Build args are recorded in the image's history and provenance, and are part of the \
               layer's cache key. Pass the token as a secret (`docker build --secret id=token,env=TOKEN` \
               and `RUN --mount=type=secret,id=token …`) or use `--ssh` with an SSH URL."
            .into(),
        fix: None,
    }
}

pub fn syntax(span: std::ops::Range<usize>, message: &str) -> Finding {
    Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("this bake file cannot be parsed: {}", message.trim()),
        span,
        label: "bake stops here".into(),
        related: Vec::new(),
        help: "`docker buildx bake` refuses this file too. Fix its syntax; its targets were not checked."
            .into(),
        fix: None,
    }
}

pub fn ci_syntax(span: std::ops::Range<usize>, message: &str) -> Finding {
    Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("this CI file is not valid YAML: {}", message.trim()),
        span,
        label: "the YAML stops here".into(),
        related: Vec::new(),
        help: "The CI service refuses this file too. Fix the YAML syntax; its builds were not checked."
            .into(),
        fix: None,
    }
}

pub fn unbuildable(span: std::ops::Range<usize>, what: String, label: &str) -> Finding {
    Finding {
        code: "CB000",
        severity: known("CB000").severity,
        message: format!("this build {what}"),
        span,
        label: label.into(),
        related: Vec::new(),
        help:
            "The build fails here too. Fix `-f`/`--file` (relative to where the command runs) or \
               `--target`, or create what is missing; this build's cache busts were not checked."
                .into(),
        fix: None,
    }
}

pub fn not_passed(build: &Invocation, name: &str, shown: &str, default: &str) -> Finding {
    Finding {
        code: "CB004",
        severity: known("CB004").severity,
        message: format!("this build never passes `{name}` to `{shown}`, so its cache bust never happens"),
        span: build.span.clone(),
        label: format!("builds `{shown}` without `{name}`"),
        related: Vec::new(),
        help: match (build.kind, &build.add_arg) {
            (DriverKind::Bake, None) => format!(
                "Bake passes the Dockerfile only the target's `args` (its own and those it inherits): \
                 without `{name}`, it keeps its default and the remote layers after it stay cached. Pass \
                 `{name}` in the target's `args` as `${{{name}}}`, from a bake variable of that name \
                 with a constant default, and run `cachebust exec -- {}`, which sets `{name}` to the \
                 remote's head commit.",
                build.command
            ),
            (DriverKind::Bake, _) => format!(
                "Bake passes the Dockerfile only the target's `args` (its own and those it inherits): \
                 without `{name}`, it keeps its default and the remote layers after it stay cached. Add \
                 `{name} = \"${{{name}}}\"` to the target's `args` with a `variable \"{name}\"` block, \
                 and run `cachebust exec -- {}`, which sets `{name}` to the remote's head commit.",
                build.command
            ),
            (DriverKind::Actions, _) => format!(
                "`docker/build-push-action` passes the Dockerfile only its `build-args`: without one, \
                 `{name}` keeps its default and the remote layers after it stay cached. Add \
                 `{name}=${{{{ env.{name} || '{default}' }}}}` to `build-args` and set `{name}` in the \
                 job's environment before the step (`run: cachebust bust --format dotenv >> \"$GITHUB_ENV\"`)."
            ),
            _ => format!(
                "A build passes the Dockerfile only the args given with `--build-arg`: without one, \
                 `{name}` keeps its default and the remote layers after it stay cached. Add \
                 `--build-arg {name}` (the value from the environment) and run the build with \
                 `cachebust exec -- …`, which sets `{name}` to the remote's head commit."
            ),
        },
        fix: build.add_arg.as_ref().map(|add| match add {
            AddArg::Flag(_) => Fix {
                title: format!(
                    "Add `--build-arg {name}` to the command (the value from the environment)"
                ),
                applicability: Applicability::Unsafe,
                edits: add.edits(name, default),
            },
            AddArg::Bake(_) => Fix {
                title: format!("Add `{name}` to the target's `args`, from a bake variable"),
                applicability: Applicability::Safe,
                edits: add.edits(name, default),
            },
            AddArg::BuildArgs(_) => Fix {
                title: format!("Add `{name}` to the step's `build-args`, from the job's environment"),
                applicability: Applicability::Safe,
                edits: add.edits(name, default),
            },
        }),
    }
}

pub fn constant(
    file: &SourceFile,
    build: &Invocation,
    arg: &PassedArg,
    value: &str,
    shown: &str,
) -> Finding {
    let name = &arg.name;
    Finding {
        code: "CB004",
        severity: known("CB004").severity,
        message: format!(
            "this build passes `{name}` as the constant `{value}`, so its cache bust never happens"
        ),
        span: build.span.clone(),
        label: format!("builds `{shown}` with a `{name}` that never changes"),
        related: vec![Label {
            span: arg.origin.clone().unwrap_or(arg.span.clone()),
            text: format!("always `{value}`"),
        }],
        help: format!(
            "`{name}` is always `{value}` here, so the layers it should rebuild stay cached. Pass \
             `--build-arg {name}` (the value from the environment) and run the build with \
             `cachebust exec -- …`, which sets `{name}` to the remote's head commit."
        ),
        fix: constant_fix(&file.text[arg.span.clone()], build, arg, value),
    }
}

/// A constant written in the command made a value from the environment: `--build-arg NAME` (unsafe:
/// the value changes when the environment has one, else the Dockerfile's default replaces the
/// constant), or in a
/// `build-push-action` step `NAME=${{ env.NAME || 'constant' }}` (safe: the constant until it is set).
fn constant_fix(written: &str, build: &Invocation, arg: &PassedArg, value: &str) -> Option<Fix> {
    let name = &arg.name;
    let edit = |content: String| Edit {
        range: arg.span.clone(),
        content,
    };
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+/@=:".contains(c));
    match build.add_arg.as_ref()? {
        // A constant from a variable stays (`$(X)`, `{{x}}`, `$X`): make exports its own value of a
        // variable over the environment's, so `--build-arg NAME` would still read the constant.
        AddArg::Flag(_) if arg.origin.is_none() && !written.contains(['$', '{', '`']) => {
            Some(Fix {
                title: format!("Pass `--build-arg {name}` (the value from the environment)"),
                applicability: Applicability::Unsafe,
                edits: vec![edit(format!("--build-arg {name}"))],
            })
        }
        AddArg::BuildArgs(_) if plain => Some(Fix {
            title: format!("Pass `{name}` from the job's environment, `{value}` until it is set"),
            applicability: Applicability::Safe,
            edits: vec![edit(format!("{name}=${{{{ env.{name} || '{value}' }}}}"))],
        }),
        _ => None,
    }
}

pub fn per_build(file: &SourceFile, build: &Invocation, arg: &PassedArg) -> Finding {
    let name = &arg.name;
    let written = file.text[arg.span.clone()].to_string();
    let exec = build
        .command
        .replace(&written, &format!("--build-arg {name}"));
    let span = arg.origin.clone().unwrap_or(arg.span.clone());
    let mut related = Vec::new();
    if arg.origin.is_some() {
        related.push(Label {
            span: arg.span.clone(),
            text: "passed to the build here".into(),
        });
    }
    Finding {
        code: "CB008",
        severity: known("CB008").severity,
        message: format!("`{name}` changes on every build, so the remote layers after it are never cached"),
        span,
        label: "a new value on every build".into(),
        related,
        help: match build.kind {
            DriverKind::Bake => format!(
                "A timestamp or a random value rebuilds the remote layers every time, even when no \
                 remote moved. Pass `{name}` from a bake variable with a constant default \
                 (`default = \"unknown\"`, no `timestamp()` or `uuidv4()`) and run `cachebust exec -- \
                 {exec}`: bake reads that variable from the environment, which `cachebust exec` sets to \
                 the remotes' head commits, so they rebuild exactly when one moved."
            ),
            _ => format!(
                "A timestamp or a random value rebuilds the remote layers every time, even when no \
                 remote moved. Pass `--build-arg {name}` and run `cachebust exec -- {exec}`: it sets \
                 `{name}` to the remotes' head commits, so they rebuild exactly when one moved."
            ),
        },
        fix: None,
    }
}

pub fn not_declared(arg: &PassedArg, shown: &str) -> Finding {
    let name = &arg.name;
    Finding {
        code: "CB005",
        severity: known("CB005").severity,
        message: format!("this build passes `{name}` to `{shown}`, which never declares it: it does nothing"),
        span: arg.span.clone(),
        label: format!("not declared by `{shown}`"),
        related: Vec::new(),
        help: format!(
            "Docker ignores a build arg that the Dockerfile does not declare, so no layer is rebuilt. \
             Declare `ARG {name}` in the stage right before its first remote layer (`cachebust check \
             --fix` inserts one before an unbusted layer), or remove `--build-arg {name}`."
        ),
        fix: None,
    }
}
