//! `--format sarif`: SARIF 2.1.0, what GitHub code scanning and many CI systems read.
//!
//! One run; the driver lists every rule (id, summary, default level, its page under
//! `docs/rules/`), each result names its rule by id and index and points at a region in
//! 1-based lines and columns counted in Unicode code points (`columnKind`). Paths are
//! written as relative URI references when they are relative, `file://` URIs when not.
//! `partialFingerprints` carry the baseline key's hash, so code scanning keeps tracking
//! a finding when lines move.

use serde_json::{json, Value};

use super::render::Finding;
use crate::diagnostic::Severity;
use crate::rules;

/// Where the rule pages are when `--docs-url` is not given: relative to the claim-lsp
/// repository, as the pages link to each other.
pub(super) const DEFAULT_DOCS_URL: &str = "docs/rules/";

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// The whole log, pretty-printed, with a final newline.
pub(super) fn log(findings: &[Finding], docs_url: &str) -> String {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|rule| {
            let page = format!("{docs_url}{}.md", rule.id);
            json!({
                "id": rule.id,
                "shortDescription": { "text": rule.summary },
                "helpUri": page,
                "help": {
                    "text": format!("{} — see {page}", rule.summary),
                    "markdown": format!("{} — see [{}]({page})", rule.summary, rule.id),
                },
                "defaultConfiguration": { "level": level(rule.default_severity) },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let mut result = json!({
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": { "text": finding.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&finding.path) },
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.column,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_column,
                        }
                    }
                }],
                "partialFingerprints": { "claimLsp/v1": finding.key.fingerprint() },
            });
            if let (Some(index), Some(object)) =
                (rules::ALL.iter().position(|rule| rule.id == finding.rule), result.as_object_mut())
            {
                object.insert("ruleIndex".into(), json!(index));
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "claim-lsp",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    match serde_json::to_string_pretty(&log) {
        Ok(text) => text + "\n",
        Err(error) => {
            eprintln!("claim-lsp: cannot write SARIF: {error}");
            String::new()
        }
    }
}

/// A path as a URI reference: `/` separators, and every byte outside the unreserved set
/// and `/` percent-encoded (a space, `#`, `%`, non-ASCII names). Absolute paths become
/// `file://` URIs.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte))
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("claims/a.837"), "claims/a.837");
        assert_eq!(uri("claims/March batch #2.837"), "claims/March%20batch%20%232.837");
        assert_eq!(uri("/srv/claims/a.837"), "file:///srv/claims/a.837");
        assert_eq!(uri("ñ.837"), "%C3%B1.837");
    }
}
