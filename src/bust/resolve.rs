//! Asks a remote for a ref's commit with `git ls-remote`, bounded by a timeout. Git's own
//! configuration applies (credential helpers, `insteadOf` rewrites), but it never prompts.
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use super::target::Target;

/// A ref's commit, and the full name of the ref that held it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub commit: String,
    pub refname: String,
}

/// Why a remote could not be resolved. The text may hold credentials: redact it before showing it.
pub type Failure = String;

/// Resolves `target` with `git ls-remote`, killing git when it takes longer than `timeout`.
pub fn ls_remote(target: &Target, timeout: Duration) -> Result<Resolved, Failure> {
    let wanted = candidates(target.reference.as_deref());
    let mut command = Command::new("git");
    command
        .args(["ls-remote", "--", &target.url])
        .args(&wanted)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so a timeout kills git's transport helpers (git-remote-https, ssh) too.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let deadline = Instant::now() + timeout;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let late = || {
        format!(
            "no answer within {} s (raise `--timeout`)",
            timeout.as_secs()
        )
    };
    let status = wait(&mut child, deadline).ok_or_else(late)?;
    // A helper git started (an ssh ControlPersist master, a credential daemon) may hold the pipes open
    // long after git exits: the deadline bounds reading them too, not only git's exit.
    let remaining = || deadline.saturating_duration_since(Instant::now());
    let stdout = stdout.recv_timeout(remaining()).map_err(|_| {
        kill_group(&child);
        late()
    })?;
    let stderr = stderr.recv_timeout(remaining()).unwrap_or_default();
    if !status.success() {
        return Err(
            last_line(&stderr).unwrap_or_else(|| format!("git ls-remote failed ({status})"))
        );
    }
    resolved(&stdout, &wanted).ok_or_else(|| match &target.reference {
        None => "the remote has no HEAD (is it empty?)".to_string(),
        Some(r) => format!("the remote has no branch or tag `{r}`"),
    })
}

/// The first of `wanted` that `git ls-remote` listed with an object id: a line without one (`\tref`)
/// or with anything but 40 or 64 hex digits is not a commit.
fn resolved(stdout: &str, wanted: &[String]) -> Option<Resolved> {
    let is_object_id =
        |id: &str| matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit());
    let listed: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter(|(id, _)| is_object_id(id))
        .collect();
    wanted.iter().find_map(|name| {
        listed
            .iter()
            .find(|(_, r)| r == name)
            .map(|(commit, _)| Resolved {
                commit: commit.to_string(),
                refname: name.trim_end_matches("^{}").to_string(),
            })
    })
}

/// The refs to ask for, best first: a branch before a tag of the same name (as `git clone -b` does),
/// and an annotated tag's commit (`^{}`) before the tag object.
fn candidates(reference: Option<&str>) -> Vec<String> {
    let Some(reference) = reference else {
        return vec!["HEAD".into()];
    };
    let full = if reference.starts_with("refs/") {
        reference.to_string()
    } else if reference.starts_with("heads/") || reference.starts_with("tags/") {
        format!("refs/{reference}")
    } else {
        let tag = format!("refs/tags/{reference}");
        return vec![
            format!("refs/heads/{reference}"),
            format!("{tag}^{{}}"),
            tag,
        ];
    };
    vec![format!("{full}^{{}}"), full]
}

/// Reads the pipe to its end on a thread; the text arrives on the channel (never, while a helper
/// holds the pipe open: the thread then ends with the helper, after cachebust stopped waiting).
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> Receiver<String> {
    let (send, receive) = channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = send.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    receive
}

/// Waits for the child until the deadline; `None` (after killing it) when the deadline passed.
fn wait(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => break,
        }
    }
    kill_group(child);
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Kills the process group made for git: git and the helpers it started.
fn kill_group(child: &Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group created for this child only.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// Git's last message line without its `fatal:` prefix: the reason, not the noise before it.
fn last_line(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(|l| {
            l.trim_start_matches("fatal: ")
                .trim_start_matches("error: ")
                .to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_before_tag() {
        assert_eq!(candidates(None), ["HEAD"]);
        assert_eq!(
            candidates(Some("main")),
            ["refs/heads/main", "refs/tags/main^{}", "refs/tags/main"]
        );
        assert_eq!(
            candidates(Some("tags/v1")),
            ["refs/tags/v1^{}", "refs/tags/v1"]
        );
    }

    /// Only a 40- or 64-hex object id is a commit (`\trefs/heads/main` was commit `""`), and an
    /// annotated tag resolves to its peeled commit, not the tag object listed first.
    #[test]
    fn only_object_ids_are_commits() {
        let sha1 = "a".repeat(40);
        let sha256 = "b".repeat(64);
        let wanted = candidates(Some("main"));
        assert_eq!(resolved("\trefs/heads/main\n", &wanted), None);
        assert_eq!(resolved("xyz\trefs/heads/main\n", &wanted), None);
        assert_eq!(
            resolved(&format!("{}\trefs/heads/main\n", &sha1[..39]), &wanted),
            None
        );
        let listed = format!("\trefs/heads/main\n{sha256}\trefs/heads/main\n");
        assert_eq!(resolved(&listed, &wanted).unwrap().commit, sha256);
        let tag = "c".repeat(40);
        let listed = format!("{tag}\trefs/tags/v1\n{sha1}\trefs/tags/v1^{{}}\n");
        let got = resolved(&listed, &candidates(Some("v1"))).unwrap();
        assert_eq!(
            got,
            Resolved {
                commit: sha1,
                refname: "refs/tags/v1".into()
            }
        );
    }

    #[test]
    fn reason_is_the_last_line() {
        let said = "warning: x\nfatal: unable to access 'h': refused\n\n";
        assert_eq!(
            last_line(said).as_deref(),
            Some("unable to access 'h': refused")
        );
    }
}
