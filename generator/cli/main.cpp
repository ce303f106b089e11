// The sfpgen command: the only place that parses the command line (Boost.Program_options).

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/build.hpp"
#include "sfp/validate.hpp"
#include "sfp/version.hpp"

#include <algorithm>
#include <boost/program_options.hpp>
#include <clocale>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <iostream>

namespace po = boost::program_options;

namespace {

constexpr const char* usage_text = R"(usage: sfpgen <command> [options]

commands:
  build [CONFIG]              build a report (default CONFIG: templates/gb-progress/report.toml)
  validate [CONFIG]           load every source of CONFIG and list every data problem
  ingest FILE --source NAME   validate a submission and store it in the SFP database
  gallery [CONFIG]            one chart of every kind: output/gallery.pdf and a PNG each
  cgap [CONFIG]               the CGAP submission workbook and its PDF summary

run 'sfpgen <command> --help' for the options of a command.
exit codes: 0 ok, 1 internal error, 2 usage, 3 configuration, 4 data, 5 output
)";

using sfp::cli::print_diagnostics;

int run_build(const std::vector<std::string>& args) {
    sfp::BuildOptions options;
    std::string formats = "pdf,xlsx";
    bool values_only = false;
    po::options_description visible("options of 'sfpgen build [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&options.output_dir)->default_value("output"),
        "folder to write outputs into (created if missing)")(
        "format,f", po::value<std::string>(&formats)->default_value("pdf,xlsx"),
        "comma-separated outputs: pdf, xlsx, json, csv (<name>.results.json / .results.csv), png, "
        "svg (<name>-figure-<n>.png / .svg)")("dpi",
                                              po::value<double>(&options.dpi)->default_value(150.0),
                                              "resolution of PNG figures (dots per inch)")(
        "lang", po::value<std::string>(&options.language),
        "report language: en, fr or es (default: [report] language of the config); outputs in "
        "another language are named <name>-<lang>.pdf, ...")(
        "page-size", po::value<std::string>(&options.page_size),
        "PDF page size: a4 or letter (default: [report] page_size of the config, else a4)")(
        "xlsx-values-only", po::bool_switch(&values_only),
        "workbook without the Data sheet: aggregates as values, not formulas over the inputs")(
        "xlsx-streaming", po::bool_switch(&options.xlsx_streaming),
        "write the workbook in constant-memory mode whatever its size (automatic above 1,000,000 "
        "cells; tables then get an autofilter instead of an Excel table)");
    if (const auto stop = sfp::cli::parse_command_line(
            args, "build", visible, "config", options.config_path,
            "\nSOURCE_DATE_EPOCH, when set, gives the documents' creation date (seconds since "
            "1970); otherwise [report] date of the config is used.\n")) {
        return *stop;
    }
    options.xlsx_formulas = !values_only;
    sfp::Diagnostics diagnostics;
    const auto parsed_formats = sfp::parse_formats(formats, diagnostics);
    if (!parsed_formats) {
        print_diagnostics(diagnostics);
        return static_cast<int>(sfp::ExitCode::usage);
    }
    options.formats = *parsed_formats;
    if (!(options.dpi >= 10 && options.dpi <= 1200)) {
        diagnostics.error({}, "--dpi: expected a resolution between 10 and 1200");
        print_diagnostics(diagnostics);
        return static_cast<int>(sfp::ExitCode::usage);
    }
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        const auto value = sfp::parse_epoch(epoch, diagnostics);
        if (!value) {
            print_diagnostics(diagnostics);
            return static_cast<int>(sfp::ExitCode::usage);
        }
        options.source_date_epoch = value;
    }
    const auto result = sfp::build_report(options, diagnostics);
    print_diagnostics(diagnostics);
    if (!result.issues.empty()) {
        constexpr std::size_t shown = 10;
        for (std::size_t i = 0; i < std::min(shown, result.issues.size()); ++i) {
            std::cerr << sfp::to_string(result.issues[i]) << '\n';
        }
        std::cerr << fmt::format("sfpgen: {} data problems{} (all are in the report's "
                                 "data-quality annex; 'sfpgen validate' lists them)\n",
                                 result.issues.size(),
                                 result.issues.size() > shown ? ", the first 10 shown above" : "");
    }
    for (const auto& path : result.outputs) {
        std::cout << "wrote " << path << '\n';
    }
    return static_cast<int>(result.code);
}

int run_validate(const std::vector<std::string>& args) {
    sfp::ValidateOptions options;
    po::options_description visible("options of 'sfpgen validate [CONFIG]'");
    visible.add_options()("help,h", "show this help")("json", po::bool_switch(&options.json),
                                                      "write the problems as JSON on stdout")(
        "strict", po::bool_switch(&options.strict),
        "count warnings as errors (exit code 4 on any problem)");
    if (const auto stop = sfp::cli::parse_command_line(
            args, "validate", visible, "config", options.config_path,
            "\nExit codes: 0 no errors (warnings allowed), 3 configuration, 4 data errors "
            "(rejected rows; with --strict any problem).\n")) {
        return *stop;
    }
    sfp::Diagnostics diagnostics;
    const auto result = sfp::validate_config(options, diagnostics);
    print_diagnostics(diagnostics);
    std::cout << result.report;
    return static_cast<int>(result.code);
}

} // namespace

int main(int argc, char** argv) {
    // Numbers are formatted by sfpgen itself; the C library must never localise them (a
    // comma-decimal LC_NUMERIC would corrupt libxlsxwriter's XML).
    std::setlocale(LC_ALL, "C");
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << usage_text;
            return args.empty() ? static_cast<int>(sfp::ExitCode::usage) : 0;
        }
        if (args[0] == "--version") {
            std::cout << "sfpgen " << sfp::version << '\n';
            return 0;
        }
        if (args[0] == "build") {
            return run_build({args.begin() + 1, args.end()});
        }
        if (args[0] == "validate") {
            return run_validate({args.begin() + 1, args.end()});
        }
        if (args[0] == "ingest") {
            return run_ingest({args.begin() + 1, args.end()});
        }
        if (args[0] == "gallery") {
            return run_gallery({args.begin() + 1, args.end()});
        }
        if (args[0] == "cgap") {
            return run_cgap({args.begin() + 1, args.end()});
        }
        std::cerr << fmt::format("sfpgen: error: unknown command '{}'\n", args[0]) << usage_text;
        return static_cast<int>(sfp::ExitCode::usage);
    } catch (const std::exception& error) {
        std::cerr << "sfpgen: internal error: " << error.what() << '\n';
        return static_cast<int>(sfp::ExitCode::internal);
    }
}
