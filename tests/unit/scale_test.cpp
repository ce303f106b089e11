// Tests of value-axis scales and value formatting (charts/scale.hpp).

#include "charts/scale.hpp"

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

std::vector<std::string> formatted_ticks(const charts::LinearScale& scale,
                                         const charts::ValueFormat& format) {
    std::vector<std::string> out;
    for (const double tick : scale.ticks()) {
        out.push_back(charts::format_tick(tick, scale.step, format));
    }
    return out;
}

charts::ValueFormat number(int decimals = 0, bool compact = false) {
    charts::ValueFormat format;
    format.kind = charts::ValueKind::number;
    format.decimals = decimals;
    format.compact = compact;
    return format;
}

charts::ValueFormat percent(int decimals = 1) {
    charts::ValueFormat format;
    format.kind = charts::ValueKind::percent;
    format.decimals = decimals;
    return format;
}

charts::ValueFormat currency(int decimals = 0, bool compact = false, std::string code = "USD") {
    charts::ValueFormat format;
    format.kind = charts::ValueKind::currency;
    format.decimals = decimals;
    format.compact = compact;
    format.currency = std::move(code);
    return format;
}

/// True when `step` is 1, 2 or 5 times a power of ten.
bool is_nice(double step) {
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
    for (const double candidate : {1.0, 2.0, 5.0, 10.0}) {
        if (std::fabs(mantissa - candidate) < 1e-9) {
            return true;
        }
    }
    return false;
}

/// The shortest text that reads back as `value` ("0.30000000000000004" for 3 * 0.1).
std::string shortest(double value) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    REQUIRE(ec == std::errc{});
    return std::string(buffer, end);
}

using Strings = std::vector<std::string>;

} // namespace

TEST_CASE("scale: nice_step rounds up to the 1-2-5 sequence", "[scale]") {
    CHECK(charts::nice_step(0.7) == Approx(1.0).epsilon(1e-12));
    CHECK(charts::nice_step(1.3) == Approx(2.0).epsilon(1e-12));
    CHECK(charts::nice_step(3.0) == Approx(5.0).epsilon(1e-12));
    CHECK(charts::nice_step(7.0) == Approx(10.0).epsilon(1e-12));
    CHECK(charts::nice_step(0.013) == Approx(0.02).epsilon(1e-12));
    CHECK(charts::nice_step(5.1) == Approx(10.0).epsilon(1e-12));
    CHECK(charts::nice_step(0.3) == Approx(0.5).epsilon(1e-12));
    CHECK(charts::nice_step(0.07) == Approx(0.1).epsilon(1e-12));
    CHECK(charts::nice_step(250.0) == Approx(500.0).epsilon(1e-12));
    CHECK(charts::nice_step(4.9e6) == Approx(5e6).epsilon(1e-12));
    CHECK(charts::nice_step(1.5e-7) == Approx(2e-7).epsilon(1e-12));
    // Values already on the sequence stay where they are.
    CHECK(charts::nice_step(1.0) == Approx(1.0).epsilon(1e-12));
    CHECK(charts::nice_step(2.0) == Approx(2.0).epsilon(1e-12));
    CHECK(charts::nice_step(5.0) == Approx(5.0).epsilon(1e-12));
    CHECK(charts::nice_step(10.0) == Approx(10.0).epsilon(1e-12));
    CHECK(charts::nice_step(0.1) == Approx(0.1).epsilon(1e-12));
    CHECK(charts::nice_step(0.05) == Approx(0.05).epsilon(1e-12));
    CHECK(charts::nice_step(1000.0) == Approx(1000.0).epsilon(1e-12));
}

