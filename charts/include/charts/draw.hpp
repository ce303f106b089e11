#pragma once
/// Drawing a ChartSpec with Cairo and Pango into any Cairo context (PDF, PNG, SVG surfaces).

#include "charts/canvas.hpp"
#include "charts/chart.hpp"

#include <cairo.h>
#include <string>

namespace charts {

/// The colour of a target status ("on-track", "at-risk", "off-track"; `other` for the rest:
/// no data, not started), shared by the charts and the PDF. Status is never shown by colour
/// alone: the word is printed too.
[[nodiscard]] Rgb status_colour(const std::string& status, Rgb other = {0.45, 0.45, 0.45});

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
