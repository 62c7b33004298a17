//! Protocol glue for the editor features of `ide/`: outline, folding, semantic tokens,
//! inlay hints, completion, formatting and navigation, from byte ranges to LSP types in
//! the negotiated encoding. The features themselves live in `ide/`, one per file.

use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::ls_types::{
    self as lsp, CompletionItemKind, CompletionTextEdit, DocumentSymbol, FoldingRange, FoldingRangeKind, InlayHintKind,
    InlayHintLabel, Location, SemanticToken, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SymbolInformation, SymbolKind, TextEdit, Uri,
};

use super::convert::{self, ForwardPositions};
use crate::analysis::Analysis;
use crate::codes::CodeTable;
use crate::ide::completion::{self, CompletionKind};
use crate::ide::formatting::{self, FormatStyle};
use crate::ide::inlay_hints::{self, HintKind, HintSettings};
use crate::ide::semantic_tokens::{self, TokenKind};
use crate::ide::symbols::{self, Symbol};
use crate::ide::{folding, navigation};
use crate::syntax::Span;
use crate::text::PositionEncoding;

/// The settings of the editor features, read from the editor's settings object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct FeatureSettings {
    pub hints: HintSettings,
    pub format_style: FormatStyle,
}

impl FeatureSettings {
    /// `inlayHints.{dose,qualifiers,segmentNames}` and `format.style`; a value of the wrong
    /// type keeps the default.
    pub(super) fn from_editor(editor: &Value) -> Self {
        let defaults = HintSettings::default();
        let flag = |name: &str, default: bool| {
            editor.get("inlayHints").and_then(|hints| hints.get(name)).and_then(Value::as_bool).unwrap_or(default)
        };
        let hints = HintSettings {
            dose: flag("dose", defaults.dose),
            qualifiers: flag("qualifiers", defaults.qualifiers),
            segment_names: flag("segmentNames", defaults.segment_names),
        };
        let format_style = editor
            .get("format")
            .and_then(|format| format.get("style"))
            .and_then(Value::as_str)
            .and_then(FormatStyle::from_setting)
            .unwrap_or_default();
        Self { hints, format_style }
    }
}

fn span_of(rope: &Rope, range: lsp::Range, encoding: PositionEncoding) -> Span {
    let start = convert::offset(rope, range.start, encoding);
    Span::new(start, convert::offset(rope, range.end, encoding).max(start))
}

