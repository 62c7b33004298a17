//! CMS Medically Unlikely Edits (practitioner services table), read as CMS publishes
//! the CSV: notice lines first, then a header row found by its column names.
//! No MUE values ship with this product; they come only from the user's file.

use std::collections::HashMap;

/// How CMS applies an MUE (the adjudication indicator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MueAdjudication {
    /// MAI 1: units on one claim line.
    Line,
    /// MAI 2 (policy) and 3 (clinical): units per date of service across lines.
    DateOfService,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MueLimit {
    pub value: u64,
    pub adjudication: MueAdjudication,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MueTable {
    limits: HashMap<String, MueLimit>,
}

impl MueTable {
    /// Reads the CSV. Errors name the 1-based line.
    pub fn from_csv(text: &str) -> Result<MueTable, String> {
        let mut lines = text.lines().enumerate();
        let header = lines
            .by_ref()
            .find(|(_, line)| {
                let cells = split_csv(line);
                let upper = |i: usize| cells.get(i).map(|c| c.to_ascii_uppercase()).unwrap_or_default();
                upper(0).contains("HCPCS") && upper(1).contains("MUE")
            })
            .ok_or("no header row with an HCPCS/CPT code column followed by an MUE value column")?;
        let mut limits = HashMap::new();
        for (index, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells = split_csv(line);
            let code = cells.first().map(|c| c.trim().to_ascii_uppercase()).unwrap_or_default();
            let value = cells.get(1).map(|c| c.trim()).unwrap_or_default();
            let value: u64 =
                value.parse().map_err(|_| format!("line {}: the MUE value is not a whole number", index + 1))?;
            let adjudication = match cells.get(2).map(|c| c.trim().chars().next()) {
                Some(Some('1')) => MueAdjudication::Line,
                Some(Some('2' | '3')) => MueAdjudication::DateOfService,
                _ => {
                    return Err(format!("line {}: the MUE adjudication indicator must start with 1, 2 or 3", index + 1))
                }
            };
            if code.is_empty() {
                return Err(format!("line {}: no HCPCS/CPT code", index + 1));
            }
            limits.insert(code, MueLimit { value, adjudication });
        }
        let _ = header;
        if limits.is_empty() {
            return Err("the MUE table has a header but no rows".into());
        }
        Ok(MueTable { limits })
    }

    pub fn limit(&self, code: &str) -> Option<MueLimit> {
        self.limits.get(code).copied()
    }

    pub fn len(&self) -> usize {
        self.limits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limits.is_empty()
    }
}

/// One CSV line into cells; quotes group commas and `""` is a literal quote.
pub(super) fn split_csv(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made-up values in CMS's layout; not real MUE limits.
    const SAMPLE: &str = "\
\"CPT codes, descriptions and other data only are copyright American Medical Association.\"
\"Made-up test values, not CMS data\"
HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale
J2700,99,\"3 Date of Service Edit: Clinical\",Clinical: Data
J1100,7,1 Line Edit,\"Prescribing Information, dose\"
";

    #[test]
    fn reads_cms_layout_with_notice_lines() {
        let table = MueTable::from_csv(SAMPLE).expect("sample parses");
        assert_eq!(table.limit("J2700"), Some(MueLimit { value: 99, adjudication: MueAdjudication::DateOfService }));
        assert_eq!(table.limit("J1100").map(|l| l.adjudication), Some(MueAdjudication::Line));
        assert_eq!(table.limit("J9999"), None);
    }

    #[test]
    fn names_the_line_of_a_bad_row() {
        let broken = SAMPLE.replace("J1100,7,", "J1100,seven,");
        assert_eq!(MueTable::from_csv(&broken), Err("line 5: the MUE value is not a whole number".into()));
        assert!(MueTable::from_csv("just text").is_err());
    }
}
