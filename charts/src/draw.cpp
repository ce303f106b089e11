// Drawing of the cartesian chart kinds (line, column, bar, stacked and 100% stacked, scatter,
// sparkline, small multiples) onto the abstract Canvas. The other kinds (bullet, range, donut,
// dimension bars, radar) are drawn in draw_special.cpp.
//
// Conventions:
// - Missing values are never drawn as zero: lines break at them (a lone point between two gaps
//   is drawn as a marker), bars leave a hatched empty slot marked "n/a", and a chart without any
//   present value draws an empty plot with "no data" in the middle.
// - Negative values in stacks: in stacked charts positive values stack upwards (rightwards) from
//   zero and negative values stack downwards (leftwards) from zero, as Excel does. In 100%
//   stacked charts each value's share is taken of the sum of the absolute values of its
//   category, so a category with negatives spans -a% .. +b% with a + b = 100; a category with a
//   missing value (or whose values are all zero) has no defined shares and is drawn as missing.
// - Log scale applies to line, column, bar, scatter (y) and sparkline; values <= 0 cannot be
//   placed on it and are drawn as missing. Stacked and 100% charts ignore it.
// - Every canvas call carries a role ("title", "tick-label", "category-label", "legend",
//   "data-label", "bar", "line", "marker", "gridline", "axis", "axis-title", "reference-line",
//   "reference-label", "missing") that the tests and golden projections read.

#include "charts/draw.hpp"

#include "charts/labels.hpp"
#include "charts/scale.hpp"
#include "charts/text.hpp"
#include "draw_internal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace charts {

namespace {

using detail::grey;
using detail::grid;
using detail::ink;

constexpr Rgb white{1.0, 1.0, 1.0};

// ---------------------------------------------------------------------------------------------
// Geometry: rotated text boxes and a register of placed labels, so labels never overlap.

using Quad = std::array<Point, 4>;

/// The corners of a text of `size` drawn at (x, y) rotated by `angle` degrees counter-clockwise
/// around its top-left corner (the same geometry as the canvases).
Quad text_quad(double x, double y, TextSize size, double angle) {
    const double radians = -angle * M_PI / 180.0;
    const double c = std::cos(radians);
    const double s = std::sin(radians);
    const std::array<Point, 4> local{
        {{0, 0}, {size.width, 0}, {size.width, size.height}, {0, size.height}}};
    Quad out{};
    for (std::size_t i = 0; i < 4; ++i) {
        out.at(i) = {x + local.at(i).x * c - local.at(i).y * s,
                     y + local.at(i).x * s + local.at(i).y * c};
    }
    return out;
}

Quad box_quad(const Box& b) {
    return {
        {{b.x, b.y}, {b.x + b.width, b.y}, {b.x + b.width, b.y + b.height}, {b.x, b.y + b.height}}};
}

/// Separating-axis test for two convex quadrilaterals; touching does not count.
bool quads_overlap(const Quad& a, const Quad& b, double tolerance = 0.01) {
    for (const Quad* shape : {&a, &b}) {
        for (std::size_t i = 0; i < 4; ++i) {
            const Point p = shape->at(i);
            const Point q = shape->at((i + 1) % 4);
            const double nx = -(q.y - p.y);
            const double ny = q.x - p.x;
            const double length = std::hypot(nx, ny);
            if (length <= 0) {
                continue;
            }
            double amin = std::numeric_limits<double>::max();
            double amax = std::numeric_limits<double>::lowest();
            double bmin = amin;
            double bmax = amax;
            for (const Point& v : a) {
                const double d = (v.x * nx + v.y * ny) / length;
                amin = std::min(amin, d);
                amax = std::max(amax, d);
            }
            for (const Point& v : b) {
                const double d = (v.x * nx + v.y * ny) / length;
                bmin = std::min(bmin, d);
                bmax = std::max(bmax, d);
            }
            if (std::min(amax, bmax) - std::max(amin, bmin) <= tolerance) {
                return false;
            }
        }
    }
    return true;
}

bool inside(const Quad& quad, const Box& box) {
    const double slack = 0.01;
    return std::all_of(quad.begin(), quad.end(), [&](const Point& p) {
        return p.x >= box.x - slack && p.x <= box.x + box.width + slack && p.y >= box.y - slack &&
               p.y <= box.y + box.height + slack;
    });
}

/// Labels placed so far on one chart.
class Placer {
public:
    [[nodiscard]] bool free(const Quad& quad) const {
        return std::none_of(placed_.begin(), placed_.end(),
                            [&](const Quad& other) { return quads_overlap(quad, other); });
    }
    void add(const Quad& quad) { placed_.push_back(quad); }

private:
    std::vector<Quad> placed_;
};

// ---------------------------------------------------------------------------------------------
// Text helpers.

struct Pen {
    Canvas& canvas;
    const Theme& theme;
    Locale locale = Locale::en; ///< of the words the chart code prints (spec.format.locale)

    [[nodiscard]] std::string word(detail::Word which) const { return detail::word(which, locale); }

    [[nodiscard]] TextStyle label(double wrap = -1) const {
        return detail::style(theme, theme.label_size, false, wrap);
    }
    [[nodiscard]] TextStyle small() const {
        return detail::style(theme, theme.note_size * 0.9, false);
    }
    [[nodiscard]] TextSize measure(const std::string& text, const TextStyle& style) const {
        return canvas.measure(text, style);
    }
    [[nodiscard]] double line_height() const { return measure("0", label()).height; }

    /// `text` shortened with "…" to fit `width` (single line).
    [[nodiscard]] std::string fit(const std::string& text, const TextStyle& style,
                                  double width) const {
        if (width <= 0) {
            return "";
        }
        if (measure(text, style).width <= width) {
            return text;
        }
        return ellipsise(text, width, [&](const std::string& candidate) {
            return measure(candidate, style).width;
        });
    }

    /// Draws `text` at (x, y) if it lies inside `bounds` and clear of every placed label;
    /// returns whether it was drawn.
    bool place(const std::string& text, const TextStyle& style, double x, double y,
               const Rgb& colour, std::string_view role, const Box& bounds, Placer& placer,
               double angle = 0) const {
        if (text.empty()) {
            return false;
        }
        const Quad quad = text_quad(x, y, measure(text, style), angle);
        if (!inside(quad, bounds) || !placer.free(quad)) {
            return false;
        }
        placer.add(quad);
        canvas.text(text, style, x, y, colour, role, angle);
        return true;
    }
};

Box shrink(const Box& box, double top, double right, double bottom, double left) {
    return {box.x + left, box.y + top, std::max(0.0, box.width - left - right),
            std::max(0.0, box.height - top - bottom)};
}

void no_data(const Pen& pen, const Box& plot, Placer& placer, const std::string& word) {
    const TextStyle style = pen.label();
    const std::string text = pen.fit(word, style, plot.width);
    const TextSize size = pen.measure(text, style);
    pen.place(text, style, plot.x + (plot.width - size.width) / 2,
              plot.y + (plot.height - size.height) / 2, grey, "missing", plot, placer);
}

// ---------------------------------------------------------------------------------------------
// Value axes.

struct Axis {
    double min = 0;
    double max = 1;
    double step = 0.2;
    bool log = false;
    std::vector<double> ticks;
    ValueFormat format;

