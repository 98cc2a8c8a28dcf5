//! Every detector and URL form, one line each: the RUN text and the sources it must yield.
use super::refs::RefKind::{self, *};
use crate::checks::Analysis;
use crate::model::build_dockerfile;
use crate::parse::dockerfile::parse_dockerfile;
use crate::settings::Settings;
use crate::source::SourceFile;

/// The (tool, url, ref, kind) of every source found in `dockerfile`.
fn sources(dockerfile: &str) -> Vec<(String, String, Option<String>, RefKind)> {
    let file = SourceFile::new("Dockerfile".into(), "Dockerfile".into(), dockerfile.into());
    let ast = parse_dockerfile(&file).expect("test Dockerfiles parse");
    let settings = Settings::default();
    let analysis = Analysis::new(&file, build_dockerfile(&file, &ast), &settings);
    analysis
        .layers
        .iter()
        .flat_map(|l| l.sources.iter())
        .map(|s| (s.tool.clone(), s.url.clone(), s.reference.clone(), s.kind))
        .collect()
}

fn run(line: &str) -> Vec<(String, String, Option<String>, RefKind)> {
    sources(&format!("FROM base\n{line}\n"))
}

fn one(line: &str, tool: &str, url: &str, reference: Option<&str>, kind: RefKind) {
    assert_eq!(
        run(line),
        vec![(
            tool.to_string(),
            url.to_string(),
            reference.map(str::to_string),
            kind
        )],
        "{line}"
    );
}

#[test]
fn git_clone() {
    let url = "https://github.com/acme/toolkit.git";
    one(
        &format!("RUN git clone {url} /src"),
        "git clone",
        url,
        None,
        Default,
    );
    one(
        &format!("RUN git clone --depth 1 -b main {url} /src"),
        "git clone",
        url,
        Some("main"),
        Branch,
    );
    one(
        &format!("RUN git clone --branch=v1.2.3 {url}"),
        "git clone",
        url,
        Some("v1.2.3"),
        Tag,
    );
    one(
        &format!("RUN git -C /opt clone -c http.sslVerify=false {url}"),
        "git clone",
        url,
        None,
        Default,
    );
    one(
        &format!("RUN sudo -u app git clone {url}"),
        "git clone",
        url,
        None,
        Default,
    );
    one(
        "RUN git clone git@github.com:acme/toolkit.git",
        "git clone",
        "git@github.com:acme/toolkit.git",
        None,
        Default,
    );
    one(
        &format!("RUN [\"git\", \"clone\", \"-b\", \"dev\", \"{url}\"]"),
        "git clone",
        url,
        Some("dev"),
        Branch,
    );
    one(
        &format!("RUN sh -c \"git clone -b dev {url}\""),
        "git clone",
        url,
        Some("dev"),
        Branch,
    );
    one(
        &format!("RUN [\"/bin/bash\", \"-c\", \"git clone {url}\"]"),
        "git clone",
        url,
        None,
        Default,
    );
}

#[test]
fn git_clone_pins() {
    let url = "https://github.com/acme/toolkit.git";
    let sha = "0123456789abcdef0123456789abcdef01234567";
    one(
        &format!("RUN git clone {url} /src && cd /src && git checkout {sha}"),
        "git clone",
        url,
        Some(sha),
        Commit,
    );
    one(
        &format!("RUN git clone {url} /src && git -C /src reset --hard {sha}"),
        "git clone",
        url,
        Some(sha),
        Commit,
    );
    // A later RUN of the same stage pins the clone too.
    let later = sources(&format!(
        "FROM b\nRUN git clone {url} /src\nWORKDIR /src\nRUN git checkout {sha}\n"
    ));
    assert_eq!(later[0].3, Commit);
    // Checking out a branch after the clone names the branch.
    one(
        &format!("RUN git clone {url} /s && cd /s && git checkout develop"),
        "git clone",
        url,
        Some("develop"),
        Branch,
    );
    // A pin commented out inside a continuation is no pin.
    let commented = sources(&format!(
        "FROM b\nRUN git clone {url} /s \\\n#  && git -C /s checkout {sha}\n  && make\n"
    ));
    assert_eq!(commented[0].3, Default);
}

