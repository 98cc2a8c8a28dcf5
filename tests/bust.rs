//! `cachebust bust` / `exec` against real git remotes: bare repositories made in a temporary directory
//! and served by a `git daemon` on 127.0.0.1 (the detectors take `file://` URLs for local paths, not
//! remotes). Never the internet.
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cachebust::bust::{
    compute, digest, render, run_bust, run_exec, BustArgs, ExecArgs, Fallback, Format, Options,
    ResolveArgs, State, Values,
};
use cachebust::settings::Settings;
use tempfile::TempDir;

#[path = "bust/remotes.rs"]
mod remotes;
use remotes::{Remote, Server};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// A stand-in `docker` in `dir/bin` that writes `echo`'s words (shell-expanded) to the returned file,
/// and a `PATH` that finds it first.
fn fake_docker(dir: &Path, echo: &str) -> (PathBuf, String) {
    let bin = dir.join("bin");
    let seen = dir.join("seen");
    let docker = write(
        &bin,
        "docker",
        &format!("#!/bin/sh\necho \"{echo}\" > '{}'\n", seen.display()),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (seen, path)
}

fn options(fallback: Fallback) -> Options {
    Options {
        settings: Settings::default(),
        fallback,
        timeout: Duration::from_secs(20),
        per_layer: false,
        jobs: 8,
        progress: false,
        compose_files: Vec::new(),
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn values(paths: &[PathBuf], options: &Options) -> Values {
    compute(paths, options, &no_env).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn resolve_args(fallback: Fallback) -> ResolveArgs {
    ResolveArgs {
        fallback,
        timeout: 20,
        per_layer: false,
    }
}

#[test]
fn the_value_follows_the_tracked_branch_only() {
    let server = Server::start();
    let tmp = &server.dir;
    let mut toolkit = Remote::new(&server, "toolkit");
    let dockerfile = write(
        tmp.path(),
        "app/Dockerfile",
        &format!(
            "FROM alpine\nARG CACHE_BUST\nRUN git clone -b main {} /src\n",
            toolkit.url()
        ),
    );
    let paths = [tmp.path().join("app")];
    let first = values(&paths, &options(Fallback::Error));
    assert_eq!(
        first.get("CACHE_BUST"),
        Some(digest(&[toolkit.head("main")]).as_str())
    );
    assert_eq!(
        values(&paths, &options(Fallback::Error)),
        first,
        "stable while nothing moved"
    );

    toolkit.commit("dev");
    assert_eq!(
        values(&paths, &options(Fallback::Error)),
        first,
        "another branch moved"
    );

    let new = toolkit.commit("main");
    let moved = values(&[dockerfile], &options(Fallback::Error));
    assert_ne!(moved.get("CACHE_BUST"), first.get("CACHE_BUST"));
    let (_, remote) = moved.remotes().next().unwrap();
    assert_eq!(
        remote.state,
        State::Resolved {
            commit: new,
            refname: Some("refs/heads/main".into())
        }
    );
}

#[test]
fn the_arg_is_the_declared_bust_and_covers_every_remote_in_order() {
    let server = Server::start();
    let tmp = &server.dir;
    let mut toolkit = Remote::new(&server, "toolkit");
    let api = Remote::new(&server, "api");
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        &format!(
            "FROM python:3\nARG CACHEBUST=1\n\
             RUN git clone {} /src\n\
             RUN pip install git+{}@dev\n",
            toolkit.url(),
            api.url()
        ),
    );
    let before = values(std::slice::from_ref(&dockerfile), &options(Fallback::Error));
    let expected = digest(&[toolkit.head("main"), api.head("dev")]);
    assert_eq!(before.get("CACHEBUST"), Some(expected.as_str()));
    assert_eq!(
        render(Format::Env, &before),
        format!("export CACHEBUST={expected}\n")
    );
    assert_eq!(
        render(Format::BuildArgs, &before),
        format!("--build-arg CACHEBUST={expected}\n")
    );
    assert_eq!(
        render(Format::Dotenv, &before),
        format!("CACHEBUST={expected}\n")
    );

    toolkit.commit("main");
    let after = values(&[dockerfile], &options(Fallback::Error));
    assert_ne!(after.get("CACHEBUST"), before.get("CACHEBUST"));
}

#[test]
fn dockerfiles_sharing_an_arg_share_one_value_and_per_layer_splits_them() {
    let server = Server::start();
    let tmp = &server.dir;
    let toolkit = Remote::new(&server, "toolkit");
    let mut api = Remote::new(&server, "api");
    let header = "FROM alpine\nARG CACHE_BUST\n";
    write(
        tmp.path(),
        "services/a/Dockerfile",
        &format!("{header}RUN git clone {} /t\n", toolkit.url()),
    );
    write(
        tmp.path(),
        "services/b/Dockerfile",
        &format!(
            "{header}RUN git clone {} /t\nRUN git clone {} /a\n",
            toolkit.url(),
            api.url()
        ),
    );
    let paths = [tmp.path().join("services")];
    let shared = values(&paths, &options(Fallback::Error));
    // The toolkit counts once, though both Dockerfiles clone it.
    let expected = digest(&[toolkit.head("main"), api.head("main")]);
    assert_eq!(shared.args.len(), 1);
    assert_eq!(shared.get("CACHE_BUST"), Some(expected.as_str()));
    assert_eq!(shared.args[0].remotes, 2);

    let per_layer = Options {
        per_layer: true,
        ..options(Fallback::Error)
    };
    // Only names a Dockerfile declares are given: these declare `CACHE_BUST` alone, and say so.
    let undeclared = values(&paths, &per_layer);
    let names: Vec<&str> = undeclared.args.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["CACHE_BUST"]);
    assert_eq!(undeclared.get("CACHE_BUST"), Some(expected.as_str()));
    assert_eq!(undeclared.warnings.len(), 3, "{:?}", undeclared.warnings);
    assert!(
        undeclared.warnings[0]
            .contains("does not declare `CACHE_BUST_TOOLKIT`: it follows `CACHE_BUST`"),
        "{:?}",
        undeclared.warnings
    );

    // Declared per layer (as `--fix` with `per-layer = true` writes them), each remote has its own.
    let each = |name: &str, url: &str| format!("ARG {name}\nRUN git clone {url} /{name}\n");
    write(
        tmp.path(),
        "services/a/Dockerfile",
        &format!("FROM alpine\n{}", each("CACHE_BUST_TOOLKIT", toolkit.url())),
    );
    write(
        tmp.path(),
        "services/b/Dockerfile",
        &format!(
            "FROM alpine\n{}{}",
            each("CACHE_BUST_TOOLKIT", toolkit.url()),
            each("CACHE_BUST_API", api.url())
        ),
    );
    let before = values(&paths, &per_layer);
    let names: Vec<&str> = before.args.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["CACHE_BUST_TOOLKIT", "CACHE_BUST_API"]);
    assert_eq!(before.warnings, Vec::<String>::new());
    api.commit("main");
    let after = values(&paths, &per_layer);
    assert_eq!(
        after.get("CACHE_BUST_TOOLKIT"),
        before.get("CACHE_BUST_TOOLKIT")
    );
    assert_ne!(after.get("CACHE_BUST_API"), before.get("CACHE_BUST_API"));
}

#[test]
fn per_layer_gives_no_name_that_no_dockerfile_declares() {
    let server = Server::start();
    let tmp = &server.dir;
    let toolkit = Remote::new(&server, "toolkit");
    write(
        tmp.path(),
        "Dockerfile",
        &format!("FROM alpine\nRUN git clone {} /t\n", toolkit.url()),
    );
    let per_layer = Options {
        per_layer: true,
        ..options(Fallback::Error)
    };
    let got = values(&[tmp.path().to_path_buf()], &per_layer);
    assert_eq!(got.args, Vec::new());
    assert_eq!(got.warnings.len(), 1);
    assert!(
        got.warnings[0].contains("declares no cache-bust arg before its remote layer"),
        "{:?}",
        got.warnings
    );
}

#[test]
fn exec_passes_the_value_and_returns_the_exit_code() {
    let server = Server::start();
    let tmp = &server.dir;
    let toolkit = Remote::new(&server, "toolkit");
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        &format!("FROM alpine\nRUN git clone {} /src\n", toolkit.url()),
    );
    let out = tmp.path().join("out");
    let script = format!("echo \"$CACHE_BUST\" > '{}'; exit 7", out.display());
    let args = ExecArgs {
        files: vec![dockerfile],
        resolve: resolve_args(Fallback::Error),
        command: ["sh", "-c", &script].map(Into::into).to_vec(),
    };
    assert_eq!(run_exec(&args), 7);
    let passed = std::fs::read_to_string(&out).unwrap();
    assert_eq!(passed.trim(), digest(&[toolkit.head("main")]));

    let killed = ExecArgs {
        command: ["sh", "-c", "kill -TERM $$"].map(Into::into).to_vec(),
        ..args.clone()
    };
    assert_eq!(run_exec(&killed), 128 + 15);
    let missing = ExecArgs {
        command: vec!["cachebust-test-no-such-command".into()],
        ..args
    };
    assert_eq!(run_exec(&missing), 127);
}

