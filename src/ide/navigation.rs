//! Navigation: go to definition (HL02 → the parent HL, SV107 pointer → the HI code it
//! points at, LX → its claim), highlights of the value under the cursor, references of a
//! procedure code, and selection ranges from a component out to the interchange.

use crate::ide::hover::{line_at, locate};
use crate::model::ClaimFile;
use crate::syntax::{SegmentIndex, Span};

/// Where the thing under the cursor is defined.
pub fn definition(file: &ClaimFile, offset: usize) -> Option<Span> {
    let cursor = locate(file, offset)?;
    let transaction = file.transactions().find(|t| t.segments.contains(&cursor.segment))?;
    match (file.segment_id(cursor.segment), cursor.position) {
        ("HL", Some(2)) => {
            let level = transaction.levels.iter().find(|level| level.hl == cursor.segment)?;
            let parent = transaction.levels.get(level.parent?)?;
            Some(file.segment_span(parent.hl))
        }
        ("SV1", Some(7)) => {
            let (claim, _) = line_at(transaction, cursor.segment)?;
            let pointer: usize = cursor.span.text(&file.text).trim().parse().ok()?;
            diagnosis_codes(file, &claim.diagnoses).nth(pointer.checked_sub(1)?)
        }
        ("LX", _) => {
            let (claim, _) = line_at(transaction, cursor.segment)?;
            Some(file.segment_span(claim.clm))
        }
        _ => None,
    }
}

/// The diagnosis codes of a claim's HI segments in pointer order (HI01-2, HI02-2 …).
fn diagnosis_codes<'f>(file: &'f ClaimFile, his: &'f [SegmentIndex]) -> impl Iterator<Item = Span> + 'f {
    his.iter().flat_map(move |hi| {
        (1..=12).filter_map(move |position| file.component_span(*hi, position, 2).filter(|span| !span.is_empty()))
    })
}

/// Every place holding the same value in the same slot (segment id, element,
/// component) as the one under the cursor: each `J2700` in SV101-2, each `472` in DTP01.
pub fn highlights(file: &ClaimFile, offset: usize) -> Vec<Span> {
    let Some(cursor) = locate(file, offset) else { return Vec::new() };
    let id = file.segment_id(cursor.segment);
    let value = cursor.span.text(&file.text);
    let Some(position) = cursor.position else {
        return file.tree.segments_with_id(id).map(|index| file.segment_id_span(index)).collect();
    };
    if value.is_empty() {
        return Vec::new();
    }
    file.tree
        .segments_with_id(id)
        .filter_map(|index| match cursor.component {
            Some(component) => file.component_span(index, position, component),
            None => file.element_span(index, position),
        })
        .filter(|span| span.text(&file.text) == value)
        .collect()
}

/// Every service line's procedure code equal to the one under the cursor.
pub fn references(file: &ClaimFile, offset: usize) -> Vec<Span> {
    let Some(cursor) = locate(file, offset) else { return Vec::new() };
    let code = cursor.span.text(&file.text);
    let on_code = matches!(
        (file.segment_id(cursor.segment), cursor.position, cursor.component),
        ("SV1", Some(1), Some(2)) | ("SV2", Some(2), Some(2))
    );
    if !on_code || code.is_empty() {
        return Vec::new();
    }
    file.claims()
        .flat_map(|(_, claim)| claim.lines.iter())
        .filter_map(|line| line.procedure(file)?.code)
        .filter(|span| span.text(&file.text) == code)
        .collect()
}

