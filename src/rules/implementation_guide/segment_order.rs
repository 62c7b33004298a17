//! `ig-segment-order`: a segment known to the guide but out of place.
//!
//! A segment the guide defines, found after segments the guide puts after it, or in a loop that
//! does not take it, is "segment not in proper sequence" (IK3 code 4) or "unexpected segment"
//! (IK3 code 2) on the 999. Ids the guides do not know at all are `unexpected-segment`'s. Source:
//! pyx12 map segment and loop positions (`pos`).

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-segment-order",
    default_severity: Severity::Error,
    summary: "A segment known to the guide but out of place",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::SegmentOrder);
}
