//! Throughput of `check` on a generated 100,000-row charge file (about 6 MB,
//! `examples/gen_charges.rs`): the charge reader alone, the neutral billing view, and
//! parse + detection + every rule (what `claim-lsp check` does per file). Prints a table.
//!
//! ```text
//! cargo bench --bench charges            # ROWS=… RUNS=… MISTAKES=1 to change the input
//! ```
//! Target: ≥ 100 MB/s parse + all rules.

#[path = "../tests/common/gen_charges.rs"]
mod gen_charges;

use std::hint::black_box;
use std::time::{Duration, Instant};

use claim_lsp::analysis::{Analysis, DocumentKind};
use claim_lsp::config::Environment;
use claim_lsp::model::{Billing, ChargeFile};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Best and median of `runs` timings of `work`; what it returns is dropped after the
/// clock stops.
fn time<U>(runs: usize, mut work: impl FnMut() -> U) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let output = work();
            let elapsed = start.elapsed();
            drop(black_box(output));
            elapsed
        })
        .collect();
    times.sort_unstable();
    (times[0], times[times.len() / 2])
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn main() {
    // As the binary does first thing (src/main.rs): the allocator keeps large blocks.
    claim_lsp::analysis::memory::configure_allocator();
    let rows = setting("ROWS", 100_000);
    let runs = setting("RUNS", 9);
    let mistakes = setting("MISTAKES", 0) != 0;
    let options = gen_charges::ChargeOptions { rows, mistakes, ..Default::default() };
    let text = gen_charges::generate_charges(&options);
    let bytes = text.len();
    let environment = Environment::default();
    let kind = DocumentKind::Charges { file_name: Some("batch.charges.csv".into()) };
    let check = Analysis::of_document(text.clone(), &kind, &environment);
    println!(
        "charge file: {rows} rows, {:.1} MB, {} findings{}; {runs} runs (best / median)",
        bytes as f64 / 1e6,
        check.diagnostics.len(),
        if mistakes { " (with mistakes)" } else { "" }
    );
    drop(check);
    let report = |name: &str, (best, median): (Duration, Duration)| {
        println!(
            "{name:<34} {:>9.1} ms {:>9.1} ms   {:>7.0} MB/s (median)",
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            mb_per_s(bytes, median)
        );
    };
    report("csv::parse", time(runs, || claim_lsp::csv::parse(&text)));
    report("parse + detect", time(runs, || ChargeFile::parse(text.clone(), Some("batch.charges.csv"))));
    let file = ChargeFile::parse(text.clone(), Some("batch.charges.csv"));
    report("billing view (from_charges)", time(runs, || Billing::from_charges(&file)));
    report("check: parse + all rules", time(runs, || Analysis::of_document(text.clone(), &kind, &environment)));
}
