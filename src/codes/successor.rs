//! Discontinued codes and the codes that replace them (`data/successors.tsv`, plus the
//! cross-reference field of terminated records in whatever ANWEB file is loaded).

use super::billing_unit::BillingUnit;

/// A discontinued code and its replacement, with where we learned it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Successor {
    pub old: String,
    pub new: String,
    pub source: String,
    conversion: Option<String>,
}

impl Successor {
    pub(crate) fn new(old: &str, new: &str, source: &str, units: (Option<&BillingUnit>, Option<&BillingUnit>)) -> Self {
        let conversion = match units {
            (Some(old_unit), Some(new_unit)) => conversion(old, old_unit, new, new_unit),
            _ => None,
        };
        Self { old: old.to_string(), new: new.to_string(), source: source.to_string(), conversion }
    }

    /// "1 unit of J2310 = 100 units of J2312", when both billing units are known, in the
    /// same dimension, and one is a whole multiple of the other; from an "up to" unit the
    /// count is a ceiling ("1 unit of J1170 (up to 4 mg) = at most 40 units of J1171").
    pub fn conversion_text(&self) -> Option<&str> {
        self.conversion.as_deref()
    }
}

fn units(count: u64) -> String {
    if count == 1 {
        "1 unit".to_string()
    } else {
        format!("{} units", crate::decimal::Decimal::from_integer(count).grouped())
    }
}

fn conversion(old: &str, old_unit: &BillingUnit, new: &str, new_unit: &BillingUnit) -> Option<String> {
    if let Some(count) = old_unit.whole_units_of(new_unit) {
        // "Up to 4 mg" is a ceiling: one old unit covered any dose up to it, so the new
        // count is the most it can be, not an equality.
        if old_unit.up_to {
            return Some(format!(
                "1 unit of {old} ({}) = at most {} of {new} ({} each); convert by the dose given",
                old_unit.per_unit_text(),
                units(count),
                new_unit.per_unit_text()
            ));
        }
        return Some(format!("1 unit of {old} = {} of {new}", units(count)));
    }
    let count = new_unit.whole_units_of(old_unit)?;
    Some(format!("{} of {old} = 1 unit of {new}", units(count)))
}

/// Rows of `data/successors.tsv` as `(old, new, source)`; comment and header lines skipped.
pub(crate) fn builtin_rows() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    include_str!("../../data/successors.tsv").lines().filter(|line| !line.starts_with('#')).skip(1).filter_map(|line| {
        let mut fields = line.split('\t');
        Some((fields.next()?.trim(), fields.next()?.trim(), fields.next()?.trim()))
    })
}
