// Tests of the standard indicator catalogue (data/indicators/catalogue.toml) and of the
// catalogue's error diagnostics (sfp/catalogue.hpp, docs/indicators.md).
//
// Every indicator has a hand-computed reference value on one small panel (institution MFI-A,
// Kenya, amounts in USD, fiscal years 2022 and 2023; the value checked is the 2023 one, where
// avg(x) = (x_2022 + x_2023) / 2), plus its missing-input case and, where it has a denominator,
// its zero-denominator case. The panel's figures are listed once, in base_records(); every
// expected value below shows its arithmetic from them.

#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/formula.hpp"
#include "sfp/indicators.hpp"
#include "sfp/reference_series.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

const std::string catalogue_path =
    std::string(SFPGEN_SOURCE_DIR) + "/data/indicators/catalogue.toml";

/// The standard catalogue, loaded once.
const sfp::Catalogue& standard() {
    static const sfp::Catalogue catalogue = [] {
        sfp::Diagnostics diagnostics;
        auto loaded = sfp::load_catalogue(catalogue_path, diagnostics);
        for (const auto& diagnostic : diagnostics.items()) {
            UNSCOPED_INFO(sfp::to_string(diagnostic));
        }
        REQUIRE(loaded.has_value());
        REQUIRE_FALSE(diagnostics.has_errors());
        return std::move(*loaded);
    }();
    return catalogue;
}

/// One institution-year record of a test panel.
struct Record {
    std::string id = "MFI-A";
    std::string country = "KEN";
    std::string region = "Africa";
    std::string currency = "USD";
    int year = 2023;
    std::map<std::string, double> numbers;
    std::optional<sfp::Date> period_start;
    std::optional<sfp::Date> period_end;
};

/// A Dataset with the records' columns; a field a record lacks is missing (nullopt) there.
sfp::Dataset build(const std::vector<Record>& records) {
    sfp::Dataset data;
    std::set<std::string> fields;
    for (const auto& record : records) {
        for (const auto& [field, value] : record.numbers) {
            fields.insert(field);
        }
    }
    for (const auto& field : fields) {
        data.numbers[field].resize(records.size());
    }
    data.texts["legal_form"].resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& record = records[i];
        data.institution_id.push_back(record.id);
        data.institution_name.push_back("Institution " + record.id);
        data.country_iso3.push_back(record.country);
        data.region.push_back(record.region);
        data.currency.push_back(record.currency);
        data.fiscal_year.push_back(record.year);
        data.period_start.push_back(record.period_start);
        data.period_end.push_back(record.period_end);
        data.texts["legal_form"][i] = "NGO";
        for (const auto& [field, value] : record.numbers) {
            data.numbers[field][i] = value;
        }
        data.origin.push_back(sfp::SourcePos{"panel.csv", static_cast<long>(i) + 2, 0});
    }
    return data;
}

/// MFI-A's figures: [0] = fiscal year 2022, [1] = fiscal year 2023 (USD; flows for 12 months).
/// Averages used below: avg(total_assets) = 1,100,000; avg(total_equity) = 350,000;
/// avg(net_fixed_assets) = 50,000; avg(gross_loan_portfolio) = 900,000; avg(deposits) = 250,000;
/// avg(borrowings) = 400,000; avg(concessional_borrowings) = 100,000;
/// avg(active_borrowers) = 1,750; avg(loans_outstanding_n) = 2,000; avg(active_clients) = 2,250.
std::vector<Record> base_records() {
    const std::map<std::string, std::pair<double, double>> figures{
        // Balance sheet (stocks)
        {"total_assets", {1000000, 1200000}},
        {"total_liabilities", {700000, 800000}},
        {"total_equity", {300000, 400000}},
        {"deposits", {200000, 300000}},
        {"borrowings", {400000, 400000}},
        {"concessional_borrowings", {100000, 100000}},
        {"net_fixed_assets", {40000, 60000}},
        {"cash_due_from_banks", {80000, 100000}},
        {"trade_investments", {20000, 50000}},
        {"short_term_liabilities", {250000, 300000}},
        {"impairment_loss_allowance", {30000, 25000}},
        // Portfolio
        {"gross_loan_portfolio", {800000, 1000000}},
        {"par30_balance", {40000, 50000}},
        {"par90_balance", {20000, 25000}},
        {"par91_180_balance", {10000, 12000}},
        {"par181_365_balance", {5000, 8000}},
        {"renegotiated_balance", {20000, 30000}},
        {"write_offs", {12000, 15000}},
        {"recoveries", {2000, 3000}},
        {"loans_outstanding_n", {1800, 2200}},
        {"loans_disbursed_n", {2500, 3000}},
        {"loans_disbursed_value", {1200000, 1500000}},
        // Income statement (flows)
        {"fin_revenue", {250000, 300000}},
        {"portfolio_interest_fee_income", {230000, 270000}},
        {"fin_expense", {50000, 60000}},
        {"fin_expense_funding", {45000, 52000}},
        {"fin_expense_concessional", {4000, 4000}},
        {"impairment_expense", {15000, 20000}},
        {"opex", {160000, 180000}},
        {"net_operating_income", {25000, 40000}},
        {"taxes", {8000, 10000}},
        {"donations", {5000, 5000}},
        {"inkind_subsidy", {6000, 6000}},
        // Outreach
        {"active_borrowers", {1500, 2000}},
        {"active_borrowers_women", {1000, 1300}},
        {"active_borrowers_rural", {600, 800}},
        {"active_clients", {2000, 2500}},
        {"active_clients_begin", {1800, 2000}},
        {"new_clients", {900, 1000}},
        {"voluntary_depositors", {500, 600}},
        {"voluntary_savings", {150000, 240000}},
        {"poorest_clients_at_first_loan", {700, 1000}},
        {"poorest_women_clients", {500, 650}},
        {"clients_with_microinsurance", {400, 500}},
        // Staff
        {"personnel", {40, 50}},
        {"loan_officers", {25, 32}},
        // Social (surveys)
        {"hh_surveyed", {200, 250}},
        {"hh_with_child_labour", {30, 25}},
        {"enterprises_surveyed", {150, 200}},
        {"enterprises_registered", {60, 90}},
        {"enterprises_with_new_osh_measure", {20, 50}},
        {"clients_surveyed", {300, 400}},
        {"clients_multiple_lenders", {45, 60}},
        {"employees_in_client_enterprises", {3000, 3400}},
        {"points_achieved", {60, 72}},
        {"points_possible", {100, 96}},
        {"ppi_clients_sampled", {200, 250}},
        {"ppi_poverty_likelihood_sum", {80, 95}},
        // Identity
        {"established_year", {2015, 2015}},
    };
    std::vector<Record> records(2);
    records[0].year = 2022;
    records[1].year = 2023;
    for (const auto& [field, values] : figures) {
        records[0].numbers[field] = values.first;
        records[1].numbers[field] = values.second;
    }
    return records;
}

/// Kenya's reference series: GNI per capita 1,900 (2022) and 2,000 USD (2023); inflation 6%
/// (2022) and 5% (2023).
sfp::ReferenceSeries base_reference() {
    sfp::ReferenceSeries reference;
    reference.gni[{"KEN", 2022}] = 1900;
    reference.gni[{"KEN", 2023}] = 2000;
    reference.inflation[{"KEN", 2022}] = 0.06;
    reference.inflation[{"KEN", 2023}] = 0.05;
    return reference;
}

/// The base panel and reference series, to be changed by a test case.
struct Panel {
    sfp::Dataset data = build(base_records());
    sfp::ReferenceSeries reference = base_reference();
    sfp::EngineOptions options;

    /// Sets `field` of record `index` (0 = 2022, 1 = 2023); nullopt makes it missing.
    Panel& set(const std::string& field, std::size_t index, std::optional<double> value) {
        auto& column = data.numbers[field];
        column.resize(data.size());
        column.at(index) = value;
        return *this;
    }
    /// Sets `field` in both years (for the average balances).
    Panel& set_both(const std::string& field, double value) {
        return set(field, 0, value).set(field, 1, value);
    }

    [[nodiscard]] sfp::InstitutionValues values(const std::string& indicator) const {
        return sfp::institution_values(data, standard(), reference, options, indicator);
    }
};

