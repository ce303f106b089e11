#!/usr/bin/python3
"""Checks the sfpgen command line against the repository's own files (docs/cli.md).

usage: check_cli.py CHECK --sfpgen PATH --repo DIR [--build DIR] [--tmp DIR]
CHECK: list-templates, list-indicators, list-sources, quiet, diagnostics-json, man, install,
version. Expected values are read from the repository (TOML files, folders, CMakeLists.txt),
never from sfpgen's own output.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)


def run(args, cwd, expect_exit=0, env=None):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != expect_exit:
        print("command:", " ".join(args))
        print("stdout:\n" + result.stdout[:4000])
        print("stderr:\n" + result.stderr[:4000])
        sys.exit(f"FAIL: exit code {result.returncode}, expected {expect_exit}")
    return result


def first_columns(text):
    """The first column of every line after the header of an aligned listing."""
    return [line.split()[0] for line in text.splitlines()[1:] if line.strip()]


def row_of(text, name):
    for line in text.splitlines():
        if line.split() and line.split()[0] == name:
            return line
    return None


def languages_of(repo, template):
    folder = os.path.join(repo, "templates", template, "text")
    if not os.path.isdir(folder):
        return []
    return sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))


def check_list_templates(a):
    templates = os.path.join(a.repo, "templates")
    expected = sorted(
        d for d in os.listdir(templates)
        if os.path.isfile(os.path.join(templates, d, "document.toml"))
        or os.path.isfile(os.path.join(templates, d, "report.toml")))
    check("gb-progress" in expected and "cgap-submission" in expected,
          f"the repository's templates are {expected}")
    text = run([a.sfpgen, "list", "templates"], a.repo).stdout
    check(first_columns(text) == expected, f"text listing {first_columns(text)} != {expected}")
    gb_languages = languages_of(a.repo, "gb-progress")
    check(len(gb_languages) >= 3, f"gb-progress languages {gb_languages}")
    row = row_of(text, "gb-progress") or ""
    check(",".join(gb_languages) in row, f"gb-progress row without its languages: {row!r}")
    document = tomllib.load(open(os.path.join(templates, "gb-progress", "document.toml"), "rb"))
    file_stem, key = document["document"]["title"].split(".", 1)
    words = tomllib.load(open(os.path.join(templates, "gb-progress", "text", "en",
                                           file_stem + ".toml"), "rb"))
    check(words[key] in row, f"gb-progress row without its title {words[key]!r}: {row!r}")

    listing = json.loads(run([a.sfpgen, "list", "templates", "--json"], a.repo).stdout)
    by_name = {t["name"]: t for t in listing["templates"]}
    check(sorted(by_name) == expected, f"JSON templates {sorted(by_name)} != {expected}")
    for name in expected:
        if name in by_name:
            check(by_name[name]["languages"] == languages_of(a.repo, name),
                  f"JSON languages of {name}: {by_name[name]['languages']}")
    check(by_name.get("gb-progress", {}).get("title") == words[key], "JSON title of gb-progress")
    check(by_name.get("cgap-submission", {}).get("kind") == "cgap-submission",
          "cgap-submission kind")
    other = run([a.sfpgen, "list", "templates", "--templates", os.path.join(a.repo, "data")],
                a.repo).stdout
    check(first_columns(other) == [], f"a folder without templates lists {first_columns(other)}")


def expected_indicators(repo):
    config_path = os.path.join(repo, "templates", "gb-progress", "report.toml")
    config = tomllib.load(open(config_path, "rb"))
    catalogue_path = os.path.normpath(os.path.join(os.path.dirname(config_path),
                                                   config["indicators"]["catalogue"]))
    catalogue = tomllib.load(open(catalogue_path, "rb"))
    indicators = catalogue["indicator"] + config.get("indicator", [])
    return {i["id"]: i for i in indicators}


def check_list_indicators(a):
    expected = expected_indicators(a.repo)
    check(len(expected) >= 50, f"only {len(expected)} indicators in the catalogue and config")
    text = run([a.sfpgen, "list", "indicators"], a.repo).stdout
    check(sorted(first_columns(text)) == sorted(expected),
          f"text ids differ: missing {sorted(set(expected) - set(first_columns(text)))}, "
          f"extra {sorted(set(first_columns(text)) - set(expected))}")
    for ident, indicator in expected.items():
        row = row_of(text, ident) or ""
        check(indicator["name"]["en"] in row, f"{ident}: English name missing from {row!r}")
        check(indicator["unit"] in row.split(), f"{ident}: unit {indicator['unit']} not in {row!r}")
    listing = json.loads(run([a.sfpgen, "list", "indicators", "--json"], a.repo).stdout)
    by_id = {i["id"]: i for i in listing["indicators"]}
    check(sorted(by_id) == sorted(expected), "JSON ids differ from the catalogue's")
    for ident, indicator in expected.items():
        got = by_id.get(ident, {})
        check(got.get("name") == indicator["name"]["en"], f"{ident}: JSON name {got.get('name')}")
        check(got.get("unit") == indicator["unit"], f"{ident}: JSON unit {got.get('unit')}")
        if "aggregate" in indicator:
            check(got.get("statistics") == indicator["aggregate"],
                  f"{ident}: statistics {got.get('statistics')} != {indicator['aggregate']}")


def check_list_sources(a):
    config_path = os.path.join(a.repo, "templates", "gb-progress", "report.toml")
    config = tomllib.load(open(config_path, "rb"))
    text = run([a.sfpgen, "list", "sources"], a.repo).stdout
    listing = json.loads(run([a.sfpgen, "list", "sources", "--json"], a.repo).stdout)
    by_name = {s["name"]: s for s in listing["sources"]}
    check("partners" in first_columns(text), f"no partners row in {text!r}")
    for source in config["source"]:
        path = os.path.normpath(os.path.join(os.path.dirname(config_path), source["path"]))
        size = os.path.getsize(path) if os.path.isfile(path) else None
        row = (row_of(text, source["name"]) or "").split()
        check(row[1:4] == [source.get("format", "csv"), "yes" if size is not None else "no",
                           str(size) if size is not None else "-"],
              f"source {source['name']}: row {row}")
        got = by_name.get(source["name"], {})
        check(got.get("size") == size and got.get("exists") == (size is not None),
              f"source {source['name']}: JSON {got}, file size {size}")
        check(os.path.normpath(os.path.join(a.repo, got.get("path", ""))) == path,
              f"source {source['name']}: JSON path {got.get('path')} is not {path}")


def check_quiet(a):
    out = os.path.join(a.tmp, "quiet")
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    loud = run([a.sfpgen, "build", "--output", out, "--format", "json"], a.repo, env=env)
    check("wrote " in loud.stdout, "without --quiet, build prints no 'wrote' line")
    target = os.path.join(out, "gb-progress-sample.results.json")
    loud_bytes = open(target, "rb").read()
    os.remove(target)
    quiet = run([a.sfpgen, "build", "--quiet", "--output", out, "--format", "json"], a.repo,
                env=env)
    check(quiet.stdout == "", f"--quiet build printed on stdout: {quiet.stdout!r}")
    check(quiet.stderr == "", f"--quiet build printed on stderr: {quiet.stderr[:500]!r}")
    check(os.path.isfile(target), "--quiet build did not write the results file")
    check(os.path.isfile(target) and open(target, "rb").read() == loud_bytes,
          "--quiet changed the output file")
    bad = os.path.join(a.repo, "tests", "e2e", "bad", "unknown_key.toml")
    quiet_error = run([a.sfpgen, "build", bad, "--quiet", "--output", out], a.repo, expect_exit=3)
    check("error:" in quiet_error.stderr, "--quiet hid an error")


def position_of(path, word):
    for number, line in enumerate(open(path, encoding="utf-8"), start=1):
        if line.lstrip().startswith(word):
            return number, line.index(word) + 1
    sys.exit(f"{word} not in {path}")


def check_diagnostics_json(a):
    bad = os.path.join(a.repo, "tests", "e2e", "bad", "unknown_key.toml")
    line, column = position_of(bad, "titel")
    for command in (["build"], ["validate"], ["list", "indicators"], ["list", "sources"]):
        result = run([a.sfpgen, *command, bad, "--diagnostics", "json"], a.repo, expect_exit=3)
        objects = []
        for text in result.stderr.splitlines():
            try:
                objects.append(json.loads(text))
            except json.JSONDecodeError:
                FAILURES.append(f"{command}: stderr line is not JSON: {text!r}")
        check(len(objects) >= 1, f"{command}: no diagnostics on stderr")
        for item in objects:
            check(set(item) >= {"severity", "file", "line", "column", "message", "hint"},
                  f"{command}: keys {sorted(item)}")
        hits = [o for o in objects if "titel" in o.get("message", "")]
        check(len(hits) == 1, f"{command}: no diagnostic about 'titel' in {objects}")
        if hits:
            hit = hits[0]
            check(hit["severity"] == "error" and os.path.samefile(hit["file"], bad),
                  f"{command}: {hit}")
            check((hit["line"], hit["column"]) == (line, column),
                  f"{command}: at {hit['line']}:{hit['column']}, expected {line}:{column}")
            check("title" in hit["hint"], f"{command}: hint {hit['hint']!r}")
    usage = run([a.sfpgen, "build", "--diagnostics", "xml"], a.repo, expect_exit=2)
    check("--diagnostics" in usage.stderr, "a bad --diagnostics value is not named")
    unknown = run([a.sfpgen, "list", "sources", "--bogus", "--diagnostics", "json"], a.repo,
                  expect_exit=2)
    lines = unknown.stderr.splitlines()
    check(len(lines) == 1, f"an unknown option gives {len(lines)} lines: {unknown.stderr[:300]!r}")
    try:
        item = json.loads(lines[0]) if lines else {}
        check(item.get("severity") == "error" and "bogus" in item.get("message", ""),
              f"unknown option: {item}")
    except json.JSONDecodeError:
        FAILURES.append(f"an unknown option with --diagnostics json is not JSON: {lines[0]!r}")


def deroff(text):
    return re.sub(r"\\f[BIRP]", "", text).replace("\\-", "-").replace("\\&", "").replace("\\e",
                                                                                       "\\")


def man_sections(page):
    """Subsection title -> text, for the .SS sections of COMMANDS."""
    sections, current = {}, None
    for line in page.splitlines():
        if line.startswith(".SS "):
            current = line[4:].strip('"')
            sections[current] = ""
        elif line.startswith(".SH "):
            current = None
        elif current is not None:
            sections[current] += line + "\n"
    return sections


def long_options(help_text):
    return set(re.findall(r"(?<![\w-])--([a-z][a-z-]*)", help_text))


def check_man(a):
    path = os.path.join(a.build, "generator", "sfpgen.1")
    check(os.path.isfile(path), f"no man page at {path}")
    if not os.path.isfile(path):
        return
    raw = open(path, encoding="utf-8").read()
    check(raw.startswith(".TH SFPGEN 1"), "the man page does not start with .TH")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS", "ENVIRONMENT",
                    "FILES", "EXAMPLES", "SEE ALSO"):
        check(f".SH {section}\n" in raw, f"no {section} section")
    check(run([a.sfpgen, "help", "--man"], a.repo).stdout == raw,
          "the built man page differs from 'sfpgen help --man'")
    if shutil.which("groff"):  # not a build dependency: checked where it happens to be
        lint = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", path], capture_output=True,
                              text=True)
        check(lint.returncode == 0 and lint.stderr == "", f"groff warnings: {lint.stderr[:500]}")
    page = deroff(raw)
    sections = man_sections(page)
    common = sections.get("Options of every command", "")
    usage = run([a.sfpgen, "--help"], a.repo).stdout
    commands = re.findall(r"^  ([a-z]+) ", usage, re.MULTILINE)
    check({"build", "validate", "ingest", "list"} <= set(commands), f"usage lists {commands}")
    for command in commands:
        titles = [t for t in sections if t.startswith(f"sfpgen {command} ")]
        check(len(titles) == 1, f"no man section for {command}: {list(sections)}")
        text = sections[titles[0]] if titles else ""
        help_text = run([a.sfpgen, command, "--help"], a.repo).stdout
        for option in sorted(long_options(help_text)):
            check(f"--{option}" in text or f"--{option}" in common,
                  f"{command}: --{option} of --help is not in its man section")
        # Each line of the help's closing text appears in the section, word for word.
        for line in help_text.split("\n\n", 1)[-1].splitlines():
            if line.strip() and not line.startswith(" ") and "options of" not in line:
                check(line in text, f"{command}: help text {line[:60]!r} not in the man page")
    with open(os.path.join(a.repo, "generator", "app", "include", "sfp", "build.hpp")) as header:
        codes = re.findall(r"^\s+\w+ = (\d+),", header.read(), re.MULTILINE)
    exit_status = page.split(".SH EXIT STATUS", 1)[-1].split(".SH ", 1)[0]
    check(len(codes) >= 6, f"exit codes in build.hpp: {codes}")
    for code in codes:
        check(f".B {code}\n" in exit_status, f"exit code {code} is not in EXIT STATUS")
    check("SOURCE_DATE_EPOCH" in page.split(".SH ENVIRONMENT", 1)[-1], "no SOURCE_DATE_EPOCH")


def check_install(a):
    prefix = os.path.join(a.tmp, "install-prefix")
    shutil.rmtree(prefix, ignore_errors=True)
    run(["cmake", "--install", a.build, "--prefix", prefix], a.repo)
    binary = os.path.join(prefix, "bin", "sfpgen")
    page = os.path.join(prefix, "share", "man", "man1", "sfpgen.1")
    check(os.path.isfile(binary) and os.access(binary, os.X_OK), f"no executable {binary}")
    check(os.path.isfile(page), f"no man page {page}")
    if os.path.isfile(page):
        built = open(os.path.join(a.build, "generator", "sfpgen.1"), "rb").read()
        check(open(page, "rb").read() == built, "the installed man page is not the built one")
    if os.path.isfile(binary):
        check(run([binary, "--version"], a.repo).stdout.startswith("sfpgen "),
              "the installed sfpgen does not run")
    shutil.rmtree(prefix, ignore_errors=True)


def check_version(a):
    cmake = open(os.path.join(a.repo, "CMakeLists.txt"), encoding="utf-8").read()
    version = re.search(r"project\(\s*sfpgen\s+VERSION\s+([0-9.]+)", cmake).group(1)
    out = run([a.sfpgen, "--version"], a.repo).stdout
    check(out == f"sfpgen {version}\n", f"--version printed {out!r}, expected sfpgen {version}")


CHECKS = {
    "list-templates": check_list_templates,
    "list-indicators": check_list_indicators,
    "list-sources": check_list_sources,
    "quiet": check_quiet,
    "diagnostics-json": check_diagnostics_json,
    "man": check_man,
    "install": check_install,
    "version": check_version,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("--sfpgen", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--build")
    parser.add_argument("--tmp")
    args = parser.parse_args()
    if args.tmp:
        os.makedirs(args.tmp, exist_ok=True)
    CHECKS[args.check](args)
    for failure in FAILURES:
        print("FAIL:", failure)
    if FAILURES:
        sys.exit(1)
    print("ok:", args.check)


if __name__ == "__main__":
    main()
