//! `claim-lsp explain CODE…`: the hover text for a code or modifier, in the terminal.

use std::io::Write;

use super::args::ExplainOptions;
use super::{finish_output, EXIT_CLEAN, EXIT_USAGE};
use crate::config::Environment;
use crate::config::Settings;
use crate::ide::code_docs;

pub(super) fn run(options: &ExplainOptions) -> i32 {
    let settings = Settings { hcpcs_file: options.hcpcs_file.clone(), ..Settings::default() };
    let (environment, messages) = Environment::load(settings);
    for message in messages {
        say!("claim-lsp: {message}");
    }
    let codes = environment.codes();
    let mut status = EXIT_CLEAN;
    let mut out = std::io::stdout().lock();
    for (index, code) in options.codes.iter().enumerate() {
        // Two-character codes are modifiers (JW, 59); five are procedures (J2700, 96413).
        let doc = if code.len() == 2 {
            code_docs::modifier_doc(codes, code, None)
        } else {
            code_docs::procedure_doc(codes, code, None)
        };
        let Some(doc) = doc else {
            say!("claim-lsp: {code} is not in the HCPCS table ({}) nor a CPT code or modifier", codes.source());
            status = EXIT_USAGE;
            continue;
        };
        let separator = if index > 0 { "\n" } else { "" };
        let doc = if options.markdown { doc } else { code_docs::markdown_to_plain(&doc) };
        if let Err(error) = writeln!(out, "{separator}{doc}") {
            return finish_output(Err(error), status);
        }
    }
    finish_output(out.flush(), status)
}
