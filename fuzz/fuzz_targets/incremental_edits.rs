//! The server's document store applies any sequence of LSP content changes exactly as
//! the same edits applied to a String, and analysing the stored text gives what a fresh
//! analysis of that String gives. Positions go in as UTF-16 line/character, computed
//! here independently of the server's own conversion.
#![no_main]

use arbitrary::Arbitrary;
use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::lsp::DocumentStore;
use claim_lsp::text::PositionEncoding;
use libfuzzer_sys::fuzz_target;
use std::str::FromStr;

use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

#[derive(Arbitrary, Debug)]
struct Session {
    text: String,
    /// (start, end, new text) with offsets taken modulo the text's length.
    edits: Vec<(u16, u16, String)>,
    /// How many edits go in each didChange (LSP applies them in order).
    batch: u8,
    /// A last change at any position at all, valid or not: it must not panic.
    wild: Option<(u32, u32, u32, u32, String)>,
}

/// The nearest char boundary at or before `offset`, never between a CR and its LF.
fn snap(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\r') && text.as_bytes().get(offset) == Some(&b'\n') {
        offset -= 1;
    }
    offset
}

/// Line and UTF-16 character of a byte offset; lines end at LF, CRLF or a lone CR.
fn position(text: &str, offset: usize) -> Position {
    let (mut line, mut character) = (0u32, 0u32);
    for (at, c) in text[..offset].char_indices() {
        match c {
            '\n' => (line, character) = (line + 1, 0),
            '\r' if text.as_bytes().get(at + 1) == Some(&b'\n') => {}
            '\r' => (line, character) = (line + 1, 0),
            c => character += c.len_utf16() as u32,
        }
    }
    Position::new(line, character)
}

fuzz_target!(|session: Session| {
    let Ok(uri) = Uri::from_str("file:///fuzz/claims.837") else { return };
    let mut store = DocumentStore::default();
    let mut expected = session.text.clone();
    store.open(uri.clone(), &expected, 1, "x12-837");
    let mut version = 1;
    for batch in session.edits.chunks(usize::from(session.batch.max(1))) {
        let mut changes = Vec::new();
        for (a, b, new) in batch {
            let length = expected.len() + 1;
            let (a, b) = (snap(&expected, usize::from(*a) % length), snap(&expected, usize::from(*b) % length));
            let (start, end) = (a.min(b), a.max(b));
            let range = Range::new(position(&expected, start), position(&expected, end));
            expected.replace_range(start..end, new);
            changes.push(TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: new.clone() });
        }
        version += 1;
        assert!(store.change(&uri, version, &changes, PositionEncoding::Utf16).is_ok());
        let stored = store.get(&uri).map(|document| document.rope.to_string());
        assert_eq!(stored.as_deref(), Some(expected.as_str()), "the store and the String differ");
    }
    let environment = Environment::default();
    if let Some(document) = store.get(&uri) {
        let incremental = Analysis::new(document.rope.to_string(), document.rope.clone(), &document.kind, &environment);
        let fresh = Analysis::of_text(expected.clone(), &environment);
        assert_eq!(incremental.diagnostics, fresh.diagnostics);
    }
    if let Some((line, character, end_line, end_character, text)) = session.wild {
        let range = Range::new(Position::new(line, character), Position::new(end_line, end_character));
        let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text };
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            version += 1;
            let _ = store.change(&uri, version, std::slice::from_ref(&change), encoding);
        }
    }
});
