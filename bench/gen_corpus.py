#!/usr/bin/env python3
"""Generates a deterministic corpus of Dockerfiles and compose files for benchmarking cachebust.

    gen_corpus.py --files N --out DIR [--seed S]       a tree of N lintable files (Dockerfiles + compose)
    gen_corpus.py --big-run BYTES --out DIR [--seed S]  DIR/Dockerfile: one RUN of about BYTES bytes

The tree looks like a monorepo: DIR/oNN/tNN/svcNNNNN/ with a root Dockerfile, sometimes a second one
(Dockerfile.dev, worker.Dockerfile, docker/Dockerfile.prod, Containerfile, build.dockerfile), sometimes a
compose.yaml with build args, sometimes a requirements.txt that an install reads. Files are 10-200 lines
with stages, global and stage ARGs, heredocs, continuations with comment lines, exec-form RUNs, --mount
flags and remote layers in every detector form of rules/detectors.toml, mutable and pinned. About 2% of
the Dockerfiles do not parse (and ~10% of compose files are invalid YAML). A root .gitignore and a few
nested ones hide extra Dockerfiles (node_modules/, *.bak, generated/) that a linter must skip.

Side files, in DIR/.bench/ (names no linter picks up):
  dockerfiles.lst  the Dockerfiles to lint, one path a line
  compose.lst      the compose files
  all.lst          both
  ignored.lst      files that .gitignore hides (each would yield a finding if linted)
  expected.tsv     path <TAB> the finding codes the generator meant the file to have (set, sorted)
  typical.lst      one Dockerfile of median size with findings, for the single-file run
  stats.txt        counts and sizes
Only the standard library; the same seed gives the same bytes.
"""
import argparse
import os
import random
import sys

ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "piedpiper", "stark", "wayne", "tyrell", "cyberdyne"]
REPOS = ["toolkit", "models", "agent", "sdk", "config", "infra-scripts", "proto", "billing", "auth-lib",
         "feature-flags", "metrics", "inference", "cli", "ui-kit", "schemas", "migrations", "pipelines"]
BRANCHES = ["main", "master", "develop", "dev", "release/2.x", "feature/fast-path", "staging"]
TAGS = ["v1.2.3", "v0.9.0", "v2.14.1", "1.4.0", "v3.0.0-rc.1"]
IMAGES = ["debian:bookworm-slim", "ubuntu:24.04", "python:3.12-slim", "node:20-bookworm", "golang:1.22",
          "rust:1.80-slim", "alpine:3.20", "eclipse-temurin:21-jre", "nginx:1.27-alpine",
          "gcr.io/distroless/base-debian12", "registry.example.com/base/python:3.11"]
APT_PKGS = ["ca-certificates", "curl", "git", "build-essential", "libssl-dev", "pkg-config", "jq", "unzip",
            "gnupg", "locales", "tzdata", "libpq-dev", "python3-dev", "make", "wget", "openssh-client",
            "xz-utils", "zlib1g-dev", "libffi-dev", "netcat-openbsd", "procps", "less", "vim-tiny"]
PIP_PKGS = ["requests==2.32.3", "flask==3.0.3", "gunicorn==22.0.0", "numpy==1.26.4", "pydantic==2.8.2",
            "sqlalchemy==2.0.31", "boto3==1.34.144", "celery==5.4.0", "uvicorn[standard]==0.30.1"]
NPM_PKGS = ["express@4.19.2", "lodash@4.17.21", "typescript@5.5.3", "pm2@5.4.2", "left-pad@1.3.0"]
BUST_NAMES = ["CACHE_BUST", "CACHE_BUST", "CACHE_BUST", "CACHEBUST", "CACHE_DATE", "CACHE_BUST_TOOLKIT"]


