#include "sfp/render_xlsx.hpp"

#include "sfp/output.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <xlsxwriter.h>

namespace sfp {

namespace {

/// Display width of UTF-8 text in characters (continuation bytes do not count).
std::size_t text_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

/// Writes a workbook and remembers the first libxlsxwriter error, with what was being done.
class Writer {
public:
    Writer(lxw_workbook* workbook, std::string path, Diagnostics& diagnostics)
        : workbook_(workbook), path_(std::move(path)), diagnostics_(diagnostics) {
        bold_ = workbook_add_format(workbook_);
        format_set_bold(bold_);
        title_ = workbook_add_format(workbook_);
        format_set_bold(title_);
        format_set_font_size(title_, 14);
        header_ = workbook_add_format(workbook_);
        format_set_bold(header_);
        format_set_bg_color(header_, 0xE5EBF2);
        format_set_bottom(header_, LXW_BORDER_THIN);
        format_set_text_wrap(header_);
        format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
        missing_ = workbook_add_format(workbook_);
        format_set_font_color(missing_, 0x606060);
        format_set_align(missing_, LXW_ALIGN_RIGHT);
        note_ = workbook_add_format(workbook_);
        format_set_italic(note_);
        format_set_font_color(note_, 0x606060);
        wrap_ = workbook_add_format(workbook_);
        format_set_text_wrap(wrap_);
        format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
    }

    bool ok() const { return ok_; }

    void check(lxw_error error, std::string_view what) {
        if (error == LXW_NO_ERROR || !ok_) {
            return;
        }
        ok_ = false;
        diagnostics_.error({path_, 0, 0}, fmt::format("cannot write workbook ({}): {}", what,
                                                      lxw_strerror(error)));
    }

    /// A status cell: the word on a light tint of the status colour (the same colours as the
    /// PDF and the charts), so the status never depends on colour alone.
    lxw_format* status_format(const std::string& status) {
        const auto found = status_formats_.find(status);
        if (found != status_formats_.end()) {
            return found->second;
        }
        lxw_format* format = workbook_add_format(workbook_);
        const lxw_color_t tint = status == "on-track"    ? 0xCCEBE2
                                 : status == "at-risk"   ? 0xFCEBC2
                                 : status == "off-track" ? 0xF5D6C2
                                                         : 0xE6E6E6;
        format_set_bg_color(format, tint);
        format_set_pattern(format, LXW_PATTERN_SOLID);
        status_formats_.emplace(status, format);
        return format;
    }

    lxw_format* number_format(const std::string& excel_format) {
        if (excel_format.empty()) {
            return nullptr;
        }
        auto& format = number_formats_[excel_format];
        if (format == nullptr) {
            format = workbook_add_format(workbook_);
            format_set_num_format(format, excel_format.c_str());
        }
        return format;
    }

    lxw_worksheet* sheet(const std::string& name) {
        lxw_worksheet* worksheet = workbook_add_worksheet(workbook_, name.c_str());
        if (worksheet == nullptr) {
            ok_ = false;
            diagnostics_.error(
                {path_, 0, 0},
                fmt::format("cannot add worksheet '{}' (invalid or duplicate name)", name));
        }
        return worksheet;
    }

    void cover(const DocumentInfo& info, const std::vector<std::string>& sheets) {
        lxw_worksheet* ws = sheet("Cover");
        if (ws == nullptr) {
            return;
        }
        check(worksheet_set_column(ws, 0, 0, 28, nullptr), "cover column");
        check(worksheet_set_column(ws, 1, 1, 90, wrap_), "cover column");
        lxw_row_t row = 0;
        check(worksheet_write_string(ws, row++, 0, info.title.c_str(), title_), "cover title");
        if (!info.subtitle.empty()) {
            check(worksheet_write_string(ws, row++, 0, info.subtitle.c_str(), nullptr), "cover");
        }
        ++row;
        const auto line = [&](const std::string& label, const std::string& value) {
            check(worksheet_write_string(ws, row, 0, label.c_str(), bold_), "cover");
            check(worksheet_write_string(ws, row, 1, value.c_str(), wrap_), "cover");
            ++row;
        };
        line("Symbol", info.symbol);
        line("Date", info.date_text);
        for (const auto& cover_line : info.cover) {
            line(cover_line.label, cover_line.value);
        }
        line("Summary", info.summary);
        ++row;
        line("How to read",
             "Numbers are stored as values with number formats (percentages as fractions, USD "
             "in full with a millions format). '..' marks missing data; the 'Results' sheet "
             "gives every figure with its n and the reason a value is missing.");
        ++row;
        check(worksheet_write_string(ws, row++, 0, "Sheets", bold_), "cover");
        for (const auto& name : sheets) {
            const std::string url = fmt::format("internal:'{}'!A1", name);
            check(worksheet_write_url(ws, row++, 0, url.c_str(), nullptr), "cover link");
        }
    }

