#include "sfp/render_pdf.hpp"

#include "charts/draw.hpp"
#include "charts/text.hpp"
#include "sfp/output.hpp"

#include <cairo-pdf.h>
#include <ctime>
#include <fmt/format.h>
#include <functional>

namespace sfp {

std::string iso8601_utc(std::int64_t timestamp) {
    const auto seconds = static_cast<std::time_t>(timestamp);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                       utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

namespace {

// A4 in points, and the type area.
constexpr double page_width = 595.276;
constexpr double page_height = 841.890;
constexpr double margin_left = 62;
constexpr double margin_right = 62;
constexpr double margin_top = 68;
constexpr double margin_bottom = 64;
constexpr double content_width = page_width - margin_left - margin_right;
constexpr double content_bottom = page_height - margin_bottom;
constexpr double paragraph_indent = 28; // room for the paragraph number

struct Colour {
    double r, g, b;
};
constexpr Colour ink{0.1, 0.1, 0.1};
constexpr Colour muted{0.38, 0.38, 0.38};
constexpr Colour rule{0.55, 0.55, 0.55};
constexpr Colour header_fill{0.90, 0.92, 0.95};

/// The colour of a target status (the same as the charts'); the word is always printed too.
Colour status_colour(const std::string& status) {
    if (status == "on-track") {
        return {0.000, 0.620, 0.451};
    }
    if (status == "at-risk") {
        return {0.902, 0.624, 0.000};
    }
    if (status == "off-track") {
        return {0.835, 0.369, 0.000};
    }
    return {0.6, 0.6, 0.6};
}
constexpr Colour ilo_blue{0.118, 0.176, 0.745};

using DrawOp = std::function<void(cairo_t*)>;

struct Page {
    std::vector<DrawOp> ops;
};

struct OutlineEntry {
    std::string title;
    std::size_t page = 0; ///< 1-based
    double y = 0;
};

struct CairoDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};

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

/// Lays blocks out top to bottom, page by page. Measuring uses the real PDF context, so what
/// is measured is what is drawn. Each page is a list of draw operations, run after layout,
/// when the page count is known (for "page X of Y").
class Layout {
public:
    Layout(cairo_t* cr, std::string family) : cr_(cr), family_(std::move(family)) {}

    void cover(const DocumentInfo& info) {
        new_page();
        charts::TextStyle small = style(9);
        small.align = charts::TextAlign::right;
        small.wrap_width = content_width;
        place_text(info.symbol, small, ink, margin_left, y_);
        y_ += 16;
        for (const auto& line : info.cover) {
            if (line.label == "Governing Body" || line.label == "Session") {
                place_text(line.value, small, ink, margin_left, y_);
                y_ += 13;
            }
        }
        y_ += 10;
        hline_op(margin_left, page_width - margin_right, y_, 1.2, ilo_blue);
        y_ += 14;
        charts::TextStyle title = style(17, true);
        title.wrap_width = content_width;
        y_ += place_text(info.title, title, ilo_blue, margin_left, y_) + 6;
        if (!info.subtitle.empty()) {
            charts::TextStyle subtitle = style(11);
            subtitle.wrap_width = content_width;
            y_ += place_text(info.subtitle, subtitle, ink, margin_left, y_) + 4;
        }
        y_ += 10;
        // The GB cover block: label and value in two columns.
        const double label_width = 150;
        for (const auto& line : info.cover) {
            if (line.label == "Governing Body" || line.label == "Session") {
                continue;
            }
            charts::TextStyle label = style(9, true);
            label.wrap_width = label_width - 8;
            charts::TextStyle value = style(9);
            value.wrap_width = content_width - label_width;
            const double h1 = measure(line.label, label);
            const double h2 = measure(line.value, value);
            place_text(line.label, label, ink, margin_left, y_);
            place_text(line.value, value, ink, margin_left + label_width, y_);
            y_ += std::max(h1, h2) + 5;
        }
        y_ += 4;
        charts::TextStyle date = style(9);
        place_text("Date: " + info.date_text, date, ink, margin_left, y_);
        y_ += 22;
        if (!info.summary.empty()) {
            hline_op(margin_left, page_width - margin_right, y_, 0.6, rule);
            y_ += 8;
            y_ += place_text("Summary", style(11, true), ink, margin_left, y_) + 4;
            charts::TextStyle body = style(10);
            body.wrap_width = content_width;
            body.align = charts::TextAlign::justify;
            y_ += place_text(info.summary, body, ink, margin_left, y_) + 6;
            hline_op(margin_left, page_width - margin_right, y_, 0.6, rule);
        }
        force_new_page_ = true;
    }

    void block(const Block& block) {
        std::visit([this](const auto& b) { add(b); }, block);
    }

    std::vector<Page>& pages() { return pages_; }
    const std::vector<OutlineEntry>& outline() const { return outline_; }

private:
    charts::TextStyle style(double size, bool bold = false) const {
        charts::TextStyle s;
        s.family = family_;
        s.size = size;
        s.bold = bold;
        return s;
    }

    double measure(const std::string& text, const charts::TextStyle& text_style) const {
        return charts::make_text(cr_, text, text_style).height;
    }

    /// Queues `text` for drawing at (x, y) on the current page; returns its height.
    double place_text(const std::string& text, const charts::TextStyle& text_style, Colour colour,
                      double x, double y) {
        const double height = measure(text, text_style);
        current().ops.push_back([text, text_style, colour, x, y](cairo_t* cr) {
            const charts::Text laid = charts::make_text(cr, text, text_style);
            charts::show_text(cr, laid, x, y, colour.r, colour.g, colour.b);
        });
        return height;
    }

    void hline_op(double x0, double x1, double y, double width, Colour colour) {
        current().ops.push_back([=](cairo_t* cr) { hline(cr, x0, x1, y, width, colour); });
    }

    Page& current() { return pages_.back(); }

    void new_page() {
        pages_.emplace_back();
        y_ = margin_top;
        force_new_page_ = false;
    }

    /// Makes sure `height` points fit below the current position, starting a page if not.
    void ensure(double height) {
        if (pages_.empty() || force_new_page_ ||
            (y_ + height > content_bottom && y_ > margin_top)) {
            new_page();
        }
    }

    void add(const PageBreak&) { force_new_page_ = true; }
    void add(const KeyFigures&) {} // TODO(issue 6): the layout engine draws these
    void add(const Contents&) {}

    void add(const Heading& heading) {
        charts::TextStyle text_style = style(12, true);
        text_style.wrap_width = content_width;
        const std::string title =
            heading.number.empty() ? heading.text : heading.number + ". " + heading.text;
        const double height = measure(title, text_style);
        ensure(height + 80); // keep with the next block's first lines
        y_ += y_ > margin_top ? 10 : 0;
        outline_.push_back({title, pages_.size(), y_});
        y_ += place_text(title, text_style, ilo_blue, margin_left, y_) + 8;
    }

    void add(const Paragraph& paragraph) {
        charts::TextStyle body = style(10);
        body.wrap_width = content_width - paragraph_indent;
        body.align = charts::TextAlign::justify;
        body.line_spacing = 1.15;
        const charts::Text laid = charts::make_text(cr_, paragraph.text, body);
        // Split by lines: at least two lines at the bottom of a page (orphan) and at the top
        // of the next (widow).
        PangoLayout* layout = laid.layout.get();
        const int line_count = pango_layout_get_line_count(layout);
        std::vector<std::pair<double, double>> lines; // top, bottom of each line
        PangoLayoutIter* iter = pango_layout_get_iter(layout);
        do {
            int top = 0;
            int bottom = 0;
            pango_layout_iter_get_line_yrange(iter, &top, &bottom);
            lines.emplace_back(static_cast<double>(top) / PANGO_SCALE,
                               static_cast<double>(bottom) / PANGO_SCALE);
        } while (pango_layout_iter_next_line(iter));
        pango_layout_iter_free(iter);

        int first = 0;
        bool numbered = paragraph.number > 0;
        ensure(std::min(laid.height, lines.size() >= 2 ? lines[1].second : laid.height));
        while (first < line_count) {
            const double offset = lines[static_cast<std::size_t>(first)].first;
            int last = first;
            while (last < line_count &&
                   y_ + lines[static_cast<std::size_t>(last)].second - offset <= content_bottom) {
                ++last;
            }
            if (last < line_count && line_count - last < 2 && last - first > 2) {
                --last; // widow control: carry a line over so two start the next page
            }
            if (last == first) {
                new_page();
                continue;
            }
            const double top = y_;
            const std::string text = paragraph.text;
            const int from = first;
            const int to = last;
            const double x = margin_left + paragraph_indent;
            current().ops.push_back([text, body, from, to, offset, top, x](cairo_t* cr) {
                const charts::Text again = charts::make_text(cr, text, body);
                cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
                PangoLayoutIter* it = pango_layout_get_iter(again.layout.get());
                int index = 0;
                do {
                    if (index >= from && index < to) {
                        const double baseline =
                            static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
                        PangoRectangle logical;
                        pango_layout_iter_get_line_extents(it, nullptr, &logical);
                        cairo_move_to(cr, x + static_cast<double>(logical.x) / PANGO_SCALE,
                                      top + baseline - offset);
                        pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
                    }
                    ++index;
                } while (pango_layout_iter_next_line(it));
                pango_layout_iter_free(it);
            });
            if (numbered) {
                place_text(fmt::format("{}.", paragraph.number), style(10), ink, margin_left, y_);
                numbered = false;
            }
            y_ += lines[static_cast<std::size_t>(last - 1)].second - offset;
            first = last;
            if (first < line_count) {
                new_page();
            }
        }
        y_ += 8;
    }

    struct MeasuredRow {
        std::vector<double> heights;
        double height = 0;
    };

    charts::TextStyle cell_style(const Cell& cell, double width, bool header) const {
        charts::TextStyle text_style = style(header ? 7.5 : 8, header);
        text_style.wrap_width = width;
        text_style.align =
            cell.align == Align::right ? charts::TextAlign::right : charts::TextAlign::left;
        return text_style;
    }

    static constexpr double cell_pad = 3;

    double row_height(const std::vector<Cell>& row, const std::vector<double>& widths,
                      bool header) const {
        double height = 0;
        for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
            const double inner = widths[c] - 2 * cell_pad;
            double cell_height = measure(row[c].text, cell_style(row[c], inner, header));
            if (!row[c].subtext.empty()) {
                charts::TextStyle sub = cell_style(row[c], inner, false);
                sub.size = 6;
                cell_height += measure(row[c].subtext, sub);
            }
            height = std::max(height, cell_height);
        }
        return height + 2 * cell_pad;
    }

    void draw_row(const std::vector<Cell>& row, const std::vector<double>& widths, bool header,
                  bool shaded, double height) {
        const double top = y_;
        if (header || shaded) {
            const Colour fill = header ? header_fill : Colour{0.97, 0.97, 0.97};
            current().ops.push_back(
                [=](cairo_t* cr) { fill_rect(cr, margin_left, top, content_width, height, fill); });
        }
        double x = margin_left;
        for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
            const double inner = widths[c] - 2 * cell_pad;
            const Cell& cell = row[c];
            const Colour colour = cell.missing ? muted : ink;
            double text_x = x + cell_pad;
            if (!cell.status.empty()) {
                // A status cell: a square in the status colour, then the status word.
                const Colour mark = status_colour(cell.status);
                const double square_top = top + cell_pad + 1.5;
                current().ops.push_back(
                    [=](cairo_t* cr) { fill_rect(cr, text_x, square_top, 6, 6, mark); });
                text_x += 9;
            }
            const double text_height = place_text(cell.text, cell_style(cell, inner, header),
                                                  colour, text_x, top + cell_pad);
            if (!cell.subtext.empty()) {
                charts::TextStyle sub = cell_style(cell, inner, false);
                sub.size = 6;
                place_text(cell.subtext, sub, muted, x + cell_pad, top + cell_pad + text_height);
            }
            x += widths[c];
        }
        y_ += height;
        hline_op(margin_left, page_width - margin_right, y_, header ? 0.8 : 0.25,
                 header ? ink : rule);
    }

