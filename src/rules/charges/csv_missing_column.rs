//! `csv-missing-column`: a file named `*.charges.csv` / `*.charges.tsv` has the columns a
//! charge needs — a procedure code, units, and a date of service, charge or NDC.
//!
//! The name says the file is a charge file, so a missing column is a mistake in the
//! export, not a different kind of file: without units or a code no drug-line rule can
//! read a row. Other CSV files are recognised by their header and codes, and left alone
//! when they are not charge files. Source: `docs/charge-files.md`.

use crate::csv::{describe_missing, Detection};
use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};
use crate::syntax::Span;

pub static RULE: Rule = Rule {
    id: "csv-missing-column",
    default_severity: Severity::Error,
    summary: "A *.charges.csv file lacks a column every charge needs",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Tree,
    formats: Formats::Charges,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let Some(charges) = context.charges else { return };
    let Detection::NamedCharges { missing } = &charges.detection else { return };
    if missing.is_empty() {
        return;
    }
    let header = charges.table.header.span;
    // The header line, or the file's first character when there is no header at all.
    let span =
        if header.is_empty() { Span::new(0, charges.text.chars().next().map_or(0, char::len_utf8)) } else { header };
    report.add(
        span,
        format!(
            "this charge file has {}: name the columns as in docs/charge-files.md (e.g. Units, HCPCS, Service Date)",
            describe_missing(missing)
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::charges::testing::findings_named;

    #[test]
    fn a_named_charge_file_without_units_says_so() {
        let text = "Claim,Service Date,HCPCS,Charge\nM1,2024-03-07,J9035,1215.00\n";
        let found = findings_named(text, "june.charges.csv", "csv-missing-column");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.starts_with("this charge file has no units column"), "{found:?}");
        assert!(findings_named(text, "june.csv", "csv-missing-column").is_empty(), "not named: left alone");
    }
}
