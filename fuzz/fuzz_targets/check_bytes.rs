//! Any bytes, read as a claim file: the parser keeps every byte, every rule runs, and
//! every finding and hover lies inside the text.
#![no_main]

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claim_lsp::text::decode(data);
    let tree = claim_lsp::syntax::parse(&text);
    assert_eq!(tree.rebuild(&text), text, "the parser lost or invented bytes");
    let environment = Environment::default();
    let analysis = Analysis::of_text(text.clone(), &environment);
    for diagnostic in &analysis.diagnostics {
        let span = diagnostic.span;
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "[{}] span {span:?} out of the text",
            diagnostic.rule
        );
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "[{}] {span:?}", diagnostic.rule);
    }
    for offset in (0..=text.len() + 1).step_by(13) {
        if let Some(doc) = claim_lsp::ide::hover::hover(&analysis, environment.codes(), offset) {
            assert!(doc.span.start <= doc.span.end && doc.span.end <= text.len());
        }
    }
});
