//! Reader for the CMS HCPCS "ANWEB" fixed-width file (320-column records, layout
//! `HCPCS_CNTRCTR_26_REC` in `data/hcpcs/HCPC2026_recordlayout.txt`).
//!
//! Users point the server at the quarterly file CMS publishes, so this reader refuses
//! nothing silently and panics on nothing: every problem comes back as an [`AnwebError`]
//! naming the 1-based line.

use std::fmt;
use std::ops::Range;

use crate::calendar::CalendarDate;

/// Width of one record; users' copies often lose the trailing spaces, which we accept.
const RECORD_WIDTH: usize = 320;

/// Whether a record describes a procedure/supply code or a modifier (record id 3/4 vs 7/8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Procedure,
    Modifier,
}

/// One code as the ANWEB file states it, continuation lines already joined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRecord {
    pub code: String,
    pub kind: RecordKind,
    pub long_description: String,
    pub short_description: String,
    /// Up to four two-digit pricing indicators (cols 120–127), blanks dropped.
    pub pricing: Vec<String>,
    pub multiple_pricing: Option<char>,
    /// Cross-reference codes (cols 205–229), blanks dropped.
    pub cross_references: Vec<String>,
    pub coverage: Option<char>,
    pub asc_group: Option<String>,
    pub asc_effective: Option<CalendarDate>,
    pub betos: Option<String>,
    /// Up to five type-of-service codes (cols 261–265).
    pub type_of_service: Vec<char>,
    pub added: Option<CalendarDate>,
    pub action_effective: Option<CalendarDate>,
    pub terminated: Option<CalendarDate>,
    pub action: Option<char>,
}

/// What is wrong with an ANWEB file, and where (1-based line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnwebError {
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for AnwebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for AnwebError {}

/// The lines of an ANWEB file that are not blank: 1-based number, byte range in `text`
/// (without the line end) and the line. A BOM is skipped.
fn lines(text: &str) -> impl Iterator<Item = (usize, Range<usize>, &str)> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let body = text.get(bom..).unwrap_or("");
    // As `split('\n')`, with the memchr crate's SIMD search: the built-in table is 1 MB.
    let ends = memchr::memchr_iter(b'\n', body.as_bytes()).chain(std::iter::once(body.len()));
    let mut start = 0;
    ends.enumerate().filter_map(move |(index, end)| {
        let raw = body.get(start..end).unwrap_or("");
        let line_start = bom + start;
        start = end + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        // `trim_start` alone answers "blank?" and stops at a record's first character.
        (!line.trim_start().is_empty()).then(|| (index + 1, line_start..line_start + line.len(), line))
    })
}

/// Where one record's lines are: its first line and any continuation lines after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RecordLines<'a> {
    pub(crate) code: &'a str,
    pub(crate) kind: RecordKind,
    pub(crate) lines: Range<usize>,
}

/// Finds each record's lines by the code and record id columns alone, reading no other
/// field: a table indexes the built-in file with this and parses a record (with
/// [`parse`], on its lines) only when it is asked for. Lines are grouped as [`parse`]
/// groups them; a line `parse` would refuse for its code or record id is left out, and
/// one inside a record's lines makes that record fail to parse, never half-read.
pub(crate) fn record_lines(text: &str) -> Vec<RecordLines<'_>> {
    let mut records: Vec<RecordLines<'_>> = Vec::with_capacity(text.len() / (RECORD_WIDTH + 2) + 1);
    for (_, range, line) in lines(text) {
        let line = Columns(line);
        let (kind, first, width) = match line.field(11, 11) {
            "3" => (RecordKind::Procedure, true, 5),
            "4" => (RecordKind::Procedure, false, 5),
            "7" => (RecordKind::Modifier, true, 2),
            "8" => (RecordKind::Modifier, false, 2),
            _ => continue,
        };
        let code = line.field(1, 5).trim_start();
        if code.len() != width || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        match records.last_mut() {
            Some(previous) if !first && previous.code == code && previous.kind == kind => {
                previous.lines.end = range.end;
            }
            _ if first => records.push(RecordLines { code, kind, lines: range }),
            _ => {}
        }
    }
    records
}

