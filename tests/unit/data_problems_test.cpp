// The data-problem corpus (tests/data-problems/<case>/): one folder per class of problem that
// real microfinance files have (docs/data.md, ../shared/domain/real-data.md). Each holds a
// data-only configuration (source.toml), its data, and expected.txt: one line per issue,
// "code row column" (column 0: the whole row). The loader must report exactly those.

#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/fields.hpp"
#include "sfp/sources.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path corpus = fs::path(SFPGEN_SOURCE_DIR) / "tests" / "data-problems";

std::vector<std::string> expected_issues(const fs::path& file) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

sfp::Dataset load_case(const fs::path& folder) {
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config((folder / "source.toml").string(), diagnostics);
    REQUIRE(spec.has_value());
    auto data = sfp::load_all_sources(*spec, diagnostics);
    INFO([&] {
        std::string text;
        for (const auto& d : diagnostics.items()) {
            text += sfp::to_string(d) + "\n";
        }
        return text;
    }());
    REQUIRE(data.has_value());
    CHECK_FALSE(diagnostics.has_errors());
    return std::move(*data);
}

} // namespace

TEST_CASE("data problems: every case reports exactly its expected issues", "[data]") {
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(corpus)) {
        if (entry.is_directory()) {
            cases.push_back(entry.path());
        }
    }
    std::sort(cases.begin(), cases.end());
    REQUIRE(cases.size() >= 9);
    for (const auto& folder : cases) {
        DYNAMIC_SECTION(folder.filename().string()) {
            const sfp::Dataset data = load_case(folder);
            std::vector<std::string> found;
            std::string details;
            for (const auto& issue : data.issues) {
                found.push_back(
                    fmt::format("{} {} {}", issue.code, issue.where.line, issue.where.column));
                details += sfp::to_string(issue) + "\n";
            }
            std::sort(found.begin(), found.end());
            INFO(details);
            CHECK(found == expected_issues(folder / "expected.txt"));
        }
    }
}

TEST_CASE("data problems: values are converted, and missing stays missing", "[data]") {
    SECTION("missing tokens are never zero") {
        const auto data = load_case(corpus / "missing-tokens");
        REQUIRE(data.size() == 3);
        for (const char* field : {"gross_loan_portfolio", "par30_balance", "active_borrowers",
                                  "active_borrowers_women"}) {
            INFO(field);
            const auto& column = *data.column(field);
            CHECK_FALSE(column[0].has_value());
            CHECK_FALSE(column[1].has_value());
            CHECK(column[2].has_value());
        }
    }
    SECTION("units: thousands, fractions of another field, floats as integers") {
        const auto data = load_case(corpus / "units-and-floats");
        REQUIRE(data.size() == 3);
        CHECK(data.institution_id[0] == "201");
        CHECK(data.fiscal_year[0] == 2020);
        CHECK(*(*data.column("gross_loan_portfolio"))[0] == Approx(1500500.0));
        CHECK(*(*data.column("par30_balance"))[0] == Approx(1500500.0 * 0.0601));
        CHECK_FALSE((*data.column("par30_balance"))[1].has_value());
        CHECK(*(*data.column("active_borrowers"))[0] == 1200.0);
    }
    SECTION("fiscal years ending in June end on 30 June") {
        const auto data = load_case(corpus / "fiscal-year-june");
        REQUIRE(data.size() == 2);
        REQUIRE(data.period_end[1].has_value());
        CHECK(data.period_end[1]->iso() == "2024-06-30");
    }
    SECTION("a July-June period belongs to the fiscal year of its end; a half year is kept") {
        const auto data = load_case(corpus / "mixed-periods");
        REQUIRE(data.size() == 3);
        CHECK(data.fiscal_year == std::vector<int>{2023, 2024, 2024});
        CHECK(data.institution_id == std::vector<std::string>{"A1", "A2", "A3"});
        REQUIRE(data.period_start[2].has_value());
        CHECK(data.period_start[2]->iso() == "2024-01-01");
    }
    SECTION("country spellings resolve to one code, and the region follows the country") {
        const auto data = load_case(corpus / "countries");
        REQUIRE(data.size() == 5);
        CHECK(data.country_iso3[0] == "COD");
        CHECK(data.country_iso3[1] == "COD");
        CHECK(data.country_iso3[2] == "COD");
        CHECK(data.country_iso3[3] == "CIV");
        CHECK(data.region[0] == "Sub-Saharan Africa");
    }
    SECTION("a francophone partner file: windows-1252, decimal commas, thousands, percent") {
        const auto data = load_case(corpus / "french-partner");
        REQUIRE(data.size() == 2); // row 4 has an impossible date
        CHECK(data.institution_name[0] == "Crédit Mutuel du Sénégal");
        CHECK(data.institution_name[1] == "Microcrédit d’Abidjan");
        CHECK(data.country_iso3 == std::vector<std::string>{"SEN", "CIV"});
        CHECK(data.currency[0] == "XOF");
        CHECK(*(*data.column("gross_loan_portfolio"))[0] == Approx(1234500.0));
        CHECK(*(*data.column("gross_loan_portfolio"))[1] == Approx(987250.0));
        CHECK(*(*data.column("par30_balance"))[0] == Approx(1234500.0 * 0.045));
        CHECK(*(*data.column("active_borrowers"))[0] == 12345.0);
        CHECK(data.fiscal_year == std::vector<int>{2024, 2024});
        REQUIRE(data.period_end[1].has_value());
        CHECK(data.period_end[1]->iso() == "2024-06-30");
    }
    SECTION("quoted fields keep their line breaks, TABs and quotes") {
        const auto data = load_case(corpus / "quoting-and-headers");
        REQUIRE(data.size() == 3);
        CHECK(data.institution_name[0] == "Crédit, Rural");
        CHECK(data.institution_name[1] == "Line\nbreak and\ttab");
        CHECK(data.institution_name[2] == "He said \"yes\"");
    }
}

TEST_CASE("data problems: docs/data.md documents every canonical field", "[data][docs]") {
    std::ifstream in(fs::path(SFPGEN_SOURCE_DIR) / "docs" / "data.md");
    const std::string doc{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    REQUIRE_FALSE(doc.empty());
    for (const auto& field : sfp::canonical_fields()) {
        INFO(field.name);
        CHECK(doc.find(fmt::format("| `{}` |", field.name)) != std::string::npos);
    }
}
