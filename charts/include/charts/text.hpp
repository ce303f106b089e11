#pragma once
/// Text set with Pango on a Cairo context: the one place that creates Pango layouts, shared by
/// the charts and the PDF renderer so both use the same fonts and metrics.

#include <cairo.h>
#include <memory>
#include <mutex>
#include <pango/pangocairo.h>
#include <string>
#include <string_view>

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

/// The lock for laying out text with Pango when two threads could compute a font's metrics at
/// once. Pango 1.50.12 guards a recursion in `_pango_cairo_font_get_metrics`
/// (pangocairo-font.c) with a process-wide `static int in_get_metrics`: a thread that computes
/// a font's metrics while another thread is inside that function skips the approximate
/// character widths, keeps those metrics for the font for good, and justifies paragraphs with
/// other word spacing (batches at --jobs 2 wrote other bytes than --jobs 1 now and then).
/// Metrics are computed once per font and language, so a layout needs the lock only when it may
/// be the first in its font on this thread: LayoutLock.
[[nodiscard]] std::mutex& layout_mutex();

/// Whether `text` is in Latin script only (ASCII, Latin-1, Latin Extended-A and B, general
/// punctuation, the euro sign): set in a font that covers these (DejaVu Sans), it uses that one
/// font in the context's language, and computes no metrics once a Latin text has been set in it.
[[nodiscard]] bool latin_only(std::string_view text);

/// Held while a text is laid out: it takes layout_mutex() unless `text` is latin_only and this
/// thread has already warmed `font`. `font` names the Pango font on this thread: its family,
/// size, weight and style, and what else selects it (the context's serial, the matrix, the
/// surface type). The first Latin text in a font is laid out under the lock, and the caller
/// calls warm() before laying it out.
class LayoutLock {
public:
    LayoutLock(std::string_view text, std::string font);
    ~LayoutLock() = default;
    LayoutLock(const LayoutLock&) = delete;
    LayoutLock& operator=(const LayoutLock&) = delete;
    LayoutLock(LayoutLock&&) = delete;
    LayoutLock& operator=(LayoutLock&&) = delete;

    /// When this layout is the first Latin text in its font on this thread: computes, under the
    /// lock, the metrics of the font `description` gives in `context` (for the context's
    /// language, which Latin text is set in), and keeps a reference to that font for the
    /// thread. Pango's font map forgets fonts it has not used lately (256 font sets); a font
    /// made again would compute its metrics again, outside the lock. Nothing otherwise.
    void warm(PangoContext* context, const PangoFontDescription* description);

    [[nodiscard]] bool locked() const { return lock_.owns_lock(); }

private:
    std::unique_lock<std::mutex> lock_;
    std::string warms_; ///< the font this layout warms (a Latin text under the lock), or empty
};

/// Forgets which fonts this thread has warmed (LayoutLock): for a thread that changes its
/// default font map, whose fonts are others.
void forget_warmed_fonts();

/// Lays out `text` (plain UTF-8, not markup) for drawing on `cr`.
[[nodiscard]] Text make_text(cairo_t* cr, const std::string& text, const TextStyle& style);

/// Draws `text` with its top-left corner at (x, y) in the given colour (RGB in [0,1]).
void show_text(cairo_t* cr, const Text& text, double x, double y, double r, double g, double b);

} // namespace charts
