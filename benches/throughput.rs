//! Throughput and latency on a generated 10,000-claim 837P (about 7.5 MB):
//! parse, parse + every rule, the implementation-guide pass alone, `didChange` → `publishDiagnostics` through the real server
//! in memory, hover (direct and through the server), code actions, and the editor
//! features (outline, folding, semantic tokens, completion, inlay hints, formatting)
//! through the server. Prints a table.
//!
//! ```text
//! cargo bench --bench throughput            # CLAIMS=… RUNS=… HOVERS=… to change sizes
//! ```
//! Targets: ≥ 100 MB/s parse + all rules; didChange → diagnostics < 100 ms; hover < 1 ms.

#[path = "../tests/common/gen837.rs"]
#[allow(unused_imports)]
mod gen837;

#[path = "batch/check.rs"]
mod batch;

use std::hint::black_box;
use std::time::{Duration, Instant};

use claim_lsp::analysis::Analysis;
use claim_lsp::config::Environment;
use claim_lsp::lsp::Backend;
use futures::StreamExt as _;
use serde_json::{json, Value};
use tower::{Service, ServiceExt as _};
use tower_lsp_server::jsonrpc::Request;
use tower_lsp_server::LspService;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Best, median and worst of a set of timings.
struct Summary {
    best: Duration,
    median: Duration,
    worst: Duration,
}

fn summarize(mut times: Vec<Duration>) -> Summary {
    times.sort_unstable();
    Summary { best: times[0], median: times[times.len() / 2], worst: times[times.len() - 1] }
}

/// Times `work` on a fresh input from `setup`; what `work` returns is dropped after the
/// clock stops (freeing a 10 MB analysis is the allocator's cost, paid when the next
/// analysis replaces it, not part of checking the file).
fn time_runs<T, U>(runs: usize, mut setup: impl FnMut() -> T, mut work: impl FnMut(T) -> U) -> Summary {
    let times = (0..runs)
        .map(|_| {
            let input = setup();
            let start = Instant::now();
            let output = work(input);
            let elapsed = start.elapsed();
            drop(black_box(output));
            elapsed
        })
        .collect();
    summarize(times)
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn ms(time: Duration) -> String {
    format!("{:.3} ms", time.as_secs_f64() * 1e3)
}

fn us(time: Duration) -> String {
    format!("{:.1} µs", time.as_secs_f64() * 1e6)
}

/// A place in the text: byte offset and its LSP position (the text is ASCII, so UTF-16
/// columns are bytes).
#[derive(Clone, Copy)]
struct Place {
    offset: usize,
    line: u32,
    character: u32,
}

fn place(text: &str, offset: usize) -> Place {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Place { offset, line: line as u32, character: (offset - line_start) as u32 }
}

/// The first occurrence of `needle` at or after the middle of the text, plus `skip`.
fn middle(text: &str, needle: &str, skip: usize) -> Place {
    let from = text.len() / 2;
    let at = text[from..].find(needle).map(|i| from + i).expect("needle in the generated text");
    place(text, at + skip)
}

/// The client side: notes each publishDiagnostics (version, arrival time), answers nothing.
fn publications(
    mut socket: tower_lsp_server::ClientSocket,
) -> tokio::sync::mpsc::UnboundedReceiver<(Option<i64>, Instant)> {
    let (published, arrivals) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(request) = socket.next().await {
            if request.method() == "textDocument/publishDiagnostics" {
                let version = request.params().and_then(|p| p.get("version")).and_then(Value::as_i64);
                if published.send((version, Instant::now())).is_err() {
                    break;
                }
            }
        }
    });
    arrivals
}

