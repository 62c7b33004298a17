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

/// Item 8 of issue 16: a `shutdown` answered with an error (here: before `initialize`)
/// does not make `exit` clean.
#[test]
fn exit_after_a_failed_shutdown_ends_with_code_1() {
    let mut server = StdioServer::start(&[]);
    let response = server.request(1, "shutdown", Value::Null);
    assert!(response.get("error").is_some(), "shutdown before initialize is an error: {response}");
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_code(PATIENCE), Some(1));
}

/// A request that proves the server still reads and answers after a bad frame: a hover
/// on a document that is not open answers `null`.
fn still_answers(server: &mut StdioServer, id: i64) {
    let params = json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}});
    let response = server.request(id, "textDocument/hover", params);
    assert_eq!(response["result"], Value::Null, "{response}; stderr:\n{}", server.stderr());
}

/// The error answer to a bad frame: its code, and its id (`null` when unknown).
fn error_answer(server: &mut StdioServer, id: &Value) -> i64 {
    let answer = server.response(id);
    answer["error"]["code"].as_i64().unwrap_or_else(|| panic!("not an error answer: {answer}"))
}

/// Issue 16, item 1: every malformed frame of the issue, byte for byte, gets a JSON-RPC
/// error answer, and the server goes on reading and ends cleanly.
#[test]
fn malformed_frames_are_answered_and_the_server_keeps_reading() {
    let deep = format!(r#"{{"jsonrpc":"2.0","id":50,"method":"x","params":{}{}}}"#, "[".repeat(200), "]".repeat(200));
    let cases: Vec<(&str, Vec<u8>, i64, Value)> = vec![
        ("invalid JSON", b"Content-Length: 9\r\n\r\n{\"jsonrp\"".to_vec(), -32700, Value::Null),
        ("invalid UTF-8", b"Content-Length: 4\r\n\r\n\"\xff\xfe\"".to_vec(), -32700, Value::Null),
        ("no Content-Length", b"Content-Type: application/vscode-jsonrpc\r\n\r\n{}".to_vec(), -32700, Value::Null),
        ("bad Content-Length", b"Content-Length: twelve\r\n\r\n{}".to_vec(), -32700, Value::Null),
        ("empty object", stdio_server::frame("{}"), -32600, Value::Null),
        ("array", stdio_server::frame("[]"), -32600, Value::Null),
        (
            "fractional id",
            stdio_server::frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"textDocument/hover"}"#),
            -32600,
            Value::Null,
        ),
        ("nested 201 levels", stdio_server::frame(&deep), -32700, Value::Null),
    ];
    let mut server = StdioServer::start(&[]);
    server.initialize();
    for (index, (name, bytes, code, id)) in cases.into_iter().enumerate() {
        server.send_raw(&bytes);
        assert_eq!(error_answer(&mut server, &id), code, "{name}; stderr:\n{}", server.stderr());
        still_answers(&mut server, 100 + i64::try_from(index).unwrap_or(0));
    }
    assert_eq!(server.shut_down(), Some(0), "stderr:\n{}", server.stderr());
}

/// Header names are case-insensitive, and a charset named in capitals is UTF-8 too.
#[test]
fn header_case_and_charset_spelling_do_not_matter() {
    let mut server = StdioServer::start(&[]);
    server.initialize();
    let hover = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.837"},"position":{"line":0,"character":0}}}"#;
    server.send_raw(format!("content-length: {}\r\n\r\n{hover}", hover.len()).as_bytes());
    assert_eq!(server.response(&json!(7))["result"], Value::Null);
    let typed = format!(
        "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=UTF-8\r\n\r\n{}",
        hover.len(),
        hover.replace("\"id\":7", "\"id\":8")
    );
    server.send_raw(typed.as_bytes());
    assert_eq!(server.response(&json!(8))["result"], Value::Null);
    assert_eq!(server.shut_down(), Some(0), "stderr:\n{}", server.stderr());
}

/// A `Content-Length` larger than its body swallowed the next message and then ended
/// the server. Now the message is read up to the next header, and the next one too.
#[test]
fn a_content_length_larger_than_the_body_loses_neither_message() {
    let mut server = StdioServer::start(&[]);
    server.initialize();
    let first = r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.837"},"position":{"line":0,"character":0}}}"#;
    let mut bytes = format!("Content-Length: {}\r\n\r\n{first}", first.len() + 25).into_bytes();
    let second = r#"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///b.837"},"position":{"line":0,"character":0}}}"#;
    bytes.extend(stdio_server::frame(second));
    server.send_raw(&bytes);
    assert_eq!(server.response(&json!(2))["result"], Value::Null, "stderr:\n{}", server.stderr());
    assert_eq!(server.response(&json!(3))["result"], Value::Null, "stderr:\n{}", server.stderr());
    still_answers(&mut server, 4);
    assert_eq!(server.shut_down(), Some(0), "stderr:\n{}", server.stderr());
}

/// A message over the size limit is skipped as it streams in (never held in memory),
/// answered with an error, and the user is told how to raise the limit.
#[test]
fn a_message_over_the_limit_is_skipped_and_the_user_told() {
    let mut server = StdioServer::start(&[("CLAIM_LSP_MAX_MESSAGE_BYTES", "300")]);
    server.initialize();
    let text = base_claim();
    assert!(text.len() > 300);
    let document = json!({"uri": URI, "languageId": "x12-837", "version": 1, "text": text});
    server.notify("textDocument/didOpen", json!({"textDocument": document}));
    let mut told = false;
    let mut answered = false;
    while !(told && answered) {
        let Some(message) = server.next_message(PATIENCE) else { panic!("stderr:\n{}", server.stderr()) };
        if message["method"] == "window/showMessage" {
            let said = message["params"]["message"].as_str().unwrap_or_default();
            assert!(said.contains("CLAIM_LSP_MAX_MESSAGE_BYTES"), "{said}");
            told = true;
        } else if message.get("error").is_some() {
            assert_eq!(message["error"]["code"], -32600);
            assert_eq!(message["id"], Value::Null);
            answered = true;
        }
    }
    still_answers(&mut server, 5);
    assert_eq!(server.shut_down(), Some(0), "stderr:\n{}", server.stderr());
}
