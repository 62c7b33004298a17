#!/usr/bin/env python3
"""Times one-character edits through the real server over stdio: didChange sent ->
publishDiagnostics for that version received, median of N edits, and the server's
memory (VmRSS from /proc/<pid>/status) after opening and after every edit.

An 837 has a units value (SV104/SV205) in the middle of the file retyped; a charge
file (FILE ending in .csv or .tsv, e.g. from examples/gen_charges.rs) the units cell
of a row in the middle.

    python3 scripts/bench-edit-latency.py target/release/claim-lsp FILE [EDITS] [MAX_DIAGNOSTICS]

With HOP=1 in the environment (837 only), each edit retypes the units of another
service line, about every seventh one in the second half of the file: the first
keystroke in a claim, which costs the server more than typing on in one place.

Prints no claim data: only counts, times and sizes."""
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import queue


def units_cell(text):
    """The offset of the first character of the units cell of a row in the middle of a
    charge file (the header's Units/Qty column; rows without quotes before it)."""
    lines = text.splitlines(keepends=True)
    delimiter = max(",\t;|", key=lines[0].count)
    names = [name.strip().strip('"').lower().replace(" ", "") for name in lines[0].split(delimiter)]
    column = next(i for i, name in enumerate(names) if name in ("units", "qty", "quantity", "serviceunits", "uos"))
    offset = sum(len(line) for line in lines[: len(lines) // 2])
    for line in lines[len(lines) // 2:]:
        cells = line.split(delimiter)
        if len(cells) > column and '"' not in delimiter.join(cells[: column + 1]) and cells[column].strip():
            return offset + len(delimiter.join(cells[:column])) + 1
        offset += len(line)
    raise SystemExit("no units cell to edit")


def main():
    binary, path = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 21
    options = {"maxDiagnostics": int(sys.argv[4])} if len(sys.argv) > 4 else {}
    text = open(path, encoding="utf-8").read()
    server = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    messages = queue.Queue()

    def read():
        out = server.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            message = json.loads(body)
            messages.put((time.perf_counter(), message))

    threading.Thread(target=read, daemon=True).start()

    def send(message):
        body = json.dumps(message).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()

    def wait(predicate, timeout=600):
        deadline = time.time() + timeout
        while True:
            at, message = messages.get(timeout=max(0.1, deadline - time.time()))
            if predicate(message):
                return at, message

    def rss_mb():
        for line in open(f"/proc/{server.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    charges = path.lower().endswith((".csv", ".tsv"))
    uri = "file:///bench/batch.charges.csv" if charges else "file:///bench/batch.837"
    language = ("tsv" if path.lower().endswith(".tsv") else "csv") if charges else "x12"
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"capabilities": {}, "initializationOptions": options}})
    wait(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def published(version):
        return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"].get("version") == version)

    started = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": language, "version": 1, "text": text}}})
    at, message = wait(published(1))
    print(f"file {len(text) / 1e6:.1f} MB; open -> diagnostics {1000 * (at - started):.0f} ms; "
          f"{len(message['params']['diagnostics'])} published; RSS {rss_mb():.0f} MB")
    if charges:
        offset = units_cell(text)
    else:
        # A units value in the middle of the file: "*UN*<digit>".
        offset = text.find("*UN*", len(text) // 2) + 4
    offsets = [offset]
    if os.environ.get("HOP") and not charges:
        found, at = [], offset - 4
        while at >= 0:
            found.append(at + 4)
            at = text.find("*UN*", at + 4)
        offsets = found[::7]
    times, sizes = [], []
    for number in range(edits):
        offset = offsets[number % len(offsets)]
        line = text.count("\n", 0, offset)
        character = offset - (text.rfind("\n", 0, offset) + 1)
        version = number + 2
        digit = "98"[number % 2]
        change = {"range": {"start": {"line": line, "character": character},
                            "end": {"line": line, "character": character + 1}}, "text": digit}
        started = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
        at, message = wait(published(version))
        times.append(1000 * (at - started))
        sizes.append(rss_mb())
    print(f"{edits} one-character edits: didChange -> publishDiagnostics median {statistics.median(times):.3f} ms "
          f"(best {min(times):.3f}, worst {max(times):.1f}); "
          f"{len(message['params']['diagnostics'])} published")
    print(f"RSS after each edit: first {sizes[0]:.0f} MB, last {sizes[-1]:.0f} MB, max {max(sizes):.0f} MB "
          f"({max(sizes) / (len(text) / 2**20):.1f}x the file)")
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait(timeout=30)


if __name__ == "__main__":
    main()
