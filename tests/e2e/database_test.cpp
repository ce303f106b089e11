// A report read from the SFP database gives the same figures as the same report read straight
// from the submission file: ingest the sample CSV with `sfpgen ingest`'s library calls, build
// the report from a `format = "sqlite"` source, compare the results files.

#include "sfp/build.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/sha256.hpp"
#include "sfp/store.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The "results" array of a results file (sources and issues differ by design).
/// The results, targets and guard rails of a results file, without provenance and flags: record
/// indexes and the file:row of each record differ between a CSV source and the database by
/// design, and the quality warnings that become flags are found when a file is read (ingest
/// reports them; the database does not store them yet).
std::string results_part(const std::string& json) {
    const auto begin = json.find("\"results\": [");
    const auto end = json.find("\"records\": [\n");
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    static const std::regex indexes(R"(, "records": \[[0-9, ]*\])");
    static const std::regex flags(R"("flags": \{[^}]*\})");
    // A value set aside when the file is read is not stored in the database, so a result of a
    // single institution (the "institution" grouping) says "excluded: <code>" from the file and
    // "missing-input: <field>" from the database: both mean the input is not available.
    static const std::regex unavailable(
        R"re("missing": "(excluded: [a-z0-9-]+|missing-input: [a-z0-9_]+)")re");
    return std::regex_replace(
        std::regex_replace(std::regex_replace(json.substr(begin, end - begin), indexes, ""), flags,
                           ""),
        unavailable, R"("missing": "input unavailable")");
}

sfp::BuildResult build(const std::string& config, const fs::path& out) {
    sfp::BuildOptions options;
    options.config_path = config;
    options.output_dir = out.string();
    options.formats = {sfp::OutputFormat::json};
    options.source_date_epoch = 0;
    sfp::Diagnostics diagnostics;
    auto result = sfp::build_report(options, diagnostics);
    INFO([&] {
        std::string text;
        for (const auto& d : diagnostics.items()) {
            text += sfp::to_string(d) + "\n";
        }
        return text;
    }());
    REQUIRE(result.code == sfp::ExitCode::ok);
    return result;
}

} // namespace

TEST_CASE("database: a report from the SFP database equals the report from the file",
          "[e2e][store]") {
    const fs::path dir = fs::temp_directory_path() / ("sfpgen-db-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string sample_config = source_dir + "/templates/gb-progress/report.toml";

    // Ingest the sample with the sample config's [[source]] mapping.
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(sample_config, diagnostics);
    REQUIRE(spec.has_value());
    const auto data = sfp::load_source(spec->sources.at(0), diagnostics);
    REQUIRE(data.has_value());
    const std::string database = (dir / "sfp.sqlite").string();
    {
        auto store = sfp::Store::open(database, diagnostics);
        REQUIRE(store != nullptr);
        sfp::IngestInfo info;
        info.source_name = "partners";
        info.file_path = spec->sources.at(0).path;
        info.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
        info.ingested_at = 1767225600;
        const auto ingested = store->ingest(*data, info, diagnostics);
        REQUIRE(ingested.outcome == sfp::IngestResult::Outcome::stored);
    }

    // The same report, reading the database instead of the file.
    std::string config = read_text(sample_config);
    // The [[source]] and its [source.columns] end where the config's own [[indicator]]s begin.
    const auto source_at = config.find("[[source]]");
    const auto after_at = config.find("\n[[indicator]]", source_at);
    REQUIRE(source_at != std::string::npos);
    REQUIRE(after_at != std::string::npos);
    config = config.substr(0, source_at) +
             "[[source]]\nname = \"sfp-database\"\nformat = \"sqlite\"\npath = \"" + database +
             "\"\n\n" + config.substr(after_at);
    const auto replace = [&](const std::string& from, const std::string& to) {
        const auto at = config.find(from);
        REQUIRE(at != std::string::npos);
        config.replace(at, from.size(), to);
    };
    replace("\"../../data/sfp.sqlite\"", "\"" + database + "\"");
    replace("\"document.toml\"", "\"" + source_dir + "/templates/gb-progress/document.toml\"");
    // Every other path (catalogue, reference tables, targets) into the source tree.
    for (auto at = config.find("\"../../data/"); at != std::string::npos;
         at = config.find("\"../../data/")) {
        config.replace(at, 12, "\"" + source_dir + "/data/");
    }
    const fs::path db_config = dir / "report-from-db.toml";
    std::ofstream(db_config) << config;

    build(sample_config, dir / "from-file");
    build(db_config.string(), dir / "from-db");
    const std::string from_file = read_text(dir / "from-file" / "gb-progress-sample.results.json");
    const std::string from_db = read_text(dir / "from-db" / "gb-progress-sample.results.json");
    CHECK(results_part(from_db) == results_part(from_file));
    fs::remove_all(dir);
}
