//! One analysis of one text: the parsed file, every rule's findings, and a rope of the
//! same text for position conversion. The CLI and the server both go through here.

mod charge_incremental;
mod incremental;
pub mod memory;

use std::sync::OnceLock;

use ropey::Rope;

use crate::config::{self, Environment, LoadedSettings, SettingsSources};
use crate::diagnostic::Diagnostic;
use crate::model::{Billing, ChargeFile, ClaimFile, Subject};
use crate::rules::{self, Reads, Rule};

pub use incremental::{GuideUpdate, IncrementalCheck, Text, TextChange, Update};

pub struct Analysis {
    /// The 837 (empty for a charge file).
    pub file: ClaimFile,
    /// The charge file, when that is what was analysed.
    pub charges: Option<ChargeFile>,
    /// The neutral claims and lines the drug-line and modifier rules read.
    pub billing: Billing,
    pub diagnostics: Vec<Diagnostic>,
    /// Built only when positions are needed: a clean 10 MB batch never pays for it.
    rope: OnceLock<Rope>,
    /// The implementation-guide pass's state after each `HL` (by segment index), when the
    /// pass ran on its own: where the incremental check re-runs it from after an edit.
    guide_checkpoints: Vec<(crate::syntax::SegmentIndex, crate::guide::Checkpoint)>,
}

/// What kind of file a text is: a charge file by its name (`.csv`, `.tsv`) unless its
/// text is an interchange, else an 837.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    X12,
    /// A CSV or TSV file; its name (without folders) lets `*.charges.csv` count as a
    /// charge file whatever its content.
    Charges {
        file_name: Option<String>,
    },
}

impl DocumentKind {
    pub fn of(file_name: Option<&str>, text: &str) -> Self {
        let extension = file_name.and_then(|name| name.rsplit_once('.')).map(|(_, ext)| ext.to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv" | "tsv") if !crate::text::looks_like_x12(text) => {
                DocumentKind::Charges { file_name: file_name.map(str::to_string) }
            }
            _ => DocumentKind::X12,
        }
    }
}

/// Loads settings for the server and the CLI alike (see [`config::load`]), checking the
/// rule ids they name against the rules.
pub fn load_settings(sources: SettingsSources<'_>) -> LoadedSettings {
    config::load(sources, rules::scope_of)
}

/// A rule thread's findings; a rule that panicked loses its findings, not the check.
fn joined(thread: std::thread::ScopedJoinHandle<'_, Vec<Diagnostic>>) -> Vec<Diagnostic> {
    thread.join().unwrap_or_else(|_| {
        tracing::error!("a rule failed; its findings are missing from this check");
        Vec::new()
    })
}

/// The billing view of a large 837, each half of its claims built on its own core.
fn billing_on_two_threads(file: &ClaimFile) -> Billing {
    let claims = Billing::x12_claim_count(file);
    let half = claims / 2;
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| Billing::x12_part(file, half..claims));
        let first = Billing::x12_part(file, 0..half);
        (first, second.join())
    });
    let second = second.unwrap_or_else(|_| {
        tracing::error!("building the billing view on a second thread failed; building it again on this one");
        Billing::x12_part(file, half..claims)
    });
    Billing::from_x12_parts(vec![first, second])
}

type GuideResult = (Vec<crate::guide::GuideFinding>, Vec<(crate::syntax::SegmentIndex, crate::guide::Checkpoint)>);

/// The implementation-guide pass over a large file: a file of several transactions is
/// cut in two runs, the second validated on a thread of its own, so the pass does not
/// finish alone on one core after the other rules.
fn guide_on_two_threads<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    text: &'scope str,
    tree: &'scope crate::syntax::SyntaxTree,
) -> GuideResult {
    let mut runs = crate::guide::transaction_runs(text, tree, 2).into_iter();
    let Some(first) = runs.next() else { return (Vec::new(), Vec::new()) };
    let second = runs.next().map(|run| scope.spawn(move || crate::guide::validate_run(text, tree, &run)));
    let (mut findings, mut checkpoints) = crate::guide::validate_run(text, tree, &first);
    if let Some(second) = second {
        let (more_findings, more_checkpoints) = second.join().unwrap_or_else(|_| {
            tracing::error!(
                "the implementation-guide pass failed on a second thread; its findings are missing from this check"
            );
            (Vec::new(), Vec::new())
        });
        findings.extend(more_findings);
        checkpoints.extend(more_checkpoints);
    }
    (findings, checkpoints)
}

impl Analysis {
    /// Analyses text whose rope the caller already has (the server's document store).
    pub fn new(text: String, rope: Rope, kind: &DocumentKind, environment: &Environment) -> Self {
        let analysis = Self::of_document(text, kind, environment);
        let _ = analysis.rope.set(rope);
        analysis
    }

    /// Analyses a file of the given kind.
    pub fn of_document(text: String, kind: &DocumentKind, environment: &Environment) -> Self {
        match kind {
            DocumentKind::X12 => Self::of_text(text, environment),
            DocumentKind::Charges { file_name } => Self::of_charges(text, file_name.as_deref(), environment),
        }
    }

