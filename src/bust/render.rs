//! Values → text, one function per `--format`. Values are hex digits, so no quoting is needed.
use serde_json::{json, Value};

use super::outcome::{Remote, State, Values};

/// Every output format of `cachebust bust --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `export CACHE_BUST=…` lines, for `eval "$(cachebust bust)"`
    Env,
    /// `--build-arg CACHE_BUST=…` on one line, for `docker build $(cachebust bust --format build-args) .`
    BuildArgs,
    /// `CACHE_BUST=…` lines, for compose's `.env` file
    Dotenv,
    /// one JSON object: the values, and per Dockerfile each remote with its resolved commit
    Json,
}

/// Renders the values in the chosen format.
pub fn render(format: Format, values: &Values) -> String {
    let pairs = values.args.iter().map(|a| (&a.name, &a.value));
    // The environment formats also set what a driver reads for a bust arg (`$(BUST)`).
    let environment = pairs
        .clone()
        .chain(values.driver_vars.iter().map(|v| (&v.name, &v.value)));
    match format {
        Format::Env => environment
            .map(|(n, v)| format!("export {n}={v}\n"))
            .collect(),
        Format::Dotenv => environment.map(|(n, v)| format!("{n}={v}\n")).collect(),
        Format::BuildArgs if values.args.is_empty() => String::new(),
        Format::BuildArgs => {
            let args: Vec<String> = pairs.map(|(n, v)| format!("--build-arg {n}={v}")).collect();
            args.join(" ") + "\n"
        }
        Format::Json => render_json(values),
    }
}

fn render_json(values: &Values) -> String {
    let args: serde_json::Map<String, Value> = values
        .args
        .iter()
        .map(|a| (a.name.clone(), a.value.clone().into()))
        .collect();
    let files: Vec<Value> = values
        .files
        .iter()
        .map(|f| {
            let remotes: Vec<Value> = f.remotes.iter().map(|r| remote(values, r)).collect();
            json!({ "path": f.path, "remotes": remotes })
        })
        .collect();
    let mut document = json!({ "values": args, "files": files });
    crate::redact::redact_json(&mut document);
    let mut out = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    out.push('\n');
    out
}

/// Every key is always present (`null` when it does not apply), so consumers need no guessing.
fn remote(values: &Values, r: &Remote) -> Value {
    let mut object = json!({
        "line": r.line,
        "tool": r.tool,
        "url": r.url,
        "ref": r.reference,
        "arg": r.arg,
        "value": values.get(&r.arg),
        "commit": null,
        "resolved_ref": null,
        "fallback": null,
        "reason": null,
        "timestamp": null,
    });
    match &r.state {
        State::Resolved { commit, refname } => {
            object["commit"] = json!(commit);
            object["resolved_ref"] = json!(refname);
        }
        State::Timestamp { seconds, reason } => {
            object["fallback"] = json!("timestamp");
            object["reason"] = json!(reason);
            object["timestamp"] = json!(seconds);
        }
        State::Skipped { reason } => {
            object["fallback"] = json!("skip");
            object["reason"] = json!(reason);
        }
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bust::outcome::ArgValue;

    fn two() -> Values {
        let arg = |name: &str, value: &str| ArgValue {
            name: name.into(),
            value: value.into(),
            remotes: 1,
        };
        Values {
            args: vec![
                arg("CACHE_BUST", "0123456789ab"),
                arg("CACHE_BUST_API", "ba9876543210"),
            ],
            ..Values::default()
        }
    }

    #[test]
    fn line_formats() {
        assert_eq!(
            render(Format::Env, &two()),
            "export CACHE_BUST=0123456789ab\nexport CACHE_BUST_API=ba9876543210\n"
        );
        assert_eq!(
            render(Format::BuildArgs, &two()),
            "--build-arg CACHE_BUST=0123456789ab --build-arg CACHE_BUST_API=ba9876543210\n"
        );
        assert_eq!(
            render(Format::Dotenv, &two()),
            "CACHE_BUST=0123456789ab\nCACHE_BUST_API=ba9876543210\n"
        );
        assert_eq!(render(Format::BuildArgs, &Values::default()), "");
    }
}
