//! An in-memory LSP client for protocol tests: drives the real `Backend` through
//! tower-lsp's service and collects what the server sends back.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use claim_lsp::lsp::Backend;
use futures::StreamExt;
use serde_json::{json, Value};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tower::{Service, ServiceExt};
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::LspService;

pub struct TestClient {
    pub service: LspService<Backend>,
    pub from_server: UnboundedReceiver<Request>,
    next_id: i64,
}

impl TestClient {
    /// Wraps a server whose `initialize` the test sends itself.
    pub fn from_parts(service: LspService<Backend>, socket: tower_lsp_server::ClientSocket) -> Self {
        let (sender, from_server) = unbounded_channel();
        tokio::spawn(async move {
            let mut socket = socket;
            while let Some(message) = socket.next().await {
                let _ = sender.send(message);
            }
        });
        Self { service, from_server, next_id: 1 }
    }

    /// Starts a server and initializes it with the given client capabilities and options.
    pub async fn start(capabilities: Value, options: Value) -> Self {
        let (service, socket) = LspService::new(Backend::new);
        let mut client = Self::from_parts(service, socket);
        let result =
            client.request("initialize", json!({"capabilities": capabilities, "initializationOptions": options})).await;
        assert!(result.get("capabilities").is_some(), "initialize answered {result}");
        client.notify("initialized", json!({})).await;
        client
    }

    pub async fn request(&mut self, method: &'static str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method).params(params).id(id).finish();
        let response = self.service.ready().await.expect("service ready").call(request).await.expect("server alive");
        let response = response.expect("a request gets a response");
        let (_, result) = response.into_parts();
        result.expect("request succeeded")
    }

    pub async fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        let response = self.service.ready().await.expect("service ready").call(request).await.expect("server alive");
        assert!(response.is_none());
    }

    pub async fn open(&mut self, uri: &str, text: &str, version: i32) {
        let params = json!({"textDocument": {"uri": uri, "languageId": "x12-837", "version": version, "text": text}});
        self.notify("textDocument/didOpen", params).await;
    }

    /// `textDocument/codeAction` at the character after the first `needle` in `text`,
    /// with `diagnostics` as the context (and `only` kinds, when given).
    pub async fn code_actions_at(
        &mut self,
        uri: &str,
        text: &str,
        needle: &str,
        diagnostics: &Value,
        only: Option<&str>,
    ) -> Vec<Value> {
        let at = text.find(needle).expect("needle in text") + 1;
        let mut context = json!({ "diagnostics": diagnostics });
        if let Some(only) = only {
            context["only"] = json!([only]);
        }
        let params = json!({
            "textDocument": {"uri": uri},
            "range": {"start": utf16_position(text, at), "end": utf16_position(text, at)},
            "context": context,
        });
        self.request("textDocument/codeAction", params).await.as_array().cloned().unwrap_or_default()
    }

    /// Waits for `publishDiagnostics` of `uri` with `version` (or any version when
    /// `None`); other messages are skipped. Bounded in time.
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let message = tokio::time::timeout_at(deadline, self.from_server.recv())
                .await
                .expect("diagnostics arrive in time")
                .expect("server still sending");
            if message.method() != "textDocument/publishDiagnostics" {
                continue;
            }
            let params = message.params().cloned().unwrap_or(Value::Null);
            if params["uri"] == uri && (version.is_none() || params["version"].as_i64() == version) {
                return params;
            }
        }
    }
}

/// LSP position of a byte offset, counting UTF-16 code units, written independently of
/// the server's own conversion. Lines end at `\r\n`, `\n` or `\r`, as LSP says.
pub fn utf16_position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let mut line = 0;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for (i, byte) in bytes.iter().enumerate() {
        let ends_line = *byte == b'\n' || (*byte == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// Byte offset of an LSP position counted in UTF-16 code units, written independently
/// of the server's conversion.
pub fn utf16_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap_or(0) as usize;
    let character = position["character"].as_u64().unwrap_or(0) as usize;
    let mut offset = 0;
    for _ in 0..line {
        let rest = &text[offset..];
        let next =
            rest.find(['\n', '\r']).map_or(rest.len(), |i| if rest[i..].starts_with("\r\n") { i + 2 } else { i + 1 });
        offset += next;
    }
    let mut units = 0;
    for (i, c) in text[offset..].char_indices() {
        if units >= character || c == '\n' || c == '\r' {
            return offset + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies LSP text edits (non-overlapping, all on the original text) as a client does.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut located: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            let start = utf16_offset(text, &edit["range"]["start"]);
            let end = utf16_offset(text, &edit["range"]["end"]);
            (start, end, edit["newText"].as_str().unwrap_or(""))
        })
        .collect();
    located.sort_by_key(|(start, end, _)| std::cmp::Reverse((*start, *end)));
    let mut out = text.to_string();
    for (start, end, new) in located {
        out.replace_range(start..end, new);
    }
    out
}
