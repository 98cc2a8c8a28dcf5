//! The orchestration: scan the Dockerfiles, plan each remote, ask the remotes in parallel (each
//! distinct URL and ref once), apply the fallback, and fold the states into one value per arg.
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use super::collect::{scan, Found, Scan};
use super::outcome::{ArgValue, BustError, DriverVar, FileRemotes, Remote, State, Values};
use super::redact::{redact_text, redact_url};
use super::target::{plan, Plan, Planned, Target};
use super::value::digest;
use super::{pool, resolve, Fallback, Options};
use crate::detect::refs::RefKind;

const FALLBACK_HELP: &str =
    "check the URL, the network and the credentials; or pass `--fallback timestamp` \
     (its layer rebuilds on every build) or `--fallback skip` (its layer stays cached)";

/// Computes the cache-bust values for the Dockerfiles under `paths` (`.` when empty). `env` supplies
/// the variables a remote's URL or ref needs that the Dockerfile leaves unset (credentials).
pub fn compute(
    paths: &[PathBuf],
    options: &Options,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Values, BustError> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let scan = scan(&paths, &options.settings, env, &options.compose_files)?;
    let plans = plan_all(&scan, env)?;
    let answers = ask_all(&plans, options);
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut states = Vec::with_capacity(answers.len());
    for ((found, planned), answer) in scan.found.iter().zip(&plans).zip(answers) {
        let reason = match answer {
            Ok((commit, refname)) => {
                states.push(State::Resolved { commit, refname });
                continue;
            }
            Err(reason) => redact_text(&reason, &planned.secrets),
        };
        let what = describe(&scan, found);
        match options.fallback {
            Fallback::Error => problems.push(format!("cannot resolve {what}: {reason}")),
            Fallback::Timestamp => {
                warnings.push(format!("{what}: {reason}; using the current time instead"));
                states.push(State::Timestamp { seconds, reason });
            }
            Fallback::Skip => {
                warnings.push(format!("{what}: {reason}; left out of the value"));
                states.push(State::Skipped { reason });
            }
        }
    }
    if !problems.is_empty() {
        return Err(BustError::new(problems, Some(FALLBACK_HELP)));
    }
    let names = arg_names(&scan, options, &mut warnings);
    let mut values = assemble(&scan, states, names, warnings);
    values.driver_vars = driver_vars(&paths, &values);
    Ok(values)
}

