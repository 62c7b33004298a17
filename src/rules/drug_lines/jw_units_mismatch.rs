//! `jw-units-mismatch`: a JW line bills the discarded amount the NDC quantities give.
//!
//! Medicare pays for a single-dose container's administered and discarded amounts, up to
//! what the container holds; the administered line bills the dose rounded up to whole
//! units and the JW line the rest. So the JW units are the billing units of
//! (administered + discarded) less the administered line's units: 95 mg given and 155 mg
//! discarded of a 10 mg code are 25 units in all, 10 given, 15 JW. Read when the JW line
//! and its administered lines (same code and date of service, same claim) each carry one
//! NDC mass (2410 CTP in `ME`/`GR`, a charge file's NDC quantity) and the administered
//! lines bill what their own quantity calls for (ndc-quantity-mismatch reports them
//! otherwise). A discard the administered line's rounding already holds is
//! jw-below-billing-unit's finding. Source: Medicare Claims Processing Manual
//! (Pub. 100-04) ch. 17 §10 (rounding) and §40 (discarded drugs); CMS "Discarded Drugs and
//! Biologicals – JW Modifier and JZ Modifier Policy Frequently Asked Questions"
//! (<https://www.cms.gov/medicare/medicare-fee-for-service-payment/hospitaloutpatientpps/downloads/jw-modifier-faqs.pdf>).

use super::{billed_lines, ndc_units};
use crate::codes::WASTAGE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "jw-units-mismatch",
    default_severity: Severity::Warning,
    summary: "A JW line's units differ from the discarded amount its NDC quantity gives",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn plural(count: u64) -> &'static str {
    if count == 1 {
        "unit"
    } else {
        "units"
    }
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in billed_lines(context).filter(|line| line.has(WASTAGE)) {
        // Fractions are drug-units-not-whole's finding (its fix sets these same units).
        let Some(units) = line.units.filter(|units| units.is_whole()) else { continue };
        let Some(wastage) = ndc_units::wastage_units(context.billing, source, context.codes, line)
            .or_else(|| ndc_units::wastage_units_by_crosswalk(context.billing, source, context.crosswalk, line))
        else {
            continue;
        };
        let expected = wastage.expected;
        if expected == 0 || units == crate::decimal::Decimal::from_integer(expected) {
            continue;
        }
        let administered_label = context
            .billing
            .lines
            .get(wastage.administered_line)
            .map_or_else(|| "the administered line".to_string(), |l| l.label(source, &context.billing.terms));
        let field = line.units_field();
        let message = format!(
            "{} is {units}, but the NDC quantities give {} given and {} discarded: {} {} of {} ({}, \
             rounded up), less the {} billed on {administered_label}, leaves {expected} {} to bill with JW; \
             expected {expected}",
            field.name,
            wastage.administered,
            wastage.discarded,
            wastage.total_units,
            plural(wastage.total_units),
            line.code,
            wastage.basis,
            wastage.administered_units,
            plural(expected),
        );
        let policy = context.policy_of(line);
        report.add_for(&policy, field.span, message);
    }
}

/// Set the JW units to what the quantities give; not for fix-all, since the NDC quantity
/// may be the mistake instead.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(line) = context.billed_line_at(diagnostic.span.start) else { return };
    let Some(units) = line.units.filter(|units| *units == diagnostic.span) else { return };
    let (billing, source) = (context.billing, context.source);
    let Some(wastage) = ndc_units::wastage_units(billing, source, context.codes(), line).or_else(|| {
        ndc_units::wastage_units_by_crosswalk(billing, source, context.environment.crosswalk.as_deref(), line)
    }) else {
        return;
    };
    if wastage.expected == 0 {
        return;
    }
    let title = format!("Set JW units to {}", wastage.expected);
    fixes.extend(context.fix(title, vec![Edit::replace(units, wastage.expected.to_string())], true, false));
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    const RULE: &str = "jw-units-mismatch";

    /// An infliximab (J1745, 10 mg) administered line and its JW line, with CTP in mg.
    fn pair(given: &str, given_units: &str, discarded: &str, jw_units: &str) -> String {
        let text = claim("MB", &[("SV1*HC:J1745*1*UN*A***1", "20260115"), ("SV1*HC:J1745:JW*1*UN*B***1", "20260115")]);
        let mut lines = Vec::new();
        let mut ctp = [given, discarded].into_iter();
        for line in text.lines() {
            let line =
                line.replace("UN*A*", &format!("UN*{given_units}*")).replace("UN*B*", &format!("UN*{jw_units}*"));
            let is_date = line.starts_with("DTP*472");
            lines.push(line);
            if is_date {
                lines.push("LIN**N4*57894003001~".to_string());
                lines.push(format!("CTP****{}*ME~", ctp.next().unwrap_or_default()));
            }
        }
        lines.join("\n")
    }

    #[test]
    fn jw_units_are_the_container_less_the_billed_dose() {
        let environment = Environment::default();
        // J1745 infliximab, 10 mg: 95 mg given (10 units), 155 mg discarded → 250 mg = 25 units; JW 15.
        assert!(findings(RULE, &pair("95", "10", "155", "15"), &environment).is_empty());
        let found = findings(RULE, &pair("95", "10", "155", "16"), &environment);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.message.ends_with("expected 15"), "{}", found[0].1.message);
        // 50 mg discarded: 145 mg = 15 units, JW 5, not 10.
        let found = findings(RULE, &pair("95", "10", "50", "10"), &environment);
        assert_eq!(found.len(), 1, "10 units for a 50 mg discard");
        assert_eq!(found[0].0, "10");
        assert!(found[0].1.message.ends_with("expected 5"), "{}", found[0].1.message);
    }

    #[test]
    fn leaves_rounding_and_a_wrong_administered_line_to_their_rules() {
        let environment = Environment::default();
        // 95 mg given bills 10 units (100 mg): a 5 mg discard is inside the rounding.
        assert!(findings(RULE, &pair("95", "10", "5", "1"), &environment).is_empty());
        // The administered line bills 12 units for 95 mg: that line is wrong first.
        assert!(findings(RULE, &pair("95", "12", "155", "16"), &environment).is_empty());
    }
}
