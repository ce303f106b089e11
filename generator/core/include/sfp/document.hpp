#pragma once
/// The document model: what a report says, independent of PDF or XLSX. Built from a spec and
/// results by build_document; laid out and rendered by the renderers.

#include "charts/chart.hpp"
#include "sfp/audit.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/targets.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sfp {

/// Horizontal alignment of a cell. `decimal` right-aligns numbers on their decimal separator
/// (the renderer pads so that the separators of a column line up); text cells in a decimal
/// column are right-aligned.
enum class Align { left, right, decimal, centre };

/// Base direction of a paragraph or table. `automatic` takes it from the first strong character
/// (Arabic text is right to left); `rtl` also mirrors a table's column order.
enum class TextDirection { automatic, ltr, rtl };

/// Where a table number comes from: one aggregate of the results. The workbook writes such a
/// cell as a formula over its Data sheet (SUMIFS ratio, sum, median, weighted mean) with the
/// value stored beside it.
struct CellSource {
    std::string indicator;
    Statistic statistic = Statistic::ratio;
    std::size_t scope = 0; ///< index into Results::scopes (and AuditTable::scopes)
    int year = 0;
    double quantile = 0.5; ///< median cells: 0.25 for the P25, 0.75 for the P75
};

/// One table cell. `number` keeps the raw value for spreadsheets; `text` is how it is printed;
/// `subtext` is a second, smaller line (n, or the reason a value is missing).
struct Cell {
    std::string text;
    std::optional<double> number;
    std::string excel_format; ///< Excel number format for `number`, e.g. "0.0%"
    std::string subtext;
    Align align = Align::left;
    bool missing = false;             ///< printed as ".." with the reason in subtext
    std::string status;               ///< a target status name ("on-track", ...) for status cells
    std::optional<CellSource> source; ///< set when `number` is an aggregate of the results
};

struct Heading {
    int level = 1;      ///< 1 = section, 2 = subsection; the outline nests by level
    std::string number; ///< "1", "2.1", "Annex A" (printed before the text); may be empty
    std::string text;
    std::string id; ///< unique anchor ("sec-3", "annex-b"): PDF destination, TOC link target
    bool in_contents = true; ///< listed in the table of contents and the outline
};

struct Paragraph {
    std::string text; ///< plain UTF-8, no markup
    int number = 0;   ///< numbered paragraph (GB style) when > 0
    /// Footnotes: each gets the next footnote number; the marker is set after the text and the
    /// note at the foot of the page where the paragraph ends (linked both ways in the PDF).
    std::vector<std::string> footnotes;
    TextDirection direction = TextDirection::automatic;
    std::string language; ///< "en", "fr", "es", "ar"...: hyphenation; empty = the document's
};

/// The rows of a table made one at a time, when a renderer reads them: the workbook's Results
/// sheet has a row per result (65,000 rows of 12 cells on a report with many groupings, 174 MB
/// as cells). A source keeps its own copy of what it reads: it outlives the results.
class RowSource {
public:
    RowSource() = default;
    virtual ~RowSource() = default;
    RowSource(const RowSource&) = delete;
    RowSource& operator=(const RowSource&) = delete;
    RowSource(RowSource&&) = delete;
    RowSource& operator=(RowSource&&) = delete;

    [[nodiscard]] virtual std::size_t size() const = 0;
    /// Row `r` (r < size()), the same each time it is asked for.
    [[nodiscard]] virtual std::vector<Cell> row(std::size_t r) const = 0;
};

