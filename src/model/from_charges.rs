//! The neutral view of a charge file: each row is a billed line; rows with the same
//! claim value form one claim (without a claim column, rows with the same date of
//! service do), in the order each claim first appears.

use std::collections::HashMap;

use smallvec::SmallVec;

use super::billing::{
    BilledClaim, BilledLine, Billing, DrugQuantity, FieldName, FieldNames, LineNumber, Modifier, NdcForm, CHARGE_TERMS,
};
use super::ChargeFile;
use crate::csv::{ndc_unit_code, parse_date, split_modifiers, ChargeField, ChargeTable, Row};
use crate::syntax::Span;

impl Billing {
    pub fn from_charges(file: &ChargeFile) -> Billing {
        if !file.is_charges() {
            return Billing::new(Vec::new(), Vec::new(), CHARGE_TERMS);
        }
        let text = file.text.as_str();
        let table = &file.table;
        // Each field's column, looked up once (not once per row and field).
        let columns = FieldColumns::of(table);
        let value = |row: &Row, field: ChargeField| -> Option<Span> {
            let cell = row.cell(columns.column(field)?)?;
            trimmed(text, cell.value_span())
        };
        // Each row's claim, numbered in order of first appearance, and each claim's size.
        let key_column = key_column(table);
        let mut keys: HashMap<&str, usize> = HashMap::new();
        let mut claim_of_row: Vec<usize> = Vec::with_capacity(table.rows.len());
        let mut sizes: Vec<usize> = Vec::new();
        for row in &table.rows {
            let next = sizes.len();
            let claim = *keys.entry(row_key(text, row, key_column)).or_insert(next);
            if claim == next {
                sizes.push(0);
            }
            if let Some(size) = sizes.get_mut(claim) {
                *size += 1;
            }
            claim_of_row.push(claim);
        }
        drop(keys);
        // The rows claim by claim, in file order within each (a counting sort: no list
        // per claim to allocate).
        let mut starts: Vec<usize> = Vec::with_capacity(sizes.len() + 1);
        let mut next_slot = Vec::with_capacity(sizes.len());
        let mut total = 0;
        for size in &sizes {
            starts.push(total);
            next_slot.push(total);
            total += size;
        }
        starts.push(total);
        let mut order = vec![0usize; table.rows.len()];
        for (row_index, claim) in claim_of_row.iter().enumerate() {
            if let Some(slot) = next_slot.get_mut(*claim) {
                if let Some(place) = order.get_mut(*slot) {
                    *place = row_index;
                }
                *slot += 1;
            }
        }
        let names = if table.columns.column(ChargeField::Modifiers).is_some() { &ONE_COLUMN } else { &COLUMNS };
        // Each row's line number, counted in one pass over the text.
        let mut counter = LineCounter::new(text);
        let numbers: Vec<usize> = table.rows.iter().map(|row| counter.line_of(row.span.start)).collect();
        let mut claims = Vec::with_capacity(sizes.len());
        let mut lines = Vec::with_capacity(table.rows.len());
        for (index, bounds) in starts.windows(2).enumerate() {
            let start = lines.len();
            let members = bounds.first().zip(bounds.get(1)).and_then(|(&from, &to)| order.get(from..to)).unwrap_or(&[]);
            let rows =
                || members.iter().filter_map(|&i| Some((table.rows.get(i)?, numbers.get(i).copied().unwrap_or(0))));
            let first = |field| rows().find_map(|(row, _)| value(row, field));
            for (row, number) in rows() {
                lines.push(billed_line(file, &columns, row, index, number, names, &value));
            }
            let anchor = rows().next().map_or(Span::default(), |(row, _)| first_cell(row));
            claims.push(BilledClaim {
                index,
                id: first(ChargeField::Claim),
                payer_class: first(ChargeField::PayerClass),
                payer_id: first(ChargeField::PayerId),
                place_of_service: None,
                type_of_bill: None,
                prior_authorization: None,
                anchor,
                lines: start..lines.len(),
            });
        }
        Billing::new(claims, lines, CHARGE_TERMS)
    }
}