/// The ranges to grow a selection through, innermost first: component, element,
/// segment, service line, claim, transaction, group, interchange. Each holds the one
/// before it.
pub fn selection_ranges(file: &ClaimFile, offset: usize) -> Vec<Span> {
    let mut ranges: Vec<Span> = Vec::new();
    let mut add = |span: Span| {
        let holds = ranges.last().is_none_or(|last| span.start <= last.start && last.end <= span.end);
        if holds && ranges.last() != Some(&span) {
            ranges.push(span);
        }
    };
    let Some(cursor) = locate(file, offset) else { return Vec::new() };
    add(cursor.span);
    if let Some(position) = cursor.position.filter(|_| cursor.component.is_some()) {
        if let Some(element) = file.element_span(cursor.segment, position) {
            add(element);
        }
    }
    add(file.segment_span(cursor.segment));
    let span_of = |first: SegmentIndex, last: SegmentIndex| {
        Span::new(file.segment_span(first).start, file.segment_span(last).end)
    };
    for interchange in &file.interchanges {
        for group in &interchange.groups {
            for transaction in &group.transactions {
                if !transaction.segments.contains(&cursor.segment) {
                    continue;
                }
                if let Some((claim, line)) = line_at(transaction, cursor.segment) {
                    add(span_of(line.segments.start, line.segments.end.saturating_sub(1)));
                    add(span_of(claim.segments.start, claim.segments.end.saturating_sub(1)));
                } else if let Some(claim) = transaction.claims.iter().find(|c| c.segments.contains(&cursor.segment)) {
                    add(span_of(claim.segments.start, claim.segments.end.saturating_sub(1)));
                }
                add(span_of(transaction.segments.start, transaction.segments.end.saturating_sub(1)));
                let first = group.gs.unwrap_or(transaction.segments.start);
                add(span_of(first, group.ge.unwrap_or(transaction.segments.end.saturating_sub(1))));
                let first = interchange.isa.unwrap_or(first);
                let last = interchange.iea.or(group.ge).unwrap_or(transaction.segments.end.saturating_sub(1));
                add(span_of(first, last));
            }
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = include_str!("../../fixtures/claims/clean-837p.837");

    fn at(text: &str, needle: &str, into: usize) -> usize {
        text.find(needle).expect("needle") + into
    }

    #[test]
    fn hl02_goes_to_the_parent_and_lx_to_its_claim() {
        let file = ClaimFile::parse(CLAIM.to_string());
        let parent = definition(&file, at(CLAIM, "HL*2*1*22", 5)).expect("parent");
        assert_eq!(parent.text(CLAIM), "HL*1**20*1~");
        let claim = definition(&file, at(CLAIM, "LX*2", 1)).expect("claim");
        assert!(claim.text(CLAIM).starts_with("CLM*PCN0001"));
    }

    #[test]
    fn a_diagnosis_pointer_goes_to_the_code_it_points_at() {
        let text = CLAIM.replace("HI*ABK:A419~", "HI*ABK:A419*ABF:E119~").replace("*UN*1***1~", "*UN*1***2~");
        let file = ClaimFile::parse(text.clone());
        let pointer = at(&text, "96365*100*UN*1***2", 18);
        assert_eq!(definition(&file, pointer).map(|s| s.text(&text)), Some("E119"));
        let first = at(&text, "J2700:JZ*40*UN*4***1", 19);
        assert_eq!(definition(&file, first).map(|s| s.text(&text)), Some("A419"));
        let beyond = text.replace("*UN*1***2~", "*UN*1***7~");
        let file = ClaimFile::parse(beyond.clone());
        assert_eq!(definition(&file, at(&beyond, "***7~", 3)), None);
    }

    #[test]
    fn highlights_and_references_find_the_same_code() {
        let text = CLAIM.replace("SV1*HC:96365*100", "SV1*HC:J2700*100");
        let file = ClaimFile::parse(text.clone());
        let on_code = at(&text, "J2700:JZ", 2);
        assert_eq!(highlights(&file, on_code).len(), 2);
        assert_eq!(references(&file, on_code).len(), 2);
        assert!(references(&file, at(&text, "DTP*472", 5)).is_empty(), "only procedure codes have references");
        let dates = highlights(&file, at(&text, "DTP*472", 5));
        assert_eq!(dates.len(), 2);
        assert!(dates.iter().all(|span| span.text(&text) == "472"));
    }

    #[test]
    fn selection_grows_from_the_component_to_the_interchange() {
        let file = ClaimFile::parse(CLAIM.to_string());
        let ranges = selection_ranges(&file, at(CLAIM, "J2700", 1));
        let starts: Vec<&str> =
            ranges.iter().map(|span| span.text(CLAIM).get(..8).unwrap_or(span.text(CLAIM))).collect();
        assert_eq!(
            starts,
            ["J2700", "HC:J2700", "SV1*HC:J", "LX*1~\nSV", "CLM*PCN0", "ST*837*0", "GS*HC*SU", "ISA*00* "]
        );
    }

    #[test]
    fn odd_cursors_answer_nothing_without_panicking() {
        for text in ["", "HL*1*9*22~", "SV1*HC:J2700*1*UN*1***x:9999999999999999999999~", "LX~"] {
            let file = ClaimFile::parse(text.to_string());
            for offset in 0..=text.len() + 1 {
                let _ = (definition(&file, offset), highlights(&file, offset), references(&file, offset));
                let _ = selection_ranges(&file, offset);
            }
        }
    }
}
