//! Implementation-guide knowledge of the 837P (005010X222A1) and 837I (005010X223A2):
//! loops, segment and element names, usage, valid codes and qualifier meanings.
//!
//! The tables are derived from pyx12's maps (BSD licence, notice in
//! `data/x12/LICENSE-pyx12.txt`) by `tools/x12-maps/derive.py`, embedded at build time
//! and parsed once on first use.

mod loop_tracker;
mod qualifiers;
mod tables;
mod validate;

#[cfg(test)]
mod tests;

pub use loop_tracker::LoopTracker;
pub use tables::DataType;
pub use validate::{
    repair_for, resume_tree, resume_tree_each, transaction_runs, validate, validate_run, validate_tree,
    validate_tree_with_checkpoints, Checkpoint, GuideCheck, GuideFinding, GuideRepair, TransactionRun,
};

use tables::{tables, ElementDef, SegmentDef};

/// Which 837 implementation guide a transaction follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guide {
    /// 837P, 005010X222A1.
    Professional,
    /// 837I, 005010X223A2.
    Institutional,
}

impl Guide {
    /// Reads ST03 or GS08. Files in the wild carry `005010X222A1`, `005010X222`,
    /// `005010X223A1`, `005010X223A2`, `005010X223A3`; the `005010` prefix and the
    /// addenda suffix are optional here so a slightly off value still picks the guide.
    #[must_use]
    pub fn from_version(st03_or_gs08: &str) -> Option<Guide> {
        let version = st03_or_gs08.trim();
        let release = version.strip_prefix("005010").unwrap_or(version);
        let (guide, addenda) = if let Some(addenda) = release.strip_prefix("X222") {
            (Guide::Professional, addenda)
        } else if let Some(addenda) = release.strip_prefix("X223") {
            (Guide::Institutional, addenda)
        } else {
            return None;
        };
        let known_addenda = addenda.is_empty()
            || addenda.strip_prefix('A').is_some_and(|n| n.len() == 1 && n.bytes().all(|b| b.is_ascii_digit()));
        known_addenda.then_some(guide)
    }
}

/// Usage of an element as the guide states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    Required,
    Situational,
    NotUsed,
}

impl Usage {
    pub(crate) fn from_code(code: &str) -> Option<Usage> {
        match code {
            "R" => Some(Usage::Required),
            "S" => Some(Usage::Situational),
            "N" => Some(Usage::NotUsed),
            _ => None,
        }
    }

    /// The one-letter form used in the guides: `R`, `S`, `N`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Usage::Required => "R",
            Usage::Situational => "S",
            Usage::NotUsed => "N",
        }
    }
}

/// What the guide says about one element (or one component of a composite).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementInfo {
    /// Reference designator: `SV104`, or `SV101-02` for a component.
    pub ref_des: String,
    pub name: &'static str,
    /// X12 data element number (`380`), or composite id (`C003`).
    pub data_element: &'static str,
    pub usage: Usage,
    /// The loop whose definition answered; may differ from the one asked for when
    /// the segment was not found there.
    pub loop_id: &'static str,
    pub loop_name: &'static str,
    /// Codes the guide allows here; empty when the element is free text, a number, or
    /// draws on an external code set.
    pub valid_codes: &'static [&'static str],
    /// The external code set (`pos`, `states`, `country` …) the guide defers to, if any.
    pub external_code_set: Option<&'static str>,
    pub data_type: DataType,
    pub min_len: usize,
    /// `usize::MAX` when the map gives no maximum.
    pub max_len: usize,
}

/// True for any segment id that either 837 guide or the envelope defines.
#[must_use]
pub fn is_known_segment(id: &str) -> bool {
    tables().known_segments.contains(id)
}

/// The guide's name for a segment in a loop (`DTP` in 2400 is "Date - Service Date"),
/// falling back to its first definition in the guide, then to the envelope.
#[must_use]
pub fn segment_name(guide: Guide, loop_id: Option<&str>, id: &str) -> Option<&'static str> {
    find_segment(guide, loop_id, id).map(|segment| segment.name)
}

