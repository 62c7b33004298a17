//! An 837 service line — one with an SV1 or SV2 — with its claim and transaction, its
//! code, modifiers and date of service: the one X12 view of a line that the 837 writers
//! in `edit` and the neutral view (`billing`) are built from.

use super::{Claim, ClaimFile, ElementPosition, Procedure, ServiceLine, Transaction};
use crate::calendar::CalendarDate;
use crate::syntax::{SegmentIndex, Span};

#[derive(Clone, Copy, Debug)]
pub struct X12Line<'f> {
    pub transaction: &'f Transaction,
    pub claim: &'f Claim,
    pub line: &'f ServiceLine,
    pub procedure: &'f Procedure,
    /// The SV1 or SV2 segment.
    pub service: SegmentIndex,
    /// The procedure code as written; empty when missing.
    pub code: &'f str,
    pub modifiers: LineModifiers<'f>,
    /// The line's `DTP*472`, else the claim's.
    pub date_of_service: Option<CalendarDate>,
}

/// One modifier as written on a line, with where it sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineModifier<'f> {
    pub text: &'f str,
    pub span: Span,
    /// Its X12 position for messages: `SV101-3`, `SV202-4` …
    pub element: ElementPosition,
}

/// The (at most four) modifiers of a line, read from its procedure when asked: every
/// modifier rule passes over every line, so the line itself stays small.
#[derive(Clone, Copy, Debug)]
pub struct LineModifiers<'f> {
    procedure: &'f Procedure,
    source: &'f str,
}

impl<'f> X12Line<'f> {
    /// The line as billed, when it has an SV1 or SV2.
    pub fn of(
        file: &'f ClaimFile,
        transaction: &'f Transaction,
        claim: &'f Claim,
        line: &'f ServiceLine,
    ) -> Option<Self> {
        let procedure = line.procedure(file)?;
        Some(Self {
            transaction,
            claim,
            line,
            procedure,
            service: line.service?,
            code: procedure.code.map_or("", |span| span.text(&file.text)),
            modifiers: LineModifiers { procedure, source: &file.text },
            date_of_service: line.date_of_service(file, claim),
        })
    }

    /// The first modifier written as `code`.
    pub fn modifier(&self, code: &str) -> Option<LineModifier<'f>> {
        self.modifiers.iter().find(|m| m.text == code)
    }

    pub fn has(&self, code: &str) -> bool {
        self.modifier(code).is_some()
    }

    /// Same drug, same day: what the JW/JZ convention pairs lines by.
    pub fn same_code_and_date(&self, other: &X12Line<'_>) -> bool {
        !self.code.is_empty() && self.code == other.code && self.date_of_service == other.date_of_service
    }

    /// Where a finding about the line as a whole points: its code, else its composite.
    pub fn code_span(&self, file: &ClaimFile) -> Span {
        self.procedure.code.or(self.procedure.composite).unwrap_or_else(|| file.segment_id_span(self.service))
    }
}

impl<'f> LineModifiers<'f> {
    pub fn iter(&self) -> impl Iterator<Item = LineModifier<'f>> + 'f {
        let (procedure, source) = (self.procedure, self.source);
        procedure.modifiers.with_components().map(move |(component, span)| LineModifier {
            text: span.text(source),
            span,
            element: procedure.component_element(component),
        })
    }

    pub fn len(&self) -> usize {
        self.procedure.modifiers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.procedure.modifiers.is_empty()
    }
}
