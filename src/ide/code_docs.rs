//! Documentation text for HCPCS codes and modifiers (hover, completion detail, `explain`),
//! as markdown built from the CMS data and our notes; plain-text rendering for clients
//! that do not take markdown.

use std::fmt::Write as _;

use crate::calendar::CalendarDate;
use crate::codes::{
    anweb, billing_notes, cpt_modifier, modifier_notes, shape, CodeRecord, CodeShape, CodeStatus, CodeTable, Decimal,
};

/// What the service line says around the code, when the doc is for a code on a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineContext {
    /// The quantity as written (SV104 / SV205), not yet validated.
    pub units: Option<String>,
    /// SV103 / SV204: `UN` units, `MJ` minutes …
    pub unit_basis: Option<String>,
    pub date_of_service: Option<CalendarDate>,
}

/// Markdown for a procedure code; `None` when the code is neither in the table nor
/// shaped like a CPT code.
pub fn procedure_doc(table: &CodeTable, code: &str, line: Option<&LineContext>) -> Option<String> {
    let code = code.trim();
    let Some(hcpcs) = table.procedure(code) else {
        return (shape(code) == CodeShape::Cpt).then(|| {
            format!(
                "**{code}** — CPT (Level I) code.\n\nIts descriptor is American Medical Association content and is not \
                 included here; look it up in the CPT code set."
            )
        });
    };
    let mut doc = format!("**{}** — {}\n", hcpcs.code(), hcpcs.description());
    let unit = hcpcs.billing_unit();
    if let Some(unit) = unit {
        let _ = writeln!(doc, "\n- Billing unit: 1 unit = {}", unit.describe());
        if unit.is_container() {
            let _ = writeln!(
                doc,
                "- Counted whole: CMS bills this code per {}; the descriptor does not give its size, so NDC \
                 quantities are not converted into units",
                unit.unit_name()
            );
        } else if unit.is_combination() {
            doc.push_str(
                "- A combination: one unit holds each drug's amount; an NDC quantity may count one drug or the \
                 whole, so it is not converted into units\n",
            );
        }
    } else if hcpcs.is_noc() {
        doc.push_str(
            "\n- Not otherwise classified: no billing unit. Payers expect the drug name (SV101-7 or NTE) and the NDC.\n",
        );
    }
    if let (Some(unit), Some(units_text)) = (unit, line.and_then(|l| l.units.as_deref())) {
        let basis = line.and_then(|l| l.unit_basis.as_deref()).map(str::trim);
        // The unit count as X12 writes it: no thousands commas, no sign.
        match (Decimal::parse(units_text.trim()).filter(|units| !units.is_negative()), basis) {
            (_, Some(basis)) if !basis.is_empty() && basis != "UN" => {
                let _ =
                    writeln!(doc, "- This line: unit basis {basis}; drug billing units are counted with UN (units)");
            }
            (Some(units), _) => {
                let plural = if units == Decimal::ONE { "unit" } else { "units" };
                if let Some(amount) = unit.describe_units(units) {
                    let _ = writeln!(doc, "- This line: {} {plural} = {amount}", units.grouped());
                }
            }
            (None, _) => {}
        }
    }
    let status = line.and_then(|l| l.date_of_service).map(|date| (date, hcpcs.status_on(date)));
    status_lines(&mut doc, table, &hcpcs.record, status);
    record_lines(&mut doc, &hcpcs.record);
    if let Some(notes) = billing_notes(hcpcs.code()) {
        doc.push_str("\n---\n\n");
        doc.push_str(&notes_without_title(notes));
    }
    Some(doc)
}

/// Markdown for a modifier: Level II from the table, Level I in our own words.
pub fn modifier_doc(table: &CodeTable, code: &str, date_of_service: Option<CalendarDate>) -> Option<String> {
    let code = code.trim();
    if let Some(modifier) = table.modifier(code) {
        let mut doc = format!("**{}** — {}\n\n", modifier.code(), modifier.description());
        let status = date_of_service.map(|date| (date, modifier.status_on(date)));
        status_lines(&mut doc, table, &modifier.record, status);
        let record = &modifier.record;
        if !record.short_description.trim().is_empty() {
            let _ = writeln!(doc, "- Short descriptor: {}", record.short_description.trim());
        }
        if let Some(coverage) = record.coverage {
            let _ =
                writeln!(doc, "- Coverage: {coverage} — {}", anweb::coverage_words(coverage).unwrap_or("unknown code"));
        }
        if !record.cross_references.is_empty() {
            let _ = writeln!(doc, "- CMS cross-reference: {}", record.cross_references.join(", "));
        }
        history_line(&mut doc, record);
        if let Some(notes) = modifier_notes(modifier.code()) {
            doc.push('\n');
            doc.push_str(notes.trim_end());
            doc.push('\n');
        }
        return Some(doc);
    }
    cpt_modifier(code).map(|modifier| {
        format!(
            "**{}** — CPT (Level I) modifier: {}.\n\nOur own short summary; the official descriptor is American Medical \
             Association content and is not included here.\n",
            modifier.code, modifier.description
        )
    })
}

