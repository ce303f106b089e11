#pragma once
/// Placing category and data labels so that no two overlap: pure geometry over measured text
/// sizes (no Cairo), so it can be tested exhaustively. The chart code measures the labels with
/// its Canvas, asks for a plan, then draws what the plan says.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace charts {

/// A measured label: its logical size in points when set on one line.
struct LabelSize {
    double width = 0;
    double height = 0;
};

/// How category labels along a horizontal axis are set, from the cheapest change to the most:
/// horizontal; wrapped on up to `max_lines` lines within the slot; rotated 45 or 90 degrees;
/// thinned (every `step`-th label shown, the others left out, always including the first and the
/// last); and finally ellipsised to `max_width`.
struct AxisLabelPlan {
    double angle = 0;         ///< 0, 45 or 90 (degrees counter-clockwise)
    double wrap_width = 0;    ///< > 0: wrap each label at this width
    std::size_t step = 1;     ///< show every step-th label
    double max_width = 0;     ///< > 0: ellipsise labels longer than this (along the text)
    double height_needed = 0; ///< vertical space the labels take below the axis
};

/// Chooses how to set category labels centred on slots `slot_width` apart, with at most
/// `max_height` points below the axis. `gap` is the minimum space between two labels.
[[nodiscard]] AxisLabelPlan plan_axis_labels(std::span<const LabelSize> sizes, double slot_width,
                                             double max_height, double line_height,
                                             double gap = 2.0);

/// Shortens `text` with a trailing "…" (U+2026) until `measure(text)` fits `max_width`; whole
/// UTF-8 characters only. Returns `text` unchanged when it fits.
[[nodiscard]] std::string ellipsise(const std::string& text, double max_width,
                                    const std::function<double(const std::string&)>& measure);

/// Places labels at preferred vertical positions `wanted` (e.g. line end labels, sorted or not)
/// inside [top, bottom] so that labels of `heights` do not overlap, moving each as little as
/// possible. Returns the chosen positions (top edges), in input order.
[[nodiscard]] std::vector<double> spread_labels(std::span<const double> wanted,
                                                std::span<const double> heights, double top,
                                                double bottom, double gap = 1.0);

} // namespace charts
