#!/usr/bin/python3
"""Batch runs of `sfpgen build` (issue 8; docs/cli.md, "Batches"; docs/scaling.md) with the
constituent brief (templates/constituent-brief/report.toml) over the sample data.

usage: check_batch.py CHECK --sfpgen PATH --repo DIR --tmp DIR

CHECK names a check_<CHECK> function below (dashes for underscores). Each check copies the
repository's templates/ and data/ folders into its own --tmp folder (emptied first) and runs
sfpgen there, so that the configuration's relative paths (../../data) resolve to the copies,
which a check may change. Expected values (the constituents, their names, languages, output
names, hashes, record counts) are computed here from the configuration, the data CSV,
data/reference/countries.csv and the template's text files, never from sfpgen's output.
"""
import argparse
import csv
import hashlib
import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tomllib

import openpyxl

EPOCH = "1767225600"
CONFIG = "templates/constituent-brief/report.toml"
OUTPUT = "output"  # relative to the check's folder, as the dry-run lines print it
FAILURES = []


class Abort(Exception):
    """A step the rest of the check depends on went wrong: stop the check there."""


def check(condition, message):
    if not condition:
        FAILURES.append(message)
    return condition


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def files_under(folder):
    """Every file below `folder` (relative paths), directories left out."""
    found = set()
    for root, _, names in os.walk(folder):
        for name in names:
            found.add(os.path.relpath(os.path.join(root, name), folder))
    return found


def snapshot(folder):
    """(mtime_ns, sha256) of every file below `folder`."""
    return {rel: (os.stat(os.path.join(folder, rel)).st_mtime_ns,
                  sha256_of(os.path.join(folder, rel))) for rel in files_under(folder)}


class Tree:
    """The check's copy of templates/ and data/, the configuration as TOML and its data."""

    def __init__(self, args):
        self.sfpgen = os.path.abspath(args.sfpgen)
        self.repo = os.path.abspath(args.repo)
        self.root = os.path.abspath(args.tmp)
        shutil.rmtree(self.root, ignore_errors=True)
        os.makedirs(self.root)
        for folder in ("templates", "data"):
            shutil.copytree(os.path.join(self.repo, folder), os.path.join(self.root, folder))
        self.config = os.path.join(self.root, CONFIG)
        self.out = os.path.join(self.root, OUTPUT)
        with open(self.config, "rb") as f:
            self.spec = tomllib.load(f)
        report = self.spec["report"]
        self.report_name = report["name"]
        self.report_language = report.get("language", "en")
        self.last_year = self.spec["indicators"]["last_year"]
        batch = self.spec["batch"]
        self.pattern = batch["output"]
        self.language_of = batch.get("language", {})
        source = self.spec["source"][0]
        self.csv_path = os.path.normpath(
            os.path.join(os.path.dirname(self.config), source["path"]))
        self.columns = source["columns"]
        self.names = self.country_names()

    def country_names(self):
        path = os.path.join(self.root, "data", "reference", "countries.csv")
        with open(path, encoding="utf-8", newline="") as f:
            return {row["iso3"]: {lang: row["name_" + lang] for lang in ("en", "fr", "es")}
                    for row in csv.DictReader(f)}

    def rows(self):
        with open(self.csv_path, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def countries(self):
        column = self.columns["country_iso3"]
        return sorted({row[column] for row in self.rows()})

    def records_of(self, country):
        column = self.columns["country_iso3"]
        return sum(1 for row in self.rows() if row[column] == country)

    def constituent_language(self, country):
        return self.language_of.get(country, self.report_language)

    def base(self, country, language, pattern=None):
        """The output base name: the pattern expanded as docs/cli.md describes it."""
        values = {"name": self.report_name, "value": country, "dimension": "country",
                  "lang": language, "country": country}
        return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], pattern or self.pattern)

    def run(self, *options, expect=0, config=CONFIG, fatal=True):
        """sfpgen build CONFIG --output output OPTIONS... in the check's folder; an unexpected
        exit code ends the check unless not `fatal`."""
        command = [self.sfpgen, "build", config, "--output", OUTPUT, *options]
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True, env=env)
        if result.returncode != expect:
            print("command:", " ".join(command))
            print("stdout:\n" + result.stdout[-4000:])
            print("stderr:\n" + result.stderr[-4000:])
            FAILURES.append(f"exit code {result.returncode}, expected {expect}: "
                            + " ".join(options))
            if fatal:
                raise Abort()
        return result

    def manifest(self, name=None):
        path = os.path.join(self.out, name or f"{self.report_name}.manifest.json")
        if not check(os.path.isfile(path), f"no manifest {path}"):
            return {"reports": [], "summary": {}, "inputs": []}
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def outputs_of(self, base):
        return [os.path.join(OUTPUT, base + ".pdf"), os.path.join(OUTPUT, base + ".xlsx")]


def units_of(manifest):
    return [(r.get("dimension"), r.get("value"), r.get("language")) for r in manifest["reports"]]


