// Tests of report configuration parsing (sfp/config.hpp), the indicator catalogue
// (sfp/catalogue.hpp) and the diagnostics helpers (sfp/diagnostics.hpp).

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/diagnostics.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string source_dir = SFPGEN_SOURCE_DIR;

/// A unique temporary folder for this file's tests (tests/unit/test_support.hpp).
class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("config") {}
};

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line;
        out += '\n';
    }
    return out;
}

/// A minimal valid configuration, one entry per line, so that tests can replace line N and
/// know exactly where a diagnostic must point.
std::vector<std::string> minimal_config() {
    return {
        "[report]",                         // 1
        "name = \"test-report\"",           // 2
        "title = \"A test report\"",        // 3
        "date = \"2026-01-31\"",            // 4
        "",                                 // 5
        "[indicators]",                     // 6
        "catalogue = \"catalogue.toml\"",   // 7
        "show = [\"OUT-01\", \"PQ-01\"]",   // 8
        "first_year = 2020",                // 9
        "last_year = 2022",                 // 10
        "",                                 // 11
        "[[source]]",                       // 12
        "name = \"mfi\"",                   // 13
        "path = \"data/mfi.csv\"",          // 14
        "",                                 // 15
        "[source.columns]",                 // 16
        "institution_id = \"id\"",          // 17
        "region = \"region\"",              // 18
        "fiscal_year = \"year\"",           // 19
        "active_borrowers = \"borrowers\"", // 20
    };
}

/// Writes `lines` as report.toml in `dir` and parses it.
std::optional<sfp::ReportSpec> parse_lines(const TempDir& dir,
                                           const std::vector<std::string>& lines,
                                           sfp::Diagnostics& diagnostics) {
    return sfp::parse_config(dir.write("report.toml", join_lines(lines)), diagnostics);
}

std::vector<sfp::Diagnostic> errors_of(const sfp::Diagnostics& diagnostics) {
    std::vector<sfp::Diagnostic> out;
    std::copy_if(diagnostics.items().begin(), diagnostics.items().end(), std::back_inserter(out),
                 [](const sfp::Diagnostic& d) { return d.severity == sfp::Severity::error; });
    return out;
}

