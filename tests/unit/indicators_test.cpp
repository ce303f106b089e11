// Tests of data loading (sfp/dataset.hpp), indicator computation (sfp/indicators.hpp) and the
// results file (sfp/results_json.hpp) on small hand-computed data sets.

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/indicators.hpp"
#include "sfp/results_json.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// A unique temporary folder for this file's tests (tests/unit/test_support.hpp).
class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("indicators") {}
};

const std::string catalogue_path =
    std::string(SFPGEN_SOURCE_DIR) + "/data/indicators/catalogue.toml";

const std::string header =
    "id,name,country,region,year,glp,par30,borrowers,women,rev,finexp,imp,opex\n";

// Column numbers (1-based, as in diagnostics) of the header above.
constexpr long col_par30 = 7;
constexpr long col_women = 9;
constexpr long col_finexp = 11;

/// The data set of most tests. Hand-computed expectations are next to the tests that use them.
const std::string main_rows =
    // row 2-3: Africa 2020, complete. Weighted and mean-of-ratios results differ.
    "A1,Alpha,KEN,Africa,2020,1000,100,100,90,200,50,10,40\n"
    "A2,Beta,GHA,Africa,2020,9000,90,900,450,100,100,0,100\n"
    // row 4: Asia 2020: par30 "NA", borrowers empty, women "..": all missing, never 0.
    //        FIN-01 denominator 0 + 0 + 0 = 0.
    "B1,Gamma,IND,Asia,2020,500,NA,,..,50,0,0,0\n"
    // row 5: Asia 2021: par30 > portfolio, women > borrowers, negative fin_expense: all
    //        rejected as values (the row is kept); a negative impairment is valid.
    "B1,Gamma,IND,Asia,2021,800,900,50,60,10,-5,-2,20\n"
    // row 6: Europe 2021, complete.
    "C1,Delta,FRA,Europe,2021,2000,200,400,100,600,100,50,150\n"
    // row 7: outside the report's years (2020-2022); lowercase "na" is missing too.
    "D1,Epsilon,PER,Latin America,2019,5,na,1,1,1,1,1,1\n";

/// The canonical fields mapped by config_text(), in the order they are written.
const std::vector<std::string>& mapping_order() {
    static const std::vector<std::string> order{"institution_id",
                                                "institution_name",
                                                "country_iso3",
                                                "region",
                                                "fiscal_year",
                                                "gross_loan_portfolio",
                                                "par30_balance",
                                                "active_borrowers",
                                                "active_borrowers_women",
                                                "fin_revenue",
                                                "fin_expense",
                                                "impairment_expense",
                                                "opex"};
    return order;
}

/// The config line of the mapping of `field` in config_text(): [source.columns] is line 17.
long mapping_line(const std::string& field) {
    const auto& order = mapping_order();
    const auto found = std::find(order.begin(), order.end(), field);
    REQUIRE(found != order.end());
    return 18 + static_cast<long>(found - order.begin());
}

/// The report.toml of the tests; `overrides` replaces field -> column mappings.
std::string config_text(const std::map<std::string, std::string>& overrides = {}) {
    std::map<std::string, std::string> columns{
        {"institution_id", "id"},
        {"institution_name", "name"},
        {"country_iso3", "country"},
        {"region", "region"},
        {"fiscal_year", "year"},
        {"gross_loan_portfolio", "glp"},
        {"par30_balance", "par30"},
        {"active_borrowers", "borrowers"},
        {"active_borrowers_women", "women"},
        {"fin_revenue", "rev"},
        {"fin_expense", "finexp"},
        {"impairment_expense", "imp"},
        {"opex", "opex"},
    };
    for (const auto& [field, column] : overrides) {
        columns[field] = column;
    }
    std::vector<std::string> lines{
        "[report]",                                                           // 1
        "name = \"indicators-test\"",                                         // 2
        "title = \"Indicators test\"",                                        // 3
        "date = \"2026-01-31\"",                                              // 4
        "",                                                                   // 5
        "[indicators]",                                                       // 6
        "catalogue = \"" + catalogue_path + "\"",                             // 7
        "show = [\"OUT-01\", \"OUT-03\", \"OUT-06\", \"PQ-01\", \"FIN-01\"]", // 8
        "first_year = 2020",                                                  // 9
        "last_year = 2022",                                                   // 10
        "",                                                                   // 11
        "[[source]]",                                                         // 12
        "name = \"mfi\"",                                                     // 13
        "path = \"data.csv\"",                                                // 14
        "missing = [\"NA\", \"..\"]",                                         // 15
        "",                                                                   // 16
        "[source.columns]",                                                   // 17
    };
    for (const auto& field : mapping_order()) { // 18 to 30
        lines.push_back(field + " = \"" + columns.at(field) + "\"");
    }
    std::string out;
    for (const auto& line : lines) {
        out += line + "\n";
    }
    return out;
}

/// A loaded and computed report on `csv` (without header), in its own temp folder.
struct Run {
    TempDir dir;
    std::string config_path;
    std::string data_path;
    sfp::Diagnostics diagnostics;
    std::optional<sfp::ReportSpec> spec;
    std::optional<sfp::Catalogue> catalogue;
    std::optional<sfp::Dataset> data;
    sfp::Results results;

