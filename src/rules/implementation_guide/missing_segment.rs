//! `ig-missing-segment`: a segment the guide requires in its loop is absent.
//!
//! A loop that lacks a segment the guide marks Required (2010AA without N4, 2300 without HI) is rejected by the
//! clearinghouse's 999 (IK3 code 3, "required segment missing"). Reported on the segment where the
//! missing one should have come (or the loop's last segment). Source: pyx12 map usage `R` per
//! segment, 837P `837.5010.X222.A1.xml` and 837I `837Q3.I.5010.X223.A1.xml`.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-missing-segment",
    default_severity: Severity::Error,
    summary: "A segment the guide requires in its loop is absent",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::MissingSegment);
}
