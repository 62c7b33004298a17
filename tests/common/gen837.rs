//! Deterministic generator of large, valid ASC X12 837P (005010X222A1) files.
//!
//! Rust port of `/work/shared/tools/gen837.py` (pure std, no dependencies), used by
//! tests (`mod common;`) and by `examples/gen837.rs` for throughput runs.
//!
//! Every claim is a synthetic oncology-infusion professional claim billed to
//! Medicare Part B (`SBR09 = MB`), patient = subscriber:
//!
//! | LX | SV101 | units | 2410 |
//! | -- | ----- | ----- | ---- |
//! | 1 | `HC:96413` administration (CPT) | 1 | – |
//! | 2 | `HC:J9035` bevacizumab, 10 mg, administered | ceil(dose mg / 10) | `CTP****<dose>*ME` |
//! | 3 | `HC:J9035:JW` same code and date, discarded | vial mg / 10 − line 2 units (≥ 1) | `CTP****<mL>*ML` |
//! | 4 | `HC:J2506:JZ` pegfilgrastim, 0.5 mg | 12 (6 mg) | `CTP****0.6*ML` |
//! | 5 | `HC:J1100:JZ` dexamethasone, 1 mg | dose mg | `CTP****<dose>*ME` |
//!
//! Billing units follow the CMS HCPCS 2026 descriptors (`HCPC2026_JAN_ANWEB_J.txt`).
//! The Python original billed pegfilgrastim as J2505 (6 mg), but the CMS file
//! terminates J2505 on 2021-12-31 (replaced by J2506, 0.5 mg), and its dates of service
//! are in 2023/2024, so this port uses J2506 × 12 units. It also drops JZ from the
//! administered J9035 line: JZ must not sit beside a JW line for the same drug and date.
//!
//! Envelopes: one ISA/IEA, one GS/GE, as many ST/SE as needed so that no transaction
//! set holds more than `claims_per_transaction` claims. HL numbers are sequential per
//! ST, LX restarts at 1 per claim, CLM02 = sum of SV102, SE01/GE01/IEA01 are computed
//! and control numbers match. NPIs carry a correct Luhn check digit (prefix 80840).
//! All names, identifiers and addresses are made up.
#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;

const ELE: char = '*';
const COMP: char = ':';
const REP: char = '^';
const SEG: char = '~';

/// Options for [`generate_837p`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
    /// Number of claims (CLM) in the interchange.
    pub claims: usize,
    /// Maximum claims per ST/SE transaction set (the 837 IG recommends at most 5000).
    pub claims_per_transaction: usize,
    /// Write a `\n` after every segment terminator.
    pub line_breaks: bool,
    /// PRNG seed: the same options always give the same bytes.
    pub seed: u64,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions { claims: 10, claims_per_transaction: 5000, line_breaks: true, seed: 1 }
    }
}

/// SplitMix64: tiny, deterministic, good enough for picking synthetic values.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough index in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// 10-digit NPI: `base9` + Luhn check digit computed over `80840` + `base9`.
pub fn npi_with_check(base9: &str) -> String {
    assert!(base9.len() == 9 && base9.bytes().all(|b| b.is_ascii_digit()), "NPI base must be 9 digits");
    let digits = format!("80840{base9}");
    let mut total = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 0 {
            // rightmost payload digit first: these positions are doubled
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        total += d;
    }
    let check = (10 - total % 10) % 10;
    format!("{base9}{check}")
}

/// Money as X12 R type from cents: no trailing zeros after the point (`3248`, `12.5`).
fn money(cents: u64) -> String {
    let (whole, frac) = (cents / 100, cents % 100);
    if frac == 0 {
        format!("{whole}")
    } else if frac % 10 == 0 {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    }
}

