// sfp::NumberColumn: a column of optional numbers in 8 bytes a value, read and written like a
// std::vector<std::optional<double>>. A missing value must never read as a number, and no number,
// a NaN included, may read as missing.
#include "sfp/number_column.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace {

using sfp::NumberColumn;

std::vector<std::optional<double>> as_vector(const NumberColumn& column) {
    return {column.begin(), column.end()};
}

} // namespace

TEST_CASE("number column: missing values stay missing, numbers stay numbers", "[number-column]") {
    NumberColumn column{1.5, std::nullopt, 0.0, -0.0, -2e300};
    REQUIRE(column.size() == 5);
    CHECK(column[0] == std::optional<double>(1.5));
    CHECK_FALSE(column[1].has_value());
    CHECK_FALSE(column.has_value(1));
    // A zero is a number, not a missing value; -0.0 keeps its sign.
    REQUIRE(column[2].has_value());
    CHECK(*column[2] == 0.0);
    REQUIRE(column[3].has_value());
    CHECK(std::signbit(*column[3]));
    CHECK(column.value(4) == -2e300);
    CHECK(as_vector(column) ==
          std::vector<std::optional<double>>{1.5, std::nullopt, 0.0, -0.0, -2e300});
}

TEST_CASE("number column: a NaN is a number, even one with the missing value's bits",
          "[number-column]") {
    const double quiet = std::numeric_limits<double>::quiet_NaN();
    const double lookalike = std::bit_cast<double>(NumberColumn::missing_bits);
    REQUIRE(std::isnan(lookalike));
    NumberColumn column;
    column.push_back(quiet);
    column.push_back(lookalike);
    column.push_back(-quiet);
    for (std::size_t r = 0; r < column.size(); ++r) {
        INFO(r);
        REQUIRE(column[r].has_value());
        CHECK(std::isnan(*column[r]));
    }
    column[0] = lookalike;
    CHECK(column.has_value(0));
}

TEST_CASE("number column: written through [], at(), front() and back()", "[number-column]") {
    NumberColumn column(3);
    CHECK(as_vector(column) == std::vector<std::optional<double>>(3));
    column[0] = 4.0;
    column.at(1) = 5.0;
    column.back() = 6.0;
    CHECK(as_vector(column) == std::vector<std::optional<double>>{4.0, 5.0, 6.0});
    column.front() = std::nullopt;
    column[2] = column[1];
    CHECK(as_vector(column) == std::vector<std::optional<double>>{std::nullopt, 5.0, 5.0});
    CHECK_THROWS_AS(column.at(3) = 1.0, std::out_of_range);
    // Moving an element onto another (as filters do) copies it.
    column[1] = std::move(column[0]);
    CHECK_FALSE(column[1].has_value());
    CHECK(column[0] == std::nullopt);
}

TEST_CASE("number column: grows with missing values, appends, compares", "[number-column]") {
    NumberColumn column{1.0};
    column.resize(3);
    CHECK(as_vector(column) == std::vector<std::optional<double>>{1.0, std::nullopt, std::nullopt});
    column.resize(4, 7.0);
    CHECK(column[3] == std::optional<double>(7.0));
    column.resize(2);
    CHECK(column.size() == 2);
    NumberColumn other{std::nullopt, 2.0};
    column.append(other);
    CHECK(column == NumberColumn{1.0, std::nullopt, std::nullopt, 2.0});
    CHECK_FALSE(column == NumberColumn{1.0, std::nullopt, 0.0, 2.0});
    CHECK_FALSE(column == NumberColumn{1.0, std::nullopt, std::nullopt});
    // The iterator is a random-access one over optional values.
    CHECK(column.end() - column.begin() == 4);
    CHECK(column.begin()[3] == std::optional<double>(2.0));
    CHECK_FALSE(*(column.begin() + 1));
}

TEST_CASE("number column: 8 bytes a value", "[number-column]") {
    NumberColumn column;
    column.reserve(1000);
    for (int i = 0; i < 1000; ++i) {
        column.push_back(i % 3 == 0 ? std::nullopt : std::optional<double>(i));
    }
    // The storage is one double per value (a std::optional<double> takes 16 bytes).
    CHECK(sizeof(double) == 8);
    CHECK(column.size() == 1000);
    long missing = 0;
    for (const auto value : column) {
        missing += value ? 0 : 1;
    }
    CHECK(missing == 334);
}
