#include "sfp/document.hpp"

#include "charts/scale.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

namespace sfp {

std::string format_indicator(double value, const IndicatorDef& def) {
    switch (def.unit) {
    case Unit::fraction:
        return charts::group_thousands(value * 100.0, def.decimals) + "%";
    case Unit::count:
        return charts::group_thousands(value, def.decimals);
    case Unit::usd:
        if (def.decimals == 0 || std::fabs(value) < 1e5) {
            return charts::group_thousands(value, def.decimals); // per-client amounts
        }
        return charts::group_thousands(value / 1e6, def.decimals);
    case Unit::multiple:
        return charts::group_thousands(value, def.decimals) + "x";
    case Unit::number:
        return charts::group_thousands(value, def.decimals);
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
        if (def.decimals == 0) {
            return "#,##0"; // per-client amounts in USD
        }
        return "#,##0" + decimals + ",,"; // each trailing comma divides by 1,000
    case Unit::multiple:
        return "0" + decimals + "\"x\"";
    case Unit::number:
        return "#,##0" + decimals;
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
    case Unit::multiple:
    case Unit::number:
        format.kind = charts::ValueKind::number;
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
    case MissingReason::missing_input:
        return "input missing";
    case MissingReason::excluded:
        return "set aside";
    case MissingReason::zero_denominator:
        return "zero denominator";
    case MissingReason::no_previous_period:
        return "no previous year";
    case MissingReason::suppressed:
        return "n < 3";
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
    return "'..' = not available; the reason is given under the cell (no data, an input missing "
           "or set aside as impossible, a zero denominator, no previous year, or fewer than 3 "
           "institutions for a median). n = institutions whose figures enter the aggregate. "
           "Ratios are weighted: sum of numerators over sum of denominators. Amounts in USD "
           "(flows at the year's average rate, balances at the year-end rate).";
}

/// "12.3% (9.8-15.1)": a median with its quartiles, or ".." with the reason.
Cell median_cell(const IndicatorResult* result, const IndicatorDef& def) {
    Cell cell = result_cell(result, def);
    if (result != nullptr && result->value && result->p25 && result->p75) {
        cell.text =
            fmt::format("{} ({} to {})", format_indicator(*result->value, def),
                        format_indicator(*result->p25, def), format_indicator(*result->p75, def));
    }
    return cell;
}

class Builder {
public:
    Builder(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
            const Results& results, const Assessment& assessment)
        : spec_(spec), catalogue_(catalogue), data_(data), results_(results),
          assessment_(assessment), last_(results.periods.back()) {}

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
        {
            const auto families = indicator_families();
            for (std::size_t f = 0; f < families.size(); ++f) {
                doc.blocks.emplace_back(scope_table(
                    families[f],
                    families.size() == 1 ? "" : std::string(1, static_cast<char>('a' + f))));
            }
        }
        for (const auto& chart : spec_.charts) {
            doc.blocks.emplace_back(figure(chart));
        }

        heading("3", fmt::format("Trends, {}-{}", spec_.first_year, spec_.last_year));
        paragraph(trend_sentence());
        doc.blocks.emplace_back(trend_table());

        int section = 4;
        if (!assessment_.targets.empty()) {
            heading(fmt::format("{}", section++), "Progress against targets");
            paragraph(targets_sentence());
            doc.blocks.emplace_back(targets_table());
        }
        if (!assessment_.guard_rails.empty()) {
            paragraph(guard_rail_sentence());
        }
        if (results_.groupings.size() > 1) {
            heading(fmt::format("{}", section++),
                    fmt::format("Sustainability benchmarks by peer group, {}", last_));
            paragraph(benchmark_sentence());
            for (std::size_t g = 1; g < results_.groupings.size(); ++g) {
                doc.blocks.emplace_back(benchmark_table(g));
            }
        }

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
        Heading h;
        h.number = std::move(number);
        h.text = std::move(text);
        blocks_->emplace_back(std::move(h));
    }
    void paragraph(std::string text) {
        Paragraph p;
        p.text = std::move(text);
        p.number = ++paragraph_number_;
        blocks_->emplace_back(std::move(p));
    }

    std::string group_word() const { return spec_.group_by == "region" ? "region" : "country"; }

    /// The scopes of the primary grouping, then "all".
    std::vector<std::size_t> primary_scopes() const {
        auto scopes = results_.group_scopes(0);
        scopes.push_back(results_.all_scope());
        return scopes;
    }

    std::string targets_sentence() const {
        std::map<Status, long> counts;
        long total = 0;
        for (const auto& target : assessment_.targets) {
            if (target.year == last_) {
                ++counts[target.status];
                ++total;
            }
        }
        std::vector<std::string> parts;
        for (const Status status : {Status::on_track, Status::at_risk, Status::off_track,
                                    Status::no_data, Status::not_started}) {
            if (counts[status] > 0) {
                parts.push_back(
                    fmt::format("{} {}", counts[status], status_word(status, spec_.language)));
            }
        }
        return fmt::format(
            "Table 3 compares the {} results with the targets set for them: {} of {} targets "
            "assessed ({}). The expected value for a year lies on the straight line from the "
            "baseline through any milestone to the target; progress is the share of the "
            "expected improvement achieved since the baseline. A target is on track when "
            "progress reaches 100% or the target is met, at risk within the tolerance band "
            "below it, and off track beyond the band.",
            last_, total, assessment_.set.targets.size(), fmt::join(parts, ", "));
    }

    Table targets_table() const {
        Table table;
        table.caption = fmt::format("Table 3. Progress against targets, {}", last_);
        table.sheet_name = "Targets";
        table.header = {"Indicator", "Scope",  "Baseline", "Target",
                        "Expected",  "Actual", "Progress", "Status"};
        table.widths = {2.1, 1.3, 1.2, 1.2, 1.15, 1.15, 1.15, 1.15};
        for (const auto& target : assessment_.targets) {
            if (target.year != last_) {
                continue;
            }
            const TargetSpec& spec = assessment_.set.targets.at(target.target);
            const IndicatorDef& def = *catalogue_.find(target.indicator);
            const auto scope = results_.scope_index(target.scope);
            auto value_cell = [&](std::optional<double> value) {
                Cell cell;
                cell.align = Align::right;
                cell.excel_format = excel_format(def);
                if (value) {
                    cell.number = value;
                    cell.text = format_indicator(*value, def);
                } else {
                    cell.text = "..";
                    cell.missing = true;
                }
                return cell;
            };
            Cell baseline = value_cell(spec.baseline);
            baseline.subtext = fmt::format("{}", spec.baseline_year);
            Cell goal = value_cell(spec.target);
            goal.subtext = fmt::format("{}", spec.target_year);
            Cell actual = value_cell(target.actual);
            if (const auto* found = scope ? result(target.indicator, *scope, last_) : nullptr) {
                actual.subtext =
                    found->value
                        ? fmt::format("n={}", found->n)
                        : std::string(found->missing ? missing_text(*found->missing) : "no data");
            }
            Cell progress;
            progress.align = Align::right;
            progress.excel_format = "0%";
            if (target.progress) {
                progress.number = target.progress;
                progress.text = charts::group_thousands(*target.progress * 100.0, 0) + "%";
            } else {
                progress.text = "..";
                progress.missing = true;
            }
            Cell status = text_cell(std::string(status_word(target.status, spec_.language)));
            status.status = std::string(status_name(target.status));
            table.rows.push_back({text_cell(indicator_label(def)),
                                  text_cell(scope ? results_.scopes[*scope].label : target.scope),
                                  baseline, goal, value_cell(target.expected), actual, progress,
                                  status});
        }
        table.note = "Baseline and target years under the values. Status words, not colours "
                     "alone, carry the assessment. Targets: " +
                     targets_source() + ".";
        return table;
    }

    std::string targets_source() const {
        std::set<std::string> files;
        for (const auto& target : assessment_.set.targets) {
            files.insert(display_path(target.where.file));
        }
        return fmt::format("{}", fmt::join(files, ", "));
    }

    std::string guard_rail_sentence() const {
        std::vector<std::string> parts;
        for (const auto& rail : assessment_.guard_rails) {
            if (rail.year != last_ || rail.scope != "all") {
                continue;
            }
            const GuardRail& spec = assessment_.set.guard_rails.at(rail.rail);
            const IndicatorDef& def = *catalogue_.find(rail.indicator);
            const double threshold = spec.below ? *spec.below : spec.above.value_or(0);
            parts.push_back(
                fmt::format("{} of {} institutions had {} {} {} ({}); the aggregate of {} {}",
                            rail.institutions_breaching, rail.institutions, def.short_name,
                            spec.below ? "below" : "above", format_indicator(threshold, def),
                            spec.label, format_indicator(rail.value, def),
                            rail.breached ? "is beyond the threshold" : "is within it"));
        }
        if (parts.empty()) {
            return "No guard rail applies to the latest year.";
        }
        return fmt::format("Guard rails, shown whatever the targets, for {}: {}.", last_,
                           fmt::join(parts, "; "));
    }

    std::string benchmark_sentence() const {
        return "Peer groups follow the MicroBanking Bulletin conventions (age since the start "
               "of lending, scale of the loan portfolio with region-specific thresholds, "
               "charter). Each cell gives the median institution with the interquartile range "
               "(P25 to P75) in brackets and n below; medians of fewer than three institutions "
               "are not shown, so that no single institution can be identified.";
    }

    Table benchmark_table(std::size_t grouping) const {
        Table table;
        const std::string& name = results_.groupings[grouping].name;
        table.caption = fmt::format("Table {}. Medians by {}, {}", benchmark_number_ + 4,
                                    grouping_title(name), last_);
        ++benchmark_number_;
        table.sheet_name = fmt::format("Peers {}", benchmark_number_);
        table.header = {grouping_title(name), "Institutions"};
        table.widths = {2.2, 1.0};
        std::vector<std::string> ids;
        for (const auto& id : spec_.indicators) {
            if (catalogue_.find(id)->has(Statistic::median)) {
                ids.push_back(id);
                table.header.push_back(column_title(*catalogue_.find(id)));
                table.widths.push_back(1.5);
            }
        }
        auto scopes = results_.group_scopes(grouping);
        scopes.push_back(results_.all_scope());
        for (const std::size_t scope : scopes) {
            std::vector<Cell> row{text_cell(results_.scopes[scope].label),
                                  count_cell(results_.reporting_count(scope, last_))};
            for (const auto& id : ids) {
                row.push_back(median_cell(results_.find(id, scope, last_, Statistic::median),
                                          *catalogue_.find(id)));
            }
            table.rows.push_back(std::move(row));
        }
        table.note = "Median (P25 to P75) of institution values; n below. " + missing_note();
        return table;
    }

    std::string grouping_title(const std::string& name) const {
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (start <= name.size()) {
            const auto end = std::min(name.find('+', start), name.size());
            std::string part = name.substr(start, end - start);
            if (part.rfind("peer:", 0) == 0) {
                const auto* peer = catalogue_.find_peer_group(part.substr(5));
                part = peer != nullptr ? peer->label.get(spec_.language) : part.substr(5);
            } else if (part.rfind("custom:", 0) == 0) {
                part = part.substr(7);
            } else if (part == "legal_form") {
                part = "Charter";
            } else if (!part.empty()) {
                part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
            }
            parts.push_back(part);
            start = end + 1;
        }
        return fmt::format("{}", fmt::join(parts, " and "));
    }

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
            results_.group_scopes(0).size(), group_word(),
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

    /// The report's indicators in families (outreach, portfolio quality, sustainability and
    /// efficiency), each at most six: the columns of one table that fits a page.
    struct Family {
        std::string title;
        std::vector<std::string> ids;
    };
    std::vector<Family> indicator_families() const {
        const std::vector<std::pair<std::string, std::vector<std::string>>> kinds{
            {"Outreach", {"OUT-", "SOC-"}},
            {"Portfolio quality", {"PQ-"}},
            {"Sustainability and efficiency", {"FIN-", "EFF-"}}};
        std::vector<Family> families;
        std::vector<std::string> placed;
        for (const auto& [title, prefixes] : kinds) {
            Family family{title, {}};
            for (const auto& id : spec_.indicators) {
                const bool match = std::any_of(prefixes.begin(), prefixes.end(),
                                               [&](const auto& p) { return id.rfind(p, 0) == 0; });
                if (match) {
                    family.ids.push_back(id);
                    placed.push_back(id);
                }
            }
            if (!family.ids.empty()) {
                families.push_back(std::move(family));
            }
        }
        Family other{"Other indicators", {}};
        for (const auto& id : spec_.indicators) {
            if (std::find(placed.begin(), placed.end(), id) == placed.end()) {
                other.ids.push_back(id);
            }
        }
        if (!other.ids.empty()) {
            families.push_back(std::move(other));
        }
        // At most six indicator columns per table, in tables of even size.
        std::vector<Family> out;
        for (auto& family : families) {
            const std::size_t tables = (family.ids.size() + 5) / 6;
            const std::size_t per_table = (family.ids.size() + tables - 1) / tables;
            for (std::size_t start = 0; start < family.ids.size(); start += per_table) {
                const auto end = std::min(family.ids.size(), start + per_table);
                out.push_back({family.title,
                               {family.ids.begin() + static_cast<std::ptrdiff_t>(start),
                                family.ids.begin() + static_cast<std::ptrdiff_t>(end)}});
            }
        }
        if (out.empty()) {
            out.push_back({"Indicators", spec_.indicators});
        }
        return out;
    }

    Table scope_table(const Family& family, const std::string& suffix) const {
        Table table;
        table.caption =
            suffix.empty()
                ? fmt::format("Table 1. Indicators by {}, {}", group_word(), last_)
                : fmt::format("Table 1{}. {} by {}, {}", suffix, family.title, group_word(), last_);
        table.sheet_name = "Table 1" + suffix;
        table.header = {group_word() == "region" ? "Region" : "Country", "Institutions"};
        table.widths = {2.2, 1.1};
        for (const auto& id : family.ids) {
            table.header.push_back(column_title(*catalogue_.find(id)));
            table.widths.push_back(1.2);
        }
        for (const std::size_t scope : primary_scopes()) {
            std::vector<Cell> row{text_cell(results_.scopes[scope].label),
                                  count_cell(results_.reporting_count(scope, last_))};
            for (const auto& id : family.ids) {
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
        if (def.unit == Unit::usd && def.decimals > 0) {
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
            for (const std::size_t scope : primary_scopes()) {
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
            std::vector<std::string> aggregation;
            for (const Statistic statistic : def.statistics) {
                switch (statistic) {
                case Statistic::sum:
                    aggregation.emplace_back("sum over institutions");
                    break;
                case Statistic::ratio:
                    aggregation.emplace_back("weighted ratio: sum / sum");
                    break;
                case Statistic::median:
                    aggregation.emplace_back("median with P25-P75 (n >= 3)");
                    break;
                case Statistic::bwm:
                    aggregation.push_back("mean weighted by " + def.weight);
                    break;
                case Statistic::trimmed_mean:
                    aggregation.push_back(
                        fmt::format("trimmed mean ({:g}% each end)", def.trim * 100));
                    break;
                }
            }
            std::string standard = def.source;
            if (!def.version.empty()) {
                standard += "; " + def.version;
            }
            table.rows.push_back(
                {text_cell(def.id), text_cell(def.name), text_cell(def.formula_text),
                 text_cell(fmt::format("{}", fmt::join(aggregation, "; "))), text_cell(standard)});
        }
        table.note = "avg(x): mean of the opening and closing balance of x; prev(x): x in the "
                     "previous fiscal year of the same institution (gaps are not bridged). "
                     "Flows are annualised for periods other than 12 months.";
        return table;
    }

    /// Every result in long form, for analysts (workbook only).
    Table results_sheet() const {
        Table table;
        table.caption = "All results";
        table.sheet_name = "Results";
        table.in_pdf = false;
        table.header = {"Indicator", "Name", "Statistic", "Scope", "Period",         "Value",
                        "P25",       "P75",  "Unit",      "n",     "Missing reason", "Flags"};
        for (const auto& item : results_.items) {
            const IndicatorDef& def = *catalogue_.find(item.indicator);
            Cell value = result_cell(&item, def);
            value.subtext.clear();
            auto quartile = [&](std::optional<double> q) {
                Cell cell;
                cell.align = Align::right;
                cell.excel_format = excel_format(def);
                if (q) {
                    cell.number = q;
                    cell.text = format_indicator(*q, def);
                }
                return cell;
            };
            std::vector<std::string> flags;
            for (const auto& flag : item.flags) {
                flags.push_back(fmt::format("{} ({})", flag.flag, flag.count));
            }
            table.rows.push_back({text_cell(item.indicator), text_cell(def.name),
                                  text_cell(std::string(statistic_name(item.statistic))),
                                  text_cell(results_.scopes[item.scope].key),
                                  count_cell(item.period), value, quartile(item.p25),
                                  quartile(item.p75), text_cell(std::string(unit_name(def.unit))),
                                  count_cell(item.n), text_cell(item.reason_text()),
                                  text_cell(fmt::format("{}", fmt::join(flags, "; ")))});
            table.rows.back()[4].excel_format = "0";
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
        const auto groups = results_.group_scopes(0);
        ++figure_number_;
        if (request.kind == "column") {
            chart.kind = charts::ChartKind::column;
            chart.subtitle = fmt::format("{}, by {}", last_, group_word());
            for (const std::size_t scope : groups) {
                chart.categories.push_back(results_.scopes[scope].label);
            }
            charts::Series series;
            series.name = def.short_name;
            for (const std::size_t scope : groups) {
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
            for (const std::size_t scope : primary_scopes()) {
                charts::Series series;
                series.name = results_.scopes[scope].label;
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
    const Assessment& assessment_;
    int last_;
    mutable int benchmark_number_ = 0;
    std::vector<Block>* blocks_ = nullptr;
    int paragraph_number_ = 0;
    mutable int figure_number_ = 0;
};

} // namespace

Document build_document(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
                        const Results& results, const Assessment& assessment) {
    return Builder(spec, catalogue, data, results, assessment).build();
}

} // namespace sfp
