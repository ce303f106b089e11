#include "cli_support.hpp"

#include "sfp/build.hpp"
#include "sfp/results_json.hpp"

#include <fmt/format.h>
#include <iostream>

namespace po = boost::program_options;

namespace sfp::cli {

namespace {

/// The process-wide settings: one command runs per process, and every printing helper of
/// every command reads them, so passing them through each call would only add noise.
CommonOptions& settings() {
    static CommonOptions options;
    return options;
}

bool json_output() {
    return settings().diagnostics == "json";
}

/// Whether `args` ask for JSON diagnostics, for errors found before parsing has succeeded.
bool asks_for_json(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--diagnostics=json" ||
            (args[i] == "--diagnostics" && i + 1 < args.size() && args[i + 1] == "json")) {
            return true;
        }
    }
    return false;
}

} // namespace

const CommonOptions& common() {
    return settings();
}

po::options_description common_options(CommonOptions& into) {
    po::options_description options("options of every command");
    options.add_options()("quiet,q", po::bool_switch(&into.quiet),
                          "print errors only: no 'wrote ...' lines, no warnings or data-problem "
                          "summaries")(
        "diagnostics", po::value<std::string>(&into.diagnostics)->default_value("text"),
        "how errors and warnings are printed on stderr: text (file:line:col: error: ...) or "
        "json (one object per line: severity, file, line, column, message, hint)");
    return options;
}

void print_diagnostics(const Diagnostics& diagnostics, std::size_t max_warnings) {
    // A program reading JSON lines wants every warning; a person, the first few.
    const std::size_t shown = quiet()         ? 0
                              : json_output() ? diagnostics.items().size()
                                              : max_warnings;
    std::size_t warnings = 0;
    for (const auto& diagnostic : diagnostics.items()) {
        if (diagnostic.severity == Severity::warning && ++warnings > shown) {
            continue;
        }
        std::cerr << (json_output() ? diagnostic_json(diagnostic) : to_string(diagnostic)) << '\n';
    }
    if (warnings > shown && !quiet() && !json_output()) {
        std::cerr << fmt::format("sfpgen: {} more warnings not shown\n", warnings - shown);
    }
}

void print_issue(const QualityIssue& issue) {
    if (!json_output()) {
        std::cerr << to_string(issue) << '\n';
        return;
    }
    const std::string hint = issue.field.empty()
                                 ? std::string{}
                                 : fmt::format("field {} = '{}'", issue.field, issue.value);
    std::cerr << diagnostic_json({issue.severity, issue.where, issue.problem, hint, issue.code})
              << '\n';
}

void print_error(const std::string& command, const std::string& message, const std::string& hint) {
    if (json_output()) {
        std::cerr << diagnostic_json({Severity::error, {}, message, hint, {}}) << '\n';
        return;
    }
    std::cerr << fmt::format("sfpgen {}: error: {}\n", command, message);
    if (!hint.empty()) {
        std::cerr << "  hint: " << hint << '\n';
    }
}

bool quiet() {
    return settings().quiet;
}

void say(const std::string& line) {
    if (!quiet()) {
        std::cout << line << '\n';
    }
}

std::optional<int> parse_command_line(const std::vector<std::string>& args,
                                      const std::string& command, po::options_description& visible,
                                      const std::vector<const char*>& positional_names,
                                      const std::vector<std::string*>& positional_values,
                                      const std::string& help_tail) {
    CommonOptions parsed;
    po::options_description shown;
    shown.add(visible).add(common_options(parsed));
    po::options_description hidden;
    po::positional_options_description positionals;
    for (std::size_t i = 0; i < positional_names.size(); ++i) {
        hidden.add_options()(positional_names[i], po::value<std::string>(positional_values[i]));
        positionals.add(positional_names[i], 1);
    }
    po::options_description all;
    all.add(shown).add(hidden);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positionals).run(), vm);
        po::notify(vm);
    } catch (const po::error& error) {
        if (asks_for_json(args)) {
            settings().diagnostics = "json";
            print_error(command, error.what(), fmt::format("sfpgen {} --help", command));
        } else {
            std::cerr << fmt::format("sfpgen {}: error: {}\n", command, error.what()) << shown;
        }
        return static_cast<int>(ExitCode::usage);
    }
    if (parsed.diagnostics != "text" && parsed.diagnostics != "json") {
        std::cerr << fmt::format("sfpgen {}: error: --diagnostics: expected 'text' or 'json', "
                                 "found '{}'\n",
                                 command, parsed.diagnostics);
        return static_cast<int>(ExitCode::usage);
    }
    settings() = parsed;
    if (vm.count("help") != 0U) {
        std::cout << shown << help_tail;
        return static_cast<int>(ExitCode::ok);
    }
    return std::nullopt;
}

std::optional<int> parse_command_line(const std::vector<std::string>& args,
                                      const std::string& command, po::options_description& visible,
                                      const char* positional, std::string& positional_value,
                                      const std::string& help_tail) {
    return parse_command_line(args, command, visible, {positional}, {&positional_value}, help_tail);
}

} // namespace sfp::cli
