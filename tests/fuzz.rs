//! Property tests: no input, however broken, makes the parser lose bytes or makes the
//! analysis, hover or the document store panic. Case counts keep the file under ~20 s
//! in a debug build.

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::lsp::DocumentStore;
use claim_lsp::text::PositionEncoding;
use proptest::prelude::*;
use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

/// Decode, parse, rebuild, analyse and hover at every 7th offset.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let tree = claim_lsp::syntax::parse(text);
    prop_assert_eq!(tree.rebuild(text), text);
    let environment = Environment::default();
    let analysis = Analysis::of_text(text.to_string(), &environment);
    for diagnostic in &analysis.diagnostics {
        let span = diagnostic.span;
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "[{}] span {:?} out of the text",
            diagnostic.rule,
            span
        );
    }
    for offset in (0..=text.len() + 1).step_by(7) {
        if let Some(doc) = claim_lsp::ide::hover::hover(&analysis, environment.codes(), offset) {
            prop_assert!(doc.span.start <= doc.span.end && doc.span.end <= text.len());
        }
    }
    // Every fix offered applies to the text; cursor repairs at every 11th offset too.
    let span = |offset: usize| claim_lsp::syntax::Span::new(offset, offset);
    let fixes = analysis
        .diagnostics
        .iter()
        .flat_map(|diagnostic| claim_lsp::ide::fixes::fixes_for(&analysis, &environment, diagnostic))
        .chain(
            (0..=text.len())
                .step_by(11)
                .flat_map(|offset| claim_lsp::ide::fixes::assists_at(&analysis, &environment, span(offset))),
        );
    for fix in fixes {
        prop_assert!(claim_lsp::edit::apply(text, &fix.edits).is_some(), "{}: {:?}", fix.title, fix.edits);
    }
    let all = claim_lsp::ide::fix_all(text, &environment);
    prop_assert_eq!(claim_lsp::edit::apply(text, &all.edits), Some(all.text));
    Ok(())
}

/// Pieces of X12 that exercise delimiters, envelopes, composites and odd characters.
const FRAGMENTS: &[&str] = &[
    "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260115*1200*^*00501*000000101*0*T*:~",
    "ISA*00*",
    "GS*HC*S*R*20260115*1200*101*X*005010X222A1~",
    "ST*837*0001*005010X222A1~",
    "BHT*0019*00*0001*20260115*1200*CH~",
    "HL*1**20*1~",
    "HL*2*1*22*0~",
    "NM1*85*2*CLINIC*****XX*1234567893~",
    "SBR*P*18*******MB~",
    "CLM*PCN1*140***11:B:1*Y*A*Y*Y~",
    "LX*1~",
    "SV1*HC:J2700:JW*",
    "SV1*HC:J9035:JZ*100*UN*4***1~",
    "SV2*0636*HC:J2700*40*UN*4~",
    "DTP*472*D8*20260115~",
    "LIN**N4*00781315695~",
    "CTP****1000*ME~",
    "SE*28*0001~",
    "GE*1*101~",
    "IEA*1*000000101~",
    "~",
    "*",
    ":",
    "^",
    "\r\n",
    "\n",
    "\r",
    " ",
    "é",
    "𝔄",
    "\u{feff}",
    "\u{2028}",
    "0",
    "99999999999999999999",
    "-1.5",
    "J2700",
    "JW",
];

fn x12ish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..48).prop_map(|parts| parts.concat())
}

/// A position that may be inside the text, past the end of its line, or past the end
/// of the document.
fn position() -> impl Strategy<Value = Position> {
    (
        prop_oneof![4 => 0u32..40, 1 => Just(u32::MAX), 1 => 40u32..10_000],
        prop_oneof![4 => 0u32..120, 1 => Just(u32::MAX)],
    )
        .prop_map(|(line, character)| Position::new(line, character))
}

fn change() -> impl Strategy<Value = TextDocumentContentChangeEvent> {
    let inserted = prop_oneof![
        3 => x12ish().prop_map(|s| s.chars().take(40).collect::<String>()),
        1 => Just(String::new()),
        1 => Just("𝔄é\r\n".to_string()),
    ];
    prop_oneof![
        // Ranges in any order, including inverted (end before start).
        12 => (position(), position(), inserted.clone())
            .prop_map(|(start, end, text)| TextDocumentContentChangeEvent { range: Some(Range::new(start, end)), range_length: None, text }),
        1 => inserted.prop_map(|text| TextDocumentContentChangeEvent { range: None, range_length: None, text }),
    ]
}

