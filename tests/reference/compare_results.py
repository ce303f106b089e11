#!/usr/bin/python3
"""Compare the C++ program's results file with the independent reference (stdlib only).

Usage: tests/reference/compare_results.py [--config REPORT.toml] [--flags] DATA.csv RESULTS.json

Runs reference.py's computation (every statistic of every indicator in the config's
[indicators] show; default config templates/gb-progress/report.toml, its source read from
DATA.csv) and checks RESULTS.json, whose "results" list holds entries {"indicator",
"statistic", "scope", "period", "value", "missing", "n", "p25", "p75", ...} (other keys and
other top-level keys are ignored). For every reference entry, RESULTS must hold an entry with
the same (indicator, statistic, scope, period) and:
  - the same n;
  - the same missing reason (null, or the identical string);
  - a value equal within relative 1e-9 (both null, or both numbers);
  - for "median": p25 and p75 equal within relative 1e-9 (or both null);
  - the same contributing institutions, when RESULTS lists them.
  - with --flags: the same flag counts ({flag: count}).
Entries in RESULTS that the reference does not produce, and duplicate keys in RESULTS, are
mismatches too. Units are not compared (a differing unit is printed as a note); flags only
with --flags (docs/indicators.md leaves which quality codes travel open).

Exit status: 0 when everything matches ("compare_results: N results match"), 1 on any
mismatch (each printed on its own line), 2 on usage or input errors.
"""

import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

reference.VERBOSE = False

REL_TOL = 1e-9
ABS_TOL = 1e-12  # values that should be 0 may differ by rounding noise


def norm_period(p):
    """Periods compare as integers when they are integral (2024, 2024.0, "2024")."""
    if isinstance(p, bool):
        return p
    if isinstance(p, (int, float)) and math.isfinite(p) and p == int(p):
        return int(p)
    if isinstance(p, str):
        try:
            return int(p.strip())
        except ValueError:
            return p
    return p


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def values_equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    if not (is_number(a) and is_number(b)):
        return False
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    if a == b:
        return True
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


def key_str(k):
    return "%s %s %s %s" % k


def main(argv):
    args = list(argv[1:])
    config = reference.DEFAULT_CONFIG
    flags = False
    while args and args[0].startswith("--"):
        if args[0] == "--config" and len(args) > 1:
            config = args[1]
            args = args[2:]
        elif args[0] == "--flags":
            flags = True
            args = args[1:]
        else:
            break
    if len(args) != 2:
        print("usage: compare_results.py [--config REPORT.toml] [--flags] DATA.csv RESULTS.json",
              file=sys.stderr)
        return 2
    data_path, results_path = args
    try:
        expected = reference.compute(config, data_path, "all")["results"]
    except (reference.OracleError, OSError, KeyError) as e:
        print("compare_results: reference: %s" % e, file=sys.stderr)
        return 2
    try:
        with open(results_path, encoding="utf-8") as f:
            actual_doc = json.load(f)
    except (OSError, ValueError) as e:
        print("compare_results: cannot read %s: %s" % (results_path, e), file=sys.stderr)
        return 2
    actual_list = actual_doc.get("results") if isinstance(actual_doc, dict) else None
    if not isinstance(actual_list, list):
        print("compare_results: %s has no \"results\" list" % results_path, file=sys.stderr)
        return 2

    mismatches = []
    actual = {}
    for i, e in enumerate(actual_list):
        if not isinstance(e, dict):
            mismatches.append("results[%d]: not an object: %r" % (i, e))
            continue
        k = (e.get("indicator"), e.get("statistic"), e.get("scope"), norm_period(e.get("period")))
        if k in actual:
            mismatches.append("%s: duplicate entry in RESULTS (results[%d])" % (key_str(k), i))
            continue
        actual[k] = e

    notes = []
    for x in expected:
        k = (x["indicator"], x["statistic"], x["scope"], x["period"])
        a = actual.pop(k, None)
        if a is None:
            mismatches.append("%s: missing from RESULTS (expected value=%r missing=%r n=%d)"
                              % (key_str(k), x["value"], x["missing"], x["n"]))
            continue
        problems = []
        an = a.get("n")
        if not (is_number(an) and an == x["n"]):
            problems.append("n %r != expected %d" % (an, x["n"]))
        if a.get("missing") != x["missing"]:
            problems.append("missing %r != expected %r" % (a.get("missing"), x["missing"]))
        if not values_equal(a.get("value"), x["value"]):
            problems.append("value %r != expected %r" % (a.get("value"), x["value"]))
        if x["statistic"] == "median":
            for q in ("p25", "p75"):
                if not values_equal(a.get(q), x[q]):
                    problems.append("%s %r != expected %r" % (q, a.get(q), x[q]))
        if flags and (a.get("flags") or {}) != x["flags"]:
            problems.append("flags %r != expected %r" % (a.get("flags"), x["flags"]))
        if "institutions" in a and sorted(a["institutions"] or []) != x["institutions"]:
            got, want = set(a["institutions"] or []), set(x["institutions"])
            problems.append("institutions differ: extra %s, lacking %s"
                            % (sorted(got - want), sorted(want - got)))
        if problems:
            mismatches.append("%s: %s" % (key_str(k), "; ".join(problems)))
        if "unit" in a and a["unit"] != x["unit"]:
            notes.append("%s: unit %r (reference says %r)" % (key_str(k), a["unit"], x["unit"]))

    for k in sorted(actual, key=lambda t: tuple(str(p) for p in t)):
        a = actual[k]
        mismatches.append("%s: in RESULTS but not produced by the reference (value=%r missing=%r "
                          "n=%r)" % (key_str(k), a.get("value"), a.get("missing"), a.get("n")))

    for line in notes:
        print("compare_results: note: " + line)
    if mismatches:
        for line in mismatches:
            print("MISMATCH " + line)
        print("compare_results: %d mismatch(es) against %d reference results"
              % (len(mismatches), len(expected)))
        return 1
    print("compare_results: %d results match" % len(expected))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
