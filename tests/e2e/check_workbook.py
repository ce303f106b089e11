#!/usr/bin/python3
"""Reads the sample GB workbook back (openpyxl and the package XML) and checks its layout, its
formulas and their stored values against the results JSON.

usage: check_workbook.py WORKBOOK.xlsx RESULTS.json [--epoch SECONDS]

Every aggregate formula is evaluated here, by a small evaluator of the formula shapes the
writer uses (SUMIFS, MEDIAN(IF()), PERCENTILE(IF()), SUMPRODUCT, IF(OR())) over the Data
sheet's raw values, independently of the writer and of LibreOffice; the value is compared with
the cell's stored value and with the result of the JSON that the Results sheet row (or, for a
table cell, the Results row with the same formula) names.
"""
import argparse
import datetime
import json
import math
import re
import statistics
import sys
import zipfile

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter

failures = []
STATUS_WORDS = {"on track", "at risk", "off track", "no data", "not started"}


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def close(a, b):
    return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(
        a, b, rel_tol=1e-9, abs_tol=1e-12)


# ----- a small evaluator of the writer's formulas -----

TOKEN = re.compile(r"""\s*(?:
    (?P<range>(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)
  | (?P<cell>\$?[A-Z]+\$?\d+)(?![\w(])
  | (?P<number>\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<name>[A-Z][A-Z0-9.]*)(?=\()
  | (?P<op><>|<=|>=|[-+*/=<>(),])
)""", re.VERBOSE)


def tokenize(text):
    tokens, at = [], 0
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None:
            raise ValueError(f"cannot read the formula at {text[at:at + 20]!r}")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        at = match.end()
    return tokens


class Evaluator:
    """Evaluates a formula over the workbook's cached values; ranges are lists."""

    def __init__(self, book, sheet, ranges):
        self.book, self.sheet, self.ranges = book, sheet, ranges

    def run(self, formula):
        self.tokens, self.at = tokenize(formula.lstrip("=")), 0
        value = self.comparison()
        if self.at != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.at]} in {formula}")
        return value

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else (None, None)

    def take(self, expected=None):
        token = self.peek()
        if expected is not None and token[1] != expected:
            raise ValueError(f"expected {expected!r}, found {token!r}")
        self.at += 1
        return token

    def comparison(self):
        left = self.additive()
        while self.peek()[1] in ("=", "<>"):
            op = self.take()[1]
            right = self.additive()
            left = elementwise(left, right, lambda a, b: equal(a, b) == (op == "="))
        return left

    def additive(self):
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            left = elementwise(left, right, (lambda a, b: num(a) + num(b)) if op == "+" else
                               (lambda a, b: num(a) - num(b)))
        return left

    def term(self):
        left = self.factor()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = self.factor()
            left = elementwise(left, right, (lambda a, b: num(a) * num(b)) if op == "*" else
                               divide)
        return left

    def factor(self):
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "range":
            return self.range_values(text)
        if kind == "cell":
            return self.book[self.sheet][text.replace("$", "")].value
        if kind == "name":
            return self.call(text)
        if text == "(":
            value = self.comparison()
            self.take(")")
            return value
        if text == "-":
            return elementwise(self.factor(), 0.0, lambda a, _: -num(a))
        raise ValueError(f"unexpected {text!r}")

    def call(self, name):
        self.take("(")
        args = []
        while self.peek()[1] != ")":
            args.append(self.comparison())
            if self.peek()[1] == ",":
                self.take(",")
        self.take(")")
        return FUNCTIONS[name](*args)

    def range_values(self, text):
        if text not in self.ranges:
            self.ranges[text] = self.read_range(text)
        return self.ranges[text]

    def read_range(self, text):
        sheet, cells = text.rsplit("!", 1)
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        first, last = cells.replace("$", "").split(":")
        c1, r1 = re.match(r"([A-Z]+)(\d+)", first).groups()
        c2, r2 = re.match(r"([A-Z]+)(\d+)", last).groups()
        if c1 != c2:
            raise ValueError(f"a range of several columns: {text}")
        ws = self.book[sheet]
        col = column_index_from_string(c1)
        return [ws.cell(row=r, column=col).value for r in range(int(r1), int(r2) + 1)]


class ExcelError(str):
    """An error value (#DIV/0!): it propagates through arithmetic, and only IF can drop it."""


def divide(a, b):
    return ExcelError("#DIV/0!") if num(b) == 0 else num(a) / num(b)