    explicit Run(const std::string& rows,
                 const std::map<std::string, std::string>& overrides = {}) {
        data_path = dir.write("data.csv", header + rows);
        config_path = dir.write("report.toml", config_text(overrides));
        spec = sfp::parse_config(config_path, diagnostics);
        REQUIRE(spec.has_value());
        catalogue = sfp::load_catalogue(spec->catalogue_path, diagnostics);
        REQUIRE(catalogue.has_value());
        REQUIRE(sfp::bind_indicators(*spec, *catalogue, diagnostics));
        REQUIRE_FALSE(diagnostics.has_errors());
        data = sfp::load_sources(*spec, diagnostics);
        if (data) {
            results = sfp::compute_indicators(*data, *catalogue, *spec);
        }
    }

    [[nodiscard]] std::size_t scope(const std::string& key) const {
        const auto found = std::find_if(results.scopes.begin(), results.scopes.end(),
                                        [&](const sfp::Scope& s) { return s.key == key; });
        REQUIRE(found != results.scopes.end());
        return static_cast<std::size_t>(found - results.scopes.begin());
    }

    [[nodiscard]] const sfp::IndicatorResult& get(const std::string& indicator,
                                                  const std::string& scope_key, int period) const {
        const auto* result = results.find(indicator, scope(scope_key), period);
        REQUIRE(result != nullptr);
        return *result;
    }
};

std::string lines_with(const std::string& text, const std::string& needle) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.find(needle) != std::string::npos) {
            out += line + "\n";
        }
    }
    return out;
}

using Ids = std::vector<std::string>;

} // namespace

TEST_CASE("indicators: scopes are the sorted groups then all, periods the report's years",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    std::vector<std::string> keys;
    for (const auto& scope : run.results.scopes) {
        keys.push_back(scope.key);
    }
    CHECK(keys == std::vector<std::string>{"region:Africa", "region:Asia", "region:Europe",
                                           "region:Latin America", "all"});
    CHECK(run.results.scopes.front().label == "Africa");
    CHECK(run.results.scopes.back().label == "All regions");
    CHECK(run.results.all_scope() == 4);
    CHECK(run.results.periods == std::vector<int>{2020, 2021, 2022});
    // 8 statistics (OUT-01 and OUT-03 sums; ratio and median of OUT-06, PQ-01, FIN-01)
    // x 5 scopes x 3 periods.
    CHECK(run.results.items.size() == 120);
    // Institutions with a record in (scope, period), whatever their values.
    CHECK(run.results.reporting_count(run.scope("region:Africa"), 2020) == 2);
    CHECK(run.results.reporting_count(run.scope("region:Africa"), 2021) == 0);
    CHECK(run.results.reporting_count(run.scope("region:Asia"), 2021) == 1);
    CHECK(run.results.reporting_count(run.scope("all"), 2020) == 3);
    CHECK(run.results.reporting_count(run.scope("all"), 2021) == 2);
    CHECK(run.results.reporting_count(run.scope("all"), 2022) == 0);
    CHECK(run.results.reporting_count(run.scope("region:Latin America"), 2019) == 0);
}

TEST_CASE("indicators: drop_provenance frees the record lists and keeps the values",
          "[indicators]") {
    Run run(main_rows);
    REQUIRE(run.data.has_value());
    const sfp::Results before = run.results;
    std::size_t expected_bytes = 0;
    for (const auto& item : before.items) {
        expected_bytes += item.records.encoded_bytes();
    }
    REQUIRE(expected_bytes > 0);
    CHECK(run.results.drop_provenance() == expected_bytes);
    REQUIRE(run.results.items.size() == before.items.size());
    for (std::size_t i = 0; i < before.items.size(); ++i) {
        const auto& item = run.results.items[i];
        INFO(item.indicator << " " << item.scope << " " << item.period);
        CHECK(item.records.empty());
        CHECK(item.records.encoded_bytes() == 0);
        CHECK(run.results.institutions(item).empty());
        CHECK(item.value == before.items[i].value);
        CHECK(item.n == before.items[i].n);
    }
    CHECK(run.results.drop_provenance() == 0);
}

TEST_CASE("indicators: a build that reads no more gets order statistics of the last period only",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    sfp::EngineOptions options = sfp::engine_options(*run.spec);
    options.indicators.push_back("FIN-09"); // its headline is the median: every period kept
    const sfp::Results every =
        sfp::compute_indicators(*run.data, *run.catalogue, sfp::ReferenceSeries{}, options);
    options.order_statistics_every_period = false;
    const sfp::Results last =
        sfp::compute_indicators(*run.data, *run.catalogue, sfp::ReferenceSeries{}, options);
    // The medians of OUT-06, PQ-01 and FIN-01 (headline: the ratio) in 5 scopes x 2020, 2021.
    CHECK(last.items.size() == every.items.size() - 3 * 5 * 2);
    long kept_medians = 0;
    for (const auto& item : every.items) {
        INFO(item.indicator << " " << sfp::statistic_name(item.statistic) << " scope " << item.scope
                            << " " << item.period);
        const bool left_out = sfp::is_order_statistic(item.statistic) &&
                              item.indicator != "FIN-09" && item.period != 2022;
        if (left_out) {
            // Asked for anyway: an error, never an absent value shown as missing.
            CHECK_THROWS_AS(last.find(item.indicator, item.scope, item.period, item.statistic),
                            std::logic_error);
            continue;
        }
        const auto* same = last.find(item.indicator, item.scope, item.period, item.statistic);
        REQUIRE(same != nullptr);
        kept_medians += item.statistic == sfp::Statistic::median ? 1 : 0;
        CHECK(same->value == item.value);
        CHECK(same->p25 == item.p25);
        CHECK(same->p75 == item.p75);
        CHECK(same->n == item.n);
        CHECK(same->missing == item.missing);
        CHECK(same->records == item.records);
    }
    // FIN-09's 15 and the 5 scopes of 2022 for each of the three others.
    CHECK(kept_medians == 15 + 3 * 5);
    // The headlines of every period still answer; a full run refuses nothing.
    CHECK(last.find("PQ-01", last.all_scope(), 2020) != nullptr);
    CHECK(last.find("FIN-09", last.all_scope(), 2020) != nullptr);
    CHECK(every.find("PQ-01", every.all_scope(), 2020, sfp::Statistic::median) != nullptr);
    // Outside the report's years there is nothing to refuse: absent, as in a full run.
    CHECK(last.find("PQ-01", last.all_scope(), 2019, sfp::Statistic::median) == nullptr);
}

