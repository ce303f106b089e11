// Regression tests for what fuzzing found (docs/testing.md, "Fuzzing"): each input that crashed,
// or would have, or broke an invariant of a target, with the diagnostic now expected. The
// inputs are also in tests/fuzz/corpus/<target>/, which the replay tests run.

#include "sfp/catalogue.hpp"
#include "sfp/formula.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

namespace formula = sfp::formula;

std::string repeat(const std::string& text, std::size_t times) {
    std::string out;
    out.reserve(text.size() * times);
    for (std::size_t i = 0; i < times; ++i) {
        out += text;
    }
    return out;
}

/// Parses `text` at fuzz.toml:1:1 and returns the one diagnostic, or "" when it parses.
std::string parse_error(const std::string& text, sfp::SourcePos* where = nullptr) {
    sfp::Diagnostics diagnostics;
    const auto parsed = formula::parse(text, {"fuzz.toml", 1, 1}, diagnostics);
    if (parsed) {
        REQUIRE(diagnostics.items().empty());
        return "";
    }
    REQUIRE(diagnostics.items().size() == 1);
    if (where != nullptr) {
        *where = diagnostics.items()[0].where;
    }
    return diagnostics.items()[0].message;
}

} // namespace

TEST_CASE("formula: 100,000 nested parentheses give a diagnostic, not a stack overflow",
          "[fuzz][formula]") {
    // Found while writing formula_fuzz: the recursive-descent parser recursed once per level
    // until the stack ran out (and binding, printing and evaluation recurse over the tree too).
    const std::string deep = repeat("(", 100000) + "1" + repeat(")", 100000);
    sfp::SourcePos where;
    const std::string message = parse_error(deep, &where);
    CHECK(message ==
          "formula: too deeply nested: more than 256 levels of parentheses, calls or signs");
    // The first of the 257 levels too many is the text after the 257th '(' (column 258).
    CHECK(where.file == "fuzz.toml");
    CHECK(where.line == 1);
    CHECK(where.column == 258);
}

TEST_CASE("formula: nesting up to the limit parses, one more level does not", "[fuzz][formula]") {
    CHECK(parse_error(repeat("(", 256) + "1" + repeat(")", 256)).empty());
    CHECK(parse_error(repeat("(", 257) + "1" + repeat(")", 257)) != "");
    CHECK(parse_error(repeat("-", 256) + "1").empty());
    CHECK(parse_error(repeat("-", 257) + "1") != "");
    CHECK(parse_error(repeat("abs(", 256) + "1" + repeat(")", 256)).empty());
    CHECK(parse_error(repeat("abs(", 257) + "1" + repeat(")", 257)) != "");
}

TEST_CASE("formula: 100,000 signs and calls inside one another give a diagnostic",
          "[fuzz][formula]") {
    const std::string expected =
        "formula: too deeply nested: more than 256 levels of parentheses, calls or signs";
    CHECK(parse_error(repeat("-", 100000) + "1") == expected);
    CHECK(parse_error(repeat("abs(", 100000) + "1" + repeat(")", 100000)) == expected);
    CHECK(parse_error(repeat("max(1, ", 100000) + "1" + repeat(")", 100000)) == expected);
}

TEST_CASE("formula: a chain of 100,000 additions gives a diagnostic", "[fuzz][formula]") {
    // No parentheses, but a tree 100,000 deep: binding, printing and evaluating it recursed
    // 100,000 deep.
    sfp::SourcePos where;
    const std::string message = parse_error("1" + repeat(" + 1", 100000), &where);
    CHECK(message == "formula: too deeply nested: more than 256 operations inside one another");
    CHECK(where.column == 1); // the chain starts at the first "1"
    CHECK(parse_error("1" + repeat(" + 1", 256)).empty());
    CHECK(parse_error("1" + repeat(" * 2", 257)) ==
          "formula: too deeply nested: more than 256 operations inside one another");
}

TEST_CASE("formula: a comparison of a comparison prints with its parentheses", "[fuzz][formula]") {
    // Found while writing formula_fuzz's round-trip check: "(1 < 2) < 3" printed as
    // "1 < 2 < 3", which does not parse (comparisons cannot be chained).
    for (const std::string text : {"(1 < 2) < 3", "1 == (2 != 3)", "(1 <= 2) >= (3 > 4)"}) {
        sfp::Diagnostics diagnostics;
        const auto parsed = formula::parse(text, {"fuzz.toml", 1, 1}, diagnostics);
        REQUIRE(parsed);
        const std::string printed = formula::to_string(*parsed);
        CHECK(printed == text);
        const auto again = formula::parse(printed, {"printed", 1, 1}, diagnostics);
        REQUIRE(again);
        CHECK(formula::to_string(*again) == printed);
    }
}

TEST_CASE("formula: a deeply nested formula in a configuration is an error at its position",
          "[fuzz][formula]") {
    const auto folder = std::filesystem::temp_directory_path() /
                        ("sfp-fuzz-regression-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    const std::string path = (folder / "report.toml").string();
    {
        std::ofstream out(path);
        out << "[[derived]]\nname = \"deep\"\nformula = \"" << repeat("(", 50000) << "1"
            << repeat(")", 50000) << "\"\n";
    }
    sfp::Diagnostics diagnostics;
    auto catalogue =
        sfp::load_catalogue(SFPGEN_SOURCE_DIR "/data/indicators/catalogue.toml", diagnostics);
    REQUIRE(catalogue);
    CHECK_FALSE(sfp::extend_catalogue(*catalogue, path, diagnostics));
    REQUIRE(diagnostics.items().size() == 1);
    const auto& d = diagnostics.items()[0];
    CHECK(d.where.file == path);
    CHECK(d.where.line == 3);
    // formula = " is 11 characters: the formula starts at column 12, and its 258th character
    // is the first one nested too deeply.
    CHECK(d.where.column == 12 + 257);
    CHECK(d.message ==
          "formula: too deeply nested: more than 256 levels of parentheses, calls or signs");
    std::filesystem::remove_all(folder);
}

TEST_CASE("formula: a diagnostic quotes a whole UTF-8 character", "[fuzz][formula]") {
    // Found by the formula corpus replay (seed utf8-name): "été + 1" was reported as
    // "expected a value, found '\xC3'", half a character, which is not valid UTF-8.
    CHECK(parse_error("\xC3\xA9t\xC3\xA9 + 1") == "formula: expected a value, found '\xC3\xA9'");
    CHECK(parse_error("1 + \xE2\x82\xAC") == "formula: expected a value, found '\xE2\x82\xAC'");
}