/// The (url, kind) of every source of a Dockerfile.
fn kinds(dockerfile: &str) -> Vec<(String, RefKind)> {
    sources(dockerfile)
        .into_iter()
        .map(|(_, url, _, kind)| (url, kind))
        .collect()
}

#[test]
fn a_checkout_pins_the_clone_of_its_own_full_path() {
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let (a, b) = ("https://h/acme/a.git", "https://h/acme/b.git");
    // Same last segment, different clones: only /opt/a/src is pinned, in one RUN or across RUNs.
    assert_eq!(
        kinds(&format!(
            "FROM x\nRUN git clone {a} /opt/a/src && git clone {b} /opt/b/src && git -C /opt/a/src checkout {sha}\n"
        )),
        vec![(a.into(), Commit), (b.into(), Default)]
    );
    assert_eq!(
        kinds(&format!(
            "FROM x\nRUN git clone {a} /opt/a/src\nRUN git clone {b} /opt/b/src\nRUN git -C /opt/a/src checkout {sha}\n"
        )),
        vec![(a.into(), Commit), (b.into(), Default)]
    );
    // A checkout in a directory no clone went to pins nothing (it used to pin the only clone).
    assert_eq!(
        kinds(&format!(
            "FROM x\nRUN git clone {a} /opt/a && cd /opt/b && git checkout {sha}\n"
        )),
        vec![(a.into(), Default)]
    );
    assert_eq!(
        kinds(&format!(
            "FROM x\nRUN git clone {a} /opt/a\nRUN cd /opt/c && git checkout {sha}\n"
        )),
        vec![(a.into(), Default)]
    );
    // Relative paths resolve against WORKDIR and `cd`, and a subdirectory of the clone is inside it.
    assert_eq!(
        kinds(&format!(
            "FROM x\nWORKDIR /ws\nRUN git clone {a} && git clone {b} src/b\nRUN cd src && cd b/docs && git reset --hard {sha}\n"
        )),
        vec![(a.into(), Default), (b.into(), Commit)]
    );
    assert_eq!(
        kinds(&format!(
            "FROM x\nWORKDIR /ws\nRUN git clone {a}\nWORKDIR /ws/a\nRUN git switch --detach {sha}\n"
        )),
        vec![(a.into(), Commit)]
    );
}

#[test]
fn fetch_head_takes_the_fetched_ref() {
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let url = "https://h/acme/a.git";
    for run in [
        format!("RUN git clone {url} /a && cd /a && git fetch origin {sha} && git checkout FETCH_HEAD"),
        format!("RUN git clone {url} /a\nRUN cd /a && git fetch --depth 1 origin {sha} && git reset --hard FETCH_HEAD"),
    ] {
        let found = kinds(&format!("FROM x\n{run}\n"));
        assert!(found.iter().all(|(_, k)| *k == Commit), "{run}: {found:?}");
    }
    // Fetching a branch into FETCH_HEAD still moves.
    let found = kinds(&format!(
        "FROM x\nRUN git clone {url} /a && cd /a && git fetch origin main && git checkout FETCH_HEAD\n"
    ));
    assert!(found.iter().all(|(_, k)| *k == Branch), "{found:?}");
}

#[test]
fn go_get_in_gopath_mode_is_pinned_by_a_checkout_in_its_directory() {
    let clair = "github.com/quay/clair";
    assert_eq!(
        kinds(&format!(
            "FROM golang:1.10\nARG CLAIR_VERSION=v2.1.8\nRUN go get -d {clair}/...\n\
             WORKDIR /go/src/{clair}\nRUN git checkout \"${{CLAIR_VERSION}}\"\n"
        )),
        vec![(format!("{clair}/..."), Tag)]
    );
    let pomerium = "github.com/pomerium/pomerium";
    assert_eq!(
        kinds(&format!(
            "FROM golang:1.10\nENV GOPATH=/gopath\nARG VERSION=v0.5.0\n\
             RUN go get {pomerium}/cmd/pomerium && cd /gopath/src/{pomerium} && git checkout \"${{VERSION}}\"\n"
        )),
        vec![(format!("{pomerium}/cmd/pomerium"), Tag)]
    );
    // The near miss: a checkout in another repository's directory does not pin it.
    assert_eq!(
        kinds(&format!(
            "FROM golang:1.10\nRUN go get {clair}\nWORKDIR /go/src/github.com/quay/other\nRUN git checkout v1.2.3\n"
        )),
        vec![(clair.into(), Latest)]
    );
}