/// Name, number and usage of the element at `position` (1-based) of `segment_id`, or of
/// its `component` (1-based) when it is a composite. `component` `Some(1)` on a simple
/// element answers for the element itself, since a lone value is its own first component.
/// When `loop_id` is `None` or unknown, the segment's first definition in the guide is used.
#[must_use]
pub fn element_info(
    guide: Guide,
    loop_id: Option<&str>,
    segment_id: &str,
    position: usize,
    component: Option<usize>,
) -> Option<ElementInfo> {
    let segment = find_segment(guide, loop_id, segment_id)?;
    let element = find_element(segment, position, component)?;
    let loop_name = loop_name(guide, segment.loop_id).unwrap_or_default();
    Some(ElementInfo {
        ref_des: element.ref_des.to_string(),
        name: element.name,
        data_element: element.data_element,
        usage: element.usage,
        loop_id: segment.loop_id,
        loop_name,
        valid_codes: &element.codes,
        external_code_set: element.external_codes,
        data_type: element.data_type,
        min_len: element.min_len,
        max_len: element.max_len,
    })
}

/// The guide's name for a loop id (`2010AA` is "Billing Provider Name").
#[must_use]
pub fn loop_name(guide: Guide, loop_id: &str) -> Option<&'static str> {
    tables().guide(guide).loop_node(loop_id).map(|node| node.name)
}

/// Plain-word meaning of a qualifier code, e.g. SBR09 `MB` is "Medicare Part B" and
/// CTP05-01 `ME` is "Milligram". Covers the qualifiers met on claim and drug lines.
#[must_use]
pub fn qualifier_meaning(
    segment_id: &str,
    position: usize,
    component: Option<usize>,
    value: &str,
) -> Option<&'static str> {
    qualifiers::meaning(segment_id, position, component, value)
}

/// A segment the guide allows at some point, with its name there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentChoice {
    pub id: &'static str,
    pub name: &'static str,
    pub loop_id: &'static str,
}

/// The segments that may follow one placed in `loop_id`, nearest first: the loop's own
/// segments, the openers of its child loops, then the same for each enclosing loop, and
/// the envelope's. Each id once. `None` (nothing placed yet) gives the envelope openers.
#[must_use]
pub fn segments_allowed_after(guide: Guide, loop_id: Option<&str>) -> Vec<SegmentChoice> {
    let all = tables();
    let tables = all.guide(guide);
    let mut choices: Vec<SegmentChoice> = Vec::new();
    let mut push = |segment: &'static SegmentDef| {
        if !choices.iter().any(|choice| choice.id == segment.id) {
            choices.push(SegmentChoice { id: segment.id, name: segment.name, loop_id: segment.loop_id });
        }
    };
    let mut level = loop_id.and_then(|id| tables.loop_index(id));
    let mut steps = 0;
    while let Some(node) = level.and_then(|index| tables.loops.get(index)) {
        steps += 1;
        if steps > tables.loops.len() {
            break;
        }
        tables.segments_in_loop(node.id).chain(all.control.segments_in_loop(node.id)).for_each(&mut push);
        for child in node.children.iter().filter_map(|&child| tables.loops.get(child)) {
            if let Some(opener) = tables.segments_in_loop(child.id).next() {
                push(opener);
            }
        }
        level = node.parent;
    }
    for root in tables.roots.iter().filter_map(|&root| tables.loops.get(root)) {
        if let Some(opener) =
            tables.segments_in_loop(root.id).next().or_else(|| all.control.segments_in_loop(root.id).next())
        {
            push(opener);
        }
    }
    choices
}

fn find_segment(guide: Guide, loop_id: Option<&str>, id: &str) -> Option<&'static SegmentDef> {
    let all = tables();
    all.guide(guide).segment(loop_id, id).or_else(|| all.control.segment(loop_id, id))
}

fn find_element(
    segment: &'static SegmentDef,
    position: usize,
    component: Option<usize>,
) -> Option<&'static ElementDef> {
    let at = |component| {
        segment
            .elements
            .iter()
            .find(|element| element.position.element == position && element.position.component == component)
    };
    match component {
        None => at(None),
        Some(1) => at(Some(1)).or_else(|| at(None).filter(|_| !is_composite(segment, position))),
        Some(n) => at(Some(n)),
    }
}

fn is_composite(segment: &SegmentDef, position: usize) -> bool {
    segment.elements.iter().any(|element| element.position.element == position && element.position.component.is_some())
}
