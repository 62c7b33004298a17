//! `textDocument/codeAction`: the fixes of the findings under the cursor, the drug-line
//! repairs where no rule complains, and "fix all" (`source.fixAll`).
//!
//! Edits go out as a `WorkspaceEdit` on the analysed version of the document: with
//! `documentChanges` (versioned, so a client refuses an edit made for older text) when
//! the client supports it, else as plain `changes`.
//!
//! A client that can resolve actions (`codeAction/resolve` with `edit`) gets the list
//! without edits, and the chosen action's edit when it asks: a JW line settles SE01, LX
//! and CLM02 by reading the whole file again, and fix-all checks it several times, which
//! on a batch of tens of megabytes is work to do for the one action a user picks, not
//! for every cursor move.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::convert;
use crate::analysis::Analysis;
use crate::config::Environment;
use crate::edit::{Edit, Fix};
use crate::ide::{self, fixes};
use crate::syntax::Span;
use crate::text::PositionEncoding;

/// The document the actions are for, as the client knows it.
pub(super) struct Target<'a> {
    pub uri: &'a Uri,
    pub version: i32,
    pub encoding: PositionEncoding,
    /// The client takes `documentChanges` (versioned edits).
    pub document_changes: bool,
    /// The client resolves an action's `edit` when the user picks it.
    pub resolves_edits: bool,
}

/// What `codeAction/resolve` needs to find an action again: which finding (by rule and
/// byte range) or cursor it was for, in which version. Byte offsets are the server's own
/// and never read by the client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ResolveData {
    pub uri: Uri,
    pub version: i32,
    pub kind: ActionKind,
    pub rule: Option<String>,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum ActionKind {
    Fix,
    Assist,
    FixAll,
}

/// The title of the fix-all action when its edits are resolved later (the count of
/// fixes is known only then).
const FIX_ALL_TITLE: &str = "Fix all safe problems in this file";

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
    let lazy = target.resolves_edits;
    let data = |kind: ActionKind, rule: Option<&str>, at: Span| ResolveData {
        uri: target.uri.clone(),
        version: target.version,
        kind,
        rule: rule.map(String::from),
        start: at.start,
        end: at.end,
    };
    let mut actions = Vec::new();
    let mut any_safe = false;
    if wants(&CodeActionKind::QUICKFIX) {
        for diagnostic in analysis.diagnostics.iter().filter(|d| overlaps(d.span, span)) {
            let published = convert::diagnostic(analysis.rope(), diagnostic, target.encoding);
            let fixes = if lazy {
                fixes::fix_titles_for(analysis, environment, diagnostic)
            } else {
                fixes::fixes_for(analysis, environment, diagnostic)
            };
            for fix in fixes {
                any_safe |= fix.safe;
                let resolve = lazy.then(|| data(ActionKind::Fix, Some(diagnostic.rule), diagnostic.span));
                actions.push(action(analysis, fix, Some(published.clone()), CodeActionKind::QUICKFIX, target, resolve));
            }
        }
        let assists = if lazy {
            fixes::assist_titles_at(analysis, environment, span)
        } else {
            fixes::assists_at(analysis, environment, span)
        };
        for fix in assists {
            let resolve = lazy.then(|| data(ActionKind::Assist, None, span));
            actions.push(action(analysis, fix, None, CodeActionKind::QUICKFIX, target, resolve));
        }
    }
    let rewrite = CodeActionKind::REFACTOR_REWRITE;
    if wants(&rewrite) && ide::formatting::has_segments_sharing_a_line(&analysis.file) {
        let style = ide::formatting::FormatStyle::SegmentPerLine;
        let edits = ide::formatting::format(&analysis.file, None, style);
        let fix = Fix { title: "Put one segment per line".to_string(), edits, preferred: false, safe: false };
        actions.push(action(analysis, fix, None, rewrite, target, None));
    }
    // Fix-all re-checks the file until nothing safe is left: offered when asked for, or
    // beside a safe quick fix (where a user looking at one would want them all). Asked
    // for explicitly (on save), it comes with its edits.
    let asked_for_fix_all = only.is_some() && wants(&CodeActionKind::SOURCE_FIX_ALL);
    if lazy && !asked_for_fix_all && only.is_none() && any_safe {
        let fix = Fix { title: FIX_ALL_TITLE.to_string(), edits: Vec::new(), preferred: false, safe: true };
        let resolve = Some(data(ActionKind::FixAll, None, Span::default()));
        actions.push(action(analysis, fix, None, CodeActionKind::SOURCE_FIX_ALL, target, resolve));
    } else if asked_for_fix_all || (only.is_none() && any_safe) {
        if let Some(fix) = fix_all(analysis, environment) {
            actions.push(action(analysis, fix, None, CodeActionKind::SOURCE_FIX_ALL, target, None));
        }
    }
    actions
}

/// Every safe fix of the file as one action; `None` when there is none.
fn fix_all(analysis: &Analysis, environment: &Environment) -> Option<Fix> {
    let all = ide::fix_all(analysis.text(), &analysis.kind(), environment);
    if all.edits.is_empty() {
        return None;
    }
    let count = all.applied.len();
    let title = format!("{FIX_ALL_TITLE} ({count} {})", if count == 1 { "fix" } else { "fixes" });
    Some(Fix { title, edits: all.edits, preferred: false, safe: true })
}

/// Fills in the edit of an action listed without one. The caller has checked that the
/// analysis is of the version the action was listed for. An action that cannot be found
/// again comes back as it was, without an edit: the client then applies nothing.
pub(super) fn resolve(
    analysis: &Analysis,
    environment: &Environment,
    mut action: CodeAction,
    data: &ResolveData,
    target: &Target<'_>,
) -> CodeAction {
    let span = Span::new(data.start, data.end);
    let found = match data.kind {
        ActionKind::Fix => analysis
            .diagnostics
            .iter()
            .find(|d| d.span == span && data.rule.as_deref() == Some(d.rule))
            .map(|diagnostic| fixes::fixes_for(analysis, environment, diagnostic))
            .unwrap_or_default()
            .into_iter()
            .find(|fix| fix.title == action.title),
        ActionKind::Assist => {
            fixes::assists_at(analysis, environment, span).into_iter().find(|fix| fix.title == action.title)
        }
        ActionKind::FixAll => fix_all(analysis, environment),
    };
    if let Some(fix) = found {
        action.edit = Some(workspace_edit(analysis, &fix.edits, target));
    }
    action
}

/// A finding under the cursor: spans that overlap, or touch where the cursor is.
fn overlaps(finding: Span, cursor: Span) -> bool {
    finding.start <= cursor.end && cursor.start <= finding.end
}

/// An action with its edit, or, when `resolve` is given, with what finds it again.
fn action(
    analysis: &Analysis,
    fix: Fix,
    diagnostic: Option<lsp::Diagnostic>,
    kind: CodeActionKind,
    target: &Target<'_>,
    resolve: Option<ResolveData>,
) -> CodeActionOrCommand {
    let (edit, data) = match resolve {
        Some(data) => (None, serde_json::to_value(data).ok()),
        None => (Some(workspace_edit(analysis, &fix.edits, target)), None),
    };
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title,
        kind: Some(kind),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit,
        is_preferred: fix.preferred.then_some(true),
        data,
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
