//! Output: rustc/ruff-style lines with a source excerpt for people; JSON, JSON Lines,
//! SARIF and JUnit for tools. Findings arrive one file at a time; the human and JSON
//! Lines outputs print them at once (a batch of thousands of files streams), the others
//! keep only the positioned findings, never the files, until the run ends.

use std::io::Write;

use ropey::Rope;
use serde::Serialize;

use super::args::{FailOn, Format};
use super::baseline::FindingKey;
use crate::diagnostic::{Diagnostic, Severity};
use crate::text::{line_column, PositionEncoding};

/// One finding, positioned for output: 1-based lines and character columns.
pub(super) struct Finding {
    pub(super) path: String,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) end_line: usize,
    pub(super) end_column: usize,
    pub(super) severity: Severity,
    pub(super) rule: &'static str,
    pub(super) message: String,
    pub(super) key: FindingKey,
}

impl Finding {
    pub(super) fn new(path: &str, rope: &Rope, diagnostic: Diagnostic, key: FindingKey) -> Self {
        let start = line_column(rope, diagnostic.span.start, PositionEncoding::Utf32);
        let end = line_column(rope, diagnostic.span.end, PositionEncoding::Utf32);
        Finding {
            path: path.to_string(),
            line: start.line + 1,
            column: start.column + 1,
            end_line: end.line + 1,
            end_column: end.column + 1,
            severity: diagnostic.severity,
            rule: diagnostic.rule,
            message: diagnostic.message,
            key,
        }
    }
}

/// True when a finding of this severity fails the run under `--fail-on`.
pub(super) fn fails(fail_on: FailOn, severity: Severity) -> bool {
    match fail_on {
        FailOn::Error => severity <= Severity::Error,
        FailOn::Warning => severity <= Severity::Warning,
        FailOn::Info => severity <= Severity::Info,
        FailOn::Never => false,
    }
}

/// What the summary says besides the counts.
#[derive(Default)]
pub(super) struct Tally {
    /// Findings the baseline held, not reported.
    pub(super) baselined: usize,
    /// Baseline entries no finding matched.
    pub(super) stale: usize,
    pub(super) baseline_used: bool,
}

/// Where findings go, format by format.
pub(super) struct Output {
    format: Format,
    fail_on: FailOn,
    max_findings: Option<usize>,
    docs_url: String,
    printed: usize,
    counts: [usize; 4],
    files: usize,
    /// JSON and SARIF: every shown finding, in order.
    held: Vec<Finding>,
    /// JUnit: each file with all its findings.
    by_file: Vec<(String, Vec<Finding>)>,
    out: Stdout,
}

impl Output {
    pub(super) fn new(format: Format, fail_on: FailOn, max_findings: Option<usize>, docs_url: String) -> Self {
        Output {
            format,
            fail_on,
            max_findings,
            docs_url,
            printed: 0,
            counts: [0; 4],
            files: 0,
            held: Vec::new(),
            by_file: Vec::new(),
            out: Stdout::new(),
        }
    }

    /// True while `--max-findings` allows another finding to be shown.
    fn room(&self) -> bool {
        self.max_findings.is_none_or(|max| self.printed < max)
    }

    /// Takes one file's reported findings (after the baseline); `rope` is its text.
    pub(super) fn file(&mut self, path: &str, rope: &Rope, findings: Vec<Finding>) {
        self.files += 1;
        for finding in &findings {
            self.counts[finding.severity as usize] += 1;
        }
        if self.format == Format::Junit {
            self.printed += findings.len();
            self.by_file.push((path.to_string(), findings));
            return;
        }
        for finding in findings {
            if !self.room() {
                break;
            }
            self.printed += 1;
            match self.format {
                Format::Human => self.out.print(&human_finding(rope, &finding)),
                Format::Jsonl => match serde_json::to_string(&JsonFinding::of(&finding)) {
                    Ok(line) => self.out.print(&format!("{line}\n")),
                    Err(error) => eprintln!("claim-lsp: cannot write JSON: {error}"),
                },
                Format::Json | Format::Sarif | Format::Junit => self.held.push(finding),
            }
        }
    }

    /// Prints what was held and the summary. Returns true when a finding fails the run.
    pub(super) fn finish(mut self, tally: &Tally) -> bool {
        let failing = self.counts.iter().enumerate().any(|(severity, count)| {
            *count > 0
                && fails(self.fail_on, [Severity::Error, Severity::Warning, Severity::Info, Severity::Hint][severity])
        });
        match self.format {
            Format::Json => {
                let all: Vec<JsonFinding<'_>> = self.held.iter().map(JsonFinding::of).collect();
                match serde_json::to_string_pretty(&all) {
                    Ok(text) => self.out.print(&format!("{text}\n")),
                    Err(error) => eprintln!("claim-lsp: cannot write JSON: {error}"),
                }
            }
            Format::Sarif => {
                let text = super::sarif::log(&self.held, &self.docs_url);
                self.out.print(&text);
            }
            Format::Junit => {
                let text = super::junit::report(&self.by_file, self.fail_on, self.max_findings);
                self.out.print(&text);
            }
            Format::Human | Format::Jsonl => {}
        }
        let summary = self.summary(tally);
        if self.format == Format::Human {
            self.out.print(&format!("{summary}\n"));
        } else {
            eprintln!("{summary}");
        }
        self.out.flush();
        failing
    }

