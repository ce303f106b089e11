// `sfpgen portfolio`: loan-level portfolio at risk and outreach per institution, streamed from
// one loan file (docs/loans.md).

#include "cli_support.hpp"
#include "commands.hpp"
#include "sfp/config.hpp"
#include "sfp/loans.hpp"
#include "sfp/output.hpp"
#include "sfp/sources.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

namespace po = boost::program_options;

namespace sfp::cli {

const CommandText& portfolio_text() {
    static const CommandText text{
        "portfolio", "[CONFIG] [options]",
        "portfolio at risk and outreach per institution from a loan file, streamed",
        "\nCONFIG (default data/sources/generated-loans.toml) declares one loan source (record = "
        "\"loan\"). One pass over the file in bounded memory, on --jobs threads; one CSV row per "
        "institution with institution-year field names (docs/loans.md). Missing values are "
        "empty cells.\nExit codes: 0 ok, 2 usage, 3 configuration, 4 data (no usable loan), 5 "
        "output.\n"};
    return text;
}

po::options_description portfolio_options(PortfolioArgs& args) {
    po::options_description visible("options of 'sfpgen portfolio [CONFIG]'");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(&args.output),
        "CSV file to write (default output/<source>-portfolio.csv)")(
        "year", po::value<int>(&args.year),
        "fiscal year of the rows and of the disbursement counts (default: the year of the "
        "latest disbursed_date)")("jobs,j", po::value<int>(&args.jobs)->default_value(2),
                                  "threads: 1 or 2");
    return visible;
}

namespace {

int code_of(ExitCode code) {
    return static_cast<int>(code);
}

/// The config's only loan source, or a diagnostic at the config.
const SourceSpec* loan_source(const ReportSpec& spec, Diagnostics& diagnostics) {
    const SourceSpec* found = nullptr;
    for (const auto& source : spec.sources) {
        if (source.record != RecordKind::loan) {
            continue;
        }
        if (found != nullptr) {
            diagnostics.error(source.where,
                              fmt::format("a second loan source '{}': the portfolio reads one "
                                          "loan file (the first is '{}')",
                                          source.name, found->name));
            return nullptr;
        }
        found = &source;
    }
    if (found == nullptr) {
        diagnostics.error({spec.config_path, 1, 1},
                          "expected a [[source]] with record = \"loan\"; found none",
                          "see data/sources/generated-loans.toml");
    }
    return found;
}

void print_problems(const LoanPortfolio& portfolio) {
    if (quiet() || portfolio.issues_total == 0) {
        return;
    }
    constexpr std::size_t shown = 10;
    for (std::size_t i = 0; i < std::min(shown, portfolio.issues.size()); ++i) {
        print_issue(portfolio.issues[i]);
    }
    std::string counts;
    for (const auto& [code, count] : portfolio.issues_by_code) {
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, code);
    }
    std::cerr << fmt::format("sfpgen: {} data problems ({}); 'sfpgen validate' lists them\n",
                             portfolio.issues_total, counts);
}

bool valid_args(const PortfolioArgs& args) {
    if (args.jobs < 1 || args.jobs > 2) {
        print_error("portfolio", fmt::format("--jobs: expected 1 or 2; found {}", args.jobs));
        return false;
    }
    if (args.year != 0 && (args.year < 1900 || args.year > 2200)) {
        print_error("portfolio", fmt::format("--year: expected 1900 to 2200; found {}", args.year));
        return false;
    }
    return true;
}

} // namespace

int run_portfolio(const std::vector<std::string>& args) {
    PortfolioArgs parsed;
    auto visible = portfolio_options(parsed);
    if (const auto stop = parse_command_line(args, "portfolio", visible, "config",
                                             parsed.config_path, portfolio_text().details)) {
        return *stop;
    }
    if (!valid_args(parsed)) {
        return code_of(ExitCode::usage);
    }
    const auto start = std::chrono::steady_clock::now();
    Diagnostics diagnostics;
    const auto spec = parse_config(parsed.config_path, diagnostics);
    const SourceSpec* source = spec ? loan_source(*spec, diagnostics) : nullptr;
    const auto countries = source ? country_resolver(spec->countries_path, diagnostics)
                                  : std::optional<CountryResolver>{};
    if (!countries) {
        print_diagnostics(diagnostics);
        return code_of(ExitCode::config);
    }
    LoanOptions options;
    options.jobs = parsed.jobs;
    options.countries = &*countries;
    const auto portfolio = aggregate_loans(*source, options, diagnostics);
    print_diagnostics(diagnostics);
    if (!portfolio) {
        return code_of(load_failure_code(*spec, diagnostics));
    }
    print_problems(*portfolio);
    if (portfolio->stats.rows_used == 0) {
        print_error("portfolio", fmt::format("no usable loan in {}", portfolio->path));
        return code_of(ExitCode::data);
    }
    const std::optional<int> year =
        parsed.year != 0 ? std::optional<int>{parsed.year} : std::nullopt;
    const std::string output = parsed.output.empty()
                                   ? fmt::format("output/{}-portfolio.csv", source->name)
                                   : parsed.output;
    Diagnostics written;
    const std::string folder = std::filesystem::path(output).parent_path().string();
    if ((!folder.empty() && !prepare_output_dir(folder, written)) ||
        !write_file_atomically(output, portfolio_to_csv(*portfolio, year), written)) {
        print_diagnostics(written);
        return code_of(ExitCode::output);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    say(fmt::format("wrote {} ({} institutions; {} loans read, {} used, {} rejected; {:.2f} s, "
                    "{:.0f} MB/s, {} thread{}{})",
                    output, portfolio->institutions.size(), portfolio->stats.rows_read,
                    portfolio->stats.rows_used, portfolio->stats.rows_rejected, seconds,
                    static_cast<double>(portfolio->bytes) / 1e6 / std::max(seconds, 1e-9),
                    portfolio->threads_used, portfolio->threads_used == 1 ? "" : "s",
                    portfolio->csv_reader_path ? "; decoded through CsvReader" : ""));
    return code_of(ExitCode::ok);
}

} // namespace sfp::cli
