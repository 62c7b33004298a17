//! The vocabulary of changes: byte edits, a fix (titled edits a rule offers for its
//! finding), what a fix function reads, and the builders rules repair with — modifiers,
//! the JW wastage line, and the control totals (SE01, LX01, CLM02) a change must keep true.
//!
//! Each rule that can repair its finding has a `fix` function beside its `check` (see
//! `rules::Rule::fix`); `ide::fixes` asks for them on request — for the diagnostics under
//! the editor's cursor, or for a whole file — never while checking, so a clean 10 MB batch
//! pays nothing for them.
//!
//! A fix says *what* changes on the neutral view (add a modifier to this billed line,
//! take out that one, add a JW line after it) and each format writes it: the 837
//! writers here (`modifiers`, `wastage_line`) and the charge-file writer
//! (`charge_row`), so one rule's fix works on both.
//!
//! The building blocks here keep the user's bytes: the file's own delimiters, its line
//! breaks and indentation (new segments copy the gaps of the segments they copy), and
//! edits trimmed to the bytes that change. A fix that adds or removes segments or
//! charges is [`settle`]d: SE01, LX01 and CLM02 that were right before stay right.

mod byte_edit;
pub mod charge_row;
mod layout;
pub mod modifiers;
mod settle;
pub mod totals;
pub mod wastage_line;

pub use byte_edit::{apply, compose, normalized, trimmed, Edit};
pub use settle::settle;

use crate::codes::CodeTable;
use crate::config::Environment;
use crate::diagnostic::Diagnostic;
use crate::model::{BilledLine, Billing, ChargeFile, Claim, ClaimFile, Subject, Transaction, X12Line};
use crate::syntax::{SegmentIndex, Span};

/// One way to repair a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the editor lists; starts with the words users learn ("Add JW wastage line").
    pub title: String,
    /// Edits on the analysed text, sorted and not overlapping.
    pub edits: Vec<Edit>,
    /// The one clearly right repair (the editor may apply it on a single key).
    pub preferred: bool,
    /// Applied by "fix all": the repair has one right answer and needs no fact the file
    /// does not state (a count, a total, a rounding rule), never a clinical choice.
    pub safe: bool,
}

/// A rule's fix function: reads the finding and pushes the fixes it can offer.
pub type FixFn = fn(&FixContext<'_>, &Diagnostic, &mut Vec<Fix>);

/// What a fix function reads.
pub struct FixContext<'a> {
    /// The 837 being fixed (empty for a charge file).
    pub file: &'a ClaimFile,
    /// The charge file being fixed, when that is what is fixed.
    pub charges: Option<&'a ChargeFile>,
    /// The text every span points into.
    pub source: &'a str,
    /// The neutral claims and lines the drug-line and modifier rules read.
    pub billing: &'a Billing,
    pub environment: &'a Environment,
    /// Fix-all asks only for safe fixes: a rule whose fixes are all choices (and may be
    /// costly, like the JW line's re-read of the file) can return at once.
    pub only_safe: bool,
    /// Only the titles are wanted now (the editor resolves the chosen fix's edits
    /// later): costly steps such as settling totals may be skipped.
    pub titles_only: bool,
}

impl<'a> FixContext<'a> {
    pub fn new(subject: Subject<'a>, environment: &'a Environment) -> Self {
        Self {
            file: subject.file,
            charges: subject.charges,
            source: subject.source,
            billing: subject.billing,
            environment,
            only_safe: false,
            titles_only: false,
        }
    }

    /// The billed line holding byte `offset`.
    pub fn billed_line_at(&self, offset: usize) -> Option<&'a BilledLine> {
        self.billing.line_at(offset).map(|(_, line)| line)
    }

    /// The edit that puts `modifier` in the line's first free modifier place.
    pub fn add_modifier(&self, line: &BilledLine, modifier: &str) -> Option<Edit> {
        if let Some(charges) = self.charges {
            return charge_row::add_modifier(charges, line, modifier);
        }
        let at = self.x12_line_at(line.extent.start)?;
        modifiers::add(self.file, at.service, at.procedure, modifier)
    }

    /// The edit that takes out the modifier written at `span` from the line; the
    /// modifiers after it move up one place (no empty place between modifiers).
    pub fn remove_modifier(&self, line: &BilledLine, span: Span) -> Option<Edit> {
        if let Some(charges) = self.charges {
            return charge_row::remove_modifier(charges, line, span);
        }
        let at = self.x12_line_at(line.extent.start)?;
        modifiers::remove(self.file, at.service, at.procedure, span)
    }

    /// The edit that writes `value` in place of the value at `span` (a unit count, a
    /// code): as it is in an 837, quoted when a charge-file cell needs it.
    pub fn replace_value(&self, span: Span, value: &str) -> Option<Edit> {
        match self.charges {
            Some(charges) => charge_row::replace_value(charges, span, value),
            None => Some(Edit::replace(span, value)),
        }
    }

    pub fn codes(&self) -> &'a CodeTable {
        self.environment.codes()
    }

    /// The segment holding byte `offset`.
    pub fn segment_at(&self, offset: usize) -> Option<SegmentIndex> {
        self.file.tree.segment_at(offset)
    }

    /// The transaction holding byte `offset`, from ST through SE.
    pub fn transaction_at(&self, offset: usize) -> Option<&'a Transaction> {
        let segment = self.segment_at(offset)?;
        // The model's `segments` stop before SE.
        self.file
            .transactions()
            .find(|transaction| transaction.segments.contains(&segment) || transaction.se == Some(segment))
    }

    /// The claim (CLM through its last line) holding byte `offset`, with its transaction.
    pub fn claim_at(&self, offset: usize) -> Option<(&'a Transaction, &'a Claim)> {
        let segment = self.segment_at(offset)?;
        let transaction = self.file.transactions().find(|transaction| transaction.segments.contains(&segment))?;
        Some((transaction, transaction.claims.iter().find(|claim| claim.segments.contains(&segment))?))
    }

    /// The 837 service line (one with SV1 or SV2) holding byte `offset`, for the 837
    /// writers here; rules ask for [`FixContext::billed_line_at`].
    pub fn x12_line_at(&self, offset: usize) -> Option<X12Line<'a>> {
        let segment = self.segment_at(offset)?;
        let (transaction, claim) = self.claim_at(offset)?;
        let line = claim.lines.iter().find(|line| line.segments.contains(&segment))?;
        X12Line::of(self.file, transaction, claim, line)
    }

    /// A fix whose edits are trimmed to the bytes that change; `None` when nothing does.
    pub fn fix(&self, title: impl Into<String>, edits: Vec<Edit>, preferred: bool, safe: bool) -> Option<Fix> {
        if self.only_safe && !safe {
            return None;
        }
        let edits: Vec<Edit> = edits.into_iter().filter_map(|edit| trimmed(self.source, edit)).collect();
        let edits = normalized(self.source, edits)?;
        (!edits.is_empty()).then(|| Fix { title: title.into(), edits, preferred, safe })
    }
}
