//! Which values of an 837 carry identities, element by element (names per the 5010
//! guides, `data/x12/837P.elements.tsv`), and what each becomes.
//!
//! Replaced: people's and providers' names and ids (`NM1` except the payer `PR` and the
//! receiver `40`; the NPI with `NM108` `XX` made up but valid), additional names (`N2`),
//! addresses (`N301`, `N302`, city `N401`, postal code `N403`; the state and country
//! codes stay), reference ids (`REF02`, `REF03`, except `REF*87`, a format code), contacts
//! (`PER02`, `04`, `06`, `08`), the patient control number (`CLM01`), the group or
//! policy number and name (`SBR03`, `SBR04`), the interchange sender and its
//! authorization and security information (`ISA02`, `ISA04`, `ISA06`, `GS02`) and
//! attachment control numbers (`PWK06`). Shifted: birth dates (`DMG02`), the date of
//! death (`PAT06`) and dates of clinical events (`DTP` other than the dates of service,
//! statement, admission, discharge, receipt and adjudication). Blanked: free text
//! (`NTE02`, `K301`). A segment with an id the guides do not know (a typo, or none)
//! has every value scrambled: what it holds cannot be told.

use super::{Pseudonyms, Replacement};
use crate::model::ClaimFile;
use crate::syntax::{Segment, SegmentIndex};

/// What happens to one element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Treatment {
    Scramble,
    Npi,
    Blank,
    /// A date whose format qualifier (`D8`, `RD8`) is the element at this position.
    Date {
        format: usize,
    },
}

/// `DTP01` qualifiers whose dates stay: the service itself and its paperwork, which the
/// rules read and a reported problem may depend on.
const DATES_THAT_STAY: &[&str] = &["472", "434", "435", "096", "050", "573", "150", "151"];

/// Entities whose `NM1` stays: the payer and the receiver are organisations the file is
/// sent to, and payer policies are chosen by the payer's id.
const ENTITIES_THAT_STAY: &[&str] = &["PR", "40"];

fn treatments(file: &ClaimFile, segment: SegmentIndex) -> Vec<(usize, Treatment)> {
    use Treatment::{Blank, Date, Npi, Scramble};
    let value = |position| file.value(segment, position);
    match file.segment_id(segment) {
        "ISA" => vec![(2, Scramble), (4, Scramble), (6, Scramble)],
        "GS" => vec![(2, Scramble)],
        "NM1" if ENTITIES_THAT_STAY.contains(&value(1)) => Vec::new(),
        "NM1" => {
            let id = if value(8) == "XX" { Npi } else { Scramble };
            vec![(3, Scramble), (4, Scramble), (5, Scramble), (7, Scramble), (9, id)]
        }
        "N2" => vec![(1, Scramble), (2, Scramble)],
        "N3" => vec![(1, Scramble), (2, Scramble)],
        "N4" => vec![(1, Scramble), (3, Scramble)],
        "REF" if value(1) == "87" => Vec::new(),
        "REF" => vec![(2, Scramble), (3, Scramble)],
        "PER" => vec![(2, Scramble), (4, Scramble), (6, Scramble), (8, Scramble)],
        "CLM" => vec![(1, Scramble)],
        "SBR" => vec![(3, Scramble), (4, Scramble)],
        "PWK" => vec![(6, Scramble)],
        "DMG" => vec![(2, Date { format: 1 })],
        "PAT" => vec![(6, Date { format: 5 })],
        "DTP" if DATES_THAT_STAY.contains(&value(1)) => Vec::new(),
        "DTP" => vec![(3, Date { format: 2 })],
        "NTE" => vec![(2, Blank)],
        "K3" => vec![(1, Blank)],
        // A segment whose id is mistyped (`Nd4`, or none at all) may hold anything.
        id if !crate::guide::is_known_segment(id) => {
            (1..=file.tree.segment(segment).map_or(0, Segment::element_count)).map(|p| (p, Scramble)).collect()
        }
        _ => Vec::new(),
    }
}

/// The file's delimiters as a segment has them: never produced, always kept.
fn delimiters(segment: &Segment) -> Vec<u8> {
    let d = segment.delimiters;
    [Some(d.element), Some(d.component), d.repetition, Some(d.segment)].into_iter().flatten().collect()
}

/// Every replacement the 837 needs.
pub(super) fn replacements(file: &ClaimFile, pseudonyms: &mut Pseudonyms) -> Vec<Replacement> {
    let plans: Vec<(SegmentIndex, Vec<(usize, Treatment)>)> = (0..file.tree.segments.len())
        .map(|index| (index, treatments(file, index)))
        .filter(|(_, plan)| !plan.is_empty())
        .collect();
    pseudonyms
        .reserve(plans.iter().flat_map(|(index, plan)| plan.iter().map(|(position, _)| file.value(*index, *position))));
    let mut out = Vec::new();
    for (index, plan) in plans {
        let Some(segment) = file.tree.segment(index) else { continue };
        let keep = delimiters(segment);
        for (position, treatment) in plan {
            let Some(span) = file.element_span(index, position).filter(|span| !span.is_empty()) else { continue };
            let value = span.text(&file.text);
            let text = match treatment {
                Treatment::Scramble => pseudonyms.scramble(value, &keep),
                Treatment::Npi => pseudonyms.npi(value, &keep),
                Treatment::Blank => Pseudonyms::blank(value, &keep),
                Treatment::Date { format } => match file.value(index, format) {
                    "D8" => pseudonyms.shift_date(value),
                    "RD8" => pseudonyms.shift_range(value),
                    _ => super::pseudonyms::zero_digits(value),
                },
            };
            out.push(Replacement { span, text });
        }
    }
    out
}
