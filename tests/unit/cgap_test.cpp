// Tests of the CGAP submission model (sfp/cgap.hpp): the layout contract and its diagnostics,
// the projects file and its diagnostics, and the funder survey checked against sums computed
// here from the CSV rows.

#include "sfp/catalogue.hpp"
#include "sfp/cgap.hpp"
#include "sfp/diagnostics.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;
const std::string layout_path = source_dir + "/templates/cgap-submission/layout.toml";
const std::string projects_path = source_dir + "/data/cgap/projects.csv";

class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("cgap") {}
};

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// The 1-based line and column where `needle` first occurs in `text`.
std::pair<long, long> where_in(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    const auto line_start = text.rfind('\n', at);
    const long line =
        1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    const long column =
        static_cast<long>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    return {line, column};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

const sfp::Diagnostic& first_error(const sfp::Diagnostics& diagnostics) {
    REQUIRE(diagnostics.has_errors());
    for (const auto& item : diagnostics.items()) {
        if (item.severity == sfp::Severity::error) {
            return item;
        }
    }
    FAIL("no error");
    return diagnostics.items().front();
}

/// RFC 4180 fields of one line (the sample has no quoted line breaks).
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
            fields.back() += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

/// The sample's rows as column name -> text.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    const auto header = csv_fields(line);
    std::vector<std::map<std::string, std::string>> rows;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto fields = csv_fields(line);
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) {
            row[header[i]] = fields[i];
        }
        rows.push_back(row);
    }
    return rows;
}

sfp::Catalogue catalogue() {
    sfp::Diagnostics diagnostics;
    auto loaded = sfp::load_catalogue(source_dir + "/data/indicators/catalogue.toml", diagnostics);
    REQUIRE(loaded);
    return std::move(*loaded);
}

} // namespace

TEST_CASE("cgap: the layout of the repository loads with every sheet in order", "[cgap]") {
    sfp::Diagnostics diagnostics;
    const auto layout = sfp::cgap::load_layout(layout_path, diagnostics);
    REQUIRE(layout);
    CHECK_FALSE(diagnostics.has_errors());
    REQUIRE(layout->sheets.size() == sfp::cgap::sheet_keys().size());
    for (std::size_t i = 0; i < layout->sheets.size(); ++i) {
        CHECK(layout->sheets[i].key == sfp::cgap::sheet_keys()[i]);
    }
    CHECK(layout->sheet("funder_survey")->name == "Funder survey");
    REQUIRE(layout->code_list("instrument"));
    CHECK(layout->code_list("instrument")->codes.size() == 4);
    CHECK(layout->code_list("purpose")->contains("capacity-building"));
}

TEST_CASE("cgap: layout mistakes are reported at line and column", "[cgap]") {
    const std::string original = read_text(layout_path);
    TempDir dir;

    SECTION("an unknown key in a column, with did-you-mean") {
        const std::string needle = "header = \"Purpose\"";
        const std::string text = replaced(original, needle, "heder = \"Purpose\"");
        const auto [line, column] = where_in(text, "heder = \"Purpose\"");
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::cgap::load_layout(dir.write("layout.toml", text), diagnostics));
        const auto& error = first_error(diagnostics);
        CHECK(error.where.line == line);
        CHECK(error.where.column == column);
        CHECK(error.message.find("unknown key 'heder'") != std::string::npos);
        CHECK(error.hint == "did you mean 'header'?");
    }
    SECTION("an unknown column key for its sheet") {
        const std::string text =
            replaced(original,
                     "key = \"committed_usd\", header = \"Committed (USD)\", type = "
                     "\"usd\", format = \"#,##0\" },\n  { key = \"disbursed_usd\"",
                     "key = \"commited_usd\", header = \"Committed (USD)\", type = \"usd\", format "
                     "= \"#,##0\" },\n  { key = \"disbursed_usd\"");
        const auto [line, column] = where_in(text, "\"commited_usd\"");
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::cgap::load_layout(dir.write("layout.toml", text), diagnostics));
        const auto& error = first_error(diagnostics);
        CHECK(error.where.line == line);
        CHECK(error.where.column == column);
        CHECK(error.hint == "did you mean 'committed_usd'?");
    }
    SECTION("a wrong type") {
        const std::string text = replaced(original, "version = \"1.0\"", "version = 1");
        const auto [line, column] = where_in(text, "version = 1");
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::cgap::load_layout(dir.write("layout.toml", text), diagnostics));
        const auto& error = first_error(diagnostics);
        CHECK(error.where.line == line);
        CHECK(error.where.column == column + 10); // the value, after "version = "
        CHECK(error.message.find("expected a string, found an integer") != std::string::npos);
    }
    SECTION("an unknown column type and an unknown code list") {
        std::string text = replaced(original,
                                    "type = \"count\", format = \"#,##0\" },\n  { key = "
                                    "\"active_projects\"",
                                    "type = \"cuont\", format = \"#,##0\" },\n  { key = "
                                    "\"active_projects\"");
        text = replaced(text, "codes = \"purpose\"", "codes = \"purpse\"");
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::cgap::load_layout(dir.write("layout.toml", text), diagnostics));
        REQUIRE(diagnostics.error_count() == 2);
        CHECK(diagnostics.items()[0].hint == "did you mean 'purpose'?");
        CHECK(diagnostics.items()[0].where.line == where_in(text, "\"purpse\"").first);
        CHECK(diagnostics.items()[1].hint == "did you mean 'count'?");
        CHECK(diagnostics.items()[1].where.line == where_in(text, "\"cuont\"").first);
    }
    SECTION("sheets out of order") {
        const std::string cover = "[[sheet]]\nkey = \"cover\"\nname = \"Cover\"\n\n";
        const std::string text = replaced(original, cover, "") + "\n" + cover;
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::cgap::load_layout(dir.write("layout.toml", text), diagnostics));
        const auto& error = first_error(diagnostics);
        CHECK(error.message.find("sheet 'funder_survey' is out of order: expected 'cover'") !=
              std::string::npos);
        CHECK(error.where.line == where_in(text, "[[sheet]]\nkey = \"funder_survey\"").first);
    }
}

