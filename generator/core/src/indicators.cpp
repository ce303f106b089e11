#include "sfp/indicators.hpp"

#include "sfp/audit.hpp"
#include "sfp/document.hpp"
#include "sfp/statistics.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <future>
#include <iterator>
#include <limits>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace sfp {

std::string_view reason_name(MissingReason reason) {
    switch (reason) {
    case MissingReason::no_data:
        return "no-data";
    case MissingReason::missing_input:
        return "missing-input";
    case MissingReason::excluded:
        return "excluded";
    case MissingReason::zero_denominator:
        return "zero-denominator";
    case MissingReason::no_previous_period:
        return "no-previous-period";
    case MissingReason::suppressed:
        return "suppressed";
    }
    return "no-data";
}

std::string IndicatorResult::reason_text() const {
    if (!missing) {
        return "";
    }
    if (missing_detail.empty()) {
        return std::string(reason_name(*missing));
    }
    return fmt::format("{}: {}", reason_name(*missing), missing_detail);
}

RecordList::RecordList(const std::vector<std::uint32_t>& sorted) : size_(sorted.size()) {
    // Two passes: the exact size first, so that the bytes are allocated once and fit.
    std::size_t count = 0;
    std::uint32_t previous = 0;
    for (const std::uint32_t record : sorted) {
        if (record < previous) {
            throw std::invalid_argument(
                fmt::format("RecordList: record {} after {}: not sorted", record, previous));
        }
        const std::uint32_t delta = record - previous;
        count += delta < (1U << 7U)    ? 1
                 : delta < (1U << 14U) ? 2
                 : delta < (1U << 21U) ? 3
                 : delta < (1U << 28U) ? 4
                                       : 5;
        previous = record;
    }
    bytes_.resize(count);
    std::uint8_t* out = bytes_.data();
    previous = 0;
    for (const std::uint32_t record : sorted) {
        std::uint32_t delta = record - previous;
        while (delta >= 0x80U) {
            *out++ = static_cast<std::uint8_t>((delta & 0x7FU) | 0x80U);
            delta >>= 7U;
        }
        *out++ = static_cast<std::uint8_t>(delta);
        previous = record;
    }
    bytes_.shrink_to_fit(); // already exact (one resize of an empty vector): states the intent
}

std::vector<std::uint32_t> RecordList::to_vector() const {
    std::vector<std::uint32_t> out;
    out.reserve(size_);
    for (const std::uint32_t record : *this) {
        out.push_back(record);
    }
    return out;
}

bool IndicatorResult::has_flag(std::string_view flag) const {
    return std::any_of(flags.begin(), flags.end(),
                       [&](const FlagCount& f) { return f.flag == flag; });
}

std::size_t Results::IndexKeyHash::operator()(const IndexKey& key) const {
    std::uint64_t h = (std::uint64_t{key.indicator} << 40U) ^
                      (std::uint64_t{static_cast<std::uint8_t>(key.statistic)} << 32U) ^
                      std::uint64_t{key.scope};
    h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(key.period);
    h ^= h >> 29U;
    return static_cast<std::size_t>(h * 0xBF58476D1CE4E5B9ULL);
}

void Results::add_to_index(std::size_t item) {
    const IndicatorResult& result = items.at(item);
    // Looked up before it is added: std::map::emplace makes its node (a copy of the name)
    // before it looks, for each of the 55,000 results of a report.
    auto numbered = indicator_numbers_.find(result.indicator);
    if (numbered == indicator_numbers_.end()) {
        numbered =
            indicator_numbers_
                .emplace(result.indicator, static_cast<std::uint32_t>(indicator_numbers_.size()))
                .first;
    }
    const std::uint32_t number = numbered->second;
    index_.emplace(
        IndexKey{number, static_cast<std::uint32_t>(result.scope), result.period, result.statistic},
        static_cast<std::uint32_t>(item));
}

void Results::reserve(std::size_t count) {
    items.reserve(count);
    index_.reserve(count);
}

void Results::clear_index() {
    index_.clear();
    indicator_numbers_.clear();
}

const IndicatorResult* Results::find(std::string_view indicator, std::size_t scope, int period,
                                     Statistic statistic) const {
    const auto number = indicator_numbers_.find(indicator);
    if (number == indicator_numbers_.end() || scope > std::numeric_limits<std::uint32_t>::max()) {
        return nullptr;
    }
    const auto found =
        index_.find(IndexKey{number->second, static_cast<std::uint32_t>(scope), period, statistic});
    if (found == index_.end() && order_statistics_last_period_only_ &&
        is_order_statistic(statistic) && scope < scopes.size() && !periods.empty() &&
        period != periods.back() && std::binary_search(periods.begin(), periods.end(), period)) {
        const auto headline = headline_.find(indicator);
        if (headline == headline_.end() || !is_order_statistic(headline->second)) {
            // Left out by the engine (EngineOptions::order_statistics_every_period): a reader
            // the build did not foresee. Never shown as missing: the report stops instead.
            throw std::logic_error(
                fmt::format("the {} of {} for {} was not computed: this build computes order "
                            "statistics for the last period ({}) only",
                            statistic_name(statistic), indicator, period, periods.back()));
        }
    }
    return found == index_.end() ? nullptr : &items[found->second];
}

const IndicatorResult* Results::find(std::string_view indicator, std::size_t scope,
                                     int period) const {
    const auto found = headline_.find(indicator);
    if (found != headline_.end()) {
        return find(indicator, scope, period, found->second);
    }
    // Results assembled without headlines (tests): the first statistic present.
    for (const Statistic statistic : {Statistic::sum, Statistic::ratio, Statistic::bwm,
                                      Statistic::median, Statistic::trimmed_mean}) {
        if (const auto* result = find(indicator, scope, period, statistic)) {
            return result;
        }
    }
    return nullptr;
}

long Results::reporting_count(std::size_t scope, int period) const {
    const auto p = std::find(periods.begin(), periods.end(), period);
    if (p == periods.end() || scope >= scopes.size()) {
        return 0;
    }
    return reporting_.at(scope * periods.size() + static_cast<std::size_t>(p - periods.begin()));
}

std::optional<std::size_t> Results::scope_index(std::string_view key) const {
    for (std::size_t i = 0; i < scopes.size(); ++i) {
        if (scopes[i].key == key) {
            return i;
        }
    }
    return std::nullopt;
}

std::vector<std::size_t> Results::group_scopes(std::size_t grouping) const {
    std::vector<std::size_t> out;
    if (grouping >= groupings.size()) {
        return out;
    }
    for (const std::size_t scope : groupings[grouping].scopes) {
        if (scope != all_) {
            out.push_back(scope);
        }
    }
    return out;
}

std::size_t Results::drop_provenance() {
    std::size_t bytes = 0;
    for (auto& item : items) {
        bytes += item.records.encoded_bytes();
        item.records = RecordList{};
    }
    return bytes;
}

std::vector<std::string> Results::institutions(const IndicatorResult& item) const {
    return institutions(std::vector<const IndicatorResult*>{&item});
}

std::vector<std::string>
Results::institutions(const std::vector<const IndicatorResult*>& chosen) const {
    if (provenance_last_period_only_) {
        for (const IndicatorResult* item : chosen) {
            if (!periods.empty() && item->period != periods.back()) {
                // Its list was not made (EngineOptions::provenance_every_period): never an
                // empty list shown as "no institution".
                throw std::logic_error(fmt::format(
                    "the records of {} for {} were not kept: this build keeps those of the last "
                    "period ({}) only",
                    item->indicator, item->period, periods.back()));
            }
        }
    }
    if (record_rank_.size() != record_institution.size()) {
        // Results assembled by hand (tests): no ranks.
        std::set<std::string> ids;
        for (const IndicatorResult* item : chosen) {
            for (const std::uint32_t record : item->records) {
                if (record < record_year.size() && record_year[record] == item->period) {
                    ids.insert(record_institution[record]);
                }
            }
        }
        return {ids.begin(), ids.end()};
    }
    std::vector<std::uint32_t> ranks;
    for (const IndicatorResult* item : chosen) {
        for (const std::uint32_t record : item->records) {
            if (record < record_year.size() && record_year[record] == item->period) {
                ranks.push_back(record_rank_[record]);
            }
        }
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    std::vector<std::string> ids;
    ids.reserve(ranks.size());
    for (const std::uint32_t rank : ranks) {
        ids.push_back(institution_names_[rank]);
    }
    return ids;
}

bool bind_indicators(const ReportSpec& spec, const Catalogue& catalogue, Diagnostics& diagnostics) {
    bool ok = true;
    const auto ids = catalogue.ids();
    for (std::size_t i = 0; i < spec.indicators.size(); ++i) {
        if (catalogue.find(spec.indicators[i]) == nullptr) {
            diagnostics.error(spec.indicator_pos.at(i),
                              fmt::format("unknown indicator '{}' (not in {})", spec.indicators[i],
                                          spec.catalogue_path),
                              did_you_mean(spec.indicators[i], ids));
            ok = false;
        }
    }
    for (const auto& chart : spec.charts) {
        if (std::find(spec.indicators.begin(), spec.indicators.end(), chart.indicator) ==
            spec.indicators.end()) {
            diagnostics.error(chart.where,
                              fmt::format("chart of indicator '{}', which is not in "
                                          "[indicators] show",
                                          chart.indicator),
                              did_you_mean(chart.indicator, spec.indicators));
            ok = false;
        }
    }
    return ok;
}

namespace {

const std::vector<std::string>& plain_dimensions() {
    static const std::vector<std::string> names{"region", "country", "legal_form", "institution"};
    return names;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string::npos) {
            return parts;
        }
        start = end + 1;
    }
}

} // namespace

