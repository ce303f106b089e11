// Property tests of the order and weighted statistics (sfp/statistics.hpp) against brute-force
// computations on random vectors (fixed seeds), and of the indicator engine's aggregates
// against the institution values they combine (sfp/indicators.hpp, docs/indicators.md).

#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/reference_series.hpp"
#include "sfp/statistics.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

/// R's type 7 quantile, written from its definition: h = (n - 1) q, x[floor h] + (h - floor h)
/// (x[floor h + 1] - x[floor h]), on a sorted copy.
double type7(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double h = static_cast<double>(values.size() - 1) * q;
    const double lo = std::floor(h);
    const auto i = static_cast<std::size_t>(lo);
    if (i + 1 >= values.size()) {
        return values.back();
    }
    return values[i] + (h - lo) * (values[i + 1] - values[i]);
}

std::vector<double> random_values(std::mt19937& rng, std::size_t n) {
    std::uniform_real_distribution<double> uniform(-1000, 1000);
    std::uniform_int_distribution<int> small(-5, 5);
    std::bernoulli_distribution ties(0.3);
    std::vector<double> out(n);
    for (auto& v : out) {
        v = ties(rng) ? small(rng) : uniform(rng); // ties and integers as well as spread values
    }
    return out;
}

double mean(const std::vector<double>& values) {
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

const std::vector<std::size_t> sizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 17, 40, 101, 1000};

} // namespace

TEST_CASE("statistics: quantiles agree with the type 7 definition on random vectors",
          "[statistics]") {
    std::mt19937 rng(20240601);
    std::uniform_real_distribution<double> any_q(0, 1);
    for (const std::size_t n : sizes) {
        for (int round = 0; round < 20; ++round) {
            auto values = random_values(rng, n);
            auto sorted = values;
            std::sort(sorted.begin(), sorted.end());
            std::vector<double> qs = {0, 0.25, 0.5, 0.75, 1, any_q(rng), any_q(rng)};
            for (const double q : qs) {
                INFO("n = " << n << ", q = " << q);
                const auto got = sfp::stats::quantile_sorted(sorted, q);
                REQUIRE(got);
                CHECK(*got == Approx(type7(values, q)).margin(1e-9));
                // Between the extremes, and exactly the extremes at 0 and 1.
                CHECK(*got >= sorted.front());
                CHECK(*got <= sorted.back());
            }
            CHECK(*sfp::stats::quantile_sorted(sorted, 0) == sorted.front());
            CHECK(*sfp::stats::quantile_sorted(sorted, 1) == sorted.back());

            const auto original = values;
            const auto quartiles = sfp::stats::quartiles(values); // reorders in place
            REQUIRE(quartiles);
            CHECK(std::is_permutation(values.begin(), values.end(), original.begin()));
            CHECK(quartiles->p25 == Approx(type7(values, 0.25)).margin(1e-9));
            CHECK(quartiles->median == Approx(type7(values, 0.5)).margin(1e-9));
            CHECK(quartiles->p75 == Approx(type7(values, 0.75)).margin(1e-9));
            CHECK(quartiles->p25 <= quartiles->median);
            CHECK(quartiles->median <= quartiles->p75);
        }
    }
}

TEST_CASE("statistics: quantiles are monotone in q and clamp q to 0..1", "[statistics]") {
    std::mt19937 rng(7);
    auto sorted = random_values(rng, 23);
    std::sort(sorted.begin(), sorted.end());
    double previous = -1e300;
    for (int i = 0; i <= 200; ++i) {
        const double q = i / 200.0;
        const double value = *sfp::stats::quantile_sorted(sorted, q);
        CHECK(value >= previous);
        previous = value;
    }
    CHECK(*sfp::stats::quantile_sorted(sorted, -0.5) == sorted.front());
    CHECK(*sfp::stats::quantile_sorted(sorted, 1.5) == sorted.back());
}

TEST_CASE("statistics: empty inputs give no value", "[statistics]") {
    std::vector<double> none;
    CHECK_FALSE(sfp::stats::quantile_sorted(none, 0.5));
    CHECK_FALSE(sfp::stats::quartiles(none));
    CHECK_FALSE(sfp::stats::trimmed_mean(none, 0.1));
    CHECK_FALSE(sfp::stats::weighted_mean(none, none));
}