fn symbol_kind(kind: symbols::SymbolKind) -> SymbolKind {
    use symbols::SymbolKind as Ours;
    match kind {
        Ours::Interchange => SymbolKind::PACKAGE,
        Ours::FunctionalGroup => SymbolKind::NAMESPACE,
        Ours::Transaction => SymbolKind::MODULE,
        Ours::BillingProvider => SymbolKind::CLASS,
        Ours::Subscriber | Ours::Patient | Ours::OtherLevel => SymbolKind::OBJECT,
        Ours::Claim => SymbolKind::STRUCT,
        Ours::ServiceLine => SymbolKind::FIELD,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the type.
fn document_symbol(positions: &convert::PositionTable, symbol: Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: if symbol.name.is_empty() { "(unnamed)".to_string() } else { symbol.name },
        detail: (!symbol.detail.is_empty()).then_some(symbol.detail),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: positions.range(symbol.span),
        selection_range: positions.range(symbol.selection),
        // Leaves (50,000 service lines in a large batch) carry no empty list.
        children: (!symbol.children.is_empty())
            .then(|| symbol.children.into_iter().map(|child| document_symbol(positions, child)).collect()),
    }
}

fn symbol_offsets(symbols: &[Symbol], offsets: &mut Vec<usize>) {
    for symbol in symbols {
        offsets.extend([symbol.span.start, symbol.span.end, symbol.selection.start, symbol.selection.end]);
        symbol_offsets(&symbol.children, offsets);
    }
}

/// The outline; its tens of thousands of positions are found in one pass over the text.
pub(super) fn document_symbols(analysis: &Analysis, encoding: PositionEncoding) -> Vec<DocumentSymbol> {
    let symbols = symbols::document_symbols(&analysis.file);
    let mut offsets = Vec::new();
    symbol_offsets(&symbols, &mut offsets);
    let positions = convert::PositionTable::new(&analysis.file.text, offsets, encoding);
    symbols.into_iter().map(|symbol| document_symbol(&positions, symbol)).collect()
}

#[allow(deprecated)] // `deprecated` is a required field of the type.
pub(super) fn workspace_symbols(
    uri: &Uri,
    analysis: &Analysis,
    query: &str,
    encoding: PositionEncoding,
) -> Vec<SymbolInformation> {
    let rope = analysis.rope();
    symbols::claim_symbols(&analysis.file, query)
        .into_iter()
        .map(|claim| SymbolInformation {
            name: claim.name,
            kind: SymbolKind::STRUCT,
            tags: None,
            deprecated: None,
            location: Location { uri: uri.clone(), range: convert::range(rope, claim.span, encoding) },
            container_name: Some(claim.detail),
        })
        .collect()
}

/// Folds by lines; a range that starts and ends on one line folds nothing and is left out.
pub(super) fn folding_ranges(analysis: &Analysis) -> Vec<FoldingRange> {
    let rope = analysis.rope();
    let line = |offset: usize| rope.try_byte_to_line(offset.min(rope.len_bytes())).unwrap_or(0);
    folding::folding_ranges(&analysis.file)
        .into_iter()
        .filter_map(|span| {
            let start = line(span.start);
            let end = line(span.end.saturating_sub(1).max(span.start));
            if end <= start {
                return None;
            }
            Some(FoldingRange {
                start_line: u32::try_from(start).ok()?,
                end_line: u32::try_from(end).ok()?,
                kind: Some(FoldingRangeKind::Region),
                ..FoldingRange::default()
            })
        })
        .collect()
}

/// Standard token types, so stock themes colour them; the order is [`TokenKind::ALL`].
pub(super) fn semantic_legend() -> SemanticTokensLegend {
    let token_types = TokenKind::ALL
        .iter()
        .map(|kind| match kind {
            TokenKind::SegmentId => SemanticTokenType::KEYWORD,
            TokenKind::Separator => SemanticTokenType::OPERATOR,
            TokenKind::Qualifier => SemanticTokenType::ENUM_MEMBER,
            TokenKind::ProcedureCode => SemanticTokenType::FUNCTION,
            TokenKind::DiagnosisCode => SemanticTokenType::TYPE,
            TokenKind::Modifier => SemanticTokenType::DECORATOR,
            TokenKind::Number => SemanticTokenType::NUMBER,
            TokenKind::Date => SemanticTokenType::STRING,
            TokenKind::Identifier => SemanticTokenType::VARIABLE,
        })
        .collect();
    SemanticTokensLegend { token_types, token_modifiers: Vec::new() }
}

/// Tokens of the file (`range` `None`) or of the segments a range touches, relative-encoded.
pub(super) fn semantic_tokens(
    analysis: &Analysis,
    range: Option<lsp::Range>,
    encoding: PositionEncoding,
) -> SemanticTokens {
    let file = &analysis.file;
    let rope = analysis.rope();
    let span = range.map(|range| span_of(rope, range, encoding));
    let tokens = semantic_tokens::tokens(&file.text, &file.tree, span);
    // Start counting at the line where the first token is.
    let first = tokens.first().map_or(0, |token| token.span.start);
    let line = rope.try_byte_to_line(first.min(rope.len_bytes())).unwrap_or(0);
    let line_start = rope.try_line_to_byte(line).unwrap_or(0);
    let mut positions = ForwardPositions::at_line_start(&file.text, encoding, line_start, line);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut previous_line, mut previous_column) = (0, 0);
    for token in tokens {
        let (line, column) = positions.advance(token.span.start);
        let (end_line, end_column) = positions.advance(token.span.end);
        if end_line != line || end_column <= column {
            continue;
        }
        let delta_line = line - previous_line;
        let delta_start = if delta_line == 0 { column - previous_column } else { column };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: end_column - column,
            token_type: token.kind.index(),
            token_modifiers_bitset: 0,
        });
        (previous_line, previous_column) = (line, column);
    }
    SemanticTokens { result_id: None, data }
}

pub(super) fn inlay_hints(
    analysis: &Analysis,
    codes: &CodeTable,
    range: lsp::Range,
    settings: HintSettings,
    encoding: PositionEncoding,
) -> Vec<lsp::InlayHint> {
    let rope = analysis.rope();
    let span = span_of(rope, range, encoding);
    inlay_hints::inlay_hints(&analysis.file, codes, span, settings)
        .into_iter()
        .map(|hint| {
            let (label, kind, padding_left, padding_right) = match hint.kind {
                HintKind::Dose => (hint.label, InlayHintKind::TYPE, true, false),
                HintKind::Qualifier => (hint.label, InlayHintKind::PARAMETER, true, false),
                HintKind::SegmentName => (hint.label, InlayHintKind::PARAMETER, false, true),
            };
            lsp::InlayHint {
                position: convert::position(rope, hint.offset, encoding),
                label: InlayHintLabel::String(label),
                kind: Some(kind),
                text_edits: None,
                tooltip: None,
                padding_left: Some(padding_left),
                padding_right: Some(padding_right),
                data: None,
            }
        })
        .collect()
}

