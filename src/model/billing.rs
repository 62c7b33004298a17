//! The format-neutral view every drug-line and modifier rule reads: claims and their
//! billed lines — code, modifiers, units, charge, date of service, NDC quantities, payer
//! — each value with its byte span and the name the file's format gives it.
//!
//! The 837 model (`from_x12`) and the charge-file reader (`from_charges`) each build one.
//! A rule reads values through these spans and never learns which format it reads;
//! what it tells the user about a place in the file comes from the field names and the
//! format's [`Terms`].

use std::ops::Range;

use smallvec::SmallVec;

use super::ElementPosition;
use crate::calendar::CalendarDate;
use crate::syntax::Span;

/// Every claim and billed line of one file, in file order.
#[derive(Debug, Default)]
pub struct Billing {
    pub claims: Vec<BilledClaim>,
    /// All lines; each claim owns a range of them.
    pub lines: Vec<BilledLine>,
    /// How the format names its places in messages.
    pub terms: Terms,
    /// Line indices by position in the file, when `lines` is not in that order (a
    /// charge file's claims need not be contiguous rows); empty when it is.
    by_position: Vec<usize>,
}

/// A value in the file: where it is and what the format calls that place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub span: Span,
    pub name: FieldName,
}

impl Field {
    pub fn text<'t>(&self, source: &'t str) -> &'t str {
        self.span.text(source)
    }
}

/// What a format calls each place of a billed line. One static table per kind of line
/// (837P SV1, 837I SV2, charge-file row): lines point at theirs, so a batch of lines
/// stays small.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldNames {
    pub code: FieldName,
    /// By modifier place (SV101-3 … SV101-6; modifier 1 … 4).
    pub modifiers: [FieldName; 4],
    pub units: FieldName,
    pub charge: FieldName,
    pub description: FieldName,
    pub ndc: FieldName,
    pub ndc_quantity: FieldName,
    pub revenue_code: FieldName,
}

/// The name of a place for messages: an X12 element (`SV104`) or a charge-file column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldName {
    Element(ElementPosition),
    /// The column's field name (`units`, `modifier 2`).
    Column(&'static str),
}

impl std::fmt::Display for FieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldName::Element(position) => position.fmt(f),
            FieldName::Column(name) => write!(f, "the {name} column"),
        }
    }
}

/// The words a format uses for its places, so that one message reads right in both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    /// What one billed line is called: "service line" (837) or "row" (charge file).
    pub line: &'static str,
    /// Where an NDC and its quantity go, after "has no": "2410 loop" / "NDC".
    pub ndc_place: &'static str,
    /// How to add them.
    pub ndc_remedy: &'static str,
    /// Where the NDC is written, after "its NDC": "in a 2410 LIN/CTP loop".
    pub ndc_in: &'static str,
    /// Where the NDC quantity is: "CTP04" / "the NDC quantity column".
    pub ndc_quantity: &'static str,
    /// Where a prior authorization number goes: "REF*G1" / "a prior authorization".
    pub prior_auth_place: &'static str,
    pub prior_auth_remedy: &'static str,
    /// Where a NOC drug's name goes, besides the line's description element.
    pub description_elsewhere: &'static str,
    /// Where the payer class is written: "SBR09" / "payer class".
    pub payer_class: &'static str,
}

impl Default for Terms {
    fn default() -> Self {
        X12_TERMS
    }
}

pub const X12_TERMS: Terms = Terms {
    line: "service line",
    ndc_place: "2410 loop",
    ndc_remedy: "add LIN**N4*<11-digit NDC> and CTP****<quantity>*<unit>",
    ndc_in: "in a 2410 LIN/CTP loop",
    ndc_quantity: "CTP04",
    prior_auth_place: "REF*G1",
    prior_auth_remedy: "add REF*G1*<authorization number>",
    description_elsewhere: " or a line NTE",
    payer_class: "SBR09",
};

pub const CHARGE_TERMS: Terms = Terms {
    line: "row",
    ndc_place: "NDC",
    ndc_remedy: "fill in the NDC (11 digits), the NDC quantity and the NDC unit",
    ndc_in: "in the NDC column",
    ndc_quantity: "the NDC quantity column",
    prior_auth_place: "a prior authorization number",
    prior_auth_remedy: "fill in the prior authorization column",
    description_elsewhere: "",
    payer_class: "payer class",
};

