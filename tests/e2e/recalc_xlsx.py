#!/usr/bin/python3
"""Proves that LibreOffice computes every formula of a workbook to the value stored in it.

usage: recalc_xlsx.py WORKBOOK... [--min-formulas N] [--expect-mismatch] [--keep DIR]

For each workbook: a copy is made with the cached value (<v>) of every formula cell removed
(the rest of the archive byte for byte), LibreOffice (headless, a throwaway profile that
recalculates on load) converts that copy to xlsx, and every formula cell of the original is
compared with the recalculated one: numbers within 1e-9 relative, text equal. Since LibreOffice
never sees the stored values, a match means it computed them.

--expect-mismatch changes one stored value of the first workbook (the first numeric formula
cell, times 1.5 plus 1) and passes only if the comparison reports that cell and no other: it
shows that the check can fail.

Exit codes: 0 all equal; 1 a difference, LibreOffice failed, or too few formulas; 77 soffice is
not installed (ctest SKIP_RETURN_CODE).
"""
import argparse
import html
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

SKIP = 77
LIBREOFFICE_TIMEOUT = 300  # seconds, per workbook
SHEET_PART = re.compile(r"xl/worksheets/sheet\d+\.xml$")
# A cell element, self-closing or with content. Cells do not nest; `<c\b` does not match
# <cols>, <col> or <cfRule>.
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.DOTALL)
VALUE = re.compile(rb"<v>.*?</v>|<v/>", re.DOTALL)

# The profile setting that makes LibreOffice recalculate OOXML and ODF files on load
# (0 = always, 1 = never, the default, 2 = ask).
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def strip_cell_values(xml):
    """The sheet XML with the <v> of every cell that has an <f> removed, and the references of
    the formula cells that had no <v> at all (an empty text result is an empty <v>); also the
    number of values removed."""
    without_value = []
    removed = 0

    def strip(match):
        nonlocal removed
        cell = match.group(0)
        if b"<f" not in cell:
            return cell
        stripped, count = VALUE.subn(b"", cell)
        removed += count
        if count == 0:
            without_value.append(re.search(rb'\br="([A-Z]+\d+)"', cell).group(1).decode())
        return stripped

    return CELL.sub(strip, xml), removed, without_value


def rewrite_parts(source, target, edit):
    """Copies the zip `source` to `target`, passing each worksheet part through `edit`; every
    other part, and the order, names and compression of all parts, are kept."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if SHEET_PART.match(info.filename):
                data = edit(info.filename, data)
            zout.writestr(info, data)


def sheet_parts(path):
    """{worksheet part name: sheet title}, from the workbook part and its relationships."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
        if rid and target:
            name = target.group(1).lstrip("/")
            targets[rid.group(1)] = name if name.startswith("xl/") else "xl/" + name
    parts = {}
    for sheet in re.findall(r"<sheet\b[^>]*>", book):
        title = html.unescape(re.search(r'name="([^"]*)"', sheet).group(1))
        rid = re.search(r'r:id="([^"]+)"', sheet).group(1)
        parts[targets[rid]] = title
    return parts


def strip_workbook(source, target):
    """Writes the stripped copy; returns (values removed, ["Sheet!A1" of formula cells that
    stored no value])."""
    titles = sheet_parts(source)
    removed = 0
    without_value = []

    def edit(name, data):
        nonlocal removed
        stripped, count, missing = strip_cell_values(data)
        removed += count
        without_value.extend(f"{titles.get(name, name)}!{ref}" for ref in missing)
        return stripped

    rewrite_parts(source, target, edit)
    return removed, without_value


def formula_cells(path):
    """{(sheet, coordinate): cached value} for every cell of `path` that holds a formula."""
    formulas = openpyxl.load_workbook(path, data_only=False)
    values = openpyxl.load_workbook(path, data_only=True)
    cells = {}
    for ws in formulas.worksheets:
        cached = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cells[(ws.title, cell.coordinate)] = cached[cell.coordinate].value
    return cells, formulas.sheetnames


def same_value(stored, computed):
    """Numbers within 1e-9 relative (exact zero compared with a 1e-300 floor), text equal; an
    empty result reads back as None from either file."""
    if isinstance(stored, bool) or isinstance(computed, bool):
        return stored == computed
    if isinstance(stored, (int, float)) and isinstance(computed, (int, float)):
        return math.isclose(stored, computed, rel_tol=1e-9, abs_tol=1e-300)
    return stored == computed


def make_profile(root):
    user = os.path.join(root, "user")
    os.makedirs(user, exist_ok=True)
    with open(os.path.join(user, "registrymodifications.xcu"), "w", encoding="utf-8") as f:
        f.write(RECALC_PROFILE)
    return "file://" + os.path.abspath(root)


def recalculate(soffice, profile_url, workbook, outdir, home):
    """Runs LibreOffice on `workbook`; returns (path of the converted file, error or None)."""
    command = [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--norestore",
               "--nologo", "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
               "--outdir", outdir, workbook]
    env = dict(os.environ, HOME=home)
    # A session of its own, so that a timeout ends soffice.bin too, not only the soffice script.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=LIBREOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, f"LibreOffice did not finish within {LIBREOFFICE_TIMEOUT} s"
    converted = os.path.join(outdir, os.path.basename(workbook))
    if process.returncode != 0 or not os.path.isfile(converted):
        return None, f"LibreOffice failed (exit {process.returncode}):\n{output}"
    return converted, None


