#!/usr/bin/env python3
"""The fixed cost of a run, for one or more builds side by side (run alternately, so a
busy moment on a shared machine hits them alike):

- `check FILE` and `explain J2700`: whole process, spawn to exit;
- the server over stdio: spawn (initialize is sent at once) -> initialize answered,
  and spawn -> the first publishDiagnostics of FILE (initialized and didOpen sent as
  soon as initialize is answered, as editors do), then shutdown and exit.

    python3 scripts/bench-startup.py [--runs N] FILE BINARY...

Prints medians and the 10th percentile in milliseconds; no claim data."""
import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path


def run_cli(binary, args):
    start = time.perf_counter()
    subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(out):
    length = None
    while True:
        line = out.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(out.read(length))


def run_server(binary, text, uri):
    """(spawn -> initialize answered, initialize sent -> first publishDiagnostics) in ms."""
    start = time.perf_counter()
    server = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    server.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}))
    server.stdin.flush()
    initialized = published = None
    while published is None:
        message = read_message(server.stdout)
        if message is None:
            break
        if message.get("id") == 1 and "method" not in message:
            initialized = (time.perf_counter() - start) * 1000
            opened = {"textDocument": {"uri": uri, "languageId": "x12", "version": 1, "text": text}}
            server.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            server.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}))
            server.stdin.flush()
        elif message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            published = (time.perf_counter() - start) * 1000
        elif "id" in message and "method" in message:
            # A request from the server (configuration, registration): answer it.
            server.stdin.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
            server.stdin.flush()
    server.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}))
    server.stdin.write(frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
    server.stdin.close()
    server.wait(timeout=10)
    return initialized, published


def summary(times):
    times = sorted(t for t in times if t is not None)
    if not times:
        return "no answer"
    return f"median {statistics.median(times):6.2f}, p10 {times[len(times) // 10]:6.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("file")
    parser.add_argument("binaries", nargs="+")
    options = parser.parse_args()
    path = Path(options.file).resolve()
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    cases = {"check FILE": ["check", str(path)], "explain J2700": ["explain", "J2700"], "--version": ["--version"]}
    for name, args in cases.items():
        times = {binary: [] for binary in options.binaries}
        for _ in range(options.runs):
            for binary in options.binaries:
                times[binary].append(run_cli(binary, args))
        for binary in options.binaries:
            print(f"{name:15} {binary}: {summary(times[binary])} ms")
    spawned = {binary: [] for binary in options.binaries}
    published = {binary: [] for binary in options.binaries}
    for _ in range(max(options.runs // 2, 1)):
        for binary in options.binaries:
            initialize, publish = run_server(binary, text, uri)
            spawned[binary].append(initialize)
            published[binary].append(publish)
    for binary in options.binaries:
        print(f"{'server':15} {binary}: spawn -> initialize answered {summary(spawned[binary])} ms; "
              f"spawn -> first publishDiagnostics {summary(published[binary])} ms")


if __name__ == "__main__":
    main()
