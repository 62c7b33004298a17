//! The command line: `check` for pipelines, `explain` for people, `serve` for editors.

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

pub use args::{Command, Format, USAGE};

use crate::lsp::ServeOutcome;

/// Exit codes pipelines can rely on.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Runs the CLI with the arguments after the program name; returns the exit code.
pub fn run(arguments: Vec<String>) -> i32 {
    match args::parse(arguments) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            EXIT_CLEAN
        }
        Ok(Command::Version) => {
            println!("claim-lsp {}", env!("CARGO_PKG_VERSION"));
            EXIT_CLEAN
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
            eprintln!("claim-lsp: {message}\n\n{USAGE}");
            EXIT_USAGE
        }
    }
}
