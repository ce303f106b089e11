// loan_bench: sfp::aggregate_loans (loan-level PAR and outreach per institution, streamed) on a
// generated loan file, with 1 and 2 threads.
//
// Usage: loan_bench [--smoke] [--loans N] [FILE]
//   Generates N loans (default 2,000,000; --smoke: 20,000 and one run) with sfp::generate_data
//   into FILE, or a temporary file removed afterwards (FILE is reused when it exists), then
//   times aggregate_loans with jobs 1 and 2 (best and median of 5), and prints loans/s, MB/s and
//   the peak resident memory, then "BENCH loan <metric> <value> <unit>" lines. The two modes
//   must write the same CSV bytes. Measure an optimised build (the `bench` preset).

#include "figures.hpp"
#include "sfp/config.hpp"
#include "sfp/generate.hpp"
#include "sfp/loans.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Args {
    bool smoke = false;
    std::int64_t loans = 2'000'000;
    std::string file;
};

Args parse_args(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke") {
            args.smoke = true;
            args.loans = 20'000;
        } else if (arg == "--loans" && i + 1 < argc) {
            args.loans = std::stoll(argv[++i]);
        } else if (!arg.empty() && arg[0] != '-') {
            args.file = arg;
        } else {
            fmt::print(stderr, "usage: loan_bench [--smoke] [--loans N] [FILE]\n");
            std::exit(2);
        }
    }
    return args;
}

/// The mapping of data/sources/generated-loans.toml, built in code so the bench needs no file.
sfp::SourceSpec loan_source(const std::string& path) {
    sfp::SourceSpec source;
    source.name = "generated-loans";
    source.path = path;
    source.record = sfp::RecordKind::loan;
    source.missing_tokens = {"NA"};
    for (const char* field :
         {"loan_id", "institution_id", "country_iso3", "currency", "disbursed_date", "loan_amount",
          "outstanding_balance", "days_overdue", "borrower_gender", "rural", "sector"}) {
        sfp::ColumnMapping mapping;
        mapping.field = field;
        mapping.column = field;
        source.columns.push_back(mapping);
    }
    return source;
}

struct Timing {
    double best = 0;
    double median = 0;
    std::string csv;
    long loans = 0;
};

Timing time_runs(const sfp::SourceSpec& source, int jobs, int runs) {
    sfp::LoanOptions options;
    options.jobs = jobs;
    std::vector<double> seconds;
    Timing timing;
    for (int run = 0; run < runs; ++run) {
        sfp::Diagnostics diagnostics;
        const auto start = std::chrono::steady_clock::now();
        const auto portfolio = sfp::aggregate_loans(source, options, diagnostics);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (!portfolio) {
            for (const auto& d : diagnostics.items()) {
                fmt::print(stderr, "{}\n", sfp::to_string(d));
            }
            std::exit(1);
        }
        timing.csv = sfp::portfolio_to_csv(*portfolio, std::nullopt);
        timing.loans = portfolio->stats.rows_read;
    }
    std::sort(seconds.begin(), seconds.end());
    timing.best = seconds.front();
    timing.median = seconds[seconds.size() / 2];
    return timing;
}

} // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv);
    const bool temporary = args.file.empty();
    const std::string path =
        temporary
            ? (fs::temp_directory_path() / fmt::format("loan-bench-{}.csv", ::getpid())).string()
            : args.file;
    if (!fs::exists(path)) {
        sfp::GenerateOptions generate;
        generate.kind = sfp::GenerateKind::loans;
        generate.loans = args.loans;
        generate.output = path;
        sfp::Diagnostics diagnostics;
        sfp::GenerateSummary summary;
        if (sfp::generate_data(generate, diagnostics, summary) != sfp::ExitCode::ok) {
            fmt::print(stderr, "loan_bench: cannot generate {}\n", path);
            return 1;
        }
    }
    const double megabytes = static_cast<double>(fs::file_size(path)) / 1e6;
    const sfp::SourceSpec source = loan_source(path);
    const int runs = args.smoke ? 1 : 5;
    const Timing one = time_runs(source, 1, runs);
    const Timing two = time_runs(source, 2, runs);
    if (temporary) {
        fs::remove(path);
    }
    const double peak = sfp::bench::own_peak_rss_mib();
    for (const auto& [jobs, timing] : {std::pair{1, &one}, std::pair{2, &two}}) {
        fmt::print("jobs {}: {} loans, {:.1f} MB: best {:.3f} s, median {:.3f} s, {:.2f} M "
                   "loans/s, {:.0f} MB/s\n",
                   jobs, timing->loans, megabytes, timing->best, timing->median,
                   static_cast<double>(timing->loans) / timing->best / 1e6,
                   megabytes / timing->best);
    }
    fmt::print("peak RSS {:.1f} MiB\n", peak);
    if (one.csv != two.csv) {
        fmt::print(stderr, "loan_bench: jobs 1 and jobs 2 wrote different CSVs\n");
        return 1;
    }
    for (const auto& [name, timing] : {std::pair{"jobs1", &one}, std::pair{"jobs2", &two}}) {
        sfp::bench::print_figure("loan", fmt::format("{}_best", name), timing->best, "s");
        sfp::bench::print_figure("loan", fmt::format("{}_median", name), timing->median, "s");
        sfp::bench::print_figure("loan", fmt::format("{}_throughput", name),
                                 megabytes / timing->best, "MB/s");
    }
    sfp::bench::print_figure("loan", "peak_rss", peak, "MiB");
    return 0;
}