def num(value):
    if isinstance(value, ExcelError):
        raise ValueError(f"{value} used in arithmetic")
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    raise ValueError(f"#VALUE! from {value!r}")


def equal(a, b):
    if a is None:
        a = "" if isinstance(b, str) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else 0.0
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if isinstance(a, str) or isinstance(b, str):
        return False
    return float(a) == float(b)


def elementwise(a, b, op):
    if isinstance(a, list) and isinstance(b, list):
        return [op(x, y) for x, y in zip(a, b)]
    if isinstance(a, list):
        return [op(x, b) for x in a]
    if isinstance(b, list):
        return [op(a, y) for y in b]
    return op(a, b)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def criterion_matches(value, criterion):
    """A SUMIFS criterion: a number, "<>" (not blank), or "=text" (~ escapes wildcards)."""
    if is_number(criterion):
        return is_number(value) and float(value) == criterion
    if criterion == "<>":
        return value is not None and value != ""
    if criterion.startswith("="):
        text = re.sub(r"~(.)", r"\1", criterion[1:])
        return isinstance(value, str) and value.casefold() == text.casefold()
    raise ValueError(f"criterion {criterion!r} is not one the writer uses")


def sumifs(values, *pairs):
    total = 0.0
    for i, value in enumerate(values):
        if all(criterion_matches(pairs[k][i], pairs[k + 1]) for k in range(0, len(pairs), 2)):
            total += value if is_number(value) else 0.0
    return total


def numbers(values):
    return [v for v in (values if isinstance(values, list) else [values]) if is_number(v)]


def percentile(values, p):
    """Excel's PERCENTILE (PERCENTILE.INC): linear between the closest ranks."""
    data = sorted(numbers(values))
    rank = p * (len(data) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (rank - low) * (data[high] - data[low])


def excel_if(condition, yes, no=False):
    """IF over an array condition picks element by element (FALSE where not picked)."""
    if isinstance(condition, list):
        picks = yes if isinstance(yes, list) else [yes] * len(condition)
        return [y if num(c) else no for c, y in zip(condition, picks)]
    return yes if num(condition) else no


FUNCTIONS = {
    "SUMIFS": sumifs,
    "MEDIAN": lambda values: statistics.median(numbers(values)),
    "PERCENTILE": percentile,
    "IF": excel_if,
    "ISNUMBER": lambda values: elementwise(values, 0.0, lambda v, _: is_number(v)),
    "OR": lambda *args: any(num(a) for a in args),
    "SUMPRODUCT": lambda *arrays: sum(math.prod(num(x) for x in items)
                                      for items in zip(*arrays)),
}


# ----- the checks -----

def cell_texts(ws, row):
    return [c.value for c in ws[row]]


def check_sheets(wb):
    names = wb.sheetnames
    check(names[:2] == ["Cover", "Contents"], f"the first sheets are {names[:2]}")
    check(names[-2:] == ["Results", "Data"], f"the last sheets are {names[-2:]}")
    # Document order: tables and figures are numbered in the order the document has them.
    numbers_seen = {"Table": [], "Figure": []}
    for name in names[2:-2]:
        caption = wb[name]["A1"].value or ""
        found = re.match(r"(Table|Figure) (\d+)\.", caption)
        if found:
            numbers_seen[found.group(1)].append(int(found.group(2)))
    for kind, seen in numbers_seen.items():
        check(seen == list(range(1, len(seen) + 1)),
              f"{kind} numbers in sheet order: {seen}")
    check(len(numbers_seen["Table"]) >= 5 and len(numbers_seen["Figure"]) >= 5,
          f"tables and figures found: {numbers_seen}")


def check_properties(wb, epoch):
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)
    check(wb.properties.created == created,
          f"created {wb.properties.created}, expected {created} (SOURCE_DATE_EPOCH {epoch})")
    check(bool(wb.properties.title) and wb.properties.title == wb["Cover"]["A1"].value,
          f"document title {wb.properties.title!r} is not the cover's")


def check_cover(wb, results):
    ws = wb["Cover"]
    lines = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    years = sorted({r["period"] for r in results})
    check(lines.get("Period") == f"{years[0]}-{years[-1]}",
          f"cover period {lines.get('Period')!r}, results cover {years[0]}-{years[-1]}")
    check(re.match(r"[0-9a-f]{64}\b", lines.get("Fingerprint") or "") is not None,
          f"cover fingerprint {lines.get('Fingerprint')!r}")
    check("institution_years.csv" in (lines.get("Sources") or ""),
          f"cover sources {lines.get('Sources')!r}")
    check(len(lines.get("How to read") or "") > 40, "cover has a 'How to read' line")


