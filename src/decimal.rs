//! Exact decimal amounts: as X12 writes them (type R: `125`, `125.5`, `-3.25`, `.5`) and
//! as HCPCS descriptors write them (`1,000 mg`, `0.1 mg`). Money, unit counts and doses
//! are compared and converted exactly, never through floating point.

use std::cmp::Ordering;
use std::fmt;

/// `mantissa × 10^-scale`.
#[derive(Clone, Copy, Debug)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// More digits than this is not an amount anyone bills; refusing keeps math in range.
const MAX_DIGITS: usize = 30;
/// Beyond this many fraction digits a descriptor amount is not plausible.
const MAX_DESCRIPTOR_SCALE: u32 = 9;

impl Decimal {
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };
    pub const ONE: Decimal = Decimal { mantissa: 1, scale: 0 };

    pub fn from_int(value: i64) -> Self {
        Self { mantissa: i128::from(value), scale: 0 }
    }

    pub fn from_integer(value: u64) -> Self {
        Self { mantissa: i128::from(value), scale: 0 }
    }

    /// Reads an amount as descriptors write it: `250`, `0.1`, `1,000`, `2.5`; refuses
    /// signs, exponents, misplaced commas and anything else.
    pub fn parse_grouped(text: &str) -> Option<Self> {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.contains(',') && !thousands_grouped(whole) {
            return None;
        }
        if whole.starts_with('-') || u32::try_from(fraction.len()).ok()? > MAX_DESCRIPTOR_SCALE {
            return None;
        }
        let digits: String = whole.chars().filter(|&c| c != ',').collect();
        let value = if fraction.is_empty() { digits } else { format!("{digits}.{fraction}") };
        Self::parse(&value).map(Self::normalized)
    }

    pub fn checked_mul(self, other: Self) -> Option<Self> {
        let product =
            Self { mantissa: self.mantissa.checked_mul(other.mantissa)?, scale: self.scale.checked_add(other.scale)? }
                .normalized();
        (product.scale <= MAX_DESCRIPTOR_SCALE * 2).then_some(product)
    }

    /// The value as a non-negative integer, when it is one.
    pub fn as_integer(self) -> Option<u64> {
        let value = self.normalized();
        if value.scale == 0 {
            u64::try_from(value.mantissa).ok()
        } else {
            None
        }
    }

    /// `(numerator, denominator)` of this non-negative value times `factor`, exact.
    pub(crate) fn ratio(self, factor: u64) -> Option<(u128, u128)> {
        let numerator = u128::try_from(self.mantissa).ok()?.checked_mul(u128::from(factor))?;
        let denominator = 10u128.checked_pow(self.scale)?;
        Some((numerator, denominator))
    }

    /// Written with thousands separators (`1,000`), for people.
    pub fn grouped(self) -> Grouped {
        Grouped(self)
    }

    fn normalized(mut self) -> Self {
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        if self.mantissa == 0 {
            self.scale = 0;
        }
        self
    }

    /// Parses an X12 decimal: optional minus, digits, at most one point, at least one digit.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, bytes) = match text.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            bytes => (false, bytes),
        };
        // One pass: every line's units, charge and quantities are read this way. At most
        // MAX_DIGITS digits, so the mantissa cannot overflow.
        let mut mantissa: i128 = 0;
        let mut digits = 0;
        let mut point = None;
        for &byte in bytes {
            match byte {
                b'0'..=b'9' if digits < MAX_DIGITS => {
                    mantissa = mantissa * 10 + i128::from(byte - b'0');
                    digits += 1;
                }
                b'.' if point.is_none() => point = Some(digits),
                _ => return None,
            }
        }
        if digits == 0 {
            return None;
        }
        let scale = u32::try_from(digits - point.unwrap_or(digits)).ok()?;
        Some(Self { mantissa: if negative { -mantissa } else { mantissa }, scale })
    }

    fn rescaled(self, scale: u32) -> Option<i128> {
        self.mantissa.checked_mul(10_i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        let scale = self.scale.max(other.scale);
        Some(Self { mantissa: self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?, scale })
    }

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// Digits after the point as written (`125.50` → 2): new amounts copy the look of
    /// the amounts they sit beside.
    pub fn scale(self) -> u32 {
        self.scale
    }

    /// The smallest whole number not below this non-negative value (2.25 → 3).
    pub fn ceil(self) -> Option<Self> {
        if self.is_negative() {
            return None;
        }
        let unit = 10_i128.checked_pow(self.scale)?;
        let whole = self.mantissa / unit + i128::from(self.mantissa % unit != 0);
        Some(Self { mantissa: whole, scale: 0 })
    }

    /// `self × numerator ÷ denominator`, rounded half up to `scale` fraction digits: a line
    /// charge scaled from 4 units to 1 (100.00 × 1 ÷ 4 = 25.00).
    pub fn scaled(self, numerator: Self, denominator: Self, scale: u32) -> Option<Self> {
        if self.is_negative() || numerator.is_negative() || denominator.is_negative() || denominator.is_zero() {
            return None;
        }
        // value = (m_s × m_n × 10^scale) / (m_d × 10^(s_s + s_n - s_d)), done in integers.
        let mut top = self.mantissa.checked_mul(numerator.mantissa)?.checked_mul(10_i128.checked_pow(scale)?)?;
        let mut bottom = denominator.mantissa;
        let (up, down) = (denominator.scale, self.scale.checked_add(numerator.scale)?);
        if up >= down {
            top = top.checked_mul(10_i128.checked_pow(up - down)?)?;
        } else {
            bottom = bottom.checked_mul(10_i128.checked_pow(down - up)?)?;
        }
        let (quotient, remainder) = (top / bottom, top % bottom);
        // Half up, compared without doubling the remainder (which could overflow).
        let rounded = if remainder >= bottom - remainder { quotient.checked_add(1)? } else { quotient };
        Some(Self { mantissa: rounded, scale })
    }

    /// Written with exactly `scale` fraction digits when it has no more than that
    /// (`110` at scale 2 → `110.00`); otherwise as [`Display`](fmt::Display) writes it.
    pub fn with_scale(self, scale: u32) -> String {
        let value = self.normalized();
        match value.rescaled(scale.max(value.scale)) {
            Some(mantissa) if value.scale <= scale => {
                let written = Self { mantissa, scale };
                let text = written.to_string();
                let fraction_digits = text.split_once('.').map_or(0, |(_, f)| f.len());
                let missing = (scale as usize).saturating_sub(fraction_digits);
                match (fraction_digits, missing) {
                    (_, 0) => text,
                    (0, _) => format!("{text}.{}", "0".repeat(missing)),
                    _ => format!("{text}{}", "0".repeat(missing)),
                }
            }
            _ => value.to_string(),
        }
    }

    /// True when the value has no fractional part (`4`, `4.0`, `4.00`).
    pub fn is_whole(self) -> bool {
        10_i128.checked_pow(self.scale).is_some_and(|unit| self.mantissa % unit == 0)
    }
}

