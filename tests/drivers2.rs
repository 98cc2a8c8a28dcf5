//! Build drivers whose paths hold values not known when linting, the `build-push-action` fix, bake
//! JSON files: each through the real binary.
mod common;

use common::{cachebust, stdout};

const DOCKERFILE: &str = "FROM debian:bookworm\nARG CACHE_BUST=unknown\n\
                          RUN echo \"Cache bust: ${CACHE_BUST}\"\n\
                          RUN git clone -b main https://github.com/acme/toolkit.git /src\n";

/// A directory with a busted Dockerfile and the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn concise(dir: &std::path::Path) -> String {
    stdout(&cachebust(
        dir,
        &["check", ".", "--output-format", "concise"],
    ))
}

#[test]
fn a_workflow_path_from_a_matrix_is_unknown_and_a_missing_literal_one_is_reported() {
    let workflow = "on: push\njobs:\n  build:\n    strategy:\n      matrix:\n        \
                    dockerfile: [Dockerfile]\n    runs-on: ubuntu-latest\n    steps:\n      \
                    - uses: docker/build-push-action@v6\n        with:\n          \
                    file: ${{ matrix.dockerfile }}\n      \
                    - uses: docker/build-push-action@v6\n        with:\n          \
                    context: ${{ matrix.context }}\n      \
                    - uses: docker/build-push-action@v6\n        with:\n          \
                    target: ${{ matrix.stage }}\n      \
                    - run: docker build -f ${{ matrix.dockerfile }} .\n      \
                    - run: docker build -f \"$DOCKERFILE\" ${CONTEXT}\n      \
                    - uses: docker/build-push-action@v6\n        with:\n          \
                    file: docker/missing.Dockerfile\n      \
                    - uses: docker/build-push-action@v6\n        with:\n          \
                    file: ${{ github.workspace }}/Dockerfile\n";
    let dir = project(&[(".github/workflows/image.yml", workflow)]);
    assert_eq!(
        concise(dir.path()),
        ".github/workflows/image.yml:22:17: CB000 [error] this build reads \
         `docker/missing.Dockerfile`, which does not exist\n\
         .github/workflows/image.yml:23:15: CB004 [warning] this build never passes `CACHE_BUST` \
         to `Dockerfile`, so its cache bust never happens\n"
    );
}

#[test]
fn script_makefile_and_bake_paths_with_unset_variables_are_unknown() {
    let script = "#!/bin/sh\ndocker build -f \"$DOCKERFILE\" --target \"$STAGE\" .\n\
                  docker build --build-arg CACHE_BUST \"$CONTEXT\"\n\
                  DF=Dockerfile.nope\ndocker build -f \"$DF\" --build-arg CACHE_BUST .\n";
    let makefile = "DIR := .\nbuild:\n\tdocker build -f $(DOCKERFILE) .\n\
                    \tdocker build -f $(DIR)/Dockerfile --target $(STAGE) .\n\
                    \tdocker build -f $(DIR)/Dockerfile --build-arg CACHE_BUST=1 .\n";
    let bake = "variable \"DF\" {}\nvariable \"CTX\" {\n  default = \".\"\n}\n\
                target \"unknown\" {\n  dockerfile = \"${DF}\"\n}\n\
                target \"computed\" {\n  dockerfile = \"${lower(DF)}\"\n}\n\
                target \"known\" {\n  context = \"${CTX}\"\n  dockerfile = \"nope/${CTX}/Dockerfile\"\n}\n";
    let dir = project(&[
        ("build.sh", script),
        ("Makefile", makefile),
        ("docker-bake.hcl", bake),
    ]);
    assert_eq!(
        concise(dir.path()),
        "Makefile:5:2: CB004 [warning] this build passes `CACHE_BUST` as the constant `1`, so its \
         cache bust never happens\n\
         build.sh:5:14: CB000 [error] this build reads `Dockerfile.nope`, which does not exist\n\
         docker-bake.hcl:13:3: CB000 [error] this build reads `nope/Dockerfile`, which does not exist\n"
    );
}

