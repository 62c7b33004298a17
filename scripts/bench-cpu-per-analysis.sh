#!/usr/bin/env bash
# CPU time and page faults of one whole analysis, from `perf stat` of
# examples/analysis_loop.rs run 20 times minus run 0 times (the difference leaves out
# reading the file and loading the tables). Steady on a shared machine, where wall time
# swings with other work. Compares the allocator as the binary sets it with glibc's
# defaults, and, given a second loop binary built from an older checkout (copy
# examples/analysis_loop.rs into it), that one too.
#
#   scripts/bench-cpu-per-analysis.sh FILE [ROUNDS] [OLD_LOOP_BINARY]
#
# Needs `perf` (Debian: linux-perf). Builds the example first.
set -eu
file=${1:?usage: bench-cpu-per-analysis.sh FILE [ROUNDS] [OLD_LOOP_BINARY]}
rounds=${2:-3}
old=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
(cd "$root" && cargo build --release --locked --example analysis_loop >/dev/null)
new=$(cd "$root" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/analysis_loop

measure() { # prints "task-clock-ms page-faults"
  perf stat -x, -e task-clock,page-faults "$@" 2>&1 >/dev/null |
    awk -F, '/task-clock/ { t = $1 } /page-faults/ { p = $1 } END { print t, p }'
}
per_analysis() { # NAME, then the command without N
  local name=$1; shift
  read -r t0 p0 < <(measure "$@" 0)
  read -r t1 p1 < <(measure "$@" 20)
  awk -v n="$name" -v t0="$t0" -v t1="$t1" -v p0="$p0" -v p1="$p1" \
    'BEGIN { printf "%-28s CPU %6.1f ms   page faults %7d   per analysis\n", n, (t1 - t0) / 20, (p1 - p0) / 20 }'
}
for round in $(seq 1 "$rounds"); do
  echo "round $round ($(uptime | sed 's/.*load/load/'))"
  [ -n "$old" ] && per_analysis "old ($old)" "$old" "$file"
  per_analysis "as shipped" "$new" "$file"
  per_analysis "glibc defaults" env CLAIM_LSP_ALLOCATOR_DEFAULTS=1 "$new" "$file"
done
