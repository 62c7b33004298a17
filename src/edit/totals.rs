//! Control totals a change must keep true: SE01 counts the transaction's segments,
//! LX01 numbers a claim's lines 1, 2, 3 …, CLM02 is the sum of the line charges. The
//! structural rules report them; fixes that add or remove segments or charges settle them.

use super::Edit;
use crate::decimal::Decimal;
use crate::model::{Claim, ClaimFile, Transaction};
use crate::syntax::SegmentTag;

/// The segments from ST through SE, when the transaction has both.
pub fn segment_count(file: &ClaimFile, transaction: &Transaction) -> Option<usize> {
    let (st, se) = (transaction.st?, transaction.se?);
    // `~~` is no segment: unexpected-segment reports it, and deleting it must not
    // leave SE01 wrong, so it is not counted here.
    let empty = SegmentTag::of("");
    Some(file.tree.tags().get(st..=se).map_or(0, |tags| tags.iter().filter(|tag| **tag != empty).count()))
}

/// The edit that makes SE01 count the transaction's segments; `None` when it does
/// already (or the transaction has no SE01 to write to).
pub fn se01_repair(file: &ClaimFile, transaction: &Transaction) -> Option<Edit> {
    let expected = segment_count(file, transaction)?;
    let se01 = file.element_span(transaction.se?, 1)?;
    (se01.text(&file.text).parse::<usize>().ok() != Some(expected)).then(|| Edit::replace(se01, expected.to_string()))
}

/// The edits that number the claim's lines 1, 2, 3 … (none when they are already).
/// Lines whose LX has no LX01 element to write into are left alone.
pub fn lx_repairs(file: &ClaimFile, claim: &Claim) -> Vec<Edit> {
    claim
        .lines
        .iter()
        .enumerate()
        .filter(|(index, line)| line.number(file).parse::<usize>().ok() != Some(index + 1))
        .filter_map(|(index, line)| Some(Edit::replace(file.element_span(line.lx, 1)?, (index + 1).to_string())))
        .collect()
}

/// The sum of the claim's line charges and the element they are in (`SV102` or
/// `SV203`); `None` for a claim without lines, or with a line whose charge cannot be
/// read (invalid-number's business: no total then).
pub fn line_total(file: &ClaimFile, claim: &Claim) -> Option<(Decimal, &'static str)> {
    let mut sum = Decimal::ZERO;
    let mut charge_element = "";
    for line in &claim.lines {
        let procedure = line.procedure(file)?;
        charge_element = if procedure.segment_id == "SV2" { "SV203" } else { "SV102" };
        let charge = Decimal::parse(procedure.charge?.text(&file.text))?;
        sum = sum.checked_add(charge)?;
    }
    (!claim.lines.is_empty()).then_some((sum, charge_element))
}

/// The edit that makes CLM02 the sum of the lines, with as many decimals as CLM02 had
/// when the sum fits them (`370` → `400`, `370.00` → `400.00`); `None` when it balances.
pub fn clm02_repair(file: &ClaimFile, claim: &Claim) -> Option<Edit> {
    let clm02 = file.element_span(claim.clm, 2)?;
    let (sum, _) = line_total(file, claim)?;
    let written = Decimal::parse(clm02.text(&file.text));
    if written.is_some_and(|total| total == sum) {
        return None;
    }
    Some(Edit::replace(clm02, sum.with_scale(written.map_or(2, Decimal::scale))))
}
