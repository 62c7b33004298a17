//! The public corpus (`fixtures/corpus/`): 74 claim files from five open-source X12
//! projects. Every file must decode, parse losslessly and be checked without a crash;
//! the files pyx12 accepts must get no structural error; and the count of findings per
//! rule per file is kept in `fixtures/corpus-snapshot.txt` so that any change in what
//! the rules report on real files shows up in review (`UPDATE_EXPECT=1` rewrites it).

#[path = "common/fixtures.rs"]
mod fixtures;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::diagnostic::Severity;
use claim_lsp::rules::{implementation_guide, structure};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus")
}

/// The corpus files, as listed (first column) in `MANIFEST.tsv`.
fn corpus_files() -> Vec<String> {
    let manifest = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let files: Vec<String> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    assert_eq!(files.len(), 74, "MANIFEST.tsv should list the 74 corpus files");
    files
}

fn read_text(relative: &str) -> String {
    let bytes = std::fs::read(corpus_dir().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    claim_lsp::text::decode(&bytes)
}

fn analyse(relative: &str) -> Analysis {
    Analysis::of_text(read_text(relative), &Environment::default())
}

/// Files pyx12 accepts: its verdict is `ok`, or it accepts the normalised copy (last
/// column; pyx12 chokes on a UTF-8 BOM, indentation and some GS08 values).
fn pyx12_clean_files() -> Vec<String> {
    let baseline = std::fs::read_to_string(corpus_dir().join("PYX12_BASELINE.tsv")).expect("PYX12_BASELINE.tsv");
    baseline
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let clean = columns.get(1) == Some(&"ok") || columns.last().is_some_and(|c| c.starts_with("ok"));
            clean.then(|| columns[0].to_string())
        })
        .collect()
}

/// Structural and implementation-guide rules: envelopes, control totals, numbering, value
/// formats, loops, segments and elements. These are the
/// rules pyx12 also enforces, so a file pyx12 accepts must not fail them.
fn structural_rules() -> Vec<&'static str> {
    structure::RULES.iter().chain(implementation_guide::RULES).map(|rule| rule.id).collect()
}

/// Structural rules pyx12 does not implement, so its "ok" says nothing about them.
const NOT_CHECKED_BY_PYX12: &[(&str, &str)] = &[
    // pyx12 checks an NPI's length and characters but not its Luhn check digit, and the
    // sample files use made-up NPIs.
    ("npi-check-digit", "pyx12 does not verify the NPI Luhn check digit"),
    // pyx12 does not balance CLM02 against the service lines; pyx12/simple_837p.txt
    // really bills CLM02 = 21 with two 21.00 lines.
    ("claim-total-mismatch", "pyx12 does not balance CLM02 against SV102/SV203"),
];

#[test]
fn every_corpus_file_round_trips_through_the_parser() {
    for relative in corpus_files() {
        let text = read_text(&relative);
        let tree = claim_lsp::syntax::parse(&text);
        assert!(tree.rebuild(&text) == text, "{relative}: rebuilding the syntax tree changed the text");
        let analysis = Analysis::of_text(text.clone(), &Environment::default());
        assert!(
            analysis.file.tree.rebuild(&analysis.file.text) == text,
            "{relative}: the model's tree is not lossless"
        );
        for diagnostic in &analysis.diagnostics {
            let span = diagnostic.span;
            assert!(
                span.start <= span.end
                    && span.end <= text.len()
                    && text.is_char_boundary(span.start)
                    && text.is_char_boundary(span.end),
                "{relative}: [{}] has a span {span:?} outside the text or inside a character",
                diagnostic.rule
            );
        }
    }
}

#[test]
fn check_command_never_crashes_on_the_corpus() {
    for relative in corpus_files() {
        let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
            .arg("check")
            .arg(corpus_dir().join(&relative))
            .env("NO_COLOR", "1")
            .output()
            .expect("run claim-lsp");
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{relative}: `claim-lsp check` exited with {:?}\nstderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(" in 1 file"), "{relative}: no summary line:\n{stdout}");
        assert_eq!(
            code == Some(1),
            stdout.lines().any(|l| l.contains(": error[")),
            "{relative}: exit code disagrees with output"
        );
    }
}

#[test]
fn files_pyx12_accepts_get_no_structural_error() {
    let clean = pyx12_clean_files();
    assert!(clean.len() >= 16, "expected the 16 files pyx12 accepts, found {}", clean.len());
    let structural = structural_rules();
    let allowed: Vec<&str> = NOT_CHECKED_BY_PYX12.iter().map(|(id, _)| *id).collect();
    let mut failures = Vec::new();
    for relative in &clean {
        for diagnostic in analyse(relative).diagnostics {
            if diagnostic.severity == Severity::Error
                && structural.contains(&diagnostic.rule)
                && !allowed.contains(&diagnostic.rule)
            {
                failures.push(format!("{relative}: error[{}] {}", diagnostic.rule, diagnostic.message));
            }
        }
    }
    assert!(failures.is_empty(), "structural errors on files pyx12 accepts:\n{}", failures.join("\n"));
}

/// One line per file, rule and severity with the number of findings; `(none)` for a
/// file with none. Sorted, so a diff shows exactly which file and rule moved.
fn snapshot() -> String {
    let mut out = String::from(
        "# Findings per file, rule and severity on fixtures/corpus (default settings).\n\
         # Regenerate: UPDATE_EXPECT=1 cargo test --test corpus\n",
    );
    for relative in corpus_files() {
        let mut counts: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
        for diagnostic in analyse(&relative).diagnostics {
            *counts.entry((diagnostic.rule, diagnostic.severity)).or_default() += 1;
        }
        if counts.is_empty() {
            out.push_str(&format!("{relative}\t(none)\n"));
        }
        for ((rule, severity), count) in counts {
            out.push_str(&format!("{relative}\t{rule}\t{}\t{count}\n", severity.as_str()));
        }
    }
    out
}

#[test]
fn corpus_findings_match_the_snapshot() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus-snapshot.txt");
    if let Err(difference) = fixtures::expect(&path, &snapshot()) {
        panic!("{difference}");
    }
}