    void table(const Table& table) {
        lxw_worksheet* ws = sheet(table.sheet_name);
        if (ws == nullptr) {
            return;
        }
        check(worksheet_write_string(ws, 0, 0, table.caption.c_str(), bold_), "caption");
        const lxw_row_t header_row = 2;
        std::vector<std::size_t> widths(table.header.size(), 8);
        for (std::size_t c = 0; c < table.header.size(); ++c) {
            check(worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c),
                                         table.header[c].c_str(), header_),
                  "header");
            widths[c] = std::max(widths[c], std::min<std::size_t>(text_width(table.header[c]), 24));
        }
        lxw_row_t row = header_row + 1;
        for (const auto& cells : table.rows) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const Cell& cell = cells[c];
                const auto col = static_cast<lxw_col_t>(c);
                if (cell.number) {
                    check(worksheet_write_number(ws, row, col, *cell.number,
                                                 number_format(cell.excel_format)),
                          "number");
                } else {
                    // Always a string, never a formula: text from data that starts with '='
                    // stays text.
                    check(worksheet_write_string(ws, row, col, cell.text.c_str(),
                                                 !cell.status.empty() ? status_format(cell.status)
                                                 : cell.missing       ? missing_
                                                                      : nullptr),
                          "text");
                }
                if (c < widths.size()) {
                    widths[c] = std::max(widths[c], text_width(cell.text) + 2);
                }
            }
            ++row;
        }
        if (!table.note.empty()) {
            check(worksheet_write_string(ws, row + 1, 0, table.note.c_str(), note_), "note");
        }
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const double width = static_cast<double>(std::min<std::size_t>(widths[c], 60)) * 1.1;
            check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                       width, nullptr),
                  "column width");
        }
        worksheet_freeze_panes(ws, header_row + 1, 0);
        if (!table.rows.empty()) {
            check(worksheet_autofilter(ws, header_row, 0, row - 1,
                                       static_cast<lxw_col_t>(table.header.size() - 1)),
                  "autofilter");
        }
    }

    void figure(const Figure& figure) {
        lxw_worksheet* ws = sheet(figure.sheet_name);
        if (ws == nullptr) {
            return;
        }
        const charts::ChartSpec& spec = figure.chart;
        check(worksheet_write_string(ws, 0, 0, figure.caption.c_str(), bold_), "caption");
        if (spec.kind == charts::ChartKind::scatter) {
            scatter(ws, figure);
            return;
        }
        const lxw_row_t header_row = 2;
        check(worksheet_write_string(ws, header_row, 0, "Category", header_), "header");
        lxw_format* value_format = number_format(excel_value_format(spec.format));
        for (std::size_t s = 0; s < spec.series.size(); ++s) {
            check(worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(s + 1),
                                         spec.series[s].name.c_str(), header_),
                  "header");
        }
        for (std::size_t i = 0; i < spec.categories.size(); ++i) {
            const auto row = static_cast<lxw_row_t>(header_row + 1 + i);
            check(worksheet_write_string(ws, row, 0, spec.categories[i].c_str(), nullptr),
                  "category");
            for (std::size_t s = 0; s < spec.series.size(); ++s) {
                const auto& values = spec.series[s].values;
                if (i < values.size() && values[i]) {
                    check(worksheet_write_number(ws, row, static_cast<lxw_col_t>(s + 1), *values[i],
                                                 value_format),
                          "value");
                }
                // A missing value stays an empty cell: the chart shows a gap, not a zero.
            }
        }
        check(worksheet_set_column(ws, 0, 0, 30, nullptr), "column width");
        check(worksheet_set_column(ws, 1, static_cast<lxw_col_t>(spec.series.size()), 16, nullptr),
              "column width");
        worksheet_freeze_panes(ws, header_row + 1, 1);

        const auto type = native_chart_type(spec.kind);
        if (!type) {
            // No native equivalent (bullet, range, small multiples, sparkline): the data sheet
            // stays, with a note that the chart is in the PDF.
            check(worksheet_write_string(ws, header_row,
                                         static_cast<lxw_col_t>(spec.series.size() + 2),
                                         "This kind of chart has no native Excel equivalent; "
                                         "it is drawn in the PDF.",
                                         note_),
                  "note");
            return;
        }
        lxw_chart* chart = workbook_add_chart(workbook_, *type);
        if (chart == nullptr) {
            ok_ = false;
            diagnostics_.error({path_, 0, 0}, "cannot add chart to workbook");
            return;
        }
        const auto first = static_cast<lxw_row_t>(header_row + 1);
        const auto last = static_cast<lxw_row_t>(header_row + spec.categories.size());
        for (std::size_t s = 0; s < spec.series.size(); ++s) {
            lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
            const auto col = static_cast<lxw_col_t>(s + 1);
            chart_series_set_categories(series, figure.sheet_name.c_str(), first, 0, last, 0);
            chart_series_set_values(series, figure.sheet_name.c_str(), first, col, last, col);
            chart_series_set_name_range(series, figure.sheet_name.c_str(), header_row, col);
            if (spec.kind == charts::ChartKind::line) {
                chart_series_set_marker_type(series, LXW_CHART_MARKER_AUTOMATIC);
            }
        }
        chart_title_set_name(chart, spec.title.c_str());
        chart_axis_set_num_format(chart->y_axis, excel_value_format(spec.format).c_str());
        chart_show_blanks_as(chart, LXW_CHART_BLANKS_AS_GAP);
        chart_legend_set_position(chart, spec.series.size() > 1 ? LXW_CHART_LEGEND_BOTTOM
                                                                : LXW_CHART_LEGEND_NONE);
        lxw_chart_options options{};
        options.x_scale = 1.6;
        options.y_scale = 1.4;
        std::string description = figure.caption;
        options.description = description.data();
        check(worksheet_insert_chart_opt(
                  ws, header_row, static_cast<lxw_col_t>(spec.series.size() + 2), chart, &options),
              "chart");
    }

    /// A scatter's data: one block of rows per series (series name, x, y), each block a series
    /// of the native scatter chart. A missing x or y stays an empty cell (no point), never 0.
    void scatter(lxw_worksheet* ws, const Figure& figure) {
        const charts::ChartSpec& spec = figure.chart;
        const lxw_row_t header_row = 2;
        const std::string x_title =
            spec.category_axis_title.empty() ? "x" : spec.category_axis_title;
        const std::string y_title = spec.value_axis_title.empty() ? "y" : spec.value_axis_title;
        check(worksheet_write_string(ws, header_row, 0, "Series", header_), "header");
        check(worksheet_write_string(ws, header_row, 1, x_title.c_str(), header_), "header");
        check(worksheet_write_string(ws, header_row, 2, y_title.c_str(), header_), "header");
        lxw_format* x_format = number_format(excel_value_format(spec.x_format));
        lxw_format* y_format = number_format(excel_value_format(spec.format));
        lxw_chart* chart = workbook_add_chart(workbook_, LXW_CHART_SCATTER);
        if (chart == nullptr) {
            ok_ = false;
            diagnostics_.error({path_, 0, 0}, "cannot add chart to workbook");
            return;
        }
        auto row = static_cast<lxw_row_t>(header_row + 1);
        for (const auto& series : spec.series) {
            const lxw_row_t first = row;
            for (std::size_t i = 0; i < series.values.size(); ++i, ++row) {
                check(worksheet_write_string(ws, row, 0, series.name.c_str(), nullptr), "series");
                if (i < series.x.size() && series.x[i]) {
                    check(worksheet_write_number(ws, row, 1, *series.x[i], x_format), "x");
                }
                if (series.values[i]) {
                    check(worksheet_write_number(ws, row, 2, *series.values[i], y_format), "y");
                }
            }
            if (row == first) {
                continue; // a series without points has no range to chart
            }
            lxw_chart_series* added = chart_add_series(chart, nullptr, nullptr);
            chart_series_set_categories(added, figure.sheet_name.c_str(), first, 1, row - 1, 1);
            chart_series_set_values(added, figure.sheet_name.c_str(), first, 2, row - 1, 2);
            chart_series_set_name(added, series.name.c_str());
            chart_series_set_marker_type(added, LXW_CHART_MARKER_CIRCLE);
        }
        check(worksheet_set_column(ws, 0, 0, 30, nullptr), "column width");
        check(worksheet_set_column(ws, 1, 2, 18, nullptr), "column width");
        worksheet_freeze_panes(ws, header_row + 1, 1);
        chart_title_set_name(chart, spec.title.c_str());
        chart_axis_set_name(chart->x_axis, x_title.c_str());
        chart_axis_set_name(chart->y_axis, y_title.c_str());
        chart_axis_set_num_format(chart->x_axis, excel_value_format(spec.x_format).c_str());
        chart_axis_set_num_format(chart->y_axis, excel_value_format(spec.format).c_str());
        chart_legend_set_position(chart, spec.series.size() > 1 ? LXW_CHART_LEGEND_BOTTOM
                                                                : LXW_CHART_LEGEND_NONE);
        lxw_chart_options options{};
        options.x_scale = 1.6;
        options.y_scale = 1.4;
        std::string description = figure.caption;
        options.description = description.data();
        check(worksheet_insert_chart_opt(ws, header_row, 4, chart, &options), "chart");
    }

    /// The native Excel chart for a chart kind of the model, when there is one.
    static std::optional<std::uint8_t> native_chart_type(charts::ChartKind kind) {
        switch (kind) {
        case charts::ChartKind::line:
            return LXW_CHART_LINE;
        case charts::ChartKind::column:
            return LXW_CHART_COLUMN;
        case charts::ChartKind::bar:
        case charts::ChartKind::dimension_bars:
            return LXW_CHART_BAR;
        case charts::ChartKind::stacked_column:
            return LXW_CHART_COLUMN_STACKED;
        case charts::ChartKind::stacked_bar:
            return LXW_CHART_BAR_STACKED;
        case charts::ChartKind::percent_column:
            return LXW_CHART_COLUMN_STACKED_PERCENT;
        case charts::ChartKind::percent_bar:
            return LXW_CHART_BAR_STACKED_PERCENT;
        case charts::ChartKind::scatter:
            return LXW_CHART_SCATTER;
        case charts::ChartKind::donut:
            return LXW_CHART_DOUGHNUT;
        case charts::ChartKind::radar:
            return LXW_CHART_RADAR;
        case charts::ChartKind::bullet:
        case charts::ChartKind::range:
        case charts::ChartKind::small_multiples:
        case charts::ChartKind::sparkline:
            return std::nullopt;
        }
        return std::nullopt;
    }

    static std::string excel_value_format(const charts::ValueFormat& format) {
        const std::string decimals =
            format.decimals > 0 ? "." + std::string(static_cast<std::size_t>(format.decimals), '0')
                                : "";
        switch (format.kind) {
        case charts::ValueKind::percent:
            return "0" + decimals + "%";
        case charts::ValueKind::currency:
        case charts::ValueKind::number:
            return "#,##0";
        }
        return "General";
    }