/// The 2023 value of `indicator` on `panel` equals `expected` (relative 1e-12).
void check_value(const Panel& panel, const std::string& indicator, double expected,
                 std::size_t record = 1) {
    INFO(indicator);
    const auto values = panel.values(indicator);
    REQUIRE(values.value.size() == panel.data.size());
    REQUIRE(values.reason.size() == panel.data.size());
    CHECK(values.reason[record].empty());
    CHECK_THAT(values.value[record], WithinRel(expected, 1e-12));
}

void check_value(const std::string& indicator, double expected) {
    check_value(Panel{}, indicator, expected);
}

/// The 2023 value of `indicator` on `panel` is missing with reason `reason`.
void check_reason(const Panel& panel, const std::string& indicator, const std::string& reason,
                  std::size_t record = 1) {
    INFO(indicator);
    const auto values = panel.values(indicator);
    REQUIRE(values.value.size() == panel.data.size());
    REQUIRE(values.reason.size() == panel.data.size());
    CHECK(std::isnan(values.value[record]));
    CHECK(values.reason[record] == reason);
}

/// With `field` missing in 2023, `indicator` is missing with "missing-input: <field>".
void check_missing(const std::string& indicator, const std::string& field) {
    Panel panel;
    panel.set(field, 1, std::nullopt);
    check_reason(panel, indicator, "missing-input: " + field);
}

/// With `change` applied, `indicator` is missing with "zero-denominator".
void check_zero_denominator(const std::string& indicator,
                            const std::function<void(Panel&)>& change) {
    Panel panel;
    change(panel);
    check_reason(panel, indicator, "zero-denominator");
}

/// The 2023 record alone (no 2022 record): `prev()` has no previous period.
Panel only_2023() {
    Panel panel;
    auto records = base_records();
    records.erase(records.begin());
    panel.data = build(records);
    return panel;
}

} // namespace

// ------------------------------------------------------------------------------------------------
// The catalogue's contents

TEST_CASE("catalogue: the standard catalogue has every indicator of the domain table",
          "[catalogue]") {
    // ../shared/domain/indicators.md lists 50 indicators: FIN-01..17, PQ-01..05, EFF-01..07,
    // OUT-01..10, SOC-01..11.
    std::vector<std::string> expected;
    const std::vector<std::pair<std::string, int>> families{
        {"FIN", 17}, {"PQ", 5}, {"EFF", 7}, {"OUT", 10}, {"SOC", 11}};
    for (const auto& [family, count] : families) {
        for (int i = 1; i <= count; ++i) {
            expected.push_back(family + (i < 10 ? "-0" : "-") + std::to_string(i));
        }
    }
    REQUIRE(expected.size() == 50);
    const auto& catalogue = standard();
    auto ids = catalogue.ids();
    CHECK(ids.size() == expected.size());
    std::sort(ids.begin(), ids.end());
    std::sort(expected.begin(), expected.end());
    CHECK(ids == expected);

    for (const auto& def : catalogue.indicators) {
        INFO(def.id);
        CHECK_FALSE(def.names.en.empty());
        CHECK_FALSE(def.names.fr.empty());
        CHECK_FALSE(def.names.es.empty());
        CHECK(def.name == def.names.en);
        CHECK_FALSE(def.short_names.en.empty());
        CHECK_FALSE(def.short_names.fr.empty());
        CHECK_FALSE(def.short_names.es.empty());
        CHECK_FALSE(def.formula.empty());
        CHECK_FALSE(def.statistics.empty());
        CHECK_FALSE(def.source.empty());
        CHECK_FALSE(def.version.empty());
        CHECK((def.evidence == "V" || def.evidence == "P" || def.evidence == "D"));
        // "ratio" needs numerator / denominator at the top of the formula.
        if (def.has(sfp::Statistic::ratio)) {
            CHECK(def.formula.ratio_parts().has_value());
        }
    }
}

TEST_CASE("catalogue: names, units and statistics of the indicators the sample report shows",
          "[catalogue]") {
    const auto& catalogue = standard();
    const auto* oss = catalogue.find("FIN-01");
    REQUIRE(oss != nullptr);
    CHECK(oss->names.en == "Operational self-sufficiency");
    CHECK(oss->names.fr == "Autosuffisance opérationnelle");
    CHECK(oss->names.es == "Autosuficiencia operativa");
    CHECK(oss->short_name == "OSS");
    CHECK(oss->unit == sfp::Unit::fraction);
    CHECK(oss->decimals == 1);
    CHECK(oss->good == sfp::Direction::up);
    CHECK(oss->statistics ==
          std::vector<sfp::Statistic>{sfp::Statistic::ratio, sfp::Statistic::median});

    const auto* par = catalogue.find("PQ-01");
    REQUIRE(par != nullptr);
    CHECK(par->names.fr == "Portefeuille à risque > 30 jours");
    CHECK(par->names.es == "Cartera en riesgo > 30 días");
    CHECK(par->short_name == "PAR30");
    CHECK(par->good == sfp::Direction::down);

    const auto* borrowers = catalogue.find("OUT-01");
    REQUIRE(borrowers != nullptr);
    CHECK(borrowers->short_name == "Active borrowers");
    CHECK(borrowers->unit == sfp::Unit::count);
    CHECK(borrowers->decimals == 0);
    CHECK(borrowers->statistics == std::vector<sfp::Statistic>{sfp::Statistic::sum});

    const auto* glp = catalogue.find("OUT-03");
    REQUIRE(glp != nullptr);
    CHECK(glp->short_name == "GLP (USD m)");
    CHECK(glp->unit == sfp::Unit::usd);
    CHECK(glp->decimals == 1);

    const auto* women = catalogue.find("OUT-06");
    REQUIRE(women != nullptr);
    CHECK(women->short_name == "% women");
    CHECK(women->unit == sfp::Unit::fraction);

    // Statistics that are not ratio + median.
    CHECK(catalogue.find("FIN-09")->statistics ==
          std::vector<sfp::Statistic>{sfp::Statistic::median});
    CHECK(catalogue.find("FIN-15")->statistics ==
          std::vector<sfp::Statistic>{sfp::Statistic::median});
    CHECK(catalogue.find("FIN-15")->unit == sfp::Unit::multiple);
    CHECK(catalogue.find("FIN-17")->statistics ==
          std::vector<sfp::Statistic>{sfp::Statistic::median});
    CHECK(catalogue.find("OUT-05")->statistics ==
          std::vector<sfp::Statistic>{sfp::Statistic::bwm, sfp::Statistic::median});
    CHECK(catalogue.find("OUT-05")->weight == "active_borrowers");
    CHECK(catalogue.find("OUT-10")->statistics ==
          std::vector<sfp::Statistic>{sfp::Statistic::bwm, sfp::Statistic::median});
    CHECK(catalogue.find("SOC-07")->statistics == std::vector<sfp::Statistic>{sfp::Statistic::sum});
    CHECK(catalogue.find("SOC-11")->headline() == sfp::Statistic::median);
}

