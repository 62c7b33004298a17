//! `invalid-date`: D8 and RD8 dates are real calendar dates (and a range runs forward).
//!
//! A date like 20230229 passes a format check but fails payer edits, and the claim comes
//! back as unprocessable. Source: 837 guides, DTP02 format qualifiers D8 (CCYYMMDD) and
//! RD8 (CCYYMMDD-CCYYMMDD); DMG01 D8. Messages never quote the date: dates of service
//! and birth dates are patient data.

use crate::calendar::CalendarDate;
use crate::diagnostic::Severity;
use crate::model::ClaimFile;
use crate::rules::{Report, Rule, RuleContext, Reads, RuleScope};
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
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
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
