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

/// The rules of this group, in the order their findings are listed.
pub static RULES: &[&crate::rules::Rule] = &[
    &unknown_code::RULE,
    &code_not_effective::RULE,
    &units_invalid::RULE,
    &drug_units_not_whole::RULE,
    &ndc_quantity_mismatch::RULE,
    &units_over_limit::RULE,
    &noc_missing_description::RULE,
    &drug_line_missing_ndc::RULE,
    &prior_auth_missing::RULE,
    &jw_below_billing_unit::RULE,
];

use crate::decimal::Decimal;
use crate::model::{ClaimFile, ElementPosition};
use crate::rules::{LineFacts, RuleContext};
use crate::syntax::Span;

/// Every service line of the file that has an `SV1` or `SV2`.
fn billed_lines<'c, 'f>(context: &'c RuleContext<'f>) -> impl Iterator<Item = &'c LineFacts<'f>> {
    context.lines().iter()
}

impl LineFacts<'_> {
    /// The HCPCS/CPT code when the composite's qualifier is `HC`; other qualifiers (HIPPS,
    /// ABC codes, jurisdiction codes) and revenue-code-only 837I lines have none.
    fn hcpcs(&self, _file: &ClaimFile) -> Option<(&str, Span)> {
        self.hcpcs
    }

    /// `SV104` or `SV205`.
    fn quantity_element(&self) -> ElementPosition {
        self.procedure.quantity_element()
    }

    /// `SV101-7` or `SV202-7`.
    fn component_element(&self, component: usize) -> ElementPosition {
        self.procedure.component_element(component)
    }

    /// The unit count when it is a number above zero (units-invalid reports the rest).
    fn units(&self, _file: &ClaimFile) -> Option<Decimal> {
        self.units
    }

    /// Where a finding about the unit count lands: the quantity, else the segment id.
    fn quantity_span(&self, file: &ClaimFile) -> Span {
        match (self.procedure.quantity, self.line.service) {
            (Some(span), _) => span,
            (None, Some(service)) => file.element_or_segment_span(service, self.procedure.quantity_position),
            (None, None) => file.segment_id_span(self.line.lx),
        }
    }

    fn has_ndc(&self, _file: &ClaimFile) -> bool {
        self.has_ndc
    }
}
