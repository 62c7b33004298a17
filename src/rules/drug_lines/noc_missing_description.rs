//! `noc-missing-description`: a not-otherwise-classified drug code names the drug and
//! gives its NDC.
//!
//! NOC codes (J3490 unclassified drugs, J3590 unclassified biologics, J9999 NOC
//! antineoplastics …, and the "not otherwise specified"/"NOS" drug codes without a unit:
//! J8999 oral chemotherapy, J8597 oral antiemetic, Q4100 skin substitute …) carry no
//! drug and no billing unit, so payers cannot price them
//! without the drug's name — in SV101-7 (837P) or SV202-7 (837I), or a line NTE — and
//! its NDC in loop 2410 (LIN/CTP). Source: 837P guide SV101-7 and 2400 NTE, 837I guide
//! SV202-7, both guides' loop 2410; CMS HCPCS descriptors of the NOC codes.

use super::billed_lines;
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "noc-missing-description",
    default_severity: Severity::Warning,
    summary: "A not-otherwise-classified drug code without a drug description or an NDC",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    for line in billed_lines(context) {
        let Some((code, span)) = line.hcpcs() else { continue };
        if !line.record.is_some_and(|record| record.is_noc() && record.is_drug()) {
            continue;
        }
        let terms = &context.billing.terms;
        let mut missing = Vec::new();
        if !line.described {
            missing.push(format!("the drug's name in {}{}", line.names.description, terms.description_elsewhere));
        }
        if !line.has_ndc(source) {
            missing.push(format!("its NDC {}", terms.ndc_in));
        }
        if missing.is_empty() {
            continue;
        }
        let message = format!("{code} is not otherwise classified: payers need {}", missing.join(" and "));
        let policy = context.policy_of(line);
        report.add_for(&policy, span, message);
    }
}
