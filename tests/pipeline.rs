//! `claim-lsp check` in a pipeline: what fails the run (`--fail-on`), how much is
//! printed (`--max-findings`), baselines, and the SARIF, JUnit and JSON Lines outputs.
//! Outputs are compared whole with the files in `fixtures/pipeline/` (refresh with
//! `UPDATE_EXPECT=1`, then read the diff).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo() -> String {
    std::fs::read_to_string(root().join("fixtures/demo/drug-line-mistakes.837")).expect("demo claim")
}

fn clean() -> String {
    std::fs::read_to_string(root().join("fixtures/claims/clean-837p.837")).expect("clean claim")
}

/// A fresh folder for one test, holding `claims/demo.837` and `claims/clean.837`: the
/// commands run inside it, so the paths they print are the same on every machine.
fn workspace(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pipeline-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("claims")).expect("scratch folder");
    std::fs::write(dir.join("claims/demo.837"), demo()).expect("write demo");
    std::fs::write(dir.join("claims/clean.837"), clean()).expect("write clean");
    dir
}

fn claim_lsp(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run claim-lsp")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Compares with `fixtures/pipeline/NAME`, or rewrites it under `UPDATE_EXPECT=1`.
fn expect_file(name: &str, actual: &str) {
    let path = root().join("fixtures/pipeline").join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(root().join("fixtures/pipeline")).expect("folder");
        std::fs::write(&path, actual).expect("write expectation");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e} (UPDATE_EXPECT=1 writes it)"));
    assert!(expected == actual, "{name} differs; expected:\n{expected}\nactual:\n{actual}");
}

