#!/usr/bin/env python3
"""Agreement of claim-lsp's implementation-guide rules (ig-*) with pyx12 4.0.0.

Writes mutated copies of two clean claims (837P and 837I: segments deleted, element
values made too long, of the wrong type, an unknown code, or emptied), runs pyx12's
x12valid and `claim-lsp check --format json` over them and over fixtures/corpus/, and
matches every pyx12 error to a claim-lsp finding on the same line (every file here has
one segment per line, or pyx12 counts lines as claim-lsp does). Writes the table to
docs/ig-vs-pyx12.md (with --write) and fails when a pyx12 error on a mutated file has no
claim-lsp finding on its segment.

Usage: ig_agreement.py CLAIM_LSP X12VALID [--write]
Standard library only; values from the files never reach the output (only rule ids,
pyx12's error kinds and file names).
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASES = {
    "p": os.path.join(ROOT, "fixtures/rules/unexpected-segment/silent.837"),
    "i": os.path.join(ROOT, "fixtures/rules/unexpected-segment/silent.837i"),
}
ENVELOPE = {"ISA", "IEA", "GS", "GE", "ST", "SE"}


def segments_of(text):
    return [s for s in text.split("~\n") if s.strip()]


def join(segments):
    # Keeps SE01 right, so a deletion is one mistake, not two.
    st = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    parts = segments[se].split("*")
    parts[1] = str(se - st + 1)
    segments = segments[:se] + ["*".join(parts)] + segments[se + 1:]
    return "~\n".join(segments) + "~\n"


def mutations(text):
    """(name, mutated text) pairs: every deletion, and one change per element, the kind
    taking turns (pyx12 at 0.2 MB/s keeps the CI run to a couple of minutes)."""
    segments = segments_of(text)
    turn = 0
    for index, segment in enumerate(segments):
        seg_id = segment.split("*")[0]
        if seg_id in ENVELOPE:
            continue
        yield "delete-%02d-%s" % (index + 1, seg_id), join(segments[:index] + segments[index + 1:])
        elements = segment.split("*")
        for position in range(1, len(elements)):
            value = elements[position]
            if not value:
                continue
            changes = (
                ("empty", ""),
                ("long", value + "X" * 60),
                ("type", "A.B!" if not value.isdigit() else value + "Q"),
                ("code", "Z9"),
            )
            turn += 1
            for kind, new in changes[turn % len(changes):][:1]:
                changed = elements[:position] + [new] + elements[position + 1:]
                while changed and changed[-1] == "":
                    changed.pop()
                yield (
                    "%s-%02d-%s%02d" % (kind, index + 1, seg_id, position),
                    join(segments[:index] + ["*".join(changed)] + segments[index + 1:]),
                )


def pyx12_errors(x12valid, folder, names, guides_only=False):
    """{name: [(line, error kind)]}; pyx12 errors carry the segment's line. With
    `guides_only`, only errors inside 837P (X222) and 837I (X223) transactions."""
    out = {}
    for start in range(0, len(names), 50):
        batch = names[start:start + 50]
        subprocess.run([x12valid, "-J"] + batch, cwd=folder, capture_output=True, check=False)
    for name in names:
        # x12valid writes NAME.json, or STEM.json for a .txt file.
        path = os.path.join(folder, name + ".json")
        if not os.path.exists(path):
            path = os.path.join(folder, os.path.splitext(name)[0] + ".json")
        errors = []
        try:
            with open(path) as f:
                report = json.load(f)
        except (OSError, ValueError):
            out[name] = None
            continue
        for interchange in report.get("interchanges", []):
            for group in interchange.get("groups", []):
                for transaction in group.get("transactions", []):
                    version = transaction.get("vriic") or group.get("vriic") or ""
                    if guides_only and "X222" not in version and "X223" not in version:
                        continue
                    for error in transaction.get("errors", []):
                        errors.append((transaction.get("cur_line"), kind_of(error.get("err_str", ""))))
                    for segment in transaction.get("segments", []):
                        for error in segment.get("errors", []):
                            errors.append((segment.get("cur_line"), kind_of(error.get("err_str", ""))))
                        for element in segment.get("elements", []):
                            for error in element.get("errors", []):
                                errors.append((segment.get("cur_line"), kind_of(error.get("err_str", ""))))
        out[name] = errors
    return out


KINDS = [
    (r"^Mandatory segment", "mandatory segment missing"),
    (r"^Mandatory loop", "mandatory loop missing"),
    (r"exceeded max count", "segment/loop exceeded max count"),
    (r"not found", "segment not found (order / qualifier)"),
    (r"^Mandatory (data element|composite)", "mandatory element missing"),
    (r"Not Used|Too many (elements|sub-elements)", "element not used / too many"),
    (r"too (short|long)", "element length"),
    (r"invalid (date|time|character)|trailing spaces|invalid composite|regular expression", "element type"),
    (r"not a valid code", "invalid code"),
    (r"^Syntax Error", "syntax note"),
    (r"SE count|control number|Segment count|GE count|IEA count", "envelope / SE count"),
    (r"trailing element terminators", "trailing element separators"),
    (r"leading space", "segment with a leading space"),
    (r"HL count|HL parent|Your .* count|LX", "HL/LX numbering"),
]

# Why a pyx12 error has no claim-lsp finding on its segment, or a claim-lsp ig-* finding
# no pyx12 error: written into docs/ig-vs-pyx12.md.
EXPLANATIONS = """## Differences, explained

