//! `ig-missing-element`: a required element or component is empty.
//!
//! An element the guide marks Required for this segment (NM103 of the billing provider, SV101-02
//! the procedure code) that is empty or absent is a 999 rejection (IK4 code 1). Source: pyx12 map
//! element usage `R`; a composite's first component is demanded only when the composite is.

use crate::diagnostic::Severity;
use crate::guide::GuideCheck;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "ig-missing-element",
    default_severity: Severity::Error,
    summary: "A required element or component is empty",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Guide,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    super::report(context, report, GuideCheck::MissingElement);
}
