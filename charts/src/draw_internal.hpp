#pragma once
// Shared by the chart drawing files (draw.cpp: cartesian kinds; draw_special.cpp: bullet, range,
// donut, dimension bars, radar). Not a public header.

#include "charts/canvas.hpp"
#include "charts/chart.hpp"
#include "charts/draw.hpp"

namespace charts::detail {

inline constexpr Rgb ink{0.15, 0.15, 0.15};
inline constexpr Rgb grey{0.45, 0.45, 0.45};
inline constexpr Rgb grid{0.85, 0.85, 0.85};

/// Status colours; status is never shown by colour alone (the word is printed too).
[[nodiscard]] Rgb status_colour(const std::string& status);

/// Draws the title, subtitle and source note of `spec` in `box`; returns the box left for the
/// plot (and legend).
[[nodiscard]] Box draw_frame(Canvas& canvas, const Box& box, const ChartSpec& spec,
                             const Theme& theme);

/// A text style of the theme's family.
[[nodiscard]] TextStyle style(const Theme& theme, double size, bool bold = false,
                              double wrap_width = -1);

/// A series marker: a different shape per series index (circle, square, triangle, diamond), so
/// series are told apart without colour.
void draw_marker(Canvas& canvas, std::size_t series_index, Point centre, double size,
                 const Rgb& colour, std::string_view role = "marker");

// Kinds drawn in draw_special.cpp.
void draw_bullet(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme);
void draw_range(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme);
void draw_donut(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme);
void draw_dimension_bars(Canvas& canvas, const Box& plot, const ChartSpec& spec,
                         const Theme& theme);
void draw_radar(Canvas& canvas, const Box& plot, const ChartSpec& spec, const Theme& theme);

} // namespace charts::detail