fn thousands_grouped(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

/// A [`Decimal`] shown with thousands separators: `1,000`, `1,234,567.5`.
#[derive(Clone, Copy, Debug)]
pub struct Grouped(Decimal);

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.0.to_string();
        let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |rest| ("-", rest));
        let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (index, digit) in whole.chars().enumerate() {
            if index > 0 && (whole.len() - index) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(fraction) => write!(f, "{sign}{grouped}.{fraction}"),
            None => write!(f, "{sign}{grouped}"),
        }
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescaled(scale), other.rescaled(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Out of i128 range only for absurd inputs; order by sign then magnitude guess.
            _ => self.mantissa.signum().cmp(&other.mantissa.signum()),
        }
    }
}

impl fmt::Display for Decimal {
    /// Plain digits with the scale written, trailing zeros trimmed (`1250.5`, `40`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let (whole, fraction) =
            if digits.len() > scale { digits.split_at(digits.len() - scale) } else { ("0", digits.as_str()) };
        let padded = format!("{fraction:0>scale$}");
        let fraction = padded.trim_end_matches('0');
        if fraction.is_empty() {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{fraction}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Decimal;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn parses_x12_decimals() {
        assert_eq!(d("125.50"), d("125.5"));
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("-3").to_string(), "-3");
        for bad in ["", "-", ".", "1.2.3", "1e5", "12a", "+4", " 4", "--4", "-.", "4-", "1é"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(d("5.").to_string(), "5");
        assert_eq!(d("-0.25").to_string(), "-0.25");
        let thirty = "123456789012345678901234567890";
        assert_eq!(d(&format!("-{thirty}")).to_string(), format!("-{thirty}"), "30 digits is the most");
        assert_eq!(d(&format!("{}.{}", &thirty[..10], &thirty[10..])).scale(), 20);
        assert!(Decimal::parse(&format!("{thirty}1")).is_none());
        assert!(Decimal::parse(&format!("{thirty}.1")).is_none());
    }

    #[test]
    fn reads_and_writes_descriptor_amounts_with_thousands() {
        assert_eq!(Decimal::parse_grouped("1,000").map(|d| d.grouped().to_string()), Some("1,000".into()));
        assert_eq!(Decimal::parse_grouped("0.10").map(|d| d.grouped().to_string()), Some("0.1".into()));
        assert_eq!(Decimal::parse_grouped("1234567.5").map(|d| d.grouped().to_string()), Some("1,234,567.5".into()));
        assert!(Decimal::parse_grouped("1,00").is_none());
        assert!(Decimal::parse_grouped("-1").is_none());
        assert!(Decimal::parse_grouped("1e3").is_none());
        assert_eq!(d("250").checked_mul(d("4")).and_then(Decimal::as_integer), Some(1000));
        assert_eq!(d("-4").as_integer(), None);
    }

    #[test]
    fn rounds_scales_and_writes_like_its_neighbours() {
        assert_eq!(d("2.25").ceil().map(|v| v.to_string()).as_deref(), Some("3"));
        assert_eq!(d("4.00").ceil().map(|v| v.to_string()).as_deref(), Some("4"));
        assert_eq!(d("0.1").ceil().map(|v| v.to_string()).as_deref(), Some("1"));
        assert!(d("-1").ceil().is_none());
        let quarter = d("100.00").scaled(d("1"), d("4"), 2).map(|v| v.with_scale(2));
        assert_eq!(quarter.as_deref(), Some("25.00"));
        let third = d("100").scaled(d("1"), d("3"), 2).map(|v| v.with_scale(2));
        assert_eq!(third.as_deref(), Some("33.33"));
        let up = d("0.05").scaled(d("1"), d("2"), 2).map(|v| v.with_scale(2));
        assert_eq!(up.as_deref(), Some("0.03"), "half a cent rounds up");
        let ml = d("2.5").scaled(d("1"), d("0.5"), 3).map(|v| v.to_string());
        assert_eq!(ml.as_deref(), Some("5"));
        assert!(d("1").scaled(d("1"), d("0"), 2).is_none());
        let huge = d("9999999999999999999999.99999998").scaled(d("1"), d("999999999999999999999999999999"), 8);
        assert_eq!(huge.map(|v| v.to_string()).as_deref(), Some("0.00000001"), "no overflow near the limits");
        assert_eq!(d("110").with_scale(2), "110.00");
        assert_eq!(d("110.5").with_scale(2), "110.50");
        assert_eq!(d("110.125").with_scale(2), "110.125", "never drops digits");
        assert_eq!(d("110").with_scale(0), "110");
        assert_eq!(d("125.50").scale(), 2);
    }

    #[test]
    fn adds_and_compares_exactly() {
        let sum = d("0.1").checked_add(d("0.2")).map(|s| s.to_string());
        assert_eq!(sum.as_deref(), Some("0.3"));
        assert!(d("4.00").is_whole());
        assert!(!d("4.25").is_whole());
        assert!(d("10") > d("9.99"));
    }
}
