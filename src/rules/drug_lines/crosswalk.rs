//! What CMS's ASP NDC–HCPCS crosswalk (`ndcCrosswalkFile`) says of a billed line: which
//! codes its NDC is listed under, and how many billing units its NDC quantity holds.
//!
//! The crosswalk gives billing units per item (`BILLUNITS`) and the item's size
//! (`PKG SIZE`) in the NDC's unit of measure, without naming that unit. So a quantity is
//! converted only where the size cannot be read two ways: `UN` (items: a vial, a syringe)
//! when an item's size is 1 or not given — 1 may be one ml, but then one item is one ml
//! too — and `ML` when the size is not 1, which makes the item a liquid measured in ml (a
//! size of 1 may be one powder vial, whose reconstituted volume says nothing). A `UN`
//! count of items whose size is 120 (a bottle of tablets, or a 120 ml bag) is left alone.

use crate::codes::{Quantity, Unit};
use crate::config::{CrosswalkEntry, NdcCrosswalk};
use crate::csv::normalize_ndc;
use crate::decimal::Decimal;
use crate::model::{BilledLine, DrugQuantity, NdcForm};

/// The 11-digit form of a drug's NDC, when it reads as one.
pub(super) fn ndc_of(source: &str, drug: &DrugQuantity) -> Option<String> {
    if drug.ndc_form == NdcForm::Other {
        return None;
    }
    normalize_ndc(drug.ndc?.text(source))
}

/// A line's single NDC quantity converted by the crosswalk row of its NDC and code.
#[derive(Debug)]
pub(super) struct CrosswalkUnits<'x> {
    /// The billing units the quantity holds, rounded up.
    pub expected: u64,
    /// The NDC quantity as an amount (`2 ml`, `3 items`).
    pub amount: Quantity,
    pub entry: &'x CrosswalkEntry,
}

impl CrosswalkUnits<'_> {
    /// How the crosswalk converts, for messages: "CMS crosswalk: 10 units per item of
    /// 99999-0030-01".
    pub(super) fn basis(&self) -> String {
        let per_item = self.entry.billing_units_per_item().unwrap_or(Decimal::ZERO);
        let units = if per_item == Decimal::ONE { "unit" } else { "units" };
        let item = match (self.amount.unit, self.entry.package_size) {
            (Unit::Millilitre, Some(size)) => format!("{} ml item", size.grouped()),
            _ => "item".to_string(),
        };
        format!(
            "the CMS NDC–HCPCS crosswalk gives {} {units} per {item} of {}",
            per_item.grouped(),
            self.entry.ndc_text
        )
    }
}

/// The amount of a drug in a unit the crosswalk row converts without doubt (see the
/// module comment), with the unit for display.
fn measured(source: &str, drug: &DrugQuantity, entry: &CrosswalkEntry) -> Option<Quantity> {
    let amount = Decimal::parse(drug.quantity?.text(source)).filter(|a| !a.is_negative() && !a.is_zero())?;
    let size_is_one = entry.package_size.is_none_or(|size| size == Decimal::ONE);
    let unit = match drug.unit? {
        "UN" if size_is_one => Unit::Item,
        "ML" if entry.package_size.is_some() && !size_is_one => Unit::Millilitre,
        _ => return None,
    };
    Some(Quantity { amount, unit })
}

/// The crosswalk row of a line's one NDC under the line's own HCPCS code.
pub(super) fn line_entry<'x, 'l>(
    crosswalk: Option<&'x NdcCrosswalk>,
    source: &str,
    line: &'l BilledLine,
) -> Option<(&'x CrosswalkEntry, &'l DrugQuantity)> {
    let crosswalk = crosswalk?;
    let [drug] = line.drugs.as_slice() else { return None };
    if !line.is_hcpcs {
        return None;
    }
    let ndc = ndc_of(source, drug)?;
    Some((crosswalk.entry(&ndc, line.code_text(source))?, drug))
}

/// The billing units a line's one NDC quantity holds by the crosswalk.
pub(super) fn line_units<'x>(
    crosswalk: Option<&'x NdcCrosswalk>,
    source: &str,
    line: &BilledLine,
) -> Option<CrosswalkUnits<'x>> {
    let (entry, drug) = line_entry(crosswalk, source, line)?;
    let amount = measured(source, drug, entry)?;
    let expected = entry.units_for_measure(amount.amount)?;
    Some(CrosswalkUnits { expected, amount, entry })
}

/// The sum of the crosswalk amounts of several lines of one NDC row, converted at once
/// (the JW arithmetic rounds the total, not each part).
pub(super) fn total_units(entry: &CrosswalkEntry, amounts: &[Quantity]) -> Option<(u64, Quantity)> {
    let unit = amounts.first()?.unit;
    let mut sum = Decimal::ZERO;
    for amount in amounts {
        if amount.unit != unit {
            return None;
        }
        sum = sum.checked_add(amount.amount)?;
    }
    Some((entry.units_for_measure(sum)?, Quantity { amount: sum, unit }))
}
