//! `csv-field-count`: every row has as many fields as the header.
//!
//! A row with more fields than the header usually holds an unquoted delimiter — a charge
//! of `1,250.00` or a description with a comma — so every value after it sits in the
//! wrong column; a row with fewer was cut short. Either way the values read as the wrong
//! fields. Source: RFC 4180, section 2 ("each line should contain the same number of
//! fields throughout the file").

use crate::diagnostic::Severity;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "csv-field-count",
    default_severity: Severity::Error,
    summary: "A charge-file row has more or fewer fields than the header",
    check,
    fix: None,
    scope: RuleScope::File,
    reads: Reads::Tree,
    formats: Formats::Charges,
    default_for_policy: None,
};

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let Some(charges) = context.charges.filter(|charges| charges.is_charges()) else { return };
    let header = charges.table.header.cells.len();
    for row in &charges.table.rows {
        let fields = row.cells.len();
        if fields == header {
            continue;
        }
        let hint = if fields > header {
            "; quote values that hold the delimiter, e.g. \"1,250.00\""
        } else {
            "; the row was cut short or a value is missing its delimiter"
        };
        report.add(row.span, format!("this row has {fields} fields, the header {header}{hint}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::charges::testing::findings;

    #[test]
    fn a_row_with_an_unquoted_comma_has_one_field_too_many() {
        let text = "Claim,Date of Service,HCPCS,Units,Charge\nA1,2024-03-07,J9035,9,1215.00\nA1,2024-03-07,J9035,1,1,215.00\nA1,2024-03-07,J1100\n";
        let found = findings(text, "csv-field-count");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].1.starts_with("this row has 6 fields, the header 5; quote values"), "{found:?}");
        assert!(found[1].1.starts_with("this row has 3 fields, the header 5"), "{found:?}");
        assert!(findings("Claim,Date of Service,HCPCS,Units\nA1,2024-03-07,J9035,9\n", "csv-field-count").is_empty());
    }
}
