//! One analysis of one text: the parsed file, every rule's findings, and a rope of the
//! same text for position conversion. The CLI and the server both go through here.

use std::sync::OnceLock;

use ropey::Rope;

use crate::config::{self, Environment, LoadedSettings, SettingsSources};
use crate::diagnostic::Diagnostic;
use crate::model::{Billing, ChargeFile, ClaimFile, Subject};
use crate::rules::{self, Reads, Rule};

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
        let billing = Billing::from_charges(&charges);
        let file = ClaimFile::default();
        let diagnostics = if charges.is_charges() {
            rules::check(Subject::charges(&charges, &billing, &file), environment)
        } else {
            Vec::new()
        };
        Self { file, charges: Some(charges), billing, diagnostics, rope: OnceLock::new() }
    }

    /// Analyses an 837.
    pub fn of_text(text: String, environment: &Environment) -> Self {
        if text.len() < rules::PARALLEL_FROM_BYTES {
            let file = ClaimFile::parse(text);
            let billing = Billing::from_x12(&file);
            let diagnostics = rules::check(Subject::x12(&file, &billing), environment);
            return Self { file, charges: None, billing, diagnostics, rope: OnceLock::new() };
        }
        // A large file: each group of rules runs on a second core as soon as what it reads
        // is built, while this core builds the next thing: the claim structure while the
        // tree rules run, the billing view while the structure rules run; then the
        // billing rules run on both.
        // The implementation-guide pass is the longest single piece of work: it gets a
        // thread of its own from the moment the claim structure is built to the end.
        let is_guide = |rule: &&'static Rule| rules::implementation_guide::RULES.iter().any(|g| g.id == rule.id);
        let reading = |reads: Reads| {
            rules::ALL.iter().copied().filter(move |rule| rule.reads == reads && !is_guide(rule)).collect()
        };
        let (tree_rules, model_rules, billing_rules): (Vec<&'static Rule>, Vec<_>, Vec<_>) =
            (reading(Reads::Tree), reading(Reads::Model), reading(Reads::Billing));
        let guide_rules: Vec<&'static Rule> = rules::implementation_guide::RULES.to_vec();
        let mut file = ClaimFile::unstructured(text);
        let no_billing = Billing::default();
        let (structure, mut diagnostics) = std::thread::scope(|scope| {
            let early =
                scope.spawn(|| rules::check_on_this_thread(Subject::x12(&file, &no_billing), environment, &tree_rules));
            let structure = file.structure();
            (structure, joined(early))
        });
        file.set_structure(structure);
        let (billing, later) = std::thread::scope(|scope| {
            let file = &file;
            let guide =
                scope.spawn(|| rules::check_on_this_thread(Subject::x12(file, &no_billing), environment, &guide_rules));
            let (billing, mut later) = std::thread::scope(|scope| {
                let structural = scope
                    .spawn(|| rules::check_on_this_thread(Subject::x12(file, &no_billing), environment, &model_rules));
                let billing = Billing::from_x12(file);
                (billing, joined(structural))
            });
            later.extend(rules::check_some(Subject::x12(file, &billing), environment, &billing_rules));
            later.extend(joined(guide));
            (billing, later)
        });
        diagnostics.extend(later);
        rules::sort(&mut diagnostics);
        Self { file, charges: None, billing, diagnostics, rope: OnceLock::new() }
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