def check_manifest(tree, manifest, plan, statuses, exit_code):
    """The manifest lists `plan` ([(country, language)]) in order with `statuses` (one per
    unit, or one for all), the outputs' hashes and sizes, the inputs' hashes and a summary."""
    if isinstance(statuses, str):
        statuses = [statuses] * len(plan)
    check(units_of(manifest) == [("country", c, l) for c, l in plan],
          f"manifest units {units_of(manifest)} != plan {plan}")
    check(manifest.get("exit_code") == exit_code,
          f"manifest exit_code {manifest.get('exit_code')} != {exit_code}")
    config = os.path.realpath(os.path.join(tree.root, manifest.get("config", "")))
    check(config == os.path.realpath(tree.config),
          f"manifest config {manifest.get('config')!r} is not {tree.config}")
    summary = manifest.get("summary", {})
    for status in ("built", "skipped", "failed"):
        check(summary.get(status) == statuses.count(status),
              f"summary {status} = {summary.get(status)}, expected {statuses.count(status)}")
    check(isinstance(summary.get("seconds"), (int, float)), f"summary seconds: {summary}")
    inputs = {os.path.realpath(os.path.join(tree.root, i["path"])): i
              for i in manifest.get("inputs", [])}
    csv_input = inputs.get(os.path.realpath(tree.csv_path))
    if check(csv_input is not None, f"the data CSV is not among the inputs {list(inputs)}"):
        check(csv_input.get("sha256") == sha256_of(tree.csv_path), "data CSV sha256 differs")
    for path, entry in inputs.items():
        if os.path.isfile(path):
            check(entry.get("sha256") == sha256_of(path), f"input {path}: sha256 differs")
    for report, (country, language), status in zip(manifest["reports"], plan, statuses):
        check_report(tree, report, country, language, status)


def state_file(tree, base):
    """The unit's state file: <output>/.sfpgen/<base>.json in the brief of issue 8, .state as
    built (a text file of "key", "part" and "output" lines)."""
    for extension in (".state", ".json"):
        path = os.path.join(tree.out, ".sfpgen", base + extension)
        if os.path.isfile(path):
            return path
    return None


def check_report(tree, report, country, language, status):
    label = f"{country} {language}"
    base = tree.base(country, language)
    check(report.get("status") == status, f"{label}: status {report.get('status')} != {status}"
          f" ({report.get('reason')!r})")
    check(report.get("base") == base, f"{label}: base {report.get('base')!r} != {base!r}")
    check(report.get("name") == tree.names[country][language],
          f"{label}: name {report.get('name')!r} != {tree.names[country][language]!r}")
    check(bool(report.get("reason")), f"{label}: no reason")
    check(re.fullmatch(r"[0-9a-f]{64}", report.get("key", "")) is not None,
          f"{label}: key {report.get('key')!r}")
    if status == "failed":
        check(len(report.get("diagnostics", [])) > 0, f"{label}: failed without a diagnostic")
        return
    check(report.get("records") == tree.records_of(country),
          f"{label}: records {report.get('records')} != {tree.records_of(country)}")
    outputs = {os.path.normpath(o["path"]): o for o in report.get("outputs", [])}
    expected = [os.path.normpath(p) for p in tree.outputs_of(base)]
    check(sorted(outputs) == sorted(expected), f"{label}: outputs {sorted(outputs)}")
    for path, entry in outputs.items():
        full = os.path.join(tree.root, path)
        if check(os.path.isfile(full), f"{label}: {path} missing"):
            check(entry.get("sha256") == sha256_of(full), f"{label}: {path} sha256 differs")
            check(entry.get("bytes") == os.path.getsize(full), f"{label}: {path} size differs")
    state = state_file(tree, base)
    if check(state is not None, f"{label}: no state file .sfpgen/{base}.*"):
        with open(state, encoding="utf-8") as f:
            check(report.get("key") in f.read(), f"{label}: the state file lacks the unit's key")


def check_only_expected_files(tree, manifest, extra=()):
    """Nothing but the units' outputs, their state, the manifest(s) and `extra`: in particular
    no temporary file."""
    allowed = set(extra)
    if not check(os.path.isdir(tree.out), f"no output folder {tree.out}"):
        return
    for name in os.listdir(tree.out):
        if name.endswith(".manifest.json"):
            allowed.add(name)
    for report in manifest["reports"]:
        for output in report.get("outputs", []):
            allowed.add(os.path.relpath(os.path.join(tree.root, output["path"]), tree.out))
        if report.get("status") != "failed":
            state = state_file(tree, report["base"])
            if state:
                allowed.add(os.path.relpath(state, tree.out))
    stray = files_under(tree.out) - allowed
    check(not stray, f"unexpected files in the output folder: {sorted(stray)}")


# ---- read-back of the files themselves -------------------------------------------------------


def language_words(tree):
    """Per language, words (5+ letters) of the template's and common texts found in no other
    language's texts: the PDF's language is the one whose words it uses most."""
    words = {}
    for lang in ("en", "fr", "es"):
        found = set()
        for template in ("constituent-brief", "common"):
            folder = os.path.join(tree.root, "templates", template, "text", lang)
            for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    text = re.sub(r"\{[^}]*\}", " ", f.read())
                found |= {w.lower() for w in re.findall(r"[^\W\d_]{5,}", text)}
        words[lang] = found
    return {lang: found - set().union(*(w for other, w in words.items() if other != lang))
            for lang, found in words.items()}


