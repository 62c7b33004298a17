//! `claim-total-mismatch`: CLM02 equals the sum of the line charges (SV102 on 837P,
//! SV203 on 837I).
//!
//! The guides require the total claim charge to balance with its lines; payers and
//! clearinghouses reject unbalanced claims at the front end. Source: 837P guide CLM02
//! note; 837I guide CLM02 note.

use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{totals, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "claim-total-mismatch",
    default_severity: Severity::Error,
    summary: "CLM02 does not equal the sum of the service line charges",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for (_, claim) in file.claims() {
        let Some(total) = Decimal::parse(claim.total_charge(file)) else { continue };
        let Some((sum, charge_element)) = totals::line_total(file, claim) else { continue };
        if sum != total {
            report.add(
                file.element_or_segment_span(claim.clm, 2),
                format!("CLM02 is {total}, but the {charge_element} line charges add up to {sum}; expected {sum}"),
            );
        }
    }
}

fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some((_, claim)) = context.claim_at(diagnostic.span.start) else { return };
    let Some(edit) = totals::clm02_repair(context.file, claim) else { return };
    let title = format!("Fix CLM02: {}, the sum of the line charges", edit.text);
    fixes.extend(context.fix(title, vec![edit], true, true));
}
