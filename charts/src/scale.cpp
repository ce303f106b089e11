#include "charts/scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace charts {

std::vector<double> LinearScale::ticks() const {
    std::vector<double> out;
    if (!(step > 0.0) || max < min) {
        return out;
    }
    const auto count = static_cast<long>(std::llround((max - min) / step));
    const auto first = static_cast<long>(std::llround(min / step));
    // For steps below 1 (0.1, 0.02...), k / (1/step) gives the double nearest k*step exactly
    // (3 / 10.0 == 0.3) where k * 0.1 would not (0.30000000000000004).
    const double inverse = 1.0 / step;
    const bool divide = step < 1.0 && std::fabs(inverse - std::round(inverse)) < 1e-9;
    for (long i = 0; i <= count; ++i) {
        const auto k = static_cast<double>(first + i);
        const double tick = divide ? k / std::round(inverse) : k * step;
        out.push_back(tick == 0.0 ? 0.0 : tick); // no -0
    }
    return out;
}

double LinearScale::fraction(double value) const {
    if (max == min) {
        return 0.0;
    }
    return (value - min) / (max - min);
}

double nice_step(double rough_step) {
    const double exponent = std::floor(std::log10(rough_step));
    const double magnitude = std::pow(10.0, exponent);
    const double mantissa = rough_step / magnitude;
    double nice = 10.0;
    if (mantissa <= 1.0 + 1e-9) {
        nice = 1.0;
    } else if (mantissa <= 2.0 + 1e-9) {
        nice = 2.0;
    } else if (mantissa <= 5.0 + 1e-9) {
        nice = 5.0;
    }
    return nice * magnitude;
}

LinearScale nice_scale(double lo, double hi, int target_ticks, bool include_zero) {
    if (lo > hi) {
        std::swap(lo, hi);
    }
    if (include_zero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    if (hi - lo <= 0.0) {
        const double pad = lo == 0.0 ? 1.0 : std::fabs(lo) * 0.5;
        lo = include_zero && lo >= 0.0 ? 0.0 : lo - pad;
        hi = hi + pad;
    }
    const int intervals = std::max(1, target_ticks);
    const double step = nice_step((hi - lo) / intervals);
    LinearScale scale;
    scale.step = step;
    scale.min = std::floor(lo / step + 1e-9) * step;
    scale.max = std::ceil(hi / step - 1e-9) * step;
    if (scale.max <= scale.min) {
        scale.max = scale.min + step;
    }
    return scale;
}

std::optional<std::pair<double, double>> value_range(const ChartSpec& spec) {
    std::optional<std::pair<double, double>> range;
    for (const auto& series : spec.series) {
        for (const auto& value : series.values) {
            if (!value || !std::isfinite(*value)) {
                continue;
            }
            if (!range) {
                range = std::pair{*value, *value};
                continue;
            }
            range->first = std::min(range->first, *value);
            range->second = std::max(range->second, *value);
        }
    }
    return range;
}

std::string group_thousands(double value, int decimals) {
    // Round half away from zero, as Excel does, so the PDF and the workbook agree on ties.
    const double scale = std::pow(10.0, std::max(0, decimals));
    const double rounded = std::round(std::fabs(value) * scale) / scale;
    std::string digits = fmt::format("{:.{}f}", rounded, std::max(0, decimals));
    const bool negative = value < 0 && digits.find_first_not_of("0.") != std::string::npos;
    const auto dot = digits.find('.');
    std::string integer = digits.substr(0, dot);
    const std::string fraction = dot == std::string::npos ? "" : digits.substr(dot);
    std::string grouped;
    const auto len = integer.size();
    for (std::size_t i = 0; i < len; ++i) {
        grouped.push_back(integer[i]);
        const auto remaining = len - i - 1;
        if (remaining > 0 && remaining % 3 == 0) {
            grouped.push_back(',');
        }
    }
    return (negative ? "-" : "") + grouped + fraction;
}

namespace {

std::string compact_number(double value, int decimals) {
    // The unit follows the magnitude, then moves up when rounding reaches 1,000 of it: 999,999
    // with one decimal is "1.0m", not "1,000.0k".
    static constexpr std::array<std::pair<double, const char*>, 4> units{
        {{1.0, ""}, {1e3, "k"}, {1e6, "m"}, {1e9, "bn"}}};
    const double scale = std::pow(10.0, std::max(0, decimals));
    const double magnitude = std::fabs(value);
    std::size_t unit = 0;
    while (unit + 1 < units.size() && magnitude >= units[unit + 1].first) {
        ++unit;
    }
    if (unit + 1 < units.size() &&
        std::round(magnitude / units[unit].first * scale) / scale >= 1000.0) {
        ++unit;
    }
    return group_thousands(value / units[unit].first, decimals) + units[unit].second;
}

} // namespace

std::string format_value(double value, const ValueFormat& format) {
    switch (format.kind) {
    case ValueKind::percent:
        return group_thousands(value * 100.0, format.decimals) + "%";
    case ValueKind::currency:
        return format.currency + " " +
               (format.compact ? compact_number(value, format.decimals)
                               : group_thousands(value, format.decimals));
    case ValueKind::number:
        return format.compact ? compact_number(value, format.decimals)
                              : group_thousands(value, format.decimals);
    }
    return group_thousands(value, format.decimals);
}

std::string format_tick(double value, double step, const ValueFormat& format) {
    double unit_step = step;
    if (format.kind == ValueKind::percent) {
        unit_step *= 100.0;
    } else if (format.compact) {
        const double magnitude = std::max(std::fabs(value), step);
        unit_step /= magnitude >= 1e9 ? 1e9 : magnitude >= 1e6 ? 1e6 : magnitude >= 1e3 ? 1e3 : 1.0;
    }
    int decimals = 0;
    while (decimals < 6 && std::fabs(unit_step * std::pow(10.0, decimals) -
                                     std::round(unit_step * std::pow(10.0, decimals))) > 1e-6) {
        ++decimals;
    }
    ValueFormat tick_format = format;
    tick_format.decimals = decimals;
    return format_value(value, tick_format);
}

} // namespace charts

namespace charts {

const char* kind_name(ChartKind kind) {
    switch (kind) {
    case ChartKind::line:
        return "line";
    case ChartKind::column:
        return "column";
    case ChartKind::bar:
        return "bar";
    case ChartKind::stacked_column:
        return "stacked-column";
    case ChartKind::stacked_bar:
        return "stacked-bar";
    case ChartKind::percent_column:
        return "percent-column";
    case ChartKind::percent_bar:
        return "percent-bar";
    case ChartKind::bullet:
        return "bullet";
    case ChartKind::range:
        return "range";
    case ChartKind::scatter:
        return "scatter";
    case ChartKind::donut:
        return "donut";
    case ChartKind::dimension_bars:
        return "dimension-bars";
    case ChartKind::radar:
        return "radar";
    case ChartKind::small_multiples:
        return "small-multiples";
    case ChartKind::sparkline:
        return "sparkline";
    }
    return "line";
}

} // namespace charts
