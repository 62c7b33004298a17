//! Which cells of a charge file carry identities. The columns the checker reads for
//! billing — codes, modifiers, units, charges, dates of service, NDCs, revenue codes,
//! payer class and payer id, place of service — stay as written; the claim column
//! (account and encounter numbers), the rendering NPI (a valid made-up one with the same
//! check digit), prior authorization numbers, descriptions and every column the checker
//! does not map (patient names, member ids, birth dates …) are replaced by values of the
//! same shape. Delimiters and quotes are kept, so every row keeps its fields.

use super::{Pseudonyms, Replacement};
use crate::csv::ChargeField;
use crate::model::ChargeFile;

pub(super) fn replacements(file: &ChargeFile, pseudonyms: &mut Pseudonyms) -> Vec<Replacement> {
    let (text, table) = (file.text.as_str(), &file.table);
    let keep = [table.delimiter, b'"'];
    let replaced = |column: usize| !matches!(table.columns.field_of(column), Some(field) if kept(field));
    let cells =
        || table.rows.iter().flat_map(|row| row.cells.iter().enumerate()).filter(|(column, _)| replaced(*column));
    pseudonyms.reserve(cells().map(|(_, cell)| cell.value_span().text(text)));
    cells()
        .filter_map(|(column, cell)| {
            let span = cell.value_span();
            let value = span.text(text);
            if value.trim().is_empty() {
                return None;
            }
            let replacement = match table.columns.field_of(column) {
                Some(ChargeField::RenderingNpi) => pseudonyms.npi(value, &keep),
                _ => pseudonyms.scramble(value, &keep),
            };
            Some(Replacement { span, text: replacement })
        })
        .collect()
}

/// The billing columns a finding is about, kept as written.
fn kept(field: ChargeField) -> bool {
    !matches!(
        field,
        ChargeField::Claim | ChargeField::RenderingNpi | ChargeField::Description | ChargeField::PriorAuthorization
    )
}
