//! One analysis of one text: the parsed file, every rule's findings, and a rope of the
//! same text for position conversion. The CLI and the server both go through here.

use std::sync::Arc;

use ropey::Rope;

use crate::codes::CodeTable;
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::model::ClaimFile;

pub struct Analysis {
    pub file: ClaimFile,
    pub diagnostics: Vec<Diagnostic>,
    pub rope: Rope,
}

/// What every analysis needs besides the text.
#[derive(Clone, Default)]
pub struct Environment {
    pub settings: Settings,
    /// A user's newer HCPCS file; `None` uses the built-in 2026 table.
    pub code_file: Option<Arc<CodeTable>>,
}

impl Environment {
    pub fn codes(&self) -> &CodeTable {
        self.code_file.as_deref().unwrap_or_else(|| crate::codes::builtin())
    }
}

impl Analysis {
    pub fn new(text: String, rope: Rope, environment: &Environment) -> Self {
        let file = ClaimFile::parse(text);
        let diagnostics = crate::rules::check(&file, environment);
        Self { file, diagnostics, rope }
    }

    pub fn of_text(text: String, environment: &Environment) -> Self {
        let rope = Rope::from_str(&text);
        Self::new(text, rope, environment)
    }
}
