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
use super::{modifiers, settle, Edit, Fix, FixContext, LineAt};
use crate::decimal::Decimal;
use crate::rules::modifiers::WASTAGE;

/// Decimals a scaled NDC quantity is written with at most (CTP04 is type R).
const NDC_QUANTITY_SCALE: u32 = 3;

/// "Add JW wastage line" for the line, or `None` when the line cannot be copied
/// (no readable units or charge, all four modifier slots taken, a segment cut off).
pub fn add(context: &FixContext<'_>, at: &LineAt<'_>, preferred: bool) -> Option<Fix> {
    let file = context.file;
    let procedure = at.procedure;
    let units = Decimal::parse(procedure.quantity?.text(&file.text)).filter(|u| !u.is_zero() && !u.is_negative())?;
    let charge_span = procedure.charge?;
    let charge = Decimal::parse(charge_span.text(&file.text)).filter(|c| !c.is_negative())?;
    let wasted_units = Decimal::ONE;
    let wasted_charge = charge.scaled(wasted_units, units, charge.scale())?.with_scale(charge.scale());

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
    push(at.line.lx, rewritten(file, at.line.lx, &[Edit::replace(lx01, (number + 1).to_string())])?);

    // SV1/SV2: JW in the first free slot, the wasted units and their charge.
    let service_edits = [
        modifiers::add(file, at.service, procedure, WASTAGE)?,
        Edit::replace(charge_span, wasted_charge.clone()),
        Edit::replace(procedure.quantity?, wasted_units.to_string()),
    ];
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
                    let scale = quantity.scale().max(NDC_QUANTITY_SCALE);
                    edits.push(Edit::replace(span, quantity.scaled(wasted_units, units, scale)?.to_string()));
                }
            }
            push(ctp, rewritten(file, ctp, &edits)?);
        }
    }

    let last = at.line.segments.end.checked_sub(1)?;
    // A loop cut off at the end of the file has no terminator to put the new loop after.
    file.tree.segment(last)?.terminator()?;
    let after_line = file.segment_span(last).end;
    let edits = settle(file, vec![Edit::insert(after_line, loop_text)])?;
    let code = procedure.code_text(file);
    let title = format!("Add JW wastage line: 1 unit of {code} ({wasted_charge}) after line {number}");
    Some(Fix { title, edits, preferred, safe: false })
}

/// "Add JZ modifier": nothing of the single-dose container was discarded.
pub fn add_no_wastage_modifier(context: &FixContext<'_>, at: &LineAt<'_>) -> Option<Fix> {
    let file = context.file;
    let edit = modifiers::add(file, at.service, at.procedure, crate::rules::modifiers::NO_WASTAGE)?;
    let code = at.procedure.code_text(file);
    context.fix(format!("Add JZ modifier to {code}: nothing was discarded"), vec![edit], false, false)
}