std::string all_text(const sfp::Diagnostics& diagnostics) {
    std::string out;
    for (const auto& diagnostic : diagnostics.items()) {
        out += sfp::to_string(diagnostic) + "\n";
    }
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The real sample configuration

TEST_CASE("config: the gb-progress template parses with no diagnostics", "[config]") {
    const std::string path = source_dir + "/templates/gb-progress/report.toml";
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(path, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(spec.has_value());
    CHECK(diagnostics.items().empty());

    CHECK(spec->config_path == path);
    CHECK(spec->name == "gb-progress-sample");
    // The title, cover block and texts are in the template's text files (docs/templates.md).
    CHECK(fs::path(spec->template_path) ==
          fs::path(source_dir + "/templates/gb-progress/document.toml").lexically_normal());
    CHECK(spec->template_pos.line > 0);
    CHECK(spec->title.empty());
    CHECK(spec->language == "en");
    CHECK(spec->date == "2026-11-28");
    CHECK(spec->symbol == "GB.356/POL/SAMPLE");
    CHECK(spec->cover.empty());
    CHECK(spec->summary.empty());

    const std::vector<std::string> headline{
        "OUT-01", "OUT-06", "OUT-03", "OUT-04", "OUT-05", "OUT-08", "PQ-01",  "PQ-02",
        "PQ-03",  "FIN-01", "FIN-02", "FIN-03", "FIN-08", "FIN-10", "EFF-01", "EFF-03"};
    REQUIRE(spec->indicators.size() == 33);
    CHECK(std::vector<std::string>(spec->indicators.begin(), spec->indicators.begin() + 16) ==
          headline);
    CHECK(spec->indicators.back() == "GB-PAR-365");
    REQUIRE(spec->indicator_pos.size() == 33);
    CHECK(spec->indicator_pos[0].file == path);
    CHECK(spec->indicator_pos[0].line > 0);
    CHECK(spec->group_by == "region");
    CHECK(spec->groupings == std::vector<std::string>{"region", "legal_form", "peer:age"});
    REQUIRE(spec->targets_paths.size() == 1);
    CHECK(fs::path(spec->targets_paths[0]) ==
          fs::path(source_dir + "/data/targets/sfp-targets.toml").lexically_normal());
    CHECK(spec->first_year == 2020);
    CHECK(spec->last_year == 2024);
    CHECK(fs::path(spec->catalogue_path) ==
          fs::path(source_dir + "/data/indicators/catalogue.toml").lexically_normal());

    REQUIRE(spec->sources.size() == 1);
    const auto& source = spec->sources[0];
    CHECK(source.name == "partners");
    CHECK(fs::path(source.path) ==
          fs::path(source_dir + "/data/sample/institution_years.csv").lexically_normal());
    CHECK(source.format == "csv");
    CHECK(source.missing_tokens == std::vector<std::string>{"NA", "..", "n/a"});
    REQUIRE(source.columns.size() == 66);
    const auto mapped = [&](const std::string& field) {
        const auto found =
            std::find_if(source.columns.begin(), source.columns.end(),
                         [&](const sfp::ColumnMapping& m) { return m.field == field; });
        return found == source.columns.end() ? std::string("<unmapped>") : found->column;
    };
    CHECK(mapped("institution_id") == "mfi_id");
    CHECK(mapped("par30_balance") == "par30_usd");
    CHECK(mapped("active_borrowers_women") == "women_borrowers");
    CHECK(mapped("opex") == "operating_expense_usd");
    for (const auto& mapping : source.columns) {
        CHECK(mapping.where.file == path);
        CHECK(mapping.where.line > 0);
    }

    CHECK(spec->charts.empty()); // figures are template blocks now
}

TEST_CASE("config: the minimal test configuration is valid and keeps positions", "[config]") {
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, minimal_config(), diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(spec.has_value());
    CHECK(diagnostics.items().empty());
    CHECK(spec->subtitle.empty());
    CHECK(spec->group_by == "region");
    CHECK(spec->catalogue_path == (dir.path() / "catalogue.toml").string());
    REQUIRE(spec->sources.size() == 1);
    CHECK(spec->sources[0].path == (dir.path() / "data/mfi.csv").string());
    // Without `missing`, the tokens seen in real files (docs/config.md) mean missing.
    CHECK(spec->sources[0].missing_tokens == std::vector<std::string>{"NA", "N/A", "..", "-",
                                                                      "-Inf", "Inf", "NaN", "NULL",
                                                                      "#N/A", "(1000.0, 1000.0)"});
    const auto& columns = spec->sources[0].columns;
    REQUIRE(columns.size() == 4);
    // Mappings are looked up by field; their order is not part of the contract.
    const auto found =
        std::find_if(columns.begin(), columns.end(),
                     [](const sfp::ColumnMapping& m) { return m.field == "active_borrowers"; });
    REQUIRE(found != columns.end());
    const auto& borrowers = *found;
    CHECK(borrowers.column == "borrowers");
    CHECK(borrowers.where.line == 20);
    CHECK(borrowers.where.column == 20); // the column name string, after `active_borrowers = `
    REQUIRE(spec->indicator_pos.size() == 2);
    CHECK(spec->indicator_pos[1].line == 8);
    CHECK(spec->indicator_pos[1].column == 19);
    CHECK(spec->charts.empty());
}

// ---------------------------------------------------------------------------------------------
// Invalid configurations: message and position

TEST_CASE("config: a TOML syntax error is reported at its line and column", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[2] = "title = = \"A test report\""; // line 3
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, lines, diagnostics);
    CHECK_FALSE(spec.has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == (dir.path() / "report.toml").string());
    CHECK(errors[0].where.line == 3);
    CHECK(errors[0].where.column == 9); // the second '='
    CHECK_THAT(errors[0].message, Catch::StartsWith("invalid TOML: "));
}

TEST_CASE("config: an unterminated string is a syntax error on its line", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[2] = "title = \"A test report"; // line 3
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.line == 3);
    CHECK_THAT(errors[0].message, Catch::StartsWith("invalid TOML: "));
}

TEST_CASE("config: an unknown key is an error at the key with a did-you-mean hint", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[2] = "titel = \"A test report\""; // line 3
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    // The typo is also a missing required 'title'.
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].where.line == 3);
    CHECK(errors[0].where.column == 1);
    CHECK(errors[0].message == "unknown key 'titel' in [report]");
    CHECK(errors[0].hint == "did you mean 'title'?");
    CHECK(errors[1].message == "missing required key 'title' in [report]");
    CHECK(sfp::to_string(errors[0]) == (dir.path() / "report.toml").string() +
                                           ":3:1: error: unknown key 'titel' in [report]\n"
                                           "  hint: did you mean 'title'?");
}

