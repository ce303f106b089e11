#pragma once
/// `sfpgen generate`: deterministic synthetic data for benchmarks and tests (docs/performance.md,
/// "Generated data"). The same options (and seed) give the same bytes on every machine: the
/// random numbers come from xoshiro256** seeded by splitmix64 (implemented here, not the
/// standard library's distributions, whose output the standard does not fix), numbers are
/// printed with fmt, only exact floating-point functions are used (round, floor, ldexp, fabs;
/// no exp, log or pow, whose last bits vary between C libraries), and generate.cpp is compiled
/// without fused multiply-add contraction.
///
/// Files are streamed to a temporary file and renamed into place: memory does not grow with
/// the number of rows or loans.
///
/// Planted problems (k is the institution's number, 1-based, in its id "MFI-<k:05>"):
///   - gap-in-panel: k % 50 == 7, when years >= 3: no row for the middle year (index years / 2)
///   - late starter: k % 100 == 40, when years >= 4: no rows for the first two years
///   - negative-value: k % 40 == 11: operating expense negative in the institution's last year
///   - par90-above-par30: k % 40 == 21: PAR90 = 130% of PAR30 in the last year
///   - women-above-borrowers: k % 40 == 31: women = borrowers + 25 in the last year
///   - missing cells (empty, no issue) in the institution's first reported year:
///     k % 20 == 3 women borrowers; k % 20 == 13 PAR30, PAR90 and its two buckets;
///     k % 25 == 9 operating expense ("NA")
///   - negative equity (allowed, no issue): k % 200 == 77 in the last two years
/// Loans (j is the loan's number, 1-based, in its id "L<j:010>"):
///   - funded-above-loan: j % 10000 == 5000 (funded 110% of the amount)
///   - missing borrower gender (empty): j % 1000 == 500

#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfp {

enum class GenerateKind {
    panel,   ///< institution-year CSV with the columns of data/sample/institution_years.csv
    loans,   ///< loan-level CSV read by data/sources/generated-loans.toml
    targets, ///< a targets TOML (format of data/targets/sfp-targets.toml) for the panel
};

struct GenerateOptions {
    GenerateKind kind = GenerateKind::panel;
    int institutions = 2000;
    int years = 15;
    int last_year = 2024;
    std::int64_t loans = 1'000'000;
    std::uint64_t seed = 20261128;
    std::string output; ///< empty: default_output(kind)
};

/// What was written.
struct GenerateSummary {
    std::string path;
    std::uint64_t rows = 0;  ///< data rows (panel, loans) or targets
    std::uint64_t bytes = 0; ///< size of the file
};

/// "panel" / "loans" / "targets" -> the kind; nullopt otherwise.
[[nodiscard]] std::optional<GenerateKind> parse_generate_kind(std::string_view text);

/// output/generated-panel.csv, output/generated-loans.csv, output/generated-targets.toml.
[[nodiscard]] std::string default_output(GenerateKind kind);

/// Checks the sizes (institutions 1..1,000,000, years 1..100, last_year 1901..2200, loans
/// 1..10^10); records a diagnostic naming the option and returns false when one is out of range.
[[nodiscard]] bool check_generate_options(const GenerateOptions& options, Diagnostics& diagnostics);

/// Writes the file. ExitCode::usage for bad options, ExitCode::output when the file cannot be
/// written (nothing is left behind), ExitCode::ok otherwise.
[[nodiscard]] ExitCode generate_data(const GenerateOptions& options, Diagnostics& diagnostics,
                                     GenerateSummary& summary);

} // namespace sfp
