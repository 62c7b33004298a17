//! `ndc-not-for-code`: the line's NDC is one CMS lists under other HCPCS codes.
//!
//! CMS's ASP NDC–HCPCS crosswalk says which drug products (NDCs) are billed under which
//! HCPCS codes for Medicare Part B. When the user loads it (`ndcCrosswalkFile`) and it
//! lists the line's NDC, but not under the line's code, the code or the NDC is wrong: a
//! biosimilar billed under the reference product's code, an NDC copied from the line
//! above. An NDC the crosswalk does not list is no finding: CMS lists only the products
//! priced by ASP, not every NDC. A line dated before the crosswalk's year is left alone,
//! since codes change each January and an older claim follows the older crosswalk; so
//! are compounds (several NDCs on one line). Source: CMS "ASP NDC-HCPCS Crosswalk",
//! quarterly (<https://www.cms.gov/medicare/payment/part-b-drugs/asp-pricing-files>);
//! 837P/837I guides, loop 2410 LIN03.

use super::{billed_lines, crosswalk::ndc_of};
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ndc-not-for-code",
    default_severity: Severity::Warning,
    summary: "The line's NDC is listed in the CMS NDC–HCPCS crosswalk under other HCPCS codes",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

/// At most this many codes are named in a message.
const MAX_CODES: usize = 5;

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let Some(crosswalk) = context.crosswalk else { return };
    let source = context.source;
    for line in billed_lines(context) {
        let Some((code, _)) = line.hcpcs() else { continue };
        let [drug] = line.drugs.as_slice() else { continue };
        let (Some(ndc_span), Some(ndc)) = (drug.ndc, ndc_of(source, drug)) else { continue };
        let entries = crosswalk.entries(&ndc);
        if entries.is_empty() || entries.iter().any(|entry| entry.hcpcs == code) {
            continue;
        }
        if let (Some(year), Some(date)) = (crosswalk.year, line.date_of_service) {
            if date.year < year {
                continue;
            }
        }
        let mut codes: Vec<&str> = entries.iter().map(|entry| entry.hcpcs.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let more = codes.len().saturating_sub(MAX_CODES);
        codes.truncate(MAX_CODES);
        let mut listed = codes.join(", ");
        if more > 0 {
            listed.push_str(&format!(" and {more} more"));
        }
        let drug_name = entries.first().map(|entry| entry.drug_name.as_str()).filter(|name| !name.is_empty());
        let product = drug_name.map_or_else(String::new, |name| format!(" ({name})"));
        let edition = crosswalk.year.map_or_else(String::new, |year| format!(" {year}"));
        let message = format!(
            "{} {}{product} is listed in the CMS NDC–HCPCS crosswalk{edition} under {listed}, not {code}: \
             check the code or the NDC",
            line.names.ndc,
            ndc_span.text(source).trim(),
        );
        let policy = context.policy_of(line);
        report.add_for(&policy, ndc_span, message);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::config::{Environment, NdcCrosswalk};
    use crate::rules::modifiers::testing::{claim, findings};

    const RULE: &str = "ndc-not-for-code";

    /// Made-up rows: a made-up labeler's NDC listed under J1745 only.
    const CROSSWALK: &str = "\
Made-up test values, not CMS data
_2026_CODE,Short Description,LABELER NAME,NDC2,Drug Name,HCPCS dosage,PKG SIZE,PKG QTY,BILLUNITS,BILLUNITSPKG
J1745,Made-up,EXAMPLE PHARMA LLC,99999-0030-01,EXAMPLEMAB,10 MG,1,1,10,10
";

    fn environment() -> Environment {
        let crosswalk = NdcCrosswalk::from_csv(CROSSWALK).expect("crosswalk");
        Environment { crosswalk: Some(Arc::new(crosswalk)), ..Environment::default() }
    }

    /// One line of `code` with the made-up NDC, dated `date`.
    fn line(code: &str, ndc: &str, date: &str) -> String {
        let text = claim("MB", &[(&format!("SV1*HC:{code}*1*UN*10***1"), date)]);
        text.replace(&format!("DTP*472*D8*{date}~"), &format!("DTP*472*D8*{date}~\nLIN**N4*{ndc}~\nCTP****1*UN~"))
    }

    #[test]
    fn an_ndc_listed_under_another_code_is_named_with_that_code() {
        let found = findings(RULE, &line("J9999", "99999003001", "20260115"), &environment());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "99999003001");
        assert_eq!(
            found[0].1.message,
            "LIN03 99999003001 (EXAMPLEMAB) is listed in the CMS NDC–HCPCS crosswalk 2026 under J1745, not J9999: \
             check the code or the NDC"
        );
    }

    #[test]
    fn its_own_code_an_unlisted_ndc_an_older_claim_or_no_crosswalk_pass() {
        assert!(findings(RULE, &line("J1745", "99999003001", "20260115"), &environment()).is_empty());
        assert!(findings(RULE, &line("J9999", "99999123401", "20260115"), &environment()).is_empty(), "unlisted");
        assert!(findings(RULE, &line("J9999", "99999003001", "20251231"), &environment()).is_empty(), "2025");
        let no_table = Environment::default();
        assert!(findings(RULE, &line("J9999", "99999003001", "20260115"), &no_table).is_empty());
    }
}