    [[nodiscard]] bool shows(double value) const {
        return std::isfinite(value) && (!log || value > 0);
    }
    /// Position of `value` as a fraction of the axis, clamped to [0, 1].
    [[nodiscard]] double fraction(double value) const {
        double f = 0;
        if (log) {
            const double lo = std::log10(min);
            const double hi = std::log10(max);
            f = hi > lo && value > 0 ? (std::log10(value) - lo) / (hi - lo) : 0.0;
        } else {
            f = max > min ? (value - min) / (max - min) : 0.0;
        }
        return std::clamp(f, 0.0, 1.0);
    }
    /// Where bars start: zero, or the axis end nearest to it.
    [[nodiscard]] double baseline() const { return log ? min : std::clamp(0.0, min, max); }
    [[nodiscard]] std::string label(double tick) const {
        return log ? format_log_tick(tick, format) : format_tick(tick, step, format);
    }
};

Axis linear_axis(double lo, double hi, int target, bool include_zero, const ValueFormat& format) {
    const LinearScale scale = nice_scale(lo, hi, target, include_zero);
    Axis axis;
    axis.min = scale.min;
    axis.max = scale.max;
    axis.step = scale.step;
    axis.ticks = scale.ticks();
    axis.format = format;
    return axis;
}

/// A log axis (nice_log_scale: 1-2-5 ticks per decade, or powers of ten).
Axis log_axis(double lo, double hi, int target, const ValueFormat& format) {
    const LogScale scale = nice_log_scale(lo, hi, target);
    Axis axis;
    axis.log = true;
    axis.format = format;
    axis.min = scale.min;
    axis.max = scale.max;
    axis.ticks = scale.ticks();
    axis.step = scale.min;
    return axis;
}

enum class Layout { grouped, stacked, percent };

Layout layout_of(ChartKind kind) {
    switch (kind) {
    case ChartKind::stacked_column:
    case ChartKind::stacked_bar:
        return Layout::stacked;
    case ChartKind::percent_column:
    case ChartKind::percent_bar:
        return Layout::percent;
    case ChartKind::line:
    case ChartKind::column:
    case ChartKind::bar:
    case ChartKind::bullet:
    case ChartKind::range:
    case ChartKind::scatter:
    case ChartKind::donut:
    case ChartKind::dimension_bars:
    case ChartKind::radar:
    case ChartKind::small_multiples:
    case ChartKind::sparkline:
        return Layout::grouped;
    }
    return Layout::grouped;
}

bool is_horizontal(ChartKind kind) {
    return kind == ChartKind::bar || kind == ChartKind::stacked_bar ||
           kind == ChartKind::percent_bar;
}

bool is_cartesian(ChartKind kind) {
    switch (kind) {
    case ChartKind::line:
    case ChartKind::column:
    case ChartKind::bar:
    case ChartKind::stacked_column:
    case ChartKind::stacked_bar:
    case ChartKind::percent_column:
    case ChartKind::percent_bar:
        return true;
    case ChartKind::bullet:
    case ChartKind::range:
    case ChartKind::scatter:
    case ChartKind::donut:
    case ChartKind::dimension_bars:
    case ChartKind::radar:
    case ChartKind::small_multiples:
    case ChartKind::sparkline:
        return false;
    }
    return false;
}

bool uses_log(const ChartSpec& spec) {
    return spec.scale == AxisScale::log && layout_of(spec.kind) == Layout::grouped;
}

std::optional<double> value_at(const Series& series, std::size_t index) {
    if (index < series.values.size() && series.values[index] &&
        std::isfinite(*series.values[index])) {
        return series.values[index];
    }
    return std::nullopt;
}

bool is_point_marker(const Marker& marker) {
    return marker.category.has_value() || marker.kind == Marker::Kind::milestone;
}

/// Shares of each series in category `index` of a 100% chart, or nullopt when undefined.
std::optional<std::vector<double>> shares(const ChartSpec& spec, std::size_t index) {
    std::vector<double> out;
    double total = 0;
    for (const Series& series : spec.series) {
        const auto value = value_at(series, index);
        if (!value) {
            return std::nullopt;
        }
        out.push_back(*value);
        total += std::fabs(*value);
    }
    if (!(total > 0)) {
        return std::nullopt;
    }
    for (double& share : out) {
        share /= total;
    }
    return out;
}

/// The range of values a chart's value axis must show, or nullopt without any present value.
/// Markers widen the range but do not count as data.
std::optional<std::pair<double, double>> data_extent(const ChartSpec& spec) {
    const bool log = uses_log(spec);
    std::optional<std::pair<double, double>> range;
    bool data = false;
    const auto add = [&](double value, bool is_data) {
        if (!std::isfinite(value) || (log && value <= 0)) {
            return;
        }
        data = data || is_data;
        if (!range) {
            range = std::pair{value, value};
        }
        range->first = std::min(range->first, value);
        range->second = std::max(range->second, value);
    };
    const std::size_t categories = spec.categories.size();
    switch (layout_of(spec.kind)) {
    case Layout::grouped:
        for (const Series& series : spec.series) {
            for (std::size_t i = 0; i < series.values.size(); ++i) {
                if (spec.kind == ChartKind::scatter &&
                    (i >= series.x.size() || !series.x[i] || !std::isfinite(*series.x[i]))) {
                    continue;
                }
                if (const auto value = value_at(series, i)) {
                    add(*value, true);
                }
            }
        }
        break;
    case Layout::stacked:
        for (std::size_t i = 0; i < categories; ++i) {
            double up = 0;
            double down = 0;
            for (const Series& series : spec.series) {
                if (const auto value = value_at(series, i)) {
                    (*value >= 0 ? up : down) += *value;
                    add(up, true);
                    add(down, true);
                }
            }
        }
        break;
    case Layout::percent:
        for (std::size_t i = 0; i < categories; ++i) {
            if (const auto share = shares(spec, i)) {
                double up = 0;
                double down = 0;
                for (const double s : *share) {
                    (s >= 0 ? up : down) += s;
                }
                add(up, true);
                add(down, true);
            }
        }
        if (data) {
            add(0.0, false);
            add(1.0, false);
        }
        break;
    }
    if (!data) {
        return std::nullopt;
    }
    if (spec.kind != ChartKind::sparkline) {
        for (const Marker& marker : spec.markers) {
            add(marker.value, false);
        }
    }
    return range;
}

ValueFormat axis_format(const ChartSpec& spec) {
    if (layout_of(spec.kind) == Layout::percent) {
        ValueFormat format = spec.format;
        format.kind = ValueKind::percent;
        format.decimals = 0;
        format.compact = false;
        return format;
    }
    return spec.format;
}

/// An axis over `extent`, with as many ticks (at most `target`) as fit `length` points when
/// each tick label needs `room(label)` points along the axis.
template <typename Room>
Axis fitted_axis(const ChartSpec& spec, std::pair<double, double> extent, int target, double length,
                 Room room) {
    const bool log = uses_log(spec);
    const bool include_zero = spec.kind != ChartKind::line && spec.kind != ChartKind::scatter &&
                              spec.kind != ChartKind::sparkline;
    Axis axis;
    for (int t = std::max(2, target); t >= 1; --t) {
        axis = log ? log_axis(extent.first, extent.second, t, axis_format(spec))
                   : linear_axis(extent.first, extent.second, t, include_zero, axis_format(spec));
        if (axis.ticks.size() < 2) {
            break;
        }
        const double spacing = length / static_cast<double>(axis.ticks.size() - 1);
        bool fits = true;
        for (std::size_t i = 0; i + 1 < axis.ticks.size() && fits; ++i) {
            const double a = axis.fraction(axis.ticks[i]) * length;
            const double b = axis.fraction(axis.ticks[i + 1]) * length;
            fits = b - a >=
                   (room(axis.label(axis.ticks[i])) + room(axis.label(axis.ticks[i + 1]))) / 2;
        }
        if (fits && spacing > 0) {
            break;
        }
    }
    return axis;
}

// ---------------------------------------------------------------------------------------------
// Legend.

struct LegendEntry {
    enum class Swatch { line, bar, reference, milestone };
    std::string text;
    Swatch swatch = Swatch::line;
    std::size_t index = 0;
    Rgb colour;
    bool dashed = false;
};

void draw_milestone(Canvas& canvas, Point c, double size, std::string_view role) {
    const double half = size / 2;
    const std::array<Point, 3> points{
        {{c.x - half, c.y - half}, {c.x + half, c.y - half}, {c.x, c.y + half}}};
    canvas.polygon(points, Fill{ink, false}, role);
}

std::vector<LegendEntry> legend_entries(const ChartSpec& spec, bool with_series) {
    std::vector<LegendEntry> out;
    const bool bars = spec.kind != ChartKind::line && spec.kind != ChartKind::scatter &&
                      spec.kind != ChartKind::sparkline;
    if (with_series) {
        for (std::size_t i = 0; i < spec.series.size(); ++i) {
            out.push_back({spec.series[i].name,
                           bars ? LegendEntry::Swatch::bar : LegendEntry::Swatch::line, i,
                           palette_colour(i), false});
        }
    }
    for (const Marker& marker : spec.markers) {
        if (is_point_marker(marker)) {
            out.push_back({marker.label.empty()
                               ? detail::word(detail::Word::milestone, spec.format.locale)
                               : marker.label,
                           LegendEntry::Swatch::milestone, 0, ink, false});
        }
    }
    return out;
}

/// Draws the legend rows at the top of `area`; returns the height used. Entries that do not
/// fit in `max_height` are summarised as "+N more".
double draw_legend(const Pen& pen, const Box& area, const std::vector<LegendEntry>& entries,
                   double max_height, Placer& placer) {
    if (entries.empty()) {
        return 0;
    }
    const TextStyle style = pen.label();
    const double lh = pen.line_height();
    const double swatch = 14;
    const double gap = 10;
    double x = area.x;
    double y = area.y;
    const double right = area.x + area.width;
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const LegendEntry& entry = entries[e];
        const std::string text =
            pen.fit(entry.text.empty() ? pen.word(detail::Word::unnamed) : entry.text, style,
                    area.width - swatch);
        const double width = swatch + pen.measure(text, style).width;
        if (x > area.x && x + width > right) {
            x = area.x;
            y += lh + 2;
        }
        if (y + 2 * lh + 2 > area.y + max_height && e + 1 < entries.size()) {
            // Room for this row only: say how many are left out rather than overflow.
            const std::string more =
                "+" + std::to_string(entries.size() - e) + " " + pen.word(detail::Word::more);
            if (x + pen.measure(more, style).width > right) {
                x = area.x;
                y += lh + 2;
            }
            if (y + lh <= area.y + max_height + 0.01) {
                pen.place(more, style, x, y, grey, "legend", area, placer);
            }
            return y + lh - area.y;
        }
        const double mid = y + lh / 2;
        switch (entry.swatch) {
        case LegendEntry::Swatch::line: {
            const std::array<Point, 2> line{{{x, mid}, {x + 10, mid}}};
            pen.canvas.line(line, Stroke{entry.colour, 1.5, {}}, "legend");
            detail::draw_marker(pen.canvas, entry.index, {x + 5, mid}, 4.5, entry.colour, "legend");
            break;
        }
        case LegendEntry::Swatch::bar:
            pen.canvas.rect({x, mid - 4.5, 10, 9}, Fill{entry.colour, false}, "legend");
            detail::draw_marker(pen.canvas, entry.index, {x + 5, mid}, 4, white, "legend");
            break;
        case LegendEntry::Swatch::reference: {
            const std::array<Point, 2> line{{{x, mid}, {x + 10, mid}}};
            pen.canvas.line(line, Stroke{entry.colour, 1.0, {2.5, 1.5}}, "legend");
            break;
        }
        case LegendEntry::Swatch::milestone:
            draw_milestone(pen.canvas, {x + 5, mid}, 6, "legend");
            break;
        }
        pen.place(text, style, x + swatch, y, ink, "legend", area, placer);
        x += width + gap;
    }
    return y + lh - area.y;
}

