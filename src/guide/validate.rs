//! Implementation-guide validation of 837P and 837I transactions: loops and segments
//! (required, repeat counts, order) and elements (usage, length, type, codes, syntax
//! notes), the checks a clearinghouse's 999 makes. Agrees with pyx12 4.0.0 on what it
//! reports (see `docs/ig-vs-pyx12.md`).
//!
//! One pass per transaction: the [`LoopTracker`] places each segment in its loop, a
//! stack of open loop instances counts segments and child loops by the guide's table
//! positions, and each segment's elements are checked against the definition its
//! qualifier selects. Everything the pass reads was compiled once into
//! [`super::tables`]; nothing walks the guide per segment.

use super::loop_tracker::LoopTracker;
use super::tables::{code_key, tables, DataType, ElementDef, GuideTables, SegmentDef, SegmentTag, SyntaxNote};
use super::{Guide, Usage};
use crate::model::{ClaimFile, TransactionKind};
use crate::syntax::{Element, Segment, SegmentIndex, Span, SyntaxTree};

/// Which of the guide's checks a finding comes from; one rule per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideCheck {
    MissingSegment,
    MissingLoop,
    SegmentRepeat,
    SegmentOrder,
    MissingElement,
    ElementNotUsed,
    ElementLength,
    ElementType,
    InvalidCode,
    SyntaxRule,
}

/// A replacement with one right answer: the text that goes in `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuideRepair {
    pub title: String,
    pub span: Span,
    pub text: String,
}

/// One departure from the guide, at the bytes it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuideFinding {
    pub check: GuideCheck,
    pub span: Span,
    pub message: String,
    pub repair: Option<GuideRepair>,
    /// For a value of the wrong type: the element's reference designator, so that
    /// rules already judging that element (`invalid-date`, `invalid-number`) are not
    /// doubled.
    pub typed_element: Option<&'static str>,
}

/// Every finding of every 837P/837I transaction in the file, in segment order.
#[must_use]
pub fn validate(file: &ClaimFile) -> Vec<GuideFinding> {
    validate_tree(&file.text, &file.tree)
}

/// [`validate`] on the syntax tree alone: it finds the transactions itself, so it can run
/// while the claim structure is still being built.
#[must_use]
pub fn validate_tree(text: &str, tree: &SyntaxTree) -> Vec<GuideFinding> {
    let mut out = Vec::new();
    run_transactions(text, tree, &mut out, None);
    out
}

/// The pass's state right after one `HL` segment, packed: where a re-check after an edit
/// in the loop that follows can start, and what it must reach again at the next `HL` to
/// stop there (what follows an equal state gives the same findings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checkpoint(Box<[u32]>);

/// [`validate_tree`], also keeping the pass's state after each `HL` segment, by the
/// segment's index in `tree`.
#[must_use]
pub fn validate_tree_with_checkpoints(
    text: &str,
    tree: &SyntaxTree,
) -> (Vec<GuideFinding>, Vec<(SegmentIndex, Checkpoint)>) {
    let (mut out, mut checkpoints) = (Vec::new(), Vec::new());
    run_transactions(text, tree, &mut out, Some(&mut checkpoints));
    (out, checkpoints)
}

/// Runs the pass again from `from` (the state after an `HL`) over `segments` of `tree`,
/// which come right after that `HL`; with `finish`, the last of them is the
/// transaction's SE and the transaction is closed after it. The findings, and the state
/// after the last segment; `None` when `from` is not a checkpoint of this guide's tables.
#[must_use]
pub fn resume_tree(
    text: &str,
    tree: &SyntaxTree,
    from: &Checkpoint,
    segments: std::ops::Range<SegmentIndex>,
    finish: bool,
) -> Option<(Vec<GuideFinding>, Checkpoint)> {
    let mut after = None;
    let count = segments.len();
    let checked_from = segments.start;
    let (out, _) = resume_tree_each(text, tree, from, segments, checked_from, finish, |nth, state| {
        if nth + 1 == count {
            after = Some(state);
        }
        std::ops::ControlFlow::Continue(())
    })?;
    // No segments: the state is the one resumed from.
    Some((out, after.unwrap_or_else(|| from.clone())))
}

/// [`resume_tree`], handing the state after each of `segments` to `after_each` with the
/// segment's place among them; it may stop the pass there (the transaction is then not
/// closed). A segment's findings lie in that segment, so the findings of the segments
/// run can replace the old run's findings in them. The segments before `checked_from`
/// are only placed, for the state after them: their findings are not returned (unchanged
/// segments after an unchanged state report what they reported). The findings, and
/// whether the pass was stopped; `None` when `from` is not a checkpoint of this guide's
/// tables.
pub fn resume_tree_each(
    text: &str,
    tree: &SyntaxTree,
    from: &Checkpoint,
    segments: std::ops::Range<SegmentIndex>,
    checked_from: SegmentIndex,
    finish: bool,
    mut after_each: impl FnMut(usize, Checkpoint) -> std::ops::ControlFlow<()>,
) -> Option<(Vec<GuideFinding>, bool)> {
    let guide = match from.0.first()? {
        0 => Guide::Professional,
        1 => Guide::Institutional,
        _ => return None,
    };
    let mut out = Vec::new();
    let mut pass = Pass::new(text, tree, guide, &mut out);
    pass.restore(from)?;
    let last = segments.end.checked_sub(1);
    for (nth, index) in segments.enumerate() {
        pass.placing_only = index < checked_from;
        let reported = pass.out.len();
        pass.segment(index);
        if pass.placing_only {
            pass.out.truncate(reported);
        }
        if after_each(nth, pass.checkpoint(guide)).is_break() {
            return Some((out, true));
        }
    }
    if finish {
        pass.finish(last);
    }
    Some((out, false))
}

/// A file's transactions cut into runs of about equal size, to validate each run on a
/// thread of its own ([`validate_run`]); the findings and checkpoints of the runs, put
/// one after the other in order, are [`validate_tree_with_checkpoints`]'s.
pub struct TransactionRun(Vec<TransactionBounds>);

/// The transactions of the file in at most `runs` runs of about as many segments each
/// (a file of one transaction gives one run).
#[must_use]
pub fn transaction_runs(text: &str, tree: &SyntaxTree, runs: usize) -> Vec<TransactionRun> {
    let all = transactions(text, tree);
    let size = |t: &TransactionBounds| t.body.len() + 1;
    let total: usize = all.iter().map(size).sum();
    let per_run = total.div_ceil(runs.max(1)).max(1);
    let mut cut: Vec<TransactionRun> = Vec::new();
    let (mut current, mut filled) = (Vec::new(), 0);
    for transaction in all {
        if filled >= per_run && !current.is_empty() {
            cut.push(TransactionRun(std::mem::take(&mut current)));
            filled = 0;
        }
        filled += size(&transaction);
        current.push(transaction);
    }
    if !current.is_empty() {
        cut.push(TransactionRun(current));
    }
    cut
}

/// [`validate_tree_with_checkpoints`] for one run of transactions.
#[must_use]
pub fn validate_run(
    text: &str,
    tree: &SyntaxTree,
    run: &TransactionRun,
) -> (Vec<GuideFinding>, Vec<(SegmentIndex, Checkpoint)>) {
    let (mut out, mut checkpoints) = (Vec::new(), Vec::new());
    run_these(text, tree, &run.0, &mut out, Some(&mut checkpoints));
    (out, checkpoints)
}

