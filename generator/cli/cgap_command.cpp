// `sfpgen cgap`: the CGAP submission workbook and its PDF summary (docs/cgap.md).

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/build.hpp"
#include "sfp/cgap_run.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;

int run_cgap(const std::vector<std::string>& args) {
    sfp::CgapOptions options;
    po::options_description visible("options of 'sfpgen cgap [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&options.output_dir)->default_value("output"),
        "folder to write cgap-submission-<year>.xlsx and .pdf into (created if missing)");
    if (const auto stop = sfp::cli::parse_command_line(
            args, "cgap", visible, "config", options.config_path,
            "\nWrites the CGAP submission of CONFIG (default: "
            "templates/cgap-submission/report.toml): the workbook with the fixed layout of its "
            "layout.toml and a PDF summary (docs/cgap.md).\nSOURCE_DATE_EPOCH, when set, gives "
            "the documents' creation date; otherwise [submission] date of the config is used.\n"
            "Exit codes: 0 ok, 2 usage, 3 configuration or layout, 4 data, 5 output.\n")) {
        return *stop;
    }
    sfp::Diagnostics diagnostics;
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        const auto value = sfp::parse_epoch(epoch, diagnostics);
        if (!value) {
            sfp::cli::print_diagnostics(diagnostics);
            return static_cast<int>(sfp::ExitCode::usage);
        }
        options.source_date_epoch = value;
    }
    const auto result = sfp::run_cgap_submission(options, diagnostics);
    sfp::cli::print_diagnostics(diagnostics);
    if (result.partner_data_problems > 0) {
        std::cerr << fmt::format("sfpgen: {} data problems in the partners' data (values set "
                                 "aside are shown as '..'; 'sfpgen validate {}' lists them)\n",
                                 result.partner_data_problems, result.partners_config);
    }
    for (const auto& path : result.outputs) {
        std::cout << "wrote " << path << '\n';
    }
    return static_cast<int>(result.code);
}
