#!/usr/bin/env bash
# Runs the editor setup snippets of editors/README.md as a new user would:
# each marked Neovim snippet becomes the whole init.lua of a fresh Neovim,
# with claim-lsp on PATH, and must attach the server to a claim file; the
# Helix languages.toml must parse and name the server (Helix itself is not
# available on the build machines). Server: $CLAIM_LSP_BIN, else
# $CARGO_TARGET_DIR/release/claim-lsp, else target/release/claim-lsp.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

bin=${CLAIM_LSP_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/claim-lsp}
if [ ! -x "$bin" ]; then
  echo "FAIL: readme_test: no claim-lsp binary at $bin (build it with cargo build --release, or set CLAIM_LSP_BIN)"
  exit 1
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/snippets" "$scratch/bin" "$scratch/claims"
ln -s "$bin" "$scratch/bin/claim-lsp"
# Named as a clearinghouse might: no extension, so only the content says "claim".
cp "$here/fixtures/drug-line-mistakes.837p" "$scratch/claims/inbox-20260115-0001"
failed=0

python3 "$here/readme_snippets.py" "$root/editors/README.md" "$scratch/snippets" || failed=1
python3 "$here/readme_snippets.py" --check-helix "$scratch/snippets/helix-languages-toml" || failed=1

run_snippet() { # run_snippet NVIM SNIPPET
  local nvim=$1 snippet=$2 home=$scratch/home-$RANDOM
  mkdir -p "$home"
  # The user's checkout is this repository.
  sed "s|/path/to/claim-lsp|$root|g" "$scratch/snippets/$snippet" >"$home/init.lua"
  PATH=$scratch/bin:$PATH \
  XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data XDG_STATE_HOME=$home/state XDG_CACHE_HOME=$home/cache \
  CLAIM_LSP_CLAIM=$scratch/claims/inbox-20260115-0001 \
  CLAIM_LSP_EXPECTED=$here/fixtures/drug-line-mistakes.837p.diagnostics \
  CLAIM_LSP_RESULT=$home/result \
  CLAIM_LSP_SNIPPET="$snippet on $("$nvim" --version | head -n 1)" \
    timeout -k 5 90 "$nvim" --headless -u "$home/init.lua" -i NONE \
      -c "luafile $here/readme_snippet_driver.lua" </dev/null 2>"$home/stderr"
  if [ "$(tail -n 1 "$home/result" 2>/dev/null)" != PASS ]; then
    echo "not ok - $snippet on $nvim"
    [ -s "$home/stderr" ] && { echo "--- nvim stderr ---"; tail -n 20 "$home/stderr"; }
    failed=1
  fi
}

nvim07=$(command -v nvim || true)
nvim011=/opt/claim-lsp-nvim/bin/nvim
if [ -n "$nvim07" ]; then run_snippet "$nvim07" nvim-plugin; else echo "not ok - no nvim on PATH"; failed=1; fi
if [ -x "$nvim011" ]; then
  run_snippet "$nvim011" nvim-plugin
  run_snippet "$nvim011" nvim-0.11-config
else
  echo "not ok - no Neovim 0.11 at $nvim011 (.ci/install-editor-deps --nvim-0.11)"
  failed=1
fi

if [ $failed -eq 0 ]; then echo "PASS: readme_test"; else echo "FAIL: readme_test"; fi
exit $failed
