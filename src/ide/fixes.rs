//! Fix orchestration for the editor and `check --fix`: the fixes of the rule behind a
//! finding, the list to choose from (titles first, edits on resolve), the safe ones that
//! fix-all applies, and the drug-line repairs offered where no rule complains.

use crate::analysis::Analysis;
use crate::config::Environment;
use crate::diagnostic::Diagnostic;
use crate::edit::{Fix, FixContext};
use crate::rules;
use crate::syntax::Span;

/// The fixes the rule that made `diagnostic` offers for it. A fix function that panics
/// offers nothing; the editor and the pipeline go on.
pub fn fixes_for(analysis: &Analysis, environment: &Environment, diagnostic: &Diagnostic) -> Vec<Fix> {
    fixes_of(FixContext::new(analysis.subject(), environment), diagnostic)
}

/// The fixes for `diagnostic` as a list to choose from: titles and flags are right, the
/// edits may lack their settling (SE01, LX, CLM02); [`fixes_for`] gives the edits to apply.
pub fn fix_titles_for(analysis: &Analysis, environment: &Environment, diagnostic: &Diagnostic) -> Vec<Fix> {
    fixes_of(FixContext { titles_only: true, ..FixContext::new(analysis.subject(), environment) }, diagnostic)
}

/// The safe fixes for `diagnostic` (what fix-all applies).
pub fn safe_fixes_for(analysis: &Analysis, environment: &Environment, diagnostic: &Diagnostic) -> Vec<Fix> {
    let context = FixContext { only_safe: true, ..FixContext::new(analysis.subject(), environment) };
    let mut fixes = fixes_of(context, diagnostic);
    fixes.retain(|fix| fix.safe);
    fixes
}

fn fixes_of(context: FixContext<'_>, diagnostic: &Diagnostic) -> Vec<Fix> {
    let Some(fix) = rules::ALL.iter().find(|rule| rule.id == diagnostic.rule).and_then(|rule| rule.fix) else {
        return Vec::new();
    };
    let mut fixes = Vec::new();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fix(&context, diagnostic, &mut fixes)));
    if outcome.is_err() {
        tracing::error!(rule = diagnostic.rule, "fix failed on this file; no fix offered");
        return Vec::new();
    }
    fixes
}

/// Repairs offered where no rule complains: on a drug line with neither JW nor JZ, add
/// a wastage line or JZ (for payers that do not require them, where `missing-jw-jz`
/// stays silent). Lines that carry a `missing-jw-jz` finding get these from the finding.
pub fn assists_at(analysis: &Analysis, environment: &Environment, span: Span) -> Vec<Fix> {
    assists(FixContext::new(analysis.subject(), environment), analysis, span)
}

/// [`assists_at`] as a list to choose from (see [`fix_titles_for`]).
pub fn assist_titles_at(analysis: &Analysis, environment: &Environment, span: Span) -> Vec<Fix> {
    assists(FixContext { titles_only: true, ..FixContext::new(analysis.subject(), environment) }, analysis, span)
}

fn assists(context: FixContext<'_>, analysis: &Analysis, span: Span) -> Vec<Fix> {
    let Some(line) = context.billed_line_at(span.start) else { return Vec::new() };
    let flagged = analysis.diagnostics.iter().any(|diagnostic| {
        diagnostic.rule == rules::modifiers::missing_jw_jz::RULE.id && line.extent.touches(diagnostic.span.start)
    });
    if flagged {
        return Vec::new();
    }
    let mut fixes = Vec::new();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rules::modifiers::missing_jw_jz::assists(&context, line, &mut fixes);
    }));
    if outcome.is_err() {
        tracing::error!("drug-line assist failed on this file; none offered");
        return Vec::new();
    }
    fixes
}