TEST_CASE("statistics: median of odd and even counts, PERCENTILE.INC quartiles", "[statistics]") {
    std::vector<double> odd = {5, 1, 3};
    CHECK(sfp::stats::quartiles(odd)->median == 3);
    std::vector<double> even = {4, 1, 3, 2};
    const auto q = *sfp::stats::quartiles(even);
    CHECK(q.median == 2.5);
    CHECK(q.p25 == Approx(1.75)); // position 0.75 between 1 and 2
    CHECK(q.p75 == Approx(3.25));
    std::vector<double> one = {42};
    const auto single = *sfp::stats::quartiles(one);
    CHECK(single.p25 == 42);
    CHECK(single.median == 42);
    CHECK(single.p75 == 42);
    std::vector<double> two = {10, 20};
    const auto pair = *sfp::stats::quartiles(two);
    CHECK(pair.p25 == Approx(12.5));
    CHECK(pair.median == Approx(15));
    CHECK(pair.p75 == Approx(17.5));
    // Excel: PERCENTILE.INC({1,2,3,4,5,6,7,8,9,10}, 0.25) = 3.25, 0.75 -> 7.75.
    std::vector<double> ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    const auto deciles = *sfp::stats::quartiles(ten);
    CHECK(deciles.p25 == Approx(3.25));
    CHECK(deciles.median == Approx(5.5));
    CHECK(deciles.p75 == Approx(7.75));
}

TEST_CASE("statistics: trimmed mean drops floor(n * trim) values at each end", "[statistics]") {
    std::mt19937 rng(99);
    for (const std::size_t n : sizes) {
        auto values = random_values(rng, n);
        auto copy = values;
        // trim 0 is the mean.
        CHECK(*sfp::stats::trimmed_mean(copy, 0) == Approx(mean(values)).margin(1e-9));
        // Brute force: sort, drop, average.
        for (const double trim : {0.05, 0.1, 0.2, 0.25, 0.4}) {
            auto sorted = values;
            std::sort(sorted.begin(), sorted.end());
            const auto drop = static_cast<std::size_t>(std::floor(static_cast<double>(n) * trim));
            const std::vector<double> kept(sorted.begin() + static_cast<std::ptrdiff_t>(drop),
                                           sorted.end() - static_cast<std::ptrdiff_t>(drop));
            auto input = values;
            INFO("n = " << n << ", trim = " << trim);
            CHECK(*sfp::stats::trimmed_mean(input, trim) == Approx(mean(kept)).margin(1e-9));
        }
    }
    // Known drops: n = 10, trim 0.1 drops one at each end.
    std::vector<double> ten = {1000, 2, 3, 4, 5, 6, 7, 8, 9, -1000};
    CHECK(*sfp::stats::trimmed_mean(ten, 0.1) == Approx(5.5)); // (2 + ... + 9) / 8
    // n = 9, trim 0.1: floor(0.9) = 0 drops nothing.
    std::vector<double> nine = {1, 2, 3, 4, 5, 6, 7, 8, 90};
    CHECK(*sfp::stats::trimmed_mean(nine, 0.1) == Approx(126.0 / 9));
    // n = 20, trim 0.25: five at each end.
    std::vector<double> twenty(20);
    std::iota(twenty.begin(), twenty.end(), 1.0);
    CHECK(*sfp::stats::trimmed_mean(twenty, 0.25) == Approx(10.5)); // mean of 6..15
    // trim 0.5 or more is clamped below one half: at least one value is kept.
    std::vector<double> three = {1, 2, 30};
    CHECK(*sfp::stats::trimmed_mean(three, 0.5) == Approx(2));
}