class Gen:
    def __init__(self, rng):
        self.r = rng

    # --- pieces ---------------------------------------------------------------------------------------

    def sha(self, short=False):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(self.r.choice([7, 10, 12]) if short else 40))

    def repo(self):
        return self.r.choice(ORGS), self.r.choice(REPOS) + self.r.choice(["", "", "-py", "-go", "2"])

    def mutable_remote(self, creds=False):
        """One shell command fetching a remote whose ref can move."""
        r = self.r
        o, n = self.repo()
        b = r.choice(BRANCHES)
        host = f"deploy:glpat-{self.sha(True)}x{self.sha(True)}@" if creds else ""
        forms = [
            lambda: f"git clone --depth 1 -b {b} https://{host}github.com/{o}/{n}.git /src/{n}",
            lambda: f"git clone https://{host}gitlab.com/{o}/{n}.git /opt/{n}",
            lambda: f"git clone --branch {b} --single-branch git@github.com:{o}/{n}.git /src/{n}",
            lambda: f"git -C /src/{n} pull origin {b}",
            lambda: f"git fetch --depth 1 origin {b}",
            lambda: f"pip install --no-cache-dir git+https://{host}github.com/{o}/{n}.git@{b}",
            lambda: f"pip install -e git+https://github.com/{o}/{n}.git@{b}#egg={n}",
            lambda: f"python -m pip install \"{n} @ git+https://github.com/{o}/{n}.git\"",
            lambda: f"uv pip install --system git+https://github.com/{o}/{n}@{b}",
            lambda: f"pipx install git+https://github.com/{o}/{n}.git",
            lambda: f"poetry add git+https://github.com/{o}/{n}.git#{b}",
            lambda: f"pip install https://github.com/{o}/{n}/archive/refs/heads/{b}.zip",
            lambda: f"npm install github:{o}/{n}#{b}",
            lambda: f"npm i --prefix /app {o}/{n}",
            lambda: f"yarn add gitlab:{o}/{n}",
            lambda: f"pnpm add git+https://github.com/{o}/{n}.git#{b}",
            lambda: f"bun add https://github.com/{o}/{n}",
            lambda: f"cargo install --git https://github.com/{o}/{n} --branch {b} {n}",
            lambda: f"cargo install --locked --git https://github.com/{o}/{n}.git",
            lambda: f"go install github.com/{o}/{n}/cmd/{n}@latest",
            lambda: f"go get github.com/{o}/{n}",
            lambda: f"curl -fsSL https://github.com/{o}/{n}/archive/refs/heads/{b}.tar.gz | tar -xz -C /opt",
            lambda: f"wget -qO- https://codeload.github.com/{o}/{n}/tar.gz/{b} | tar xz -C /opt",
            lambda: f"curl -fsSLo /tmp/{n}.tgz https://gitlab.com/{o}/{n}/-/archive/{b}/{n}-{b}.tar.gz",
            lambda: f"curl -fsSL https://raw.githubusercontent.com/{o}/{n}/{b}/install.sh | sh",
            lambda: f"curl -fsSLo /usr/local/bin/{n} https://github.com/{o}/{n}/releases/latest/download/{n}-linux-amd64",
            lambda: f"curl -fsSL https://api.github.com/repos/{o}/{n}/releases/latest -o /tmp/{n}.json",
            lambda: f"wget -q https://github.com/{o}/{n}/raw/{b}/scripts/setup.sh -O /tmp/setup.sh",
            lambda: f"curl -fsSL https://gitlab.example.com/{o}/{n}/-/raw/{b}/bootstrap.sh | bash",
        ]
        if creds:
            return forms[r.choice([0, 1, 5])]()
        return r.choice(forms)()

    def pinned_remote(self):
        """One shell command fetching a remote at a commit or version tag."""
        r = self.r
        o, n = self.repo()
        s, t = self.sha(), r.choice(TAGS)
        forms = [
            lambda: f"git clone --depth 1 --branch {t} https://github.com/{o}/{n}.git /src/{n}",
            lambda: f"git clone https://github.com/{o}/{n}.git /src/{n} && git -C /src/{n} checkout {s}",
            lambda: f"pip install --no-cache-dir git+https://github.com/{o}/{n}.git@{s}",
            lambda: f"pip install \"{n} @ git+https://github.com/{o}/{n}.git@{t}\"",
            lambda: f"npm install github:{o}/{n}#{s}",
            lambda: f"cargo install --locked --git https://github.com/{o}/{n} --rev {s}",
            lambda: f"cargo install --git https://github.com/{o}/{n} --tag {t} {n}",
            lambda: f"go install github.com/{o}/{n}/cmd/{n}@{t}",
            lambda: f"curl -fsSL https://github.com/{o}/{n}/archive/refs/tags/{t}.tar.gz | tar -xz -C /opt",
            lambda: f"curl -fsSL https://raw.githubusercontent.com/{o}/{n}/{s}/install.sh | sh",
        ]
        return r.choice(forms)()

    def plain_cmd(self, base):
        r = self.r
        if base.startswith("alpine"):
            pkgs = " ".join(r.sample(APT_PKGS[:10], r.randint(2, 6)))
            return f"apk add --no-cache {pkgs}"
        forms = [
            lambda: "apt-get update",
            lambda: "apt-get install -y --no-install-recommends " + " ".join(r.sample(APT_PKGS, r.randint(2, 7))),
            lambda: "rm -rf /var/lib/apt/lists/*",
            lambda: "pip install --no-cache-dir " + " ".join(r.sample(PIP_PKGS, r.randint(1, 4))),
            lambda: "npm install -g " + " ".join(r.sample(NPM_PKGS, r.randint(1, 3))),
            lambda: f"useradd --create-home --uid {r.randint(1000, 1999)} app",
            lambda: f"mkdir -p /app/{r.choice(['data', 'logs', 'cache'])} /var/run/app",
            lambda: "chown -R app:app /app",
            lambda: f"sed -i 's/^# *\\(en_US.UTF-8\\)/\\1/' /etc/locale.gen && locale-gen",
            lambda: "make -j\"$(nproc)\" && make install",
            lambda: f"echo \"build $(date -u +%Y-%m-%dT%H:%M:%SZ) see https://github.com/{r.choice(ORGS)}/docs/archive/refs/heads/main.tar.gz\" > /etc/build-info",
            lambda: "if [ \"$TARGETARCH\" = \"arm64\" ]; then echo arm > /arch; else echo amd > /arch; fi",
            lambda: "for f in /etc/app/*.conf; do sed -i \"s|@HOME@|$HOME|g\" \"$f\"; done",
            lambda: "ln -sf /usr/share/zoneinfo/UTC /etc/localtime",
            lambda: "groupadd -r app || true",
        ]
        return r.choice(forms)()

    def run(self, cmds, esc, base, allow_heredoc=True):
        """A RUN instruction (list of lines) running `cmds`, in one of the forms people write."""
        r = self.r
        mount = ""
        if r.random() < 0.15:
            mount = r.choice(["--mount=type=cache,target=/root/.cache ", "--mount=type=cache,target=/var/cache/apt,sharing=locked ",
                              "--mount=type=secret,id=npmrc,target=/root/.npmrc "])
        style = r.random()
        if len(cmds) == 1 and style < 0.25:
            return [f"RUN {mount}{cmds[0]}"]
        if style < 0.33 and len(cmds) == 1 and not any(ch in cmds[0] for ch in '|"\\'):
            return [f'RUN ["/bin/sh", "-c", "{cmds[0]}"]']
        if allow_heredoc and style < 0.45:
            shell = r.choice(["", " bash -e"])
            # The blank line after the terminator: hadolint fails to parse an instruction right after one
            # (hadolint/hadolint#960), and the comparison needs both linters to read every file.
            return [f"RUN {mount}<<EOF{shell}", "set -eux"] + cmds + ["EOF", ""]
        if r.random() < 0.3:
            lines, rest, lead = [f"RUN {mount}set -eux; {esc}"], cmds, ""
        else:
            lines, rest, lead = [f"RUN {mount}{cmds[0]} {esc}"], cmds[1:], "&& "
        for c in rest:
            if r.random() < 0.08:
                # Docker strips comment lines inside a continuation before the shell sees the text.
                lines.append(f"    # {r.choice(['install the toolkit', 'keep the image small', 'see ticket OPS-' + str(r.randint(100, 999))])}")
            lines.append(f"    {lead}{c} {esc}")
            lead = "&& "
        lines[-1] = lines[-1][: -len(esc) - 1]
        return lines

    def filler(self, base, esc):
        """A non-remote instruction or two, for padding."""
        r = self.r
        k = r.random()
        if k < 0.35:
            return self.run([self.plain_cmd(base) for _ in range(r.randint(1, 6))], esc, base)
        if k < 0.45:
            return [f"ENV {r.choice(['APP_HOME', 'PATH', 'LANG', 'PYTHONUNBUFFERED', 'NODE_ENV'])}={r.choice(['/app', '/usr/local/bin:$PATH', 'C.UTF-8', '1', 'production'])}"]
        if k < 0.55:
            return [f"COPY {r.choice(['--chown=app:app ', ''])}{r.choice(['src/', 'package.json', 'pyproject.toml', '.', 'config/app.yaml'])} {r.choice(['/app/', './', '/etc/app/'])}"]
        if k < 0.62:
            return [f"LABEL org.opencontainers.image.source=\"https://github.com/{r.choice(ORGS)}/{r.choice(REPOS)}\" {esc}",
                    f"      org.opencontainers.image.revision=\"{self.sha()}\""]
        if k < 0.68:
            return [f"WORKDIR /{r.choice(['app', 'srv', 'opt/app', 'workspace'])}"]
        if k < 0.73:
            return ["COPY <<EOF /etc/app/notes.txt", f"git clone -b main https://github.com/{r.choice(ORGS)}/not-run.git", "this text is a file, not a command", "EOF", ""]
        if k < 0.78:
            return [f"# {r.choice(['Build deps', 'Runtime config', 'TODO: pin this', 'Keep in sync with CI'])}"]
        if k < 0.82:
            return [""]
        if k < 0.86:
            return [f"ARG {r.choice(['VERSION', 'PY_VERSION', 'NODE_OPTS', 'TARGETARCH'])}{r.choice(['', '=1.0'])}"]
        if k < 0.9:
            return [f"EXPOSE {r.choice([80, 443, 3000, 8000, 8080, 9090])}"]
        if k < 0.93:
            return [f"HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:{r.choice([80, 8080])}/health || exit 1"]
        if k < 0.96:
            return [f"ADD https://github.com/{r.choice(ORGS)}/{r.choice(REPOS)}/archive/refs/heads/main.tar.gz /tmp/src.tgz"]
        return ["USER app"]

    # --- a stage and a file ---------------------------------------------------------------------------

    def remote_layers(self, mutable, esc, base, creds, requirements):
        """RUN instructions with remotes: the first one holds a mutable remote when `mutable`."""
        r = self.r
        layers = []
        n = r.choice([1, 1, 1, 2, 2, 3])
        for i in range(n):
            if requirements and i == 0:
                layers.append(["COPY requirements.txt /tmp/requirements.txt",
                               "RUN pip install --no-cache-dir -r /tmp/requirements.txt"])
                continue
            first_mutable = mutable and i == 0
            remotes = [self.mutable_remote(creds and i == 0) if first_mutable or (mutable and r.random() < 0.4) else self.pinned_remote()]
            cmds = [self.plain_cmd(base) for _ in range(r.choice([0, 0, 1, 2]))] + remotes
            if r.random() < 0.3:
                cmds.append(self.plain_cmd(base))
            layers.append(self.run(cmds, esc, base))
        return layers

    def stage(self, idx, scenario, esc, file_globals, requirements):
        """(from line, head, core lines, tail) of one stage; padding goes into head and tail only, so that
        it cannot change what the scenario means (nothing enters between a bust and its layer)."""
        r = self.r
        base = r.choice(IMAGES)
        name = r.choice(["builder", "build", "deps", "app", "runtime", "final", "test", "tools"]) + (str(idx) if idx else "")
        from_line = [f"FROM {base} AS {name}" if r.random() < 0.8 else f"FROM {base}"]
        bust = r.choice(BUST_NAMES)
        echo = [f'RUN echo "Cache bust: ${{{bust}}}"'] if r.random() < 0.7 else []
        creds = r.random() < 0.03
        codes = set()
        if scenario != "none":
            requirements = False
        if requirements:
            creds = False
        if creds and scenario in ("none", "correct", "too_early", "after", "global_only"):
            codes.add("CB006")
        else:
            creds = False
        layers = lambda m: [l for layer in self.remote_layers(m, esc, base, creds, requirements) for l in layer]
        if scenario == "plain":
            core = []
        elif scenario == "none":
            core = layers(True)
            codes.add("CB001?")  # CB001, or CB002 when the file declares a bust elsewhere (resolved later)
        elif scenario == "correct":
            core = [f"ARG {bust}"] + echo + layers(True)
        elif scenario == "pinned":
            core = layers(False)
        elif scenario == "needless":
            core = [f"ARG {bust}=1"] + layers(False)
            codes.add("CB007")
        elif scenario == "too_early":
            core = [f"ARG {bust}=unknown"] + echo + self.run([self.plain_cmd(base) for _ in range(r.randint(1, 3))], esc, base) + layers(True)
            codes.add("CB003")
        elif scenario == "after":
            core = layers(True) + [f"ARG {bust}"] + echo
            codes.add("CB002")
        elif scenario == "global_only":
            file_globals.append(f"ARG {bust}=unknown")
            core = layers(True)
            codes.add("CB002")
        else:
            raise ValueError(scenario)
        tail = []
        if idx and r.random() < 0.3:
            tail.append("COPY --from=builder /out /app")
        return from_line, core, tail, codes

    def dockerfile(self, target_lines, requirements_ok):
        r = self.r
        escape = r.random() < 0.01
        esc = "`" if escape else "\\"
        header = []
        if escape:
            header.append("# escape=`")
        elif r.random() < 0.4:
            header.append("# syntax=docker/dockerfile:1")
        n_stages = 1 if target_lines < 30 else r.choices([1, 2, 3, 4], [3, 4, 2, 1])[0]
        scenarios = ["none", "correct", "pinned", "needless", "too_early", "after", "global_only", "plain"]
        weights = [25, 25, 10, 5, 8, 7, 5, 15]
        file_globals = []
        stages, codes = [], set()
        used = set()
        for i in range(n_stages):
            sc = r.choices(scenarios, weights)[0]
            # One file-level bust story at a time keeps the expected codes unambiguous.
            while sc in ("global_only",) and used & {"global_only"}:
                sc = "none"
            used.add(sc)
            req = requirements_ok and i == 0 and r.random() < 0.25
            stages.append(self.stage(i, sc, esc, file_globals, req))
        # An unbusted layer is CB002 rather than CB001 when a bust exists that reaches no mutable layer
        # where it is (global only, after its layers, or busting only pinned ones): it was misplaced.
        bust_elsewhere = bool(used & {"needless", "after", "global_only"})
        for *_, c in stages:
            for code in c:
                codes.add(("CB002" if bust_elsewhere else "CB001") if code == "CB001?" else code)
        if r.random() < 0.4:
            file_globals.append(f"ARG BASE_VERSION={r.choice(['12', '3.20', '24.04'])}")
        # Padding: spread filler over stage heads and tails until the target size.
        heads = [[] for _ in stages]
        tails = [list(tail) for (_, _, tail, _) in stages]
        n = len(header) + len(file_globals) + 1 + sum(len(f) + len(c) + len(t) for f, c, t, _ in stages)
        while n < target_lines:
            i = r.randrange(len(stages))
            more = self.filler(IMAGES[0], esc)
            (heads if r.random() < 0.6 else tails)[i].extend(more)
            n += len(more)
        lines = header + file_globals
        for (from_line, core, _, _), head, tail in zip(stages, heads, tails):
            lines += from_line + head + core + tail
        lines.append(r.choice(['CMD ["/app/start.sh"]', 'ENTRYPOINT ["python", "-m", "app"]', 'CMD ["node", "server.js"]']))
        return "\n".join(lines) + "\n", codes

    def break_dockerfile(self, text):
        """Makes a Dockerfile that does not parse (or is not UTF-8)."""
        r = self.r
        lines = text.split("\n")
        k = r.randrange(5)
        # Right after the first FROM: an instruction boundary, never inside a heredoc or continuation.
        at = next(i for i, l in enumerate(lines) if l.startswith("FROM ")) + 1
        if k == 0:
            lines.insert(at, "BOGUS --flag value")
        elif k == 1:
            lines.insert(0, "RUN echo before any FROM")
        elif k == 2:
            lines += ["RUN <<EOF", "echo this heredoc never ends"]
        elif k == 3:
            return ("\n".join(lines[:at]) + "\n").encode() + b"# caf\xe9 latin-1 comment \xff\n" + ("\n".join(lines[at:])).encode()
        else:
            lines.insert(at, "RUN <<A cat > /a && <<B cat > /b\nfirst\nA\nsecond\nB")
        return "\n".join(lines).encode()

    def compose(self, dockerfiles, invalid):
        r = self.r
        if invalid:
            return "services:\n  api:\n    build: [unclosed\n      args: {CACHE_BUST: x\n"
        anchors = r.random() < 0.3
        out = []
        if anchors:
            out += ["x-common-args: &common-args", "  CACHE_BUST: ${CACHE_BUST:-unknown}", ""]
        out.append("services:")
        for i, df in enumerate(dockerfiles):
            ctx, name = os.path.split(df)
            out += [f"  svc{i}:", "    build:", f"      context: {'./' + ctx if ctx else '.'}"]
            if name != "Dockerfile":
                out.append(f"      dockerfile: {name}")
            style = r.random()
            if anchors:
                out += ["      args:", "        <<: *common-args", '        PYTHON_VERSION: "3.12"']
            elif style < 0.5:
                out += ["      args:", "        CACHE_BUST: ${CACHE_BUST:-unknown}", "        APP_ENV: production"]
            elif style < 0.8:
                out += ["      args:", "        - CACHEBUST=${CACHEBUST:-unknown}", '        - "DEBUG=0"']
            else:
                out += ["      args: { CACHE_BUST: \"${GIT_SHA:-dev}\" }"]
            if r.random() < 0.3:
                out.append(f"      target: {r.choice(['runtime', 'app', 'final'])}")
            out += ["    restart: unless-stopped", f"    ports: [\"{8000 + i}:8000\"]"]
        out += ["  db:", "    image: postgres:16", "    environment:", "      POSTGRES_PASSWORD: example"]
        return "\n".join(out) + "\n"