fn run_transactions(
    text: &str,
    tree: &SyntaxTree,
    out: &mut Vec<GuideFinding>,
    checkpoints: Option<&mut Vec<(SegmentIndex, Checkpoint)>>,
) {
    run_these(text, tree, &transactions(text, tree), out, checkpoints);
}

fn run_these(
    text: &str,
    tree: &SyntaxTree,
    transactions: &[TransactionBounds],
    out: &mut Vec<GuideFinding>,
    mut checkpoints: Option<&mut Vec<(SegmentIndex, Checkpoint)>>,
) {
    for transaction in transactions {
        let Some(guide) = transaction.guide else { continue };
        let mut pass = Pass::new(text, tree, guide, out);
        // The interchange and group are the envelope rules' to judge: open them unjudged.
        if let Some(group) = pass.tables.loops.iter().position(|node| node.id == "GS_LOOP") {
            pass.resume(group);
        }
        // The body stops before SE.
        for index in transaction.body.clone().chain(transaction.se) {
            pass.segment(index);
            if let Some(checkpoints) = checkpoints.as_deref_mut() {
                if tree.segment(index).is_some_and(|segment| segment.id(text) == "HL") {
                    checkpoints.push((index, pass.checkpoint(guide)));
                }
            }
        }
        let last = transaction.se.or(transaction.body.end.checked_sub(1));
        pass.finish(last);
    }
}

/// One transaction as the envelopes delimit it: the same bounds and guide as the claim
/// model's [`crate::model::Transaction`] (a test holds them equal), found without
/// building the claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TransactionBounds {
    pub(crate) guide: Option<Guide>,
    /// From ST up to (not including) SE.
    pub(crate) body: std::ops::Range<SegmentIndex>,
    pub(crate) se: Option<SegmentIndex>,
}

/// The transactions of a file, in order: ST opens one (ST03, else the group's GS08, names
/// its guide); SE, or any envelope segment, closes it.
pub(crate) fn transactions(text: &str, tree: &SyntaxTree) -> Vec<TransactionBounds> {
    let mut found = Vec::new();
    let mut open: Option<TransactionBounds> = None;
    let mut in_group = false;
    let mut gs: Option<&Segment> = None;
    let value = |segment: &Segment, position: usize| {
        tree.element(segment, position).map_or("", |element| element.span().text(text))
    };
    for (index, segment) in tree.segments.iter().enumerate() {
        let id = segment.id(text).as_bytes();
        // Every envelope segment starts with one of these letters; most segments are passed at once.
        if !matches!(id.first(), Some(b'I' | b'G' | b'S')) {
            if let Some(transaction) = open.as_mut() {
                transaction.body.end = index + 1;
            }
            continue;
        }
        match id {
            b"ISA" | b"IEA" | b"GE" => {
                found.extend(open.take());
                in_group = false;
                gs = None;
            }
            b"GS" => {
                found.extend(open.take());
                in_group = true;
                gs = Some(segment);
            }
            b"ST" => {
                found.extend(open.take());
                let version = value(segment, 3);
                let group_version = gs.filter(|_| in_group).map_or("", |gs| value(gs, 8));
                let kind = TransactionKind::from_version(if version.is_empty() { group_version } else { version });
                let guide = match kind {
                    TransactionKind::Professional => Some(Guide::Professional),
                    TransactionKind::Institutional => Some(Guide::Institutional),
                    TransactionKind::Other => None,
                };
                if !in_group {
                    // A transaction without its GS is in a group of its own, with no GS08.
                    in_group = true;
                    gs = None;
                }
                open = Some(TransactionBounds { guide, body: index..index + 1, se: None });
            }
            b"SE" => {
                let mut transaction =
                    open.take().unwrap_or(TransactionBounds { guide: None, body: index..index + 1, se: None });
                transaction.se = Some(index);
                found.push(transaction);
                if !in_group {
                    in_group = true;
                    gs = None;
                }
            }
            _ => {
                if let Some(transaction) = open.as_mut() {
                    transaction.body.end = index + 1;
                }
            }
        }
    }
    found.extend(open);
    found
}

/// One open instance of a loop: where in its table the last segment or child loop
/// stood, and how often each segment and child loop has occurred.
#[derive(Debug, Default)]
struct LoopState {
    node: usize,
    pos: u32,
    segment_counts: Vec<u32>,
    child_counts: Vec<u32>,
    /// Put on the stack to resume after tracking was lost: not judged when closed.
    resumed: bool,
}

struct Pass<'f, 'o> {
    text: &'f str,
    tree: &'f SyntaxTree,
    tables: &'static GuideTables,
    tracker: LoopTracker,
    /// Open loop instances, outermost first; slots above `depth` are kept for reuse.
    stack: Vec<LoopState>,
    depth: usize,
    /// After a segment id the guides do not know (`unexpected-segment`'s finding), the
    /// segment it stands for may be the one that seems missing, and what follows it may
    /// seem misplaced: nothing of that kind is reported until the next loop opens.
    lost: bool,
    /// Segments already found clean against a definition: a batch repeats most of its
    /// segments (the billing provider, payer, dates, `LX*1`), and the same bytes under
    /// the same definition and separators give the same findings — none.
    clean: CleanSegments<'f>,
    /// Segments are placed but their elements not checked: a resumed pass reaching the
    /// segments an edit changed (see [`resume_tree_each`]).
    placing_only: bool,
    out: &'o mut Vec<GuideFinding>,
}

/// A definition (by address), the separators, and the segment's bytes.
type CleanKey<'f> = (usize, u32, &'f str);

/// The set of segments found clean, bounded so a huge file of all-different segments
/// does not grow it without end.
struct CleanSegments<'f> {
    seen: rustc_hash::FxHashSet<CleanKey<'f>>,
}

impl<'f> CleanSegments<'f> {
    const LIMIT: usize = 1 << 16;

    fn key(def: &'static SegmentDef, reading: &Reading<'f>) -> CleanKey<'f> {
        let delimiters = reading.segment.delimiters;
        let separators = u32::from(delimiters.element)
            | (u32::from(delimiters.component) << 8)
            | (delimiters.repetition.map_or(0, |r| u32::from(r) | 0x100) << 16);
        let start = reading.segment.id_span().start;
        let end = reading.elements.last().map_or(reading.segment.id_span().end, |e| e.span().end);
        (std::ptr::from_ref(def) as usize, separators, Span::new(start, end).text(reading.text))
    }
}

impl<'f, 'o> Pass<'f, 'o> {
    fn new(text: &'f str, tree: &'f SyntaxTree, guide: Guide, out: &'o mut Vec<GuideFinding>) -> Self {
        Pass {
            text,
            tree,
            tables: tables().guide(guide),
            tracker: LoopTracker::new(guide),
            stack: Vec::new(),
            depth: 0,
            lost: false,
            clean: CleanSegments { seen: rustc_hash::FxHashSet::default() },
            placing_only: false,
            out,
        }
    }