#[test]
fn local_clones_are_not_remote() {
    assert!(run("RUN git clone /local/repo /src").is_empty());
    assert!(run("RUN git clone ../repo /src").is_empty());
}

#[test]
fn git_pull_and_fetch() {
    let found = run("RUN cd /src && git pull");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].3, Default);
    one(
        "RUN git fetch origin 0123abcd && git checkout FETCH_HEAD",
        "git pull",
        "origin",
        Some("0123abcd"),
        Commit,
    );
    one(
        "RUN git pull origin develop",
        "git pull",
        "origin",
        Some("develop"),
        Branch,
    );
}

#[test]
fn args_and_env_resolve_into_urls_and_refs() {
    let found = sources("ARG BRANCH=main\nFROM b\nARG BRANCH\nARG REPO=https://github.com/acme/x.git\nRUN git clone -b ${BRANCH} $REPO\n");
    assert_eq!(
        found,
        vec![(
            "git clone".into(),
            "https://github.com/acme/x.git".into(),
            Some("main".into()),
            Branch
        )]
    );
    let found = sources("FROM b\nENV SHA=0123456789abcdef0123456789abcdef01234567\nRUN pip install git+https://github.com/a/b@${SHA}\n");
    assert_eq!(found[0].3, Commit);
    let found = sources("FROM b\nARG REF\nRUN pip install git+https://github.com/a/b@${REF}\n");
    assert_eq!(found[0].3, Unresolved);
    // A global arg is not visible in a stage that does not re-declare it.
    let found =
        sources("ARG REF=v1.0.0\nFROM b\nRUN pip install git+https://github.com/a/b@${REF}\n");
    assert_eq!(found[0].3, Unresolved);
}

#[test]
fn pip() {
    let url = "https://github.com/acme/lib.git";
    one(
        &format!("RUN pip install git+{url}@develop"),
        "pip install",
        url,
        Some("develop"),
        Branch,
    );
    one(
        &format!("RUN pip3 install --no-cache-dir git+{url}"),
        "pip install",
        url,
        None,
        Default,
    );
    one(
        &format!("RUN python3 -m pip install -e git+{url}@main#egg=lib"),
        "pip install",
        url,
        Some("main"),
        Branch,
    );
    one(
        &format!("RUN uv pip install 'lib @ git+{url}@v2.0'"),
        "pip install",
        url,
        Some("v2.0"),
        Tag,
    );
    one(
        &format!("RUN pipx install git+{url}"),
        "pip install",
        url,
        None,
        Default,
    );
    one(
        "RUN pip install git+https://user:tok@gitlab.example.com/g/p.git@main",
        "pip install",
        "https://user:tok@gitlab.example.com/g/p.git",
        Some("main"),
        Branch,
    );
    one(
        "RUN pip install https://github.com/acme/lib/archive/refs/heads/main.zip",
        "pip install",
        "https://github.com/acme/lib",
        Some("main"),
        Branch,
    );
    one(
        "RUN uv add git+https://github.com/acme/lib --branch main",
        "pip install",
        "https://github.com/acme/lib",
        Some("main"),
        Branch,
    );
    one(
        "RUN pdm add git+https://github.com/acme/lib@0123abc",
        "pip install",
        "https://github.com/acme/lib",
        Some("0123abc"),
        Commit,
    );
    assert!(run("RUN pip install requests==2.31 flask").is_empty());
    assert!(run("RUN pip download git+https://github.com/acme/lib").is_empty());
}

