//! `segment-count`: SE01 must count the segments from ST through SE.
//!
//! Receivers check SE01 before anything else and reject the whole transaction set when it
//! is wrong (999 acknowledgment, IK5 code). Source: 837 guides, SE segment notes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixContext};
use crate::model::{ClaimFile, Transaction};
use crate::rules::{Report, Rule, RuleContext};
use crate::syntax::SegmentTag;

pub static RULE: Rule = Rule {
    id: "segment-count",
    default_severity: Severity::Error,
    summary: "SE01 does not equal the number of segments from ST to SE",
    check,
    fix: Some(fix),
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for transaction in file.transactions() {
        let (Some(expected), Some(se)) = (expected(file, transaction), transaction.se) else { continue };
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

/// The segments from ST through SE, when the transaction has both.
fn expected(file: &ClaimFile, transaction: &Transaction) -> Option<usize> {
    let (st, se) = (transaction.st?, transaction.se?);
    // `~~` is no segment: unexpected-segment reports it, and deleting it must not
    // leave SE01 wrong, so it is not counted here.
    let empty = SegmentTag::of("");
    Some(file.tree.tags().get(st..=se).map_or(0, |tags| tags.iter().filter(|tag| **tag != empty).count()))
}

/// The edit that makes SE01 count the transaction's segments; `None` when it does
/// already (or the transaction has no SE01 to write to).
pub(crate) fn repair(file: &ClaimFile, transaction: &Transaction) -> Option<Edit> {
    let expected = expected(file, transaction)?;
    let se01 = file.element_span(transaction.se?, 1)?;
    (se01.text(&file.text).parse::<usize>().ok() != Some(expected)).then(|| Edit::replace(se01, expected.to_string()))
}

fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(transaction) = context.transaction_at(diagnostic.span.start) else { return };
    let Some(edit) = repair(context.file, transaction) else { return };
    let title = format!("Fix SE01: {} segments", edit.text);
    fixes.extend(context.fix(title, vec![edit], true, true));
}
