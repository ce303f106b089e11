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

#include <array>
#include <cairo.h>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <pango/pango.h>
#include <string>
#include <string_view>
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

    /// The same glyphs, fonts, positions and clusters as `other` (tests compare a composed
    /// text with Pango's layout of it).
    [[nodiscard]] bool same_as(const GlyphText& other) const;

private:
    friend class FigureFont;

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

/// Texts made of figures, separators and signs ("1,234.5", "12.5%", "n=62", "62–66",
/// "-0.3 (−1.2–0.4)"), composed from what Pango made of each character of one font at one size
/// instead of being laid out by Pango: they are most of a report's texts (5,100 of the 7,000 of
/// the reference-size report), and a Pango layout costs 10-20 µs where composing one costs
/// well under one.
///
/// Composing gives what Pango gives when each character is one glyph whose advance depends on
/// itself and the next character alone (pair kerning), as in the fonts of Latin text. That is
/// measured, not assumed: Pango lays out each character alone (a line each) and a text in which
/// every ordered pair of characters is adjacent once (a de Bruijn sequence).
/// A character that is not one plain glyph of the same font with the same line metrics as the
/// others is left out of the alphabet (a text with it goes to Pango); a font in which a pair
/// has two different advances, a glyph is moved off its advance or a pair makes other glyphs is
/// not used at all. tests/unit/figure_font_test.cpp checks composed texts against Pango's.
class FigureFont {
public:
    /// A new reference to the layout of `text` in the font (one line, not wrapped), made by
    /// the caller's Pango context: FigureFont releases it.
    using LayOut = std::function<PangoLayout*(const std::string& text)>;

    /// The characters it may compose, when the font has them: ASCII digits, space and
    /// `.,%+-():=n`, and U+00A0, U+2009, U+2013, U+2212 and U+202F.
    static const std::vector<std::string_view>& candidates();

    /// True when every character of `text` is one of candidates() (and it is not empty).
    [[nodiscard]] static bool may_compose(std::string_view text);

    /// Measures the font with two layouts: every candidate alone on a line of its own, and
    /// every ordered pair of the characters found usable on one line.
    explicit FigureFont(const LayOut& lay_out);
    FigureFont() = default;

    /// False when nothing can be composed in this font.
    [[nodiscard]] bool usable() const { return font_ != nullptr; }

    /// `text` set on one line as Pango would set it: its glyphs and its logical width (Pango
    /// units). Nothing when the text is empty or has a character outside the alphabet.
    struct Composed {
        GlyphText glyphs;
        int width = 0;
    };
    [[nodiscard]] std::optional<Composed> compose(std::string_view text) const;

    /// The line's metrics, the same for every composed text (Pango units): its logical height
    /// (the layout's, its line's bottom, its top being 0) and its baseline.
    [[nodiscard]] int baseline() const { return baseline_; }
    [[nodiscard]] int height() const { return height_; }

    /// The characters of candidates() it composes.
    [[nodiscard]] std::size_t alphabet_size() const { return glyph_.size(); }

private:
    /// The alphabet index of the character that starts `text` at `at`, and its length in
    /// bytes; -1 when it is not in the alphabet.
    [[nodiscard]] int index_at(std::string_view text, std::size_t at, std::size_t& length) const;

    struct FontRelease {
        void operator()(cairo_scaled_font_t* font) const { cairo_scaled_font_destroy(font); }
    };
    std::unique_ptr<cairo_scaled_font_t, FontRelease> font_; ///< ours; null: not usable
    std::array<std::int8_t, 128> ascii_{};        ///< alphabet index of each ASCII character, or -1
    std::vector<std::pair<char32_t, int>> other_; ///< the non-ASCII characters' indices
    std::vector<unsigned long> glyph_;            ///< by alphabet index
    std::vector<int> advance_;                    ///< alone (at the end of a text)
    std::vector<int> pair_advance_;               ///< [a * n + b]: a's advance before b
    int baseline_ = 0, height_ = 0;
};

} // namespace sfp::detail
