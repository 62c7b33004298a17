//! Baselines: today's known findings, recorded so that a pipeline fails only on new ones.
//!
//! A finding's identity must survive edits elsewhere in the file (a claim added above
//! it shifts every line), so it is keyed by what it is about, never by its line: the
//! file, the rule, the claim (CLM01), the service line's procedure code and a short hash
//! of the segment's text. Values that identify a patient are hashed, never copied: the
//! baseline is checked in beside the pipeline and must hold no patient data. The format
//! is documented in `docs/baseline.md`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::model::{Claim, ClaimFile};
use crate::syntax::{SegmentIndex, Span};

/// The version written in every baseline; a file with another version is refused.
const FORMAT_VERSION: u32 = 1;

/// What a finding is about, independent of where in the file it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(super) struct FindingKey {
    /// The path as given on the command line, `/`-separated, without `./`.
    pub(super) file: String,
    pub(super) rule: String,
    /// Hash of the claim id (837 CLM01, a charge file's claim column); empty outside a claim.
    pub(super) claim: String,
    /// The service line's procedure code (not patient data); empty outside a line.
    pub(super) procedure: String,
    /// The segment (or charge-file record) the finding starts in: its id in clear…
    pub(super) segment: String,
    /// …and a hash of its whole text.
    pub(super) text: String,
}

impl FindingKey {
    /// A short stable fingerprint of the whole key (SARIF `partialFingerprints`).
    pub(super) fn fingerprint(&self) -> String {
        let joined = [&self.file, &self.rule, &self.claim, &self.procedure, &self.segment, &self.text]
            .map(String::as_str)
            .join("\u{1f}");
        short_hash(&joined)
    }
}

/// Where a finding is, in the terms a key uses. Each file format (837 now, charge files
/// later) answers this for a byte offset; the key is then built the same way.
pub(super) struct Place<'f> {
    pub(super) claim_id: &'f str,
    pub(super) procedure: &'f str,
    /// The record's kind in clear (`SV1`; a charge file would say `row`).
    pub(super) record_kind: &'f str,
    /// The record's text, hashed into the key.
    pub(super) record_text: &'f str,
}

/// Claims of one 837 in segment order, to find the claim of a segment by binary search.
pub(super) struct ClaimIndex<'f> {
    file: &'f ClaimFile,
    claims: Vec<(Range<SegmentIndex>, &'f Claim)>,
}

impl<'f> ClaimIndex<'f> {
    pub(super) fn new(file: &'f ClaimFile) -> Self {
        let mut claims: Vec<_> = file.claims().map(|(_, claim)| (claim.segments.clone(), claim)).collect();
        claims.sort_by_key(|(range, _)| range.start);
        Self { file, claims }
    }

    /// The 837 place of a byte offset: its segment, claim and service line.
    pub(super) fn place(&self, offset: usize) -> Place<'f> {
        let file = self.file;
        let segment = file.tree.segment_at(offset).and_then(|index| Some((index, file.tree.segment(index)?)));
        let Some((index, segment)) = segment else {
            return Place { claim_id: "", procedure: "", record_kind: "", record_text: "" };
        };
        let end = segment.terminator().map_or(segment.span().end, |t| t.start);
        let record_text = Span::new(segment.span().start, end).text(&file.text);
        let at = self.claims.partition_point(|(range, _)| range.start <= index);
        let claim = at.checked_sub(1).and_then(|at| self.claims.get(at)).filter(|(range, _)| range.contains(&index));
        let (claim_id, procedure) = match claim {
            None => ("", ""),
            Some((_, claim)) => {
                let line = claim.lines.iter().find(|line| line.segments.contains(&index));
                let procedure = line
                    .and_then(|line| line.procedure(file))
                    .and_then(|procedure| procedure.code)
                    .map_or("", |code| code.text(&file.text));
                (file.value(claim.clm, 1), procedure)
            }
        };
        Place { claim_id, procedure, record_kind: segment.id(&file.text), record_text }
    }
}

/// Where findings are, for either format.
pub(super) enum Places<'f> {
    X12(ClaimIndex<'f>),
    Charges(&'f crate::model::ChargeFile),
}

impl<'f> Places<'f> {
    pub(super) fn of(analysis: &'f crate::analysis::Analysis) -> Self {
        match &analysis.charges {
            Some(charges) => Places::Charges(charges),
            None => Places::X12(ClaimIndex::new(&analysis.file)),
        }
    }

    /// A charge file's place is its row: the claim column, the procedure code column and
    /// the row's text; the header (a missing column) is a place of its own.
    pub(super) fn place(&self, offset: usize) -> Place<'f> {
        let charges = match self {
            Places::X12(claims) => return claims.place(offset),
            Places::Charges(charges) => *charges,
        };
        let table = &charges.table;
        let text = charges.text.as_str();
        let row = table.rows.iter().find(|row| row.span.start <= offset && offset <= row.span.end);
        let Some(row) = row else {
            return Place {
                claim_id: "",
                procedure: "",
                record_kind: "header",
                record_text: table.header.span.text(text),
            };
        };
        let cell = |field| table.cell(row, field).map_or("", |cell| cell.value_span().text(text));
        Place {
            claim_id: cell(crate::csv::ChargeField::Claim),
            procedure: cell(crate::csv::ChargeField::ProcedureCode),
            record_kind: "row",
            record_text: row.span.text(text),
        }
    }
}

