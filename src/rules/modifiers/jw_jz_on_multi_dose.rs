//! `jw-jz-on-multi-dose`: JW and JZ are not used on a drug from a multi-dose container.
//!
//! The discarded-drug policy pays for what is left in a single-dose container; waste from a
//! multi-dose container is not paid, and neither modifier applies to it ("The use of these
//! modifiers is not appropriate for drugs that are from multiple dose containers"). The
//! payer policy's `multiDoseCodes` names the codes the user's practice buys in multi-dose
//! containers, so JW or JZ on one of them is reported. Source: CMS "Discarded Drugs and
//! Biologicals – JW Modifier and JZ Modifier Policy Frequently Asked Questions"
//! (<https://www.cms.gov/medicare/medicare-fee-for-service-payment/hospitaloutpatientpps/downloads/jw-modifier-faqs.pdf>);
//! Medicare Claims Processing Manual (Pub. 100-04) ch. 17 §40.

use super::{NO_WASTAGE, WASTAGE};
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{modifiers, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "jw-jz-on-multi-dose",
    default_severity: Severity::Warning,
    summary: "JW or JZ on a code the payer policy lists in multiDoseCodes",
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
        if policy.multi_dose_codes.is_empty() {
            continue;
        }
        for line in context.claim_lines(claim) {
            if line.code.is_empty() || !policy.multi_dose_codes.contains(line.code) {
                continue;
            }
            for modifier in line.modifiers().filter(|m| m.text == WASTAGE || m.text == NO_WASTAGE) {
                let remedy = if modifier.text == WASTAGE {
                    "waste from a multi-dose container is not billed: remove this line"
                } else {
                    "remove JZ"
                };
                report.add_for(
                    &policy,
                    modifier.span,
                    format!(
                        "{} {}: {} is listed in multiDoseCodes, and JW and JZ apply only to drugs from \
                         single-dose containers; {remedy}",
                        modifier.element, modifier.text, line.code
                    ),
                );
            }
        }
    }
}

/// Remove JZ; a JW line bills the waste itself, so taking JW off would turn it into a
/// second administered line: that line is for the biller to delete.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    if diagnostic.span.text(context.source) == NO_WASTAGE {
        fixes.extend(modifiers::removal(context, diagnostic.span, true, false));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::config::{Environment, Settings};
    use crate::rules::modifiers::testing::{claim, findings};

    const RULE: &str = "jw-jz-on-multi-dose";

    fn multi_dose(codes: serde_json::Value) -> Environment {
        let (settings, warnings) =
            Settings::from_json(&json!({"policy": {"multiDoseCodes": codes}}), None, crate::rules::scope_of);
        assert!(warnings.is_empty(), "{warnings:?}");
        Environment { settings, ..Environment::default() }
    }

    #[test]
    fn jw_and_jz_on_a_listed_multi_dose_code_are_reported() {
        let lines = [
            ("SV1*HC:J1642:JZ*10*UN*5***1", "20260115"),
            ("SV1*HC:J2700*40*UN*3***1", "20260115"),
            ("SV1*HC:J2700:JW*10*UN*1***1", "20260115"),
        ];
        let found = findings(RULE, &claim("MB", &lines), &multi_dose(json!(["J1642", "J2700"])));
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["JZ", "JW"]);
        assert!(
            found[0].1.message.starts_with("SV101-3 JZ: J1642 is listed in multiDoseCodes"),
            "{}",
            found[0].1.message
        );
        // Without the list (every code counts as single-dose) the modifiers are right.
        assert!(findings(RULE, &claim("MB", &lines), &Environment::default()).is_empty());
        assert!(findings(RULE, &claim("MB", &lines), &multi_dose(json!(["J9999"]))).is_empty());
    }
}