pub(super) fn completion(
    analysis: &Analysis,
    codes: &CodeTable,
    position: lsp::Position,
    encoding: PositionEncoding,
) -> lsp::CompletionList {
    let rope = analysis.rope();
    let offset = convert::offset(rope, position, encoding);
    let found = completion::complete(&analysis.file, codes, offset);
    let items = found
        .items
        .into_iter()
        .map(|item| lsp::CompletionItem {
            kind: Some(match item.kind {
                CompletionKind::Segment => CompletionItemKind::KEYWORD,
                CompletionKind::Code => CompletionItemKind::ENUM_MEMBER,
                CompletionKind::Procedure => CompletionItemKind::FUNCTION,
                CompletionKind::Modifier => CompletionItemKind::PROPERTY,
            }),
            detail: item.detail,
            documentation: item.documentation.map(lsp::Documentation::String),
            sort_text: Some(item.sort_text),
            filter_text: Some(item.label.clone()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: convert::range(rope, item.replace, encoding),
                new_text: item.label.clone(),
            })),
            label: item.label,
            ..lsp::CompletionItem::default()
        })
        .collect();
    lsp::CompletionList { is_incomplete: found.incomplete, items }
}

pub(super) fn formatting(
    analysis: &Analysis,
    range: Option<lsp::Range>,
    style: FormatStyle,
    encoding: PositionEncoding,
) -> Vec<TextEdit> {
    let rope = analysis.rope();
    let span = range.map(|range| span_of(rope, range, encoding));
    formatting::format(&analysis.file, span, style)
        .into_iter()
        .map(|edit| TextEdit { range: convert::range(rope, edit.span, encoding), new_text: edit.text })
        .collect()
}

pub(super) fn definition(
    uri: &Uri,
    analysis: &Analysis,
    position: lsp::Position,
    encoding: PositionEncoding,
) -> Option<Location> {
    let rope = analysis.rope();
    let span = navigation::definition(&analysis.file, convert::offset(rope, position, encoding))?;
    Some(Location { uri: uri.clone(), range: convert::range(rope, span, encoding) })
}

pub(super) fn highlights(
    analysis: &Analysis,
    position: lsp::Position,
    encoding: PositionEncoding,
) -> Vec<lsp::DocumentHighlight> {
    let rope = analysis.rope();
    navigation::highlights(&analysis.file, convert::offset(rope, position, encoding))
        .into_iter()
        .map(|span| lsp::DocumentHighlight {
            range: convert::range(rope, span, encoding),
            kind: Some(lsp::DocumentHighlightKind::TEXT),
        })
        .collect()
}

pub(super) fn references(
    uri: &Uri,
    analysis: &Analysis,
    position: lsp::Position,
    encoding: PositionEncoding,
) -> Vec<Location> {
    let rope = analysis.rope();
    navigation::references(&analysis.file, convert::offset(rope, position, encoding))
        .into_iter()
        .map(|span| Location { uri: uri.clone(), range: convert::range(rope, span, encoding) })
        .collect()
}

pub(super) fn selection_ranges(
    analysis: &Analysis,
    positions: &[lsp::Position],
    encoding: PositionEncoding,
) -> Vec<lsp::SelectionRange> {
    let rope = analysis.rope();
    positions
        .iter()
        .map(|position| {
            let offset = convert::offset(rope, *position, encoding);
            let spans = navigation::selection_ranges(&analysis.file, offset);
            // Built outermost first, each holding the one outside it as its parent.
            let mut built: Option<lsp::SelectionRange> = None;
            for span in spans.iter().rev() {
                built = Some(lsp::SelectionRange {
                    range: convert::range(rope, *span, encoding),
                    parent: built.map(Box::new),
                });
            }
            built.unwrap_or(lsp::SelectionRange { range: lsp::Range::new(*position, *position), parent: None })
        })
        .collect()
}

/// A code action request covers the whole line of its range, so a cursor anywhere on a
/// segment's line gets every finding there; on a line with several segments (a one-line
/// file), the segments the range touches.
pub(super) fn line_scope(analysis: &Analysis, span: Span) -> Span {
    let text = &analysis.file.text;
    let bytes = text.as_bytes();
    let is_break = |b: &u8| *b == b'\n' || *b == b'\r';
    let line_start =
        bytes.get(..span.start).and_then(|before| before.iter().rposition(is_break)).map_or(0, |at| at + 1);
    let line_end =
        bytes.get(span.end..).and_then(|after| after.iter().position(is_break)).map_or(text.len(), |at| span.end + at);
    let tree = &analysis.file.tree;
    let first = tree.segments.partition_point(|s| s.span().end <= line_start);
    let last = tree.segments.partition_point(|s| s.span().start < line_end);
    if last.saturating_sub(first) <= 1 {
        return Span::new(line_start, line_end);
    }
    let touched_first = tree.segment_at(span.start).unwrap_or(first);
    let touched_last = tree.segment_at(span.end).unwrap_or(touched_first).max(touched_first);
    let start = tree.segment(touched_first).map_or(span.start, |s| s.span().start.min(span.start));
    // Up to the last segment's terminator: a finding at the next segment's first byte
    // is not on these segments.
    let end = tree.segment(touched_last).map_or(span.end, |s| s.span().end.saturating_sub(1).max(span.end));
    Span::new(start, end)
}
