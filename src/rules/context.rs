//! What every rule gets: the file, the settings, and a place to report.

use crate::analysis::Environment;
use crate::codes::CodeTable;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ClaimFile;
use crate::syntax::Span;

pub struct RuleContext<'a> {
    pub file: &'a ClaimFile,
    pub settings: &'a Settings,
    pub codes: &'a CodeTable,
}

impl<'a> RuleContext<'a> {
    pub fn new(file: &'a ClaimFile, environment: &'a Environment) -> Self {
        Self { file, settings: &environment.settings, codes: environment.codes() }
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
}
