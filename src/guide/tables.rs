//! The embedded implementation-guide tables (derived from pyx12's maps), parsed once.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

use super::{Guide, Usage};

const P_LOOPS: &str = include_str!("../../data/x12/837P.loops.tsv");
const P_SEGMENTS: &str = include_str!("../../data/x12/837P.segments.tsv");
const P_ELEMENTS: &str = include_str!("../../data/x12/837P.elements.tsv");
const I_LOOPS: &str = include_str!("../../data/x12/837I.loops.tsv");
const I_SEGMENTS: &str = include_str!("../../data/x12/837I.segments.tsv");
const I_ELEMENTS: &str = include_str!("../../data/x12/837I.elements.tsv");
const CONTROL_SEGMENTS: &str = include_str!("../../data/x12/control.segments.tsv");
const CONTROL_ELEMENTS: &str = include_str!("../../data/x12/control.elements.tsv");

/// A segment id packed into an integer, so the loop tracker compares ids without
/// touching strings. X12 segment ids are two or three upper-case letters or digits; anything
/// else is no segment the guides know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct SegmentTag(u32);

impl SegmentTag {
    pub(crate) fn new(id: &str) -> Option<SegmentTag> {
        let bytes = id.as_bytes();
        if !(2..=3).contains(&bytes.len()) || !bytes.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return None;
        }
        Some(SegmentTag(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))))
    }
}

/// Where a value sits in a segment: element position and, inside a composite, component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) element: usize,
    pub(crate) component: Option<usize>,
}

impl Position {
    /// Reads the position out of a reference designator such as `SV104` or `SV101-02`.
    pub(crate) fn from_ref_des(segment_id: &str, ref_des: &str) -> Option<Position> {
        let rest = ref_des.strip_prefix(segment_id)?;
        let (element, component) = match rest.split_once('-') {
            Some((element, component)) => (element, Some(component.parse().ok()?)),
            None => (rest, None),
        };
        Some(Position { element: element.parse().ok()?, component })
    }
}

#[derive(Debug)]
pub(crate) struct ElementDef {
    pub(crate) ref_des: &'static str,
    pub(crate) position: Position,
    pub(crate) name: &'static str,
    pub(crate) data_element: &'static str,
    pub(crate) usage: Usage,
    /// Valid codes listed by the map; empty when any value (or an external code set) applies.
    pub(crate) codes: Vec<&'static str>,
    /// Name of the external code set (`pos`, `states` …) when the map defers to one.
    pub(crate) external_codes: Option<&'static str>,
}

#[derive(Debug)]
pub(crate) struct SegmentDef {
    pub(crate) loop_id: &'static str,
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) elements: Vec<ElementDef>,
}

#[derive(Debug)]
pub(crate) struct Qualifier {
    pub(crate) element: usize,
    pub(crate) codes: Vec<&'static str>,
}

#[derive(Debug)]
pub(crate) struct LoopNode {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) parent: Option<usize>,
    pub(crate) children: Vec<usize>,
    pub(crate) first_segment: Option<SegmentTag>,
    pub(crate) qualifier: Option<Qualifier>,
    /// Segments that may follow the first one inside this loop.
    pub(crate) own_segments: Vec<SegmentTag>,
}