// ---------------------------------------------------------------------------------------------
// Category labels along a horizontal axis (below the plot).

struct CategoryLabel {
    std::string text;
    TextStyle style;
    TextSize size;
};

struct CategoryAxis {
    AxisLabelPlan plan;
    std::vector<std::optional<CategoryLabel>> labels; ///< nullopt: not shown (thinned)
    double height = 0;                                ///< space taken below the axis
};

/// Which of `n` labels to show when every `step`-th is: always the first and the last, and
/// not the one just before the last when they would be closer than `step`.
std::vector<bool> thinned(std::size_t n, std::size_t step) {
    std::vector<bool> shown(n, false);
    if (n == 0) {
        return shown;
    }
    step = std::max<std::size_t>(1, step);
    for (std::size_t i = 0; i < n; i += step) {
        shown[i] = true;
    }
    if (!shown[n - 1]) {
        shown[n - 1] = true;
        const std::size_t previous = (n - 1) / step * step;
        if (previous != 0) {
            shown[previous] = false;
        }
    }
    return shown;
}

/// Decides how to set `categories` in slots of `slot` points, within `max_height` below the
/// axis; `left_room` is the room from the first slot's centre to the left edge of the chart.
CategoryAxis plan_categories(const Pen& pen, const std::vector<std::string>& categories,
                             double slot, double max_height, double left_room) {
    CategoryAxis out;
    const std::size_t n = categories.size();
    if (n == 0) {
        return out;
    }
    const double lh = pen.line_height();
    std::vector<LabelSize> sizes;
    for (const std::string& category : categories) {
        const TextSize size = pen.measure(category, pen.label());
        sizes.push_back({size.width, size.height});
    }
    out.plan = plan_axis_labels(sizes, slot, max_height, lh);
    if (out.plan.wrap_width > 0) {
        // Wrapping must not break a word ("199" / "0"): thin single-line labels out instead.
        double longest_word = 0;
        double widest = 0;
        for (std::size_t i = 0; i < n; ++i) {
            widest = std::max(widest, sizes[i].width);
            std::size_t start = 0;
            const std::string& text = categories[i];
            while (start <= text.size()) {
                const std::size_t end = std::min(text.find(' ', start), text.size());
                if (end > start) {
                    longest_word =
                        std::max(longest_word,
                                 pen.measure(text.substr(start, end - start), pen.label()).width);
                }
                start = end + 1;
            }
        }
        if (longest_word > out.plan.wrap_width) {
            AxisLabelPlan fallback;
            fallback.step = n;
            for (std::size_t step = 1; step < n; ++step) {
                if (widest + 2 <= static_cast<double>(step) * slot) {
                    fallback.step = step;
                    break;
                }
            }
            if (fallback.step >= n) {
                fallback.step = std::max<std::size_t>(1, n - 1);
                fallback.max_width = std::max(0.0, static_cast<double>(fallback.step) * slot - 2);
            }
            fallback.height_needed = lh;
            out.plan = fallback;
        }
    }
    const AxisLabelPlan& plan = out.plan;
    const std::size_t step = std::max<std::size_t>(1, plan.step);
    out.labels.resize(n);
    const std::vector<bool> shown = thinned(n, step);
    for (std::size_t i = 0; i < n; ++i) {
        if (!shown[i]) {
            continue;
        }
        CategoryLabel label;
        label.style = pen.label();
        label.text = categories[i];
        if (plan.angle == 0 && plan.wrap_width > 0) {
            label.style.wrap_width = plan.wrap_width;
            label.style.align = TextAlign::centre;
        }
        double limit = plan.max_width > 0 ? plan.max_width : std::numeric_limits<double>::max();
        if (plan.angle == 0 && plan.wrap_width <= 0) {
            limit = std::min(limit, std::max(slot, 0.0) + static_cast<double>(step - 1) * slot);
        }
        if (plan.angle > 0) {
            // A rotated label runs down-left from its slot: keep it inside the chart.
            const double sine = std::sin(plan.angle * M_PI / 180.0);
            const double cosine = std::cos(plan.angle * M_PI / 180.0);
            const double horizontal = left_room + static_cast<double>(i) * slot;
            if (cosine > 1e-6) {
                limit = std::min(limit, (horizontal - lh * sine / 2 - 1) / cosine);
            }
            limit = std::min(limit, (max_height - lh * cosine) / std::max(sine, 1e-6));
        }
        if (label.style.wrap_width <= 0) {
            label.text = pen.fit(label.text, label.style, limit);
        }
        label.size = pen.measure(label.text, label.style);
        if (label.style.wrap_width > 0) {
            // Draw with the width actually used so that the recorded bounds are the text's.
            label.style.wrap_width =
                std::min(label.style.wrap_width, std::ceil(label.size.width) + 0.5);
            label.size = pen.measure(label.text, label.style);
        }
        double extent = label.size.height;
        if (plan.angle > 0) {
            const double a = plan.angle * M_PI / 180.0;
            extent = label.size.width * std::sin(a) + label.size.height * std::cos(a);
        }
        out.height = std::max(out.height, extent);
        out.labels[i] = std::move(label);
    }
    return out;
}

/// Draws the planned labels under slots centred at `centre(i)`, top at `top`.
template <typename Centre>
void draw_categories(const Pen& pen, const CategoryAxis& axis, Centre centre, double top,
                     const Box& bounds, Placer& placer) {
    const double angle = axis.plan.angle;
    for (std::size_t i = 0; i < axis.labels.size(); ++i) {
        if (!axis.labels[i]) {
            continue;
        }
        const CategoryLabel& label = *axis.labels[i];
        const double cx = centre(i);
        double x = 0;
        double y = top;
        if (angle <= 0) {
            x = std::clamp(cx - label.size.width / 2, bounds.x,
                           bounds.x + bounds.width - label.size.width);
        } else {
            // The end of the text at the slot centre; the text runs down-left.
            const double a = angle * M_PI / 180.0;
            const double s = std::sin(a);
            const double c = std::cos(a);
            x = cx - label.size.width * c - label.size.height * s / 2;
            y = top + label.size.width * s;
            if (angle >= 89.9) {
                x = cx - label.size.height / 2;
            }
        }
        pen.place(label.text, label.style, x, y, grey, "category-label", bounds, placer, angle);
    }
}

// ---------------------------------------------------------------------------------------------
// Cartesian charts: line, column, bar and their stacked forms.

struct Cartesian {
    const Pen& pen;
    const ChartSpec& spec;
    const Box& area; ///< everything this chart may draw in
    Placer& placer;
    bool horizontal = false;
    Layout layout = Layout::grouped;
    Axis axis;
    Box plot;
    double slot = 0;

