//! Files that would block or exhaust a reader — FIFOs, `/dev/zero`, sparse giants,
//! symbolic-link loops — given to the real binary as claims, settings and code tables,
//! to `check` and to the server. Each run has a deadline: a hang fails the test instead
//! of hanging the suite.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(20);

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_claim-lsp"));
    command.env("NO_COLOR", "1");
    command
}

/// Runs to completion or is killed at the deadline (then `None`).
fn run(command: &mut Command) -> Option<Output> {
    let mut child = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().ok()?;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let status = wait(&mut child)?;
    Some(Output { status, stdout: out.recv().unwrap_or_default(), stderr: err.recv().unwrap_or_default() })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = send.send(bytes);
    });
    receive
}

fn wait(child: &mut Child) -> Option<std::process::ExitStatus> {
    let started = std::time::Instant::now();
    while started.elapsed() < DEADLINE {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-files").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn fifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo");
}

fn clean_claim(dir: &Path) -> PathBuf {
    let path = dir.join("clean.837");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/claims/clean-837p.837"), &path)
        .expect("copy the clean claim");
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_folder_with_a_fifo_and_a_link_to_dev_zero_named_837_is_checked_without_them() {
    let dir = folder("fifo-in-folder");
    clean_claim(&dir);
    fifo(&dir.join("pipe.837"));
    symlink("/dev/zero", dir.join("zero.837")).expect("symlink");
    let output = run(binary().arg("check").arg(&dir)).expect("check returns (a FIFO must not block it)");
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(stdout.contains("in 1 file"), "only the real claim is checked:\n{stdout}\n{stderr}");
    assert!(stderr.contains("pipe.837") && stderr.contains("a FIFO, not a regular file"), "{stderr}");
    assert!(stderr.contains("zero.837") && stderr.contains("a device, not a regular file"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "skipped non-files in a folder are notes, not failures");
}

#[test]
fn a_named_fifo_or_device_is_an_error_that_names_it() {
    let dir = folder("named-fifo");
    let pipe = dir.join("pipe.837");
    fifo(&pipe);
    let zero = dir.join("zero.837");
    symlink("/dev/zero", &zero).expect("symlink");
    for path in [&pipe, &zero] {
        let output = run(binary().arg("check").arg(path)).expect("check returns");
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        let stderr = text(&output.stderr);
        assert!(stderr.contains(&path.display().to_string()) && stderr.contains("not a regular file"), "{stderr}");
    }
}

#[test]
fn a_symlink_loop_checks_each_file_once() {
    let dir = folder("loop");
    clean_claim(&dir);
    symlink(".", dir.join("again")).expect("symlink");
    symlink(dir.join("clean.837"), dir.join("alias.837")).expect("symlink");
    let output = run(binary().args(["check", "--format", "json"]).arg(&dir)).expect("check returns");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = run(binary().arg("check").arg(&dir).arg(dir.join("clean.837"))).expect("check returns");
    let stdout = text(&output.stdout);
    assert!(stdout.contains("in 1 file\n"), "one real file, however many names lead to it:\n{stdout}");
}

#[test]
fn claim_files_past_the_size_limit_are_refused_with_the_limit() {
    let dir = folder("claim-limit");
    let claim = clean_claim(&dir);
    let output = run(binary().args(["check", "--max-file-size", "512"]).arg(&claim)).expect("check returns");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("clean.837") && stderr.contains("larger than the 512 bytes limit"), "{stderr}");
    let output = run(binary().args(["check", "--max-file-size=1M"]).arg(&claim)).expect("check returns");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn code_tables_and_settings_that_are_fifos_or_giants_are_refused_by_name() {
    let dir = folder("tables");
    let claim = clean_claim(&dir);
    let pipe = dir.join("anweb.txt");
    fifo(&pipe);
    let output = run(binary().arg("check").arg("--hcpcs-file").arg(&pipe).arg(&claim)).expect("hcpcsFile FIFO");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("codeTables.hcpcsFile anweb.txt") && stderr.contains("a FIFO"), "{stderr}");
    assert!(!stderr.contains(&dir.display().to_string()), "only the file name: {stderr}");

    // A sparse gigabyte MUE table: refused before reading (it once aborted the process).
    let giant = dir.join("mue.csv");
    std::fs::File::create(&giant).and_then(|f| f.set_len(1 << 30)).expect("sparse file");
    let config = dir.join("settings.json");
    std::fs::write(&config, r#"{"mueFile": "mue.csv", "codeTables": {"hcpcsFile": "zero.txt"}}"#).expect("config");
    symlink("/dev/zero", dir.join("zero.txt")).expect("symlink");
    let output = run(binary().arg("check").arg("--config").arg(&config).arg(&claim)).expect("giant tables");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("mueFile mue.csv") && stderr.contains("larger than the 64 MB limit"), "{stderr}");
    assert!(stderr.contains("codeTables.hcpcsFile zero.txt") && stderr.contains("a device"), "{stderr}");

    let config_pipe = dir.join("pipe.json");
    fifo(&config_pipe);
    let output = run(binary().arg("check").arg("--config").arg(&config_pipe).arg(&claim)).expect("config FIFO");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("a FIFO, not a regular file"), "{}", text(&output.stderr));

    let big = dir.join("big.json");
    std::fs::File::create(&big).and_then(|f| f.set_len(2 << 20)).expect("sparse file");
    let output = run(binary().arg("check").arg("--config").arg(&big).arg(&claim)).expect("big config");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("larger than the 1 MB limit"), "{}", text(&output.stderr));
}

