//! `prior-auth-missing`: codes the payer authorizes in advance carry the authorization.
//!
//! Commercial and Medicaid payers list drugs that need prior authorization; the claim
//! then reports the authorization number in REF*G1, at the claim (2300) or on the line
//! (2400), or the line is denied. Which codes need it is payer policy
//! (`priorAuthorization`); nothing is assumed. Source: 837P/837I guides, 2300 and 2400
//! REF*G1 (Prior Authorization).

use super::billed_lines;
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    id: "prior-auth-missing",
    default_severity: Severity::Warning,
    summary: "A code the payer's policy lists for prior authorization, on a claim without REF*G1",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn has_number(source: &str, reference: Option<Span>) -> bool {
    reference.is_some_and(|number| !number.text(source).trim().is_empty())
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs() else { continue };
        let policy = context.policy_of(line);
        if !policy.prior_authorization.contains(code)
            || has_number(source, context.claim_of(line).and_then(|claim| claim.prior_authorization))
            || has_number(source, line.prior_authorization)
        {
            continue;
        }
        report.add_for(
            &policy,
            span,
            format!(
                "{code} needs prior authorization for this payer (priorAuthorization), but neither the claim nor the line has {}; {}",
                context.billing.terms.prior_auth_place, context.billing.terms.prior_auth_remedy
            ),
        );
    }
}
