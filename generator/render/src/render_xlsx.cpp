#include "sfp/render_xlsx.hpp"

#include "sfp/output.hpp"
#include "xlsx_support.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <xlsxwriter.h>

namespace sfp {

namespace {

using xlsx::text_width;

constexpr lxw_row_t header_row = 2; ///< every data sheet: caption in row 1, header in row 3

/// "A", "Z", "AA"... for a zero-based column.
std::string column_name(std::size_t col) {
    std::string name;
    ++col;
    while (col > 0) {
        const std::size_t rest = (col - 1) % 26;
        name.insert(name.begin(), static_cast<char>('A' + rest));
        col = (col - 1) / 26;
    }
    return name;
}

/// A string literal inside a formula: quotes doubled.
std::string formula_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

/// A SUMIFS criterion that matches `text` exactly: a leading "=" so that text starting with
/// "<", ">" or "=" is not read as a comparison, and the wildcards * ? ~ escaped with ~.
std::string exact_criterion(const std::string& text) {
    std::string escaped = "=";
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '~') {
            escaped += '~';
        }
        escaped += c;
    }
    return formula_string(escaped);
}

/// A sheet reference in a formula or link: 'Peer groups (age)'!
std::string sheet_ref(const std::string& sheet) {
    std::string quoted = "'";
    for (const char c : sheet) {
        quoted += c;
        if (c == '\'') {
            quoted += '\'';
        }
    }
    return quoted + "'!";
}

/// Header names of an Excel table must be unique and non-empty (Excel "repairs" the file
/// otherwise).
std::vector<std::string> unique_headers(const std::vector<std::string>& header) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (std::size_t c = 0; c < header.size(); ++c) {
        std::string name = header[c].empty() ? fmt::format("Column {}", c + 1) : header[c];
        std::string unique = name;
        for (int k = 2; seen.count(unique) > 0; ++k) {
            unique = fmt::format("{} ({})", name, k);
        }
        seen.insert(unique);
        out.push_back(unique);
    }
    return out;
}

