//! Any bytes, read as a charge file: the reader never fails, every row and cell span
//! lies inside the text on character boundaries, in order and without overlap, and
//! every value reader takes every cell without panicking; the charge-file rules run and
//! every finding lies inside the text.
#![no_main]

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::csv;
use claim_lsp::syntax::Span;
use libfuzzer_sys::fuzz_target;

fn inside(text: &str, span: Span) {
    assert!(span.start <= span.end && span.end <= text.len(), "span {span:?} out of the text");
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "span {span:?} splits a character");
}

fuzz_target!(|data: &[u8]| {
    let text = claim_lsp::text::decode(data);
    let table = csv::parse(&text);
    let mut row_end = 0;
    for row in std::iter::once(&table.header).chain(&table.rows) {
        inside(&text, row.span);
        inside(&text, row.line_end);
        assert!(row.span.start >= row_end, "rows overlap");
        row_end = row.span.end;
        let mut cell_end = row.span.start;
        for cell in &row.cells {
            inside(&text, cell.span);
            inside(&text, cell.value_span());
            assert!(cell.span.start >= cell_end && cell.span.end <= row.span.end, "cells out of order or row");
            cell_end = cell.span.end;
            let value = cell.text(&text);
            let _ = (csv::parse_date(&value), csv::parse_money(&value), csv::normalize_ndc(&value));
            let _ = (csv::ndc_unit_code(&value), csv::looks_like_hcpcs(&value));
            for (offset, modifier) in csv::split_modifiers(&value) {
                assert_eq!(value.get(offset..offset + modifier.len()), Some(modifier));
            }
        }
    }
    let detection = csv::detect(&table, &text, Some("charges.csv"));
    let _ = format!("{detection:?}");
    // The charge-file rules: every finding inside the text.
    let analysis = Analysis::of_charges(text.clone(), Some("charges.csv"), &Environment::default());
    for diagnostic in &analysis.diagnostics {
        inside(&text, diagnostic.span);
    }
});
