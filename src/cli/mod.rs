//! The command line: `check` for pipelines, `explain` for people, `serve` for editors.

/// Writes a line to stderr. Not `eprintln!`: that panics when stderr is a closed pipe
/// (`2>&1 | head`), and a message is not worth a crash.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod baseline;
mod check;
mod diff;
mod explain;
pub mod fix;
mod junit;
mod redact;
mod render;
mod sarif;
mod stream;

pub use args::{Command, Format, USAGE};

use std::ffi::OsString;
use std::io::Write;

use crate::lsp::ServeOutcome;

/// Exit codes pipelines can rely on.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Runs the CLI with the arguments after the program name (as the system gave them:
/// paths need not be UTF-8); returns the exit code.
pub fn run(arguments: Vec<OsString>) -> i32 {
    match args::parse(arguments) {
        Ok(Command::Help) => finish_output(std::io::stdout().lock().write_all(USAGE.as_bytes()), EXIT_CLEAN),
        Ok(Command::Version) => {
            let version = writeln!(std::io::stdout().lock(), "claim-lsp {}", env!("CARGO_PKG_VERSION"));
            finish_output(version, EXIT_CLEAN)
        }
        Ok(Command::Serve) => match crate::lsp::serve_stdio() {
            ServeOutcome::Clean => EXIT_CLEAN,
            ServeOutcome::Unclean => EXIT_ERRORS,
            ServeOutcome::FailedToStart => EXIT_USAGE,
        },
        Ok(Command::Check(options)) => check::run(&options),
        Ok(Command::Explain(options)) => explain::run(&options),
        Ok(Command::Redact(options)) => redact::run(&options),
        Err(message) => {
            say!("claim-lsp: {message}\n\n{USAGE}");
            EXIT_USAGE
        }
    }
}

/// The exit code once output is written: a reader that stopped reading (`| head`)
/// ends the run quietly, as other command-line tools do; another write error is one.
fn finish_output(written: std::io::Result<()>, code: i32) -> i32 {
    match written {
        Ok(()) => code,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(error) => {
            say!("claim-lsp: cannot write the output: {error}");
            EXIT_USAGE
        }
    }
}
