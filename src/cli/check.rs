//! `claim-lsp check PATH…`: check files and folders, print findings, exit 0/1/2.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::CheckOptions;
use super::baseline::{self, Baseline, Places};
use super::fix::{fix_bytes, write_if_unchanged};
use super::render::{Finding, Output, Tally};
use super::{finish_output, EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE};
use crate::analysis::{load_settings, Analysis, DocumentKind};
use crate::config::{ConfigFileChoice, SettingsSources, CONFIG_FILE_NAME};
use crate::text::{decode, looks_like_x12, read_capped};

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
    if let Some((path, refused)) = &loaded.unreadable {
        say!("claim-lsp: {}: {refused}", path.display());
        return EXIT_USAGE;
    }
    if let Some((path, text, problems)) = &loaded.config_file {
        let rope = ropey::Rope::from_str(text);
        for problem in problems {
            let at = crate::text::line_column(&rope, problem.span.start, crate::text::PositionEncoding::Utf32);
            say!("{}:{}:{}: warning[config] {}", path.display(), at.line + 1, at.column + 1, problem.message);
        }
    }
    for message in &loaded.messages {
        say!("claim-lsp: {message}");
    }
    let environment = loaded.environment;
    let mut walk = Walk::default();
    for path in &options.paths {
        if let Err(error) = walk.add(path) {
            say!("claim-lsp: cannot read {}: {error}", path.display());
            io_failed = true;
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let pipeline = &options.pipeline;
    let mut baseline = match &pipeline.baseline {
        None => None,
        Some(path) => match Baseline::read(path) {
            Ok(baseline) => Some(baseline),
            Err(message) => {
                eprintln!("claim-lsp: {message}");
                return EXIT_USAGE;
            }
        },
    };
    let docs_url = pipeline.docs_url.clone().unwrap_or_else(|| super::sarif::DEFAULT_DOCS_URL.to_string());
    let mut output = Output::new(options.format, pipeline.fail_on, pipeline.max_findings, docs_url);
    let mut tally = Tally { baseline_used: baseline.is_some(), ..Tally::default() };
    let mut recorded = Vec::new();
    let mut diff_found = false;
    for (path, explicit) in walk.files {
        let bytes = match read_capped(&path, options.max_file_size) {
            Ok(bytes) => bytes,
            Err(refused) => {
                say!("claim-lsp: {}: {refused}", path.display());
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
                say!("claim-lsp: {}: fixes kept coming; stopped after several rounds", path.display());
            }
            if !fixed.all.applied.is_empty() {
                if options.diff {
                    diff_found = true;
                    let diff = super::diff::unified(&path.display().to_string(), &fixed.text, &fixed.all.text);
                    if let Err(error) = out.write_all(diff.as_bytes()) {
                        // Whoever reads the diff stopped reading (`| head`): so do we.
                        return finish_output(Err(error), EXIT_ERRORS);
                    }
                } else {
                    match fixed.bytes.and_then(|new| write_if_unchanged(&path, &bytes, &new, options.force)) {
                        Ok(()) => {
                            say!("fixed {}: {}", path.display(), summary(&fixed.all.applied));
                            text = fixed.all.text;
                        }
                        Err(refused) => {
                            say!("claim-lsp: {}: {refused}", path.display());
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
        let rope = ropey::Rope::from_str(analysis.text());
        let shown_path = path.display().to_string();
        let places = Places::of(&analysis);
        let mut reported = Vec::new();
        for diagnostic in analysis.diagnostics.iter().cloned() {
            let key = baseline::key(&path, &places.place(diagnostic.span.start), &diagnostic);
            if pipeline.write_baseline.is_some() {
                recorded.push(key);
                continue;
            }
            if baseline.as_mut().is_some_and(|baseline| baseline.absorbs(&key)) {
                tally.baselined += 1;
                continue;
            }
            reported.push(Finding::new(&shown_path, &rope, diagnostic, key));
        }
        output.file(&shown_path, &rope, reported);
    }
    if options.diff {
        let code = if io_failed {
            EXIT_USAGE
        } else if diff_found {
            EXIT_ERRORS
        } else {
            EXIT_CLEAN
        };
        return finish_output(out.flush(), code);
    }
    if let Some(path) = &pipeline.write_baseline {
        return match baseline::write(path, recorded) {
            Ok(count) => {
                eprintln!(
                    "claim-lsp: wrote {count} finding{} to the baseline {}",
                    if count == 1 { "" } else { "s" },
                    path.display()
                );
                if io_failed {
                    EXIT_USAGE
                } else {
                    EXIT_CLEAN
                }
            }
            Err(message) => {
                eprintln!("claim-lsp: {message}");
                EXIT_USAGE
            }
        };
    }
    tally.stale = baseline.as_ref().map_or(0, Baseline::stale);
    let failing = output.finish(&tally);
    let code = if io_failed {
        EXIT_USAGE
    } else if failing {
        EXIT_ERRORS
    } else {
        EXIT_CLEAN
    };
    finish_output(out.flush(), code)
}

/// The claim files to check, each real file once however many names lead to it
/// (symbolic links, a link loop, a file named twice); `bool` says named explicitly.
#[derive(Default)]
struct Walk {
    files: Vec<(PathBuf, bool)>,
    seen: HashSet<FileId>,
}

impl Walk {
    /// Adds a file, or a folder's claim files in name order.
    fn add(&mut self, path: &Path) -> std::io::Result<()> {
        let metadata = std::fs::metadata(path)?;
        if !metadata.is_dir() {
            // Named by the user: read (or refused by name) whatever it is.
            if self.seen.insert(FileId::of(path, &metadata)) {
                self.files.push((path.to_path_buf(), true));
            }
            return Ok(());
        }
        let mut folders_seen = HashSet::from([FileId::of(path, &metadata)]);
        let mut stack = vec![path.to_path_buf()];
        let mut found = Vec::new();
        while let Some(folder) = stack.pop() {
            for entry in std::fs::read_dir(&folder)? {
                let path = entry?.path();
                // Through links: a link to a claim file counts, a loop is cut below.
                let Ok(metadata) = std::fs::metadata(&path) else {
                    if is_claim_name(&path) {
                        // A dangling link named like a claim: reading it reports why.
                        found.push((path, None));
                    }
                    continue;
                };
                if metadata.is_dir() {
                    if folders_seen.insert(FileId::of(&path, &metadata)) {
                        stack.push(path);
                    }
                    continue;
                }
                if !is_claim_name(&path) {
                    continue;
                }
                if !metadata.is_file() {
                    // A FIFO or a device would block or never end: say so, skip it.
                    let kind = crate::text::file_kind(&metadata.file_type());
                    say!("claim-lsp: {}: it is {kind}, not a regular file; skipped", path.display());
                    continue;
                }
                found.push((path.clone(), Some(FileId::of(&path, &metadata))));
            }
        }
        // Name order first, so that of two names for one file the first is kept.
        found.sort();
        for (path, id) in found {
            if id.is_none_or(|id| self.seen.insert(id)) {
                self.files.push((path, false));
            }
        }
        Ok(())
    }
}

fn is_claim_name(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    extension.is_some_and(|e| CLAIM_EXTENSIONS.contains(&e.as_str()) || MAYBE_CLAIM_EXTENSIONS.contains(&e.as_str()))
}

/// What makes two names one file: device and inode on Unix, the resolved path elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

impl FileId {
    #[cfg(unix)]
    fn of(_: &Path, metadata: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Self::Inode(metadata.dev(), metadata.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _: &std::fs::Metadata) -> Self {
        Self::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
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
