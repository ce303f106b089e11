#!/usr/bin/python3
"""Independent reference computation of sfpgen's basic aggregates (stdlib only).

Usage: tests/reference/reference.py DATA.csv  > expected.json

Reads an institution-year CSV with the columns
  mfi_id, mfi_name, country_iso3, region, fiscal_year, currency,
  gross_loan_portfolio_usd, par30_usd, active_borrowers, women_borrowers,
  financial_revenue_usd, financial_expense_usd, impairment_expense_usd,
  operating_expense_usd
and prints {"results": [...]} with one entry per (indicator, scope, period).

Rules, implemented literally (this is the oracle the C++ program is compared with):
  Missing: empty cell, "NA", "..", "n/a" (case-insensitive, surrounding blanks ignored).
    A cell that is not a finite number is also treated as missing (and noted on stderr).
  Invalid (treated as missing for every indicator that uses the value):
    - negative gross_loan_portfolio_usd, par30_usd, active_borrowers, women_borrowers,
      financial_revenue_usd, financial_expense_usd, operating_expense_usd
      (impairment_expense_usd may be negative: provision reversals);
    - par30_usd > gross_loan_portfolio_usd (both present)  -> par30 invalid;
    - women_borrowers > active_borrowers (both present)    -> women invalid.
  Duplicates: a later row with the same (mfi_id, fiscal_year) is dropped; the first is kept.
  Indicators:
    OUT-01 SUM active_borrowers                                             count
    OUT-03 SUM gross_loan_portfolio_usd                                     usd
    OUT-06 RATIO women_borrowers / active_borrowers                         fraction
    PQ-01  RATIO par30_usd / gross_loan_portfolio_usd                       fraction
    FIN-01 RATIO financial_revenue_usd /
                 (financial_expense_usd + impairment_expense_usd + operating_expense_usd)
                                                                            fraction
    A row enters an indicator only if all of the indicator's inputs are present and valid.
  Scopes: "region:<region>" for every region in the file, and "all".
  Periods: every fiscal_year in the file (every scope gets every period).
  n = institutions included; n == 0 -> value null, missing "no-data";
  RATIO with denominator sum 0 -> value null, missing "zero-denominator".
  Output sorted by (indicator, scope, period).
"""

import csv
import json
import math
import sys

MISSING_TOKENS = {"", "na", "..", "n/a"}

NUMERIC_FIELDS = [
    "gross_loan_portfolio_usd", "par30_usd", "active_borrowers", "women_borrowers",
    "financial_revenue_usd", "financial_expense_usd", "impairment_expense_usd",
    "operating_expense_usd",
]
NON_NEGATIVE = [
    "gross_loan_portfolio_usd", "par30_usd", "active_borrowers", "women_borrowers",
    "financial_revenue_usd", "financial_expense_usd", "operating_expense_usd",
]

# id -> (kind, unit, numerator fields, denominator fields)
# For SUM, the numerator is the single summed field and there is no denominator.
INDICATORS = {
    "OUT-01": ("SUM", "count", ["active_borrowers"], []),
    "OUT-03": ("SUM", "usd", ["gross_loan_portfolio_usd"], []),
    "OUT-06": ("RATIO", "fraction", ["women_borrowers"], ["active_borrowers"]),
    "PQ-01": ("RATIO", "fraction", ["par30_usd"], ["gross_loan_portfolio_usd"]),
    "FIN-01": ("RATIO", "fraction", ["financial_revenue_usd"],
               ["financial_expense_usd", "impairment_expense_usd", "operating_expense_usd"]),
}


# Diagnostics (invalid cells, duplicates) go to stderr; compare_results.py turns them off.
VERBOSE = True


def warn(msg):
    if VERBOSE:
        print("reference: " + msg, file=sys.stderr)


