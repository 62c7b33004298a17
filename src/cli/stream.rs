//! Checking a large 837 a few transaction sets (ST…SE) at a time, with the same findings
//! in the same order as analysing the whole file, in memory bounded by the largest
//! transaction set rather than the file.
//!
//! No rule is written twice: each piece goes through the one analysis
//! (`Analysis::of_text`) as a small interchange of its own — the file's ISA, its group's
//! GS, the transaction sets, its GE and the file's IEA — and keeps only the findings
//! that start in its transaction sets. What the envelopes alone decide (IEA01 and GE01
//! counts, control numbers, the ISA) comes from one more analysis of the file's
//! *skeleton*: every envelope segment plus each transaction set's ST and SE, nothing
//! between; it keeps the findings that start outside every transaction set. Each
//! finding is thus made by exactly one analysis, whose view of what the finding depends
//! on equals the whole file's. The two lists are merged by position, which is the
//! whole-file order (findings never start in two places).
//!
//! Only files of the plain shape are split — one ISA first, `GS (ST … SE)+ GE` groups,
//! one IEA last, and no other segment outside a transaction set; anything else is
//! analysed whole, so an odd file is judged exactly as before.

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::baseline::{self, FindingKey, Places};
use crate::analysis::Analysis;
use crate::config::Environment;
use crate::diagnostic::Diagnostic;
use crate::syntax::{Delimiters, Span};

/// A finding with its baseline key, its span in the whole file's offsets.
pub(super) type Keyed = (Diagnostic, FindingKey);

/// Files smaller than this are analysed whole: splitting pays for itself only when the
/// tree of the whole file would be large.
pub(super) const STREAM_FROM_BYTES: usize = 4 << 20;

/// Consecutive transaction sets are analysed together up to about this many bytes, so a
/// file of many tiny ST/SE does not pay an analysis per transaction set.
pub(super) const PIECE_BYTES: usize = 2 << 20;

/// Below this size every core takes a piece; above it, only as many pieces are analysed
/// at once as keep the check within about three times the file's size.
const ALL_CORES_BELOW_BYTES: usize = 16 << 20;

/// What one piece's analysis holds at its peak, in multiples of the piece's size (tree,
/// claim model, billing view, rule facts: 12–13× measured on generated batches).
const ANALYSIS_BYTES_PER_BYTE: usize = 13;

/// How many pieces are analysed at once. Each analysis runs its own phases on two
/// threads, so a single piece at a time still uses both cores for much of its time;
/// a piece per core is faster, but holds a piece's analysis per core beside the text.
/// `CLAIM_LSP_CHECK_PIECES=N` sets it (for measurements).
fn pieces_at_once(file_bytes: usize, plan: &Plan, threads: usize) -> usize {
    let most = plan.pieces.len().max(1);
    if let Some(set) = std::env::var("CLAIM_LSP_CHECK_PIECES").ok().and_then(|n| n.parse::<usize>().ok()) {
        return set.clamp(1, most);
    }
    if file_bytes < ALL_CORES_BELOW_BYTES {
        return threads.clamp(1, most);
    }
    let largest = plan.pieces.iter().map(|view| view.pieces.iter().map(|p| p.bytes.len()).sum::<usize>()).max();
    let budget = 2 * file_bytes / (ANALYSIS_BYTES_PER_BYTE * largest.unwrap_or(1).max(1));
    budget.clamp(1, threads.clamp(1, most))
}

/// A stretch of the original text that goes into a view; `keep` when the findings
/// starting in it belong to this view.
#[derive(Clone, Debug)]
struct Piece {
    bytes: Range<usize>,
    keep: bool,
}

/// A text made of pieces of the file, analysed as an interchange of its own.
#[derive(Debug, Default)]
struct View {
    pieces: Vec<Piece>,
}

impl View {
    fn push(&mut self, bytes: Range<usize>, keep: bool) {
        if bytes.is_empty() {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.keep == keep && last.bytes.end == bytes.start {
                last.bytes.end = bytes.end;
                return;
            }
        }
        self.pieces.push(Piece { bytes, keep });
    }

    fn text(&self, text: &str) -> String {
        let mut view = String::with_capacity(self.pieces.iter().map(|piece| piece.bytes.len()).sum());
        for piece in &self.pieces {
            view.push_str(text.get(piece.bytes.clone()).unwrap_or_default());
        }
        view
    }

    /// The file offset of a view offset, and whether the view keeps findings there.
    /// `end` picks the piece a range ends in (an offset between two pieces ends the
    /// first).
    fn to_file(&self, offset: usize, end: bool) -> Option<(usize, bool)> {
        let mut view_start = 0;
        for piece in &self.pieces {
            let view_end = view_start + piece.bytes.len();
            let inside = if end { offset <= view_end } else { offset < view_end };
            if inside && offset >= view_start {
                return Some((piece.bytes.start + (offset - view_start), piece.keep));
            }
            view_start = view_end;
        }
        None
    }
}

