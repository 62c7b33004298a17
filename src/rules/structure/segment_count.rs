//! `segment-count`: SE01 must count the segments from ST through SE.
//!
//! Receivers check SE01 before anything else and reject the whole transaction set when it
//! is wrong (999 acknowledgment, IK5 code). Source: 837 guides, SE segment notes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{totals, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "segment-count",
    default_severity: Severity::Error,
    summary: "SE01 does not equal the number of segments from ST to SE",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for transaction in file.transactions() {
        let (Some(expected), Some(se)) = (totals::segment_count(file, transaction), transaction.se) else { continue };
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

fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(transaction) = context.transaction_at(diagnostic.span.start) else { return };
    let Some(edit) = totals::se01_repair(context.file, transaction) else { return };
    let title = format!("Fix SE01: {} segments", edit.text);
    fixes.extend(context.fix(title, vec![edit], true, true));
}