    /// Position along the value axis (y for vertical charts, x for horizontal ones).
    [[nodiscard]] double pos(double value) const {
        const double f = axis.fraction(value);
        return horizontal ? plot.x + f * plot.width : plot.y + plot.height - f * plot.height;
    }
    /// Centre of category `i` along the category axis.
    [[nodiscard]] double centre(std::size_t i) const {
        const double offset = (static_cast<double>(i) + 0.5) * slot;
        return horizontal ? plot.y + offset : plot.x + offset;
    }
    /// The rectangle from value `a` to value `b` across [`from`, `from + thickness`].
    [[nodiscard]] Box span(double a, double b, double from, double thickness) const {
        const double pa = pos(a);
        const double pb = pos(b);
        if (horizontal) {
            return {std::min(pa, pb), from, std::fabs(pb - pa), thickness};
        }
        return {from, std::min(pa, pb), thickness, std::fabs(pb - pa)};
    }
    /// The rectangle of `length` points from value `at` outwards (`up`: towards larger values).
    [[nodiscard]] Box slot_box(double at, double length, bool up, double from,
                               double thickness) const {
        const double p = pos(at);
        if (horizontal) {
            return {up ? p : p - length, from, length, thickness};
        }
        return {from, up ? p - length : p, thickness, length};
    }
};

/// The value label of a bar ending at `end` (box `bar`), outside its end.
void bar_label(const Cartesian& c, const Box& bar, bool positive, const std::string& text,
               const Box& bounds) {
    const TextStyle style = c.pen.label();
    const TextSize size = c.pen.measure(text, style);
    double x = 0;
    double y = 0;
    if (c.horizontal) {
        x = positive ? bar.x + bar.width + 2 : bar.x - 2 - size.width;
        y = bar.y + bar.height / 2 - size.height / 2;
    } else {
        x = bar.x + bar.width / 2 - size.width / 2;
        y = positive ? bar.y - 1 - size.height : bar.y + bar.height + 1;
    }
    c.pen.place(text, style, x, y, ink, "data-label", bounds, c.placer);
}

/// "n/a" beside a missing slot, where it fits.
void missing_label(const Cartesian& c, const Box& slot, bool up, const Box& bounds) {
    const TextStyle style = c.pen.small();
    const std::string text = c.pen.word(detail::Word::not_available);
    const TextSize size = c.pen.measure(text, style);
    if (c.horizontal) {
        if (slot.width >= size.width + 6 && slot.height >= size.height + 2) {
            // A long slot (100% charts): inside, over a white ground.
            const double x = slot.x + slot.width / 2 - size.width / 2;
            const double y = slot.y + slot.height / 2 - size.height / 2;
            const Quad quad = text_quad(x, y, size, 0);
            if (inside(quad, bounds) && c.placer.free(quad)) {
                c.pen.canvas.rect({x - 1, y, size.width + 2, size.height}, Fill{white, false},
                                  "missing");
                c.pen.place(text, style, x, y, grey, "missing", bounds, c.placer);
                return;
            }
        }
        const double x = up ? slot.x + slot.width + 1.5 : slot.x - 1.5 - size.width;
        c.pen.place(text, style, x, slot.y + slot.height / 2 - size.height / 2, grey, "missing",
                    bounds, c.placer);
        return;
    }
    const double cx = slot.x + slot.width / 2;
    if (slot.height >= size.width + 4 && slot.width >= size.height) {
        // A tall slot (100% charts): inside, turned upright, over a white ground.
        const double x = cx - size.height / 2;
        const double y = slot.y + slot.height / 2 + size.width / 2;
        const Quad quad = text_quad(x, y, size, 90);
        if (inside(quad, bounds) && c.placer.free(quad)) {
            c.pen.canvas.rect({x, y - size.width - 1, size.height, size.width + 2},
                              Fill{white, false}, "missing");
            c.pen.place(text, style, x, y, grey, "missing", bounds, c.placer, 90);
        }
        return;
    }
    const double y = up ? slot.y - 1 - size.height : slot.y + slot.height + 1;
    if (!c.pen.place(text, style, cx - size.width / 2, y, grey, "missing", bounds, c.placer)) {
        c.pen.place(text, style, cx - size.height / 2, up ? slot.y - 1 : y + size.width, grey,
                    "missing", bounds, c.placer, 90);
    }
}

void draw_missing_slot(const Cartesian& c, const Box& slot, bool up, const Box& bounds) {
    if (slot.width <= 0 || slot.height <= 0) {
        return;
    }
    const Stroke outline{grey, 0.6, {1.5, 1.0}};
    c.pen.canvas.rect(slot, Fill{grey, true}, "missing", &outline);
    missing_label(c, slot, up, bounds);
}

/// A series marker inside the outer end of a bar, so that series are told apart by shape too.
void bar_marker(const Cartesian& c, const Box& bar, bool positive, std::size_t series) {
    const double thickness = c.horizontal ? bar.height : bar.width;
    const double length = c.horizontal ? bar.width : bar.height;
    const double size = std::min(4.5, thickness * 0.6);
    if (thickness < 5 || length < size + 4) {
        return;
    }
    Point p{};
    if (c.horizontal) {
        p = {positive ? bar.x + bar.width - size / 2 - 2 : bar.x + size / 2 + 2,
             bar.y + bar.height / 2};
    } else {
        p = {bar.x + bar.width / 2,
             positive ? bar.y + size / 2 + 2 : bar.y + bar.height - size / 2 - 2};
    }
    detail::draw_marker(c.pen.canvas, series, p, size, white, "marker");
}

void draw_bars(const Cartesian& c, const Box& label_bounds) {
    const ChartSpec& spec = c.spec;
    const std::size_t categories = spec.categories.size();
    const std::size_t count = std::max<std::size_t>(1, spec.series.size());
    const double group = c.slot * 0.8;
    const double thickness =
        c.layout == Layout::grouped ? group / static_cast<double>(count) : group;
    const double gap = thickness > 4 ? std::min(1.5, thickness * 0.1) : 0.0;
    const double plot_length = c.horizontal ? c.plot.width : c.plot.height;
    const double missing_length = std::max(2.0, std::min(9.0, plot_length * 0.15));
    const double base = c.axis.baseline();
    // Slots of missing values point away from the baseline, into the plot.
    const bool up = c.axis.fraction(base) < 0.5;
    const bool markers = spec.series.size() > 1;

    for (std::size_t i = 0; i < categories; ++i) {
        const double start = c.centre(i) - group / 2;
        if (c.layout == Layout::percent) {
            const auto share = shares(spec, i);
            if (!share) {
                draw_missing_slot(c, c.span(0.0, 1.0, start + gap / 2, thickness - gap), true,
                                  label_bounds);
                continue;
            }
            double up_sum = 0;
            double down_sum = 0;
            for (std::size_t s = 0; s < share->size(); ++s) {
                const double v = (*share)[s];
                const double from = v >= 0 ? up_sum : down_sum;
                (v >= 0 ? up_sum : down_sum) += v;
                const Box bar = c.span(from, from + v, start, thickness);
                c.pen.canvas.rect(bar, Fill{palette_colour(s), false}, "bar");
                if (markers) {
                    bar_marker(c, bar, v >= 0, s);
                }
                if (spec.data_labels) {
                    ValueFormat format = axis_format(spec);
                    const std::string text = format_value(v, format);
                    const TextStyle style = c.pen.label();
                    const TextSize size = c.pen.measure(text, style);
                    if (size.width + 2 <= bar.width && size.height + 2 <= bar.height) {
                        c.pen.place(text, style, bar.x + (bar.width - size.width) / 2,
                                    bar.y + (bar.height - size.height) / 2, white, "data-label",
                                    label_bounds, c.placer);
                    }
                }
            }
            continue;
        }
        double up_sum = 0;
        double down_sum = 0;
        bool any_missing = false;
        for (std::size_t s = 0; s < spec.series.size(); ++s) {
            const auto value = value_at(spec.series[s], i);
            const double from = c.layout == Layout::grouped
                                    ? start + static_cast<double>(s) * thickness + gap / 2
                                    : start;
            const double width = c.layout == Layout::grouped ? thickness - gap : thickness;
            if (!value || !c.axis.shows(*value)) {
                if (c.layout == Layout::grouped) {
                    draw_missing_slot(c, c.slot_box(base, missing_length, up, from, width), up,
                                      label_bounds);
                } else {
                    any_missing = true;
                }
                continue;
            }
            const double v = *value;
            double a = base;
            double b = v;
            if (c.layout == Layout::stacked) {
                a = v >= 0 ? up_sum : down_sum;
                b = a + v;
                (v >= 0 ? up_sum : down_sum) = b;
            }
            Box bar = c.span(a, b, from, width);
            // A true zero is a hairline at the baseline, never nothing.
            if (c.horizontal && bar.width < 0.75) {
                bar.width = 0.75;
            } else if (!c.horizontal && bar.height < 0.75) {
                bar.y -= 0.75 - bar.height;
                bar.height = 0.75;
            }
            c.pen.canvas.rect(bar, Fill{palette_colour(s), false}, "bar");
            const bool positive = c.axis.log || b >= a;
            if (markers) {
                bar_marker(c, bar, positive, s);
            }
            if (spec.data_labels) {
                const std::string text = format_value(v, spec.format);
                if (c.layout == Layout::grouped) {
                    bar_label(c, bar, positive, text, label_bounds);
                } else {
                    const TextStyle style = c.pen.label();
                    const TextSize size = c.pen.measure(text, style);
                    if (size.width + 2 <= bar.width && size.height + 2 <= bar.height) {
                        c.pen.place(text, style, bar.x + (bar.width - size.width) / 2,
                                    bar.y + (bar.height - size.height) / 2, white, "data-label",
                                    label_bounds, c.placer);
                    }
                }
            }
        }
        if (any_missing) {
            // The stack is incomplete: a hatched slot on top of it says so.
            draw_missing_slot(c, c.slot_box(up_sum, missing_length, true, start, thickness), true,
                              label_bounds);
        }
    }
}

