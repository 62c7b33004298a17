//! `code-not-effective`: the code is valid on the line's date of service.
//!
//! Every record of the CMS HCPCS file has an added date and, once discontinued, a
//! termination date (the last date of service it may be billed for); a code outside that
//! window is denied. When CMS names a replacement the message gives it and the unit
//! conversion, because the new code often has another billing unit (J1170 up to 4 mg →
//! J1171 0.1 mg). Source: CMS HCPCS file record layout (ADD_DT, TERM_DT, cross reference).

use super::billed_lines;
use crate::codes::CodeStatus;
use crate::diagnostic::Severity;
use crate::rules::{Report, Rule, RuleContext};

pub static RULE: Rule = Rule {
    id: "code-not-effective",
    default_severity: Severity::Error,
    summary: "The code is not valid on the line's date of service",
    check,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let file = context.file;
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs(file) else { continue };
        let Some(record) = line.record else { continue };
        let Some(date) = line.line.date_of_service(file, line.claim) else { continue };
        let message = match record.status_on(date) {
            CodeStatus::Valid => continue,
            CodeStatus::NotYetValid { added } => {
                format!("{code} is valid from {added}, after this line's date of service")
            }
            CodeStatus::Discontinued { terminated } => {
                let replacement = match context.codes.successor(code) {
                    Some(successor) => match successor.conversion_text() {
                        Some(conversion) => format!("; use {} ({conversion})", successor.new),
                        None => format!("; use {}", successor.new),
                    },
                    None => String::new(),
                };
                format!("{code} ended {terminated}, before this line's date of service{replacement}")
            }
        };
        let policy = context.policy(line.transaction, line.claim);
        report.add_for(&policy, span, message);
    }
}
