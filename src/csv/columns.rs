//! Header names → the fields of a charge: each system writes its own header, so a column
//! is matched by a list of aliases after folding case and dropping spaces, `_`, `-`, `.`,
//! `/` and `#` (`Date of Service`, `DATE_OF_SERVICE` and `dos` all read as one field).

use super::reader::Row;

/// What a column of a charge file holds; each is one element of an 837 service line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChargeField {
    Claim,
    DateOfService,
    DateTo,
    ProcedureCode,
    /// `Modifier 1` … `Modifier 4` (1..=4).
    Modifier(u8),
    /// One column holding all the modifiers (`JW|59`), see `split_modifiers`.
    Modifiers,
    Units,
    Charge,
    Ndc,
    NdcQuantity,
    NdcUnit,
    RevenueCode,
    PayerClass,
    PayerId,
    PlaceOfService,
    RenderingNpi,
    Description,
    PriorAuthorization,
}

impl ChargeField {
    /// The field's name for messages and hover: `"units"`, `"procedure code"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Claim => "claim",
            Self::DateOfService => "date of service",
            Self::DateTo => "date to",
            Self::ProcedureCode => "procedure code",
            Self::Modifier(1) => "modifier 1",
            Self::Modifier(2) => "modifier 2",
            Self::Modifier(3) => "modifier 3",
            Self::Modifier(4) => "modifier 4",
            Self::Modifier(_) => "modifier",
            Self::Modifiers => "modifiers",
            Self::Units => "units",
            Self::Charge => "charge",
            Self::Ndc => "NDC",
            Self::NdcQuantity => "NDC quantity",
            Self::NdcUnit => "NDC unit",
            Self::RevenueCode => "revenue code",
            Self::PayerClass => "payer class",
            Self::PayerId => "payer id",
            Self::PlaceOfService => "place of service",
            Self::RenderingNpi => "rendering NPI",
            Self::Description => "description",
            Self::PriorAuthorization => "prior authorization",
        }
    }

    /// Where the field goes in an 837, for hover: `"SV104 / SV205"`.
    pub fn x12(&self) -> &'static str {
        match self {
            Self::Claim => "CLM01",
            Self::DateOfService => "DTP*472",
            Self::DateTo => "DTP*472 RD8",
            Self::ProcedureCode => "SV101-2 / SV202-2",
            Self::Modifier(1) => "SV101-3",
            Self::Modifier(2) => "SV101-4",
            Self::Modifier(3) => "SV101-5",
            Self::Modifier(4) => "SV101-6",
            Self::Modifier(_) | Self::Modifiers => "SV101-3…6",
            Self::Units => "SV104 / SV205",
            Self::Charge => "SV102 / SV203",
            Self::Ndc => "LIN03",
            Self::NdcQuantity => "CTP04",
            Self::NdcUnit => "CTP05",
            Self::RevenueCode => "SV201",
            Self::PayerClass => "SBR09",
            Self::PayerId => "2010BB NM109",
            Self::PlaceOfService => "CLM05-1",
            Self::RenderingNpi => "NM109 (2310B)",
            Self::Description => "SV101-7 / NTE",
            Self::PriorAuthorization => "REF*G1",
        }
    }

    /// The field a header name stands for, if any.
    pub fn from_header(name: &str) -> Option<Self> {
        let mut folded = String::with_capacity(name.len());
        for c in name.chars() {
            if !matches!(c, ' ' | '\t' | '_' | '-' | '.' | '/' | '#' | '\u{feff}') {
                folded.extend(c.to_lowercase());
            }
        }
        ALIASES.iter().find(|(_, aliases)| aliases.contains(&folded.as_str())).map(|&(field, _)| field)
    }
}

/// Folded header names (lower case; no spaces, `_`, `-`, `.`, `/`, `#`) for each field.
/// `docs/charge-files.md` lists them as written.
const ALIASES: &[(ChargeField, &[&str])] = &[
    (
        ChargeField::Claim,
        &[
            "claim",
            "claimid",
            "claimnumber",
            "claimno",
            "account",
            "accountnumber",
            "accountno",
            "acct",
            "encounter",
            "encounterid",
            "encounternumber",
            "patientcontrolnumber",
            "pcn",
            "invoice",
            "invoicenumber",
        ],
    ),
    (
        ChargeField::DateOfService,
        &["servicedate", "dateofservice", "dos", "fromdate", "servicefrom", "servicefromdate", "svcdate", "dosfrom"],
    ),
    (ChargeField::DateTo, &["todate", "thrudate", "throughdate", "serviceto", "servicetodate", "dosto"]),
    (
        ChargeField::ProcedureCode,
        &["hcpcs", "cpt", "cpthcpcs", "hcpcscpt", "hcpcscode", "cptcode", "procedurecode", "proccode", "code"],
    ),
    (ChargeField::Modifier(1), &["modifier1", "mod1", "modifier"]),
    (ChargeField::Modifier(2), &["modifier2", "mod2"]),
    (ChargeField::Modifier(3), &["modifier3", "mod3"]),
    (ChargeField::Modifier(4), &["modifier4", "mod4"]),
    (ChargeField::Modifiers, &["modifiers", "mods"]),
    (ChargeField::Units, &["units", "quantity", "qty", "serviceunits", "unitsofservice", "uos"]),
    (
        ChargeField::Charge,
        &["charge", "charges", "amount", "chargeamount", "linecharge", "linechargeamount", "fee", "totalcharge"],
    ),
    (ChargeField::Ndc, &["ndc", "ndccode", "ndc11", "ndcnumber", "nationaldrugcode"]),
    (ChargeField::NdcQuantity, &["ndcquantity", "ndcqty", "drugquantity"]),
    (ChargeField::NdcUnit, &["ndcunit", "ndcuom", "ndcunitofmeasure", "drugunit"]),
    (ChargeField::RevenueCode, &["revenuecode", "revcode", "revenue"]),
    (ChargeField::PayerClass, &["payerclass", "claimfilingindicator"]),
    (ChargeField::PayerId, &["payerid"]),
    (ChargeField::PlaceOfService, &["placeofservice", "pos"]),
    (ChargeField::RenderingNpi, &["renderingnpi", "renderingprovidernpi", "npi"]),
    (ChargeField::Description, &["description", "desc", "drugname", "note", "notes", "nocdescription"]),
    (
        ChargeField::PriorAuthorization,
        &["priorauth", "priorauthorization", "authorization", "authorizationnumber", "authnumber", "priorauthnumber"],
    ),
];

