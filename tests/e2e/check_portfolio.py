#!/usr/bin/python3
"""`sfpgen portfolio` on a generated loan file, checked column by column against a plain
recomputation with the csv module (docs/loans.md gives the definitions).

usage: check_portfolio.py SFPGEN SOURCE_DIR WORK_DIR [LOANS]
Generates LOANS loans (default 20000) into WORK_DIR, writes a config reading them (the mapping of
data/sources/generated-loans.toml), runs `sfpgen portfolio` with --jobs 1 and --jobs 2 (same
bytes expected) and compares every cell. Exit 1 with the differences on failure.
"""

import csv
import os
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation


def run(args):
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done


def number(text):
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def expected_rows(loans_csv):
    acc = defaultdict(lambda: defaultdict(Decimal))
    info = {}
    years = []
    with open(loans_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["disbursed_date"]:
            years.append(int(row["disbursed_date"][:4]))
    year = max(years)
    for row in rows:
        inst = row["institution_id"]
        a = acc[inst]
        info.setdefault(inst, (row["country_iso3"], row["currency"]))
        a["loans_used"] += 1
        balance = number(row["outstanding_balance"])
        days = number(row["days_overdue"])
        if balance is not None and balance >= 0:
            a["gross_loan_portfolio"] += balance
            a["loans_outstanding_n"] += 1 if balance > 0 else 0
            if days is not None and days >= 0 and days == days.to_integral_value():
                a["par_base"] += balance
                a["par30_balance"] += balance if days > 30 else 0
                a["par90_balance"] += balance if days > 90 else 0
        if int(row["disbursed_date"][:4]) == year:
            a["loans_disbursed_n"] += 1
            a["loans_disbursed_value"] += Decimal(row["loan_amount"])
        gender = row["borrower_gender"].strip().lower()
        if gender in ("female", "male"):
            a["gender_known_loans"] += 1
            a["women_loans"] += 1 if gender == "female" else 0
        if row["rural"] in ("0", "1"):
            a["rural_known_loans"] += 1
            a["rural_loans"] += int(row["rural"])
    out = {}
    for inst, a in acc.items():
        ratio = lambda top, bottom: (a[top] / a[bottom]) if a[bottom] else None
        out[inst] = {
            "institution_id": inst, "country_iso3": info[inst][0], "currency": info[inst][1],
            "fiscal_year": Decimal(year),
            "par30_ratio": ratio("par30_balance", "par_base"),
            "par90_ratio": ratio("par90_balance", "par_base"),
            "women_share": ratio("women_loans", "gender_known_loans"),
            "rural_share": ratio("rural_loans", "rural_known_loans"),
            **{k: a[k] for k in ("loans_outstanding_n", "gross_loan_portfolio", "par30_balance",
                                 "par90_balance", "loans_disbursed_n", "loans_disbursed_value",
                                 "women_loans", "gender_known_loans", "rural_loans",
                                 "rural_known_loans", "loans_used")},
        }
    return out


def compare(written, expected):
    problems = []
    with open(written, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = [row["institution_id"] for row in rows]
    if ids != sorted(expected):
        problems.append(f"institutions {ids[:5]}... expected {sorted(expected)[:5]}...")
    for row in rows:
        want = expected.get(row["institution_id"], {})
        for column, text in row.items():
            value = want.get(column)
            if isinstance(value, str):
                ok = text == value
            elif value is None:
                ok = text == ""
            elif column.endswith(("_ratio", "_share")):
                ok = text != "" and abs(float(text) - float(value)) <= 1e-12 * max(1, abs(float(value)))
            else:
                ok = text != "" and Decimal(text) == value
            if not ok:
                problems.append(f"{row['institution_id']} {column}: wrote '{text}', expected {value}")
    return problems


def main():
    sfpgen, source_dir, work = sys.argv[1], sys.argv[2], sys.argv[3]
    loans = sys.argv[4] if len(sys.argv) > 4 else "20000"
    os.makedirs(work, exist_ok=True)
    loans_csv = os.path.join(work, "loans.csv")
    run([sfpgen, "generate", "loans", "--loans", loans, "-o", loans_csv])
    with open(os.path.join(source_dir, "data/sources/generated-loans.toml"), encoding="utf-8") as f:
        config = f.read()
    config = re.sub(r'(?m)^path = ".*"$', f'path = "{loans_csv}"', config)
    config = config.replace('"../reference/countries.csv"',
                            f'"{os.path.join(source_dir, "data/reference/countries.csv")}"')
    config_path = os.path.join(work, "loans.toml")
    with open(config_path, "w", encoding="utf-8") as f:
        f.write(config)
    outputs = []
    for jobs in ("1", "2"):
        out = os.path.join(work, f"portfolio-{jobs}.csv")
        done = run([sfpgen, "portfolio", config_path, "-o", out, "--jobs", jobs])
        if "institutions" not in done.stdout:
            sys.exit(f"no summary line: {done.stdout!r}")
        outputs.append(out)
    with open(outputs[0], "rb") as a, open(outputs[1], "rb") as b:
        if a.read() != b.read():
            sys.exit("--jobs 1 and --jobs 2 wrote different bytes")
    problems = compare(outputs[0], expected_rows(loans_csv))
    if problems:
        print("\n".join(problems[:40]))
        sys.exit(f"{len(problems)} differences")
    print(f"portfolio of {loans} loans: every cell matches")


if __name__ == "__main__":
    main()
