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

#[cfg(test)]
mod tests {
    use super::*;

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