#[test]
fn poetry() {
    one(
        "RUN poetry add git+https://github.com/acme/lib.git#develop",
        "poetry add",
        "https://github.com/acme/lib.git",
        Some("develop"),
        Branch,
    );
    one(
        "RUN poetry add https://github.com/acme/lib.git",
        "poetry add",
        "https://github.com/acme/lib.git",
        None,
        Default,
    );
    assert!(run("RUN poetry add requests").is_empty());
}

#[test]
fn npm() {
    one(
        "RUN npm install github:acme/ui",
        "npm install",
        "https://github.com/acme/ui.git",
        None,
        Default,
    );
    one(
        "RUN npm i -g acme/ui#main",
        "npm install",
        "https://github.com/acme/ui.git",
        Some("main"),
        Branch,
    );
    one(
        "RUN yarn add git+https://github.com/acme/ui.git#v1.2.0",
        "npm install",
        "https://github.com/acme/ui.git",
        Some("v1.2.0"),
        Tag,
    );
    one(
        "RUN pnpm add ui@gitlab:acme/ui",
        "npm install",
        "https://gitlab.com/acme/ui.git",
        None,
        Default,
    );
    one(
        "RUN npm install https://github.com/acme/ui",
        "npm install",
        "https://github.com/acme/ui",
        None,
        Default,
    );
    one(
        "RUN npm install https://github.com/acme/ui/tarball/main",
        "npm install",
        "https://github.com/acme/ui.git",
        Some("main"),
        Branch,
    );
    assert!(run("RUN npm install @types/node express@4 ./local ../x lib.tgz").is_empty());
    assert!(run("RUN npm ci").is_empty());
}

#[test]
fn cargo() {
    let url = "https://github.com/acme/tool";
    one(
        &format!("RUN cargo install --git {url}"),
        "cargo install",
        url,
        None,
        Default,
    );
    one(
        &format!("RUN cargo install --locked --git {url} tool"),
        "cargo install",
        url,
        None,
        Default,
    );
    one(
        &format!("RUN cargo install --git={url} --branch dev"),
        "cargo install",
        url,
        Some("dev"),
        Branch,
    );
    one(
        &format!("RUN cargo install --git {url} --tag 1.0.0"),
        "cargo install",
        url,
        Some("1.0.0"),
        Tag,
    );
    one(
        &format!("RUN cargo install --git {url} --rev abcdef1"),
        "cargo install",
        url,
        Some("abcdef1"),
        Commit,
    );
    assert!(run("RUN cargo install ripgrep --version 14.1.0").is_empty());
    assert!(run("RUN cargo install --path .").is_empty());
}

#[test]
fn an_option_that_names_the_kind_decides_it_whatever_the_value() {
    let url = "https://github.com/coral-xyz/anchor";
    let arg = |option: &str| {
        format!("ARG V\nRUN cargo install --git {url} {option} ${{V}} --locked anchor-cli")
    };
    let one_kind = |text: &str| {
        let found = run(text);
        assert_eq!(found.len(), 1, "{text}");
        (found[0].2.clone(), found[0].3)
    };
    assert_eq!(one_kind(&arg("--tag")), (Some("${V}".into()), Tag));
    assert_eq!(one_kind(&arg("--rev")), (Some("${V}".into()), Commit));
    // A branch with no known value is still reported as the unknown it is.
    assert_eq!(
        one_kind(&arg("--branch")),
        (Some("${V}".into()), Unresolved)
    );
    // A written `--rev` value is read as written: `main` is a branch.
    assert_eq!(
        one_kind(&format!("RUN cargo install --git {url} --rev main")),
        (Some("main".into()), Branch)
    );
    assert_eq!(
        one_kind("ARG V\nRUN uv add git+https://github.com/acme/tool --tag ${V}"),
        (Some("${V}".into()), Tag)
    );
    // A URL form that names tags: `archive/refs/tags/${VERSION}` is a tag even with no value.
    assert_eq!(
        one_kind("ARG VERSION\nRUN curl -L https://github.com/acme/tool/archive/refs/tags/${VERSION}.tar.gz | tar xz"),
        (Some("${VERSION}".into()), Tag)
    );
    assert_eq!(
        one_kind("ARG B\nRUN curl -L https://github.com/acme/tool/archive/refs/heads/${B}.tar.gz | tar xz"),
        (Some("${B}".into()), Unresolved)
    );
}

