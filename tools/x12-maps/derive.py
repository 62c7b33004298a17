#!/usr/bin/env python3
"""Derive compact TSV tables for claim-lsp from pyx12's implementation-guide maps.

pyx12 (https://github.com/azoner/pyx12) is BSD-licensed, Copyright (c) John Holland;
its notice travels with the output as data/x12/LICENSE-pyx12.txt.

Usage: python3 tools/x12-maps/derive.py [MAPS_DIR] [OUT_DIR]
Defaults: /work/shared/data/x12-maps and data/x12 (relative to the repository root).
Standard library only, so the tables can be regenerated anywhere; the Rust crate
embeds the output and never needs Python.
"""

import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAPS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/x12-maps"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "data", "x12")

GUIDES = [
    ("837P", "837.5010.X222.A1.xml"),
    ("837I", "837Q3.I.5010.X223.A1.xml"),
]
CONTROL = "x12.control.00501.xml"
DATA_ELEMENTS = "dataele.xml"
CODE_SETS = "codes.xml"
# External code sets the 837 maps refer to (`<valid_codes external="pos"/>`); the others
# in codes.xml serve other transactions.
USED_CODE_SETS = ("states", "country", "currency", "pos", "remark_code")
# Envelope segments live in the control tables; the guide tables keep ST/SE,
# which belong to the transaction set.
ENVELOPE_LOOPS = {"ISA_LOOP", "GS_LOOP"}


def text(node, tag):
    value = node.findtext(tag)
    return " ".join(value.split()) if value else ""


def clean(value):
    if "\t" in value or "\n" in value:
        raise ValueError("field with tab or newline: %r" % value)
    return value


def codes_of(node):
    """Valid codes as listed in the map; external code sets are named, not expanded."""
    valid = node.find("valid_codes")
    if valid is None:
        return ""
    external = valid.get("external")
    if external:
        return "@" + external
    codes = [c.text.strip() for c in valid.findall("code") if c.text]
    for code in codes:
        if "," in code:
            raise ValueError("code with comma: %r" % code)
    return ",".join(codes)


def identifying(segment):
    """The element whose value tells one use of a segment from another (HL03, else xx01)."""
    seg_id = segment.get("xid")
    wanted = "HL03" if seg_id == "HL" else seg_id + "01"
    for child in segment:
        if child.tag == "element" and child.get("xid") == wanted:
            codes = codes_of(child)
            if codes and not codes.startswith("@"):
                return wanted, codes
        if child.tag == "composite" and child.get("xid") == wanted:
            for comp in child.findall("element"):
                codes = codes_of(comp)
                if codes and not codes.startswith("@"):
                    return comp.get("xid"), codes
                break
    return "", ""


DATA = {}  # data element number -> (data type, min length, max length), from dataele.xml


def load_data_elements(path):
    for node in ET.parse(path).getroot().findall("data_ele"):
        DATA[node.get("ele_num")] = (node.get("data_type"), node.get("min_len"), node.get("max_len"))


def format_of(node):
    """Data type, min and max length of a simple element; blank for a composite."""
    if node.tag != "element":
        return ("", "", "")
    number = text(node, "data_ele")
    if number not in DATA:
        raise ValueError("data element %s missing from %s" % (number, DATA_ELEMENTS))
    return DATA[number]


def element_rows(loop_id, ord_, segment):
    seg_id = segment.get("xid")
    for child in segment:
        if child.tag not in ("element", "composite"):
            continue
        yield (loop_id, str(ord_), seg_id, child.get("xid"), text(child, "name"),
               text(child, "data_ele"), text(child, "usage"), codes_of(child),
               *format_of(child), text(child, "repeat") or "1", text(child, "regex"))
        if child.tag == "composite":
            for comp in child.findall("element"):
                yield (loop_id, str(ord_), seg_id, comp.get("xid"), text(comp, "name"),
                       text(comp, "data_ele"), text(comp, "usage"), codes_of(comp),
                       *format_of(comp), text(comp, "repeat") or "1", text(comp, "regex"))


def syntax_of(segment):
    """The segment's X12 syntax notes (`P0809`, `C1110` …), space-separated."""
    notes = [" ".join(n.text.split()) for n in segment.findall("syntax") if n.text]
    for note in notes:
        if not re.fullmatch(r"[PRECL](\d\d){2,}", note):
            raise ValueError("unexpected syntax note %r" % note)
    return " ".join(notes)


def signature_of(segment):
    """Content of a segment definition, blind to the indentation that differs by depth."""
    return [(n.tag, n.get("xid"), (n.text or "").strip()) for n in segment.iter()]


def is_transparent(loop):
    """Wrapper loops without segments of their own (DETAIL, FOOTER) add nothing to track."""
    return loop.get("type") == "wrapper" and loop.find("segment") is None