TEST_CASE("indicators: a build without results files gets the records lists of the last period",
          "[indicators]") {
    // Two institutions report 2022, the last year.
    const Run run(main_rows + "A1,Alpha,KEN,Africa,2022,1100,110,110,95,210,55,11,45\n"
                              "C1,Delta,FRA,Europe,2022,2100,210,420,110,610,105,55,155\n");
    REQUIRE(run.data.has_value());
    sfp::EngineOptions options = sfp::engine_options(*run.spec);
    const sfp::Results every =
        sfp::compute_indicators(*run.data, *run.catalogue, sfp::ReferenceSeries{}, options);
    options.provenance_every_period = false;
    const sfp::Results last =
        sfp::compute_indicators(*run.data, *run.catalogue, sfp::ReferenceSeries{}, options);
    REQUIRE(last.items.size() == every.items.size());
    long lists = 0;
    for (std::size_t i = 0; i < every.items.size(); ++i) {
        const sfp::IndicatorResult& full = every.items[i];
        const sfp::IndicatorResult& item = last.items[i];
        INFO(full.indicator << " " << sfp::statistic_name(full.statistic) << " scope " << full.scope
                            << " " << full.period);
        // Values, counts and flags are those of a full run whatever the period.
        CHECK(item.value == full.value);
        CHECK(item.n == full.n);
        CHECK(item.missing == full.missing);
        CHECK(item.flags.size() == full.flags.size());
        if (full.period == 2022) {
            CHECK(item.records == full.records);
            CHECK(last.institutions(item) == every.institutions(full));
            lists += item.records.empty() ? 0 : 1;
        } else {
            CHECK(item.records.empty());
            // Its institutions asked for anyway: an error, never an empty list.
            CHECK_THROWS_AS(last.institutions(item), std::logic_error);
        }
    }
    // OUT-01 sums A1 and C1 in "all"; some 2022 results have no records (Asia, Latin America).
    CHECK(lists > 10);
    CHECK(last.institutions(*last.find("OUT-01", last.all_scope(), 2022)) ==
          std::vector<std::string>{"A1", "C1"});
}

TEST_CASE("indicators: SUM adds the values present and counts the contributors", "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    // OUT-01 active borrowers, Africa 2020: 100 + 900.
    const auto& africa = run.get("OUT-01", "region:Africa", 2020);
    REQUIRE(africa.value.has_value());
    CHECK(*africa.value == 1000.0);
    CHECK_FALSE(africa.missing.has_value());
    CHECK(africa.n == 2);
    CHECK(run.results.institutions(africa) == Ids{"A1", "A2"});
    // OUT-03 gross loan portfolio, all 2020: 1000 + 9000 + 500 (B1 has a portfolio).
    const auto& glp = run.get("OUT-03", "all", 2020);
    REQUIRE(glp.value.has_value());
    CHECK(*glp.value == 10500.0);
    CHECK(glp.n == 3);
    CHECK(run.results.institutions(glp) == Ids{"A1", "A2", "B1"});
    // OUT-01, all 2021: B1 (50) + C1 (400).
    const auto& all2021 = run.get("OUT-01", "all", 2021);
    REQUIRE(all2021.value.has_value());
    CHECK(*all2021.value == 450.0);
    CHECK(all2021.n == 2);
    CHECK(run.results.institutions(all2021) == Ids{"B1", "C1"});
    // OUT-01, all 2020: B1's missing borrowers do not count, as 0 or otherwise.
    const auto& all2020 = run.get("OUT-01", "all", 2020);
    REQUIRE(all2020.value.has_value());
    CHECK(*all2020.value == 1000.0);
    CHECK(all2020.n == 2);
}

TEST_CASE("indicators: RATIO is sum over sum, not the mean of institution ratios", "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    // PQ-01, Africa 2020: (100 + 90) / (1000 + 9000) = 0.019; mean of ratios would be 0.055.
    const auto& par = run.get("PQ-01", "region:Africa", 2020);
    REQUIRE(par.value.has_value());
    CHECK(*par.value == Approx(0.019).epsilon(1e-12));
    CHECK(par.n == 2);
    // OUT-06, Africa 2020: (90 + 450) / (100 + 900) = 0.54; mean of ratios would be 0.7.
    const auto& women = run.get("OUT-06", "region:Africa", 2020);
    REQUIRE(women.value.has_value());
    CHECK(*women.value == Approx(0.54).epsilon(1e-12));
    // FIN-01, Africa 2020: (200 + 100) / ((50 + 10 + 40) + (100 + 0 + 100)) = 1.0; mean 1.25.
    const auto& oss = run.get("FIN-01", "region:Africa", 2020);
    REQUIRE(oss.value.has_value());
    CHECK(*oss.value == Approx(1.0).epsilon(1e-12));
    // FIN-01, all 2020: B1 has a zero denominator but complete inputs, so it contributes:
    // (200 + 100 + 50) / (100 + 200 + 0).
    const auto& oss_all = run.get("FIN-01", "all", 2020);
    REQUIRE(oss_all.value.has_value());
    CHECK(*oss_all.value == Approx(350.0 / 300.0).epsilon(1e-12));
    CHECK(oss_all.n == 3);
    // FIN-01, Europe 2021: 600 / (100 + 50 + 150) = 2.
    const auto& oss_europe = run.get("FIN-01", "region:Europe", 2021);
    REQUIRE(oss_europe.value.has_value());
    CHECK(*oss_europe.value == Approx(2.0).epsilon(1e-12));
}

