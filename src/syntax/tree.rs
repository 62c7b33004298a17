//! The lossless tree: segments and their elements, plus the trivia between segments.

use super::{Delimiters, Span};

/// Index of a segment in [`SyntaxTree::segments`], in document order.
pub type SegmentIndex = usize;

/// One segment: from the first byte of its id through its terminator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    // 32-bit offsets like elements'; see [`Segment::span`].
    start: u32,
    end: u32,
    /// The separators in force for this segment (each ISA may declare its own).
    pub delimiters: Delimiters,
    first_element: u32,
    element_count: u32,
    // The id and the terminator are kept as lengths at the two ends of `span`: a 10 MB
    // batch has 340,000 segments, and smaller records are faster to walk.
    id_len: u32,
    terminator_len: u8,
}

/// One element's value, without the separator in front of it. Offsets are kept as
/// 32-bit numbers: a 10 MB batch has 1.5 million elements, and half the memory is half
/// the cache misses. (A claim file over 4 GB would get clamped spans, never a panic.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element {
    start: u32,
    end: u32,
}

impl Element {
    pub fn new(span: Span) -> Self {
        let clamp = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self { start: clamp(span.start), end: clamp(span.end) }
    }

    /// The value's byte range in the document.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The ISA is not whole or declares unusable delimiters.
    IsaMalformed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    pub message: String,
}

/// Segments, elements and trivia of one document. Trivia (BOM, line breaks after
/// terminators, indentation) and segments together cover every byte exactly once.
#[derive(Clone, Debug, Default)]
pub struct SyntaxTree {
    pub segments: Vec<Segment>,
    pub trivia: Vec<Span>,
    pub errors: Vec<SyntaxError>,
    elements: Vec<Element>,
    /// Each segment's id packed in four bytes, beside the segments: rules that look for
    /// one kind of segment scan this small array instead of every segment's record.
    tags: Vec<SegmentTag>,
}

/// A segment id packed for fast comparison: up to three bytes, zero-padded; an empty id
/// (`~~`) and longer ids get tags of their own that no real id has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SegmentTag([u8; 4]);

impl SegmentTag {
    pub fn of(id: &str) -> SegmentTag {
        match id.as_bytes() {
            [] => SegmentTag([0, 0, 0, 0]),
            [a] => SegmentTag([*a, 0, 0, 1]),
            [a, b] => SegmentTag([*a, *b, 0, 2]),
            [a, b, c] => SegmentTag([*a, *b, *c, 3]),
            _ => SegmentTag([0, 0, 0, 0xFF]),
        }
    }
}

impl SyntaxTree {
    /// Reserves room for a document of `len` bytes, so that a large file's vectors are
    /// allocated once instead of being copied on every doubling. Generous on purpose:
    /// pages that are never written are never touched.
    pub(super) fn reserve_for(&mut self, len: usize) {
        self.segments.reserve(len / 16);
        self.tags.reserve(len / 16);
        self.elements.reserve(len / 4);
        self.trivia.reserve(len / 16);
    }

    pub(super) fn push_element(&mut self, span: Span) {
        self.elements.push(Element::new(span));
    }

    pub(super) fn element_mark(&self) -> u32 {
        u32::try_from(self.elements.len()).unwrap_or(u32::MAX)
    }

    pub(super) fn push_segment_with_elements(
        &mut self,
        source: &str,
        span: Span,
        id: Span,
        terminator: Option<Span>,
        delimiters: Delimiters,
        first_element: u32,
    ) {
        let element_count = self.element_mark().saturating_sub(first_element);
        let id_len = u32::try_from(id.len()).unwrap_or(u32::MAX);
        let terminator_len = terminator.map_or(0, |t| u8::try_from(t.len()).unwrap_or(u8::MAX));
        let clamp = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        self.segments.push(Segment {
            start: clamp(span.start),
            end: clamp(span.end),
            delimiters,
            first_element,
            element_count,
            id_len,
            terminator_len,
        });
        self.tags.push(SegmentTag::of(id.text(source)));
    }

    pub(super) fn last_element_mut(&mut self) -> Option<&mut Element> {
        self.elements.last_mut()
    }

