//! Rules: one file per rule, one explicit list of all of them.
//!
//! A rule reads the claim model and reports byte ranges; it knows nothing of LSP or the
//! terminal. Its id is part of the product's interface and never changes.

pub mod charges;
mod context;
pub mod drug_lines;
pub mod implementation_guide;
pub mod modifiers;
mod severity;
pub mod structure;

pub use crate::config::RuleScope;
pub use context::{LineFacts, LineModifier, Report, RuleContext};
pub use severity::{may_report, severity};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use crate::config::{Environment, PayerPolicy};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Subject;

/// A rule: stable id, default severity, one-line summary and the check itself.
pub struct Rule {
    pub id: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    pub check: fn(&RuleContext<'_>, &mut Report<'_>),
    /// The repairs the rule offers for its findings (see `crate::edit`).
    pub fix: Option<crate::edit::FixFn>,
    /// Whether it reports per claim (a payer's policy may set its level) or per file or
    /// transaction (only the top-level `rules` setting applies).
    pub scope: RuleScope,
    /// What it reads, so that a large file's analysis can run it as soon as that exists.
    pub reads: Reads,
    /// Which files it checks.
    pub formats: Formats,
    /// Its default severity under a payer's policy, where that differs from
    /// `default_severity` (a payer that requires JW/JZ makes a missing one a warning).
    pub default_for_policy: Option<fn(&PayerPolicy) -> Option<Severity>>,
}

/// What a rule reads. Each is built from the one before; a rule runs as soon as what it
/// reads is there, while the next is being built on the other core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reads {
    /// The syntax tree only.
    Tree,
    /// The 837 claim model (envelopes, claims, lines).
    Model,
    /// The format-neutral billing view (drug lines, modifiers).
    Billing,
    /// The implementation-guide pass's findings ([`crate::guide::validate_tree`]): built from
    /// the syntax tree alone, on a thread of its own beside everything else in a large file.
    Guide,
}

/// Which files a rule checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Formats {
    X12,
    Charges,
    Both,
}

impl Formats {
    pub fn includes_charges(self) -> bool {
        self != Formats::X12
    }

    pub fn includes_x12(self) -> bool {
        self != Formats::Charges
    }
}

/// Every rule, group by group: structure, implementation guide, charge files, drug lines,
/// modifiers.
pub static ALL: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    structure::RULES
        .iter()
        .chain(implementation_guide::RULES)
        .chain(charges::RULES)
        .chain(drug_lines::RULES)
        .chain(modifiers::RULES)
        .copied()
        .collect()
});

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}

/// What settings reading needs to know of a rule id: whether it exists, and its scope.
pub fn scope_of(id: &str) -> Option<RuleScope> {
    by_id(id).map(|rule| rule.scope)
}

/// Below this size a second thread costs more than it saves.
pub const PARALLEL_FROM_BYTES: usize = 256 * 1024;

/// Runs every rule the settings leave on and returns the findings sorted by position.
pub fn check(subject: Subject<'_>, environment: &Environment) -> Vec<Diagnostic> {
    let mut diagnostics = check_some(subject, environment, &ALL);
    sort(&mut diagnostics);
    diagnostics
}

/// Orders findings by position, then rule id: the same whichever thread found them.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule)));
}

/// Runs the given rules (unsorted findings). Rules are independent readers of one
/// immutable file, so large files split them over two threads (the machines this runs on
/// have at least two cores).
pub fn check_some(subject: Subject<'_>, environment: &Environment, rules: &[&'static Rule]) -> Vec<Diagnostic> {
    let context = RuleContext::new(subject, environment);
    let run = |rules: &mut dyn Iterator<Item = &&'static Rule>| {
        let mut diagnostics = Vec::new();
        for rule in rules {
            run_rule(rule, &context, &mut diagnostics);
        }
        diagnostics
    };
    if subject.source.len() < PARALLEL_FROM_BYTES {
        return run(&mut rules.iter());
    }
    if subject.charges.is_some() {
        return check_charges_by_stretches(&context, rules);
    }
    check_on_two_threads(&context, rules, run)
}

/// The rules whose findings in a charge file lie in the claim, row or header they read,
/// and depend on nothing else. Two shortcuts rest on this list: a large charge file's
/// billing rules run stretch by stretch of claims (`check_charges_by_stretches`), and the
/// server's charge-file incremental check re-checks only the edited claims. A rule not
/// listed here (one added later that compares claims) runs on the whole file, and turns
/// the incremental shortcut off: every edit then re-analyses the whole file.
pub const CLAIM_LOCAL: &[&str] = &[
    // The header and detection only.
    "csv-missing-column",
    "csv-duplicate-column",
    // One row or cell.
    "csv-field-count",
    "invalid-date",
    "invalid-number",
    "npi-check-digit",
    // One claim's lines.
    "jw-below-billing-unit",
    "units-over-limit",
    "code-not-effective",
    "unknown-code",
    "units-invalid",
    "drug-line-missing-ndc",
    "ndc-quantity-mismatch",
    "ndc-format",
    "ndc-not-for-code",
    "prior-auth-missing",
    "jw-units-mismatch",
    "drug-units-not-whole",
    "noc-missing-description",
    "modifier-rt-lt",
    "wastage-modifier-on-non-drug",
    "duplicate-modifier",
    "unknown-modifier",
    "jz-with-wastage-line",
    "missing-jw-jz",
    "jw-jz-same-line",
    "jw-jz-on-multi-dose",
    "modifier-ga-gz",
    "modifier-59-with-x",
    "jw-without-administered-line",
    "modifier-not-effective",
];

