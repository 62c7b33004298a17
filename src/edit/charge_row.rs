//! The charge-file writer: the changes a fix states on the neutral view (add or remove
//! a modifier, write a value, add a JW line), written into a charge file's rows.
//!
//! Edits touch only the cells they mean to and keep the file's own ways: its delimiter,
//! RFC 4180 quoting (a cell that was quoted stays quoted; a new value holding the
//! delimiter, a quote or a line break is quoted), its line ending, and in a single
//! `modifiers` column the separator the file already uses between modifiers.
//!
//! Modifier places work as in an 837 composite: a new modifier goes in the first empty
//! modifier column, and when one is removed the ones after it move up one column, so a
//! claim built from the row gets the same SV101-3… as the 837 fix writes
//! (`docs/charge-files.md`, "Quick fixes").

use super::wastage_line::{wasted_money, wasted_ndc_quantity, WASTED_UNITS};
use super::{apply, Edit, Fix, FixContext};
use crate::codes::WASTAGE;
use crate::csv::{parse_money, split_modifiers, Cell, ChargeField, Row};
use crate::decimal::Decimal;
use crate::model::{BilledLine, ChargeFile};
use crate::syntax::Span;

/// The row a billed line was read from.
fn row_of<'f>(file: &'f ChargeFile, line: &BilledLine) -> Option<&'f Row> {
    let rows = &file.table.rows;
    let index = rows.binary_search_by_key(&line.extent.start, |row| row.span.start).ok()?;
    rows.get(index).filter(|row| row.span == line.extent)
}

/// The row and cell holding `span`.
fn cell_at(file: &ChargeFile, span: Span) -> Option<(&Row, &Cell)> {
    let rows = &file.table.rows;
    let row = rows.get(rows.partition_point(|row| row.span.end < span.start))?;
    let cell = row.cells.iter().find(|cell| cell.span.start <= span.start && span.end <= cell.span.end)?;
    Some((row, cell))
}

/// Whether a value must be quoted to stay one cell.
fn needs_quotes(value: &str, delimiter: u8) -> bool {
    value.bytes().any(|b| b == delimiter || matches!(b, b'"' | b'\n' | b'\r'))
}

/// The edit that makes `cell` hold `value`: inside its quotes when it has them, quoted
/// when the value needs it, else in place.
fn set_cell(cell: &Cell, value: &str, delimiter: u8) -> Edit {
    if cell.quoted {
        Edit::replace(cell.value_span(), value.replace('"', "\"\""))
    } else if needs_quotes(value, delimiter) {
        Edit::replace(cell.span, format!("\"{}\"", value.replace('"', "\"\"")))
    } else {
        Edit::replace(cell.span, value)
    }
}

/// Several edits inside one row as one edit from the first changed byte to the last:
/// the bytes between them are written back as they were (and trimmed away later).
fn merged(source: &str, edits: Vec<Edit>) -> Option<Edit> {
    let start = edits.iter().map(|edit| edit.span.start).min()?;
    let end = edits.iter().map(|edit| edit.span.end).max()?;
    let local: Vec<Edit> = edits
        .into_iter()
        .map(|edit| Edit::replace(Span::new(edit.span.start - start, edit.span.end - start), edit.text))
        .collect();
    let span = Span::new(start, end);
    Some(Edit::replace(span, apply(source.get(start..end)?, &local)?))
}

/// The row's modifier columns (`Modifier 1` … `Modifier 4`, those the header has) with
/// the row's cell in each, in place order; a ragged row's missing cells are `None`.
fn modifier_cells<'r>(file: &ChargeFile, row: &'r Row) -> Vec<Option<&'r Cell>> {
    let columns = &file.table.columns;
    (1..=4u8).filter_map(|place| columns.column(ChargeField::Modifier(place))).map(|column| row.cell(column)).collect()
}

/// The value of a cell without the white space around it.
fn value<'t>(source: &'t str, cell: &Cell) -> &'t str {
    cell.value_span().text(source).trim()
}

