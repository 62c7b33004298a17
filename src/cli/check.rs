//! `claim-lsp check PATH…`: check files and folders, print findings, exit 0/1/2.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::args::{CheckOptions, Format};
use super::baseline::{self, Baseline, FindingKey, Places};
use super::fix::{fix_bytes, write_if_unchanged};
use super::render::{Finding, Output, Positions, Tally};
use super::stream;
use super::{finish_output, EXIT_CLEAN, EXIT_ERRORS, EXIT_USAGE};
use crate::analysis::{load_settings, Analysis, DocumentKind};
use crate::config::{ConfigFileChoice, Environment, SettingsSources, CONFIG_FILE_NAME};
use crate::text::{decode, detect, looks_like_x12, read_capped, Encoding};

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
    // No thread to warm the built-in HCPCS table up: it is indexed in a fraction of a
    // millisecond and parses only the records a file asks for.
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
    let baseline = match &pipeline.baseline {
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
    let mut run = Run {
        output: Output::new(options.format, pipeline.fail_on, pipeline.max_findings, docs_url),
        tally: Tally { baseline_used: baseline.is_some(), ..Tally::default() },
        baseline,
        recorded: Vec::new(),
        write_baseline: pipeline.write_baseline.is_some(),
        io_failed,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let context = Context {
        environment: &environment,
        excerpts: options.format == Format::Human,
        split: Split::from_env(),
        max_file_size: options.max_file_size,
    };
    let mut diff_found = false;
    if options.fix || options.diff || cores < 2 || walk.files.len() < 2 {
        // One file at a time; a large file's transaction sets go to every core.
        for (path, explicit) in &walk.files {
            let emit = &mut |event: Event| run.apply(event);
            if !(options.fix || options.diff) {
                read_and_check(path, *explicit, &context, cores, emit);
                continue;
            }
            let Some((bytes, mut text, kind)) = read(path, *explicit, &context, emit) else { continue };
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
                    match fixed.bytes.and_then(|new| write_if_unchanged(path, &bytes, &new, options.force)) {
                        Ok(()) => {
                            say!("fixed {}: {}", path.display(), summary(&fixed.all.applied));
                            text = fixed.all.text;
                        }
                        Err(refused) => {
                            say!("claim-lsp: {}: {refused}", path.display());
                            emit(Event::IoFailed);
                        }
                    }
                }
            }
            if options.diff {
                continue;
            }
            drop(bytes);
            check_text(path, *explicit, text, &kind, &context, cores, emit);
        }
    } else {
        check_in_parallel(&walk.files, &context, cores, &mut run);
    }
    let Run { output, mut tally, baseline, recorded, io_failed, .. } = run;
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

/// What checking one file tells the run, in the order it must be said.
enum Event {
    /// A line for standard error.
    Say(String),
    /// A file could not be read.
    IoFailed,
    /// A file is checked (it counts in the summary) under this name.
    Begin(String),
    /// Findings of the file begun last, in file order.
    Findings(Vec<Finding>),
}

/// The run's state: where findings go and what the summary counts.
struct Run {
    output: Output,
    tally: Tally,
    baseline: Option<Baseline>,
    recorded: Vec<FindingKey>,
    write_baseline: bool,
    io_failed: bool,
}

impl Run {
    /// Takes the events of files in argument order (the baseline absorbs findings in
    /// that order, as it always has).
    fn apply(&mut self, event: Event) {
        match event {
            Event::Say(line) => say!("{line}"),
            Event::IoFailed => self.io_failed = true,
            Event::Begin(path) => {
                if !self.write_baseline {
                    self.output.begin_file(&path);
                }
            }
            Event::Findings(findings) => {
                let mut reported = Vec::with_capacity(findings.len());
                for finding in findings {
                    if self.write_baseline {
                        self.recorded.push(finding.key);
                        continue;
                    }
                    if self.baseline.as_mut().is_some_and(|baseline| baseline.absorbs(&finding.key)) {
                        self.tally.baselined += 1;
                        continue;
                    }
                    reported.push(finding);
                }
                if !reported.is_empty() {
                    self.output.add(reported);
                }
            }
        }
    }
}

/// What every file's check reads.
struct Context<'e> {
    environment: &'e Environment,
    /// Human output: cut each finding's excerpt while the text is at hand.
    excerpts: bool,
    split: Split,
    max_file_size: u64,
}

/// Whether large files are checked a few transaction sets at a time (the default) —
/// `CLAIM_LSP_CHECK_SPLIT=whole` analyses every file whole and `=sets` splits every
/// file it can, one transaction set a piece, however small: the streaming-equals-whole
/// tests run both and compare.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Split {
    Large,
    Whole,
    EverySet,
}

impl Split {
    fn from_env() -> Self {
        match std::env::var("CLAIM_LSP_CHECK_SPLIT").as_deref() {
            Ok("whole") => Split::Whole,
            Ok("sets") => Split::EverySet,
            _ => Split::Large,
        }
    }
}

