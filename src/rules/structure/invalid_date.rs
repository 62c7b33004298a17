//! `invalid-date`: D8 and RD8 dates are real calendar dates (and a range runs forward).
//!
//! A date like 20230229 passes a format check but fails payer edits, and the claim comes
//! back as unprocessable. Source: 837 guides, DTP02 format qualifiers D8 (CCYYMMDD) and
//! RD8 (CCYYMMDD-CCYYMMDD); DMG01 D8. Messages never quote the date: dates of service
//! and birth dates are patient data.

use crate::calendar::CalendarDate;
use crate::csv::{self, ChargeField};
use crate::diagnostic::Severity;
use crate::model::ChargeFile;
use crate::model::ClaimFile;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::SegmentIndex;
use crate::syntax::SegmentTag;

pub static RULE: Rule = Rule {
    id: "invalid-date",
    default_severity: Severity::Error,
    summary: "A D8/RD8 date is not a real calendar date",
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
    let (dtp, dmg) = (SegmentTag::of("DTP"), SegmentTag::of("DMG"));
    for (index, tag) in file.tree.tags().iter().enumerate() {
        if *tag == dtp {
            check_date(file, report, index, "DTP", 2, 3);
        } else if *tag == dmg {
            check_date(file, report, index, "DMG", 1, 2);
        }
    }
}

/// A charge file's date cells: a real date in one of the formats charge files write, and
/// a service range that runs forward.
fn check_cells(charges: &ChargeFile, report: &mut Report<'_>) {
    let (text, table) = (charges.text.as_str(), &charges.table);
    for row in &table.rows {
        let mut dates = [None, None];
        for (slot, field) in [ChargeField::DateOfService, ChargeField::DateTo].into_iter().enumerate() {
            let Some(cell) = table.cell(row, field) else { continue };
            let value = cell.text(text);
            if value.trim().is_empty() {
                continue;
            }
            match csv::parse_date(&value) {
                Some(date) => {
                    if let Some(place) = dates.get_mut(slot) {
                        *place = Some((date, cell.span));
                    }
                }
                None => report.add(
                    cell.span,
                    format!(
                        "the {} column is not a real calendar date (write YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY)",
                        field.name()
                    ),
                ),
            }
        }
        if let [Some((from, _)), Some((to, span))] = dates {
            if to < from {
                report.add(span, "the date to column is before the date of service: the range ends before it starts");
            }
        }
    }
}

fn check_date(
    file: &ClaimFile,
    report: &mut Report<'_>,
    segment: SegmentIndex,
    id: &str,
    format_position: usize,
    value_position: usize,
) {
    let value = file.value(segment, value_position);
    if value.is_empty() {
        return;
    }
    // Named only when there is something to say: this runs on every date in the file.
    let element = || format!("{id}{value_position:02}");
    let problem = match file.value(segment, format_position) {
        "D8" => CalendarDate::parse_ccyymmdd(value)
            .is_none()
            .then(|| format!("{} is not a real calendar date (format D8 expects CCYYMMDD)", element())),
        "RD8" => {
            match value.split_once('-').map(|(a, b)| (CalendarDate::parse_ccyymmdd(a), CalendarDate::parse_ccyymmdd(b)))
            {
                Some((Some(start), Some(end))) if start <= end => None,
                Some((Some(_), Some(_))) => Some(format!("{} is a range that ends before it starts", element())),
                _ => Some(format!("{} is not a real date range (format RD8 expects CCYYMMDD-CCYYMMDD)", element())),
            }
        }
        _ => None,
    };
    if let Some(message) = problem {
        report.add(file.element_or_segment_span(segment, value_position), message);
    }
}
