"""Runs the CI examples' commands as their runners would, and validates SARIF output.

GitHub Actions runs each `run:` with `bash -eo pipefail`, GitLab each `script:` line
with errexit; here both run with `bash -eo pipefail` in a folder holding `claims/`,
with the freshly built claim-lsp first on PATH. The install steps (GitHub's step named
"Install claim-lsp", GitLab's `before_script`) are the only lines not run: they fetch
claim-lsp, which this CI has just built.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(sys.argv[1]).resolve()
SCHEMA = json.loads((ROOT / "tests/sarif/sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        print("     " + str(detail).replace("\n", "\n     "))
    results["passed" if ok else "failed"] += 1


def valid_sarif(name, text):
    try:
        log = json.loads(text)
    except json.JSONDecodeError as error:
        check(f"{name}: SARIF is JSON", False, error)
        return None
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    detail = "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    check(f"{name}: valid against the SARIF 2.1.0 schema", not errors, detail)
    return log


def workspace():
    folder = Path(tempfile.mkdtemp(prefix="claim-lsp-ci-"))
    (folder / "claims").mkdir()
    shutil.copy(ROOT / "fixtures/demo/drug-line-mistakes.837", folder / "claims/demo.837")
    shutil.copy(ROOT / "fixtures/claims/clean-837p.837", folder / "claims/clean.837")
    (folder / "bin").mkdir()
    os.symlink(BINARY, folder / "bin/claim-lsp")
    env = dict(os.environ, PATH=f"{folder / 'bin'}:{os.environ['PATH']}")
    return folder, env


def run_all(commands, folder, env):
    """Runs the commands in order, stopping at the first failure, as a job does."""
    for command in commands:
        process = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", command], cwd=folder, env=env, capture_output=True, text=True
        )
        if process.returncode != 0:
            return process
    return process


def github_actions():
    workflow = yaml.safe_load((ROOT / "docs/ci/github-actions.yml").read_text())
    steps = workflow["jobs"]["check-claims"]["steps"]
    commands = [step["run"] for step in steps if "run" in step and step.get("name") != "Install claim-lsp"]
    upload = next(step for step in steps if str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    sarif_file = upload["with"]["sarif_file"]
    check("github: the upload step runs also when the check fails", upload.get("if") == "always()", upload)

    folder, env = workspace()
    # Today's findings accepted once, as the README says to do.
    subprocess.run(
        [str(BINARY), "check", "--write-baseline", "claims/claim-lsp-baseline.json", "claims/"],
        cwd=folder, check=True, capture_output=True,
    )
    process = run_all(commands, folder, env)
    check("github: known findings only: the job passes", process.returncode == 0, process.stderr)
    log = valid_sarif("github: no new findings", (folder / sarif_file).read_text())
    check("github: no results", log is not None and log["runs"][0]["results"] == [], log)

    demo = folder / "claims/demo.837"
    anchor = "PER*IC*BILLING OFFICE*TE*5555550100~\n"
    demo.write_text(demo.read_text().replace(anchor, anchor + "PER*IC*FRONT DESK*TE*5555550101~\n"))
    process = run_all(commands, folder, env)
    check("github: a new finding fails the job", process.returncode == 1, process.stderr)
    log = valid_sarif("github: one new finding", (folder / sarif_file).read_text())
    rules = [r["ruleId"] for r in log["runs"][0]["results"]] if log else []
    check("github: the new finding is the only result", rules == ["segment-count"], rules)
    shutil.rmtree(folder)


def gitlab():
    pipeline = yaml.safe_load((ROOT / "docs/ci/gitlab-ci.yml").read_text())
    job = pipeline["check-claims"]
    report = job["artifacts"]["reports"]["junit"]
    check("gitlab: the report is kept also when the job fails", job["artifacts"].get("when") == "always", job)

    folder, env = workspace()
    process = run_all(job["script"], folder, env)
    check("gitlab: findings at warning level fail the job", process.returncode == 1, process.stderr)
    try:
        suites = ElementTree.parse(folder / report).getroot()
    except (ElementTree.ParseError, FileNotFoundError) as error:
        check("gitlab: the JUnit report is XML", False, error)
        return
    cases = suites.findall("testsuite/testcase")
    failures = suites.findall("testsuite/testcase/failure")
    check("gitlab: one suite per claim file", [s.get("name") for s in suites] == ["claims/clean.837", "claims/demo.837"])
    check("gitlab: a failed case per rule with a finding", len(failures) == 6 and len(cases) % 2 == 0, len(failures))

    (folder / "claims/demo.837").unlink()
    process = run_all(job["script"], folder, env)
    check("gitlab: clean claims pass", process.returncode == 0, process.stderr)
    suites = ElementTree.parse(folder / report).getroot()
    check("gitlab: no failures", suites.get("failures") == "0", suites.attrib)
    shutil.rmtree(folder)


def sarif_of_every_fixture():
    folders = ["fixtures/corpus", "fixtures/rules", "fixtures/demo", "fixtures/claims", "fixtures/fixes"]
    process = subprocess.run(
        [str(BINARY), "check", "--format", "sarif", "--fail-on", "never", *folders],
        cwd=ROOT, capture_output=True, text=True,
    )
    check("every fixture: check exits 0 with --fail-on never", process.returncode == 0, process.stderr[-2000:])
    log = valid_sarif("every fixture and corpus file", process.stdout)
    found = {r["ruleId"] for r in log["runs"][0]["results"]} if log else set()
    count = len(log["runs"][0]["results"]) if log else 0
    # Two rules fire only under payer settings (prior-auth-missing, units-over-limit).
    check(f"every fixture: {count} results from {len(found)} rules", count > 1000 and len(found) >= 30, found)
    if log:
        broken = json.loads(json.dumps(log))
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
        broken["runs"][0]["results"][0]["level"] = "fatal"
        check("the validator rejects a region on line 0 and an unknown level",
              len(list(VALIDATOR.iter_errors(broken))) == 2)
    process = subprocess.run(
        [str(BINARY), "check", "--format", "sarif", "fixtures/claims/clean-837p.837"], cwd=ROOT, capture_output=True, text=True
    )
    valid_sarif("a clean file (no results)", process.stdout)


github_actions()
gitlab()
sarif_of_every_fixture()
print(f"ci examples: {results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
