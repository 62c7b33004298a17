//! Completion that knows where the cursor is: segment ids the guide allows at this point
//! of the loop; the guide's codes for an ID element, with their meaning; HCPCS J and Q
//! codes in SV101-2 / SV202-2, valid on the line's date of service; modifiers in a
//! modifier position (JW and JZ first on a drug line); unit codes in CTP05. Items insert
//! only the value: never a separator the user did not type.

use crate::calendar::CalendarDate;
use crate::codes::{cpt_modifiers, CodeStatus, CodeTable};
use crate::guide::{self, Guide, LoopTracker};
use crate::ide::hover::{line_at, locate, loop_of};
use crate::model::{ClaimFile, TransactionKind};
use crate::syntax::{SegmentIndex, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Segment,
    /// A qualifier or other ID code from the guide.
    Code,
    Procedure,
    Modifier,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// The value, which is also what is inserted.
    pub label: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub kind: CompletionKind,
    /// The bytes the value replaces: the value being typed.
    pub replace: Span,
    /// Orders the list: nearest segments and JW/JZ first.
    pub sort_text: String,
}

/// The list and whether it was cut short (more codes match than are listed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<CompletionItem>,
    pub incomplete: bool,
}

/// At most this many procedure codes per answer: the client asks again as the prefix grows.
const MAX_CODES: usize = 150;

pub fn complete(file: &ClaimFile, codes: &CodeTable, offset: usize) -> Completions {
    let text = &file.text;
    let offset = offset.min(text.len());
    let index = file.tree.segment_at(offset);
    let segment = index.and_then(|i| file.tree.segment(i));
    // After a terminator (or in the line break after it): a new segment starts here.
    let at_new_segment = match segment {
        None => true,
        Some(segment) => segment.terminator().is_some_and(|t| offset >= t.end),
    };
    if at_new_segment {
        let previous = file.tree.segments.partition_point(|s| s.span().end <= offset).checked_sub(1);
        return segments(file, previous, "", Span::new(offset, offset));
    }
    let (Some(index), Some(segment)) = (index, segment) else { return Completions::default() };
    if segment.id_span().touches(offset) {
        // Only the id's letters up to a line break are the id being typed.
        let id = segment.id_span();
        let end = id.text(text).find(|c: char| !c.is_ascii_alphanumeric()).map_or(id.end, |at| id.start + at);
        let end = end.max(offset.min(id.end));
        let typed = Span::new(id.start, offset.min(end)).text(text);
        return segments(file, index.checked_sub(1), typed, Span::new(id.start, end));
    }
    let Some(cursor) = locate(file, offset) else { return Completions::default() };
    let Some(position) = cursor.position else { return Completions::default() };
    let id = segment.id(text);
    if id == "ISA" {
        return Completions::default();
    }
    let transaction = file.transactions().find(|t| t.segments.contains(&index));
    let guide = guide_of(transaction.map(|t| t.kind));
    let line = transaction.and_then(|t| line_at(t, index));
    let date = line.and_then(|(claim, line)| line.date_of_service(file, claim));
    let procedure = line.and_then(|(_, line)| line.procedure(file).filter(|_| line.service == Some(index)));
    let prefix = Span::new(cursor.span.start, offset.max(cursor.span.start)).text(text).to_ascii_uppercase();
    if let Some(procedure) = procedure.filter(|p| p.composite_position == position) {
        match cursor.component.unwrap_or(1) {
            2 => return procedure_codes(codes, &prefix, date, cursor.span),
            3..=6 => {
                let drug = codes.procedure(procedure.code_text(file)).is_some_and(|code| code.is_drug());
                return modifiers(codes, &prefix, date, drug, cursor.span);
            }
            _ => {}
        }
    }
    let loop_id = transaction.and_then(|t| loop_of(file, t, guide, index));
    let component = cursor.component;
    let info = guide::element_info(guide, loop_id, id, position, component)
        .filter(|info| !info.valid_codes.is_empty())
        .or_else(|| component.is_none().then(|| guide::element_info(guide, loop_id, id, position, Some(1))).flatten());
    let Some(info) = info else { return Completions::default() };
    let items = info
        .valid_codes
        .iter()
        .filter(|code| code.starts_with(prefix.as_str()))
        .enumerate()
        .map(|(order, code)| {
            let meaning = guide::qualifier_meaning(id, position, component, code)
                .or_else(|| guide::qualifier_meaning(id, position, Some(1), code));
            CompletionItem {
                label: (*code).to_string(),
                detail: meaning.map(String::from),
                documentation: Some(format!("{} — {}", info.ref_des, info.name)),
                kind: CompletionKind::Code,
                replace: cursor.span,
                sort_text: format!("{order:04}"),
            }
        })
        .collect();
    Completions { items, incomplete: false }
}

