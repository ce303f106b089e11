#include "sfp/render_pdf.hpp"

#include "charts/draw.hpp"
#include "charts/text.hpp"
#include "pdf_glyphs.hpp"
#include "sfp/font_sort.hpp"
#include "sfp/hyphenate.hpp"
#include "sfp/number_printing.hpp"
#include "sfp/output.hpp"
#include "sfp/pdf_deflate.hpp"
#include "sfp/pdf_merge.hpp"
#include "sfp/table_share.hpp"

#include <algorithm>
#include <array>
#include <cairo-pdf.h>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <exception>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <numeric>
#include <optional>
#include <pango/pangocairo.h>
#include <set>
#include <sys/mman.h>
#include <thread>
#include <unordered_map>
#include <utility>

namespace sfp {

std::string iso8601_utc(std::int64_t timestamp) {
    const auto seconds = static_cast<std::time_t>(timestamp);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

namespace {

/// Page size and type area in points.
struct Geometry {
    double width = 595.276;
    double height = 841.890;
    double left = 62;
    double right = 62;
    double top = 68;
    double bottom = 64;
    [[nodiscard]] double content_width() const { return width - left - right; }
    [[nodiscard]] double content_right() const { return width - right; }
    [[nodiscard]] double content_bottom() const { return height - bottom; }
};

Geometry geometry_for(PageSize size) {
    Geometry g;
    switch (size) {
    case PageSize::a4:
        break;
    case PageSize::letter:
        g.width = 612;
        g.height = 792;
        break;
    }
    return g;
}

constexpr double paragraph_indent = 28; // room for the paragraph number
constexpr double cell_pad = 3;
/// The room a status mark takes before a cell's text.
constexpr double status_room = 9;
/// The room that keeps Pango from wrapping a line exactly as wide as its box.
constexpr double spare = 0.5;
/// Type sizes of a table: body cells, header cells, the line under a value ("n=12").
constexpr double cell_size = 8;
constexpr double header_size = 7.5;
constexpr double subtext_size = 6;
/// The type sizes of a table. A table whose numbers and words cannot all be whole at the usual
/// sizes is set smaller, as a statistical table is (Layout::make_table_frame).
struct TableType {
    double cell = cell_size;
    double header = header_size;
    double sub = subtext_size;
    [[nodiscard]] TableType scaled(double s) const { return {cell * s, header * s, sub * s}; }
};
/// The scales a table is tried at, largest first: cells of 8, 7.25 and 6.5 points.
constexpr std::array<double, 3> table_scales{1.0, 7.25 / 8, 6.5 / 8};
constexpr double note_size = 7.5;

struct Colour {
    double r, g, b;
};
constexpr Colour ink{0.1, 0.1, 0.1};
constexpr Colour muted{0.38, 0.38, 0.38};
constexpr Colour rule{0.55, 0.55, 0.55};
constexpr Colour header_fill{0.90, 0.92, 0.95};
constexpr Colour box_fill{0.95, 0.96, 0.98};
constexpr Colour ilo_blue{0.118, 0.176, 0.745};

/// The colour of a target status: the charts' (the word is always printed too); a lighter grey
/// for the statuses without a colour, as the squares sit beside text.
Colour status_colour(const std::string& status) {
    const charts::Rgb colour = charts::status_colour(status, {0.6, 0.6, 0.6});
    return {colour.r, colour.g, colour.b};
}

std::string roman(std::size_t n) {
    static const std::pair<std::size_t, const char*> table[] = {
        {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
        {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    std::string out;
    for (const auto& [value, letters] : table) {
        while (n >= value) {
            out += letters;
            n -= value;
        }
    }
    return out;
}

/// "¹²" for 12: the footnote marker set after a text.
std::string superscript(int n) {
    static const char* digits[] = {"\u2070", "\u00B9", "\u00B2", "\u00B3", "\u2074",
                                   "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
    std::string out;
    for (const char c : std::to_string(n)) {
        out += digits[c - '0'];
    }
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

/// Escapes a value for a cairo tag attribute string ('...').
std::string attr(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Text

enum class HAlign { left, right, centre };

struct Style {
    double size = 10;
    bool bold = false;
    double wrap = -1; ///< wrap width; <= 0: one line
    HAlign align = HAlign::left;
    bool justify = false;
    double spacing = 1.0;
    bool rtl = false;
};

struct LayoutDeleter {
    void operator()(PangoLayout* layout) const { g_object_unref(layout); }
};

/// A laid-out text: its size and the geometry of each line (layout coordinates, points).
struct Laid {
    std::unique_ptr<PangoLayout, LayoutDeleter> layout;
    double width = 0;     ///< logical width (the wrap width when wrapping)
    double ink_right = 0; ///< right edge of the widest line
    double height = 0;
    struct Line {
        double top, bottom, baseline, x, width;
    };
    std::vector<Line> lines;
    /// The layout's glyphs, drawn without Pango by any thread (when drawable()).
    detail::GlyphText glyphs;
};
using LaidPtr = std::shared_ptr<const Laid>;

/// What a thread keeps from one render to the next: its Pango contexts (one per direction) and
/// the texts laid out with them. A batch renders many documents on each thread, and they share
/// most of their labels, headings and numbers; Pango objects are not thread-safe, so nothing is
/// shared between threads. The cache is emptied when it reaches `limit` texts (memory stays
/// bounded however many documents a thread renders) or when the contexts change.
struct GObjectDeleter {
    void operator()(gpointer object) const { g_object_unref(object); }
};

using FontDescriptionPtr =
    std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)>;

/// The description of `family` at `size` points (absolute), regular or bold: how the PDF's
/// texts ask Pango for a font (Typesetter::set_once), and how ReadyFontMaps loads them ahead.
FontDescriptionPtr font_description(const std::string& family, double size, bool bold) {
    FontDescriptionPtr description(pango_font_description_new(), &pango_font_description_free);
    pango_font_description_set_family(description.get(), family.c_str());
    pango_font_description_set_absolute_size(description.get(), size * PANGO_SCALE);
    pango_font_description_set_weight(description.get(),
                                      bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    return description;
}

struct TypesetterState {
    static constexpr std::size_t limit = 4000;
    PangoContext* ltr = nullptr;
    PangoContext* rtl = nullptr;
    guint serial_ltr = 0;
    guint serial_rtl = 0;
    std::string family;
    std::unordered_map<std::string, LaidPtr> cache;
    /// The fonts (by size and weight) in which figures are composed (detail::FigureFont), each
    /// measured once for the contexts' settings, and how many texts of figures were set in it.
    struct Figures {
        static constexpr int measure_at = 4;
        int asked = 0;
        std::unique_ptr<detail::FigureFont> font;
    };
    std::map<std::pair<double, bool>, Figures> figures;
    std::size_t laid_out = 0; ///< texts set on this thread (cache misses), by Pango or composed
    std::size_t composed = 0; ///< of which composed (Typesetter::compose)
    /// What pango_cairo_update_context reads from a cairo_t: the target's and the context's
    /// font options and the linear part of the matrix, as of the last update.
    cairo_font_options_t* surface_options = nullptr;
    cairo_font_options_t* cr_options = nullptr;
    std::array<double, 4> matrix{};

    TypesetterState() = default;
    ~TypesetterState() {
        cache.clear();
        if (ltr != nullptr) {
            g_object_unref(ltr);
            g_object_unref(rtl);
            cairo_font_options_destroy(surface_options);
            cairo_font_options_destroy(cr_options);
        }
    }
    TypesetterState(const TypesetterState&) = delete;
    TypesetterState& operator=(const TypesetterState&) = delete;
    TypesetterState(TypesetterState&&) = delete;
    TypesetterState& operator=(TypesetterState&&) = delete;

    /// This thread's state, as it is (created on first use, without contexts until a render).
    static TypesetterState& of_this_thread() {
        thread_local TypesetterState state;
        return state;
    }

    /// This thread's state, made ready for drawing on `cr` in `font_family`.
    static TypesetterState& for_render(cairo_t* cr, const std::string& font_family) {
        TypesetterState& state = of_this_thread();
        if (state.ltr == nullptr) {
            state.ltr = pango_cairo_create_context(cr);
            state.rtl = pango_cairo_create_context(cr);
            pango_context_set_base_dir(state.rtl, PANGO_DIRECTION_RTL);
            // Glyphs where the font puts them: Pango (1.44 and later) rounds glyph positions
            // to whole device units unless told not to, which on a PDF page is whole points,
            // up to half a point off at body sizes and one PDF positioning number per glyph.
            pango_context_set_round_glyph_positions(state.ltr, FALSE);
            pango_context_set_round_glyph_positions(state.rtl, FALSE);
            state.surface_options = cairo_font_options_create();
            state.cr_options = cairo_font_options_create();
            state.remember(cr);
        } else if (!state.same_as(cr)) {
            // pango_cairo_update_context moves the contexts' serial even when nothing it reads
            // changed (it always sets the matrix), which would empty the cache for every
            // document of a batch: it is called only when something did change.
            pango_cairo_update_context(cr, state.ltr);
            pango_cairo_update_context(cr, state.rtl);
            state.remember(cr);
        }
        // A context whose settings changed (its serial moved) invalidates every laid text.
        const guint ltr_now = pango_context_get_serial(state.ltr);
        const guint rtl_now = pango_context_get_serial(state.rtl);
        if (ltr_now != state.serial_ltr || rtl_now != state.serial_rtl ||
            font_family != state.family || state.cache.size() >= limit) {
            if (font_family != state.family || ltr_now != state.serial_ltr) {
                state.figures.clear();
            }
            state.cache.clear();
            state.serial_ltr = ltr_now;
            state.serial_rtl = rtl_now;
            state.family = font_family;
        }
        return state;
    }

private:
    static std::array<double, 4> linear_matrix(cairo_t* cr) {
        cairo_matrix_t m;
        cairo_get_matrix(cr, &m);
        return {m.xx, m.yx, m.xy, m.yy};
    }

    [[nodiscard]] bool same_as(cairo_t* cr) const {
        cairo_font_options_t* target = cairo_font_options_create();
        cairo_font_options_t* own = cairo_font_options_create();
        cairo_surface_get_font_options(cairo_get_target(cr), target);
        cairo_get_font_options(cr, own);
        const bool same = cairo_font_options_equal(target, surface_options) != 0 &&
                          cairo_font_options_equal(own, cr_options) != 0 &&
                          linear_matrix(cr) == matrix;
        cairo_font_options_destroy(target);
        cairo_font_options_destroy(own);
        return same;
    }

    void remember(cairo_t* cr) {
        cairo_surface_get_font_options(cairo_get_target(cr), surface_options);
        cairo_get_font_options(cr, cr_options);
        matrix = linear_matrix(cr);
    }
};

/// Lays out text with this thread's Pango contexts (TypesetterState).
class Typesetter {
public:
    /// `compose`: figures are composed (detail::FigureFont) rather than laid out by Pango, the
    /// same glyphs at the same positions (PdfOptions::compose_figures).
    Typesetter(cairo_t* cr, const std::string& family, bool compose)
        : state_(TypesetterState::for_render(cr, family)), compose_(compose) {}
    ~Typesetter() = default;
    Typesetter(const Typesetter&) = delete;
    Typesetter& operator=(const Typesetter&) = delete;
    Typesetter(Typesetter&&) = delete;
    Typesetter& operator=(Typesetter&&) = delete;

    /// The laid-out text, from the cache when the same text was set in the same style before:
    /// the layout passes set the same texts again, and a laid-out text is never changed.
    [[nodiscard]] LaidPtr set(const std::string& text, const Style& style) const {
        std::string key;
        key.reserve(text.size() + 48);
        const auto append = [&key](const auto& value) {
            key.append(reinterpret_cast<const char*>(&value), sizeof value);
        };
        append(style.size);
        append(style.wrap);
        append(style.spacing);
        append(static_cast<int>(style.align));
        append(static_cast<int>(style.bold) | static_cast<int>(style.justify) << 1 |
               static_cast<int>(style.rtl) << 2);
        key += text;
        if (const auto found = state_.cache.find(key); found != state_.cache.end()) {
            return found->second;
        }
        LaidPtr out = set_uncached(text, style);
        ++state_.laid_out;
        state_.cache.emplace(std::move(key), out);
        return out;
    }

private:
    [[nodiscard]] LaidPtr set_uncached(const std::string& text, const Style& style) const {
        if (compose_ && style.wrap <= 0 && !style.rtl && !style.justify && style.spacing == 1.0) {
            if (LaidPtr composed = compose(text, style)) {
                return composed;
            }
        }
        LaidPtr out = set_once(text, style, style.wrap);
        // Pango 1.50 can let a justified line that ends with an inserted hyphen overhang the
        // wrap width by the hyphen's width; narrow the layout until every line fits.
        double wrap = style.wrap;
        for (int attempt = 0; attempt < 3 && style.wrap > 0 && out->ink_right > style.wrap + 0.2;
             ++attempt) {
            wrap -= out->ink_right - style.wrap + 0.2;
            out = set_once(text, style, wrap);
        }
        return out;
    }

    [[nodiscard]] LaidPtr set_once(const std::string& text, const Style& style, double wrap) const {
        // Pango's metrics race (charts::layout_mutex): the lock is taken unless this thread has
        // set a Latin text in the same font before. The context's serial names its settings.
        PangoContext* context = style.rtl ? state_.rtl : state_.ltr;
        charts::LayoutLock lock(text, fmt::format("pdf|{}|{}|{}|{}|{}", state_.family, style.size,
                                                  style.bold, style.rtl,
                                                  pango_context_get_serial(context)));
        auto out = std::make_shared<Laid>();
        out->layout.reset(pango_layout_new(context));
        PangoLayout* layout = out->layout.get();
        const FontDescriptionPtr font = font_description(state_.family, style.size, style.bold);
        lock.warm(context, font.get());
        pango_layout_set_font_description(layout, font.get());
        // The base direction is decided here (is_rtl: explicit, or the first strong character
        // for `automatic`); Pango's own guess would right-align Arabic text marked ltr.
        pango_layout_set_auto_dir(layout, FALSE);
        if (wrap > 0) {
            pango_layout_set_width(layout, static_cast<int>(wrap * PANGO_SCALE));
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        }
        switch (style.align) {
        case HAlign::left:
            pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
            break;
        case HAlign::right:
            pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
            break;
        case HAlign::centre:
            pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
            break;
        }
        pango_layout_set_justify(layout, style.justify ? TRUE : FALSE);
        if (style.spacing != 1.0) {
            pango_layout_set_line_spacing(layout, static_cast<float>(style.spacing));
        }
        pango_layout_set_text(layout, text.c_str(), -1);
        int width = 0;
        int height = 0;
        pango_layout_get_size(layout, &width, &height);
        out->width = static_cast<double>(width) / PANGO_SCALE;
        out->height = static_cast<double>(height) / PANGO_SCALE;
        PangoLayoutIter* iter = pango_layout_get_iter(layout);
        do {
            int top = 0;
            int bottom = 0;
            pango_layout_iter_get_line_yrange(iter, &top, &bottom);
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(iter, nullptr, &logical);
            const double x = static_cast<double>(logical.x) / PANGO_SCALE;
            const double w = static_cast<double>(logical.width) / PANGO_SCALE;
            out->lines.push_back(
                {static_cast<double>(top) / PANGO_SCALE, static_cast<double>(bottom) / PANGO_SCALE,
                 static_cast<double>(pango_layout_iter_get_baseline(iter)) / PANGO_SCALE, x, w});
            out->ink_right = std::max(out->ink_right, x + w);
        } while (pango_layout_iter_next_line(iter));
        pango_layout_iter_free(iter);
        out->glyphs = detail::GlyphText(layout);
        return out;
    }

    /// `text` on one line, composed from its font's measured figures (detail::FigureFont);
    /// null when the text has a character the font's figures do not include.
    [[nodiscard]] LaidPtr compose(const std::string& text, const Style& style) const {
        if (!detail::FigureFont::may_compose(text)) {
            return nullptr;
        }
        // A font is measured (two Pango layouts, one of 700 characters) for the fourth text of
        // figures in its size and weight: a heading's size or a bold "n" is not worth it.
        TypesetterState::Figures& figures = state_.figures[{style.size, style.bold}];
        if (++figures.asked < TypesetterState::Figures::measure_at) {
            return nullptr;
        }
        std::unique_ptr<detail::FigureFont>& font = figures.font;
        if (!font) {
            Style one = style;
            one.align = HAlign::left;
            font = std::make_unique<detail::FigureFont>([&](const std::string& probe) {
                const LaidPtr laid = set_once(probe, one, -1);
                return PANGO_LAYOUT(g_object_ref(laid->layout.get()));
            });
        }
        std::optional<detail::FigureFont::Composed> composed = font->compose(text);
        if (!composed) {
            return nullptr;
        }
        auto out = std::make_shared<Laid>();
        const double width = static_cast<double>(composed->width) / PANGO_SCALE;
        out->width = width;
        out->ink_right = width;
        out->height = static_cast<double>(font->height()) / PANGO_SCALE;
        out->lines.push_back(
            {0.0, out->height, static_cast<double>(font->baseline()) / PANGO_SCALE, 0.0, width});
        out->glyphs = std::move(composed->glyphs);
        ++state_.composed;
        return out;
    }

    TypesetterState& state_; ///< this thread's contexts, font family and laid-out texts
    bool compose_;
};

void draw_laid(cairo_t* cr, const Laid& laid, double x, double y, Colour colour) {
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    if (laid.glyphs.drawable()) {
        laid.glyphs.draw(cr, 0, laid.glyphs.lines(), x, y, /*whole=*/true);
        return;
    }
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, laid.layout.get());
}

/// Draws lines [from, to) of `laid`, line `from` at the top `y`.
void draw_lines(cairo_t* cr, const Laid& laid, std::size_t from, std::size_t to, double x, double y,
                Colour colour) {
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    const double offset = laid.lines[from].top;
    for (std::size_t i = from; i < to && i < laid.lines.size(); ++i) {
        const auto& line = laid.lines[i];
        if (laid.glyphs.drawable()) {
            laid.glyphs.draw(cr, i, i + 1, x + line.x, y + line.baseline - offset,
                             /*whole=*/false);
            continue;
        }
        cairo_move_to(cr, x + line.x, y + line.baseline - offset);
        pango_cairo_show_layout_line(
            cr, pango_layout_get_line_readonly(laid.layout.get(), static_cast<int>(i)));
    }
}

void fill_rect(cairo_t* cr, double x, double y, double w, double h, Colour colour) {
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

void hline(cairo_t* cr, double x0, double x1, double y, double width, Colour colour) {
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
}

// ---------------------------------------------------------------------------------------------
// Layout

using DrawOp = std::function<void(cairo_t*)>;

struct Note {
    int number = 0;
    LaidPtr text;
};

/// A structure tag as begun: its name and attributes.
struct OpenTag {
    std::string name;
    std::string attributes;
};

struct Page {
    std::vector<DrawOp> ops;
    std::vector<Note> notes;
    double notes_height = 0;
    /// The structure tags open where the page begins, outermost first (below Document): where
    /// the pages are drawn in two parts, the first part closes them and the second begins them
    /// again (render_once).
    std::vector<OpenTag> open_tags;
    /// How much drawing the page holds, to split the pages in two halves of equal work: a
    /// drawing operation counts 1, a structure tag tag_weight, a figure figure_weight
    /// (split_point adds page_weight to each page).
    double weight = 0;
    /// Whether the page draws a text that only Pango can draw (GlyphText::drawable), which
    /// only the thread that laid it out may draw.
    bool pango_only = false;
    /// How many of the open tags the page's first operations end (a table's element ends
    /// where its next page begins): a second part that starts here neither begins them again
    /// nor draws those operations (the first part has ended them).
    std::size_t leading_ends = 0;
    /// Whether a tag open where the page begins ends later on the page with nothing drawn in
    /// it, or the page ends with a tag begun and nothing drawn in it yet: cairo leaves out a
    /// structure element without content, so the document is not split in two parts at such
    /// a page (before it, for the second), where the parts' open elements would not match.
    bool early_close = false;
    bool ends_with_begin = false;
    bool drawn = false; ///< something other than structure tags is drawn on the page
};

/// A figure's weight in Page::weight: a chart's drawing takes as long as about this many
/// drawing operations of tables and text. Measured on the reference-size report (93 pages, 30
/// figures; each page's drawing timed, median of ten runs, least squares): 3.8 us a drawing
/// operation, 0.7 us a structure tag begun or ended (tag_weight), 1.1 ms a figure, 0.87 ms a
/// page whatever it holds (page_weight). With the earlier weights (2.5 us for any operation,
/// 0.49 ms a page), the first part (the figures) took 158 ms and the second 127 ms.
constexpr double figure_weight = 290;
/// A structure tag's begin or end, or a destination, in operations: see figure_weight.
constexpr double tag_weight = 0.2;
/// What drawing a page costs whatever it holds (its start, its footer, cairo_show_page), in
/// operations: see figure_weight.
constexpr double page_weight = 230;

struct HeadingPlace {
    std::string title; ///< as printed: "1. Introduction"
    std::string id;
    int level = 1;
    bool in_contents = true;
    std::size_t page = 0; ///< 0-based
    double y = 0;
};

/// Per-render state shared by the passes: the text setter, the font family and tagging.
struct RenderContext {
    Typesetter& ts;
    std::string family;
    bool tags = true;

    /// The hyphenator of `language`, kept by the thread from one render to the next (loading
    /// the patterns costs more than hyphenating a brief). Hyphenators are not changed by use.
    static const Hyphenator& hyphenator(const std::string& language) {
        thread_local std::map<std::string, std::unique_ptr<Hyphenator>> hyphenators;
        auto& slot = hyphenators[language];
        if (!slot) {
            slot = std::make_unique<Hyphenator>(language);
        }
        return *slot;
    }
};

std::string heading_title(const Heading& heading) {
    if (heading.number.empty()) {
        return heading.text;
    }
    const char last = heading.number.back();
    const bool plain = std::all_of(heading.number.begin(), heading.number.end(),
                                   [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (plain) {
        return (last == '.' ? heading.number : heading.number + ".") + " " + heading.text;
    }
    if (last == '.' || last == ':') {
        return heading.number + " " + heading.text;
    }
    return heading.number + ". " + heading.text;
}

/// Whether the first strong character of `text` is right to left (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko and their presentation forms); Latin, Greek and Cyrillic letters are left to
/// right. (pango_find_base_dir is deprecated in Pango 1.50.)
bool first_strong_is_rtl(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        char32_t cp = b0;
        std::size_t len = 1;
        if ((b0 & 0xE0u) == 0xC0u && i + 1 < text.size()) {
            cp = (static_cast<char32_t>(b0 & 0x1Fu) << 6) |
                 (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            len = 2;
        } else if ((b0 & 0xF0u) == 0xE0u && i + 2 < text.size()) {
            cp = (static_cast<char32_t>(b0 & 0x0Fu) << 12) |
                 (static_cast<char32_t>(static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
            len = 3;
        } else if ((b0 & 0xF8u) == 0xF0u) {
            len = 4;
            cp = 0x10000;
        }
        i += len;
        if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFF)) {
            return true;
        }
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
            (cp >= 0xC0 && cp <= 0x58F && cp != 0xD7 && cp != 0xF7)) {
            return false;
        }
    }
    return false;
}

bool is_rtl(const std::string& text, TextDirection direction) {
    switch (direction) {
    case TextDirection::rtl:
        return true;
    case TextDirection::ltr:
        return false;
    case TextDirection::automatic:
        return first_strong_is_rtl(text);
    }
    return false;
}

// A table laid out for the page: its columns and every cell's lines, whatever page it lands on.
struct CellLine {
    LaidPtr laid;
    std::size_t index = 0;
    double top = 0, bottom = 0; ///< in cell coordinates
    double dx = 0;              ///< extra x offset (decimal alignment)
    Colour colour = ink;
};
struct CellBox {
    std::vector<CellLine> lines;
    std::string status;
    double height = 0;
};
struct Row {
    std::vector<CellBox> cells;
    double height = 0;
};
struct TableSetup {
    std::vector<double> widths;
    std::vector<double> xs; ///< left edge of each column (mirrored for rtl)
    Row header;
    std::vector<Row> rows;
    LaidPtr caption;
    LaidPtr continued;
    std::string caption_text;
    bool rtl = false;
    bool crowded = false; ///< its columns cannot keep every number and word whole (fit_content)
    TableType type;       ///< its type sizes
};

/// What a table's rows are set up with besides the frame (Layout::make_table_frame): the decimal
/// columns' widest integer and fraction parts, and each decimal cell's fraction width.
struct RowPlan {
    std::vector<double> int_width;
    std::vector<double> frac_width;
    std::map<std::pair<std::size_t, std::size_t>, double> fraction_width; ///< by (row, column)
    /// The table's type size over the usual one: the widths above were measured at the usual
    /// size and scaled (text widths scale with the size: metrics are not hinted on PDF
    /// surfaces); fraction_width's are scaled where they are read (make_row).
    double scale = 1;
};

/// The set-ups of the document's tables, shared with the layout's helper thread.
using TableShare = TableShareOf<Table, TableSetup, RowPlan>;

/// The document's tables, in order: the slots of its TableShare.
std::vector<const Table*> tables_of(const Document& doc) {
    std::vector<const Table*> tables;
    for (const auto& block : doc.blocks) {
        if (const auto* table = std::get_if<Table>(&block)) {
            tables.push_back(table);
        }
    }
    return tables;
}

/// A font to load ahead of a render (ReadyFontMaps): its size in points and weight, and whether
/// it is set on a context turned -90 degrees (a chart's vertical axis title).
struct WarmFont {
    double size = 0;
    bool bold = false;
    bool turned = false;
};

/// The fonts of a layout's helper (Layout::set_up_tables): the tables' cells, headers, second
/// lines and captions. The helper loads them first; ReadyFontMaps readies them for it.
std::vector<WarmFont> helper_fonts() {
    return {{cell_size, false}, {header_size, true}, {subtext_size, false}, {9.5, true}};
}

/// Lays the document out into pages of draw operations. One pass; the caller lays the front
/// matter out again until the contents' page labels are stable.
class Layout {
public:
    Layout(const Document& doc, const Geometry& geometry, RenderContext& rc,
           const std::vector<std::string>& toc_labels)
        : doc_(doc), g_(geometry), rc_(rc), toc_labels_(toc_labels) {
        decimal_ = doc.info.language.rfind("fr", 0) == 0 || doc.info.language.rfind("es", 0) == 0
                       ? ","
                       : ".";
        std::size_t ordinal = 0;
        for (const auto& block : doc.blocks) {
            if (const auto* heading = std::get_if<Heading>(&block)) {
                HeadingPlace place;
                place.title = heading_title(*heading);
                // Destinations must be unique: a missing or repeated id gets a generated one.
                place.id =
                    heading->id.empty() ? fmt::format("heading-{}", ordinal + 1) : heading->id;
                for (int k = 2; ids_.count(place.id) > 0; ++k) {
                    place.id = fmt::format("heading-{}-{}", ordinal + 1, k);
                }
                ids_.insert(place.id);
                place.level = heading->level;
                place.in_contents = heading->in_contents;
                headings_.push_back(place);
                ++ordinal;
            }
        }
    }

    /// Lays out the whole document; with `front_only`, up to the end of its Contents block.
    void run(bool front_only = false) {
        cover(doc_.info);
        std::size_t ordinal = 0;
        for (std::size_t i = 0; i < doc_.blocks.size(); ++i) {
            const Block& block = doc_.blocks[i];
            const Block* next = i + 1 < doc_.blocks.size() ? &doc_.blocks[i + 1] : nullptr;
            if (const auto* heading = std::get_if<Heading>(&block)) {
                add_heading(*heading, ordinal++, next);
            } else if (std::holds_alternative<Contents>(block)) {
                add_contents(std::get<Contents>(block), ordinal);
                if (front_only) {
                    return;
                }
            } else {
                std::visit([this](const auto& b) { add(b); }, block);
            }
        }
    }

    /// Whether the page labels this layout was given are printed: only a Contents block reads
    /// them.
    [[nodiscard]] bool prints_labels() const { return contents_blocks_ > 0; }

    /// Takes the front matter of `front` (laid out with run(true)), which has as many pages as
    /// this layout's: the body after a single Contents block starts on a page of its own and
    /// its labels count from there, so it does not depend on the labels the contents print.
    [[nodiscard]] bool take_front(Layout& front) {
        if (contents_blocks_ != 1 || front.pages_.size() != front_pages_) {
            return false;
        }
        std::move(front.pages_.begin(), front.pages_.end(), pages_.begin());
        return true;
    }

    std::vector<Page>& pages() { return pages_; }

    /// The captions of the tables laid out whose columns could not keep every number and word
    /// whole, in the document's order.
    [[nodiscard]] std::vector<std::string> crowded_tables() const {
        std::vector<std::string> captions;
        for (const Table* table : tables_of(doc_)) {
            const auto found = table_cache_.find(table);
            if (found != table_cache_.end() && found->second->crowded) {
                captions.push_back(table->caption);
            }
        }
        return captions;
    }
    [[nodiscard]] const std::vector<HeadingPlace>& headings() const { return headings_; }

    /// Takes the set-ups of tables from `share`, and gives it its own (TableShare).
    void share_tables(TableShare& share) { share_ = &share; }

    /// The helper's side of a table of many rows: makes its frame, then chunks of its rows from
    /// the end while the layout, once there, takes them from the start. False when it failed
    /// (what it took goes back to the layout).
    bool share_rows(const Table& table, TableShare& share) const {
        try {
            RowPlan plan;
            auto setup = std::make_shared<TableSetup>(make_table_frame(table, plan));
            share.open_rows(&table, std::move(setup), std::move(plan));
        } catch (...) {
            share.publish(&table, nullptr); // the layout sets it up itself
            return false;
        }
        while (const auto chunk = share.take_rows(&table, /*from_end=*/true)) {
            try {
                make_rows(table, *chunk);
            } catch (...) {
                share.give_back(&table, *chunk);
                return false;
            }
            share.rows_made(&table);
        }
        share.leave(&table);
        return true;
    }

    /// The helper's work (on a thread of its own, with its own Pango contexts): sets up the
    /// document's tables, the largest first (by cells and characters: what Pango's time goes
    /// with), those the layout has not claimed, until the layout is done. The fonts of the
    /// tables are loaded first, so that the layout never waits for the helper's start.
    void set_up_tables(TableShare& share) const {
        std::vector<std::pair<std::size_t, const Table*>> tables; // (cost, table)
        for (const auto& block : doc_.blocks) {
            const auto* table = std::get_if<Table>(&block);
            if (table == nullptr || !table->in_pdf) {
                continue;
            }
            std::size_t cost = 0;
            for (const auto& row : table->rows) {
                for (const auto& cell : row) {
                    cost += 40 + cell.text.size() + cell.subtext.size();
                }
            }
            tables.emplace_back(cost, table);
        }
        std::stable_sort(tables.begin(), tables.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        const double cw = g_.content_width();
        for (const WarmFont& font : helper_fonts()) {
            static_cast<void>(set("Ag 0123456789", style(font.size, font.bold, cw)));
        }
        for (const auto& [cost, table] : tables) {
            const TableShare::Claim claim = share.claim_for_helper(table);
            if (claim == TableShare::Claim::stopped) {
                return;
            }
            if (claim == TableShare::Claim::taken) {
                continue;
            }
            if (table->rows.size() >= TableShare::shared_rows) {
                if (!share_rows(*table, share)) {
                    return;
                }
                continue;
            }
            std::shared_ptr<const TableSetup> setup;
            try {
                setup = std::make_shared<const TableSetup>(make_table_setup(*table));
            } catch (...) {
                share.publish(table, nullptr); // the layout sets it up itself
                return;
            }
            share.publish(table, std::move(setup));
        }
    }
    /// Number of front-matter pages (those up to the end of the Contents block), 0 without one.
    [[nodiscard]] std::size_t front_pages() const { return front_pages_; }

    /// The label printed in the contents for each heading (by ordinal): its body page label.
    [[nodiscard]] std::vector<std::string> body_labels() const {
        std::vector<std::string> out;
        for (const auto& h : headings_) {
            out.push_back(h.page >= front_pages_ ? std::to_string(h.page - front_pages_ + 1)
                                                 : roman(h.page + 1));
        }
        return out;
    }

private:
    // -- Basics ------------------------------------------------------------------------------

    Style style(double size, bool bold = false, double wrap = -1) const {
        Style s;
        s.size = size;
        s.bold = bold;
        s.wrap = wrap;
        return s;
    }

    LaidPtr set(const std::string& text, const Style& s) const { return rc_.ts.set(text, s); }

    /// A text in a box `s.wrap` wide, and the x offset to draw it at. A text that fits on one
    /// line (a number, a code, a short label) is laid out unwrapped and unaligned, and placed
    /// by the offset: the same layout then serves every column and table whatever their
    /// widths (a statistical annex repeats its numbers and labels in tables of many widths).
    /// Other texts are wrapped and aligned by Pango. Right-to-left and justified texts are
    /// always left to Pango.
    std::pair<LaidPtr, double> set_in_box(const std::string& text, const Style& s) const {
        // A text whose bytes at 0.45 em each (DejaVu Sans: digits 0.64 em, lower-case letters
        // 0.3-0.65) would not fit is not tried on one line first: it most likely wraps, and
        // would be laid out twice.
        if (s.wrap > 0 && !s.rtl && !s.justify &&
            static_cast<double>(text.size()) * s.size * 0.45 <= s.wrap) {
            Style one = s;
            one.wrap = -1;
            one.align = HAlign::left;
            LaidPtr laid = set(text, one);
            if (laid->lines.size() == 1 && laid->width <= s.wrap) {
                const double room = s.wrap - laid->width;
                const double dx = s.align == HAlign::right    ? room
                                  : s.align == HAlign::centre ? room / 2
                                                              : 0.0;
                return {std::move(laid), dx};
            }
        }
        return {set(text, s), 0.0};
    }

    Page& current() {
        if (pages_.empty()) {
            new_page();
        }
        return pages_.back();
    }

    /// What an operation is to the structure: drawing (text, lines, a link), a tag begun or
    /// ended, or a mark that is neither (a destination).
    enum class OpKind { draw, tag_begin, tag_end, mark };

    void op(DrawOp draw, double weight = 1, OpKind kind = OpKind::draw) {
        Page& page = current();
        page.ops.push_back(std::move(draw));
        page.weight += weight;
        if (kind != OpKind::mark) {
            page.ends_with_begin = kind == OpKind::tag_begin;
        }
        page.drawn = page.drawn || kind == OpKind::draw;
    }

    /// Notes that the current page draws `laid`.
    void uses(const Laid& laid) {
        if (!laid.glyphs.drawable()) {
            current().pango_only = true;
        }
    }

    void tag_begin(const std::string& name, const std::string& attributes = {}) {
        if (!rc_.tags) {
            return;
        }
        op([name,
            attributes](cairo_t* cr) { cairo_tag_begin(cr, name.c_str(), attributes.c_str()); },
           tag_weight, OpKind::tag_begin);
        open_tags_.push_back({name, attributes});
    }
    void tag_end(const std::string& name) {
        if (!rc_.tags) {
            return;
        }
        op([name](cairo_t* cr) { cairo_tag_end(cr, name.c_str()); }, tag_weight, OpKind::tag_end);
        Page& page = current();
        if (open_tags_.size() <= page.open_tags.size()) {
            if (page.ops.size() == page.leading_ends + 1) {
                ++page.leading_ends;
            } else if (!page.drawn) {
                page.early_close = true;
            }
        }
        if (!open_tags_.empty()) {
            open_tags_.pop_back();
        }
    }
    /// Links and destinations are emitted even without structure tags (they are not
    /// structure, and the contents and footnotes need them).
    void link(const std::string& dest, double x, double y, double w, double h) {
        const std::string attributes =
            fmt::format("dest='{}' rect=[{:.2f} {:.2f} {:.2f} {:.2f}]", attr(dest), x, y, w, h);
        op([attributes](cairo_t* cr) {
            cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes.c_str());
            cairo_tag_end(cr, CAIRO_TAG_LINK);
        });
    }
    void dest(const std::string& name, double x, double y) {
        const std::string attributes = fmt::format("name='{}' x={:.2f} y={:.2f}", attr(name), x, y);
        op(
            [attributes](cairo_t* cr) {
                cairo_tag_begin(cr, CAIRO_TAG_DEST, attributes.c_str());
                cairo_tag_end(cr, CAIRO_TAG_DEST);
            },
            tag_weight, OpKind::mark);
    }

    void text_op(const LaidPtr& laid, double x, double y, Colour colour) {
        uses(*laid);
        op([laid, x, y, colour](cairo_t* cr) { draw_laid(cr, *laid, x, y, colour); });
    }

    void lines_op(const LaidPtr& laid, std::size_t from, std::size_t to, double x, double y,
                  Colour colour) {
        uses(*laid);
        op([laid, from, to, x, y, colour](cairo_t* cr) {
            draw_lines(cr, *laid, from, to, x, y, colour);
        });
    }

    void hline_op(double x0, double x1, double y, double width, Colour colour) {
        op([=](cairo_t* cr) { hline(cr, x0, x1, y, width, colour); });
    }

    void rect_op(double x, double y, double w, double h, Colour colour) {
        op([=](cairo_t* cr) { fill_rect(cr, x, y, w, h, colour); });
    }

    void new_page() {
        pages_.emplace_back();
        pages_.back().open_tags = open_tags_;
        y_ = g_.top;
        force_new_page_ = false;
    }

    [[nodiscard]] bool at_top() const { return !pages_.empty() && y_ <= g_.top + 0.01; }

    /// The lowest y for content on the current page (above its footnotes).
    [[nodiscard]] double bottom() const {
        return g_.content_bottom() - (pages_.empty() ? 0 : pages_.back().notes_height);
    }

    /// Starts a new page when `height` does not fit below the current position.
    void ensure(double height) {
        if (pages_.empty() || force_new_page_ || (y_ + height > bottom() && !at_top())) {
            new_page();
        }
    }

    // -- Footnotes ---------------------------------------------------------------------------

    struct PendingNotes {
        std::vector<Note> notes;
        double height = 0;
        std::string markers; ///< superscript numbers to set after the text
        int first = 0;
    };

    PendingNotes prepare_notes(const std::vector<std::string>& texts) {
        PendingNotes out;
        out.first = footnote_counter_ + 1;
        for (const auto& text : texts) {
            const int n = ++footnote_counter_;
            Note note;
            note.number = n;
            note.text =
                set(fmt::format("{} {}", n, text), style(note_size, false, g_.content_width()));
            out.height += note.text->height + 1.5;
            if (!out.markers.empty()) {
                out.markers += "\u00B7"; // a middle dot between adjacent markers
            }
            out.markers += superscript(n);
            out.notes.push_back(std::move(note));
        }
        return out;
    }

    /// Height the notes take when added to the current page (with the rule when first).
    [[nodiscard]] double notes_extra(const PendingNotes& notes) const {
        if (notes.notes.empty()) {
            return 0;
        }
        const bool first = pages_.empty() || pages_.back().notes.empty();
        return notes.height + (first ? 8 : 0);
    }

    void commit_notes(PendingNotes& notes) {
        if (notes.notes.empty()) {
            return;
        }
        Page& page = current();
        page.notes_height += notes_extra(notes);
        for (auto& note : notes.notes) {
            page.notes.push_back(std::move(note));
        }
        notes.notes.clear();
    }

    /// A link from a marker that ends `text` (laid at x, y) to the first note.
    void marker_link(const LaidPtr& laid, const std::string& text, const PendingNotes& notes,
                     double x, double y, std::size_t from_line = 0) {
        if (notes.markers.empty()) {
            return;
        }
        if (!laid->layout) {
            return; // a composed text (figures alone) has no markers
        }
        PangoRectangle pos;
        const auto index = static_cast<int>(text.size() - notes.markers.size());
        pango_layout_index_to_pos(laid->layout.get(), index, &pos);
        const double offset = laid->lines.empty() ? 0 : laid->lines[from_line].top;
        const double mx = x + static_cast<double>(std::min(pos.x, pos.x + pos.width)) / PANGO_SCALE;
        const double my = y + static_cast<double>(pos.y) / PANGO_SCALE - offset;
        const double mh = static_cast<double>(pos.height) / PANGO_SCALE;
        link(fmt::format("fn-{}", notes.first), mx, my, 8, mh);
    }

    // -- Cover -------------------------------------------------------------------------------

    void cover(const DocumentInfo& info) {
        new_page();
        const double cw = g_.content_width();
        Style small = style(9, false, cw);
        small.align = HAlign::right;
        if (!info.symbol.empty()) {
            text_op(set(info.symbol, small), g_.left, y_, ink);
        }
        y_ += 16;
        for (const auto& line : info.cover) {
            if (line.label == "Governing Body" || line.label == "Session") {
                const auto laid = set(line.value, small);
                text_op(laid, g_.left, y_, ink);
                y_ += laid->height + 2;
            }
        }
        y_ += 10;
        hline_op(g_.left, g_.content_right(), y_, 1.2, ilo_blue);
        y_ += 14;
        tag_begin("H1");
        const auto title = set(info.title, style(17, true, cw));
        text_op(title, g_.left, y_, ilo_blue);
        tag_end("H1");
        y_ += title->height + 6;
        if (!info.subtitle.empty()) {
            const auto subtitle = set(info.subtitle, style(11, false, cw));
            tag_begin("P");
            text_op(subtitle, g_.left, y_, ink);
            tag_end("P");
            y_ += subtitle->height + 4;
        }
        y_ += 10;
        const double label_width = 150;
        for (const auto& line : info.cover) {
            if (line.label == "Governing Body" || line.label == "Session") {
                continue;
            }
            const auto label = set(line.label, style(9, true, label_width - 8));
            const auto value = set(line.value, style(9, false, cw - label_width));
            tag_begin("P");
            text_op(label, g_.left, y_, ink);
            text_op(value, g_.left + label_width, y_, ink);
            tag_end("P");
            y_ += std::max(label->height, value->height) + 5;
        }
        y_ += 4;
        if (!info.date_text.empty()) {
            const auto date = set(info.labels.date + ": " + info.date_text, style(9, false, cw));
            tag_begin("P");
            text_op(date, g_.left, y_, ink);
            tag_end("P");
            y_ += date->height;
        }
        y_ += 18;
        if (!info.summary.empty()) {
            hline_op(g_.left, g_.content_right(), y_, 0.6, rule);
            y_ += 8;
            const auto head = set(info.labels.summary, style(11, true, cw));
            tag_begin("H2");
            text_op(head, g_.left, y_, ink);
            tag_end("H2");
            y_ += head->height + 4;
            Style body = style(10, false, cw);
            body.justify = true;
            const auto text = set(hyphenated(info.summary, info.language), body);
            ensure(std::min(text->height, 60.0));
            tag_begin("P");
            text_op(text, g_.left, y_, ink);
            tag_end("P");
            y_ += text->height + 6;
            hline_op(g_.left, g_.content_right(), y_, 0.6, rule);
        }
        force_new_page_ = true;
    }

    std::string hyphenated(const std::string& text, const std::string& language) {
        const Hyphenator& h = rc_.hyphenator(language.empty() ? doc_.info.language : language);
        return h.available() ? h.hyphenate(text) : text;
    }

    // -- Contents ----------------------------------------------------------------------------

    void add_contents(const Contents& contents, std::size_t first_ordinal) {
        ensure(60);
        const double cw = g_.content_width();
        if (!at_top()) {
            y_ += 10;
        }
        const auto title = set(contents.title, style(12, true, cw));
        tag_begin("H1");
        text_op(title, g_.left, y_, ilo_blue);
        tag_end("H1");
        y_ += title->height + 8;
        tag_begin("TOC");
        const double label_room = 34;
        for (std::size_t k = first_ordinal; k < headings_.size(); ++k) {
            const HeadingPlace& h = headings_[k];
            if (!h.in_contents) {
                continue;
            }
            const double indent = h.level > 1 ? 16.0 * (h.level - 1) : 0.0;
            const double size = h.level <= 1 ? 9.5 : 9;
            const auto text = set(h.title, style(size, h.level <= 1, cw - indent - label_room));
            const std::string label_text = k < toc_labels_.size() ? toc_labels_[k] : "0";
            const auto label = set(label_text, style(size, h.level <= 1));
            const double height = text->height + (h.level <= 1 ? 5 : 3);
            if (y_ + height > bottom() && !at_top()) {
                tag_end("TOC");
                new_page();
                tag_begin("TOC");
            }
            const double top = y_;
            const double x = g_.left + indent;
            const auto& last = text->lines.back();
            const double dots_from = x + last.x + last.width + 4;
            const double dots_to = g_.content_right() - label->width - 4;
            const double baseline = top + last.baseline;
            const double label_y = baseline - label->lines.front().baseline;
            tag_begin("TOCI");
            tag_begin(CAIRO_TAG_LINK,
                      fmt::format("dest='{}' rect=[{:.2f} {:.2f} {:.2f} {:.2f}]", attr(h.id), x,
                                  top, g_.content_right() - x, text->height));
            text_op(text, x, top, ink);
            // Leader dots as text (readers and text extraction see "Title ..... 3"), ending
            // just before the label.
            const double dot = dot_width(size);
            const auto count = dot > 0 ? static_cast<std::size_t>((dots_to - dots_from) / dot) : 0;
            if (count >= 3) {
                const auto leader = set(std::string(count, '.'), style(size));
                text_op(leader, dots_to - leader->width, baseline - leader->lines.front().baseline,
                        muted);
            }
            text_op(label, g_.content_right() - label->width, label_y, ink);
            tag_end(CAIRO_TAG_LINK);
            tag_end("TOCI");
            if (!rc_.tags) {
                link(h.id, x, top, g_.content_right() - x, text->height);
            }
            y_ += height;
        }
        tag_end("TOC");
        front_pages_ = pages_.size();
        ++contents_blocks_;
        force_new_page_ = true;
    }

    std::map<double, double> dot_widths_;

    double dot_width(double size) {
        auto found = dot_widths_.find(size);
        if (found == dot_widths_.end()) {
            found =
                dot_widths_.emplace(size, set(std::string(20, '.'), style(size))->width / 20).first;
        }
        return found->second;
    }

    // -- Headings ----------------------------------------------------------------------------

    LaidPtr heading_laid(const HeadingPlace& h) const {
        return set(h.title, style(h.level <= 1 ? 12 : 10.5, true, g_.content_width()));
    }

    /// The least height that must follow a heading on its page.
    double min_start(const Block* next) {
        if (next == nullptr) {
            return 0;
        }
        if (const auto* paragraph = std::get_if<Paragraph>(next)) {
            const auto laid = paragraph_laid(*paragraph);
            const std::size_t n = laid->lines.size();
            return n == 0 ? 0 : laid->lines[std::min<std::size_t>(n, 2) - 1].bottom;
        }
        if (const auto* table = std::get_if<Table>(next)) {
            if (!table->in_pdf) {
                return 0;
            }
            const auto& t = table_setup(*table);
            return t.caption->height + 4 + t.header.height +
                   (t.rows.empty() ? 0 : std::min(t.rows.front().height, 60.0));
        }
        if (const auto* figure = std::get_if<Figure>(next)) {
            return figure_height(*figure);
        }
        if (std::holds_alternative<KeyFigures>(*next)) {
            return 90;
        }
        return 0;
    }

    void add_heading(const Heading&, std::size_t ordinal, const Block* next) {
        HeadingPlace& h = headings_[ordinal];
        const auto laid = heading_laid(h);
        const double before = h.level <= 1 ? 10 : 6;
        ensure(laid->height + before + 8 + min_start(next));
        if (!at_top()) {
            y_ += before;
        }
        h.page = pages_.size() - 1;
        h.y = y_;
        const std::string tag = h.level <= 1 ? "H1" : "H2";
        tag_begin(tag);
        dest(h.id, g_.left, y_);
        text_op(laid, g_.left, y_, ilo_blue);
        tag_end(tag);
        y_ += laid->height + (h.level <= 1 ? 8 : 6);
    }

    // -- Paragraphs --------------------------------------------------------------------------

    struct ParagraphSetup {
        LaidPtr laid;
        std::string text;
        bool rtl = false;
    };
    std::unordered_map<const Paragraph*, ParagraphSetup> paragraph_cache_;

    const ParagraphSetup& paragraph_setup(const Paragraph& paragraph) {
        auto found = paragraph_cache_.find(&paragraph);
        if (found != paragraph_cache_.end()) {
            return found->second;
        }
        ParagraphSetup setup;
        setup.rtl = is_rtl(paragraph.text, paragraph.direction);
        std::string text = paragraph.text;
        if (!setup.rtl) {
            text = hyphenated(text, paragraph.language);
        }
        // Markers are added when the paragraph is placed (numbers are document-wide); reserve
        // room for them here by laying out the same text with them.
        text += marker_preview(paragraph.footnotes.size());
        Style body = style(10, false, g_.content_width() - paragraph_indent);
        body.justify = true;
        body.spacing = 1.15;
        body.rtl = setup.rtl;
        body.align = setup.rtl ? HAlign::right : HAlign::left;
        setup.laid = set(text, body);
        setup.text = std::move(text);
        return paragraph_cache_.emplace(&paragraph, std::move(setup)).first->second;
    }

    LaidPtr paragraph_laid(const Paragraph& paragraph) { return paragraph_setup(paragraph).laid; }

    /// The markers the next `count` footnotes will get.
    std::string marker_preview(std::size_t count) const {
        std::string out;
        for (std::size_t k = 0; k < count; ++k) {
            if (k > 0) {
                out += "\u00B7";
            }
            out += superscript(footnote_counter_ + 1 + static_cast<int>(k));
        }
        return out;
    }

    void add(const Paragraph& paragraph) {
        const ParagraphSetup& setup = paragraph_setup(paragraph);
        PendingNotes notes = prepare_notes(paragraph.footnotes);
        const LaidPtr laid = setup.laid;
        const auto& lines = laid->lines;
        const std::size_t n = lines.size();
        const double x = setup.rtl && paragraph.number > 0 ? g_.left : g_.left + paragraph_indent;
        auto piece_height = [&](std::size_t from, std::size_t to) {
            return lines[to - 1].bottom - lines[from].top;
        };
        ensure(piece_height(0, std::min<std::size_t>(n, 2)));
        std::size_t first = 0;
        bool numbered = paragraph.number > 0;
        while (first < n) {
            std::size_t last = first;
            while (last < n && y_ + piece_height(first, last + 1) <= bottom()) {
                ++last;
            }
            // The note must fit on the page where its marker (the last line) lands.
            if (last == n && !notes.notes.empty() &&
                y_ + piece_height(first, n) > bottom() - notes_extra(notes) && last > first) {
                --last;
            }
            if (last < n && n - last < 2) {
                last = n >= 2 ? std::max(first, n - 2) : first; // widow: two lines go over
            }
            if (first == 0 && last < n && last < 2) {
                last = 0; // orphan: never a single first line at the foot of a page
            }
            if (last == first) {
                if (!at_top()) {
                    new_page();
                    continue;
                }
                last = std::min(n, first + 1); // a line taller than a page: place it anyway
            }
            const double top = y_;
            tag_begin("P");
            lines_op(laid, first, last, x, top, ink);
            tag_end("P");
            if (numbered) {
                const auto number = set(fmt::format("{}.", paragraph.number), style(10));
                const double nx = setup.rtl ? g_.content_right() - number->width : g_.left;
                text_op(number, nx, top + lines[0].baseline - number->lines.front().baseline, ink);
                numbered = false;
            }
            if (last == n) {
                marker_link(laid, setup.text, notes, x, top, first);
                commit_notes(notes);
            }
            y_ += piece_height(first, last);
            first = last;
            if (first < n) {
                new_page();
            }
        }
        y_ += 8;
    }

    // -- Tables ------------------------------------------------------------------------------

    std::unordered_map<const Table*, std::shared_ptr<const TableSetup>> table_cache_;
    TableShare* share_ = nullptr; ///< tables set up by a helper thread too, when not null

    static std::pair<std::string, std::string> split_decimal(const std::string& text,
                                                             const std::string& separator) {
        const auto at = text.rfind(separator);
        if (at == std::string::npos || at + 1 >= text.size() || text[at + 1] < '0' ||
            text[at + 1] > '9') {
            return {text, ""};
        }
        return {text.substr(0, at), text.substr(at)};
    }

    CellBox cell_box(const Cell& cell, double inner, bool header, bool rtl, double dx, HAlign align,
                     const TableType& type) const {
        CellBox box;
        box.status = cell.status;
        double text_inner = inner;
        if (!cell.status.empty()) {
            text_inner -= status_room;
        }
        Style s = style(header ? type.header : type.cell, header, std::max(text_inner, 10.0));
        s.align = align;
        s.rtl = rtl;
        const auto [main, main_dx] = set_in_box(cell.text, s);
        const Colour colour = cell.missing ? muted : ink;
        for (std::size_t i = 0; i < main->lines.size(); ++i) {
            box.lines.push_back(
                {main, i, main->lines[i].top, main->lines[i].bottom, dx + main_dx, colour});
        }
        double height = main->height;
        if (!cell.subtext.empty()) {
            Style sub = s;
            sub.size = type.sub;
            sub.bold = false;
            sub.wrap = inner;
            const auto [laid, sub_dx] = set_in_box(cell.subtext, sub);
            for (std::size_t i = 0; i < laid->lines.size(); ++i) {
                box.lines.push_back({laid, i, height + laid->lines[i].top,
                                     height + laid->lines[i].bottom, sub_dx, muted});
            }
            height += laid->height;
        }
        box.height = height;
        return box;
    }

    /// Widens the columns narrower than `need` (points, padding included), taking the room
    /// from columns wider than theirs; a column gives at most half of its share. Returns
    /// false, changing nothing, when the other columns cannot give enough.
    static bool fit_columns(const std::vector<double>& need, TableSetup& t) {
        const std::size_t columns = t.widths.size();
        double deficit = 0;
        double slack = 0;
        for (std::size_t c = 0; c < columns; ++c) {
            deficit += std::max(0.0, need[c] - t.widths[c]);
            slack += std::max(0.0, t.widths[c] - std::max(need[c], t.widths[c] / 2));
        }
        if (deficit <= 0) {
            return true;
        }
        if (slack < deficit) {
            return false;
        }
        const double share = deficit / slack;
        // The table keeps its edges: the first column's outer edge is where it was.
        const double edge = t.rtl ? t.xs.front() + t.widths.front() : t.xs.front();
        for (std::size_t c = 0; c < columns; ++c) {
            if (need[c] > t.widths[c]) {
                t.widths[c] = need[c];
            } else {
                t.widths[c] -= share * (t.widths[c] - std::max(need[c], t.widths[c] / 2));
            }
        }
        place_columns(t, edge);
        return true;
    }

    /// Sets each column's left edge (`xs`) from the widths, the first column's outer edge at
    /// `edge` (its left edge, or its right edge in a mirrored table).
    static void place_columns(TableSetup& t, double edge) {
        double x = edge;
        for (std::size_t c = 0; c < t.widths.size(); ++c) {
            if (t.rtl) {
                x -= t.widths[c];
                t.xs[c] = x;
            } else {
                t.xs[c] = x;
                x += t.widths[c];
            }
        }
    }

    /// The longest texts of a column by length, distinct, longest first: the candidates for
    /// its widest text (measuring a few instead of every cell; lengths in bytes rank widths
    /// well enough within one column, and the few are measured).
    struct Longest {
        static constexpr std::size_t keep = 4;
        std::vector<std::string_view> texts;
        void offer(std::string_view text) {
            if (text.empty() || (texts.size() == keep && text.size() <= texts.back().size())) {
                return;
            }
            if (std::find(texts.begin(), texts.end(), text) != texts.end()) {
                return;
            }
            const auto at = std::find_if(texts.begin(), texts.end(), [&](std::string_view t) {
                return t.size() < text.size();
            });
            texts.insert(at, text);
            if (texts.size() > keep) {
                texts.pop_back();
            }
        }
        /// Offers each word of `text`: split at spaces, and after an en dash (a range,
        /// "(105.5%–116.6%)", may break after its dash, as Pango breaks it).
        void offer_words(std::string_view text) {
            static constexpr std::string_view en_dash = "\u2013";
            for (std::size_t from = 0; from < text.size();) {
                const std::size_t space = std::min(text.find(' ', from), text.size());
                const std::size_t dash = text.find(en_dash, from);
                if (dash != std::string_view::npos && dash + en_dash.size() < space) {
                    offer(text.substr(from, dash + en_dash.size() - from));
                    from = dash + en_dash.size();
                    continue;
                }
                offer(text.substr(from, space - from));
                from = space + 1;
            }
        }
    };

    /// What a column holds, gathered once from the table's rows (column_texts) and measured
    /// at each type size tried: the candidates for its widest words and texts, of its cells
    /// and of the lines under them, and of its header.
    struct ColumnTexts {
        Longest words;
        Longest texts;
        Longest sub_words;
        Longest sub_texts;
        Longest title;
        const std::string* one_word_sub = nullptr; ///< the longest one-word line under a value
        bool status = false;                       ///< a cell has a status mark
        /// Padding, a status mark and the room Pango needs.
        [[nodiscard]] double room() const {
            return (status ? status_room : 0) + 2 * cell_pad + spare;
        }
    };

    static std::vector<ColumnTexts> column_texts(const Table& table, std::size_t columns) {
        std::vector<ColumnTexts> out(columns);
        for (const auto& row : table.rows) {
            for (std::size_t c = 0; c < columns && c < row.size(); ++c) {
                const Cell& cell = row[c];
                ColumnTexts& column = out[c];
                column.status = column.status || !cell.status.empty();
                column.words.offer_words(cell.text);
                column.texts.offer(cell.text);
                column.sub_words.offer_words(cell.subtext);
                column.sub_texts.offer(cell.subtext);
                const std::string& sub = cell.subtext;
                if (!sub.empty() && sub.find(' ') == std::string::npos &&
                    (column.one_word_sub == nullptr || sub.size() > column.one_word_sub->size())) {
                    column.one_word_sub = &sub;
                }
            }
        }
        for (std::size_t c = 0; c < columns && c < table.header.size(); ++c) {
            out[c].title.offer_words(table.header[c]);
        }
        return out;
    }

    /// Each column's room for its numbers (points, padding included): `aligned` with the
    /// decimal alignment's room (its widest integer part plus widest fraction part), `whole`
    /// for the widest number alone; either also holds the one-word line under a number
    /// ("n=1,969") and a status mark. 0 for a column without numbers.
    void number_needs(const std::vector<ColumnTexts>& columns, const std::vector<double>& int_width,
                      const std::vector<double>& frac_width,
                      const std::vector<double>& number_width, const TableType& type,
                      std::vector<double>& aligned, std::vector<double>& whole) const {
        aligned.assign(columns.size(), 0);
        whole.assign(columns.size(), 0);
        for (std::size_t c = 0; c < columns.size(); ++c) {
            if (number_width[c] <= 0) {
                continue;
            }
            const ColumnTexts& column = columns[c];
            const double room = column.room();
            const double under =
                column.one_word_sub != nullptr
                    ? set(*column.one_word_sub, style(type.sub))->width + 2 * cell_pad + spare
                    : 0;
            aligned[c] = std::max(int_width[c] + frac_width[c] + room, under);
            whole[c] = std::max(number_width[c] + room, under);
        }
    }

#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 at -O2/-O3 warns that a vector of this function frees a pointer into its middle
// (-Wfree-nonheap-object): a false positive of its inlining (each vector is freed whole).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif
    /// Column widths from the content. Each column gets at least its widest unbreakable piece
    /// (its numbers with the decimal alignment's room, else the widest number alone; the
    /// widest word of its cells and of the lines under them; room permitting, the widest word
    /// of its header). When every column's widest text fits on one line, the template's widths
    /// stand but for the columns narrower than that, widened with the room of the others;
    /// otherwise the room over the minimums goes first to the column whose widest text takes
    /// the most lines, one line fewer at a time, and what is left in proportion to what each
    /// column lacks of its one-line width (as CSS 2.1 lays out a table automatically,
    /// 17.5.2.2). So a column of long names takes the room a column of short codes does not
    /// need, and no number, code or word is broken. `aligned` and `whole`: number_needs. Returns
    /// false, changing nothing, when the minimums do not fit: the table has too many columns for
    /// the page (fit_words then does what it can; `years = N` is the template's remedy).
    /// `one_line`, when given and the minimums fit, tells whether every text takes one line.
    bool fit_content(const std::vector<ColumnTexts>& texts, const std::vector<double>& aligned,
                     const std::vector<double>& whole, const std::vector<double>& number_width,
                     const TableType& type, TableSetup& t, bool* one_line = nullptr) const {
        const std::size_t columns = t.widths.size();
        std::vector<double> word(columns, 0);      // the widest word, padding included
        std::vector<double> line(columns, 0);      // the widest text on one line
        std::vector<double> heading(columns, 0);   // the widest word of the header
        std::vector<double> text_line(columns, 0); // the widest text, unpadded
        std::vector<double> sub_line(columns, 0);  // the widest line under a text, unpadded
        std::vector<double> pad(columns, 0);       // padding and status mark
        const auto widest = [this](const Longest& l, double size, bool bold = false) {
            double w = 0;
            for (const auto text : l.texts) {
                w = std::max(w, set(std::string(text), style(size, bold))->width);
            }
            return w;
        };
        for (std::size_t c = 0; c < columns; ++c) {
            const ColumnTexts& column = texts[c];
            pad[c] = column.room();
            word[c] =
                std::max(widest(column.words, type.cell), widest(column.sub_words, type.sub)) +
                pad[c];
            text_line[c] = std::max(widest(column.texts, type.cell), number_width[c]);
            sub_line[c] = widest(column.sub_texts, type.sub);
            line[c] = std::max(text_line[c], sub_line[c]) + pad[c];
            if (!column.title.texts.empty()) {
                heading[c] = widest(column.title, type.header, true) + 2 * cell_pad + spare;
            }
        }
        const double cw = g_.content_width();
        auto sum = [](const std::vector<double>& v) {
            return std::accumulate(v.begin(), v.end(), 0.0);
        };
        // The minimums, best first: the header's words whole matter more than the decimal
        // alignment of a column that mixes amounts and percentages.
        // When one line is asked for, the first minimums at which every text takes one line
        // (a number right-aligned rather than on its decimal point, if need be), else the
        // first that fit.
        std::vector<double> least(columns, 0);
        std::vector<double> most(columns, 0);
        auto minimums = [&](int step) {
            for (std::size_t c = 0; c < columns; ++c) {
                least[c] = std::max(step % 2 == 0 ? aligned[c] : whole[c], word[c]);
                if (step < 2) {
                    least[c] = std::max(least[c], heading[c]);
                }
                most[c] = std::max(least[c], line[c]);
            }
            return sum(least) <= cw;
        };
        int first_fit = -1;
        bool chosen = false;
        for (int step = 0; step < 4 && !chosen; ++step) {
            if (minimums(step)) {
                first_fit = first_fit < 0 ? step : first_fit;
                chosen = one_line == nullptr || sum(most) <= cw;
            }
        }
        if (first_fit < 0) {
            return false;
        }
        if (!chosen) {
            minimums(first_fit);
        }
        const double total_most = sum(most);
        if (one_line != nullptr) {
            *one_line = total_most <= cw;
        }
        if (total_most <= cw) {
            // Every text fits on one line: the template's widths, each column narrower than
            // its text widened to it with the room of those wider than theirs.
            double deficit = 0;
            double excess = 0;
            for (std::size_t c = 0; c < columns; ++c) {
                deficit += std::max(0.0, most[c] - t.widths[c]);
                excess += std::max(0.0, t.widths[c] - most[c]);
            }
            // (With the total under the page width, the excess covers the deficit; a deficit
            // of rounding alone, with no excess, changes nothing.)
            for (std::size_t c = 0; c < columns && deficit > 0 && excess > 0; ++c) {
                t.widths[c] = t.widths[c] < most[c]
                                  ? most[c]
                                  : t.widths[c] - deficit * (t.widths[c] - most[c]) / excess;
            }
        } else {
            // From the minimums, the room goes first where it takes the most lines off the
            // rows: the column whose widest text takes the most lines (its text's and the
            // line's under it) is widened until it takes one line fewer, while there is room.
            // What is left goes in proportion to what each column lacks of its one-line width.
            // The lines are estimated from the widest texts' one-line widths.
            auto lines_at = [&](std::size_t c, double width) {
                const double inner = std::max(width - pad[c], 1.0);
                auto of = [inner](double w) {
                    return w <= 0 ? 0.0 : std::max(1.0, std::ceil(w / inner - 1e-9));
                };
                return std::max(1.0, of(text_line[c])) + of(sub_line[c]);
            };
            // The width at which column c takes one line fewer, or 0.
            auto one_fewer = [&](std::size_t c, double width) {
                const double inner = std::max(width - pad[c], 1.0);
                double best = 0;
                for (const double w : {text_line[c], sub_line[c]}) {
                    const double k = std::ceil(w / inner - 1e-9);
                    if (w > 0 && k > 1) {
                        const double wider = w / (k - 1) + pad[c];
                        best = best == 0 ? wider : std::min(best, wider);
                    }
                }
                return best;
            };
            std::vector<double> w = least;
            double room = cw - sum(least);
            for (std::size_t guard = 0; guard < 1000; ++guard) {
                std::size_t pick = columns;
                double most_lines = 0;
                double cost = 0;
                for (std::size_t c = 0; c < columns; ++c) {
                    const double lines = lines_at(c, w[c]);
                    const double wider = one_fewer(c, w[c]);
                    if (lines > most_lines ||
                        (lines == most_lines && wider > 0 && (cost == 0 || wider - w[c] < cost))) {
                        most_lines = lines;
                        pick = c;
                        cost = wider > 0 ? wider - w[c] : 0;
                    }
                }
                if (pick == columns || cost <= 0 || cost > room) {
                    break;
                }
                w[pick] += cost;
                room -= cost;
            }
            double lack = 0;
            for (std::size_t c = 0; c < columns; ++c) {
                lack += std::max(0.0, most[c] - w[c]);
            }
            for (std::size_t c = 0; c < columns; ++c) {
                t.widths[c] = w[c] + (lack > 0 ? room * std::max(0.0, most[c] - w[c]) / lack
                                               : room / static_cast<double>(columns));
            }
        }
        place_columns(t, t.rtl ? g_.content_right() : g_.left);
        return true;
    }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

    /// Column widths that keep what they can whole, when fit_content cannot: each step is
    /// taken only if the columns can give the room (fit_columns), best first: every number on
    /// one line with the decimal alignment's room, else every number on one line (the
    /// alignment then gives way); with either, the one-word line under a number too, and
    /// then, room permitting, every word of the header. When not even the numbers fit the
    /// widths stay proportional: the table has too many columns for the page (`years = N` is
    /// the template's remedy). `aligned` and `whole`: number_needs.
    void fit_words(const Table& table, const std::vector<double>& aligned,
                   const std::vector<double>& whole, const TableType& type, TableSetup& t) const {
        const std::size_t columns = t.widths.size();
        std::vector<double> need = aligned;
        if (!fit_columns(need, t)) {
            need = whole;
            if (!fit_columns(need, t)) {
                return;
            }
        }
        bool more = false;
        for (std::size_t c = 0; c < columns && c < table.header.size(); ++c) {
            const std::string& title = table.header[c];
            for (std::size_t from = 0; from < title.size();) {
                const std::size_t to = std::min(title.find(' ', from), title.size());
                if (to > from) {
                    const double word =
                        set(title.substr(from, to - from), style(type.header, true))->width;
                    if (word + 2 * cell_pad + spare > need[c]) {
                        need[c] = word + 2 * cell_pad + spare;
                        more = more || need[c] > t.widths[c];
                    }
                }
                from = to + 1;
            }
        }
        if (more) {
            fit_columns(need, t);
        }
    }

    const TableSetup& table_setup(const Table& table) {
        auto found = table_cache_.find(&table);
        if (found != table_cache_.end()) {
            return *found->second;
        }
        std::shared_ptr<const TableSetup> setup;
        while (share_ != nullptr && !setup) {
            const TableShare::Found state = share_->find_or_claim(&table, setup);
            if (state == TableShare::Found::claimed) {
                setup = std::make_shared<const TableSetup>(make_table_setup(table));
                share_->publish(&table, setup);
            } else if (state == TableShare::Found::rows) {
                // The helper made the frame: take chunks of rows from the start with it.
                while (const auto chunk = share_->take_rows(&table, /*from_end=*/false)) {
                    make_rows(table, *chunk);
                    share_->rows_made(&table);
                }
                setup = share_->wait_for_rows(&table);
            }
        }
        if (!setup) {
            setup = std::make_shared<const TableSetup>(make_table_setup(table));
        }
        return *table_cache_.emplace(&table, std::move(setup)).first->second;
    }

    /// Rows [chunk.from, chunk.to) of a table shared out by rows (TableShare).
    void make_rows(const Table& table, const TableShare::Chunk& chunk) const {
        for (std::size_t r = chunk.from; r < chunk.to; ++r) {
            chunk.setup->rows[r] = make_row(table, *chunk.setup, *chunk.plan, r);
        }
    }

    TableSetup make_table_setup(const Table& table) const {
        RowPlan plan;
        TableSetup t = make_table_frame(table, plan);
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            t.rows[r] = make_row(table, t, plan, r);
        }
        return t;
    }

    /// Which way a cell's text goes in its column (mirrored in a right-to-left table).
    static HAlign column_halign(Align a, bool rtl) {
        switch (a) {
        case Align::left:
            return rtl ? HAlign::right : HAlign::left;
        case Align::right:
        case Align::decimal:
            return rtl ? HAlign::left : HAlign::right;
        case Align::centre:
            return HAlign::centre;
        }
        return HAlign::left;
    }

    static void finish_row(Row& row) {
        row.height = 0;
        for (const auto& cell : row.cells) {
            row.height = std::max(row.height, cell.height);
        }
        row.height += 2 * cell_pad;
    }

    /// Row `r` of `table`, set up in the frame `t` (make_table_frame).
    Row make_row(const Table& table, const TableSetup& t, const RowPlan& plan,
                 std::size_t r) const {
        Row row;
        for (std::size_t c = 0; c < t.widths.size(); ++c) {
            const Cell cell = c < table.rows[r].size() ? table.rows[r][c] : Cell{};
            const double inner = t.widths[c] - 2 * cell_pad;
            double dx = 0;
            HAlign a = column_halign(cell.align, t.rtl);
            if (auto it = plan.fraction_width.find({r, c}); it != plan.fraction_width.end()) {
                // Numbers stay right-aligned (also in mirrored tables); the padding is
                // dropped when the column is too narrow for it, so text stays in its cell.
                if (plan.int_width[c] + plan.frac_width[c] <= inner) {
                    dx = -(plan.frac_width[c] - it->second * plan.scale);
                }
                a = HAlign::right;
            }
            row.cells.push_back(cell_box(cell, inner, false, false, dx, a, t.type));
        }
        finish_row(row);
        return row;
    }

    /// A table's set-up but its rows (`rows` has as many empty rows as the table): columns,
    /// header, caption; `plan` gets what its rows are set up with (make_row).
    TableSetup make_table_frame(const Table& table, RowPlan& plan) const {
        TableSetup t;
        const double cw = g_.content_width();
        std::size_t columns = table.header.size();
        for (const auto& row : table.rows) {
            columns = std::max(columns, row.size());
        }
        double total = 0;
        for (std::size_t c = 0; c < columns; ++c) {
            total += c < table.widths.size() && table.widths[c] > 0 ? table.widths[c] : 1.0;
        }
        std::string sample;
        for (const auto& title : table.header) {
            sample += title;
        }
        t.rtl = table.direction == TextDirection::rtl ||
                (table.direction == TextDirection::automatic && first_strong_is_rtl(sample));
        for (std::size_t c = 0; c < columns; ++c) {
            t.widths.push_back(
                cw * (c < table.widths.size() && table.widths[c] > 0 ? table.widths[c] : 1.0) /
                total);
        }
        t.xs.resize(columns);
        place_columns(t, t.rtl ? g_.content_right() : g_.left);
        // Alignment of each column: the first row's, or left/right by position.
        std::vector<Align> aligns(columns, Align::left);
        for (std::size_t c = 0; c < columns; ++c) {
            aligns[c] = c == 0 ? Align::left : Align::right;
            if (!table.rows.empty() && c < table.rows.front().size()) {
                aligns[c] = table.rows.front()[c].align;
            }
        }
        // At the usual type size: the widest integer part, fraction part and number of each
        // column.
        std::vector<double> int_usual(columns, 0);
        std::vector<double> frac_usual(columns, 0);
        std::vector<double> number_usual(columns, 0);
        auto numeric = [](const Cell& cell) {
            return !cell.missing && std::any_of(cell.text.begin(), cell.text.end(),
                                                [](char ch) { return ch >= '0' && ch <= '9'; });
        };
        // Decimal columns: the widest integer and fraction parts of each column, measured once
        // per cell; right-aligned text then moves left by the fraction room it does not use.
        // Not in a compact table: its columns hold a row's indicator each, in many units, and
        // its numbers are right-aligned (an integer lined up with the separators of another
        // indicator's amounts stands alone in the middle of its column).
        auto& fraction_width = plan.fraction_width;
        for (std::size_t r = 0; !table.compact && r < table.rows.size(); ++r) {
            const auto& row = table.rows[r];
            for (std::size_t c = 0; c < columns && c < row.size(); ++c) {
                // A number with more after it ("110.5% (105.5%-116.6%)") is right-aligned and
                // sized by its words (fit_content), not aligned on its last fraction.
                if (row[c].align != Align::decimal || !numeric(row[c]) ||
                    row[c].text.find(' ') != std::string::npos) {
                    continue;
                }
                const auto [whole, fraction] = split_decimal(row[c].text, decimal_);
                const double fw = fraction.empty() ? 0 : set(fraction, style(cell_size))->width;
                const double iw = set(whole, style(cell_size))->width;
                int_usual[c] = std::max(int_usual[c], iw);
                frac_usual[c] = std::max(frac_usual[c], fw);
                number_usual[c] = std::max(number_usual[c], iw + fw);
                fraction_width[{r, c}] = fw;
            }
        }
        // The usual sizes, else smaller ones; at the smallest, what can be whole. The numbers
        // were measured at the usual size; their widths are scaled.
        std::vector<double>& int_width = plan.int_width;
        std::vector<double>& frac_width = plan.frac_width;
        std::vector<double> number_width(columns, 0); ///< the widest number, whole + fraction
        int_width.assign(columns, 0);
        frac_width.assign(columns, 0);
        const std::vector<ColumnTexts> texts = column_texts(table, columns);
        t.crowded = true;
        std::vector<double> aligned;
        std::vector<double> whole;
        const std::vector<double> planned = t.widths;
        auto try_scale = [&](double scale, bool* one_line) {
            t.type = TableType{}.scaled(scale);
            plan.scale = scale;
            for (std::size_t c = 0; c < columns; ++c) {
                int_width[c] = int_usual[c] * scale;
                frac_width[c] = frac_usual[c] * scale;
                number_width[c] = number_usual[c] * scale;
            }
            number_needs(texts, int_width, frac_width, number_width, t.type, aligned, whole);
            t.widths = planned;
            return fit_content(texts, aligned, whole, number_width, t.type, t, one_line);
        };
        // A compact table is set at the largest size at which each of its texts takes one
        // line; failing that, at the smallest that fits (the fewest lines). Its numbers are
        // right-aligned (above), so none of its minimums is a decimal alignment's.
        std::optional<double> fitting;
        for (const double scale : table_scales) {
            bool one_line = false;
            if (try_scale(scale, table.compact ? &one_line : nullptr)) {
                if (!table.compact || one_line) {
                    t.crowded = false;
                    break;
                }
                fitting = scale;
            }
        }
        if (t.crowded && fitting) {
            try_scale(*fitting, nullptr);
            t.crowded = false;
        }
        if (t.crowded) {
            fit_words(table, aligned, whole, t.type, t);
        }
        for (std::size_t c = 0; c < columns; ++c) {
            Cell cell;
            cell.text = c < table.header.size() ? table.header[c] : std::string();
            const double inner = t.widths[c] - 2 * cell_pad;
            t.header.cells.push_back(
                cell_box(cell, inner, true, t.rtl, 0, column_halign(aligns[c], t.rtl), t.type));
        }
        finish_row(t.header);
        t.rows.resize(table.rows.size());
        t.caption_text = table.caption + marker_preview(table.footnotes.size());
        t.caption = set(t.caption_text, style(9.5, true, cw));
        t.continued = set(table.caption + " " + doc_.info.labels.continued, style(9.5, true, cw));
        return t;
    }

    /// Draws lines of each cell from `starts`, as many as fit in `avail` (inner height).
    /// Returns the height of the piece; advances `starts`.
    double row_piece(const TableSetup& t, const Row& row, std::vector<std::size_t>& starts,
                     double avail, bool header, bool shaded, bool force) {
        const double top = y_;
        double used = 0;
        std::vector<std::pair<std::size_t, std::size_t>> ranges;
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const auto& lines = row.cells[c].lines;
            std::size_t from = starts[c];
            std::size_t to = from;
            const double base = from < lines.size() ? lines[from].top : 0;
            while (to < lines.size() && lines[to].bottom - base <= avail) {
                ++to;
            }
            if (force && to == from && from < lines.size()) {
                to = from + 1;
            }
            if (to > from) {
                used = std::max(used, lines[to - 1].bottom - base);
            }
            ranges.emplace_back(from, to);
        }
        const double height = used + 2 * cell_pad;
        if (header || shaded) {
            rect_op(g_.left, top, g_.content_width(), height,
                    header ? header_fill : Colour{0.97, 0.97, 0.97});
        }
        tag_begin("TR");
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const auto& cell = row.cells[c];
            const auto [from, to] = ranges[c];
            tag_begin(header ? "TH" : "TD");
            double x = t.xs[c] + cell_pad;
            if (!cell.status.empty()) {
                const double sx = t.rtl ? t.xs[c] + t.widths[c] - cell_pad - 6 : x;
                if (from == 0) {
                    rect_op(sx, top + cell_pad + 1.5, 6, 6, status_colour(cell.status));
                }
                if (!t.rtl) {
                    x += status_room;
                }
            }
            const double base = from < cell.lines.size() ? cell.lines[from].top : 0;
            for (std::size_t i = from; i < to; ++i) {
                const CellLine& line = cell.lines[i];
                const double ly = top + cell_pad + line.top - base;
                uses(*line.laid);
                op([line, x, ly](cairo_t* cr) {
                    draw_lines(cr, *line.laid, line.index, line.index + 1, x + line.dx, ly,
                               line.colour);
                });
            }
            tag_end(header ? "TH" : "TD");
            starts[c] = to;
        }
        tag_end("TR");
        y_ += height;
        hline_op(g_.left, g_.content_right(), y_, header ? 0.8 : 0.25, header ? ink : rule);
        return height;
    }

    static bool row_done(const Row& row, const std::vector<std::size_t>& starts) {
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            if (starts[c] < row.cells[c].lines.size()) {
                return false;
            }
        }
        return true;
    }

    void whole_row(const TableSetup& t, const Row& row, bool header, bool shaded) {
        std::vector<std::size_t> starts(row.cells.size(), 0);
        row_piece(t, row, starts, 1e9, header, shaded, true);
    }

    void continue_table(const TableSetup& t) {
        tag_end("Table");
        new_page();
        tag_begin("Table");
        text_op(t.continued, g_.left, y_, muted);
        y_ += t.continued->height + 4;
        hline_op(g_.left, g_.content_right(), y_, 0.8, ink);
        whole_row(t, t.header, true, false);
    }

    void add(const Table& table) {
        if (!table.in_pdf) {
            return;
        }
        const TableSetup& t = table_setup(table);
        PendingNotes notes = prepare_notes(table.footnotes);
        const double first_row = t.rows.empty() ? 0 : std::min(t.rows.front().height, 60.0);
        const double start = t.caption->height + 4 + t.header.height + first_row;
        ensure(start + notes_extra(notes));
        if (y_ + start > bottom() - notes_extra(notes) && !at_top()) {
            new_page();
        }
        if (!at_top()) {
            y_ += 4;
        }
        if (!table.id.empty() && ids_.insert(table.id).second) {
            dest(table.id, g_.left, y_);
        }
        tag_begin("Table");
        tag_begin("Caption");
        text_op(t.caption, g_.left, y_, ink);
        tag_end("Caption");
        marker_link(t.caption, t.caption_text, notes, g_.left, y_);
        commit_notes(notes);
        y_ += t.caption->height + 4;
        hline_op(g_.left, g_.content_right(), y_, 0.8, ink);
        whole_row(t, t.header, true, false);
        const double fresh =
            g_.content_bottom() - g_.top - t.continued->height - 4 - t.header.height;
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            const Row& row = t.rows[r];
            const bool shaded = r % 2 == 1;
            if (y_ + row.height <= bottom()) {
                whole_row(t, row, false, shaded);
                continue;
            }
            if (row.height <= fresh) {
                continue_table(t);
                whole_row(t, row, false, shaded);
                continue;
            }
            // Taller than a page: split the cells by lines.
            std::vector<std::size_t> starts(row.cells.size(), 0);
            bool fresh_page = false;
            while (!row_done(row, starts)) {
                const double avail = bottom() - y_ - 2 * cell_pad;
                if (avail < 14 && !fresh_page) {
                    continue_table(t);
                    fresh_page = true;
                    continue;
                }
                row_piece(t, row, starts, avail, false, shaded, fresh_page);
                if (!row_done(row, starts)) {
                    continue_table(t);
                    fresh_page = true;
                }
            }
        }
        tag_end("Table");
        if (!table.note.empty()) {
            const auto note = set(table.note, style(7.5, false, g_.content_width()));
            ensure(note->height + 4);
            y_ += 4;
            tag_begin("P");
            text_op(note, g_.left, y_, muted);
            tag_end("P");
            y_ += note->height;
        }
        y_ += 12;
    }

    // -- Figures -----------------------------------------------------------------------------

    double figure_height(const Figure& figure) {
        const auto caption = set(figure.caption, style(9.5, true, g_.content_width()));
        double h = caption->height + 6 + figure.height;
        if (!figure.note.empty()) {
            h += 4 + set(figure.note, style(7.5, false, g_.content_width()))->height;
        }
        return h;
    }

    void add(const Figure& figure) {
        const double cw = g_.content_width();
        PendingNotes notes = prepare_notes(figure.footnotes);
        const std::string caption_text = figure.caption + notes.markers;
        const auto caption = set(caption_text, style(9.5, true, cw));
        const auto note = figure.note.empty() ? nullptr : set(figure.note, style(7.5, false, cw));
        const double height = caption->height + 6 + figure.height + (note ? 4 + note->height : 0.0);
        ensure(height + notes_extra(notes));
        if (y_ + height > bottom() - notes_extra(notes) && !at_top()) {
            new_page();
        }
        if (!at_top()) {
            y_ += 4;
        }
        if (!figure.id.empty() && ids_.insert(figure.id).second) {
            dest(figure.id, g_.left, y_);
        }
        tag_begin("Figure");
        text_op(caption, g_.left, y_, ink);
        marker_link(caption, caption_text, notes, g_.left, y_);
        commit_notes(notes);
        y_ += caption->height + 6;
        const charts::Box box{g_.left, y_, cw, figure.height};
        charts::ChartSpec spec = figure.chart;
        spec.title.clear(); // the caption above already says it
        charts::Theme theme;
        theme.font_family = rc_.family;
        op(
            [box, spec, theme](cairo_t* cr) {
                cairo_save(cr);
                charts::draw_chart(cr, box, spec, theme);
                cairo_restore(cr);
            },
            figure_weight);
        tag_end("Figure");
        y_ += figure.height;
        if (note) {
            y_ += 4;
            text_op(note, g_.left, y_, muted);
            y_ += note->height;
        }
        y_ += 14;
    }

    // -- Key figures -------------------------------------------------------------------------

    void add(const KeyFigures& block) {
        if (block.items.empty()) {
            return;
        }
        const double cw = g_.content_width();
        const std::size_t count = block.items.size();
        const std::size_t per_row = count > 4 ? (count + 1) / 2 : count;
        const double gap = 8;
        const double box_width =
            (cw - gap * static_cast<double>(per_row - 1)) / static_cast<double>(per_row);
        const double inner = box_width - 12;
        struct Item {
            LaidPtr value, label, detail;
            std::string status;
            double height = 0;
        };
        std::vector<Item> items;
        for (const auto& k : block.items) {
            Item item;
            const double value_width = k.status.empty() ? inner : inner - 10;
            item.value = set(k.value, style(16, true, std::max(value_width, 10.0)));
            item.label = set(k.label, style(8, false, inner));
            item.detail = k.detail.empty() ? nullptr : set(k.detail, style(7.5, false, inner));
            item.status = k.status;
            item.height = 12 + item.value->height + 2 + item.label->height +
                          (item.detail ? 2 + item.detail->height : 0.0);
            items.push_back(std::move(item));
        }
        const auto title = block.title.empty() ? nullptr : set(block.title, style(9.5, true, cw));
        const auto note = block.note.empty() ? nullptr : set(block.note, style(7.5, false, cw));
        double total = title ? title->height + 6 : 0.0;
        std::vector<double> row_heights;
        for (std::size_t first = 0; first < count; first += per_row) {
            double h = 0;
            for (std::size_t i = first; i < std::min(count, first + per_row); ++i) {
                h = std::max(h, items[i].height);
            }
            row_heights.push_back(h);
            total += h + gap;
        }
        total += note ? note->height + 4 : 0.0;
        ensure(std::min(total, g_.content_bottom() - g_.top));
        if (!at_top()) {
            y_ += 4;
        }
        tag_begin("Div");
        if (title) {
            text_op(title, g_.left, y_, ink);
            y_ += title->height + 6;
        }
        for (std::size_t r = 0; r < row_heights.size(); ++r) {
            const double h = row_heights[r];
            ensure(h);
            const double top = y_;
            for (std::size_t k = 0; k < per_row && r * per_row + k < count; ++k) {
                const Item& item = items[r * per_row + k];
                const double x = g_.left + static_cast<double>(k) * (box_width + gap);
                rect_op(x, top, box_width, h, box_fill);
                double ty = top + 6;
                tag_begin("P");
                text_op(item.value, x + 6, ty, ilo_blue);
                if (!item.status.empty()) {
                    rect_op(x + box_width - 6 - 7, ty + 5, 7, 7, status_colour(item.status));
                }
                ty += item.value->height + 2;
                text_op(item.label, x + 6, ty, ink);
                ty += item.label->height + 2;
                if (item.detail) {
                    text_op(item.detail, x + 6, ty, muted);
                }
                tag_end("P");
            }
            y_ += h + gap;
        }
        if (note) {
            tag_begin("P");
            text_op(note, g_.left, y_, muted);
            tag_end("P");
            y_ += note->height + 4;
        }
        tag_end("Div");
        y_ += 8;
    }

    void add(const PageBreak&) {
        force_new_page_ = true;
    }
    void add(const Heading&) {}
    void add(const Contents&) {}

    const Document& doc_;
    Geometry g_;
    RenderContext& rc_;
    const std::vector<std::string>& toc_labels_;
    std::string decimal_ = ".";
    std::vector<Page> pages_;
    std::vector<HeadingPlace> headings_;
    std::set<std::string> ids_;      ///< destination names in use
    std::vector<OpenTag> open_tags_; ///< structure tags begun and not yet ended
    std::size_t front_pages_ = 0;
    std::size_t contents_blocks_ = 0; ///< Contents blocks laid out
    int footnote_counter_ = 0;
    double y_ = 0;
    bool force_new_page_ = false;
};

struct CairoDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};

/// The table cells from which a document's layout gets a helper (PdfOptions::layout_helper):
/// below, its start (a Pango font map of its own) costs more than it could set up.
constexpr std::size_t layout_helper_cells = 2000;

cairo_status_t render_once(const Document& doc, CheckedOutput& file, const PdfOptions& options,
                           bool tags);

/// Renders once to `path`; returns the first error status, or success, and in `os_error` the
/// operating system's reason for a write error.
cairo_status_t render_once(const Document& doc, const std::string& path, const PdfOptions& options,
                           bool tags, std::string& os_error) {
    CheckedOutput file(path);
    cairo_status_t status = render_once(doc, file, options, tags);
    if (!file.close() && status == CAIRO_STATUS_SUCCESS) {
        status = CAIRO_STATUS_WRITE_ERROR;
    }
    os_error = file.error();
    return status;
}

/// The cells of the tables a PDF shows.
std::size_t pdf_table_cells(const Document& doc) {
    std::size_t cells = 0;
    for (const auto& block : doc.blocks) {
        if (const auto* table = std::get_if<Table>(&block); table != nullptr && table->in_pdf) {
            for (const auto& row : table->rows) {
                cells += row.size();
            }
        }
    }
    return cells;
}

cairo_status_t discard_output(void* /*closure*/, const unsigned char* /*data*/,
                              unsigned int /*length*/) {
    return CAIRO_STATUS_SUCCESS;
}

/// The fonts a Governing Body report's layout sets text in (Typesetter::set: size, bold), and
/// those of its charts (charts::Theme's sizes; axis titles turned a quarter). A font outside
/// these is loaded where it is first used, as any font was before: only time is at stake.
std::vector<WarmFont> layout_fonts() {
    std::vector<WarmFont> fonts{{subtext_size, false},
                                {header_size, false},
                                {header_size, true},
                                {cell_size, false},
                                {9, false},
                                {9, true},
                                {9.5, false},
                                {9.5, true},
                                {10, false},
                                {11, false},
                                {11, true},
                                {12, true},
                                {16, true},
                                {17, true}};
    const charts::Theme theme;
    for (const WarmFont font :
         {WarmFont{theme.title_size, true}, WarmFont{theme.label_size, false},
          WarmFont{theme.label_size, true}, WarmFont{theme.label_size, false, true},
          WarmFont{theme.label_size * 0.9, false}, WarmFont{theme.note_size, false}}) {
        fonts.push_back(font);
    }
    return fonts;
}

/// Font maps made ready on another thread for the next render (warm_pdf_renderer): a Pango
/// font map per thread of the render (its own and its layout helper's), in which every font of
/// layout_fonts() is loaded, with its fontconfig patterns and its metrics, for a PDF surface's
/// font options. Loading a font took 2-3 ms (fontconfig threads, metrics under
/// charts::layout_mutex), 50-70 ms for a Governing Body report, most of it on the layout's
/// critical path while the render's two threads took turns at the lock. A map is used by one
/// thread at a time: the warm-up's until it is joined, then the render's that takes it.
class ReadyFontMaps {
public:
    static ReadyFontMaps& get() {
        static ReadyFontMaps maps;
        return maps;
    }
    /// Keeps `map` (a reference is taken over) for the next `helper` or render thread in
    /// `family`, in place of any kept before.
    void keep(bool helper, const std::string& family, PangoFontMap* map) {
        const std::lock_guard<std::mutex> lock(mutex_);
        Slot& slot = helper ? helper_ : render_;
        if (slot.map != nullptr) {
            g_object_unref(slot.map);
        }
        slot = {family, map};
    }
    /// How many maps are kept (0-2).
    std::size_t waiting() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return (render_.map != nullptr ? 1U : 0U) + (helper_.map != nullptr ? 1U : 0U);
    }
    /// The map kept for a `helper` or render thread in `family` (the caller's reference), or
    /// null.
    PangoFontMap* take(bool helper, const std::string& family) {
        const std::lock_guard<std::mutex> lock(mutex_);
        Slot& slot = helper ? helper_ : render_;
        if (slot.map == nullptr || slot.family != family) {
            return nullptr;
        }
        return std::exchange(slot.map, nullptr);
    }

private:
    struct Slot {
        std::string family;
        PangoFontMap* map = nullptr;
    };
    std::mutex mutex_;
    Slot render_;
    Slot helper_;
};

/// A new font map with `fonts` of `family` loaded for `language` on a PDF surface, as
/// Typesetter and charts::make_text load them: a context from a PDF cairo_t (turned for a
/// turned font), the font's fontset (a line laid out in it) and its metrics, under
/// charts::layout_mutex for Pango's metrics race. Null if cairo fails.
PangoFontMap* ready_font_map(const std::string& family, const std::vector<WarmFont>& fonts) {
    const std::unique_ptr<cairo_surface_t, CairoDeleter> scratch(
        cairo_pdf_surface_create_for_stream(discard_output, nullptr, 595, 842));
    const std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(scratch.get()));
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
        return nullptr;
    }
    PangoFontMap* map = pango_cairo_font_map_new();
    for (const WarmFont& font : fonts) {
        cairo_identity_matrix(cr.get());
        if (font.turned) {
            cairo_rotate(cr.get(), -std::numbers::pi / 2);
        }
        const std::unique_ptr<PangoContext, GObjectDeleter> context(
            pango_font_map_create_context(map));
        pango_cairo_update_context(cr.get(), context.get());
        const FontDescriptionPtr description = font_description(family, font.size, font.bold);
        const std::lock_guard<std::mutex> lock(charts::layout_mutex());
        const std::unique_ptr<PangoFont, GObjectDeleter> loaded(
            pango_context_load_font(context.get(), description.get()));
        if (loaded) {
            pango_font_metrics_unref(
                pango_font_get_metrics(loaded.get(), pango_context_get_language(context.get())));
        }
        const std::unique_ptr<PangoLayout, GObjectDeleter> layout(pango_layout_new(context.get()));
        pango_layout_set_font_description(layout.get(), description.get());
        pango_layout_set_text(layout.get(), "Ag 0123456789", -1);
        int width = 0;
        int height = 0;
        pango_layout_get_size(layout.get(), &width, &height);
    }
    return map;
}

/// Makes the font map kept for this `helper` or render thread (ReadyFontMaps) its default, if
/// there is one and the thread has not laid out text for a PDF yet (its contexts and warmed
/// fonts belong to the map it has).
void adopt_ready_font_map(bool helper, const std::string& family) {
    if (TypesetterState::of_this_thread().ltr != nullptr) {
        return;
    }
    PangoFontMap* map = ReadyFontMaps::get().take(helper, family);
    if (map == nullptr) {
        return;
    }
    charts::forget_warmed_fonts();
    pango_cairo_font_map_set_default(PANGO_CAIRO_FONT_MAP(map));
    g_object_unref(map);
}

/// The helper of a layout (PdfOptions::layout_helper): sets up the document's tables, largest
/// first (Layout::set_up_tables), with this thread's own Pango contexts, made for a PDF surface
/// of the same page size, whose font options are the render's.
void help_lay_out_tables(const Document& doc, const Geometry& g, const std::string& family,
                         bool tags, bool compose, TableShare& share) noexcept {
    try {
        adopt_ready_font_map(/*helper=*/true, family);
        const std::unique_ptr<cairo_surface_t, CairoDeleter> scratch(
            cairo_pdf_surface_create_for_stream(discard_output, nullptr, g.width, g.height));
        const std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(scratch.get()));
        if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
            return;
        }
        Typesetter ts(cr.get(), family, compose);
        RenderContext rc{ts, family, tags};
        const std::vector<std::string> no_labels;
        const Layout helper(doc, g, rc, no_labels);
        helper.set_up_tables(share);
    } catch (...) {
        // The layout sets up whatever the helper did not.
        share.abandon();
    }
}

