//! Diagnostics kept current across edits without re-analysing the whole file.
//!
//! A full analysis splits an 837 into a *frame* — envelopes (ISA, GS, ST, SE, GE, IEA),
//! the transaction header and every `HL` segment — and *loops*: the segments after
//! each `HL` up to the next `HL` or `SE` (a subscriber's or patient's names, payer and
//! claims). An edit that stays inside one loop, keeps its number of segments and
//! creates no frame segment re-analyses only that loop and the loops under it
//! (their claims read its subscriber and payer). Each is analysed by the same code as a
//! whole file ([`Analysis::of_text`]), on a small text made of its interchange's ISA, its
//! GS and ST, the HL loops above it and itself; its findings replace the old ones in its
//! byte range, and every other finding is kept with its position shifted. Anything else
//! — an edit to the ISA or any frame segment, across loops, adding or removing a
//! segment, a file with an unknown rule turned on — analyses the whole text again. A
//! charge file is kept current claim by claim instead (`charge_incremental`). The
//! implementation-guide rules (`ig-*`) follow a transaction's loops in order: their pass
//! is resumed from a state it had before the edit and stops where its state equals the
//! last run's (what follows then reports the same) — before the segment typed in when
//! the loop was re-checked last, else after the loop's HL, else at ST
//! (`guide_window`). `tests/incremental.rs`
//! checks after thousands of random edits that the result equals a full analysis of the
//! same text.

use std::borrow::Cow;

use ropey::Rope;

use super::charge_incremental::ChargeLayout;
use super::{Analysis, DocumentKind};
use crate::config::Environment;
use crate::diagnostic::Diagnostic;
use crate::guide::Checkpoint;
use crate::rules::Rule;
use crate::syntax::Span;
use guide_window::{Edit, EditedLoop, SegmentStates};

mod guide_window;

/// The rules whose findings inside a loop depend only on that loop, the loops above it
/// and its envelope headers, and whose findings outside loops depend on nothing an
/// in-loop edit that keeps the segment count can change. A rule not listed here (one
/// added later that reads a whole transaction in order) turns the shortcut off: every
/// edit then re-analyses the whole file, which is always right.
const LOOP_LOCAL_RULES: &[&str] = &[
    // Frame rules: envelopes, control numbers, SE01 (segment counts are kept), HL numbering.
    "isa-malformed",
    "envelope-mismatch",
    "segment-count",
    "envelope-count",
    "hl-structure",
    // Per segment or per claim.
    "lx-sequence",
    "claim-total-mismatch",
    "invalid-date",
    "invalid-number",
    "npi-check-digit",
    "unexpected-segment",
];

/// Segments that open or close envelopes or loops: an edit that makes or breaks one
/// changes the frame.
const FRAME_SEGMENTS: &[&str] = &["ISA", "IEA", "GS", "GE", "ST", "SE", "HL"];

/// Above this many loops to re-check (an edit to a billing provider's loop, which every
/// claim below reads), a whole analysis is as quick and simpler.
const MOST_LOOPS_PER_EDIT: usize = 64;

/// A change since the analysed text: its bytes `start..old_end` are now `start..new_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextChange {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl TextChange {
    /// No change at `offset`.
    pub const fn none() -> Self {
        Self { start: usize::MAX, old_end: 0, new_end: 0 }
    }

    pub fn is_none(&self) -> bool {
        self.start == usize::MAX
    }

    /// This change followed by `next` (whose offsets are in the text after this one), as
    /// one change covering both.
    pub fn then(self, next: TextChange) -> TextChange {
        if self.is_none() {
            return next;
        }
        if next.is_none() {
            return self;
        }
        // Where `next` ends, in the text before `self`: past `self`'s new bytes it maps
        // back through them; inside or before them, `self`'s end covers it.
        let next_old_end = match next.old_end.checked_sub(self.new_end) {
            Some(after) => self.old_end + after,
            None => self.old_end,
        };
        TextChange {
            start: self.start.min(next.start),
            old_end: self.old_end.max(next_old_end),
            new_end: (self.new_end.max(next.old_end) + next.new_end).saturating_sub(next.old_end),
        }
    }
}

