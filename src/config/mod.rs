//! User settings: rule severities, payer policy and data files, from editor settings,
//! `initializationOptions`, a workspace `.claim-lsp.json` or the CLI's `--config`.
//!
//! Reading never fails: anything unusable becomes a warning for the user and the rest
//! still applies. Warnings quote setting names, never values from claim files.

mod crosswalk;
mod environment;
mod load;
mod mue;
mod policy;
mod workspace;

pub use crosswalk::{CrosswalkEntry, NdcCrosswalk};
pub use environment::Environment;
pub use load::{load, ConfigFileChoice, LoadedSettings, SettingsSources};
pub use mue::{MueAdjudication, MueLimit, MueTable};
pub use policy::{PayerPolicy, PolicyLayer};
pub use workspace::{resolve, ConfigProblem, ResolvedSettings, CONFIG_FILE_NAME};

/// How many findings the server publishes per document unless `maxDiagnostics` says.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 5_000;

/// The editor's `maxDiagnostics` setting: the most findings the server publishes per
/// document (a batch with 120,000 would freeze an editor); a non-number means the default.
pub fn max_diagnostics(editor: &serde_json::Value) -> usize {
    editor
        .get("maxDiagnostics")
        .and_then(serde_json::Value::as_u64)
        .map_or(DEFAULT_MAX_DIAGNOSTICS, |max| usize::try_from(max).unwrap_or(usize::MAX))
}

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostic::Severity;

/// Where a rule reports: on a claim, whose payer policy may set the rule's level, or on
/// the file or a transaction, where only the top-level `rules` setting applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleScope {
    Claim,
    File,
}

/// What reading settings needs to know of a rule id: whether it exists, and its scope.
/// The rules sit above this layer and hand it in (`rules::scope_of`).
pub type RuleCatalog = fn(&str) -> Option<RuleScope>;

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
    /// Rule levels for every claim (payer layers may override them).
    pub rules: BTreeMap<String, RuleLevel>,
    /// Policy for every payer.
    pub policy: PolicyLayer,
    /// Policy by SBR09 claim filing indicator (`MB`, `MC`, `CI` …).
    pub payer_classes: BTreeMap<String, PolicyLayer>,
    /// Policy by payer id (2010BB NM109).
    pub payers: BTreeMap<String, PolicyLayer>,
    /// A CMS ANWEB fixed-width file that replaces the built-in HCPCS table.
    pub hcpcs_file: Option<PathBuf>,
    /// A CMS practitioner MUE table (CSV as published).
    pub mue_file: Option<PathBuf>,
    /// CMS's ASP NDC–HCPCS crosswalk (CSV as published).
    pub ndc_crosswalk_file: Option<PathBuf>,
}

impl Settings {
    /// Reads settings JSON. Relative paths resolve against `base` (the config file's
    /// folder), else the current directory.
    pub fn from_json(value: &Value, base: Option<&Path>, catalog: RuleCatalog) -> (Settings, Vec<String>) {
        let mut reader = Reader { warnings: Vec::new(), unsaid: 0, base, catalog };
        let mut settings = Settings::default();
        let Some(object) = value.as_object() else {
            if !value.is_null() {
                reader.warn("claim-lsp settings must be a JSON object; using the defaults");
            }
            return (settings, reader.finish());
        };
        for (key, value) in object {
            match key.as_str() {
                "rules" => settings.rules = reader.rules("rules", value, RuleScope::File),
                "policy" => settings.policy = reader.layer("policy", value),
                "payerClasses" => settings.payer_classes = reader.layers("payerClasses", value),
                "payers" => settings.payers = reader.layers("payers", value),
                "codeTables" => {
                    let tables = reader.object("codeTables", value);
                    for (key, value) in tables.iter().flat_map(|m| m.iter()) {
                        match key.as_str() {
                            "hcpcsFile" => settings.hcpcs_file = reader.path("codeTables.hcpcsFile", value),
                            other => reader.warn(format!("unknown setting codeTables.{other}; ignored")),
                        }
                    }
                }
                "mueFile" => settings.mue_file = reader.path("mueFile", value),
                "ndcCrosswalkFile" => settings.ndc_crosswalk_file = reader.path("ndcCrosswalkFile", value),
                // `configFile` is read by the server before these settings (it names
                // their file); `inlayHints` and `format` are read by the server for the
                // editor features; the rest are the editor's own.
                "server" | "trace" | "configFile" | "$schema" | "inlayHints" | "format" => {}
                other => reader.warn(format!("unknown setting `{other}`; ignored")),
            }
        }
        (settings, reader.finish())
    }

