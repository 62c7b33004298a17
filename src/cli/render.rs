//! Output: rustc/ruff-style lines with a source excerpt for people; JSON, JSON Lines,
//! SARIF and JUnit for tools. Findings arrive one file at a time; the human and JSON
//! Lines outputs print them at once (a batch of thousands of files streams), the others
//! keep only the positioned findings, never the files, until the run ends.

use std::io::Write;

use serde::Serialize;

use super::args::{FailOn, Format};
use super::baseline::FindingKey;
use crate::diagnostic::{Diagnostic, Severity};
use crate::text::LineColumn;

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
    /// The source excerpt people see (human output only), cut when positioned so that
    /// neither the file nor its line needs to be kept.
    pub(super) excerpt: Option<Excerpt>,
}

impl Finding {
    /// Positions a finding; `positions` walks the file's text forward, so findings go
    /// through it in file order. `with_excerpt` for human output.
    pub(super) fn new(
        path: &str,
        positions: &mut Positions<'_>,
        diagnostic: Diagnostic,
        key: FindingKey,
        with_excerpt: bool,
    ) -> Self {
        let start = positions.locate(diagnostic.span.start);
        let start_at = positions.clone();
        let end = positions.clone().locate(diagnostic.span.end.max(diagnostic.span.start));
        let excerpt = with_excerpt.then(|| Excerpt::at(&start_at, start, end));
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
            excerpt,
        }
    }
}

/// Byte offsets to zero-based lines and character columns in one forward pass over a
/// text (lines end at `\n`, `\r\n` or `\r`, as `crate::text::line_column` counts them):
/// a finding costs the bytes since the previous one, never its whole line, so a
/// one-line file with thousands of findings stays linear.
#[derive(Clone)]
pub(super) struct Positions<'t> {
    text: &'t str,
    at: usize,
    line: usize,
    line_start: usize,
    column: usize,
}