bool check_engine_options(const EngineOptions& options, const Catalogue& catalogue,
                          Diagnostics& diagnostics) {
    bool ok = true;
    const SourcePos where{};
    for (const auto& id : options.indicators) {
        if (catalogue.find(id) == nullptr) {
            diagnostics.error(where, fmt::format("unknown indicator '{}'", id),
                              did_you_mean(id, catalogue.ids()));
            ok = false;
        }
    }
    std::vector<std::string> known = plain_dimensions();
    for (const auto& peer : catalogue.peer_groups) {
        known.push_back("peer:" + peer.name);
    }
    for (const auto& custom : options.custom) {
        known.push_back("custom:" + custom.name);
    }
    for (const auto& grouping : options.groupings) {
        for (const auto& dimension : split(grouping, '+')) {
            if (std::find(known.begin(), known.end(), dimension) == known.end()) {
                diagnostics.error(options.groupings_pos,
                                  fmt::format("unknown grouping '{}' in '{}' (expected one of {})",
                                              dimension, grouping, fmt::join(known, ", ")),
                                  did_you_mean(dimension, known));
                ok = false;
            }
        }
    }
    for (const auto& custom : options.custom) {
        if (custom.of != "institution_id" && custom.of != "country_iso3" && custom.of != "region" &&
            custom.of != "legal_form") {
            diagnostics.error(custom.where,
                              fmt::format("'of' in [[grouping]] '{}': expected institution_id, "
                                          "country_iso3, region or legal_form, found '{}'",
                                          custom.name, custom.of));
            ok = false;
        }
    }
    for (const auto& [name, value] : options.parameters) {
        if (catalogue.parameters.find(name) == catalogue.parameters.end()) {
            std::vector<std::string> names;
            for (const auto& [known_name, unused] : catalogue.parameters) {
                names.push_back(known_name);
            }
            diagnostics.error(options.parameters_pos,
                              fmt::format("unknown parameter '{}' in [parameters]", name),
                              did_you_mean(name, names));
            ok = false;
        }
    }
    return ok;
}

namespace {

constexpr std::uint32_t flag_single_balance = 1U << 0U;
constexpr std::uint32_t flag_annualised = 1U << 1U;
constexpr std::uint32_t flag_converted = 1U << 2U;
constexpr std::uint32_t flag_previous = 1U << 3U; ///< internal: a previous record was read
constexpr unsigned first_quality_bit = 4;
constexpr unsigned flag_bits = 32;

/// Values of one expression for every record: `why[r]` is 0 when `v[r]` is a value, else the
/// id of the reason (Context::reason_text).
struct Column {
    std::vector<double> v;
    std::vector<std::uint16_t> why;
    std::vector<std::uint32_t> flags;

    explicit Column(std::size_t n = 0) : v(n, 0.0), why(n, 0), flags(n, 0) {}
    [[nodiscard]] bool ok(std::size_t r) const { return why[r] == 0; }
};

/// Columns are shared, not copied, between the caches of the context and the indicators that
/// read them: a ratio's numerator is often a field column, and 30,000 records make a column
/// 420 kB (the whole GB evaluation held 35 MB of such copies).
using ColumnPtr = std::shared_ptr<const Column>;

struct IndicatorColumns {
    ColumnPtr value;
    ColumnPtr numerator; ///< ratio formulas only
    ColumnPtr denominator;
    bool ratio = false;
};

/// Everything the evaluation of formulas over one dataset needs, computed once and shared by
/// every indicator: previous-period links, period lengths, exchange rates, quality flags, and
/// memoised columns of fields, derived quantities and indicators.
class Context {
public:
    Context(const Dataset& data, const Catalogue& catalogue, const ReferenceSeries& reference,
            const EngineOptions& options)
        : data_(data), catalogue_(catalogue), reference_(reference), options_(options),
          n_(data.size()) {
        reasons_.emplace_back();
        flag_names_ = {"single-balance", "annualised", "converted", "previous"};
        link_previous();
        period_lengths();
        exchange_rates();
        quality();
    }

    [[nodiscard]] std::size_t size() const { return n_; }
    [[nodiscard]] const std::string& reason_text(std::uint16_t id) const { return reasons_[id]; }
    /// Every reason text by id; id 0 is "" (no reason).
    [[nodiscard]] const std::vector<std::string>& reason_texts() const { return reasons_; }
    [[nodiscard]] const std::vector<std::string>& flag_names() const { return flag_names_; }
    [[nodiscard]] long previous(std::size_t r) const { return previous_[r]; }

    /// The columns of an indicator. A ratio's value column (the quotient of its parts) is made
    /// only when `with_value`: the audit table reads the parts alone, and 28 quotients of
    /// 30,000 records held 11 MB at the workbook's peak.
    const IndicatorColumns& indicator(const std::string& id, bool with_value = true) {
        auto found = indicators_.find(id);
        if (found == indicators_.end()) {
            IndicatorColumns parts = indicator_parts(*catalogue_.find(id));
            found = indicators_.emplace(id, std::move(parts)).first;
        }
        IndicatorColumns& columns = found->second;
        if (with_value && !columns.value) {
            auto value = std::make_shared<Column>(*columns.numerator);
            divide(*value, *columns.denominator);
            columns.value = std::move(value);
        }
        return columns;
    }

    /// The column of a whole expression: a cached one when the expression is a field,
    /// derived quantity or indicator.
    ColumnPtr column(const formula::Expression& expression) {
        return shared(expression, expression.root);
    }

    /// Forgets the memoised columns of fields, derived quantities and indicators (references
    /// from indicator() go too). For the audit table, which reads each indicator once: kept to
    /// the end, its columns held 28 MB at the workbook's peak; made again, they cost
    /// milliseconds.
    void forget_columns() {
        forget_indicators();
        derived_.clear();
        fields_.clear();
        series_.clear();
    }
    /// Forgets the memoised indicator columns only.
    void forget_indicators() { indicators_.clear(); }

    /// The column of node `index`: the cached one itself for a field, derived quantity or
    /// indicator, else a new one.
    ColumnPtr shared(const formula::Expression& expression, int index) {
        const formula::Node& node = expression.at(index);
        if (node.op == formula::Op::field) {
            return field_ptr(node.name);
        }
        if (node.op == formula::Op::derived) {
            return derived_ptr(node.name);
        }
        if (node.op == formula::Op::series) {
            return series_ptr(node.name);
        }
        if (node.op == formula::Op::indicator) {
            return indicator(node.name).value;
        }
        return std::make_shared<const Column>(eval(expression, index));
    }

    /// The values of a text dimension by record, or null when the data has no such column
    /// (every record's value is then "").
    [[nodiscard]] const std::vector<std::string>* texts(const std::string& dimension) const {
        if (dimension == "region") {
            return &data_.region;
        }
        if (dimension == "country" || dimension == "country_iso3") {
            return &data_.country_iso3;
        }
        if (dimension == "institution" || dimension == "institution_id") {
            return &data_.institution_id;
        }
        return data_.text_column(dimension);
    }