std::string excel_value_format(const charts::ValueFormat& format) {
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

/// The native Excel chart for a chart kind of the model, when there is one.
std::optional<std::uint8_t> native_chart_type(charts::ChartKind kind) {
    switch (kind) {
    case charts::ChartKind::line:
    case charts::ChartKind::range:
        return LXW_CHART_LINE;
    case charts::ChartKind::column:
        return LXW_CHART_COLUMN;
    case charts::ChartKind::bar:
    case charts::ChartKind::dimension_bars:
    case charts::ChartKind::bullet:
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
    case charts::ChartKind::small_multiples:
    case charts::ChartKind::sparkline:
        return std::nullopt;
    }
    return std::nullopt;
}

/// How a series of a figure's data block is drawn in the native chart.
enum class SeriesStyle { normal, reference_line, points_only };

/// A figure's data as the rows of its sheet: one category per row, one series per column.
struct FigureData {
    std::vector<std::string> categories;
    std::vector<std::string> series;
    std::vector<SeriesStyle> styles;
    std::vector<std::vector<std::optional<double>>> values; ///< [series][category]
};

/// The data block of a chart: its series, then (line charts) the baseline and target as flat
/// reference series and milestones as points; bullets as actual / expected / target / baseline
/// series; ranges as P25 / median / P75 series (drawn with high-low lines).
FigureData figure_data(const charts::ChartSpec& spec, const WorkbookLabels& words) {
    FigureData data;
    const auto add = [&](std::string name, SeriesStyle style,
                         std::vector<std::optional<double>> values) {
        data.series.push_back(std::move(name));
        data.styles.push_back(style);
        data.values.push_back(std::move(values));
    };
    switch (spec.kind) {
    case charts::ChartKind::bullet: {
        std::vector<std::optional<double>> actual, expected, target, baseline;
        for (const auto& item : spec.bullets) {
            data.categories.push_back(item.label);
            actual.push_back(item.actual);
            expected.push_back(item.expected);
            target.push_back(item.target);
            baseline.push_back(item.baseline);
        }
        add(words.actual, SeriesStyle::normal, std::move(actual));
        add(words.expected, SeriesStyle::normal, std::move(expected));
        add(words.target, SeriesStyle::normal, std::move(target));
        add(words.baseline, SeriesStyle::normal, std::move(baseline));
        return data;
    }
    case charts::ChartKind::range: {
        std::vector<std::optional<double>> p25, median, p75;
        for (const auto& item : spec.ranges) {
            data.categories.push_back(item.label);
            p25.push_back(item.p25);
            median.push_back(item.median);
            p75.push_back(item.p75);
        }
        add("P25", SeriesStyle::points_only, std::move(p25));
        add("Median", SeriesStyle::points_only, std::move(median));
        add("P75", SeriesStyle::points_only, std::move(p75));
        return data;
    }
    case charts::ChartKind::line:
    case charts::ChartKind::column:
    case charts::ChartKind::bar:
    case charts::ChartKind::dimension_bars:
    case charts::ChartKind::stacked_column:
    case charts::ChartKind::stacked_bar:
    case charts::ChartKind::percent_column:
    case charts::ChartKind::percent_bar:
    case charts::ChartKind::scatter:
    case charts::ChartKind::donut:
    case charts::ChartKind::radar:
    case charts::ChartKind::small_multiples:
    case charts::ChartKind::sparkline:
        break;
    }
    data.categories = spec.categories;
    for (const auto& series : spec.series) {
        std::vector<std::optional<double>> values = series.values;
        values.resize(spec.categories.size());
        add(series.name, SeriesStyle::normal, std::move(values));
    }
    if (spec.kind == charts::ChartKind::line) {
        for (const auto& marker : spec.markers) {
            std::vector<std::optional<double>> values(spec.categories.size());
            if (marker.category) {
                if (*marker.category < values.size()) {
                    values[*marker.category] = marker.value;
                }
                add(marker.label, SeriesStyle::points_only, std::move(values));
            } else {
                std::fill(values.begin(), values.end(), marker.value);
                add(marker.label, SeriesStyle::reference_line, std::move(values));
            }
        }
    }
    return data;
}

/// Where the Data sheet put things, for the formulas that refer to it.
struct DataLayout {
    std::string sheet;                            ///< "Data"
    lxw_row_t first = 0;                          ///< zero-based row of the first record
    lxw_row_t last = 0;                           ///< zero-based row of the last record
    std::size_t year_col = 1;                     ///< the Year column
    std::vector<int> group_col;                   ///< per grouping: its column, -1 when not written
    std::vector<std::size_t> audit_col;           ///< per audit column
    std::map<std::string, std::size_t> value_col; ///< ratio indicator -> its value column

    /// "'Data'!$C$4:$C$200" for a zero-based column.
    [[nodiscard]] std::string range(std::size_t col) const {
        const std::string name = column_name(col);
        return fmt::format("{}${}${}:${}${}", sheet_ref(sheet), name, first + 1, name, last + 1);
    }
};

class WorkbookWriter {
public:
    WorkbookWriter(xlsx::Book& book, const Document& doc, const XlsxOptions& options,
                   bool constant_memory)
        : book_(book), doc_(doc), options_(options), constant_memory_(constant_memory) {
        bold_ = book_.format("bold", [](lxw_format* f) { format_set_bold(f); });
        title_ = book_.format("title", [](lxw_format* f) {
            format_set_bold(f);
            format_set_font_size(f, 14);
        });
        header_ = book_.format("header", [](lxw_format* f) {
            format_set_bold(f);
            format_set_text_wrap(f);
            format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        });
        missing_ = book_.format("missing", [](lxw_format* f) {
            format_set_font_color(f, 0x606060);
            format_set_align(f, LXW_ALIGN_RIGHT);
        });
        note_ = book_.format("note", [](lxw_format* f) {
            format_set_italic(f);
            format_set_font_color(f, 0x606060);
        });
        wrap_ = book_.format("wrap", [](lxw_format* f) {
            format_set_text_wrap(f);
            format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        });
        link_ = book_.format("link", [](lxw_format* f) {
            format_set_underline(f, LXW_UNDERLINE_SINGLE);
            format_set_font_color(f, LXW_COLOR_BLUE);
        });
    }

    void write() {
        data_name_ = data_sheet_name();
        const bool audit = doc_.audit != nullptr && options_.formulas;
        if (audit) {
            plan_data_sheet(*doc_.audit);
        }
        cover();
        contents(audit);
        for (const auto& block : doc_.blocks) {
            if (const auto* table = workbook_table(block)) {
                write_table(*table);
            } else if (const auto* figure = std::get_if<Figure>(&block)) {
                write_figure(*figure);
            }
        }
        if (audit) {
            data_sheet(*doc_.audit);
        }
    }

private:
    [[nodiscard]] bool rtl() const { return doc_.info.language == "ar"; }

    /// "Data", unless a table already has that sheet name.
    std::string data_sheet_name() const {
        std::set<std::string> names;
        for (const auto& block : doc_.blocks) {
            if (const auto* table = workbook_table(block)) {
                names.insert(table->sheet_name);
            } else if (const auto* figure = std::get_if<Figure>(&block)) {
                names.insert(figure->sheet_name);
            }
        }
        std::string name = "Data";
        for (int k = 2; names.count(name) > 0; ++k) {
            name = fmt::format("Data {}", k);
        }
        return name;
    }

    lxw_worksheet* new_sheet(const std::string& name) {
        lxw_worksheet* ws = book_.sheet(name);
        if (ws != nullptr && rtl()) {
            worksheet_right_to_left(ws);
        }
        return ws;
    }

    void cover() {
        const DocumentInfo& info = doc_.info;
        lxw_worksheet* ws = new_sheet("Cover");
        if (ws == nullptr) {
            return;
        }
        book_.check(worksheet_set_column(ws, 0, 0, 28, nullptr), "cover column");
        book_.check(worksheet_set_column(ws, 1, 1, 90, wrap_), "cover column");
        book_.check(worksheet_set_column(ws, 2, 2, 14, nullptr), "cover column");
        lxw_row_t row = 0;
        book_.text(ws, row++, 0, info.title, title_);
        if (!info.subtitle.empty()) {
            book_.text(ws, row++, 0, info.subtitle, nullptr);
        }
        ++row;
        const auto line = [&](const std::string& label, const std::string& value) {
            if (value.empty()) {
                return;
            }
            book_.text(ws, row, 0, label, bold_);
            book_.text(ws, row, 1, value, wrap_);
            ++row;
        };
        const WorkbookLabels& words = info.workbook;
        line(words.symbol, info.symbol);
        line(words.date, info.date_text);
        line(words.period, info.period);
        for (const auto& cover_line : info.cover) {
            line(cover_line.label, cover_line.value);
        }
        line(words.summary, info.summary);
        key_figures(ws, row);
        ++row;
        for (std::size_t i = 0; i < info.sources.size(); ++i) {
            line(i == 0 ? words.sources : "", info.sources[i]);
        }
        line(words.how_to_read_title, words.how_to_read);
        line(words.generated_by, info.generator);
        line(words.fingerprint, info.fingerprint.empty()
                                    ? std::string()
                                    : info.fingerprint + " (" + words.fingerprint_note + ")");
    }

    /// The summary's key figures on the cover, as numbers with their formats.
    void key_figures(lxw_worksheet* ws, lxw_row_t& row) {
        for (const auto& block : doc_.blocks) {
            const auto* box = std::get_if<KeyFigures>(&block);
            if (box == nullptr) {
                continue;
            }
            ++row;
            book_.text(ws, row++, 0, box->title, bold_);
            for (const auto& item : box->items) {
                book_.text(ws, row, 0, item.label, nullptr);
                if (item.number) {
                    book_.number(ws, row, 2, *item.number, book_.number_format(item.excel_format));
                } else {
                    book_.text(ws, row, 2, item.value, missing_);
                }
                book_.text(ws, row, 1, item.detail, wrap_);
                ++row;
            }
        }
    }

    void contents(bool audit) {
        lxw_worksheet* ws = new_sheet("Contents");
        if (ws == nullptr) {
            return;
        }
        book_.check(worksheet_set_column(ws, 0, 0, 28, nullptr), "contents column");
        book_.check(worksheet_set_column(ws, 1, 1, 100, nullptr), "contents column");
        const WorkbookLabels& words = doc_.info.workbook;
        book_.text(ws, 0, 0, words.contents, title_);
        book_.text(ws, header_row, 0, words.sheet, header_);
        book_.text(ws, header_row, 1, words.contents, header_);
        lxw_row_t row = header_row + 1;
        const auto entry = [&](const std::string& sheet, const std::string& caption) {
            const std::string url = fmt::format("internal:{}A1", sheet_ref(sheet));
            book_.check(
                worksheet_write_url_opt(ws, row, 0, url.c_str(), link_, sheet.c_str(), nullptr),
                "contents link");
            book_.text(ws, row, 1, caption, nullptr);
            ++row;
        };
        for (const auto& block : doc_.blocks) {
            if (const auto* table = workbook_table(block)) {
                entry(table->sheet_name, table->caption);
            } else if (const auto* figure = std::get_if<Figure>(&block)) {
                entry(figure->sheet_name, figure->caption);
            }
        }
        if (audit) {
            entry(data_name_, doc_.info.workbook.data_contents);
        }
        worksheet_freeze_panes(ws, header_row + 1, 0);
    }

    // ----- tables -----

    void write_table(const Table& table) {
        lxw_worksheet* ws = new_sheet(table.sheet_name);
        if (ws == nullptr) {
            return;
        }
        if (table.direction == TextDirection::rtl && !rtl()) {
            worksheet_right_to_left(ws);
        }
        book_.text(ws, 0, 0, table.caption, bold_);
        const TableScan scan = scan_rows(table);
        const std::size_t columns = scan.columns;
        const std::size_t row_count = table.row_count();
        const auto last_row = static_cast<lxw_row_t>(header_row + row_count);
        std::vector<std::string> names = table.header;
        names.resize(columns);
        names = unique_headers(names);
        const bool excel_table_fits = row_count > 0 && !constant_memory_;
        // Everything that refers to the rows goes before them: in constant-memory mode rows
        // are written out in order and earlier rows can no longer be referred to.
        if (excel_table_fits) {
            excel_table(ws, names, last_row);
        } else {
            for (std::size_t c = 0; c < columns; ++c) {
                book_.text(ws, header_row, static_cast<lxw_col_t>(c), names[c], header_);
            }
            if (row_count > 0) {
                book_.check(worksheet_autofilter(ws, header_row, 0, last_row,
                                                 static_cast<lxw_col_t>(columns - 1)),
                            "autofilter");
            }
        }
        worksheet_freeze_panes(ws, header_row + 1, 0);
        std::vector<std::size_t> widths(columns, 8);
        for (std::size_t c = 0; c < columns; ++c) {
            widths[c] = std::max(
                {widths[c], std::min<std::size_t>(text_width(names[c]) + 3, 24), scan.widths[c]});
        }
        for (const auto& [col, words] : scan.statuses) {
            status_formats(ws, static_cast<lxw_col_t>(col), last_row, words);
        }
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const double width = static_cast<double>(std::min<std::size_t>(widths[c], 60)) * 1.1;
            book_.check(worksheet_set_column(ws, static_cast<lxw_col_t>(c),
                                             static_cast<lxw_col_t>(c), width, nullptr),
                        "column width");
        }
        // Why a value is missing, as the PDF prints it under "..", as a cell comment; not in
        // tables with many missing cells (comments cost as much as the rest of the sheet), where
        // the Results sheet gives the reasons.
        const std::size_t missing = scan.missing;
        const bool comments =
            table.in_pdf && !constant_memory_ && missing <= max_comments_per_table;
        lxw_row_t row = header_row + 1;
        table.for_each_row([&](const std::vector<Cell>& cells) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const Cell& cell = cells[c];
                write_cell(ws, row, static_cast<lxw_col_t>(c), cell);
                if (comments && cell.missing && !cell.subtext.empty()) {
                    book_.check(worksheet_write_comment(ws, row, static_cast<lxw_col_t>(c),
                                                        cell.subtext.c_str()),
                                "comment");
                }
            }
            ++row;
        });
        std::string note = table.note;
        if (table.in_pdf && missing > 0) {
            note += std::string(note.empty() ? "" : " ") + doc_.info.workbook.reasons_in_results;
        }
        if (!note.empty()) {
            book_.text(ws, row + 1, 0, note, note_);
        }
    }

    static constexpr std::size_t max_comments_per_table = 500;

    /// What the sheet needs to know of the rows before it writes them, in one pass: a table
    /// with a row source makes its rows twice (this scan, then the cells) instead of holding
    /// them.
    struct TableScan {
        std::size_t columns = 1;
        std::vector<std::size_t> widths; ///< by column: the widest cell text + 2
        std::map<std::size_t, std::map<std::string, std::string>> statuses; ///< col -> word->status
        std::size_t missing = 0; ///< missing cells with a reason
    };

    static TableScan scan_rows(const Table& table) {
        TableScan out;
        table.for_each_row([&out](const std::vector<Cell>& cells) {
            if (out.widths.size() < cells.size()) {
                out.widths.resize(cells.size(), 0);
            }
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const Cell& cell = cells[c];
                out.widths[c] = std::max(out.widths[c], text_width(cell.text) + 2);
                if (!cell.status.empty()) {
                    out.statuses[c].emplace(cell.text, cell.status);
                }
                if (cell.missing && !cell.subtext.empty()) {
                    ++out.missing;
                }
            }
        });
        out.columns = std::max<std::size_t>({table.header.size(), out.widths.size(), 1});
        out.widths.resize(out.columns, 0);
        return out;
    }

    /// The rows as an Excel table: header, autofilter, banded rows (before the rows are
    /// written: in constant-memory mode rows go out in order).
    void excel_table(lxw_worksheet* ws, const std::vector<std::string>& names, lxw_row_t last_row) {
        std::vector<lxw_table_column> columns(names.size());
        std::vector<lxw_table_column*> pointers;
        std::vector<std::string> headers = names;
        for (std::size_t c = 0; c < names.size(); ++c) {
            columns[c] = lxw_table_column{};
            columns[c].header = headers[c].data();
            columns[c].header_format = header_;
            pointers.push_back(&columns[c]);
        }
        pointers.push_back(nullptr);
        lxw_table_options options{};
        options.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
        options.style_type_number = 9;
        options.columns = pointers.data();
        book_.check(worksheet_add_table(ws, header_row, 0, last_row,
                                        static_cast<lxw_col_t>(names.size() - 1), &options),
                    "table");
    }

    void write_cell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const Cell& cell) {
        if (cell.number) {
            lxw_format* format = book_.number_format(cell.excel_format);
            if (!std::isfinite(*cell.number)) {
                book_.text(ws, row, col, "..", missing_);
                return;
            }
            if (cell.source) {
                if (formula_cell(ws, row, col, *cell.source, *cell.number, format)) {
                    return;
                }
            }
            book_.number(ws, row, col, *cell.number, format);
            return;
        }
        // Always a string, never a formula: text from data that starts with '=' stays text.
        book_.text(ws, row, col, cell.text, cell.missing ? missing_ : nullptr);
    }

    /// Conditional formats on a status column: each status word gets the light tint of its
    /// status colour (the PDF's and the charts' colours), so the word carries the status and
    /// the colour follows the word.
    void status_formats(lxw_worksheet* ws, lxw_col_t col, lxw_row_t last_row,
                        const std::map<std::string, std::string>& words) {
        for (const auto& [word, status] : words) {
            const lxw_color_t tint = status == "on-track"    ? 0xCCEBE2
                                     : status == "at-risk"   ? 0xFCEBC2
                                     : status == "off-track" ? 0xF5D6C2
                                                             : 0xE6E6E6;
            lxw_format* fill = book_.format("status-" + status, [tint](lxw_format* f) {
                format_set_bg_color(f, tint);
                format_set_pattern(f, LXW_PATTERN_SOLID);
            });
            std::string value = formula_string(word);
            lxw_conditional_format rule{};
            rule.type = LXW_CONDITIONAL_TYPE_CELL;
            rule.criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO;
            rule.value_string = value.data();
            rule.format = fill;
            book_.check(
                worksheet_conditional_format_range(ws, header_row + 1, col, last_row, col, &rule),
                "conditional format");
        }
    }

    // ----- formulas over the Data sheet -----

    /// The criteria pairs of a scope and year for SUMIFS.
    std::string criteria(const CellSource& source) const {
        std::string out = fmt::format("{},{}", layout_.range(layout_.year_col), source.year);
        const AuditScope& scope = doc_.audit->scopes.at(source.scope);
        if (scope.grouping >= 0) {
            const int col = layout_.group_col.at(static_cast<std::size_t>(scope.grouping));
            out += fmt::format(",{},{}", layout_.range(static_cast<std::size_t>(col)),
                               exact_criterion(scope.label));
        }
        return out;
    }

    /// The mask of a scope and year for array formulas: (year=2024)*(region="Africa").
    std::string mask(const CellSource& source) const {
        std::string out = fmt::format("({}={})", layout_.range(layout_.year_col), source.year);
        const AuditScope& scope = doc_.audit->scopes.at(source.scope);
        if (scope.grouping >= 0) {
            const int col = layout_.group_col.at(static_cast<std::size_t>(scope.grouping));
            out += fmt::format("*({}={})", layout_.range(static_cast<std::size_t>(col)),
                               formula_string(scope.label));
        }
        return out;
    }

    /// The per-record value column of an indicator: the ratio's value column or its own.
    std::optional<std::size_t> value_column(const AuditIndicator& item) const {
        if (item.ratio()) {
            const auto found = layout_.value_col.find(item.id);
            return found == layout_.value_col.end() ? std::nullopt
                                                    : std::optional<std::size_t>(found->second);
        }
        return layout_.audit_col.at(static_cast<std::size_t>(item.value));
    }

    /// Writes an aggregate as a formula over the Data sheet with the engine's value stored;
    /// false when the statistic has no formula here (trimmed mean) or the indicator is not on
    /// the Data sheet.
    bool formula_cell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const CellSource& source,
                      double value, lxw_format* format) {
        if (doc_.audit == nullptr || !options_.formulas || layout_.audit_col.empty() ||
            source.scope >= doc_.audit->scopes.size()) {
            return false;
        }
        const AuditIndicator* item = doc_.audit->find(source.indicator);
        if (item == nullptr) {
            return false;
        }
        const std::string where = criteria(source);
        switch (source.statistic) {
        case Statistic::ratio: {
            if (!item->ratio()) {
                return false;
            }
            const std::string num =
                layout_.range(layout_.audit_col.at(static_cast<std::size_t>(item->numerator)));
            const std::string den =
                layout_.range(layout_.audit_col.at(static_cast<std::size_t>(item->denominator)));
            // A record enters the ratio when both its numerator and denominator are known.
            const std::string both = fmt::format("{},\"<>\",{},\"<>\"", num, den);
            const std::string formula = fmt::format("=SUMIFS({},{},{})/SUMIFS({},{},{})", num,
                                                    where, both, den, where, both);
            book_.check(worksheet_write_formula_num(ws, row, col, formula.c_str(), format, value),
                        "formula");
            return true;
        }
        case Statistic::sum: {
            const auto values = value_column(*item);
            if (!values) {
                return false;
            }
            const std::string formula =
                fmt::format("=SUMIFS({},{})", layout_.range(*values), where);
            book_.check(worksheet_write_formula_num(ws, row, col, formula.c_str(), format, value),
                        "formula");
            return true;
        }
        case Statistic::median: {
            const auto values = value_column(*item);
            if (!values) {
                return false;
            }
            const std::string range = layout_.range(*values);
            // PERCENTILE interpolates like the engine's quartiles ((n-1)p, linear).
            const std::string formula =
                source.quantile == 0.5
                    ? fmt::format("{{=MEDIAN(IF({}*ISNUMBER({}),{}))}}", mask(source), range, range)
                    : fmt::format("{{=PERCENTILE(IF({}*ISNUMBER({}),{}),{})}}", mask(source), range,
                                  range, source.quantile);
            book_.check(worksheet_write_array_formula_num(ws, row, col, row, col, formula.c_str(),
                                                          format, value),
                        "array formula");
            return true;
        }
        case Statistic::bwm: {
            const auto values = value_column(*item);
            if (!values || item->weight < 0) {
                return false;
            }
            const std::string range = layout_.range(*values);
            const std::string weight =
                layout_.range(layout_.audit_col.at(static_cast<std::size_t>(item->weight)));
            const std::string in =
                fmt::format("{}*ISNUMBER({})*ISNUMBER({})", mask(source), range, weight);
            const std::string formula = fmt::format("=SUMPRODUCT({},{},{})/SUMPRODUCT({},{})", in,
                                                    weight, range, in, weight);
            book_.check(worksheet_write_formula_num(ws, row, col, formula.c_str(), format, value),
                        "formula");
            return true;
        }
        case Statistic::trimmed_mean: {
            const auto values = value_column(*item);
            if (!values) {
                return false;
            }
            // TRIMMEAN drops 2*floor(n*p/2) values in all: with p = 2*trim, floor(n*trim) at
            // each end, as the engine does.
            const std::string range = layout_.range(*values);
            const std::string formula = fmt::format("{{=TRIMMEAN(IF({}*ISNUMBER({}),{}),{})}}",
                                                    mask(source), range, range, 2 * item->trim);
            book_.check(worksheet_write_array_formula_num(ws, row, col, row, col, formula.c_str(),
                                                          format, value),
                        "array formula");
            return true;
        }
        }
        return false;
    }

    // ----- the Data sheet -----

    /// Decides the Data sheet's columns before any formula refers to them.
    void plan_data_sheet(const AuditTable& audit) {
        layout_.sheet = data_name_;
        layout_.first = header_row + 1;
        layout_.last = static_cast<lxw_row_t>(header_row + std::max<std::size_t>(audit.rows(), 1));
        std::size_t col = 3; // Institution, Year, Source
        layout_.year_col = 1;
        for (const auto& grouping : audit.groupings) {
            layout_.group_col.push_back(grouping.empty() ? -1 : static_cast<int>(col++));
        }
        for (std::size_t c = 0; c < audit.columns.size(); ++c) {
            layout_.audit_col.push_back(col++);
        }
        for (const auto& item : audit.indicators) {
            if (item.ratio()) {
                layout_.value_col[item.id] = col++;
            }
        }
    }

    void data_sheet(const AuditTable& audit) {
        lxw_worksheet* ws = new_sheet(data_name_);
        if (ws == nullptr) {
            return;
        }
        book_.text(ws, 0, 0,
                   "Inputs of every aggregate: one row per institution and year, as the indicator "
                   "engine evaluated them (in USD, annualised, average balances where the formula "
                   "says so). A blank input is missing or was set aside by a data-quality rule.",
                   note_);
        std::vector<std::string> header{"Institution", "Year", "Source"};
        std::vector<std::string> notes(3);
        std::vector<lxw_format*> formats{nullptr, nullptr, nullptr};
        for (std::size_t g = 0; g < audit.groupings.size(); ++g) {
            if (layout_.group_col[g] >= 0) {
                header.push_back(audit.groupings[g]);
                notes.emplace_back();
                formats.push_back(nullptr);
            }
        }
        for (const auto& column : audit.columns) {
            header.push_back(column.name);
            notes.emplace_back();
            formats.push_back(book_.number_format(column.excel_format));
        }
        for (const auto& item : audit.indicators) {
            if (item.ratio()) {
                header.push_back(fmt::format("{} {}", item.id, item.name));
                notes.push_back(fmt::format("{} = {}", item.id, item.formula_text));
                formats.push_back(book_.number_format(item.excel_format));
            }
        }
        header = unique_headers(header);
        for (std::size_t c = 0; c < header.size(); ++c) {
            book_.text(ws, header_row, static_cast<lxw_col_t>(c), header[c], header_);
        }
        worksheet_freeze_panes(ws, header_row + 1, 1);
        book_.check(worksheet_autofilter(ws, header_row, 0, layout_.last,
                                         static_cast<lxw_col_t>(header.size() - 1)),
                    "autofilter");
        for (std::size_t c = 0; c < header.size(); ++c) {
            const double width =
                c == 2 ? 26.0 : std::clamp(static_cast<double>(text_width(header[c])), 10.0, 24.0);
            book_.check(worksheet_set_column(ws, static_cast<lxw_col_t>(c),
                                             static_cast<lxw_col_t>(c), width, nullptr),
                        "column width");
            if (!notes[c].empty() && !constant_memory_) {
                book_.check(worksheet_write_comment(ws, header_row, static_cast<lxw_col_t>(c),
                                                    notes[c].c_str()),
                            "comment");
            }
        }
        for (std::size_t r = 0; r < audit.rows(); ++r) {
            data_row(ws, audit, r, formats);
        }
    }

    void data_row(lxw_worksheet* ws, const AuditTable& audit, std::size_t r,
                  const std::vector<lxw_format*>& formats) {
        const auto row = static_cast<lxw_row_t>(layout_.first + r);
        book_.text(ws, row, 0, audit.institution[r], nullptr);
        book_.number(ws, row, 1, audit.year[r], nullptr);
        book_.text(ws, row, 2, audit.origin[r], nullptr);
        for (std::size_t g = 0; g < audit.groupings.size(); ++g) {
            if (layout_.group_col[g] >= 0) {
                book_.text(ws, row, static_cast<lxw_col_t>(layout_.group_col[g]),
                           audit.group_labels[g][r], nullptr);
            }
        }
        for (std::size_t c = 0; c < audit.columns.size(); ++c) {
            const double value = audit.columns[c].values[r];
            if (std::isfinite(value)) {
                const std::size_t col = layout_.audit_col[c];
                book_.number(ws, row, static_cast<lxw_col_t>(col), value, formats[col]);
            }
        }
        for (const auto& item : audit.indicators) {
            if (!item.ratio()) {
                continue;
            }
            const std::size_t col = layout_.value_col.at(item.id);
            const std::size_t num_col = layout_.audit_col[static_cast<std::size_t>(item.numerator)];
            const std::size_t den_col =
                layout_.audit_col[static_cast<std::size_t>(item.denominator)];
            const std::string num = fmt::format("{}{}", column_name(num_col), row + 1);
            const std::string den = fmt::format("{}{}", column_name(den_col), row + 1);
            const std::string formula =
                fmt::format("=IF(OR({}=\"\",{}=\"\",{}=0),\"\",{}/{})", num, den, den, num, den);
            const double n = audit.columns[static_cast<std::size_t>(item.numerator)].values[r];
            const double d = audit.columns[static_cast<std::size_t>(item.denominator)].values[r];
            if (std::isfinite(n) && std::isfinite(d) && d != 0.0 && std::isfinite(n / d)) {
                book_.check(worksheet_write_formula_num(ws, row, static_cast<lxw_col_t>(col),
                                                        formula.c_str(), formats[col], n / d),
                            "formula");
            } else {
                book_.check(worksheet_write_formula_str(ws, row, static_cast<lxw_col_t>(col),
                                                        formula.c_str(), formats[col], ""),
                            "formula");
            }
        }
    }

    // ----- figures -----

    void write_figure(const Figure& figure) {
        lxw_worksheet* ws = new_sheet(figure.sheet_name);
        if (ws == nullptr) {
            return;
        }
        const charts::ChartSpec& spec = figure.chart;
        book_.text(ws, 0, 0, figure.caption, bold_);
        if (spec.kind == charts::ChartKind::scatter) {
            scatter(ws, figure);
            return;
        }
        const FigureData data = figure_data(spec, doc_.info.workbook);
        const auto type = native_chart_type(spec.kind);
        lxw_format* value_format = book_.number_format(excel_value_format(spec.format));
        book_.text(ws, header_row, 0, doc_.info.workbook.category, header_);
        for (std::size_t s = 0; s < data.series.size(); ++s) {
            book_.text(ws, header_row, static_cast<lxw_col_t>(s + 1), data.series[s], header_);
        }
        if (!type) {
            // No native equivalent (small multiples, sparklines): the data stays, with a note
            // that the chart is in the PDF.
            book_.text(ws, header_row, static_cast<lxw_col_t>(data.series.size() + 2),
                       doc_.info.workbook.no_native_chart, note_);
        }
        for (std::size_t i = 0; i < data.categories.size(); ++i) {
            const auto row = static_cast<lxw_row_t>(header_row + 1 + i);
            book_.text(ws, row, 0, data.categories[i], nullptr);
            for (std::size_t s = 0; s < data.series.size(); ++s) {
                // A missing value stays an empty cell: the chart shows a gap, not a zero.
                if (i < data.values[s].size() && data.values[s][i]) {
                    book_.number(ws, row, static_cast<lxw_col_t>(s + 1), *data.values[s][i],
                                 value_format);
                }
            }
        }
        book_.check(worksheet_set_column(ws, 0, 0, 30, nullptr), "column width");
        book_.check(
            worksheet_set_column(ws, 1, static_cast<lxw_col_t>(data.series.size()), 16, nullptr),
            "column width");
        worksheet_freeze_panes(ws, header_row + 1, 1);
        if (!type || data.categories.empty() || data.series.empty()) {
            return;
        }
        native_chart(ws, figure, data, *type);
    }

    void native_chart(lxw_worksheet* ws, const Figure& figure, const FigureData& data,
                      std::uint8_t type) {
        const charts::ChartSpec& spec = figure.chart;
        lxw_chart* chart = workbook_add_chart(book_.workbook(), type);
        if (chart == nullptr) {
            book_.fail("cannot add chart");
            return;
        }
        const auto first = static_cast<lxw_row_t>(header_row + 1);
        const auto last = static_cast<lxw_row_t>(header_row + data.categories.size());
        const char* sheet = figure.sheet_name.c_str();
        for (std::size_t s = 0; s < data.series.size(); ++s) {
            lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
            if (series == nullptr) {
                book_.fail("cannot add chart series");
                return;
            }
            const auto col = static_cast<lxw_col_t>(s + 1);
            chart_series_set_categories(series, sheet, first, 0, last, 0);
            chart_series_set_values(series, sheet, first, col, last, col);
            chart_series_set_name_range(series, sheet, header_row, col);
            style_series(series, spec.kind, data.styles[s]);
        }
        if (spec.kind == charts::ChartKind::range) {
            chart_set_high_low_lines(chart, nullptr);
        }
        chart_title_set_name(chart, spec.title.c_str());
        const std::string format = excel_value_format(spec.format);
        chart_axis_set_num_format(chart->y_axis, format.c_str());
        if (!spec.value_axis_title.empty()) {
            chart_axis_set_name(chart->y_axis, spec.value_axis_title.c_str());
        }
        chart_show_blanks_as(chart, LXW_CHART_BLANKS_AS_GAP);
        chart_legend_set_position(chart, data.series.size() > 1 ? LXW_CHART_LEGEND_BOTTOM
                                                                : LXW_CHART_LEGEND_NONE);
        insert_chart(ws, figure, chart, static_cast<lxw_col_t>(data.series.size() + 2));
    }

    static void style_series(lxw_chart_series* series, charts::ChartKind kind, SeriesStyle style) {
        switch (style) {
        case SeriesStyle::normal:
            if (kind == charts::ChartKind::line) {
                chart_series_set_marker_type(series, LXW_CHART_MARKER_AUTOMATIC);
            }
            return;
        case SeriesStyle::reference_line: {
            lxw_chart_line line{};
            line.color = 0x808080;
            line.dash_type = LXW_CHART_LINE_DASH_DASH;
            line.width = 1.25F;
            chart_series_set_line(series, &line);
            chart_series_set_marker_type(series, LXW_CHART_MARKER_NONE);
            return;
        }
        case SeriesStyle::points_only: {
            lxw_chart_line line{};
            line.none = LXW_TRUE;
            chart_series_set_line(series, &line);
            chart_series_set_marker_type(series, LXW_CHART_MARKER_DIAMOND);
            chart_series_set_marker_size(series, 8);
            return;
        }
        }
    }

    void insert_chart(lxw_worksheet* ws, const Figure& figure, lxw_chart* chart, lxw_col_t col) {
        lxw_chart_options options{};
        options.x_scale = 1.6;
        options.y_scale = 1.4;
        // Alt text for screen readers: the caption and, when there is one, the note.
        std::string description =
            figure.note.empty() ? figure.caption : figure.caption + ". " + figure.note;
        options.description = description.data();
        book_.check(worksheet_insert_chart_opt(ws, header_row, col, chart, &options), "chart");
    }

    /// A scatter's data: one block of rows per series (series name, x, y), each block a series
    /// of the native scatter chart. A missing x or y stays an empty cell (no point), never 0.
    void scatter(lxw_worksheet* ws, const Figure& figure) {
        const charts::ChartSpec& spec = figure.chart;
        const std::string x_title =
            spec.category_axis_title.empty() ? "x" : spec.category_axis_title;
        const std::string y_title = spec.value_axis_title.empty() ? "y" : spec.value_axis_title;
        book_.text(ws, header_row, 0, doc_.info.workbook.series, header_);
        book_.text(ws, header_row, 1, x_title, header_);
        book_.text(ws, header_row, 2, y_title, header_);
        lxw_format* x_format = book_.number_format(excel_value_format(spec.x_format));
        lxw_format* y_format = book_.number_format(excel_value_format(spec.format));
        lxw_chart* chart = workbook_add_chart(book_.workbook(), LXW_CHART_SCATTER);
        if (chart == nullptr) {
            book_.fail("cannot add chart");
            return;
        }
        auto row = static_cast<lxw_row_t>(header_row + 1);
        for (const auto& series : spec.series) {
            const lxw_row_t first = row;
            for (std::size_t i = 0; i < series.values.size(); ++i, ++row) {
                book_.text(ws, row, 0, series.name, nullptr);
                if (i < series.x.size() && series.x[i]) {
                    book_.number(ws, row, 1, *series.x[i], x_format);
                }
                if (series.values[i]) {
                    book_.number(ws, row, 2, *series.values[i], y_format);
                }
            }
            if (row == first) {
                continue; // a series without points has no range to chart
            }
            lxw_chart_series* added = chart_add_series(chart, nullptr, nullptr);
            if (added == nullptr) {
                book_.fail("cannot add chart series");
                return;
            }
            chart_series_set_categories(added, figure.sheet_name.c_str(), first, 1, row - 1, 1);
            chart_series_set_values(added, figure.sheet_name.c_str(), first, 2, row - 1, 2);
            chart_series_set_name(added, series.name.c_str());
            chart_series_set_marker_type(added, LXW_CHART_MARKER_CIRCLE);
        }
        book_.check(worksheet_set_column(ws, 0, 0, 30, nullptr), "column width");
        book_.check(worksheet_set_column(ws, 1, 2, 18, nullptr), "column width");
        worksheet_freeze_panes(ws, header_row + 1, 1);
        chart_title_set_name(chart, spec.title.c_str());
        chart_axis_set_name(chart->x_axis, x_title.c_str());
        chart_axis_set_name(chart->y_axis, y_title.c_str());
        chart_axis_set_num_format(chart->x_axis, excel_value_format(spec.x_format).c_str());
        chart_axis_set_num_format(chart->y_axis, excel_value_format(spec.format).c_str());
        chart_legend_set_position(chart, spec.series.size() > 1 ? LXW_CHART_LEGEND_BOTTOM
                                                                : LXW_CHART_LEGEND_NONE);
        insert_chart(ws, figure, chart, 4);
    }

    xlsx::Book& book_;
    const Document& doc_;
    const XlsxOptions& options_;
    bool constant_memory_;
    std::string data_name_ = "Data";
    DataLayout layout_;
    lxw_format* bold_ = nullptr;
    lxw_format* title_ = nullptr;
    lxw_format* header_ = nullptr;
    lxw_format* missing_ = nullptr;
    lxw_format* note_ = nullptr;
    lxw_format* wrap_ = nullptr;
    lxw_format* link_ = nullptr;
};

