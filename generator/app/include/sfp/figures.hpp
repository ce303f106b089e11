#pragma once
/// The figures of a document as image files (`sfpgen build --format png,svg`).

#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"

#include <string>
#include <vector>

namespace sfp {

enum class FigureFormat { png, svg };

/// The width of a figure in the PDF (A4 type area), used for the files too, in points.
inline constexpr double figure_width = 471.276;

/// Writes every Figure block of `doc` as `<base>-figure-<n>.png` or `.svg` (n from 1, in
/// document order), each `figure_width` x the figure's height in points; PNGs at `dpi`. Each
/// file is written atomically. Appends the paths written to `outputs`; false (with a
/// diagnostic) when one could not be written.
bool write_figures(const Document& doc, const std::string& base, FigureFormat format, double dpi,
                   std::vector<std::string>& outputs, Diagnostics& diagnostics);

} // namespace sfp