    std::uint16_t intern(const std::string& text) {
        const auto found = reason_ids_.find(text);
        if (found != reason_ids_.end()) {
            return found->second;
        }
        if (reasons_.size() >= std::numeric_limits<std::uint16_t>::max()) {
            return intern("missing-input: (too many distinct reasons)");
        }
        reasons_.push_back(text);
        const auto id = static_cast<std::uint16_t>(reasons_.size() - 1);
        reason_ids_.emplace(text, id);
        return id;
    }

private:
    /// Links each record to the first record of the same institution and the year before.
    /// Keys are numbers (institution number, year), not formatted strings.
    void link_previous() {
        previous_.assign(n_, -1);
        std::unordered_map<std::string_view, std::uint64_t> institutions;
        institutions.reserve(n_);
        std::vector<std::uint64_t> institution(n_);
        for (std::size_t r = 0; r < n_; ++r) {
            institution[r] =
                institutions.emplace(data_.institution_id[r], institutions.size()).first->second;
        }
        auto key = [&](std::size_t r, int year) {
            return (institution[r] << 32U) | static_cast<std::uint32_t>(year);
        };
        std::unordered_map<std::uint64_t, long> index;
        index.reserve(n_);
        for (std::size_t r = 0; r < n_; ++r) {
            index.emplace(key(r, data_.fiscal_year[r]), static_cast<long>(r));
        }
        for (std::size_t r = 0; r < n_; ++r) {
            const auto found = index.find(key(r, data_.fiscal_year[r] - 1));
            if (found != index.end()) {
                previous_[r] = found->second;
            }
        }
    }

    void period_lengths() {
        months_.assign(n_, 12.0);
        for (std::size_t r = 0; r < n_; ++r) {
            if (r < data_.period_start.size() && r < data_.period_end.size() &&
                data_.period_start[r] && data_.period_end[r]) {
                const long days = data_.period_end[r]->days() - data_.period_start[r]->days() + 1;
                const double months = std::round(static_cast<double>(days) / 30.4375);
                if (months >= 1) {
                    months_[r] = months;
                }
            }
        }
    }

    void exchange_rates() {
        rate_average_.assign(n_, 1.0);
        rate_end_.assign(n_, 1.0);
        rate_why_.assign(n_, 0);
        converted_.assign(n_, 0);
        for (std::size_t r = 0; r < n_; ++r) {
            static const std::string none;
            const std::string& currency = r < data_.currency.size() ? data_.currency[r] : none;
            if (currency.empty() || currency == "USD") {
                continue;
            }
            converted_[r] = 1;
            if (const auto rate = reference_.rate(currency, data_.fiscal_year[r]);
                rate && rate->average > 0 && rate->end > 0) {
                rate_average_[r] = rate->average;
                rate_end_[r] = rate->end;
            } else {
                rate_why_[r] = intern(fmt::format("missing-input: exchange rate {} {}", currency,
                                                  data_.fiscal_year[r]));
            }
        }
    }

    /// Issues on kept records: a value set aside makes its field "excluded: <code>" for the
    /// record; any other issue on the record (or on one of its fields) becomes a flag.
    void quality() {
        row_flags_.assign(n_, 0);
        if (data_.issues.empty()) {
            return;
        }
        // Records by (file number, line); the first record of a row wins.
        std::unordered_map<std::string_view, std::uint64_t> files;
        std::vector<std::unordered_map<long, std::size_t>> rows;
        for (std::size_t r = 0; r < n_; ++r) {
            const SourcePos& where = data_.origin[r];
            const auto file = files.emplace(where.file, files.size()).first->second;
            if (file == rows.size()) {
                rows.emplace_back().reserve(n_);
            }
            rows[file].emplace(where.line, r);
        }
        for (const QualityIssue& issue : data_.issues) {
            const auto file = files.find(issue.where.file);
            if (file == files.end()) {
                continue; // a file-level problem
            }
            const auto& lines = rows[file->second];
            const auto found = lines.find(issue.where.line);
            if (found == lines.end()) {
                continue; // a rejected row, or a file-level problem
            }
            const std::size_t r = found->second;
            const auto* column = issue.field.empty() ? nullptr : data_.column(issue.field);
            if (column != nullptr && !(*column)[r]) {
                auto& excluded = excluded_[issue.field];
                excluded.resize(n_, 0);
                if (excluded[r] == 0) {
                    excluded[r] = intern("excluded: " + issue.code);
                }
                continue;
            }
            const std::uint32_t bit = flag_bit(issue.code);
            if (issue.field.empty()) {
                row_flags_[r] |= bit;
            } else {
                auto& flags = field_flags_[issue.field];
                flags.resize(n_, 0);
                flags[r] |= bit;
            }
        }
    }

    std::uint32_t flag_bit(const std::string& name) {
        for (std::size_t i = first_quality_bit; i < flag_names_.size(); ++i) {
            if (flag_names_[i] == name) {
                return 1U << i;
            }
        }
        if (flag_names_.size() >= flag_bits) {
            return 0; // more distinct codes than bits: the last ones do not travel
        }
        flag_names_.push_back(name);
        return 1U << (flag_names_.size() - 1);
    }

    void divide(Column& numerator, const Column& denominator) {
        const std::uint16_t zero = intern("zero-denominator");
        for (std::size_t r = 0; r < n_; ++r) {
            if (!numerator.ok(r)) {
                continue;
            }
            if (!denominator.ok(r)) {
                numerator.why[r] = denominator.why[r];
                continue;
            }
            numerator.flags[r] |= denominator.flags[r];
            if (denominator.v[r] == 0.0) {
                numerator.why[r] = zero;
            } else {
                numerator.v[r] /= denominator.v[r];
            }
        }
    }

    Column field(const std::string& name) { return *field_ptr(name); }

    const ColumnPtr& field_ptr(const std::string& name) {
        const auto cached = fields_.find(name);
        if (cached != fields_.end()) {
            return cached->second;
        }
        Column out(n_);
        const auto* column = data_.column(name);
        const FieldInfo* info = find_field(name);
        const bool amount = info != nullptr && info->kind == FieldKind::amount;
        const bool flow = is_flow(name);
        const std::uint16_t missing = intern("missing-input: " + name);
        const auto excluded = excluded_.find(name);
        const auto field_flags = field_flags_.find(name);
        for (std::size_t r = 0; r < n_; ++r) {
            if (column == nullptr || !(*column)[r]) {
                out.why[r] = missing;
                if (excluded != excluded_.end() && excluded->second[r] != 0) {
                    out.why[r] = excluded->second[r];
                }
                continue;
            }
            double value = *(*column)[r];
            std::uint32_t flags = row_flags_[r];
            if (field_flags != field_flags_.end()) {
                flags |= field_flags->second[r];
            }
            if (amount) {
                if (rate_why_[r] != 0) {
                    out.why[r] = rate_why_[r];
                    continue;
                }
                value /= flow ? rate_average_[r] : rate_end_[r];
                if (converted_[r] != 0) {
                    flags |= flag_converted;
                }
            }
            if (flow && months_[r] != 12.0) {
                value *= 12.0 / months_[r];
                flags |= flag_annualised;
            }
            out.v[r] = value;
            out.flags[r] = flags;
        }
        return fields_.emplace(name, std::make_shared<const Column>(std::move(out))).first->second;
    }

    /// A ratio's parts, or a plain formula's value; the ratio's value is left to indicator().
    IndicatorColumns indicator_parts(const IndicatorDef& def) {
        IndicatorColumns columns;
        if (const auto parts = def.formula.ratio_parts()) {
            columns.ratio = true;
            columns.numerator = shared(def.formula, parts->first);
            columns.denominator = shared(def.formula, parts->second);
        } else {
            columns.value = shared(def.formula, def.formula.root);
        }
        return columns;
    }

    const ColumnPtr& derived_ptr(const std::string& name) {
        const auto cached = derived_.find(name);
        if (cached != derived_.end()) {
            return cached->second;
        }
        ColumnPtr out = column(catalogue_.find_derived(name)->formula);
        return derived_.emplace(name, std::move(out)).first->second;
    }

    /// A reference series by record (GNI per capita, inflation), made once: 27 formulas of the
    /// catalogue read GNI per capita, and each made it again with a lookup per record.
    const ColumnPtr& series_ptr(const std::string& name) {
        const auto cached = series_.find(name);
        if (cached != series_.end()) {
            return cached->second;
        }
        Column out(n_);
        const std::uint16_t missing = intern("missing-input: " + name);
        const bool inflation = name == "inflation_rate";
        for (std::size_t r = 0; r < n_; ++r) {
            const auto value =
                inflation ? reference_.inflation_rate(data_.country_iso3[r], data_.fiscal_year[r])
                          : reference_.gni_per_capita(data_.country_iso3[r], data_.fiscal_year[r]);
            if (value) {
                out.v[r] = *value;
            } else {
                out.why[r] = missing;
            }
        }
        return series_.emplace(name, std::make_shared<const Column>(std::move(out))).first->second;
    }

