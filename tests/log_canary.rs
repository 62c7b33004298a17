//! No patient data in logs: a marker put into claim text, a file path, settings and a
//! hover request never reaches the captured log, while the log itself is not empty.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::io::Write;
use std::sync::{Arc, Mutex};

use lsp_client::{utf16_position, TestClient};
use serde_json::json;

const MARKER: &str = "ZQXCANARY";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marker_values_never_reach_the_log() {
    // The most verbose level the server allows, through the server's own filter.
    std::env::set_var("CLAIM_LSP_LOG", "trace");
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(claim_lsp::lsp::logger(move || writer.clone())).expect("one logger");

    let base =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/clean-837p.837")).expect("base");
    let text = base.replace("DOE*JANE", &format!("{MARKER}*JANE")).replace("SE*", "SE*9");
    let uri = format!("file:///home/{MARKER}/claims/{MARKER}.837");
    let options = json!({"rules": {MARKER: "off", "segment-count": MARKER}, "codeTables": {"hcpcsFile": format!("/tmp/{MARKER}/anweb.txt")}});
    let mut client = TestClient::start(json!({}), options).await;
    client.open(&uri, &text, 1).await;
    client.diagnostics(&uri, Some(1)).await;
    let edited = text.replace("JANE", &format!("{MARKER}X"));
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
        )
        .await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 1}, "contentChanges": [{"text": MARKER}]}),
        )
        .await;
    client.diagnostics(&uri, Some(2)).await;
    let at = edited.find(MARKER).expect("marker in text");
    client
        .request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": utf16_position(&edited, at)}))
        .await;
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;

    let log =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned();
    assert!(log.contains("initialized"), "the log captured nothing, so the test would prove nothing:\n{log}");
    assert!(log.contains("change refused"), "the stale change should be logged (without content):\n{log}");
    assert!(!log.contains(MARKER), "patient data reached the log:\n{log}");
}
