//! `ig-element-length`: an element shorter or longer than the guide allows.
//!
//! Each element has a minimum and maximum length (`dataele.xml`: NM103 1-60, DTP03 as D8 is 8,
//! N403 3-15); a value outside them is a 999 rejection (IK4 code 4 or 5). Numbers are measured
//! without sign and decimal point, as X12 does. Source: pyx12 `dataele.xml`.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-element-length",
    default_severity: Severity::Error,
    summary: "An element shorter or longer than the guide allows",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::ElementLength);
}
