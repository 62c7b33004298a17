//! Times each rule on one file: `cargo run --release --example rule_timing -- FILE`.
//! For finding the rule that makes a check slow; prints no claim data.

use std::time::Instant;

use claim_lsp::config::Environment;
use claim_lsp::model::{Billing, ClaimFile, Subject};
use claim_lsp::rules::{Report, RuleContext, ALL};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: rule_timing FILE");
        std::process::exit(2);
    };
    let text = claim_lsp::text::decode(&std::fs::read(&path).unwrap_or_default());
    let started = Instant::now();
    let file = ClaimFile::parse(text);
    println!("{:>10.2} ms  parse + model", started.elapsed().as_secs_f64() * 1e3);
    let environment = Environment::default();
    let started = Instant::now();
    let billing = Billing::from_x12(&file);
    println!("{:>10.2} ms  billing view ({} lines)", started.elapsed().as_secs_f64() * 1e3, billing.lines.len());
    let started = Instant::now();
    let subject = Subject::x12(&file, &billing);
    let context = RuleContext::new(subject, &environment);
    context.lines();
    println!("{:>10.2} ms  rule context", started.elapsed().as_secs_f64() * 1e3);
    let mut timings = Vec::new();
    for rule in ALL.iter() {
        let mut out = Vec::new();
        let started = Instant::now();
        let mut report = Report::new(rule, &environment.settings, &mut out);
        (rule.check)(&context, &mut report);
        timings.push((started.elapsed().as_secs_f64() * 1e3, rule.id, out.len()));
    }
    timings.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = timings.iter().map(|t| t.0).sum();
    for (ms, id, found) in timings {
        println!("{ms:>10.2} ms  {id} ({found} findings)");
    }
    println!("{total:>10.2} ms  all rules, one thread");
    let mut best = f64::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let found = claim_lsp::rules::check(subject, &environment).len();
        best = best.min(started.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(found);
    }
    println!("{best:>10.2} ms  rules::check as the product runs it (best of 5)");
    let mut best = f64::MAX;
    for _ in 0..5 {
        let text = file.text.clone();
        let started = Instant::now();
        let parsed = ClaimFile::parse(text);
        best = best.min(started.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(parsed);
    }
    println!("{best:>10.2} ms  parse + model (best of 5, warm)");
}
