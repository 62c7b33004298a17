//! `ig-syntax-rule`: a broken X12 syntax note (paired, required, exclusion, conditional).
//!
//! X12 syntax notes tie elements of a segment together: `P0809` (NM108 and NM109 both or neither),
//! `R0203` (at least one), `E0207` (not both), `C1110` (if the first, then the others), `L…` (if
//! the first, then one of the others). A broken note is a 999 rejection (IK4 code 2 or 10).
//! Source: pyx12 map `syntax` per segment.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Fix, FixContext};
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-syntax-rule",
    default_severity: Severity::Error,
    summary: "A broken X12 syntax note (paired, required, exclusion, conditional)",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::SyntaxRule);
}

/// The repair the validation attached to this finding, when there is exactly one.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    super::repair(context, diagnostic, GuideCheck::SyntaxRule, fixes);
}