#[test]
fn exec_sets_the_variables_a_driver_passes_as_the_bust_arg() {
    // A remote that refuses at once: the value falls back to the time, no network is used.
    let dockerfile = "FROM debian:bookworm\nARG CACHE_BUST=unknown\n\
                      RUN echo \"Cache bust: ${CACHE_BUST}\"\n\
                      RUN git clone -b main https://127.0.0.1:1/acme/toolkit.git /src\n";
    let dir = project(&[
        (
            "Makefile",
            "build:\n\tdocker build --build-arg CACHE_BUST=$(BUST) .\n",
        ),
        (
            "build.sh",
            "#!/bin/sh\ndocker build --build-arg \"CACHE_BUST=${SCRIPT_BUST:-none}\" .\n",
        ),
        (
            "docker-bake.hcl",
            "variable \"BAKE_BUST\" {\n  default = \"unknown\"\n}\n\
             target \"app\" {\n  args = { CACHE_BUST = \"${BAKE_BUST}\" }\n}\n",
        ),
    ]);
    std::fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    let fallback = ["--fallback", "timestamp", "--timeout", "5"];
    let mut args = vec!["exec"];
    args.extend(fallback);
    args.extend([
        "--",
        "sh",
        "-c",
        "echo $CACHE_BUST $BUST $SCRIPT_BUST $BAKE_BUST",
    ]);
    let output = cachebust(dir.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let printed = stdout(&output);
    let words: Vec<&str> = printed.split_whitespace().collect();
    assert_eq!(words.len(), 4, "{printed}");
    assert!(
        words[0].len() == 12 && words.iter().all(|w| *w == words[0]),
        "{printed}"
    );
    assert!(
        common::stderr(&output).contains("cachebust: BUST=")
            && common::stderr(&output).contains("(`Makefile` passes it as `CACHE_BUST`)"),
        "{}",
        common::stderr(&output)
    );
    // `bust --format env` sets them too; `--format build-args` names only the build arg.
    let mut args = vec!["bust"];
    args.extend(fallback);
    let env = stdout(&cachebust(dir.path(), &args));
    for name in ["CACHE_BUST", "BUST", "SCRIPT_BUST", "BAKE_BUST"] {
        assert!(env.contains(&format!("export {name}=")), "{name}: {env}");
    }
    args.extend(["--format", "build-args"]);
    let flags = stdout(&cachebust(dir.path(), &args));
    assert!(
        flags.starts_with("--build-arg CACHE_BUST=") && flags.matches("--build-arg").count() == 1,
        "{flags}"
    );
}

#[test]
fn a_constant_bust_written_in_the_command_is_made_an_environment_value() {
    let script = "#!/bin/sh\ndocker build --build-arg CACHE_BUST=1 -t app .\n\
                  STAMP=2\ndocker build --build-arg \"CACHE_BUST=$STAMP\" -t app .\n";
    let workflow = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      \
                    - uses: docker/build-push-action@v6\n        with:\n          \
                    build-args: |\n            PYTHON=3.12\n            CACHE_BUST=v1\n";
    let dir = project(&[("build.sh", script), (".github/workflows/w.yml", workflow)]);
    let before = concise(dir.path());
    assert_eq!(before.matches("as the constant").count(), 3, "{before}");
    // The workflow's fix is safe; the script's unsafe, and only for the constant written in place.
    let safe = cachebust(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(safe.status.code(), Some(1), "{}", stdout(&safe));
    let fixed = std::fs::read_to_string(dir.path().join(".github/workflows/w.yml")).unwrap();
    assert_eq!(
        fixed,
        workflow.replace("CACHE_BUST=v1", "CACHE_BUST=${{ env.CACHE_BUST || 'v1' }}")
    );
    let all = cachebust(dir.path(), &["check", ".", "--fix", "--unsafe-fixes"]);
    assert_eq!(all.status.code(), Some(1), "{}", stdout(&all));
    let fixed = std::fs::read_to_string(dir.path().join("build.sh")).unwrap();
    assert_eq!(
        fixed,
        script.replace("--build-arg CACHE_BUST=1 ", "--build-arg CACHE_BUST ")
    );
    let after = concise(dir.path());
    assert_eq!(
        after,
        "build.sh:4:1: CB004 [warning] this build passes `CACHE_BUST` as the constant `2`, so its \
         cache bust never happens\n"
    );
}

#[test]
fn a_constant_from_a_make_variable_gets_no_fix() {
    // Make exports its own value of a variable that came from the environment, so `--build-arg
    // CACHE_BUST` under `cachebust exec -- make` would still pass `1`: no fix is better than that one.
    let makefile =
        "CACHE_BUST := 1\nbuild:\n\tdocker build --build-arg CACHE_BUST=$(CACHE_BUST) .\n";
    let dir = project(&[("Makefile", makefile)]);
    let output = cachebust(dir.path(), &["check", ".", "--diff", "--unsafe-fixes"]);
    assert_eq!(stdout(&output), "");
    assert!(concise(dir.path()).contains("as the constant `1`"));
}
