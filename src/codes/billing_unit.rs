//! Billing units read from HCPCS descriptors ("Injection, oxacillin sodium, up to 250 mg"),
//! with exact decimal arithmetic so that "4 units = up to 1,000 mg" is never off by a float.
//!
//! Rounding follows CMS Pub. 100-04, chapter 17, section 10: a dose that is not a multiple
//! of the billing unit is billed as the next whole unit up. Only mass (mcg, mg, g) converts
//! between units; mg and ml, or units and IU, never convert into each other.

use std::cmp::Ordering;
use std::fmt;

pub use crate::decimal::Decimal;

/// What a billing unit measures. Mass units convert among themselves; every other unit
/// stands alone (an IU of one product is not a "unit" of another).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Microgram,
    Milligram,
    Gram,
    Millilitre,
    Unit,
    InternationalUnit,
    UspUnit,
    KallikreinInhibitorUnit,
    Milliequivalent,
    Millicurie,
    Microcurie,
    SquareCentimetre,
}

impl Unit {
    /// Reads the unit words CMS descriptors use ("mg", "micrograms", "gm", "cc", "i.u." …).
    pub fn parse(words: &str) -> Option<Self> {
        Some(match words.trim().to_ascii_lowercase().as_str() {
            "mcg" | "microgram" | "micrograms" => Unit::Microgram,
            "mg" | "milligram" | "milligrams" => Unit::Milligram,
            "g" | "gm" | "gram" | "grams" => Unit::Gram,
            "ml" | "cc" | "milliliter" | "milliliters" | "millilitre" | "millilitres" => Unit::Millilitre,
            "unit" | "units" => Unit::Unit,
            "iu" | "i.u." | "international unit" | "international units" => Unit::InternationalUnit,
            // Von Willebrand factor products count IU of ristocetin cofactor activity.
            "iu vwf:rco" | "i.u. vwf:rco" => Unit::InternationalUnit,
            "usp unit" | "usp units" => Unit::UspUnit,
            "kiu" => Unit::KallikreinInhibitorUnit,
            "meq" | "milliequivalent" | "milliequivalents" => Unit::Milliequivalent,
            "mci" | "millicurie" | "millicuries" => Unit::Millicurie,
            "uci" | "microcurie" | "microcuries" => Unit::Microcurie,
            "sq cm" | "square centimeter" | "square centimeters" | "square centimetre" => Unit::SquareCentimetre,
            _ => return None,
        })
    }

    fn symbol(self, amount: Decimal) -> &'static str {
        let one = amount == Decimal::ONE;
        match self {
            Unit::Microgram => "mcg",
            Unit::Milligram => "mg",
            Unit::Gram => "g",
            Unit::Millilitre => "ml",
            Unit::Unit if one => "unit",
            Unit::Unit => "units",
            Unit::InternationalUnit => "IU",
            Unit::UspUnit if one => "USP unit",
            Unit::UspUnit => "USP units",
            Unit::KallikreinInhibitorUnit => "KIU",
            Unit::Milliequivalent => "mEq",
            Unit::Millicurie => "mCi",
            Unit::Microcurie => "uCi",
            Unit::SquareCentimetre => "sq cm",
        }
    }

    /// The dimension a unit belongs to and its size in that dimension's base unit
    /// (mass is counted in micrograms).
    fn dimension(self) -> (Unit, u64) {
        match self {
            Unit::Microgram => (Unit::Microgram, 1),
            Unit::Milligram => (Unit::Microgram, 1_000),
            Unit::Gram => (Unit::Microgram, 1_000_000),
            other => (other, 1),
        }
    }
}

/// An amount of something: "1 g", "300 mg", "5 ml".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub amount: Decimal,
    pub unit: Unit,
}

impl Quantity {
    /// Reads "1 g", "300mg", "1,000 units".
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        Some(Self { amount: Decimal::parse_grouped(number)?, unit: Unit::parse(unit)? })
    }

    /// Exact `(numerator, denominator)` in the dimension's base unit, with the dimension.
    fn in_base(self) -> Option<(Unit, u128, u128)> {
        let (dimension, factor) = self.unit.dimension();
        let (numerator, denominator) = self.amount.ratio(factor)?;
        Some((dimension, numerator, denominator))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.grouped(), self.unit.symbol(self.amount))
    }
}

