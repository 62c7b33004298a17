//! A deterministic synthetic charge file (a charge-capture CSV export) for throughput
//! tests and demos: one row per charge, claims of an infusion visit each.
//!
//! | row | code | units | NDC (hyphenated) | NDC qty / unit |
//! | --- | --- | --- | --- | --- |
//! | 1 | `96413` chemo infusion, first hour | 1 | | |
//! | 2 | `J9035` bevacizumab, 10 mg, administered (JZ when nothing is discarded) | dose mg / 10 | `50242-0060-01` (100 mg / 4 mL vial) | dose, `mg` |
//! | 3 | `J9035` `JW`, discarded (only when the vials leave some) | wasted mg / 10 | same | wasted mL, `ML` |
//! | 4 | `J1100` `JZ` dexamethasone, 1 mg | dose mg | `63323-506-01` (5-3-2) | dose, `mg` |
//! | 5 | `J2506` `JZ` pegfilgrastim, 0.5 mg (every third claim) | 12 | `55513-0190-1` (5-4-1) | 0.6, `ML` |
//! | 6 | `96372` injection, SC/IM (with row 5) | 1 | | |
//!
//! With `mistakes`, each claim gets one or two of: fractional units on the dexamethasone
//! line, JW and JZ on one row, and a J code with neither JW nor JZ on a Medicare (MB)
//! claim.

#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;

pub struct ChargeOptions {
    /// Data rows to write (the last claim may be cut short).
    pub rows: usize,
    pub seed: u64,
    /// Add a few billing mistakes per claim.
    pub mistakes: bool,
}

impl Default for ChargeOptions {
    fn default() -> Self {
        ChargeOptions { rows: 100_000, seed: 1, mistakes: false }
    }
}

pub const HEADER: &str =
    "Account Number,Service Date,CPT/HCPCS,Modifier 1,Modifier 2,Units,Charge,NDC,NDC Qty,NDC Unit,Payer Class\n";

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

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

struct Charge {
    code: &'static str,
    modifiers: [&'static str; 2],
    units: String,
    cents: u64,
    drug: Option<(&'static str, String, &'static str)>,
}

/// `$1,234.50`, quoted (the export writes thousands separators).
fn money(cents: u64) -> String {
    let dollars = (cents / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in dollars.chars().enumerate() {
        if index > 0 && (dollars.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("\"${grouped}.{:02}\"", cents % 100)
}

/// `mL` with up to three decimals, no trailing zeros: 0.4, 1.2, 0.04.
fn millilitres(thousandths: u64) -> String {
    let text = format!("{}.{:03}", thousandths / 1000, thousandths % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn claim_charges(rnd: &mut SplitMix64, number: u64, mistakes: bool) -> Vec<Charge> {
    let mut charges = Vec::with_capacity(6);
    charges.push(Charge { code: "96413", modifiers: ["", ""], units: "1".into(), cents: 35_000, drug: None });
    // Bevacizumab: 100 mg / 4 mL vials; dose 50–400 mg in steps of 10.
    let dose = 50 + rnd.below(36) * 10;
    let vials = dose.div_ceil(100);
    let waste = vials * 100 - dose;
    let given_modifier = if waste == 0 { "JZ" } else { "" };
    charges.push(Charge {
        code: "J9035",
        modifiers: [given_modifier, ""],
        units: (dose / 10).to_string(),
        cents: dose / 10 * 13_500,
        drug: Some(("50242-0060-01", dose.to_string(), "mg")),
    });
    if waste > 0 {
        charges.push(Charge {
            code: "J9035",
            modifiers: ["JW", ""],
            units: (waste / 10).to_string(),
            cents: waste / 10 * 13_500,
            drug: Some(("50242-0060-01", millilitres(waste * 40), "ML")),
        });
    }
    let dexa = 4 + rnd.below(17);
    charges.push(Charge {
        code: "J1100",
        modifiers: ["JZ", ""],
        units: dexa.to_string(),
        cents: dexa * 125,
        drug: Some(("63323-506-01", dexa.to_string(), "mg")),
    });
    if number.is_multiple_of(3) {
        charges.push(Charge {
            code: "J2506",
            modifiers: ["JZ", ""],
            units: "12".into(),
            cents: 498_000,
            drug: Some(("55513-0190-1", "0.6".into(), "ML")),
        });
        charges.push(Charge { code: "96372", modifiers: ["", ""], units: "1".into(), cents: 4_500, drug: None });
    }
    if mistakes {
        let first = rnd.below(3);
        let second = (first + 1 + rnd.below(2)) % 3;
        for mistake in [first, second].into_iter().take(1 + rnd.below(2) as usize) {
            match mistake {
                // Fractional units on a drug line.
                0 => {
                    if let Some(line) = charges.iter_mut().find(|c| c.code == "J1100") {
                        line.units = format!("{}.5", dexa.saturating_sub(1));
                    }
                }
                // JW and JZ on one row.
                1 => {
                    if let Some(line) = charges.iter_mut().find(|c| c.code == "J9035") {
                        line.modifiers = ["JW", "JZ"];
                    }
                }
                // A J code with neither JW nor JZ (the claim is Medicare Part B).
                _ => {
                    if let Some(line) = charges.iter_mut().find(|c| c.code == "J1100") {
                        line.modifiers = ["", ""];
                    }
                }
            }
        }
    }
    charges
}

/// The charge file: a header and `options.rows` data rows, LF line ends.
pub fn generate_charges(options: &ChargeOptions) -> String {
    let mut rnd = SplitMix64(options.seed);
    let mut out = String::with_capacity(options.rows * 90 + HEADER.len());
    out.push_str(HEADER);
    let mut rows = 0;
    let mut number = 0u64;
    while rows < options.rows {
        number += 1;
        let payer = if options.mistakes { "MB" } else { ["MB", "MB", "MB", "MC", "CI", "MA"][rnd.below(6) as usize] };
        let day = 1 + rnd.below(28);
        let month = 1 + rnd.below(12);
        for charge in claim_charges(&mut rnd, number, options.mistakes) {
            if rows == options.rows {
                break;
            }
            let (ndc, quantity, unit) = charge.drug.unwrap_or(("", String::new(), ""));
            let _ = writeln!(
                out,
                "A{number:07},{month:02}/{day:02}/2024,{},{},{},{},{},{ndc},{quantity},{unit},{payer}",
                charge.code,
                charge.modifiers[0],
                charge.modifiers[1],
                charge.units,
                money(charge.cents),
            );
            rows += 1;
        }
    }
    out
}