/// The key of a finding at `place` in the file at `path`.
pub(super) fn key(path: &Path, place: &Place<'_>, diagnostic: &Diagnostic) -> FindingKey {
    FindingKey {
        file: normalized(path),
        rule: diagnostic.rule.to_string(),
        claim: if place.claim_id.is_empty() { String::new() } else { short_hash(place.claim_id) },
        procedure: place.procedure.to_string(),
        segment: place.record_kind.to_string(),
        text: short_hash(place.record_text),
    }
}

/// A path as a key: `/` between components, no `.` components, so `./claims/a.837` and
/// `claims/a.837` are the same file.
pub(super) fn normalized(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter(|component| !matches!(component, Component::CurDir))
        .map(|component| match component {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    parts.join("/")
}

/// 64-bit FNV-1a as 16 hex digits: stable across versions and platforms (unlike std's
/// hasher), short, and enough to tell segments apart. Not a secret: it only keeps
/// values out of the file.
pub(super) fn short_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BaselineFile {
    claim_lsp_baseline: u32,
    findings: Vec<FindingKey>,
}

/// A baseline being matched: each entry absorbs one finding with the same key.
#[derive(Debug, Default)]
pub(super) struct Baseline {
    remaining: BTreeMap<FindingKey, usize>,
}

impl Baseline {
    pub(super) fn read(path: &Path) -> Result<Baseline, String> {
        let name = path.display();
        let bytes = std::fs::read(path).map_err(|error| format!("cannot read baseline {name}: {error}"))?;
        let text = crate::text::decode(&bytes);
        let file: BaselineFile = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|error| format!("{name} is not a claim-lsp baseline: {error}"))?;
        if file.claim_lsp_baseline != FORMAT_VERSION {
            return Err(format!(
                "{name} is baseline format {}, this claim-lsp reads {FORMAT_VERSION}",
                file.claim_lsp_baseline
            ));
        }
        let mut remaining = BTreeMap::new();
        for key in file.findings {
            *remaining.entry(key).or_insert(0) += 1;
        }
        Ok(Baseline { remaining })
    }

    /// True (and the entry used up) when the baseline holds this finding.
    pub(super) fn absorbs(&mut self, key: &FindingKey) -> bool {
        match self.remaining.get_mut(key) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        }
    }

    /// Entries no finding matched: fixed, or changed beyond recognition.
    pub(super) fn stale(&self) -> usize {
        self.remaining.values().sum()
    }
}

/// Writes every key as a baseline, sorted and one finding per line, so that the file
/// diffs well in review.
pub(super) fn write(path: &Path, mut keys: Vec<FindingKey>) -> Result<usize, String> {
    keys.sort();
    let mut lines = Vec::with_capacity(keys.len());
    for key in &keys {
        lines.push(serde_json::to_string(key).map_err(|error| format!("cannot write the baseline: {error}"))?);
    }
    let findings = if lines.is_empty() { String::new() } else { format!("\n    {}\n  ", lines.join(",\n    ")) };
    let text = format!("{{\n  \"claimLspBaseline\": {FORMAT_VERSION},\n  \"findings\": [{findings}]\n}}\n");
    std::fs::write(path, text).map_err(|error| format!("cannot write baseline {}: {error}", path.display()))?;
    Ok(keys.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_keyed_the_same_however_they_are_written() {
        assert_eq!(normalized(Path::new("./claims/a.837")), "claims/a.837");
        assert_eq!(normalized(Path::new("claims/./a.837")), "claims/a.837");
        assert_eq!(normalized(Path::new("/srv/claims/a.837")), "/srv/claims/a.837");
    }

    #[test]
    fn the_hash_is_stable() {
        // FNV-1a's published test vectors: a baseline written today must match tomorrow.
        assert_eq!(short_hash(""), "cbf29ce484222325");
        assert_eq!(short_hash("a"), "af63dc4c8601ec8c");
    }

    #[test]
    fn each_entry_absorbs_one_finding() {
        let key = FindingKey {
            file: "a.837".into(),
            rule: "segment-count".into(),
            claim: String::new(),
            procedure: String::new(),
            segment: "SE".into(),
            text: short_hash("SE*27*0001"),
        };
        let mut baseline = Baseline::default();
        baseline.remaining.insert(key.clone(), 1);
        assert!(baseline.absorbs(&key));
        assert!(!baseline.absorbs(&key), "a second identical finding is new");
        assert_eq!(baseline.stale(), 0);
    }
}
