// `sfpgen ingest`: validate one submitted file with its [[source]] mapping and store it in the
// SFP database (docs/database.md).

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/build.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/sha256.hpp"
#include "sfp/sources.hpp"
#include "sfp/store.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace po = boost::program_options;

namespace sfp::cli {

namespace {

/// Where the database is when neither --database nor [database] path says.
constexpr const char* default_database = "data/sfp.sqlite";

/// Problems shown on the terminal before "N more" (all errors are always shown).
constexpr std::size_t max_warnings_shown = 20;

int exit_code(sfp::ExitCode code) {
    return static_cast<int>(code);
}

/// Prints the data problems (every error, the first warnings) and returns the error count.
std::size_t print_issues(const sfp::Dataset& data, bool strict) {
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& issue : data.issues) {
        const bool is_error = issue.severity == sfp::Severity::error || strict;
        if (is_error) {
            ++errors;
        } else if (quiet() || (++warnings > max_warnings_shown && common().diagnostics == "text")) {
            continue;
        }
        print_issue(issue);
    }
    if (warnings > max_warnings_shown && common().diagnostics == "text") {
        std::cerr << fmt::format("sfpgen ingest: {} more data warnings not shown ('sfpgen "
                                 "validate' lists them all)\n",
                                 warnings - max_warnings_shown);
    }
    return errors;
}

/// Seconds since 1970 for the submission's provenance: SOURCE_DATE_EPOCH when set (for
/// reproducible test databases), else the clock. This is provenance, not report output.
std::optional<std::int64_t> ingest_time(sfp::Diagnostics& diagnostics) {
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        return sfp::parse_epoch(epoch, diagnostics);
    }
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const sfp::SourceSpec* find_source(const sfp::ReportSpec& spec, const std::string& name,
                                   sfp::Diagnostics& diagnostics) {
    std::vector<std::string> names;
    for (const auto& source : spec.sources) {
        if (source.name == name) {
            return &source;
        }
        names.push_back(source.name);
    }
    std::string hint = sfp::did_you_mean(name, names);
    if (hint.empty() && !names.empty()) {
        hint = fmt::format("the configuration's sources are: {}", fmt::join(names, ", "));
    }
    diagnostics.error({spec.config_path, 0, 0},
                      fmt::format("--source: unknown source '{}' in the configuration", name),
                      hint);
    return nullptr;
}

std::string counts_text(const sfp::IngestResult& result) {
    std::string text = fmt::format("{} figures new, {} revised, {} unchanged", result.figures_new,
                                   result.figures_revised, result.figures_unchanged);
    if (result.figures_missing > 0) {
        text += fmt::format(", {} missing (current values kept)", result.figures_missing);
    }
    return text;
}

int ingest(const IngestArgs& options) {
    sfp::Diagnostics diagnostics;
    const auto ingested_at = ingest_time(diagnostics);
    if (!ingested_at) {
        print_diagnostics(diagnostics);
        return exit_code(sfp::ExitCode::usage);
    }
    const auto spec = sfp::parse_config(options.config_path, diagnostics);
    if (!spec) {
        print_diagnostics(diagnostics);
        return exit_code(sfp::ExitCode::config);
    }
    const sfp::SourceSpec* source = find_source(*spec, options.source, diagnostics);
    if (source == nullptr) {
        print_diagnostics(diagnostics);
        return exit_code(sfp::ExitCode::config);
    }
    if (source->format != "csv") {
        diagnostics.error(source->where,
                          fmt::format("source '{}' reads {} data; ingest takes a file with the "
                                      "mapping of a csv source",
                                      source->name, source->format));
        print_diagnostics(diagnostics);
        return exit_code(sfp::ExitCode::config);
    }
    const auto countries = sfp::country_resolver(spec->countries_path, diagnostics);
    if (!countries) {
        print_diagnostics(diagnostics);
        return exit_code(sfp::ExitCode::config);
    }

    sfp::SourceSpec submission = *source;
    submission.path = options.file;
    auto data = sfp::load_source(submission, diagnostics, *countries ? &*countries : nullptr);
    if (data) {
        sfp::validate_panel(*data);
    }
    print_diagnostics(diagnostics);
    const bool strict = submission.strict || spec->strict;
    const std::size_t data_errors = data ? print_issues(*data, strict) : 0;
    if (!data || diagnostics.has_errors() || data_errors > 0) {
        print_error("ingest",
                    fmt::format("{} was not stored{}", options.file,
                                data_errors > 0
                                    ? fmt::format(": data errors: {}{}", data_errors,
                                                  strict ? " (strict: warnings count)" : "")
                                    : std::string{}));
        return exit_code(sfp::ExitCode::data);
    }

    const auto digest = sfp::sha256_file(options.file, diagnostics);
    if (!digest) {
        print_diagnostics(diagnostics);
        return exit_code(sfp::ExitCode::data);
    }
    std::string database = options.database;
    if (database.empty()) {
        database = spec->database_path.empty() ? default_database : spec->database_path;
    }
    // A dry run never creates the database file: against a missing one, a private in-memory
    // database gives the same counts.
    std::error_code ignored;
    const std::string open_path =
        options.dry_run && !std::filesystem::exists(database, ignored) ? ":memory:" : database;
    sfp::Diagnostics store_diagnostics;
    auto store = sfp::Store::open(open_path, store_diagnostics);
    if (!store) {
        print_diagnostics(store_diagnostics);
        return exit_code(sfp::ExitCode::output);
    }
    sfp::IngestInfo info;
    info.source_name = source->name;
    info.file_path = options.file;
    info.sha256 = digest->sha256;
    info.file_size = digest->size;
    info.ingested_at = *ingested_at;
    info.submitted_by = options.submitted_by;
    info.dry_run = options.dry_run;
    const auto result = store->ingest(*data, info, store_diagnostics);
    print_diagnostics(store_diagnostics);
    switch (result.outcome) {
    case sfp::IngestResult::Outcome::stored:
        if (options.dry_run) {
            say(fmt::format("dry run: {} would be submission {} in {}: {}; nothing was written",
                            options.file, result.submission_id, database, counts_text(result)));
            return exit_code(sfp::ExitCode::ok);
        }
        say(fmt::format("ingested {}: submission {}, {}", options.file, result.submission_id,
                        counts_text(result)));
        return exit_code(sfp::ExitCode::ok);
    case sfp::IngestResult::Outcome::unchanged:
        say(fmt::format("unchanged: {} was already ingested as submission {} (sha256 {})",
                        options.file, result.submission_id, digest->sha256));
        return exit_code(sfp::ExitCode::ok);
    case sfp::IngestResult::Outcome::failed:
        return exit_code(sfp::ExitCode::output);
    }
    return exit_code(sfp::ExitCode::internal);
}

} // namespace

