//! Tests of the code table against the compiled-in CMS data.

use super::*;

fn date(text: &str) -> CalendarDate {
    CalendarDate::parse_ccyymmdd(text).expect("test date")
}

fn code(code: &str) -> &'static HcpcsCode {
    builtin().procedure(code).expect("code in the CMS data")
}

const BUILTIN_FILES: [&str; 3] = [
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_modifiers.txt"),
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_J.txt"),
    include_str!("../../data/hcpcs/HCPC2026_JAN_ANWEB_Q.txt"),
];

#[test]
fn every_data_file_parses_with_the_documented_record_counts() {
    // Counts from /work/shared/data/README.md: 383 modifiers, 1,209 J, 610 Q records.
    let counts: Vec<usize> =
        BUILTIN_FILES.iter().map(|file| anweb::parse(file).expect("CMS file parses").len()).collect();
    assert_eq!(counts, vec![383, 1_209, 610]);
    assert_eq!(BUILTIN_TEXT, BUILTIN_FILES.concat());
    let table = builtin();
    assert_eq!((table.modifier_count(), table.procedure_count()), (383, 1_819));
    assert_eq!(table.len(), 2_202);
    assert_eq!(table.source(), "CMS HCPCS 2026 January (built in)");
}

#[test]
fn j2700_is_oxacillin_and_j2410_is_oxymorphone() {
    let oxacillin = code("J2700");
    assert_eq!(oxacillin.description(), "Injection, oxacillin sodium, up to 250 mg");
    let unit = oxacillin.billing_unit().expect("unit");
    assert_eq!((unit.per_unit_text().as_str(), unit.substance.as_str()), ("up to 250 mg", "oxacillin sodium"));
    assert_eq!(unit.units_for_amount(Quantity::parse("1 g").expect("dose")), Some(4));
    assert!(oxacillin.is_drug() && !oxacillin.is_noc());
    assert_eq!(oxacillin.record.coverage, Some('D'));
    assert_eq!(oxacillin.record.pricing, vec!["51".to_string()]);
    assert_eq!(code("J2410").description(), "Injection, oxymorphone hcl, up to 1 mg");
}

#[test]
fn validity_window_follows_added_and_termination_dates() {
    let hydromorphone = code("J1170");
    assert_eq!(hydromorphone.status_on(date("20240930")), CodeStatus::Valid);
    assert_eq!(hydromorphone.status_on(date("20250301")), CodeStatus::Discontinued { terminated: date("20240930") });
    assert_eq!(code("J0013").status_on(date("20251231")), CodeStatus::NotYetValid { added: date("20260101") });
    let jg = builtin().modifier("JG").expect("JG");
    assert_eq!(jg.status_on(date("20250101")), CodeStatus::Discontinued { terminated: date("20241231") });
}

#[test]
fn successors_name_the_replacement_and_convert_units() {
    let table = builtin();
    let hydromorphone = table.successor("J1170").expect("J1170 successor");
    assert_eq!(hydromorphone.new, "J1171");
    assert_eq!(
        hydromorphone.conversion_text(),
        Some("1 unit of J1170 (up to 4 mg) = at most 40 units of J1171 (0.1 mg each); convert by the dose given")
    );
    assert_eq!(
        table.successor("J2310").and_then(Successor::conversion_text),
        Some("1 unit of J2310 = 100 units of J2312")
    );
    assert_eq!(
        table.successor("J9010").and_then(Successor::conversion_text),
        Some("1 unit of J9010 = 10 units of J0202")
    );
    let jg = table.successor("JG").expect("JG successor");
    assert_eq!((jg.new.as_str(), jg.conversion_text()), ("TB", None));
    // Not in successors.tsv but in the record's own cross-reference field.
    assert_eq!(table.successor("Q9987").map(|s| s.new.as_str()), Some("P9100"));
    assert!(table.successor("J2700").is_none());
}

#[test]
fn every_successor_row_names_real_codes_and_a_terminated_old_code() {
    let table = builtin();
    let mut rows = 0;
    for (old, new, source) in successor::builtin_rows() {
        rows += 1;
        let old_record = table
            .procedure(old)
            .map(|c| &c.record)
            .or_else(|| table.modifier(old).map(|m| &m.record))
            .unwrap_or_else(|| panic!("{old} is not in the CMS data"));
        assert!(old_record.terminated.is_some(), "{old} is not terminated");
        assert!(table.procedure(new).is_some() || table.modifier(new).is_some(), "{new} is not in the CMS data");
        if source.starts_with("CMS cross-reference") {
            assert_eq!(old_record.cross_references.first().map(String::as_str), Some(new), "{old}");
        }
    }
    assert_eq!(rows, 18);
}

