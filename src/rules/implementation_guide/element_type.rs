//! `ig-element-type`: an element that is not of its data type.
//!
//! X12 types each element: N (whole number), R (decimal), DT (CCYYMMDD date), TM (HHMM time), ID and
//! AN (text from the X12 extended character set). Letters in an amount, a six-digit date or a
//! control character are 999 rejections (IK4 codes 6, 8, 9). Source: pyx12 `dataele.xml` and its
//! validation rules.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-element-type",
    default_severity: Severity::Error,
    summary: "An element that is not of its data type",
    check,
    fix: None,
    scope: RuleScope::File,
    reads_tree_only: false,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::ElementType);
}