struct Table {
    std::string caption;    ///< "Table 1. Outreach and sustainability by region, 2024"
    std::string sheet_name; ///< XLSX sheet, at most 31 characters
    std::vector<std::string> header;
    std::vector<double> widths; ///< relative column widths
    std::vector<std::vector<Cell>> rows;
    /// When set, the rows come from here instead of `rows` (which stays empty): read them with
    /// row_count() and for_each_row().
    std::shared_ptr<const RowSource> row_source;
    std::string note; ///< notes and sources under the table
    bool in_pdf = true;
    bool in_xlsx = true; ///< false: the PDF only (the workbook has another table of the rows)
    /// The PDF sets each row on one line when a smaller size allows (a statistical annex).
    bool compact = false;
    std::vector<std::string> footnotes; ///< like Paragraph::footnotes; marker after the caption
    TextDirection direction = TextDirection::automatic; ///< rtl: first column on the right
    std::string id;                                     ///< anchor ("table-3"), may be empty

    [[nodiscard]] std::size_t row_count() const {
        return row_source ? row_source->size() : rows.size();
    }
    /// Calls `f(cells)` for each row in order, made one at a time when the table has a source.
    template <typename F> void for_each_row(F&& f) const {
        if (!row_source) {
            for (const auto& cells : rows) {
                f(cells);
            }
            return;
        }
        for (std::size_t r = 0; r < row_source->size(); ++r) {
            const std::vector<Cell> cells = row_source->row(r);
            f(cells);
        }
    }
};

struct Figure {
    std::string caption;
    charts::ChartSpec chart;
    double height = 230;    ///< points
    std::string sheet_name; ///< XLSX sheet holding its data and native chart
    std::string note;       ///< source and notes under the figure
    std::vector<std::string> footnotes;
    std::string id; ///< anchor ("figure-2"), may be empty
};

/// A key figure: a large value with a label and a line of context ("+1.2 points since 2023").
struct KeyFigure {
    std::string label;
    std::string value; ///< printed value, ".." when missing
    std::string detail;
    std::string status; ///< a target status name for a colour mark, or empty
    std::optional<double> number;
    std::string excel_format;
};

/// A box of 2-6 key figures in a row (the summary's "at a glance").
struct KeyFigures {
    std::string title;
    std::vector<KeyFigure> items;
    std::string note;
};

/// Where the table of contents goes; the renderer fills it with the headings that follow it
/// (`in_contents`) and their page labels, each linked to its heading.
struct Contents {
    std::string title; ///< "Contents"
};

struct PageBreak {};

using Block = std::variant<Heading, Paragraph, Table, Figure, KeyFigures, Contents, PageBreak>;

/// The block's table when it goes to the workbook (not `in_xlsx = false`), else nullptr.
[[nodiscard]] inline const Table* workbook_table(const Block& block) {
    const auto* table = std::get_if<Table>(&block);
    return table != nullptr && table->in_xlsx ? table : nullptr;
}

enum class PageSize { a4, letter };

/// The words the renderer itself prints, in the document's language.
struct Labels {
    std::string page_of = "Page {page} of {pages}"; ///< running footer
    std::string continued = "(continued)";          ///< after a table caption on later pages
    std::string date = "Date";                      ///< cover: "Date: 28 November 2026"
    std::string summary = "Summary";                ///< cover: the summary box title
};

/// The words the workbook writer prints, in the document's language (templates/common/text/
/// <lang>/workbook.toml). Sheet names (Cover, Contents, Results, Data) and the headers of the
/// Results and Data sheets stay English: scripts read them.
struct WorkbookLabels {
    std::string symbol = "Symbol";
    std::string date = "Date";
    std::string period = "Period";
    std::string summary = "Summary";
    std::string sources = "Sources";
    std::string how_to_read_title = "How to read";
    std::string how_to_read =
        "Numbers are stored as values with number formats, never as text. '..' marks a missing "
        "value; its reason is in the Results sheet. Every aggregate in a table is a formula over "
        "the Data sheet.";
    std::string generated_by = "Generated by";
    std::string fingerprint = "Fingerprint";
    std::string fingerprint_note = "sha256 over the configuration, catalogue, template and data";
    std::string contents = "Contents";
    std::string sheet = "Sheet";
    std::string data_contents = "Inputs of every aggregate: one row per institution and year";
    std::string category = "Category";
    std::string series = "Series";
    std::string no_native_chart =
        "This kind of chart has no native Excel equivalent; it is drawn in the PDF.";
    std::string reasons_in_results = "The reason for each '..' is in the Results sheet.";
    std::string actual = "Actual";
    std::string expected = "Expected";
    std::string target = "Target";
    std::string baseline = "Baseline";
};

