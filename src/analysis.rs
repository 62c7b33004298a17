//! One analysis of one text: the parsed file, every rule's findings, and a rope of the
//! same text for position conversion. The CLI and the server both go through here.

use std::sync::{Arc, OnceLock};

use ropey::Rope;

use crate::codes::CodeTable;
use crate::config::{MueTable, Settings};
use crate::diagnostic::Diagnostic;
use crate::model::ClaimFile;
use crate::rules::{self, Rule};
use crate::text::{read_capped, TABLE_LIMIT};

pub struct Analysis {
    pub file: ClaimFile,
    pub diagnostics: Vec<Diagnostic>,
    /// Built only when positions are needed: a clean 10 MB batch never pays for it.
    rope: OnceLock<Rope>,
}

/// What every analysis needs besides the text: settings and the data files they name.
#[derive(Clone, Default)]
pub struct Environment {
    pub settings: Settings,
    /// A user's newer HCPCS file; `None` uses the built-in 2026 table.
    pub code_file: Option<Arc<CodeTable>>,
    /// A user's CMS MUE table; `None` means no MUE limits are known.
    pub mue: Option<Arc<MueTable>>,
}

impl Environment {
    /// Loads the files the settings name. A file that cannot be read or parsed — or is
    /// not a regular file, or is past the 64 MB cap for code tables — gives a message
    /// and leaves the built-in table (or no MUE limits) in place.
    pub fn load(settings: Settings) -> (Environment, Vec<String>) {
        let mut messages = Vec::new();
        let code_file = settings.hcpcs_file.as_deref().and_then(|path| {
            let name = file_name(path);
            let table = read_capped(path, TABLE_LIMIT)
                .map_err(|refused| refused.to_string())
                .and_then(|bytes| CodeTable::from_anweb(&crate::text::decode(&bytes)).map_err(|e| e.to_string()));
            match table {
                Ok(table) => Some(Arc::new(table)),
                Err(error) => {
                    messages.push(format!("codeTables.hcpcsFile {name}: {error}; using the built-in HCPCS 2026 table"));
                    None
                }
            }
        });
        let mue = settings.mue_file.as_deref().and_then(|path| {
            let name = file_name(path);
            let table = read_capped(path, TABLE_LIMIT)
                .map_err(|refused| refused.to_string())
                .and_then(|bytes| MueTable::from_csv(&crate::text::decode(&bytes)).map_err(|e| e.to_string()));
            match table {
                Ok(table) => Some(Arc::new(table)),
                Err(error) => {
                    messages.push(format!("mueFile {name}: {error}; MUE limits are not checked"));
                    None
                }
            }
        });
        (Environment { settings, code_file, mue }, messages)
    }

    pub fn codes(&self) -> &CodeTable {
        self.code_file.as_deref().unwrap_or_else(|| crate::codes::builtin())
    }
}

/// Only the file name goes into messages: full paths can name patients or clients.
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| "(file)".to_string(), |n| n.to_string_lossy().into_owned())
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
            let diagnostics = rules::check(&file, environment);
            return Self { file, diagnostics, rope: OnceLock::new() };
        }
        // A large file: the rules that read only the syntax tree run on a second core
        // while this one builds the claim structure; then the rest run on both.
        let (tree_rules, model_rules): (Vec<&'static Rule>, Vec<&'static Rule>) =
            rules::ALL.iter().copied().partition(|rule| rules::reads_tree_only(rule));
        let mut file = ClaimFile::unstructured(text);
        let (structure, mut diagnostics) = std::thread::scope(|scope| {
            let early = scope.spawn(|| rules::check_on_this_thread(&file, environment, &tree_rules));
            let structure = file.structure();
            let early = early.join().unwrap_or_else(|_| {
                tracing::error!("a rule failed; its findings are missing from this check");
                Vec::new()
            });
            (structure, early)
        });
        file.set_structure(structure);
        diagnostics.extend(rules::check_some(&file, environment, &model_rules));
        rules::sort(&mut diagnostics);
        Self { file, diagnostics, rope: OnceLock::new() }
    }

    /// The text as a rope, for converting byte offsets to lines and columns.
    pub fn rope(&self) -> &Rope {
        self.rope.get_or_init(|| Rope::from_str(&self.file.text))
    }
}