/// Parses every record of an ANWEB file (CRLF or LF, trailing spaces optional; blank
/// lines are skipped). Fails on the first malformed line.
pub fn parse(text: &str) -> Result<Vec<CodeRecord>, AnwebError> {
    let mut records: Vec<CodeRecord> = Vec::new();
    for (line_number, _, line) in lines(text) {
        let fail = |problem: String| AnwebError { line: line_number, problem };
        if !line.is_ascii() {
            return Err(fail("contains a non-ASCII character; ANWEB records are plain ASCII".into()));
        }
        if !line.get(RECORD_WIDTH..).unwrap_or("").trim().is_empty() {
            return Err(fail(format!("is {} characters long; records are {RECORD_WIDTH}", line.len())));
        }
        let line = Columns(line);
        let record_id = line.field(11, 11);
        let kind_and_first = match record_id {
            "3" => (RecordKind::Procedure, true),
            "4" => (RecordKind::Procedure, false),
            "7" => (RecordKind::Modifier, true),
            "8" => (RecordKind::Modifier, false),
            "" => return Err(fail("has no record id in column 11 (line too short?)".into())),
            other => return Err(fail(format!("has record id {other:?} in column 11; expected 3, 4, 7 or 8"))),
        };
        let code = line.field(1, 5).trim_start().to_string();
        match kind_and_first.0 {
            RecordKind::Procedure if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                return Err(fail(format!("has procedure code {code:?} in columns 1-5; expected 5 letters or digits")));
            }
            RecordKind::Modifier if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                return Err(fail(format!("has modifier {code:?} in columns 4-5; expected 2 letters or digits")));
            }
            _ => {}
        }
        let description = line.field(12, 91).trim_end();
        if !kind_and_first.1 {
            // A continuation line only carries more long-description text.
            match records.last_mut() {
                Some(previous) if previous.code == code && previous.kind == kind_and_first.0 => {
                    if !description.is_empty() {
                        previous.long_description.push(' ');
                        previous.long_description.push_str(description.trim_start());
                    }
                }
                _ => {
                    return Err(fail(format!(
                        "continues the description of {code} but does not follow a first line of {code}"
                    )));
                }
            }
            continue;
        }
        records.push(first_line(&line, code, kind_and_first.0, description).map_err(fail)?);
    }
    Ok(records)
}

fn first_line(line: &Columns<'_>, code: String, kind: RecordKind, description: &str) -> Result<CodeRecord, String> {
    let mut pricing = Vec::new();
    for start in [120, 122, 124, 126] {
        let value = line.field(start, start + 1);
        if value.trim().is_empty() {
            continue;
        }
        if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "has pricing indicator {value:?} in columns {start}-{}; expected two digits",
                start + 1
            ));
        }
        pricing.push(value.to_string());
    }
    let cross_references = [205, 210, 215, 220, 225]
        .iter()
        .map(|&start| line.field(start, start + 4).trim())
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .collect();
    let date = |start: usize, name: &str| -> Result<Option<CalendarDate>, String> {
        let value = line.field(start, start + 7).trim();
        if value.is_empty() {
            return Ok(None);
        }
        CalendarDate::parse_ccyymmdd(value)
            .map(Some)
            .ok_or_else(|| format!("has {name} {value:?} in columns {start}-{}; expected a CCYYMMDD date", start + 7))
    };
    let coverage = line.char_at(230);
    if let Some(value) = coverage {
        if !"CDIMS".contains(value) {
            return Err(format!("has coverage code {value:?} in column 230; expected C, D, I, M or S"));
        }
    }
    let action = line.char_at(293);
    if let Some(value) = action {
        if !"ABCDFNPRST".contains(value) {
            return Err(format!("has action code {value:?} in column 293; expected one of A B C D F N P R S T"));
        }
    }
    let text = |start: usize, end: usize| {
        let value = line.field(start, end).trim();
        (!value.is_empty()).then(|| value.to_string())
    };
    Ok(CodeRecord {
        code,
        kind,
        long_description: description.trim_start().to_string(),
        short_description: line.field(92, 119).trim().to_string(),
        pricing,
        multiple_pricing: line.char_at(128),
        cross_references,
        coverage,
        asc_group: text(231, 232),
        asc_effective: date(233, "ASC group effective date")?,
        betos: text(257, 259),
        type_of_service: line.field(261, 265).chars().filter(|c| !c.is_whitespace()).collect(),
        added: date(269, "code added date")?,
        action_effective: date(277, "action effective date")?,
        terminated: date(285, "termination date")?,
        action,
    })
}

/// An ASCII line read by the layout's 1-based inclusive columns; columns past the end
/// of a trimmed line read as blanks.
struct Columns<'a>(&'a str);

impl<'a> Columns<'a> {
    fn field(&self, first: usize, last: usize) -> &'a str {
        let start = first.saturating_sub(1).min(self.0.len());
        let end = last.min(self.0.len());
        self.0.get(start..end).unwrap_or("")
    }

    fn char_at(&self, column: usize) -> Option<char> {
        self.field(column, column).chars().next().filter(|c| !c.is_whitespace())
    }
}

