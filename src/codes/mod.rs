//! HCPCS Level II code knowledge (CMS HCPCS 2026 January, compiled in from `data/`), and
//! the few things we may say about Level I (CPT) codes without AMA text.

pub mod anweb;
pub mod billing_unit;
pub mod successor;

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

pub use anweb::{AnwebError, CodeRecord, RecordKind};
pub use billing_unit::{BillingUnit, Component, Decimal, NoUnit, Quantity, Unit};
pub use successor::Successor;

use crate::calendar::CalendarDate;

/// JW: drug amount discarded, not administered to any patient.
pub const WASTAGE: &str = "JW";
/// JZ: zero drug amount discarded.
pub const NO_WASTAGE: &str = "JZ";

const BUILTIN_SOURCE: &str = "CMS HCPCS 2026 January (built in)";
const BUILTIN_RELEASE: Release = Release { year: 2026, first_month: 1 };
/// The three extracts, one after another (each ends with a line break).
const BUILTIN_TEXT: &str = concat!(
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_modifiers.txt"),
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_J.txt"),
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_Q.txt"),
);

/// Whether a code may be used on a date of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeStatus {
    Valid,
    NotYetValid { added: CalendarDate },
    Discontinued { terminated: CalendarDate },
}

/// The validity window of a record: from the added date to the termination date, both
/// inclusive (the layout calls TERM_DT the "last date" a code may be used).
fn status_of(record: &CodeRecord, date: CalendarDate) -> CodeStatus {
    match (record.added, record.terminated) {
        (Some(added), _) if date < added => CodeStatus::NotYetValid { added },
        (_, Some(terminated)) if date > terminated => CodeStatus::Discontinued { terminated },
        _ => CodeStatus::Valid,
    }
}

/// A procedure, supply or drug code (J0585, Q5101 …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HcpcsCode {
    pub record: CodeRecord,
    billing_unit: Result<BillingUnit, NoUnit>,
    /// Decided once when the table loads: rules ask on every service line.
    drug: bool,
    noc: bool,
}

impl HcpcsCode {
    fn new(record: CodeRecord) -> Self {
        let billing_unit = billing_unit::read_descriptor(&record.long_description);
        let drug = record.pricing.iter().any(|p| p == "51")
            || matches!(record.betos.as_deref(), Some("O1D" | "O1E" | "O1G" | "D1G"));
        let noc = is_noc_descriptor(&record.long_description, billing_unit.is_ok());
        Self { record, billing_unit, drug, noc }
    }

    pub fn code(&self) -> &str {
        &self.record.code
    }

    pub fn description(&self) -> &str {
        &self.record.long_description
    }

    pub fn status_on(&self, date: CalendarDate) -> CodeStatus {
        status_of(&self.record, date)
    }

    /// A drug or biological, decided from the CMS fields rather than the letter: pricing
    /// indicator 51 (drugs), or a drug BETOS class (O1D chemotherapy, O1E other drugs,
    /// O1G immunizations, D1G drugs administered through DME). Codes without those
    /// (J7296 contraceptive system, pricing 00, BETOS P6C) are not drugs for our rules.
    pub fn is_drug(&self) -> bool {
        self.drug
    }

    /// Not otherwise classified, as the descriptor says: "unclassified", "not otherwise
    /// classified" or the word "NOC" (J3490, J3590, J9999, J7999 …), and "not otherwise
    /// specified" or "NOS" when the descriptor states no unit (J8999, J8597, Q4100).
    /// "Not otherwise specified" codes with a unit (J2312, 0.1 mg) name their drug.
    pub fn is_noc(&self) -> bool {
        self.noc
    }

    /// The unit one billed unit stands for, read from the descriptor.
    pub fn billing_unit(&self) -> Option<&BillingUnit> {
        self.billing_unit.as_ref().ok()
    }

    /// Why the descriptor gives no billing unit; `None` when it gives one.
    pub fn no_unit_reason(&self) -> Option<NoUnit> {
        self.billing_unit.as_ref().err().copied()
    }
}

fn is_noc_descriptor(descriptor: &str, has_unit: bool) -> bool {
    let description = descriptor.to_ascii_lowercase();
    let mut words = description.split(|c: char| !c.is_ascii_alphanumeric());
    let classified = description.contains("not otherwise classified")
        || description.contains("unclassified")
        || words.clone().any(|word| word == "noc");
    let specified = description.contains("not otherwise specified") || words.any(|word| word == "nos");
    classified || (specified && !has_unit)
}