/// How the last update was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// The whole text was analysed.
    Full,
    /// This many loops were analysed; the rest was kept.
    Loops(usize),
    /// This many claims (row groups) of a charge file were checked; the rest was kept.
    Claims(usize),
}

/// How the last update brought the implementation-guide (`ig-*`) findings up to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideUpdate {
    /// With the rest of a whole analysis.
    Whole,
    /// Not re-run: no change, a charge file, or the rules are off.
    NotRun,
    /// Re-run over this many segments of the edited loop, from the first one the edit
    /// changed to the first after which the pass is in its old state again.
    Segments(usize),
    /// Re-run over this many segments: the edited loop and the next HL (or SE).
    Window(usize),
    /// Re-run over the whole edited transaction, ST through SE.
    Transaction,
}

/// The text an update reads: the server's rope or a string.
pub trait Text {
    fn len_bytes(&self) -> usize;
    /// The bytes of `span`, or `None` when it does not fit the text.
    fn slice(&self, span: Span) -> Option<Cow<'_, str>>;
    fn whole(&self) -> String;
    /// The whole text in `buffer` (emptied first), reusing its memory.
    fn whole_into(&self, buffer: &mut String) {
        buffer.clear();
        buffer.push_str(&self.whole());
    }
}

impl Text for str {
    fn len_bytes(&self) -> usize {
        self.len()
    }

    fn slice(&self, span: Span) -> Option<Cow<'_, str>> {
        self.get(span.start..span.end).map(Cow::Borrowed)
    }

    fn whole(&self) -> String {
        self.to_string()
    }

    fn whole_into(&self, buffer: &mut String) {
        buffer.clear();
        buffer.push_str(self);
    }
}

impl Text for Rope {
    fn len_bytes(&self) -> usize {
        Rope::len_bytes(self)
    }

    fn slice(&self, span: Span) -> Option<Cow<'_, str>> {
        let slice = self.get_byte_slice(span.start..span.end)?;
        Some(match slice.as_str() {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(slice.to_string()),
        })
    }

    fn whole(&self) -> String {
        self.to_string()
    }

    fn whole_into(&self, buffer: &mut String) {
        buffer.clear();
        buffer.reserve(self.len_bytes());
        for chunk in self.chunks() {
            buffer.push_str(chunk);
        }
    }
}

/// A document's findings, kept current edit by edit.
pub struct IncrementalCheck {
    kind: DocumentKind,
    diagnostics: Vec<Diagnostic>,
    /// Frame and loops of an 837 that can be updated loop by loop; `None` otherwise.
    layout: Option<Layout>,
    /// The rows and claims of a charge file that can be updated claim by claim.
    charges: Option<ChargeLayout>,
    last: Update,
    last_guide: GuideUpdate,
}

struct Layout {
    /// Per transaction: the ISA, GS (when the ST is in a group) and ST segments.
    headers: Vec<Vec<Span>>,
    /// Per transaction: ST through SE, what the implementation-guide rules read, and the
    /// delimiters its ST was read with.
    bodies: Vec<(Span, crate::syntax::Delimiters)>,
    loops: Vec<Loop>,
    /// Per loop: the implementation-guide pass's state right after its HL, when known.
    checkpoints: Vec<Option<Checkpoint>>,
    /// The pass's state after each segment of the loop re-checked last.
    segment_states: Option<SegmentStates>,
}

/// The segments of one HL loop after its HL, up to the next HL or SE.
struct Loop {
    transaction: usize,
    hl: Span,
    /// Empty (at the HL's end) when the HL is followed at once by another.
    span: Span,
    segments: usize,
    /// The loop of the level HL02 names.
    parent: Option<usize>,
    /// The last loop below this one (itself when none): an edit here re-checks no loop
    /// after it, so the search for those under it stops there.
    last_below: usize,
}

