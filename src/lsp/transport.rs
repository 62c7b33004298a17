//! The server's own transport: reads frames from the client (`framing`), hands valid
//! messages to the LSP service in the order they arrive, answers bad frames with a
//! JSON-RPC error and keeps reading, and writes every outgoing message (responses,
//! error answers, server-to-client requests) through one writer task.
//!
//! Ends at `exit` even while stdin stays open (some editors never close it), and
//! reports whether a successful `shutdown` came first, for the exit code.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_lsp_server::ls_types::{MessageType, ShowMessageParams};
use tower_lsp_server::{ClientSocket, ExitedError};

use super::encoded::EncodedAnswers;
use super::framing::{FrameReader, Framed, Incoming, RejectionKind};

/// How a session over the transport ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ending {
    /// `exit` after a `shutdown` that succeeded.
    CleanExit,
    /// `exit` without a successful `shutdown`, or the input ended.
    Unclean,
}

/// How long queued messages may take to reach the client once the session ends.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

const READ_CHUNK: usize = 64 * 1024;

/// The read buffer kept between messages; a larger one is freed once it is empty.
const RETAINED_BUFFER: usize = 4 * 1024 * 1024;

enum Outgoing {
    Message(Vec<u8>),
    /// Everything queued before this is written; then the writer stops.
    Stop,
}

/// Runs a session: reads `input` until `exit` or its end, writes to `output`.
///
/// With `answers`, a response whose result is a placeholder of an answer encoded ahead
/// (see `encoded`) is written with that answer.
pub(super) async fn serve<S, I, O>(
    input: I,
    output: O,
    mut service: S,
    socket: ClientSocket,
    max_body: usize,
    answers: Option<EncodedAnswers>,
) -> Ending
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + Unpin + 'static,
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (outgoing, queue) = unbounded_channel();
    let writer = tokio::spawn(write_all(output, queue));
    let (mut to_client, mut from_client) = socket.split();
    let forward = {
        let outgoing = outgoing.clone();
        tokio::spawn(async move {
            while let Some(request) = to_client.next().await {
                send(&outgoing, &request);
            }
        })
    };
    let shut_down = Arc::new(AtomicBool::new(false));
    let mut reader = FrameReader::new(max_body);
    let mut input = input;
    let mut buffer: Vec<u8> = Vec::new();
    let mut at_end = false;
    let mut ending = Ending::Unclean;
    'session: loop {
        loop {
            match reader.next(&buffer, at_end) {
                Framed::Message { message, consumed } => {
                    buffer.drain(..consumed.min(buffer.len()));
                    match *message {
                        Incoming::Response(response) => {
                            if from_client.send(response).await.is_err() {
                                tracing::debug!("a response from the client arrived after the server stopped");
                            }
                        }
                        Incoming::Request(request) => {
                            let method = Method::of(&request);
                            if !dispatch(&mut service, request, method, &outgoing, &shut_down, &answers).await {
                                break 'session;
                            }
                            if method == Method::Exit {
                                if shut_down.load(Ordering::SeqCst) {
                                    ending = Ending::CleanExit;
                                }
                                break 'session;
                            }
                        }
                    }
                }
                Framed::Rejected { rejection, consumed } => {
                    buffer.drain(..consumed.min(buffer.len()));
                    tracing::warn!(
                        code = rejection.response().error().map(|e| e.code.code()),
                        "{}",
                        rejection.describe()
                    );
                    send(&outgoing, &rejection.response());
                    if let RejectionKind::TooLarge { length } = rejection.kind {
                        let message = format!(
                            "claim-lsp: a message of {length} bytes is over the limit of {max_body} bytes and was \
                             skipped; set {} to raise it",
                            super::MAX_MESSAGE_ENV
                        );
                        let params = ShowMessageParams { typ: MessageType::ERROR, message };
                        send(&outgoing, &Request::build("window/showMessage").params(json(&params)).finish());
                    }
                }
                Framed::Incomplete { consumed } => {
                    buffer.drain(..consumed.min(buffer.len()));
                    if consumed == 0 || buffer.is_empty() {
                        break;
                    }
                }
            }
        }
        if at_end {
            break;
        }
        if buffer.is_empty() && buffer.capacity() > RETAINED_BUFFER {
            // A large document came and went: do not hold its buffer for the session.
            buffer = Vec::new();
        }
        buffer.reserve(READ_CHUNK);
        match input.read_buf(&mut buffer).await {
            Ok(0) | Err(_) => at_end = true,
            Ok(_) => {}
        }
    }
    forward.abort();
    let _ = outgoing.send(Outgoing::Stop);
    drop(outgoing);
    if tokio::time::timeout(FLUSH_TIMEOUT, writer).await.is_err() {
        tracing::warn!("the client did not take the last messages in time");
    }
    ending
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Initialize,
    Shutdown,
    Exit,
    Other,
}

