//! Positions: byte offsets inside, lines and columns at the edges (LSP, terminal).
//!
//! Lines end at `\n`, `\r\n` or `\r`, as the LSP specification counts them; ropey is
//! built without its Unicode line breaks so that U+2028 in a name does not shift lines.

use ropey::Rope;

/// How columns are counted: what the client negotiated, or characters for humans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
    /// Unicode scalar values: what a person counts, and the CLI's columns.
    Utf32,
}

/// A zero-based line and column in some encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Byte offset → line and column. Offsets past the end clamp to the end.
pub fn line_column(rope: &Rope, offset: usize, encoding: PositionEncoding) -> LineColumn {
    let offset = offset.min(rope.len_bytes());
    let line = rope.try_byte_to_line(offset).unwrap_or(0);
    let line_byte = rope.try_line_to_byte(line).unwrap_or(0);
    let column = match encoding {
        PositionEncoding::Utf8 => offset.saturating_sub(line_byte),
        PositionEncoding::Utf16 | PositionEncoding::Utf32 => {
            let char_at = rope.try_byte_to_char(offset).unwrap_or(0);
            let line_char = rope.try_line_to_char(line).unwrap_or(0);
            if encoding == PositionEncoding::Utf32 {
                char_at.saturating_sub(line_char)
            } else {
                let end = rope.try_char_to_utf16_cu(char_at).unwrap_or(0);
                let start = rope.try_char_to_utf16_cu(line_char).unwrap_or(0);
                end.saturating_sub(start)
            }
        }
    };
    LineColumn { line, column }
}

/// Line and column → byte offset. A line past the end gives the end of the text; a
/// column past the end of its line gives the end of that line, as the LSP spec asks.
pub fn offset(rope: &Rope, position: LineColumn, encoding: PositionEncoding) -> usize {
    if position.line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let Ok(line_char) = rope.try_line_to_char(position.line) else { return rope.len_bytes() };
    let line_slice = rope.line(position.line);
    let content_chars = line_slice.len_chars() - line_break_chars(&line_slice);
    let char_in_line = match encoding {
        PositionEncoding::Utf8 => {
            let byte = position.column.min(line_slice.len_bytes());
            line_slice.try_byte_to_char(byte).unwrap_or(content_chars)
        }
        PositionEncoding::Utf16 => {
            let units = position.column.min(line_slice.len_utf16_cu());
            line_slice.try_utf16_cu_to_char(units).unwrap_or(content_chars)
        }
        PositionEncoding::Utf32 => position.column,
    }
    .min(content_chars);
    rope.try_char_to_byte(line_char + char_in_line).unwrap_or(rope.len_bytes())
}

fn line_break_chars(line: &ropey::RopeSlice<'_>) -> usize {
    let length = line.len_chars();
    let last = length.checked_sub(1).map(|i| line.char(i));
    let before = length.checked_sub(2).map(|i| line.char(i));
    match (before, last) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_units_outside_the_bmp() {
        let rope = Rope::from_str("NM1*IL*𝔄é*X~\nSV1*HC:J2700*4~");
        let after = "NM1*IL*𝔄é".len();
        assert_eq!(line_column(&rope, after, PositionEncoding::Utf16), LineColumn { line: 0, column: 10 });
        assert_eq!(line_column(&rope, after, PositionEncoding::Utf32), LineColumn { line: 0, column: 9 });
        assert_eq!(line_column(&rope, after, PositionEncoding::Utf8), LineColumn { line: 0, column: after });
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            let position = line_column(&rope, after, encoding);
            assert_eq!(offset(&rope, position, encoding), after);
        }
    }

    #[test]
    fn clamps_past_the_end_and_counts_cr_lines() {
        let rope = Rope::from_str("ab\r\ncd\re\u{2028}f");
        assert_eq!(offset(&rope, LineColumn { line: 0, column: 99 }, PositionEncoding::Utf16), 2);
        assert_eq!(offset(&rope, LineColumn { line: 9, column: 0 }, PositionEncoding::Utf16), rope.len_bytes());
        assert_eq!(line_column(&rope, 7, PositionEncoding::Utf16).line, 2);
        assert_eq!(line_column(&rope, rope.len_bytes(), PositionEncoding::Utf32).line, 2);
    }
}
