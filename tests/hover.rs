//! Hover snapshots: the text a coder sees over codes, modifiers, elements and qualifier
//! values in `fixtures/hover/drug-lines.837`. Each case names a needle in the file and
//! the cursor's place in it; the full markdown is kept in `fixtures/hover/expected/`.

#[path = "common/fixtures.rs"]
mod fixtures;

use std::path::Path;

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::ide::hover::hover;

struct Case {
    name: &'static str,
    /// Text that occurs once in the fixture (or its first occurrence is meant).
    needle: &'static str,
    /// Cursor offset inside the needle.
    at: usize,
    /// What the coder must read there.
    shows: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "j2700",
        needle: "J2700:JZ*40*UN*4",
        at: 2,
        shows: &["oxacillin sodium", "250 mg", "4 units = up to 1,000 mg oxacillin sodium"],
    },
    Case { name: "j2410", needle: "J2410", at: 1, shows: &["oxymorphone"] },
    Case {
        name: "j1170-after-termination",
        needle: "J1170",
        at: 3,
        shows: &["discontinued", "2024-09-30", "J1171", "1 unit of J1170 (up to 4 mg) = at most 40 units of J1171"],
    },
    Case { name: "modifier-jz", needle: "JZ*40", at: 1, shows: &["JZ", "Zero drug amount discarded"] },
    Case { name: "modifier-jw", needle: "JW*0", at: 0, shows: &["JW", "discarded"] },
    Case { name: "cpt-code", needle: "96365", at: 2, shows: &["CPT", "not included"] },
    Case {
        name: "sv104",
        needle: "*UN*4***1",
        at: 5,
        shows: &["SV104", "Service Unit Count", "2400", "Usage: **required** · type R (decimal number) · length 1–15"],
    },
    Case { name: "sv103-un", needle: "UN*4", at: 1, shows: &["`UN` = ", "nit"] },
    Case {
        name: "ctp05-me",
        needle: "1000*ME",
        at: 6,
        shows: &["`ME` = ", "illigram", "CTP05", "Allowed codes:", "- `ML` — Milliliter"],
    },
    Case {
        name: "sbr09-mb",
        needle: "*******MB",
        at: 8,
        shows: &["`MB` = ", "Medicare Part B", "SBR09", "… and 15 more"],
    },
    Case { name: "segment-clm", needle: "CLM*", at: 1, shows: &["**CLM**", "2300"] },
];

#[test]
fn hovers_explain_codes_modifiers_elements_and_qualifiers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hover");
    let text = std::fs::read_to_string(root.join("drug-lines.837")).expect("fixture");
    let analysis = Analysis::of_text(text.clone(), &Environment::default());
    let codes = claim_lsp::codes::builtin();
    let mut failures = Vec::new();
    for case in CASES {
        let Some(start) = text.find(case.needle) else {
            failures.push(format!("{}: needle not in fixture", case.name));
            continue;
        };
        let Some(doc) = hover(&analysis, codes, start + case.at) else {
            failures.push(format!("{}: no hover", case.name));
            continue;
        };
        for expected in case.shows {
            if !doc.markdown.contains(expected) {
                failures.push(format!("{}: hover lacks {expected:?}:\n{}", case.name, doc.markdown));
            }
        }
        let snapshot = root.join("expected").join(format!("{}.md", case.name));
        if let Err(difference) = fixtures::expect(&snapshot, &doc.markdown) {
            failures.push(format!("{}: {difference}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_newer_hcpcs_file_from_settings_replaces_the_table_and_a_broken_one_keeps_it() {
    let folder = std::env::temp_dir().join(format!("claim-lsp-anweb-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("temp folder");
    // Two records in CMS's fixed-width layout: the real J2700 line, and a made-up code
    // "J0000" that exists only in this test file.
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hcpcs/HCPC2026_JAN_ANWEB_J.txt"))
            .expect("data");
    let j2700 = builtin.lines().find(|l| l.starts_with("J2700")).expect("J2700 record").to_string();
    let made_up =
        j2700.replacen("J2700", "J0000", 1).replacen("Injection, oxacillin sodium", "Test-only, made-up drugname", 1);
    std::fs::write(folder.join("anweb.txt"), format!("{j2700}\r\n{made_up}\r\n")).expect("write");
    std::fs::write(folder.join("broken.txt"), format!("{j2700}\r\nthis is not a record\r\n")).expect("write");

    let settings = |file: &str| {
        let value = serde_json::json!({"codeTables": {"hcpcsFile": file}});
        let (settings, warnings) =
            claim_lsp::config::Settings::from_json(&value, Some(&folder), claim_lsp::rules::scope_of);
        assert!(warnings.is_empty(), "{warnings:?}");
        settings
    };
    let (environment, messages) = Environment::load(settings("anweb.txt"));
    assert!(messages.is_empty(), "{messages:?}");
    assert!(environment.codes().procedure("J0000").is_some_and(|c| c.description().contains("made-up drugname")));
    assert!(environment.codes().procedure("J2410").is_none(), "the file replaces the built-in table");

    let (environment, messages) = Environment::load(settings("broken.txt"));
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("line 2"), "the message names the line: {}", messages[0]);
    assert!(environment.codes().procedure("J2410").is_some(), "the built-in table stays");
    let _ = std::fs::remove_dir_all(&folder);
}
