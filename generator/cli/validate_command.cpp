// `sfpgen validate`: every data problem of a configuration's sources (docs/data.md).

#include "cli_support.hpp"
#include "commands.hpp"

#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;

namespace sfp::cli {

const CommandText& validate_text() {
    static const CommandText text{
        "validate", "[CONFIG] [options]", "load every source of CONFIG and list every data problem",
        "\nExit codes: 0 no errors (warnings allowed), 3 configuration, 4 data errors "
        "(rejected rows; with --strict any problem).\nWith --quiet the text report is not "
        "printed (the exit code tells); --json prints it in any case.\n"};
    return text;
}

po::options_description validate_options(ValidateOptions& options) {
    po::options_description visible("options of 'sfpgen validate [CONFIG]'");
    visible.add_options()("help,h", "show this help")("json", po::bool_switch(&options.json),
                                                      "write the problems as JSON on stdout")(
        "strict", po::bool_switch(&options.strict),
        "count warnings as errors (exit code 4 on any problem)");
    return visible;
}

int run_validate(const std::vector<std::string>& args) {
    ValidateOptions options;
    auto visible = validate_options(options);
    if (const auto stop = parse_command_line(args, "validate", visible, "config",
                                             options.config_path, validate_text().details)) {
        return *stop;
    }
    Diagnostics diagnostics;
    const auto result = validate_config(options, diagnostics);
    print_diagnostics(diagnostics);
    // The report is the command's answer; --quiet keeps only what was explicitly asked for.
    if (!quiet() || options.json) {
        std::cout << result.report;
    }
    return static_cast<int>(result.code);
}

} // namespace sfp::cli
