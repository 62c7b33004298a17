//! `claim-lsp redact`: on every corpus file, the redacted copy gets exactly the findings
//! of the original (rule, severity, line, columns and message), keeps every value that
//! is not an identity, and keeps no name, id or birth date of the original.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use claim_lsp::model::ClaimFile;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus files as `MANIFEST.tsv` lists them, and the demo and clean claims.
fn claim_files() -> Vec<String> {
    let manifest = std::fs::read_to_string(root().join("fixtures/corpus/MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut files: Vec<String> = manifest
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|path| !path.is_empty())
        .map(|path| format!("fixtures/corpus/{path}"))
        .collect();
    assert_eq!(files.len(), 74);
    files.extend(
        ["fixtures/demo/drug-line-mistakes.837", "fixtures/claims/clean-837p.837", "fixtures/claims/clean-837i.837i"]
            .map(String::from),
    );
    files
}

fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("redact-tests")
}

/// Redacts every claim file into the scratch folder (same relative paths), once.
fn redacted_copies() -> Vec<(String, PathBuf)> {
    static DONE: std::sync::OnceLock<Vec<(String, PathBuf)>> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        let _ = std::fs::remove_dir_all(scratch());
        claim_files()
            .into_iter()
            .map(|relative| {
                let out = scratch().join(&relative);
                std::fs::create_dir_all(out.parent().expect("parent")).expect("scratch folder");
                let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
                    .current_dir(root())
                    .args(["redact", &relative, "-o"])
                    .arg(&out)
                    .output()
                    .expect("run claim-lsp redact");
                assert_eq!(output.status.code(), Some(0), "{relative}: {}", String::from_utf8_lossy(&output.stderr));
                (relative, out)
            })
            .collect()
    })
    .clone()
}

/// Each file's findings as JSON Lines with the path cut off, keyed by the file.
fn findings(paths: &[PathBuf]) -> Vec<Vec<String>> {
    let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .current_dir(root())
        .args(["check", "--format", "jsonl", "--fail-on", "never"])
        .args(paths)
        .output()
        .expect("run claim-lsp check");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let mut by_path: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut finding: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let path = finding["path"].as_str().unwrap_or("").to_string();
        finding.as_object_mut().map(|object| object.remove("path"));
        by_path.entry(path).or_default().push(finding.to_string());
    }
    paths.iter().map(|path| by_path.remove(&path.display().to_string()).unwrap_or_default()).collect()
}

#[test]
fn redaction_keeps_every_finding_on_every_file() {
    let copies = redacted_copies();
    let originals: Vec<PathBuf> = copies.iter().map(|(relative, _)| PathBuf::from(relative)).collect();
    let redacted: Vec<PathBuf> = copies.iter().map(|(_, out)| out.clone()).collect();
    let before = findings(&originals);
    let after = findings(&redacted);
    let mut total = 0;
    for ((relative, _), (before, after)) in copies.iter().zip(before.iter().zip(&after)) {
        assert_eq!(before, after, "{relative}: the findings changed");
        total += before.len();
    }
    assert!(total > 1000, "the corpus has findings to compare ({total})");
}

fn read(path: &Path) -> ClaimFile {
    ClaimFile::parse(claim_lsp::text::decode(&std::fs::read(path).expect("read")))
}

/// Elements that hold identities and must change (when they hold a letter or digit).
fn identity(file: &ClaimFile, segment: usize) -> &'static [usize] {
    match (file.segment_id(segment), file.value(segment, 1)) {
        ("NM1", "PR" | "40") => &[],
        ("NM1", _) => &[3, 4, 9],
        ("N3", _) => &[1],
        ("DMG", _) => &[2],
        ("REF", "87") => &[],
        ("REF", _) => &[2],
        ("CLM", _) => &[1],
        ("PER", _) => &[2, 4],
        ("NTE", _) => &[2],
        _ => &[],
    }
}

/// Elements the redaction may change: the identities and the other documented values.
fn may_change(file: &ClaimFile, segment: usize) -> Vec<usize> {
    let service_dates = ["472", "434", "435", "096", "050", "573", "150", "151"];
    let mut positions = identity(file, segment).to_vec();
    positions.extend_from_slice(match (file.segment_id(segment), file.value(segment, 1)) {
        ("ISA", _) => &[2, 4, 6],
        ("GS", _) => &[2],
        ("NM1", "PR" | "40") => &[],
        ("NM1", _) => &[5, 7],
        ("N2", _) => &[1, 2],
        ("N3", _) => &[2],
        ("N4", _) => &[1, 3],
        ("REF", "87") => &[],
        ("REF", _) => &[3],
        ("PER", _) => &[6, 8],
        ("SBR", _) => &[3, 4],
        ("PWK", _) => &[6],
        ("PAT", _) => &[6],
        ("DTP", qualifier) if !service_dates.contains(&qualifier) => &[3],
        ("K3", _) => &[1],
        (id, _) if !claim_lsp::guide::is_known_segment(id) => &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        _ => &[],
    });
    positions
}