#[test]
fn noc_and_drug_flags_come_from_the_data() {
    for noc in ["J3490", "J3590", "J9999", "J7999", "J7199", "J7599"] {
        assert!(code(noc).is_noc(), "{noc}");
        assert!(code(noc).billing_unit().is_none(), "{noc}");
    }
    assert!(!code("J2312").is_noc(), "not otherwise specified is not NOC");
    assert!(code("J9999").is_drug());
    assert!(!code("J7296").is_drug(), "contraceptive system: pricing 00, BETOS P6C");
}

#[test]
fn code_shapes() {
    assert_eq!(shape("J2700"), CodeShape::LevelII);
    assert_eq!(shape("99213"), CodeShape::Cpt);
    assert_eq!(shape("0001U"), CodeShape::Cpt);
    assert_eq!(shape("1234F"), CodeShape::Cpt);
    assert_eq!(shape("J270"), CodeShape::Invalid);
    assert_eq!(shape("j2700"), CodeShape::Invalid);
    assert_eq!(shape("1234X"), CodeShape::Invalid);
    assert_eq!(shape("é2700"), CodeShape::Invalid);
}

#[test]
fn cpt_modifiers_are_described_in_our_words_and_level_ii_ones_are_not_there() {
    assert!(cpt_modifier("59").is_some_and(|m| m.description.contains("Distinct")));
    for common in ["25", "50", "51", "52", "59", "76", "77", "79", "91", "95"] {
        assert!(cpt_modifier(common).is_some(), "{common}");
        assert!(builtin().modifier(common).is_none(), "{common} is not in the CMS Level II file");
    }
    assert!(cpt_modifier("JW").is_none());
}

/// Every note in `data/notes/` is served for its code (a new note without its match arm
/// fails here), and no arm serves a note that is not there.
#[test]
fn every_note_file_is_served_for_its_code() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/notes");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("data/notes")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".md").map(String::from))
        .collect();
    names.sort();
    assert!(names.len() >= 13, "{names:?}");
    for name in &names {
        let text = std::fs::read_to_string(folder.join(format!("{name}.md"))).expect("note");
        let served = match name.strip_prefix("modifier-") {
            Some(modifier) => modifier_notes(modifier),
            None => billing_notes(name),
        };
        assert_eq!(served, Some(text.as_str()), "data/notes/{name}.md is not what hover and explain show");
    }
}

/// Every code named in a billing note exists, and where the note quotes a descriptor
/// ("J2290 Injection, nafcillin sodium, 20 mg") the quote is the CMS text.
#[test]
fn billing_notes_quote_cms_descriptors_exactly() {
    let table = builtin();
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/notes");
    let codes: Vec<String> = std::fs::read_dir(folder)
        .expect("data/notes")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".md").map(String::from))
        .filter(|name| !name.starts_with("modifier-"))
        .collect();
    assert!(codes.len() >= 11, "{codes:?}");
    for name in codes.iter().map(String::as_str) {
        let notes = billing_notes(name).unwrap_or_else(|| panic!("notes for {name}"));
        let own = format!("CMS descriptor: *{}*", code(name).description());
        assert!(notes.contains(&own), "{name}: {own}");
        for line in notes.lines() {
            let Some(rest) = line.strip_prefix("- ") else { continue };
            let rest = rest.trim_start_matches("**");
            let Some((mentioned, after)) = rest.get(..5).zip(rest.get(5..)) else { continue };
            if shape(mentioned) != CodeShape::LevelII {
                continue;
            }
            let quoted = after.trim_start_matches("**").trim_start();
            let record = table.procedure(mentioned).unwrap_or_else(|| panic!("{name} notes mention {mentioned}"));
            if quoted.starts_with(|c: char| c.is_ascii_uppercase()) && !quoted.starts_with("J") {
                assert!(quoted.starts_with(record.description()), "{name} notes misquote {mentioned}: {quoted}");
            }
        }
    }
}

