//! Drug-line rules: procedure codes, units, NDC quantities and payer requirements on
//! billed lines — 837P `SV1` and 837I `SV2` service lines and charge-file rows alike.

pub mod code_not_effective;
mod crosswalk;
mod dose;
pub mod drug_line_missing_ndc;
pub mod drug_units_not_whole;
pub mod jw_below_billing_unit;
pub mod jw_units_mismatch;
pub mod ndc_format;
pub mod ndc_not_for_code;
pub mod ndc_quantity_mismatch;
mod ndc_units;
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
    &ndc_format::RULE,
    &ndc_not_for_code::RULE,
    &units_over_limit::RULE,
    &noc_missing_description::RULE,
    &drug_line_missing_ndc::RULE,
    &prior_auth_missing::RULE,
    &jw_below_billing_unit::RULE,
    &jw_units_mismatch::RULE,
];

use crate::decimal::Decimal;
use crate::rules::{LineFacts, RuleContext};
use crate::syntax::Span;

/// Every billed line of the file.
fn billed_lines<'c, 'f>(context: &'c RuleContext<'f>) -> impl Iterator<Item = &'c LineFacts<'f>> {
    context.lines().iter()
}

impl LineFacts<'_> {
    /// The HCPCS/CPT code (837: when the composite's qualifier is `HC`; other qualifiers
    /// — HIPPS, ABC codes, jurisdiction codes — and revenue-code-only 837I lines have none).
    fn hcpcs(&self) -> Option<(&str, Span)> {
        self.hcpcs
    }

    /// The unit count when it is a number above zero (units-invalid reports the rest).
    fn unit_count(&self) -> Option<Decimal> {
        self.units
    }
}
