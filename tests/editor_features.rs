//! Protocol tests of the editor features (issue 13) through tower-lsp's real service:
//! settings messages, outline, folding, semantic tokens, inlay hints, completion,
//! formatting, navigation and line-wide code actions.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{apply_edits as apply, TestClient};
use serde_json::{json, Value};

/// Every message the server sends for a short while, by method.
async fn messages_for(client: &mut TestClient, method: &str, wait_ms: u64) -> Vec<Value> {
    let mut found = Vec::new();
    while let Ok(Some(message)) =
        tokio::time::timeout(std::time::Duration::from_millis(wait_ms), client.from_server.recv()).await
    {
        if message.method() == method {
            found.push(message.params().cloned().unwrap_or(Value::Null));
        }
    }
    found
}

/// VS Code sends its default `configFile` (`.claim-lsp.json`) even when the user never
/// set it: a workspace without that file must start without a warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_config_file_name_is_silent_when_the_file_is_absent() {
    let folder = std::env::temp_dir().join(format!("claim-lsp-no-config-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("workspace folder");
    let root = tower_lsp_server::ls_types::Uri::from_file_path(&folder).expect("folder uri");
    let (service, socket) = tower_lsp_server::LspService::new(claim_lsp::lsp::Backend::new);
    let mut client = TestClient::from_parts(service, socket);
    let options = json!({"configFile": ".claim-lsp.json"});
    let params = json!({"capabilities": {}, "rootUri": root, "initializationOptions": options});
    assert!(client.request("initialize", params).await.get("capabilities").is_some());
    client.notify("initialized", json!({})).await;
    let said = messages_for(&mut client, "window/showMessage", 500).await;
    assert!(said.is_empty(), "no warning about a default file nobody configured: {said:?}");
    let _ = std::fs::remove_dir_all(&folder);
}

const URI: &str = "file:///claims/batch.837";

fn base_claim() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/clean-837p.837")).expect("base claim")
}

fn without_breaks(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect()
}

async fn opened(text: &str, options: Value) -> TestClient {
    let mut client = TestClient::start(json!({}), options).await;
    client.open(URI, text, 1).await;
    client
}

fn at(text: &str, needle: &str, into: usize) -> Value {
    lsp_client::utf16_position(text, text.find(needle).expect("needle") + into)
}

fn doc() -> Value {
    json!({"uri": URI})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outline_nests_envelopes_levels_claims_and_lines_and_claims_are_found_by_clm01() {
    let text = base_claim();
    let mut client = opened(&text, Value::Null).await;
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": doc()})).await;
    let subscriber = &symbols[0]["children"][0]["children"][0]["children"][0]["children"][0];
    assert_eq!(symbols[0]["name"], "ISA 000000101");
    assert_eq!(subscriber["name"], "2000B subscriber: DOE, JANE");
    let claim = &subscriber["children"][0];
    assert_eq!(claim["name"], "CLM PCN0001");
    assert_eq!(claim["detail"], "$140 · 2 lines");
    assert_eq!(claim["children"][0]["name"], "LX 1: J2700 JZ");
    assert_eq!(claim["children"][0]["detail"], "4 units");
    assert_eq!(claim["range"]["start"]["line"], 19);
    assert_eq!(claim["range"]["end"]["line"], 28);

    let found = client.request("workspace/symbol", json!({"query": "pcn0"})).await;
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found[0]["name"], "PCN0001");
    assert_eq!(found[0]["location"]["uri"], URI);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folding_covers_envelopes_levels_claims_and_lines() {
    let text = base_claim();
    let mut client = opened(&text, Value::Null).await;
    let ranges = client.request("textDocument/foldingRange", json!({"textDocument": doc()})).await;
    let lines: Vec<(u64, u64)> = ranges
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| (r["startLine"].as_u64().unwrap_or(0), r["endLine"].as_u64().unwrap_or(0)))
        .collect();
    // ISA…IEA, GS…GE, ST…SE, HL 20, HL 22, the claim, and its two lines.
    assert_eq!(lines, [(0, 31), (1, 30), (2, 29), (7, 28), (12, 28), (19, 28), (21, 25), (26, 28)]);
}

