//! The tower-lsp `LanguageServer`: lifecycle, text sync, diagnostics, hover, settings.
//!
//! Ordering: tower-lsp may run handlers concurrently, so every change is applied to the
//! store synchronously, before the handler's first `.await`, and stale versions are
//! refused. Diagnostics are computed off the async threads, one check at a time per
//! document (changes that arrive meanwhile are folded into the next round), and published
//! only if no newer change arrived meanwhile.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use ropey::Rope;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, CodeActionResponse,
    Diagnostic, DiagnosticSeverity, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover, HoverContents,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, InitializedParams, MarkupContent,
    MarkupKind, MessageType, NumberOrString, Registration, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use tower_lsp_server::ls_types::{
    CompletionOptions, CompletionParams, CompletionResponse, DocumentFormattingParams, DocumentHighlight,
    DocumentHighlightParams, DocumentRangeFormattingParams, DocumentSymbolParams, DocumentSymbolResponse, FoldingRange,
    FoldingRangeParams, FoldingRangeProviderCapability, GotoDefinitionParams, GotoDefinitionResponse, InlayHint,
    InlayHintParams, Location, OneOf, ReferenceParams, SelectionRange, SelectionRangeParams,
    SelectionRangeProviderCapability, SemanticTokensFullOptions, SemanticTokensOptions, SemanticTokensParams,
    SemanticTokensRangeParams, SemanticTokensRangeResult, SemanticTokensResult, SemanticTokensServerCapabilities,
    TextEdit, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use tower_lsp_server::{Client, LanguageServer};

use super::code_actions::{self, ResolveData, Target};
use super::convert;
use super::documents::{ChangeRejected, DocumentStore};
use super::encoded::EncodedAnswers;
use super::features::{self, FeatureSettings};
use crate::analysis::{load_settings, Analysis, GuideUpdate, IncrementalCheck, TextChange, Update};
use crate::config::{ConfigFileChoice, Environment, SettingsSources, CONFIG_FILE_NAME};
use crate::text::PositionEncoding;

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    /// Serialises "is this still the newest analysis? then publish" per server.
    publish: Arc<tokio::sync::Mutex<()>>,
    /// Where large answers are written as JSON directly, when the transport reads them
    /// (the server over stdio); `None` in memory.
    encoded: Option<EncodedAnswers>,
}

struct State {
    documents: DocumentStore,
    encoding: PositionEncoding,
    markdown_hover: bool,
    environment: Environment,
    /// Settings as the editor sent them (initializationOptions, didChangeConfiguration).
    editor_settings: Value,
    /// The workspace folder that may hold `.claim-lsp.json`.
    workspace: Option<PathBuf>,
    /// Messages found before `initialized`, when tower-lsp cannot send them yet.
    pending: Option<SettingsOutcome>,
    /// Whether the client lets us register a file watcher for the workspace config.
    can_watch_files: bool,
    /// Whether the client applies versioned `documentChanges` in workspace edits.
    document_changes: bool,
    /// Whether the client resolves a code action's `edit` when the user picks it.
    resolves_edits: bool,
}

