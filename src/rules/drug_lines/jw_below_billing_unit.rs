//! `jw-below-billing-unit`: a JW line reports waste beyond what the administered line's
//! rounding already bills.
//!
//! Doses round up to the next whole billing unit (CMS Pub. 100-04, chapter 17,
//! section 10), so the last administered unit already pays for the part of it that was
//! not given. J2700 (up to 250 mg) with 900 mg given bills 4 units, up to 1,000 mg; a JW
//! line for 100 mg discarded bills that 100 mg a second time: JW reports only waste
//! beyond the billed units (CMS discarded drugs policy, Pub. 100-04, chapter 17, §40).
//! Computed from the 2410 CTP quantities in `ME` or `GR`: when
//! the administered lines' units × unit size hold both the administered and the
//! discarded amount, the JW line is wrong. Where the descriptor gives no arithmetic
//! ("per vial", `ML` against a mg code), CMS's NDC–HCPCS crosswalk converts when loaded
//! (`ndcCrosswalkFile`; see `crosswalk`). Source: 837P/837I guides, loop 2410 CTP.

use super::{billed_lines, dose, ndc_units};
use crate::codes::Quantity;
use crate::diagnostic::Severity;
use crate::rules::LineFacts;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "jw-below-billing-unit",
    default_severity: Severity::Warning,
    summary: "A JW line's discarded amount is already covered by rounding up the administered line",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

/// The administered lines' total units and total mass, when every one of them has a
/// whole unit count and a single mass NDC quantity.
fn administered(source: &str, lines: &[&LineFacts<'_>]) -> Option<(u64, Quantity)> {
    let mut units = 0u64;
    let mut masses = Vec::new();
    for line in lines {
        units = units.checked_add(dose::whole_units(line.unit_count()?)?)?;
        masses.push(dose::line_mass(source, &line.drugs)?);
    }
    Some((units, dose::total_mass(masses)?))
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for wastage_line in billed_lines(context).filter(|line| line.has_modifier(source, "JW")) {
        let Some((code, _)) = wastage_line.hcpcs() else { continue };
        let unit = wastage_line.record.and_then(|record| record.billing_unit());
        let mass = dose::line_mass(source, &wastage_line.drugs);
        let (Some(unit), Some(discarded)) = (unit.filter(|unit| unit.converts()), mass) else {
            by_crosswalk(context, report, wastage_line, code);
            continue;
        };
        let date = wastage_line.date_of_service;
        // Only the same claim's lines can be the administered ones.
        let Some(claim) = context.claim_of(wastage_line) else { continue };
        let given: Vec<&LineFacts<'_>> = context
            .claim_lines(claim)
            .iter()
            .filter(|line| {
                !line.has_modifier(source, "JW")
                    && line.hcpcs().is_some_and(|(other, _)| other == code)
                    && line.date_of_service == date
            })
            .collect();
        if given.is_empty() {
            continue;
        }
        let Some((billed_units, administered_mass)) = administered(source, &given) else { continue };
        if dose::discard_within_rounding(unit, billed_units, administered_mass, discarded) != Some(true) {
            continue;
        }
        let Some(capacity) = unit.amount_for_units(crate::decimal::Decimal::from_integer(billed_units)) else {
            continue;
        };
        let Some(jw) = wastage_line.modifier("JW") else { continue };
        let span = jw.span;
        let message = format!(
            "this JW line discards {discarded} of {code}, but the administered {billed_units} {} ({capacity}) already hold the {administered_mass} given and the {discarded} discarded; waste inside the last billed unit is not billed with JW — remove this line",
            if billed_units == 1 { "unit" } else { "units" },
        );
        let policy = context.policy_of(wastage_line);
        report.add_for(&policy, span, message);
    }
}

/// The same finding by the CMS crosswalk (`ndcCrosswalkFile`), where the descriptor gives
/// no arithmetic: the JW line's discard adds no billing unit to what the administered
/// lines bill.
fn by_crosswalk(context: &RuleContext<'_>, report: &mut Report<'_>, wastage_line: &LineFacts<'_>, code: &str) {
    let source = context.source;
    let Some(wastage) = ndc_units::wastage_units_by_crosswalk(context.billing, source, context.crosswalk, wastage_line)
    else {
        return;
    };
    if wastage.expected != 0 {
        return;
    }
    let Some(jw) = wastage_line.modifier("JW") else { return };
    let billed = wastage.administered_units;
    let message = format!(
        "this JW line discards {} of {code}, but the administered {billed} {} already hold the {} given and the {} \
         discarded ({}, rounded up); waste inside the last billed unit is not billed with JW — remove this line",
        wastage.discarded,
        if billed == 1 { "unit" } else { "units" },
        wastage.administered,
        wastage.discarded,
        wastage.basis,
    );
    let policy = context.policy_of(wastage_line);
    report.add_for(&policy, jw.span, message);
}
