//! CB006 credentials-in-remote-url: a token or password in a URL that a RUN fetches.
use super::analysis::{Analysis, SecretHow};
use crate::catalogue::known;
use crate::finding::Finding;

pub fn check(analysis: &Analysis<'_>, findings: &mut Vec<Finding>) {
    let rule = known("CB006");
    for secret in &analysis.secrets {
        let (message, label) = match &secret.how {
            SecretHow::Literal => (
                format!(
                    "`{}` fetches a URL with a credential written in the Dockerfile",
                    secret.program
                ),
                format!(
                    "{}: the credential is in the file, the image history and the cache key",
                    secret.url
                ),
            ),
            SecretHow::Variables(names) => (
                format!(
                    "`{}` puts `${}` in a URL: build-arg values are stored in the image history",
                    secret.program,
                    names.join("`, `$")
                ),
                format!("{}: `docker history` shows the value used here", secret.url),
            ),
            SecretHow::Default => (
                format!(
                    "`{}` fetches a URL whose credential comes from a build arg's default",
                    secret.program
                ),
                format!(
                    "{}: the default is in the file, the image history and the cache key",
                    secret.url
                ),
            ),
        };
        findings.push(Finding {
            code: "CB006",
            severity: rule.severity,
            message,
            span: secret.span.clone(),
            label,
            related: Vec::new(),
            help: "Pass the secret without baking it into a layer: `RUN --mount=type=secret,id=git_token` and read \
                   `/run/secrets/git_token` in the command (e.g. `git -c http.extraHeader=\"Authorization: Bearer \
                   $(cat /run/secrets/git_token)\" clone …`), or clone over SSH with `RUN --mount=type=ssh`."
                .into(),
            fix: None,
        });
    }
}
