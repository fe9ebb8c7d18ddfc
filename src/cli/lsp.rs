//! `unspun lsp`: a language server over standard input and output.
//!
//! Editors send the text of each open document; unspun checks it with the `.unspun.toml`
//! that `unspun check` would use for that file (discovered from the file's folder, or from
//! the workspace folder for a document not yet saved) and publishes the findings as
//! diagnostics. Code actions apply a suggestion, add an inline ignore or add the flagged words
//! to the `allow` list of `.unspun.toml`; hovering a finding shows its rule's documentation.
//!
//! Threads: the main thread reads messages, keeps the documents and decides when to check
//! (at once on open, [`LspArgs::debounce`] after the last change); one worker thread checks
//! (latest version of each document first, superseded versions skipped) and publishes, so a
//! long check never holds up hovers or code actions. Protocol positions are UTF-16 code units
//! ([`convert`]); the library's are byte offsets.

mod actions;
mod convert;

use super::input::TEXT_EXTENSIONS;
use super::{SessionArgs, EXIT_CLEAN, EXIT_ERROR};
use actions::{IgnoreKind, Splice};
use clap::Args;
use convert::LineIndex;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification as notif, request as req, CodeAction, CodeActionKind, CodeActionOptions,
    CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, CreateFile,
    CreateFileOptions, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentChangeOperation, DocumentChanges, FileSystemWatcher, GlobPattern, Hover, HoverContents,
    HoverParams, HoverProviderCapability, InitializeParams, LogMessageParams, MarkupContent,
    MarkupKind, MessageType, OneOf, OptionalVersionedTextDocumentIdentifier, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams, ResourceOp, ResourceOperationKind,
    SaveOptions, ServerCapabilities, ShowMessageParams, TextDocumentEdit,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use unspun::config::FILE_NAME;
use unspun::report::verdict;
use unspun::session::Profile;
use unspun::text::markup::{self, Format, MarkupOptions};
use unspun::{fix, Report};
use unspun::{CheckOptions, Session};

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Check a document this long after its last change (milliseconds); opened documents
    /// are checked at once.
    #[arg(long, value_name = "MS", default_value_t = 150)]
    pub debounce: u64,
    /// Talk over standard input and output (the only transport; accepted because editor
    /// clients pass it).
    #[arg(long, hide = true)]
    pub stdio: bool,
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Run the server until the client says `exit`: exit code 0 after a `shutdown` request, 1
/// otherwise (as the protocol says), or when the connection breaks.
pub fn run(args: LspArgs) -> u8 {
    let (conn, io) = Connection::stdio();
    let code = match serve(&conn, &args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: language server: {e}");
            EXIT_ERROR
        }
    };
    drop(conn);
    if code == EXIT_CLEAN {
        // The reader stops at `exit`; the writer once every message is written.
        let _ = io.join();
    }
    code
}

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn serve(conn: &Connection, args: &LspArgs) -> Res<u8> {
    let (id, params) = conn.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "unspun", "version": env!("CARGO_PKG_VERSION")},
    });
    conn.initialize_finish(id, result)?;

    let live: Live = Arc::new(Mutex::new(HashMap::new()));
    let (jobs, queue) = mpsc::channel::<Job>();
    let worker = {
        let sender = conn.sender.clone();
        let live = live.clone();
        std::thread::Builder::new()
            .name("unspun-check".into())
            .spawn(move || check_worker(queue, sender, live))?
    };
    let mut server = Server::new(conn, args, &params, live, jobs);
    server.watch_config_files();
    let code = server.main_loop();
    drop(server);
    let _ = worker.join();
    code
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
            ]),
            ..Default::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

/// What the worker last found in each open document, by URI. The main thread sets `version`
/// on every change and removes the entry on close; the worker publishes only for the current
/// version, under the lock, so nothing stale is published after a newer text or a close.
type Live = Arc<Mutex<HashMap<Url, LiveDoc>>>;

