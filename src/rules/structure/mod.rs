//! Structural rules: envelopes, control totals, numbering, and value formats.

pub mod claim_total_mismatch;
pub mod envelope_count;
pub mod envelope_mismatch;
pub mod hl_structure;
pub mod invalid_date;
pub mod invalid_number;
pub mod isa_malformed;
pub mod lx_sequence;
pub mod npi_check_digit;
pub mod segment_count;
pub mod unexpected_segment;

/// The rules of this group, in the order their findings are listed.
pub static RULES: &[&crate::rules::Rule] = &[
    &isa_malformed::RULE,
    &envelope_mismatch::RULE,
    &segment_count::RULE,
    &envelope_count::RULE,
    &hl_structure::RULE,
    &lx_sequence::RULE,
    &claim_total_mismatch::RULE,
    &invalid_date::RULE,
    &invalid_number::RULE,
    &npi_check_digit::RULE,
    &unexpected_segment::RULE,
];
