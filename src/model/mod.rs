//! The claim model: interchanges, transactions, claims, service lines and drug loops as
//! views over the syntax tree. Nothing is copied out of the text: every view holds
//! segment indices, and values are read from the text on demand.

mod billing;
mod build;
mod charges;
mod claim;
mod envelope;
mod from_charges;
mod from_x12;
mod service_line;
mod subject;
mod x12_line;

pub use billing::{
    fits_billing_view, unit_code, BilledClaim, BilledLine, BilledModifiers, Billing, DrugQuantity, Field, FieldName,
    FieldNames, LineNumber, Modifier, NdcForm, Terms, CHARGE_TERMS, X12_TERMS,
};
pub use charges::ChargeFile;
pub use claim::{Claim, HierarchicalLevel, LevelCode};
pub use envelope::{FunctionalGroup, Interchange, Transaction, TransactionKind};
pub use from_charges::claim_key;
pub use from_x12::X12Part;
pub use service_line::{DrugIdentification, ElementPosition, Modifiers, Procedure, ServiceLine};
pub use subject::Subject;
pub use x12_line::{LineModifier, LineModifiers, X12Line};

use crate::calendar::CalendarDate;
use crate::syntax::{self, SegmentIndex, Span, SyntaxTree};

/// A parsed claim file: its text, its syntax tree, and the claim structure over both.
#[derive(Debug, Default)]
pub struct ClaimFile {
    pub text: String,
    pub tree: SyntaxTree,
    pub interchanges: Vec<Interchange>,
    /// Each service line's procedure and date of service, read once, by line ordinal.
    /// Kept apart from the lines so that walking claims and lines stays compact.
    /// Crate-visible so a large analysis can put a structure in place field by field while
    /// another thread still reads the text and tree (see `crate::analysis`).
    pub(crate) readings: Vec<LineReading>,
}

/// What was read from one service line when the structure was built.
#[derive(Debug, Default)]
pub struct LineReading {
    procedure: Option<Procedure>,
    date_of_service: Option<CalendarDate>,
}

/// The claim structure over a tree, with each line's readings.
#[derive(Debug, Default)]
pub struct Structure {
    pub(crate) interchanges: Vec<Interchange>,
    pub(crate) readings: Vec<LineReading>,
}

impl ClaimFile {
    pub fn parse(text: String) -> Self {
        let mut file = Self::unstructured(text);
        let structure = file.structure();
        file.set_structure(structure);
        file
    }

    /// Puts a structure built by [`ClaimFile::structure`] in place.
    pub fn set_structure(&mut self, structure: Structure) {
        self.interchanges = structure.interchanges;
        self.readings = structure.readings;
    }

    /// The syntax tree only; [`ClaimFile::structure`] builds the claims over it. Rules
    /// that read only the tree can run on this while the structure is being built.
    pub fn unstructured(text: String) -> Self {
        let tree = syntax::parse(&text);
        Self { text, tree, interchanges: Vec::new(), readings: Vec::new() }
    }

    /// The claim structure over this file's tree, each line's procedure and date of
    /// service read once so that rules share them.
    pub fn structure(&self) -> Structure {
        let mut interchanges = build::interchanges(&self.text, &self.tree);
        let mut readings = Vec::new();
        let claims = interchanges
            .iter_mut()
            .flat_map(|i| &mut i.groups)
            .flat_map(|g| &mut g.transactions)
            .flat_map(|t| &mut t.claims);
        for claim in claims {
            let claim_date = claim.date_of_service(self);
            for line in &mut claim.lines {
                line.ordinal = readings.len();
                readings.push(LineReading {
                    procedure: line.read_procedure(self),
                    date_of_service: line.read_date_of_service(self).or(claim_date),
                });
            }
        }
        Structure { interchanges, readings }
    }

    fn reading(&self, ordinal: usize) -> Option<&LineReading> {
        self.readings.get(ordinal)
    }

    pub fn transactions(&self) -> impl Iterator<Item = &Transaction> {
        self.interchanges.iter().flat_map(|i| &i.groups).flat_map(|g| &g.transactions)
    }

    /// Every billed line of the file, in order.
    pub fn billed_lines(&self) -> impl Iterator<Item = X12Line<'_>> {
        self.claims().flat_map(move |(transaction, claim)| {
            claim.lines.iter().filter_map(move |line| X12Line::of(self, transaction, claim, line))
        })
    }

    pub fn claims(&self) -> impl Iterator<Item = (&Transaction, &Claim)> {
        self.transactions().flat_map(|t| t.claims.iter().map(move |c| (t, c)))
    }

    /// The id of a segment (`CLM`), or `""` past the end.
    pub fn segment_id(&self, segment: SegmentIndex) -> &str {
        self.tree.segment(segment).map_or("", |s| s.id(&self.text))
    }

    /// Span of element `position` (1-based) of a segment.
    pub fn element_span(&self, segment: SegmentIndex, position: usize) -> Option<Span> {
        let segment = self.tree.segment(segment)?;
        Some(self.tree.element(segment, position)?.span())
    }

    /// Value of element `position` (1-based), `""` when absent.
    pub fn value(&self, segment: SegmentIndex, position: usize) -> &str {
        self.element_span(segment, position).map_or("", |span| span.text(&self.text))
    }

    /// Span of component `component` (1-based) of element `position`.
    pub fn component_span(&self, segment: SegmentIndex, position: usize, component: usize) -> Option<Span> {
        let segment_node = self.tree.segment(segment)?;
        let element = *self.tree.element(segment_node, position)?;
        segment_node.component(&self.text, element, component)
    }

    /// Value of a component, `""` when absent.
    pub fn component(&self, segment: SegmentIndex, position: usize, component: usize) -> &str {
        self.component_span(segment, position, component).map_or("", |span| span.text(&self.text))
    }

    /// The whole segment's span (id through terminator).
    pub fn segment_span(&self, segment: SegmentIndex) -> Span {
        self.tree.segment(segment).map_or_else(Span::default, |s| s.span())
    }

    /// The segment id's span: where a segment-level diagnostic points.
    pub fn segment_id_span(&self, segment: SegmentIndex) -> Span {
        self.tree.segment(segment).map_or_else(Span::default, |s| s.id_span())
    }

    /// Span of an element, or of the segment id when the element is missing, so a
    /// diagnostic about a missing value still lands on its segment.
    pub fn element_or_segment_span(&self, segment: SegmentIndex, position: usize) -> Span {
        self.element_span(segment, position)
            .filter(|span| !span.is_empty())
            .unwrap_or_else(|| self.segment_id_span(segment))
    }
}
