//! `envelope-mismatch`: every header has its trailer and their control numbers agree
//! (ISA13 = IEA02, GS06 = GE02, ST02 = SE02).
//!
//! Receivers pair envelopes by control number; a mismatch or a missing trailer rejects
//! the whole envelope. Source: X12 5010 control segments; 837 guides, ST/SE notes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::model::ClaimFile;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::SegmentIndex;

pub static RULE: Rule = Rule {
    id: "envelope-mismatch",
    default_severity: Severity::Error,
    summary: "A header has no trailer, or their control numbers differ",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

/// One kind of envelope: its segment ids and control-number positions.
struct Envelope {
    header: &'static str,
    trailer: &'static str,
    header_position: usize,
    trailer_position: usize,
}

const INTERCHANGE: Envelope = Envelope { header: "ISA", trailer: "IEA", header_position: 13, trailer_position: 2 };
const GROUP: Envelope = Envelope { header: "GS", trailer: "GE", header_position: 6, trailer_position: 2 };
const TRANSACTION: Envelope = Envelope { header: "ST", trailer: "SE", header_position: 2, trailer_position: 2 };

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for (envelope, header, trailer) in envelopes(file) {
        pair(file, report, envelope, header, trailer);
    }
}

/// Every header/trailer pair of the file, in order: interchanges, groups, transactions.
fn envelopes(file: &ClaimFile) -> Vec<(&'static Envelope, Option<SegmentIndex>, Option<SegmentIndex>)> {
    let mut pairs = Vec::new();
    for interchange in &file.interchanges {
        pairs.push((&INTERCHANGE, interchange.isa, interchange.iea));
        for group in &interchange.groups {
            // A group the model made up for a file without GS/GE says nothing here.
            if group.gs.is_some() || group.ge.is_some() {
                pairs.push((&GROUP, group.gs, group.ge));
            }
            pairs.extend(group.transactions.iter().map(|t| (&TRANSACTION, t.st, t.se)));
        }
    }
    pairs
}

fn pair(
    file: &ClaimFile,
    report: &mut Report<'_>,
    envelope: &Envelope,
    header: Option<SegmentIndex>,
    trailer: Option<SegmentIndex>,
) {
    let Envelope { header: h, trailer: t, header_position, trailer_position } = *envelope;
    match (header, trailer) {
        (Some(header), Some(trailer)) => {
            let expected = file.value(header, header_position);
            let written = file.value(trailer, trailer_position);
            if expected != written {
                report.add(
                    file.element_or_segment_span(trailer, trailer_position),
                    format!(
                        "{t}{trailer_position:02} must equal {h}{header_position:02} ({expected}); found {}",
                        shown(written)
                    ),
                );
            }
        }
        (Some(header), None) => report.add(
            file.segment_id_span(header),
            format!(
                "{h} with control number {} has no matching {t} trailer",
                shown(file.value(header, header_position))
            ),
        ),
        (None, Some(trailer)) => {
            report.add(file.segment_id_span(trailer), format!("{t} without a matching {h} header"));
        }
        (None, None) => {}
    }
}

fn shown(value: &str) -> &str {
    if value.is_empty() {
        "nothing"
    } else {
        value
    }
}

/// "Fix control number": the trailer takes its header's number (the header is what the
/// acknowledgments and the other envelope's records refer to).
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let file = context.file;
    let Some(trailer) = context.segment_at(diagnostic.span.start) else { return };
    let Some((envelope, Some(header), _)) = envelopes(file).into_iter().find(|(_, _, t)| *t == Some(trailer)) else {
        return;
    };
    let Some(span) = file.element_span(trailer, envelope.trailer_position) else { return };
    let expected = file.value(header, envelope.header_position);
    if expected.is_empty() {
        return;
    }
    let title = format!("Fix control number: {}{:02} = {expected}", envelope.trailer, envelope.trailer_position);
    fixes.extend(context.fix(title, vec![Edit::replace(span, expected)], true, true));
}