/// One claim: an 837 CLM, or the charge-file rows that share a claim value.
#[derive(Debug)]
pub struct BilledClaim {
    /// Its place in [`Billing::claims`].
    pub index: usize,
    /// CLM01 or the claim column.
    pub id: Option<Span>,
    /// SBR09 claim filing indicator or the payer class column (`MB`, `MC`, `CI` …).
    pub payer_class: Option<Span>,
    /// 2010BB NM109 or the payer id column.
    pub payer_id: Option<Span>,
    /// Professional place of service for the claim (837P CLM05-1).
    pub place_of_service: Option<Span>,
    /// Institutional type of bill, facility part (837I CLM05-1: `13`, `77` …).
    pub type_of_bill: Option<Span>,
    /// A claim-level prior authorization number (REF*G1 02).
    pub prior_authorization: Option<Span>,
    /// Where a finding about the claim as a whole points (CLM, or its first row).
    pub anchor: Span,
    /// Its lines in [`Billing::lines`].
    pub lines: Range<usize>,
}

/// One billed line: an 837 service line with SV1/SV2, or one charge-file row.
#[derive(Debug)]
pub struct BilledLine {
    /// Index of its claim in [`Billing::claims`].
    pub claim: usize,
    /// The whole line (LX through its last segment, or the row).
    pub extent: Span,
    /// How messages number it: LX01 as written, or the row's line number.
    pub number: LineNumber,
    /// What the format calls each place of the line.
    pub names: &'static FieldNames,
    /// The procedure code as written, whatever its qualifier.
    pub code: Option<Span>,
    /// Whether the code is a HCPCS/CPT code (837 qualifier `HC`; a charge file's codes).
    pub is_hcpcs: bool,
    /// Where a finding about the line as a whole points: its code, else the nearest place.
    pub code_anchor: Span,
    /// The non-empty modifiers, in order.
    pub modifiers: SmallVec<[Modifier; 4]>,
    /// The unit count as written (absent when empty).
    pub units: Option<Span>,
    /// Where a finding about the units points: the count, else the nearest place; empty
    /// when the file has no place for units at all (a charge file without the column).
    pub units_place: Span,
    pub charge: Option<Span>,
    /// The line's date of service, else its claim's.
    pub date_of_service: Option<CalendarDate>,
    pub drugs: SmallVec<[DrugQuantity; 1]>,
    /// A description (837 SV101-7 / SV202-7, a NOC drug's name) or a line note.
    pub described: bool,
    /// The line's own place of service (837P SV105; a charge file's column).
    pub place_of_service: Option<Span>,
    /// A line-level prior authorization number.
    pub prior_authorization: Option<Span>,
    pub revenue_code: Option<Span>,
}

/// One modifier as written and which of the line's modifier places holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modifier {
    pub span: Span,
    /// 0 … 3: SV101-3 … SV101-6, or modifier 1 … 4.
    pub place: u8,
}

/// How messages name a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineNumber {
    /// LX01 as written (may be empty or wrong: lx-sequence's business).
    Assigned(Span),
    /// The 1-based line of the file the row starts on.
    Row(usize),
}

/// One NDC with the quantity given (837 2410 LIN/CTP; a charge file's NDC columns).
#[derive(Debug)]
pub struct DrugQuantity {
    /// The NDC as written (absent when empty).
    pub ndc: Option<Span>,
    /// The amount (CTP04 / NDC quantity), absent when empty.
    pub quantity: Option<Span>,
    /// Its unit as an X12 code (`ME`, `GR`, `ML`, `UN`, `F2`), when known.
    pub unit: Option<&'static str>,
    /// How the format writes the NDC, which decides what is a well-formed one.
    pub ndc_form: NdcForm,
}

/// How a format writes an NDC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NdcForm {
    /// 837 LIN03 with LIN02 `N4`: 11 digits, no hyphens (5-4-2).
    ElevenDigits,
    /// A charge file: 11 digits, or hyphenated in any of the NDC's 10- or 11-digit
    /// layouts (4-4-2, 5-3-2, 5-4-1, 5-4-2) — what `csv::normalize_ndc` reads.
    Normalizable,
    /// An 837 LIN with another qualifier (UPC, HIBC …): not an NDC.
    Other,
}

/// The X12 unit codes of CTP05-1 that the rules read, from a code or a charge file's
/// word for it (`mg`, `ml`, `unit`, `iu`).
pub fn unit_code(text: &str) -> Option<&'static str> {
    let text = text.trim();
    let known: [(&'static str, &[&str]); 5] = [
        ("ME", &["me", "mg", "milligram", "milligrams"]),
        ("GR", &["gr", "g", "gram", "grams"]),
        ("ML", &["ml", "milliliter", "milliliters", "millilitre", "cc"]),
        ("UN", &["un", "unit", "units", "each", "ea"]),
        ("F2", &["f2", "iu", "international unit", "international units"]),
    ];
    known.iter().find(|(_, words)| words.iter().any(|word| word.eq_ignore_ascii_case(text))).map(|(code, _)| *code)
}