void draw_lines(const Cartesian& c, const Box& label_bounds) {
    const ChartSpec& spec = c.spec;
    const std::size_t categories = spec.categories.size();
    const bool every_point = categories <= 30;
    for (std::size_t s = 0; s < spec.series.size(); ++s) {
        const Series& series = spec.series[s];
        const Rgb colour = palette_colour(s);
        const auto present = [&](std::size_t i) {
            const auto value = value_at(series, i);
            return value && c.axis.shows(*value);
        };
        const auto point = [&](std::size_t i) {
            return Point{c.centre(i), c.pos(*value_at(series, i))};
        };
        // Runs of consecutive present values; a missing value ends a run (a visible gap).
        std::size_t i = 0;
        while (i < categories) {
            if (!present(i)) {
                ++i;
                continue;
            }
            std::vector<Point> run;
            const std::size_t first = i;
            while (i < categories && present(i)) {
                run.push_back(point(i));
                ++i;
            }
            if (run.size() >= 2) {
                c.pen.canvas.line(run, Stroke{colour, 1.5, {}}, "line");
            }
            for (std::size_t k = 0; k < run.size(); ++k) {
                const bool end = k == 0 || k + 1 == run.size();
                if (every_point || end) {
                    detail::draw_marker(c.pen.canvas, s, run[k], run.size() == 1 ? 5.0 : 4.0,
                                        colour, "marker");
                }
                if (spec.data_labels) {
                    const std::string text =
                        format_value(*value_at(series, first + k), spec.format);
                    const TextStyle style = c.pen.label();
                    const TextSize size = c.pen.measure(text, style);
                    const double x = run[k].x - size.width / 2;
                    if (!c.pen.place(text, style, x, run[k].y - 3.5 - size.height, ink,
                                     "data-label", label_bounds, c.placer)) {
                        c.pen.place(text, style, x, run[k].y + 3.5, ink, "data-label", label_bounds,
                                    c.placer);
                    }
                }
            }
        }
    }
}

/// Baseline and target lines with their labels beside the plot, and milestone points.
/// `label_area`: where the line labels go (right of the plot, or above it for bar charts).
void draw_markers(const Cartesian& c, const Box& label_area, const Box& bounds) {
    const ChartSpec& spec = c.spec;
    struct Pending {
        std::string text;
        double at;
        TextSize size;
    };
    std::vector<Pending> pending;
    const TextStyle style = c.pen.label();
    for (const Marker& marker : spec.markers) {
        const double lo = std::min(c.axis.min, c.axis.max);
        const double hi = std::max(c.axis.min, c.axis.max);
        if (!c.axis.shows(marker.value) || marker.value < lo || marker.value > hi) {
            continue; // outside a shared axis: not drawn at the edge as if it were there
        }
        const double p = c.pos(marker.value);
        if (is_point_marker(marker)) {
            if (marker.category && *marker.category < spec.categories.size()) {
                const double q = c.centre(*marker.category);
                draw_milestone(c.pen.canvas, c.horizontal ? Point{p, q} : Point{q, p}, 7, "marker");
            }
            continue;
        }
        const bool target = marker.kind == Marker::Kind::target;
        const Stroke stroke{target ? ink : grey, 1.0,
                            target ? std::vector<double>{4, 2} : std::vector<double>{1.5, 1.5}};
        std::array<Point, 2> line{};
        if (c.horizontal) {
            line = {{{p, c.plot.y}, {p, c.plot.y + c.plot.height}}};
        } else {
            line = {{{c.plot.x, p}, {c.plot.x + c.plot.width, p}}};
        }
        c.pen.canvas.line(line, stroke, "reference-line");
        const std::string word = marker.label.empty() ? c.pen.word(target ? detail::Word::target
                                                                          : detail::Word::baseline)
                                                      : marker.label;
        const double room = c.horizontal ? label_area.width : label_area.width - 3;
        const std::string text = c.pen.fit(word, style, room);
        if (!text.empty()) {
            pending.push_back({text, p, c.pen.measure(text, style)});
        }
    }
    if (pending.empty()) {
        return;
    }
    std::vector<double> wanted;
    std::vector<double> sizes;
    for (const Pending& item : pending) {
        wanted.push_back(item.at - (c.horizontal ? item.size.width : item.size.height) / 2);
        sizes.push_back(c.horizontal ? item.size.width : item.size.height);
    }
    const double lo = c.horizontal ? label_area.x : label_area.y;
    const double hi =
        c.horizontal ? label_area.x + label_area.width : label_area.y + label_area.height;
    const auto placed = spread_labels(wanted, sizes, lo, hi, 1.0);
    for (std::size_t k = 0; k < pending.size() && k < placed.size(); ++k) {
        const double x = c.horizontal ? placed[k] : label_area.x + 3;
        const double y = c.horizontal ? label_area.y : placed[k];
        c.pen.place(pending[k].text, style, x, y, ink, "reference-label", bounds, c.placer);
    }
}

/// Draws the value ticks and gridlines of `c.axis`; `first` says whether labels are drawn.
void draw_value_axis(const Cartesian& c, const Box& bounds) {
    const TextStyle style = c.pen.label();
    for (const double tick : c.axis.ticks) {
        const double p = c.pos(tick);
        const bool zero = !c.axis.log && tick == 0.0;
        std::array<Point, 2> line{};
        if (c.horizontal) {
            line = {{{p, c.plot.y}, {p, c.plot.y + c.plot.height}}};
        } else {
            line = {{{c.plot.x, p}, {c.plot.x + c.plot.width, p}}};
        }
        if (!zero) {
            c.pen.canvas.line(line, Stroke{grid, 0.5, {}}, "gridline");
        }
        const std::string text = c.axis.label(tick);
        const TextSize size = c.pen.measure(text, style);
        if (c.horizontal) {
            const double x =
                std::clamp(p - size.width / 2, bounds.x, bounds.x + bounds.width - size.width);
            c.pen.place(text, style, x, c.plot.y + c.plot.height + 3, grey, "tick-label", bounds,
                        c.placer);
        } else {
            c.pen.place(text, style, c.plot.x - 4 - size.width, p - size.height / 2, grey,
                        "tick-label", bounds, c.placer);
        }
    }
}

/// The zero line (or the axis line at the baseline), drawn over the bars.
void draw_baseline(const Cartesian& c) {
    const double p = c.pos(c.axis.baseline());
    std::array<Point, 2> line{};
    if (c.horizontal) {
        line = {{{p, c.plot.y}, {p, c.plot.y + c.plot.height}}};
    } else {
        line = {{{c.plot.x, p}, {c.plot.x + c.plot.width, p}}};
    }
    c.pen.canvas.line(line, Stroke{grey, 0.75, {}}, "axis");
}

