//! What every rule gets: the file, the settings, and a place to report.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::Rule;
use crate::codes::{CodeTable, HcpcsCode};
use crate::config::Environment;
use crate::config::{MueTable, PayerPolicy, Settings};
use crate::decimal::Decimal;
use crate::diagnostic::{Diagnostic, Severity};
use crate::guide::GuideFinding;
use crate::model::{BilledLine, Claim, ClaimFile, Transaction};
use crate::syntax::{SegmentIndex, Span};

pub struct RuleContext<'a> {
    pub file: &'a ClaimFile,
    pub settings: &'a Settings,
    pub codes: &'a CodeTable,
    pub mue: Option<&'a MueTable>,
    /// The policy of every claim, by its CLM segment index, in file order; computed
    /// once because every drug-line rule asks for it on every claim.
    policies: OnceLock<Vec<(SegmentIndex, Arc<PayerPolicy>)>>,
    /// Every billed service line with its code's table entry, read once for all
    /// drug-line rules.
    lines: OnceLock<Vec<LineFacts<'a>>>,
    /// What the implementation guides say of the file, found in one pass for all the
    /// `ig-*` rules.
    guide_findings: OnceLock<Vec<GuideFinding>>,
}

/// A billed line with what every drug-line and modifier rule asks first, kept side by
/// side: every such rule passes over every line. Reads as its [`BilledLine`].
pub struct LineFacts<'a> {
    pub billed: BilledLine<'a>,
    /// The code and its span when the composite's qualifier is `HC`.
    pub hcpcs: Option<(&'a str, Span)>,
    /// The table's entry for that code.
    pub record: Option<&'a HcpcsCode>,
    /// The unit count when it is a number above zero.
    pub units: Option<Decimal>,
    /// Whether a 2410 loop gives an NDC.
    pub has_ndc: bool,
}

impl<'a> std::ops::Deref for LineFacts<'a> {
    type Target = BilledLine<'a>;

    fn deref(&self) -> &BilledLine<'a> {
        &self.billed
    }
}

impl<'a> RuleContext<'a> {
    pub fn new(file: &'a ClaimFile, environment: &'a Environment) -> Self {
        Self {
            file,
            settings: &environment.settings,
            codes: environment.codes(),
            mue: environment.mue.as_deref(),
            policies: OnceLock::new(),
            lines: OnceLock::new(),
            guide_findings: OnceLock::new(),
        }
    }

    /// Every claim's payer policy, by CLM segment index (computed on first use).
    pub fn prepare_policies(&self) {
        self.all_policies();
    }

    fn all_policies(&self) -> &[(SegmentIndex, Arc<PayerPolicy>)] {
        let (file, settings) = (self.file, self.settings);
        self.policies.get_or_init(|| {
            // A batch has few payers and many claims: one policy per (payer class, payer id).
            let mut by_payer: HashMap<(Option<&str>, Option<&str>), Arc<PayerPolicy>> = HashMap::new();
            file.claims()
                .map(|(transaction, claim)| {
                    let key = (claim.payer_class(file, transaction), claim.payer_id(file, transaction));
                    let policy = by_payer.entry(key).or_insert_with(|| Arc::new(settings.policy_for(key.0, key.1)));
                    (claim.clm, Arc::clone(policy))
                })
                .collect()
        })
    }

    /// Every billed service line of the file, in order.
    pub fn lines(&self) -> &[LineFacts<'a>] {
        let file = self.file;
        let codes = self.codes;
        self.lines.get_or_init(|| {
            file.billed_lines()
                .map(|billed| {
                    let procedure = billed.procedure;
                    let is_hcpcs = procedure.qualifier.is_some_and(|q| q.text(&file.text) == "HC");
                    let hcpcs = procedure.code.filter(|_| is_hcpcs).map(|span| (span.text(&file.text), span));
                    let record = hcpcs.and_then(|(code, _)| codes.procedure(code));
                    let units =
                        Decimal::parse(procedure.quantity_text(file)).filter(|u| !u.is_zero() && !u.is_negative());
                    let has_ndc = billed.line.drugs.iter().any(|drug| !drug.ndc(file).trim().is_empty());
                    LineFacts { billed, hcpcs, record, units, has_ndc }
                })
                .collect()
        })
    }

    /// The implementation-guide findings of the file (computed on first use).
    pub fn guide_findings(&self) -> &[GuideFinding] {
        self.guide_findings.get_or_init(|| crate::guide::validate(self.file))
    }

    /// The billed lines of one claim (a slice of [`RuleContext::lines`]).
    pub fn claim_lines(&self, claim: &Claim) -> &[LineFacts<'a>] {
        let lines = self.lines();
        let start = lines.partition_point(|line| line.claim.clm < claim.clm);
        let end = lines.partition_point(|line| line.claim.clm <= claim.clm);
        lines.get(start..end).unwrap_or(&[])
    }

    /// The payer policy for a claim, from its SBR09 payer class and 2010BB payer id.
    pub fn policy(&self, transaction: &Transaction, claim: &Claim) -> Arc<PayerPolicy> {
        let policies = self.all_policies();
        let index = policies.partition_point(|(clm, _)| *clm < claim.clm);
        match policies.get(index) {
            Some((clm, policy)) if *clm == claim.clm => Arc::clone(policy),
            _ => Arc::new(
                self.settings
                    .policy_for(claim.payer_class(self.file, transaction), claim.payer_id(self.file, transaction)),
            ),
        }
    }
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

    fn push(&mut self, severity: Severity, span: Span, message: String) {
        self.out.push(Diagnostic { rule: self.rule.id, severity, span, message });
    }
}