/// The amount one billed unit of a code stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingUnit {
    pub amount: Decimal,
    pub unit: Unit,
    /// "up to 250 mg": one unit covers any amount up to 250 mg.
    pub up_to: bool,
    /// The drug as the descriptor names it ("oxacillin sodium").
    pub substance: String,
}

impl BillingUnit {
    /// The descriptor's own phrasing of one unit: "up to 250 mg", "0.1 mg", "1 unit".
    pub fn per_unit_text(&self) -> String {
        self.text_for(Quantity { amount: self.amount, unit: self.unit })
    }

    fn text_for(&self, quantity: Quantity) -> String {
        if self.up_to {
            format!("up to {quantity}")
        } else {
            quantity.to_string()
        }
    }

    /// What `units` billed units stand for: 4 units of J2700 → "up to 1,000 mg".
    pub fn amount_for_units(&self, units: Decimal) -> Option<String> {
        let amount = self.amount.checked_mul(units)?;
        Some(self.text_for(Quantity { amount, unit: self.unit }))
    }

    /// Units to bill for a dose, rounded up to the next whole unit; `None` when the dose
    /// is in another dimension (ml for a mg code) or the numbers overflow.
    pub fn units_for_amount(&self, dose: Quantity) -> Option<u64> {
        let (dose_dimension, dose_num, dose_den) = dose.in_base()?;
        let (unit_dimension, unit_num, unit_den) = Quantity { amount: self.amount, unit: self.unit }.in_base()?;
        if dose_dimension != unit_dimension || unit_num == 0 {
            return None;
        }
        let numerator = dose_num.checked_mul(unit_den)?;
        let denominator = unit_num.checked_mul(dose_den)?;
        u64::try_from(numerator.div_ceil(denominator)).ok()
    }

    /// How many units of `other` one unit of `self` equals, when that is a whole number
    /// (hydromorphone up to 4 mg = 40 × 0.1 mg).
    pub fn whole_units_of(&self, other: &BillingUnit) -> Option<u64> {
        let (dimension, num, den) = Quantity { amount: self.amount, unit: self.unit }.in_base()?;
        let (other_dimension, other_num, other_den) = Quantity { amount: other.amount, unit: other.unit }.in_base()?;
        if dimension != other_dimension || other_num == 0 {
            return None;
        }
        let numerator = num.checked_mul(other_den)?;
        let denominator = other_num.checked_mul(den)?;
        if numerator % denominator != 0 {
            return None;
        }
        u64::try_from(numerator / denominator).ok()
    }

    /// Compares the sizes of two units in the same dimension.
    pub fn compare_size(&self, other: &BillingUnit) -> Option<Ordering> {
        let (dimension, num, den) = Quantity { amount: self.amount, unit: self.unit }.in_base()?;
        let (other_dimension, other_num, other_den) = Quantity { amount: other.amount, unit: other.unit }.in_base()?;
        if dimension != other_dimension {
            return None;
        }
        Some(num.checked_mul(other_den)?.cmp(&other_num.checked_mul(den)?))
    }
}

/// Reads the billing unit out of a long descriptor; `None` when the descriptor states
/// none ("Unclassified drugs"), or states it in a way we do not read (combinations
/// "300 mg and 0.5 mg", "per therapeutic dose"). Unread descriptors stay visible in the
/// snapshot `data/billing-units.snapshot.txt`.
pub fn parse_descriptor(descriptor: &str) -> Option<BillingUnit> {
    let core = strip_trailing_parentheses(descriptor.trim());
    let segments = split_segments(core);
    // A combination product ("ceftolozane 50 mg and tazobactam 25 mg") states two amounts;
    // no single billing unit can be read from it.
    if segments.iter().any(|segment| is_combination(segment)) {
        return None;
    }
    let mut found = None;
    for (index, segment) in segments.iter().enumerate() {
        if let Some(reading) = parse_segment(segment) {
            if found.is_some() {
                return None; // two amounts in one descriptor: ambiguous, leave it unread
            }
            found = Some((index, reading));
        }
    }
    let (index, (amount, unit, up_to, prefix)) = found?;
    let named = segments.iter().take(index).copied().find(|segment| !is_form_word(segment));
    let substance = match (named, prefix) {
        (Some(named), _) => named,
        (None, Some(prefix)) => prefix,
        (None, None) => "",
    };
    Some(BillingUnit { amount, unit, up_to, substance: lower_first(substance.trim()) })
}