/// A Level II modifier (JW, JZ, TB, XE …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HcpcsModifier {
    pub record: CodeRecord,
}

impl HcpcsModifier {
    pub fn code(&self) -> &str {
        &self.record.code
    }

    pub fn description(&self) -> &str {
        &self.record.long_description
    }

    pub fn status_on(&self, date: CalendarDate) -> CodeStatus {
        status_of(&self.record, date)
    }
}

/// The quarter a HCPCS table was released for. CMS publishes the file quarterly
/// (January, April, July, October); codes added later are not in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    pub year: u16,
    /// 1, 4, 7 or 10.
    pub first_month: u8,
}

impl Release {
    /// The quarter a date falls in.
    pub fn of(date: CalendarDate) -> Self {
        Self { year: date.year, first_month: (date.month.saturating_sub(1) / 3) * 3 + 1 }
    }

    /// Whether a date of service falls before the end of the release quarter: later
    /// dates may use codes CMS added after this release.
    pub fn covers(self, date: CalendarDate) -> bool {
        let next = if self.first_month >= 10 {
            (self.year.saturating_add(1), 1)
        } else {
            (self.year, self.first_month.saturating_add(3))
        };
        (date.year, date.month) < next
    }

    /// "January 2026".
    pub fn name(self) -> String {
        let month = match self.first_month {
            1 => "January",
            4 => "April",
            7 => "July",
            _ => "October",
        };
        format!("{month} {}", self.year)
    }

    /// The last day of the quarter, "2026-03-31".
    pub fn last_day(self) -> String {
        let (month, day) = match self.first_month {
            1 => (3, 31),
            4 => (6, 30),
            7 => (9, 30),
            _ => (12, 31),
        };
        format!("{:04}-{month:02}-{day:02}", self.year)
    }
}

/// Every code and modifier of one ANWEB file, with successors.
///
/// Loading indexes the file's lines by code; a record is parsed, and its billing unit
/// read, the first time it is asked for, and kept. A check of a small file asks for a
/// handful of the 2,202 built-in records, and parsing them all took most of its run.
#[derive(Clone, Debug, Default)]
pub struct CodeTable {
    text: Cow<'static, str>,
    /// Procedure codes in file order (a code repeated in the file keeps its first place
    /// and its last record), for listings such as completion and the billing-unit snapshot.
    procedures: Vec<Entry<HcpcsCode>>,
    procedure_index: HashMap<[u8; 5], usize>,
    modifiers: Vec<Entry<HcpcsModifier>>,
    modifier_index: HashMap<[u8; 2], usize>,
    /// The first characters of the procedure codes, one bit per ASCII character.
    procedure_letters: u128,
    source: String,
    release: Option<Release>,
}

/// One record's lines in the table's text, parsed on first use.
#[derive(Clone, Debug)]
struct Entry<T> {
    lines: Range<usize>,
    parsed: OnceLock<Option<Box<T>>>,
    successor: OnceLock<Option<Box<Successor>>>,
}

impl<T> Entry<T> {
    fn new(lines: Range<usize>) -> Self {
        Self { lines, parsed: OnceLock::new(), successor: OnceLock::new() }
    }
}

impl CodeTable {
    /// Loads a user's ANWEB file (as CMS publishes it, CRLF or LF). The whole file is
    /// checked here, so that a malformed line is reported when the file loads.
    pub fn from_anweb(text: &str) -> Result<Self, AnwebError> {
        let records = anweb::parse(text)?;
        // A user's file says its release only through its dates: the latest date a code
        // was added or an action took effect is in the release quarter.
        let latest = records.iter().flat_map(|record| [record.added, record.action_effective]).flatten().max();
        Ok(Self::index(Cow::Owned(text.to_string()), "file", latest.map(Release::of)))
    }

    fn index(text: Cow<'static, str>, source: &str, release: Option<Release>) -> Self {
        let records = anweb::record_lines(&text);
        let mut table = Self {
            source: source.to_string(),
            release,
            procedures: Vec::with_capacity(records.len()),
            procedure_index: HashMap::with_capacity_and_hasher(records.len(), Default::default()),
            ..Self::default()
        };
        for record in records {
            let code = record.code.as_bytes();
            match record.kind {
                RecordKind::Procedure => {
                    let Ok(key) = <[u8; 5]>::try_from(code) else { continue };
                    let entry = Entry::new(record.lines);
                    match table.procedure_index.get(&key).and_then(|&at| table.procedures.get_mut(at)) {
                        Some(earlier) => *earlier = entry,
                        None => {
                            table.procedure_index.insert(key, table.procedures.len());
                            table.procedures.push(entry);
                            table.procedure_letters |= 1u128.checked_shl(u32::from(key[0])).unwrap_or(0);
                        }
                    }
                }
                RecordKind::Modifier => {
                    let Ok(key) = <[u8; 2]>::try_from(code) else { continue };
                    let entry = Entry::new(record.lines);
                    match table.modifier_index.get(&key).and_then(|&at| table.modifiers.get_mut(at)) {
                        Some(earlier) => *earlier = entry,
                        None => {
                            table.modifier_index.insert(key, table.modifiers.len());
                            table.modifiers.push(entry);
                        }
                    }
                }
            }
        }
        table.text = text;
        table
    }

