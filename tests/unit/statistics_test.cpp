// Property tests of the order and weighted statistics (sfp/statistics.hpp) against brute-force
// computations on random vectors (fixed seeds), and of the indicator engine's aggregates
// against the institution values they combine (sfp/indicators.hpp, docs/indicators.md).

#include "sfp/statistics.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <random>
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
    return std::accumulate(values.begin(), values.end(), 0.0) /
           static_cast<double>(values.size());
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

            const auto quartiles = sfp::stats::quartiles(values); // sorts in place
            REQUIRE(quartiles);
            CHECK(std::is_sorted(values.begin(), values.end()));
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
    CHECK(*sfp::stats::weighted_mean(std::vector<double>{1, 2, 3},
                                     std::vector<double>{1, 1}) == Approx(1.5));
}
