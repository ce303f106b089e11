// csv_bench: throughput of the streaming CSV reader on a generated institution-year panel.
//
// Usage: csv_bench [--smoke] [--mib N] [FILE]
//   Writes a deterministic CSV of at least N MiB (default 100; --smoke: 2) (15 columns, quoted
//   names with commas, quoted notes with embedded CRLF line breaks, NA values, CRLF record ends)
//   to FILE, or to a temporary file that is removed afterwards, then times reading it (best of 3).
//   Prints human-readable lines, then one "BENCH csv <metric> <value> <unit>" line per figure
//   (docs/benchmarks.md). Measure an optimised build (the `bench` preset); see
//   docs/performance.md.

#include "figures.hpp"
#include "sfp/csv.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int repetitions = 3;

/// Random choices from a fixed seed: std::mt19937_64 is specified exactly by the standard, and
/// only its raw output is used (the distributions are implementation-defined).
class Dice {
public:
    std::uint64_t below(std::uint64_t bound) { return engine_() % bound; }
    bool one_in(std::uint64_t n) { return below(n) == 0; }
    template <typename T, std::size_t N> const T& pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

private:
    std::mt19937_64 engine_{20240601};
};

constexpr std::array<std::string_view, 12> name_stems{"Caisse Populaire",
                                                      "Union des Mutuelles",
                                                      "Microcredit Bank",
                                                      "Crédit Rural",
                                                      "Fondation pour l'Épargne",
                                                      "Savings and Credit Cooperative",
                                                      "Women's Finance Trust",
                                                      "Banque Solidaire",
                                                      "Associação de Crédito",
                                                      "Rural Finance Company",
                                                      "Société Coopérative d'Épargne",
                                                      "Community Development Fund"};
constexpr std::array<std::string_view, 10> places{
    "Dakar",   "Ouagadougou", "Nairobi",  "Kampala",      "Bamako",
    "Cotonou", "Lomé",        "Kinshasa", "Antananarivo", "Maputo"};
constexpr std::array<std::string_view, 10> countries{
    "Senegal", "Burkina Faso",         "Kenya",      "Uganda",    "Mali", "Benin",
    "Togo",    "\"Congo, Dem. Rep.\"", "Madagascar", "Mozambique"};
constexpr std::array<std::string_view, 4> regions{"West Africa", "East Africa", "Central Africa",
                                                  "Southern Africa"};
constexpr std::array<std::string_view, 6> notes{
    "\"audited\"",
    "\"figures restated in 2019, see \"\"annex B\"\"\"",
    "\"portfolio sold to, and merged with, a bank\"",
    "\"two lines:\r\nfirst, then second\"",
    "\"self-sufficient\"",
    "\"stale borrower count\r\ncarried forward\r\nfrom prior year\""};

void put_number_or_na(std::string& out, Dice& dice, std::uint64_t bound, int decimals) {
    if (dice.one_in(12)) {
        out += "NA";
        return;
    }
    const auto value = static_cast<double>(dice.below(bound)) / 1000.0;
    fmt::format_to(std::back_inserter(out), "{:.{}f}", value, decimals);
}

/// Appends one CRLF-terminated record of the panel.
void put_record(std::string& out, std::uint64_t id, Dice& dice) {
    const auto year = 2005 + dice.below(15);
    fmt::format_to(std::back_inserter(out), "{},\"{} {}, {}\",{},{},{},{:02}/{:02}/{},", id,
                   dice.pick(name_stems), dice.below(90) + 1, dice.pick(places),
                   dice.pick(countries), dice.pick(regions), year, dice.below(28) + 1,
                   dice.below(12) + 1, year);
    put_number_or_na(out, dice, 900000000000, 2); // gross loan portfolio
    out += ',';
    fmt::format_to(std::back_inserter(out), "{}.0,", dice.below(500000)); // borrowers, as float
    put_number_or_na(out, dice, 1000, 4);                                 // PAR30
    out += ',';
    put_number_or_na(out, dice, 1000, 4); // PAR90
    out += ',';
    put_number_or_na(out, dice, 100, 4); // write-off ratio
    out += ',';
    put_number_or_na(out, dice, 2000, 3); // operational self-sufficiency
    out += ',';
    if (dice.one_in(20)) {
        out += '-';
    }
    put_number_or_na(out, dice, 50000000000, 2); // equity
    out += ',';
    out += dice.one_in(3) ? std::string_view{"USD"} : std::string_view{"XOF"};
    out += ',';
    if (dice.one_in(4)) {
        out += dice.pick(notes);
    }
    out += "\r\n";
}

