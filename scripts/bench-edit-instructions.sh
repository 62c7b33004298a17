#!/usr/bin/env bash
# Instructions a one-character edit costs the real server, whole process and all its
# threads, counted by callgrind: each binary runs scripts/bench-edit-latency.py once with
# 1 edit and once with 1 + EDITS edits, and the difference is divided by EDITS. A count,
# not a time, so it does not move with the load of a shared machine (the wall-clock
# figures of the same script do).
#
#   scripts/bench-edit-instructions.sh FILE EDITS BIN [BIN ...]
#
# FILE: e.g. `python3 tools/gen837.py --claims 10000 -o FILE`. Needs valgrind. Prints no
# claim data: counts only.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 FILE EDITS BIN [BIN ...]" >&2
    exit 2
fi
file=$1 edits=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/wrap.sh" <<'WRAP'
#!/usr/bin/env bash
exec valgrind --tool=callgrind --callgrind-out-file="$CALLGRIND_OUT" "$REAL_BINARY" "$@"
WRAP
chmod +x "$work/wrap.sh"
count() { # binary, edits -> instructions of the whole run
    CALLGRIND_OUT="$work/out.$2" REAL_BINARY="$1" \
        python3 "$here/bench-edit-latency.py" "$work/wrap.sh" "$file" "$2" > /dev/null 2>&1
    awk '/^(summary|totals):/ { print $2; exit }' "$work/out.$2"
    rm -f "$work/out.$2"
}
for binary in "$@"; do
    one=$(count "$binary" 1)
    many=$(count "$binary" $((edits + 1)))
    echo "$binary: $(( (many - one) / edits )) instructions an edit ($edits edits; open and 1 edit: $one)"
done
