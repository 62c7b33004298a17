//! A charge file's findings kept current across edits, re-reading only the edited rows.
//!
//! Every rule that reads a charge file reads one claim (the rows that share a claim
//! value, or a date of service when there is no claim column), one row or cell, or the
//! header. An edit below the header and below the rows detection samples re-reads the
//! rows it touched (from the end of the last row before it to the start of the first row
//! after it), finds the claims those rows belonged to and belong to now, and checks just
//! those claims' rows — read again from the new text, with the header, through the same
//! code as a whole file ([`rules::check`]). Their findings replace the old ones; every
//! other finding is kept, shifted past the edit. The header's findings (missing or
//! duplicate columns) depend on the header alone and are kept.
//!
//! A whole analysis instead when: the edit touches the header (the delimiter and the
//! columns are read from it), it changes what detection says of the first
//! [`SAMPLE_ROWS`] rows, the re-read rows do not end where the untouched rows begin (a
//! quote opened or closed across rows), or a rule not known to be claim-local is on. Two rules name *other* rows of a claim in
//! their messages ("row 12"): when an edit adds or removes line breaks, every claim with
//! one of their findings and a row after the edit is re-checked too, since its row
//! numbers moved. `tests/charge_incremental.rs` checks after thousands of random edits
//! that the result equals a full analysis of the same text.

use std::collections::{HashMap, HashSet};

use super::incremental::{Text, TextChange};
use super::Analysis;
use crate::config::Environment;
use crate::csv::{self, ChargeTable, Row, SAMPLE_ROWS};
use crate::diagnostic::Diagnostic;
use crate::model::{claim_key, Billing, ChargeFile, ClaimFile, Subject};
use crate::rules;

/// Claim-local rules whose messages name another row of the claim by its line number.
const ROW_NAMING_RULES: &[&str] = &["jw-units-mismatch", "jz-with-wastage-line"];

/// Above this share of the rows to re-check, a whole analysis is as quick and simpler.
const MOST_ROWS_PER_EDIT_DIVISOR: usize = 4;

/// Where each row of a charge file is and which claim it belongs to.
pub(super) struct ChargeLayout {
    file_name: Option<String>,
    /// The header, its columns and the delimiter; `rows` is left empty.
    table: ChargeTable,
    detection: csv::Detection,
    /// Where the header's line ends: edits before this analyse the whole file.
    header_end: usize,
    /// The 1-based line a row right after the header starts on.
    header_end_line: usize,
    /// The line the text ends on (1 + its line breaks).
    end_line: usize,
    rows: Vec<RowPlace>,
    /// Claim ids by key; an id is never reused, so a key keeps its id while it has no rows.
    claims: HashMap<Box<str>, u32>,
    /// The text of the last update, kept so the next one copies the document into
    /// memory already paged in (6 MB for 100,000 rows).
    buffer: String,
}

#[derive(Clone, Copy, Debug)]
struct RowPlace {
    start: usize,
    /// After its line end.
    end: usize,
    /// Whether it ends with a line break (only the last row may not).
    line_ends: bool,
    /// The line it starts on, and the line after it.
    line: usize,
    end_line: usize,
    claim: u32,
}

impl ChargeLayout {
    /// The layout of an analysed charge file, when its findings can be kept row by row.
    pub(super) fn of(analysis: &Analysis, environment: &Environment) -> Option<Self> {
        let charges = analysis.charges.as_ref()?;
        let unknown_rule_on = rules::ALL.iter().any(|rule| {
            rule.formats.includes_charges()
                && !rules::CLAIM_LOCAL.contains(&rule.id)
                && rules::may_report(rule, &environment.settings)
        });
        if unknown_rule_on {
            return None;
        }
        let text = charges.text.as_str();
        let header = &charges.table.header;
        // The delimiter is sniffed up to the first line break outside quotes: with an even
        // number of quotes before the header's line break, that is at or before it, so no
        // row can change the delimiter.
        let quotes_before = text.get(..header.line_end.start)?.bytes().filter(|&b| b == b'"').count();
        if header.line_end.is_empty() || quotes_before % 2 != 0 {
            return None;
        }
        let header_end = header.line_end.end;
        let mut lines = LineCounter::new(text);
        let header_end_line = lines.line_of(header_end);
        let mut claims: HashMap<Box<str>, u32> = HashMap::new();
        let mut rows = Vec::with_capacity(charges.table.rows.len());
        for row in &charges.table.rows {
            let claim = claim_id(&mut claims, claim_key(&charges.table, text, row))?;
            let line = lines.line_of(row.span.start);
            let end_line = lines.line_of(row.line_end.end);
            rows.push(RowPlace {
                start: row.span.start,
                end: row.line_end.end,
                line_ends: !row.line_end.is_empty(),
                line,
                end_line,
                claim,
            });
        }
        let end_line = lines.line_of(text.len());
        let table = ChargeTable {
            delimiter: charges.table.delimiter,
            header: header.clone(),
            rows: Vec::new(),
            columns: charges.table.columns.clone(),
        };
        Some(Self {
            file_name: charges.file_name.clone(),
            table,
            detection: charges.detection.clone(),
            header_end,
            header_end_line,
            end_line,
            rows,
            claims,
            buffer: String::new(),
        })
    }