/// Draws a line, column or bar chart (or a stacked form) in `area` (below the frame).
/// `shared`: a value axis shared with other panels (small multiples); `legend`: draw one.
void draw_cartesian(const Pen& pen, const Box& area, const ChartSpec& spec, const Axis* shared,
                    bool legend, Placer& placer) {
    const double lh = pen.line_height();
    const TextStyle label = pen.label();
    Box rest = area;
    if (legend) {
        const auto entries = legend_entries(spec, spec.series.size() > 1);
        const double used = draw_legend(pen, rest, entries, area.height * 0.35, placer);
        if (used > 0) {
            rest = shrink(rest, used + 4, 0, 0, 0);
        }
    }
    const std::size_t categories = spec.categories.size();
    const auto extent = data_extent(spec);
    const bool horizontal = is_horizontal(spec.kind);
    const bool line_chart = spec.kind == ChartKind::line;
    Cartesian c{pen, spec, area, placer, false, Layout::grouped, Axis{}, Box{}, 0.0};
    c.horizontal = horizontal;
    c.layout = layout_of(spec.kind);

    // Room for labels beyond the bars' ends and for the hatched slots of incomplete stacks.
    bool negative = false;
    bool incomplete = false;
    for (const Series& series : spec.series) {
        for (std::size_t i = 0; i < categories; ++i) {
            const auto value = value_at(series, i);
            negative = negative || (value && *value < 0);
            incomplete = incomplete || !value;
        }
    }
    const double label_room = spec.data_labels ? lh + 2 : 0.0;
    const double pad_high =
        std::max(label_room, c.layout == Layout::stacked && incomplete ? 13.0 + lh : 0.0);
    const double pad_low = negative ? label_room : 0.0;

    // Reference-line labels: at the right for vertical charts, in a strip above bar charts.
    double reference_width = 0;
    bool references = false;
    for (const Marker& marker : spec.markers) {
        if (is_point_marker(marker)) {
            continue;
        }
        references = true;
        // The same word draw_markers prints (a baseline's default is longer than "Target").
        const std::string word =
            !marker.label.empty()
                ? marker.label
                : pen.word(marker.kind == Marker::Kind::target ? detail::Word::target
                                                               : detail::Word::baseline);
        reference_width = std::max(reference_width, pen.measure(word, label).width);
    }

    const double title_room = spec.value_axis_title.empty() ? 0.0 : lh + 3;
    const double category_title_room = spec.category_axis_title.empty() ? 0.0 : lh + 3;

    if (!horizontal) {
        const double right = references ? std::min(reference_width, area.width * 0.3) + 4 : 4.0;
        // Value axis: ticks fitted to the height, labels at the left.
        const double estimate = std::max(10.0, rest.height - 3 * lh - pad_high - pad_low);
        const int target = std::clamp(static_cast<int>(estimate / 36.0), 2, 6);
        if (shared != nullptr) {
            c.axis = *shared;
        } else if (extent) {
            c.axis = fitted_axis(spec, *extent, target, estimate,
                                 [&](const std::string&) { return lh + 2; });
        } else {
            c.axis.ticks.clear();
        }
        double tick_width = 0;
        for (const double tick : c.axis.ticks) {
            tick_width = std::max(tick_width, pen.measure(c.axis.label(tick), label).width);
        }
        const double left = rest.x + title_room + tick_width + (tick_width > 0 ? 4 : 0);
        const double plot_right = rest.x + rest.width - right;
        c.slot = categories > 0 ? (plot_right - left) / static_cast<double>(categories) : 0.0;
        const double max_label_height = std::max(lh, rest.height * 0.35);
        const CategoryAxis cat = plan_categories(pen, spec.categories, c.slot, max_label_height,
                                                 left + c.slot / 2 - area.x);
        const double top = rest.y + (c.axis.ticks.empty() ? 0.0 : lh / 2) + pad_high;
        const double bottom = rest.y + rest.height - cat.height - 3 - category_title_room - pad_low;
        c.plot = {left, top, plot_right - left, bottom - top};
        if (c.plot.width < 10 || c.plot.height < 10) {
            no_data(pen, rest, placer, pen.word(detail::Word::no_room));
            return;
        }
        draw_categories(
            pen, cat, [&](std::size_t i) { return c.centre(i); },
            c.plot.y + c.plot.height + pad_low + 3, area, placer);
        if (!spec.category_axis_title.empty()) {
            const std::string text = pen.fit(spec.category_axis_title, label, c.plot.width);
            const TextSize size = pen.measure(text, label);
            pen.place(text, label, c.plot.x + (c.plot.width - size.width) / 2,
                      rest.y + rest.height - size.height, grey, "axis-title", area, placer);
        }
        if (!spec.value_axis_title.empty()) {
            const std::string text =
                pen.fit(spec.value_axis_title, label, c.plot.height + pad_high);
            const TextSize size = pen.measure(text, label);
            pen.place(text, label, rest.x, c.plot.y + c.plot.height / 2 + size.width / 2, grey,
                      "axis-title", area, placer, 90);
        }
    } else {
        const double top_strip = references ? lh + 2 : 0.0;
        // Category labels at the left, at most 40% of the width, wrapped on two lines or
        // ellipsised; thinned when the rows are lower than a line.
        const double estimate_height =
            std::max(10.0, rest.height - top_strip - lh - 3 - title_room);
        const double row = categories > 0 ? estimate_height / static_cast<double>(categories) : 0.0;
        double widest = 0;
        for (const std::string& category : spec.categories) {
            widest = std::max(widest, pen.measure(category, label).width);
        }
        const double label_width = std::min(widest, rest.width * 0.4);
        const std::size_t step =
            row > 0 && row < lh + 1 ? static_cast<std::size_t>(std::ceil((lh + 1) / row)) : 1;
        const bool wrap = widest > label_width && row * static_cast<double>(step) >= 2 * lh + 1;
        struct RowLabel {
            std::string text;
            TextStyle style;
            TextSize size;
        };
        std::vector<std::optional<RowLabel>> rows(categories);
        double used_width = 0;
        const std::vector<bool> shown = thinned(categories, step);
        for (std::size_t i = 0; i < categories; ++i) {
            if (!shown[i]) {
                continue;
            }
            RowLabel r;
            r.style = label;
            r.text = spec.categories[i];
            if (wrap && pen.measure(r.text, label).width > label_width) {
                r.style.wrap_width = label_width;
                r.style.align = TextAlign::right;
                if (pen.measure(r.text, r.style).height > 2 * lh + 0.5) {
                    r.style = label;
                    r.text = pen.fit(r.text, label, label_width);
                }
            } else {
                r.text = pen.fit(r.text, label, label_width);
            }
            r.size = pen.measure(r.text, r.style);
            if (r.style.wrap_width > 0) {
                r.style.wrap_width = std::min(label_width, std::ceil(r.size.width) + 0.5);
                r.size = pen.measure(r.text, r.style);
            }
            used_width = std::max(used_width, r.size.width);
            rows[i] = std::move(r);
        }
        const double left = rest.x + (spec.category_axis_title.empty() ? 0.0 : lh + 3) +
                            used_width + (used_width > 0 ? 4 : 0) + pad_low;
        const double top = rest.y + top_strip + (references ? 2 : 0);
        const double bottom = rest.y + rest.height - lh - 3 - title_room;
        const double estimate_width = std::max(10.0, rest.x + rest.width - left - pad_high);
        if (shared != nullptr) {
            c.axis = *shared;
        } else if (extent) {
            c.axis =
                fitted_axis(spec, *extent, std::clamp(static_cast<int>(estimate_width / 50), 2, 6),
                            estimate_width, [&](const std::string& text) {
                                return pen.measure(text, label).width + 6;
                            });
        } else {
            c.axis.ticks.clear();
        }
        double last_half = 4;
        if (!c.axis.ticks.empty()) {
            last_half =
                std::max(4.0, pen.measure(c.axis.label(c.axis.ticks.back()), label).width / 2 + 1);
        }
        const double right = rest.x + rest.width - std::max(last_half, pad_high);
        c.plot = {left, top, right - left, bottom - top};
        if (c.plot.width < 10 || c.plot.height < 10) {
            no_data(pen, rest, placer, pen.word(detail::Word::no_room));
            return;
        }
        c.slot = categories > 0 ? c.plot.height / static_cast<double>(categories) : 0.0;
        for (std::size_t i = 0; i < categories; ++i) {
            if (!rows[i]) {
                continue;
            }
            const RowLabel& r = *rows[i];
            pen.place(r.text, r.style, left - pad_low - 4 - r.size.width,
                      c.centre(i) - r.size.height / 2, grey, "category-label", area, placer);
        }
        if (!spec.value_axis_title.empty()) {
            const std::string text = pen.fit(spec.value_axis_title, label, c.plot.width);
            const TextSize size = pen.measure(text, label);
            pen.place(text, label, c.plot.x + (c.plot.width - size.width) / 2,
                      rest.y + rest.height - size.height, grey, "axis-title", area, placer);
        }
        if (!spec.category_axis_title.empty()) {
            const std::string text = pen.fit(spec.category_axis_title, label, c.plot.height);
            const TextSize size = pen.measure(text, label);
            pen.place(text, label, rest.x, c.plot.y + c.plot.height / 2 + size.width / 2, grey,
                      "axis-title", area, placer, 90);
        }
    }

    if (!extent) {
        no_data(pen, c.plot, placer, pen.word(detail::Word::no_data));
        return;
    }
    draw_value_axis(c, area);
    // Labels of values may use the padding beyond the plot, never the axes' labels.
    const Box label_bounds = horizontal ? shrink(c.plot, 0, -pad_high, 0, -pad_low)
                                        : shrink(c.plot, -pad_high, 0, -pad_low, 0);
    if (line_chart) {
        draw_lines(c, label_bounds);
    } else {
        draw_bars(c, label_bounds);
    }
    draw_baseline(c);
    const Box reference_area = horizontal ? Box{area.x, rest.y, area.width, lh + 2}
                                          : Box{c.plot.x + c.plot.width, rest.y,
                                                area.x + area.width - c.plot.x - c.plot.width,
                                                c.plot.y + c.plot.height + pad_low - rest.y};
    draw_markers(c, reference_area, area);
}

