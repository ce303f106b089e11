#pragma once
/// The chart model: what to draw, independent of how (PDF vector, PNG, SVG, native Excel chart).
/// It knows nothing about microfinance: categories, series of optional values, a value format.

#include <optional>
#include <string>
#include <vector>

namespace charts {

/// How values on the value axis and in labels are written.
enum class ValueKind { number, percent, currency };

/// Formatting of one kind of value. `decimals` applies to labels; ticks choose their own.
/// Percent values are fractions (0.052 is shown as "5.2%").
struct ValueFormat {
    ValueKind kind = ValueKind::number;
    int decimals = 0;
    std::string currency = "USD"; ///< ISO 4217 code, shown as a prefix ("USD 1.2m")
    bool compact = false;         ///< write large numbers as 1.2m / 350k
};

enum class ChartKind { line, column };

/// One data series. `values[i]` belongs to category i; std::nullopt is missing data, drawn as
/// a gap (line) or a marked empty slot (column), never as zero.
struct Series {
    std::string name;
    std::vector<std::optional<double>> values;
};

/// A complete chart description.
struct ChartSpec {
    ChartKind kind = ChartKind::line;
    std::string title;
    std::string subtitle;
    std::string value_axis_title;
    std::vector<std::string> categories; ///< x axis for line/column
    std::vector<Series> series;
    ValueFormat format;
    std::string source_note; ///< "Source: ..." line drawn under the chart
};

} // namespace charts