TEST_CASE("indicators: the all scope adds every group and only the report's years",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    // PQ-01, all 2021: B1's par30 was rejected (larger than its portfolio), so only C1:
    // 200 / 2000. Had B1 counted with par30 = 0, this would be 200 / 2800.
    const auto& par = run.get("PQ-01", "all", 2021);
    REQUIRE(par.value.has_value());
    CHECK(*par.value == Approx(0.1).epsilon(1e-12));
    CHECK(par.n == 1);
    CHECK(run.results.institutions(par) == Ids{"C1"});
    // D1 reports 2019 only: its group exists as a scope but has no result in any period, and
    // it is not part of "all".
    for (const int year : {2020, 2021, 2022}) {
        const auto& latam = run.get("OUT-03", "region:Latin America", year);
        CHECK_FALSE(latam.value.has_value());
        CHECK(latam.n == 0);
    }
    CHECK(run.results.find("OUT-03", run.scope("all"), 2019) == nullptr);
    const auto& glp2021 = run.get("OUT-03", "all", 2021);
    REQUIRE(glp2021.value.has_value());
    CHECK(*glp2021.value == 2800.0);
}

TEST_CASE("indicators: a scope and year with no data has no value, reason no-data",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    // Africa has no record in 2021; nobody reports 2022.
    for (const auto& id : {"OUT-01", "OUT-03", "OUT-06", "PQ-01", "FIN-01"}) {
        INFO(id);
        const auto& africa = run.get(id, "region:Africa", 2021);
        CHECK_FALSE(africa.value.has_value());
        REQUIRE(africa.missing.has_value());
        CHECK(*africa.missing == sfp::MissingReason::no_data);
        CHECK(africa.n == 0);
        CHECK(run.results.institutions(africa).empty());
        const auto& all2022 = run.get(id, "all", 2022);
        CHECK_FALSE(all2022.value.has_value());
        REQUIRE(all2022.missing.has_value());
        CHECK(*all2022.missing == sfp::MissingReason::no_data);
    }
    // Asia 2020 has a record, but its borrowers and par30 are missing: the input is named.
    const auto& borrowers = run.get("OUT-01", "region:Asia", 2020);
    CHECK_FALSE(borrowers.value.has_value());
    REQUIRE(borrowers.missing.has_value());
    CHECK(*borrowers.missing == sfp::MissingReason::missing_input);
    CHECK(borrowers.reason_text() == "missing-input: active_borrowers");
    const auto& par = run.get("PQ-01", "region:Asia", 2020);
    CHECK_FALSE(par.value.has_value());
    REQUIRE(par.missing.has_value());
    CHECK(par.reason_text() == "missing-input: par30_balance");
    CHECK(sfp::reason_name(sfp::MissingReason::no_data) == "no-data");
    CHECK(sfp::reason_name(sfp::MissingReason::zero_denominator) == "zero-denominator");
}

TEST_CASE("indicators: a zero denominator gives no value, reason zero-denominator",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    // FIN-01, Asia 2020: 50 / (0 + 0 + 0).
    const auto& oss = run.get("FIN-01", "region:Asia", 2020);
    CHECK_FALSE(oss.value.has_value());
    REQUIRE(oss.missing.has_value());
    CHECK(*oss.missing == sfp::MissingReason::zero_denominator);
    CHECK(oss.n == 1);
    CHECK(run.results.institutions(oss) == Ids{"B1"});
}

TEST_CASE("indicators: missing tokens (NA, empty, ..) stay missing and are never 0",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    const auto& data = *run.data;
    REQUIRE(data.size() == 6);
    CHECK(data.institution_id[2] == "B1");
    CHECK(data.fiscal_year[2] == 2020);
    const auto* par30 = data.column("par30_balance");
    const auto* borrowers = data.column("active_borrowers");
    const auto* women = data.column("active_borrowers_women");
    const auto* glp = data.column("gross_loan_portfolio");
    REQUIRE(par30 != nullptr);
    REQUIRE(borrowers != nullptr);
    REQUIRE(women != nullptr);
    REQUIRE(glp != nullptr);
    CHECK_FALSE((*par30)[2].has_value());     // "NA"
    CHECK_FALSE((*borrowers)[2].has_value()); // ""
    CHECK_FALSE((*women)[2].has_value());     // ".."
    CHECK((*glp)[2] == 500.0);
    CHECK_FALSE((*par30)[5].has_value()); // "na": tokens match case-insensitively
    CHECK((*par30)[0] == 100.0);
    // Missing tokens are not quality issues.
    for (const auto& issue : data.issues) {
        CHECK(issue.where.line != 4);
        CHECK(issue.where.line != 7);
    }
    CHECK(data.column("no_such_field") == nullptr);
    CHECK(data.origin[2].file == run.data_path);
    CHECK(data.origin[2].line == 4);
    CHECK(data.group_value("region", 2) == "Asia");
    CHECK(data.group_value("country_iso3", 2) == "IND");
}