private:
    lxw_workbook* workbook_;
    std::string path_;
    Diagnostics& diagnostics_;
    bool ok_ = true;
    lxw_format* bold_ = nullptr;
    lxw_format* title_ = nullptr;
    lxw_format* header_ = nullptr;
    lxw_format* missing_ = nullptr;
    lxw_format* note_ = nullptr;
    lxw_format* wrap_ = nullptr;
    std::map<std::string, lxw_format*> number_formats_;
    std::map<std::string, lxw_format*> status_formats_;
};

} // namespace

bool write_xlsx(const Document& doc, const std::string& path, const XlsxOptions& options,
                Diagnostics& diagnostics) {
    PendingFile pending(path);
    if (pending.temp_path().empty()) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot create output file: {}", pending.error()));
        return false;
    }
    lxw_workbook_options workbook_options{};
    lxw_workbook* workbook = workbook_new_opt(pending.temp_path().c_str(), &workbook_options);
    if (workbook == nullptr) {
        diagnostics.error({path, 0, 0}, "cannot create workbook");
        return false;
    }
    std::string title = doc.info.title;
    std::string subject = doc.info.subject;
    std::string author = doc.info.author;
    std::string keywords = doc.info.keywords;
    std::string comments = "Generated by sfpgen from the report configuration and data";
    lxw_doc_properties properties{};
    properties.title = title.data();
    properties.subject = subject.data();
    properties.author = author.data();
    properties.keywords = keywords.data();
    properties.comments = comments.data();
    properties.created = static_cast<time_t>(options.timestamp);

    Writer writer(workbook, path, diagnostics);
    writer.check(workbook_set_properties(workbook, &properties), "properties");

    std::vector<std::string> sheets;
    for (const auto& block : doc.blocks) {
        if (const auto* table = std::get_if<Table>(&block)) {
            sheets.push_back(table->sheet_name);
        } else if (const auto* figure = std::get_if<Figure>(&block)) {
            sheets.push_back(figure->sheet_name);
        }
    }
    writer.cover(doc.info, sheets);
    for (const auto& block : doc.blocks) {
        if (const auto* table = std::get_if<Table>(&block)) {
            writer.table(*table);
        } else if (const auto* figure = std::get_if<Figure>(&block)) {
            writer.figure(*figure);
        }
    }
    const lxw_error closed = workbook_close(workbook);
    if (closed != LXW_NO_ERROR) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot write workbook: {}", lxw_strerror(closed)));
        return false;
    }
    if (!writer.ok()) {
        return false;
    }
    return pending.commit(diagnostics);
}

} // namespace sfp