TEST_CASE("config: an unknown top-level table gets a hint too", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.push_back("[[charts]]"); // line 21
    lines.push_back("indicator = \"OUT-01\"");
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "unknown key 'charts' in the configuration");
    CHECK(errors[0].hint == "did you mean 'chart'?");
    CHECK(errors[0].where.line == 21);
}

TEST_CASE("config: a wrong value type is an error at the value", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[8] = "first_year = \"2020\""; // line 9
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "'first_year' in [indicators]: expected an integer, found a string");
    CHECK(errors[0].where.line == 9);
    CHECK(errors[0].where.column == 14);
}

TEST_CASE("config: an array element of the wrong type is an error at the element", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[7] = "show = [\"OUT-01\", 3]"; // line 8
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "'show' in [indicators]: expected a string, found an integer");
    CHECK(errors[0].where.line == 8);
    CHECK(errors[0].where.column == 19);
}

TEST_CASE("config: a missing required key is an error at its table", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.erase(lines.begin() + 9); // drop `last_year = 2022` (line 10)
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "missing required key 'last_year' in [indicators]");
    CHECK(errors[0].where.line == 6); // the [indicators] header
}

TEST_CASE("config: a data-only configuration (no [indicators]) parses", "[config]") {
    // Configurations for `sfpgen validate` and `sfpgen ingest` describe sources only; the
    // build refuses them with its own diagnostic (tests/e2e).
    const TempDir dir;
    auto lines = minimal_config();
    lines.erase(lines.begin() + 5, lines.begin() + 11); // drop [indicators]
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, lines, diagnostics);
    REQUIRE(spec.has_value());
    CHECK(errors_of(diagnostics).empty());
    CHECK(spec->indicators.empty());
    CHECK(spec->sources.size() == 1);
}

TEST_CASE("config: an unmapped required field is an error", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.erase(lines.begin() + 16); // drop `institution_id = "id"` (line 17)
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          "[source.columns] of source 'mfi' does not map the required field 'institution_id'");
    CHECK(errors[0].where.line == 16);
}

TEST_CASE("config: an unknown canonical field in [source.columns] gets a hint", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.push_back("gross_loan_portfolo = \"glp\""); // line 21
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          "unknown canonical field 'gross_loan_portfolo' in [source.columns] of a "
          "institution-year source");
    CHECK(errors[0].hint == "did you mean 'gross_loan_portfolio'?");
    CHECK(errors[0].where.line == 21);
    CHECK(errors[0].where.column == 1);
}

TEST_CASE("config: a column mapping that is not a string is an error at the value", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.push_back("opex = 7"); // line 21
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          "'opex' in [source.columns]: expected a column name or a table such as "
          "{ column = \"GLP\", scale = 1000 }");
    CHECK(errors[0].where.line == 21);
    CHECK(errors[0].where.column == 8);
}

TEST_CASE("config: out-of-range and invalid values are errors at the value", "[config]") {
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    SECTION("first_year after last_year") {
        auto lines = minimal_config();
        lines[8] = "first_year = 2023";
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK_THAT(errors_of(diagnostics)[0].message, Catch::Contains("2023 and 2022"));
        CHECK(errors_of(diagnostics)[0].where.line == 9);
    }
    SECTION("a date that is not YYYY-MM-DD") {
        auto lines = minimal_config();
        lines[3] = "date = \"31/01/2026\"";
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].message ==
              "'date' in [report]: expected a date as YYYY-MM-DD, found '31/01/2026'");
        CHECK(errors_of(diagnostics)[0].where.line == 4);
        CHECK(errors_of(diagnostics)[0].where.column == 8);
    }
    SECTION("a name with a slash") {
        auto lines = minimal_config();
        lines[1] = "name = \"../escape\"";
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].where.line == 2);
    }
    SECTION("an unknown group_by") {
        auto lines = minimal_config();
        lines.insert(lines.begin() + 10, "group_by = [\"region\", \"region+contry\"]"); // line 11
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].where.line == 11);
        CHECK_THAT(errors_of(diagnostics)[0].message,
                   Catch::Contains("unknown dimension 'contry' in 'region+contry'"));
        CHECK(errors_of(diagnostics)[0].hint == "did you mean 'country'?");
    }
    SECTION("a chart kind that is neither line nor column") {
        auto lines = minimal_config();
        lines.push_back("");
        lines.push_back("[[chart]]"); // line 22
        lines.push_back("indicator = \"OUT-01\"");
        lines.push_back("kind = \"pie\""); // line 24
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].where.line == 24);
        CHECK(errors_of(diagnostics)[0].message ==
              "'kind' in [[chart]]: expected 'line' or 'column', found 'pie'");
    }
}