fn main() {
    // As the binary does first thing (src/main.rs): the allocator keeps large blocks.
    claim_lsp::analysis::memory::configure_allocator();
    let claims = setting("CLAIMS", 10_000);
    let runs = setting("RUNS", 10);
    let hovers = setting("HOVERS", 200);
    let edits = setting("EDITS", 10);
    if std::env::var("BENCH").as_deref() == Ok("batch") {
        batch::run(runs);
        return;
    }
    let text = gen837::generate_837p(&gen837::BatchOptions {
        claims,
        claims_per_transaction: 5000,
        line_breaks: true,
        seed: 1,
    });
    let bytes = text.len();
    let environment = Environment::default();
    let warm = Analysis::of_text(text.clone(), &environment);
    let findings = warm.diagnostics.len();
    println!(
        "claim-lsp throughput: {claims} claims, {:.2} MB ({bytes} bytes), {} segments, {findings} findings; {runs} runs",
        bytes as f64 / 1e6,
        warm.file.tree.segments.len(),
    );

    let parse = time_runs(runs, || (), |()| claim_lsp::syntax::parse(black_box(&text)));
    let model = time_runs(runs, || text.clone(), claim_lsp::model::ClaimFile::parse);
    let analysis = time_runs(runs, || text.clone(), |t| Analysis::of_text(t, &environment));
    // The implementation-guide pass alone (every ig-* rule's findings), on the parsed file.
    let guide_pass = time_runs(runs, || (), |()| claim_lsp::guide::validate(black_box(&warm.file)));

    // Hover directly on a ready analysis.
    let jcode = middle(&text, "SV1*HC:J9035*", 9);
    let modifier = middle(&text, "SV1*HC:J9035:JW*", 14);
    let sv104 = {
        let line = middle(&text, "SV1*HC:96413*", 0);
        let units = text[line.offset..].match_indices('*').nth(2).map(|(i, _)| line.offset + i + 1).expect("SV104");
        place(&text, units)
    };
    let targets = [("J-code (SV101-2 J9035)", jcode), ("modifier (SV101-3 JW)", modifier), ("element (SV104)", sv104)];
    let mut direct = Vec::new();
    for (name, target) in targets {
        assert!(claim_lsp::ide::hover::hover(&warm, environment.codes(), target.offset).is_some(), "{name}: no hover");
        let times = (0..hovers)
            .map(|_| {
                let start = Instant::now();
                black_box(claim_lsp::ide::hover::hover(&warm, environment.codes(), black_box(target.offset)));
                start.elapsed()
            })
            .collect();
        direct.push((name, summarize(times)));
    }
    drop(warm);

    // Fixes on the same batch with two mistakes put in: a drug line without its JZ
    // (the JW-line fix re-reads the whole file to settle SE01, LX and CLM02) and a
    // wrong SE01 (fix-all: check, fix, check again).
    let drug_line = middle(&text, "SV1*HC:J2506:JZ*", 0);
    let mut damaged = text.clone();
    damaged.replace_range(drug_line.offset + 12..drug_line.offset + 15, "");
    let se01 = damaged.find("\nSE*").expect("SE") + 4;
    damaged.replace_range(se01..se01 + 1, "9");
    let broken = Analysis::of_text(damaged.clone(), &environment);
    let missing =
        broken.diagnostics.iter().find(|d| d.rule == "missing-jw-jz").expect("missing-jw-jz on the damaged line");
    let jw_fix = time_runs(runs, || (), |()| claim_lsp::ide::fixes::fixes_for(&broken, &environment, missing));
    assert!(claim_lsp::ide::fixes::fixes_for(&broken, &environment, missing)
        .iter()
        .any(|fix| fix.title.starts_with("Add JW wastage line")));
    let fix_all = time_runs(
        runs,
        || (),
        |()| claim_lsp::ide::fix_all(&damaged, &claim_lsp::analysis::DocumentKind::X12, &environment),
    );
    let code_action_at = place(&damaged, missing.span.start + 1);
    drop(broken);

    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    let server = runtime.block_on(server_latencies(&text, edits, hovers, &targets));
    let code_action = runtime.block_on(code_action_latency(&damaged, runs, code_action_at, false));
    let (listed, resolved) = runtime.block_on(resolving_code_action_latency(&damaged, runs, code_action_at));
    let features = runtime.block_on(feature_latencies(&text, runs, modifier));
    let stdio = stdio_feature_latencies(&text, runs, modifier);

    println!();
    println!("| measurement | best | median | worst | throughput (best / median) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, summary) in [
        ("parse (syntax tree)", &parse),
        ("parse + model", &model),
        ("parse + all rules (Analysis::of_text)", &analysis),
        ("implementation-guide pass alone (ig-* rules, guide::validate)", &guide_pass),
    ] {
        println!(
            "| {name} | {} | {} | {} | {:.0} / {:.0} MB/s |",
            ms(summary.best),
            ms(summary.median),
            ms(summary.worst),
            mb_per_s(bytes, summary.best),
            mb_per_s(bytes, summary.median)
        );
    }
    println!("| didOpen → first publishDiagnostics | {} | | | |", ms(server.open));
    println!(
        "| didChange (1 char) → publishDiagnostics, {edits}× | {} | {} | {} | |",
        ms(server.change.best),
        ms(server.change.median),
        ms(server.change.worst)
    );
    for (name, summary) in &direct {
        println!(
            "| hover {name}, direct, {hovers}× | {} | {} | {} | |",
            us(summary.best),
            us(summary.median),
            us(summary.worst)
        );
    }
    for (name, summary) in [
        ("JW-line fix on a drug line (fixes_for, incl. settling SE01/LX/CLM02), direct", &jw_fix),
        ("fix-all on the batch with a wrong SE01 (2 rounds), direct", &fix_all),
        ("textDocument/codeAction on the drug line, edits included, via server", &code_action),
        ("textDocument/codeAction on the drug line, resolving client (titles only), via server", &listed),
        ("codeAction/resolve of the JW line, via server", &resolved),
    ] {
        println!("| {name}, {runs}× | {} | {} | {} | |", ms(summary.best), ms(summary.median), ms(summary.worst));
    }
    for (name, summary) in &features {
        println!(
            "| {name}, via server, {runs}× | {} | {} | {} | |",
            ms(summary.best),
            ms(summary.median),
            ms(summary.worst)
        );
    }
    for (name, summary) in &stdio {
        println!(
            "| {name}, `claim-lsp serve` over stdio, answer read, {runs}× | {} | {} | {} | |",
            ms(summary.best),
            ms(summary.median),
            ms(summary.worst)
        );
    }
    for (name, summary) in &server.hover {
        println!(
            "| hover {name}, via server, {hovers}× | {} | {} | {} | |",
            us(summary.best),
            us(summary.median),
            us(summary.worst)
        );
    }
    batch::run(runs);
}