/// What drawing the pages needs once the document is laid out: the pages, their footers and
/// the running header, all made on the rendering thread.
struct LaidOutDocument {
    const Geometry& g;
    std::vector<Page>& pages;
    std::size_t front = 0;
    std::vector<LaidPtr> footers; ///< by page
    LaidPtr header;               ///< the document's symbol, on every page but the first
    const std::vector<HeadingPlace>& headings;
    bool tags = true;
};

void set_metadata(cairo_surface_t* pdf, const Document& doc, const PdfOptions& options) {
    cairo_pdf_surface_restrict_to_version(pdf, CAIRO_PDF_VERSION_1_5);
    const std::string date = iso8601_utc(options.timestamp);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, doc.info.title.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR, doc.info.author.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT, doc.info.subject.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_KEYWORDS, doc.info.keywords.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, options.creator.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
}

/// Draws pages [from, to) of `laid` onto `pdf`, a new PDF surface, adds the bookmarks when
/// the pages are the document's first (the merge keeps the first part's), and finishes the
/// surface. Where the pages are a part of the document, the structure tags open at the part's
/// start are begun again and those open at its end are closed (merge_cairo_pdfs joins them).
cairo_status_t draw_pages(cairo_surface_t* pdf, const LaidOutDocument& laid, std::size_t from,
                          std::size_t to) {
    const Geometry& g = laid.g;
    const auto& pages = laid.pages;
    cairo_status_t status = CAIRO_STATUS_SUCCESS;
    {
        const std::unique_ptr<cairo_t, CairoDeleter> context(cairo_create(pdf));
        cairo_t* cr = context.get();
        // A white page under everything. At cairo_show_page, cairo adds every operation's
        // extents to the page's region of native drawing (pixman unions, each as long as the
        // region): pages of table cells made it hundreds of rectangles, 116 M instructions on
        // the Governing Body report. A page-sized first rectangle makes every later union a
        // no-op. Cairo turns it into a paint that starts the page's recording afresh, dropping
        // what was recorded before it on the page: so it comes first on each page, and on the
        // first before the Document tag begins (after it, the tag was lost and cairo refused
        // the structure tags of a Letter-size layout test document). Nothing visible; untagged.
        const auto white_page = [&] {
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_rectangle(cr, 0, 0, g.width, g.height);
            cairo_fill(cr);
        };
        white_page();
        // A second part begins the tags open where it starts, but those its first page ends
        // before drawing anything (the first part ended them); it skips those ends.
        const std::size_t skip = from > 0 ? pages[from].leading_ends : 0;
        if (laid.tags) {
            cairo_tag_begin(cr, "Document", "");
            const auto& open = pages[from].open_tags;
            for (std::size_t t = 0; from > 0 && t + skip < open.size(); ++t) {
                cairo_tag_begin(cr, open[t].name.c_str(), open[t].attributes.c_str());
            }
        }
        for (std::size_t p = from; p < to; ++p) {
            const bool is_front = p < laid.front;
            const std::string label = is_front ? roman(p + 1) : std::to_string(p - laid.front + 1);
            cairo_pdf_surface_set_page_label(pdf, label.c_str());
            if (p > from) {
                white_page();
            }
            const auto& ops = pages[p].ops;
            for (std::size_t o = p == from ? skip : 0; o < ops.size(); ++o) {
                ops[o](cr);
            }
            // Footnotes at the foot of the page, above the footer.
            const Page& page = pages[p];
            if (!page.notes.empty()) {
                double y = g.content_bottom() - page.notes_height + 4;
                hline(cr, g.left, g.left + 60, y, 0.5, rule);
                y += 4;
                for (const auto& note : page.notes) {
                    const std::string attributes =
                        fmt::format("name='fn-{}' x={:.2f} y={:.2f}", note.number, g.left, y);
                    cairo_tag_begin(cr, CAIRO_TAG_DEST, attributes.c_str());
                    cairo_tag_end(cr, CAIRO_TAG_DEST);
                    if (laid.tags) {
                        cairo_tag_begin(cr, "Note", "");
                    }
                    draw_laid(cr, *note.text, g.left, y, ink);
                    if (laid.tags) {
                        cairo_tag_end(cr, "Note");
                    }
                    y += note.text->height + 1.5;
                }
            }
            const Laid& number = *laid.footers[p];
            draw_laid(cr, number, g.left, g.height - 30 - number.height, muted);
            if (p > 0 && laid.header) {
                draw_laid(cr, *laid.header, g.left, 36, muted);
            }
            if (laid.tags && p + 1 == to) {
                if (to < pages.size()) {
                    const auto& open = pages[to].open_tags;
                    for (auto tag = open.rbegin(); tag != open.rend(); ++tag) {
                        cairo_tag_end(cr, tag->name.c_str());
                    }
                }
                cairo_tag_end(cr, "Document");
            }
            cairo_show_page(cr);
        }
        if (from == 0) {
            // Bookmarks, nested by level.
            std::vector<int> parents;
            for (const auto& h : laid.headings) {
                if (!h.in_contents) {
                    continue;
                }
                const auto level = static_cast<std::size_t>(std::max(h.level, 1));
                parents.resize(std::min(parents.size(), level - 1));
                const int parent = parents.empty() ? CAIRO_PDF_OUTLINE_ROOT : parents.back();
                const std::string link = fmt::format("dest='{}'", attr(h.id));
                const int id = cairo_pdf_surface_add_outline(
                    pdf, parent, h.title.c_str(), link.c_str(), CAIRO_PDF_OUTLINE_FLAG_OPEN);
                while (parents.size() < level) {
                    parents.push_back(id);
                }
            }
        }
        status = cairo_status(cr);
    }
    cairo_surface_finish(pdf);
    if (status == CAIRO_STATUS_SUCCESS) {
        status = cairo_surface_status(pdf);
    }
    return status;
}