/// Cells the workbook will hold in all (tables and the Data sheet).
std::size_t total_cells(const Document& doc) {
    std::size_t cells = 0;
    if (doc.audit != nullptr) {
        cells += doc.audit->rows() *
                 (3 + doc.audit->groupings.size() + doc.audit->columns.size() +
                  static_cast<std::size_t>(
                      std::count_if(doc.audit->indicators.begin(), doc.audit->indicators.end(),
                                    [](const AuditIndicator& item) { return item.ratio(); })));
    }
    for (const auto& block : doc.blocks) {
        if (const auto* table = workbook_table(block)) {
            cells += table->row_count() * std::max<std::size_t>(table->header.size(), 1);
        }
    }
    return cells;
}

} // namespace

bool write_xlsx(const Document& doc, const std::string& path, const XlsxOptions& options,
                Diagnostics& diagnostics) {
    xlsx::Properties properties;
    properties.title = doc.info.title;
    properties.subject = doc.info.subject;
    properties.author = doc.info.author;
    properties.keywords = doc.info.keywords;
    properties.comments =
        "Generated by " +
        (doc.info.generator.empty() ? std::string("sfpgen") : doc.info.generator) +
        " from the report configuration and data";
    properties.created = options.timestamp;
    properties.custom = {{"Fingerprint", doc.info.fingerprint}, {"Period", doc.info.period}};
    const bool constant_memory = total_cells(doc) > options.constant_memory_cells;
    return xlsx::write_workbook(
        path, constant_memory, properties, diagnostics,
        [&](xlsx::Book& book) { WorkbookWriter(book, doc, options, constant_memory).write(); });
}

} // namespace sfp
