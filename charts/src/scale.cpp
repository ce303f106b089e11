#include "charts/scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>
#include <string>

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

namespace {

/// The smallest and largest series value that `keep` accepts.
template <typename Keep>
std::optional<std::pair<double, double>> value_range_if(const ChartSpec& spec, Keep keep) {
    std::optional<std::pair<double, double>> range;
    for (const auto& series : spec.series) {
        for (const auto& value : series.values) {
            if (!value || !keep(*value)) {
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

} // namespace

std::optional<std::pair<double, double>> value_range(const ChartSpec& spec) {
    return value_range_if(spec, [](double value) { return std::isfinite(value); });
}

namespace {

/// The separators of a locale (UTF-8).
struct Symbols {
    const char* group;
    const char* decimal;
    const char* unit_space; ///< between a number and "%" or a compact unit ("" in English)
};

constexpr const char* narrow_nbsp = "\xE2\x80\xAF"; // U+202F NARROW NO-BREAK SPACE
constexpr const char* nbsp = "\xC2\xA0";            // U+00A0 NO-BREAK SPACE

Symbols symbols(Locale locale) {
    switch (locale) {
    case Locale::fr:
        return {narrow_nbsp, ",", narrow_nbsp};
    case Locale::es:
        return {".", ",", nbsp};
    case Locale::en:
        break;
    }
    return {",", ".", ""};
}

/// Adds one to a string of decimal digits; returns true when it carries out ("99" -> "00").
bool increment(std::string& digits) {
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        if (*it != '9') {
            ++*it;
            return false;
        }
        *it = '0';
    }
    return true;
}

/// |value| rounded half away from zero to `decimals` decimals, as integer and fraction digits,
/// from its 15 significant decimal digits (what Excel shows).
std::pair<std::string, std::string> rounded_digits(double magnitude, int decimals) {
    const std::string scientific = fmt::format("{:.14e}", magnitude); // "d.dddddddddddddde+XX"
    const auto e = scientific.find('e');
    std::string mantissa = scientific.substr(0, 1) + scientific.substr(2, e - 2); // 15 digits
    const int exponent = std::stoi(scientific.substr(e + 1));
    const auto count = static_cast<long>(mantissa.size());
    const long point = exponent + 1; // digits before the decimal point
    std::string integer;
    std::string fraction;
    if (point > 0) {
        const long taken = std::min(point, count);
        integer = mantissa.substr(0, static_cast<std::size_t>(taken)) +
                  std::string(static_cast<std::size_t>(point - taken), '0');
        fraction = mantissa.substr(static_cast<std::size_t>(taken));
    } else {
        integer = "0";
        fraction = std::string(static_cast<std::size_t>(-point), '0') + mantissa;
    }
    const auto wanted = static_cast<std::size_t>(decimals);
    bool round_up = false;
    if (fraction.size() > wanted) {
        round_up = fraction[wanted] >= '5';
        fraction.resize(wanted);
    } else {
        fraction.append(wanted - fraction.size(), '0');
    }
    if (round_up && increment(fraction) && increment(integer)) {
        integer.insert(integer.begin(), '1');
    }
    const auto first = integer.find_first_not_of('0');
    integer = first == std::string::npos ? "0" : integer.substr(first);
    return {integer, fraction};
}

} // namespace

std::string group_thousands(double value, int decimals) {
    return group_thousands(value, decimals, Locale::en);
}

std::string group_thousands(double value, int decimals, Locale locale) {
    if (!std::isfinite(value)) {
        return std::isnan(value) ? "nan" : value < 0 ? "-inf" : "inf";
    }
    // Round half away from zero, as Excel does, so the PDF and the workbook agree on ties.
    const auto [integer, fraction] = rounded_digits(std::fabs(value), std::max(0, decimals));
    const bool negative =
        value < 0 && (integer != "0" || fraction.find_first_not_of('0') != std::string::npos);
    const Symbols sep = symbols(locale);
    std::string out = negative ? "-" : "";
    const auto len = integer.size();
    for (std::size_t i = 0; i < len; ++i) {
        out.push_back(integer[i]);
        const auto remaining = len - i - 1;
        if (remaining > 0 && remaining % 3 == 0) {
            out += sep.group;
        }
    }
    if (!fraction.empty()) {
        out += sep.decimal;
        out += fraction;
    }
    return out;
}

namespace {

struct CompactUnit {
    double size;
    std::array<const char*, 3> names; ///< en, fr, es
};

std::string compact_number(double value, int decimals, Locale locale) {
    // The unit follows the magnitude, then moves up when rounding reaches 1,000 of it: 999,999
    // with one decimal is "1.0m", not "1,000.0k".
    static constexpr std::array<CompactUnit, 4> units{{{1.0, {"", "", ""}},
                                                       {1e3, {"k", "k", "mil"}},
                                                       {1e6, {"m", "M", "M"}},
                                                       {1e9, {"bn", "Md", "mil M"}}}};
    const double magnitude = std::fabs(value);
    std::size_t unit = 0;
    while (unit + 1 < units.size() && magnitude >= units[unit + 1].size) {
        ++unit;
    }
    if (unit + 1 < units.size() &&
        rounded_digits(magnitude / units[unit].size, std::max(0, decimals)).first.size() > 3) {
        ++unit;
    }
    const auto index = static_cast<std::size_t>(locale);
    std::string out = group_thousands(value / units[unit].size, decimals, locale);
    if (unit > 0) {
        out += symbols(locale).unit_space;
        out += units[unit].names.at(index);
    }
    return out;
}

} // namespace

std::string format_value(double value, const ValueFormat& format) {
    const Locale locale = format.locale;
    switch (format.kind) {
    case ValueKind::percent:
        return group_thousands(value * 100.0, format.decimals, locale) +
               symbols(locale).unit_space + "%";
    case ValueKind::currency:
        return format.currency + " " +
               (format.compact ? compact_number(value, format.decimals, locale)
                               : group_thousands(value, format.decimals, locale));
    case ValueKind::number:
        return format.compact ? compact_number(value, format.decimals, locale)
                              : group_thousands(value, format.decimals, locale);
    }
    return group_thousands(value, format.decimals, locale);
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

// ---- Log scales -------------------------------------------------------------------------------

namespace {

/// m x 10^n as the double nearest the decimal value (dividing by an exact power of ten for
/// n < 0: 2 / 100.0 == 0.02 where 2 * 0.01 is not).
double decimal(int mantissa, int exponent) {
    const auto m = static_cast<double>(mantissa);
    return exponent < 0 ? m / std::pow(10.0, -exponent) : m * std::pow(10.0, exponent);
}

int floor_log10(double value) {
    auto exponent = static_cast<int>(std::floor(std::log10(value)));
    // log10 may be off by one ulp around exact powers of ten.
    if (decimal(1, exponent + 1) <= value) {
        ++exponent;
    } else if (decimal(1, exponent) > value) {
        --exponent;
    }
    return exponent;
}

/// The largest m x 10^n <= value (or smallest >= value when `up`), m in `mantissas`.
double snap(double value, const std::vector<int>& mantissas, bool up) {
    const int exponent = floor_log10(value);
    const double tolerance = value * 1e-9;
    if (up) {
        for (int n = exponent; n <= exponent + 1; ++n) {
            for (const int m : mantissas) {
                const double candidate = decimal(m, n);
                if (candidate >= value - tolerance) {
                    return candidate;
                }
            }
        }
        return decimal(1, exponent + 1);
    }
    for (int n = exponent; n >= exponent - 1; --n) {
        for (auto it = mantissas.rbegin(); it != mantissas.rend(); ++it) {
            const double candidate = decimal(*it, n);
            if (candidate <= value + tolerance) {
                return candidate;
            }
        }
    }
    return decimal(1, exponent);
}

} // namespace

std::vector<double> LogScale::ticks() const {
    std::vector<double> out;
    if (!log_showable(min) || !log_showable(max) || max < min || mantissas.empty() ||
        decade_step < 1) {
        return out;
    }
    const int first = floor_log10(min);
    const int last = floor_log10(max);
    const double low = min * (1 - 1e-9);
    const double high = max * (1 + 1e-9);
    for (int n = first; n <= last; ++n) {
        if (decade_step > 1 && (n - first) % decade_step != 0) {
            continue;
        }
        for (const int m : mantissas) {
            const double tick = decimal(m, n);
            if (tick >= low && tick <= high) {
                out.push_back(tick);
            }
        }
    }
    return out;
}

double LogScale::fraction(double value) const {
    if (!log_showable(value)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (!log_showable(min) || !log_showable(max) || max == min) {
        return 0.0;
    }
    return (std::log10(value) - std::log10(min)) / (std::log10(max) - std::log10(min));
}

bool log_showable(double value) {
    return std::isfinite(value) && value > 0.0;
}

std::vector<ValueRef> log_unshowable(const ChartSpec& spec) {
    std::vector<ValueRef> out;
    for (std::size_t s = 0; s < spec.series.size(); ++s) {
        const auto& values = spec.series[s].values;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (values[i] && std::isfinite(*values[i]) && *values[i] <= 0.0) {
                out.push_back({s, i});
            }
        }
    }
    return out;
}

std::optional<std::pair<double, double>> positive_value_range(const ChartSpec& spec) {
    return value_range_if(spec, log_showable);
}

LogScale nice_log_scale(double lo, double hi, int target_ticks) {
    if (!log_showable(lo) || !log_showable(hi)) {
        return LogScale{1.0, 10.0, {1, 2, 5}, 1};
    }
    if (lo > hi) {
        std::swap(lo, hi);
    }
    const auto limit = static_cast<std::size_t>(std::max(3, 2 * std::max(1, target_ticks)));
    const auto try_mantissas = [&](std::vector<int> mantissas) {
        LogScale scale{snap(lo, mantissas, false), snap(hi, mantissas, true), mantissas, 1};
        if (scale.max <= scale.min) { // lo == hi on a tick: widen to the neighbouring ticks
            scale.min = snap(lo * (1 - 1e-6), mantissas, false);
            scale.max = snap(hi * (1 + 1e-6), mantissas, true);
        }
        return scale;
    };
    const LogScale fine = try_mantissas({1, 2, 5});
    const auto fine_count = fine.ticks().size();
    if (fine_count >= 3 && fine_count <= limit) {
        return fine;
    }
    if (fine_count < 3) {
        const LogScale all = try_mantissas({1, 2, 3, 4, 5, 6, 7, 8, 9});
        if (all.ticks().size() <= limit) {
            return all;
        }
        return fine;
    }
    // Powers of ten every `step` decades, bounds on multiples of the step.
    const int low = floor_log10(lo);
    int high = floor_log10(hi);
    if (decimal(1, high) < hi * (1 - 1e-9)) {
        ++high;
    }
    for (int step = 1;; step = static_cast<int>(nice_step(step + 0.5))) {
        const int first = static_cast<int>(std::floor(static_cast<double>(low) / step)) * step;
        const int last = static_cast<int>(std::ceil(static_cast<double>(high) / step)) * step;
        const auto count = static_cast<std::size_t>((last - first) / step + 1);
        if (count <= limit || step >= 1000) {
            return LogScale{decimal(1, first), decimal(1, last), {1}, step};
        }
    }
}

std::string format_log_tick(double value, const ValueFormat& format) {
    return format_tick(value, std::fabs(value), format);
}

// ---- Period categories ------------------------------------------------------------------------

std::string period_label(int year, int quarter, Locale locale) {
    if (quarter < 0 || quarter > 4) {
        throw std::invalid_argument(fmt::format("quarter {} is not 0 (annual) or 1..4", quarter));
    }
    if (quarter == 0) {
        return fmt::format("{}", year);
    }
    switch (locale) {
    case Locale::fr:
    case Locale::es:
        return fmt::format("T{} {}", quarter, year);
    case Locale::en:
        break;
    }
    return fmt::format("Q{} {}", quarter, year);
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