def derive_guide(tag, path):
    root = ET.parse(path).getroot()
    loops, segments, elements = [], [], []
    seen = {}  # loop id -> its segment list, to prove repeated loops are identical

    def walk(node, parent_path, parent_id, wrapper_pos=None):
        for loop in node.findall("loop"):
            loop_id = loop.get("xid")
            if is_transparent(loop):
                # Its loops take its place in the parent's table (DETAIL is 0200 in ST_LOOP).
                walk(loop, parent_path, parent_id, text(loop, "pos"))
                continue
            segs = loop.findall("segment")
            path_ = parent_path + "/" + loop_id if parent_path else loop_id
            first = segs[0].get("xid") if segs else ""
            q_ref, q_codes = identifying(segs[0]) if segs else ("", "")
            loops.append((path_, loop_id, parent_id or "-", text(loop, "name"),
                          text(loop, "usage"), text(loop, "repeat"), first, q_ref, q_codes,
                          wrapper_pos or text(loop, "pos")))
            signature = [signature_of(s) for s in segs]
            if loop_id in seen:
                if seen[loop_id] != signature:
                    raise ValueError("%s: loop %s defined twice, differently" % (tag, loop_id))
            else:
                seen[loop_id] = signature
                if loop_id not in ENVELOPE_LOOPS:
                    for ord_, seg in enumerate(segs, 1):
                        s_ref, s_codes = identifying(seg)
                        segments.append((loop_id, str(ord_), seg.get("xid"), text(seg, "name"),
                                         text(seg, "usage"), text(seg, "max_use"), s_ref, s_codes,
                                         text(seg, "pos"), syntax_of(seg)))
                        elements.extend(element_rows(loop_id, ord_, seg))
            walk(loop, path_, loop_id)

    walk(root, "", "")
    return text(root, "name"), loops, segments, elements


def derive_control(path):
    root = ET.parse(path).getroot()
    segments, elements = [], []
    for loop in root.iter("loop"):
        loop_id = loop.get("xid")
        for ord_, seg in enumerate(loop.findall("segment"), 1):
            s_ref, s_codes = identifying(seg)
            segments.append((loop_id, str(ord_), seg.get("xid"), text(seg, "name"),
                             text(seg, "usage"), text(seg, "max_use"), s_ref, s_codes,
                             text(seg, "pos"), syntax_of(seg)))
            elements.extend(element_rows(loop_id, ord_, seg))
    return segments, elements


LOOP_HEAD = ("path", "loop_id", "parent", "name", "usage", "repeat",
             "first_segment", "qualifier_ref", "qualifier_codes", "pos")
SEG_HEAD = ("loop_id", "ord", "segment_id", "name", "usage", "max_use",
            "qualifier_ref", "qualifier_codes", "pos", "syntax")
ELEM_HEAD = ("loop_id", "seg_ord", "segment_id", "ref_des", "name", "data_element",
             "usage", "codes", "data_type", "min_len", "max_len", "repeat", "regex")
CODE_HEAD = ("code_set", "code")


def write(name, source, head, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as out:
        out.write("# Derived by tools/x12-maps/derive.py from pyx12 %s (BSD, see LICENSE-pyx12.txt)\n" % source)
        out.write("\t".join(head) + "\n")
        for row in rows:
            out.write("\t".join(clean(field) for field in row) + "\n")


def code_set_rows(path):
    root = ET.parse(path).getroot()
    for code_set in root.findall("codeset"):
        name = text(code_set, "id")
        if name not in USED_CODE_SETS:
            continue
        for code in code_set.iter("code"):
            if code.text and code.text.strip():
                yield (name, code.text.strip())


def main():
    os.makedirs(OUT, exist_ok=True)
    load_data_elements(os.path.join(MAPS, DATA_ELEMENTS))
    for tag, file_name in GUIDES:
        _, loops, segments, elements = derive_guide(tag, os.path.join(MAPS, file_name))
        write(tag + ".loops.tsv", file_name, LOOP_HEAD, loops)
        write(tag + ".segments.tsv", file_name, SEG_HEAD, segments)
        write(tag + ".elements.tsv", file_name, ELEM_HEAD, elements)
    segments, elements = derive_control(os.path.join(MAPS, CONTROL))
    write("control.segments.tsv", CONTROL, SEG_HEAD, segments)
    write("control.elements.tsv", CONTROL, ELEM_HEAD, elements)
    write("external-codes.tsv", CODE_SETS, CODE_HEAD, code_set_rows(os.path.join(MAPS, CODE_SETS)))
    shutil.copyfile(os.path.join(MAPS, "LICENSE-pyx12.txt"), os.path.join(OUT, "LICENSE-pyx12.txt"))


if __name__ == "__main__":
    main()
