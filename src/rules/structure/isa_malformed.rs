//! `isa-malformed`: the ISA is not whole, so the file's delimiters are uncertain.
//!
//! The ISA is fixed-width (106 characters with its terminator) precisely so that readers
//! can find the delimiters at fixed offsets; a damaged ISA makes every later segment
//! ambiguous. Source: ASC X12 5010 control segments (ISA), both 837 guides, appendix B.

use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::SyntaxErrorKind;

pub static RULE: Rule = Rule {
    id: "isa-malformed",
    default_severity: Severity::Error,
    summary: "The ISA segment is not whole, so its delimiters cannot be trusted",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Tree,
    formats: Formats::X12,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    for error in &context.file.tree.errors {
        if error.kind == SyntaxErrorKind::IsaMalformed {
            report.add(error.span, error.message.clone());
        }
    }
}
