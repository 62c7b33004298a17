//! `textDocument/codeAction`: the fixes of the findings under the cursor, the drug-line
//! repairs where no rule complains, and "fix all" (`source.fixAll`).
//!
//! Edits go out as a `WorkspaceEdit` on the analysed version of the document: with
//! `documentChanges` (versioned, so a client refuses an edit made for older text) when
//! the client supports it, else as plain `changes`.

use std::collections::HashMap;

use tower_lsp::lsp_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};

use super::convert;
use crate::analysis::{Analysis, Environment};
use crate::fix::{self, Edit, Fix};
use crate::syntax::Span;
use crate::text::PositionEncoding;

/// The document the actions are for, as the client knows it.
pub(super) struct Target<'a> {
    pub uri: &'a Url,
    pub version: i32,
    pub encoding: PositionEncoding,
    /// The client takes `documentChanges` (versioned edits).
    pub document_changes: bool,
}

/// The code actions for `span` of an analysed document. `only` is the client's filter
/// (`quickfix`, `source.fixAll`, …); `None` asks for everything.
pub(super) fn actions(
    analysis: &Analysis,
    environment: &Environment,
    span: Span,
    only: Option<&[CodeActionKind]>,
    target: &Target<'_>,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|asked| {
                kind.as_str() == asked.as_str() || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
            })
        })
    };
    let mut actions = Vec::new();
    let mut any_safe = false;
    if wants(&CodeActionKind::QUICKFIX) {
        for diagnostic in analysis.diagnostics.iter().filter(|d| overlaps(d.span, span)) {
            let published = convert::diagnostic(analysis.rope(), diagnostic, target.encoding);
            for fix in fix::fixes_for(&analysis.file, environment, diagnostic) {
                any_safe |= fix.safe;
                actions.push(action(analysis, fix, Some(published.clone()), CodeActionKind::QUICKFIX, target));
            }
        }
        for fix in fix::assists_at(analysis, environment, span) {
            actions.push(action(analysis, fix, None, CodeActionKind::QUICKFIX, target));
        }
    }
    // Fix-all re-checks the file until nothing safe is left: offered when asked for, or
    // beside a safe quick fix (where a user looking at one would want them all).
    let asked_for_fix_all = only.is_some() && wants(&CodeActionKind::SOURCE_FIX_ALL);
    if asked_for_fix_all || (only.is_none() && any_safe) {
        let all = fix::fix_all(&analysis.file.text, environment);
        if !all.edits.is_empty() {
            let count = all.applied.len();
            let title =
                format!("Fix all safe problems in this file ({count} {})", if count == 1 { "fix" } else { "fixes" });
            let fix = Fix { title, edits: all.edits, preferred: false, safe: true };
            actions.push(action(analysis, fix, None, CodeActionKind::SOURCE_FIX_ALL, target));
        }
    }
    actions
}

/// A finding under the cursor: spans that overlap, or touch where the cursor is.
fn overlaps(finding: Span, cursor: Span) -> bool {
    finding.start <= cursor.end && cursor.start <= finding.end
}

fn action(
    analysis: &Analysis,
    fix: Fix,
    diagnostic: Option<lsp::Diagnostic>,
    kind: CodeActionKind,
    target: &Target<'_>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(workspace_edit(analysis, &fix.edits, target)),
        is_preferred: fix.preferred.then_some(true),
        ..CodeAction::default()
    })
}

fn workspace_edit(analysis: &Analysis, edits: &[Edit], target: &Target<'_>) -> WorkspaceEdit {
    let rope = analysis.rope();
    let text_edits: Vec<TextEdit> = edits
        .iter()
        .map(|edit| TextEdit { range: convert::range(rope, edit.span, target.encoding), new_text: edit.text.clone() })
        .collect();
    if target.document_changes {
        let document = TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: target.uri.clone(),
                version: Some(target.version),
            },
            edits: text_edits.into_iter().map(OneOf::Left).collect(),
        };
        WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(vec![document])), ..WorkspaceEdit::default() }
    } else {
        WorkspaceEdit { changes: Some(HashMap::from([(target.uri.clone(), text_edits)])), ..WorkspaceEdit::default() }
    }
}