    Column constant(double value) {
        Column out(n_);
        std::fill(out.v.begin(), out.v.end(), value);
        return out;
    }

    template <typename F> Column combine(Column a, const Column& b, F f) {
        for (std::size_t r = 0; r < n_; ++r) {
            if (!a.ok(r)) {
                continue;
            }
            if (!b.ok(r)) {
                a.why[r] = b.why[r];
                continue;
            }
            a.v[r] = f(a.v[r], b.v[r]);
            a.flags[r] |= b.flags[r];
        }
        return a;
    }

    /// avg(x): the mean of last period's closing balance and this one's; with only this
    /// period's balance, that balance flagged "single-balance" (or missing, by option).
    Column average(const Column& closing) {
        Column out = closing;
        const std::uint16_t no_previous = intern("no-previous-period");
        for (std::size_t r = 0; r < n_; ++r) {
            if (!closing.ok(r)) {
                continue;
            }
            const long p = previous_[r];
            if (p >= 0 && closing.ok(static_cast<std::size_t>(p))) {
                const auto prev = static_cast<std::size_t>(p);
                out.v[r] = (closing.v[prev] + closing.v[r]) / 2.0;
                out.flags[r] |= closing.flags[prev] | flag_previous;
            } else if (options_.single_balance == SingleBalance::flag) {
                out.flags[r] |= flag_single_balance;
            } else {
                out.why[r] = no_previous;
            }
        }
        return out;
    }

    Column previous_of(const Column& current) {
        Column out(n_);
        const std::uint16_t no_previous = intern("no-previous-period");
        for (std::size_t r = 0; r < n_; ++r) {
            const long p = previous_[r];
            if (p < 0) {
                out.why[r] = no_previous;
                continue;
            }
            const auto prev = static_cast<std::size_t>(p);
            out.v[r] = current.v[prev];
            out.why[r] = current.why[prev];
            out.flags[r] = current.flags[prev] | flag_previous;
        }
        return out;
    }

    Column eval(const formula::Expression& expression, int index) {
        const formula::Node& node = expression.at(index);
        using formula::Op;
        // arg(i): a column of its own, to write the result into; operand(i): read only, the
        // cached column itself when it is a field, derived quantity or indicator.
        auto arg = [&](std::size_t i) { return eval(expression, node.args.at(i)); };
        auto operand = [&](std::size_t i) { return shared(expression, node.args.at(i)); };
        switch (node.op) {
        case Op::number:
            return constant(node.number);
        case Op::parameter: {
            const auto found = options_.parameters.find(node.name);
            return constant(found != options_.parameters.end() ? found->second : node.number);
        }
        case Op::field:
            return field(node.name);
        case Op::series:
            return *series_ptr(node.name);
        case Op::derived:
            return *derived_ptr(node.name);
        case Op::indicator:
            return *indicator(node.name).value;
        case Op::months: {
            Column out(n_);
            out.v = months_;
            return out;
        }
        case Op::year: {
            Column out(n_);
            for (std::size_t r = 0; r < n_; ++r) {
                out.v[r] = data_.fiscal_year[r];
            }
            return out;
        }
        case Op::name:
            break; // unbound: cannot happen after bind
        case Op::neg: {
            Column out = arg(0);
            for (auto& v : out.v) {
                v = -v;
            }
            return out;
        }
        case Op::add:
            return combine(arg(0), *operand(1), [](double a, double b) { return a + b; });
        case Op::sub:
            return combine(arg(0), *operand(1), [](double a, double b) { return a - b; });
        case Op::mul:
            return combine(arg(0), *operand(1), [](double a, double b) { return a * b; });
        case Op::div: {
            Column out = arg(0);
            divide(out, *operand(1));
            return out;
        }
        case Op::lt:
            return combine(arg(0), *operand(1),
                           [](double a, double b) { return a < b ? 1.0 : 0.0; });
        case Op::le:
            return combine(arg(0), *operand(1),
                           [](double a, double b) { return a <= b ? 1.0 : 0.0; });
        case Op::gt:
            return combine(arg(0), *operand(1),
                           [](double a, double b) { return a > b ? 1.0 : 0.0; });
        case Op::ge:
            return combine(arg(0), *operand(1),
                           [](double a, double b) { return a >= b ? 1.0 : 0.0; });
        case Op::eq:
            return combine(arg(0), *operand(1),
                           [](double a, double b) { return a == b ? 1.0 : 0.0; });
        case Op::ne:
            return combine(arg(0), *operand(1),
                           [](double a, double b) { return a != b ? 1.0 : 0.0; });
        case Op::min:
            return combine(arg(0), *operand(1), [](double a, double b) { return std::min(a, b); });
        case Op::max:
            return combine(arg(0), *operand(1), [](double a, double b) { return std::max(a, b); });
        case Op::abs: {
            Column out = arg(0);
            for (auto& v : out.v) {
                v = std::fabs(v);
            }
            return out;
        }
        case Op::avg:
            return average(*operand(0));
        case Op::prev:
            return previous_of(*operand(0));
        case Op::if_: {
            Column condition = arg(0);
            const ColumnPtr yes_column = operand(1);
            const ColumnPtr no_column = operand(2);
            const Column& yes = *yes_column;
            const Column& no = *no_column;
            for (std::size_t r = 0; r < n_; ++r) {
                if (!condition.ok(r)) {
                    continue;
                }
                const Column& chosen = condition.v[r] != 0.0 ? yes : no;
                condition.v[r] = chosen.v[r];
                condition.why[r] = chosen.why[r];
                condition.flags[r] |= chosen.flags[r];
            }
            return condition;
        }
        }
        Column out(n_);
        std::fill(out.why.begin(), out.why.end(), intern("missing-input: " + node.name));
        return out;
    }

