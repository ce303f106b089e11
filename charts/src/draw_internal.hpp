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

/// The words the chart code prints itself, in the chart's locale (spec.format.locale). English
/// output is the reference (tests/golden/charts); fr and es follow the report's words.
enum class Word {
    not_available, ///< en "n/a", fr "n.d.", es "n.d."
    no_data,       ///< en "no data", fr "aucune donnée", es "sin datos"
    no_room,       ///< en "no room", fr "pas de place", es "sin espacio"
    more,          ///< "+3 more": en "more", fr "autres", es "más"
    unnamed,       ///< a series without a name: en "(unnamed)"
    target,        ///< reference lines without a label: en "Target", fr "Cible", es "Meta"
    baseline,      ///< en "Baseline", fr "Référence", es "Línea de base"
    milestone,     ///< en "Milestone", fr "Jalon", es "Hito"
    no_status,     ///< a bullet without a status
};
[[nodiscard]] std::string word(Word which, Locale locale);

/// The status word of a status name ("on-track" -> en "on track", fr "en bonne voie"); names
/// that are not statuses are returned with '-' as spaces.
[[nodiscard]] std::string status_text(const std::string& status, Locale locale);

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
