//! Calendar dates as X12 writes them (`CCYYMMDD`), checked against the real calendar.

use std::fmt;

/// A date that exists on the Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl CalendarDate {
    /// Builds a date, or `None` when the day does not exist (2023-02-29, month 13 …).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// Parses the X12 `D8` format `CCYYMMDD`; anything else is `None`.
    pub fn parse_ccyymmdd(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u16> { text.get(range)?.parse().ok() };
        Self::new(number(0..4)?, u8::try_from(number(4..6)?).ok()?, u8::try_from(number(6..8)?).ok()?)
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::CalendarDate;

    #[test]
    fn reads_real_dates_and_refuses_impossible_ones() {
        assert_eq!(CalendarDate::parse_ccyymmdd("20240930").map(|d| d.to_string()), Some("2024-09-30".into()));
        assert!(CalendarDate::parse_ccyymmdd("20240229").is_some());
        assert!(CalendarDate::parse_ccyymmdd("20230229").is_none());
        assert!(CalendarDate::parse_ccyymmdd("20241301").is_none());
        assert!(CalendarDate::parse_ccyymmdd("2024093").is_none());
        assert!(CalendarDate::parse_ccyymmdd("2024-9-30").is_none());
    }
}
