//! `ig-invalid-code`: a code or qualifier the guide does not list for this element.
//!
//! ID elements take codes from the guide's list for that spot (NM101 `85` in 2010AA, SBR09 claim
//! filing codes) or an external list pyx12 ships (states, countries, place of service, currency,
//! remark codes); anything else is a 999 rejection (IK4 code 7). Source: pyx12 map `valid_codes`
//! and `codes.xml`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Fix, FixContext};
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-invalid-code",
    default_severity: Severity::Error,
    summary: "A code or qualifier the guide does not list for this element",
    check,
    fix: Some(fix),
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::InvalidCode);
}

/// The repair the validation attached to this finding, when there is exactly one.
fn fix(context: &FixContext<'_>, diagnostic: &Diagnostic, fixes: &mut Vec<Fix>) {
    super::repair(context, diagnostic, GuideCheck::InvalidCode, fixes);
}
