//! Formatting: one segment per line, or the whole file on one line. Only the bytes
//! between segments change (line breaks, indentation); every element byte stays, and the
//! file's own line-ending style is kept.

use crate::edit::Edit;
use crate::model::ClaimFile;
use crate::syntax::Span;

/// `format.style` in the settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormatStyle {
    #[default]
    SegmentPerLine,
    SingleLine,
}

impl FormatStyle {
    /// `"segment-per-line"` or `"single-line"`; anything else is `None`.
    pub fn from_setting(value: &str) -> Option<Self> {
        match value {
            "segment-per-line" => Some(Self::SegmentPerLine),
            "single-line" => Some(Self::SingleLine),
            _ => None,
        }
    }
}

/// More gaps than this become one edit over the changed stretch: a one-line batch of
/// 10,000 claims has 250,000 gaps, and as many edits would be megabytes of JSON.
const MAX_SEPARATE_EDITS: usize = 2_000;

/// The edits that format the gaps after the segments overlapping `range` (the whole
/// file for `None`). Nothing before the first segment (a BOM) or after the last one
/// changes.
pub fn format(file: &ClaimFile, range: Option<Span>, style: FormatStyle) -> Vec<Edit> {
    let text = &file.text;
    let segments = &file.tree.segments;
    let line_break = line_ending(file);
    let mut edits = Vec::new();
    for pair in segments.windows(2) {
        let (this, next) = (&pair[0], &pair[1]);
        let (end, start) = (this.span().end, next.span().start);
        if let Some(range) = range {
            // A gap belongs to the segment before it.
            if this.span().end <= range.start || this.span().start >= range.end.max(range.start + 1) {
                continue;
            }
        }
        let gap = Span::new(end, start.max(end));
        let ends_with_break = this.terminator().is_some_and(|t| t.text(text).ends_with(['\n', '\r']));
        let wanted = match style {
            FormatStyle::SegmentPerLine if !ends_with_break => line_break,
            _ => "",
        };
        if gap.text(text) != wanted {
            edits.push(Edit { span: gap, text: wanted.to_string() });
        }
    }
    if edits.len() > MAX_SEPARATE_EDITS {
        return vec![merged(text, &edits)];
    }
    edits
}

/// One edit from the first changed gap to the last, with the segments between as they
/// are.
fn merged(text: &str, edits: &[Edit]) -> Edit {
    let start = edits.first().map_or(0, |e| e.span.start);
    let end = edits.last().map_or(start, |e| e.span.end);
    let mut new_text = String::with_capacity(end.saturating_sub(start) + edits.len() * 2);
    let mut at = start;
    for edit in edits {
        new_text.push_str(text.get(at..edit.span.start).unwrap_or_default());
        new_text.push_str(&edit.text);
        at = edit.span.end;
    }
    Edit { span: Span::new(start, end), text: new_text }
}

/// The file's line ending: the first one between segments, else `\n`.
fn line_ending(file: &ClaimFile) -> &'static str {
    let text = &file.text;
    for gap in &file.tree.trivia {
        let piece = gap.text(text);
        if piece.contains("\r\n") {
            return "\r\n";
        }
        if piece.contains('\n') {
            return "\n";
        }
        if piece.contains('\r') {
            return "\r";
        }
    }
    "\n"
}

/// Whether the file puts several segments on one line (and so would gain from
/// "Put one segment per line").
pub fn has_segments_sharing_a_line(file: &ClaimFile) -> bool {
    file.tree.segments.windows(2).any(|pair| {
        let gap = Span::new(pair[0].span().end, pair[1].span().start);
        let terminator_breaks = pair[0].terminator().is_some_and(|t| t.text(&file.text).contains(['\n', '\r']));
        !terminator_breaks && !gap.text(&file.text).contains(['\n', '\r'])
    })
}

/// The text with `edits` applied (for tests and the CLI).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + edits.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(text.get(at..edit.span.start).unwrap_or_default());
        out.push_str(&edit.text);
        at = edit.span.end.max(at);
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = include_str!("../../fixtures/claims/clean-837p.837");

    fn without_breaks(text: &str) -> String {
        text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect()
    }

    #[test]
    fn a_one_line_file_gets_one_segment_per_line_and_no_element_byte_changes() {
        let one_line = without_breaks(CLAIM);
        let file = ClaimFile::parse(one_line.clone());
        assert!(has_segments_sharing_a_line(&file));
        let formatted = apply(&one_line, &format(&file, None, FormatStyle::SegmentPerLine));
        assert_eq!(without_breaks(&formatted), one_line);
        assert_eq!(formatted, CLAIM.trim_end(), "the layout of the fixture, except its last line break");
        assert!(!has_segments_sharing_a_line(&ClaimFile::parse(formatted)));
    }

    #[test]
    fn crlf_files_keep_crlf_and_single_line_joins_them() {
        let crlf = CLAIM.replace('\n', "\r\n").replacen("~\r\nGS", "~GS", 1);
        let file = ClaimFile::parse(crlf.clone());
        let formatted = apply(&crlf, &format(&file, None, FormatStyle::SegmentPerLine));
        assert_eq!(formatted, CLAIM.replace('\n', "\r\n"));
        let single = apply(&crlf, &format(&file, None, FormatStyle::SingleLine));
        assert_eq!(single, format!("{}\r\n", without_breaks(CLAIM)));
    }

    #[test]
    fn range_formatting_touches_only_the_gaps_in_the_range() {
        let one_line = without_breaks(CLAIM);
        let file = ClaimFile::parse(one_line.clone());
        let at = one_line.find("CLM*").expect("claim");
        let edits = format(&file, Some(Span::new(at, at + 3)), FormatStyle::SegmentPerLine);
        assert_eq!(edits.len(), 1);
        let formatted = apply(&one_line, &edits);
        assert!(formatted.contains("Y*Y~\nHI*ABK"), "{formatted}");
        assert_eq!(formatted.matches('\n').count(), 1);
    }

    #[test]
    fn many_gaps_become_one_edit_with_the_same_result() {
        let many = without_breaks(&CLAIM.repeat(200));
        let file = ClaimFile::parse(many.clone());
        let edits = format(&file, None, FormatStyle::SegmentPerLine);
        assert_eq!(edits.len(), 1);
        let formatted = apply(&many, &edits);
        assert_eq!(without_breaks(&formatted), many);
        assert_eq!(formatted.lines().count(), file.tree.segments.len());
    }

    #[test]
    fn newline_terminators_and_broken_files_are_left_whole() {
        for text in ["", "~", "ISA*00\nGS*HC\n", "SV1*HC:J2700~  \n\n  LX*1~", "\u{feff}ST*837~SE*2~"] {
            let file = ClaimFile::parse(text.to_string());
            for style in [FormatStyle::SegmentPerLine, FormatStyle::SingleLine] {
                let formatted = apply(text, &format(&file, None, style));
                assert_eq!(formatted.replace([' ', '\n', '\r'], ""), text.replace([' ', '\n', '\r'], ""), "{text:?}");
            }
        }
    }
}