/// The value that groups a row into its claim: its claim cell (its date of service when
/// the file has no claim column), trimmed; empty when it has none. Rows with the same
/// key form one claim.
pub fn claim_key<'t>(table: &ChargeTable, text: &'t str, row: &Row) -> &'t str {
    row_key(text, row, key_column(table))
}

fn key_column(table: &ChargeTable) -> Option<usize> {
    let claim = table.columns.column(ChargeField::Claim);
    if claim.is_some() {
        claim
    } else {
        table.columns.column(ChargeField::DateOfService)
    }
}

fn row_key<'t>(text: &'t str, row: &Row, column: Option<usize>) -> &'t str {
    column
        .and_then(|column| row.cell(column))
        .and_then(|cell| trimmed(text, cell.value_span()))
        .map_or("", |span| span.text(text))
}

fn billed_line(
    file: &ChargeFile,
    columns: &FieldColumns,
    row: &Row,
    claim: usize,
    number: usize,
    names: &'static FieldNames,
    value: &impl Fn(&Row, ChargeField) -> Option<Span>,
) -> BilledLine {
    let text = file.text.as_str();
    let code = value(row, ChargeField::ProcedureCode);
    let units = value(row, ChargeField::Units);
    let cell_span = |field| columns.column(field).and_then(|column| row.cell(column)).map(|cell| cell.value_span());
    let mut modifiers: SmallVec<[Modifier; 4]> = SmallVec::new();
    if let Some(cell) = columns.column(ChargeField::Modifiers).and_then(|column| row.cell(column)) {
        let span = cell.value_span();
        for (place, (offset, modifier)) in split_modifiers(span.text(text)).enumerate() {
            let start = span.start + offset;
            modifiers.push(Modifier { span: Span::new(start, start + modifier.len()), place: place.min(3) as u8 });
        }
    } else {
        for place in 1..=4u8 {
            if let Some(span) = value(row, ChargeField::Modifier(place)) {
                modifiers.push(Modifier { span, place: place - 1 });
            }
        }
    }
    let ndc = value(row, ChargeField::Ndc);
    let quantity = value(row, ChargeField::NdcQuantity);
    let drugs = if ndc.is_some() || quantity.is_some() {
        let unit = value(row, ChargeField::NdcUnit).and_then(|span| ndc_unit_code(span.text(text)));
        SmallVec::from_iter([DrugQuantity { ndc, quantity, unit, ndc_form: NdcForm::Normalizable }])
    } else {
        SmallVec::new()
    };
    let row_start = Span::new(row.span.start, row.span.start);
    BilledLine {
        claim,
        extent: row.span,
        number: LineNumber::Row(number),
        names,
        code,
        is_hcpcs: code.is_some(),
        code_anchor: code.or_else(|| cell_span(ChargeField::ProcedureCode)).unwrap_or(row_start),
        modifiers,
        units,
        units_place: units.or_else(|| cell_span(ChargeField::Units)).unwrap_or(row_start),
        charge: value(row, ChargeField::Charge),
        date_of_service: value(row, ChargeField::DateOfService).and_then(|span| parse_date(span.text(text))),
        drugs,
        described: value(row, ChargeField::Description).is_some(),
        place_of_service: value(row, ChargeField::PlaceOfService),
        prior_authorization: value(row, ChargeField::PriorAuthorization),
        revenue_code: value(row, ChargeField::RevenueCode),
    }
}

/// The column of each field the billing view reads, by field.
struct FieldColumns {
    by_field: [Option<usize>; FIELDS.len()],
}

