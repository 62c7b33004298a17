//! The one place a finding's severity is decided.
//!
//! A claim-level rule takes the most specific setting for the claim's payer — payer id,
//! then payer class, then the user's `policy` defaults, then the top-level `rules` —
//! and otherwise its default under that payer's policy. A file- or transaction-level
//! rule (envelopes, counts, syntax) takes only the top-level `rules` setting: no payer
//! owns a transaction, and settings reading warns about a payer entry that names one.

use super::{Rule, RuleScope};
use crate::config::{PayerPolicy, RuleLevel, Settings};
use crate::diagnostic::Severity;

/// The severity of a finding of `rule`, for a claim under `policy` (`None` for a finding
/// no claim owns); `None` when the rule is off there.
pub fn severity(rule: &Rule, settings: &Settings, policy: Option<&PayerPolicy>) -> Option<Severity> {
    // The merged policy holds the top-level levels under the payer's own.
    let policy = policy.filter(|_| rule.scope == RuleScope::Claim);
    let level = match policy {
        Some(policy) => policy.rules.get(rule.id),
        None => settings.rules.get(rule.id),
    };
    match level {
        Some(RuleLevel::Off) => None,
        Some(RuleLevel::On(severity)) => Some(*severity),
        None => Some(policy.and_then(|p| rule.default_for_policy.and_then(|f| f(p))).unwrap_or(rule.default_severity)),
    }
}

/// Whether the rule can report anything under these settings: when the top level leaves
/// it on, or — for a claim-level rule — when some payer layer turns it on.
pub fn may_report(rule: &Rule, settings: &Settings) -> bool {
    if settings.rules.get(rule.id) != Some(&RuleLevel::Off) {
        return true;
    }
    rule.scope == RuleScope::Claim
        && std::iter::once(&settings.policy)
            .chain(settings.payer_classes.values())
            .chain(settings.payers.values())
            .any(|layer| matches!(layer.rules.get(rule.id), Some(RuleLevel::On(_))))
}
