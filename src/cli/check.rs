//! `claim-lsp check PATH…`: check files and folders, print findings, exit 0/1/2.

use std::path::{Path, PathBuf};

use super::args::{CheckOptions, Format};
use super::fix::{fix_bytes, write_if_unchanged};
use super::render::{self, FileFindings};
use super::{EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE};
use crate::analysis::{load_settings, Analysis, DocumentKind};
use crate::config::{ConfigFileChoice, SettingsSources, CONFIG_FILE_NAME};
use crate::diagnostic::Severity;
use crate::text::{decode, looks_like_x12};

/// Extensions that are always claim files when found in a folder; `.txt` and `.dat`
/// count only when they start with an ISA.
const CLAIM_EXTENSIONS: &[&str] = &["837", "837p", "837i", "x12", "edi", "csv", "tsv"];
const MAYBE_CLAIM_EXTENSIONS: &[&str] = &["txt", "dat"];

pub(super) fn run(options: &CheckOptions) -> i32 {
    let mut io_failed = false;
    // `--config FILE`, else a `.claim-lsp.json` in the current folder if there is one.
    let config_file = match &options.config {
        Some(path) => ConfigFileChoice::Named(path.clone()),
        None => ConfigFileChoice::Default(PathBuf::from(CONFIG_FILE_NAME)),
    };
    let loaded = load_settings(SettingsSources {
        config_file: Some(config_file),
        editor: &serde_json::Value::Null,
        hcpcs_file: options.hcpcs_file.clone(),
    });
    if let Some((path, error)) = &loaded.unreadable {
        eprintln!("claim-lsp: cannot read {}: {error}", path.display());
        return EXIT_USAGE;
    }
    if let Some((path, text, problems)) = &loaded.config_file {
        let rope = ropey::Rope::from_str(text);
        for problem in problems {
            let at = crate::text::line_column(&rope, problem.span.start, crate::text::PositionEncoding::Utf32);
            eprintln!("{}:{}:{}: warning[config] {}", path.display(), at.line + 1, at.column + 1, problem.message);
        }
    }
    for message in &loaded.messages {
        eprintln!("claim-lsp: {message}");
    }
    let environment = loaded.environment;
    let mut files = Vec::new();
    for path in &options.paths {
        match collect(path, &mut files) {
            Ok(()) => {}
            Err(error) => {
                eprintln!("claim-lsp: cannot read {}: {error}", path.display());
                io_failed = true;
            }
        }
    }
    let mut findings = Vec::new();
    let mut diff_found = false;
    for (path, explicit) in files {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("claim-lsp: cannot read {}: {error}", path.display());
                io_failed = true;
                continue;
            }
        };
        let mut text = decode(&bytes);
        let file_name = path.file_name().and_then(|name| name.to_str());
        let kind = DocumentKind::of(file_name, &text);
        if kind == DocumentKind::X12 && !explicit && !looks_like_x12(&text) {
            continue;
        }
        if options.fix || options.diff {
            let fixed = fix_bytes(&bytes, &kind, &environment);
            if !fixed.all.settled {
                eprintln!("claim-lsp: {}: fixes kept coming; stopped after several rounds", path.display());
            }
            if !fixed.all.applied.is_empty() {
                if options.diff {
                    print!("{}", super::diff::unified(&path.display().to_string(), &fixed.text, &fixed.all.text));
                    diff_found = true;
                } else {
                    match fixed.bytes.and_then(|new| write_if_unchanged(&path, &bytes, &new)) {
                        Ok(()) => {
                            eprintln!("fixed {}: {}", path.display(), summary(&fixed.all.applied));
                            text = fixed.all.text;
                        }
                        Err(refused) => {
                            eprintln!("claim-lsp: {}: {refused}", path.display());
                            io_failed = true;
                        }
                    }
                }
            }
        }
        if options.diff {
            continue;
        }
        let analysis = Analysis::of_document(text, &kind, &environment);
        if analysis.charges.as_ref().is_some_and(|charges| !charges.is_charges()) {
            // Any other CSV is left alone (fixing it found nothing to fix); one named on
            // the command line is said.
            if explicit {
                eprintln!("claim-lsp: {}: not a charge file (see docs/charge-files.md); skipped", path.display());
            }
            continue;
        }
        findings.push(FileFindings { path, analysis });
    }
    if options.diff {
        return if io_failed {
            EXIT_USAGE
        } else if diff_found {
            EXIT_ERRORS
        } else {
            EXIT_CLEAN
        };
    }
    match options.format {
        Format::Human => render::human(&findings),
        Format::Json => render::json(&findings),
    }
    let any_error = findings.iter().flat_map(|f| &f.analysis.diagnostics).any(|d| d.severity == Severity::Error);
    if io_failed {
        EXIT_USAGE
    } else if any_error {
        EXIT_ERRORS
    } else {
        EXIT_CLEAN
    }
}

/// Adds a file, or a folder's claim files in name order; `bool` says named explicitly.
fn collect(path: &Path, files: &mut Vec<(PathBuf, bool)>) -> std::io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        files.push((path.to_path_buf(), true));
        return Ok(());
    }
    let mut stack = vec![path.to_path_buf()];
    let mut found = Vec::new();
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            match extension.as_deref() {
                Some(e) if CLAIM_EXTENSIONS.contains(&e) || MAYBE_CLAIM_EXTENSIONS.contains(&e) => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    files.extend(found.into_iter().map(|path| (path, false)));
    Ok(())
}

/// "3 fixes: segment-count ×1, drug-units-not-whole ×2", rules in the order first fixed.
fn summary(applied: &[(&'static str, String)]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (rule, _) in applied {
        match counts.iter_mut().find(|(id, _)| id == rule) {
            Some((_, count)) => *count += 1,
            None => counts.push((rule, 1)),
        }
    }
    let rules: Vec<String> = counts.iter().map(|(rule, count)| format!("{rule} ×{count}")).collect();
    let n = applied.len();
    format!("{n} {}: {}", if n == 1 { "fix" } else { "fixes" }, rules.join(", "))
}
