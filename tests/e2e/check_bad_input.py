#!/usr/bin/python3
"""Runs one case of the bad-input catalogue (tests/bad-input/README.md) and checks that sfpgen
refuses it properly: the documented exit code, a diagnostic with its position and an "expected
... found" text (regexes in the case's case.toml), no crash (no signal, no sanitizer report) and
no file left in the output folder.

usage: check_bad_input.py --sfpgen BIN --repo REPO --tmp DIR CASE
CASE is a folder of tests/bad-input, or data-problems/NAME for a folder of tests/data-problems
(the real-data.md corpus, run through `sfpgen validate`; its expected.txt gives the positions).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib

TIMEOUT = 60  # seconds per run: a case that reads a whole GB or hangs fails here
CRASH = re.compile(r"Sanitizer|runtime error:|terminate called|Segmentation fault|Aborted")
# "file:line:col" or "file:row:column" as sfpgen prints them (docs/cli.md, "Diagnostics").
POSITION = re.compile(r"[^\s:]+:\d+:\d+")


# ---- big inputs, generated into the case's temp folder and deleted after ------------------

def one_gb_line(folder, repo):
    """data.csv: a header then a single 1 GiB line with no line break (a sparse file: the
    reader sees NUL bytes, costs no disk and must stop at max_field_bytes)."""
    path = os.path.join(folder, "data.csv")
    with open(path, "wb") as out:
        out.write(b"mfi_id,region,fiscal_year,gross_loan_portfolio_usd,par30_usd\n")
        out.truncate(out.tell() + (1 << 30))


def one_gb_line_of_fields(folder, repo):
    """data.csv: a single 1 GiB line of "1," pairs (a field count that never ends), written in
    streamed 1 MiB chunks up to 64 MiB and then extended sparsely: the reader must stop at
    max_fields, long before either part."""
    path = os.path.join(folder, "data.csv")
    chunk = b"1," * (1 << 19)
    with open(path, "wb") as out:
        for _ in range(64):
            out.write(chunk)
        out.truncate(1 << 30)


def field_100_mb(folder, repo):
    """data.csv: a good header and row, then a row whose region is 100 MiB of letters."""
    path = os.path.join(folder, "data.csv")
    chunk = b"A" * (1 << 20)
    with open(path, "wb") as out:
        out.write(b"mfi_id,region,fiscal_year,gross_loan_portfolio_usd,par30_usd\n")
        out.write(b"MFI-1,Africa,2020,1000,10\n")
        out.write(b"MFI-2,")
        for _ in range(100):
            out.write(chunk)
        out.write(b",2020,1000,10\n")


def loan_field_100_mb(folder, repo):
    """data.csv: the Kiva sample's header and first loan, then a loan whose 'use' (column 6)
    is 100 MiB of letters."""
    with open(os.path.join(repo, "tests", "fixtures", "kiva_loans_sample_1418.csv"), "rb") as f:
        header = f.readline()
    path = os.path.join(folder, "data.csv")
    chunk = b"u" * (1 << 20)
    with open(path, "wb") as out:
        out.write(header)
        out.write(b"1,425.0,425.0,Clothing Sales,Clothing,to buy clothes,HN,Honduras,La Ceiba,HNL,"
                  b"201.0,2017-02-11 16:08:04+00:00,2017-02-03 08:00:00+00:00,"
                  b"2017-03-08 15:42:12+00:00,20.0,11,,monthly,2017-02-11,female\n")
        out.write(b"2,425.0,425.0,Clothing Sales,Clothing,")
        for _ in range(100):
            out.write(chunk)
        out.write(b",HN,Honduras,La Ceiba,HNL,201.0,2017-02-11 16:08:04+00:00,"
                  b"2017-02-03 08:00:00+00:00,2017-03-08 15:42:12+00:00,20.0,11,,monthly,"
                  b"2017-02-11,female\n")


def config_1_gb(folder, repo):
    """report.toml: a valid start, then 1 GiB of comment lines (sparse: NUL bytes after the
    first 1 MiB would be a syntax error, so the start is real comments and the rest sparse)."""
    path = os.path.join(folder, "report.toml")
    with open(path, "wb") as out:
        out.write(b"[report]\n")
        line = b"# " + b"x" * 61 + b"\n"
        out.write(line * ((1 << 20) // len(line)))
        out.truncate(1 << 30)


GENERATORS = {
    "one-gb-line": one_gb_line,
    "one-gb-line-of-fields": one_gb_line_of_fields,
    "field-100-mb": field_100_mb,
    "config-1-gb": config_1_gb,
    "loan-field-100-mb": loan_field_100_mb,
}


# ---- running a case ------------------------------------------------------------------------

def prepare(case_dir, repo, work):
    """Copies the case into `work`, filling @REPO@ in its TOML files; a data case without its
    own report.toml gets tests/bad-input/base-report.toml."""
    shutil.copytree(case_dir, work)
    base = os.path.join(repo, "tests", "bad-input", "base-report.toml")
    report = os.path.join(work, "report.toml")
    if not os.path.exists(report):
        shutil.copy(base, report)
    for name in os.listdir(work):
        path = os.path.join(work, name)
        if name.endswith(".toml") and name != "case.toml":
            with open(path, "rb") as f:
                text = f.read()
            with open(path, "wb") as f:
                f.write(text.replace(b"@REPO@", repo.encode()))


def command_line(sfpgen, run, config, out):
    command = run["command"]
    if command == "validate":
        return [sfpgen, "validate", config] + run.get("args", [])
    if command == "build":
        return [sfpgen, "build", config, "--output", out, "--format", "pdf,xlsx,json,csv"]
    if command == "portfolio":
        return [sfpgen, "portfolio", config, "-o", os.path.join(out, "portfolio.csv")]
    raise SystemExit(f"unknown command {command!r} in case.toml")


def allowed_exits(run):
    return run["exit"] if isinstance(run["exit"], list) else [run["exit"]]


def check_run(sfpgen, run, config, out):
    """Runs one command of a case; returns the list of failures."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    argv = command_line(sfpgen, run, config, out)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    try:
        done = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return [f"{run['command']}: no answer within {TIMEOUT} s (a hang, or the whole input "
                "read)"]
    text = (done.stderr + done.stdout).decode("utf-8", "replace")
    failures = []
    code = done.returncode
    if code < 0 or code >= 128:
        failures.append(f"{run['command']}: killed by a signal (exit {code})")
    elif code not in allowed_exits(run):
        failures.append(f"{run['command']}: exit code {code}, expected {run['exit']}")
    if CRASH.search(text):
        failures.append(f"{run['command']}: crash or sanitizer report on stderr")
    for pattern in run.get("expect", []):
        if not re.search(pattern, text, re.MULTILINE):
            failures.append(f"{run['command']}: output does not match {pattern!r}")
    if code != 0 and run.get("position", True) and not POSITION.search(text):
        failures.append(f"{run['command']}: no file:line:col position in the diagnostics")
    for name in run.get("outputs", []):
        if not os.path.isfile(os.path.join(out, name)):
            failures.append(f"{run['command']}: {name} was not written")
    if code != 0:
        left = sorted(os.listdir(out))
        if left:
            failures.append(f"{run['command']}: files left in the output folder: {left}")
    if failures:
        print("$ " + " ".join(argv))
        print(text[:6000])
    return failures