/// What reloading settings produced for the user: messages, and diagnostics for the
/// workspace config file.
struct SettingsOutcome {
    messages: Vec<String>,
    config_diagnostics: Option<(Uri, Vec<Diagnostic>)>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        let state = State {
            documents: DocumentStore::default(),
            encoding: PositionEncoding::Utf16,
            markdown_hover: true,
            environment: Environment::default(),
            editor_settings: Value::Null,
            workspace: None,
            pending: None,
            can_watch_files: false,
            document_changes: false,
            resolves_edits: false,
        };
        Self {
            client,
            state: Arc::new(Mutex::new(state)),
            publish: Arc::new(tokio::sync::Mutex::new(())),
            encoded: None,
        }
    }

    /// A server whose outline, folding and whole-file token answers are written as JSON
    /// directly into `answers`, which the transport reads (see `encoded`).
    pub(super) fn with_encoded_answers(client: Client, answers: EncodedAnswers) -> Self {
        Self { encoded: Some(answers), ..Self::new(client) }
    }

    /// The server's current text of a document (for tests and diagnostics of the store).
    pub fn document_text(&self, uri: &Uri) -> Option<String> {
        lock(&self.state).documents.get(uri).map(|d| d.rope.to_string())
    }

    pub fn document_version(&self, uri: &Uri) -> Option<i32> {
        lock(&self.state).documents.get(uri).map(|d| d.version)
    }

    /// Rebuilds the settings from the workspace file and the editor's settings, and
    /// loads the data files they name. Synchronous: callers decide how to report.
    fn reload_settings(&self) -> SettingsOutcome {
        let (workspace, editor, encoding) = {
            let state = lock(&self.state);
            (state.workspace.clone(), state.editor_settings.clone(), state.encoding)
        };
        let configured = configured_file(&editor);
        let config_path = config_path(workspace.as_deref(), configured.as_deref());
        // The default file is optional, also when a client sends its name as the
        // setting's default (VS Code does); a file the user named is not.
        let choice = config_path.clone().map(|path| match configured.as_deref() {
            Some(name) if name != CONFIG_FILE_NAME => ConfigFileChoice::Named(path),
            _ => ConfigFileChoice::Default(path),
        });
        let loaded = load_settings(SettingsSources { config_file: choice, editor: &editor, hcpcs_file: None });
        let mut messages = loaded.messages;
        if let Some((path, error)) = &loaded.unreadable {
            // Only the file name goes into the message, as for the data files: a full
            // path can name a client or a patient.
            // A default file that is there but unusable (a FIFO, a giant) is said too.
            let name = path.file_name().map_or_else(|| "(file)".into(), |n| n.to_string_lossy());
            let setting = if configured.is_some() { "configFile " } else { "" };
            messages.push(format!("{setting}{name}: {error}; using the editor's settings"));
        }
        lock(&self.state).environment = loaded.environment;
        let (config_text, problems) = match loaded.config_file {
            Some((_, text, problems)) => (Some(text), problems),
            None => (None, Vec::new()),
        };
        let config_diagnostics = config_path.and_then(Uri::from_file_path).map(|uri| {
            let rope = Rope::from_str(config_text.as_deref().unwrap_or_default());
            let diagnostics = problems
                .iter()
                .map(|problem| Diagnostic {
                    range: convert::range(&rope, problem.span, encoding),
                    severity: Some(DiagnosticSeverity::WARNING),
                    code: Some(NumberOrString::String("config".into())),
                    source: Some("claim-lsp".into()),
                    message: problem.message.clone(),
                    ..Diagnostic::default()
                })
                .collect();
            (uri, diagnostics)
        });
        if !messages.is_empty() {
            // The text goes to the user only: settings are request params and may name
            // paths or values we must not log.
            tracing::warn!(count = messages.len(), "settings problems shown to the user");
        }
        SettingsOutcome { messages, config_diagnostics }
    }

    async fn report_settings(&self, outcome: SettingsOutcome) {
        for message in outcome.messages {
            self.client.show_message(MessageType::WARNING, format!("claim-lsp: {message}")).await;
        }
        if let Some((uri, diagnostics)) = outcome.config_diagnostics {
            self.client.publish_diagnostics(uri, diagnostics, None).await;
        }
    }

    /// Debounces, analyses off the async threads, and publishes unless a newer change
    /// has arrived by then.
    fn schedule_check(&self, uri: Uri) {
        // One check at a time per document: a change that arrives while one runs only
        // bumps the generation, and the running check goes round once more with the
        // newest text. Bursts of typing coalesce without a fixed delay on every edit.
        {
            let mut state = lock(&self.state);
            let Some(document) = state.documents.get_mut(&uri) else { return };
            if document.checking {
                return;
            }
            document.checking = true;
        }
        let state = Arc::clone(&self.state);
        let publish = Arc::clone(&self.publish);
        let client = self.client.clone();
        tokio::spawn(async move {
            loop {
                let Some(generation) = lock(&state).documents.get(&uri).map(|d| d.generation) else { return };
                if let Some(diagnostics) = check_document(&state, &uri, generation).await {
                    let _guard = publish.lock().await;
                    let current = {
                        let state = lock(&state);
                        state
                            .documents
                            .get(&uri)
                            .filter(|document| document.generation == generation)
                            .map(|document| document.version)
                    };
                    if let Some(version) = current {
                        client.publish_diagnostics(uri.clone(), diagnostics, Some(version)).await;
                    }
                }
                let mut state = lock(&state);
                match state.documents.get_mut(&uri) {
                    Some(document) if document.generation != generation => continue,
                    Some(document) => {
                        document.checking = false;
                        return;
                    }
                    None => return,
                }
            }
        });
    }

    /// Runs an editor feature on the current analysis of `uri`, off the async threads; a
    /// panic or a closed document answers nothing (and logs `failure`, never the text).
    async fn feature<T: Send + 'static>(
        &self,
        uri: &Uri,
        failure: &'static str,
        work: impl FnOnce(&Analysis, &FeatureContext) -> T + Send + 'static,
    ) -> Option<T> {
        let (generation, context) = {
            let state = lock(&self.state);
            let document = state.documents.get(uri)?;
            let context = FeatureContext {
                encoding: state.encoding,
                environment: state.environment.clone(),
                settings: FeatureSettings::from_editor(&state.editor_settings),
                encoded: self.encoded.clone(),
            };
            (document.generation, context)
        };
        let analysis = analysis_for(&self.state, uri, generation).await?;
        off_the_async_threads(failure, move || work(&analysis, &context)).await
    }

    fn recheck_all(&self) {
        let documents: Vec<Uri> = {
            let mut state = lock(&self.state);
            let uris = state.documents.uris();
            // New settings make every cached analysis stale.
            for uri in &uris {
                state.documents.invalidate(uri);
            }
            uris
        };
        for uri in documents {
            self.schedule_check(uri);
        }
    }
}