/// The edits (inside `row`) that add `modifier` to it.
fn modifier_added(file: &ChargeFile, row: &Row, modifier: &str) -> Option<Vec<Edit>> {
    let source = file.text.as_str();
    let delimiter = file.table.delimiter;
    if let Some(cell) = file.table.cell(row, ChargeField::Modifiers) {
        let written = cell.text(source);
        let current = written.trim_end();
        if current.trim().is_empty() {
            return Some(vec![set_cell(cell, modifier, delimiter)]);
        }
        let joined = format!("{current}{}{modifier}", modifiers_separator(file));
        if cell.quoted || !needs_quotes(&joined, delimiter) {
            // Appended after the last modifier: the bytes before it stay.
            let value = cell.value_span();
            let at = value.start + value.text(source).trim_end().len();
            let added = format!("{}{modifier}", modifiers_separator(file)).replace('"', "\"\"");
            return Some(vec![Edit::insert(at, added)]);
        }
        return Some(vec![set_cell(cell, &joined, delimiter)]);
    }
    let free = modifier_cells(file, row).into_iter().find_map(|cell| cell.filter(|c| value(source, c).is_empty()))?;
    Some(vec![set_cell(free, modifier, delimiter)])
}

/// The edits (inside `row`) that take out the modifier written at `span`.
fn modifier_removed(file: &ChargeFile, row: &Row, span: Span) -> Option<Vec<Edit>> {
    let source = file.text.as_str();
    let delimiter = file.table.delimiter;
    if let Some(cell) = file.table.cell(row, ChargeField::Modifiers) {
        let value = cell.value_span();
        if !(value.start <= span.start && span.end <= value.end) {
            return None;
        }
        let pieces: Vec<Span> = split_modifiers(value.text(source))
            .map(|(offset, piece)| Span::new(value.start + offset, value.start + offset + piece.len()))
            .collect();
        let index = pieces.iter().position(|piece| *piece == span)?;
        // With its separator: the one after it, or for the last, the one before it.
        let cut = match (pieces.get(index + 1), index.checked_sub(1).and_then(|i| pieces.get(i))) {
            (Some(next), _) => Span::new(span.start, next.start),
            (None, Some(previous)) => Span::new(previous.end, span.end),
            (None, None) => return Some(vec![set_cell(cell, "", delimiter)]),
        };
        return Some(vec![Edit::replace(cut, "")]);
    }
    let cells = modifier_cells(file, row);
    let removed = cells
        .iter()
        .position(|cell| cell.is_some_and(|c| c.value_span().start <= span.start && span.end <= c.value_span().end))?;
    let mut kept: Vec<&str> = cells
        .iter()
        .enumerate()
        .filter(|(place, _)| *place != removed)
        .filter_map(|(_, cell)| cell.map(|c| value(source, c)))
        .filter(|text| !text.is_empty())
        .collect();
    kept.reverse();
    let mut edits = Vec::new();
    for cell in cells {
        let new = kept.pop().unwrap_or("");
        match cell {
            Some(cell) if value(source, cell) != new => edits.push(set_cell(cell, new, delimiter)),
            Some(_) => {}
            None if new.is_empty() => {}
            None => return None,
        }
    }
    Some(edits)
}

/// What the file writes between two modifiers in its `modifiers` column (`|`, `, `…):
/// the first it uses; `|` when no row has two yet (`;` in a pipe-separated file).
fn modifiers_separator(file: &ChargeFile) -> String {
    let source = file.text.as_str();
    for row in &file.table.rows {
        let Some(cell) = file.table.cell(row, ChargeField::Modifiers) else { continue };
        let text = cell.text(source);
        let mut pieces = split_modifiers(&text);
        if let (Some((start, first)), Some((next, _))) = (pieces.next(), pieces.next()) {
            if let Some(between) = text.get(start + first.len()..next) {
                return between.to_string();
            }
        }
    }
    if file.table.delimiter == b'|' { ";" } else { "|" }.to_string()
}

/// The edit that adds `modifier` to the line's row.
pub fn add_modifier(file: &ChargeFile, line: &BilledLine, modifier: &str) -> Option<Edit> {
    let row = row_of(file, line)?;
    merged(&file.text, modifier_added(file, row, modifier)?)
}

/// The edit that takes the modifier at `span` out of the line's row.
pub fn remove_modifier(file: &ChargeFile, line: &BilledLine, span: Span) -> Option<Edit> {
    let row = row_of(file, line)?;
    let edits = modifier_removed(file, row, span)?;
    merged(&file.text, edits)
}