| where | pyx12 | claim-lsp | why |
| --- | --- | --- | --- |
| trailing element separators (`HI*ABK:R52*~`) | error | not reported | Deliberately not checked by the ig-* rules: it is how a segment is written, not what the guide asks of it; claim-lsp keeps the bytes as written and translators commonly accept it. |
| a segment with a leading space | error | not reported | pyx12 reads line-leading blanks as part of the segment id; claim-lsp treats them as layout (indented files are a dialect it reads byte for byte), so there is nothing wrong with the segment. |
| `imsweb-x12-parser/x12_bad_segment_identifier.txt`: segments whose id is damaged (a `PER` written without its id, `Nd4` for `N4`, `NM31` for `NM1`) | the segment the damaged one stands for reported missing at the next segment (`mandatory segment missing`), or its loop (`mandatory loop missing`), each with a further general error | the damaged id (`unexpected-segment`) | One mistake, one finding: the segment with the damaged id is the one pyx12 reports missing. After a segment id the guides do not know, claim-lsp reports no missing or misplaced segment until the next loop opens, since what follows may be in place once the id is mended. |
| `imsweb-x12-parser/x12_complex.txt`: two consecutive 2330C loops (`NM1*DN*1~` twice), neither with its required REF | reports the second only | reports both (`ig-missing-segment`) | pyx12 is wrong: it does not check the first 2330C's required segments when the loop repeats at once; the guide requires the REF in each. |
| accented letters (`MUÑOZ`) in AN elements | invalid character | not reported | Deliberate: the X12 extended character set has no accented letters, but whether a payer takes them is a trading-partner matter and real files carry them; ID elements keep the strict set. |
| DTP03/DMG02 dates, claim amounts and quantities of the wrong type | ig error | `invalid-date`, `invalid-number` | One mistake, one finding: those rules already judge these elements (same segment, so counted as matched). |
| SE01/SE02 | SE count error | `segment-count`, `envelope-mismatch` | One mistake, one finding. |
| ISA, GS, GE, IEA elements | checked | `isa-malformed`, `envelope-*` only | Not checked by the ig-* rules: the envelope rules judge them. |
| a cascade after one misplaced segment | "Segment … not found" on every following segment until a loop it can place | `ig-segment-order` on each of those segments | Same behaviour, on purpose: the 999 rejects each of them too. |
"""


def kind_of(err_str):
    for pattern, kind in KINDS:
        if re.search(pattern, err_str):
            return kind
    return "other"


def claim_lsp_findings(binary, folder):
    result = subprocess.run([binary, "check", "--format", "json", folder], capture_output=True, text=True, check=False)
    findings = collections.defaultdict(list)
    for item in json.loads(result.stdout or "[]"):
        findings[os.path.basename(item["path"])].append((item["line"], item["rule"]))
    return findings


def normalized(data):
    """What pyx12 can read: no UTF-8 BOM, no indentation (as tests/pyx12/check_fixes.sh)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return re.sub(rb"(^|\n)[ \t]+", rb"\1", data)