struct LiveDoc {
    version: i32,
    checked: Option<Arc<Checked>>,
}

/// One document checked.
struct Checked {
    version: i32,
    /// The report, findings below the minimum severity dropped.
    report: Report,
    /// Each finding's range (protocol positions), in the report's order.
    ranges: Vec<lsp_types::Range>,
    lines: LineIndex,
    format: Format,
    fix_min_confidence: f64,
    ctx: Arc<Profile>,
}

/// A check for the worker.
struct Job {
    uri: Url,
    version: i32,
    text: Arc<str>,
    format: Format,
    /// The path for the configuration's per-file settings (`[[overrides]]`).
    path: PathBuf,
    ctx: Arc<Profile>,
}

/// An open document.
struct Doc {
    text: Arc<str>,
    version: i32,
    /// `None`: not prose (e.g. `.unspun.toml` itself, or source code): never checked.
    format: Option<Format>,
    /// The file, or for a document without one a name in the workspace folder (so that the
    /// workspace's configuration applies).
    path: PathBuf,
}

/// What the client can apply.
#[derive(Default)]
struct ClientCaps {
    /// `documentChanges` in workspace edits (versioned edits).
    document_changes: bool,
    /// Creating files in workspace edits.
    create_files: bool,
    /// Registering file watchers at run time.
    watch_files: bool,
}

struct Server<'a> {
    conn: &'a Connection,
    args: &'a LspArgs,
    session: Session,
    docs: HashMap<Url, Doc>,
    /// Documents to check and when.
    due: HashMap<Url, Instant>,
    workspace: Vec<PathBuf>,
    caps: ClientCaps,
    live: Live,
    jobs: mpsc::Sender<Job>,
    /// Configuration errors already shown (each once until the next reload).
    shown: Vec<Arc<unspun::session::SetupError>>,
    next_id: i32,
}

