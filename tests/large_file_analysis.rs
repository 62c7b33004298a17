//! A large file is analysed in stages on two cores (tree rules beside the claim
//! structure, the billing view built in halves, the other rules shared out). Whatever the
//! split, the findings must be exactly those of checking the same text on one thread:
//! same rules, same spans, same messages, same order.

#[path = "common/gen837.rs"]
mod gen837;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::model::{Billing, ClaimFile, Subject};
use claim_lsp::rules::{self, PARALLEL_FROM_BYTES};
use gen837::{generate_837p, BatchOptions};

/// A generated batch with mistakes spread over every claim range: wrong units, a JW
/// without its administered line, conflicting modifiers, a wrong line total, a bad NPI
/// and a wrong SE01.
fn batch_with_mistakes() -> String {
    let text = generate_837p(&BatchOptions { claims: 1200, claims_per_transaction: 500, line_breaks: true, seed: 7 });
    let mut out = String::with_capacity(text.len());
    for (n, segment) in text.split_inclusive('\n').enumerate() {
        let changed = match n % 97 {
            5 if segment.starts_with("SV1*HC:") => segment.replacen("*UN*", "*UN*2.5", 1),
            11 if segment.starts_with("SV1*HC:") => segment.replacen("SV1*HC:", "SV1*HC:J9035:JW:JZ:", 1),
            23 if segment.starts_with("CLM*") => segment.replacen("*", "*X", 2),
            31 if segment.starts_with("NM1*82") => segment.replace("XX*", "XX*1"),
            47 if segment.starts_with("SE*") => segment.replacen("SE*", "SE*9", 1),
            _ => segment.to_string(),
        };
        out.push_str(&changed);
    }
    out
}

#[test]
fn the_parallel_analysis_of_a_large_file_equals_checking_it_on_one_thread() {
    let text = batch_with_mistakes();
    assert!(text.len() > 2 * PARALLEL_FROM_BYTES, "the batch must take the parallel path ({} bytes)", text.len());
    let environment = Environment::default();

    let parallel = Analysis::of_text(text.clone(), &environment);

    let file = ClaimFile::parse(text);
    let billing = Billing::from_x12(&file);
    let serial = rules::check_on_this_thread(Subject::x12(&file, &billing), &environment, &rules::ALL);
    let mut serial = serial;
    rules::sort(&mut serial);

    let distinct_rules: std::collections::BTreeSet<_> = serial.iter().map(|d| d.rule).collect();
    assert!(distinct_rules.len() >= 5, "the mistakes must reach several rules: {distinct_rules:?}");
    // The implementation-guide pass runs on a thread of its own in the parallel path.
    assert!(
        distinct_rules.iter().any(|rule| rule.starts_with("ig-")),
        "the mistakes must reach the ig-* rules: {distinct_rules:?}"
    );
    // A file of several transactions has its guide pass cut in two runs on two threads:
    // the mistakes reach it in the first transaction and in the last.
    let sts: Vec<usize> = parallel.file.text.match_indices("\nST*").map(|(at, _)| at).collect();
    let (second_st, last_st) = (sts.get(1).copied().unwrap_or(0), sts.last().copied().unwrap_or(0));
    assert!(sts.len() >= 3, "{} transactions", sts.len());
    let ig_at = |range: std::ops::Range<usize>| {
        serial.iter().any(|d| d.rule.starts_with("ig-") && range.contains(&d.span.start))
    };
    assert!(ig_at(0..second_st) && ig_at(last_st..usize::MAX), "ig-* findings in the first and the last transaction");
    assert_eq!(parallel.diagnostics.len(), serial.len());
    for (a, b) in parallel.diagnostics.iter().zip(&serial) {
        assert_eq!(a, b);
    }
    assert_eq!(format!("{:?}", parallel.billing), format!("{billing:?}"), "the billing view built in halves");
}

#[test]
fn billing_parts_joined_equal_the_whole_at_every_split() {
    let text = generate_837p(&BatchOptions { claims: 40, claims_per_transaction: 7, line_breaks: false, seed: 3 });
    let file = ClaimFile::parse(text);
    let whole = format!("{:?}", Billing::from_x12(&file));
    let claims = Billing::x12_claim_count(&file);
    assert_eq!(claims, 40);
    for split in [0, 1, 6, 7, 20, 39, 40] {
        let parts = vec![Billing::x12_part(&file, 0..split), Billing::x12_part(&file, split..claims)];
        assert_eq!(format!("{:?}", Billing::from_x12_parts(parts)), whole, "split at claim {split}");
    }
}
