#include "cli_support.hpp"

#include "sfp/build.hpp"

#include <fmt/format.h>
#include <iostream>

namespace po = boost::program_options;

namespace sfp::cli {

void print_diagnostics(const Diagnostics& diagnostics, std::size_t max_warnings) {
    std::size_t warnings = 0;
    for (const auto& diagnostic : diagnostics.items()) {
        if (diagnostic.severity == Severity::warning && ++warnings > max_warnings) {
            continue;
        }
        std::cerr << to_string(diagnostic) << '\n';
    }
    if (warnings > max_warnings) {
        std::cerr << fmt::format("sfpgen: {} more warnings not shown\n", warnings - max_warnings);
    }
}

std::optional<int> parse_command_line(const std::vector<std::string>& args,
                                      const std::string& command, po::options_description& visible,
                                      const char* positional, std::string& positional_value,
                                      const std::string& help_tail) {
    po::options_description hidden;
    hidden.add_options()(positional, po::value<std::string>(&positional_value));
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positionals;
    positionals.add(positional, 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positionals).run(), vm);
        po::notify(vm);
    } catch (const po::error& error) {
        std::cerr << fmt::format("sfpgen {}: error: {}\n", command, error.what()) << visible;
        return static_cast<int>(ExitCode::usage);
    }
    if (vm.count("help") != 0U) {
        std::cout << visible << help_tail;
        return static_cast<int>(ExitCode::ok);
    }
    return std::nullopt;
}

} // namespace sfp::cli