/// Decimal from thousandths, trailing zeros trimmed (`15400` -> `15.4`).
fn milli(v: u64) -> String {
    let (whole, frac) = (v / 1000, v % 1000);
    if frac == 0 {
        return format!("{whole}");
    }
    let s = format!("{frac:03}");
    format!("{whole}.{}", s.trim_end_matches('0'))
}

/// Civil date (proleptic Gregorian) from days since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Segment writer: strips trailing empty elements and counts segments.
struct Out {
    buf: String,
    line_breaks: bool,
    count: usize,
}

impl Out {
    fn seg(&mut self, els: &[&str]) {
        let mut n = els.len();
        while n > 0 && els[n - 1].is_empty() {
            n -= 1;
        }
        for (i, e) in els[..n].iter().enumerate() {
            if i > 0 {
                self.buf.push(ELE);
            }
            self.buf.push_str(e);
        }
        self.end();
    }

    fn end(&mut self) {
        self.buf.push(SEG);
        if self.line_breaks {
            self.buf.push('\n');
        }
        self.count += 1;
    }
}

const FIRST: [&str; 8] = ["JANE", "JOHN", "MARIA", "ROBERT", "LINDA", "DAVID", "SUSAN", "JAMES"];
const LAST: [&str; 8] = ["DOE", "SMITH", "GARCIA", "JOHNSON", "LEE", "BROWN", "DAVIS", "MILLER"];
const ICD: [(&str, &str); 3] = [("C3490", "Z5111"), ("C50911", "Z5112"), ("C189", "D701")];

const ADMIN_CPT: &str = "96413";
const ADMIN_CHARGE_CENTS: u64 = 35_000;

/// J9035 Injection, bevacizumab, 10 mg; NDC of a 100 mg / 4 mL single-dose vial (25 mg/mL).
const BEVA: &str = "J9035";
const BEVA_NDC: &str = "50242006001";
const BEVA_MG_PER_UNIT: u64 = 10;
const BEVA_VIAL_MG: u64 = 100;
const BEVA_ML_PER_MG_MILLI: u64 = 40; // 1 mg = 0.04 mL = 40 thousandths of a mL
const BEVA_UNIT_CENTS: u64 = 8_120;

/// J2506 Injection, pegfilgrastim, excludes biosimilar, 0.5 mg; 6 mg / 0.6 mL syringe.
const PEG: &str = "J2506";
const PEG_NDC: &str = "55513019001";
const PEG_UNITS: u64 = 12; // 6 mg / 0.5 mg
const PEG_UNIT_CENTS: u64 = 54_167;

/// J1100 Injection, dexamethasone sodium phosphate, 1 mg.
const DEXA: &str = "J1100";
const DEXA_NDC: &str = "63323050601";
const DEXA_DOSES_MG: [u64; 5] = [4, 8, 10, 12, 20];
const DEXA_UNIT_CENTS: u64 = 125;

struct Line {
    proc_: String,
    charge_cents: u64,
    units: u64,
    /// (NDC, CTP04 quantity, CTP05-1 unit)
    drug: Option<(&'static str, String, &'static str)>,
}

