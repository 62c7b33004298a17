//! What the incremental-equals-full property tests share (tests/incremental.rs for 837s,
//! tests/charge_incremental.rs for charge files): the edits every document gets (insert
//! a piece, delete a few bytes, retype one character) and the replay that applies a
//! sequence of edits to an `IncrementalCheck` and compares it with a whole analysis
//! after each.
#![allow(dead_code)]

use std::fmt::Debug;

use claim_lsp::analysis::{Analysis, DocumentKind, IncrementalCheck, TextChange, Update};
use claim_lsp::config::Environment;
use claim_lsp::diagnostic::Diagnostic;

/// How many random cases a property test runs: `INCREMENTAL_CASES`, else 256.
pub(crate) fn cases() -> u32 {
    std::env::var("INCREMENTAL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// `at`, clamped to the text and moved forward to a character boundary.
pub(crate) fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Inserting `piece` at (about) `at`, as (start, end, replacement).
pub(crate) fn insert(text: &str, at: usize, piece: &str) -> (usize, usize, String) {
    let at = boundary(text, at % text.len().max(1));
    (at, at, piece.to_string())
}

/// Deleting `count` bytes from (about) `at`.
pub(crate) fn delete(text: &str, at: usize, count: usize) -> (usize, usize, String) {
    let start = boundary(text, at % text.len().max(1));
    (start, boundary(text, start + count), String::new())
}

/// Retyping the first letter or digit from (about) `at` on, wrapping around, with one
/// of the characters claims are made of.
pub(crate) fn retype(text: &str, at: usize, with: usize) -> Option<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let from = at % text.len().max(1);
    let at = (from..bytes.len()).chain(0..from).find(|&i| bytes[i].is_ascii_alphanumeric())?;
    let alphabet = b"0123456789ABJWZ";
    let with = alphabet[with % alphabet.len()] as char;
    Some((at, at + 1, with.to_string()))
}

/// The findings of a whole analysis of `text`.
pub(crate) fn full(text: &str, kind: &DocumentKind, environment: &Environment) -> Vec<Diagnostic> {
    Analysis::of_document(text.to_string(), kind, environment).diagnostics
}

/// Applies the edits one by one (every `pair_every`-th together with the next, as one
/// coalesced change), comparing the incremental findings with a whole analysis after
/// each; returns how many updates took the shortcut (`shortcut`).
pub(crate) fn replay<E: Debug>(
    document: &str,
    kind: &DocumentKind,
    edits: &[E],
    pair_every: usize,
    resolve: impl Fn(&str, &E) -> Option<(usize, usize, String)>,
    shortcut: impl Fn(&Update) -> bool,
) -> usize {
    let environment = Environment::default();
    let mut text = document.to_string();
    let (mut check, _) = IncrementalCheck::full(text.clone(), kind, &environment);
    let mut pending = TextChange::none();
    let mut incremental = 0;
    for (number, edit) in edits.iter().enumerate() {
        let Some((start, end, replacement)) = resolve(&text, edit) else { continue };
        text.replace_range(start..end, &replacement);
        pending = pending.then(TextChange { start, old_end: end, new_end: start + replacement.len() });
        if pair_every > 0 && number % pair_every == 0 {
            continue; // the next edit arrives before this one is checked
        }
        check.update(text.as_str(), pending, &environment);
        pending = TextChange::none();
        if shortcut(&check.last_update()) {
            incremental += 1;
        }
        let expected = full(&text, kind, &environment);
        if check.diagnostics() != expected.as_slice() {
            let only = |a: &[Diagnostic], b: &[Diagnostic]| -> Vec<String> {
                a.iter().filter(|d| !b.contains(d)).map(|d| format!("{} {:?} {}", d.rule, d.span, d.message)).collect()
            };
            let near = text.get(start.saturating_sub(60)..(start + 60).min(text.len())).unwrap_or("");
            panic!(
                "after edit {number} {edit:?} ({:?}, {:?}) near {near:?}: only incremental {:#?}\nonly full {:#?}",
                check.last_update(),
                (start, end, &replacement),
                only(check.diagnostics(), &expected),
                only(&expected, check.diagnostics())
            );
        }
    }
    check.update(text.as_str(), pending, &environment);
    assert_eq!(check.diagnostics(), full(&text, kind, &environment).as_slice(), "after the last edits");
    incremental
}
