//! `ndc-quantity-mismatch`: the NDC quantity and the HCPCS units describe the same dose.
//!
//! The 2410 loop reports the amount of the product given (CTP04, unit in CTP05-1); the
//! line reports it again in the code's billing units (SV104/SV205). Converted with the
//! descriptor's unit and rounded up to a whole unit (CMS Pub. 100-04, chapter 17,
//! section 10; CMS RAC topic 0074), the two must agree, or one of them is wrong. A
//! quantity converts within its dimension: `ME` mg and `GR` g into a mass unit, `ML` into
//! a ml/cc unit, `F2` into an IU unit. `UN` (each — a vial, a tablet) never converts, nor
//! into a descriptor's "units" of activity; codes counted whole ("per vial"),
//! combinations, codes whose billing unit is in another dimension, compounds (several
//! 2410 loops) and JW wastage lines (checked by jw-below-billing-unit) are left alone.
//! Source: 837P/837I guides, loop 2410 LIN/CTP.

use super::{billed_lines, crosswalk, dose};
use crate::codes::{BillingUnit, Quantity};
use crate::config::NdcCrosswalk;
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Fix, FixContext};
use crate::model::BilledLine;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ndc-quantity-mismatch",
    default_severity: Severity::Warning,
    summary: "The 2410 CTP quantity converts to a different number of units than SV104/SV205",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in billed_lines(context) {
        if line.has_modifier(source, "JW") {
            continue;
        }
        let Some((code, _)) = line.hcpcs() else { continue };
        // Fractions are drug-units-not-whole's finding.
        let Some(units) = line.unit_count().filter(|units| units.is_whole()) else { continue };
        let Some((expected, amount, basis)) =
            expected_units(source, context.crosswalk, line.record.and_then(|r| r.billing_unit()), line)
        else {
            continue;
        };
        let Ok(expected_value) = i64::try_from(expected) else { continue };
        if units == Decimal::from_int(expected_value) {
            continue;
        }
        let element = line.units_field().name;
        let quantity = line.names.ndc_quantity;
        let message = format!(
            "{quantity} is {amount}, which is {expected} {} of {code} ({}, rounded up), but {element} is {units}; expected {expected}",
            if expected == 1 { "unit" } else { "units" },
            basis.text(),
        );
        let policy = context.policy_of(line);
        report.add_for(&policy, line.units_field().span, message);
    }
}

/// How an NDC quantity converted: worded only for a finding (most lines agree).
enum Basis<'a> {
    Descriptor(&'a BillingUnit),
    Crosswalk(crosswalk::CrosswalkUnits<'a>),
}

impl Basis<'_> {
    fn text(&self) -> String {
        match self {
            Basis::Descriptor(unit) => format!("{} per unit", unit.per_unit_text()),
            Basis::Crosswalk(converted) => converted.basis(),
        }
    }
}

/// The units the line's one NDC quantity calls for, the quantity, and how it converts:
/// by the descriptor's billing unit, else (a "per vial" code, `UN` or `ML` against a mg
/// code) by the CMS crosswalk row of the line's NDC and code, when one is loaded.
fn expected_units<'a>(
    source: &str,
    crosswalk_table: Option<&'a NdcCrosswalk>,
    unit: Option<&'a BillingUnit>,
    line: &BilledLine,
) -> Option<(u64, Quantity, Basis<'a>)> {
    let by_descriptor = unit.and_then(|unit| {
        let amount = dose::line_amount(source, &line.drugs)?;
        Some((unit.units_for_amount(amount)?, amount, Basis::Descriptor(unit)))
    });
    by_descriptor.or_else(|| {
        let converted = crosswalk::line_units(crosswalk_table, source, line)?;
        Some((converted.expected, converted.amount, Basis::Crosswalk(converted)))
    })
}

/// "Set units from the NDC quantity": the units the NDC quantity converts to. A choice,
/// never applied by fix-all: the NDC quantity may be the wrong one.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let source = context.source;
    let Some(line) = context.billed_line_at(diagnostic.span.start).filter(|line| line.is_hcpcs) else { return };
    let Some(units) = line.units.filter(|units| *units == diagnostic.span) else { return };
    let unit = context.codes().procedure(line.code_text(source)).and_then(|record| record.billing_unit());
    let by_mass = unit.and_then(|unit| {
        let mass = dose::line_mass(source, &line.drugs)?;
        Some((unit.units_for_amount(mass)?, mass))
    });
    let by_crosswalk = || {
        // Only where the check itself read the crosswalk: the descriptor gave nothing.
        if unit
            .is_some_and(|unit| dose::line_amount(source, &line.drugs).and_then(|a| unit.units_for_amount(a)).is_some())
        {
            return None;
        }
        let converted = crosswalk::line_units(context.environment.crosswalk.as_deref(), source, line)?;
        Some((converted.expected, converted.amount))
    };
    let Some((expected, amount)) = by_mass.or_else(by_crosswalk) else { return };
    let Some(edit) = context.replace_value(units, &expected.to_string()) else { return };
    let title = format!("Set units from the NDC quantity ({amount}): {expected}");
    fixes.extend(context.fix(title, vec![edit], false, false));
}
