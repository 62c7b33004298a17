//! The protocol edge through the real binary over stdio, byte for byte as editors send
//! it: lifecycle and exit codes, and what the server writes to stderr.

#[path = "common/stdio_server.rs"]
mod stdio_server;

use serde_json::{json, Value};
use stdio_server::{StdioServer, PATIENCE};

const URI: &str = "file:///claims/batch.837";

fn base_claim() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/claims/clean-837p.837")).expect("base claim")
}

/// Emacs Eglot, IntelliJ lsp4ij and Vim's yegappan/lsp send `"params": null` with
/// `shutdown` and `exit`. The server answers the shutdown and exits 0, with stdin still
/// open (some clients never close it).
#[test]
fn shutdown_and_exit_with_null_params_end_with_code_0() {
    let mut server = StdioServer::start(&[]);
    server.initialize();
    server.send_raw(&stdio_server::frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}"#));
    let response = server.response(&json!(2));
    assert_eq!(response, json!({"jsonrpc": "2.0", "id": 2, "result": null}), "stderr:\n{}", server.stderr());
    server.send_raw(&stdio_server::frame(r#"{"jsonrpc":"2.0","method":"exit","params":null}"#));
    assert_eq!(server.exit_code(PATIENCE), Some(0), "stderr:\n{}", server.stderr());
}

/// A whole session at the default log level writes nothing to stderr: Neovim files every
/// stderr line under `[ERROR]`, so start-up chatter and a warning about `didSave` would
/// look like failures to the user.
#[test]
fn a_session_with_a_save_writes_nothing_to_stderr_by_default() {
    let mut server = StdioServer::start(&[]);
    let initialized = server.request(1, "initialize", json!({"capabilities": {}}));
    assert_eq!(
        initialized["result"]["capabilities"]["textDocumentSync"]["save"],
        json!(true),
        "the server asks for didSave"
    );
    server.notify("initialized", json!({}));
    let text = base_claim().replace("SE*", "SE*99");
    let document = json!({"uri": URI, "languageId": "x12-837", "version": 1, "text": text});
    server.notify("textDocument/didOpen", json!({"textDocument": document}));
    let opened = server.diagnostics(URI);
    server.notify("textDocument/didSave", json!({"textDocument": {"uri": URI}}));
    // A save re-publishes the diagnostics of the text the server holds.
    let saved = server.diagnostics(URI);
    assert_eq!(saved["diagnostics"], opened["diagnostics"]);
    assert!(saved["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == "segment-count")));
    assert_eq!(server.shut_down(), Some(0));
    assert_eq!(server.stderr(), "", "nothing on stderr at the default level");
}

/// Without `shutdown`, `exit` ends the process with code 1, as the protocol says.
#[test]
fn exit_without_shutdown_ends_with_code_1() {
    let mut server = StdioServer::start(&[]);
    server.initialize();
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_code(PATIENCE), Some(1));
}
