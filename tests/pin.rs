//! `cachebust pin`, `update` and `unpin` against bare repositories served by `git daemon` on
//! 127.0.0.1, through the real binary. Never the internet.
use std::path::Path;

#[path = "bust/remotes.rs"]
mod remotes;
use remotes::{Remote, Server};

mod common;
use common::{cachebust, stderr};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Runs cachebust in `dir` and asserts it exits 0, showing its stderr otherwise.
fn succeeds(dir: &Path, args: &[&str]) {
    let out = cachebust(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
}

/// After the tracked branch moved from `first` to `new`: `update --check` on the Dockerfile exits 1,
/// `update` writes `new` where `file` (holding `pinned`) had `first`, and `unpin` gives `file` its
/// `before` bytes back.
fn moves_then_unpins(
    dir: &Path,
    file: &Path,
    (pinned, first, new): (&str, &str, &str),
    before: &str,
) {
    let check = cachebust(dir, &["update", "--check", "Dockerfile"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    succeeds(dir, &["update", "Dockerfile"]);
    assert_eq!(read(file), pinned.replace(first, new));
    succeeds(dir, &["unpin", "Dockerfile"]);
    assert_eq!(read(file), before);
}

#[test]
fn pin_update_and_unpin_follow_the_tracked_branch() {
    let server = Server::start();
    let dir = server.dir.path();
    let mut toolkit = Remote::new(&server, "toolkit");
    let before = format!(
        "FROM alpine\nRUN git clone -b main {} /src && make -C /src\n",
        toolkit.url()
    );
    let dockerfile = dir.join("Dockerfile");
    std::fs::write(&dockerfile, &before).unwrap();

    succeeds(dir, &["pin", "Dockerfile"]);
    let first = toolkit.head("main");
    let expected = format!(
        "FROM alpine\n# cachebust: track main\nRUN git clone -b main {} /src && git -C /src checkout {first} && make -C /src\n",
        toolkit.url()
    );
    assert_eq!(read(&dockerfile), expected);
    let check = cachebust(dir, &["check", "Dockerfile"]);
    assert_eq!(check.status.code(), Some(0), "a tracked pin is not CB001");

    succeeds(dir, &["update", "--check", "Dockerfile"]);

    toolkit.commit("dev");
    let other = cachebust(dir, &["update", "--check", "Dockerfile"]);
    assert_eq!(other.status.code(), Some(0), "another branch moved");

    let new = toolkit.commit("main");
    let behind = cachebust(dir, &["update", "--check", "Dockerfile"]);
    assert_eq!(behind.status.code(), Some(1));
    assert!(stderr(&behind).contains(&format!("main: {} -> {}", &first[..12], &new[..12])));
    assert_eq!(read(&dockerfile), expected, "--check writes nothing");

    succeeds(dir, &["update", "Dockerfile"]);
    assert_eq!(read(&dockerfile), expected.replace(&first, &new));

    succeeds(dir, &["unpin", "Dockerfile"]);
    assert_eq!(read(&dockerfile), before);
}

#[test]
fn an_unreachable_remote_is_named_and_nothing_is_written() {
    let server = Server::start();
    let dir = server.dir.path();
    let toolkit = Remote::new(&server, "toolkit");
    let text = format!(
        "FROM alpine\nRUN git clone -b main {} /src\nRUN pip install git+git://127.0.0.1:1/gone.git@main\n",
        toolkit.url()
    );
    let dockerfile = dir.join("Dockerfile");
    std::fs::write(&dockerfile, &text).unwrap();
    let out = cachebust(dir, &["pin", "--timeout", "5", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("127.0.0.1:1/gone.git"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dockerfile), text);
}

#[test]
fn cargo_install_pins_as_rev_and_unpins_byte_for_byte() {
    let server = Server::start();
    let dir = server.dir.path();
    let tool = Remote::new(&server, "tool");
    let before = format!(
        "FROM rust:1\nRUN cargo install --git {} --branch main tool\n",
        tool.url()
    );
    let dockerfile = dir.join("Dockerfile");
    std::fs::write(&dockerfile, &before).unwrap();
    succeeds(dir, &["pin", "Dockerfile"]);
    let head = tool.head("main");
    assert_eq!(
        read(&dockerfile),
        format!(
            "FROM rust:1\n# cachebust: track main\nRUN cargo install --git {} --rev {head} tool\n",
            tool.url()
        )
    );
    assert_eq!(
        cachebust(dir, &["check", "Dockerfile"]).status.code(),
        Some(0)
    );
    succeeds(dir, &["unpin", "Dockerfile"]);
    assert_eq!(read(&dockerfile), before);
}

/// A ref held by an `ARG` default is pinned there, once for every layer that reads it; `update` moves
/// the default when the tracked branch moves, and `unpin` gives the original bytes back.
#[test]
fn an_arg_default_is_pinned_updated_and_unpinned() {
    let server = Server::start();
    let dir = server.dir.path();
    let mut lib = Remote::new(&server, "lib");
    let url = lib.url();
    let before = format!(
        "FROM python:3\nARG LIB_REF=main\nRUN pip install git+{url}@${{LIB_REF}}\nRUN pip download git+{url}@$LIB_REF\n"
    );
    let dockerfile = dir.join("Dockerfile");
    std::fs::write(&dockerfile, &before).unwrap();
    succeeds(dir, &["pin", "Dockerfile"]);
    let first = lib.head("main");
    let pinned = before.replace(
        "ARG LIB_REF=main",
        &format!("# cachebust: track main\nARG LIB_REF={first}"),
    );
    assert_eq!(read(&dockerfile), pinned);
    let check = cachebust(dir, &["check", "Dockerfile"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    let new = lib.commit("main");
    moves_then_unpins(dir, &dockerfile, (&pinned, &first, &new), &before);
}

/// `pin --format renovate` prints one Renovate regex manager per tracked pin (git-refs, the tracked
/// branch, the URL); each regex finds exactly its pin's commit, and still does after Renovate moved
/// another pin of the same instruction.
#[test]
fn the_renovate_config_finds_each_pin_and_survives_updates() {
    let server = Server::start();
    let dir = server.dir.path();
    let (a, b, c) = (
        Remote::new(&server, "a"),
        Remote::new(&server, "b"),
        Remote::new(&server, "c"),
    );
    let text = format!(
        "FROM python:3\nARG C_REF=main\nRUN git clone -b main {} /a \\\n && pip install git+{}@main\nRUN pip install git+{}@${{C_REF}}\n",
        a.url(),
        b.url(),
        c.url()
    );
    std::fs::write(dir.join("Dockerfile"), &text).unwrap();
    let out = cachebust(dir, &["pin", "--format", "renovate", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let managers = config["customManagers"].as_array().unwrap();
    assert_eq!(managers.len(), 3, "{config:#}");
    let mut pinned = read(&dir.join("Dockerfile"));
    let regexes: Vec<regex::Regex> = managers
        .iter()
        .map(|m| regex::Regex::new(m["matchStrings"][0].as_str().unwrap()).unwrap())
        .collect();
    // In the order of the file: the ARG's default first.
    for (m, remote) in managers.iter().zip([&c, &a, &b]) {
        assert_eq!(m["datasourceTemplate"], "git-refs");
        assert_eq!(m["currentValueTemplate"], "main");
        assert_eq!(m["packageNameTemplate"].as_str(), Some(remote.url()));
        assert_eq!(m["managerFilePatterns"][0], "/^Dockerfile$/");
    }
    // Renovate moves each pin in turn; every regex still finds exactly its own pin.
    for (i, new) in ["1", "2", "3"].iter().enumerate() {
        let found: Vec<_> = regexes
            .iter()
            .map(|r| {
                let caps: Vec<_> = r.captures_iter(&pinned).collect();
                assert_eq!(caps.len(), 1, "{r}\n{pinned}");
                caps[0].name("currentDigest").unwrap().range()
            })
            .collect();
        let heads = [c.head("main"), a.head("main"), b.head("main")];
        if i == 0 {
            for (range, head) in found.iter().zip(&heads) {
                assert_eq!(&pinned[range.clone()], head.as_str());
            }
        }
        pinned.replace_range(found[i].clone(), &new.repeat(40));
    }
}

/// A remote named in a COPY'd requirements file is pinned in that file (the tracking comment above its
/// line), not in the Dockerfile; `update` moves it there and `unpin` gives both files' bytes back. A
/// `package.json` has no comments for the tracked ref: listed, not pinned.
#[test]
fn a_requirements_line_is_pinned_in_its_file() {
    let server = Server::start();
    let dir = server.dir.path();
    let mut lib = Remote::new(&server, "lib");
    let url = lib.url();
    let dockerfile = "FROM python:3\nWORKDIR /app\nCOPY requirements.txt package.json /app/\nRUN pip install -r /app/requirements.txt\nRUN npm install\n";
    let requirements = format!("flask==3.0\r\n  git+{url}@main#egg=lib\r\n");
    let package = "{\"dependencies\": {\"ui\": \"github:acme/ui#main\"}}\n";
    std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    std::fs::write(dir.join("requirements.txt"), &requirements).unwrap();
    std::fs::write(dir.join("package.json"), package).unwrap();

    let out = cachebust(dir, &["pin", "--strict", "Dockerfile"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "package.json is left: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("`package.json` has no comments"),
        "{}",
        stderr(&out)
    );
    let first = lib.head("main");
    let pinned =
        format!("flask==3.0\r\n  # cachebust: track main\r\n  git+{url}@{first}#egg=lib\r\n");
    assert_eq!(read(&dir.join("requirements.txt")), pinned);
    assert_eq!(read(&dir.join("Dockerfile")), dockerfile);
    assert_eq!(read(&dir.join("package.json")), package);

    let new = lib.commit("main");
    let file = dir.join("requirements.txt");
    moves_then_unpins(dir, &file, (&pinned, &first, &new), &requirements);
}