    const Dataset& data_;
    const Catalogue& catalogue_;
    const ReferenceSeries& reference_;
    const EngineOptions& options_;
    std::size_t n_;
    std::vector<std::string> reasons_;
    std::unordered_map<std::string, std::uint16_t> reason_ids_;
    std::vector<std::string> flag_names_;
    std::vector<long> previous_;
    std::vector<double> months_;
    std::vector<double> rate_average_;
    std::vector<double> rate_end_;
    std::vector<std::uint16_t> rate_why_;
    std::vector<std::uint8_t> converted_; ///< by record: 1 when its amounts are not in USD
    std::vector<std::uint32_t> row_flags_;
    std::map<std::string, std::vector<std::uint16_t>> excluded_;
    std::map<std::string, std::vector<std::uint32_t>> field_flags_;
    std::map<std::string, ColumnPtr> fields_;
    std::map<std::string, ColumnPtr> derived_;
    std::map<std::string, ColumnPtr> series_;
    std::map<std::string, IndicatorColumns> indicators_;
};

/// Record r's value in a column of Context::texts ("" when the data has no such column).
const std::string& text_of(const std::vector<std::string>* column, std::size_t r) {
    static const std::string none;
    return column == nullptr ? none : (*column)[r];
}

/// The label of each record in a peer group: a view of its band's label (the catalogue's),
/// empty when its value is missing.
std::vector<std::string_view> peer_labels(Context& context, const PeerGroupDef& def) {
    const ColumnPtr value_column = context.column(def.value);
    const Column& value = *value_column;
    std::vector<std::string_view> labels(context.size());
    std::vector<double> bands_below;
    for (const auto& band : def.bands) {
        if (band.below) {
            bands_below.push_back(*band.below);
        }
    }
    const std::vector<std::string>* by = def.by.empty() ? nullptr : context.texts(def.by);
    for (std::size_t r = 0; r < context.size(); ++r) {
        if (!value.ok(r) || !std::isfinite(value.v[r])) {
            continue;
        }
        const std::vector<double>* below = &bands_below;
        if (!def.by.empty()) {
            const auto found = def.thresholds.find(text_of(by, r));
            if (found != def.thresholds.end()) {
                below = &found->second;
            }
        }
        std::size_t band = 0;
        while (band < below->size() && value.v[r] >= (*below)[band]) {
            ++band;
        }
        labels[r] = def.bands.at(std::min(band, def.bands.size() - 1)).label;
    }
    return labels;
}

/// The groups of one grouping and the group of every record.
struct Assignment {
    static constexpr std::uint32_t none = ~std::uint32_t{0}; ///< a record in no group
    struct Group {
        std::string key;                 ///< "region:Africa", "region:Africa+legal_form:NGO"
        std::string label;               ///< "Africa", "Africa, NGO"
        std::vector<std::string> values; ///< by dimension
    };
    std::vector<Group> groups;        ///< in the order of their first records
    std::vector<std::uint32_t> group; ///< by record: its group, or none
    [[nodiscard]] const std::string& key_of(std::size_t record) const {
        static const std::string no_key;
        return group[record] == none ? no_key : groups[group[record]].key;
    }
};

Assignment assign(Context& context, const Catalogue& catalogue, const EngineOptions& options,
                  const std::string& grouping, const Dataset& data) {
    Assignment out;
    const std::size_t n = data.size();
    out.group.assign(n, Assignment::none);
    const auto dimensions = split(grouping, '+');
    // Each dimension's value of each record, as views: into the dataset, the options, or the
    // catalogue's peer-group labels.
    std::vector<std::vector<std::string_view>> values;
    for (const auto& dimension : dimensions) {
        std::vector<std::string_view> column(n);
        if (dimension.rfind("peer:", 0) == 0) {
            column = peer_labels(context, *catalogue.find_peer_group(dimension.substr(5)));
        } else if (dimension.rfind("custom:", 0) == 0) {
            const auto name = dimension.substr(7);
            const auto custom =
                std::find_if(options.custom.begin(), options.custom.end(),
                             [&](const CustomGrouping& g) { return g.name == name; });
            const std::vector<std::string>* of = context.texts(custom->of);
            for (std::size_t r = 0; r < n; ++r) {
                const auto found = custom->map.find(text_of(of, r));
                column[r] = found != custom->map.end() ? found->second : custom->otherwise;
            }
        } else if (const std::vector<std::string>* texts = context.texts(dimension)) {
            std::copy(texts->begin(), texts->end(), column.begin());
        }
        values.push_back(std::move(column));
    }
    // Each dimension's distinct values are numbered as they are met, and a record's group is
    // looked up by its values' numbers: a group's strings are made once, when it is first met.
    std::vector<std::unordered_map<std::string_view, std::uint32_t>> numbers(dimensions.size());
    std::unordered_map<std::string, std::uint32_t> group_of_numbers;
    std::vector<std::uint32_t> group_of_number; // one dimension: by the value's number
    std::string key;                            // several: their numbers' bytes
    for (std::size_t r = 0; r < n; ++r) {
        bool complete = true;
        key.clear();
        std::uint32_t number = 0;
        for (std::size_t d = 0; d < dimensions.size(); ++d) {
            const std::string_view value = values[d][r];
            if (value.empty()) {
                complete = false;
                break;
            }
            number = numbers[d]
                         .try_emplace(value, static_cast<std::uint32_t>(numbers[d].size()))
                         .first->second;
            key.append(reinterpret_cast<const char*>(&number), sizeof number);
        }
        if (!complete) {
            continue;
        }
        std::uint32_t* slot = nullptr;
        if (dimensions.size() == 1) {
            if (number >= group_of_number.size()) {
                group_of_number.resize(number + 1, Assignment::none);
            }
            slot = &group_of_number[number];
        } else {
            slot = &group_of_numbers.try_emplace(key, Assignment::none).first->second;
        }
        if (*slot == Assignment::none) {
            *slot = static_cast<std::uint32_t>(out.groups.size());
            Assignment::Group group;
            for (std::size_t d = 0; d < dimensions.size(); ++d) {
                group.key.append(d == 0 ? "" : "+")
                    .append(dimensions[d])
                    .append(":")
                    .append(values[d][r]);
                group.label.append(d == 0 ? "" : ", ").append(values[d][r]);
                group.values.emplace_back(values[d][r]);
            }
            out.groups.push_back(std::move(group));
        }
        out.group[r] = *slot;
    }
    return out;
}

std::string all_label(const std::string& primary) {
    if (primary == "region") {
        return "All regions";
    }
    if (primary == "country") {
        return "All countries";
    }
    return "All institutions";
}

/// Counts the reasons of records without a value, by reason id; the most frequent wins (ties:
/// the alphabetically first text).
class ReasonCounter {
public:
    void clear() { counts_.clear(); }
    void add(std::uint16_t reason) {
        for (auto& [id, count] : counts_) {
            if (id == reason) {
                ++count;
                return;
            }
        }
        counts_.emplace_back(reason, 1);
    }
    /// `reasons`: the reason texts by id (Context::reason_texts).
    [[nodiscard]] std::string most_frequent(const std::vector<std::string>& reasons) const {
        const std::string* best = nullptr;
        long best_count = 0;
        for (const auto& [id, count] : counts_) {
            const std::string& text = reasons[id];
            if (count > best_count || (count == best_count && best != nullptr && text < *best)) {
                best = &text;
                best_count = count;
            }
        }
        return best == nullptr ? std::string("no-data") : *best;
    }

private:
    std::vector<std::pair<std::uint16_t, long>> counts_;
};

void set_missing(IndicatorResult& result, const std::string& reason) {
    static const std::vector<std::pair<std::string_view, MissingReason>> kinds{
        {"missing-input", MissingReason::missing_input},
        {"excluded", MissingReason::excluded},
        {"zero-denominator", MissingReason::zero_denominator},
        {"no-previous-period", MissingReason::no_previous_period},
        {"suppressed", MissingReason::suppressed},
        {"no-data", MissingReason::no_data}};
    result.value.reset();
    for (const auto& [name, kind] : kinds) {
        if (reason.rfind(name, 0) == 0) {
            result.missing = kind;
            result.missing_detail =
                reason.size() > name.size() + 2 ? reason.substr(name.size() + 2) : "";
            return;
        }
    }
    result.missing = MissingReason::no_data;
    result.missing_detail.clear();
}

/// What one record brings to a statistic: `why` 0 and the addends, or the reason.
struct Entry {
    double a = 0; ///< value, numerator, or weight * value
    double b = 0; ///< denominator or weight
    std::uint32_t flags = 0;
    std::uint16_t why = 0;
};

/// The entries of every record for one statistic of an indicator, in one array: a cell reads
/// one place per record instead of four to six columns, and a record in several cells is
/// looked at once. Made once for the threads that aggregate the indicator's cells (each had
/// made its own).
struct StatisticEntries {
    Statistic statistic = Statistic::ratio;
    std::vector<Entry> entries;
};

StatisticEntries make_entries(Statistic statistic, const IndicatorColumns& columns,
                              const Column* weight) {
    StatisticEntries out{statistic, {}};
    const Column& value = *columns.value;
    const std::size_t n = value.v.size();
    out.entries.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
        Entry& entry = out.entries[r];
        switch (statistic) {
        case Statistic::ratio: {
            const Column& num = *columns.numerator;
            const Column& den = *columns.denominator;
            if (!num.ok(r) || !den.ok(r)) {
                entry = {0, 0, 0, !num.ok(r) ? num.why[r] : den.why[r]};
            } else {
                entry = {num.v[r], den.v[r], num.flags[r] | den.flags[r], 0};
            }
            break;
        }
        case Statistic::bwm:
            if (!value.ok(r)) {
                entry = {0, 0, 0, value.why[r]};
            } else if (!weight->ok(r)) {
                entry = {0, 0, 0, weight->why[r]};
            } else {
                entry = {weight->v[r] * value.v[r], weight->v[r], value.flags[r] | weight->flags[r],
                         0};
            }
            break;
        case Statistic::sum:
        case Statistic::median:
        case Statistic::trimmed_mean:
            if (!value.ok(r)) {
                entry = {0, 0, 0, value.why[r]};
            } else {
                entry = {value.v[r], 0, value.flags[r], 0};
            }
            break;
        }
    }
    return out;
}

/// Aggregates one statistic of one indicator over the records of one cell. It reads of the
/// context only what is fixed once it is made (previous periods, flag names): the reason
/// texts come as a copy, since the next indicator's columns are made meanwhile.
class Aggregator {
public:
    Aggregator(const Context& context, const IndicatorDef& def, long min_n,
               const std::vector<std::string>& reason_texts)
        : context_(context), def_(def), min_n_(min_n), reason_texts_(reason_texts) {}

