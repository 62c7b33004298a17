//! Text edits in byte offsets: applying them, and folding a second round of edits (made
//! on the result of the first) back into one set on the original text.
//!
//! Every fix ends as a list of [`Edit`]s on the text the user has: the editor applies
//! them as one undo step, the CLI writes their result. They are checked here, once, so
//! that no fix can cut a character in half or overlap itself.

use crate::syntax::Span;

/// Bytes `span` of the original text become `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        Self { span, text: text.into() }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Self { span: Span::new(at, at), text: text.into() }
    }

    /// What the edit adds to the text's length (negative when it shortens it).
    fn delta(&self) -> isize {
        length(self.text.len()) - length(self.span.len())
    }
}

fn length(value: usize) -> isize {
    isize::try_from(value).unwrap_or(isize::MAX)
}

/// Sorts edits by position (insertions at one offset keep their order) and refuses
/// overlapping ones, spans past the end and spans that cut a character.
pub fn normalized(source: &str, mut edits: Vec<Edit>) -> Option<Vec<Edit>> {
    edits.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let fits = |edit: &Edit| {
        edit.span.start <= edit.span.end
            && source.is_char_boundary(edit.span.start)
            && source.is_char_boundary(edit.span.end)
    };
    if !edits.iter().all(fits) || edits.windows(2).any(|pair| pair[0].span.end > pair[1].span.start) {
        return None;
    }
    Some(edits)
}

/// The text after the edits, or `None` when they overlap or do not fit the text.
pub fn apply(source: &str, edits: &[Edit]) -> Option<String> {
    let edits = normalized(source, edits.to_vec())?;
    let added: usize = edits.iter().map(|edit| edit.text.len()).sum();
    let mut out = String::with_capacity(source.len() + added);
    let mut position = 0;
    for edit in &edits {
        out.push_str(source.get(position..edit.span.start)?);
        out.push_str(&edit.text);
        position = edit.span.end;
    }
    out.push_str(source.get(position..)?);
    Some(out)
}

/// One edit on `source` reduced to the bytes that really change: `HC:J2700:JW` →
/// `HC:J2700:JZ` becomes `W` → `Z`. `None` when the edit changes nothing.
pub fn trimmed(source: &str, edit: Edit) -> Option<Edit> {
    let old = edit.span.text(source);
    let new = edit.text.as_str();
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let mut suffix = old_rest.bytes().rev().zip(new_rest.bytes().rev()).take_while(|(a, b)| a == b).count();
    while !(old_rest.is_char_boundary(old_rest.len() - suffix) && new_rest.is_char_boundary(new_rest.len() - suffix)) {
        suffix -= 1;
    }
    let span = Span::new(edit.span.start + prefix, edit.span.end - suffix);
    let text = &new_rest[..new_rest.len() - suffix];
    (!span.is_empty() || !text.is_empty()).then(|| Edit::replace(span, text))
}

/// `first` edits `source`; `second` edits the result. Returns edits on `source` that
/// give the same final text, each trimmed to what changes: a fix that inserts a line
/// and then renumbers what follows is one edit set on the text the user has.
pub fn compose(source: &str, first: &[Edit], second: &[Edit]) -> Option<Vec<Edit>> {
    let first = normalized(source, first.to_vec())?;
    let middle = apply(source, &first)?;
    let second = normalized(&middle, second.to_vec())?;
    let last = apply(&middle, &second)?;

    // Every edit of either round as a range of `source` with its length change. A second
    // edit that starts or ends inside text the first round wrote covers that whole edit.
    let mut pieces: Vec<(usize, usize, isize)> =
        first.iter().map(|edit| (edit.span.start, edit.span.end, edit.delta())).collect();
    for edit in &second {
        let start = original_offset(&first, edit.span.start, Side::Start);
        let end = original_offset(&first, edit.span.end, Side::End).max(start);
        pieces.push((start, end, edit.delta()));
    }
    pieces.sort_by_key(|&(start, end, _)| (start, end));

    // Pieces that overlap or touch become one region of the source.
    let mut regions: Vec<(usize, usize, isize)> = Vec::new();
    for (start, end, delta) in pieces {
        match regions.last_mut() {
            Some(region) if start <= region.1 => {
                region.1 = region.1.max(end);
                region.2 += delta;
            }
            _ => regions.push((start, end, delta)),
        }
    }

    let mut edits = Vec::with_capacity(regions.len());
    let mut shift: isize = 0;
    for (start, end, delta) in regions {
        let from = usize::try_from(length(start) + shift).ok()?;
        let to = usize::try_from(length(end) + shift + delta).ok()?;
        let text = last.get(from..to)?;
        edits.extend(trimmed(source, Edit::replace(Span::new(start, end), text)));
        shift += delta;
    }
    Some(edits)
}

