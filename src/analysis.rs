//! One analysis of one text: the parsed file, every rule's findings, and a rope of the
//! same text for position conversion. The CLI and the server both go through here.

use std::sync::OnceLock;

use ropey::Rope;

use crate::config::{self, Environment, LoadedSettings, SettingsSources};
use crate::diagnostic::Diagnostic;
use crate::model::{Billing, ClaimFile, Subject};
use crate::rules::{self, Rule};

pub struct Analysis {
    pub file: ClaimFile,
    /// The neutral claims and lines the drug-line and modifier rules read.
    pub billing: Billing,
    pub diagnostics: Vec<Diagnostic>,
    /// Built only when positions are needed: a clean 10 MB batch never pays for it.
    rope: OnceLock<Rope>,
}

/// Loads settings for the server and the CLI alike (see [`config::load`]), checking the
/// rule ids they name against the rules.
pub fn load_settings(sources: SettingsSources<'_>) -> LoadedSettings {
    config::load(sources, rules::scope_of)
}

impl Analysis {
    /// Analyses text whose rope the caller already has (the server's document store).
    pub fn new(text: String, rope: Rope, environment: &Environment) -> Self {
        let analysis = Self::of_text(text, environment);
        let _ = analysis.rope.set(rope);
        analysis
    }

    pub fn of_text(text: String, environment: &Environment) -> Self {
        if text.len() < rules::PARALLEL_FROM_BYTES {
            let file = ClaimFile::parse(text);
            let billing = Billing::from_x12(&file);
            let diagnostics = rules::check(Subject::x12(&file, &billing), environment);
            return Self { file, billing, diagnostics, rope: OnceLock::new() };
        }
        // A large file: the rules that read only the syntax tree run on a second core
        // while this one builds the claim structure; then the rest run on both.
        let (tree_rules, model_rules): (Vec<&'static Rule>, Vec<&'static Rule>) =
            rules::ALL.iter().copied().partition(|rule| rule.reads_tree_only);
        let mut file = ClaimFile::unstructured(text);
        let no_billing = Billing::default();
        let (structure, mut diagnostics) = std::thread::scope(|scope| {
            let early =
                scope.spawn(|| rules::check_on_this_thread(Subject::x12(&file, &no_billing), environment, &tree_rules));
            let structure = file.structure();
            let early = early.join().unwrap_or_else(|_| {
                tracing::error!("a rule failed; its findings are missing from this check");
                Vec::new()
            });
            (structure, early)
        });
        file.set_structure(structure);
        let billing = Billing::from_x12(&file);
        diagnostics.extend(rules::check_some(Subject::x12(&file, &billing), environment, &model_rules));
        rules::sort(&mut diagnostics);
        Self { file, billing, diagnostics, rope: OnceLock::new() }
    }

    /// What rules and fixes read of this analysis.
    pub fn subject(&self) -> Subject<'_> {
        Subject::x12(&self.file, &self.billing)
    }

    /// The text as a rope, for converting byte offsets to lines and columns.
    pub fn rope(&self) -> &Rope {
        self.rope.get_or_init(|| Rope::from_str(&self.file.text))
    }
}