TEST_CASE("config: [report] language and template", "[config]") {
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    SECTION("a language without texts gets a hint") {
        auto lines = minimal_config();
        lines.insert(lines.begin() + 4, "language = \"fre\""); // line 5
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].where.line == 5);
        CHECK(errors_of(diagnostics)[0].where.column == 12);
        CHECK_THAT(errors_of(diagnostics)[0].message,
                   Catch::Contains("expected 'en', 'fr' or 'es'"));
        CHECK(errors_of(diagnostics)[0].hint == "did you mean 'fr'?");
    }
    SECTION("French needs a template: a configuration without one has English texts only") {
        auto lines = minimal_config();
        lines.insert(lines.begin() + 4, "language = \"fr\""); // line 5
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].where.line == 5);
        CHECK_THAT(errors_of(diagnostics)[0].message, Catch::Contains("needs a [report] template"));
    }
    SECTION("with a template, the title may be left out and French is accepted") {
        auto lines = minimal_config();
        lines[2] = "template = \"tpl/document.toml\""; // replaces the title
        lines.insert(lines.begin() + 4, "language = \"fr\"");
        const auto spec = parse_lines(dir, lines, diagnostics);
        INFO(all_text(diagnostics));
        REQUIRE(spec.has_value());
        CHECK(spec->language == "fr");
        CHECK(spec->title.empty());
        CHECK(fs::path(spec->template_path) ==
              (fs::path(dir.path()) / "tpl/document.toml").lexically_normal());
        CHECK(spec->template_pos.line == 3);
        CHECK(spec->template_pos.column == 12);
    }
}

TEST_CASE("config: a date that does not exist is an error", "[config]") {
    // Library bug: valid_date (config.cpp) checks 1 <= day <= 31 whatever the month, so
    // "2026-02-31" and "2026-04-31" are accepted and printed on the cover as
    // "31 February 2026".
    const TempDir dir;
    for (const std::string date : {"2026-02-31", "2026-04-31", "2025-02-29"}) {
        INFO(date);
        auto lines = minimal_config();
        lines[3] = "date = \"" + date + "\"";
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        CHECK(diagnostics.error_count() == 1);
    }
}

TEST_CASE("config: a leap day is a valid date", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[3] = "date = \"2024-02-29\"";
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, lines, diagnostics);
    REQUIRE(spec.has_value());
    CHECK(spec->date == "2024-02-29");
}

TEST_CASE("config: several mistakes are all reported in one run", "[config]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines[2] = "titel = \"A test report\"";           // unknown key + missing title
    lines[8] = "first_year = \"2020\"";               // wrong type
    lines.push_back("gross_loan_portfolo = \"glp\""); // unknown field
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
    CHECK(diagnostics.error_count() == 4);
}

TEST_CASE("config: a missing configuration file is an error naming it", "[config]") {
    const TempDir dir;
    const auto path = (dir.path() / "nowhere" / "report.toml").string();
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::parse_config(path, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == path);
    CHECK(errors[0].where.line == 0);
    CHECK_THAT(errors[0].message, Catch::Contains("cannot open configuration file"));
    CHECK(sfp::to_string(errors[0]) ==
          path + ": error: cannot open configuration file: no such file or not readable");
}

// ---------------------------------------------------------------------------------------------
// The indicator catalogue

