//! `unexpected-segment`: a segment id that neither 837 guide nor the envelope defines.
//!
//! Only transactions that follow 837P 005010X222A1 or 837I 005010X223A2 are judged;
//! other versions (837D, 4010) are parsed structurally and their bodies left alone.
//!
//! Translators reject unknown segments (999 IK3 code 1, "unrecognized segment id"); most
//! are typos or pieces of another transaction pasted in. Source: 837P 005010X222A1 and
//! 837I 005010X223A2 segment tables (via pyx12's maps).

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::model::TransactionKind;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::SegmentTag;

pub static RULE: Rule = Rule {
    id: "unexpected-segment",
    default_severity: Severity::Error,
    summary: "A segment id that the 837 guides do not define",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Model,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    // Only the 5010 837P and 837I guides are known here: the bodies of other
    // transactions (837D dental, 4010) are not judged against them.
    let unjudged: Vec<std::ops::Range<usize>> = file
        .transactions()
        .filter(|t| t.kind == TransactionKind::Other)
        .map(|t| t.st.map_or(t.segments.start, |st| st + 1)..t.se.unwrap_or(t.segments.end))
        .collect();
    // Files repeat a few dozen ids: decide each distinct id once.
    let mut known: Vec<(SegmentTag, bool)> = Vec::new();
    for (index, tag) in file.tree.tags().iter().enumerate() {
        let verdict = match known.iter().find(|(seen, _)| seen == tag) {
            Some((_, verdict)) => *verdict,
            None => {
                let id = file.segment_id(index);
                let verdict = !id.is_empty() && *tag != SegmentTag::of("") && crate::guide::is_known_segment(id);
                known.push((*tag, verdict));
                verdict
            }
        };
        if verdict || unjudged.iter().any(|range| range.contains(&index)) {
            continue;
        }
        let Some(segment) = file.tree.segment(index) else { continue };
        let id = segment.id(&file.text);
        if id.is_empty() && segment.element_count() > 0 {
            // Elements with no segment id before them: a segment whose id was lost.
            let count = segment.element_count();
            let plural = if count == 1 { "element" } else { "elements" };
            report.add(
                segment.span(),
                format!(
                    "segment without an identifier: it starts with an element separator, so its {count} {plural} \
                     belong to no segment; put the segment id (DTP, REF …) back in front, or remove it"
                ),
            );
        } else if id.is_empty() {
            report.add(segment.span(), "empty segment: two terminators in a row");
        } else if !crate::guide::is_known_segment(id) {
            // Only a plausible id is quoted: a long one may be pasted text holding patient data.
            let shown = if id.len() <= 3 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                format!("segment {id}")
            } else {
                "this segment id".to_string()
            };
            report.add(segment.id_span(), format!("{shown} is not defined by the 837 implementation guides"));
        }
    }
}

/// "Remove empty segment": a lone terminator (`~~`) carries nothing, and SE01 does not
/// count it, so deleting it is the one repair. Unknown ids are typos or pasted text: no
/// single repair.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(index) = context.segment_at(diagnostic.span.start) else { return };
    let Some(segment) = context.file.tree.segment(index) else { return };
    let lone_terminator = segment.terminator().is_some_and(|terminator| terminator == segment.span());
    if lone_terminator && segment.span() == diagnostic.span {
        fixes.extend(context.fix("Remove empty segment", vec![Edit::replace(segment.span(), "")], true, true));
    }
}
