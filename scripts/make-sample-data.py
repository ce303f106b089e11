#!/usr/bin/python3
"""Write the synthetic institution-year sample panel data/sample/institution_years.csv.

The panel is SYNTHETIC: 40 invented microfinance institutions (MFIs), 8 in each of
5 regions, fiscal years 2020..2024. Names are made up (no real institution is meant).
Output is deterministic: random.Random(20261128), fixed draw order, fixed formatting,
UTF-8 without BOM, LF line endings. Re-running gives a byte-identical file.

Usage: scripts/make-sample-data.py [OUTPUT.csv]
       (default: data/sample/institution_years.csv relative to the repository root)

Deliberate data problems (real-data messiness; keep in sync with data/sample/README.md):
  Missing values (NA = written as "NA"; EMPTY = empty cell; both mean missing)
    women_borrowers   NA     MFI-003 2020, MFI-013 2021, MFI-022 2022, MFI-026 2023,
                             MFI-034 2024, MFI-007 2024
    women_borrowers   EMPTY  MFI-010 2023
    par30_usd         NA     MFI-002 2022, MFI-016 2021, MFI-038 2023
    par30_usd         NA     MFI-025, MFI-026, MFI-027, MFI-028, MFI-030, MFI-032 in 2020
    par30_usd         EMPTY  MFI-029 2020
                             -> every Middle East and North Africa row of 2020 lacks PAR30
                                (MFI-031 has no 2020 row), so PQ-01 for
                                region:Middle East and North Africa, 2020 is missing (no-data).
    operating_expense NA     MFI-009 2020, MFI-024 2023, MFI-039 2022
    financial_expense EMPTY  MFI-023 2021
  Panel structure
    gap year                 MFI-012 has no row for 2022 (reports 2020, 2021, 2023, 2024)
    late starter             MFI-031 reports only from 2022 (no 2020, 2021 rows)
  Impossible / edge values
    par30 > portfolio        MFI-005 2023 (par30_usd is 112% of gross_loan_portfolio_usd)
    women > borrowers        MFI-037 2021 (women_borrowers = active_borrowers + 1,250)
    dormant institution      MFI-020 2024: portfolio 0, par30 0, borrowers 0, women 0
                             (small revenue and costs remain)
    negative opex            MFI-014 2021 (operating_expense_usd < 0)
  Format
    comma in name            MFI-008 "Sahel Crédit Solidaire, Mopti" (quoted in the CSV)
    accented names           several (é, É, Ñ, í, á, ồ, ô ...), UTF-8
"""

import csv
import math
import os
import random
import sys

SEED = 20261128
YEARS = [2020, 2021, 2022, 2023, 2024]

HEADER = [
    "mfi_id", "mfi_name", "country_iso3", "region", "fiscal_year", "currency",
    "gross_loan_portfolio_usd", "par30_usd", "active_borrowers", "women_borrowers",
    "financial_revenue_usd", "financial_expense_usd", "impairment_expense_usd",
    "operating_expense_usd",
]

# region -> (average loan range USD, women share range)
REGION_PARAMS = {
    "Africa": ((250.0, 900.0), (0.45, 0.78)),
    "East Asia and Pacific": ((250.0, 1500.0), (0.55, 0.92)),
    "Latin America and Caribbean": ((800.0, 3000.0), (0.42, 0.70)),
    "Middle East and North Africa": ((400.0, 1200.0), (0.30, 0.65)),
    "South Asia": ((150.0, 400.0), (0.85, 0.98)),
}

