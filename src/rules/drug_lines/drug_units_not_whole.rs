//! `drug-units-not-whole`: drug codes are billed in whole billing units.
//!
//! A dose that is not a multiple of the billing unit is rounded up to the next whole
//! unit (CMS Pub. 100-04, Medicare Claims Processing Manual, chapter 17, section 10; CMS
//! RAC topic 0074 "Excessive or Insufficient Drugs and Biologicals Units Billed"); a
//! fractional unit count on a drug line is rejected or mispaid.

use super::{billed_lines, dose};
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "drug-units-not-whole",
    default_severity: Severity::Error,
    summary: "A drug line bills a fraction of a billing unit",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for line in billed_lines(context) {
        let Some((code, _)) = line.hcpcs() else { continue };
        let Some(record) = line.record.filter(|record| record.is_drug()) else { continue };
        let Some(units) = line.unit_count().filter(|units| !units.is_whole()) else { continue };
        let Some(rounded) = dose::rounded_up(units) else { continue };
        let element = line.units_field().name;
        let per_unit =
            record.billing_unit().map(|unit| format!(" ({} each)", unit.per_unit_text())).unwrap_or_default();
        let message = format!(
            "{element} is {units}: {code} is billed in whole units{per_unit}; round the dose up to the next whole unit: {rounded}"
        );
        let policy = context.policy_of(line);
        report.add_for(&policy, line.units_field().span, message);
    }
}

/// Round up, as CMS instructs for a dose between two whole units.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(line) = context.billed_line_at(diagnostic.span.start) else { return };
    let Some(quantity) = line.units.filter(|units| *units == diagnostic.span) else { return };
    let Some(rounded) = Decimal::parse(quantity.text(context.source)).and_then(Decimal::ceil) else { return };
    let title = format!("Round units up to {rounded}");
    fixes.extend(context.fix(title, vec![Edit::replace(quantity, rounded.to_string())], true, true));
}