#[test]
fn an_unreachable_remote_fails_without_showing_its_credentials() {
    let tmp = TempDir::new().unwrap();
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine\nARG CACHE_BUST\nRUN git clone -b main https://user:s3cret@127.0.0.1:1/x.git /src\n",
    );
    let paths = [dockerfile];
    let error = compute(&paths, &options(Fallback::Error), &no_env).unwrap_err();
    let shown = error.render();
    assert!(shown.contains("https://***@127.0.0.1:1/x.git"), "{shown}");
    assert!(shown.contains("--fallback timestamp"), "{shown}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("user:"),
        "{shown}"
    );
    let bust = BustArgs {
        paths: paths.to_vec(),
        format: Format::Json,
        resolve: resolve_args(Fallback::Error),
    };
    assert_eq!(run_bust(&bust), 2);

    let stamped = compute(&paths, &options(Fallback::Timestamp), &no_env).unwrap();
    assert_eq!(stamped.args.len(), 1);
    assert!(!stamped.warnings.join("\n").contains("s3cret"));
    let json = render(Format::Json, &stamped);
    assert!(!json.contains("s3cret"), "{json}");
    assert!(json.contains("\"fallback\": \"timestamp\""), "{json}");
    let (_, remote) = stamped.remotes().next().unwrap();
    assert!(matches!(remote.state, State::Timestamp { .. }));

    let skipped = compute(&paths, &options(Fallback::Skip), &no_env).unwrap();
    assert_eq!(
        skipped.get("CACHE_BUST"),
        Some(digest::<&str>(&[]).as_str())
    );
}

