//! `ig-missing-loop`: a loop the guide requires is absent.
//!
//! A required loop that never opens (2010BB payer name under 2000B, 2010AA billing provider under
//! 2000A, 2400 service line under 2300) is a 999 rejection (IK3 code 3). Reported where the loop
//! should have started. Source: pyx12 map loop usage `R`.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-missing-loop",
    default_severity: Severity::Error,
    summary: "A loop the guide requires is absent",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::MissingLoop);
}
