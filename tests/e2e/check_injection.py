#!/usr/bin/python3
"""Checks that text from data that looks like a formula stays text in a workbook.

usage: check_injection.py WORKBOOK TEXT...

Reads the sheet XML itself (not openpyxl's view of it). For each TEXT (e.g. '=HYPERLINK(...)',
'+1+1', '-2', '@SUM(A1)'):
- at least one cell's text is it or starts with it (a list of names may start with it), and
  every cell whose text contains it is a string cell (t="s" shared string or t="inlineStr")
  with no <f>;
- no formula (<f>) is it (with or without its leading = + - @, as a writer that took it for a
  formula would store it), and no formula has it as code, outside a quoted string literal: a
  SUMIFS criterion "=+1+1" that selects the records of a region named "+1+1" is data, the same
  text as code would run (checked for texts of 4 characters or more: "2" is in every formula).
"""
import html
import re
import sys
import zipfile

CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
FORMULA = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.DOTALL)
STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def sheet_titles(archive):
    """[(worksheet part, sheet title)] in workbook order."""
    book = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'Id="([^"]+)"', rel).group(1)
        target = re.search(r'Target="([^"]+)"', rel).group(1).lstrip("/")
        targets[rid] = target if target.startswith("xl/") else "xl/" + target
    return [(targets[re.search(r'r:id="([^"]+)"', s).group(1)],
             html.unescape(re.search(r'name="([^"]*)"', s).group(1)))
            for s in re.findall(r"<sheet\b[^>]*>", book)]


def text_of(fragment):
    """The text of <t> runs in a <si> or <is> element, unescaped."""
    return "".join(html.unescape(t) for t in re.findall(r"<t\b[^>]*>(.*?)</t>", fragment,
                                                         re.DOTALL))


def shared_strings(archive):
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    xml = archive.read("xl/sharedStrings.xml").decode("utf-8")
    return [text_of(si) for si in re.findall(r"<si>(.*?)</si>", xml, re.DOTALL)]


def cell_type(attributes):
    found = re.search(r'\bt="([^"]*)"', attributes)
    return found.group(1) if found else "n"


def cell_text(attributes, content, strings):
    """The text a cell displays when it is a string cell or a formula's string result."""
    kind = cell_type(attributes)
    if kind == "s":
        return strings[int(re.search(r"<v>(\d+)</v>", content).group(1))]
    if kind == "inlineStr":
        return text_of(content)
    if kind == "str":
        value = re.search(r"<v>(.*?)</v>", content, re.DOTALL)
        return html.unescape(value.group(1)) if value else ""
    return None


def code_of(formula):
    """A formula without its string literals: what a spreadsheet would evaluate as code."""
    return STRING_LITERAL.sub('""', formula)


def forms(text):
    """How a formula cell would store `text` if it had been taken for a formula."""
    return {text, text.lstrip("="), text[1:] if text[:1] in "=+-@" else text}


def check_formula(where, formula, texts):
    code = code_of(formula)
    for text in texts:
        for form in forms(text):
            check(formula != form, f"{where}: {text!r} was written as the formula {formula!r}")
            if len(form) >= 4:
                check(code_of(form) not in code, f"{where}: {text!r} is code in {formula!r}")


def main():
    workbook, texts = sys.argv[1], sys.argv[2:]
    found = {text: [] for text in texts}
    formulas = 0
    with zipfile.ZipFile(workbook) as archive:
        strings = shared_strings(archive)
        for part, title in sheet_titles(archive):
            xml = archive.read(part).decode("utf-8")
            for attributes, content in CELL.findall(xml):
                ref = re.search(r'\br="([A-Z]+\d+)"', attributes).group(1)
                formula = FORMULA.search(content or "")
                if formula:
                    formulas += 1
                    check_formula(f"{title}!{ref}", html.unescape(formula.group(1) or ""), texts)
                shown = cell_text(attributes, content or "", strings)
                for text in texts:
                    if shown is None or text not in shown:
                        continue
                    if shown.startswith(text):
                        found[text].append(f"{title}!{ref}")
                    check(formula is None and cell_type(attributes) in ("s", "inlineStr"),
                          f"{title}!{ref}: {shown!r} is not a plain string cell "
                          f"(t={cell_type(attributes)!r}, formula: {formula is not None})")
    for text, cells in found.items():
        check(len(cells) > 0, f"{text!r} is in no cell of the workbook")
        sheets = sorted({cell.split("!")[0] for cell in cells})
        print(f"{text!r}: {len(cells)} string cells start with it, in {len(sheets)} sheets "
              f"{sheets}")
    print(f"{formulas} formulas checked")
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