    /// The level of a rule for every claim, after the user's overrides.
    pub fn level(&self, rule_id: &str, default: Severity) -> RuleLevel {
        self.rules.get(rule_id).copied().unwrap_or(RuleLevel::On(default))
    }

    /// The policy for a claim: built-in defaults, the user's defaults, the payer
    /// class, then the payer id — later layers win.
    pub fn policy_for(&self, payer_class: Option<&str>, payer_id: Option<&str>) -> PayerPolicy {
        self.policy_for_claim(payer_class, payer_id, None)
    }

    /// The policy for a claim that also states its type of bill (837I CLM05-1: `13`
    /// hospital outpatient …), which decides the built-in policy of institutional
    /// Medicare claims.
    pub fn policy_for_claim(
        &self,
        payer_class: Option<&str>,
        payer_id: Option<&str>,
        type_of_bill: Option<&str>,
    ) -> PayerPolicy {
        let mut policy = PayerPolicy::default();
        if let Some(builtin) = payer_class.and_then(|class| builtin_class_layer(class, type_of_bill)) {
            policy.apply(&builtin);
        }
        policy.rules.extend(self.rules.iter().map(|(id, level)| (id.clone(), *level)));
        policy.apply(&self.policy);
        if let Some(layer) = payer_class.and_then(|class| self.payer_classes.get(class)) {
            policy.apply(layer);
        }
        if let Some(layer) = payer_id.and_then(|id| self.payers.get(id)) {
            policy.apply(layer);
        }
        policy
    }
}

/// A warning with every long word (a key, a path) cut to [`MAX_NAME_CHARS`]
/// characters and the whole to a few lines: settings can hold megabyte-long keys.
fn shorten(message: &str) -> String {
    const MAX_MESSAGE_CHARS: usize = 400;
    let mut short = String::new();
    for (i, word) in message.split(' ').enumerate() {
        if i > 0 {
            short.push(' ');
        }
        if word.chars().count() > MAX_NAME_CHARS {
            short.extend(word.chars().take(MAX_NAME_CHARS));
            short.push('…');
        } else {
            short.push_str(word);
        }
        if short.chars().count() > MAX_MESSAGE_CHARS {
            let cut: String = short.chars().take(MAX_MESSAGE_CHARS).collect();
            return cut + "…";
        }
    }
    short
}

/// Types of bill (837I CLM05-1: facility type and bill classification, the first two
/// digits of the UB-04 type of bill) whose Medicare claims are bound by the Part B
/// discarded-drug policy: 13x hospital outpatient and 85x critical access hospital (the
/// CMS JW/JZ FAQ names hospital outpatient departments and CAHs; it excludes RHC 71x,
/// FQHC 77x and inpatient stays billed under the IPPS, 11x).
pub const OUTPATIENT_HOSPITAL_BILLS: [&str; 2] = ["13", "85"];

/// What the product assumes before the user says anything: Medicare Part B requires
/// JW/JZ (CMS, since July 2023; the rule that checks them makes that a warning) — on
/// 837P claims with SBR09 `MB`, and on hospital outpatient 837I claims, which Medicare
/// receives with SBR09 `MA` ([`OUTPATIENT_HOSPITAL_BILLS`]); Medicaid programs require
/// NDCs on drug lines (Deficit Reduction Act of 2005, section 6002, for rebates).
fn builtin_class_layer(payer_class: &str, type_of_bill: Option<&str>) -> Option<PolicyLayer> {
    let outpatient_hospital = type_of_bill.is_some_and(|bill| OUTPATIENT_HOSPITAL_BILLS.contains(&bill));
    match payer_class {
        "MB" => Some(PolicyLayer { wastage_modifiers_required: Some(true), ..PolicyLayer::default() }),
        "MA" if outpatient_hospital => {
            Some(PolicyLayer { wastage_modifiers_required: Some(true), ..PolicyLayer::default() })
        }
        "MC" => Some(PolicyLayer { ndc_required: Some(true), ..PolicyLayer::default() }),
        _ => None,
    }
}

/// At most this many warnings are kept; the rest are counted in one last warning.
const MAX_WARNINGS: usize = 20;
/// A name longer than this is cut in a warning: a key can be megabytes long.
const MAX_NAME_CHARS: usize = 60;