impl IncrementalCheck {
    /// Analyses the whole text; the analysis is returned for the caller to keep.
    pub fn full(text: String, kind: &DocumentKind, environment: &Environment) -> (Self, Analysis) {
        let mut analysis = Analysis::of_document(text, kind, environment);
        let mut checkpoints = std::mem::take(&mut analysis.guide_checkpoints);
        // A small file's analysis runs the guide pass among the rules, keeping no
        // checkpoints: run it once more for them (a fraction of a millisecond).
        let small = analysis.file.text.len() < crate::rules::PARALLEL_FROM_BYTES;
        if checkpoints.is_empty() && small && analysis.charges.is_none() && guide_on(environment) {
            checkpoints = crate::guide::validate_tree_with_checkpoints(&analysis.file.text, &analysis.file.tree).1;
        }
        let layout = layout(&analysis, environment, checkpoints);
        let charges = ChargeLayout::of(&analysis, environment);
        let diagnostics = analysis.diagnostics.clone();
        let check = Self {
            kind: kind.clone(),
            diagnostics,
            layout,
            charges,
            last: Update::Full,
            last_guide: GuideUpdate::Whole,
        };
        (check, analysis)
    }

    /// The findings, sorted by position as a full analysis sorts them.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Takes the findings out (the check is spent).
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// How the last update was made.
    pub fn last_update(&self) -> Update {
        self.last
    }

    /// How the last update brought the implementation-guide findings up to date.
    pub fn last_guide_update(&self) -> GuideUpdate {
        self.last_guide
    }

    /// Brings the findings up to date with `text`, which is the analysed text with
    /// `change` applied.
    pub fn update(&mut self, text: &(impl Text + ?Sized), change: TextChange, environment: &Environment) {
        self.last_guide = GuideUpdate::NotRun;
        if change.is_none() {
            self.last = Update::Loops(0);
            return;
        }
        if let Some(loops) = self.try_loops(text, change, environment) {
            self.last = Update::Loops(loops);
            return;
        }
        if let Some(charges) = self.charges.as_mut() {
            if let Some(claims) = charges.update(&mut self.diagnostics, text, change, environment) {
                self.last = Update::Claims(claims);
                return;
            }
        }
        let (fresh, analysis) = Self::full(text.whole(), &self.kind, environment);
        *self = fresh;
        // A 45 MB analysis takes a while to free; the caller is off the async threads.
        drop(analysis);
    }

