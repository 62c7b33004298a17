//! User settings: rule severities from editor settings, `initializationOptions` or the CLI.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::Severity;

/// What a user may set a rule to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

impl RuleLevel {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "off" => Self::Off,
            "error" => Self::On(Severity::Error),
            "warning" => Self::On(Severity::Warning),
            "info" | "information" => Self::On(Severity::Info),
            "hint" => Self::On(Severity::Hint),
            _ => return None,
        })
    }
}

/// Settings that change what the checker reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Per-rule overrides by rule id.
    pub rules: BTreeMap<String, RuleLevel>,
}

impl Settings {
    /// Reads `{"rules": {"segment-count": "off", …}}`. Anything unusable is skipped with a
    /// warning for the user; the rest still applies. Warnings never quote values from
    /// claim files (settings hold none), but stay short anyway.
    pub fn from_json(value: &Value) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut warnings = Vec::new();
        let Some(object) = value.as_object() else {
            if !value.is_null() {
                warnings.push("claim-lsp settings must be a JSON object; using the defaults".to_string());
            }
            return (settings, warnings);
        };
        match object.get("rules") {
            None | Some(Value::Null) => {}
            Some(Value::Object(rules)) => {
                for (id, level) in rules {
                    if !crate::rules::is_known(id) {
                        warnings.push(format!("unknown rule id `{id}` in settings.rules; ignored"));
                        continue;
                    }
                    match level.as_str().and_then(RuleLevel::parse) {
                        Some(level) => {
                            settings.rules.insert(id.clone(), level);
                        }
                        None => warnings.push(format!(
                            "settings.rules.{id} must be one of \"off\", \"error\", \"warning\", \"info\", \"hint\"; using its default"
                        )),
                    }
                }
            }
            Some(_) => warnings.push("settings.rules must be an object of rule ids; using the defaults".to_string()),
        }
        (settings, warnings)
    }

    /// The level of a rule after the user's overrides.
    pub fn level(&self, rule_id: &str, default: Severity) -> RuleLevel {
        self.rules.get(rule_id).copied().unwrap_or(RuleLevel::On(default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_overrides_and_warns_on_bad_values() {
        let (settings, warnings) = Settings::from_json(&json!({"rules": {"segment-count": "off", "lx-sequence": "loud", "no-such-rule": "off"}}));
        assert_eq!(settings.level("segment-count", Severity::Error), RuleLevel::Off);
        assert_eq!(settings.level("lx-sequence", Severity::Error), RuleLevel::On(Severity::Error));
        assert_eq!(warnings.len(), 2);
        let (settings, warnings) = Settings::from_json(&json!({"rules": 7}));
        assert_eq!(settings, Settings::default());
        assert_eq!(warnings.len(), 1);
    }
}