impl<'a> Server<'a> {
    fn new(
        conn: &'a Connection,
        args: &'a LspArgs,
        params: &InitializeParams,
        live: Live,
        jobs: mpsc::Sender<Job>,
    ) -> Server<'a> {
        #[allow(deprecated)]
        let roots: Vec<Url> = match &params.workspace_folders {
            Some(f) => f.iter().map(|f| f.uri.clone()).collect(),
            None => params.root_uri.iter().cloned().collect(),
        };
        let ws = params.capabilities.workspace.as_ref();
        let edit = ws.and_then(|w| w.workspace_edit.as_ref());
        let document_changes = edit.and_then(|e| e.document_changes).unwrap_or(false);
        let caps = ClientCaps {
            document_changes,
            create_files: document_changes
                && edit
                    .and_then(|e| e.resource_operations.as_ref())
                    .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
            watch_files: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
        };
        Server {
            conn,
            args,
            session: args.session.session(),
            docs: HashMap::new(),
            due: HashMap::new(),
            workspace: roots.iter().filter_map(|u| u.to_file_path().ok()).collect(),
            caps,
            live,
            jobs,
            shown: Vec::new(),
            next_id: 0,
        }
    }

    fn main_loop(&mut self) -> Res<u8> {
        loop {
            let next = self.due.values().min().copied();
            let msg = match next {
                Some(at) => {
                    match self
                        .conn
                        .receiver
                        .recv_timeout(at.saturating_duration_since(Instant::now()))
                    {
                        Ok(m) => Some(m),
                        Err(crossbeam_channel::RecvTimeoutError::Timeout) => None,
                        Err(_) => return Ok(EXIT_ERROR),
                    }
                }
                None => match self.conn.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(EXIT_ERROR),
                },
            };
            match msg {
                Some(Message::Request(r)) => {
                    if self.conn.handle_shutdown(&r)? {
                        return Ok(EXIT_CLEAN);
                    }
                    self.request(r);
                }
                // `exit` without `shutdown` first.
                Some(Message::Notification(n)) if n.method == notif::Exit::METHOD => {
                    return Ok(EXIT_ERROR)
                }
                Some(Message::Notification(n)) => self.notification(n),
                Some(Message::Response(_)) | None => {}
            }
            self.send_due();
        }
    }

    fn send(&self, m: impl Into<Message>) {
        // A closed connection ends the main loop on its next read.
        let _ = self.conn.sender.send(m.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn show_error(&self, message: String) {
        self.notify::<notif::ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message,
        });
    }

    /// Ask the client to tell us when a `.unspun.toml` changes, is created or deleted.
    fn watch_config_files(&mut self) {
        if !self.caps.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{FILE_NAME}")),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "unspun-config".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        self.send(Request::new(
            RequestId::from(format!("unspun-{}", self.next_id)),
            req::RegisterCapability::METHOD.into(),
            params,
        ));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<DidOpenTextDocumentParams>(notif::DidOpenTextDocument::METHOD)
                {
                    let d = p.text_document;
                    let path = self.path_of(&d.uri);
                    let format = if is_config(&d.uri) {
                        None
                    } else {
                        format_of(&d.language_id, &path)
                    };
                    self.changed(d.uri, d.version, d.text, format, path, Duration::ZERO);
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<DidChangeTextDocumentParams>(notif::DidChangeTextDocument::METHOD)
                {
                    // Full synchronisation: the last change holds the whole text.
                    let Some(text) = p.content_changes.into_iter().last().map(|c| c.text) else {
                        return;
                    };
                    let uri = p.text_document.uri;
                    if let Some(d) = self.docs.get(&uri) {
                        let (format, path) = (d.format, d.path.clone());
                        let wait = Duration::from_millis(self.args.debounce);
                        self.changed(uri, p.text_document.version, text, format, path, wait);
                    }
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<DidCloseTextDocumentParams>(notif::DidCloseTextDocument::METHOD)
                {
                    let uri = p.text_document.uri;
                    self.docs.remove(&uri);
                    self.due.remove(&uri);
                    self.live.lock().expect("lock").remove(&uri);
                    self.publish_none(uri, None);
                }
            }
            notif::DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<DidSaveTextDocumentParams>(notif::DidSaveTextDocument::METHOD)
                {
                    if is_config(&p.text_document.uri) {
                        self.reload();
                    }
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    n.extract::<DidChangeWatchedFilesParams>(notif::DidChangeWatchedFiles::METHOD)
                {
                    if p.changes.iter().any(|c| is_config(&c.uri)) {
                        self.reload();
                    }
                }
            }
            notif::DidChangeWorkspaceFolders::METHOD => {
                if let Ok(p) = n.extract::<DidChangeWorkspaceFoldersParams>(
                    notif::DidChangeWorkspaceFolders::METHOD,
                ) {
                    for f in p.event.removed {
                        if let Ok(path) = f.uri.to_file_path() {
                            self.workspace.retain(|w| *w != path);
                        }
                    }
                    for f in p.event.added {
                        if let Ok(path) = f.uri.to_file_path() {
                            self.workspace.push(path);
                        }
                    }
                    self.reload();
                }
            }
            _ => {}
        }
    }

    /// A document opened or changed: keep its text, and check it after `wait`.
    fn changed(
        &mut self,
        uri: Url,
        version: i32,
        text: String,
        format: Option<Format>,
        path: PathBuf,
        wait: Duration,
    ) {
        self.live
            .lock()
            .expect("lock")
            .entry(uri.clone())
            .and_modify(|l| l.version = version)
            .or_insert(LiveDoc {
                version,
                checked: None,
            });
        if format.is_some() {
            self.due.insert(uri.clone(), Instant::now() + wait);
        }
        self.docs.insert(
            uri,
            Doc {
                text: text.into(),
                version,
                format,
                path,
            },
        );
    }

    /// A configuration file changed: find and load the configurations again, check every
    /// open document again.
    fn reload(&mut self) {
        self.session.forget_configs();
        self.shown.clear();
        let now = Instant::now();
        for (uri, d) in &self.docs {
            if d.format.is_some() {
                self.due.insert(uri.clone(), now);
            }
        }
    }

    /// Hand the documents whose time has come to the worker.
    fn send_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<Url> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            let Some(d) = self.docs.get(&uri) else {
                continue;
            };
            let Some(format) = d.format else {
                continue;
            };
            match self.session.profile(Some(&d.path)) {
                Ok(ctx) => {
                    let _ = self.jobs.send(Job {
                        uri,
                        version: d.version,
                        text: d.text.clone(),
                        format,
                        path: d.path.clone(),
                        ctx,
                    });
                }
                Err(errors) => {
                    if !self.shown.iter().any(|s| Arc::ptr_eq(s, &errors)) {
                        self.show_error(format!(
                            "unspun: configuration errors, documents under it are not checked:\n{}",
                            errors
                        ));
                        self.shown.push(errors);
                    }
                    let version = d.version;
                    self.publish_none(uri, Some(version));
                }
            }
        }
    }

    fn publish_none(&self, uri: Url, version: Option<i32>) {
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics: Vec::new(),
            version,
        });
    }

    /// The file of a URI, or for an unsaved document a name in the first workspace folder.
    fn path_of(&self, uri: &Url) -> PathBuf {
        match uri.to_file_path() {
            Ok(p) => p,
            Err(()) => {
                let dir = self
                    .workspace
                    .first()
                    .cloned()
                    .or_else(|| std::env::current_dir().ok())
                    .unwrap_or_default();
                let name = uri
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .filter(|s| !s.is_empty())
                    .unwrap_or("untitled");
                dir.join(name)
            }
        }
    }

    /// The document and its latest check, when that check is of the current text.
    fn current(&self, uri: &Url) -> Option<(&Doc, Arc<Checked>)> {
        let d = self.docs.get(uri)?;
        let c = self.live.lock().expect("lock").get(uri)?.checked.clone()?;
        (c.version == d.version).then_some((d, c))
    }

    fn request(&mut self, r: Request) {
        let id = r.id.clone();
        let result = match r.method.as_str() {
            req::HoverRequest::METHOD => r
                .extract::<HoverParams>(req::HoverRequest::METHOD)
                .map(|(_, p)| serde_json::to_value(self.hover(p))),
            req::CodeActionRequest::METHOD => r
                .extract::<CodeActionParams>(req::CodeActionRequest::METHOD)
                .map(|(_, p)| serde_json::to_value(self.code_actions(p))),
            _ => {
                self.send(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unspun does not answer {}", r.method),
                ));
                return;
            }
        };
        let response = match result {
            Ok(Ok(v)) => Response {
                id,
                result: Some(v),
                error: None,
            },
            Ok(Err(e)) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, format!("{e:?}")),
        };
        self.send(response);
    }

    /// Hovering a finding: its message and suggestion, then its rule's documentation.
    fn hover(&self, p: HoverParams) -> Option<Hover> {
        let tp = p.text_document_position_params;
        let (doc, c) = self.current(&tp.text_document.uri)?;
        let at = c.lines.offset(&doc.text, tp.position);
        let hits: Vec<usize> = (0..c.report.findings.len())
            .filter(|&i| {
                let f = &c.report.findings[i];
                f.start <= at && at < f.end
            })
            .collect();
        let first = *hits.first()?;
        let mut md = String::new();
        for (k, &i) in hits.iter().enumerate() {
            let f = &c.report.findings[i];
            if k > 0 {
                md.push_str("\n\n---\n\n");
            }
            md.push_str(&format!(
                "**{}** ({}, {}, confidence {:.2})\n\n{}\n",
                f.rule, f.category, f.severity, f.confidence, f.message
            ));
            if let Some(s) = f.suggestion.as_deref().filter(|s| *s != f.text) {
                md.push_str(&format!("\nSuggestion: {}\n", quote(s)));
            }
            if let Some(rule) = c.ctx.checker().rules().get(&f.rule) {
                let doc = rule.doc.trim();
                if !doc.is_empty() {
                    md.push_str(&format!("\n{doc}\n"));
                }
            }
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: md,
            }),
            range: Some(c.ranges[first]),
        })
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let Some((doc, c)) = self.current(&uri) else {
            return Vec::new();
        };
        let text = doc.text.clone();
        let version = doc.version;
        let path = doc.path.clone();
        let wants = |kind: &CodeActionKind| match &p.context.only {
            None => *kind == CodeActionKind::QUICKFIX,
            Some(only) => only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            }),
        };
        let mut out = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            let a = c.lines.offset(&text, p.range.start);
            let b = c.lines.offset(&text, p.range.end);
            let m = markup::extract(&text, c.format, MarkupOptions::default());
            let allow = self.allow_target(&path);
            for (i, f) in c.report.findings.iter().enumerate() {
                let touches = if a == b {
                    f.start <= a && a <= f.end
                } else {
                    f.start < b && a < f.end
                };
                if !touches {
                    continue;
                }
                let diag = convert::diagnostic(f, c.ranges[i]);
                let rule = c.ctx.checker().rules().get(&f.rule);
                let action = |title: String, edit: WorkspaceEdit, preferred: bool| {
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diag.clone()]),
                        edit: Some(edit),
                        command: None,
                        is_preferred: preferred.then_some(true),
                        disabled: None,
                        data: None,
                    })
                };
                if let Some(s) = f.suggestion.as_deref().filter(|s| *s != f.text) {
                    let title = if s.is_empty() {
                        format!("Delete {}", quote(&f.text))
                    } else {
                        format!("Replace with {}", quote(s))
                    };
                    let edit = self.doc_edit(
                        &uri,
                        version,
                        &text,
                        &c.lines,
                        vec![Splice {
                            range: f.start..f.end,
                            text: s.to_string(),
                        }],
                    );
                    out.push(action(title, edit, rule.is_some_and(|r| r.fix_safe)));
                }
                let (kind, splices) = actions::ignore(
                    &text, &c.lines, c.format, &m.masked, f.start, f.end, &f.rule,
                );
                let title = match kind {
                    IgnoreKind::NextLine => format!("Ignore {} on this line", f.rule),
                    IgnoreKind::Around => format!("Ignore {} here", f.rule),
                };
                let edit = self.doc_edit(&uri, version, &text, &c.lines, splices);
                out.push(action(title, edit, false));
                if let (Some(target), Some(phrase)) = (&allow, actions::allow_phrase(&f.text)) {
                    if let Some(edit) = self.allow_edit(target, &phrase) {
                        let title =
                            format!("Add {} to the allow list in {FILE_NAME}", quote(&phrase));
                        out.push(action(title, edit, false));
                    }
                }
            }
        }
        if wants(&CodeActionKind::SOURCE_FIX_ALL) {
            let edits = fix::safe_edits(&c.report, c.ctx.checker().rules(), c.fix_min_confidence);
            if !edits.is_empty() {
                let splices = edits
                    .iter()
                    .map(|e| Splice {
                        range: e.start..e.end,
                        text: e.replacement.clone(),
                    })
                    .collect();
                let n = edits.len();
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Apply {n} safe fix{} (unspun)",
                        if n == 1 { "" } else { "es" }
                    ),
                    kind: Some(CodeActionKind::SOURCE_FIX_ALL),
                    edit: Some(self.doc_edit(&uri, version, &text, &c.lines, splices)),
                    ..Default::default()
                }));
            }
        }
        out
    }

    /// Edits of an open document (versioned when the client takes versioned edits).
    fn doc_edit(
        &self,
        uri: &Url,
        version: i32,
        text: &str,
        lines: &LineIndex,
        splices: Vec<Splice>,
    ) -> WorkspaceEdit {
        let edits: Vec<TextEdit> = splices
            .into_iter()
            .map(|s| TextEdit::new(lines.range(text, s.range.start, s.range.end), s.text))
            .collect();
        if self.caps.document_changes {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: Some(version),
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }])),
                ..Default::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }
        }
    }

    /// The configuration file an allow-list entry for this document goes to: the one in
    /// force, or a new `.unspun.toml` where discovery will find it (the nearest workspace
    /// folder or repository root above the document, else its folder). `None` with
    /// `--no-config`, or when the client cannot create the file.
    fn allow_target(&mut self, path: &Path) -> Option<(PathBuf, bool)> {
        if self.args.session.config.no_config {
            return None;
        }
        if let Some(f) = self.session.config_file(Some(path)) {
            let f = if f.is_absolute() {
                f
            } else {
                std::env::current_dir().ok()?.join(f)
            };
            return Some((f, true));
        }
        if !self.caps.create_files {
            return None;
        }
        let dir = path.parent()?;
        let home = dir
            .ancestors()
            .find(|d| self.workspace.iter().any(|w| w == d) || d.join(".git").exists())
            .unwrap_or(dir);
        Some((home.join(FILE_NAME), false))
    }

    /// The edit that adds `phrase` to the allow list of `target` (its text as open in the
    /// editor, else as on disk; created when it does not exist).
    fn allow_edit(&self, (file, exists): &(PathBuf, bool), phrase: &str) -> Option<WorkspaceEdit> {
        let uri = Url::from_file_path(file).ok()?;
        let open = self.docs.get(&uri);
        let old: String = match open {
            Some(d) => d.text.to_string(),
            None if *exists => std::fs::read_to_string(file).ok()?,
            None => String::new(),
        };
        let new = actions::add_to_allow_list(&old, phrase).ok()??;
        let s = actions::splice_between(&old, &new);
        let lines = LineIndex::new(&old);
        let edit = TextEdit::new(lines.range(&old, s.range.start, s.range.end), s.text);
        let text_edit = TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: open.map(|d| d.version),
            },
            edits: vec![OneOf::Left(edit.clone())],
        };
        Some(if !*exists && open.is_none() {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Operations(vec![
                    DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                        uri,
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    })),
                    DocumentChangeOperation::Edit(text_edit),
                ])),
                ..Default::default()
            }
        } else if self.caps.document_changes {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![text_edit])),
                ..Default::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(uri, vec![edit])])),
                ..Default::default()
            }
        })
    }
}