// ---------------------------------------------------------------------------------------------
// Scatter.

void draw_scatter(const Pen& pen, const Box& area, const ChartSpec& spec, Placer& placer) {
    const double lh = pen.line_height();
    const TextStyle label = pen.label();
    Box rest = area;
    const auto entries = legend_entries(spec, spec.series.size() > 1);
    const double used = draw_legend(pen, rest, entries, area.height * 0.35, placer);
    if (used > 0) {
        rest = shrink(rest, used + 4, 0, 0, 0);
    }
    std::optional<std::pair<double, double>> xs;
    for (const Series& series : spec.series) {
        for (std::size_t i = 0; i < series.x.size() && i < series.values.size(); ++i) {
            const auto x = series.x[i];
            if (x && std::isfinite(*x) && value_at(series, i)) {
                if (!xs) {
                    xs = std::pair{*x, *x};
                }
                xs->first = std::min(xs->first, *x);
                xs->second = std::max(xs->second, *x);
            }
        }
    }
    const auto ys = data_extent(spec);
    const double title_room = spec.value_axis_title.empty() ? 0.0 : lh + 3;
    const double x_title_room = spec.category_axis_title.empty() ? 0.0 : lh + 3;
    const double plot_height = rest.height - lh - 3 - x_title_room - lh / 2;
    if (!xs || !ys || plot_height < 10) {
        no_data(pen, rest, placer, pen.word(detail::Word::no_data));
        return;
    }
    Cartesian c{pen, spec, area, placer, false, Layout::grouped, Axis{}, Box{}, 0.0};
    c.axis = fitted_axis(spec, *ys, std::clamp(static_cast<int>(plot_height / 36.0), 2, 6),
                         plot_height, [&](const std::string&) { return lh + 2; });
    double tick_width = 0;
    for (const double tick : c.axis.ticks) {
        tick_width = std::max(tick_width, pen.measure(c.axis.label(tick), label).width);
    }
    const double left = rest.x + title_room + tick_width + 4;
    const double rough_width = rest.x + rest.width - left - 4;
    ChartSpec x_spec;
    x_spec.kind = ChartKind::scatter;
    x_spec.format = spec.x_format;
    const Axis x_axis =
        fitted_axis(x_spec, *xs, std::clamp(static_cast<int>(rough_width / 50), 2, 6), rough_width,
                    [&](const std::string& text) { return pen.measure(text, label).width + 6; });
    const double half_last =
        x_axis.ticks.empty()
            ? 4.0
            : std::max(4.0, pen.measure(x_axis.label(x_axis.ticks.back()), label).width / 2 + 1);
    c.plot = {left, rest.y + lh / 2, rest.x + rest.width - half_last - left, plot_height};
    if (c.plot.width < 10) {
        no_data(pen, rest, placer, pen.word(detail::Word::no_room));
        return;
    }
    draw_value_axis(c, area);
    Cartesian cx{pen, spec, area, placer, true, Layout::grouped, Axis{}, Box{}, 0.0};
    cx.horizontal = true;
    cx.axis = x_axis;
    cx.plot = c.plot;
    draw_value_axis(cx, area);
    if (!spec.value_axis_title.empty()) {
        const std::string text = pen.fit(spec.value_axis_title, label, c.plot.height);
        const TextSize size = pen.measure(text, label);
        pen.place(text, label, rest.x, c.plot.y + c.plot.height / 2 + size.width / 2, grey,
                  "axis-title", area, placer, 90);
    }
    if (!spec.category_axis_title.empty()) {
        const std::string text = pen.fit(spec.category_axis_title, label, c.plot.width);
        const TextSize size = pen.measure(text, label);
        pen.place(text, label, c.plot.x + (c.plot.width - size.width) / 2,
                  rest.y + rest.height - size.height, grey, "axis-title", area, placer);
    }
    // Reference lines (baseline, target) across the plot.
    for (const Marker& marker : spec.markers) {
        if (is_point_marker(marker) || !c.axis.shows(marker.value)) {
            continue;
        }
        const double y = c.pos(marker.value);
        const std::array<Point, 2> line{{{c.plot.x, y}, {c.plot.x + c.plot.width, y}}};
        c.pen.canvas.line(line,
                          Stroke{marker.kind == Marker::Kind::target ? ink : grey, 1.0, {4, 2}},
                          "reference-line");
        const std::string text =
            pen.fit(marker.label.empty() ? pen.word(detail::Word::target) : marker.label, label,
                    c.plot.width / 2);
        const TextSize size = pen.measure(text, label);
        pen.place(text, label, c.plot.x + c.plot.width - size.width, y - size.height - 1, ink,
                  "reference-label", area, placer);
    }
    // Points first, then their labels: right of the point, else left, above, below.
    struct Labelled {
        Point p;
        std::string text;
    };
    std::vector<Labelled> labelled;
    std::vector<Quad> points;
    for (std::size_t s = 0; s < spec.series.size(); ++s) {
        const Series& series = spec.series[s];
        for (std::size_t i = 0; i < series.x.size() && i < series.values.size(); ++i) {
            const auto x = series.x[i];
            const auto y = value_at(series, i);
            if (!x || !std::isfinite(*x) || !y || !c.axis.shows(*y) || !x_axis.shows(*x)) {
                continue;
            }
            const Point p{cx.pos(*x), c.pos(*y)};
            detail::draw_marker(pen.canvas, s, p, 5, palette_colour(s), "marker");
            points.push_back(box_quad({p.x - 2.5, p.y - 2.5, 5, 5}));
            std::string text = i < series.point_labels.size() ? series.point_labels[i] : "";
            if (text.empty() && spec.data_labels) {
                text = format_value(*y, spec.format);
            }
            if (!text.empty()) {
                labelled.push_back({p, pen.fit(text, label, c.plot.width / 3)});
            }
        }
    }
    Placer obstacles;
    for (const Quad& quad : points) {
        obstacles.add(quad);
    }
    for (const Labelled& item : labelled) {
        const TextSize size = pen.measure(item.text, label);
        const std::array<Point, 4> candidates{
            {{item.p.x + 4, item.p.y - size.height / 2},
             {item.p.x - 4 - size.width, item.p.y - size.height / 2},
             {item.p.x - size.width / 2, item.p.y - 4 - size.height},
             {item.p.x - size.width / 2, item.p.y + 4}}};
        for (const Point& at : candidates) {
            const Quad quad = text_quad(at.x, at.y, size, 0);
            if (!obstacles.free(quad)) {
                continue;
            }
            if (pen.place(item.text, label, at.x, at.y, ink, "data-label", area, placer)) {
                break;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sparkline: one series, no axes, the last value marked.

void draw_sparkline(const Pen& pen, const Box& area, const ChartSpec& spec, Placer& placer) {
    if (spec.series.empty()) {
        no_data(pen, area, placer, pen.word(detail::Word::not_available));
        return;
    }
    const Series& series = spec.series.front();
    const bool log = spec.scale == AxisScale::log;
    std::optional<std::pair<double, double>> range;
    std::optional<std::size_t> last;
    for (std::size_t i = 0; i < series.values.size(); ++i) {
        const auto value = value_at(series, i);
        if (!value || (log && *value <= 0)) {
            continue;
        }
        const double v = log ? std::log10(*value) : *value;
        if (!range) {
            range = std::pair{v, v};
        }
        range->first = std::min(range->first, v);
        range->second = std::max(range->second, v);
        last = i;
    }
    if (!range || !last) {
        no_data(pen, area, placer,
                pen.word(area.width >= 40 ? detail::Word::no_data : detail::Word::not_available));
        return;
    }
    double right = area.x + area.width - 2.5;
    std::string last_text;
    const TextStyle small = pen.small();
    if (spec.data_labels) {
        last_text = format_value(*value_at(series, *last), spec.format);
        const double width = pen.measure(last_text, small).width;
        if (width + 10 < area.width / 2) {
            right -= width + 2;
        } else {
            last_text.clear();
        }
    }
    const Box plot{area.x + 2.5, area.y + 2.5, right - area.x - 2.5, area.height - 5};
    if (plot.width <= 0 || plot.height <= 0) {
        return;
    }
    const std::size_t n = std::max<std::size_t>(series.values.size(), 2);
    const auto x_of = [&](std::size_t i) {
        return plot.x + plot.width * static_cast<double>(i) / static_cast<double>(n - 1);
    };
    const auto y_of = [&](double value) {
        const double v = log ? std::log10(value) : value;
        const double span = range->second - range->first;
        const double f = span > 0 ? (v - range->first) / span : 0.5;
        return plot.y + plot.height - f * plot.height;
    };
    const Rgb colour = palette_colour(0);
    std::vector<Point> run;
    const auto flush = [&]() {
        if (run.size() >= 2) {
            pen.canvas.line(run, Stroke{colour, 1.0, {}}, "line");
        } else if (run.size() == 1) {
            pen.canvas.circle(run.front(), 1.2, Fill{colour, false}, "marker");
        }
        run.clear();
    };
    for (std::size_t i = 0; i < series.values.size(); ++i) {
        const auto value = value_at(series, i);
        if (!value || (log && *value <= 0)) {
            flush();
            continue;
        }
        run.push_back({x_of(i), y_of(*value)});
    }
    flush();
    const Point end{x_of(*last), y_of(*value_at(series, *last))};
    pen.canvas.circle(end, 2.0, Fill{palette_colour(1), false}, "marker");
    if (!last_text.empty()) {
        const TextSize size = pen.measure(last_text, small);
        const double y =
            std::clamp(end.y - size.height / 2, area.y, area.y + area.height - size.height);
        pen.place(last_text, small, end.x + 3, y, ink, "data-label", area, placer);
    }
}

// ---------------------------------------------------------------------------------------------
// Small multiples: one panel per spec.panels, one value scale shared by all.

void draw_small_multiples(const Pen& pen, const Box& area, const ChartSpec& spec, Placer& placer) {
    const std::size_t n = spec.panels.size();
    if (n == 0) {
        no_data(pen, area, placer, pen.word(detail::Word::no_data));
        return;
    }
    const double lh = pen.line_height();
    const TextStyle label = pen.label();
    // Panels drawn as the same kind and format, on one scale.
    std::vector<ChartSpec> panels;
    for (const ChartSpec& source : spec.panels) {
        ChartSpec panel = source;
        if (!is_cartesian(panel.kind)) {
            panel.kind = ChartKind::line;
        }
        panel.format = spec.format;
        panel.scale = spec.scale;
        panel.data_labels = spec.data_labels || source.data_labels;
        panel.subtitle.clear();
        panel.source_note.clear();
        panel.value_axis_title.clear();
        panel.category_axis_title.clear();
        panels.push_back(std::move(panel));
    }
    // Shared legend from the first panel with series names.
    Box rest = area;
    const ChartSpec* named = &panels.front();
    for (const ChartSpec& panel : panels) {
        if (panel.series.size() > named->series.size()) {
            named = &panel;
        }
    }
    ChartSpec legend_spec = *named;
    legend_spec.markers.clear();
    const auto entries = legend_entries(legend_spec, legend_spec.series.size() > 1);
    const double used = draw_legend(pen, rest, entries, area.height * 0.3, placer);
    if (used > 0) {
        rest = shrink(rest, used + 4, 0, 0, 0);
    }
    const double title_room = spec.value_axis_title.empty() ? 0.0 : lh + 3;
    if (!spec.value_axis_title.empty()) {
        const std::string text = pen.fit(spec.value_axis_title, label, rest.height);
        const TextSize size = pen.measure(text, label);
        pen.place(text, label, rest.x, rest.y + rest.height / 2 + size.width / 2, grey,
                  "axis-title", area, placer, 90);
        rest = shrink(rest, 0, 0, 0, title_room);
    }
    const std::size_t columns =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, spec.panel_columns)), 1, n);
    const std::size_t rows = (n + columns - 1) / columns;
    const double gap = 8;
    const double cell_width =
        (rest.width - gap * static_cast<double>(columns - 1)) / static_cast<double>(columns);
    const double cell_height =
        (rest.height - gap * static_cast<double>(rows - 1)) / static_cast<double>(rows);

    // The shared value axis, over every panel's data and fitted to a panel's height.
    std::optional<std::pair<double, double>> extent;
    for (const ChartSpec& panel : panels) {
        if (const auto e = data_extent(panel)) {
            extent = extent ? std::pair{std::min(extent->first, e->first),
                                        std::max(extent->second, e->second)}
                            : *e;
        }
    }
    std::optional<Axis> axis;
    if (extent) {
        // Every panel has the same kind family; fit to the panel with the widest reach.
        const ChartSpec& first = panels.front();
        const bool horizontal = is_horizontal(first.kind);
        const double length = horizontal ? cell_width * 0.6 : cell_height - 4 * lh;
        axis =
            horizontal
                ? fitted_axis(
                      first, *extent, std::clamp(static_cast<int>(length / 50), 2, 5),
                      std::max(10.0, length),
                      [&](const std::string& text) { return pen.measure(text, label).width + 6; })
                : fitted_axis(first, *extent, std::clamp(static_cast<int>(length / 30), 2, 5),
                              std::max(10.0, length), [&](const std::string&) { return lh + 2; });
    }
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t row = k / columns;
        const std::size_t column = k % columns;
        const Box cell{rest.x + static_cast<double>(column) * (cell_width + gap),
                       rest.y + static_cast<double>(row) * (cell_height + gap), cell_width,
                       cell_height};
        ChartSpec& panel = panels[k];
        Box inner = cell;
        if (!panel.title.empty()) {
            const TextStyle bold = detail::style(pen.theme, pen.theme.label_size, true);
            const std::string text = pen.fit(panel.title, bold, cell.width);
            const TextSize size = pen.measure(text, bold);
            pen.place(text, bold, cell.x, cell.y, ink, "title", cell, placer);
            inner = shrink(cell, size.height + 2, 0, 0, 0);
        }
        if (is_horizontal(panel.kind) != is_horizontal(panels.front().kind)) {
            draw_cartesian(pen, inner, panel, nullptr, false, placer);
        } else {
            draw_cartesian(pen, inner, panel, axis ? &*axis : nullptr, false, placer);
        }
    }
}

} // namespace

