//! Batch check: the real binary (`claim-lsp check`) on files from `tools/gen837.py`,
//! timed from start to exit, with its peak memory and CPU use from GNU time
//! (`/usr/bin/time`; without it only times are shown). Part of `cargo bench --bench
//! throughput`; `BENCH=batch` runs only this part.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One run: wall time, peak resident memory (KB) and CPU use (% of one core).
struct Run {
    wall: Duration,
    peak_kb: Option<u64>,
    cpu_percent: Option<u64>,
}

fn run_once(args: &[&str], paths: &[PathBuf], scratch: &Path) -> Run {
    let time = Path::new("/usr/bin/time");
    let report = scratch.join("time.txt");
    let mut command = if time.exists() {
        let mut command = Command::new(time);
        command.arg("-f").arg("%M %P").arg("-o").arg(&report).arg(env!("CARGO_BIN_EXE_claim-lsp"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
    };
    command.arg("check").args(args).arg("--").args(paths);
    command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let start = Instant::now();
    let status = command.status().expect("run claim-lsp check");
    let wall = start.elapsed();
    assert!(status.code().is_some_and(|code| code < 2), "claim-lsp check failed: {status}");
    // GNU time writes "Command exited with non-zero status 1" first when the check
    // finds errors; the figures are on the last line.
    let measured = std::fs::read_to_string(&report).unwrap_or_default();
    let mut fields = measured.lines().last().unwrap_or_default().split_whitespace();
    let peak_kb = fields.next().and_then(|kb| kb.parse().ok());
    let cpu_percent = fields.next().and_then(|p| p.trim_end_matches('%').parse().ok());
    Run { wall, peak_kb, cpu_percent }
}

fn generate(script: &Path, out: &Path, args: &[&str]) -> bool {
    Command::new("python3").arg(script).args(args).arg("-o").arg(out).status().is_ok_and(|s| s.success())
}

/// Prints the batch-check rows (markdown), `runs` runs each (the 45 MB file a third as
/// many).
pub(crate) fn run(runs: usize) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = repo.join("tools/gen837.py");
    let scratch = std::env::temp_dir().join(format!("claim-lsp-batch-bench-{}", std::process::id()));
    let folder = scratch.join("folder");
    if std::fs::create_dir_all(&folder).is_err() {
        println!("batch check: no scratch folder; skipped");
        return;
    }
    let clean = scratch.join("clean.837");
    let mistakes = scratch.join("mistakes.837");
    let big = scratch.join("big.837");
    let one_line = scratch.join("one-line.837");
    let tiny = repo.join("fixtures/claims/clean-837p.837");
    let mut made = generate(&script, &clean, &["--claims", "10000"])
        && generate(&script, &mistakes, &["--claims", "10000", "--mistakes"])
        && generate(&script, &big, &["--claims", "60000"])
        && generate(&script, &one_line, &["--claims", "1000", "--mistakes", "--no-newline"]);
    for seed in 1..=6 {
        made = made
            && generate(
                &script,
                &folder.join(format!("batch-{seed}.837")),
                &["--claims", "10000", "--seed", &seed.to_string()],
            );
    }
    if !made {
        println!("batch check: python3 tools/gen837.py did not run; skipped");
        let _ = std::fs::remove_dir_all(&scratch);
        return;
    }
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    let folder_bytes: u64 = (1..=6).map(|seed| size(&folder.join(format!("batch-{seed}.837")))).sum();
    let cases: [(&str, &[&str], PathBuf, u64, usize); 6] = [
        ("tiny file (clean-837p.837), --format json", &["--format", "json"], tiny.clone(), size(&tiny), runs),
        ("10,000 claims (clean), --format json", &["--format", "json"], clean.clone(), size(&clean), runs),
        (
            "10,000 claims --mistakes (20,000 findings), --format json",
            &["--format", "json"],
            mistakes.clone(),
            size(&mistakes),
            runs,
        ),
        ("60,000 claims (clean), --format json", &["--format", "json"], big.clone(), size(&big), runs.div_ceil(3)),
        (
            "folder of 6 × 10,000 claims, --format json",
            &["--format", "json"],
            folder.clone(),
            folder_bytes,
            runs.div_ceil(3),
        ),
        ("one line, 1,000 claims --mistakes (2,000 findings), human", &[], one_line.clone(), size(&one_line), runs),
    ];
    println!();
    println!("Batch check (`claim-lsp check`, whole process; {runs} runs, 45 MB and folder {}):", runs.div_ceil(3));
    println!();
    println!("| check | input | best | median | MB/s (best / median) | peak memory (× input) | CPU |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, args, path, bytes, runs) in cases {
        let mut all: Vec<Run> =
            (0..runs.max(1)).map(|_| run_once(args, std::slice::from_ref(&path), &scratch)).collect();
        all.sort_by_key(|run| run.wall);
        let (best, median) = (&all[0], &all[all.len() / 2]);
        let rate = |run: &Run| bytes as f64 / 1e6 / run.wall.as_secs_f64();
        let peak = all.iter().filter_map(|run| run.peak_kb).max();
        let memory = peak.map_or("–".to_string(), |kb| {
            format!("{:.0} MB ({:.1}×)", kb as f64 / 1024.0, kb as f64 * 1024.0 / bytes as f64)
        });
        let cpu = median.cpu_percent.map_or("–".to_string(), |p| format!("{p} %"));
        println!(
            "| {name} | {:.2} MB | {:.1} ms | {:.1} ms | {:.0} / {:.0} | {memory} | {cpu} |",
            bytes as f64 / 1e6,
            best.wall.as_secs_f64() * 1e3,
            median.wall.as_secs_f64() * 1e3,
            rate(best),
            rate(median)
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