fn encoding() -> impl Strategy<Value = PositionEncoding> {
    prop_oneof![Just(PositionEncoding::Utf16), Just(PositionEncoding::Utf8), Just(PositionEncoding::Utf32)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_survive(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = claim_lsp::text::decode(&bytes);
        check_text(&text)?;
    }

    #[test]
    fn x12_fragments_survive(text in x12ish()) {
        check_text(&text)?;
    }

    #[test]
    fn x12_fragments_with_random_bytes_survive(text in x12ish(), noise in prop::collection::vec((any::<prop::sample::Index>(), any::<char>()), 0..8)) {
        let mut chars: Vec<char> = text.chars().collect();
        for (index, c) in noise {
            let at = if chars.is_empty() { 0 } else { index.index(chars.len() + 1) };
            chars.insert(at, c);
        }
        let text: String = chars.into_iter().collect();
        check_text(&text)?;
    }

    #[test]
    fn document_edits_never_panic(
        initial in x12ish(),
        edits in prop::collection::vec((prop::collection::vec(change(), 1..4), 1i32..4), 1..12),
        encoding in encoding(),
    ) {
        let uri = Url::parse("file:///fuzz/claim.837").expect("static uri");
        let mut store = DocumentStore::default();
        store.open(uri.clone(), &initial, 1);
        let mut version = 1;
        for (changes, step) in edits {
            version += step;
            prop_assert!(store.change(&uri, version, &changes, encoding).is_ok());
            // A stale version is refused and leaves the text alone.
            let before = store.get(&uri).map(|d| d.rope.to_string());
            prop_assert!(store.change(&uri, version, &changes, encoding).is_err());
            prop_assert_eq!(store.get(&uri).map(|d| d.rope.to_string()), before);
            let document = store.get(&uri).expect("open document");
            let text = document.rope.to_string();
            prop_assert!(std::str::from_utf8(text.as_bytes()).is_ok());
            prop_assert_eq!(text.len(), document.rope.len_bytes());
            if let Some(last_full) = changes.iter().rposition(|c| c.range.is_none()) {
                if last_full == changes.len() - 1 {
                    prop_assert_eq!(&text, &changes[last_full].text);
                }
            }
        }
        // The edited text is still a document the analysis can take.
        let text = store.get(&uri).map(|d| d.rope.to_string()).unwrap_or_default();
        let _ = Analysis::of_text(text, &Environment::default());
    }
}

/// An edit inside the text replaces exactly the characters it names (UTF-16 columns).
#[test]
fn edit_replaces_the_named_utf16_range() {
    let uri = Url::parse("file:///fuzz/claim.837").expect("static uri");
    let mut store = DocumentStore::default();
    store.open(uri.clone(), "NM1*IL*1*𝔄É~\r\nLX*1~\r\n", 1);
    let change = |start: (u32, u32), end: (u32, u32), text: &str| TextDocumentContentChangeEvent {
        range: Some(Range::new(Position::new(start.0, start.1), Position::new(end.0, end.1))),
        range_length: None,
        text: text.to_string(),
    };
    // 𝔄 is two UTF-16 units: columns 9..11.
    store.change(&uri, 2, &[change((0, 9), (0, 11), "A")], PositionEncoding::Utf16).expect("applied");
    assert_eq!(store.get(&uri).map(|d| d.rope.to_string()).as_deref(), Some("NM1*IL*1*AÉ~\r\nLX*1~\r\n"));
    // Inverted range: treated as empty at its start, nothing removed.
    store.change(&uri, 3, &[change((1, 3), (1, 0), "9")], PositionEncoding::Utf16).expect("applied");
    assert_eq!(store.get(&uri).map(|d| d.rope.to_string()).as_deref(), Some("NM1*IL*1*AÉ~\r\nLX*91~\r\n"));
    // Past the end of a line: the end of that line, before its line break.
    store.change(&uri, 4, &[change((0, 500), (0, 900), "!")], PositionEncoding::Utf16).expect("applied");
    assert_eq!(store.get(&uri).map(|d| d.rope.to_string()).as_deref(), Some("NM1*IL*1*AÉ~!\r\nLX*91~\r\n"));
    // Past the last line: the end of the document.
    store.change(&uri, 5, &[change((99, 0), (99, 5), "?")], PositionEncoding::Utf16).expect("applied");
    assert_eq!(store.get(&uri).map(|d| d.rope.to_string()).as_deref(), Some("NM1*IL*1*AÉ~!\r\nLX*91~\r\n?"));
}
