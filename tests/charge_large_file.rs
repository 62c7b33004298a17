//! A large charge file's check runs its billing rules stretch by stretch of claims on two
//! cores (`rules::check_some`), beside the cell rules. Whatever the split, the findings
//! must be exactly those of checking the same text on one thread, all rules on the whole
//! file: same rules, same spans, same messages, same order.

#[path = "common/gen_charges.rs"]
mod gen_charges;

use claim_lsp::analysis::{Analysis, DocumentKind};
use claim_lsp::config::Environment;
use claim_lsp::model::{Billing, ChargeFile, ClaimFile, Subject};
use claim_lsp::rules::{self, PARALLEL_FROM_BYTES};
use gen_charges::{generate_charges, ChargeOptions};

#[test]
fn the_split_check_of_a_large_charge_file_equals_checking_it_on_one_thread() {
    let text = generate_charges(&ChargeOptions { rows: 15_000, mistakes: true, seed: 11 });
    assert!(text.len() > 2 * PARALLEL_FROM_BYTES, "the file must take the parallel path ({} bytes)", text.len());
    let environment = Environment::default();
    let kind = DocumentKind::Charges { file_name: Some("batch.charges.csv".into()) };

    let split = Analysis::of_document(text.clone(), &kind, &environment);

    let file = ChargeFile::parse(text, Some("batch.charges.csv"));
    let billing = Billing::from_charges(&file);
    let empty = ClaimFile::default();
    let mut serial = rules::check_on_this_thread(Subject::charges(&file, &billing, &empty), &environment, &rules::ALL);
    rules::sort(&mut serial);

    let distinct_rules: std::collections::BTreeSet<_> = serial.iter().map(|d| d.rule).collect();
    assert!(distinct_rules.len() >= 3, "the mistakes must reach several rules: {distinct_rules:?}");
    assert!(serial.len() > 1000, "mistakes in every stretch of claims: {}", serial.len());
    assert_eq!(split.diagnostics.len(), serial.len());
    for (a, b) in split.diagnostics.iter().zip(&serial) {
        assert_eq!(a, b);
    }
}