    /// The record on some lines of the text; `None` when they do not parse (only
    /// possible in the built-in data, which tests parse whole).
    fn record(&self, lines: &Range<usize>, kind: RecordKind) -> Option<CodeRecord> {
        let mut records = anweb::parse(self.text.get(lines.clone())?).ok()?;
        let record = records.pop().filter(|record| record.kind == kind)?;
        records.is_empty().then_some(record)
    }

    fn procedure_entry(&self, code: &str) -> Option<&Entry<HcpcsCode>> {
        let key = <[u8; 5]>::try_from(code.trim().as_bytes()).ok()?;
        self.procedures.get(*self.procedure_index.get(&key)?)
    }

    fn modifier_entry(&self, code: &str) -> Option<&Entry<HcpcsModifier>> {
        let key = <[u8; 2]>::try_from(code.trim().as_bytes()).ok()?;
        self.modifiers.get(*self.modifier_index.get(&key)?)
    }

    fn parsed_procedure<'t>(&self, entry: &'t Entry<HcpcsCode>) -> Option<&'t HcpcsCode> {
        let parse = || self.record(&entry.lines, RecordKind::Procedure).map(|record| Box::new(HcpcsCode::new(record)));
        entry.parsed.get_or_init(parse).as_deref()
    }

    fn parsed_modifier<'t>(&self, entry: &'t Entry<HcpcsModifier>) -> Option<&'t HcpcsModifier> {
        let parse = || self.record(&entry.lines, RecordKind::Modifier).map(|record| Box::new(HcpcsModifier { record }));
        entry.parsed.get_or_init(parse).as_deref()
    }

    /// The successor of a code in this table: its last row in `data/successors.tsv`, else
    /// the first cross-reference of its record when the record is terminated.
    fn find_successor(&self, old: &str) -> Option<Box<Successor>> {
        let (new, source) = match successor::builtin_rows().filter(|(row_old, _, _)| *row_old == old).last() {
            Some((_, new, source)) => (new.to_string(), source.to_string()),
            None => {
                let record = match self.procedure(old) {
                    Some(code) => &code.record,
                    None => &self.modifier(old)?.record,
                };
                record.terminated?;
                (record.cross_references.first()?.clone(), format!("CMS cross-reference field of {}", record.code))
            }
        };
        let units = (self.billing_unit_of(old), self.billing_unit_of(&new));
        Some(Box::new(Successor::new(old, &new, &source, units)))
    }

    fn billing_unit_of(&self, code: &str) -> Option<&BillingUnit> {
        self.procedure(code)?.billing_unit()
    }

    pub fn procedure(&self, code: &str) -> Option<&HcpcsCode> {
        self.parsed_procedure(self.procedure_entry(code)?)
    }

    pub fn modifier(&self, code: &str) -> Option<&HcpcsModifier> {
        self.parsed_modifier(self.modifier_entry(code)?)
    }

    pub fn successor(&self, code: &str) -> Option<&Successor> {
        let code = code.trim();
        let cell = match self.procedure_entry(code) {
            Some(entry) => &entry.successor,
            None => &self.modifier_entry(code)?.successor,
        };
        cell.get_or_init(|| self.find_successor(code)).as_deref()
    }

    /// Whether some procedure code in the table starts with this character (J, Q …),
    /// without reading a record.
    pub fn has_procedures_starting_with(&self, letter: char) -> bool {
        u32::from(letter) < 128 && self.procedure_letters & (1u128 << u32::from(letter)) != 0
    }

    /// Procedure codes in file order. Reads every record: for listings, not for checks.
    pub fn procedures(&self) -> impl Iterator<Item = &HcpcsCode> {
        self.procedures.iter().filter_map(|entry| self.parsed_procedure(entry))
    }

    /// Level II modifiers, in file order.
    pub fn modifiers(&self) -> impl Iterator<Item = &HcpcsModifier> {
        self.modifiers.iter().filter_map(|entry| self.parsed_modifier(entry))
    }

    /// Every successor: of procedure codes in file order, then of modifiers.
    pub fn successors(&self) -> impl Iterator<Item = &Successor> {
        let procedures = self.procedures().map(HcpcsCode::code);
        procedures.chain(self.modifiers().map(HcpcsModifier::code)).filter_map(|code| self.successor(code))
    }

    /// Number of procedure codes plus modifiers.
    pub fn len(&self) -> usize {
        self.procedures.len() + self.modifiers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn procedure_count(&self) -> usize {
        self.procedures.len()
    }

    pub fn modifier_count(&self) -> usize {
        self.modifiers.len()
    }

    /// "CMS HCPCS 2026 January (built in)" or "file".
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The quarter the table was released for (the built-in one: January 2026).
    pub fn release(&self) -> Option<Release> {
        self.release
    }
}