    /// The state that decides what the rest of the transaction reports (the clean
    /// segments found so far only save work).
    fn checkpoint(&self, guide: Guide) -> Checkpoint {
        let number = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        // Sized exactly: an edit keeps one after each segment of the loop it re-checks,
        // and a boxed slice made from a larger vector is copied once more.
        let open = self.stack.iter().take(self.depth);
        let size = 5 + open.map(|state| 5 + state.segment_counts.len() + state.child_counts.len()).sum::<usize>();
        let mut packed = Vec::with_capacity(size);
        packed.push(match guide {
            Guide::Professional => 0,
            Guide::Institutional => 1,
        });
        packed.push(self.tracker.current_node().map_or(0, |node| number(node).saturating_add(1)));
        packed.push(u32::from(self.tracker.opened()));
        packed.push(u32::from(self.lost));
        packed.push(number(self.depth));
        for state in self.stack.iter().take(self.depth) {
            packed.extend([number(state.node), state.pos, u32::from(state.resumed)]);
            packed.push(number(state.segment_counts.len()));
            packed.extend_from_slice(&state.segment_counts);
            packed.push(number(state.child_counts.len()));
            packed.extend_from_slice(&state.child_counts);
        }
        Checkpoint(packed.into_boxed_slice())
    }

    /// Puts the pass back in the state `checkpoint` holds.
    fn restore(&mut self, checkpoint: &Checkpoint) -> Option<()> {
        let mut packed = checkpoint.0.iter().map(|&n| n as usize);
        let mut next = || packed.next();
        let _guide = next()?;
        let current = next()?.checked_sub(1);
        let opened = next()? != 0;
        self.lost = next()? != 0;
        let depth = next()?;
        self.depth = 0;
        for _ in 0..depth {
            let (node, pos, resumed) = (next()?, u32::try_from(next()?).ok()?, next()? != 0);
            if node >= self.tables.loops.len() {
                return None;
            }
            self.push_state(node, pos, resumed);
            let state = self.top_mut()?;
            state.segment_counts.clear();
            for _ in 0..next()? {
                state.segment_counts.push(u32::try_from(next()?).ok()?);
            }
            state.child_counts.clear();
            for _ in 0..next()? {
                state.child_counts.push(u32::try_from(next()?).ok()?);
            }
        }
        self.tracker.restore(current, opened);
        Some(())
    }

    fn segment(&mut self, index: SegmentIndex) {
        let (text, tree) = (self.text, self.tree);
        let Some(segment) = tree.segment(index) else { return };
        let id = segment.id(text);
        let Some((tag, number)) = SegmentTag::new(id).and_then(|tag| Some((tag, *tables().known_tags.get(&tag)?)))
        else {
            // `unexpected-segment` reports it; the tracker keeps its place.
            self.lost = true;
            return;
        };
        let elements = tree.elements(segment);
        let value = |n: usize| n.checked_sub(1).and_then(|i| elements.get(i)).map(|e| e.span().text(text));
        self.tracker.next_known(tag, number, value);
        let Some(node_index) = self.tracker.current_node() else { return };
        let anchor = segment.id_span();

        // A segment is placed only where the loops open so far take it (the loop it
        // continues is open, or the loop it opens belongs in one that is); otherwise it
        // is out of place, as pyx12 and a translator see it, and nothing moves.
        let opened = self.tracker.opened();
        let home = if opened { self.tables.loops.get(node_index).and_then(|n| n.parent) } else { Some(node_index) };
        if home.is_some_and(|home| !self.is_open(home)) {
            self.not_placed(node_index, opened, id, anchor);
            return;
        }
        if opened {
            self.open(node_index, anchor);
            self.lost = false;
            if let Some(def) = self.segment_defs(node_index).next().map(|(_, def)| def) {
                self.check_elements(def, &Reading::new(segment, elements, text));
            }
            return;
        }
        self.close_to(node_index, anchor);
        let reading = Reading::new(segment, elements, text);
        // The first definition of this segment in the loop whose qualifier matches.
        let mut known_here = false;
        let mut matched = None;
        let tables = self.tables;
        for &(slot, def_index) in tables.slots(node_index, number) {
            let Some(def) = tables.segments.get(def_index) else { continue };
            known_here = true;
            if qualifier_matches(def, &reading) {
                matched = Some((slot, def));
                break;
            }
        }
        if !known_here {
            self.misplaced(node_index, segment, id, anchor);
            return;
        }
        let Some((slot, def)) = matched else {
            self.unknown_qualifier(node_index, tag, &reading);
            return;
        };
        let Some(state) = self.top() else { return };
        let (pos, node) = (state.pos, state.node);
        if def.pos < pos {
            if self.lost {
                return;
            }
            let loop_id = self.loop_id(node);
            self.push(
                GuideCheck::SegmentOrder,
                anchor,
                format!(
                    "{id} ({}) comes too late in loop {loop_id}: the guide puts it before the segments above it",
                    def.name
                ),
            );
            return;
        }
        self.skip_to(def.pos, anchor);
        self.lost = false;
        let Some(state) = self.top_mut() else { return };
        state.pos = def.pos;
        let count = state.segment_counts.get_mut(slot).map(|c| {
            *c += 1;
            *c
        });
        if let (Some(count), Some(max)) = (count, def.max_use) {
            if count > max {
                let loop_id = self.loop_id(node);
                self.push(
                    GuideCheck::SegmentRepeat,
                    anchor,
                    format!("{id} ({}) occurs {count} times in loop {loop_id}; the guide allows {max}", def.name),
                );
                return;
            }
        }
        // SE's count and control number are `segment-count`'s and `envelope-mismatch`'s.
        if id != "SE" {
            self.check_elements(def, &reading);
        }
    }

    /// [`check_elements`], skipped for a segment already found clean.
    fn check_elements(&mut self, def: &'static SegmentDef, reading: &Reading<'f>) {
        if self.placing_only {
            return;
        }
        let key = CleanSegments::key(def, reading);
        if self.clean.seen.contains(&key) {
            return;
        }
        let before = self.out.len();
        check_elements(def, reading, self.out);
        if self.out.len() == before && self.clean.seen.len() < CleanSegments::LIMIT {
            self.clean.seen.insert(key);
        }
    }

    fn is_open(&self, node: usize) -> bool {
        // Innermost first: the loop asked for is nearly always the one on top.
        self.stack.iter().take(self.depth).rev().any(|state| state.node == node)
    }

    fn not_placed(&mut self, node: usize, opened: bool, id: &str, anchor: Span) {
        if self.lost {
            return;
        }
        let Some(loop_node) = self.tables.loops.get(node) else { return };
        let message = match loop_node.parent.and_then(|p| self.tables.loops.get(p)).filter(|_| opened) {
            Some(parent) => format!(
                "{id} opens loop {} ({}), which belongs in loop {} ({}), not open here",
                loop_node.id, loop_node.name, parent.id, parent.name
            ),
            None => format!("{id} belongs in loop {} ({}), which is not open here", loop_node.id, loop_node.name),
        };
        self.push(GuideCheck::SegmentOrder, anchor, message);
    }

    fn finish(&mut self, last: Option<SegmentIndex>) {
        let anchor = last.and_then(|index| self.tree.segment(index)).map_or_else(Span::default, Segment::id_span);
        while self.depth > 0 {
            self.close_top(anchor);
        }
    }

