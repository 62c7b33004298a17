//! The lossless record reader: header dialect (BOM, delimiter), RFC 4180 quoting, LF or
//! CRLF, and a byte span on every record, line ending and cell. It never fails: a
//! missing closing quote runs to the end of the text, stray bytes after a closing quote
//! make the cell an unquoted one, and every span lies on character boundaries.

use std::borrow::Cow;

use crate::syntax::Span;

const BOM: &str = "\u{feff}";
/// The delimiters a header may use, in the order a tie is broken.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// One record: the header or a data row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// The record's bytes, without its line ending (a quoted field may span lines).
    pub span: Span,
    /// Its `"\n"` or `"\r\n"`; empty at the end of the text without one.
    pub line_end: Span,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> Option<&Cell> {
        self.cells.get(column)
    }
}

/// One field of a record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    /// The raw bytes, quotes included.
    pub span: Span,
    /// True when the field is written in quotes (`"$1,200.00"`).
    pub quoted: bool,
}

impl Cell {
    /// The value: inside the quotes with `""` unescaped; borrowed when nothing needs
    /// unescaping.
    pub fn text<'t>(&self, source: &'t str) -> Cow<'t, str> {
        let value = self.value_span().text(source);
        if self.quoted && value.contains("\"\"") {
            Cow::Owned(value.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(value)
        }
    }

    /// The span of the value inside the quotes, for replacing a value in place. For an
    /// unquoted cell, the cell's span.
    pub fn value_span(&self) -> Span {
        if self.quoted && self.span.len() >= 2 {
            Span::new(self.span.start + 1, self.span.end - 1)
        } else {
            self.span
        }
    }
}

/// The records of a delimited text, header first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Records {
    pub delimiter: u8,
    pub header: Row,
    pub rows: Vec<Row>,
}

/// Reads `text` into records. Blank lines (empty, or only delimiters and spaces) between
/// records are skipped: their bytes belong to no row. A BOM before the header belongs to
/// no row either.
pub(super) fn read(text: &str) -> Records {
    let bytes = text.as_bytes();
    let start = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let delimiter = sniff_delimiter(bytes, start);
    if start >= bytes.len() {
        let empty = Span::new(start, start);
        return Records {
            delimiter,
            header: Row { span: empty, line_end: empty, cells: Vec::new() },
            rows: Vec::new(),
        };
    }
    let mut reader = Reader { bytes, delimiter, position: start, columns: 0 };
    let header = reader.record();
    reader.columns = header.cells.len();
    // One row per line at most (quoted line breaks only make fewer): sized once, the row
    // list never moves while it grows.
    let mut rows = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count().saturating_add(1));
    while reader.position < bytes.len() {
        let row = reader.record();
        if !is_blank(bytes, &row) {
            rows.push(row);
        }
    }
    Records { delimiter, header, rows }
}

/// Reads the records of `text` that start at `from` (the start of a record) up to `to`,
/// as [`read`] reads them from the whole text — `None` unless they end exactly at `to`
/// (a quoted field running past `to` would read differently). An edited file's changed
/// rows are read this way without reading the rest; blank records are skipped.
pub(super) fn read_between(text: &str, from: usize, to: usize, delimiter: u8, columns: usize) -> Option<Vec<Row>> {
    // Reading stops at `to`: a record that would run on past it reads as ending there,
    // without a line end, and is refused below.
    let bytes = text.as_bytes().get(..to)?;
    if from > to || !text.is_char_boundary(from) {
        return None;
    }
    let mut reader = Reader { bytes, delimiter, position: from, columns };
    let mut rows = Vec::new();
    while reader.position < to {
        let row = reader.record();
        if to < text.len() && row.line_end.end == to && row.line_end.is_empty() {
            return None;
        }
        if !is_blank(bytes, &row) {
            rows.push(row);
        }
    }
    Some(rows)
}

