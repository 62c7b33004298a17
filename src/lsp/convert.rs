//! The protocol edge: byte offsets ↔ LSP positions in the negotiated encoding, and our
//! diagnostics and hovers ↔ LSP types. The only module that sees both worlds.

use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, NumberOrString, PositionEncodingKind};

use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::Span;
use crate::text::{self, LineColumn, PositionEncoding};

/// Picks UTF-8 when the client offers it (no conversion cost), else the default UTF-16.
pub(super) fn negotiate(offered: Option<&Vec<PositionEncodingKind>>) -> PositionEncoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub(super) fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub(super) fn offset(rope: &Rope, position: lsp::Position, encoding: PositionEncoding) -> usize {
    let position = LineColumn { line: position.line as usize, column: position.character as usize };
    text::offset(rope, position, encoding)
}

pub(super) fn position(rope: &Rope, offset: usize, encoding: PositionEncoding) -> lsp::Position {
    let at = text::line_column(rope, offset, encoding);
    lsp::Position::new(saturate(at.line), saturate(at.column))
}

pub(super) fn range(rope: &Rope, span: Span, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range::new(position(rope, span.start, encoding), position(rope, span.end, encoding))
}

/// Walks the text forward once, counting lines and columns: tokens come in order, so a
/// whole file costs one pass instead of a rope lookup per token.
pub(super) struct ForwardPositions<'a> {
    text: &'a str,
    encoding: PositionEncoding,
    offset: usize,
    line: u32,
    column: u32,
}

impl<'a> ForwardPositions<'a> {
    /// Counting from `offset`, the start of line `line`.
    pub(super) fn at_line_start(text: &'a str, encoding: PositionEncoding, offset: usize, line: usize) -> Self {
        Self { text, encoding, offset, line: u32::try_from(line).unwrap_or(u32::MAX), column: 0 }
    }

    /// Line and column of `to`, which is not before the last offset asked.
    pub(super) fn advance(&mut self, to: usize) -> (u32, u32) {
        let bytes = self.text.as_bytes();
        let to = to.min(bytes.len());
        while self.offset < to {
            let Some(&byte) = bytes.get(self.offset) else { break };
            if byte == b'\n' || (byte == b'\r' && bytes.get(self.offset + 1) != Some(&b'\n')) {
                self.line += 1;
                self.column = 0;
                self.offset += 1;
            } else if byte == b'\r' || byte < 0x80 {
                self.column += u32::from(byte != b'\r');
                self.offset += 1;
            } else {
                let Some(character) = self.text.get(self.offset..).and_then(|rest| rest.chars().next()) else {
                    self.offset += 1;
                    continue;
                };
                let width = match self.encoding {
                    PositionEncoding::Utf8 => character.len_utf8(),
                    PositionEncoding::Utf16 => character.len_utf16(),
                    PositionEncoding::Utf32 => 1,
                };
                self.column += u32::try_from(width).unwrap_or(1);
                self.offset += character.len_utf8();
            }
        }
        (self.line, self.column)
    }
}

/// Positions of many offsets, found in one forward pass: for answers that hold tens of
/// thousands of ranges (the outline of a batch), where a rope lookup each is too slow.
pub(super) struct PositionTable {
    offsets: Vec<usize>,
    positions: Vec<lsp::Position>,
}

impl PositionTable {
    pub(super) fn new(text: &str, mut offsets: Vec<usize>, encoding: PositionEncoding) -> Self {
        offsets.sort_unstable();
        offsets.dedup();
        let mut walk = ForwardPositions::at_line_start(text, encoding, 0, 0);
        let positions = offsets
            .iter()
            .map(|offset| {
                let (line, column) = walk.advance(*offset);
                lsp::Position::new(line, column)
            })
            .collect();
        Self { offsets, positions }
    }

    /// The position of an offset given to [`PositionTable::new`] (else the nearest before).
    pub(super) fn position(&self, offset: usize) -> lsp::Position {
        let index = self.offsets.partition_point(|known| *known <= offset).saturating_sub(1);
        self.positions.get(index).copied().unwrap_or_default()
    }

    pub(super) fn range(&self, span: Span) -> lsp::Range {
        lsp::Range::new(self.position(span.start), self.position(span.end))
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

pub(super) fn diagnostic(rope: &Rope, diagnostic: &Diagnostic, encoding: PositionEncoding) -> lsp::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    };
    lsp::Diagnostic {
        range: range(rope, diagnostic.span, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(diagnostic.rule.to_string())),
        source: Some("claim-lsp".to_string()),
        message: diagnostic.message.clone(),
        ..lsp::Diagnostic::default()
    }
}

/// What the server publishes of a document's findings: all of them when they are at
/// most `max`, else `max` of them — errors first, then warnings, then the rest, each in
/// the order of the text — and one more diagnostic on the first line that counts what
/// was left out. Positions are computed only for what is published.
pub(super) fn published(
    rope: &Rope,
    diagnostics: &[Diagnostic],
    encoding: PositionEncoding,
    max: usize,
) -> Vec<lsp::Diagnostic> {
    if diagnostics.len() <= max {
        return diagnostics.iter().map(|d| diagnostic(rope, d, encoding)).collect();
    }
    let mut chosen: Vec<usize> = (0..diagnostics.len()).collect();
    // Stable: within a severity, the text's order stays.
    chosen.sort_by_key(|&at| diagnostics.get(at).map(|d| d.severity));
    let left_out = chosen.split_off(max);
    chosen.sort_unstable();
    let count = |severity: Severity| left_out.iter().filter(|&&at| diagnostics[at].severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let others = left_out.len() - errors - warnings;
    let mut published: Vec<lsp::Diagnostic> =
        chosen.iter().filter_map(|&at| diagnostics.get(at)).map(|d| diagnostic(rope, d, encoding)).collect();
    published.push(lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(lsp::DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String("max-diagnostics".into())),
        source: Some("claim-lsp".to_string()),
        message: format!(
            "{} more findings are not shown ({errors} errors, {warnings} warnings, {others} others): \
             this file has {} and the maxDiagnostics setting shows {max}; `claim-lsp check` lists them all",
            left_out.len(),
            diagnostics.len()
        ),
        ..lsp::Diagnostic::default()
    });
    published
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forward_pass_agrees_with_the_rope() {
        let text = "ISA*𝔄é~\r\nGS*ü\rST*1~\n\nSE~";
        let rope = Rope::from_str(text);
        let offsets: Vec<usize> = (0..=text.len()).filter(|o| text.is_char_boundary(*o)).collect();
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            let table = PositionTable::new(text, offsets.clone(), encoding);
            for offset in &offsets {
                if text.get(..*offset).is_some_and(|before| before.ends_with('\r')) && text[*offset..].starts_with('\n')
                {
                    continue; // between \r and \n: no LSP position names it
                }
                assert_eq!(table.position(*offset), position(&rope, *offset, encoding), "{offset} {encoding:?}");
            }
        }
    }

    #[test]
    fn prefers_utf8_only_when_offered() {
        assert_eq!(negotiate(None), PositionEncoding::Utf16);
        assert_eq!(
            negotiate(Some(&vec![PositionEncodingKind::UTF16, PositionEncodingKind::UTF8])),
            PositionEncoding::Utf8
        );
        assert_eq!(negotiate(Some(&vec![PositionEncodingKind::UTF32])), PositionEncoding::Utf16);
    }
}
