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

use super::{billed_lines, dose};
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Fix, FixContext};
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
        let Some(unit) = line.record.and_then(|record| record.billing_unit()) else { continue };
        let Some(amount) = dose::line_amount(source, &line.drugs) else { continue };
        let Some(expected) = unit.units_for_amount(amount) else { continue };
        // Fractions are drug-units-not-whole's finding.
        let Some(units) = line.unit_count().filter(|units| units.is_whole()) else { continue };
        let Ok(expected_value) = i64::try_from(expected) else { continue };
        if units == Decimal::from_int(expected_value) {
            continue;
        }
        let element = line.units_field().name;
        let quantity = line.names.ndc_quantity;
        let message = format!(
            "{quantity} is {amount}, which is {expected} {} of {code} ({} per unit, rounded up), but {element} is {units}; expected {expected}",
            if expected == 1 { "unit" } else { "units" },
            unit.per_unit_text(),
        );
        let policy = context.policy_of(line);
        report.add_for(&policy, line.units_field().span, message);
    }
}

/// "Set units from the NDC quantity": the units the NDC quantity converts to. A choice,
/// never applied by fix-all: the NDC quantity may be the wrong one.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let source = context.source;
    let Some(line) = context.billed_line_at(diagnostic.span.start).filter(|line| line.is_hcpcs) else { return };
    let Some(units) = line.units.filter(|units| *units == diagnostic.span) else { return };
    let Some(record) = context.codes().procedure(line.code_text(source)) else { return };
    let Some(unit) = record.billing_unit() else { return };
    let Some(mass) = dose::line_mass(source, &line.drugs) else { return };
    let Some(expected) = unit.units_for_amount(mass) else { return };
    let Some(edit) = context.replace_value(units, &expected.to_string()) else { return };
    let title = format!("Set units from the NDC quantity ({mass}): {expected}");
    fixes.extend(context.fix(title, vec![edit], false, false));
}
