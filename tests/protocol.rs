//! Protocol tests through tower-lsp's real service: text sync in order under load,
//! versioned diagnostics, UTF-16 positions, hover.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{utf16_position, TestClient};
use serde_json::{json, Value};
use tower::Service;
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::ls_types::Uri;

const URI: &str = "file:///claims/batch.837";

fn base_claim() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/clean-837p.837")).expect("base claim")
}

/// A small deterministic generator, so a failure replays exactly.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % (bound.max(1) as u64)).unwrap_or(0)
    }

    /// A char boundary of `text` at random, never between the halves of a CRLF (no
    /// LSP position names that spot).
    fn boundary(&mut self, text: &str) -> usize {
        let mut offset = self.below(text.len() + 1);
        while !text.is_char_boundary(offset) || splits_crlf(text, offset) {
            offset -= 1;
        }
        offset
    }
}

fn splits_crlf(text: &str, offset: usize) -> bool {
    offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\r') && text.as_bytes().get(offset) == Some(&b'\n')
}

const PIECES: &[&str] = &["~", "*", ":", "\n", "\r\n", "é", "𝔄", "SV1*HC:J2700:JW*", "4", "NM1", "", "ü𝔄~\n"];

/// One random edit: returns the LSP change event and applies it to the client's text.
fn random_edit(random: &mut Random, text: &mut String) -> Value {
    let a = random.boundary(text);
    let b = random.boundary(text);
    let (start, end) = (a.min(b), a.max(b).min(a.min(b) + 40));
    let mut end = end;
    while !text.is_char_boundary(end) || splits_crlf(text, end) {
        end -= 1;
    }
    let insert = PIECES[random.below(PIECES.len())];
    let event = json!({
        "range": {"start": utf16_position(text, start), "end": utf16_position(text, end)},
        "text": insert
    });
    text.replace_range(start..end, insert);
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_random_edits_keep_server_and_client_text_equal() {
    let mut client = TestClient::start(json!({}), Value::Null).await;
    let mut text = base_claim();
    client.open(URI, &text, 1).await;
    let mut random = Random(0x5eed_1234_abcd_0001);
    let uri = URI.parse::<Uri>().expect("uri");
    for version in 2..1002 {
        // Some notifications carry several events, applied one after the other.
        let events: Vec<Value> = (0..1 + random.below(3)).map(|_| random_edit(&mut random, &mut text)).collect();
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": events}),
            )
            .await;
        assert_eq!(
            client.service.inner().document_text(&uri).as_deref(),
            Some(text.as_str()),
            "after version {version}"
        );
    }
    // The last diagnostics carry the last version; no older version is published after it.
    let last = client.diagnostics(URI, Some(1001)).await;
    assert_eq!(last["version"], 1001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_changes_sent_without_waiting_is_applied_in_order() {
    let mut client = TestClient::start(json!({}), Value::Null).await;
    let mut text = base_claim();
    client.open(URI, &text, 1).await;
    let mut random = Random(0xfeed_0000_0000_0042);
    let mut pending = Vec::new();
    for version in 2..202 {
        let event = random_edit(&mut random, &mut text);
        let request = Request::build("textDocument/didChange")
            .params(json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [event]}))
            .finish();
        pending.push(client.service.call(request));
    }
    for outcome in futures::future::join_all(pending).await {
        assert!(outcome.is_ok());
    }
    let uri = URI.parse::<Uri>().expect("uri");
    assert_eq!(client.service.inner().document_text(&uri), Some(text));
    assert_eq!(client.service.inner().document_version(&uri), Some(201));
    let published = client.diagnostics(URI, Some(201)).await;
    assert_eq!(published["version"], 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_version_is_refused_and_the_text_kept() {
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, "ISA~", 5).await;
    let change = json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"text": "GARBAGE"}]});
    client.notify("textDocument/didChange", change).await;
    let uri = URI.parse::<Uri>().expect("uri");
    assert_eq!(client.service.inner().document_text(&uri).as_deref(), Some("ISA~"));
}