fn claim(out: &mut Out, rendering_npi: &str, n: usize, hl: usize, rnd: &mut SplitMix64, d8: &str) {
    let first = *rnd.choose(&FIRST);
    let last = *rnd.choose(&LAST);
    let (dx1, dx2) = *rnd.choose(&ICD);

    // Bevacizumab: 3..=6 vials of 100 mg, waste 10..=90 mg in 5 mg steps, so the
    // administered dose is sometimes not a multiple of the 10 mg billing unit
    // (rounded up) and the discarded amount is always >= 1 billing unit.
    let vials = 3 + rnd.below(4) as u64;
    let total_mg = vials * BEVA_VIAL_MG;
    let waste_mg = 10 + 5 * rnd.below(17) as u64;
    let given_mg = total_mg - waste_mg;
    let given_units = given_mg.div_ceil(BEVA_MG_PER_UNIT);
    let jw_units = total_mg / BEVA_MG_PER_UNIT - given_units;
    debug_assert!(jw_units >= 1);
    let dexa_mg = *rnd.choose(&DEXA_DOSES_MG);

    let c = COMP;
    let lines = [
        Line { proc_: format!("HC{c}{ADMIN_CPT}"), charge_cents: ADMIN_CHARGE_CENTS, units: 1, drug: None },
        Line {
            proc_: format!("HC{c}{BEVA}"),
            charge_cents: BEVA_UNIT_CENTS * given_units,
            units: given_units,
            drug: Some((BEVA_NDC, given_mg.to_string(), "ME")),
        },
        Line {
            proc_: format!("HC{c}{BEVA}{c}JW"),
            charge_cents: BEVA_UNIT_CENTS * jw_units,
            units: jw_units,
            drug: Some((BEVA_NDC, milli(waste_mg * BEVA_ML_PER_MG_MILLI), "ML")),
        },
        Line {
            proc_: format!("HC{c}{PEG}{c}JZ"),
            charge_cents: PEG_UNIT_CENTS * PEG_UNITS,
            units: PEG_UNITS,
            drug: Some((PEG_NDC, "0.6".to_string(), "ML")),
        },
        Line {
            proc_: format!("HC{c}{DEXA}{c}JZ"),
            charge_cents: DEXA_UNIT_CENTS * dexa_mg,
            units: dexa_mg,
            drug: Some((DEXA_NDC, dexa_mg.to_string(), "ME")),
        },
    ];
    let total: u64 = lines.iter().map(|l| l.charge_cents).sum();

    let hl_s = hl.to_string();
    let member = format!("MBR{n:09}");
    let street = format!("{} ELM STREET", 100 + n % 900);
    let dob = format!("19{:02}0{}15", 50 + n % 40, 1 + n % 9);
    let pcn = format!("PCN{n:010}");
    let clm05 = format!("11{c}B{c}1");
    let hi1 = format!("ABK{c}{dx1}");
    let hi2 = format!("ABF{c}{dx2}");
    out.seg(&["HL", &hl_s, "1", "22", "0"]);
    out.seg(&["SBR", "P", "18", "", "", "", "", "", "", "MB"]);
    out.seg(&["NM1", "IL", "1", last, first, "", "", "", "MI", &member]);
    out.seg(&["N3", &street]);
    out.seg(&["N4", "SPRINGFIELD", "IL", "62704"]);
    out.seg(&["DMG", "D8", &dob, if n % 2 == 1 { "F" } else { "M" }]);
    out.seg(&["NM1", "PR", "2", "MEDICARE PART B", "", "", "", "", "PI", "12345"]);
    out.seg(&["CLM", &pcn, &money(total), "", "", &clm05, "Y", "A", "Y", "Y"]);
    out.seg(&["HI", &hi1, &hi2]);
    out.seg(&["NM1", "82", "1", "SMITH", "JOHN", "", "", "", "XX", rendering_npi]);
    out.seg(&["PRV", "PE", "PXC", "207RH0003X"]);
    for (i, l) in lines.iter().enumerate() {
        let lx = (i + 1).to_string();
        let ptr = if l.drug.is_some() { format!("1{c}2") } else { "1".to_string() };
        out.seg(&["LX", &lx]);
        out.seg(&["SV1", &l.proc_, &money(l.charge_cents), "UN", &l.units.to_string(), "", "", &ptr]);
        out.seg(&["DTP", "472", "D8", d8]);
        if let Some((ndc, qty, unit)) = &l.drug {
            out.seg(&["LIN", "", "N4", ndc]);
            out.seg(&["CTP", "", "", "", qty, unit]);
        }
    }
}