struct ServerLatencies {
    open: Duration,
    change: Summary,
    hover: Vec<(&'static str, Summary)>,
}

async fn server_latencies(
    text: &str,
    edits: usize,
    hovers: usize,
    targets: &[(&'static str, Place); 3],
) -> ServerLatencies {
    let (mut service, socket) = LspService::new(Backend::new);
    let mut arrivals = publications(socket);
    let mut next_id = 0i64;
    let mut call = |method: &'static str, params: Value, is_request: bool| {
        let mut builder = Request::build(method).params(params);
        if is_request {
            next_id += 1;
            builder = builder.id(next_id);
        }
        builder.finish()
    };
    let uri = "file:///bench/batch-10k.837";

    let initialize = call("initialize", json!({ "capabilities": {} }), true);
    service.ready().await.expect("ready").call(initialize).await.expect("initialize");
    let initialized = call("initialized", json!({}), false);
    service.ready().await.expect("ready").call(initialized).await.expect("initialized");

    let open = call(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "x12-837", "version": 1, "text": text } }),
        false,
    );
    let start = Instant::now();
    service.ready().await.expect("ready").call(open).await.expect("didOpen");
    let open_latency = wait_for(&mut arrivals, 1).await - start;

    // Retype the first letter of a subscriber's last name in the middle of the file (X,
    // Y, X …): every edit is the same work. (Inserting, as this once did, grows the name
    // past NM103's 60 characters, which the ig rules then report on every edit.)
    let edit_at = middle(text, "NM1*IL*1*", 9);
    let mut change_times = Vec::new();
    for index in 0..edits {
        let version = 2 + index as i64;
        let letter = if index % 2 == 0 { "X" } else { "Y" };
        let change = call(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{
                    "range": {
                        "start": { "line": edit_at.line, "character": edit_at.character },
                        "end": { "line": edit_at.line, "character": edit_at.character + 1 }
                    },
                    "text": letter
                }]
            }),
            false,
        );
        let start = Instant::now();
        service.ready().await.expect("ready").call(change).await.expect("didChange");
        change_times.push(wait_for(&mut arrivals, version).await - start);
    }

    let mut hover = Vec::new();
    for (name, target) in targets {
        // The retyped characters are on a line of their own.
        assert_ne!(target.line, edit_at.line, "hover target on the edited line");
        let mut times = Vec::new();
        for _ in 0..hovers {
            let request = call(
                "textDocument/hover",
                json!({
                    "textDocument": { "uri": uri },
                    "position": { "line": target.line, "character": target.character }
                }),
                true,
            );
            let start = Instant::now();
            let response = service.ready().await.expect("ready").call(request).await.expect("hover");
            times.push(start.elapsed());
            let answered = response.and_then(|r| r.into_parts().1.ok()).is_some_and(|v| !v.is_null());
            assert!(answered, "{name}: the server gave no hover");
        }
        hover.push((*name, summarize(times)));
    }
    ServerLatencies { open: open_latency, change: summarize(change_times), hover }
}