/// Status on the line's date when there is one; otherwise the termination, if any.
fn status_lines(doc: &mut String, table: &CodeTable, record: &CodeRecord, status: Option<(CalendarDate, CodeStatus)>) {
    let replacement = || {
        table.successor(&record.code).map(|successor| match successor.conversion_text() {
            Some(conversion) => format!("; replaced by **{}** ({conversion})", successor.new),
            None => format!("; replaced by **{}**", successor.new),
        })
    };
    match status {
        Some((date, CodeStatus::Valid)) => {
            let _ = writeln!(doc, "- Status on {date}: valid");
        }
        Some((date, CodeStatus::NotYetValid { added })) => {
            let _ = writeln!(doc, "- Status on {date}: **not yet valid** — valid from {added}");
        }
        Some((date, CodeStatus::Discontinued { terminated })) => {
            let _ = writeln!(
                doc,
                "- Status on {date}: **discontinued** — last valid date of service {terminated}{}",
                replacement().unwrap_or_default()
            );
        }
        None => {
            if let Some(terminated) = record.terminated {
                let _ = writeln!(
                    doc,
                    "- Discontinued: last valid date of service {terminated}{}",
                    replacement().unwrap_or_default()
                );
            }
        }
    }
}

/// Coverage, pricing, BETOS and type of service in words.
fn record_lines(doc: &mut String, record: &CodeRecord) {
    if !record.short_description.trim().is_empty() {
        // As CMS publishes it, misspellings included (J2700's reads "injeciton").
        let _ = writeln!(doc, "- Short descriptor: {}", record.short_description.trim());
    }
    if let Some(coverage) = record.coverage {
        let _ = writeln!(doc, "- Coverage: {coverage} — {}", anweb::coverage_words(coverage).unwrap_or("unknown code"));
    }
    if !record.pricing.is_empty() {
        let pricing: Vec<String> = record
            .pricing
            .iter()
            .map(|p| match anweb::pricing_words(p) {
                Some(words) => format!("{p} — {words}"),
                None => p.clone(),
            })
            .collect();
        let _ = writeln!(doc, "- Pricing: {}", pricing.join("; "));
    }
    if let Some(betos) = &record.betos {
        match anweb::betos_words(betos) {
            Some(words) => {
                let _ = writeln!(doc, "- BETOS: {betos} — {words}");
            }
            None => {
                let _ = writeln!(doc, "- BETOS: {betos}");
            }
        }
    }
    if !record.type_of_service.is_empty() {
        let kinds: Vec<String> = record
            .type_of_service
            .iter()
            .map(|&t| match anweb::type_of_service_words(t) {
                Some(words) => format!("{t} — {words}"),
                None => t.to_string(),
            })
            .collect();
        let _ = writeln!(doc, "- Type of service: {}", kinds.join("; "));
    }
    if let Some(group) = record.asc_group.as_deref().filter(|g| !g.trim().is_empty()) {
        let since = record.asc_effective.map(|date| format!(" since {date}")).unwrap_or_default();
        let meaning = if group == "YY" { "approved for ambulatory surgical centers" } else { "ASC payment group" };
        let _ = writeln!(doc, "- ASC: {group} — {meaning}{since}");
    }
    history_line(doc, record);
}

/// When CMS added the code or modifier and what its last action was.
fn history_line(doc: &mut String, record: &CodeRecord) {
    let mut history = Vec::new();
    if let Some(added) = record.added {
        history.push(format!("added {added}"));
    }
    if let Some(action) = record.action {
        let words = anweb::action_words(action).unwrap_or("unknown action code");
        let effective = record.action_effective.map(|date| format!(", effective {date}")).unwrap_or_default();
        history.push(format!("last action {action} — {words}{effective}"));
    }
    if !history.is_empty() {
        let _ = writeln!(doc, "- History: {}", history.join("; "));
    }
}

/// The notes start with their own `# CODE` title, which the doc's first line already shows.
fn notes_without_title(notes: &str) -> String {
    let body = match notes.split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => rest,
        _ => notes,
    };
    format!("{}\n", body.trim())
}

