//! A charge file as the checker reads it: its text, the table the charge reader found,
//! and whether it is a charge file at all (any other CSV is left alone).

use crate::csv::{self, ChargeTable, Detection};

#[derive(Debug)]
pub struct ChargeFile {
    pub text: String,
    /// The file's name without folders, as detection saw it.
    pub file_name: Option<String>,
    pub table: ChargeTable,
    pub detection: Detection,
}

impl ChargeFile {
    /// Reads `text`; `file_name` lets `*.charges.csv` count as a charge file whatever
    /// its content.
    pub fn parse(text: String, file_name: Option<&str>) -> Self {
        let table = csv::parse(&text);
        let detection = csv::detect(&table, &text, file_name);
        Self { text, file_name: file_name.map(str::to_string), table, detection }
    }

    /// Whether anything should look at this file.
    pub fn is_charges(&self) -> bool {
        self.detection != Detection::NotCharges
    }

    /// The 1-based line of the file a byte offset is on (rows are named by it).
    pub fn line_number(&self, offset: usize) -> usize {
        let before = self.text.get(..offset).unwrap_or(&self.text);
        before.bytes().filter(|b| *b == b'\n').count() + 1
    }
}
