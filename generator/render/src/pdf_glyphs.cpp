#include "pdf_glyphs.hpp"

#include <algorithm>
#include <array>
#include <pango/pangocairo.h>
#include <utility>

namespace sfp::detail {

namespace {

/// True if `item` carries an attribute that Pango's renderer draws besides the glyphs (colours,
/// lines, shapes): GlyphText does not replay those.
bool has_drawn_attributes(const PangoItem* item) {
    static constexpr std::array drawn{
        PANGO_ATTR_FOREGROUND,       PANGO_ATTR_BACKGROUND,      PANGO_ATTR_UNDERLINE,
        PANGO_ATTR_UNDERLINE_COLOR,  PANGO_ATTR_STRIKETHROUGH,   PANGO_ATTR_STRIKETHROUGH_COLOR,
        PANGO_ATTR_OVERLINE,         PANGO_ATTR_OVERLINE_COLOR,  PANGO_ATTR_SHAPE,
        PANGO_ATTR_FOREGROUND_ALPHA, PANGO_ATTR_BACKGROUND_ALPHA};
    for (const GSList* l = item->analysis.extra_attrs; l != nullptr; l = l->next) {
        const PangoAttrType type = static_cast<const PangoAttribute*>(l->data)->klass->type;
        if (std::find(drawn.begin(), drawn.end(), type) != drawn.end()) {
            return true;
        }
    }
    return false;
}

} // namespace

GlyphText::GlyphText(PangoLayout* layout) : text_(pango_layout_get_text(layout)), drawable_(true) {
    // As pango_renderer_draw_layout walks the layout: each line at its logical left edge and
    // baseline; in a line (pango_renderer_draw_layout_line) each run after the previous one's
    // width and its own start and end offsets.
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    do {
        PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(iter, nullptr, &logical);
        Line out;
        out.x = logical.x;
        out.baseline = pango_layout_iter_get_baseline(iter);
        out.runs_begin = static_cast<std::uint32_t>(runs_.size());
        int x_off = 0;
        for (GSList* l = line->runs; l != nullptr; l = l->next) {
            auto* glyph_item = static_cast<PangoGlyphItem*>(l->data);
            const PangoItem* item = glyph_item->item;
            PangoGlyphString* glyphs = glyph_item->glyphs;
            if ((item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE) != 0 ||
                has_drawn_attributes(item) || !PANGO_IS_CAIRO_FONT(item->analysis.font)) {
                drawable_ = false;
            }
            const int width = pango_glyph_string_get_width(glyphs);
            x_off += glyph_item->start_x_offset;
            Run run;
            run.x = x_off;
            run.y = -glyph_item->y_offset;
            run.backward = (item->analysis.level & 1) != 0;
            run.text_offset = static_cast<std::uint32_t>(item->offset);
            run.text_length = static_cast<std::uint32_t>(item->length);
            if (drawable_) {
                cairo_scaled_font_t* font =
                    pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(item->analysis.font));
                if (font == nullptr || cairo_scaled_font_status(font) != CAIRO_STATUS_SUCCESS) {
                    drawable_ = false;
                } else {
                    run.font = cairo_scaled_font_reference(font);
                }
            }
            // The glyphs (pango_cairo_renderer_show_text_glyphs): empty ones skipped, a space
            // the font lacks skipped, any other glyph the font lacks a hex box (not replayed).
            run.glyphs_begin = static_cast<std::uint32_t>(glyphs_.size());
            int x_position = 0;
            for (int i = 0; i < glyphs->num_glyphs; ++i) {
                const PangoGlyphInfo& gi = glyphs->glyphs[i];
                if (gi.glyph != PANGO_GLYPH_EMPTY) {
                    if ((gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0) {
                        if (gi.glyph != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG)) {
                            drawable_ = false;
                        }
                    } else {
                        glyphs_.push_back(
                            {gi.glyph, x_position + gi.geometry.x_offset, gi.geometry.y_offset});
                    }
                }
                x_position += gi.geometry.width;
            }
            run.glyphs_end = static_cast<std::uint32_t>(glyphs_.size());
            // The clusters (pango_cairo_renderer_draw_glyph_item): bytes and drawn glyphs of
            // each.
            run.clusters_begin = static_cast<std::uint32_t>(clusters_.size());
            PangoGlyphItemIter cluster;
            if (pango_glyph_item_iter_init_start(&cluster, glyph_item, text_.c_str()) != 0) {
                do {
                    const int num_bytes = cluster.end_index - cluster.start_index;
                    int num_glyphs = run.backward ? cluster.start_glyph - cluster.end_glyph
                                                  : cluster.end_glyph - cluster.start_glyph;
                    for (int i = std::min(cluster.start_glyph, cluster.end_glyph + 1);
                         i < std::max(cluster.start_glyph + 1, cluster.end_glyph); ++i) {
                        const PangoGlyphInfo& gi = glyphs->glyphs[i];
                        if (gi.glyph == PANGO_GLYPH_EMPTY ||
                            (gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0) {
                            --num_glyphs;
                        }
                    }
                    clusters_.push_back({num_bytes, num_glyphs});
                } while (pango_glyph_item_iter_next_cluster(&cluster) != 0);
            }
            run.clusters_end = static_cast<std::uint32_t>(clusters_.size());
            runs_.push_back(run);
            x_off += width + glyph_item->end_x_offset;
        }
        out.runs_end = static_cast<std::uint32_t>(runs_.size());
        lines_.push_back(out);
    } while (pango_layout_iter_next_line(iter) != 0);
    pango_layout_iter_free(iter);
    if (!drawable_) {
        release();
    }
}

GlyphText::~GlyphText() {
    release();
}

GlyphText::GlyphText(GlyphText&& other) noexcept
    : text_(std::move(other.text_)), lines_(std::move(other.lines_)), runs_(std::move(other.runs_)),
      glyphs_(std::move(other.glyphs_)), clusters_(std::move(other.clusters_)),
      drawable_(std::exchange(other.drawable_, false)) {
    other.runs_.clear();
}

GlyphText& GlyphText::operator=(GlyphText&& other) noexcept {
    if (this != &other) {
        release();
        text_ = std::move(other.text_);
        lines_ = std::move(other.lines_);
        runs_ = std::move(other.runs_);
        glyphs_ = std::move(other.glyphs_);
        clusters_ = std::move(other.clusters_);
        drawable_ = std::exchange(other.drawable_, false);
        other.runs_.clear();
    }
    return *this;
}

void GlyphText::release() noexcept {
    for (Run& run : runs_) {
        if (run.font != nullptr) {
            cairo_scaled_font_destroy(run.font);
            run.font = nullptr;
        }
    }
    runs_.clear();
    glyphs_.clear();
    clusters_.clear();
}

void GlyphText::draw(cairo_t* cr, std::size_t from, std::size_t to, double x, double y,
                     bool whole) const {
    // Pango starts from cairo's current point, which cairo keeps in 24.8 fixed point: the
    // offsets are read back from it, as Pango does, so every glyph lands on the same number.
    cairo_move_to(cr, x, y);
    double ox = 0;
    double oy = 0;
    cairo_get_current_point(cr, &ox, &oy);
    const bool clusters = cairo_surface_has_show_text_glyphs(cairo_get_target(cr)) != 0;
    thread_local std::vector<cairo_glyph_t> positioned;
    for (std::size_t l = from; l < to && l < lines_.size(); ++l) {
        const Line& line = lines_[l];
        const int lx = whole ? line.x : 0;
        const int ly = whole ? line.baseline : 0;
        for (std::uint32_t r = line.runs_begin; r < line.runs_end; ++r) {
            const Run& run = runs_[r];
            const double base_x = ox + static_cast<double>(lx + run.x) / PANGO_SCALE;
            const double base_y = oy + static_cast<double>(ly + run.y) / PANGO_SCALE;
            positioned.clear();
            for (std::uint32_t g = run.glyphs_begin; g < run.glyphs_end; ++g) {
                const Glyph& glyph = glyphs_[g];
                positioned.push_back(
                    {glyph.index, base_x + static_cast<double>(glyph.x) / PANGO_SCALE,
                     glyph.y == 0 ? base_y : base_y + static_cast<double>(glyph.y) / PANGO_SCALE});
            }
            cairo_save(cr);
            cairo_set_scaled_font(cr, run.font);
            const int count = static_cast<int>(positioned.size());
            if (clusters) {
                cairo_show_text_glyphs(cr, text_.data() + run.text_offset,
                                       static_cast<int>(run.text_length), positioned.data(), count,
                                       clusters_.data() + run.clusters_begin,
                                       static_cast<int>(run.clusters_end - run.clusters_begin),
                                       run.backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD
                                                    : static_cast<cairo_text_cluster_flags_t>(0));
            } else {
                cairo_show_glyphs(cr, positioned.data(), count);
            }
            cairo_restore(cr);
        }
    }
    cairo_move_to(cr, ox, oy);
}

} // namespace sfp::detail
