//! The units a line's NDC quantities call for, shared by the rules that check units and
//! the fixes that set them (both read the neutral billing view, so the check and its fix
//! agree).
//!
//! An administered line: its NDC mass in billing units, rounded up (CMS Pub. 100-04,
//! chapter 17, section 10). A JW line: what the administered and the discarded amount
//! together come to in billing units, less the units the administered lines bill — the
//! container's billing units less what was billed as given (CMS Pub. 100-04, chapter 17,
//! §40; the JW/JZ FAQ's infliximab example: 350 mg given from 400 mg of vials, 35 units
//! and 5 units JW).

use super::{crosswalk, dose};
use crate::codes::{BillingUnit, CodeTable, Quantity};
use crate::config::NdcCrosswalk;
use crate::decimal::Decimal;
use crate::model::{BilledLine, Billing};

use crate::codes::WASTAGE;

/// What the NDC quantities of a JW line and its administered lines say about the JW
/// units.
#[derive(Debug)]
pub(super) struct WastageUnits {
    /// The JW line's units by the NDC quantities: 0 when the administered lines' rounding
    /// already holds the discard (jw-below-billing-unit's finding).
    pub expected: u64,
    /// What the administered lines bill, in units.
    pub administered_units: u64,
    pub administered: Quantity,
    pub discarded: Quantity,
    /// Administered plus discarded, in billing units (rounded up).
    pub total_units: u64,
    /// The administered line, for messages (the first, when there are several).
    pub administered_line: usize,
    /// How amounts convert to units, for messages: "up to 10 mg per unit", or the CMS
    /// crosswalk row's units per item.
    pub basis: String,
}

/// The unit count written on a line, when it is a number.
pub(super) fn written_units(source: &str, line: &BilledLine) -> Option<Decimal> {
    line.units.and_then(|units| Decimal::parse(units.text(source)))
}

/// The code's billing unit (drug codes whose descriptor states one).
fn billing_unit<'c>(codes: &'c CodeTable, source: &str, line: &BilledLine) -> Option<&'c BillingUnit> {
    if !line.is_hcpcs {
        return None;
    }
    codes.procedure(line.code_text(source))?.billing_unit()
}

/// The units an administered line's single NDC mass calls for.
fn administered_units(codes: &CodeTable, source: &str, line: &BilledLine) -> Option<u64> {
    billing_unit(codes, source, line)?.units_for_amount(dose::line_mass(source, &line.drugs)?)
}

/// The units the line's NDC quantities call for: for a JW line the discarded units
/// beyond the administered lines' rounding, for any other line its NDC mass in billing
/// units. `None` when the quantities do not say (no NDC mass, no billing unit …).
pub(super) fn units_from_ndc(billing: &Billing, source: &str, codes: &CodeTable, line: &BilledLine) -> Option<u64> {
    if line.has_modifier(source, WASTAGE) {
        return wastage_units(billing, source, codes, line).map(|wastage| wastage.expected);
    }
    administered_units(codes, source, line)
}

/// The administered lines a JW line's wastage belongs to: the same code and date in its
/// claim, without JW, with their indexes in [`Billing::lines`]. `None` when the JW line
/// has no claim.
fn administered_lines<'a>(
    billing: &'a Billing,
    source: &'a str,
    wastage_line: &'a BilledLine,
) -> Option<impl Iterator<Item = (usize, &'a BilledLine)> + 'a> {
    let code = wastage_line.code_text(source);
    let claim = billing.claim_of(wastage_line)?;
    let first = claim.lines.start;
    let lines = billing.claim_lines(claim).iter().enumerate();
    Some(lines.map(move |(index, line)| (first + index, line)).filter(move |(_, line)| {
        !code.is_empty()
            && line.code_text(source) == code
            && line.date_of_service == wastage_line.date_of_service
            && !line.has_modifier(source, WASTAGE)
    }))
}

/// The JW arithmetic for a JW line, when it and every administered line of the same code
/// and date in its claim carry one NDC mass, and every administered line bills the whole
/// units its own NDC mass calls for (otherwise that line is wrong first, and
/// ndc-quantity-mismatch says so).
pub(super) fn wastage_units(
    billing: &Billing,
    source: &str,
    codes: &CodeTable,
    wastage_line: &BilledLine,
) -> Option<WastageUnits> {
    let unit = billing_unit(codes, source, wastage_line)?;
    let discarded = dose::line_mass(source, &wastage_line.drugs)?;
    let mut administered_units_total = 0u64;
    let mut masses = Vec::new();
    let mut first = None;
    for (index, line) in administered_lines(billing, source, wastage_line)? {
        let billed = dose::whole_units(written_units(source, line)?)?;
        if administered_units(codes, source, line)? != billed {
            return None;
        }
        administered_units_total = administered_units_total.checked_add(billed)?;
        masses.push(dose::line_mass(source, &line.drugs)?);
        first.get_or_insert(index);
    }
    let administered_line = first?;
    let administered = dose::total_mass(masses)?;
    let total_units = unit.units_for_amount(dose::total_mass([administered, discarded])?)?;
    Some(WastageUnits {
        expected: total_units.saturating_sub(administered_units_total),
        administered_units: administered_units_total,
        administered,
        discarded,
        total_units,
        administered_line,
        basis: format!("{} per unit", unit.per_unit_text()),
    })
}

/// The JW arithmetic by the CMS crosswalk, for codes whose descriptor gives no
/// arithmetic ("per vial") or NDC quantities in `UN`/`ML` against a mg code: the JW line
/// and every administered line of the same code and date carry the same NDC, listed
/// under that code, with quantities the crosswalk converts (see `crosswalk`), and each
/// administered line bills what its own quantity holds.
pub(super) fn wastage_units_by_crosswalk(
    billing: &Billing,
    source: &str,
    table: Option<&NdcCrosswalk>,
    wastage_line: &BilledLine,
) -> Option<WastageUnits> {
    let discarded = crosswalk::line_units(table, source, wastage_line)?;
    let mut administered_units_total = 0u64;
    let mut amounts = Vec::new();
    let mut first = None;
    for (index, line) in administered_lines(billing, source, wastage_line)? {
        let given = crosswalk::line_units(table, source, line)?;
        if given.entry.ndc_text != discarded.entry.ndc_text || given.amount.unit != discarded.amount.unit {
            return None;
        }
        let billed = dose::whole_units(written_units(source, line)?)?;
        if given.expected != billed {
            return None;
        }
        administered_units_total = administered_units_total.checked_add(billed)?;
        amounts.push(given.amount);
        first.get_or_insert(index);
    }
    let administered_line = first?;
    let (_, administered) = crosswalk::total_units(discarded.entry, &amounts)?;
    let mut all = amounts;
    all.push(discarded.amount);
    let (total_units, _) = crosswalk::total_units(discarded.entry, &all)?;
    Some(WastageUnits {
        expected: total_units.saturating_sub(administered_units_total),
        administered_units: administered_units_total,
        administered,
        discarded: discarded.amount,
        total_units,
        administered_line,
        basis: discarded.basis(),
    })
}
