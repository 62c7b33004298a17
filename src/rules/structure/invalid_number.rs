//! `invalid-number`: amounts and quantities are decimal numbers.
//!
//! X12 type R allows an optional minus sign, digits and one decimal point, nothing else;
//! `1,250.00`, `$40` or `4 units` are rejected by translators. Source: X12 5010 data
//! element types; 837 guides for CLM02, SV102/SV104, SV203/SV205, CTP04, AMT02, CAS.

use crate::csv::{self, ChargeField};
use crate::decimal::Decimal;
use crate::diagnostic::Severity;
use crate::model::ChargeFile;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::SegmentTag;

pub static RULE: Rule = Rule {
    id: "invalid-number",
    default_severity: Severity::Error,
    summary: "An amount or quantity is not a number",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Tree,
    formats: Formats::Both,
    default_for_policy: None,
};

/// The numeric (type R) elements that matter for claims and drug lines.
pub(crate) const NUMERIC_ELEMENTS: &[(&str, &[usize])] = &[
    ("CLM", &[2]),
    ("AMT", &[2]),
    ("SVD", &[2, 5]),
    ("SV1", &[2, 4]),
    ("SV2", &[3, 5, 7]),
    ("CTP", &[3, 4]),
    ("QTY", &[2]),
    ("CAS", &[3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19]),
];

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    if let Some(charges) = context.charges {
        return check_cells(charges, report);
    }
    let file = context.file;
    let tags: Vec<(SegmentTag, &str, &[usize])> =
        NUMERIC_ELEMENTS.iter().map(|(id, positions)| (SegmentTag::of(id), *id, *positions)).collect();
    for (index, tag) in file.tree.tags().iter().enumerate() {
        let Some((_, id, positions)) = tags.iter().find(|(wanted, _, _)| wanted == tag) else { continue };
        for position in *positions {
            let Some(span) = file.element_span(index, *position) else { continue };
            let value = span.text(&file.text);
            if !value.is_empty() && Decimal::parse(value).is_none() {
                report.add(
                    span,
                    format!("{id}{position:02} is not a number: use digits with an optional decimal point, e.g. 4 or 125.50"),
                );
            }
        }
    }
}

/// A charge file's number cells: units and NDC quantities are plain decimals; a charge
/// may be written as money (`$1,250.00`).
fn check_cells(charges: &ChargeFile, report: &mut Report<'_>) {
    let (text, table) = (charges.text.as_str(), &charges.table);
    let columns = [ChargeField::Units, ChargeField::NdcQuantity, ChargeField::Charge]
        .map(|field| (field, table.columns.column(field)));
    for row in &table.rows {
        for (field, column) in columns {
            let Some(cell) = column.and_then(|column| row.cell(column)) else { continue };
            let value = cell.text(text);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let (readable, example) = match field {
                ChargeField::Charge => (csv::parse_money(value).is_some(), "125.50 or $1,250.00"),
                _ => (Decimal::parse(value).is_some(), "4 or 2.5"),
            };
            if !readable {
                report.add(cell.span, format!("the {} column is not a number: write it like {example}", field.name()));
            }
        }
    }
}
