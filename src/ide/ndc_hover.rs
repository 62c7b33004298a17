//! Hover on an NDC (837 LIN03, a charge file's NDC cell) with what CMS's ASP NDC–HCPCS
//! crosswalk says of it, when the user loaded one (`ndcCrosswalkFile`): the product, its
//! labeler, the codes it is billed under and the billing units of its package. Added
//! under the hover the element or cell already has.

use super::hover::{hover, HoverDoc};
use crate::analysis::Analysis;
use crate::config::{CrosswalkEntry, Environment, NdcCrosswalk};
use crate::csv::normalize_ndc;
use crate::model::NdcForm;
use crate::syntax::Span;

/// The hover at `offset`, with the crosswalk's rows when the cursor is on a listed NDC.
pub fn hover_with_tables(analysis: &Analysis, environment: &Environment, offset: usize) -> Option<HoverDoc> {
    let base = hover(analysis, environment.codes(), offset);
    let Some((span, crosswalk_doc)) = environment.crosswalk.as_deref().and_then(|c| ndc_doc(analysis, c, offset))
    else {
        return base;
    };
    Some(match base {
        Some(doc) => HoverDoc { span: doc.span, markdown: format!("{crosswalk_doc}\n\n---\n{}", doc.markdown) },
        None => HoverDoc { span, markdown: crosswalk_doc },
    })
}

/// At most this many crosswalk rows are shown for one NDC.
const MAX_ROWS: usize = 5;

fn ndc_doc(analysis: &Analysis, crosswalk: &NdcCrosswalk, offset: usize) -> Option<(Span, String)> {
    let source = analysis.text();
    let (_, line) = analysis.billing.line_at(offset)?;
    let drug = line.drugs.iter().find(|drug| drug.ndc.is_some_and(|span| span.touches(offset)))?;
    if drug.ndc_form == NdcForm::Other {
        return None;
    }
    let span = drug.ndc?;
    let ndc = normalize_ndc(span.text(source))?;
    let entries = crosswalk.entries(&ndc);
    let first = entries.first()?;
    let edition = crosswalk.year.map_or_else(String::new, |year| format!(" {year}"));
    let mut markdown = format!("**NDC {}** — {}", first.ndc_text, product(first));
    markdown.push_str(&format!("\n\nCMS ASP NDC–HCPCS crosswalk{edition}:"));
    for entry in entries.iter().take(MAX_ROWS) {
        markdown.push_str(&format!("\n- {}", row(entry)));
    }
    if entries.len() > MAX_ROWS {
        markdown.push_str(&format!("\n- and {} more codes", entries.len() - MAX_ROWS));
    }
    Some((span, markdown))
}

/// "EXAMPLIZUMAB (EXAMPLE ONCOLOGY INC)".
fn product(entry: &CrosswalkEntry) -> String {
    match (entry.drug_name.is_empty(), entry.labeler.is_empty()) {
        (false, false) => format!("{} ({})", entry.drug_name, entry.labeler),
        (false, true) => entry.drug_name.clone(),
        (true, false) => entry.labeler.clone(),
        (true, true) => "listed without a name".to_string(),
    }
}

/// "`J9035` (10 MG): package 1 × 4, 10 billing units per item, 10 per package".
fn row(entry: &CrosswalkEntry) -> String {
    let mut text = format!("`{}`", entry.hcpcs);
    if !entry.dosage.is_empty() {
        text.push_str(&format!(" ({})", entry.dosage));
    }
    let mut facts = Vec::new();
    if let (Some(quantity), Some(size)) = (entry.package_quantity, entry.package_size) {
        facts.push(format!("package {} × {}", quantity.grouped(), size.grouped()));
    }
    if let Some(units) = entry.billing_units_per_item() {
        facts.push(format!("{} billing units per item", units.grouped()));
    }
    if let Some(units) = entry.billing_units_per_package {
        facts.push(format!("{} per package", units.grouped()));
    }
    if !facts.is_empty() {
        text.push_str(": ");
        text.push_str(&facts.join(", "));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::analysis::{Analysis, DocumentKind};

    const CROSSWALK: &str = "\
_2026_CODE,Short Description,LABELER NAME,NDC2,Drug Name,HCPCS dosage,PKG SIZE,PKG QTY,BILLUNITS,BILLUNITSPKG
J9035,Made-up,EXAMPLE ONCOLOGY INC,99999-0060-04,EXAMPLIZUMAB,10 MG,4,1,10,10
";

    fn environment() -> Environment {
        let crosswalk = NdcCrosswalk::from_csv(CROSSWALK).expect("crosswalk");
        Environment { crosswalk: Some(Arc::new(crosswalk)), ..Environment::default() }
    }

    fn claim() -> String {
        let text = crate::rules::modifiers::testing::claim("MB", &[("SV1*HC:J9035:JZ*700*UN*40***1", "20260115")]);
        text.replace("DTP*472*D8*20260115~", "DTP*472*D8*20260115~\nLIN**N4*99999006004~\nCTP****16*ML~")
    }

    #[test]
    fn an_ndc_shows_the_crosswalk_product_and_codes_above_the_element() {
        let text = claim();
        let analysis = Analysis::of_text(text.clone(), &environment());
        let offset = text.find("99999006004").expect("ndc") + 3;
        let doc = hover_with_tables(&analysis, &environment(), offset).expect("hover");
        assert!(
            doc.markdown.starts_with(
                "**NDC 99999-0060-04** — EXAMPLIZUMAB (EXAMPLE ONCOLOGY INC)\n\nCMS ASP NDC–HCPCS crosswalk 2026:\n\
                 - `J9035` (10 MG): package 1 × 4, 10 billing units per item, 10 per package"
            ),
            "{}",
            doc.markdown
        );
        assert!(doc.markdown.contains("LIN03"), "the element's own hover stays: {}", doc.markdown);
    }

    #[test]
    fn a_charge_file_ndc_cell_in_any_layout_shows_it_and_other_places_do_not() {
        let text = "Account Number,Service Date,CPT/HCPCS,Units,Charge,NDC,NDC Qty,NDC Unit\n\
                    A-1,01/15/2026,J9035,40,700.00,99999-0060-04,16,ml\n";
        let kind = DocumentKind::Charges { file_name: Some("charges.csv".into()) };
        let analysis = Analysis::of_document(text.to_string(), &kind, &environment());
        let offset = text.find("99999-0060-04").expect("ndc") + 1;
        let doc = hover_with_tables(&analysis, &environment(), offset).expect("hover");
        assert!(doc.markdown.contains("EXAMPLIZUMAB"), "{}", doc.markdown);
        let on_units = text.find(",40,").expect("units") + 1;
        let units_doc = hover_with_tables(&analysis, &environment(), on_units).map(|d| d.markdown).unwrap_or_default();
        assert!(!units_doc.contains("EXAMPLIZUMAB"), "{units_doc}");
        let without = Environment::default();
        let plain = hover_with_tables(&analysis, &without, offset).map(|d| d.markdown).unwrap_or_default();
        assert!(!plain.contains("crosswalk"), "{plain}");
    }
}
