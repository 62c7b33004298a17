//! Cell values as charge exports write them: dates in three formats, money with `$` and
//! thousands separators, and a single `modifiers` column with any common separator.

use crate::calendar::CalendarDate;
use crate::decimal::Decimal;

/// `YYYY-MM-DD`, `YYYYMMDD` or `MM/DD/YYYY` (month and day may drop their leading zero,
/// as spreadsheets write them: `3/7/2024`); a date that does not exist is `None`.
pub fn parse_date(text: &str) -> Option<CalendarDate> {
    let text = text.trim();
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>| -> Option<u16> {
        if !digits.contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    // `YYYY-MM-DD`, what most exports write, without splitting.
    if let &[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = text.as_bytes() {
        if [y1, y2, y3, y4, m1, m2, d1, d2].iter().all(u8::is_ascii_digit) {
            let digit = |b: u8| b.wrapping_sub(b'0');
            let year = u16::from(digit(y1)) * 1000
                + u16::from(digit(y2)) * 100
                + u16::from(digit(y3)) * 10
                + u16::from(digit(y4));
            return CalendarDate::new(year, digit(m1) * 10 + digit(m2), digit(d1) * 10 + digit(d2));
        }
    }
    if let Some(date) = CalendarDate::parse_ccyymmdd(text) {
        return Some(date);
    }
    let mut parts = text.split('-');
    if let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) {
        return CalendarDate::new(
            number(year, 4..=4)?,
            u8::try_from(number(month, 2..=2)?).ok()?,
            u8::try_from(number(day, 2..=2)?).ok()?,
        );
    }
    let mut parts = text.split('/');
    if let (Some(month), Some(day), Some(year), None) = (parts.next(), parts.next(), parts.next(), parts.next()) {
        return CalendarDate::new(
            number(year, 4..=4)?,
            u8::try_from(number(month, 1..=2)?).ok()?,
            u8::try_from(number(day, 1..=2)?).ok()?,
        );
    }
    None
}

/// A money amount: `1234.5`, `$1,234.50`, `-$12.00`, `$-12.00`, `(12.00)` (accounting
/// negative), and `-` or `$ -` (accounting zero). Thousands separators must group by
/// three; anything else is `None`.
pub fn parse_money(text: &str) -> Option<Decimal> {
    let mut text = text.trim();
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    // One minus sign, before or after the `$`.
    let mut take_minus = |text: &mut &str| {
        if let Some(rest) = text.strip_prefix('-') {
            if negative {
                return false;
            }
            negative = true;
            *text = rest.trim_start();
        }
        true
    };
    if !take_minus(&mut text) {
        return None;
    }
    if let Some(rest) = text.strip_prefix('$') {
        text = rest.trim_start();
    }
    if !take_minus(&mut text) {
        return None;
    }
    if text.is_empty() {
        // `-` and `$ -`: how accounting formats write zero.
        return negative.then_some(Decimal::ZERO);
    }
    let text = text.strip_suffix('.').unwrap_or(text);
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.contains(',') && !thousands_grouped(whole) {
        return None;
    }
    if !negative && !whole.contains(',') {
        return Decimal::parse(text);
    }
    let mut value = String::with_capacity(text.len() + 1);
    if negative {
        value.push('-');
    }
    value.extend(whole.chars().filter(|&c| c != ','));
    if !fraction.is_empty() {
        value.push('.');
        value.push_str(fraction);
    }
    Decimal::parse(&value)
}

/// `1,234,567`: one to three digits, then groups of exactly three.
fn thousands_grouped(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    first_ok && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The modifiers in a single `modifiers` cell, split at `|`, `,`, `;`, `:` or white
/// space, with each one's byte offset in `text`; empty pieces are skipped.
pub fn split_modifiers(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split(|c: char| matches!(c, '|' | ',' | ';' | ':') || c.is_whitespace()).filter_map(move |piece| {
        let start = offset;
        // Every separator is one byte except Unicode white space: step past the real one.
        offset += piece.len();
        offset += text.get(offset..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
        (!piece.is_empty()).then_some((start, piece))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Option<String> {
        parse_money(text).map(|d| d.with_scale(2))
    }

    #[test]
    fn dates_in_the_three_formats() {
        for text in ["2024-03-07", "20240307", "03/07/2024", "3/7/2024", " 2024-03-07 "] {
            assert_eq!(parse_date(text).map(|d| d.to_string()).as_deref(), Some("2024-03-07"), "{text}");
        }
        for text in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-0a-01",
            "2024/03/07",
            "13/01/2024",
            "2024-3-7",
            "07.03.2024",
            "03/07/24",
            "",
            "2024-03-07-01",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn money_as_exports_write_it() {
        assert_eq!(money("$1,200.00").as_deref(), Some("1200.00"));
        assert_eq!(money("1234.5").as_deref(), Some("1234.50"));
        assert_eq!(money(" $ 45 ").as_deref(), Some("45.00"));
        assert_eq!(money("-$12.50").as_deref(), Some("-12.50"));
        assert_eq!(money("$-12.50").as_deref(), Some("-12.50"));
        assert_eq!(money("(12.50)").as_deref(), Some("-12.50"));
        assert_eq!(money("$1,234,567.89").as_deref(), Some("1234567.89"));
        assert_eq!(money("-").as_deref(), Some("0.00"));
        assert_eq!(money("$ -").as_deref(), Some("0.00"));
        assert_eq!(money("12.").as_deref(), Some("12.00"));
        for bad in ["", "$", "1,23.00", "12,34", "abc", "$1.2.3", "1e3", "--5", "€5"] {
            assert_eq!(money(bad), None, "{bad}");
        }
    }

    #[test]
    fn modifiers_split_at_any_common_separator_with_offsets() {
        let pieces: Vec<_> = split_modifiers("JW|59").collect();
        assert_eq!(pieces, [(0, "JW"), (3, "59")]);
        let pieces: Vec<_> = split_modifiers(" JZ, 59;RT:LT  XS").collect();
        assert_eq!(pieces, [(1, "JZ"), (5, "59"), (8, "RT"), (11, "LT"), (15, "XS")]);
        assert_eq!(split_modifiers("").count(), 0);
        let text = "JW\u{3000}59";
        let pieces: Vec<_> = split_modifiers(text).collect();
        assert_eq!(pieces, [(0, "JW"), (5, "59")]);
        assert_eq!(text.get(5..7), Some("59"));
    }
}