/// The compiled-in CMS table, indexed on first use (a fraction of a millisecond; records
/// are parsed as they are asked for). The data is checked by tests; a record that ever
/// failed to parse would be missing from the table rather than crash the server.
pub fn builtin() -> &'static CodeTable {
    static TABLE: OnceLock<CodeTable> = OnceLock::new();
    TABLE.get_or_init(|| CodeTable::index(Cow::Borrowed(BUILTIN_TEXT), BUILTIN_SOURCE, Some(BUILTIN_RELEASE)))
}

/// The format of a code, claiming nothing about whether it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeShape {
    /// A letter and four digits (J2700).
    LevelII,
    /// Five digits, or four digits and F, M, T or U (CPT category II, MAAA, category III, PLA).
    Cpt,
    Invalid,
}

pub fn shape(code: &str) -> CodeShape {
    let bytes = code.as_bytes();
    match bytes {
        [first, rest @ ..] if rest.len() == 4 && first.is_ascii_uppercase() && rest.iter().all(u8::is_ascii_digit) => {
            CodeShape::LevelII
        }
        [digits @ .., last] if digits.len() == 4 && digits.iter().all(u8::is_ascii_digit) => {
            if last.is_ascii_digit() || matches!(last, b'F' | b'M' | b'T' | b'U') {
                CodeShape::Cpt
            } else {
                CodeShape::Invalid
            }
        }
        _ => CodeShape::Invalid,
    }
}

/// A Level I (CPT) modifier with a short description in our own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CptModifier {
    pub code: String,
    pub description: String,
}

pub fn cpt_modifier(code: &str) -> Option<&'static CptModifier> {
    cpt_modifiers().iter().find(|modifier| modifier.code == code.trim())
}

/// Every Level I modifier we describe, in file order.
pub fn cpt_modifiers() -> &'static [CptModifier] {
    static MODIFIERS: OnceLock<Vec<CptModifier>> = OnceLock::new();
    MODIFIERS.get_or_init(|| {
        include_str!("../../data/cpt-modifiers.tsv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .skip(1)
            .filter_map(|line| {
                let (code, description) = line.split_once('\t')?;
                Some(CptModifier { code: code.trim().to_string(), description: description.trim().to_string() })
            })
            .collect()
    })
}

/// Billing notes for a code (`data/notes/<CODE>.md`): modifiers, documentation, denials,
/// payer considerations, look-alike codes.
pub fn billing_notes(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "J1170" => include_str!("../../data/notes/J1170.md"),
        "J1171" => include_str!("../../data/notes/J1171.md"),
        "J2175" => include_str!("../../data/notes/J2175.md"),
        "J2270" => include_str!("../../data/notes/J2270.md"),
        "J2274" => include_str!("../../data/notes/J2274.md"),
        "J2310" => include_str!("../../data/notes/J2310.md"),
        "J2312" => include_str!("../../data/notes/J2312.md"),
        "J2410" => include_str!("../../data/notes/J2410.md"),
        "J2700" => include_str!("../../data/notes/J2700.md"),
        "J2765" => include_str!("../../data/notes/J2765.md"),
        "J3010" => include_str!("../../data/notes/J3010.md"),
        _ => return None,
    })
}

/// What a Level II modifier means on a drug line (`data/notes/modifier-<CODE>.md`).
pub fn modifier_notes(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "JW" => include_str!("../../data/notes/modifier-JW.md"),
        "JZ" => include_str!("../../data/notes/modifier-JZ.md"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
