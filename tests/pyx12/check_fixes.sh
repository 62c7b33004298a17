#!/usr/bin/env bash
# pyx12, an independent X12 validator (BSD, PyPI), on the JW-line and JZ fixes:
# for every layout (LF, no line breaks, CRLF + BOM, indented; 837P and 837I) the
# fixed file must have no more pyx12 errors than the file before the fix, and the
# JW-line results must have none. Installs pyx12 into a venv under the cargo target
# folder on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${CARGO_TARGET_DIR:-$root/target}/pyx12-venv
if [ ! -x "$venv/bin/x12valid" ]; then
  echo "pyx12: installing pyx12 4.0.0 into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'pyx12==4.0.0'
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# pyx12 reads neither a UTF-8 BOM nor indented segments (it reports every leading
# space as an error), two dialects real systems write and claim-lsp keeps byte for
# byte (the fixtures compare bytes). For pyx12 the copy loses exactly that trivia:
# the BOM and blanks at the start of lines; everything else goes as written.
without_dialect_trivia() {
  python3 -c '
import re, sys
data = open(sys.argv[1], "rb").read()
if data.startswith(b"\xef\xbb\xbf"):
    data = data[3:]
sys.stdout.buffer.write(re.sub(rb"(^|\n)[ \t]+", rb"\1", data))
' "$1"
}

# Errors pyx12 reports for a file (tools/pyx12-check/count_errors.py reads its report).
errors() {
  local file=$1 name
  name=$(basename "$file")
  without_dialect_trivia "$file" >"$scratch/$name"
  (cd "$scratch" && "$venv/bin/x12valid" -J "$name" >"$name.log" 2>&1) || true
  python3 "$root/tools/pyx12-check/count_errors.py" "$scratch/$name.json" "$scratch/$name.log" "$name"
}

failed=0 checked=0
printf '%-44s %-8s %-8s %s\n' "fixture" "before" "after" "fix"
for input in "$root"/fixtures/rules/missing-jw-jz/fires-jw-fix-*.837 "$root"/fixtures/rules/missing-jw-jz/fires-jw-fix-*.837i; do
  [ -e "$input" ] || continue
  name=$(basename "$input")
  stem=${name%.*} ext=${name##*.}
  before=$(errors "$input")
  for n in 1 2; do
    output=$root/fixtures/fixes/missing-jw-jz/$stem.$n.$ext
    [ -e "$output" ] || { echo "missing $output"; failed=$((failed + 1)); continue; }
    after=$(errors "$output")
    title=$(sed -n "${n}p" "$root/fixtures/fixes/missing-jw-jz/$name.fixes" | sed 's/^[0-9]* at [0-9:]* //; s/ (fixes.*//')
    printf '%-44s %-8s %-8s %s\n' "$name" "$before" "$after" "$title"
    checked=$((checked + 1))
    if [ "$before" -lt 0 ] || [ "$after" -lt 0 ] || [ "$after" -gt "$before" ]; then
      failed=$((failed + 1)); echo "  FAIL: pyx12 errors went from $before to $after"; tail -n 5 "$scratch/$(basename "$output").log"
    fi
    if [ "$n" = 1 ] && [ "$after" != 0 ]; then
      failed=$((failed + 1)); echo "  FAIL: the JW-line result has $after pyx12 errors"; tail -n 5 "$scratch/$(basename "$output").log"
    fi
  done
done
# The check can fail: the same JW result with SE01 one short must be an error.
mkdir -p "$scratch/control"; control=$scratch/control/control-se01.837
sed 's/^SE\*40\*/SE*39*/' "$root/fixtures/fixes/missing-jw-jz/fires-jw-fix-several-lines.1.837" >"$control"
control_errors=$(errors "$control")
if [ "$control_errors" -lt 1 ]; then
  failed=$((failed + 1)); echo "FAIL: pyx12 did not notice a wrong SE01 in the control file"
fi
echo "pyx12: $checked fixed files checked, $failed failures (control with a wrong SE01: $control_errors errors)"
[ "$checked" -gt 0 ] && [ "$failed" -eq 0 ]
