//! Runs whole analyses of one file back to back, as the server does on open and for the
//! editor features after edits: `cargo run --release --example analysis_loop -- FILE [N]`.
//! Prints the best and median wall time; `scripts/bench-cpu-per-analysis.sh` runs it under
//! `perf stat` for the CPU time and page faults of one analysis, which stay steady on a
//! busy machine where wall time does not. `CLAIM_LSP_ALLOCATOR_DEFAULTS=1` leaves glibc's
//! allocator settings as they are (the binary changes them first thing in `main`).
//! Prints no claim data.

use std::time::Instant;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: analysis_loop FILE [N]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    if std::env::var_os("CLAIM_LSP_ALLOCATOR_DEFAULTS").is_none() {
        claim_lsp::analysis::memory::configure_allocator();
    }
    let text = claim_lsp::text::decode(&std::fs::read(&path).unwrap_or_default());
    let environment = Environment::default();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let input = text.clone();
            let started = Instant::now();
            let analysis = Analysis::of_text(input, &environment);
            let elapsed = started.elapsed().as_secs_f64() * 1e3;
            drop(std::hint::black_box(analysis));
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    if let (Some(best), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        println!("{runs} analyses: best {best:.1} ms, median {median:.1} ms");
    }
}