/// A segment count error placed after characters outside the BMP on the same line: the
/// diagnostic's columns count UTF-16 code units by default and bytes when UTF-8 is
/// negotiated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_use_the_negotiated_encoding_outside_the_bmp() {
    // The extra NTE makes SE01 one short, on the same line as characters outside the BMP.
    let text = base_claim().replace("\nSE*", "\nNTE*ADD*𝔄𝔄é~SE*");
    let se01 = text.find("SE*").expect("SE") + 3;
    let line_start = text[..se01].rfind('\n').map_or(0, |i| i + 1);
    let line_text = &text[line_start..se01];
    let expected_utf16: usize = line_text.chars().map(char::len_utf16).sum();
    let mut utf16_client = TestClient::start(json!({}), Value::Null).await;
    utf16_client.open(URI, &text, 1).await;
    let published = utf16_client.diagnostics(URI, Some(1)).await;
    let segment_count = find_rule(&published, "segment-count");
    assert_eq!(segment_count["range"]["start"]["character"], expected_utf16);

    let mut utf8_client =
        TestClient::start(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), Value::Null).await;
    utf8_client.open(URI, &text, 1).await;
    let published = utf8_client.diagnostics(URI, Some(1)).await;
    let segment_count = find_rule(&published, "segment-count");
    assert_eq!(segment_count["range"]["start"]["character"], line_text.len());
    assert_ne!(expected_utf16, line_text.len(), "the line must hold non-ASCII text for this test to mean anything");
}

fn find_rule<'a>(published: &'a Value, rule: &str) -> &'a Value {
    published["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == rule))
        .unwrap_or_else(|| panic!("no {rule} in {published}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_turn_rules_off_and_bad_values_fall_back_with_a_warning() {
    let text = base_claim().replace("SE*", "SE*9").replace("SE*9", "SE*99");
    let mut client =
        TestClient::start(json!({}), json!({"rules": {"segment-count": "off", "lx-sequence": "purple"}})).await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;
    assert!(published["diagnostics"].as_array().is_some_and(|d| d.iter().all(|d| d["code"] != "segment-count")));
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"claimLsp": {"rules": {"segment-count": "warning"}}}}),
        )
        .await;
    let published = client.diagnostics(URI, None).await;
    assert_eq!(find_rule(&published, "segment-count")["severity"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_explains_the_code_under_the_cursor() {
    let text = base_claim();
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    let at = text.find("J2700").expect("J2700") + 2;
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": utf16_position(&text, at)}))
        .await;
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("oxacillin sodium") && value.contains("1,000 mg"), "{value}");
    assert_eq!(hover["contents"]["kind"], "markdown");
}

/// Hover on an element gives the guide's usage, type, length and allowed codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_a_qualifier_lists_the_guide_s_codes() {
    let text = base_claim();
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    // SBR09, the claim filing indicator (`MB`).
    let at = text.find("*******MB").expect("SBR09") + 7;
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": URI}, "position": utf16_position(&text, at)}))
        .await;
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    for expected in ["`SBR09`", "Usage: **situational**", "type ID (code)", "length 1–2", "- `11` — ", "… and 15 more"]
    {
        assert!(value.contains(expected), "hover lacks {expected:?}:\n{value}");
    }
}

/// Closing a file with findings clears them from the editor's problem list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_clears_the_diagnostics_of_a_file_with_findings() {
    let text = base_claim().replace("SE*", "SE*99");
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;
    find_rule(&published, "segment-count");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}})).await;
    let cleared = client.diagnostics(URI, None).await;
    assert_eq!(cleared["diagnostics"], json!([]), "{cleared}");
    assert!(cleared["version"].is_null(), "{cleared}");
}

