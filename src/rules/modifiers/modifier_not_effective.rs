//! `modifier-not-effective`: a Level II modifier is valid on the line's date of service.
//!
//! Every CMS modifier record has an added date and, once discontinued, a termination date
//! (the last date it may be used). A modifier used after it ended — JG ended 2024-12-31
//! and TB replaced it for 340B-acquired drugs — or before it began is rejected. Messages
//! name the modifier's own dates and its successor, never the date of service (patient
//! data). Source: CMS HCPCS Level II modifier file (ANWEB record layout: added date,
//! termination date); CMS HCPCS quarterly update for JG → TB.

use crate::codes::CodeStatus;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, FixContext};
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "modifier-not-effective",
    default_severity: Severity::Error,
    summary: "A modifier was discontinued before, or added after, the date of service",
    check,
    fix: Some(fix),
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for claim in context.claims() {
        let policy = context.policy(claim);
        for line in context.claim_lines(claim) {
            let Some(date) = line.date_of_service else { continue };
            for modifier in line.modifiers() {
                let Some(record) = context.codes.modifier(modifier.text) else { continue };
                let message = match record.status_on(date) {
                    CodeStatus::Valid => continue,
                    CodeStatus::Discontinued { terminated } => {
                        let successor = context
                            .codes
                            .successor(modifier.text)
                            .map_or_else(String::new, |s| format!("; use {} instead", s.new));
                        format!(
                            "{} {} was discontinued: its last valid date is {terminated}, before this line's date \
                             of service{successor}",
                            modifier.element, modifier.text
                        )
                    }
                    CodeStatus::NotYetValid { added } => format!(
                        "{} {} is valid from {added}, after this line's date of service",
                        modifier.element, modifier.text
                    ),
                };
                report.add_for(&policy, modifier.span, message);
            }
        }
    }
}

/// "Replace JG with TB" when CMS names a successor that is valid on the date of service.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    let old = diagnostic.span.text(context.source);
    let Some(successor) = context.codes().successor(old) else { return };
    let Some(line) = context.billed_line_at(diagnostic.span.start) else { return };
    let Some(date) = line.date_of_service else { return };
    let valid = context.codes().modifier(&successor.new).is_some_and(|m| m.status_on(date) == CodeStatus::Valid);
    if valid && !line.has_modifier(context.source, &successor.new) {
        let title = format!("Replace {old} with {}", successor.new);
        fixes.extend(context.fix(title, vec![Edit::replace(diagnostic.span, successor.new.clone())], true, false));
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Environment;
    use crate::rules::modifiers::testing::{claim, findings};

    #[test]
    fn jg_ends_on_2024_12_31_and_names_tb() {
        let environment = Environment::default();
        let rule = "modifier-not-effective";
        let last_day = claim("MB", &[("SV1*HC:J2700:JZ:JG*40*UN*4***1", "20241231")]);
        assert!(findings(rule, &last_day, &environment).is_empty());
        let after = claim("MB", &[("SV1*HC:J2700:JZ:JG*40*UN*4***1", "20250101")]);
        let found = findings(rule, &after, &environment);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "JG");
        assert!(found[0].1.message.contains("2024-12-31"), "{}", found[0].1.message);
        assert!(found[0].1.message.ends_with("use TB instead"), "{}", found[0].1.message);
        // JZ was added on 2023-01-01 (TB exists since 2018: only its wording changed in 2025).
        let before = claim("MB", &[("SV1*HC:J2700:JZ:TB*40*UN*4***1", "20221231")]);
        let found = findings(rule, &before, &environment);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.message, "SV101-3 JZ is valid from 2023-01-01, after this line's date of service");
    }
}
