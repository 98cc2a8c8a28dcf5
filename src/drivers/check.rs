//! The rules over build invocations, written once for every driver: CB000 (the Dockerfile or target
//! does not exist), CB004 (the bust arg never passed, or passed a constant), CB005 (passed, never
//! declared), CB008 (passed a value that changes on every build).
use std::path::Path;

use super::messages::{constant, credentials, not_declared, not_passed, per_build, unbuildable};
use super::{Context, Invocation, PassedArg, ValueKind};
use crate::checks::Analysis;
use crate::compose::dockerfiles::{tidy, Dockerfiles};
use crate::compose::target::{built_stages, declared_args, needed_bust_args};
use crate::detect::credentials::{might_leak, secret_ranges};
use crate::finding::{Finding, Label};
use crate::model::{Dockerfile, ItemKind};
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
    let mut views = Vec::new();
    for build in invocations {
        if build.compose {
            compose_env(file, build, settings, &mut findings);
            continue;
        }
        // A remote context is fetched by Docker on every build; an unknown one cannot be read here.
        let (Context::Dir(context), Some(dockerfile)) = (&build.context, &build.dockerfile) else {
            continue;
        };
        let shown = display_path(&tidy(dockerfile), cwd);
        if !dockerfile.is_file() {
            if unknowable(dockerfile, &file.text) {
                continue;
            }
            let span = build.dockerfile_span.clone().unwrap_or(build.span.clone());
            findings.push(unbuildable(
                span,
                format!("reads `{shown}`, which does not exist"),
                "no such file",
            ));
            continue;
        }
        let index = match dockerfiles.load(
            dockerfile,
            shown.clone(),
            settings,
            &crate::source::read_file,
            Some(context),
        ) {
            Ok(index) => index,
            Err(e) => {
                errors.push(format!("{shown}: cannot read: {e}"));
                continue;
            }
        };
        // The help of the Dockerfile's CB001 names this build when it hands the value over: a bake
        // target (whose `args` a fix extends) or a command passing `--build-arg` for a bust arg.
        let passes = build.args.iter().any(|a| settings.is_bust_name(&a.name));
        if build.kind == super::DriverKind::Bake || passes {
            dockerfiles.built_by(index, &build.command);
        }
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
        // The driver's view: an ARG with no default takes the value the build passes it, and an arg
        // it passes a remote's commit is a cache bust whatever its name.
        let (filled, changed) = with_values(model.clone(), &build.args);
        let own = precise_busts(build, settings);
        let settings = own.as_ref().unwrap_or(settings);
        let seen = match changed || own.is_some() {
            true => driver_view(file, build, &linted.report, &model, &filled, settings),
            false => linted.report.findings.clone(),
        };
        let analysis = Analysis::in_context(&linted.report.file, filled, settings, Some(context));
        views.push((index, seen));
        for name in needed_bust_args(&analysis, &stages) {
            match build.args.iter().find(|a| a.name == name) {
                None => findings.push(not_passed(build, &name, &shown, &settings.fix_default)),
                Some(arg) => match &arg.value {
                    ValueKind::Constant(value) => {
                        findings.push(constant(file, build, arg, value, &shown))
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
            if carries_credentials(&arg.text) && fetched(&analysis, &stages, &arg.name) {
                findings.push(credentials(arg, &shown));
            }
        }
    }
    for (index, seen) in views {
        dockerfiles.add_view(index, seen);
    }
    findings.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    findings.dedup();
    findings
}

/// A Dockerfile the driver names through a value it cannot know here (`${{ matrix.dockerfile }}`,
/// `${SCRIPT_DIR}/..`, `$(DIR)`, a variable the CI sets) or writes itself before building it
/// (`… > uid.Dockerfile`): its absence from the tree says nothing, so it is no CB000.
fn unknowable(dockerfile: &Path, driver_text: &str) -> bool {
    if dockerfile.to_string_lossy().contains('$') {
        return true;
    }
    let Some(name) = dockerfile.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    driver_text.match_indices(name).any(|(at, _)| {
        // Back over the path the name ends (`"${DIR}/uid.Dockerfile"`), then over blanks and quotes.
        let before = driver_text[..at]
            .trim_end_matches(|c: char| !c.is_whitespace() && !matches!(c, '>' | '"' | '\''))
            .trim_end_matches([' ', '\t', '"', '\'']);
        before.ends_with('>') || before.ends_with(" tee") || before.ends_with(" -o")
    })
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

/// The Dockerfile's findings with the values `build` passes (`--build-arg BRANCH=main` makes
/// `git+${REPO}@${BRANCH}` a branch; a commit SHA pins it), those that differ from the driver-less
/// ones saying which driver passes what.
fn driver_view(
    file: &SourceFile,
    build: &Invocation,
    report: &crate::lint::FileReport,
    model: &Dockerfile,
    filled: &Dockerfile,
    settings: &Settings,
) -> Vec<Finding> {
    let base: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.code, &f.message))
        .collect();
    let line = 1 + file.text[..build.span.start].matches('\n').count();
    let values: Vec<String> = build
        .args
        .iter()
        .filter(|a| declared_without_default(model, &a.name))
        .map(|a| format!("`{}={}`", a.name, a.text))
        .collect();
    crate::checks::check_model(&report.file, filled.clone(), settings)
        .into_iter()
        .map(|mut f| {
            if base.contains(&(f.code, &f.message)) {
                return f;
            }
            f.message = format!(
                "{} (as `{}:{line}` builds it, passing {})",
                f.message,
                file.display,
                values.join(", ")
            );
            f
        })
        .collect()
}

/// The settings with the args that `build` passes a remote's commit (`git ls-remote`, `git rev-parse`)
/// counted as cache busts, when one is not already: `None` when nothing changes.
fn precise_busts(build: &Invocation, settings: &Settings) -> Option<Settings> {
    let names: Vec<String> = build
        .args
        .iter()
        .filter(|a| a.value == ValueKind::Precise && !settings.is_bust_name(&a.name))
        .map(|a| a.name.clone())
        .collect();
    if names.is_empty() {
        return None;
    }
    let mut own = settings.clone();
    own.bust_names.extend(names);
    Some(own)
}

/// Whether the Dockerfile declares `name` somewhere with no default.
fn declared_without_default(model: &Dockerfile, name: &str) -> bool {
    let staged = model
        .stages
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match &i.kind {
            ItemKind::Arg(decls) => Some(decls),
            _ => None,
        });
    model
        .global_args
        .iter()
        .chain(staged.flatten())
        .any(|d| d.name == name && d.default.is_none())
}

