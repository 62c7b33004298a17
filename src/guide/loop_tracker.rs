//! Follows the loop structure of an 837 while its segments stream past.

use std::cell::Cell;
use std::sync::atomic::Ordering;

use super::tables::{tables, GuideTables, SegmentTag, WalkStep};
use super::Guide;

/// Walks segments in order and tells which loop each one opens or belongs to
/// (e.g. `2010AA`, `2300`, `2400`, `2410`; envelope segments report `ISA_LOOP`,
/// `GS_LOOP`, `ST_LOOP`, and `BHT` reports `HEADER`).
///
/// Each step looks at the current loop and its ancestors only (a handful of short
/// lists), so a 10 MB file costs no allocation and no scan of the whole guide per
/// segment. A segment that fits nowhere keeps the current loop.
#[derive(Debug, Clone)]
pub struct LoopTracker {
    tables: &'static GuideTables,
    current: Option<usize>,
    /// Whether the last segment opened a loop (rather than continuing one).
    opened: bool,
}

impl LoopTracker {
    #[must_use]
    pub fn new(guide: Guide) -> Self {
        LoopTracker { tables: tables().guide(guide), current: None, opened: false }
    }

    /// The loop the last segment was placed in.
    #[must_use]
    pub fn current(&self) -> Option<&'static str> {
        self.current.and_then(|index| self.tables.loops.get(index)).map(|node| node.id)
    }

    /// Places the next segment; `element(n)` gives its n-th element (1-based), which is
    /// how `HL*…*22` is told from `HL*…*23` and `NM1*85` from `NM1*IL`.
    pub fn next<'a>(&mut self, segment_id: &str, element: impl Fn(usize) -> Option<&'a str>) -> Option<&'static str> {
        self.opened = false;
        let Some(tag) = SegmentTag::new(segment_id) else {
            return self.current();
        };
        self.next_tag(tag, element);
        self.current()
    }

    /// [`LoopTracker::next`] for a segment whose id is already packed.
    pub(crate) fn next_tag<'a>(&mut self, tag: SegmentTag, element: impl Fn(usize) -> Option<&'a str>) {
        match tables().known_tags.get(&tag) {
            Some(&number) => self.next_known(tag, number, element),
            None => self.moved_to(place(self.tables, self.current, tag, &element)),
        }
    }

    /// [`LoopTracker::next_tag`] for a known segment id with its number: most placements
    /// do not depend on the segment's values (only a loop opened by a qualifier does, as
    /// `NM1*85` opens 2010AA), and those are read from the guide's table of transitions,
    /// worked out the first time each (loop, segment id) pair is met.
    #[inline]
    pub(crate) fn next_known<'a>(&mut self, tag: SegmentTag, number: u16, element: impl Fn(usize) -> Option<&'a str>) {
        let row = self.current.map_or(0, |index| index + 1);
        let cell = self.tables.transitions.get(row * self.tables.tag_count + usize::from(number));
        let known = cell.map_or(WALK, |cell| cell.load(Ordering::Relaxed));
        let placed = match known {
            UNKNOWN => {
                let asked = Cell::new(false);
                let placed = place(self.tables, self.current, tag, &|position| {
                    asked.set(true);
                    element(position)
                });
                if let Some(cell) = cell {
                    cell.store(if asked.get() { WALK } else { encode(placed) }, Ordering::Relaxed);
                }
                placed
            }
            WALK => match cell.and_then(|_| self.tables.walks.get(row * self.tables.tag_count + usize::from(number))) {
                Some(walk) => {
                    let steps = walk.get_or_init(|| compile_walk(self.tables, self.current, tag));
                    take_step(self.tables, steps, &element)
                }
                None => place(self.tables, self.current, tag, &element),
            },
            NOWHERE => None,
            packed => Some((((packed - FIRST_PLACE) >> 1) as usize, (packed - FIRST_PLACE) & 1 == 1)),
        };
        self.moved_to(placed);
    }

    fn moved_to(&mut self, placed: Option<(usize, bool)>) {
        self.opened = false;
        if let Some((index, opened)) = placed {
            self.current = Some(index);
            self.opened = opened;
        }
    }

    /// The loop node the last segment was placed in (an index into the guide's loops).
    pub(crate) fn current_node(&self) -> Option<usize> {
        self.current
    }

    /// Whether the last segment opened a new instance of its loop.
    pub(crate) fn opened(&self) -> bool {
        self.opened
    }

    /// Puts the tracker back where [`LoopTracker::current_node`] and
    /// [`LoopTracker::opened`] once read it (a node past the guide's loops is dropped).
    pub(crate) fn restore(&mut self, current: Option<usize>, opened: bool) {
        self.current = current.filter(|&index| index < self.tables.loops.len());
        self.opened = opened;
    }
}

