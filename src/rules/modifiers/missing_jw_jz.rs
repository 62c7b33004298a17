//! `missing-jw-jz`: a separately payable drug from a single-dose container carries JW or
//! JZ.
//!
//! Medicare Part B has required JZ since July 2023 when nothing of a single-dose container
//! was discarded (and returns claims without JW or JZ since October 2023); the discarded
//! amount goes on a JW line. Those dates are data (`data/jw-jz-policy.tsv`): a line dated
//! before the requirement needs neither, and no fix offers a modifier on a date the CMS
//! modifier file says it did not exist (JZ before 2023-01-01). It applies to separately
//! payable drugs — CMS pricing indicator 51 — not to multi-dose containers (the payer
//! policy's `multiDoseCodes`), not to oral drugs (tablets and capsules, "oral" in the
//! CMS descriptor: they come from no single-dose container and are self-administered),
//! and not in FQHC or RHC settings. Other payers may or may not follow it, so the level
//! is a hint by default, a warning where the payer policy requires the modifiers
//! (built in: Medicare Part B `MB`, and `MA` on an 837I with type of bill 13x or 85x),
//! and the rule is silent for a payer whose `wastageModifiersRequired` is `false`.
//! Source: CMS "Discarded Drugs and Biologicals – JW Modifier and JZ Modifier Policy
//! Frequently Asked Questions"
//! (<https://www.cms.gov/medicare/medicare-fee-for-service-payment/hospitaloutpatientpps/downloads/jw-modifier-faqs.pdf>);
//! CMS MLN Matters MM13056; Medicare Claims Processing Manual (Pub. 100-04) ch. 17 §40.

use std::sync::LazyLock;

use super::{NO_WASTAGE, WASTAGE};
use crate::calendar::CalendarDate;
use crate::codes::{CodeStatus, CodeTable, HcpcsCode};
use crate::config::PayerPolicy;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{wastage_line, Fix, FixContext};
use crate::model::{BilledClaim, BilledLine};
use crate::rules::LineFacts;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "missing-jw-jz",
    default_severity: Severity::Hint,
    summary: "A separately payable single-dose drug line has neither JW nor JZ",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: Some(warning_where_required),
};

/// A payer that requires JW/JZ (Medicare Part B through the built-in policy) rejects or
/// returns a line without them: a warning there, a hint elsewhere.
fn warning_where_required(policy: &PayerPolicy) -> Option<Severity> {
    (policy.wastage_modifiers_required == Some(true)).then_some(Severity::Warning)
}

/// CMS pricing indicator for drugs paid separately (ASP-based).
const SEPARATELY_PAYABLE_DRUG: &str = "51";

/// The dates of the CMS policy, from `data/jw-jz-policy.tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WastagePolicyDates {
    /// From this date of service JW or JZ is required.
    pub required: CalendarDate,
    /// From this date claims without them are returned.
    pub returned: CalendarDate,
}

/// The policy dates as the data file states them; `None` when the file lacks one (a
/// test proves it does not).
pub static POLICY_DATES: LazyLock<Option<WastagePolicyDates>> = LazyLock::new(|| {
    let date = |event: &str| {
        include_str!("../../../data/jw-jz-policy.tsv").lines().filter(|line| !line.starts_with('#')).skip(1).find_map(
            |line| {
                let mut fields = line.split('\t');
                (fields.next()?.trim() == event).then_some(())?;
                CalendarDate::parse_ccyymmdd(fields.next()?.trim())
            },
        )
    };
    Some(WastagePolicyDates { required: date("required")?, returned: date("returned")? })
});

/// Whether the convention binds a line on this date of service: on or after the date
/// CMS required the modifiers, and on a date JZ exists in the loaded modifier table.
/// A line without a date of service is taken to be current.
fn required_on(codes: &CodeTable, date: Option<CalendarDate>) -> bool {
    let Some(date) = date else { return true };
    let Some(dates) = *POLICY_DATES else { return false };
    date >= dates.required && modifier_exists_on(codes, NO_WASTAGE, Some(date))
}