    /// `with_records`: fill result.records (the provenance list); false leaves it empty.
    void run(const StatisticEntries& made, const std::vector<std::uint32_t>& records,
             IndicatorResult& result, bool with_records) {
        const Statistic statistic = made.statistic;
        entries_ = &made.entries;
        contributing_.clear();
        previous_.clear();
        reasons_.clear();
        values_.clear();
        const bool order_statistic = is_order_statistic(statistic);
        std::array<long, flag_bits> counts{};
        const Sums sums = order_statistic ? (with_records ? add_up<true, true>(records, counts)
                                                          : add_up<true, false>(records, counts))
                                          : (with_records ? add_up<false, true>(records, counts)
                                                          : add_up<false, false>(records, counts));
        const auto [numerator, denominator, n] = sums;
        result.n = n;
        provenance(result, with_records, counts);
        if (records.empty()) {
            set_missing(result, "no-data");
            return;
        }
        if (n == 0) {
            set_missing(result, reasons_.most_frequent(reason_texts_));
            return;
        }
        switch (statistic) {
        case Statistic::sum:
            result.value = numerator;
            break;
        case Statistic::ratio:
        case Statistic::bwm:
            result.numerator = numerator;
            result.denominator = denominator;
            if (denominator == 0.0) {
                set_missing(result, "zero-denominator");
            } else {
                result.value = numerator / denominator;
            }
            if (statistic == Statistic::bwm) {
                result.numerator.reset();
                result.denominator.reset();
            }
            break;
        case Statistic::median:
            if (result.n < min_n_) {
                set_missing(result, "suppressed");
            } else if (const auto q = stats::quartiles(values_)) {
                result.value = q->median;
                result.p25 = q->p25;
                result.p75 = q->p75;
            }
            break;
        case Statistic::trimmed_mean:
            if (result.n < min_n_) {
                set_missing(result, "suppressed");
            } else {
                result.value = stats::trimmed_mean(values_, def_.trim);
            }
            break;
        }
        if (result.value && !std::isfinite(*result.value)) {
            set_missing(result, "zero-denominator");
        }
    }

private:
    struct Sums {
        double numerator = 0;
        double denominator = 0;
        long n = 0; ///< the records with a value
    };

    /// One pass over a cell's records: the sums, the values of an order statistic (`values`),
    /// the flags' counts and, for a result that lists them (`listed`), the contributing records
    /// and the previous-period records their values read. Instantiated for each case and
    /// without calls in the loop, so that the sums stay in registers (there are no
    /// callee-saved floating-point registers): the pass reads records scattered over the
    /// entries, and had kept its sums in memory. The reasons of records without a value are
    /// counted afterwards, and only when no record has one (the only case that reads them).
    template <bool values, bool listed>
    [[gnu::noinline]] Sums add_up(const std::vector<std::uint32_t>& records,
                                  std::array<long, flag_bits>& counts) {
        const Entry* const entries = entries_->data();
        if constexpr (values) {
            values_.resize(records.size());
        }
        if constexpr (listed) {
            contributing_.resize(records.size());
        }
        double* const kept_values = values_.data();
        std::uint32_t* const kept_records = contributing_.data();
        double numerator = 0;
        double denominator = 0;
        std::size_t n = 0;
        for (const std::uint32_t r : records) {
            const Entry& entry = entries[r];
            if (entry.why != 0) {
                continue;
            }
            // Additions in record order, as the results were always computed.
            numerator += entry.a;
            denominator += entry.b;
            if constexpr (values) {
                kept_values[n] = entry.a;
            }
            if constexpr (listed) {
                kept_records[n] = r;
            }
            ++n;
            if (entry.flags != 0U) {
                std::uint32_t flags = entry.flags & ~flag_previous;
                while (flags != 0U) {
                    ++counts[static_cast<std::size_t>(std::countr_zero(flags))];
                    flags &= flags - 1U;
                }
            }
        }
        if constexpr (values) {
            values_.resize(n);
        }
        if constexpr (listed) {
            contributing_.resize(n);
            for (const std::uint32_t r : contributing_) {
                if ((entries[r].flags & flag_previous) != 0U && context_.previous(r) >= 0) {
                    previous_.push_back(static_cast<std::uint32_t>(context_.previous(r)));
                }
            }
        }
        if (n == 0) {
            for (const std::uint32_t r : records) {
                reasons_.add(entries[r].why);
            }
        }
        return {numerator, denominator, static_cast<long>(n)};
    }

    /// The result's records (when `with_records`) and flag counts, from run's pass.
    void provenance(IndicatorResult& result, bool with_records,
                    const std::array<long, flag_bits>& counts) {
        if (with_records) {
            // Contributing records are in record order; previous-period records usually are.
            if (!std::is_sorted(previous_.begin(), previous_.end())) {
                std::sort(previous_.begin(), previous_.end());
            }
            merged_.clear();
            std::set_union(contributing_.begin(), contributing_.end(), previous_.begin(),
                           previous_.end(), std::back_inserter(merged_));
            merged_.erase(std::unique(merged_.begin(), merged_.end()), merged_.end());
            result.records = RecordList(merged_);
        }
        const auto& names = context_.flag_names();
        for (std::size_t bit = 0; bit < names.size() && bit < flag_bits; ++bit) {
            if (counts.at(bit) > 0) {
                result.flags.push_back({names[bit], counts.at(bit)});
            }
        }
        std::sort(result.flags.begin(), result.flags.end(),
                  [](const FlagCount& a, const FlagCount& b) { return a.flag < b.flag; });
    }

    const Context& context_; ///< read only: aggregators of one indicator run on several threads
    const IndicatorDef& def_;
    long min_n_;
    const std::vector<std::string>& reason_texts_;
    const std::vector<Entry>* entries_ = nullptr; ///< of the cell being aggregated
    std::vector<std::uint32_t> contributing_;
    std::vector<std::uint32_t> previous_;
    std::vector<std::uint32_t> merged_; ///< the records of one result, before encoding
    std::vector<double> values_;
    ReasonCounter reasons_;
};

std::vector<std::string> requested(const Catalogue& catalogue, const EngineOptions& options) {
    return options.indicators.empty() ? catalogue.ids() : options.indicators;
}

/// Sorted distinct institutions and each record's rank among them (for Results::institutions).
void rank_institutions(Results& results) {
    const auto& ids = results.record_institution;
    std::vector<std::uint32_t> order(ids.size());
    std::iota(order.begin(), order.end(), 0U);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; });
    results.institution_names_.clear();
    results.record_rank_.assign(ids.size(), 0);
    for (const std::uint32_t r : order) {
        if (results.institution_names_.empty() || results.institution_names_.back() != ids[r]) {
            results.institution_names_.push_back(ids[r]);
        }
        results.record_rank_[r] = static_cast<std::uint32_t>(results.institution_names_.size() - 1);
    }
}

InstitutionValues values_of(Context& context, const Catalogue& catalogue,
                            std::string_view indicator) {
    IndicatorColumns derived;
    const std::string name(indicator);
    if (catalogue.find(name) == nullptr) {
        // A derived quantity, or a name the catalogue does not know (every value missing).
        const DerivedDef* def = catalogue.find_derived(name);
        if (def != nullptr) {
            derived.value = context.column(def->formula);
        } else {
            auto missing = std::make_shared<Column>(context.size());
            std::fill(missing->why.begin(), missing->why.end(),
                      context.intern("missing-input: " + name));
            derived.value = std::move(missing);
        }
    }
    const IndicatorColumns& columns =
        catalogue.find(name) != nullptr ? context.indicator(name) : derived;
    InstitutionValues out;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t n = context.size();
    out.value.assign(n, nan);
    out.reason = ReasonColumn(n, context.reason_texts());
    out.flags = columns.value->flags;
    if (columns.ratio) {
        out.numerator.assign(n, nan);
        out.denominator.assign(n, nan);
    }
    for (std::size_t r = 0; r < n; ++r) {
        if (columns.value->ok(r)) {
            out.value[r] = columns.value->v[r];
        } else {
            out.reason.set(r, columns.value->why[r]);
        }
        if (columns.ratio) {
            if (columns.numerator->ok(r)) {
                out.numerator[r] = columns.numerator->v[r];
            }
            if (columns.denominator->ok(r)) {
                out.denominator[r] = columns.denominator->v[r];
            }
        }
    }
    return out;
}

/// One result to compute: a statistic over the records of a (scope, period) cell.
struct CellJob {
    const StatisticEntries* entries; ///< its statistic's (Prepared::entries)
    std::size_t scope;
    std::size_t period; ///< index into Results::periods
};

/// Threads share out work on the records only when there is enough of it: a brief's few
/// hundred records aggregate faster than a thread starts.
constexpr std::size_t records_per_thread = 4096;

