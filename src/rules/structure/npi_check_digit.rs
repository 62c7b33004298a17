//! `npi-check-digit`: an NPI (NM1 with NM108 `XX`) is ten digits whose last digit is the
//! Luhn check digit over `80840` and the first nine.
//!
//! A mistyped NPI is the most common front-end rejection for provider loops. Source:
//! CMS NPI standard (45 CFR 162.406), check-digit algorithm ISO/IEC 7812 with prefix 80840.

use crate::csv::ChargeField;
use crate::diagnostic::Severity;
use crate::model::ChargeFile;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "npi-check-digit",
    default_severity: Severity::Error,
    summary: "An NPI is not ten digits or its check digit is wrong",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Tree,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    if let Some(charges) = context.charges {
        return check_cells(charges, report);
    }
    let file = context.file;
    for index in file.tree.segments_with_id("NM1") {
        if file.value(index, 8) != "XX" {
            continue;
        }
        let npi = file.value(index, 9);
        let span = file.element_or_segment_span(index, 9);
        if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
            report.add(span, "NM109 must be a 10-digit NPI when NM108 is XX");
            continue;
        }
        let expected = check_digit(npi.get(..9).unwrap_or(""));
        if npi.as_bytes().get(9).map(|b| b - b'0') != expected {
            let expected = expected.map_or_else(String::new, |d| format!("; the check digit should be {d}"));
            report.add(span, format!("NM109 is not a valid NPI: its last digit fails the Luhn check{expected}"));
        }
    }
}

/// The Luhn check digit of `80840` followed by the nine base digits.
pub fn check_digit(base: &str) -> Option<u8> {
    if base.len() != 9 || !base.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut total = 0u32;
    for (i, byte) in "80840".bytes().chain(base.bytes()).rev().enumerate() {
        let mut digit = u32::from(byte - b'0');
        if i % 2 == 0 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        total += digit;
    }
    u8::try_from((10 - total % 10) % 10).ok()
}

/// A charge file's rendering NPI cells.
fn check_cells(charges: &ChargeFile, report: &mut Report<'_>) {
    let (text, table) = (charges.text.as_str(), &charges.table);
    for row in &table.rows {
        let Some(cell) = table.cell(row, ChargeField::RenderingNpi) else { continue };
        let npi = cell.text(text);
        let npi = npi.trim();
        if npi.is_empty() {
            continue;
        }
        if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
            report.add(cell.span, "the rendering NPI column must hold a 10-digit NPI");
            continue;
        }
        let expected = check_digit(npi.get(..9).unwrap_or(""));
        if npi.as_bytes().get(9).map(|b| b - b'0') != expected {
            let expected = expected.map_or_else(String::new, |d| format!("; the check digit should be {d}"));
            report.add(
                cell.span,
                format!("the rendering NPI column is not a valid NPI: its last digit fails the Luhn check{expected}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_digit;

    #[test]
    fn computes_the_cms_example() {
        // CMS's published example: 123456789 → check digit 3 (NPI 1234567893).
        assert_eq!(check_digit("123456789"), Some(3));
        assert_eq!(check_digit("12345678"), None);
    }
}