/// What the editor features read besides the analysis.
struct FeatureContext {
    encoding: PositionEncoding,
    environment: Environment,
    settings: FeatureSettings,
    encoded: Option<EncodedAnswers>,
}

/// Brings the document's findings up to date with its text at `generation` — only the
/// edited HL loops when it can (see [`IncrementalCheck`]) — and converts at most
/// `maxDiagnostics` of them for publishing. `None` when the check failed.
async fn check_document(state: &Arc<Mutex<State>>, uri: &Uri, generation: u64) -> Option<Vec<Diagnostic>> {
    let (rope, kind, check, changes, whole, opened, environment, encoding, max) = {
        let mut state = lock(state);
        let environment = state.environment.clone();
        let encoding = state.encoding;
        let max = crate::config::max_diagnostics(&state.editor_settings);
        let document = state.documents.get_mut(uri)?;
        let check = document.check.take();
        let changes = std::mem::replace(&mut document.changes, TextChange::none());
        let whole = std::mem::take(&mut document.whole);
        let taken = (document.rope.clone(), document.kind.clone(), check, changes, whole, document.opened);
        (taken.0, taken.1, taken.2, taken.3, taken.4, taken.5, environment, encoding, max)
    };
    let computed = tokio::task::spawn_blocking(move || {
        let (check, analysis) = match check {
            Some(mut check) if !whole => {
                check.update(&rope, changes, &environment);
                (check, None)
            }
            _ => {
                let (check, analysis) = IncrementalCheck::full(rope.to_string(), &kind, &environment);
                (check, Some(analysis))
            }
        };
        let published = convert::published(&rope, check.diagnostics(), encoding, max);
        (check, analysis, published)
    })
    .await
    .map_err(|_| tracing::error!("diagnostics check failed; no diagnostics for this change"))
    .ok()?;
    let (check, analysis, published) = computed;
    // A whole analysis, the guide pass re-run over a transaction, or thousands of
    // findings re-published leave megabytes free in scattered pieces; a loop's or a
    // claim's re-check in a file of few findings little, which the next edit reuses.
    let freed_much = analysis.is_some()
        || check.last_update() == Update::Full
        || check.last_guide_update() == GuideUpdate::Transaction
        || check.diagnostics().len() >= MANY_FINDINGS;
    let replaced = {
        let mut state = lock(state);
        let document = state.documents.get_mut(uri).filter(|d| d.opened == opened)?;
        document.check = Some(check);
        // A whole analysis of the current text also serves the editor features.
        match analysis {
            Some(analysis) if document.generation == generation && document.analysis.is_none() => {
                document.analysis = Some((generation, Arc::new(analysis)));
                None
            }
            other => other,
        }
    };
    // Freeing a large analysis takes milliseconds: not under the lock.
    let freed_much = freed_much || replaced.is_some();
    drop(replaced);
    if freed_much {
        release_unused_memory();
    }
    Some(published)
}