/// A transition not worked out yet.
const UNKNOWN: u32 = 0;
/// A transition that depends on the segment's values: walk the loops each time.
const WALK: u32 = 1;
/// The segment fits nowhere: the tracker keeps its loop.
const NOWHERE: u32 = 2;
/// Placed in loop `n`, opening it or not: `FIRST_PLACE + 2n + opened`.
const FIRST_PLACE: u32 = 3;

fn encode(placed: Option<(usize, bool)>) -> u32 {
    match placed {
        None => NOWHERE,
        Some((index, opened)) => u32::try_from(index)
            .ok()
            .and_then(|index| index.checked_mul(2))
            .and_then(|twice| twice.checked_add(FIRST_PLACE + u32::from(opened)))
            .unwrap_or(WALK),
    }
}

/// Where a segment goes from loop `current`: the loop it continues or opens, and whether it opens it.
fn place<'a>(
    tables: &GuideTables,
    current: Option<usize>,
    tag: SegmentTag,
    element: &impl Fn(usize) -> Option<&'a str>,
) -> Option<(usize, bool)> {
    let loops = &tables.loops;
    let opened_child = |children: &[usize]| {
        children.iter().copied().find(|&child| loops.get(child).is_some_and(|node| node.is_opened_by(tag, element)))
    };
    // Innermost first: a segment belongs to the current loop, opens one of its
    // children, or else closes loops until an ancestor accepts it.
    let mut level = current;
    while let Some(index) = level {
        let node = loops.get(index)?;
        if node.own_segments.contains(&tag) {
            return Some((index, false));
        }
        if let Some(child) = opened_child(&node.children) {
            return Some((child, true));
        }
        level = node.parent;
    }
    if let Some(root) = opened_child(&tables.roots) {
        return Some((root, true));
    }
    // Tracking was lost (a fragment, a missing envelope, segments out of order):
    // any loop this segment unmistakably opens is a place to resume from.
    tables
        .openers
        .get(&tag)?
        .iter()
        .copied()
        .find(|&index| loops.get(index).is_some_and(|node| node.is_opened_by(tag, element)))
        .map(|index| (index, true))
}

/// [`place`] as a list: the loops its walk from `current` would try for `tag`, in order,
/// each with whether it needs its qualifier to match. Taking the first step that fits
/// ([`take_step`]) places the segment where [`place`] does.
fn compile_walk(tables: &GuideTables, current: Option<usize>, tag: SegmentTag) -> Box<[WalkStep]> {
    let loops = &tables.loops;
    let mut steps = Vec::new();
    // The children of a loop (or the roots) that `tag` opens; true when one of them opens
    // on the segment id alone, so that nothing after it is ever tried.
    let children_opened = |children: &[usize], steps: &mut Vec<WalkStep>| {
        for &child in children {
            let Some(node) = loops.get(child).filter(|node| node.first_segment == Some(tag)) else { continue };
            let checked = node.qualifier.is_some();
            steps.push(WalkStep { node: child, opened: true, checked });
            if !checked {
                return true;
            }
        }
        false
    };
    let mut level = current;
    while let Some(index) = level {
        let Some(node) = loops.get(index) else { return steps.into_boxed_slice() };
        if node.own_segments.contains(&tag) {
            steps.push(WalkStep { node: index, opened: false, checked: false });
            return steps.into_boxed_slice();
        }
        if children_opened(&node.children, &mut steps) {
            return steps.into_boxed_slice();
        }
        level = node.parent;
    }
    if children_opened(&tables.roots, &mut steps) {
        return steps.into_boxed_slice();
    }
    for &index in tables.openers.get(&tag).map_or(&[][..], Vec::as_slice) {
        let Some(node) = loops.get(index).filter(|node| node.first_segment == Some(tag)) else { continue };
        let checked = node.qualifier.is_some();
        steps.push(WalkStep { node: index, opened: true, checked });
        if !checked {
            break;
        }
    }
    steps.into_boxed_slice()
}

/// The first of `steps` that takes the segment.
fn take_step<'a>(
    tables: &GuideTables,
    steps: &[WalkStep],
    element: &impl Fn(usize) -> Option<&'a str>,
) -> Option<(usize, bool)> {
    steps
        .iter()
        .find(|step| !step.checked || tables.loops.get(step.node).is_some_and(|node| node.qualifier_matches(element)))
        .map(|step| (step.node, step.opened))
}
