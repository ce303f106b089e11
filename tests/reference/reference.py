#!/usr/bin/python3
"""Independent reference computation of sfpgen's indicator results (stdlib only).

Usage: tests/reference/reference.py [--config REPORT.toml] [--statistics headline|all] [DATA.csv]
         > expected.json

  --config      the report configuration (default: templates/gb-progress/report.toml);
                its [indicators], [parameters], [reference] and first [[source]] are used.
  DATA.csv      read this file instead of the source's `path` (same column mapping).
  --statistics  `headline` (default): one entry per (indicator, scope, period), the
                indicator's first statistic, so callers may key on those three;
                `all`: every statistic of every indicator (what compare_results.py checks).

Prints {"results": [...]}, entries {"indicator", "statistic", "scope", "period", "value",
"missing", "n", "p25", "p75", "numerator", "denominator", "unit", "flags", "institutions",
"headline"} ("headline": the statistic is the indicator's first), sorted by
(indicator, statistic, scope, period).

This is the oracle the C++ engine is compared with. It shares no code with it; it reads the
same inputs and implements the rules as written in the documentation:
  docs/data.md        canonical fields (kind, "negative allowed"), how values are read, the
                      validity rules (which values are set aside, and their issue codes);
                      the fields table is parsed from that file.
  docs/indicators.md  formula grammar, period semantics, missing reasons, flags, statistics,
                      groupings; the formulas come from the catalogue of the config.

Rules, as implemented:
  Reading: a cell is missing when empty or equal (case-insensitively, blanks trimmed) to a token
    of the source's `missing` list (default list of docs/config.md). A number is
    [+-]digits[.digits][e[+-]digits]; anything else in a numeric column is "not-a-number".
  Validity (per row, in this order; the value becomes missing, "excluded: <code>"):
    not-a-number; not-a-whole-number (count kinds); negative-value (fields whose "negative
    allowed" is "no"); then par30-above-portfolio, par90-above-par30, par90-above-portfolio,
    women-above-borrowers, rural-above-borrowers, officers-above-personnel (a part above its
    whole; a part already set aside is not compared again). Zero portfolios or borrowers are
    kept. Rows without institution_id or a fiscal year (1900-2200) are rejected; a second row
    with the same (institution_id, fiscal_year) is rejected (the first one is kept).
  Currency: amounts are in the record's `currency` (column, else the source's `currency`, else
    USD); flows (FLOWS below, the list of generator/core/src/fields.cpp is_flow) are divided by
    the period-average rate, stocks by the period-end rate of the fiscal year
    (data/reference/exchange_rates.csv, local units per USD). No rate: the amount is missing,
    "missing-input: exchange rate XOF 2021". Counts and numbers are not converted.
  Periods: every record is a 12-month fiscal year (the sample has no period_start/period_end,
    so no annualisation is done; a config mapping them is refused).
  avg(x): mean of x in this record and in the same institution's record for fiscal_year - 1;
    when that record is absent or x is missing there, x of this record alone with the flag
    "single-balance" ([indicators] single_balance = "missing": "no-previous-period" instead).
    x missing in this record: missing with its reason.
  prev(x): x in the record for fiscal_year - 1; no such record: "no-previous-period".
  Reference series: inflation_rate and gni_per_capita by (country_iso3, fiscal_year); absent:
    "missing-input: inflation_rate" / "missing-input: gni_per_capita".
  Missing propagation: operands are evaluated left to right; the first missing one gives the
    reason; x / 0 is "zero-denominator". A record's reason for a "ratio" statistic is that of
    the numerator if it is missing, else of the denominator.
  Flags: "converted" (an amount of a record not in USD was used), "single-balance" (avg()
    used the closing balance alone), and the issue code of a value kept with a warning
    (zero-denominator: a zero portfolio or borrower count; stale-figure) when that value is
    used; per statistic, the number of contributing records carrying each.
  Statistics over the records of a scope and year:
    sum     sum of the values present; n = their number
    ratio   sum(numerator) / sum(denominator) over records with both present (a zero
            denominator of one record is kept: it adds 0); zero total: "zero-denominator"
    median  median, p25, p75 of the values present (type 7 = Excel PERCENTILE.INC);
            "suppressed" when 0 < n < min_n ([indicators] min_n, default 3)
    bwm     sum(w * v) / sum(w) over records with v present and weight w present and > 0
            (weight: the indicator's `weight`, default active_borrowers)
    trimmed-mean  mean after dropping floor(n * trim) values at each end; "suppressed" if n < min_n
    n == 0: "no-data" when the scope has no record for the year, else the most frequent
    record-level reason (ties: alphabetical).
  Scopes: for each grouping of [indicators] group_by (a string or a list; "+" combines
    dimensions): "<dimension>:<value>" for every value present (text fields, "peer:<name>"
    bands of a [[peer_group]], "custom:<name>" of a [[grouping]]), plus "all" once. Records
    without a value for a grouping count in "all" only. Periods: first_year..last_year.
"""

