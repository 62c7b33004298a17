//! How fast the charge-file reader is: reads a generated 100,000-row charge file (the
//! `gen_charges` generator) several times and prints the best MB/s for `csv::parse`, and
//! for parse + detection + reading every value a check reads (code, units, charge, date,
//! NDC).
//!
//! ```text
//! cargo run --release --example csv_speed            # ROWS=… RUNS=… to change sizes
//! ```

#[path = "../tests/common/gen_charges.rs"]
mod gen_charges;

use std::hint::black_box;
use std::time::{Duration, Instant};

use claim_lsp::csv::{self, ChargeField};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn best(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let rows = setting("ROWS", 100_000);
    let runs = setting("RUNS", 10);
    let text = gen_charges::generate_charges(&gen_charges::ChargeOptions { rows, ..Default::default() });
    let megabytes = text.len() as f64 / 1e6;
    let rate = |time: Duration| megabytes / time.as_secs_f64();

    let parse = best(runs, || {
        black_box(csv::parse(black_box(&text)));
    });
    let values = best(runs, || {
        let table = csv::parse(&text);
        let detected = csv::detect(&table, &text, Some("big.charges.csv"));
        let mut read = 0usize;
        for row in &table.rows {
            let value = |field| table.cell(row, field).map(|cell| cell.text(&text));
            read += value(ChargeField::ProcedureCode).is_some_and(|code| csv::looks_like_hcpcs(&code)) as usize;
            read += value(ChargeField::Units).and_then(|units| csv::parse_money(&units)).is_some() as usize;
            read += value(ChargeField::Charge).and_then(|charge| csv::parse_money(&charge)).is_some() as usize;
            read += value(ChargeField::DateOfService).and_then(|date| csv::parse_date(&date)).is_some() as usize;
            read += value(ChargeField::Ndc).and_then(|ndc| csv::normalize_ndc(&ndc)).is_some() as usize;
        }
        black_box((detected, read));
    });
    let table = csv::parse(&text);
    println!("charge file: {rows} rows, {megabytes:.1} MB, {} rows read, best of {runs}", table.rows.len());
    println!("csv::parse                          {:>8.1} ms {:>8.0} MB/s", parse.as_secs_f64() * 1e3, rate(parse));
    println!("parse + detect + read every value   {:>8.1} ms {:>8.0} MB/s", values.as_secs_f64() * 1e3, rate(values));
}
