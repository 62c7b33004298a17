//! `wastage-modifier-on-non-drug`: JW and JZ belong on drug lines only.
//!
//! JW and JZ report what happened to the rest of a single-dose drug container. On an
//! administration code, a supply or any CPT code they mean nothing and payers deny the
//! line or return the claim. A code counts as a drug when CMS prices it as one (pricing
//! indicator 51) or files it under a drug BETOS class; CPT codes never do. Codes missing
//! from the loaded HCPCS table are left to the code rules. Source: CMS MLN "JW and JZ
//! modifier policy" FAQ; Medicare Claims Processing Manual (Pub. 100-04) ch. 17 §40.

use super::{NO_WASTAGE, WASTAGE};
use crate::codes::{self, CodeShape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "wastage-modifier-on-non-drug",
    default_severity: Severity::Error,
    summary: "JW or JZ on a code that is not a drug",
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
            let why = match (codes::shape(line.code), context.codes.procedure(line.code)) {
                (CodeShape::Cpt, _) => "a CPT code, not a drug",
                (_, Some(code)) if !code.is_drug() => "not a drug or biological in the CMS HCPCS table",
                _ => continue,
            };
            for modifier in line.modifiers().filter(|m| m.text == WASTAGE || m.text == NO_WASTAGE) {
                report.add_for(
                    &policy,
                    modifier.span,
                    format!(
                        "{} {} reports drug wastage, but {} is {why}; remove {}",
                        modifier.element, modifier.text, line.code, modifier.text
                    ),
                );
            }
        }
    }
}

/// Remove the JW or JZ; not applied by fix-all, since the code may be what is wrong.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    fixes.extend(modifiers::removal(context, diagnostic.span, true, false));
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn fires_on_cpt_and_non_drug_level_ii_codes() {
        let environment = Environment::default();
        let rule = "wastage-modifier-on-non-drug";
        let cpt = claim("MB", &[("SV1*HC:96365:JZ*100*UN*1***1", "20260115")]);
        assert_eq!(findings(rule, &cpt, &environment).len(), 1);
        // J7296 is a contraceptive system: pricing 00, BETOS P6C.
        let device = claim("MB", &[("SV1*HC:J7296:JW*100*UN*1***1", "20260115")]);
        assert_eq!(findings(rule, &device, &environment)[0].0, "JW");
        let drug = claim("MB", &[("SV1*HC:J2700:JZ*40*UN*4***1", "20260115")]);
        assert!(findings(rule, &drug, &environment).is_empty());
    }
}