def compare(original, recalculated):
    """Compares every formula cell of `original` with `recalculated`; returns (per-sheet counts
    {sheet: [formulas, equal]}, list of differences)."""
    cells, sheets = formula_cells(original)
    result = openpyxl.load_workbook(recalculated, data_only=True)
    counts = {name: [0, 0] for name in sheets}
    differences = []
    for (sheet, coordinate), stored in cells.items():
        counts[sheet][0] += 1
        if sheet not in result.sheetnames:
            differences.append(f"{sheet}!{coordinate}: sheet missing after recalculation")
            continue
        computed = result[sheet][coordinate].value
        if same_value(stored, computed):
            counts[sheet][1] += 1
        else:
            differences.append(f"{sheet}!{coordinate}: stored {stored!r}, LibreOffice "
                               f"computed {computed!r}")
    return counts, differences


def check_stripped(stripped, expected):
    """The copy LibreOffice sees must hold no value for any formula cell."""
    cells, _ = formula_cells(stripped)
    left = [f"{s}!{c}" for (s, c), v in cells.items() if v is not None]
    problems = []
    if len(cells) != expected:
        problems.append(f"the stripped copy has {len(cells)} formulas, the original {expected}")
    if left:
        problems.append(f"formula values left in the stripped copy: {left[:5]}")
    return problems


def tamper(source, target):
    """Copies `source` with the first numeric formula value multiplied by 1.5 and plus 1;
    returns (sheet part, cell reference) of the changed cell."""
    changed = []

    def edit(name, data):
        if changed:
            return data

        def bump(match):
            cell = match.group(0)
            value = re.search(rb"<v>([^<]+)</v>", cell)
            text = re.search(rb'\bt="(?!n")', cell) is not None  # a string, error or boolean
            if changed or b"<f" not in cell or text or value is None:
                return cell
            number = float(value.group(1)) * 1.5 + 1
            changed.append((name, re.search(rb'r="([A-Z]+\d+)"', cell).group(1).decode()))
            return cell.replace(value.group(0), b"<v>%s</v>" % repr(number).encode())

        return CELL.sub(bump, data)

    rewrite_parts(source, target, edit)
    return changed[0] if changed else None


def check_workbook(path, soffice, profile_url, work):
    """Strips, recalculates and compares one workbook; returns (formula count, problems)."""
    name = os.path.basename(path)
    stripped_dir = tempfile.mkdtemp(dir=work, prefix="stripped-")
    out_dir = tempfile.mkdtemp(dir=work, prefix="recalculated-")
    stripped = os.path.join(stripped_dir, name)
    removed, without_value = strip_workbook(path, stripped)
    cells, _ = formula_cells(path)
    problems = [f"{cell}: the workbook stores no value for the formula"
                for cell in without_value]
    problems += check_stripped(stripped, len(cells))
    converted, error = recalculate(soffice, profile_url, stripped, out_dir, work)
    if error:
        return len(cells), problems + [error]
    counts, differences = compare(path, converted)
    print(f"{name}: {len(cells)} formulas ({removed} stored values removed before LibreOffice)")
    for sheet, (total, equal) in counts.items():
        if total:
            print(f"  {sheet}: {total} formulas, {equal} equal after recalculation")
    return len(cells), problems + differences


def expect_mismatch(path, soffice, profile_url, work):
    """Passes when a workbook with one wrong stored value is caught, at that cell only."""
    tampered = os.path.join(tempfile.mkdtemp(dir=work, prefix="tampered-"),
                            os.path.basename(path))
    changed = tamper(path, tampered)
    if changed is None:
        return ["no numeric formula value to change"]
    _, problems = check_workbook(tampered, soffice, profile_url, work)
    cell = changed[1]
    caught = [p for p in problems if re.match(rf"[^!]+!{cell}: stored ", p)]
    print(f"changed the stored value of {cell} in {changed[0]}; reported: {problems}")
    if len(caught) == 1 and len(problems) == 1:
        return []
    return [f"expected exactly one difference, at {cell}; got {problems}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workbooks", nargs="+")
    parser.add_argument("--min-formulas", type=int, default=1,
                        help="fail when a workbook has fewer formulas than this")
    parser.add_argument("--expect-mismatch", action="store_true",
                        help="change one stored value and require that exactly it is reported")
    parser.add_argument("--keep", help="keep the stripped and recalculated files in this folder")
    args = parser.parse_args()

    soffice = shutil.which("soffice")
    if soffice is None:
        print("SKIP: LibreOffice (soffice) not installed")
        return SKIP
    work = args.keep or tempfile.mkdtemp(prefix="sfp-recalc-")
    os.makedirs(work, exist_ok=True)
    try:
        profile_url = make_profile(os.path.join(work, "profile"))
        failures = []
        if args.expect_mismatch:
            failures += expect_mismatch(args.workbooks[0], soffice, profile_url, work)
        else:
            for path in args.workbooks:
                try:
                    count, problems = check_workbook(path, soffice, profile_url, work)
                except (OSError, KeyError, zipfile.BadZipFile) as error:
                    count, problems = 0, [f"cannot read the workbook: {error}"]
                if count < args.min_formulas:
                    problems.append(f"{count} formulas, expected at least {args.min_formulas}")
                failures += [f"{path}: {p}" for p in problems]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
