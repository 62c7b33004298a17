//! The implementation-guide (`ig-*`) findings after an edit inside one HL loop.
//!
//! The guide pass reads a transaction in order, so an edit can change what it reports
//! anywhere after the edit. It is resumed from a state it had before the edit and run
//! until its state is again the one the last run had at the same place: from there on
//! it would report what it reported, and the old findings stand. Three ways, shortest
//! first:
//! - [`SegmentStates`]: the state after each segment of the loop re-checked last. Typing
//!   on in that loop resumes before the segment typed in and mostly stops right after it.
//! - [`GuideWindow`]: the state after each HL (kept by the full run). The pass resumes
//!   after the edited loop's HL and runs through the next HL.
//! - [`rerun_transaction`]: from ST through SE, when the edit changes what the next loop
//!   counts (a second billing provider name).

use std::ops::ControlFlow;

use super::{GuideUpdate, Layout, Text, TextChange};
use crate::config::Environment;
use crate::diagnostic::Diagnostic;
use crate::guide::Checkpoint;
use crate::model::{Billing, ClaimFile, Subject};
use crate::rules::Rule;
use crate::syntax::{Delimiters, Span};

/// The pass's state after each segment of one loop (empty segments counted, as the tree
/// counts them), from the last re-check of that loop.
pub(super) struct SegmentStates {
    /// The loop (its index in [`Layout::loops`]).
    pub(super) loop_at: usize,
    after: Vec<Checkpoint>,
}

impl SegmentStates {
    /// Takes in what a re-check kept.
    pub(super) fn keep(slot: &mut Option<SegmentStates>, kept: Kept) {
        match kept {
            Kept::Loop(states) => *slot = Some(states),
            Kept::From(first, states) => {
                let updated = slot.as_mut().and_then(|kept| {
                    let old = kept.after.get_mut(first..first + states.len())?;
                    old.clone_from_slice(&states);
                    Some(())
                });
                if updated.is_none() {
                    *slot = None;
                }
            }
            Kept::Nothing => *slot = None,
        }
    }
}

/// The edited loop as its own re-check parsed it: the loop's segments are `piece` of
/// `file`'s text, which starts at `base` in the new text.
pub(super) struct EditedLoop {
    pub(super) file: ClaimFile,
    pub(super) piece: Span,
    pub(super) base: usize,
}

/// What a re-check found and what it leaves for the next edit.
pub(super) struct Rechecked {
    /// The new findings, at their places in the new text.
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Where the old implementation-guide findings are replaced (old offsets).
    pub(super) replaced: Span,
    pub(super) update: GuideUpdate,
    pub(super) kept: Kept,
    /// The transaction's new checkpoints, by the new offset of their HL, when it was re-run whole.
    pub(super) checkpoints: Option<Vec<(usize, Checkpoint)>>,
}

/// The segment states a re-check leaves.
pub(super) enum Kept {
    /// All of the edited loop's.
    Loop(SegmentStates),
    /// Those from this segment on, of the loop kept before (the others stand).
    From(usize, Vec<Checkpoint>),
    /// None: the states kept before may no longer hold.
    Nothing,
}

/// One edit inside loop `index` of `layout`, to re-check.
pub(super) struct Edit<'a, T: Text + ?Sized> {
    pub(super) layout: &'a Layout,
    pub(super) index: usize,
    pub(super) edited: Option<&'a EditedLoop>,
    pub(super) text: &'a T,
    pub(super) change: TextChange,
    pub(super) environment: &'a Environment,
    pub(super) guide_rules: &'a [&'static Rule],
}

