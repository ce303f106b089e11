#include "pdf_glyphs.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <pango/pangocairo.h>
#include <string>
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
            // The run's font is left set, without a cairo_save/cairo_restore around it: each
            // saved state copies the clip and the source and each restore frees them, for
            // every cell of every table. Every text sets its own font (GlyphText runs here,
            // Pango's renderer for the rest), so nothing draws with the one left behind.
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
        }
    }
    cairo_move_to(cr, ox, oy);
}

bool GlyphText::same_as(const GlyphText& other) const {
    const auto same_lines = [](const Line& a, const Line& b) {
        return a.x == b.x && a.baseline == b.baseline && a.runs_begin == b.runs_begin &&
               a.runs_end == b.runs_end;
    };
    const auto same_runs = [](const Run& a, const Run& b) {
        return a.font == b.font && a.x == b.x && a.y == b.y && a.glyphs_begin == b.glyphs_begin &&
               a.glyphs_end == b.glyphs_end && a.clusters_begin == b.clusters_begin &&
               a.clusters_end == b.clusters_end && a.text_offset == b.text_offset &&
               a.text_length == b.text_length && a.backward == b.backward;
    };
    const auto same_glyphs = [](const Glyph& a, const Glyph& b) {
        return a.index == b.index && a.x == b.x && a.y == b.y;
    };
    const auto same_clusters = [](const cairo_text_cluster_t& a, const cairo_text_cluster_t& b) {
        return a.num_bytes == b.num_bytes && a.num_glyphs == b.num_glyphs;
    };
    return drawable_ == other.drawable_ && text_ == other.text_ &&
           std::equal(lines_.begin(), lines_.end(), other.lines_.begin(), other.lines_.end(),
                      same_lines) &&
           std::equal(runs_.begin(), runs_.end(), other.runs_.begin(), other.runs_.end(),
                      same_runs) &&
           std::equal(glyphs_.begin(), glyphs_.end(), other.glyphs_.begin(), other.glyphs_.end(),
                      same_glyphs) &&
           std::equal(clusters_.begin(), clusters_.end(), other.clusters_.begin(),
                      other.clusters_.end(), same_clusters);
}

// ---------------------------------------------------------------------------------------------
// FigureFont

namespace {

/// The code point that starts `text` at `at` (valid UTF-8 of at most 3 bytes, which is all the
/// candidates need), and its length; 0 for anything else.
char32_t code_point_at(std::string_view text, std::size_t at, std::size_t& length) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) {
        length = 1;
        return lead;
    }
    if ((lead & 0xE0U) == 0xC0U && at + 1 < text.size() && (byte(at + 1) & 0xC0U) == 0x80U) {
        length = 2;
        return (static_cast<char32_t>(lead & 0x1FU) << 6U) | (byte(at + 1) & 0x3FU);
    }
    if ((lead & 0xF0U) == 0xE0U && at + 2 < text.size() && (byte(at + 1) & 0xC0U) == 0x80U &&
        (byte(at + 2) & 0xC0U) == 0x80U) {
        length = 3;
        return (static_cast<char32_t>(lead & 0x0FU) << 12U) |
               (static_cast<char32_t>(byte(at + 1) & 0x3FU) << 6U) | (byte(at + 2) & 0x3FU);
    }
    length = 1;
    return 0;
}

/// What one line of a probe layout is, when it is what composing can reproduce: one run,
/// left to right, in a cairo font, one plain glyph a character, none moved off its advance, and
/// a logical width that is the sum of the glyphs' advances.
struct Probe {
    PangoFont* font = nullptr; ///< the run's font (the layout's reference)
    std::string_view text;     ///< the line's (the layout's text)
    std::vector<PangoGlyphInfo> glyphs;
    int height = 0;   ///< the line's logical height
    int baseline = 0; ///< from the line's top
};