def parse_number(text, where):
    """Return a float, or None when the cell is missing or not a finite number."""
    if text is None:
        return None
    t = text.strip()
    if t.lower() in MISSING_TOKENS:
        return None
    try:
        v = float(t)
    except ValueError:
        warn("%s: not a number %r, treated as missing" % (where, text))
        return None
    if not math.isfinite(v):
        warn("%s: non-finite value %r, treated as missing" % (where, text))
        return None
    return v


def parse_year(text):
    if text is None:
        return None
    t = text.strip()
    if t.lower() in MISSING_TOKENS:
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    if not math.isfinite(v) or v != int(v):
        return None
    return int(v)


def load(path):
    """Return validated rows: dicts with mfi_id, region, year and field -> float|None."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing_cols = [c for c in ["mfi_id", "region", "fiscal_year"] + NUMERIC_FIELDS
                        if c not in (reader.fieldnames or [])]
        if missing_cols:
            raise SystemExit("reference: %s lacks columns: %s" % (path, ", ".join(missing_cols)))
        rows = []
        seen = set()
        for line_no, raw in enumerate(reader, start=2):
            mfi_id = (raw.get("mfi_id") or "").strip()
            year = parse_year(raw.get("fiscal_year"))
            if not mfi_id or year is None:
                warn("row %d: no mfi_id or fiscal_year, row skipped" % line_no)
                continue
            key = (mfi_id, year)
            if key in seen:
                warn("row %d: duplicate (%s, %d), later row dropped" % (line_no, mfi_id, year))
                continue
            seen.add(key)
            rec = {"mfi_id": mfi_id, "region": (raw.get("region") or "").strip(), "year": year}
            for fld in NUMERIC_FIELDS:
                rec[fld] = parse_number(raw.get(fld), "row %d %s" % (line_no, fld))
            # Validation on the values as read (comparisons use the raw present values).
            invalid = set()
            for fld in NON_NEGATIVE:
                if rec[fld] is not None and rec[fld] < 0:
                    invalid.add(fld)
            par30, glp = rec["par30_usd"], rec["gross_loan_portfolio_usd"]
            if par30 is not None and glp is not None and par30 > glp:
                invalid.add("par30_usd")
            women, active = rec["women_borrowers"], rec["active_borrowers"]
            if women is not None and active is not None and women > active:
                invalid.add("women_borrowers")
            for fld in sorted(invalid):
                warn("row %d: %s invalid (%r), treated as missing" % (line_no, fld, rec[fld]))
                rec[fld] = None
            rows.append(rec)
    return rows


def aggregate(rows, indicator):
    kind, unit, num_fields, den_fields = INDICATORS[indicator]
    needed = num_fields + den_fields
    used = [r for r in rows if all(r[f] is not None for f in needed)]
    n = len(used)
    if n == 0:
        return None, "no-data", n
    num = math.fsum(r[f] for r in used for f in num_fields)
    if kind == "SUM":
        return num, None, n
    den = math.fsum(r[f] for r in used for f in den_fields)
    if den == 0:
        return None, "zero-denominator", n
    return num / den, None, n


def compute(path):
    rows = load(path)
    regions = sorted({r["region"] for r in rows if r["region"]})
    years = sorted({r["year"] for r in rows})
    scopes = [("all", rows)] + [("region:" + g, [r for r in rows if r["region"] == g])
                                for g in regions]
    results = []
    for indicator in INDICATORS:
        unit = INDICATORS[indicator][1]
        for scope, scope_rows in scopes:
            for year in years:
                value, missing, n = aggregate([r for r in scope_rows if r["year"] == year],
                                              indicator)
                if value is not None and unit == "count" and value == int(value):
                    value = int(value)
                results.append({"indicator": indicator, "scope": scope, "period": year,
                                "value": value, "missing": missing, "n": n, "unit": unit})
    results.sort(key=lambda e: (e["indicator"], e["scope"], e["period"]))
    return {"results": results}


def main():
    if len(sys.argv) != 2:
        print("usage: reference.py DATA.csv", file=sys.stderr)
        return 2
    json.dump(compute(sys.argv[1]), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
