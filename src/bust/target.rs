//! What git is asked about a remote: its URL with the variables Docker could not know filled in from
//! the environment (credentials, usually) and its ref; or why git cannot tell where the remote is.
use crate::detect::refs::{classify, RefKind};
use crate::detect::RemoteSource;
use crate::model::scope::Scope;

/// A remote for `git ls-remote`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The URL with credentials filled in: never shown.
    pub url: String,
    /// The branch, tag or full ref; `None` is the remote's HEAD.
    pub reference: Option<String>,
}

/// How a remote's current state is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Ask the remote.
    Ask(Target),
    /// The ref, once filled in, is a commit: it is its own state.
    Pinned(String),
    /// Git cannot name this remote's state, and why.
    Cannot(String),
}

/// A plan and the values it took from the environment, which every message must hide.
#[derive(Debug, Clone)]
pub struct Planned {
    pub plan: Plan,
    pub secrets: Vec<String>,
}

/// Plans one remote. `Err` holds the variables the URL or ref needs that the environment lacks.
pub fn plan(
    source: &RemoteSource,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Planned, Vec<String>> {
    let cannot = |why: String| {
        Ok(Planned {
            plan: Plan::Cannot(why),
            secrets: Vec::new(),
        })
    };
    if source.tool.starts_with("go ") {
        return cannot(format!(
            "`{}` fetches a Go module through the module proxy; git cannot name its version",
            source.tool
        ));
    }
    if source.kind == RefKind::Latest {
        return cannot("`latest` is the newest release, which is not a git ref".into());
    }
    let mut scope = Scope::default();
    let mut missing = Vec::new();
    let mut secrets = Vec::new();
    for name in &source.unresolved {
        match env(name) {
            Some(value) => {
                secrets.push(value.clone());
                scope.declare(name, Some(value));
            }
            None if !missing.contains(name) => missing.push(name.clone()),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let url = scope.expand(&source.url).text;
    let reference = source.reference.as_ref().map(|r| scope.expand(r).text);
    secrets.extend(userinfo_secrets(&url));
    let plan = if url == "origin" {
        Plan::Cannot("`origin` is the remote of a clone made inside the build, unknown here".into())
    } else if !is_git_url(&url) {
        Plan::Cannot("this is not a URL that git can reach".into())
    } else {
        match reference.as_deref().map(classify) {
            Some(RefKind::Commit) => Plan::Pinned(reference.unwrap_or_default()),
            Some(RefKind::Latest) => {
                Plan::Cannot("`latest` is the newest release, which is not a git ref".into())
            }
            Some(RefKind::Default) => Plan::Ask(Target {
                url,
                reference: None,
            }),
            _ => Plan::Ask(Target { url, reference }),
        }
    };
    Ok(Planned { plan, secrets })
}

/// `scheme://…` of a transport git speaks, scp-style `user@host:path`, or an absolute path. Not an
/// option (`--upload-pack=…`) nor a remote helper (`ext::cmd`): a Dockerfile must not make git run code.
fn is_git_url(url: &str) -> bool {
    if url.starts_with('-') || url.contains("::") || url.contains(char::is_whitespace) {
        return false;
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        let known = ["https", "http", "ssh", "git", "file", "git+ssh", "ssh+git"];
        return known.contains(&scheme.to_ascii_lowercase().as_str()) && !rest.is_empty();
    }
    if url.starts_with('/') {
        return true;
    }
    match url.split_once(':') {
        Some((host, path)) => !host.is_empty() && !host.contains('/') && !path.is_empty(),
        None => false,
    }
}

/// The userinfo of a URL and its password half: git may echo either back.
fn userinfo_secrets(url: &str) -> Vec<String> {
    let Some((_, rest)) = url.split_once("://") else {
        return Vec::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return Vec::new();
    };
    let mut secrets = vec![userinfo.to_string()];
    if let Some((_, password)) = userinfo.split_once(':') {
        secrets.push(password.to_string());
    }
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Analysis;
    use crate::model::build_dockerfile;
    use crate::parse::dockerfile::parse_dockerfile;
    use crate::settings::Settings;
    use crate::source::SourceFile;

    /// The first remote of a one-RUN Dockerfile, as the analysis finds it.
    fn source(run: &str) -> RemoteSource {
        let text = format!("FROM a\nARG GIT_USER\nARG GIT_TOKEN\nARG REF\nRUN {run}\n");
        let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), text);
        let ast = parse_dockerfile(&file).expect("parses");
        let settings = Settings::default();
        let analysis = Analysis::new(&file, build_dockerfile(&file, &ast), &settings);
        analysis.layers[0].sources[0].clone()
    }

    fn cannot(run: &str) -> bool {
        matches!(plan(&source(run), &|_| None).unwrap().plan, Plan::Cannot(_))
    }

    #[test]
    fn credentials_come_from_the_environment() {
        let s = source("git clone -b main https://${GIT_USER}:${GIT_TOKEN}@h/x.git /x");
        let env = |name: &str| (name == "GIT_USER").then(|| "me".to_string());
        assert_eq!(plan(&s, &env).unwrap_err(), vec!["GIT_TOKEN".to_string()]);
        let env = |name: &str| Some(format!("{}-v", name.to_lowercase()));
        let planned = plan(&s, &env).unwrap();
        assert_eq!(
            planned.plan,
            Plan::Ask(Target {
                url: "https://git_user-v:git_token-v@h/x.git".into(),
                reference: Some("main".into())
            })
        );
        assert!(planned.secrets.contains(&"git_token-v".to_string()));
    }

    #[test]
    fn what_git_cannot_answer() {
        assert!(cannot("git pull"));
        assert!(cannot("go install golang.org/x/tools/cmd/goimports@latest"));
        assert!(cannot("go install github.com/o/r/cmd/x@main"));
        assert!(cannot(
            "curl -LO https://github.com/o/r/releases/latest/download/x.tgz"
        ));
        assert!(!cannot("git clone git@github.com:o/r.git /r"));
        assert!(!cannot("npm install github:o/r#dev"));
        assert!(!cannot(
            "curl -LO https://github.com/o/r/archive/refs/heads/main.tar.gz"
        ));
    }

    #[test]
    fn urls_git_can_reach() {
        assert!(is_git_url("https://h/x.git"));
        assert!(is_git_url("git@github.com:o/r.git"));
        assert!(is_git_url("/srv/git/r.git"));
        assert!(!is_git_url("--upload-pack=touch /tmp/x"));
        assert!(!is_git_url("github.com/o/r"));
        assert!(!is_git_url("ext::sh -c x"));
    }

    #[test]
    fn a_filled_in_commit_is_pinned() {
        let s = source("git clone -b $REF https://h/x.git /x");
        let env = |_: &str| Some("0123456789abcdef0123456789abcdef01234567".to_string());
        assert!(matches!(plan(&s, &env).unwrap().plan, Plan::Pinned(_)));
    }
}
