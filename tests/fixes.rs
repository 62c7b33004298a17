//! Fix fixtures: every fix each rule offers on its `fixtures/rules/<rule-id>/fires*`
//! files, with the fixed text in `fixtures/fixes/<rule-id>/<stem>.<n>.<ext>` and the list
//! of fixes (position, flags, title) in `fixtures/fixes/<rule-id>/<file>.fixes`.
//! Each fixed text is checked again: the finding it fixed is gone, and no rule reports
//! more errors than before. Refresh expectations with `UPDATE_EXPECT=1`.

#[path = "common/fixtures.rs"]
mod fixtures;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use claim_lsp::analysis::{Analysis, DocumentKind};
use claim_lsp::config::Environment;
use claim_lsp::diagnostic::Severity;
use claim_lsp::edit::{self, Fix};
use claim_lsp::ide::{self, fixes};
use claim_lsp::syntax::Span;
use claim_lsp::text::{line_column, PositionEncoding};
use fixtures::{claim_files, environment_for, expect, fixtures_root};

/// Errors per rule: what "no new error" is measured by (positions move when a fix adds
/// a line, so findings are compared by count).
fn errors_by_rule(analysis: &Analysis) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for diagnostic in analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        *counts.entry(diagnostic.rule).or_insert(0) += 1;
    }
    counts
}

/// Problems with a fixed text: the finding still there, or new errors.
fn recheck(before: &Analysis, after: &Analysis, rule: &str, environment_note: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let count = |analysis: &Analysis| analysis.diagnostics.iter().filter(|d| d.rule == rule).count();
    if !rule.is_empty() && count(after) >= count(before) {
        problems.push(format!("`{rule}` still reported {} time(s){environment_note}", count(after)));
    }
    let (old, new) = (errors_by_rule(before), errors_by_rule(after));
    for (id, n) in &new {
        if *n > old.get(id).copied().unwrap_or(0) {
            problems.push(format!("new error: {n} × `{id}` (was {})", old.get(id).copied().unwrap_or(0)));
        }
    }
    problems
}

/// A fixture analysed as what it is: an 837, or a charge file by its name.
fn analysed(file: &Path, environment: &Environment) -> Analysis {
    let text = claim_lsp::text::decode(&std::fs::read(file).expect("fixture readable"));
    let kind = DocumentKind::of(file.file_name().and_then(|n| n.to_str()), &text);
    Analysis::of_document(text, &kind, environment)
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("837")
}

fn stem(path: &Path) -> &str {
    path.file_stem().and_then(|s| s.to_str()).unwrap_or("fixture")
}

fn position(analysis: &Analysis, offset: usize) -> String {
    let at = line_column(analysis.rope(), offset, PositionEncoding::Utf32);
    format!("{}:{}", at.line + 1, at.column + 1)
}

fn flags(fix: &Fix) -> String {
    let mut flags = Vec::new();
    if fix.preferred {
        flags.push("preferred");
    }
    if fix.safe {
        flags.push("safe");
    }
    if flags.is_empty() {
        String::new()
    } else {
        format!("[{}] ", flags.join(", "))
    }
}

/// Applies each fix, compares the result with its expectation file and re-checks it.
/// Returns the index lines and any failures.
fn check_fixes(
    analysis: &Analysis,
    environment: &Environment,
    fixes: &[(usize, String, Fix)],
    output: &Path,
    file_stem: &str,
    ext: &str,
    failures: &mut Vec<String>,
) -> String {
    let mut index = String::new();
    for (number, (offset, rule, fix)) in fixes.iter().enumerate() {
        let number = number + 1;
        let name = format!("{file_stem}.{number}.{ext}");
        index.push_str(&format!(
            "{number} at {} {}{}{}\n",
            position(analysis, *offset),
            flags(fix),
            fix.title,
            if rule.is_empty() { String::new() } else { format!(" (fixes {rule})") }
        ));
        let Some(fixed) = edit::apply(analysis.text(), &fix.edits) else {
            failures.push(format!("{name}: edits do not apply: {:?}", fix.edits));
            continue;
        };
        if let Err(difference) = expect(&output.join(&name), &fixed) {
            failures.push(difference);
        }
        let after = Analysis::of_document(fixed, &analysis.kind(), environment);
        for problem in recheck(analysis, &after, rule, "") {
            failures.push(format!("{name} ({}): {problem}", fix.title));
        }
    }
    index
}