/// `textDocument/codeAction` at a drug line of the damaged batch, through the server:
/// the quick fixes of the finding there, the JW line included.
async fn code_action_latency(text: &str, runs: usize, at: Place, resolving: bool) -> Summary {
    code_action_rounds(text, runs, at, resolving).await.0
}

/// The list for a client that resolves edits, then resolving the JW line.
async fn resolving_code_action_latency(text: &str, runs: usize, at: Place) -> (Summary, Summary) {
    code_action_rounds(text, runs, at, true).await
}

async fn code_action_rounds(text: &str, runs: usize, at: Place, resolving: bool) -> (Summary, Summary) {
    let capabilities = if resolving {
        json!({ "textDocument": { "codeAction": { "dataSupport": true, "resolveSupport": { "properties": ["edit"] } } } })
    } else {
        json!({})
    };
    let (mut service, socket) = LspService::new(Backend::new);
    tokio::spawn(async move {
        let mut socket = socket;
        while socket.next().await.is_some() {}
    });
    let uri = "file:///bench/batch-10k-damaged.837";
    let mut id = 0;
    let mut send = |method: &'static str, params: Value, request: bool| {
        let mut builder = Request::build(method).params(params);
        if request {
            id += 1;
            builder = builder.id(id);
        }
        builder.finish()
    };
    let messages = [
        send("initialize", json!({ "capabilities": capabilities }), true),
        send("initialized", json!({}), false),
        send(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "x12-837", "version": 1, "text": text } }),
            false,
        ),
    ];
    for message in messages {
        service.ready().await.expect("ready").call(message).await.expect("setup");
    }
    let position = json!({ "line": at.line, "character": at.character });
    let mut times = Vec::new();
    let mut resolve_times = Vec::new();
    for _ in 0..runs {
        let request = send(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": position, "end": position },
                "context": { "diagnostics": [] }
            }),
            true,
        );
        let start = Instant::now();
        let response = service.ready().await.expect("ready").call(request).await.expect("codeAction");
        times.push(start.elapsed());
        let actions = response.and_then(|r| r.into_parts().1.ok()).unwrap_or(Value::Null);
        let jw = actions.as_array().and_then(|actions| {
            actions.iter().find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Add JW wastage line")))
        });
        let Some(jw) = jw.cloned() else { panic!("no JW-line action: {actions}") };
        assert_eq!(jw.get("edit").is_none(), resolving, "edits listed only for a client that cannot resolve");
        if resolving {
            let request = send("codeAction/resolve", jw, true);
            let start = Instant::now();
            let response = service.ready().await.expect("ready").call(request).await.expect("resolve");
            resolve_times.push(start.elapsed());
            let resolved = response.and_then(|r| r.into_parts().1.ok()).unwrap_or(Value::Null);
            assert!(resolved.get("edit").is_some(), "resolved without an edit: {resolved}");
        }
    }
    let resolved = if resolve_times.is_empty() { summarize(vec![Duration::ZERO]) } else { summarize(resolve_times) };
    (summarize(times), resolved)
}

