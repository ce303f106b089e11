// `sfpgen build`: one report from a configuration (docs/cli.md).

#include "cli_support.hpp"
#include "commands.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>

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

/// Checks the options that the pipeline does not: formats, --dpi, SOURCE_DATE_EPOCH.
bool complete_options(BuildArgs& args, Diagnostics& diagnostics) {
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
        "lang", po::value<std::string>(&options.language),
        "report language: en, fr or es (default: [report] language of the config); outputs in "
        "another language are named <name>-<lang>.pdf, ...")(
        "page-size", po::value<std::string>(&options.page_size),
        "PDF page size: a4 or letter (default: [report] page_size of the config, else a4)")(
        "xlsx-values-only", po::bool_switch(&args.values_only),
        "workbook without the Data sheet: aggregates as values, not formulas over the inputs")(
        "xlsx-streaming", po::bool_switch(&options.xlsx_streaming),
        "write the workbook in constant-memory mode whatever its size (automatic above 1,000,000 "
        "cells; tables then get an autofilter instead of an Excel table)");
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
    const auto result = build_report(args.options, diagnostics);
    print_diagnostics(diagnostics);
    summarise_issues(result.issues);
    for (const auto& path : result.outputs) {
        say("wrote " + path);
    }
    return code_of(result.code);
}

} // namespace sfp::cli
