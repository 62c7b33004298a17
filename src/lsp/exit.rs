//! Ends the server on `exit` even while stdin stays open (some editors never close it),
//! and remembers whether a `shutdown` came first, for the exit code.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Notify;
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ExitedError;

/// Forwards every message, and signals when `exit` arrives; remembers `shutdown` so
/// the process can exit 0 after a clean shutdown and 1 otherwise, as LSP asks.
pub(super) struct ExitWatch<S> {
    inner: S,
    pub(super) signals: Arc<ExitSignals>,
}

#[derive(Default)]
pub(super) struct ExitSignals {
    pub(super) exit: Notify,
    pub(super) shut_down: AtomicBool,
}

impl<S> ExitWatch<S> {
    pub(super) fn new(inner: S) -> Self {
        Self { inner, signals: Arc::new(ExitSignals::default()) }
    }
}

impl<S> Service<Request> for ExitWatch<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let method = request.method().to_string();
        let future = self.inner.call(request);
        let signals = Arc::clone(&self.signals);
        Box::pin(async move {
            let response = future.await;
            match method.as_str() {
                "shutdown" => signals.shut_down.store(true, Ordering::SeqCst),
                "exit" => signals.exit.notify_one(),
                _ => {}
            }
            response
        })
    }
}
