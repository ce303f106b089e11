// Load benchmark: the CSV sources of a report config loaded into a Dataset (load_source: reading,
// mapping, parsing, the row rules) and the panel validated (validate_panel), as `sfpgen build`
// and `sfpgen validate` do before anything else. Processor time of this process, so that other
// work on the machine counts less than in wall time.
//
//   load_bench [--smoke] [--rounds R] [CONFIG]
//
// Without CONFIG, a generated 2,000 x 15 institution-year panel (--smoke: 50 x 3) read by a copy
// of templates/gb-progress/report.toml (tests/bench/panel.hpp), removed afterwards. Each round
// loads every CSV source; the figures are the medians of R rounds (default 5; --smoke: 1).
// Prints human-readable lines, then "BENCH load <metric> <value> <unit>" lines
// (docs/benchmarks.md).

#include "figures.hpp"
#include "panel.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/sources.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace {

namespace fs = std::filesystem;

/// Processor time of this process (all threads), in seconds.
double cpu_now() {
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

struct Round {
    double load_seconds = 0;     ///< every CSV source, read and mapped, with the row rules
    double validate_seconds = 0; ///< validate_panel
    std::size_t records = 0;
    std::size_t issues = 0;
};

/// Loads every CSV source of `spec` once, then validates the panel. nullopt if a source fails.
std::optional<Round> run_round(const sfp::ReportSpec& spec, const sfp::CountryResolver* countries) {
    sfp::Diagnostics diagnostics;
    Round round;
    const double start = cpu_now();
    std::optional<sfp::Dataset> data;
    for (const auto& source : spec.sources) {
        if (source.format != "csv") {
            continue;
        }
        auto loaded = sfp::load_source(source, diagnostics, countries);
        if (!loaded) {
            for (const auto& problem : diagnostics.items()) {
                std::cerr << to_string(problem) << '\n';
            }
            return std::nullopt;
        }
        if (!data) {
            data = std::move(loaded);
        } else {
            sfp::append(*data, std::move(*loaded));
        }
    }
    if (!data) {
        std::cerr << "load_bench: the config has no CSV source\n";
        return std::nullopt;
    }
    const double loaded = cpu_now();
    sfp::validate_panel(*data);
    round.load_seconds = loaded - start;
    round.validate_seconds = cpu_now() - loaded;
    round.records = data->size();
    round.issues = data->issues.size();
    return round;
}

std::uintmax_t csv_bytes(const sfp::ReportSpec& spec) {
    std::uintmax_t bytes = 0;
    for (const auto& source : spec.sources) {
        std::error_code error;
        const auto size = fs::file_size(source.path, error);
        bytes += source.format == "csv" && !error ? size : 0;
    }
    return bytes;
}

int run(const fs::path& config, int rounds) {
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config.string(), diagnostics);
    const auto resolver = spec ? sfp::country_resolver(spec->countries_path, diagnostics)
                               : std::optional<sfp::CountryResolver>{};
    if (!spec || !resolver) {
        for (const auto& problem : diagnostics.items()) {
            std::cerr << to_string(problem) << '\n';
        }
        return 1;
    }
    const sfp::CountryResolver* countries = *resolver ? &*resolver : nullptr;
    std::vector<double> load;
    std::vector<double> validate;
    std::vector<double> total;
    Round last;
    for (int r = 0; r < rounds; ++r) {
        const auto round = run_round(*spec, countries);
        if (!round) {
            return 1;
        }
        load.push_back(round->load_seconds);
        validate.push_back(round->validate_seconds);
        total.push_back(round->load_seconds + round->validate_seconds);
        last = *round;
    }
    const double bytes = static_cast<double>(csv_bytes(*spec));
    const double seconds = median(total);
    fmt::print("load_bench: {} records, {} issues, {:.1f} MiB of CSV; median of {} rounds (CPU):\n",
               last.records, last.issues, bytes / 1048576.0, rounds);
    fmt::print("  load {:.4f} s, validate_panel {:.4f} s, total {:.4f} s: {:.0f} rows/s, "
               "{:.1f} MB/s\n",
               median(load), median(validate), seconds, static_cast<double>(last.records) / seconds,
               bytes / 1e6 / seconds);
    using sfp::bench::print_figure;
    print_figure("load", "load_cpu", median(load), "s");
    print_figure("load", "validate_panel_cpu", median(validate), "s");
    print_figure("load", "total_cpu", seconds, "s");
    print_figure("load", "rows_per_s", static_cast<double>(last.records) / seconds, "rows/s");
    print_figure("load", "throughput", bytes / 1e6 / seconds, "MB/s");
    return 0;
}

std::optional<int> parse_rounds(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < 1 || value > 999) {
        return std::nullopt;
    }
    return value;
}

} // namespace

int main(int argc, char** argv) {
    constexpr const char* usage = "usage: load_bench [--smoke] [--rounds R (1-999)] [CONFIG]\n";
    bool smoke = false;
    std::optional<int> rounds;
    std::string config;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--smoke") {
            smoke = true;
        } else if (arg == "--rounds" && i + 1 < argc) {
            rounds = parse_rounds(argv[++i]);
            if (!rounds) {
                std::cerr << "load_bench: --rounds expects a whole number from 1 to 999, found '"
                          << argv[i] << "'\n"
                          << usage;
                return 2;
            }
        } else if (!arg.empty() && arg.front() != '-' && config.empty()) {
            config = std::string(arg);
        } else {
            std::cerr << "load_bench: unexpected argument '" << arg << "'\n" << usage;
            return 2;
        }
    }
    const int round_count = rounds.value_or(smoke ? 1 : 5);
    if (!config.empty()) {
        return run(config, round_count);
    }
    const auto work = sfp::bench::prepare_panel(
        {SFPGEN_SOURCE_DIR, "gb-progress", "sfpgen-load-bench", smoke ? 50 : 2000, smoke ? 3 : 15});
    if (work.config.empty()) {
        std::cerr << "load_bench: cannot write the generated panel\n";
        return 1;
    }
    const int code = run(work.config, round_count);
    std::error_code ignored;
    fs::remove_all(work.dir, ignored);
    return code;
}
