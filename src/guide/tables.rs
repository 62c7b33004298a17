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
const EXTERNAL_CODES: &str = include_str!("../../data/x12/external-codes.tsv");

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

/// An X12 data type as `dataele.xml` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataType {
    /// `N0`, `N2` …: an integer with an implied decimal point.
    Numeric,
    /// `R`: a decimal number.
    Decimal,
    /// `ID`: a code from a list.
    Identifier,
    /// `AN`: free text.
    String,
    /// `DT`: a date, `CCYYMMDD`.
    Date,
    /// `TM`: a time, `HHMM[SS[d..]]`.
    Time,
    /// A composite: no type of its own.
    Composite,
}

impl DataType {
    fn from_code(code: &str) -> Option<DataType> {
        Some(match code {
            "" => DataType::Composite,
            "R" => DataType::Decimal,
            "ID" => DataType::Identifier,
            "AN" => DataType::String,
            "DT" => DataType::Date,
            "TM" => DataType::Time,
            _ if code.starts_with('N') => DataType::Numeric,
            _ => return None,
        })
    }

    /// The code the guides print (`R`, `ID`, `AN`, `DT`, `TM`; `N` for every `Nn`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DataType::Numeric => "N",
            DataType::Decimal => "R",
            DataType::Identifier => "ID",
            DataType::String => "AN",
            DataType::Date => "DT",
            DataType::Time => "TM",
            DataType::Composite => "composite",
        }
    }
}

/// Up to seven bytes of a code packed into an integer, with its length in the top byte
/// so that `A` and `A\0` differ; `None` for anything longer.
pub(crate) fn code_key(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    let packed = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    Some(packed | ((bytes.len() as u64) << 56))
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
    /// The same codes packed into integers (every listed code fits in seven bytes), so a
    /// value is looked up without comparing strings; `None` when one does not fit.
    pub(crate) code_keys: Option<Vec<u64>>,
    /// Name of the external code set (`pos`, `states` …) when the map defers to one.
    pub(crate) external_codes: Option<&'static str>,
    /// That set's codes packed and sorted, resolved once when the tables are built;
    /// `None` when the set is unknown or a code does not fit in a key.
    pub(crate) external_keys: Option<Box<[u64]>>,
    pub(crate) data_type: DataType,
    pub(crate) min_len: usize,
    pub(crate) max_len: usize,
    /// The map's pattern where it has one; the 837 maps use only `[0-9]{n}` (a ZIP+4,
    /// an SSN), kept as the digit count.
    pub(crate) exact_digits: Option<usize>,
}

/// An X12 syntax note on a segment: `P0809` is `Paired` over elements 8 and 9.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxNote {
    pub(crate) text: &'static str,
    pub(crate) kind: u8,
    pub(crate) positions: Vec<usize>,
}

impl ElementDef {
    /// Whether `value` is in this element's external code set (an unknown set accepts
    /// anything): [`AllTables::in_external`], from the keys resolved at build.
    pub(crate) fn in_external(&self, value: &str) -> bool {
        match (&self.external_keys, self.external_codes) {
            (Some(keys), _) => code_key(value).is_some_and(|key| keys.binary_search(&key).is_ok()),
            (None, Some(set)) => tables().in_external(set, value),
            (None, None) => true,
        }
    }

    /// Whether the map lists `value` among this element's codes.
    pub(crate) fn lists(&self, value: &str) -> bool {
        match &self.code_keys {
            Some(keys) => code_key(value).is_some_and(|key| keys.contains(&key)),
            None => self.codes.contains(&value),
        }
    }
}

impl SyntaxNote {
    fn parse(text: &'static str) -> Option<SyntaxNote> {
        let kind = *text.as_bytes().first()?;
        let digits = text.get(1..)?;
        if !b"PRECL".contains(&kind) || digits.len() < 4 || digits.len() % 2 != 0 {
            return None;
        }
        let positions = (0..digits.len() / 2)
            .map(|i| digits.get(i * 2..i * 2 + 2).and_then(|pair| pair.parse().ok()))
            .collect::<Option<Vec<usize>>>()?;
        Some(SyntaxNote { text, kind, positions })
    }
}

