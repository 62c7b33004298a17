//! A charge file's incremental diagnostics equal a full analysis, byte for byte, after
//! every edit: random edits inside cells, across rows, deleting, pasting and joining rows,
//! editing the header, inserting and deleting quotes and line breaks, on generated
//! charge files in several dialects (comma with quoted money, tab, semicolon with CRLF,
//! no claim column) with and without billing mistakes, and on the fixtures.
//!
//! Runs in CI in release mode (`cargo test --release --test charge_incremental`);
//! `INCREMENTAL_CASES` sets the number of edit sequences (default 256 of 24 edits).

#[path = "common/edit_replay.rs"]
mod edit_replay;
#[path = "common/gen_charges.rs"]
mod gen_charges;

use claim_lsp::analysis::{DocumentKind, IncrementalCheck, TextChange, Update};
use claim_lsp::config::Environment;
use edit_replay::{boundary, cases, delete, full, insert, replay, retype};
use gen_charges::{generate_charges, ChargeOptions};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// The generated file with its delimiter (outside quotes) and line ends changed.
fn dialect(text: &str, delimiter: char, crlf: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            ',' if !quoted => out.push(delimiter),
            '\n' if crlf => out.push_str("\r\n"),
            _ => out.push(c),
        }
    }
    out
}

fn documents() -> Vec<(&'static str, DocumentKind, String)> {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let generated = |rows, seed, mistakes| generate_charges(&ChargeOptions { rows, seed, mistakes });
    let named = |name: &str| DocumentKind::Charges { file_name: Some(name.to_string()) };
    let mistakes = generated(80, 3, true);
    vec![
        ("generated, comma, mistakes", named("batch.charges.csv"), mistakes.clone()),
        ("generated, comma, clean", named("june.csv"), generated(60, 5, false)),
        ("generated, tab, CRLF", named("batch.tsv"), dialect(&mistakes, '\t', true)),
        ("generated, semicolon", named("batch.csv"), dialect(&generated(70, 9, true), ';', false)),
        (
            "generated, no claim column (claims by date of service)",
            named("batch.charges.csv"),
            mistakes.replacen("Account Number", "Batch Note", 1),
        ),
        ("fixture, comma", named("comma-quoted-money.csv"), read("fixtures/charges/comma-quoted-money.csv")),
        (
            "fixture, semicolon BOM CRLF",
            named("semicolon-bom-crlf.csv"),
            read("fixtures/charges/semicolon-bom-crlf.csv"),
        ),
        ("fixture, plain CSV", named("plain-inventory.csv"), read("fixtures/charges/plain-inventory.csv")),
    ]
}

/// One random edit, read against the current text.
#[derive(Clone, Debug)]
enum EditKind {
    /// Insert characters (digits, letters, delimiters, quotes, line breaks, a code).
    Insert {
        at: usize,
        what: usize,
    },
    Delete {
        at: usize,
        len: usize,
    },
    /// Replace one letter or digit with another: the typing of a value.
    Retype {
        at: usize,
        with: usize,
    },
    /// Delete one whole line (a row, or a line of a quoted value).
    DeleteRow {
        which: usize,
    },
    /// Copy one line before another.
    PasteRow {
        which: usize,
        to: usize,
    },
    /// Delete a line break: two rows become one.
    JoinRows {
        which: usize,
    },
    /// Insert into the header line.
    Header {
        at: usize,
        what: usize,
    },
}

const PIECES: &[&str] = &[
    "1",
    "7",
    "0",
    "A",
    "J",
    "Z",
    ".",
    " ",
    ",",
    ";",
    "\t",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "é",
    "JW",
    "JZ",
    "J9035",
    "2024-13-01",
    "$1,2",
    "\"x,\ny\"",
    "A9,2024-03-07,J1100,JZ,,4,12.00,63323-506-01,4,mg,MB\n",
    ",,,\n",
];

