//! Hover in a charge file: on a header cell, the field the column maps to, its 837
//! place and the rules that read it; on a data cell, the value explained — a procedure
//! code from the CMS table, a modifier, units as the dose they bill, an NDC normalised
//! to 11 digits. A CSV that is not a charge file gets no hover.

use super::code_docs::{self, LineContext};
use super::hover::HoverDoc;
use crate::codes::CodeTable;
use crate::csv::{normalize_ndc, parse_date, split_modifiers, Cell, ChargeField, ChargeTable, Row};
use crate::decimal::Decimal;
use crate::model::ChargeFile;
use crate::syntax::Span;

/// The rules that read each field (besides the claim column, which groups rows).
pub(crate) fn rules_reading(field: ChargeField) -> &'static [&'static str] {
    match field {
        ChargeField::ProcedureCode => &[
            "unknown-code",
            "code-not-effective",
            "drug-units-not-whole",
            "units-over-limit",
            "ndc-quantity-mismatch",
            "drug-line-missing-ndc",
            "noc-missing-description",
            "prior-auth-missing",
            "missing-jw-jz",
            "wastage-modifier-on-non-drug",
            "jw-without-administered-line",
            "jz-with-wastage-line",
            "jw-below-billing-unit",
        ],
        ChargeField::Modifier(_) | ChargeField::Modifiers => &[
            "unknown-modifier",
            "modifier-not-effective",
            "duplicate-modifier",
            "modifier-59-with-x",
            "modifier-rt-lt",
            "modifier-ga-gz",
            "missing-jw-jz",
            "jw-jz-same-line",
            "jz-with-wastage-line",
            "jw-without-administered-line",
            "wastage-modifier-on-non-drug",
            "jw-below-billing-unit",
        ],
        ChargeField::Units => &[
            "invalid-number",
            "units-invalid",
            "drug-units-not-whole",
            "units-over-limit",
            "ndc-quantity-mismatch",
            "jw-below-billing-unit",
        ],
        ChargeField::Charge => &["invalid-number"],
        ChargeField::DateOfService => &[
            "invalid-date",
            "code-not-effective",
            "modifier-not-effective",
            "units-over-limit",
            "missing-jw-jz",
            "jw-without-administered-line",
            "jw-below-billing-unit",
        ],
        ChargeField::DateTo => &["invalid-date"],
        ChargeField::Ndc => &["drug-line-missing-ndc", "ndc-quantity-mismatch", "jw-below-billing-unit"],
        ChargeField::NdcQuantity | ChargeField::NdcUnit => {
            &["invalid-number", "ndc-quantity-mismatch", "jw-below-billing-unit"]
        }
        ChargeField::PayerClass => &["missing-jw-jz", "drug-line-missing-ndc"],
        ChargeField::PlaceOfService => &["missing-jw-jz"],
        ChargeField::RenderingNpi => &["npi-check-digit"],
        ChargeField::Description => &["noc-missing-description", "unknown-modifier"],
        ChargeField::PriorAuthorization => &["prior-auth-missing"],
        ChargeField::Claim | ChargeField::PayerId | ChargeField::RevenueCode => &[],
    }
}

pub(crate) fn hover(file: &ChargeFile, codes: &CodeTable, offset: usize) -> Option<HoverDoc> {
    if !file.is_charges() {
        return None;
    }
    let table = &file.table;
    if table.header.span.touches(offset) && !table.header.cells.is_empty() {
        let (column, cell) = cell_under(&table.header, offset)?;
        return Some(HoverDoc { span: cell.value_span(), markdown: header_doc(file, column, cell) });
    }
    let rows = &table.rows;
    let row = rows.get(rows.partition_point(|row| row.span.end < offset)).filter(|row| row.span.touches(offset))?;
    let (column, cell) = cell_under(row, offset)?;
    let field = table.columns.field_of(column)?;
    let value_span = cell.value_span();
    let value = cell.text(&file.text);
    let column_line = column_line(file, column, field);
    let date = || table.cell(row, ChargeField::DateOfService).and_then(|cell| parse_date(&cell.text(&file.text)));
    let (span, doc) = match field {
        ChargeField::ProcedureCode => {
            let context = LineContext {
                units: value_of(file, table, row, ChargeField::Units),
                unit_basis: None,
                date_of_service: date(),
            };
            (value_span, code_docs::procedure_doc(codes, &value, Some(&context)))
        }
        ChargeField::Modifier(_) => (value_span, code_docs::modifier_doc(codes, value.trim(), date())),
        ChargeField::Modifiers => {
            let text = value_span.text(&file.text);
            let (start, modifier) = split_modifiers(text).find(|(start, m)| {
                value_span.start + start <= offset && offset <= value_span.start + start + m.len()
            })?;
            let span = Span::new(value_span.start + start, value_span.start + start + modifier.len());
            (span, code_docs::modifier_doc(codes, modifier, date()))
        }
        ChargeField::Units => (value_span, units_doc(file, codes, table, row, &value)),
        ChargeField::Ndc => (value_span, ndc_doc(&value)),
        _ => (value_span, None),
    };
    let markdown = match doc {
        Some(doc) => format!("{doc}\n\n---\n{column_line}"),
        None if value.trim().is_empty() => return None,
        None => column_line,
    };
    Some(HoverDoc { span, markdown })
}