TEST_CASE("statistics: weighted mean ignores non-positive weights", "[statistics]") {
    const std::vector<double> values = {1, 2, 3, 100, 200};
    const std::vector<double> weights = {1, 1, 2, 0, -5};
    CHECK(*sfp::stats::weighted_mean(values, weights) == Approx((1 + 2 + 6) / 4.0));
    CHECK_FALSE(sfp::stats::weighted_mean(values, std::vector<double>{0, 0, -1, 0, 0}));
    // Equal weights: the mean; weights scale freely.
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> positive(0.1, 50);
    for (const std::size_t n : sizes) {
        const auto v = random_values(rng, n);
        const std::vector<double> ones(n, 1.0);
        CHECK(*sfp::stats::weighted_mean(v, ones) == Approx(mean(v)).margin(1e-9));
        std::vector<double> w(n);
        for (auto& x : w) {
            x = positive(rng);
        }
        double num = 0;
        double den = 0;
        for (std::size_t i = 0; i < n; ++i) {
            num += w[i] * v[i];
            den += w[i];
        }
        CHECK(*sfp::stats::weighted_mean(v, w) == Approx(num / den).margin(1e-9));
        auto scaled = w;
        for (auto& x : scaled) {
            x *= 1000;
        }
        CHECK(*sfp::stats::weighted_mean(v, scaled) ==
              Approx(*sfp::stats::weighted_mean(v, w)).margin(1e-9));
    }
    // Lengths differ: the shorter decides.
    CHECK(*sfp::stats::weighted_mean(std::vector<double>{1, 2, 3}, std::vector<double>{1, 1}) ==
          Approx(1.5));
}

// --- the engine's aggregates against institution values --------------------------------------

namespace {

/// A small catalogue in the format of docs/indicators.md, written to a temporary folder.
const sfp::Catalogue& test_catalogue() {
    static const sfp::Catalogue catalogue = [] {
        const sfp::testing::TempDir dir("statistics");
        const auto path = dir.write("catalogue.toml",
                                    R"toml(
[[indicator]]
id = "PQ-01"
name = { en = "Portfolio at risk > 30 days" }
formula = "par30_balance / gross_loan_portfolio"
unit = "fraction"
good = "down"
aggregate = ["ratio", "median", "trimmed-mean"]
trim = 0.1
source = "test"

[[indicator]]
id = "FIN-01"
name = "Operational self-sufficiency"
formula = "fin_revenue / (fin_expense + impairment_expense + opex)"
unit = "fraction"
good = "up"
aggregate = ["ratio", "median"]
source = "test"

[[indicator]]
id = "OUT-01"
name = "Active borrowers"
formula = "active_borrowers"
unit = "count"
decimals = 0
good = "up"
aggregate = ["sum", "median", "trimmed-mean"]
trim = 0.2
source = "test"
)toml");
        sfp::Diagnostics diagnostics;
        auto loaded = sfp::load_catalogue(path, diagnostics);
        for (const auto& d : diagnostics.items()) {
            UNSCOPED_INFO(sfp::to_string(d));
        }
        REQUIRE(loaded);
        return std::move(*loaded);
    }();
    return catalogue;
}

struct PanelRecord {
    std::string id;
    std::string region;
    int year = 0;
    std::map<std::string, std::optional<double>> numbers;
};

sfp::Dataset build(const std::vector<PanelRecord>& records) {
    static const std::vector<std::string> fields = {
        "gross_loan_portfolio", "par30_balance", "active_borrowers", "fin_revenue", "fin_expense",
        "impairment_expense",   "opex"};
    sfp::Dataset data;
    for (const auto& field : fields) {
        data.numbers[field].resize(records.size());
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& record = records[i];
        data.institution_id.push_back(record.id);
        data.institution_name.push_back("Institution " + record.id);
        data.country_iso3.push_back("KEN");
        data.region.push_back(record.region);
        data.currency.push_back("USD");
        data.fiscal_year.push_back(record.year);
        data.period_start.emplace_back();
        data.period_end.emplace_back();
        for (const auto& [field, value] : record.numbers) {
            data.numbers.at(field)[i] = value;
        }
        data.origin.push_back(sfp::SourcePos{"panel.csv", static_cast<long>(i) + 2, 0});
    }
    return data;
}

const std::vector<std::string> regions = {"Africa", "Latin America", "South Asia"};

/// A random panel: 1 to 25 institutions over 2020-2022, each in a random region, with some
/// years absent and some inputs missing (never 0 in a denominator).
std::vector<PanelRecord> random_panel(std::mt19937& rng) {
    std::uniform_int_distribution<int> institutions(1, 25);
    std::uniform_int_distribution<std::size_t> region(0, regions.size() - 1);
    std::uniform_real_distribution<double> glp(1e4, 5e7);
    std::uniform_real_distribution<double> share(0, 0.3);
    std::uniform_real_distribution<double> cost(0.05, 0.4);
    std::uniform_int_distribution<int> borrowers(10, 200000);
    std::bernoulli_distribution absent(0.15);
    std::bernoulli_distribution missing(0.1);
    std::vector<PanelRecord> out;
    const int n = institutions(rng);
    for (int i = 0; i < n; ++i) {
        const std::string id = "MFI-" + std::to_string(i);
        const std::string where = regions[region(rng)];
        for (int year = 2020; year <= 2022; ++year) {
            if (absent(rng)) {
                continue;
            }
            PanelRecord record{id, where, year, {}};
            const double portfolio = glp(rng);
            const auto maybe = [&](double value) -> std::optional<double> {
                return missing(rng) ? std::nullopt : std::optional<double>(value);
            };
            record.numbers["gross_loan_portfolio"] = maybe(portfolio);
            record.numbers["par30_balance"] = maybe(portfolio * share(rng));
            record.numbers["active_borrowers"] = maybe(borrowers(rng));
            record.numbers["fin_revenue"] = maybe(portfolio * cost(rng));
            record.numbers["fin_expense"] = maybe(portfolio * cost(rng) / 4);
            record.numbers["impairment_expense"] = maybe(portfolio * cost(rng) / 10);
            record.numbers["opex"] = maybe(portfolio * cost(rng) / 2);
            out.push_back(std::move(record));
        }
    }
    return out;
}

sfp::EngineOptions options() {
    sfp::EngineOptions out;
    out.indicators = {"PQ-01", "FIN-01", "OUT-01"};
    out.groupings = {"region"};
    out.min_n = 3;
    return out;
}

/// Records of `scope` ("all" or "region:X") and `year`.
std::vector<std::size_t> members(const sfp::Dataset& data, const std::string& scope, int year) {
    std::vector<std::size_t> out;
    for (std::size_t r = 0; r < data.size(); ++r) {
        if (data.fiscal_year[r] == year &&
            (scope == "all" || scope == "region:" + data.region[r])) {
            out.push_back(r);
        }
    }
    return out;
}

double relative_margin(double expected) {
    return 1e-9 * std::max(1.0, std::abs(expected));
}

} // namespace

