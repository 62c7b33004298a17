//! The outline of a claim file: interchange → group → transaction → billing provider →
//! subscriber / patient → claim → service lines, each with its byte range; and the
//! claims by CLM01, for a workspace-wide search.

use std::ops::Range;

use crate::model::{Claim, ClaimFile, LevelCode, ServiceLine, Transaction, TransactionKind};
use crate::syntax::{SegmentIndex, Span};

/// What an outline entry stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Interchange,
    FunctionalGroup,
    Transaction,
    BillingProvider,
    Subscriber,
    Patient,
    /// An HL level of another kind (HL03 not 20, 22 or 23).
    OtherLevel,
    Claim,
    ServiceLine,
}

/// One outline entry: `span` covers the whole loop, `selection` the segment that opens
/// it; children lie inside `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: String,
    pub kind: SymbolKind,
    pub span: Span,
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// A claim found by its patient control number (CLM01).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimSymbol {
    pub name: String,
    pub detail: String,
    pub span: Span,
}

/// The outline of the whole file.
pub fn document_symbols(file: &ClaimFile) -> Vec<Symbol> {
    file.interchanges
        .iter()
        .filter_map(|interchange| {
            let groups: Vec<Symbol> = interchange
                .groups
                .iter()
                .filter_map(|group| {
                    let transactions: Vec<Symbol> =
                        group.transactions.iter().filter_map(|t| transaction_symbol(file, t)).collect();
                    let opener = group.gs.or_else(|| group.transactions.first().and_then(|t| t.st))?;
                    let span = cover(file, Some(opener), group.ge, &transactions);
                    let control = group.gs.map_or("", |gs| file.value(gs, 6));
                    Some(Symbol {
                        name: format!("GS {control}"),
                        detail: group.gs.map_or("", |gs| file.value(gs, 8)).to_string(),
                        kind: SymbolKind::FunctionalGroup,
                        span,
                        selection: file.segment_span(opener),
                        children: transactions,
                    })
                })
                .collect();
            let opener = interchange.isa.or_else(|| interchange.groups.first().and_then(|g| g.gs))?;
            let span = cover(file, Some(opener), interchange.iea, &groups);
            let control = interchange.isa.map_or("", |isa| file.value(isa, 13));
            Some(Symbol {
                name: format!("ISA {control}"),
                detail: "interchange".to_string(),
                kind: SymbolKind::Interchange,
                span,
                selection: file.segment_span(opener),
                children: groups,
            })
        })
        .collect()
}

/// Every claim of the file whose CLM01 contains `query` (case-insensitive; an empty
/// query matches all).
pub fn claim_symbols(file: &ClaimFile, query: &str) -> Vec<ClaimSymbol> {
    let query = query.trim().to_ascii_lowercase();
    file.claims()
        .filter(|(_, claim)| query.is_empty() || file.value(claim.clm, 1).to_ascii_lowercase().contains(&query))
        .map(|(_, claim)| ClaimSymbol {
            name: file.value(claim.clm, 1).to_string(),
            detail: claim_detail(file, claim),
            span: segments_span(file, &claim.segments),
        })
        .collect()
}

fn transaction_symbol(file: &ClaimFile, transaction: &Transaction) -> Option<Symbol> {
    let opener = transaction.st.unwrap_or(transaction.segments.start);
    let levels = &transaction.levels;
    // Each level runs to the next HL that is not its descendant (or to SE).
    let body_end = transaction.se.unwrap_or(transaction.segments.end);
    let mut level_ends = vec![body_end; levels.len()];
    for (index, end) in level_ends.iter_mut().enumerate() {
        let next = levels
            .iter()
            .enumerate()
            .skip(index + 1)
            .find(|(later, _)| !descends_from(transaction, *later, index))
            .map(|(_, level)| level.hl);
        if let Some(next) = next {
            *end = next;
        }
    }
    // Claims go under their level; a claim with no level hangs off the transaction.
    let mut claims_of: Vec<Vec<Symbol>> = vec![Vec::new(); levels.len()];
    let mut loose = Vec::new();
    for claim in &transaction.claims {
        let symbol = claim_symbol(file, transaction.kind, claim);
        match claim.level.and_then(|level| claims_of.get_mut(level)) {
            Some(list) => list.push(symbol),
            None => loose.push(symbol),
        }
    }
    let mut built: Vec<Option<Symbol>> = levels
        .iter()
        .zip(level_ends.iter())
        .zip(claims_of)
        .map(|((level, end), claims)| {
            let (kind, name, detail) = level_label(file, level.hl, level.code, *end);
            Some(Symbol {
                name,
                detail,
                kind,
                span: segments_span(file, &(level.hl..*end)),
                selection: file.segment_span(level.hl),
                children: claims,
            })
        })
        .collect();
    // Children before parents: a level's parent comes before it in the file.
    let mut roots = Vec::new();
    for index in (0..levels.len()).rev() {
        let Some(symbol) = built.get_mut(index).and_then(Option::take) else { continue };
        let parent = levels.get(index).and_then(|level| level.parent).filter(|parent| *parent < index);
        // Pushed (a billing provider can have thousands of subscribers: inserting
        // each at the front would be quadratic), and put in document order below.
        match parent.and_then(|parent| built.get_mut(parent)).and_then(Option::as_mut) {
            Some(parent) => parent.children.push(symbol),
            None => roots.push(symbol),
        }
    }
    for root in &mut roots {
        in_document_order(root);
    }
    roots.extend(loose);
    roots.sort_by_key(|symbol| symbol.span.start);
    let span = cover(file, Some(opener), transaction.se, &roots);
    let kind = match transaction.kind {
        TransactionKind::Professional => "837P",
        TransactionKind::Institutional => "837I",
        TransactionKind::Other => "837",
    };
    let control = transaction.st.map_or("", |st| file.value(st, 2));
    Some(Symbol {
        name: format!("ST {control}"),
        detail: kind.to_string(),
        kind: SymbolKind::Transaction,
        span,
        selection: file.segment_span(opener),
        children: roots,
    })
}

