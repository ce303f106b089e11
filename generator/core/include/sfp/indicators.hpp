#pragma once
/// Computing indicator results per scope (a group such as a region, and "all") and period.

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sfp {

/// Why a result has no value. Written in results files as "no-data" / "zero-denominator".
enum class MissingReason {
    no_data,          ///< no institution in scope has every input present and valid
    zero_denominator, ///< the inputs sum to a zero denominator
};

[[nodiscard]] std::string_view reason_name(MissingReason reason);

/// A scope of aggregation: one value of the grouping dimension, or everything.
struct Scope {
    std::string key;   ///< "region:Africa" or "all", as in results files
    std::string label; ///< "Africa" or "All regions", for documents
};

/// One aggregate: a value, or a reason why there is none. `n` counts contributing institutions.
struct IndicatorResult {
    std::string indicator;
    std::size_t scope = 0; ///< index into Results::scopes
    int period = 0;
    std::optional<double> value;
    std::optional<MissingReason> missing;
    long n = 0;
    std::vector<std::string> institutions; ///< ids of contributing institutions, sorted
};

struct Results {
    std::vector<Scope> scopes; ///< groups in sorted order, then "all"
    std::vector<int> periods;  ///< ascending
    std::vector<IndicatorResult> items;
    /// Institutions with a record in each (scope, period): items index = scope * periods + p.
    std::vector<long> reporting;

    [[nodiscard]] const IndicatorResult* find(std::string_view indicator, std::size_t scope,
                                              int period) const;
    [[nodiscard]] long reporting_count(std::size_t scope, int period) const;
    [[nodiscard]] std::size_t all_scope() const { return scopes.size() - 1; }
};

/// Computes every indicator of `spec.indicators` for every scope and period of the spec, with
/// the catalogue's aggregation rule (sum, or weighted ratio over institutions with complete
/// inputs). Indicator ids must exist in the catalogue (bind checks that first).
[[nodiscard]] Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                                         const ReportSpec& spec);

/// Checks the spec's indicator and chart references against the catalogue.
bool bind_indicators(const ReportSpec& spec, const Catalogue& catalogue, Diagnostics& diagnostics);

} // namespace sfp
