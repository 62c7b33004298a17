//! Write a synthetic charge file (charge-capture CSV export) for throughput tests and demos.
//!
//! ```text
//! cargo run --release --example gen_charges -- [--rows 100000] [--seed 1] [--mistakes] -o big.charges.csv
//! ```
//! `-o -` (the default) writes to stdout. Clean by default; `--mistakes` adds one or two
//! per claim (fractional drug units, JW+JZ on one row, a J code with neither on an MB claim).

#[path = "../tests/common/gen_charges.rs"]
mod gen_charges;

use std::io::Write as _;
use std::process::ExitCode;

const USAGE: &str = "usage: gen_charges [--rows N] [--seed S] [--mistakes] [-o FILE|-]";

fn parse_args() -> Result<(gen_charges::ChargeOptions, String), String> {
    let mut opts = gen_charges::ChargeOptions::default();
    let mut out = "-".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--rows" => opts.rows = num(&value("--rows")?)?,
            "--seed" => opts.seed = num(&value("--seed")?)?,
            "--mistakes" => opts.mistakes = true,
            "-o" | "--out" => out = value("-o")?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
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
                eprintln!("gen_charges: {msg}");
            }
            eprintln!("{USAGE}");
            return if msg.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    let text = gen_charges::generate_charges(&opts);
    let res = if out == "-" {
        std::io::stdout().lock().write_all(text.as_bytes())
    } else {
        std::fs::write(&out, text.as_bytes())
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_charges: cannot write {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