TEST_CASE("scale: nice_scale gives known scales for typical data", "[scale]") {
    SECTION("a percentage range from zero") {
        const auto scale = charts::nice_scale(0.0, 0.187, 5, true);
        CHECK(scale.min == 0.0);
        CHECK(scale.step == Approx(0.05).epsilon(1e-12));
        CHECK(scale.max == Approx(0.2).epsilon(1e-12));
    }
    SECTION("zero is added below positive data when asked") {
        const auto scale = charts::nice_scale(37.0, 93.0, 5, true);
        CHECK(scale.min == 0.0);
        CHECK(scale.step == Approx(20.0));
        CHECK(scale.max == Approx(100.0));
    }
    SECTION("without zero the scale hugs the data") {
        const auto scale = charts::nice_scale(37.0, 93.0, 5, false);
        CHECK(scale.step == Approx(20.0));
        CHECK(scale.min == Approx(20.0));
        CHECK(scale.max == Approx(100.0));
    }
    SECTION("negative data with zero") {
        const auto scale = charts::nice_scale(-37.0, -3.0, 5, true);
        CHECK(scale.step == Approx(10.0));
        CHECK(scale.min == Approx(-40.0));
        CHECK(scale.max == 0.0);
    }
    SECTION("data on both sides of zero") {
        const auto scale = charts::nice_scale(-0.05, 0.12, 5, true);
        CHECK(scale.step == Approx(0.05));
        CHECK(scale.min == Approx(-0.05));
        CHECK(scale.max == Approx(0.15));
    }
    SECTION("lo and hi in the wrong order are swapped") {
        const auto scale = charts::nice_scale(93.0, 37.0, 5, false);
        CHECK(scale.min == Approx(20.0));
        CHECK(scale.max == Approx(100.0));
    }
}

TEST_CASE("scale: nice_scale contains the data on 1-2-5 steps with 3 to 10 ticks", "[scale]") {
    const std::vector<double> starts{-1000.0, -7.3, -0.02, 0.0, 0.013, 1.0, 3.7, 99.0, 6.25e6};
    const std::vector<double> spans{0.001, 0.0137, 0.5, 1.0, 3.0, 7.7, 23.0, 100.0, 1e6};
    for (const double lo : starts) {
        for (const double span : spans) {
            for (const bool include_zero : {false, true}) {
                const double hi = lo + span;
                const auto scale = charts::nice_scale(lo, hi, 5, include_zero);
                INFO("lo " << lo << " hi " << hi << " zero " << include_zero << " -> [" << scale.min
                           << ", " << scale.max << "] step " << scale.step);
                // floor/ceil allow 1e-9 step of rounding noise so that data sitting on a
                // boundary does not get an extra interval; beyond that the data must fit.
                const double slack = scale.step * 1e-9;
                CHECK(scale.min <= lo + slack);
                CHECK(scale.max >= hi - slack);
                if (include_zero) {
                    CHECK(scale.min <= 0.0);
                    CHECK(scale.max >= 0.0);
                }
                CHECK(is_nice(scale.step));
                const auto ticks = scale.ticks();
                CHECK(ticks.size() >= 3);
                CHECK(ticks.size() <= 10);
                REQUIRE_FALSE(ticks.empty());
                CHECK(ticks.front() == Approx(scale.min).margin(scale.step * 1e-9));
                CHECK(ticks.back() == Approx(scale.max).margin(scale.step * 1e-9));
                for (const double tick : ticks) {
                    const double units = tick / scale.step;
                    CHECK(std::fabs(units - std::round(units)) < 1e-6);
                }
            }
        }
    }
}

TEST_CASE("scale: nice_scale handles equal and zero-width input", "[scale]") {
    SECTION("a single positive value") {
        const auto scale = charts::nice_scale(5.0, 5.0, 5, false);
        CHECK(scale.min < 5.0);
        CHECK(scale.max > 5.0);
        CHECK(scale.max > scale.min);
        CHECK(is_nice(scale.step));
    }
    SECTION("a single positive value with zero") {
        const auto scale = charts::nice_scale(5.0, 5.0, 5, true);
        CHECK(scale.min == 0.0);
        CHECK(scale.max >= 5.0);
    }
    SECTION("zero only") {
        const auto with_zero = charts::nice_scale(0.0, 0.0, 5, true);
        CHECK(with_zero.min == 0.0);
        CHECK(with_zero.max == Approx(1.0));
        const auto without = charts::nice_scale(0.0, 0.0, 5, false);
        CHECK(without.min == Approx(-1.0));
        CHECK(without.max == Approx(1.0));
    }
    SECTION("a single negative value") {
        const auto scale = charts::nice_scale(-3.0, -3.0, 5, false);
        CHECK(scale.min < -3.0);
        CHECK(scale.max > -3.0);
        CHECK(scale.ticks().size() >= 3);
    }
    SECTION("a single tiny value") {
        const auto scale = charts::nice_scale(0.0004, 0.0004, 5, false);
        CHECK(scale.min < 0.0004);
        CHECK(scale.max > 0.0004);
        CHECK(scale.step > 0.0);
    }
}

