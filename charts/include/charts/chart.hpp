#pragma once
/// The chart model: what to draw, independent of how (PDF vector, PNG, SVG, native Excel chart).
/// It knows nothing about microfinance: categories, series of optional values, markers, a value
/// format. docs/charts.md describes each kind and what it reads from the model.

#include <optional>
#include <string>
#include <vector>

namespace charts {

/// How values on the value axis and in labels are written.
enum class ValueKind { number, percent, currency };

/// Number conventions: en "1,234.5"; fr "1 234,5" (narrow no-break space groups, comma
/// decimal, "5,2 %"); es "1.234,5" ("5,2 %").
enum class Locale { en, fr, es };

/// Formatting of one kind of value. `decimals` applies to labels; ticks choose their own.
/// Percent values are fractions (0.052 is shown as "5.2%").
struct ValueFormat {
    ValueKind kind = ValueKind::number;
    int decimals = 0;
    std::string currency = "USD"; ///< ISO 4217 code, shown as a prefix ("USD 1.2m")
    bool compact = false;         ///< write large numbers as 1.2m / 350k
    Locale locale = Locale::en;
};

enum class ChartKind {
    line,           ///< one line per series over the categories; gaps where values are missing
    column,         ///< vertical bars, series grouped side by side
    bar,            ///< horizontal bars (long category names), series grouped
    stacked_column, ///< series stacked
    stacked_bar,
    percent_column, ///< series stacked to 100% of each category
    percent_bar,
    bullet,          ///< `bullets`: actual vs expected vs target, with a status word
    range,           ///< `ranges`: P25-median-P75 per group, n beside each
    scatter,         ///< series with `x` values, points labelled by `point_labels`
    donut,           ///< the first series' values as shares of a ring
    dimension_bars,  ///< scores per dimension (0..1) as horizontal bars with their value
    radar,           ///< scores per dimension on spokes
    small_multiples, ///< `panels`, one small chart each, sharing scales
    sparkline,       ///< one series, no axes: for table cells
};

enum class AxisScale { linear, log };

/// One data series. `values[i]` belongs to category i; std::nullopt is missing data, drawn as
/// a gap (line) or a marked empty slot (bars), never as zero.
struct Series {
    std::string name;
    std::vector<std::optional<double>> values;
    std::vector<std::optional<double>> x;  ///< scatter: x values, parallel to `values`
    std::vector<std::string> point_labels; ///< scatter: a label per point ("" for none)
};

/// A reference drawn over a chart: a horizontal line at `value` (baseline, target) across the
/// plot, or, with `category`, a point marker at that category (a milestone).
struct Marker {
    enum class Kind { baseline, target, milestone };
    Kind kind = Kind::target;
    std::string label; ///< "Target 2026: 70%"
    double value = 0;
    std::optional<std::size_t> category;
};

/// One row of a bullet chart.
struct BulletItem {
    std::string label;
    std::optional<double> actual;
    std::optional<double> expected; ///< where the path says the actual should be
    std::optional<double> target;
    std::optional<double> baseline;
    std::string status;      ///< "on-track", "at-risk", "off-track", "no-data", "not-started"
    std::string status_text; ///< the word printed beside the bar, in the report's language
};

/// One row of a range chart. A missing median (suppressed, n < 3) is drawn as missing.
struct RangeItem {
    std::string label;
    std::optional<double> p25;
    std::optional<double> median;
    std::optional<double> p75;
    long n = 0;
};

/// A complete chart description.
struct ChartSpec {
    ChartKind kind = ChartKind::line;
    std::string title;
    std::string subtitle;
    std::string value_axis_title;
    std::string category_axis_title;     ///< scatter: the x axis title
    std::vector<std::string> categories; ///< x axis (line, column), y axis (bar), dimensions
    std::vector<Series> series;
    std::vector<Marker> markers;
    std::vector<BulletItem> bullets;
    std::vector<RangeItem> ranges;
    std::vector<ChartSpec> panels; ///< small_multiples: one chart each, same kind and format
    int panel_columns = 3;
    ValueFormat format;
    ValueFormat x_format; ///< scatter: format of the x axis
    AxisScale scale = AxisScale::linear;
    bool data_labels = false; ///< print the value on bars and points
    std::string source_note;  ///< "Source: ..." line drawn under the chart
};

/// "line", "column", ..., as written in configs and golden file names.
[[nodiscard]] const char* kind_name(ChartKind kind);

} // namespace charts
