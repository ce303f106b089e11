// The sfpgen command: the only place that parses the command line (Boost.Program_options).

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/build.hpp"
#include "sfp/version.hpp"

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <functional>
#include <iostream>
#include <map>

namespace sfp::cli {

std::vector<const CommandText*> command_texts() {
    return {&build_text(),   &validate_text(), &ingest_text(),   &list_text(),
            &gallery_text(), &cgap_text(),     &generate_text(), &portfolio_text()};
}

} // namespace sfp::cli

namespace {

std::string usage_text() {
    std::string text = "usage: sfpgen <command> [options]\n\ncommands:\n";
    for (const auto* command : sfp::cli::command_texts()) {
        text += fmt::format("  {:<9} {}\n", command->name, command->summary);
    }
    return text + "\nrun 'sfpgen <command> --help' for the options of a command; every command "
                  "also takes --quiet and --diagnostics text|json.\nexit codes: 0 ok, 1 internal "
                  "error, 2 usage, 3 configuration, 4 data, 5 output (docs/cli.md)\n";
}

using Runner = std::function<int(const std::vector<std::string>&)>;

const std::map<std::string, Runner>& runners() {
    static const std::map<std::string, Runner> map{
        {"build", sfp::cli::run_build},       {"validate", sfp::cli::run_validate},
        {"ingest", sfp::cli::run_ingest},     {"list", sfp::cli::run_list},
        {"gallery", sfp::cli::run_gallery},   {"cgap", sfp::cli::run_cgap},
        {"generate", sfp::cli::run_generate}, {"portfolio", sfp::cli::run_portfolio}};
    return map;
}

int run(const std::vector<std::string>& args) {
    if (args.empty()) {
        std::cerr << usage_text();
        return static_cast<int>(sfp::ExitCode::usage);
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "help" && !rest.empty() && rest[0] == "--man" && rest.size() <= 2) {
        return sfp::cli::run_man(rest);
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << usage_text();
        return static_cast<int>(sfp::ExitCode::ok);
    }
    if (args[0] == "--version") {
        std::cout << "sfpgen " << sfp::version << '\n';
        return static_cast<int>(sfp::ExitCode::ok);
    }
    const auto found = runners().find(args[0]);
    if (found == runners().end()) {
        std::cerr << fmt::format("sfpgen: error: unknown command '{}'\n", args[0]) << usage_text();
        return static_cast<int>(sfp::ExitCode::usage);
    }
    return found->second(rest);
}

/// Ends the process with `code` without running destructors: the system takes the memory back
/// at once, where the caches' destructors (each thread keeps the Pango layouts of a report's
/// texts, thousands of them) spent 5-15 ms of a report's build freeing it piece by piece.
/// Every output file is written, closed and renamed before a command returns; the streams are
/// flushed here. A build with AddressSanitizer returns normally, so that its leak check sees
/// what the program frees.
int end_process(int code) {
#if defined(__SANITIZE_ADDRESS__)
    return code;
#else
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(code);
#endif
}

} // namespace

int main(int argc, char** argv) {
    // Numbers are formatted by sfpgen itself; the C library must never localise them (a
    // comma-decimal LC_NUMERIC would corrupt libxlsxwriter's XML).
    std::setlocale(LC_ALL, "C");
    try {
        return end_process(run(std::vector<std::string>(argv + 1, argv + argc)));
    } catch (const std::exception& error) {
        std::cerr << "sfpgen: internal error: " << error.what() << '\n';
        return static_cast<int>(sfp::ExitCode::internal);
    }
}
