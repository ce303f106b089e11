#pragma once
/// The document model: what a report says, independent of PDF or XLSX. Built from a spec and
/// results by build_document; laid out and rendered by the renderers.

#include "charts/chart.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/targets.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sfp {

enum class Align { left, right };

/// One table cell. `number` keeps the raw value for spreadsheets; `text` is how it is printed;
/// `subtext` is a second, smaller line (n, or the reason a value is missing).
struct Cell {
    std::string text;
    std::optional<double> number;
    std::string excel_format; ///< Excel number format for `number`, e.g. "0.0%"
    std::string subtext;
    Align align = Align::left;
    bool missing = false; ///< printed as ".." with the reason in subtext
    std::string status;   ///< a target status name ("on-track", ...) for status cells
};

struct Heading {
    int level = 1;
    std::string number; ///< "1", "A"
    std::string text;
};

struct Paragraph {
    std::string text;
    int number = 0; ///< numbered paragraph (GB style) when > 0
};

struct Table {
    std::string caption;    ///< "Table 1. Outreach and sustainability by region, 2024"
    std::string sheet_name; ///< XLSX sheet, at most 31 characters
    std::vector<std::string> header;
    std::vector<double> widths; ///< relative column widths
    std::vector<std::vector<Cell>> rows;
    std::string note; ///< notes and sources under the table
    bool in_pdf = true;
};

struct Figure {
    std::string caption;
    charts::ChartSpec chart;
    double height = 230;    ///< points
    std::string sheet_name; ///< XLSX sheet holding its data and native chart
};

struct PageBreak {};

using Block = std::variant<Heading, Paragraph, Table, Figure, PageBreak>;

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
};

struct Document {
    DocumentInfo info;
    std::vector<Block> blocks;
};

/// Builds the Governing Body progress report from a spec, its data and results.
[[nodiscard]] Document build_document(const ReportSpec& spec, const Catalogue& catalogue,
                                      const Dataset& data, const Results& results,
                                      const Assessment& assessment = {});

/// How an indicator value is printed in tables (USD in millions, fractions as percent).
[[nodiscard]] std::string format_indicator(double value, const IndicatorDef& def);
/// The Excel number format that prints a raw value like format_indicator.
[[nodiscard]] std::string excel_format(const IndicatorDef& def);
/// The chart value format for an indicator.
[[nodiscard]] charts::ValueFormat chart_format(const IndicatorDef& def);

/// "28 November 2026" from "2026-11-28".
[[nodiscard]] std::string long_date(const std::string& iso_date);

} // namespace sfp
