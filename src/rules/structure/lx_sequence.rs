//! `lx-sequence`: LX01 numbers the service lines of a claim 1, 2, 3 … in order.
//!
//! Remittances (835 SVC/LX) and line-level denials refer back to these numbers; a gap
//! or a repeat makes line adjustments land on the wrong line. Source: 837 guides, loop
//! 2400 LX01 "Assigned Number".

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixContext};
use crate::model::{Claim, ClaimFile};
use crate::rules::{Report, Rule, RuleContext};

pub static RULE: Rule = Rule {
    id: "lx-sequence",
    default_severity: Severity::Error,
    summary: "LX01 does not number the claim's service lines 1, 2, 3 …",
    check,
    fix: Some(fix),
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

/// The edits that number the claim's lines 1, 2, 3 … (none when they are already).
/// Lines whose LX has no LX01 element to write into are left alone.
pub(crate) fn repairs(file: &ClaimFile, claim: &Claim) -> Vec<Edit> {
    claim
        .lines
        .iter()
        .enumerate()
        .filter(|(index, line)| line.number(file).parse::<usize>().ok() != Some(index + 1))
        .filter_map(|(index, line)| Some(Edit::replace(file.element_span(line.lx, 1)?, (index + 1).to_string())))
        .collect()
}

fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some((_, claim)) = context.claim_at(diagnostic.span.start) else { return };
    let title = format!("Renumber LX: lines 1 to {} of this claim", claim.lines.len());
    fixes.extend(context.fix(title, repairs(context.file, claim), true, true));
}