# (name, ISO3) in id order; 8 per region, regions in the order of REGION_PARAMS.
INSTITUTIONS = [
    # Africa: MFI-001..008
    ("Savanna Enterprise Credit", "KEN"),
    ("Nile Basin Microlenders", "UGA"),
    ("Volta Women's Savings & Credit", "GHA"),
    ("Caisse Villageoise d'Épargne de Kindia", "GIN"),
    ("Mutuelle Téranga du Saloum", "SEN"),
    ("Abay Highlands Credit Institution", "ETH"),
    ("Kilimanjaro Smallholder Finance", "TZA"),
    ("Sahel Crédit Solidaire, Mopti", "MLI"),
    # East Asia and Pacific: MFI-009..016
    ("Mekong Rice Farmers Credit", "KHM"),
    ("Visayas Island Lending Cooperative", "PHL"),
    ("Quỹ Cộng Đồng Sông Hồng", "VNM"),
    ("Nusantara Village Finance", "IDN"),
    ("Irrawaddy Delta Microcredit", "MMR"),
    ("Lao Upland Savings Network", "LAO"),
    ("Highlands Kina Microbank", "PNG"),
    ("Timor Lorosa'e Small Loans", "TLS"),
    # Latin America and Caribbean: MFI-017..024
    ("Microcrédito Altiplano Sur", "BOL"),
    ("Caja Comunal Ñandutí", "PRY"),
    ("Financiera Cuscatlán Emprende", "SLV"),
    ("Sociedad Crediticia Mixteca", "MEX"),
    ("Cooperativa Páramo Andino", "ECU"),
    ("Crédito Maya Q'anil", "GTM"),
    ("Fondo Lempira Mujer", "HND"),
    ("Microfinanzas Río Magdalena", "COL"),
    # Middle East and North Africa: MFI-025..032
    ("Atlas Micro-Crédit Marrakech", "MAR"),
    ("Delta Small Enterprise Fund", "EGY"),
    ("Petra Microenterprise Finance", "JOR"),
    ("Carthage Crédit Solidaire", "TUN"),
    ("Cedar Mountain Microloans", "LBN"),
    ("Olive Grove Community Credit", "PSE"),
    ("Sanaa Small Business Finance", "YEM"),
    ("Tigris Enterprise Lending", "IRQ"),
    # South Asia: MFI-033..040
    ("Gangetic Plains Mahila Credit", "IND"),
    ("Deccan Self-Help Finance", "IND"),
    ("Padma Char Development Credit", "BGD"),
    ("Jamuna Rural Uplift Society", "BGD"),
    ("Indus Valley Kissan Finance", "PAK"),
    ("Himal Pahad Laghubitta", "NPL"),
    ("Lanka Coastal Women's Credit", "LKA"),
    ("Karnali Valley Savings & Credit", "NPL"),
]

REGIONS = list(REGION_PARAMS)

# Deliberate problems, applied after the clean panel is generated.
# (mfi_id, year, column) -> "NA" or "" (missing)
MISSING = [
    ("MFI-003", 2020, "women_borrowers", "NA"),
    ("MFI-013", 2021, "women_borrowers", "NA"),
    ("MFI-022", 2022, "women_borrowers", "NA"),
    ("MFI-026", 2023, "women_borrowers", "NA"),
    ("MFI-034", 2024, "women_borrowers", "NA"),
    ("MFI-007", 2024, "women_borrowers", "NA"),
    ("MFI-010", 2023, "women_borrowers", ""),
    ("MFI-002", 2022, "par30_usd", "NA"),
    ("MFI-016", 2021, "par30_usd", "NA"),
    ("MFI-038", 2023, "par30_usd", "NA"),
    # Middle East and North Africa 2020: no institution reports PAR30.
    ("MFI-025", 2020, "par30_usd", "NA"),
    ("MFI-026", 2020, "par30_usd", "NA"),
    ("MFI-027", 2020, "par30_usd", "NA"),
    ("MFI-028", 2020, "par30_usd", "NA"),
    ("MFI-029", 2020, "par30_usd", ""),
    ("MFI-030", 2020, "par30_usd", "NA"),
    ("MFI-032", 2020, "par30_usd", "NA"),
    ("MFI-009", 2020, "operating_expense_usd", "NA"),
    ("MFI-024", 2023, "operating_expense_usd", "NA"),
    ("MFI-039", 2022, "operating_expense_usd", "NA"),
    ("MFI-023", 2021, "financial_expense_usd", ""),
]
GAP_YEAR = ("MFI-012", 2022)          # row absent
LATE_STARTER = ("MFI-031", 2022)      # first reported year
PAR30_ABOVE_GLP = ("MFI-005", 2023)
WOMEN_ABOVE_BORROWERS = ("MFI-037", 2021)
DORMANT = ("MFI-020", 2024)
NEGATIVE_OPEX = ("MFI-014", 2021)


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def money(x):
    s = "%.2f" % x
    return "0.00" if s == "-0.00" else s


