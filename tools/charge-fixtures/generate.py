#!/usr/bin/env python3
"""Writes the charge-file rule fixtures: for each drug-line and modifier rule a `fires-*`
and a `silent-*` charge file in fixtures/rules/<rule>/, spread over four header dialects:

- comma:     `Account Number,Service Date,CPT/HCPCS,Modifier 1…` with quoted money
             ("$1,215.00"), MM/DD/YYYY dates, hyphenated 5-4-2 NDCs, LF
- tab:       `Claim ID<TAB>DOS<TAB>HCPCS<TAB>Mod1…` (.tsv), ISO dates, 11-digit NDCs, ME units
- semicolon: BOM + CRLF, `Encounter;Date of Service;Procedure Code;Modifier1…`, YYYYMMDD
- modifiers: one `Modifiers` column (`JW|59`), hyphenated 4-4-2 NDCs

Run from the repository root: python3 tools/charge-fixtures/generate.py
Then `UPDATE_EXPECT=1 cargo test --test rule_fixtures --test fixes` writes the
expectations (read them before committing).
"""

import os

NDC = {"J2700": "00781315695", "J9035": "50242006001", "J3490": "00781315695", "J1170": "00409131230",
       "J1171": "00409131230", "J1745": "57894003001"}

DIALECTS = {
    "comma": dict(sep=",", ext="csv", bom=False, eol="\n",
                  header=["Account Number", "Service Date", "CPT/HCPCS", "Modifier 1", "Modifier 2", "Modifier 3",
                          "Units", "Charge", "NDC", "NDC Qty", "NDC Unit", "Payer Class", "POS", "Prior Auth",
                          "Description"]),
    "tab": dict(sep="\t", ext="tsv", bom=False, eol="\n",
                header=["Claim ID", "DOS", "HCPCS", "Mod1", "Mod2", "Mod3", "Qty", "Amount", "NDC11",
                        "NDC Quantity", "NDC UOM", "Payer Class", "POS", "Authorization", "Drug Name"]),
    "semicolon": dict(sep=";", ext="csv", bom=True, eol="\r\n",
                      header=["Encounter", "Date of Service", "Procedure Code", "Modifier1", "Modifier2",
                              "Modifier3", "Units", "Charge Amount", "National Drug Code", "Drug Quantity",
                              "Drug Unit", "Payer Class", "Place of Service", "Prior Authorization", "Note"]),
    "modifiers": dict(sep=",", ext="csv", bom=False, eol="\n",
                      header=["Invoice", "From Date", "HCPCS Code", "Modifiers", "Units of Service", "Fee", "NDC",
                              "NDC Qty", "NDC Unit", "Payer Class", "POS", "Prior Auth", "Description"]),
}


def row(code, mods=(), units="1", charge="40.00", ndc=None, qty=None, unit="mg", payer="MB", auth="", desc="",
        date="2026-01-15", claim="1"):
    return dict(code=code, mods=list(mods), units=units, charge=charge, ndc=ndc, qty=qty, unit=unit, payer=payer,
                auth=auth, desc=desc, date=date, claim=claim)


def drug(code, mods=(), units="4", qty="1000", **kw):
    return row(code, mods, units, ndc=NDC.get(code, "00781315695"), qty=qty, **kw)


ADMIN = row("96365", charge="100.00")


