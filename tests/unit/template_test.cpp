// Tests of report templates (sfp/report_template.hpp) and the document built from them
// (build_document with a template): texts in EN and FR with their number formats and plural
// rules, numbering of sections, paragraphs, tables and annexes, and every load diagnostic with
// its line:column. The template and the results are small and hand-made; expected texts are
// written out by hand from them.

#include "sfp/catalogue.hpp"
#include "sfp/document.hpp"
#include "sfp/report_template.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;
const std::string nnbsp = "\u202F"; // French thousands separator and space before "%"

const sfp::Catalogue& catalogue() {
    static const sfp::Catalogue loaded = [] {
        sfp::Diagnostics diagnostics;
        auto c = sfp::load_catalogue(source_dir + "/data/indicators/catalogue.toml", diagnostics);
        REQUIRE(c.has_value());
        return std::move(*c);
    }();
    return loaded;
}

/// document.toml of the test template; line numbers are used by the diagnostic tests.
std::string document_toml() {
    return R"([document]
title = "doc.title"
cover = ["doc.line"]

[[block]]
type = "heading"
text = "doc.intro"

[[block]]
type = "paragraph"
text = "doc.borrowers"

[[block]]
type = "paragraph"
text = "doc.count"

[[block]]
type = "table"
table = "by-scope"
indicators = ["OUT-01", "OUT-06"]
caption = "doc.caption"
id = "main"

[[block]]
type = "paragraph"
text = "doc.targets"
when = "targets"

[[block]]
type = "table"
table = "trend"
indicators = ["OUT-01"]
caption = "doc.trend"

[[block]]
type = "heading"
text = "doc.annex"
annex = true

[[block]]
type = "paragraph"
text = "doc.annex-text"

[[block]]
type = "table"
table = "coverage"
caption = "doc.coverage"
)";
}

const char* english = R"(title = "Test report {year}"
intro = "Introduction"
borrowers = "Borrowers: {OUT-01} ({OUT-01.change, select, up {up} down {down} other {unchanged}} from {OUT-01.prev}); women {OUT-06} ({OUT-06.delta}). See Table {table.main}."
count = "{n_institutions, plural, one {# institution} other {# institutions}} in {year}; {n_institutions_first, plural, one {# institution} other {# institutions}} in {first_year}."
caption = "Borrowers by region, {year}"
targets = "Targets."
trend = "Borrowers, {first_year}-{last_year}"
annex = "Data"
annex-text = "Coverage."
coverage = "Institutions by region"

[line]
label = "Purpose"
value = "For information"
)";

const char* french = R"(title = "Rapport d’essai {year}"
intro = "Introduction"
borrowers = "Emprunteurs : {OUT-01} ({OUT-01.change, select, up {en hausse} down {en baisse} other {inchangé}} par rapport à {OUT-01.prev}) ; femmes {OUT-06} ({OUT-06.delta}). Voir le tableau {table.main}."
count = "{n_institutions, plural, one {# institution} other {# institutions}} en {year} ; {n_institutions_first, plural, one {# institution} other {# institutions}} en {first_year}."
caption = "Emprunteurs par région, {year}"
targets = "Cibles."
trend = "Emprunteurs, {first_year}-{last_year}"
annex = "Données"
annex-text = "Couverture."
coverage = "Institutions par région"

[line]
label = "Objet"
value = "Pour information"
)";

/// A template folder: <dir>/common (a copy of the real common words) and <dir>/t.
struct TemplateDir {
    sfp::testing::TempDir dir{"template"};
    std::string document;
    explicit TemplateDir(const std::string& doc = document_toml(), const std::string& en = english,
                         const std::string& fr = french) {
        fs::copy(source_dir + "/templates/common", dir.path() / "common",
                 fs::copy_options::recursive);
        document = dir.write("t/document.toml", doc);
        static_cast<void>(dir.write("t/text/en/doc.toml", en));
        static_cast<void>(dir.write("t/text/fr/doc.toml", fr));
        // The common words come in en, fr and es: the test template has no es texts of its own,
        // so drop the common es folder (every language needs every key).
        fs::remove_all(dir.path() / "common" / "text" / "es");
    }
};

sfp::IndicatorResult result(const std::string& id, std::size_t scope, int period,
                            std::optional<double> value, long n) {
    sfp::IndicatorResult r;
    r.indicator = id;
    r.statistic = catalogue().find(id)->headline();
    r.scope = scope;
    r.period = period;
    r.value = value;
    if (!value) {
        r.missing = sfp::MissingReason::no_data;
    }
    r.n = n;
    return r;
}

