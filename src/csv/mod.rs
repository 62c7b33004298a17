//! The charge-file reader: charge-capture and charge-batch exports (CSV, TSV, semicolon
//! or pipe separated), one row per charge. It reads records losslessly with byte spans on
//! everything (`reader`), matches header names to charge fields (`columns`), decides
//! whether a CSV is a charge file at all (`detect`), and reads the values charge files
//! write (`values`, `ndc`). It never fails. `docs/charge-files.md` describes the format.

mod columns;
mod detect;
mod ndc;
mod reader;
mod values;

pub use columns::{ChargeField, ColumnMap};
pub use detect::{describe_missing, detect, looks_like_hcpcs, Detection, REQUIRED, SAMPLE_ROWS};
pub use ndc::{ndc_unit_code, normalize_ndc};
pub use reader::{Cell, Row};
pub use values::{parse_date, parse_money, split_modifiers};

/// A charge file read into its header, rows and the charge field of each column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChargeTable {
    /// `b','`, `b'\t'`, `b';'` or `b'|'`, sniffed from the header.
    pub delimiter: u8,
    pub header: Row,
    /// Data rows in order; blank lines are skipped (their bytes belong to no row).
    pub rows: Vec<Row>,
    pub columns: ColumnMap,
}

impl ChargeTable {
    /// `row`'s cell for `field`, when the header has that column and the row reaches it.
    pub fn cell<'r>(&self, row: &'r Row, field: ChargeField) -> Option<&'r Cell> {
        row.cell(self.columns.column(field)?)
    }
}

/// Reads `text` as a delimited table; never fails (empty text gives an empty header).
pub fn parse(text: &str) -> ChargeTable {
    let records = reader::read(text);
    let columns = ColumnMap::from_header(&records.header, text);
    ChargeTable { delimiter: records.delimiter, header: records.header, rows: records.rows, columns }
}

/// Reads the rows of `text` from `from` (where a row starts) up to `to`, as [`parse`]
/// reads them from the whole text with `table`'s delimiter; `None` unless the last one
/// ends exactly at `to`. For re-reading only the rows an edit touched.
pub fn read_rows(text: &str, from: usize, to: usize, table: &ChargeTable) -> Option<Vec<Row>> {
    reader::read_between(text, from, to, table.delimiter, table.header.cells.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/charges").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The bevacizumab line of each dialect reads as the same charge.
    #[test]
    fn every_dialect_reads_the_same_drug_line() {
        for (name, delimiter) in [
            ("comma-quoted-money.csv", b','),
            ("tab-separated.tsv", b'\t'),
            ("semicolon-bom-crlf.csv", b';'),
            ("modifiers-column.csv", b','),
        ] {
            let text = fixture(name);
            let table = parse(&text);
            assert_eq!(table.delimiter, delimiter, "{name}");
            let value =
                |row: &Row, field| table.cell(row, field).map(|c| c.text(&text).into_owned()).unwrap_or_default();
            let line = &table.rows[1];
            assert_eq!(value(line, ChargeField::ProcedureCode), "J9035", "{name}");
            assert_eq!(value(line, ChargeField::Units), "9", "{name}");
            assert_eq!(parse_money(&value(line, ChargeField::Charge)), parse_money("1215"), "{name}");
            assert_eq!(
                parse_date(&value(line, ChargeField::DateOfService)).map(|d| d.to_string()),
                Some("2024-03-07".into())
            );
            assert_eq!(normalize_ndc(&value(line, ChargeField::Ndc)).as_deref(), Some("50242006001"), "{name}");
            assert_eq!(value(line, ChargeField::PayerClass), "MB", "{name}");
            assert!(table.columns.column(ChargeField::Claim).is_some(), "{name}");
            assert!(table.columns.duplicates().is_empty(), "{name}");
        }
    }

    /// The semicolon fixture keeps its BOM and CRLF line ends (a re-save that drops them
    /// would stop testing them).
    #[test]
    fn the_semicolon_fixture_has_a_bom_and_crlf() {
        let text = fixture("semicolon-bom-crlf.csv");
        let table = parse(&text);
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(table.header.span.start, 3);
        assert_eq!(table.columns.column(ChargeField::Claim), Some(0), "the BOM is not part of the first name");
        assert!(table.rows.iter().all(|row| row.line_end.text(&text) == "\r\n"));
    }

    #[test]
    fn the_modifiers_column_splits_into_modifiers_in_place() {
        let text = fixture("modifiers-column.csv");
        let table = parse(&text);
        let cell = table.cell(&table.rows[2], ChargeField::Modifiers).copied().unwrap_or_default();
        let value = cell.value_span();
        let modifiers: Vec<_> =
            split_modifiers(value.text(&text)).map(|(offset, m)| (m, value.start + offset)).collect();
        assert_eq!(modifiers.iter().map(|(m, _)| *m).collect::<Vec<_>>(), ["JW", "59"]);
        for (modifier, start) in modifiers {
            assert_eq!(text.get(start..start + modifier.len()), Some(modifier), "the offset points at the modifier");
        }
        let quoted = table.cell(&table.rows[5], ChargeField::Modifiers).copied().unwrap_or_default();
        assert!(quoted.quoted);
        assert_eq!(split_modifiers(&quoted.text(&text)).map(|(_, m)| m.to_string()).collect::<Vec<_>>(), ["59", "RT"]);
    }
}
