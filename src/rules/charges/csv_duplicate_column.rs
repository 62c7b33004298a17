//! `csv-duplicate-column`: two header columns that read as the same charge field.
//!
//! `HCPCS` and `CPT`, or `Units` and `Qty`, in one header leave it open which one the
//! billing system uses; the checker reads the first and ignores the second, so the
//! second column's values are never checked. Source: `docs/charge-files.md`.

use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "csv-duplicate-column",
    default_severity: Severity::Warning,
    summary: "Two charge-file columns map to the same field",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Tree,
    formats: Formats::Charges,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let Some(charges) = context.charges.filter(|charges| charges.is_charges()) else { return };
    let header = &charges.table.header;
    for (field, first, second) in charges.table.columns.duplicates() {
        let Some(cell) = header.cell(*second) else { continue };
        report.add(
            cell.span,
            format!(
                "column {} reads as {} like column {}; only column {} is checked — rename or remove one",
                second + 1,
                field.name(),
                first + 1,
                first + 1
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::charges::testing::findings;

    #[test]
    fn hcpcs_and_cpt_in_one_header() {
        let text = "Claim,Date of Service,HCPCS,Units,CPT\nA1,2024-03-07,J9035,9,J9035\n";
        let found = findings(text, "csv-duplicate-column");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "CPT");
        assert!(found[0].1.starts_with("column 5 reads as procedure code like column 3"), "{found:?}");
    }
}
