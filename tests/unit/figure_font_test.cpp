// Figures composed from a font's measured glyphs (generator/render/src/pdf_glyphs.hpp,
// FigureFont) against Pango's layout of the same texts: the same glyphs, positions, clusters,
// width, height and baseline, in the PDF renderer's fonts at the sizes its tables use.
#include "pdf_glyphs.hpp"

#include <cairo-pdf.h>
#include <catch2/catch.hpp>
#include <memory>
#include <pango/pangocairo.h>
#include <random>
#include <string>
#include <vector>

namespace {

cairo_status_t discard(void* /*closure*/, const unsigned char* /*data*/, unsigned int /*length*/) {
    return CAIRO_STATUS_SUCCESS;
}

/// A Pango context set up as the PDF renderer's (render_pdf.cpp, TypesetterState), and layouts
/// of one text made as its Typesetter makes them on one line.
class Setter {
public:
    Setter() {
        surface_ = cairo_pdf_surface_create_for_stream(discard, nullptr, 595, 842);
        cr_ = cairo_create(surface_);
        context_ = pango_cairo_create_context(cr_);
        pango_context_set_round_glyph_positions(context_, FALSE);
    }
    ~Setter() {
        g_object_unref(context_);
        cairo_destroy(cr_);
        cairo_surface_destroy(surface_);
    }
    Setter(const Setter&) = delete;
    Setter& operator=(const Setter&) = delete;
    Setter(Setter&&) = delete;
    Setter& operator=(Setter&&) = delete;

    /// A new layout of `text` in `family` at `size` points.
    [[nodiscard]] PangoLayout* lay_out(const std::string& text, double size, bool bold,
                                       const char* family = "DejaVu Sans") const {
        PangoLayout* layout = pango_layout_new(context_);
        PangoFontDescription* font = pango_font_description_new();
        pango_font_description_set_family(font, family);
        pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
        pango_font_description_set_weight(font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_layout_set_font_description(layout, font);
        pango_font_description_free(font);
        pango_layout_set_auto_dir(layout, FALSE);
        pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
        pango_layout_set_text(layout, text.c_str(), -1);
        return layout;
    }

private:
    cairo_surface_t* surface_ = nullptr;
    cairo_t* cr_ = nullptr;
    PangoContext* context_ = nullptr;
};

using LayoutPtr = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

/// Checks `text` composed against Pango's layout of it; false when the font cannot compose it.
bool check_same(const sfp::detail::FigureFont& font, const Setter& setter, const std::string& text,
                double size, bool bold, const char* family) {
    CAPTURE(text, size, bold, family);
    const auto composed = font.compose(text);
    if (!composed) {
        return false;
    }
    const LayoutPtr layout(setter.lay_out(text, size, bold, family), &g_object_unref);
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout.get(), &width, &height);
    const sfp::detail::GlyphText pango(layout.get());
    REQUIRE(pango.drawable());
    CHECK(composed->glyphs.same_as(pango));
    CHECK(composed->width == width);
    CHECK(font.height() == height);
    PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
    int top = 0;
    int bottom = 0;
    pango_layout_iter_get_line_yrange(iter, &top, &bottom);
    CHECK(top == 0);
    CHECK(bottom == font.height());
    CHECK(pango_layout_iter_get_baseline(iter) == font.baseline());
    pango_layout_iter_free(iter);
    return true;
}

} // namespace

