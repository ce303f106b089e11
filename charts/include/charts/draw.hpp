#pragma once
/// Drawing a ChartSpec with Cairo and Pango into any Cairo context (PDF, PNG, SVG surfaces).

#include "charts/canvas.hpp"
#include "charts/chart.hpp"

#include <cairo.h>
#include <string>

namespace charts {

/// Fonts and sizes (points) shared with the document typography.
struct Theme {
    std::string font_family = "DejaVu Sans";
    double title_size = 10.0;
    double label_size = 7.5;
    double note_size = 7.0;
};

/// Draws `spec` inside `box` on `canvas`.
void draw_chart(Canvas& canvas, const Box& box, const ChartSpec& spec, const Theme& theme);

/// Draws `spec` inside `box` on `cr`. Leaves the context state as it found it.
void draw_chart(cairo_t* cr, const Box& box, const ChartSpec& spec, const Theme& theme);

/// The colour-blind-safe palette (Okabe-Ito order), as RGB in [0,1].
[[nodiscard]] Rgb palette_colour(std::size_t index);

} // namespace charts
