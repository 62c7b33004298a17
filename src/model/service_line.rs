//! Service lines (2400) and their drug identification (2410).

use std::ops::Range;

use super::{claim::date_value, Claim, ClaimFile};
use smallvec::SmallVec;

use crate::calendar::CalendarDate;
use crate::syntax::{SegmentIndex, Span};

/// One 2400 service line.
#[derive(Debug)]
pub struct ServiceLine {
    /// Read once when the file is parsed: every drug-line rule asks for these.
    /// Position among the file's lines, where its readings are kept.
    pub(super) ordinal: usize,
    pub lx: SegmentIndex,
    pub segments: Range<SegmentIndex>,
    /// `SV1` (837P) or `SV2` (837I).
    pub service: Option<SegmentIndex>,
    /// `DTP*472`, the line's date of service.
    pub date_of_service: Option<SegmentIndex>,
    /// Line-level `REF*G1`.
    pub prior_authorization: Option<SegmentIndex>,
    /// Line-level `NTE` notes (where payers look for a NOC drug's name).
    pub notes: SmallVec<[SegmentIndex; 1]>,
    pub drugs: SmallVec<[DrugIdentification; 1]>,
}

/// One 2410 loop: the NDC and how much of it was given.
#[derive(Debug)]
pub struct DrugIdentification {
    /// `LIN**N4*ndc`.
    pub lin: SegmentIndex,
    /// `CTP****quantity*unit`.
    pub ctp: Option<SegmentIndex>,
}

/// An element's X12 position for messages (`SV104`, `SV101-7`), written only when a
/// message is: rules name positions on every line they look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElementPosition {
    pub segment: &'static str,
    pub element: usize,
    pub component: Option<usize>,
}

impl std::fmt::Display for ElementPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:02}", self.segment, self.element)?;
        match self.component {
            Some(component) => write!(f, "-{component}"),
            None => Ok(()),
        }
    }
}

/// Up to four modifiers (SV101-3 … SV101-6), the non-empty ones in order, kept inline so
/// that reading a line's procedure never allocates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    spans: [Span; 4],
    components: [u8; 4],
    len: u8,
}

impl Modifiers {
    fn push(&mut self, component: usize, span: Span) {
        let index = usize::from(self.len);
        if let (Some(slot), Some(position), Ok(component)) =
            (self.spans.get_mut(index), self.components.get_mut(index), u8::try_from(component))
        {
            *slot = span;
            *position = component;
            self.len += 1;
        }
    }

    /// Each modifier with its component number in the composite (3 … 6).
    pub fn with_components(&self) -> impl Iterator<Item = (usize, Span)> + '_ {
        self.components.iter().map(|c| usize::from(*c)).zip(self.iter().copied())
    }
}

impl std::ops::Deref for Modifiers {
    type Target = [Span];