/// A workspace `.claim-lsp.json` applies under the editor's settings, and its problems
/// come back as diagnostics on the config file itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_config_applies_and_its_problems_are_diagnostics_on_the_file() {
    let folder = std::env::temp_dir().join(format!("claim-lsp-workspace-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("workspace folder");
    let config = "{\n  \"rules\": {\"segment-count\": \"warning\", \"lx-sequence\": \"sometimes\"}\n}\n";
    std::fs::write(folder.join(".claim-lsp.json"), config).expect("config");
    let root = Uri::from_file_path(&folder).expect("folder uri");
    let (service, socket) = tower_lsp_server::LspService::new(claim_lsp::lsp::Backend::new);
    let mut client = TestClient::from_parts(service, socket);
    let result = client.request("initialize", json!({"capabilities": {}, "rootUri": root})).await;
    assert!(result.get("capabilities").is_some());
    client.notify("initialized", json!({})).await;

    let config_uri = format!("{}/.claim-lsp.json", root.as_str());
    let published = client.diagnostics(&config_uri, None).await;
    let problems = published["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(problems.len(), 1, "{published}");
    assert_eq!(problems[0]["range"]["start"]["line"], 1);
    assert!(problems[0]["message"].as_str().is_some_and(|m| m.contains("lx-sequence")));

    let text = base_claim().replace("SE*", "SE*99");
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;
    assert_eq!(find_rule(&published, "segment-count")["severity"], 2, "the file's level applies");
    let _ = std::fs::remove_dir_all(&folder);
}

/// `configFile` names the policy file (relative to the workspace); one that cannot be
/// read is said to the user and the editor's settings still apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_policy_file_is_read_instead_of_the_default() {
    let folder = std::env::temp_dir().join(format!("claim-lsp-config-file-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("policies")).expect("workspace folder");
    // The default file says warning: it must not be read when another is configured.
    std::fs::write(folder.join(".claim-lsp.json"), r#"{"rules": {"segment-count": "warning"}}"#).expect("default");
    std::fs::write(folder.join("policies/medicare.json"), r#"{"rules": {"segment-count": "hint"}}"#).expect("policy");
    let root = Uri::from_file_path(&folder).expect("folder uri");
    let text = base_claim().replace("SE*", "SE*99");

    for (config_file, expected_severity) in [("policies/medicare.json", 4), ("policies/missing.json", 1)] {
        let (service, socket) = tower_lsp_server::LspService::new(claim_lsp::lsp::Backend::new);
        let mut client = TestClient::from_parts(service, socket);
        let options = json!({"configFile": config_file});
        let params = json!({"capabilities": {}, "rootUri": root, "initializationOptions": options});
        assert!(client.request("initialize", params).await.get("capabilities").is_some());
        client.notify("initialized", json!({})).await;
        // Messages about the settings are sent as `initialized` is handled.
        let mut said = String::new();
        while let Ok(Some(message)) =
            tokio::time::timeout(std::time::Duration::from_millis(500), client.from_server.recv()).await
        {
            if message.method() == "window/showMessage" {
                said = message.params().map(ToString::to_string).unwrap_or_default();
                break;
            }
        }
        if config_file.contains("missing") {
            // The message names the file, never its path.
            assert!(said.contains("configFile missing.json: cannot read it"), "{said}");
            assert!(!said.contains(folder.to_str().unwrap_or("/")), "{said}");
        } else {
            assert_eq!(said, "", "no complaint about a file that is there");
        }
        client.open(URI, &text, 1).await;
        let published = client.diagnostics(URI, Some(1)).await;
        assert_eq!(find_rule(&published, "segment-count")["severity"], expected_severity, "{config_file}");
    }
    let _ = std::fs::remove_dir_all(&folder);
}

fn demo_mistakes() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/drug-line-mistakes.837"))
        .expect("demo file")
}

/// `maxDiagnostics` caps what is published: errors before warnings, and one diagnostic
/// on the first line counts what was left out. Without the setting all six are shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_diagnostics_publishes_errors_first_and_counts_the_rest() {
    let text = demo_mistakes();
    let mut client = TestClient::start(json!({}), json!({"maxDiagnostics": 3})).await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;
    let diagnostics = published["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(diagnostics.len(), 4, "{published}");
    assert!(diagnostics[..3].iter().all(|d| d["severity"] == 1), "errors first: {published}");
    let summary = &diagnostics[3];
    assert_eq!(summary["code"], "max-diagnostics");
    assert_eq!(summary["range"]["start"], json!({"line": 0, "character": 0}));
    let message = summary["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("3 more findings are not shown (2 errors, 1 warnings, 0 others)"), "{message}");
    assert!(message.contains("maxDiagnostics"), "{message}");

    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;
    let all = published["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 6, "{published}");
    assert!(all.iter().all(|d| d["code"] != "max-diagnostics"));
}

/// Edits inside a claim are checked incrementally; what is published then equals what a
/// fresh open of the same text publishes, positions included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_claims_publish_what_a_fresh_open_publishes() {
    let mut text = demo_mistakes();
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    client.diagnostics(URI, Some(1)).await;
    // Fix CLM02, then break a units value and a date, one edit at a time.
    let edits = [("CLM*PCN0200*200", "CLM*PCN0200*205"), ("*UN*4***", "*UN*7***"), ("D8*20260115", "D8*20261315")];
    for (version, (from, to)) in (2..).zip(edits) {
        let at = text.find(from).expect("edit target");
        let range = json!({"start": utf16_position(&text, at), "end": utf16_position(&text, at + from.len())});
        text.replace_range(at..at + from.len(), to);
        let change =
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"range": range, "text": to}]});
        client.notify("textDocument/didChange", change).await;
        let edited = client.diagnostics(URI, Some(version.into())).await;
        let fresh_uri = format!("file:///claims/fresh-{version}.837");
        client.open(&fresh_uri, &text, 1).await;
        let fresh = client.diagnostics(&fresh_uri, Some(1)).await;
        assert_eq!(edited["diagnostics"], fresh["diagnostics"], "after edit {version}");
    }
}