/// Decodes relative semantic tokens into (text, type name) pairs.
fn decoded(text: &str, result: &Value, legend: &[Value]) -> Vec<(String, String)> {
    let data: Vec<u64> = result["data"].as_array().into_iter().flatten().filter_map(Value::as_u64).collect();
    let lines: Vec<&str> = text.split('\n').collect();
    let (mut line, mut column) = (0usize, 0usize);
    data.chunks(5)
        .map(|token| {
            if token[0] > 0 {
                line += token[0] as usize;
                column = token[1] as usize;
            } else {
                column += token[1] as usize;
            }
            let piece = lines[line].get(column..column + token[2] as usize).unwrap_or("?").to_string();
            (piece, legend[token[3] as usize].as_str().unwrap_or("?").to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semantic_tokens_colour_segment_ids_codes_and_values_in_full_and_by_range() {
    let text = base_claim();
    let (service, socket) = tower_lsp_server::LspService::new(claim_lsp::lsp::Backend::new);
    let mut client = TestClient::from_parts(service, socket);
    let result = client.request("initialize", json!({"capabilities": {}})).await;
    client.notify("initialized", json!({})).await;
    client.open(URI, &text, 1).await;
    let legend = result["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(legend.contains(&json!("keyword")) && legend.contains(&json!("function")));

    let full = client.request("textDocument/semanticTokens/full", json!({"textDocument": doc()})).await;
    let tokens = decoded(&text, &full, &legend);
    for expected in [
        ("SV1", "keyword"),
        ("J2700", "function"),
        ("JZ", "decorator"),
        ("A419", "type"),
        ("20260115", "string"),
        ("1234567893", "variable"),
        ("472", "enumMember"),
        ("*", "operator"),
        ("140", "number"),
    ] {
        assert!(tokens.contains(&(expected.0.to_string(), expected.1.to_string())), "{expected:?} in {tokens:?}");
    }
    let line = text.lines().position(|l| l.starts_with("SV1*HC:J2700")).expect("line") as u64;
    let range = json!({"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}});
    let screen =
        client.request("textDocument/semanticTokens/range", json!({"textDocument": doc(), "range": range})).await;
    let tokens = decoded(&text, &screen, &legend);
    assert_eq!(tokens.first(), Some(&("SV1".to_string(), "keyword".to_string())), "{tokens:?}");
    assert!(tokens.iter().all(|(piece, _)| !piece.contains("DTP")), "only the segments in the range");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_show_the_dose_and_qualifier_meanings_and_follow_the_settings() {
    let text = base_claim();
    let mut client = opened(&text, Value::Null).await;
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}});
    let params = json!({"textDocument": doc(), "range": range});
    let hints = client.request("textDocument/inlayHint", params.clone()).await;
    let labels: Vec<(Value, String)> = hints
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| (h["position"].clone(), h["label"].as_str().unwrap_or("").to_string()))
        .collect();
    let dose = labels.iter().find(|(_, l)| l == "= up to 1,000 mg oxacillin sodium").expect("dose hint");
    assert_eq!(dose.0, at(&text, "*UN*4***1", 5), "right after the units");
    assert!(labels.iter().any(|(_, l)| l == "Service Date"), "{labels:?}");
    assert!(!labels.iter().any(|(_, l)| l.ends_with(':')), "segment names are opt-in");

    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"claimLsp": {"inlayHints": {"dose": false, "qualifiers": false, "segmentNames": true}}}}),
        )
        .await;
    let hints = client.request("textDocument/inlayHint", params).await;
    let labels: Vec<&str> = hints.as_array().into_iter().flatten().filter_map(|h| h["label"].as_str()).collect();
    assert!(labels.contains(&"Date - Service Date:"), "{labels:?}");
    assert!(labels.iter().all(|l| l.ends_with(':')), "{labels:?}");
    let warned = messages_for(&mut client, "window/showMessage", 300).await;
    assert!(warned.is_empty(), "inlayHints is a known setting: {warned:?}");
    assert_eq!(
        client.request("textDocument/hover", json!({"textDocument": doc(), "position": at(&text, "J2700", 1)})).await
            ["contents"]["kind"],
        "markdown"
    );
    let _ = text;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_codes_by_position_and_inserts_only_the_value() {
    let text = base_claim().replace("SV1*HC:J2700:JZ", "SV1*HC:J27:JZ");
    let mut client = opened(&text, Value::Null).await;
    let list = client
        .request("textDocument/completion", json!({"textDocument": doc(), "position": at(&text, "J27:", 3)}))
        .await;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let item = items.iter().find(|i| i["label"] == "J2700").expect("J2700 offered");
    assert!(item["detail"].as_str().is_some_and(|d| d.contains("oxacillin")), "{item}");
    assert_eq!(item["textEdit"]["newText"], "J2700");
    assert_eq!(item["textEdit"]["range"]["start"], at(&text, "J27:", 0));
    assert_eq!(item["textEdit"]["range"]["end"], at(&text, "J27:", 3), "the typed value only, not the ':'");

    // On a drug line (J2700 is one), JW and JZ sort first among the modifiers.
    let drug_line = base_claim();
    let other = "file:///claims/other.837";
    client.open(other, &drug_line, 1).await;
    let modifiers = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": other}, "position": at(&drug_line, ":JZ*", 1)}),
        )
        .await;
    let mut items = modifiers["items"].as_array().cloned().unwrap_or_default();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    let first: Vec<&str> = items.iter().take(2).filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(first, ["JW", "JZ"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_a_one_line_file_puts_one_segment_per_line_without_changing_an_element() {
    let one_line = without_breaks(&base_claim());
    let mut client = opened(&one_line, Value::Null).await;
    let params = json!({"textDocument": doc(), "options": {"tabSize": 4, "insertSpaces": true}});
    let edits = client.request("textDocument/formatting", params.clone()).await;
    let formatted = apply(&one_line, edits.as_array().expect("edits"));
    assert_eq!(without_breaks(&formatted), one_line, "element bytes never change");
    assert_eq!(formatted.lines().count(), 32);

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": doc(), "range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 5}}, "context": {"diagnostics": []}}),
        )
        .await;
    let action = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "Put one segment per line")
        .expect("the action on a one-line file");
    let edits = action["edit"]["changes"][URI].as_array().expect("edits");
    assert_eq!(apply(&one_line, edits), formatted);

    client.notify("workspace/didChangeConfiguration", json!({"settings": {"format": {"style": "single-line"}}})).await;
    let crlf = base_claim().replace('\n', "\r\n");
    let params2 = json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": crlf}]});
    client.notify("textDocument/didChange", params2).await;
    let edits = client.request("textDocument/formatting", params).await;
    let joined = edits.as_array().expect("edits");
    assert!(joined.iter().all(|e| e["newText"] == ""), "single-line removes the line breaks");
    assert_eq!(joined.len(), 31);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_goes_to_the_parent_hl_the_pointed_diagnosis_and_the_claim() {
    let text = base_claim().replace("HI*ABK:A419~", "HI*ABK:A419*ABF:E119~").replace("*UN*1***1~", "*UN*1***2~");
    let mut client = opened(&text, Value::Null).await;
    let definition = |position: Value| json!({"textDocument": doc(), "position": position});
    let parent = client.request("textDocument/definition", definition(at(&text, "HL*2*1", 5))).await;
    assert_eq!(parent["range"]["start"], at(&text, "HL*1**20", 0));
    let diagnosis = client.request("textDocument/definition", definition(at(&text, "***2~", 3))).await;
    assert_eq!(diagnosis["range"]["start"], at(&text, "E119", 0));
    let claim = client.request("textDocument/definition", definition(at(&text, "LX*2", 0))).await;
    assert_eq!(claim["range"]["start"], at(&text, "CLM*", 0));

    let highlights = client.request("textDocument/documentHighlight", definition(at(&text, "DTP*472", 5))).await;
    assert_eq!(highlights.as_array().map(Vec::len), Some(2));
    let references = client
        .request(
            "textDocument/references",
            json!({"textDocument": doc(), "position": at(&text, "J2700", 2), "context": {"includeDeclaration": true}}),
        )
        .await;
    assert_eq!(references.as_array().map(Vec::len), Some(1));
    let selection = client
        .request("textDocument/selectionRange", json!({"textDocument": doc(), "positions": [at(&text, "J2700", 2)]}))
        .await;
    let mut depth = 0;
    let mut node = &selection[0];
    while node.is_object() {
        depth += 1;
        node = &node["parent"];
    }
    assert_eq!(depth, 8, "component, element, segment, line, claim, transaction, group, interchange: {selection}");
}