TEST_CASE("indicators: impossible values are rejected with a quality issue, the row is kept",
          "[indicators]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    const auto& data = *run.data;
    REQUIRE(data.stats.size() == 1);
    CHECK(data.stats[0].name == "mfi");
    CHECK(data.stats[0].rows_read == 6);
    CHECK(data.stats[0].rows_used == 6);
    CHECK(data.stats[0].rows_rejected == 0);

    // Row 5 (B1 2021): fin_expense -5, par30 900 > portfolio 800, women 60 > borrowers 50.
    REQUIRE(data.issues.size() == 3);
    const auto find_issue = [&](const std::string& field) {
        const auto found =
            std::find_if(data.issues.begin(), data.issues.end(),
                         [&](const sfp::QualityIssue& i) { return i.field == field; });
        REQUIRE(found != data.issues.end());
        return *found;
    };
    const auto negative = find_issue("fin_expense");
    CHECK(negative.where.file == run.data_path);
    CHECK(negative.where.line == 5);
    CHECK(negative.where.column == col_finexp);
    CHECK(negative.value == "-5");
    CHECK_THAT(negative.problem, Catch::Contains("negative"));

    const auto par30 = find_issue("par30_balance");
    CHECK(par30.where.line == 5);
    CHECK(par30.where.column == col_par30);
    CHECK_THAT(par30.problem, Catch::Contains("larger than gross_loan_portfolio"));

    const auto women = find_issue("active_borrowers_women");
    CHECK(women.where.line == 5);
    CHECK(women.where.column == col_women);
    CHECK_THAT(women.problem, Catch::Contains("larger than active_borrowers"));

    // The rejected values are missing; the rest of the row is used.
    const std::size_t row = 3; // B1 2021
    CHECK(data.institution_id[row] == "B1");
    CHECK(data.fiscal_year[row] == 2021);
    CHECK_FALSE((*data.column("fin_expense"))[row].has_value());
    CHECK_FALSE((*data.column("par30_balance"))[row].has_value());
    CHECK_FALSE((*data.column("active_borrowers_women"))[row].has_value());
    CHECK((*data.column("impairment_expense"))[row] == -2.0); // may be negative
    CHECK((*data.column("active_borrowers"))[row] == 50.0);
    CHECK((*data.column("gross_loan_portfolio"))[row] == 800.0);

    // So every indicator that needs a rejected value has no value in Asia 2021, and says
    // which data-quality rule excluded its input.
    const std::vector<std::pair<std::string, std::string>> expected{
        {"PQ-01", "excluded: par30-above-portfolio"},
        {"OUT-06", "excluded: women-above-borrowers"},
        {"FIN-01", "excluded: negative-value"}};
    for (const auto& [id, reason] : expected) {
        INFO(id);
        const auto& result = run.get(id, "region:Asia", 2021);
        CHECK_FALSE(result.value.has_value());
        REQUIRE(result.missing.has_value());
        CHECK(*result.missing == sfp::MissingReason::excluded);
        CHECK(result.reason_text() == reason);
    }
    const auto& borrowers = run.get("OUT-01", "region:Asia", 2021);
    REQUIRE(borrowers.value.has_value());
    CHECK(*borrowers.value == 50.0);

    // Data problems are issues (for the annex and `sfpgen validate`), not diagnostics.
    CHECK(run.diagnostics.items().empty());
    REQUIRE(run.data.has_value());
    CHECK(run.data->issues.size() == 3);
}

TEST_CASE("indicators: a value that is not a number is a quality issue and missing",
          "[indicators]") {
    const Run run("A1,Alpha,KEN,Africa,2020,1.000,0.5,12abc,1,1,1,1,1\n");
    REQUIRE(run.data.has_value());
    REQUIRE(run.data->issues.size() == 1);
    CHECK(run.data->issues[0].field == "active_borrowers");
    CHECK(run.data->issues[0].value == "12abc");
    CHECK(run.data->issues[0].where.line == 2);
    CHECK_FALSE((*run.data->column("active_borrowers"))[0].has_value());
    CHECK((*run.data->column("gross_loan_portfolio"))[0] == 1.0);
    CHECK(run.data->stats[0].rows_used == 1);
}

TEST_CASE("indicators: a duplicated (institution, year) row is rejected, the first is kept",
          "[indicators]") {
    const Run run("A1,Alpha,KEN,Africa,2020,1000,100,100,90,200,50,10,40\n"
                  "A1,Alpha,KEN,Africa,2021,1100,100,110,90,200,50,10,40\n"
                  "A1,Alpha,KEN,Africa,2020,7777,100,777,90,200,50,10,40\n");
    REQUIRE(run.data.has_value());
    const auto& data = *run.data;
    REQUIRE(data.stats.size() == 1);
    CHECK(data.stats[0].rows_read == 3);
    CHECK(data.stats[0].rows_used == 2);
    CHECK(data.stats[0].rows_rejected == 1);
    CHECK(data.size() == 2);
    REQUIRE(data.issues.size() == 1);
    CHECK(data.issues[0].where.line == 4);
    CHECK_THAT(data.issues[0].problem, Catch::StartsWith("row rejected: duplicate record"));
    const auto& borrowers = run.get("OUT-01", "all", 2020);
    REQUIRE(borrowers.value.has_value());
    CHECK(*borrowers.value == 100.0);
    CHECK(borrowers.n == 1);
}

