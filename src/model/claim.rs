//! Hierarchical levels (2000A/B/C) and claims (2300).

use std::ops::Range;

use super::{ClaimFile, ServiceLine, Transaction};
use smallvec::SmallVec;

use crate::calendar::CalendarDate;
use crate::syntax::SegmentIndex;

/// HL03: what a hierarchical level describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelCode {
    /// `20`: 2000A billing provider.
    BillingProvider,
    /// `22`: 2000B subscriber.
    Subscriber,
    /// `23`: 2000C patient, when not the subscriber.
    Patient,
    Other,
}

impl LevelCode {
    pub fn from_hl03(value: &str) -> Self {
        match value {
            "20" => Self::BillingProvider,
            "22" => Self::Subscriber,
            "23" => Self::Patient,
            _ => Self::Other,
        }
    }
}

/// One `HL` loop with the segments rules ask about.
#[derive(Debug)]
pub struct HierarchicalLevel {
    pub hl: SegmentIndex,
    pub code: LevelCode,
    /// Index into [`Transaction::levels`] of the level HL02 names.
    pub parent: Option<usize>,
    /// 2000B `SBR`: payer responsibility and SBR09 claim filing indicator.
    pub subscriber: Option<SegmentIndex>,
    /// 2010BB `NM1*PR`: the payer.
    pub payer: Option<SegmentIndex>,
    /// 2010AA `NM1*85`: the billing provider.
    pub billing_provider: Option<SegmentIndex>,
}

/// One 2300 claim and its service lines.
#[derive(Debug)]
pub struct Claim {
    pub clm: SegmentIndex,
    pub segments: Range<SegmentIndex>,
    /// Index into [`Transaction::levels`] of the HL the claim belongs to.
    pub level: Option<usize>,
    /// Claim-level `DTP` segments (service dates, statement dates …).
    pub dates: SmallVec<[SegmentIndex; 4]>,
    /// Claim-level `REF*G1`, the prior authorization number.
    pub prior_authorization: Option<SegmentIndex>,
    /// `HI` segments: diagnoses and other health-care codes.
    pub diagnoses: SmallVec<[SegmentIndex; 2]>,
    /// Claim-level `NTE` notes.
    pub notes: SmallVec<[SegmentIndex; 1]>,
    pub lines: Vec<ServiceLine>,
}

impl Claim {
    /// CLM02, the total claim charge, as written.
    pub fn total_charge<'f>(&self, file: &'f ClaimFile) -> &'f str {
        file.value(self.clm, 2)
    }

    /// The 2000B subscriber `SBR` that governs this claim (through a 2000C parent).
    pub fn subscriber(&self, transaction: &Transaction) -> Option<SegmentIndex> {
        transaction.level_chain(self.level).find_map(|level| level.subscriber)
    }

    /// SBR09, the claim filing indicator: `MB` Medicare Part B, `MC` Medicaid, `CI` …
    pub fn payer_class<'f>(&self, file: &'f ClaimFile, transaction: &Transaction) -> Option<&'f str> {
        let value = file.value(self.subscriber(transaction)?, 9);
        (!value.is_empty()).then_some(value)
    }

    /// 2010BB NM109, the payer id.
    pub fn payer_id<'f>(&self, file: &'f ClaimFile, transaction: &Transaction) -> Option<&'f str> {
        let payer = transaction.level_chain(self.level).find_map(|level| level.payer)?;
        let value = file.value(payer, 9);
        (!value.is_empty()).then_some(value)
    }

    /// The claim's own date of service: `DTP*472` (837P) or the statement period
    /// `DTP*434` (837I); for a range, its first day.
    pub fn date_of_service(&self, file: &ClaimFile) -> Option<CalendarDate> {
        ["472", "434"].iter().find_map(|qualifier| {
            self.dates.iter().find(|dtp| file.value(**dtp, 1) == *qualifier).and_then(|dtp| date_value(file, *dtp))
        })
    }
}

/// The date in a `DTP` segment: D8 as is, RD8 by its first day.
pub(super) fn date_value(file: &ClaimFile, dtp: SegmentIndex) -> Option<CalendarDate> {
    let value = file.value(dtp, 3);
    match file.value(dtp, 2) {
        "D8" => CalendarDate::parse_ccyymmdd(value),
        "RD8" => CalendarDate::parse_ccyymmdd(value.split('-').next()?),
        _ => None,
    }
}