TEST_CASE("catalogue: parameters, derived quantities and peer groups", "[catalogue]") {
    const auto& catalogue = standard();
    CHECK(catalogue.parameters.at("market_rate") == 0.12);
    CHECK(catalogue.parameters.at("concessional_threshold") == 0.75);
    CHECK(catalogue.parameters.at("prov_renegotiated") == 0.5);
    CHECK(catalogue.parameters.at("prov_par91_180") == 0.5);
    CHECK(catalogue.parameters.at("prov_par181_365") == 1.0);

    for (const auto* name : {"inflation_adj", "subsidy_adj", "min_reserve", "provisioning_adj",
                             "adj_impairment_expense", "adj_fin_revenue",
                             "adj_net_operating_income", "adj_net_operating_income_after_tax"}) {
        INFO(name);
        const auto* derived = catalogue.find_derived(name);
        REQUIRE(derived != nullptr);
        CHECK_FALSE(derived->description.empty());
        CHECK_FALSE(derived->formula.empty());
    }

    const auto* age = catalogue.find_peer_group("age");
    REQUIRE(age != nullptr);
    CHECK(age->label.fr == "Âge");
    REQUIRE(age->bands.size() == 3);
    CHECK(age->bands[0].below == 5.0);
    CHECK(age->bands[1].below == 9.0);
    CHECK_FALSE(age->bands[2].below.has_value());

    const auto* scale = catalogue.find_peer_group("scale");
    REQUIRE(scale != nullptr);
    CHECK(scale->by == "region");
    REQUIRE(scale->bands.size() == 3);
    CHECK(scale->bands[0].below == 2e6);
    CHECK(scale->bands[1].below == 8e6);
    // Both spellings of the region: countries.csv ("&") and the sample data ("and").
    CHECK(scale->thresholds.at("Latin America & Caribbean") == std::vector<double>{4e6, 15e6});
    CHECK(scale->thresholds.at("Latin America and Caribbean") == std::vector<double>{4e6, 15e6});

    const auto* intermediation = catalogue.find_peer_group("intermediation");
    REQUIRE(intermediation != nullptr);
    REQUIRE(intermediation->bands.size() == 3);
    CHECK(intermediation->bands[0].label == "None");
    CHECK(intermediation->bands[1].below == 0.2);

    const auto* market = catalogue.find_peer_group("target_market");
    REQUIRE(market != nullptr);
    REQUIRE(market->bands.size() == 4);
    CHECK(market->bands[0].below == 0.2);
    CHECK(market->bands[1].below == 1.5);
    CHECK(market->bands[2].below == 2.5);
    CHECK(market->bands[3].label == "Small business");
}

// ------------------------------------------------------------------------------------------------
// Derived quantities (the MBB adjustments) on MFI-A 2023

TEST_CASE("catalogue: the adjustments of FSS and adjusted ROA / ROE", "[catalogue]") {
    // inflation_adj = inflation_rate * (avg(total_equity) - avg(net_fixed_assets))
    //               = 0.05 * (350,000 - 50,000) = 15,000
    check_value("inflation_adj", 0.05 * (350000.0 - 50000.0));
    // Effective rate on concessional funds 4,000 / 100,000 = 4% <= 0.75 * 12% = 9%: subsidised.
    // subsidy_adj = max(0, 100,000 * 0.12 - 4,000) = 8,000
    check_value("subsidy_adj", 100000.0 * 0.12 - 4000.0);
    // min_reserve = 0.5 * 30,000 + 0.5 * 12,000 + 1.0 * 8,000 = 15,000 + 6,000 + 8,000 = 29,000
    check_value("min_reserve", 29000.0);
    // provisioning_adj = max(0, 29,000 - 25,000) = 4,000
    check_value("provisioning_adj", 4000.0);
    // adj_impairment_expense = 20,000 + 4,000 = 24,000
    check_value("adj_impairment_expense", 24000.0);
    check_value("adj_fin_revenue", 300000.0);
    // adj_net_operating_income = 300,000 - (60,000 + 15,000 + 8,000 + 24,000 + 180,000 + 6,000)
    //                          = 300,000 - 293,000 = 7,000
    check_value("adj_net_operating_income", 7000.0);
    // after tax: 7,000 - 10,000 = -3,000
    check_value("adj_net_operating_income_after_tax", -3000.0);
}

TEST_CASE("catalogue: subsidy adjustment without concessional funds, at market rates, missing",
          "[catalogue]") {
    SECTION("no concessional borrowings: 0, not a zero denominator") {
        Panel panel;
        panel.set_both("concessional_borrowings", 0).set_both("fin_expense_concessional", 0);
        // 0 <= 0.09 * 0 holds; max(0, 0 * 0.12 - 0) = 0.
        const auto values = panel.values("subsidy_adj");
        CHECK(values.reason[1].empty());
        CHECK(values.value[1] == 0.0);
        // FSS then has no subsidy adjustment: 300,000 / (293,000 - 8,000) = 300,000 / 285,000.
        check_value(panel, "FIN-02", 300000.0 / 285000.0);
    }
    SECTION("funds less than 25% below market: no adjustment") {
        Panel panel;
        // 10,000 / 100,000 = 10% > 9%: the condition fails, the adjustment is 0.
        panel.set("fin_expense_concessional", 1, 10000);
        const auto values = panel.values("subsidy_adj");
        CHECK(values.reason[1].empty());
        CHECK(values.value[1] == 0.0);
    }
    SECTION("exactly at the threshold: adjusted") {
        Panel panel;
        // 9,000 / 100,000 = 9% = 0.75 * 12%: max(0, 12,000 - 9,000) = 3,000. (0.75 * 0.12 *
        // 100,000 computes to 9000.000000000002 or 9000 in binary; either way 9,000 <= it.)
        panel.set("fin_expense_concessional", 1, 9000);
        check_value(panel, "subsidy_adj", 3000.0);
    }
    SECTION("a parameter override changes the market rate") {
        Panel panel;
        panel.options.parameters["market_rate"] = 0.2;
        // 4% <= 0.75 * 20% = 15%: max(0, 100,000 * 0.2 - 4,000) = 16,000
        check_value(panel, "subsidy_adj", 100000.0 * 0.2 - 4000.0);
    }
    SECTION("missing concessional borrowings is not zero") {
        Panel panel;
        panel.set("concessional_borrowings", 1, std::nullopt);
        check_reason(panel, "subsidy_adj", "missing-input: concessional_borrowings");
        check_reason(panel, "FIN-02", "missing-input: concessional_borrowings");
    }
    SECTION("allowance above the minimum reserve: no provisioning adjustment") {
        Panel panel;
        panel.set("impairment_loss_allowance", 1, 40000);
        // max(0, 29,000 - 40,000) = 0
        const auto values = panel.values("provisioning_adj");
        CHECK(values.reason[1].empty());
        CHECK(values.value[1] == 0.0);
    }
}

// ------------------------------------------------------------------------------------------------
// Sustainability and profitability

TEST_CASE("catalogue: FIN-01 operational self-sufficiency", "[catalogue]") {
    // fin_revenue / (fin_expense + impairment_expense + opex)
    // = 300,000 / (60,000 + 20,000 + 180,000) = 300,000 / 260,000 = 1.153846...
    check_value("FIN-01", 300000.0 / 260000.0);
    check_missing("FIN-01", "opex");
    // 60,000 + (-240,000) + 180,000 = 0 (a net impairment reversal may be negative)
    check_zero_denominator("FIN-01", [](Panel& p) { p.set("impairment_expense", 1, -240000); });
}

TEST_CASE("catalogue: FIN-02 financial self-sufficiency", "[catalogue]") {
    // adj_fin_revenue / (fin_expense + inflation_adj + subsidy_adj + adj_impairment_expense +
    //                    opex + inkind_subsidy)
    // = 300,000 / (60,000 + 15,000 + 8,000 + 24,000 + 180,000 + 6,000) = 300,000 / 293,000
    check_value("FIN-02", 300000.0 / 293000.0);
    check_missing("FIN-02", "inkind_subsidy");
    // impairment_expense -273,000: adj_impairment_expense = -273,000 + 4,000 = -269,000;
    // 60,000 + 15,000 + 8,000 - 269,000 + 180,000 + 6,000 = 0
    check_zero_denominator("FIN-02", [](Panel& p) { p.set("impairment_expense", 1, -273000); });
}

TEST_CASE("catalogue: FIN-03 return on assets", "[catalogue]") {
    // (net_operating_income - taxes) / avg(total_assets) = (40,000 - 10,000) / 1,100,000
    check_value("FIN-03", 30000.0 / 1100000.0);
    check_missing("FIN-03", "taxes");
    check_missing("FIN-03", "total_assets");
    check_zero_denominator("FIN-03", [](Panel& p) { p.set_both("total_assets", 0); });
}

TEST_CASE("catalogue: FIN-04 adjusted return on assets", "[catalogue]") {
    // adj_net_operating_income_after_tax / avg(total_assets) = -3,000 / 1,100,000
    check_value("FIN-04", -3000.0 / 1100000.0);
    // through min_reserve -> provisioning_adj -> adj_impairment_expense
    check_missing("FIN-04", "renegotiated_balance");
    check_zero_denominator("FIN-04", [](Panel& p) { p.set_both("total_assets", 0); });
}

