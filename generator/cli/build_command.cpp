// `sfpgen build`: one report from a configuration (docs/cli.md).

#include "cli_support.hpp"
#include "commands.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace po = boost::program_options;

namespace sfp::cli {

namespace {

int code_of(ExitCode code) {
    return static_cast<int>(code);
}

/// The first data problems and a count (warnings: the run goes on); none with --quiet.
void summarise_issues(const std::vector<QualityIssue>& issues) {
    if (issues.empty() || quiet()) {
        return;
    }
    // JSON lines are for programs: all of them; text is for people: the first ten and a count.
    const bool json = common().diagnostics == "json";
    constexpr std::size_t shown = 10;
    for (std::size_t i = 0; i < (json ? issues.size() : std::min(shown, issues.size())); ++i) {
        print_issue(issues[i]);
    }
    if (!json) {
        std::cerr << fmt::format("sfpgen: {} data problems{} (all are in the report's "
                                 "data-quality annex; 'sfpgen validate' lists them)\n",
                                 issues.size(),
                                 issues.size() > shown ? ", the first 10 shown above" : "");
    }
}

/// Reads --shard i/n.
bool parse_shard(const std::string& text, BatchOptions& batch, Diagnostics& diagnostics) {
    const auto slash = text.find('/');
    const auto number = [](std::string_view digits, unsigned& value) {
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        return !digits.empty() && error == std::errc{} && end == digits.data() + digits.size();
    };
    if (slash == std::string::npos ||
        !number(std::string_view(text).substr(0, slash), batch.shard_index) ||
        !number(std::string_view(text).substr(slash + 1), batch.shard_count) ||
        batch.shard_index == 0 || batch.shard_index > batch.shard_count) {
        diagnostics.error({}, fmt::format("--shard: expected i/n with 1 <= i <= n (e.g. 2/4), "
                                          "found '{}'",
                                          text));
        return false;
    }
    return true;
}

/// Checks the options that the pipeline does not: formats, --dpi, --shard, SOURCE_DATE_EPOCH.
bool complete_options(BuildArgs& args, Diagnostics& diagnostics) {
    if (!args.shard.empty() && !parse_shard(args.shard, args.batch, diagnostics)) {
        return false;
    }
    constexpr long max_jobs = 256;
    if (args.jobs < 0 || args.jobs > max_jobs) {
        diagnostics.error({}, fmt::format("--jobs: expected 0 (one per core) to {}, found {}",
                                          max_jobs, args.jobs));
        return false;
    }
    args.batch.jobs = static_cast<unsigned>(args.jobs);
    args.options.xlsx_formulas = !args.values_only;
    const auto parsed_formats = parse_formats(args.formats, diagnostics);
    if (!parsed_formats) {
        return false;
    }
    args.options.formats = *parsed_formats;
    if (!(args.options.dpi >= 10 && args.options.dpi <= 1200)) {
        diagnostics.error({}, "--dpi: expected a resolution between 10 and 1200");
        return false;
    }
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        const auto value = parse_epoch(epoch, diagnostics);
        if (!value) {
            return false;
        }
        args.options.source_date_epoch = value;
    }
    return true;
}

/// Counts, a bar and an ETA on a terminal; a plain line per report otherwise; nothing with
/// --quiet or JSON diagnostics (stderr is then for programs).
class Progress {
public:
    explicit Progress(bool silent)
        : silent_(silent || common().diagnostics == "json"), bar_(isatty(STDERR_FILENO) != 0),
          start_(std::chrono::steady_clock::now()) {}