    /// The segment definitions of a loop, each with its slot in the loop's counts.
    fn segment_defs(&self, node: usize) -> impl Iterator<Item = (usize, &'static SegmentDef)> {
        let tables = self.tables;
        let indexes: &'static [usize] = tables.loops.get(node).map_or(&[], |n| n.segments.as_slice());
        indexes.iter().enumerate().filter_map(move |(slot, &i)| tables.segments.get(i).map(|def| (slot, def)))
    }

    fn loop_id(&self, node: usize) -> &'static str {
        self.tables.loops.get(node).map_or("?", |n| n.id)
    }

    fn top(&self) -> Option<&LoopState> {
        self.depth.checked_sub(1).and_then(|i| self.stack.get(i))
    }

    fn top_mut(&mut self) -> Option<&mut LoopState> {
        self.depth.checked_sub(1).and_then(|i| self.stack.get_mut(i))
    }

    fn push(&mut self, check: GuideCheck, span: Span, message: String) {
        self.out.push(GuideFinding { check, span, message, repair: None, typed_element: None });
    }

    /// Pushes a fresh instance of loop `node`, reusing a slot's vectors.
    fn push_state(&mut self, node: usize, pos: u32, resumed: bool) {
        let (segments, children) = self.tables.loops.get(node).map_or((0, 0), |n| (n.segments.len(), n.children.len()));
        if self.stack.len() <= self.depth {
            self.stack.push(LoopState::default());
        }
        if let Some(state) = self.stack.get_mut(self.depth) {
            state.node = node;
            state.pos = pos;
            state.resumed = resumed;
            state.segment_counts.clear();
            state.segment_counts.resize(segments, 0);
            state.child_counts.clear();
            state.child_counts.resize(children, 0);
            self.depth += 1;
        }
    }

    /// Tracking resumed somewhere with no open loop around it: its ancestors are put on
    /// the stack unjudged, so what follows is checked in place.
    fn resume(&mut self, node: usize) {
        let mut chain = vec![node];
        let mut at = self.tables.loops.get(node).and_then(|n| n.parent);
        while let Some(parent) = at {
            if chain.len() > 64 {
                break;
            }
            chain.push(parent);
            at = self.tables.loops.get(parent).and_then(|n| n.parent);
        }
        for &loop_index in chain.iter().rev() {
            self.push_state(loop_index, 0, true);
        }
    }

    /// A segment opened a new instance of loop `node`.
    fn open(&mut self, node: usize, anchor: Span) {
        let Some(loop_node) = self.tables.loops.get(node) else { return };
        let parent = loop_node.parent;
        match parent {
            Some(parent) => self.close_to(parent, anchor),
            None => {
                while self.depth > 0 {
                    self.close_top(anchor);
                }
            }
        }
        if let Some(parent) = parent {
            let (pos, slot) = (loop_node.pos, self.child_slot(parent, node));
            let Some(state) = self.top() else { return };
            if pos < state.pos {
                let parent_id = self.loop_id(parent);
                self.push(
                    GuideCheck::SegmentOrder,
                    anchor,
                    format!("loop {} ({}) comes too late in loop {parent_id}", loop_node.id, loop_node.name),
                );
            } else {
                self.skip_to(pos, anchor);
                self.skip_siblings_before(parent, slot, pos, anchor);
            }
            if let Some(state) = self.top_mut() {
                state.pos = state.pos.max(pos);
                let count = slot.and_then(|slot| state.child_counts.get_mut(slot)).map(|c| {
                    *c += 1;
                    *c
                });
                if let (Some(count), Some(max)) = (count, loop_node.repeat) {
                    if count > max {
                        let parent_id = self.loop_id(parent);
                        self.push(
                            GuideCheck::SegmentRepeat,
                            anchor,
                            format!(
                                "loop {} ({}) occurs {count} times in loop {parent_id}; the guide allows {max}",
                                loop_node.id, loop_node.name
                            ),
                        );
                    }
                }
            }
        }
        let first_pos = self.segment_defs(node).next().map_or(0, |(_, def)| def.pos);
        self.push_state(node, first_pos, false);
        if let Some(count) = self.top_mut().and_then(|state| state.segment_counts.first_mut()) {
            *count = 1;
        }
    }

    /// Loops that share a table position are still taken in the guide's order (1000A
    /// before 1000B, 2010BA before 2010BB): a required one before `slot` never seen is
    /// missing.
    fn skip_siblings_before(&mut self, parent: usize, slot: Option<usize>, pos: u32, anchor: Span) {
        let state = self.depth.checked_sub(1).and_then(|i| self.stack.get(i));
        let (Some(slot), Some(state), Some(parent_node)) = (slot, state, self.tables.loops.get(parent)) else {
            return;
        };
        if state.resumed || self.lost {
            return;
        }
        let out = &mut *self.out;
        for &(index, child_pos) in &parent_node.required_children {
            if index >= slot || child_pos != pos || state.child_counts.get(index).copied().unwrap_or(0) != 0 {
                continue;
            }
            let Some(node) = parent_node.children.get(index).and_then(|&child| self.tables.loops.get(child)) else {
                continue;
            };
            out.push(finding(
                GuideCheck::MissingLoop,
                anchor,
                format!("loop {} is missing its required loop {} ({})", parent_node.id, node.id, node.name),
            ));
        }
    }

    /// `child`'s place among `parent`'s children (`parent` is its parent).
    fn child_slot(&self, parent: usize, child: usize) -> Option<usize> {
        let node = self.tables.loops.get(child)?;
        node.slot_in_parent.filter(|_| node.parent == Some(parent))
    }

    /// Closes loop instances until `node` is on top (or the stack is empty).
    fn close_to(&mut self, node: usize, anchor: Span) {
        let Some(at) = self.stack.iter().take(self.depth).rposition(|state| state.node == node) else {
            // Tracking was lost: the open loops are dropped unjudged.
            self.depth = 0;
            return;
        };
        while self.depth > at + 1 {
            self.close_top(anchor);
        }
    }

    fn close_top(&mut self, anchor: Span) {
        if !self.top().is_some_and(|state| state.resumed) {
            self.skip_to(u32::MAX, anchor);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// The loop on top moves on to table position `to`: every required segment and
    /// child loop between its last position and `to` that never occurred is missing.
    fn skip_to(&mut self, to: u32, anchor: Span) {
        let Some(state) = self.depth.checked_sub(1).and_then(|i| self.stack.get(i)) else { return };
        if state.resumed || self.lost {
            return;
        }
        let (node, from) = (state.node, state.pos);
        if to <= from {
            return;
        }
        let tables = self.tables;
        let Some(loop_node) = tables.loops.get(node) else { return };
        if loop_node.last_required_pos.is_none_or(|last| last < from) {
            return;
        }
        // Only the loop's required segments and child loops are looked at: a few per loop.
        let in_range = |pos: u32| pos >= from && pos < to;
        let seen = |counts: &[u32], slot: usize| counts.get(slot).is_some_and(|count| *count > 0);
        let out = &mut *self.out;
        let loop_id = loop_node.id;
        for required in &loop_node.required_segments {
            if !in_range(required.pos) || seen(&state.segment_counts, required.slot) {
                continue;
            }
            // Several definitions of one segment (REF by qualifier) need only one.
            if required.siblings.iter().any(|&sibling| seen(&state.segment_counts, sibling)) {
                continue;
            }
            let Some(def) = loop_node.segments.get(required.slot).and_then(|&i| tables.segments.get(i)) else {
                continue;
            };
            let message = format!("loop {loop_id} is missing its required {} segment ({})", def.id, def.name);
            out.push(finding(GuideCheck::MissingSegment, anchor, message));
        }
        for &(slot, pos) in &loop_node.required_children {
            if !in_range(pos) || seen(&state.child_counts, slot) {
                continue;
            }
            let Some(child_node) = loop_node.children.get(slot).and_then(|&c| tables.loops.get(c)) else {
                continue;
            };
            let message =
                format!("loop {loop_id} is missing its required loop {} ({})", child_node.id, child_node.name);
            out.push(finding(GuideCheck::MissingLoop, anchor, message));
        }
    }

    /// A known segment that no definition of this loop (or the loops around it) takes.
    fn misplaced(&mut self, node: usize, segment: &Segment, id: &str, anchor: Span) {
        if self.lost {
            return;
        }
        let text = self.text;
        // A loop-opening segment whose qualifier names no loop here is a wrong code.
        let mut codes: Vec<&'static str> = Vec::new();
        let mut position = None;
        let mut at = Some(node);
        while let Some(index) = at {
            let Some(loop_node) = self.tables.loops.get(index) else { break };
            for &child in &loop_node.children {
                let Some(child_node) = self.tables.loops.get(child) else { continue };
                let opens = child_node.first_segment.is_some_and(|tag| Some(tag) == SegmentTag::new(id));
                if let (true, Some(qualifier)) = (opens, &child_node.qualifier) {
                    position = Some(qualifier.element);
                    for code in &qualifier.codes {
                        if !codes.contains(code) {
                            codes.push(code);
                        }
                    }
                }
            }
            at = loop_node.parent;
        }
        if let Some(position) = position {
            let span = self.tree.element(segment, position).map(|e| e.span()).filter(|s| !s.is_empty());
            let span = span.unwrap_or(anchor);
            let shown = quoted_code(span.text(text));
            self.push(
                GuideCheck::InvalidCode,
                span,
                format!(
                    "{id}{position:02} {shown} opens no loop the guide allows here (allowed: {})",
                    code_list(&codes)
                ),
            );
            return;
        }
        let loop_id = self.loop_id(node);
        self.push(GuideCheck::SegmentOrder, anchor, format!("{id} is not expected here, in loop {loop_id}"));
    }

    fn unknown_qualifier(&mut self, node: usize, tag: SegmentTag, reading: &Reading<'_>) {
        let defs: Vec<(usize, &'static SegmentDef)> =
            self.segment_defs(node).filter(|(_, def)| def.tag == Some(tag)).collect();
        let defs = defs.as_slice();
        let (segment, text) = (reading.segment, reading.text);
        let Some((position, _)) = defs.iter().find_map(|(_, def)| def.qualifier.as_ref()) else { return };
        let mut codes: Vec<&'static str> = Vec::new();
        for (_, def) in defs {
            if let Some((_, list)) = &def.qualifier {
                for code in list {
                    if !codes.contains(code) {
                        codes.push(code);
                    }
                }
            }
        }
        let id = segment.id(text);
        let span = reading.at(position.element, position.component).unwrap_or(segment.id_span());
        let shown = quoted_code(span.text(text));
        let ref_des = match position.component {
            Some(c) => format!("{id}{:02}-{c:02}", position.element),
            None => format!("{id}{:02}", position.element),
        };
        let repair = upper_case_repair(span, span.text(text), &codes);
        self.out.push(GuideFinding {
            check: GuideCheck::InvalidCode,
            span,
            message: format!(
                "{ref_des} {shown} is not a qualifier the guide allows here (allowed: {})",
                code_list(&codes)
            ),
            repair,
            typed_element: None,
        });
    }
}

/// The elements of one segment, read against its definition.
struct Reading<'t> {
    segment: &'t Segment,
    elements: &'t [Element],
    text: &'t str,
    /// The segment id, read once.
    id: &'t str,
    /// ISA's elements are fixed-width and its ISA16 is the component separator itself.
    is_isa: bool,
}

impl<'t> Reading<'t> {
    fn new(segment: &'t Segment, elements: &'t [Element], text: &'t str) -> Self {
        let id = segment.id(text);
        Reading { segment, elements, text, id, is_isa: id == "ISA" }
    }

    fn id(&self) -> &'t str {
        self.id
    }

    fn element(&self, position: usize) -> Option<Span> {
        position.checked_sub(1).and_then(|i| self.elements.get(i)).map(Element::span)
    }

    fn value(&self, position: usize) -> &'t str {
        self.element(position).map_or("", |span| span.text(self.text))
    }

    /// Element `position`, or its component `component`, when present.
    fn at(&self, position: usize, component: Option<usize>) -> Option<Span> {
        let span = self.element(position)?;
        match component {
            None => Some(span),
            Some(c) => self.component(span, c),
        }
    }

    /// Component `c` (1-based) of the first repetition of the element at `span`:
    /// `components(span).nth(c - 1)`, read in one pass over the bytes.
    fn component(&self, span: Span, c: usize) -> Option<Span> {
        let delimiters = self.segment.delimiters;
        let separator = delimiters.component;
        if !separator.is_ascii() || delimiters.repetition.is_some_and(|r| !r.is_ascii()) {
            return self.components(span).nth(c.checked_sub(1)?);
        }
        let value = span.text(self.text).as_bytes();
        let mut index = c.checked_sub(1)?;
        let (mut start, mut end) = (0, value.len());
        for (at, &byte) in value.iter().enumerate() {
            if Some(byte) == delimiters.repetition {
                end = at;
                break;
            }
            if byte == separator {
                if index == 0 {
                    return Some(Span::new(span.start + start, span.start + at));
                }
                index -= 1;
                start = at + 1;
            }
        }
        (index == 0).then(|| Span::new(span.start + start, span.start + end))
    }

    /// The components of the first repetition of an element, with their spans.
    fn components(&self, span: Span) -> Components<'t> {
        let separator = self.segment.delimiters.component;
        let value = span.text(self.text);
        let first = match self.segment.delimiters.repetition {
            Some(r) => value.bytes().position(|b| b == r).and_then(|at| value.get(..at)).unwrap_or(value),
            None => value,
        };
        if separator.is_ascii() {
            return Components::Bytes { rest: first.as_bytes(), start: span.start, separator, done: false };
        }
        let mut start = span.start;
        Components::Chars(Box::new(first.split(char::from(separator)).map(move |piece| {
            let piece_span = Span::new(start, start + piece.len());
            start += piece.len() + 1;
            piece_span
        })))
    }
}