/// Where a document's pages are split for drawing in two parts (render_once), or 0 to draw
/// them whole: the page that halves their weight, if the document has `split_pages` pages or
/// more (PdfOptions::split_pages) and the second part draws only texts that any thread can
/// draw.
std::size_t split_point(const std::vector<Page>& pages, const std::vector<LaidPtr>& footers,
                        const LaidPtr& header, std::size_t split_pages) {
    if (split_pages == 0 || pages.size() < std::max<std::size_t>(split_pages, 2)) {
        return 0;
    }
    const auto cost = [&pages](std::size_t p) { return pages[p].weight + page_weight; };
    double total = 0;
    for (std::size_t p = 0; p < pages.size(); ++p) {
        total += cost(p);
    }
    std::size_t half = 1;
    double before = cost(0);
    while (half + 1 < pages.size() && before + cost(half) / 2 < total / 2) {
        before += cost(half);
        ++half;
    }
    // The page nearest the half where the parts' structure elements match.
    const auto splits_well = [&pages](std::size_t p) {
        return !pages[p].early_close && !pages[p - 1].ends_with_begin;
    };
    std::size_t split = 0;
    for (std::size_t d = 0; d < pages.size() && split == 0; ++d) {
        if (half + d < pages.size() && splits_well(half + d)) {
            split = half + d;
        } else if (half > d && half - d >= 1 && splits_well(half - d)) {
            split = half - d;
        }
    }
    if (split == 0 || (header && !header->glyphs.drawable())) {
        return 0;
    }
    for (std::size_t p = split; p < pages.size(); ++p) {
        if (pages[p].pango_only || !footers[p]->glyphs.drawable() ||
            std::any_of(pages[p].notes.begin(), pages[p].notes.end(),
                        [](const Note& note) { return !note.text->glyphs.drawable(); })) {
            return 0;
        }
    }
    return split;
}

