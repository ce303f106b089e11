#include "sfp/document.hpp"

#include "charts/scale.hpp"
#include "sfp/report_figures.hpp"
#include "sfp/report_template.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace sfp {

charts::Locale locale_of(const std::string& language) {
    const std::string base = language.substr(0, language.find_first_of("-_"));
    if (base == "fr") {
        return charts::Locale::fr;
    }
    if (base == "es") {
        return charts::Locale::es;
    }
    return charts::Locale::en;
}

namespace {

/// A fraction as a percent in the locale's format ("12.3%", "12,3 %"): the charts' format.
std::string percent_text(double fraction, int decimals, charts::Locale locale) {
    charts::ValueFormat format;
    format.kind = charts::ValueKind::percent;
    format.decimals = decimals;
    format.locale = locale;
    return charts::format_value(fraction, format);
}

} // namespace

std::string format_indicator(double value, const IndicatorDef& def, const std::string& language) {
    const charts::Locale locale = locale_of(language);
    switch (def.unit) {
    case Unit::fraction:
        return percent_text(value, def.decimals, locale);
    case Unit::count:
        return charts::group_thousands(value, def.decimals, locale);
    case Unit::usd:
        if (def.decimals == 0 || std::fabs(value) < 1e5) {
            return charts::group_thousands(value, def.decimals, locale); // per-client amounts
        }
        return charts::group_thousands(value / 1e6, def.decimals, locale);
    case Unit::multiple:
        return charts::group_thousands(value, def.decimals, locale) + "x";
    case Unit::number:
        return charts::group_thousands(value, def.decimals, locale);
    }
    return charts::group_thousands(value, def.decimals, locale);
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

charts::ValueFormat chart_format(const IndicatorDef& def, const std::string& language) {
    charts::ValueFormat format;
    format.decimals = def.decimals;
    format.locale = locale_of(language);
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

std::string long_date(const std::string& iso_date, const std::string& language) {
    static const std::array<const char*, 12> en{"January",   "February", "March",    "April",
                                                "May",       "June",     "July",     "August",
                                                "September", "October",  "November", "December"};
    static const std::array<const char*, 12> fr{"janvier",   "février", "mars",     "avril",
                                                "mai",       "juin",    "juillet",  "août",
                                                "septembre", "octobre", "novembre", "décembre"};
    static const std::array<const char*, 12> es{"enero",      "febrero", "marzo",     "abril",
                                                "mayo",       "junio",   "julio",     "agosto",
                                                "septiembre", "octubre", "noviembre", "diciembre"};
    int year = 0;
    int month = 0;
    int day = 0;
    if (std::sscanf(iso_date.c_str(), "%d-%d-%d", &year, &month, &day) != 3 || month < 1 ||
        month > 12) {
        return iso_date;
    }
    const auto m = static_cast<std::size_t>(month - 1);
    switch (locale_of(language)) {
    case charts::Locale::fr:
        return fmt::format("{} {} {}", day, fr.at(m), year);
    case charts::Locale::es:
        return fmt::format("{} de {} de {}", day, es.at(m), year);
    case charts::Locale::en:
        break;
    }
    return fmt::format("{} {} {}", day, en.at(m), year);
}

namespace {

Cell text_cell(std::string text) {
    Cell cell;
    cell.text = std::move(text);
    return cell;
}

/// A count ("1,234"), right-aligned.
Cell count_cell(long count, const charts::Locale& locale) {
    Cell cell;
    cell.number = static_cast<double>(count);
    cell.text = charts::group_thousands(static_cast<double>(count), 0, locale);
    cell.excel_format = "#,##0";
    cell.align = Align::right;
    return cell;
}

/// An indicator's value in its unit, or ".." (missing) without one; right-aligned.
Cell value_cell(std::optional<double> value, const IndicatorDef& def, const std::string& language) {
    Cell cell;
    cell.align = Align::right;
    cell.excel_format = excel_format(def);
    if (value) {
        cell.number = value;
        cell.text = format_indicator(*value, def, language);
    } else {
        cell.text = "..";
        cell.missing = true;
    }
    return cell;
}

/// Numbers line up on their decimal separator (integers end where it would be).
void align_numbers(std::vector<Cell>& row) {
    for (auto& cell : row) {
        if (cell.number && cell.align == Align::right) {
            cell.align = Align::decimal;
        }
    }
}

/// The rows of the Results sheet, one per result, made when the workbook writes them. It keeps
/// about 80 bytes a result (the texts of indicators, scopes, reasons and flags once each), not
/// the 12 cells of a row (2.7 KB).
class ResultRows final : public RowSource {
public:
    ResultRows(const Results& results, const Catalogue& catalogue, const std::string& language)
        : language_(language), locale_(locale_of(language)) {
        scopes_.reserve(results.scopes.size());
        for (const auto& scope : results.scopes) {
            scopes_.push_back(scope.key);
        }
        std::map<std::string, std::uint32_t, std::less<>> indicator_ids;
        std::map<std::string, std::uint32_t, std::less<>> text_ids;
        const auto text_id = [this, &text_ids](std::string text) {
            const auto [at, added] =
                text_ids.emplace(text, static_cast<std::uint32_t>(texts_.size()));
            if (added) {
                texts_.push_back(std::move(text));
            }
            return at->second;
        };
        entries_.reserve(results.items.size());
        for (const auto& item : results.items) {
            const auto [at, added] = indicator_ids.emplace(
                item.indicator, static_cast<std::uint32_t>(indicators_.size()));
            if (added) {
                const IndicatorDef& def = *catalogue.find(item.indicator);
                Indicator indicator;
                indicator.id = item.indicator;
                indicator.name = def.names.get(language);
                indicator.unit = std::string(unit_name(def.unit));
                indicator.format.unit = def.unit;
                indicator.format.decimals = def.decimals;
                indicators_.push_back(std::move(indicator));
            }
            std::vector<std::string> flags;
            for (const auto& flag : item.flags) {
                flags.push_back(fmt::format("{} ({})", flag.flag, flag.count));
            }
            entries_.push_back({at->second, static_cast<std::uint32_t>(item.scope), item.period,
                                item.statistic, item.value, item.p25, item.p75, item.n,
                                text_id(item.reason_text()),
                                text_id(fmt::format("{}", fmt::join(flags, "; ")))});
        }
    }

    [[nodiscard]] std::size_t size() const override { return entries_.size(); }

    [[nodiscard]] std::vector<Cell> row(std::size_t r) const override {
        const Entry& entry = entries_.at(r);
        const Indicator& indicator = indicators_[entry.indicator];
        const auto value = [&](std::optional<double> number, double quantile, bool quartile) {
            Cell cell = value_cell(number, indicator.format, language_);
            if (cell.number) {
                cell.source =
                    CellSource{indicator.id, entry.statistic, entry.scope, entry.period, quantile};
            } else if (quartile) {
                cell.text.clear(); // a quartile without a value is an empty cell, not ".."
                cell.missing = false;
            }
            return cell;
        };
        Cell period = count_cell(entry.period, locale_);
        period.excel_format = "0";
        std::vector<Cell> cells{text_cell(indicator.id),
                                text_cell(indicator.name),
                                text_cell(std::string(statistic_name(entry.statistic))),
                                text_cell(scopes_.at(entry.scope)),
                                period,
                                value(entry.value, 0.5, false),
                                value(entry.p25, 0.25, true),
                                value(entry.p75, 0.75, true),
                                text_cell(indicator.unit),
                                count_cell(entry.n, locale_),
                                text_cell(texts_[entry.reason]),
                                text_cell(texts_[entry.flags])};
        align_numbers(cells); // as finish_table does for the rows of any table
        return cells;
    }

private:
    struct Indicator {
        std::string id;
        std::string name; ///< in the document's language
        std::string unit;
        IndicatorDef format; ///< its unit and decimals only (value_cell)
    };
    struct Entry {
        std::uint32_t indicator; ///< index into indicators_
        std::uint32_t scope;     ///< index into scopes_ (and Results::scopes)
        int period;
        Statistic statistic;
        std::optional<double> value;
        std::optional<double> p25;
        std::optional<double> p75;
        long n;
        std::uint32_t reason; ///< index into texts_
        std::uint32_t flags;  ///< index into texts_
    };

    std::string language_;
    charts::Locale locale_;
    std::vector<std::string> scopes_;
    std::vector<std::string> texts_;
    std::vector<Indicator> indicators_;
    std::vector<Entry> entries_;
};

/// File names only: absolute paths differ between machines and would break reproducibility.
std::string display_path(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// "sub-saharan-africa" from "Sub-Saharan Africa": the key of a group name in groups.toml.
std::string slug(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0) {
            out.push_back(static_cast<char>(std::tolower(u)));
        } else if (!out.empty() && out.back() != '-') {
            out.push_back('-');
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out;
}

std::optional<Statistic> parse_statistic(std::string_view name) {
    for (const Statistic s : {Statistic::sum, Statistic::ratio, Statistic::median, Statistic::bwm,
                              Statistic::trimmed_mean}) {
        if (statistic_name(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

using Args = std::map<std::string, MessageArg, std::less<>>;

/// Text files wrap long messages over several lines (so that a message's positions are the
/// file's): a run of whitespace that contains a line break is one space in the document.
std::string reflow(std::string text) {
    if (text.find('\n') == std::string::npos) {
        return text;
    }
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            std::size_t end = i;
            bool newline = false;
            while (end < text.size() && (text[end] == ' ' || text[end] == '\t' ||
                                         text[end] == '\r' || text[end] == '\n')) {
                newline = newline || text[end] == '\n';
                ++end;
            }
            out.append(newline ? std::string_view(" ") : std::string_view(text).substr(i, end - i));
            i = end;
        } else {
            out.push_back(c);
            ++i;
        }
    }
    return out;
}

class Builder {
public:
    Builder(const ReportSpec& spec, const ReportTemplate& report, const std::string& language,
            const Catalogue& catalogue, const Dataset& data, const Results& results,
            const Assessment& assessment, Diagnostics& diagnostics,
            const RecordValues* record_values, bool workbook_tables, unsigned threads = 1)
        : spec_(spec), report_(report), language_(language), locale_(locale_of(language)),
          catalogue_(catalogue), data_(data), results_(results), assessment_(assessment),
          diagnostics_(diagnostics), record_values_(record_values),
          workbook_tables_(workbook_tables), threads_(threads),
          last_(results.periods.empty() ? spec.last_year : results.periods.back()),
          first_(results.periods.empty() ? spec.first_year : results.periods.front()) {
        const auto found = report.languages.find(language);
        texts_ = found != report.languages.end() ? &found->second : nullptr;
        const auto en = report.languages.find("en");
        english_ = en != report.languages.end() ? &en->second : nullptr;
        number_blocks();
    }

    Document build() {
        Document doc;
        doc.info.language = language_;
        doc.info.page_size = spec_.page_size == "letter" ? PageSize::letter : PageSize::a4;
        doc.info.title = word(report_.title);
        doc.info.subtitle = report_.subtitle.empty() ? "" : word(report_.subtitle);
        doc.info.author = report_.author.empty() ? spec_.author : word(report_.author);
        doc.info.subject = report_.subject.empty() ? "" : word(report_.subject);
        doc.info.symbol = spec_.symbol;
        doc.info.keywords = fmt::format("{}", fmt::join(results_.indicators, "; "));
        doc.info.date_text = date_text(spec_.date);
        for (const auto& key : report_.cover) {
            doc.info.cover.push_back({word(key + ".label"), word(key + ".value")});
        }
        doc.info.summary = report_.summary.empty() ? "" : word(report_.summary);
        doc.info.labels.page_of =
            word("labels.page-of", {{"page", {"{page}", std::nullopt, false}},
                                    {"pages", {"{pages}", std::nullopt, false}}});
        doc.info.labels.continued = word("labels.continued");
        doc.info.labels.date = word("labels.date");
        doc.info.labels.summary = word("labels.summary");
        workbook_labels(doc.info.workbook);
        blocks_ = &doc.blocks;
        TablesAhead ahead;
        std::jthread helper = start_tables_ahead(ahead);
        ahead_ = &ahead; // a Builder builds once (build_document): not read after an exception
        for (const auto& block : report_.blocks) {
            if (!block.when.empty() && !holds(block)) {
                continue;
            }
            add(block);
        }
        ahead_ = nullptr;
        return doc;
    }

private:
    // ---- words ----------------------------------------------------------------------------

    bool has_text(std::string_view key) const {
        return (texts_ != nullptr && texts_->find(key) != nullptr) ||
               (english_ != nullptr && english_->find(key) != nullptr);
    }

    /// The text of `key` in the report's language, formatted with the report's arguments
    /// (and `local` ones first). An unknown key prints as itself.
    std::string word(std::string_view key, const Args& local = {}) const {
        const TextEntry* entry = texts_ != nullptr ? texts_->find(key) : nullptr;
        if (entry == nullptr && english_ != nullptr) {
            entry = english_->find(key);
        }
        if (entry == nullptr) {
            diagnostics_.error({report_.path, 0, 0},
                               fmt::format("text '{}' is missing in '{}'", key, language_));
            return std::string(key);
        }
        const ArgResolver resolve = [&](std::string_view name) -> std::optional<MessageArg> {
            if (const auto found = local.find(name); found != local.end()) {
                return found->second;
            }
            return argument(name);
        };
        return reflow(entry->message.format(resolve, language_, diagnostics_));
    }

    /// The message text of "figures.<key>" as written (the figures format it with their own
    /// arguments: {indicator}, {first}, {value}...).
    std::string source_text(std::string_view key) const {
        const std::string full = "figures." + std::string(key);
        const TextEntry* entry = texts_ != nullptr ? texts_->find(full) : nullptr;
        if (entry == nullptr && english_ != nullptr) {
            entry = english_->find(full);
        }
        return entry != nullptr ? reflow(entry->message.source()) : full;
    }

    /// A word if its key exists, else `fallback` (data labels without a translation).
    std::string word_or(const std::string& key, const std::string& fallback,
                        const Args& local = {}) const {
        return has_text(key) ? word(key, local) : fallback;
    }

    static MessageArg text_arg(std::string text) { return {std::move(text), std::nullopt, false}; }
    MessageArg count_arg(double value) const {
        return {charts::group_thousands(value, 0, locale_), value, false};
    }
    static MessageArg missing_arg() { return {"..", std::nullopt, true}; }
    static MessageArg year_arg(int year) {
        return {fmt::format("{}", year), static_cast<double>(year), false};
    }

    std::string date_text(const std::string& iso) const {
        int year = 0;
        int month = 0;
        int day = 0;
        if (std::sscanf(iso.c_str(), "%d-%d-%d", &year, &month, &day) != 3 || month < 1 ||
            month > 12) {
            return iso;
        }
        return word("dates.long", {{"day", {fmt::format("{}", day), day, false}},
                                   {"month", text_arg(word(fmt::format("months.{}", month)))},
                                   {"year", {fmt::format("{}", year), year, false}}});
    }

    // ---- message arguments ------------------------------------------------------------------

    std::optional<MessageArg> argument(std::string_view name) const {
        const std::size_t all = results_.all_scope();
        if (name == "year" || name == "last_year") {
            return year_arg(last_);
        }
        if (name == "prev_year") {
            return year_arg(last_ - 1);
        }
        if (name == "first_year") {
            return year_arg(first_);
        }
        if (name == "n_institutions") {
            return count_arg(static_cast<double>(results_.reporting_count(all, last_)));
        }
        if (name == "n_institutions_first") {
            return count_arg(static_cast<double>(results_.reporting_count(all, first_)));
        }
        if (name == "n_countries" || name == "n_regions") {
            const auto& column = name == "n_countries" ? data_.country_iso3 : data_.region;
            std::set<std::string> values;
            for (std::size_t r = 0; r < data_.size() && r < column.size(); ++r) {
                if (r < data_.fiscal_year.size() && data_.fiscal_year[r] == last_ &&
                    !column[r].empty()) {
                    values.insert(column[r]);
                }
            }
            return count_arg(static_cast<double>(values.size()));
        }
        if (name == "n_records") {
            return count_arg(static_cast<double>(data_.size()));
        }
        if (name == "n_rows_read" || name == "n_rows_used" || name == "n_rows_rejected") {
            long total = 0;
            for (const auto& stats : data_.stats) {
                total += name == "n_rows_read"   ? stats.rows_read
                         : name == "n_rows_used" ? stats.rows_used
                                                 : stats.rows_rejected;
            }
            return count_arg(static_cast<double>(total));
        }
        if (name == "n_issues") {
            return count_arg(static_cast<double>(data_.issues.size()));
        }
        if (name == "n_set_aside") {
            return count_arg(static_cast<double>(
                std::count_if(data_.issues.begin(), data_.issues.end(),
                              [](const QualityIssue& issue) { return !issue.field.empty(); })));
        }
        if (name == "n_targets") {
            return count_arg(static_cast<double>(
                std::count_if(assessment_.targets.begin(), assessment_.targets.end(),
                              [&](const TargetResult& t) { return t.year == last_; })));
        }
        if (name.rfind("targets.", 0) == 0) {
            const std::string status(name.substr(8));
            return count_arg(static_cast<double>(std::count_if(
                assessment_.targets.begin(), assessment_.targets.end(), [&](const TargetResult& t) {
                    return t.year == last_ && status_name(t.status) == status;
                })));
        }
        if (name == "n_guard_rails" || name == "n_guard_rails_breached") {
            return count_arg(static_cast<double>(
                std::count_if(assessment_.guard_rails.begin(), assessment_.guard_rails.end(),
                              [&](const GuardRailResult& r) {
                                  return r.year == last_ && r.scope == "all" &&
                                         (name == "n_guard_rails" || r.breached);
                              })));
        }
        if (name == "symbol") {
            return text_arg(spec_.symbol);
        }
        if (name == "constituent") {
            // A report over the whole dataset is about "all partner institutions".
            const Constituent& c = spec_.constituent;
            return text_arg(c.value.empty()  ? word("groups.all")
                            : c.name.empty() ? group_word(c.value) // regions: groups.<slug>
                                             : c.name);
        }
        if (name == "constituent_code") {
            return text_arg(spec_.constituent.value);
        }
        if (name == "date") {
            return text_arg(date_text(spec_.date));
        }
        if (name == "sources") {
            return text_arg(source_names());
        }
        if (name == "targets_file") {
            return text_arg(targets_source());
        }
        if (name == "min_n") {
            return count_arg(static_cast<double>(spec_.min_n));
        }
        if (name.rfind("table.", 0) == 0 || name.rfind("figure.", 0) == 0) {
            const auto found = references_.find(name);
            if (found == references_.end()) {
                return MessageArg{"..", std::nullopt, true};
            }
            return text_arg(found->second);
        }
        return indicator_argument(name);
    }

    std::optional<MessageArg> indicator_argument(std::string_view name) const {
        std::string id(name);
        std::string suffix;
        if (catalogue_.find(id) == nullptr) {
            const auto dot = name.rfind('.');
            if (dot == std::string_view::npos) {
                return std::nullopt;
            }
            id = std::string(name.substr(0, dot));
            suffix = std::string(name.substr(dot + 1));
        }
        const IndicatorDef* def = catalogue_.find(id);
        if (def == nullptr) {
            return std::nullopt;
        }
        const std::size_t all = results_.all_scope();
        const auto value_at = [&](int year) -> std::optional<double> {
            const auto* found = results_.find(id, all, year);
            return found != nullptr ? found->value : std::nullopt;
        };
        const auto value_arg = [&](std::optional<double> value) {
            return value ? MessageArg{sentence_value(*value, *def), value, false} : missing_arg();
        };
        if (suffix.empty()) {
            return value_arg(value_at(last_));
        }
        if (suffix == "prev") {
            return value_arg(value_at(last_ - 1));
        }
        if (suffix == "first") {
            return value_arg(value_at(first_));
        }
        if (suffix == "n") {
            // Institutions behind the value: none when there is no value (a record whose
            // denominator is zero is in the cell but gives no figure).
            const auto* found = results_.find(id, all, last_);
            if (found == nullptr) {
                return missing_arg();
            }
            return count_arg(found->value ? static_cast<double>(found->n) : 0.0);
        }
        if (suffix == "name") {
            return text_arg(def->names.get(language_));
        }
        if (suffix == "short") {
            return text_arg(def->short_names.get(language_));
        }
        if (suffix == "change" || suffix == "delta") {
            const auto now = value_at(last_);
            const auto before = value_at(last_ - 1);
            if (!now || !before) {
                return MessageArg{suffix == "change" ? "missing" : "..", std::nullopt, true};
            }
            const double diff = *now - *before;
            if (suffix == "change") {
                const double scale = std::max(std::fabs(*before), 1e-12);
                const std::string keyword = std::fabs(diff) / scale < 1e-9 ? "same"
                                            : diff > 0                     ? "up"
                                                                           : "down";
                return MessageArg{keyword, diff, false};
            }
            return MessageArg{delta_text(diff, *def), diff, false};
        }
        const TargetSpec* target = headline_target(id);
        if (suffix == "target" || suffix == "baseline") {
            if (target == nullptr) {
                return MessageArg{"..", std::nullopt, true};
            }
            const double value = suffix == "target" ? target->target : target->baseline;
            return MessageArg{sentence_value(value, *def), value, false};
        }
        if (suffix == "status") {
            const TargetResult* result = headline_result(id);
            if (result == nullptr) {
                return MessageArg{word("statuses.none"), std::nullopt, true};
            }
            return text_arg(status_text(result->status));
        }
        return std::nullopt;
    }

    const TargetSpec* headline_target(const std::string& id) const {
        for (const auto& target : assessment_.set.targets) {
            if (target.indicator == id && target.scope == "all") {
                return &target;
            }
        }
        return nullptr;
    }
    const TargetResult* headline_result(const std::string& id) const {
        for (const auto& result : assessment_.targets) {
            if (result.indicator == id && result.scope == "all" && result.year == last_) {
                return &result;
            }
        }
        return nullptr;
    }

    /// A value in running text: amounts in millions say so ("USD 1,257.5 million").
    std::string sentence_value(double value, const IndicatorDef& def) const {
        const std::string text = format_indicator(value, def, language_);
        if (def.unit == Unit::usd) {
            const bool millions = def.decimals > 0 && std::fabs(value) >= 1e5;
            return word(millions ? "units.usd-millions" : "units.usd", {{"value", text_arg(text)}});
        }
        return text;
    }

    /// "+1.2 pp" for fractions (percentage points), else the signed difference.
    std::string delta_text(double diff, const IndicatorDef& def) const {
        const std::string sign = diff > 0 ? "+" : "";
        if (def.unit == Unit::fraction) {
            const std::string number = charts::group_thousands(diff * 100.0, def.decimals, locale_);
            return word("units.pp", {{"value", text_arg(sign + number)}});
        }
        // "USD +14", "USD -1.2 million": the sign goes with the number.
        if (def.unit == Unit::usd) {
            const bool millions = def.decimals > 0 && std::fabs(diff) >= 1e5;
            return word(millions ? "units.usd-millions" : "units.usd",
                        {{"value", text_arg(sign + format_indicator(diff, def, language_))}});
        }
        return sign + format_indicator(diff, def, language_);
    }

    std::string status_text(Status status) const {
        return word_or("statuses." + std::string(status_name(status)),
                       std::string(status_word(status, language_)));
    }

    std::string reason_text(const IndicatorResult* result) const {
        const std::string reason = result != nullptr && result->missing
                                       ? std::string(reason_name(*result->missing))
                                       : "no-data";
        return word_or("reasons." + reason, reason);
    }

    std::string source_names() const {
        std::vector<std::string> names;
        for (const auto& source : spec_.sources) {
            names.push_back(fmt::format("{} ({})", source.name, display_path(source.path)));
        }
        return fmt::format("{}", fmt::join(names, "; "));
    }

    std::string targets_source() const {
        std::set<std::string> files;
        for (const auto& target : assessment_.set.targets) {
            files.insert(display_path(target.where.file));
        }
        return fmt::format("{}", fmt::join(files, ", "));
    }

    // ---- scopes and groupings ---------------------------------------------------------------

    /// The translated name of a group value ("Africa" -> "Afrique"); the data's label otherwise.
    std::string group_word(const std::string& value) const {
        return word_or("groups." + slug(value), value);
    }

    /// The printed name of a scope; "all" is named after `grouping` ("All regions").
    std::string scope_label(std::size_t scope, std::size_t grouping = 0) const {
        const Scope& s = results_.scopes[scope];
        if (s.key == "all") {
            const std::string name =
                grouping < results_.groupings.size() ? results_.groupings[grouping].name : "";
            const std::string dimension = name.substr(0, name.find('+'));
            return word_or("groups.all-" + slug(dimension), word("groups.all"));
        }
        std::vector<std::string> parts;
        for (const auto& value : s.values) {
            parts.push_back(group_word(value));
        }
        return fmt::format("{}", fmt::join(parts, ", "));
    }

    std::string grouping_title(const std::string& name) const {
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (start <= name.size()) {
            const auto end = std::min(name.find('+', start), name.size());
            std::string part = name.substr(start, end - start);
            if (part.rfind("peer:", 0) == 0) {
                const auto* peer = catalogue_.find_peer_group(part.substr(5));
                part = peer != nullptr ? peer->label.get(language_) : part.substr(5);
            } else if (part.rfind("custom:", 0) == 0) {
                part = part.substr(7);
            } else {
                part = word_or("labels.dimension-" + slug(part), part);
            }
            parts.push_back(part);
            start = end + 1;
        }
        return fmt::format("{}", fmt::join(parts, " / "));
    }

    std::optional<std::size_t> grouping_index(const TemplateBlock& block) const {
        if (block.grouping.empty()) {
            return 0;
        }
        for (std::size_t g = 0; g < results_.groupings.size(); ++g) {
            if (results_.groupings[g].name == block.grouping) {
                return g;
            }
        }
        diagnostics_.error(
            block.where,
            fmt::format("grouping '{}' was not computed for this report", block.grouping));
        return std::nullopt;
    }

    std::vector<std::size_t> scopes_with_all(std::size_t grouping) const {
        auto scopes = results_.group_scopes(grouping);
        scopes.push_back(results_.all_scope());
        return scopes;
    }

    // ---- conditions -------------------------------------------------------------------------

    bool any_value(const std::vector<std::string>& ids, bool last_only) const {
        for (const auto& item : results_.items) {
            if (!item.value || (last_only && item.period != last_)) {
                continue;
            }
            if (std::find(ids.begin(), ids.end(), item.indicator) != ids.end()) {
                return true;
            }
        }
        return false;
    }

    std::vector<std::string> block_ids(const TemplateBlock& block) const {
        std::vector<std::string> ids;
        for (const auto& id : block.indicators) {
            ids.push_back(id.substr(0, id.find(':')));
        }
        if (!block.indicator.empty()) {
            ids.push_back(block.indicator);
        }
        return ids;
    }

    bool holds(const TemplateBlock& block) const {
        if (block.when == "targets") {
            return !assessment_.targets.empty();
        }
        if (block.when == "guard-rails") {
            return !assessment_.guard_rails.empty();
        }
        if (block.when == "survey-data") {
            auto ids = block_ids(block);
            if (ids.empty()) {
                for (const auto& id : results_.indicators) {
                    if (id.rfind("SOC-", 0) == 0) {
                        ids.push_back(id);
                    }
                }
            }
            return any_value(ids, false);
        }
        if (block.when == "peer-groups") {
            return std::any_of(
                results_.groupings.begin(), results_.groupings.end(),
                [](const Grouping& g) { return g.name.find("peer:") != std::string::npos; });
        }
        if (block.when == "data-issues") {
            return !data_.issues.empty();
        }
        if (block.when == "values") {
            return any_value(block_ids(block), true);
        }
        return true;
    }

    /// Numbers the tables ("3", "A.1") and figures ("2") that will be printed, so that texts
    /// can refer to them before they appear ({table.<id>}, {figure.<id>}).
    void number_blocks() {
        int annex = 0;
        int table = 0;
        int table_in_annex = 0;
        int figure = 0;
        for (const auto& block : report_.blocks) {
            if (!block.when.empty() && !holds(block)) {
                continue;
            }
            std::string number;
            if (block.type == BlockType::heading && block.annex) {
                ++annex;
                table_in_annex = 0;
            } else if (block.type == BlockType::table && block.in_pdf) {
                number = annex > 0 ? fmt::format("{}.{}", static_cast<char>('A' + annex - 1),
                                                 ++table_in_annex)
                                   : fmt::format("{}", ++table);
            } else if (block.type == BlockType::figure) {
                number = fmt::format("{}", ++figure);
            } else {
                continue;
            }
            numbers_[&block] = number;
            if (!block.id.empty()) {
                const std::string kind = block.type == BlockType::table ? "table." : "figure.";
                references_[kind + block.id] = number;
            }
        }
    }

    // ---- tables built ahead -----------------------------------------------------------------

    /// The tables of the document, shared between this thread, which builds the blocks in
    /// order, and a helper that builds tables from the last one back (make_table alone: the
    /// rest of each table block is done here, in order). Each thread takes the next table it
    /// meets that the other has not; the helper stops at the first one this thread took. Its
    /// problems are reported here, when the block is reached: in the order of a build on one
    /// thread, which gives the same document.
    struct TablesAhead {
        enum class State { waiting, helper, here, done };
        struct Slot {
            const TemplateBlock* block = nullptr;
            State state = State::waiting;
            std::optional<Table> table;
            std::vector<Diagnostic> problems;
            std::exception_ptr failure;
        };
        std::vector<Slot> slots;
        std::mutex mutex;
        std::condition_variable done;
    };

    /// Starts the helper when there are enough tables and threads to share them (a report of
    /// 2,000 institutions: 30 ms of tables on one core while the other had nothing to do).
    std::jthread start_tables_ahead(TablesAhead& ahead) const {
        if (threads_ < 2) {
            return {};
        }
        for (const auto& block : report_.blocks) {
            if ((block.when.empty() || holds(block)) && block.type == BlockType::table &&
                (block.in_pdf || workbook_tables_)) {
                ahead.slots.emplace_back().block = &block;
            }
        }
        constexpr std::size_t enough_tables = 4;
        if (ahead.slots.size() < enough_tables) {
            ahead.slots.clear();
            return {};
        }
        try {
            return std::jthread([this, &ahead] { build_tables_ahead(ahead); });
        } catch (const std::system_error&) {
            ahead.slots.clear(); // no thread to be had: every table is built here
            return {};
        }
    }

    void build_tables_ahead(TablesAhead& ahead) const noexcept {
        Diagnostics problems;
        std::optional<Builder> helper;
        for (std::size_t i = ahead.slots.size(); i-- > 0;) {
            TablesAhead::Slot& slot = ahead.slots[i];
            {
                const std::lock_guard<std::mutex> lock(ahead.mutex);
                if (slot.state != TablesAhead::State::waiting) {
                    return; // this one and those before it are the building thread's
                }
                slot.state = TablesAhead::State::helper;
            }
            std::optional<Table> table;
            std::vector<Diagnostic> found;
            std::exception_ptr failure;
            const std::size_t before = problems.items().size();
            try {
                if (!helper) {
                    // Its own problems, handed over with each table.
                    helper.emplace(spec_, report_, language_, catalogue_, data_, results_,
                                   assessment_, problems, record_values_, workbook_tables_);
                }
                table = helper->make_table(*slot.block);
                found.assign(problems.items().begin() + static_cast<long>(before),
                             problems.items().end());
            } catch (...) {
                failure = std::current_exception(); // bad_alloc too: rethrown by the builder
            }
            {
                const std::lock_guard<std::mutex> lock(ahead.mutex);
                slot.table = std::move(table);
                slot.problems = std::move(found);
                slot.failure = failure;
                slot.state = TablesAhead::State::done;
            }
            ahead.done.notify_all();
            if (failure) {
                return;
            }
        }
    }

    /// The table of `block`: built by the helper, or here.
    std::optional<Table> take_table(const TemplateBlock& block) const {
        TablesAhead* ahead = ahead_;
        const auto slot =
            ahead == nullptr
                ? std::vector<TablesAhead::Slot>::iterator{}
                : std::find_if(ahead->slots.begin(), ahead->slots.end(),
                               [&](const TablesAhead::Slot& s) { return s.block == &block; });
        if (ahead == nullptr || slot == ahead->slots.end()) {
            return make_table(block);
        }
        {
            std::unique_lock<std::mutex> lock(ahead->mutex);
            if (slot->state == TablesAhead::State::waiting) {
                slot->state = TablesAhead::State::here;
            } else {
                ahead->done.wait(lock, [&] { return slot->state == TablesAhead::State::done; });
            }
        }
        if (slot->state == TablesAhead::State::here) {
            return make_table(block);
        }
        for (auto& problem : slot->problems) {
            diagnostics_.add(std::move(problem));
        }
        if (slot->failure) {
            std::rethrow_exception(slot->failure);
        }
        return std::move(slot->table);
    }

    // ---- blocks -----------------------------------------------------------------------------

    void add(const TemplateBlock& block) {
        switch (block.type) {
        case BlockType::contents:
            blocks_->emplace_back(Contents{word(block.text)});
            break;
        case BlockType::page_break:
            blocks_->emplace_back(PageBreak{});
            break;
        case BlockType::heading:
            heading(block);
            break;
        case BlockType::paragraph: {
            Paragraph p;
            p.text = word(block.text);
            if (block.numbered && annex_ == 0) {
                p.number = ++paragraph_;
            }
            for (const auto& key : block.footnotes) {
                p.footnotes.push_back(word(key));
            }
            blocks_->emplace_back(std::move(p));
            break;
        }
        case BlockType::key_figures:
            blocks_->emplace_back(key_figures(block));
            break;
        case BlockType::table:
            if (!block.in_pdf && !workbook_tables_) {
                break;
            }
            if (auto table = take_table(block)) {
                // `in_pdf = false` in the template keeps any kind of table out of the PDF.
                table->in_pdf = table->in_pdf && block.in_pdf;
                table->in_xlsx = block.in_xlsx;
                table->compact = block.compact;
                if (!table->in_pdf && !workbook_tables_) {
                    break;
                }
                // The findings cut to `max_per_code` in the PDF are all in the workbook: a
                // second table, under the same caption, for the sheet.
                std::optional<Table> every;
                if (block.max_per_code > 0 && table->in_pdf && table->in_xlsx && workbook_tables_) {
                    table->in_xlsx = false;
                    every = issues(0);
                    every->in_pdf = false;
                }
                finish_table(block, *table);
                if (every) {
                    finish_table(block, *every);
                    every->caption = table->caption;
                }
                blocks_->emplace_back(std::move(*table));
                if (every) {
                    blocks_->emplace_back(std::move(*every));
                }
            }
            break;
        case BlockType::figure:
            if (auto fig = make_figure(block)) {
                blocks_->emplace_back(std::move(*fig));
            }
            break;
        }
    }

    void heading(const TemplateBlock& block) {
        Heading h;
        h.level = block.level;
        h.text = word(block.text);
        if (block.annex) {
            ++annex_;
            const std::string letter(1, static_cast<char>('A' + annex_ - 1));
            h.number = word("labels.annex", {{"label", text_arg(letter)}});
            h.id = block.id.empty() ? "annex-" + slug(letter) : block.id;
        } else if (block.level == 1) {
            subsection_ = 0;
            h.number = fmt::format("{}", ++section_);
            h.id = block.id.empty() ? fmt::format("sec-{}", section_) : block.id;
        } else {
            h.number = annex_ > 0 ? "" : fmt::format("{}.{}", section_, ++subsection_);
            h.id = block.id.empty() ? fmt::format("sec-{}-{}", section_, subsection_) : block.id;
        }
        blocks_->emplace_back(std::move(h));
    }

    KeyFigures key_figures(const TemplateBlock& block) const {
        KeyFigures box;
        box.title = block.title.empty() ? "" : word(block.title);
        box.note = block.note.empty() ? "" : word(block.note);
        const std::size_t all = results_.all_scope();
        for (const auto& id : block.indicators) {
            const IndicatorDef& def = *catalogue_.find(id.substr(0, id.find(':')));
            KeyFigure item;
            item.label = def.short_names.get(language_);
            const auto* now = results_.find(def.id, all, last_);
            const auto* before = results_.find(def.id, all, last_ - 1);
            item.excel_format = excel_format(def);
            if (now != nullptr && now->value) {
                item.value = format_indicator(*now->value, def, language_);
                item.number = now->value;
                if (def.unit == Unit::usd) {
                    item.value = sentence_value(*now->value, def);
                }
                if (before != nullptr && before->value) {
                    item.detail =
                        word("labels.since",
                             {{"value", text_arg(delta_text(*now->value - *before->value, def))},
                              {"year", text_arg(fmt::format("{}", last_ - 1))},
                              {"n", count_arg(static_cast<double>(now->n))}});
                } else {
                    item.detail =
                        word("labels.n-only", {{"n", count_arg(static_cast<double>(now->n))}});
                }
            } else {
                item.value = "..";
                item.detail = reason_text(now);
            }
            if (const TargetResult* result = headline_result(def.id)) {
                item.status = std::string(status_name(result->status));
            }
            box.items.push_back(std::move(item));
        }
        if (block.targets) {
            long on_track = 0;
            long total = 0;
            for (const auto& target : assessment_.targets) {
                if (target.year == last_) {
                    ++total;
                    on_track += target.status == Status::on_track ? 1 : 0;
                }
            }
            KeyFigure item;
            item.label = word("labels.targets-on-track");
            item.value =
                word("labels.count-of-total", {{"count", count_arg(static_cast<double>(on_track))},
                                               {"total", count_arg(static_cast<double>(total))}});
            item.number = static_cast<double>(on_track);
            item.excel_format = "0";
            item.detail = word("labels.targets-detail");
            box.items.push_back(std::move(item));
        }
        return box;
    }

    /// Numbers the table ("Table 3." or "Table A.1.") and sets its caption, sheet and notes.
    void finish_table(const TemplateBlock& block, Table& table) {
        const auto found = numbers_.find(&block);
        const std::string number = found != numbers_.end() ? found->second : "";
        // A table of the last `years` years starts later than the report: its caption's
        // {first_year} is its own first year.
        Args caption_args;
        if (block.years > 0 && !results_.periods.empty()) {
            caption_args.emplace("first_year", year_arg(table_years(block).front()));
        }
        const std::string caption =
            block.caption.empty() ? table.caption : word(block.caption, caption_args);
        if (table.in_pdf) {
            table.caption = word("labels.table", {{"label", text_arg(number)}}) + " " + caption;
        } else {
            table.caption = caption;
        }
        table.sheet_name = !block.sheet.empty() ? block.sheet
                           : table.sheet_name.empty()
                               ? word("labels.table-sheet", {{"label", text_arg(number)}})
                               : table.sheet_name;
        if (table.sheet_name.size() > 31) {
            table.sheet_name.resize(31);
        }
        if (!block.note.empty()) {
            table.note = word(block.note);
        }
        for (const auto& key : block.footnotes) {
            table.footnotes.push_back(word(key));
        }
        table.id = "table-" + (block.id.empty() ? slug(number) : block.id);
        for (auto& row : table.rows) {
            align_numbers(row);
        }
    }

    std::optional<Figure> make_figure(const TemplateBlock& block) {
        FigureContext context{catalogue_, results_, assessment_, data_, first_, last_, language_,
                              [this](std::string_view key) { return source_text(key); },
                              // The figures print scope names in the report's language.
                              [this](std::size_t scope, std::size_t grouping) {
                                  return scope_label(scope, grouping);
                              },
                              record_values_};
        FigureRequest request;
        request.kind = block.figure;
        request.indicator = block.indicator;
        request.indicators = block.indicators;
        request.grouping = block.grouping;
        request.title = block.caption.empty() ? "" : word(block.caption);
        request.where = block.where;
        auto fig = build_report_figure(request, context, diagnostics_);
        if (!fig) {
            return std::nullopt;
        }
        const auto found = numbers_.find(&block);
        const std::string number = found != numbers_.end() ? found->second : "";
        const std::string caption = block.caption.empty() ? fig->caption : request.title;
        fig->caption = word("labels.figure", {{"label", text_arg(number)}}) + " " + caption;
        fig->sheet_name = !block.sheet.empty()
                              ? block.sheet
                              : word("labels.figure-sheet", {{"label", text_arg(number)}});
        if (!block.note.empty()) {
            fig->note = word(block.note);
        }
        for (const auto& key : block.footnotes) {
            fig->footnotes.push_back(word(key));
        }
        fig->id = block.id.empty() ? "figure-" + number : "figure-" + block.id;
        return fig;
    }

    // ---- tables -----------------------------------------------------------------------------

    /// The indicators of a table block: its own, or the report's [indicators] show.
    std::vector<std::string> table_ids(const TemplateBlock& block) const {
        return block.indicators.empty() ? spec_.indicators : block.indicators;
    }

    const IndicatorResult* find(const std::string& spec, std::size_t scope, int period) const {
        const auto colon = spec.find(':');
        if (colon == std::string::npos) {
            return results_.find(spec, scope, period);
        }
        const auto statistic = parse_statistic(spec.substr(colon + 1));
        return statistic ? results_.find(spec.substr(0, colon), scope, period, *statistic)
                         : nullptr;
    }

    const IndicatorDef& def_of(const std::string& spec) const {
        return *catalogue_.find(spec.substr(0, spec.find(':')));
    }

    std::string column_title(const std::string& spec) const {
        const IndicatorDef& def = def_of(spec);
        std::string title = def.short_names.get(language_);
        const auto colon = spec.find(':');
        if (colon != std::string::npos) {
            title = word("labels.statistic-of",
                         {{"label", text_arg(title)},
                          {"value", text_arg(word_or("statistics." + spec.substr(colon + 1),
                                                     spec.substr(colon + 1)))}});
        }
        return title;
    }

    std::string indicator_label(const IndicatorDef& def) const {
        return fmt::format("{} {}", def.id, def.names.get(language_));
    }

    Cell count_cell(long count) const { return sfp::count_cell(count, locale_); }

    Cell value_cell(std::optional<double> value, const IndicatorDef& def) const {
        return sfp::value_cell(value, def, language_);
    }

    /// The cell of one result: the value with n below it, or ".." with the reason.
    Cell result_cell(const IndicatorResult* result, const IndicatorDef& def,
                     bool quartiles = false) const {
        Cell cell = value_cell(result != nullptr ? result->value : std::nullopt, def);
        if (!cell.number) {
            cell.subtext = reason_text(result);
            return cell;
        }
        cell.subtext = fmt::format("n={}", result->n);
        cell.source =
            CellSource{result->indicator, result->statistic, result->scope, result->period, 0.5};
        if (quartiles && result->p25 && result->p75) {
            cell.text = fmt::format("{} ({}\u2013{})", cell.text,
                                    format_indicator(*result->p25, def, language_),
                                    format_indicator(*result->p75, def, language_));
        }
        return cell;
    }

    void workbook_labels(WorkbookLabels& out) const {
        const std::pair<const char*, std::string*> keys[] = {
            {"symbol", &out.symbol},
            {"date", &out.date},
            {"period", &out.period},
            {"summary", &out.summary},
            {"sources", &out.sources},
            {"how-to-read-title", &out.how_to_read_title},
            {"how-to-read", &out.how_to_read},
            {"generated-by", &out.generated_by},
            {"fingerprint", &out.fingerprint},
            {"fingerprint-note", &out.fingerprint_note},
            {"contents", &out.contents},
            {"sheet", &out.sheet},
            {"data-contents", &out.data_contents},
            {"category", &out.category},
            {"series", &out.series},
            {"no-native-chart", &out.no_native_chart},
            {"reasons-in-results", &out.reasons_in_results},
            {"actual", &out.actual},
            {"expected", &out.expected},
            {"target", &out.target},
            {"baseline", &out.baseline},
        };
        for (const auto& [key, field] : keys) {
            *field = word_or("workbook." + std::string(key), *field);
        }
    }

    std::string header(std::string_view key) const { return word("headers." + std::string(key)); }

    std::optional<Table> make_table(const TemplateBlock& block) const {
        const std::string& kind = block.table;
        if (kind == "results-matrix") {
            return results_matrix();
        }
        if (kind == "by-scope") {
            const auto g = grouping_index(block);
            return g ? std::optional<Table>(by_scope(block, *g)) : std::nullopt;
        }
        if (kind == "trend") {
            return trend(block);
        }
        if (kind == "benchmark") {
            const auto g = grouping_index(block);
            return g ? std::optional<Table>(benchmark(block, *g)) : std::nullopt;
        }
        if (kind == "by-scope-year") {
            const auto g = grouping_index(block);
            return g ? std::optional<Table>(by_scope_year(block, *g)) : std::nullopt;
        }
        if (kind == "guard-rails") {
            return guard_rails();
        }
        if (kind == "coverage") {
            const auto g = grouping_index(block);
            return g ? std::optional<Table>(coverage(block, *g)) : std::nullopt;
        }
        if (kind == "sources") {
            return sources();
        }
        if (kind == "issues-by-code") {
            return issues_by_code();
        }
        if (kind == "issues") {
            // The cut is the PDF's: a workbook-only block lists every finding.
            return issues(block.in_pdf ? static_cast<std::size_t>(block.max_per_code) : 0);
        }
        if (kind == "definitions") {
            return definitions(block);
        }
        if (kind == "peer-groups") {
            const auto g = grouping_index(block);
            return g ? std::optional<Table>(peer_groups(*g)) : std::nullopt;
        }
        if (kind == "results") {
            return results_sheet();
        }
        diagnostics_.error(block.where, fmt::format("unknown table kind '{}'", kind),
                           did_you_mean(kind, table_kinds()));
        return std::nullopt;
    }

    Table results_matrix() const {
        Table table;
        table.caption =
            word("captions.results-matrix", {{"year", text_arg(fmt::format("{}", last_))}});
        table.sheet_name = "Targets";
        table.header = {header("commitment"), header("indicator"), header("baseline"),
                        header("target"),     header("milestone"), header("actual"),
                        header("progress"),   header("status"),    header("source-n")};
        table.widths = {1.5, 1.9, 1.1, 1.1, 1.1, 1.1, 0.9, 1.35, 0.95};
        for (const auto& target : assessment_.targets) {
            if (target.year != last_) {
                continue;
            }
            const TargetSpec& spec = assessment_.set.targets.at(target.target);
            const IndicatorDef& def = *catalogue_.find(target.indicator);
            const auto scope = results_.scope_index(target.scope);
            Cell baseline = value_cell(spec.baseline, def);
            baseline.subtext = fmt::format("{}", spec.baseline_year);
            Cell goal = value_cell(spec.target, def);
            goal.subtext = fmt::format("{}", spec.target_year);
            Cell milestone = text_cell("-");
            milestone.align = Align::right;
            if (!spec.milestones.empty()) {
                const Milestone* chosen = &spec.milestones.front();
                for (const auto& m : spec.milestones) {
                    if (m.year <= last_) {
                        chosen = &m;
                    }
                }
                milestone = value_cell(chosen->value, def);
                milestone.subtext = fmt::format("{}", chosen->year);
            }
            Cell actual = value_cell(target.actual, def);
            Cell source = text_cell("..");
            if (const auto* found =
                    scope ? results_.find(target.indicator, *scope, last_) : nullptr) {
                actual.subtext = found->value ? "" : reason_text(found);
                source.text = fmt::format("n={}", found->n);
            }
            source.subtext = spec_.sources.empty() ? "" : spec_.sources.front().name;
            Cell progress;
            progress.align = Align::right;
            progress.excel_format = "0%";
            if (target.progress) {
                progress.number = target.progress;
                progress.text = percent_text(*target.progress, 0, locale_);
            } else {
                progress.text = "..";
                progress.missing = true;
            }
            Cell status = text_cell(status_text(target.status));
            status.status = std::string(status_name(target.status));
            Cell indicator = text_cell(indicator_label(def));
            indicator.subtext = scope ? scope_label(*scope) : target.scope;
            table.rows.push_back(
                {text_cell(word_or("commitments." + target.indicator, word("commitments.default"))),
                 indicator, baseline, goal, milestone, actual, progress, status, source});
        }
        table.note = word("notes.results-matrix", {{"targets_file", text_arg(targets_source())}});
        return table;
    }

    Table by_scope(const TemplateBlock& block, std::size_t grouping) const {
        Table table;
        table.caption = grouping_title(results_.groupings[grouping].name);
        table.header = {grouping_title(results_.groupings[grouping].name), header("institutions")};
        table.widths = {2.2, 1.1};
        const auto ids = table_ids(block);
        for (const auto& id : ids) {
            table.header.push_back(column_title(id));
            table.widths.push_back(1.2);
        }
        for (const std::size_t scope : scopes_with_all(grouping)) {
            std::vector<Cell> row{text_cell(scope_label(scope, grouping)),
                                  count_cell(results_.reporting_count(scope, last_))};
            for (const auto& id : ids) {
                row.push_back(result_cell(find(id, scope, last_), def_of(id)));
            }
            table.rows.push_back(std::move(row));
        }
        table.note =
            word("notes.missing", {{"min_n", count_arg(static_cast<double>(spec_.min_n))}});
        return table;
    }

    /// The years of a table with a column per year: all periods, or the last `years`.
    std::vector<int> table_years(const TemplateBlock& block) const {
        const auto& periods = results_.periods;
        const std::size_t keep =
            block.years > 0 ? std::min(periods.size(), static_cast<std::size_t>(block.years))
                            : periods.size();
        return {periods.end() - static_cast<std::ptrdiff_t>(keep), periods.end()};
    }

    Table trend(const TemplateBlock& block) const {
        Table table;
        table.header = {header("indicator")};
        table.widths = {3.0};
        const std::vector<int> years = table_years(block);
        for (const int year : years) {
            table.header.push_back(fmt::format("{}", year));
            table.widths.push_back(1.0);
        }
        const std::size_t all = results_.all_scope();
        for (const auto& id : table_ids(block)) {
            const IndicatorDef& def = def_of(id);
            std::vector<Cell> row{text_cell(indicator_label(def))};
            for (const int year : years) {
                row.push_back(result_cell(find(id, all, year), def));
            }
            table.rows.push_back(std::move(row));
        }
        table.note =
            word("notes.missing", {{"min_n", count_arg(static_cast<double>(spec_.min_n))}});
        return table;
    }

    Table benchmark(const TemplateBlock& block, std::size_t grouping) const {
        Table table;
        table.header = {header("indicator")};
        table.widths = {2.4};
        const auto scopes = scopes_with_all(grouping);
        for (const std::size_t scope : scopes) {
            table.header.push_back(scope_label(scope, grouping));
            table.widths.push_back(1.5);
        }
        std::vector<Cell> counts{text_cell(header("institutions"))};
        for (const std::size_t scope : scopes) {
            counts.push_back(count_cell(results_.reporting_count(scope, last_)));
        }
        table.rows.push_back(std::move(counts));
        std::vector<std::string> ids = block.indicators;
        if (ids.empty()) {
            for (const auto& id : spec_.indicators) {
                if (catalogue_.find(id)->has(Statistic::median)) {
                    ids.push_back(id);
                }
            }
        }
        for (const auto& spec : ids) {
            const IndicatorDef& def = def_of(spec);
            std::vector<Cell> row{text_cell(indicator_label(def))};
            for (const std::size_t scope : scopes) {
                const IndicatorResult* median =
                    def.has(Statistic::median)
                        ? results_.find(def.id, scope, last_, Statistic::median)
                        : results_.find(def.id, scope, last_);
                row.push_back(result_cell(median, def, true));
            }
            table.rows.push_back(std::move(row));
        }
        table.note =
            word("notes.benchmark", {{"min_n", count_arg(static_cast<double>(spec_.min_n))}});
        return table;
    }

    Table by_scope_year(const TemplateBlock& block, std::size_t grouping) const {
        Table table;
        table.header = {header("indicator"), grouping_title(results_.groupings[grouping].name)};
        table.widths = {2.4, 2.2};
        const std::vector<int> years = table_years(block);
        for (const int year : years) {
            table.header.push_back(fmt::format("{}", year));
            table.widths.push_back(1.0);
        }
        if (block.compact) {
            // A line a row: the short name (the full one is in the definitions), the values
            // without their n, which go to a column of their own.
            table.widths.front() = 2.0;
            table.widths[1] = 1.8;
            table.header.push_back(header("n"));
            table.widths.push_back(0.9);
        }
        for (const auto& id : table_ids(block)) {
            const IndicatorDef& def = def_of(id);
            const std::string label =
                block.compact ? fmt::format("{} {}", def.id, def.short_names.get(language_))
                              : indicator_label(def);
            for (const std::size_t scope : scopes_with_all(grouping)) {
                std::vector<Cell> row{text_cell(label), text_cell(scope_label(scope, grouping))};
                std::optional<long> fewest;
                std::optional<long> most;
                for (const int year : years) {
                    const IndicatorResult* result = find(id, scope, year);
                    Cell cell = result_cell(result, def);
                    if (block.compact && result != nullptr) {
                        fewest = std::min(fewest.value_or(result->n), result->n);
                        most = std::max(most.value_or(result->n), result->n);
                        if (!cell.missing) {
                            cell.subtext.clear();
                        }
                    }
                    row.push_back(std::move(cell));
                }
                if (block.compact) {
                    row.push_back(count_range_cell(fewest, most));
                }
                table.rows.push_back(std::move(row));
            }
        }
        table.note = word(block.compact ? "notes.missing-compact" : "notes.missing",
                          {{"min_n", count_arg(static_cast<double>(spec_.min_n))}});
        return table;
    }

    /// The institutions counted over a row's years: "139", or "62-66" when the count varies;
    /// ".." when no year has a result.
    Cell count_range_cell(std::optional<long> fewest, std::optional<long> most) const {
        if (!fewest || !most) {
            Cell cell = text_cell("..");
            cell.align = Align::right;
            cell.missing = true;
            return cell;
        }
        if (*fewest == *most) {
            return count_cell(*most);
        }
        Cell cell =
            text_cell(fmt::format("{}\u2013{}", count_cell(*fewest).text, count_cell(*most).text));
        cell.align = Align::right;
        return cell;
    }

    Table guard_rails() const {
        Table table;
        table.header = {header("indicator"), header("scope"),     header("threshold"),
                        header("aggregate"), header("breaching"), header("status")};
        table.widths = {2.4, 1.6, 1.6, 1.1, 1.3, 1.2};
        for (const auto& rail : assessment_.guard_rails) {
            if (rail.year != last_) {
                continue;
            }
            const GuardRail& spec = assessment_.set.guard_rails.at(rail.rail);
            const IndicatorDef& def = *catalogue_.find(rail.indicator);
            const auto scope = results_.scope_index(rail.scope);
            const double threshold = spec.below ? *spec.below : spec.above.value_or(0);
            Cell limit =
                text_cell(word(spec.below ? "labels.below" : "labels.above",
                               {{"value", text_arg(format_indicator(threshold, def, language_))}}));
            limit.subtext = word_or("rails." + rail.indicator, spec.label);
            Cell breaching = text_cell(
                word("labels.count-of-total",
                     {{"count", count_arg(static_cast<double>(rail.institutions_breaching))},
                      {"total", count_arg(static_cast<double>(rail.institutions))}}));
            breaching.align = Align::right;
            table.rows.push_back(
                {text_cell(indicator_label(def)),
                 text_cell(scope ? scope_label(*scope) : rail.scope), limit,
                 value_cell(rail.value, def), breaching,
                 text_cell(word(rail.breached ? "labels.breached" : "labels.within"))});
        }
        table.note = word("notes.guard-rails");
        return table;
    }

    Table coverage(const TemplateBlock& block, std::size_t grouping) const {
        Table table;
        table.header = {grouping_title(results_.groupings[grouping].name)};
        table.widths = {2.6};
        const std::vector<int> years = table_years(block);
        for (const int year : years) {
            table.header.push_back(fmt::format("{}", year));
            table.widths.push_back(1.0);
        }
        for (const std::size_t scope : scopes_with_all(grouping)) {
            std::vector<Cell> row{text_cell(scope_label(scope, grouping))};
            for (const int year : years) {
                row.push_back(count_cell(results_.reporting_count(scope, year)));
            }
            table.rows.push_back(std::move(row));
        }
        table.note = word("notes.coverage");
        return table;
    }

    Table sources() const {
        Table table;
        table.sheet_name = "Sources";
        table.header = {header("source"),    header("file"),          header("rows-read"),
                        header("rows-used"), header("rows-rejected"), header("rejected-by")};
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

    Table issues_by_code() const {
        Table table;
        table.sheet_name = "Issues by code";
        table.header = {header("code"), header("severity"), header("count"), header("fields")};
        table.widths = {2.4, 1.0, 0.8, 3.4};
        struct Count {
            long errors = 0;
            long total = 0;
            std::set<std::string> fields;
        };
        std::map<std::string, Count> counts;
        for (const auto& issue : data_.issues) {
            Count& count = counts[issue.code];
            ++count.total;
            count.errors += issue.severity == Severity::error ? 1 : 0;
            if (!issue.field.empty()) {
                count.fields.insert(issue.field);
            }
        }
        for (const auto& [code, count] : counts) {
            table.rows.push_back(
                {text_cell(code),
                 text_cell(word(count.errors > 0 ? "labels.error" : "labels.warning")),
                 count_cell(count.total),
                 text_cell(count.fields.empty()
                               ? "-"
                               : fmt::format("{}", fmt::join(count.fields, ", ")))});
        }
        table.note = word("notes.issues");
        return table;
    }

    /// The findings; with `most` > 0, the first `most` of each code and a row per code
    /// counting the others.
    Table issues(std::size_t most) const {
        Table table;
        std::set<std::string> files;
        for (const auto& issue : data_.issues) {
            files.insert(display_path(issue.where.file));
        }
        const bool one_file = files.size() == 1;
        table.caption = one_file ? word("captions.issues-in", {{"label", text_arg(*files.begin())}})
                                 : word("captions.issues");
        table.sheet_name = "Data quality";
        table.header = {header(one_file ? "row-col" : "file-row-col"), header("code"),
                        header("field"), header("value"), header("problem")};
        table.widths = {one_file ? 0.9 : 2.2, 2.0, 2.0, 1.3, 3.6};
        auto add = [&](const QualityIssue& issue) {
            std::string where =
                one_file ? fmt::format("{}", issue.where.line)
                         : fmt::format("{}:{}", display_path(issue.where.file), issue.where.line);
            if (issue.where.column > 0) {
                where += fmt::format(":{}", issue.where.column);
            }
            table.rows.push_back({text_cell(where), text_cell(issue.code), text_cell(issue.field),
                                  text_cell(issue.value), text_cell(issue.problem)});
        };
        if (most == 0) {
            for (const auto& issue : data_.issues) {
                add(issue);
            }
            return table;
        }
        // The first findings of each code in file order, then a row for each code counting
        // the others (codes in the order of issues-by-code): the workbook lists every finding.
        std::map<std::string, std::size_t> seen;
        for (const auto& issue : data_.issues) {
            if (++seen[issue.code] <= most) {
                add(issue);
            }
        }
        std::size_t left_out = 0;
        for (const auto& [code, count] : seen) {
            if (count > most) {
                const std::size_t more = count - most;
                left_out += more;
                Cell text = text_cell(
                    word("labels.issues-more", {{"count", count_arg(static_cast<double>(more))}}));
                table.rows.push_back({text_cell("\u2026"), text_cell(code), text_cell(""),
                                      text_cell(""), std::move(text)});
            }
        }
        if (left_out > 0) {
            table.note =
                word("notes.issues-listed",
                     {{"listed", count_arg(static_cast<double>(data_.issues.size() - left_out))},
                      {"count", count_arg(static_cast<double>(data_.issues.size()))},
                      {"most", count_arg(static_cast<double>(most))}});
        }
        return table;
    }

    Table definitions(const TemplateBlock& block) const {
        Table table;
        table.sheet_name = "Definitions";
        table.header = {header("id"), header("indicator"), header("formula"), header("aggregation"),
                        header("standard")};
        table.widths = {0.8, 1.8, 2.8, 1.4, 2.0};
        const auto ids = block.indicators.empty() ? results_.indicators : block.indicators;
        for (const auto& id : ids) {
            const IndicatorDef& def = def_of(id);
            std::vector<std::string> aggregation;
            for (const Statistic statistic : def.statistics) {
                const std::string name(statistic_name(statistic));
                aggregation.push_back(word(
                    "aggregations." + name,
                    {{"label", text_arg(def.weight)},
                     {"value", text_arg(charts::group_thousands(def.trim * 100, 0, locale_))}}));
            }
            std::string standard = def.source;
            if (!def.version.empty()) {
                standard += "; " + def.version;
            }
            table.rows.push_back({text_cell(def.id), text_cell(def.names.get(language_)),
                                  text_cell(def.formula_text),
                                  text_cell(fmt::format("{}", fmt::join(aggregation, "; "))),
                                  text_cell(standard)});
        }
        table.note = word("notes.definitions");
        return table;
    }

    Table peer_groups(std::size_t grouping) const {
        Table table;
        table.header = {grouping_title(results_.groupings[grouping].name), header("institutions"),
                        header("names")};
        table.widths = {2.0, 1.0, 5.0};
        // Each institution's name as its last record gives it (views into the dataset).
        std::unordered_map<std::string_view, std::string_view> names;
        for (std::size_t r = 0; r < data_.institution_id.size(); ++r) {
            if (r < data_.institution_name.size() && !data_.institution_name[r].empty()) {
                names[data_.institution_id[r]] = data_.institution_name[r];
            }
        }
        for (const std::size_t scope : results_.group_scopes(grouping)) {
            std::vector<const IndicatorResult*> items;
            for (const auto& item : results_.items) {
                if (item.scope == scope && item.period == last_) {
                    items.push_back(&item);
                }
            }
            std::vector<std::string> shown;
            for (const auto& id : results_.institutions(items)) {
                const auto found = names.find(id);
                shown.emplace_back(found != names.end() ? found->second : std::string_view(id));
            }
            std::sort(shown.begin(), shown.end());
            table.rows.push_back(
                {text_cell(scope_label(scope)), count_cell(results_.reporting_count(scope, last_)),
                 text_cell(shown.empty() ? "-" : fmt::format("{}", fmt::join(shown, ", ")))});
        }
        table.note = word("notes.peer-groups");
        return table;
    }

    /// Every result in long form, for analysts (workbook only). Headers stay English: scripts
    /// read this sheet.
    Table results_sheet() const {
        Table table;
        table.caption = word("captions.results");
        table.sheet_name = "Results";
        table.in_pdf = false;
        table.header = {"Indicator", "Name", "Statistic", "Scope", "Period",         "Value",
                        "P25",       "P75",  "Unit",      "n",     "Missing reason", "Flags"};
        table.row_source = std::make_shared<const ResultRows>(results_, catalogue_, language_);
        return table;
    }

    const ReportSpec& spec_;
    const ReportTemplate& report_;
    std::string language_;
    charts::Locale locale_;
    const Catalogue& catalogue_;
    const Dataset& data_;
    const Results& results_;
    const Assessment& assessment_;
    Diagnostics& diagnostics_;
    const RecordValues* record_values_; ///< institution values per record, for scatters
    bool workbook_tables_ = true;       ///< build the tables only the workbook shows
    unsigned threads_ = 1;              ///< 2 or more: tables are built on a helper too
    TablesAhead* ahead_ = nullptr;      ///< during build()
    int last_;
    int first_;
    const TextSet* texts_ = nullptr;
    const TextSet* english_ = nullptr;
    std::vector<Block>* blocks_ = nullptr;
    int section_ = 0;
    int subsection_ = 0;
    int annex_ = 0;
    int paragraph_ = 0;
    std::map<const TemplateBlock*, std::string> numbers_;        ///< printed tables and figures
    std::map<std::string, std::string, std::less<>> references_; ///< "table.<id>" -> "3"
};

} // namespace

Document build_document(const ReportSpec& spec, const ReportTemplate& report,
                        const std::string& language, const Catalogue& catalogue,
                        const Dataset& data, const Results& results, const Assessment& assessment,
                        Diagnostics& diagnostics, const RecordValues* record_values,
                        bool workbook_tables, unsigned threads) {
    return Builder(spec, report, language, catalogue, data, results, assessment, diagnostics,
                   record_values, workbook_tables, threads)
        .build();
}

Document build_document(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
                        const Results& results, const Assessment& assessment) {
    Diagnostics diagnostics;
    if (!spec.template_path.empty()) {
        if (const auto report = load_template(spec.template_path, catalogue, diagnostics)) {
            return build_document(spec, *report, spec.language, catalogue, data, results,
                                  assessment, diagnostics);
        }
    }
    Document doc;
    doc.info.title = spec.title;
    doc.info.subtitle = spec.subtitle;
    doc.info.symbol = spec.symbol;
    doc.info.language = spec.language;
    doc.info.date_text = long_date(spec.date, spec.language);
    doc.info.cover = spec.cover;
    doc.info.summary = spec.summary;
    return doc;
}

} // namespace sfp