/// Title block and metadata.
struct DocumentInfo {
    std::string title;
    std::string subtitle;
    std::string author;
    std::string subject;
    std::string keywords;
    std::string symbol;
    std::string date_text;        ///< as printed on the cover, e.g. "28 November 2026"
    std::vector<CoverLine> cover; ///< GB cover block lines
    std::string summary;
    std::string language = "en"; ///< BCP 47 language of the text: hyphenation, direction
    PageSize page_size = PageSize::a4;
    Labels labels;
    WorkbookLabels workbook;
    std::string period;               ///< "2020-2024": the years the report covers
    std::vector<std::string> sources; ///< data sources, one line each ("partners: data/x.csv")
    /// What the report was generated from: "sha256 of config, catalogue, template and data:
    /// 3f2a...", so a reader can tell whether two workbooks come from the same inputs.
    std::string fingerprint;
    std::string generator; ///< "sfpgen 0.1.0"
};

struct Document {
    DocumentInfo info;
    std::vector<Block> blocks;
    /// The per-record inputs of the aggregates in the tables (the workbook's Data sheet and its
    /// formulas); null when the workbook is written without them.
    std::shared_ptr<const AuditTable> audit;
};

struct ReportTemplate;

/// Builds a report from its template (document.toml and the text files) in `language` ("en",
/// "fr", "es"): every word comes from the language's text files, numbers are formatted in its
/// locale. Problems (a message argument without a value, a grouping not computed) are reported
/// in `diagnostics`; the document is built anyway. Without `workbook_tables`, the tables that
/// only the workbook shows (`in_pdf = false`, such as the long results table) are left out: a
/// run that writes no workbook does not build them (on the 2,000 x 15 panel the results table
/// alone holds 150,000 cells, 32 MB). With `threads` of 2 or more, a second thread builds
/// tables too (a report of four tables or more); the document is the same.
[[nodiscard]] Document build_document(const ReportSpec& spec, const ReportTemplate& report,
                                      const std::string& language, const Catalogue& catalogue,
                                      const Dataset& data, const Results& results,
                                      const Assessment& assessment, Diagnostics& diagnostics,
                                      const RecordValues* record_values = nullptr,
                                      bool workbook_tables = true, unsigned threads = 1);

/// Loads the spec's template ([report] template) and builds the report in the spec's language;
/// diagnostics are dropped (tests and tools). A spec without a template gives a document with
/// the spec's title and no blocks.
[[nodiscard]] Document build_document(const ReportSpec& spec, const Catalogue& catalogue,
                                      const Dataset& data, const Results& results,
                                      const Assessment& assessment = {});

/// How an indicator value is printed in tables (USD in millions, fractions as percent), in the
/// number format of `language`: en "12.3%", "1,234.5"; fr "12,3 %", "1 234,5"; es "1.234,5".
[[nodiscard]] std::string format_indicator(double value, const IndicatorDef& def,
                                           const std::string& language = "en");
/// The Excel number format that prints a raw value like format_indicator (locale-independent).
[[nodiscard]] std::string excel_format(const IndicatorDef& def);
/// The chart value format for an indicator.
[[nodiscard]] charts::ValueFormat chart_format(const IndicatorDef& def,
                                               const std::string& language = "en");

/// "28 November 2026" from "2026-11-28"; fr "28 novembre 2026", es "28 de noviembre de 2026".
[[nodiscard]] std::string long_date(const std::string& iso_date,
                                    const std::string& language = "en");

/// The number locale of a report language (anything but fr and es is English).
[[nodiscard]] charts::Locale locale_of(const std::string& language);

} // namespace sfp
