//! `jw-jz-same-line`: JW and JZ never sit on the same service line.
//!
//! JW reports an amount of drug discarded from a single-dose container; JZ states that
//! nothing was discarded. One line cannot say both, and Medicare returns such claims.
//! Source: CMS MLN "JW and JZ modifier policy" FAQ; Medicare Claims Processing Manual
//! (Pub. 100-04) ch. 17 §40.

use super::{conflicting_pair, NO_WASTAGE, WASTAGE};
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "jw-jz-same-line",
    default_severity: Severity::Error,
    summary: "JW (amount discarded) and JZ (nothing discarded) on one line",
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
            let Some((first, second)) = conflicting_pair(line, &[WASTAGE], &[NO_WASTAGE]) else { continue };
            report.add_for(
                &policy,
                second.span,
                format!(
                    "{} {} and {} {} contradict each other: JW reports a discarded amount, JZ says nothing was \
                     discarded; bill the administered amount with JZ, or split it into an administered line and \
                     a separate JW line for the discarded amount",
                    first.element, first.text, second.element, second.text
                ),
            );
        }
    }
}

/// Remove JW or JZ: which one is true is the biller's knowledge, so neither is preferred.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    modifiers::removals_of_pair(context, diagnostic.span, &[WASTAGE, NO_WASTAGE], fixes);
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn points_at_the_second_of_the_pair() {
        let text = claim("MB", &[("SV1*HC:J2700:JZ:JW*40*UN*4***1", "20260115")]);
        let found = findings("jw-jz-same-line", &text, &Environment::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "JW");
        assert!(found[0].1.message.starts_with("SV101-3 JZ and SV101-4 JW"), "{}", found[0].1.message);
    }
}
