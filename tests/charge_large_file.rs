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
    assert!(serial.iter().any(|d| d.rule == "drug-units-not-whole"), "the mistakes are found");
    assert!(serial.len() > 1000, "mistakes in every stretch of claims: {}", serial.len());
    assert_eq!(split.diagnostics.len(), serial.len());
    for (a, b) in split.diagnostics.iter().zip(&serial) {
        assert_eq!(a, b);
    }
}

/// The split and the server's charge-file shortcut both trust `rules::CLAIM_LOCAL`: a
/// misspelt or renamed id there would quietly move its rule to the whole-file path, and
/// a rule reading the billing view but missing from it loses both shortcuts.
#[test]
fn every_claim_local_id_names_a_rule_and_every_billing_rule_is_listed() {
    let known: Vec<&str> = rules::ALL.iter().map(|rule| rule.id).collect();
    for id in rules::CLAIM_LOCAL {
        assert!(known.contains(id), "rules::CLAIM_LOCAL names {id}, which is no rule");
    }
    for rule in rules::ALL.iter().filter(|rule| rule.reads == rules::Reads::Billing) {
        assert!(
            rules::CLAIM_LOCAL.contains(&rule.id),
            "{} reads the billing view but is not in rules::CLAIM_LOCAL: if it reads one claim at a time, list it",
            rule.id
        );
    }
}
