//! `hl-structure`: HL01 numbers 1, 2, 3 … within a transaction, and HL02 names a level
//! that came before.
//!
//! Payers rebuild the billing provider → subscriber → patient tree from HL01/HL02; a gap
//! or a parent that does not exist detaches claims from their subscriber and payer.
//! Source: 837 guides, HL segment notes (2000A, 2000B, 2000C).

use std::collections::HashSet;

use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "hl-structure",
    default_severity: Severity::Error,
    summary: "HL ids are not sequential or name an unknown parent",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for transaction in file.transactions() {
        let mut seen: HashSet<&str> = HashSet::new();
        for (index, level) in transaction.levels.iter().enumerate() {
            let expected = index + 1;
            let id = file.value(level.hl, 1);
            if id.parse::<usize>().ok() != Some(expected) {
                let shown = if id.is_empty() { "missing" } else { id };
                report.add(
                    file.element_or_segment_span(level.hl, 1),
                    format!("HL01 is {shown}; hierarchical ids must run 1, 2, 3 … in order, expected {expected}"),
                );
            }
            let parent = file.value(level.hl, 2);
            if !parent.is_empty() && !seen.contains(parent) {
                report.add(
                    file.element_or_segment_span(level.hl, 2),
                    format!("HL02 names parent {parent}, but no earlier HL in this transaction has that id"),
                );
            }
            seen.insert(id);
        }
    }
}
