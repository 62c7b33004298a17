//! Is this CSV a charge file? Only then does anything else look at it: any other CSV is
//! left alone. The header must name the charge columns and the first data rows must carry
//! HCPCS/CPT codes (so an inventory sheet with `code`, `qty` and `amount` is not taken for
//! one), unless the file is named `*.charges.csv` / `*.charges.tsv`.

use super::columns::ChargeField;
use super::ChargeTable;

/// What a charge file must have, each entry one requirement met by any one of its fields:
/// a procedure-code column, a units column, and a date-of-service, charge or NDC column.
pub const REQUIRED: &[&[ChargeField]] = &[
    &[ChargeField::ProcedureCode],
    &[ChargeField::Units],
    &[ChargeField::DateOfService, ChargeField::Charge, ChargeField::Ndc],
];

/// How many data rows the code check reads: an edit below them cannot change detection.
pub const SAMPLE_ROWS: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detection {
    /// The header and the first rows say charge file.
    Charges,
    /// Named `*.charges.csv` / `*.charges.tsv` but not recognised by its content:
    /// `missing` lists the fields of every unmet requirement of `REQUIRED` (all the
    /// alternatives of one, e.g. date of service, charge and NDC); empty when the columns
    /// are there but the codes do not look like HCPCS/CPT (or there are no rows yet).
    NamedCharges { missing: Vec<ChargeField> },
    /// Not a charge file: no diagnostics, no hover, no actions.
    NotCharges,
}

pub fn detect(table: &ChargeTable, text: &str, file_name: Option<&str>) -> Detection {
    let missing = missing_fields(table);
    if missing.is_empty() && codes_look_like_hcpcs(table, text) {
        return Detection::Charges;
    }
    if file_name.is_some_and(is_charges_name) {
        return Detection::NamedCharges { missing };
    }
    Detection::NotCharges
}

/// The fields of every requirement the header does not meet.
fn missing_fields(table: &ChargeTable) -> Vec<ChargeField> {
    REQUIRED
        .iter()
        .filter(|any_of| !any_of.iter().any(|&field| table.columns.column(field).is_some()))
        .flat_map(|any_of| any_of.iter().copied())
        .collect()
}

/// The missing columns in words: `"no units column; no date of service, charge or NDC
/// column"`.
pub fn describe_missing(missing: &[ChargeField]) -> String {
    let mut parts = Vec::new();
    for any_of in REQUIRED {
        let absent: Vec<&str> = any_of.iter().filter(|f| missing.contains(f)).map(|f| f.name()).collect();
        let phrase = match absent.as_slice() {
            [] => continue,
            [one] => (*one).to_string(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        parts.push(format!("no {phrase} column"));
    }
    parts.join("; ")
}

fn is_charges_name(name: &str) -> bool {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".charges.csv") || lower.ends_with(".charges.tsv")
}

/// Most of the non-empty procedure-code cells of the first rows look like HCPCS/CPT codes.
fn codes_look_like_hcpcs(table: &ChargeTable, text: &str) -> bool {
    let (mut codes, mut seen) = (0, 0);
    for row in table.rows.iter().take(SAMPLE_ROWS) {
        let Some(cell) = table.cell(row, ChargeField::ProcedureCode) else { continue };
        let value = cell.text(text);
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        seen += 1;
        if looks_like_hcpcs(value) {
            codes += 1;
        }
    }
    seen > 0 && codes * 2 > seen
}

/// A letter and four digits (`J9035`), five digits (`96413`) or four digits and a letter
/// (`0001F`, Category II/III).
pub fn looks_like_hcpcs(code: &str) -> bool {
    match code.as_bytes() {
        [first, rest @ ..] if rest.len() == 4 && first.is_ascii_alphabetic() => rest.iter().all(u8::is_ascii_digit),
        [digits @ .., last] if digits.len() == 4 && digits.iter().all(u8::is_ascii_digit) => {
            last.is_ascii_digit() || last.is_ascii_alphabetic()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::parse;

    fn detection(text: &str, name: Option<&str>) -> Detection {
        detect(&parse(text), text, name)
    }

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/charges").join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn each_header_dialect_fixture_is_a_charge_file() {
        for name in ["comma-quoted-money.csv", "tab-separated.tsv", "semicolon-bom-crlf.csv", "modifiers-column.csv"] {
            let text = fixture(name);
            assert_eq!(detection(&text, Some(name)), Detection::Charges, "{name}");
            assert_eq!(detection(&text, None), Detection::Charges, "{name} without a name");
        }
    }

    #[test]
    fn an_inventory_sheet_is_left_alone() {
        let text = fixture("plain-inventory.csv");
        let table = parse(&text);
        assert!(table.columns.column(ChargeField::ProcedureCode).is_some(), "it has a `code` column");
        assert!(table.columns.column(ChargeField::Units).is_some(), "and a `qty` column");
        assert_eq!(detection(&text, Some("plain-inventory.csv")), Detection::NotCharges);
    }

    #[test]
    fn a_named_charge_file_without_units_names_the_missing_column() {
        let name = "missing-units.charges.csv";
        let text = fixture(name);
        let detected = detection(&text, Some(name));
        assert_eq!(detected, Detection::NamedCharges { missing: vec![ChargeField::Units] });
        assert_eq!(detection(&text, None), Detection::NotCharges);
        assert_eq!(describe_missing(&[ChargeField::Units]), "no units column");
    }

    #[test]
    fn a_named_file_with_nothing_names_every_requirement() {
        let text = "Name,Color\nwidget,red\n";
        let Detection::NamedCharges { missing } = detection(text, Some("C:\\exports\\June.CHARGES.TSV")) else {
            panic!("a *.charges.tsv file is a charge file");
        };
        assert_eq!(
            describe_missing(&missing),
            "no procedure code column; no units column; no date of service, charge or NDC column"
        );
        assert_eq!(detection(text, Some("june.csv")), Detection::NotCharges);
        assert_eq!(detection(text, Some("charges.csv.bak")), Detection::NotCharges);
    }

    #[test]
    fn the_codes_must_mostly_look_like_hcpcs() {
        let header = "CPT,Units,DOS\n";
        let codes = |rows: &[&str]| {
            let mut text = header.to_string();
            for code in rows {
                text.push_str(&format!("{code},1,2024-03-07\n"));
            }
            detection(&text, None)
        };
        assert_eq!(codes(&["J9035", "96413", "0001F"]), Detection::Charges);
        assert_eq!(codes(&["J9035", "96413", "SKU-1"]), Detection::Charges);
        assert_eq!(codes(&["J9035", "SKU-1"]), Detection::NotCharges);
        assert_eq!(codes(&["SKU-1", "SKU-2", "A-100"]), Detection::NotCharges);
        assert_eq!(codes(&[]), Detection::NotCharges, "no rows: no evidence");
        assert_eq!(detection("", None), Detection::NotCharges);
    }

    #[test]
    fn hcpcs_shapes() {
        for code in ["J9035", "96413", "0001F", "0591T", "A9270", "j2700"] {
            assert!(looks_like_hcpcs(code), "{code}");
        }
        for code in ["J903", "969413", "SKU12", "AB123", "1234", "J90355", "12-45", "é1234"] {
            assert!(!looks_like_hcpcs(code), "{code}");
        }
    }
}
