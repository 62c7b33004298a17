//! HCPCS Level II code knowledge (CMS HCPCS 2026 January, compiled in from `data/`), and
//! the few things we may say about Level I (CPT) codes without AMA text.

pub mod anweb;
pub mod billing_unit;
pub mod successor;

use rustc_hash::FxHashMap as HashMap;
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
const BUILTIN_FILES: [&str; 3] = [
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_modifiers.txt"),
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_J.txt"),
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_Q.txt"),
];

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
#[derive(Clone, Debug, Default)]
pub struct CodeTable {
    procedures: HashMap<String, HcpcsCode>,
    /// Procedure codes in file order, for listings such as the billing-unit snapshot.
    order: Vec<String>,
    modifiers: HashMap<String, HcpcsModifier>,
    successors: HashMap<String, Successor>,
    source: String,
    release: Option<Release>,
}

impl CodeTable {
    /// Loads a user's ANWEB file (as CMS publishes it, CRLF or LF).
    pub fn from_anweb(text: &str) -> Result<Self, AnwebError> {
        Ok(Self::from_records(anweb::parse(text)?, "file"))
    }

    fn from_records(records: Vec<CodeRecord>, source: &str) -> Self {
        // A user's file says its release only through its dates: the latest date a code
        // was added or an action took effect is in the release quarter.
        let latest = records.iter().flat_map(|record| [record.added, record.action_effective]).flatten().max();
        let mut table = Self { source: source.to_string(), release: latest.map(Release::of), ..Self::default() };
        for record in records {
            match record.kind {
                RecordKind::Procedure => {
                    if !table.procedures.contains_key(&record.code) {
                        table.order.push(record.code.clone());
                    }
                    table.procedures.insert(record.code.clone(), HcpcsCode::new(record));
                }
                RecordKind::Modifier => {
                    table.modifiers.insert(record.code.clone(), HcpcsModifier { record });
                }
            }
        }
        table.link_successors();
        table
    }

    /// Successors from `data/successors.tsv` whose old code is in this table, then the
    /// cross-reference field of any other terminated record.
    fn link_successors(&mut self) {
        let mut rows: Vec<(String, String, String)> = successor::builtin_rows()
            .filter(|(old, _, _)| self.procedures.contains_key(*old) || self.modifiers.contains_key(*old))
            .map(|(old, new, source)| (old.to_string(), new.to_string(), source.to_string()))
            .collect();
        let records = self.procedures.values().map(|c| &c.record).chain(self.modifiers.values().map(|m| &m.record));
        for record in records {
            if record.terminated.is_none() || rows.iter().any(|(old, _, _)| *old == record.code) {
                continue;
            }
            if let Some(new) = record.cross_references.first() {
                rows.push((record.code.clone(), new.clone(), format!("CMS cross-reference field of {}", record.code)));
            }
        }
        for (old, new, source) in rows {
            let units = (self.billing_unit_of(&old), self.billing_unit_of(&new));
            self.successors.insert(old.clone(), Successor::new(&old, &new, &source, units));
        }
    }

    fn billing_unit_of(&self, code: &str) -> Option<&BillingUnit> {
        self.procedures.get(code)?.billing_unit()
    }

    pub fn procedure(&self, code: &str) -> Option<&HcpcsCode> {
        self.procedures.get(code.trim())
    }

    pub fn modifier(&self, code: &str) -> Option<&HcpcsModifier> {
        self.modifiers.get(code.trim())
    }

    pub fn successor(&self, code: &str) -> Option<&Successor> {
        self.successors.get(code.trim())
    }

    /// Procedure codes in file order.
    pub fn procedures(&self) -> impl Iterator<Item = &HcpcsCode> {
        self.order.iter().filter_map(|code| self.procedures.get(code))
    }

    /// Level II modifiers, in no particular order.
    pub fn modifiers(&self) -> impl Iterator<Item = &HcpcsModifier> {
        self.modifiers.values()
    }

    pub fn successors(&self) -> impl Iterator<Item = &Successor> {
        self.successors.values()
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

/// The compiled-in CMS table, parsed on first use. The data is checked by tests; should it
/// ever fail to parse, the table is empty rather than the server crashing.
pub fn builtin() -> &'static CodeTable {
    static TABLE: OnceLock<CodeTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut records = Vec::new();
        for file in BUILTIN_FILES {
            match anweb::parse(file) {
                Ok(parsed) => records.extend(parsed),
                Err(_) => return CodeTable { source: BUILTIN_SOURCE.to_string(), ..CodeTable::default() },
            }
        }
        let mut table = CodeTable::from_records(records, BUILTIN_SOURCE);
        table.release = Some(BUILTIN_RELEASE);
        table
    })
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
