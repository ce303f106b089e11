#include "charts/text.hpp"

#include <fmt/format.h>
#include <unordered_map>

namespace charts {

namespace {
struct FontDeleter {
    void operator()(PangoFontDescription* font) const { pango_font_description_free(font); }
};
} // namespace

std::mutex& layout_mutex() {
    static std::mutex mutex;
    return mutex;
}

bool latin_only(std::string_view text) {
    const auto* at = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = at + text.size();
    while (at < end) {
        const unsigned char lead = *at;
        if (lead < 0x80U) {
            ++at;
            continue;
        }
        char32_t code = 0;
        std::size_t length = 0;
        if ((lead & 0xE0U) == 0xC0U) {
            code = lead & 0x1FU;
            length = 2;
        } else if ((lead & 0xF0U) == 0xE0U) {
            code = lead & 0x0FU;
            length = 3;
        } else {
            return false; // four-byte sequences are far outside Latin; malformed bytes too
        }
        if (static_cast<std::size_t>(end - at) < length) {
            return false;
        }
        for (std::size_t i = 1; i < length; ++i) {
            if ((at[i] & 0xC0U) != 0x80U) {
                return false;
            }
            code = (code << 6U) | (at[i] & 0x3FU);
        }
        at += length;
        const bool latin = code <= 0x024FU;                          // to Latin Extended-B
        const bool punctuation = code >= 0x2010U && code <= 0x2044U; // dashes, quotes, ...
        if (!latin && !punctuation && code != 0x20ACU) {
            return false;
        }
    }
    return true;
}

namespace {
struct FontUnref {
    void operator()(PangoFont* font) const { g_object_unref(font); }
};
using FontRef = std::unique_ptr<PangoFont, FontUnref>;

/// The fonts this thread has warmed (LayoutLock::warm), each kept alive with its metrics: a
/// few per size and weight; emptied if it ever grows large (the fonts are then warmed again).
std::unordered_map<std::string, FontRef>& warmed_fonts() {
    thread_local std::unordered_map<std::string, FontRef> warmed;
    return warmed;
}
} // namespace

void forget_warmed_fonts() {
    warmed_fonts().clear();
}

LayoutLock::LayoutLock(std::string_view text, std::string font)
    : lock_(layout_mutex(), std::defer_lock) {
    const bool latin = latin_only(text);
    if (latin && warmed_fonts().count(font) != 0) {
        return;
    }
    lock_.lock();
    if (latin) {
        warms_ = std::move(font);
    }
}

void LayoutLock::warm(PangoContext* context, const PangoFontDescription* description) {
    if (warms_.empty()) {
        return;
    }
    auto& warmed = warmed_fonts();
    if (warmed.size() >= 1024) {
        warmed.clear();
    }
    FontRef font(pango_context_load_font(context, description));
    if (font) {
        pango_font_metrics_unref(
            pango_font_get_metrics(font.get(), pango_context_get_language(context)));
        warmed.emplace(std::move(warms_), std::move(font));
    }
    warms_.clear();
}

Text make_text(cairo_t* cr, const std::string& text, const TextStyle& style) {
    // The font of a chart text: its style, and what selects the Pango font on this thread
    // besides (the matrix of `cr` and the kind of surface, whose font options differ).
    cairo_matrix_t matrix;
    cairo_get_matrix(cr, &matrix);
    LayoutLock lock(
        text, fmt::format("chart|{}|{}|{}|{}|{}|{}|{}|{}|{}", style.family, style.size, style.bold,
                          style.italic, matrix.xx, matrix.yx, matrix.xy, matrix.yy,
                          static_cast<int>(cairo_surface_get_type(cairo_get_target(cr)))));
    Text out;
    out.layout.reset(pango_cairo_create_layout(cr));
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE) {
        // On a vector page glyphs go where the font puts them; Pango would otherwise round
        // their positions to whole device units (points), as it should for pixels.
        pango_context_set_round_glyph_positions(pango_layout_get_context(out.layout.get()), FALSE);
    }
    const std::unique_ptr<PangoFontDescription, FontDeleter> font(pango_font_description_new());
    pango_font_description_set_family(font.get(), style.family.c_str());
    pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font.get(),
                                     style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    PangoLayout* layout = out.layout.get();
    lock.warm(pango_layout_get_context(layout), font.get());
    pango_layout_set_font_description(layout, font.get());
    if (style.wrap_width > 0) {
        pango_layout_set_width(layout, static_cast<int>(style.wrap_width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    switch (style.align) {
    case TextAlign::left:
        pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
        break;
    case TextAlign::centre:
        pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
        break;
    case TextAlign::right:
        pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
        break;
    case TextAlign::justify:
        pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
        pango_layout_set_justify(layout, TRUE);
        break;
    }
    if (style.line_spacing != 1.0) {
        pango_layout_set_line_spacing(layout, static_cast<float>(style.line_spacing));
    }
    pango_layout_set_text(layout, text.c_str(), -1);
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout, &width, &height);
    // With a wrap width the layout is as wide as asked; report the used width otherwise.
    out.width = static_cast<double>(width) / PANGO_SCALE;
    out.height = static_cast<double>(height) / PANGO_SCALE;
    return out;
}

void show_text(cairo_t* cr, const Text& text, double x, double y, double r, double g, double b) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, text.layout.get());
    cairo_restore(cr);
}

} // namespace charts
