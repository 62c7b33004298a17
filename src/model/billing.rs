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
///
/// Kept small (under 200 bytes): a batch or charge file has 100,000 of them, every rule
/// walks them all, and a check builds them afresh. Its places are held in 32-bit
/// offsets (a file's billing view is built only when its text is under 4 GiB, see
/// [`fits_billing_view`]) and read through the methods below, as [`Span`]s.
#[derive(Debug)]
pub struct BilledLine {
    /// Index of its claim in [`Billing::claims`].
    pub(super) claim: u32,
    /// The whole line (LX through its last segment, or the row).
    pub(super) extent: Place,
    /// LX01 as written, or (when `numbered_by_row`) the row's line number in `start`.
    pub(super) number: Place,
    pub(super) numbered_by_row: bool,
    /// Whether the code is a HCPCS/CPT code (837 qualifier `HC`; a charge file's codes).
    pub is_hcpcs: bool,
    /// A description (837 SV101-7 / SV202-7, a NOC drug's name) or a line note.
    pub described: bool,
    /// What the format calls each place of the line.
    pub names: &'static FieldNames,
    /// The procedure code as written, whatever its qualifier (empty: absent).
    pub(super) code: Place,
    pub(super) code_anchor: Place,
    pub(super) units: Place,
    pub(super) units_place: Place,
    pub(super) charge: Place,
    pub(super) place_of_service: Place,
    pub(super) prior_authorization: Place,
    pub(super) revenue_code: Place,
    pub(super) modifiers: BilledModifiers,
    /// The line's date of service, else its claim's.
    pub date_of_service: Option<CalendarDate>,
    pub drugs: SmallVec<[DrugQuantity; 1]>,
}

/// Whether a text is small enough for a billing view: the view keeps its places in
/// 32-bit offsets. (Claim files are refused above 2 GB unless the user raises the limit.)
pub fn fits_billing_view(text: &str) -> bool {
    u32::try_from(text.len()).is_ok()
}

/// [`fits_billing_view`], saying so in the log when the text does not: its drug lines
/// and modifiers go unchecked.
pub(super) fn too_large_checked(text: &str) -> bool {
    let fits = fits_billing_view(text);
    if !fits {
        tracing::warn!("the file is 4 GiB or more: its drug lines and modifiers are not checked");
    }
    fits
}

/// A span of the text in 32-bit offsets, as billed lines keep them. For a value the
/// line may lack, an empty place means absent: the billing views never hold an empty
/// value (they read absent, empty and blank alike).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Place {
    start: u32,
    end: u32,
}

impl Place {
    /// The place of `span`; only built for texts that [`fits_billing_view`], where every
    /// offset fits (a larger one would be clamped, never wrapped).
    pub(super) fn of(span: Span) -> Place {
        let offset = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Place { start: offset(span.start), end: offset(span.end) }
    }

    /// An optional value: absent (and empty) values are the empty place.
    pub(super) fn of_value(span: Option<Span>) -> Place {
        span.filter(|span| !span.is_empty()).map_or(Place::default(), Place::of)
    }

    /// A row's line number, kept in `start`.
    pub(super) fn of_number(number: usize) -> Place {
        let number = u32::try_from(number).unwrap_or(u32::MAX);
        Place { start: number, end: number }
    }

    pub(super) fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    /// The value's span, `None` when absent.
    pub(super) fn value(self) -> Option<Span> {
        (self.start < self.end).then(|| self.span())
    }
}

/// A line's (at most four) non-empty modifiers, in order, with their places.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BilledModifiers {
    spans: [Place; 4],
    places: [u8; 4],
    len: u8,
}

impl BilledModifiers {
    /// Adds a modifier; a fifth is dropped (neither format has a place for it).
    pub(super) fn push(&mut self, modifier: Modifier) {
        let index = usize::from(self.len);
        if let (Some(span), Some(place)) = (self.spans.get_mut(index), self.places.get_mut(index)) {
            *span = Place::of(modifier.span);
            *place = modifier.place;
            self.len += 1;
        }
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = Modifier> + '_ {
        self.spans
            .iter()
            .zip(&self.places)
            .take(self.len())
            .map(|(span, place)| Modifier { span: span.span(), place: *place })
    }
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
    pub(super) ndc: Place,
    pub(super) quantity: Place,
    /// Its unit: 1 + its index in [`UNIT_CODES`], 0 when unknown.
    pub(super) unit: u8,
    /// How the format writes the NDC, which decides what is a well-formed one.
    pub ndc_form: NdcForm,
}

/// The X12 unit codes (CTP05-1) the rules read.
pub(super) const UNIT_CODES: [&str; 5] = ["ME", "GR", "ML", "UN", "F2"];

impl DrugQuantity {
    pub(super) fn new(ndc: Option<Span>, quantity: Option<Span>, unit: Option<&str>, ndc_form: NdcForm) -> Self {
        let unit =
            unit.and_then(|unit| UNIT_CODES.iter().position(|code| *code == unit)).map_or(0, |index| index as u8 + 1);
        Self { ndc: Place::of_value(ndc), quantity: Place::of_value(quantity), unit, ndc_form }
    }

    /// The NDC as written (absent when empty).
    pub fn ndc(&self) -> Option<Span> {
        self.ndc.value()
    }

    /// The amount (CTP04 / NDC quantity), absent when empty.
    pub fn quantity(&self) -> Option<Span> {
        self.quantity.value()
    }

