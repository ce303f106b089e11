#pragma once
// The glyphs of a laid-out text, taken from its PangoLayout once, so that any thread can draw
// them with cairo alone.
//
// Pango's objects are not thread-safe: a PangoLayout (and the PangoFonts of its font map) may
// be used by one thread at a time, and pango_cairo_show_layout touches both (line extents
// cached on first use, glyph extents in the font's cache). Cairo's scaled fonts are
// thread-safe. GlyphText keeps what Pango's cairo renderer (pangocairo-render.c, Pango 1.50)
// hands to cairo_show_text_glyphs for each run of each line, in Pango units, and draw() makes
// the same cairo calls with the same numbers: a page drawn from GlyphTexts is the same bytes as
// one drawn with pango_cairo_show_layout, and the pages of one document can be drawn on two
// threads (render_pdf's split output).
//
// Texts this cannot replay exactly are marked !drawable() and must be drawn by Pango: a glyph
// the font lacks (Pango draws a hex box), a run in a font without a cairo scaled font, a
// centred baseline (vertical text). None occurs with the PDF's own fonts and Latin, Arabic or
// Cyrillic text.

#include <cairo.h>
#include <cstdint>
#include <pango/pango.h>
#include <string>
#include <vector>

namespace sfp::detail {

class GlyphText {
public:
    /// The glyphs of `layout`, which must be laid out already (its size was asked for).
    explicit GlyphText(PangoLayout* layout);
    GlyphText() = default;
    ~GlyphText();
    GlyphText(const GlyphText&) = delete;
    GlyphText& operator=(const GlyphText&) = delete;
    GlyphText(GlyphText&& other) noexcept;
    GlyphText& operator=(GlyphText&& other) noexcept;

    /// False when the text must be drawn by Pango (see above).
    [[nodiscard]] bool drawable() const { return drawable_; }

    /// Draws lines [from, to) as pango_cairo_show_layout does the whole layout with the current
    /// point at (x, y) (`whole`: each line at its own offset and baseline), or, for one line,
    /// as pango_cairo_show_layout_line does with the current point at the line's origin (x, y).
    /// Leaves the current point at (x, y), as Pango does.
    void draw(cairo_t* cr, std::size_t from, std::size_t to, double x, double y, bool whole) const;

    [[nodiscard]] std::size_t lines() const { return lines_.size(); }

private:
    struct Line {
        int x = 0;        ///< the line's logical left edge in the layout (Pango units)
        int baseline = 0; ///< its baseline from the layout's top (Pango units)
        std::uint32_t runs_begin = 0, runs_end = 0;
    };
    struct Run {
        cairo_scaled_font_t* font = nullptr; ///< a reference of ours
        int x = 0;                           ///< the run's origin in its line (Pango units)
        int y = 0;
        std::uint32_t glyphs_begin = 0, glyphs_end = 0;
        std::uint32_t clusters_begin = 0, clusters_end = 0;
        std::uint32_t text_offset = 0, text_length = 0;
        bool backward = false;
    };
    struct Glyph {
        unsigned long index = 0;
        int x = 0; ///< x position in the run plus the glyph's x offset (Pango units)
        int y = 0; ///< the glyph's y offset (Pango units)
    };

    void release() noexcept;

    std::string text_;
    std::vector<Line> lines_;
    std::vector<Run> runs_;
    std::vector<Glyph> glyphs_;
    std::vector<cairo_text_cluster_t> clusters_;
    bool drawable_ = false;
};

} // namespace sfp::detail