/// Gives back the free pages a check or a dropped analysis left in the heap (see
/// [`crate::analysis::memory`]), off the async threads. It takes 4–9 ms of a blocking
/// thread on a 45 MB batch, tens of microseconds on a 7.5 MB one, and holds the
/// allocator's locks meanwhile: after a check, only when the check freed much (without
/// it, a 45 MB batch with 120,000 findings grew by about 1 MB an edit). A trim after
/// every small re-check of a file with few findings made the next keystroke wait.
/// Findings past which a re-check's publishing leaves enough free memory to trim.
const MANY_FINDINGS: usize = 1_000;

fn release_unused_memory() {
    drop(tokio::task::spawn_blocking(crate::analysis::memory::release_unused));
}

/// The analysis of `uri` at `generation`, computed once and cached; `None` when the
/// document moved on or closed.
async fn analysis_for(state: &Arc<Mutex<State>>, uri: &Uri, generation: u64) -> Option<Arc<Analysis>> {
    let (rope, kind, environment) = {
        let state = lock(state);
        let document = state.documents.get(uri).filter(|d| d.generation == generation)?;
        if let Some((cached, analysis)) = &document.analysis {
            if *cached == generation {
                return Some(Arc::clone(analysis));
            }
        }
        (document.rope.clone(), document.kind.clone(), state.environment.clone())
    };
    let analysis = tokio::task::spawn_blocking(move || {
        let text = rope.to_string();
        Arc::new(Analysis::new(text, rope, &kind, &environment))
    })
    .await
    .map_err(|_| tracing::error!("analysis task failed; no diagnostics for this change"))
    .ok()?;
    let replaced = {
        let mut state = lock(state);
        let document = state.documents.get_mut(uri)?;
        (document.generation == generation)
            .then(|| document.analysis.replace((generation, Arc::clone(&analysis))))
            .flatten()
    };
    // The previous analysis of a large file takes milliseconds to free: not under the lock.
    if replaced.is_some() {
        drop(replaced);
        release_unused_memory();
    }
    Some(analysis)
}

/// The local path a `file:` URI names; `None` for other schemes (`untitled:`, remote
/// workspaces), which have no folder to read a config file from.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    is_file.then(|| uri.to_file_path()).flatten().map(std::borrow::Cow::into_owned)
}

/// The `configFile` setting when the editor sets one (a name or path; relative to the
/// workspace folder).
fn configured_file(editor: &Value) -> Option<String> {
    editor.get("configFile").and_then(Value::as_str).map(str::trim).filter(|name| !name.is_empty()).map(String::from)
}

/// Where the workspace configuration is read from: the configured file, else
/// `.claim-lsp.json` in the workspace folder.
fn config_path(workspace: Option<&Path>, configured: Option<&str>) -> Option<PathBuf> {
    match configured.map(PathBuf::from) {
        Some(path) if path.is_absolute() => Some(path),
        Some(path) => workspace.map(|folder| folder.join(path)),
        None => workspace.map(|folder| folder.join(CONFIG_FILE_NAME)),
    }
}

