//! Made-up values that stand in for real ones: consistent within a run, unguessable
//! from outside it, and shaped like the original so that every check sees the same file.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};

use crate::calendar::CalendarDate;
use crate::rules::structure::npi_check_digit::check_digit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Text,
    Npi,
    Date,
}

/// The replacements of one run. The secret is std's random hasher key, drawn fresh for
/// every run and never written anywhere: a replacement reveals nothing of its original.
pub(crate) struct Pseudonyms {
    secret: RandomState,
    given: HashMap<(Kind, String), String>,
    /// Every value being replaced: no replacement may be one of them (a made-up member
    /// id that happened to be another patient's real one would leave it in the copy).
    originals: HashSet<String>,
}

impl Pseudonyms {
    pub(crate) fn new() -> Self {
        Pseudonyms { secret: RandomState::new(), given: HashMap::new(), originals: HashSet::new() }
    }

    /// Declares the values that will be replaced, before any is: replacements avoid them.
    pub(crate) fn reserve<'v>(&mut self, values: impl IntoIterator<Item = &'v str>) {
        for value in values {
            self.originals.extend(value.split('-').map(str::to_string));
            self.originals.insert(value.to_string());
        }
    }

    fn fresh(&self, candidate: &str, value: &str) -> bool {
        candidate != value && !self.originals.contains(candidate)
    }

    fn draw(&self, value: &str, round: u32, position: usize) -> u64 {
        self.secret.hash_one((value, round, position))
    }

    /// The same number of characters, ASCII letters for letters (case kept), digits for
    /// digits; spaces, punctuation and any byte in `keep` (the file's delimiters) stay, and
    /// no replacement character is one of `keep`. Different from `value` whenever it has
    /// a letter or digit.
    pub(crate) fn scramble(&mut self, value: &str, keep: &[u8]) -> String {
        if value.is_empty() {
            return String::new();
        }
        if let Some(given) = self.given.get(&(Kind::Text, value.to_string())) {
            return given.clone();
        }
        let mut result = value.to_string();
        for round in 0..32 {
            let candidate: String =
                value.chars().enumerate().map(|(i, c)| self.replace_char(c, value, round, i, keep)).collect();
            let fresh = self.fresh(&candidate, value);
            if candidate != value {
                result = candidate;
            }
            if fresh {
                break;
            }
        }
        self.given.insert((Kind::Text, value.to_string()), result.clone());
        result
    }

    fn replace_char(&self, c: char, value: &str, round: u32, position: usize, keep: &[u8]) -> char {
        if is_kept(c, keep) {
            return c;
        }
        let (first, count): (u8, u64) = if c.is_ascii_digit() {
            (b'0', 10)
        } else if c.is_ascii_lowercase() {
            (b'a', 26)
        } else if c.is_alphabetic() {
            (b'A', 26)
        } else {
            return c;
        };
        let draw = self.draw(value, round, position);
        for step in 0..count {
            let offset = u8::try_from(draw.wrapping_add(step) % count).unwrap_or(0);
            let candidate = first + offset;
            if !keep.contains(&candidate) {
                return char::from(candidate);
            }
        }
        c
    }

    /// Free text blanked: every letter `X`, every digit `0`, the rest kept.
    pub(crate) fn blank(value: &str, keep: &[u8]) -> String {
        value
            .chars()
            .map(|c| match c {
                c if is_kept(c, keep) => c,
                c if c.is_ascii_digit() => {
                    if keep.contains(&b'0') {
                        '1'
                    } else {
                        '0'
                    }
                }
                c if c.is_alphabetic() => {
                    if keep.contains(&b'X') {
                        'Y'
                    } else {
                        'X'
                    }
                }
                c => c,
            })
            .collect()
    }

    /// A made-up NPI for a ten-digit one: the same first digit, the same last digit, and
    /// the same Luhn check digit over the first nine, so a valid NPI stays valid and a
    /// wrong one stays wrong in the same way. Anything else is scrambled.
    pub(crate) fn npi(&mut self, value: &str, keep: &[u8]) -> String {
        let digits: Vec<u8> = value.bytes().collect();
        let (Some(&first), Some(&last), true) = (digits.first(), digits.get(9), digits.len() == 10) else {
            return self.scramble(value, keep);
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return self.scramble(value, keep);
        }
        if let Some(given) = self.given.get(&(Kind::Npi, value.to_string())) {
            return given.clone();
        }
        let wanted = check_digit(value.get(..9).unwrap_or(""));
        let mut result = value.to_string();
        for round in 0..32 {
            let mut base: Vec<u8> = vec![first];
            base.extend(
                (1..8).map(|position| b'0' + u8::try_from(self.draw(value, round, position) % 10).unwrap_or(0)),
            );
            // The ninth digit is the one that makes the check digit come out as before:
            // in a Luhn sum each digit position takes every value exactly once.
            let ninth = (b'0'..=b'9').find(|digit| {
                let candidate: String = base.iter().chain(std::iter::once(digit)).map(|b| char::from(*b)).collect();
                check_digit(&candidate) == wanted
            });
            let Some(ninth) = ninth else { continue };
            base.push(ninth);
            base.push(last);
            let candidate: String = base.iter().map(|b| char::from(*b)).collect();
            let fresh = self.fresh(&candidate, value);
            if candidate != value {
                result = candidate;
            }
            if fresh {
                break;
            }
        }
        self.given.insert((Kind::Npi, value.to_string()), result.clone());
        result
    }

    /// A `D8` date moved by 30 to 1,000 days, either way; the same date always moves
    /// alike, and never onto a date being replaced. A value that is not a real date stays
    /// one that is not (its digits become zeros), so `invalid-date` says the same.
    pub(crate) fn shift_date(&mut self, value: &str) -> String {
        self.shifted_once(value, |pseudonyms, shift| pseudonyms.moved(value, shift))
    }

    /// An `RD8` range, both ends moved by the same days (a backwards range stays so).
    pub(crate) fn shift_range(&mut self, value: &str) -> String {
        let Some((from, to)) = value.split_once('-') else { return zero_digits(value) };
        self.shifted_once(value, |pseudonyms, shift| {
            format!("{}-{}", pseudonyms.moved(from, shift), pseudonyms.moved(to, shift))
        })
    }

    fn shifted_once(&mut self, value: &str, shifted: impl Fn(&Self, i64) -> String) -> String {
        if let Some(given) = self.given.get(&(Kind::Date, value.to_string())) {
            return given.clone();
        }
        let mut result = zero_digits(value);
        for round in 0..32 {
            let draw = self.draw(value, round, usize::MAX);
            let magnitude = 30 + i64::try_from(draw % 971).unwrap_or(0);
            let candidate = shifted(self, if draw & (1 << 40) == 0 { magnitude } else { -magnitude });
            result.clone_from(&candidate);
            if candidate.split('-').all(|part| !self.originals.contains(part) || part.bytes().all(|b| b == b'0')) {
                break;
            }
        }
        self.given.insert((Kind::Date, value.to_string()), result.clone());
        result
    }

    /// One `CCYYMMDD` moved by `shift` days; zeros when it is not a real date or would
    /// leave four-digit years.
    fn moved(&self, value: &str, shift: i64) -> String {
        let date = CalendarDate::parse_ccyymmdd(value)
            .and_then(|date| civil_from_days(days_from_civil(date) + shift))
            .filter(|date| (1000..=9999).contains(&date.year));
        match date {
            Some(date) => format!("{:04}{:02}{:02}", date.year, date.month, date.day),
            None if CalendarDate::parse_ccyymmdd(value).is_some() => value.to_string(),
            None => zero_digits(value),
        }
    }
}

