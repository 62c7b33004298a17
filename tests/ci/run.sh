#!/usr/bin/env bash
# The README's "In CI" examples (docs/ci/*.yml), their commands run as written against a
# folder of claims with the binary CI just built, and the SARIF claim-lsp writes for
# every fixture and corpus file validated against the published SARIF 2.1.0 schema
# (tests/sarif/). Installs jsonschema and PyYAML (PyPI) into a venv under the cargo
# target folder on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
case $target_dir in /*) ;; *) target_dir=$root/$target_dir ;; esac
bin=${CLAIM_LSP_BIN:-$target_dir/release/claim-lsp}
venv=$target_dir/ci-examples-venv
if ! "$venv/bin/python" -c 'import jsonschema, yaml' 2>/dev/null; then
  echo "ci examples: installing jsonschema and PyYAML into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'jsonschema==4.26.0' 'pyyaml==6.0.3'
fi
exec "$venv/bin/python" "$root/tests/ci/examples.py" "$bin"
