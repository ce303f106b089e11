// `sfpgen generate`: deterministic synthetic data (docs/performance.md, "Generated data").

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/generate.hpp"

#include <boost/program_options.hpp>
#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace sfp::cli {

const CommandText& generate_text() {
    static const CommandText text{
        "generate", "panel|loans|targets [options]",
        "write synthetic data: an institution-year panel, a loan file or targets",
        "\nThe same options give the same bytes. panel: the columns of "
        "data/sample/institution_years.csv, with a documented share of gaps, missing and "
        "impossible values (templates/gb-progress/report.toml's mapping reads it). loans: one "
        "row per loan, read by data/sources/generated-loans.toml. targets: a targets file for the "
        "panel of the same options.\nDefault output: output/generated-panel.csv, "
        "output/generated-loans.csv, output/generated-targets.toml.\nExit codes: 0 ok, 2 usage, "
        "5 output.\n"};
    return text;
}

po::options_description generate_options(GenerateArgs& args) {
    po::options_description visible("options of 'sfpgen generate panel|loans|targets'");
    visible.add_options()("help,h",
                          "show this help")("output,o", po::value<std::string>(&args.output),
                                            "file to write (its folder is created if missing)")(
        "institutions", po::value<std::string>(&args.institutions)->default_value("2000"),
        "number of institutions (1 to 1000000)")(
        "years", po::value<std::string>(&args.years)->default_value("15"),
        "fiscal years per institution (1 to 100), ending in --last-year")(
        "last-year", po::value<std::string>(&args.last_year)->default_value("2024"),
        "the panel's last fiscal year")(
        "loans", po::value<std::string>(&args.loans)->default_value("1000000"),
        "number of loans (loans only)")(
        "seed", po::value<std::string>(&args.seed)->default_value("20261128"),
        "random seed (0 to 18446744073709551615)");
    return visible;
}

namespace {

/// The whole of `text` as an unsigned number, or nullopt.
std::optional<std::uint64_t> whole_number(const std::string& text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

/// Reads one numeric option; a diagnostic naming it when it is not a whole number in range.
template <typename T>
bool read_number(const std::string& text, const char* option, std::uint64_t low, std::uint64_t high,
                 T& into, Diagnostics& diagnostics) {
    const auto value = whole_number(text);
    if (!value || *value < low || *value > high) {
        diagnostics.error({}, fmt::format("--{}: expected a whole number from {} to {}; found '{}'",
                                          option, low, high, text));
        return false;
    }
    into = static_cast<T>(*value);
    return true;
}

std::optional<GenerateOptions> to_options(const GenerateArgs& args, Diagnostics& diagnostics) {
    GenerateOptions options;
    const auto kind = parse_generate_kind(args.kind);
    if (!kind) {
        diagnostics.error({},
                          fmt::format("expected what to generate: panel, loans or targets; "
                                      "found '{}'",
                                      args.kind),
                          "sfpgen generate --help");
    }
    options.kind = kind.value_or(GenerateKind::panel);
    options.output = args.output;
    bool ok = kind.has_value();
    ok = read_number(args.institutions, "institutions", 1, 1'000'000, options.institutions,
                     diagnostics) &&
         ok;
    ok = read_number(args.years, "years", 1, 100, options.years, diagnostics) && ok;
    ok = read_number(args.last_year, "last-year", 1901, 2200, options.last_year, diagnostics) && ok;
    ok = read_number(args.loans, "loans", 1, 10'000'000'000, options.loans, diagnostics) && ok;
    ok = read_number(args.seed, "seed", 0, UINT64_MAX, options.seed, diagnostics) && ok;
    if (!ok || !check_generate_options(options, diagnostics)) {
        return std::nullopt;
    }
    return options;
}

} // namespace

int run_generate(const std::vector<std::string>& args) {
    GenerateArgs parsed;
    auto visible = generate_options(parsed);
    if (const auto stop = parse_command_line(args, "generate", visible, "kind", parsed.kind,
                                             generate_text().details)) {
        return *stop;
    }
    Diagnostics diagnostics;
    const auto options = to_options(parsed, diagnostics);
    if (!options) {
        print_diagnostics(diagnostics);
        return static_cast<int>(ExitCode::usage);
    }
    GenerateSummary summary;
    const auto code = generate_data(*options, diagnostics, summary);
    print_diagnostics(diagnostics);
    if (code == ExitCode::ok) {
        say(fmt::format("wrote {} ({} {}, {} bytes)", summary.path, summary.rows,
                        options->kind == GenerateKind::targets ? "targets" : "rows",
                        summary.bytes));
    }
    return static_cast<int>(code);
}

} // namespace sfp::cli
