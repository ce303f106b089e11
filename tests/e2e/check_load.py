#!/usr/bin/python3
"""Load: memory per report stays constant as a batch or a loan file grows (issue 10, item 5).

usage: check_load.py briefs|loans|threads --sfpgen SFPGEN --repo REPO --tmp DIR [--large N] [--small N]

briefs: a generated panel of LARGE institutions x 3 years; the constituent brief (PDF + XLSX)
  is built for SMALL institutions, then for all LARGE of them, each run with --jobs 2 in its own
  process. Checks: every brief of both runs is written (a PDF and a workbook each, the manifest
  says ok), and the peak resident memory of the large run is within 15% + ALLOWANCE MiB (--allowance, 24
  by default) of the small one: memory does not grow with the number of briefs.
loans: generated loan files of SMALL and LARGE loans; `sfpgen portfolio --jobs 2` on each.
  Checks: both runs succeed, every loan is read, and the large run's peak resident memory is
  within 15% + ALLOWANCE MiB of the small one: the file is streamed, not held.

threads: LARGE briefs (PDF) built once with --jobs 1, then SMALL times with --jobs 2: every run
  writes the same bytes.

Under AddressSanitizer the allocator's quarantine would make memory grow with the number of
frees whatever the program does, so the children run with a small fixed quarantine.
The generated inputs are deleted at the end (the 10 M-loan file is 850 MB).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message)


def child_env():
    env = dict(os.environ)
    asan = env.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=16"
    env["SOURCE_DATE_EPOCH"] = "1764288000"
    return env


def run_measured(args, label):
    """Runs args; returns (exit code, stdout, stderr, peak RSS in MiB, seconds)."""
    start = time.monotonic()
    out_path = label + ".stdout"
    err_path = label + ".stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=child_env())
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    with open(out_path, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    peak = usage.ru_maxrss / 1024.0
    print(f"{label}: exit {code}, {seconds:.1f} s, peak RSS {peak:.1f} MiB")
    return code, stdout, stderr, peak, seconds


def no_sanitizer_report(stderr, label):
    check("Sanitizer" not in stderr and "runtime error" not in stderr,
          f"{label}: sanitizer report on stderr:\n{stderr[-3000:]}")


def bounded(small, large, label, allowance):
    limit = small * 1.15 + allowance
    check(large <= limit,
          f"{label}: peak RSS {large:.1f} MiB for the large run, above {limit:.1f} MiB "
          f"(small run {small:.1f} MiB + 15% + {allowance} MiB): memory grows with the input")


def brief_config(repo, panel, path):
    """The constituent brief's configuration with absolute paths, reading `panel`."""
    template = os.path.join(repo, "templates", "constituent-brief")
    with open(os.path.join(template, "report.toml"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace('"../../', '"' + repo + "/")
    text = text.replace('template = "document.toml"',
                        'template = "' + os.path.join(template, "document.toml") + '"')
    text, count = re.subn(r'path = "[^"]*institution_years\.csv"', 'path = "' + panel + '"', text)
    if count != 1:
        sys.exit("check_load.py: the brief's source path was not found in its report.toml")
    text = re.sub(r"first_year = \d+", "first_year = 2022", text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def institution_ids(panel):
    ids = []
    with open(panel, encoding="utf-8") as f:
        next(f)
        for line in f:
            first = line.split(",", 1)[0]
            if first and (not ids or ids[-1] != first):
                ids.append(first)
    return ids


def brief_workload(a):
    """A generated panel of a.large institutions x 3 years and the brief's configuration over
    it: (config, sorted institution ids), or None when the panel cannot be generated."""
    panel = os.path.join(a.tmp, "panel.csv")
    code, _, stderr, _, _ = run_measured(
        [a.sfpgen, "generate", "panel", "--institutions", str(a.large), "--years", "3",
         "-o", panel], os.path.join(a.tmp, "generate"))
    check(code == 0, f"generate panel: exit {code}: {stderr[-2000:]}")
    if code != 0:
        return None
    config = os.path.join(a.tmp, "brief.toml")
    brief_config(a.repo, panel, config)
    return config, sorted(set(institution_ids(panel)))


def check_briefs(a):
    workload = brief_workload(a)
    if workload is None:
        return
    config, ids = workload
    check(len(ids) == a.large, f"the panel has {len(ids)} institutions, expected {a.large}")
    peaks = {}
    for label, chosen in (("small", ids[:a.small]), ("large", ids)):
        out = os.path.join(a.tmp, "out-" + label)
        code, _, stderr, peak, _ = run_measured(
            [a.sfpgen, "build", config, "--for", "institution=" + ",".join(chosen),
             "--format", "pdf,xlsx", "--jobs", "2", "--force", "--quiet", "-o", out],
            os.path.join(a.tmp, label))
        no_sanitizer_report(stderr, label)
        check(code == 0, f"{label}: exit {code}: {stderr[-2000:]}")
        pdfs = [n for n in os.listdir(out) if n.endswith(".pdf")] if os.path.isdir(out) else []
        books = [n for n in os.listdir(out) if n.endswith(".xlsx")] if os.path.isdir(out) else []
        check(len(pdfs) == len(chosen) and len(books) == len(chosen),
              f"{label}: {len(pdfs)} PDFs and {len(books)} workbooks for {len(chosen)} briefs")
        manifests = [n for n in os.listdir(out) if n.endswith("manifest.json")] \
            if os.path.isdir(out) else []
        check(len(manifests) == 1, f"{label}: expected one batch manifest, found {manifests}")
        if manifests:
            with open(os.path.join(out, manifests[0]), encoding="utf-8") as f:
                manifest = json.load(f)
            units = manifest.get("reports", [])
            bad = [u for u in units if u.get("status") != "built"]
            check(len(units) == len(chosen) and not bad,
                  f"{label}: manifest lists {len(units)} reports, {len(bad)} not built: {bad[:3]}")
        peaks[label] = peak
        shutil.rmtree(out, ignore_errors=True)
    if len(peaks) == 2:
        bounded(peaks["small"], peaks["large"], f"{a.large} briefs", a.allowance)


def check_threads(a):
    """--jobs 2 writes the bytes of --jobs 1, run after run (a race in Pango's layouts once made
    3 runs in 16 differ: charts::layout_mutex). LARGE briefs, SMALL repetitions."""
    workload = brief_workload(a)
    if workload is None:
        return
    config, ids = workload
    chosen = "institution=" + ",".join(ids)

    def build(label, jobs):
        out = os.path.join(a.tmp, label)
        code, _, stderr, _, _ = run_measured(
            [a.sfpgen, "build", config, "--for", chosen, "--format", "pdf", "--jobs", str(jobs),
             "--force", "--quiet", "-o", out], os.path.join(a.tmp, label + "-run"))
        no_sanitizer_report(stderr, label)
        check(code == 0, f"{label}: exit {code}: {stderr[-2000:]}")
        files = {}
        for name in sorted(os.listdir(out)) if os.path.isdir(out) else []:
            if name.endswith(".pdf"):
                with open(os.path.join(out, name), "rb") as f:
                    files[name] = f.read()
        shutil.rmtree(out, ignore_errors=True)
        return files

    reference = build("jobs1", 1)
    check(len(reference) == a.large, f"jobs 1 wrote {len(reference)} PDFs for {a.large}")
    for run in range(a.small):
        got = build(f"jobs2-{run}", 2)
        differ = [n for n in reference if got.get(n) != reference[n]]
        check(not differ and len(got) == len(reference),
              f"jobs 2, run {run + 1}: {len(differ)} of {len(reference)} PDFs differ from "
              f"jobs 1: {differ[:5]}")


def check_loans(a):
    peaks = {}
    for label, count in (("small", a.small), ("large", a.large)):
        loans = os.path.join(a.tmp, f"loans-{label}.csv")
        code, _, stderr, _, _ = run_measured(
            [a.sfpgen, "generate", "loans", "--loans", str(count), "-o", loans],
            os.path.join(a.tmp, "generate-" + label))
        check(code == 0, f"generate loans {count}: exit {code}: {stderr[-2000:]}")
        if code != 0:
            return
        config = os.path.join(a.tmp, "loans.toml")
        with open(os.path.join(a.repo, "data", "sources", "generated-loans.toml"),
                  encoding="utf-8") as f:
            text = f.read()
        text = text.replace('"../reference/', '"' + a.repo + "/data/reference/")
        text, n = re.subn(r'path = "[^"]*"', 'path = "' + loans + '"', text, count=1)
        check(n == 1, "data/sources/generated-loans.toml has no path")
        with open(config, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(a.tmp, f"portfolio-{label}.csv")
        code, stdout, stderr, peak, _ = run_measured(
            [a.sfpgen, "portfolio", config, "--jobs", "2", "-o", out],
            os.path.join(a.tmp, "portfolio-" + label))
        no_sanitizer_report(stderr, label)
        check(code == 0, f"portfolio {count}: exit {code}: {stderr[-2000:]}")
        read = re.search(r"(\d[\d,]*) loans read", stdout + stderr)
        check(read is not None and int(read.group(1).replace(",", "")) == count,
              f"portfolio {count}: expected '{count} loans read' in its summary, got "
              f"{(stdout + stderr)[-500:]!r}")
        peaks[label] = peak
        os.remove(loans)
    bounded(peaks["small"], peaks["large"], f"{a.large} loans", a.allowance)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=["briefs", "loans", "threads"])
    parser.add_argument("--sfpgen", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("--large", type=int, required=True)
    parser.add_argument("--small", type=int, required=True)
    # The fixed part of the bound, in MiB (tests/load.cmake: more under the sanitizers).
    parser.add_argument("--allowance", type=int, default=24)
    a = parser.parse_args()
    a.repo = os.path.abspath(a.repo)
    shutil.rmtree(a.tmp, ignore_errors=True)
    os.makedirs(a.tmp)
    a.tmp = os.path.abspath(a.tmp)
    {"briefs": check_briefs, "loans": check_loans, "threads": check_threads}[a.check](a)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    shutil.rmtree(a.tmp, ignore_errors=True)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