#[test]
fn a_users_file_loads_and_a_malformed_one_names_the_line() {
    let pad = |text: String| format!("{text:<320}");
    let j2700 = pad(format!(
        "{:<11}{:<80}{:<28}51      A                  2049{}D{}O1E 1P     01982010120140101        N",
        "J2700001003",
        "Injection, oxacillin sodium, up to 250 mg",
        "Oxacillin sodium injeciton",
        " ".repeat(79),
        " ".repeat(26)
    ));
    let jw = pad(format!(
        "{:<11}{:<80}{:<28}{}C{}2003010120030101        N",
        "   JW001007",
        "Drug amount discarded/not administered to any patient",
        "Discarded drug not administe",
        " ".repeat(110),
        " ".repeat(38)
    ));
    assert_eq!(j2700.len(), 320);
    assert_eq!(jw.len(), 320);
    let table = CodeTable::from_anweb(&format!("{jw}\r\n{j2700}\r\n")).expect("small file loads");
    assert_eq!((table.len(), table.source()), (2, "file"));
    assert_eq!(table.procedure("J2700"), builtin().procedure("J2700"));
    assert_eq!(table.modifier("JW"), builtin().modifier("JW"));
    assert!(table.procedure("J2410").is_none());

    let broken = format!("{jw}\n{}\n", j2700.replacen("20140101", "2014O101", 1));
    let error = CodeTable::from_anweb(&broken).expect_err("bad date");
    assert_eq!(error.line, 2);
    assert!(error.to_string().starts_with("line 2: "), "{error}");
}

/// Every J and Q code with the billing unit read from its descriptor, or why there is none.
#[test]
fn billing_unit_snapshot() {
    let mut lines = Vec::new();
    let (mut parsed, mut containers, mut combinations, mut noc, mut none) = (0, 0, 0, 0, 0);
    for hcpcs in builtin().procedures().filter(|c| c.code().starts_with(['J', 'Q'])) {
        let drug = if hcpcs.is_drug() { "" } else { " (not a drug)" };
        let reading = match (hcpcs.billing_unit(), hcpcs.no_unit_reason()) {
            (Some(unit), _) => {
                parsed += 1;
                let kind = if unit.is_container() {
                    containers += 1;
                    "container, no arithmetic"
                } else if unit.is_combination() {
                    combinations += 1;
                    "combination, no arithmetic"
                } else {
                    "converts"
                };
                format!("1 unit = {} [{kind}]", unit.describe())
            }
            (None, _) if hcpcs.is_noc() => {
                noc += 1;
                format!("no unit: NOC{drug}")
            }
            (None, reason) => {
                none += 1;
                format!("no unit: {}{drug}", reason.map(NoUnit::reason).unwrap_or("unknown"))
            }
        };
        lines.push(format!("{}\t{reading}\t<- {}", hcpcs.code(), hcpcs.description()));
    }
    let total = parsed + noc + none;
    let text = format!(
        "# Billing units read from CMS HCPCS 2026 January descriptors (J and Q codes), or why\n\
         # there is none. \"container\": counted whole (per vial, per dose, each), the size is\n\
         # not in the descriptor; \"combination\": several drugs' amounts in one unit. Neither\n\
         # converts from an NDC quantity.\n\
         # Regenerate: UPDATE_EXPECT=1 cargo test --lib codes\n\
         # {total} codes: a unit for {parsed} ({containers} containers, {combinations} combinations); \
         NOC {noc}; no unit stated {none}\n{}\n",
        lines.join("\n")
    );
    expect_test::expect_file!["../../data/billing-units.snapshot.txt"].assert_eq(&text);
}

/// A drug code whose descriptor states an amount, a container or a count in a shape the
/// reader does not know fails here: a new shape in a CMS file must be read, not left
/// without a unit.
#[test]
fn no_drug_descriptor_is_left_unread() {
    let unread: Vec<String> = builtin()
        .procedures()
        .filter(|code| code.is_drug() && !code.is_noc() && code.no_unit_reason() == Some(NoUnit::Unread))
        .map(|code| format!("{} {}", code.code(), code.description()))
        .collect();
    assert!(unread.is_empty(), "drug descriptors with a unit shape not read:\n{}", unread.join("\n"));
    // And the check itself notices such a shape.
    assert_eq!(billing_unit::read_descriptor("Injection, examplumab, 3 mg per 2 hours").err(), Some(NoUnit::Unread));
}