#[test]
fn no_original_identity_survives_and_everything_else_stays() {
    let mut checked = 0;
    for (relative, out) in redacted_copies() {
        let original = read(&root().join(&relative));
        let redacted = read(&out);
        assert_eq!(original.tree.segments.len(), redacted.tree.segments.len(), "{relative}: segments");
        let mut secrets = Vec::new();
        // What the copy changed, where no original name or id may be found.
        let mut replaced = String::new();
        for index in 0..original.tree.segments.len() {
            let (Some(a), Some(b)) = (original.tree.segment(index), redacted.tree.segment(index)) else { continue };
            assert_eq!(a.id(&original.text), b.id(&redacted.text), "{relative}: segment {index}");
            let (elements_a, elements_b) = (original.tree.elements(a), redacted.tree.elements(b));
            assert_eq!(elements_a.len(), elements_b.len(), "{relative}: segment {index}");
            let must = identity(&original, index);
            let may = may_change(&original, index);
            for position in 1..=elements_a.len() {
                let before = original.value(index, position);
                let after = redacted.value(index, position);
                let id = a.id(&original.text);
                assert_eq!(before.chars().count(), after.chars().count(), "{relative}: {id}{position:02} length");
                // Free text already blanked (`NTE*ADD*XXXX`) stays blank.
                let blank = id == "NTE" && before.chars().all(|c| !c.is_alphanumeric() || c == 'X' || c == '0');
                if may.contains(&position) {
                    replaced.push_str(after);
                    replaced.push('\n');
                }
                if must.contains(&position) && before.chars().any(char::is_alphanumeric) && !blank {
                    assert_ne!(before, after, "{relative}: {id}{position:02} kept its value");
                    checked += 1;
                    secrets.push(before.trim().to_string());
                } else if !may.contains(&position) {
                    assert_eq!(before, after, "{relative}: {id}{position:02} changed");
                }
            }
        }
        // No replaced value of the copy is an original name, id or birth date, and the
        // longer ones are not even part of one. (The values that stay, such as the
        // payer's id, are compared above. Shorter ones are not searched inside values:
        // `1002` turns up by chance in made-up ten-digit numbers.)
        let values: std::collections::HashSet<&str> = replaced.lines().map(str::trim).collect();
        secrets.sort();
        secrets.dedup();
        // Placeholders a de-identified sample already has (`XXX XXXXXX`, `999`) are no one's.
        let placeholder = |s: &String| s.chars().all(|c| !c.is_alphanumeric() || matches!(c, 'X' | '0' | '9'));
        for secret in secrets.iter().filter(|s| !placeholder(s)) {
            assert!(!values.contains(secret.as_str()), "{relative}: `{secret}` is still in the copy");
            if secret.len() >= 10 {
                assert!(!replaced.contains(secret.as_str()), "{relative}: `{secret}` is still in the copy");
            }
        }
    }
    assert!(checked > 500, "identities checked: {checked}");
}

#[test]
fn the_demo_claims_patient_is_gone_and_its_codes_stay() {
    let copies = redacted_copies();
    let (_, out) = copies.iter().find(|(relative, _)| relative.ends_with("drug-line-mistakes.837")).expect("demo");
    let text = std::fs::read_to_string(out).expect("redacted demo");
    for identity in ["DOE*JANE", "1EG4TE5MK73", "19500101", "PCN0200", "1 ELM STREET", "1234567893", "5555550100"] {
        assert!(!text.contains(identity), "`{identity}` survived:\n{text}");
    }
    for kept in [
        "SV1*HC:J2700:JZ*40*UN*4***1~",
        "DTP*472*D8*20260115~",
        "LIN**N4*00781315695~",
        "NM1*PR*2*MEDICARE PART B*****PI*00952~",
        "*IL*",
    ] {
        assert!(text.contains(kept), "`{kept}` is gone:\n{text}");
    }
    let file = ClaimFile::parse(text.clone());
    let patient = file.tree.segments_with_id("NM1").find(|s| file.value(*s, 1) == "IL").expect("NM1*IL");
    assert!(file.value(patient, 3) != "DOE" && file.value(patient, 4) != "JANE");
    assert_eq!((file.value(patient, 3).len(), file.value(patient, 4).len()), (3, 4));
    // The billing provider's NPI is replaced by another valid one.
    let npi =
        file.tree.segments_with_id("NM1").find(|s| file.value(*s, 1) == "85").map(|s| file.value(s, 9)).unwrap_or("");
    assert_eq!(npi.len(), 10);
    assert_eq!(claim_lsp::rules::structure::npi_check_digit::check_digit(&npi[..9]), npi[9..].parse().ok());
}