def segment_ordinals(data, findings):
    """claim-lsp's (line, rule) findings as (segment number in the file, rule), the way
    pyx12 numbers its `cur_line` (one per segment, whatever the line breaks)."""
    if not data.startswith(b"ISA") or len(data) < 106:
        return []
    terminator = data[105:106]
    text = data.decode("latin-1")
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for line, column, rule in findings:
        if line - 1 >= len(line_starts):
            continue
        offset = line_starts[line - 1] + column - 1
        out.append((data[:offset].count(terminator) + 1, rule))
    return out


def corpus(binary, x12valid):
    """pyx12 errors and claim-lsp findings on the public corpus, by segment number, for
    the 5010 837P/837I transactions only (claim-lsp judges no other guide)."""
    manifest = os.path.join(ROOT, "fixtures/corpus/MANIFEST.tsv")
    with open(manifest) as f:
        files = [line.split("\t")[0] for line in f.read().splitlines()[1:] if line.strip()]
    scratch = tempfile.mkdtemp(prefix="ig-corpus-")
    names, data_of = [], {}
    for relative in files:
        with open(os.path.join(ROOT, "fixtures/corpus", relative), "rb") as f:
            data = normalized(f.read())
        name = relative.replace("/", "__")
        with open(os.path.join(scratch, name), "wb") as f:
            f.write(data)
        names.append(name)
        data_of[name] = data
    pyx12 = pyx12_errors(x12valid, scratch, names, guides_only=True)
    result = subprocess.run([binary, "check", "--format", "json", scratch], capture_output=True, text=True, check=False)
    raw = collections.defaultdict(list)
    for item in json.loads(result.stdout or "[]"):
        raw[os.path.basename(item["path"])].append((item["line"], item["column"], item["rule"]))
    lsp = {name: segment_ordinals(data_of[name], raw.get(name, [])) for name in names}
    return pyx12, lsp


def compare(pyx12, lsp):
    """Per pyx12 error kind: matched / unmatched counts, with the unmatched examples; and
    the ig-* findings with no pyx12 error on their line."""
    matched = collections.Counter()
    unmatched = collections.defaultdict(list)
    extra = collections.defaultdict(list)
    for name, errors in pyx12.items():
        if errors is None:
            continue
        lines = {line for line, _ in lsp.get(name, [])}
        for line, kind in errors:
            if line in lines:
                matched[kind] += 1
            else:
                unmatched[kind].append("%s:%s" % (name, line))
        error_lines = {line for line, _ in errors}
        for line, rule in lsp.get(name, []):
            if rule.startswith("ig-") and line not in error_lines:
                extra[rule].append("%s:%s" % (name, line))
    return matched, unmatched, extra


