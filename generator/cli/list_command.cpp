// `sfpgen list templates|indicators|sources`: what there is to build from (docs/cli.md).

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/list.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <iostream>

namespace po = boost::program_options;

namespace sfp::cli {

const CommandText& list_text() {
    static const CommandText text{
        "list", "templates|indicators|sources [CONFIG] [options]",
        "list the report templates, the indicators or the data sources of CONFIG",
        "\nlist templates: every folder of --templates with a document.toml or report.toml, "
        "with its kind, languages (text/<lang>) and title.\nlist indicators: the catalogue of "
        "CONFIG (default: templates/gb-progress/report.toml) with the configuration's own "
        "[[indicator]]s: id, English name, unit, statistics, standard.\nlist sources: the "
        "[[source]] tables of CONFIG: name, format, whether the file exists, its size in bytes, "
        "its path.\nExit codes: 0 ok, 2 usage, 3 configuration.\n"};
    return text;
}

po::options_description list_options(ListArgs& args) {
    po::options_description visible("options of 'sfpgen list templates|indicators|sources "
                                    "[CONFIG]'");
    visible.add_options()("help,h", "show this help")("json", po::bool_switch(&args.json),
                                                      "print one JSON document on stdout")(
        "templates", po::value<std::string>(&args.templates_dir)->default_value("templates"),
        "the folder of templates that 'list templates' reads");
    return visible;
}

int run_list(const std::vector<std::string>& argv) {
    ListArgs args;
    auto visible = list_options(args);
    if (const auto stop =
            parse_command_line(argv, "list", visible, {"what", "config"},
                               {&args.what, &args.config_path}, list_text().details)) {
        return *stop;
    }
    Diagnostics diagnostics;
    ListResult result;
    if (args.what == "templates") {
        result = list_templates(args.templates_dir, args.json, diagnostics);
    } else if (args.what == "indicators") {
        result = list_indicators(args.config_path, args.json, diagnostics);
    } else if (args.what == "sources") {
        result = list_sources(args.config_path, args.json, diagnostics);
    } else {
        print_error("list",
                    fmt::format("expected templates, indicators or sources, found '{}'", args.what),
                    did_you_mean(args.what, {"templates", "indicators", "sources"}));
        return static_cast<int>(ExitCode::usage);
    }
    print_diagnostics(diagnostics);
    std::cout << result.output;
    return static_cast<int>(result.code);
}

} // namespace sfp::cli