TEST_CASE("catalogue: FIN-05 return on equity", "[catalogue]") {
    // (40,000 - 10,000) / avg(total_equity) = 30,000 / 350,000
    check_value("FIN-05", 30000.0 / 350000.0);
    check_missing("FIN-05", "net_operating_income");
    check_zero_denominator("FIN-05", [](Panel& p) { p.set_both("total_equity", 0); });
}

TEST_CASE("catalogue: FIN-06 adjusted return on equity", "[catalogue]") {
    // -3,000 / 350,000
    check_value("FIN-06", -3000.0 / 350000.0);
    check_missing("FIN-06", "impairment_loss_allowance");
    // avg(total_equity) = 0 (inflation_adj becomes 0.05 * (0 - 50,000): still a number)
    check_zero_denominator("FIN-06", [](Panel& p) { p.set_both("total_equity", 0); });
}

TEST_CASE("catalogue: FIN-07 profit margin", "[catalogue]") {
    // adj_net_operating_income / adj_fin_revenue = 7,000 / 300,000
    check_value("FIN-07", 7000.0 / 300000.0);
    check_missing("FIN-07", "fin_expense");
    check_zero_denominator("FIN-07", [](Panel& p) { p.set("fin_revenue", 1, 0); });
}

// ------------------------------------------------------------------------------------------------
// Revenue and expenses

TEST_CASE("catalogue: FIN-08 nominal portfolio yield", "[catalogue]") {
    // portfolio_interest_fee_income / avg(gross_loan_portfolio) = 270,000 / 900,000 = 0.3
    check_value("FIN-08", 270000.0 / 900000.0);
    check_missing("FIN-08", "portfolio_interest_fee_income");
    check_zero_denominator("FIN-08", [](Panel& p) { p.set_both("gross_loan_portfolio", 0); });
}

TEST_CASE("catalogue: FIN-09 real portfolio yield", "[catalogue]") {
    // (FIN-08 - inflation_rate) / (1 + inflation_rate) = (0.3 - 0.05) / 1.05 = 0.238095...
    check_value("FIN-09", (0.3 - 0.05) / 1.05);
    {
        Panel panel;
        panel.reference.inflation.erase({"KEN", 2023});
        check_reason(panel, "FIN-09", "missing-input: inflation_rate");
    }
    check_missing("FIN-09", "portfolio_interest_fee_income");
    // 1 + (-1) = 0
    check_zero_denominator("FIN-09", [](Panel& p) { p.reference.inflation[{"KEN", 2023}] = -1.0; });
}

TEST_CASE("catalogue: FIN-10 operating expense ratio", "[catalogue]") {
    // opex / avg(gross_loan_portfolio) = 180,000 / 900,000 = 0.2
    check_value("FIN-10", 180000.0 / 900000.0);
    check_missing("FIN-10", "opex");
    check_zero_denominator("FIN-10", [](Panel& p) { p.set_both("gross_loan_portfolio", 0); });
}

TEST_CASE("catalogue: FIN-11 financial expense ratio", "[catalogue]") {
    // fin_expense / avg(total_assets) = 60,000 / 1,100,000
    check_value("FIN-11", 60000.0 / 1100000.0);
    check_missing("FIN-11", "fin_expense");
    check_zero_denominator("FIN-11", [](Panel& p) { p.set_both("total_assets", 0); });
}

TEST_CASE("catalogue: FIN-12 impairment expense ratio", "[catalogue]") {
    // impairment_expense / avg(gross_loan_portfolio) = 20,000 / 900,000
    check_value("FIN-12", 20000.0 / 900000.0);
    check_missing("FIN-12", "impairment_expense");
    check_zero_denominator("FIN-12", [](Panel& p) { p.set_both("gross_loan_portfolio", 0); });
}

TEST_CASE("catalogue: FIN-13 cost of funds", "[catalogue]") {
    // fin_expense_funding / (avg(deposits) + avg(borrowings)) = 52,000 / (250,000 + 400,000)
    // = 52,000 / 650,000 = 0.08
    check_value("FIN-13", 52000.0 / 650000.0);
    check_missing("FIN-13", "borrowings");
    check_zero_denominator("FIN-13", [](Panel& p) {
        p.set_both("deposits", 0);
        p.set_both("borrowings", 0);
    });
}

// ------------------------------------------------------------------------------------------------
// Asset / liability management

TEST_CASE("catalogue: FIN-14 portfolio to assets", "[catalogue]") {
    // gross_loan_portfolio / total_assets = 1,000,000 / 1,200,000
    check_value("FIN-14", 1000000.0 / 1200000.0);
    check_missing("FIN-14", "gross_loan_portfolio");
    check_zero_denominator("FIN-14", [](Panel& p) { p.set("total_assets", 1, 0); });
}

TEST_CASE("catalogue: FIN-15 debt to equity", "[catalogue]") {
    // total_liabilities / total_equity = 800,000 / 400,000 = 2
    check_value("FIN-15", 2.0);
    check_missing("FIN-15", "total_liabilities");
    check_zero_denominator("FIN-15", [](Panel& p) { p.set("total_equity", 1, 0); });
}

TEST_CASE("catalogue: FIN-16 capital to assets", "[catalogue]") {
    // total_equity / total_assets = 400,000 / 1,200,000
    check_value("FIN-16", 400000.0 / 1200000.0);
    check_missing("FIN-16", "total_equity");
    check_zero_denominator("FIN-16", [](Panel& p) { p.set("total_assets", 1, 0); });
}

TEST_CASE("catalogue: FIN-17 liquid ratio", "[catalogue]") {
    // (cash_due_from_banks + trade_investments) / short_term_liabilities
    // = (100,000 + 50,000) / 300,000 = 0.5
    check_value("FIN-17", 0.5);
    check_missing("FIN-17", "trade_investments");
    check_zero_denominator("FIN-17", [](Panel& p) { p.set("short_term_liabilities", 1, 0); });
}

// ------------------------------------------------------------------------------------------------
// Portfolio quality

TEST_CASE("catalogue: PQ-01 portfolio at risk > 30 days", "[catalogue]") {
    // par30_balance / gross_loan_portfolio = 50,000 / 1,000,000 = 0.05
    check_value("PQ-01", 0.05);
    check_missing("PQ-01", "par30_balance");
    check_zero_denominator("PQ-01", [](Panel& p) { p.set("gross_loan_portfolio", 1, 0); });
}

TEST_CASE("catalogue: PQ-02 portfolio at risk > 90 days", "[catalogue]") {
    // 25,000 / 1,000,000 = 0.025
    check_value("PQ-02", 0.025);
    check_missing("PQ-02", "par90_balance");
    check_zero_denominator("PQ-02", [](Panel& p) { p.set("gross_loan_portfolio", 1, 0); });
}

TEST_CASE("catalogue: PQ-03 write-off ratio", "[catalogue]") {
    // write_offs / avg(gross_loan_portfolio) = 15,000 / 900,000
    check_value("PQ-03", 15000.0 / 900000.0);
    check_missing("PQ-03", "write_offs");
    check_zero_denominator("PQ-03", [](Panel& p) { p.set_both("gross_loan_portfolio", 0); });
}

TEST_CASE("catalogue: PQ-04 risk coverage", "[catalogue]") {
    // impairment_loss_allowance / par30_balance = 25,000 / 50,000 = 0.5
    check_value("PQ-04", 0.5);
    check_missing("PQ-04", "impairment_loss_allowance");
    check_zero_denominator("PQ-04", [](Panel& p) { p.set("par30_balance", 1, 0); });
}

TEST_CASE("catalogue: PQ-05 loan loss rate", "[catalogue]") {
    // (write_offs - recoveries) / avg(gross_loan_portfolio) = (15,000 - 3,000) / 900,000
    check_value("PQ-05", 12000.0 / 900000.0);
    check_missing("PQ-05", "recoveries");
    check_zero_denominator("PQ-05", [](Panel& p) { p.set_both("gross_loan_portfolio", 0); });
}

// ------------------------------------------------------------------------------------------------
// Efficiency and productivity

TEST_CASE("catalogue: EFF-01 cost per borrower", "[catalogue]") {
    // opex / avg(active_borrowers) = 180,000 / ((1,500 + 2,000) / 2) = 180,000 / 1,750
    check_value("EFF-01", 180000.0 / 1750.0);
    check_missing("EFF-01", "active_borrowers");
    check_zero_denominator("EFF-01", [](Panel& p) { p.set_both("active_borrowers", 0); });
}

