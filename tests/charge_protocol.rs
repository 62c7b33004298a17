//! Charge files through the real server: hover on cells and header cells, the JW row
//! quick fix and `source.fixAll` applied the way a client applies them, and a plain CSV
//! that gets nothing at all.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{apply_edits as apply, utf16_position, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///batches/infusions.csv";

fn fixture(path: &str) -> String {
    let bytes = std::fs::read(format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    String::from_utf8(bytes).expect("UTF-8 fixture")
}

async fn hover(client: &mut TestClient, uri: &str, text: &str, needle: &str) -> Value {
    let at = text.find(needle).expect("needle in text") + 1;
    client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": utf16_position(text, at)}))
        .await
}

async fn actions(
    client: &mut TestClient,
    uri: &str,
    text: &str,
    needle: &str,
    diagnostics: &Value,
    only: Option<&str>,
) -> Vec<Value> {
    client.code_actions_at(uri, text, needle, diagnostics, only).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_a_charge_file_explains_cells_and_header_cells() {
    let text = fixture("charges/comma-quoted-money.csv");
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    client.diagnostics(URI, Some(1)).await;

    let code = hover(&mut client, URI, &text, "J9035").await;
    let value = code["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("**J9035** — Injection, bevacizumab, 10 mg"), "{value}");
    assert!(value.contains("This line: 9 units = 90 mg"), "{value}");
    assert_eq!(code["contents"]["kind"], "markdown");
    assert_eq!(code["range"]["start"], utf16_position(&text, text.find("J9035").unwrap_or(0)));

    let header = hover(&mut client, URI, &text, "Units").await;
    let value = header["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.starts_with("**Units** — the units column (837 SV104 / SV205)"), "{value}");
    assert!(value.contains("`drug-units-not-whole`"), "{value}");

    let ndc = hover(&mut client, URI, &text, "63323-506-01").await;
    let value = ndc["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("read as **63323050601**"), "{value}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_csv_gets_no_diagnostics_hover_or_actions() {
    let uri = "file:///supplies/inventory.csv";
    let text = fixture("charges/plain-inventory.csv");
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(uri, &text, 1).await;
    let published = client.diagnostics(uri, Some(1)).await;
    assert_eq!(published["diagnostics"], json!([]));
    for needle in ["Code", "GZ-4410", "200", "$18.40"] {
        assert_eq!(hover(&mut client, uri, &text, needle).await, Value::Null, "{needle}");
        assert!(actions(&mut client, uri, &text, needle, &json!([]), None).await.is_empty(), "{needle}");
    }
    let all = actions(&mut client, uri, &text, "Code", &json!([]), Some("source.fixAll")).await;
    assert!(all.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jw_row_and_fix_all_applied_by_a_client_give_the_expected_files() {
    let text = fixture("rules/missing-jw-jz/fires-comma.csv");
    let uri = "file:///batches/fires-comma.csv";
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(uri, &text, 1).await;
    let published = client.diagnostics(uri, Some(1)).await;
    let found: Vec<&str> =
        published["diagnostics"].as_array().into_iter().flatten().filter_map(|d| d["code"].as_str()).collect();
    assert!(found.contains(&"missing-jw-jz"), "{published}");
    let listed = actions(&mut client, uri, &text, "J9035", &published["diagnostics"], Some("quickfix")).await;
    let jw = listed
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Add JW wastage row")))
        .unwrap_or_else(|| panic!("no JW row in {listed:?}"));
    let fixed = apply(&text, jw["edit"]["changes"][uri].as_array().expect("changes"));
    assert_eq!(fixed, fixture("fixes/missing-jw-jz/fires-comma.1.csv"));

    let demo = fixture("demo/charge-mistakes.csv");
    let demo_uri = "file:///batches/charge-mistakes.csv";
    client.open(demo_uri, &demo, 1).await;
    client.diagnostics(demo_uri, Some(1)).await;
    let all = actions(&mut client, demo_uri, &demo, "Encounter", &json!([]), Some("source.fixAll")).await;
    assert_eq!(all.len(), 1, "{all:?}");
    let fixed = apply(&demo, all[0]["edit"]["changes"][demo_uri].as_array().expect("changes"));
    assert_eq!(fixed, fixture("fixes/fix-all/charge-mistakes.csv"));
}
