// End to end: build the sample Governing Body report and read the real outputs back
// (the PDF with poppler-cpp). Figures are checked against values computed independently by
// tests/reference/reference.py on the same CSV.

#include "sfp/build.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/document.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/indicators.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-font.h>
#include <poppler/cpp/poppler-page.h>
#include <poppler/cpp/poppler-toc.h>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;
const std::string sample_config = source_dir + "/templates/gb-progress/report.toml";
constexpr std::int64_t epoch = 1767225600; // 2026-01-01T00:00:00Z

fs::path fresh_dir(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("sfpgen-e2e-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

sfp::BuildResult build_sample(const fs::path& out, sfp::Diagnostics& diagnostics,
                              const std::string& language = "",
                              std::vector<sfp::OutputFormat> formats = {sfp::OutputFormat::pdf,
                                                                        sfp::OutputFormat::xlsx,
                                                                        sfp::OutputFormat::json}) {
    sfp::BuildOptions options;
    options.language = language;
    options.config_path = sample_config;
    options.output_dir = out.string();
    options.formats = std::move(formats);
    options.source_date_epoch = epoch;
    return sfp::build_report(options, diagnostics);
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string pdf_text(const poppler::document& doc) {
    std::string text;
    for (int i = 0; i < doc.pages(); ++i) {
        const std::unique_ptr<poppler::page> page(doc.create_page(i));
        const auto bytes = page->text().to_utf8();
        text.append(bytes.begin(), bytes.end());
        text += "\n";
    }
    return text;
}

} // namespace

TEST_CASE("e2e: the sample report builds and the PDF reads back with the computed figures",
          "[e2e][pdf]") {
    const fs::path out = fresh_dir("pdf");
    sfp::Diagnostics diagnostics;
    const auto result = build_sample(out, diagnostics);
    REQUIRE(result.code == sfp::ExitCode::ok);
    REQUIRE(result.outputs.size() == 3);
    const fs::path pdf = out / "gb-progress-sample.pdf";
    REQUIRE(fs::exists(pdf));

    const std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(pdf.string()));
    REQUIRE(doc != nullptr);
    CHECK(doc->pages() >= 5);
    const auto title = doc->info_key("Title").to_utf8();
    CHECK(std::string(title.begin(), title.end()) ==
          "Microfinance for decent work: progress report of the Social Finance Programme");
    CHECK(doc->get_creation_date_t() == epoch);
    CHECK(doc->info_date_t("ModDate") == epoch);

    SECTION("every font is embedded") {
        const auto fonts = doc->fonts();
        REQUIRE_FALSE(fonts.empty());
        for (const auto& font : fonts) {
            INFO(font.name());
            CHECK(font.is_embedded());
            CHECK(font.is_subset());
        }
    }

    SECTION("the text holds the title block, page numbers and the computed figures") {
        const std::string text = pdf_text(*doc);
        CHECK_THAT(text, Catch::Contains("GB.356/POL/SAMPLE"));
        CHECK_THAT(text, Catch::Contains("For information"));
        // Body pages are numbered from 1 after the cover and contents (i, ii).
        CHECK_THAT(text, Catch::Contains("Page 1 of "));
        CHECK_THAT(text, Catch::Contains("Page 2 of "));
        CHECK_THAT(text, Catch::Contains("Table 3. Outreach by region, 2024"));
        CHECK_THAT(text,
                   Catch::Contains("Table 1. Results matrix: progress against targets, 2024"));
        CHECK_THAT(text, Catch::Contains("Date: 28 November 2026"));
        // Independent reference (tests/reference/reference.py), scope "all", 2024:
        // OUT-01 1,788,353; OUT-06 0.65209 -> 65.2%; OUT-03 1,257,454,410.97 -> 1,257.5 (USD m);
        // PQ-01 0.050957 -> 5.1%; FIN-01 1.100448 -> 110.0%.
        CHECK_THAT(text, Catch::Contains("1,788,353"));
        CHECK_THAT(text, Catch::Contains("65.2%"));
        CHECK_THAT(text, Catch::Contains("1,257.5"));
        CHECK_THAT(text, Catch::Contains("5.1%"));
        CHECK_THAT(text, Catch::Contains("110.0%"));
        // MENA 2020 has no PAR30 data: shown as missing with its reason, never as 0.
        CHECK_THAT(text, Catch::Contains("no data"));
        // The data-quality annex lists the impossible values with file, row:column and code.
        CHECK_THAT(text, Catch::Contains("Data problems in institution_years.csv"));
        CHECK_THAT(text, Catch::Contains("par30-above-portfolio"));
        CHECK_THAT(text, Catch::Contains("25:8"));
    }

    SECTION("every table figure of the document appears in the PDF text") {
        sfp::Diagnostics more;
        const auto spec = sfp::parse_config(sample_config, more);
        REQUIRE(spec);
        sfp::ExitCode code = sfp::ExitCode::ok;
        const auto definitions = sfp::load_definitions(*spec, more, code);
        REQUIRE(definitions);
        const auto* catalogue = &definitions->catalogue;
        const auto data = sfp::load_sources(*spec, more);
        REQUIRE(data);
        const auto results = sfp::evaluate(*definitions, *data).results;
        const std::string text = pdf_text(*doc);
        // Annex E prints the headline statistic of these indicators for every region and all
        // regions, every year (templates/gb-progress/document.toml, the by-scope-year table).
        const std::vector<std::string> annexed{
            "OUT-01", "OUT-06", "OUT-03", "OUT-04", "OUT-05", "OUT-08", "PQ-01",  "PQ-02",
            "PQ-03",  "FIN-01", "FIN-02", "FIN-03", "FIN-08", "FIN-10", "EFF-01", "EFF-03"};
        auto printed_scopes = results.group_scopes(0);
        printed_scopes.push_back(results.all_scope());
        std::size_t checked = 0;
        for (const auto& item : results.items) {
            if (std::find(annexed.begin(), annexed.end(), item.indicator) == annexed.end()) {
                continue;
            }
            const bool headline = item.statistic == catalogue->find(item.indicator)->headline() &&
                                  std::find(printed_scopes.begin(), printed_scopes.end(),
                                            item.scope) != printed_scopes.end();
            if (item.value && headline) {
                const auto printed =
                    sfp::format_indicator(*item.value, *catalogue->find(item.indicator));
                INFO(item.indicator << " " << results.scopes[item.scope].key << " " << item.period);
                CHECK_THAT(text, Catch::Contains(printed));
                ++checked;
            }
        }
        CHECK(checked > 400); // 16 indicators x 6 scopes x 5 years, less the missing values
    }

    SECTION("the outline has a bookmark for every heading") {
        const std::unique_ptr<poppler::toc> toc(doc->create_toc());
        REQUIRE(toc != nullptr);
        const auto items = toc->root()->children();
        REQUIRE(items.size() == 13); // 8 numbered sections, 5 annexes
        const auto first = items.front()->title().to_utf8();
        CHECK(std::string(first.begin(), first.end()) == "1. Introduction");
        const auto last = items.back()->title().to_utf8();
        CHECK(std::string(last.begin(), last.end()) == "Annex E. Sources and notes");
    }
    fs::remove_all(out);
}

TEST_CASE("e2e: --lang fr and es build the same report in French and Spanish", "[e2e][lang]") {
    const fs::path out = fresh_dir("lang");
    // French groups thousands with U+202F and puts it before "%"; Spanish groups with "." and
    // puts U+00A0 before "%". Poppler extracts both spaces as " " (normalised below too).
    const std::string nnbsp = " ";
    const std::string nbsp = " ";
    const auto plain_spaces = [](std::string text) {
        for (const std::string space : {"\u202F", "\u00A0"}) {
            for (auto at = text.find(space); at != std::string::npos; at = text.find(space)) {
                text.replace(at, space.size(), " ");
            }
        }
        return text;
    };
    struct Case {
        std::string language;
        std::vector<std::string> expected;
    };
    const std::vector<Case> cases{
        {"fr",
         {"28 novembre 2026", "Tableau 3. Portée par région, 2024",
          "1" + nnbsp + "788" + nnbsp + "353", "65,2" + nnbsp + "%", "Toutes les régions",
          "Asie du Sud", "hors trajectoire", "Table des matières", "Annexe E. Sources et notes",
          "Problèmes de données dans institution_years.csv"}},
        {"es",
         {"28 de noviembre de 2026", "Cuadro 3. Alcance por región, 2024", "1.788.353",
          "65,2" + nbsp + "%", "Todas las regiones", "Asia Meridional", "desviado", "Índice",
          "Anexo E. Fuentes y notas"}},
    };
    for (const auto& c : cases) {
        INFO(c.language);
        sfp::Diagnostics diagnostics;
        const auto result = build_sample(out, diagnostics, c.language);
        REQUIRE(result.code == sfp::ExitCode::ok);
        const fs::path pdf = out / ("gb-progress-sample-" + c.language + ".pdf");
        REQUIRE(fs::exists(pdf));
        CHECK(fs::exists(out / ("gb-progress-sample-" + c.language + ".xlsx")));
        const std::unique_ptr<poppler::document> doc(
            poppler::document::load_from_file(pdf.string()));
        REQUIRE(doc != nullptr);
        const std::string text = plain_spaces(pdf_text(*doc));
        for (const auto& expected : c.expected) {
            CHECK_THAT(text, Catch::Contains(expected));
        }
        // No English words of the template leak into the other languages.
        CHECK_THAT(text, !Catch::Contains("Results matrix"));
        CHECK_THAT(text, !Catch::Contains("All regions"));
    }
    SECTION("a language without texts is a usage error") {
        sfp::Diagnostics diagnostics;
        const auto result = build_sample(out, diagnostics, "de");
        CHECK(result.code == sfp::ExitCode::usage);
        REQUIRE(diagnostics.has_errors());
        CHECK_THAT(sfp::to_string(diagnostics.items().back()),
                   Catch::Contains("the template has no texts in 'de'"));
    }
    fs::remove_all(out);
}

TEST_CASE("e2e: two builds with the same SOURCE_DATE_EPOCH are byte-identical",
          "[e2e][determinism]") {
    const fs::path first = fresh_dir("det1");
    const fs::path second = fresh_dir("det2");
    sfp::Diagnostics diagnostics;
    REQUIRE(build_sample(first, diagnostics).code == sfp::ExitCode::ok);
    REQUIRE(build_sample(second, diagnostics).code == sfp::ExitCode::ok);
    for (const char* name :
         {"gb-progress-sample.pdf", "gb-progress-sample.xlsx", "gb-progress-sample.results.json"}) {
        INFO(name);
        const std::string a = read_bytes(first / name);
        CHECK(a.size() > 1000);
        CHECK(a == read_bytes(second / name));
    }
    fs::remove_all(first);
    fs::remove_all(second);
}

TEST_CASE("e2e: a PDF built alone is the same bytes as one built with the workbook and results",
          "[e2e][determinism]") {
    // Alone, the PDF's evaluation leaves out the medians of every year but the last, which
    // only the workbook and the results files show (EngineOptions).
    const fs::path with_all = fresh_dir("pdf-with-all");
    const fs::path alone = fresh_dir("pdf-alone");
    sfp::Diagnostics diagnostics;
    REQUIRE(build_sample(with_all, diagnostics).code == sfp::ExitCode::ok);
    REQUIRE(build_sample(alone, diagnostics, "", {sfp::OutputFormat::pdf}).code ==
            sfp::ExitCode::ok);
    const std::string pdf = read_bytes(alone / "gb-progress-sample.pdf");
    CHECK(pdf.size() > 1000);
    CHECK(pdf == read_bytes(with_all / "gb-progress-sample.pdf"));
    fs::remove_all(with_all);
    fs::remove_all(alone);
}

TEST_CASE("e2e: a report built on one thread is the same bytes as one built on two",
          "[e2e][determinism]") {
    // With two threads (BuildOptions::evaluation_threads), the evaluation shares out its cells
    // and the document its tables (the last ones on a helper, from the end back): the files
    // must be those of a build on one thread.
    std::vector<std::string> bytes;
    for (const unsigned threads : {1U, 2U}) {
        const fs::path out = fresh_dir("threads-" + std::to_string(threads));
        sfp::BuildOptions options;
        options.config_path = sample_config;
        options.output_dir = out.string();
        options.formats = {sfp::OutputFormat::pdf, sfp::OutputFormat::xlsx,
                           sfp::OutputFormat::json};
        options.source_date_epoch = epoch;
        options.evaluation_threads = threads;
        sfp::Diagnostics diagnostics;
        REQUIRE(sfp::build_report(options, diagnostics).code == sfp::ExitCode::ok);
        std::string all;
        for (const char* name : {"gb-progress-sample.pdf", "gb-progress-sample.xlsx",
                                 "gb-progress-sample.results.json"}) {
            const std::string file = read_bytes(out / name);
            CHECK(file.size() > 1000);
            all += file;
        }
        bytes.push_back(std::move(all));
        fs::remove_all(out);
    }
    CHECK(bytes[0] == bytes[1]);
}

TEST_CASE("e2e: a build says where its time went, phase by phase", "[e2e][timing]") {
    const fs::path out = fresh_dir("phases");
    const auto build = [&](std::vector<sfp::OutputFormat> formats, double& wall) {
        sfp::BuildOptions options;
        options.config_path = sample_config;
        options.output_dir = out.string();
        options.formats = std::move(formats);
        options.source_date_epoch = epoch;
        sfp::Diagnostics diagnostics;
        const auto start = std::chrono::steady_clock::now();
        auto result = sfp::build_report(options, diagnostics);
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        REQUIRE(result.code == sfp::ExitCode::ok);
        return result.times;
    };
    const auto sum = [](const sfp::PhaseTimes& t) {
        return t.prepare + t.evaluate + t.document + t.pdf_layout + t.pdf_output + t.other_formats;
    };
    double wall = 0;
    const sfp::PhaseTimes pdf = build({sfp::OutputFormat::pdf}, wall);
    for (const double phase :
         {pdf.prepare, pdf.evaluate, pdf.document, pdf.pdf_layout, pdf.pdf_output}) {
        CHECK(phase > 0);
    }
    CHECK(pdf.other_formats >= 0);
    CHECK(pdf.other_formats < pdf.pdf_output); // nothing but the PDF was asked
    CHECK(sum(pdf) <= wall);                   // each moment counted once
    const sfp::PhaseTimes xlsx = build({sfp::OutputFormat::xlsx}, wall);
    CHECK(xlsx.pdf_layout == 0);
    CHECK(xlsx.pdf_output == 0);
    CHECK(xlsx.other_formats > 0);
    CHECK(sum(xlsx) <= wall);
    fs::remove_all(out);
}

TEST_CASE("e2e: an unwritable output folder is a diagnostic and leaves nothing behind",
          "[e2e][output]") {
    const fs::path dir = fresh_dir("blocked");
    // A regular file where the output folder should be: even root cannot create it.
    const fs::path blocker = dir / "not-a-folder";
    std::ofstream(blocker) << "x";
    sfp::BuildOptions options;
    options.config_path = sample_config;
    options.output_dir = (blocker / "out").string();
    sfp::Diagnostics diagnostics;
    const auto result = sfp::build_report(options, diagnostics);
    CHECK(result.code == sfp::ExitCode::output);
    REQUIRE(diagnostics.has_errors());
    CHECK_THAT(sfp::to_string(diagnostics.items().back()),
               Catch::Contains("cannot create output folder"));
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}