def run_case(args, case_dir, case, in_place=False):
    work = os.path.join(args.tmp, os.path.basename(case_dir.rstrip("/")))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(args.tmp, exist_ok=True)
    try:
        if in_place:
            os.makedirs(work)
            config = os.path.join(case_dir, case["config"])
        else:
            prepare(case_dir, args.repo, work)
            if "generate" in case:
                GENERATORS[case["generate"]](work, args.repo)
            config = os.path.join(work, case.get("config", "report.toml"))
        out = os.path.join(work, "out")
        failures = []
        for run in case["run"]:
            failures += check_run(args.sfpgen, run, config, out)
        return failures
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the big generated files too


def data_problem_case(repo, name):
    """A tests/data-problems case as a catalogue case, run in place: `validate` on its
    source.toml exits 0 (warnings only) or 4 (errors), never crashes, and reports every issue of
    expected.txt ("code row column"; column 0: the whole row) at its row and column. Which
    issues are errors is checked by tests/unit/data_problems_test.cpp."""
    folder = os.path.join(repo, "tests", "data-problems", name)
    expect = []
    with open(os.path.join(folder, "expected.txt")) as f:
        for line in f:
            if line.strip():
                code, row, column = line.split()
                where = f":{row}:{column}:" if column != "0" else f":{row}:(0:)?"
                expect.append(re.escape(where).replace(r"\(0:\)\?", "(0:)?") + r".*\[" +
                              re.escape(code) + r"\]")
    return folder, {"config": "source.toml", "run": [
        # Whole-row issues print "file:row:" (no column): the expect regexes check positions.
        {"command": "validate", "exit": [0, 4], "expect": expect, "position": False}]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sfpgen", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("case")
    args = parser.parse_args()
    args.repo = os.path.abspath(args.repo)
    if args.case.startswith("data-problems/"):
        case_dir, case = data_problem_case(args.repo, args.case.split("/", 1)[1])
        failures = run_case(args, case_dir, case, in_place=True)
    else:
        case_dir = os.path.join(args.repo, "tests", "bad-input", args.case)
        with open(os.path.join(case_dir, "case.toml"), "rb") as f:
            case = tomllib.load(f)
        failures = run_case(args, case_dir, case)
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print(f"ok: {args.case}")


if __name__ == "__main__":
    main()
