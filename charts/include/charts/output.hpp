#pragma once
/// Writing one chart as a file: PNG (raster at a given resolution) and SVG (vectors), for
/// previews and the web. Both are written to a temporary file beside the target and renamed
/// into place, so a failure leaves no partial file.

#include "charts/chart.hpp"
#include "charts/draw.hpp"

#include <array>
#include <string>

namespace charts {

/// Every chart kind, in declaration order (the gallery and the golden tests walk this list).
inline constexpr std::array<ChartKind, 15> all_kinds{
    ChartKind::line,           ChartKind::column,          ChartKind::bar,
    ChartKind::stacked_column, ChartKind::stacked_bar,     ChartKind::percent_column,
    ChartKind::percent_bar,    ChartKind::bullet,          ChartKind::range,
    ChartKind::scatter,        ChartKind::donut,           ChartKind::dimension_bars,
    ChartKind::radar,          ChartKind::small_multiples, ChartKind::sparkline,
};

/// Pixels for a length in points at `dpi` (rounded to the nearest pixel, at least 1).
[[nodiscard]] int pixels(double points, double dpi);

/// Draws `spec` on a white `width_pt` x `height_pt` page rasterised at `dpi` (an image of
/// pixels(width_pt, dpi) x pixels(height_pt, dpi)) and writes it as PNG to `path`.
/// On failure returns false with the reason in `error` (without the path: the caller names
/// the file) and leaves nothing at `path`.
bool write_png(const ChartSpec& spec, const std::string& path, double width_pt, double height_pt,
               double dpi, const Theme& theme, std::string& error);

/// Draws `spec` on a `width_pt` x `height_pt` SVG page (units: points) and writes it to `path`.
/// The file is byte-identical for identical input: cairo numbers the `<g id="surfaceN">` of each
/// SVG surface with a process-wide counter, so the ids are renumbered from 1 in each file.
bool write_svg(const ChartSpec& spec, const std::string& path, double width_pt, double height_pt,
               const Theme& theme, std::string& error);

} // namespace charts
