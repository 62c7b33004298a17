//! Reading claim files as bytes: UTF-8 (with or without BOM), UTF-16 with BOM, and
//! anything else as Latin-1, so that no file makes the checker fail.

/// Decodes a file's bytes into text. A UTF-8 BOM is kept (the parser treats it as
/// trivia, so positions match what an editor shows); a UTF-16 BOM is consumed.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|byte| char::from(*byte)).collect(),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units =
        bytes.chunks_exact(2).map(|pair| unit([pair.first().copied().unwrap_or(0), pair.get(1).copied().unwrap_or(0)]));
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

/// True when bytes look like an X12 interchange: `ISA` first, after a BOM or spaces.
pub(super) fn looks_like_x12(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with("ISA")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_encoding_without_failing() {
        assert_eq!(decode(b"\xEF\xBB\xBFISA*"), "\u{feff}ISA*");
        assert_eq!(decode(b"\xFF\xFEI\0S\0A\0"), "ISA");
        assert_eq!(decode(b"\xFE\xFF\0I\0S\0A"), "ISA");
        assert_eq!(decode(b"NM1*IL*M\xDCLLER"), "NM1*IL*MÜLLER");
        assert_eq!(decode(b"\xFF\xFEI"), "");
        assert!(looks_like_x12("\u{feff}\n  ISA*00"));
    }
}
