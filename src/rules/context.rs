//! What every rule gets: the file and its neutral billing view, the settings, and a
//! place to report.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::Rule;
use crate::codes::{CodeTable, HcpcsCode};
use crate::config::Environment;
use crate::config::{MueTable, NdcCrosswalk, PayerPolicy, Settings};
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::guide::GuideFinding;
use crate::model::{BilledClaim, BilledLine, Billing, ChargeFile, ClaimFile, FieldName, Subject};
use crate::syntax::Span;

pub struct RuleContext<'a> {
    /// The 837 being checked; empty for a charge file (only rules for both formats or
    /// for charge files run there).
    pub file: &'a ClaimFile,
    /// The charge file being checked, when it is one.
    pub charges: Option<&'a ChargeFile>,
    /// The file's text, which every span points into.
    pub source: &'a str,
    /// The format-neutral claims and lines the drug-line and modifier rules read.
    pub billing: &'a Billing,
    pub settings: &'a Settings,
    pub codes: &'a CodeTable,
    pub mue: Option<&'a MueTable>,
    /// CMS's ASP NDC–HCPCS crosswalk, when the user loaded one.
    pub crosswalk: Option<&'a NdcCrosswalk>,
    /// The policy of every claim, by claim index; computed once because every drug-line
    /// rule asks for it on every claim.
    policies: OnceLock<Vec<Arc<PayerPolicy>>>,
    /// Every billed line with its code's table entry, read once for all drug-line and
    /// modifier rules.
    lines: OnceLock<Vec<LineFacts<'a>>>,
    /// The claims the rules check: all of them, or a stretch of them when a large
    /// file's check is split (see [`RuleContext::for_claims`]).
    claim_range: Range<usize>,
    /// Their lines in [`Billing::lines`].
    line_range: Range<usize>,
    /// What the implementation guides say of the file, found in one pass for all the
    /// `ig-*` rules.
    guide_findings: OnceLock<Vec<GuideFinding>>,
}

/// A billed line with what every drug-line and modifier rule asks first, kept side by
/// side: every such rule passes over every line. Reads as its [`BilledLine`].
pub struct LineFacts<'a> {
    pub line: &'a BilledLine,
    /// The file's text, for reading the line's values.
    source: &'a str,
    /// The code as written; empty when absent.
    pub code: &'a str,
    /// The code and its span when it is a HCPCS/CPT code.
    pub hcpcs: Option<(&'a str, Span)>,
    /// The table's entry for that code.
    pub record: Option<&'a HcpcsCode>,
    /// The unit count when it is a number above zero.
    pub units: Option<Decimal>,
}

impl std::ops::Deref for LineFacts<'_> {
    type Target = BilledLine;

    fn deref(&self) -> &BilledLine {
        self.line
    }
}

/// One modifier as written on a line, with where it sits and what the format calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineModifier<'a> {
    pub text: &'a str,
    pub span: Span,
    /// `SV101-3`, the modifier 2 column …
    pub element: FieldName,
}

impl<'a> LineFacts<'a> {
    /// The line's modifiers as written, in order.
    pub fn modifiers(&self) -> impl Iterator<Item = LineModifier<'a>> + 'a {
        let source = self.source;
        let line = self.line;
        line.modifiers().iter().map(move |modifier| {
            let field = line.modifier_field(&modifier);
            LineModifier { text: field.text(source), span: field.span, element: field.name }
        })
    }

    /// The first modifier written as `code`.
    pub fn modifier(&self, code: &str) -> Option<LineModifier<'a>> {
        // Compares the text before naming the place: most lines lack the modifier asked for.
        let modifier = self.line.modifiers().iter().find(|m| m.span.text(self.source) == code)?;
        let field = self.line.modifier_field(&modifier);
        Some(LineModifier { text: field.text(self.source), span: field.span, element: field.name })
    }

    pub fn has(&self, code: &str) -> bool {
        self.modifier(code).is_some()
    }

    /// Same drug, same day: what the JW/JZ convention pairs lines by.
    pub fn same_code_and_date(&self, other: &LineFacts<'_>) -> bool {
        !self.code.is_empty() && self.code == other.code && self.date_of_service == other.date_of_service
    }
}

