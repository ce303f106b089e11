#!/usr/bin/python3
"""Reads the sample workbook back with openpyxl (Debian's python3-openpyxl) and checks it
against the independent reference computation (tests/reference/reference.py).

usage: check_xlsx.py DATA.csv WORKBOOK.xlsx
"""
import json
import math
import os
import re
import subprocess
import sys
import zipfile

import openpyxl

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def main():
    data_csv, workbook_path = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    reference = json.loads(subprocess.check_output(
        [sys.executable, os.path.join(here, "..", "reference", "reference.py"),
         "--statistics", "all", data_csv]))
    # Table 1 shows each indicator's headline statistic; the Results sheet has every statistic.
    expected = {(r["indicator"], r["scope"], r["period"]): r for r in reference["results"]
                if r["headline"]}
    every = {(r["indicator"], r["statistic"], r["scope"], r["period"]): r
             for r in reference["results"]}

    # Aggregates are formulas over the Data sheet with the engine's value stored beside them:
    # the stored values are what this script checks against the reference (the LibreOffice
    # test recalculates the formulas themselves).
    wb = openpyxl.load_workbook(workbook_path, data_only=True)
    # Sheet names are set by templates/gb-progress/document.toml (`sheet = ...`).
    for sheet in ["Cover", "Targets", "Trend", "Outreach", "Benchmarks", "Annex E", "Results",
                  "Figure 1"]:
        check(sheet in wb.sheetnames, f"missing sheet {sheet!r} in {wb.sheetnames}")
    check(wb.properties.title.startswith("Microfinance for decent work"), "document title")

    # Outreach: regions x outreach indicators for 2024, header on row 3, frozen below it.
    columns = {"OUT-01": "Active borrowers", "OUT-06": "% women", "OUT-07": "% rural",
               "OUT-03": "GLP (USD m)", "OUT-02": "Depositors"}
    formats = {"OUT-01": "#,##0", "OUT-06": "0.0%", "OUT-07": "0.0%", "OUT-03": "#,##0.0,,",
               "OUT-02": "#,##0"}
    found = set()
    ws = wb["Outreach"]
    header = [c.value for c in ws[3]]
    check(header[:2] == ["Region", "Institutions"], f"Outreach header {header}")
    check(ws.freeze_panes == "A4", f"Outreach freeze panes {ws.freeze_panes}")
    rows_checked = 0
    for row in ws.iter_rows(min_row=4):
        label = row[0].value
        if label is None:
            break
        scope = "all" if label == "All regions" else f"region:{label}"
        for indicator, title in columns.items():
            if title not in header:
                continue
            found.add(indicator)
            cell = row[header.index(title)]
            ref = expected[(indicator, scope, 2024)]
            if ref["value"] is None:
                check(cell.value == "..", f"{indicator} {scope}: expected '..', got {cell.value!r}")
                continue
            check(isinstance(cell.value, (int, float)),
                  f"{indicator} {scope}: expected a number, got {cell.value!r}")
            if isinstance(cell.value, (int, float)):
                check(math.isclose(cell.value, ref["value"], rel_tol=1e-9),
                      f"{indicator} {scope}: {cell.value} != reference {ref['value']}")
            check(cell.number_format == formats[indicator],
                  f"{indicator}: number format {cell.number_format!r}")
        rows_checked += 1
    check(rows_checked == 6, f"Outreach has {rows_checked} scope rows, expected 6")
    check(found == set(columns), f"indicators found in the Outreach sheet: {sorted(found)}")

    # Trend: the headline indicators of all regions, one column per year.
    ws = wb["Trend"]
    header = [c.value for c in ws[3]]
    check(header[0] == "Indicator" and header[1:] == [str(y) for y in range(2020, 2025)],
          f"Trend header {header}")
    trend_checked = 0
    for row in ws.iter_rows(min_row=4):
        label = row[0].value
        if label is None:
            break
        indicator = label.split(" ")[0]
        for i, year in enumerate(range(2020, 2025)):
            ref = expected[(indicator, "all", year)]
            cell = row[i + 1]
            if ref["value"] is None:
                check(cell.value == "..", f"Trend {indicator} {year}: expected '..'")
            elif isinstance(cell.value, (int, float)):
                check(math.isclose(cell.value, ref["value"], rel_tol=1e-9),
                      f"Trend {indicator} {year}: {cell.value} != reference {ref['value']}")
            else:
                check(False, f"Trend {indicator} {year}: expected a number, got {cell.value!r}")
        trend_checked += 1
    check(trend_checked == 16, f"Trend has {trend_checked} indicators, expected 16")

    # Results: every reference figure, with n and the missing reason.
    ws = wb["Results"]
    header = [c.value for c in ws[3]]
    index = {name: i for i, name in enumerate(header)}
    seen = 0
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] is None:
            break
        key = (row[index["Indicator"]], row[index["Statistic"]], row[index["Scope"]],
               int(row[index["Period"]]))
        ref = every.get(key)
        check(ref is not None, f"Results row {key} not in the reference")
        if ref is None:
            continue
        seen += 1
        check(row[index["n"]] == ref["n"], f"{key}: n {row[index['n']]} != {ref['n']}")
        if ref["value"] is None:
            check(row[index["Value"]] == "..", f"{key}: expected '..'")
            check(row[index["Missing reason"]] == ref["missing"], f"{key}: reason")
        else:
            check(math.isclose(row[index["Value"]], ref["value"], rel_tol=1e-9),
                  f"{key}: {row[index['Value']]} != {ref['value']}")
    check(seen == len(every), f"Results sheet has {seen} of {len(every)} results")

    # Targets: the status word in every row, coloured by a conditional format on that word with
    # the fill of its status (the same computation as the PDF's status cells and the results
    # file's "status"): edit the word and the colour follows.
    ws = wb["Targets"]
    header = [c.value for c in ws[3]]
    status_col = header.index("Status")
    fills = {"on track": "FFCCEBE2", "at risk": "FFFCEBC2", "off track": "FFF5D6C2",
             "no data": "FFE6E6E6", "not started": "FFE6E6E6"}
    rules = {}  # status word -> (cell ranges, fill colour) of its conditional format
    for ranges, cf_rules in ws.conditional_formatting._cf_rules.items():
        for rule in cf_rules:
            if rule.type == "cellIs" and rule.operator == "equal" and rule.formula:
                word = rule.formula[0].strip('"')
                fill = rule.dxf.fill if rule.dxf is not None else None
                colour = None
                if fill is not None:
                    colour = (fill.bgColor.rgb if fill.bgColor is not None else None) or \
                             (fill.fgColor.rgb if fill.fgColor is not None else None)
                rules[word] = (str(ranges.sqref), colour)
    statuses = 0
    for row in ws.iter_rows(min_row=4):
        cell = row[status_col]
        if row[0].value is None:
            break
        check(cell.value in fills, f"Targets status {cell.value!r}")
        if cell.value in fills:
            rule = rules.get(cell.value)
            check(rule is not None, f"Targets status {cell.value!r} has a conditional format")
            if rule is not None:
                check(rule[1] == fills[cell.value],
                      f"Targets status {cell.value!r} fill {rule[1]} != {fills[cell.value]}")
                column = openpyxl.utils.get_column_letter(status_col + 1)
                check(rule[0].startswith(f"{column}4:{column}"),
                      f"Targets status rule covers {rule[0]}, expected column {column}")
        statuses += 1
    check(statuses >= 5, f"Targets sheet has {statuses} statuses")

    # Native charts over the figure sheets; openpyxl does not load charts, so read the parts.
    figure_sheets = [name for name in wb.sheetnames if name.startswith("Figure ")]
    with zipfile.ZipFile(workbook_path) as archive:
        names = archive.namelist()
        chart_parts = sorted((n for n in names if re.match(r"xl/charts/chart\d+\.xml$", n)),
                             key=lambda n: int(re.findall(r"\d+", n)[0]))
        check(5 <= len(chart_parts) <= len(figure_sheets),
              f"expected a native chart for most of the {len(figure_sheets)} figures, found "
              f"{chart_parts}")
        lines = [archive.read(n).decode("utf-8") for n in chart_parts]
        lines = [text for text in lines if "<c:lineChart>" in text]
        # Trends are line charts over the 5 years; peer ranges are line charts with high-low
        # lines (P25, median, P75 as points).
        trends = [text for text in lines if "<c:hiLowLines" not in text]
        check(len(trends) >= 3, f"{len(trends)} line charts (trends), expected 3")
        check(len(lines) > len(trends), "a range chart drawn with high-low lines")
        for text in trends:
            check(re.search(r"'Figure \d+'!\$B\$4:\$B\$8", text) is not None,
                  "a line chart's series refers to its data sheet (5 years)")
            # Excel's default for blanks is a gap; libxlsxwriter writes dispBlanksAs otherwise.
            check("dispBlanksAs" not in text, "missing values are drawn as gaps")
        # Every range a chart refers to is a real range (first row <= last row) holding at least
        # one number: an inverted range such as $A$4:$A$3 makes Excel "repair" the file.
        texts = [archive.read(n).decode("utf-8") for n in chart_parts]
        for part, text in zip(chart_parts, texts):
            for sheet, c1, r1, c2, r2 in re.findall(
                    r"<c:f>'([^']+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)</c:f>", text):
                check(int(r1) <= int(r2), f"{part}: empty range {sheet}!{c1}{r1}:{c2}{r2}")
                cells = [wb[sheet][f"{c1}{r}"].value for r in range(int(r1), int(r2) + 1)]
                if c1 != "A":  # column A holds categories or series names
                    check(any(isinstance(v, (int, float)) for v in cells),
                          f"{part}: no number in {sheet}!{c1}{r1}:{c2}{r2}")
        scatters = [text for text in texts if "<c:scatterChart>" in text]
        check(len(scatters) == 1, f"{len(scatters)} scatter charts (depth against OSS), expected 1")

    # The chart data keeps missing values as empty cells (never 0): MENA has no PAR30 in 2020.
    # The PAR30 trend is the figure sheet whose "All regions" column holds PQ-01's values.
    par30 = expected[("PQ-01", "all", 2020)]["value"]
    trend_sheet = None
    for name in figure_sheets:
        ws = wb[name]
        header = [c.value for c in ws[3]]
        if "All regions" not in header or "Middle East and North Africa" not in header:
            continue
        first = [c.value for c in ws[4]]
        value = first[header.index("All regions")]
        if first[0] == "2020" and isinstance(value, float) and math.isclose(value, par30,
                                                                             rel_tol=1e-9):
            trend_sheet = name
            mena = header.index("Middle East and North Africa")
            check(first[mena] is None, f"MENA 2020 PAR30 should be empty, got {first[mena]!r}")
    check(trend_sheet is not None, "no figure sheet holds the PAR30 trend")

    if failures:
        for failure in failures:
            print("FAIL:", failure)
        sys.exit(1)
    print(f"check_xlsx: workbook matches the reference ({seen} results, {rows_checked} rows)")


if __name__ == "__main__":
    main()