#[derive(Debug)]
pub(crate) struct SegmentDef {
    pub(crate) loop_id: &'static str,
    pub(crate) id: &'static str,
    /// `id` packed, compared instead of the string while validating.
    pub(crate) tag: Option<SegmentTag>,
    pub(crate) name: &'static str,
    pub(crate) elements: Vec<ElementDef>,
    pub(crate) usage: Usage,
    /// `None` when the guide sets no limit (`>1`).
    pub(crate) max_use: Option<u32>,
    /// Position in the guide's table (`0100`, `0200` …): segments and loops come in this order.
    pub(crate) pos: u32,
    /// The qualifier that tells this use of the segment from the loop's others (`REF01`).
    pub(crate) qualifier: Option<(Position, Vec<&'static str>)>,
    /// The qualifier's codes packed as [`code_key`] packs them; `None` when one does not fit.
    pub(crate) qualifier_keys: Option<Box<[u64]>>,
    pub(crate) syntax: Vec<SyntaxNote>,
    /// Highest element position the guide defines.
    pub(crate) element_count: usize,
}

#[derive(Debug)]
pub(crate) struct Qualifier {
    pub(crate) element: usize,
    pub(crate) codes: Vec<&'static str>,
}

/// A segment a loop requires, with the slots that satisfy it: several definitions of one
/// segment at one table position (`REF` by qualifier) need only one of them.
#[derive(Debug)]
pub(crate) struct RequiredSegment {
    pub(crate) slot: usize,
    pub(crate) pos: u32,
    /// Slots of the definitions with the same id and position, this one included.
    pub(crate) siblings: Box<[usize]>,
}

#[derive(Debug)]
pub(crate) struct LoopNode {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) usage: Usage,
    /// `None` when the guide sets no limit (`>1`).
    pub(crate) repeat: Option<u32>,
    pub(crate) pos: u32,
    pub(crate) parent: Option<usize>,
    pub(crate) children: Vec<usize>,
    pub(crate) first_segment: Option<SegmentTag>,
    pub(crate) qualifier: Option<Qualifier>,
    /// Segments that may follow the first one inside this loop.
    pub(crate) own_segments: Vec<SegmentTag>,
    /// This loop's segment definitions (indexes into [`GuideTables::segments`]) in guide
    /// order, the opener first; a definition's place here is its slot in a loop
    /// instance's counts.
    pub(crate) segments: Vec<usize>,
    /// The required ones among them, in guide order, SE left out (a missing SE is
    /// `envelope-mismatch`'s).
    pub(crate) required_segments: Vec<RequiredSegment>,
    /// The required child loops: (slot in `children`, table position).
    pub(crate) required_children: Vec<(usize, u32)>,
    /// The highest table position among the required segments and child loops.
    pub(crate) last_required_pos: Option<u32>,
    /// This loop's place in its parent's `children`.
    pub(crate) slot_in_parent: Option<usize>,
}

impl LoopNode {
    /// True when `tag` with these element values opens this loop.
    pub(crate) fn is_opened_by<'a>(&self, tag: SegmentTag, element: &impl Fn(usize) -> Option<&'a str>) -> bool {
        self.first_segment == Some(tag) && self.qualifier_matches(element)
    }

    /// True when the loop has no qualifier, or the segment's value there is one of its codes.
    pub(crate) fn qualifier_matches<'a>(&self, element: &impl Fn(usize) -> Option<&'a str>) -> bool {
        match &self.qualifier {
            None => true,
            Some(qualifier) => {
                element(qualifier.element).is_some_and(|value| qualifier.codes.iter().any(|code| *code == value.trim()))
            }
        }
    }
}