/// Splits on commas outside parentheses and outside numbers ("250,000 i.u." stays whole;
/// "specified,10 mg" splits).
fn split_segments(text: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut previous = ' ';
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                let next_is_digit = chars.peek().is_some_and(|(_, next)| next.is_ascii_digit());
                if !(previous.is_ascii_digit() && next_is_digit) {
                    segments.push(text.get(start..index).unwrap_or("").trim());
                    start = index + 1;
                }
            }
            _ => {}
        }
        previous = c;
    }
    segments.push(text.get(start..).unwrap_or("").trim());
    segments.retain(|segment| !segment.is_empty());
    segments
}

fn is_combination(segment: &str) -> bool {
    let outside = without_parentheses(segment).to_ascii_lowercase();
    (outside.contains(" and ") || outside.contains('/')) && mentions_amount(&outside)
}

/// Text outside parentheses: "(12 years of age and older)" is not a dose.
fn without_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect()
}

/// Whether the text states an amount with a unit somewhere ("5 mg", "2mg/3mg").
fn mentions_amount(text: &str) -> bool {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == '/').filter(|w| !w.is_empty()).collect();
    words.iter().enumerate().any(|(index, word)| {
        let split = word.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(word.len());
        let (digits, glued) = word.split_at(split);
        if digits.is_empty() || Decimal::parse_grouped(digits).is_none() {
            return false;
        }
        let unit = if glued.is_empty() { words.get(index + 1).copied().unwrap_or("") } else { glued };
        Unit::parse(unit.trim_end_matches([',', ';', '.'])).is_some()
    })
}

/// A segment that states the unit, either whole ("up to 250 mg") or after the drug name
/// ("Factor viii (antihemophilic factor, human) per i.u.").
fn parse_segment(segment: &str) -> Option<(Decimal, Unit, bool, Option<&str>)> {
    if let Some(reading) = parse_unit_phrase(segment) {
        return Some(reading);
    }
    let lower = segment.to_ascii_lowercase();
    let at = lower.rfind(" per ")?;
    let (prefix, phrase) = (segment.get(..at)?, segment.get(at + 1..)?);
    let (amount, unit, up_to, _) = parse_unit_phrase(phrase)?;
    Some((amount, unit, up_to, Some(prefix)))
}

/// Segments that name the form or route rather than the drug.
fn is_form_word(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        "injection" | "injection(s)" | "injections" | "oral" | "infusion" | "iv" | "instillation" | "inhalation"
    )
}

/// "Ustekinumab" reads as "ustekinumab" inside a sentence; acronyms ("ESRD") stay.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_ascii_uppercase() && second.is_ascii_lowercase() => {
            format!("{}{}", first.to_ascii_lowercase(), text.get(1..).unwrap_or(""))
        }
        _ => text.to_string(),
    }
}

/// Drops qualifiers such as "(for esrd on dialysis)" or "(1000 i.u.)" from the end.
fn strip_trailing_parentheses(mut text: &str) -> &str {
    while text.ends_with(')') {
        let mut depth = 0usize;
        let mut open = None;
        for (index, c) in text.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        open = Some(index);
                        break;
                    }
                }
                _ => {}
            }
        }
        match open.and_then(|index| text.get(..index)) {
            Some(rest) => text = rest.trim_end().trim_end_matches(',').trim_end(),
            None => break,
        }
    }
    text
}

