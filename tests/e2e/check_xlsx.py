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

    wb = openpyxl.load_workbook(workbook_path)
    for sheet in ["Cover", "Table 1a", "Figure 1", "Table 2", "Annex A", "Results"]:
        check(sheet in wb.sheetnames, f"missing sheet {sheet!r} in {wb.sheetnames}")
    check(wb.properties.title.startswith("Microfinance for decent work"), "document title")

    # Tables 1a, 1b, ...: regions x indicators for 2024 (one table per family of indicators),
    # header on row 3, frozen below it.
    columns = {"OUT-01": "Active borrowers", "OUT-06": "% women", "OUT-03": "GLP (USD m)",
               "PQ-01": "PAR30", "FIN-01": "OSS"}
    formats = {"OUT-01": "#,##0", "OUT-06": "0.0%", "OUT-03": "#,##0.0,,", "PQ-01": "0.0%",
               "FIN-01": "0.0%"}
    table_sheets = [name for name in wb.sheetnames if name.startswith("Table 1")]
    check(len(table_sheets) >= 2, f"Table 1 sheets {table_sheets}")
    found = set()
    for name in table_sheets:
        ws = wb[name]
        header = [c.value for c in ws[3]]
        check(header[:2] == ["Region", "Institutions"], f"{name} header {header}")
        check(ws.freeze_panes == "A4", f"{name} freeze panes {ws.freeze_panes}")
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
                    check(cell.value == "..",
                          f"{indicator} {scope}: expected '..', got {cell.value!r}")
                    continue
                check(isinstance(cell.value, (int, float)),
                      f"{indicator} {scope}: expected a number, got {cell.value!r}")
                if isinstance(cell.value, (int, float)):
                    check(math.isclose(cell.value, ref["value"], rel_tol=1e-9),
                          f"{indicator} {scope}: {cell.value} != reference {ref['value']}")
                check(cell.number_format == formats[indicator],
                      f"{indicator}: number format {cell.number_format!r}")
            rows_checked += 1
        check(rows_checked == 6, f"{name} has {rows_checked} scope rows, expected 6")
    check(found == set(columns), f"indicators found in the Table 1 sheets: {sorted(found)}")

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

    # Targets: the status word in every row, on the fill of its status (the same computation as
    # the PDF's status cells and the results file's "status").
    ws = wb["Targets"]
    header = [c.value for c in ws[3]]
    status_col = header.index("Status")
    fills = {"on track": "FFCCEBE2", "at risk": "FFFCEBC2", "off track": "FFF5D6C2",
             "no data": "FFE6E6E6", "not started": "FFE6E6E6"}
    statuses = 0
    for row in ws.iter_rows(min_row=4):
        cell = row[status_col]
        if row[0].value is None:
            break
        check(cell.value in fills, f"Targets status {cell.value!r}")
        if cell.value in fills:
            colour = cell.fill.fgColor.rgb if cell.fill is not None else None
            check(cell.fill.patternType == "solid" and colour == fills[cell.value],
                  f"Targets status {cell.value!r} fill {cell.fill.patternType} {colour}")
        statuses += 1
    check(statuses >= 5, f"Targets sheet has {statuses} statuses")

    # One native chart per figure sheet; openpyxl does not load charts, so read the parts.
    with zipfile.ZipFile(workbook_path) as archive:
        names = archive.namelist()
        chart_parts = sorted(n for n in names if re.match(r"xl/charts/chart\d+\.xml$", n))
        check(len(chart_parts) == 3, f"expected 3 charts, found {chart_parts}")
        first = archive.read(chart_parts[0]).decode("utf-8") if chart_parts else ""
        check("<c:lineChart>" in first, "chart 1 is a line chart")
        check("'Figure 1'!$B$4:$B$8" in first, "chart 1 series refers to its data sheet")
        # Excel's default for blanks is a gap; libxlsxwriter writes dispBlanksAs only otherwise.
        check("dispBlanksAs" not in first, "missing values are drawn as gaps")

    # The chart data keeps missing values as empty cells (never 0): MENA has no PAR30 in 2020.
    ws = wb["Figure 1"]
    header = [c.value for c in ws[3]]
    mena = header.index("Middle East and North Africa")
    row_2020 = [c.value for c in ws[4]]
    check(row_2020[0] == "2020", f"Figure 1 first category {row_2020[0]!r}")
    check(row_2020[mena] is None, f"MENA 2020 PAR30 should be empty, got {row_2020[mena]!r}")

    if failures:
        for failure in failures:
            print("FAIL:", failure)
        sys.exit(1)
    print(f"check_xlsx: workbook matches the reference ({seen} results, {rows_checked} rows)")


if __name__ == "__main__":
    main()
