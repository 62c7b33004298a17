//! Charge-file rules: the shape of the table itself — rows that don't match the header,
//! and header columns a `*.charges.*` file lacks or names twice. Everything about the
//! charges in it is checked by the same drug-line and modifier rules as an 837.

pub mod csv_duplicate_column;
pub mod csv_field_count;
pub mod csv_missing_column;

/// The rules of this group, in the order their findings are listed.
pub static RULES: &[&crate::rules::Rule] =
    &[&csv_missing_column::RULE, &csv_duplicate_column::RULE, &csv_field_count::RULE];

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one rule over a small charge file.

    use crate::analysis::{Analysis, DocumentKind};
    use crate::config::Environment;

    /// `(text at the finding, message)` for each finding of `rule`, in a file named
    /// `charges.csv`.
    pub(crate) fn findings(text: &str, rule: &str) -> Vec<(String, String)> {
        findings_named(text, "charges.csv", rule)
    }

    pub(crate) fn findings_named(text: &str, name: &str, rule: &str) -> Vec<(String, String)> {
        let kind = DocumentKind::of(Some(name), text);
        let analysis = Analysis::of_document(text.to_string(), &kind, &Environment::default());
        analysis
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| (d.span.text(analysis.text()).to_string(), d.message.clone()))
            .collect()
    }
}
