//! Reading claim files as bytes: UTF-8 (with or without BOM), UTF-16 with a BOM or
//! told by its NUL bytes, and anything else as Latin-1, so that no file makes the
//! checker fail.

/// Decodes a file's bytes into text. A UTF-8 BOM is kept (the parser treats it as
/// trivia, so positions match what an editor shows); a UTF-16 BOM is consumed.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    match nul_pattern(bytes) {
        Some(Encoding::Utf16LeNoBom) => return utf16(bytes, u16::from_le_bytes),
        Some(Encoding::Utf16BeNoBom) => return utf16(bytes, u16::from_be_bytes),
        _ => {}
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

/// How a file's bytes were read, so a fixed text can be written back the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a UTF-8 BOM stays in the text as U+FEFF).
    Utf8,
    Utf16Le,
    Utf16Be,
    /// UTF-16 without a BOM, told by a NUL in every other byte (X12 text is ASCII).
    Utf16LeNoBom,
    Utf16BeNoBom,
    /// Bytes that are not UTF-8, read one byte per character.
    Latin1,
}

/// The encoding [`decode`] reads `bytes` with.
pub fn detect(bytes: &[u8]) -> Encoding {
    if bytes.starts_with(b"\xFF\xFE") {
        Encoding::Utf16Le
    } else if bytes.starts_with(b"\xFE\xFF") {
        Encoding::Utf16Be
    } else if let Some(encoding) = nul_pattern(bytes) {
        encoding
    } else if std::str::from_utf8(bytes).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Latin1
    }
}

/// UTF-16 without a BOM: in the first 256 bytes (an even count, at least 4) every
/// odd byte is NUL and no even byte is (little-endian), or the other way round. A claim
/// file never holds a NUL, so ASCII text written as UTF-16 shows this at once.
fn nul_pattern(bytes: &[u8]) -> Option<Encoding> {
    let sample = bytes.get(..bytes.len().min(256) & !1)?;
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.chunks_exact(2);
    if pairs.clone().all(|pair| pair.first() != Some(&0) && pair.get(1) == Some(&0)) {
        Some(Encoding::Utf16LeNoBom)
    } else if pairs.clone().all(|pair| pair.first() == Some(&0) && pair.get(1) != Some(&0)) {
        Some(Encoding::Utf16BeNoBom)
    } else {
        None
    }
}

/// Writes text back in an encoding; `None` when a character cannot be written in it.
pub fn encode(text: &str, encoding: Encoding) -> Option<Vec<u8>> {
    match encoding {
        Encoding::Utf8 => Some(text.as_bytes().to_vec()),
        Encoding::Utf16Le => {
            Some([0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect())
        }
        Encoding::Utf16Be => {
            Some([0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect())
        }
        Encoding::Utf16LeNoBom => Some(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        Encoding::Utf16BeNoBom => Some(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        Encoding::Latin1 => text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
    }
}

/// True when bytes look like an X12 interchange: `ISA` first, after a BOM or spaces.
pub fn looks_like_x12(text: &str) -> bool {
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

    #[test]
    fn utf16_without_a_bom_is_told_by_its_nul_bytes_and_written_back_the_same() {
        let text = "ISA*00*~\r\nNM1*IL*MÜLLER~";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, encoding) in [(le, Encoding::Utf16LeNoBom), (be, Encoding::Utf16BeNoBom)] {
            assert_eq!(detect(&bytes), encoding);
            assert_eq!(decode(&bytes), text);
            assert_eq!(encode(&decode(&bytes), encoding).as_deref(), Some(&bytes[..]), "{encoding:?}");
        }
        // One NUL in UTF-8 text is not UTF-16.
        assert_eq!(detect(b"ISA*00*\0*~"), Encoding::Utf8);
        assert_eq!(detect(b"I\0"), Encoding::Utf8, "too short to tell");
    }

    #[test]
    fn writes_back_what_it_read() {
        for bytes in
            [&b"\xEF\xBB\xBFISA*"[..], b"\xFF\xFEI\0S\0A\0", b"\xFE\xFF\0I\0S\0A", b"NM1*IL*M\xDCLLER", b"ISA~\r\n"]
        {
            let encoding = detect(bytes);
            assert_eq!(encode(&decode(bytes), encoding).as_deref(), Some(bytes), "{encoding:?}");
        }
        assert_eq!(encode("NM1*Ł", Encoding::Latin1), None, "Ł has no Latin-1 byte");
    }
}