Results results_of(Context& context, const Dataset& data, const Catalogue& catalogue,
                   const EngineOptions& options) {
    Results results;
    const std::size_t n = data.size();

    int first = options.first_year;
    int last = options.last_year;
    if (first == 0 || last == 0) {
        first = std::numeric_limits<int>::max();
        last = std::numeric_limits<int>::min();
        for (const int year : data.fiscal_year) {
            if (year > 0) {
                first = std::min(first, year);
                last = std::max(last, year);
            }
        }
        if (first > last) {
            first = last = 0;
        }
    }
    for (int year = first; year <= last && year != 0; ++year) {
        results.periods.push_back(year);
    }
    const std::size_t period_count = results.periods.size();

    // What each record is (copied from the dataset) and the institutions' ranks read the data
    // alone: a second thread makes them while this one assigns the groupings (about 10 ms of
    // string copies and sorting on 30,000 records, while the other core had nothing to do).
    const auto identify_records = [&data] {
        Results records;
        records.record_institution = data.institution_id;
        records.record_year = data.fiscal_year;
        records.record_origin = data.origin;
        rank_institutions(records);
        return records;
    };
    std::future<Results> identified;
    try {
        identified =
            std::async(options.threads > 1 && n >= records_per_thread ? std::launch::async
                                                                      : std::launch::deferred,
                       identify_records);
    } catch (const std::system_error&) {
        identified = std::async(std::launch::deferred, identify_records); // no thread
    }

    // Scopes: every grouping's values (sorted by key), then "all" once at the end.
    std::vector<Assignment> assignments;
    std::vector<std::vector<std::size_t>> scope_of_group(options.groupings.size());
    for (std::size_t g = 0; g < options.groupings.size(); ++g) {
        assignments.push_back(assign(context, catalogue, options, options.groupings[g], data));
        Assignment& assignment = assignments.back();
        // Every group present in the data, even one without records in the report's years:
        // it is shown with "no-data" rather than silently left out. Scopes go by key.
        std::vector<std::size_t> order(assignment.groups.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return assignment.groups[a].key < assignment.groups[b].key;
        });
        scope_of_group[g].resize(assignment.groups.size());
        Grouping grouping{options.groupings[g], {}};
        for (const std::size_t i : order) {
            Assignment::Group& group = assignment.groups[i];
            scope_of_group[g][i] = results.scopes.size();
            grouping.scopes.push_back(results.scopes.size());
            results.scopes.push_back(
                {std::move(group.key), std::move(group.label), g, std::move(group.values)});
        }
        results.groupings.push_back(std::move(grouping));
    }
    results.order_statistics_last_period_only_ = !options.order_statistics_every_period;
    results.provenance_last_period_only_ = !options.provenance_every_period;
    results.all_ = results.scopes.size();
    results.scopes.push_back(
        {"all", all_label(options.groupings.empty() ? "" : options.groupings.front()), 0, {}});
    for (auto& grouping : results.groupings) {
        grouping.scopes.push_back(results.all_);
    }
    if (results.groupings.empty()) {
        results.groupings.push_back({"", {results.all_}});
    }

    // The records of each (scope, period) cell, in record order.
    std::vector<std::vector<std::uint32_t>> cells(results.scopes.size() * period_count);
    for (std::size_t r = 0; r < n; ++r) {
        const int year = data.fiscal_year[r];
        if (year < first || year > last) {
            continue;
        }
        const auto period = static_cast<std::size_t>(year - first);
        cells[results.all_ * period_count + period].push_back(static_cast<std::uint32_t>(r));
        for (std::size_t g = 0; g < assignments.size(); ++g) {
            if (const std::uint32_t group = assignments[g].group[r]; group != Assignment::none) {
                const std::size_t scope = scope_of_group[g][group];
                cells[scope * period_count + period].push_back(static_cast<std::uint32_t>(r));
            }
        }
    }
    // The groupings' keys and labels of every record (12 MB for seven groupings of 30,000
    // records) are not read again: they go before the results and their provenance are made.
    assignments = {};
    scope_of_group = {};
    results.reporting_.resize(cells.size());
    for (std::size_t c = 0; c < cells.size(); ++c) {
        results.reporting_[c] = static_cast<long>(cells[c].size());
    }

    Results records = identified.get();
    results.record_institution = std::move(records.record_institution);
    results.record_year = std::move(records.record_year);
    results.record_origin = std::move(records.record_origin);
    results.institution_names_ = std::move(records.institution_names_);
    results.record_rank_ = std::move(records.record_rank_);

    const unsigned threads =
        n >= records_per_thread ? std::max(1U, std::min(options.threads, 8U)) : 1U;
    // The columns of one indicator, made on this thread (they change the context): those of
    // the next indicator are made while the helpers aggregate this one's cells.
    struct Prepared {
        const IndicatorDef* def = nullptr;
        IndicatorColumns columns;
        ColumnPtr weight;
        std::vector<std::string> reason_texts; ///< every reason its columns can name
        std::vector<StatisticEntries> entries; ///< by statistic, for the aggregators
    };
    const auto prepare = [&](const std::string& id) {
        Prepared prepared;
        prepared.def = catalogue.find(id);
        prepared.columns = context.indicator(id);
        if (prepared.def->has(Statistic::bwm)) {
            formula::Expression expression;
            expression.nodes.push_back({formula::Op::field, 0, prepared.def->weight, {}, 0});
            expression.root = 0;
            prepared.weight = context.column(expression);
        }
        prepared.reason_texts = context.reason_texts();
        for (const Statistic statistic : prepared.def->statistics) {
            if (statistic == Statistic::ratio && !prepared.columns.ratio) {
                continue; // the catalogue rejects this; kept safe for hand-built catalogues
            }
            prepared.entries.push_back(
                make_entries(statistic, prepared.columns, prepared.weight.get()));
        }
        // Each indicator's own columns are read once, from `prepared` (values_of makes again
        // the few it needs): kept, they held 25 MB at the end of the evaluation. Fields and
        // derived quantities stay: other indicators share them.
        context.forget_indicators();
        return prepared;
    };
    const std::vector<std::string> ids = requested(catalogue, options);
    // Order statistics the document reads for the last period only, when nothing else reads
    // them (EngineOptions::order_statistics_every_period).
    const auto last_only = [&options](const IndicatorDef& def, Statistic statistic) {
        return !options.order_statistics_every_period && is_order_statistic(statistic) &&
               !is_order_statistic(def.headline());
    };
    // Room for every result, counted as below (the cells of each statistic of each indicator).
    std::size_t expected = 0;
    for (const std::string& id : ids) {
        const IndicatorDef& def = *catalogue.find(id);
        for (const Statistic statistic : def.statistics) {
            expected +=
                results.scopes.size() *
                (last_only(def, statistic) ? std::min<std::size_t>(period_count, 1) : period_count);
        }
    }
    results.reserve(expected);
    std::optional<Prepared> upcoming;
    if (!ids.empty()) {
        upcoming = prepare(ids.front());
    }
    std::vector<CellJob> cell_jobs;
    // Each indicator's results are filed (appended and indexed, 1,000 keys an indicator) while
    // the next one is aggregated, by the first helper before it takes cells: the helpers had
    // time to spare while this thread made the next columns, and this thread filed them alone.
    std::vector<IndicatorResult> to_file;
    const auto file_results = [&results](std::vector<IndicatorResult>& done) {
        for (auto& result : done) {
            results.items.push_back(std::move(result));
            results.add_to_index(results.items.size() - 1);
        }
        done.clear();
    };
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const std::string& id = ids[k];
        const Prepared current = std::move(*upcoming);
        upcoming.reset();
        const IndicatorDef& def = *current.def;
        results.indicators.push_back(id);
        results.headline_[id] = def.headline();
        // Every (statistic, scope, period) cell of the indicator, in the order of the results.
        cell_jobs.clear();
        for (const StatisticEntries& made : current.entries) {
            const std::size_t first_period = last_only(def, made.statistic) ? period_count - 1 : 0;
            for (std::size_t scope = 0; scope < results.scopes.size(); ++scope) {
                for (std::size_t p = first_period; p < period_count; ++p) {
                    cell_jobs.push_back({&made, scope, p});
                }
            }
        }
        std::vector<IndicatorResult> computed(cell_jobs.size());
        // Each cell's result depends on its records alone, so the cells can be shared out
        // between threads in any way: they take the next one from a counter, in order, so
        // that an aggregator meets each statistic once, and write to their own slots.
        std::atomic<std::size_t> next{0};
        std::mutex failure_mutex;
        std::exception_ptr failure; // the first exception of a helper, thrown here after it
        const auto aggregate = [&] {
            Aggregator aggregator(context, def, options.min_n, current.reason_texts);
            for (std::size_t i = next++; i < cell_jobs.size(); i = next++) {
                const CellJob& job = cell_jobs[i];
                IndicatorResult& result = computed[i];
                result.indicator = id;
                result.statistic = job.entries->statistic;
                result.scope = job.scope;
                result.period = results.periods[job.period];
                aggregator.run(*job.entries, cells[job.scope * period_count + job.period], result,
                               options.provenance_every_period || job.period + 1 == period_count);
            }
        };
        const auto helper = [&](bool files) {
            try {
                if (files) {
                    file_results(to_file);
                }
                aggregate();
            } catch (...) {
                const std::lock_guard<std::mutex> lock(failure_mutex);
                if (!failure) {
                    failure = std::current_exception();
                }
                next = cell_jobs.size(); // the others stop at their next cell
            }
        };
        {
            std::vector<std::jthread> helpers;
            for (unsigned t = 1; t < threads; ++t) {
                try {
                    helpers.emplace_back(helper, /*files=*/t == 1);
                } catch (const std::system_error&) {
                    break; // no thread to be had: fewer do the work
                }
            }
            if (helpers.empty()) {
                file_results(to_file);
            }
            // The next indicator's columns, in the order they were always made (the reasons
            // they add keep their ids), then this thread joins the aggregation. Were this to
            // throw, the helpers finish their cells before it leaves the block.
            if (k + 1 < ids.size()) {
                upcoming = prepare(ids[k + 1]);
            }
            helper(/*files=*/false);
        }
        if (failure) {
            std::rethrow_exception(failure);
        }
        to_file = std::move(computed);
    }
    file_results(to_file);
    return results;
}

} // namespace