def pdf_pages(path):
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else 0


def check_pdf(tree, path, country, language, distinct_words):
    label = os.path.basename(path)
    pages = pdf_pages(path)
    check(2 <= pages <= 4, f"{label}: {pages} pages, expected 2 to 4")
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    name = tree.names[country][language]
    check(name in flat, f"{label}: the {language} name {name!r} is not in the text")
    check(str(tree.last_year) in flat, f"{label}: the year {tree.last_year} is not in the text")
    lowered = {w.lower() for w in re.findall(r"[^\W\d_]{5,}", flat)}
    hits = {lang: len(lowered & words) for lang, words in distinct_words.items()}
    check(max(hits, key=hits.get) == language and hits[language] >= 5,
          f"{label}: words by language {hits}, expected mostly {language}")


def check_workbook(tree, path, country):
    label = os.path.basename(path)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    check(len(wb.sheetnames) >= 2, f"{label}: sheets {wb.sheetnames}")
    numbers = 0
    others = set(tree.countries()) - {country}
    seen_codes = set()
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    numbers += 1
                elif isinstance(value, str) and value in others:
                    seen_codes.add(value)
    check(numbers > 0, f"{label}: no numeric cell")
    # Each brief is built from its own country's records only: the Data sheet has one row per
    # record of the country, and no other country appears anywhere.
    check(not seen_codes, f"{label}: cells name other countries {sorted(seen_codes)}")
    if check("Data" in wb.sheetnames, f"{label}: no Data sheet in {wb.sheetnames}"):
        rows = list(wb["Data"].iter_rows(values_only=True))
        header = next((i for i, row in enumerate(rows) if "country" in row), None)
        if check(header is not None, f"{label}: no 'country' column in the Data sheet"):
            column = rows[header].index("country")
            records = [row[column] for row in rows[header + 1:]
                       if any(v is not None for v in row)]
            check(records == [country] * tree.records_of(country),
                  f"{label}: Data sheet countries {records}, expected {tree.records_of(country)}"
                  f" x {country}")
    wb.close()


# ---- the checks ----------------------------------------------------------------------------


def progress_lines(stderr):
    return re.findall(r"^\[(\d+)/(\d+)\] (built|skipped|failed) (\S+) \(([0-9.]+) s\)(?:: .*)?$",
                      stderr, re.MULTILINE)


def check_all_countries(args):
    """Every country of the sample in English and French: read back, then a second run skips
    everything without touching a file, and --force rebuilds the same bytes."""
    tree = Tree(args)
    countries = tree.countries()
    check(len(countries) >= 30, f"only {len(countries)} countries in {tree.csv_path}")
    plan = [(c, lang) for c in countries for lang in ("en", "fr")]
    first = tree.run("--for", "country=all", "--lang", "en,fr", "--jobs", "2")
    manifest = tree.manifest()
    check_manifest(tree, manifest, plan, "built", 0)
    check(manifest.get("summary", {}).get("planned") == len(plan),
          f"summary planned {manifest.get('summary')} != {len(plan)}")
    check_only_expected_files(tree, manifest)
    lines = progress_lines(first.stderr)
    check(sorted(line[3] for line in lines) == sorted(tree.base(c, lang) for c, lang in plan)
          and all(line[1] == str(len(plan)) and line[2] == "built" for line in lines),
          f"progress lines on stderr: {len(lines)} of {len(plan)}")
    check(sorted(int(line[0]) for line in lines) == list(range(1, len(plan) + 1)),
          "progress counts are not 1..N")
    distinct = language_words(tree)
    for country, language in plan:
        base = os.path.join(tree.out, tree.base(country, language))
        if os.path.isfile(base + ".pdf"):
            check_pdf(tree, base + ".pdf", country, language, distinct)
        if os.path.isfile(base + ".xlsx"):
            check_workbook(tree, base + ".xlsx", country)

    before = {k: v for k, v in snapshot(tree.out).items() if not k.endswith(".json")}
    tree.run("--for", "country=all", "--lang", "en,fr", "--jobs", "2")
    again = tree.manifest()
    check_manifest(tree, again, plan, "skipped", 0)
    check(all("unchanged" in r.get("reason", "") for r in again["reports"]),
          f"skip reasons: {sorted({r.get('reason') for r in again['reports']})}")
    after = {k: v for k, v in snapshot(tree.out).items() if not k.endswith(".json")}
    check(after == before, "a second run with unchanged inputs changed files: "
          f"{sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))}")
    keys = {r["base"]: r.get("key") for r in manifest["reports"]}
    check(all(keys.get(r["base"]) == r.get("key") for r in again["reports"]),
          "input keys differ between two runs on the same inputs")

    tree.run("--for", "country=all", "--lang", "en,fr", "--jobs", "2", "--force")
    forced = tree.manifest()
    check_manifest(tree, forced, plan, "built", 0)
    rebuilt = {k: v[1] for k, v in snapshot(tree.out).items() if not k.endswith(".json")}
    check(rebuilt == {k: v[1] for k, v in before.items()},
          "--force with the same inputs and SOURCE_DATE_EPOCH gave different bytes")


