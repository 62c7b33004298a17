//! The JW wastage line: a new 2400 loop, right after a drug line's own loop, billing the
//! amount of a single-dose container that was discarded.
//!
//! CMS wants the discarded amount on its own line with JW, the same code, the same date
//! and the same NDC (MLN "JW and JZ modifier policy" FAQ). The new loop copies the line
//! it follows — LX, SV1/SV2, DTP*472, LIN and CTP — with JW added, one billing unit (the
//! least a JW line can bill; the user corrects it to the amount discarded), the line
//! charge and the NDC quantity scaled to that unit count. Each copied segment keeps the
//! line break and indentation of the segment it copies. Then the fix is settled: the
//! following LX are renumbered, SE01 and CLM02 updated.

use super::layout::{gap_before, rewritten};
use super::{modifiers, settle, Edit, Fix, FixContext};
use crate::codes::{NO_WASTAGE, WASTAGE};
use crate::decimal::Decimal;
use crate::model::{BilledLine, X12Line};

/// Decimals a scaled NDC quantity is written with at most (CTP04 is type R).
const NDC_QUANTITY_SCALE: u32 = 3;
/// Money is scaled to the cent at least.
const CENTS: u32 = 2;
/// 837I SV207, the line's non-covered charge: part of the line charge, scaled with it.
const NON_COVERED_CHARGE: usize = 7;

/// The units a JW line bills: one billing unit, the least it can bill (the user
/// corrects it to the amount discarded).
pub const WASTED_UNITS: Decimal = Decimal::ONE;

/// The JW line's charge: the line charge scaled from the line's `units` to
/// [`WASTED_UNITS`], to the cent at least (40 over 3 units is 13.33), written like the
/// charge when that is exact (120.00 over 4 is 30.00; 40 over 4 is 10).
pub fn wasted_money(amount: Decimal, units: Decimal) -> Option<String> {
    let scaled = amount.scaled(WASTED_UNITS, units, amount.scale().max(CENTS))?;
    Some(scaled.with_scale(amount.scale()))
}

/// The JW line's NDC quantity: the line's scaled from `units` to [`WASTED_UNITS`], to
/// three decimals at most.
pub fn wasted_ndc_quantity(quantity: Decimal, units: Decimal) -> Option<String> {
    let scale = quantity.scale().max(NDC_QUANTITY_SCALE);
    Some(quantity.scaled(WASTED_UNITS, units, scale)?.to_string())
}

/// "Add JW wastage line" (a charge file: "Add JW wastage row") for the line, or `None`
/// when the line cannot be copied (no readable units or charge, all modifier places
/// taken, a segment cut off).
pub fn add(context: &FixContext<'_>, line: &BilledLine, preferred: bool) -> Option<Fix> {
    if let Some(charges) = context.charges {
        return super::charge_row::wastage_row(context, charges, line, preferred);
    }
    let at = context.x12_line_at(line.extent.start)?;
    add_to_837(context, &at, preferred)
}