/// Whether a modifier may be written on this date (unknown dates: yes).
fn modifier_exists_on(codes: &CodeTable, modifier: &str, date: Option<CalendarDate>) -> bool {
    match (codes.modifier(modifier), date) {
        (Some(record), Some(date)) => record.status_on(date) == CodeStatus::Valid,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Drugs the convention leaves out by their CMS descriptor: oral drugs (J8xxx oral
/// chemotherapy and antiemetics, J75xx oral immunosuppressants, Q01xx oral antiemetics …),
/// which come as tablets, capsules or oral liquids rather than single-dose containers.
/// Vaccines of the Act's §1861(s)(10), which the FAQ exempts, carry pricing indicator 54
/// in the CMS file and are left out with every other code that is not priced as a drug.
pub fn is_oral(code: &HcpcsCode) -> bool {
    code.description().split(|c: char| !c.is_ascii_alphanumeric()).any(|word| word.eq_ignore_ascii_case("oral"))
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for claim in context.claims() {
        let policy = context.policy(claim);
        if policy.wastage_modifiers_required == Some(false) || is_fqhc_or_rhc_claim(context.source, claim) {
            continue;
        }
        let lines = context.claim_lines(claim);
        for line in lines {
            if line.has(WASTAGE) || line.has(NO_WASTAGE) || policy.multi_dose_codes.contains(line.code) {
                continue;
            }
            let Some(code) = line.record else { continue };
            if !code.record.pricing.iter().any(|p| p == SEPARATELY_PAYABLE_DRUG) || is_oral(code) {
                continue;
            }
            // The administered line of a drug with waste rightly carries neither modifier.
            if has_wastage_line(line, lines) || is_fqhc_or_rhc_line(context.source, line) {
                continue;
            }
            if !required_on(context.codes, line.date_of_service) {
                continue;
            }
            report.add_for(
                &policy,
                line.code_anchor,
                format!(
                    "{} is a separately payable drug (CMS pricing indicator 51) with neither JW nor JZ: add JZ \
                     when nothing of the single-dose container was discarded, or bill the discarded amount on its \
                     own JW line; list the code in multiDoseCodes if it comes in a multi-dose container",
                    line.code
                ),
            );
        }
    }
}

/// Both ways out, neither preferred: whether anything was discarded is the biller's
/// knowledge, not the file's.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    if context.only_safe {
        return;
    }
    if let Some(line) = context.billed_line_at(diagnostic.span.start) {
        offer(context, line, fixes);
    }
}

/// The same repairs on any drug line with neither JW nor JZ, for payers that do not
/// require the modifiers (no finding there to hang them on).
pub fn assists(context: &FixContext<'_>, line: &BilledLine, fixes: &mut Vec<Fix>) {
    let source = context.source;
    let is_drug = line.is_hcpcs
        && context.codes().procedure(line.code_text(source)).is_some_and(|code| code.is_drug() && !is_oral(code));
    if !is_drug || line.has_modifier(source, WASTAGE) || line.has_modifier(source, NO_WASTAGE) {
        return;
    }
    // The administered line of a drug with waste rightly has neither modifier: with a JW
    // line for the same code and date, JZ would contradict it and a second JW line would
    // bill the waste twice (and after "Remove modifier JZ" this is the line just fixed).
    let code = line.code_text(source);
    let siblings = context.billing.claim_of(line).map(|claim| context.billing.claim_lines(claim)).unwrap_or(&[]);
    let wasted_elsewhere = siblings.iter().any(|other| {
        other.extent != line.extent
            && !code.is_empty()
            && other.code_text(source) == code
            && other.date_of_service == line.date_of_service
            && other.has_modifier(source, WASTAGE)
    });
    if !wasted_elsewhere {
        offer(context, line, fixes);
    }
}

/// Each modifier only on a date it exists: no JZ for a 2020 line, whatever the payer.
fn offer(context: &FixContext<'_>, line: &BilledLine, fixes: &mut Vec<Fix>) {
    let codes = context.codes();
    if modifier_exists_on(codes, WASTAGE, line.date_of_service) {
        fixes.extend(wastage_line::add(context, line, false));
    }
    if modifier_exists_on(codes, NO_WASTAGE, line.date_of_service) {
        fixes.extend(wastage_line::add_no_wastage_modifier(context, line));
    }
}

fn has_wastage_line(line: &LineFacts<'_>, lines: &[LineFacts<'_>]) -> bool {
    lines.iter().any(|other| other.same_code_and_date(line) && other.has(WASTAGE))
}

