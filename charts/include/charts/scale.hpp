#pragma once
/// Value-axis scales: nice ticks (1-2-5 x 10^n) and value formatting, no drawing.

#include "charts/chart.hpp"

#include <optional>
#include <string>
#include <vector>

namespace charts {

/// A linear axis from `min` to `max` with ticks every `step`.
struct LinearScale {
    double min = 0.0;
    double max = 1.0;
    double step = 0.2;
    /// Tick values from min to max inclusive.
    [[nodiscard]] std::vector<double> ticks() const;
    /// Position of `value` as a fraction of the axis length (0 at min, 1 at max).
    [[nodiscard]] double fraction(double value) const;
};

/// The "nice" step (1, 2 or 5 x 10^n) closest above `rough_step`. rough_step must be > 0.
[[nodiscard]] double nice_step(double rough_step);

/// A scale covering [lo, hi] with about `target_ticks` intervals on nice boundaries.
/// When `include_zero` the scale contains 0 (required for bars). Equal or empty input
/// gives a unit-wide scale around the value.
[[nodiscard]] LinearScale nice_scale(double lo, double hi, int target_ticks, bool include_zero);

/// The data range of all present values of a chart, or nullopt when every value is missing.
[[nodiscard]] std::optional<std::pair<double, double>> value_range(const ChartSpec& spec);

/// Writes `value` in the given format, English conventions: "1,234.5", "5.2%", "USD 1.2m".
/// Locale-independent (never uses the C locale).
[[nodiscard]] std::string format_value(double value, const ValueFormat& format);

/// Formats a tick: like format_value but with the number of decimals the step needs.
[[nodiscard]] std::string format_tick(double value, double step, const ValueFormat& format);

/// Writes `value` with `decimals` decimals and thousands separators (",") and "." as decimal
/// mark; -0 is written as 0. Used by both charts and tables so they agree.
[[nodiscard]] std::string group_thousands(double value, int decimals);

} // namespace charts
