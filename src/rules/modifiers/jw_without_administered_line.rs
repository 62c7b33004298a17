//! `jw-without-administered-line`: a JW line needs an administered line beside it.
//!
//! JW reports only the discarded part of a single-dose container, on its own line. The
//! administered amount goes on another line of the same claim with the same HCPCS code
//! and date of service and without JW. A JW line alone bills waste for a drug nobody was
//! given. Source: CMS MLN "JW and JZ modifier policy" FAQ; Medicare Claims Processing
//! Manual (Pub. 100-04) ch. 17 §40.

use super::WASTAGE;
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "jw-without-administered-line",
    default_severity: Severity::Error,
    summary: "A JW (discarded amount) line has no administered line for the same code and date",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for claim in context.claims() {
        let policy = context.policy(claim);
        let lines = context.claim_lines(claim);
        for wastage_line in lines {
            let Some(jw) = wastage_line.modifier(WASTAGE) else { continue };
            if wastage_line.code.is_empty() {
                continue;
            }
            let administered = lines.iter().any(|other| other.same_code_and_date(wastage_line) && !other.has(WASTAGE));
            if !administered {
                report.add_for(
                    &policy,
                    jw.span,
                    format!(
                        "{} JW bills a discarded amount of {} but no line of this claim bills the administered \
                         amount: add a line with {} on the same date of service without JW",
                        jw.element, wastage_line.code, wastage_line.code
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    const RULE: &str = "jw-without-administered-line";

    #[test]
    fn pairs_by_code_and_date_of_service() {
        let environment = Environment::default();
        let paired =
            claim("MB", &[("SV1*HC:J2700*40*UN*3***1", "20260115"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")]);
        assert!(findings(RULE, &paired, &environment).is_empty());
        let other_day =
            claim("MB", &[("SV1*HC:J2700*40*UN*3***1", "20260114"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")]);
        assert_eq!(findings(RULE, &other_day, &environment).len(), 1);
        let other_code =
            claim("MB", &[("SV1*HC:J2410:JZ*40*UN*3***1", "20260115"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")]);
        let found = findings(RULE, &other_code, &environment);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "JW");
    }

    #[test]
    fn two_jw_lines_do_not_pair_with_each_other() {
        let text =
            claim("MB", &[("SV1*HC:J2700:JW*40*UN*3***1", "20260115"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")]);
        assert_eq!(findings(RULE, &text, &Environment::default()).len(), 2);
    }
}