/// Words for a pricing indicator, as the record layout lists them.
pub fn pricing_words(code: &str) -> Option<&'static str> {
    Some(match code {
        "00" => "not separately priced by Part B",
        "11" => "physician fee schedule, national RVUs",
        "12" => "physician fee schedule, national anesthesia base units",
        "13" => "physician fee schedule, priced by carriers",
        "21" => "clinical lab fee schedule, national limitation amount",
        "22" => "clinical lab fee schedule, priced by carriers",
        "31" => "frequently serviced DME",
        "32" => "inexpensive and routinely purchased DME",
        "33" => "oxygen and oxygen equipment",
        "34" => "DME supplies",
        "35" => "surgical dressings",
        "36" => "capped rental DME",
        "37" => "ostomy, tracheostomy and urological supplies",
        "38" => "orthotics, prosthetics, prosthetic devices and vision services",
        "39" => "parenteral and enteral nutrition",
        "40" => "lymphedema compression treatment items",
        "45" => "customized DME items",
        "46" => "carrier priced",
        "51" => "drugs",
        "52" => "reasonable charge",
        "53" => "statute",
        "54" => "vaccinations",
        "55" => "splints and casts",
        "56" => "IOLs inserted in a physician's office",
        "57" => "other carrier priced",
        "99" => "value not established",
        _ => return None,
    })
}

/// Words for the multiple pricing indicator (col 128).
pub fn multiple_pricing_words(code: char) -> Option<&'static str> {
    Some(match code {
        '9' => "not priced separately by Part B or value not established",
        'A' => "priced under one methodology",
        'B' => "professional component by RVUs, technical component and global by carriers",
        'C' => "physician interpretation under the fee schedule, lab service under the lab fee schedule",
        'G' => "reasonable charge with blood products, lab fee schedule otherwise",
        _ => return None,
    })
}

/// Words for the coverage code (col 230).
pub fn coverage_words(code: char) -> Option<&'static str> {
    Some(match code {
        'C' => "carrier judgment",
        'D' => "special coverage instructions apply",
        'I' => "not payable by Medicare",
        'M' => "non-covered by Medicare",
        'S' => "non-covered by Medicare statute",
        _ => return None,
    })
}

/// Words for the action code (col 293).
pub fn action_words(code: char) -> Option<&'static str> {
    Some(match code {
        'A' => "added",
        'B' => "administrative data and long description changed",
        'C' => "long description changed",
        'D' => "discontinued",
        'F' => "administrative data changed",
        'N' => "no maintenance",
        'P' => "payment change",
        'R' => "re-activated",
        'S' => "short description changed",
        'T' => "miscellaneous change (BETOS, type of service)",
        _ => return None,
    })
}

/// Words for a type-of-service code (CMS_TYPE_SRVC_TB in the layout).
pub fn type_of_service_words(code: char) -> Option<&'static str> {
    Some(match code {
        '1' => "medical care",
        '2' => "surgery",
        '3' => "consultation",
        '4' => "diagnostic radiology",
        '5' => "diagnostic laboratory",
        '6' => "therapeutic radiology",
        '7' => "anesthesia",
        '8' => "assistant at surgery",
        '9' => "other medical items or services",
        '0' => "whole blood",
        'A' => "used DME",
        'D' => "ambulance",
        'E' => "enteral/parenteral nutrients/supplies",
        'F' => "ambulatory surgical center",
        'G' => "immunosuppressive drugs",
        'J' => "diabetic shoes",
        'K' => "hearing items and services",
        'L' => "ESRD supplies",
        'M' => "monthly capitation payment for dialysis",
        'N' => "kidney donor",
        'P' => "lump sum purchase of DME, prosthetics, orthotics",
        'Q' => "vision items or services",
        'R' => "rental of DME",
        'S' => "surgical dressings or other medical supplies",
        'T' => "outpatient mental health limitation",
        'U' => "occupational therapy",
        'V' => "pneumococcal/flu vaccine",
        'W' => "physical therapy",
        _ => return None,
    })
}