TEST_CASE("catalogue: EFF-02 cost per loan", "[catalogue]") {
    // opex / avg(loans_outstanding_n) = 180,000 / ((1,800 + 2,200) / 2) = 180,000 / 2,000 = 90
    check_value("EFF-02", 90.0);
    check_missing("EFF-02", "loans_outstanding_n");
    check_zero_denominator("EFF-02", [](Panel& p) { p.set_both("loans_outstanding_n", 0); });
}

TEST_CASE("catalogue: EFF-03 borrowers per loan officer", "[catalogue]") {
    // active_borrowers / loan_officers = 2,000 / 32 = 62.5
    check_value("EFF-03", 62.5);
    check_missing("EFF-03", "loan_officers");
    check_zero_denominator("EFF-03", [](Panel& p) { p.set("loan_officers", 1, 0); });
}

TEST_CASE("catalogue: EFF-04 borrowers per staff member", "[catalogue]") {
    // active_borrowers / personnel = 2,000 / 50 = 40
    check_value("EFF-04", 40.0);
    check_missing("EFF-04", "personnel");
    check_zero_denominator("EFF-04", [](Panel& p) { p.set("personnel", 1, 0); });
}

TEST_CASE("catalogue: EFF-05 personnel allocation", "[catalogue]") {
    // loan_officers / personnel = 32 / 50 = 0.64
    check_value("EFF-05", 0.64);
    check_missing("EFF-05", "loan_officers");
    check_zero_denominator("EFF-05", [](Panel& p) { p.set("personnel", 1, 0); });
}

TEST_CASE("catalogue: EFF-06 client turnover", "[catalogue]") {
    // (active_clients_begin + new_clients - active_clients) / avg(active_clients)
    // = (2,000 + 1,000 - 2,500) / ((2,000 + 2,500) / 2) = 500 / 2,250
    check_value("EFF-06", 500.0 / 2250.0);
    check_missing("EFF-06", "new_clients");
    check_zero_denominator("EFF-06", [](Panel& p) { p.set_both("active_clients", 0); });
}

TEST_CASE("catalogue: EFF-07 average disbursed loan", "[catalogue]") {
    // loans_disbursed_value / loans_disbursed_n = 1,500,000 / 3,000 = 500
    check_value("EFF-07", 500.0);
    check_missing("EFF-07", "loans_disbursed_value");
    check_zero_denominator("EFF-07", [](Panel& p) { p.set("loans_disbursed_n", 1, 0); });
}

// ------------------------------------------------------------------------------------------------
// Outreach

TEST_CASE("catalogue: OUT-01, OUT-02, OUT-03 totals", "[catalogue]") {
    check_value("OUT-01", 2000.0);
    check_missing("OUT-01", "active_borrowers");
    check_value("OUT-02", 600.0);
    check_missing("OUT-02", "voluntary_depositors");
    check_value("OUT-03", 1000000.0);
    check_missing("OUT-03", "gross_loan_portfolio");
}

TEST_CASE("catalogue: OUT-04 average loan balance per borrower", "[catalogue]") {
    // gross_loan_portfolio / active_borrowers = 1,000,000 / 2,000 = 500
    check_value("OUT-04", 500.0);
    check_missing("OUT-04", "active_borrowers");
    check_zero_denominator("OUT-04", [](Panel& p) { p.set("active_borrowers", 1, 0); });
}

TEST_CASE("catalogue: OUT-05 depth of outreach", "[catalogue]") {
    // OUT-04 / gni_per_capita = 500 / 2,000 = 0.25
    check_value("OUT-05", 0.25);
    {
        Panel panel;
        panel.reference.gni.erase({"KEN", 2023});
        check_reason(panel, "OUT-05", "missing-input: gni_per_capita");
    }
    check_missing("OUT-05", "gross_loan_portfolio");
    check_zero_denominator("OUT-05", [](Panel& p) { p.reference.gni[{"KEN", 2023}] = 0.0; });
    // A zero denominator inside OUT-04 makes OUT-05 missing for the same reason.
    check_zero_denominator("OUT-05", [](Panel& p) { p.set("active_borrowers", 1, 0); });
}

TEST_CASE("catalogue: OUT-06 women borrowers", "[catalogue]") {
    // 1,300 / 2,000 = 0.65
    check_value("OUT-06", 0.65);
    check_missing("OUT-06", "active_borrowers_women");
    check_zero_denominator("OUT-06", [](Panel& p) { p.set("active_borrowers", 1, 0); });
}

TEST_CASE("catalogue: OUT-07 rural borrowers", "[catalogue]") {
    // 800 / 2,000 = 0.4
    check_value("OUT-07", 0.4);
    check_missing("OUT-07", "active_borrowers_rural");
    check_zero_denominator("OUT-07", [](Panel& p) { p.set("active_borrowers", 1, 0); });
}

TEST_CASE("catalogue: OUT-08 growth in active borrowers", "[catalogue]") {
    // (active_borrowers - prev(active_borrowers)) / prev(active_borrowers)
    // = (2,000 - 1,500) / 1,500 = 1/3
    check_value("OUT-08", 500.0 / 1500.0);
    check_missing("OUT-08", "active_borrowers");
    {
        // The previous year's record exists but its value is missing.
        Panel panel;
        panel.set("active_borrowers", 0, std::nullopt);
        check_reason(panel, "OUT-08", "missing-input: active_borrowers");
    }
    check_reason(only_2023(), "OUT-08", "no-previous-period", 0);
    check_zero_denominator("OUT-08", [](Panel& p) { p.set("active_borrowers", 0, 0); });
}

TEST_CASE("catalogue: OUT-09 growth in gross loan portfolio", "[catalogue]") {
    // (1,000,000 - 800,000) / 800,000 = 0.25
    check_value("OUT-09", 200000.0 / 800000.0);
    check_missing("OUT-09", "gross_loan_portfolio");
    check_reason(only_2023(), "OUT-09", "no-previous-period", 0);
    check_zero_denominator("OUT-09", [](Panel& p) { p.set("gross_loan_portfolio", 0, 0); });
}

TEST_CASE("catalogue: OUT-10 average savings balance / GNI per capita", "[catalogue]") {
    // (voluntary_savings / voluntary_depositors) / gni_per_capita = (240,000 / 600) / 2,000
    // = 400 / 2,000 = 0.2
    check_value("OUT-10", 0.2);
    check_missing("OUT-10", "voluntary_savings");
    check_zero_denominator("OUT-10", [](Panel& p) { p.reference.gni[{"KEN", 2023}] = 0.0; });
    check_zero_denominator("OUT-10", [](Panel& p) { p.set("voluntary_depositors", 1, 0); });
}

// ------------------------------------------------------------------------------------------------
// Social performance

TEST_CASE("catalogue: SOC-01 clients below the poverty line at entry (PPI)", "[catalogue]") {
    // ppi_poverty_likelihood_sum / ppi_clients_sampled = 95 / 250 = 0.38
    check_value("SOC-01", 0.38);
    check_missing("SOC-01", "ppi_poverty_likelihood_sum");
    check_zero_denominator("SOC-01", [](Panel& p) { p.set("ppi_clients_sampled", 1, 0); });
}

TEST_CASE("catalogue: SOC-02 share of poorest clients", "[catalogue]") {
    // poorest_clients_at_first_loan / active_clients = 1,000 / 2,500 = 0.4
    check_value("SOC-02", 0.4);
    check_missing("SOC-02", "poorest_clients_at_first_loan");
    check_zero_denominator("SOC-02", [](Panel& p) { p.set("active_clients", 1, 0); });
}

TEST_CASE("catalogue: SOC-03 and SOC-04 poorest clients", "[catalogue]") {
    check_value("SOC-03", 1000.0);
    check_missing("SOC-03", "poorest_clients_at_first_loan");
    check_value("SOC-04", 650.0);
    check_missing("SOC-04", "poorest_women_clients");
}

TEST_CASE("catalogue: SOC-05 child labour in client households", "[catalogue]") {
    // hh_with_child_labour / hh_surveyed = 25 / 250 = 0.1
    check_value("SOC-05", 0.1);
    check_missing("SOC-05", "hh_with_child_labour");
    check_zero_denominator("SOC-05", [](Panel& p) { p.set("hh_surveyed", 1, 0); });
}

