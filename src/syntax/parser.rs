//! The X12 reader: one pass over the bytes, no backtracking, no failure.

use super::{Delimiters, Element, Span, SyntaxError, SyntaxErrorKind, SyntaxTree};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a whole document. Any input gives a tree; problems go to `tree.errors`.
pub fn parse(source: &str) -> SyntaxTree {
    let bytes = source.as_bytes();
    let mut tree = SyntaxTree::default();
    tree.reserve_for(bytes.len());
    let mut delimiters = Delimiters::FALLBACK;
    let mut position = 0;
    if bytes.starts_with(UTF8_BOM) {
        tree.trivia.push(Span::new(0, UTF8_BOM.len()));
        position = UTF8_BOM.len();
    }
    let mut first_segment = true;
    while position < bytes.len() {
        let gap_start = position;
        while bytes.get(position).is_some_and(|byte| is_trivia(*byte, delimiters)) {
            position += 1;
        }
        if position > gap_start {
            tree.trivia.push(Span::new(gap_start, position));
        }
        if position >= bytes.len() {
            break;
        }
        let rest = bytes.get(position..).unwrap_or_default();
        let isa_problem = if starts_isa(rest) {
            match Delimiters::from_isa(rest) {
                Ok(declared) => {
                    delimiters = declared;
                    None
                }
                Err(problem) => {
                    let fallback = Delimiters::from_damaged_isa(rest);
                    delimiters = fallback.unwrap_or(Delimiters::FALLBACK);
                    Some(match fallback {
                        Some(_) => format!("{problem}; its delimiters were read by counting separators instead"),
                        None => format!("{problem}; reading the file with the delimiters * ^ : ~"),
                    })
                }
            }
        } else if first_segment {
            Some(
                "the file does not start with an ISA segment, so its delimiters are unknown; reading it with * ^ : ~"
                    .to_string(),
            )
        } else {
            None
        };
        first_segment = false;
        let span = read_segment(source, position, delimiters, &mut tree);
        if let Some(message) = isa_problem {
            // Point at the segment id (at most three bytes, on a character boundary) so
            // the squiggle is short and stable and never covers the separator after `GS`.
            let id = tree.segments.last().map_or(span, |segment| segment.id_span());
            let id = if id.is_empty() { span } else { id };
            let mut end = id.end.min(id.start + 3);
            while end < id.end && !source.is_char_boundary(end) {
                end += 1;
            }
            let at = Span::new(id.start, end);
            tree.errors.push(SyntaxError { kind: SyntaxErrorKind::IsaMalformed, span: at, message });
        }
        position = span.end.max(position + 1);
    }
    tree
}

fn starts_isa(rest: &[u8]) -> bool {
    rest.starts_with(b"ISA") && rest.get(3).is_some_and(|byte| !byte.is_ascii_alphanumeric())
}

/// Bytes between segments that belong to no segment: line breaks and indentation.
/// A byte the file declares as a delimiter is never trivia.
fn is_trivia(byte: u8, delimiters: Delimiters) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
        && byte != delimiters.element
        && byte != delimiters.component
        && Some(byte) != delimiters.repetition
}