/// The components of an element's first repetition: split on the separator byte when it
/// is ASCII (nearly always), else as a string split on the separator's character.
enum Components<'t> {
    Bytes { rest: &'t [u8], start: usize, separator: u8, done: bool },
    Chars(Box<dyn Iterator<Item = Span> + 't>),
}

impl Iterator for Components<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        match self {
            Components::Bytes { rest, start, separator, done } => {
                if *done {
                    return None;
                }
                let length = match rest.iter().position(|byte| byte == separator) {
                    Some(at) => at,
                    None => {
                        *done = true;
                        rest.len()
                    }
                };
                let piece = Span::new(*start, *start + length);
                *rest = rest.get(length + 1..).unwrap_or_default();
                *start += length + 1;
                Some(piece)
            }
            Components::Chars(pieces) => pieces.next(),
        }
    }
}

fn qualifier_matches(def: &SegmentDef, reading: &Reading<'_>) -> bool {
    let Some((position, codes)) = &def.qualifier else { return true };
    let Some(span) = reading.at(position.element, position.component) else { return false };
    let value = span.text(reading.text);
    match &def.qualifier_keys {
        Some(keys) => code_key(value).is_some_and(|key| keys.contains(&key)),
        None => codes.contains(&value),
    }
}

/// A code shown in a message: short codes are quoted, anything long is not repeated
/// (it may be pasted text holding patient data).
fn quoted_code(value: &str) -> String {
    if value.is_empty() {
        "(empty)".to_string()
    } else if value.len() <= 5 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        format!("`{value}`")
    } else {
        "this value".to_string()
    }
}