TEST_CASE("statistics: engine aggregates equal their definitions on random panels",
          "[statistics]") {
    const auto& catalogue = test_catalogue();
    std::mt19937 rng(424242);
    for (int round = 0; round < 40; ++round) {
        const auto panel = random_panel(rng);
        const sfp::Dataset data = build(panel);
        const sfp::Results results =
            sfp::compute_indicators(data, catalogue, sfp::ReferenceSeries{}, options());
        std::map<std::string, sfp::InstitutionValues> values;
        for (const std::string id : {"PQ-01", "FIN-01", "OUT-01"}) {
            values[id] =
                sfp::institution_values(data, catalogue, sfp::ReferenceSeries{}, options(), id);
            REQUIRE(values[id].value.size() == data.size());
        }
        for (const auto& scope : results.scopes) {
            const std::size_t s = *results.scope_index(scope.key);
            for (const int year : results.periods) {
                const auto rows = members(data, scope.key, year);
                INFO("round " << round << ", scope " << scope.key << ", year " << year);

                // Ratios: sum(num) / sum(den) = the weighted mean of institution values.
                for (const std::string id : {"PQ-01", "FIN-01"}) {
                    INFO(id);
                    const auto& iv = values.at(id);
                    double num = 0;
                    double den = 0;
                    double weighted = 0;
                    long n = 0;
                    for (const auto r : rows) {
                        if (std::isnan(iv.numerator[r]) || std::isnan(iv.denominator[r])) {
                            continue;
                        }
                        num += iv.numerator[r];
                        den += iv.denominator[r];
                        weighted += iv.denominator[r] * iv.value[r];
                        ++n;
                    }
                    const auto* ratio = results.find(id, s, year, sfp::Statistic::ratio);
                    REQUIRE(ratio != nullptr);
                    CHECK(ratio->n == n);
                    if (n == 0) {
                        CHECK_FALSE(ratio->value);
                        CHECK(ratio->missing);
                        continue;
                    }
                    REQUIRE(ratio->value);
                    CHECK(*ratio->value == Approx(num / den).margin(relative_margin(num / den)));
                    CHECK(*ratio->value ==
                          Approx(weighted / den).margin(relative_margin(weighted / den)));
                    REQUIRE(ratio->numerator);
                    REQUIRE(ratio->denominator);
                    CHECK(*ratio->numerator == Approx(num));
                    CHECK(*ratio->denominator == Approx(den));
                }

                // Order statistics: a sort of the institution values present.
                for (const std::string id : {"PQ-01", "FIN-01", "OUT-01"}) {
                    INFO(id);
                    std::vector<double> present;
                    for (const auto r : rows) {
                        if (!std::isnan(values.at(id).value[r])) {
                            present.push_back(values.at(id).value[r]);
                        }
                    }
                    std::sort(present.begin(), present.end());
                    const auto* median = results.find(id, s, year, sfp::Statistic::median);
                    REQUIRE(median != nullptr);
                    CHECK(median->n == static_cast<long>(present.size()));
                    if (present.size() < 3) {
                        CHECK_FALSE(median->value);
                        if (!present.empty()) {
                            CHECK(median->missing == sfp::MissingReason::suppressed);
                        }
                        continue;
                    }
                    REQUIRE(median->value);
                    REQUIRE(median->p25);
                    REQUIRE(median->p75);
                    CHECK(*median->value == Approx(type7(present, 0.5)));
                    CHECK(*median->p25 == Approx(type7(present, 0.25)));
                    CHECK(*median->p75 == Approx(type7(present, 0.75)));
                    if (const auto* trimmed =
                            results.find(id, s, year, sfp::Statistic::trimmed_mean)) {
                        const double trim = catalogue.find(id)->trim;
                        const auto drop = static_cast<std::size_t>(
                            std::floor(static_cast<double>(present.size()) * trim));
                        const std::vector<double> kept(
                            present.begin() + static_cast<std::ptrdiff_t>(drop),
                            present.end() - static_cast<std::ptrdiff_t>(drop));
                        REQUIRE(trimmed->value);
                        CHECK(trimmed->n == static_cast<long>(present.size()));
                        CHECK(*trimmed->value == Approx(mean(kept)));
                    }
                }

                // Sums: the sum of the institution values present.
                double total = 0;
                long n = 0;
                for (const auto r : rows) {
                    if (!std::isnan(values.at("OUT-01").value[r])) {
                        total += values.at("OUT-01").value[r];
                        ++n;
                    }
                }
                const auto* sum = results.find("OUT-01", s, year, sfp::Statistic::sum);
                REQUIRE(sum != nullptr);
                CHECK(sum->n == n);
                if (n > 0) {
                    REQUIRE(sum->value);
                    CHECK(*sum->value == Approx(total));
                } else {
                    CHECK_FALSE(sum->value);
                }
                // The headline is the first statistic listed.
                CHECK(results.find("OUT-01", s, year) == sum);
                CHECK(results.find("PQ-01", s, year) ==
                      results.find("PQ-01", s, year, sfp::Statistic::ratio));
            }
        }

        // "all" combines the regions: sums add, ratios add numerators and denominators.
        for (const int year : results.periods) {
            INFO("round " << round << ", year " << year);
            const std::size_t all = results.all_scope();
            double borrowers = 0;
            long n = 0;
            std::map<std::string, std::pair<double, double>> sums;
            for (const std::size_t s : results.group_scopes()) {
                if (const auto* r = results.find("OUT-01", s, year); r && r->value) {
                    borrowers += *r->value;
                    n += r->n;
                }
                for (const std::string id : {"PQ-01", "FIN-01"}) {
                    if (const auto* r = results.find(id, s, year); r && r->value) {
                        sums[id].first += *r->numerator;
                        sums[id].second += *r->denominator;
                    }
                }
            }
            const auto* total = results.find("OUT-01", all, year);
            REQUIRE(total != nullptr);
            CHECK(total->n == n);
            if (n > 0) {
                CHECK(*total->value == Approx(borrowers));
            }
            for (const std::string id : {"PQ-01", "FIN-01"}) {
                const auto* r = results.find(id, all, year);
                REQUIRE(r != nullptr);
                if (sums[id].second > 0) {
                    REQUIRE(r->value);
                    CHECK(*r->numerator == Approx(sums[id].first));
                    CHECK(*r->denominator == Approx(sums[id].second));
                    CHECK(*r->value == Approx(sums[id].first / sums[id].second));
                }
            }
        }
    }
}

