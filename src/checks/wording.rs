//! How remote sources and refs are described in messages and labels.
use crate::detect::credentials::redact_url;
use crate::detect::refs::RefKind;
use crate::detect::RemoteSource;

/// `of branch `main``, `of the default branch`, … for a message headline.
pub fn what_it_fetches(source: &RemoteSource) -> String {
    let reference = source.reference.as_deref().unwrap_or("HEAD");
    let what = match source.kind {
        RefKind::Branch => format!("of branch `{reference}`"),
        RefKind::Default => "of the default branch".into(),
        RefKind::Latest => format!("of `{reference}`").replace("of `HEAD`", "of `latest`"),
        RefKind::Tag => format!("of tag `{reference}`"),
        RefKind::Commit => format!("of commit `{reference}`"),
        RefKind::Unresolved if is_computed(reference) => {
            format!("of a ref computed at build time (`{reference}`)")
        }
        RefKind::Unresolved if positional_only(source) => {
            format!("of `{reference}`, an argument nothing passes,")
        }
        RefKind::Unresolved => format!("of `{reference}`, which has no default,"),
    };
    match &source.via {
        Some(via) => format!("{what} (named in {}:{})", via.file, via.line),
        None => what,
    }
}

/// `https://… at `main` (a branch: it moves)` for the label under the command.
pub fn label(source: &RemoteSource) -> String {
    let url = redact_url(&source.url);
    let at = match &source.reference {
        Some(r) => format!("{url} at `{r}`"),
        None => url,
    };
    let why = match source.kind {
        RefKind::Branch => "a branch: it moves".to_string(),
        RefKind::Default => "no ref: the default branch moves".to_string(),
        RefKind::Latest => "the newest release: it moves".to_string(),
        RefKind::Tag => "a tag: tags can be moved".to_string(),
        RefKind::Commit => "a commit: it never moves".to_string(),
        RefKind::Unresolved if source.unresolved.is_empty() => {
            "computed at build time: assumed to move".to_string()
        }
        RefKind::Unresolved if positional_only(source) => format!(
            "`${}` is not passed: assumed to move",
            source.unresolved.join("`, `$")
        ),
        RefKind::Unresolved => format!(
            "`${}` has no default: assumed to move",
            source.unresolved.join("`, `$")
        ),
    };
    // A URL from an arg with no value (`git+${REPO}@main`): say that the repository itself is unknown.
    let why = match unknown_url_vars(source) {
        names if names.is_empty() || source.kind == RefKind::Unresolved => why,
        names => format!("{why}; the URL's `${}` has no default", names.join("`, `$")),
    };
    match &source.via {
        Some(via) => format!("{at} ({why}), named in {}:{}", via.file, via.line),
        None => format!("{at} ({why})"),
    }
}

/// Whether every unknown value is a positional parameter (`$3`, `$@`) that no call or script run binds.
fn positional_only(source: &RemoteSource) -> bool {
    !source.unresolved.is_empty()
        && source
            .unresolved
            .iter()
            .all(|n| matches!(n.as_str(), "@" | "*") || n.bytes().all(|b| b.is_ascii_digit()))
}

/// The variables with no value that the URL itself still names.
fn unknown_url_vars(source: &RemoteSource) -> Vec<&str> {
    source
        .unresolved
        .iter()
        .map(String::as_str)
        .filter(|name| {
            source.url.contains(&format!("${{{name}}}")) || source.url.contains(&format!("${name}"))
        })
        .collect()
}

/// What will not reach the image while the layer is cached.
pub fn what_goes_missing(source: &RemoteSource) -> String {
    match (source.kind, source.reference.as_deref()) {
        (RefKind::Branch, Some(r)) => format!("new commits on `{r}`"),
        (RefKind::Latest, _) => "new releases".into(),
        (RefKind::Tag, Some(r)) => format!("a moved tag `{r}`"),
        _ => "new commits".into(),
    }
}

/// A ref from a command substitution (`$(git describe --tags)`), not a variable.
fn is_computed(reference: &str) -> bool {
    reference.contains("$(") || reference.contains('`')
}
