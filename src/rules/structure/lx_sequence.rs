//! `lx-sequence`: LX01 numbers the service lines of a claim 1, 2, 3 … in order.
//!
//! Remittances (835 SVC/LX) and line-level denials refer back to these numbers; a gap
//! or a repeat makes line adjustments land on the wrong line. Source: 837 guides, loop
//! 2400 LX01 "Assigned Number".

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{totals, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "lx-sequence",
    default_severity: Severity::Error,
    summary: "LX01 does not number the claim's service lines 1, 2, 3 …",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for (_, claim) in file.claims() {
        for (index, line) in claim.lines.iter().enumerate() {
            let expected = index + 1;
            let written = line.number(file);
            if written.parse::<usize>().ok() != Some(expected) {
                let shown = if written.is_empty() { "missing" } else { written };
                report.add(
                    file.element_or_segment_span(line.lx, 1),
                    format!("LX01 is {shown}; service line {expected} of this claim must be numbered {expected}"),
                );
            }
        }
    }
}

fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some((_, claim)) = context.claim_at(diagnostic.span.start) else { return };
    let title = format!("Renumber LX: lines 1 to {} of this claim", claim.lines.len());
    fixes.extend(context.fix(title, totals::lx_repairs(context.file, claim), true, true));
}