def check_partial_failure(args):
    """A unit whose PDF path is a directory fails alone: exit 6, the others are written, no
    temporary file is left; the next run builds it and skips the others."""
    tree = Tree(args)
    countries = ["GHA", "KEN", "SEN"]
    plan = [(c, lang) for c in countries for lang in ("en", "fr")]
    broken = tree.base("KEN", "en")
    os.makedirs(os.path.join(tree.out, broken + ".pdf"))
    result = tree.run("--for", "country=" + ",".join(countries), "--lang", "en,fr", expect=6)
    check(broken + ".pdf" in result.stderr, f"stderr does not name {broken}.pdf")
    manifest = tree.manifest()
    statuses = ["failed" if (c, lang) == ("KEN", "en") else "built" for c, lang in plan]
    check_manifest(tree, manifest, plan, statuses, 6)
    failed = [r for r in manifest["reports"] if r.get("status") == "failed"]
    for report in failed:
        diagnostics = report.get("diagnostics", [])
        check(any(d.get("severity") == "error" and broken in (d.get("file", "") +
                                                             d.get("message", ""))
                  for d in diagnostics), f"the failure's diagnostics {diagnostics}")
        for output in report.get("outputs", []):
            full = os.path.join(tree.root, output["path"])
            check(os.path.isfile(full) and output.get("sha256") == sha256_of(full),
                  f"failed unit lists output {output}")
    check(os.path.isdir(os.path.join(tree.out, broken + ".pdf"))
          and not os.listdir(os.path.join(tree.out, broken + ".pdf")),
          "the directory at the failed unit's PDF path was changed")
    check_only_expected_files(tree, manifest)
    check(not any(".tmp" in f for f in files_under(tree.out)), "temporary files left")

    os.rmdir(os.path.join(tree.out, broken + ".pdf"))
    tree.run("--for", "country=" + ",".join(countries), "--lang", "en,fr")
    statuses = ["built" if (c, lang) == ("KEN", "en") else "skipped" for c, lang in plan]
    check_manifest(tree, tree.manifest(), plan, statuses, 0)