constexpr std::size_t columns = 15;

struct Generated {
    std::uint64_t bytes = 0;
    std::uint64_t records = 0; ///< without the header
};

/// Writes a panel of at least `target_bytes` to `path`.
Generated generate(const fs::path& path, std::uint64_t target_bytes) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
        throw std::runtime_error("cannot create " + path.string());
    }
    std::string chunk = "mfi_id,mfi_name,country,region,fiscal_year,as_of_date,"
                        "gross_loan_portfolio,borrowers,par30,par90,write_off_ratio,oss,equity,"
                        "currency,notes\r\n";
    Dice dice;
    std::uint64_t written = 0;
    std::uint64_t id = 0;
    while (written < target_bytes) {
        put_record(chunk, ++id, dice);
        if (chunk.size() >= (1U << 20)) {
            written += std::fwrite(chunk.data(), 1, chunk.size(), file);
            chunk.clear();
        }
    }
    written += std::fwrite(chunk.data(), 1, chunk.size(), file);
    if (std::fclose(file) != 0) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return {written, id};
}

/// "1234567" -> "1,234,567".
std::string grouped(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
        digits.insert(static_cast<std::size_t>(at), 1, ',');
    }
    return digits;
}

struct Pass {
    double seconds = 0;     ///< wall time (steady_clock)
    double cpu_seconds = 0; ///< process CPU time (std::clock): steadier on a busy machine
    std::uint64_t records = 0;
    std::uint64_t field_bytes = 0;
    std::size_t diagnostics = 0;
    std::uint64_t wrong_width = 0; ///< records without the 15 fields written
};

/// Best (shortest) of `repetitions` runs of `run`.
template <typename Run> Pass best_of(Run run) {
    Pass best;
    for (int i = 0; i < repetitions; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        Pass pass = run();
        pass.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
        pass.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (i == 0 || pass.seconds < best.seconds) {
            best = pass;
        }
    }
    return best;
}

Pass read_csv(const fs::path& path, sfp::CsvOptions options) {
    Pass pass;
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(path.string(), options, diagnostics);
    if (!reader) {
        throw std::runtime_error("cannot open " + path.string());
    }
    sfp::CsvRecord record;
    while (reader->next(record, diagnostics)) {
        ++pass.records;
        if (record.fields.size() != columns) {
            ++pass.wrong_width;
        }
        for (const auto& field : record.fields) {
            pass.field_bytes += field.size();
        }
    }
    pass.diagnostics = diagnostics.items().size();
    return pass;
}

/// The cost of the I/O alone: fread of the whole file in 64 KiB blocks.
Pass read_raw(const fs::path& path) {
    Pass pass;
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        throw std::runtime_error("cannot open " + path.string());
    }
    std::vector<char> block(1 << 16);
    for (;;) {
        const auto got = std::fread(block.data(), 1, block.size(), file);
        if (got == 0) {
            break;
        }
        pass.field_bytes += got;
    }
    static_cast<void>(std::fclose(file)); // read only: nothing to flush
    return pass;
}

double mb_per_s(std::uint64_t bytes, const Pass& pass) {
    return static_cast<double>(bytes) / 1e6 / pass.seconds;
}

double cpu_mb_per_s(std::uint64_t bytes, const Pass& pass) {
    return static_cast<double>(bytes) / 1e6 / pass.cpu_seconds;
}

struct Arguments {
    std::uint64_t mib = 100;
    std::string file; ///< empty: a temporary file
};