/// How a file splits: the skeleton, then the pieces in file order.
#[derive(Debug)]
pub(super) struct Plan {
    skeleton: View,
    pieces: Vec<View>,
    /// Where each piece's transaction sets start, in the file.
    piece_starts: Vec<usize>,
}

#[cfg(test)]
impl Plan {
    /// How many pieces the file splits into.
    pub(super) fn pieces(&self) -> usize {
        self.pieces.len()
    }
}

/// One transaction set: where it starts (after the segment before it), where its ST
/// ends, where its SE starts (with the gap before it) and where it ends.
struct TransactionSet {
    start: usize,
    st_end: usize,
    se_start: usize,
    end: usize,
}

#[derive(Default)]
struct Group {
    gs: Range<usize>,
    ge: Range<usize>,
    transactions: Vec<TransactionSet>,
}

/// Splits a file of the plain shape into pieces of about `piece_bytes`; `None` for any
/// other file (and for one with a single transaction set: nothing to split).
pub(super) fn plan(text: &str, piece_bytes: usize) -> Option<Plan> {
    let bytes = text.as_bytes();
    let mut position = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let delimiters = Delimiters::from_isa(bytes.get(position..)?).ok()?;
    enum State {
        Start,
        Interchange,
        Group,
        Transaction,
        Done,
    }
    let mut state = State::Start;
    let (mut isa_end, mut trailer_start) = (0, 0);
    let mut groups: Vec<Group> = Vec::new();
    let mut previous_end = 0;
    let mut transaction_start = (0, 0);
    while position < bytes.len() {
        while bytes.get(position).is_some_and(|byte| is_trivia(*byte, delimiters)) {
            position += 1;
        }
        if position >= bytes.len() {
            break;
        }
        let rest = bytes.get(position..)?;
        // As the parser reads a segment: to its terminator (a CR before a newline
        // terminator belongs to it), its id up to the first element separator.
        let (content_end, end) = match memchr::memchr(delimiters.segment, rest) {
            Some(at) if delimiters.segment == b'\n' && at > 0 && rest.get(at - 1) == Some(&b'\r') => (at - 1, at + 1),
            Some(at) => (at, at + 1),
            None => {
                let mut end = rest.len();
                while end > 0 && rest.get(end - 1).is_some_and(|byte| is_trivia(*byte, delimiters)) {
                    end -= 1;
                }
                (end, end)
            }
        };
        let content = rest.get(..content_end)?;
        let id = content.get(..memchr::memchr(delimiters.element, content).unwrap_or(content.len()))?;
        let segment_end = position + end.max(1);
        state = match (state, id) {
            (State::Start, b"ISA") => {
                isa_end = segment_end;
                State::Interchange
            }
            (State::Interchange, b"GS") => {
                groups.push(Group { gs: previous_end..segment_end, ..Group::default() });
                State::Group
            }
            (State::Interchange, b"IEA") => {
                trailer_start = previous_end;
                State::Done
            }
            (State::Group, b"ST") => {
                transaction_start = (previous_end, segment_end);
                State::Transaction
            }
            (State::Group, b"GE") => {
                groups.last_mut()?.ge = previous_end..segment_end;
                State::Interchange
            }
            (State::Transaction, b"SE") => {
                let (start, st_end) = transaction_start;
                let set = TransactionSet { start, st_end, se_start: previous_end, end: segment_end };
                groups.last_mut()?.transactions.push(set);
                State::Group
            }
            (State::Transaction, b"ISA" | b"IEA" | b"GS" | b"GE" | b"ST") => return None,
            (State::Transaction, _) => State::Transaction,
            _ => return None,
        };
        previous_end = segment_end;
        position = segment_end;
    }
    if !matches!(state, State::Done) || groups.iter().map(|group| group.transactions.len()).sum::<usize>() < 2 {
        return None;
    }
    let trailer = trailer_start..bytes.len();
    let mut skeleton = View::default();
    skeleton.push(0..isa_end, true);
    let (mut pieces, mut piece_starts) = (Vec::new(), Vec::new());
    for group in &groups {
        skeleton.push(group.gs.clone(), true);
        let mut sets = group.transactions.iter().peekable();
        while let Some(first) = sets.next() {
            skeleton.push(first.start..first.st_end, false);
            skeleton.push(first.se_start..first.end, false);
            let mut end = first.end;
            while let Some(next) = sets.next_if(|next| next.end - first.start <= piece_bytes) {
                skeleton.push(next.start..next.st_end, false);
                skeleton.push(next.se_start..next.end, false);
                end = next.end;
            }
            let mut piece = View::default();
            piece.push(0..isa_end, false);
            piece.push(group.gs.clone(), false);
            piece.push(first.start..end, true);
            piece.push(group.ge.clone(), false);
            piece.push(trailer.clone(), false);
            pieces.push(piece);
            piece_starts.push(first.start);
        }
        skeleton.push(group.ge.clone(), true);
    }
    skeleton.push(trailer, true);
    Some(Plan { skeleton, pieces, piece_starts })
}

