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

/// Wrapped category labels take at most this many lines.
inline constexpr int max_lines = 2;
/// Word wrapping leaves the ends of lines empty: a wrapped label is counted as if each line held
/// only this fraction of the wrap width (see wrapped_lines).
inline constexpr double wrap_fill = 0.85;
/// An ellipsised label keeps at least this many line heights of text (or all of it): below
/// that, labels are thinned out instead.
inline constexpr double min_ellipsis_lines = 5.0;

/// How category labels along a horizontal axis are set. For step = 1, 2, ... in turn, the
/// cheapest of: horizontal; wrapped within the slot on up to `max_lines` lines; rotated 45 or 90
/// degrees; ellipsised to `max_width` (horizontal, wrapped on max_lines lines, 45 or 90 degrees,
/// whichever keeps the most text, and only when that keeps at least min_ellipsis_lines x
/// line_height; with both `wrap_width` and `max_width` the text is cut first, then wrapped); then
/// the next step (thinned: every `step`-th label shown, see is_label_shown). When even the first
/// and the last label alone need more, they are ellipsised to whatever fits.
///
/// Geometry the plan guarantees: each shown label is centred on its slot. Horizontal labels
/// (wrapped: `wrap_width` wide) are at least `gap` apart along the axis; rotated labels are
/// parallel, so they are at least `gap` apart across the text (slot distance x sin(angle) >=
/// mean height + gap) however long they are, provided all are anchored the same way (e.g. the
/// end of the text at the slot centre). A single category must fit its slot (no rotation).
struct AxisLabelPlan {
    double angle = 0;         ///< 0, 45 or 90 (degrees counter-clockwise)
    double wrap_width = 0;    ///< > 0: wrap each label at this width
    std::size_t step = 1;     ///< show every step-th label
    double max_width = 0;     ///< > 0: ellipsise labels longer than this (along the text)
    double height_needed = 0; ///< vertical space the labels take below the axis
};

/// Chooses how to set category labels centred on slots `slot_width` apart, with at most
/// `max_height` points below the axis. `gap` is the minimum space between two labels.
/// `line_height` is the height of one line of a wrapped label. height_needed is the largest
/// of: the label height (horizontal), wrapped_lines x line_height (wrapped), width x sin +
/// height x cos (rotated, width after ellipsis); it is <= max_height unless nothing fits.
[[nodiscard]] AxisLabelPlan plan_axis_labels(std::span<const LabelSize> sizes, double slot_width,
                                             double max_height, double line_height,
                                             double gap = 2.0);

/// Whether label `index` of `count` is shown under `plan`: the first and the last always; in
/// between every step-th (index % step == 0) except one closer than `step` to the last, so that
/// shown labels are always at least `step` slots apart.
[[nodiscard]] bool is_label_shown(const AxisLabelPlan& plan, std::size_t index, std::size_t count);

/// The number of lines the plan counts for a label `width` wide wrapped at `wrap_width`: 1 when
/// it fits, otherwise ceil(width / (wrap_fill x wrap_width)).
[[nodiscard]] double wrapped_lines(double width, double wrap_width);

/// Shortens `text` with a trailing "…" (U+2026) until `measure(text)` fits `max_width`; whole
/// UTF-8 characters only, never between a character and its combining marks; spaces before the
/// "…" are dropped. Returns `text` unchanged when it fits, "…" alone when no character fits and
/// "" when not even "…" fits. `measure` must grow with the text (binary search).
[[nodiscard]] std::string ellipsise(const std::string& text, double max_width,
                                    const std::function<double(const std::string&)>& measure);

/// Places labels at preferred vertical positions `wanted` (e.g. line end labels, sorted or not)
/// inside [top, bottom] so that labels of `heights` do not overlap, moving each as little as
/// possible (least squares). Labels keep the order of their wanted positions (ties: input
/// order) and are `gap` apart. Returns the chosen positions (top edges), in input order. When
/// the labels do not fit with gaps, the gaps shrink; when they do not fit at all, their top
/// edges are spread evenly over the room, each label inside [top, bottom] (overlapping).
[[nodiscard]] std::vector<double> spread_labels(std::span<const double> wanted,
                                                std::span<const double> heights, double top,
                                                double bottom, double gap = 1.0);

} // namespace charts