/// Plain text for clients without markdown and for `explain --format text`: no emphasis
/// markers, code spans, heading marks or links; list items and line structure stay.
pub fn markdown_to_plain(md: &str) -> String {
    let mut out = String::new();
    for line in md.lines() {
        let trimmed = line.trim_start();
        if trimmed == "---" {
            out.push('\n');
            continue;
        }
        let heading = trimmed.trim_start_matches('#');
        let line = if heading.len() < trimmed.len() && heading.starts_with(' ') { heading.trim_start() } else { line };
        out.push_str(&strip_inline(line));
        out.push('\n');
    }
    out
}

fn strip_inline(line: &str) -> String {
    let mut out = String::new();
    for (index, c) in line.char_indices() {
        match c {
            '`' => {}
            '*' | '_' if is_emphasis(line, index, c) => {}
            '[' => {
                // [text](url) keeps the text.
                let rest = line.get(index + 1..).unwrap_or("");
                match rest
                    .split_once("](")
                    .and_then(|(text, tail)| tail.split_once(')').map(|(_, after)| (text, after)))
                {
                    Some((text, after)) if !text.contains(']') => {
                        out.push_str(text);
                        out.push_str(&strip_inline(after));
                        return out;
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// `*` and `_` next to a word boundary mark emphasis; inside words ("snake_case",
/// "2*3") they are kept.
fn is_emphasis(line: &str, index: usize, marker: char) -> bool {
    let before = line.get(..index).and_then(|s| s.chars().last());
    let after = line.get(index + marker.len_utf8()..).and_then(|s| s.chars().next());
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if marker == '*' && before.is_none() && after == Some(' ') {
        return false; // a "* item" list marker
    }
    !(word(before) && word(after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::builtin;

    fn date(text: &str) -> CalendarDate {
        CalendarDate::parse_ccyymmdd(text).expect("test date")
    }

    fn line(units: &str, dos: &str) -> LineContext {
        LineContext { units: Some(units.into()), unit_basis: Some("UN".into()), date_of_service: Some(date(dos)) }
    }

    #[test]
    fn j2700_hover_is_oxacillin_with_units_converted() {
        let doc = procedure_doc(builtin(), "J2700", Some(&line("4", "20250301"))).expect("doc");
        assert!(doc.starts_with("**J2700** — Injection, oxacillin sodium, up to 250 mg\n"), "{doc}");
        assert!(doc.contains("1 unit = up to 250 mg oxacillin sodium"), "{doc}");
        assert!(doc.contains("4 units = up to 1,000 mg oxacillin sodium"), "{doc}");
        assert!(doc.contains("Status on 2025-03-01: valid"), "{doc}");
        assert!(doc.contains("D — special coverage instructions apply"), "{doc}");
        assert!(doc.contains("51 — drugs"), "{doc}");
        assert!(doc.contains("O1E — other drugs"), "{doc}");
        assert!(doc.contains("oxymorphone is J2410"), "{doc}");
    }

    #[test]
    fn j2410_is_oxymorphone() {
        let doc = procedure_doc(builtin(), "J2410", None).expect("doc");
        assert!(doc.contains("oxymorphone hcl, up to 1 mg"), "{doc}");
        assert!(!doc.contains("Status on"), "no date, no status claim");
    }

    #[test]
    fn j1170_after_termination_points_to_j1171() {
        let doc = procedure_doc(builtin(), "J1170", Some(&line("1", "20250301"))).expect("doc");
        assert!(doc.contains("**discontinued** — last valid date of service 2024-09-30"), "{doc}");
        assert!(
            doc.contains("replaced by **J1171** (1 unit of J1170 (up to 4 mg) = at most 40 units of J1171"),
            "{doc}"
        );
        assert!(doc.contains("1 unit = up to 4 mg hydromorphone"), "{doc}");
        let not_yet = procedure_doc(builtin(), "J0013", Some(&line("1", "20251201"))).expect("doc");
        assert!(not_yet.contains("**not yet valid** — valid from 2026-01-01"), "{not_yet}");
    }

    #[test]
    fn noc_code_has_no_unit_and_says_what_payers_want() {
        let doc = procedure_doc(builtin(), "J3490", Some(&line("3", "20250301"))).expect("doc");
        assert!(doc.contains("Unclassified drugs") && doc.contains("no billing unit") && doc.contains("NDC"), "{doc}");
        assert!(!doc.contains("3 units ="), "{doc}");
    }

    #[test]
    fn a_per_vial_code_says_it_is_counted_whole_and_the_iron_code_names_iron() {
        let doc = procedure_doc(builtin(), "J1162", Some(&line("2", "20260115"))).expect("doc");
        assert!(doc.contains("1 unit = 1 vial of digoxin immune fab (ovine)"), "{doc}");
        assert!(doc.contains("CMS bills this code per vial") && doc.contains("not converted"), "{doc}");
        assert!(doc.contains("2 units = 2 vials of digoxin immune fab (ovine)"), "{doc}");
        let iron = procedure_doc(builtin(), "J1444", None).expect("doc");
        assert!(iron.contains("1 unit = 0.1 mg of iron (ferric pyrophosphate citrate powder)"), "{iron}");
        let combination = procedure_doc(builtin(), "J0695", None).expect("doc");
        assert!(combination.contains("1 unit = 50 mg ceftolozane and 25 mg tazobactam"), "{combination}");
        assert!(combination.contains("A combination"), "{combination}");
    }

    #[test]
    fn a_modifier_shows_its_dates_short_descriptor_and_cross_reference() {
        let am = modifier_doc(builtin(), "AM", None).expect("AM");
        assert!(am.contains("- Short descriptor: "), "{am}");
        assert!(am.contains("- CMS cross-reference: QM"), "{am}");
        assert!(am.contains("- History: added "), "{am}");
        assert!(am.contains("effective "), "{am}");
    }

    #[test]
    fn jw_and_jz_explain_drug_line_use() {
        let jw = modifier_doc(builtin(), "JW", Some(date("20250301"))).expect("JW");
        assert!(jw.starts_with("**JW** — Drug amount discarded/not administered to any patient"), "{jw}");
        assert!(
            jw.contains("own line") && jw.contains("same HCPCS code and") && jw.contains("discarded amount"),
            "{jw}"
        );
        let jz = modifier_doc(builtin(), "JZ", None).expect("JZ");
        assert!(jz.contains("Zero drug amount discarded"), "{jz}");
        assert!(jz.contains("July 2023") && jz.contains("Never put JW and JZ on one line"), "{jz}");
    }

    #[test]
    fn jg_after_2024_is_replaced_by_tb() {
        let doc = modifier_doc(builtin(), "JG", Some(date("20250115"))).expect("JG");
        assert!(doc.contains("**discontinued** — last valid date of service 2024-12-31; replaced by **TB**"), "{doc}");
        let before = modifier_doc(builtin(), "JG", Some(date("20241231"))).expect("JG");
        assert!(before.contains("Status on 2024-12-31: valid"), "{before}");
    }

    #[test]
    fn cpt_codes_and_modifiers_claim_no_ama_text() {
        let doc = procedure_doc(builtin(), "99213", None).expect("CPT doc");
        assert_eq!(doc.lines().next(), Some("**99213** — CPT (Level I) code."));
        assert!(doc.contains("not included"), "{doc}");
        let modifier = modifier_doc(builtin(), "25", None).expect("25");
        assert!(
            modifier.contains("CPT (Level I) modifier") && modifier.contains("Our own short summary"),
            "{modifier}"
        );
        assert!(procedure_doc(builtin(), "J9998", None).is_none());
        assert!(procedure_doc(builtin(), "hello", None).is_none());
        assert!(modifier_doc(builtin(), "Q#", None).is_none());
    }

    #[test]
    fn odd_line_values_do_not_break_the_doc() {
        for units in ["", "abc", "-1", "99999999999999999999", "1.2.3", "0", "2.5"] {
            let context = LineContext { units: Some(units.into()), unit_basis: None, date_of_service: None };
            assert!(procedure_doc(builtin(), "J2700", Some(&context)).is_some(), "{units}");
        }
        let minutes = LineContext { units: Some("4".into()), unit_basis: Some("MJ".into()), date_of_service: None };
        let doc = procedure_doc(builtin(), "J2700", Some(&minutes)).expect("doc");
        assert!(doc.contains("unit basis MJ") && !doc.contains("1,000 mg"), "{doc}");
    }

    #[test]
    fn plain_text_drops_markup() {
        let md = "# Title\n**J2700** — *Injection*, `code` [CMS](https://cms.gov) snake_case\n---\n- item";
        assert_eq!(markdown_to_plain(md), "Title\nJ2700 — Injection, code CMS snake_case\n\n- item\n");
        let doc = procedure_doc(builtin(), "J2700", None).expect("doc");
        let plain = markdown_to_plain(&doc);
        assert!(plain.starts_with("J2700 — Injection, oxacillin sodium, up to 250 mg"), "{plain}");
        assert!(!plain.contains("**"), "{plain}");
    }
}
