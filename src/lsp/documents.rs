//! Open documents: a rope per document, edited in the order changes arrive.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::analysis::{Analysis, DocumentKind, IncrementalCheck, TextChange};
use crate::text::PositionEncoding;

pub struct StoredDocument {
    pub rope: Rope,
    /// An 837 or a charge file, decided when it was opened.
    pub kind: DocumentKind,
    pub version: i32,
    /// Bumped on every change; analyses and publishes compare against it.
    pub generation: u64,
    /// The latest analysis and the generation it was made from.
    pub analysis: Option<(u64, Arc<Analysis>)>,
    /// Whether a diagnostics check is running for this document.
    pub checking: bool,
    /// The findings as of the text before `changes`; taken out while a check runs.
    pub check: Option<IncrementalCheck>,
    /// What changed since the text `check` was made from, as one byte range.
    pub changes: TextChange,
    /// Whether the next check must analyse the whole text (opened, replaced, new settings).
    pub whole: bool,
    /// The generation the document was opened at: a check taken out before a reopening
    /// is not put back into the new document.
    pub opened: u64,
}

/// Why a change was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeRejected {
    UnknownDocument,
    /// The version is not newer than what the store holds: applying it would corrupt.
    StaleVersion {
        held: i32,
        received: i32,
    },
}

#[derive(Default)]
pub struct DocumentStore {
    documents: HashMap<Uri, StoredDocument>,
    /// Generations are unique across documents and reopenings, so a check started for a
    /// closed document can never pass for the one opened after it.
    last_generation: u64,
}

impl DocumentStore {
    pub fn open(&mut self, uri: Uri, text: &str, version: i32, language: &str) {
        let generation = self.next_generation();
        let checking = self.documents.get(&uri).is_some_and(|d| d.checking);
        let kind = document_kind(&uri, text, language);
        let document = StoredDocument {
            rope: Rope::from_str(text),
            kind,
            version,
            generation,
            analysis: None,
            checking,
            check: None,
            changes: TextChange::none(),
            whole: true,
            opened: generation,
        };
        self.documents.insert(uri, document);
    }

    /// Forgets the document; the caller drops what it held outside the lock.
    pub fn close(&mut self, uri: &Uri) -> Option<StoredDocument> {
        self.documents.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&StoredDocument> {
        self.documents.get(uri)
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut StoredDocument> {
        self.documents.get_mut(uri)
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.documents.keys().cloned().collect()
    }

    /// Applies one `didChange` in order: every event against the text the previous one
    /// left, positions in the negotiated encoding. Returns the new generation.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: PositionEncoding,
    ) -> Result<u64, ChangeRejected> {
        let document = self.documents.get_mut(uri).ok_or(ChangeRejected::UnknownDocument)?;
        if version <= document.version {
            return Err(ChangeRejected::StaleVersion { held: document.version, received: version });
        }
        for change in changes {
            match change.range {
                None => {
                    document.rope = Rope::from_str(&change.text);
                    document.whole = true;
                }
                Some(range) => {
                    let rope = &mut document.rope;
                    let start = convert::offset(rope, range.start, encoding);
                    let end = convert::offset(rope, range.end, encoding).max(start);
                    let start_char = rope.byte_to_char(start);
                    let end_char = rope.byte_to_char(end);
                    rope.remove(start_char..end_char);
                    rope.insert(start_char, &change.text);
                    let edit = TextChange { start, old_end: end, new_end: start + change.text.len() };
                    document.changes = document.changes.then(edit);
                }
            }
        }
        document.version = version;
        self.last_generation += 1;
        document.generation = self.last_generation;
        Ok(document.generation)
    }

    /// Marks a document changed without a text change (new settings): its analysis is
    /// stale.
    pub fn invalidate(&mut self, uri: &Uri) {
        let generation = self.next_generation();
        if let Some(document) = self.documents.get_mut(uri) {
            document.generation = generation;
            document.analysis = None;
            document.whole = true;
        }
    }

    fn next_generation(&mut self) -> u64 {
        self.last_generation += 1;
        self.last_generation
    }
}

/// A charge file when the client says CSV/TSV (`csv`, `tsv`, `claim-charges`) or the
/// name ends in `.csv`/`.tsv`, unless the text is an interchange; else an 837. The
/// server decides per document: a plain CSV is read, found not to be a charge file, and
/// left alone.
fn document_kind(uri: &Uri, text: &str, language: &str) -> DocumentKind {
    // The last path segment; the query and fragment are not part of a file's name.
    let path = uri.as_str().split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next().filter(|name| !name.is_empty());
    let by_name = DocumentKind::of(name, text);
    match (by_name, language) {
        (DocumentKind::X12, "csv" | "tsv" | "claim-charges") if !crate::text::looks_like_x12(text) => {
            DocumentKind::Charges { file_name: name.map(str::to_string) }
        }
        (kind, _) => kind,
    }
}
