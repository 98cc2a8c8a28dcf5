//! Per-layer cache-bust arg names (`[cache-bust] per-layer`): the one naming that `--fix` inserts and
//! `cachebust bust --per-layer` computes values for, so the two always agree.
use std::collections::HashMap;

use crate::detect::repo_stem;

/// A remote as the Dockerfile names it: its URL and ref.
pub type RemoteKey<'a> = (&'a str, Option<&'a str>);

/// One name per layer of a Dockerfile, from the moving remotes of each (`None` for a layer with none).
///
/// Layers fetching the same remotes share a name. A name is `PREFIX_<REPO>` after the layer's first
/// remote; when remotes of different owners share a repository name, each of them is qualified
/// (`PREFIX_<OWNER>_<REPO>`), and what still clashes gets `_2`, `_3` in file order. A name depends
/// only on the remotes of the same file, never on another file, so fixing and busting agree.
pub fn layer_arg_names(prefix: &str, layers: &[Vec<RemoteKey<'_>>]) -> Vec<Option<String>> {
    // The distinct remote lists, in order of first appearance.
    let mut distinct: Vec<&[RemoteKey<'_>]> = Vec::new();
    let mut index: HashMap<&[RemoteKey<'_>], usize> = HashMap::new();
    for remotes in layers.iter().filter(|r| !r.is_empty()) {
        index.entry(remotes).or_insert_with(|| {
            distinct.push(remotes);
            distinct.len() - 1
        });
    }
    let short: Vec<String> = distinct.iter().map(|r| repo_stem(r[0].0)).collect();
    let first_url = |i: usize| distinct[i][0].0;
    let mut stems: Vec<String> = Vec::with_capacity(distinct.len());
    for (i, stem) in short.iter().enumerate() {
        // Only a different repository with the same name calls for the owner; two refs of one
        // repository are told apart by the suffix.
        let shared = short
            .iter()
            .enumerate()
            .any(|(j, other)| other == stem && strip(first_url(j)) != strip(first_url(i)));
        stems.push(if shared {
            qualified_stem(first_url(i))
        } else {
            stem.clone()
        });
    }
    let mut taken: HashMap<String, usize> = HashMap::new();
    let names: Vec<String> = stems
        .iter()
        .map(|stem| {
            let base = format!("{prefix}_{stem}");
            let count = taken.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}_{count}")
            }
        })
        .collect();
    layers
        .iter()
        .map(|remotes| (!remotes.is_empty()).then(|| names[index[remotes.as_slice()]].clone()))
        .collect()
}

/// The URL without its query, fragment, trailing slash or `.git`: one repository however spelled.
fn strip(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.trim_end_matches('/');
    path.strip_suffix(".git").unwrap_or(path)
}

/// `OWNER_REPO` from the last two path segments (`https://h/acme/my-repo.git` → `ACME_MY_REPO`).
fn qualified_stem(url: &str) -> String {
    let path = strip(url);
    let mut segments = path.rsplit(['/', ':']).filter(|s| !s.is_empty());
    let repo = segments.next().unwrap_or("");
    match segments.next() {
        Some(owner) => format!("{}_{}", repo_stem(owner), repo_stem(repo)),
        None => repo_stem(repo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(layers: &[&[(&str, Option<&str>)]]) -> Vec<Option<String>> {
        let layers: Vec<Vec<RemoteKey<'_>>> = layers.iter().map(|l| l.to_vec()).collect();
        layer_arg_names("CB", &layers)
    }

    fn some(names: &[&str]) -> Vec<Option<String>> {
        names.iter().map(|n| Some(n.to_string())).collect()
    }

    #[test]
    fn repositories_of_one_name_and_different_owners_are_qualified() {
        let acme = ("https://github.com/acme/my-repo.git", None);
        let other = ("https://github.com/other/my-repo", Some("dev"));
        let tools = ("https://github.com/acme/tools.git", None);
        assert_eq!(
            names(&[&[acme], &[other], &[tools]]),
            some(&["CB_ACME_MY_REPO", "CB_OTHER_MY_REPO", "CB_TOOLS"])
        );
        // Stable: the order of the layers changes no name.
        assert_eq!(
            names(&[&[tools], &[other], &[acme]]),
            some(&["CB_TOOLS", "CB_OTHER_MY_REPO", "CB_ACME_MY_REPO"])
        );
    }

    #[test]
    fn layers_with_the_same_remotes_share_a_name_and_other_clashes_get_a_suffix() {
        let main = ("https://github.com/acme/api.git", Some("main"));
        let dev = ("https://github.com/acme/api.git", Some("dev"));
        assert_eq!(
            names(&[&[main], &[], &[dev], &[main]]),
            vec![
                Some("CB_API".into()),
                None,
                Some("CB_API_2".into()),
                Some("CB_API".into())
            ]
        );
        let a = ("https://a.example/acme/api.git", None);
        let b = ("https://b.example/acme/api.git", None);
        assert_eq!(
            names(&[&[a], &[b]]),
            some(&["CB_ACME_API", "CB_ACME_API_2"])
        );
    }
}
