#include "charts/labels.hpp"
#include "charts/scale.hpp"
#include "draw_internal.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <numbers>
#include <optional>
#include <string>
#include <vector>

// Bullet, range, donut, dimension bars and radar charts (issue 5): see draw_internal.hpp.
//
// Row charts (bullet, range, dimension bars) share one layout: a label column at the left, a
// track with a value axis shared by all rows, and one or two text columns at the right (value,
// status, n). Every text lives in its own column or band, so labels cannot overlap by
// construction; long labels are ellipsised to their column.

namespace charts::detail {

namespace {

constexpr double pi = std::numbers::pi;
constexpr Rgb white{1, 1, 1};
constexpr Rgb slate{0.27, 0.31, 0.37};
constexpr Rgb light{0.65, 0.65, 0.65};
constexpr double column_gap = 6.0;

double width_of(Canvas& canvas, const std::string& text, const TextStyle& text_style) {
    return canvas.measure(text, text_style).width;
}

/// `text` shortened with "…" to fit `max_width`.
std::string fit(Canvas& canvas, const std::string& text, const TextStyle& text_style,
                double max_width) {
    return ellipsise(text, std::max(0.0, max_width), [&](const std::string& candidate) {
        return canvas.measure(candidate, text_style).width;
    });
}

/// The label style of the theme, made smaller when rows are too short for it.
TextStyle row_style(Canvas& canvas, const Theme& theme, double row_height) {
    TextStyle out = style(theme, theme.label_size);
    const double height = canvas.measure("Ag", out).height;
    if (height > row_height && height > 0) {
        out.size = std::max(4.0, out.size * row_height / height);
    }
    return out;
}

/// A point at `radius` from `centre`, `angle` radians clockwise from the top.
Point polar(Point centre, double radius, double angle) {
    return {centre.x + radius * std::sin(angle), centre.y - radius * std::cos(angle)};
}

double right_of(const Box& box) {
    return box.x + box.width;
}
double bottom_of(const Box& box) {
    return box.y + box.height;
}

/// A horizontal value axis under a set of rows.
struct ValueAxis {
    LinearScale scale;
    double x0 = 0;
    double x1 = 0;
    [[nodiscard]] double x(double value) const {
        const double f = std::clamp(scale.fraction(value), 0.0, 1.0);
        return x0 + f * (x1 - x0);
    }
};

/// The number of tick intervals that suits an axis `length` points long.
int tick_target(double length) {
    return std::clamp(static_cast<int>(length / 55.0), 2, 8);
}

/// Gridlines from `top` to `axis_y`, the axis line and the tick labels under it (every k-th
/// label, k the smallest step at which neighbours do not overlap), kept inside `plot`.
void draw_value_axis(Canvas& canvas, const ValueAxis& axis, double top, double axis_y,
                     const TextStyle& tick_style, const ValueFormat& format, const Box& plot) {
    const std::vector<double> ticks = axis.scale.ticks();
    for (const double tick : ticks) {
        const double x = axis.x(tick);
        const Point points[] = {{x, top}, {x, axis_y}};
        canvas.line(points, {grid, 0.5, {}}, "gridline");
    }
    const Point axis_points[] = {{axis.x0, axis_y}, {axis.x1, axis_y}};
    canvas.line(axis_points, {grey, 0.6, {}}, "axis");

    struct Placed {
        std::string text;
        Box box;
    };
    std::vector<Placed> labels;
    for (const double tick : ticks) {
        std::string text = format_tick(tick, axis.scale.step, format);
        const TextSize size = canvas.measure(text, tick_style);
        const double x =
            std::clamp(axis.x(tick) - size.width / 2, plot.x, right_of(plot) - size.width);
        labels.push_back({std::move(text), {x, axis_y + 2, size.width, size.height}});
    }
    std::size_t step = 1;
    for (; step < std::max<std::size_t>(labels.size(), 1); ++step) {
        bool clear = true;
        for (std::size_t i = step; i < labels.size(); i += step) {
            Box wider = labels[i - step].box;
            wider.width += 3; // a little air between neighbours
            if (overlaps(wider, labels[i].box)) {
                clear = false;
                break;
            }
        }
        if (clear) {
            break;
        }
    }
    for (std::size_t i = 0; i < labels.size(); i += step) {
        canvas.text(labels[i].text, tick_style, labels[i].box.x, labels[i].box.y, grey,
                    "tick-label");
    }
}

/// The height the tick labels take under an axis.
double axis_band(Canvas& canvas, const TextStyle& tick_style) {
    return canvas.measure("0", tick_style).height + 3;
}

/// A hatched placeholder across a track, for a row whose value is missing.
void missing_strip(Canvas& canvas, double x0, double x1, double cy, double thickness) {
    const Stroke outline{light, 0.5, {}};
    canvas.rect({x0, cy - thickness / 2, std::max(0.0, x1 - x0), thickness}, {grey, true},
                "missing", &outline);
}

/// "no data" in the middle of a box, for a chart with nothing to draw.
void no_data(Canvas& canvas, const Box& plot, const Theme& theme, Locale locale) {
    const TextStyle text_style = style(theme, theme.label_size);
    const std::string text = fit(canvas, word(Word::no_data, locale), text_style, plot.width);
    const TextSize size = canvas.measure(text, text_style);
    canvas.text(text, text_style, plot.x + (plot.width - size.width) / 2,
                plot.y + std::max(0.0, (plot.height - size.height) / 2), grey, "missing");
}

/// The layout shared by row charts: columns and row heights.
struct Rows {
    double label_x = 0;
    double label_width = 0;
    ValueAxis axis;
    double top = 0;
    double row_height = 0;
    double axis_y = 0;
    TextStyle text;
    [[nodiscard]] double centre(std::size_t row) const {
        return top + row_height * (static_cast<double>(row) + 0.5);
    }
};

/// Lays out `count` rows in `plot`: the label column as wide as the widest label (at most
/// `label_share` of the plot), `right_width` points reserved at the right for text columns, an axis
/// at the bottom.
Rows layout_rows(Canvas& canvas, const Box& plot, const Theme& theme, std::size_t count,
                 const std::vector<std::string>& labels, double right_width,
                 const std::string& axis_title, double* axis_title_y, double label_share = 0.3) {
    Rows rows;
    const TextStyle tick_style = style(theme, theme.label_size);
    double bottom_band = axis_band(canvas, tick_style);
    double title_height = 0;
    if (!axis_title.empty()) {
        title_height = canvas.measure(axis_title, style(theme, theme.label_size)).height + 2;
    }
    bottom_band += title_height;
    rows.top = plot.y;
    const double rows_height = std::max(0.0, plot.height - bottom_band);
    rows.row_height = rows_height / static_cast<double>(std::max<std::size_t>(count, 1));
    rows.axis_y = plot.y + rows_height;
    *axis_title_y = rows.axis_y + bottom_band - title_height + 2;
    rows.text = row_style(canvas, theme, rows.row_height);
    double widest = 0;
    for (const auto& label : labels) {
        widest = std::max(widest, width_of(canvas, label, rows.text));
    }
    rows.label_x = plot.x;
    rows.label_width = std::min(widest, plot.width * label_share);
    rows.axis.x0 = plot.x + rows.label_width + column_gap;
    rows.axis.x1 = right_of(plot) - right_width - column_gap;
    if (rows.axis.x1 - rows.axis.x0 < plot.width * 0.25) {
        // Too little room for the track: the label column gives way.
        rows.label_width = std::max(0.0, plot.width * 0.75 - right_width - 2 * column_gap);
        rows.axis.x0 = plot.x + rows.label_width + column_gap;
        rows.axis.x1 = std::max(rows.axis.x0 + 1, right_of(plot) - right_width - column_gap);
    }
    return rows;
}

void draw_row_label(Canvas& canvas, const Rows& rows, const std::string& label, std::size_t row) {
    const std::string text = fit(canvas, label, rows.text, rows.label_width);
    const TextSize size = canvas.measure(text, rows.text);
    canvas.text(text, rows.text, rows.label_x, rows.centre(row) - size.height / 2, ink,
                "category-label");
}

/// Text in a right-hand column starting at `x`, centred on the row.
void draw_cell(Canvas& canvas, const Rows& rows, const std::string& text, const TextStyle& cell,
               double x, std::size_t row, const Rgb& colour, std::string_view role) {
    const TextSize size = canvas.measure(text, cell);
    canvas.text(text, cell, x, rows.centre(row) - size.height / 2, colour, role);
}

void draw_axis_title(Canvas& canvas, const Rows& rows, const Theme& theme, const std::string& title,
                     double y) {
    if (title.empty()) {
        return;
    }
    const TextStyle text_style = style(theme, theme.label_size);
    const std::string text = fit(canvas, title, text_style, rows.axis.x1 - rows.axis.x0);
    const TextSize size = canvas.measure(text, text_style);
    canvas.text(text, text_style, (rows.axis.x0 + rows.axis.x1 - size.width) / 2, y, grey,
                "axis-title");
}

/// A shape per status, so that status is never told by colour alone: on track a disc, at risk
/// a triangle, off track a square, no data a hatched disc, anything else a dash. (The diamond is
/// the target marker.)
void status_symbol(Canvas& canvas, const std::string& status, Point c, double size) {
    const double half = size / 2;
    const Rgb colour = status_colour(status);
    if (status == "on-track") {
        canvas.circle(c, half, {colour, false}, "status");
    } else if (status == "at-risk") {
        const Point points[] = {
            {c.x, c.y - half}, {c.x + half, c.y + half * 0.8}, {c.x - half, c.y + half * 0.8}};
        canvas.polygon(points, {colour, false}, "status");
    } else if (status == "off-track") {
        canvas.rect({c.x - half * 0.85, c.y - half * 0.85, size * 0.85, size * 0.85},
                    {colour, false}, "status");
    } else if (status == "no-data") {
        canvas.circle(c, half, {colour, true}, "status");
    } else {
        const Point points[] = {{c.x - half, c.y}, {c.x + half, c.y}};
        canvas.line(points, {colour, std::max(1.0, size * 0.25), {}}, "status");
    }
}

/// The word printed for a bullet's status: its text, else the status code made readable.
std::string status_word(const BulletItem& item, Locale locale) {
    if (!item.status_text.empty()) {
        return item.status_text;
    }
    return item.status.empty() ? word(Word::no_status, locale) : status_text(item.status, locale);
}

bool usable(const std::optional<double>& value) {
    return value && std::isfinite(*value);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Bullet: label | track (bar = actual, line = expected, diamond = target, tick = baseline) |
// actual value | status symbol + word.

void draw_bullet(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme) {
    const auto& items = spec.bullets;
    if (items.empty()) {
        no_data(canvas, plot, theme, spec.format.locale);
        return;
    }
    // The value scale covers every value of every row, and zero (bars start there).
    std::optional<std::pair<double, double>> range;
    for (const auto& item : items) {
        for (const auto& value : {item.actual, item.expected, item.target, item.baseline}) {
            if (!usable(value)) {
                continue;
            }
            range = range
                        ? std::pair{std::min(range->first, *value), std::max(range->second, *value)}
                        : std::pair{*value, *value};
        }
    }
    std::vector<std::string> labels;
    std::vector<std::string> values;
    std::vector<std::string> words;
    for (const auto& item : items) {
        labels.push_back(item.label);
        values.push_back(usable(item.actual) ? format_value(*item.actual, spec.format)
                                             : word(Word::not_available, spec.format.locale));
        words.push_back(status_word(item, spec.format.locale));
    }
    // Right-hand columns, measured at the row text size (computed from a first layout).
    double axis_title_y = 0;
    Rows rows = layout_rows(canvas, plot, theme, items.size(), labels, 0, spec.value_axis_title,
                            &axis_title_y);
    const TextStyle cell = rows.text;
    double value_width = 0;
    for (const auto& value : values) {
        value_width = std::max(value_width, width_of(canvas, value, cell));
    }
    const double symbol = std::min(canvas.measure("Ag", cell).height * 0.8, 8.0);
    double word_width = 0;
    for (const auto& word : words) {
        word_width = std::max(word_width, width_of(canvas, word, cell));
    }
    word_width = std::min(word_width, plot.width * 0.3);
    const double right_width = value_width + column_gap + symbol + 3 + word_width;
    rows = layout_rows(canvas, plot, theme, items.size(), labels, right_width,
                       spec.value_axis_title, &axis_title_y);

    const auto [lo, hi] = range.value_or(std::pair{0.0, 1.0});
    rows.axis.scale = nice_scale(lo, hi, tick_target(rows.axis.x1 - rows.axis.x0), true);
    draw_value_axis(canvas, rows.axis, rows.top, rows.axis_y, style(theme, theme.label_size),
                    spec.format, plot);
    draw_axis_title(canvas, rows, theme, spec.value_axis_title, axis_title_y);

    const double value_x = rows.axis.x1 + column_gap;
    const double symbol_x = value_x + value_width + column_gap;
    const double thickness = std::clamp(rows.row_height * 0.3, 2.0, 8.0);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const BulletItem& item = items[i];
        const double cy = rows.centre(i);
        draw_row_label(canvas, rows, item.label, i);
        if (usable(item.actual)) {
            const double a = rows.axis.x(0.0);
            const double b = rows.axis.x(*item.actual);
            canvas.rect({std::min(a, b), cy - thickness / 2, std::fabs(b - a), thickness},
                        {slate, false}, "bar");
            draw_cell(canvas, rows, values[i], cell, value_x, i, ink, "data-label");
        } else {
            missing_strip(canvas, rows.axis.x0, rows.axis.x1, cy, thickness);
            draw_cell(canvas, rows, values[i], cell, value_x, i, grey, "missing");
        }
        if (usable(item.baseline)) {
            const double x = rows.axis.x(*item.baseline);
            const Point points[] = {{x, cy - thickness * 0.7}, {x, cy + thickness * 0.7}};
            canvas.line(points, {light, 1.0, {}}, "marker");
        }
        if (usable(item.expected)) {
            const double x = rows.axis.x(*item.expected);
            const Point points[] = {{x, cy - thickness}, {x, cy + thickness}};
            canvas.line(points, {ink, 1.5, {}}, "marker");
        }
        if (usable(item.target)) {
            const double x = rows.axis.x(*item.target);
            const double half = thickness * 0.75 + 1;
            const Point points[] = {{x, cy - half}, {x + half, cy}, {x, cy + half}, {x - half, cy}};
            const Stroke outline{white, 0.8, {}};
            canvas.polygon(points, {ink, false}, "marker", &outline);
        }
        status_symbol(canvas, item.status, {symbol_x + symbol / 2, cy}, symbol);
        const std::string word = fit(canvas, words[i], cell, word_width);
        draw_cell(canvas, rows, word, cell, symbol_x + symbol + 3, i, status_colour(item.status),
                  "status");
    }
}

// ---------------------------------------------------------------------------------------------
// Range: label | track (P25-P75 line, median dot) | median | n.

void draw_range(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme) {
    const auto& items = spec.ranges;
    if (items.empty()) {
        no_data(canvas, plot, theme, spec.format.locale);
        return;
    }
    std::optional<std::pair<double, double>> range;
    std::vector<std::string> labels;
    std::vector<std::string> medians;
    std::vector<std::string> counts;
    for (const auto& item : items) {
        labels.push_back(item.label);
        const bool shown = usable(item.median);
        if (shown) {
            for (const auto& value : {item.p25, item.median, item.p75}) {
                if (!usable(value)) {
                    continue;
                }
                range = range ? std::pair{std::min(range->first, *value),
                                          std::max(range->second, *value)}
                              : std::pair{*value, *value};
            }
        }
        medians.push_back(shown                      ? format_value(*item.median, spec.format)
                          : item.n > 0 && item.n < 3 ? std::string("n < 3")
                                                     : word(Word::no_data, spec.format.locale));
        counts.push_back(item.n > 0 ? fmt::format("n = {}", item.n) : "");
    }
    double axis_title_y = 0;
    Rows rows = layout_rows(canvas, plot, theme, items.size(), labels, 0, spec.value_axis_title,
                            &axis_title_y);
    TextStyle bold = rows.text;
    bold.bold = true;
    double median_width = 0;
    double count_width = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        median_width = std::max(median_width, width_of(canvas, medians[i], bold));
        count_width = std::max(count_width, width_of(canvas, counts[i], rows.text));
    }
    const double right_width = median_width + column_gap + count_width;
    rows = layout_rows(canvas, plot, theme, items.size(), labels, right_width,
                       spec.value_axis_title, &axis_title_y);