TEST_CASE("catalogue: SOC-06 formalised client enterprises", "[catalogue]") {
    // enterprises_registered / enterprises_surveyed = 90 / 200 = 0.45
    check_value("SOC-06", 0.45);
    check_missing("SOC-06", "enterprises_registered");
    check_zero_denominator("SOC-06", [](Panel& p) { p.set("enterprises_surveyed", 1, 0); });
}

TEST_CASE("catalogue: SOC-07 jobs created in client enterprises", "[catalogue]") {
    // employees_in_client_enterprises - prev(employees_in_client_enterprises) = 3,400 - 3,000
    check_value("SOC-07", 400.0);
    check_missing("SOC-07", "employees_in_client_enterprises");
    check_reason(only_2023(), "SOC-07", "no-previous-period", 0);
    {
        // Jobs lost are negative, not missing: 2,900 - 3,000 = -100.
        Panel panel;
        panel.set("employees_in_client_enterprises", 1, 2900);
        check_value(panel, "SOC-07", -100.0);
    }
}

TEST_CASE("catalogue: SOC-08 enterprises improving safety and health", "[catalogue]") {
    // enterprises_with_new_osh_measure / enterprises_surveyed = 50 / 200 = 0.25
    check_value("SOC-08", 0.25);
    check_missing("SOC-08", "enterprises_with_new_osh_measure");
    check_zero_denominator("SOC-08", [](Panel& p) { p.set("enterprises_surveyed", 1, 0); });
}

TEST_CASE("catalogue: SOC-09 insured clients", "[catalogue]") {
    // clients_with_microinsurance / active_clients = 500 / 2,500 = 0.2
    check_value("SOC-09", 0.2);
    check_missing("SOC-09", "clients_with_microinsurance");
    check_zero_denominator("SOC-09", [](Panel& p) { p.set("active_clients", 1, 0); });
}

TEST_CASE("catalogue: SOC-10 over-indebted clients", "[catalogue]") {
    // clients_multiple_lenders / clients_surveyed = 60 / 400 = 0.15
    check_value("SOC-10", 0.15);
    check_missing("SOC-10", "clients_multiple_lenders");
    check_zero_denominator("SOC-10", [](Panel& p) { p.set("clients_surveyed", 1, 0); });
}

TEST_CASE("catalogue: SOC-11 social performance score", "[catalogue]") {
    // points_achieved / points_possible = 72 / 96 = 0.75
    check_value("SOC-11", 0.75);
    check_missing("SOC-11", "points_achieved");
    check_zero_denominator("SOC-11", [](Panel& p) { p.set("points_possible", 1, 0); });
}

// ------------------------------------------------------------------------------------------------
// Period semantics on catalogue indicators

TEST_CASE("catalogue: an input column no source maps is a missing input", "[catalogue]") {
    Panel panel;
    panel.data.numbers.erase("opex");
    check_reason(panel, "FIN-01", "missing-input: opex");
}

TEST_CASE("catalogue: a gap in the panel is no previous period", "[catalogue]") {
    // Records for 2021 and 2023: the 2021 record does not count as 2023's previous period.
    Panel panel;
    auto records = base_records();
    records[0].year = 2021;
    panel.data = build(records);
    check_reason(panel, "OUT-08", "no-previous-period");
    check_reason(panel, "SOC-07", "no-previous-period");
}

TEST_CASE("catalogue: a single balance is used and flagged, or missing on request", "[catalogue]") {
    Panel panel = only_2023();
    // avg(total_assets) = the closing balance 1,200,000: ROA = 30,000 / 1,200,000 = 0.025
    check_value(panel, "FIN-03", 30000.0 / 1200000.0, 0);
    panel.options.indicators = {"FIN-03"};
    const auto results =
        sfp::compute_indicators(panel.data, standard(), panel.reference, panel.options);
    const auto* result = results.find("FIN-03", results.all_scope(), 2023, sfp::Statistic::ratio);
    REQUIRE(result != nullptr);
    REQUIRE(result->value.has_value());
    CHECK_THAT(*result->value, WithinRel(30000.0 / 1200000.0, 1e-12));
    CHECK(result->has_flag("single-balance"));

    panel.options.single_balance = sfp::SingleBalance::missing;
    check_reason(panel, "FIN-03", "no-previous-period", 0);
}

TEST_CASE("catalogue: amounts in another currency are converted to USD", "[catalogue]") {
    // MFI-K reports in KES. Rates (KES per USD): 2022 period end 105; 2023 average 100, end 110.
    // GLP 2022: 94,500,000 / 105 = 900,000 USD; GLP 2023: 110,000,000 / 110 = 1,000,000 USD;
    // interest and fees 2023 (a flow): 25,000,000 / 100 = 250,000 USD.
    std::vector<Record> records(2);
    for (auto& record : records) {
        record.id = "MFI-K";
        record.currency = "KES";
    }
    records[0].year = 2022;
    records[0].numbers = {{"gross_loan_portfolio", 94500000}, {"active_borrowers", 1800}};
    records[1].numbers = {{"gross_loan_portfolio", 110000000},
                          {"portfolio_interest_fee_income", 25000000},
                          {"active_borrowers", 2000}};
    Panel panel;
    panel.data = build(records);
    panel.reference.rates[{"KES", 2022}] = sfp::ExchangeRate{98, 105};
    panel.reference.rates[{"KES", 2023}] = sfp::ExchangeRate{100, 110};

    // OUT-03 = 1,000,000 USD
    check_value(panel, "OUT-03", 1000000.0);
    // OUT-04 = 1,000,000 / 2,000 = 500 USD
    check_value(panel, "OUT-04", 500.0);
    // FIN-08 = 250,000 / ((900,000 + 1,000,000) / 2) = 250,000 / 950,000
    check_value(panel, "FIN-08", 250000.0 / 950000.0);
    // Counts are not converted: OUT-01 = 2,000
    check_value(panel, "OUT-01", 2000.0);

    panel.options.indicators = {"OUT-03"};
    const auto results =
        sfp::compute_indicators(panel.data, standard(), panel.reference, panel.options);
    const auto* result = results.find("OUT-03", results.all_scope(), 2023, sfp::Statistic::sum);
    REQUIRE(result != nullptr);
    REQUIRE(result->value.has_value());
    CHECK_THAT(*result->value, WithinRel(1000000.0, 1e-12));
    CHECK(result->has_flag("converted"));

    panel.reference.rates.erase({"KES", 2023});
    check_reason(panel, "OUT-03", "missing-input: exchange rate KES 2023");
}

TEST_CASE("catalogue: flows of a six-month period are annualised", "[catalogue]") {
    // FY2023 covers 2023-01-01 to 2023-06-30 (6 months): opex 90,000 -> 90,000 * 12 / 6 =
    // 180,000. FIN-10 = 180,000 / avg(gross_loan_portfolio) 900,000 = 0.2 (stocks unchanged).
    auto records = base_records();
    records[1].period_start = sfp::Date{2023, 1, 1};
    records[1].period_end = sfp::Date{2023, 6, 30};
    records[1].numbers["opex"] = 90000;
    Panel panel;
    panel.data = build(records);
    check_value(panel, "FIN-10", 180000.0 / 900000.0);

    panel.options.indicators = {"FIN-10"};
    const auto results =
        sfp::compute_indicators(panel.data, standard(), panel.reference, panel.options);
    const auto* result = results.find("FIN-10", results.all_scope(), 2023, sfp::Statistic::ratio);
    REQUIRE(result != nullptr);
    REQUIRE(result->value.has_value());
    CHECK_THAT(*result->value, WithinRel(0.2, 1e-12));
    CHECK(result->has_flag("annualised"));
}

// ------------------------------------------------------------------------------------------------
// Aggregates with the catalogue's statistics

