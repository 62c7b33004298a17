//! `segment-count`: SE01 must count the segments from ST through SE.
//!
//! Receivers check SE01 before anything else and reject the whole transaction set when it
//! is wrong (999 acknowledgment, IK5 code). Source: 837 guides, SE segment notes.

use crate::diagnostic::Severity;
use crate::rules::{Report, Rule, RuleContext};
use crate::syntax::SegmentTag;

pub static RULE: Rule = Rule {
    id: "segment-count",
    default_severity: Severity::Error,
    summary: "SE01 does not equal the number of segments from ST to SE",
    check,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for transaction in file.transactions() {
        let (Some(st), Some(se)) = (transaction.st, transaction.se) else { continue };
        // `~~` is no segment: unexpected-segment reports it, and deleting it must not
        // leave SE01 wrong, so it is not counted here.
        let empty = SegmentTag::of("");
        let expected = file.tree.tags().get(st..=se).map_or(0, |tags| tags.iter().filter(|tag| **tag != empty).count());
        let written = file.value(se, 1);
        if written.parse::<usize>().ok() != Some(expected) {
            let shown = if written.is_empty() { "missing".to_string() } else { written.to_string() };
            report.add(
                file.element_or_segment_span(se, 1),
                format!(
                    "SE01 is {shown}, but the transaction has {expected} segments from ST to SE; expected {expected}"
                ),
            );
        }
    }
}