TEST_CASE("scale: tick labels carry no floating-point noise", "[scale]") {
    const charts::LinearScale tenths{0.0, 1.0, 0.1};
    CHECK(formatted_ticks(tenths, number()) ==
          Strings{"0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"});
    const charts::LinearScale fifths{0.0, 1.0, 0.2};
    CHECK(formatted_ticks(fifths, number()) == Strings{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"});
    const charts::LinearScale cents{0.04, 0.14, 0.02};
    CHECK(formatted_ticks(cents, number()) ==
          Strings{"0.04", "0.06", "0.08", "0.10", "0.12", "0.14"});
    const auto pct = charts::nice_scale(0.0, 0.187, 5, true);
    CHECK(formatted_ticks(pct, percent()) == Strings{"0%", "5%", "10%", "15%", "20%"});
    const charts::LinearScale negative{-0.3, 0.3, 0.1};
    CHECK(formatted_ticks(negative, number()) ==
          Strings{"-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"});
    // The tick at zero is exactly zero, not a tiny residue printed as "-0.0".
    const auto ticks = negative.ticks();
    REQUIRE(ticks.size() == 7);
    CHECK(ticks[3] == 0.0);
    CHECK_FALSE(std::signbit(ticks[3]));
}

TEST_CASE("scale: ticks are the doubles nearest the decimal tick values", "[scale]") {
    // Library bug: LinearScale::ticks "snaps" with std::round(tick / step) * step, which
    // recomputes the same noisy product: 3 * 0.1 is 0.30000000000000004, not the double
    // nearest 0.3. Labels are fine (format_tick rounds), but the raw values are not (they go to
    // SVG coordinates and to spreadsheets). Dividing an integer count by 1/step when
    // step < 1 (3 / 10.0 == 0.3) gives the nearest double.
    const charts::LinearScale tenths{0.0, 1.0, 0.1};
    const auto ticks = tenths.ticks();
    REQUIRE(ticks.size() == 11);
    CHECK(shortest(ticks[3]) == "0.3");
    CHECK(shortest(ticks[6]) == "0.6");
    CHECK(shortest(ticks[7]) == "0.7");
    const charts::LinearScale fifths{0.0, 1.0, 0.2};
    const auto fifth_ticks = fifths.ticks();
    REQUIRE(fifth_ticks.size() == 6);
    CHECK(shortest(fifth_ticks[3]) == "0.6");
}

TEST_CASE("scale: ticks run from min to max inclusive", "[scale]") {
    const charts::LinearScale scale{-40.0, 0.0, 10.0};
    CHECK(scale.ticks() == std::vector<double>{-40.0, -30.0, -20.0, -10.0, 0.0});
    CHECK(charts::LinearScale{0.0, 1.0, 0.0}.ticks().empty()); // no step
    CHECK(charts::LinearScale{1.0, 0.0, 0.5}.ticks().empty()); // max < min
    CHECK(charts::LinearScale{2.0, 2.0, 0.5}.ticks() == std::vector<double>{2.0});
}

TEST_CASE("scale: fraction maps min to 0 and max to 1", "[scale]") {
    const charts::LinearScale scale{-10.0, 30.0, 10.0};
    CHECK(scale.fraction(-10.0) == 0.0);
    CHECK(scale.fraction(30.0) == 1.0);
    CHECK(scale.fraction(0.0) == Approx(0.25));
    CHECK(scale.fraction(50.0) == Approx(1.5));
    CHECK(charts::LinearScale{2.0, 2.0, 1.0}.fraction(2.0) == 0.0);
}

TEST_CASE("scale: value_range ignores missing values", "[scale]") {
    charts::ChartSpec spec;
    CHECK_FALSE(charts::value_range(spec).has_value());
    spec.series.push_back({"empty", {std::nullopt, std::nullopt}, {}, {}});
    CHECK_FALSE(charts::value_range(spec).has_value());
    spec.series.push_back({"a", {std::nullopt, 0.25, std::nullopt, 0.75}, {}, {}});
    auto range = charts::value_range(spec);
    REQUIRE(range.has_value());
    CHECK(range->first == 0.25);
    CHECK(range->second == 0.75);
    spec.series.push_back({"b", {-0.5, std::nullopt, std::numeric_limits<double>::quiet_NaN()}, {}, {}});
    range = charts::value_range(spec);
    REQUIRE(range.has_value());
    CHECK(range->first == -0.5);
    CHECK(range->second == 0.75);
    // A missing value is not 0: a series of positives keeps a positive minimum.
    charts::ChartSpec positives;
    positives.series.push_back({"p", {std::nullopt, 3.0, 9.0}, {}, {}});
    range = charts::value_range(positives);
    REQUIRE(range.has_value());
    CHECK(range->first == 3.0);
    CHECK(range->second == 9.0);
}

TEST_CASE("scale: group_thousands writes English separators and rounding", "[scale]") {
    CHECK(charts::group_thousands(1234567.891, 2) == "1,234,567.89");
    CHECK(charts::group_thousands(-0.004, 2) == "0.00");
    CHECK(charts::group_thousands(-0.0, 0) == "0");
    CHECK(charts::group_thousands(999.5, 0) == "1,000");
    CHECK(charts::group_thousands(-1234, 0) == "-1,234");
    CHECK(charts::group_thousands(0, 0) == "0");
    CHECK(charts::group_thousands(100, 0) == "100");
    CHECK(charts::group_thousands(123456, 0) == "123,456");
    CHECK(charts::group_thousands(1000, 1) == "1,000.0");
    CHECK(charts::group_thousands(-999.996, 2) == "-1,000.00");
    CHECK(charts::group_thousands(1e15, 0) == "1,000,000,000,000,000");
    CHECK(charts::group_thousands(0.25, 3) == "0.250");
    CHECK(charts::group_thousands(1234.4, -1) == "1,234"); // negative decimals mean none
}

TEST_CASE("scale: format_value writes percent, currency and compact numbers", "[scale]") {
    CHECK(charts::format_value(0.052, percent(1)) == "5.2%");
    CHECK(charts::format_value(0.75, percent(0)) == "75%");
    CHECK(charts::format_value(12.5, percent(0)) == "1,250%");
    CHECK(charts::format_value(-0.0004, percent(1)) == "0.0%");
    CHECK(charts::format_value(1234567.4, currency(0)) == "USD 1,234,567");
    CHECK(charts::format_value(1234567.0, currency(1, true)) == "USD 1.2m");
    CHECK(charts::format_value(350000.0, currency(0, true)) == "USD 350k");
    CHECK(charts::format_value(2.5e9, currency(1, true)) == "USD 2.5bn");
    CHECK(charts::format_value(999.0, currency(0, true)) == "USD 999");
    CHECK(charts::format_value(1500.0, currency(0, true, "EUR")) == "EUR 2k");
    CHECK(charts::format_value(-1500000.0, number(1, true)) == "-1.5m");
    CHECK(charts::format_value(1234.5678, number(2)) == "1,234.57");
    CHECK(charts::format_value(42.0, number()) == "42");
}

TEST_CASE("scale: compact numbers that round up move to the next unit", "[scale]") {
    // Library bug: compact_number picks the unit from the unrounded magnitude, so a value just
    // below 1,000,000 is divided by 1,000 and then rounds to "1,000.0k" instead of "1.0m"
    // (and 999,999,999 becomes "1,000.0m" instead of "1.0bn").
    CHECK(charts::format_value(999999.0, number(1, true)) == "1.0m");
    CHECK(charts::format_value(999500.0, currency(0, true)) == "USD 1m");
    CHECK(charts::format_value(999999999.0, number(1, true)) == "1.0bn");
    CHECK(charts::format_value(999.96, number(1, true)) == "1.0k");
}

TEST_CASE("scale: format_tick takes its decimals from the step", "[scale]") {
    CHECK(charts::format_tick(0.005, 0.005, percent(0)) == "0.5%");
    CHECK(charts::format_tick(0.01, 0.005, percent(0)) == "1.0%");
    CHECK(charts::format_tick(0.15, 0.05, percent(3)) == "15%");
    CHECK(charts::format_tick(0.0, 0.05, percent(3)) == "0%");
    CHECK(charts::format_tick(0.5, 0.25, number()) == "0.50");
    CHECK(charts::format_tick(0.30000000000000004, 0.1, number(4)) == "0.3");
    CHECK(charts::format_tick(2000.0, 1000.0, number(2)) == "2,000");
    CHECK(charts::format_tick(0.02, 0.02, number()) == "0.02");
    CHECK(charts::format_tick(1.5e6, 5e5, currency(0, true)) == "USD 1.5m");
    CHECK(charts::format_tick(2e6, 1e6, currency(3, true)) == "USD 2m");
    CHECK(charts::format_tick(500000.0, 250000.0, currency(0, true)) == "USD 500k");
}
