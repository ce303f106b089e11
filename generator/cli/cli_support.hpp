#pragma once
// What every sfpgen subcommand shares: command-line parsing and printing diagnostics.

#include "sfp/diagnostics.hpp"

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sfp::cli {

/// Prints diagnostics on stderr, at most `max_warnings` warnings (errors always).
void print_diagnostics(const Diagnostics& diagnostics, std::size_t max_warnings = 20);

/// Parses `args` of `sfpgen <command>` against `visible` options plus one positional argument
/// stored in `positional` (a string option of that name is added, hidden from the help).
/// Returns the exit code when the command must stop (2 after a usage error, 0 after printing
/// --help with `help_tail`), nullopt to go on.
[[nodiscard]] std::optional<int>
parse_command_line(const std::vector<std::string>& args, const std::string& command,
                   boost::program_options::options_description& visible, const char* positional,
                   std::string& positional_value, const std::string& help_tail);

} // namespace sfp::cli
