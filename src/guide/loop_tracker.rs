//! Follows the loop structure of an 837 while its segments stream past.

use super::tables::{tables, GuideTables, SegmentTag};
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
        self.opened = false;
        if let Some((index, opened)) = self.place(tag, &element) {
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

    fn place<'a>(&self, tag: SegmentTag, element: &impl Fn(usize) -> Option<&'a str>) -> Option<(usize, bool)> {
        let loops = &self.tables.loops;
        let opened_child = |children: &[usize]| {
            children.iter().copied().find(|&child| loops.get(child).is_some_and(|node| node.is_opened_by(tag, element)))
        };
        // Innermost first: a segment belongs to the current loop, opens one of its
        // children, or else closes loops until an ancestor accepts it.
        let mut level = self.current;
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
        if let Some(root) = opened_child(&self.tables.roots) {
            return Some((root, true));
        }
        // Tracking was lost (a fragment, a missing envelope, segments out of order):
        // any loop this segment unmistakably opens is a place to resume from.
        self.tables
            .openers
            .get(&tag)?
            .iter()
            .copied()
            .find(|&index| loops.get(index).is_some_and(|node| node.is_opened_by(tag, element)))
            .map(|index| (index, true))
    }
}