fn guide_of(kind: Option<TransactionKind>) -> Guide {
    match kind {
        Some(TransactionKind::Institutional) => Guide::Institutional,
        _ => Guide::Professional,
    }
}

/// Segment ids allowed after `previous`, the guide's name as detail.
fn segments(file: &ClaimFile, previous: Option<SegmentIndex>, typed: &str, replace: Span) -> Completions {
    let typed = typed.to_ascii_uppercase();
    let transaction = previous.and_then(|p| file.transactions().find(|t| t.segments.contains(&p)));
    let guide = guide_of(transaction.map(|t| t.kind).or_else(|| file.transactions().next().map(|t| t.kind)));
    let loop_id = match (previous, transaction) {
        (Some(previous), Some(transaction)) => loop_of(file, transaction, guide, previous),
        (Some(previous), None) => {
            // Envelope segments outside a transaction: the tracker places them alone.
            let node = file.tree.segment(previous);
            node.and_then(|node| {
                let id = node.id(&file.text);
                LoopTracker::new(guide).next(id, |p| file.tree.element(node, p).map(|e| e.span().text(&file.text)))
            })
        }
        (None, _) => None,
    };
    let items = guide::segments_allowed_after(guide, loop_id)
        .into_iter()
        .filter(|choice| choice.id.starts_with(typed.as_str()))
        .enumerate()
        .map(|(order, choice)| CompletionItem {
            label: choice.id.to_string(),
            detail: Some(choice.name.to_string()),
            documentation: guide::loop_name(guide, choice.loop_id)
                .map(|name| format!("Loop {} — {name}", choice.loop_id)),
            kind: CompletionKind::Segment,
            replace,
            sort_text: format!("{order:04}"),
        })
        .collect();
    Completions { items, incomplete: false }
}

fn valid_on(status: Option<CodeStatus>) -> bool {
    status.is_none_or(|status| status == CodeStatus::Valid)
}

/// HCPCS codes that start with what was typed, valid on the date of service.
fn procedure_codes(codes: &CodeTable, prefix: &str, date: Option<CalendarDate>, replace: Span) -> Completions {
    let mut items = Vec::new();
    let mut incomplete = false;
    for code in codes.procedures() {
        if !code.code().starts_with(prefix) || !valid_on(date.map(|date| code.status_on(date))) {
            continue;
        }
        if items.len() == MAX_CODES {
            incomplete = true;
            break;
        }
        let unit = code.billing_unit().map(|unit| format!("1 unit = {}", unit.describe()));
        items.push(CompletionItem {
            label: code.code().to_string(),
            detail: Some(match &unit {
                Some(unit) => format!("{} ({unit})", code.description()),
                None => code.description().to_string(),
            }),
            documentation: unit,
            kind: CompletionKind::Procedure,
            replace,
            sort_text: code.code().to_string(),
        });
    }
    Completions { items, incomplete }
}

