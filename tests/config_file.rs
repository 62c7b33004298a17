//! The workspace settings file: the shipped example is valid for both the schema and
//! the reader, every setting the reader takes is in the schema, and the CLI reports a
//! broken file as a message and still checks.

use std::path::Path;
use std::process::Command;

use claim_lsp::config::Settings;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

#[test]
fn the_example_reads_without_a_warning() {
    let (settings, warnings) =
        Settings::from_json(&json("docs/claim-lsp.example.json"), Some(root()), claim_lsp::rules::scope_of);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(settings.policy_for(Some("CI"), None).prior_authorization.contains("J9035"));
    assert_eq!(settings.policy_for(Some("MC"), None).ndc_required, Some(true));
}

#[test]
fn schema_and_reader_know_the_same_settings() {
    let schema = json("schemas/claim-lsp.schema.json");
    let top: Vec<&String> = schema["properties"].as_object().map(|o| o.keys().collect()).unwrap_or_default();
    let policy: Vec<&String> =
        schema["definitions"]["policy"]["properties"].as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert!(top.len() >= 7 && policy.len() >= 6, "{top:?} {policy:?}");
    // A value of the right type for each property: the reader must take it silently.
    let sample = |name: &str, in_policy: bool| -> Value {
        match name {
            // A payer layer may set claim-level rules only.
            "rules" if in_policy => serde_json::json!({"missing-jw-jz": "warning"}),
            "rules" => serde_json::json!({"segment-count": "warning"}),
            "priorAuthorization" | "multiDoseCodes" => serde_json::json!(["J2700"]),
            "unitLimits" => serde_json::json!({"J2700": 8}),
            "wastageModifiersRequired" | "ndcRequired" => serde_json::json!(true),
            "policy" => serde_json::json!({}),
            "payerClasses" | "payers" => serde_json::json!({"MB": {}}),
            "codeTables" => serde_json::json!({"hcpcsFile": "anweb.txt"}),
            _ => serde_json::json!("text"),
        }
    };
    for name in top {
        let (_, warnings) = Settings::from_json(
            &serde_json::json!({ name.as_str(): sample(name, false) }),
            None,
            claim_lsp::rules::scope_of,
        );
        assert!(warnings.is_empty(), "schema property {name}: {warnings:?}");
    }
    for name in policy {
        let (_, warnings) = Settings::from_json(
            &serde_json::json!({"policy": { name.as_str(): sample(name, true) }}),
            None,
            claim_lsp::rules::scope_of,
        );
        assert!(warnings.is_empty(), "schema policy property {name}: {warnings:?}");
    }
    let pattern = schema["definitions"]["rules"]["propertyNames"]["pattern"].as_str().unwrap_or_default();
    assert_eq!(pattern, KEBAB_CASE, "the schema takes kebab-case rule ids");
    for id in claim_lsp::rules::ALL.iter().map(|rule| rule.id) {
        assert!(is_kebab_case(id), "rule id {id} does not match the schema's pattern {pattern}");
    }
    assert!(!is_kebab_case("Segment-count") && !is_kebab_case("segment--count") && !is_kebab_case("-x"));
}

const KEBAB_CASE: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// [`KEBAB_CASE`], matched by hand: words of lower-case letters and digits joined by `-`.
fn is_kebab_case(id: &str) -> bool {
    id.split('-').all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// Issue 10's reproduction: a file-level rule turned off at the top level stays off
/// whatever a payer entry says (and that entry is a warning), while a payer's "off"
/// silences a claim-level rule for that payer's claims only.
#[test]
fn payer_settings_reach_claim_rules_only() {
    let folder = std::env::temp_dir().join(format!("claim-lsp-severity-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    let config = folder.join("settings.json");
    std::fs::write(
        &config,
        r#"{"rules":{"segment-count":"off"},"payers":{"NOPE":{"rules":{"segment-count":"warning"}}}}"#,
    )
    .expect("config");
    let claim = root().join("fixtures/rules/segment-count/fires-too-low.837");
    let output =
        Command::new(env!("CARGO_BIN_EXE_claim-lsp")).args(["check", "--config"]).arg(&config).arg(&claim).output();
    let output = output.expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stdout.contains("segment-count"), "segment-count is off:\n{stdout}");
    assert!(
        stderr.contains("payers.NOPE.rules.segment-count") && stderr.contains("reports per file or transaction"),
        "{stderr}"
    );

    // The demo claim's payer is Medicare (SBR09 MB): "off" for that class silences its
    // claim-level findings, and only those.
    let demo = root().join("fixtures/demo/drug-line-mistakes.837");
    let run = |settings: &str| {
        std::fs::write(&config, settings).expect("config");
        let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
            .args(["check", "--format", "json", "--config"])
            .arg(&config)
            .arg(&demo)
            .output()
            .expect("run");
        let findings: Value = serde_json::from_slice(&output.stdout).expect("json");
        findings.as_array().map_or(0, |all| all.iter().filter(|f| f["rule"] == "ndc-quantity-mismatch").count())
    };
    assert_eq!(run("{}"), 1);
    assert_eq!(run(r#"{"payerClasses":{"MB":{"rules":{"ndc-quantity-mismatch":"off"}}}}"#), 0);
    assert_eq!(run(r#"{"payerClasses":{"CI":{"rules":{"ndc-quantity-mismatch":"off"}}}}"#), 1);
    assert_eq!(
        run(
            r#"{"rules":{"ndc-quantity-mismatch":"off"},"payerClasses":{"MB":{"rules":{"ndc-quantity-mismatch":"error"}}}}"#
        ),
        1
    );
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_broken_config_is_a_message_and_checking_goes_on() {
    let folder = std::env::temp_dir().join(format!("claim-lsp-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("folder");
    let config = folder.join("settings.json");
    std::fs::write(&config, "{\"rules\": {\"segment-count\": \"loud\"}}").expect("config");
    let claim = root().join("fixtures/rules/segment-count/fires-too-low.837");
    let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .args(["check", "--config"])
        .arg(&config)
        .arg(&claim)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("warning[config]") && stderr.contains("segment-count"), "{stderr}");
    assert!(stdout.contains("error[segment-count]"), "the default level still applies:\n{stdout}");
    assert_eq!(output.status.code(), Some(1));
    std::fs::write(&config, "{ not json").expect("config");
    let output = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
        .args(["check", "--config"])
        .arg(&config)
        .arg(&claim)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid JSON"));
    assert_eq!(output.status.code(), Some(1), "checking went on with the defaults");
    let _ = std::fs::remove_dir_all(&folder);
}
