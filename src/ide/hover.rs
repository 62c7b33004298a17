//! Hover: what is under the cursor, explained — a procedure code from the CMS table, a
//! modifier, a qualifier value, or any element or segment by its implementation-guide name.

use crate::analysis::Analysis;
use crate::codes::CodeTable;
use crate::guide::{self, Guide, LoopTracker};
use crate::ide::code_docs::{self, LineContext};
use crate::model::{ClaimFile, Transaction, TransactionKind};
use crate::syntax::{SegmentIndex, Span};

/// A hover's markdown and the range it explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverDoc {
    pub span: Span,
    pub markdown: String,
}

/// Where the cursor is inside a segment.
pub(crate) struct Cursor {
    pub(crate) segment: SegmentIndex,
    /// 1-based element position; `None` on the segment id.
    pub(crate) position: Option<usize>,
    /// 1-based component within the element when the element is a composite.
    pub(crate) component: Option<usize>,
    pub(crate) span: Span,
}

pub fn hover(analysis: &Analysis, codes: &CodeTable, offset: usize) -> Option<HoverDoc> {
    if let Some(charges) = &analysis.charges {
        return super::charge_hover::hover(charges, codes, offset);
    }
    let file = &analysis.file;
    let cursor = locate(file, offset)?;
    let transaction = file.transactions().find(|t| t.segments.contains(&cursor.segment));
    let guide = match transaction.map(|t| t.kind) {
        Some(TransactionKind::Institutional) => Guide::Institutional,
        _ => Guide::Professional,
    };
    let loop_id = transaction.and_then(|t| loop_of(file, t, guide, cursor.segment));
    let segment_id = file.segment_id(cursor.segment);
    let Some(position) = cursor.position else {
        let name = guide::segment_name(guide, loop_id, segment_id)?;
        let mut markdown = format!("**{segment_id}** — {name}");
        if let Some(loop_line) = loop_line(guide, loop_id) {
            markdown.push_str(&format!("\n\n{loop_line}"));
        }
        return Some(HoverDoc { span: cursor.span, markdown });
    };
    let value = cursor.span.text(&file.text);
    // A composite written with its first component only (`CTP05` = `ME`) is read as that
    // component, which is where the guide keeps the qualifier's codes.
    let component = cursor.component.or_else(|| {
        guide::qualifier_meaning(segment_id, position, None, value)
            .is_none()
            .then_some(1)
            .filter(|_| guide::qualifier_meaning(segment_id, position, Some(1), value).is_some())
    });
    let element = guide::element_info(guide, loop_id, segment_id, position, component);
    let element_line = element.as_ref().map(|info| {
        let loop_part = if info.loop_name.is_empty() {
            String::new()
        } else {
            format!(" · loop {} {}", info.loop_id, info.loop_name)
        };
        let details = super::element_guide::element_guide(info, segment_id, position, component);
        format!("`{}` — {}{loop_part}\n\n{details}", info.ref_des, info.name)
    });
    let code_doc = transaction.and_then(|t| code_hover(file, codes, t, &cursor, value));
    let qualifier = guide::qualifier_meaning(segment_id, position, component, value)
        .map(|meaning| format!("`{value}` = {meaning}"));
    let markdown = match (code_doc, qualifier, element_line) {
        (Some(doc), _, Some(element)) => format!("{doc}\n\n---\n{element}"),
        (Some(doc), _, None) => doc,
        (None, Some(qualifier), Some(element)) => format!("**{qualifier}**\n\n{element}"),
        (None, Some(qualifier), None) => qualifier,
        (None, None, Some(element)) => element,
        (None, None, None) => return None,
    };
    Some(HoverDoc { span: cursor.span, markdown })
}

/// The code or modifier docs when the cursor is on SV101-2…6 or SV202-2…6.
fn code_hover(
    file: &ClaimFile,
    codes: &CodeTable,
    transaction: &Transaction,
    cursor: &Cursor,
    value: &str,
) -> Option<String> {
    let component = cursor.component?;
    let (claim, line) = line_at(transaction, cursor.segment)?;
    let procedure = line.procedure(file)?;
    if line.service != Some(cursor.segment) || cursor.position != Some(procedure.composite_position) {
        return None;
    }
    let date_of_service = line.date_of_service(file, claim);
    match component {
        2 => {
            let context = LineContext {
                units: procedure.quantity.map(|s| s.text(&file.text).to_string()),
                unit_basis: procedure.unit_basis.map(|s| s.text(&file.text).to_string()),
                date_of_service,
            };
            code_docs::procedure_doc(codes, value, Some(&context))
        }
        3..=6 => code_docs::modifier_doc(codes, value, date_of_service),
        _ => None,
    }
}

pub(crate) fn line_at(
    transaction: &Transaction,
    segment: SegmentIndex,
) -> Option<(&crate::model::Claim, &crate::model::ServiceLine)> {
    let claims = &transaction.claims;
    let index = claims.partition_point(|claim| claim.segments.end <= segment);
    let claim = claims.get(index).filter(|claim| claim.segments.contains(&segment))?;
    let line_index = claim.lines.partition_point(|line| line.segments.end <= segment);
    let line = claim.lines.get(line_index).filter(|line| line.segments.contains(&segment))?;
    Some((claim, line))
}

/// The loop a segment belongs to: the tracker starts at the nearest HL before it (loops
/// re-synchronise on HL), so a hover costs a claim's worth of segments, not a file's.
pub(crate) fn loop_of(
    file: &ClaimFile,
    transaction: &Transaction,
    guide: Guide,
    segment: SegmentIndex,
) -> Option<&'static str> {
    let levels = &transaction.levels;
    let nearest = levels.partition_point(|level| level.hl <= segment);
    let start = nearest.checked_sub(1).and_then(|i| levels.get(i)).map_or(transaction.segments.start, |l| l.hl);
    let mut tracker = LoopTracker::new(guide);
    let mut current = None;
    for index in start..=segment {
        let Some(node) = file.tree.segment(index) else { break };
        let id = node.id(&file.text);
        current = tracker
            .next(id, |position| file.tree.element(node, position).map(|element| element.span().text(&file.text)));
    }
    current
}

fn loop_line(guide: Guide, loop_id: Option<&str>) -> Option<String> {
    let loop_id = loop_id?;
    let name = guide::loop_name(guide, loop_id)?;
    Some(format!("Loop {loop_id} — {name}"))
}

pub(crate) fn locate(file: &ClaimFile, offset: usize) -> Option<Cursor> {
    let index = file.tree.segment_at(offset)?;
    let segment = file.tree.segment(index)?;
    if segment.id_span().touches(offset) {
        return Some(Cursor { segment: index, position: None, component: None, span: segment.id_span() });
    }
    let elements = file.tree.elements(segment);
    let position = elements.iter().position(|element| element.span().touches(offset))? + 1;
    let element = *elements.get(position - 1)?;
    let first_repetition = segment.repetitions(&file.text, element).into_iter().find(|r| r.touches(offset))?;
    let components = segment.components(&file.text, first_repetition);
    if components.len() <= 1 {
        return Some(Cursor { segment: index, position: Some(position), component: None, span: element.span() });
    }
    let component = components.iter().position(|c| c.touches(offset))? + 1;
    let span = *components.get(component - 1)?;
    Some(Cursor { segment: index, position: Some(position), component: Some(component), span })
}
