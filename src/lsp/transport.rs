//! The server's own transport: reads frames from the client (`framing`), hands valid
//! messages to the LSP service in the order they arrive, answers bad frames with a
//! JSON-RPC error and keeps reading, and writes every outgoing message (responses,
//! error answers, server-to-client requests) through one writer task.
//!
//! Ends at `exit` even while stdin stays open (some editors never close it), and
//! reports whether a successful `shutdown` came first, for the exit code.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::{MessageType, ShowMessageParams};
use tower_lsp_server::{ClientSocket, ExitedError};

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
pub(super) async fn serve<S, I, O>(input: I, output: O, mut service: S, socket: ClientSocket, max_body: usize) -> Ending
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
                            if !dispatch(&mut service, request, method, &outgoing, &shut_down).await {
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
) -> bool
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + Unpin + 'static,
{
    if !ready(service).await {
        return false;
    }
    let mut handler = service.call(request);
    let outgoing = outgoing.clone();
    let shut_down = Arc::clone(shut_down);
    let finish = move |result: Result<Option<Response>, ExitedError>| {
        let Ok(Some(response)) = result else { return };
        // Only a `shutdown` that succeeded makes a later `exit` clean.
        if method == Method::Shutdown && response.is_ok() {
            shut_down.store(true, Ordering::SeqCst);
        }
        send(&outgoing, &response);
    };
    if method == Method::Initialize {
        finish(handler.await);
        return true;
    }
    match poll_once(&mut handler).await {
        Some(result) => finish(result),
        None => {
            tokio::spawn(async move { finish(handler.await) });
        }
    }
    true
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

/// Polls a future once: its result if it finished, else `None` (it keeps its state).
async fn poll_once<F: Future + Unpin>(future: &mut F) -> Option<F::Output> {
    std::future::poll_fn(|context: &mut Context<'_>| match Pin::new(&mut *future).poll(context) {
        Poll::Ready(output) => Poll::Ready(Some(output)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Queues a message for the writer as a whole frame.
fn send<T: Serialize>(outgoing: &UnboundedSender<Outgoing>, message: &T) {
    match serde_json::to_vec(message) {
        Ok(body) => {
            let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            frame.extend_from_slice(&body);
            // The writer has stopped only when the session is over.
            let _ = outgoing.send(Outgoing::Message(frame));
        }
        Err(_) => tracing::error!("an outgoing message could not be serialised; not sent"),
    }
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
