//! Times an edit to a charge file's units cell through `IncrementalCheck` (what the
//! server does per `didChange`), without the protocol: the update and the position
//! conversion's input. `cargo run --release --example charge_edit_timing -- FILE`.

use std::time::Instant;

use claim_lsp::analysis::{DocumentKind, IncrementalCheck, TextChange};
use claim_lsp::config::Environment;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: charge_edit_timing FILE");
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("cannot read the file");
        return;
    };
    let environment = Environment::default();
    let kind = DocumentKind::Charges { file_name: Some("batch.charges.csv".into()) };
    let mut rope = ropey::Rope::from_str(&text);
    for _ in 0..3 {
        let started = Instant::now();
        let analysis = claim_lsp::analysis::Analysis::of_document(text.clone(), &kind, &environment);
        let analysed = started.elapsed().as_secs_f64() * 1e3;
        drop(analysis);
        let started = Instant::now();
        let (check, analysis) = IncrementalCheck::full(text.clone(), &kind, &environment);
        let checked = started.elapsed().as_secs_f64() * 1e3;
        drop((check, analysis));
        println!("analysis alone {analysed:.1} ms; analysis + layout {checked:.1} ms");
    }
    let started = Instant::now();
    let (mut check, analysis) = IncrementalCheck::full(text.clone(), &kind, &environment);
    drop(analysis);
    println!("full: {:.1} ms, {} findings", started.elapsed().as_secs_f64() * 1e3, check.diagnostics().len());
    let middle = text.len() / 2;
    let Some(at) = text[middle..].find(",J1100,JZ,,").map(|at| at + middle + ",J1100,JZ,,".len()) else {
        eprintln!("no J1100 row");
        return;
    };
    let mut times = Vec::new();
    for number in 0..21 {
        let digit = ["9", "8"][number % 2];
        let char_at = rope.byte_to_char(at);
        rope.remove(char_at..char_at + 1);
        rope.insert(char_at, digit);
        let started = Instant::now();
        check.update(&rope, TextChange { start: at, old_end: at + 1, new_end: at + 1 }, &environment);
        times.push(started.elapsed().as_secs_f64() * 1e3);
        if number == 0 {
            println!("update: {:?}", check.last_update());
        }
    }
    times.sort_by(f64::total_cmp);
    println!("21 edits: median {:.2} ms, best {:.2} ms, worst {:.2} ms", times[10], times[0], times[20]);
}