/// The worker: check the jobs, the latest version of each document once, and publish.
fn check_worker(
    queue: mpsc::Receiver<Job>,
    sender: crossbeam_channel::Sender<Message>,
    live: Live,
) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        // Only the last job of each document counts.
        let mut latest: Vec<Job> = Vec::with_capacity(batch.len());
        for job in batch {
            latest.retain(|j| j.uri != job.uri);
            latest.push(job);
        }
        for job in latest {
            let is_current = |live: &HashMap<Url, LiveDoc>| {
                live.get(&job.uri).is_some_and(|l| l.version == job.version)
            };
            if !is_current(&live.lock().expect("lock")) {
                continue;
            }
            let started = Instant::now();
            // A detector's panic costs this check only (the message is on standard error).
            let checked = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check(&job)
            })) {
                Ok(c) => c,
                Err(_) => {
                    let params = LogMessageParams {
                        typ: MessageType::ERROR,
                        message: format!("{}: internal error, not checked", job.path.display()),
                    };
                    let _ = sender
                        .send(Notification::new(notif::LogMessage::METHOD.into(), params).into());
                    continue;
                }
            };
            let took = started.elapsed();
            let diagnostics = checked
                .report
                .findings
                .iter()
                .zip(&checked.ranges)
                .map(|(f, r)| convert::diagnostic(f, *r))
                .collect();
            let log = format!(
                "{}: score {:.1}/100 ({}), {} finding{} in {} words, checked in {} ms",
                job.path.display(),
                checked.report.score,
                verdict(checked.report.score),
                checked.report.findings.len(),
                if checked.report.findings.len() == 1 {
                    ""
                } else {
                    "s"
                },
                checked.report.words,
                took.as_millis()
            );
            let mut live = live.lock().expect("lock");
            if !is_current(&live) {
                continue;
            }
            if let Some(l) = live.get_mut(&job.uri) {
                l.checked = Some(Arc::new(checked));
            }
            // The score first, then the diagnostics, both under the lock: a close or a newer
            // version waits until they are out.
            let params = LogMessageParams {
                typ: MessageType::LOG,
                message: log,
            };
            let _ = sender.send(Notification::new(notif::LogMessage::METHOD.into(), params).into());
            let publish = Notification::new(
                notif::PublishDiagnostics::METHOD.into(),
                PublishDiagnosticsParams {
                    uri: job.uri,
                    diagnostics,
                    version: Some(job.version),
                },
            );
            if sender.send(publish.into()).is_err() {
                return;
            }
        }
    }
}

