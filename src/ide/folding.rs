//! Folding: every envelope (ISA, GS, ST), HL loop, claim and service-line loop, as the
//! byte range it covers. The protocol edge turns them into lines and drops those that
//! begin and end on one line (a one-line file folds nothing).

use crate::ide::symbols::{self, Symbol};
use crate::model::ClaimFile;
use crate::syntax::Span;

/// The ranges to fold, outermost first, in document order.
pub fn folding_ranges(file: &ClaimFile) -> Vec<Span> {
    let mut ranges = Vec::new();
    collect(&symbols::document_symbols(file), &mut ranges);
    ranges
}

fn collect(symbols: &[Symbol], ranges: &mut Vec<Span>) {
    for symbol in symbols {
        ranges.push(symbol.span);
        collect(&symbol.children, ranges);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_levels_claims_and_lines_fold() {
        let text = include_str!("../../fixtures/claims/clean-837p.837");
        let file = ClaimFile::parse(text.to_string());
        let first_words: Vec<&str> =
            folding_ranges(&file).iter().map(|span| span.text(text).get(..6).unwrap_or_default()).collect();
        assert_eq!(first_words, ["ISA*00", "GS*HC*", "ST*837", "HL*1**", "HL*2*1", "CLM*PC", "LX*1~\n", "LX*2~\n"]);
    }
}
