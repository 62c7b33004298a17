//! Every fix offered for any text applies to it and leaves a text that parses back
//! byte for byte; fix-all's edits give fix-all's text.
#![no_main]

use claim_lsp::analysis::{Analysis, DocumentKind};
use claim_lsp::config::Environment;
use claim_lsp::syntax::Span;
use libfuzzer_sys::fuzz_target;

fn reparses(text: &str) {
    assert_eq!(claim_lsp::syntax::parse(text).rebuild(text), text);
}

fuzz_target!(|data: &[u8]| {
    let text = claim_lsp::text::decode(data);
    let environment = Environment::default();
    let analysis = Analysis::of_text(text.clone(), &environment);
    let mut fixes: Vec<_> = analysis
        .diagnostics
        .iter()
        .flat_map(|diagnostic| claim_lsp::ide::fixes::fixes_for(&analysis, &environment, diagnostic))
        .collect();
    for offset in (0..=text.len()).step_by(17) {
        fixes.extend(claim_lsp::ide::fixes::assists_at(&analysis, &environment, Span::new(offset, offset)));
    }
    for fix in &fixes {
        let fixed = claim_lsp::edit::apply(&text, &fix.edits);
        let Some(fixed) = fixed else { panic!("{}: edits do not apply: {:?}", fix.title, fix.edits) };
        reparses(&fixed);
    }
    let all = claim_lsp::ide::fix_all(&text, &DocumentKind::X12, &environment);
    assert_eq!(claim_lsp::edit::apply(&text, &all.edits).as_deref(), Some(all.text.as_str()));
    reparses(&all.text);
    // Writing back: the fixed text encodes in the file's encoding, or is refused.
    let _ = claim_lsp::cli::fix::fix_bytes(data, &DocumentKind::X12, &environment);
});