/// Reads "up to 250 mg", "per 1 mg", "0.1 mg", "1 unit", "per milligram", "250mg",
/// "5 million units", "10 mg of iron", "burosumab-twza 1 mg". The optional single word
/// before the number is the drug name when the descriptor has no comma before it.
fn parse_unit_phrase(segment: &str) -> Option<(Decimal, Unit, bool, Option<&str>)> {
    let lower = segment.to_ascii_lowercase();
    if lower.contains(" and ") || lower.contains('/') || lower.contains('%') {
        return None; // combination products have more than one amount
    }
    let mut words: Vec<&str> = segment.split_whitespace().collect();
    // "10 mg of iron", "50 mcg for intrathecal trial": the unit is what precedes.
    if let Some(of) = words.iter().position(|w| w.eq_ignore_ascii_case("of") || w.eq_ignore_ascii_case("for")) {
        words.truncate(of);
    }
    let mut rest: &[&str] = &words;
    let mut up_to = false;
    let mut per = false;
    let mut prefix = None;
    match rest {
        [first, second, tail @ ..] if first.eq_ignore_ascii_case("up") && second.eq_ignore_ascii_case("to") => {
            up_to = true;
            rest = tail;
        }
        [first, tail @ ..] if first.eq_ignore_ascii_case("per") => {
            per = true;
            rest = tail;
        }
        [first, tail @ ..]
            if !first.starts_with(|c: char| c.is_ascii_digit())
                && first.chars().any(|c| c.is_ascii_alphabetic())
                && tail.first().is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
                && !matches!(first.to_ascii_lowercase().as_str(), "over" | "than" | "to" | "exceed" | "each") =>
        {
            prefix = Some(*first);
            rest = tail;
        }
        _ => {}
    }
    let (number, unit_words): (Decimal, String) = match rest {
        [] => return None,
        [number, unit @ ..] if number.starts_with(|c: char| c.is_ascii_digit() || c == '.') => {
            let split = number.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(number.len());
            let (digits, glued) = number.split_at(split);
            let mut unit_words: Vec<&str> = Vec::new();
            if !glued.is_empty() {
                unit_words.push(glued);
            }
            unit_words.extend_from_slice(unit);
            (Decimal::parse_grouped(digits)?, unit_words.join(" "))
        }
        unit if per => (Decimal::ONE, unit.join(" ")),
        _ => return None,
    };
    let (amount, unit_words) = match unit_words.to_ascii_lowercase().strip_prefix("million ") {
        Some(unit) => (number.checked_mul(Decimal::from_integer(1_000_000))?, unit.to_string()),
        None => (number, unit_words),
    };
    if amount.is_zero() {
        return None;
    }
    Some((amount, Unit::parse(&unit_words)?, up_to, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(descriptor: &str) -> BillingUnit {
        parse_descriptor(descriptor).expect("descriptor parses")
    }

    #[test]
    fn oxacillin_up_to_250_mg() {
        let oxacillin = unit("Injection, oxacillin sodium, up to 250 mg");
        assert_eq!(oxacillin.substance, "oxacillin sodium");
        assert_eq!(oxacillin.per_unit_text(), "up to 250 mg");
        assert_eq!(oxacillin.amount_for_units(Decimal::from_integer(4)).as_deref(), Some("up to 1,000 mg"));
        let dose = |text| oxacillin.units_for_amount(Quantity::parse(text).expect("quantity"));
        assert_eq!(dose("1 g"), Some(4));
        assert_eq!(dose("300 mg"), Some(2));
        assert_eq!(dose("250 mg"), Some(1));
        assert_eq!(dose("250000 mcg"), Some(1));
        assert_eq!(dose("5 ml"), None, "mg and ml do not convert");
    }

    #[test]
    fn the_common_shapes() {
        let naloxone = unit("Injection, naloxone hydrochloride, not otherwise specified, 0.01 mg");
        assert_eq!(
            (naloxone.per_unit_text().as_str(), naloxone.substance.as_str()),
            ("0.01 mg", "naloxone hydrochloride")
        );
        assert_eq!(unit("Injection, naloxone hydrochloride, per 1 mg").per_unit_text(), "1 mg");
        assert_eq!(unit("Injection, onabotulinumtoxina, 1 unit").per_unit_text(), "1 unit");
        assert_eq!(unit("Injection, interferon, per 1000 units").per_unit_text(), "1,000 units");
        assert_eq!(unit("Injection, x, per milligram").per_unit_text(), "1 mg");
        assert_eq!(unit("Injection, cefoxitin sodium, 1 gm").per_unit_text(), "1 g");
        assert_eq!(unit("Injection, epoetin beta, 1 microgram, (for esrd on dialysis)").per_unit_text(), "1 mcg");
        assert_eq!(unit("Injection, x, 5 million units").per_unit_text(), "5,000,000 units");
        assert!(parse_descriptor("Unclassified drugs").is_none());
        assert!(parse_descriptor("Netupitant 300 mg and palonosetron 0.5 mg").is_none());
        assert!(parse_descriptor("Injection, buprenorphine, less than or equal to 100 mg").is_none());
    }

    #[test]
    fn hydromorphone_old_unit_is_forty_new_units() {
        let old = unit("Injection, hydromorphone, up to 4 mg");
        let new = unit("Injection, hydromorphone, 0.1 mg");
        assert_eq!(old.whole_units_of(&new), Some(40));
        assert_eq!(new.whole_units_of(&old), None);
    }
}