    void update(const UnitOutcome& unit, std::size_t done, std::size_t total) {
        counts_[static_cast<std::size_t>(unit.status)] += 1;
        if (silent_ || total <= 1) {
            return;
        }
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (!bar_) {
            std::cerr << fmt::format("[{}/{}] {} {} ({:.2f} s){}\n", done, total,
                                     status_name(unit.status), unit.base, unit.seconds,
                                     unit.status == UnitStatus::failed ? ": " + unit.reason : "");
            return;
        }
        constexpr std::size_t width = 30;
        const std::size_t filled = width * done / total;
        const double eta =
            done > 0 ? elapsed / static_cast<double>(done) * static_cast<double>(total - done)
                     : 0.0;
        std::cerr << fmt::format("\r[{}{}] {}/{}  built {}  skipped {}  failed {}  ETA {:.0f} s ",
                                 std::string(filled, '#'), std::string(width - filled, '.'), done,
                                 total, count(UnitStatus::built), count(UnitStatus::skipped),
                                 count(UnitStatus::failed), eta)
                  << std::flush;
        drawn_ = true;
    }

    void finish() const {
        if (drawn_) {
            std::cerr << '\n';
        }
    }

private:
    [[nodiscard]] std::size_t count(UnitStatus status) const {
        return counts_[static_cast<std::size_t>(status)];
    }

    bool silent_;
    bool bar_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    std::array<std::size_t, 4> counts_{};
};

std::string unit_label(const UnitOutcome& unit) {
    return unit.dimension.empty()
               ? unit.language
               : fmt::format("{}={} {}", unit.dimension, unit.value, unit.language);
}

/// After the run: the plan (dry run), or what was written, skipped and failed, with the failed
/// reports' diagnostics, and a summary for batches.
void report_units(const BatchResult& result, bool dry_run) {
    if (result.units.empty() && result.planned_total == 0) {
        return; // the run stopped before planning: its diagnostics say why
    }
    if (dry_run) {
        std::cout << fmt::format("plan: {} report{}{}\n", result.planned_total,
                                 result.planned_total == 1 ? "" : "s",
                                 result.units.size() != result.planned_total
                                     ? fmt::format(", {} in this shard", result.units.size())
                                     : "");
        for (const auto& unit : result.units) {
            const bool skip = unit.status == UnitStatus::skipped;
            std::cout << fmt::format("{} {}: {}{}\n", skip ? "skip" : "build", unit_label(unit),
                                     fmt::join(unit.planned, " "),
                                     skip ? " (up to date)" : " (" + unit.reason + ")");
        }
        return;
    }
    std::size_t built = 0;
    std::size_t skipped = 0;
    std::size_t failed = 0;
    for (const auto& unit : result.units) {
        if (unit.status == UnitStatus::failed) {
            ++failed;
            Diagnostics diagnostics;
            for (const auto& d : unit.diagnostics) {
                diagnostics.add(d);
            }
            print_diagnostics(diagnostics);
            print_error("build", fmt::format("{} ({}) failed: {}", unit.base, unit_label(unit),
                                             unit.reason));
            continue;
        }
        if (unit.status == UnitStatus::skipped) {
            ++skipped;
            say(fmt::format("skipped {}: {}", unit.base, unit.reason));
            continue;
        }
        ++built;
        for (const auto& output : unit.outputs) {
            say("wrote " + output.path);
        }
        if (!unit.diagnostics.empty()) {
            Diagnostics diagnostics;
            for (const auto& d : unit.diagnostics) {
                diagnostics.add(d);
            }
            print_diagnostics(diagnostics, unit.dimension.empty() ? 20 : 5);
        }
    }
    if (result.units.size() > 1 || (!result.units.empty() && !result.units[0].dimension.empty())) {
        say(fmt::format("{} reports: {} built, {} skipped (up to date), {} failed",
                        result.units.size(), built, skipped, failed));
    }
    if (!result.manifest.empty()) {
        say("wrote " + result.manifest);
    }
}

} // namespace

const CommandText& build_text() {
    static const CommandText text{
        "build", "[CONFIG] [options]",
        "build a report (default CONFIG: templates/gb-progress/report.toml)",
        "\nSOURCE_DATE_EPOCH, when set, gives the documents' creation date (seconds since "
        "1970); otherwise [report] date of the config is used.\n"};
    return text;
}