#[derive(Clone, Copy)]
enum Side {
    Start,
    End,
}

/// Where an offset of the edited text lies in the source. Offsets inside (or at either
/// end of) text an edit wrote map to that edit's start or end.
fn original_offset(edits: &[Edit], offset: usize, side: Side) -> usize {
    let mut shift: isize = 0;
    for edit in edits {
        let written_start = usize::try_from(length(edit.span.start) + shift).unwrap_or(0);
        let written_end = written_start + edit.text.len();
        if offset < written_start {
            break;
        }
        if offset <= written_end {
            return match side {
                Side::Start => edit.span.start,
                Side::End => edit.span.end,
            };
        }
        shift += edit.delta();
    }
    usize::try_from(length(offset) - shift).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{apply, compose, trimmed, Edit};
    use crate::syntax::Span;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit::replace(Span::new(start, end), text)
    }

    #[test]
    fn applies_in_order_and_refuses_overlaps() {
        let text = "LX*1~SV1*HC:J2700*40*UN*4~";
        let edits = [edit(3, 4, "2"), Edit::insert(5, "NTE*ADD*X~")];
        assert_eq!(apply(text, &edits).as_deref(), Some("LX*2~NTE*ADD*X~SV1*HC:J2700*40*UN*4~"));
        assert_eq!(apply(text, &[edit(0, 4, "a"), edit(3, 5, "b")]), None);
        assert_eq!(apply(text, &[edit(20, 99, "")]), None);
        assert_eq!(apply("é", &[edit(1, 2, "")]), None, "never cuts a character");
    }

    #[test]
    fn trims_to_the_bytes_that_change() {
        let text = "SV1*HC:J2700:JW*40";
        assert_eq!(trimmed(text, edit(4, 15, "HC:J2700:JZ")), Some(edit(14, 15, "Z")));
        assert_eq!(trimmed(text, edit(4, 15, "HC:J2700")), Some(edit(12, 15, "")));
        assert_eq!(trimmed(text, edit(4, 15, "HC:J2700:JW")), None);
        assert_eq!(trimmed("aé", edit(0, 3, "aè")), Some(edit(1, 3, "è")), "keeps characters whole");
    }

    #[test]
    fn folds_a_renumbering_after_an_insertion_into_one_set() {
        let text = "LX*1~A~LX*2~B~SE*6~";
        let first = [Edit::insert(7, "LX*2~C~")];
        let middle = apply(text, &first).unwrap_or_default();
        assert_eq!(middle, "LX*1~A~LX*2~C~LX*2~B~SE*6~");
        let second = [edit(17, 18, "3"), edit(24, 25, "8")];
        let composed = compose(text, &first, &second).unwrap_or_default();
        assert_eq!(composed, vec![Edit::insert(7, "LX*2~C~"), edit(10, 11, "3"), edit(17, 18, "8")]);
        assert_eq!(apply(text, &composed).as_deref(), Some("LX*1~A~LX*2~C~LX*3~B~SE*8~"));
    }

    fn edits_of(len: usize) -> impl Strategy<Value = Vec<Edit>> {
        prop::collection::vec((0..=len, 0..=len, "[a-c~*]{0,4}"), 0..5).prop_map(move |raw| {
            // Turn random ranges into sorted, non-overlapping edits.
            let mut spans: Vec<(usize, usize, String)> =
                raw.into_iter().map(|(a, b, text)| (a.min(b), a.max(b), text)).collect();
            spans.sort();
            let mut edits: Vec<Edit> = Vec::new();
            for (start, end, text) in spans {
                if edits.last().is_none_or(|last| last.span.end <= start) {
                    edits.push(edit(start, end, &text));
                }
            }
            edits
        })
    }

    proptest! {
        #[test]
        fn composing_equals_applying_both_rounds(
            (text, first, second) in "[a-e~*]{0,24}".prop_flat_map(|text| {
                let len = text.len();
                (Just(text), edits_of(len), edits_of(len + 12))
            })
        ) {
            let Some(middle) = apply(&text, &first) else { return Ok(()) };
            let Some(expected) = apply(&middle, &second) else { return Ok(()) };
            let composed = compose(&text, &first, &second);
            prop_assert!(composed.is_some());
            let composed = composed.unwrap_or_default();
            prop_assert_eq!(apply(&text, &composed), Some(expected));
            prop_assert!(composed.windows(2).all(|pair| pair[0].span.end <= pair[1].span.start));
        }
    }
}
