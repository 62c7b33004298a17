//! `jz-with-wastage-line`: no JZ line beside a JW line for the same drug and date.
//!
//! When part of a single-dose container was discarded, the administered line goes without
//! a wastage modifier and the discarded amount on a JW line. A JZ ("zero discarded") line
//! for the same code and date of service contradicts that JW line. Source: CMS MLN "JW
//! and JZ modifier policy" FAQ; Medicare Claims Processing Manual (Pub. 100-04) ch. 17 §40.

use super::{NO_WASTAGE, WASTAGE};
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "jz-with-wastage-line",
    default_severity: Severity::Error,
    summary: "A JZ line sits beside a JW line for the same code and date of service",
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
        let lines = context.claim_lines(claim);
        for line in lines {
            // A line with both is jw-jz-same-line's finding.
            let Some(jz) = line.modifier(NO_WASTAGE).filter(|_| !line.has(WASTAGE)) else { continue };
            let Some(wastage_line) = lines.iter().find(|other| other.same_code_and_date(line) && other.has(WASTAGE))
            else {
                continue;
            };
            report.add_for(
                &policy,
                jz.span,
                format!(
                    "{} JZ says nothing of {} was discarded, but {} bills a discarded amount with JW for the \
                     same code and date of service; remove JZ from the administered line",
                    jz.element,
                    line.code,
                    wastage_line.label(context.source, &context.billing.terms)
                ),
            );
        }
    }
}

/// Remove JZ from the administered line; not for fix-all, since the JW line may be the
/// mistake instead.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    fixes.extend(modifiers::removal(context, diagnostic.span, true, false));
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn fires_only_for_the_same_code_and_date() {
        let environment = Environment::default();
        let rule = "jz-with-wastage-line";
        let beside =
            claim("MB", &[("SV1*HC:J2700:JZ*40*UN*3***1", "20260115"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")]);
        let found = findings(rule, &beside, &environment);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "JZ");
        assert!(found[0].1.message.contains("service line 2"), "{}", found[0].1.message);
        let other_day =
            claim("MB", &[("SV1*HC:J2700:JZ*40*UN*3***1", "20260114"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")]);
        assert!(findings(rule, &other_day, &environment).is_empty());
    }
}