def target_lines(r):
    # Skewed to small files, as real repositories are: median about 57 lines, mean about 73, max 200.
    return 10 + int(190 * r.random() ** 2)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def corpus(n, out, seed):
    r = random.Random(seed)
    g = Gen(r)
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, ".gitignore"), "node_modules/\n*.bak\n/scratch/\n")
    dockerfiles, composes, ignored, expected = [], [], [], []
    sizes = []
    k = 0
    while len(dockerfiles) + len(composes) < n:
        svc = os.path.join(f"o{k // 500:02d}", f"t{(k // 50) % 10:02d}", f"svc{k:05d}")
        team = os.path.dirname(svc)
        if k % 50 == 0 and (k // 50) % 7 == 3:
            write(os.path.join(out, team, ".gitignore"), "generated/\n")
        names = ["Dockerfile"]
        for p in (0.35, 0.1):
            if r.random() < p:
                extra = r.choice(["Dockerfile.dev", "worker.Dockerfile", "docker/Dockerfile.prod", "Containerfile", "build.dockerfile"])
                if extra not in names:
                    names.append(extra)
        names = names[: max(1, n - len(dockerfiles) - len(composes))]
        want_req = False
        for name in names:
            path = os.path.join(svc, name)
            text, codes = g.dockerfile(target_lines(r), requirements_ok=(name == "Dockerfile"))
            if "COPY requirements.txt" in text:
                want_req = True
            data = text.encode()
            if r.random() < 0.02:
                data = g.break_dockerfile(text)
                codes = {"CB000"}
            write(os.path.join(out, path), data)
            dockerfiles.append(path)
            sizes.append(len(data))
            expected.append((path, codes))
        if want_req:
            o, n_ = g.repo()
            write(os.path.join(out, svc, "requirements.txt"),
                  f"requests==2.32.3\n{n_} @ git+https://github.com/{o}/{n_}.git@{r.choice(BRANCHES)}\nflask==3.0.3\n")
        if len(dockerfiles) + len(composes) < n and r.random() < 0.06:
            cname = r.choice(["compose.yaml", "compose.yaml", "docker-compose.yml"])
            write(os.path.join(out, svc, cname), g.compose([nm for nm in names], invalid=r.random() < 0.1))
            composes.append(os.path.join(svc, cname))
        # Files a linter must skip: each would be flagged (an unbusted `git clone -b main`) if linted.
        hidden = "FROM debian:bookworm-slim\nRUN git clone -b main https://github.com/acme/hidden.git /src\n"
        if k % 40 == 7:
            for p in (os.path.join(svc, "node_modules", "left-pad", "Dockerfile"), os.path.join(svc, "Dockerfile.bak")):
                write(os.path.join(out, p), hidden)
                ignored.append(p)
        if k % 50 == 10 and (k // 50) % 7 == 3:
            p = os.path.join(svc, "generated", "Dockerfile")
            write(os.path.join(out, p), hidden)
            ignored.append(p)
        k += 1
    meta = os.path.join(out, ".bench")
    rel = lambda p: os.path.join(out, p)
    write(os.path.join(meta, "dockerfiles.lst"), "".join(rel(p) + "\n" for p in dockerfiles))
    write(os.path.join(meta, "compose.lst"), "".join(rel(p) + "\n" for p in composes))
    write(os.path.join(meta, "all.lst"), "".join(rel(p) + "\n" for p in dockerfiles + composes))
    write(os.path.join(meta, "ignored.lst"), "".join(rel(p) + "\n" for p in ignored))
    write(os.path.join(meta, "expected.tsv"), "".join(f"{rel(p)}\t{' '.join(sorted(c)) or 'none'}\n" for p, c in expected))
    # The single-file run: the median-sized parseable Dockerfile that has findings.
    order = sorted(range(len(dockerfiles)), key=lambda i: (sizes[i], dockerfiles[i]))
    mid = len(order) // 2
    pick = next((order[j] for j in list(range(mid, len(order))) + list(range(mid - 1, -1, -1))
                 if expected[order[j]][1] and "CB000" not in expected[order[j]][1]), order[mid])
    write(os.path.join(meta, "typical.lst"), rel(dockerfiles[pick]) + "\n")
    total = sum(sizes)
    write(os.path.join(meta, "stats.txt"),
          f"dockerfiles {len(dockerfiles)}\ncompose {len(composes)}\nignored {len(ignored)}\n"
          f"unparseable {sum(1 for _, c in expected if 'CB000' in c)}\n"
          f"bytes {total}\nmedian_bytes {sizes[order[mid]]}\nmax_bytes {max(sizes)}\n")


def big_run(size, out, seed):
    """One Dockerfile whose single RUN is about `size` bytes: continuation lines mixing plain commands,
    comment lines, quoting, substitutions and remote fetches (mutable and pinned)."""
    r = random.Random(seed)
    g = Gen(r)
    lines = ["# syntax=docker/dockerfile:1", "FROM debian:bookworm-slim", "ARG TOOL_REF", "RUN set -eux; \\"]
    n = sum(len(l) + 1 for l in lines)
    i = 0
    while n < size:
        k = i % 10
        if k in (0, 5):
            c = g.mutable_remote()
        elif k == 3:
            c = g.pinned_remote()
        elif k == 7:
            c = f"    # step {i}: keep going"
            lines.append(c)
            n += len(c) + 1
            i += 1
            continue
        elif k == 8:
            c = f"git clone -b \"${{TOOL_REF}}\" https://github.com/acme/tool{i}.git /src/t{i}"
        else:
            c = g.plain_cmd("debian")
        line = f"    && {c} \\"
        lines.append(line)
        n += len(line) + 1
        i += 1
    lines += ["    && true", 'CMD ["bash"]']
    write(os.path.join(out, "Dockerfile"), "\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, help="number of lintable files (Dockerfiles + compose files)")
    ap.add_argument("--big-run", type=int, metavar="BYTES", help="write DIR/Dockerfile with one RUN of this size")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=9)
    a = ap.parse_args()
    if (a.files is None) == (a.big_run is None):
        ap.error("give exactly one of --files and --big-run")
    if a.files is not None:
        corpus(a.files, a.out, a.seed)
    else:
        big_run(a.big_run, a.out, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