po::options_description build_options(BuildArgs& args) {
    BuildOptions& options = args.options;
    po::options_description visible("options of 'sfpgen build [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&options.output_dir)->default_value("output"),
        "folder to write outputs into (created if missing)")(
        "format,f", po::value<std::string>(&args.formats)->default_value("pdf,xlsx"),
        "comma-separated outputs: pdf, xlsx, json, csv (<name>.results.json / .results.csv), png, "
        "svg (<name>-figure-<n>.png / .svg)")("dpi",
                                              po::value<double>(&options.dpi)->default_value(150.0),
                                              "resolution of PNG figures (dots per inch)")(
        "lang", po::value<std::string>(&args.batch.languages),
        "report language(s): en, fr, es, a list (en,fr: each report in each), or 'constituent' "
        "(a batch: [batch.language]); default: [batch] languages, else [report] language; a "
        "single report in another language than the config's is named <name>-<lang>.pdf, ...")(
        "page-size", po::value<std::string>(&options.page_size),
        "PDF page size: a4 or letter (default: [report] page_size of the config, else a4)")(
        "xlsx-values-only", po::bool_switch(&args.values_only),
        "workbook without the Data sheet: aggregates as values, not formulas over the inputs")(
        "xlsx-streaming", po::bool_switch(&options.xlsx_streaming),
        "write the workbook in constant-memory mode whatever its size (automatic above 1,000,000 "
        "cells; tables then get an autofilter instead of an Excel table)");
    // Batches (docs/cli.md, "Batches").
    BatchOptions& batch = args.batch;
    visible.add_options()(
        "for", po::value<std::string>(&batch.for_spec),
        "one report per constituent: country=all, country=KEN,GHA, region=all, institution=all, "
        "or 'all' (the dimension of [batch] for)")(
        "param", po::value<std::vector<std::string>>(&batch.params)->composing(),
        "one report about one constituent: country=KEN, region=..., institution=...; lang=fr "
        "(repeatable)")(
        "output-name", po::value<std::string>(&batch.name_pattern),
        "output base name pattern: {name} {value} {dimension} {lang} {country} ... (default: "
        "[batch] output, else {name}-{value}-{lang})")(
        "jobs,j", po::value<long>(&args.jobs)->default_value(0),
        "reports built at once (0: one per core)")(
        "force", po::bool_switch(&batch.force),
        "rebuild every report, even those whose inputs are unchanged since the last build")(
        "dry-run", po::bool_switch(&batch.dry_run),
        "print the reports that would be built or skipped, with their paths; write nothing")(
        "shard", po::value<std::string>(&args.shard),
        "build only the i-th of n deterministic slices of the batch (i/n, 1 <= i <= n), for "
        "schedulers (docs/scaling.md)")(
        "manifest", po::value<std::string>(&batch.manifest_path),
        "where the JSON manifest goes (default: OUTPUT/<name>.manifest.json)");
    return visible;
}

int run_build(const std::vector<std::string>& argv) {
    BuildArgs args;
    auto visible = build_options(args);
    if (const auto stop = parse_command_line(argv, "build", visible, "config",
                                             args.options.config_path, build_text().details)) {
        return *stop;
    }
    Diagnostics diagnostics;
    if (!complete_options(args, diagnostics)) {
        print_diagnostics(diagnostics);
        return code_of(ExitCode::usage);
    }
    Progress progress(quiet() || args.batch.dry_run);
    const auto result = run_batch(args.batch, diagnostics,
                                  [&](const UnitOutcome& unit, std::size_t done,
                                      std::size_t total) { progress.update(unit, done, total); });
    progress.finish();
    print_diagnostics(diagnostics);
    if (result.planned_total > 0) {
        summarise_issues(result.issues);
    }
    report_units(result, args.batch.dry_run);
    return code_of(result.code);
}

} // namespace sfp::cli
