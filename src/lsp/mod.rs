//! The language server: tower-lsp glue, the document store, and the one place that
//! converts byte offsets to the client's positions. Nothing below this module knows LSP.

mod code_actions;
mod convert;
mod documents;
mod exit;
mod features;
mod server;

pub use documents::{DocumentStore, StoredDocument};
pub use server::Backend;

use tower_lsp::{LspService, Server};
use tracing_subscriber::EnvFilter;

/// Log filter: `CLAIM_LSP_LOG` (default `info`), with tower-lsp capped at `warn` because
/// its trace output contains whole messages, and messages contain claim text.
pub fn log_filter() -> EnvFilter {
    let filter = EnvFilter::try_from_env("CLAIM_LSP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    match "tower_lsp=warn".parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    }
}

/// How a server run ended, for the caller to turn into an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServeOutcome {
    /// `exit` after a successful `shutdown`, as the protocol asks.
    Clean,
    /// The client left without `shutdown`, or the input ended.
    Unclean,
    /// The server could not start.
    FailedToStart,
}

/// Runs the server on stdin/stdout until the client exits; logs go to stderr.
pub fn serve_stdio() -> ServeOutcome {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("claim-lsp: cannot start the async runtime: {error}");
            return ServeOutcome::FailedToStart;
        }
    };
    let outcome = runtime.block_on(async {
        let (service, socket) = LspService::new(Backend::new);
        let service = exit::ExitWatch::new(service);
        let signals = std::sync::Arc::clone(&service.signals);
        let server = Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service);
        tokio::select! {
            () = server => {}
            () = signals.exit.notified() => {}
        }
        let clean = signals.shut_down.load(std::sync::atomic::Ordering::SeqCst);
        if clean {
            ServeOutcome::Clean
        } else {
            ServeOutcome::Unclean
        }
    });
    // The stdin reader blocks in a thread that would keep a normal runtime drop waiting.
    runtime.shutdown_background();
    outcome
}
