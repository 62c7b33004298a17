//! `modifier-59-with-x`: 59 or one of XE, XS, XP, XU — not both on one line.
//!
//! CMS created XE (separate encounter), XS (separate structure), XP (separate
//! practitioner) and XU (unusual non-overlapping service) as more specific forms of 59
//! (distinct procedural service). A line takes the most specific one; 59 beside an X
//! modifier is redundant and some payers' NCCI edits reject it. Source: CMS NCCI Policy
//! Manual for Medicare Services, ch. 1 (modifiers 59 and -X{EPSU}); CMS MLN "Proper Use
//! of Modifiers 59 & -X{EPSU}".

use super::conflicting_pair;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "modifier-59-with-x",
    default_severity: Severity::Warning,
    summary: "Modifier 59 together with XE, XS, XP or XU on one line",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

const DISTINCT: &str = "59";
const SPECIFIC: [&str; 4] = ["XE", "XS", "XP", "XU"];

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for claim in context.claims() {
        let policy = context.policy(claim);
        for line in context.claim_lines(claim) {
            let Some((first, second)) = conflicting_pair(line, &[DISTINCT], &SPECIFIC) else { continue };
            let (distinct, specific) = if first.text == DISTINCT { (first, second) } else { (second, first) };
            report.add_for(
                &policy,
                distinct.span,
                format!(
                    "{} 59 and {} {} both mark a distinct service; {} is the more specific form, so remove 59",
                    distinct.element, specific.element, specific.text, specific.text
                ),
            );
        }
    }
}

/// Remove 59: the X modifier beside it already says which kind of distinct service it is.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    fixes.extend(modifiers::removal(context, diagnostic.span, true, true));
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn points_at_59_wherever_it_stands() {
        let text = claim("MB", &[("SV1*HC:96365:XS:59*100*UN*1***1", "20260115")]);
        let found = findings("modifier-59-with-x", &text, &Environment::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "59");
        assert!(found[0].1.message.starts_with("SV101-4 59 and SV101-3 XS"), "{}", found[0].1.message);
    }
}
