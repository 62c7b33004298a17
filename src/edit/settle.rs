//! Keeping control totals true after a fix adds or removes segments or charges.
//!
//! The fix's own edits are applied and the result is read again; then, for the
//! transactions and claims the edits touched, the structural rules' own repairs run on
//! the new text: SE01 (`segment-count`), LX01 (`lx-sequence`) and CLM02
//! (`claim-total-mismatch`). A total that was already wrong before the fix is left for
//! its own diagnostic and fix: a fix changes only what it must.

use super::byte_edit::{self as edit, Edit};
use super::totals;
use crate::model::ClaimFile;
use crate::syntax::{SegmentIndex, Span};

/// The fix's edits plus the SE01, LX01 and CLM02 changes they make necessary, as one
/// edit set on `file`'s text. `None` when the edits do not apply or change the file's
/// envelopes or claims (no fix should).
pub fn settle(file: &ClaimFile, edits: Vec<Edit>) -> Option<Vec<Edit>> {
    let edits = edit::normalized(&file.text, edits)?;
    let after = ClaimFile::parse(edit::apply(&file.text, &edits)?);
    let written = written_ranges(&edits);
    let touched = |file: &ClaimFile, segments: &std::ops::Range<SegmentIndex>| {
        let first = file.segment_span(segments.start).start;
        let last = file.segment_span(segments.end.saturating_sub(1)).end;
        written.iter().any(|range| range.start <= last && first <= range.end)
    };

    if file.transactions().count() != after.transactions().count() || file.claims().count() != after.claims().count() {
        return None;
    }
    let mut second = Vec::new();
    for (before, now) in file.transactions().zip(after.transactions()) {
        if touched(&after, &now.segments) && totals::se01_repair(file, before).is_none() {
            second.extend(totals::se01_repair(&after, now));
        }
    }
    for ((_, before), (_, now)) in file.claims().zip(after.claims()) {
        if !touched(&after, &now.segments) {
            continue;
        }
        if totals::lx_repairs(file, before).is_empty() {
            second.extend(totals::lx_repairs(&after, now));
        }
        if totals::clm02_repair(file, before).is_none() {
            second.extend(totals::clm02_repair(&after, now));
        }
    }
    edit::compose(&file.text, &edits, &second)
}

/// Where each edit's new text lies in the edited text.
fn written_ranges(edits: &[Edit]) -> Vec<Span> {
    let mut shift: isize = 0;
    edits
        .iter()
        .map(|edit| {
            let start = edit.span.start.saturating_add_signed(shift);
            shift += isize::try_from(edit.text.len()).unwrap_or(0) - isize::try_from(edit.span.len()).unwrap_or(0);
            Span::new(start, start + edit.text.len())
        })
        .collect()
}
