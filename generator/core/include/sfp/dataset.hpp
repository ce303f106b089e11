#pragma once
/// Loading and validating the institution-year data declared in a report's [[source]] tables.

#include "sfp/config.hpp"
#include "sfp/diagnostics.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

/// A value problem found while loading: kept for the data-quality annex and the results file.
struct QualityIssue {
    SourcePos where; ///< file, row (header = 1) and column number
    std::string field;
    std::string value; ///< the text as written in the file
    std::string problem;
};

/// Counts per source: rows read, used and rejected.
struct SourceStats {
    std::string name;
    std::string path;
    long rows_read = 0;
    long rows_used = 0;
    long rows_rejected = 0;
};

/// Institution-year records in columns. Numeric fields hold std::nullopt where the value is
/// missing or was rejected as impossible (see `issues`); a missing value is never 0.
struct Dataset {
    std::vector<std::string> institution_id;
    std::vector<std::string> institution_name;
    std::vector<std::string> country_iso3;
    std::vector<std::string> region;
    std::vector<int> fiscal_year;
    std::map<std::string, std::vector<std::optional<double>>>
        numbers;                   ///< canonical field -> column
    std::vector<SourcePos> origin; ///< where each record came from (file and row)

    std::vector<QualityIssue> issues;
    std::vector<SourceStats> stats;

    [[nodiscard]] std::size_t size() const { return institution_id.size(); }
    /// The column of a numeric field; nullptr when no source maps it.
    [[nodiscard]] const std::vector<std::optional<double>>* column(const std::string& field) const;
    /// The value of group dimension `dimension` ("region" or "country_iso3") for record `index`.
    [[nodiscard]] const std::string& group_value(const std::string& dimension,
                                                 std::size_t index) const;
};

/// Loads every source of `spec`. Binds the column mapping against each file's header (an
/// unknown column is an error at the config position), parses values, applies the validity
/// rules of docs/data.md, and reports row problems without aborting. Returns nullopt when a
/// source cannot be used at all.
[[nodiscard]] std::optional<Dataset> load_sources(const ReportSpec& spec, Diagnostics& diagnostics);

/// Parses a number as written in data files: optional sign, digits, one '.', exponent;
/// integers written as floats ("201.0") are accepted. Locale-independent. nullopt if not a
/// finite number.
[[nodiscard]] std::optional<double> parse_number(std::string_view text);

} // namespace sfp
