#pragma once
/// Order and weighted statistics used by the indicator engine's aggregates. Pure functions over
/// finite values; callers remove missing values first.

#include <optional>
#include <span>
#include <vector>

namespace sfp::stats {

/// The q-quantile (0 <= q <= 1) of `sorted` (ascending) by linear interpolation between order
/// statistics: position (n - 1) * q, as Excel's PERCENTILE.INC and R's type 7. nullopt if empty.
[[nodiscard]] std::optional<double> quantile_sorted(std::span<const double> sorted, double q);

/// Median, P25 and P75 of `values` (any order; reordered in place by selection).
struct Quartiles {
    double p25 = 0;
    double median = 0;
    double p75 = 0;
};
[[nodiscard]] std::optional<Quartiles> quartiles(std::vector<double>& values);

/// Mean after dropping floor(n * trim) values at each end (0 <= trim < 0.5); sorts in place.
[[nodiscard]] std::optional<double> trimmed_mean(std::vector<double>& values, double trim);

/// sum(w * v) / sum(w) over pairs with w > 0; nullopt when no weight is positive.
[[nodiscard]] std::optional<double> weighted_mean(std::span<const double> values,
                                                  std::span<const double> weights);

} // namespace sfp::stats