impl Method {
    fn of(request: &Request) -> Self {
        match request.method() {
            "initialize" => Self::Initialize,
            "shutdown" => Self::Shutdown,
            "exit" => Self::Exit,
            _ => Self::Other,
        }
    }
}

/// Calls the service with one request. The handler is polled once here, so that what it
/// does before its first `.await` (applying a change to the document store) happens in
/// the order messages arrive; it then finishes on its own task. `initialize` is awaited
/// here: nothing else may run before it. Returns `false` once the service has exited.
async fn dispatch<S>(
    service: &mut S,
    request: Request,
    method: Method,
    outgoing: &UnboundedSender<Outgoing>,
    shut_down: &Arc<AtomicBool>,
    answers: &Option<EncodedAnswers>,
) -> bool
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + Unpin + 'static,
{
    if !ready(service).await {
        return false;
    }
    let id = request.id().cloned();
    let mut handler = service.call(request);
    let outgoing = outgoing.clone();
    let shut_down = Arc::clone(shut_down);
    let answers = answers.clone();
    let finish = move |result: Handled| {
        let response = match result {
            Handled::Answered(Ok(Some(response))) => response,
            Handled::Answered(_) => return,
            // A handler that panics answers an error (requests only) and the session
            // goes on; the panic's text is not logged (it could quote a value).
            Handled::Panicked => {
                tracing::error!("a handler failed; answered with an internal error");
                let Some(id) = id else { return };
                Response::from_error(id, Error::internal_error())
            }
        };
        // Only a `shutdown` that succeeded makes a later `exit` clean.
        if method == Method::Shutdown && response.is_ok() {
            shut_down.store(true, Ordering::SeqCst);
        }
        match answers.as_ref().and_then(|answers| answers.body_for(&response)) {
            Some(Ok(body)) => send_body(&outgoing, &body),
            Some(Err(())) => {
                tracing::error!("an encoded answer was gone; answered with an internal error");
                send(&outgoing, &Response::from_error(response.id().clone(), Error::internal_error()));
            }
            None => send(&outgoing, &response),
        }
    };
    if method == Method::Initialize {
        finish(run_to_end(handler).await);
        return true;
    }
    match poll_once(&mut handler).await {
        Some(result) => finish(result),
        None => {
            tokio::spawn(async move { finish(run_to_end(handler).await) });
        }
    }
    true
}

/// What became of a handler.
enum Handled {
    Answered(Result<Option<Response>, ExitedError>),
    Panicked,
}

async fn run_to_end<F>(handler: F) -> Handled
where
    F: Future<Output = Result<Option<Response>, ExitedError>> + Unpin,
{
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(result) => Handled::Answered(result),
        Err(_) => Handled::Panicked,
    }
}

/// Waits until the service takes a request; `false` if it has exited. The service says
/// "not yet" without a wake-up while `initialize` runs, so this polls on a short timer.
async fn ready<S>(service: &mut S) -> bool
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
{
    loop {
        match std::future::poll_fn(|context| Poll::Ready(service.poll_ready(context))).await {
            Poll::Ready(Ok(())) => return true,
            Poll::Ready(Err(ExitedError { .. })) => return false,
            Poll::Pending => tokio::time::sleep(Duration::from_millis(1)).await,
        }
    }
}

