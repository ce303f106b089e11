// Batch runs (sfp/batch.hpp): output name patterns, file-safe values, data slices, and the same
// bytes whatever the number of worker threads.

#include "sfp/batch.hpp"
#include "sfp/dataset.hpp"
#include "sfp/sha256.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

TEST_CASE("file_safe keeps letters, digits, dot, dash and underscore", "[batch]") {
    CHECK(sfp::file_safe("KEN") == "KEN");
    CHECK(sfp::file_safe("South Asia") == "South-Asia");
    CHECK(sfp::file_safe("../../etc/passwd") == "etc-passwd");
    CHECK(sfp::file_safe("Côte") == "C--te"); // two UTF-8 bytes, two dashes
    CHECK(sfp::file_safe("") == "_");
    CHECK(sfp::file_safe("...") == "_");
    CHECK(sfp::file_safe("-x") == "x");
    // Whatever the value, the result never leaves the output folder.
    for (const std::string value : {"/", "a/b", "..", "\\\\server\\x", "x\ny"}) {
        const std::string safe = sfp::file_safe(value);
        CHECK(safe.find('/') == std::string::npos);
        CHECK(safe.find('\\') == std::string::npos);
        CHECK(safe.front() != '.');
    }
}

TEST_CASE("output name patterns expand their placeholders", "[batch]") {
    sfp::Diagnostics diagnostics;
    CHECK(sfp::expand_name_pattern("{name}-{value}-{lang}", "brief", "country", "KEN", "fr",
                                   diagnostics) == "brief-KEN-fr");
    CHECK(sfp::expand_name_pattern("{country}_{dimension}", "brief", "country", "KEN", "en",
                                   diagnostics) == "KEN_country");
    CHECK(sfp::expand_name_pattern("{name}-{region}", "r", "region", "South Asia", "en",
                                   diagnostics) == "r-South-Asia");
    CHECK(diagnostics.error_count() == 0);

    SECTION("an unknown placeholder is an error with a hint") {
        CHECK_FALSE(
            sfp::expand_name_pattern("{name}-{contry}", "b", "country", "KEN", "en", diagnostics));
        REQUIRE(diagnostics.error_count() == 1);
        CHECK(diagnostics.items()[0].message.find("'{contry}'") != std::string::npos);
        CHECK(diagnostics.items()[0].hint.find("country") != std::string::npos);
    }
    SECTION("the dimension's own name only works for that dimension") {
        CHECK_FALSE(sfp::expand_name_pattern("{region}", "b", "country", "KEN", "en", diagnostics));
    }
    SECTION("an unclosed brace is an error") {
        CHECK_FALSE(sfp::expand_name_pattern("{name", "b", "country", "KEN", "en", diagnostics));
        CHECK(diagnostics.items().at(0).message.find("not closed") != std::string::npos);
    }
    SECTION("a pattern cannot name a folder") {
        CHECK_FALSE(
            sfp::expand_name_pattern("../{value}", "b", "country", "KEN", "en", diagnostics));
        CHECK_FALSE(sfp::expand_name_pattern(".{value}", "b", "country", "KEN", "en", diagnostics));
    }
}

namespace {

sfp::Dataset three_records() {
    sfp::Dataset data;
    data.institution_id = {"A", "B", "C"};
    data.institution_name = {"Alpha", "Beta", "Gamma"};
    data.country_iso3 = {"KEN", "GHA", "KEN"};
    data.region = {"Africa", "Africa", "Africa"};
    data.currency = {"USD", "USD", "KES"};
    data.fiscal_year = {2023, 2023, 2024};
    data.numbers["gross_loan_portfolio"] = {1.0, std::nullopt, 3.0};
    data.texts["legal_form"] = {"NGO", "Bank", "NBFI"};
    data.origin = {{"f.csv", 2, 0}, {"f.csv", 3, 0}, {"g.csv", 2, 0}};
    data.issues.push_back(
        {"negative-value", sfp::Severity::warning, {"f.csv", 3, 7}, "x", "-1", "impossible"});
    data.issues.push_back({"gap-in-panel", sfp::Severity::warning, {"g.csv", 2, 0}, "", "", "gap"});
    data.issues.push_back(
        {"bad-row", sfp::Severity::error, {"f.csv", 9, 1}, "", "", "rejected row"});
    data.stats.push_back({"f", "f.csv", 4, 2, 2, {}});
    data.stats.push_back({"g", "g.csv", 1, 1, 0, {}});
    return data;
}

} // namespace