std::optional<Probe> probe(PangoLayoutIter* iter, std::string_view text) {
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
    if (line == nullptr || line->runs == nullptr || line->runs->next != nullptr) {
        return std::nullopt;
    }
    const auto* glyph_item = static_cast<const PangoGlyphItem*>(line->runs->data);
    const PangoItem* item = glyph_item->item;
    const PangoGlyphString* glyphs = glyph_item->glyphs;
    if ((item->analysis.level & 1) != 0 ||
        (item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE) != 0 ||
        has_drawn_attributes(item) || !PANGO_IS_CAIRO_FONT(item->analysis.font) ||
        glyph_item->y_offset != 0 || glyph_item->start_x_offset != 0 ||
        glyph_item->end_x_offset != 0 || line->start_index != item->offset ||
        line->length != item->length) {
        return std::nullopt;
    }
    const std::string_view run(text.data() + item->offset, static_cast<std::size_t>(item->length));
    Probe out;
    out.font = item->analysis.font;
    out.text = run;
    std::size_t at = 0;
    int width = 0;
    for (int i = 0; i < glyphs->num_glyphs; ++i) {
        const PangoGlyphInfo& gi = glyphs->glyphs[i];
        std::size_t length = 0;
        if (at >= run.size() || glyphs->log_clusters[i] != static_cast<int>(at) ||
            code_point_at(run, at, length) == 0 || gi.glyph == PANGO_GLYPH_EMPTY ||
            (gi.glyph & PANGO_GLYPH_UNKNOWN_FLAG) != 0 || gi.geometry.x_offset != 0 ||
            gi.geometry.y_offset != 0) {
            return std::nullopt;
        }
        at += length;
        width += gi.geometry.width;
        out.glyphs.push_back(gi);
    }
    int top = 0;
    int bottom = 0;
    pango_layout_iter_get_line_yrange(iter, &top, &bottom);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    if (at != run.size() || logical.x != 0 || logical.width != width ||
        logical.height != bottom - top) {
        return std::nullopt;
    }
    out.height = bottom - top;
    out.baseline = pango_layout_iter_get_baseline(iter) - top;
    return out;
}

/// A layout the caller's LayOut made, released with it.
using LayoutReference = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

} // namespace

const std::vector<std::string_view>& FigureFont::candidates() {
    static const std::vector<std::string_view> all{
        "0", "1", "2", "3", "4", "5", "6", "7", "8",      "9",      ".",      ",",      "%",
        "+", "-", "(", ")", ":", "=", "n", " ", "\u00A0", "\u2009", "\u2013", "\u2212", "\u202F"};
    return all;
}

bool FigureFont::may_compose(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    const std::vector<std::string_view>& all = candidates();
    for (std::size_t at = 0; at < text.size();) {
        const auto found = std::find_if(all.begin(), all.end(), [&](std::string_view c) {
            return text.compare(at, c.size(), c) == 0;
        });
        if (found == all.end()) {
            return false;
        }
        at += found->size();
    }
    return true;
}