/// One framed LSP message.
fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Starts the server, sends `initialize` for `root`, and returns the `initialize`
/// response's body and the window/showMessage texts seen before it (or `None` at the
/// deadline).
fn initialize(root: &Path, options: &str) -> Option<(String, Vec<String>)> {
    let mut child = binary()
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if let Some(value) = line.trim().strip_prefix("Content-Length: ") {
                    length = value.parse().unwrap_or(0);
                }
                if line.trim().is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() || send.send(String::from_utf8_lossy(&body).into_owned()).is_err()
            {
                return;
            }
        }
    });
    let uri = format!("file://{}", root.display());
    let request = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"capabilities":{{}},"rootUri":"{uri}","initializationOptions":{options}}}}}"#
    );
    let sent = stdin.write_all(&frame(&request)).and_then(|()| stdin.flush());
    assert!(sent.is_ok(), "the server reads its input");
    let started = std::time::Instant::now();
    let mut response = None;
    let mut messages = Vec::new();
    // The answer, then the messages shown after `initialized`.
    while started.elapsed() < DEADLINE {
        let Ok(body) = receive.recv_timeout(Duration::from_millis(500)) else {
            if response.is_some() {
                break;
            }
            continue;
        };
        if body.contains(r#""id":1"#) && body.contains("capabilities") {
            response = Some(body);
            // As a client does: `initialized` once `initialize` is answered.
            let sent = stdin
                .write_all(&frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#))
                .and_then(|()| stdin.flush());
            assert!(sent.is_ok(), "the server reads its input");
        } else if body.contains("window/showMessage") {
            messages.push(body);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    response.map(|response| (response, messages))
}

#[test]
fn the_server_answers_initialize_when_its_settings_file_is_a_fifo() {
    let dir = folder("server-fifo");
    fifo(&dir.join("pipe.json"));
    symlink("pipe.json", dir.join(".claim-lsp.json")).expect("symlink");
    let (_, messages) = initialize(&dir, "{}").expect("initialize is answered");
    assert!(messages.iter().any(|m| m.contains(".claim-lsp.json: it is a FIFO")), "{messages:?}");
    let (_, messages) = initialize(&dir, r#"{"configFile": "pipe.json"}"#).expect("initialize is answered");
    assert!(messages.iter().any(|m| m.contains("configFile pipe.json") && m.contains("a FIFO")), "{messages:?}");
}

#[test]
fn the_server_answers_when_its_code_tables_are_a_fifo_and_a_giant() {
    let dir = folder("server-tables");
    fifo(&dir.join("anweb.txt"));
    std::fs::File::create(dir.join("mue.csv")).and_then(|f| f.set_len(1 << 30)).expect("sparse file");
    std::fs::write(dir.join(".claim-lsp.json"), r#"{"mueFile": "mue.csv", "codeTables": {"hcpcsFile": "anweb.txt"}}"#)
        .expect("config");
    let (_, messages) = initialize(&dir, "{}").expect("initialize is answered");
    assert!(messages.iter().any(|m| m.contains("hcpcsFile anweb.txt") && m.contains("a FIFO")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("mueFile mue.csv") && m.contains("64 MB limit")), "{messages:?}");
}
