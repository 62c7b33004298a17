//! `code-not-effective`: the code is valid on the line's date of service.
//!
//! Every record of the CMS HCPCS file has an added date and, once discontinued, a
//! termination date (the last date of service it may be billed for); a code outside that
//! window is denied. When CMS names a replacement the message gives it and the unit
//! conversion, because the new code often has another billing unit (J1170 up to 4 mg →
//! J1171 0.1 mg). Source: CMS HCPCS file record layout (ADD_DT, TERM_DT, cross reference).

use super::billed_lines;
use crate::codes::CodeStatus;
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "code-not-effective",
    default_severity: Severity::Error,
    summary: "The code is not valid on the line's date of service",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs() else { continue };
        let Some(record) = line.record else { continue };
        let Some(date) = line.date_of_service else { continue };
        let message = match record.status_on(date) {
            CodeStatus::Valid => continue,
            CodeStatus::NotYetValid { added } => {
                format!("{code} is valid from {added}, after this line's date of service")
            }
            CodeStatus::Discontinued { terminated } => {
                let replacement = match context.codes.successor(code) {
                    Some(successor) => match (by_dose(context, line, &successor.new), successor.conversion_text()) {
                        (Some(dose), _) => format!("; use {} ({dose})", successor.new),
                        (None, Some(conversion)) => format!("; use {} ({conversion})", successor.new),
                        (None, None) => format!("; use {}", successor.new),
                    },
                    None => String::new(),
                };
                format!("{code} ended {terminated}, before this line's date of service{replacement}")
            }
        };
        let policy = context.policy_of(line);
        report.add_for(&policy, span, message);
    }
}

/// The successor's units for the line's NDC quantity: "CTP04 is 2 mg, which is 20 units
/// of J1171 at 0.1 mg each" — exact where a ceiling conversion ("up to 4 mg") is not.
fn by_dose(context: &RuleContext<'_>, line: &crate::rules::LineFacts<'_>, new: &str) -> Option<String> {
    let unit = context.codes.procedure(new)?.billing_unit()?;
    let amount = super::dose::line_amount(context.source, &line.drugs)?;
    let count = unit.units_for_amount(amount)?;
    let plural = if count == 1 { "unit" } else { "units" };
    Some(format!("CTP04 is {amount}, which is {count} {plural} of {new} at {} each", unit.per_unit_text()))
}

/// "Replace J1170 with J1171": the successor CMS names, with the units converted through
/// both billing units (1 unit of J1170, up to 4 mg, = 40 units of J1171, 0.1 mg each).
/// Offered only when the successor is valid on the date of service and the conversion is
/// exact. Fix-all applies it only when the old unit is a fixed amount: from an "up to"
/// unit the converted count is the most the old unit allowed, and the real dose may need
/// fewer units of the finer code.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let codes = context.codes();
    let Some(line) = context.billed_line_at(diagnostic.span.start) else { return };
    let Some(code) = line.code.filter(|code| *code == diagnostic.span) else { return };
    let old = code.text(context.source);
    let Some(successor) = codes.successor(old) else { return };
    let (Some(old_record), Some(new_record)) = (codes.procedure(old), codes.procedure(&successor.new)) else { return };
    let Some(date) = line.date_of_service else { return };
    if new_record.status_on(date) != CodeStatus::Valid {
        return;
    }
    let mut edits = vec![Edit::replace(code, successor.new.clone())];
    let (Some(old_unit), Some(new_unit)) = (old_record.billing_unit(), new_record.billing_unit()) else { return };
    let Some(quantity) = line.units else { return };
    let Some(units) = Decimal::parse(quantity.text(context.source)) else { return };
    // The NDC quantity gives the dose, so the units follow from it exactly.
    let by_dose = super::dose::line_amount(context.source, &line.drugs)
        .and_then(|amount| new_unit.units_for_amount(amount))
        .and_then(|count| i64::try_from(count).ok())
        .map(Decimal::from_int);
    let converted = if let Some(count) = by_dose {
        Some(count)
    } else if let Some(factor) = old_unit.whole_units_of(new_unit) {
        units.checked_mul(Decimal::from_integer(factor))
    } else if let Some(divisor) = new_unit.whole_units_of(old_unit) {
        // Coarser successor: exact only when the units divide evenly.
        units
            .scaled(Decimal::ONE, Decimal::from_integer(divisor), 0)
            .filter(|whole| whole.checked_mul(Decimal::from_integer(divisor)).is_some_and(|back| back == units))
    } else {
        None
    };
    let Some(converted) = converted else { return };
    edits.push(Edit::replace(quantity, converted.to_string()));
    let title = format!("Replace {old} with {} ({units} → {converted} units)", successor.new);
    fixes.extend(context.fix(title, edits, true, by_dose.is_some() || !old_unit.up_to));
}
