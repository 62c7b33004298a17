//! Tests of the guide tables against what a billing engineer sees on a claim.

use super::qualifiers;
use super::tables::{tables, GuideTables};
use super::*;

/// Runs the tracker over `~`-terminated, `*`-separated segments and pairs each
/// segment id with the loop it was placed in.
fn track(guide: Guide, text: &str) -> Vec<(String, Option<&'static str>)> {
    let mut tracker = LoopTracker::new(guide);
    text.split('~')
        .map(str::trim)
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let fields: Vec<&str> = segment.split('*').collect();
            let id = fields.first().copied().unwrap_or_default();
            let placed = tracker.next(id, |n| fields.get(n).copied());
            (id.to_string(), placed)
        })
        .collect()
}

fn loops_of(placed: &[(String, Option<&'static str>)]) -> Vec<String> {
    placed.iter().map(|(id, loop_id)| format!("{id}:{}", loop_id.unwrap_or("-"))).collect()
}

const PROFESSIONAL: &str = "
ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501*000000001*0*T*:~
GS*HC*SENDER*RECEIVER*20260101*1200*1*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*1*20260101*1200*CH~
NM1*41*2*SUBMITTER*****46*123~
PER*IC*NAME*TE*5555555555~
NM1*40*2*RECEIVER*****46*456~
HL*1**20*1~
NM1*85*2*CLINIC*****XX*1234567893~
N3*1 MAIN ST~
N4*CITY*ST*12345~
REF*EI*123456789~
HL*2*1*22*0~
SBR*P*18*******MB~
NM1*IL*1*DOE*JANE****MI*ABC123~
NM1*PR*2*MEDICARE*****PI*00001~
CLM*PCN1*100***11:B:1*Y*A*Y*Y~
REF*G1*AUTH1~
HI*ABK:R52~
NM1*82*1*SMITH*JOHN****XX*1234567893~
LX*1~
SV1*HC:J2700:JZ*100*UN*4***1~
DTP*472*D8*20260101~
LIN**N4*00000000000~
CTP****1000*ME~
REF*6R*LINE1~
LX*2~
SV1*HC:96365*50*UN*1***1~
DTP*472*D8*20260101~
SE*28*0001~
GE*1*1~
IEA*1*000000001~
";

#[test]
fn professional_segments_land_in_their_loops() {
    let placed = track(Guide::Professional, PROFESSIONAL);
    let expected = [
        "ISA:ISA_LOOP",
        "GS:GS_LOOP",
        "ST:ST_LOOP",
        "BHT:HEADER",
        "NM1:1000A",
        "PER:1000A",
        "NM1:1000B",
        "HL:2000A",
        "NM1:2010AA",
        "N3:2010AA",
        "N4:2010AA",
        "REF:2010AA",
        "HL:2000B",
        "SBR:2000B",
        "NM1:2010BA",
        "NM1:2010BB",
        "CLM:2300",
        "REF:2300",
        "HI:2300",
        "NM1:2310B",
        "LX:2400",
        "SV1:2400",
        "DTP:2400",
        "LIN:2410",
        "CTP:2410",
        "REF:2410",
        "LX:2400",
        "SV1:2400",
        "DTP:2400",
        "SE:ST_LOOP",
        "GE:GS_LOOP",
        "IEA:ISA_LOOP",
    ];
    assert_eq!(loops_of(&placed), expected);
}

#[test]
fn patient_level_and_next_subscriber_are_followed() {
    let text = "HL*1**20*1~NM1*85*2*X~HL*2*1*22*1~SBR*P~NM1*IL*1*X~NM1*PR*2*X~\
                HL*3*2*23*0~PAT*19~NM1*QC*1*X~CLM*A*1~LX*1~SV1*HC:J3490*1*UN*1~\
                HL*4*1*22*0~SBR*P~NM1*IL*1*Y~CLM*B*1~LX*1~";
    let expected = [
        "HL:2000A",
        "NM1:2010AA",
        "HL:2000B",
        "SBR:2000B",
        "NM1:2010BA",
        "NM1:2010BB",
        "HL:2000C",
        "PAT:2000C",
        "NM1:2010CA",
        "CLM:2300",
        "LX:2400",
        "SV1:2400",
        "HL:2000B",
        "SBR:2000B",
        "NM1:2010BA",
        "CLM:2300",
        "LX:2400",
    ];
    assert_eq!(loops_of(&track(Guide::Professional, text)), expected);
}

#[test]
fn institutional_segments_land_in_their_loops() {
    let text = "ST*837*0001*005010X223A2~BHT*0019*00*1*20260101*1200*CH~NM1*41*2*S~\
                NM1*40*2*R~HL*1**20*1~NM1*85*2*HOSPITAL~HL*2*1*22*0~SBR*P*18*******MA~\
                NM1*IL*1*DOE~NM1*PR*2*MEDICARE~CLM*PCN*100***13:A:1~DTP*434*RD8*20260101-20260102~\
                HI*ABK:R52~NM1*71*1*ATTENDING~LX*1~SV2*0636*HC:J2700:JZ*100*UN*4~DTP*472*D8*20260101~\
                LIN**N4*00000000000~CTP****1*ML~SE*20*0001~";
    let expected = [
        "ST:ST_LOOP",
        "BHT:HEADER",
        "NM1:1000A",
        "NM1:1000B",
        "HL:2000A",
        "NM1:2010AA",
        "HL:2000B",
        "SBR:2000B",
        "NM1:2010BA",
        "NM1:2010BB",
        "CLM:2300",
        "DTP:2300",
        "HI:2300",
        "NM1:2310A",
        "LX:2400",
        "SV2:2400",
        "DTP:2400",
        "LIN:2410",
        "CTP:2410",
        "SE:ST_LOOP",
    ];
    assert_eq!(loops_of(&track(Guide::Institutional, text)), expected);
}

#[test]
fn unknown_and_out_of_place_segments_keep_the_current_loop() {
    let text = "LX*1~SV1*HC:J2700~XYZ*1~~NM1*ZZZ~clm*A~SV1*HC:J2700~CLM*A~";
    let expected = ["LX:2400", "SV1:2400", "XYZ:2400", "NM1:2400", "clm:2400", "SV1:2400", "CLM:2300"];
    assert_eq!(loops_of(&track(Guide::Professional, text)), expected);
    // Nothing known yet: segments that open no loop leave the tracker without one.
    assert_eq!(loops_of(&track(Guide::Professional, "SV1*X~DTP*472~")), ["SV1:-", "DTP:-"]);
}

#[test]
fn service_unit_count_is_sv104_in_the_service_line() {
    let info = element_info(Guide::Professional, Some("2400"), "SV1", 4, None);
    let info = info.expect("SV104 is defined in loop 2400");
    assert_eq!(info.ref_des, "SV104");
    assert_eq!(info.name, "Service Unit Count");
    assert_eq!(info.data_element, "380");
    assert_eq!(info.usage, Usage::Required);
    assert_eq!(info.loop_id, "2400");
    assert_eq!(info.loop_name, "Service Line Number");
}

#[test]
fn composite_components_and_unit_basis_codes() {
    let code = element_info(Guide::Professional, Some("2400"), "SV1", 1, Some(2));
    assert_eq!(code.map(|i| (i.ref_des, i.name)), Some(("SV101-02".to_string(), "Procedure Code")));
    let composite = element_info(Guide::Professional, Some("2400"), "SV1", 1, None);
    assert_eq!(composite.map(|i| i.data_element), Some("C003"));
    let unit_basis = element_info(Guide::Institutional, Some("2400"), "SV2", 4, None);
    assert_eq!(unit_basis.map(|i| i.valid_codes.to_vec()), Some(vec!["DA", "UN"]));
    // A simple element answers for its first component; there is no second one.
    let charge = element_info(Guide::Professional, Some("2400"), "SV1", 2, Some(1));
    assert_eq!(charge.map(|i| i.ref_des), Some("SV102".to_string()));
    assert_eq!(element_info(Guide::Professional, Some("2400"), "SV1", 2, Some(2)), None);
    assert_eq!(element_info(Guide::Professional, Some("2400"), "SV1", 99, None), None);
}

#[test]
fn element_info_falls_back_when_the_loop_is_lost() {
    let lost = element_info(Guide::Professional, None, "CTP", 5, Some(1));
    let lost = lost.expect("CTP is defined in 2410");
    assert_eq!((lost.ref_des.as_str(), lost.loop_id), ("CTP05-01", "2410"));
    assert_eq!(lost.valid_codes, ["F2", "GR", "ME", "ML", "UN"]);
    let wrong_loop = element_info(Guide::Institutional, Some("9999"), "SV2", 1, None);
    assert_eq!(wrong_loop.map(|i| i.name), Some("Service Line Revenue Code"));
    let envelope = element_info(Guide::Professional, Some("2400"), "ISA", 16, None);
    assert_eq!(envelope.map(|i| (i.name, i.loop_id)), Some(("Component Element Separator", "ISA_LOOP")));
    let place_of_service = element_info(Guide::Professional, Some("2300"), "CLM", 5, Some(1));
    assert_eq!(place_of_service.and_then(|i| i.external_code_set), Some("pos"));
}

#[test]
fn segment_and_loop_names() {
    assert_eq!(segment_name(Guide::Professional, Some("2400"), "DTP"), Some("Date - Service Date"));
    assert_eq!(segment_name(Guide::Professional, None, "LIN"), Some("Drug Identification"));
    assert_eq!(segment_name(Guide::Institutional, None, "GE"), Some("Functional Group Trailer"));
    assert_eq!(segment_name(Guide::Institutional, None, "SV1"), None);
    assert_eq!(loop_name(Guide::Professional, "2010AA"), Some("Billing Provider Name"));
    assert_eq!(loop_name(Guide::Institutional, "2410"), Some("Drug Identification"));
    assert_eq!(loop_name(Guide::Professional, "2999"), None);
}

#[test]
fn known_segments_cover_both_guides_and_the_envelope() {
    for id in ["CLM", "SV1", "SV2", "LIN", "CTP", "ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"] {
        assert!(is_known_segment(id), "{id}");
    }
    for id in ["XYZ", "", "clm", "SV"] {
        assert!(!is_known_segment(id), "{id}");
    }
}

#[test]
fn qualifier_meanings_for_claim_and_drug_lines() {
    assert_eq!(qualifier_meaning("CTP", 5, Some(1), "ME"), Some("Milligram"));
    assert_eq!(qualifier_meaning("SBR", 9, None, "MB"), Some("Medicare Part B"));
    assert_eq!(qualifier_meaning("SV1", 3, None, "UN"), Some("Unit"));
    assert_eq!(qualifier_meaning("SV2", 4, None, "DA"), Some("Days"));
    assert_eq!(qualifier_meaning("HI", 3, Some(1), "ABF"), Some("ICD-10-CM diagnosis (other)"));
    assert_eq!(qualifier_meaning("LIN", 2, None, "N4").map(|m| m.contains("5-4-2")), Some(true));
    assert_eq!(qualifier_meaning("CTP", 5, None, "ME"), None);
    assert_eq!(qualifier_meaning("SBR", 9, None, "QQ"), None);
}

#[test]
fn version_strings_pick_the_guide() {
    for version in ["005010X222A1", "005010X222", "X222A1", " 005010X222A1 "] {
        assert_eq!(Guide::from_version(version), Some(Guide::Professional), "{version}");
    }
    for version in ["005010X223A2", "005010X223A1", "005010X223A3", "005010X223", "X223A2"] {
        assert_eq!(Guide::from_version(version), Some(Guide::Institutional), "{version}");
    }
    for version in ["", "005010X224A2", "005010X222A12", "004010X098A1", "005010X223B1", "X22"] {
        assert_eq!(Guide::from_version(version), None, "{version}");
    }
}

#[test]
fn data_files_parse_completely() {
    let all = tables();
    for (name, guide) in [("837P", &all.professional), ("837I", &all.institutional), ("control", &all.control)] {
        assert_eq!(guide.skipped_rows, 0, "{name}");
        assert!(guide.segments.iter().all(|segment| !segment.elements.is_empty()), "{name}");
    }
    assert_eq!(qualifiers::table().skipped_rows, 0);
    for guide in [&all.professional, &all.institutional] {
        assert!(guide.loops.len() > 60);
        assert!(guide.loops.iter().all(|node| node.first_segment.is_some()));
    }
}

/// Every hand-written qualifier code must be one the guides allow at that place.
/// CLM05-03 (claim frequency type) is the one exception: the maps leave it to the
/// external NUBC code list and list no codes.
#[test]
fn qualifier_codes_are_valid_in_the_guides() {
    let all = tables();
    let guides: [&GuideTables; 3] = [&all.professional, &all.institutional, &all.control];
    let mut unchecked = Vec::new();
    for (segment_id, rows) in &qualifiers::table().by_segment {
        for row in rows {
            let allowed: Vec<&str> = guides
                .iter()
                .flat_map(|guide| guide.segments.iter())
                .filter(|segment| segment.id == *segment_id)
                .flat_map(|segment| segment.elements.iter())
                .filter(|element| {
                    row.element.is_none_or(|e| e == element.position.element)
                        && element.position.component == row.component
                })
                .flat_map(|element| element.codes.iter().copied())
                .collect();
            if allowed.is_empty() {
                unchecked.push(format!("{segment_id}{:?}{:?}", row.element, row.component));
            } else {
                assert!(allowed.contains(&row.code), "{segment_id} {:?} {}", row.element, row.code);
            }
        }
    }
    unchecked.sort();
    unchecked.dedup();
    assert_eq!(unchecked, ["CLMSome(5)Some(3)"]);
}

proptest::proptest! {
    /// Any order of segments, known or not, with any element values: no panic, and the
    /// loop reported is always one the guide defines.
    #[test]
    fn tracker_never_panics(
        segments in proptest::collection::vec(
            (proptest::sample::select(vec![
                "ISA", "GS", "ST", "BHT", "HL", "NM1", "SBR", "PAT", "CLM", "HI", "REF", "DTP",
                "LX", "SV1", "SV2", "LIN", "CTP", "SVD", "CAS", "LQ", "SE", "GE", "IEA", "XYZ",
                "", "N", "NM1X", "é1",
            ]), proptest::collection::vec("[0-9A-Z]{0,3}", 0..5)),
            0..60,
        ),
        institutional in proptest::bool::ANY,
    ) {
        let guide = if institutional { Guide::Institutional } else { Guide::Professional };
        let mut tracker = LoopTracker::new(guide);
        for (id, elements) in &segments {
            let placed = tracker.next(id, |n| n.checked_sub(1).and_then(|i| elements.get(i)).map(String::as_str));
            if let Some(loop_id) = placed {
                proptest::prop_assert!(loop_name(guide, loop_id).is_some());
            }
        }
    }
}

/// Segments already found clean are not checked again; a repeated mistake is still
/// reported at each place it occurs, and a clean segment's twin elsewhere in the file
/// stays clean.
#[test]
fn repeated_segments_are_judged_alike() {
    let clean = include_str!("../../fixtures/rules/ig-element-type/silent.837");
    assert_eq!(clean.matches("DTP*472*D8*20260115~").count(), 2);
    let findings = |text: &str| validate(&crate::model::ClaimFile::parse(text.to_string()));
    assert!(findings(clean).is_empty());
    let both_wrong = clean.replace("DTP*472*D8*20260115~", "DTP*472*D8*20261315~");
    let wrong: Vec<GuideFinding> = findings(&both_wrong);
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(wrong.iter().all(|f| f.check == GuideCheck::ElementType));
    assert_ne!(wrong[0].span, wrong[1].span);
    // The first one clean (and remembered), the second one wrong: still found.
    let first = clean.find("DTP*472*D8*20260115~").map_or(0, |at| at + "DTP*472*D8*20260115~".len());
    let second_wrong = format!("{}{}", &clean[..first], clean[first..].replacen("20260115", "20261315", 1));
    let found = findings(&second_wrong);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].span.start > first);
}