/// The delimiter the header line uses most outside quotes; a comma when it uses none.
fn sniff_delimiter(bytes: &[u8], start: usize) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut in_quotes = false;
    for &byte in bytes.get(start..).unwrap_or_default() {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(index) = DELIMITERS.iter().position(|&d| d == byte) {
                    counts[index] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for (index, &count) in counts.iter().enumerate() {
        if count > counts[best] {
            best = index;
        }
    }
    DELIMITERS[best]
}

/// A record whose cells are all empty or spaces, unquoted: an empty line, or the
/// `,,,,` rows spreadsheets leave at the bottom of an export.
fn is_blank(bytes: &[u8], row: &Row) -> bool {
    row.cells.iter().all(|cell| {
        !cell.quoted && bytes.get(cell.span.start..cell.span.end).is_some_and(|b| b.iter().all(|&c| c == b' '))
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    position: usize,
    /// The header's cell count: the room each row's cells start with.
    columns: usize,
}

impl Reader<'_> {
    /// Reads the record at `position` and moves past its line ending.
    fn record(&mut self) -> Row {
        let start = self.position;
        let line_end = find_byte(self.bytes, start, b'\n').unwrap_or(self.bytes.len());
        let line = self.bytes.get(start..line_end).unwrap_or_default();
        let mut cells = Vec::with_capacity(self.columns);
        let end = if memchr::memchr(b'"', line).is_some() {
            self.quoted_record(&mut cells)
        } else {
            self.plain_record(start, line_end, &mut cells)
        };
        self.finish(start, end, cells)
    }

    /// A record with no quote on its line: split the line at the delimiter.
    fn plain_record(&mut self, start: usize, line_end: usize, cells: &mut Vec<Cell>) -> usize {
        let end = record_end(self.bytes, start, line_end);
        let mut cell_start = start;
        for offset in memchr::memchr_iter(self.delimiter, self.bytes.get(start..end).unwrap_or_default()) {
            cells.push(Cell { span: Span::new(cell_start, start + offset), quoted: false });
            cell_start = start + offset + 1;
        }
        cells.push(Cell { span: Span::new(cell_start, end), quoted: false });
        end
    }

    /// A record with quotes: a field that starts with `"` runs to its closing quote (a
    /// `""` inside is an escaped quote), across delimiters and line breaks.
    fn quoted_record(&mut self, cells: &mut Vec<Cell>) -> usize {
        let bytes = self.bytes;
        let mut position = self.position;
        loop {
            let cell_start = position;
            // Whether the field opened with a quote and found its closing one.
            let mut closed = false;
            let quoted = bytes.get(position) == Some(&b'"');
            if quoted {
                position += 1;
                loop {
                    match find_byte(bytes, position, b'"') {
                        Some(quote) if bytes.get(quote + 1) == Some(&b'"') => position = quote + 2,
                        Some(quote) => {
                            position = quote + 1;
                            closed = true;
                            break;
                        }
                        None => {
                            position = bytes.len();
                            break;
                        }
                    }
                }
            }
            // Up to the next delimiter or line ending; bytes after a closing quote make
            // the cell an unquoted one (its raw bytes are its value).
            let mut stray = false;
            while let Some(&byte) = bytes.get(position) {
                if byte == self.delimiter || byte == b'\n' || (byte == b'\r' && bytes.get(position + 1) == Some(&b'\n'))
                {
                    break;
                }
                stray = true;
                position += 1;
            }
            // A quoted cell ends in its closing quote; one the text ended inside is read
            // as unquoted, so its value is its raw bytes.
            let span = Span::new(cell_start, position);
            cells.push(Cell { span, quoted: quoted && !stray && closed });
            match bytes.get(position) {
                Some(&byte) if byte == self.delimiter => position += 1,
                _ => return position,
            }
        }
    }

    fn finish(&mut self, start: usize, end: usize, cells: Vec<Cell>) -> Row {
        let bytes = self.bytes;
        let after = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(b'\n') => end + 1,
            _ => end,
        };
        self.position = after.max(end);
        Row { span: Span::new(start, end), line_end: Span::new(end, after), cells }
    }
}

/// Where the record on `start..line_end` ends: before a `\r` that precedes the `\n`.
fn record_end(bytes: &[u8], start: usize, line_end: usize) -> usize {
    if line_end > start && bytes.get(line_end - 1) == Some(&b'\r') && bytes.get(line_end) == Some(&b'\n') {
        line_end - 1
    } else {
        line_end
    }
}

fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    memchr::memchr(needle, bytes.get(from..)?).map(|offset| from + offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(text: &str, row: &Row) -> Vec<String> {
        row.cells.iter().map(|cell| cell.text(text).into_owned()).collect()
    }

    /// Every byte is in the BOM, the header, a row, a line end, or a skipped blank line;
    /// the pieces are in order, never overlap, and lie on character boundaries.
    fn assert_lossless(text: &str, records: &Records) {
        let mut position = if text.starts_with(BOM) { BOM.len() } else { 0 };
        for row in std::iter::once(&records.header).chain(&records.rows) {
            let skipped = text.get(position..row.span.start).unwrap_or_else(|| panic!("{position}..{:?}", row.span));
            assert!(
                skipped
                    .split('\n')
                    .all(|line| line.trim_end_matches('\r').bytes().all(|b| b == b' ' || b == records.delimiter)),
                "only blank lines between rows: {skipped:?}"
            );
            assert!(row.span.end == row.line_end.start && row.line_end.end <= text.len());
            assert!(text.is_char_boundary(row.span.start) && text.is_char_boundary(row.line_end.end));
            assert!(matches!(row.line_end.text(text), "" | "\n" | "\r\n"));
            let mut cell_position = row.span.start;
            for cell in &row.cells {
                assert!(
                    cell.span.start >= cell_position && cell.span.end <= row.span.end,
                    "{:?} in {:?}",
                    cell.span,
                    row.span
                );
                assert!(text.is_char_boundary(cell.span.start) && text.is_char_boundary(cell.span.end));
                let value = cell.value_span();
                assert!(text.is_char_boundary(value.start) && text.is_char_boundary(value.end));
                assert!(cell.span.start <= value.start && value.end <= cell.span.end);
                cell_position = cell.span.end;
            }
            position = row.line_end.end;
        }
        let rest = text.get(position..).unwrap_or_default();
        assert!(
            rest.split('\n')
                .all(|line| line.trim_end_matches('\r').bytes().all(|b| b == b' ' || b == records.delimiter)),
            "{rest:?}"
        );
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header() {
        assert_eq!(read("a,b,c\n1,2,3\n").delimiter, b',');
        assert_eq!(read("a\tb\tc\n").delimiter, b'\t');
        assert_eq!(read("a;b;c\n").delimiter, b';');
        assert_eq!(read("a|b|c\n").delimiter, b'|');
        assert_eq!(read("\"Charge, $\";Units;DOS\n").delimiter, b';', "a comma inside quotes does not count");
        assert_eq!(read("a\tb,c\td\n").delimiter, b'\t');
        assert_eq!(read("single\n").delimiter, b',');
        assert_eq!(read("").delimiter, b',');
    }

    #[test]
    fn quoted_fields_hold_delimiters_quotes_and_line_breaks() {
        let text = "CPT,Description,Charge\nJ9035,\"bevacizumab, 10 mg\",\"$1,200.00\"\nJ1100,\"dexa \"\"PF\"\"\nline two\",45\n";
        let records = read(text);
        assert_eq!(records.rows.len(), 2);
        assert_eq!(values(text, &records.rows[0]), ["J9035", "bevacizumab, 10 mg", "$1,200.00"]);
        assert_eq!(values(text, &records.rows[1]), ["J1100", "dexa \"PF\"\nline two", "45"]);
        let cell = records.rows[0].cells[2];
        assert!(cell.quoted);
        assert_eq!(cell.span.text(text), "\"$1,200.00\"");
        assert_eq!(cell.value_span().text(text), "$1,200.00");
        assert!(matches!(records.rows[0].cells[1].text(text), std::borrow::Cow::Borrowed(_)));
        assert_lossless(text, &records);
    }

    #[test]
    fn crlf_line_ends_are_not_part_of_the_last_cell() {
        let text = "CPT;Units\r\nJ9035;10\r\n\"J1100\";4\r\n";
        let records = read(text);
        assert_eq!(values(text, &records.header), ["CPT", "Units"]);
        assert_eq!(values(text, &records.rows[0]), ["J9035", "10"]);
        assert_eq!(values(text, &records.rows[1]), ["J1100", "4"]);
        assert_eq!(records.rows[1].line_end.text(text), "\r\n");
        assert_lossless(text, &records);
    }

    #[test]
    fn a_bom_belongs_to_no_cell() {
        let text = "\u{feff}CPT,Units\nJ9035,10";
        let records = read(text);
        assert_eq!(records.header.span.start, 3);
        assert_eq!(values(text, &records.header), ["CPT", "Units"]);
        assert_eq!(records.rows[0].line_end, Span::new(text.len(), text.len()), "no line end at EOF");
        assert_lossless(text, &records);
    }

    #[test]
    fn blank_lines_and_empty_spreadsheet_rows_are_skipped() {
        let text = "CPT,Units\n\nJ9035,10\r\n\r\n,,\n  ,\nJ1100,4\n\n";
        let records = read(text);
        assert_eq!(records.rows.iter().map(|r| values(text, r)[0].clone()).collect::<Vec<_>>(), ["J9035", "J1100"]);
        assert_lossless(text, &records);
        let quoted_empty = "CPT\n\"\"\n";
        assert_eq!(read(quoted_empty).rows.len(), 1, "a quoted empty value is a row");
    }

    #[test]
    fn malformed_quoting_is_read_without_failing() {
        let text = "a,b\n\"open,2\nmore";
        let records = read(text);
        assert_eq!(records.rows.len(), 1);
        let cell = records.rows[0].cells[0];
        assert!(!cell.quoted, "an unterminated quote reads as raw text");
        assert_eq!(cell.text(text), "\"open,2\nmore");
        assert_lossless(text, &records);

        let text = "a,b\n\"x\"y,2\nq\"r,3\n";
        let records = read(text);
        assert_eq!(values(text, &records.rows[0]), ["\"x\"y", "2"]);
        assert_eq!(values(text, &records.rows[1]), ["q\"r", "3"]);
        assert_lossless(text, &records);
    }

    #[test]
    fn empty_text_has_an_empty_header() {
        let records = read("");
        assert!(records.header.cells.is_empty() && records.rows.is_empty());
        let records = read("\u{feff}");
        assert!(records.header.cells.is_empty());
        assert_eq!(records.header.span, Span::new(3, 3));
    }

    #[test]
    fn ragged_rows_keep_the_cells_they_have() {
        let text = "a,b,c\n1\n1,2,3,4\n";
        let records = read(text);
        assert_eq!(records.rows[0].cells.len(), 1);
        assert_eq!(records.rows[0].cell(2), None);
        assert_eq!(records.rows[1].cells.len(), 4);
    }

    proptest! {
        #[test]
        fn any_text_reads_losslessly_without_panicking(text in "(?s).{0,200}") {
            let records = read(&text);
            assert_lossless(&text, &records);
        }

        #[test]
        fn csv_like_text_reads_losslessly(text in "[a\"b,;\t|\r\n é]{0,120}") {
            let records = read(&text);
            assert_lossless(&text, &records);
            for row in std::iter::once(&records.header).chain(&records.rows) {
                for cell in &row.cells {
                    let _ = cell.text(&text);
                }
            }
        }
    }
}
