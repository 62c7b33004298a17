//! What every rule gets: the file, the settings, and a place to report.

use crate::analysis::Environment;
use crate::codes::CodeTable;
use crate::config::{MueTable, PayerPolicy, RuleLevel, Settings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Claim, ClaimFile, Transaction};
use crate::syntax::Span;

pub struct RuleContext<'a> {
    pub file: &'a ClaimFile,
    pub settings: &'a Settings,
    pub codes: &'a CodeTable,
    pub mue: Option<&'a MueTable>,
}

impl<'a> RuleContext<'a> {
    pub fn new(file: &'a ClaimFile, environment: &'a Environment) -> Self {
        Self { file, settings: &environment.settings, codes: environment.codes(), mue: environment.mue.as_deref() }
    }

    /// The payer policy for a claim, from its SBR09 payer class and 2010BB payer id.
    pub fn policy(&self, transaction: &Transaction, claim: &Claim) -> PayerPolicy {
        self.settings.policy_for(claim.payer_class(self.file, transaction), claim.payer_id(self.file, transaction))
    }
}

/// Collects one rule's findings with its id and effective severity.
pub struct Report<'a> {
    rule: &'static str,
    severity: Severity,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    pub fn new(rule: &'static str, severity: Severity, out: &'a mut Vec<Diagnostic>) -> Self {
        Self { rule, severity, out }
    }

    pub fn add(&mut self, span: Span, message: impl Into<String>) {
        self.out.push(Diagnostic { rule: self.rule, severity: self.severity, span, message: message.into() });
    }

    /// Reports under a claim's payer policy: the payer's level for this rule wins over
    /// the global one, and `off` drops the finding.
    pub fn add_for(&mut self, policy: &PayerPolicy, span: Span, message: impl Into<String>) {
        let severity = match policy.rules.get(self.rule) {
            Some(RuleLevel::Off) => return,
            Some(RuleLevel::On(severity)) => *severity,
            None => self.severity,
        };
        self.out.push(Diagnostic { rule: self.rule, severity, span, message: message.into() });
    }
}
