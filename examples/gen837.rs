//! Write a large, valid synthetic 837P file for throughput tests.
//!
//! ```text
//! cargo run --release --example gen837 -- --claims 10000 [--claims-per-st 5000] \
//!     [--no-newline] [--seed 1] -o big.837
//! ```
//! `-o -` (the default) writes to stdout.

#[path = "../tests/common/gen837.rs"]
mod gen837;

use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str = "usage: gen837 --claims N [--claims-per-st N] [--no-newline] [--seed S] [-o FILE|-]";

fn parse_args() -> Result<(gen837::BatchOptions, String), String> {
    let mut opts = gen837::BatchOptions::default();
    let mut out = "-".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--claims" => opts.claims = num(&value("--claims")?)?,
            "--claims-per-st" => opts.claims_per_transaction = num(&value("--claims-per-st")?)?,
            "--seed" => opts.seed = num(&value("--seed")?)?,
            "--no-newline" => opts.line_breaks = false,
            "-o" | "--out" => out = value("-o")?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if opts.claims_per_transaction == 0 {
        return Err("--claims-per-st must be at least 1".into());
    }
    Ok((opts, out))
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("not a number: {s:?}"))
}

fn main() -> ExitCode {
    let (opts, out) = match parse_args() {
        Ok(v) => v,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("gen837: {msg}");
            }
            eprintln!("{USAGE}");
            return if msg.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    let text = gen837::generate_837p(&opts);
    let res = if out == "-" {
        std::io::stdout().lock().write_all(text.as_bytes())
    } else {
        std::fs::write(&out, text.as_bytes())
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen837: cannot write {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
