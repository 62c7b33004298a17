//! Times the server's incremental check alone (no protocol, no publishing) on the
//! generated 10,000-claim batch: one character typed into a subscriber's last name, again
//! and again, as the throughput bench's didChange case types it.
//! `cargo run --release --example edit_speed [-- EDITS [guide|noguide] [hop]]`; for profiling an
//! edit (`valgrind --tool=callgrind`, `perf record -g`) without the server around it.

#[path = "../tests/common/gen837.rs"]
mod gen837;

use std::time::Instant;

use claim_lsp::analysis::{DocumentKind, IncrementalCheck, TextChange, Update};
use claim_lsp::config::Environment;

fn main() {
    claim_lsp::analysis::memory::configure_allocator();
    let edits: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(200);
    let guide = std::env::args().nth(2).as_deref() != Some("noguide");
    let mut text = gen837::generate_837p(&gen837::BatchOptions {
        claims: 10_000,
        claims_per_transaction: 5000,
        line_breaks: true,
        seed: 1,
    });
    let mut environment = Environment::default();
    if !guide {
        for rule in claim_lsp::rules::ALL.iter().filter(|rule| rule.reads == claim_lsp::rules::Reads::Guide) {
            environment.settings.rules.insert(rule.id.to_string(), claim_lsp::config::RuleLevel::Off);
        }
    }
    let (mut check, analysis) = IncrementalCheck::full(text.clone(), &DocumentKind::X12, &environment);
    drop(analysis);
    let Some(found) = text.find("NM1*IL*1*").map(|at| at + "NM1*IL*1*".len()) else {
        eprintln!("no subscriber name in the batch");
        return;
    };
    // The middle subscriber, as the bench edits it; with `hop`, each edit in the next
    // subscriber's name instead (the first keystroke in a loop costs the most).
    let at = text[text.len() / 2..].find("NM1*IL*1*").map_or(found, |at| text.len() / 2 + at + "NM1*IL*1*".len());
    let hop = std::env::args().nth(3).as_deref() == Some("hop");
    let mut names: Vec<usize> = text.match_indices("NM1*IL*1*").map(|(at, _)| at + "NM1*IL*1*".len()).collect();
    let mut times = Vec::with_capacity(edits);
    // What the server does after each check (off the request path, but on the machine).
    let mut trims = Vec::with_capacity(edits);
    for edit in 0..edits {
        let at = if hop { names.get(edit * 7 % names.len().max(1)).copied().unwrap_or(at) } else { at };
        text.insert(at, 'X');
        // The names after this one moved by the character typed.
        names.iter_mut().filter(|name| **name > at).for_each(|name| *name += 1);
        let change = TextChange { start: at, old_end: at, new_end: at + 1 };
        let start = Instant::now();
        check.update(text.as_str(), change, &environment);
        times.push(start.elapsed());
        let start = Instant::now();
        claim_lsp::analysis::memory::release_unused();
        trims.push(start.elapsed());
        if !matches!(check.last_update(), Update::Loops(_)) {
            eprintln!("an edit fell back to a whole analysis: {:?}", check.last_update());
        }
    }
    times.sort_unstable();
    trims.sort_unstable();
    let trim = trims.get(edits / 2).map_or(0.0, |time| time.as_secs_f64() * 1e6);
    println!("malloc_trim after each edit: median {trim:.1} µs");
    let micros = |index: usize| times.get(index).map_or(0.0, |time| time.as_secs_f64() * 1e6);
    println!(
        "{edits} edits ({}): best {:.1} µs, median {:.1} µs, worst {:.1} µs; {} findings, guide {:?}",
        if guide { "ig rules on" } else { "ig rules off" },
        micros(0),
        micros(edits / 2),
        micros(edits.saturating_sub(1)),
        check.diagnostics().len(),
        check.last_guide_update(),
    );
}