/// The editor features through the server on the batch: outline, folding, semantic
/// tokens for a screen and for the file, completion, inlay hints for a screen, and
/// formatting the batch written on one line. Targets (issue 13): symbols and folding
/// < 150 ms, tokens for a screen < 20 ms and full < 300 ms, completion < 20 ms,
/// formatting < 300 ms.
async fn feature_latencies(text: &str, runs: usize, modifier: Place) -> Vec<(&'static str, Summary)> {
    let (mut service, socket) = LspService::new(Backend::new);
    let mut arrivals = publications(socket);
    let mut next_id = 0i64;
    let mut request = |method: &'static str, params: Value| {
        next_id += 1;
        Request::build(method).params(params).id(next_id).finish()
    };
    let notification = |method: &'static str, params: Value| Request::build(method).params(params).finish();
    let uri = "file:///bench/batch-10k.837";
    let one_line_uri = "file:///bench/batch-10k-one-line.837";
    let one_line: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();

    let initialize = request("initialize", json!({ "capabilities": {} }));
    service.ready().await.expect("ready").call(initialize).await.expect("initialize");
    service.ready().await.expect("ready").call(notification("initialized", json!({}))).await.expect("initialized");
    for (document, body, version) in [(uri, text, 1), (one_line_uri, one_line.as_str(), 2)] {
        let open = notification(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": document, "languageId": "x12-837", "version": version, "text": body } }),
        );
        service.ready().await.expect("ready").call(open).await.expect("didOpen");
        wait_for(&mut arrivals, version).await;
    }

    let screen = json!({
        "start": { "line": modifier.line.saturating_sub(25), "character": 0 },
        "end": { "line": modifier.line + 25, "character": 0 }
    });
    let position = json!({ "line": modifier.line, "character": modifier.character });
    let cases: [(&'static str, &'static str, Value); 7] = [
        (
            "textDocument/documentSymbol (outline)",
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        ),
        ("textDocument/foldingRange", "textDocument/foldingRange", json!({ "textDocument": { "uri": uri } })),
        (
            "semanticTokens/range (a 50-line screen)",
            "textDocument/semanticTokens/range",
            json!({ "textDocument": { "uri": uri }, "range": screen }),
        ),
        ("semanticTokens/full", "textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } })),
        (
            "completion (modifier position)",
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        ),
        (
            "inlayHint (a 50-line screen)",
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri }, "range": screen }),
        ),
        (
            "formatting the one-line batch (segment per line)",
            "textDocument/formatting",
            json!({ "textDocument": { "uri": one_line_uri }, "options": { "tabSize": 4, "insertSpaces": true } }),
        ),
    ];
    let mut results = Vec::new();
    for (name, method, params) in cases {
        let mut times = Vec::new();
        for _ in 0..runs {
            let call = request(method, params.clone());
            let start = Instant::now();
            let response = service.ready().await.expect("ready").call(call).await.expect(method);
            times.push(start.elapsed());
            let answered = response.and_then(|r| r.into_parts().1.ok()).is_some_and(|v| !v.is_null());
            assert!(answered, "{name}: the server answered nothing");
        }
        results.push((name, summarize(times)));
    }
    results
}

/// Waits for the publishDiagnostics of `version`; returns when it arrived.
async fn wait_for(
    arrivals: &mut tokio::sync::mpsc::UnboundedReceiver<(Option<i64>, Instant)>,
    version: i64,
) -> Instant {
    loop {
        let (published, at) = tokio::time::timeout(Duration::from_secs(60), arrivals.recv())
            .await
            .expect("publishDiagnostics within 60 s")
            .expect("client socket open");
        if published == Some(version) {
            return at;
        }
    }
}

