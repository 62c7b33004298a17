//! `unknown-modifier`: every modifier is a Level II modifier from the CMS HCPCS table or a
//! known Level I (CPT) modifier.
//!
//! Payers reject a line whose modifier they do not recognise; a typo (`JX` for `JW`) or a
//! lower-case modifier is the usual cause. Ambulance origin/destination modifiers (`RH`:
//! residence to hospital) are built from single letters and are not rows of the CMS
//! file, so they are accepted by their letters — on ambulance codes (A0021–A0999) only
//! (Pub. 100-04 ch. 15 §30 A): on a drug line `JX` is a typo for `JW`, not a trip.
//! Source: CMS HCPCS Level II modifier file (the
//! loaded ANWEB table); Level I modifiers from the AMA CPT code set (accepted by code,
//! described in our own words in `data/cpt-modifiers.tsv`); 837 guides SV101-3..6 /
//! SV202-3..6 (procedure modifier).

use crate::codes;
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "unknown-modifier",
    default_severity: Severity::Error,
    summary: "A modifier is neither in the CMS HCPCS modifier table nor a known CPT modifier",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for claim in context.claims() {
        let policy = context.policy(claim);
        for line in context.claim_lines(claim) {
            let ambulance = is_ambulance_code(line.code);
            let known = |code: &str| {
                context.codes.modifier(code).is_some()
                    || codes::cpt_modifier(code).is_some()
                    || (ambulance && is_ambulance_trip(code))
            };
            for modifier in line.modifiers().filter(|m| !known(m.text)) {
                let upper = modifier.text.to_ascii_uppercase();
                let hint = if upper != modifier.text && known(&upper) {
                    format!("; modifiers are upper case: {upper}")
                } else if is_ambulance_trip(&upper) && !line.code.is_empty() {
                    format!(
                        "; origin/destination modifiers are for ambulance codes (A0021–A0999) only, not {}",
                        line.code
                    )
                } else {
                    String::new()
                };
                report.add_for(
                    &policy,
                    modifier.span,
                    format!(
                        "{} {} is not a known modifier: neither a Level II modifier of the CMS HCPCS table nor a \
                         Level I (CPT) modifier{hint}",
                        modifier.element, modifier.text
                    ),
                );
            }
        }
    }
}

/// An ambulance or other transport code of the HCPCS A0 range (A0021–A0999), the codes
/// origin/destination modifiers go on.
fn is_ambulance_code(code: &str) -> bool {
    matches!(code.as_bytes(), [b'A', b'0', rest @ ..] if rest.len() == 3 && rest.iter().all(u8::is_ascii_digit))
}

/// An ambulance origin/destination pair: origin then destination, each one of the
/// letters CMS defines; X (intermediate stop at a physician's office) is a destination only.
fn is_ambulance_trip(code: &str) -> bool {
    const PLACES: &[u8] = b"DEGHIJNPRS";
    matches!(code.as_bytes(), [origin, destination] if PLACES.contains(origin) && (PLACES.contains(destination) || *destination == b'X'))
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn accepts_level_i_and_level_ii_and_names_the_upper_case_form() {
        let environment = Environment::default();
        let rule = "unknown-modifier";
        let known = claim("MB", &[("SV1*HC:J2700:JZ:59:KX*40*UN*4***1", "20260115")]);
        assert!(findings(rule, &known, &environment).is_empty());
        let ambulance = claim("MB", &[("SV1*HC:A0427:RH*700*UN*1***1", "20260115")]);
        assert!(findings(rule, &ambulance, &environment).is_empty());
        let unknown = claim("MB", &[("SV1*HC:J2700:jz:J9*40*UN*4***1", "20260115")]);
        let found = findings(rule, &unknown, &environment);
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["jz", "J9"]);
        assert!(found[0].1.message.ends_with("upper case: JZ"), "{}", found[0].1.message);
    }

    #[test]
    fn origin_destination_pairs_belong_to_ambulance_codes_only() {
        let environment = Environment::default();
        let rule = "unknown-modifier";
        let trip = claim("MB", &[("SV1*HC:A0428:DD*700*UN*1***1", "20260115")]);
        assert!(findings(rule, &trip, &environment).is_empty());
        // JX is the typical typo for JW: on a drug it is not an ambulance trip.
        let drug =
            claim("MB", &[("SV1*HC:J2700:JX*40*UN*4***1", "20260115"), ("SV1*HC:J2700:RH*40*UN*4***1", "20260115")]);
        let found = findings(rule, &drug, &environment);
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["JX", "RH"]);
        assert!(
            found[0].1.message.ends_with("for ambulance codes (A0021–A0999) only, not J2700"),
            "{}",
            found[0].1.message
        );
    }
}
