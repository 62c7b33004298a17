//! `duplicate-modifier`: a modifier appears once per line.
//!
//! A repeated modifier adds nothing, takes one of the four modifier positions the 837
//! guides allow (SV101-3 … SV101-6, SV202-3 … SV202-6), and some payers' edits reject it
//! as malformed. Usually a generator appended a modifier the line already had.
//! Source: 837P guide SV101-3..6, 837I guide SV202-3..6 (procedure modifiers).

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "duplicate-modifier",
    default_severity: Severity::Warning,
    summary: "The same modifier twice on one line",
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
        for line in context.claim_lines(claim).iter().filter(|line| line.modifiers.len() > 1) {
            for (index, modifier) in line.modifiers().enumerate() {
                let Some(first) = line.modifiers().take(index).find(|m| m.text == modifier.text) else { continue };
                report.add_for(
                    &policy,
                    modifier.span,
                    format!("{} repeats {} from {}; remove the repeat", modifier.element, modifier.text, first.element),
                );
            }
        }
    }
}

/// Remove the repeat: the modifier stays once, so nothing is lost.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    fixes.extend(modifiers::removal(context, diagnostic.span, true, true));
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn points_at_each_repeat() {
        let text = claim("MB", &[("SV1*HC:J2700:JZ:KX:JZ*40*UN*4***1", "20260115")]);
        let found = findings("duplicate-modifier", &text, &Environment::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.message, "SV101-5 repeats JZ from SV101-3; remove the repeat");
    }
}