    /// Re-checks the claims of the rows `change` touched; `None` when it needs a whole
    /// analysis (nothing has been changed then). Returns how many claims were checked.
    pub(super) fn update(
        &mut self,
        diagnostics: &mut Vec<Diagnostic>,
        text: &(impl Text + ?Sized),
        change: TextChange,
        environment: &Environment,
    ) -> Option<usize> {
        if change.start < self.header_end || change.old_end < change.start || change.new_end < change.start {
            return None;
        }
        let delta = change.new_end as isize - change.old_end as isize;
        let shift = |offset: usize| usize::try_from(offset as isize + delta).ok();
        let old_len = usize::try_from(text.len_bytes() as isize - delta).ok()?;
        // The rows before the edit end with a line break before it; the rows after it start
        // after it (their line break before them is untouched).
        let first = self.rows.partition_point(|r| r.end < change.start || (r.end == change.start && r.line_ends));
        let after = self.rows.partition_point(|r| r.start <= change.old_end);
        if after < first {
            return None;
        }
        let (from, from_line) = match first.checked_sub(1).and_then(|at| self.rows.get(at)) {
            Some(row) => (row.end, row.end_line),
            None => (self.header_end, self.header_end_line),
        };
        let (old_to, old_to_line) = self.rows.get(after).map_or((old_len, self.end_line), |row| (row.start, row.line));
        let to = shift(old_to)?;
        let mut whole = std::mem::take(&mut self.buffer);
        text.whole_into(&mut whole);
        let fresh = csv::read_rows(&whole, from, to, &self.table)?;
        let line_delta = whole.get(from..to)?.bytes().filter(|&b| b == b'\n').count() as isize
            - (old_to_line as isize - from_line as isize);

        // The claims to check: those of the old rows and of the rows read now …
        let mut affected: HashSet<u32> = self.rows.get(first..after)?.iter().map(|row| row.claim).collect();
        let mut fresh_places = Vec::with_capacity(fresh.len());
        let mut lines = LineCounter::starting(&whole, from, from_line);
        for row in &fresh {
            let claim = claim_id(&mut self.claims, claim_key(&self.table, &whole, row))?;
            affected.insert(claim);
            let line = lines.line_of(row.span.start);
            let end_line = lines.line_of(row.line_end.end);
            let line_ends = !row.line_end.is_empty();
            fresh_places.push(RowPlace {
                start: row.span.start,
                end: row.line_end.end,
                line_ends,
                line,
                end_line,
                claim,
            });
        }
        // … and, when line numbers after the edit moved, the claims whose findings may
        // name a row after it.
        if line_delta != 0 {
            let mut last_row: HashMap<u32, usize> = HashMap::new();
            for (at, row) in self.rows.iter().enumerate() {
                last_row.insert(row.claim, at);
            }
            for diagnostic in diagnostics.iter().filter(|d| ROW_NAMING_RULES.contains(&d.rule)) {
                let Some(claim) = row_at(&self.rows, diagnostic.span.start).map(|row| row.claim) else { continue };
                if last_row.get(&claim).is_some_and(|&last| last >= after) {
                    affected.insert(claim);
                }
            }
        }

        // The new row list: the rows before, the fresh ones, the rows after moved.
        let mut places = Vec::with_capacity(self.rows.len() + fresh_places.len());
        places.extend_from_slice(self.rows.get(..first)?);
        places.extend(fresh_places);
        for row in self.rows.get(after..)? {
            places.push(RowPlace {
                start: shift(row.start)?,
                end: shift(row.end)?,
                line: usize::try_from(row.line as isize + line_delta).ok()?,
                end_line: usize::try_from(row.end_line as isize + line_delta).ok()?,
                ..*row
            });
        }
        // Detection reads the header and the first rows: when the edit is among those,
        // it must still say the same.
        if first < SAMPLE_ROWS {
            let mut sample = Vec::with_capacity(SAMPLE_ROWS);
            for place in places.iter().take(SAMPLE_ROWS) {
                sample.append(&mut csv::read_rows(&whole, place.start, place.end, &self.table)?);
            }
            let table = ChargeTable { rows: sample, ..self.table.clone() };
            if csv::detect(&table, &whole, self.file_name.as_deref()) != self.detection {
                return None;
            }
        }
        let to_check: Vec<&RowPlace> = places.iter().filter(|row| affected.contains(&row.claim)).collect();
        if to_check.len() > places.len() / MOST_ROWS_PER_EDIT_DIVISOR + SAMPLE_ROWS {
            return None;
        }
        let mut rows = Vec::with_capacity(to_check.len());
        for place in &to_check {
            let mut read = csv::read_rows(&whole, place.start, place.end, &self.table)?;
            if read.len() != 1 {
                return None;
            }
            rows.append(&mut read);
        }
        let (found, whole) = self.check_rows(whole, rows, environment);
        self.buffer = whole;

        // Everything read and checked: drop the affected claims' old findings, shift the
        // rest, put the new ones in.
        let mut shifted_all = true;
        let old_rows = &self.rows;
        diagnostics.retain_mut(|diagnostic| {
            let start = diagnostic.span.start;
            let in_edited_rows = from <= start && start < old_to;
            if in_edited_rows || row_at(old_rows, start).is_some_and(|row| affected.contains(&row.claim)) {
                return false;
            }
            if start >= change.old_end {
                match (shift(diagnostic.span.start), shift(diagnostic.span.end)) {
                    (Some(start), Some(end)) => diagnostic.span = crate::syntax::Span::new(start, end),
                    _ => shifted_all = false,
                }
            }
            true
        });
        if !shifted_all {
            return None;
        }
        diagnostics.extend(found);
        rules::sort(diagnostics);
        self.rows = places;
        self.end_line = usize::try_from(self.end_line as isize + line_delta).ok()?;
        Some(affected.len())
    }