def quote(value, sep):
    if any(c in value for c in (sep, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def money(charge, dialect):
    if dialect != "comma":
        return charge
    whole, _, cents = charge.partition(".")
    grouped = f"{int(whole):,}" if whole.isdigit() else whole
    return f'"${grouped}.{cents or "00"}"'


def ndc_text(ndc, dialect):
    if not ndc:
        return ""
    if dialect == "tab":
        return ndc
    if dialect == "modifiers" and ndc.startswith("0"):
        return f"{ndc[1:5]}-{ndc[5:9]}-{ndc[9:]}"
    return f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}"


def date_text(date, dialect):
    y, m, d = date.split("-")
    return {"comma": f"{m}/{d}/{y}", "semicolon": f"{y}{m}{d}"}.get(dialect, date)


def line(r, dialect, prefix):
    spec = DIALECTS[dialect]
    sep = spec["sep"]
    claim = f"{prefix}-{r['claim']}"
    unit = r["unit"] if r["qty"] else ""
    if dialect == "tab" and unit:
        unit = {"mg": "ME", "g": "GR", "ml": "ML"}.get(unit, unit)
    tail = [r["units"], None, ndc_text(r["ndc"], dialect), r["qty"] or "", unit, r["payer"], "11", r["auth"],
            r["desc"]]
    if dialect == "modifiers":
        cells = [claim, date_text(r["date"], dialect), r["code"], "|".join(r["mods"])]
    else:
        mods = (r["mods"] + ["", "", ""])[:3]
        cells = [claim, date_text(r["date"], dialect), r["code"], *mods]
    out = [quote(c, sep) for c in cells + tail[:1]]
    out.append(money(r["charge"], dialect))
    out += [quote(c, sep) for c in tail[2:]]
    return sep.join(out)


def write(rule, name, dialect, rows):
    spec = DIALECTS[dialect]
    prefix = {"comma": "A", "tab": "C", "semicolon": "E", "modifiers": "INV"}[dialect]
    # One claim has one payer: the admin rows take the drug rows' payer class.
    payer = next((r["payer"] for r in rows if r["payer"] != "MB"), "MB")
    rows = [dict(r, payer=payer) for r in rows]
    text = spec["sep"].join(spec["header"]) + spec["eol"]
    text += "".join(line(r, dialect, prefix) + spec["eol"] for r in rows)
    if spec["bom"]:
        text = "\ufeff" + text
    path = os.path.join("fixtures", "rules", rule, f"{name}-{dialect}.{spec['ext']}")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


# rule: (fires dialect, fires rows, silent dialect, silent rows)
CASES = {
    "code-not-effective": ("comma", [ADMIN, drug("J1170", ["JZ"], "1", qty=None)],
                           "tab", [ADMIN, drug("J1171", ["JZ"], "10", qty=None)]),
    "drug-line-missing-ndc": ("tab", [ADMIN, row("J2700", ["JZ"], "4", payer="MC")],
                              "semicolon", [ADMIN, drug("J2700", ["JZ"], "4", payer="MC")]),
    "drug-units-not-whole": ("semicolon", [ADMIN, drug("J2700", ["JZ"], "3.6", qty="900")],
                             "modifiers", [ADMIN, drug("J2700", ["JZ"], "4", qty="900")]),
    "jw-below-billing-unit": ("modifiers", [drug("J2700", [], "4", qty="900"), drug("J2700", ["JW"], "1", qty="100",
                                                                                    charge="10.00")],
                              "comma", [drug("J2700", [], "3", qty="750"), drug("J2700", ["JW"], "1", qty="250",
                                                                                 charge="10.00")]),
    "ndc-quantity-mismatch": ("comma", [ADMIN, drug("J2700", ["JZ"], "3", qty="900")],
                              "tab", [ADMIN, drug("J2700", ["JZ"], "4", qty="900")]),
    "noc-missing-description": ("tab", [ADMIN, drug("J3490", ["JZ"], "1", qty="2000")],
                                "semicolon", [ADMIN, drug("J3490", ["JZ"], "1", qty="2000",
                                                          desc="OXACILLIN 2 G VIAL")]),
    "prior-auth-missing": ("semicolon", [ADMIN, drug("J2700", ["JZ"], "4", payer="CI")],
                           "modifiers", [ADMIN, drug("J2700", ["JZ"], "4", payer="CI", auth="PA-20260115")]),
    "units-invalid": ("modifiers", [ADMIN, drug("J2700", ["JZ"], "0")],
                      "comma", [ADMIN, drug("J2700", ["JZ"], "4")]),
    "units-over-limit": ("comma", [ADMIN, drug("J2700", ["JZ"], "10", qty="2500")],
                         "tab", [ADMIN, drug("J2700", ["JZ"], "8", qty="2000")]),
    "unknown-code": ("tab", [ADMIN, drug("J2700", ["JZ"], "4"), row("J9998", ["JZ"])],
                     "semicolon", [ADMIN, drug("J2700", ["JZ"], "4")]),
    "duplicate-modifier": ("semicolon", [ADMIN, drug("J2700", ["JZ", "JZ"], "4")],
                           "modifiers", [ADMIN, drug("J2700", ["JZ"], "4")]),
    "jw-jz-same-line": ("modifiers", [drug("J2700", [], "3", qty="750"), drug("J2700", ["JW", "JZ"], "1", qty="250",
                                                                               charge="10.00")],
                        "comma", [drug("J2700", [], "3", qty="750"), drug("J2700", ["JW"], "1", qty="250",
                                                                           charge="10.00")]),
    "jw-units-mismatch": ("semicolon", [drug("J1745", [], "10", qty="95", charge="850.00"),
                                        drug("J1745", ["JW"], "10", qty="50", charge="850.00")],
                          "modifiers", [drug("J1745", [], "10", qty="95", charge="850.00"),
                                        drug("J1745", ["JW"], "15", qty="155", charge="1275.00")]),
    # fixtures/rules/jw-jz-on-multi-dose/settings.json lists J1642 in multiDoseCodes.
    "jw-jz-on-multi-dose": ("tab", [ADMIN, row("J1642", ["JZ"], "5", charge="10.00")],
                            "comma", [ADMIN, drug("J2700", ["JZ"], "4"), row("J1642", [], "5", charge="10.00")]),
    "jw-without-administered-line": ("comma", [ADMIN, drug("J2700", ["JW"], "1", qty="250", charge="10.00")],
                                     "tab", [drug("J2700", [], "3", qty="750"),
                                             drug("J2700", ["JW"], "1", qty="250", charge="10.00")]),
    "jz-with-wastage-line": ("tab", [drug("J2700", ["JZ"], "3", qty="750"), drug("J2700", ["JW"], "1", qty="250",
                                                                                  charge="10.00")],
                             "semicolon", [drug("J2700", [], "3", qty="750"),
                                           drug("J2700", ["JW"], "1", qty="250", charge="10.00")]),
    "missing-jw-jz": ("comma", [ADMIN, drug("J9035", [], "9", qty="90", charge="1215.00")],
                      "modifiers", [ADMIN, drug("J9035", ["JZ"], "9", qty="90", charge="1215.00")]),
    "modifier-59-with-x": ("modifiers", [drug("J2700", ["JZ"], "4"), row("96365", ["59", "XS"], charge="100.00")],
                           "comma", [drug("J2700", ["JZ"], "4"), row("96365", ["XS"], charge="100.00")]),
    "modifier-ga-gz": ("comma", [ADMIN, drug("J2700", ["JZ", "GA", "GZ"], "4")],
                       "tab", [ADMIN, drug("J2700", ["JZ", "GA"], "4")]),
    "modifier-not-effective": ("tab", [ADMIN, drug("J2700", ["JZ", "JG"], "4")],
                               "semicolon", [ADMIN, drug("J2700", ["JZ", "TB"], "4")]),
    "modifier-rt-lt": ("semicolon", [row("20610", ["RT", "LT"], charge="120.00"), ADMIN],
                       "modifiers", [row("20610", ["RT"], charge="120.00"), ADMIN]),
    "unknown-modifier": ("modifiers", [drug("J2700", ["JZ", "J9"], "4"), ADMIN],
                         "comma", [drug("J2700", ["JZ"], "4"), ADMIN]),
    "wastage-modifier-on-non-drug": ("comma", [drug("J2700", ["JZ"], "4"), row("96365", ["JZ"], charge="100.00")],
                                     "tab", [drug("J2700", ["JZ"], "4"), ADMIN]),
}

# Two more JW-row cases so every dialect gets the wastage row: the modifiers column and
# the semicolon file (BOM, CRLF).
EXTRA = {
    "missing-jw-jz": [("fires", "modifiers", [ADMIN, drug("J9035", ["59"], "9", qty="90", charge="1215.00")]),
                      ("fires", "semicolon", [ADMIN, drug("J9035", [], "9", qty="90", charge="1215.00")]),
                      ("fires", "tab", [ADMIN, drug("J9035", [], "9", qty="90", charge="1215.00")])],
}

for rule, (fires_dialect, fires, silent_dialect, silent) in CASES.items():
    write(rule, "fires", fires_dialect, fires)
    write(rule, "silent", silent_dialect, silent)
for rule, cases in EXTRA.items():
    for name, dialect, rows in cases:
        write(rule, name, dialect, rows)
