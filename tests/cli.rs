//! The real binary, as a pipeline or a person runs it: output, exit codes, encodings.

#[path = "common/fixtures.rs"]
mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn claim_lsp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claim-lsp")).args(args).env("NO_COLOR", "1").output().expect("run claim-lsp")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn clean_837p() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/claims/clean-837p.837");
    std::fs::read_to_string(path).expect("clean-837p.837")
}

/// The clean claim with SE01 one short: the transaction has 28 segments.
fn wrong_se01() -> String {
    let text = clean_837p();
    assert!(text.contains("\nSE*28*0001~"), "fixture changed: SE01 is no longer 28");
    text.replace("\nSE*28*0001~", "\nSE*27*0001~")
}

/// A file in this test binary's own scratch folder.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

#[test]
fn version_and_help() {
    let version = claim_lsp(&["--version"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(stdout(&version).trim(), format!("claim-lsp {}", env!("CARGO_PKG_VERSION")));

    let help = claim_lsp(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    for expected in ["claim-lsp check", "claim-lsp explain", "--format human|json", "EXIT CODES"] {
        assert!(text.contains(expected), "--help lacks `{expected}`:\n{text}");
    }
}

#[test]
fn human_output_names_the_rule_and_shows_the_line_with_a_caret() {
    let path = scratch("wrong-se01.837", wrong_se01().as_bytes());
    let output = claim_lsp(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1), "an error-level finding exits 1");
    let text = stdout(&output);
    let header = format!("{}:30:4: error[segment-count] ", path.display());
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with(&header)).unwrap_or_else(|| panic!("no `{header}` line:\n{text}"));
    assert!(lines[at].contains("SE01 is 27") && lines[at].contains("expected 28"), "{}", lines[at]);
    assert_eq!(lines.get(at + 2).copied(), Some("30 | SE*27*0001~"), "source line:\n{text}");
    assert_eq!(lines.get(at + 3).copied(), Some("   |    ^^"), "caret under `27`:\n{text}");
    assert!(text.ends_with("1 error, 0 warnings, 0 info, 0 hints in 1 file\n"), "summary:\n{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR=1 output has escape codes");
}

#[test]
fn json_output_has_one_based_positions() {
    let path = scratch("wrong-se01-json.837", wrong_se01().as_bytes());
    let output = claim_lsp(&["check", "--format", "json", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    let findings = value.as_array().expect("an array of findings");
    assert_eq!(findings.len(), 1, "{value:#}");
    let finding = &findings[0];
    assert_eq!(finding["path"], path.to_str().expect("utf-8 path"));
    assert_eq!(finding["line"], 30);
    assert_eq!(finding["column"], 4);
    assert_eq!(finding["end_line"], 30);
    assert_eq!(finding["end_column"], 6);
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["rule"], "segment-count");
    assert!(finding["message"].as_str().is_some_and(|m| m.contains("SE01")), "{finding}");
    let mut keys: Vec<&str> = finding.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["column", "end_column", "end_line", "line", "message", "path", "rule", "severity"]);
}

#[test]
fn exit_codes() {
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/claims/clean-837p.837");
    let clean = clean.to_str().expect("utf-8 path");
    let output = claim_lsp(&["check", clean]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("0 errors, 0 warnings, 0 info, 0 hints in 1 file"));
    assert_eq!(claim_lsp(&["check", "--format", "json", clean]).status.code(), Some(0));

    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-claim.837");
    let output = claim_lsp(&["check", missing.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2), "a missing file is an I/O error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));

    // A missing file beside a file with errors is still exit 2: the run is incomplete.
    let wrong = scratch("wrong-se01-with-missing.837", wrong_se01().as_bytes());
    let output = claim_lsp(&["check", wrong.to_str().expect("utf-8 path"), missing.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));

    for args in [&["check", "--bogus", clean][..], &["check", "--format", "xml", clean], &["check"], &["frobnicate"]] {
        let output = claim_lsp(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("USAGE"), "{args:?}: usage on stderr");
    }
}

#[test]
fn utf16_with_bom_is_checked_like_utf8() {
    let text = wrong_se01().replace("DOE*JANE", "MUÑOZ*JOSÉ");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = scratch("utf16le-bom.837", &bytes);
    let output = claim_lsp(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).contains(":30:4: error[segment-count]"), "{}", stdout(&output));

    let mut big_endian = vec![0xFE, 0xFF];
    big_endian.extend(clean_837p().encode_utf16().flat_map(u16::to_be_bytes));
    let path = scratch("utf16be-bom.837", &big_endian);
    assert_eq!(claim_lsp(&["check", path.to_str().expect("utf-8 path")]).status.code(), Some(0));
}

#[test]
fn latin1_is_checked_without_crashing() {
    // "MUÑOZ" in Latin-1: 0xD1 is not valid UTF-8.
    let text = clean_837p().replace("DOE*JANE", "MU\u{1}OZ*JOS\u{2}");
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| match b {
            1 => 0xD1,
            2 => 0xC9,
            other => other,
        })
        .collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    let path = scratch("latin1.837", &bytes);
    let output = claim_lsp(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = claim_lsp(&["check", "--format", "json", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stdout(&output)).expect("valid JSON"), serde_json::json!([]));
}

#[test]
fn explain_a_drug_code() {
    let output = claim_lsp(&["explain", "J2700"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("oxacillin sodium"), "{text}");
    assert!(text.contains("250 mg"), "{text}");
    assert!(!text.contains("**"), "plain text by default:\n{text}");
}

#[test]
fn explain_a_modifier_as_markdown() {
    let output = claim_lsp(&["explain", "--format", "markdown", "JW"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("**JW**"), "{text}");
    assert!(text.contains("discarded"), "{text}");

    let unknown = claim_lsp(&["explain", "Q9999X"]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// The README's demo: what `claim-lsp check` prints for a claim full of drug-line
/// mistakes, kept beside it (refresh with `UPDATE_EXPECT=1`, then read the diff).
#[test]
fn the_demo_claim_shows_every_drug_line_mistake() {
    let demo = "fixtures/demo/drug-line-mistakes.837";
    let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(["check", demo])
        .output()
        .expect("run claim-lsp");
    assert_eq!(output.status.code(), Some(1));
    let printed = stdout(&output);
    for rule in [
        "claim-total-mismatch",
        "jz-with-wastage-line",
        "ndc-quantity-mismatch",
        "code-not-effective",
        "modifier-rt-lt",
        "drug-units-not-whole",
    ] {
        assert!(printed.contains(&format!("[{rule}]")), "{rule} missing:\n{printed}");
    }
    let expected_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("{demo}.expected"));
    if let Err(difference) = fixtures::expect(&expected_path, &printed) {
        panic!("{difference}");
    }
}

fn fixture_bytes(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)).expect("fixture")
}

#[test]
fn fix_writes_every_safe_fix_and_reports_what_remains() {
    let path = scratch("fix-demo.837", &fixture_bytes("demo/drug-line-mistakes.837"));
    let path_text = path.to_str().expect("UTF-8 path");
    let output = claim_lsp(&["check", "--fix", path_text]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2 fixes: claim-total-mismatch ×1, drug-units-not-whole ×1"), "{stderr}");
    assert_eq!(std::fs::read(&path).ok(), Some(fixture_bytes("fixes/fix-all/drug-line-mistakes.837")));
    let remaining = stdout(&output);
    assert!(
        remaining.contains("error[modifier-rt-lt]") && !remaining.contains("[claim-total-mismatch]"),
        "{remaining}"
    );
    assert_eq!(output.status.code(), Some(1), "choices that are the biller's remain errors");

    let again = claim_lsp(&["check", "--fix", path_text]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed"), "a second run finds nothing safe to fix");
    assert_eq!(std::fs::read(&path).ok(), Some(fixture_bytes("fixes/fix-all/drug-line-mistakes.837")));
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let original = wrong_se01().replace('\n', "\r\n");
    let path = scratch("diff-crlf.837", original.as_bytes());
    let output = claim_lsp(&["check", "--diff", path.to_str().expect("UTF-8 path")]);
    let diff = stdout(&output);
    assert!(diff.contains("-SE*27*0001~\r\n+SE*28*0001~\r\n"), "{diff}");
    assert!(diff.starts_with("--- a/"), "{diff}");
    assert_eq!(output.status.code(), Some(1), "something to fix");
    assert_eq!(std::fs::read(&path).ok(), Some(original.into_bytes()), "--diff writes nothing");

    let clean = scratch("diff-clean.837", clean_837p().as_bytes());
    let output = claim_lsp(&["check", "--diff", clean.to_str().expect("UTF-8 path")]);
    assert_eq!(stdout(&output), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn fix_keeps_the_files_encoding_and_bom() {
    let text = wrong_se01();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let path = scratch("fix-utf16.837", &utf16);
    let output = claim_lsp(&["check", "--fix", path.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let fixed = std::fs::read(&path).expect("fixed file");
    let expected = text.replace("\nSE*27*0001~", "\nSE*28*0001~");
    let expected: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(expected.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert_eq!(fixed, expected);
}

#[test]
fn check_piped_into_head_exits_quietly() {
    // Many findings, so the output outlasts what `head -1` reads.
    let many = scratch("many-findings.837", wrong_se01().repeat(200).as_bytes());
    for format in ["human", "json"] {
        let shell = format!(
            "'{}' check --format {format} '{}' | head -1 >/dev/null; echo \"status=${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_claim-lsp"),
            many.display()
        );
        let output = Command::new("bash").arg("-c").arg(&shell).output().expect("bash");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(stdout(&output).contains("status=1"), "{format}: exit as without the pipe: {}", stdout(&output));
    }
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_utf8_or_start_with_a_dash_are_checked() {
    use std::os::unix::ffi::OsStrExt;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let latin1 = dir.join(std::ffi::OsStr::from_bytes(b"M\xDCLLER.837"));
    std::fs::write(&latin1, wrong_se01()).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp")).arg("check").arg(&latin1).output().expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).contains("error[segment-count]"), "{}", stdout(&output));

    std::fs::write(dir.join("-dash.837"), wrong_se01()).expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .current_dir(&dir)
        .args(["check", "--", "-dash.837"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).starts_with("-dash.837:30:4: error[segment-count]"), "{}", stdout(&output));
}

#[test]
fn fix_with_diff_is_a_usage_error_and_writes_nothing() {
    let path = scratch("fix-and-diff.837", wrong_se01().as_bytes());
    let output = claim_lsp(&["check", "--fix", "--diff", path.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("choose one"));
    assert_eq!(std::fs::read(&path).ok(), Some(wrong_se01().into_bytes()));
}

#[cfg(unix)]
#[test]
fn fix_refuses_read_only_files_unless_forced_and_keeps_owner_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let path = scratch("read-only.837", wrong_se01().as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    // CI runs as root, where a 0444 file is writable all the same: only the mode says no.
    let chowned = std::os::unix::fs::chown(&path, Some(4321), Some(8765)).is_ok();
    let path_text = path.to_str().expect("UTF-8 path");
    let output = claim_lsp(&["check", "--fix", path_text]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("read-only; not overwritten"));
    assert_eq!(std::fs::read(&path).ok(), Some(wrong_se01().into_bytes()));

    let output = claim_lsp(&["check", "--fix", "--force", path_text]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata = std::fs::metadata(&path).expect("fixed file");
    assert_eq!(metadata.permissions().mode() & 0o7777, 0o444);
    if chowned {
        assert_eq!((metadata.uid(), metadata.gid()), (4321, 8765), "owner and group kept");
    }
    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
}

#[test]
fn config_with_a_utf8_bom_is_read_and_problems_name_the_file() {
    let claim = scratch("bom-config-claim.837", wrong_se01().as_bytes());
    let config = scratch("team-settings.json", "\u{feff}{\"rules\": {\"segment-count\": \"off\"}}".as_bytes());
    let output = claim_lsp(&["check", "--config", config.to_str().expect("UTF-8"), claim.to_str().expect("UTF-8")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("not valid JSON"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "segment-count is off: {}", stdout(&output));

    let broken = scratch("team-broken.json", b"{\"rules\": {,}}");
    let output = claim_lsp(&["check", "--config", broken.to_str().expect("UTF-8"), claim.to_str().expect("UTF-8")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("team-broken.json is not valid JSON"), "{stderr}");
    assert!(!stderr.contains(".claim-lsp.json"), "{stderr}");
}

#[test]
fn a_config_full_of_bad_keys_gives_a_short_summary() {
    let claim = scratch("many-warnings-claim.837", clean_837p().as_bytes());
    let key = "k".repeat(10_000);
    let rules: Vec<String> = (0..90).map(|i| format!("\"{key}{i}\": \"off\"")).collect();
    let config = scratch("many-warnings.json", format!("{{\"rules\": {{{}}}}}", rules.join(",")).as_bytes());
    let output = claim_lsp(&["check", "--config", config.to_str().expect("UTF-8"), claim.to_str().expect("UTF-8")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.len() < 20_000, "{} bytes of warnings for a {} byte file", stderr.len(), key.len() * 90);
    assert!(stderr.contains("70 more problems in these settings are not shown"), "{stderr}");
}
