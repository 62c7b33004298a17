//! What the rules and fixes read of one file: the 837 (empty for a charge file) or the
//! charge file, the neutral billing view built from whichever it is, and the text both
//! point into.

use super::{Billing, ChargeFile, ClaimFile};

#[derive(Clone, Copy)]
pub struct Subject<'a> {
    pub file: &'a ClaimFile,
    /// The charge file, when that is what is checked.
    pub charges: Option<&'a ChargeFile>,
    pub billing: &'a Billing,
    pub source: &'a str,
}

impl<'a> Subject<'a> {
    /// An 837 and its billing view.
    pub fn x12(file: &'a ClaimFile, billing: &'a Billing) -> Self {
        Self { file, charges: None, billing, source: &file.text }
    }

    /// A charge file and its billing view; `empty` stands in for the 837 no rule for
    /// charge files reads.
    pub fn charges(charges: &'a ChargeFile, billing: &'a Billing, empty: &'a ClaimFile) -> Self {
        Self { file: empty, charges: Some(charges), billing, source: &charges.text }
    }
}
