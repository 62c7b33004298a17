//! `modifier-rt-lt`: RT (right side) and LT (left side) never share one line.
//!
//! A line describes one service on one side. A service done on both sides in one session
//! is billed with modifier 50 (bilateral) or as two lines, one RT and one LT, as the payer
//! asks; RT and LT together on one line contradict each other and are denied. Source: CMS
//! HCPCS Level II modifiers RT and LT; Medicare Claims Processing Manual (Pub. 100-04)
//! ch. 12 §40.7 (bilateral surgery).

use super::conflicting_pair;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "modifier-rt-lt",
    default_severity: Severity::Error,
    summary: "RT and LT on one line",
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
            let Some((first, second)) = conflicting_pair(line, &["RT"], &["LT"]) else { continue };
            report.add_for(
                &policy,
                second.span,
                format!(
                    "{} {} and {} {} name both sides on one line; bill a bilateral service with modifier 50 or as \
                     two lines, one RT and one LT",
                    first.element, first.text, second.element, second.text
                ),
            );
        }
    }
}

/// Remove RT or LT (a bilateral service needs 50 or two lines: the biller decides).
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    modifiers::removals_of_pair(context, diagnostic.span, &["RT", "LT"], fixes);
}
