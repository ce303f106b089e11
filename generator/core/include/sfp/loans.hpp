#pragma once
/// Loan-level portfolio indicators (docs/loans.md): one streaming pass over a loan file that
/// keeps only per-institution accumulators, so memory does not grow with the number of loans.

#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

struct LoanOptions {
    /// Threads: 1 parses serially; 2 splits the file at a line start after its midpoint.
    int jobs = 2;
    /// Data issues kept in full (the first ones in file order); all are counted by code.
    std::size_t max_issues = 1000;
    /// Bytes read at a time per thread (tests use small blocks to cut records). Small enough
    /// for a block to be parsed while it is still in the core's cache after the copy: with
    /// 4 MiB blocks, loading the bytes was the hottest instruction of a 2 M loan run.
    std::size_t block_size = std::size_t{256} << 10;
    /// Files smaller than this are parsed serially whatever `jobs` says (tests set 0).
    std::size_t parallel_threshold = std::size_t{1} << 20;
    /// Resolves country codes or names to ISO3 (as load_source does); nullptr: kept as written.
    const CountryResolver* countries = nullptr;
};

/// A sum of amounts: exact integer cents for values written with at most two decimals (the
/// same total whatever the order of addition, so 1 and 2 threads agree to the byte), plus a
/// floating-point rest for other values (summed per chunk, then chunk 0 + chunk 1).
struct AmountSum {
    __extension__ using Cents = __int128;
    Cents cents = 0;
    double rest = 0;
    bool any = false; ///< at least one value was added

    void add(const AmountSum& other);
    [[nodiscard]] double value() const;
    /// "1234.50" when the sum is exact cents, else the shortest round-trip decimal.
    [[nodiscard]] std::string text(double scale = 1.0) const;
};

/// Counts and sums of one institution (or of all of them).
struct LoanTotals {
    long loans_read = 0;
    long loans_used = 0;
    long loans_rejected = 0;
    long loans_outstanding_n = 0;   ///< balance > 0
    long balance_missing = 0;       ///< used loans without a valid balance
    long overdue_missing = 0;       ///< loans with a balance but no valid days_overdue
    AmountSum gross_loan_portfolio; ///< sum of the valid balances
    AmountSum par_base;             ///< balances of loans whose days_overdue is known
    AmountSum par30_balance;        ///< balance of loans > 30 days overdue
    AmountSum par90_balance;        ///< balance of loans > 90 days overdue
    long women_loans = 0;
    long gender_known_loans = 0;
    long gender_unknown_loans = 0;
    long rural_loans = 0;
    long rural_known_loans = 0;

    void add(const LoanTotals& other);
};

/// Loans disbursed in one fiscal year (by disbursed_date).
struct DisbursedYear {
    int year = 0;
    long loans = 0;
    AmountSum value; ///< sum of loan_amount (loans with a valid amount)
    long value_missing = 0;
};

/// A ratio, or why there is none (never 0 for "unknown").
struct LoanRatio {
    std::optional<double> value;
    std::string reason; ///< empty when there is a value
};

struct InstitutionLoans {
    std::string institution_id;
    std::string country_iso3; ///< resolved when a CountryResolver was given; "" if none
    std::string currency;
    long first_row = 0;
    LoanTotals totals;
    std::vector<DisbursedYear> disbursed; ///< ascending years
};

struct LoanPortfolio {
    std::string path;
    std::vector<InstitutionLoans> institutions; ///< sorted by id (byte order)
    LoanTotals total;                           ///< all institutions
    bool amount_mapped = false;                 ///< outstanding_balance is mapped
    bool par_mapped = false;    ///< outstanding_balance and days_overdue are both mapped
    bool gender_mapped = false; ///< borrower_gender is mapped
    bool rural_mapped = false;
    bool dates_mapped = false; ///< disbursed_date is mapped
    double amount_scale = 1.0; ///< `scale` of outstanding_balance (texts are multiplied by it)
    double loan_amount_scale = 1.0;
    std::optional<int> latest_fiscal_year; ///< of the latest valid disbursed_date
    std::vector<QualityIssue> issues;      ///< the first LoanOptions::max_issues, in file order
    std::map<std::string, long> issues_by_code; ///< all of them
    long issues_total = 0;
    SourceStats stats;
    int threads_used = 1;
    bool split_fallback = false;  ///< the split fell inside a quoted field: parsed serially
    bool csv_reader_path = false; ///< a non-UTF-8 encoding: read through CsvReader (slower)
    std::uint64_t bytes = 0;      ///< size of the file
};

/// Reads the loan file of `source` (record = "loan") in one pass. Mapping errors are
/// diagnostics at the config position; data problems are QualityIssues of the result. nullopt
/// when the file cannot be read or the mapping does not bind.
[[nodiscard]] std::optional<LoanPortfolio>
aggregate_loans(const SourceSpec& source, const LoanOptions& options, Diagnostics& diagnostics);

/// PAR30 or PAR90 (`days` 30 or 90) of `totals` over the balance of loans whose days overdue
/// are known; missing, with a reason, when the columns are not mapped or that balance is 0.
[[nodiscard]] LoanRatio par_ratio(const LoanPortfolio& portfolio, const LoanTotals& totals,
                                  int days);
/// Women share (women / loans of known gender) and rural share, missing when nothing is known.
[[nodiscard]] LoanRatio women_share(const LoanPortfolio& portfolio, const LoanTotals& totals);
[[nodiscard]] LoanRatio rural_share(const LoanPortfolio& portfolio, const LoanTotals& totals);

/// The fiscal year the CSV describes: `year` when given, else the latest disbursement's.
[[nodiscard]] std::optional<int> portfolio_year(const LoanPortfolio& portfolio,
                                                std::optional<int> year);

/// One row per institution, sorted by id, with institution-year field names (docs/loans.md);
/// missing values are empty cells.
[[nodiscard]] std::string portfolio_to_csv(const LoanPortfolio& portfolio,
                                           std::optional<int> fiscal_year);

} // namespace sfp
