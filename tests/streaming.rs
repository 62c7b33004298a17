//! `check` of a large file a few transaction sets at a time says exactly what checking
//! it whole says: the same findings, order, text and exit code, in every format. The
//! binary runs with `CLAIM_LSP_CHECK_SPLIT=whole` (every file analysed whole, the
//! reference) and `=sets` (every file of the plain shape split, one transaction set a
//! piece, however small), on the public corpus and on generated batches
//! (`tools/gen837.py`, clean and with mistakes, one line or many) with envelope
//! mistakes put in, which only the skeleton of the file can find.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FORMATS: [&str; 5] = ["human", "json", "jsonl", "sarif", "junit"];

fn run(split: &str, args: &[&str], paths: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .arg("check")
        .args(args)
        .arg("--")
        .args(paths)
        .env("NO_COLOR", "1")
        .env("CLAIM_LSP_CHECK_SPLIT", split)
        .output()
        .expect("run claim-lsp")
}

/// Asserts that splitting changes nothing, in every format; returns the JSON Lines
/// output (whole) for further checks.
fn assert_same_split_or_whole(paths: &[PathBuf], what: &str) -> String {
    let mut jsonl = String::new();
    for format in FORMATS {
        let args = ["--format", format, "--fail-on", "warning"];
        let whole = run("whole", &args, paths);
        let split = run("sets", &args, paths);
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        assert!(whole.status.code().is_some_and(|code| code < 2), "{what}: {}", text(&whole.stderr));
        assert_eq!(text(&split.stdout), text(&whole.stdout), "{what}: --format {format}: stdout differs");
        assert_eq!(text(&split.stderr), text(&whole.stderr), "{what}: --format {format}: stderr differs");
        assert_eq!(split.status.code(), whole.status.code(), "{what}: --format {format}: exit code differs");
        if format == "jsonl" {
            jsonl = text(&whole.stdout);
        }
    }
    jsonl
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("streaming-tests");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scratch file");
    path
}

/// A batch from the project's copy of the generator.
fn generate(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/gen837.py");
    let output = Command::new("python3").arg(script).args(args).output().expect("python3 runs tools/gen837.py");
    assert!(output.status.success(), "gen837.py {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("the generator writes ASCII")
}

fn corpus_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    manifest.lines().skip(1).filter_map(|line| line.split('\t').next()).map(|path| root.join(path)).collect()
}

#[test]
fn every_corpus_file_checks_the_same_split_or_whole() {
    let files = corpus_files();
    assert_eq!(files.len(), 74);
    assert_same_split_or_whole(&files, "the corpus");
}

#[test]
fn generated_batches_check_the_same_split_or_whole() {
    for (name, args) in [
        ("clean.837", &["--claims", "120", "--claims-per-st", "7"][..]),
        ("mistakes.837", &["--claims", "120", "--claims-per-st", "7", "--mistakes"]),
        ("one-line.837", &["--claims", "60", "--claims-per-st", "5", "--mistakes", "--no-newline"]),
    ] {
        let path = scratch(name, &generate(args));
        let jsonl = assert_same_split_or_whole(std::slice::from_ref(&path), name);
        if name != "clean.837" {
            assert!(jsonl.lines().count() >= 120, "{name}: two findings per claim expected:\n{jsonl}");
        }
    }
}

#[test]
fn envelope_mistakes_are_found_the_same_split_or_whole() {
    let batch = generate(&["--claims", "40", "--claims-per-st", "6", "--mistakes"]);
    type Damage = fn(&str) -> String;
    let mistakes: [(&str, Damage, &str); 5] = [
        ("ge01.837", |text| text.replace("GE*7*", "GE*6*"), "envelope-count"),
        ("iea01.837", |text| text.replace("IEA*1*", "IEA*2*"), "envelope-count"),
        ("se02.837", |text| text.replacen("SE*", "SE*1*X", 1), "envelope-mismatch"),
        ("iea02.837", |text| text.replace("IEA*1*000000001", "IEA*1*000000009"), "envelope-mismatch"),
        ("se01.837", |text| text.replacen("\nSE*", "\nSE*9", 2), "segment-count"),
    ];
    for (name, damage, rule) in mistakes {
        let damaged = damage(&batch);
        assert_ne!(damaged, batch, "{name}: the generator's output changed shape");
        let path = scratch(name, &damaged);
        let jsonl = assert_same_split_or_whole(std::slice::from_ref(&path), name);
        assert!(jsonl.contains(&format!("\"rule\":\"{rule}\"")), "{name}: no {rule} finding:\n{jsonl}");
    }
}

#[test]
fn several_files_print_in_the_order_they_were_named() {
    // Files are checked in parallel; the output is each file's, one after another, in
    // argument order, exactly as checking them one at a time.
    let files = corpus_files();
    let together = run("whole", &["--format", "jsonl"], &files);
    let mut one_by_one = String::new();
    for file in &files {
        let alone = run("whole", &["--format", "jsonl"], std::slice::from_ref(file));
        one_by_one.push_str(&String::from_utf8_lossy(&alone.stdout));
    }
    assert!(one_by_one.lines().count() > 100, "the corpus has findings");
    assert_eq!(String::from_utf8_lossy(&together.stdout), one_by_one);
}