/// A request anywhere on a segment's line gets the fixes of every finding on it; after
/// "Remove modifier JZ" the fixed line is not offered JZ back, nor a second JW line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_cover_the_whole_line_and_never_undo_the_fix_just_made() {
    // The administered line carries JZ beside a JW line for the same drug and date.
    let text = base_claim().replace("LX*2~\nSV1*HC:96365*100*UN*1***1~", "LX*2~\nSV1*HC:J2700:JW*10*UN*1***1~");
    let mut client = opened(&text, Value::Null).await;
    let published = client.diagnostics(URI, Some(1)).await;
    let line = text.lines().position(|l| l.starts_with("SV1*HC:J2700:JZ")).expect("line") as u64;
    let start_of_line = json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}});
    let params =
        json!({"textDocument": doc(), "range": start_of_line, "context": {"diagnostics": published["diagnostics"]}});
    let actions = client.request("textDocument/codeAction", params.clone()).await;
    let titles: Vec<&str> = actions.as_array().into_iter().flatten().filter_map(|a| a["title"].as_str()).collect();
    let remove = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["title"] == "Remove modifier JZ")
        .unwrap_or_else(|| panic!("the fix of the finding on JZ, asked at column 0: {titles:?}"));
    let fixed = apply(&text, remove["edit"]["changes"][URI].as_array().expect("edits"));
    assert!(fixed.contains("SV1*HC:J2700*40*UN*4***1~"), "{fixed}");

    let change = json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": fixed}]});
    client.notify("textDocument/didChange", change).await;
    let published = client.diagnostics(URI, Some(2)).await;
    let params =
        json!({"textDocument": doc(), "range": start_of_line, "context": {"diagnostics": published["diagnostics"]}});
    let actions = client.request("textDocument/codeAction", params).await;
    let titles: Vec<&str> = actions.as_array().into_iter().flatten().filter_map(|a| a["title"].as_str()).collect();
    assert!(!titles.iter().any(|t| t.starts_with("Add JZ")), "JZ is not offered back: {titles:?}");
    assert!(!titles.iter().any(|t| t.starts_with("Add JW")), "a JW line exists already: {titles:?}");
}