import csv
import json
import math
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_CONFIG = os.path.join(ROOT, "templates", "gb-progress", "report.toml")
DATA_DOC = os.path.join(ROOT, "docs", "data.md")

DEFAULT_MISSING = ["NA", "N/A", "..", "-", "-Inf", "Inf", "NaN", "NULL", "#N/A",
                   "(1000.0, 1000.0)"]

# Flows: converted at the period-average rate (generator/core/src/fields.cpp, is_flow).
FLOWS = {
    "write_offs", "recoveries", "loans_disbursed_n", "loans_disbursed_value", "fin_revenue",
    "portfolio_interest_fee_income", "fin_expense", "fin_expense_funding",
    "fin_expense_concessional", "impairment_expense", "opex", "net_operating_income", "taxes",
    "donations", "inkind_subsidy", "new_clients",
}

# Cross-field rules of docs/data.md, in order: (code, part, whole).
PART_RULES = [
    ("par30-above-portfolio", "par30_balance", "gross_loan_portfolio"),
    ("par90-above-par30", "par90_balance", "par30_balance"),
    ("par90-above-portfolio", "par90_balance", "gross_loan_portfolio"),
    ("women-above-borrowers", "active_borrowers_women", "active_borrowers"),
    ("rural-above-borrowers", "active_borrowers_rural", "active_borrowers"),
    ("officers-above-personnel", "loan_officers", "personnel"),
]

REFERENCE_SERIES = {"inflation_rate", "gni_per_capita"}

NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

VERBOSE = True


def warn(msg):
    if VERBOSE:
        print("reference: " + msg, file=sys.stderr)


class OracleError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Canonical fields, from the table of docs/data.md

def read_field_table(path=DATA_DOC):
    """field -> (kind, negative_allowed) for institution-year fields."""
    fields = {}
    in_table = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## Canonical fields"):
                in_table = True
                continue
            if in_table and line.startswith("## "):
                break
            if not in_table or not line.startswith("| `"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            name = cells[0].strip("`")
            kind, records, negative = cells[1], cells[2], cells[3]
            if records in ("institution-year", "both"):
                fields[name] = (kind, negative == "yes")
    if not fields:
        raise OracleError("no canonical field table in %s" % path)
    return fields


# ---------------------------------------------------------------------------------------------
# Formulas: tokenizer and recursive-descent parser for the grammar of docs/indicators.md
#   expr     := additive [ ("<" | "<=" | ">" | ">=" | "==" | "!=") additive ]
#   additive := term { ("+" | "-") term }
#   term     := unary { ("*" | "/") unary }
#   unary    := "-" unary | primary
#   primary  := number | name | indicator-id | name "(" expr { "," expr } ")" | "(" expr ")"

TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)
  | (?P<id>[A-Z][A-Z0-9]*-[0-9]+)
  | (?P<name>[a-z_][a-z0-9_]*)
  | (?P<op><=|>=|==|!=|[-+*/(),<>])
