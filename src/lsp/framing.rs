//! LSP framing over bytes, with no I/O: splits what the client sent into messages, and
//! turns every frame that is not a valid JSON-RPC message into a rejection the server
//! answers, after which reading goes on at the next `Content-Length` header.
//!
//! A frame is a header block (`Name: value` lines, each ending in `\r\n`, then an empty
//! line) and a body of exactly `Content-Length` bytes. Header names are matched
//! case-insensitively; `Content-Type` and unknown headers are ignored (the body is read
//! as UTF-8 whatever they say). After anything that is not a frame, the reader skips to
//! the next `Content-Length:`; a body that does not parse but holds a `Content-Length:`
//! (its length counted the next message in) is cut there, and the part before it is
//! used if it is a message on its own.
//!
//! Memory stays bounded: a body larger than the limit is never buffered (its bytes are
//! skipped as they arrive), and a header block has a fixed maximum size.

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// The largest body read by default: 2 GiB, room for the largest batch file an editor
/// could hold open, sent whole in `didOpen` (claim text needs few JSON escapes).
pub const DEFAULT_MAX_BODY: usize = 2 << 30;

/// The largest header block: real clients send one or two short headers.
pub const MAX_HEADER: usize = 8 * 1024;

/// JSON nested this deep or deeper is refused (serde_json's own limit), checked before
/// parsing so that parsing a message can never exhaust the stack.
pub const MAX_DEPTH: usize = 128;

const CONTENT_LENGTH: &[u8] = b"content-length:";

/// A message from the client.
#[derive(Debug)]
pub enum Incoming {
    /// A request or notification for the server.
    Request(Request),
    /// The client's answer to a request the server sent.
    Response(Response),
}

/// Why bytes were not a message, and the id of the request when it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub kind: RejectionKind,
    pub id: Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionKind {
    /// No `Content-Length`, or one that is not a number.
    BadHeader,
    /// A body larger than the limit: skipped, never buffered.
    TooLarge { length: usize },
    /// Not JSON: a syntax error, invalid UTF-8, or nesting deeper than `MAX_DEPTH`.
    NotJson,
    /// JSON that is not a JSON-RPC 2.0 request, notification or response.
    NotJsonRpc,
}

impl Rejection {
    fn new(kind: RejectionKind) -> Self {
        Self { kind, id: Id::Null }
    }

    /// The JSON-RPC error answer: -32700 for what is not JSON (or not a frame), -32600
    /// for JSON that is not a JSON-RPC message.
    pub fn response(&self) -> Response {
        let (code, message) = match self.kind {
            RejectionKind::BadHeader => (ErrorCode::ParseError, "missing or invalid Content-Length header"),
            RejectionKind::TooLarge { .. } => (ErrorCode::InvalidRequest, "message larger than the server's limit"),
            RejectionKind::NotJson => (ErrorCode::ParseError, "message body is not valid JSON"),
            RejectionKind::NotJsonRpc => (ErrorCode::InvalidRequest, "not a JSON-RPC 2.0 message"),
        };
        Response::from_error(self.id.clone(), Error { code, message: message.into(), data: None })
    }

    /// A description for the log: no message content.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            RejectionKind::BadHeader => "frame without a valid Content-Length",
            RejectionKind::TooLarge { .. } => "message larger than the limit",
            RejectionKind::NotJson => "message body is not JSON",
            RejectionKind::NotJsonRpc => "message is not JSON-RPC 2.0",
        }
    }
}

/// What the bytes at the start of the buffer were. `consumed` bytes are done with and
/// must be dropped from the front of the buffer before the next call.
#[derive(Debug)]
pub enum Framed {
    Message {
        message: Box<Incoming>,
        consumed: usize,
    },
    Rejected {
        rejection: Rejection,
        consumed: usize,
    },
    /// Nothing complete yet: read more bytes (after dropping `consumed`, bytes skipped
    /// while looking for a header).
    Incomplete {
        consumed: usize,
    },
}

/// Reads frames from a byte buffer the caller fills; remembers only whether it is
/// skipping bytes after a bad frame (so one bad frame gets one answer).
#[derive(Debug, Clone)]
pub struct FrameReader {
    max_body: usize,
    resyncing: bool,
}

impl Default for FrameReader {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_BODY)
    }
}

impl FrameReader {
    pub fn new(max_body: usize) -> Self {
        Self { max_body, resyncing: false }
    }