#[test]
fn a_utf16_file_is_redacted_in_utf16_and_the_original_is_never_overwritten() {
    let text = std::fs::read_to_string(root().join("fixtures/demo/drug-line-mistakes.837")).expect("demo");
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("redact-utf16");
    std::fs::create_dir_all(&dir).expect("folder");
    let input = dir.join("utf16.837");
    std::fs::write(&input, &utf16).expect("write");
    let run =
        |args: &[&Path]| Command::new(env!("CARGO_BIN_EXE_claim-lsp")).arg("redact").args(args).output().expect("run");
    let out = dir.join("utf16-redacted.837");
    let output = run(&[&input, Path::new("-o"), &out]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let bytes = std::fs::read(&out).expect("redacted");
    assert_eq!(bytes.get(..2), Some(&[0xFF, 0xFE][..]), "the BOM stays");
    let redacted = claim_lsp::text::decode(&bytes);
    assert!(!redacted.contains("DOE*JANE") && redacted.contains("SV1*HC:J2700:JZ*40*UN*4***1~"));

    let output = run(&[&input, Path::new("-o"), &input]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).expect("input"), utf16, "the original is untouched");
    let output = run(&[&dir.join("missing.837"), Path::new("-o"), &out]);
    assert_eq!(output.status.code(), Some(2));
}

/// Charge files: the redacted copy keeps every finding, the billing columns stay as
/// written, and the claim column, the rendering NPI and every column the checker does not
/// read (names, member ids, birth dates) are gone.
#[test]
fn charge_files_keep_their_findings_and_lose_their_identities() {
    // Its own folder: the corpus test clears `scratch()` when it starts.
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("redact-charges");
    std::fs::create_dir_all(&folder).expect("scratch folder");
    let patient = folder.join("patients.csv");
    std::fs::write(
        &patient,
        "Account Number,Patient Name,Member ID,Birth Date,Service Date,CPT/HCPCS,Modifier 1,Units,Charge,Rendering NPI,Payer Class\n\
         A90001,\"DOE, JANE\",XZQ123456789,1961-04-12,2024-03-07,J9035,,9.5,\"$1,215.00\",1234567893,MB\n\
         A90001,\"DOE, JANE\",XZQ123456789,1961-04-12,2024-03-07,J9035,JW,1,\"$135.00\",1234567893,MB\n",
    )
    .expect("write");
    let mut originals = vec![patient.clone()];
    for name in ["comma-quoted-money.csv", "tab-separated.tsv", "semicolon-bom-crlf.csv", "modifiers-column.csv"] {
        originals.push(root().join("fixtures/charges").join(name));
    }
    originals.push(root().join("fixtures/rules/csv-field-count/fires.csv"));
    let mut copies = Vec::new();
    for (index, original) in originals.iter().enumerate() {
        let name = original.file_name().and_then(|n| n.to_str()).unwrap_or("charges.csv");
        let out = folder.join(format!("{index}-redacted-{name}"));
        let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
            .args(["redact"])
            .arg(original)
            .arg("-o")
            .arg(&out)
            .output()
            .expect("run claim-lsp redact");
        assert_eq!(output.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        copies.push(out);
    }
    let before = findings(&originals);
    let after = findings(&copies);
    assert!(before.first().is_some_and(|findings| !findings.is_empty()), "the patient file has findings");
    assert_eq!(before, after, "the findings changed");
    let redacted = std::fs::read_to_string(&copies[0]).expect("read");
    for gone in ["DOE", "JANE", "XZQ123456789", "1961-04-12", "A90001", "1234567893"] {
        assert!(!redacted.contains(gone), "{gone} survived:\n{redacted}");
    }
    for kept in ["2024-03-07", "J9035", ",9.5,", "\"$1,215.00\"", ",JW,", ",MB"] {
        assert!(redacted.contains(kept), "{kept} was changed:\n{redacted}");
    }
}
