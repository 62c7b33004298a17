//! `modifier-ga-gz`: GA and GZ never share one line.
//!
//! GA says an Advance Beneficiary Notice of Noncoverage (waiver of liability) was issued;
//! GZ says the service is expected to be denied and no notice was issued. They exclude
//! each other, and the choice decides whether the patient can be billed. Source: CMS
//! HCPCS Level II modifiers GA and GZ; Medicare Claims Processing Manual (Pub. 100-04)
//! ch. 30 §40.3.6 (ABN modifiers).

use super::conflicting_pair;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "modifier-ga-gz",
    default_severity: Severity::Error,
    summary: "GA (waiver issued) and GZ (no waiver) on one line",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for claim in context.claims() {
        let policy = context.policy(claim);
        for line in context.claim_lines(claim) {
            let Some((first, second)) = conflicting_pair(line, &["GA"], &["GZ"]) else { continue };
            report.add_for(
                &policy,
                second.span,
                format!(
                    "{} {} and {} {} contradict each other: GA says a waiver of liability (ABN) was issued, GZ \
                     that none was; keep the one that matches the patient's record",
                    first.element, first.text, second.element, second.text
                ),
            );
        }
    }
}

/// Remove GA or GZ: whether an ABN was issued is in the patient's record, not the file.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    modifiers::removals_of_pair(context, diagnostic.span, &["GA", "GZ"], fixes);
}