    /// The next frame at the start of `buffer`. `at_end` says no more bytes will come:
    /// a body cut short by the end of input is then used if it is a message.
    pub fn next(&mut self, buffer: &[u8], at_end: bool) -> Framed {
        let mut start = leading_blank(buffer);
        if self.resyncing {
            let rest = &buffer[start..];
            match find_content_length(rest) {
                Some(at) => {
                    self.resyncing = false;
                    start += at;
                }
                // Keep a tail that may be the start of a header split across reads.
                None => {
                    return Framed::Incomplete { consumed: start + rest.len().saturating_sub(CONTENT_LENGTH.len()) }
                }
            }
        }
        match self.frame(&buffer[start..], at_end) {
            Framed::Message { message, consumed } => Framed::Message { message, consumed: start + consumed },
            Framed::Rejected { rejection, consumed } => {
                self.resyncing = true;
                Framed::Rejected { rejection, consumed: start + consumed }
            }
            Framed::Incomplete { consumed } => Framed::Incomplete { consumed: start + consumed },
        }
    }

    fn frame(&mut self, bytes: &[u8], at_end: bool) -> Framed {
        if bytes.is_empty() {
            return Framed::Incomplete { consumed: 0 };
        }
        let Some((header_len, length)) = (match header(bytes) {
            Header::Complete { length, size } => Some((size, length)),
            Header::Incomplete if bytes.len() < MAX_HEADER && !at_end => return Framed::Incomplete { consumed: 0 },
            Header::Incomplete | Header::Invalid => None,
        }) else {
            // Not a header: reject once, then skip to the next `Content-Length`.
            return Framed::Rejected { rejection: Rejection::new(RejectionKind::BadHeader), consumed: 1 };
        };
        let Some(length) = length else {
            // A `Content-Length` run into the junk before it (`junkContent-Length: …`)
            // starts the next frame: skip only up to it.
            let consumed = bytes.get(1..header_len).and_then(find_content_length).map_or(header_len, |at| at + 1);
            return Framed::Rejected { rejection: Rejection::new(RejectionKind::BadHeader), consumed };
        };
        if length > self.max_body {
            // The body is skipped by resynchronising: its bytes are dropped as they come.
            let rejection = Rejection::new(RejectionKind::TooLarge { length });
            return Framed::Rejected { rejection, consumed: header_len };
        }
        let available = &bytes[header_len..];
        let complete = available.len() >= length;
        if !complete && !at_end {
            return Framed::Incomplete { consumed: 0 };
        }
        let body = &available[..length.min(available.len())];
        match decode(body) {
            Ok(message) => Framed::Message { message: Box::new(message), consumed: header_len + body.len() },
            Err(rejection) => match find_content_length(body) {
                // The length counted the next message in: use what comes before it.
                Some(at) => match decode(&body[..at]) {
                    Ok(message) => Framed::Message { message: Box::new(message), consumed: header_len + at },
                    Err(rejection) => Framed::Rejected { rejection, consumed: header_len + at },
                },
                None => Framed::Rejected { rejection, consumed: header_len + body.len() },
            },
        }
    }
}

enum Header {
    /// A whole header block of `size` bytes (with its empty line); `length` when it has
    /// exactly one valid `Content-Length`.
    Complete {
        length: Option<usize>,
        size: usize,
    },
    Incomplete,
    /// Bytes that are not a header block.
    Invalid,
}