def change_one_row(tree, country, field, factor):
    """Multiplies `field` in the last row of `country` in the copied CSV, leaving every other
    byte as it was. Returns the old and new values."""
    with open(tree.csv_path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    header = next(csv.reader([lines[0]]))
    column = header.index(tree.columns[field])
    country_column = header.index(tree.columns["country_iso3"])
    index = max(i for i, line in enumerate(lines[1:], 1)
                if line and next(csv.reader([line]))[country_column] == country)
    fields = next(csv.reader([lines[index]]))
    old = fields[column]
    fields[column] = f"{float(old) * factor:.2f}"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    lines[index] = out.getvalue()
    with open(tree.csv_path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(lines))
    return old, fields[column]


def check_incremental(args):
    """Changing one number of one KEN row rebuilds KEN's units only."""
    tree = Tree(args)
    countries = ["BOL", "GHA", "KEN", "SEN"]
    plan = [(c, lang) for c in countries for lang in ("en", "fr")]
    options = ("--for", "country=" + ",".join(countries), "--lang", "en,fr", "--jobs", "2")
    tree.run(*options)
    first = tree.manifest()
    check_manifest(tree, first, plan, "built", 0)
    before = snapshot(tree.out)
    old, new = change_one_row(tree, "KEN", "gross_loan_portfolio", 1.01)
    check(old != new, f"the KEN row did not change ({old})")
    result = tree.run(*options)
    second = tree.manifest()
    statuses = ["built" if c == "KEN" else "skipped" for c, _ in plan]
    check_manifest(tree, second, plan, statuses, 0)
    keys = {r["base"]: r.get("key") for r in first["reports"]}
    for report in second["reports"]:
        changed = keys.get(report["base"]) != report.get("key")
        check(changed == (report.get("value") == "KEN"),
              f"{report['base']}: key changed {changed}")
    after = snapshot(tree.out)
    for country, language in plan:
        paths = [os.path.relpath(os.path.join(tree.root, p), tree.out)
                 for p in tree.outputs_of(tree.base(country, language))]
        if country == "KEN":
            check(any(before.get(p, (0, ""))[1] != after.get(p, (0, ""))[1] for p in paths),
                  f"KEN {language}: no output changed with its data")
        else:
            check(all(before.get(p) == after.get(p) for p in paths),
                  f"{country} {language}: outputs touched though its data did not change")
    lines = progress_lines(result.stderr)
    check(sorted(line[3] for line in lines if line[2] == "built")
          == sorted(tree.base("KEN", lang) for lang in ("en", "fr")),
          f"progress lines of the rebuild: {lines}")
    check(all("data" in r.get("reason", "") for r in second["reports"]
              if r.get("value") == "KEN"), "KEN's rebuild reason does not name its data")

    # An output changed or removed since the last build is built again, and only it.
    tampered = os.path.join(tree.out, tree.base("GHA", "en") + ".xlsx")
    with open(tampered, "ab") as f:
        f.write(b"\0")
    os.remove(os.path.join(tree.out, tree.base("SEN", "fr") + ".pdf"))
    tree.run(*options)
    statuses = ["built" if (c, lang) in (("GHA", "en"), ("SEN", "fr")) else "skipped"
                for c, lang in plan]
    check_manifest(tree, tree.manifest(), plan, statuses, 0)


def dry_run(tree, *options):
    """Runs a dry run and returns its units as (action, constituent, language, paths) and the
    counts of its "plan: N reports[, M in this shard]" line. Build lines may end with the
    reason in parentheses; skip lines end with "(up to date)"."""
    result = tree.run(*options, "--dry-run")
    lines = result.stdout.splitlines()
    header = re.fullmatch(r"plan: (\d+) reports?(?:, (\d+) in this shard)?", lines[0]) \
        if lines else None
    counts = (int(header.group(1)), int(header.group(2) or header.group(1))) if header else None
    units = []
    for line in lines[1:] if header else lines:
        match = re.fullmatch(r"(build|skip) (\w+=.+) (\w+): (.*?)(?: \((.*)\))?", line)
        if not check(match is not None, f"dry-run line {line!r}"):
            continue
        action, constituent, language, paths, reason = match.groups()
        check(action == "build" or reason == "up to date", f"skip line without reason: {line!r}")
        units.append((action, constituent, language, paths))
    check_nothing_written(tree, "--dry-run " + " ".join(options))
    return units, counts


def file_safe(value):
    """batch.hpp's rule: ASCII letters, digits, '.', '_' and '-' kept, anything else '-'."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in value)
    return safe if safe and safe[0] not in ".-" else "_" + safe.lstrip(".-")


def check_other_dimensions(tree):
    """--for region=all and institution=all plan the regions and institutions of the data,
    sorted, named with file-safe values."""
    for dimension in ("region", "institution_id"):
        name = "institution" if dimension == "institution_id" else dimension
        values = sorted({row[tree.columns[dimension]] for row in tree.rows()})
        units, counts = dry_run(tree, "--for", f"{name}=all", "--lang", "en")
        expected = [("build", f"{name}={v}", "en", " ".join(
            os.path.join(OUTPUT, f"{tree.report_name}-{file_safe(v)}-en{ext}")
            for ext in (".pdf", ".xlsx"))) for v in values]
        check(units == expected, f"--for {name}=all: {units[:2]}... != {expected[:2]}...")
        check(counts == (len(values), len(values)), f"--for {name}=all: counts {counts}")


def expected_unit(tree, action, country, language):
    return (action, f"country={country}", language,
            " ".join(tree.outputs_of(tree.base(country, language))))


def check_nothing_written(tree, what):
    check(not os.path.exists(tree.out) or not files_under(tree.out),
          f"{what}: files written {sorted(files_under(tree.out))[:5]}")


def check_dry_run(args):
    """--dry-run prints the plan, one line per unit, and writes nothing."""
    tree = Tree(args)
    countries = tree.countries()
    expected = [expected_unit(tree, "build", c, lang) for c in countries for lang in ("en", "fr")]
    for spec in ("country=all", "country", "all"):
        units, counts = dry_run(tree, "--for", spec, "--lang", "en,fr")
        check(units == expected, f"--for {spec} --dry-run: {units[:2]}... != {expected[:2]}...")
        check(counts == (len(expected), len(expected)), f"--for {spec}: plan counts {counts}")
    check_other_dimensions(tree)
    units, _ = dry_run(tree, "--for", "country=SEN,KEN")
    expected = [expected_unit(tree, "build", c, tree.constituent_language(c))
                for c in ("KEN", "SEN")]
    check(units == expected, f"sorted plan with constituent languages: {units} != {expected}")
    # After building KEN, the plan says it is up to date, and the dry run changes nothing.
    tree.run("--param", "country=KEN", "--lang", "en")
    written = snapshot(tree.out)
    result = tree.run("--for", "country=KEN,SEN", "--lang", "en", "--dry-run")
    units = [line for line in result.stdout.splitlines() if not line.startswith("plan:")]
    expected = [expected_unit(tree, "skip", "KEN", "en"), expected_unit(tree, "build", "SEN", "en")]
    check(len(units) == 2 and units[0] == "skip " + expected[0][1] + " en: " + expected[0][3]
          + " (up to date)" and units[1].startswith("build " + expected[1][1] + " en: "
                                                    + expected[1][3]),
          f"dry run after a build: {units} != {expected}")
    check(snapshot(tree.out) == written, "a dry run changed the output folder")


def check_shard(args):
    """--shard i/n: the shards of a plan partition it round-robin; bad shards are usage errors;
    a shard's manifest has its own name."""
    tree = Tree(args)
    options = ("--for", "country=all", "--lang", "en,fr")
    plan, counts = dry_run(tree, *options)
    check(len(plan) == 2 * len(tree.countries()), f"plan of {len(plan)} units")
    for count in (1, 3, 4):
        shards = []
        for i in range(1, count + 1):
            units, counts = dry_run(tree, *options, "--shard", f"{i}/{count}")
            shards.append(units)
            check(counts == (len(plan), len(plan[i - 1::count])), f"{i}/{count}: counts {counts}")
        union = [unit for shard in shards for unit in shard]
        check(sorted(union) == sorted(plan) and len(set(union)) == len(union),
              f"{count} shards do not partition the plan")
        for i, shard in enumerate(shards, 1):
            check(shard == plan[i - 1::count], f"shard {i}/{count} is not every {count}th unit")
    for bad in ("0/3", "4/3", "x/y", "1/0", "3", "1/3/4"):
        result = tree.run("--for", "country=all", "--shard", bad, expect=2, fatal=False)
        check("--shard" in result.stderr, f"--shard {bad!r}: stderr {result.stderr[:300]!r}")
        check_nothing_written(tree, f"--shard {bad!r}")
    # A real shard: the second of three over GHA, KEN, SEN in English builds KEN only.
    tree.run("--for", "country=GHA,KEN,SEN", "--lang", "en", "--shard", "2/3")
    manifest = tree.manifest(f"{tree.report_name}.shard-2-of-3.manifest.json")
    check_manifest(tree, manifest, [("KEN", "en")], "built", 0)
    check(not os.path.exists(os.path.join(tree.out, f"{tree.report_name}.manifest.json")),
          "a shard wrote the unsharded manifest")
    check(manifest.get("summary", {}).get("planned") == 3
          and manifest.get("summary", {}).get("in_shard") == 1,
          f"shard summary {manifest.get('summary')}: expected 3 planned, 1 in the shard")
    check_only_expected_files(tree, manifest)
    # --manifest puts it elsewhere.
    elsewhere = os.path.join(tree.root, "run.json")
    tree.run("--for", "country=GHA,KEN,SEN", "--lang", "en", "--shard", "1/3",
             "--manifest", elsewhere)
    if check(os.path.isfile(elsewhere), "--manifest PATH not written"):
        with open(elsewhere, encoding="utf-8") as f:
            check_manifest(tree, json.load(f), [("GHA", "en")], "built", 0)
    check_merge_of_shards(tree)


def check_merge_of_shards(tree):
    """The jq command of docs/scaling.md merges the manifests of a batch in 3 shards into the
    batch's manifest: every unit once, in plan order, the counts added up."""
    jq = shutil.which("jq")
    if not jq:
        print("note: jq is not installed, the merge command of docs/scaling.md is not checked")
        return
    with open(os.path.join(tree.repo, "docs", "scaling.md"), encoding="utf-8") as f:
        match = re.search(r"jq -s '(\{sfpgen.*?)' \\\n", f.read(), re.DOTALL)
    if not check(match is not None, "no merge command in docs/scaling.md"):
        return
    plan = [(c, lang) for c in ("BOL", "GHA", "KEN", "SEN") for lang in ("en", "fr")]
    shutil.rmtree(tree.out)
    for i in (1, 2, 3):
        tree.run("--for", "country=BOL,GHA,KEN,SEN", "--lang", "en,fr", "--shard", f"{i}/3")
    manifests = [os.path.join(tree.out, f"{tree.report_name}.shard-{i}-of-3.manifest.json")
                 for i in (1, 2, 3)]
    merged = subprocess.run([jq, "-s", match.group(1), *manifests], capture_output=True,
                            text=True)
    if check(merged.returncode == 0, f"jq: {merged.stderr}"):
        result = json.loads(merged.stdout)
        check(units_of(result) == [("country", c, lang) for c, lang in plan],
              f"merged units {units_of(result)}")
        summary = result.get("summary", {})
        check((summary.get("planned"), summary.get("in_shard"), summary.get("built"))
              == (len(plan), len(plan), len(plan)) and result.get("exit_code") == 0,
              f"merged summary {summary}, exit code {result.get('exit_code')}")


def check_param(args):
    """--param country=KEN builds one unit, --param lang=fr its language; progress lines on
    stderr unless --quiet."""
    tree = Tree(args)
    tree.run("--param", "country=KEN")
    language = tree.constituent_language("KEN")
    manifest = tree.manifest()
    check_manifest(tree, manifest, [("KEN", language)], "built", 0)
    check_only_expected_files(tree, manifest)
    distinct = language_words(tree)
    check_pdf(tree, os.path.join(tree.out, tree.base("KEN", language) + ".pdf"), "KEN",
              language, distinct)
    shutil.rmtree(tree.out)
    tree.run("--param", "country=KEN", "--param", "lang=fr")
    manifest = tree.manifest()
    check_manifest(tree, manifest, [("KEN", "fr")], "built", 0)
    check_only_expected_files(tree, manifest)
    check_pdf(tree, os.path.join(tree.out, tree.base("KEN", "fr") + ".pdf"), "KEN", "fr",
              distinct)
    quiet = tree.run("--param", "country=KEN", "--param", "lang=fr", "--force", "--quiet")
    check(quiet.stderr == "" and quiet.stdout == "",
          f"--quiet printed {quiet.stdout[:200]!r} {quiet.stderr[:200]!r}")
    check_manifest(tree, tree.manifest(), [("KEN", "fr")], "built", 0)

    # Another dimension: one region, over that region's records.
    shutil.rmtree(tree.out)
    region = "South Asia"
    tree.run("--param", "region=" + region, "--lang", "en")
    reports = tree.manifest()["reports"]
    expected = sum(1 for row in tree.rows() if row[tree.columns["region"]] == region)
    check([(r.get("dimension"), r.get("value"), r.get("status"), r.get("records"))
           for r in reports] == [("region", region, "built", expected)],
          f"--param region={region}: {[(r.get('value'), r.get('records')) for r in reports]}")
    base = f"{tree.report_name}-{file_safe(region)}-en"
    check(files_under(tree.out) >= {base + ".pdf", base + ".xlsx"},
          f"--param region: files {sorted(files_under(tree.out))}")


def check_progress_bar(tree, options):
    """On a terminal, progress is a bar redrawn in place, not one line per unit."""
    primary, secondary = pty.openpty()
    command = [tree.sfpgen, "build", CONFIG, "--output", OUTPUT, *options, "--force"]
    process = subprocess.Popen(command, cwd=tree.root, stdout=subprocess.DEVNULL,
                               stderr=secondary, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    check(process.wait() == 0, "build with stderr on a terminal failed")
    text = seen.decode("utf-8", "replace").replace("\r\n", "\n")  # the terminal's line ends
    check("\r[" in text and "#" in text and "2/2" in text and not progress_lines(text),
          f"no progress bar on a terminal: {text[-300:]!r}")


def check_output_name(args):
    """--output-name: every placeholder of docs/cli.md."""
    tree = Tree(args)
    pattern = "{dimension}_{country}_{lang}_{name}_{value}"
    plan = [("KEN", "en"), ("SEN", "en")]
    options = ("--for", "country=KEN,SEN", "--lang", "en", "--output-name", pattern)
    result = tree.run(*options)
    manifest = tree.manifest()
    lines = progress_lines(result.stderr)
    check(sorted(l[0] for l in lines) == ["1", "2"] and all(l[1:3] == ("2", "built")
                                                          for l in lines)
          and sorted(l[3] for l in lines) == sorted(tree.base(c, lang, pattern)
                                                    for c, lang in plan),
          f"progress lines {lines} in {result.stderr[-500:]!r}")
    check_progress_bar(tree, options)
    quiet = tree.run(*options, "--force", "--quiet")
    check(quiet.stderr == "" and quiet.stdout == "",
          f"--quiet printed {quiet.stdout[:200]!r} {quiet.stderr[:200]!r}")
    expected = sorted(tree.base(c, lang, pattern) + ext for c, lang in plan
                      for ext in (".pdf", ".xlsx"))
    found = sorted(f for f in files_under(tree.out)
                   if not f.endswith(".json") and not f.startswith(".sfpgen"))
    check(found == expected, f"--output-name {pattern}: files {found} != {expected}")
    check([r.get("base") for r in manifest["reports"]]
          == [tree.base(c, lang, pattern) for c, lang in plan], "manifest bases")
    result = tree.run("--for", "country=KEN", "--output-name", "{nmae}-{value}", expect=2,
                      fatal=False)
    check("nmae" in result.stderr, f"unknown placeholder: {result.stderr[:300]!r}")


def check_constituent_language(args):
    """--lang constituent: each country in the language of [batch.language] (SEN in French,
    BOL in Spanish in the brief's configuration), others in the [report] language."""
    tree = Tree(args)
    check(tree.language_of.get("SEN") == "fr" and tree.language_of.get("BOL") == "es",
          f"[batch.language] {tree.language_of}")
    countries = ["BOL", "KEN", "SEN"]
    plan = [(c, tree.constituent_language(c)) for c in countries]
    tree.run("--for", "country=" + ",".join(countries), "--lang", "constituent")
    manifest = tree.manifest()
    check_manifest(tree, manifest, plan, "built", 0)
    distinct = language_words(tree)
    for country, language in plan:
        check_pdf(tree, os.path.join(tree.out, tree.base(country, language) + ".pdf"), country,
                  language, distinct)


def write_bad_config(tree, name, transform):
    """A copy of the configuration beside it (relative paths still resolve), changed by
    `transform` (text -> (text, line of the change))."""
    with open(tree.config, encoding="utf-8") as f:
        text, line = transform(f.read())
    path = os.path.join(os.path.dirname(tree.config), name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return os.path.relpath(path, tree.root), line


def insert_after(header, new_line):
    def transform(text):
        lines = text.split("\n")
        at = lines.index(header) + 1
        return "\n".join(lines[:at] + [new_line] + lines[at:]), at + 1
    return transform


def replace_line(prefix, new_line):
    def transform(text):
        lines = text.split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith(prefix))
        lines[at] = new_line
        return "\n".join(lines), at + 1
    return transform


def check_exit_codes(args):
    """Each documented exit code of a batch with a case: 0, 2 (usage), 3 (configuration), 4
    (data), 5 (output); 6 (partial) is check_partial_failure. Nothing is written on errors."""
    tree = Tree(args)
    usage = [
        (("--for", "planet=all"), r"--for.*planet"),
        (("--for", "country=KENY"), r"KENY(.|\n)*did you mean 'KEN'\?"),
        # A swapped pair of letters is the commonest typo of a code.
        (("--for", "country=KNE"), r"KNE(.|\n)*did you mean 'KEN'\?"),
        (("--for", "country=all,KEN"), r"'all'"),
        (("--param", "country=KENY"), r"KENY(.|\n)*did you mean 'KEN'\?"),
        (("--param", "colour=red"), r"--param.*colour"),
        (("--param", "country"), r"--param"),
        (("--for", "country=all", "--jobs", "x"), r"--jobs"),
        (("--for", "country=all", "--jobs", "-1"), r"--jobs"),
        (("--for", "country=all", "--jobs", "100000"), r"--jobs"),
        (("--for", "country=all", "--shard", "4/3"), r"--shard"),
    ]
    for options, pattern in usage:
        shutil.rmtree(tree.out, ignore_errors=True)  # each case on its own
        result = tree.run(*options, expect=2, fatal=False)
        check(re.search(pattern, result.stderr) is not None,
              f"{' '.join(options)}: stderr {result.stderr[:400]!r} does not match {pattern!r}")
        check_nothing_written(tree, " ".join(options))

    shutil.rmtree(tree.out, ignore_errors=True)
    config, line = write_bad_config(tree, "bad-key.toml", insert_after("[batch]", 'fro = "x"'))
    result = tree.run("--for", "all", config=config, expect=3, fatal=False)
    check(re.search(rf"bad-key\.toml:{line}:1: error: unknown key 'fro' in \[batch\]",
                    result.stderr) is not None, f"bad [batch] key: {result.stderr[:400]!r}")
    check_nothing_written(tree, "bad [batch] key")
    config, line = write_bad_config(tree, "bad-for.toml",
                                    replace_line("for = ", 'for = "planet"'))
    result = tree.run("--for", "all", config=config, expect=3, fatal=False)
    check(re.search(rf"bad-for\.toml:{line}:\d+: error: .*planet", result.stderr) is not None,
          f"bad [batch] for: {result.stderr[:400]!r}")
    check_nothing_written(tree, "bad [batch] for")
    config, line = write_bad_config(tree, "bad-lang.toml",
                                    insert_after("[batch.language]", 'KEN = 7'))
    result = tree.run("--for", "all", config=config, expect=3, fatal=False)
    check(re.search(rf"bad-lang\.toml:{line}:\d+: error:", result.stderr) is not None,
          f"bad [batch.language] value: {result.stderr[:400]!r}")
    check_nothing_written(tree, "bad [batch.language]")

    config, _ = write_bad_config(
        tree, "missing-data.toml",
        replace_line("path = ", 'path = "../../data/sample/no-such-file.csv"'))
    result = tree.run("--for", "all", config=config, expect=4, fatal=False)
    check(re.search(r"no-such-file\.csv: error: cannot open data file", result.stderr)
          is not None, f"missing data: {result.stderr[:400]!r}")
    check_nothing_written(tree, "missing data")

    command = [tree.sfpgen, "build", CONFIG, "--for", "all", "--output",
               "data/sample/README.md/out"]
    result = subprocess.run(command, cwd=tree.root, capture_output=True, text=True)
    check(result.returncode == 5, f"output under a file: exit {result.returncode}, expected 5")
    check("cannot create output folder" in result.stderr, f"output: {result.stderr[:400]!r}")

    # Every unit of the run failed for an output that cannot be written: 5, not 6.
    shutil.rmtree(tree.out, ignore_errors=True)
    os.makedirs(os.path.join(tree.out, tree.base("KEN", "en") + ".pdf"))
    tree.run("--for", "country=KEN", "--lang", "en", expect=5, fatal=False)
    check_manifest(tree, tree.manifest(), [("KEN", "en")], "failed", 5)

    shutil.rmtree(tree.out)
    tree.run("--for", "country=KEN", "--lang", "en")
    check_manifest(tree, tree.manifest(), [("KEN", "en")], "built", 0)


CHECKS = {
    "all-countries": check_all_countries,
    "partial-failure": check_partial_failure,
    "incremental": check_incremental,
    "dry-run": check_dry_run,
    "shard": check_shard,
    "param": check_param,
    "output-name": check_output_name,
    "constituent-language": check_constituent_language,
    "exit-codes": check_exit_codes,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("--sfpgen", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--tmp", required=True)
    args = parser.parse_args()
    try:
        CHECKS[args.check](args)
    except Abort:
        FAILURES.append("stopped: the steps after this one depend on it")
    for failure in FAILURES:
        print("FAIL:", failure)
    if FAILURES:
        sys.exit(1)
    print(f"ok: {args.check}")


if __name__ == "__main__":
    main()