impl Billing {
    pub fn new(claims: Vec<BilledClaim>, lines: Vec<BilledLine>, terms: Terms) -> Self {
        // An 837's lines are in file order already: only a charge file whose claims
        // interleave needs the index.
        let in_order = lines.windows(2).all(|pair| pair[0].extent.start <= pair[1].extent.start);
        let by_position = if in_order {
            Vec::new()
        } else {
            let mut by_position: Vec<usize> = (0..lines.len()).collect();
            by_position.sort_by_key(|i| lines.get(*i).map(|line| line.extent.start));
            by_position
        };
        Self { claims, lines, terms, by_position }
    }

    /// The line whose extent holds byte `offset`, with its index.
    pub fn line_at(&self, offset: usize) -> Option<(usize, &BilledLine)> {
        let index = if self.by_position.is_empty() {
            self.lines.partition_point(|line| line.extent.end < offset)
        } else {
            let extent = |i: &usize| self.lines.get(*i).map_or(Span::default(), |line| line.extent);
            *self.by_position.get(self.by_position.partition_point(|i| extent(i).end < offset))?
        };
        let line = self.lines.get(index)?;
        (line.extent.start <= offset && offset <= line.extent.end).then_some((index, line))
    }

    /// The lines of one claim.
    pub fn claim_lines(&self, claim: &BilledClaim) -> &[BilledLine] {
        self.lines.get(claim.lines.clone()).unwrap_or(&[])
    }

    pub fn claim_of(&self, line: &BilledLine) -> Option<&BilledClaim> {
        self.claims.get(line.claim)
    }
}

impl BilledLine {
    /// "service line 2" / "row 7", for messages.
    pub fn label(&self, source: &str, terms: &Terms) -> String {
        match self.number {
            LineNumber::Assigned(span) => format!("{} {}", terms.line, span.text(source)),
            LineNumber::Row(row) => format!("{} {row}", terms.line),
        }
    }

    /// The number alone: LX01 as written, or the row's line.
    pub fn number_text(&self, source: &str) -> String {
        match self.number {
            LineNumber::Assigned(span) => span.text(source).to_string(),
            LineNumber::Row(row) => row.to_string(),
        }
    }

    /// The code as written; empty when absent.
    pub fn code_text<'t>(&self, source: &'t str) -> &'t str {
        self.code.map_or("", |code| code.text(source))
    }

    /// Where a finding about the unit count lands, with its name (`SV104`, the units column).
    pub fn units_field(&self) -> Field {
        Field { span: self.units_place, name: self.names.units }
    }

    /// A modifier with its name (`SV101-3`, the modifier 1 column).
    pub fn modifier_field(&self, modifier: &Modifier) -> Field {
        let name = self.names.modifiers.get(usize::from(modifier.place)).copied().unwrap_or(self.names.code);
        Field { span: modifier.span, name }
    }

    /// Where the first modifier written as `modifier` is.
    pub fn modifier(&self, source: &str, modifier: &str) -> Option<Span> {
        self.modifiers.iter().map(|m| m.span).find(|span| span.text(source) == modifier)
    }

    pub fn has_modifier(&self, source: &str, modifier: &str) -> bool {
        self.modifier(source, modifier).is_some()
    }

    /// Whether any NDC is given.
    pub fn has_ndc(&self, source: &str) -> bool {
        self.drugs.iter().any(|drug| drug.ndc.is_some_and(|ndc| !ndc.text(source).trim().is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_words_map_to_x12_codes() {
        assert_eq!(unit_code("mg"), Some("ME"));
        assert_eq!(unit_code("ME"), Some("ME"));
        assert_eq!(unit_code(" ml "), Some("ML"));
        assert_eq!(unit_code("IU"), Some("F2"));
        assert_eq!(unit_code("Unit"), Some("UN"));
        assert_eq!(unit_code("tablet"), None);
    }

    #[test]
    fn column_names_read_as_columns_and_elements_as_positions() {
        let element = FieldName::Element(ElementPosition { segment: "SV1", element: 4, component: None });
        assert_eq!(element.to_string(), "SV104");
        assert_eq!(FieldName::Column("units").to_string(), "the units column");
    }
}
