//! Protocol glue for the editor features of `ide/`: outline, folding, semantic tokens,
//! inlay hints, completion, formatting and navigation, from byte ranges to LSP types in
//! the negotiated encoding. The features themselves live in `ide/`, one per file.

use ropey::Rope;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::Value;
use tower_lsp_server::ls_types::{
    self as lsp, CompletionItemKind, CompletionTextEdit, DocumentSymbol, DocumentSymbolResponse, FoldingRange,
    FoldingRangeKind, InlayHintKind, InlayHintLabel, Location, SemanticToken, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend, SymbolInformation, SymbolKind, TextEdit, Uri,
};

use super::convert::{self, ForwardPositions};
use super::encoded::EncodedAnswers;
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
    let (symbols, positions) = outline(analysis, encoding);
    symbols.into_iter().map(|symbol| document_symbol(&positions, symbol)).collect()
}

fn outline(analysis: &Analysis, encoding: PositionEncoding) -> (Vec<Symbol>, convert::PositionTable) {
    let symbols = symbols::document_symbols(&analysis.file);
    let mut offsets = Vec::with_capacity(symbols.len() * 4);
    symbol_offsets(&symbols, &mut offsets);
    let positions = convert::PositionTable::new(&analysis.file.text, offsets, encoding);
    (symbols, positions)
}

/// The outline answer. With `encoded` (the server over stdio) it is written as JSON
/// straight from the symbols (see `encoded`) and the answer is a placeholder naming it:
/// a 10,000-claim batch has 70,000 symbols, whose `Value` tree cost more than the outline.
pub(super) fn document_symbol_response(
    analysis: &Analysis,
    encoding: PositionEncoding,
    encoded: Option<&EncodedAnswers>,
) -> DocumentSymbolResponse {
    let Some(answers) = encoded else {
        return DocumentSymbolResponse::Nested(document_symbols(analysis, encoding));
    };
    let (symbols, positions) = outline(analysis, encoding);
    let wire = WireSymbols { symbols: &symbols, positions: &positions };
    match answers.store(&wire, analysis.file.text.len() * 2 + 1024) {
        Some(token) => DocumentSymbolResponse::Nested(vec![placeholder_symbol(token)]),
        None => DocumentSymbolResponse::Nested(symbols.into_iter().map(|s| document_symbol(&positions, s)).collect()),
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the type.
fn placeholder_symbol(token: String) -> DocumentSymbol {
    let nowhere = lsp::Range::default();
    DocumentSymbol {
        name: token,
        detail: None,
        kind: SymbolKind::NULL,
        tags: None,
        deprecated: None,
        range: nowhere,
        selection_range: nowhere,
        children: None,
    }
}

/// Symbols serialised as `DocumentSymbol[]` without building them (see `document_symbol`,
/// whose JSON this matches field for field).
struct WireSymbols<'a> {
    symbols: &'a [Symbol],
    positions: &'a convert::PositionTable,
}

impl Serialize for WireSymbols<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.symbols.iter().map(|symbol| WireSymbol { symbol, positions: self.positions }))
    }
}

struct WireSymbol<'a> {
    symbol: &'a Symbol,
    positions: &'a convert::PositionTable,
}

impl Serialize for WireSymbol<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let symbol = self.symbol;
        let mut out = serializer.serialize_struct("DocumentSymbol", 6)?;
        out.serialize_field("name", if symbol.name.is_empty() { "(unnamed)" } else { symbol.name.as_str() })?;
        if symbol.detail.is_empty() {
            out.skip_field("detail")?;
        } else {
            out.serialize_field("detail", &symbol.detail)?;
        }
        out.serialize_field("kind", &symbol_kind(symbol.kind))?;
        out.serialize_field("range", &self.positions.range(symbol.span))?;
        out.serialize_field("selectionRange", &self.positions.range(symbol.selection))?;
        if symbol.children.is_empty() {
            out.skip_field("children")?;
        } else {
            out.serialize_field("children", &WireSymbols { symbols: &symbol.children, positions: self.positions })?;
        }
        out.end()
    }
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

