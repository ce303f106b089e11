// Ingest benchmark: times Store::ingest of a generated institution-year panel into a fresh
// database, then a resubmission with revisions, the same file again, and load_current.
//
//   ingest_bench [--smoke] [--institutions N] [--years N] [--fields N] [--database PATH]
//
// Defaults: 2,000 institutions x 15 years x 20 numeric fields (--smoke: 50 x 3), a database in
// the system temporary folder (removed afterwards). The data is generated deterministically.
// Prints human-readable lines, then one "BENCH ingest <metric> <value> <unit>" line per figure
// (docs/benchmarks.md).

#include "figures.hpp"
#include "sfp/sha256.hpp"
#include "sfp/store.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// The numeric fields filled, in order (the first `--fields` of them are used).
constexpr std::array<std::string_view, 20> bench_fields{
    "gross_loan_portfolio", "par30_balance",
    "par90_balance",        "write_offs",
    "active_borrowers",     "active_borrowers_women",
    "fin_revenue",          "fin_expense",
    "impairment_expense",   "opex",
    "total_assets",         "total_liabilities",
    "total_equity",         "deposits",
    "borrowings",           "personnel",
    "loan_officers",        "loans_outstanding_n",
    "loans_disbursed_n",    "loans_disbursed_value",
};

/// SplitMix64: a fixed, portable sequence (standard distributions differ across libraries).
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t value = (state_ += 0x9e3779b97f4a7c15ULL);
        value = (value ^ (value >> 30U)) * 0xbf58476d1ce4e5b9ULL;
        value = (value ^ (value >> 27U)) * 0x94d049bb133111ebULL;
        return value ^ (value >> 31U);
    }
    /// Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

private:
    std::uint64_t state_;
};

struct Options {
    long institutions = 0; ///< 0: the default (2,000; --smoke: 50)
    long years = 0;        ///< 0: the default (15; --smoke: 3)
    bool smoke = false;
    std::size_t fields = bench_fields.size();
    std::string database;
};

/// "30000" -> "30,000".
std::string grouped(long value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (std::size_t index = 0; index < digits.size(); ++index) {
        if (index > 0 && (digits.size() - index) % 3 == 0) {
            out += ',';
        }
        out += digits[index];
    }
    return value < 0 ? "-" + out : out;
}

/// `count` per second, grouped: "24,390".
std::string per_second(long count, double seconds) {
    return grouped(static_cast<long>(static_cast<double>(count) / seconds));
}

/// A panel of `institutions` x `years` records; about 2% of the values are missing.
sfp::Dataset generate(const Options& options, const std::string& file) {
    Random random(20260101);
    sfp::Dataset data;
    const auto size = static_cast<std::size_t>(options.institutions * options.years);
    for (std::size_t field = 0; field < options.fields; ++field) {
        data.numbers[std::string(bench_fields[field])].reserve(size);
    }
    long row = 1;
    for (long institution = 0; institution < options.institutions; ++institution) {
        const std::string id = fmt::format("MFI-{:05}", institution + 1);
        const double scale = 1e5 + random.unit() * 1e8;
        for (long year = 0; year < options.years; ++year) {
            data.institution_id.push_back(id);
            data.institution_name.push_back(fmt::format("Institution {}", institution + 1));
            data.country_iso3.push_back(institution % 2 == 0 ? "KEN" : "SEN");
            data.region.push_back("Africa");
            data.currency.push_back(institution % 2 == 0 ? "KES" : "XOF");
            const int fiscal_year = static_cast<int>(2010 + year);
            data.fiscal_year.push_back(fiscal_year);
            data.period_start.push_back(sfp::Date{fiscal_year, 1, 1});
            data.period_end.push_back(sfp::Date{fiscal_year, 12, 31});
            data.origin.push_back({file, ++row, 0});
            for (std::size_t field = 0; field < options.fields; ++field) {
                auto& column = data.numbers[std::string(bench_fields[field])];
                if (random.unit() < 0.02) {
                    column.emplace_back(std::nullopt);
                    continue;
                }
                // Two decimals, as amounts are written in files.
                column.emplace_back(static_cast<double>(static_cast<std::int64_t>(
                                        scale * (0.5 + random.unit()) * 100.0)) /
                                    100.0);
            }
        }
    }
    data.stats.push_back({"bench", file, row - 1, row - 1, 0, {}});
    return data;
}

