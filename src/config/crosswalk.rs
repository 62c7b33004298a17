//! CMS's ASP NDC–HCPCS crosswalk, read as CMS publishes the CSV: notice lines first, then
//! a header row found by its column names (`_2026_CODE`, `NDC2`, `BILLUNITS` …), then one
//! row per NDC and HCPCS code. It says which HCPCS codes an NDC is billed under and how
//! many billing units one item of the NDC holds. No crosswalk rows ship with this
//! product; they come only from the file the user downloads (the XLSX edition is the
//! same table; the CSV is the one read).
//!
//! Column meanings (CMS's field descriptions): `PKG SIZE` is the amount in one item, in
//! the NDC's unit of measure (0.5 for a 0.5 ml vial, 1 for a powder vial, 120 for a
//! bottle of 120 tablets); `PKG QTY` the items in the NDC package; `BILLUNITS` the
//! billing units of one item; `BILLUNITSPKG` the billing units of the whole package.

use std::collections::HashMap;

use crate::decimal::Decimal;

/// One row of the crosswalk: an NDC under one HCPCS code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrosswalkEntry {
    pub hcpcs: String,
    /// The NDC as the file writes it (`00781-3156-95`), for messages.
    pub ndc_text: String,
    pub labeler: String,
    pub drug_name: String,
    /// The code's dosage as CMS states it (`10 MG`).
    pub dosage: String,
    pub package_size: Option<Decimal>,
    pub package_quantity: Option<Decimal>,
    pub billing_units: Option<Decimal>,
    pub billing_units_per_package: Option<Decimal>,
}

impl CrosswalkEntry {
    /// Billing units in one item (one vial, one bottle): `BILLUNITS`, else
    /// `BILLUNITSPKG` ÷ `PKG QTY`.
    pub fn billing_units_per_item(&self) -> Option<Decimal> {
        if let Some(units) = self.billing_units.filter(|u| !u.is_zero()) {
            return Some(units);
        }
        let package = self.billing_units_per_package.filter(|u| !u.is_zero())?;
        let quantity = self.package_quantity.filter(|q| !q.is_zero())?;
        package.scaled(Decimal::ONE, quantity, 9)
    }

    /// The billing units `amount` of the NDC's unit of measure hold (amount × billing
    /// units per item ÷ package size), rounded up to a whole unit; `None` when a number
    /// is missing or zero.
    pub fn units_for_measure(&self, amount: Decimal) -> Option<u64> {
        let per_item = self.billing_units_per_item()?;
        let size = self.package_size.filter(|s| !s.is_zero())?;
        // Exact: (amount × per item) ÷ size as one fraction, rounded up.
        let (top, top_den) = amount.checked_mul(per_item)?.ratio(1)?;
        let (size, size_den) = size.ratio(1)?;
        let numerator = top.checked_mul(size_den)?;
        let denominator = top_den.checked_mul(size)?;
        u64::try_from(numerator.div_ceil(denominator)).ok()
    }
}

/// The crosswalk by 11-digit NDC (no hyphens).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NdcCrosswalk {
    by_ndc: HashMap<String, Vec<CrosswalkEntry>>,
    /// The year the first column's name carries (`_2026_CODE` → 2026).
    pub year: Option<u16>,
}

/// Where each column sits, found by name.
struct Columns {
    code: usize,
    ndc: usize,
    labeler: Option<usize>,
    drug_name: Option<usize>,
    dosage: Option<usize>,
    package_size: Option<usize>,
    package_quantity: Option<usize>,
    billing_units: Option<usize>,
    billing_units_per_package: Option<usize>,
}

impl Columns {
    fn find(cells: &[String]) -> Option<(Columns, Option<u16>)> {
        let names: Vec<String> =
            cells.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_ascii_uppercase()).collect();
        let position = |wanted: &str| names.iter().position(|name| name == wanted);
        let (code, year) = names.iter().enumerate().find_map(|(i, name)| {
            // `_2026_CODE`, `_2025_CODE`; some editions and re-saves write `HCPCS CODE`.
            let year = name.strip_prefix('_').and_then(|rest| rest.strip_suffix("_CODE"));
            match year {
                Some(year) => Some((i, year.parse().ok())),
                None => (name == "HCPCS" || name == "HCPCS CODE").then_some((i, None)),
            }
        })?;
        let ndc = position("NDC2").or_else(|| names.iter().position(|name| name.starts_with("NDC")))?;
        let billing_units = position("BILLUNITS");
        let billing_units_per_package = position("BILLUNITSPKG");
        if billing_units.is_none() && billing_units_per_package.is_none() {
            return None;
        }
        let columns = Columns {
            code,
            ndc,
            labeler: position("LABELER NAME"),
            drug_name: position("DRUG NAME"),
            dosage: position("HCPCS DOSAGE"),
            package_size: position("PKG SIZE"),
            package_quantity: position("PKG QTY"),
            billing_units,
            billing_units_per_package,
        };
        Some((columns, year))
    }
}