#[test]
fn variables_in_the_url_come_from_the_environment() {
    let server = Server::start();
    let tmp = &server.dir;
    let toolkit = Remote::new(&server, "toolkit");
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine\nARG PORT\nARG GIT_TOKEN\nRUN git clone git://127.0.0.1:${PORT}/toolkit.git /src\n\
         RUN git clone https://ci:${GIT_TOKEN}@127.0.0.1:1/x.git /x\n",
    );
    let paths = [dockerfile];
    let error = compute(&paths, &options(Fallback::Timestamp), &no_env).unwrap_err();
    let shown = error.render();
    assert!(
        shown.contains("`PORT`") && shown.contains("`GIT_TOKEN`"),
        "{shown}"
    );

    let env = |name: &str| match name {
        "PORT" => Some(server.port.to_string()),
        "GIT_TOKEN" => Some("t0psecret".to_string()),
        _ => None,
    };
    let values = compute(&paths, &options(Fallback::Timestamp), &env).unwrap();
    let (_, first) = values.remotes().next().unwrap();
    assert!(
        matches!(&first.state, State::Resolved { commit, .. } if *commit == toolkit.head("main"))
    );
    let everything = format!("{values:?}{}", render(Format::Json, &values));
    assert!(!everything.contains("t0psecret"), "{everything}");
    assert!(values.warnings[0].contains("https://***@127.0.0.1:1/x.git"));
}

#[test]
fn remotes_git_cannot_name_fall_back() {
    let tmp = TempDir::new().unwrap();
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        "FROM golang\nARG CACHE_BUST\nRUN go install golang.org/x/tools/cmd/goimports@latest\n\
         RUN curl -L https://github.com/acme/tool/releases/latest/download/tool.tgz | tar xz\n",
    );
    let paths = [dockerfile];
    let error = compute(&paths, &options(Fallback::Error), &no_env).unwrap_err();
    assert_eq!(error.problems.len(), 2, "{}", error.render());
    let skipped = compute(&paths, &options(Fallback::Skip), &no_env).unwrap();
    assert_eq!(skipped.warnings.len(), 2);
}

