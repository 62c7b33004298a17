#!/usr/bin/env python3
"""Check the drug-line rules pyx12 does not check, on a file from `gen837`.

Independent of the Rust generator: reads only the X12 file and the CMS HCPCS
record file. Checks control totals, HL/LX numbering, CLM02 = sum of SV102,
NPI Luhn digits, SBR09, billing units against the CMS descriptor unit, CTP in ME
converting to SV104 by rounding up, JW/JZ pairing, and that every code is active
on the date of service.

Usage: check_semantics.py FILE [HCPCS_J_FILE]
"""
import math
import re
import sys
from decimal import Decimal

HCPCS = "/work/shared/data/hcpcs/HCPC2026_JAN_ANWEB_J.txt"


def load_hcpcs(path):
    codes = {}
    with open(path, encoding="ascii", newline="") as f:
        for rec in f:
            if rec[10] != "3":
                continue
            code, desc = rec[0:5], rec[11:91].strip()
            added, term = rec[268:276], rec[284:292].strip()
            m = re.search(r"(?:per |up to )?(\d+(?:\.\d+)?) mg\b", desc)
            codes[code] = (desc, Decimal(m.group(1)) if m else None, added, term)
    return codes


def luhn_npi(npi):
    digits = "80840" + npi
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def main():
    path = sys.argv[1]
    codes = load_hcpcs(sys.argv[2] if len(sys.argv) > 2 else HCPCS)
    data = open(path, encoding="ascii", newline="").read()
    ele, comp, term = data[3], data[104], data[105]
    segs = [s.strip("\r\n") for s in data.split(term)]
    segs = [s.split(ele) for s in segs if s]
    errors = []

    def err(msg):
        errors.append(msg)

    n_st = n_claims = n_lines = 0
    st_start = None
    hl_expect = 1
    claim = None  # dict while inside a claim

    def close_claim():
        if claim is None:
            return
        total = sum(l["charge"] for l in claim["lines"])
        if total != claim["clm02"]:
            err(f"{claim['id']}: CLM02 {claim['clm02']} != sum SV102 {total}")
        for i, l in enumerate(claim["lines"], 1):
            if l["lx"] != i:
                err(f"{claim['id']}: LX {l['lx']} where {i} expected")
        by_code_date = {}
        for l in claim["lines"]:
            by_code_date.setdefault((l["code"], l["date"]), []).append(l)
        for (code, date), ls in by_code_date.items():
            mods = [set(l["mods"]) for l in ls]
            if any({"JW", "JZ"} <= m for m in mods):
                err(f"{claim['id']}: JW and JZ on one line {code}")
            if any("JW" in m for m in mods) and any("JZ" in m for m in mods):
                err(f"{claim['id']}: JZ line beside JW line for {code} {date}")
            if any("JW" in m for m in mods) and not any(not ({"JW", "JZ"} & m) for m in mods):
                err(f"{claim['id']}: JW line for {code} without administered line")
            for l in ls:
                if "JW" in l["mods"] and l["units"] < 1:
                    err(f"{claim['id']}: JW line below one billing unit")

    for i, s in enumerate(segs):
        tag = s[0]
        if tag == "ISA":
            isa13 = s[13]
        elif tag == "GS":
            gs06 = s[6]
        elif tag == "ST":
            n_st += 1
            st_start, st02, hl_expect = i, s[2], 1
        elif tag == "SE":
            close_claim()
            claim = None
            if int(s[1]) != i - st_start + 1 or s[2] != st02:
                err(f"SE {s[1:]} wrong (count {i - st_start + 1}, ST02 {st02})")
        elif tag == "GE":
            if int(s[1]) != n_st or s[2] != gs06:
                err(f"GE {s[1:]} wrong ({n_st} ST, GS06 {gs06})")
        elif tag == "IEA":
            if s[1] != "1" or s[2] != isa13:
                err(f"IEA {s[1:]} wrong")
        elif tag == "HL":
            if int(s[1]) != hl_expect:
                err(f"HL {s[1]} where {hl_expect} expected")
            hl_expect += 1
        elif tag == "SBR" and s[9] != "MB":
            err(f"SBR09 {s[9]} != MB")
        elif tag == "NM1" and len(s) > 9 and s[8] == "XX" and not luhn_npi(s[9]):
            err(f"NPI {s[9]} fails Luhn")
        elif tag == "CLM":
            close_claim()
            n_claims += 1
            claim = {"id": s[1], "clm02": Decimal(s[2]), "lines": []}
        elif tag == "LX":
            claim["lines"].append({"lx": int(s[1])})
        elif tag == "SV1":
            n_lines += 1
            c = s[1].split(comp)
            l = claim["lines"][-1]
            l.update(code=c[1], mods=c[2:6], charge=Decimal(s[2]), units=Decimal(s[4]))
        elif tag == "DTP" and s[1] == "472":
            l = claim["lines"][-1]
            l["date"] = s[3]
            info = codes.get(l["code"])
            if l["code"].startswith("J"):
                if info is None:
                    err(f"{claim['id']}: {l['code']} not in the CMS file")
                else:
                    _, _, added, term_d = info
                    if s[3] < added or (term_d and s[3] > term_d):
                        err(f"{claim['id']}: {l['code']} not active on {s[3]} (added {added}, ended {term_d})")
        elif tag == "CTP":
            l = claim["lines"][-1]
            qty, unit = Decimal(s[4]), s[5].split(comp)[0]
            size = codes.get(l["code"], (None, None))[1]
            if unit == "ME" and size is not None:
                want = math.ceil(qty / size)
                if want != l["units"]:
                    err(f"{claim['id']} LX {l['lx']}: {qty} mg of {l['code']} is {want} units, SV104 says {l['units']}")
    close_claim()
    print(f"{path}: {n_st} ST, {n_claims} claims, {n_lines} service lines, {len(errors)} problems")
    for e in errors[:20]:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
