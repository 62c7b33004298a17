//! `--format junit`: a JUnit XML report, the test-report format GitLab, Jenkins, Azure
//! Pipelines and others display. One test suite per file, one test case per file and
//! rule that checks its format; a case fails when the rule has a finding at the
//! `--fail-on` level or above, and lists the rule's findings (those below the level go
//! to the case's output).

use super::args::FailOn;
use super::render::{fails, Finding};
use crate::rules;

/// The report, with a final newline. `max_findings` caps the findings written out; the
/// pass or failure of every case still counts them all.
pub(super) fn report(files: &[(String, Vec<Finding>)], fail_on: FailOn, max_findings: Option<usize>) -> String {
    let mut written = 0usize;
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0usize, 0usize);
    for (path, findings) in files {
        let mut cases = String::new();
        let mut failures = 0usize;
        // `check` reads every file as an 837 so far; a charge file's suite would list the
        // rules with `includes_charges`.
        let applicable: Vec<_> = rules::ALL.iter().filter(|rule| rule.formats.includes_x12()).collect();
        for rule in &applicable {
            let mine: Vec<&Finding> = findings.iter().filter(|finding| finding.rule == rule.id).collect();
            let failing = mine.iter().any(|finding| fails(fail_on, finding.severity));
            let mut lines = String::new();
            let mut unwritten = 0usize;
            for finding in &mine {
                if max_findings.is_some_and(|max| written >= max) {
                    unwritten += 1;
                    continue;
                }
                written += 1;
                lines.push_str(&format!(
                    "{}:{}:{}: {}[{}] {}\n",
                    finding.path,
                    finding.line,
                    finding.column,
                    finding.severity.as_str(),
                    finding.rule,
                    finding.message
                ));
            }
            if unwritten > 0 {
                lines.push_str(&format!("… and {unwritten} more (--max-findings)\n"));
            }
            cases.push_str(&format!("    <testcase name=\"{}\" classname=\"{}\"", escape(rule.id), escape(path)));
            if mine.is_empty() {
                cases.push_str("/>\n");
                continue;
            }
            cases.push_str(">\n");
            if failing {
                failures += 1;
                let first = mine.first().map_or_else(String::new, |f| f.message.clone());
                let more = if mine.len() > 1 { format!(" (and {} more)", mine.len() - 1) } else { String::new() };
                cases.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                    escape(rule.id),
                    escape(&format!("{first}{more}")),
                    escape(&lines)
                ));
            } else {
                cases.push_str(&format!("      <system-out>{}</system-out>\n", escape(&lines)));
            }
            cases.push_str("    </testcase>\n");
        }
        let tests = applicable.len();
        total_tests += tests;
        total_failures += failures;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
            escape(path)
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"claim-lsp\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}

/// Text for XML attributes and content: the five markup characters as entities, and
/// characters XML 1.0 cannot hold (most control characters) as U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
        assert_eq!(escape("x\u{1}y\nz"), "x\u{FFFD}y\nz");
    }
}
