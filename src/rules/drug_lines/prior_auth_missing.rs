//! `prior-auth-missing`: codes the payer authorizes in advance carry the authorization.
//!
//! Commercial and Medicaid payers list drugs that need prior authorization; the claim
//! then reports the authorization number in REF*G1, at the claim (2300) or on the line
//! (2400), or the line is denied. Which codes need it is payer policy
//! (`priorAuthorization`); nothing is assumed. Source: 837P/837I guides, 2300 and 2400
//! REF*G1 (Prior Authorization).

use super::billed_lines;
use crate::diagnostic::Severity;
use crate::model::ClaimFile;
use crate::rules::{Report, Rule, RuleContext, RuleScope};
use crate::syntax::SegmentIndex;

pub static RULE: Rule = Rule {
    id: "prior-auth-missing",
    default_severity: Severity::Warning,
    summary: "A code the payer's policy lists for prior authorization, on a claim without REF*G1",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads_tree_only: false,
    default_for_policy: None,
};

fn has_number(file: &ClaimFile, reference: Option<SegmentIndex>) -> bool {
    reference.is_some_and(|segment| !file.value(segment, 2).trim().is_empty())
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs(file) else { continue };
        let policy = context.policy(line.transaction, line.claim);
        if !policy.prior_authorization.contains(code)
            || has_number(file, line.claim.prior_authorization)
            || has_number(file, line.line.prior_authorization)
        {
            continue;
        }
        report.add_for(
            &policy,
            span,
            format!("{code} needs prior authorization for this payer (priorAuthorization), but neither the claim nor the line has REF*G1; add REF*G1*<authorization number>"),
        );
    }
}