#[test]
fn fail_on_chooses_the_severity_that_fails_the_run() {
    let dir = workspace("fail-on");
    // The demo's five errors turned into info, then its one warning too.
    let errors_as_info = r#"{"rules": {"claim-total-mismatch": "info", "jz-with-wastage-line": "info",
        "code-not-effective": "info", "modifier-rt-lt": "info", "drug-units-not-whole": "info"}}"#;
    std::fs::write(dir.join("info-and-warning.json"), errors_as_info).expect("config");
    let all_info = errors_as_info.replace("}}", r#", "ndc-quantity-mismatch": "info"}}"#);
    std::fs::write(dir.join("info-only.json"), all_info).expect("config");
    let cases: &[(&str, Option<&str>, i32)] = &[
        // (--fail-on, --config, exit code)
        ("error", None, 1),
        ("never", None, 0),
        ("error", Some("info-and-warning.json"), 0),
        ("warning", Some("info-and-warning.json"), 1),
        ("warning", Some("info-only.json"), 0),
        ("info", Some("info-only.json"), 1),
        ("never", Some("info-only.json"), 0),
    ];
    for (fail_on, config, code) in cases {
        let mut args = vec!["check", "--fail-on", fail_on, "claims/demo.837"];
        if let Some(config) = config {
            args.extend(["--config", config]);
        }
        let output = claim_lsp(&dir, &args);
        assert_eq!(output.status.code(), Some(*code), "{args:?}\n{}{}", stdout(&output), stderr(&output));
    }
    // Without the flag, errors fail the run, as before.
    assert_eq!(
        claim_lsp(&dir, &["check", "claims/demo.837", "--config", "info-and-warning.json"]).status.code(),
        Some(0)
    );
    let bad = claim_lsp(&dir, &["check", "--fail-on", "hint", "claims/demo.837"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--fail-on must be error, warning, info or never, not `hint`"), "{}", stderr(&bad));
}

#[test]
fn max_findings_prints_the_first_n_and_the_summary_counts_all() {
    let dir = workspace("max-findings");
    let output = claim_lsp(&dir, &["check", "--max-findings", "2", "claims/demo.837", "claims/clean.837"]);
    assert_eq!(output.status.code(), Some(1), "the unprinted errors still fail the run");
    expect_file("max-findings-2.txt", &stdout(&output));

    let output = claim_lsp(&dir, &["check", "--max-findings=0", "--format", "jsonl", "claims/demo.837"]);
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "5 errors, 1 warning, 0 info, 0 hints in 1 file (0 shown)\n");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn jsonl_prints_one_finding_per_line() {
    let dir = workspace("jsonl");
    let output = claim_lsp(&dir, &["check", "--format", "jsonl", "claims/clean.837", "claims/demo.837"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    expect_file("demo.jsonl", &text);
    for line in text.lines() {
        let finding: serde_json::Value = serde_json::from_str(line).expect("each line is a JSON object");
        assert_eq!(finding["path"], "claims/demo.837");
    }
    assert_eq!(text.lines().count(), 6);
    assert_eq!(stderr(&output), "5 errors, 1 warning, 0 info, 0 hints in 2 files\n");
}

#[test]
fn sarif_names_every_rule_and_places_results_in_one_based_regions() {
    let dir = workspace("sarif");
    let output = claim_lsp(&dir, &["check", "--format", "sarif", "claims/clean.837", "claims/demo.837"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    expect_file("demo.sarif", &text);
    let log: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), claim_lsp::rules::ALL.len());
    for rule in rules {
        let id = rule["id"].as_str().expect("rule id");
        assert_eq!(rule["helpUri"], format!("docs/rules/{id}.md"));
    }
    for rule in claim_lsp::rules::ALL.iter().filter(|rule| rule.formats.includes_x12()) {
        assert!(root().join(format!("docs/rules/{}.md", rule.id)).is_file(), "{} has no page", rule.id);
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the result's rule");
    }
    // CLM*PCN0200*200: CLM02 on line 20, columns 13 to 16 (exclusive).
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region, &serde_json::json!({"startLine": 20, "startColumn": 13, "endLine": 20, "endColumn": 16}));
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "claims/demo.837");

    let output = claim_lsp(
        &dir,
        &["check", "--format=sarif", "--docs-url", "https://example.org/claim-lsp/rules/", "claims/demo.837"],
    );
    let log: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"],
        format!("https://example.org/claim-lsp/rules/{}.md", claim_lsp::rules::ALL[0].id)
    );
    // The file SARIF validation (tests/sarif/validate.sh) reads.
    let sarif_out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo.sarif");
    std::fs::write(sarif_out, text).expect("write SARIF for validation");
}

#[test]
fn junit_has_a_case_per_file_and_rule() {
    let dir = workspace("junit");
    let output =
        claim_lsp(&dir, &["check", "--format", "junit", "--fail-on", "warning", "claims/clean.837", "claims/demo.837"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    expect_file("demo.junit.xml", &text);
    let rules = claim_lsp::rules::ALL.iter().filter(|rule| rule.formats.includes_x12()).count();
    assert_eq!(text.matches("<testsuite ").count(), 2);
    assert_eq!(text.matches("<testcase ").count(), 2 * rules);
    // Six findings under six rules; with --fail-on warning the warning fails too.
    assert_eq!(text.matches("<failure ").count(), 6);
    assert!(
        text.contains(&format!("<testsuites name=\"claim-lsp\" tests=\"{}\" failures=\"6\" errors=\"0\">", 2 * rules))
    );

    // With the default --fail-on error, the warning's case passes and shows it as output.
    let output = claim_lsp(&dir, &["check", "--format", "junit", "claims/demo.837"]);
    let text = stdout(&output);
    assert_eq!(text.matches("<failure ").count(), 5);
    assert_eq!(text.matches("<system-out>claims/demo.837:23:23: warning[ndc-quantity-mismatch]").count(), 1);
}

/// The demo with a contact added after the submitter's: every later line moves down one,
/// and SE01 no longer counts the segments (a new finding).
fn demo_with_a_segment_inserted() -> String {
    let anchor = "PER*IC*BILLING OFFICE*TE*5555550100~\n";
    assert!(demo().contains(anchor), "demo changed");
    demo().replace(anchor, &format!("{anchor}PER*IC*FRONT DESK*TE*5555550101~\n"))
}

#[test]
fn a_baseline_accepts_todays_findings_and_reports_only_new_ones() {
    let dir = workspace("baseline");
    let output = claim_lsp(&dir, &["check", "--write-baseline", "baseline.json", "claims/"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "claim-lsp: wrote 6 findings to the baseline baseline.json\n");
    let baseline = std::fs::read_to_string(dir.join("baseline.json")).expect("baseline written");
    expect_file("baseline.json", &baseline);

    // The same files: nothing new, exit 0.
    let output = claim_lsp(&dir, &["check", "--baseline", "baseline.json", "./claims"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "0 errors, 0 warnings, 0 info, 0 hints in 2 files (6 in the baseline, 0 stale baseline entries)\n"
    );

    // A line break before the ISA moves every line; nothing is new.
    std::fs::write(dir.join("claims/demo.837"), format!("\n{}", demo())).expect("edit");
    let output = claim_lsp(&dir, &["check", "--baseline", "baseline.json", "claims"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).starts_with("0 errors,"), "{}", stdout(&output));

    // A segment inserted near the top: every finding moved a line, one is new.
    std::fs::write(dir.join("claims/demo.837"), demo_with_a_segment_inserted()).expect("edit");
    let output = claim_lsp(&dir, &["check", "--baseline", "baseline.json", "claims"]);
    assert_eq!(output.status.code(), Some(1));
    expect_file("baseline-new-finding.txt", &stdout(&output));

    // CLM02 corrected: that baseline entry no longer matches anything and is stale.
    let fixed = demo_with_a_segment_inserted().replace("CLM*PCN0200*200*", "CLM*PCN0200*205*");
    std::fs::write(dir.join("claims/demo.837"), fixed).expect("edit");
    let output = claim_lsp(&dir, &["check", "--baseline", "baseline.json", "--format", "jsonl", "claims"]);
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    assert!(stdout(&output).contains("\"rule\":\"segment-count\""));
    assert_eq!(
        stderr(&output),
        "1 error, 0 warnings, 0 info, 0 hints in 2 files (5 in the baseline, 1 stale baseline entry)\n"
    );
}

#[test]
fn a_second_identical_finding_is_new() {
    let dir = workspace("baseline-twice");
    let output = claim_lsp(&dir, &["check", "--write-baseline", "baseline.json", "claims/demo.837"]);
    assert_eq!(output.status.code(), Some(0));
    // The J2410 line copied within the same claim: the same segment text, the same
    // procedure, the same claim; the copy's findings are not in the baseline.
    let line = "LX*4~\nSV1*HC:J2410:RT:LT:JZ*40*UN*1.5***1~\nDTP*472*D8*20260115~\n";
    let twice = demo()
        .replace(line, &format!("{line}{}", line.replace("LX*4", "LX*5")))
        .replace("LX*5~\nSV1*HC:96365", "LX*6~\nSV1*HC:96365");
    std::fs::write(dir.join("claims/demo.837"), twice).expect("edit");
    let output = claim_lsp(&dir, &["check", "--baseline", "baseline.json", "--format", "jsonl", "claims/demo.837"]);
    let rules: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).expect("JSON")["rule"].as_str().unwrap_or("").to_string()
        })
        .collect();
    assert!(
        rules.contains(&"modifier-rt-lt".to_string()) && rules.contains(&"drug-units-not-whole".to_string()),
        "{rules:?}"
    );
}

#[test]
fn a_baseline_holds_no_patient_data() {
    let dir = workspace("baseline-private");
    claim_lsp(&dir, &["check", "--write-baseline", "baseline.json", "claims"]);
    let baseline = std::fs::read_to_string(dir.join("baseline.json")).expect("baseline written");
    // The patient control number, the patient's name, member id and birth date.
    for value in ["PCN0200", "DOE", "JANE", "1EG4TE5MK73", "19500101", "SV1*", "CLM*"] {
        assert!(!baseline.contains(value), "the baseline holds `{value}`:\n{baseline}");
    }
}

#[test]
fn an_unreadable_baseline_is_a_usage_error() {
    let dir = workspace("baseline-bad");
    std::fs::write(dir.join("not-a-baseline.json"), "[1, 2]").expect("write");
    let output = claim_lsp(&dir, &["check", "--baseline", "not-a-baseline.json", "claims"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("claim-lsp: not-a-baseline.json is not a claim-lsp baseline"),
        "{}",
        stderr(&output)
    );
    let output = claim_lsp(&dir, &["check", "--baseline", "missing.json", "claims"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("claim-lsp: cannot read baseline missing.json"), "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "nothing is checked against a baseline that cannot be read");
}

/// The README shows the CI examples that `tests/ci/run.sh` runs: the same text.
#[test]
fn the_readme_shows_the_tested_ci_examples() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    for example in ["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"] {
        let text = std::fs::read_to_string(root().join(example)).expect("example");
        assert!(readme.contains(&format!("```yaml\n{text}```")), "README lacks {example} as written");
    }
    let help = claim_lsp(root(), &["--help"]);
    let help = stdout(&help);
    for expected in [
        "--fail-on",
        "--max-findings",
        "--baseline",
        "--write-baseline",
        "sarif",
        "junit",
        "jsonl",
        "redact FILE -o OUT",
    ] {
        assert!(help.contains(expected), "--help lacks `{expected}`");
    }
}
