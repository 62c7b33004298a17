#!/usr/bin/env python3
"""Times the editor features through the real server over stdio, as an editor sees
them: from writing the request to having read the whole JSON answer (the server's
work, its JSON encoding, and the pipe). Not a test: a measurement for
docs/performance.md ("Editor features").

    python3 /work/shared/tools/gen837.py --claims 10000 -o /tmp/batch-10k.837
    python3 tests/editors/stdio_timing.py target/release/claim-lsp /tmp/batch-10k.837 [RUNS]

Prints one line per request: best, median and worst of RUNS (default 10), and the
size of the answer. The batch is also opened written on one line, for formatting.
"""
import json
import os
import statistics
import subprocess
import sys
import time


class Server:
    def __init__(self, binary):
        self.process = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = self.process.stdout.read(length)
        return body

    def request(self, method, params):
        """The answer, its size, and the seconds from writing the request to having read
        the answer's last byte (parsing it here is not counted)."""
        self.next_id += 1
        start = time.perf_counter()
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            body = self.read()
            elapsed = time.perf_counter() - start
            message = json.loads(body)
            if message.get("id") == self.next_id and "method" not in message:
                return message, len(body), elapsed

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for_diagnostics(self, uri):
        while True:
            message = json.loads(self.read())
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return


def main():
    binary, batch = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    with open(batch, encoding="latin-1") as handle:
        text = handle.read()
    one_line = text.replace("\r", "").replace("\n", "")
    server = Server(binary)
    server.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {
        "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}}})
    server.notify("initialized", {})
    uri, one_line_uri = "file:///bench/batch.837", "file:///bench/batch-one-line.837"
    for document, body in ((uri, text), (one_line_uri, one_line)):
        server.notify("textDocument/didOpen", {"textDocument": {"uri": document, "languageId": "x12-837", "version": 1,
                                                                "text": body}})
        server.wait_for_diagnostics(document)

    lines = text.split("\n")
    drug = next(i for i, line in enumerate(lines) if line.startswith("SV1*HC:J"))
    modifier = {"line": drug, "character": lines[drug].index(":", 7) + 1}
    screen = {"start": {"line": max(drug - 25, 0), "character": 0}, "end": {"line": drug + 25, "character": 0}}
    doc = {"uri": uri}
    cases = [
        ("documentSymbol (outline)", "textDocument/documentSymbol", {"textDocument": doc}),
        ("foldingRange", "textDocument/foldingRange", {"textDocument": doc}),
        ("semanticTokens/range (50-line screen)", "textDocument/semanticTokens/range",
         {"textDocument": doc, "range": screen}),
        ("semanticTokens/full", "textDocument/semanticTokens/full", {"textDocument": doc}),
        ("completion (modifier position)", "textDocument/completion", {"textDocument": doc, "position": modifier}),
        ("inlayHint (50-line screen)", "textDocument/inlayHint", {"textDocument": doc, "range": screen}),
        ("formatting the one-line batch", "textDocument/formatting",
         {"textDocument": {"uri": one_line_uri}, "options": {"tabSize": 4, "insertSpaces": True}}),
    ]
    print(f"{len(text) / 1e6:.2f} MB, {runs} runs each; ms from request written to answer read")
    for name, method, params in cases:
        times, size = [], 0
        for _ in range(runs):
            answer, size, elapsed = server.request(method, params)
            times.append(elapsed * 1e3)
            if answer.get("result") is None:
                raise RuntimeError(f"{name}: no result: {str(answer)[:200]}")
        print(f"{name:40} best {min(times):8.2f}  median {statistics.median(times):8.2f}  "
              f"worst {max(times):8.2f} ms  ({size / 1e6:.2f} MB answer)")
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=10)


if __name__ == "__main__":
    main()