    /// The findings of the given rows (whole claims, in file order) of `text`, on those
    /// rows only; the text is handed back.
    fn check_rows(&self, text: String, rows: Vec<Row>, environment: &Environment) -> (Vec<Diagnostic>, String) {
        let table = ChargeTable { rows, ..self.table.clone() };
        let charges = ChargeFile { text, file_name: self.file_name.clone(), table, detection: self.detection.clone() };
        if !charges.is_charges() {
            return (Vec::new(), charges.text);
        }
        let billing = Billing::from_charges(&charges);
        let empty = ClaimFile::default();
        let mut found = rules::check(Subject::charges(&charges, &billing, &empty), environment);
        // The header's findings are the same as before and are kept where they are.
        let rows = &charges.table.rows;
        found.retain(|diagnostic| {
            let at = rows.partition_point(|row| row.span.start <= diagnostic.span.start);
            at.checked_sub(1).and_then(|at| rows.get(at)).is_some_and(|row| diagnostic.span.start <= row.line_end.end)
        });
        drop(billing);
        (found, charges.text)
    }
}

/// The row a finding at `offset` lies on: the last row starting at or before it, if the
/// offset is inside it or at its end.
fn row_at(rows: &[RowPlace], offset: usize) -> Option<&RowPlace> {
    let at = rows.partition_point(|row| row.start <= offset).checked_sub(1)?;
    rows.get(at).filter(|row| offset <= row.end)
}

/// The id of the claim `key` names, a new one for a new key.
fn claim_id(claims: &mut HashMap<Box<str>, u32>, key: &str) -> Option<u32> {
    if let Some(&id) = claims.get(key) {
        return Some(id);
    }
    let id = u32::try_from(claims.len()).ok()?;
    claims.insert(key.into(), id);
    Some(id)
}

/// Turns offsets into 1-based line numbers, moving forward through the text.
struct LineCounter<'t> {
    bytes: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        Self::starting(text, 0, 1)
    }

    /// Counting from `offset`, which is on `line`.
    fn starting(text: &'t str, offset: usize, line: usize) -> Self {
        Self { bytes: text.as_bytes(), offset, line }
    }

    fn line_of(&mut self, offset: usize) -> usize {
        let between = self.bytes.get(self.offset..offset).unwrap_or_default();
        self.line += memchr::memchr_iter(b'\n', between).count();
        self.offset = self.offset.max(offset);
        self.line
    }
}