/// Changes about 10% of the present values (a resubmission with corrections).
void revise(sfp::Dataset& data) {
    Random random(7);
    for (auto& [field, column] : data.numbers) {
        for (std::size_t r = 0; r < column.size(); ++r) {
            if (column.has_value(r) && random.unit() < 0.1) {
                column[r] = column.value(r) + 1.0;
            }
        }
    }
}

/// Wall-clock and processor time of one phase (the processor time shows what the run cost
/// when other processes share the machine).
class Timer {
public:
    Timer() : wall_(std::chrono::steady_clock::now()), cpu_(std::clock()) {}
    [[nodiscard]] double wall() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
    }
    [[nodiscard]] double cpu() const {
        return static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC;
    }

private:
    std::chrono::steady_clock::time_point wall_;
    std::clock_t cpu_;
};

bool parse_options(int argc, char** argv, Options& options) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t index = 0; index < args.size(); ++index) {
        const std::string& name = args[index];
        if (name == "--smoke") {
            options.smoke = true;
            continue;
        }
        if (index + 1 >= args.size()) {
            std::cerr << "ingest_bench: error: " << name << " needs a value\n";
            return false;
        }
        const std::string& value = args[++index];
        if (name == "--database") {
            options.database = value;
            continue;
        }
        char* end = nullptr;
        const long number = std::strtol(value.c_str(), &end, 10);
        if (end == value.c_str() || *end != '\0' || number <= 0) {
            std::cerr << "ingest_bench: error: " << name << ": expected a positive integer\n";
            return false;
        }
        if (name == "--institutions") {
            options.institutions = number;
        } else if (name == "--years") {
            options.years = number;
        } else if (name == "--fields" && number <= static_cast<long>(bench_fields.size())) {
            options.fields = static_cast<std::size_t>(number);
        } else {
            std::cerr << "ingest_bench: error: unknown option or value '" << name << "'\n"
                      << "usage: ingest_bench [--smoke] [--institutions N] [--years N] "
                         "[--fields 1..20] [--database PATH]\n";
            return false;
        }
    }
    if (options.institutions == 0) {
        options.institutions = options.smoke ? 50 : 2000;
    }
    if (options.years == 0) {
        options.years = options.smoke ? 3 : 15;
    }
    return true;
}