/// Every `.837`-like file under `fixtures/`, for tests that must hold on all of them.
fn fixture_texts() -> Vec<(std::path::PathBuf, String)> {
    let mut found = Vec::new();
    let mut folders = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let text = crate::text::decode(&bytes);
                if crate::text::looks_like_x12(&text) {
                    found.push((path, text));
                }
            }
        }
    }
    found
}

#[test]
fn the_guide_pass_finds_the_same_transactions_as_the_claim_model() {
    let mut damaged = vec![
        "ST*837*1*005010X222A1~BHT*0019~SE*2*1~".to_string(),
        "SE*1*1~ST*837*2*005010X223A2~CLM*1~".to_string(),
        "GS*HC*A*B*20260101*1200*1*X*005010X223A2~ST*837*1~BHT~GE*1*1~ST*837*2~BHT~SE*3*2~".to_string(),
        "ISA*00~GS*HC*A*B*1*1*1*X*005010X222A1~ST*837*1~SE*2*1~ST*837*2~IEA*1~ST*837*3~".to_string(),
    ];
    let fixtures = fixture_texts();
    assert!(fixtures.len() > 20, "fixtures found: {}", fixtures.len());
    damaged.extend(fixtures.into_iter().map(|(_, text)| text));
    for text in damaged {
        let file = crate::model::ClaimFile::parse(text);
        let expected: Vec<validate::TransactionBounds> = file
            .transactions()
            .map(|t| validate::TransactionBounds {
                guide: match t.kind {
                    crate::model::TransactionKind::Professional => Some(Guide::Professional),
                    crate::model::TransactionKind::Institutional => Some(Guide::Institutional),
                    crate::model::TransactionKind::Other => None,
                },
                body: t.segments.clone(),
                se: t.se,
            })
            .collect();
        assert_eq!(validate::transactions(&file.text, &file.tree), expected);
    }
}