    /// Re-checks the loop the change is in and the loops under it; `None` when the change
    /// needs a whole analysis.
    fn try_loops(
        &mut self,
        text: &(impl Text + ?Sized),
        change: TextChange,
        environment: &Environment,
    ) -> Option<usize> {
        let layout = self.layout.as_ref()?;
        let delta = change.new_end as isize - change.old_end as isize;
        let shift = |offset: usize| usize::try_from(offset as isize + delta).ok();
        let shifted = |span: Span| Some(Span::new(shift(span.start)?, shift(span.end)?));
        // The loop holding the whole change (an empty loop holds an insertion at its place).
        let index = layout.loops.partition_point(|l| l.span.end < change.start);
        let edited = layout.loops.get(index)?;
        if !(edited.span.start <= change.start && change.old_end <= edited.span.end) {
            return None;
        }
        // The loops under it, in order (the loops of one transaction are contiguous).
        let mut affected = vec![index];
        for (later, candidate) in layout.loops.iter().enumerate().take(edited.last_below + 1).skip(index + 1) {
            if candidate.transaction != edited.transaction {
                break;
            }
            if descends_from(&layout.loops, later, index) {
                affected.push(later);
                if affected.len() > MOST_LOOPS_PER_EDIT {
                    return None;
                }
            }
        }
        // Where a loop's HL and segments are in the new text: the loops above the edited
        // one are before the change, those below it after; the edited loop's HL is before
        // the change, and its segments hold it.
        let moved_hl = |at: usize, hl: Span| if at <= index { Some(hl) } else { shifted(hl) };
        let moved = |at: usize, span: Span| -> Option<Span> {
            match at.cmp(&index) {
                std::cmp::Ordering::Less => Some(span),
                std::cmp::Ordering::Equal => Some(Span::new(span.start, shift(span.end)?)),
                std::cmp::Ordering::Greater => shifted(span),
            }
        };
        let (guide_rules, loop_rules): (Vec<&'static Rule>, Vec<&'static Rule>) =
            crate::rules::ALL.iter().copied().partition(|rule| rule.reads == crate::rules::Reads::Guide);
        let mut found = Vec::new();
        // The edited loop's text as parsed for its rules, which the guide pass reads again.
        let mut edited_loop = None;
        for &at in &affected {
            let target = layout.loops.get(at)?;
            let mut chain = vec![at];
            let mut next = target.parent;
            while let Some(parent) = next {
                if chain.len() > layout.loops.len() {
                    return None;
                }
                chain.push(parent);
                next = layout.loops.get(parent)?.parent;
            }
            chain.reverse();
            // The headers come before every loop of their transaction: never moved here.
            let mut mini = String::new();
            for header in layout.headers.get(target.transaction)? {
                mini.push_str(&text.slice(*header)?);
            }
            let mut piece = Span::default();
            for &link in &chain {
                let linked = layout.loops.get(link)?;
                mini.push_str(&text.slice(moved_hl(link, linked.hl)?)?);
                let start = mini.len();
                mini.push_str(&text.slice(moved(link, linked.span)?)?);
                if link == at {
                    piece = Span::new(start, mini.len());
                }
            }
            // The implementation-guide rules are left out: their findings come from the
            // window below, and here they would run the guide pass once more for nothing.
            let file = crate::model::ClaimFile::parse(mini);
            if whole_segments(&file, piece)? != target.segments {
                return None;
            }
            let billing = crate::model::Billing::from_x12(&file);
            let diagnostics =
                crate::rules::check_some(crate::model::Subject::x12(&file, &billing), environment, &loop_rules);
            let base = moved(at, target.span)?.start;
            let to_text = |offset: usize| offset - piece.start + base;
            found.extend(
                diagnostics
                    .into_iter()
                    .filter(|d| piece.start <= d.span.start && d.span.start < piece.end && d.span.end <= piece.end)
                    .map(|d| Diagnostic { span: Span::new(to_text(d.span.start), to_text(d.span.end)), ..d }),
            );
            if at == index {
                edited_loop = Some(EditedLoop { file, piece, base });
            }
        }
        // The edited transaction's implementation-guide findings (`guide_window`);
        // `guide_range` is where the old ones are replaced (old offsets).
        let transaction = edited.transaction;
        let guide_on = guide_rules.iter().any(|rule| crate::rules::may_report(rule, &environment.settings));
        let mut guide_range = Span::default();
        let mut guide_update = GuideUpdate::NotRun;
        let mut kept = guide_window::Kept::Nothing;
        let mut new_checkpoints = None;
        if guide_on {
            let edit = Edit {
                layout,
                index,
                edited: edited_loop.as_ref(),
                text,
                change,
                environment,
                guide_rules: &guide_rules,
            };
            let rechecked = edit.recheck()?;
            found.extend(rechecked.diagnostics);
            guide_range = rechecked.replaced;
            guide_update = rechecked.update;
            kept = rechecked.kept;
            new_checkpoints = rechecked.checkpoints;
        }
        // Everything checked: move the layout, drop the re-checked loops' old findings
        // (and the transaction's old implementation-guide findings), shift the rest, and
        // put the new ones in.
        let old_spans: Vec<Span> = affected.iter().filter_map(|&at| layout.loops.get(at).map(|l| l.span)).collect();
        let layout = self.layout.as_mut()?;
        let edited = layout.loops.get_mut(index)?;
        edited.span.end = shift(edited.span.end)?;
        // The loops after the edited one start at or after the change's old end, so the
        // shift takes none of them below its new end: plain adds, which the compiler
        // vectorises over a batch's 20,000 loops.
        for later in layout.loops.iter_mut().skip(index + 1) {
            for offset in [&mut later.hl.start, &mut later.hl.end, &mut later.span.start, &mut later.span.end] {
                *offset = offset.wrapping_add_signed(delta);
            }
        }
        // A later transaction's ST moves; its ISA and GS may be the ones before the change.
        for header in layout.headers.iter_mut().skip(transaction + 1).flatten() {
            if header.start >= change.old_end {
                *header = shifted(*header)?;
            }
        }
        for (at, (body, _)) in layout.bodies.iter_mut().enumerate().skip(transaction) {
            *body = if at == transaction { Span::new(body.start, shift(body.end)?) } else { shifted(*body)? };
        }
        SegmentStates::keep(&mut layout.segment_states, kept);
        if let Some(checkpoints) = new_checkpoints {
            for (at, slot) in layout.checkpoints.iter_mut().enumerate() {
                if layout.loops.get(at).is_some_and(|l| l.transaction == transaction) {
                    *slot = None;
                }
            }
            for (hl_start, checkpoint) in checkpoints {
                let at = layout.loops.partition_point(|l| l.hl.start < hl_start);
                if layout.loops.get(at).is_some_and(|l| l.hl.start == hl_start && l.transaction == transaction) {
                    if let Some(slot) = layout.checkpoints.get_mut(at) {
                        *slot = Some(checkpoint);
                    }
                }
            }
        }
        // In place: a batch holds 120,000 findings, and a new vector per edit would leave
        // the allocator a fresh hole of megabytes every time.
        let mut shifted_all = true;
        self.diagnostics.retain_mut(|diagnostic| {
            let start = diagnostic.span.start;
            // The guide's findings are replaced in `guide_range` only, the other rules' in
            // the re-checked loops.
            if guide_on && guide_rules.iter().any(|rule| rule.id == diagnostic.rule) {
                if guide_range.start <= start && start < guide_range.end {
                    return false;
                }
            } else {
                let holder = old_spans.partition_point(|span| span.end <= start);
                if old_spans.get(holder).is_some_and(|span| span.start <= start) {
                    return false;
                }
            }
            if start >= change.old_end {
                match shifted(diagnostic.span) {
                    Some(span) => diagnostic.span = span,
                    None => shifted_all = false,
                }
            }
            true
        });
        if !shifted_all {
            return None;
        }
        // The kept findings are still in order (those past the change moved together):
        // the new ones go among the kept ones at the same positions, and only that
        // stretch is sorted (a batch may hold 120,000 findings).
        crate::rules::sort(&mut found);
        if let (Some(first), Some(last)) = (found.first(), found.last()) {
            let (low, high) = (first.span.start, last.span.start);
            let from = self.diagnostics.partition_point(|d| d.span.start < low);
            let to = self.diagnostics.partition_point(|d| d.span.start <= high).max(from);
            let count = found.len();
            self.diagnostics.splice(to..to, found);
            if let Some(stretch) = self.diagnostics.get_mut(from..to + count) {
                crate::rules::sort(stretch);
            }
        }
        self.last_guide = guide_update;
        Some(affected.len())
    }
}