    /// "2 errors, 1 warning, 0 info, 0 hints in 3 files (5 in the baseline, 1 stale
    /// baseline entry; 1 shown)".
    fn summary(&self, tally: &Tally) -> String {
        let [errors, warnings, infos, hints] = self.counts;
        let files = self.files;
        let mut text = format!(
            "{errors} error{}, {warnings} warning{}, {infos} info, {hints} hint{} in {files} file{}",
            plural(errors),
            plural(warnings),
            plural(hints),
            plural(files)
        );
        let mut notes = Vec::new();
        if tally.baseline_used {
            notes.push(format!(
                "{} in the baseline, {} stale baseline entr{}",
                tally.baselined,
                tally.stale,
                if tally.stale == 1 { "y" } else { "ies" }
            ));
        }
        let total: usize = self.counts.iter().sum();
        if self.printed < total {
            notes.push(format!("{} shown", self.printed));
        }
        if !notes.is_empty() {
            text.push_str(&format!(" ({})", notes.join("; ")));
        }
        text
    }
}

/// Standard output that a closed pipe (`| head`) quietens instead of crashing.
struct Stdout {
    out: std::io::BufWriter<std::io::Stdout>,
    broken: bool,
}

impl Stdout {
    fn new() -> Self {
        Stdout { out: std::io::BufWriter::new(std::io::stdout()), broken: false }
    }

    fn print(&mut self, text: &str) {
        if !self.broken && self.out.write_all(text.as_bytes()).is_err() {
            self.broken = true;
        }
    }

    fn flush(&mut self) {
        if !self.broken && self.out.flush().is_err() {
            self.broken = true;
        }
    }
}

/// Longest stretch of a source line shown; 837 files often have no line breaks at all.
const EXCERPT_WIDTH: usize = 100;

fn human_finding(rope: &Rope, finding: &Finding) -> String {
    let mut text = format!(
        "{}:{}:{}: {}[{}] {}\n",
        finding.path,
        finding.line,
        finding.column,
        finding.severity.as_str(),
        finding.rule,
        finding.message
    );
    let (line_index, column) = (finding.line - 1, finding.column - 1);
    let line: String =
        rope.get_line(line_index).map(|l| l.chars().filter(|c| *c != '\n' && *c != '\r').collect()).unwrap_or_default();
    let underline_end = if finding.end_line == finding.line { finding.end_column - 1 } else { line.chars().count() };
    let (excerpt, caret_at, caret_len) = excerpt(&line, column, underline_end.max(column + 1));
    let gutter = finding.line.to_string();
    let width = gutter.len();
    text.push_str(&format!("{:width$} |\n", ""));
    text.push_str(&format!("{gutter} | {excerpt}\n"));
    text.push_str(&format!("{:width$} | {}{}\n", "", " ".repeat(caret_at), "^".repeat(caret_len)));
    text
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// A window of the line around `[start, end)` (in characters), with control characters
/// (some files use them as separators) shown as spaces. Returns the text and where the
/// caret starts and how long it is inside that text.
fn excerpt(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let from = start.saturating_sub(EXCERPT_WIDTH / 3);
    let to = (from + EXCERPT_WIDTH).min(chars.len()).max(from);
    let mut text: String = chars.get(from..to).map(|s| s.iter().collect()).unwrap_or_default();
    let mut caret_at = start - from;
    if from > 0 {
        text.insert(0, '…');
        caret_at += 1;
    }
    if to < chars.len() {
        text.push('…');
    }
    let caret_len = end.min(to).saturating_sub(start).max(1);
    (text, caret_at, caret_len)
}

/// A finding as `--format json` and `jsonl` write it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: Severity,
    rule: &'a str,
    message: &'a str,
}

impl<'a> JsonFinding<'a> {
    fn of(finding: &'a Finding) -> Self {
        JsonFinding {
            path: &finding.path,
            line: finding.line,
            column: finding.column,
            end_line: finding.end_line,
            end_column: finding.end_column,
            severity: finding.severity,
            rule: finding.rule,
            message: &finding.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{excerpt, fails};
    use crate::cli::args::FailOn;
    use crate::diagnostic::Severity;

    #[test]
    fn long_lines_are_windowed_around_the_finding() {
        let line = "A".repeat(500);
        let (text, at, len) = excerpt(&line, 300, 302);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(text.chars().nth(at), Some('A'));
        assert_eq!(len, 2);
        assert_eq!(excerpt("SE*4*1~", 3, 4), ("SE*4*1~".to_string(), 3, 1));
    }

    #[test]
    fn fail_on_counts_its_severity_and_those_above() {
        assert!(fails(FailOn::Error, Severity::Error));
        assert!(!fails(FailOn::Error, Severity::Warning));
        assert!(fails(FailOn::Warning, Severity::Warning));
        assert!(!fails(FailOn::Warning, Severity::Info));
        assert!(fails(FailOn::Info, Severity::Info));
        assert!(!fails(FailOn::Info, Severity::Hint));
        assert!(!fails(FailOn::Never, Severity::Error));
    }
}
