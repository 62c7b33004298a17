//! The four X12 delimiters and how the ISA segment declares them.

/// Separators declared by an ISA segment. All are single ASCII bytes, so splitting
/// UTF-8 text on them can never cut a character in half.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delimiters {
    pub element: u8,
    /// ISA11 in 5010; absent in 4010 files, where ISA11 is the standards identifier `U`.
    pub repetition: Option<u8>,
    pub component: u8,
    pub segment: u8,
}

impl Delimiters {
    /// What a file is read with when its ISA cannot tell: `* ^ : ~`.
    pub const FALLBACK: Delimiters =
        Delimiters { element: b'*', repetition: Some(b'^'), component: b':', segment: b'~' };

    /// The ISA is fixed-width: its element separator follows the segment id, the
    /// repetition separator is ISA11, the component separator is ISA16, and the segment
    /// terminator follows ISA16.
    pub const ELEMENT_OFFSET: usize = 3;
    pub const REPETITION_OFFSET: usize = 82;
    pub const COMPONENT_OFFSET: usize = 104;
    pub const SEGMENT_OFFSET: usize = 105;
    /// Length of a whole ISA segment including its terminator.
    pub const ISA_LENGTH: usize = 106;
    /// Where the 16 element separators of a well-formed ISA sit.
    pub const ISA_SEPARATOR_OFFSETS: [usize; 16] = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];

    /// Reads the delimiters of a fixed-width ISA starting at `isa`. Returns why not when
    /// the ISA is not whole or declares unusable separators.
    pub fn from_isa(isa: &[u8]) -> Result<Delimiters, String> {
        if isa.len() < Self::ISA_LENGTH {
            return Err(format!(
                "ISA is cut short: a whole ISA is {} characters including its terminator",
                Self::ISA_LENGTH
            ));
        }
        let element = isa.get(Self::ELEMENT_OFFSET).copied().unwrap_or(b'*');
        for (index, offset) in Self::ISA_SEPARATOR_OFFSETS.iter().enumerate() {
            if isa.get(*offset) != Some(&element) {
                let width_of = if index == 0 { "the segment id".to_string() } else { format!("ISA{index:02}") };
                return Err(format!(
                    "ISA is not fixed-width: {width_of} has the wrong length (expected an element separator at column {})",
                    offset + 1
                ));
            }
        }
        let component = isa.get(Self::COMPONENT_OFFSET).copied().unwrap_or(b':');
        let segment = isa.get(Self::SEGMENT_OFFSET).copied().unwrap_or(b'~');
        let repetition = isa.get(Self::REPETITION_OFFSET).copied();
        Self::checked(element, repetition, component, segment)
    }

    /// Reads the delimiters of a damaged ISA by counting element separators instead of
    /// columns, the way tolerant readers do. `None` when even that is impossible.
    pub fn from_damaged_isa(isa: &[u8]) -> Option<Delimiters> {
        let element = *isa.get(Self::ELEMENT_OFFSET)?;
        if !is_separator_candidate(element) {
            return None;
        }
        let mut separators = isa.iter().enumerate().filter(|(_, byte)| **byte == element).map(|(at, _)| at);
        let isa11_start = separators.nth(10)? + 1;
        let isa16_start = separators.nth(4)? + 1;
        let repetition = match (isa.get(isa11_start), isa.get(isa11_start + 1)) {
            (Some(byte), Some(next)) if *next == element => Some(*byte),
            _ => None,
        };
        let component = *isa.get(isa16_start)?;
        let segment = *isa.get(isa16_start + 1)?;
        Self::checked(element, repetition, component, segment).ok()
    }

    fn checked(element: u8, repetition: Option<u8>, component: u8, segment: u8) -> Result<Delimiters, String> {
        for (name, byte) in [("element separator", element), ("component separator (ISA16)", component)] {
            if !is_separator_candidate(byte) {
                return Err(format!("the {name} must be a punctuation character"));
            }
        }
        if segment.is_ascii_alphanumeric() || segment == b' ' || !segment.is_ascii() {
            return Err("the segment terminator after ISA16 must be a punctuation character or a line break".into());
        }
        if element == component || element == segment || component == segment {
            return Err("the ISA declares the same character for two different delimiters".into());
        }
        // In 4010 ISA11 is the standards identifier (`U`), not a separator.
        let repetition =
            repetition.filter(|byte| is_separator_candidate(*byte) && ![element, component, segment].contains(byte));
        Ok(Delimiters { element, repetition, component, segment })
    }
}

fn is_separator_candidate(byte: u8) -> bool {
    byte.is_ascii_punctuation() || byte == b'|' || (byte.is_ascii_control() && !matches!(byte, b'\r' | b'\n' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::Delimiters;

    const ISA: &str =
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";

    #[test]
    fn reads_the_declared_separators() {
        assert_eq!(Delimiters::from_isa(ISA.as_bytes()), Ok(Delimiters::FALLBACK));
        let odd = ISA.replace('*', "|").replace(":~", ">\n").replace('^', "_");
        let delimiters = Delimiters::from_isa(odd.as_bytes());
        assert_eq!(
            delimiters,
            Ok(Delimiters { element: b'|', repetition: Some(b'_'), component: b'>', segment: b'\n' })
        );
    }

    #[test]
    fn a_4010_isa11_is_not_a_repetition_separator() {
        let isa = ISA.replace("*^*00501", "*U*00401");
        assert_eq!(Delimiters::from_isa(isa.as_bytes()).map(|d| d.repetition), Ok(None));
    }

    #[test]
    fn a_damaged_isa_is_refused_but_still_read_by_counting() {
        let damaged = ISA.replace("*          *00*", "*         *00*");
        assert!(Delimiters::from_isa(damaged.as_bytes()).is_err());
        assert_eq!(Delimiters::from_damaged_isa(damaged.as_bytes()), Some(Delimiters::FALLBACK));
        assert!(Delimiters::from_isa(b"ISA*00").is_err());
        assert_eq!(Delimiters::from_damaged_isa(b"ISA*00"), None);
    }
}