def generate():
    rng = random.Random(SEED)
    rows = []  # list of dicts with numeric values
    for idx, (name, iso3) in enumerate(INSTITUTIONS):
        mfi_id = "MFI-%03d" % (idx + 1)
        region = REGIONS[idx // 8]
        (loan_lo, loan_hi), (w_lo, w_hi) = REGION_PARAMS[region]

        # Institution-level characteristics (fixed draw order).
        glp = math.exp(rng.uniform(math.log(0.5e6), math.log(120e6)))
        avg_loan = rng.uniform(loan_lo, loan_hi)
        women_share = rng.uniform(w_lo, w_hi)
        par_base = rng.uniform(0.015, 0.09)
        fe_base = rng.uniform(0.03, 0.10)
        imp_base = rng.uniform(0.005, 0.035)
        opex_base = rng.uniform(0.10, 0.28)
        oss_base = rng.uniform(0.88, 1.30)

        for year in YEARS:
            if year > YEARS[0]:
                glp *= 1.0 + rng.uniform(0.0, 0.25)
                avg_loan = clamp(avg_loan * rng.uniform(0.97, 1.06), 150.0, 3000.0)
                women_share = clamp(women_share + rng.uniform(-0.015, 0.015), 0.30, 0.98)
            covid = {2020: 1.35, 2021: 1.2}.get(year, 1.0)
            par = clamp(par_base * covid * rng.uniform(0.8, 1.2), 0.01, 0.15)
            fe = clamp(fe_base * rng.uniform(0.92, 1.08), 0.03, 0.10)
            imp = clamp(imp_base * covid * rng.uniform(0.85, 1.15), 0.005, 0.04)
            opex = clamp(opex_base * rng.uniform(0.94, 1.06), 0.10, 0.30)
            cost = fe + imp + opex
            # revenue = OSS * cost, with revenue kept within 18%..45% of portfolio
            o_lo = max(0.80, 0.18 / cost)
            o_hi = min(1.40, 0.45 / cost)
            oss = clamp(oss_base + rng.uniform(-0.06, 0.06), o_lo, o_hi)
            rev = oss * cost

            glp_r = round(glp, 2)
            borrowers = int(round(glp / avg_loan))
            women = int(round(borrowers * women_share))
            rows.append({
                "mfi_id": mfi_id,
                "mfi_name": name,
                "country_iso3": iso3,
                "region": region,
                "fiscal_year": year,
                "currency": "USD",
                "gross_loan_portfolio_usd": glp_r,
                "par30_usd": round(glp * par, 2),
                "active_borrowers": borrowers,
                "women_borrowers": women,
                "financial_revenue_usd": round(glp * rev, 2),
                "financial_expense_usd": round(glp * fe, 2),
                "impairment_expense_usd": round(glp * imp, 2),
                "operating_expense_usd": round(glp * opex, 2),
            })
    return rows


def apply_problems(rows):
    by_key = {(r["mfi_id"], r["fiscal_year"]): r for r in rows}

    # Impossible / edge values (applied before missing cells; no key overlaps).
    r = by_key[PAR30_ABOVE_GLP]
    r["par30_usd"] = round(r["gross_loan_portfolio_usd"] * 1.12, 2)

    r = by_key[WOMEN_ABOVE_BORROWERS]
    r["women_borrowers"] = r["active_borrowers"] + 1250

    r = by_key[DORMANT]
    prev = by_key[(DORMANT[0], DORMANT[1] - 1)]
    r["gross_loan_portfolio_usd"] = 0.0
    r["par30_usd"] = 0.0
    r["active_borrowers"] = 0
    r["women_borrowers"] = 0
    r["financial_revenue_usd"] = round(prev["financial_revenue_usd"] * 0.03, 2)
    r["financial_expense_usd"] = round(prev["financial_expense_usd"] * 0.35, 2)
    r["impairment_expense_usd"] = 0.0
    r["operating_expense_usd"] = round(prev["operating_expense_usd"] * 0.22, 2)

    r = by_key[NEGATIVE_OPEX]
    r["operating_expense_usd"] = -r["operating_expense_usd"]

    for mfi_id, year, col, token in MISSING:
        by_key[(mfi_id, year)][col] = token

    # Panel structure: drop rows.
    out = []
    for r in rows:
        key = (r["mfi_id"], r["fiscal_year"])
        if key == GAP_YEAR:
            continue
        if r["mfi_id"] == LATE_STARTER[0] and r["fiscal_year"] < LATE_STARTER[1]:
            continue
        out.append(r)
    return out


def cell(col, v):
    if isinstance(v, str):
        return v
    if col in ("active_borrowers", "women_borrowers", "fiscal_year"):
        return str(int(v))
    return money(v)


def main():
    if len(sys.argv) > 1:
        out_path = sys.argv[1]
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out_path = os.path.join(root, "data", "sample", "institution_years.csv")
    rows = apply_problems(generate())
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(HEADER)
        for r in rows:
            w.writerow([cell(c, r[c]) for c in HEADER])
    print("wrote %s (%d rows)" % (out_path, len(rows)))


if __name__ == "__main__":
    main()