#[test]
fn a_silent_remote_times_out() {
    // Accepts connections (in the kernel's backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let tmp = TempDir::new().unwrap();
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        &format!("FROM alpine\nRUN git clone git://127.0.0.1:{port}/x.git /x\n"),
    );
    let quick = Options {
        timeout: Duration::from_secs(1),
        ..options(Fallback::Timestamp)
    };
    let started = Instant::now();
    let values = values(&[dockerfile], &quick);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        values.warnings[0].contains("no answer within 1 s"),
        "{:?}",
        values.warnings
    );
}

#[test]
fn nothing_to_bust_gives_no_values() {
    let tmp = TempDir::new().unwrap();
    let dockerfile = write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine\nRUN git clone https://h/o/r.git /r && git -C /r checkout 0123456789abcdef0123456789abcdef01234567\n",
    );
    let values = values(&[dockerfile], &options(Fallback::Error));
    assert!(values.args.is_empty());
    assert_eq!(render(Format::Env, &values), "");
}

#[test]
fn no_ref_means_the_remote_head() {
    let server = Server::start();
    let toolkit = Remote::new(&server, "toolkit");
    let dockerfile = write(
        server.root(),
        "Dockerfile",
        &format!("FROM alpine\nRUN git clone {} /src\n", toolkit.url()),
    );
    let values = values(&[dockerfile], &options(Fallback::Error));
    assert_eq!(
        values.get("CACHE_BUST"),
        Some(digest(&[toolkit.head("main")]).as_str())
    );
    let (_, remote) = values.remotes().next().unwrap();
    assert_eq!(
        remote.state,
        State::Resolved {
            commit: toolkit.head("main"),
            refname: Some("HEAD".into())
        }
    );
}

#[derive(Debug, clap::Parser)]
struct Harness {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    Bust(BustArgs),
    Exec(ExecArgs),
}

#[test]
fn the_args_parse_as_documented() {
    use clap::{CommandFactory, Parser};
    Harness::command().debug_assert();
    let parsed = Harness::parse_from(["cachebust", "exec", "-f", "a", "--", "sh", "-c", "exit 7"]);
    let Sub::Exec(exec) = parsed.command else {
        panic!("exec")
    };
    assert_eq!(exec.files, [PathBuf::from("a")]);
    assert_eq!(exec.command, ["sh", "-c", "exit 7"]);
    let parsed = Harness::parse_from(["cachebust", "exec", "docker", "compose", "build", "--pull"]);
    let Sub::Exec(exec) = parsed.command else {
        panic!("exec")
    };
    assert_eq!(exec.command, ["docker", "compose", "build", "--pull"]);
    let parsed = Harness::parse_from([
        "cachebust",
        "bust",
        "--format",
        "build-args",
        "--fallback",
        "timestamp",
        "--timeout",
        "5",
        "--per-layer",
        "svc",
    ]);
    let Sub::Bust(bust) = parsed.command else {
        panic!("bust")
    };
    assert_eq!(bust.format, Format::BuildArgs);
    assert_eq!(bust.resolve.fallback, Fallback::Timestamp);
    assert!(bust.resolve.per_layer && bust.resolve.timeout == 5);
    assert!(Harness::try_parse_from(["cachebust", "bust", "--timeout", "0"]).is_err());
    assert!(Harness::try_parse_from(["cachebust", "exec"]).is_err());
}