/// Which column holds which field. The first column with a field's name wins; a second
/// one is recorded as a duplicate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    by_column: Vec<Option<ChargeField>>,
    by_field: Vec<(ChargeField, usize)>,
    duplicates: Vec<(ChargeField, usize, usize)>,
}

impl ColumnMap {
    /// Maps the header's columns; `source` is the text the header's spans point into.
    pub fn from_header(header: &Row, source: &str) -> Self {
        let mut map = Self::default();
        for (index, cell) in header.cells.iter().enumerate() {
            let field = ChargeField::from_header(&cell.text(source));
            if let Some(field) = field {
                match map.column(field) {
                    Some(first) => {
                        map.duplicates.push((field, first, index));
                        map.by_column.push(None);
                        continue;
                    }
                    None => map.by_field.push((field, index)),
                }
            }
            map.by_column.push(field);
        }
        map
    }

    /// The column that holds `field`.
    pub fn column(&self, field: ChargeField) -> Option<usize> {
        self.by_field.iter().find(|(f, _)| *f == field).map(|&(_, column)| column)
    }

    /// The field column `column` holds (`None` for an unknown column or a duplicate).
    pub fn field_of(&self, column: usize) -> Option<ChargeField> {
        self.by_column.get(column).copied().flatten()
    }

    /// `(field, first column, second column)` for each field named twice.
    pub fn duplicates(&self) -> &[(ChargeField, usize, usize)] {
        &self.duplicates
    }

    /// The mapped fields with their columns, in column order.
    pub fn fields(&self) -> impl Iterator<Item = (ChargeField, usize)> + '_ {
        self.by_field.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::ChargeField::{self, *};
    use super::ColumnMap;

    #[test]
    fn header_names_match_whatever_the_system_writes() {
        for (header, field) in [
            ("Date of Service", DateOfService),
            ("DATE_OF_SERVICE", DateOfService),
            ("DOS", DateOfService),
            ("CPT/HCPCS", ProcedureCode),
            ("HCPCS Code", ProcedureCode),
            ("Account #", Claim),
            ("Patient-Control-Number", Claim),
            ("Modifier 2", Modifier(2)),
            ("MOD4", Modifier(4)),
            ("Modifiers", Modifiers),
            ("Units of Service", Units),
            ("Qty", Units),
            ("Total Charge", Charge),
            ("NDC 11", Ndc),
            ("National Drug Code", Ndc),
            ("NDC UOM", NdcUnit),
            ("Drug Quantity", NdcQuantity),
            ("Rev. Code", RevenueCode),
            ("Payer Class", PayerClass),
            ("POS", PlaceOfService),
            ("Rendering NPI", RenderingNpi),
            ("Drug Name", Description),
            ("Prior Auth", PriorAuthorization),
            ("Thru Date", DateTo),
        ] {
            assert_eq!(ChargeField::from_header(header), Some(field), "{header}");
        }
        assert_eq!(ChargeField::from_header("SKU"), None);
        assert_eq!(ChargeField::from_header("Patient Name"), None);
    }

    #[test]
    fn the_first_column_wins_and_a_second_is_a_duplicate() {
        let text = "CPT,Units,DOS,Code,Notes\n";
        let records = super::super::reader::read(text);
        let map = ColumnMap::from_header(&records.header, text);
        assert_eq!(map.column(ProcedureCode), Some(0));
        assert_eq!(map.column(DateOfService), Some(2));
        assert_eq!(map.field_of(3), None);
        assert_eq!(map.field_of(4), Some(Description));
        assert_eq!(map.duplicates(), &[(ProcedureCode, 0, 3)]);
        assert_eq!(map.column(Charge), None);
    }

    #[test]
    fn every_field_has_a_name_and_an_837_place() {
        assert_eq!(Units.name(), "units");
        assert_eq!(Units.x12(), "SV104 / SV205");
        assert_eq!(ProcedureCode.name(), "procedure code");
        assert_eq!(Modifier(3).x12(), "SV101-5");
    }
}