/// The cell holding `offset`, with its column.
fn cell_under(row: &Row, offset: usize) -> Option<(usize, &Cell)> {
    row.cells.iter().enumerate().find(|(_, cell)| cell.span.touches(offset))
}

fn value_of(file: &ChargeFile, table: &ChargeTable, row: &Row, field: ChargeField) -> Option<String> {
    table.cell(row, field).map(|cell| cell.text(&file.text).trim().to_string()).filter(|v| !v.is_empty())
}

/// "Column `Units` → units (837 SV104 / SV205)".
fn column_line(file: &ChargeFile, column: usize, field: ChargeField) -> String {
    let header =
        file.table.header.cell(column).map(|cell| cell.text(&file.text).trim().to_string()).unwrap_or_default();
    format!("Column `{header}` → {} (837 {})", field.name(), field.x12())
}

fn header_doc(file: &ChargeFile, column: usize, cell: &Cell) -> String {
    let header = cell.text(&file.text).trim().to_string();
    let columns = &file.table.columns;
    if let Some(field) = columns.field_of(column) {
        let mut doc = format!("**{header}** — the {} column (837 {})", field.name(), field.x12());
        let rules = rules_reading(field);
        if field == ChargeField::Claim {
            doc.push_str("\n\nRows with the same value form one claim.");
        } else if field == ChargeField::PayerClass {
            doc.push_str("\n\nSets each claim's payer policy: which rules apply, at what level.");
        }
        if !rules.is_empty() {
            let list: Vec<String> = rules.iter().map(|id| format!("`{id}`")).collect();
            doc.push_str(&format!("\n\nRead by: {}", list.join(", ")));
        }
        return doc;
    }
    if let Some((field, first, _)) = columns.duplicates().iter().find(|(_, _, second)| *second == column) {
        let first_name =
            file.table.header.cell(*first).map(|c| c.text(&file.text).trim().to_string()).unwrap_or_default();
        return format!(
            "**{header}** — a second {} column: `{first_name}` is the one read (`csv-duplicate-column`)",
            field.name()
        );
    }
    format!("**{header}** — not a charge column; claim-lsp does not read it")
}

/// Units as the dose they bill: "9 units = 90 mg bevacizumab (10 mg per unit)".
fn units_doc(file: &ChargeFile, codes: &CodeTable, table: &ChargeTable, row: &Row, value: &str) -> Option<String> {
    let code = value_of(file, table, row, ChargeField::ProcedureCode)?;
    let record = codes.procedure(&code)?;
    let unit = record.billing_unit()?;
    let units = Decimal::parse(value.trim()).filter(|units| !units.is_negative())?;
    let amount = unit.amount_for_units(units)?;
    let plural = if units == Decimal::ONE { "unit" } else { "units" };
    Some(format!("**{} {plural} of {code}** = {amount}\n\n1 unit = {}", units.grouped(), unit.per_unit_text()))
}

