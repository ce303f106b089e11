#include "sfp/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace sfp::stats {

std::optional<double> quantile_sorted(std::span<const double> sorted, double q) {
    if (sorted.empty()) {
        return std::nullopt;
    }
    q = std::clamp(q, 0.0, 1.0);
    const double position = static_cast<double>(sorted.size() - 1) * q;
    const auto lower = static_cast<std::size_t>(std::floor(position));
    const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(lower);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

namespace {

/// The q-quantile by the same interpolation as quantile_sorted, with selection instead of a
/// full sort: [from, end) of `values` holds the elements not yet placed, all >= those before.
double select_quantile(std::vector<double>& values, std::size_t from, double q) {
    const double position = static_cast<double>(values.size() - 1) * q;
    const auto lower = static_cast<std::size_t>(std::floor(position));
    const auto begin = values.begin();
    std::nth_element(begin + static_cast<std::ptrdiff_t>(from),
                     begin + static_cast<std::ptrdiff_t>(lower), values.end());
    const double fraction = position - static_cast<double>(lower);
    if (fraction == 0.0 || lower + 1 >= values.size()) {
        return values[lower];
    }
    // The next order statistic is the smallest element after the lower one.
    const double upper =
        *std::min_element(begin + static_cast<std::ptrdiff_t>(lower + 1), values.end());
    return values[lower] + (upper - values[lower]) * fraction;
}

} // namespace

std::optional<Quartiles> quartiles(std::vector<double>& values) {
    if (values.empty()) {
        return std::nullopt;
    }
    // Three selections, each on the part right of the previous one: O(n) on average.
    Quartiles out;
    out.p25 = select_quantile(values, 0, 0.25);
    const auto p25_index =
        static_cast<std::size_t>(std::floor(static_cast<double>(values.size() - 1) * 0.25));
    out.median = select_quantile(values, p25_index, 0.5);
    const auto median_index =
        static_cast<std::size_t>(std::floor(static_cast<double>(values.size() - 1) * 0.5));
    out.p75 = select_quantile(values, median_index, 0.75);
    return out;
}

std::optional<double> trimmed_mean(std::vector<double>& values, double trim) {
    if (values.empty()) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    trim = std::clamp(trim, 0.0, 0.4999);
    const auto drop =
        static_cast<std::size_t>(std::floor(static_cast<double>(values.size()) * trim));
    double total = 0;
    for (std::size_t i = drop; i < values.size() - drop; ++i) {
        total += values[i];
    }
    return total / static_cast<double>(values.size() - 2 * drop);
}

std::optional<double> weighted_mean(std::span<const double> values,
                                    std::span<const double> weights) {
    double numerator = 0;
    double denominator = 0;
    const std::size_t n = std::min(values.size(), weights.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (weights[i] > 0) {
            numerator += weights[i] * values[i];
            denominator += weights[i];
        }
    }
    if (denominator <= 0) {
        return std::nullopt;
    }
    return numerator / denominator;
}

} // namespace sfp::stats