int print_failure(const sfp::Diagnostics& diagnostics) {
    for (const auto& diagnostic : diagnostics.items()) {
        std::cerr << sfp::to_string(diagnostic) << '\n';
    }
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        return 2;
    }
    const bool temporary = options.database.empty();
    if (temporary) {
        options.database =
            (fs::temp_directory_path() / fmt::format("sfpgen-ingest-bench-{}.sqlite", getpid()))
                .string();
    }
    std::error_code ignored;
    fs::remove(options.database, ignored);

    const auto data = generate(options, "bench.csv");
    const long rows = static_cast<long>(data.size());
    long figures = 0;
    for (const auto& [field, column] : data.numbers) {
        figures += static_cast<long>(column.size());
    }

    sfp::Diagnostics diagnostics;
    auto store = sfp::Store::open(options.database, diagnostics);
    if (!store) {
        return print_failure(diagnostics);
    }
    sfp::IngestInfo info;
    info.source_name = "bench";
    info.file_path = "bench.csv";
    info.sha256 = sfp::sha256_hex("bench submission 1");
    info.ingested_at = 1767225600;
    info.submitted_by = "ingest_bench";

    const Timer first_timer;
    const auto first = store->ingest(data, info, diagnostics);
    const double first_seconds = first_timer.wall();
    const double first_cpu = first_timer.cpu();
    if (first.outcome != sfp::IngestResult::Outcome::stored) {
        return print_failure(diagnostics);
    }
    std::cout << fmt::format("ingest_bench: {} rows, {} figures, {:.2f} s, {} rows/s, {} figures/s "
                             "(processor {:.2f} s)\n",
                             grouped(rows), grouped(figures), first_seconds,
                             per_second(rows, first_seconds), per_second(figures, first_seconds),
                             first_cpu);

    auto revised = data;
    revise(revised);
    info.sha256 = sfp::sha256_hex("bench submission 2");
    info.file_path = "bench_v2.csv";
    const Timer second_timer;
    const auto second = store->ingest(revised, info, diagnostics);
    const double second_seconds = second_timer.wall();
    const double second_cpu = second_timer.cpu();
    if (second.outcome != sfp::IngestResult::Outcome::stored) {
        return print_failure(diagnostics);
    }
    std::cout << fmt::format("ingest_bench: resubmission: {} revised, {} unchanged, {:.2f} s, "
                             "{} rows/s (processor {:.2f} s)\n",
                             grouped(second.figures_revised), grouped(second.figures_unchanged),
                             second_seconds, per_second(rows, second_seconds), second_cpu);

    const Timer third_timer;
    const auto third = store->ingest(revised, info, diagnostics);
    const double third_seconds = third_timer.wall();
    const bool unchanged = third.outcome == sfp::IngestResult::Outcome::unchanged;
    std::cout << fmt::format("ingest_bench: same file again: {}, {:.3f} s\n",
                             unchanged ? "unchanged" : "NOT unchanged", third_seconds);

    const Timer load_timer;
    const auto current = store->load_current(diagnostics);
    if (!current) {
        return print_failure(diagnostics);
    }
    const double load_seconds = load_timer.wall();
    const double load_cpu = load_timer.cpu();
    const auto records = static_cast<long>(current->size());
    std::cout << fmt::format("ingest_bench: load_current: {} records, {:.2f} s (processor {:.2f} "
                             "s)\n",
                             grouped(records), load_seconds, load_cpu);
    const auto database_bytes = fs::file_size(options.database);
    std::cout << fmt::format("ingest_bench: database {} ({} bytes)\n", options.database,
                             grouped(static_cast<long>(database_bytes)));
    std::cout.flush(); // the figures below go through stdio
    using sfp::bench::print_figure;
    const auto per_s = [](long count, double seconds) {
        return static_cast<double>(count) / seconds;
    };
    print_figure("ingest", "rows", static_cast<double>(rows), "rows");
    print_figure("ingest", "figures", static_cast<double>(figures), "figures");
    print_figure("ingest", "first_seconds", first_seconds, "s");
    print_figure("ingest", "first_cpu_seconds", first_cpu, "s");
    print_figure("ingest", "rows_per_s", per_s(rows, first_seconds), "rows/s");
    print_figure("ingest", "figures_per_s", per_s(figures, first_seconds), "figures/s");
    print_figure("ingest", "resubmission_seconds", second_seconds, "s");
    print_figure("ingest", "resubmission_cpu_seconds", second_cpu, "s");
    print_figure("ingest", "resubmission_rows_per_s", per_s(rows, second_seconds), "rows/s");
    print_figure("ingest", "same_file_seconds", third_seconds, "s");
    print_figure("ingest", "load_current_seconds", load_seconds, "s");
    print_figure("ingest", "load_current_records_per_s", per_s(records, load_seconds), "records/s");
    print_figure("ingest", "database_size", static_cast<double>(database_bytes) / 1048576.0, "MiB");
    print_figure("ingest", "peak_rss", sfp::bench::own_peak_rss_mib(), "MiB");
    store.reset();
    if (temporary) {
        fs::remove(options.database, ignored);
    }
    return unchanged ? 0 : 1;
}
