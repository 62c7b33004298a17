//! Property tests: no input, however broken, makes the parser lose bytes or makes the
//! analysis, hover or the document store panic; after any edits the server holds the
//! client's text and publishes what a fresh open of that text gives. Case counts keep
//! the file under ~20 s in a debug build.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::lsp::DocumentStore;
use claim_lsp::text::PositionEncoding;
use lsp_client::TestClient;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

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
    let all = claim_lsp::ide::fix_all(text, &claim_lsp::analysis::DocumentKind::X12, &environment);
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
        let uri = "file:///fuzz/claim.837".parse::<Uri>().expect("static uri");
        let mut store = DocumentStore::default();
        store.open(uri.clone(), &initial, 1, "x12-837");
        let mut client_text = initial;
        let mut version = 1;
        for (changes, step) in edits {
            version += step;
            prop_assert!(store.change(&uri, version, &changes, encoding).is_ok());
            for change in &changes {
                client_apply(&mut client_text, change, encoding);
            }
            prop_assert_eq!(store.get(&uri).map(|d| d.rope.to_string()), Some(client_text.clone()));
            // A stale version is refused and leaves the text alone.
            prop_assert!(store.change(&uri, version, &changes, encoding).is_err());
            prop_assert_eq!(store.get(&uri).map(|d| d.rope.to_string()), Some(client_text.clone()));
        }
        // The edited text is still a document the analysis can take.
        let _ = Analysis::of_text(client_text, &Environment::default());
    }
}

proptest! {
    // Each case starts a server: fewer cases, same strategies.
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Through the real server: after every `didChange` the server holds the client's
    /// text, and the diagnostics it publishes for the last version are those a fresh open
    /// of the same text gets (no stale analysis survives an edit).
    #[test]
    fn the_server_follows_the_client_through_edits(
        initial in x12ish(),
        edits in prop::collection::vec(prop::collection::vec(change(), 1..4), 1..8),
        utf8 in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        runtime.block_on(async {
            let (encoding, offered) =
                if utf8 { (PositionEncoding::Utf8, json!(["utf-8"])) } else { (PositionEncoding::Utf16, json!(["utf-16"])) };
            let mut client = TestClient::start(json!({"general": {"positionEncodings": offered}}), Value::Null).await;
            let edited = "file:///fuzz/edited.837";
            let uri = edited.parse::<Uri>().expect("static uri");
            client.open(edited, &initial, 1).await;
            let mut text = initial.clone();
            let mut version = 1;
            for changes in &edits {
                version += 1;
                for change in changes {
                    client_apply(&mut text, change, encoding);
                }
                let params = json!({"textDocument": {"uri": edited, "version": version}, "contentChanges": changes});
                client.notify("textDocument/didChange", params).await;
                prop_assert_eq!(client.service.inner().document_text(&uri), Some(text.clone()), "version {}", version);
            }
            let published = client.diagnostics(edited, Some(i64::from(version))).await;
            let fresh = "file:///fuzz/fresh.837";
            client.open(fresh, &text, 1).await;
            let expected = client.diagnostics(fresh, Some(1)).await;
            prop_assert_eq!(&published["diagnostics"], &expected["diagnostics"]);
            Ok(())
        })?;
    }
}

/// A valid request for the framing property: its id, and a text that may itself hold
/// header-like bytes (inside a JSON string they are not a header).
fn request_body(id: u32, text: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {"text": text}}).to_string()
}