/// Polls a handler once: what became of it if it finished, else `None` (it keeps its
/// state and is finished elsewhere).
async fn poll_once<F>(handler: &mut F) -> Option<Handled>
where
    F: Future<Output = Result<Option<Response>, ExitedError>> + Unpin,
{
    std::future::poll_fn(|context: &mut Context<'_>| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(&mut *handler).poll(context))) {
            Ok(Poll::Ready(result)) => Poll::Ready(Some(Handled::Answered(result))),
            Ok(Poll::Pending) => Poll::Ready(None),
            Err(_) => Poll::Ready(Some(Handled::Panicked)),
        }
    })
    .await
}

fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Queues a message for the writer as a whole frame.
fn send<T: Serialize>(outgoing: &UnboundedSender<Outgoing>, message: &T) {
    match serde_json::to_vec(message) {
        Ok(body) => send_body(outgoing, &body),
        Err(_) => tracing::error!("an outgoing message could not be serialised; not sent"),
    }
}

/// Queues a message body, already JSON, as a whole frame.
fn send_body(outgoing: &UnboundedSender<Outgoing>, body: &[u8]) {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut frame = Vec::with_capacity(header.len() + body.len());
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(body);
    // The writer has stopped only when the session is over.
    let _ = outgoing.send(Outgoing::Message(frame));
}

/// The one writer: frames go out whole, in the order they were queued.
async fn write_all<O: AsyncWrite + Unpin>(mut output: O, mut queue: UnboundedReceiver<Outgoing>) {
    while let Some(item) = queue.recv().await {
        let Outgoing::Message(frame) = item else { break };
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            tracing::debug!("the client stopped reading; outgoing messages dropped");
            return;
        }
    }
    let _ = output.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::{json, Value};
    use tokio::io::AsyncReadExt;
    use tower_lsp_server::LspService;

    type Answer = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

    /// A service whose `boom` handler panics on its first poll and `slow-boom` on a later one.
    fn service(request: Request) -> Answer {
        let id = request.id().cloned();
        match request.method() {
            "boom" => Box::pin(async { panic!("handler bug") }),
            "slow-boom" => Box::pin(async {
                tokio::task::yield_now().await;
                panic!("handler bug")
            }),
            "shutdown" => Box::pin(async move { Ok(id.map(|id| Response::from_ok(id, Value::Null))) }),
            _ => Box::pin(async { Ok(None) }),
        }
    }

    fn frame(message: &Value) -> Vec<u8> {
        let body = message.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_handler_answers_an_internal_error_and_the_session_goes_on() {
        let mut input = Vec::new();
        for message in [
            json!({"jsonrpc": "2.0", "id": 1, "method": "boom"}),
            json!({"jsonrpc": "2.0", "id": 2, "method": "slow-boom"}),
            json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        ] {
            input.extend(frame(&message));
        }
        let (mut client, server_side) = tokio::io::duplex(1 << 16);
        let (_, socket) = LspService::new(super::super::Backend::new);
        let (output, mut from_server) = tokio::io::duplex(1 << 16);
        let session = tokio::spawn(serve(server_side, output, tower::service_fn(service), socket, 1 << 20, None));
        tokio::io::AsyncWriteExt::write_all(&mut client, &input).await.expect("written");
        let mut received = String::new();
        while ["\"id\":1", "\"id\":2", "\"id\":3"].iter().any(|id| !received.contains(id)) {
            let mut chunk = [0u8; 4096];
            let read = tokio::time::timeout(Duration::from_secs(10), from_server.read(&mut chunk))
                .await
                .expect("answers in time")
                .expect("readable");
            assert!(read > 0, "the server closed its output after:\n{received}");
            received.push_str(&String::from_utf8_lossy(&chunk[..read]));
        }
        assert_eq!(received.matches("-32603").count(), 2, "{received}");
        tokio::io::AsyncWriteExt::write_all(&mut client, &frame(&json!({"jsonrpc": "2.0", "method": "exit"})))
            .await
            .expect("written");
        let ending = tokio::time::timeout(Duration::from_secs(10), session).await.expect("ends").expect("no panic");
        assert_eq!(ending, Ending::CleanExit);
    }
}
