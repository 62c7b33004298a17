//! One way to load settings, for the server and the CLI alike: the config file (the one
//! the user named, or a folder's `.claim-lsp.json`), the editor's settings laid on top,
//! command-line overrides last, then the data files they name.

use std::path::PathBuf;

use serde_json::Value;

use super::{resolve, ConfigProblem, Environment, RuleCatalog};
use crate::text::{read_capped, ReadRefused, CONFIG_LIMIT};

/// Which config file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigFileChoice {
    /// Named by the user (`--config`, the `configFile` setting): it must be readable.
    Named(PathBuf),
    /// A folder's `.claim-lsp.json`: optional, so its absence is no problem.
    Default(PathBuf),
}

/// Where settings come from.
pub struct SettingsSources<'a> {
    pub config_file: Option<ConfigFileChoice>,
    /// The editor's settings (`initializationOptions`, `didChangeConfiguration`); `Null`
    /// for the CLI.
    pub editor: &'a Value,
    /// `--hcpcs-file`: wins over `codeTables.hcpcsFile`.
    pub hcpcs_file: Option<PathBuf>,
}

/// Settings and tables ready for analysis, with everything the user should hear of.
pub struct LoadedSettings {
    pub environment: Environment,
    /// The config file that was read, its text, and the problems located in it.
    pub config_file: Option<(PathBuf, String, Vec<ConfigProblem>)>,
    /// A config file that exists (or was named) but could not be read: missing (when
    /// named), not a regular file (a FIFO would block), or past the 1 MB cap.
    pub unreadable: Option<(PathBuf, ReadRefused)>,
    /// Problems in the editor's settings and in the data files they name.
    pub messages: Vec<String>,
}

/// Reads and merges every source. Never fails: what cannot be used is reported and
/// the rest applies.
pub fn load(sources: SettingsSources<'_>, catalog: RuleCatalog) -> LoadedSettings {
    let mut unreadable = None;
    let read = sources.config_file.and_then(|choice| {
        let (path, named) = match choice {
            ConfigFileChoice::Named(path) => (path, true),
            ConfigFileChoice::Default(path) => (path, false),
        };
        match read_capped(&path, CONFIG_LIMIT) {
            Ok(bytes) => Some((path, crate::text::decode(&bytes))),
            // The default file is optional; a file the user named is not.
            Err(ReadRefused::Io(error)) if !named && error.kind() == std::io::ErrorKind::NotFound => None,
            Err(refused) => {
                unreadable = Some((path, refused));
                None
            }
        }
    });
    // Relative paths inside the file are relative to the file's own folder.
    let file = read.as_ref().map(|(path, text)| (path.as_path(), text.as_str()));
    let resolved = resolve(file, sources.editor, catalog);
    let mut settings = resolved.settings;
    if let Some(path) = sources.hcpcs_file {
        settings.hcpcs_file = Some(path);
    }
    let (environment, data_messages) = Environment::load(settings);
    let mut messages = resolved.editor_warnings;
    messages.extend(data_messages);
    let config_file = read.map(|(path, text)| (path, text, resolved.file_problems));
    LoadedSettings { environment, config_file, unreadable, messages }
}
