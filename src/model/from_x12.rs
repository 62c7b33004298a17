//! The neutral view of an 837: one [`BilledClaim`] per CLM, one [`BilledLine`] per
//! service line that has an SV1 or SV2.

use std::ops::Range;

use smallvec::SmallVec;

use super::billing::{
    BilledClaim, BilledLine, Billing, DrugQuantity, FieldName, FieldNames, LineNumber, Modifier, NdcForm, X12_TERMS,
};
use super::{ClaimFile, ElementPosition, TransactionKind, X12Line};
use crate::syntax::Span;

/// The claims of one stretch of an 837 with their lines: a large file's billing view is
/// built in parts on several cores, then joined.
pub struct X12Part {
    claims: Vec<BilledClaim>,
    lines: Vec<BilledLine>,
}

impl Billing {
    pub fn from_x12(file: &ClaimFile) -> Billing {
        Billing::from_x12_parts(vec![Billing::x12_part(file, 0..usize::MAX)])
    }

    /// How many claims (CLM) the 837 has.
    pub fn x12_claim_count(file: &ClaimFile) -> usize {
        file.claims().count()
    }

    /// The billing view of the 837's claims `range` (by their order in the file).
    pub fn x12_part(file: &ClaimFile, range: Range<usize>) -> X12Part {
        let taken = || file.claims().skip(range.start).take(range.end.saturating_sub(range.start));
        // Sized up front: a batch has tens of thousands of lines, and growing the vector
        // would copy them all again.
        let (claim_count, line_count) =
            taken().fold((0, 0), |(claims, lines), (_, claim)| (claims + 1, lines + claim.lines.len()));
        let mut claims = Vec::with_capacity(claim_count);
        let mut lines = Vec::with_capacity(line_count);
        for (transaction, claim) in taken() {
            let index = range.start + claims.len();
            let start = lines.len();
            lines.extend(
                claim
                    .lines
                    .iter()
                    .filter_map(|line| X12Line::of(file, transaction, claim, line))
                    .map(|line| billed_line(file, &line, index)),
            );
            let present = |span: Option<Span>| span.filter(|span| !span.is_empty());
            let facility = present(file.component_span(claim.clm, 5, 1));
            let institutional = transaction.kind == TransactionKind::Institutional;
            let subscriber = claim.subscriber(transaction);
            let payer = transaction.level_chain(claim.level).find_map(|level| level.payer);
            claims.push(BilledClaim {
                index,
                id: present(file.element_span(claim.clm, 1)),
                payer_class: subscriber.and_then(|sbr| present(file.element_span(sbr, 9))),
                payer_id: payer.and_then(|nm1| present(file.element_span(nm1, 9))),
                place_of_service: facility.filter(|_| !institutional),
                type_of_bill: facility.filter(|_| institutional),
                prior_authorization: claim.prior_authorization.and_then(|re| present(file.element_span(re, 2))),
                anchor: file.segment_id_span(claim.clm),
                lines: start..lines.len(),
            });
        }
        X12Part { claims, lines }
    }

    /// Joins parts built for consecutive claim ranges, in order.
    pub fn from_x12_parts(parts: Vec<X12Part>) -> Billing {
        let mut parts = parts.into_iter();
        let Some(X12Part { mut claims, mut lines }) = parts.next() else {
            return Billing::new(Vec::new(), Vec::new(), X12_TERMS);
        };
        for part in parts {
            // Each part numbered its claims in the file already; its line ranges start
            // at its own first line.
            let offset = lines.len();
            claims.extend(
                part.claims
                    .into_iter()
                    .map(|claim| BilledClaim { lines: claim.lines.start + offset..claim.lines.end + offset, ..claim }),
            );
            lines.extend(part.lines);
        }
        Billing::new(claims, lines, X12_TERMS)
    }
}

fn billed_line(file: &ClaimFile, at: &X12Line<'_>, claim: usize) -> BilledLine {
    let procedure = at.procedure;
    let institutional = procedure.segment_id == "SV2";
    let names = if institutional { &SV2_NAMES } else { &SV1_NAMES };
    let present = |span: Option<Span>| span.filter(|span| !span.is_empty());
    let first = file.segment_span(at.line.lx).start;
    let last = file.segment_span(at.line.segments.end.saturating_sub(1)).end;
    let drugs = at
        .line
        .drugs
        .iter()
        .map(|drug| {
            let ctp = |position: usize| drug.ctp.and_then(|ctp| present(file.element_span(ctp, position)));
            // X12 writes the codes themselves, in capitals.
            let unit = drug.ctp.and_then(|ctp| X12_UNITS.into_iter().find(|code| *code == file.component(ctp, 5, 1)));
            let ndc_form = if file.value(drug.lin, 2) == "N4" { NdcForm::ElevenDigits } else { NdcForm::Other };
            DrugQuantity { ndc: present(file.element_span(drug.lin, 3)), quantity: ctp(4), unit, ndc_form }
        })
        .collect();
    let notes = at.line.notes.iter().any(|note| !file.value(*note, 2).trim().is_empty());
    let modifiers = procedure
        .modifiers
        .with_components()
        .filter_map(|(component, span)| Some(Modifier { span, place: u8::try_from(component.checked_sub(3)?).ok()? }))
        .collect::<SmallVec<_>>();
    BilledLine {
        claim,
        extent: Span::new(first, last),
        number: LineNumber::Assigned(file.element_span(at.line.lx, 1).unwrap_or(Span::new(first, first))),
        names,
        code: procedure.code,
        is_hcpcs: procedure.qualifier.is_some_and(|q| q.text(&file.text) == "HC"),
        code_anchor: at.code_span(file),
        modifiers,
        units: procedure.quantity,
        units_place: procedure
            .quantity
            .unwrap_or_else(|| file.element_or_segment_span(at.service, procedure.quantity_position)),
        charge: procedure.charge,
        date_of_service: at.date_of_service,
        drugs,
        described: procedure.description.is_some() || notes,
        place_of_service: if institutional { None } else { present(file.element_span(at.service, 5)) },
        prior_authorization: at.line.prior_authorization.and_then(|re| present(file.element_span(re, 2))),
        revenue_code: if institutional { present(file.element_span(at.service, 1)) } else { None },
    }
}

/// CTP05-1 unit codes the rules read.
const X12_UNITS: [&str; 5] = ["ME", "GR", "ML", "UN", "F2"];

const fn element(segment: &'static str, element: usize, component: Option<usize>) -> FieldName {
    FieldName::Element(ElementPosition { segment, element, component })
}

const fn line_names(segment: &'static str, composite: usize) -> FieldNames {
    FieldNames {
        code: element(segment, composite, Some(2)),
        modifiers: [
            element(segment, composite, Some(3)),
            element(segment, composite, Some(4)),
            element(segment, composite, Some(5)),
            element(segment, composite, Some(6)),
        ],
        units: element(segment, composite + 3, None),
        charge: element(segment, composite + 1, None),
        description: element(segment, composite, Some(7)),
        ndc: element("LIN", 3, None),
        ndc_quantity: element("CTP", 4, None),
        revenue_code: element(segment, 1, None),
    }
}

/// 837P: SV101 composite, SV102 charge, SV104 units.
static SV1_NAMES: FieldNames = line_names("SV1", 1);
/// 837I: SV202 composite, SV203 charge, SV205 units.
static SV2_NAMES: FieldNames = line_names("SV2", 2);
