#!/usr/bin/env bash
# Runs every editor test: the VS Code extension from a clean install (npm ci,
# lint, compile and node tests: settings mapping, server discovery, content
# detection, grammar, server smoke test), its packaging as a .vsix, the packaged
# extension in a real VS Code (code-server driven by chromium: vscode_e2e.sh), and the
# headless Neovim tests (the plugin, and the editor features: outline, folding,
# semantic tokens, inlay hints, omnifunc completion, formatting) on Debian's Neovim and, when .ci/install-editor-deps
# --nvim-0.11 installed it, on Neovim 0.11; and the setup snippets of
# editors/README.md, run as a new user's init.lua (Helix: TOML checked only).
# Needs Node/npm and Neovim (.ci/install-editor-deps; --vscode-e2e for code-server) and a built server
# (CLAIM_LSP_BIN); without them the tests fail rather than skip.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0

run() {
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}

run "vscode: npm ci" bash -c "cd '$root/editors/vscode' && npm ci --no-audit --no-fund --loglevel=error"
run "vscode: npm run lint" bash -c "cd '$root/editors/vscode' && npm run lint --silent"
run "vscode: npm test" bash -c "cd '$root/editors/vscode' && npm test --silent"
run "vscode: package .vsix" "$root/tests/editors/vsix_test.sh"
run "vscode: end to end in code-server" "$root/tests/editors/vscode_e2e.sh"
features="$root/tests/editors/nvim_features_driver.lua"
run "nvim: $(nvim --version 2>/dev/null | head -n 1)" "$root/tests/editors/nvim_test.sh"
run "nvim features: $(nvim --version 2>/dev/null | head -n 1)" env CLAIM_LSP_DRIVER="$features" "$root/tests/editors/nvim_test.sh"
if [ -x /opt/claim-lsp-nvim/bin/nvim ]; then
  run "nvim: $(/opt/claim-lsp-nvim/bin/nvim --version | head -n 1)" env NVIM=/opt/claim-lsp-nvim/bin/nvim "$root/tests/editors/nvim_test.sh"
  run "nvim features: $(/opt/claim-lsp-nvim/bin/nvim --version | head -n 1)" env NVIM=/opt/claim-lsp-nvim/bin/nvim CLAIM_LSP_DRIVER="$features" "$root/tests/editors/nvim_test.sh"
elif [ "${CI:-}" = true ]; then
  # CI installs it (scripts/test-all.sh); without it the 0.11 code path goes untested.
  run "nvim 0.11" bash -c 'echo "no Neovim 0.11 at /opt/claim-lsp-nvim/bin/nvim; run .ci/install-editor-deps --nvim-0.11"; false'
fi
run "editors/README.md snippets" "$root/tests/editors/readme_test.sh"

echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
