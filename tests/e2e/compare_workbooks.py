#!/usr/bin/env python3
"""Checks that two workbooks hold the same sheets, cells, formulas, stored values and number
formats: used on the sample report written normally and in constant-memory mode
(`sfpgen build --xlsx-streaming`), whose files differ (inline strings, autofilters instead of
Excel tables, no comments) but whose contents must not.

usage: compare_workbooks.py NORMAL.xlsx STREAMING.xlsx
"""
import sys

import openpyxl

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        if len(failures) <= 20:
            print(f"FAIL: {message}")


def cells(path, data_only):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    out = {}
    for ws in wb.worksheets:
        sheet = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    value = cell.value
                    if not isinstance(value, (str, int, float, bool)):
                        value = getattr(value, "text", str(value))  # array formulas
                    sheet[cell.coordinate] = (value, cell.number_format)
        out[ws.title] = sheet
    return [ws.title for ws in wb.worksheets], out


def main():
    normal, streaming = sys.argv[1], sys.argv[2]
    counted = 0
    for data_only in (False, True):
        names_a, a = cells(normal, data_only)
        names_b, b = cells(streaming, data_only)
        check(names_a == names_b, f"sheet names differ: {names_a} != {names_b}")
        for name in names_a:
            if name not in b:
                continue
            check(set(a[name]) == set(b[name]),
                  f"{name}: cells only in one file: "
                  f"{sorted(set(a[name]) ^ set(b[name]))[:10]}")
            for coordinate, value in a[name].items():
                counted += 1
                other = b[name].get(coordinate)
                check(other == value, f"{name}!{coordinate}: {value!r} != {other!r}")
    check(counted > 10000, f"only {counted} cells compared")
    print(f"{counted} cells compared, {len(failures)} differences")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
