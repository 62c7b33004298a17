//! `ig-element-not-used`: an element the guide marks Not Used carries a value.
//!
//! The guide marks some elements Not Used (NM1 10/11 on most names, SV1 08) and defines a fixed
//! number of elements per segment; a value there is a 999 rejection (IK4 code 10, "exclusion
//! condition violated", or code 3 "too many elements"). Source: pyx12 map element usage `N`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Fix, FixContext};
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-element-not-used",
    default_severity: Severity::Error,
    summary: "An element the guide marks Not Used carries a value",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::ElementNotUsed);
}

/// The repair the validation attached to this finding, when there is exactly one.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    super::repair(context, diagnostic, GuideCheck::ElementNotUsed, fixes);
}
