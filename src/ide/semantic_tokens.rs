//! Semantic tokens: what each piece of a segment is — its id, the separators, qualifiers
//! and ID codes, procedure and diagnosis codes, modifiers, amounts and quantities, dates,
//! identifiers. Read from the tree's own delimiters, so any separators the ISA declares
//! colour the same way.

use crate::syntax::{Segment, Span, SyntaxTree};

/// The kinds of token, in the order the server's legend lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    SegmentId,
    Separator,
    /// A qualifier or other ID code from the guide's code lists.
    Qualifier,
    ProcedureCode,
    DiagnosisCode,
    Modifier,
    /// Money and counts.
    Number,
    Date,
    /// Control numbers, NPIs, member ids, claim ids, NDCs.
    Identifier,
}

impl TokenKind {
    pub const ALL: [TokenKind; 9] = [
        TokenKind::SegmentId,
        TokenKind::Separator,
        TokenKind::Qualifier,
        TokenKind::ProcedureCode,
        TokenKind::DiagnosisCode,
        TokenKind::Modifier,
        TokenKind::Number,
        TokenKind::Date,
        TokenKind::Identifier,
    ];

    /// Position in [`TokenKind::ALL`] (the legend).
    pub fn index(self) -> u32 {
        self as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

/// Files up to this size get separator tokens in a whole-file answer. A larger batch has
/// millions of separators (2 of every 3 tokens of a 10,000-claim file): their tokens
/// would triple an answer of tens of megabytes, and the grammars (the VS Code one,
/// `syntax/x12-837.vim`) colour them anyway. Ranges (a screen) always have them.
pub const SEPARATORS_IN_WHOLE_FILE_UP_TO: usize = 1_000_000;

/// Tokens of every segment that overlaps `range` (the whole file for `None`), in order,
/// never overlapping. Free text (names, addresses, notes) gets no token.
pub fn tokens(text: &str, tree: &SyntaxTree, range: Option<Span>) -> Vec<Token> {
    let separators = range.is_some() || text.len() <= SEPARATORS_IN_WHOLE_FILE_UP_TO;
    let mut tokens = tokens_of(text, tree, range);
    if !separators {
        tokens.retain(|token| token.kind != TokenKind::Separator);
    }
    tokens
}

fn tokens_of(text: &str, tree: &SyntaxTree, range: Option<Span>) -> Vec<Token> {
    let segments = match range {
        None => &tree.segments[..],
        Some(range) => {
            let first = tree.segments.partition_point(|s| s.span().end <= range.start);
            let last = tree.segments.partition_point(|s| s.span().start < range.end).max(first);
            tree.segments.get(first..last).unwrap_or(&[])
        }
    };
    let mut tokens = Vec::with_capacity(segments.len() * 8);
    for segment in segments {
        segment_tokens(text, tree, segment, &mut tokens);
    }
    tokens
}

fn segment_tokens(text: &str, tree: &SyntaxTree, segment: &Segment, tokens: &mut Vec<Token>) {
    let id = segment.id(text);
    push(tokens, segment.id_span(), Some(TokenKind::SegmentId));
    let is_isa = id == "ISA";
    for (index, element) in tree.elements(segment).iter().enumerate() {
        let position = index + 1;
        let span = element.span();
        // The element separator sits right before each element's value.
        if span.start > 0 {
            tokens.push(Token { span: Span::new(span.start - 1, span.start), kind: TokenKind::Separator });
        }
        if span.is_empty() {
            continue;
        }
        if is_isa {
            let kind =
                if matches!(position, 11 | 16) { Some(TokenKind::Separator) } else { classify(id, position, None) };
            push(tokens, span, kind);
            continue;
        }
        let bytes = span.text(text).as_bytes();
        let component = segment.delimiters.component;
        let repetition = segment.delimiters.repetition;
        if !bytes.iter().any(|b| *b == component || Some(*b) == repetition) {
            push(tokens, span, classify(id, position, None).or_composite(id, position));
            continue;
        }
        // A composite (or a repeated element): each component coloured by its place.
        let mut start = span.start;
        let mut number = 1;
        for (at, byte) in bytes.iter().enumerate() {
            let offset = span.start + at;
            if *byte == component || Some(*byte) == repetition {
                push(tokens, Span::new(start, offset), classify(id, position, Some(number)));
                tokens.push(Token { span: Span::new(offset, offset + 1), kind: TokenKind::Separator });
                number = if *byte == component { number + 1 } else { 1 };
                start = offset + 1;
            }
        }
        push(tokens, Span::new(start, span.end), classify(id, position, Some(number)));
    }
    if let Some(terminator) = segment.terminator() {
        // A line break used as the terminator is not coloured: tokens stay on one line.
        if !terminator.text(text).contains(['\n', '\r']) {
            tokens.push(Token { span: terminator, kind: TokenKind::Separator });
        }
    }
}

fn push(tokens: &mut Vec<Token>, span: Span, kind: Option<TokenKind>) {
    if let Some(kind) = kind.filter(|_| !span.is_empty()) {
        tokens.push(Token { span, kind });
    }
}

trait OrComposite {
    fn or_composite(self, id: &str, position: usize) -> Option<TokenKind>;
}

impl OrComposite for Option<TokenKind> {
    /// A composite written with its first component only (`CTP05` = `ME`) is that
    /// component.
    fn or_composite(self, id: &str, position: usize) -> Option<TokenKind> {
        self.or_else(|| classify(id, position, Some(1)))
    }
}

/// What the value at `position` (and `component` of a composite) of a segment is.
fn classify(id: &str, position: usize, component: Option<usize>) -> Option<TokenKind> {
    use TokenKind::{Date, DiagnosisCode, Identifier, Modifier, Number, ProcedureCode, Qualifier};
    let kind = match (id, position, component) {
        ("ISA", 1 | 3 | 5 | 7 | 12 | 14 | 15, None) => Qualifier,
        ("ISA", 6 | 8 | 13, None) => Identifier,
        ("ISA", 9 | 10, None) => Date,
        ("GS", 1 | 7 | 8, None) | ("ST", 1 | 3, None) | ("BHT", 1 | 2 | 6, None) => Qualifier,
        ("GS", 2 | 3 | 6, None) | ("ST" | "SE" | "GE" | "IEA", 2, None) | ("BHT", 3, None) => Identifier,
        ("GS", 4 | 5, None) | ("BHT", 4 | 5, None) => Date,
        ("SE" | "GE" | "IEA", 1, None) => Number,
        ("NM1", 1 | 2 | 8 | 10, None) => Qualifier,
        ("NM1", 9 | 11 | 12, None) => Identifier,
        ("N4", 2 | 4 | 7, None) => Qualifier,
        ("N4", 3, None) => Identifier,
        ("REF" | "PRV" | "CUR" | "PWK", 1, None) | ("PRV", 2, None) | ("PWK", 2 | 5, None) => Qualifier,
        ("REF", 2, None) | ("PRV", 3, None) | ("PWK", 6, None) => Identifier,
        ("PER", 1 | 3 | 5 | 7, None) => Qualifier,
        ("PER", 4 | 6 | 8, None) => Identifier,
        ("HL", 1 | 2, None) => Identifier,
        ("HL", 3 | 4, None) => Qualifier,
        ("SBR", 1 | 2 | 5..=9, None) | ("PAT", 1 | 4 | 5 | 9, None) => Qualifier,
        ("SBR", 3, None) => Identifier,
        ("PAT", 6, None) => Date,
        ("PAT", 7, None) => Number,
        ("DMG", 1 | 3, None) | ("DTP", 1 | 2, None) => Qualifier,
        ("DMG", 2, None) | ("DTP", 3, None) => Date,
        ("CLM", 1, None) => Identifier,
        ("CLM", 2, None) => Number,
        ("CLM", 5, Some(_)) | ("CLM", 6..=20, None) => Qualifier,
        ("HI", _, Some(1 | 3)) => Qualifier,
        ("HI", _, Some(2)) => DiagnosisCode,
        ("HI", _, Some(4)) => Date,
        ("HI", _, Some(5 | 6)) => Number,
        ("LX", 1, None) | ("CL1", _, None) => Number,
        ("SV1", 1, Some(1)) | ("SV2", 2, Some(1)) => Qualifier,
        ("SV1", 1, Some(2)) | ("SV2", 2, Some(2)) => ProcedureCode,
        ("SV1", 1, Some(3..=6)) | ("SV2", 2, Some(3..=6)) => Modifier,
        ("SV1", 2 | 4, None) | ("SV1", 7, Some(_)) | ("SV2", 3 | 5 | 6 | 7, None) => Number,
        ("SV1", 3 | 5 | 9 | 11 | 12 | 15, None) | ("SV2", 1 | 4, None) => Qualifier,
        ("LIN", 2, None) | ("CTP", 5, Some(1)) | ("AMT" | "QTY" | "NTE" | "CN1" | "CAS", 1, None) => Qualifier,
        ("LIN", 1 | 3, None) => Identifier,
        ("CTP", 3 | 4, None) | ("AMT" | "QTY" | "CN1", 2, None) | ("CAS", 3 | 4, None) => Number,
        ("CAS", 2, None) => Qualifier,
        ("SVD", 1, None) => Identifier,
        ("SVD", 2 | 5, None) => Number,
        ("SVD", 3, Some(2)) => ProcedureCode,
        ("SVD", 3, Some(3..=6)) => Modifier,
        ("SVD", 3, Some(1)) => Qualifier,
        _ => return None,
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn kinds_of(text: &str) -> Vec<(String, TokenKind)> {
        let tree = parse(text);
        tokens(text, &tree, None).into_iter().map(|t| (t.span.text(text).to_string(), t.kind)).collect()
    }

    #[test]
    fn a_drug_line_is_coloured_by_what_each_value_is() {
        let text = include_str!("../../fixtures/claims/clean-837p.837");
        let tree = parse(text);
        let line = text.find("SV1*HC:J2700").expect("drug line");
        let found: Vec<(&str, TokenKind)> = tokens(text, &tree, Some(Span::new(line, line + 3)))
            .into_iter()
            .map(|t| (t.span.text(text), t.kind))
            .collect();
        use TokenKind::*;
        assert_eq!(
            found,
            [
                ("SV1", SegmentId),
                ("*", Separator),
                ("HC", Qualifier),
                (":", Separator),
                ("J2700", ProcedureCode),
                (":", Separator),
                ("JZ", Modifier),
                ("*", Separator),
                ("40", Number),
                ("*", Separator),
                ("UN", Qualifier),
                ("*", Separator),
                ("4", Number),
                ("*", Separator),
                ("*", Separator),
                ("*", Separator),
                ("1", Number),
                ("~", Separator),
            ]
        );
    }

    #[test]
    fn other_delimiters_colour_the_same() {
        let standard = "HI*ABK:A419~DTP*472*D8*20260115~";
        let isa = "ISA|00|          |00|          |ZZ|A              |ZZ|B              |260115|1200|!|00501|000000101|0|T|^\n";
        let other = format!("{isa}HI|ABK^A419\nDTP|472|D8|20260115\n");
        let kinds = |text: &str, from: usize| -> Vec<TokenKind> {
            let tree = parse(text);
            tokens(text, &tree, Some(Span::new(from, text.len()))).into_iter().map(|t| t.kind).collect()
        };
        let line_breaks = |kinds: Vec<TokenKind>| -> Vec<TokenKind> {
            // `~` is a separator token; a line break as terminator is not.
            let mut kinds = kinds;
            kinds.retain(|k| *k != TokenKind::Separator);
            kinds
        };
        assert_eq!(line_breaks(kinds(standard, 0)), line_breaks(kinds(&other, isa.len())));
        let pieces = kinds_of(&other);
        assert!(pieces.contains(&("A419".to_string(), TokenKind::DiagnosisCode)));
        assert!(pieces.contains(&("20260115".to_string(), TokenKind::Date)));
        assert!(pieces.contains(&("^".to_string(), TokenKind::Separator)));
        assert!(pieces.contains(&("|".to_string(), TokenKind::Separator)));
    }

    #[test]
    fn a_large_file_gets_separators_only_by_range() {
        let claim = include_str!("../../fixtures/claims/clean-837p.837");
        let large = claim.repeat(SEPARATORS_IN_WHOLE_FILE_UP_TO / claim.len() + 1);
        let tree = parse(&large);
        let whole = tokens(&large, &tree, None);
        assert!(!whole.is_empty() && whole.iter().all(|t| t.kind != TokenKind::Separator));
        let screen = tokens(&large, &tree, Some(Span::new(0, 200)));
        assert!(screen.iter().any(|t| t.kind == TokenKind::Separator));
        let small = parse(claim);
        assert!(tokens(claim, &small, None).iter().any(|t| t.kind == TokenKind::Separator));
    }

    #[test]
    fn tokens_never_overlap_and_stay_off_line_breaks() {
        for text in ["", "~~", "SV1*HC:J2700:JW**~\n", "HI*:::::~", "NM1\n*IL~", "ISA*00~SV1*::*~"] {
            let tree = parse(text);
            let found = tokens(text, &tree, None);
            for pair in found.windows(2) {
                assert!(pair[0].span.end <= pair[1].span.start, "{text:?}");
            }
            assert!(found.iter().all(|t| !t.span.is_empty() && t.span.end <= text.len()));
        }
    }
}