/// Up to eight codes, then how many more.
pub(crate) fn code_list(codes: &[&str]) -> String {
    let shown: Vec<&str> = codes.iter().copied().take(8).collect();
    let mut list = shown.join(", ");
    if codes.len() > shown.len() {
        list.push_str(&format!(" … and {} more", codes.len() - shown.len()));
    }
    list
}

fn upper_case_repair(span: Span, value: &str, codes: &[&str]) -> Option<GuideRepair> {
    let upper = value.to_ascii_uppercase();
    (upper != value && codes.contains(&upper.as_str())).then(|| GuideRepair {
        title: format!("Change to {upper}"),
        span,
        text: upper,
    })
}

fn finding(check: GuideCheck, span: Span, message: String) -> GuideFinding {
    GuideFinding { check, span, message, repair: None, typed_element: None }
}

/// Checks each element of a segment against its definition, then the syntax notes.
fn check_elements(def: &SegmentDef, reading: &Reading<'_>, out: &mut Vec<GuideFinding>) {
    let id = reading.id();
    let anchor = reading.segment.id_span();
    // Values past the last element the guide defines.
    if let Some(extra) = reading.elements.iter().skip(def.element_count).find(|e| !e.span().is_empty()) {
        out.push(GuideFinding {
            check: GuideCheck::ElementNotUsed,
            span: extra.span(),
            message: format!("{id} has a value after {id}{:02}, the last element the guide defines", def.element_count),
            repair: Some(remove_extra_values(reading, def.element_count)),
            typed_element: None,
        });
    }
    let mut index = 0;
    while let Some(element) = def.elements.get(index) {
        index += 1;
        if element.position.component.is_some() {
            continue;
        }
        let position = element.position.element;
        let span = reading.element(position);
        // Most of a segment's defined elements are absent: only a required one matters.
        // (What `check_simple` and the composite check below report for an empty value.)
        if span.is_none_or(|span| span.is_empty()) {
            if element.usage == Usage::Required {
                out.push(finding(
                    GuideCheck::MissingElement,
                    anchor,
                    format!("{} ({}) is required and empty", element.ref_des, element.name),
                ));
            }
            continue;
        }
        let value_span = span.unwrap_or(Span::new(anchor.end, anchor.end));
        let value = value_span.text(reading.text);
        if element.data_type != DataType::Composite {
            check_simple(element, reading, value_span, value, position, out);
            continue;
        }
        let components: &[ElementDef] = {
            let start = index;
            let mut end = start;
            while def
                .elements
                .get(end)
                .is_some_and(|e| e.position.element == position && e.position.component.is_some())
            {
                end += 1;
            }
            index = end;
            def.elements.get(start..end).unwrap_or(&[])
        };
        let has_value = !value.is_empty() && reading.components(value_span).any(|c| !c.is_empty());
        if !has_value {
            if element.usage == Usage::Required {
                out.push(finding(
                    GuideCheck::MissingElement,
                    span.filter(|s| !s.is_empty()).unwrap_or(anchor),
                    format!("{} ({}) is required and empty", element.ref_des, element.name),
                ));
            }
            continue;
        }
        if element.usage == Usage::NotUsed {
            out.push(GuideFinding {
                check: GuideCheck::ElementNotUsed,
                span: value_span,
                message: format!(
                    "{} ({}) is not used by this guide here, but has a value",
                    element.ref_des, element.name
                ),
                repair: remove_value(reading, position),
                typed_element: None,
            });
            continue;
        }
        let mut pieces = reading.components(value_span);
        for component in components {
            let piece = pieces.next();
            let piece_span = piece.unwrap_or(Span::new(value_span.end, value_span.end));
            let piece_value = piece_span.text(reading.text);
            if piece_value.is_empty() {
                // The first component of an optional composite is not demanded on its own.
                let demanded = component.position.component != Some(1) || element.usage == Usage::Required;
                if component.usage == Usage::Required && demanded {
                    out.push(finding(
                        GuideCheck::MissingElement,
                        value_span,
                        format!("{} ({}) is required and empty", component.ref_des, component.name),
                    ));
                }
                continue;
            }
            let scan = Scan::of(piece_value, reading.segment.delimiters.component);
            check_value(component, reading, piece_span, piece_value, &scan, out);
        }
        if let Some(extra) = pieces.find(|p| !p.is_empty()) {
            out.push(finding(
                GuideCheck::ElementNotUsed,
                extra,
                format!("{} has more components than the guide defines", element.ref_des),
            ));
        }
    }
    for note in &def.syntax {
        check_syntax(note, def, reading, out);
    }
}

fn check_simple(
    element: &ElementDef,
    reading: &Reading<'_>,
    span: Span,
    value: &str,
    position: usize,
    out: &mut Vec<GuideFinding>,
) {
    if value.is_empty() {
        if element.usage == Usage::Required {
            let anchor = reading.segment.id_span();
            out.push(finding(
                GuideCheck::MissingElement,
                reading.element(position).filter(|s| !s.is_empty()).unwrap_or(anchor),
                format!("{} ({}) is required and empty", element.ref_des, element.name),
            ));
        }
        return;
    }
    if element.usage == Usage::NotUsed {
        out.push(GuideFinding {
            check: GuideCheck::ElementNotUsed,
            span,
            message: format!("{} ({}) is not used by this guide here, but has a value", element.ref_des, element.name),
            repair: remove_value(reading, position),
            typed_element: None,
        });
        return;
    }
    let scan = Scan::of(value, reading.segment.delimiters.component);
    if scan.component && !reading.is_isa {
        out.push(finding(
            GuideCheck::ElementType,
            span,
            format!("{} ({}) is a simple element but holds components", element.ref_des, element.name),
        ));
        return;
    }
    check_value(element, reading, span, value, &scan, out);
}

/// What one reading of a value's bytes tells: its lengths, its first control character,
/// whether it holds the component separator, is all digits, is all of the extended set.
struct Scan {
    chars: usize,
    /// Length as X12 counts a number: without sign and decimal point.
    numeric_len: usize,
    control: Option<u8>,
    component: bool,
    digits: bool,
    extended: bool,
}