/// Reads [--smoke] [--mib N] [FILE]; prints what was expected and returns nullopt on error.
std::optional<Arguments> parse_arguments(int argc, char** argv) {
    Arguments args;
    std::optional<std::uint64_t> mib;
    bool smoke = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--smoke") {
            smoke = true;
        } else if (arg == "--mib") {
            const std::string value = i + 1 < argc ? argv[++i] : "";
            char* end = nullptr;
            const auto number = std::strtoull(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || number == 0 || number > 100000) {
                fmt::print(stderr,
                           "csv_bench: --mib: expected a size in MiB from 1 to 100000, "
                           "found '{}'\n",
                           value);
                return std::nullopt;
            }
            mib = number;
        } else if (arg.rfind("--", 0) == 0 || !args.file.empty()) {
            fmt::print(stderr,
                       "csv_bench: unexpected argument '{}'\n"
                       "usage: csv_bench [--smoke] [--mib N] [FILE]\n",
                       arg);
            return std::nullopt;
        } else {
            args.file = arg;
        }
    }
    args.mib = mib.value_or(smoke ? 2 : 100);
    return args;
}

void print_figures(std::uint64_t bytes, const Pass& utf8, const Pass& cp850, const Pass& raw) {
    using sfp::bench::print_figure;
    print_figure("csv", "file_size", static_cast<double>(bytes) / 1e6, "MB");
    print_figure("csv", "records", static_cast<double>(utf8.records), "records");
    print_figure("csv", "read_mb_per_s", mb_per_s(bytes, utf8), "MB/s");
    print_figure("csv", "read_cpu_mb_per_s", cpu_mb_per_s(bytes, utf8), "MB/s");
    print_figure("csv", "cp850_mb_per_s", mb_per_s(bytes, cp850), "MB/s");
    print_figure("csv", "cp850_cpu_mb_per_s", cpu_mb_per_s(bytes, cp850), "MB/s");
    print_figure("csv", "fread_mb_per_s", mb_per_s(bytes, raw), "MB/s");
    print_figure("csv", "peak_rss", sfp::bench::own_peak_rss_mib(), "MiB");
}

} // namespace

int main(int argc, char** argv) try {
    const auto args = parse_arguments(argc, argv);
    if (!args) {
        return 2;
    }
    const bool temporary = args->file.empty();
    const fs::path path =
        temporary ? fs::temp_directory_path() / fmt::format("sfpgen-csv-bench-{}.csv", ::getpid())
                  : fs::path(args->file);
    const auto generated = generate(path, args->mib * 1024 * 1024);
    const auto bytes = generated.bytes;

    const auto raw = best_of([&] { return read_raw(path); });
    // (a) the reader as the loader uses it by default: split, unquote, validate UTF-8.
    const auto utf8 = best_of([&] { return read_csv(path, {}); });
    // (b) the same file declared as cp850: every field with a byte >= 0x80 is converted.
    const auto cp850 = best_of([&] { return read_csv(path, {',', sfp::Encoding::cp850}); });
    if (temporary) {
        fs::remove(path);
    }

    fmt::print("csv_bench: {:.1f} MB, {} records, CsvReader {:.1f} MB/s, cp850 {:.1f} MB/s\n",
               static_cast<double>(bytes) / 1e6, grouped(utf8.records), mb_per_s(bytes, utf8),
               mb_per_s(bytes, cp850));
    fmt::print("csv_bench: CPU time: CsvReader {:.1f} MB/s, cp850 {:.1f} MB/s; fread alone "
               "{:.1f} MB/s\n",
               cpu_mb_per_s(bytes, utf8), cpu_mb_per_s(bytes, cp850), mb_per_s(bytes, raw));
    fmt::print("csv_bench: best of {} runs; {} field bytes (utf-8), {} (cp850); {} and {} "
               "diagnostics\n",
               repetitions, grouped(utf8.field_bytes), grouped(cp850.field_bytes), utf8.diagnostics,
               cp850.diagnostics);
    // The figures count only if the reader read what was written (the header is a record too).
    for (const Pass* pass : {&utf8, &cp850}) {
        if (pass->records != generated.records + 1 || pass->wrong_width != 0 ||
            pass->diagnostics != 0) {
            fmt::print(stderr,
                       "csv_bench: error: wrote {} records of {} fields, read {} ({} of another "
                       "width, {} diagnostics)\n",
                       generated.records + 1, columns, pass->records, pass->wrong_width,
                       pass->diagnostics);
            return 1;
        }
    }
    print_figures(bytes, utf8, cp850, raw);
    return 0;
} catch (const std::exception& error) {
    fmt::print(stderr, "csv_bench: error: {}\n", error.what());
    return 1;
}
