#!/usr/bin/env bash
# Headless Neovim test of editors/nvim against the real claim-lsp server.
# Driver: $CLAIM_LSP_DRIVER, else nvim_driver.lua (the plugin and diagnostics).
# Server: $CLAIM_LSP_BIN, else $CARGO_TARGET_DIR/release/claim-lsp, else
# target/release/claim-lsp in the repository. Neovim: $NVIM, else nvim.
# A missing server or Neovim is a failure, not a skip: CI builds the server
# first, and a test that passes without running proves nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

bin=${CLAIM_LSP_BIN:-}
if [ -z "$bin" ]; then
  if [ -n "${CARGO_TARGET_DIR:-}" ] && [ -x "$CARGO_TARGET_DIR/release/claim-lsp" ]; then
    bin=$CARGO_TARGET_DIR/release/claim-lsp
  else
    bin=$root/target/release/claim-lsp
  fi
fi
if [ ! -x "$bin" ]; then
  echo "FAIL: nvim_test: no claim-lsp binary at $bin (build it with cargo build --release, or set CLAIM_LSP_BIN)"
  exit 1
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

nvim=${NVIM:-nvim}
if ! command -v "$nvim" >/dev/null 2>&1; then
  echo "FAIL: nvim_test: Neovim not found ($nvim); run .ci/install-editor-deps"
  exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/xdg"

# --clean keeps user config out; XDG dirs keep logs and state in the scratch dir.
CLAIM_LSP_BIN=$bin \
CLAIM_LSP_FIXTURES=$here/fixtures \
CLAIM_LSP_REPO_FIXTURES=$root/fixtures \
CLAIM_LSP_RESULT=$scratch/result \
CLAIM_LSP_SCRATCH=$scratch \
XDG_STATE_HOME=$scratch/xdg XDG_CACHE_HOME=$scratch/xdg XDG_DATA_HOME=$scratch/xdg \
  timeout -k 5 120 "$nvim" --headless --clean \
    --cmd "set runtimepath^=$root/editors/nvim" \
    -c "luafile ${CLAIM_LSP_DRIVER:-$here/nvim_driver.lua}" </dev/null 2>"$scratch/stderr"
status=$?

version=$("$nvim" --version | head -n 1)
if [ "$(tail -n 1 "$scratch/result" 2>/dev/null)" = PASS ] && [ $status -eq 0 ]; then
  echo "PASS: nvim_test ($version, server $bin)"
  exit 0
fi
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
  echo "nvim_test: Neovim did not finish within 120 s"
fi
if [ -s "$scratch/stderr" ]; then
  echo "--- nvim stderr ---"; tail -n 40 "$scratch/stderr"; echo
fi
for log in "$scratch"/xdg/nvim/lsp.log "$scratch"/xdg/lsp.log; do
  [ -s "$log" ] && { echo "--- $log (tail) ---"; tail -n 40 "$log"; }
done
echo "FAIL: nvim_test ($version, server $bin, exit $status)"
exit 1