TEST_CASE("catalogue: weighted ratio, constant-sample growth and borrower-weighted depth",
          "[catalogue]") {
    // MFI-A as above (2022 and 2023); MFI-B in Kenya, 2023 only: GLP 300,000, PAR30 30,000,
    // 1,000 borrowers.
    auto records = base_records();
    Record b;
    b.id = "MFI-B";
    b.numbers = {
        {"gross_loan_portfolio", 300000}, {"par30_balance", 30000}, {"active_borrowers", 1000}};
    records.push_back(b);
    Panel panel;
    panel.data = build(records);
    panel.options.indicators = {"PQ-01", "OUT-08", "OUT-05", "OUT-01"};
    panel.options.min_n = 1;
    const auto results =
        sfp::compute_indicators(panel.data, standard(), panel.reference, panel.options);
    const auto all = results.all_scope();

    // PQ-01 ratio = (50,000 + 30,000) / (1,000,000 + 300,000) = 80,000 / 1,300,000
    const auto* par = results.find("PQ-01", all, 2023, sfp::Statistic::ratio);
    REQUIRE(par != nullptr);
    REQUIRE(par->value.has_value());
    CHECK_THAT(*par->value, WithinRel(80000.0 / 1300000.0, 1e-12));
    CHECK(par->n == 2);

    // OUT-08 on the constant sample: only MFI-A has 2022; (2,000 - 1,500) / 1,500, n = 1.
    const auto* growth = results.find("OUT-08", all, 2023, sfp::Statistic::ratio);
    REQUIRE(growth != nullptr);
    REQUIRE(growth->value.has_value());
    CHECK_THAT(*growth->value, WithinRel(500.0 / 1500.0, 1e-12));
    CHECK(growth->n == 1);

    // OUT-05: A 500 / 2,000 = 0.25 (2,000 borrowers); B (300,000 / 1,000) / 2,000 = 0.15
    // (1,000 borrowers). bwm = (0.25 * 2,000 + 0.15 * 1,000) / 3,000 = 650 / 3,000
    const auto* depth = results.find("OUT-05", all, 2023, sfp::Statistic::bwm);
    REQUIRE(depth != nullptr);
    REQUIRE(depth->value.has_value());
    CHECK_THAT(*depth->value, WithinRel(650.0 / 3000.0, 1e-12));
    CHECK(depth->n == 2);
    CHECK(results.find("OUT-05", all, 2023)->statistic == sfp::Statistic::bwm);

    // OUT-01 sum = 2,000 + 1,000
    const auto* borrowers = results.find("OUT-01", all, 2023, sfp::Statistic::sum);
    REQUIRE(borrowers != nullptr);
    REQUIRE(borrowers->value.has_value());
    CHECK_THAT(*borrowers->value, WithinRel(3000.0, 1e-12));
}

TEST_CASE("catalogue: peer groups by age, scale, intermediation and target market", "[catalogue]") {
    // Four institutions in 2023 (amounts in USD). Peer values and bands:
    //   A Africa, KEN (GNI 2,000): GLP 1,000,000, 2,000 borrowers, established 2015,
    //     savings 240,000 / assets 1,200,000.
    //     age 2023 - 2015 + 1 = 9 -> Mature; scale 1e6 < 2e6 -> Small;
    //     intermediation 0.2, not below 0.2 -> High; depth 1e6 / 2,000 / 2,000 = 0.25 -> Broad.
    //   B "Latin America and Caribbean", BOL (GNI 3,000): GLP 3,000,000, 10,000 borrowers,
    //     established 2020, savings 0 / assets 4,000,000.
    //     age 4 -> New; scale 3e6 < 4e6 (LAC threshold) -> Small; intermediation 0 -> None;
    //     depth 3e6 / 10,000 / 3,000 = 0.1 -> Low end.
    //   C "Latin America & Caribbean", PER (GNI 5,000): GLP 5,000,000, 500 borrowers,
    //     established 2016, savings 100,000 / assets 6,000,000.
    //     age 8 -> Young; scale 4e6 <= 5e6 < 15e6 -> Medium; intermediation 0.0167 -> Low;
    //     depth 5e6 / 500 / 5,000 = 2.0 -> High end.
    //   D Africa, KEN: GLP 3,000,000, 600 borrowers, no established year, no savings figures.
    //     age missing -> no age group; scale 2e6 <= 3e6 < 8e6 -> Medium; intermediation
    //     missing; depth 3e6 / 600 / 2,000 = 2.5, not below 2.5 -> Small business.
    // OUT-01 (sum of borrowers) per scope: scale Small = A + B = 12,000, Medium = C + D = 1,100;
    // age New = 10,000 (B), Young = 500 (C), Mature = 2,000 (A); intermediation None = B,
    // Low = C, High = A; target market Low end = B, Broad = A, High end = C, Small business = D.
    auto make = [](const std::string& id, const std::string& region, const std::string& country,
                   std::map<std::string, double> numbers) {
        Record record;
        record.id = id;
        record.region = region;
        record.country = country;
        record.numbers = std::move(numbers);
        return record;
    };
    const std::vector<Record> records{
        make("A", "Africa", "KEN",
             {{"gross_loan_portfolio", 1e6},
              {"active_borrowers", 2000},
              {"established_year", 2015},
              {"voluntary_savings", 240000},
              {"total_assets", 1200000}}),
        make("B", "Latin America and Caribbean", "BOL",
             {{"gross_loan_portfolio", 3e6},
              {"active_borrowers", 10000},
              {"established_year", 2020},
              {"voluntary_savings", 0},
              {"total_assets", 4e6}}),
        make("C", "Latin America & Caribbean", "PER",
             {{"gross_loan_portfolio", 5e6},
              {"active_borrowers", 500},
              {"established_year", 2016},
              {"voluntary_savings", 100000},
              {"total_assets", 6e6}}),
        make("D", "Africa", "KEN", {{"gross_loan_portfolio", 3e6}, {"active_borrowers", 600}}),
    };
    Panel panel;
    panel.data = build(records);
    panel.reference.gni[{"BOL", 2023}] = 3000;
    panel.reference.gni[{"PER", 2023}] = 5000;
    panel.options.indicators = {"OUT-01"};
    panel.options.groupings = {"peer:scale", "peer:age", "peer:intermediation",
                               "peer:target_market"};
    panel.options.min_n = 1;
    const auto results =
        sfp::compute_indicators(panel.data, standard(), panel.reference, panel.options);

    auto borrowers = [&](const std::string& key) -> std::optional<double> {
        INFO(key);
        const auto scope = results.scope_index(key);
        if (!scope) {
            return std::nullopt;
        }
        const auto* result = results.find("OUT-01", *scope, 2023, sfp::Statistic::sum);
        REQUIRE(result != nullptr);
        return result->value;
    };
    CHECK(borrowers("peer:scale:Small") == 12000.0);
    CHECK(borrowers("peer:scale:Medium") == 1100.0);
    CHECK_FALSE(results.scope_index("peer:scale:Large").has_value());
    CHECK(borrowers("peer:age:New (1-4 years)") == 10000.0);
    CHECK(borrowers("peer:age:Young (5-8 years)") == 500.0);
    CHECK(borrowers("peer:age:Mature (over 8 years)") == 2000.0);
    CHECK(borrowers("peer:intermediation:None") == 10000.0);
    CHECK(borrowers("peer:intermediation:Low") == 500.0);
    CHECK(borrowers("peer:intermediation:High") == 2000.0);
    CHECK(borrowers("peer:target_market:Low end") == 10000.0);
    CHECK(borrowers("peer:target_market:Broad") == 2000.0);
    CHECK(borrowers("peer:target_market:High end") == 500.0);
    CHECK(borrowers("peer:target_market:Small business") == 600.0);
    // Every institution counts in "all": 2,000 + 10,000 + 500 + 600.
    CHECK(borrowers("all") == 13100.0);
}

// ------------------------------------------------------------------------------------------------
// Catalogue errors, each at file:line:col