/// Resuming the pass from the state it had after any HL, over the rest of the
/// transaction, reports exactly what the whole pass reported after that HL: what the
/// incremental check relies on to re-run it from the edited loop only.
#[test]
fn the_pass_resumed_after_any_hl_reports_what_the_whole_pass_did() {
    let mut checked = 0;
    for path in
        ["fixtures/claims/clean-837p.837", "fixtures/claims/clean-837i.837i", "fixtures/demo/drug-line-mistakes.837"]
    {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file = crate::model::ClaimFile::parse(text);
        let (tree, text) = (&file.tree, file.text.as_str());
        let (all, checkpoints) = validate_tree_with_checkpoints(text, tree);
        assert_eq!(all, validate_tree(text, tree), "{path}: the checkpoints change nothing");
        for transaction in validate::transactions(text, tree) {
            let Some(se) = transaction.se else { continue };
            for (hl, checkpoint) in checkpoints.iter().filter(|(at, _)| transaction.body.contains(at)) {
                let hl_end = tree.segment(*hl).map(|s| s.span().end).expect("the HL");
                let (resumed, _) = resume_tree(text, tree, checkpoint, hl + 1..se + 1, true).expect("resumes");
                let after: Vec<&GuideFinding> = all
                    .iter()
                    .filter(|f| f.span.start >= hl_end && tree.segment_at(f.span.start).is_some_and(|at| at <= se))
                    .collect();
                assert_eq!(resumed.iter().collect::<Vec<_>>(), after, "{path}: resumed after segment {hl}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "only {checked} HLs");
}

/// An empty checkpoint (what a loop without one holds) is refused, not followed.
#[test]
fn a_malformed_checkpoint_is_refused() {
    let file = crate::model::ClaimFile::parse(PROFESSIONAL.trim_start().to_string());
    let count = file.tree.segments.len();
    assert!(resume_tree(&file.text, &file.tree, &Checkpoint::default(), 0..count, true).is_none());
    let (_, checkpoints) = validate_tree_with_checkpoints(&file.text, &file.tree);
    let (_, good) = checkpoints.first().expect("an HL");
    assert!(resume_tree(&file.text, &file.tree, good, 0..count, true).is_some());
}

/// The runs a large file's transactions are cut into for two threads give, one after the
/// other, the whole pass's findings and checkpoints; one transaction is one run.
#[test]
fn transaction_runs_put_together_are_the_whole_pass() {
    let one = PROFESSIONAL.trim_start();
    let st = one.find("ST*").expect("ST");
    let ge = one.find("GE*").expect("GE");
    let (head, body, tail) = (&one[..st], &one[st..ge], &one[ge..]);
    for copies in [1, 2, 3, 5] {
        let text = format!("{head}{}{tail}", body.repeat(copies));
        let file = crate::model::ClaimFile::parse(text);
        let whole = validate_tree_with_checkpoints(&file.text, &file.tree);
        let runs = transaction_runs(&file.text, &file.tree, 2);
        assert_eq!(runs.len(), copies.min(2), "{copies} transactions");
        let (mut findings, mut checkpoints) = (Vec::new(), Vec::new());
        for run in &runs {
            let (more_findings, more_checkpoints) = validate_run(&file.text, &file.tree, run);
            findings.extend(more_findings);
            checkpoints.extend(more_checkpoints);
        }
        assert_eq!((findings, checkpoints), whole, "{copies} transactions");
    }
}