    fn deref(&self) -> &[Span] {
        self.spans.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// The procedure of a line, located in SV1 or SV2: spans of each part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Procedure {
    /// The composite that holds qualifier, code, modifiers and description.
    pub composite: Option<Span>,
    pub qualifier: Option<Span>,
    pub code: Option<Span>,
    /// Up to four modifiers, non-empty ones only, in order.
    pub modifiers: Modifiers,
    pub description: Option<Span>,
    pub charge: Option<Span>,
    pub unit_basis: Option<Span>,
    pub quantity: Option<Span>,
    /// X12 position of each part, for messages: `SV104` or `SV205`.
    pub segment_id: &'static str,
    pub composite_position: usize,
    pub charge_position: usize,
    pub quantity_position: usize,
}

impl ServiceLine {
    /// LX01, the line number as written.
    pub fn number<'f>(&self, file: &'f ClaimFile) -> &'f str {
        file.value(self.lx, 1)
    }

    /// The procedure of this line, from SV1 or SV2 (read when the file was parsed).
    pub fn procedure<'f>(&self, file: &'f ClaimFile) -> Option<&'f Procedure> {
        file.reading(self.ordinal)?.procedure.as_ref()
    }

    /// The date of service: this line's `DTP*472`, else the claim's (read when the file
    /// was parsed).
    pub fn date_of_service(&self, file: &ClaimFile, _claim: &Claim) -> Option<CalendarDate> {
        file.reading(self.ordinal)?.date_of_service
    }

    /// The line's own `DTP*472` date.
    pub(super) fn read_date_of_service(&self, file: &ClaimFile) -> Option<CalendarDate> {
        self.date_of_service.and_then(|dtp| date_value(file, dtp))
    }

    pub(super) fn read_procedure(&self, file: &ClaimFile) -> Option<Procedure> {
        let service = self.service?;
        let (segment_id, composite_position) = match file.segment_id(service) {
            "SV1" => ("SV1", 1),
            "SV2" => ("SV2", 2),
            _ => return None,
        };
        let present = |span: Option<Span>| span.filter(|s| !s.is_empty());
        let composite = file.element_span(service, composite_position);
        // One pass over the composite: qualifier, code, four modifiers, description.
        let parts: [Option<Span>; 7] = match (composite, file.tree.segment(service)) {
            (Some(span), Some(segment)) => {
                segment.first_components(&file.text, crate::syntax::Element::new(span)).map(present)
            }
            _ => [None; 7],
        };
        let mut modifiers = Modifiers::default();
        for (component, part) in (3..=6).zip(parts.iter().skip(2)) {
            if let Some(span) = part {
                modifiers.push(component, *span);
            }
        }
        Some(Procedure {
            composite,
            qualifier: parts[0],
            code: parts[1],
            modifiers,
            description: parts[6],
            charge: present(file.element_span(service, composite_position + 1)),
            unit_basis: present(file.element_span(service, composite_position + 2)),
            quantity: present(file.element_span(service, composite_position + 3)),
            segment_id,
            composite_position,
            charge_position: composite_position + 1,
            quantity_position: composite_position + 3,
        })
    }
}

impl Procedure {
    /// `SV104` or `SV205`.
    pub fn quantity_element(&self) -> ElementPosition {
        ElementPosition { segment: self.segment_id, element: self.quantity_position, component: None }
    }

    /// `SV101-n` or `SV202-n`.
    pub fn component_element(&self, component: usize) -> ElementPosition {
        ElementPosition { segment: self.segment_id, element: self.composite_position, component: Some(component) }
    }

    /// The code as written (`J2700`), `""` when absent.
    pub fn code_text<'f>(&self, file: &'f ClaimFile) -> &'f str {
        self.code.map_or("", |span| span.text(&file.text))
    }

    /// The modifiers as written.
    pub fn modifier_texts<'a>(&'a self, file: &'a ClaimFile) -> impl Iterator<Item = &'a str> + 'a {
        self.modifiers.iter().map(move |span| span.text(&file.text))
    }

    pub fn has_modifier(&self, file: &ClaimFile, modifier: &str) -> bool {
        self.modifier_texts(file).any(|m| m == modifier)
    }

    /// The unit count as written, `""` when absent.
    pub fn quantity_text<'f>(&self, file: &'f ClaimFile) -> &'f str {
        self.quantity.map_or("", |span| span.text(&file.text))
    }
}

impl DrugIdentification {
    /// LIN03, the NDC (when LIN02 is `N4`).
    pub fn ndc<'f>(&self, file: &'f ClaimFile) -> &'f str {
        file.value(self.lin, 3)
    }

    /// CTP04 quantity and CTP05-1 unit (`ME`, `GR`, `ML`, `UN`, `F2`).
    pub fn quantity<'f>(&self, file: &'f ClaimFile) -> Option<(&'f str, &'f str)> {
        let ctp = self.ctp?;
        Some((file.value(ctp, 4), file.component(ctp, 5, 1)))
    }
}
