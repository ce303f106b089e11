#include "sfp/document.hpp"

#include "charts/scale.hpp"

#include <array>
#include <fmt/format.h>
#include <set>

namespace sfp {

std::string format_indicator(double value, const IndicatorDef& def) {
    switch (def.unit) {
    case Unit::fraction:
        return charts::group_thousands(value * 100.0, def.decimals) + "%";
    case Unit::count:
        return charts::group_thousands(value, def.decimals);
    case Unit::usd:
        return charts::group_thousands(value / 1e6, def.decimals);
    }
    return charts::group_thousands(value, def.decimals);
}

std::string excel_format(const IndicatorDef& def) {
    const std::string decimals =
        def.decimals > 0 ? "." + std::string(static_cast<std::size_t>(def.decimals), '0') : "";
    switch (def.unit) {
    case Unit::fraction:
        return "0" + decimals + "%";
    case Unit::count:
        return "#,##0" + decimals;
    case Unit::usd:
        return "#,##0" + decimals + ",,"; // each trailing comma divides by 1,000
    }
    return "General";
}

charts::ValueFormat chart_format(const IndicatorDef& def) {
    charts::ValueFormat format;
    format.decimals = def.decimals;
    switch (def.unit) {
    case Unit::fraction:
        format.kind = charts::ValueKind::percent;
        break;
    case Unit::count:
        format.kind = charts::ValueKind::number;
        format.compact = true;
        break;
    case Unit::usd:
        format.kind = charts::ValueKind::currency;
        format.compact = true;
        break;
    }
    return format;
}

std::string long_date(const std::string& iso_date) {
    static const std::array<const char*, 12> months{
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    int year = 0;
    int month = 0;
    int day = 0;
    if (std::sscanf(iso_date.c_str(), "%d-%d-%d", &year, &month, &day) != 3 || month < 1 ||
        month > 12) {
        return iso_date;
    }
    return fmt::format("{} {} {}", day, months.at(static_cast<std::size_t>(month - 1)), year);
}

namespace {

std::string_view missing_text(MissingReason reason) {
    switch (reason) {
    case MissingReason::no_data:
        return "no data";
    case MissingReason::zero_denominator:
        return "zero denominator";
    }
    return "no data";
}

/// The table cell of one result: the value with n below it, or ".." with the reason.
Cell result_cell(const IndicatorResult* result, const IndicatorDef& def) {
    Cell cell;
    cell.align = Align::right;
    cell.excel_format = excel_format(def);
    if (result == nullptr || !result->value) {
        cell.text = "..";
        cell.missing = true;
        cell.subtext = result != nullptr && result->missing
                           ? std::string(missing_text(*result->missing))
                           : "no data";
        return cell;
    }
    cell.number = result->value;
    cell.text = format_indicator(*result->value, def);
    cell.subtext = fmt::format("n={}", result->n);
    return cell;
}

Cell text_cell(std::string text) {
    Cell cell;
    cell.text = std::move(text);
    return cell;
}

Cell count_cell(long count) {
    Cell cell;
    cell.number = static_cast<double>(count);
    cell.text = charts::group_thousands(static_cast<double>(count), 0);
    cell.excel_format = "#,##0";
    cell.align = Align::right;
    return cell;
}

std::string column_title(const IndicatorDef& def) {
    return def.short_name;
}

std::string missing_note() {
    return "'..' = no data: no institution in scope reported every input of the indicator "
           "(the reason is given under the cell). n = institutions whose figures enter the "
           "aggregate. Ratios are weighted: sum of numerators over sum of denominators.";
}

class Builder {
public:
    Builder(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
            const Results& results)
        : spec_(spec), catalogue_(catalogue), data_(data), results_(results),
          last_(results.periods.back()) {}

    Document build() {
        Document doc;
        doc.info.title = spec_.title;
        doc.info.subtitle = spec_.subtitle;
        doc.info.author = spec_.author;
        doc.info.symbol = spec_.symbol;
        doc.info.subject =
            fmt::format("Progress report, fiscal years {}-{}", spec_.first_year, spec_.last_year);
        doc.info.keywords = "microfinance; decent work; ILO; Social Finance Programme; " +
                            fmt::format("{}", fmt::join(spec_.indicators, "; "));
        doc.info.date_text = long_date(spec_.date);
        doc.info.cover = spec_.cover;
        doc.info.summary = spec_.summary;
        blocks_ = &doc.blocks;

        heading("1", "Introduction");
        if (!spec_.introduction.empty()) {
            paragraph(spec_.introduction);
        }
        paragraph(coverage_sentence());

        heading("2", fmt::format("Results by {}, {}", group_word(), last_));
        paragraph(headline_sentence());
        doc.blocks.emplace_back(scope_table());
        for (const auto& chart : spec_.charts) {
            doc.blocks.emplace_back(figure(chart));
        }

        heading("3", fmt::format("Trends, {}-{}", spec_.first_year, spec_.last_year));
        paragraph(trend_sentence());
        doc.blocks.emplace_back(trend_table());

        doc.blocks.emplace_back(PageBreak{});
        heading("", fmt::format("Annex A. Results by {} and year", group_word()));
        doc.blocks.emplace_back(annex_table());
        heading("", "Annex B. Data coverage and quality");
        paragraph(quality_sentence());
        doc.blocks.emplace_back(sources_table());
        if (!data_.issues.empty()) {
            doc.blocks.emplace_back(issues_table());
        }
        heading("", "Annex C. Indicator definitions");
        doc.blocks.emplace_back(definitions_table());
        doc.blocks.emplace_back(results_sheet());
        return doc;
    }

private:
    void heading(std::string number, std::string text) {
        blocks_->emplace_back(Heading{1, std::move(number), std::move(text)});
    }
    void paragraph(std::string text) {
        blocks_->emplace_back(Paragraph{std::move(text), ++paragraph_number_});
    }

    std::string group_word() const { return spec_.group_by == "region" ? "region" : "country"; }

    const IndicatorResult* result(const std::string& id, std::size_t scope, int period) const {
        return results_.find(id, scope, period);
    }

    /// "5.1%" or ".. (no data)", for sentences.
    std::string value_text(const std::string& id, std::size_t scope, int period) const {
        const IndicatorResult* found = result(id, scope, period);
        const IndicatorDef& def = *catalogue_.find(id);
        if (found == nullptr || !found->value) {
            return "not available (no data)";
        }
        const std::string value = format_indicator(*found->value, def);
        return def.unit == Unit::usd ? "USD " + value + " million" : value;
    }

    std::string coverage_sentence() const {
        const std::size_t all = results_.all_scope();
        long rows_read = 0;
        long rows_used = 0;
        for (const auto& stats : data_.stats) {
            rows_read += stats.rows_read;
            rows_used += stats.rows_used;
        }
        return fmt::format(
            "The report covers fiscal years {} to {}. In {}, {} partner institutions in {} "
            "{}s reported figures ({} in {}). Of {} institution-year records read, {} were used; "
            "{} values were set aside as missing or impossible (Annex B). Every figure below is "
            "an aggregate of the institutions that reported all of its inputs; their number (n) "
            "is given with each figure.",
            spec_.first_year, spec_.last_year, last_, results_.reporting_count(all, last_),
            results_.scopes.size() - 1, group_word(),
            results_.reporting_count(all, spec_.first_year), spec_.first_year, rows_read, rows_used,
            data_.issues.size());
    }

    std::string change_word(const std::string& id) const {
        const std::size_t all = results_.all_scope();
        const auto* now = result(id, all, last_);
        const auto* before = result(id, all, last_ - 1);
        if (now == nullptr || before == nullptr || !now->value || !before->value) {
            return "";
        }
        const IndicatorDef& def = *catalogue_.find(id);
        const std::string verb = *now->value > *before->value   ? "rose"
                                 : *now->value < *before->value ? "fell"
                                                                : "was unchanged";
        if (verb == "was unchanged") {
            return fmt::format(" ({} since {})", verb, last_ - 1);
        }
        return fmt::format(" ({} from {} in {})", verb, format_indicator(*before->value, def),
                           last_ - 1);
    }

    std::string headline_sentence() const {
        const std::size_t all = results_.all_scope();
        std::string text = fmt::format("In {}, across all {}s: ", last_, group_word());
        bool first = true;
        for (const auto& id : spec_.indicators) {
            const IndicatorDef& def = *catalogue_.find(id);
            const auto* found = result(id, all, last_);
            text += first ? "" : "; ";
            first = false;
            text += fmt::format("{} {}{}", def.name, value_text(id, all, last_), change_word(id));
            if (found != nullptr && found->value) {
                text += fmt::format(" [n = {}]", found->n);
            }
        }
        return text + ".";
    }

    std::string trend_sentence() const {
        return fmt::format("Table 2 shows the aggregate of all {}s year by year. Institutions "
                           "enter and leave the sample, so a change between two years mixes "
                           "performance with composition; n gives the sample of each year.",
                           group_word());
    }

    std::string quality_sentence() const {
        return "Values that are missing in a source stay missing; values that are impossible "
               "(negative amounts or counts, PAR30 above the portfolio, PAR90 above PAR30, more "
               "women borrowers than borrowers) are set aside and listed below with their file, "
               "row, column and a stable code (docs/data.md); gaps in an institution's series, "
               "figures carried forward and names shared by several institutions are flagged. "
               "Rejected rows are not used at all.";
    }

    Table scope_table() const {
        Table table;
        table.caption = fmt::format("Table 1. Indicators by {}, {}", group_word(), last_);
        table.sheet_name = "Table 1";
        table.header = {group_word() == "region" ? "Region" : "Country", "Institutions"};
        table.widths = {2.2, 1.1};
        for (const auto& id : spec_.indicators) {
            table.header.push_back(column_title(*catalogue_.find(id)));
            table.widths.push_back(1.2);
        }
        for (std::size_t scope = 0; scope < results_.scopes.size(); ++scope) {
            std::vector<Cell> row{text_cell(results_.scopes[scope].label),
                                  count_cell(results_.reporting_count(scope, last_))};
            for (const auto& id : spec_.indicators) {
                row.push_back(result_cell(result(id, scope, last_), *catalogue_.find(id)));
            }
            table.rows.push_back(std::move(row));
        }
        table.note = missing_note() + " Source: " + source_names() + ".";
        return table;
    }

    Table trend_table() const {
        Table table;
        table.caption =
            fmt::format("Table 2. All {}s, {}-{}", group_word(), spec_.first_year, spec_.last_year);
        table.sheet_name = "Table 2";
        table.header = {"Indicator"};
        table.widths = {3.0};
        for (const int year : results_.periods) {
            table.header.push_back(fmt::format("{}", year));
            table.widths.push_back(1.0);
        }
        const std::size_t all = results_.all_scope();
        for (const auto& id : spec_.indicators) {
            const IndicatorDef& def = *catalogue_.find(id);
            std::vector<Cell> row{text_cell(indicator_label(def))};
            for (const int year : results_.periods) {
                row.push_back(result_cell(result(id, all, year), def));
            }
            table.rows.push_back(std::move(row));
        }
        table.note = missing_note();
        return table;
    }

    std::string indicator_label(const IndicatorDef& def) const {
        std::string label = fmt::format("{} {}", def.id, def.name);
        if (def.unit == Unit::usd) {
            label += " (USD m)";
        }
        return label;
    }

    Table annex_table() const {
        Table table;
        table.caption = fmt::format("Table A.1. Results by {} and year", group_word());
        table.sheet_name = "Annex A";
        table.header = {"Indicator", group_word() == "region" ? "Region" : "Country"};
        table.widths = {2.4, 2.2};
        for (const int year : results_.periods) {
            table.header.push_back(fmt::format("{}", year));
            table.widths.push_back(1.0);
        }
        for (const auto& id : spec_.indicators) {
            const IndicatorDef& def = *catalogue_.find(id);
            for (std::size_t scope = 0; scope < results_.scopes.size(); ++scope) {
                std::vector<Cell> row{text_cell(indicator_label(def)),
                                      text_cell(results_.scopes[scope].label)};
                for (const int year : results_.periods) {
                    row.push_back(result_cell(result(id, scope, year), def));
                }
                table.rows.push_back(std::move(row));
            }
        }
        table.note = missing_note();
        return table;
    }

    std::string source_names() const {
        std::vector<std::string> names;
        for (const auto& source : spec_.sources) {
            names.push_back(fmt::format("{} ({})", source.name, display_path(source.path)));
        }
        return fmt::format("{}", fmt::join(names, "; "));
    }

    /// File names only: absolute paths differ between machines and would break reproducibility.
    static std::string display_path(const std::string& path) {
        const auto slash = path.find_last_of('/');
        return slash == std::string::npos ? path : path.substr(slash + 1);
    }

    Table sources_table() const {
        Table table;
        table.caption = "Table B.1. Sources and records";
        table.sheet_name = "Sources";
        table.header = {"Source",    "File",          "Rows read",
                        "Rows used", "Rows rejected", "Rejected by reason"};
        table.widths = {1.1, 2.2, 0.9, 0.9, 0.9, 2.0};
        for (const auto& stats : data_.stats) {
            std::vector<std::string> reasons;
            for (const auto& [code, count] : stats.rejected_by_code) {
                reasons.push_back(fmt::format("{} {}", code, count));
            }
            table.rows.push_back(
                {text_cell(stats.name), text_cell(display_path(stats.path)),
                 count_cell(stats.rows_read), count_cell(stats.rows_used),
                 count_cell(stats.rows_rejected),
                 text_cell(reasons.empty() ? "-" : fmt::format("{}", fmt::join(reasons, "; ")))});
        }
        return table;
    }

    Table issues_table() const {
        Table table;
        std::set<std::string> files;
        for (const auto& issue : data_.issues) {
            files.insert(display_path(issue.where.file));
        }
        const bool one_file = files.size() == 1;
        table.caption = one_file ? fmt::format("Table B.2. Data problems in {}", *files.begin())
                                 : "Table B.2. Data problems";
        table.sheet_name = "Data quality";
        table.header = {one_file ? "Row:col" : "File:row:col", "Code", "Field", "Value", "Problem"};
        table.widths = {one_file ? 0.9 : 2.2, 2.0, 2.0, 1.3, 3.6};
        for (const auto& issue : data_.issues) {
            std::string where =
                one_file ? fmt::format("{}", issue.where.line)
                         : fmt::format("{}:{}", display_path(issue.where.file), issue.where.line);
            if (issue.where.column > 0) {
                where += fmt::format(":{}", issue.where.column);
            }
            table.rows.push_back({text_cell(where), text_cell(issue.code), text_cell(issue.field),
                                  text_cell(issue.value), text_cell(issue.problem)});
        }
        return table;
    }

    Table definitions_table() const {
        Table table;
        table.caption = "Table C.1. Definitions";
        table.sheet_name = "Definitions";
        table.header = {"Id", "Indicator", "Formula", "Aggregation", "Standard"};
        table.widths = {0.8, 1.8, 2.8, 1.4, 2.0};
        for (const auto& id : spec_.indicators) {
            const IndicatorDef& def = *catalogue_.find(id);
            std::string formula = fmt::format("{}", fmt::join(def.numerator, " + "));
            std::string aggregation = "sum over institutions";
            if (def.aggregate == Aggregate::ratio) {
                formula = fmt::format("{} / ({})", formula, fmt::join(def.denominator, " + "));
                aggregation = "weighted ratio: sum / sum";
            }
            table.rows.push_back({text_cell(def.id), text_cell(def.name), text_cell(formula),
                                  text_cell(aggregation), text_cell(def.source)});
        }
        return table;
    }

    /// Every result in long form, for analysts (workbook only).
    Table results_sheet() const {
        Table table;
        table.caption = "All results";
        table.sheet_name = "Results";
        table.in_pdf = false;
        table.header = {"Indicator", "Name", "Scope", "Period",
                        "Value",     "Unit", "n",     "Missing reason"};
        for (const auto& item : results_.items) {
            const IndicatorDef& def = *catalogue_.find(item.indicator);
            Cell value = result_cell(&item, def);
            value.subtext.clear();
            table.rows.push_back(
                {text_cell(item.indicator), text_cell(def.name),
                 text_cell(results_.scopes[item.scope].key), count_cell(item.period), value,
                 text_cell(std::string(unit_name(def.unit))), count_cell(item.n),
                 text_cell(item.missing ? std::string(reason_name(*item.missing)) : "")});
            table.rows.back()[3].excel_format = "0";
        }
        return table;
    }

    Figure figure(const ChartRequest& request) const {
        const IndicatorDef& def = *catalogue_.find(request.indicator);
        Figure fig;
        charts::ChartSpec& chart = fig.chart;
        chart.format = chart_format(def);
        chart.title = request.title.empty() ? def.name : request.title;
        chart.source_note = "Source: " + source_names() + ". Gaps and 'n/a' mark missing data.";
        const std::size_t groups = results_.scopes.size() - 1;
        ++figure_number_;
        if (request.kind == "column") {
            chart.kind = charts::ChartKind::column;
            chart.subtitle = fmt::format("{}, by {}", last_, group_word());
            for (std::size_t scope = 0; scope < groups; ++scope) {
                chart.categories.push_back(results_.scopes[scope].label);
            }
            charts::Series series{def.short_name, {}};
            for (std::size_t scope = 0; scope < groups; ++scope) {
                const auto* found = result(def.id, scope, last_);
                series.values.push_back(found != nullptr ? found->value : std::nullopt);
            }
            chart.series.push_back(std::move(series));
        } else {
            chart.kind = charts::ChartKind::line;
            chart.subtitle =
                fmt::format("{}-{}, by {}", spec_.first_year, spec_.last_year, group_word());
            for (const int year : results_.periods) {
                chart.categories.push_back(fmt::format("{}", year));
            }
            for (std::size_t scope = 0; scope <= groups; ++scope) {
                charts::Series series{results_.scopes[scope].label, {}};
                for (const int year : results_.periods) {
                    const auto* found = result(def.id, scope, year);
                    series.values.push_back(found != nullptr ? found->value : std::nullopt);
                }
                chart.series.push_back(std::move(series));
            }
        }
        fig.caption =
            fmt::format("Figure {}. {} ({})", figure_number_, chart.title, chart.subtitle);
        fig.sheet_name = fmt::format("Figure {}", figure_number_);
        return fig;
    }

    const ReportSpec& spec_;
    const Catalogue& catalogue_;
    const Dataset& data_;
    const Results& results_;
    int last_;
    std::vector<Block>* blocks_ = nullptr;
    int paragraph_number_ = 0;
    mutable int figure_number_ = 0;
};

} // namespace

Document build_document(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
                        const Results& results) {
    return Builder(spec, catalogue, data, results).build();
}

} // namespace sfp