TEST_CASE("config: the real catalogue loads with formulas bound", "[config][catalogue]") {
    const std::string path = source_dir + "/data/indicators/catalogue.toml";
    sfp::Diagnostics diagnostics;
    const auto catalogue = sfp::load_catalogue(path, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(catalogue.has_value());
    CHECK(diagnostics.items().empty());

    const auto* out01 = catalogue->find("OUT-01");
    REQUIRE(out01 != nullptr);
    CHECK(out01->headline() == sfp::Statistic::sum);
    CHECK(out01->unit == sfp::Unit::count);
    CHECK(out01->decimals == 0);
    CHECK(out01->formula.fields() == std::vector<std::string>{"active_borrowers"});

    const auto* pq01 = catalogue->find("PQ-01");
    REQUIRE(pq01 != nullptr);
    CHECK(pq01->short_name == "PAR30");
    CHECK(pq01->good == sfp::Direction::down);
    CHECK(pq01->headline() == sfp::Statistic::ratio);
    CHECK(pq01->has(sfp::Statistic::median));
    CHECK(pq01->unit == sfp::Unit::fraction);
    CHECK(sfp::formula::to_string(pq01->formula) == "par30_balance / gross_loan_portfolio");

    const auto* fin01 = catalogue->find("FIN-01");
    REQUIRE(fin01 != nullptr);
    CHECK(sfp::formula::to_string(fin01->formula) ==
          "fin_revenue / (fin_expense + impairment_expense + opex)");
    CHECK(fin01->where.file == path);

    CHECK(catalogue->find("OUT-03")->unit == sfp::Unit::usd);
    CHECK(catalogue->find("NOPE") == nullptr);
    CHECK(sfp::unit_name(sfp::Unit::usd) == "usd");
    CHECK(sfp::unit_name(sfp::Unit::fraction) == "fraction");
}

namespace {

std::string catalogue_entry(const std::string& formula, const std::string& extra = "") {
    return "[[indicator]]\n"         // 1
           "id = \"T-01\"\n"         // 2
           "name = \"Test\"\n"       // 3
           "unit = \"count\"\n"      // 4
           "good = \"up\"\n"         // 5
           "aggregate = [\"sum\"]\n" // 6
           "formula = \"" +
           formula +
           "\"\n"                 // 7
           "source = \"tests\"\n" // 8
           + extra;
}

} // namespace

TEST_CASE("config: a catalogue field name that does not exist is an error at the name",
          "[config][catalogue]") {
    const TempDir dir;
    const auto path =
        dir.write("catalogue.toml", catalogue_entry("active_borrowers + actve_borrowers"));
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == path);
    CHECK(errors[0].where.line == 7);
    CHECK(errors[0].where.column == 31); // 'formula = "' is 11 characters, then 19 more
    CHECK_THAT(errors[0].message, Catch::StartsWith("formula: unknown name 'actve_borrowers'"));
    CHECK(errors[0].hint == "did you mean 'active_borrowers'?");
}

TEST_CASE("config: catalogue mistakes are reported with positions", "[config][catalogue]") {
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    SECTION("a text field is not a number") {
        const auto path = dir.write("catalogue.toml", catalogue_entry("region"));
        CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK_THAT(errors_of(diagnostics)[0].message,
                   Catch::StartsWith("formula: unknown name 'region'"));
        CHECK(errors_of(diagnostics)[0].where.line == 7);
    }
    SECTION("a ratio aggregate on a formula that is not a division") {
        std::string text = catalogue_entry("opex - taxes");
        text.replace(text.find("[\"sum\"]"), 7, "[\"ratio\"]");
        const auto path = dir.write("catalogue.toml", text);
        CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK_THAT(errors_of(diagnostics)[0].message,
                   Catch::Contains("aggregate 'ratio' needs a formula of the form numerator / "
                                   "denominator"));
        CHECK(errors_of(diagnostics)[0].where.line == 6); // at "ratio" in the aggregate list
    }
    SECTION("an unknown unit with a hint") {
        std::string text = catalogue_entry("opex");
        text.replace(text.find("\"count\""), 7, "\"cont\"");
        const auto path = dir.write("catalogue.toml", text);
        CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK(errors_of(diagnostics)[0].where.line == 4);
        CHECK(errors_of(diagnostics)[0].hint == "did you mean 'count'?");
    }
    SECTION("a duplicated id") {
        const auto path =
            dir.write("catalogue.toml", catalogue_entry("opex") + catalogue_entry("opex"));
        CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK_THAT(errors_of(diagnostics)[0].message,
                   Catch::StartsWith("duplicate indicator id 'T-01'"));
        CHECK(errors_of(diagnostics)[0].where.line == 10); // id of the second entry
    }
    SECTION("a missing catalogue file") {
        CHECK_FALSE(
            sfp::load_catalogue((dir.path() / "none.toml").string(), diagnostics).has_value());
        REQUIRE(errors_of(diagnostics).size() == 1);
        CHECK_THAT(errors_of(diagnostics)[0].message, Catch::Contains("cannot open"));
    }
}