/// The fields the billing view reads.
const FIELDS: [ChargeField; 19] = [
    ChargeField::Claim,
    ChargeField::DateOfService,
    ChargeField::ProcedureCode,
    ChargeField::Modifier(1),
    ChargeField::Modifier(2),
    ChargeField::Modifier(3),
    ChargeField::Modifier(4),
    ChargeField::Modifiers,
    ChargeField::Units,
    ChargeField::Charge,
    ChargeField::Ndc,
    ChargeField::NdcQuantity,
    ChargeField::NdcUnit,
    ChargeField::RevenueCode,
    ChargeField::PayerClass,
    ChargeField::PayerId,
    ChargeField::PlaceOfService,
    ChargeField::Description,
    ChargeField::PriorAuthorization,
];

#[cfg(test)]
#[test]
fn every_field_read_has_its_own_place() {
    let columns = FieldColumns { by_field: std::array::from_fn(Some) };
    for (index, field) in FIELDS.iter().enumerate() {
        assert_eq!(columns.column(*field), Some(index), "{field:?}");
    }
}

impl FieldColumns {
    fn of(table: &crate::csv::ChargeTable) -> Self {
        Self { by_field: FIELDS.map(|field| table.columns.column(field)) }
    }

    fn column(&self, field: ChargeField) -> Option<usize> {
        // The field's place in FIELDS, without searching it.
        let index = match field {
            ChargeField::Claim => 0,
            ChargeField::DateOfService => 1,
            ChargeField::ProcedureCode => 2,
            ChargeField::Modifier(place @ 1..=4) => 2 + usize::from(place),
            ChargeField::Modifiers => 7,
            ChargeField::Units => 8,
            ChargeField::Charge => 9,
            ChargeField::Ndc => 10,
            ChargeField::NdcQuantity => 11,
            ChargeField::NdcUnit => 12,
            ChargeField::RevenueCode => 13,
            ChargeField::PayerClass => 14,
            ChargeField::PayerId => 15,
            ChargeField::PlaceOfService => 16,
            ChargeField::Description => 17,
            ChargeField::PriorAuthorization => 18,
            ChargeField::Modifier(_) | ChargeField::DateTo | ChargeField::RenderingNpi => return None,
        };
        self.by_field.get(index).copied().flatten()
    }
}

/// A value's span without surrounding white space; `None` when nothing is left.
fn trimmed(text: &str, span: Span) -> Option<Span> {
    let value = span.text(text);
    let start = span.start + (value.len() - value.trim_start().len());
    let end = span.end - (value.len() - value.trim_end().len());
    (start < end).then(|| Span::new(start, end))
}

fn first_cell(row: &Row) -> Span {
    row.cells.first().map_or(row.span, |cell| cell.span)
}

/// Turns offsets into 1-based line numbers, moving forward through the text.
struct LineCounter<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        Self { text, offset: 0, line: 1 }
    }

    fn line_of(&mut self, offset: usize) -> usize {
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        let between = self.text.get(self.offset..offset).unwrap_or("");
        self.line += memchr::memchr_iter(b'\n', between.as_bytes()).count();
        self.offset = offset;
        self.line
    }
}

const fn column(name: &'static str) -> FieldName {
    FieldName::Column(name)
}

const fn charge_names(modifiers: [&'static str; 4]) -> FieldNames {
    FieldNames {
        code: column("procedure code"),
        modifiers: [column(modifiers[0]), column(modifiers[1]), column(modifiers[2]), column(modifiers[3])],
        units: column("units"),
        charge: column("charge"),
        description: column("description"),
        ndc: column("NDC"),
        ndc_quantity: column("NDC quantity"),
        revenue_code: column("revenue code"),
    }
}

/// Modifiers in `Modifier 1` … `Modifier 4` columns.
static COLUMNS: FieldNames = charge_names(["modifier 1", "modifier 2", "modifier 3", "modifier 4"]);
/// Modifiers in one `Modifiers` column.
static ONE_COLUMN: FieldNames = charge_names(["modifiers"; 4]);