/// Whether any implementation-guide rule may report under these settings.
fn guide_on(environment: &Environment) -> bool {
    crate::rules::ALL
        .iter()
        .any(|rule| rule.reads == crate::rules::Reads::Guide && crate::rules::may_report(rule, &environment.settings))
}

fn descends_from(loops: &[Loop], candidate: usize, ancestor: usize) -> bool {
    let mut next = loops.get(candidate).and_then(|l| l.parent);
    let mut steps = 0;
    while let Some(at) = next {
        if at == ancestor {
            return true;
        }
        steps += 1;
        if steps > loops.len() {
            return false;
        }
        next = loops.get(at).and_then(|l| l.parent);
    }
    false
}

/// The number of segments in `piece` of the analysed text when they fill it exactly
/// (a segment may not cross its ends and the last one ends with a terminator), none
/// opens or closes a frame, and the text parsed without syntax errors there.
fn whole_segments(file: &crate::model::ClaimFile, piece: Span) -> Option<usize> {
    let tree = &file.tree;
    let text = &file.text;
    let first = tree.segments.partition_point(|s| s.span().end <= piece.start);
    let mut count = 0;
    let mut last_end = piece.start;
    for segment in tree.segments.get(first..)? {
        let span = segment.span();
        if span.start >= piece.end {
            break;
        }
        if span.start < piece.start || span.end > piece.end || segment.terminator().is_none() {
            return None;
        }
        if FRAME_SEGMENTS.contains(&segment.id(text)) {
            return None;
        }
        last_end = span.end;
        // Counted as SE01 counts (`~~` is no segment).
        count += usize::from(!segment.id(text).is_empty());
    }
    if tree.errors.iter().any(|e| e.span.end > piece.start && e.span.start < piece.end) {
        return None;
    }
    (last_end == piece.end || (count == 0 && piece.is_empty())).then_some(count)
}