Rgb palette_colour(std::size_t index) {
    // Okabe & Ito (2008), without yellow and black, which read poorly on white paper.
    static constexpr std::array<Rgb, 6> palette{{
        {0.000, 0.447, 0.698}, // blue
        {0.835, 0.369, 0.000}, // vermillion
        {0.000, 0.620, 0.451}, // bluish green
        {0.800, 0.475, 0.655}, // reddish purple
        {0.337, 0.706, 0.914}, // sky blue
        {0.902, 0.624, 0.000}, // orange
    }};
    return palette.at(index % palette.size());
}

void draw_chart(Canvas& canvas, const Box& box, const ChartSpec& spec, const Theme& theme) {
    if (!(box.width > 0) || !(box.height > 0)) {
        return;
    }
    const Box plot = detail::draw_frame(canvas, box, spec, theme);
    if (plot.width <= 0 || plot.height <= 0) {
        return;
    }
    const Pen pen{canvas, theme, spec.format.locale};
    Placer placer;
    switch (spec.kind) {
    case ChartKind::bullet:
        detail::draw_bullet(canvas, plot, spec, theme);
        return;
    case ChartKind::range:
        detail::draw_range(canvas, plot, spec, theme);
        return;
    case ChartKind::donut:
        detail::draw_donut(canvas, plot, spec, theme);
        return;
    case ChartKind::dimension_bars:
        detail::draw_dimension_bars(canvas, plot, spec, theme);
        return;
    case ChartKind::radar:
        detail::draw_radar(canvas, plot, spec, theme);
        return;
    case ChartKind::scatter:
        draw_scatter(pen, plot, spec, placer);
        return;
    case ChartKind::sparkline:
        draw_sparkline(pen, plot, spec, placer);
        return;
    case ChartKind::small_multiples:
        draw_small_multiples(pen, plot, spec, placer);
        return;
    case ChartKind::line:
    case ChartKind::column:
    case ChartKind::bar:
    case ChartKind::stacked_column:
    case ChartKind::stacked_bar:
    case ChartKind::percent_column:
    case ChartKind::percent_bar:
        draw_cartesian(pen, plot, spec, nullptr, true, placer);
        return;
    }
}

void draw_chart(cairo_t* cr, const Box& box, const ChartSpec& spec, const Theme& theme) {
    cairo_save(cr);
    CairoCanvas canvas(cr);
    draw_chart(canvas, box, spec, theme);
    cairo_restore(cr);
}

} // namespace charts
