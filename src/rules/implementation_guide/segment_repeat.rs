//! `ig-segment-repeat`: a segment or loop repeated more than the guide allows.
//!
//! The guide limits each segment's uses (`max_use`) and each loop's repeats (2010AA once, 2400 up to
//! 50 per claim); one more is a 999 rejection (IK3 code 5, "segment exceeds maximum use"). Source:
//! pyx12 map `max_use` and loop `repeat`.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-segment-repeat",
    default_severity: Severity::Error,
    summary: "A segment or loop repeated more than the guide allows",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::SegmentRepeat);
}
