#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting and clippy (-D warnings); Rust unit, fixture, fix, protocol, corpus and
# CLI tests; 30 seconds of each fuzz target (scripts/fuzz.sh); pyx12 (an independent validator, from PyPI) on the fixed JW-line files
# and against the ig-* rules (tests/pyx12/ig_agreement.py);
# the README's CI examples, with SARIF validated against its schema (jsonschema, PyPI);
# then the editor clients (VS Code extension tests, the extension end to end in a real
# VS Code — code-server driven by chromium —, headless Neovim) against the
# release binary. Installs what the editor tests need first (Neovim from Debian, a
# newer Neovim from PyPI; Node only if missing; chromium, and code-server into ~/.cache).
set -euo pipefail
cd "$(dirname "$0")/.."

# A fresh clone gains nothing from incremental compilation, and its caches double the
# debug target's size; a linker that runs out of disk dies of SIGBUS mid-link, so say
# up front how much room there is.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
free_kb=$(df -Pk . | awk 'NR == 2 { print $4 }')
echo "== disk: $((free_kb / 1024 / 1024)) GB free here (a fresh clone's builds take about 4.5 GB)"
if [ "${free_kb:-0}" -lt $((8 * 1024 * 1024)) ]; then
  echo "warning: under 8 GB free: builds may fail with 'No space left on device' or a linker's bus error" >&2
fi

echo "== installing editor test dependencies"
bash .ci/install-editor-deps --nvim-0.11 --vscode-e2e

echo "== cargo fmt --check"
cargo fmt --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --all-targets --locked -- -D warnings

echo "== cargo build --release"
cargo build --release --locked

echo "== cargo test"
cargo test --locked

echo "== incremental diagnostics equal a full analysis (property test, release mode)"
INCREMENTAL_CASES=${INCREMENTAL_CASES:-512} cargo test --release --locked --test incremental

echo "== charge-file incremental diagnostics equal a full analysis (property test, release mode)"
INCREMENTAL_CASES=${INCREMENTAL_CASES:-512} cargo test --release --locked --test charge_incremental

echo "== fuzz: each target for 30 s (skipped, with a notice, where nightly is missing)"
bash scripts/fuzz.sh 0.5

echo "== pyx12 on the JW-line and JZ fixes"
bash tests/pyx12/check_fixes.sh

echo "== pyx12 against the ig-* rules (corpus and mutated claims)"
venv=${CARGO_TARGET_DIR:-target}/pyx12-venv
case $venv in /*) ;; *) venv=$PWD/$venv ;; esac
bin=${CARGO_TARGET_DIR:-target}/release/claim-lsp
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
python3 tests/pyx12/ig_agreement.py "$bin" "$venv/bin/x12valid"

# An absolute path: the editor tests run from their own folders.
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$PWD/$target_dir ;; esac

echo "== CI examples (README 'In CI') and SARIF schema validation"
CLAIM_LSP_BIN="$target_dir/release/claim-lsp" bash tests/ci/run.sh

echo "== editor tests"
CLAIM_LSP_BIN="$target_dir/release/claim-lsp" bash tests/editors/run.sh
