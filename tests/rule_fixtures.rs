//! Rule fixtures: `fixtures/rules/<rule-id>/*.837` (or `.837i`, `.x12`) with the full
//! expected findings beside each file in `<file>.expected`. Files named `fires*` must
//! raise their folder's rule, files named `silent*` must not. A `settings.json` in the
//! folder applies to all its files. Refresh expectations with `UPDATE_EXPECT=1`.

use std::path::{Path, PathBuf};

use claim_lsp::analysis::{Analysis, Environment};
use claim_lsp::config::Settings;
use claim_lsp::text::{line_column, PositionEncoding};

const CLAIM_EXTENSIONS: &[&str] = &["837", "837p", "837i", "x12", "edi"];

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every finding of a file, one per line: `line:col-line:col severity[rule] message`.
pub fn render(analysis: &Analysis) -> String {
    let mut out = String::new();
    for diagnostic in &analysis.diagnostics {
        let start = line_column(analysis.rope(), diagnostic.span.start, PositionEncoding::Utf32);
        let end = line_column(analysis.rope(), diagnostic.span.end, PositionEncoding::Utf32);
        out.push_str(&format!(
            "{}:{}-{}:{} {}[{}] {}\n",
            start.line + 1,
            start.column + 1,
            end.line + 1,
            end.column + 1,
            diagnostic.severity.as_str(),
            diagnostic.rule,
            diagnostic.message
        ));
    }
    out
}

fn environment_for(folder: &Path) -> Environment {
    let settings_path = folder.join("settings.json");
    let Ok(text) = std::fs::read_to_string(&settings_path) else { return Environment::default() };
    let value: serde_json::Value = serde_json::from_str(&text).expect("fixture settings.json is valid JSON");
    let (settings, warnings) = Settings::from_json(&value, Some(folder));
    assert!(warnings.is_empty(), "{}: {warnings:?}", settings_path.display());
    let (environment, messages) = Environment::load(settings);
    assert!(messages.is_empty(), "{}: {messages:?}", settings_path.display());
    environment
}

fn claim_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| CLAIM_EXTENSIONS.contains(&e)));
    files.sort();
    files
}

/// Compares with the expectation file, or writes it under `UPDATE_EXPECT=1`.
fn expect(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        Ok(())
    } else {
        Err(format!("{}\n--- expected\n{expected}--- actual\n{actual}", path.display()))
    }
}

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
            let analysis = Analysis::of_text(claim_lsp::cli::decode(&bytes), &environment);
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
        if !page.is_file() {
            missing.push(format!("docs/rules/{}.md", rule.id));
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