fn plan_all(scan: &Scan, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Planned>, BustError> {
    let mut plans = Vec::with_capacity(scan.found.len());
    let mut problems = Vec::new();
    for found in &scan.found {
        match plan(&found.source, env) {
            Ok(planned) => plans.push(planned),
            Err(missing) => problems.push(format!(
                "{} needs {}, not set in the environment",
                describe(scan, found),
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        let help = "export the variables before running cachebust: it passes them to git and never prints them";
        Err(BustError::new(problems, Some(help)))
    }
}

/// The commit (and full ref) of each planned remote, or why there is none. Each distinct target is
/// asked once, however many layers fetch it.
fn ask_all(plans: &[Planned], options: &Options) -> Vec<Result<(String, Option<String>), String>> {
    let mut targets: Vec<&Target> = Vec::new();
    let mut index: HashMap<&Target, usize> = HashMap::new();
    for planned in plans {
        if let Plan::Ask(target) = &planned.plan {
            index.entry(target).or_insert_with(|| {
                targets.push(target);
                targets.len() - 1
            });
        }
    }
    let answers = pool::run_all(&targets, options.jobs, options.progress, |t| {
        resolve::ls_remote(t, options.timeout)
    });
    plans
        .iter()
        .map(|planned| match &planned.plan {
            Plan::Ask(target) => answers[index[target]]
                .clone()
                .map(|r| (r.commit, Some(r.refname))),
            Plan::Pinned(commit) => Ok((commit.clone(), None)),
            Plan::Cannot(why) => Err(why.clone()),
        })
        .collect()
}

/// The arg each remote feeds: the covering arg, or with `--per-layer` the layer's own arg, named as
/// `--fix` names it (`checks::names`). Under `--per-layer` only declared names are given: a layer
/// whose own arg its Dockerfile does not declare feeds the arg that covers it, and a layer that no
/// declared arg covers feeds none (`None`); a warning names each.
fn arg_names(scan: &Scan, options: &Options, warnings: &mut Vec<String>) -> Vec<Option<String>> {
    if !options.per_layer {
        return scan.found.iter().map(|f| Some(f.arg.clone())).collect();
    }
    // One warning per layer, however many remotes it has.
    let mut told: Vec<String> = Vec::new();
    let mut names = Vec::with_capacity(scan.found.len());
    for f in &scan.found {
        let at = format!("{}:{}", scan.paths[f.file], f.line);
        let name = if f.layer_arg_declared {
            Some(f.layer_arg.clone())
        } else if f.declared {
            if !told.contains(&at) {
                warnings.push(format!(
                    "--per-layer: {at} does not declare `{}`: it follows `{}`, which it declares \
                     (set `per-layer = true` under `[cache-bust]` and run `cachebust check --fix` \
                     to give each layer its own arg)",
                    f.layer_arg, f.arg
                ));
            }
            Some(f.arg.clone())
        } else {
            if !told.contains(&at) {
                warnings.push(format!(
                    "--per-layer: {at} declares no cache-bust arg before its remote layer: \
                     no value is printed for it (`cachebust check --fix` inserts one)"
                ));
            }
            None
        };
        told.push(at);
        names.push(name);
    }
    names
}

/// A remote as the Dockerfile names it: its URL and ref.
type RemoteKey<'a> = (&'a str, Option<&'a str>);

/// Folds the states into one value per arg, counting each distinct remote once, in Dockerfile order.
fn assemble(
    scan: &Scan,
    states: Vec<State>,
    names: Vec<Option<String>>,
    warnings: Vec<String>,
) -> Values {
    let mut order: Vec<String> = Vec::new();
    let mut inputs: HashMap<String, Vec<(RemoteKey<'_>, Option<String>)>> = HashMap::new();
    for ((found, state), name) in scan.found.iter().zip(&states).zip(&names) {
        // A Dockerfile read only because a service builds it feeds only that service's variable.
        let Some(name) = name.as_ref().filter(|_| !scan.extra[found.file]) else {
            continue;
        };
        let key = (found.source.url.as_str(), found.source.reference.as_deref());
        let element = element_of(state);
        let list = inputs.entry(name.clone()).or_insert_with(|| {
            order.push(name.clone());
            Vec::new()
        });
        if !list.iter().any(|(k, _)| *k == key) {
            list.push((key, element));
        }
    }
    // A compose service's own variable follows the remotes of the stages it builds, and no others.
    for feed in &scan.feeds {
        let list = inputs.entry(feed.variable.clone()).or_insert_with(|| {
            order.push(feed.variable.clone());
            Vec::new()
        });
        for &i in &feed.found {
            let found = &scan.found[i];
            let key = (found.source.url.as_str(), found.source.reference.as_deref());
            if !list.iter().any(|(k, _)| *k == key) {
                list.push((key, element_of(&states[i])));
            }
        }
    }
    let args = order
        .into_iter()
        .map(|name| {
            let elements: Vec<&String> = inputs[&name]
                .iter()
                .filter_map(|(_, e)| e.as_ref())
                .collect();
            ArgValue {
                value: digest(&elements),
                remotes: elements.len(),
                name,
            }
        })
        .collect();
    let mut files: Vec<FileRemotes> = scan
        .paths
        .iter()
        .map(|p| FileRemotes {
            path: p.clone(),
            remotes: Vec::new(),
        })
        .collect();
    for ((found, state), arg) in scan.found.iter().zip(states).zip(names) {
        let Some(arg) = arg.filter(|_| !scan.extra[found.file]) else {
            continue;
        };
        files[found.file].remotes.push(Remote {
            line: found.line,
            tool: found.source.tool.clone(),
            url: redact_url(&found.source.url),
            reference: found.source.reference.clone(),
            arg,
            state,
        });
    }
    Values {
        args,
        files,
        warnings,
        driver_vars: Vec::new(),
    }
}

/// What a remote adds to a value: its commit, the time standing in for it, or nothing.
fn element_of(state: &State) -> Option<String> {
    match state {
        State::Resolved { commit, .. } => Some(commit.clone()),
        State::Timestamp { seconds, .. } => Some(seconds.to_string()),
        State::Skipped { .. } => None,
    }
}

/// The variables the build drivers under `paths` read for the bust args of `values`, each given
/// its arg's value.
fn driver_vars(paths: &[PathBuf], values: &Values) -> Vec<DriverVar> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out: Vec<DriverVar> = Vec::new();
    for driver in crate::discover::discover_all(paths).drivers {
        for (name, arg) in crate::drivers::environment_names(&driver) {
            let Some(value) = values.args.iter().find(|a| a.name == arg) else {
                continue;
            };
            // An arg's own name is already set; a variable read for two args keeps the first.
            if values.args.iter().any(|a| a.name == name) || out.iter().any(|v| v.name == name) {
                continue;
            }
            out.push(DriverVar {
                name,
                arg,
                value: value.value.clone(),
                driver: crate::source::display_path(&driver, &cwd),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// ``https://***@host/x.git at `main` (Dockerfile:5)`` for messages.
fn describe(scan: &Scan, found: &Found) -> String {
    let at = match (&found.source.reference, found.source.kind) {
        (Some(r), _) => format!("`{r}`"),
        (None, RefKind::Latest) => "its latest release".to_string(),
        (None, _) => "HEAD".to_string(),
    };
    format!(
        "{} at {at} ({}:{})",
        redact_url(&found.source.url),
        scan.paths[found.file],
        found.line
    )
}