#[test]
fn every_fix_on_its_rule_fixtures() {
    let mut failures = Vec::new();
    let mut fixes_seen: BTreeMap<&str, usize> = BTreeMap::new();
    for rule in claim_lsp::rules::ALL.iter().filter(|rule| rule.fix.is_some()) {
        let folder = fixtures_root().join("rules").join(rule.id);
        let output = fixtures_root().join("fixes").join(rule.id);
        let _ = std::fs::create_dir_all(&output);
        let environment = environment_for(&folder);
        for file in claim_files(&folder).iter().filter(|f| stem(f).starts_with("fires")) {
            let analysis = analysed(file, &environment);
            let mut offered = Vec::new();
            for diagnostic in analysis.diagnostics.iter().filter(|d| d.rule == rule.id) {
                for fix in fixes::fixes_for(&analysis, &environment, diagnostic) {
                    offered.push((diagnostic.span.start, rule.id.to_string(), fix));
                }
            }
            *fixes_seen.entry(rule.id).or_insert(0) += offered.len();
            let index =
                check_fixes(&analysis, &environment, &offered, &output, stem(file), extension(file), &mut failures);
            let index_path = output.join(format!("{}.fixes", file.file_name().and_then(|n| n.to_str()).unwrap_or("")));
            if let Err(difference) = expect(&index_path, &index) {
                failures.push(difference);
            }
        }
        if fixes_seen.get(rule.id).copied().unwrap_or(0) == 0 {
            failures.push(format!("`{}` has a fix but none of its fires* fixtures gets one", rule.id));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// `fixtures/assists/*.837`: drug lines with neither JW nor JZ for a payer that does not
/// require them: no finding, but the cursor on the code offers both repairs (results in
/// `fixtures/fixes/assists/`).
#[test]
fn drug_lines_without_jw_or_jz_offer_the_wastage_repairs_without_a_finding() {
    let folder = fixtures_root().join("assists");
    let output = fixtures_root().join("fixes").join("assists");
    let _ = std::fs::create_dir_all(&output);
    let environment = environment_for(&folder);
    let mut failures = Vec::new();
    let files = claim_files(&folder);
    assert!(!files.is_empty(), "no assist fixtures");
    for file in &files {
        let bytes = std::fs::read(file).expect("fixture readable");
        let analysis = Analysis::of_text(claim_lsp::text::decode(&bytes), &environment);
        let mut offered = Vec::new();
        let file_ref = &analysis.file;
        for (_, claim) in file_ref.claims() {
            for line in &claim.lines {
                let Some(code) = line.procedure(file_ref).and_then(|p| p.code) else { continue };
                for fix in fixes::assists_at(&analysis, &environment, Span::new(code.start + 1, code.start + 1)) {
                    offered.push((code.start, String::new(), fix));
                }
            }
        }
        assert!(
            offered.iter().any(|(_, _, f)| f.title.starts_with("Add JW wastage line")),
            "{}: no JW line offered",
            file.display()
        );
        let index = check_fixes(&analysis, &environment, &offered, &output, stem(file), extension(file), &mut failures);
        let index_path = output.join(format!("{}.fixes", file.file_name().and_then(|n| n.to_str()).unwrap_or("")));
        if let Err(difference) = expect(&index_path, &index) {
            failures.push(difference);
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Every claim file the project has: rule fixtures, demo, clean claims and the corpus.
fn all_claim_files() -> Vec<PathBuf> {
    let root = fixtures_root();
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                // Fixed outputs are checked by the tests that write them.
                if path.file_name().is_some_and(|n| n != "fixes") {
                    folders.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    let corpus = root.join("corpus");
    files.retain(|p| {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        fixtures::CLAIM_EXTENSIONS.contains(&ext) || (p.starts_with(&corpus) && !matches!(ext, "md" | "tsv"))
    });
    files.sort();
    files
}

#[test]
fn fix_all_is_idempotent_and_adds_no_errors_on_every_fixture_and_corpus_file() {
    let mut failures = Vec::new();
    let mut changed = 0;
    let files = all_claim_files();
    assert!(files.len() > 250, "only {} claim files found", files.len());
    eprintln!("fix-all checked on {} files", files.len());
    for file in &files {
        let environment = file.parent().map(environment_for).unwrap_or_default();
        let text = claim_lsp::text::decode(&std::fs::read(file).expect("fixture readable"));
        let kind = DocumentKind::of(file.file_name().and_then(|n| n.to_str()), &text);
        let once = ide::fix_all(&text, &kind, &environment);
        let name = file.strip_prefix(fixtures_root()).unwrap_or(file).display().to_string();
        if !once.settled {
            failures.push(format!("{name}: fix-all did not settle"));
        }
        if edit::apply(&text, &once.edits).as_deref() != Some(once.text.as_str()) {
            failures.push(format!("{name}: fix-all's edits do not give its text"));
        }
        let twice = ide::fix_all(&once.text, &kind, &environment);
        if twice.text != once.text || !twice.applied.is_empty() {
            failures.push(format!("{name}: fix-all twice differs from once: {:?}", twice.applied));
        }
        let before = Analysis::of_document(text.clone(), &kind, &environment);
        let after = Analysis::of_document(once.text.clone(), &kind, &environment);
        for problem in recheck(&before, &after, "", "") {
            failures.push(format!("{name}: {problem}"));
        }
        changed += usize::from(once.text != text);
    }
    assert!(changed > 10, "fix-all changed only {changed} files");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// `fixtures/demo/*`: fix-all's result in `fixtures/fixes/fix-all/<file>` and the fixes
/// it applied in `<file>.fixes`.
#[test]
fn fix_all_on_the_demo_files_gives_the_expected_text() {
    let output = fixtures_root().join("fixes").join("fix-all");
    let _ = std::fs::create_dir_all(&output);
    let mut failures = Vec::new();
    let files = claim_files(&fixtures_root().join("demo"));
    assert!(!files.is_empty(), "no demo files");
    for file in &files {
        let environment = environment_for(file.parent().unwrap_or(file));
        let text = claim_lsp::text::decode(&std::fs::read(file).expect("demo readable"));
        let kind = DocumentKind::of(file.file_name().and_then(|n| n.to_str()), &text);
        let all = ide::fix_all(&text, &kind, &environment);
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("demo");
        let listing: String = all.applied.iter().map(|(rule, title)| format!("{title} (fixes {rule})\n")).collect();
        for (path, actual) in [(output.join(name), all.text.as_str()), (output.join(format!("{name}.fixes")), &listing)]
        {
            if let Err(difference) = expect(&path, actual) {
                failures.push(difference);
            }
        }
        let before = Analysis::of_document(text.clone(), &kind, &environment);
        let after = Analysis::of_document(all.text.clone(), &kind, &environment);
        for problem in recheck(&before, &after, "", "") {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// A mistake put into a real file: an element replaced by a wrong value.
fn damaged(text: &str, damages: &[(u8, u32)]) -> String {
    let mut text = text.to_string();
    for &(kind, value) in damages {
        let tree = claim_lsp::syntax::parse(&text);
        let (id, position, new): (&str, usize, String) = match kind % 7 {
            0 => ("SE", 1, (value % 60).to_string()),
            1 => ("LX", 1, (value % 9).to_string()),
            2 => ("CLM", 2, format!("{}.5", value % 500)),
            3 => ("SV1", 4, format!("{}.5", value % 9)),
            4 => ("SV1", 1, String::new()),
            5 => ("GE", 2, (value % 999).to_string()),
            _ => ("SV2", 5, format!("{}.25", value % 9)),
        };
        let segments: Vec<_> = tree.segments_with_id(id).collect();
        let Some(&index) = segments.get(value as usize % segments.len().max(1)) else { continue };
        let Some(segment) = tree.segment(index) else { continue };
        let Some(element) = tree.element(segment, position) else { continue };
        let span = element.span();
        let new = if kind % 7 == 4 {
            // Repeat the composite's last modifier, or add 59 beside XU.
            let composite = span.text(&text);
            match composite.split(':').skip(2).last() {
                Some(last) if !last.is_empty() => format!("{composite}:{last}"),
                _ => format!("{composite}:59:XU"),
            }
        } else {
            new
        };
        text.replace_range(span.start..span.end, &new);
    }
    text
}

mod damaged_files {
    use proptest::prelude::*;
    use std::sync::LazyLock;

    use super::{all_claim_files, damaged, ide};
    use claim_lsp::config::Environment;

    static TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        all_claim_files()
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .map(|bytes| claim_lsp::text::decode(&bytes))
            .filter(|text| text.len() < 200_000)
            .collect()
    });

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
        /// Fix-all on its own output changes nothing, whatever mistakes a file has.
        #[test]
        fn fix_all_twice_equals_fix_all_once(
            file in 0usize..10_000,
            damages in prop::collection::vec((0u8..7, 0u32..100_000), 0..6),
        ) {
            let text = &TEXTS[file % TEXTS.len()];
            let broken = damaged(text, &damages);
            let environment = Environment::default();
            let once = ide::fix_all(&broken, &claim_lsp::analysis::DocumentKind::X12, &environment);
            prop_assert!(once.settled);
            let twice = ide::fix_all(&once.text, &claim_lsp::analysis::DocumentKind::X12, &environment);
            prop_assert!(twice.applied.is_empty(), "second run applied {:?}", twice.applied);
            prop_assert_eq!(&twice.text, &once.text);
        }
    }
}