/// Two regions and all, 2023-2024: OUT-01 (a count) and OUT-06 (a fraction).
sfp::Results hand_made_results() {
    sfp::Results results;
    results.scopes = {{"region:Africa", "Africa", 0, {"Africa"}},
                      {"region:South Asia", "South Asia", 0, {"South Asia"}},
                      {"all", "All regions", 0, {}}};
    results.groupings = {{"region", {0, 1, 2}}};
    results.periods = {2023, 2024};
    results.indicators = {"OUT-01", "OUT-06"};
    results.all_ = 2;
    // reporting_: scope * periods + period index. All regions: 0 in 2023, 2 in 2024.
    results.reporting_ = {1, 1, 0, 1, 0, 2};
    results.items = {
        result("OUT-01", 0, 2023, 1000000, 1), result("OUT-01", 0, 2024, 1234567, 1),
        result("OUT-01", 1, 2023, 500000, 1),  result("OUT-01", 1, 2024, 765433, 1),
        result("OUT-01", 2, 2023, 1500000, 2), result("OUT-01", 2, 2024, 2000000, 2),
        result("OUT-06", 0, 2024, 0.2, 1),     result("OUT-06", 1, 2024, std::nullopt, 0),
        result("OUT-06", 2, 2023, 0.1, 2),     result("OUT-06", 2, 2024, 0.123, 2),
    };
    for (std::size_t i = 0; i < results.items.size(); ++i) {
        const auto& item = results.items[i];
        results.add_to_index(i);
        results.headline_.emplace(item.indicator, item.statistic);
    }
    return results;
}

sfp::ReportSpec hand_made_spec() {
    sfp::ReportSpec spec;
    spec.name = "test";
    spec.first_year = 2023;
    spec.last_year = 2024;
    spec.date = "2026-11-28";
    spec.indicators = {"OUT-01", "OUT-06"};
    return spec;
}

template <typename T> std::vector<const T*> blocks_of(const sfp::Document& doc) {
    std::vector<const T*> out;
    for (const auto& block : doc.blocks) {
        if (const auto* b = std::get_if<T>(&block)) {
            out.push_back(b);
        }
    }
    return out;
}

std::string all_text(const sfp::Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items()) {
        out += sfp::to_string(d) + "\n";
    }
    return out;
}

/// The first error whose message contains `part`, or nullptr.
const sfp::Diagnostic* find_error(const sfp::Diagnostics& diagnostics, const std::string& part) {
    for (const auto& d : diagnostics.items()) {
        if (d.severity == sfp::Severity::error && d.message.find(part) != std::string::npos) {
            return &d;
        }
    }
    return nullptr;
}

/// A template of document.toml `doc`, loaded: `report` is empty when it has errors.
struct Loaded {
    TemplateDir dir;
    sfp::Diagnostics diagnostics;
    std::optional<sfp::ReportTemplate> report;
    explicit Loaded(const std::string& doc) : dir(doc) {
        report = sfp::load_template(dir.document, catalogue(), diagnostics);
    }
};

/// The test document.toml with `lines` after the line `table = "<table>"`.
std::string with_lines(const std::string& table, const std::string& lines) {
    std::string doc = document_toml();
    const std::string line = "table = \"" + table + "\"\n";
    doc.insert(doc.find(line) + line.size(), lines);
    return doc;
}

} // namespace

