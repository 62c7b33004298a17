//! `ndc-format`: the NDC and its quantity are written as the format requires.
//!
//! The 837 guides carry the NDC in LIN03 with qualifier `N4` as 11 digits without
//! hyphens, in the 5-4-2 layout; the FDA's 10-digit labels (4-4-2, 5-3-2, 5-4-1) are
//! padded with a leading zero in the short part, and payers reject anything else. CTP04,
//! the quantity of the drug given, is above zero. A charge file may write the NDC as on the
//! label, with hyphens, so there only an NDC that reads as no NDC layout at all is
//! reported. The CTP05-1 unit code is `ig-invalid-code`'s; a quantity that is not a number
//! is `invalid-number`'s. Source: 837P (005010X222A1) and 837I (005010X223A2)
//! implementation guides, loop 2410 LIN02 `N4` "National Drug Code in 5-4-2 Format",
//! LIN03 and CTP04 (`data/x12/qualifiers.tsv`).

use crate::csv::normalize_ndc;
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::model::{DrugQuantity, NdcForm};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ndc-format",
    default_severity: Severity::Error,
    summary: "An NDC is not 11 digits in the 5-4-2 layout (837 LIN03 N4), or a drug quantity is not above zero",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

/// 11 ASCII digits.
fn is_eleven_digits(text: &str) -> bool {
    text.len() == 11 && text.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with an NDC as written, for the message; `None` when it is right.
fn ndc_problem(text: &str, form: NdcForm) -> Option<String> {
    match form {
        NdcForm::Other => None,
        NdcForm::ElevenDigits if is_eleven_digits(text) => None,
        NdcForm::ElevenDigits => Some(match normalize_ndc(text) {
            Some(ndc) => format!("is written with hyphens; with LIN02 N4 the NDC is 11 digits without them: {ndc}"),
            None => "is not an NDC in the 11-digit 5-4-2 layout the 837 requires (a 10-digit NDC is padded with a \
                     zero in its short part: write it from the label's hyphenated form)"
                .to_string(),
        }),
        // Eleven digits read as themselves; the check spares the allocation on the clean path.
        NdcForm::Normalizable if is_eleven_digits(text) || normalize_ndc(text).is_some() => None,
        NdcForm::Normalizable => Some(
            "is not an NDC: write 11 digits (5-4-2) or the label's hyphenated form (4-4-2, 5-3-2, 5-4-1, 5-4-2)"
                .to_string(),
        ),
    }
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in context.lines() {
        if line.drugs.is_empty() {
            continue;
        }
        let names = line.names;
        for drug in &line.drugs {
            if let Some(ndc) = drug.ndc {
                let text = ndc.text(source).trim();
                if let Some(problem) = ndc_problem(text, drug.ndc_form) {
                    report.add_for(&context.policy_of(line), ndc, format!("{} {text} {problem}", names.ndc));
                }
            }
            if let Some((span, amount)) = quantity(source, drug) {
                if amount.is_zero() || amount.is_negative() {
                    report.add_for(
                        &context.policy_of(line),
                        span,
                        format!(
                            "{} is {amount}: the quantity of the drug given (with the NDC) must be above zero",
                            names.ndc_quantity
                        ),
                    );
                }
            }
        }
    }
}

/// The quantity as a number, with where it is; `None` when absent or not a number.
fn quantity(source: &str, drug: &DrugQuantity) -> Option<(crate::syntax::Span, Decimal)> {
    let span = drug.quantity?;
    Some((span, Decimal::parse(span.text(source).trim())?))
}

/// A hyphenated NDC in an 837 becomes its 11 digits: the padding follows from where the
/// hyphens are, so there is one right answer (fix-all applies it).
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let Some(line) = context.billed_line_at(diagnostic.span.start) else { return };
    let Some(drug) = line.drugs.iter().find(|drug| drug.ndc == Some(diagnostic.span)) else { return };
    if drug.ndc_form != NdcForm::ElevenDigits {
        return;
    }
    let Some(ndc) = normalize_ndc(diagnostic.span.text(context.source)) else { return };
    let title = format!("Write the NDC as 11 digits: {ndc}");
    fixes.extend(context.fix(title, vec![Edit::replace(diagnostic.span, ndc)], true, true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_digits_in_an_837_any_label_layout_in_a_charge_file() {
        assert_eq!(ndc_problem("00409123401", NdcForm::ElevenDigits), None);
        let hyphenated = ndc_problem("0409-1234-01", NdcForm::ElevenDigits).unwrap_or_default();
        assert!(hyphenated.ends_with("without them: 00409123401"), "{hyphenated}");
        assert!(ndc_problem("12345-123-12", NdcForm::ElevenDigits).is_some_and(|m| m.ends_with("12345012312")));
        assert!(ndc_problem("12345-1234-1", NdcForm::ElevenDigits).is_some_and(|m| m.ends_with("12345123401")));
        assert!(ndc_problem("0409123401", NdcForm::ElevenDigits).is_some_and(|m| m.starts_with("is not an NDC")));
        assert_eq!(ndc_problem("0409-1234-01", NdcForm::Normalizable), None);
        assert_eq!(ndc_problem("00409123401", NdcForm::Normalizable), None);
        assert!(ndc_problem("0409-12-34-01", NdcForm::Normalizable).is_some());
        assert_eq!(ndc_problem("ABC", NdcForm::Other), None);
    }
}