impl<'a> RuleContext<'a> {
    pub fn new(subject: Subject<'a>, environment: &'a Environment) -> Self {
        Self {
            file: subject.file,
            charges: subject.charges,
            source: subject.source,
            billing: subject.billing,
            settings: &environment.settings,
            codes: environment.codes(),
            mue: environment.mue.as_deref(),
            crosswalk: environment.crosswalk.as_deref(),
            policies: OnceLock::new(),
            lines: OnceLock::new(),
            claim_range: 0..subject.billing.claims.len(),
            line_range: 0..subject.billing.lines.len(),
            guide_findings: OnceLock::new(),
        }
    }

    /// The same file with the rules checking only the claims `claims` (by index) — for
    /// rules that read one claim at a time, which a large charge file's check runs a
    /// stretch of claims at a time, so that the lines in work stay in the cache.
    pub fn for_claims(&self, claims: Range<usize>) -> Self {
        let stretch = self.billing.claims.get(claims.clone()).unwrap_or(&[]);
        let line_range = match (stretch.first(), stretch.last()) {
            (Some(first), Some(last)) => first.lines.start..last.lines.end,
            _ => 0..0,
        };
        Self {
            file: self.file,
            charges: self.charges,
            source: self.source,
            billing: self.billing,
            settings: self.settings,
            codes: self.codes,
            mue: self.mue,
            crosswalk: self.crosswalk,
            policies: OnceLock::new(),
            lines: OnceLock::new(),
            guide_findings: OnceLock::new(),
            claim_range: claims,
            line_range,
        }
    }

    /// The context with the implementation-guide findings already found (on another thread).
    #[must_use]
    pub fn with_guide_findings(self, findings: Vec<GuideFinding>) -> Self {
        let _ = self.guide_findings.set(findings);
        self
    }

    /// The text of a span of the file.
    pub fn text(&self, span: Span) -> &'a str {
        span.text(self.source)
    }

    /// Every claim's payer policy (computed on first use).
    pub fn prepare_policies(&self) {
        self.all_policies();
    }

    fn all_policies(&self) -> &[Arc<PayerPolicy>] {
        let (settings, source) = (self.settings, self.source);
        self.policies.get_or_init(|| {
            // A batch has few payers and many claims: one policy per (payer class, payer
            // id, type of bill).
            type Key<'s> = (Option<&'s str>, Option<&'s str>, Option<&'s str>);
            let mut by_payer: HashMap<Key<'_>, Arc<PayerPolicy>> = HashMap::new();
            self.claims()
                .map(|claim| {
                    let key = payer_key(claim, source);
                    Arc::clone(
                        by_payer.entry(key).or_insert_with(|| Arc::new(settings.policy_for_claim(key.0, key.1, key.2))),
                    )
                })
                .collect()
        })
    }

    /// Every billed line of the file, in order.
    pub fn lines(&self) -> &[LineFacts<'a>] {
        let (billing, codes, source) = (self.billing, self.codes, self.source);
        self.lines.get_or_init(|| {
            billing
                .lines
                .get(self.line_range.clone())
                .unwrap_or(&[])
                .iter()
                .map(|line| {
                    let code = line.code_text(source);
                    let hcpcs = line.code().filter(|_| line.is_hcpcs).map(|span| (code, span));
                    let record = hcpcs.and_then(|(code, _)| codes.procedure(code));
                    let units = line
                        .units()
                        .and_then(|units| Decimal::parse(units.text(source)))
                        .filter(|u| !u.is_zero() && !u.is_negative());
                    LineFacts { line, source, code, hcpcs, record, units }
                })
                .collect()
        })
    }

    /// The implementation-guide findings of the file (computed on first use).
    pub fn guide_findings(&self) -> &[GuideFinding] {
        self.guide_findings.get_or_init(|| crate::guide::validate(self.file))
    }

    /// The billed lines of one claim (a slice of [`RuleContext::lines`]).
    pub fn claim_lines(&self, claim: &BilledClaim) -> &[LineFacts<'a>] {
        let first = self.line_range.start;
        let lines = claim.lines.start.checked_sub(first).zip(claim.lines.end.checked_sub(first));
        lines.and_then(|(start, end)| self.lines().get(start..end)).unwrap_or(&[])
    }

    /// Every claim, in order.
    pub fn claims(&self) -> impl Iterator<Item = &'a BilledClaim> {
        let billing: &'a Billing = self.billing;
        billing.claims.get(self.claim_range.clone()).unwrap_or(&[]).iter()
    }

    /// The payer policy for a claim, from its payer class and payer id. Borrowed from the
    /// table every claim shares: both rule threads read the same few policies, and a
    /// reference count touched per claim and rule bounces its cache line between cores.
    pub fn policy(&self, claim: &BilledClaim) -> PolicyRef<'_> {
        let own = claim.index.checked_sub(self.claim_range.start).and_then(|at| self.all_policies().get(at));
        match own {
            Some(policy) => PolicyRef::Shared(policy),
            None => {
                let key = payer_key(claim, self.source);
                PolicyRef::Own(Arc::new(self.settings.policy_for_claim(key.0, key.1, key.2)))
            }
        }
    }

    /// The payer policy of the claim a line belongs to.
    pub fn policy_of(&self, line: &BilledLine) -> PolicyRef<'_> {
        match self.claim_of(line) {
            Some(claim) => self.policy(claim),
            None => PolicyRef::Own(Arc::new(self.settings.policy_for(None, None))),
        }
    }

    /// The claim a line belongs to.
    pub fn claim_of(&self, line: &BilledLine) -> Option<&'a BilledClaim> {
        self.billing.claims.get(line.claim())
    }
}

