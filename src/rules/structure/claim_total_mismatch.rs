//! `claim-total-mismatch`: CLM02 equals the sum of the line charges (SV102 on 837P,
//! SV203 on 837I).
//!
//! The guides require the total claim charge to balance with its lines; payers and
//! clearinghouses reject unbalanced claims at the front end. Source: 837P guide CLM02
//! note; 837I guide CLM02 note.

use crate::decimal::Decimal;
use crate::diagnostic::Severity;
use crate::rules::{Report, Rule, RuleContext};

pub static RULE: Rule = Rule {
    id: "claim-total-mismatch",
    default_severity: Severity::Error,
    summary: "CLM02 does not equal the sum of the service line charges",
    check,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    'claims: for (_, claim) in file.claims() {
        if claim.lines.is_empty() {
            continue;
        }
        let Some(total) = Decimal::parse(claim.total_charge(file)) else { continue };
        let mut sum = Decimal::ZERO;
        let mut charge_element = "";
        for line in &claim.lines {
            // A line without a readable charge is invalid-number's business; no total then.
            let Some(procedure) = line.procedure(file) else { continue 'claims };
            charge_element = if procedure.segment_id == "SV2" { "SV203" } else { "SV102" };
            let Some(charge) = procedure.charge.and_then(|span| Decimal::parse(span.text(&file.text))) else {
                continue 'claims;
            };
            let Some(next) = sum.checked_add(charge) else { continue 'claims };
            sum = next;
        }
        if sum != total {
            report.add(
                file.element_or_segment_span(claim.clm, 2),
                format!("CLM02 is {total}, but the {charge_element} line charges add up to {sum}; expected {sum}"),
            );
        }
    }
}