TEST_CASE("cgap: the submission configuration is checked", "[cgap]") {
    TempDir dir;
    const std::string text =
        "[submission]\nfunder = \"F\"\nyear = \"2024\"\ndate = \"2025-03-31\"\n"
        "layout = \"l.toml\"\nprojects = \"p.csv\"\npartners = \"r.toml\"\n"
        "fundr = 1\n";
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::cgap::load_config(dir.write("report.toml", text), diagnostics));
    REQUIRE(diagnostics.error_count() == 2);
    CHECK(diagnostics.items()[0].where.line == 8);
    CHECK(diagnostics.items()[0].hint == "did you mean 'funder'?");
    CHECK(diagnostics.items()[1].where.line == 3);
    CHECK(diagnostics.items()[1].where.column == 8);
    CHECK(diagnostics.items()[1].message.find("expected an integer") != std::string::npos);
}

TEST_CASE("cgap: project statuses on 31 December", "[cgap]") {
    sfp::cgap::Project project;
    project.start = {2020, 1, 1};
    CHECK(sfp::cgap::status_of(project, 2024) == "active");
    project.end = sfp::Date{2024, 12, 31};
    CHECK(sfp::cgap::status_of(project, 2024) == "active");
    project.end = sfp::Date{2024, 12, 30};
    CHECK(sfp::cgap::status_of(project, 2024) == "closed-in-year");
    CHECK(sfp::cgap::in_survey(project, 2024));
    project.end = sfp::Date{2023, 12, 31};
    CHECK(sfp::cgap::status_of(project, 2024) == "closed");
    CHECK_FALSE(sfp::cgap::in_survey(project, 2024));
    project.start = {2025, 1, 1};
    project.end.reset();
    CHECK(sfp::cgap::status_of(project, 2024) == "pipeline");
}