    const auto [lo, hi] = range.value_or(std::pair{0.0, 1.0});
    rows.axis.scale = nice_scale(lo, hi, tick_target(rows.axis.x1 - rows.axis.x0), false);
    draw_value_axis(canvas, rows.axis, rows.top, rows.axis_y, style(theme, theme.label_size),
                    spec.format, plot);
    draw_axis_title(canvas, rows, theme, spec.value_axis_title, axis_title_y);

    const double median_x = rows.axis.x1 + column_gap;
    const double count_x = median_x + median_width + column_gap;
    const double thickness = std::clamp(rows.row_height * 0.25, 2.0, 6.0);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const RangeItem& item = items[i];
        const double cy = rows.centre(i);
        draw_row_label(canvas, rows, item.label, i);
        if (usable(item.median)) {
            const double from = usable(item.p25) ? *item.p25 : *item.median;
            const double to = usable(item.p75) ? *item.p75 : *item.median;
            if (from != to) {
                const Point points[] = {{rows.axis.x(from), cy}, {rows.axis.x(to), cy}};
                canvas.line(points, {palette_colour(4), thickness, {}}, "bar");
            }
            canvas.circle({rows.axis.x(*item.median), cy}, thickness * 0.8 + 1.0, {ink, false},
                          "marker");
            draw_cell(canvas, rows, medians[i], bold, median_x, i, ink, "data-label");
        } else {
            // Suppressed or missing: no dot, no range; a hatched strip and the reason.
            missing_strip(canvas, rows.axis.x0, rows.axis.x1, cy, thickness);
            draw_cell(canvas, rows, medians[i], rows.text, median_x, i, grey, "missing");
        }
        if (!counts[i].empty()) {
            draw_cell(canvas, rows, counts[i], rows.text, count_x, i, grey, "data-label");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dimension bars: label | track 0-100% | value.

void draw_dimension_bars(Canvas& canvas, const Box& plot, const ChartSpec& spec,
                         const Theme& theme) {
    const auto& dims = spec.categories;
    if (dims.empty()) {
        no_data(canvas, plot, theme, spec.format.locale);
        return;
    }
    ValueFormat percent;
    percent.kind = ValueKind::percent;
    percent.locale = spec.format.locale;
    percent.decimals = spec.format.kind == ValueKind::percent ? spec.format.decimals : 0;
    std::vector<std::optional<double>> scores(dims.size());
    if (!spec.series.empty()) {
        for (std::size_t i = 0; i < dims.size() && i < spec.series[0].values.size(); ++i) {
            if (usable(spec.series[0].values[i])) {
                scores[i] = spec.series[0].values[i];
            }
        }
    }
    std::vector<std::string> values;
    for (const auto& score : scores) {
        values.push_back(score ? format_value(*score, percent)
                               : word(Word::not_available, spec.format.locale));
    }
    double axis_title_y = 0;
    Rows rows = layout_rows(canvas, plot, theme, dims.size(), dims, 0, spec.value_axis_title,
                            &axis_title_y, 0.45);
    double value_width = 0;
    for (const auto& value : values) {
        value_width = std::max(value_width, width_of(canvas, value, rows.text));
    }
    rows = layout_rows(canvas, plot, theme, dims.size(), dims, value_width, spec.value_axis_title,
                       &axis_title_y, 0.45);
    rows.axis.scale = {0.0, 1.0, 0.25};
    if (rows.axis.x1 - rows.axis.x0 < 120) {
        rows.axis.scale.step = 0.5;
    }
    draw_value_axis(canvas, rows.axis, rows.top, rows.axis_y, style(theme, theme.label_size),
                    percent, plot);
    draw_axis_title(canvas, rows, theme, spec.value_axis_title, axis_title_y);

    const double value_x = rows.axis.x1 + column_gap;
    const double thickness = std::clamp(rows.row_height * 0.55, 2.0, 14.0);
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const double cy = rows.centre(i);
        draw_row_label(canvas, rows, dims[i], i);
        if (scores[i]) {
            const double a = rows.axis.x(0.0);
            const double b = rows.axis.x(*scores[i]);
            canvas.rect({a, cy - thickness / 2, std::max(0.0, b - a), thickness},
                        {palette_colour(0), false}, "bar");
            draw_cell(canvas, rows, values[i], rows.text, value_x, i, ink, "data-label");
        } else {
            missing_strip(canvas, rows.axis.x0, rows.axis.x1, cy, thickness);
            draw_cell(canvas, rows, values[i], rows.text, value_x, i, grey, "missing");
        }
    }
}

namespace {

/// An entry of a flowing legend: its text and the index its swatch is drawn for.
struct LegendEntry {
    std::string text;
    std::size_t index = 0;
    bool hatched = false;
};

/// A flowing legend at the bottom of `plot`: swatches (drawn by `swatch`) and texts, wrapped on
/// up to half the plot's height. With `draw` false, only measures. Returns the height used.
double legend(Canvas& canvas, const Box& plot, const Theme& theme,
              const std::vector<LegendEntry>& entries, bool draw,
              const std::function<void(const LegendEntry&, Point, double)>& swatch) {
    if (entries.empty()) {
        return 0;
    }
    const TextStyle text_style = style(theme, theme.label_size);
    const double line = canvas.measure("Ag", text_style).height;
    const double size = std::min(line * 0.8, 7.0);
    // At most half the plot: entries that do not fit are counted in a last "+k" entry.
    const auto max_lines = std::max(1.0, std::floor(plot.height * 0.5 / (line + 2)));
    struct Placed {
        std::string text;
        double x;
        double line;
        const LegendEntry* entry; ///< nullptr: the "+k" entry
    };
    const auto flow = [&](std::size_t shown) {
        std::vector<Placed> placed;
        double x = plot.x;
        double line_index = 0;
        const auto add = [&](const std::string& full, const LegendEntry* entry) {
            const double swatch_width = entry != nullptr ? size + 3 : 0;
            const std::string text = fit(canvas, full, text_style, plot.width - swatch_width);
            const double width = swatch_width + width_of(canvas, text, text_style);
            if (x > plot.x && x + width > right_of(plot)) {
                x = plot.x;
                line_index += 1;
            }
            placed.push_back({text, x, line_index, entry});
            x += width + 10;
        };
        for (std::size_t i = 0; i < shown; ++i) {
            add(entries[i].text, &entries[i]);
        }
        if (shown < entries.size()) {
            add(fmt::format("+{}", entries.size() - shown), nullptr);
        }
        return placed;
    };
    std::size_t shown = entries.size();
    std::vector<Placed> placed = flow(shown);
    while (shown > 0 && placed.back().line + 1 > max_lines) {
        --shown;
        placed = flow(shown);
    }
    const double height = (placed.back().line + 1) * (line + 2);
    if (draw) {
        const double top = bottom_of(plot) - height;
        for (const auto& item : placed) {
            const double y = top + item.line * (line + 2);
            double x = item.x;
            if (item.entry != nullptr) {
                swatch(*item.entry, {x + size / 2, y + line / 2}, size);
                x += size + 3;
            }
            canvas.text(item.text, text_style, x, y, ink, "legend");
        }
    }
    return height;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Donut: ring segments clockwise from the top, outside labels "Name 45%" with leader lines,
// spread per side so that they do not overlap; labels that cannot fit and missing values go to a
// legend under the ring.

void draw_donut(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme) {
    const std::vector<std::optional<double>> empty;
    const auto& values = spec.series.empty() ? empty : spec.series[0].values;
    const std::size_t count = std::max(spec.categories.size(), values.size());
    if (count == 0) {
        no_data(canvas, plot, theme, spec.format.locale);
        return;
    }
    const auto name = [&](std::size_t i) {
        return i < spec.categories.size() ? spec.categories[i] : fmt::format("#{}", i + 1);
    };
    std::vector<std::optional<double>> shares(count);
    double total = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (usable(values[i]) && *values[i] >= 0) {
            shares[i] = values[i];
            total += *values[i];
        }
    }
    const bool any = total > 0;
    ValueFormat percent;
    percent.kind = ValueKind::percent;
    percent.locale = spec.format.locale;
    std::vector<std::string> texts(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (shares[i] && any) {
            *shares[i] /= total;
            percent.decimals = *shares[i] > 0 && *shares[i] < 0.01 ? 1 : 0;
            texts[i] = name(i) + " " + format_value(*shares[i], percent);
        } else {
            shares[i].reset();
            texts[i] = name(i) + ": " + word(Word::not_available, spec.format.locale);
        }
    }
    const auto swatch = [&](const LegendEntry& entry, Point c, double size) {
        const Stroke outline{grey, 0.5, {}};
        canvas.rect({c.x - size / 2, c.y - size / 2, size, size},
                    {entry.hatched ? grey : palette_colour(entry.index), entry.hatched}, "legend",
                    entry.hatched ? &outline : nullptr);
    };

    const TextStyle label_style = style(theme, theme.label_size);
    const double label_height = canvas.measure("Ag", label_style).height;
    const double leader = 8;
    const Point centre_x{plot.x + plot.width / 2, 0};
    std::vector<bool> dropped(count, false);
    std::vector<LegendEntry> entries;
    Box area = plot;
    double radius = 0;
    double label_width = 0;
    std::vector<double> mids(count, 0);
    for (std::size_t attempt = 0; attempt <= count; ++attempt) {
        entries.clear();
        for (std::size_t i = 0; i < count; ++i) {
            if (!shares[i] || dropped[i]) {
                entries.push_back({texts[i], i, !shares[i]});
            }
        }
        const double legend_height = legend(canvas, plot, theme, entries, false, swatch);
        area.height = std::max(0.0, plot.height - legend_height - (legend_height > 0 ? 4 : 0));
        double widest = 0;
        double cumulative = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (!shares[i]) {
                continue;
            }
            mids[i] = 2 * pi * (cumulative + *shares[i] / 2);
            cumulative += *shares[i];
            if (!dropped[i]) {
                widest = std::max(widest, width_of(canvas, texts[i], label_style));
            }
        }
        label_width = std::min(widest, plot.width * 0.3);
        const double side = label_width + leader + 4;
        radius = std::min(area.height / 2 - 1, (plot.width - 2 * side) / 2);
        const double wanted_radius = std::min(area.height / 2 - 1, plot.width * 0.18);
        if (radius < wanted_radius) {
            radius = wanted_radius;
            label_width = std::max(0.0, plot.width / 2 - radius - leader - 4);
        }
        // Drop the smallest labelled share of a side whose labels cannot all fit.
        bool changed = false;
        for (const bool right : {true, false}) {
            double needed = 0;
            std::optional<std::size_t> smallest;
            for (std::size_t i = 0; i < count; ++i) {
                if (!shares[i] || dropped[i] || (mids[i] < pi) != right) {
                    continue;
                }
                needed += label_height + 1;
                if (!smallest || *shares[i] < *shares[*smallest]) {
                    smallest = i;
                }
            }
            if (smallest && needed > area.height) {
                dropped[*smallest] = true;
                changed = true;
            }
        }
        if (!changed) {
            break;
        }
    }
    const Point centre{centre_x.x, area.y + area.height / 2};