/// Words for the BETOS codes found in the J, Q and modifier files (BETOS_TB in the
/// layout); other codes are shown raw by callers.
pub fn betos_words(code: &str) -> Option<&'static str> {
    Some(match code {
        "D1A" => "medical/surgical supplies",
        "D1E" => "other DME",
        "D1F" => "prosthetic/orthotic devices",
        "D1G" => "drugs administered through DME",
        "I1E" => "standard imaging - nuclear medicine",
        "I1F" => "standard imaging - other",
        "O1C" => "enteral and parenteral",
        "O1D" => "chemotherapy",
        "O1E" => "other drugs",
        "O1G" => "immunizations/vaccinations",
        "P1G" => "major procedure - other",
        "P6C" => "minor procedures - other (Medicare fee schedule)",
        "P7A" => "oncology - radiation therapy",
        "P9A" => "dialysis services (Medicare fee schedule)",
        "T1H" => "lab tests - other (non-Medicare fee schedule)",
        "T2D" => "other tests - other",
        "Y1" => "other - Medicare fee schedule",
        "Y2" => "other - non-Medicare fee schedule",
        "Z2" => "undefined codes",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(code: &str, seq: &str, ric: char, description: &str) -> String {
        let mut line = format!("{code:<5}{seq}{ric}{description:<80}");
        line.push_str(&" ".repeat(RECORD_WIDTH - line.len()));
        line
    }

    #[test]
    fn joins_continuation_lines_and_accepts_trimmed_lf_lines() {
        let first = record(
            "J2274",
            "00100",
            '3',
            "Injection, morphine sulfate, preservative-free for epidural or intrathecal use,",
        );
        let second = record("J2274", "00200", '4', "10 mg");
        let text = format!("{}\n{}\n", first.trim_end(), second.trim_end());
        let records = parse(&text).expect("valid records");
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0].long_description,
            "Injection, morphine sulfate, preservative-free for epidural or intrathecal use, 10 mg"
        );
        assert!(records[0].terminated.is_none());
    }

    #[test]
    fn record_lines_group_a_record_with_its_continuations_as_parse_does() {
        let first =
            record("J0129", "00100", '3', "Injection, abatacept, 10 mg (code may be used for medicare when drug");
        let second = record("J0129", "00200", '4', "administered under the direct supervision of a physician");
        let modifier = record("   JW", "00100", '7', "Drug amount discarded/not administered to any patient");
        let text = format!("\u{feff}{first}\r\n\r\n{second}\r\n{}\n", modifier.trim_end());
        let located = record_lines(&text);
        let spans: Vec<(&str, RecordKind, &str)> =
            located.iter().map(|r| (r.code, r.kind, text.get(r.lines.clone()).unwrap_or(""))).collect();
        let first_two = format!("{first}\r\n\r\n{second}");
        assert_eq!(
            spans,
            vec![
                ("J0129", RecordKind::Procedure, first_two.as_str()),
                ("JW", RecordKind::Modifier, modifier.trim_end())
            ]
        );
        // Each record's lines parse to the record a parse of the whole file gives.
        let whole = parse(&text).expect("valid records");
        let one_by_one: Vec<CodeRecord> =
            located.iter().flat_map(|r| parse(text.get(r.lines.clone()).unwrap_or("")).expect("valid lines")).collect();
        assert_eq!(whole, one_by_one);
        // A continuation of another code is not read into a record.
        let orphan = record("J0130", "00200", '4', "more");
        let text = format!("{first}\n{orphan}\n");
        let located = record_lines(&text);
        assert_eq!(located.iter().map(|r| r.lines.clone()).collect::<Vec<_>>(), vec![0..first.len()]);
    }

    #[test]
    fn errors_name_the_line() {
        let good = record("J2700", "00100", '3', "Injection, oxacillin sodium, up to 250 mg");
        let bad_ric = format!("{}\r\n{}\r\n", good, record("J2410", "00100", '5', "x"));
        assert_eq!(parse(&bad_ric).map_err(|e| e.line), Err(2));
        let orphan = record("J2410", "00200", '4', "more");
        assert_eq!(parse(&orphan).map_err(|e| e.line), Err(1));
        let mut bad_date = good.clone();
        bad_date.replace_range(268..276, "20231301");
        let error = parse(&format!("\n{bad_date}")).expect_err("month 13");
        assert_eq!(error.line, 2);
        assert!(error.to_string().contains("code added date"), "{error}");
    }

    #[test]
    fn garbage_never_panics() {
        // A cheap deterministic fuzz: slices, byte soup and multi-byte text.
        let good = record("J2700", "00100", '3', "Injection, oxacillin sodium, up to 250 mg");
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let alphabet: Vec<char> = "J27003 4 7 8\r\n\u{e9}\u{1F48A}019ABCDNZ ,.".chars().collect();
        for round in 0..2000 {
            let mut text = String::new();
            let length = (round * 7) % 700;
            for _ in 0..length {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pick = usize::try_from(seed % alphabet.len() as u64).unwrap_or(0);
                text.push(alphabet.get(pick).copied().unwrap_or(' '));
            }
            let cut = round % (good.len() + 1);
            for text in [
                text.clone(),
                good.get(..cut).unwrap_or("").to_string(),
                format!("{}{text}", good.get(..cut).unwrap_or("")),
            ] {
                let located = record_lines(&text);
                if let Ok(records) = parse(&text) {
                    let codes: Vec<(&str, RecordKind)> = records.iter().map(|r| (r.code.as_str(), r.kind)).collect();
                    let found: Vec<(&str, RecordKind)> = located.iter().map(|r| (r.code, r.kind)).collect();
                    assert_eq!(codes, found, "{text:?}");
                }
            }
        }
    }
}