    void add(const Table& table) {
        if (!table.in_pdf) {
            return;
        }
        double total = 0;
        for (const double w : table.widths) {
            total += w;
        }
        std::vector<double> widths;
        for (const double w : table.widths) {
            widths.push_back(content_width * w / total);
        }
        std::vector<Cell> header;
        for (const auto& title : table.header) {
            Cell cell;
            cell.text = title;
            cell.align = header.empty() ? Align::left : Align::right;
            header.push_back(cell);
        }
        if (!table.rows.empty()) {
            for (std::size_t c = 0; c < header.size() && c < table.rows.front().size(); ++c) {
                header[c].align = table.rows.front()[c].align;
            }
        }
        charts::TextStyle caption = style(9.5, true);
        caption.wrap_width = content_width;
        const double caption_height = measure(table.caption, caption);
        const double header_height = row_height(header, widths, true);
        const double first_row = table.rows.empty() ? 0 : row_height(table.rows[0], widths, false);
        ensure(caption_height + 4 + header_height + first_row);
        y_ += y_ > margin_top ? 4 : 0;
        y_ += place_text(table.caption, caption, ink, margin_left, y_) + 4;
        hline_op(margin_left, page_width - margin_right, y_, 0.8, ink);
        draw_row(header, widths, true, false, header_height);
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const double height = row_height(table.rows[r], widths, false);
            if (y_ + height > content_bottom) {
                // Continue on the next page, repeating the header row.
                new_page();
                place_text(table.caption + " (continued)", caption, muted, margin_left, y_);
                y_ += caption_height + 4;
                hline_op(margin_left, page_width - margin_right, y_, 0.8, ink);
                draw_row(header, widths, true, false, header_height);
            }
            draw_row(table.rows[r], widths, false, r % 2 == 1, height);
        }
        if (!table.note.empty()) {
            charts::TextStyle note = style(7.5);
            note.wrap_width = content_width;
            const double height = measure(table.note, note);
            ensure(height + 4);
            y_ += 4;
            y_ += place_text(table.note, note, muted, margin_left, y_);
        }
        y_ += 12;
    }

    void add(const Figure& figure) {
        charts::TextStyle caption = style(9.5, true);
        caption.wrap_width = content_width;
        const double caption_height = measure(figure.caption, caption);
        ensure(caption_height + 6 + figure.height);
        y_ += y_ > margin_top ? 4 : 0;
        y_ += place_text(figure.caption, caption, ink, margin_left, y_) + 6;
        const charts::Box box{margin_left, y_, content_width, figure.height};
        charts::ChartSpec spec = figure.chart;
        spec.title.clear(); // the caption above already says it
        charts::Theme theme;
        theme.font_family = family_;
        current().ops.push_back(
            [box, spec, theme](cairo_t* cr) { charts::draw_chart(cr, box, spec, theme); });
        y_ += figure.height + 14;
    }

    cairo_t* cr_;
    std::string family_;
    std::vector<Page> pages_;
    std::vector<OutlineEntry> outline_;
    double y_ = margin_top;
    bool force_new_page_ = false;
};