/// Level II modifiers valid on the date, then the Level I ones we describe; JW and JZ
/// first on a drug line.
fn modifiers(codes: &CodeTable, prefix: &str, date: Option<CalendarDate>, drug: bool, replace: Span) -> Completions {
    let level_two = codes
        .modifiers()
        .filter(|modifier| valid_on(date.map(|date| modifier.status_on(date))))
        .map(|modifier| (modifier.code(), modifier.description()));
    let level_one = cpt_modifiers().iter().map(|modifier| (modifier.code.as_str(), modifier.description.as_str()));
    let mut items: Vec<CompletionItem> = level_two
        .chain(level_one)
        .filter(|(code, _)| code.starts_with(prefix))
        .map(|(code, description)| CompletionItem {
            label: code.to_string(),
            detail: Some(description.to_string()),
            documentation: None,
            kind: CompletionKind::Modifier,
            replace,
            sort_text: if drug && matches!(code, "JW" | "JZ") { format!("0{code}") } else { format!("1{code}") },
        })
        .collect();
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items.dedup_by(|a, b| a.label == b.label);
    Completions { items, incomplete: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = include_str!("../../fixtures/claims/clean-837p.837");

    fn labels_at(text: &str, offset: usize) -> Vec<String> {
        let file = ClaimFile::parse(text.to_string());
        complete(&file, crate::codes::builtin(), offset).items.into_iter().map(|item| item.label).collect()
    }

    #[test]
    fn after_a_service_line_the_segments_of_the_line_loop_come_first() {
        let at = CLAIM.find("SV1*HC:96365").expect("line");
        let text = format!("{}DT\n{}", &CLAIM[..at], &CLAIM[at..]);
        let labels = labels_at(&text, at + 2);
        assert!(labels.contains(&"DTP".to_string()), "{labels:?}");
        assert!(labels.iter().all(|label| label.starts_with("DT")), "{labels:?}");
        let after_clm = CLAIM.find("HI*ABK").expect("HI");
        let next = labels_at(CLAIM, after_clm);
        assert!(next.contains(&"HI".to_string()) && next.contains(&"LX".to_string()), "{next:?}");
        assert!(
            !next.contains(&"ISA".to_string())
                || next.iter().position(|l| l == "ISA") > next.iter().position(|l| l == "HI")
        );
    }

    #[test]
    fn a_procedure_position_lists_j_codes_with_descriptor_and_unit() {
        let text = CLAIM.replace("SV1*HC:J2700:JZ", "SV1*HC:J27:JZ");
        let at = text.find("J27:").expect("code") + 3;
        let file = ClaimFile::parse(text.clone());
        let found = complete(&file, crate::codes::builtin(), at);
        let oxacillin = found.items.iter().find(|item| item.label == "J2700").expect("J2700");
        assert!(
            oxacillin.detail.as_deref().is_some_and(|d| d.contains("oxacillin") && d.contains("250 mg")),
            "{oxacillin:?}"
        );
        assert_eq!(oxacillin.replace.text(&text), "J27", "replaces the value typed, not the separators");
        assert!(found.items.iter().all(|item| item.label.starts_with("J27")));
    }

    #[test]
    fn codes_not_valid_on_the_date_of_service_are_left_out() {
        // J1170 ends on 2024-09-30; J1171 starts on 2025-01-01.
        let text = CLAIM.replace("SV1*HC:J2700:JZ", "SV1*HC:J117:JZ");
        let at = text.find("J117:").expect("code") + 4;
        let labels = labels_at(&text, at);
        assert!(labels.contains(&"J1171".to_string()) && !labels.contains(&"J1170".to_string()), "{labels:?}");
        let earlier = text.replace("20260115", "20240115");
        let labels = labels_at(&earlier, at);
        assert!(labels.contains(&"J1170".to_string()) && !labels.contains(&"J1171".to_string()), "{labels:?}");
    }

    #[test]
    fn modifiers_on_a_drug_line_start_with_jw_and_jz() {
        let at = CLAIM.find(":JZ*").expect("modifier") + 1;
        let labels = labels_at(CLAIM, at);
        assert_eq!(labels.get(..2), Some(&["JW".to_string(), "JZ".to_string()][..]), "{:?}", labels.get(..5));
        let typed = CLAIM.replace(":JZ*", ":J*");
        let at = typed.find(":J*").expect("modifier") + 2;
        assert!(labels_at(&typed, at).iter().all(|label| label.starts_with('J')));
    }

    #[test]
    fn id_elements_and_ctp05_list_the_guides_codes() {
        let at = CLAIM.find("*1000*ME").expect("ctp") + 6;
        let file = ClaimFile::parse(CLAIM.to_string());
        let units = complete(&file, crate::codes::builtin(), at).items;
        let milligram = units.iter().find(|item| item.label == "ME").expect("ME");
        assert_eq!(milligram.detail.as_deref(), Some("Milligram"));
        for unit in ["F2", "GR", "ML", "UN"] {
            assert!(units.iter().any(|item| item.label == unit), "{unit}");
        }
        let dtp = CLAIM.find("DTP*472").expect("dtp") + 4;
        let qualifiers = labels_at(CLAIM, dtp);
        assert!(qualifiers.contains(&"472".to_string()), "{qualifiers:?}");
    }

    #[test]
    fn any_cursor_in_odd_text_answers_without_panicking() {
        for text in
            ["", "~", "SV1*:::::::~", "CTP****~", "ISA*~GS~ST*837*1*005010X223A2~SV2*0250*HC:~", "\u{feff}LX*é~"]
        {
            let file = ClaimFile::parse(text.to_string());
            for offset in 0..=text.len() + 1 {
                let found = complete(&file, crate::codes::builtin(), offset);
                assert!(
                    found.items.iter().all(|item| item.replace.end <= text.len() && !item.label.contains(['*', '~'])),
                    "{text:?} {offset} {:?}",
                    found.items.first()
                );
            }
        }
    }
}