/// Place of service 50 (FQHC) or 72 (RHC) for the claim (837P CLM05-1); type of bill
/// 77x (FQHC) or 71x (RHC) (837I CLM05-1).
fn is_fqhc_or_rhc_claim(source: &str, claim: &BilledClaim) -> bool {
    claim.place_of_service.is_some_and(|pos| matches!(pos.text(source), "50" | "72"))
        || claim.type_of_bill.is_some_and(|bill| matches!(bill.text(source), "71" | "77"))
}

/// The line's own place of service (837P SV105), when it says FQHC or RHC.
fn is_fqhc_or_rhc_line(source: &str, line: &LineFacts<'_>) -> bool {
    line.place_of_service.is_some_and(|pos| matches!(pos.text(source), "50" | "72"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::config::Environment;
    use crate::config::Settings;
    use crate::diagnostic::Severity;
    use crate::rules::modifiers::testing::{claim, findings};

    const RULE: &str = "missing-jw-jz";

    fn environment(settings: serde_json::Value) -> Environment {
        let (settings, warnings) = Settings::from_json(&settings, None, crate::rules::scope_of);
        assert!(warnings.is_empty(), "{warnings:?}");
        Environment { settings, ..Environment::default() }
    }

    #[test]
    fn severity_follows_the_payer_class() {
        let bare = [("SV1*HC:J2700*40*UN*4***1", "20260115")];
        let medicare = findings(RULE, &claim("MB", &bare), &Environment::default());
        assert_eq!(medicare.len(), 1);
        assert_eq!(medicare[0].0, "J2700");
        assert_eq!(medicare[0].1.severity, Severity::Warning);
        let commercial = findings(RULE, &claim("CI", &bare), &Environment::default());
        assert_eq!(commercial[0].1.severity, Severity::Hint);
        let configured = environment(json!({"payerClasses": {"CI": {"rules": {"missing-jw-jz": "error"}}}}));
        assert_eq!(findings(RULE, &claim("CI", &bare), &configured)[0].1.severity, Severity::Error);
    }

    #[test]
    fn stays_silent_where_the_convention_does_not_apply() {
        let bare = [("SV1*HC:J2700*40*UN*4***1", "20260115")];
        let not_required = environment(json!({"payerClasses": {"CI": {"wastageModifiersRequired": false}}}));
        assert!(findings(RULE, &claim("CI", &bare), &not_required).is_empty());
        let multi_dose = environment(json!({"policy": {"multiDoseCodes": ["J2700"]}}));
        assert!(findings(RULE, &claim("MB", &bare), &multi_dose).is_empty());
        let fqhc = [("SV1*HC:J2700*40*UN*4*50**1", "20260115")];
        assert!(findings(RULE, &claim("MB", &fqhc), &Environment::default()).is_empty());
        let with_waste = [("SV1*HC:J2700*40*UN*3***1", "20260115"), ("SV1*HC:J2700:JW*10*UN*1***1", "20260115")];
        assert!(findings(RULE, &claim("MB", &with_waste), &Environment::default()).is_empty());
        let not_a_drug = [("SV1*HC:96365*100*UN*1***1", "20260115")];
        assert!(findings(RULE, &claim("MB", &not_a_drug), &Environment::default()).is_empty());
    }

    #[test]
    fn the_requirement_starts_on_the_cms_date_and_never_before_jz_existed() {
        let dates = (*super::POLICY_DATES).expect("data/jw-jz-policy.tsv states both dates");
        assert_eq!(dates.required.to_string(), "2023-07-01");
        assert_eq!(dates.returned.to_string(), "2023-10-01");
        let on = |date| findings(RULE, &claim("MB", &[("SV1*HC:J2700*40*UN*4***1", date)]), &Environment::default());
        for before in ["19970301", "20200615", "20221231", "20230101", "20230630"] {
            assert!(on(before).is_empty(), "{before}: JW/JZ were not required yet");
        }
        for from in ["20230701", "20231001", "20260115"] {
            assert_eq!(on(from).len(), 1, "{from}");
        }
    }

    #[test]
    fn oral_drugs_need_neither_modifier() {
        // Oral chemotherapy, oral antiemetics, oral immunosuppressants: pricing 51, but tablets.
        for code in ["J8521", "J8610", "J8501", "Q0162", "J7507", "J0604"] {
            let sv1 = format!("SV1*HC:{code}*40*UN*4***1");
            let found = findings(RULE, &claim("MB", &[(&sv1, "20260115")]), &Environment::default());
            assert!(found.is_empty(), "{code}: {found:?}");
        }
    }
}
