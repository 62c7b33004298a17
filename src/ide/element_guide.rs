//! The implementation guide's word on one element, for hover: its usage, data type and
//! length, and for a code element the codes the guide allows, each with our own short
//! meaning where `data/x12/qualifiers.tsv` has one.

use crate::guide::{self, DataType, ElementInfo, Usage};

/// Codes listed before "… and N more".
const SHOWN_CODES: usize = 8;

/// Markdown lines for the element `info` describes, at `position`/`component` of
/// `segment_id` (where the qualifier meanings are looked up).
pub(crate) fn element_guide(info: &ElementInfo, segment_id: &str, position: usize, component: Option<usize>) -> String {
    let usage = match info.usage {
        Usage::Required => "required",
        Usage::Situational => "situational",
        Usage::NotUsed => "not used",
    };
    let mut facts = vec![format!("Usage: **{usage}**")];
    if info.data_type == DataType::Composite {
        facts.push("composite".to_string());
    } else {
        facts.push(format!("type {}", type_name(info.data_type)));
        facts.push(length(info.min_len, info.max_len));
    }
    let mut markdown = facts.join(" · ");
    if !info.valid_codes.is_empty() {
        markdown.push_str("\n\nAllowed codes:");
        for code in info.valid_codes.iter().take(SHOWN_CODES) {
            match guide::qualifier_meaning(segment_id, position, component, code) {
                Some(meaning) => markdown.push_str(&format!("\n- `{code}` — {meaning}")),
                None => markdown.push_str(&format!("\n- `{code}`")),
            }
        }
        let more = info.valid_codes.len().saturating_sub(SHOWN_CODES);
        if more > 0 {
            markdown.push_str(&format!("\n\n… and {more} more"));
        }
    }
    if let Some(set) = info.external_code_set {
        let joiner = if info.valid_codes.is_empty() { "Codes" } else { "Also codes" };
        markdown.push_str(&format!("\n\n{joiner} from the external `{set}` list"));
    }
    markdown
}

fn type_name(data_type: DataType) -> &'static str {
    match data_type {
        DataType::Numeric => "N (whole number, implied decimals)",
        DataType::Decimal => "R (decimal number)",
        DataType::Identifier => "ID (code)",
        DataType::String => "AN (text)",
        DataType::Date => "DT (date, CCYYMMDD)",
        DataType::Time => "TM (time, HHMM)",
        DataType::Composite => "composite",
    }
}

fn length(min: usize, max: usize) -> String {
    match (min, max) {
        (_, usize::MAX) => format!("length {min} or more"),
        (min, max) if min == max => format!("length {min}"),
        (min, max) => format!("length {min}–{max}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::Guide;

    fn describe(guide: Guide, loop_id: &str, segment: &str, position: usize, component: Option<usize>) -> String {
        let Some(info) = guide::element_info(guide, Some(loop_id), segment, position, component) else {
            panic!("{segment}{position:02} is in the guide");
        };
        element_guide(&info, segment, position, component)
    }

    #[test]
    fn a_qualifier_shows_its_codes_with_meanings() {
        // NM108 in the billing provider's name: only XX (NPI) is allowed.
        let text = describe(Guide::Professional, "2010AA", "NM1", 8, None);
        assert!(text.starts_with("Usage: **situational** · type ID (code) · length 1–2"), "{text}");
        assert!(text.contains("- `XX`"), "{text}");
        assert!(!text.contains("more"), "{text}");
    }

    #[test]
    fn a_long_code_list_is_cut_short() {
        // SBR09 claim filing codes: 23 of them.
        let text = describe(Guide::Professional, "2000B", "SBR", 9, None);
        assert!(text.contains("Usage: **situational**"), "{text}");
        assert!(text.contains("- `11` — Other non-federal programs"), "{text}");
        assert_eq!(text.matches("\n- `").count(), SHOWN_CODES, "{text}");
        assert!(text.contains("… and 15 more"), "{text}");
    }

    #[test]
    fn text_numbers_dates_and_not_used_elements() {
        let name = describe(Guide::Professional, "2010BA", "NM1", 3, None);
        assert!(name.starts_with("Usage: **required** · type AN (text) · length 1–60"), "{name}");
        let charge = describe(Guide::Professional, "2400", "SV1", 2, None);
        assert!(charge.contains("type R (decimal number) · length 1–18"), "{charge}");
        let not_used = describe(Guide::Professional, "2010AA", "NM1", 10, None);
        assert!(not_used.starts_with("Usage: **not used**"), "{not_used}");
        let composite = describe(Guide::Professional, "2400", "SV1", 1, None);
        assert_eq!(composite, "Usage: **required** · composite");
    }

    #[test]
    fn an_external_code_set_is_named() {
        let state = describe(Guide::Professional, "2010AB", "N4", 2, None);
        assert!(state.contains("external `states` list"), "{state}");
    }
}