TEST_CASE("template: the test template loads in en and fr", "[template]") {
    const TemplateDir t;
    sfp::Diagnostics diagnostics;
    const auto report = sfp::load_template(t.document, catalogue(), diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(report.has_value());
    CHECK(diagnostics.items().empty());
    CHECK(report->languages.size() == 2);
    CHECK(report->blocks.size() == 9);
    CHECK(report->title == "doc.title");
    REQUIRE(report->languages.at("fr").find("doc.line.label") != nullptr);
    // Common words are there too, and the template's files override nothing here.
    CHECK(report->languages.at("fr").find("groups.all-region") != nullptr);
    CHECK(report->indicators() == std::vector<std::string>{"OUT-01", "OUT-06"});
    CHECK(report->groupings().empty());
}

TEST_CASE("template: the real gb-progress template loads without diagnostics", "[template]") {
    sfp::Diagnostics diagnostics;
    auto cat = catalogue();
    REQUIRE(
        sfp::extend_catalogue(cat, source_dir + "/templates/gb-progress/report.toml", diagnostics));
    const auto report =
        sfp::load_template(source_dir + "/templates/gb-progress/document.toml", cat, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(report.has_value());
    CHECK(diagnostics.items().empty());
    for (const char* language : {"en", "fr", "es"}) {
        INFO(language);
        REQUIRE(report->languages.count(language) == 1);
        CHECK(report->languages.at(language).entries.size() ==
              report->languages.at("en").entries.size());
    }
    const auto groupings = report->groupings();
    // The depth-vs-OSS scatter reads institution values per record, not an "institution"
    // grouping (which would aggregate every indicator for every institution).
    CHECK(std::find(groupings.begin(), groupings.end(), "institution") == groupings.end());
    const auto ids = report->indicators();
    for (const char* id : {"OUT-01", "OUT-06", "OUT-04", "PQ-01", "FIN-01", "SOC-11"}) {
        CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
    }
}

TEST_CASE("template: the document in English", "[template]") {
    const TemplateDir t;
    sfp::Diagnostics diagnostics;
    const auto report = sfp::load_template(t.document, catalogue(), diagnostics);
    REQUIRE(report.has_value());
    const sfp::Dataset data;
    const sfp::Results results = hand_made_results();
    const sfp::Document doc = sfp::build_document(hand_made_spec(), *report, "en", catalogue(),
                                                  data, results, {}, diagnostics);
    INFO(all_text(diagnostics));
    CHECK_FALSE(diagnostics.has_errors());

    CHECK(doc.info.title == "Test report 2024");
    CHECK(doc.info.language == "en");
    CHECK(doc.info.date_text == "28 November 2026");
    REQUIRE(doc.info.cover.size() == 1);
    CHECK(doc.info.cover[0].label == "Purpose");
    CHECK(doc.info.cover[0].value == "For information");
    CHECK(doc.info.labels.page_of == "Page {page} of {pages}");
    CHECK(doc.info.labels.continued == "(continued)");

    const auto headings = blocks_of<sfp::Heading>(doc);
    REQUIRE(headings.size() == 2);
    CHECK(headings[0]->number == "1");
    CHECK(headings[0]->text == "Introduction");
    CHECK(headings[1]->number == "Annex A");
    CHECK(headings[1]->id == "annex-a");

    // The paragraph "when = targets" is dropped: there are no targets.
    const auto paragraphs = blocks_of<sfp::Paragraph>(doc);
    REQUIRE(paragraphs.size() == 3);
    CHECK(paragraphs[0]->number == 1);
    CHECK(paragraphs[0]->text ==
          "Borrowers: 2,000,000 (up from 1,500,000); women 12.3% (+2.3 pp). See Table 1.");
    CHECK(paragraphs[1]->number == 2);
    CHECK(paragraphs[1]->text == "2 institutions in 2024; 0 institutions in 2023.");
    CHECK(paragraphs[2]->number == 0); // annexes are not numbered
    CHECK(paragraphs[2]->text == "Coverage.");

    const auto tables = blocks_of<sfp::Table>(doc);
    REQUIRE(tables.size() == 3);
    CHECK(tables[0]->caption == "Table 1. Borrowers by region, 2024");
    CHECK(tables[1]->caption == "Table 2. Borrowers, 2023-2024");
    CHECK(tables[2]->caption == "Table A.1. Institutions by region");
    CHECK(tables[0]->sheet_name == "Table 1");
    CHECK(tables[2]->sheet_name == "Table A.1");

    const auto& by_region = *tables[0];
    CHECK(by_region.header ==
          std::vector<std::string>{"Region", "Institutions", "Active borrowers", "% women"});
    REQUIRE(by_region.rows.size() == 3);
    CHECK(by_region.rows[0][0].text == "Africa");
    CHECK(by_region.rows[0][2].text == "1,234,567");
    CHECK(by_region.rows[0][2].subtext == "n=1");
    CHECK(by_region.rows[0][3].text == "20.0%");
    // South Asia has no OUT-06: "..", the reason underneath, never 0.
    CHECK(by_region.rows[1][3].text == "..");
    CHECK(by_region.rows[1][3].missing);
    CHECK_FALSE(by_region.rows[1][3].number.has_value());
    CHECK(by_region.rows[1][3].subtext == "no data");
    CHECK(by_region.rows[2][0].text == "All regions");
    CHECK(by_region.rows[2][1].text == "2");
    CHECK(by_region.rows[2][2].excel_format == "#,##0");
    CHECK(by_region.rows[2][3].excel_format == "0.0%");

    const auto& coverage = *tables[2];
    CHECK(coverage.header == std::vector<std::string>{"Region", "2023", "2024"});
    CHECK(coverage.rows[2][1].text == "0");
    CHECK(coverage.rows[2][2].text == "2");
}

TEST_CASE("template: the Results sheet makes its rows from the results, one at a time",
          "[template]") {
    std::string doc = document_toml();
    doc += R"(
[[block]]
type = "table"
table = "results"
in_pdf = false
)";
    const TemplateDir t(doc);
    sfp::Diagnostics diagnostics;
    const auto report = sfp::load_template(t.document, catalogue(), diagnostics);
    REQUIRE(report.has_value());
    const sfp::Dataset data;
    sfp::Results results = hand_made_results();
    results.items[1].flags = {{"annualised", 2}, {"single-balance", 1}};
    auto document = std::make_unique<sfp::Document>(sfp::build_document(
        hand_made_spec(), *report, "en", catalogue(), data, results, {}, diagnostics));
    INFO(all_text(diagnostics));
    REQUIRE_FALSE(diagnostics.has_errors());
    const auto tables = blocks_of<sfp::Table>(*document);
    REQUIRE(tables.size() == 4);
    const sfp::Table sheet = *tables[3];
    document.reset(); // the rows outlive the document (and do not read the results)
    results = sfp::Results{};

    CHECK(sheet.sheet_name == "Results");
    CHECK_FALSE(sheet.in_pdf);
    CHECK(sheet.rows.empty());
    REQUIRE(sheet.row_source != nullptr);
    const sfp::Results expected = hand_made_results();
    REQUIRE(sheet.row_count() == expected.items.size());
    std::vector<std::vector<sfp::Cell>> rows;
    sheet.for_each_row([&rows](const std::vector<sfp::Cell>& cells) { rows.push_back(cells); });
    REQUIRE(rows.size() == expected.items.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        INFO("row " << r);
        const auto& item = expected.items[r];
        const auto& row = rows[r];
        REQUIRE(row.size() == sheet.header.size());
        CHECK(row[0].text == item.indicator);
        CHECK(row[1].text == catalogue().find(item.indicator)->names.get("en"));
        CHECK(row[2].text == sfp::statistic_name(item.statistic));
        CHECK(row[3].text == expected.scopes[item.scope].key);
        CHECK(row[4].number == static_cast<double>(item.period));
        CHECK(row[4].excel_format == "0");
        CHECK(row[5].number == item.value);
        CHECK(row[9].number == static_cast<double>(item.n));
        CHECK(row[10].text == item.reason_text());
        if (item.value) {
            REQUIRE(row[5].source.has_value());
            CHECK(row[5].source->indicator == item.indicator);
            CHECK(row[5].source->scope == item.scope);
            CHECK(row[5].source->year == item.period);
            CHECK_FALSE(row[5].missing);
        } else {
            // Missing shows as "..", never as 0.
            CHECK(row[5].text == "..");
            CHECK(row[5].missing);
            CHECK_FALSE(row[5].source.has_value());
        }
        // Asked again, the row is the same.
        const auto again = sheet.row_source->row(r);
        REQUIRE(again.size() == row.size());
        for (std::size_t c = 0; c < row.size(); ++c) {
            CHECK(again[c].text == row[c].text);
            CHECK(again[c].number == row[c].number);
        }
    }
    CHECK(rows[1][5].text == "1,234,567");
    CHECK(rows[1][11].text == "annualised (2); single-balance (1)");
    CHECK(rows[0][11].text.empty());
    CHECK(rows[6][5].text == "20.0%");
    CHECK(rows[6][5].excel_format == "0.0%");
    CHECK(rows[7][10].text == "no-data");
}

TEST_CASE("template: the same document in French", "[template]") {
    const TemplateDir t;
    sfp::Diagnostics diagnostics;
    const auto report = sfp::load_template(t.document, catalogue(), diagnostics);
    REQUIRE(report.has_value());
    const sfp::Dataset data;
    const sfp::Results results = hand_made_results();
    const sfp::Document doc = sfp::build_document(hand_made_spec(), *report, "fr", catalogue(),
                                                  data, results, {}, diagnostics);
    INFO(all_text(diagnostics));
    CHECK_FALSE(diagnostics.has_errors());
    CHECK(doc.info.title == "Rapport d’essai 2024");
    CHECK(doc.info.language == "fr");
    CHECK(doc.info.date_text == "28 novembre 2026");
    CHECK(doc.info.labels.page_of == "Page {page} sur {pages}");
    CHECK(doc.info.cover.at(0).label == "Objet");

    const auto paragraphs = blocks_of<sfp::Paragraph>(doc);
    REQUIRE(paragraphs.size() == 3);
    CHECK(paragraphs[0]->text == "Emprunteurs : 2" + nnbsp + "000" + nnbsp +
                                     "000 (en hausse par "
                                     "rapport à 1" +
                                     nnbsp + "500" + nnbsp + "000) ; femmes 12,3" + nnbsp +
                                     "% (+2,3 pt). Voir le tableau 1.");
    // French "one" covers 0 and 1: "0 institution", English says "0 institutions".
    CHECK(paragraphs[1]->text == "2 institutions en 2024 ; 0 institution en 2023.");

    const auto headings = blocks_of<sfp::Heading>(doc);
    REQUIRE(headings.size() == 2);
    CHECK(headings[1]->number == "Annexe A");
    const auto tables = blocks_of<sfp::Table>(doc);
    REQUIRE(tables.size() == 3);
    CHECK(tables[0]->caption == "Tableau 1. Emprunteurs par région, 2024");
    CHECK(tables[2]->caption == "Tableau A.1. Institutions par région");
    CHECK(tables[0]->header ==
          std::vector<std::string>{"Région", "Institutions", "Emprunteurs actifs", "% femmes"});
    CHECK(tables[0]->rows[0][0].text == "Afrique");
    CHECK(tables[0]->rows[0][2].text == "1" + nnbsp + "234" + nnbsp + "567");
    CHECK(tables[0]->rows[0][3].text == "20,0" + nnbsp + "%");
    CHECK(tables[0]->rows[1][0].text == "Asie du Sud");
    CHECK(tables[0]->rows[1][3].subtext == "pas de données");
    CHECK(tables[0]->rows[2][0].text == "Toutes les régions");
    // The workbook keeps locale-independent number formats.
    CHECK(tables[0]->rows[0][3].excel_format == "0.0%");
}

TEST_CASE("template: a table with in_pdf = false is workbook only, and left out without one",
          "[template]") {
    std::string doc_toml = document_toml();
    const std::string trend = "table = \"trend\"\n";
    const auto at = doc_toml.find(trend);
    REQUIRE(at != std::string::npos);
    doc_toml.insert(at + trend.size(), "in_pdf = false\n");
    const TemplateDir t(doc_toml);
    sfp::Diagnostics diagnostics;
    const auto report = sfp::load_template(t.document, catalogue(), diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(report.has_value());
    const sfp::Dataset data;
    const sfp::Results results = hand_made_results();
    const auto build = [&](bool workbook_tables) {
        return sfp::build_document(hand_made_spec(), *report, "en", catalogue(), data, results, {},
                                   diagnostics, nullptr, workbook_tables);
    };

    const sfp::Document with_workbook = build(true);
    const auto tables = blocks_of<sfp::Table>(with_workbook);
    REQUIRE(tables.size() == 3);
    // The trend table is in the document for the workbook, unnumbered and not for the PDF; the
    // annex table after it keeps its number.
    CHECK(tables[1]->caption == "Borrowers, 2023-2024");
    CHECK_FALSE(tables[1]->in_pdf);
    CHECK(tables[0]->in_pdf);
    CHECK(tables[2]->in_pdf);
    CHECK(tables[2]->caption == "Table A.1. Institutions by region");

    const sfp::Document pdf_only = build(false);
    const auto pdf_tables = blocks_of<sfp::Table>(pdf_only);
    REQUIRE(pdf_tables.size() == 2);
    CHECK(pdf_tables[0]->caption == "Table 1. Borrowers by region, 2024");
    CHECK(pdf_tables[1]->caption == "Table A.1. Institutions by region");
    CHECK_FALSE(diagnostics.has_errors());
}

TEST_CASE("template: years = N keeps a year table's last N years, and its caption says so",
          "[template]") {
    std::string doc_toml = document_toml();
    const std::string trend = "table = \"trend\"\n";
    doc_toml.insert(doc_toml.find(trend) + trend.size(), "years = 1\n");
    const std::string coverage = "table = \"coverage\"\n";
    doc_toml.insert(doc_toml.find(coverage) + coverage.size(), "years = 5\n");
    const TemplateDir t(doc_toml);
    sfp::Diagnostics diagnostics;
    const auto report = sfp::load_template(t.document, catalogue(), diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(report.has_value());
    CHECK(report->blocks.size() > 0);
    const sfp::Dataset data;
    const sfp::Results results = hand_made_results();
    const sfp::Document doc = sfp::build_document(hand_made_spec(), *report, "en", catalogue(),
                                                  data, results, {}, diagnostics);
    const auto tables = blocks_of<sfp::Table>(doc);
    REQUIRE(tables.size() == 3);
    // The trend table: 2024 only (the results have 2023 and 2024), and {first_year} is 2024.
    CHECK(tables[1]->caption == "Table 2. Borrowers, 2024-2024");
    CHECK(tables[1]->header == std::vector<std::string>{"Indicator", "2024"});
    REQUIRE(tables[1]->rows.size() == 1);
    REQUIRE(tables[1]->rows[0].size() == 2);
    CHECK(tables[1]->rows[0][1].text == "2,000,000");
    // More years than the results have: all of them.
    CHECK(tables[2]->header == std::vector<std::string>{"Region", "2023", "2024"});
    CHECK_FALSE(diagnostics.has_errors());
}

TEST_CASE("template: years on a table without year columns, or out of range, is an error at it",
          "[template]") {
    const auto error_for = [](const std::string& table, const std::string& years) {
        std::string doc = document_toml();
        const std::string line = "table = \"" + table + "\"\n";
        doc.insert(doc.find(line) + line.size(), "years = " + years + "\n");
        const TemplateDir t(doc);
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
        const auto* error = find_error(diagnostics, "'years' in [[block]]");
        REQUIRE(error != nullptr);
        CHECK(error->where.file == t.document);
        return *error;
    };
    // by-scope: line 19 is its table line, so years is line 20.
    const sfp::Diagnostic by_scope = error_for("by-scope", "3");
    CHECK(by_scope.where.line == 20);
    CHECK(by_scope.where.column == 9);
    CHECK_THAT(by_scope.message, Catch::Contains("this table is 'by-scope'"));
    const sfp::Diagnostic zero = error_for("trend", "0");
    CHECK_THAT(zero.message, Catch::Contains("(1-100), found 0"));
}

TEST_CASE("template: format_indicator and long_date by language", "[template]") {
    const auto& out01 = *catalogue().find("OUT-01");
    const auto& out06 = *catalogue().find("OUT-06");
    CHECK(sfp::format_indicator(1234567, out01) == "1,234,567");
    CHECK(sfp::format_indicator(1234567, out01, "fr") == "1" + nnbsp + "234" + nnbsp + "567");
    CHECK(sfp::format_indicator(1234567, out01, "es") == "1.234.567");
    CHECK(sfp::format_indicator(0.123, out06) == "12.3%");
    CHECK(sfp::format_indicator(0.123, out06, "fr") == "12,3" + nnbsp + "%");
    CHECK(sfp::format_indicator(0.123, out06, "es") == "12,3\u00A0%");
    CHECK(sfp::long_date("2026-11-28") == "28 November 2026");
    CHECK(sfp::long_date("2026-11-28", "fr") == "28 novembre 2026");
    CHECK(sfp::long_date("2026-11-28", "es") == "28 de noviembre de 2026");
}

TEST_CASE("template: an unknown key in a block gets a did-you-mean hint at the key", "[template]") {
    std::string doc = document_toml();
    // Line 21: caption = "doc.caption" of the by-scope table.
    doc.replace(doc.find("caption = \"doc.caption\""), 7, "captoin");
    const TemplateDir t(doc);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    const auto* error = find_error(diagnostics, "unknown key 'captoin'");
    REQUIRE(error != nullptr);
    CHECK(error->where.file == t.document);
    CHECK(error->where.line == 21);
    CHECK(error->where.column == 1);
    CHECK(error->hint == "did you mean 'caption'?");
}

TEST_CASE("template: an unknown text key is an error at the value", "[template]") {
    std::string doc = document_toml();
    // Line 11: text = "doc.borrowers".
    doc.replace(doc.find("doc.borrowers"), 13, "doc.borowers");
    const TemplateDir t(doc);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    const auto* error = find_error(diagnostics, "unknown text key 'doc.borowers'");
    REQUIRE(error != nullptr);
    CHECK(error->where.line == 11);
    CHECK(error->where.column == 8);
    CHECK(error->hint == "did you mean 'doc.borrowers'?");
}

TEST_CASE("template: an unknown table kind gets a hint", "[template]") {
    std::string doc = document_toml();
    // Line 19: table = "by-scope".
    doc.replace(doc.find("\"by-scope\""), 10, "\"by-scop\"");
    const TemplateDir t(doc);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    const auto* error = find_error(diagnostics, "unknown table kind 'by-scop'");
    REQUIRE(error != nullptr);
    CHECK(error->where.line == 19);
    CHECK(error->where.column == 9);
    CHECK(error->hint == "did you mean 'by-scope'?");
}

TEST_CASE("template: an unknown indicator in a block is an error at the element", "[template]") {
    std::string doc = document_toml();
    // Line 20: indicators = ["OUT-01", "OUT-06"]; the second element starts at column 25.
    doc.replace(doc.find("\"OUT-06\"]"), 8, "\"OUT-60\"");
    const TemplateDir t(doc);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    const auto* error = find_error(diagnostics, "unknown indicator 'OUT-60'");
    REQUIRE(error != nullptr);
    CHECK(error->where.line == 20);
    CHECK(error->where.column == 25);
}

TEST_CASE("template: an unknown message argument is an error at its name", "[template]") {
    std::string en = english;
    // Line 5 of doc.toml: caption = "Borrowers by region, {year}"; the text starts at column 12,
    // so "yaer" (after "{") is at column 12 + 21 + 1 = 34.
    en.replace(en.find("region, {year}"), 14, "region, {yaer}");
    const TemplateDir t(document_toml(), en);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    const auto* error = find_error(diagnostics, "unknown argument 'yaer'");
    REQUIRE(error != nullptr);
    CHECK(error->where.file == (t.dir.path() / "t/text/en/doc.toml").string());
    CHECK(error->where.line == 5);
    CHECK(error->where.column == 34);
}

TEST_CASE("template: a {table.<id>} reference needs a table with that id", "[template]") {
    std::string en = english;
    en.replace(en.find("{table.main}"), 12, "{table.mian}");
    const TemplateDir t(document_toml(), en);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    CHECK(find_error(diagnostics, "no table block has id 'mian'") != nullptr);
}

TEST_CASE("template: a key of en missing in fr (and the reverse) is an error", "[template]") {
    std::string en = english;
    en.insert(en.find("[line]"), "extra = \"Only in English\"\n"); // line 12
    std::string fr = french;
    fr.insert(fr.find("[line]"), "seulement = \"Seulement en français\"\n"); // line 12
    const TemplateDir t(document_toml(), en, fr);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    const auto* missing = find_error(diagnostics, "text 'doc.extra' has no translation in 'fr'");
    REQUIRE(missing != nullptr);
    CHECK(missing->where.line == 12);
    CHECK(missing->where.column == 10);
    CHECK(missing->hint == "add it to text/fr/doc.toml");
    const auto* extra =
        find_error(diagnostics, "text 'doc.seulement' of 'fr' does not exist in 'en'");
    REQUIRE(extra != nullptr);
    CHECK(extra->where.line == 12);
    CHECK(extra->where.column == 14);
}

TEST_CASE("template: a message syntax error points into the text file", "[template]") {
    std::string en = english;
    en.replace(en.find("Introduction"), 12, "Intro {year"); // line 2, text from column 10
    const TemplateDir t(document_toml(), en);
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_template(t.document, catalogue(), diagnostics).has_value());
    REQUIRE(diagnostics.has_errors());
    const auto& first = diagnostics.items().front();
    CHECK(first.where.file == (t.dir.path() / "t/text/en/doc.toml").string());
    CHECK(first.where.line == 2);
    CHECK(first.where.column >= 10);
}

TEST_CASE("template: in_xlsx = false keeps a table out of the workbook, and in neither is an error",
          "[template]") {
    {
        const Loaded t(with_lines("trend", "in_xlsx = false\n"));
        sfp::Diagnostics diagnostics;
        INFO(all_text(t.diagnostics));
        REQUIRE(t.report.has_value());
        const sfp::Dataset data;
        const sfp::Results results = hand_made_results();
        const sfp::Document doc = sfp::build_document(hand_made_spec(), *t.report, "en",
                                                      catalogue(), data, results, {}, diagnostics);
        const auto tables = blocks_of<sfp::Table>(doc);
        REQUIRE(tables.size() == 3);
        CHECK(tables[1]->in_pdf);
        CHECK_FALSE(tables[1]->in_xlsx);
        CHECK(tables[1]->caption == "Table 2. Borrowers, 2023-2024");
        CHECK(tables[0]->in_xlsx);
        CHECK(tables[2]->in_xlsx);
    }
    const Loaded t(with_lines("trend", "in_pdf = false\nin_xlsx = false\n"));
    CHECK_FALSE(t.report.has_value());
    const auto* error = find_error(t.diagnostics, "'in_xlsx' in [[block]]");
    REQUIRE(error != nullptr);
    CHECK_THAT(error->message, Catch::Contains("neither the PDF nor the workbook"));
    CHECK(error->where.file == t.dir.document);
    // trend's table line is line 31: in_pdf is line 32, in_xlsx line 33.
    CHECK(error->where.line == 33);
}

TEST_CASE("template: max_per_code and compact belong to their table kinds, in range",
          "[template]") {
    const auto error_for = [](const std::string& table, const std::string& key) {
        const Loaded t(with_lines(table, key + "\n"));
        CHECK_FALSE(t.report.has_value());
        const auto* error = find_error(t.diagnostics, "in [[block]]");
        REQUIRE(error != nullptr);
        CHECK(error->where.file == t.dir.document);
        CHECK(error->where.line == 20);
        return error->message;
    };
    CHECK_THAT(error_for("by-scope", "max_per_code = 5"),
               Catch::Contains("'max_per_code' in [[block]]: only an issues table") &&
                   Catch::Contains("this table is 'by-scope'"));
    CHECK_THAT(error_for("by-scope", "compact = true"),
               Catch::Contains("'compact' in [[block]]: only a by-scope-year table") &&
                   Catch::Contains("this table is 'by-scope'"));
    CHECK_THAT(error_for("by-scope", "compact = 1"), Catch::Contains("expected true or false"));

    const Loaded t(document_toml() +
                   "\n[[block]]\ntype = \"table\"\ntable = \"issues\"\nmax_per_code = 0\n");
    CHECK_FALSE(t.report.has_value());
    const auto* error = find_error(t.diagnostics, "'max_per_code' in [[block]]");
    REQUIRE(error != nullptr);
    CHECK_THAT(error->message, Catch::Contains("(1-100000), found 0"));
}

TEST_CASE("template: max_per_code lists the first findings of each code and counts the others",
          "[template]") {
    Loaded t(document_toml() +
             "\n[[block]]\ntype = \"table\"\ntable = \"issues\"\nmax_per_code = 2\n"
             "sheet = \"Data quality\"\n");
    sfp::Diagnostics& diagnostics = t.diagnostics;
    INFO(all_text(diagnostics));
    REQUIRE(t.report.has_value());
    const sfp::ReportTemplate& report = *t.report;
    sfp::Dataset data;
    // Five zero-denominator findings, one negative value and three gaps, interleaved.
    const std::vector<std::pair<std::string, int>> found{
        {"zero-denominator", 10}, {"gap-in-panel", 11},     {"zero-denominator", 12},
        {"negative-value", 13},   {"zero-denominator", 14}, {"gap-in-panel", 15},
        {"zero-denominator", 16}, {"gap-in-panel", 17},     {"zero-denominator", 18}};
    for (const auto& [code, row] : found) {
        sfp::QualityIssue issue;
        issue.code = code;
        issue.where = {"data/a.csv", row, 3};
        issue.field = "opex";
        issue.value = std::to_string(row);
        issue.problem = "problem " + std::to_string(row);
        data.issues.push_back(issue);
    }
    const sfp::Results results = hand_made_results();
    const auto build = [&](bool workbook_tables) {
        return sfp::build_document(hand_made_spec(), report, "en", catalogue(), data, results, {},
                                   diagnostics, nullptr, workbook_tables);
    };
    // Without a workbook, the PDF's list alone.
    const sfp::Document pdf_only = build(false);
    REQUIRE(blocks_of<sfp::Table>(pdf_only).size() == 4);
    // With one, the block gives two tables under one caption: the PDF's list, cut, and the
    // sheet's, every finding.
    const sfp::Document doc = build(true);
    REQUIRE_FALSE(diagnostics.has_errors());
    const auto tables = blocks_of<sfp::Table>(doc);
    REQUIRE(tables.size() == 5);
    const sfp::Table& listed = *tables[3];
    const sfp::Table& every = *tables[4];
    CHECK(listed.in_pdf);
    CHECK_FALSE(listed.in_xlsx);
    CHECK_FALSE(every.in_pdf);
    CHECK(every.in_xlsx);
    CHECK(listed.caption == "Table A.2. Data problems in a.csv");
    CHECK(every.caption == listed.caption);
    CHECK(every.sheet_name == "Data quality");
    REQUIRE(every.rows.size() == found.size());
    CHECK(every.rows[1][0].text == "11:3");
    CHECK(every.note.empty());

    // The first two of each code in file order, then a row per code with more.
    std::vector<std::string> where;
    for (const auto& row : listed.rows) {
        where.push_back(row[0].text + " " + row[1].text);
    }
    CHECK(where == std::vector<std::string>{"10:3 zero-denominator", "11:3 gap-in-panel",
                                            "12:3 zero-denominator", "13:3 negative-value",
                                            "15:3 gap-in-panel", "\u2026 gap-in-panel",
                                            "\u2026 zero-denominator"});
    CHECK(listed.rows[5][4].text == "1 more finding with this code, listed in the workbook");
    CHECK(listed.rows[6][4].text == "3 more findings with this code, listed in the workbook");
    CHECK(listed.rows[6][2].text.empty());
    CHECK(listed.note == "5 of the 9 findings are listed here: at most 2 of each code, the first "
                         "in the file. The workbook lists every finding.");

    // A workbook-only block is not cut.
    Loaded sheet_only(document_toml() +
                      "\n[[block]]\ntype = \"table\"\ntable = \"issues\"\nmax_per_code = 2\n"
                      "in_pdf = false\n");
    REQUIRE(sheet_only.report.has_value());
    const sfp::Document workbook = sfp::build_document(hand_made_spec(), *sheet_only.report, "en",
                                                       catalogue(), data, results, {}, diagnostics);
    const auto sheets = blocks_of<sfp::Table>(workbook);
    REQUIRE(sheets.size() == 4);
    CHECK_FALSE(sheets[3]->in_pdf);
    CHECK(sheets[3]->rows.size() == found.size());
}

TEST_CASE("template: a compact by-scope-year table has one line a row and a column of n",
          "[template]") {
    Loaded t(document_toml() + "\n[[block]]\ntype = \"table\"\ntable = \"by-scope-year\"\n"
                               "indicators = [\"OUT-01\", \"OUT-06\"]\ncompact = true\n");
    sfp::Diagnostics& diagnostics = t.diagnostics;
    INFO(all_text(diagnostics));
    REQUIRE(t.report.has_value());
    const sfp::Dataset data;
    sfp::Results results = hand_made_results();
    // All regions' OUT-01 counted 2 institutions in 2023 and 3 in 2024.
    for (auto& item : results.items) {
        if (item.indicator == "OUT-01" && item.scope == 2 && item.period == 2024) {
            item.n = 3;
        }
    }
    const sfp::Document doc = sfp::build_document(hand_made_spec(), *t.report, "en", catalogue(),
                                                  data, results, {}, diagnostics);
    REQUIRE_FALSE(diagnostics.has_errors());
    const auto tables = blocks_of<sfp::Table>(doc);
    REQUIRE(tables.size() == 4);
    const sfp::Table& table = *tables[3];
    CHECK(table.compact);
    CHECK(table.header == std::vector<std::string>{"Indicator", "Region", "2023", "2024", "n"});
    REQUIRE(table.rows.size() == 6);
    const std::string short_name = catalogue().find("OUT-01")->short_names.get("en");
    CHECK(table.rows[0][0].text == "OUT-01 " + short_name);
    CHECK(table.rows[0][2].text == "1,000,000");
    CHECK(table.rows[0][2].subtext.empty());
    CHECK(table.rows[0][2].source.has_value());
    CHECK(table.rows[0][4].text == "1");
    CHECK(table.rows[2][4].text == "2\u20133"); // all regions: 2 in 2023, 3 in 2024
    // OUT-06 in South Asia: no 2023 result, 2024 missing with its reason kept, n of 0.
    CHECK(table.rows[4][2].text == "..");
    CHECK(table.rows[4][3].text == "..");
    CHECK(table.rows[4][3].subtext == "no data");
    CHECK(table.rows[4][4].text == "0");
    CHECK_THAT(table.note,
               Catch::StartsWith("n = institutions whose figures enter the aggregates"));
}