/// The shapes CMS writes units in, read as a biller reads them.
#[test]
fn units_cms_writes_in_words() {
    let describe = |code_name: &str| code(code_name).billing_unit().map(BillingUnit::describe).unwrap_or_default();
    assert_eq!(describe("J0850"), "1 vial of cytomegalovirus immune globulin intravenous (human)");
    assert!(code("J0850").billing_unit().is_some_and(BillingUnit::is_container));
    assert_eq!(describe("J9266"), "1 vial of pegaspargase");
    assert_eq!(describe("J7321"), "1 dose of hyaluronan or derivative");
    assert_eq!(describe("J9031"), "1 instillation of bcg (intravesical)");
    assert_eq!(describe("J7040"), "500 ml normal saline solution");
    assert_eq!(describe("J3364"), "5,000 IU urokinase (one vial)");
    assert_eq!(describe("J2150"), "50 ml mannitol (25%)");
    assert_eq!(describe("J1080"), "200 mg testosterone cypionate (in 1 ml)");
    assert_eq!(describe("J9356"), "10 mg trastuzumab with hyaluronidase-oysk");
    assert_eq!(describe("J9311"), "10 mg rituximab with hyaluronidase");
    assert_eq!(describe("J1443"), "0.1 mg of iron (ferric pyrophosphate citrate solution (triferic))");
    assert_eq!(describe("J0695"), "50 mg ceftolozane and 25 mg tazobactam");
    assert!(code("J0695").billing_unit().is_some_and(|unit| !unit.converts()));
    let daratumumab = code("J9144").billing_unit().expect("J9144 unit");
    assert_eq!(daratumumab.units_for_amount(Quantity::parse("1800 mg").expect("dose")), Some(180));
    assert_eq!(code("J0572").no_unit_reason(), Some(NoUnit::DoseRange));
    for nos in ["J8999", "J8597", "J8498", "J8499", "Q4100", "Q2039"] {
        assert!(code(nos).is_noc(), "{nos} is not otherwise specified, without a unit");
    }
}

#[test]
fn the_built_in_table_is_the_january_2026_release_and_a_users_file_dates_itself() {
    let release = builtin().release().expect("release");
    assert_eq!((release.name(), release.last_day()), ("January 2026".to_string(), "2026-03-31".to_string()));
    assert!(release.covers(date("20260331")));
    assert!(!release.covers(date("20260401")));
    assert!(release.covers(date("19970101")));
    let october = Release::of(date("20251115"));
    assert_eq!(october.name(), "October 2025");
    assert!(october.covers(date("20251231")) && !october.covers(date("20260101")));
}

/// The table as it was built before records were parsed on demand: every record parsed
/// up front, the last of a repeated code kept in the place of its first, successors from
/// `data/successors.tsv` then the cross-reference field of terminated records.
struct EagerTable {
    procedures: Vec<HcpcsCode>,
    modifiers: Vec<HcpcsModifier>,
    successors: std::collections::HashMap<String, Successor>,
}

fn eager(text: &str) -> EagerTable {
    let mut procedures: Vec<HcpcsCode> = Vec::new();
    let mut modifiers: Vec<HcpcsModifier> = Vec::new();
    for record in anweb::parse(text).expect("file parses") {
        match record.kind {
            RecordKind::Procedure => match procedures.iter_mut().find(|c| c.record.code == record.code) {
                Some(earlier) => *earlier = HcpcsCode::new(record),
                None => procedures.push(HcpcsCode::new(record)),
            },
            RecordKind::Modifier => match modifiers.iter_mut().find(|m| m.record.code == record.code) {
                Some(earlier) => *earlier = HcpcsModifier { record },
                None => modifiers.push(HcpcsModifier { record }),
            },
        }
    }
    let known = |code: &str| procedures.iter().any(|c| c.code() == code) || modifiers.iter().any(|m| m.code() == code);
    let mut rows: Vec<(String, String, String)> = successor::builtin_rows()
        .filter(|(old, _, _)| known(old))
        .map(|(old, new, source)| (old.to_string(), new.to_string(), source.to_string()))
        .collect();
    for record in procedures.iter().map(|c| &c.record).chain(modifiers.iter().map(|m| &m.record)) {
        if record.terminated.is_none() || rows.iter().any(|(old, _, _)| *old == record.code) {
            continue;
        }
        if let Some(new) = record.cross_references.first() {
            rows.push((record.code.clone(), new.clone(), format!("CMS cross-reference field of {}", record.code)));
        }
    }
    let unit = |code: &str| procedures.iter().find(|c| c.code() == code).and_then(HcpcsCode::billing_unit);
    let successors = rows
        .into_iter()
        .map(|(old, new, source)| {
            let successor = Successor::new(&old, &new, &source, (unit(&old), unit(&new)));
            (old, successor)
        })
        .collect();
    EagerTable { procedures, modifiers, successors }
}