bool check(cairo_status_t status, const std::string& path, Diagnostics& diagnostics) {
    if (status == CAIRO_STATUS_SUCCESS) {
        return true;
    }
    diagnostics.error({path, 0, 0},
                      fmt::format("cannot write PDF: {}", cairo_status_to_string(status)));
    return false;
}

} // namespace

bool render_pdf(const Document& doc, const std::string& path, const PdfOptions& options,
                Diagnostics& diagnostics) {
    PendingFile pending(path);
    if (pending.temp_path().empty()) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot create output file: {}", pending.error()));
        return false;
    }
    std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
        cairo_pdf_surface_create(pending.temp_path().c_str(), page_width, page_height));
    if (!check(cairo_surface_status(surface.get()), path, diagnostics)) {
        return false;
    }
    cairo_surface_t* pdf = surface.get();
    cairo_pdf_surface_restrict_to_version(pdf, CAIRO_PDF_VERSION_1_5);
    const std::string date = iso8601_utc(options.timestamp);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, doc.info.title.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR, doc.info.author.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT, doc.info.subject.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_KEYWORDS, doc.info.keywords.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, options.creator.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());

    {
        const std::unique_ptr<cairo_t, CairoDeleter> context(cairo_create(pdf));
        cairo_t* cr = context.get();
        Layout layout(cr, options.font_family);
        layout.cover(doc.info);
        for (const auto& block : doc.blocks) {
            layout.block(block);
        }
        auto& pages = layout.pages();
        const std::size_t total = pages.size();
        for (std::size_t p = 0; p < total; ++p) {
            for (const auto& op : pages[p].ops) {
                op(cr);
            }
            charts::TextStyle footer;
            footer.family = options.font_family;
            footer.size = 8;
            footer.wrap_width = content_width;
            footer.align = charts::TextAlign::centre;
            const charts::Text number =
                charts::make_text(cr, fmt::format("Page {} of {}", p + 1, total), footer);
            charts::show_text(cr, number, margin_left, page_height - 40, muted.r, muted.g, muted.b);
            if (p > 0 && !doc.info.symbol.empty()) {
                footer.align = charts::TextAlign::right;
                const charts::Text header = charts::make_text(cr, doc.info.symbol, footer);
                charts::show_text(cr, header, margin_left, 36, muted.r, muted.g, muted.b);
            }
            cairo_show_page(cr);
        }
        for (const auto& entry : layout.outline()) {
            const std::string link =
                fmt::format("page={} pos=[{} {}]", entry.page, static_cast<int>(margin_left),
                            static_cast<int>(entry.y));
            cairo_pdf_surface_add_outline(pdf, CAIRO_PDF_OUTLINE_ROOT, entry.title.c_str(),
                                          link.c_str(), CAIRO_PDF_OUTLINE_FLAG_OPEN);
        }
        if (!check(cairo_status(cr), path, diagnostics)) {
            return false;
        }
    }
    cairo_surface_finish(pdf);
    if (!check(cairo_surface_status(pdf), path, diagnostics)) {
        return false;
    }
    surface.reset();
    return pending.commit(diagnostics);
}

} // namespace sfp