/// The folding answer; with `encoded`, written as JSON directly (as the outline).
pub(super) fn folding_response(analysis: &Analysis, encoded: Option<&EncodedAnswers>) -> Vec<FoldingRange> {
    let ranges = folding_ranges(analysis);
    let Some(answers) = encoded else { return ranges };
    match answers.store(&ranges, ranges.len() * 64 + 16) {
        Some(token) => vec![FoldingRange { collapsed_text: Some(token), ..FoldingRange::default() }],
        None => ranges,
    }
}

/// Whole-file semantic tokens; with `encoded`, written as JSON directly (millions of
/// numbers would otherwise each become a `Value`).
pub(super) fn semantic_tokens_response(
    analysis: &Analysis,
    encoding: PositionEncoding,
    encoded: Option<&EncodedAnswers>,
) -> SemanticTokens {
    let tokens = semantic_tokens(analysis, None, encoding);
    let Some(answers) = encoded else { return tokens };
    match answers.store(&tokens, tokens.data.len() * 5 * 4 + 32) {
        Some(token) => SemanticTokens { result_id: Some(token), data: Vec::new() },
        None => tokens,
    }
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
    // A charge file's text, not the empty 837 beside it: its rows are lines.
    let text = analysis.text();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Environment;

    fn analysis(text: &str) -> Analysis {
        Analysis::of_text(text.to_string(), &Environment::default())
    }

    /// The JSON written directly must be the JSON the library writes for the same answer.
    fn encoded_json<T: Serialize>(answers: &EncodedAnswers, placeholder: &T) -> Value {
        let response =
            tower_lsp_server::jsonrpc::Response::from_ok(1.into(), serde_json::to_value(placeholder).expect("JSON"));
        let body = answers.body_for(&response).expect("a placeholder").expect("stored");
        let mut written: Value = serde_json::from_slice(&body).expect("valid JSON");
        written["result"].take()
    }

    #[test]
    fn outline_folding_and_tokens_written_directly_equal_the_ordinary_answers() {
        let one_line = include_str!("../../fixtures/claims/clean-837p.837").replace('\n', "");
        let texts = [
            include_str!("../../fixtures/claims/clean-837p.837").to_string(),
            include_str!("../../tests/editors/fixtures/drug-line-mistakes.837p").to_string(),
            // A name with quotes, a backslash and non-ASCII text must be escaped alike.
            include_str!("../../fixtures/claims/clean-837p.837").replace("DOE*JANE", "D\"O\\E*J\u{e9}ANE"),
            one_line,
            String::new(),
        ];
        for text in &texts {
            let analysis = analysis(text);
            for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
                let answers = EncodedAnswers::default();
                let ordinary =
                    serde_json::to_value(DocumentSymbolResponse::Nested(document_symbols(&analysis, encoding)));
                let placeholder = document_symbol_response(&analysis, encoding, Some(&answers));
                assert_eq!(encoded_json(&answers, &placeholder), ordinary.expect("JSON"), "outline of {text:?}");

                let ordinary = serde_json::to_value(folding_ranges(&analysis)).expect("JSON");
                let placeholder = folding_response(&analysis, Some(&answers));
                assert_eq!(encoded_json(&answers, &placeholder), ordinary, "folding of {text:?}");

                let ordinary = serde_json::to_value(semantic_tokens(&analysis, None, encoding)).expect("JSON");
                let placeholder = semantic_tokens_response(&analysis, encoding, Some(&answers));
                assert_eq!(encoded_json(&answers, &placeholder), ordinary, "tokens of {text:?}");
            }
        }
    }

    #[test]
    fn without_a_store_the_answers_are_the_ordinary_ones() {
        let analysis = analysis(include_str!("../../fixtures/claims/clean-837p.837"));
        let DocumentSymbolResponse::Nested(symbols) =
            document_symbol_response(&analysis, PositionEncoding::Utf16, None)
        else {
            panic!("nested symbols expected");
        };
        assert_eq!(symbols[0].name, "ISA 000000101");
        assert!(folding_response(&analysis, None).len() > 3);
    }
}