impl Scan {
    /// One table load per byte ([`BYTE_CLASS`]); what every byte is, and what any byte
    /// is, folded into two masks.
    fn of(value: &str, component: u8) -> Scan {
        let bytes = value.as_bytes();
        let (mut every, mut any, mut continuations, mut signs, mut has_component) = (u8::MAX, 0u8, 0, 0, false);
        for &byte in bytes {
            let class = BYTE_CLASS.get(usize::from(byte)).copied().unwrap_or(0);
            every &= class;
            any |= class;
            continuations += usize::from(class & CONTINUATION != 0);
            signs += usize::from(class & SIGN_OR_POINT != 0);
            has_component |= byte == component;
        }
        let control = if any & CONTROL != 0 { bytes.iter().copied().find(u8::is_ascii_control) } else { None };
        Scan {
            chars: bytes.len().saturating_sub(continuations),
            numeric_len: bytes.len().saturating_sub(signs),
            control,
            component: has_component,
            digits: every & DIGIT != 0,
            extended: every & EXTENDED_SET != 0,
        }
    }
}

/// Bits of [`BYTE_CLASS`].
const EXTENDED_SET: u8 = 1;
const DIGIT: u8 = 2;
const CONTROL: u8 = 4;
/// A UTF-8 continuation byte: not a character of its own.
const CONTINUATION: u8 = 8;
/// `-` or `.`, which X12 does not count in a number's length.
const SIGN_OR_POINT: u8 = 16;

/// What [`Scan::of`] asks of each byte, built at compile time.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if EXTENDED[byte] {
            class |= EXTENDED_SET;
        }
        if b.is_ascii_digit() {
            class |= DIGIT;
        }
        if b.is_ascii_control() {
            class |= CONTROL;
        }
        if b & 0xC0 == 0x80 {
            class |= CONTINUATION;
        }
        if b == b'-' || b == b'.' {
            class |= SIGN_OR_POINT;
        }
        table[byte] = class;
        byte += 1;
    }
    table
};

/// Length, characters, code list and data type of one non-empty value.
fn check_value(
    element: &ElementDef,
    reading: &Reading<'_>,
    span: Span,
    value: &str,
    scan: &Scan,
    out: &mut Vec<GuideFinding>,
) {
    let numeric = matches!(element.data_type, DataType::Numeric | DataType::Decimal);
    let length = if numeric { scan.numeric_len } else { scan.chars };
    let (name, ref_des) = (element.name, element.ref_des);
    if length < element.min_len {
        out.push(finding(
            GuideCheck::ElementLength,
            span,
            format!("{ref_des} ({name}) is {length} characters long; the guide's minimum is {}", element.min_len),
        ));
    }
    if length > element.max_len {
        out.push(finding(
            GuideCheck::ElementLength,
            span,
            format!("{ref_des} ({name}) is {length} characters long; the guide's maximum is {}", element.max_len),
        ));
    }
    if let Some(control) = scan.control {
        out.push(finding(
            GuideCheck::ElementType,
            span,
            format!("{ref_des} ({name}) contains a control character (0x{control:02X})"),
        ));
        return;
    }
    let text_like = matches!(element.data_type, DataType::Identifier | DataType::String);
    if text_like && value.ends_with(' ') && value.trim_end().chars().count() >= element.min_len {
        out.push(finding(GuideCheck::ElementType, span, format!("{ref_des} ({name}) ends in spaces")));
    }
    let listed = !element.codes.is_empty();
    let known = if listed {
        element.lists(value) || element.external_codes.is_some() && element.in_external(value)
    } else {
        element.external_codes.is_none() || element.in_external(value)
    };
    if !known {
        let allowed = if listed {
            format!("allowed: {}", code_list(&element.codes))
        } else {
            format!("not in the {} code list", element.external_codes.unwrap_or("external"))
        };
        out.push(GuideFinding {
            check: GuideCheck::InvalidCode,
            span,
            message: format!(
                "{ref_des} ({name}): {} is not a code the guide allows here ({allowed})",
                quoted_code(value)
            ),
            repair: upper_case_repair(span, value, &element.codes),
            typed_element: None,
        });
    }
    let mut data_type = element.data_type;
    // DTP03's format is the one DTP02 names (D8 or RD8).
    let date_format = (element.position.element == 3 && reading.id() == "DTP").then(|| reading.value(2));
    if !scanned_type_ok(data_type, value, scan) {
        let what = match data_type {
            DataType::Date => "is not a valid date (CCYYMMDD)".to_string(),
            DataType::Time => "is not a valid time (HHMM)".to_string(),
            DataType::Numeric => "is not a whole number".to_string(),
            DataType::Decimal => "is not a number".to_string(),
            _ => format!("has characters type {} does not allow", data_type.code()),
        };
        out.push(GuideFinding {
            typed_element: Some(ref_des),
            ..finding(GuideCheck::ElementType, span, format!("{ref_des} ({name}) {what}"))
        });
        return;
    }
    if let Some(digits) = element.exact_digits {
        if value.len() != digits || !value.bytes().all(|b| b.is_ascii_digit()) {
            out.push(finding(
                GuideCheck::ElementType,
                span,
                format!("{ref_des} ({name}) must be exactly {digits} digits here"),
            ));
            return;
        }
    }
    if let Some(format) = date_format {
        data_type = DataType::Date;
        let ok = match format {
            "D8" => value.len() == 8 && type_ok(data_type, value),
            "RD8" => value.split_once('-').is_some_and(|(from, to)| {
                from.len() == 8 && to.len() == 8 && type_ok(data_type, from) && type_ok(data_type, to)
            }),
            _ => true,
        };
        if !ok {
            out.push(GuideFinding {
                typed_element: Some(ref_des),
                ..finding(GuideCheck::ElementType, span, format!("{ref_des} ({name}) is not a valid {format} date"))
            });
        }
    }
}

/// [`type_ok`], answered from the scan where it can be (plain digits, plain text).
fn scanned_type_ok(data_type: DataType, value: &str, scan: &Scan) -> bool {
    match data_type {
        DataType::Numeric | DataType::Decimal if scan.digits => !value.is_empty(),
        DataType::Identifier => scan.extended,
        DataType::String if scan.extended => true,
        _ => type_ok(data_type, value),
    }
}

/// Whether a value is of its X12 data type, as pyx12 judges it (5010 extended
/// character set for ID and AN).
fn type_ok(data_type: DataType, value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match data_type {
        DataType::Numeric => digits(value.strip_prefix('-').unwrap_or(value)),
        DataType::Decimal => {
            let unsigned = value.strip_prefix('-').unwrap_or(value);
            let (whole, fraction) = match unsigned.split_once('.') {
                Some((whole, fraction)) => (whole, Some(fraction)),
                None => (unsigned, None),
            };
            let whole_ok = whole.bytes().all(|b| b.is_ascii_digit());
            match fraction {
                Some(fraction) => whole_ok && digits(fraction),
                None => whole_ok && !whole.is_empty(),
            }
        }
        DataType::Identifier => value.bytes().all(extended_character),
        // Letters beyond ASCII (MUÑOZ read from a Latin-1 file) are a matter between
        // trading partners; pyx12 rejects them (see docs/ig-vs-pyx12.md).
        DataType::String => value.chars().all(|c| match u8::try_from(c) {
            Ok(byte) if c.is_ascii() => extended_character(byte),
            _ => c.is_alphabetic(),
        }),
        DataType::Date => valid_date(value),
        DataType::Time => valid_time(value),
        DataType::Composite => true,
    }
}

/// The X12 5010 extended character set, as pyx12 reads it.
fn extended_character(byte: u8) -> bool {
    EXTENDED.get(usize::from(byte)).copied().unwrap_or(false)
}

