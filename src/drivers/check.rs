//! The rules over build invocations, written once for every driver: CB000 (the Dockerfile or target
//! does not exist), CB004 (the bust arg never passed, or passed a constant), CB005 (passed, never
//! declared), CB008 (passed a value that changes on every build).
use std::path::Path;

use super::{Context, Invocation, PassedArg, ValueKind};
use crate::catalogue::known;
use crate::checks::Analysis;
use crate::compose::dockerfiles::{tidy, Dockerfiles};
use crate::compose::target::{built_stages, bust_args, declared_args};
use crate::finding::{Applicability, Edit, Finding, Fix, Label};
use crate::settings::Settings;
use crate::source::{display_path, SourceFile};

/// The findings of the driver `file` about its `invocations`; the Dockerfiles they build are linted into
/// `dockerfiles` (once each), and files that cannot be read are added to `errors`.
pub fn check_invocations(
    file: &SourceFile,
    invocations: &[Invocation],
    dockerfiles: &mut Dockerfiles,
    cwd: &Path,
    settings: &Settings,
    errors: &mut Vec<String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for build in invocations {
        if build.context == Context::Remote {
            continue;
        }
        if build.compose {
            compose_env(file, build, settings, &mut findings);
            continue;
        }
        let shown = display_path(&tidy(&build.dockerfile), cwd);
        if !build.dockerfile.is_file() {
            let span = build.dockerfile_span.clone().unwrap_or(build.span.clone());
            findings.push(unbuildable(
                span,
                format!("reads `{shown}`, which does not exist"),
                "no such file",
            ));
            continue;
        }
        let index = match dockerfiles.load(&build.dockerfile, shown.clone(), settings) {
            Ok(index) => index,
            Err(e) => {
                errors.push(format!("{shown}: cannot read: {e}"));
                continue;
            }
        };
        let linted = dockerfiles.get(index);
        let Some(model) = linted.model.clone() else {
            continue;
        };
        let Some(stages) = built_stages(&model, &linted.report.file, build.target.as_deref())
        else {
            if let Some(target) = &build.target {
                let what = format!("builds target `{target}`, which `{shown}` does not define");
                findings.push(unbuildable(build.span.clone(), what, "no such stage"));
            }
            continue;
        };
        let declared = declared_args(&model);
        let analysis = Analysis::new(&linted.report.file, model, settings);
        for name in bust_args(&analysis, &stages) {
            match build.args.iter().find(|a| a.name == name) {
                None => findings.push(not_passed(build, &name, &shown)),
                Some(arg) => match &arg.value {
                    ValueKind::Constant(value) => {
                        findings.push(constant(build, arg, value, &shown))
                    }
                    ValueKind::PerBuild => findings.push(per_build(file, build, arg)),
                    ValueKind::Precise | ValueKind::Environment(_) => {}
                },
            }
        }
        for arg in &build.args {
            if settings.is_bust_name(&arg.name) && !declared.contains(&arg.name) {
                findings.push(not_declared(arg, &shown));
            }
        }
    }
    findings.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    findings.dedup();
    findings
}

/// A `docker compose build` after the driver set a bust variable to a per-build value: compose's
/// `${VAR}` in a compose file beside the driver passes it on, and the finding is on the driver's line.
fn compose_env(file: &SourceFile, build: &Invocation, settings: &Settings, out: &mut Vec<Finding>) {
    let dir = file.path.parent().unwrap_or(Path::new(""));
    let compose: String = crate::compose::files::DEFAULT_NAMES
        .iter()
        .filter_map(|n| std::fs::read_to_string(dir.join(n)).ok())
        .collect();
    for arg in &build.args {
        let read = compose.contains(&format!("${{{}", arg.name))
            || compose.contains(&format!("${}", arg.name));
        // One finding per assignment: at the first compose command that reads it.
        let told = out
            .iter()
            .any(|f| f.code == "CB008" && Some(&f.span) == arg.origin.as_ref());
        if arg.value == ValueKind::PerBuild && settings.is_bust_name(&arg.name) && read && !told {
            let mut finding = per_build(file, build, arg);
            finding.related = vec![Label {
                span: build.span.clone(),
                text: format!("compose reads `{}` from the environment here", arg.name),
            }];
            finding.help = format!(
                "A timestamp or a random value rebuilds the remote layers every time, even when no remote \
                 moved. Remove this assignment and run `cachebust exec -- {}`: it sets `{}` to the \
                 remotes' head commits, so they rebuild exactly when one moved.",
                build.command, arg.name
            );
            out.push(finding);
        }
    }
}

fn unbuildable(span: std::ops::Range<usize>, what: String, label: &str) -> Finding {
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

fn not_passed(build: &Invocation, name: &str, shown: &str) -> Finding {
    Finding {
        code: "CB004",
        severity: known("CB004").severity,
        message: format!("this build never passes `{name}` to `{shown}`, so its cache bust never happens"),
        span: build.span.clone(),
        label: format!("builds `{shown}` without `{name}`"),
        related: Vec::new(),
        help: format!(
            "A build passes the Dockerfile only the args given with `--build-arg`: without one, `{name}` \
             keeps its default and the remote layers after it stay cached. Add `--build-arg {name}` (the \
             value from the environment) and run the build with `cachebust exec -- …`, which sets `{name}` \
             to the remote's head commit."
        ),
        fix: Some(Fix {
            title: format!("Add `--build-arg {name}` to the command (the value from the environment)"),
            applicability: Applicability::Unsafe,
            edits: vec![Edit::insert(build.insert_at, format!(" --build-arg {name}"))],
        }),
    }
}

fn constant(build: &Invocation, arg: &PassedArg, value: &str, shown: &str) -> Finding {
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
        fix: None,
    }
}

fn per_build(file: &SourceFile, build: &Invocation, arg: &PassedArg) -> Finding {
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
        help: format!(
            "A timestamp or a random value rebuilds the remote layers every time, even when no remote \
             moved. Pass `--build-arg {name}` and run `cachebust exec -- {exec}`: it sets `{name}` to the \
             remotes' head commits, so they rebuild exactly when one moved."
        ),
        fix: None,
    }
}

fn not_declared(arg: &PassedArg, shown: &str) -> Finding {
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
