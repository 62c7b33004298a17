"""Takes the code blocks marked `<!-- tested: NAME -->` out of editors/README.md,
so the tests run the snippets exactly as a user would copy them.

    python3 readme_snippets.py README OUT_DIR   writes OUT_DIR/NAME for each block
    python3 readme_snippets.py --check-helix FILE   checks a Helix languages.toml
"""
import re
import sys
import tomllib

MARKER = re.compile(r"^<!-- tested: ([a-z0-9.-]+) -->\n```[a-z]*\n(.*?)^```$", re.M | re.S)


def extract(readme, out_dir):
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    blocks = MARKER.findall(text)
    if text.count("<!-- tested:") != len(blocks):
        sys.exit("readme_snippets: a `tested` marker is not directly followed by a code block")
    for name, body in blocks:
        with open(f"{out_dir}/{name}", "w", encoding="utf-8") as f:
            f.write(body)
        print(f"ok - extracted {name} from {readme.split('/')[-2]}/README.md")


def check_helix(path):
    """What Helix needs to start claim-lsp for a claim file, checked key by key."""
    with open(path, "rb") as f:
        config = tomllib.load(f)  # raises on a TOML syntax error
    [language] = [l for l in config.get("language", []) if l.get("name") == "x12-837"]
    for key in ("name", "scope", "file-types", "language-servers"):
        assert key in language, f"[[language]] lacks {key}"
    file_types = language["file-types"]
    for ext in ("837", "x12", "edi"):
        assert ext in file_types, f"file-types lacks {ext}"
    globs = [t["glob"] for t in file_types if isinstance(t, dict)]
    assert globs and all(isinstance(g, str) for g in globs), "file-types has no { glob = ... } entry"
    servers = config.get("language-server", {})
    for name in language["language-servers"]:
        assert name in servers, f"language server {name} is used but not defined"
    server = servers["claim-lsp"]
    assert server.get("command") == "claim-lsp", server
    assert server.get("args") == ["serve"], server
    assert isinstance(server.get("config", {}), dict), "config must be a table"
    print("ok - helix languages.toml parses (tomllib) and starts `claim-lsp serve` for x12-837 "
          f"(file-types {', '.join(str(t) for t in file_types)})")


if __name__ == "__main__":
    if sys.argv[1] == "--check-helix":
        check_helix(sys.argv[2])
    else:
        extract(sys.argv[1], sys.argv[2])
