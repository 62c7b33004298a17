//! The language server: glue for the LSP library (tower-lsp-server), the document
//! store, and the one place that converts byte offsets to the client's positions.
//! Nothing below this module knows LSP.

mod code_actions;
mod convert;
mod documents;
mod encoded;
mod features;
pub mod framing;
mod server;
mod transport;

pub use documents::{DocumentStore, StoredDocument};
pub use server::Backend;

use tower_lsp_server::LspService;
use tracing::{Level, Metadata};
use tracing_subscriber::filter::{filter_fn, EnvFilter, FilterExt};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

/// The environment variable that sets the log filter (`tracing` `EnvFilter` syntax).
pub const LOG_ENV: &str = "CLAIM_LSP_LOG";

/// The log target of the LSP library in use, taken from one of its types so that it
/// follows the library if the dependency changes (`tower_lsp_server` today).
pub fn lsp_library_target() -> &'static str {
    let path = std::any::type_name::<tower_lsp_server::ExitedError>();
    path.split("::").next().unwrap_or(path)
}

/// Whether an event may be logged whatever the user's filter says: the LSP library's
/// messages above `warn` can carry whole protocol messages (claim text, request
/// params), so they never pass, however specific the directive that asks for them.
fn within_cap(metadata: &Metadata<'_>) -> bool {
    let library = lsp_library_target();
    let target = metadata.target();
    let is_library = target == library || target.strip_prefix(library).is_some_and(|rest| rest.starts_with("::"));
    !is_library || *metadata.level() <= Level::WARN
}

/// The server's logger: `CLAIM_LSP_LOG` (default `warn`: editors file everything a
/// server writes to stderr as an error), capped for the LSP library at `warn` whatever
/// the directives; plain text to `writer`.
pub fn logger<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let requested = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("warn"));
    let filter = requested.and(filter_fn(within_cap));
    let layer = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false).with_filter(filter);
    tracing_subscriber::registry().with(layer)
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

/// The environment variable that sets the largest message the server reads, in bytes
/// (default `framing::DEFAULT_MAX_BODY`, 2 GiB).
pub const MAX_MESSAGE_ENV: &str = "CLAIM_LSP_MAX_MESSAGE_BYTES";

/// Runs the server on stdin/stdout until the client exits; logs go to stderr.
pub fn serve_stdio() -> ServeOutcome {
    let _ = tracing::subscriber::set_global_default(logger(std::io::stderr));
    let max_body = match std::env::var(MAX_MESSAGE_ENV) {
        Err(_) => framing::DEFAULT_MAX_BODY,
        Ok(value) => match value.trim().parse() {
            Ok(bytes) => bytes,
            Err(_) => {
                eprintln!("claim-lsp: {MAX_MESSAGE_ENV} must be a number of bytes");
                return ServeOutcome::FailedToStart;
            }
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("claim-lsp: cannot start the async runtime: {error}");
            return ServeOutcome::FailedToStart;
        }
    };
    let ending = runtime.block_on(async {
        let answers = encoded::EncodedAnswers::default();
        let for_backend = answers.clone();
        let (service, socket) =
            LspService::new(move |client| Backend::with_encoded_answers(client, for_backend.clone()));
        transport::serve(tokio::io::stdin(), tokio::io::stdout(), service, socket, max_body, Some(answers)).await
    });
    // The stdin reader blocks in a thread that would keep a normal runtime drop waiting.
    runtime.shutdown_background();
    match ending {
        transport::Ending::CleanExit => ServeOutcome::Clean,
        transport::Ending::Unclean => ServeOutcome::Unclean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_cap_names_the_lsp_library_in_use() {
        assert_eq!(lsp_library_target(), "tower_lsp_server");
    }
}