TEST_CASE("slice_records keeps the chosen records with their issues", "[batch]") {
    const sfp::Dataset data = three_records();
    const sfp::Dataset kenya = sfp::slice_records(data, {0, 2});
    REQUIRE(kenya.size() == 2);
    CHECK(kenya.institution_id == std::vector<std::string>{"A", "C"});
    CHECK(kenya.currency == std::vector<std::string>{"USD", "KES"});
    CHECK(kenya.fiscal_year == std::vector<int>{2023, 2024});
    const auto& portfolio = kenya.numbers.at("gross_loan_portfolio");
    REQUIRE(portfolio.size() == 2);
    CHECK(portfolio[0] == 1.0);
    CHECK(portfolio[1] == 3.0);
    CHECK(kenya.texts.at("legal_form") == std::vector<std::string>{"NGO", "NBFI"});
    // Only the issue at a Kenyan record's file and row; the rejected row belongs to no slice.
    REQUIRE(kenya.issues.size() == 1);
    CHECK(kenya.issues[0].code == "gap-in-panel");
    REQUIRE(kenya.stats.size() == 2);
    CHECK(kenya.stats[0].rows_used == 1);
    CHECK(kenya.stats[1].rows_used == 1);
    CHECK(kenya.stats[0].rows_rejected == 0);

    const sfp::Dataset ghana = sfp::slice_records(data, {1});
    REQUIRE(ghana.size() == 1);
    CHECK_FALSE(ghana.numbers.at("gross_loan_portfolio")[0].has_value()); // missing stays missing
    REQUIRE(ghana.issues.size() == 1);
    CHECK(ghana.issues[0].code == "negative-value");
}

namespace {

std::map<std::string, std::string> digests(const sfp::BatchResult& result) {
    std::map<std::string, std::string> out;
    for (const auto& unit : result.units) {
        for (const auto& output : unit.outputs) {
            out[fs::path(output.path).filename().string()] = output.sha256;
        }
    }
    return out;
}

} // namespace

TEST_CASE("a batch gives the same bytes on one thread and on several", "[batch]") {
    // Unique per process: two test runs at once (CI and a developer) must not share it.
    const fs::path root = fs::temp_directory_path() / fmt::format("sfp-batch-test-{}", getpid());
    fs::remove_all(root);
    std::map<std::string, std::string> by_jobs[2];
    for (const unsigned jobs : {1U, 3U}) {
        sfp::BatchOptions options;
        options.build.config_path =
            std::string(SFPGEN_SOURCE_DIR) + "/templates/gb-progress/report.toml";
        options.build.output_dir = (root / fmt::format("jobs-{}", jobs)).string();
        options.build.source_date_epoch = 1764288000;
        options.for_spec = "region=Africa,South Asia,Latin America and Caribbean";
        options.languages = "en,fr";
        options.jobs = jobs;
        sfp::Diagnostics diagnostics;
        const auto result = sfp::run_batch(options, diagnostics);
        REQUIRE(result.code == sfp::ExitCode::ok);
        REQUIRE(result.units.size() == 6);
        for (const auto& unit : result.units) {
            CHECK(unit.status == sfp::UnitStatus::built);
            CHECK(unit.outputs.size() == 2);
        }
        by_jobs[jobs == 1 ? 0 : 1] = digests(result);

        // The manifest records every output with the sha256 of its bytes.
        std::ifstream in(result.manifest);
        std::stringstream text;
        text << in.rdbuf();
        for (const auto& unit : result.units) {
            for (const auto& output : unit.outputs) {
                sfp::Diagnostics ignored;
                const auto digest = sfp::sha256_file(output.path, ignored);
                REQUIRE(digest);
                CHECK(digest->sha256 == output.sha256);
                CHECK(text.str().find(digest->sha256) != std::string::npos);
            }
        }
    }
    CHECK(by_jobs[0].size() == 12);
    CHECK(by_jobs[0] == by_jobs[1]);
    fs::remove_all(root);
}
