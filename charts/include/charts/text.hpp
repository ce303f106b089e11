#pragma once
/// Text set with Pango on a Cairo context: the one place that creates Pango layouts, shared by
/// the charts and the PDF renderer so both use the same fonts and metrics.

#include <cairo.h>
#include <memory>
#include <mutex>
#include <pango/pangocairo.h>
#include <string>

namespace charts {

enum class TextAlign { left, centre, right, justify };

/// How to set a piece of text. Sizes in points.
struct TextStyle {
    std::string family = "DejaVu Sans";
    double size = 10.0;
    bool bold = false;
    bool italic = false;
    double wrap_width = -1; ///< wrap at this width (points); <= 0: a single line
    TextAlign align = TextAlign::left;
    double line_spacing = 1.0; ///< multiple of the font's line height
};

struct LayoutDeleter {
    void operator()(PangoLayout* layout) const { g_object_unref(layout); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

/// A laid-out text and its logical size in points.
struct Text {
    LayoutPtr layout;
    double width = 0;
    double height = 0;
};

/// The lock under which every Pango layout of the process is made (here and in the PDF
/// renderer). Two threads laying out text at the same moment (a batch with --jobs 2) now and
/// then got a justified paragraph with different word spacing than one thread alone: a race
/// inside Pango 1.50 or its font stack, found by batch_bench comparing the bytes of --jobs 1
/// and --jobs 2 (3 runs in 16 differed; none in 30 with this lock). Laying out is a small part
/// of a brief's time (laid texts are cached), so the lock costs little; drawing is not locked.
[[nodiscard]] std::mutex& layout_mutex();

/// Lays out `text` (plain UTF-8, not markup) for drawing on `cr`.
[[nodiscard]] Text make_text(cairo_t* cr, const std::string& text, const TextStyle& style);

/// Draws `text` with its top-left corner at (x, y) in the given colour (RGB in [0,1]).
void show_text(cairo_t* cr, const Text& text, double x, double y, double r, double g, double b);

} // namespace charts