/// An NDC as written and as the 11 digits every check reads.
fn ndc_doc(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some(match normalize_ndc(value) {
        Some(eleven) if eleven == value => format!("**NDC {value}** — 11 digits (5-4-2)"),
        Some(eleven) => format!(
            "**NDC {value}** — read as **{eleven}** (11 digits, 5-4-2: {}-{}-{})",
            eleven.get(..5).unwrap_or(""),
            eleven.get(5..9).unwrap_or(""),
            eleven.get(9..).unwrap_or("")
        ),
        None => format!(
            "**NDC {value}** — cannot be read as an 11-digit NDC: write it 5-4-2 (`50242-0060-01`), \
             hyphenated 4-4-2 / 5-3-2 / 5-4-1, or as 11 digits"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Environment;

    const TEXT: &str = "Account Number,Service Date,CPT/HCPCS,Modifiers,Units,Charge,NDC,Patient Name,Code\n\
                        A1,03/07/2024,J9035,\"JW, 59\",9,\"$1,215.00\",50242-060-01,Jane Doe,X\n";

    fn hover_at(text: &str, needle: &str, name: &str) -> Option<HoverDoc> {
        let file = ChargeFile::parse(text.to_string(), Some(name));
        let environment = Environment::default();
        let offset = text.find(needle)? + 1;
        hover(&file, environment.codes(), offset)
    }

    fn markdown(needle: &str) -> String {
        hover_at(TEXT, needle, "batch.csv").map(|doc| doc.markdown).unwrap_or_default()
    }

    #[test]
    fn a_code_cell_explains_the_code_and_the_rows_dose() {
        let doc = markdown("J9035");
        assert!(doc.contains("**J9035** — Injection, bevacizumab, 10 mg"), "{doc}");
        assert!(doc.contains("This line: 9 units = 90 mg"), "{doc}");
        assert!(doc.contains("Column `CPT/HCPCS` → procedure code (837 SV101-2 / SV202-2)"), "{doc}");
    }

    #[test]
    fn units_read_as_the_dose_and_an_ndc_as_eleven_digits() {
        let doc = markdown(",9,");
        assert!(doc.contains("**9 units of J9035** = 90 mg"), "{doc}");
        let doc = markdown("50242-060-01");
        assert!(doc.contains("read as **50242006001**"), "{doc}");
        let bad = TEXT.replace("50242-060-01", "5024206001");
        let doc = hover_at(&bad, "5024206001", "batch.csv").map(|d| d.markdown).unwrap_or_default();
        assert!(doc.contains("cannot be read as an 11-digit NDC"), "{doc}");
    }

    #[test]
    fn each_modifier_of_a_modifiers_cell_has_its_own_hover() {
        let doc = hover_at(TEXT, "59\"", "batch.csv").expect("hover on 59");
        assert!(doc.markdown.starts_with("**59**"), "{}", doc.markdown);
        assert_eq!(doc.span.text(TEXT), "59");
        let jw = hover_at(TEXT, "JW,", "batch.csv").expect("hover on JW");
        assert_eq!(jw.span.text(TEXT), "JW");
        assert!(jw.markdown.contains("JW"), "{}", jw.markdown);
    }

    #[test]
    fn header_cells_name_their_field_and_the_rules_that_read_it() {
        let doc = markdown("Units");
        assert!(doc.starts_with("**Units** — the units column (837 SV104 / SV205)"), "{doc}");
        assert!(doc.contains("`drug-units-not-whole`"), "{doc}");
        let doc = markdown("Patient Name");
        assert_eq!(doc, "**Patient Name** — not a charge column; claim-lsp does not read it");
        let doc = markdown(",Code\n");
        assert!(doc.contains("a second procedure code column: `CPT/HCPCS` is the one read"), "{doc}");
        let doc = markdown("Account Number");
        assert!(doc.contains("Rows with the same value form one claim"), "{doc}");
    }

    #[test]
    fn unread_cells_and_plain_csv_files_get_nothing() {
        assert_eq!(hover_at(TEXT, "Jane", "batch.csv"), None, "an unmapped column's values");
        let inventory = "Code,Description,Qty,Amount\nGZ-4410,Gauze,200,\"$18.40\"\n";
        assert_eq!(hover_at(inventory, "GZ-4410", "inventory.csv"), None);
        assert_eq!(hover_at(inventory, "Qty", "inventory.csv"), None);
    }

    #[test]
    fn every_rule_named_exists() {
        let fields = [
            ChargeField::ProcedureCode,
            ChargeField::Modifier(1),
            ChargeField::Units,
            ChargeField::Charge,
            ChargeField::DateOfService,
            ChargeField::DateTo,
            ChargeField::Ndc,
            ChargeField::NdcQuantity,
            ChargeField::PayerClass,
            ChargeField::PlaceOfService,
            ChargeField::RenderingNpi,
            ChargeField::Description,
            ChargeField::PriorAuthorization,
        ];
        for field in fields {
            for id in rules_reading(field) {
                assert!(crate::rules::by_id(id).is_some(), "{id}");
            }
        }
    }
}