TEST_CASE("indicators: a row with the wrong number of fields is rejected", "[indicators]") {
    const Run run("A1,Alpha,KEN,Africa,2020,1000,100,100,90,200,50,10,40\n"
                  "A2,Beta,GHA,Africa,2020,9000,90,900,450,100,100,0\n"
                  "A3,Gamma,GHA,Africa,2020,9000,90,900,450,100,100,0,100,extra\n");
    REQUIRE(run.data.has_value());
    const auto& data = *run.data;
    CHECK(data.stats[0].rows_read == 3);
    CHECK(data.stats[0].rows_used == 1);
    CHECK(data.stats[0].rows_rejected == 2);
    CHECK(data.institution_id == Ids{"A1"});
    REQUIRE(data.issues.size() == 2);
    CHECK(data.issues[0].where.line == 3);
    CHECK(data.issues[0].problem == "row rejected: expected 13 fields as in the header, found 12");
    CHECK(data.issues[1].where.line == 4);
    CHECK(data.issues[1].problem == "row rejected: expected 13 fields as in the header, found 14");
    const auto& borrowers = run.get("OUT-01", "region:Africa", 2020);
    REQUIRE(borrowers.value.has_value());
    CHECK(*borrowers.value == 100.0);
}

TEST_CASE("indicators: rows without a usable key or year are rejected", "[indicators]") {
    const Run run("A1,Alpha,KEN,Africa,2020,1000,100,100,90,200,50,10,40\n"
                  ",NoId,KEN,Africa,2020,1,1,1,1,1,1,1,1\n"
                  "A2,NoRegion,KEN,NA,2020,1,1,1,1,1,1,1,1\n"
                  "A3,BadYear,KEN,Africa,2020.5,1,1,1,1,1,1,1,1\n"
                  "A4,FloatYear,KEN,Africa,2021.0,1,1,1,1,1,1,1,1\n"
                  "\n");
    REQUIRE(run.data.has_value());
    const auto& data = *run.data;
    CHECK(data.stats[0].rows_read == 5); // the blank line is not a row
    // A missing region is not a reason to drop a row: it counts in "all" (and a reference
    // table can derive it from the country).
    CHECK(data.stats[0].rows_rejected == 2);
    CHECK(data.institution_id == Ids{"A1", "A2", "A4"});
    CHECK(data.fiscal_year == std::vector<int>{2020, 2020, 2021});
}

TEST_CASE("indicators: an unknown column in the mapping is an error at the config line",
          "[indicators]") {
    const Run run("A1,Alpha,KEN,Africa,2020,1000,100,100,90,200,50,10,40\n",
                  {{"active_borrowers", "borrowrs"}});
    CHECK_FALSE(run.data.has_value());
    std::vector<sfp::Diagnostic> errors;
    for (const auto& diagnostic : run.diagnostics.items()) {
        if (diagnostic.severity == sfp::Severity::error) {
            errors.push_back(diagnostic);
        }
    }
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == run.config_path);
    CHECK(errors[0].where.line == mapping_line("active_borrowers"));
    CHECK(errors[0].where.line == 25);
    CHECK(errors[0].where.column == 20); // the column name after `active_borrowers = `
    CHECK_THAT(errors[0].message, Catch::StartsWith("unknown column 'borrowrs' in source 'mfi'"));
    CHECK(errors[0].hint == "did you mean 'borrowers'?");
}

TEST_CASE("indicators: a missing data file is an error naming it, with the source's position",
          "[indicators]") {
    const TempDir dir;
    const auto config = dir.write("report.toml", config_text());
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config, diagnostics);
    REQUIRE(spec.has_value());
    CHECK_FALSE(sfp::load_sources(*spec, diagnostics).has_value());
    REQUIRE(diagnostics.error_count() == 1);
    const auto& error = diagnostics.items().at(0);
    CHECK(error.where.file == (dir.path() / "data.csv").string());
    CHECK_THAT(error.message, Catch::StartsWith("cannot open data file"));
    // The hint points back to the [[source]] table (line 12) that names the file.
    CHECK_THAT(error.hint, Catch::Contains(config + ":12:"));
    CHECK_THAT(error.hint, Catch::Contains("source 'mfi'"));
}

TEST_CASE("indicators: without a missing list, NA, .. and n/a are missing by default",
          "[indicators]") {
    const TempDir dir;
    std::string text = config_text();
    const std::string missing_line = "missing = [\"NA\", \"..\"]\n";
    text.replace(text.find(missing_line), missing_line.size(), "\n");
    const auto config = dir.write("report.toml", text);
    const auto data_path =
        dir.write("data.csv", header + "A1,Alpha,KEN,Africa,2020,n/a,N/A,NA,..,,1,1,1\n");
    CHECK(data_path == (dir.path() / "data.csv").string());
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config, diagnostics);
    REQUIRE(spec.has_value());
    CHECK(spec->sources.at(0).missing_tokens.size() == 10); // the defaults of docs/config.md
    const auto data = sfp::load_sources(*spec, diagnostics);
    REQUIRE(data.has_value());
    CHECK(diagnostics.items().empty());
    CHECK(data->issues.empty());
    for (const auto& field : {"gross_loan_portfolio", "par30_balance", "active_borrowers",
                              "active_borrowers_women", "fin_revenue"}) {
        INFO(field);
        REQUIRE(data->column(field) != nullptr);
        CHECK_FALSE(data->column(field)->at(0).has_value());
    }
    CHECK(data->column("opex")->at(0) == 1.0);
}

