//! What the rules and fixes read of one file: the 837 (empty for a charge file), the
//! neutral billing view built from whichever format it is, and the text both point into.

use super::{Billing, ClaimFile};

#[derive(Clone, Copy)]
pub struct Subject<'a> {
    pub file: &'a ClaimFile,
    pub billing: &'a Billing,
    pub source: &'a str,
}

impl<'a> Subject<'a> {
    /// An 837 and its billing view.
    pub fn x12(file: &'a ClaimFile, billing: &'a Billing) -> Self {
        Self { file, billing, source: &file.text }
    }
}
