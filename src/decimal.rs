//! Exact decimal amounts as X12 writes them (type R: `125`, `125.5`, `-3.25`, `.5`).
//! Money and unit counts are compared exactly, never through floating point.

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

impl Decimal {
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };

    pub fn from_int(value: i64) -> Self {
        Self { mantissa: i128::from(value), scale: 0 }
    }

    /// Parses an X12 decimal: optional minus, digits, at most one point, at least one digit.
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.len() + fraction.len() == 0
            || whole.len() + fraction.len() > MAX_DIGITS
            || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut mantissa: i128 = 0;
        for byte in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(byte - b'0'))?;
        }
        let scale = u32::try_from(fraction.len()).ok()?;
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

    /// True when the value has no fractional part (`4`, `4.0`, `4.00`).
    pub fn is_whole(self) -> bool {
        10_i128.checked_pow(self.scale).is_some_and(|unit| self.mantissa % unit == 0)
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
        let (whole, fraction) = if digits.len() > scale {
            digits.split_at(digits.len() - scale)
        } else {
            ("0", digits.as_str())
        };
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
        for bad in ["", "-", ".", "1.2.3", "1e5", "12a", "+4", " 4"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
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