TEST_CASE("cgap: the funder survey equals sums computed from the CSV rows", "[cgap]") {
    sfp::Diagnostics diagnostics;
    const auto layout = sfp::cgap::load_layout(layout_path, diagnostics);
    REQUIRE(layout);
    const auto cat = catalogue();
    const auto projects =
        sfp::cgap::load_projects(projects_path, {&*layout, &cat, {}}, diagnostics);
    REQUIRE(projects);
    const auto survey = sfp::cgap::funder_survey(*projects, 2024, *layout);

    // Independently: ISO dates compare as text; a project is in the survey when it started by
    // 31 December and did not end before 1 January; active when it has not ended before 31 Dec.
    std::map<std::string, double> committed;
    std::map<std::string, double> disbursed;
    std::map<std::string, long> count;
    std::map<std::string, long> active;
    long missing = 0;
    for (const auto& row : csv_rows(projects_path)) {
        const auto& end = row.at("end_date");
        if (row.at("start_date") > "2024-12-31" || (!end.empty() && end < "2024-01-01")) {
            continue;
        }
        const auto& key = row.at("instrument");
        committed[key] += std::stod(row.at("committed_usd"));
        if (row.at("disbursed_usd").empty()) {
            ++missing;
        } else {
            disbursed[key] += std::stod(row.at("disbursed_usd"));
        }
        ++count[key];
        active[key] += end.empty() || end >= "2024-12-31" ? 1 : 0;
    }
    REQUIRE(missing > 0); // the sample keeps a project without a disbursed amount

    std::map<std::string, double> got_committed;
    std::map<std::string, double> got_disbursed;
    std::map<std::string, long> got_count;
    std::map<std::string, long> got_active;
    long got_missing = 0;
    for (const auto& row : survey) {
        got_committed[row.instrument] += row.committed_usd;
        got_disbursed[row.instrument] += row.disbursed_usd.value_or(0);
        got_count[row.instrument] += row.projects;
        got_active[row.instrument] += row.active_projects;
        got_missing += row.disbursed_not_reported;
        if (row.disbursed_not_reported == row.projects) {
            CHECK_FALSE(row.disbursed_usd); // nothing reported: missing, never 0
        }
    }
    CHECK(got_missing == missing);
    CHECK(got_count == count);
    CHECK(got_active == active);
    for (const auto& [instrument, value] : committed) {
        CHECK(got_committed[instrument] == Approx(value).epsilon(1e-12));
        CHECK(got_disbursed[instrument] == Approx(disbursed[instrument]).epsilon(1e-12));
    }
    CHECK(got_committed.size() == committed.size());
}

TEST_CASE("cgap: project file mistakes are reported at row and column", "[cgap]") {
    sfp::Diagnostics layout_diagnostics;
    const auto layout = sfp::cgap::load_layout(layout_path, layout_diagnostics);
    REQUIRE(layout);
    const auto cat = catalogue();
    const std::string header = "project_id,title,country_iso3,region,instrument,purpose,"
                               "committed_usd,disbursed_usd,start_date,end_date,"
                               "microfinance_component,indicators,reviews,partners\n";
    const std::string good =
        "P1,A,KEN,Africa,grant,policy,100,,2024-01-01,,yes,PQ-01,2024-02-01,MFI-001\n";
    TempDir dir;
    const auto load = [&](const std::string& row, sfp::Diagnostics& diagnostics) {
        return sfp::cgap::load_projects(dir.write("p.csv", header + good + row),
                                        {&*layout, &cat, {"MFI-001", "MFI-002"}}, diagnostics);
    };
    SECTION("the good row loads, with its disbursed amount missing") {
        sfp::Diagnostics diagnostics;
        const auto projects = load("", diagnostics);
        REQUIRE(projects);
        REQUIRE(projects->size() == 1);
        CHECK_FALSE(projects->front().disbursed_usd);
        CHECK(projects->front().indicators == std::vector<std::string>{"PQ-01"});
    }
    SECTION("an amount that is not a number") {
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(load("P2,B,KEN,Africa,debt,policy,12x,,2024-01-01,,no,,,\n", diagnostics));
        const auto& error = first_error(diagnostics);
        CHECK(error.where.line == 3);
        CHECK(error.where.column == 7);
        CHECK(error.message.find("found '12x'") != std::string::npos);
    }
    SECTION("a code outside its code list, with did-you-mean") {
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(load("P2,B,KEN,Africa,loan,policy,1,,2024-01-01,,no,,,\n", diagnostics));
        const auto& error = first_error(diagnostics);
        CHECK(error.where.column == 5);
        CHECK(error.message.find("a code of list 'instrument'") != std::string::npos);
    }
    SECTION("an unknown indicator and an unknown partner") {
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(
            load("P2,B,KEN,Africa,debt,policy,1,,2024-01-01,,yes,PQ-1,,MFI-009\n", diagnostics));
        REQUIRE(diagnostics.error_count() == 2);
        CHECK(diagnostics.items()[0].where.column == 12);
        CHECK(diagnostics.items()[0].hint == "did you mean 'PQ-01'?");
        CHECK(diagnostics.items()[1].where.column == 14);
    }
    SECTION("a duplicate id and an end before the start") {
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(
            load("P1,B,KEN,Africa,debt,policy,1,1,2024-01-01,2023-01-01,no,,,\n", diagnostics));
        REQUIRE(diagnostics.error_count() == 2);
        CHECK(diagnostics.items()[0].where.column == 10);
        CHECK(diagnostics.items()[1].where.column == 1);
        CHECK(diagnostics.items()[1].message.find("also on row 2") != std::string::npos);
    }
}
