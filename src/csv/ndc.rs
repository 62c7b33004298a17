//! National Drug Codes as charge files write them, normalised to the 11-digit 5-4-2 form
//! the 837 carries in LIN03; and drug units as people write them, mapped to the X12 unit
//! codes of CTP05.

/// The 11-digit form of an NDC, or `None` when it cannot be normalised.
///
/// Hyphenated labeler-product-package forms are padded with a leading zero in the short
/// part: 5-4-2 (as is), 4-4-2 (`0` + labeler), 5-3-2 (`0` + product), 5-4-1 (`0` +
/// package). Eleven digits are already normalised. Ten digits without hyphens are `None`:
/// the same digits read as 4-4-2, 5-3-2 or 5-4-1 name three different products, and no
/// convention says which, so such a value is a finding rather than a guess.
pub fn normalize_ndc(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !text.contains('-') {
        return (text.len() == 11 && digits(text)).then(|| text.to_string());
    }
    let mut parts = text.split('-');
    let (labeler, product, package) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c), None) if digits(a) && digits(b) && digits(c) => (a, b, c),
        _ => return None,
    };
    let pad = match (labeler.len(), product.len(), package.len()) {
        (5, 4, 2) => "",
        (4, 4, 2) | (5, 3, 2) | (5, 4, 1) => "0",
        _ => return None,
    };
    let mut ndc = String::with_capacity(11);
    for (part, width) in [(labeler, 5), (product, 4), (package, 2)] {
        if part.len() < width {
            ndc.push_str(pad);
        }
        ndc.push_str(part);
    }
    Some(ndc)
}

/// The X12 unit code (CTP05-1) for a drug unit as written: the codes themselves (`F2`
/// international unit, `GR` gram, `ME` milligram, `ML` millilitre, `UN` unit) and the
/// common words for them (`mg`, `g`, `ml`, `unit`, `iu` …), case-insensitive.
pub fn ndc_unit_code(text: &str) -> Option<&'static str> {
    let text = text.trim();
    const UNITS: &[(&str, &str)] = &[
        ("F2", "F2"),
        ("IU", "F2"),
        ("GR", "GR"),
        ("G", "GR"),
        ("GM", "GR"),
        ("GRAM", "GR"),
        ("GRAMS", "GR"),
        ("ME", "ME"),
        ("MG", "ME"),
        ("MILLIGRAM", "ME"),
        ("MILLIGRAMS", "ME"),
        ("ML", "ML"),
        ("MILLILITER", "ML"),
        ("MILLILITRE", "ML"),
        ("MILLILITERS", "ML"),
        ("UN", "UN"),
        ("UNIT", "UN"),
        ("UNITS", "UN"),
        ("EA", "UN"),
        ("EACH", "UN"),
    ];
    UNITS.iter().find(|(word, _)| word.eq_ignore_ascii_case(text)).map(|&(_, code)| code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hyphen_pattern_normalises_to_eleven_digits() {
        for (written, normal) in [
            ("50242-0060-01", "50242006001"), // 5-4-2
            ("0409-4888-02", "00409488802"),  // 4-4-2
            ("63323-506-01", "63323050601"),  // 5-3-2
            ("55513-0190-1", "55513019001"),  // 5-4-1
            ("50242006001", "50242006001"),   // already 11 digits
            (" 50242-0060-01 ", "50242006001"),
        ] {
            assert_eq!(normalize_ndc(written).as_deref(), Some(normal), "{written}");
        }
    }

    #[test]
    fn an_ndc_that_cannot_be_normalised_is_none() {
        for bad in [
            "5024200601",     // ten digits: 4-4-2, 5-3-2 or 5-4-1?
            "502420060011",   // twelve
            "50242-60-01",    // 5-2-2
            "502420-0060-01", // 6-4-2
            "50242-0060",     // two parts
            "50242-0060-01-1",
            "5024A-0060-01",
            "50242--01",
            "",
            "N450242006001",
        ] {
            assert_eq!(normalize_ndc(bad), None, "{bad}");
        }
    }

    #[test]
    fn drug_units_map_to_x12_codes() {
        for (written, code) in
            [("mg", "ME"), ("MG", "ME"), ("g", "GR"), ("ml", "ML"), ("mL", "ML"), ("unit", "UN"), ("un", "UN")]
        {
            assert_eq!(ndc_unit_code(written), Some(code), "{written}");
        }
        for (written, code) in [("iu", "F2"), ("F2", "F2"), ("GR", "GR"), ("ME", "ME"), ("ML", "ML"), ("UN", "UN")] {
            assert_eq!(ndc_unit_code(written), Some(code), "{written}");
        }
        assert_eq!(ndc_unit_code("mcg"), None);
        assert_eq!(ndc_unit_code(""), None);
    }
}