InstitutionValues institution_values(const Dataset& data, const Catalogue& catalogue,
                                     const ReferenceSeries& reference, const EngineOptions& options,
                                     std::string_view indicator) {
    Context context(data, catalogue, reference, options);
    return values_of(context, catalogue, indicator);
}

Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                           const ReferenceSeries& reference, const EngineOptions& options) {
    Context context(data, catalogue, reference, options);
    return results_of(context, data, catalogue, options);
}

Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                           const ReferenceSeries& reference, const EngineOptions& options,
                           const std::vector<std::string>& value_ids, RecordValues& values) {
    Context context(data, catalogue, reference, options);
    Results results = results_of(context, data, catalogue, options);
    for (const auto& id : value_ids) {
        if (values.find(id) == values.end()) {
            values.emplace(id, values_of(context, catalogue, id));
        }
    }
    return results;
}

EngineOptions engine_options(const ReportSpec& spec) {
    EngineOptions options;
    options.indicators = spec.indicators;
    options.groupings =
        spec.groupings.empty() ? std::vector<std::string>{spec.group_by} : spec.groupings;
    options.groupings_pos = spec.group_by_pos;
    options.first_year = spec.first_year;
    options.last_year = spec.last_year;
    options.single_balance =
        spec.single_balance == "missing" ? SingleBalance::missing : SingleBalance::flag;
    options.min_n = spec.min_n;
    options.parameters = spec.parameters;
    options.parameters_pos = {spec.config_path, 0, 0};
    options.custom = spec.custom_groupings;
    return options;
}

namespace {

/// Adds (or finds) the audit column of one formula quantity, keyed by its formula text.
int audit_column(AuditTable& table, std::map<std::string, int>& index, const std::string& name,
                 const Column& column, const std::string& excel_format) {
    const auto found = index.find(name);
    if (found != index.end()) {
        return found->second;
    }
    AuditColumn out;
    out.name = name;
    out.excel_format = excel_format;
    out.values.reserve(table.rows());
    for (const std::uint32_t r : table.records) {
        out.values.push_back(column.ok(r) && std::isfinite(column.v[r])
                                 ? column.v[r]
                                 : std::numeric_limits<double>::quiet_NaN());
    }
    const int at = static_cast<int>(table.columns.size());
    table.columns.push_back(std::move(out));
    index.emplace(name, at);
    return at;
}

/// The Excel format of a formula part: fractions keep the indicator's format, amounts and
/// counts a thousands format.
std::string part_format(const IndicatorDef& def, bool whole_formula) {
    if (whole_formula && def.unit == Unit::fraction) {
        return excel_format(def);
    }
    return "#,##0";
}

} // namespace

AuditTable audit_table(const Dataset& data, const Catalogue& catalogue,
                       const ReferenceSeries& reference, const EngineOptions& options,
                       const Results& results, const std::vector<std::string>& ids) {
    AuditTable table;
    Context context(data, catalogue, reference, options);
    const int first = results.periods.empty() ? 0 : results.periods.front();
    const int last = results.periods.empty() ? -1 : results.periods.back();
    for (std::size_t r = 0; r < data.size(); ++r) {
        const int year = data.fiscal_year[r];
        if (year < first || year > last) {
            continue;
        }
        table.records.push_back(static_cast<std::uint32_t>(r));
        table.institution.push_back(data.institution_id[r]);
        table.year.push_back(year);
        const SourcePos& origin = data.origin[r];
        // The file name only: the cover lists each source with its sha256, and a path would
        // differ between two checkouts of the same inputs.
        table.origin.push_back(fmt::format(
            "{}:{}", std::filesystem::path(origin.file).filename().string(), origin.line));
    }

    // Groupings: the scope label of each row, made unique within the grouping.
    table.scopes.assign(results.scopes.size(), AuditScope{});
    for (std::size_t g = 0; g < results.groupings.size(); ++g) {
        const Grouping& grouping = results.groupings[g];
        table.groupings.push_back(grouping.name);
        std::map<std::string, std::string> text_of_key;
        std::map<std::string, int> label_uses;
        for (const std::size_t scope : grouping.scopes) {
            if (scope != results.all_scope()) {
                ++label_uses[results.scopes[scope].label];
            }
        }
        for (const std::size_t scope : grouping.scopes) {
            if (scope == results.all_scope()) {
                continue;
            }
            const Scope& item = results.scopes[scope];
            const std::string text = label_uses[item.label] > 1 ? item.key : item.label;
            text_of_key[item.key] = text;
            table.scopes[scope] = {static_cast<int>(g), text};
        }
        std::vector<std::string> labels;
        labels.reserve(table.rows());
        if (!grouping.name.empty()) {
            const Assignment assignment = assign(context, catalogue, options, grouping.name, data);
            for (const std::uint32_t r : table.records) {
                const auto found = text_of_key.find(assignment.key_of(r));
                labels.push_back(found == text_of_key.end() ? std::string() : found->second);
            }
        } else {
            labels.assign(table.rows(), "");
        }
        table.group_labels.push_back(std::move(labels));
    }

    std::map<std::string, int> index;
    for (const auto& id : ids) {
        const IndicatorDef* def = catalogue.find(id);
        if (def == nullptr) {
            continue;
        }
        const IndicatorColumns& columns = context.indicator(id, /*with_value=*/false);
        AuditIndicator item;
        item.id = id;
        item.name = def->short_name.empty() ? def->name : def->short_name;
        item.formula_text = formula::to_string(def->formula);
        item.statistics = def->statistics;
        item.excel_format = excel_format(*def);
        item.trim = def->trim;
        if (const auto parts = def->formula.ratio_parts(); parts && columns.ratio) {
            item.numerator =
                audit_column(table, index, formula::to_string(def->formula, parts->first),
                             *columns.numerator, part_format(*def, false));
            item.denominator =
                audit_column(table, index, formula::to_string(def->formula, parts->second),
                             *columns.denominator, part_format(*def, false));
        } else {
            item.value = audit_column(table, index, item.formula_text, *columns.value,
                                      part_format(*def, true));
        }
        if (def->has(Statistic::bwm)) {
            formula::Expression expression;
            expression.nodes.push_back({formula::Op::field, 0, def->weight, {}, 0});
            expression.root = 0;
            item.weight =
                audit_column(table, index, def->weight, *context.column(expression), "#,##0");
        }
        table.indicators.push_back(std::move(item));
        context.forget_columns(); // `columns` is not read after this
    }
    return table;
}

Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                           const ReportSpec& spec) {
    return compute_indicators(data, catalogue, ReferenceSeries{}, engine_options(spec));
}

} // namespace sfp