const JUNK: &[&str] = &[
    "{",
    "}",
    "[]",
    "\"",
    ":",
    "x",
    "Content-Type: a\r\n",
    "\r\n",
    "\r\n\r\n",
    "Content-Lengt",
    "h: 12",
    "\u{ff}",
    "\u{1d504}",
    "null",
    "{\"jsonrpc\":\"2.0\"}",
    " ",
    "99",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever junk comes between valid frames, and however the bytes are split into
    /// reads, the framing never panics, always moves on, and reads every valid message
    /// in order. (Junk never holds a whole `Content-Length:`, alone or with the junk
    /// beside it: that is a header.)
    #[test]
    fn framing_recovers_every_valid_message_after_junk(
        items in prop::collection::vec(
            prop_oneof![
                2 => (0u32..1000, prop::sample::select(&["", "Content-Length: 5\r\n\r\n{}", "ü𝔄", "\\\"}"][..]))
                    .prop_map(|(id, text)| (Some(id), request_body(id, text).into_bytes())),
                1 => prop::collection::vec(prop::sample::select(JUNK), 1..6).prop_map(|parts| (None, parts.concat().into_bytes())),
                1 => prop::collection::vec(any::<u8>(), 1..40).prop_map(|bytes| (None, bytes)),
            ],
            0..12,
        ),
        chunk in 1usize..200,
    ) {
        use claim_lsp::lsp::framing::{FrameReader, Framed, Incoming};
        let mut input = Vec::new();
        let mut expected = Vec::new();
        // The junk since the last valid frame: two pieces side by side ("Content-Lengt",
        // "h: 12") can make a header neither holds.
        let mut junk = Vec::new();
        for (id, bytes) in &items {
            match id {
                Some(id) => {
                    input.extend(format!("Content-Length: {}\r\n\r\n", bytes.len()).into_bytes());
                    expected.push(*id);
                    junk.clear();
                }
                None => {
                    junk.extend_from_slice(bytes);
                    prop_assume!(!String::from_utf8_lossy(&junk).to_ascii_lowercase().contains("content-length:"));
                }
            }
            input.extend_from_slice(bytes);
        }
        let mut reader = FrameReader::default();
        let mut buffer = Vec::new();
        let mut read = Vec::new();
        let mut chunks = input.chunks(chunk).peekable();
        loop {
            let at_end = chunks.peek().is_none();
            let consumed = match reader.next(&buffer, at_end) {
                Framed::Message { message, consumed } => {
                    if let Incoming::Request(request) = *message {
                        let id = request.id().map(ToString::to_string).unwrap_or_default();
                        read.push(id.parse::<u32>().unwrap_or(u32::MAX));
                    }
                    prop_assert!(consumed > 0);
                    consumed
                }
                Framed::Rejected { consumed, .. } => {
                    prop_assert!(consumed > 0);
                    consumed
                }
                Framed::Incomplete { consumed } => {
                    if consumed == 0 {
                        match chunks.next() {
                            Some(bytes) => buffer.extend_from_slice(bytes),
                            None => break,
                        }
                    }
                    consumed
                }
            };
            prop_assert!(consumed <= buffer.len());
            buffer.drain(..consumed);
        }
        prop_assert_eq!(read, expected);
    }
}

/// The client's side of an edit, written independently of the server's conversion:
/// lines end at `\r\n`, `\n` or `\r`; a column past the end of its line means the end
/// of the line, a line past the last means the end of the text, a column inside a
/// character means its start, and an end before the start means an empty range.
fn client_apply(text: &mut String, change: &TextDocumentContentChangeEvent, encoding: PositionEncoding) {
    let Some(range) = change.range else {
        text.clone_from(&change.text);
        return;
    };
    let start = client_offset(text, range.start, encoding);
    let end = client_offset(text, range.end, encoding).max(start);
    text.replace_range(start..end, &change.text);
}

fn client_offset(text: &str, position: Position, encoding: PositionEncoding) -> usize {
    let bytes = text.as_bytes();
    // (start, end of content) of every line.
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines.push((start, i));
                i += 2;
                start = i;
            }
            b'\n' | b'\r' => {
                lines.push((start, i));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push((start, bytes.len()));
    let Some(&(line_start, line_end)) = lines.get(position.line as usize) else { return text.len() };
    let column = position.character as usize;
    let mut units = 0;
    for (at, c) in text[line_start..line_end].char_indices() {
        let width = match encoding {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        };
        if units + width > column {
            return line_start + at;
        }
        units += width;
    }
    line_end
}

/// An edit inside the text replaces exactly the characters it names (UTF-16 columns).
#[test]
fn edit_replaces_the_named_utf16_range() {
    let uri = "file:///fuzz/claim.837".parse::<Uri>().expect("static uri");
    let mut store = DocumentStore::default();
    store.open(uri.clone(), "NM1*IL*1*𝔄É~\r\nLX*1~\r\n", 1, "x12-837");
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