#[test]
fn a_url_from_an_arg_with_no_value_is_still_a_vcs_install() {
    let found = run("ARG REPO\nARG BRANCH\nRUN pip install git+${REPO}@${BRANCH}");
    assert_eq!(
        found,
        vec![(
            "pip install".to_string(),
            "${REPO}".to_string(),
            Some("${BRANCH}".to_string()),
            Unresolved
        )]
    );
    one(
        "ARG REPO\nRUN pip install --no-cache-dir \"git+${REPO}@main#egg=tool\"",
        "pip install",
        "${REPO}",
        Some("main"),
        Branch,
    );
    one(
        "ARG REPO\nRUN poetry add git+$REPO#develop",
        "poetry add",
        "$REPO",
        Some("develop"),
        Branch,
    );
    // A package name from an arg is not a VCS install.
    assert!(run("ARG PACKAGE\nRUN pip install ${PACKAGE}").is_empty());
}

#[test]
fn go() {
    one(
        "RUN go install golang.org/x/tools/gopls@latest",
        "go install",
        "golang.org/x/tools/gopls",
        Some("latest"),
        Latest,
    );
    one(
        "RUN go install github.com/acme/cmd/x@main",
        "go install",
        "github.com/acme/cmd/x",
        Some("main"),
        Branch,
    );
    one(
        "RUN go install github.com/acme/cmd/x@v1.4.2",
        "go install",
        "github.com/acme/cmd/x",
        Some("v1.4.2"),
        Tag,
    );
    one(
        "RUN go get github.com/acme/lib",
        "go get",
        "github.com/acme/lib",
        None,
        Latest,
    );
    assert!(run("RUN go install ./cmd/... && go build -o /bin/x .").is_empty());
}

#[test]
fn downloads() {
    let gh = "https://github.com/acme/tool";
    one(
        &format!("RUN curl -fsSL {gh}/archive/refs/heads/main.tar.gz | tar xz"),
        "curl",
        gh,
        Some("main"),
        Branch,
    );
    one(
        &format!("RUN wget -O t.zip {gh}/archive/main.zip"),
        "curl",
        gh,
        Some("main"),
        Branch,
    );
    one(
        &format!("RUN curl -L {gh}/archive/v1.2.tar.gz -o t.tgz"),
        "curl",
        gh,
        Some("v1.2"),
        Tag,
    );
    one(
        "RUN curl -fsSL https://raw.githubusercontent.com/acme/tool/master/install.sh | sh",
        "curl",
        "https://github.com/acme/tool.git",
        Some("master"),
        Branch,
    );
    one(
        "RUN curl -o x https://gitlab.com/g/p/-/archive/main/p-main.tar.gz",
        "curl",
        "https://gitlab.com/g/p",
        Some("main"),
        Branch,
    );
    one(
        "RUN curl -s https://api.github.com/repos/acme/tool/releases/latest | jq -r .tag_name",
        "curl",
        "https://github.com/acme/tool.git",
        None,
        Latest,
    );
    one(
        &format!("RUN wget {gh}/releases/latest/download/tool.tgz"),
        "curl",
        gh,
        None,
        Latest,
    );
    assert!(run(&format!(
        "RUN curl -fsSLO {gh}/releases/download/v1.2.3/tool.tgz"
    ))
    .is_empty());
    assert!(run("RUN curl -fsSL https://example.com/install.sh | sh").is_empty());
}

#[test]
fn strings_and_comments_are_not_commands() {
    assert!(run("RUN echo \"git clone https://github.com/a/b\" > /notes").is_empty());
    assert!(run("RUN printf 'pip install git+https://github.com/a/b\\n'").is_empty());
    assert!(run("RUN make # git clone https://github.com/a/b").is_empty());
}

