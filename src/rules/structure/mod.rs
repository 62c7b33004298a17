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
