//! Plain-word meanings of qualifier codes (`data/x12/qualifiers.tsv`, written by hand).

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

const QUALIFIERS: &str = include_str!("../../data/x12/qualifiers.tsv");

#[derive(Debug)]
pub(crate) struct QualifierRow {
    /// `None` matches any position: HI carries a qualifier in each of HI01 … HI12.
    pub(crate) element: Option<usize>,
    pub(crate) component: Option<usize>,
    pub(crate) code: &'static str,
    pub(crate) meaning: &'static str,
}

#[derive(Debug, Default)]
pub(crate) struct QualifierTable {
    pub(crate) by_segment: HashMap<&'static str, Vec<QualifierRow>>,
    pub(crate) skipped_rows: usize,
}

fn parse() -> QualifierTable {
    let mut table = QualifierTable::default();
    let data_rows = QUALIFIERS.lines().filter(|line| !line.starts_with('#') && !line.is_empty());
    for line in data_rows.skip(1) {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [segment, element, component, code, meaning] = fields[..] else {
            table.skipped_rows += 1;
            continue;
        };
        let element = match element {
            "*" => Some(None),
            number => number.parse().ok().map(Some),
        };
        let component = match component {
            "-" => Some(None),
            number => number.parse().ok().map(Some),
        };
        let (Some(element), Some(component)) = (element, component) else {
            table.skipped_rows += 1;
            continue;
        };
        table.by_segment.entry(segment).or_default().push(QualifierRow { element, component, code, meaning });
    }
    table
}

pub(crate) fn table() -> &'static QualifierTable {
    static TABLE: OnceLock<QualifierTable> = OnceLock::new();
    TABLE.get_or_init(parse)
}

pub(crate) fn meaning(
    segment_id: &str,
    position: usize,
    component: Option<usize>,
    value: &str,
) -> Option<&'static str> {
    let value = value.trim();
    table()
        .by_segment
        .get(segment_id)?
        .iter()
        .find(|row| {
            row.element.is_none_or(|element| element == position) && row.component == component && row.code == value
        })
        .map(|row| row.meaning)
}