impl<T: Text + ?Sized> Edit<'_, T> {
    /// The edited transaction's new implementation-guide findings, the shortest way that
    /// applies; `None` when the text needs a whole analysis.
    pub(super) fn recheck(&self) -> Option<Rechecked> {
        let layout = self.layout;
        let transaction = layout.loops.get(self.index)?.transaction;
        let (old_body, delimiters) = *layout.bodies.get(transaction)?;
        let from_hl = layout.checkpoints.get(self.index)?.as_ref();
        if let (Some(states), Some(edited), Some(from_hl)) = (&layout.segment_states, self.edited, from_hl) {
            if states.loop_at == self.index {
                if let Some(rechecked) = self.resume_at_segment(states, edited, from_hl, delimiters) {
                    return Some(rechecked);
                }
            }
        }
        let window = GuideWindow { layout, index: self.index, delimiters, old_body };
        if let Some(rechecked) = from_hl.and_then(|from| window.recheck(self, from)) {
            return Some(rechecked);
        }
        rerun_transaction(self, transaction, old_body, delimiters)
    }

    /// Re-runs the pass from before the first segment the change touches until the state
    /// after a segment is the one kept for it.
    fn resume_at_segment(
        &self,
        states: &SegmentStates,
        edited: &EditedLoop,
        from_hl: &Checkpoint,
        delimiters: Delimiters,
    ) -> Option<Rechecked> {
        let tree = &edited.file.tree;
        let first = tree.segments.partition_point(|s| s.span().end <= edited.piece.start);
        let end = tree.segments.partition_point(|s| s.span().start < edited.piece.end);
        let segments = tree.segments.get(first..end)?;
        if segments.len() != states.after.len() || segments.first()?.delimiters != delimiters {
            return None;
        }
        // The change in the loop's text, and the segments holding it: the last one that
        // starts at or before its start through the first that ends at or after its end.
        let in_file = |offset: usize| Some(offset.checked_sub(edited.base)? + edited.piece.start);
        let (start, new_end) = (in_file(self.change.start)?, in_file(self.change.new_end)?);
        let changed_from = segments.partition_point(|s| s.span().start <= start).checked_sub(1)?;
        let changed_to = segments.partition_point(|s| s.span().end < new_end);
        if changed_to >= segments.len() {
            return None;
        }
        let from = match changed_from.checked_sub(1) {
            None => from_hl,
            Some(before) => states.after.get(before)?,
        };
        let mut after = Vec::new();
        let resumed = crate::guide::resume_tree_each(
            &edited.file.text,
            tree,
            from,
            first + changed_from..end,
            first + changed_from,
            false,
            |nth, state| {
                let at = changed_from + nth;
                let same = at >= changed_to && states.after.get(at) == Some(&state);
                after.push(state);
                if same {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        // Not back in the old state by the loop's end: the next loop may report otherwise.
        let (findings, true) = resumed? else { return None };
        let last = changed_from + after.len().checked_sub(1)?;
        let run = Span::new(segments.get(changed_from)?.span().start, segments.get(last)?.span().end);
        let to_text = |offset: usize| offset - edited.piece.start + edited.base;
        let billing = Billing::default();
        let subject = Subject::x12(&edited.file, &billing);
        let mut diagnostics = Vec::new();
        for diagnostic in crate::rules::check_with_guide_findings(subject, self.environment, self.guide_rules, findings)
        {
            let span = diagnostic.span;
            if span.start < run.start || span.end > run.end {
                return None;
            }
            diagnostics.push(Diagnostic { span: Span::new(to_text(span.start), to_text(span.end)), ..diagnostic });
        }
        // The run starts before the change (unmoved) and ends after it (moved by it).
        let moved = self.change.new_end as isize - self.change.old_end as isize;
        let old_end = usize::try_from(to_text(run.end) as isize - moved).ok()?;
        Some(Rechecked {
            diagnostics,
            replaced: Span::new(to_text(run.start), old_end),
            update: GuideUpdate::Segments(after.len()),
            kept: Kept::From(changed_from, after),
            checkpoints: None,
        })
    }
}

/// The part of a transaction the implementation-guide pass re-reads after an edit inside
/// one HL loop: from the state after the loop's HL (its checkpoint) through the next HL,
/// or through SE when the loop is the transaction's last.
struct GuideWindow<'l> {
    layout: &'l Layout,
    /// The edited loop.
    index: usize,
    /// What the transaction's ST was read with.
    delimiters: Delimiters,
    /// ST through SE, before the edit.
    old_body: Span,
}

impl GuideWindow<'_> {
    /// The window's new findings and the old range they replace, keeping the state after
    /// each of the loop's segments; `None` when the text reads differently alone, or the
    /// pass leaves the window in another state than before (an edit that changes the
    /// next loop's counts).
    fn recheck<T: Text + ?Sized>(&self, edit: &Edit<'_, T>, from: &Checkpoint) -> Option<Rechecked> {
        let layout = self.layout;
        let edited = layout.loops.get(self.index)?;
        let next = layout.loops.get(self.index + 1).filter(|l| l.transaction == edited.transaction);
        // Before the edit: from the HL's end to the next HL's end, or to SE's.
        let old_end = next.map_or(self.old_body.end, |next| next.hl.end);
        let new_end = shift(edit.change, old_end)?;
        let mut mini = String::new();
        for header in layout.headers.get(edited.transaction)?.iter().take_while(|h| h.start < self.old_body.start) {
            mini.push_str(&edit.text.slice(*header)?);
        }
        let start = mini.len();
        mini.push_str(&edit.text.slice(Span::new(edited.hl.start, new_end))?);
        let file = ClaimFile::unstructured(mini);
        let tree = &file.tree;
        let first = tree.segments.iter().position(|segment| segment.span().start == start)?;
        let hl = tree.segment(first)?;
        let last = tree.segments.last()?;
        let closing = if next.is_some() { "HL" } else { "SE" };
        // Read as the whole text read it: the same separators, the same HL, and the window
        // ends with the whole of the segment that closes it.
        if hl.delimiters != self.delimiters
            || hl.id(&file.text) != "HL"
            || hl.span().end != start + edited.hl.len()
            || last.id(&file.text) != closing
            || last.span().end != file.text.len()
            || last.terminator().is_none()
        {
            return None;
        }
        let segments = first + 1..tree.segments.len();
        let segments_run = segments.len();
        // The segments before the one the change starts in read as before after the same
        // state: they are only placed, and their old findings stand.
        let change_start = (edit.change.start + start).checked_sub(edited.hl.start)?;
        let checked_from = tree.segments.partition_point(|s| s.span().start <= change_start).max(first + 2) - 1;
        let checked_start = tree.segment(checked_from)?.span().start;
        let mut after = Vec::with_capacity(segments_run);
        let (findings, _) = crate::guide::resume_tree_each(
            &file.text,
            tree,
            from,
            segments,
            checked_from,
            next.is_none(),
            |_, state| {
                after.push(state);
                ControlFlow::Continue(())
            },
        )?;
        // The state after the closing HL (or SE) is not one of the loop's.
        let closed = after.pop()?;
        if next.is_some() && layout.checkpoints.get(self.index + 1)?.as_ref() != Some(&closed) {
            return None;
        }
        let billing = Billing::default();
        let subject = Subject::x12(&file, &billing);
        let to_text = |offset: usize| offset - start + edited.hl.start;
        let mut moved = Vec::new();
        for diagnostic in crate::rules::check_with_guide_findings(subject, edit.environment, edit.guide_rules, findings)
        {
            let span = diagnostic.span;
            if span.start < checked_start || span.end > file.text.len() {
                return None;
            }
            moved.push(Diagnostic { span: Span::new(to_text(span.start), to_text(span.end)), ..diagnostic });
        }
        Some(Rechecked {
            diagnostics: moved,
            // Before the change: where it is in the text before it, too.
            replaced: Span::new(to_text(checked_start), old_end),
            update: GuideUpdate::Window(segments_run),
            kept: Kept::Loop(SegmentStates { loop_at: self.index, after }),
            checkpoints: None,
        })
    }
}