/// Check a document as `unspun check` would: its configuration's settings for its path,
/// inline ignores, then the findings below the minimum severity dropped (they still count in
/// the score).
fn check(job: &Job) -> Checked {
    let eff = job.ctx.settings(Some(&job.path), &CheckOptions::default());
    let mut report = eff.check(job.ctx.checker(), &job.text, job.format).report;
    report.path = job.path.display().to_string();
    report.findings.retain(|f| f.severity >= eff.min_severity);
    let lines = LineIndex::new(&job.text);
    let ranges = lines.ranges(&job.text, report.findings.iter().map(|f| (f.start, f.end)));
    Checked {
        version: job.version,
        report,
        ranges,
        lines,
        format: job.format,
        fix_min_confidence: eff.fix_min_confidence,
        ctx: job.ctx.clone(),
    }
}

/// Is this URI a configuration file?
fn is_config(uri: &Url) -> bool {
    uri.path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|n| n == FILE_NAME)
}

/// The markup of a document from its language id, else its file name; `None` for what is not
/// prose (source code, data files), which is never checked.
fn format_of(language_id: &str, path: &Path) -> Option<Format> {
    let id: String = language_id
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if let Some(f) = Format::parse(&id) {
        return Some(f);
    }
    match id.as_str() {
        "plaintext" => return Some(Format::Plain),
        "mdx" => return Some(Format::Markdown),
        "xhtml" => return Some(Format::Html),
        "restructuredtext" | "rst" => return Some(Format::Rst),
        "asciidoc" | "adoc" => return Some(Format::Asciidoc),
        _ => {}
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)?;
    let known = TEXT_EXTENSIONS.contains(&ext.as_str())
        || matches!(ext.as_str(), "mdx" | "xhtml" | "adoc" | "asciidoc");
    known.then(|| Format::from_path(path))
}