/// A claim's payer policy as [`RuleContext::policy`] gives it: reads as a [`PayerPolicy`].
pub enum PolicyRef<'a> {
    Shared(&'a Arc<PayerPolicy>),
    Own(Arc<PayerPolicy>),
}

impl std::ops::Deref for PolicyRef<'_> {
    type Target = PayerPolicy;

    fn deref(&self) -> &PayerPolicy {
        match self {
            PolicyRef::Shared(policy) => policy,
            PolicyRef::Own(policy) => policy,
        }
    }
}

/// What decides a claim's policy: payer class, payer id and type of bill.
fn payer_key<'s>(claim: &BilledClaim, source: &'s str) -> (Option<&'s str>, Option<&'s str>, Option<&'s str>) {
    let text = |span: Option<Span>| span.map(|s| s.text(source));
    (text(claim.payer_class), text(claim.payer_id), text(claim.type_of_bill))
}

/// Collects one rule's findings with its id and the severity [`super::severity`] gives.
pub struct Report<'a> {
    rule: &'static Rule,
    settings: &'a Settings,
    /// The severity of a finding no claim owns (decided once).
    file_severity: Option<Severity>,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    pub fn new(rule: &'static Rule, settings: &'a Settings, out: &'a mut Vec<Diagnostic>) -> Self {
        Self { rule, settings, file_severity: super::severity(rule, settings, None), out }
    }

    /// Reports a finding of a file- or transaction-level rule.
    pub fn add(&mut self, span: Span, message: impl Into<String>) {
        if let Some(severity) = self.file_severity {
            self.push(severity, span, message.into());
        }
    }

    /// Reports a finding on a claim under its payer policy; the rule may be off there.
    pub fn add_for(&mut self, policy: &PayerPolicy, span: Span, message: impl Into<String>) {
        if let Some(severity) = super::severity(self.rule, self.settings, Some(policy)) {
            self.push(severity, span, message.into());
        }
    }

    /// Reports a finding on a claim at no more than `ceiling` (a rule's finding that is
    /// only a caution in this case); a lower configured severity stays.
    pub fn add_for_at_most(&mut self, policy: &PayerPolicy, ceiling: Severity, span: Span, message: impl Into<String>) {
        if let Some(severity) = super::severity(self.rule, self.settings, Some(policy)) {
            self.push(severity.max(ceiling), span, message.into());
        }
    }

    fn push(&mut self, severity: Severity, span: Span, message: String) {
        self.out.push(Diagnostic { rule: self.rule.id, severity, span, message });
    }
}