/// Runs work that reads the whole file (fixes settle totals, fix-all re-checks) on a
/// blocking thread; a panic there answers nothing and logs `failure`, never the text.
async fn off_the_async_threads<T: Send + 'static>(
    failure: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let outcome =
        tokio::task::spawn_blocking(move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).ok()).await;
    let value = outcome.ok().flatten();
    if value.is_none() {
        tracing::error!("{failure}");
    }
    value
}

/// A poisoned lock means a handler panicked mid-update; the store is still consistent
/// per operation, so keep serving rather than take the editor's server down.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
        let encoding = convert::negotiate(offered);
        let markdown_hover = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_none_or(|formats| formats.contains(&MarkupKind::Markdown));
        #[allow(deprecated)] // root_uri is how older clients name the workspace.
        let workspace = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .map(|folder| folder.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|uri| file_path(&uri));
        {
            let mut state = lock(&self.state);
            state.encoding = encoding;
            state.markdown_hover = markdown_hover;
            state.editor_settings = params.initialization_options.clone().unwrap_or(Value::Null);
            state.workspace = workspace;
            state.can_watch_files = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false);
            state.document_changes = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|w| w.document_changes)
                .unwrap_or(false);
            state.resolves_edits = params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.code_action.as_ref())
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
        }
        let outcome = self.reload_settings();
        lock(&self.state).pending = Some(outcome);
        tracing::info!(?encoding, "initialized");
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![
                        CodeActionKind::QUICKFIX,
                        CodeActionKind::SOURCE_FIX_ALL,
                        CodeActionKind::REFACTOR_REWRITE,
                    ]),
                    resolve_provider: Some(true),
                    ..CodeActionOptions::default()
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend: features::semantic_legend(),
                        range: Some(true),
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        ..SemanticTokensOptions::default()
                    },
                )),
                inlay_hint_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["*".into(), ":".into(), "~".into()]),
                    ..CompletionOptions::default()
                }),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_range_formatting_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo { name: "claim-lsp".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            // clangd's pre-3.17 extension; `position_encoding` above is the standard one.
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let pending = lock(&self.state).pending.take();
        if let Some(outcome) = pending {
            self.report_settings(outcome).await;
        }
        // Watch the workspace file so edits to it apply at once. The registration is a
        // request to the client; it is sent from a task so that this notification handler
        // never waits on the client.
        if !lock(&self.state).can_watch_files {
            return;
        }
        // The configured file's name when the editor names one (its folder may be outside
        // the workspace, so the pattern matches the name anywhere).
        let name = configured_file(&lock(&self.state).editor_settings)
            .and_then(|path| Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| CONFIG_FILE_NAME.to_string());
        let watcher = FileSystemWatcher { glob_pattern: GlobPattern::String(format!("**/{name}")), kind: None };
        let options = DidChangeWatchedFilesRegistrationOptions { watchers: vec![watcher] };
        let registration = Registration {
            id: "claim-lsp-config".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        let client = self.client.clone();
        tokio::spawn(async move {
            if client.register_capability(vec![registration]).await.is_err() {
                tracing::debug!("client refused the file watcher for the workspace config");
            }
        });
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        let outcome = self.reload_settings();
        self.report_settings(outcome).await;
        self.recheck_all();
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let bytes = document.text.len();
        lock(&self.state).documents.open(document.uri.clone(), &document.text, document.version, &document.language_id);
        tracing::debug!(bytes, version = document.version, "document opened");
        self.schedule_check(document.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before any await: the order of arrival is the order of application.
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let (result, stale) = {
            let mut state = lock(&self.state);
            let encoding = state.encoding;
            let result = state.documents.change(&uri, version, &params.content_changes, encoding);
            // The analysis of the text before is of no use now; features make a new one
            // when asked. Kept, a 45 MB batch's analysis would hold hundreds of MB.
            let stale = result.is_ok().then(|| state.documents.get_mut(&uri).and_then(|d| d.analysis.take()));
            (result, stale)
        };
        if let Some(Some(analysis)) = stale {
            drop(analysis);
            release_unused_memory();
        }
        match result {
            Ok(_) => self.schedule_check(uri),
            Err(ChangeRejected::StaleVersion { held, received }) => {
                tracing::warn!(held, received, "change refused: version is not newer than the document's");
            }
            Err(ChangeRejected::UnknownDocument) => tracing::warn!("change for a document that is not open; ignored"),
        }
    }

    /// A save re-publishes the document's diagnostics: the text is the one we hold
    /// (`didChange` keeps it current), so the cached analysis answers when it is fresh.
    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.schedule_check(params.text_document.uri);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let closed = lock(&self.state).documents.close(&uri);
        if closed.is_some() {
            drop(closed);
            release_unused_memory();
        }
        let _guard = self.publish.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Clients send either the section itself or `{ "claimLsp": { … } }`.
        let settings = params.settings.get("claimLsp").cloned().unwrap_or(params.settings);
        lock(&self.state).editor_settings = settings;
        let outcome = self.reload_settings();
        self.report_settings(outcome).await;
        self.recheck_all();
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let (generation, encoding, markdown) = {
            let state = lock(&self.state);
            let Some(document) = state.documents.get(&uri) else { return Ok(None) };
            (document.generation, state.encoding, state.markdown_hover)
        };
        let Some(analysis) = analysis_for(&self.state, &uri, generation).await else { return Ok(None) };
        let codes = lock(&self.state).environment.clone();
        let offset = convert::offset(analysis.rope(), position, encoding);
        // A hover that fails answers nothing rather than taking the server down.
        let doc = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::ide::ndc_hover::hover_with_tables(&analysis, &codes, offset)
        }))
        .unwrap_or_else(|_| {
            tracing::error!("hover failed; answered nothing");
            None
        });
        let Some(doc) = doc else { return Ok(None) };
        let (kind, value) = if markdown {
            (MarkupKind::Markdown, doc.markdown)
        } else {
            (MarkupKind::PlainText, crate::ide::code_docs::markdown_to_plain(&doc.markdown))
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent { kind, value }),
            range: Some(convert::range(analysis.rope(), doc.span, encoding)),
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let (generation, version, encoding, document_changes, resolves_edits, environment) = {
            let state = lock(&self.state);
            let Some(document) = state.documents.get(&uri) else { return Ok(None) };
            let flags = (state.document_changes, state.resolves_edits);
            (document.generation, document.version, state.encoding, flags.0, flags.1, state.environment.clone())
        };
        let Some(analysis) = analysis_for(&self.state, &uri, generation).await else { return Ok(None) };
        let only = params.context.only;
        let range = params.range;
        let document = uri.clone();
        let computed = off_the_async_threads("code actions failed; answered none", move || {
            let rope = analysis.rope();
            let span = crate::syntax::Span::new(
                convert::offset(rope, range.start, encoding),
                convert::offset(rope, range.end, encoding),
            );
            // The whole line: a request anywhere on a segment's line gets every finding there.
            let span = features::line_scope(&analysis, span);
            let target = Target { uri: &document, version, encoding, document_changes, resolves_edits };
            code_actions::actions(&analysis, &environment, span, only.as_deref(), &target)
        })
        .await;
        // Edits are positioned for the analysed text: if a change arrived meanwhile, a
        // client without versioned edits would apply them to the wrong lines.
        let current = lock(&self.state).documents.get(&uri).is_some_and(|d| d.generation == generation);
        Ok(computed.filter(|actions| current && !actions.is_empty()))
    }

    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        let Some(data) = action.data.clone().and_then(|d| serde_json::from_value::<ResolveData>(d).ok()) else {
            return Ok(action);
        };
        let (generation, encoding, document_changes, environment) = {
            let state = lock(&self.state);
            // An action listed for an older version is not resolved: its finding may
            // have moved or gone, and its edit would not fit the text.
            let Some(document) = state.documents.get(&data.uri).filter(|d| d.version == data.version) else {
                return Ok(action);
            };
            (document.generation, state.encoding, state.document_changes, state.environment.clone())
        };
        let Some(analysis) = analysis_for(&self.state, &data.uri, generation).await else { return Ok(action) };
        let fallback = action.clone();
        let uri = data.uri.clone();
        let document_uri = data.uri.clone();
        let resolved = off_the_async_threads("resolving a code action failed; answered without an edit", move || {
            let target = Target { uri: &uri, version: data.version, encoding, document_changes, resolves_edits: false };
            code_actions::resolve(&analysis, &environment, action, &data, &target)
        })
        .await;
        // As for the list: edits computed for a text that changed meanwhile are dropped.
        let current = lock(&self.state).documents.get(&document_uri).is_some_and(|d| d.generation == generation);
        Ok(resolved.filter(|_| current).unwrap_or(fallback))
    }
    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let symbols = self
            .feature(&uri, "document symbols failed; answered none", |analysis, context| {
                features::document_symbol_response(analysis, context.encoding, context.encoded.as_ref())
            })
            .await;
        Ok(symbols)
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let uris = lock(&self.state).documents.uris();
        let mut found = Vec::new();
        for uri in uris {
            let query = params.query.clone();
            let document = uri.clone();
            let claims = self
                .feature(&uri, "workspace symbols failed for a document; it is left out", move |analysis, context| {
                    features::workspace_symbols(&document, analysis, &query, context.encoding)
                })
                .await;
            found.extend(claims.unwrap_or_default());
        }
        Ok(Some(WorkspaceSymbolResponse::Flat(found)))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let uri = params.text_document.uri;
        let folding = self.feature(&uri, "folding failed; answered none", |analysis, context| {
            features::folding_response(analysis, context.encoded.as_ref())
        });
        Ok(folding.await)
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let tokens = self
            .feature(&uri, "semantic tokens failed; answered none", |analysis, context| {
                features::semantic_tokens_response(analysis, context.encoding, context.encoded.as_ref())
            })
            .await;
        Ok(tokens.map(SemanticTokensResult::Tokens))
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let tokens = self
            .feature(&uri, "semantic tokens failed; answered none", move |analysis, context| {
                features::semantic_tokens(analysis, Some(range), context.encoding)
            })
            .await;
        Ok(tokens.map(SemanticTokensRangeResult::Tokens))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let range = params.range;
        Ok(self
            .feature(&uri, "inlay hints failed; answered none", move |analysis, context| {
                features::inlay_hints(
                    analysis,
                    context.environment.codes(),
                    range,
                    context.settings.hints,
                    context.encoding,
                )
            })
            .await)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let list = self
            .feature(&uri, "completion failed; answered none", move |analysis, context| {
                features::completion(analysis, context.environment.codes(), position, context.encoding)
            })
            .await;
        Ok(list.filter(|list| !list.items.is_empty()).map(CompletionResponse::List))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        Ok(self
            .feature(&uri, "formatting failed; answered none", |analysis, context| {
                features::formatting(analysis, None, context.settings.format_style, context.encoding)
            })
            .await)
    }

    async fn range_formatting(&self, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        let range = params.range;
        Ok(self
            .feature(&uri, "range formatting failed; answered none", move |analysis, context| {
                features::formatting(analysis, Some(range), context.settings.format_style, context.encoding)
            })
            .await)
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let document = uri.clone();
        let location = self
            .feature(&uri, "definition failed; answered none", move |analysis, context| {
                features::definition(&document, analysis, position, context.encoding)
            })
            .await
            .flatten();
        Ok(location.map(GotoDefinitionResponse::Scalar))
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        Ok(self
            .feature(&uri, "highlights failed; answered none", move |analysis, context| {
                features::highlights(analysis, position, context.encoding)
            })
            .await)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let document = uri.clone();
        Ok(self
            .feature(&uri, "references failed; answered none", move |analysis, context| {
                features::references(&document, analysis, position, context.encoding)
            })
            .await)
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let uri = params.text_document.uri;
        let positions = params.positions;
        Ok(self
            .feature(&uri, "selection ranges failed; answered none", move |analysis, context| {
                features::selection_ranges(analysis, &positions, context.encoding)
            })
            .await)
    }
}
