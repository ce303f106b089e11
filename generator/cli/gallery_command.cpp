// `sfpgen gallery`: one PDF page and one PNG per chart kind, from the sample report's results
// (docs/charts.md, "Gallery").

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/build.hpp"
#include "sfp/gallery.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;

int run_gallery(const std::vector<std::string>& args) {
    sfp::GalleryOptions options;
    po::options_description visible("options of 'sfpgen gallery [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&options.output_dir)->default_value("output"),
        "folder to write gallery.pdf and gallery-<kind>.png into (created if missing)")(
        "dpi", po::value<double>(&options.dpi)->default_value(150.0),
        "resolution of the PNG files (dots per inch)");
    if (const auto stop = sfp::cli::parse_command_line(
            args, "gallery", visible, "config", options.config_path,
            "\nBuilds one chart of every kind from the results of CONFIG (default: "
            "templates/gb-progress/report.toml).\nSOURCE_DATE_EPOCH, when set, gives the PDF's "
            "creation date; otherwise [report] date of the config is used.\nExit codes: 0 ok, "
            "2 usage, 3 configuration, 4 data, 5 output.\n")) {
        return *stop;
    }
    sfp::Diagnostics diagnostics;
    if (!(options.dpi >= 10 && options.dpi <= 1200)) {
        diagnostics.error({}, "--dpi: expected a resolution between 10 and 1200");
        sfp::cli::print_diagnostics(diagnostics);
        return static_cast<int>(sfp::ExitCode::usage);
    }
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        const auto value = sfp::parse_epoch(epoch, diagnostics);
        if (!value) {
            sfp::cli::print_diagnostics(diagnostics);
            return static_cast<int>(sfp::ExitCode::usage);
        }
        options.source_date_epoch = value;
    }
    std::vector<std::string> outputs;
    const auto code = sfp::build_gallery(options, diagnostics, outputs);
    sfp::cli::print_diagnostics(diagnostics);
    for (const auto& path : outputs) {
        std::cout << "wrote " << path << '\n';
    }
    return static_cast<int>(code);
}
