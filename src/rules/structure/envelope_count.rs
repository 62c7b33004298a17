//! `envelope-count`: GE01 counts the transaction sets of its group, IEA01 the groups of
//! its interchange.
//!
//! A wrong count makes the receiver reject the group or the interchange (TA1 / 999).
//! Source: X12 5010 control segments GE and IEA.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::model::{FunctionalGroup, Interchange};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "envelope-count",
    default_severity: Severity::Error,
    summary: "GE01 or IEA01 does not count what its envelope holds",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for interchange in &file.interchanges {
        if let Some(iea) = interchange.iea {
            let groups = group_count(interchange);
            compare(context, report, iea, "IEA01", groups, ("functional group", "functional groups"), "GS");
        }
        for group in &interchange.groups {
            if let Some(ge) = group.ge {
                let transactions = transaction_count(group);
                compare(context, report, ge, "GE01", transactions, ("transaction set", "transaction sets"), "ST");
            }
        }
    }
}

/// IEA01: the functional groups (GS) of the interchange.
fn group_count(interchange: &Interchange) -> usize {
    interchange.groups.iter().filter(|g| g.gs.is_some()).count()
}

/// GE01: the transaction sets (ST) of the group.
fn transaction_count(group: &FunctionalGroup) -> usize {
    group.transactions.iter().filter(|t| t.st.is_some()).count()
}

fn compare(
    context: &RuleContext<'_>,
    report: &mut Report<'_>,
    trailer: usize,
    element: &str,
    expected: usize,
    (one, many): (&str, &str),
    header: &str,
) {
    let file = context.file;
    let written = file.value(trailer, 1);
    if written.parse::<usize>().ok() != Some(expected) {
        let shown = if written.is_empty() { "missing" } else { written };
        let what = if expected == 1 { one } else { many };
        report.add(
            file.element_or_segment_span(trailer, 1),
            format!("{element} is {shown}, but the envelope holds {expected} {what} ({header}); expected {expected}"),
        );
    }
}

/// "Fix GE01" / "Fix IEA01": the count of what the envelope holds.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let file = context.file;
    let Some(trailer) = context.segment_at(diagnostic.span.start) else { return };
    let Some(count_span) = file.element_span(trailer, 1).filter(|span| *span == diagnostic.span) else { return };
    for interchange in &file.interchanges {
        let expected = if interchange.iea == Some(trailer) {
            Some(("IEA01", group_count(interchange)))
        } else {
            interchange
                .groups
                .iter()
                .find(|group| group.ge == Some(trailer))
                .map(|group| ("GE01", transaction_count(group)))
        };
        if let Some((element, count)) = expected {
            let title = format!("Fix {element}: {count}");
            fixes.extend(context.fix(title, vec![Edit::replace(count_span, count.to_string())], true, true));
            return;
        }
    }
}
