//! `envelope-count`: GE01 counts the transaction sets of its group, IEA01 the groups of
//! its interchange.
//!
//! A wrong count makes the receiver reject the group or the interchange (TA1 / 999).
//! Source: X12 5010 control segments GE and IEA.

use crate::diagnostic::Severity;
use crate::rules::{Report, Rule, RuleContext};

pub static RULE: Rule = Rule {
    id: "envelope-count",
    default_severity: Severity::Error,
    summary: "GE01 or IEA01 does not count what its envelope holds",
    check,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for interchange in &file.interchanges {
        if let Some(iea) = interchange.iea {
            let groups = interchange.groups.iter().filter(|g| g.gs.is_some()).count();
            compare(context, report, iea, "IEA01", groups, ("functional group", "functional groups"), "GS");
        }
        for group in &interchange.groups {
            if let Some(ge) = group.ge {
                let transactions = group.transactions.iter().filter(|t| t.st.is_some()).count();
                compare(context, report, ge, "GE01", transactions, ("transaction set", "transaction sets"), "ST");
            }
        }
    }
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
