//! Implementation-guide rules: what the 837P and 837I guides say of each loop, segment
//! and element (required, repeats, order, usage, length, type, codes, syntax notes).
//! One validation pass ([`crate::guide::validate`]) serves them all; each rule reports
//! its own kind of finding.

pub mod element_length;
pub mod element_not_used;
pub mod element_type;
pub mod invalid_code;
pub mod missing_element;
pub mod missing_loop;
pub mod missing_segment;
pub mod segment_order;
pub mod segment_repeat;
pub mod syntax_rule;

use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, FixContext};
use crate::guide::GuideCheck;
use crate::rules::{Report, RuleContext};

/// The rules of this group, in the order their findings are listed.
pub static RULES: &[&crate::rules::Rule] = &[
    &missing_segment::RULE,
    &missing_loop::RULE,
    &segment_repeat::RULE,
    &segment_order::RULE,
    &missing_element::RULE,
    &element_not_used::RULE,
    &element_length::RULE,
    &element_type::RULE,
    &invalid_code::RULE,
    &syntax_rule::RULE,
];

fn report(context: &RuleContext<'_>, report: &mut Report<'_>, check: GuideCheck) {
    for finding in context.guide_findings().iter().filter(|f| f.check == check) {
        report.add(finding.span, finding.message.clone());
    }
}

/// Offers the validation's repair for this finding, recomputed from its segment alone.
fn repair(context: &FixContext<'_>, diagnostic: &Diagnostic, check: GuideCheck, fixes: &mut Vec<Fix>) {
    let Some(repair) = crate::guide::repair_for(context.file, check, diagnostic.span, &diagnostic.message) else {
        return;
    };
    fixes.extend(context.fix(repair.title, vec![Edit::replace(repair.span, repair.text)], true, true));
}