/// About how many lines one stretch of a split check holds: their lines and facts (a
/// few hundred bytes each) stay in a core's cache while every rule reads them.
const STRETCH_LINES: usize = 2048;

/// A large charge file's check: its billing rules read one claim at a time ([`CLAIM_LOCAL`];
/// `tests/charge_large_file.rs` compares this with a check on one thread), so they run stretch
/// by stretch of claims, every rule on a stretch before the next, on two threads. Each
/// rule passing over all 100,000 lines of a large file in turn read them from memory
/// twenty times over; a stretch is read from memory once. Other rules run once, on the
/// whole file.
fn check_charges_by_stretches(context: &RuleContext<'_>, rules: &[&'static Rule]) -> Vec<Diagnostic> {
    let (by_claim, whole_file): (Vec<&'static Rule>, Vec<&'static Rule>) =
        rules.iter().copied().partition(|rule| rule.reads == Reads::Billing && CLAIM_LOCAL.contains(&rule.id));
    let mut stretches = Vec::new();
    let mut start = 0;
    let mut lines = 0;
    for (index, claim) in context.billing.claims.iter().enumerate() {
        lines += claim.lines.len();
        if lines >= STRETCH_LINES {
            stretches.push(start..index + 1);
            (start, lines) = (index + 1, 0);
        }
    }
    if start < context.billing.claims.len() {
        stretches.push(start..context.billing.claims.len());
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut diagnostics = Vec::new();
        while let Some(claims) = stretches.get(next.fetch_add(1, Ordering::Relaxed)) {
            let stretch = context.for_claims(claims.clone());
            for rule in &by_claim {
                run_rule(rule, &stretch, &mut diagnostics);
            }
        }
        diagnostics
    };
    std::thread::scope(|scope| {
        let other = scope.spawn(work);
        let mut mine = Vec::new();
        for rule in &whole_file {
            run_rule(rule, context, &mut mine);
        }
        mine.extend(work());
        match other.join() {
            Ok(theirs) => mine.extend(theirs),
            // A rule that panicked loses its findings, not the whole check.
            Err(_) => tracing::error!("a rule failed; its findings are missing from this check"),
        }
        mine
    })
}

/// Runs the given rules on this thread only, with the implementation-guide findings
/// already found (unsorted findings).
pub fn check_with_guide_findings(
    subject: Subject<'_>,
    environment: &Environment,
    rules: &[&'static Rule],
    guide_findings: Vec<crate::guide::GuideFinding>,
) -> Vec<Diagnostic> {
    let context = RuleContext::new(subject, environment).with_guide_findings(guide_findings);
    let mut diagnostics = Vec::new();
    for rule in rules {
        run_rule(rule, &context, &mut diagnostics);
    }
    diagnostics
}

/// Runs the given rules on this thread only (unsorted findings).
pub fn check_on_this_thread(
    subject: Subject<'_>,
    environment: &Environment,
    rules: &[&'static Rule],
) -> Vec<Diagnostic> {
    let context = RuleContext::new(subject, environment);
    let mut diagnostics = Vec::new();
    for rule in rules {
        run_rule(rule, &context, &mut diagnostics);
    }
    diagnostics
}

fn check_on_two_threads(
    context: &RuleContext<'_>,
    rules: &[&'static Rule],
    run: impl Fn(&mut dyn Iterator<Item = &&'static Rule>) -> Vec<Diagnostic> + Sync,
) -> Vec<Diagnostic> {
    // Both threads first build one of the shared fact tables, then take rules one at a
    // time from a common counter, so a slow rule does not leave a core idle.
    let next = AtomicUsize::new(0);
    let take = || std::iter::from_fn(|| rules.get(next.fetch_add(1, Ordering::Relaxed)));
    std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            context.prepare_policies();
            run(&mut take())
        });
        context.lines();
        let mut mine = run(&mut take());
        match other.join() {
            Ok(theirs) => mine.extend(theirs),
            // A rule that panicked loses its findings, not the whole check.
            Err(_) => tracing::error!("a rule failed; its findings are missing from this check"),
        }
        mine
    })
}

fn run_rule(rule: &'static Rule, context: &RuleContext<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let checks_this_format = match context.charges {
        Some(_) => rule.formats.includes_charges(),
        None => rule.formats.includes_x12(),
    };
    if !checks_this_format || !may_report(rule, context.settings) {
        return;
    }
    let mut report = Report::new(rule, context.settings, diagnostics);
    // A rule that panics on some input loses its findings for this check; the check,
    // the editor's server and the pipeline go on.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (rule.check)(context, &mut report)));
    if outcome.is_err() {
        tracing::error!(rule = rule.id, "rule failed on this file; its findings are missing");
    }
}
