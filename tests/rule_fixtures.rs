//! Rule fixtures: `fixtures/rules/<rule-id>/*.837` (or `.837i`, `.x12`, and charge files
//! `.csv`, `.tsv`) with the full
//! expected findings beside each file in `<file>.expected`. Files named `fires*` must
//! raise their folder's rule, files named `silent*` must not. A `settings.json` in the
//! folder applies to all its files. Refresh expectations with `UPDATE_EXPECT=1`.

#[path = "common/fixtures.rs"]
mod fixtures;

use std::path::{Path, PathBuf};

use claim_lsp::analysis::{Analysis, DocumentKind};
use fixtures::{claim_files, environment_for, expect, fixtures_root, render};

#[test]
fn rule_fixtures_match_their_expected_findings() {
    let root = fixtures_root().join("rules");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    folders.sort();
    for folder in folders {
        let rule = folder.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let environment = environment_for(&folder);
        for file in claim_files(&folder) {
            let bytes = std::fs::read(&file).expect("fixture readable");
            let text = claim_lsp::text::decode(&bytes);
            let kind = DocumentKind::of(file.file_name().and_then(|n| n.to_str()), &text);
            let analysis = Analysis::of_document(text, &kind, &environment);
            let rendered = render(&analysis);
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let hits = analysis.diagnostics.iter().filter(|d| d.rule == rule).count();
            if name.starts_with("fires") && hits == 0 {
                failures.push(format!("{}: expected `{rule}` to fire", file.display()));
            }
            if name.starts_with("silent") && hits > 0 {
                failures.push(format!("{}: expected `{rule}` to stay silent, got {hits}", file.display()));
            }
            let mut expected_path = file.clone().into_os_string();
            expected_path.push(".expected");
            if let Err(difference) = expect(Path::new(&expected_path), &rendered) {
                failures.push(difference);
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} fixtures failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 0, "no rule fixtures found");
}

#[test]
fn every_rule_has_a_page_and_fixtures_that_fire_and_stay_silent() {
    let mut missing = Vec::new();
    let index =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/README.md")).unwrap_or_default();
    for rule in claim_lsp::rules::ALL.iter() {
        if !index.contains(&format!("[`{}`]({}.md)", rule.id, rule.id)) {
            missing.push(format!("a row for {} in docs/rules/README.md", rule.id));
        }
        let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules").join(format!("{}.md", rule.id));
        let text = std::fs::read_to_string(&page).unwrap_or_default();
        if text.is_empty() {
            missing.push(format!("docs/rules/{}.md", rule.id));
        }
        // The page says what the quick fix is, or that there is none, and matches the code.
        let quick_fix = text.split("## Quick fix").nth(1).unwrap_or_default().trim_start();
        if quick_fix.is_empty() || quick_fix.starts_with("None") != rule.fix.is_none() {
            missing.push(format!("a `## Quick fix` section in docs/rules/{}.md that matches the code", rule.id));
        }
        let folder = fixtures_root().join("rules").join(rule.id);
        let names: Vec<String> = claim_files(&folder)
            .iter()
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(String::from))
            .collect();
        for prefix in ["fires", "silent"] {
            if !names.iter().any(|n| n.starts_with(prefix)) {
                missing.push(format!("fixtures/rules/{}/{prefix}*.837", rule.id));
            }
        }
    }
    assert!(missing.is_empty(), "missing:\n{}", missing.join("\n"));
}
