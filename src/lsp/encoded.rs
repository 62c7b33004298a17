//! Large answers written as JSON directly, without a `serde_json::Value` tree.
//!
//! The LSP library turns every handler's answer into a `Value` before the transport
//! writes it: for the outline of a 10,000-claim batch (70,000 symbols, 17 MB of JSON)
//! building and freeing that tree cost more than computing the outline. So the
//! handlers of the large answers (outline, folding, whole-file semantic tokens), when
//! the server runs over stdio, encode their answer here straight from their own types
//! and hand the library a one-element placeholder that carries a token; the transport
//! finds the token in the response and writes the stored bytes as its `result`.
//! The bytes are the JSON the library would have written (a test compares them).
//! Without a store (the server in memory, as tests and benches run it) handlers answer
//! the ordinary way.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Response;

/// Starts every placeholder token; a NUL never starts a name a document can give.
pub(super) const MARKER: &str = "\u{0}claim-lsp:encoded:";

/// An answer not taken within this time (its request was cancelled after encoding) is
/// dropped at the next store, so memory stays flat.
const STALE_AFTER: Duration = Duration::from_secs(30);

/// An encoded answer and when it was stored.
type Stored = (Instant, Vec<u8>);

/// Encoded answers waiting for the transport, by token.
#[derive(Clone)]
pub(super) struct EncodedAnswers {
    answers: Arc<Mutex<HashMap<u64, Stored>>>,
    next: Arc<AtomicU64>,
    /// A random part of this server's tokens: a name in a document (a CLM01 in a
    /// workspace-symbol answer) cannot pass for a placeholder.
    nonce: u64,
}

impl Default for EncodedAnswers {
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let nonce = std::collections::hash_map::RandomState::new().build_hasher().finish();
        Self { answers: Arc::default(), next: Arc::default(), nonce }
    }
}

impl EncodedAnswers {
    /// Encodes `answer` as JSON and keeps it; the placeholder token, or `None` if it
    /// could not be encoded (the caller then answers the ordinary way).
    pub(super) fn store<T: Serialize>(&self, answer: &T, size_hint: usize) -> Option<String> {
        let mut bytes = Vec::with_capacity(size_hint);
        serde_json::to_writer(&mut bytes, answer).ok()?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        answers.retain(|_, (stored, _)| now.duration_since(*stored) < STALE_AFTER);
        answers.insert(id, (now, bytes));
        Some(format!("{}{id}", self.prefix()))
    }

    /// What starts this server's tokens.
    fn prefix(&self) -> String {
        format!("{MARKER}{:016x}:", self.nonce)
    }

    fn take(&self, token: &str) -> Option<Vec<u8>> {
        let id = token.strip_prefix(&self.prefix())?.parse().ok()?;
        self.answers.lock().unwrap_or_else(PoisonError::into_inner).remove(&id).map(|(_, bytes)| bytes)
    }

    /// The body of `response` with its stored answer, when its result is a placeholder:
    /// `Some(Ok(body))`; `Some(Err(()))` when the answer is gone (answer an error then);
    /// `None` for an ordinary response.
    pub(super) fn body_for(&self, response: &Response) -> Option<Result<Vec<u8>, ()>> {
        let token = placeholder_token(response.result()?)?;
        if !token.starts_with(&self.prefix()) {
            return None;
        }
        let Some(result) = self.take(token) else { return Some(Err(())) };
        let id = serde_json::to_vec(response.id()).ok()?;
        let mut body = Vec::with_capacity(result.len() + id.len() + 32);
        body.extend_from_slice(br#"{"jsonrpc":"2.0","result":"#);
        body.extend_from_slice(&result);
        body.extend_from_slice(br#","id":"#);
        body.extend_from_slice(&id);
        body.push(b'}');
        Some(Ok(body))
    }
}

/// The token of a placeholder: a one-element array, or an object, with a top-level
/// string field that starts with [`MARKER`]. Ordinary answers are looked at no deeper.
fn placeholder_token(result: &Value) -> Option<&str> {
    let object = match result {
        Value::Array(items) if items.len() == 1 => items.first()?.as_object()?,
        Value::Object(object) => object,
        _ => return None,
    };
    object.values().filter_map(Value::as_str).find(|text| text.starts_with(MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tower_lsp_server::jsonrpc::Id;

    #[test]
    fn a_placeholder_response_is_written_with_the_stored_answer() {
        let answers = EncodedAnswers::default();
        let token = answers.store(&json!([{ "name": "ISA 1", "kind": 4 }]), 0).expect("stored");
        let response = Response::from_ok(Id::Number(7), json!([{ "name": token, "kind": 4 }]));
        let body = answers.body_for(&response).expect("a placeholder").expect("stored");
        let written: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(written, json!({ "jsonrpc": "2.0", "id": 7, "result": [{ "name": "ISA 1", "kind": 4 }] }));
        // Taken once: a second response with the same token has nothing to write.
        assert_eq!(answers.body_for(&response), Some(Err(())));
    }

    #[test]
    fn ordinary_responses_are_left_alone() {
        let answers = EncodedAnswers::default();
        for result in [json!(null), json!([]), json!([{ "name": "ISA 1" }]), json!({ "data": [1, 2] }), json!("x")] {
            assert_eq!(answers.body_for(&Response::from_ok(Id::Number(1), result)), None);
        }
        // Text shaped like a token but without this server's nonce (a document's CLM01)
        // is an ordinary answer.
        let forged = json!([{ "name": format!("{MARKER}0000000000000000:0") }]);
        assert_eq!(answers.body_for(&Response::from_ok(Id::Number(2), forged)), None);
        assert_eq!(
            answers.body_for(&Response::from_error(Id::Number(1), tower_lsp_server::jsonrpc::Error::internal_error())),
            None
        );
    }
}
