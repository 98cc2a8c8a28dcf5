//! What a value passed to a build holds: a remote's commit, something new on every build, a constant,
//! or whatever the environment of the build has.
use std::collections::HashMap;
use std::ops::Range;

/// The kind of a value a driver passes as a build arg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// A remote's commit (`git ls-remote`, `git rev-parse`, `cachebust bust`): changes exactly when it moved.
    Precise,
    /// A timestamp or a random value (`date`, `uuidgen`, `$RANDOM`): changes on every build.
    PerBuild,
    /// Written in the driver: never changes.
    Constant(String),
    /// Taken from the environment the driver runs in (`cachebust exec` can set it).
    Environment(String),
}

/// One assignment of the driver: what it holds, where it was set, and its value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub kind: ValueKind,
    pub span: Range<usize>,
    pub text: String,
}

/// The driver's assignments seen so far, by name.
pub type Vars = HashMap<String, Var>;

/// The value as written, or the text of the assignment it names exactly (`$REPO` → `https://…`).
pub fn resolved(text: &str, vars: &Vars) -> String {
    match variable(text).and_then(|name| vars.get(&name)) {
        Some(var) => var.text.clone(),
        None => text.to_string(),
    }
}

/// A path or a stage name as the build sees it, the driver's constant variables in place (`$DF`,
/// `${DF}`, make's `$(DF)`): `None` when it depends on a value not known here (an unset variable, a CI
/// expression such as `${{ matrix.dockerfile }}`, a command's output, a justfile's `{{x}}`).
pub fn known_value(text: &str, vars: &Vars) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let (name, len) = match tail.chars().next() {
            Some(open @ ('{' | '(')) => {
                let close = if open == '{' { '}' } else { ')' };
                let end = tail.find(close)?;
                (&tail[1..end], end + 1)
            }
            _ => {
                let end = tail
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .unwrap_or(tail.len());
                (&tail[..end], end)
            }
        };
        let var = vars.get(name)?;
        match &var.kind {
            ValueKind::Constant(_) if !var.text.contains(['$', '`']) => out.push_str(&var.text),
            _ => return None,
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    (!out.is_empty() && !out.contains(['`', '{', '}'])).then_some(out)
}

/// Programs whose output names a remote's commit.
const PRECISE: &[&str] = &["git ls-remote", "git rev-parse", "cachebust bust"];
/// Programs and variables whose value is new on every build.
const PER_BUILD: &[&str] = &[
    "date",
    "uuidgen",
    "$RANDOM",
    "${RANDOM}",
    "/proc/sys/kernel/random/uuid",
];

/// CI values that are new on every pipeline: GitHub's run id and number and the building repo's commit
/// (`${{ github.sha }}`, which moves with every push whatever the remote does), GitLab's pipeline ids.
const CI_PER_BUILD: &[&str] = &[
    "github.run_id",
    "github.run_number",
    "github.run_attempt",
    "github.sha",
    "GITHUB_RUN_ID",
    "GITHUB_SHA",
    "CI_PIPELINE_ID",
    "CI_PIPELINE_IID",
    "CI_JOB_ID",
    "CI_COMMIT_SHA",
];

/// Classifies a value as written (substitutions unexpanded), with `vars` the driver's earlier assignments.
/// Returns the kind and, when an assignment decided it, where.
pub fn classify(text: &str, vars: &Vars) -> (ValueKind, Option<Range<usize>>) {
    if text.contains("$(") || text.contains('`') {
        let inner = normalize(text);
        if PRECISE.iter().any(|p| inner.contains(p)) {
            return (ValueKind::Precise, None);
        }
        if PER_BUILD.iter().any(|p| runs(&inner, p)) {
            return (ValueKind::PerBuild, None);
        }
    }
    if PER_BUILD[2..4].iter().any(|p| text.contains(p))
        || CI_PER_BUILD.iter().any(|p| text.contains(p))
    {
        return (ValueKind::PerBuild, None);
    }
    if let Some(name) = text
        .strip_prefix("${{")
        .and_then(|t| t.strip_suffix("}}"))
        .map(str::trim)
    {
        // A GitHub Actions expression: `env.X` is the environment; others are opaque, not constants.
        let name = name.strip_prefix("env.").unwrap_or(name);
        return (ValueKind::Environment(name.to_string()), None);
    }
    if let Some(name) = variable(text) {
        return match vars.get(&name) {
            Some(var) => (var.kind.clone(), Some(var.span.clone())),
            None => (ValueKind::Environment(name), None),
        };
    }
    if text.contains('$') {
        // A computed value we cannot read: it may change, so it is not called a constant.
        return (ValueKind::Environment(text.to_string()), None);
    }
    (ValueKind::Constant(text.to_string()), None)
}

