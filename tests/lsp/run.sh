#!/usr/bin/env bash
# Third-party clients against `cachebust server`: pytest-lsp (PyPI) and Neovim headless (Debian's
# `neovim`). Builds the debug binary, makes a venv in target/lsp-venv, and runs both.
# Usage: bash tests/lsp/run.sh   (from the repository root or anywhere)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --locked --quiet
export CACHEBUST="$root/target/debug/cachebust"

venv="$root/target/lsp-venv"
if [ ! -x "$venv/bin/pytest" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'pytest-lsp>=1,<2'
fi
"$venv/bin/pytest" -q -p no:cacheprovider tests/lsp/test_server.py

if ! command -v nvim >/dev/null; then
  apt-get install -y -qq neovim >/dev/null || { apt-get update -qq && apt-get install -y -qq neovim >/dev/null; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'FROM alpine:3.20\nRUN git clone -b main https://github.com/acme/toolkit.git /src\n' > "$work/Dockerfile"
timeout 60 nvim --headless --clean -c "luafile tests/lsp/nvim_diagnostic.lua" "$work/Dockerfile"
