//! "Fix all": every safe fix in a file, repeated until none is left.
//!
//! One round checks the text, takes the first safe fix of every finding, keeps those
//! whose edits do not overlap an earlier one, and applies them together; the next round
//! checks the result. A fix can make another necessary (removing a segment changes
//! SE01), so rounds go on until a check finds nothing safe to fix: running fix-all on
//! its own output changes nothing.

use super::fixes::safe_fixes_for;
use crate::analysis::{Analysis, DocumentKind};
use crate::config::Environment;
use crate::edit::{self, Edit};

/// Rounds after which fix-all stops even if fixes keep coming (they should not: every
/// safe fix removes its finding).
const MAX_ROUNDS: usize = 8;

/// What fix-all did to a text.
pub struct FixAll {
    pub text: String,
    /// Edits on the original text giving `text`.
    pub edits: Vec<Edit>,
    /// `(rule id, fix title)` of each fix applied, in order.
    pub applied: Vec<(&'static str, String)>,
    /// False when [`MAX_ROUNDS`] ran out with safe fixes still offered.
    pub settled: bool,
}

pub fn fix_all(original: &str, kind: &DocumentKind, environment: &Environment) -> FixAll {
    let mut text = original.to_string();
    let mut edits: Vec<Edit> = Vec::new();
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let analysis = Analysis::of_document(text, kind, environment);
        let mut round: Vec<Edit> = Vec::new();
        for diagnostic in &analysis.diagnostics {
            let Some(fix) = safe_fixes_for(&analysis, environment, diagnostic).into_iter().next() else {
                continue;
            };
            // Two findings on one element (every LX of a claim offers the same
            // renumbering) give overlapping fixes: the first one wins this round.
            let overlaps = fix.edits.iter().any(|new| round.iter().any(|old| conflict(old, new)));
            if overlaps {
                continue;
            }
            round.extend(fix.edits);
            applied.push((diagnostic.rule, fix.title));
        }
        text = analysis.into_text();
        if round.is_empty() {
            return FixAll { text, edits, applied, settled: true };
        }
        let (Some(next), Some(composed)) = (edit::apply(&text, &round), edit::compose(original, &edits, &round)) else {
            tracing::error!("fix-all produced overlapping edits; stopping with the fixes so far");
            return FixAll { text, edits, applied, settled: false };
        };
        text = next;
        edits = composed;
    }
    FixAll { text, edits, applied, settled: false }
}

/// Whether two edits touch the same bytes; an insertion counts as touching the byte it
/// stands before, so two insertions at one offset are never ordered by chance.
fn conflict(a: &Edit, b: &Edit) -> bool {
    let end = |edit: &Edit| edit.span.end.max(edit.span.start + 1);
    a.span.start < end(b) && b.span.start < end(a)
}