impl LoopNode {
    /// True when `tag` with these element values opens this loop.
    pub(crate) fn is_opened_by<'a>(&self, tag: SegmentTag, element: &impl Fn(usize) -> Option<&'a str>) -> bool {
        if self.first_segment != Some(tag) {
            return false;
        }
        match &self.qualifier {
            None => true,
            Some(qualifier) => {
                element(qualifier.element).is_some_and(|value| qualifier.codes.iter().any(|code| *code == value.trim()))
            }
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct GuideTables {
    pub(crate) loops: Vec<LoopNode>,
    pub(crate) roots: Vec<usize>,
    /// Loop nodes by the segment that opens them, used to find the way back after a
    /// segment the tree walk could not place.
    pub(crate) openers: HashMap<SegmentTag, Vec<usize>>,
    loop_by_id: HashMap<&'static str, usize>,
    pub(crate) segments: Vec<SegmentDef>,
    segments_by_loop: HashMap<&'static str, Vec<usize>>,
    first_segment_by_id: HashMap<&'static str, usize>,
    /// Rows the parser could not read; the tests require none.
    pub(crate) skipped_rows: usize,
}

impl GuideTables {
    pub(crate) fn loop_node(&self, loop_id: &str) -> Option<&LoopNode> {
        self.loops.get(*self.loop_by_id.get(loop_id)?)
    }

    /// The segments the guide defines in a loop, in guide order (the opener first).
    pub(crate) fn segments_in_loop<'a>(&'a self, loop_id: &str) -> impl Iterator<Item = &'a SegmentDef> + 'a {
        let indexes = self.segments_by_loop.get(loop_id).map(Vec::as_slice).unwrap_or_default();
        indexes.iter().filter_map(|&index| self.segments.get(index))
    }

    pub(crate) fn loop_index(&self, loop_id: &str) -> Option<usize> {
        self.loop_by_id.get(loop_id).copied()
    }

    /// The first definition of `segment_id` in `loop_id`, else in the whole guide.
    pub(crate) fn segment(&self, loop_id: Option<&str>, segment_id: &str) -> Option<&SegmentDef> {
        let in_loop = loop_id.and_then(|id| self.segments_by_loop.get(id)).and_then(|indexes| {
            indexes.iter().filter_map(|&index| self.segments.get(index)).find(|segment| segment.id == segment_id)
        });
        in_loop.or_else(|| self.segments.get(*self.first_segment_by_id.get(segment_id)?))
    }

    fn add_segments(&mut self, segments_tsv: &'static str, elements_tsv: &'static str) {
        let mut by_key: HashMap<(&'static str, &'static str), usize> = HashMap::default();
        for row in rows(segments_tsv) {
            let [loop_id, ord, id, name, ..] = row[..] else {
                self.skipped_rows += 1;
                continue;
            };
            let index = self.segments.len();
            self.segments.push(SegmentDef { loop_id, id, name, elements: Vec::new() });
            by_key.insert((loop_id, ord), index);
            self.segments_by_loop.entry(loop_id).or_default().push(index);
            self.first_segment_by_id.entry(id).or_insert(index);
        }
        for row in rows(elements_tsv) {
            let [loop_id, seg_ord, segment_id, ref_des, name, data_element, usage, codes] = row[..] else {
                self.skipped_rows += 1;
                continue;
            };
            let parsed = Position::from_ref_des(segment_id, ref_des)
                .zip(Usage::from_code(usage))
                .zip(by_key.get(&(loop_id, seg_ord)).and_then(|&i| self.segments.get_mut(i)));
            let Some(((position, usage), segment)) = parsed else {
                self.skipped_rows += 1;
                continue;
            };
            let (codes, external_codes) = match codes.strip_prefix('@') {
                Some(external) => (Vec::new(), Some(external)),
                None => (codes.split(',').filter(|code| !code.is_empty()).collect(), None),
            };
            segment.elements.push(ElementDef { ref_des, position, name, data_element, usage, codes, external_codes });
        }
    }

    fn add_loops(&mut self, loops_tsv: &'static str) {
        let mut by_path: HashMap<&'static str, usize> = HashMap::default();
        for row in rows(loops_tsv) {
            let [path, id, _parent, name, _usage, _repeat, first, qualifier_ref, qualifier_codes] = row[..] else {
                self.skipped_rows += 1;
                continue;
            };
            let parent = path.rsplit_once('/').and_then(|(up, _)| by_path.get(up).copied());
            let qualifier = Position::from_ref_des(first, qualifier_ref)
                // The tracker sees whole elements, so only simple elements can identify a loop.
                .filter(|position| position.component.is_none())
                .map(|position| Qualifier {
                    element: position.element,
                    codes: qualifier_codes.split(',').filter(|c| !c.is_empty()).collect(),
                });
            let index = self.loops.len();
            let first_segment = SegmentTag::new(first);
            self.loops.push(LoopNode {
                id,
                name,
                parent,
                children: Vec::new(),
                first_segment,
                qualifier,
                own_segments: Vec::new(),
            });
            by_path.insert(path, index);
            self.loop_by_id.entry(id).or_insert(index);
            if let Some(tag) = first_segment {
                self.openers.entry(tag).or_default().push(index);
            }
            match parent.and_then(|p| self.loops.get_mut(p)) {
                Some(parent_node) => parent_node.children.push(index),
                None => self.roots.push(index),
            }
        }
    }

    /// Fills each loop's list of non-opening segments from the segment tables.
    fn link_own_segments(&mut self, control: &GuideTables) {
        let mut own: Vec<Vec<SegmentTag>> = Vec::with_capacity(self.loops.len());
        for node in &self.loops {
            let mut tags: Vec<SegmentTag> = Vec::new();
            for tables in [&*self, control] {
                let indexes = tables.segments_by_loop.get(node.id).map(Vec::as_slice).unwrap_or_default();
                for segment in indexes.iter().skip(1).filter_map(|&i| tables.segments.get(i)) {
                    if let Some(tag) = SegmentTag::new(segment.id) {
                        if !tags.contains(&tag) {
                            tags.push(tag);
                        }
                    }
                }
            }
            own.push(tags);
        }
        for (node, tags) in self.loops.iter_mut().zip(own) {
            node.own_segments = tags;
        }
    }
}

/// Data rows of a derived TSV file: comment lines and the header row are skipped.
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines().filter(|line| !line.starts_with('#') && !line.is_empty()).skip(1).map(|line| line.split('\t').collect())
}

pub(crate) struct AllTables {
    pub(crate) professional: GuideTables,
    pub(crate) institutional: GuideTables,
    pub(crate) control: GuideTables,
    pub(crate) known_segments: HashSet<&'static str>,
}

impl AllTables {
    pub(crate) fn guide(&self, guide: Guide) -> &GuideTables {
        match guide {
            Guide::Professional => &self.professional,
            Guide::Institutional => &self.institutional,
        }
    }
}

fn build() -> AllTables {
    let mut control = GuideTables::default();
    control.add_segments(CONTROL_SEGMENTS, CONTROL_ELEMENTS);
    let guide = |loops, segments, elements| {
        let mut tables = GuideTables::default();
        tables.add_segments(segments, elements);
        tables.add_loops(loops);
        tables.link_own_segments(&control);
        tables
    };
    let professional = guide(P_LOOPS, P_SEGMENTS, P_ELEMENTS);
    let institutional = guide(I_LOOPS, I_SEGMENTS, I_ELEMENTS);
    let known_segments = [&professional, &institutional, &control]
        .iter()
        .flat_map(|tables| tables.segments.iter().map(|segment| segment.id))
        .collect();
    AllTables { professional, institutional, control, known_segments }
}

pub(crate) fn tables() -> &'static AllTables {
    static TABLES: OnceLock<AllTables> = OnceLock::new();
    TABLES.get_or_init(build)
}