namespace {

/// A catalogue with one indicator "X-01" whose formula is on line 4; the formula's first
/// character is at column 12 (`formula = "` is 11 characters).
std::string one_indicator(const std::string& formula,
                          const std::string& aggregate = "[\"median\"]") {
    return "[[indicator]]\n"                                 // 1
           "id = \"X-01\"\n"                                 // 2
           "name = { en = \"X\", fr = \"X\", es = \"X\" }\n" // 3
           "formula = \"" +
           formula +
           "\"\n"                  // 4
           "unit = \"fraction\"\n" // 5
           "decimals = 1\n"        // 6
           "good = \"up\"\n"       // 7
           "aggregate = " +
           aggregate +
           "\n"                   // 8
           "source = \"test\"\n"  // 9
           "version = \"test\"\n" // 10
           "evidence = \"D\"\n";  // 11
}

constexpr long formula_line = 4;
constexpr long formula_column = 12; // column of the formula's first character

/// Loads `text` as a catalogue file: it must fail; returns the diagnostics.
sfp::Diagnostics load_bad(const std::string& text) {
    const sfp::testing::TempDir dir("catalogue");
    const auto path = dir.write("catalogue.toml", text);
    sfp::Diagnostics diagnostics;
    const auto catalogue = sfp::load_catalogue(path, diagnostics);
    for (const auto& diagnostic : diagnostics.items()) {
        UNSCOPED_INFO(sfp::to_string(diagnostic));
    }
    CHECK_FALSE(catalogue.has_value());
    CHECK(diagnostics.has_errors());
    return diagnostics;
}

/// The first error of `diagnostics`.
const sfp::Diagnostic& first_error(const sfp::Diagnostics& diagnostics) {
    const auto& items = diagnostics.items();
    const auto found = std::find_if(items.begin(), items.end(), [](const sfp::Diagnostic& d) {
        return d.severity == sfp::Severity::error;
    });
    REQUIRE(found != items.end());
    return *found;
}

} // namespace

TEST_CASE("catalogue errors: a good one-indicator catalogue loads", "[catalogue]") {
    const sfp::testing::TempDir dir("catalogue");
    const auto path = dir.write("catalogue.toml", one_indicator("fin_revenue / opex"));
    sfp::Diagnostics diagnostics;
    const auto catalogue = sfp::load_catalogue(path, diagnostics);
    for (const auto& diagnostic : diagnostics.items()) {
        UNSCOPED_INFO(sfp::to_string(diagnostic));
    }
    REQUIRE(catalogue.has_value());
    CHECK_FALSE(diagnostics.has_errors());
    CHECK(catalogue->ids() == std::vector<std::string>{"X-01"});
}

TEST_CASE("catalogue errors: unknown field with did you mean", "[catalogue]") {
    // "fin_revenue / opx": 'opx' at offset 14 -> column 12 + 14 = 26.
    const auto diagnostics = load_bad(one_indicator("fin_revenue / opx"));
    const auto& error = first_error(diagnostics);
    CHECK_THAT(error.where.file, Contains("catalogue.toml"));
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 14);
    CHECK_THAT(error.message, Contains("opx"));
    CHECK_THAT(sfp::to_string(error), Contains("did you mean 'opex'?"));
}

TEST_CASE("catalogue errors: unknown name in a derived quantity", "[catalogue]") {
    // [[derived]] formula on line 3: "inflation_rate * avg(total_equty)": 'total_equty' at
    // offset 21 -> column 12 + 21 = 33.
    const std::string text = "[[derived]]\n"
                             "name = \"x_adj\"\n"
                             "formula = \"inflation_rate * avg(total_equty)\"\n"
                             "description = \"test\"\n";
    const auto diagnostics = load_bad(text);
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == 3);
    CHECK(error.where.column == formula_column + 21);
    CHECK_THAT(error.message, Contains("total_equty"));
    CHECK_THAT(sfp::to_string(error), Contains("did you mean 'total_equity'?"));
}

TEST_CASE("catalogue errors: wrong number of arguments", "[catalogue]") {
    // "fin_revenue / avg(total_assets, total_equity)": 'avg' at offset 14 -> column 26.
    const auto diagnostics =
        load_bad(one_indicator("fin_revenue / avg(total_assets, total_equity)"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 14);
    CHECK_THAT(error.message, Contains("avg"));
    CHECK_THAT(error.message, Contains("argument"));
}

TEST_CASE("catalogue errors: a number where a condition is expected", "[catalogue]") {
    // "if(opex, 1, 2)": 'opex' at offset 3 -> column 15.
    const auto diagnostics = load_bad(one_indicator("if(opex, 1, 2)"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 3);
    CHECK_THAT(error.message, Contains("condition"));
}

TEST_CASE("catalogue errors: arithmetic on a condition", "[catalogue]") {
    // "opex + (fin_revenue < fin_expense)": the comparison is an operand of '+'. Its text
    // starts at 'fin_revenue', offset 8 -> column 20.
    const auto diagnostics = load_bad(one_indicator("opex + (fin_revenue < fin_expense)"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 8);
    CHECK_THAT(error.message, Contains("condition"));
}

TEST_CASE("catalogue errors: average of a flow", "[catalogue]") {
    // "fin_revenue / avg(opex)": the flow 'opex' at offset 18 -> column 30.
    const auto diagnostics = load_bad(one_indicator("fin_revenue / avg(opex)"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 18);
    CHECK_THAT(error.message, Contains("opex"));
    CHECK_THAT(error.message, Contains("flow"));
}

TEST_CASE("catalogue errors: an indicator that refers to itself", "[catalogue]") {
    // "fin_revenue / X-01": 'X-01' at offset 14 -> column 26.
    const auto diagnostics = load_bad(one_indicator("fin_revenue / X-01"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 14);
    CHECK_THAT(error.message, Contains("X-01"));
}

TEST_CASE("catalogue errors: two indicators that refer to each other", "[catalogue]") {
    // X-01 = "X-02 * 2" (line 4), X-02 = "X-01 / 2" (line 15): each reference at offset 0 ->
    // column 12; the cycle is reported at one of them and names both.
    auto second = one_indicator("X-01 / 2");
    second.replace(second.find("X-01\""), 4, "X-02");
    const auto text = one_indicator("X-02 * 2") + "\n" + second;
    const auto diagnostics = load_bad(text);
    const auto& error = first_error(diagnostics);
    CHECK((error.where.line == formula_line || error.where.line == formula_line + 12));
    CHECK(error.where.column == formula_column);
    CHECK_THAT(error.message, Contains("X-01"));
    CHECK_THAT(error.message, Contains("X-02"));
}

TEST_CASE("catalogue errors: derived quantities in a cycle", "[catalogue]") {
    // a_adj = "b_adj + 1" (line 3), b_adj = "a_adj * 2" (line 8): references at column 12.
    const std::string text = "[[derived]]\n"
                             "name = \"a_adj\"\n"
                             "formula = \"b_adj + 1\"\n"
                             "description = \"test\"\n"
                             "\n"
                             "[[derived]]\n"
                             "name = \"b_adj\"\n"
                             "formula = \"a_adj * 2\"\n"
                             "description = \"test\"\n";
    const auto diagnostics = load_bad(text);
    const auto& error = first_error(diagnostics);
    CHECK((error.where.line == 3 || error.where.line == 8));
    CHECK(error.where.column == formula_column);
    CHECK_THAT(error.message, Contains("a_adj"));
    CHECK_THAT(error.message, Contains("b_adj"));
}

TEST_CASE("catalogue errors: ratio aggregate on a formula that is not a division", "[catalogue]") {
    // "fin_revenue - opex" with aggregate = ["ratio", "median"] (line 8): reported at the
    // "ratio" value, whose quote is at column 14 (`aggregate = [` is 13 characters).
    const auto diagnostics =
        load_bad(one_indicator("fin_revenue - opex", "[\"ratio\", \"median\"]"));
    const auto& error = first_error(diagnostics);
    CHECK_THAT(error.message, Contains("ratio"));
    CHECK(error.where.line == 8);
    CHECK(error.where.column == 14);
}

TEST_CASE("catalogue errors: unknown indicator reference", "[catalogue]") {
    // "fin_revenue / FIN-99": 'FIN-99' at offset 14 -> column 26.
    const auto diagnostics = load_bad(one_indicator("fin_revenue / FIN-99"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 14);
    CHECK_THAT(error.message, Contains("FIN-99"));
}

TEST_CASE("catalogue errors: formula syntax", "[catalogue]") {
    // "fin_revenue / / opex": the second '/' at offset 14 -> column 26.
    const auto diagnostics = load_bad(one_indicator("fin_revenue / / opex"));
    const auto& error = first_error(diagnostics);
    CHECK(error.where.line == formula_line);
    CHECK(error.where.column == formula_column + 14);
}