/// A part of a document drawn in two parts, as cairo writes it: in anonymous memory that
/// grows in place (mremap), so that it takes the pages it fills and no more (a std::string
/// doubles, and copies when it does: the reference-size report's parts and their merged
/// copy had put 10-17 MB on the peak). It asks for huge pages: the resident size then grows
/// by 2 MiB at a time.
class PartBuffer {
public:
    PartBuffer() = default;
    ~PartBuffer() {
        if (data_ != nullptr) {
            ::munmap(data_, capacity_);
        }
    }
    PartBuffer(const PartBuffer&) = delete;
    PartBuffer& operator=(const PartBuffer&) = delete;
    PartBuffer(PartBuffer&&) = delete;
    PartBuffer& operator=(PartBuffer&&) = delete;

    /// False when the memory cannot be had.
    bool append(const unsigned char* data, std::size_t length) {
        if (size_ + length > capacity_) {
            std::size_t wanted = std::max<std::size_t>(capacity_ * 2, std::size_t{1} << 22);
            while (wanted < size_ + length) {
                wanted *= 2;
            }
            void* grown = data_ == nullptr ? ::mmap(nullptr, wanted, PROT_READ | PROT_WRITE,
                                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                           : ::mremap(data_, capacity_, wanted, MREMAP_MAYMOVE);
            if (grown == MAP_FAILED) {
                return false;
            }
            // Huge pages, where the kernel has them to give: a first touch of a small page
            // costs 11 us on our VMs, and the reference-size report's parts fill 1,050 of
            // them on the two output threads (sfp/huge_pages.hpp). A failure leaves small
            // pages.
            ::madvise(grown, wanted, MADV_HUGEPAGE);
            data_ = static_cast<char*>(grown);
            capacity_ = wanted;
        }
        std::memcpy(data_ + size_, data, length);
        size_ += length;
        return true;
    }
    [[nodiscard]] std::string_view view() const { return {data_, size_}; }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

cairo_status_t write_part(void* closure, const unsigned char* data, unsigned int length) {
    return static_cast<PartBuffer*>(closure)->append(data, length) ? CAIRO_STATUS_SUCCESS
                                                                   : CAIRO_STATUS_NO_MEMORY;
}

cairo_status_t render_once(const Document& doc, CheckedOutput& file, const PdfOptions& options,
                           bool tags) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto laid_out = start;
    const Geometry g = geometry_for(doc.info.page_size);
    // A surface for the layout's text (its font options); the pages are drawn onto others.
    std::unique_ptr<cairo_surface_t, CairoDeleter> measure(
        cairo_pdf_surface_create_for_stream(discard_output, nullptr, g.width, g.height));
    if (cairo_surface_status(measure.get()) != CAIRO_STATUS_SUCCESS) {
        return cairo_surface_status(measure.get());
    }

    cairo_status_t status = CAIRO_STATUS_SUCCESS;
    std::size_t helper_tables = 0;
    std::size_t split = 0;
    const std::size_t composed_before = TypesetterState::of_this_thread().composed;
    // A document drawn in two parts: the parts, and their merge into the file. The merge runs
    // on another thread while this one takes the layout down (its pages' texts and drawing
    // operations: 15-20 ms on the reference-size report, after a merge of 13-16 ms).
    PartBuffer first;
    PartBuffer second;
    std::jthread merger;
    bool merged = true;
    std::exception_ptr merge_failure;
    {
        const std::unique_ptr<cairo_t, CairoDeleter> context(cairo_create(measure.get()));
        cairo_t* cr = context.get();
        Typesetter ts(cr, options.font_family, options.compose_figures);
        RenderContext rc{ts, options.font_family, tags};
        // A document with many table cells has its largest tables set up by a helper thread
        // while the layout works from the first (a report rendered alone: the other core is
        // idle).
        TableShare share(tables_of(doc));
        std::jthread helper;
        if (options.layout_helper && pdf_table_cells(doc) >= layout_helper_cells) {
            try {
                helper = std::jthread([&doc, &g, &options, tags, &share] {
                    help_lay_out_tables(doc, g, options.font_family, tags, options.compose_figures,
                                        share);
                    // Its tables set up, this core is free before the layout ends.
                    if (options.core_free) {
                        try {
                            options.core_free();
                        } catch (...) {
                            // The caller's work waits for the layout's end instead.
                        }
                    }
                });
            } catch (const std::system_error&) {
                // No thread to be had: the layout sets up every table.
            }
        }
        const auto make_layout = [&](const std::vector<std::string>& toc_labels) {
            auto made = std::make_unique<Layout>(doc, g, rc, toc_labels);
            made->share_tables(share);
            return made;
        };
        // Lay out until the contents' page labels are those the headings land on. The body does
        // not depend on them (Layout::take_front): once it is laid out, only the front matter is
        // laid out again, unless that changes its number of pages.
        std::vector<std::string> labels;
        auto layout = make_layout(labels);
        layout->run();
        for (int pass = 1; pass < 8 && layout->prints_labels(); ++pass) {
            std::vector<std::string> found = layout->body_labels();
            if (found == labels) {
                break;
            }
            labels = std::move(found);
            const auto front = make_layout(labels);
            front->run(/*front_only=*/true);
            if (layout->take_front(*front)) {
                break;
            }
            layout = make_layout(labels);
            layout->run();
        }
        // Every table is set up by now; the helper's laid-out texts are drawn once it is gone.
        share.stop();
        if (helper.joinable()) {
            helper.join();
        }
        helper_tables = share.helper_tables();
        if (options.times != nullptr) {
            options.times->crowded_tables = layout->crowded_tables();
        }
        auto& pages = layout->pages();
        LaidOutDocument laid{g,   pages, layout->front_pages(), {}, nullptr, layout->headings(),
                             tags};
        // The footers: the page's label, or "page N of M" in the body.
        {
            Style footer;
            footer.size = 8;
            footer.wrap = g.content_width();
            footer.align = HAlign::centre;
            const std::size_t body_pages = pages.size() - laid.front;
            for (std::size_t p = 0; p < pages.size(); ++p) {
                const bool is_front = p < laid.front;
                const std::string label =
                    is_front ? roman(p + 1) : std::to_string(p - laid.front + 1);
                const std::string text =
                    is_front ? label
                             : replace_all(replace_all(doc.info.labels.page_of, "{page}", label),
                                           "{pages}", std::to_string(body_pages));
                laid.footers.push_back(ts.set(text, footer));
            }
            if (!doc.info.symbol.empty()) {
                footer.align = HAlign::right;
                laid.header = ts.set(doc.info.symbol, footer);
            }
        }
        laid_out = Clock::now();
        split = split_point(pages, laid.footers, laid.header, options.split_pages);
        // Drawing the pages takes one core; in two parts, two (when the other is ours).
        const bool second_thread = split > 0 && options.layout_helper;
        if (options.core_free && !second_thread) {
            options.core_free();
        }
        if (split == 0) {
            std::unique_ptr<cairo_surface_t, CairoDeleter> pdf(
                cairo_pdf_surface_create_for_stream(write_checked, &file, g.width, g.height));
            set_metadata(pdf.get(), doc, options);
            status = draw_pages(pdf.get(), laid, 0, pages.size());
        } else {
            // The first part here, the second on the other core (or after it, here), each
            // into memory; then one file of the two.
            cairo_status_t second_status = CAIRO_STATUS_SUCCESS;
            const auto draw_part = [&laid, &doc, &options, &g](PartBuffer& out, std::size_t from,
                                                               std::size_t to) {
                std::unique_ptr<cairo_surface_t, CairoDeleter> pdf(
                    cairo_pdf_surface_create_for_stream(write_part, &out, g.width, g.height));
                set_metadata(pdf.get(), doc, options);
                return draw_pages(pdf.get(), laid, from, to);
            };
            std::exception_ptr second_failure;
            std::jthread other;
            if (second_thread) {
                try {
                    other = std::jthread([&] {
                        try {
                            adopt_ready_font_map(/*helper=*/true, options.font_family);
                            second_status = draw_part(second, split, pages.size());
                        } catch (...) {
                            second_failure = std::current_exception(); // rethrown below
                        }
                    });
                } catch (const std::system_error&) {
                    // No thread to be had: drawn here, below.
                }
            }
            status = draw_part(first, 0, split);
            if (other.joinable()) {
                other.join();
                if (second_failure) {
                    std::rethrow_exception(second_failure);
                }
            } else {
                second_status = draw_part(second, split, pages.size());
            }
            if (status == CAIRO_STATUS_SUCCESS) {
                status = second_status;
            }
            if (status == CAIRO_STATUS_SUCCESS) {
                const std::size_t open = pages[split].open_tags.size() - pages[split].leading_ends;
                const auto merge = [&first, &second, open, &file, &merged, &merge_failure] {
                    try {
                        std::string error;
                        merged = detail::merge_cairo_pdfs(
                            first.view(), second.view(), open,
                            [&file](std::string_view piece) {
                                file.write(piece.data(), piece.size());
                            },
                            error);
                    } catch (...) {
                        merge_failure = std::current_exception(); // rethrown below
                    }
                };
                try {
                    merger = std::jthread(merge);
                } catch (const std::system_error&) {
                    merge(); // no thread to be had
                }
            }
        }
    } // the layout is taken down here, while the parts merge
    if (merger.joinable()) {
        merger.join();
    }
    if (merge_failure) {
        std::rethrow_exception(merge_failure);
    }
    if (!merged && file.rewind()) {
        // Not as expected of cairo: the document is laid out again and drawn whole instead.
        PdfOptions whole = options;
        whole.split_pages = 0;
        return render_once(doc, file, whole, tags);
    }
    if (options.times != nullptr) {
        const auto end = Clock::now();
        options.times->layout += std::chrono::duration<double>(laid_out - start).count();
        options.times->output += std::chrono::duration<double>(end - laid_out).count();
        options.times->helper_tables += helper_tables;
        options.times->split_page = split;
        options.times->composed_texts +=
            TypesetterState::of_this_thread().composed - composed_before;
    }
    return status;
}

/// Checks that `family` gives real glyphs. With no font installed, or FONTCONFIG_FILE naming a
/// configuration without fonts, Pango draws every character as a hex box and the PDF would
/// look written: that is an error. Another family standing in for a missing one is a warning.
/// `family` at 10 points from this thread's font map (null when fontconfig has nothing at
/// all). The caller holds charts::layout_mutex().
std::unique_ptr<PangoFont, GObjectDeleter> load_font(const std::string& family) {
    const std::unique_ptr<PangoContext, GObjectDeleter> context(
        pango_font_map_create_context(pango_cairo_font_map_get_default()));
    const std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> wanted(
        pango_font_description_new(), &pango_font_description_free);
    pango_font_description_set_family(wanted.get(), family.c_str());
    pango_font_description_set_size(wanted.get(), 10 * PANGO_SCALE);
    return std::unique_ptr<PangoFont, GObjectDeleter>(
        pango_context_load_font(context.get(), wanted.get()));
}

bool check_font(const std::string& family, const std::string& path, Diagnostics& diagnostics) {
    const std::lock_guard<std::mutex> lock(charts::layout_mutex());
    const auto font = load_font(family);
    if (!font || !pango_font_has_char(font.get(), 'a') || !pango_font_has_char(font.get(), '0')) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot write PDF: no font to draw text with (fontconfig "
                                      "has no font for '{}')",
                                      family),
                          "install fonts-dejavu-core, or check FONTCONFIG_FILE");
        return false;
    }
    const std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> got(
        pango_font_describe(font.get()), &pango_font_description_free);
    const char* got_family = pango_font_description_get_family(got.get());
    if (got_family != nullptr && g_ascii_strcasecmp(got_family, family.c_str()) != 0) {
        diagnostics.warning({path, 0, 0},
                            fmt::format("font '{}' is not installed: the PDF uses '{}' instead",
                                        family, got_family),
                            "install fonts-dejavu-core for the documented look");
    }
    return true;
}

} // namespace