    /// The indices of every segment with this id, in order.
    pub fn segments_with_id(&self, id: &str) -> impl Iterator<Item = SegmentIndex> + '_ {
        let wanted = SegmentTag::of(id);
        self.tags.iter().enumerate().filter(move |(_, tag)| **tag == wanted).map(|(index, _)| index)
    }

    /// Each segment's packed id, in order.
    pub fn tags(&self) -> &[SegmentTag] {
        &self.tags
    }

    pub fn segment(&self, index: SegmentIndex) -> Option<&Segment> {
        self.segments.get(index)
    }

    /// The elements of a segment, in order: `elements(s)[0]` is X12 position 01.
    pub fn elements(&self, segment: &Segment) -> &[Element] {
        let start = segment.first_element as usize;
        let end = start + segment.element_count as usize;
        self.elements.get(start..end).unwrap_or(&[])
    }

    /// The element at X12 position `position` (1-based), if the segment has it.
    pub fn element(&self, segment: &Segment, position: usize) -> Option<&Element> {
        self.elements(segment).get(position.checked_sub(1)?)
    }

    /// The segment whose span holds `offset`, by binary search.
    pub fn segment_at(&self, offset: usize) -> Option<SegmentIndex> {
        let index = self.segments.partition_point(|segment| segment.span().end <= offset);
        let segment = self.segments.get(index)?;
        segment.span().touches(offset).then_some(index)
    }

    /// Rebuilds the document from segments and trivia; equal to the input by design.
    pub fn rebuild(&self, source: &str) -> String {
        let mut pieces: Vec<Span> =
            self.segments.iter().map(Segment::span).chain(self.trivia.iter().copied()).collect();
        pieces.sort_unstable();
        pieces.iter().map(|span| span.text(source)).collect()
    }
}

impl Segment {
    /// The whole segment, id through terminator.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    /// Where the segment id is: the start of the segment.
    pub fn id_span(&self) -> Span {
        let start = self.start as usize;
        Span::new(start, start + self.id_len as usize)
    }

    /// The terminator, `None` only for a last segment the file does not terminate.
    pub fn terminator(&self) -> Option<Span> {
        let end = self.end as usize;
        (self.terminator_len > 0).then(|| Span::new(end - usize::from(self.terminator_len), end))
    }

    /// The segment id as written (`CLM`, `SV1` …).
    pub fn id<'s>(&self, source: &'s str) -> &'s str {
        self.id_span().text(source)
    }

    /// Number of elements after the id.
    pub fn element_count(&self) -> usize {
        self.element_count as usize
    }

    /// ISA carries the delimiters themselves as values, so its elements never split.
    fn splits_composites(&self, source: &str) -> bool {
        self.id(source) != "ISA"
    }

    /// The repetitions of an element: one span when the element does not repeat.
    pub fn repetitions(&self, source: &str, element: Element) -> Vec<Span> {
        match self.delimiters.repetition {
            Some(separator) if self.splits_composites(source) => split(source, element.span(), separator),
            _ => vec![element.span()],
        }
    }

    /// The components of one repetition (or of an element that does not repeat).
    pub fn components(&self, source: &str, value: Span) -> Vec<Span> {
        if self.splits_composites(source) {
            split(source, value, self.delimiters.component)
        } else {
            vec![value]
        }
    }

    /// The first `N` components of the first repetition of `element`, without
    /// allocating: how a service line's composite is read.
    pub fn first_components<const N: usize>(&self, source: &str, element: Element) -> [Option<Span>; N] {
        let mut parts = [None; N];
        let span = element.span();
        let bytes = span.text(source).as_bytes();
        let splits = self.splits_composites(source);
        let repetition = self.delimiters.repetition.filter(|_| splits);
        let mut start = span.start;
        let mut index = 0;
        for (at, byte) in bytes.iter().enumerate() {
            let offset = span.start + at;
            if Some(*byte) == repetition {
                break;
            }
            if splits && *byte == self.delimiters.component {
                if let Some(slot) = parts.get_mut(index) {
                    *slot = Some(Span::new(start, offset));
                }
                index += 1;
                start = offset + 1;
            }
        }
        let end = bytes.iter().position(|byte| Some(*byte) == repetition).map_or(span.end, |at| span.start + at);
        if let Some(slot) = parts.get_mut(index) {
            *slot = Some(Span::new(start, end.max(start)));
        }
        parts
    }

    /// Component `position` (1-based) of the first repetition of `element`, without
    /// allocating: what rules read on every service line.
    pub fn component(&self, source: &str, element: Element, position: usize) -> Option<Span> {
        let mut value = element.span();
        if let Some(separator) = self.delimiters.repetition.filter(|_| self.splits_composites(source)) {
            if let Some(first) = nth_piece(source, value, separator, 1) {
                value = first;
            }
        }
        if !self.splits_composites(source) {
            return (position == 1).then_some(value);
        }
        nth_piece(source, value, self.delimiters.component, position)
    }
}

fn split(source: &str, span: Span, separator: u8) -> Vec<Span> {
    let bytes = span.text(source).as_bytes();
    let mut pieces = Vec::new();
    let mut start = span.start;
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == separator {
            pieces.push(Span::new(start, span.start + at));
            start = span.start + at + 1;
        }
    }
    pieces.push(Span::new(start, span.end));
    pieces
}

fn nth_piece(source: &str, span: Span, separator: u8, position: usize) -> Option<Span> {
    let wanted = position.checked_sub(1)?;
    let bytes = span.text(source).as_bytes();
    let mut index = 0;
    let mut start = span.start;
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == separator {
            if index == wanted {
                return Some(Span::new(start, span.start + at));
            }
            index += 1;
            start = span.start + at + 1;
        }
    }
    (index == wanted).then_some(Span::new(start, span.end))
}