fn is_kept(c: char, keep: &[u8]) -> bool {
    u8::try_from(c).is_ok_and(|byte| keep.contains(&byte))
}

/// Every digit a zero: `20230229` → `00000000`, still not a date.
pub(crate) fn zero_digits(value: &str) -> String {
    value.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect()
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm, proleptic Gregorian).
fn days_from_civil(date: CalendarDate) -> i64 {
    let (month, day) = (i64::from(date.month), i64::from(date.day));
    let year = i64::from(date.year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> Option<CalendarDate> {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    CalendarDate::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrambling_keeps_shape_and_is_consistent() {
        let mut pseudonyms = Pseudonyms::new();
        let name = pseudonyms.scramble("O'Neil-Smith 3rd", b"*:^~");
        assert_ne!(name, "O'Neil-Smith 3rd");
        assert_eq!(name.len(), 16);
        let shape = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        '9'
                    } else if c.is_ascii_lowercase() {
                        'a'
                    } else if c.is_ascii_uppercase() {
                        'A'
                    } else {
                        c
                    }
                })
                .collect()
        };
        assert_eq!(shape(&name), shape("O'Neil-Smith 3rd"));
        assert_eq!(pseudonyms.scramble("O'Neil-Smith 3rd", b"*:^~"), name, "the same value, the same replacement");
        assert_eq!(pseudonyms.scramble("MUÑOZ", b"*").chars().count(), 5);
    }

    #[test]
    fn a_delimiter_is_never_produced() {
        let mut pseudonyms = Pseudonyms::new();
        let keep: Vec<u8> = (b'A'..=b'Y').collect();
        for value in ["ABCDEFGH", "QQQQ", "ZZ"] {
            assert!(pseudonyms.scramble(value, &keep).chars().all(|c| c == 'Z' || value.contains(c)));
        }
    }

    #[test]
    fn npis_keep_their_validity() {
        let mut pseudonyms = Pseudonyms::new();
        let valid = pseudonyms.npi("1234567893", b"*");
        assert_ne!(valid, "1234567893");
        assert_eq!(check_digit(valid.get(..9).unwrap_or("")), valid.get(9..).and_then(|d| d.parse().ok()));
        // Check digit 3 expected, 5 written: the made-up one is wrong in the same way.
        let wrong = pseudonyms.npi("1234567895", b"*");
        assert!(wrong.ends_with('5') && wrong.starts_with('1'));
        assert_eq!(check_digit(wrong.get(..9).unwrap_or("")), Some(3));
        assert_eq!(pseudonyms.npi("12345", b"*").len(), 5);
    }

    #[test]
    fn no_replacement_is_another_original() {
        for _ in 0..20 {
            let mut pseudonyms = Pseudonyms::new();
            // Birth dates a few months apart, and one-digit ids that take half the digits.
            let dates = ["19500101", "19500411", "19501020", "19490301"];
            let ids: Vec<String> = (0..5).map(|d| d.to_string()).collect();
            pseudonyms.reserve(dates.iter().copied().chain(ids.iter().map(String::as_str)));
            for value in dates {
                let shifted = pseudonyms.shift_date(value);
                assert!(!dates.contains(&shifted.as_str()), "{value} → {shifted}");
                assert_eq!(pseudonyms.shift_date(value), shifted, "the same date moves alike");
            }
            let id = pseudonyms.scramble("4", b"*");
            assert!(("5"..="9").contains(&id.as_str()), "{id} is another original id");
        }
    }

    #[test]
    fn dates_shift_and_impossible_dates_stay_impossible() {
        let mut pseudonyms = Pseudonyms::new();
        let shifted = pseudonyms.shift_date("19500101");
        let date = CalendarDate::parse_ccyymmdd(&shifted);
        assert!(date.is_some() && shifted != "19500101", "{shifted}");
        assert_eq!(pseudonyms.shift_date("20230229"), "00000000");
        let range = pseudonyms.shift_range("20260120-20260110");
        let (from, to) = range.split_once('-').unwrap_or_default();
        assert!(from > to, "a backwards range stays backwards: {range}");
        for day in [-700_000, -1, 0, 59, 10_957, 2_932_896] {
            let date = civil_from_days(day).map(days_from_civil);
            assert_eq!(date, Some(day));
        }
    }
}
