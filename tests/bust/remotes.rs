//! Git remotes for the `bust` tests: bare repositories in a temporary directory, served by a
//! `git daemon` on 127.0.0.1, with a work clone each to push commits from.
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Runs git with a fixed identity and dates, and no user or system config.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A directory of bare repositories served by `git daemon` on 127.0.0.1; the daemon is killed (by
/// its PID) when the server is dropped.
pub struct Server {
    pub dir: TempDir,
    pub port: u16,
    daemon: Child,
}

impl Server {
    pub fn start() -> Server {
        let dir = TempDir::new().unwrap();
        let exec_path = git(dir.path(), &["--exec-path"]);
        // Another test may take the free port before the daemon binds it: then try another.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let base = dir.path().display().to_string();
            // `git-daemon` itself, not the `git daemon` wrapper: killing the wrapper orphans the daemon.
            let mut daemon = Command::new(Path::new(&exec_path).join("git-daemon"))
                .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
                .arg(format!("--base-path={base}"))
                .arg(format!("--port={port}"))
                .arg(&base)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("git daemon starts");
            let deadline = Instant::now() + Duration::from_secs(10);
            while daemon.try_wait().unwrap().is_none() && Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Server { dir, port, daemon };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
        panic!("git daemon never listened");
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// A bare repository `<name>.git` on a server, with a work clone to push commits from.
pub struct Remote {
    bare: PathBuf,
    work: PathBuf,
    url: String,
    commits: usize,
}

impl Remote {
    /// A remote whose HEAD is `main`, with one commit on `main` and two on `dev`.
    pub fn new(server: &Server, name: &str) -> Remote {
        let root = server.root();
        let bare = root.join(format!("{name}.git"));
        let work = root.join(format!("{name}-work"));
        git(
            root,
            &[
                "init",
                "--quiet",
                "--bare",
                "-b",
                "main",
                bare.to_str().unwrap(),
            ],
        );
        git(
            root,
            &["init", "--quiet", "-b", "main", work.to_str().unwrap()],
        );
        git(&work, &["remote", "add", "origin", bare.to_str().unwrap()]);
        git(
            &work,
            &["commit", "--quiet", "--allow-empty", "-m", "start"],
        );
        git(&work, &["branch", "dev"]);
        git(&work, &["push", "--quiet", "origin", "main", "dev"]);
        let url = format!("git://127.0.0.1:{}/{name}.git", server.port);
        let mut remote = Remote {
            bare,
            work,
            url,
            commits: 0,
        };
        remote.commit("dev");
        remote
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Adds a commit to `branch` and pushes it; returns the new commit.
    pub fn commit(&mut self, branch: &str) -> String {
        self.commits += 1;
        git(&self.work, &["checkout", "--quiet", branch]);
        let message = format!("commit {}", self.commits);
        git(
            &self.work,
            &["commit", "--quiet", "--allow-empty", "-m", &message],
        );
        git(&self.work, &["push", "--quiet", "origin", branch]);
        self.head(branch)
    }

    pub fn head(&self, branch: &str) -> String {
        git(&self.bare, &["rev-parse", branch])
    }
}