FigureFont::FigureFont(const LayOut& lay_out) {
    ascii_.fill(-1);
    // Two layouts. The first has each candidate alone on a line: those that are one plain
    // glyph of the first one's font, with its line metrics, make the alphabet.
    std::string lines;
    for (const std::string_view candidate : candidates()) {
        lines += candidate;
        lines += '\n';
    }
    lines.pop_back();
    const LayoutReference singles(lay_out(lines), &g_object_unref);
    if (!singles ||
        pango_layout_get_line_count(singles.get()) != static_cast<int>(candidates().size())) {
        return;
    }
    std::vector<std::string_view> alphabet;
    std::optional<Probe> first;
    const std::string_view laid_lines = pango_layout_get_text(singles.get());
    PangoLayoutIter* iter = pango_layout_get_iter(singles.get());
    for (const std::string_view candidate : candidates()) {
        std::optional<Probe> alone = probe(iter, laid_lines);
        pango_layout_iter_next_line(iter);
        if (!alone || alone->text != candidate || alone->glyphs.size() != 1) {
            continue;
        }
        if (!first) {
            first = alone;
        } else if (alone->font != first->font || alone->height != first->height ||
                   alone->baseline != first->baseline) {
            continue;
        }
        alphabet.push_back(candidate);
        glyph_.push_back(alone->glyphs[0].glyph);
        advance_.push_back(alone->glyphs[0].geometry.width);
    }
    pango_layout_iter_free(iter);
    const std::size_t n = alphabet.size();
    if (n == 0) {
        return;
    }
    // The second has every ordered pair once, on one line (a de Bruijn sequence: the Lyndon
    // words of length 1 and 2 in order, "a", "ab", "ac", ..., "b", "bc", ..., then the first
    // character again): each character's advance before each other one.
    std::vector<std::size_t> order;
    for (std::size_t a = 0; a < n; ++a) {
        order.push_back(a);
        for (std::size_t b = a + 1; b < n; ++b) {
            order.push_back(a);
            order.push_back(b);
        }
    }
    order.push_back(0);
    std::string sequence;
    for (const std::size_t c : order) {
        sequence += alphabet[c];
    }
    const LayoutReference pairs(lay_out(sequence), &g_object_unref);
    std::optional<Probe> all;
    if (pairs && pango_layout_get_line_count(pairs.get()) == 1) {
        iter = pango_layout_get_iter(pairs.get());
        all = probe(iter, pango_layout_get_text(pairs.get()));
        pango_layout_iter_free(iter);
    }
    bool consistent = all && all->text == sequence && all->font == first->font &&
                      all->height == first->height && all->baseline == first->baseline &&
                      all->glyphs.size() == order.size() &&
                      all->glyphs.back().geometry.width == advance_[order.back()];
    pair_advance_.assign(n * n, -1);
    for (std::size_t i = 0; consistent && i + 1 < order.size(); ++i) {
        const PangoGlyphInfo& gi = all->glyphs[i];
        int& advance = pair_advance_[order[i] * n + order[i + 1]];
        consistent =
            gi.glyph == glyph_[order[i]] && (advance == -1 || advance == gi.geometry.width);
        advance = gi.geometry.width;
    }
    if (!consistent ||
        std::find(pair_advance_.begin(), pair_advance_.end(), -1) != pair_advance_.end()) {
        *this = FigureFont();
        return;
    }
    // The run's font lives as long as its layout: a reference to its cairo font is kept.
    cairo_scaled_font_t* font = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(first->font));
    if (font == nullptr || cairo_scaled_font_status(font) != CAIRO_STATUS_SUCCESS) {
        *this = FigureFont();
        return;
    }
    font_.reset(cairo_scaled_font_reference(font));
    height_ = first->height;
    baseline_ = first->baseline;
    for (std::size_t c = 0; c < n; ++c) {
        std::size_t length = 0;
        const char32_t code = code_point_at(alphabet[c], 0, length);
        if (code < 0x80) {
            ascii_[code] = static_cast<std::int8_t>(c);
        } else {
            other_.emplace_back(code, static_cast<int>(c));
        }
    }
}

int FigureFont::index_at(std::string_view text, std::size_t at, std::size_t& length) const {
    const char32_t code = code_point_at(text, at, length);
    if (code < 0x80) {
        return code == 0 ? -1 : ascii_[code];
    }
    for (const auto& [known, index] : other_) {
        if (known == code) {
            return index;
        }
    }
    return -1;
}

std::optional<FigureFont::Composed> FigureFont::compose(std::string_view text) const {
    if (font_ == nullptr || text.empty()) {
        return std::nullopt;
    }
    Composed out;
    GlyphText& g = out.glyphs;
    const std::size_t n = glyph_.size();
    int previous = -1;
    int x = 0;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t length = 0;
        const int c = index_at(text, at, length);
        if (c < 0) {
            return std::nullopt;
        }
        if (previous >= 0) {
            x +=
                pair_advance_[static_cast<std::size_t>(previous) * n + static_cast<std::size_t>(c)];
        }
        g.glyphs_.push_back({glyph_[static_cast<std::size_t>(c)], x, 0});
        g.clusters_.push_back({static_cast<int>(length), 1});
        previous = c;
        at += length;
    }
    out.width = x + advance_[static_cast<std::size_t>(previous)];
    g.text_ = std::string(text);
    GlyphText::Run run;
    run.font = cairo_scaled_font_reference(font_.get());
    run.glyphs_end = static_cast<std::uint32_t>(g.glyphs_.size());
    run.clusters_end = static_cast<std::uint32_t>(g.clusters_.size());
    run.text_length = static_cast<std::uint32_t>(text.size());
    g.runs_.push_back(run);
    g.lines_.push_back({0, baseline_, 0, 1});
    g.drawable_ = true;
    return out;
}

} // namespace sfp::detail
