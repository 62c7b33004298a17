//! Adding and removing procedure modifiers (SV101-3 … SV101-6, SV202-3 … SV202-6).
//!
//! The composite is rewritten as a whole and then trimmed to the bytes that change:
//! remaining modifiers keep their order with no empty slot between them, and the
//! description (component 7), when there is one, stays in its place.

use super::{Edit, Fix, FixContext};
use crate::model::{ClaimFile, Procedure};
use crate::syntax::{SegmentIndex, Span};

/// Components 1–2 are qualifier and code; 3–6 the four modifier slots.
const FIRST_MODIFIER: usize = 2;
const MODIFIER_SLOTS: usize = 4;

/// The composite's components as written, split on the segment's component separator,
/// with the span they cover: only the first repetition when the element repeats (the
/// procedure is read from it; what follows the repetition separator is kept as it is).
fn components(file: &ClaimFile, service: SegmentIndex, composite: Span) -> Option<(Vec<&str>, char, Span)> {
    let delimiters = file.tree.segment(service)?.delimiters;
    let separator = char::from(delimiters.component);
    let text = composite.text(&file.text);
    let first_len = delimiters.repetition.and_then(|r| text.find(char::from(r))).unwrap_or(text.len());
    let first = Span::new(composite.start, composite.start + first_len);
    Some((first.text(&file.text).split(separator).collect(), separator, first))
}

/// Writes components back, without empty components at the end.
fn joined(mut parts: Vec<&str>, separator: char) -> String {
    while parts.len() > FIRST_MODIFIER && parts.last().is_some_and(|part| part.is_empty()) {
        parts.pop();
    }
    parts.join(&separator.to_string())
}

/// The edit that puts `modifier` in the first free slot; `None` when all four are taken.
pub fn add(file: &ClaimFile, service: SegmentIndex, procedure: &Procedure, modifier: &str) -> Option<Edit> {
    let (mut parts, separator, composite) = components(file, service, procedure.composite?)?;
    if parts.len() < FIRST_MODIFIER {
        return None;
    }
    let free = (FIRST_MODIFIER..FIRST_MODIFIER + MODIFIER_SLOTS)
        .find(|&index| parts.get(index).is_none_or(|part| part.is_empty()))?;
    while parts.len() <= free {
        parts.push("");
    }
    *parts.get_mut(free)? = modifier;
    Some(Edit::replace(composite, joined(parts, separator)))
}

/// The edit that takes out the modifier written at `span`, closing the gap it leaves.
pub fn remove(file: &ClaimFile, service: SegmentIndex, procedure: &Procedure, span: Span) -> Option<Edit> {
    let (parts, separator, composite) = components(file, service, procedure.composite?)?;
    if !(composite.start <= span.start && span.end <= composite.end) {
        return None;
    }
    // Which component the span is: count separators before it inside the composite.
    let before = file.text.get(composite.start..span.start)?;
    let index = before.matches(separator).count();
    if !(FIRST_MODIFIER..FIRST_MODIFIER + MODIFIER_SLOTS).contains(&index) {
        return None;
    }
    let end = parts.len().min(FIRST_MODIFIER + MODIFIER_SLOTS);
    let kept: Vec<&str> = (FIRST_MODIFIER..end)
        .filter(|&i| i != index)
        .filter_map(|i| parts.get(i).copied())
        .filter(|part| !part.is_empty())
        .collect();
    let mut rebuilt: Vec<&str> = parts.get(..FIRST_MODIFIER)?.to_vec();
    rebuilt.extend(kept);
    if parts.len() > FIRST_MODIFIER + MODIFIER_SLOTS {
        // Keep the description and anything after it in its own position.
        while rebuilt.len() < FIRST_MODIFIER + MODIFIER_SLOTS {
            rebuilt.push("");
        }
        rebuilt.extend(parts.get(FIRST_MODIFIER + MODIFIER_SLOTS..)?);
    }
    Some(Edit::replace(composite, joined(rebuilt, separator)))
}