""", re.VERBOSE)

FUNCTIONS = {"avg": 1, "prev": 1, "min": 2, "max": 2, "abs": 1, "if": 3}


def tokenize(text):
    tokens = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise OracleError("formula %r: unexpected character at %d" % (text, pos + 1))
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        tokens.append((kind, m.group(kind)))
    tokens.append(("end", ""))
    return tokens


class Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self):
        return self.tokens[self.i]

    def take(self, value=None):
        tok = self.tokens[self.i]
        if value is not None and tok[1] != value:
            raise OracleError("formula %r: expected %r, found %r" % (self.text, value, tok[1]))
        self.i += 1
        return tok

    def parse(self):
        node = self.expr()
        if self.peek()[0] != "end":
            raise OracleError("formula %r: unexpected %r" % (self.text, self.peek()[1]))
        return node

    def expr(self):
        left = self.additive()
        if self.peek()[1] in ("<", "<=", ">", ">=", "==", "!="):
            op = self.take()[1]
            return ("cmp", op, left, self.additive())
        return left

    def additive(self):
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = ("bin", op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = ("bin", op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "number":
            return ("num", float(value))
        if kind == "id":
            return ("ind", value)
        if kind == "name":
            if self.peek()[1] == "(":
                self.take("(")
                args = [self.expr()]
                while self.peek()[1] == ",":
                    self.take(",")
                    args.append(self.expr())
                self.take(")")
                if value not in FUNCTIONS or FUNCTIONS[value] != len(args):
                    raise OracleError("formula %r: bad call %s/%d" % (self.text, value,
                                                                         len(args)))
                return ("call", value, args)
            return ("name", value)
        if value == "(":
            node = self.expr()
            self.take(")")
            return node
        raise OracleError("formula %r: unexpected %r" % (self.text, value))


def parse_formula(text):
    return Parser(text).parse()


# ---------------------------------------------------------------------------------------------
# Values: a number, or missing with a reason; flags travel with them.

class Val:
    __slots__ = ("v", "why", "flags")

    def __init__(self, v=None, why=None, flags=frozenset()):
        self.v = v
        self.why = why
        self.flags = flags

    @property
    def ok(self):
        return self.why is None


def missing(why, flags=frozenset()):
    return Val(None, why, flags)


# ---------------------------------------------------------------------------------------------
# Reading the configuration, the catalogue, the reference tables and the data

def load_toml(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def resolve(base_file, path):
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(base_file)), path))


class Catalogue:
    def __init__(self):
        self.indicators = {}   # id -> dict (formula AST in "ast")
        self.derived = {}      # name -> AST
        self.peer_groups = {}  # name -> dict
        self.parameters = {}

    def extend(self, doc):
        self.parameters.update(doc.get("parameters", {}))
        for d in doc.get("derived", []):
            self.derived[d["name"]] = parse_formula(d["formula"])
        for ind in doc.get("indicator", []):
            entry = dict(ind)
            entry["ast"] = parse_formula(ind["formula"])
            agg = ind.get("aggregate", ["ratio"])
            entry["statistics"] = [agg] if isinstance(agg, str) else list(agg)
            self.indicators[ind["id"]] = entry
        for p in doc.get("peer_group", []):
            entry = dict(p)
            entry["ast"] = parse_formula(p["value"])
            self.peer_groups[p["name"]] = entry


def load_rates(path):
    rates = {}
    if not path:
        return rates
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            rates[(row["currency"].strip(), int(row["year"]))] = (float(row["average"]),
                                                                  float(row["end"]))
    return rates


def load_series(path, column):
    out = {}
    if not path:
        return out
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            out[(row["iso3"].strip(), int(row["year"]))] = float(row[column])
    return out


def load_country_regions(path):
    regions = {}
    if not path:
        return regions
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            regions[row["iso3"]] = row["wb_region"]
    return regions


class Record:
    __slots__ = ("inst", "year", "text", "num", "why", "kept", "row")

    def __init__(self):
        self.text = {}
        self.num = {}   # field -> float (as read, in the record's currency)
        self.why = {}   # field -> issue code of a value set aside
        self.kept = {}  # field -> issue codes of a value kept with a warning (flags)
        self.row = 0


def parse_cell_number(text):
    t = text.strip()
    if not NUMBER_RE.match(t):
        return None
    v = float(t)
    return v if math.isfinite(v) else None


def load_records(config_path, config, fields, data_path=None, countries=None):
    sources = config.get("source", [])
    if not sources:
        raise OracleError("%s has no [[source]]" % config_path)
    if data_path is not None and len(sources) != 1:
        raise OracleError("DATA.csv given but the configuration has %d sources"
                             % len(sources))
    records = []
    seen = set()
    for source in sources:
        if source.get("format", "csv") != "csv":
            raise OracleError("only csv sources are supported")
        if source.get("record", "institution-year") != "institution-year":
            raise OracleError("only institution-year sources are supported")
        path = data_path if data_path is not None else resolve(config_path, source["path"])
        tokens = {t.strip().lower() for t in source.get("missing", DEFAULT_MISSING)}
        tokens.add("")
        decimal = source.get("decimal", ".")
        thousands = source.get("thousands", "")
        mapping = {}
        for field, spec in source.get("columns", {}).items():
            if isinstance(spec, str):
                spec = {"column": spec}
            mapping[field] = spec
        for unsupported in ("period_start", "period_end"):
            if unsupported in mapping:
                raise OracleError("%s: %s is not supported by the reference" %
                                     (config_path, unsupported))
        delimiter = source.get("delimiter", ",")
        encoding = {"utf-8": "utf-8-sig", "latin-1": "latin-1",
                    "windows-1252": "cp1252"}.get(source.get("encoding", "utf-8"), "utf-8-sig")
        with open(path, encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            header = [h.strip() for h in next(reader)]
            index = {}
            for field, spec in mapping.items():
                if spec["column"] not in header:
                    raise OracleError("%s: no column %r" % (path, spec["column"]))
                index[field] = header.index(spec["column"])
            for row_no, raw in enumerate(reader, start=2):
                if len(raw) != len(header):
                    warn("row %d: field count, row rejected" % row_no)
                    continue
                rec = Record()
                rec.row = row_no

                def cell(field):
                    t = raw[index[field]].strip()
                    return None if t.lower() in tokens else t

                inst = cell("institution_id") if "institution_id" in index else None
                year_text = cell("fiscal_year") if "fiscal_year" in index else None
                year = parse_cell_number(year_text) if year_text is not None else None
                if inst is None or year is None or year != int(year) or \
                        not 1900 <= year <= 2200:
                    warn("row %d: no institution or fiscal year, row rejected" % row_no)
                    continue
                if re.fullmatch(r"\d+\.0+", inst):
                    inst = inst.split(".")[0]
                rec.inst, rec.year = inst, int(year)
                for field, spec in mapping.items():
                    if field in ("institution_id", "fiscal_year"):
                        continue
                    kind = fields.get(field, ("text", True))[0]
                    text = cell(field)
                    if kind in ("text", "date", "year"):
                        if text is not None:
                            rec.text[field] = text
                        continue
                    if text is None:
                        continue
                    if thousands:
                        text = text.replace(thousands, "")
                    if decimal != ".":
                        text = text.replace(decimal, ".")
                    v = parse_cell_number(text)
                    if v is None:
                        rec.why[field] = "not-a-number"
                        continue
                    v *= spec.get("scale", 1)
                    if spec.get("unit") == "percent":
                        v /= 100.0
                    if kind == "count" and v != math.floor(v):
                        rec.why[field] = "not-a-whole-number"
                        continue
                    if "of" in spec:
                        # resolved below, once the whole is known
                        rec.num[field] = ("of", v, spec["of"])
                        continue
                    if not fields[field][1] and v < 0:
                        rec.why[field] = "negative-value"
                        continue
                    rec.num[field] = v
                for field, v in list(rec.num.items()):
                    if isinstance(v, tuple):
                        _, frac, whole = v
                        del rec.num[field]
                        if frac < 0 or frac > 1:
                            rec.why[field] = "fraction-out-of-range"
                        elif whole in rec.num and not isinstance(rec.num[whole], tuple):
                            rec.num[field] = frac * rec.num[whole]
                for code, part, whole in PART_RULES:
                    if part in rec.num and whole in rec.num and rec.num[part] > rec.num[whole]:
                        del rec.num[part]
                        rec.why[part] = code
                if "region" not in rec.text and countries and \
                        rec.text.get("country_iso3") in countries:
                    if countries[rec.text["country_iso3"]]:
                        rec.text["region"] = countries[rec.text["country_iso3"]]
                if "currency" not in rec.text and source.get("currency"):
                    rec.text["currency"] = source["currency"]
                key = (rec.inst, rec.year)
                if key in seen:
                    warn("row %d: duplicate %s %d, row rejected" % (row_no, rec.inst, rec.year))
                    continue
                seen.add(key)
                rec.text["institution_id"] = rec.inst
                for field in ("gross_loan_portfolio", "active_borrowers"):
                    if rec.num.get(field) == 0:
                        rec.kept.setdefault(field, set()).add("zero-denominator")
                records.append(rec)
    flag_stale_figures(records)
    return records


def flag_stale_figures(records):
    """stale-figure (docs/data.md): the same borrower count as the year before (consecutive
    years) while the portfolio moved by more than 5%; the count is kept and flagged."""
    by_key = {(r.inst, r.year): r for r in records}
    for rec in records:
        prev = by_key.get((rec.inst, rec.year - 1))
        if prev is None:
            continue
        b0, b1 = prev.num.get("active_borrowers"), rec.num.get("active_borrowers")
        p0, p1 = prev.num.get("gross_loan_portfolio"), rec.num.get("gross_loan_portfolio")
        if None in (b0, b1, p0, p1):
            continue
        if b0 == b1 and b0 > 0 and p0 > 0 and abs(p1 / p0 - 1.0) > 0.05:
            rec.kept.setdefault("active_borrowers", set()).add("stale-figure")


# ---------------------------------------------------------------------------------------------
# Evaluation of formulas on records

class Engine:
    def __init__(self, records, catalogue, fields, rates, gni, inflation, parameters,
                 single_balance):
        self.records = records
        self.catalogue = catalogue
        self.fields = fields
        self.rates = rates
        self.gni = gni
        self.inflation = inflation
        self.parameters = parameters
        self.single_balance = single_balance
        self.by_key = {(r.inst, r.year): r for r in records}
        self.memo = {}

    def previous(self, rec):
        return self.by_key.get((rec.inst, rec.year - 1))

    def field(self, name, rec):
        kind, _ = self.fields[name]
        if name in rec.why:
            return missing("excluded: " + rec.why[name])
        if name not in rec.num:
            return missing("missing-input: " + name)
        v = rec.num[name]
        flags = frozenset(rec.kept.get(name, ()))
        if kind != "amount":
            return Val(v, None, flags)
        currency = rec.text.get("currency", "USD")
        if currency == "USD":
            return Val(v, None, flags)
        rate = self.rates.get((currency, rec.year))
        if rate is None:
            return missing("missing-input: exchange rate %s %d" % (currency, rec.year))
        return Val(v / (rate[0] if name in FLOWS else rate[1]), None, flags | {"converted"})

    def name(self, name, rec):
        if name in self.fields and self.fields[name][0] in ("amount", "count", "number"):
            return self.field(name, rec)
        if name in REFERENCE_SERIES:
            table = self.inflation if name == "inflation_rate" else self.gni
            v = table.get((rec.text.get("country_iso3"), rec.year))
            return Val(v) if v is not None else missing("missing-input: " + name)
        if name in self.catalogue.derived:
            return self.eval(self.catalogue.derived[name], rec)
        if name in self.parameters:
            return Val(float(self.parameters[name]))
        if name == "months":
            return Val(12.0)
        if name == "fiscal_year":
            return Val(float(rec.year))
        raise OracleError("unknown name %r" % name)

    def indicator(self, ind_id, rec):
        key = (ind_id, id(rec))
        if key not in self.memo:
            self.memo[key] = self.eval(self.catalogue.indicators[ind_id]["ast"], rec)
        return self.memo[key]

    def eval(self, node, rec):
        kind = node[0]
        if kind == "num":
            return Val(node[1])
        if kind == "name":
            return self.name(node[1], rec)
        if kind == "ind":
            return self.indicator(node[1], rec)
        if kind == "neg":
            x = self.eval(node[1], rec)
            return Val(-x.v, None, x.flags) if x.ok else x
        if kind == "bin" or kind == "cmp":
            op = node[1]
            a = self.eval(node[2], rec)
            if not a.ok:
                return a
            b = self.eval(node[3], rec)
            if not b.ok:
                return b
            flags = a.flags | b.flags
            if kind == "cmp":
                result = {"<": a.v < b.v, "<=": a.v <= b.v, ">": a.v > b.v, ">=": a.v >= b.v,
                          "==": a.v == b.v, "!=": a.v != b.v}[op]
                return Val(result, None, flags)
            if op == "+":
                return Val(a.v + b.v, None, flags)
            if op == "-":
                return Val(a.v - b.v, None, flags)
            if op == "*":
                return Val(a.v * b.v, None, flags)
            if b.v == 0:
                return missing("zero-denominator", flags)
            return Val(a.v / b.v, None, flags)
        if kind == "call":
            fn, args = node[1], node[2]
            if fn == "avg":
                closing = self.eval(args[0], rec)
                if not closing.ok:
                    return closing
                prev = self.previous(rec)
                opening = self.eval(args[0], prev) if prev is not None else None
                if opening is None or not opening.ok:
                    if self.single_balance == "missing":
                        return missing("no-previous-period", closing.flags)
                    return Val(closing.v, None, closing.flags | {"single-balance"})
                return Val((opening.v + closing.v) / 2.0, None, closing.flags | opening.flags)
            if fn == "prev":
                prev = self.previous(rec)
                if prev is None:
                    return missing("no-previous-period")
                return self.eval(args[0], prev)
            if fn == "if":
                cond = self.eval(args[0], rec)
                if not cond.ok:
                    return cond
                chosen = self.eval(args[1] if cond.v else args[2], rec)
                return Val(chosen.v, chosen.why, chosen.flags | cond.flags)
            values = []
            flags = frozenset()
            for arg in args:
                x = self.eval(arg, rec)
                if not x.ok:
                    return x
                values.append(x.v)
                flags = flags | x.flags
            if fn == "min":
                return Val(min(values), None, flags)
            if fn == "max":
                return Val(max(values), None, flags)
            if fn == "abs":
                return Val(abs(values[0]), None, flags)
        raise OracleError("cannot evaluate %r" % (node,))

    def ratio_parts(self, ind_id, rec):
        """(numerator, denominator) of a ratio formula at `rec`."""
        ast = self.catalogue.indicators[ind_id]["ast"]
        if ast[0] != "bin" or ast[1] != "/":
            raise OracleError("%s: a ratio statistic needs numerator / denominator" % ind_id)
        return self.eval(ast[2], rec), self.eval(ast[3], rec)


# ---------------------------------------------------------------------------------------------
# Groupings, scopes and statistics

def peer_label(engine, group, rec):
    value = engine.eval(group["ast"], rec)
    if not value.ok:
        return ""
    bands = group["bands"]
    below = [b["below"] for b in bands if "below" in b]
    if group.get("by"):
        thresholds = group.get("thresholds", {})
        by_value = rec.text.get(group["by"], "")
        if by_value in thresholds:
            below = list(thresholds[by_value])
    band = 0
    while band < len(below) and value.v >= below[band]:
        band += 1
    return bands[min(band, len(bands) - 1)]["label"]


def dimension_value(engine, config, dimension, rec):
    if dimension.startswith("peer:"):
        return peer_label(engine, engine.catalogue.peer_groups[dimension[5:]], rec)
    if dimension.startswith("custom:"):
        name = dimension[7:]
        for g in config.get("grouping", []):
            if g["name"] == name:
                of = rec.text.get(g.get("of", "institution_id"), "")
                return g.get("map", {}).get(of, g.get("otherwise", ""))
        raise OracleError("unknown grouping %r" % dimension)
    return rec.text.get(dimension, "")


# Grouping names of docs/indicators.md and the fields they group by; `country_iso3` (the
# spelling of docs/config.md) is the grouping `country`.
DIMENSION_FIELDS = {"country": "country_iso3", "institution": "institution_id"}
DIMENSION_ALIASES = {"country_iso3": "country", "institution_id": "institution"}


def scope_key(engine, config, grouping, rec):
    parts = []
    for dimension in grouping.split("+"):
        dimension = DIMENSION_ALIASES.get(dimension, dimension)
        value = dimension_value(engine, config, DIMENSION_FIELDS.get(dimension, dimension), rec)
        if not value:
            return None
        parts.append(dimension + ":" + value)
    return "+".join(parts)


def quantile(sorted_values, q):
    n = len(sorted_values)
    pos = (n - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, n - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def most_frequent(reasons):
    counts = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def count_flags(used):
    flags = {}
    for _, val in used:
        for flag in val.flags:
            flags[flag] = flags.get(flag, 0) + 1
    return dict(sorted(flags.items()))


def aggregate(engine, ind_id, statistic, recs, min_n):
    ind = engine.catalogue.indicators[ind_id]
    out = {"value": None, "missing": None, "n": 0, "p25": None, "p75": None,
           "numerator": None, "denominator": None, "flags": {}, "institutions": []}
    if not recs:
        out["missing"] = "no-data"
        return out
    reasons = []
    used = []  # (record, Val) of contributing records
    if statistic == "ratio":
        num_sum = den_sum = 0.0
        nums, dens = [], []
        for rec in recs:
            num, den = engine.ratio_parts(ind_id, rec)
            if not num.ok or not den.ok:
                reasons.append(num.why if not num.ok else den.why)
                continue
            nums.append(num.v)
            dens.append(den.v)
            used.append((rec, Val(0, None, num.flags | den.flags)))
        out["n"] = len(used)
        if used:
            num_sum, den_sum = math.fsum(nums), math.fsum(dens)
            out["numerator"], out["denominator"] = num_sum, den_sum
            if den_sum == 0:
                out["missing"] = "zero-denominator"
            else:
                out["value"] = num_sum / den_sum
    else:
        weights = []
        for rec in recs:
            val = engine.indicator(ind_id, rec)
            if not val.ok:
                reasons.append(val.why)
                continue
            if statistic == "bwm":
                w = engine.name(ind.get("weight", "active_borrowers"), rec)
                if not w.ok:
                    reasons.append(w.why)
                    continue
                if w.v <= 0:
                    continue
                weights.append(w.v)
            used.append((rec, val))
        out["n"] = len(used)
        values = [val.v for _, val in used]
        if used:
            if statistic == "sum":
                out["value"] = math.fsum(values)
            elif statistic == "bwm":
                out["value"] = math.fsum(w * v for w, v in zip(weights, values)) / \
                    math.fsum(weights)
            elif statistic == "median":
                if len(values) < min_n:
                    out["missing"] = "suppressed"
                else:
                    s = sorted(values)
                    out["value"] = quantile(s, 0.5)
                    out["p25"] = quantile(s, 0.25)
                    out["p75"] = quantile(s, 0.75)
            elif statistic == "trimmed-mean":
                if len(values) < min_n:
                    out["missing"] = "suppressed"
                else:
                    s = sorted(values)
                    k = int(math.floor(len(s) * float(ind.get("trim", 0.1))))
                    kept = s[k:len(s) - k]
                    out["value"] = math.fsum(kept) / len(kept)
            else:
                raise OracleError("%s: unknown statistic %r" % (ind_id, statistic))
        elif statistic == "bwm" and not reasons:
            reasons.append("zero-denominator")
    if out["n"] == 0:
        out["missing"] = most_frequent(reasons) if reasons else "zero-denominator"
        out["value"] = None
    out["flags"] = count_flags(used)
    out["institutions"] = sorted({rec.inst for rec, _ in used})
    if out["value"] is not None and ind.get("unit") == "count" and statistic == "sum" and \
            out["value"] == int(out["value"]):
        out["value"] = int(out["value"])
    return out


def compute(config_path=DEFAULT_CONFIG, data_path=None, statistics="all"):
    config = load_toml(config_path)
    indicators_cfg = config.get("indicators", {})
    fields = read_field_table()
    catalogue = Catalogue()
    catalogue.extend(load_toml(resolve(config_path, indicators_cfg["catalogue"])))
    catalogue.extend(config)  # a report's own [[indicator]], [[derived]], [parameters]
    parameters = dict(catalogue.parameters)
    reference = config.get("reference", {})

    def ref_path(key):
        return resolve(config_path, reference[key]) if key in reference else None

    countries = load_country_regions(ref_path("countries"))
    records = load_records(config_path, config, fields, data_path, countries)
    engine = Engine(records, catalogue, fields,
                    load_rates(ref_path("exchange_rates")),
                    load_series(ref_path("gni_per_capita"), "gni_per_capita_usd"),
                    load_series(ref_path("inflation"), "inflation"),
                    parameters, indicators_cfg.get("single_balance", "flag"))

    show = indicators_cfg.get("show") or sorted(catalogue.indicators)
    group_by = indicators_cfg.get("group_by", "region")
    groupings = [group_by] if isinstance(group_by, str) else list(group_by)
    min_n = int(indicators_cfg.get("min_n", 3))
    years = [r.year for r in records]
    first = indicators_cfg.get("first_year") or min(years)
    last = indicators_cfg.get("last_year") or max(years)
    periods = list(range(first, last + 1))

    scopes = {"all": records}
    for grouping in groupings:
        for rec in records:
            key = scope_key(engine, config, grouping, rec)
            if key is not None:
                scopes.setdefault(key, []).append(rec)

    results = []
    for ind_id in show:
        ind = catalogue.indicators[ind_id]
        stats = ind["statistics"] if statistics == "all" else ind["statistics"][:1]
        for statistic in stats:
            for scope, scope_recs in scopes.items():
                for period in periods:
                    recs = [r for r in scope_recs if r.year == period]
                    entry = {"indicator": ind_id, "statistic": statistic, "scope": scope,
                             "period": period}
                    entry.update(aggregate(engine, ind_id, statistic, recs, min_n))
                    entry["unit"] = ind.get("unit", "fraction")
                    entry["headline"] = statistic == ind["statistics"][0]
                    results.append(entry)
    results.sort(key=lambda e: (e["indicator"], e["statistic"], e["scope"], e["period"]))
    return {"results": results}


def main(argv):
    config_path = DEFAULT_CONFIG
    statistics = "headline"
    data_path = None
    args = list(argv[1:])
    while args:
        a = args.pop(0)
        if a == "--config" and args:
            config_path = args.pop(0)
        elif a == "--statistics" and args and args[0] in ("headline", "all"):
            statistics = args.pop(0)
        elif a.startswith("-") or data_path is not None:
            print("usage: reference.py [--config REPORT.toml] [--statistics headline|all] "
                  "[DATA.csv]", file=sys.stderr)
            return 2
        else:
            data_path = a
    try:
        doc = compute(config_path, data_path, statistics)
    except (OracleError, OSError, KeyError, tomllib.TOMLDecodeError) as e:
        print("reference: %s" % e, file=sys.stderr)
        return 2
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
