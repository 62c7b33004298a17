//! `drug-line-missing-ndc`: drug lines carry an NDC when the payer requires one.
//!
//! State Medicaid programs must collect NDCs on physician-administered drug claims to
//! bill manufacturer rebates (Deficit Reduction Act of 2005, section 6002), so Medicaid
//! claims (SBR09 `MC`) need loop 2410 (LIN NDC, CTP quantity) on every drug line; other
//! payers are asked through the `ndcRequired` policy setting. NOC codes are left to
//! noc-missing-description, which asks for their NDC with any payer. Source: DRA 2005
//! §6002; 837P/837I guides, loop 2410.

use super::billed_lines;
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "drug-line-missing-ndc",
    default_severity: Severity::Warning,
    summary: "A drug line without a 2410 NDC loop for a payer that requires NDCs",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs() else { continue };
        let Some(record) = line.record else { continue };
        if !record.is_drug() || record.is_noc() || line.has_ndc(source) {
            continue;
        }
        let policy = context.policy_of(line);
        if policy.ndc_required != Some(true) {
            continue;
        }
        let terms = &context.billing.terms;
        let payer_class = context.claim_of(line).and_then(|claim| claim.payer_class).map(|class| context.text(class));
        let why = match payer_class {
            Some("MC") => format!("Medicaid ({} MC) requires the NDC of drug lines", terms.payer_class),
            _ => "this payer's policy (ndcRequired) requires the NDC of drug lines".to_string(),
        };
        report.add_for(&policy, span, format!("{code} has no {}: {why}; {}", terms.ndc_place, terms.ndc_remedy));
    }
}
