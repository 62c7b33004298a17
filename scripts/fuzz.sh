#!/usr/bin/env bash
# Runs every fuzz target under fuzz/ for MINUTES minutes each (fractions allowed:
# `scripts/fuzz.sh 0.5` is CI's 30 seconds a target). Needs a nightly toolchain;
# installs cargo-fuzz from crates.io when it is missing. Seeds: fixtures/corpus,
# fixtures/claims, fixtures/charges and every input that ever failed
# (fuzz/regressions/TARGET). A new
# failure is copied to fuzz/regressions/TARGET/ (commit it) and the script fails.
#
#   scripts/fuzz.sh [MINUTES] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-1}
shift || true
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "== fuzz: SKIPPED — no nightly toolchain on this machine (rustup toolchain install nightly)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "== fuzz: installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# `unsafe` is forbidden in claim-lsp, so the sanitizer would only slow the search: what
# we look for is panics (overflow included, via debug assertions), hangs and memory
# blow-ups.
build=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${build[@]}"

failed=0
for target in "${targets[@]}"; do
    work=fuzz/corpus/$target
    regressions=fuzz/regressions/$target
    mkdir -p "$work" "$regressions" "fuzz/artifacts/$target"
    echo "== fuzz: $target for ${seconds}s"
    started=$(date +%s)
    if cargo +nightly fuzz run "${build[@]}" "$target" "$work" fixtures/corpus fixtures/claims fixtures/charges "$regressions" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=32768 -print_final_stats=1 \
        >"fuzz/artifacts/$target/last-run.log" 2>&1; then
        echo "   $target: no finding in $(( $(date +%s) - started ))s ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "fuzz/artifacts/$target/last-run.log" | grep -o '[0-9]*$' || echo '?') runs)"
    else
        failed=1
        echo "   $target: FAILED — see fuzz/artifacts/$target/last-run.log"
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "fuzz/artifacts/$target/last-run.log" | head -5 || true
        for crash in fuzz/artifacts/"$target"/crash-* fuzz/artifacts/"$target"/timeout-* fuzz/artifacts/"$target"/oom-*; do
            [ -e "$crash" ] && cp "$crash" "$regressions/" && echo "   kept $(basename "$crash") in $regressions (commit it)"
        done
    fi
done
exit $failed