def check_contents(wb):
    ws = wb["Contents"]
    links = []
    for row in ws.iter_rows(min_row=4):
        if row[0].value is None:
            break
        link = row[0].hyperlink
        links.append(row[0].value)
        check(link is not None and link.location == f"'{row[0].value}'!A1",
              f"Contents {row[0].coordinate}: link {link.location if link else None!r}")
        if row[0].value in wb.sheetnames:
            caption = wb[row[0].value]["A1"].value or ""
            check(bool(row[1].value) and caption.startswith(row[1].value),
                  f"Contents caption of {row[0].value!r}: {row[1].value!r}")
    check(links == wb.sheetnames[2:], f"Contents lists {links}, the workbook has "
                                      f"{wb.sheetnames[2:]}")


def table_extent(ws):
    """The last row of the data block that starts on row 4 (the first blank row ends it)."""
    last = 3
    for row in ws.iter_rows(min_row=4):
        if all(c.value is None for c in row):
            break
        last = row[0].row
    return last


def check_table_sheet(ws):
    tables = list(ws.tables.values())
    if not check(len(tables) == 1, f"{ws.title}: {len(tables)} Excel tables"):
        return
    table = tables[0]
    header = [v for v in cell_texts(ws, 3) if v is not None]
    last = table_extent(ws)
    expected = f"A3:{get_column_letter(len(header))}{last}"
    check(table.ref == expected, f"{ws.title}: table {table.ref}, expected {expected}")
    check([c.name for c in table.tableColumns] == header,
          f"{ws.title}: table columns {[c.name for c in table.tableColumns]} != row 3 {header}")
    check(table.autoFilter is not None and table.autoFilter.ref == table.ref,
          f"{ws.title}: autofilter")
    check(table.tableStyleInfo is not None and table.tableStyleInfo.showRowStripes,
          f"{ws.title}: banded rows")
    check(ws.freeze_panes == "A4", f"{ws.title}: frozen at {ws.freeze_panes}")


def check_status_formats(ws):
    """Every status word of a 'Status' column has a conditional format on that column that
    matches the word and fills the cell."""
    header = cell_texts(ws, 3)
    if "Status" not in header:
        return 0
    col = get_column_letter(header.index("Status") + 1)
    words = {ws[f"{col}{r}"].value for r in range(4, table_extent(ws) + 1)} - {None}
    if not words & STATUS_WORDS:
        return 0  # not target statuses (the guard rails' "within the threshold" has no colour)
    check(words <= STATUS_WORDS, f"{ws.title}: status words {words}")
    rules = {}
    for cf in ws.conditional_formatting:
        if not any(str(rng).startswith(col) for rng in cf.sqref.ranges):
            continue
        for rule in cf.rules:
            word = (rule.text if rule.type == "containsText" else
                    rule.formula[0].strip('"') if rule.formula else None)
            filled = rule.dxf is not None and rule.dxf.fill is not None
            rules[word] = filled
    for word in words:
        check(rules.get(word), f"{ws.title}: no conditional fill for status {word!r} "
                               f"(rules: {rules})")
    return len(words)


def check_data_sheet(ws):
    header = cell_texts(ws, 3)
    check(header[:3] == ["Institution", "Year", "Source"], f"Data header {header[:3]}")
    check(ws.freeze_panes in ("A4", "B4"), f"Data frozen at {ws.freeze_panes}")
    check(ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A3:"),
          f"Data autofilter {ws.auto_filter.ref}")
    rows = 0
    for row in ws.iter_rows(min_row=4, max_col=3, values_only=True):
        if row[0] is None:
            break
        rows += 1
        check(isinstance(row[1], int) and re.match(r".+\.csv:\d+$", row[2] or ""),
              f"Data row {rows + 3}: year {row[1]!r}, source {row[2]!r}")
    return rows


def check_number_formats(ws, values, units):
    """Number cells show their unit: fractions as percent, counts with thousands separators."""
    for row in ws.iter_rows(min_row=4, max_row=table_extent(ws)):
        for cell in row:
            value = values[ws.title][cell.coordinate].value
            if not is_number(value):
                continue
            unit = units.get((ws.title, cell.coordinate))
            fmt = cell.number_format
            if unit == "fraction":
                check("%" in fmt, f"{ws.title}!{cell.coordinate}: fraction in format {fmt!r}")
            elif unit in ("count", "usd", "number"):
                check("#,##0" in fmt, f"{ws.title}!{cell.coordinate}: {unit} in format {fmt!r}")