TEST_CASE("statistics: order statistics of 1 or 2 institutions are suppressed, n reported",
          "[statistics]") {
    const auto& catalogue = test_catalogue();
    // Africa: 1 institution; Latin America: 2; South Asia: 3 (2021 only).
    std::vector<PanelRecord> panel;
    const auto add = [&](const std::string& id, const std::string& region, double par, double glp) {
        panel.push_back({id,
                         region,
                         2021,
                         {{"gross_loan_portfolio", glp},
                          {"par30_balance", par},
                          {"active_borrowers", 100.0},
                          {"fin_revenue", 10.0},
                          {"fin_expense", 1.0},
                          {"impairment_expense", 1.0},
                          {"opex", 8.0}}});
    };
    add("A1", "Africa", 5, 100);
    add("L1", "Latin America", 1, 100);
    add("L2", "Latin America", 30, 200);
    add("S1", "South Asia", 2, 100);
    add("S2", "South Asia", 10, 100);
    add("S3", "South Asia", 40, 200);
    const sfp::Dataset data = build(panel);
    const auto results =
        sfp::compute_indicators(data, catalogue, sfp::ReferenceSeries{}, options());
    const auto at = [&](const std::string& key, sfp::Statistic statistic) {
        const auto* r = results.find("PQ-01", *results.scope_index(key), 2021, statistic);
        REQUIRE(r != nullptr);
        return r;
    };
    for (const auto statistic : {sfp::Statistic::median, sfp::Statistic::trimmed_mean}) {
        const auto* one = at("region:Africa", statistic);
        CHECK_FALSE(one->value);
        CHECK(one->missing == sfp::MissingReason::suppressed);
        CHECK(one->n == 1);
        const auto* two = at("region:Latin America", statistic);
        CHECK_FALSE(two->value);
        CHECK(two->missing == sfp::MissingReason::suppressed);
        CHECK(two->n == 2);
        const auto* three = at("region:South Asia", statistic);
        REQUIRE(three->value);
        CHECK(three->n == 3);
    }
    // South Asia: PAR30 0.02, 0.10, 0.20 -> median 0.10, P25 0.06, P75 0.15; trimmed mean with
    // trim 0.1 drops floor(0.3) = 0 values: 0.32 / 3.
    const auto* median = at("region:South Asia", sfp::Statistic::median);
    CHECK(*median->value == Approx(0.10));
    CHECK(*median->p25 == Approx(0.06));
    CHECK(*median->p75 == Approx(0.15));
    CHECK(*at("region:South Asia", sfp::Statistic::trimmed_mean)->value == Approx(0.32 / 3));
    // The ratio is never suppressed: Africa's single institution has its value.
    const auto* ratio = at("region:Africa", sfp::Statistic::ratio);
    REQUIRE(ratio->value);
    CHECK(*ratio->value == Approx(0.05));
    CHECK(ratio->n == 1);
    // Latin America: (1 + 30) / (100 + 200), not the mean of 0.01 and 0.15.
    CHECK(*at("region:Latin America", sfp::Statistic::ratio)->value == Approx(31.0 / 300));
    // All: 6 institutions, median of 0.01, 0.02, 0.05, 0.10, 0.15, 0.20 = 0.075.
    CHECK(*at("all", sfp::Statistic::median)->value == Approx(0.075));
    CHECK(at("all", sfp::Statistic::median)->n == 6);

    // min_n is an option: 1 lets a single institution through.
    auto relaxed = options();
    relaxed.min_n = 1;
    const auto more = sfp::compute_indicators(data, catalogue, sfp::ReferenceSeries{}, relaxed);
    const auto* single =
        more.find("PQ-01", *more.scope_index("region:Africa"), 2021, sfp::Statistic::median);
    REQUIRE(single != nullptr);
    REQUIRE(single->value);
    CHECK(*single->value == Approx(0.05));
}
