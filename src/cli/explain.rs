//! `claim-lsp explain CODE…`: the hover text for a code or modifier, in the terminal.

use super::args::ExplainOptions;
use super::{EXIT_CLEAN, EXIT_USAGE};
use crate::config::Environment;
use crate::config::Settings;
use crate::ide::code_docs;

pub(super) fn run(options: &ExplainOptions) -> i32 {
    let settings = Settings { hcpcs_file: options.hcpcs_file.clone(), ..Settings::default() };
    let (environment, messages) = Environment::load(settings);
    for message in messages {
        eprintln!("claim-lsp: {message}");
    }
    let codes = environment.codes();
    let mut status = EXIT_CLEAN;
    for (index, code) in options.codes.iter().enumerate() {
        // Two-character codes are modifiers (JW, 59); five are procedures (J2700, 96413).
        let doc = if code.len() == 2 {
            code_docs::modifier_doc(codes, code, None)
        } else {
            code_docs::procedure_doc(codes, code, None)
        };
        let Some(doc) = doc else {
            eprintln!("claim-lsp: {code} is not in the HCPCS table ({}) nor a CPT code or modifier", codes.source());
            status = EXIT_USAGE;
            continue;
        };
        if index > 0 {
            println!();
        }
        if options.markdown {
            println!("{doc}");
        } else {
            println!("{}", code_docs::markdown_to_plain(&doc));
        }
    }
    status
}
