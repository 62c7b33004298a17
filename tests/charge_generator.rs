//! The synthetic charge file (`examples/gen_charges.rs`) is a charge file the reader
//! recognises, the same bytes for the same seed, clean by default, and carries the
//! promised mistakes with `--mistakes`.

#[path = "common/gen_charges.rs"]
mod gen_charges;

use claim_lsp::csv::{self, ChargeField, Detection};
use gen_charges::{generate_charges, ChargeOptions};

fn values<'t>(text: &'t str, table: &csv::ChargeTable, field: ChargeField) -> Vec<std::borrow::Cow<'t, str>> {
    table.rows.iter().map(|row| table.cell(row, field).map(|cell| cell.text(text)).unwrap_or_default()).collect()
}

#[test]
fn a_generated_file_is_a_clean_charge_file() {
    let text = generate_charges(&ChargeOptions { rows: 500, ..Default::default() });
    assert_eq!(text, generate_charges(&ChargeOptions { rows: 500, ..Default::default() }), "deterministic");
    let table = csv::parse(&text);
    assert_eq!(table.rows.len(), 500);
    assert_eq!(csv::detect(&table, &text, None), Detection::Charges);
    for (ndc, code) in
        values(&text, &table, ChargeField::Ndc).iter().zip(values(&text, &table, ChargeField::ProcedureCode))
    {
        assert_eq!(ndc.is_empty(), !code.starts_with('J'), "drug lines and only drug lines carry an NDC");
        assert!(ndc.is_empty() || csv::normalize_ndc(ndc).is_some(), "{ndc}");
    }
    for units in values(&text, &table, ChargeField::Units) {
        assert!(csv::parse_money(&units).is_some_and(|u| u.as_integer().is_some()), "whole units: {units}");
    }
    for charge in values(&text, &table, ChargeField::Charge) {
        assert!(charge.starts_with('$') && csv::parse_money(&charge).is_some(), "{charge}");
    }
    let jw_and_jz = table.rows.iter().filter(|row| {
        let modifier = |n| table.cell(row, ChargeField::Modifier(n)).map(|c| c.text(&text)).unwrap_or_default();
        modifier(1) == "JW" && modifier(2) == "JZ"
    });
    assert_eq!(jw_and_jz.count(), 0);
}

#[test]
fn mistakes_add_fractional_units_and_jw_with_jz() {
    let text = generate_charges(&ChargeOptions { rows: 500, mistakes: true, ..Default::default() });
    let table = csv::parse(&text);
    assert_eq!(csv::detect(&table, &text, None), Detection::Charges);
    let fractional = values(&text, &table, ChargeField::Units).iter().filter(|units| units.contains('.')).count();
    assert!(fractional > 0, "some drug lines bill fractional units");
    assert!(text.contains(",J9035,JW,JZ,"), "a row with both JW and JZ");
    assert!(text.contains(",J1100,,,"), "a J code with neither JW nor JZ");
    assert!(values(&text, &table, ChargeField::PayerClass).iter().all(|payer| payer == "MB"));
}