TEST_CASE("indicators: bind_indicators reports unknown indicators with a hint", "[indicators]") {
    const TempDir dir;
    std::string text = config_text();
    text.replace(text.find("\"PQ-01\""), 7, "\"PQ-10\"");
    text += "\n[[chart]]\nindicator = \"OUT-02\"\n";
    const auto config = dir.write("report.toml", text);
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config, diagnostics);
    REQUIRE(spec.has_value());
    const auto catalogue = sfp::load_catalogue(spec->catalogue_path, diagnostics);
    REQUIRE(catalogue.has_value());
    CHECK_FALSE(sfp::bind_indicators(*spec, *catalogue, diagnostics));
    REQUIRE(diagnostics.error_count() == 2);
    CHECK(diagnostics.items()[0].where.line == 8);
    CHECK_THAT(diagnostics.items()[0].message, Catch::StartsWith("unknown indicator 'PQ-10'"));
    CHECK(diagnostics.items()[0].hint == "did you mean 'PQ-01'?");
    CHECK(diagnostics.items()[1].where.line == 32);
    CHECK_THAT(diagnostics.items()[1].message, Catch::Contains("'OUT-02'"));
}

TEST_CASE("indicators: results_to_json writes no-data as null with a reason, never 0",
          "[indicators][json]") {
    const Run run(main_rows);
    REQUIRE(run.data.has_value());
    const std::string json =
        sfp::results_to_json(*run.spec, *run.catalogue, *run.data, run.results);

    CHECK_THAT(json, Catch::Contains("\"report\": \"indicators-test\""));
    CHECK_THAT(json, Catch::Contains("{\"name\": \"mfi\", \"rows_read\": 6, \"rows_used\": 6, "
                                     "\"rows_rejected\": 0}"));
    CHECK_THAT(json, Catch::Contains("\"missing\": \"no-data\""));
    CHECK_THAT(json, Catch::Contains("\"missing\": \"zero-denominator\""));

    // The empty scope-year: OUT-01 in Africa 2021.
    const std::string africa =
        lines_with(json, "{\"indicator\": \"OUT-01\", \"statistic\": \"sum\", \"scope\": "
                         "\"region:Africa\", \"period\": 2021,");
    CHECK(africa ==
          "    {\"indicator\": \"OUT-01\", \"statistic\": \"sum\", \"scope\": \"region:Africa\", "
          "\"period\": 2021, \"value\": null, \"missing\": \"no-data\", \"n\": 0, \"p25\": "
          "null, \"p75\": null, \"numerator\": null, \"denominator\": null, \"unit\": "
          "\"count\", \"status\": null, \"flags\": {}, \"institutions\": [], \"records\": "
          "[]},\n");

    // Every no-data entry has a null value, never 0.
    const std::string no_data = lines_with(json, "\"missing\": \"no-data\"");
    CHECK_THAT(no_data, !Catch::Contains("\"value\": 0"));
    std::istringstream in(no_data);
    long count = 0;
    for (std::string line; std::getline(in, line); ++count) {
        CHECK_THAT(line, Catch::Contains("\"value\": null"));
    }
    // No data (no record in the scope and year): Africa 2021-2022, Asia 2022, Europe 2020
    // and 2022, Latin America 2020-2022, all 2022: 9 per statistic, x 8 statistics (the sums
    // of OUT-01 and OUT-03, ratio and median of OUT-06, PQ-01 and FIN-01) = 72. Asia 2020-2021
    // have records with missing or excluded inputs: their reasons name the input instead.
    CHECK(count == 9 * 8);

    // Values are written in the shortest round-trip form.
    const std::string africa2020 =
        lines_with(json, "{\"indicator\": \"PQ-01\", \"statistic\": \"ratio\", \"scope\": "
                         "\"region:Africa\", \"period\": 2020,");
    CHECK_THAT(africa2020, Catch::Contains("\"value\": 0.019, \"missing\": null, \"n\": 2"));
    CHECK_THAT(africa2020, Catch::Contains("\"institutions\": [\"A1\", \"A2\"]"));

    // The quality issues name the file, not its full path.
    CHECK_THAT(json, Catch::Contains("{\"code\": \"negative-value\", \"severity\": \"warning\", "
                                     "\"file\": \"data.csv\", \"row\": 5, \"column\": 11, "
                                     "\"field\": \"fin_expense\", \"value\": \"-5\""));
}

TEST_CASE("indicators: a quality issue keeps the value as written in the file", "[indicators]") {
    // Library bug: the cross-field rules (par30 > portfolio, women > borrowers) record the
    // parsed number re-formatted with fmt "{}" as QualityIssue::value, while dataset.hpp
    // documents it as "the text as written in the file" (and the negative-value rule does
    // keep the text). "900.50" comes back as "900.5", "1e3" as "1000".
    const Run run("A1,Alpha,KEN,Africa,2020,800,900.50,100,1e3,200,50,10,40\n");
    REQUIRE(run.data.has_value());
    REQUIRE(run.data->issues.size() == 2);
    CHECK(run.data->issues[0].field == "par30_balance");
    CHECK(run.data->issues[0].value == "900.50");
    CHECK(run.data->issues[1].field == "active_borrowers_women");
    CHECK(run.data->issues[1].value == "1e3");
}

// ---------------------------------------------------------------------------------------------
// A report's own indicators, parameters and groupings (load_definitions + evaluate)

namespace {

std::vector<sfp::Diagnostic> errors_of(const sfp::Diagnostics& diagnostics) {
    std::vector<sfp::Diagnostic> out;
    for (const auto& d : diagnostics.items()) {
        if (d.severity == sfp::Severity::error) {
            out.push_back(d);
        }
    }
    return out;
}

std::string all_text(const sfp::Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items()) {
        out += sfp::to_string(d) + "\n";
    }
    return out;
}

} // namespace

