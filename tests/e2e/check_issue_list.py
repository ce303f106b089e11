#!/usr/bin/python3
"""The GB report's data-problem list on data with many findings: the PDF lists the first
`max_per_code` findings of each code (templates/gb-progress/document.toml) and counts the others,
the workbook's "Data quality" sheet lists every one, and the two agree with the "Issues by code"
sheet's counts.

usage: check_issue_list.py SFPGEN REPO_ROOT WORK_DIR

Builds the sample GB report (tests/fixtures/workbook/report.toml, its paths made absolute) on a
generated panel of 1,000 institutions x 3 years, then reads the PDF back with pdftotext and the
workbook with openpyxl.
"""
import collections
import os
import pathlib
import re
import shutil
import subprocess
import sys

import openpyxl

MOST = 10  # max_per_code of templates/gb-progress/document.toml
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def main():
    sfpgen, root, work = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    panel = work / "panel.csv"
    subprocess.run([sfpgen, "generate", "panel", "--institutions", "1000", "--years", "3",
                    "--quiet", "-o", str(panel)], check=True)
    config = (root / "tests/fixtures/workbook/report.toml").read_text(encoding="utf-8")
    config = config.replace('"../../../', f'"{root}/')
    config = config.replace('path = "institution_years.csv"', f'path = "{panel}"')
    (work / "report.toml").write_text(config, encoding="utf-8")
    out = work / "out"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    subprocess.run([sfpgen, "build", str(work / "report.toml"), "--output", str(out), "--format",
                    "pdf,xlsx", "--quiet"], check=True, env=env)
    pdf = next(out.glob("*.pdf"))
    xlsx = next(out.glob("*.xlsx"))

    book = openpyxl.load_workbook(xlsx, read_only=True)
    check("Data quality" in book.sheetnames, f"no 'Data quality' sheet in {book.sheetnames}")
    by_code = {}
    for row in book["Issues by code"].iter_rows(values_only=True):
        if row and isinstance(row[2], (int, float)) and row[0]:
            by_code[row[0]] = int(row[2])
    listed = collections.Counter()
    for row in book["Data quality"].iter_rows(values_only=True):
        if row and row[1] in by_code and re.fullmatch(r"\d+(:\d+)?", str(row[0])):
            listed[row[1]] += 1
    total = sum(by_code.values())
    check(total > 60, f"only {total} findings: the panel should have about 90")
    check(dict(listed) == by_code, f"workbook lists {dict(listed)}, counts {by_code}")
    check(any(n > MOST for n in by_code.values()), f"no code has more than {MOST}: {by_code}")
    # The capped table is the PDF's alone: no sheet has its "more" rows.
    for name in book.sheetnames:
        for row in book[name].iter_rows(values_only=True):
            check(not (row and row[0] == "\u2026"), f"sheet '{name}' has a row of the PDF's list")

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    start = text.find("Data problems in")
    end = text.find("Annex D.", start)
    check(start >= 0 and end > start, "no data-problem table before Annex D in the PDF")
    table = text[start:end]
    shown = collections.Counter()
    more = {}
    for line in table.splitlines():
        found = re.match(r"\s*(\d+(?::\d+)?)\s+([a-z0-9-]+)\s", line)
        if found and found.group(2) in by_code:
            shown[found.group(2)] += 1
        found = re.match(r"\s*\u2026\s+([a-z0-9-]+)\s+(\d[\d,]*) more findings? with this code",
                         line)
        if found:
            more[found.group(1)] = int(found.group(2).replace(",", ""))
    for code, count in by_code.items():
        check(shown[code] == min(count, MOST),
              f"{code}: the PDF lists {shown[code]}, expected {min(count, MOST)} of {count}")
        if count > MOST:
            check(more.get(code) == count - MOST,
                  f"{code}: the PDF counts {more.get(code)} more, expected {count - MOST}")
        else:
            check(code not in more, f"{code}: a 'more' row for a code with {count} findings")
    note = re.search(r"([\d,]+) of the ([\d,]+) findings are listed here: at most (\d+) of each",
                     " ".join(table.split()))
    if check(note is not None, "no note under the data-problem table"):
        check(int(note.group(1).replace(",", "")) == sum(min(n, MOST) for n in by_code.values()),
              f"note says {note.group(1)} listed")
        check(int(note.group(2).replace(",", "")) == total, f"note says {note.group(2)} in all")
        check(int(note.group(3)) == MOST, f"note says at most {note.group(3)}")

    if failures:
        print("\n".join(failures))
        return 1
    print(f"ok: {total} findings of {len(by_code)} codes, "
          f"{sum(shown.values())} listed in the PDF, all in the workbook")
    return 0


if __name__ == "__main__":
    sys.exit(main())
