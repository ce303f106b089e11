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

/// Writes `value` in the given format and `format.locale`'s conventions. Never uses the C
/// locale; the minus sign is "-" in every locale; -0 (and anything rounding to 0) is "0".
///
///                 en              fr                    es
///   number        1,234.5         1 234,5  (U+202F)     1.234,5
///   percent       5.2%            5,2 %    (U+202F)     5,2 %  (U+00A0)
///   currency      USD 1,234       USD 1 234             USD 1.234
///   compact       1.2m  350k      1,2 M  350 k          1,2 M  350 mil
///   (1e9)         2.5bn           2,5 Md                2,5 mil M
///
/// The currency code is always a prefix followed by an ASCII space. Compact units: en keeps the
/// existing lower-case k/m/bn glued to the number; fr uses the CLDR abbreviations k, M, Md
/// (milliard) and es "mil", "M" (millón) and "mil M" (mil millones: "B" would read as billón,
/// 10^12, and "MM" means millions in Latin-American finance), each after the locale's percent
/// space (fr U+202F, es U+00A0) so that number and unit never wrap apart. Spanish groups every
/// number of more than three integer digits with "." (also 4-digit ones, "1.234", which the RAE
/// would leave ungrouped) so that columns of figures line up.
[[nodiscard]] std::string format_value(double value, const ValueFormat& format);

/// Formats a tick: like format_value but with the number of decimals the step needs.
[[nodiscard]] std::string format_tick(double value, double step, const ValueFormat& format);

/// Writes `value` with `decimals` decimals and thousands separators (",") and "." as decimal
/// mark; -0 is written as 0. Used by both charts and tables so they agree.
/// Rounds half away from zero on the value's 15 significant decimal digits, as Excel displays
/// it: 2.675 with 2 decimals is "2.68" although the double is slightly below 2.675.
/// Negative `decimals` mean none. Non-finite values are written "nan", "inf", "-inf".
[[nodiscard]] std::string group_thousands(double value, int decimals);

/// group_thousands in a locale's conventions: en "1,234.5", fr "1 234,5" (U+202F groups,
/// comma decimal), es "1.234,5".
[[nodiscard]] std::string group_thousands(double value, int decimals, Locale locale);

// ---- Log scales -------------------------------------------------------------------------------

/// A logarithmic axis from `min` to `max` (both > 0). Ticks are m x 10^n for each m in
/// `mantissas` (1-2-5 per decade, or all of 1..9 for spans under a decade); when the range spans
/// many decades `mantissas` is {1} and only every `decade_step`-th power of ten is a tick.
struct LogScale {
    double min = 1.0;
    double max = 10.0;
    std::vector<int> mantissas{1};
    int decade_step = 1;
    /// Tick values from min to max inclusive, each the double nearest its decimal value.
    [[nodiscard]] std::vector<double> ticks() const;
    /// Position of `value` as a fraction of the axis (log10): 0 at min, 1 at max. NaN for values
    /// a log axis cannot show (see log_showable).
    [[nodiscard]] double fraction(double value) const;
};

/// True when `value` can be placed on a log axis: finite and > 0. Zero and negative values
/// cannot; the chart draws them as missing (see log_unshowable).
[[nodiscard]] bool log_showable(double value);

/// A present value that a log axis cannot show: `spec.series[series].values[index]`.
struct ValueRef {
    std::size_t series = 0;
    std::size_t index = 0;
    friend bool operator==(const ValueRef&, const ValueRef&) = default;
};

/// Every present (non-missing, finite) value of the chart that is <= 0, in series then
/// category order. A log chart marks these as missing and says so in its note.
[[nodiscard]] std::vector<ValueRef> log_unshowable(const ChartSpec& spec);

/// The range of the chart's values a log axis can show (finite, > 0), or nullopt.
[[nodiscard]] std::optional<std::pair<double, double>> positive_value_range(const ChartSpec& spec);

/// A log scale covering [lo, hi] (both > 0; swapped when in the wrong order): 1-2-5 ticks per
/// decade while that gives at most 2 x target_ticks ticks (bounds on 1-2-5 values), otherwise
/// powers of ten only, every 1, 2, 5, 10... decades (bounds on those powers). A span under a
/// decade where 1-2-5 gives fewer than 3 ticks uses 1..9 x 10^n. Non-positive or non-finite
/// input gives the scale 1..10; lo == hi gives the decade(s) around the value.
[[nodiscard]] LogScale nice_log_scale(double lo, double hi, int target_ticks);

/// A log tick label: like format_tick with the decimals the value itself needs ("0.05", "200",
/// "USD 2m").
[[nodiscard]] std::string format_log_tick(double value, const ValueFormat& format);

// ---- Period categories ------------------------------------------------------------------------

/// A category label for a period: `quarter` 0 is the year ("2024"); 1..4 the quarter, en
/// "Q1 2024", fr "T1 2024" (trimestre), es "T1 2024" (trimestre; "1T 2024" and "1er trim. 2024"
/// are also seen; "T1" is chosen to match French and sort the same way). Throws
/// std::invalid_argument for a quarter outside 0..4.
[[nodiscard]] std::string period_label(int year, int quarter, Locale locale);

} // namespace charts