def main(args):
    if len(args) < 2 or args[0].startswith("-") or args[1].startswith("-"):
        print("usage: ig_agreement.py CLAIM_LSP X12VALID [--write] [--min-share PERCENT]", file=sys.stderr)
        return 2
    binary, x12valid = args[0], args[1]
    write = "--write" in args
    # The share of pyx12 errors on mutated files that must be matched (100 by default).
    floor = float(args[args.index("--min-share") + 1]) if "--min-share" in args else 100.0
    scratch = tempfile.mkdtemp(prefix="ig-agreement-")
    names = []
    for tag, base in BASES.items():
        with open(base) as f:
            text = f.read()
        for name, mutated in mutations(text):
            file_name = "%s-%s.%s" % (tag, name, "837" if tag == "p" else "837i")
            with open(os.path.join(scratch, file_name), "w") as f:
                f.write(mutated)
            names.append(file_name)
    mutated_pyx12 = pyx12_errors(x12valid, scratch, names)
    mutated_lsp = claim_lsp_findings(binary, scratch)
    matched, unmatched, extra = compare(mutated_pyx12, mutated_lsp)
    total = sum(matched.values()) + sum(len(v) for v in unmatched.values())
    files_with_errors = sum(1 for e in mutated_pyx12.values() if e)
    lines = [
        "# claim-lsp ig-* rules against pyx12 4.0.0",
        "",
        "Written by `tests/pyx12/ig_agreement.py --write` (CI runs it without `--write` and",
        "fails on any pyx12 error on a mutated file that claim-lsp does not report on the same",
        "segment). Mutated files: %d copies of `fixtures/rules/unexpected-segment/silent.837`"
        % len(names),
        "and `silent.837i` (each non-envelope segment deleted; each element emptied, made 60",
        "characters longer, given a value of the wrong type, given the code `Z9`); %d of them"
        % files_with_errors,
        "draw pyx12 errors.",
        "",
        "## pyx12 errors on mutated files",
        "",
        "| pyx12 error | matched by a claim-lsp finding on the same segment | not matched |",
        "| --- | --- | --- |",
    ]
    for kind in sorted(set(matched) | set(unmatched)):
        lines.append("| %s | %d | %d |" % (kind, matched[kind], len(unmatched[kind])))
    share = 100.0 * sum(matched.values()) / total if total else 100.0
    lines += ["", "Agreement: %d of %d pyx12 errors (%.1f %%)." % (sum(matched.values()), total, share), ""]
    if any(unmatched.values()):
        lines += ["### Not matched (file:line)", ""]
        for kind, places in sorted(unmatched.items()):
            if not places:
                continue
            lines.append("- %s: %s%s" % (kind, ", ".join(places[:10]), " …" if len(places) > 10 else ""))
        lines.append("")
    lines += ["## claim-lsp ig-* findings pyx12 does not report (mutated files)", ""]
    if extra:
        lines += ["| rule | count | examples |", "| --- | --- | --- |"]
        for rule, places in sorted(extra.items()):
            lines.append("| %s | %d | %s |" % (rule, len(places), ", ".join(places[:5])))
    else:
        lines.append("None.")
    lines.append("")
    corpus_pyx12, corpus_lsp = corpus(binary, x12valid)
    c_matched, c_unmatched, c_extra = compare(corpus_pyx12, corpus_lsp)
    c_total = sum(c_matched.values()) + sum(len(v) for v in c_unmatched.values())
    c_share = 100.0 * sum(c_matched.values()) / c_total if c_total else 100.0
    lines += [
        "## pyx12 errors on fixtures/corpus/",
        "",
        "Each file as pyx12 can read it (UTF-8 BOM and indentation removed); errors inside",
        "5010 837P/837I transactions only (claim-lsp does not judge 4010 or 837D bodies).",
        "Matched: a claim-lsp finding (any rule) on the same segment.",
        "",
        "| pyx12 error | matched | not matched |",
        "| --- | --- | --- |",
    ]
    for kind in sorted(set(c_matched) | set(c_unmatched)):
        lines.append("| %s | %d | %d |" % (kind, c_matched[kind], len(c_unmatched[kind])))
    lines += ["", "Agreement: %d of %d (%.1f %%)." % (sum(c_matched.values()), c_total, c_share), ""]
    if any(c_unmatched.values()):
        lines += ["### Not matched on the corpus (file:segment)", ""]
        for kind, places in sorted(c_unmatched.items()):
            if not places:
                continue
            lines.append("- %s (%d): %s%s" % (kind, len(places), ", ".join(places[:8]), " …" if len(places) > 8 else ""))
        lines.append("")
    lines += ["### claim-lsp ig-* findings on the corpus that pyx12 does not report", ""]
    if c_extra:
        lines += ["| rule | count | examples |", "| --- | --- | --- |"]
        for rule, places in sorted(c_extra.items()):
            lines.append("| %s | %d | %s |" % (rule, len(places), ", ".join(places[:4])))
    else:
        lines.append("None.")
    lines.append("")
    print("ig-agreement: corpus: %d pyx12 errors, %d matched (%.1f %%)" % (c_total, sum(c_matched.values()), c_share))
    lines.append(EXPLANATIONS)
    report = "\n".join(lines)
    if write:
        with open(os.path.join(ROOT, "docs/ig-vs-pyx12.md"), "w") as f:
            f.write(report)
    print("ig-agreement: %d mutated files, %d pyx12 errors, %d matched (%.1f %%)" % (len(names), total, sum(matched.values()), share))
    for kind, places in sorted(unmatched.items()):
        if not places:
            continue
        print("  not matched: %s: %d (%s)" % (kind, len(places), ", ".join(places[:3])))
    # Every pyx12 error on a mutated file is matched; the corpus at least 95 %.
    return 0 if share >= floor and c_share >= 95.0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