fn assert_same_as_eager(table: &CodeTable, text: &str) {
    let expected = eager(text);
    assert_eq!(
        (table.procedure_count(), table.modifier_count()),
        (expected.procedures.len(), expected.modifiers.len())
    );
    for code in &expected.procedures {
        assert_eq!(table.procedure(code.code()), Some(code), "{}", code.code());
        assert_eq!(table.successor(code.code()), expected.successors.get(code.code()), "{}", code.code());
        let letter = code.code().chars().next().unwrap_or(' ');
        assert!(table.has_procedures_starting_with(letter), "{}", code.code());
    }
    for modifier in &expected.modifiers {
        assert_eq!(table.modifier(modifier.code()), Some(modifier), "{}", modifier.code());
        assert_eq!(table.successor(modifier.code()), expected.successors.get(modifier.code()), "{}", modifier.code());
    }
    assert!(table.procedures().eq(expected.procedures.iter()), "procedures in file order");
    assert!(table.modifiers().eq(expected.modifiers.iter()), "modifiers in file order");
    assert_eq!(table.successors().count(), expected.successors.len());
}

/// Records parsed on demand are the records a parse of the whole file gives: every code,
/// modifier, billing unit, flag and successor of the built-in data.
#[test]
fn the_built_in_table_read_on_demand_equals_the_whole_file_parsed() {
    assert_same_as_eager(&CodeTable::index(Cow::Borrowed(BUILTIN_TEXT), "test", None), BUILTIN_TEXT);
    assert_same_as_eager(builtin(), BUILTIN_TEXT);
    let letters: Vec<char> = ('\0'..='\u{7f}').filter(|&c| builtin().has_procedures_starting_with(c)).collect();
    assert_eq!(letters, vec!['J', 'Q']);
    assert!(!builtin().has_procedures_starting_with('\u{1F48A}'));
    assert!(builtin().procedure("J270").is_none() && builtin().procedure("J27000").is_none());
    assert!(builtin().procedure(" J2700 ").is_some() && builtin().modifier("JW ").is_some());
}

/// A user's file in the shapes users save it in: LF, trimmed lines, a BOM, blank lines,
/// a code listed twice (the later record wins, in the earlier place).
#[test]
fn a_users_file_read_on_demand_equals_the_whole_file_parsed() {
    let lines: Vec<&str> = BUILTIN_TEXT.lines().collect();
    let pick = |code: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|line| line.trim_start().starts_with(code))
            .map(|line| line.trim_end().to_string())
            .collect()
    };
    let mut text = String::from("\u{feff}");
    for code in ["J1170", "J1171", "JW", "J2310", "J2312", "Q9987", "JG", "TB", "J0129"] {
        text.push_str(&pick(code).join("\n"));
        text.push_str("\n\n");
    }
    // J2310 again, with another description of the same width.
    let again = pick("J2310").join("\n").replacen("naloxone hydrochloride", "naloxone HYDROCHLORIDE", 1);
    text.push_str(&again);
    let table = CodeTable::from_anweb(&text).expect("the file loads");
    assert_same_as_eager(&table, &text);
    assert_eq!(
        table.procedures().map(HcpcsCode::code).collect::<Vec<_>>(),
        ["J1170", "J1171", "J2310", "J2312", "Q9987", "J0129"]
    );
    let naloxone = table.procedure("J2310").expect("J2310");
    assert_eq!(naloxone.description(), "Injection, naloxone HYDROCHLORIDE, per 1 mg");
    assert!(table.procedure("J0129").is_some_and(|code| code.description().contains("(code may be used for medicare")));
    assert!(table.successor("J1170").and_then(Successor::conversion_text).is_some());
}
