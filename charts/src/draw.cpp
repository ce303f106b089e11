#include "charts/draw.hpp"

#include "charts/scale.hpp"
#include "charts/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace charts {

namespace {

constexpr Rgb ink{0.15, 0.15, 0.15};
constexpr Rgb grey{0.45, 0.45, 0.45};
constexpr Rgb grid{0.85, 0.85, 0.85};

void set_colour(cairo_t* cr, const Rgb& colour) {
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
}

Text make_text(cairo_t* cr, const std::string& text, const std::string& family, double size,
               bool bold, double wrap_width = -1) {
    TextStyle style;
    style.family = family;
    style.size = size;
    style.bold = bold;
    style.wrap_width = wrap_width;
    return charts::make_text(cr, text, style);
}

void show_text(cairo_t* cr, const Text& text, double x, double y, const Rgb& colour) {
    charts::show_text(cr, text, x, y, colour.r, colour.g, colour.b);
}

/// Marker shapes differ per series so that series are told apart without colour.
void draw_marker(cairo_t* cr, std::size_t series_index, double x, double y, double size) {
    const double half = size / 2;
    switch (series_index % 4) {
    case 0:
        cairo_arc(cr, x, y, half, 0, 2 * M_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - half, y - half, size, size);
        break;
    case 2:
        cairo_move_to(cr, x, y - half * 1.15);
        cairo_line_to(cr, x + half * 1.1, y + half * 0.85);
        cairo_line_to(cr, x - half * 1.1, y + half * 0.85);
        cairo_close_path(cr);
        break;
    default:
        cairo_move_to(cr, x, y - half * 1.2);
        cairo_line_to(cr, x + half * 1.2, y);
        cairo_line_to(cr, x, y + half * 1.2);
        cairo_line_to(cr, x - half * 1.2, y);
        cairo_close_path(cr);
        break;
    }
    cairo_fill(cr);
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

void draw_chart(cairo_t* cr, const Box& box, const ChartSpec& spec, const Theme& theme) {
    cairo_save(cr);
    double top = box.y;
    const double bottom_limit = box.y + box.height;

    if (!spec.title.empty()) {
        const Text title =
            make_text(cr, spec.title, theme.font_family, theme.title_size, true, box.width);
        show_text(cr, title, box.x, top, ink);
        top += title.height + 2;
    }
    if (!spec.subtitle.empty()) {
        const Text subtitle =
            make_text(cr, spec.subtitle, theme.font_family, theme.label_size, false, box.width);
        show_text(cr, subtitle, box.x, top, grey);
        top += subtitle.height + 2;
    }

    // Legend: one row of swatch + name, wrapping to further rows when full.
    if (spec.series.size() > 1) {
        double x = box.x;
        double row_height = 0;
        top += 2;
        for (std::size_t i = 0; i < spec.series.size(); ++i) {
            const Text name =
                make_text(cr, spec.series[i].name, theme.font_family, theme.label_size, false);
            const double item_width = 14 + name.width + 10;
            if (x + item_width > box.x + box.width && x > box.x) {
                x = box.x;
                top += row_height + 2;
                row_height = 0;
            }
            set_colour(cr, palette_colour(i));
            const double mid = top + name.height / 2;
            cairo_set_line_width(cr, 1.5);
            cairo_move_to(cr, x, mid);
            cairo_line_to(cr, x + 10, mid);
            cairo_stroke(cr);
            draw_marker(cr, i, x + 5, mid, 4);
            show_text(cr, name, x + 14, top, ink);
            x += item_width;
            row_height = std::max(row_height, name.height);
        }
        top += row_height + 4;
    }

    double bottom = bottom_limit;
    if (!spec.source_note.empty()) {
        const Text note =
            make_text(cr, spec.source_note, theme.font_family, theme.note_size, false, box.width);
        bottom -= note.height;
        show_text(cr, note, box.x, bottom, grey);
        bottom -= 4;
    }

    const bool bars = spec.kind == ChartKind::column;
    const auto range = value_range(spec);
    const LinearScale scale =
        range ? nice_scale(range->first, range->second, 5, bars) : nice_scale(0.0, 1.0, 5, true);
    const auto ticks = scale.ticks();

    // Left margin from the widest tick label; bottom margin from the category labels.
    double label_width = 0;
    double label_height = 0;
    for (const double tick : ticks) {
        const Text label = make_text(cr, format_tick(tick, scale.step, spec.format),
                                     theme.font_family, theme.label_size, false);
        label_width = std::max(label_width, label.width);
        label_height = std::max(label_height, label.height);
    }
    double axis_title_width = 0;
    if (!spec.value_axis_title.empty()) {
        axis_title_width = label_height + 2;
    }
    const double plot_left = box.x + axis_title_width + label_width + 4;
    const double plot_right = box.x + box.width - 4;
    const double plot_top = top + label_height / 2;
    // Category labels wrap inside their slot (at most two lines); where even that overlaps,
    // only every k-th label is shown.
    const std::size_t categories = spec.categories.size();
    const double slot_estimate =
        (box.x + box.width - 4 - (box.x + axis_title_width + label_width + 4)) /
        static_cast<double>(std::max<std::size_t>(categories, 1));
    double category_height = label_height;
    for (const auto& category : spec.categories) {
        const Text wrapped =
            make_text(cr, category, theme.font_family, theme.label_size, false, slot_estimate - 4);
        category_height = std::max(category_height, wrapped.height);
    }
    const bool wrap_categories = category_height <= label_height * 2.2;
    if (!wrap_categories) {
        category_height = label_height;
    }
    const double plot_bottom = bottom - category_height - 4;
    if (plot_bottom - plot_top < 20 || plot_right - plot_left < 20) {
        cairo_restore(cr);
        return; // the box is too small to hold a plot; the title and notes are drawn
    }
    const auto y_of = [&](double value) {
        return plot_bottom - scale.fraction(value) * (plot_bottom - plot_top);
    };

    if (!spec.value_axis_title.empty()) {
        const Text axis_title =
            make_text(cr, spec.value_axis_title, theme.font_family, theme.label_size, false);
        cairo_save(cr);
        cairo_translate(cr, box.x, (plot_top + plot_bottom) / 2 + axis_title.width / 2);
        cairo_rotate(cr, -M_PI / 2);
        show_text(cr, axis_title, 0, 0, grey);
        cairo_restore(cr);
    }

    cairo_set_line_width(cr, 0.5);
    for (const double tick : ticks) {
        const double y = y_of(tick);
        set_colour(cr, tick == 0.0 ? grey : grid);
        cairo_move_to(cr, plot_left, y);
        cairo_line_to(cr, plot_right, y);
        cairo_stroke(cr);
        const Text label = make_text(cr, format_tick(tick, scale.step, spec.format),
                                     theme.font_family, theme.label_size, false);
        show_text(cr, label, plot_left - 4 - label.width, y - label.height / 2, grey);
    }

    if (categories == 0) {
        cairo_restore(cr);
        return;
    }
    const double slot = (plot_right - plot_left) / static_cast<double>(categories);
    const auto x_of = [&](std::size_t index) {
        return plot_left + (static_cast<double>(index) + 0.5) * slot;
    };
    const double wrap = wrap_categories ? slot - 4 : -1;
    double widest = 0;
    for (const auto& category : spec.categories) {
        widest = std::max(
            widest,
            make_text(cr, category, theme.font_family, theme.label_size, false, wrap).width);
    }
    if (wrap > 0) {
        widest = std::min(widest, wrap);
    }
    const auto every = static_cast<std::size_t>(std::max(1.0, std::ceil((widest + 4) / slot)));
    for (std::size_t i = 0; i < categories; i += every) {
        TextStyle style;
        style.family = theme.font_family;
        style.size = theme.label_size;
        style.wrap_width = wrap;
        style.align = TextAlign::centre;
        const Text label = charts::make_text(cr, spec.categories[i], style);
        const double width = wrap > 0 ? wrap : label.width;
        show_text(cr, label, x_of(i) - width / 2, plot_bottom + 3, grey);
    }

    const double zero_y = y_of(std::clamp(0.0, scale.min, scale.max));
    const std::size_t series_count = spec.series.size();
    for (std::size_t s = 0; s < series_count; ++s) {
        const Series& series = spec.series[s];
        const Rgb colour = palette_colour(s);
        if (bars) {
            const double group_width = slot * 0.75;
            const double bar_width = group_width / static_cast<double>(series_count);
            for (std::size_t i = 0; i < std::min(categories, series.values.size()); ++i) {
                const double x = x_of(i) - group_width / 2 + static_cast<double>(s) * bar_width;
                const auto& value = series.values[i];
                if (!value) {
                    // Missing: a dashed empty slot with "n/a", never a zero-height bar.
                    set_colour(cr, grey);
                    const std::array<double, 1> dash{1.5};
                    cairo_set_dash(cr, dash.data(), 1, 0);
                    cairo_rectangle(cr, x + 0.5, zero_y - 12, bar_width - 1, 12);
                    cairo_stroke(cr);
                    cairo_set_dash(cr, nullptr, 0, 0);
                    const Text na =
                        make_text(cr, "n/a", theme.font_family, theme.note_size * 0.8, false);
                    show_text(cr, na, x + bar_width / 2 - na.width / 2, zero_y - 12 - na.height,
                              grey);
                    continue;
                }
                set_colour(cr, colour);
                const double y = y_of(*value);
                cairo_rectangle(cr, x, std::min(y, zero_y), bar_width * 0.92,
                                std::fabs(zero_y - y));
                cairo_fill(cr);
            }
            continue;
        }
        // Line: segments only between consecutive present values, so a gap stays visible.
        set_colour(cr, colour);
        cairo_set_line_width(cr, 1.5);
        bool pen_down = false;
        for (std::size_t i = 0; i < std::min(categories, series.values.size()); ++i) {
            const auto& value = series.values[i];
            if (!value) {
                pen_down = false;
                continue;
            }
            if (pen_down) {
                cairo_line_to(cr, x_of(i), y_of(*value));
            } else {
                cairo_move_to(cr, x_of(i), y_of(*value));
            }
            pen_down = true;
        }
        cairo_stroke(cr);
        for (std::size_t i = 0; i < std::min(categories, series.values.size()); ++i) {
            if (series.values[i]) {
                draw_marker(cr, s, x_of(i), y_of(*series.values[i]), 3.5);
            }
        }
    }
    cairo_restore(cr);
}

} // namespace charts
