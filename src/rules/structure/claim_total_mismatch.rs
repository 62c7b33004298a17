//! `claim-total-mismatch`: CLM02 equals the sum of the line charges (SV102 on 837P,
//! SV203 on 837I).
//!
//! The guides require the total claim charge to balance with its lines; payers and
//! clearinghouses reject unbalanced claims at the front end. Source: 837P guide CLM02
//! note; 837I guide CLM02 note.

use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix, FixContext};
use crate::model::{Claim, ClaimFile};
use crate::rules::{Report, Rule, RuleContext};

pub static RULE: Rule = Rule {
    id: "claim-total-mismatch",
    default_severity: Severity::Error,
    summary: "CLM02 does not equal the sum of the service line charges",
    check,
    fix: Some(fix),
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for (_, claim) in file.claims() {
        let Some(total) = Decimal::parse(claim.total_charge(file)) else { continue };
        let Some((sum, charge_element)) = line_total(file, claim) else { continue };
        if sum != total {
            report.add(
                file.element_or_segment_span(claim.clm, 2),
                format!("CLM02 is {total}, but the {charge_element} line charges add up to {sum}; expected {sum}"),
            );
        }
    }
}

/// The sum of the claim's line charges and the element they are in (`SV102` or
/// `SV203`); `None` for a claim without lines, or with a line whose charge cannot be
/// read (invalid-number's business: no total then).
fn line_total(file: &ClaimFile, claim: &Claim) -> Option<(Decimal, &'static str)> {
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
pub(crate) fn repair(file: &ClaimFile, claim: &Claim) -> Option<Edit> {
    let clm02 = file.element_span(claim.clm, 2)?;
    let (sum, _) = line_total(file, claim)?;
    let written = Decimal::parse(clm02.text(&file.text));
    if written.is_some_and(|total| total == sum) {
        return None;
    }
    Some(Edit::replace(clm02, sum.with_scale(written.map_or(2, Decimal::scale))))
}

fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some((_, claim)) = context.claim_at(diagnostic.span.start) else { return };
    let Some(edit) = repair(context.file, claim) else { return };
    let title = format!("Fix CLM02: {}, the sum of the line charges", edit.text);
    fixes.extend(context.fix(title, vec![edit], true, true));
}
