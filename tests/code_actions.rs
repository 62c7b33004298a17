//! Code actions through the real server: the actions offered on a drug line, applied
//! the way a client applies them (UTF-16 positions, versioned `documentChanges` or plain
//! `changes`), give the expected fixed files, and the re-check drops the finding.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::{apply_edits as apply, utf16_position, TestClient};
use serde_json::{json, Value};
use tower::Service;
use tower_lsp_server::jsonrpc::Request;

const URI: &str = "file:///claims/infusions.837";

fn fixture(path: &str) -> String {
    let bytes = std::fs::read(format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    String::from_utf8(bytes).expect("UTF-8 fixture")
}

async fn actions_at(
    client: &mut TestClient,
    text: &str,
    needle: &str,
    diagnostics: &Value,
    only: Option<&str>,
) -> Vec<Value> {
    client.code_actions_at(URI, text, needle, diagnostics, only).await
}

fn titled<'a>(actions: &'a [Value], prefix: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no action starting with {prefix:?} in {:?}", titles(actions)))
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions.iter().filter_map(|a| a["title"].as_str()).collect()
}

fn rules_of(diagnostics: &Value) -> Vec<&str> {
    diagnostics["diagnostics"].as_array().into_iter().flatten().filter_map(|d| d["code"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jw_line_fix_applied_by_a_client_gives_the_expected_file_and_clears_the_finding() {
    // CRLF with a BOM: positions count UTF-16 units and lines end at \r\n.
    let text = fixture("rules/missing-jw-jz/fires-jw-fix-crlf-bom.837");
    let expected = fixture("fixes/missing-jw-jz/fires-jw-fix-crlf-bom.1.837");
    let capabilities = json!({"workspace": {"workspaceEdit": {"documentChanges": true}}});
    let mut client = TestClient::start(capabilities, Value::Null).await;
    client.open(URI, &text, 3).await;
    let published = client.diagnostics(URI, Some(3)).await;
    assert!(rules_of(&published).contains(&"missing-jw-jz"), "{published}");

    let actions = actions_at(&mut client, &text, "J2700", &published["diagnostics"], None).await;
    let jw = titled(&actions, "Add JW wastage line");
    titled(&actions, "Add JZ modifier");
    assert_eq!(jw["kind"], "quickfix");
    assert_eq!(jw["diagnostics"][0]["code"], "missing-jw-jz");
    let published_jw = published["diagnostics"].as_array().into_iter().flatten().find(|d| d["code"] == "missing-jw-jz");
    assert_eq!(Some(&jw["diagnostics"][0]), published_jw, "the action carries the published diagnostic");
    assert!(jw.get("isPreferred").is_none(), "JW or JZ is the biller's choice: neither is preferred");

    let change = &jw["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["uri"], URI);
    assert_eq!(change["textDocument"]["version"], 3, "edits name the version they were made for");
    let fixed = apply(&text, change["edits"].as_array().expect("edits"));
    assert_eq!(fixed, expected);

    let params = json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [{"text": fixed}]});
    client.notify("textDocument/didChange", params).await;
    let after = client.diagnostics(URI, Some(4)).await;
    assert!(!rules_of(&after).contains(&"missing-jw-jz"), "{after}");
    let errors: Vec<&Value> =
        after["diagnostics"].as_array().into_iter().flatten().filter(|d| d["severity"] == 1).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_without_document_changes_get_plain_changes_and_fix_all_on_request() {
    let text = fixture("demo/drug-line-mistakes.837");
    let mut client = TestClient::start(json!({}), Value::Null).await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;

    // RT and LT on one line: one removal each, neither preferred.
    let actions = actions_at(&mut client, &text, ":LT:JZ", &published["diagnostics"], Some("quickfix")).await;
    let remove_lt = titled(&actions, "Remove modifier LT");
    titled(&actions, "Remove modifier RT");
    let edits = remove_lt["edit"]["changes"][URI].as_array().expect("plain changes for this client");
    let fixed = apply(&text, edits);
    assert!(fixed.contains("SV1*HC:J2410:RT:JZ*40*UN*1.5***1~"), "only the LT component goes");
    assert_eq!(fixed.len(), text.len() - 3);

    // source.fixAll on request: every safe fix, nothing else.
    let all = actions_at(&mut client, &text, "ISA", &Value::Array(Vec::new()), Some("source.fixAll")).await;
    assert_eq!(all.len(), 1, "{:?}", titles(&all));
    assert_eq!(all[0]["kind"], "source.fixAll");
    let fixed = apply(&text, all[0]["edit"]["changes"][URI].as_array().expect("changes"));
    assert_eq!(fixed, fixture("fixes/fix-all/drug-line-mistakes.837"));

    // A request the document moves on from while it is answered (a change arrives before
    // the answer) gets nothing rather than edits for text the client no longer has. The
    // new text still has the same things to fix at the cursor, so only the staleness
    // guard can make the answer empty.
    let at = text.find(":LT:JZ").expect("needle in text") + 1;
    let mut current = text.clone();
    let mut raced = false;
    for version in 2..40 {
        let params = json!({
            "textDocument": {"uri": URI},
            "range": {"start": utf16_position(&current, at), "end": utf16_position(&current, at)},
            "context": {"diagnostics": published["diagnostics"], "only": ["quickfix"]},
        });
        let mut answer =
            client.service.call(Request::build("textDocument/codeAction").params(params).id(version).finish());
        // Polled once: the handler has taken the current version and gone off to compute.
        // An answer already there was computed before any change: try again.
        if futures::poll!(&mut answer).is_ready() {
            continue;
        }
        current.push('\n');
        let change = json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": current}]});
        assert!(client.service.call(Request::build("textDocument/didChange").params(change).finish()).await.is_ok());
        let answer = answer.await.expect("server alive").expect("a response");
        assert_eq!(answer.result(), Some(&Value::Null), "actions for a version the client no longer has");
        raced = true;
        break;
    }
    assert!(raced, "no request was still computing when the change arrived");
    // The same request at the new version has its fixes.
    let fresh = actions_at(&mut client, &current, ":LT:JZ", &published["diagnostics"], Some("quickfix")).await;
    titled(&fresh, "Remove modifier LT");
}

/// A client that resolves edits gets the list without them (no settling, no fix-all
/// run on every cursor move) and the chosen action's edit from `codeAction/resolve`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolving_client_gets_edits_only_for_the_action_it_picks() {
    let text = fixture("rules/missing-jw-jz/fires-jw-fix-several-lines.837");
    let expected = fixture("fixes/missing-jw-jz/fires-jw-fix-several-lines.1.837");
    let capabilities = json!({
        "workspace": {"workspaceEdit": {"documentChanges": true}},
        "textDocument": {"codeAction": {"dataSupport": true, "resolveSupport": {"properties": ["edit"]}}}
    });
    let mut client = TestClient::start(capabilities, Value::Null).await;
    client.open(URI, &text, 1).await;
    let published = client.diagnostics(URI, Some(1)).await;

    let actions = actions_at(&mut client, &text, "J2700", &published["diagnostics"], None).await;
    let jw = titled(&actions, "Add JW wastage line").clone();
    assert!(jw.get("edit").is_none(), "listed without its edit: {jw}");
    assert!(jw.get("data").is_some(), "with what finds it again");
    let resolved = client.request("codeAction/resolve", jw.clone()).await;
    assert_eq!(resolved["title"], jw["title"]);
    let change = &resolved["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    assert_eq!(apply(&text, change["edits"].as_array().expect("edits")), expected);

    // Fix-all beside a safe quick fix: listed cheaply, computed on resolve.
    let broken = text.replace("SE*35*0001~", "SE*34*0001~");
    let params = json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": broken}]});
    client.notify("textDocument/didChange", params).await;
    let published = client.diagnostics(URI, Some(2)).await;
    let actions = actions_at(&mut client, &broken, "*34*0001", &published["diagnostics"], None).await;
    titled(&actions, "Fix SE01");
    let all = titled(&actions, "Fix all safe problems in this file").clone();
    assert_eq!(all["kind"], "source.fixAll");
    let resolved = client.request("codeAction/resolve", all.clone()).await;
    let fixed = apply(&broken, resolved["edit"]["documentChanges"][0]["edits"].as_array().expect("edits"));
    assert_eq!(fixed, text, "fix-all puts SE01 back");

    // An action listed for version 2 is not resolved once the text is at version 3.
    let params = json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": text}]});
    client.notify("textDocument/didChange", params).await;
    let stale = client.request("codeAction/resolve", all).await;
    assert!(stale.get("edit").is_none(), "{stale}");
}