    if (!any || radius <= 0) {
        if (radius > 0) {
            std::vector<Point> ring;
            for (int k = 0; k <= 120; ++k) {
                ring.push_back(polar(centre, radius, 2 * pi * k / 120.0));
            }
            for (int k = 120; k >= 0; --k) {
                ring.push_back(polar(centre, radius * 0.6, 2 * pi * k / 120.0));
            }
            const Stroke outline{light, 0.5, {}};
            canvas.polygon(ring, {grey, true}, "missing", &outline);
        }
        const TextStyle text_style = style(theme, theme.label_size);
        const std::string text = fit(canvas, word(Word::not_available, spec.format.locale),
                                     text_style, std::max(1.0, radius));
        const TextSize size = canvas.measure(text, text_style);
        canvas.text(text, text_style, centre.x - size.width / 2, centre.y - size.height / 2, grey,
                    "missing");
        static_cast<void>(legend(canvas, plot, theme, entries, true, swatch));
        return;
    }

    // Segments.
    double cumulative = 0;
    const Stroke separator{white, 0.8, {}};
    for (std::size_t i = 0; i < count; ++i) {
        if (!shares[i]) {
            continue;
        }
        const double a0 = 2 * pi * cumulative;
        const double a1 = 2 * pi * (cumulative + *shares[i]);
        cumulative += *shares[i];
        if (a1 - a0 <= 0) {
            continue;
        }
        const int steps = std::max(2, static_cast<int>(std::ceil((a1 - a0) / (pi / 90))));
        std::vector<Point> ring;
        for (int k = 0; k <= steps; ++k) {
            ring.push_back(polar(centre, radius, a0 + (a1 - a0) * k / steps));
        }
        for (int k = steps; k >= 0; --k) {
            ring.push_back(polar(centre, radius * 0.6, a0 + (a1 - a0) * k / steps));
        }
        canvas.polygon(ring, {palette_colour(i), false}, "bar", &separator);
    }

