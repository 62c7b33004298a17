//! Charge files through the real binary and the fix pipeline: `check --fix` and
//! `--diff` with the same safety as an 837 (the file's BOM, line endings and encoding
//! kept, only the fixed cells changed, never written over a file changed on disk), and
//! `--format json` rows pointing at the line of the row.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use claim_lsp::analysis::DocumentKind;
use claim_lsp::cli::fix::{fix_bytes, write_if_unchanged, WriteRefused};
use claim_lsp::config::Environment;

fn claim_lsp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claim-lsp")).args(args).env("NO_COLOR", "1").output().expect("run claim-lsp")
}

fn fixture_bytes(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)).expect("fixture")
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("charge-file-tests");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

/// The demo charge file (semicolons, BOM, CRLF) has three safe fixes: units rounded up,
/// 59 beside XU, a repeated JZ. `--fix` writes exactly those cells.
#[test]
fn fix_on_a_charge_file_changes_only_the_fixed_cells_and_keeps_bom_and_crlf() {
    let original = fixture_bytes("demo/charge-mistakes.csv");
    let path = scratch("charge-mistakes.csv", &original);
    let output = claim_lsp(&["check", "--fix", path.to_str().expect("UTF-8 path")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("3 fixes: drug-units-not-whole ×1, modifier-59-with-x ×1, duplicate-modifier ×1"),
        "{stderr}"
    );
    let fixed = std::fs::read(&path).expect("fixed file");
    assert_eq!(fixed, fixture_bytes("fixes/fix-all/charge-mistakes.csv"));
    assert!(fixed.starts_with("\u{feff}".as_bytes()), "the BOM is kept");
    let (before, after) = (String::from_utf8_lossy(&original), String::from_utf8_lossy(&fixed));
    assert_eq!(after.matches("\r\n").count(), before.matches("\r\n").count(), "CRLF kept");
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count(), "no bare LF added");
    let changed: Vec<(&str, &str)> = before.split("\r\n").zip(after.split("\r\n")).filter(|(a, b)| a != b).collect();
    assert_eq!(
        changed,
        [
            (
                "E-5001;20260115;J2410;JZ;;1.5;40.00;;;;MB;Oxymorphone",
                "E-5001;20260115;J2410;JZ;;2;40.00;;;;MB;Oxymorphone"
            ),
            (
                "E-5001;20260115;97110;59;XU;1;120.00;;;;MB;Therapeutic exercise",
                "E-5001;20260115;97110;XU;;1;120.00;;;;MB;Therapeutic exercise"
            ),
            (
                "E-5001;20260115;J1100;JZ;JZ;10;12.50;63323-0506-01;10;mg;MB;Dexamethasone",
                "E-5001;20260115;J1100;JZ;;10;12.50;63323-0506-01;10;mg;MB;Dexamethasone"
            ),
        ]
    );
    let remaining = String::from_utf8_lossy(&output.stdout);
    assert!(remaining.contains("warning[ndc-quantity-mismatch]"), "a choice stays for the biller: {remaining}");

    let again = claim_lsp(&["check", "--fix", path.to_str().expect("UTF-8 path")]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed"), "a second run finds nothing safe to fix");
}

#[test]
fn diff_on_a_charge_file_prints_the_cells_and_writes_nothing() {
    let original = fixture_bytes("demo/charge-mistakes.csv");
    let path = scratch("charge-diff.csv", &original);
    let output = claim_lsp(&["check", "--diff", path.to_str().expect("UTF-8 path")]);
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(diff.contains("\n-E-5001;20260115;J2410;JZ;;1.5;40.00;;;;MB;Oxymorphone\r\n"), "{diff}");
    assert!(diff.contains("\n+E-5001;20260115;J2410;JZ;;2;40.00;;;;MB;Oxymorphone\r\n"), "{diff}");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(&path).ok(), Some(original), "--diff writes nothing");

    let plain = scratch("inventory.csv", &fixture_bytes("charges/plain-inventory.csv"));
    let output = claim_lsp(&["check", "--diff", plain.to_str().expect("UTF-8 path")]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "", "a plain CSV is left alone");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_charge_file_changed_on_disk_after_it_was_read_is_not_overwritten() {
    let original = fixture_bytes("demo/charge-mistakes.csv");
    let path = scratch("charge-changed.csv", &original);
    let kind = DocumentKind::of(Some("charge-changed.csv"), &String::from_utf8_lossy(&original));
    let fixed = fix_bytes(&original, &kind, &Environment::default());
    assert!(!fixed.all.applied.is_empty());
    let new = fixed.bytes.expect("encodable");
    // A person saves the file between the read and the write.
    let saved = b"Encounter;Date of Service\r\nsaved meanwhile\r\n";
    std::fs::write(&path, saved).expect("save");
    let refused = write_if_unchanged(&path, &original, &new, false);
    assert!(matches!(refused, Err(WriteRefused::ChangedOnDisk)), "{refused:?}");
    assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&saved[..]));
}

/// UTF-16 charge files (a spreadsheet's "Unicode text" export) are fixed in UTF-16.
#[test]
fn a_utf16_charge_file_is_fixed_in_utf16() {
    let text = String::from_utf8_lossy(&fixture_bytes("demo/charge-mistakes.csv")).into_owned();
    let text = text.trim_start_matches('\u{feff}');
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let path = scratch("charge-utf16.csv", &utf16);
    let output = claim_lsp(&["check", "--fix", path.to_str().expect("UTF-8 path")]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("3 fixes"), "{}", String::from_utf8_lossy(&output.stderr));
    let fixed = std::fs::read(&path).expect("fixed");
    assert_eq!(fixed.get(..2), Some(&[0xFF, 0xFE][..]));
    assert!(claim_lsp::text::decode(&fixed).contains("J2410;JZ;;2;40.00"));
}

/// `--format json` names the line each row starts on, also after a quoted cell that
/// spans lines and after blank lines.
#[test]
fn json_rows_report_the_line_of_the_row() {
    let text = "Claim,DOS,HCPCS,Modifier 1,Modifier 2,Units,Charge,Payer Class,Description\n\
                A1,2024-03-07,J2410,JZ,,1.5,40.00,MB,\"first line\nsecond line\"\n\
                \n\
                A1,2024-03-07,97110,59,XU,1,120.00,MB,therapy\n";
    let path = scratch("rows.csv", text.as_bytes());
    let output = claim_lsp(&["check", "--format", "json", path.to_str().expect("UTF-8 path")]);
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found: Vec<(String, u64, u64)> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|row| {
            (
                row["rule"].as_str().unwrap_or_default().to_string(),
                row["line"].as_u64().unwrap_or(0),
                row["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(found.contains(&("drug-units-not-whole".into(), 2, 25)), "{found:?}");
    assert!(
        found.contains(&("modifier-59-with-x".into(), 5, 21)),
        "the row after a two-line cell and a blank line: {found:?}"
    );
}
