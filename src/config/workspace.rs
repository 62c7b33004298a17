//! The workspace file `.claim-lsp.json`, with editor settings laid on top, and the
//! problems in it located so editors can underline them.

use std::path::Path;

use serde_json::Value;

use super::{RuleCatalog, Settings};
use crate::syntax::Span;

pub const CONFIG_FILE_NAME: &str = ".claim-lsp.json";

/// A problem in the config file, at a byte range of its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    pub span: Span,
    pub message: String,
}

#[derive(Debug)]
pub struct ResolvedSettings {
    pub settings: Settings,
    /// Problems in the workspace file, for diagnostics on that file.
    pub file_problems: Vec<ConfigProblem>,
    /// Problems in the editor's settings, for a message to the user.
    pub editor_warnings: Vec<String>,
}

/// Reads the workspace file (its path and text) and the editor's settings; the
/// editor's values win key by key. Never fails: a broken file counts as empty.
pub fn resolve(file: Option<(&Path, &str)>, editor: &Value, catalog: RuleCatalog) -> ResolvedSettings {
    let mut file_problems = Vec::new();
    let mut file_value = Value::Null;
    let folder = file.map(|(path, _)| path.parent().unwrap_or(Path::new("")));
    if let Some((path, text)) = file {
        // A UTF-8 BOM stays in decoded text (U+FEFF); JSON does not allow it, editors
        // write it. Spans stay offsets into the whole text.
        let json = text.strip_prefix('\u{feff}').unwrap_or(text);
        let bom = text.len() - json.len();
        match serde_json::from_str::<Value>(json) {
            Ok(value) => {
                let (_, warnings) = Settings::from_json(&value, folder, catalog);
                file_problems.extend(warnings.into_iter().map(|message| locate(text, message)));
                file_value = value;
            }
            Err(error) => {
                let offset = bom + offset_of(json, error.line(), error.column());
                // The file's own name (`--config`, `configFile`), never its folders.
                let name = path.file_name().map_or_else(|| CONFIG_FILE_NAME.into(), |n| n.to_string_lossy());
                file_problems.push(ConfigProblem {
                    span: Span::new(offset, next_char_end(text, offset)),
                    message: format!("{name} is not valid JSON: {error}; using the defaults"),
                });
            }
        }
    }
    let (_, editor_warnings) = Settings::from_json(editor, None, catalog);
    let mut merged = file_value;
    merge(&mut merged, editor);
    let (settings, _) = Settings::from_json(&merged, folder, catalog);
    ResolvedSettings { settings, file_problems, editor_warnings }
}

/// Lays `top` over `base`, object key by object key.
fn merge(base: &mut Value, top: &Value) {
    match (base, top) {
        (Value::Object(base), Value::Object(top)) => {
            for (key, value) in top {
                merge(base.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (_, Value::Null) => {}
        (base, top) => *base = top.clone(),
    }
}

/// Places a warning on the setting it names: the last dotted or back-quoted name in the
/// message that appears as a key in the file; else the file's first character.
fn locate(text: &str, message: String) -> ConfigProblem {
    let names = message
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| c == '`' || c == ';' || c == ',' || c == ':'))
        .filter(|word| !word.is_empty())
        .filter_map(|word| word.rsplit('.').next().filter(|last| !last.is_empty()).map(str::to_string))
        .collect::<Vec<_>>();
    let span = names
        .iter()
        .rev()
        .find_map(|name| text.find(&format!("\"{name}\"")).map(|at| Span::new(at, at + name.len() + 2)))
        .unwrap_or_else(|| Span::new(0, next_char_end(text, 0)));
    ConfigProblem { span, message }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text.get(offset..).and_then(|rest| rest.chars().next()).map_or(offset, |c| offset + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn editor_settings_win_and_file_problems_are_located() {
        let text = r#"{
  "rules": {"segment-count": "loud", "lx-sequence": "warning"},
  "payerClasses": {"CI": {"unitLimits": {"J2700": 8}}}
}"#;
        let resolved = resolve(
            Some((Path::new("/ws/.claim-lsp.json"), text)),
            &json!({"rules": {"lx-sequence": "off"}}),
            crate::rules::scope_of,
        );
        assert_eq!(resolved.settings.rules.get("lx-sequence"), Some(&super::super::RuleLevel::Off));
        assert_eq!(resolved.settings.policy_for(Some("CI"), None).unit_limits.get("J2700"), Some(&8));
        assert_eq!(resolved.file_problems.len(), 1);
        let problem = &resolved.file_problems[0];
        assert_eq!(problem.span.text(text), "\"segment-count\"");
    }

    #[test]
    fn broken_json_is_a_problem_at_its_position_not_a_failure() {
        let text = "{\n  \"rules\": {,}\n}";
        let resolved = resolve(Some((Path::new("/ws/.claim-lsp.json"), text)), &Value::Null, crate::rules::scope_of);
        assert_eq!(resolved.settings, Settings::default());
        assert_eq!(resolved.file_problems.len(), 1);
        assert_eq!(resolved.file_problems[0].span.text(text), ",");
    }

    #[test]
    fn a_utf8_bom_is_allowed_and_problems_name_the_file_read() {
        let text = "\u{feff}{\"rules\": {\"lx-sequence\": \"off\", \"bogus-rule\": \"off\"}}";
        let resolved = resolve(Some((Path::new("/ws/team.json"), text)), &Value::Null, crate::rules::scope_of);
        assert_eq!(resolved.settings.rules.get("lx-sequence"), Some(&super::super::RuleLevel::Off));
        assert_eq!(resolved.file_problems.len(), 1, "{:?}", resolved.file_problems);
        assert!(resolved.file_problems[0].message.contains("bogus-rule"), "{:?}", resolved.file_problems);

        let text = "\u{feff}{\n  \"rules\": {,}\n}";
        let resolved = resolve(Some((Path::new("/ws/team.json"), text)), &Value::Null, crate::rules::scope_of);
        assert_eq!(resolved.file_problems.len(), 1);
        assert_eq!(resolved.file_problems[0].span.text(text), ",", "the span counts the BOM");
        let message = &resolved.file_problems[0].message;
        assert!(message.starts_with("team.json is not valid JSON"), "{message}");
        assert!(!message.contains("/ws"), "{message}");
    }
}
