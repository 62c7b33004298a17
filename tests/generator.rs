//! The generator's output is a valid 837P: no structural finding at all, and no error
//! from any rule. The throughput benchmark measures on this output, so it must stay
//! clean, and a rule that starts firing on it is either a rule bug or a generator bug.

#[path = "common/gen837.rs"]
mod gen837;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::diagnostic::Severity;
use claim_lsp::rules::structure;
use gen837::{generate_837p, BatchOptions};

fn structural_rules() -> Vec<&'static str> {
    structure::RULES.iter().map(|rule| rule.id).collect()
}

fn assert_clean(options: &BatchOptions) {
    let text = generate_837p(options);
    let analysis = Analysis::of_text(text.clone(), &Environment::default());
    assert_eq!(analysis.file.claims().count(), options.claims, "{options:?}: claim count");
    let transactions = analysis.file.transactions().count();
    assert_eq!(transactions, options.claims.div_ceil(options.claims_per_transaction), "{options:?}: ST/SE count");
    let structural = structural_rules();
    let unwanted: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| structural.contains(&d.rule) || d.severity == Severity::Error)
        .map(|d| {
            let at = &text[d.span.start..d.span.end.min(d.span.start + 40)];
            format!("{}[{}] at byte {} `{at}`: {}", d.severity.as_str(), d.rule, d.span.start, d.message)
        })
        .collect();
    assert!(unwanted.is_empty(), "{options:?}:\n{}", unwanted.join("\n"));
}

#[test]
fn generated_claims_are_clean_with_line_breaks() {
    for seed in [1, 20_260_115] {
        assert_clean(&BatchOptions { claims: 50, claims_per_transaction: 12, line_breaks: true, seed });
    }
}

#[test]
fn generated_claims_are_clean_without_line_breaks() {
    for seed in [7, 424_242] {
        assert_clean(&BatchOptions { claims: 50, claims_per_transaction: 12, line_breaks: false, seed });
    }
}

#[test]
fn one_claim_per_transaction_is_clean() {
    assert_clean(&BatchOptions { claims: 5, claims_per_transaction: 1, line_breaks: true, seed: 3 });
}

/// A batch large enough (over 1 MB) for the rules to run on two threads: the same clean
/// result, and the tree still rebuilds the text exactly.
#[test]
fn a_large_batch_checked_on_two_threads_is_clean_and_lossless() {
    let options = BatchOptions { claims: 2_000, claims_per_transaction: 700, line_breaks: false, seed: 3 };
    assert_clean(&options);
    let text = generate_837p(&options);
    assert!(text.len() > 1 << 20, "large enough for two threads: {} bytes", text.len());
    let tree = claim_lsp::syntax::parse(&text);
    assert_eq!(tree.rebuild(&text), text);
    assert_eq!(tree.segments.len(), text.matches('~').count());
}
