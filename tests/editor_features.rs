//! Protocol tests of the editor features (issue 13) through tower-lsp's real service:
//! settings messages, outline, folding, semantic tokens, inlay hints, completion,
//! formatting, navigation and line-wide code actions.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use lsp_client::TestClient;
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
    let root = tower_lsp::lsp_types::Url::from_directory_path(&folder).expect("folder uri");
    let (service, socket) = tower_lsp::LspService::new(claim_lsp::lsp::Backend::new);
    let mut client = TestClient::from_parts(service, socket);
    let options = json!({"configFile": ".claim-lsp.json"});
    let params = json!({"capabilities": {}, "rootUri": root, "initializationOptions": options});
    assert!(client.request("initialize", params).await.get("capabilities").is_some());
    client.notify("initialized", json!({})).await;
    let said = messages_for(&mut client, "window/showMessage", 500).await;
    assert!(said.is_empty(), "no warning about a default file nobody configured: {said:?}");
    let _ = std::fs::remove_dir_all(&folder);
}
