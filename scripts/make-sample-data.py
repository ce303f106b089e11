#!/usr/bin/python3
"""Write the synthetic institution-year sample panel data/sample/institution_years.csv.

The panel is SYNTHETIC: 40 invented microfinance institutions (MFIs), 8 in each of
5 regions, fiscal years 2020..2024. Names are made up (no real institution is meant).
It covers every input field of the indicator catalogue (data/indicators/catalogue.toml):
charter and age, balance sheet, portfolio quality, income statement, outreach, staff and
Microcredit Summit counts for every row (poorest clients and microinsurance for a subset of
institutions), and, for subsets of institutions and years, MF4DW-style client surveys
(SURVEY_ROUNDS), SPI4 social audits (SPI4_YEARS) and PPI scorecards of new clients.

Output is deterministic: the original 14 columns come from random.Random(20261128) with the
same draw order as before (their USD values are unchanged); the added columns come from a
second stream random.Random(20261129), drawn in a fixed order. Fixed formatting, UTF-8
without BOM, LF line endings. Re-running gives a byte-identical file.

Currencies: 8 institutions report in local currency (the `currency` column; see LOCAL_CURRENCY).
Their figures are generated in USD, then converted with data/reference/exchange_rates.csv:
stocks at the year-end rate, flows at the year-average rate (the rule the indicator engine
applies in reverse), so they are USD-plausible after conversion. The column names ending in
`_usd` are historical: every amount is in the row's `currency`.

Usage: scripts/make-sample-data.py [OUTPUT.csv]
       (default: data/sample/institution_years.csv relative to the repository root;
        the exchange rates are always read from data/reference/exchange_rates.csv)

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
                                region:Middle East and North Africa, 2020 is missing
                                (n = 0, "missing-input: par30_balance").
    par90_balance, par91_180_balance, par181_365_balance
                      NA     wherever par30_usd is missing (not reported together)
    operating_expense NA     MFI-009 2020, MFI-024 2023, MFI-039 2022
    financial_expense EMPTY  MFI-023 2021
    total_assets      NA     MFI-015 2022 (FIN-03 2022 missing; 2023 has no opening balance)
    net_operating_income EMPTY MFI-019 2023
    loan_officers     NA     MFI-036 2021
  Panel structure
    gap year                 MFI-012 has no row for 2022 (reports 2020, 2021, 2023, 2024)
    late starter             MFI-031 reports only from 2022 (no 2020, 2021 rows)
  Impossible / edge values
    par30 > portfolio        MFI-005 2023 (par30_usd is 112% of gross_loan_portfolio_usd)
    par90 > par30            MFI-021 2022 (par90_balance is 130% of par30_usd)
    women > borrowers        MFI-037 2021 (women_borrowers = active_borrowers + 1,250)
    dormant institution      MFI-020 2024: portfolio 0, par30 0, borrowers 0, women 0,
                             loans 0, clients 0, loan officers 0, no PPI scorecards
                             (small revenue and costs remain)
    negative opex            MFI-014 2021 (operating_expense_usd < 0)
    negative equity          MFI-029 2023, 2024 (total_equity < 0: allowed, not a problem)
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
EXTRA_SEED = SEED + 1   # the columns added after the first 14
YEARS = [2020, 2021, 2022, 2023, 2024]

# The original columns, in their original positions (tests refer to row:column positions).
HEADER_BASE = [
    "mfi_id", "mfi_name", "country_iso3", "region", "fiscal_year", "currency",
    "gross_loan_portfolio_usd", "par30_usd", "active_borrowers", "women_borrowers",
    "financial_revenue_usd", "financial_expense_usd", "impairment_expense_usd",
    "operating_expense_usd",
]
# Added columns, named as the canonical fields they map to (docs/data.md).
HEADER_EXTRA = [
    "legal_form", "established_year",
    # balance sheet, end of year (stocks)
    "total_assets", "total_liabilities", "total_equity", "net_fixed_assets",
    "cash_due_from_banks", "trade_investments", "deposits", "borrowings",
    "concessional_borrowings", "short_term_liabilities", "voluntary_savings",
    "voluntary_depositors",
    # portfolio
    "impairment_loss_allowance", "par90_balance", "par91_180_balance", "par181_365_balance",
    "renegotiated_balance", "write_offs", "recoveries", "loans_outstanding_n",
    "loans_disbursed_n", "loans_disbursed_value",
    # income statement (flows)
    "portfolio_interest_fee_income", "fin_expense_funding", "fin_expense_concessional",
    "net_operating_income", "taxes", "donations", "inkind_subsidy",
    # outreach and staff
    "active_borrowers_rural", "active_clients", "active_clients_begin", "new_clients",
    "personnel", "loan_officers", "poorest_clients_at_first_loan", "poorest_women_clients",
    "clients_with_microinsurance",
    # client surveys (MF4DW rounds) and SPI4 social audits: some institutions, some years
    "hh_surveyed", "hh_with_child_labour", "enterprises_surveyed", "enterprises_registered",
    "enterprises_with_new_osh_measure", "employees_in_client_enterprises", "clients_surveyed",
    "clients_multiple_lenders", "points_achieved", "points_possible",
    # PPI poverty scorecard of sampled new clients (some institutions, every year)
    "ppi_clients_sampled", "ppi_poverty_likelihood_sum",
]
HEADER = HEADER_BASE + HEADER_EXTRA

# Amount columns and how they convert (fields.cpp is_flow: flows at the average rate).
STOCKS = [
    "gross_loan_portfolio_usd", "par30_usd", "total_assets", "total_liabilities", "total_equity",
    "net_fixed_assets", "cash_due_from_banks", "trade_investments", "deposits", "borrowings",
    "concessional_borrowings", "short_term_liabilities", "voluntary_savings",
    "impairment_loss_allowance", "par90_balance", "par91_180_balance", "par181_365_balance",
    "renegotiated_balance",
]
FLOWS = [
    "financial_revenue_usd", "financial_expense_usd", "impairment_expense_usd",
    "operating_expense_usd", "write_offs", "recoveries", "loans_disbursed_value",
    "portfolio_interest_fee_income", "fin_expense_funding", "fin_expense_concessional",
    "net_operating_income", "taxes", "donations", "inkind_subsidy",
]
TEXT = ["mfi_id", "mfi_name", "country_iso3", "region", "currency", "legal_form"]
DECIMALS = ["ppi_poverty_likelihood_sum"]  # not amounts, written with 2 decimals
INTEGERS = [c for c in HEADER if c not in STOCKS + FLOWS + TEXT + DECIMALS]

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

# Charter of each institution (MBB peer groups), in id order.
LEGAL_FORMS = [
    # Africa: MFI-001..008
    "NBFI", "NBFI", "cooperative", "cooperative", "cooperative", "NBFI", "rural bank", "NGO",
    # East Asia and Pacific: MFI-009..016
    "NBFI", "cooperative", "NGO", "rural bank", "NGO", "cooperative", "bank", "NGO",
    # Latin America and Caribbean: MFI-017..024
    "NBFI", "cooperative", "NBFI", "NBFI", "cooperative", "NGO", "NGO", "bank",
    # Middle East and North Africa: MFI-025..032
    "NGO", "NGO", "NBFI", "NBFI", "NGO", "NGO", "bank", "NBFI",
    # South Asia: MFI-033..040
    "NBFI", "NBFI", "NGO", "NGO", "bank", "rural bank", "cooperative", "cooperative",
]
# Age in 2020 (years of lending, 2020 counted): fixed so that every age band of the peer
# group "age" (new 1-4, young 5-8, mature over 8) has institutions; MFI-031 started in 2021.
AGE_2020 = [
    3, 7, 14, 22, 6, 11, 2, 19,      # Africa
    9, 27, 4, 16, 5, 12, 8, 1,       # East Asia and Pacific
    31, 6, 10, 2, 24, 13, 7, 18,     # Latin America and Caribbean
    20, 4, 9, 15, 26, 6, 0, 11,      # Middle East and North Africa (MFI-031: 0, see above)
    17, 3, 36, 8, 10, 5, 21, 2,      # South Asia
]
LATE_ESTABLISHED = ("MFI-031", 2021)

# Institutions reporting in local currency (ISO 4217); the others report in USD.
LOCAL_CURRENCY = {
    "MFI-001": "KES", "MFI-003": "GHS", "MFI-008": "XOF", "MFI-010": "PHP",
    "MFI-017": "BOB", "MFI-024": "COP", "MFI-025": "MAD", "MFI-033": "INR",
}

# MF4DW-style client surveys: the years of each institution's survey rounds, baseline first
# (annual for 6 institutions, baseline and endline two years apart for 10; empty elsewhere).
SURVEY_ROUNDS = {
    "MFI-004": (2021, 2022, 2023, 2024), "MFI-011": (2021, 2022, 2023, 2024),
    "MFI-019": (2021, 2022, 2023, 2024), "MFI-027": (2021, 2022, 2023, 2024),
    "MFI-035": (2021, 2022, 2023, 2024), "MFI-038": (2021, 2022, 2023, 2024),
    "MFI-002": (2021, 2023), "MFI-006": (2021, 2023), "MFI-008": (2021, 2023),
    "MFI-009": (2021, 2023), "MFI-013": (2021, 2023), "MFI-017": (2021, 2023),
    "MFI-022": (2021, 2023), "MFI-023": (2022, 2024), "MFI-025": (2022, 2024),
    "MFI-033": (2022, 2024),
}
# SPI4 social audits: every other institution, in 2020, 2022 and 2024.
SPI4_YEARS = (2020, 2022, 2024)
# PPI scorecards of new clients: every third institution (MFI-002, MFI-005, ...), every year.
# Mean poverty likelihood (national line) by region.
PPI_LIKELIHOOD = {
    "Africa": (0.30, 0.60), "East Asia and Pacific": (0.20, 0.45),
    "Latin America and Caribbean": (0.10, 0.30), "Middle East and North Africa": (0.10, 0.25),
    "South Asia": (0.35, 0.65),
}

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
    ("MFI-015", 2022, "total_assets", "NA"),
    ("MFI-019", 2023, "net_operating_income", ""),
    ("MFI-036", 2021, "loan_officers", "NA"),
]
# Where PAR30 is not reported, the other arrears buckets are not either.
AGEING = ["par90_balance", "par91_180_balance", "par181_365_balance"]
GAP_YEAR = ("MFI-012", 2022)          # row absent
LATE_STARTER = ("MFI-031", 2022)      # first reported year
PAR30_ABOVE_GLP = ("MFI-005", 2023)
PAR90_ABOVE_PAR30 = ("MFI-021", 2022)
WOMEN_ABOVE_BORROWERS = ("MFI-037", 2021)
DORMANT = ("MFI-020", 2024)
NEGATIVE_OPEX = ("MFI-014", 2021)
NEGATIVE_EQUITY = [("MFI-029", 2023), ("MFI-029", 2024)]


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


def extend(rows):
    """Adds the columns of HEADER_EXTRA to the clean panel (all amounts in USD)."""
    rng = random.Random(EXTRA_SEED)
    u = rng.uniform
    by_id = {}
    for r in rows:
        by_id.setdefault(r["mfi_id"], []).append(r)
    for idx, (name, iso3) in enumerate(INSTITUTIONS):
        mfi_id = "MFI-%03d" % (idx + 1)
        form = LEGAL_FORMS[idx]
        established = (LATE_ESTABLISHED[1] if mfi_id == LATE_ESTABLISHED[0]
                       else YEARS[0] - AGE_2020[idx] + 1)
        # Institution-level characteristics (fixed draw order).
        portfolio_to_assets = u(0.68, 0.88)
        capital = u(0.10, 0.18) if form == "bank" else u(0.12, 0.35)
        deposit_share = {"bank": (0.35, 0.60), "rural bank": (0.30, 0.55),
                         "cooperative": (0.25, 0.55), "NBFI": (0.0, 0.12),
                         "NGO": (0.0, 0.0)}[form]
        deposits_to_assets = u(*deposit_share)
        voluntary_share = u(0.6, 1.0)
        savings_to_loan = u(0.15, 0.6)
        concessional_share = u(0.05, 0.5) if form == "NGO" else u(0.0, 0.2)
        fixed = u(0.01, 0.05)
        cash = u(0.05, 0.15)
        investments = u(0.0, 0.08)
        other_liabilities = u(0.02, 0.06)
        short_term = u(0.30, 0.60)
        par90_ratio = u(0.35, 0.65)
        bucket_91_180 = u(0.50, 0.70)
        renegotiated = u(0.002, 0.02)
        coverage = u(0.6, 1.3)
        write_off_rate = u(0.004, 0.03)
        recovery_rate = u(0.05, 0.30)
        loans_per_borrower = u(1.0, 1.15)
        disbursement_turnover = u(0.8, 1.3)
        disbursed_size = u(1.1, 1.5)
        interest_share = u(0.85, 0.97)
        funding_share = u(0.85, 1.0)
        concessional_rate = u(0.02, 0.05)
        tax_rate = 0.25 if form in ("bank", "NBFI", "rural bank") else 0.0
        donation_rate = u(0.005, 0.03) if form == "NGO" else 0.0
        inkind_rate = u(0.001, 0.01) if form in ("NGO", "cooperative") else 0.0
        rural_share = u(0.20, 0.90)
        clients_per_borrower = u(1.15, 1.6) if deposits_to_assets > 0.2 else u(1.0, 1.1)
        dropout = u(0.10, 0.30)
        borrowers_per_staff = u(60.0, 220.0)
        officer_share = u(0.40, 0.65)
        reports_poorest = rng.random() < 0.6
        poorest_share = u(0.15, 0.60)
        poorest_women_share = u(0.55, 0.95)
        reports_insurance = rng.random() < 0.5
        insured_share = u(0.10, 0.70)
        # Survey shares at baseline and their change at endline.
        hh_n, child, child_change = int(u(150, 600)), u(0.08, 0.30), u(0.60, 0.95)
        ent_n, registered, registered_gain = int(u(120, 450)), u(0.10, 0.40), u(0.02, 0.12)
        osh, osh_gain = u(0.05, 0.20), u(0.05, 0.20)
        employees, employee_gain = u(1.4, 3.2), u(1.02, 1.20)
        clients_n, multiple = int(u(200, 800)), u(0.08, 0.40)
        points_possible = 100 if rng.random() < 0.7 else 92
        points_share = u(0.40, 0.80)
        ppi_sample = u(80.0, 400.0)
        ppi_likelihood = u(*PPI_LIKELIHOOD[REGIONS[idx // 8]])

        clients_before = None
        for r in by_id[mfi_id]:
            year = r["fiscal_year"]
            glp = r["gross_loan_portfolio_usd"]
            borrowers = r["active_borrowers"]
            noise = [u(0.95, 1.05) for _ in range(8)]  # fixed count per year
            assets = glp / clamp(portfolio_to_assets * noise[0], 0.5, 0.95)
            equity = assets * capital * noise[1]
            if (mfi_id, year) in NEGATIVE_EQUITY:
                equity = -assets * u(0.03, 0.08)
            liabilities = assets - equity
            deposits = min(assets * deposits_to_assets * noise[2],
                           liabilities * (1.0 - other_liabilities))
            borrowings = max(0.0, liabilities * (1.0 - other_liabilities) - deposits)
            par30 = r["par30_usd"]
            par90 = par30 * clamp(par90_ratio * noise[3], 0.2, 0.9)
            par91_180 = par90 * bucket_91_180
            opex = r["operating_expense_usd"]
            revenue = r["financial_revenue_usd"]
            fin_expense = r["financial_expense_usd"]
            impairment = r["impairment_expense_usd"]
            write_offs = glp * write_off_rate * noise[4]
            funding = fin_expense * funding_share
            concessional = borrowings * concessional_share
            noi = revenue - fin_expense - impairment - opex
            clients = max(borrowers, int(round(borrowers * clients_per_borrower * noise[5])))
            if clients_before is None:
                clients_before = int(round(clients / u(1.0, 1.15)))
            dropouts = max(int(round(clients_before * dropout)), clients_before - clients)
            personnel = max(3, int(round(borrowers / (borrowers_per_staff * noise[6]))))
            loans = int(round(borrowers * loans_per_borrower))
            disbursed_n = int(round(loans * disbursement_turnover * noise[7]))
            avg_loan = glp / borrowers if borrowers else 0.0
            poorest = int(round(clients * poorest_share))
            r.update({
                "legal_form": form,
                "established_year": established,
                "total_assets": round(assets, 2),
                "total_liabilities": round(liabilities, 2),
                "total_equity": round(equity, 2),
                "net_fixed_assets": round(assets * fixed, 2),
                "cash_due_from_banks": round(assets * cash, 2),
                "trade_investments": round(assets * investments, 2),
                "deposits": round(deposits, 2),
                "borrowings": round(borrowings, 2),
                "concessional_borrowings": round(concessional, 2),
                "short_term_liabilities": round(liabilities * short_term, 2),
                "voluntary_savings": round(deposits * voluntary_share, 2),
                "voluntary_depositors": int(round(deposits * voluntary_share /
                                                  (avg_loan * savings_to_loan)))
                if deposits > 0 else 0,
                "impairment_loss_allowance": round(par30 * coverage, 2),
                "par90_balance": round(par90, 2),
                "par91_180_balance": round(par91_180, 2),
                "par181_365_balance": round(par90 - par91_180, 2),
                "renegotiated_balance": round(glp * renegotiated, 2),
                "write_offs": round(write_offs, 2),
                "recoveries": round(write_offs * recovery_rate, 2),
                "loans_outstanding_n": loans,
                "loans_disbursed_n": disbursed_n,
                "loans_disbursed_value": round(disbursed_n * avg_loan * disbursed_size, 2),
                "portfolio_interest_fee_income": round(revenue * interest_share, 2),
                "fin_expense_funding": round(funding, 2),
                "fin_expense_concessional": round(min(concessional * concessional_rate,
                                                      funding), 2),
                "net_operating_income": round(noi, 2),
                "taxes": round(max(0.0, noi) * tax_rate, 2),
                "donations": round(glp * donation_rate, 2),
                "inkind_subsidy": round(glp * inkind_rate, 2),
                "active_borrowers_rural": int(round(borrowers * rural_share)),
                "active_clients": clients,
                "active_clients_begin": clients_before,
                "new_clients": clients - clients_before + dropouts,
                "personnel": personnel,
                "loan_officers": int(round(personnel * officer_share)),
                "poorest_clients_at_first_loan": poorest if reports_poorest else "",
                "poorest_women_clients": (int(round(poorest * poorest_women_share))
                                          if reports_poorest else ""),
                "clients_with_microinsurance": (int(round(clients * insured_share))
                                                if reports_insurance else ""),
            })
            survey = {c: "" for c in HEADER_EXTRA[HEADER_EXTRA.index("hh_surveyed"):]}
            rounds = SURVEY_ROUNDS.get(mfi_id, ())
            if year in rounds:
                # Outcomes move from baseline to endline values across the rounds.
                t = rounds.index(year) / (len(rounds) - 1)
                child_now = child * (1.0 - (1.0 - child_change) * t)
                registered_now = registered + registered_gain * t
                osh_now = osh + osh_gain * t
                survey.update({
                    "hh_surveyed": hh_n,
                    "hh_with_child_labour": int(round(hh_n * child_now)),
                    "enterprises_surveyed": ent_n,
                    "enterprises_registered": int(round(ent_n * registered_now)),
                    "enterprises_with_new_osh_measure": int(round(ent_n * osh_now)),
                    "employees_in_client_enterprises": int(round(
                        ent_n * employees * (1.0 + (employee_gain - 1.0) * t))),
                    "clients_surveyed": clients_n,
                    "clients_multiple_lenders": int(round(clients_n * multiple)),
                })
            if idx % 2 == 0 and year in SPI4_YEARS:
                survey["points_achieved"] = int(round(points_possible * points_share))
                survey["points_possible"] = points_possible
                points_share = min(0.95, points_share + 0.04)
            if idx % 3 == 1:
                sampled = int(round(ppi_sample * u(0.8, 1.2)))
                survey["ppi_clients_sampled"] = sampled
                survey["ppi_poverty_likelihood_sum"] = round(
                    sampled * clamp(ppi_likelihood * u(0.9, 1.1), 0.02, 0.95), 2)
            r.update(survey)
            clients_before = clients


def apply_problems(rows):
    by_key = {(r["mfi_id"], r["fiscal_year"]): r for r in rows}

    # Impossible / edge values (applied before missing cells; no key overlaps).
    r = by_key[PAR30_ABOVE_GLP]
    r["par30_usd"] = round(r["gross_loan_portfolio_usd"] * 1.12, 2)

    r = by_key[PAR90_ABOVE_PAR30]
    r["par90_balance"] = round(r["par30_usd"] * 1.30, 2)

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
    # The rest of a dormant year: no loans, a small balance sheet of cash, a loss.
    assets = round(prev["total_assets"] * 0.12, 2)
    equity = round(min(prev["total_equity"] * 0.3, assets * 0.6), 2)
    liabilities = round(assets - equity, 2)
    r.update({
        "total_assets": assets, "total_equity": equity, "total_liabilities": liabilities,
        "net_fixed_assets": round(assets * 0.1, 2), "cash_due_from_banks": round(assets * 0.7, 2),
        "trade_investments": round(assets * 0.1, 2), "deposits": 0.0,
        "borrowings": liabilities, "concessional_borrowings": 0.0,
        "short_term_liabilities": liabilities, "voluntary_savings": 0.0,
        "voluntary_depositors": 0, "impairment_loss_allowance": 0.0, "par90_balance": 0.0,
        "par91_180_balance": 0.0, "par181_365_balance": 0.0, "renegotiated_balance": 0.0,
        "write_offs": round(prev["gross_loan_portfolio_usd"] * 0.04, 2), "recoveries": 0.0,
        "loans_outstanding_n": 0, "loans_disbursed_n": 0, "loans_disbursed_value": 0.0,
        "portfolio_interest_fee_income": round(r["financial_revenue_usd"] * 0.5, 2),
        "fin_expense_funding": r["financial_expense_usd"], "fin_expense_concessional": 0.0,
        "net_operating_income": round(r["financial_revenue_usd"] - r["financial_expense_usd"]
                                      - r["operating_expense_usd"], 2),
        "taxes": 0.0, "active_borrowers_rural": 0, "active_clients": 0,
        "active_clients_begin": prev["active_clients"], "new_clients": 0, "personnel": 5,
        "loan_officers": 0,
    })
    for col in ("poorest_clients_at_first_loan", "poorest_women_clients",
                "clients_with_microinsurance"):
        if r[col] != "":
            r[col] = 0
    r["ppi_clients_sampled"] = ""  # no new clients to score
    r["ppi_poverty_likelihood_sum"] = ""

    r = by_key[NEGATIVE_OPEX]
    r["operating_expense_usd"] = -r["operating_expense_usd"]

    for mfi_id, year, col, token in MISSING:
        by_key[(mfi_id, year)][col] = token
        if col == "par30_usd":
            for ageing in AGEING:
                by_key[(mfi_id, year)][ageing] = token

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


def read_rates(path):
    """(currency, year) -> (average, end) from data/reference/exchange_rates.csv."""
    rates = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rates[(row["currency"], int(row["year"]))] = (float(row["average"]),
                                                          float(row["end"]))
    return rates


def convert(rows, rates):
    """Local-currency institutions: USD amounts to local units (stocks at the end rate, flows
    at the average rate); missing tokens stay as they are."""
    for r in rows:
        currency = LOCAL_CURRENCY.get(r["mfi_id"])
        if currency is None:
            continue
        average, end = rates[(currency, r["fiscal_year"])]
        r["currency"] = currency
        for col, rate in [(c, end) for c in STOCKS] + [(c, average) for c in FLOWS]:
            if not isinstance(r[col], str):
                r[col] = round(r[col] * rate, 2)


def cell(col, v):
    if isinstance(v, str):
        return v
    if col in INTEGERS:
        return str(int(v))
    return money(v)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) > 1:
        out_path = sys.argv[1]
    else:
        out_path = os.path.join(root, "data", "sample", "institution_years.csv")
    rates = read_rates(os.path.join(root, "data", "reference", "exchange_rates.csv"))
    rows = generate()
    extend(rows)
    rows = apply_problems(rows)
    convert(rows, rates)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(HEADER)
        for r in rows:
            w.writerow([cell(c, r[c]) for c in HEADER])
    print("wrote %s (%d rows)" % (out_path, len(rows)))


if __name__ == "__main__":
    main()