impl<'t> Positions<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Positions { text, at: 0, line: 0, line_start: 0, column: 0 }
    }

    /// The line and column of `offset` (clamped to the text); moves the cursor there.
    pub(super) fn locate(&mut self, offset: usize) -> LineColumn {
        let mut target = offset.min(self.text.len());
        while !self.text.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.at {
            *self = Positions::new(self.text);
        }
        let bytes = self.text.as_bytes();
        let mut counted_from = self.at;
        let stretch = bytes.get(self.at..target).unwrap_or_default();
        for found in memchr::memchr2_iter(b'\n', b'\r', stretch) {
            let at = self.at + found;
            if bytes.get(at) == Some(&b'\r') && bytes.get(at + 1) == Some(&b'\n') {
                continue;
            }
            self.line += 1;
            self.line_start = at + 1;
            self.column = 0;
            counted_from = at + 1;
        }
        self.column += chars_in(bytes.get(counted_from..target).unwrap_or_default());
        self.at = target;
        LineColumn { line: self.line, column: self.column }
    }
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| (**byte as i8) >= -0x40).count()
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

    /// Starts a file: it counts in the summary (and gets its JUnit suite) even
    /// without findings.
    pub(super) fn begin_file(&mut self, path: &str) {
        self.files += 1;
        if self.format == Format::Junit {
            self.by_file.push((path.to_string(), Vec::new()));
        }
    }

    /// Takes reported findings (after the baseline) of the file begun last, in file
    /// order; a large file's come a transaction set at a time.
    pub(super) fn add(&mut self, findings: Vec<Finding>) {
        for finding in &findings {
            self.counts[finding.severity as usize] += 1;
        }
        if self.format == Format::Junit {
            self.printed += findings.len();
            if let Some((_, held)) = self.by_file.last_mut() {
                held.extend(findings);
            }
            return;
        }
        for finding in findings {
            if !self.room() {
                break;
            }
            self.printed += 1;
            match self.format {
                Format::Human => self.out.print(&human_finding(&finding)),
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

/// A window of a source line around a finding, with control characters (some files use
/// them as separators) shown as spaces, and where the caret goes inside it.
pub(super) struct Excerpt {
    text: String,
    caret_at: usize,
    caret_len: usize,
}

impl Excerpt {
    /// The window around a finding that starts at `start` (the cursor stands there) and
    /// ends at `end`: at most `EXCERPT_WIDTH` characters of its line, a third of them
    /// before the start, read from the text around the finding — never the whole line.
    fn at(cursor: &Positions<'_>, start: LineColumn, end: LineColumn) -> Excerpt {
        let from = start.column.saturating_sub(EXCERPT_WIDTH / 3);
        // Back from the finding to the window's first character, inside the line.
        let mut window_start = cursor.at;
        for _ in from..start.column {
            if window_start <= cursor.line_start {
                break;
            }
            window_start -= 1;
            while window_start > cursor.line_start && !cursor.text.is_char_boundary(window_start) {
                window_start -= 1;
            }
        }
        let rest = cursor.text.get(window_start..).unwrap_or_default();
        let mut shown = rest.chars().take_while(|c| *c != '\n' && *c != '\r');
        let mut text: String =
            shown.by_ref().take(EXCERPT_WIDTH).map(|c| if c.is_control() { ' ' } else { c }).collect();
        let to = from + text.chars().count();
        let more = shown.next().is_some();
        let mut caret_at = start.column - from;
        if from > 0 {
            text.insert(0, '…');
            caret_at += 1;
        }
        if more {
            text.push('…');
        }
        // A finding that runs past its line is underlined to the end of the window.
        let underline_end = if end.line == start.line { end.column } else { to };
        let caret_len = underline_end.max(start.column + 1).min(to).saturating_sub(start.column).max(1);
        Excerpt { text, caret_at, caret_len }
    }
}

fn human_finding(finding: &Finding) -> String {
    let mut text = format!(
        "{}:{}:{}: {}[{}] {}\n",
        finding.path,
        finding.line,
        finding.column,
        finding.severity.as_str(),
        finding.rule,
        finding.message
    );
    let Some(excerpt) = &finding.excerpt else { return text };
    let gutter = finding.line.to_string();
    let width = gutter.len();
    text.push_str(&format!("{:width$} |\n", ""));
    text.push_str(&format!("{gutter} | {}\n", excerpt.text));
    text.push_str(&format!("{:width$} | {}{}\n", "", " ".repeat(excerpt.caret_at), "^".repeat(excerpt.caret_len)));
    text
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
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
    use super::{fails, Excerpt, Positions};
    use crate::cli::args::FailOn;
    use crate::diagnostic::Severity;
    use crate::text::{line_column, PositionEncoding};

    /// The excerpt of a finding over `start..end` (byte offsets) of `text`.
    fn excerpt(text: &str, start: usize, end: usize) -> (String, usize, usize) {
        let mut positions = Positions::new(text);
        let at = positions.locate(start);
        let to = positions.clone().locate(end);
        let excerpt = Excerpt::at(&positions, at, to);
        (excerpt.text, excerpt.caret_at, excerpt.caret_len)
    }

    #[test]
    fn long_lines_are_windowed_around_the_finding() {
        let line = "A".repeat(500);
        let (text, at, len) = excerpt(&line, 300, 302);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(text.chars().nth(at), Some('A'));
        assert_eq!(len, 2);
        assert_eq!(excerpt("SE*4*1~", 3, 4), ("SE*4*1~".to_string(), 3, 1));
        assert_eq!(excerpt("ST*837~\r\nSE*4*1~\n", 12, 13), ("SE*4*1~".to_string(), 3, 1));
    }

    #[test]
    fn the_excerpt_of_a_finding_on_a_huge_line_is_bounded() {
        // A one-line batch: the excerpt is a window, whatever the line's length.
        let line = "SV1*HC:J9035*81.2*UN*40~".repeat(100_000);
        let middle = line.len() / 2;
        let (text, at, len) = excerpt(&line, middle, line.len());
        assert_eq!(text.chars().count(), 102, "100 characters and two ellipses");
        assert_eq!((at, len), (34, 67), "the caret runs to the end of the window");
        let (text, _, _) = excerpt(&line, 5, 6);
        assert_eq!(text.chars().count(), 101, "nothing cut before the start");
    }

    #[test]
    fn positions_count_lines_and_characters_as_the_rope_does() {
        let text = "\u{feff}ISA*é𝔄*x~\r\nGS*\u{2028}~\rST*1~\n\nSE*2~\r\n\r\nIEA*1";
        let rope = ropey::Rope::from_str(text);
        let mut positions = Positions::new(text);
        let offsets: Vec<usize> =
            (0..=text.len() + 2).filter(|at| text.is_char_boundary(*at) || *at > text.len()).collect();
        for pass in [offsets.clone(), offsets.iter().rev().copied().collect()] {
            for offset in pass {
                assert_eq!(
                    positions.locate(offset),
                    line_column(&rope, offset, PositionEncoding::Utf32),
                    "offset {offset}"
                );
            }
        }
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
