//! The real `claim-lsp` binary as an editor runs it: a child process spoken to over
//! stdin/stdout with LSP framing, its stderr captured. For tests of what only the real
//! transport shows (framing, exit codes, the log).
//!
//! `CLAIM_LSP_TEST_SERVER` runs another build instead (to show a test failing on an
//! older server); by default the binary Cargo built for this test run.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait in these tests may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct StdioServer {
    child: Child,
    stdin: Option<ChildStdin>,
    from_server: Receiver<Value>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// An LSP frame: the header and the body, as a client writes it.
pub fn frame(body: &str) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

impl StdioServer {
    pub fn start(environment: &[(&str, &str)]) -> Self {
        let program =
            std::env::var("CLAIM_LSP_TEST_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_claim-lsp").to_string());
        let mut command = Command::new(program);
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).env_remove("CLAIM_LSP_LOG");
        for (name, value) in environment {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server starts");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut stderr_pipe = child.stderr.take().expect("stderr piped");
        let (sender, from_server) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read @ 1..) = stderr_pipe.read(&mut buffer) {
                sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(&buffer[..read]);
            }
        });
        let stdin = child.stdin.take();
        Self { child, stdin, from_server, stderr }
    }

    /// Writes bytes as they are: for frames a well-behaved client would never send.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        // A server that died makes the write fail; the test's assertions say why.
        let _ = stdin.write_all(bytes).and_then(|()| stdin.flush());
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(&frame(&message.to_string()));
    }

    pub fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(&json!(id))
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// `initialize` with no capabilities, then `initialized`.
    pub fn initialize(&mut self) {
        let result = self.request(1, "initialize", json!({"capabilities": {}}));
        assert!(result["result"]["capabilities"].is_object(), "initialize answered {result}");
        self.notify("initialized", json!({}));
    }

    /// The next message from the server, if one comes in time.
    pub fn next_message(&mut self, wait: Duration) -> Option<Value> {
        self.from_server.recv_timeout(wait).ok()
    }

    /// The response with `id` (`null` for errors about unreadable messages); requests
    /// and notifications from the server on the way are skipped.
    pub fn response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(message) = self.next_message(left) else {
                panic!("no response with id {id}; stderr:\n{}", self.stderr())
            };
            if message.get("method").is_none() && message.get("id") == Some(id) {
                return message;
            }
        }
    }

    /// `publishDiagnostics` for `uri` (any version); other messages are skipped.
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(message) = self.next_message(left) else {
                panic!("no diagnostics for {uri}; stderr:\n{}", self.stderr())
            };
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"].clone();
            }
        }
    }

    /// Closes the server's stdin (end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit code once the process ends; `None` if it is still running after `wait`.
    pub fn exit_code(&mut self, wait: Duration) -> Option<i32> {
        let deadline = Instant::now() + wait;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
    }

    /// Shuts the server down as a client does and returns its exit code.
    pub fn shut_down(&mut self) -> Option<i32> {
        let response = self.request(9_999, "shutdown", Value::Null);
        assert!(response.get("error").is_none(), "shutdown answered {response}");
        self.notify("exit", Value::Null);
        self.exit_code(PATIENCE)
    }
}

impl Drop for StdioServer {
    fn drop(&mut self) {
        if self.is_running() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// One framed message from the server; `None` at end of output or on a frame that does
/// not parse (the test then sees no more messages).
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
