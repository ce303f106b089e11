#include "charts/text.hpp"

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

Text make_text(cairo_t* cr, const std::string& text, const TextStyle& style) {
    const std::lock_guard<std::mutex> lock(layout_mutex());
    Text out;
    out.layout.reset(pango_cairo_create_layout(cr));
    const std::unique_ptr<PangoFontDescription, FontDeleter> font(pango_font_description_new());
    pango_font_description_set_family(font.get(), style.family.c_str());
    pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font.get(),
                                     style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    PangoLayout* layout = out.layout.get();
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