/// Sorts the children of levels (claims and sub-levels, pushed out of order) by start;
/// claims' lines are in order already.
fn in_document_order(symbol: &mut Symbol) {
    if symbol.kind == SymbolKind::Claim {
        return;
    }
    symbol.children.sort_by_key(|child| child.span.start);
    for child in &mut symbol.children {
        in_document_order(child);
    }
}

/// Whether level `later` has `ancestor` among its parents (bounded against cycles).
fn descends_from(transaction: &Transaction, later: usize, ancestor: usize) -> bool {
    let mut current = transaction.levels.get(later).and_then(|level| level.parent);
    for _ in 0..transaction.levels.len() {
        match current {
            Some(index) if index == ancestor => return true,
            Some(index) => current = transaction.levels.get(index).and_then(|level| level.parent),
            None => return false,
        }
    }
    false
}

/// Kind, name and detail of an HL level, from the first NM1 in it.
fn level_label(file: &ClaimFile, hl: SegmentIndex, code: LevelCode, end: SegmentIndex) -> (SymbolKind, String, String) {
    let (kind, loop_id, role, entity) = match code {
        LevelCode::BillingProvider => (SymbolKind::BillingProvider, "2000A", "billing provider", "85"),
        LevelCode::Subscriber => (SymbolKind::Subscriber, "2000B", "subscriber", "IL"),
        LevelCode::Patient => (SymbolKind::Patient, "2000C", "patient", "QC"),
        LevelCode::Other => (SymbolKind::OtherLevel, "2000", "level", ""),
    };
    let name_segment = (hl + 1..end)
        .take_while(|index| !matches!(file.segment_id(*index), "CLM" | "HL"))
        .find(|index| file.segment_id(*index) == "NM1" && (entity.is_empty() || file.value(*index, 1) == entity));
    let person = name_segment.map(|nm1| person_name(file, nm1)).unwrap_or_default();
    let name = if person.is_empty() { format!("{loop_id} {role}") } else { format!("{loop_id} {role}: {person}") };
    let detail = match (code, name_segment) {
        (LevelCode::BillingProvider, Some(nm1)) if file.value(nm1, 8) == "XX" => format!("NPI {}", file.value(nm1, 9)),
        (_, Some(nm1)) if !file.value(nm1, 9).is_empty() => file.value(nm1, 9).to_string(),
        _ => String::new(),
    };
    (kind, name, detail)
}

/// NM103, then `, ` NM104 when there is a first name.
fn person_name(file: &ClaimFile, nm1: SegmentIndex) -> String {
    match (file.value(nm1, 3), file.value(nm1, 4)) {
        (last, "") => last.to_string(),
        (last, first) => format!("{last}, {first}"),
    }
}

fn claim_symbol(file: &ClaimFile, kind: TransactionKind, claim: &Claim) -> Symbol {
    let lines = claim.lines.iter().map(|line| line_symbol(file, kind, line)).collect();
    Symbol {
        name: format!("CLM {}", file.value(claim.clm, 1)),
        detail: claim_detail(file, claim),
        kind: SymbolKind::Claim,
        span: segments_span(file, &claim.segments),
        selection: file.segment_span(claim.clm),
        children: lines,
    }
}

/// `$140 · 2 lines`.
fn claim_detail(file: &ClaimFile, claim: &Claim) -> String {
    let lines = claim.lines.len();
    let plural = if lines == 1 { "line" } else { "lines" };
    format!("${} · {lines} {plural}", claim.total_charge(file))
}