class FormulaChecker:
    def __init__(self, formulas, values, results):
        self.formulas, self.values = formulas, values
        self.by_key = {(r["indicator"], r["statistic"], r["scope"], r["period"]): r
                       for r in results}
        self.key_of_formula = {}
        self.units = {}
        self.ranges = {}  # range text -> values, read once
        self.checked = 0

    def value_of(self, sheet, formula):
        try:
            return Evaluator(self.values, sheet, self.ranges).run(formula)
        except (ValueError, ZeroDivisionError, statistics.StatisticsError, IndexError) as e:
            return f"error: {e}"

    def compare(self, where, formula, stored, expected):
        computed = self.value_of(where.split("!")[0], formula)
        check(close(computed, stored), f"{where}: {formula[:90]}... evaluates to {computed!r}, "
                                       f"the workbook stores {stored!r}")
        check(close(stored, expected), f"{where}: stored {stored!r}, results JSON {expected!r}")
        check("'Data'!" in formula, f"{where}: the formula does not refer to 'Data'!")
        self.checked += 1

    def results_sheet(self):
        ws = self.formulas["Results"]
        header = cell_texts(ws, 3)
        col = {name: i for i, name in enumerate(header)}
        seen = 0
        for row in ws.iter_rows(min_row=4):
            if row[0].value is None:
                break
            key = (row[col["Indicator"]].value, row[col["Statistic"]].value,
                   row[col["Scope"]].value, int(row[col["Period"]].value))
            result = self.by_key.get(key)
            if not check(result is not None, f"Results row {row[0].row}: {key} not in JSON"):
                continue
            seen += 1
            check(row[col["n"]].value == result["n"], f"Results {key}: n")
            for name, field in (("Value", "value"), ("P25", "p25"), ("P75", "p75")):
                cell = row[col[name]]
                where = f"Results!{cell.coordinate}"
                stored = self.values["Results"][cell.coordinate].value
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    self.compare(where, cell.value, stored, result[field])
                    if name == "Value":
                        self.key_of_formula[cell.value] = key
                elif result[field] is None:
                    check(cell.value in (None, ".."), f"{where}: {cell.value!r} for no value")
                else:
                    check(close(cell.value, result[field]),
                          f"{where}: {cell.value!r} != JSON {result[field]!r}")
                if name == "Value":
                    self.units[("Results", cell.coordinate)] = result["unit"]
        check(seen == len(self.by_key), f"Results sheet has {seen} of {len(self.by_key)} results")

    def table_sheet(self, name):
        ws = self.formulas[name]
        for row in ws.iter_rows(min_row=4, max_row=table_extent(ws)):
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                where = f"{name}!{cell.coordinate}"
                key = self.key_of_formula.get(cell.value)
                if not check(key is not None, f"{where}: no Results row has {cell.value}"):
                    continue
                self.check_key(where, cell.value, key)
                result = self.by_key[key]
                self.units[(name, cell.coordinate)] = result["unit"]
                self.compare(where, cell.value, self.values[name][cell.coordinate].value,
                             result["value"])

    def check_key(self, where, formula, key):
        """The year and scope written in the formula are the Results row's."""
        _, statistic, scope, period = key
        check(re.search(rf"\$\d+(?:,|=){period}\b", formula) is not None,
              f"{where}: {period} is not the formula's year")
        if scope == "all":
            return
        label = scope.split(":")[-1].replace('"', '""')
        check(f'"={label}"' in formula or f'="{label}"' in formula,
              f"{where}: the formula does not select {scope!r}")
        shape = {"ratio": r"^=SUMIFS\(.*\)/SUMIFS\(", "sum": r"^=SUMIFS\(",
                 "median": r"^=MEDIAN\(IF\(", "bwm": r"^=SUMPRODUCT\("}[statistic]
        check(re.match(shape, formula) is not None, f"{where}: a {statistic} as {formula[:40]}")

    def data_sheet(self):
        """The per-record ratio columns: =IF(...) with num/den stored (or empty)."""
        ws = self.formulas["Data"]
        count = 0
        for row in ws.iter_rows(min_row=4):
            if row[0].value is None:
                break
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=IF("):
                    stored = self.values["Data"][cell.coordinate].value
                    computed = self.value_of("Data", cell.value)
                    check(close(computed, stored) or (computed == "" and stored is None),
                          f"Data!{cell.coordinate}: {cell.value} gives {computed!r}, "
                          f"stored {stored!r}")
                    count += 1
        return count


def check_charts(path, wb):
    """Each figure sheet has a native chart with alt text whose ranges hold numbers (or the
    note that its kind has no native chart)."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        book = archive.read("xl/workbook.xml").decode()
        parts = {}
        for rid, target in re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels):
            parts[rid] = "xl/" + target.lstrip("/").removeprefix("xl/")
        charts_seen = 0
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', book):
            name = name.replace("&amp;", "&").replace("&apos;", "'")
            if not re.match(r"Figure \d+\.", wb[name]["A1"].value or ""):
                continue
            sheet_part = parts[rid]
            sheet_rels = sheet_part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            drawing = None
            if sheet_rels in names:
                found = re.search(r'Target="\.\./drawings/(drawing\d+\.xml)"',
                                  archive.read(sheet_rels).decode())
                drawing = "xl/drawings/" + found.group(1) if found else None
            if drawing is None:
                note = any("no native Excel equivalent" in str(c.value)
                           for row in wb[name].iter_rows(max_row=3) for c in row)
                check(note, f"{name}: no chart and no note saying why")
                continue
            xml = archive.read(drawing).decode()
            descr = re.findall(r'<xdr:cNvPr [^>]*descr="([^"]*)"', xml)
            check(descr and all(len(d) > 10 for d in descr), f"{name}: chart alt text {descr}")
            drawing_rels = drawing.replace("drawings/", "drawings/_rels/") + ".rels"
            for chart in re.findall(r'Target="\.\./charts/(chart\d+\.xml)"',
                                    archive.read(drawing_rels).decode()):
                charts_seen += 1
                check_chart_ranges(name, archive.read("xl/charts/" + chart).decode(), wb)
        return charts_seen


def check_chart_ranges(name, xml, wb):
    values = re.findall(r"<c:(?:val|yVal)>.*?<c:f>([^<]+)</c:f>", xml, re.DOTALL)
    check(values, f"{name}: chart without series")
    for ref in values:
        found = re.match(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$",
                         ref.replace("&apos;", "'"))
        if not check(found, f"{name}: chart range {ref}"):
            continue
        sheet, c1, r1, c2, r2 = found.groups()
        check(int(r1) <= int(r2) and c1 == c2, f"{name}: chart range {ref}")
        cells = [wb[sheet][f"{c1}{r}"].value for r in range(int(r1), int(r2) + 1)]
        check(any(is_number(v) for v in cells), f"{name}: no number in chart range {ref}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workbook")
    parser.add_argument("results")
    parser.add_argument("--epoch", type=int, default=1767225600)
    args = parser.parse_args()
    results = json.load(open(args.results, encoding="utf-8"))["results"]
    formulas = openpyxl.load_workbook(args.workbook)
    values = openpyxl.load_workbook(args.workbook, data_only=True)

    check_sheets(formulas)
    check_properties(formulas, args.epoch)
    check_cover(formulas, results)
    check_contents(formulas)
    table_sheets = [n for n in formulas.sheetnames[2:-1]
                    if not re.match(r"Figure \d+\.", formulas[n]["A1"].value or "")]
    for name in table_sheets:
        check_table_sheet(formulas[name])
    statuses = sum(check_status_formats(formulas[n]) for n in table_sheets)
    check(statuses >= 3, f"{statuses} status words with conditional formats")
    records = check_data_sheet(formulas["Data"])

    checker = FormulaChecker(formulas, values, results)
    checker.results_sheet()
    for name in table_sheets:
        if name != "Results":
            checker.table_sheet(name)
    for name in table_sheets:
        check_number_formats(formulas[name], values, checker.units)
    data_formulas = checker.data_sheet()
    charts = check_charts(args.workbook, formulas)
    check(charts >= 8, f"{charts} native charts")

    for failure in failures[:60]:
        print("FAIL:", failure)
    if len(failures) > 60:
        print(f"... and {len(failures) - 60} more")
    print(f"check_workbook: {len(formulas.sheetnames)} sheets, {len(table_sheets)} tables, "
          f"{checker.checked} aggregate formulas evaluated, {data_formulas} Data formulas, "
          f"{records} records, {charts} charts, {statuses} status words")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