/// The text with make's `$(shell …)` read as a command substitution and blanks squeezed.
fn normalize(text: &str) -> String {
    text.replace("$(shell ", "$(")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `program` is run by a substitution in `text`: right after `$(`, a backquote, a pipe or `;`.
fn runs(text: &str, program: &str) -> bool {
    text.match_indices(program).any(|(at, _)| {
        let before = text[..at].trim_end();
        let after = text[at + program.len()..].chars().next();
        (before.ends_with("$(")
            || before.ends_with('`')
            || before.ends_with('|')
            || before.ends_with(';')
            || program.starts_with(['/', '$']))
            && after.is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '-')
    })
}

/// The variable a value is exactly: `$X`, `${X}`, `${X:-default}`, make's `$(X)`.
fn variable(text: &str) -> Option<String> {
    let body = text
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .or_else(|| text.strip_prefix("$(").and_then(|t| t.strip_suffix(')')))
        .or_else(|| text.strip_prefix('$'))?;
    let name: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let rest = &body[name.len()..];
    (!name.is_empty() && (rest.is_empty() || rest.starts_with(":-") || rest.starts_with('-')))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> ValueKind {
        classify(text, &Vars::new()).0
    }

    #[test]
    fn values_are_classified_by_what_they_run() {
        assert_eq!(
            kind("$(git ls-remote https://x/r.git refs/heads/main | cut -f1)"),
            ValueKind::Precise
        );
        assert_eq!(
            kind("$(shell git ls-remote $(REPO) refs/heads/$(BRANCH))"),
            ValueKind::Precise
        );
        assert_eq!(kind("`git rev-parse HEAD`"), ValueKind::Precise);
        assert_eq!(kind("$(cachebust bust --format env)"), ValueKind::Precise);
        assert_eq!(kind("$(date +%Y%m%d-%H%M%S)"), ValueKind::PerBuild);
        assert_eq!(kind("$(shell date +%s)"), ValueKind::PerBuild);
        assert_eq!(kind("$(uuidgen)"), ValueKind::PerBuild);
        assert_eq!(kind("build-$RANDOM"), ValueKind::PerBuild);
        assert_eq!(kind("$(updated)"), ValueKind::Environment("updated".into()));
        assert_eq!(kind("1"), ValueKind::Constant("1".into()));
        assert_eq!(kind("${{ github.run_id }}"), ValueKind::PerBuild);
        assert_eq!(kind("${{ github.sha }}"), ValueKind::PerBuild);
        assert_eq!(kind("$CI_PIPELINE_ID"), ValueKind::PerBuild);
        assert_eq!(
            kind("${{ env.CACHE_BUST }}"),
            ValueKind::Environment("CACHE_BUST".into())
        );
        assert_eq!(
            kind("${CACHE_BUST:-x}"),
            ValueKind::Environment("CACHE_BUST".into())
        );
        assert_eq!(kind("$(BRANCH)"), ValueKind::Environment("BRANCH".into()));
    }

    #[test]
    fn a_path_is_known_only_through_constants() {
        let mut vars = Vars::new();
        let constant = |text: &str| Var {
            kind: ValueKind::Constant(text.into()),
            span: 0..0,
            text: text.into(),
        };
        vars.insert("DIR".into(), constant("docker"));
        vars.insert(
            "CMD".into(),
            Var {
                kind: ValueKind::Environment("x".into()),
                span: 0..0,
                text: "$(pwd)".into(),
            },
        );
        let known = |text: &str| known_value(text, &vars);
        assert_eq!(
            known("docker/Dockerfile").as_deref(),
            Some("docker/Dockerfile")
        );
        assert_eq!(
            known("$DIR/Dockerfile").as_deref(),
            Some("docker/Dockerfile")
        );
        assert_eq!(known("${DIR}/a").as_deref(), Some("docker/a"));
        assert_eq!(known("$(DIR)").as_deref(), Some("docker"));
        for unknown in [
            "${{ matrix.dockerfile }}",
            "$DOCKERFILE",
            "${UNSET}/Dockerfile",
            "$CMD",
            "{{dockerfile}}",
            "`pwd`/Dockerfile",
            "${DIR",
            "",
        ] {
            assert_eq!(known(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn a_variable_takes_its_assignment() {
        let mut vars = Vars::new();
        let text = "$(date)".to_string();
        vars.insert(
            "STAMP".into(),
            Var {
                kind: ValueKind::PerBuild,
                span: 3..9,
                text,
            },
        );
        assert_eq!(classify("$STAMP", &vars), (ValueKind::PerBuild, Some(3..9)));
        assert_eq!(
            classify("${STAMP}", &vars),
            (ValueKind::PerBuild, Some(3..9))
        );
    }
}