    /// Analyses a charge file; any other CSV gets no findings.
    pub fn of_charges(text: String, file_name: Option<&str>, environment: &Environment) -> Self {
        let charges = ChargeFile::parse(text, file_name);
        let file = ClaimFile::default();
        if !charges.is_charges() {
            let billing = Billing::from_charges(&charges);
            return Self::of_charge_parts(charges, billing, Vec::new());
        }
        if charges.text.len() < rules::PARALLEL_FROM_BYTES {
            let billing = Billing::from_charges(&charges);
            let diagnostics = rules::check(Subject::charges(&charges, &billing, &file), environment);
            return Self::of_charge_parts(charges, billing, diagnostics);
        }
        // A large file: the cell rules (invalid-*, csv-*) read only the table; they run on
        // the second core while this one builds the billing view the other rules read.
        let (cell_rules, billing_rules): (Vec<&'static Rule>, Vec<&'static Rule>) =
            rules::ALL.iter().copied().partition(|rule| rule.reads != Reads::Billing);
        let no_billing = Billing::default();
        let (billing, mut diagnostics) = std::thread::scope(|scope| {
            let early = scope.spawn(|| {
                rules::check_on_this_thread(Subject::charges(&charges, &no_billing, &file), environment, &cell_rules)
            });
            let billing = Billing::from_charges(&charges);
            (billing, joined(early))
        });
        diagnostics.extend(rules::check_some(Subject::charges(&charges, &billing, &file), environment, &billing_rules));
        rules::sort(&mut diagnostics);
        Self::of_charge_parts(charges, billing, diagnostics)
    }

    /// A charge file's analysis from its parts (it has no 837 tree, and no guide pass).
    fn of_charge_parts(charges: ChargeFile, billing: Billing, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            file: ClaimFile::default(),
            charges: Some(charges),
            billing,
            diagnostics,
            rope: OnceLock::new(),
            guide_checkpoints: Vec::new(),
        }
    }

    /// Analyses an 837.
    pub fn of_text(text: String, environment: &Environment) -> Self {
        if text.len() < rules::PARALLEL_FROM_BYTES {
            let file = ClaimFile::parse(text);
            let billing = Billing::from_x12(&file);
            let diagnostics = rules::check(Subject::x12(&file, &billing), environment);
            return Self {
                file,
                charges: None,
                billing,
                diagnostics,
                rope: OnceLock::new(),
                guide_checkpoints: Vec::new(),
            };
        }
        // A large file: the implementation-guide pass runs on a thread of its own from
        // start to end (it reads only the syntax tree). Beside it, the rules that read only
        // the tree run on a second core while this one builds the claim structure; then
        // both cores build half of the billing view each; then every other rule runs on both.
        let (guide_rules, rest): (Vec<&'static Rule>, Vec<&'static Rule>) =
            rules::ALL.iter().copied().partition(|rule| rule.reads == Reads::Guide);
        let (tree_rules, mut other_rules): (Vec<&'static Rule>, Vec<&'static Rule>) =
            rest.into_iter().partition(|rule| rule.reads == Reads::Tree);
        // The rules that need no line facts first: the second core starts on them while
        // this one reads the lines' codes.
        other_rules.sort_by_key(|rule| rule.reads != Reads::Model);
        let guide_on = guide_rules.iter().any(|rule| rules::may_report(rule, &environment.settings));
        let mut file = ClaimFile::unstructured(text);
        let no_billing = Billing::default();
        let (billing, mut diagnostics, guide_findings) = std::thread::scope(|scope| {
            // Borrows only the text and tree, so the structure can be put in place meanwhile.
            let (text, tree) = (&file.text, &file.tree);
            let guide_pass = guide_on.then(|| scope.spawn(move || guide_on_two_threads(scope, text, tree)));
            let (structure, mut diagnostics) = std::thread::scope(|inner| {
                let early = inner
                    .spawn(|| rules::check_on_this_thread(Subject::x12(&file, &no_billing), environment, &tree_rules));
                let structure = file.structure();
                (structure, joined(early))
            });
            file.interchanges = structure.interchanges;
            file.readings = structure.readings;
            let billing = billing_on_two_threads(&file);
            diagnostics.extend(rules::check_some(Subject::x12(&file, &billing), environment, &other_rules));
            let guide_findings = guide_pass.map(|pass| {
                pass.join().unwrap_or_else(|_| {
                    tracing::error!("the implementation-guide pass failed; its findings are missing from this check");
                    (Vec::new(), Vec::new())
                })
            });
            (billing, diagnostics, guide_findings)
        });
        let mut guide_checkpoints = Vec::new();
        if let Some((findings, checkpoints)) = guide_findings {
            guide_checkpoints = checkpoints;
            diagnostics.extend(rules::check_with_guide_findings(
                Subject::x12(&file, &billing),
                environment,
                &guide_rules,
                findings,
            ));
        }
        rules::sort(&mut diagnostics);
        Self { file, charges: None, billing, diagnostics, rope: OnceLock::new(), guide_checkpoints }
    }

    /// What rules and fixes read of this analysis.
    pub fn subject(&self) -> Subject<'_> {
        match &self.charges {
            Some(charges) => Subject::charges(charges, &self.billing, &self.file),
            None => Subject::x12(&self.file, &self.billing),
        }
    }

    /// The analysed text, taken out of the analysis.
    pub fn into_text(self) -> String {
        match self.charges {
            Some(charges) => charges.text,
            None => self.file.text,
        }
    }

    /// The analysed text.
    pub fn text(&self) -> &str {
        self.charges.as_ref().map_or(&self.file.text, |charges| &charges.text)
    }

    /// What kind of file this was, to analyse a changed text the same way.
    pub fn kind(&self) -> DocumentKind {
        match &self.charges {
            Some(charges) => DocumentKind::Charges { file_name: charges.file_name.clone() },
            None => DocumentKind::X12,
        }
    }

    /// The text as a rope, for converting byte offsets to lines and columns.
    pub fn rope(&self) -> &Rope {
        self.rope.get_or_init(|| Rope::from_str(self.text()))
    }
}
