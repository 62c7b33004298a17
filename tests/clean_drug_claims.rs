//! Correct drug claims must be silent: every file in `fixtures/clean-drug-claims/` gives no
//! diagnostic at all, from any rule, under the default settings. A rule that fires here is
//! a false positive on the billing a user is told to write.

use std::path::Path;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;

#[test]
fn clean_drug_claims_raise_no_diagnostic() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean-drug-claims");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("fixtures/clean-drug-claims exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "837" || e == "837i"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "expected an 837P and an 837I file in {}", folder.display());
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("fixture readable");
        let analysis = Analysis::of_text(claim_lsp::text::decode(&bytes), &Environment::default());
        assert!(analysis.file.claims().count() >= 4, "{}: expected several claims", path.display());
        for diagnostic in &analysis.diagnostics {
            let at = analysis.rope().byte_to_line(diagnostic.span.start) + 1;
            failures.push(format!(
                "{}:{at}: {:?}[{}] {}",
                path.display(),
                diagnostic.severity,
                diagnostic.rule,
                diagnostic.message
            ));
        }
    }
    assert!(failures.is_empty(), "clean drug claims raised diagnostics:\n{}", failures.join("\n"));
}
