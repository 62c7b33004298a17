//! Output: rustc/ruff-style lines with a source excerpt, or JSON for tools.

use std::path::PathBuf;

use ropey::Rope;
use serde::Serialize;

use crate::analysis::Analysis;
use crate::diagnostic::Severity;
use crate::text::{line_column, PositionEncoding};

pub(super) struct FileFindings {
    pub(super) path: PathBuf,
    pub(super) analysis: Analysis,
}

/// Longest stretch of a source line shown; 837 files often have no line breaks at all.
const EXCERPT_WIDTH: usize = 100;

pub(super) fn human(findings: &[FileFindings]) {
    let mut counts = [0usize; 4];
    for finding in findings {
        let rope = Rope::from_str(finding.analysis.text());
        for diagnostic in &finding.analysis.diagnostics {
            counts[diagnostic.severity as usize] += 1;
            let start = line_column(&rope, diagnostic.span.start, PositionEncoding::Utf32);
            let end = line_column(&rope, diagnostic.span.end, PositionEncoding::Utf32);
            println!(
                "{}:{}:{}: {}[{}] {}",
                finding.path.display(),
                start.line + 1,
                start.column + 1,
                diagnostic.severity.as_str(),
                diagnostic.rule,
                diagnostic.message
            );
            let line: String = rope
                .get_line(start.line)
                .map(|l| l.chars().filter(|c| *c != '\n' && *c != '\r').collect())
                .unwrap_or_default();
            let underline_end = if end.line == start.line { end.column } else { line.chars().count() };
            let (excerpt, caret_at, caret_len) = excerpt(&line, start.column, underline_end.max(start.column + 1));
            let gutter = (start.line + 1).to_string();
            println!("{:width$} |", "", width = gutter.len());
            println!("{gutter} | {excerpt}");
            println!("{:width$} | {}{}", "", " ".repeat(caret_at), "^".repeat(caret_len), width = gutter.len());
        }
    }
    let [errors, warnings, infos, hints] = counts;
    let files = findings.len();
    println!(
        "{} error{}, {} warning{}, {} info, {} hint{} in {files} file{}",
        errors,
        plural(errors),
        warnings,
        plural(warnings),
        infos,
        hints,
        plural(hints),
        plural(files)
    );
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

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: Severity,
    rule: &'a str,
    message: &'a str,
}

pub(super) fn json(findings: &[FileFindings]) {
    let mut out = Vec::new();
    for finding in findings {
        let rope = Rope::from_str(finding.analysis.text());
        for diagnostic in &finding.analysis.diagnostics {
            let start = line_column(&rope, diagnostic.span.start, PositionEncoding::Utf32);
            let end = line_column(&rope, diagnostic.span.end, PositionEncoding::Utf32);
            out.push(JsonDiagnostic {
                path: finding.path.display().to_string(),
                line: start.line + 1,
                column: start.column + 1,
                end_line: end.line + 1,
                end_column: end.column + 1,
                severity: diagnostic.severity,
                rule: diagnostic.rule,
                message: &diagnostic.message,
            });
        }
    }
    match serde_json::to_string_pretty(&out) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("claim-lsp: cannot write JSON: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn long_lines_are_windowed_around_the_finding() {
        let line = "A".repeat(500);
        let (text, at, len) = excerpt(&line, 300, 302);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(text.chars().nth(at), Some('A'));
        assert_eq!(len, 2);
        assert_eq!(excerpt("SE*4*1~", 3, 4), ("SE*4*1~".to_string(), 3, 1));
    }
}