/// [`extended_character`] as a table, built at compile time.
static EXTENDED: [bool; 256] = {
    let mut table = [false; 256];
    let punctuation = b" !\"&'()*+,-./:;?=%~@[]_{}\\|<>^`#$";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    let mut byte = 0;
    while byte < 256 {
        if (byte as u8).is_ascii_alphanumeric() {
            table[byte] = true;
        }
        byte += 1;
    }
    table
};

fn valid_date(value: &str) -> bool {
    if !value.bytes().all(|b| b.is_ascii_digit()) || !matches!(value.len(), 6 | 8 | 12) {
        return false;
    }
    let full: std::borrow::Cow<'_, str> = if value.len() == 6 {
        let century = if value.get(0..2).and_then(|y| y.parse::<u32>().ok()).unwrap_or(0) < 50 { "20" } else { "19" };
        format!("{century}{value}").into()
    } else {
        value.into()
    };
    let number = |range: std::ops::Range<usize>| full.get(range).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(4..6), number(6..8)) else { return false };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1800 && (1..=days).contains(&day) && (full.len() != 12 || full.get(8..12).is_some_and(valid_time))
}

fn valid_time(value: &str) -> bool {
    if !value.bytes().all(|b| b.is_ascii_digit()) || value.len() < 4 || value.len() == 5 || value.len() > 8 {
        return false;
    }
    let part = |range: std::ops::Range<usize>| value.get(range).unwrap_or("");
    part(0..2) <= "23" && part(2..4) <= "59" && (value.len() < 6 || part(4..6) <= "59")
}

/// `P` paired, `R` at least one, `E` at most one, `C` if the first then all others,
/// `L` if the first then at least one other.
fn check_syntax(note: &SyntaxNote, def: &SegmentDef, reading: &Reading<'_>, out: &mut Vec<GuideFinding>) {
    let id = reading.id();
    let present = |position: usize| {
        reading.element(position).is_some_and(|span| !span.is_empty() && !span.text(reading.text).is_empty())
    };
    let names = |positions: &[usize], joiner: &str| {
        let all: Vec<String> = positions.iter().map(|p| format!("{id}{p:02}")).collect();
        match all.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} {joiner} {last}", rest.join(", ")),
            _ => all.join(""),
        }
    };
    let positions = note.positions.as_slice();
    let Some((&first, others)) = positions.split_first() else { return };
    // Each position's value read once.
    let (mut count, mut others_count, mut first_present) = (0, 0, false);
    for (index, &position) in positions.iter().enumerate() {
        if present(position) {
            count += 1;
            if index == 0 {
                first_present = true;
            } else {
                others_count += 1;
            }
        }
    }
    let broken = match note.kind {
        b'P' => (count != 0 && count != positions.len()).then(|| format!("{} go together", names(positions, "and"))),
        b'R' => (count == 0).then(|| format!("at least one of {} is required", names(positions, "or"))),
        b'E' => (count > 1).then(|| format!("only one of {} may be present", names(positions, "or"))),
        b'C' => (first_present && others_count != others.len())
            .then(|| format!("when {id}{first:02} is present, {} must be too", names(others, "and"))),
        b'L' => (first_present && others_count == 0)
            .then(|| format!("when {id}{first:02} is present, at least one of {} must be too", names(others, "or"))),
        _ => None,
    };
    let Some(broken) = broken else { return };
    let span = positions
        .iter()
        .filter_map(|p| reading.element(*p).filter(|s| !s.is_empty()))
        .next()
        .unwrap_or(reading.segment.id_span());
    // Paired, with one side empty and exactly one code allowed there: insert it.
    let repair = (note.kind == b'P').then(|| positions.iter().find(|p| !present(**p))).flatten().and_then(|&missing| {
        let element = def.elements.iter().find(|e| e.position.element == missing && e.position.component.is_none())?;
        let [code] = element.codes[..] else { return None };
        let at = reading.element(missing)?;
        Some(GuideRepair { title: format!("Insert {code} in {id}{missing:02}"), span: at, text: code.to_string() })
    });
    out.push(GuideFinding {
        check: GuideCheck::SyntaxRule,
        span,
        message: format!("{}: {broken}", note.text),
        repair,
        typed_element: None,
    });
}

/// Removes the value at `position`; when nothing follows it, also the separators that
/// would be left trailing.
fn remove_value(reading: &Reading<'_>, position: usize) -> Option<GuideRepair> {
    let span = reading.element(position)?;
    let later_values = reading.elements.iter().skip(position).any(|e| !e.span().is_empty());
    let span = if later_values {
        span
    } else {
        let kept_end = reading
            .elements
            .iter()
            .take(position.saturating_sub(1))
            .rev()
            .find(|e| !e.span().is_empty())
            .map_or(reading.segment.id_span().end, |e| e.span().end);
        let last_end = reading.elements.last().map_or(span.end, |e| e.span().end);
        Span::new(kept_end, last_end)
    };
    Some(GuideRepair { title: "Remove the value the guide does not use".to_string(), span, text: String::new() })
}

/// Removes every value after the `defined` elements, with the separators before them.
fn remove_extra_values(reading: &Reading<'_>, defined: usize) -> GuideRepair {
    let kept_end = reading
        .elements
        .iter()
        .take(defined)
        .rev()
        .find(|e| !e.span().is_empty())
        .map_or(reading.segment.id_span().end, |e| e.span().end);
    let last_end = reading.elements.last().map_or(kept_end, |e| e.span().end);
    GuideRepair {
        title: "Remove the values the guide does not define".to_string(),
        span: Span::new(kept_end, last_end.max(kept_end)),
        text: String::new(),
    }
}

/// The repair of one finding, recomputed from its segment alone: each definition of the
/// segment in the guide is tried until one yields the same finding. Constant work per
/// finding, so fix-all over a large batch stays linear.
#[must_use]
pub fn repair_for(file: &ClaimFile, check: GuideCheck, span: Span, message: &str) -> Option<GuideRepair> {
    let index = file.tree.segment_at(span.start)?;
    let transactions = transactions(&file.text, &file.tree);
    let transaction = transactions.iter().find(|t| t.body.contains(&index) || t.se == Some(index))?;
    let guide = transaction.guide?;
    let segment = file.tree.segment(index)?;
    let text = file.text.as_str();
    let reading = Reading::new(segment, file.tree.elements(segment), text);
    let id = reading.id();
    if check == GuideCheck::InvalidCode && message.contains("is not a qualifier the guide allows here") {
        let value = span.text(text);
        let allowed = message.rsplit_once("(allowed: ")?.1.trim_end_matches(')');
        let codes: Vec<&str> = allowed.split(", ").collect();
        return upper_case_repair(span, value, &codes);
    }
    let mut found = Vec::new();
    // The qualifier tells most uses apart (NM1*85 is 2010AA's); the rest agree on the
    // finding's message, which names the element.
    for def in tables().guide(guide).segments.iter().filter(|def| def.id == id && qualifier_matches(def, &reading)) {
        found.clear();
        check_elements(def, &reading, &mut found);
        if let Some(finding) = found.iter_mut().find(|f| f.check == check && f.span == span && f.message == message) {
            return finding.repair.take();
        }
    }
    None
}