/// The 837 writer: a new 2400 loop after the line's own.
fn add_to_837(context: &FixContext<'_>, at: &X12Line<'_>, preferred: bool) -> Option<Fix> {
    let file = context.file;
    let procedure = at.procedure;
    let units = Decimal::parse(procedure.quantity?.text(&file.text)).filter(|u| !u.is_zero() && !u.is_negative())?;
    let charge_span = procedure.charge?;
    let charge = Decimal::parse(charge_span.text(&file.text)).filter(|c| !c.is_negative())?;
    let wasted_units = WASTED_UNITS;
    let scale_money = |amount: Decimal| wasted_money(amount, units);
    let wasted_charge = scale_money(charge)?;

    let mut loop_text = String::new();
    let mut push = |segment: usize, text: String| {
        loop_text.push_str(gap_before(file, segment));
        loop_text.push_str(&text);
    };

    // LX: the next number after this line's.
    let number = at.line.number(file).parse::<u64>().ok().or_else(|| {
        let index = at.claim.lines.iter().position(|line| line.lx == at.line.lx)?;
        u64::try_from(index + 1).ok()
    })?;
    let lx01 = file.element_span(at.line.lx, 1)?;
    push(at.line.lx, rewritten(file, at.line.lx, &[Edit::replace(lx01, number.checked_add(1)?.to_string())])?);

    // SV1/SV2: JW in the first free slot, the wasted units and their charge.
    let mut service_edits = vec![
        modifiers::add(file, at.service, procedure, WASTAGE)?,
        Edit::replace(charge_span, wasted_charge.clone()),
        Edit::replace(procedure.quantity?, wasted_units.to_string()),
    ];
    if procedure.segment_id == "SV2" {
        if let Some(span) = file.element_span(at.service, NON_COVERED_CHARGE).filter(|span| !span.is_empty()) {
            let non_covered = Decimal::parse(span.text(&file.text)).filter(|c| !c.is_negative())?;
            service_edits.push(Edit::replace(span, scale_money(non_covered)?));
        }
    }
    push(at.service, rewritten(file, at.service, &service_edits)?);

    if let Some(date) = at.line.date_of_service {
        push(date, rewritten(file, date, &[])?);
    }

    // The same NDC, its quantity scaled to the wasted units.
    if let Some(drug) = at.line.drugs.iter().find(|drug| !drug.ndc(file).trim().is_empty()) {
        push(drug.lin, rewritten(file, drug.lin, &[])?);
        if let Some(ctp) = drug.ctp {
            let mut edits = Vec::new();
            if let Some(span) = file.element_span(ctp, 4) {
                if let Some(quantity) = Decimal::parse(span.text(&file.text)) {
                    edits.push(Edit::replace(span, wasted_ndc_quantity(quantity, units)?));
                }
            }
            push(ctp, rewritten(file, ctp, &edits)?);
        }
    }

    let last = at.line.segments.end.checked_sub(1)?;
    // A loop cut off at the end of the file has no terminator to put the new loop after.
    file.tree.segment(last)?.terminator()?;
    let after_line = file.segment_span(last).end;
    let insert = vec![Edit::insert(after_line, loop_text)];
    // Settling reads the whole file again; a list of titles does not need it.
    let edits = if context.titles_only { insert } else { settle(file, insert)? };
    let code = procedure.code_text(file);
    let title = format!("Add JW wastage line: 1 unit of {code} ({wasted_charge}) after line {number}");
    Some(Fix { title, edits, preferred, safe: false })
}

/// "Add JZ modifier": nothing of the single-dose container was discarded.
pub fn add_no_wastage_modifier(context: &FixContext<'_>, line: &BilledLine) -> Option<Fix> {
    let edit = context.add_modifier(line, NO_WASTAGE)?;
    let code = line.code_text(context.source);
    context.fix(format!("Add JZ modifier to {code}: nothing was discarded"), vec![edit], false, false)
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::config::Environment;
    use crate::edit;
    use crate::ide::fixes::{assists_at, fixes_for};
    use crate::rules::modifiers::testing::claim;

    /// The fixes offered for the missing-jw-jz finding of a one-line Medicare claim.
    fn offered(sv: &str, lx: &str) -> Vec<(String, String)> {
        let text = claim("MB", &[(sv, "20260115")]).replace("LX*1~", &format!("LX*{lx}~"));
        let environment = Environment::default();
        let analysis = Analysis::of_text(text.clone(), &environment);
        let Some(finding) = analysis.diagnostics.iter().find(|d| d.rule == "missing-jw-jz") else { return Vec::new() };
        fixes_for(&analysis, &environment, finding)
            .into_iter()
            .map(|fix| (fix.title, edit::apply(&text, &fix.edits).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn money_is_scaled_to_the_cent_and_written_like_the_charge() {
        let fixes = offered("SV1*HC:J2700*40*UN*3***1", "1");
        assert!(fixes[0].1.contains("\nLX*2~\nSV1*HC:J2700:JW*13.33*UN*1***1~\n"), "{}", fixes[0].1);
        let fixes = offered("SV1*HC:J2700*40*UN*4***1", "1");
        assert!(fixes[0].1.contains("\nSV1*HC:J2700:JW*10*UN*1***1~\n"), "{}", fixes[0].1);
    }

    #[test]
    fn a_line_number_at_the_limit_gets_no_wastage_line_but_jz_still_works() {
        let fixes = offered("SV1*HC:J2700*40*UN*4***1", "18446744073709551615");
        let titles: Vec<&str> = fixes.iter().map(|(title, _)| title.as_str()).collect();
        assert_eq!(titles, vec!["Add JZ modifier to J2700: nothing was discarded"]);
    }

    #[test]
    fn assists_find_nothing_outside_service_lines() {
        let text = claim("CI", &[("SV1*HC:J2700*40*UN*4***1", "20260115")]);
        let environment = Environment::default();
        let analysis = Analysis::of_text(text.clone(), &environment);
        let at = text.find("CLM*").unwrap_or(0);
        assert!(assists_at(&analysis, &environment, crate::syntax::Span::new(at, at)).is_empty());
    }
}