/// Reads one segment starting at `start` and returns its span.
fn read_segment(source: &str, start: usize, delimiters: Delimiters, tree: &mut SyntaxTree) -> Span {
    let bytes = source.as_bytes();
    let first_element = tree.element_mark();
    let mut id_end = None;
    let mut value_start = start;
    let mut at = start;
    let terminator_at = loop {
        let Some(&byte) = bytes.get(at) else { break None };
        if byte == delimiters.segment {
            break Some(at);
        }
        if byte == delimiters.element {
            match id_end {
                None => id_end = Some(at),
                Some(_) => tree.push_element(Span::new(value_start, at)),
            }
            value_start = at + 1;
        }
        at += 1;
    };
    let (content_end, terminator) = match terminator_at {
        // A CRLF file whose ISA declares the newline as terminator: the CR belongs to it.
        Some(at) if delimiters.segment == b'\n' && at > start && bytes.get(at - 1) == Some(&b'\r') => {
            (at - 1, Some(Span::new(at - 1, at + 1)))
        }
        Some(at) => (at, Some(Span::new(at, at + 1))),
        // No final terminator: trailing line breaks stay trivia, not part of the last value.
        None => {
            let mut end = bytes.len();
            while end > start && bytes.get(end - 1).is_some_and(|byte| is_trivia(*byte, delimiters)) {
                end -= 1;
            }
            (end, None)
        }
    };
    match id_end {
        Some(_) => {
            tree.push_element(Span::new(value_start, content_end));
            if let Some(last) = tree.last_element_mut() {
                let span = last.span();
                let end = span.end.min(content_end);
                *last = Element::new(Span::new(span.start.min(end), end));
            }
        }
        None => id_end = Some(content_end),
    }
    let id = Span::new(start, id_end.unwrap_or(content_end).min(content_end));
    let span = Span::new(start, terminator.map_or(content_end, |t| t.end));
    tree.push_segment_with_elements(source, span, id, terminator, delimiters, first_element);
    span
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::syntax::{Delimiters, Span};

    const ISA: &str =
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";

    fn ids(source: &str) -> Vec<String> {
        let tree = parse(source);
        tree.segments.iter().map(|s| s.id(source).to_string()).collect()
    }

    fn values(source: &str, segment: usize) -> Vec<String> {
        let tree = parse(source);
        let Some(segment) = tree.segments.get(segment) else { return vec![] };
        tree.elements(segment).iter().map(|e| e.span().text(source).to_string()).collect()
    }

    #[test]
    fn splits_segments_and_elements() {
        let source = format!("{ISA}\nGS*HC*A*B~\r\n  ST*837*0001*005010X222A1~SE*2*0001");
        assert_eq!(ids(&source), ["ISA", "GS", "ST", "SE"]);
        assert_eq!(values(&source, 2), ["837", "0001", "005010X222A1"]);
        assert_eq!(values(&source, 3), ["2", "0001"]);
        let tree = parse(&source);
        assert!(tree.errors.is_empty());
        assert_eq!(tree.rebuild(&source), source);
    }

    #[test]
    fn newline_terminator_with_crlf() {
        let isa = ISA.replace(":~", ":\r\n");
        let source = format!("\u{feff}{isa}GS*HC*A*B\r\nSE*2*0001\r\n");
        let tree = parse(&source);
        assert!(tree.errors.is_empty(), "{:?}", tree.errors);
        assert_eq!(ids(&source), ["ISA", "GS", "SE"]);
        assert_eq!(values(&source, 2), ["2", "0001"]);
        assert_eq!(tree.rebuild(&source), source);
    }

    #[test]
    fn missing_final_terminator_keeps_trailing_break_as_trivia() {
        let source = format!("{ISA}IEA*1*000000001\n");
        assert_eq!(values(&source, 1), ["1", "000000001"]);
        assert_eq!(parse(&source).rebuild(&source), source);
    }

    #[test]
    fn composites_and_repetitions() {
        let source = format!("{ISA}SV1*HC:J2700:JW::*10*UN*4~HI*ABK:C50911^ABF:Z5111~");
        let tree = parse(&source);
        let sv1 = &tree.segments[1];
        let composite = *tree.element(sv1, 1).expect("element in the test text");
        let pieces: Vec<&str> = sv1.components(&source, composite.span()).iter().map(|s| s.text(&source)).collect();
        assert_eq!(pieces, ["HC", "J2700", "JW", "", ""]);
        assert_eq!(sv1.component(&source, composite, 2).map(|s| s.text(&source)), Some("J2700"));
        assert_eq!(sv1.component(&source, composite, 9), None);
        let first: [Option<Span>; 7] = sv1.first_components(&source, composite);
        let texts: Vec<Option<&str>> = first.iter().map(|p| p.map(|s| s.text(&source))).collect();
        assert_eq!(texts, [Some("HC"), Some("J2700"), Some("JW"), Some(""), Some(""), None, None]);
        let repeated_first: [Option<Span>; 2] = hi_first(&source);
        assert_eq!(
            repeated_first.map(|p| p.map(|s| s.text(&source).to_string())),
            [Some("ABK".into()), Some("C50911".into())]
        );
        let hi = &tree.segments[2];
        let repeated = *tree.element(hi, 1).expect("element in the test text");
        assert_eq!(hi.repetitions(&source, repeated).len(), 2);
        assert_eq!(hi.component(&source, repeated, 2).map(|s| s.text(&source)), Some("C50911"));
        let isa = &tree.segments[0];
        let isa16 = *tree.element(isa, 16).expect("element in the test text");
        assert_eq!(isa.component(&source, isa16, 1).map(|s| s.text(&source)), Some(":"));
    }

    fn hi_first(source: &str) -> [Option<Span>; 2] {
        let tree = parse(source);
        let hi = &tree.segments[2];
        hi.first_components(source, *tree.element(hi, 1).expect("element in the test text"))
    }

    #[test]
    fn declared_odd_separators() {
        let isa = ISA.replace('*', "|").replace(":~", ">'").replace('^', "_");
        let source = format!("{isa}SV1|HC>J2700|10~x'");
        let tree = parse(&source);
        assert_eq!(tree.segments[0].delimiters.element, b'|');
        assert_eq!(values(&source, 1), ["HC>J2700", "10~x"]);
    }

    #[test]
    fn damaged_isa_reports_and_reads_on() {
        let source = ISA.replace("*          *00*", "*         *00*") + "GS*HC~";
        let tree = parse(&source);
        assert_eq!(tree.errors.len(), 1);
        assert_eq!(ids(&source), ["ISA", "GS"]);
        assert_eq!(tree.segments[1].delimiters, Delimiters::FALLBACK);
    }

    #[test]
    fn odd_inputs_never_panic_and_rebuild() {
        for source in ["", "~", "~~~", "\u{feff}", "ISA", "ISA*", "ISA*00*\n", "  \n", "é~ü*ø", "ISA~GS*~"] {
            let tree = parse(source);
            assert_eq!(tree.rebuild(source), source);
        }
    }
}