    // Outside labels, spread per side.
    for (const bool right : {true, false}) {
        std::vector<std::size_t> which;
        std::vector<double> wanted;
        std::vector<double> heights;
        for (std::size_t i = 0; i < count; ++i) {
            if (!shares[i] || dropped[i] || (mids[i] < pi) != right) {
                continue;
            }
            which.push_back(i);
            wanted.push_back(centre.y - (radius + leader) * std::cos(mids[i]) - label_height / 2);
            heights.push_back(label_height);
        }
        if (which.empty()) {
            continue;
        }
        const std::vector<double> tops =
            spread_labels(wanted, heights, area.y, area.y + area.height, 1.0);
        for (std::size_t k = 0; k < which.size(); ++k) {
            const std::size_t i = which[k];
            const std::string text = fit(canvas, texts[i], label_style, label_width);
            const double width = width_of(canvas, text, label_style);
            const double top = std::clamp(tops[k], area.y, bottom_of(area) - label_height);
            const double y = top + label_height / 2;
            const double elbow = right ? centre.x + radius + leader : centre.x - radius - leader;
            const double x = right ? elbow + 3 : elbow - 3 - width;
            const Point points[] = {
                polar(centre, radius + 1, mids[i]), {elbow, y}, {right ? elbow + 2 : elbow - 2, y}};
            canvas.line(points, {grey, 0.5, {}}, "leader");
            canvas.text(text, label_style, x, top, ink, "data-label");
        }
    }
    static_cast<void>(legend(canvas, plot, theme, entries, true, swatch));
}

// ---------------------------------------------------------------------------------------------
// Radar: spokes clockwise from the top, rings at 25/50/75/100%, one polygon per series broken
// where a value is missing (no point at 0; the gap is marked with a cross on the spoke), labels
// outside the circle at the spoke ends.

void draw_radar(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme) {
    const auto& dims = spec.categories;
    if (dims.size() < 3) {
        // Two spokes make no polygon: bars say the same.
        draw_dimension_bars(canvas, plot, spec, theme);
        return;
    }
    const std::size_t n = dims.size();
    const auto value = [&](std::size_t s, std::size_t i) -> std::optional<double> {
        const auto& values = spec.series[s].values;
        if (i < values.size() && usable(values[i])) {
            return std::clamp(*values[i], 0.0, 1.0);
        }
        return std::nullopt;
    };
    // Legend: one entry per named series, its marker shape and colour.
    std::vector<LegendEntry> entries;
    for (std::size_t s = 0; s < spec.series.size(); ++s) {
        if (!spec.series[s].name.empty() && spec.series.size() > 1) {
            entries.push_back({spec.series[s].name, s, false});
        }
    }
    const auto swatch = [&](const LegendEntry& entry, Point c, double size) {
        draw_marker(canvas, entry.index, c, size, palette_colour(entry.index), "legend");
    };
    const double legend_height = legend(canvas, plot, theme, entries, false, swatch);
    Box area = plot;
    area.height = std::max(0.0, plot.height - legend_height - (legend_height > 0 ? 4 : 0));

    std::vector<std::string> names(dims.begin(), dims.end());
    for (std::size_t i = 0; i < n; ++i) {
        bool missing_everywhere = !spec.series.empty();
        for (std::size_t s = 0; s < spec.series.size(); ++s) {
            missing_everywhere = missing_everywhere && !value(s, i);
        }
        if (missing_everywhere || spec.series.empty()) {
            names[i] += " (" + word(Word::not_available, spec.format.locale) + ")";
        }
    }

    TextStyle label_style = style(theme, theme.label_size);
    const Point centre{plot.x + plot.width / 2, area.y + area.height / 2};
    const double pad = 4;
    const auto angle = [&](std::size_t i) {
        return 2 * pi * static_cast<double>(i) / static_cast<double>(n);
    };
    std::vector<std::string> texts(n);
    std::vector<Box> boxes(n);
    double radius = 0;
    const auto place = [&](double cap, bool sides) {
        double widest = 0;
        double height = 0;
        for (std::size_t i = 0; i < n; ++i) {
            texts[i] = fit(canvas, names[i], label_style, cap);
            const TextSize size = canvas.measure(texts[i], label_style);
            widest = std::max(widest, size.width);
            height = std::max(height, size.height);
        }
        radius =
            std::min((plot.width - 2 * (widest + pad)) / 2, (area.height - 2 * (height + pad)) / 2);
        radius = std::max(radius, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const TextSize size = canvas.measure(texts[i], label_style);
            const double a = angle(i);
            const Point anchor = polar(centre, radius + pad, a);
            const double s = std::sin(a);
            const double c = std::cos(a);
            double x = s > 0.1    ? anchor.x
                       : s < -0.1 ? anchor.x - size.width
                                  : anchor.x - size.width / 2;
            const double y = c > 0.1    ? anchor.y - size.height
                             : c < -0.1 ? anchor.y
                                        : anchor.y - size.height / 2;
            if (sides) {
                // Left and right halves apart: the right half starts at the centre line.
                x = s >= 0 ? std::max(x, centre.x + 1) : std::min(x, centre.x - 1 - size.width);
            }
            x = std::clamp(x, plot.x, std::max(plot.x, right_of(plot) - size.width));
            boxes[i] = {x, std::clamp(y, area.y, std::max(area.y, bottom_of(area) - size.height)),
                        size.width, size.height};
        }
    };
    const auto clear = [&] {
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (overlaps(boxes[i], boxes[j])) {
                    return false;
                }
            }
        }
        return true;
    };
    bool placed = false;
    for (const double share : {0.3, 0.25, 0.2, 0.16, 0.12}) {
        place(plot.width * share, false);
        if (radius >= 20 && clear()) {
            placed = true;
            break;
        }
    }
    if (!placed) {
        // Crowded: smaller labels, halves kept apart, each half spread vertically.
        label_style.size = std::max(5.0, label_style.size * 0.85);
        place(plot.width * 0.16, true);
        for (const bool right : {true, false}) {
            std::vector<std::size_t> which;
            std::vector<double> wanted;
            std::vector<double> heights;
            for (std::size_t i = 0; i < n; ++i) {
                if ((std::sin(angle(i)) >= 0) == right) {
                    which.push_back(i);
                    wanted.push_back(boxes[i].y);
                    heights.push_back(boxes[i].height);
                }
            }
            const std::vector<double> tops =
                spread_labels(wanted, heights, area.y, bottom_of(area), 1.0);
            for (std::size_t k = 0; k < which.size(); ++k) {
                boxes[which[k]].y = tops[k];
            }
        }
    }

