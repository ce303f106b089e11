// `sfpgen gallery`: one PDF page and one PNG per chart kind, from the sample report's results
// (docs/charts.md, "Gallery").

#include "cli_support.hpp"
#include "commands.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace sfp::cli {

const CommandText& gallery_text() {
    static const CommandText text{
        "gallery", "[CONFIG] [options]",
        "one chart of every kind: output/gallery.pdf and a PNG each",
        "\nBuilds one chart of every kind from the results of CONFIG (default: "
        "templates/gb-progress/report.toml).\nSOURCE_DATE_EPOCH, when set, gives the PDF's "
        "creation date; otherwise [report] date of the config is used.\nExit codes: 0 ok, "
        "2 usage, 3 configuration, 4 data, 5 output.\n"};
    return text;
}

po::options_description gallery_options(GalleryOptions& options) {
    po::options_description visible("options of 'sfpgen gallery [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&options.output_dir)->default_value("output"),
        "folder to write gallery.pdf and gallery-<kind>.png into (created if missing)")(
        "dpi", po::value<double>(&options.dpi)->default_value(150.0),
        "resolution of the PNG files (dots per inch)");
    return visible;
}

int run_gallery(const std::vector<std::string>& args) {
    GalleryOptions options;
    auto visible = gallery_options(options);
    if (const auto stop = parse_command_line(args, "gallery", visible, "config",
                                             options.config_path, gallery_text().details)) {
        return *stop;
    }
    Diagnostics diagnostics;
    if (!(options.dpi >= 10 && options.dpi <= 1200)) {
        diagnostics.error({}, "--dpi: expected a resolution between 10 and 1200");
        print_diagnostics(diagnostics);
        return static_cast<int>(ExitCode::usage);
    }
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
        const auto value = parse_epoch(epoch, diagnostics);
        if (!value) {
            print_diagnostics(diagnostics);
            return static_cast<int>(ExitCode::usage);
        }
        options.source_date_epoch = value;
    }
    std::vector<std::string> outputs;
    const auto code = build_gallery(options, diagnostics, outputs);
    print_diagnostics(diagnostics);
    for (const auto& path : outputs) {
        say("wrote " + path);
    }
    return static_cast<int>(code);
}

} // namespace sfp::cli
