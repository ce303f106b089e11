// Tests of sfp::RecordList (sfp/indicators.hpp): the provenance lists of indicator results,
// sorted record indexes stored as LEB128 varint deltas. Expected byte counts follow from the
// encoding (7 bits a byte), not from the program.

#include "sfp/indicators.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Records = std::vector<std::uint32_t>;

constexpr std::uint32_t max_index = std::numeric_limits<std::uint32_t>::max();

/// The indexes of `list`, read with range-for (as the engine and the results file read them).
Records decoded(const sfp::RecordList& list) {
    Records out;
    for (const std::uint32_t record : list) {
        out.push_back(record);
    }
    return out;
}

/// Where two lists first differ ("same" when they do not): a failure names one index
/// instead of printing 100,000 (Catch's line wrapping of such a message takes minutes).
std::string first_difference(const Records& seen, const Records& expected) {
    const auto [a, b] = std::mismatch(seen.begin(), seen.end(), expected.begin(), expected.end());
    if (a == seen.end() && b == expected.end()) {
        return "same";
    }
    const auto at = a - seen.begin();
    return "at " + std::to_string(at) + ": " + (a == seen.end() ? "(end)" : std::to_string(*a)) +
           " instead of " + (b == expected.end() ? "(end)" : std::to_string(*b));
}

/// Checks the round trip of `records` in every way the list can be read.
void check_round_trip(const Records& records) {
    const sfp::RecordList list(records);
    CHECK(list.size() == records.size());
    CHECK(list.empty() == records.empty());
    CHECK(first_difference(decoded(list), records) == "same");
    CHECK(first_difference(list.to_vector(), records) == "same");
    CHECK(first_difference(Records(list.begin(), list.end()), records) == "same");
    CHECK(static_cast<std::size_t>(std::distance(list.begin(), list.end())) == records.size());
}

} // namespace

TEST_CASE("RecordList: an empty list has no indexes", "[record_list]") {
    const sfp::RecordList list;
    CHECK(list.empty());
    CHECK(list.size() == 0);
    CHECK(list.begin() == list.end());
    CHECK(decoded(list).empty());
    CHECK(list == sfp::RecordList(Records{}));
    check_round_trip({});
}

TEST_CASE("RecordList: single values, the smallest and the largest", "[record_list]") {
    check_round_trip({0});
    check_round_trip({1});
    check_round_trip({127});
    check_round_trip({128});
    check_round_trip({max_index});
    check_round_trip({0, max_index});
    check_round_trip({max_index - 1, max_index});
    const sfp::RecordList one({42});
    CHECK_FALSE(one.empty());
    CHECK(one.size() == 1);
    CHECK(*one.begin() == 42);
}

TEST_CASE("RecordList: large gaps cross every varint length", "[record_list]") {
    // Gaps of 2^7 - 1, 2^7, 2^14 - 1, 2^14, 2^21, 2^28 and to the top of the range.
    check_round_trip({0, 127, 255, 16638, 33022, 2130174, 270565630, max_index});
    check_round_trip({5, 5, 5, 6, 6, max_index, max_index}); // repeats: gaps of 0
}

TEST_CASE("RecordList: each index takes as many bytes as its gap needs", "[record_list]") {
    // A gap below 2^7 takes one byte, below 2^14 two, below 2^21 three, below 2^28 four,
    // else five.
    CHECK(sfp::RecordList({0}).encoded_bytes() == 1);
    CHECK(sfp::RecordList({127}).encoded_bytes() == 1);
    CHECK(sfp::RecordList({128}).encoded_bytes() == 2);
    CHECK(sfp::RecordList({16383}).encoded_bytes() == 2);
    CHECK(sfp::RecordList({16384}).encoded_bytes() == 3);
    CHECK(sfp::RecordList({2097152}).encoded_bytes() == 4);
    CHECK(sfp::RecordList({268435456}).encoded_bytes() == 5);
    CHECK(sfp::RecordList({max_index}).encoded_bytes() == 5);
    // 1,000 consecutive records 15 apart (one year of a panel): one byte each.
    Records yearly(1000);
    for (std::size_t i = 0; i < yearly.size(); ++i) {
        yearly[i] = static_cast<std::uint32_t>(200000 + 15 * i);
    }
    // The first index, 200,000, needs three bytes; every later gap of 15 one.
    CHECK(sfp::RecordList(yearly).encoded_bytes() == 3 + 999);
}

TEST_CASE("RecordList: 100,000 random sorted indexes round trip", "[record_list]") {
    std::mt19937 random(20261129U);
    SECTION("spread over the whole range") {
        std::uniform_int_distribution<std::uint32_t> any(0, max_index);
        Records records(100000);
        std::generate(records.begin(), records.end(), [&] { return any(random); });
        std::sort(records.begin(), records.end());
        check_round_trip(records);
    }
    SECTION("dense, with repeats and occasional large jumps") {
        std::uniform_int_distribution<std::uint32_t> gap(0, 20);
        std::uniform_int_distribution<std::uint32_t> jump(0, 1U << 24U);
        Records records;
        std::uint32_t at = 0;
        for (int i = 0; i < 100000; ++i) {
            at += i % 1000 == 999 ? jump(random) : gap(random);
            records.push_back(at);
        }
        check_round_trip(records);
    }
}

TEST_CASE("RecordList: equality compares the indexes", "[record_list]") {
    const Records base{3, 17, 200, 70000};
    CHECK(sfp::RecordList(base) == sfp::RecordList(base));
    CHECK_FALSE(sfp::RecordList(base) == sfp::RecordList({3, 17, 200, 70001}));
    CHECK_FALSE(sfp::RecordList(base) == sfp::RecordList({3, 17, 200}));
    CHECK_FALSE(sfp::RecordList(base) == sfp::RecordList({3, 17, 200, 70000, 70000}));
    CHECK_FALSE(sfp::RecordList(base) == sfp::RecordList());
    CHECK(sfp::RecordList(base) != sfp::RecordList({0, 17, 200, 70000}));
    sfp::RecordList copy = sfp::RecordList(base);
    CHECK(copy == sfp::RecordList(base));
}

TEST_CASE("RecordList: the iterator steps one index at a time", "[record_list]") {
    const sfp::RecordList list({10, 300, 300, 100000});
    auto it = list.begin();
    CHECK(*it == 10);
    const auto before = it++;
    CHECK(*before == 10);
    CHECK(*it == 300);
    CHECK(*++it == 300);
    CHECK(*++it == 100000);
    CHECK(++it == list.end());
}

TEST_CASE("RecordList: unsorted indexes are refused", "[record_list]") {
    CHECK_THROWS_AS(sfp::RecordList({2, 1}), std::invalid_argument);
    CHECK_THROWS_AS(sfp::RecordList({0, max_index, 5}), std::invalid_argument);
}