/// `bust --timeout 2` took as long as a helper that git started (an ssh ControlPersist master, a
/// credential daemon) kept git's output open: the timeout bounds the whole resolution. A fake `git`
/// on PATH exits at once and leaves a sleeper holding its stdout and stderr.
#[test]
fn a_helper_holding_gits_output_open_does_not_outlast_the_timeout() {
    let tmp = TempDir::new().unwrap();
    let bin = tmp.path().join("bin");
    let git = write(&bin, "git", "#!/bin/sh\nsleep 60 &\nexit 0\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine\nARG CACHE_BUST\nRUN git clone -b main https://github.com/acme/held.git /h\n",
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(["bust", "--timeout", "2", "--fallback", "error", "."])
        .current_dir(tmp.path())
        .env("PATH", path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}: {stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no answer within 2 s"), "{stderr}");
}

/// `exec -- docker build` without `--build-arg` runs the command as typed and says which command
/// would pass the value; with it, nothing is said. A stand-in `docker` on PATH records its argv.
#[test]
fn exec_names_the_build_arg_a_docker_build_does_not_pass() {
    let server = Server::start();
    let tmp = &server.dir;
    let toolkit = Remote::new(&server, "toolkit");
    write(
        tmp.path(),
        "Dockerfile",
        &format!(
            "FROM alpine\nARG CACHE_BUST\nRUN git clone {} /t\n",
            toolkit.url()
        ),
    );
    let (seen, path) = fake_docker(tmp.path(), "$* $CACHE_BUST");
    let exec = |words: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cachebust"))
            .args(["exec", "-f", "Dockerfile", "--"])
            .args(words)
            .current_dir(tmp.path())
            .env("PATH", &path)
            .output()
            .unwrap()
    };
    let value = digest(&[toolkit.head("main")]);
    let out = exec(&["docker", "build", "-t", "api", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: the command passes no `--build-arg` for `CACHE_BUST`, so its value never \
             reaches the build; run instead: cachebust exec -- docker build --build-arg CACHE_BUST -t api .\n"
        ),
        "{stderr}"
    );
    // Run as typed: no argument added.
    let ran = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(ran, format!("build -t api . {value}\n"));

    let out = exec(&[
        "docker",
        "build",
        "--build-arg",
        "CACHE_BUST",
        "-t",
        "api",
        ".",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let ran = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(
        ran,
        format!("build --build-arg CACHE_BUST -t api . {value}\n")
    );
}

/// `bust --per-layer` on a Dockerfile that declares only `CACHE_BUST` prints `CACHE_BUST` and says on
/// stderr that the layer's own name is not declared.
#[test]
fn bust_per_layer_prints_only_declared_names_and_says_so() {
    let server = Server::start();
    let tmp = &server.dir;
    let toolkit = Remote::new(&server, "toolkit");
    write(
        tmp.path(),
        "Dockerfile",
        &format!(
            "FROM alpine\nARG CACHE_BUST\nRUN git clone {} /t\n",
            toolkit.url()
        ),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(["bust", "--per-layer", "."])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        format!("export CACHE_BUST={}\n", digest(&[toolkit.head("main")]))
    );
    assert!(
        stderr.contains("--per-layer: Dockerfile:3 does not declare `CACHE_BUST_TOOLKIT`"),
        "{stderr}"
    );
}

/// Each compose service that passes `CACHE_BUST` through a variable of its own (`${CACHE_BUST_API}`)
/// gets the value of the remotes of the stages it builds (its `target` and the stages that target is
/// built from), so a remote that moves changes only the variables of the services that fetch it. The
/// shared `CACHE_BUST` still covers every remote.
#[test]
fn each_service_variable_follows_only_the_remotes_that_service_builds() {
    let server = Server::start();
    let tmp = &server.dir;
    let base = Remote::new(&server, "base");
    let api = Remote::new(&server, "api");
    let mut worker = Remote::new(&server, "worker");
    // One Dockerfile, two targets built from a shared stage; and a second Dockerfile of its own.
    write(
        tmp.path(),
        "Dockerfile",
        &format!(
            "FROM alpine AS common\nARG CACHE_BUST\nRUN git clone {} /b\n\
             FROM common AS api\nARG CACHE_BUST\nRUN git clone {} /a\n\
             FROM common AS worker\nARG CACHE_BUST\nRUN git clone {} /w\n",
            base.url(),
            api.url(),
            worker.url()
        ),
    );
    write(
        tmp.path(),
        "docs/Dockerfile",
        &format!(
            "FROM alpine\nARG CACHE_BUST\nRUN git clone {} /a\n",
            api.url()
        ),
    );
    write(
        tmp.path(),
        "compose.yaml",
        "services:\n  api:\n    build:\n      context: .\n      target: api\n      args:\n        \
         CACHE_BUST: ${CACHE_BUST_API:-unknown}\n  worker:\n    build:\n      context: .\n      \
         target: worker\n      args:\n        - CACHE_BUST=${CACHE_BUST_WORKER:-unknown}\n  \
         docs:\n    build:\n      context: ./docs\n      args:\n        CACHE_BUST: $CACHE_BUST_DOCS\n  \
         shared:\n    build:\n      context: ./docs\n      args:\n        CACHE_BUST: ${CACHE_BUST:-unknown}\n",
    );
    let paths = [tmp.path().to_path_buf()];
    let before = values(&paths, &options(Fallback::Error));
    let names: Vec<&str> = before.args.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CACHE_BUST",
            "CACHE_BUST_API",
            "CACHE_BUST_WORKER",
            "CACHE_BUST_DOCS"
        ]
    );
    let (b, a, w) = (base.head("main"), api.head("main"), worker.head("main"));
    assert_eq!(
        before.get("CACHE_BUST_API"),
        Some(digest(&[&b, &a]).as_str())
    );
    assert_eq!(
        before.get("CACHE_BUST_WORKER"),
        Some(digest(&[&b, &w]).as_str())
    );
    assert_eq!(before.get("CACHE_BUST_DOCS"), Some(digest(&[&a]).as_str()));
    assert_eq!(
        before.get("CACHE_BUST"),
        Some(digest(&[&b, &a, &w]).as_str())
    );

    worker.commit("main");
    let after = values(&paths, &options(Fallback::Error));
    assert_eq!(after.get("CACHE_BUST_API"), before.get("CACHE_BUST_API"));
    assert_eq!(after.get("CACHE_BUST_DOCS"), before.get("CACHE_BUST_DOCS"));
    assert_ne!(
        after.get("CACHE_BUST_WORKER"),
        before.get("CACHE_BUST_WORKER")
    );
    assert_ne!(after.get("CACHE_BUST"), before.get("CACHE_BUST"));
}

/// `exec -f Dockerfile -- docker compose build` still reads the compose file the command reads, and
/// sets each service's own variable; a stand-in `docker` records what it was given.
#[test]
fn exec_sets_each_service_variable_for_docker_compose() {
    let server = Server::start();
    let tmp = &server.dir;
    let api = Remote::new(&server, "api");
    let worker = Remote::new(&server, "worker");
    for (name, remote) in [("api", &api), ("worker", &worker)] {
        write(
            tmp.path(),
            &format!("{name}/Dockerfile"),
            &format!(
                "FROM alpine\nARG CACHE_BUST\nRUN git clone {} /s\n",
                remote.url()
            ),
        );
    }
    write(
        tmp.path(),
        "compose.yaml",
        "services:\n  api:\n    build:\n      context: api\n      args:\n        \
         CACHE_BUST: ${CACHE_BUST_API:-unknown}\n  worker:\n    build:\n      context: worker\n      \
         args:\n        CACHE_BUST: ${CACHE_BUST_WORKER:-unknown}\n",
    );
    let (seen, path) = fake_docker(tmp.path(), "$CACHE_BUST_API $CACHE_BUST_WORKER");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args([
            "exec",
            "-f",
            "api/Dockerfile",
            "--",
            "docker",
            "compose",
            "build",
        ])
        .current_dir(tmp.path())
        .env("PATH", &path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let (a, w) = (digest(&[api.head("main")]), digest(&[worker.head("main")]));
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        format!("{a} {w}\n")
    );
    assert!(
        stderr.contains(&format!("cachebust: CACHE_BUST_WORKER={w} (1 remote)")),
        "{stderr}"
    );
    // The shared value covers only the Dockerfile given: the worker's is read for its service alone.
    assert!(
        stderr.contains(&format!("cachebust: CACHE_BUST={a} (1 remote)")),
        "{stderr}"
    );

    // `docker build` is told about the Dockerfile's arg only, not about the services' variables (which
    // `exec` sets, reading the compose file under `.`).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cachebust"))
        .args(["exec", "--", "docker", "build", "api"])
        .current_dir(tmp.path())
        .env("PATH", &path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("passes no `--build-arg` for `CACHE_BUST`, so its value"),
        "{stderr}"
    );
    assert!(stderr.contains("cachebust: CACHE_BUST_API="), "{stderr}");
    assert!(!stderr.contains("`CACHE_BUST_API`"), "{stderr}");
}