struct Reader<'a> {
    warnings: Vec<String>,
    /// Warnings past [`MAX_WARNINGS`], counted, not kept.
    unsaid: usize,
    base: Option<&'a Path>,
    catalog: RuleCatalog,
}

impl Reader<'_> {
    fn warn(&mut self, message: impl Into<String>) {
        if self.warnings.len() >= MAX_WARNINGS {
            self.unsaid += 1;
            return;
        }
        self.warnings.push(shorten(&message.into()));
    }

    fn finish(mut self) -> Vec<String> {
        if self.unsaid > 0 {
            let more = self.unsaid;
            self.warnings.push(format!("{more} more problems in these settings are not shown"));
        }
        self.warnings
    }

    fn object<'v>(&mut self, name: &str, value: &'v Value) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(object) => Some(object),
            Value::Null => None,
            _ => {
                self.warn(format!("{name} must be an object; ignored"));
                None
            }
        }
    }

    /// Rule levels; `within` is `Claim` inside a payer layer, where only claim-level
    /// rules may be set.
    fn rules(&mut self, name: &str, value: &Value, within: RuleScope) -> BTreeMap<String, RuleLevel> {
        let mut rules = BTreeMap::new();
        for (id, level) in self.object(name, value).into_iter().flatten() {
            let Some(scope) = (self.catalog)(id) else {
                self.warn(format!("unknown rule id `{id}` in {name}; ignored"));
                continue;
            };
            if within == RuleScope::Claim && scope == RuleScope::File {
                self.warn(format!(
                    "{name}.{id}: `{id}` reports per file or transaction, not per claim, so a payer's setting \
                     cannot change it; set it under the top-level `rules`; ignored"
                ));
                continue;
            }
            match level.as_str().and_then(RuleLevel::parse) {
                Some(level) => {
                    rules.insert(id.clone(), level);
                }
                None => self.warn(format!(
                    "{name}.{id} must be one of \"off\", \"error\", \"warning\", \"info\", \"hint\"; using its default"
                )),
            }
        }
        rules
    }

    fn layers(&mut self, name: &str, value: &Value) -> BTreeMap<String, PolicyLayer> {
        let mut layers = BTreeMap::new();
        for (key, layer) in self.object(name, value).into_iter().flatten() {
            let layer = self.layer(&format!("{name}.{key}"), layer);
            layers.insert(key.clone(), layer);
        }
        layers
    }

    fn layer(&mut self, name: &str, value: &Value) -> PolicyLayer {
        let mut layer = PolicyLayer::default();
        for (key, value) in self.object(name, value).into_iter().flatten() {
            let path = format!("{name}.{key}");
            match key.as_str() {
                "rules" => layer.rules = self.rules(&path, value, RuleScope::Claim),
                "priorAuthorization" => layer.prior_authorization = self.codes(&path, value),
                "multiDoseCodes" => layer.multi_dose_codes = self.codes(&path, value),
                "unitLimits" => layer.unit_limits = self.limits(&path, value),
                "wastageModifiersRequired" => layer.wastage_modifiers_required = self.flag(&path, value),
                "ndcRequired" => layer.ndc_required = self.flag(&path, value),
                _ => self.warn(format!("unknown setting {path}; ignored")),
            }
        }
        layer
    }

    fn codes(&mut self, name: &str, value: &Value) -> Option<BTreeSet<String>> {
        let Some(items) = value.as_array() else {
            self.warn(format!("{name} must be a list of HCPCS codes; ignored"));
            return None;
        };
        let mut codes = BTreeSet::new();
        for item in items {
            match item.as_str().map(str::trim) {
                Some(code) if !code.is_empty() => {
                    codes.insert(code.to_ascii_uppercase());
                }
                _ => self.warn(format!("{name} must hold codes as strings; an entry was ignored")),
            }
        }
        Some(codes)
    }

    fn limits(&mut self, name: &str, value: &Value) -> Option<BTreeMap<String, u64>> {
        let object = self.object(name, value)?;
        let mut limits = BTreeMap::new();
        for (code, limit) in object {
            match limit.as_u64() {
                Some(limit) => {
                    limits.insert(code.trim().to_ascii_uppercase(), limit);
                }
                None => self.warn(format!("{name}.{code} must be a whole number of units; ignored")),
            }
        }
        Some(limits)
    }

    fn flag(&mut self, name: &str, value: &Value) -> Option<bool> {
        let flag = value.as_bool();
        if flag.is_none() {
            self.warn(format!("{name} must be true or false; ignored"));
        }
        flag
    }

    fn path(&mut self, name: &str, value: &Value) -> Option<PathBuf> {
        match value.as_str().map(str::trim) {
            Some("") | None if value.is_null() || value.as_str().is_some() => None,
            Some(path) => {
                let path = PathBuf::from(path);
                Some(match self.base {
                    Some(base) if path.is_relative() => base.join(path),
                    _ => path,
                })
            }
            None => {
                self.warn(format!("{name} must be a file path; ignored"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn from_json(value: &Value, base: Option<&Path>) -> (Settings, Vec<String>) {
        Settings::from_json(value, base, crate::rules::scope_of)
    }

    #[test]
    fn reads_overrides_and_warns_on_bad_values() {
        let (settings, warnings) =
            from_json(&json!({"rules": {"segment-count": "off", "lx-sequence": "loud", "no-such-rule": "off"}}), None);
        assert_eq!(settings.level("segment-count", Severity::Error), RuleLevel::Off);
        assert_eq!(settings.level("lx-sequence", Severity::Error), RuleLevel::On(Severity::Error));
        assert_eq!(warnings.len(), 2);
        let (settings, warnings) = from_json(&json!({"rules": 7}), None);
        assert_eq!(settings, Settings::default());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn warnings_are_few_and_short_however_many_and_long_the_keys() {
        let long_key = "x".repeat(100_000);
        let mut rules = serde_json::Map::new();
        for i in 0..1000 {
            rules.insert(format!("{long_key}{i}"), json!("off"));
        }
        let (_, warnings) = from_json(&json!({ "rules": rules, &long_key: 1 }), None);
        assert_eq!(warnings.len(), MAX_WARNINGS + 1, "20 warnings and a count");
        assert!(warnings.iter().all(|w| w.chars().count() < 500), "{:?}", warnings.first());
        assert!(warnings.first().is_some_and(|w| w.starts_with("unknown rule id `xxxxxxxx") && w.contains("…")));
        assert_eq!(warnings.last().map(String::as_str), Some("981 more problems in these settings are not shown"));
    }

    #[test]
    fn payer_layers_merge_in_order() {
        let (settings, warnings) = from_json(
            &json!({
                "policy": {"priorAuthorization": ["j2700"], "unitLimits": {"J2700": 24}},
                "payerClasses": {"CI": {"unitLimits": {"J2700": 12}, "wastageModifiersRequired": true}},
                "payers": {"87726": {"priorAuthorization": [], "rules": {"drug-line-missing-ndc": "warning"}}},
                "mueFile": "mue.csv",
                "ndcCrosswalkFile": "cms/crosswalk.csv"
            }),
            Some(Path::new("/work")),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(settings.mue_file, Some(PathBuf::from("/work/mue.csv")));
        assert_eq!(settings.ndc_crosswalk_file, Some(PathBuf::from("/work/cms/crosswalk.csv")));
        let commercial = settings.policy_for(Some("CI"), None);
        assert_eq!(commercial.unit_limits.get("J2700"), Some(&12));
        assert!(commercial.prior_authorization.contains("J2700"));
        assert_eq!(commercial.wastage_modifiers_required, Some(true));
        let one_payer = settings.policy_for(Some("CI"), Some("87726"));
        assert!(one_payer.prior_authorization.is_empty());
        assert_eq!(one_payer.rules.get("drug-line-missing-ndc"), Some(&RuleLevel::On(Severity::Warning)));
        let medicare = settings.policy_for(Some("MB"), None);
        assert_eq!(medicare.wastage_modifiers_required, Some(true));
        assert_eq!(settings.policy_for(Some("MC"), None).ndc_required, Some(true));
    }

    #[test]
    fn institutional_medicare_outpatient_claims_require_jw_jz() {
        let settings = Settings::default();
        let required = |bill| settings.policy_for_claim(Some("MA"), None, bill).wastage_modifiers_required;
        assert_eq!(required(Some("13")), Some(true), "hospital outpatient");
        assert_eq!(required(Some("85")), Some(true), "critical access hospital");
        assert_eq!(required(Some("11")), None, "inpatient (IPPS)");
        assert_eq!(required(None), None, "MA without a type of bill (a charge file)");
    }
}