/// `claim-lsp serve` over pipes, for `stdio_feature_latencies`.
struct StdioServer {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
    next_id: i64,
}

impl StdioServer {
    fn start() -> Self {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_claim-lsp"))
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("claim-lsp serve");
        let input = child.stdin.take().expect("stdin");
        let output = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        Self { child, input, output, next_id: 0 }
    }

    fn send(&mut self, message: &Value) {
        use std::io::Write as _;
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.input.flush().expect("flush");
    }

    fn read(&mut self) -> Vec<u8> {
        use std::io::{BufRead as _, Read as _};
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(self.output.read_line(&mut line).expect("read from the server") > 0, "the server closed stdout");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().expect("a length");
                }
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).expect("the body");
        body
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The answer, and the time from before writing the request to having read the
    /// answer's last byte (parsing it here is not counted).
    fn request(&mut self, method: &str, params: Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let start = Instant::now();
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let body = self.read();
            let elapsed = start.elapsed();
            let message: Value = serde_json::from_slice(&body).expect("JSON from the server");
            if message.get("id").and_then(Value::as_i64) == Some(id) && message.get("method").is_none() {
                return (elapsed, message);
            }
        }
    }
}

/// The editor features through the real binary over stdio, as an editor sees them: from
/// writing the request to having read the whole answer (the server's work, its JSON, the
/// pipe). The binary writes large answers without a `Value` tree (`lsp::encoded`), which
/// the in-memory figures above do not show. Targets (issue 13) as for `feature_latencies`.
fn stdio_feature_latencies(text: &str, runs: usize, modifier: Place) -> Vec<(&'static str, Summary)> {
    let mut server = StdioServer::start();
    let capabilities = json!({ "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } } });
    server.request("initialize", json!({ "capabilities": capabilities }));
    server.notify("initialized", json!({}));
    let uri = "file:///bench/batch-10k.837";
    let one_line_uri = "file:///bench/batch-10k-one-line.837";
    let one_line: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    for (document, body) in [(uri, text), (one_line_uri, one_line.as_str())] {
        let item = json!({ "uri": document, "languageId": "x12-837", "version": 1, "text": body });
        server.notify("textDocument/didOpen", json!({ "textDocument": item }));
        // The first request waits for the document's check; it is not timed.
        server.request("textDocument/foldingRange", json!({ "textDocument": { "uri": document } }));
    }
    let screen = json!({
        "start": { "line": modifier.line.saturating_sub(25), "character": 0 },
        "end": { "line": modifier.line + 25, "character": 0 }
    });
    let position = json!({ "line": modifier.line, "character": modifier.character });
    let document = json!({ "uri": uri });
    let cases: [(&'static str, &'static str, Value); 6] = [
        ("textDocument/documentSymbol (outline)", "textDocument/documentSymbol", json!({ "textDocument": document })),
        ("textDocument/foldingRange", "textDocument/foldingRange", json!({ "textDocument": document })),
        (
            "semanticTokens/range (a 50-line screen)",
            "textDocument/semanticTokens/range",
            json!({ "textDocument": document, "range": screen }),
        ),
        ("semanticTokens/full", "textDocument/semanticTokens/full", json!({ "textDocument": document })),
        (
            "completion (modifier position)",
            "textDocument/completion",
            json!({ "textDocument": document, "position": position }),
        ),
        (
            "formatting the one-line batch (segment per line)",
            "textDocument/formatting",
            json!({ "textDocument": { "uri": one_line_uri }, "options": { "tabSize": 4, "insertSpaces": true } }),
        ),
    ];
    let mut results = Vec::new();
    for (name, method, params) in cases {
        let times = (0..runs)
            .map(|_| {
                let (elapsed, answer) = server.request(method, params.clone());
                assert!(answer.get("result").is_some_and(|r| !r.is_null()), "{name}: the server answered nothing");
                elapsed
            })
            .collect();
        results.push((name, summarize(times)));
    }
    server.request("shutdown", Value::Null);
    server.notify("exit", Value::Null);
    let _ = server.child.wait();
    results
}