/// One place the loop tracker may put a segment from a given loop, in the order its walk
/// tries them: loop `node`, opened or continued; `checked` when it takes the segment only
/// if the loop's qualifier matches. See [`GuideTables::walks`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct WalkStep {
    pub(crate) node: usize,
    pub(crate) opened: bool,
    pub(crate) checked: bool,
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
    pub(crate) segments_by_loop: HashMap<&'static str, Vec<usize>>,
    first_segment_by_id: HashMap<&'static str, usize>,
    /// Rows the parser could not read; the tests require none.
    pub(crate) skipped_rows: usize,
    /// Where the loop tracker places each known segment id from each loop (row 0: from
    /// no loop, row `n + 1`: from loop `n`; column: the id's number in
    /// [`AllTables::known_tags`]), filled in on first use: see [`super::loop_tracker`].
    pub(crate) transitions: Vec<std::sync::atomic::AtomicU32>,
    /// The number of known segment ids: the width of a `transitions` row.
    pub(crate) tag_count: usize,
    /// For the cells of `transitions` whose placement depends on the segment's values:
    /// the loops the tracker's walk would try, in order, compiled on first use, so
    /// that placing such a segment reads one short list (see [`super::loop_tracker`]).
    pub(crate) walks: Vec<OnceLock<Box<[WalkStep]>>>,
    /// For each loop (row) and known segment id (column, as in `transitions`): the
    /// loop's definitions of that id in guide order, as (slot in the loop's counts,
    /// index into `segments`). What a segment placed in a loop is checked against,
    /// without scanning the loop's definitions.
    slots_by_tag: Vec<Box<[(usize, usize)]>>,
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

    /// The definitions of the known segment id numbered `tag_number` in loop `node`:
    /// (slot, definition), in guide order.
    pub(crate) fn slots(&self, node: usize, tag_number: u16) -> &[(usize, usize)] {
        let cell = node.checked_mul(self.tag_count).and_then(|row| row.checked_add(usize::from(tag_number)));
        cell.and_then(|cell| self.slots_by_tag.get(cell)).map_or(&[], |slots| &**slots)
    }

    /// Fills [`GuideTables::slots_by_tag`] once the known ids are numbered.
    fn compile_slots(&mut self, known_tags: &HashMap<SegmentTag, u16>) {
        let mut cells: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.loops.len() * self.tag_count];
        for (node_index, node) in self.loops.iter().enumerate() {
            for (slot, &index) in node.segments.iter().enumerate() {
                let number = self.segments.get(index).and_then(|def| def.tag).and_then(|tag| known_tags.get(&tag));
                let cell = number.and_then(|&number| cells.get_mut(node_index * self.tag_count + usize::from(number)));
                if let Some(cell) = cell {
                    cell.push((slot, index));
                }
            }
        }
        self.slots_by_tag = cells.into_iter().map(Vec::into_boxed_slice).collect();
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
            let [loop_id, ord, id, name, usage, max_use, qualifier_ref, qualifier_codes, pos, syntax] = row[..] else {
                self.skipped_rows += 1;
                continue;
            };
            let (Some(usage), Ok(pos)) = (Usage::from_code(usage), pos.parse()) else {
                self.skipped_rows += 1;
                continue;
            };
            let qualifier = Position::from_ref_des(id, qualifier_ref)
                .map(|position| (position, qualifier_codes.split(',').filter(|c| !c.is_empty()).collect()));
            let syntax: Option<Vec<SyntaxNote>> =
                syntax.split(' ').filter(|n| !n.is_empty()).map(SyntaxNote::parse).collect();
            let Some(syntax) = syntax else {
                self.skipped_rows += 1;
                continue;
            };
            let qualifier_keys = qualifier
                .as_ref()
                .and_then(|(_, codes): &(Position, Vec<&str>)| codes.iter().map(|c| code_key(c)).collect());
            let index = self.segments.len();
            self.segments.push(SegmentDef {
                loop_id,
                id,
                tag: SegmentTag::new(id),
                name,
                elements: Vec::new(),
                usage,
                max_use: max_use.parse().ok(),
                pos,
                qualifier,
                qualifier_keys,
                syntax,
                element_count: 0,
            });
            by_key.insert((loop_id, ord), index);
            self.segments_by_loop.entry(loop_id).or_default().push(index);
            self.first_segment_by_id.entry(id).or_insert(index);
        }
        for row in rows(elements_tsv) {
            let [loop_id, seg_ord, segment_id, ref_des, name, data_element, usage, codes, type_code, min_len, max_len, _repeat, regex] =
                row[..]
            else {
                self.skipped_rows += 1;
                continue;
            };
            let parsed = Position::from_ref_des(segment_id, ref_des)
                .zip(Usage::from_code(usage))
                .zip(DataType::from_code(type_code))
                .zip(by_key.get(&(loop_id, seg_ord)).and_then(|&i| self.segments.get_mut(i)));
            let Some((((position, usage), data_type), segment)) = parsed else {
                self.skipped_rows += 1;
                continue;
            };
            let (min_len, max_len) = (min_len.parse().unwrap_or(0), max_len.parse().unwrap_or(usize::MAX));
            segment.element_count = segment.element_count.max(position.element);
            let (codes, external_codes) = match codes.strip_prefix('@') {
                Some(external) => (Vec::new(), Some(external)),
                None => (codes.split(',').filter(|code| !code.is_empty()).collect(), None),
            };
            let code_keys = codes.iter().map(|code| code_key(code)).collect();
            segment.elements.push(ElementDef {
                ref_des,
                position,
                name,
                data_element,
                usage,
                codes,
                code_keys,
                external_codes,
                external_keys: None,
                data_type,
                min_len,
                max_len,
                exact_digits: regex
                    .strip_prefix("[0-9]{")
                    .and_then(|rest| rest.strip_suffix('}'))
                    .and_then(|n| n.parse().ok()),
            });
        }
    }

    fn add_loops(&mut self, loops_tsv: &'static str) {
        let mut by_path: HashMap<&'static str, usize> = HashMap::default();
        for row in rows(loops_tsv) {
            let [path, id, _parent, name, usage, repeat, first, qualifier_ref, qualifier_codes, pos] = row[..] else {
                self.skipped_rows += 1;
                continue;
            };
            let (Some(usage), Ok(pos)) = (Usage::from_code(usage), pos.parse()) else {
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
                usage,
                repeat: repeat.parse().ok(),
                pos,
                parent,
                children: Vec::new(),
                first_segment,
                qualifier,
                own_segments: Vec::new(),
                segments: Vec::new(),
                required_segments: Vec::new(),
                required_children: Vec::new(),
                last_required_pos: None,
                slot_in_parent: None,
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

    /// Gives each loop node its segment definitions and its required segments and child
    /// loops, so validation reads slices instead of looking loops up by id.
    fn compile_loops(&mut self) {
        let mut compiled = Vec::with_capacity(self.loops.len());
        for (index, node) in self.loops.iter().enumerate() {
            let segments = self.segments_by_loop.get(node.id).cloned().unwrap_or_default();
            let defs: Vec<Option<&SegmentDef>> = segments.iter().map(|&index| self.segments.get(index)).collect();
            let required_segments: Vec<RequiredSegment> = defs
                .iter()
                .enumerate()
                .filter_map(|(slot, def)| def.map(|def| (slot, def)))
                .filter(|(_, def)| def.usage == Usage::Required && def.id != "SE")
                .map(|(slot, def)| RequiredSegment {
                    slot,
                    pos: def.pos,
                    siblings: defs
                        .iter()
                        .enumerate()
                        .filter(|(_, other)| other.is_some_and(|other| other.tag == def.tag && other.pos == def.pos))
                        .map(|(sibling, _)| sibling)
                        .collect(),
                })
                .collect();
            let required_children: Vec<(usize, u32)> = node
                .children
                .iter()
                .enumerate()
                .filter_map(|(slot, &child)| self.loops.get(child).map(|child| (slot, child)))
                .filter(|(_, child)| child.usage == Usage::Required)
                .map(|(slot, child)| (slot, child.pos))
                .collect();
            let slot_in_parent = node
                .parent
                .and_then(|parent| self.loops.get(parent))
                .and_then(|parent| parent.children.iter().position(|&child| child == index));
            compiled.push((segments, required_segments, required_children, slot_in_parent));
        }
        for (node, (segments, required_segments, required_children, slot_in_parent)) in
            self.loops.iter_mut().zip(compiled)
        {
            let required_positions = required_segments.iter().map(|required| required.pos);
            node.last_required_pos = required_positions.chain(required_children.iter().map(|&(_, pos)| pos)).max();
            node.slot_in_parent = slot_in_parent;
            node.segments = segments;
            node.required_segments = required_segments;
            node.required_children = required_children;
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
    /// The same, packed, each with a number of its own (a column of
    /// [`GuideTables::transitions`]): what validation asks per segment.
    pub(crate) known_tags: HashMap<SegmentTag, u16>,
    /// The external code sets pyx12 ships (`states`, `country`, `currency`, `pos`,
    /// `remark_code`), by name.
    pub(crate) external: HashMap<&'static str, HashSet<&'static str>>,
}

impl AllTables {
    /// Whether `code` is in the external code set `set`; an unknown set accepts anything.
    pub(crate) fn in_external(&self, set: &str, code: &str) -> bool {
        self.external.get(set).is_none_or(|codes| codes.contains(code))
    }
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
        tables.compile_loops();
        tables
    };
    let mut professional = guide(P_LOOPS, P_SEGMENTS, P_ELEMENTS);
    let mut institutional = guide(I_LOOPS, I_SEGMENTS, I_ELEMENTS);
    let known_segments = [&professional, &institutional, &control]
        .iter()
        .flat_map(|tables| tables.segments.iter().map(|segment| segment.id))
        .collect();
    let mut known_tags: HashMap<SegmentTag, u16> = HashMap::default();
    for tag in [&professional, &institutional, &control]
        .iter()
        .flat_map(|tables| tables.segments.iter().filter_map(|segment| segment.tag))
    {
        let next = u16::try_from(known_tags.len()).unwrap_or(u16::MAX);
        known_tags.entry(tag).or_insert(next);
    }
    for tables in [&mut professional, &mut institutional] {
        tables.tag_count = known_tags.len();
        let cells = (tables.loops.len() + 1) * tables.tag_count;
        tables.transitions = (0..cells).map(|_| std::sync::atomic::AtomicU32::new(0)).collect();
        tables.walks = (0..cells).map(|_| OnceLock::new()).collect();
        tables.compile_slots(&known_tags);
    }
    let mut external: HashMap<&'static str, HashSet<&'static str>> = HashMap::default();
    for row in rows(EXTERNAL_CODES) {
        if let [set, code] = row[..] {
            external.entry(set).or_default().insert(code);
        }
    }
    let external_keys: HashMap<&'static str, Box<[u64]>> = external
        .iter()
        .filter_map(|(&set, codes)| {
            let mut keys = codes.iter().map(|code| code_key(code)).collect::<Option<Vec<u64>>>()?;
            keys.sort_unstable();
            Some((set, keys.into_boxed_slice()))
        })
        .collect();
    for tables in [&mut professional, &mut institutional, &mut control] {
        for element in tables.segments.iter_mut().flat_map(|segment| segment.elements.iter_mut()) {
            element.external_keys = element.external_codes.and_then(|set| external_keys.get(set)).cloned();
        }
    }
    AllTables { professional, institutional, control, known_segments, known_tags, external }
}

pub(crate) fn tables() -> &'static AllTables {
    static TABLES: OnceLock<AllTables> = OnceLock::new();
    TABLES.get_or_init(build)
}