#[test]
fn heredocs_onbuild_and_powershell() {
    let found =
        sources("FROM b\nRUN <<EOF\nset -e\ngit clone -b main https://github.com/a/b.git\nEOF\n");
    assert_eq!(found[0].2.as_deref(), Some("main"));
    let file =
        sources("FROM b\nRUN <<EOF cat > /etc/notes\ngit clone https://github.com/a/b.git\nEOF\n");
    assert!(file.is_empty(), "a heredoc written to a file is not run");
    let found = sources("FROM b\nONBUILD RUN git clone https://github.com/a/b.git\n");
    assert_eq!(found.len(), 1);
    let found = sources("# escape=`\nFROM b\nSHELL [\"powershell\", \"-Command\"]\nRUN git clone `\n    -b main https://github.com/a/b.git C:\\src\n");
    assert_eq!(found[0].2.as_deref(), Some("main"));
}

#[test]
fn shell_variables_feed_later_words() {
    let url = "https://github.com/acme/app.git";
    one(
        &format!("RUN export B=main && git clone -b \"$B\" {url}"),
        "git clone",
        url,
        Some("main"),
        Branch,
    );
    one(
        &format!("RUN T=v1.2.0; R=\"$T\"; git clone -b $R {url}"),
        "git clone",
        url,
        Some("v1.2.0"),
        Tag,
    );
    // Computed, unset or read: unknown, never the text `$B`.
    for line in [
        format!("RUN B=$(cat /b) && git clone -b \"$B\" {url}"),
        format!("RUN B=main; unset B; git clone -b \"$B\" {url}"),
        format!("RUN read B < /b; git clone -b \"$B\" {url}"),
    ] {
        let found = run(&line);
        assert_eq!(found.len(), 1, "{line}");
        assert_eq!(found[0].3, Unresolved, "{line}");
    }
    // A prefix assignment is the command's environment, not the shell's.
    let found = run(&format!("RUN B=main true; git clone -b \"$B\" {url}"));
    assert_eq!(found[0].3, Unresolved);
}

#[test]
fn functions_bind_their_arguments() {
    let url = "https://github.com/acme/app.git";
    one(
        &format!("RUN c() {{ git clone -b \"${{2:-dev}}\" \"$1\"; }}; c {url}"),
        "git clone",
        url,
        Some("dev"),
        Branch,
    );
    one(
        &format!("RUN c() {{ shift 2; git clone \"$@\"; }}; c x y -b v2.0.0 {url}"),
        "git clone",
        url,
        Some("v2.0.0"),
        Tag,
    );
    one(
        &format!("RUN c() {{ set -- -b \"$1\" {url}; git clone \"$@\"; }}; c main"),
        "git clone",
        url,
        Some("main"),
        Branch,
    );
    // `${10}` is the tenth word; `sh -c '…' NAME A` binds `$1` to A.
    one(
        &format!("RUN c() {{ git clone -b ${{10}} $1; }}; c {url} 2 3 4 5 6 7 8 9 v9.9.9"),
        "git clone",
        url,
        Some("v9.9.9"),
        Tag,
    );
    one(
        &format!("RUN sh -c 'git clone -b \"$1\" {url}' sh main"),
        "git clone",
        url,
        Some("main"),
        Branch,
    );
    // Never called: read once, its arguments unknown.
    one(
        &format!("RUN c() {{ git clone -b \"$1\" {url}; }}"),
        "git clone",
        url,
        Some("$1"),
        Unresolved,
    );
    // Calls itself: bounded.
    assert!(!run(&format!("RUN c() {{ c; c; git clone {url}; }}; c")).is_empty());
}

#[test]
fn loops_run_with_their_words() {
    let found =
        run("RUN R=https://github.com/acme; for r in a b; do git clone \"$R/$r.git\"; done");
    let urls: Vec<&str> = found.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://github.com/acme/a.git",
            "https://github.com/acme/b.git"
        ]
    );
    // A computed list runs once, its variable unknown.
    let found = run("RUN for r in $(cat /l); do git clone \"https://h/$r.git\"; done");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "https://h/$r.git");
}

#[test]
fn a_fetch_of_a_named_remote_shows_its_url() {
    let url = "https://github.com/acme/app.git";
    one(
        &format!("RUN git init && git remote add origin {url} && git fetch origin main"),
        "git pull",
        url,
        Some("main"),
        Branch,
    );
}
