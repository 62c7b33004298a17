//! `claim-lsp redact FILE -o OUT`: a copy of a claim file that can be attached to a bug
//! report. Patient and provider identities are replaced — names, member and other ids,
//! addresses, contacts, free text — birth dates are shifted, NPIs become valid made-up
//! ones; codes, units, modifiers, amounts, dates of service and every delimiter, line
//! break and length stay, so the checker reports the same findings on the same lines and
//! columns.
//!
//! Replacements are consistent within a run (the same member id becomes the same made-up
//! id everywhere in the file) and keyed by a random secret that is never written, so
//! they cannot be reversed. Each file format has its own step that says which values
//! carry identities ([`x12`] for 837s, [`charges`] for charge files) and
//! asks [`Pseudonyms`] for their replacements; this module applies them.

mod charges;
mod pseudonyms;
mod x12;

pub(crate) use pseudonyms::Pseudonyms;

use super::args::RedactOptions;
use super::{EXIT_CLEAN, EXIT_USAGE};
use crate::analysis::DocumentKind;
use crate::model::{ChargeFile, ClaimFile};
use crate::syntax::Span;
use crate::text::{decode, detect, encode};

/// One value to replace: its byte range in the text and the text that goes there.
pub(crate) struct Replacement {
    pub(crate) span: Span,
    pub(crate) text: String,
}

pub(super) fn run(options: &RedactOptions) -> i32 {
    let (input, output) = (&options.input, &options.output);
    let bytes = match std::fs::read(input) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("claim-lsp: cannot read {}: {error}", input.display());
            return EXIT_USAGE;
        }
    };
    if same_file(input, output) {
        eprintln!("claim-lsp: redact writes a copy; -o must name another file than {}", input.display());
        return EXIT_USAGE;
    }
    let encoding = detect(&bytes);
    let text = decode(&bytes);
    let file_name = input.file_name().and_then(|name| name.to_str());
    let redacted = redact_named(text, file_name, &mut Pseudonyms::new());
    // Replacements are ASCII, so any encoding the file was read in can hold them.
    let Some(new_bytes) = encode(&redacted.text, encoding) else {
        eprintln!("claim-lsp: {}: the redacted text cannot be written in the file's encoding", input.display());
        return EXIT_USAGE;
    };
    if let Err(error) = std::fs::write(output, new_bytes) {
        eprintln!("claim-lsp: cannot write {}: {error}", output.display());
        return EXIT_USAGE;
    }
    eprintln!("claim-lsp: wrote {} with {} values replaced", output.display(), redacted.replaced);
    EXIT_CLEAN
}

/// A redacted text and how many values were replaced.
pub(crate) struct Redacted {
    pub(crate) text: String,
    pub(crate) replaced: usize,
}

/// Redacts a whole file's text with its format's step: a `.csv`/`.tsv` charge file by
/// its columns, anything else as X12 (the parser takes anything, as `check` does).
pub(crate) fn redact_named(text: String, file_name: Option<&str>, pseudonyms: &mut Pseudonyms) -> Redacted {
    if let DocumentKind::Charges { file_name } = DocumentKind::of(file_name, &text) {
        let file = ChargeFile::parse(text, file_name.as_deref());
        let replacements = charges::replacements(&file, pseudonyms);
        return apply(&file.text, replacements);
    }
    redact(text, pseudonyms)
}

/// Redacts an 837's text.
pub(crate) fn redact(text: String, pseudonyms: &mut Pseudonyms) -> Redacted {
    let file = ClaimFile::parse(text);
    let replacements = x12::replacements(&file, pseudonyms);
    apply(&file.text, replacements)
}

/// Applies non-overlapping replacements; an overlapping one (none are made) is dropped.
fn apply(text: &str, mut replacements: Vec<Replacement>) -> Redacted {
    replacements.sort_by_key(|replacement| replacement.span.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut replaced = 0;
    for replacement in replacements {
        let span = replacement.span;
        if span.start < at || text.get(span.start..span.end).is_none() {
            continue;
        }
        out.push_str(text.get(at..span.start).unwrap_or(""));
        if span.text(text) != replacement.text {
            replaced += 1;
        }
        out.push_str(&replacement.text);
        at = span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Redacted { text: out, replaced }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