/// The frame and loops of an analysed 837, when its findings can be kept loop by loop.
fn layout(
    analysis: &Analysis,
    environment: &Environment,
    checkpoints: Vec<(crate::syntax::SegmentIndex, Checkpoint)>,
) -> Option<Layout> {
    if analysis.charges.is_some() {
        return None;
    }
    let unknown_rule_on = crate::rules::ALL.iter().any(|rule| {
        rule.formats.includes_x12()
            && rule.scope == crate::config::RuleScope::File
            && !LOOP_LOCAL_RULES.contains(&rule.id)
            && rule.reads != crate::rules::Reads::Guide
            && crate::rules::may_report(rule, &environment.settings)
    });
    if unknown_rule_on {
        return None;
    }
    let file = &analysis.file;
    let mut layout = Layout {
        headers: Vec::new(),
        bodies: Vec::new(),
        loops: Vec::new(),
        checkpoints: Vec::new(),
        segment_states: None,
    };
    for interchange in &file.interchanges {
        let Some(isa) = interchange.isa else { continue };
        for group in &interchange.groups {
            for transaction in &group.transactions {
                let (Some(st), Some(se)) = (transaction.st, transaction.se) else { continue };
                let mut headers = vec![file.segment_span(isa)];
                headers.extend(group.gs.map(|gs| file.segment_span(gs)));
                headers.push(file.segment_span(st));
                if headers.iter().any(|span| span.is_empty()) {
                    continue;
                }
                let number = layout.headers.len();
                let st_span = file.segment_span(st);
                let delimiters = file.tree.segment(st)?.delimiters;
                layout.bodies.push((Span::new(st_span.start, file.segment_span(se).end), delimiters));
                layout.headers.push(headers);
                let first_loop = layout.loops.len();
                for (at, level) in transaction.levels.iter().enumerate() {
                    let end = transaction.levels.get(at + 1).map_or(se, |next| next.hl);
                    let hl = file.segment_span(level.hl);
                    let inside = level.hl + 1..end;
                    let segments = inside.clone().filter(|&at| !file.segment_id(at).is_empty()).count();
                    let span = if inside.is_empty() {
                        Span::new(hl.end, hl.end)
                    } else {
                        Span::new(file.segment_span(level.hl + 1).start, file.segment_span(end - 1).end)
                    };
                    if file.tree.segment(end - 1).is_none_or(|s| s.terminator().is_none()) {
                        return None;
                    }
                    let parent = level.parent.map(|p| first_loop + p);
                    let at = layout.loops.len();
                    layout.loops.push(Loop { transaction: number, hl, span, segments, parent, last_below: at });
                    let checkpoint = checkpoints
                        .binary_search_by_key(&level.hl, |(at, _)| *at)
                        .ok()
                        .and_then(|found| checkpoints.get(found))
                        .map(|(_, checkpoint)| checkpoint.clone());
                    layout.checkpoints.push(checkpoint);
                }
            }
        }
    }
    // A loop's parent comes before it (HL02 names an HL already read), so from the last
    // loop back, each has its own `last_below` when it hands it to its parent.
    let loops = layout.loops.len();
    let mut in_order = true;
    for at in (0..loops).rev() {
        let Some(Loop { parent: Some(parent), last_below, .. }) = layout.loops.get(at) else { continue };
        let (parent, last_below) = (*parent, *last_below);
        match layout.loops.get_mut(parent) {
            Some(above) if parent < at => above.last_below = above.last_below.max(last_below),
            _ => in_order = false,
        }
    }
    if !in_order {
        // Search every later loop for those below, as if nothing were known.
        layout.loops.iter_mut().for_each(|l| l.last_below = loops);
    }
    Some(layout)
}