/// "Remove modifier JZ" for the modifier written at `span`, in either format.
pub fn removal(context: &FixContext<'_>, span: Span, preferred: bool, safe: bool) -> Option<Fix> {
    let line = context.billed_line_at(span.start)?;
    let edit = context.remove_modifier(line, span)?;
    let title = format!("Remove modifier {}", span.text(context.source));
    context.fix(title, vec![edit], preferred, safe)
}

/// One "Remove modifier" per member of a conflicting pair (`RT` and `LT`): which one is
/// wrong is the biller's call, so neither is preferred.
pub fn removals_of_pair(context: &FixContext<'_>, at: Span, pair: &[&str], fixes: &mut Vec<Fix>) {
    let Some(line) = context.billed_line_at(at.start) else { return };
    for code in pair {
        let written = line.modifier(context.source, code);
        fixes.extend(written.and_then(|span| removal(context, span, false, false)));
    }
}

#[cfg(test)]
mod tests {
    use super::{add, remove};
    use crate::edit::apply;
    use crate::model::ClaimFile;

    /// Applies `change` to the SV1 of a one-line claim and returns the new SV101.
    fn composite_after(
        sv101: &str,
        change: impl Fn(&ClaimFile, usize, &crate::model::Procedure) -> Option<crate::edit::Edit>,
    ) -> Option<String> {
        let text = crate::rules::modifiers::testing::claim("MB", &[(&format!("SV1*{sv101}*40*UN*4***1"), "20260115")]);
        let file = ClaimFile::parse(text);
        let (_, claim) = file.claims().next()?;
        let line = claim.lines.first()?;
        let edit = change(&file, line.service?, line.procedure(&file)?)?;
        let after = apply(&file.text, &[edit])?;
        let start = after.find("SV1*")? + 4;
        let end = start + after.get(start..)?.find('*')?;
        Some(after.get(start..end)?.to_string())
    }

    fn removing(sv101: &str, modifier: &str) -> Option<String> {
        composite_after(sv101, |file, service, procedure| {
            let span = procedure.modifiers.iter().find(|span| span.text(&file.text) == modifier)?;
            remove(file, service, procedure, *span)
        })
    }

    fn adding(sv101: &str, modifier: &str) -> Option<String> {
        composite_after(sv101, |file, service, procedure| add(file, service, procedure, modifier))
    }

    #[test]
    fn adds_in_the_first_free_slot() {
        assert_eq!(adding("HC:J2700", "JZ").as_deref(), Some("HC:J2700:JZ"));
        assert_eq!(adding("HC:J2700:59", "JZ").as_deref(), Some("HC:J2700:59:JZ"));
        assert_eq!(adding("HC:J2700::RT", "JZ").as_deref(), Some("HC:J2700:JZ:RT"));
        assert_eq!(adding("HC:J3490:::::OXACILLIN", "JW").as_deref(), Some("HC:J3490:JW::::OXACILLIN"));
        assert_eq!(adding("HC:J2700:A1:A2:A3:A4", "JZ"), None, "all four slots taken");
        assert_eq!(adding("HC:J2700^X", "JZ").as_deref(), Some("HC:J2700:JZ^X"), "the first repetition only");
    }

    #[test]
    fn removes_and_closes_the_gap() {
        assert_eq!(removing("HC:J2700:JW:JZ", "JZ").as_deref(), Some("HC:J2700:JW"));
        assert_eq!(removing("HC:J2700:JW:JZ", "JW").as_deref(), Some("HC:J2700:JZ"));
        assert_eq!(removing("HC:97110:59:XU:GP", "59").as_deref(), Some("HC:97110:XU:GP"));
        assert_eq!(removing("HC:J2700:JZ", "JZ").as_deref(), Some("HC:J2700"));
        assert_eq!(removing("HC:J3490:JW:JZ:::OXACILLIN", "JZ").as_deref(), Some("HC:J3490:JW::::OXACILLIN"));
        assert_eq!(removing("HC:J2700:JW:JZ^HC:J9999", "JZ").as_deref(), Some("HC:J2700:JW^HC:J9999"));
    }
}