const CommandText& ingest_text() {
    static const CommandText text{
        "ingest", "SUBMISSION.csv --source NAME [options]",
        "validate a submission and store it in the SFP database",
        "\nThe file is loaded and validated exactly as 'sfpgen build' would load the "
        "source; a file with data errors is not stored (exit code 4).\nIngesting the same "
        "file again changes nothing; a figure that differs from the stored one becomes "
        "current and the earlier one is kept as history.\nSOURCE_DATE_EPOCH, when set, is "
        "recorded as the ingest time (seconds since 1970); otherwise the current time is.\n"};
    return text;
}

po::options_description ingest_options(IngestArgs& options) {
    po::options_description visible("options of 'sfpgen ingest SUBMISSION.csv --source NAME'");
    visible.add_options()("help,h", "show this help")(
        "source,s", po::value<std::string>(&options.source),
        "the [[source]] of the configuration whose mapping reads the file (required)")(
        "config,c",
        po::value<std::string>(&options.config_path)->default_value(options.config_path),
        "the configuration that declares the source")(
        "database,d", po::value<std::string>(&options.database),
        "the SFP database (default: [database] path of the configuration, else data/sfp.sqlite; "
        "created if missing)")("by", po::value<std::string>(&options.submitted_by),
                               "who submitted the file, kept as provenance (default: $USER)")(
        "dry-run", po::bool_switch(&options.dry_run),
        "validate and count new, revised and unchanged figures without writing anything");
    return visible;
}

int run_ingest(const std::vector<std::string>& args) {
    IngestArgs options;
    if (const char* user = std::getenv("USER"); user != nullptr) {
        options.submitted_by = user;
    }
    auto visible = ingest_options(options);
    if (const auto stop = parse_command_line(args, "ingest", visible, "file", options.file,
                                             ingest_text().details)) {
        return *stop;
    }
    if (options.file.empty() || options.source.empty()) {
        std::cerr << fmt::format("sfpgen ingest: error: {}\n",
                                 options.file.empty() ? "missing the SUBMISSION.csv file to ingest"
                                                      : "missing --source NAME")
                  << visible;
        return exit_code(sfp::ExitCode::usage);
    }
    return ingest(options);
}

} // namespace sfp::cli
