//! What every analysis needs besides the text: the settings and the data files they name
//! (a user's HCPCS table, a CMS MUE table, CMS's NDC–HCPCS crosswalk), loaded once per settings change.

use std::sync::Arc;

use super::{MueTable, NdcCrosswalk, Settings};
use crate::codes::CodeTable;
use crate::text::{read_capped, TABLE_LIMIT};

/// What every analysis needs besides the text: settings and the data files they name.
#[derive(Clone, Default)]
pub struct Environment {
    pub settings: Settings,
    /// A user's newer HCPCS file; `None` uses the built-in 2026 table.
    pub code_file: Option<Arc<CodeTable>>,
    /// A user's CMS MUE table; `None` means no MUE limits are known.
    pub mue: Option<Arc<MueTable>>,
    /// A user's CMS ASP NDC–HCPCS crosswalk; `None` means NDCs are not matched to codes.
    pub crosswalk: Option<Arc<NdcCrosswalk>>,
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
        let crosswalk = settings.ndc_crosswalk_file.as_deref().and_then(|path| {
            let name = file_name(path);
            let table = read_capped(path, TABLE_LIMIT)
                .map_err(|refused| refused.to_string())
                .and_then(|bytes| NdcCrosswalk::from_csv(&crate::text::decode(&bytes)));
            match table {
                Ok(table) => Some(Arc::new(table)),
                Err(error) => {
                    messages.push(format!(
                        "ndcCrosswalkFile {name}: {error}; NDCs are not checked against the CMS crosswalk"
                    ));
                    None
                }
            }
        });
        (Environment { settings, code_file, mue, crosswalk }, messages)
    }

    pub fn codes(&self) -> &CodeTable {
        self.code_file.as_deref().unwrap_or_else(|| crate::codes::builtin())
    }
}

/// Only the file name goes into messages: full paths can name patients or clients.
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| "(file)".to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_crosswalk_is_reported_by_file_name_only() {
        let folder = std::env::temp_dir().join(format!("claim-lsp-patient-folder-{}", std::process::id()));
        let settings = Settings { ndc_crosswalk_file: Some(folder.join("crosswalk.csv")), ..Settings::default() };
        let (environment, messages) = Environment::load(settings);
        assert!(environment.crosswalk.is_none());
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].starts_with("ndcCrosswalkFile crosswalk.csv: "), "{}", messages[0]);
        assert!(messages[0].ends_with("; NDCs are not checked against the CMS crosswalk"), "{}", messages[0]);
        assert!(!messages[0].contains("patient-folder"), "no folder in the message: {}", messages[0]);
    }

    #[test]
    fn a_crosswalk_file_loads_into_the_environment() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/rules/ndc-not-for-code/cms/asp-ndc-hcpcs-crosswalk.csv");
        let settings = Settings { ndc_crosswalk_file: Some(path), ..Settings::default() };
        let (environment, messages) = Environment::load(settings);
        assert!(messages.is_empty(), "{messages:?}");
        let crosswalk = environment.crosswalk.expect("loaded");
        assert_eq!(crosswalk.entry("99999006004", "J9035").map(|e| e.drug_name.as_str()), Some("EXAMPLIZUMAB"));
    }
}
