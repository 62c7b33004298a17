//! How the file lays out its segments, so that new ones look like their neighbours.

use super::byte_edit::{self as edit, Edit};
use crate::model::ClaimFile;
use crate::syntax::{SegmentIndex, Span};

/// The blank text in front of a segment: its line break and indentation (`"\r\n  "`),
/// or `""` in a file written without line breaks.
pub(super) fn gap_before(file: &ClaimFile, segment: SegmentIndex) -> &str {
    let start = file.segment_span(segment).start;
    let previous_end = segment.checked_sub(1).map_or(start, |previous| file.segment_span(previous).end);
    file.text.get(previous_end.min(start)..start).unwrap_or("")
}

/// A copy of a segment (id through terminator) with some of its parts replaced; the
/// edits are in document offsets and must fall inside the segment.
pub(super) fn rewritten(file: &ClaimFile, segment: SegmentIndex, edits: &[Edit]) -> Option<String> {
    let span = file.segment_span(segment);
    // A segment cut off at the end of the file has no terminator to copy.
    file.tree.segment(segment)?.terminator()?;
    let local: Vec<Edit> = edits
        .iter()
        .map(|edit| {
            let inside = span.start <= edit.span.start && edit.span.end <= span.end;
            inside.then(|| {
                Edit::replace(Span::new(edit.span.start - span.start, edit.span.end - span.start), edit.text.clone())
            })
        })
        .collect::<Option<_>>()?;
    edit::apply(span.text(&file.text), &local)
}