/// Re-runs the pass over the whole edited transaction, on a text of its ISA, GS and ST
/// through SE (nothing outside ST..SE changes its findings), renewing its checkpoints.
fn rerun_transaction<T: Text + ?Sized>(
    edit: &Edit<'_, T>,
    transaction: usize,
    old_body: Span,
    delimiters: Delimiters,
) -> Option<Rechecked> {
    let body = Span::new(old_body.start, shift(edit.change, old_body.end)?);
    let mut mini = String::new();
    for header in edit.layout.headers.get(transaction)?.iter().take_while(|header| header.start < body.start) {
        mini.push_str(&edit.text.slice(*header)?);
    }
    let start = mini.len();
    mini.push_str(&edit.text.slice(body)?);
    let file = ClaimFile::unstructured(mini);
    // A damaged ISA's delimiters are guessed from what follows it: the body must be read
    // as the whole text read it.
    let st = file.tree.segments.iter().find(|segment| segment.span().start == start);
    if st.is_none_or(|st| st.delimiters != delimiters) {
        return None;
    }
    let (findings, checkpoints) = crate::guide::validate_tree_with_checkpoints(&file.text, &file.tree);
    let to_text = |offset: usize| (offset >= start).then(|| offset - start + body.start);
    let checkpoints = checkpoints
        .into_iter()
        .filter_map(|(at, checkpoint)| Some((to_text(file.tree.segment(at)?.span().start)?, checkpoint)))
        .collect();
    let billing = Billing::default();
    let subject = Subject::x12(&file, &billing);
    let mut diagnostics = Vec::new();
    for diagnostic in crate::rules::check_with_guide_findings(subject, edit.environment, edit.guide_rules, findings) {
        let span = diagnostic.span;
        if span.start < start || span.end > file.text.len() {
            return None;
        }
        let moved = Span::new(span.start - start + body.start, span.end - start + body.start);
        diagnostics.push(Diagnostic { span: moved, ..diagnostic });
    }
    Some(Rechecked {
        diagnostics,
        replaced: old_body,
        update: GuideUpdate::Transaction,
        kept: Kept::Nothing,
        checkpoints: Some(checkpoints),
    })
}

/// Where an offset of the text before `change` is after it (it must not be inside it).
fn shift(change: TextChange, offset: usize) -> Option<usize> {
    usize::try_from(offset as isize + change.new_end as isize - change.old_end as isize).ok()
}
