//! Drug-line rules: procedure codes, units, NDC loops (2410) and payer requirements on
//! 837P `SV1` and 837I `SV2` service lines.

pub mod code_not_effective;
mod dose;
pub mod drug_line_missing_ndc;
pub mod drug_units_not_whole;
pub mod jw_below_billing_unit;
pub mod ndc_quantity_mismatch;
pub mod noc_missing_description;
pub mod prior_auth_missing;
pub mod units_invalid;
pub mod units_over_limit;
pub mod unknown_code;

use crate::decimal::Decimal;
use crate::model::ClaimFile;
use crate::rules::{LineFacts, RuleContext};
use crate::syntax::Span;

/// A service line with its procedure and code entry, the unit every drug-line rule
/// starts from; read once per check by the rule context.
type BilledLine<'f> = LineFacts<'f>;

/// Every service line of the file that has an `SV1` or `SV2`.
fn billed_lines<'c, 'f>(context: &'c RuleContext<'f>) -> impl Iterator<Item = &'c BilledLine<'f>> {
    context.lines().iter()
}

impl BilledLine<'_> {
    /// The HCPCS/CPT code when the composite's qualifier is `HC`; other qualifiers (HIPPS,
    /// ABC codes, jurisdiction codes) and revenue-code-only 837I lines have none.
    fn hcpcs<'f>(&self, file: &'f ClaimFile) -> Option<(&'f str, Span)> {
        let qualifier = self.procedure.qualifier?.text(&file.text);
        let span = self.procedure.code?;
        (qualifier == "HC").then(|| (span.text(&file.text), span))
    }

    /// `SV104` or `SV205`.
    fn quantity_element(&self) -> String {
        format!("{}{:02}", self.procedure.segment_id, self.procedure.quantity_position)
    }

    /// `SV101-7` or `SV202-7`.
    fn component_element(&self, component: usize) -> String {
        format!("{}{:02}-{component}", self.procedure.segment_id, self.procedure.composite_position)
    }

    /// The unit count when it is a number above zero (units-invalid reports the rest).
    fn units(&self, file: &ClaimFile) -> Option<Decimal> {
        let units = Decimal::parse(self.procedure.quantity_text(file))?;
        (!units.is_zero() && !units.is_negative()).then_some(units)
    }

    /// Where a finding about the unit count lands: the quantity, else the segment id.
    fn quantity_span(&self, file: &ClaimFile) -> Span {
        match (self.procedure.quantity, self.line.service) {
            (Some(span), _) => span,
            (None, Some(service)) => file.element_or_segment_span(service, self.procedure.quantity_position),
            (None, None) => file.segment_id_span(self.line.lx),
        }
    }

    fn has_ndc(&self, file: &ClaimFile) -> bool {
        self.line.drugs.iter().any(|drug| !drug.ndc(file).trim().is_empty())
    }
}
