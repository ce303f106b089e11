// `sfpgen cgap`: the CGAP submission workbook and its PDF summary (docs/cgap.md).

#include "cli_support.hpp"
#include "commands.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace sfp::cli {

const CommandText& cgap_text() {
    static const CommandText text{
        "cgap", "[CONFIG] [options]", "the CGAP submission workbook and its PDF summary",
        "\nWrites the CGAP submission of CONFIG (default: "
        "templates/cgap-submission/report.toml): the workbook with the fixed layout of its "
        "layout.toml and a PDF summary (docs/cgap.md).\nSOURCE_DATE_EPOCH, when set, gives "
        "the documents' creation date; otherwise [submission] date of the config is used.\n"
        "Exit codes: 0 ok, 2 usage, 3 configuration or layout, 4 data, 5 output.\n"};
    return text;
}

po::options_description cgap_options(CgapOptions& options) {
    po::options_description visible("options of 'sfpgen cgap [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&options.output_dir)->default_value("output"),
        "folder to write cgap-submission-<year>.xlsx and .pdf into (created if missing)");
    return visible;
}

int run_cgap(const std::vector<std::string>& args) {
    CgapOptions options;
    auto visible = cgap_options(options);
    if (const auto stop = parse_command_line(args, "cgap", visible, "config", options.config_path,
                                             cgap_text().details)) {
        return *stop;
    }
    Diagnostics diagnostics;
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        const auto value = parse_epoch(epoch, diagnostics);
        if (!value) {
            print_diagnostics(diagnostics);
            return static_cast<int>(ExitCode::usage);
        }
        options.source_date_epoch = value;
    }
    const auto result = run_cgap_submission(options, diagnostics);
    print_diagnostics(diagnostics);
    if (result.partner_data_problems > 0 && !quiet()) {
        const std::string summary = fmt::format(
            "{} data problems in the partners' data (values set aside are shown as '..'; "
            "'sfpgen validate {}' lists them)",
            result.partner_data_problems, result.partners_config);
        if (common().diagnostics == "json") {
            print_diagnostics([&] {
                Diagnostics one;
                one.warning({result.partners_config, 0, 0}, summary);
                return one;
            }());
        } else {
            std::cerr << "sfpgen: " << summary << '\n';
        }
    }
    for (const auto& path : result.outputs) {
        say("wrote " + path);
    }
    return static_cast<int>(result.code);
}

} // namespace sfp::cli