void warm_pdf_renderer(const std::string& font_family, const std::string& language) {
    const Hyphenator patterns(language); // loaded once per process, kept for every thread
    for (const bool helper : {false, true}) {
        if (PangoFontMap* map =
                ready_font_map(font_family, helper ? helper_fonts() : layout_fonts())) {
            ReadyFontMaps::get().keep(helper, font_family, map);
        }
    }
}

std::size_t pdf_font_maps_waiting() {
    return ReadyFontMaps::get().waiting();
}

std::size_t pdf_texts_laid_out_on_this_thread() {
    return TypesetterState::of_this_thread().laid_out;
}

bool render_pdf(const Document& doc, const std::string& path, const PdfOptions& given,
                Diagnostics& diagnostics) {
    detail::link_number_printing(); // cairo's numbers printed fast (sfp/number_printing.hpp)
    detail::link_pdf_deflate();     // cairo's streams compressed fast (sfp/pdf_deflate.hpp)
    detail::link_font_sort();       // Pango's font sorts shared between sizes (sfp/font_sort.hpp)
    PdfTimes own_times;
    PdfOptions options = given;
    if (options.times == nullptr) {
        options.times = &own_times;
    }
    *options.times = {};
    adopt_ready_font_map(/*helper=*/false, options.font_family);
    if (!check_font(options.font_family, path, diagnostics)) {
        return false;
    }
    PendingFile pending(path);
    if (!pending.created(diagnostics)) {
        return false;
    }
    std::string os_error;
    cairo_status_t status = render_once(doc, pending.temp_path(), options, true, os_error);
    if (status == CAIRO_STATUS_TAG_ERROR) {
        // A tag combination cairo refuses: write the document without structure tags.
        status = render_once(doc, pending.temp_path(), options, false, os_error);
    }
    if (status != CAIRO_STATUS_SUCCESS) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot write PDF: {}", os_error.empty()
                                                                  ? cairo_status_to_string(status)
                                                                  : os_error));
        return false;
    }
    for (const auto& caption : options.times->crowded_tables) {
        diagnostics.warning(
            {path, 0, 0},
            fmt::format("'{}' has more columns than the page holds: some of its numbers or words "
                        "are broken across lines",
                        caption),
            "give the table fewer columns (for a table of years, `years = N` in its template "
            "block; the workbook has every column)");
    }
    return pending.commit(diagnostics);
}

cairo_status_t write_checked(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<CheckedOutput*>(closure)->write(data, length);
    return CAIRO_STATUS_SUCCESS;
}

} // namespace sfp