/// The edit that writes `value` in place of the value at `span`, quoting the cell when
/// the new value needs it.
pub fn replace_value(file: &ChargeFile, span: Span, value: &str) -> Option<Edit> {
    let (_, cell) = cell_at(file, span)?;
    let inside = cell.value_span();
    if !(inside.start <= span.start && span.end <= inside.end) {
        return None;
    }
    if cell.quoted {
        return Some(Edit::replace(span, value.replace('"', "\"\"")));
    }
    if !needs_quotes(value, file.table.delimiter) {
        return Some(Edit::replace(span, value));
    }
    let mut whole = inside.text(&file.text).to_string();
    whole.replace_range(span.start - inside.start..span.end - inside.start, value);
    Some(set_cell(cell, &whole, file.table.delimiter))
}

/// Money written the way `like` is: with its `$` and thousands separators when it has
/// them.
fn money_like(amount: &str, like: &str) -> String {
    let like = like.trim();
    let grouped = like.contains(',');
    let written = if grouped { thousands(amount) } else { amount.to_string() };
    let dollar = if like.starts_with('$') || like.starts_with("-$") { "$" } else { "" };
    format!("{dollar}{written}")
}

/// `1234.50` as `1,234.50`.
fn thousands(amount: &str) -> String {
    let (whole, fraction) = amount.split_once('.').map_or((amount, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::with_capacity(amount.len() + whole.len() / 3);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{grouped}.{fraction}"),
        None => grouped,
    }
}

/// "Add JW wastage row": a copy of the line's row right after it — same claim, dates,
/// code, NDC, payer and every other cell — with JW added, [`WASTED_UNITS`] units, and
/// the charge and NDC quantity scaled to them as the 837 JW line scales its own.
pub fn wastage_row(context: &FixContext<'_>, file: &ChargeFile, line: &BilledLine, preferred: bool) -> Option<Fix> {
    if context.only_safe {
        return None;
    }
    let source = file.text.as_str();
    let table = &file.table;
    let delimiter = table.delimiter;
    let row = row_of(file, line)?;
    let units_cell = table.cell(row, ChargeField::Units)?;
    let units = Decimal::parse(value(source, units_cell)).filter(|u| !u.is_zero() && !u.is_negative())?;
    let mut edits = modifier_added(file, row, WASTAGE)?;
    edits.push(set_cell(units_cell, &WASTED_UNITS.to_string(), delimiter));
    let mut wasted_charge = None;
    if let Some(cell) = table.cell(row, ChargeField::Charge).filter(|cell| !value(source, cell).is_empty()) {
        let written = cell.text(source);
        let charge = parse_money(&written).filter(|c| !c.is_negative())?;
        let wasted = money_like(&wasted_money(charge, units)?, &written);
        edits.push(set_cell(cell, &wasted, delimiter));
        wasted_charge = Some(wasted);
    }
    if let Some(cell) = table.cell(row, ChargeField::NdcQuantity) {
        if let Some(quantity) = Decimal::parse(value(source, cell)) {
            edits.push(set_cell(cell, &wasted_ndc_quantity(quantity, units)?, delimiter));
        }
    }
    // The copy, with the edits moved into it.
    let local: Vec<Edit> = edits
        .into_iter()
        .map(|edit| {
            let inside = row.span.start <= edit.span.start && edit.span.end <= row.span.end;
            inside.then(|| {
                Edit::replace(Span::new(edit.span.start - row.span.start, edit.span.end - row.span.start), edit.text)
            })
        })
        .collect::<Option<_>>()?;
    let copy = apply(row.span.text(source), &local)?;
    let insert = if row.line_end.is_empty() {
        // The last row, without a line ending: the new row gets the file's.
        let ending = if table.header.line_end.is_empty() { "\n" } else { table.header.line_end.text(source) };
        Edit::insert(row.span.end, format!("{ending}{copy}"))
    } else {
        Edit::insert(row.line_end.end, format!("{copy}{}", row.line_end.text(source)))
    };
    let code = line.code_text(source);
    let charge = wasted_charge.map(|charge| format!(" ({charge})")).unwrap_or_default();
    let title = format!("Add JW wastage row: 1 unit of {code}{charge} after row {}", line.number_text(source));
    Some(Fix { title, edits: vec![insert], preferred, safe: false })
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analysis, DocumentKind};
    use crate::config::Environment;
    use crate::edit::{self, Edit, FixContext};

    fn analysed(text: &str) -> Analysis {
        let kind = DocumentKind::Charges { file_name: Some("test.charges.csv".into()) };
        Analysis::of_document(text.to_string(), &kind, &Environment::default())
    }

    /// Applies the edit `change` makes.
    fn changed(text: &str, change: impl Fn(&FixContext<'_>) -> Option<Edit>) -> Option<String> {
        let analysis = analysed(text);
        let environment = Environment::default();
        let context = FixContext::new(analysis.subject(), &environment);
        let edit = change(&context)?;
        edit::apply(text, &[edit])
    }

    fn adding(text: &str, modifier: &str) -> Option<String> {
        changed(text, |context| {
            let line = context.billing.lines.first()?;
            context.add_modifier(line, modifier)
        })
    }

    fn removing(text: &str, modifier: &str) -> Option<String> {
        changed(text, |context| {
            let line = context.billing.lines.first()?;
            let span = line.modifier(context.source, modifier)?;
            context.remove_modifier(line, span)
        })
    }

    const COLUMNS: &str = "Claim,DOS,CPT,Mod 1,Mod 2,Mod 3,Units,Charge\n";

    #[test]
    fn adds_in_the_first_empty_modifier_column() {
        let row = |mods: &str| format!("{COLUMNS}A1,2024-03-07,J9035,{mods},9,1215.00\n");
        let after = |mods: &str| format!("{COLUMNS}A1,2024-03-07,J9035,{mods},9,1215.00\n");
        assert_eq!(adding(&row(",,"), "JZ"), Some(after("JZ,,")));
        assert_eq!(adding(&row("59,,"), "JZ"), Some(after("59,JZ,")));
        assert_eq!(adding(&row(",RT,"), "JZ"), Some(after("JZ,RT,")));
        assert_eq!(adding(&row("\"\",,"), "JZ"), Some(after("\"JZ\",,")), "a quoted cell stays quoted");
        assert_eq!(adding(&row("A1,A2,A3"), "JZ"), None, "every modifier column taken");
        let no_columns = "Claim,DOS,CPT,Units\nA1,2024-03-07,J9035,9\n";
        assert_eq!(adding(no_columns, "JZ"), None, "no modifier column to write in");
    }

    #[test]
    fn removing_moves_the_later_modifiers_up() {
        let row = |mods: &str| format!("{COLUMNS}A1,2024-03-07,J9035,{mods},9,1215.00\n");
        assert_eq!(removing(&row("JW,JZ,"), "JW"), Some(row("JZ,,")));
        assert_eq!(removing(&row("JW,JZ,"), "JZ"), Some(row("JW,,")));
        assert_eq!(removing(&row("59,XU,GP"), "59"), Some(row("XU,GP,")));
        assert_eq!(removing(&row(",JZ,RT"), "JZ"), Some(row("RT,,")), "an empty place closes too");
    }

    #[test]
    fn a_modifiers_column_keeps_its_separator_and_quoting() {
        let text = |mods: &str| format!("Claim,DOS,CPT,Modifiers,Units\nA1,2024-03-07,J9035,{mods},9\n");
        assert_eq!(adding(&text(""), "JZ"), Some(text("JZ")));
        assert_eq!(adding(&text("59"), "JZ"), Some(text("59|JZ")), "no separator in the file yet: |");
        assert_eq!(adding(&text("\"59, RT\""), "JZ"), Some(text("\"59, RT, JZ\"")), "the file's separator");
        let semicolons = "Claim,DOS,CPT,Modifiers,Units\nA1,2024-03-07,J9035,59,9\nA1,2024-03-07,J1100,XU;GP,1\n";
        assert_eq!(
            adding(semicolons, "JZ").as_deref(),
            Some("Claim,DOS,CPT,Modifiers,Units\nA1,2024-03-07,J9035,59;JZ,9\nA1,2024-03-07,J1100,XU;GP,1\n")
        );
        let commas = "Claim,DOS,CPT,Modifiers,Units\nA1,2024-03-07,J9035,59,9\nA1,2024-03-07,J1100,\"XU,GP\",1\n";
        assert_eq!(
            adding(commas, "JZ").as_deref(),
            Some("Claim,DOS,CPT,Modifiers,Units\nA1,2024-03-07,J9035,\"59,JZ\",9\nA1,2024-03-07,J1100,\"XU,GP\",1\n"),
            "a value holding the delimiter is quoted"
        );
        assert_eq!(removing(&text("JW|59"), "JW"), Some(text("59")));
        assert_eq!(removing(&text("JW|59"), "59"), Some(text("JW")));
        assert_eq!(removing(&text("\"59, RT, JZ\""), "RT"), Some(text("\"59, JZ\"")));
        assert_eq!(removing(&text("JZ"), "JZ"), Some(text("")));
        assert_eq!(removing(&text("\"JZ\""), "JZ"), Some(text("\"\"")));
    }

    /// The fixes offered for the missing-jw-jz finding on the first row.
    fn wastage_fixes(text: &str) -> Vec<(String, String)> {
        let analysis = analysed(text);
        let environment = Environment::default();
        let Some(finding) = analysis.diagnostics.iter().find(|d| d.rule == "missing-jw-jz") else { return Vec::new() };
        crate::ide::fixes::fixes_for(&analysis, &environment, finding)
            .into_iter()
            .map(|fix| (fix.title, edit::apply(text, &fix.edits).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn the_jw_row_copies_the_row_with_scaled_units_charge_and_ndc_quantity() {
        let header =
            "Account,Service Date,HCPCS,Modifier 1,Modifier 2,Units,Charge,NDC,NDC Qty,NDC Unit,Payer Class\r\n";
        let row = "A1,03/07/2024,J9035,,,9,\"$1,215.00\",50242-0060-01,90,mg,MB\r\n";
        let other = "A1,03/07/2024,96413,,,1,350.00,,,,MB\r\n";
        let text = format!("{header}{row}{other}");
        let fixes = wastage_fixes(&text);
        let titles: Vec<&str> = fixes.iter().map(|(title, _)| title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Add JW wastage row: 1 unit of J9035 ($135.00) after row 2",
                "Add JZ modifier to J9035: nothing was discarded"
            ]
        );
        let jw_row = "A1,03/07/2024,J9035,JW,,1,\"$135.00\",50242-0060-01,10,mg,MB\r\n";
        assert_eq!(fixes[0].1, format!("{header}{row}{jw_row}{other}"), "only the new row is added");
        assert_eq!(fixes[1].1, format!("{header}{}{other}", row.replacen(",,,9", ",JZ,,9", 1)));
    }

    #[test]
    fn the_jw_row_after_a_last_row_without_a_line_end_gets_the_files() {
        let text = "Claim\tDOS\tHCPCS\tModifiers\tUnits\tAmount\tPayer Class\r\nC1\t2024-03-07\tJ9035\t59\t4\t40\tMB";
        let fixes = wastage_fixes(text);
        assert_eq!(
            fixes.first().map(|(_, text)| text.as_str()),
            Some(
                "Claim\tDOS\tHCPCS\tModifiers\tUnits\tAmount\tPayer Class\r\nC1\t2024-03-07\tJ9035\t59\t4\t40\tMB\r\nC1\t2024-03-07\tJ9035\t59|JW\t1\t10\tMB"
            )
        );
    }

    #[test]
    fn money_is_written_like_the_charge() {
        assert_eq!(super::money_like("135.00", "$1,215.00"), "$135.00");
        assert_eq!(super::money_like("1350.00", " $12,150.00"), "$1,350.00");
        assert_eq!(super::money_like("1350", "12150"), "1350");
    }

    #[test]
    fn values_that_hold_the_delimiter_are_quoted() {
        let text = "Claim,DOS,CPT,Units,Charge\nA1,2024-03-07,J9035,9,1215.00\n";
        let analysis = analysed(text);
        let environment = Environment::default();
        let context = FixContext::new(analysis.subject(), &environment);
        let charge = context.billing.lines.first().and_then(|line| line.charge);
        let edit = charge.and_then(|span| context.replace_value(span, "1,215.00"));
        assert_eq!(
            edit.and_then(|edit| edit::apply(text, &[edit])).as_deref(),
            Some("Claim,DOS,CPT,Units,Charge\nA1,2024-03-07,J9035,9,\"1,215.00\"\n")
        );
    }
}
