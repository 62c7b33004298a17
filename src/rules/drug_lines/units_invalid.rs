//! `units-invalid`: every service line states a unit count above zero.
//!
//! SV104 (837P) and SV205 (837I) are required: the number of units the charge is for.
//! Payers deny a line with no, zero or negative units, and cannot price one that is not
//! a number. Source: 837P guide SV104, 837I guide SV205 (X12 5010, type R).

use super::billed_lines;
use crate::decimal::Decimal;
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "units-invalid",
    default_severity: Severity::Error,
    summary: "The line's unit count (SV104/SV205) is missing, zero, negative or not a number",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in billed_lines(context) {
        // A charge file without a units column: csv-missing-column says so, once.
        if line.line.units.is_none() && line.line.units_place.is_empty() {
            continue;
        }
        let element = line.units_field().name;
        let text = line.line.units.map_or("", |units| units.text(source));
        let message = if text.is_empty() {
            format!("{element} is missing: give the number of units billed, e.g. 1")
        } else {
            match Decimal::parse(text) {
                None => format!("{element} is not a number: give the number of units billed, e.g. 4"),
                Some(units) if units.is_zero() => format!("{element} is 0: a billed line needs at least 1 unit"),
                Some(units) if units.is_negative() => {
                    format!("{element} is {units}: units cannot be negative; give the number of units billed")
                }
                Some(_) => continue,
            }
        };
        let policy = context.policy_of(line);
        report.add_for(&policy, line.units_field().span, message);
    }
}
