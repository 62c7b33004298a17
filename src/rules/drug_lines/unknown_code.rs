//! `unknown-code`: the procedure code on a line is a HCPCS code that exists.
//!
//! SV101-2 (837P) and SV202-2 (837I) carry a HCPCS Level II code (a letter and four
//! digits, from the CMS HCPCS file) or a CPT code when SV101-1/SV202-1 is `HC`. A code
//! with neither shape, or a Level II code absent from the CMS file, is denied as invalid.
//! CPT codes are accepted without claims: their list is AMA-licensed and not shipped.
//! Level II letters the loaded table holds no codes of (the built-in table has J and Q
//! only) are not judged. A table is one quarter's release: for a date of service after
//! that quarter CMS may have added the code since (new codes take effect each January,
//! April, July and October), so the finding is a warning that names the release and how
//! to load a newer file. Source: 837P guide SV101, 837I guide SV202; CMS HCPCS file and
//! its quarterly updates.

use super::billed_lines;
use crate::codes::{self, CodeShape};
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "unknown-code",
    default_severity: Severity::Error,
    summary: "The procedure code is not a HCPCS Level II code in the CMS file nor shaped like a CPT code",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs() else { continue };
        let element = line.names.code;
        let message = match codes::shape(code) {
            CodeShape::Cpt => continue,
            CodeShape::LevelII => {
                let letter = code.chars().next().unwrap_or(' ');
                if line.record.is_some() || !context.codes.has_procedures_starting_with(letter) {
                    continue;
                }
                let release = context.codes.release();
                if let (Some(release), Some(date)) = (release, line.date_of_service) {
                    if !release.covers(date) {
                        let message = format!(
                            "{element} {code} is not in the HCPCS table ({}; the {} release), which covers \
                             dates of service through {}; this line is dated {date}, and CMS may have added the \
                             code since: load a newer HCPCS file with the setting codeTables.hcpcsFile (or \
                             --hcpcs-file), or check the code",
                            context.codes.source(),
                            release.name(),
                            release.last_day(),
                        );
                        let policy = context.policy_of(line);
                        report.add_for_at_most(&policy, Severity::Warning, span, message);
                        continue;
                    }
                }
                format!("{element} {code} is not in the HCPCS table ({}); check the code", context.codes.source())
            }
            CodeShape::Invalid if code.chars().any(|c| c.is_ascii_lowercase()) => {
                format!("{element} {code} is not a valid code; HCPCS codes are upper case: {}", code.to_ascii_uppercase())
            }
            CodeShape::Invalid => format!(
                "{element} {code} is not a valid code: expected a HCPCS Level II code (a letter and four digits, e.g. J2700) or a five-character CPT code"
            ),
        };
        let policy = context.policy_of(line);
        report.add_for(&policy, span, message);
    }
}
