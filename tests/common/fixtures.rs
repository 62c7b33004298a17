//! Shared by the fixture tests: reading fixture folders, rendering findings, and
//! comparing with expectation files (`UPDATE_EXPECT=1` rewrites them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::config::Settings;
use claim_lsp::text::{line_column, PositionEncoding};

pub(crate) const CLAIM_EXTENSIONS: &[&str] = &["837", "837p", "837i", "x12", "edi", "csv", "tsv"];

pub(crate) fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every finding of a file, one per line: `line:col-line:col severity[rule] message`.
pub(crate) fn render(analysis: &Analysis) -> String {
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

pub(crate) fn environment_for(folder: &Path) -> Environment {
    let settings_path = folder.join("settings.json");
    let Ok(text) = std::fs::read_to_string(&settings_path) else { return Environment::default() };
    let value: serde_json::Value = serde_json::from_str(&text).expect("fixture settings.json is valid JSON");
    let (settings, warnings) = Settings::from_json(&value, Some(folder), claim_lsp::rules::scope_of);
    assert!(warnings.is_empty(), "{}: {warnings:?}", settings_path.display());
    let (environment, messages) = Environment::load(settings);
    assert!(messages.is_empty(), "{}: {messages:?}", settings_path.display());
    environment
}

pub(crate) fn claim_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| CLAIM_EXTENSIONS.contains(&e)));
    files.sort();
    files
}

/// Compares with the expectation file, or writes it under `UPDATE_EXPECT=1`: the one
/// way every test here keeps an expected output. A missing file is a failure, never an
/// empty expectation.
pub(crate) fn expect(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let expected = match std::fs::read_to_string(path) {
        Ok(expected) => expected,
        Err(error) => {
            return Err(format!("{}: cannot read the expectation ({error}); UPDATE_EXPECT=1 writes it", path.display()))
        }
    };
    if expected == actual {
        Ok(())
    } else {
        Err(format!("{}\n--- expected\n{expected}--- actual\n{actual}", path.display()))
    }
}