fn line_symbol(file: &ClaimFile, kind: TransactionKind, line: &ServiceLine) -> Symbol {
    let procedure = line.procedure(file);
    let mut name = format!("LX {}", line.number(file));
    let mut detail = String::new();
    if let Some(procedure) = procedure {
        let code = procedure.code_text(file);
        if !code.is_empty() {
            name.push_str(": ");
            name.push_str(code);
        }
        for modifier in procedure.modifier_texts(file) {
            name.push(' ');
            name.push_str(modifier);
        }
        let units = procedure.quantity_text(file);
        if !units.is_empty() {
            let basis = procedure.unit_basis.map_or("", |span| span.text(&file.text));
            detail = match (basis, units) {
                ("UN", "1") => "1 unit".to_string(),
                ("UN", _) => format!("{units} units"),
                _ => format!("{units} {basis}").trim_end().to_string(),
            };
        }
    } else if kind == TransactionKind::Other {
        detail = "service line".to_string();
    }
    Symbol {
        name,
        detail,
        kind: SymbolKind::ServiceLine,
        span: segments_span(file, &line.segments),
        selection: file.segment_span(line.lx),
        children: Vec::new(),
    }
}

/// From the first segment's start to the last one's end.
fn segments_span(file: &ClaimFile, segments: &Range<SegmentIndex>) -> Span {
    let start = file.segment_span(segments.start);
    let last = segments.end.saturating_sub(1).max(segments.start);
    Span::new(start.start, file.segment_span(last).end.max(start.end))
}

/// An envelope's span: opener through closer, widened to hold every child.
fn cover(file: &ClaimFile, opener: Option<SegmentIndex>, closer: Option<SegmentIndex>, children: &[Symbol]) -> Span {
    let mut span = opener.map(|s| file.segment_span(s)).unwrap_or_default();
    for extra in closer.map(|s| file.segment_span(s)).into_iter().chain(children.iter().map(|c| c.span)) {
        span = Span::new(span.start.min(extra.start), span.end.max(extra.end));
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const CLAIM: &str = include_str!("../../fixtures/claims/clean-837p.837");

    fn outline(symbols: &[Symbol], depth: usize, out: &mut String) {
        for symbol in symbols {
            out.push_str(&format!("{}{} — {}\n", "  ".repeat(depth), symbol.name, symbol.detail));
            outline(&symbol.children, depth + 1, out);
        }
    }

    #[test]
    fn the_outline_follows_envelopes_levels_claims_and_lines() {
        let file = ClaimFile::parse(CLAIM.to_string());
        let symbols = document_symbols(&file);
        let mut text = String::new();
        outline(&symbols, 0, &mut text);
        expect_test::expect![[r#"
            ISA 000000101 — interchange
              GS 101 — 005010X222A1
                ST 0001 — 837P
                  2000A billing provider: EXAMPLE INFUSION CLINIC — NPI 1234567893
                    2000B subscriber: DOE, JANE — 1EG4TE5MK73
                      CLM PCN0001 — $140 · 2 lines
                        LX 1: J2700 JZ — 4 units
                        LX 2: 96365 — 1 unit
        "#]]
        .assert_eq(&text);
    }

    fn assert_nested(symbols: &[Symbol], outer: Span) {
        for symbol in symbols {
            assert!(outer.start <= symbol.span.start && symbol.span.end <= outer.end, "{} outside", symbol.name);
            assert!(symbol.span.start <= symbol.selection.start && symbol.selection.end <= symbol.span.end);
            assert_nested(&symbol.children, symbol.span);
        }
    }

    #[test]
    fn children_lie_inside_their_parents_and_the_claim_ends_at_its_last_line() {
        let file = ClaimFile::parse(CLAIM.to_string());
        let symbols = document_symbols(&file);
        assert_nested(&symbols, Span::new(0, CLAIM.len()));
        let claim = &symbols[0].children[0].children[0].children[0].children[0].children[0];
        assert!(claim.span.text(CLAIM).starts_with("CLM*PCN0001"));
        assert!(claim.span.text(CLAIM).ends_with("DTP*472*D8*20260115~"));
    }

    #[test]
    fn a_patient_level_sits_under_its_subscriber_and_claims_are_found_by_clm01() {
        let text = CLAIM.replace("CLM*PCN0001", "HL*3*2*23*0~\nPAT*19~\nNM1*QC*1*DOE*JIM~\nCLM*PCN0001");
        let file = ClaimFile::parse(text);
        let symbols = document_symbols(&file);
        let subscriber = &symbols[0].children[0].children[0].children[0].children[0];
        assert_eq!(subscriber.children[0].name, "2000C patient: DOE, JIM");
        assert_eq!(subscriber.children[0].children[0].name, "CLM PCN0001");
        assert_eq!(claim_symbols(&file, "pcn").len(), 1);
        assert!(claim_symbols(&file, "nothing").is_empty());
    }

    #[test]
    fn broken_files_give_an_outline_without_panicking() {
        for text in ["", "CLM*1~LX*1~", "HL*1*1*20~HL*2*2*22~CLM*X~", "ST*837*1~HL*1**20~SE*9*1~", "GE*1~IEA*1~"] {
            let file = ClaimFile::parse(text.to_string());
            let symbols = document_symbols(&file);
            assert_nested(&symbols, Span::new(0, text.len()));
        }
    }
}
