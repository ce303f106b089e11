#pragma once
// What every sfpgen subcommand shares: command-line parsing, the options every command takes
// (--quiet, --diagnostics), and printing diagnostics and progress lines accordingly.

#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sfp::cli {

/// The options of every command, set by parse_command_line for the whole process.
struct CommonOptions {
    bool quiet = false;               ///< only errors: no "wrote ..." lines, no warnings
    std::string diagnostics = "text"; ///< "text" or "json" (one JSON object per line)
};

/// The settings of this run (defaults until parse_command_line has run).
[[nodiscard]] const CommonOptions& common();

/// --quiet and --diagnostics, bound to `into`: added to every command's options and --help.
[[nodiscard]] boost::program_options::options_description common_options(CommonOptions& into);

/// Prints diagnostics on stderr in the run's format: every error, at most `max_warnings`
/// warnings (none with --quiet).
void print_diagnostics(const Diagnostics& diagnostics, std::size_t max_warnings = 20);

/// Prints one data problem on stderr in the run's format (callers skip warnings when quiet()).
void print_issue(const QualityIssue& issue);

/// Prints a one-off error of `command` (not tied to a file) on stderr in the run's format.
void print_error(const std::string& command, const std::string& message,
                 const std::string& hint = {});

/// Whether --quiet was given.
[[nodiscard]] bool quiet();

/// Prints `line` on stdout unless --quiet ("wrote ...", counts).
void say(const std::string& line);

/// Parses `args` of `sfpgen <command>` against `visible` options plus the common options and
/// positional arguments stored in order in `positional_values` (string options named
/// `positional_names`, hidden from the help). Returns the exit code when the command must stop
/// (2 after a usage error, 0 after printing --help with `help_tail`), nullopt to go on.
[[nodiscard]] std::optional<int>
parse_command_line(const std::vector<std::string>& args, const std::string& command,
                   boost::program_options::options_description& visible,
                   const std::vector<const char*>& positional_names,
                   const std::vector<std::string*>& positional_values,
                   const std::string& help_tail);

/// The same with one positional argument.
[[nodiscard]] std::optional<int>
parse_command_line(const std::vector<std::string>& args, const std::string& command,
                   boost::program_options::options_description& visible, const char* positional,
                   std::string& positional_value, const std::string& help_tail);

} // namespace sfp::cli
