//! The neutral view of an 837: one [`BilledClaim`] per CLM, one [`BilledLine`] per
//! service line that has an SV1 or SV2.

use smallvec::SmallVec;

use super::billing::{BilledClaim, BilledLine, Billing, DrugQuantity, Field, FieldName, LineNumber, X12_TERMS};
use super::{ClaimFile, ElementPosition, TransactionKind, X12Line};
use crate::syntax::Span;

impl Billing {
    pub fn from_x12(file: &ClaimFile) -> Billing {
        let mut claims = Vec::new();
        let mut lines = Vec::new();
        for (transaction, claim) in file.claims() {
            let index = claims.len();
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
        Billing { claims, lines, terms: X12_TERMS }
    }
}

fn billed_line(file: &ClaimFile, at: &X12Line<'_>, claim: usize) -> BilledLine {
    let procedure = at.procedure;
    let element = |component: usize| FieldName::Element(procedure.component_element(component));
    let field = |span: Span, name: FieldName| Field { span, name };
    let is_hcpcs = procedure.qualifier.is_some_and(|q| q.text(&file.text) == "HC");
    let quantity_name = FieldName::Element(procedure.quantity_element());
    let charge_name = FieldName::Element(ElementPosition {
        segment: procedure.segment_id,
        element: procedure.charge_position,
        component: None,
    });
    let first = file.segment_span(at.line.lx).start;
    let last = file.segment_span(at.line.segments.end.saturating_sub(1)).end;
    let present = |span: Option<Span>| span.filter(|span| !span.is_empty());
    let drugs = at
        .line
        .drugs
        .iter()
        .map(|drug| {
            let ctp = |position: usize| drug.ctp.and_then(|ctp| present(file.element_span(ctp, position)));
            // X12 writes the codes themselves, in capitals.
            let unit = drug.ctp.and_then(|ctp| X12_UNITS.into_iter().find(|code| *code == file.component(ctp, 5, 1)));
            DrugQuantity {
                ndc: present(file.element_span(drug.lin, 3))
                    .map(|span| field(span, FieldName::Element(position("LIN", 3)))),
                quantity: ctp(4).map(|span| field(span, FieldName::Element(position("CTP", 4)))),
                unit,
            }
        })
        .collect();
    let notes = at.line.notes.iter().any(|note| !file.value(*note, 2).trim().is_empty());
    let revenue_code = match procedure.segment_id {
        "SV2" => {
            present(file.element_span(at.service, 1)).map(|span| field(span, FieldName::Element(position("SV2", 1))))
        }
        _ => None,
    };
    BilledLine {
        claim,
        extent: Span::new(first, last),
        number: LineNumber::Assigned(file.element_span(at.line.lx, 1).unwrap_or(Span::new(first, first))),
        code: procedure.code.map(|span| field(span, element(2))),
        is_hcpcs,
        code_anchor: at.code_span(file),
        modifiers: procedure
            .modifiers
            .with_components()
            .map(|(component, span)| field(span, element(component)))
            .collect::<SmallVec<_>>(),
        units: procedure.quantity.map(|span| field(span, quantity_name)),
        units_place: field(
            procedure.quantity.unwrap_or_else(|| file.element_or_segment_span(at.service, procedure.quantity_position)),
            quantity_name,
        ),
        charge: procedure.charge.map(|span| field(span, charge_name)),
        date_of_service: at.date_of_service,
        drugs,
        described: procedure.description.is_some() || notes,
        description_place: element(7),
        place_of_service: match procedure.segment_id {
            "SV1" => present(file.element_span(at.service, 5)),
            _ => None,
        },
        prior_authorization: at.line.prior_authorization.and_then(|re| present(file.element_span(re, 2))),
        revenue_code,
    }
}

/// CTP05-1 unit codes the rules read.
const X12_UNITS: [&str; 5] = ["ME", "GR", "ML", "UN", "F2"];

fn position(segment: &'static str, element: usize) -> ElementPosition {
    ElementPosition { segment, element, component: None }
}