/// Bytes between segments, as the parser skips them.
fn is_trivia(byte: u8, delimiters: Delimiters) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
        && byte != delimiters.element
        && byte != delimiters.component
        && Some(byte) != delimiters.repetition
}

/// Analyses one view and returns the findings it keeps, in file offsets and order.
fn analyse(text: &str, view: &View, path: &Path, environment: &Environment) -> Vec<Keyed> {
    let analysis = Analysis::of_text(view.text(text), environment);
    let places = Places::of(&analysis);
    let mut kept = Vec::new();
    for diagnostic in &analysis.diagnostics {
        let start = view.to_file(diagnostic.span.start, false).or_else(|| view.to_file(diagnostic.span.start, true));
        let Some((start, true)) = start else { continue };
        let end = view.to_file(diagnostic.span.end, true).map_or(start, |(end, _)| end).max(start);
        let key = baseline::key(path, &places.place(diagnostic.span.start), diagnostic);
        kept.push((Diagnostic { span: Span::new(start, end), ..diagnostic.clone() }, key));
    }
    kept
}

/// Checks a planned file on `threads` threads, handing `emit` the findings a batch at a
/// time in whole-file order. At most `threads` pieces are analysed at once, and a piece
/// finished early waits only as its findings.
pub(super) fn check(
    text: &str,
    plan: &Plan,
    path: &Path,
    environment: &Environment,
    threads: usize,
    emit: &mut dyn FnMut(Vec<Keyed>),
) {
    let mut envelope = analyse(text, &plan.skeleton, path, environment).into_iter().peekable();
    let mut before = |until: usize, emit: &mut dyn FnMut(Vec<Keyed>)| {
        let batch: Vec<Keyed> = std::iter::from_fn(|| envelope.next_if(|(d, _)| d.span.start < until)).collect();
        if !batch.is_empty() {
            emit(batch);
        }
    };
    let next = AtomicUsize::new(0);
    let threads = pieces_at_once(text.len(), plan, threads);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, Vec<Keyed>)>();
        for _ in 0..threads {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(view) = plan.pieces.get(index) else { break };
                let analysed =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyse(text, view, path, environment)));
                let findings = analysed.unwrap_or_else(|_| {
                    tracing::error!("a part of the file could not be checked; its findings are missing");
                    Vec::new()
                });
                if sender.send((index, findings)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (index, findings) in receiver {
            waiting.insert(index, findings);
            while let Some(findings) = waiting.remove(&due) {
                before(plan.piece_starts.get(due).copied().unwrap_or(usize::MAX), emit);
                if !findings.is_empty() {
                    emit(findings);
                }
                due += 1;
            }
        }
    });
    before(usize::MAX, emit);
}

#[cfg(test)]
mod tests {
    use super::plan;

    const ISA: &str =
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn splits_only_plain_interchanges_of_several_transaction_sets() {
        let set = |n: u32| format!("ST*837*{n:04}*005010X222A1~BHT*0019~SE*3*{n:04}~\n");
        let file = format!(
            "{ISA}\nGS*HC*A*B*20240101*1200*1*X*005010X222A1~\n{}{}GE*2*1~\nIEA*1*000000001~\n",
            set(1),
            set(2)
        );
        let split = plan(&file, 0).expect("a plain interchange");
        assert_eq!(split.pieces(), 2);
        assert_eq!(plan(&file, usize::MAX).map(|p| p.pieces()), Some(1), "small sets are analysed together");
        for odd in [
            file.replace("GE*2*1~\n", ""),                                  // no GE
            file.replace("SE*3*0001~", ""),                                 // ST inside ST
            file.replace("IEA*1*000000001~\n", "IEA*1*000000001~\nGS*HC~"), // after the IEA
            file.replace("\nGS*", "\nNM1*X~GS*"),                           // outside a transaction set
            file.replacen("ISA*00*  ", "ISA*00* ", 1),                      // a damaged ISA
            format!("{ISA}GS*HC~{}GE*1*1~IEA*1*000000001~", set(1)),        // one transaction set
        ] {
            assert!(plan(&odd, 0).is_none(), "{odd}");
        }
    }
}