fn edit_strategy() -> impl Strategy<Value = EditKind> {
    prop_oneof![
        4 => (any::<usize>(), 0..PIECES.len()).prop_map(|(at, what)| EditKind::Insert { at, what }),
        2 => (any::<usize>(), 1usize..12).prop_map(|(at, len)| EditKind::Delete { at, len }),
        10 => (any::<usize>(), any::<usize>()).prop_map(|(at, with)| EditKind::Retype { at, with }),
        1 => any::<usize>().prop_map(|which| EditKind::DeleteRow { which }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(which, to)| EditKind::PasteRow { which, to }),
        1 => any::<usize>().prop_map(|which| EditKind::JoinRows { which }),
        1 => (any::<usize>(), 0..PIECES.len()).prop_map(|(at, what)| EditKind::Header { at, what }),
    ]
}

/// The byte ranges of the text's lines, each with its line break.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices('\n') {
        lines.push((start, at + 1));
        start = at + 1;
    }
    if start < text.len() {
        lines.push((start, text.len()));
    }
    lines
}

/// The edit as (start, end, replacement) in the current text.
fn resolve(text: &str, edit: &EditKind) -> Option<(usize, usize, String)> {
    let lines = lines(text);
    let line = |which: usize| lines.get(which % lines.len().max(1)).copied();
    match *edit {
        EditKind::Insert { at, what } => Some(insert(text, at, PIECES[what])),
        EditKind::Delete { at, len: count } => Some(delete(text, at, count)),
        EditKind::Retype { at, with } => retype(text, at, with),
        EditKind::DeleteRow { which } => {
            let (start, end) = line(which)?;
            Some((start, end, String::new()))
        }
        EditKind::PasteRow { which, to } => {
            let (start, end) = line(which)?;
            let (at, _) = line(to)?;
            let mut row = text[start..end].to_string();
            if !row.ends_with('\n') {
                row.push('\n');
            }
            Some((at, at, row))
        }
        EditKind::JoinRows { which } => {
            let (_, end) = line(which)?;
            (end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n')).then(|| (end - 1, end, String::new()))
        }
        EditKind::Header { at, what } => {
            let (_, end) = line(0)?;
            let at = boundary(text, at % end.max(1));
            Some((at, at, PIECES[what].to_string()))
        }
    }
}

/// Replays the edits on a charge file; returns how many updates re-checked only claims.
fn run(document: &str, kind: &DocumentKind, edits: &[EditKind], pair_every: usize) -> usize {
    replay(document, kind, edits, pair_every, resolve, |update| matches!(update, Update::Claims(_)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_charge_diagnostics_equal_a_full_analysis(
        document in 0usize..8,
        edits in proptest::collection::vec(edit_strategy(), 24),
        pair_every in 0usize..4,
    ) {
        let documents = documents();
        let (_, kind, text) = &documents[document % documents.len()];
        run(text, kind, &edits, pair_every);
    }
}

/// Typing a units value re-checks only that row's claim: the shortcut is taken, not just
/// correct when it is.
#[test]
fn typing_units_rechecks_only_its_claim() {
    let environment = Environment::default();
    let kind = DocumentKind::Charges { file_name: Some("batch.csv".into()) };
    let mut text = generate_charges(&ChargeOptions { rows: 200, seed: 2, mistakes: false });
    let (mut check, _) = IncrementalCheck::full(text.clone(), &kind, &environment);
    assert!(check.diagnostics().is_empty(), "the generated file is clean");
    // The units cell of the J1100 row (dexamethasone) in the middle of the file.
    let row = text[text.len() / 2..].find(",J1100,JZ,,").expect("a J1100 row") + text.len() / 2;
    let units = row + ",J1100,JZ,,".len();
    for (number, value) in ["4.5", "4", "2.5"].iter().enumerate() {
        let old_end = text[units..].find(',').expect("a charge cell") + units;
        text.replace_range(units..old_end, value);
        let change = TextChange { start: units, old_end, new_end: units + value.len() };
        check.update(text.as_str(), change, &environment);
        assert_eq!(check.last_update(), Update::Claims(1), "edit {number}");
        assert_eq!(check.diagnostics(), full(&text, &kind, &environment).as_slice(), "edit {number}");
    }
    assert!(check.diagnostics().iter().any(|d| d.rule == "drug-units-not-whole"), "2.5 units is a finding");
    // An edit to the header re-reads the whole file.
    text.insert(0, ' ');
    check.update(text.as_str(), TextChange { start: 0, old_end: 0, new_end: 1 }, &environment);
    assert_eq!(check.last_update(), Update::Full);
    assert_eq!(check.diagnostics(), full(&text, &kind, &environment).as_slice());
}

/// A quote that opens a value across rows re-reads the whole file; one inside a row does
/// not.
#[test]
fn a_quote_spanning_rows_rereads_the_whole_file() {
    let environment = Environment::default();
    let kind = DocumentKind::Charges { file_name: Some("batch.csv".into()) };
    let mut text = generate_charges(&ChargeOptions { rows: 200, seed: 2, mistakes: true });
    let (mut check, _) = IncrementalCheck::full(text.clone(), &kind, &environment);
    // Before the last value of a row in the middle (its payer class).
    let line_end = text[text.len() / 2..].find('\n').expect("a row") + text.len() / 2;
    let at = text[..line_end].rfind(',').expect("a delimiter") + 1;
    text.insert(at, '"');
    check.update(text.as_str(), TextChange { start: at, old_end: at, new_end: at + 1 }, &environment);
    assert_eq!(check.last_update(), Update::Full, "the quote runs on to the next quote, rows below");
    assert_eq!(check.diagnostics(), full(&text, &kind, &environment).as_slice());
    text.insert(at, '"');
    check.update(text.as_str(), TextChange { start: at, old_end: at, new_end: at + 1 }, &environment);
    assert!(matches!(check.last_update(), Update::Claims(_)), "a quoted empty value in one row");
    assert_eq!(check.diagnostics(), full(&text, &kind, &environment).as_slice());
}

/// Near the top of the file an edit is checked claim by claim too, unless it changes what
/// detection reads: the one HCPCS code among the first rows retyped makes the file a plain
/// CSV, which gets no findings.
#[test]
fn an_edit_that_changes_detection_rereads_the_whole_file() {
    let environment = Environment::default();
    let kind = DocumentKind::Charges { file_name: Some("export.csv".into()) };
    let mut text = String::from("Claim,Service Date,HCPCS,Units\nA1,2024-03-07,J9035,2.5\n");
    for number in 0..30 {
        text.push_str(&format!("B{number},2024-03-07,,1\n"));
    }
    let (mut check, _) = IncrementalCheck::full(text.clone(), &kind, &environment);
    assert!(!check.diagnostics().is_empty(), "a charge file: 2.5 units of J9035 is a finding");
    let units = text.find("2.5").expect("the units");
    text.replace_range(units..units + 3, "2.7");
    check.update(text.as_str(), TextChange { start: units, old_end: units + 3, new_end: units + 3 }, &environment);
    assert_eq!(check.last_update(), Update::Claims(1), "detection still says charge file");
    assert_eq!(check.diagnostics(), full(&text, &kind, &environment).as_slice());
    let code = text.find("J9035").expect("the code");
    text.replace_range(code..code + 5, "SALE");
    check.update(text.as_str(), TextChange { start: code, old_end: code + 5, new_end: code + 4 }, &environment);
    assert_eq!(check.last_update(), Update::Full);
    assert!(check.diagnostics().is_empty(), "no longer a charge file: left alone");
    assert_eq!(check.diagnostics(), full(&text, &kind, &environment).as_slice());
}

/// A share of random edits goes the incremental way (else the property above proves little).
#[test]
fn most_random_edits_take_the_shortcut() {
    let documents = documents();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = proptest::collection::vec(edit_strategy(), 40);
    let (mut taken, mut edits) = (0, 0);
    for (_, kind, document) in documents.iter().take(5) {
        let sequence = strategy.new_tree(&mut runner).expect("a sequence").current();
        taken += run(document, kind, &sequence, 0);
        edits += sequence.len();
    }
    assert!(taken * 2 >= edits, "only {taken} of {edits} edits were incremental");
}