impl NdcCrosswalk {
    /// Reads the CSV. Rows without an HCPCS code or a usable NDC (CMS lists some products
    /// by an alternate id) are skipped; blank or unreadable numbers are left unknown.
    pub fn from_csv(text: &str) -> Result<NdcCrosswalk, String> {
        let mut lines = text.lines();
        let (columns, year) = lines
            .by_ref()
            .find_map(|line| Columns::find(&super::mue::split_csv(line)))
            .ok_or("no header row with the HCPCS code (_YYYY_CODE), NDC2 and BILLUNITS columns")?;
        let mut by_ndc: HashMap<String, Vec<CrosswalkEntry>> = HashMap::new();
        for line in lines {
            let cells = super::mue::split_csv(line);
            let cell = |index: Option<usize>| index.and_then(|i| cells.get(i)).map_or("", |c| c.trim());
            let number = |index: Option<usize>| Decimal::parse_grouped(cell(index)).filter(|n| !n.is_negative());
            let hcpcs = cell(Some(columns.code)).to_ascii_uppercase();
            let ndc_text = cell(Some(columns.ndc));
            let Some(ndc) = crate::csv::normalize_ndc(ndc_text) else { continue };
            if hcpcs.is_empty() {
                continue;
            }
            let entry = CrosswalkEntry {
                hcpcs,
                ndc_text: ndc_text.to_string(),
                labeler: cell(columns.labeler).to_string(),
                drug_name: cell(columns.drug_name).to_string(),
                dosage: cell(columns.dosage).to_string(),
                package_size: number(columns.package_size),
                package_quantity: number(columns.package_quantity),
                billing_units: number(columns.billing_units),
                billing_units_per_package: number(columns.billing_units_per_package),
            };
            let entries = by_ndc.entry(ndc).or_default();
            if !entries.iter().any(|e| e.hcpcs == entry.hcpcs) {
                entries.push(entry);
            }
        }
        if by_ndc.is_empty() {
            return Err("the crosswalk has a header but no rows with an HCPCS code and an NDC".into());
        }
        Ok(NdcCrosswalk { by_ndc, year })
    }

    /// Every row for an NDC in its 11-digit form; empty when CMS does not list it.
    pub fn entries(&self, ndc: &str) -> &[CrosswalkEntry] {
        self.by_ndc.get(ndc).map_or(&[], Vec::as_slice)
    }

    /// The row for an NDC under one HCPCS code.
    pub fn entry(&self, ndc: &str, hcpcs: &str) -> Option<&CrosswalkEntry> {
        self.entries(ndc).iter().find(|entry| entry.hcpcs == hcpcs)
    }

    /// How many NDCs it lists.
    pub fn len(&self) -> usize {
        self.by_ndc.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ndc.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made-up rows in CMS's layout (made-up labelers and NDCs); not CMS data.
    const SAMPLE: &str = "\u{feff}\"Made-up test values, not CMS data\"\r
\"CPT codes, descriptions and other data only are copyright American Medical Association.\"\r
\r
_2026_CODE,Short Description,LABELER NAME,NDC2,Drug Name,HCPCS dosage,PKG SIZE,PKG QTY,BILLUNITS,BILLUNITSPKG,Extra\r
J1745,\"Infliximab, excludes biosimil\",EXAMPLE PHARMA LLC,99999-0030-01,EXAMPLEMAB,10 MG,1,1,10,10,x\r
J9999,Made-up,EXAMPLE PHARMA LLC,99999-0030-01,EXAMPLEMAB,10 MG,,,,\r
J2700,\"Oxacillin sodium injeciton\",\"SAMPLE LABS, INC\",99998-0111-10,OXAMPLE,250 MG,\"1,000\",10,4,40\r
J0000,No NDC,SAMPLE LABS,ALT-ID-1,ALTERNATE,1 MG,1,1,1,1\r
";

    #[test]
    fn reads_cms_layout_with_notice_lines_bom_quotes_and_crlf() {
        let crosswalk = NdcCrosswalk::from_csv(SAMPLE).expect("sample parses");
        assert_eq!(crosswalk.year, Some(2026));
        assert_eq!(crosswalk.len(), 2, "the alternate id is skipped");
        let codes: Vec<&str> = crosswalk.entries("99999003001").iter().map(|e| e.hcpcs.as_str()).collect();
        assert_eq!(codes, ["J1745", "J9999"]);
        let oxacillin = crosswalk.entry("99998011110", "J2700").expect("row");
        assert_eq!(oxacillin.labeler, "SAMPLE LABS, INC");
        assert_eq!(oxacillin.package_size, Decimal::parse("1000"));
        assert_eq!(crosswalk.entry("99999003001", "J9999").and_then(|e| e.billing_units_per_item()), None);
        assert!(crosswalk.entries("00000000000").is_empty());
    }

    #[test]
    fn converts_an_amount_of_the_ndc_unit_into_billing_units() {
        let crosswalk = NdcCrosswalk::from_csv(SAMPLE).expect("sample parses");
        let vial = crosswalk.entry("99999003001", "J1745").expect("row");
        let d = |text| Decimal::parse(text).expect("decimal");
        assert_eq!(vial.units_for_measure(d("3")), Some(30), "three 100 mg vials of a 10 mg code");
        // 1,000 ml an item, 4 units an item: 300 ml is 1.2 units, billed as 2.
        let bag = crosswalk.entry("99998011110", "J2700").expect("row");
        assert_eq!(bag.units_for_measure(d("300")), Some(2));
        // Without BILLUNITS the package's units divided by the items.
        let per_package = CrosswalkEntry { billing_units: None, ..bag.clone() };
        assert_eq!(per_package.billing_units_per_item(), Decimal::parse("4"));
    }

    #[test]
    fn a_file_without_the_header_or_rows_is_refused() {
        assert!(NdcCrosswalk::from_csv("just text\nmore text").is_err());
        let header_only = "_2026_CODE,LABELER NAME,NDC2,BILLUNITS,BILLUNITSPKG\n\n";
        assert!(NdcCrosswalk::from_csv(header_only).is_err());
        // An MUE table is not a crosswalk.
        assert!(NdcCrosswalk::from_csv("HCPCS/CPT Code,Practitioner Services MUE Values\nJ1745,10").is_err());
    }
}