    // Rings and spokes.
    const TextStyle tick_style = style(theme, theme.label_size * 0.9);
    for (const double level : {0.25, 0.5, 0.75, 1.0}) {
        std::vector<Point> ring;
        for (std::size_t i = 0; i <= n; ++i) {
            ring.push_back(polar(centre, radius * level, angle(i % n)));
        }
        canvas.line(ring, {level == 1.0 ? light : grid, 0.5, {}}, "gridline");
    }
    for (std::size_t i = 0; i < n; ++i) {
        const Point points[] = {centre, polar(centre, radius, angle(i))};
        canvas.line(points, {grid, 0.5, {}}, "axis");
    }
    // Ring values along the first spoke, just right of it and under each ring.
    const double tick_height = canvas.measure("0", tick_style).height;
    if (radius * 0.25 > tick_height + 1) {
        ValueFormat percent;
        percent.kind = ValueKind::percent;
        percent.locale = spec.format.locale;
        for (const double level : {0.25, 0.5, 0.75, 1.0}) {
            canvas.text(format_value(level, percent), tick_style, centre.x + 2,
                        centre.y - radius * level + 1, grey, "tick-label");
        }
    }

    // Series.
    for (std::size_t s = 0; s < spec.series.size(); ++s) {
        const Rgb colour = palette_colour(s);
        bool complete = true;
        for (std::size_t i = 0; i < n; ++i) {
            complete = complete && value(s, i).has_value();
        }
        if (complete) {
            std::vector<Point> shape;
            for (std::size_t i = 0; i < n; ++i) {
                shape.push_back(polar(centre, radius * *value(s, i), angle(i)));
            }
            if (spec.series.size() == 1) {
                const Rgb tint{0.8 + 0.2 * colour.r, 0.8 + 0.2 * colour.g, 0.8 + 0.2 * colour.b};
                canvas.polygon(shape, {tint, false}, "area");
            }
            shape.push_back(shape.front());
            canvas.line(shape, {colour, 1.5, {}}, "line");
        } else {
            // Runs of present values, joined around the circle; a missing value breaks them.
            std::size_t start = 0;
            while (start < n && value(s, start)) {
                ++start; // start after a missing value, so that runs do not wrap mid-way
            }
            std::vector<Point> run;
            for (std::size_t k = 1; k <= n; ++k) {
                const std::size_t i = (start + k) % n;
                if (const auto v = value(s, i)) {
                    run.push_back(polar(centre, radius * *v, angle(i)));
                } else {
                    if (run.size() >= 2) {
                        canvas.line(run, {colour, 1.5, {}}, "line");
                    }
                    run.clear();
                }
            }
            if (run.size() >= 2) {
                canvas.line(run, {colour, 1.5, {}}, "line");
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (const auto v = value(s, i)) {
                draw_marker(canvas, s, polar(centre, radius * *v, angle(i)), 4.0, colour, "marker");
            } else if (radius > 8) {
                // A cross near the rim of the spoke: this series has no value here.
                const Point c =
                    polar(centre, std::max(4.0, radius - 4 - 7 * static_cast<double>(s)), angle(i));
                const Point a[] = {{c.x - 2.5, c.y - 2.5}, {c.x + 2.5, c.y + 2.5}};
                const Point b[] = {{c.x - 2.5, c.y + 2.5}, {c.x + 2.5, c.y - 2.5}};
                canvas.line(a, {colour, 1.0, {}}, "missing");
                canvas.line(b, {colour, 1.0, {}}, "missing");
            }
        }
    }

    for (std::size_t i = 0; i < n; ++i) {
        canvas.text(texts[i], label_style, boxes[i].x, boxes[i].y, ink, "category-label");
    }
    static_cast<void>(legend(canvas, plot, theme, entries, true, swatch));
}

} // namespace charts::detail
