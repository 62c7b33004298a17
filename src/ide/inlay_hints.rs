//! Inlay hints: decorations after a value, never bytes in the file — the dose a drug
//! line's units stand for (`= up to 1,000 mg oxacillin sodium`), the meaning of a
//! qualifier (`DTP*472` → `Service Date`), and, opt-in, each segment's guide name.

use crate::codes::{CodeTable, Decimal};
use crate::guide::{self, Guide, LoopTracker};
use crate::model::{ClaimFile, Transaction, TransactionKind};
use crate::syntax::{SegmentIndex, Span};

/// Which hints the user wants (`inlayHints` in the settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HintSettings {
    pub dose: bool,
    pub qualifiers: bool,
    pub segment_names: bool,
}

impl Default for HintSettings {
    fn default() -> Self {
        Self { dose: true, qualifiers: true, segment_names: false }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HintKind {
    Dose,
    Qualifier,
    SegmentName,
}

/// A hint shown at `offset`: after a value, or before a segment for its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub kind: HintKind,
}

/// The hints for the segments that overlap `range`, in document order.
pub fn inlay_hints(file: &ClaimFile, codes: &CodeTable, range: Span, settings: HintSettings) -> Vec<InlayHint> {
    let tree = &file.tree;
    let first = tree.segments.partition_point(|s| s.span().end <= range.start);
    let last = tree.segments.partition_point(|s| s.span().start < range.end).max(first);
    let mut hints = Vec::new();
    if settings.segment_names {
        segment_names(file, first..last, &mut hints);
    }
    if settings.qualifiers {
        for index in first..last {
            qualifier_hints(file, index, &mut hints);
        }
    }
    if settings.dose {
        dose_hints(file, codes, first..last, &mut hints);
    }
    hints.sort_by_key(|hint| (hint.offset, hint.kind != HintKind::SegmentName));
    hints
}

fn guide_of(transaction: &Transaction) -> Option<Guide> {
    match transaction.kind {
        TransactionKind::Professional => Some(Guide::Professional),
        TransactionKind::Institutional => Some(Guide::Institutional),
        TransactionKind::Other => None,
    }
}

/// The guide's name of each segment, with the loop followed from the nearest HL before
/// the range (so a screen's hints cost a screen's segments, not the file's).
fn segment_names(file: &ClaimFile, segments: std::ops::Range<SegmentIndex>, hints: &mut Vec<InlayHint>) {
    for transaction in
        file.transactions().filter(|t| t.segments.start < segments.end && segments.start < t.segments.end)
    {
        let guide = guide_of(transaction).unwrap_or(Guide::Professional);
        let start = segments.start.max(transaction.segments.start);
        let levels = &transaction.levels;
        let nearest = levels.partition_point(|level| level.hl <= start);
        let from = nearest.checked_sub(1).and_then(|i| levels.get(i)).map_or(transaction.segments.start, |l| l.hl);
        let mut tracker = LoopTracker::new(guide);
        for index in from..segments.end.min(transaction.segments.end) {
            let Some(node) = file.tree.segment(index) else { break };
            let id = node.id(&file.text);
            let loop_id = tracker
                .next(id, |position| file.tree.element(node, position).map(|element| element.span().text(&file.text)));
            if index < start {
                continue;
            }
            if let Some(name) = guide::segment_name(guide, loop_id, id) {
                hints.push(InlayHint {
                    offset: node.span().start,
                    label: format!("{name}:"),
                    kind: HintKind::SegmentName,
                });
            }
        }
    }
    // Envelope segments outside any transaction (ISA, GS, GE, IEA).
    for index in segments {
        let id = file.segment_id(index);
        if matches!(id, "ISA" | "GS" | "GE" | "IEA") {
            if let Some(name) = guide::segment_name(Guide::Professional, None, id) {
                let offset = file.segment_span(index).start;
                hints.push(InlayHint { offset, label: format!("{name}:"), kind: HintKind::SegmentName });
            }
        }
    }
}

/// `= Service Date` after `472` in `DTP*472`: every element (or component) whose value
/// is a qualifier we know the meaning of.
fn qualifier_hints(file: &ClaimFile, index: SegmentIndex, hints: &mut Vec<InlayHint>) {
    let Some(segment) = file.tree.segment(index) else { return };
    let id = segment.id(&file.text);
    if id == "ISA" {
        return;
    }
    for (at, element) in file.tree.elements(segment).iter().enumerate() {
        let position = at + 1;
        let span = element.span();
        if span.is_empty() {
            continue;
        }
        let components = segment.components(&file.text, span);
        if components.len() <= 1 {
            let value = span.text(&file.text);
            let meaning = guide::qualifier_meaning(id, position, None, value)
                .or_else(|| guide::qualifier_meaning(id, position, Some(1), value));
            if let Some(meaning) = meaning {
                // DTP01 names what the date is: `472` is the service date.
                let label = if id == "DTP" && position == 1 && !meaning.contains("Date") {
                    format!("{meaning} Date")
                } else {
                    meaning.to_string()
                };
                hints.push(InlayHint { offset: span.end, label, kind: HintKind::Qualifier });
            }
            continue;
        }
        for (number, component) in components.iter().enumerate() {
            let value = component.text(&file.text);
            if let Some(meaning) = guide::qualifier_meaning(id, position, Some(number + 1), value) {
                hints.push(InlayHint { offset: component.end, label: meaning.to_string(), kind: HintKind::Qualifier });
            }
        }
    }
}

/// `= up to 1,000 mg oxacillin sodium` after the units of a drug line.
fn dose_hints(
    file: &ClaimFile,
    codes: &CodeTable,
    segments: std::ops::Range<SegmentIndex>,
    hints: &mut Vec<InlayHint>,
) {
    for transaction in
        file.transactions().filter(|t| t.segments.start < segments.end && segments.start < t.segments.end)
    {
        let claims = &transaction.claims;
        let first = claims.partition_point(|claim| claim.segments.end <= segments.start);
        for claim in claims.iter().skip(first).take_while(|claim| claim.segments.start < segments.end) {
            for line in &claim.lines {
                if !line.service.is_some_and(|s| segments.contains(&s)) {
                    continue;
                }
                let Some(procedure) = line.procedure(file) else { continue };
                if let Some(hint) = dose_hint(file, codes, procedure) {
                    hints.push(hint);
                }
            }
        }
    }
}

fn dose_hint(file: &ClaimFile, codes: &CodeTable, procedure: &crate::model::Procedure) -> Option<InlayHint> {
    let quantity = procedure.quantity?;
    let basis = procedure.unit_basis.map_or("UN", |span| span.text(&file.text));
    if basis != "UN" {
        return None;
    }
    let code = codes.procedure(procedure.code_text(file))?;
    let unit = code.billing_unit()?;
    let units = Decimal::parse(quantity.text(&file.text).trim()).filter(|units| !units.is_negative())?;
    let label = format!("= {}", unit.describe_units(units)?);
    Some(InlayHint { offset: quantity.end, label, kind: HintKind::Dose })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = include_str!("../../fixtures/claims/clean-837p.837");

    fn hints_on(text: &str, needle: &str, settings: HintSettings) -> Vec<(String, String)> {
        let file = ClaimFile::parse(text.to_string());
        let at = text.find(needle).expect("needle");
        let range = Span::new(at, at + needle.len());
        inlay_hints(&file, crate::codes::builtin(), range, settings)
            .into_iter()
            .map(|hint| {
                (
                    text.get(..hint.offset)
                        .unwrap_or_default()
                        .rsplit(['*', ':', '~', '\n'])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    hint.label,
                )
            })
            .collect()
    }

    #[test]
    fn the_units_of_a_drug_line_show_the_dose() {
        let found = hints_on(CLAIM, "SV1*HC:J2700:JZ*40*UN*4***1~", HintSettings::default());
        assert!(found.contains(&("4".to_string(), "= up to 1,000 mg oxacillin sodium".to_string())), "{found:?}");
        assert!(found.contains(&("UN".to_string(), "Unit".to_string())), "{found:?}");
    }

    #[test]
    fn qualifiers_show_their_meaning_and_segment_names_are_opt_in() {
        let found = hints_on(CLAIM, "DTP*472*D8*20260115~", HintSettings::default());
        assert_eq!(found.first(), Some(&("472".to_string(), "Service Date".to_string())), "{found:?}");
        assert!(found.iter().all(|(_, label)| !label.ends_with(':')), "no segment names by default");
        let named =
            hints_on(CLAIM, "DTP*472*D8*20260115~", HintSettings { segment_names: true, ..HintSettings::default() });
        assert!(named.first().is_some_and(|(_, label)| label.starts_with("Date - Service Date")), "{named:?}");
        let off =
            hints_on(CLAIM, "SV1*HC:J2700", HintSettings { dose: false, qualifiers: false, segment_names: false });
        assert!(off.is_empty(), "{off:?}");
    }

    /// The drug line as an editor shows it, hints in ‹›: the text the READMEs quote.
    #[test]
    fn a_drug_line_reads_with_its_hints() {
        let file = ClaimFile::parse(CLAIM.to_string());
        let mut shown = String::new();
        for needle in ["SV1*HC:J2700:JZ*40*UN*4***1~", "DTP*472*D8*20260115~", "CTP****1000*ME~"] {
            let start = CLAIM.find(needle).expect("needle");
            let range = Span::new(start, start + needle.len());
            let mut at = start;
            for hint in inlay_hints(&file, crate::codes::builtin(), range, HintSettings::default()) {
                shown.push_str(&CLAIM[at..hint.offset]);
                shown.push_str(&format!(" ‹{}›", hint.label));
                at = hint.offset;
            }
            shown.push_str(&CLAIM[at..range.end]);
            shown.push('\n');
        }
        expect_test::expect![[r#"
            SV1*HC ‹HCPCS code (CPT or Level II)›:J2700:JZ*40*UN ‹Unit›*4 ‹= up to 1,000 mg oxacillin sodium›***1~
            DTP*472 ‹Service Date›*D8 ‹Date, CCYYMMDD›*20260115~
            CTP****1000*ME ‹Milligram›~
        "#]]
        .assert_eq(&shown);
    }

    #[test]
    fn odd_units_give_no_dose_and_no_panic() {
        for units in ["", "-4", "abc", "99999999999999999999", "4.5"] {
            let text = CLAIM.replace("*UN*4***1~", &format!("*UN*{units}***1~"));
            let file = ClaimFile::parse(text.clone());
            let hints = inlay_hints(&file, crate::codes::builtin(), Span::new(0, text.len()), HintSettings::default());
            assert!(hints.iter().all(|h| h.offset <= text.len()));
        }
    }
}