    /// Its unit as an X12 code (`ME`, `GR`, `ML`, `UN`, `F2`), when known.
    pub fn unit(&self) -> Option<&'static str> {
        UNIT_CODES.get(usize::from(self.unit.checked_sub(1)?)).copied()
    }
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
            self.lines.partition_point(|line| (line.extent.end as usize) < offset)
        } else {
            let extent = |i: &usize| self.lines.get(*i).map_or(Span::default(), BilledLine::extent);
            *self.by_position.get(self.by_position.partition_point(|i| extent(i).end < offset))?
        };
        let line = self.lines.get(index)?;
        line.extent().touches(offset).then_some((index, line))
    }

    /// The lines of one claim.
    pub fn claim_lines(&self, claim: &BilledClaim) -> &[BilledLine] {
        self.lines.get(claim.lines.clone()).unwrap_or(&[])
    }

    pub fn claim_of(&self, line: &BilledLine) -> Option<&BilledClaim> {
        self.claims.get(line.claim())
    }
}

impl BilledLine {
    /// Index of its claim in [`Billing::claims`].
    pub fn claim(&self) -> usize {
        self.claim as usize
    }

    /// The whole line (LX through its last segment, or the row).
    pub fn extent(&self) -> Span {
        self.extent.span()
    }

    /// How messages number it: LX01 as written, or the row's line number.
    pub fn number(&self) -> LineNumber {
        if self.numbered_by_row {
            LineNumber::Row(self.number.start as usize)
        } else {
            LineNumber::Assigned(self.number.span())
        }
    }

    /// The procedure code as written, whatever its qualifier.
    pub fn code(&self) -> Option<Span> {
        self.code.value()
    }

    /// Where a finding about the line as a whole points: its code, else the nearest place.
    pub fn code_anchor(&self) -> Span {
        self.code_anchor.span()
    }

    /// The non-empty modifiers, in order.
    pub fn modifiers(&self) -> &BilledModifiers {
        &self.modifiers
    }

    /// The unit count as written (absent when empty).
    pub fn units(&self) -> Option<Span> {
        self.units.value()
    }

    /// Where a finding about the units points: the count, else the nearest place; empty
    /// when the file has no place for units at all (a charge file without the column).
    pub fn units_place(&self) -> Span {
        self.units_place.span()
    }

    pub fn charge(&self) -> Option<Span> {
        self.charge.value()
    }

    /// The line's own place of service (837P SV105; a charge file's column).
    pub fn place_of_service(&self) -> Option<Span> {
        self.place_of_service.value()
    }

    /// A line-level prior authorization number.
    pub fn prior_authorization(&self) -> Option<Span> {
        self.prior_authorization.value()
    }

    pub fn revenue_code(&self) -> Option<Span> {
        self.revenue_code.value()
    }

    /// "service line 2" / "row 7", for messages.
    pub fn label(&self, source: &str, terms: &Terms) -> String {
        match self.number() {
            LineNumber::Assigned(span) => format!("{} {}", terms.line, span.text(source)),
            LineNumber::Row(row) => format!("{} {row}", terms.line),
        }
    }

    /// The number alone: LX01 as written, or the row's line.
    pub fn number_text(&self, source: &str) -> String {
        match self.number() {
            LineNumber::Assigned(span) => span.text(source).to_string(),
            LineNumber::Row(row) => row.to_string(),
        }
    }

    /// The code as written; empty when absent.
    pub fn code_text<'t>(&self, source: &'t str) -> &'t str {
        self.code.span().text(source)
    }

    /// Where a finding about the unit count lands, with its name (`SV104`, the units column).
    pub fn units_field(&self) -> Field {
        Field { span: self.units_place(), name: self.names.units }
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
        self.drugs.iter().any(|drug| !drug.ndc.span().text(source).trim().is_empty())
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

    /// Every rule walks every line, and a check builds them all afresh: at 440 bytes the
    /// lines of a 100,000-row charge file were 44 MB, more than glibc keeps for reuse.
    #[test]
    fn a_billed_line_stays_small() {
        assert!(std::mem::size_of::<BilledLine>() <= 192, "{}", std::mem::size_of::<BilledLine>());
    }

    #[test]
    fn absent_values_and_a_fifth_modifier_are_kept_as_before() {
        assert_eq!(Place::of_value(None).value(), None);
        assert_eq!(Place::of_value(Some(Span::new(4, 4))).value(), None, "an empty value reads as absent");
        assert_eq!(Place::of_value(Some(Span::new(4, 9))).value(), Some(Span::new(4, 9)));
        let mut modifiers = BilledModifiers::default();
        for place in 0..5u8 {
            modifiers.push(Modifier { span: Span::new(usize::from(place) * 3, usize::from(place) * 3 + 2), place });
        }
        assert_eq!(modifiers.len(), 4);
        assert_eq!(
            modifiers.iter().map(|m| (m.span.start, m.place)).collect::<Vec<_>>(),
            [(0, 0), (3, 1), (6, 2), (9, 3)]
        );
        let drug = DrugQuantity::new(None, Some(Span::new(1, 3)), Some("ML"), NdcForm::Normalizable);
        assert_eq!((drug.ndc(), drug.quantity(), drug.unit()), (None, Some(Span::new(1, 3)), Some("ML")));
        assert_eq!(DrugQuantity::new(None, None, Some("XX"), NdcForm::Other).unit(), None);
    }

    #[test]
    fn column_names_read_as_columns_and_elements_as_positions() {
        let element = FieldName::Element(ElementPosition { segment: "SV1", element: 4, component: None });
        assert_eq!(element.to_string(), "SV104");
        assert_eq!(FieldName::Column("units").to_string(), "the units column");
    }
}
