#!/usr/bin/env bash
# Packages the VS Code extension as a user would install it (a .vsix, with
# @vscode/vsce, never published) and checks what is inside: the bundled
# client, the grammar, the manifest and the schema, and nothing from the
# sources, tests or node_modules. With CLAIM_LSP_BIN it also packages a
# linux-x64 .vsix with that server bundled at server/claim-lsp, executable.
# Run after `npm ci` in editors/vscode.
set -u
here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/../../editors/vscode" && pwd)
if [ -e "$ext/server" ]; then
  # It would end up in the universal .vsix, and this test replaces it.
  echo "FAIL: vsix_test: editors/vscode/server/ exists (left by bundle-server.js); remove it first"
  exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$ext/server"' EXIT
failed=0

fail() { echo "not ok - $1"; failed=1; }
pass() { echo "ok - $1"; }

package() { # package OUTPUT [vsce args...]
  local out=$1; shift
  (cd "$ext" && npx --no-install vsce package --no-dependencies --allow-missing-repository --skip-license -o "$out" "$@") \
    >"$scratch/vsce.log" 2>&1 || { cat "$scratch/vsce.log"; return 1; }
}

# The listing as `unzip -l` prints it, one path per line.
listing() { unzip -l "$1" | awk 'NR > 3 && $4 != "" { print $4 }'; }

expect_in() { # expect_in LISTING PATH
  if grep -qxF "$2" "$1"; then pass "$(basename "$1" .list) contains $2"; else fail "$(basename "$1" .list) lacks $2"; fi
}

vsix=$scratch/claim-lsp.vsix
if package "$vsix"; then
  pass "vsce packages claim-lsp.vsix ($(du -k "$vsix" | cut -f1) KiB)"
  listing "$vsix" >"$scratch/claim-lsp.vsix.list"
  for path in extension/package.json extension/out/extension.js extension/syntaxes/x12-837.tmLanguage.json \
    extension/language-configuration.json extension/schemas/claim-lsp.schema.json extension/readme.md; do
    expect_in "$scratch/claim-lsp.vsix.list" "$path"
  done
  stray=$(grep -E '^extension/(src|test|scripts|node_modules)/|\.ts$|\.map$' "$scratch/claim-lsp.vsix.list")
  if [ -z "$stray" ]; then pass "no sources, tests or node_modules in the .vsix"; else fail "the .vsix carries sources: $stray"; fi
  # The packaged grammar and manifest must be the ones in the repository.
  if unzip -p "$vsix" extension/syntaxes/x12-837.tmLanguage.json | cmp -s - "$ext/syntaxes/x12-837.tmLanguage.json"; then
    pass "the packaged grammar is the repository's"
  else
    fail "the packaged grammar differs from syntaxes/x12-837.tmLanguage.json"
  fi
else
  fail "vsce package"
fi

if [ -n "${CLAIM_LSP_BIN:-}" ]; then
  bundled=$scratch/claim-lsp-linux-x64.vsix
  if (cd "$ext" && node scripts/bundle-server.js "$CLAIM_LSP_BIN" >/dev/null) && package "$bundled" --target linux-x64; then
    pass "vsce packages a linux-x64 .vsix with the server bundled"
    listing "$bundled" >"$scratch/claim-lsp-linux-x64.vsix.list"
    expect_in "$scratch/claim-lsp-linux-x64.vsix.list" extension/server/claim-lsp
    mode=$(unzip -Z "$bundled" extension/server/claim-lsp | awk '{ print $1 }')
    case $mode in -rwx*) pass "the bundled server is executable ($mode)" ;; *) fail "the bundled server's mode is $mode" ;; esac
  else
    fail "packaging with the server bundled"
  fi
fi

if [ $failed -eq 0 ]; then echo "PASS: vsix_test"; else echo "FAIL: vsix_test"; fi
exit $failed
