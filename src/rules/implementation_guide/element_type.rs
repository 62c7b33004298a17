//! `ig-element-type`: an element that is not of its data type.
//!
//! X12 types each element: N (whole number), R (decimal), DT (CCYYMMDD date), TM (HHMM time), ID and
//! AN (text from the X12 extended character set). Letters in an amount, a six-digit date or a
//! control character are 999 rejections (IK4 codes 6, 8, 9). Source: pyx12 `dataele.xml` and its
//! validation rules.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-element-type",
    default_severity: Severity::Error,
    summary: "An element that is not of its data type",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let findings = context.guide_findings().iter().filter(|f| f.check == GuideCheck::ElementType);
    for finding in findings.filter(|f| !f.typed_element.is_some_and(judged_elsewhere)) {
        report.add(finding.span, finding.message.clone());
    }
}

/// Dates in DTP03 and DMG02 are `invalid-date`'s, and the claim's amounts and
/// quantities `invalid-number`'s: one mistake, one finding.
fn judged_elsewhere(ref_des: &str) -> bool {
    if matches!(ref_des, "DTP03" | "DMG02") {
        return true;
    }
    crate::rules::structure::invalid_number::NUMERIC_ELEMENTS.iter().any(|(id, positions)| {
        ref_des.strip_prefix(id).and_then(|rest| rest.parse::<usize>().ok()).is_some_and(|p| positions.contains(&p))
    })
}