/// Generate one 837P interchange as described in the module docs.
pub fn generate_837p(options: &BatchOptions) -> String {
    let per_st = options.claims_per_transaction.max(1);
    let mut rnd = SplitMix64(options.seed);
    let billing_npi = npi_with_check("123456789");
    let rendering_npi = npi_with_check("987654321");

    let (ty, tm, td) = (2024, 1, 15);
    let today = days_from_civil(ty, tm, td);
    let date8 = format!("{ty:04}{tm:02}{td:02}");
    let date6 = &date8[2..];
    let isa13 = "000000001";
    let gs06 = "1";

    let mut out =
        Out { buf: String::with_capacity(800 * options.claims + 1024), line_breaks: options.line_breaks, count: 0 };
    let e = ELE;
    let _ = write!(
        out.buf,
        "ISA{e}00{e}{:10}{e}00{e}{:10}{e}ZZ{e}{:15}{e}ZZ{e}{:15}{e}{date6}{e}1200{e}{REP}{e}00501{e}{isa13}{e}0{e}P{e}{COMP}",
        "", "", "SUBMITTER01", "RECEIVER01"
    );
    out.end();
    out.seg(&["GS", "HC", "SUBMITTER01", "RECEIVER01", &date8, "1200", gs06, "X", "005010X222A1"]);

    let mut n_st = 0usize;
    let mut claim_no = 0usize;
    while claim_no < options.claims {
        n_st += 1;
        let st02 = format!("{n_st:04}");
        let bht03 = format!("BATCH{n_st:06}");
        out.count = 0;
        out.seg(&["ST", "837", &st02, "005010X222A1"]);
        out.seg(&["BHT", "0019", "00", &bht03, &date8, "1200", "CH"]);
        out.seg(&["NM1", "41", "2", "ONCOLOGY ASSOCIATES BILLING", "", "", "", "", "46", "SUBMITTER01"]);
        out.seg(&["PER", "IC", "BILLING OFFICE", "TE", "2175551234"]);
        out.seg(&["NM1", "40", "2", "MEDICARE PART B", "", "", "", "", "46", "RECEIVER01"]);
        out.seg(&["HL", "1", "", "20", "1"]);
        out.seg(&["PRV", "BI", "PXC", "207RH0003X"]);
        out.seg(&["NM1", "85", "2", "ONCOLOGY ASSOCIATES", "", "", "", "", "XX", &billing_npi]);
        out.seg(&["N3", "100 MAIN STREET"]);
        out.seg(&["N4", "SPRINGFIELD", "IL", "627011234"]);
        out.seg(&["REF", "EI", "371234567"]);
        let mut hl = 1usize;
        let in_this_st = per_st.min(options.claims - claim_no);
        for _ in 0..in_this_st {
            claim_no += 1;
            hl += 1;
            let (y, m, d) = civil_from_days(today - (claim_no % 60) as i64);
            let d8 = format!("{y:04}{m:02}{d:02}");
            claim(&mut out, &rendering_npi, claim_no, hl, &mut rnd, &d8);
        }
        let se01 = (out.count + 1).to_string();
        out.seg(&["SE", &se01, &st02]);
    }
    let ge01 = n_st.to_string();
    out.seg(&["GE", &ge01, gs06]);
    out.seg(&["IEA", "1", isa13]);
    out.buf
}

#[cfg(test)]
mod gen837_tests {
    use super::*;

    #[test]
    fn npi_check_digit_matches_cms_example() {
        // CMS's worked example: 123456789 -> check digit 3.
        assert_eq!(npi_with_check("123456789"), "1234567893");
    }

    #[test]
    fn deterministic_and_split_into_transactions() {
        let o = BatchOptions { claims: 12, claims_per_transaction: 5, ..BatchOptions::default() };
        let a = generate_837p(&o);
        assert_eq!(a, generate_837p(&o));
        assert_eq!(a.matches("\nST*837*").count(), 3);
        assert_eq!(a.matches("\nCLM*").count(), 12);
        assert!(a.contains("\nGE*3*1~\nIEA*1*000000001~\n"));
    }
}
