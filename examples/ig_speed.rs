//! Times the implementation-guide pass and a whole analysis on the generated
//! 10,000-claim batch: `cargo run --release --example ig_speed [-- RUNS]`. For profiling
//! the ig pass (`perf record -g`, `valgrind --tool=callgrind`) without the whole bench.

#[path = "../tests/common/gen837.rs"]
mod gen837;

use std::hint::black_box;
use std::time::{Duration, Instant};

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;

fn best_of(runs: usize, mut work: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| work()).min().unwrap_or_default()
}

fn main() {
    let runs = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(10);
    let only = std::env::args().nth(2).unwrap_or_default();
    let text = gen837::generate_837p(&gen837::BatchOptions {
        claims: 10_000,
        claims_per_transaction: 5000,
        line_breaks: true,
        seed: 1,
    });
    let environment = Environment::default();
    let file = claim_lsp::model::ClaimFile::parse(text.clone());
    let mb = text.len() as f64 / 1e6;
    let report = |name: &str, time: Duration| {
        println!("{:>8.2} ms {:>6.0} MB/s  {name}", time.as_secs_f64() * 1e3, mb / time.as_secs_f64());
    };
    if only == "phases" {
        phases(&text, runs);
        return;
    }
    if only != "analysis" {
        let guide = best_of(runs, || {
            let start = Instant::now();
            black_box(claim_lsp::guide::validate(black_box(&file)));
            start.elapsed()
        });
        report("guide::validate", guide);
    }
    if only != "guide" {
        let analysis = best_of(runs, || {
            let input = text.clone();
            let start = Instant::now();
            let analysis = Analysis::of_text(input, &environment);
            let elapsed = start.elapsed();
            drop(black_box(analysis));
            elapsed
        });
        report("parse + all rules (Analysis::of_text)", analysis);
    }
}

/// The phases of a large analysis, one at a time on one thread (best of `runs`).
#[allow(dead_code)]
pub fn phases(text: &str, runs: usize) {
    use claim_lsp::model::{Billing, ClaimFile, Subject};
    use claim_lsp::rules::{self, Reads};
    let environment = Environment::default();
    let (tree_rules, other_rules): (Vec<_>, Vec<_>) =
        rules::ALL.iter().copied().partition(|rule| rule.reads == Reads::Tree);
    let mut times = [Duration::MAX; 5];
    for _ in 0..runs {
        let mut at = Instant::now();
        let mut lap = |i: usize, times: &mut [Duration; 5]| {
            times[i] = times[i].min(at.elapsed());
            at = Instant::now();
        };
        let mut file = ClaimFile::unstructured(text.to_string());
        lap(0, &mut times);
        black_box(rules::check_on_this_thread(Subject::x12(&file, &Billing::default()), &environment, &tree_rules));
        lap(1, &mut times);
        let structure = file.structure();
        file.set_structure(structure);
        lap(2, &mut times);
        let billing = Billing::from_x12(&file);
        lap(3, &mut times);
        black_box(rules::check_on_this_thread(Subject::x12(&file, &billing), &environment, &other_rules));
        lap(4, &mut times);
    }
    for (name, time) in ["parse (+ text copy)", "tree rules", "structure", "billing", "other rules"].iter().zip(times) {
        println!("{:>8.2} ms  {name}", time.as_secs_f64() * 1e3);
    }
}
