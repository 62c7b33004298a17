//! Envelopes: interchange (ISA/IEA), functional group (GS/GE), transaction set (ST/SE).

use std::ops::Range;

use super::{Claim, HierarchicalLevel};
use crate::syntax::SegmentIndex;

/// `ISA … IEA`. Either end may be missing in a broken file.
#[derive(Debug, Default)]
pub struct Interchange {
    pub isa: Option<SegmentIndex>,
    pub iea: Option<SegmentIndex>,
    pub groups: Vec<FunctionalGroup>,
}

/// `GS … GE`.
#[derive(Debug, Default)]
pub struct FunctionalGroup {
    pub gs: Option<SegmentIndex>,
    pub ge: Option<SegmentIndex>,
    pub transactions: Vec<Transaction>,
}

/// Which implementation guide a transaction follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionKind {
    /// 837P, `005010X222A1`: service lines are `SV1`.
    Professional,
    /// 837I, `005010X223A2`: service lines are `SV2`.
    Institutional,
    /// Any other version (4010, 837D …): parsed structurally only.
    Other,
}

impl TransactionKind {
    /// Reads the guide from ST03 (or GS08 when ST03 is empty).
    pub fn from_version(version: &str) -> Self {
        if version.contains("X222") {
            Self::Professional
        } else if version.contains("X223") {
            Self::Institutional
        } else {
            Self::Other
        }
    }

    /// The service-line segment of this guide.
    pub fn service_segment(self) -> Option<&'static str> {
        match self {
            Self::Professional => Some("SV1"),
            Self::Institutional => Some("SV2"),
            Self::Other => None,
        }
    }
}

/// `ST … SE`: one 837 with its hierarchy and claims.
#[derive(Debug)]
pub struct Transaction {
    pub st: Option<SegmentIndex>,
    pub se: Option<SegmentIndex>,
    pub kind: TransactionKind,
    /// Every segment from ST through SE (or to where the transaction stops).
    pub segments: Range<SegmentIndex>,
    pub levels: Vec<HierarchicalLevel>,
    pub claims: Vec<Claim>,
}

impl Transaction {
    /// The hierarchical level a claim hangs under and its ancestors, nearest first.
    pub fn level_chain(&self, level: Option<usize>) -> impl Iterator<Item = &HierarchicalLevel> {
        let mut next = level;
        let mut steps = 0;
        std::iter::from_fn(move || {
            // The step bound stops a cycle written into a broken file.
            steps += 1;
            if steps > self.levels.len() {
                return None;
            }
            let current = self.levels.get(next?)?;
            next = current.parent;
            Some(current)
        })
    }
}
