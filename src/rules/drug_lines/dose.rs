//! Dose arithmetic shared by the drug-line rules: NDC quantities (2410 `CTP04` with
//! `CTP05-1`) as amounts, and how many billing units a dose needs. `ME` (mg) and `GR`
//! (g) are masses, `ML` a volume (a descriptor's ml or cc), `F2` international units (a
//! descriptor's IU). `UN` counts items — a vial, a tablet — never units of activity, so
//! it is never compared with a descriptor's "units" (100 units of a toxin in `1 UN` is
//! right); it gives `None` and the rules that ask stay silent.
//!
//! Rounding follows CMS Pub. 100-04, chapter 17, section 10: a dose that is not a
//! multiple of the billing unit is billed as the next whole unit up.

use crate::codes::{BillingUnit, Quantity, Unit};
use crate::decimal::Decimal;
use crate::model::DrugQuantity;

/// The NDC quantity of a drug when it is a mass above zero.
pub(super) fn ndc_mass(source: &str, drug: &DrugQuantity) -> Option<Quantity> {
    let unit = match drug.unit? {
        "ME" => Unit::Milligram,
        "GR" => Unit::Gram,
        _ => return None,
    };
    let amount = drug.quantity?.text(source);
    // X12 allows no thousands commas and a mass is never negative.
    let amount = Decimal::parse(amount).filter(|amount| !amount.is_negative())?;
    (!amount.is_zero()).then_some(Quantity { amount, unit })
}

/// The NDC quantity of a drug in a unit that measures the drug: mass (`ME`, `GR`),
/// volume (`ML`) or international units (`F2`); `None` for `UN` (each) and anything else.
pub(super) fn ndc_amount(source: &str, drug: &DrugQuantity) -> Option<Quantity> {
    let unit = match drug.unit? {
        "ME" => Unit::Milligram,
        "GR" => Unit::Gram,
        "ML" => Unit::Millilitre,
        "F2" => Unit::InternationalUnit,
        _ => return None,
    };
    let amount = Decimal::parse(drug.quantity?.text(source)).filter(|amount| !amount.is_negative())?;
    (!amount.is_zero()).then_some(Quantity { amount, unit })
}

/// The one measured NDC quantity of a line ([`ndc_amount`]); `None` for a compound.
pub(super) fn line_amount(source: &str, drugs: &[DrugQuantity]) -> Option<Quantity> {
    match drugs {
        [drug] => ndc_amount(source, drug),
        _ => None,
    }
}

/// The one mass NDC quantity of a line; `None` for no NDC quantity, a non-mass unit, or
/// a compound (several NDCs), whose ingredients are not one code's drug.
pub(super) fn line_mass(source: &str, drugs: &[DrugQuantity]) -> Option<Quantity> {
    match drugs {
        [drug] => ndc_mass(source, drug),
        _ => None,
    }
}

/// A mass in milligrams, exact.
fn milligrams(mass: Quantity) -> Option<Decimal> {
    let factor = match mass.unit {
        Unit::Milligram => 1,
        Unit::Gram => 1_000,
        _ => return None,
    };
    mass.amount.checked_mul(Decimal::from_integer(factor))
}

/// The sum of masses, in milligrams.
pub(super) fn total_mass(masses: impl IntoIterator<Item = Quantity>) -> Option<Quantity> {
    let mut sum = Decimal::ZERO;
    for mass in masses {
        sum = sum.checked_add(milligrams(mass)?)?;
    }
    Some(Quantity { amount: sum, unit: Unit::Milligram })
}

/// Whether `billed_units` of a code already hold both the administered and the
/// discarded amount: then the discarded amount is inside the rounding up of the
/// administered line and needs no JW line. `None` when the units do not convert.
pub(super) fn discard_within_rounding(
    unit: &BillingUnit,
    billed_units: u64,
    administered: Quantity,
    discarded: Quantity,
) -> Option<bool> {
    let total = total_mass([administered, discarded])?;
    Some(unit.units_for_amount(total)? <= billed_units)
}

/// A positive unit count rounded up to the next whole unit (3.2 → 4, 4 → 4).
pub(super) fn rounded_up(units: Decimal) -> Option<u64> {
    if units.is_negative() {
        return None;
    }
    let text = units.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: u64 = whole.parse().ok()?;
    // Display trims trailing zeros, so any fraction left is a real one.
    if fraction.is_empty() {
        Some(whole)
    } else {
        whole.checked_add(1)
    }
}

/// A whole unit count as an integer.
pub(super) fn whole_units(units: Decimal) -> Option<u64> {
    if !units.is_whole() || units.is_negative() {
        return None;
    }
    rounded_up(units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::billing_unit::parse_descriptor;

    fn mass(text: &str) -> Quantity {
        Quantity::parse(text).expect("quantity")
    }

    fn oxacillin() -> BillingUnit {
        parse_descriptor("Injection, oxacillin sodium, up to 250 mg").expect("unit")
    }

    #[test]
    fn masses_add_across_mg_and_g() {
        let total = total_mass([mass("900 mg"), mass("0.1 g")]).expect("sum");
        assert_eq!(total.to_string(), "1,000 mg");
        assert_eq!(total_mass([mass("1.5 g")]).map(|q| q.to_string()).as_deref(), Some("1,500 mg"));
        assert!(total_mass([mass("5 ml")]).is_none());
    }

    #[test]
    fn discard_inside_the_rounding_of_the_administered_line() {
        let unit = oxacillin();
        // 900 mg given, 4 units bill up to 1,000 mg: 100 mg wasted is already paid.
        assert_eq!(discard_within_rounding(&unit, 4, mass("900 mg"), mass("100 mg")), Some(true));
        assert_eq!(discard_within_rounding(&unit, 4, mass("900 mg"), mass("101 mg")), Some(false));
        assert_eq!(discard_within_rounding(&unit, 4, mass("1 g"), mass("250 mg")), Some(false));
        let per_unit = parse_descriptor("Injection, onabotulinumtoxina, 1 unit").expect("unit");
        assert_eq!(discard_within_rounding(&per_unit, 4, mass("900 mg"), mass("100 mg")), None);
    }

    #[test]
    fn volumes_and_international_units_convert_in_their_own_dimension() {
        let mannitol = parse_descriptor("Injection, mannitol, 25% in 50 ml").expect("unit");
        assert_eq!(mannitol.units_for_amount(mass("100 ml")), Some(2));
        assert_eq!(mannitol.units_for_amount(mass("12500 mg")), None, "ml and mg do not convert");
        let saline = parse_descriptor("Infusion, normal saline solution , 1000 cc").expect("unit");
        assert_eq!(saline.units_for_amount(mass("1500 ml")), Some(2));
        let urokinase = parse_descriptor("Injection, urokinase, 5000 iu vial").expect("unit");
        assert_eq!(urokinase.units_for_amount(mass("10000 iu")), Some(2));
        let toxin = parse_descriptor("Injection, onabotulinumtoxina, 1 unit").expect("unit");
        assert_eq!(toxin.units_for_amount(mass("100 iu")), None, "units of activity are not IU");
    }

    #[test]
    fn unit_counts_round_up() {
        let d = |text| Decimal::parse(text).expect("decimal");
        assert_eq!(rounded_up(d("3.2")), Some(4));
        assert_eq!(rounded_up(d("4.00")), Some(4));
        assert_eq!(rounded_up(d(".5")), Some(1));
        assert_eq!(whole_units(d("4.0")), Some(4));
        assert_eq!(whole_units(d("4.5")), None);
        assert_eq!(whole_units(d("-4")), None);
    }
}
