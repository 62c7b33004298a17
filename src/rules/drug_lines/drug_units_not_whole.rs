//! `drug-units-not-whole`: drug codes are billed in whole billing units.
//!
//! A dose that is not a multiple of the billing unit is rounded up to the next whole
//! unit (CMS Pub. 100-04, Medicare Claims Processing Manual, chapter 17, section 10; CMS
//! RAC topic 0074 "Excessive or Insufficient Drugs and Biologicals Units Billed"); a
//! fractional unit count on a drug line is rejected or mispaid. When the line's NDC
//! quantity gives the units (120 mg of a 1 mg code is 120, whatever 120.25 rounds up to;
//! a JW line's units by `ndc_units`), the message and the fix use that count, and the
//! fix is left out of fix-all: rounding up is safe only when nothing else on the line
//! disagrees.

use super::{billed_lines, dose, ndc_units};
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "drug-units-not-whole",
    default_severity: Severity::Error,
    summary: "A drug line bills a fraction of a billing unit",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for line in billed_lines(context) {
        let Some((code, _)) = line.hcpcs() else { continue };
        let Some(record) = line.record.filter(|record| record.is_drug()) else { continue };
        let Some(units) = line.unit_count().filter(|units| !units.is_whole()) else { continue };
        let Some(rounded) = dose::rounded_up(units) else { continue };
        let element = line.units_field().name;
        let per_unit =
            record.billing_unit().map(|unit| format!(" ({} each)", unit.per_unit_text())).unwrap_or_default();
        let from_ndc = ndc_units::units_from_ndc(context.billing, context.source, context.codes, line)
            .filter(|expected| *expected != rounded && *expected > 0);
        let message = match from_ndc {
            Some(expected) => format!(
                "{element} is {units}: {code} is billed in whole units{per_unit}; the NDC quantity gives \
                 {expected}, not the {rounded} that rounding up would give; expected {expected}"
            ),
            None => format!(
                "{element} is {units}: {code} is billed in whole units{per_unit}; round the dose up to the next whole unit: {rounded}"
            ),
        };
        let policy = context.policy_of(line);
        report.add_for(&policy, line.units_field().span, message);
    }
}

/// Round up, as CMS instructs for a dose between two whole units — safe when the NDC
/// quantity agrees or says nothing; the NDC quantity's count (not safe) when it disagrees.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(line) = context.billed_line_at(diagnostic.span.start) else { return };
    let Some(quantity) = line.units.filter(|units| *units == diagnostic.span) else { return };
    let Some(rounded) = Decimal::parse(quantity.text(context.source)).and_then(Decimal::ceil) else { return };
    let from_ndc = ndc_units::units_from_ndc(context.billing, context.source, context.codes(), line);
    match from_ndc {
        Some(expected) if Decimal::from_integer(expected) == rounded => {
            let title = format!("Round units up to {rounded}");
            fixes.extend(context.fix(title, vec![Edit::replace(quantity, rounded.to_string())], true, true));
        }
        Some(expected) if expected > 0 => {
            let title = format!("Set units to {expected} (from the NDC quantity)");
            fixes.extend(context.fix(title, vec![Edit::replace(quantity, expected.to_string())], true, false));
        }
        // A JW line whose discard the rounding already holds: no count is right.
        Some(_) => {
            let title = format!("Round units up to {rounded}");
            fixes.extend(context.fix(title, vec![Edit::replace(quantity, rounded.to_string())], false, false));
        }
        None => {
            let title = format!("Round units up to {rounded}");
            fixes.extend(context.fix(title, vec![Edit::replace(quantity, rounded.to_string())], true, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;
    use crate::config::Environment;
    use crate::ide::fixes;
    use crate::rules::modifiers::testing::claim;

    /// The fixes offered for drug-units-not-whole on a one-line claim with a CTP in mg.
    fn offered(sv1: &str, ctp: &str) -> Vec<(String, bool)> {
        let text = claim("MB", &[(sv1, "20260115")]).replace(
            "DTP*472*D8*20260115~\n",
            &format!("DTP*472*D8*20260115~\nLIN**N4*00409123401~\nCTP****{ctp}*ME~\n"),
        );
        let environment = Environment::default();
        let analysis = Analysis::of_text(text, &environment);
        let diagnostic =
            analysis.diagnostics.iter().find(|d| d.rule == "drug-units-not-whole").expect("finding").clone();
        fixes::fixes_for(&analysis, &environment, &diagnostic).into_iter().map(|fix| (fix.title, fix.safe)).collect()
    }

    #[test]
    fn the_ndc_quantity_gives_the_units_and_round_up_is_safe_only_when_it_agrees() {
        // J2405 ondansetron, per 1 mg: CTP 120 mg → 120 units, not the 121 of 120.25 rounded up.
        assert_eq!(
            offered("SV1*HC:J2405:JZ*40*UN*120.25***1", "120"),
            [("Set units to 120 (from the NDC quantity)".to_string(), false)]
        );
        assert_eq!(offered("SV1*HC:J2405:JZ*40*UN*120.25***1", "120.5"), [("Round units up to 121".to_string(), true)]);
    }
}