TEST_CASE("config: catalogue decimals beyond the int range are an error", "[config][catalogue]") {
    // load_catalogue once narrowed the TOML integer to int before checking 0..6, so
    // 4294967297 (2^32 + 1) wrapped to 1 and was accepted without a diagnostic.
    const TempDir dir;
    const auto path =
        dir.write("catalogue.toml", catalogue_entry("opex", "decimals = 4294967297\n"));
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
    CHECK(diagnostics.error_count() == 1);
}

TEST_CASE("config: catalogue decimals outside 0..6 are an error at the value",
          "[config][catalogue]") {
    const TempDir dir;
    const auto path = dir.write("catalogue.toml", catalogue_entry("opex", "decimals = 7\n"));
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_catalogue(path, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "'decimals' in [[indicator]]: expected 0 to 6, found 7");
    CHECK(errors[0].where.line == 9);
    CHECK(errors[0].where.column == 12);
}

// ---------------------------------------------------------------------------------------------
// Diagnostics helpers

TEST_CASE("diagnostics: edit_distance is the Levenshtein distance", "[config][diagnostics]") {
    CHECK(sfp::edit_distance("", "") == 0);
    CHECK(sfp::edit_distance("abc", "abc") == 0);
    CHECK(sfp::edit_distance("", "abc") == 3);
    CHECK(sfp::edit_distance("abc", "") == 3);
    CHECK(sfp::edit_distance("kitten", "sitting") == 3);
    CHECK(sfp::edit_distance("sitting", "kitten") == 3);
    CHECK(sfp::edit_distance("titel", "title") == 2); // a transposition is two edits
    CHECK(sfp::edit_distance("flaw", "lawn") == 2);
    CHECK(sfp::edit_distance("revnue", "revenue") == 1);
    // Equal distances: the candidate with more letters in common wins (a transposed code).
    CHECK(sfp::closest_match("KNE", {"BGD", "HND", "KEN"}) == "KEN");
    CHECK(sfp::closest_match("KNE", {"KEN", "HND"}) == "KEN");
}

TEST_CASE("diagnostics: closest_match and did_you_mean suggest likely typos only",
          "[config][diagnostics]") {
    const std::vector<std::string> keys{"name", "title", "subtitle", "language", "date"};
    CHECK(sfp::closest_match("titel", keys) == "title");
    CHECK(sfp::closest_match("languge", keys) == "language");
    CHECK(sfp::closest_match("subtitle", keys) == "subtitle");
    CHECK(sfp::closest_match("completely_different", keys).empty());
    CHECK(sfp::closest_match("titel", {}).empty());
    CHECK(sfp::did_you_mean("titel", keys) == "did you mean 'title'?");
    CHECK(sfp::did_you_mean("xyzzy", keys).empty());
    // The first of equally close candidates wins, so hints are deterministic.
    CHECK(sfp::closest_match("dat", {"data", "date"}) == "data");
    // Long words allow more edits (a third of the word).
    CHECK(sfp::closest_match("gross_portfolio", {"gross_loan_portfolio"}) ==
          "gross_loan_portfolio");
}

TEST_CASE("diagnostics: to_string writes file:line:col, severity, message and hint",
          "[config][diagnostics]") {
    sfp::Diagnostic diagnostic{
        sfp::Severity::error, {"file", 3, 7}, "message", "did you mean 'x'?", ""};
    CHECK(sfp::to_string(diagnostic) == "file:3:7: error: message\n  hint: did you mean 'x'?");
    diagnostic.hint.clear();
    CHECK(sfp::to_string(diagnostic) == "file:3:7: error: message");
    diagnostic.severity = sfp::Severity::warning;
    diagnostic.where.column = 0;
    CHECK(sfp::to_string(diagnostic) == "file:3: warning: message");
    diagnostic.where.line = 0;
    CHECK(sfp::to_string(diagnostic) == "file: warning: message");
    diagnostic.where.file.clear();
    CHECK(sfp::to_string(diagnostic) == "warning: message");
}

