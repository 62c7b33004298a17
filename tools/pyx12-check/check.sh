#!/usr/bin/env bash
# Validate gen837 output with pyx12 (independent X12 implementation-guide validator)
# and with check_semantics.py (drug-line rules pyx12 does not know).
# For humans, not CI. Usage: tools/pyx12-check/check.sh [CLAIMS] [extra gen837 args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
claims="${1:-200}"; shift || true
venv=/tmp/pyx12-venv
work="$(mktemp -d /tmp/pyx12-check.XXXXXX)"

[ -x "$venv/bin/x12valid" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q pyx12==4.0.0; }

(cd "$repo" && CARGO_TARGET_DIR=/work/target flock /tmp/cargo.lock \
    cargo run --release --example gen837 -- --claims "$claims" "$@" -o "$work/gen.837")

# x12valid's exit status is not usable (its console script exits 1 on success):
# read the "FILE: OK" / "FILE: Failure" line, the errors in the JSON report and AK9 of the 999.
(cd "$work" && "$venv/bin/x12valid" -J gen.837 2>&1 | tee x12valid.log) || true
tr '~' '\n' < "$work/gen.837.997" | grep -E '^(AK9|IK5)' | sort | uniq -c
grep -q 'gen.837: OK' "$work/x12valid.log"
errors=$(python3 "$here/count_errors.py" "$work/gen.837.json")
echo "pyx12 errors: $errors"
[ "$errors" = 0 ]
python3 "$here/check_semantics.py" "$work/gen.837"
ls -l "$work/gen.837"