TEST_CASE("figure font: composed figures are Pango's glyphs at Pango's positions",
          "[figure-font]") {
    const Setter setter;
    // The renderer's font, which has every candidate as a plain glyph and kerns none of their
    // pairs, and Noto Sans, which kerns some pairs and sets U+2212 in another font.
    for (const char* family : {"DejaVu Sans", "Noto Sans"}) {
        const bool dejavu = std::string(family) == "DejaVu Sans";
        // The table sizes (8, 7.25, 6.5 pt and their second lines), body text and headers.
        for (const double size : {4.875, 6.5, 7.25, 8.0, 9.5, 11.0}) {
            for (const bool bold : {false, true}) {
                const sfp::detail::FigureFont font([&](const std::string& text) {
                    return setter.lay_out(text, size, bold, family);
                });
                REQUIRE(font.usable());
                CHECK(font.alphabet_size() ==
                      sfp::detail::FigureFont::candidates().size() - (dejavu ? 0 : 1));
                // What the reports' tables hold, in English, French and Spanish.
                for (const std::string text :
                     {"1,234.5", "12.5%", "n=62", "62\u201366", "\u22120.3", "-0.3", "(1.2)", "720",
                      "1\u202F234,5\u00A0%", "1.234,5 %", "24.4% (23.5%\u201324.4%)", "557:30",
                      "+3.1", "0", "11", "1 000", "7.0%", "100.0%", "2024"}) {
                    CHECK(check_same(font, setter, text, size, bold, family) ==
                          (dejavu || text.find("\u2212") == std::string::npos));
                }
                // Any sequence of the alphabet, pairs a table never has included.
                std::mt19937 random(static_cast<unsigned>(size * 100) + (bold ? 1 : 0));
                const auto& candidates = sfp::detail::FigureFont::candidates();
                std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
                std::uniform_int_distribution<int> length(1, 14);
                int composed = 0;
                for (int k = 0; k < 60; ++k) {
                    std::string text;
                    for (int i = length(random); i > 0; --i) {
                        text += candidates[pick(random)];
                    }
                    composed += check_same(font, setter, text, size, bold, family) ? 1 : 0;
                }
                CHECK(composed >= (dejavu ? 60 : 20));
            }
        }
    }
}

TEST_CASE("figure font: other texts are left to Pango", "[figure-font]") {
    using sfp::detail::FigureFont;
    const Setter setter;
    const FigureFont font([&](const std::string& text) { return setter.lay_out(text, 8, false); });
    REQUIRE(font.usable());
    const std::vector<std::string> others{"",        "n/a",      "1.2 x",
                                          "Africa",  "12\u00B3", "\u0661\u0662",
                                          "1\t2",    "12\n3",    std::string("1\0002", 3),
                                          "\xE2\x88"};
    for (const std::string& text : others) {
        CAPTURE(text);
        CHECK_FALSE(font.compose(text).has_value());
        CHECK_FALSE(FigureFont::may_compose(text));
    }
    CHECK(FigureFont::may_compose("1,234.5"));
    CHECK(FigureFont::may_compose("62\u201366"));
}

TEST_CASE("figure font: a font that does not lay out as measured is not used", "[figure-font]") {
    using sfp::detail::FigureFont;
    const Setter setter;
    // Layouts that are not one line of plain glyphs: nothing is composed.
    const FigureFont none([&](const std::string& /*text*/) { return nullptr; });
    CHECK_FALSE(none.usable());
    CHECK_FALSE(none.compose("12").has_value());
    // The pairs' layout set in another font than the characters alone: not used.
    const FigureFont mixed([&](const std::string& text) {
        return setter.lay_out(text, text.find('\n') != std::string::npos ? 8 : 9, false);
    });
    CHECK_FALSE(mixed.usable());
    // A pair set apart (letter spacing on one character of the pairs' line moves its glyph off
    // its advance, as mark positioning would): not used.
    const FigureFont spaced([&](const std::string& text) {
        PangoLayout* layout = setter.lay_out(text, 8, false);
        if (text.find('\n') == std::string::npos) {
            PangoAttrList* attributes = pango_attr_list_new();
            PangoAttribute* spacing = pango_attr_letter_spacing_new(2 * PANGO_SCALE);
            spacing->start_index = 3;
            spacing->end_index = 4;
            pango_attr_list_insert(attributes, spacing);
            pango_layout_set_attributes(layout, attributes);
            pango_attr_list_unref(attributes);
        }
        return layout;
    });
    CHECK_FALSE(spaced.usable());
    // A character that is not one glyph alone (here: the singles' "1" is laid out as "12")
    // is left out of the alphabet, the others kept.
    const FigureFont fewer([&](const std::string& text) {
        if (text.find('\n') == std::string::npos) {
            return setter.lay_out(text, 8, false);
        }
        std::string lines = text;
        lines.replace(lines.find('\n') + 1, 1, "12");
        return setter.lay_out(lines, 8, false);
    });
    REQUIRE(fewer.usable());
    CHECK(fewer.alphabet_size() == FigureFont::candidates().size() - 1);
    CHECK_FALSE(fewer.compose("1").has_value());
    CHECK(fewer.compose("0").has_value());
}