/// The model with each ARG that has no default given the value `args` pass it, when written out.
fn with_values(mut model: Dockerfile, args: &[PassedArg]) -> (Dockerfile, bool) {
    let mut changed = false;
    let value = |name: &str| {
        let arg = args.iter().find(|a| a.name == name)?;
        match &arg.value {
            ValueKind::Constant(_) | ValueKind::Environment(_) if !arg.text.contains("$(") => {
                Some(arg.text.clone())
            }
            _ => None,
        }
    };
    let staged = model
        .stages
        .iter_mut()
        .flat_map(|s| &mut s.items)
        .filter_map(|i| match &mut i.kind {
            ItemKind::Arg(decls) => Some(decls),
            _ => None,
        });
    for decl in model.global_args.iter_mut().chain(staged.flatten()) {
        if decl.default.is_none() {
            decl.default = value(&decl.name);
            changed |= decl.default.is_some();
        }
    }
    (model, changed)
}

/// Whether a value holds a URL with userinfo or a token query value, literal or from variables.
fn carries_credentials(text: &str) -> bool {
    might_leak(text) && !secret_ranges(text).is_empty()
}

/// Whether the arg `name` is used in a URL that a remote layer of the built stages fetches.
fn fetched(analysis: &Analysis<'_>, stages: &[usize], name: &str) -> bool {
    let text = &analysis.file.text;
    analysis
        .layers
        .iter()
        .filter(|l| stages.contains(&l.stage))
        .any(|layer| {
            layer.sources.iter().any(|source| {
                let url = &text[source.url_span.clone()];
                url.contains(&format!("${{{name}}}")) || url.contains(&format!("${name}"))
            })
        })
}