TEST_CASE("diagnostics: the collection counts errors, not warnings", "[config][diagnostics]") {
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(diagnostics.has_errors());
    diagnostics.warning({"a", 1, 1}, "w");
    CHECK_FALSE(diagnostics.has_errors());
    CHECK(diagnostics.error_count() == 0);
    diagnostics.error({"a", 2, 1}, "e1", "h");
    diagnostics.add({sfp::Severity::error, {"b", 0, 0}, "e2", "", ""});
    CHECK(diagnostics.has_errors());
    CHECK(diagnostics.error_count() == 2);
    REQUIRE(diagnostics.items().size() == 3);
    CHECK(diagnostics.items()[0].message == "w");
    CHECK(diagnostics.items()[1].hint == "h");
    CHECK(diagnostics.items()[2].where.file == "b");
}

// ---------------------------------------------------------------------------------------------
// [limits] and the size of the configuration file

TEST_CASE("config: [limits] sets the CSV limits of every source", "[config][limits]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.insert(lines.end(), {"", "[limits]", "max_field_bytes = 2048", "max_fields = 50",
                               "max_record_bytes = 10000"});
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, lines, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(spec.has_value());
    REQUIRE(spec->sources.size() == 1);
    CHECK(spec->sources[0].limits.max_field_bytes == 2048);
    CHECK(spec->sources[0].limits.max_fields == 50);
    CHECK(spec->sources[0].limits.max_record_bytes == 10000);
}

TEST_CASE("config: without [limits] the sources keep the default limits", "[config][limits]") {
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, minimal_config(), diagnostics);
    REQUIRE(spec.has_value());
    CHECK(spec->sources[0].limits.max_field_bytes == sfp::CsvLimits{}.max_field_bytes);
    CHECK(spec->sources[0].limits.max_fields == sfp::CsvLimits{}.max_fields);
    CHECK(spec->sources[0].limits.max_record_bytes == sfp::CsvLimits{}.max_record_bytes);
}

TEST_CASE("config: bad [limits] values are errors at their position", "[config][limits]") {
    const TempDir dir;
    auto lines = minimal_config();
    lines.insert(lines.end(), {"[limits]",                  // 21
                               "max_fields = 0",            // 22
                               "max_field_bytes = \"1MB\"", // 23
                               "max_field_byte = 5"});      // 24
    sfp::Diagnostics diagnostics;
    const auto spec = parse_lines(dir, lines, diagnostics);
    CHECK_FALSE(spec.has_value());
    const auto errors = errors_of(diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(errors.size() == 3);
    const auto has = [&](long line, long column, const std::string& text) {
        return std::any_of(errors.begin(), errors.end(), [&](const sfp::Diagnostic& d) {
            return d.where.line == line && d.where.column == column &&
                   d.message.find(text) != std::string::npos;
        });
    };
    CHECK(has(22, 14, "'max_fields' in [limits]: expected a whole number of at least 1, found 0"));
    CHECK(has(23, 19, "'max_field_bytes' in [limits]: expected an integer, found a string"));
    CHECK(has(24, 1, "unknown key 'max_field_byte' in [limits]"));
}

TEST_CASE("config: a configuration file over 16 MiB is refused without being read whole",
          "[config][limits]") {
    const TempDir dir;
    // A valid start, then 1 GiB of NUL bytes (a sparse file): the parser would reject the
    // NULs, but only after reading them all.
    const std::string path = dir.write("big.toml", "[report]\nname = \"x\"\n");
    fs::resize_file(path, std::uint64_t{1} << 30);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::parse_config(path, diagnostics).has_value());
    const auto errors = errors_of(diagnostics);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message.find("configuration file larger than the limit of 16777216 bytes") ==
          0);
    CHECK(errors[0].where.line == 3); // the NULs follow line 2
    CHECK(errors[0].where.column > 1);
}

TEST_CASE("config: nan, inf and 1e400 are not parameter values", "[config][limits]") {
    for (const char* value : {"nan", "inf", "-inf", "1e400"}) {
        INFO(value);
        const TempDir dir;
        auto lines = minimal_config();
        lines.insert(lines.end(),
                     {"[parameters]", std::string("market_rate = ") + value}); // line 22
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(parse_lines(dir, lines, diagnostics).has_value());
        const auto errors = errors_of(diagnostics);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].where.line == 22);
    }
}