TEST_CASE("indicators: a report config adds its own indicator, grouping and combinations",
          "[indicators][definitions]") {
    TempDir dir;
    (void)dir.write("data.csv", header + main_rows);
    std::string config = config_text({});
    // Report-level additions in the catalogue's syntax.
    config.replace(config.find("first_year = 2020"), 17,
                   "first_year = 2020\n"
                   "group_by = [\"region\", \"custom:programme\", \"region+custom:programme\"]");
    config +=
        "\n[[indicator]]\n"
        "id = \"LOC-01\"\n"
        "name = { en = \"Portfolio per borrower, scaled\", fr = \"Encours par emprunteur\" }\n"
        "formula = \"gross_loan_portfolio * scale / active_borrowers\"\n"
        "unit = \"number\"\n"
        "good = \"context\"\n"
        "aggregate = [\"ratio\", \"median\"]\n"
        "source = \"this report\"\n"
        "\n[parameters]\n"
        "scale = 2.0\n"
        "\n[[grouping]]\n"
        "name = \"programme\"\n"
        "of = \"institution_id\"\n"
        "map = { A1 = \"Phase I\", A2 = \"Phase II\", B1 = \"Phase I\" }\n"
        "otherwise = \"Other\"\n";
    config.replace(config.find("\"FIN-01\"]"), 9, "\"FIN-01\", \"LOC-01\"]");
    const auto path = dir.write("report.toml", config);

    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(path, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(spec.has_value());
    sfp::ExitCode code = sfp::ExitCode::ok;
    const auto definitions = sfp::load_definitions(*spec, diagnostics, code);
    INFO(all_text(diagnostics));
    REQUIRE(definitions.has_value());
    CHECK(definitions->catalogue.find("LOC-01")->names.get("fr") == "Encours par emprunteur");
    const auto data = sfp::load_sources(*spec, diagnostics);
    REQUIRE(data.has_value());
    const auto results = sfp::evaluate(*definitions, *data).results;

    REQUIRE(results.groupings.size() == 3);
    const auto scope = [&](const std::string& key) {
        const auto index = results.scope_index(key);
        INFO(key);
        REQUIRE(index.has_value());
        return *index;
    };
    // LOC-01 = 2 * portfolio / borrowers, weighted: Africa 2020 = 2 * (1000 + 9000) / 1000.
    const auto* africa = results.find("LOC-01", scope("region:Africa"), 2020);
    REQUIRE(africa != nullptr);
    CHECK(*africa->value == Approx(20.0));
    // Phase I = A1 (2020) and B1 (2020: borrowers missing): A1 alone, 2 * 1000 / 100.
    const auto* phase1 = results.find("LOC-01", scope("custom:programme:Phase I"), 2020);
    REQUIRE(phase1 != nullptr);
    CHECK(phase1->n == 1);
    CHECK(*phase1->value == Approx(20.0));
    CHECK(results.reporting_count(scope("custom:programme:Phase I"), 2020) == 2);
    // C1 is in no mapped programme: "Other".
    CHECK(results.reporting_count(scope("custom:programme:Other"), 2021) == 1);
    // The combination: Africa and Phase II is A2 alone; OUT-01 = 900.
    const auto* combined =
        results.find("OUT-01", scope("region:Africa+custom:programme:Phase II"), 2020);
    REQUIRE(combined != nullptr);
    CHECK(*combined->value == 900.0);
    CHECK(results.scopes[scope("region:Africa+custom:programme:Phase II")].label ==
          "Africa, Phase II");
    // A median of one institution is suppressed, with its n.
    const auto* median =
        results.find("LOC-01", scope("custom:programme:Phase I"), 2020, sfp::Statistic::median);
    REQUIRE(median != nullptr);
    CHECK_FALSE(median->value.has_value());
    CHECK(median->reason_text() == "suppressed");
    CHECK(median->n == 1);
}

TEST_CASE("indicators: unknown groupings and parameters in a report are config errors",
          "[indicators][definitions]") {
    TempDir dir;
    (void)dir.write("data.csv", header + main_rows);
    SECTION("an unknown peer group, with a hint") {
        std::string config = config_text({});
        config.replace(config.find("first_year = 2020"), 17,
                       "first_year = 2020\ngroup_by = [\"region\", \"peer:agee\"]");
        const auto path = dir.write("report.toml", config);
        sfp::Diagnostics diagnostics;
        const auto spec = sfp::parse_config(path, diagnostics);
        REQUIRE(spec.has_value());
        sfp::ExitCode code = sfp::ExitCode::ok;
        CHECK_FALSE(sfp::load_definitions(*spec, diagnostics, code).has_value());
        CHECK(code == sfp::ExitCode::config);
        const auto errors = errors_of(diagnostics);
        REQUIRE(errors.size() == 1);
        CHECK_THAT(errors[0].message, Catch::Contains("unknown grouping 'peer:agee'"));
        CHECK(errors[0].hint == "did you mean 'peer:age'?");
        CHECK(errors[0].where.file == path);
        CHECK(errors[0].where.line == 10);
    }
    SECTION("a parameter the catalogue does not have") {
        const auto path =
            dir.write("report.toml", config_text({}) + "\n[parameters]\nmarket_rte = 0.1\n");
        sfp::Diagnostics diagnostics;
        const auto spec = sfp::parse_config(path, diagnostics);
        REQUIRE(spec.has_value());
        sfp::ExitCode code = sfp::ExitCode::ok;
        CHECK_FALSE(sfp::load_definitions(*spec, diagnostics, code).has_value());
        const auto errors = errors_of(diagnostics);
        REQUIRE_FALSE(errors.empty());
        CHECK_THAT(errors[0].message, Catch::Contains("unknown parameter 'market_rte'"));
        CHECK(errors[0].hint == "did you mean 'market_rate'?");
    }
}