/// Several files on every core, one file per worker (its text, and the tree of one
/// piece of it at a time): workers take the next file as they finish one, and the
/// findings are handed on in argument order, a later file's waiting as findings only.
fn check_in_parallel(files: &[(PathBuf, bool)], context: &Context<'_>, workers: usize, run: &mut Run) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, Vec<Event>)>();
        for _ in 0..workers.min(files.len()) {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((path, explicit)) = files.get(index) else { break };
                let mut events = Vec::new();
                let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    read_and_check(path, *explicit, context, 1, &mut |event| events.push(event));
                }));
                if checked.is_err() {
                    events.push(Event::Say("claim-lsp: a file could not be checked".to_string()));
                    events.push(Event::IoFailed);
                }
                if sender.send((index, events)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (index, events) in receiver {
            waiting.insert(index, events);
            while let Some(events) = waiting.remove(&due) {
                for event in events {
                    run.apply(event);
                }
                due += 1;
            }
        }
    });
}

/// Reads a file and decodes it; `None` (said through `emit`) when it cannot be read or
/// is a `.txt`/`.dat` in a folder that is no interchange.
fn read(
    path: &Path,
    explicit: bool,
    context: &Context<'_>,
    emit: &mut dyn FnMut(Event),
) -> Option<(Vec<u8>, String, DocumentKind)> {
    let bytes = match read_capped(path, context.max_file_size) {
        Ok(bytes) => bytes,
        Err(refused) => {
            emit(Event::Say(format!("claim-lsp: {}: {refused}", path.display())));
            emit(Event::IoFailed);
            return None;
        }
    };
    let text = decode(&bytes);
    let file_name = path.file_name().and_then(|name| name.to_str());
    let kind = DocumentKind::of(file_name, &text);
    if kind == DocumentKind::X12 && !explicit && !looks_like_x12(&text) {
        return None;
    }
    Some((bytes, text, kind))
}

/// Reads and checks one file. A UTF-8 file's bytes become its text without a copy.
fn read_and_check(path: &Path, explicit: bool, context: &Context<'_>, threads: usize, emit: &mut dyn FnMut(Event)) {
    let bytes = match read_capped(path, context.max_file_size) {
        Ok(bytes) => bytes,
        Err(refused) => {
            emit(Event::Say(format!("claim-lsp: {}: {refused}", path.display())));
            emit(Event::IoFailed);
            return;
        }
    };
    let text = if detect(&bytes) == Encoding::Utf8 {
        String::from_utf8(bytes).unwrap_or_else(|error| decode(error.as_bytes()))
    } else {
        decode(&bytes)
    };
    let file_name = path.file_name().and_then(|name| name.to_str());
    let kind = DocumentKind::of(file_name, &text);
    if kind == DocumentKind::X12 && !explicit && !looks_like_x12(&text) {
        return;
    }
    check_text(path, explicit, text, &kind, context, threads, emit);
}

/// Checks one file's text: a large plain interchange a few transaction sets at a time
/// (`stream`), anything else whole.
fn check_text(
    path: &Path,
    explicit: bool,
    text: String,
    kind: &DocumentKind,
    context: &Context<'_>,
    threads: usize,
    emit: &mut dyn FnMut(Event),
) {
    let shown_path = path.display().to_string();
    let plan = match (kind, context.split) {
        (DocumentKind::X12, Split::Large) if text.len() >= stream::STREAM_FROM_BYTES => {
            stream::plan(&text, stream::PIECE_BYTES)
        }
        (DocumentKind::X12, Split::EverySet) => stream::plan(&text, 0),
        _ => None,
    };
    if let Some(plan) = plan {
        emit(Event::Begin(shown_path.clone()));
        let mut positions = Positions::new(&text);
        stream::check(&text, &plan, path, context.environment, threads, &mut |found| {
            let findings = found
                .into_iter()
                .map(|(diagnostic, key)| Finding::new(&shown_path, &mut positions, diagnostic, key, context.excerpts))
                .collect();
            emit(Event::Findings(findings));
        });
        return;
    }
    let analysis = Analysis::of_document(text, kind, context.environment);
    if analysis.charges.as_ref().is_some_and(|charges| !charges.is_charges()) {
        // Any other CSV is left alone (fixing it found nothing to fix); one named on
        // the command line is said.
        if explicit {
            emit(Event::Say(format!(
                "claim-lsp: {}: not a charge file (see docs/charge-files.md); skipped",
                path.display()
            )));
        }
        return;
    }
    emit(Event::Begin(shown_path.clone()));
    let places = Places::of(&analysis);
    let mut positions = Positions::new(analysis.text());
    let findings: Vec<Finding> = analysis
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let key = baseline::key(path, &places.place(diagnostic.span.start), diagnostic);
            Finding::new(&shown_path, &mut positions, diagnostic.clone(), key, context.excerpts)
        })
        .collect();
    if !findings.is_empty() {
        emit(Event::Findings(findings));
    }
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
