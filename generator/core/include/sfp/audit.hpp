#pragma once
/// The audit table: the per-record inputs behind a report's aggregates, so that the workbook can
/// show them on a "Data" sheet and write every aggregate as a formula over them
/// (docs/workbooks.md).

#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/reference_series.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// One input quantity per record: a canonical field ("par30_balance") or the text of a formula
/// part ("avg(gross_loan_portfolio)"), as the engine evaluated it (after currency conversion,
/// annualisation and average balances). Indicators that use the same quantity share its column.
struct AuditColumn {
    std::string name;           ///< the quantity's formula text
    std::vector<double> values; ///< per row; NaN where missing or set aside by a quality rule
    std::string excel_format;   ///< "#,##0" for amounts and counts, "0.0%" for fractions
};

/// How an indicator is computed from the audit columns.
struct AuditIndicator {
    std::string id;
    std::string name; ///< English short name
    std::string formula_text;
    std::vector<Statistic> statistics;
    int numerator = -1;   ///< ratio formulas: column index of the numerator
    int denominator = -1; ///< ratio formulas: column index of the denominator
    int value = -1;       ///< other formulas: column index of the value
    int weight = -1;      ///< borrower-weighted means: column index of the weight
    std::string excel_format;
    double trim = 0.1; ///< trimmed means: the share dropped at each end
    [[nodiscard]] bool ratio() const { return numerator >= 0 && denominator >= 0; }
};

/// Which records a scope of the results holds: those whose label in grouping `grouping` equals
/// `label` (grouping -1: every record, the scope "all").
struct AuditScope {
    int grouping = -1;
    std::string label;
};

struct AuditTable {
    // One row per dataset record in the report's years, in dataset order.
    std::vector<std::uint32_t> records;                 ///< dataset record index
    std::vector<std::string> institution;               ///< institution id
    std::vector<int> year;                              ///< fiscal year
    std::vector<std::string> origin;                    ///< "file:line" the record was read from
    std::vector<std::string> groupings;                 ///< Results::groupings names, same order
    std::vector<std::vector<std::string>> group_labels; ///< [grouping][row]: label, "" when none
    std::vector<AuditColumn> columns;
    std::vector<AuditIndicator> indicators;
    std::vector<AuditScope> scopes; ///< parallel to Results::scopes

    [[nodiscard]] const AuditIndicator* find(std::string_view id) const;
    [[nodiscard]] std::size_t rows() const { return records.size(); }
};

/// Builds the audit table of `ids` (indicators of `results`) from the same data, catalogue and
/// options as `results`. Group labels are the scopes' labels, unique within a grouping (the scope
/// key is used where two labels would collide).
[[nodiscard]] AuditTable audit_table(const Dataset& data, const Catalogue& catalogue,
                                     const ReferenceSeries& reference, const EngineOptions& options,
                                     const Results& results, const std::vector<std::string>& ids);

} // namespace sfp