/// Parses the header block at the start of `bytes`. Lines end in `\r\n` (a bare `\n` is
/// taken too).
fn header(bytes: &[u8]) -> Header {
    let mut at = 0;
    let mut length = None;
    let mut conflicting = false;
    loop {
        let Some(end) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) else {
            // A partial line must still look like the start of a header.
            let partial = bytes.get(at..).unwrap_or_default();
            let name_end = partial.iter().position(|&b| b == b':').unwrap_or(partial.len());
            let valid = partial.get(..name_end).is_some_and(|name| name.iter().all(|&b| is_token(b) || b == b'\r'));
            return if valid { Header::Incomplete } else { Header::Invalid };
        };
        let line = &bytes[at..at + end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at += end + 1;
        if line.is_empty() {
            if at == end + 1 {
                // An empty first line is not a header block (callers skip blank lines).
                return Header::Invalid;
            }
            let length = if conflicting { None } else { length };
            return Header::Complete { length, size: at };
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else { return Header::Invalid };
        let name = trim(&line[..colon]);
        if name.is_empty() || !name.iter().all(|&b| is_token(b)) {
            return Header::Invalid;
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let value = parse_length(trim(&line[colon + 1..]));
            conflicting |= value.is_none() || (length.is_some() && length != value);
            length = value;
        }
    }
}

fn parse_length(value: &[u8]) -> Option<usize> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn is_token(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Blank bytes before a header (some clients end a body with a line break).
fn leading_blank(bytes: &[u8]) -> usize {
    bytes.iter().position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t')).unwrap_or(bytes.len())
}

/// Where a `Content-Length:` header name starts in `bytes` (any case).
fn find_content_length(bytes: &[u8]) -> Option<usize> {
    bytes.windows(CONTENT_LENGTH.len()).position(|window| window.eq_ignore_ascii_case(CONTENT_LENGTH))
}

/// A body as a JSON-RPC message, or why it is not one (with its id when readable).
pub fn decode(body: &[u8]) -> Result<Incoming, Rejection> {
    if nesting_exceeds(body, MAX_DEPTH) {
        return Err(Rejection::new(RejectionKind::NotJson));
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| Rejection::new(RejectionKind::NotJson))?;
    let Value::Object(object) = &value else { return Err(Rejection::new(RejectionKind::NotJsonRpc)) };
    let id = match object.get("id") {
        None | Some(Value::Null) => Some(Id::Null),
        Some(Value::String(id)) => Some(Id::String(id.clone())),
        Some(Value::Number(id)) => id.as_i64().map(Id::Number),
        Some(_) => None,
    };
    let not_json_rpc = |id: Option<Id>| Rejection { kind: RejectionKind::NotJsonRpc, id: id.unwrap_or(Id::Null) };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") || id.is_none() {
        return Err(not_json_rpc(id));
    }
    let is_request = object.contains_key("method");
    let is_response = object.contains_key("result") || object.contains_key("error");
    let params_valid = matches!(object.get("params"), None | Some(Value::Object(_) | Value::Array(_) | Value::Null));
    match (is_request, is_response) {
        (true, false) if object.get("method").is_some_and(Value::is_string) && params_valid => {
            serde_json::from_value(value).map(Incoming::Request).map_err(|_| not_json_rpc(id))
        }
        (false, true) if object.contains_key("id") => {
            serde_json::from_value(value).map(Incoming::Response).map_err(|_| not_json_rpc(id))
        }
        _ => Err(not_json_rpc(id)),
    }
}

/// Whether arrays and objects nest `limit` levels deep or more (brackets inside strings do not
/// count). A cheap scan, so the parser is never asked to go that deep.
fn nesting_exceeds(body: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in body {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth >= limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        bytes
    }

    /// Everything the reader makes of `input` given all at once, as (method or error
    /// code, id) in order.
    fn read_all(input: &[u8]) -> Vec<String> {
        let mut reader = FrameReader::default();
        let mut buffer = input.to_vec();
        let mut seen = Vec::new();
        loop {
            let (consumed, item) = match reader.next(&buffer, true) {
                Framed::Message { message, consumed } => {
                    let item = match *message {
                        Incoming::Request(request) => request.method().to_string(),
                        Incoming::Response(response) => format!("response {}", response.id()),
                    };
                    (consumed, Some(item))
                }
                Framed::Rejected { rejection, consumed } => {
                    let response = rejection.response();
                    let code = response.error().map_or(0, |e| e.code.code());
                    (consumed, Some(format!("{code} id {}", response.id())))
                }
                Framed::Incomplete { consumed } => (consumed, None),
            };
            assert!(consumed <= buffer.len());
            buffer.drain(..consumed);
            match item {
                Some(item) => seen.push(item),
                None if consumed == 0 => return seen,
                None => {}
            }
        }
    }

    const HOVER: &str = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}}"#;

    #[test]
    fn reads_messages_back_to_back_and_byte_by_byte() {
        let mut input = frame(HOVER);
        input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        assert_eq!(read_all(&input), ["textDocument/hover", "exit"]);
        // One byte at a time, as a slow pipe might deliver it.
        let mut reader = FrameReader::default();
        let mut buffer = Vec::new();
        let mut methods = Vec::new();
        for &byte in &input {
            buffer.push(byte);
            loop {
                match reader.next(&buffer, false) {
                    Framed::Message { message, consumed } => {
                        buffer.drain(..consumed);
                        if let Incoming::Request(request) = *message {
                            methods.push(request.method().to_string());
                        }
                    }
                    Framed::Incomplete { consumed } => {
                        buffer.drain(..consumed);
                        break;
                    }
                    Framed::Rejected { rejection, .. } => panic!("{rejection:?}"),
                }
            }
        }
        assert_eq!(methods, ["textDocument/hover", "exit"]);
    }

    #[test]
    fn header_names_are_case_insensitive_and_content_type_is_ignored() {
        let body = HOVER;
        let lower = format!("content-length: {}\r\n\r\n{body}", body.len());
        let typed = format!(
            "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=UTF-8\r\n\r\n{body}",
            body.len()
        );
        assert_eq!(read_all(lower.as_bytes()), ["textDocument/hover"]);
        assert_eq!(read_all(typed.as_bytes()), ["textDocument/hover"]);
    }

    #[test]
    fn bad_frames_are_answered_and_reading_goes_on() {
        let cases: &[(&[u8], &str)] = &[
            (b"Content-Length: 5\r\n\r\n{oops", "-32700 id null"),
            (b"Content-Length: 4\r\n\r\n\"\xff\xfe\"", "-32700 id null"),
            (b"Content-Type: x\r\n\r\n{}", "-32700 id null"),
            (b"Content-Length: abc\r\n\r\n{}", "-32700 id null"),
            (b"Content-Length: -2\r\n\r\n{}", "-32700 id null"),
            (b"Content-Length: 99999999999999999999999\r\n\r\n{}", "-32700 id null"),
            (b"{\"jsonrpc\":\"2.0\"}", "-32700 id null"),
            (&frame("{}"), "-32600 id null"),
            (&frame("[]"), "-32600 id null"),
            (&frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#), "-32600 id null"),
            (&frame(r#"{"jsonrpc":"2.0","id":"a","x":1}"#), "-32600 id \"a\""),
            (&frame(r#"{"jsonrpc":"1.0","id":3,"method":"exit"}"#), "-32600 id 3"),
            (&frame(r#"{"jsonrpc":"2.0","id":4,"method":"exit","params":"x"}"#), "-32600 id 4"),
        ];
        for (bad, answer) in cases {
            let mut input = bad.to_vec();
            input.extend(frame(HOVER));
            assert_eq!(read_all(&input), [*answer, "textDocument/hover"], "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused_without_recursion() {
        let deep =
            format!(r#"{{"jsonrpc":"2.0","method":"x","params":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        let mut input = frame(&deep);
        input.extend(frame(HOVER));
        assert_eq!(read_all(&input), ["-32700 id null", "textDocument/hover"]);
        let at_limit = format!(r#"{{"jsonrpc":"2.0","method":"x","params":{}{}}}"#, "[".repeat(126), "]".repeat(126));
        assert_eq!(read_all(&frame(&at_limit)), ["x"], "127 levels are read");
        let over = format!(r#"{{"jsonrpc":"2.0","method":"x","params":{}{}}}"#, "[".repeat(127), "]".repeat(127));
        assert_eq!(read_all(&frame(&over)), ["-32700 id null"], "128 levels are not");
    }

    #[test]
    fn a_length_larger_than_the_body_resynchronises_at_the_next_header() {
        // The first message is whole, but its length counts 20 bytes of the next one.
        let first = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let mut input = format!("Content-Length: {}\r\n\r\n{first}", first.len() + 20).into_bytes();
        input.extend(frame(HOVER));
        assert_eq!(read_all(&input), ["shutdown", "textDocument/hover"]);
        // A broken body with a too-large length: answered, and the next one still read.
        let mut input = format!("Content-Length: {}\r\n\r\n{{broken", 30).into_bytes();
        input.extend(frame(HOVER));
        assert_eq!(read_all(&input), ["-32700 id null", "textDocument/hover"]);
    }

    #[test]
    fn a_body_over_the_limit_is_skipped_without_being_buffered() {
        let mut reader = FrameReader::new(100);
        let big = format!(r#"{{"jsonrpc":"2.0","method":"x","params":["{}"]}}"#, "a".repeat(10_000));
        let mut input = frame(&big);
        input.extend(frame(HOVER));
        let mut buffer = Vec::new();
        let mut seen = Vec::new();
        for chunk in input.chunks(64) {
            buffer.extend_from_slice(chunk);
            loop {
                let (consumed, done) = match reader.next(&buffer, false) {
                    Framed::Message { consumed, .. } => {
                        seen.push("message");
                        (consumed, false)
                    }
                    Framed::Rejected { rejection, consumed } => {
                        assert_eq!(rejection.kind, RejectionKind::TooLarge { length: big.len() });
                        seen.push("too large");
                        (consumed, false)
                    }
                    Framed::Incomplete { consumed } => (consumed, true),
                };
                buffer.drain(..consumed);
                assert!(buffer.len() <= 64 + MAX_HEADER + 100, "buffered {} bytes", buffer.len());
                if done {
                    break;
                }
            }
        }
        assert_eq!(seen, ["too large", "message"]);
    }

    #[test]
    fn responses_from_the_client_are_told_from_requests() {
        let input = frame(r#"{"jsonrpc":"2.0","id":0,"result":null}"#);
        assert_eq!(read_all(&input), ["response 0"]);
    }
}
