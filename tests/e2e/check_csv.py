#!/usr/bin/python3
"""The results CSV holds the same results as the results JSON (stdlib only).

Usage: tests/e2e/check_csv.py RESULTS.csv RESULTS.json
Every JSON result has one CSV row with the same statistic, scope, period, n, missing reason
and value (empty cell when missing, never 0 in its place). Exit 0 when all match, 1 otherwise.
"""

import csv
import json
import math
import sys


def main():
    csv_path, json_path = sys.argv[1], sys.argv[2]
    with open(json_path, encoding="utf-8") as f:
        results = json.load(f)["results"]
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    problems = []
    if len(rows) != len(results):
        problems.append(f"{len(rows)} CSV rows for {len(results)} JSON results")
    for row, item in zip(rows, results):
        key = (item["indicator"], item["statistic"], item["scope"], item["period"])
        got = (row["indicator"], row["statistic"], row["scope"], int(row["period"]))
        if got != key:
            problems.append(f"row {got} where {key} was expected")
            continue
        if int(row["n"]) != item["n"]:
            problems.append(f"{key}: n {row['n']} != {item['n']}")
        if (row["missing"] or None) != item["missing"]:
            problems.append(f"{key}: missing {row['missing']!r} != {item['missing']!r}")
        if item["value"] is None:
            if row["value"] != "":
                problems.append(f"{key}: value {row['value']!r} for a missing result")
        elif not math.isclose(float(row["value"]), item["value"], rel_tol=1e-15):
            problems.append(f"{key}: value {row['value']} != {item['value']}")
        if ";".join(item["institutions"]) != row["institutions"]:
            problems.append(f"{key}: institutions differ")
    for problem in problems[:20]:
        print(problem)
    if problems:
        print(f"check_csv: {len(problems)} problems")
        return 1
    print(f"check_csv: {len(rows)} rows match the JSON results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
