#!/usr/bin/python3
"""Reads back the CGAP submission written by `sfpgen cgap` and checks it against the layout
contract (templates/cgap-submission/layout.toml) and sums computed here from the CSV inputs.

usage: check_cgap.py check REPO OUTPUT_DIR SFPGEN   (the fixture's output, SOURCE_DATE_EPOCH set)
       check_cgap.py bad REPO SFPGEN                (an unknown layout key: exit 3, file:line:col)
"""
import csv
import datetime
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

import openpyxl

YEAR = 2024
FIRST, LAST = f"{YEAR}-01-01", f"{YEAR}-12-31"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def read_projects(repo):
    with open(os.path.join(repo, "data/cgap/projects.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def in_survey(p):
    return p["start_date"] <= LAST and (p["end_date"] == "" or p["end_date"] >= FIRST)


def active(p):
    return in_survey(p) and (p["end_date"] == "" or p["end_date"] >= LAST)


def latest_partner_rows(repo):
    """The latest row of each institution with a fiscal year up to YEAR."""
    latest = {}
    with open(os.path.join(repo, "data/sample/institution_years.csv"), newline="",
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                year = int(row["fiscal_year"])
            except ValueError:
                continue
            if year <= YEAR and (row["mfi_id"] not in latest
                                 or year > int(latest[row["mfi_id"]]["fiscal_year"])):
                latest[row["mfi_id"]] = row
    return latest


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def sheet_xml(path, book, title):
    index = book.sheetnames.index(title) + 1
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def col_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_layout(path, layout, book):
    names = [s["name"] for s in layout["sheet"]]
    check(book.sheetnames == names, f"sheets {book.sheetnames}, expected {names}")
    lists = {c["name"]: [x["code"] for x in c["codes"]] for c in layout["code_list"]}
    for sheet in layout["sheet"]:
        columns = sheet.get("columns", [])
        if not columns or sheet["name"] not in book.sheetnames:
            continue
        ws = book[sheet["name"]]
        headers = [ws.cell(1, i + 1).value for i in range(len(columns))]
        check(headers == [c["header"] for c in columns],
              f"{sheet['name']}: headers {headers}")
        check(ws.freeze_panes == "A2", f"{sheet['name']}: header not frozen")
        check(ws.auto_filter.ref is not None, f"{sheet['name']}: no autofilter")
        xml = sheet_xml(path, book, sheet["name"])
        for i, column in enumerate(columns):
            if "format" in column:
                for row in range(2, ws.max_row + 1):
                    cell = ws.cell(row, i + 1)
                    if isinstance(cell.value, (int, float, datetime.datetime)):
                        check(cell.number_format == column["format"],
                              f"{sheet['name']}!{cell.coordinate}: format {cell.number_format}")
            if column["type"] == "code":
                expected = '"' + ",".join(lists[column["codes"]]) + '"'
                letter = col_letter(i)
                pattern = (r'<dataValidation type="list"[^>]*sqref="' + letter + r'2(:' + letter +
                           r'\d+)?"[^>]*>\s*<formula1>' + re.escape(expected) + "</formula1>")
                check(re.search(pattern, xml),
                      f"{sheet['name']}: no list validation {expected} on column {letter}")


def check_survey(path, book, projects):
    ws = book["Funder survey"]
    values = openpyxl.load_workbook(path, data_only=True)["Funder survey"]
    header = [c.value for c in ws[1]]
    total_row = ws.max_row
    check(ws.cell(total_row, 1).value == "Total", "Funder survey: no total row")
    survey = [p for p in projects if in_survey(p)]
    expected = {
        "Committed (USD)": sum(float(p["committed_usd"]) for p in survey),
        "Disbursed (USD)": sum(float(p["disbursed_usd"]) for p in survey if p["disbursed_usd"]),
        "Projects": len(survey),
        "Active projects": sum(1 for p in survey if active(p)),
        "Projects without disbursed amount": sum(1 for p in survey if not p["disbursed_usd"]),
    }
    check(expected["Projects without disbursed amount"] > 0, "sample lost its missing amount")
    xml = sheet_xml(path, book, "Funder survey")
    for name, value in expected.items():
        col = header.index(name) + 1
        formula = ws.cell(total_row, col).value
        letter = col_letter(col - 1)
        check(formula == f"=SUM({letter}2:{letter}{total_row - 1})",
              f"Funder survey: total of {name} is {formula!r}")
        stored = values.cell(total_row, col).value
        check(stored is not None and abs(stored - value) < 1e-6,
              f"Funder survey: stored total of {name} is {stored}, expected {value}")
        cell_xml = re.search(r'<c r="' + letter + str(total_row) + r'"[^>]*>(.*?)</c>', xml)
        check(cell_xml and "<f>" in cell_xml.group(1) and "<v>" in cell_xml.group(1),
              f"Funder survey: total of {name} has no formula with a stored value")
    # Per-row sums equal the CSV rows of the cell.
    for row in range(2, total_row):
        key = tuple(ws.cell(row, header.index(h) + 1).value
                    for h in ("Instrument", "Purpose", "Region", "Country (ISO3)"))
        members = [p for p in survey
                   if (p["instrument"], p["purpose"], p["region"], p["country_iso3"]) == key]
        committed = ws.cell(row, header.index("Committed (USD)") + 1).value
        check(members and abs(committed - sum(float(p["committed_usd"]) for p in members)) < 1e-6,
              f"Funder survey row {row}: committed {committed}")
        disbursed = ws.cell(row, header.index("Disbursed (USD)") + 1).value
        if all(not p["disbursed_usd"] for p in members):
            check(disbursed == "..", f"Funder survey row {row}: missing disbursed shown {disbursed}")
    return expected


def check_smartaid(path, book, projects):
    flagged = [p for p in projects if p["microfinance_component"] == "yes" and in_survey(p)]
    ws = book["SmartAid projects"]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    check(sorted(ids) == sorted(p["project_id"] for p in flagged), f"SmartAid projects: {ids}")
    header = [c.value for c in ws[1]]
    by_id = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for p in flagged:
        row = by_id.get(p["project_id"])
        if row is None:
            continue
        title = ws.cell(row, header.index("Title") + 1).value
        check(title == p["title"], f"SmartAid projects: title {title!r}, expected {p['title']!r}")
        disbursed = ws.cell(row, header.index("Disbursed (USD)") + 1).value
        want = float(p["disbursed_usd"]) if p["disbursed_usd"] else ".."
        check(disbursed == want, f"SmartAid projects {p['project_id']}: disbursed {disbursed}")
    formula_titles = [p["title"] for p in flagged if p["title"][:1] in "=+-@"]
    check(formula_titles, "the sample has no formula-looking title")
    for name in book.sheetnames:
        if name != "Funder survey":
            check("<f>" not in sheet_xml(path, book, name), f"{name}: has a formula")
    with zipfile.ZipFile(path) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    for title in formula_titles:
        check(f"<t>{title}</t>" in strings, f"title {title!r} is not a string")

    indicators = book["SmartAid indicators"]
    got = sorted((indicators.cell(r, 1).value, indicators.cell(r, 2).value)
                 for r in range(2, indicators.max_row + 1))
    want = sorted((p["project_id"], i) for p in flagged for i in p["indicators"].split(";") if i)
    check(got == want, "SmartAid indicators: project x indicator pairs differ from the CSV")
    check(all(indicators.cell(r, 3).value for r in range(2, indicators.max_row + 1)),
          "SmartAid indicators: an indicator without its name")

    reviews = book["Portfolio reviews"]
    got = sorted((reviews.cell(r, 1).value, reviews.cell(r, 2).value)
                 for r in range(2, reviews.max_row + 1))
    want = sorted((p["project_id"], datetime.datetime.fromisoformat(d))
                  for p in flagged for d in p["reviews"].split(";") if d and d <= LAST)
    check(got == want, "Portfolio reviews: dates differ from the CSV (or are not real dates)")
    return flagged


def check_partners(book, projects, latest):
    ws = book["Partner performance"]
    header = [c.value for c in ws[1]]
    partners = sorted({i for p in projects if in_survey(p) for i in p["partners"].split(";") if i})
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    check(ids == partners, f"Partner performance: institutions {ids}, expected {partners}")
    for r, mfi in enumerate(ids, start=2):
        row = latest[mfi]
        cell = lambda name: ws.cell(r, header.index(name) + 1).value
        check(cell("Fiscal year") == int(row["fiscal_year"]), f"{mfi}: fiscal year")
        borrowers = number(row["active_borrowers"])
        women = number(row["women_borrowers"])
        glp = number(row["gross_loan_portfolio_usd"])
        par30 = number(row["par30_usd"])
        got = cell("Number of active borrowers")
        check(got == borrowers if borrowers is not None else got == "..",
              f"{mfi}: active borrowers {got}, expected {borrowers}")
        if borrowers and women is not None and women <= borrowers:
            got = cell("Percent of women borrowers")
            check(isinstance(got, float) and abs(got - women / borrowers) < 1e-9,
                  f"{mfi}: % women {got}, expected {women / borrowers}")
        if glp and par30 is not None and 0 <= par30 <= glp:
            got = cell("Portfolio at risk > 30 days")
            check(isinstance(got, float) and abs(got - par30 / glp) < 1e-9,
                  f"{mfi}: PAR30 {got}, expected {par30 / glp}")


def check_pdf(pdf, totals, flagged):
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    for name in ("Committed (USD)", "Disbursed (USD)"):
        printed = f"{totals[name]:,.0f}"
        check(printed in text, f"PDF: {name} total {printed} not found")
    check(re.search(r"\b%d\b" % totals["Projects"], text), "PDF: project count not found")
    check("not reported" in text, "PDF: no note on missing disbursed amounts")


def run_again(sfpgen, repo, out):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    with tempfile.TemporaryDirectory() as again:
        subprocess.run([sfpgen, "cgap", "--output", again], cwd=repo, env=env, check=True,
                       capture_output=True)
        for name in (f"cgap-submission-{YEAR}.xlsx", f"cgap-submission-{YEAR}.pdf"):
            check(filecmp.cmp(os.path.join(out, name), os.path.join(again, name), shallow=False),
                  f"{name}: a second run is not byte-identical")


def main_check(repo, out, sfpgen):
    path = os.path.join(out, f"cgap-submission-{YEAR}.xlsx")
    with open(os.path.join(repo, "templates/cgap-submission/layout.toml"), "rb") as f:
        layout = tomllib.load(f)
    book = openpyxl.load_workbook(path)
    projects = read_projects(repo)
    check_layout(path, layout, book)
    totals = check_survey(path, book, projects)
    flagged = check_smartaid(path, book, projects)
    check_partners(book, projects, latest_partner_rows(repo))
    check_pdf(os.path.join(out, f"cgap-submission-{YEAR}.pdf"), totals, flagged)
    run_again(sfpgen, repo, out)


def main_bad(repo, sfpgen):
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(repo, "templates/cgap-submission")
        with open(os.path.join(source, "layout.toml"), encoding="utf-8") as f:
            text = f.read().replace('header = "Purpose"', 'heder = "Purpose"', 1)
        with open(os.path.join(tmp, "layout.toml"), "w", encoding="utf-8") as f:
            f.write(text)
        line = text[:text.index("heder")].count("\n") + 1
        column = text.index("heder") - text.rfind("\n", 0, text.index("heder"))
        with open(os.path.join(source, "report.toml"), encoding="utf-8") as f:
            config = f.read()
        config = config.replace('"../../', '"' + repo + "/").replace(
            '"../gb-progress/', '"' + source + "/../gb-progress/")
        with open(os.path.join(tmp, "report.toml"), "w", encoding="utf-8") as f:
            f.write(config)
        out = os.path.join(tmp, "out")
        run = subprocess.run([sfpgen, "cgap", os.path.join(tmp, "report.toml"), "--output", out],
                             capture_output=True, text=True)
        check(run.returncode == 3, f"exit code {run.returncode}, expected 3")
        where = f"layout.toml:{line}:{column}: error: unknown key 'heder'"
        check(where in run.stderr, f"stderr lacks {where!r}: {run.stderr}")
        check("did you mean 'header'?" in run.stderr, "no did-you-mean hint")
        check(not os.path.exists(out) or not os.listdir(out), "files left in the output folder")


def main():
    if sys.argv[1:2] == ["check"] and len(sys.argv) == 5:
        main_check(*sys.argv[2:])
    elif sys.argv[1:2] == ["bad"] and len(sys.argv) == 4:
        main_bad(*sys.argv[2:])
    else:
        sys.exit(__doc__)
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