/// `'text'` for titles and hovers.
fn quote(s: &str) -> String {
    format!("'{s}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_language_and_by_name() {
        let p = Path::new("/x/notes");
        assert_eq!(format_of("markdown", p), Some(Format::Markdown));
        assert_eq!(format_of("Plain Text", p), Some(Format::Plain));
        assert_eq!(format_of("plaintext", p), Some(Format::Plain));
        assert_eq!(format_of("html", p), Some(Format::Html));
        assert_eq!(format_of("mdx", p), Some(Format::Markdown));
        assert_eq!(format_of("restructuredtext", p), Some(Format::Rst));
        assert_eq!(format_of("asciidoc", p), Some(Format::Asciidoc));
        assert_eq!(format_of("rust", Path::new("/x/a.rs")), None);
        assert_eq!(format_of("toml", Path::new("/x/.unspun.toml")), None);
        assert_eq!(
            format_of("whatever", Path::new("/x/a.md")),
            Some(Format::Markdown)
        );
        assert_eq!(
            format_of("whatever", Path::new("/x/a.htm")),
            Some(Format::Html)
        );
        assert!(is_config(&Url::parse("file:///x/.unspun.toml").unwrap()));
        assert!(!is_config(&Url::parse("file:///x/a.md").unwrap()));
    }
}
