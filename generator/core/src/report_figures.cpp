// The figures of the reports: chart models built from results, with the words of the report's
// language (templates/common/text/<lang>/figures.toml, read through FigureContext::word).
// Every value comes from Results (headline statistic unless said otherwise); a missing result is
// a missing value in the chart (a gap, an "n/a" slot), never 0.

#include "sfp/report_figures.hpp"

#include "sfp/message.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

namespace sfp {

const std::vector<std::string>& figure_kinds() {
    static const std::vector<std::string> kinds = {
        "trend",      "by-scope",     "target-bullets",     "peer-ranges",
        "par-ageing", "depth-vs-oss", "social-performance", "women-share"};
    return kinds;
}

namespace {

using Args = std::vector<std::pair<std::string, MessageArg>>;

MessageArg text_arg(std::string text) {
    MessageArg arg;
    arg.text = std::move(text);
    return arg;
}

MessageArg number_arg(double number, std::string text) {
    MessageArg arg;
    arg.text = std::move(text);
    arg.number = number;
    return arg;
}

class Builder {
public:
    Builder(const FigureRequest& request, const FigureContext& context, Diagnostics& diagnostics)
        : request_(request), context_(context), diagnostics_(diagnostics) {
        year_ = context.year != 0                 ? context.year
                : context.results.periods.empty() ? 0
                                                  : context.results.periods.back();
        first_ = context.first_year != 0           ? context.first_year
                 : context.results.periods.empty() ? year_
                                                   : context.results.periods.front();
    }

    std::optional<Figure> build() {
        const auto& kinds = figure_kinds();
        if (std::find(kinds.begin(), kinds.end(), request_.kind) == kinds.end()) {
            diagnostics_.error(request_.where,
                               fmt::format("unknown figure kind: expected one of {}, saw '{}'",
                                           fmt::join(kinds, ", "), request_.kind),
                               did_you_mean(request_.kind, kinds));
            return std::nullopt;
        }
        std::optional<Figure> figure;
        if (request_.kind == "trend") {
            figure = trend();
        } else if (request_.kind == "by-scope") {
            figure = by_scope();
        } else if (request_.kind == "target-bullets") {
            figure = target_bullets();
        } else if (request_.kind == "peer-ranges") {
            figure = peer_ranges();
        } else if (request_.kind == "par-ageing") {
            figure = par_ageing();
        } else if (request_.kind == "depth-vs-oss") {
            figure = depth_vs_oss();
        } else if (request_.kind == "social-performance") {
            figure = social_performance();
        } else {
            figure = women_share();
        }
        return figure;
    }

private:
    const FigureRequest& request_;
    const FigureContext& context_;
    Diagnostics& diagnostics_;
    int year_ = 0;
    int first_ = 0;

    // ---- words ------------------------------------------------------------------------------

    std::string word(std::string_view key) const {
        return context_.word ? context_.word(key) : std::string(key);
    }

    /// The word `key` formatted as a message with `args` in the report's language.
    std::string message(std::string_view key, const Args& args) const {
        const std::string text = word(key);
        Diagnostics local;
        const auto parsed = Message::parse(text, request_.where, local);
        if (!parsed) {
            diagnostics_.error(request_.where,
                               fmt::format("figures.{}: expected a message, saw '{}'", key, text));
            return text;
        }
        const std::string out = parsed->format(
            [&args](std::string_view name) -> std::optional<MessageArg> {
                for (const auto& [arg_name, value] : args) {
                    if (arg_name == name) {
                        return value;
                    }
                }
                return std::nullopt;
            },
            context_.language, local);
        for (const auto& item : local.items()) {
            diagnostics_.add(item);
        }
        return out;
    }

    std::string year_text(int year) const { return fmt::format("{}", year); }

    std::string value_text(double value, const IndicatorDef& def) const {
        return format_indicator(value, def, context_.language);
    }

    std::string short_name(const IndicatorDef& def) const {
        return def.short_names.get(context_.language);
    }

    std::string name(const IndicatorDef& def) const { return def.names.get(context_.language); }

    /// The caption: the request's title, or the kind's default words.
    std::string caption(std::string_view key, const Args& args) const {
        return request_.title.empty() ? message(key, args) : request_.title;
    }

    /// "Source: ...; n = 12" under every figure (institutions reporting in the last year).
    std::string source_note() const {
        const long n =
            year_ == 0 ? 0 : context_.results.reporting_count(context_.results.all_scope(), year_);
        return message("source-note",
                       {{"n", number_arg(static_cast<double>(n), fmt::format("{}", n))},
                        {"year", text_arg(year_text(year_))}});
    }

    static std::string sheet(std::string text) {
        if (text.size() > 31) {
            text.resize(31);
        }
        return text;
    }

    // ---- checks -----------------------------------------------------------------------------

    std::vector<std::string> catalogue_ids() const {
        std::vector<std::string> ids;
        for (const auto& def : context_.catalogue.indicators) {
            ids.push_back(def.id);
        }
        return ids;
    }

    /// The catalogue entry of `id`; nullptr with a diagnostic when unknown.
    const IndicatorDef* indicator(const std::string& id) const {
        if (const IndicatorDef* def = context_.catalogue.find(id)) {
            const auto& computed = context_.results.indicators;
            if (std::find(computed.begin(), computed.end(), id) == computed.end()) {
                diagnostics_.warning(
                    request_.where,
                    fmt::format("figure '{}': indicator '{}' was not computed; its values are "
                                "shown as missing",
                                request_.kind, id),
                    fmt::format("add '{}' to [indicators] show", id));
            }
            return def;
        }
        diagnostics_.error(request_.where,
                           fmt::format("figure '{}': expected an indicator of the catalogue, saw "
                                       "'{}'",
                                       request_.kind, id),
                           did_you_mean(id, catalogue_ids()));
        return nullptr;
    }

    /// The request's `indicator`, or `fallback`; a diagnostic when neither is set.
    const IndicatorDef* single_indicator(const std::string& fallback = {}) const {
        std::string id = request_.indicator;
        if (id.empty() && !request_.indicators.empty()) {
            id = request_.indicators.front();
        }
        if (id.empty()) {
            id = fallback;
        }
        if (id.empty()) {
            missing_option("indicator");
            return nullptr;
        }
        return indicator(id);
    }

    void missing_option(std::string_view option) const {
        diagnostics_.error(
            request_.where,
            fmt::format("figure '{}': expected option '{}', saw none", request_.kind, option),
            fmt::format("add {} = ... to the block", option));
    }

    /// The index of the grouping `name` in the results (the first when empty); nullopt with a
    /// diagnostic when it was not computed.
    std::optional<std::size_t> grouping(const std::string& name) const {
        const auto& groupings = context_.results.groupings;
        if (name.empty()) {
            if (groupings.empty()) {
                diagnostics_.error(request_.where,
                                   fmt::format("figure '{}': expected a computed grouping, saw "
                                               "none",
                                               request_.kind));
                return std::nullopt;
            }
            return 0;
        }
        std::vector<std::string> names;
        for (std::size_t i = 0; i < groupings.size(); ++i) {
            if (groupings[i].name == name) {
                return i;
            }
            names.push_back(groupings[i].name);
        }
        std::string hint = did_you_mean(name, names);
        if (hint.empty()) {
            hint = fmt::format("add '{}' to [indicators] group_by", name);
        }
        diagnostics_.error(request_.where,
                           fmt::format("figure '{}': expected a computed grouping ({}), saw '{}'",
                                       request_.kind, fmt::join(names, ", "), name),
                           hint);
        return std::nullopt;
    }

    // ---- values -----------------------------------------------------------------------------

    std::optional<double> value(const std::string& id, std::size_t scope, int year) const {
        const IndicatorResult* item = context_.results.find(id, scope, year);
        return item != nullptr ? item->value : std::nullopt;
    }

    /// The scopes of a grouping followed by "all".
    std::vector<std::size_t> scopes_and_all(std::size_t index) const {
        auto scopes = context_.results.group_scopes(index);
        scopes.push_back(context_.results.all_scope());
        return scopes;
    }

    /// The printed name of a scope shown under grouping `grouping` (for "all").
    std::string label(std::size_t scope, std::size_t grouping = 0) const {
        if (context_.scope_label) {
            return context_.scope_label(scope, grouping);
        }
        return context_.results.scopes.at(scope).label;
    }

    Figure figure(charts::ChartSpec chart, std::string caption_text, std::string sheet_text) const {
        Figure out;
        out.caption = std::move(caption_text);
        // The note goes under the figure (the renderers print Figure::note), not inside the
        // chart as well: the PDF would print it twice.
        out.note = source_note();
        out.chart = std::move(chart);
        out.sheet_name = sheet(std::move(sheet_text));
        return out;
    }

    // ---- kinds ------------------------------------------------------------------------------

    std::optional<Figure> trend() const {
        const IndicatorDef* def = single_indicator();
        if (def == nullptr) {
            return std::nullopt;
        }
        charts::ChartSpec chart;
        chart.kind = charts::ChartKind::line;
        chart.format = chart_format(*def, context_.language);
        chart.value_axis_title = short_name(*def);
        chart.category_axis_title = word("axis-year");
        for (int y = first_; y <= year_; ++y) {
            chart.categories.push_back(year_text(y));
        }
        std::vector<std::size_t> scopes = {context_.results.all_scope()};
        if (!context_.results.groupings.empty()) {
            std::size_t index = 0;
            if (!request_.grouping.empty()) {
                const auto found = grouping(request_.grouping);
                if (!found) {
                    return std::nullopt;
                }
                index = *found;
            }
            // A line per group and the total when that reads well: a single group is the
            // total itself (two lines on top of each other), and more lines than a legend can
            // tell apart are a tangle (the tables give every group).
            constexpr std::size_t max_lines = 8;
            const std::size_t groups = context_.results.group_scopes(index).size();
            if (groups >= 2 && groups <= max_lines) {
                scopes = scopes_and_all(index);
            }
        }
        for (const std::size_t scope : scopes) {
            charts::Series series;
            series.name = label(scope);
            for (int y = first_; y <= year_; ++y) {
                series.values.push_back(value(def->id, scope, y));
            }
            chart.series.push_back(std::move(series));
        }
        for (const auto& target : context_.assessment.set.targets) {
            if (target.indicator != def->id || target.scope != "all") {
                continue;
            }
            const auto point = [&](charts::Marker::Kind kind, std::string_view key, int y,
                                   double v) {
                charts::Marker marker;
                marker.kind = kind;
                marker.value = v;
                marker.label = message(key, {{"year", text_arg(year_text(y))},
                                             {"value", number_arg(v, value_text(v, *def))}});
                if (kind == charts::Marker::Kind::milestone) {
                    if (y < first_ || y > year_) {
                        return; // outside the chart's years
                    }
                    marker.category = static_cast<std::size_t>(y - first_);
                }
                chart.markers.push_back(std::move(marker));
            };
            point(charts::Marker::Kind::baseline, "marker-baseline", target.baseline_year,
                  target.baseline);
            for (const auto& milestone : target.milestones) {
                point(charts::Marker::Kind::milestone, "marker-milestone", milestone.year,
                      milestone.value);
            }
            point(charts::Marker::Kind::target, "marker-target", target.target_year, target.target);
            break;
        }
        return figure(std::move(chart),
                      caption("caption-trend", {{"indicator", text_arg(name(*def))},
                                                {"first", text_arg(year_text(first_))},
                                                {"year", text_arg(year_text(year_))}}),
                      "trend " + def->id);
    }

    /// Labelled columns of one indicator in the report's year, one per scope (shown under
    /// grouping `index`): the by-scope and women-share figures.
    charts::ChartSpec columns(const IndicatorDef& def, std::size_t index,
                              const std::vector<std::size_t>& scopes) const {
        charts::ChartSpec chart;
        chart.kind = charts::ChartKind::column;
        chart.format = chart_format(def, context_.language);
        chart.value_axis_title = short_name(def);
        chart.data_labels = true;
        charts::Series series;
        series.name = short_name(def);
        for (const std::size_t scope : scopes) {
            chart.categories.push_back(label(scope, index));
            series.values.push_back(value(def.id, scope, year_));
        }
        chart.series.push_back(std::move(series));
        return chart;
    }

    std::optional<Figure> by_scope() const {
        const IndicatorDef* def = single_indicator();
        const auto index = grouping(request_.grouping);
        if (def == nullptr || !index) {
            return std::nullopt;
        }
        charts::ChartSpec chart = columns(*def, *index, scopes_and_all(*index));
        return figure(std::move(chart),
                      caption("caption-by-scope", {{"indicator", text_arg(name(*def))},
                                                   {"year", text_arg(year_text(year_))}}),
                      "by-scope " + def->id);
    }

    std::optional<Figure> target_bullets() const {
        std::set<std::string> only;
        if (!request_.indicator.empty()) {
            only.insert(request_.indicator);
        }
        only.insert(request_.indicators.begin(), request_.indicators.end());
        for (const auto& id : only) {
            if (indicator(id) == nullptr) {
                return std::nullopt;
            }
        }
        const auto& results = context_.results;
        const auto order = [&results](const std::string& id) {
            const auto it = std::find(results.indicators.begin(), results.indicators.end(), id);
            return static_cast<std::size_t>(it - results.indicators.begin());
        };
        const auto scope_order = [&results](const std::string& key) -> std::size_t {
            const auto index = results.scope_index(key);
            if (!index) {
                return results.scopes.size();
            }
            // "all" after the groups of its grouping, as in the results matrix
            return *index == results.all_scope() ? results.scopes.size() - 1 : *index;
        };
        std::vector<const TargetResult*> rows;
        for (const auto& result : context_.assessment.targets) {
            if (result.year == year_ && (only.empty() || only.count(result.indicator) > 0)) {
                rows.push_back(&result);
            }
        }
        std::stable_sort(rows.begin(), rows.end(),
                         [&](const TargetResult* a, const TargetResult* b) {
                             const auto ka = std::pair(order(a->indicator), scope_order(a->scope));
                             const auto kb = std::pair(order(b->indicator), scope_order(b->scope));
                             return ka < kb;
                         });
        // One value axis: the rows share a unit. Given indicators must; otherwise the fraction
        // targets are drawn (the usual case), or those of the first target's unit.
        std::optional<Unit> unit;
        for (const TargetResult* row : rows) {
            const IndicatorDef* def = context_.catalogue.find(row->indicator);
            if (def == nullptr) {
                continue;
            }
            if (!only.empty() && unit && *unit != def->unit) {
                diagnostics_.error(request_.where,
                                   fmt::format("figure 'target-bullets': expected indicators of "
                                               "one unit, saw '{}' and '{}'",
                                               unit_name(*unit), unit_name(def->unit)),
                                   "draw targets of other units in a figure of their own");
                return std::nullopt;
            }
            if (!unit || (only.empty() && def->unit == Unit::fraction)) {
                unit = def->unit;
            }
        }
        charts::ChartSpec chart;
        chart.kind = charts::ChartKind::bullet;
        const IndicatorDef* first_def = nullptr;
        for (const TargetResult* row : rows) {
            const IndicatorDef* def = context_.catalogue.find(row->indicator);
            if (def == nullptr || row->target >= context_.assessment.set.targets.size() ||
                def->unit != unit) {
                continue;
            }
            if (first_def == nullptr) {
                first_def = def;
            }
            const TargetSpec& spec = context_.assessment.set.targets[row->target];
            charts::BulletItem item;
            item.label = short_name(*def);
            if (row->scope != "all") {
                if (const auto scope = results.scope_index(row->scope)) {
                    item.label += " (" + label(*scope) + ")";
                }
            }
            item.actual = row->actual;
            item.expected = row->expected;
            item.target = spec.target;
            item.baseline = spec.baseline;
            item.status = std::string(status_name(row->status));
            item.status_text = std::string(status_word(row->status, context_.language));
            chart.bullets.push_back(std::move(item));
        }
        if (first_def != nullptr) {
            chart.format = chart_format(*first_def, context_.language);
        }
        return figure(std::move(chart),
                      caption("caption-target-bullets", {{"year", text_arg(year_text(year_))}}),
                      "target-bullets");
    }

    std::optional<Figure> peer_ranges() const {
        const IndicatorDef* def = single_indicator();
        if (request_.grouping.empty()) {
            missing_option("grouping");
            return std::nullopt;
        }
        const auto index = grouping(request_.grouping);
        if (def == nullptr || !index) {
            return std::nullopt;
        }
        if (std::find(def->statistics.begin(), def->statistics.end(), Statistic::median) ==
            def->statistics.end()) {
            diagnostics_.error(request_.where,
                               fmt::format("figure 'peer-ranges': expected an indicator with "
                                           "the median statistic, saw '{}'",
                                           def->id),
                               "add \"median\" to the indicator's aggregate");
            return std::nullopt;
        }
        charts::ChartSpec chart;
        chart.kind = charts::ChartKind::range;
        chart.format = chart_format(*def, context_.language);
        chart.value_axis_title = short_name(*def);
        for (const std::size_t scope : scopes_and_all(*index)) {
            charts::RangeItem item;
            item.label = label(scope, *index);
            if (const IndicatorResult* result =
                    context_.results.find(def->id, scope, year_, Statistic::median)) {
                item.median = result->value;
                item.p25 = result->value ? result->p25 : std::nullopt;
                item.p75 = result->value ? result->p75 : std::nullopt;
                item.n = result->n;
            }
            chart.ranges.push_back(std::move(item));
        }
        return figure(std::move(chart),
                      caption("caption-peer-ranges", {{"indicator", text_arg(name(*def))},
                                                      {"year", text_arg(year_text(year_))}}),
                      "peer-ranges " + def->id);
    }

    std::optional<Figure> par_ageing() const {
        if (request_.indicators.size() != 4) {
            diagnostics_.error(
                request_.where,
                fmt::format("figure 'par-ageing': expected 4 indicators (31-90, 91-180, 181-365, "
                            "> 365 days), saw {}",
                            request_.indicators.size()),
                "indicators = [\"GB-PAR-31-90\", \"GB-PAR-91-180\", \"GB-PAR-181-365\", "
                "\"GB-PAR-365\"]");
            return std::nullopt;
        }
        std::vector<const IndicatorDef*> defs;
        for (const auto& id : request_.indicators) {
            const IndicatorDef* def = indicator(id);
            if (def == nullptr) {
                return std::nullopt;
            }
            defs.push_back(def);
        }
        const auto index = grouping(request_.grouping);
        if (!index) {
            return std::nullopt;
        }
        static constexpr std::array<std::string_view, 4> buckets = {"bucket-31-90", "bucket-91-180",
                                                                    "bucket-181-365", "bucket-365"};
        charts::ChartSpec chart;
        chart.kind = charts::ChartKind::stacked_column;
        chart.format = chart_format(*defs.front(), context_.language);
        chart.value_axis_title = word("axis-share-of-portfolio");
        const auto scopes = scopes_and_all(*index);
        for (const std::size_t scope : scopes) {
            chart.categories.push_back(label(scope, *index));
        }
        for (std::size_t b = 0; b < defs.size(); ++b) {
            charts::Series series;
            series.name = word(buckets.at(b));
            for (const std::size_t scope : scopes) {
                series.values.push_back(value(defs[b]->id, scope, year_));
            }
            chart.series.push_back(std::move(series));
        }
        return figure(std::move(chart),
                      caption("caption-par-ageing", {{"year", text_arg(year_text(year_))}}),
                      "par-ageing");
    }

    /// The region of an institution in the report's year (else in any year).
    std::string region_of(const std::string& institution) const {
        const Dataset& data = context_.data;
        std::string found;
        for (std::size_t i = 0; i < data.institution_id.size(); ++i) {
            if (data.institution_id[i] != institution || i >= data.region.size()) {
                continue;
            }
            if (i < data.fiscal_year.size() && data.fiscal_year[i] == year_) {
                return data.region[i];
            }
            if (found.empty()) {
                found = data.region[i];
            }
        }
        return found;
    }

    std::optional<Figure> depth_vs_oss() const {
        const auto [x_id, y_id] = depth_vs_oss_indicators(request_.indicators);
        const IndicatorDef* x_def = indicator(x_id);
        const IndicatorDef* y_def = indicator(y_id);
        if (x_def == nullptr || y_def == nullptr) {
            return std::nullopt;
        }
        charts::ChartSpec chart;
        chart.kind = charts::ChartKind::scatter;
        chart.format = chart_format(*y_def, context_.language);
        chart.x_format = chart_format(*x_def, context_.language);
        chart.value_axis_title = short_name(*y_def);
        chart.category_axis_title = short_name(*x_def);
        std::map<std::string, charts::Series> by_region;
        auto series_of = [&](std::string region) -> charts::Series& {
            if (region.empty()) {
                region = word("unknown-region");
            }
            charts::Series& series = by_region[region];
            if (series.name.empty()) {
                // The region's printed name, from its scope when the region grouping exists.
                const auto region_scope = context_.results.scope_index("region:" + region);
                series.name = region_scope ? label(*region_scope) : region;
            }
            return series;
        };
        const auto* records = context_.record_values;
        const auto x_values = records != nullptr ? records->find(x_id) : decltype(records->end()){};
        const auto y_values = records != nullptr ? records->find(y_id) : decltype(records->end()){};
        if (request_.grouping.empty() && records != nullptr && x_values != records->end() &&
            y_values != records->end()) {
            // One point per institution-year record of the report's year: the record's own
            // value is the institution's value (one record per institution and year).
            const Dataset& data = context_.data;
            auto present = [](const std::vector<double>& column, std::size_t i) {
                return i < column.size() && !std::isnan(column[i]) ? std::optional(column[i])
                                                                   : std::nullopt;
            };
            for (std::size_t i = 0; i < data.fiscal_year.size(); ++i) {
                if (data.fiscal_year[i] != year_) {
                    continue;
                }
                charts::Series& series = series_of(i < data.region.size() ? data.region[i] : "");
                series.x.push_back(present(x_values->second.value, i));
                series.values.push_back(present(y_values->second.value, i));
                series.point_labels.emplace_back();
            }
        } else {
            const auto index =
                grouping(request_.grouping.empty() ? "institution" : request_.grouping);
            if (!index) {
                return std::nullopt;
            }
            for (const std::size_t scope : context_.results.group_scopes(*index)) {
                const std::string& key = context_.results.scopes[scope].key;
                const std::string institution = key.substr(key.find(':') + 1);
                charts::Series& series = series_of(region_of(institution));
                series.x.push_back(value(x_id, scope, year_));
                series.values.push_back(value(y_id, scope, year_));
                series.point_labels.emplace_back();
            }
        }
        for (auto& [region, series] : by_region) {
            chart.series.push_back(std::move(series));
        }
        if (y_def->unit == Unit::fraction) {
            charts::Marker line;
            line.kind = charts::Marker::Kind::target;
            line.value = 1.0;
            line.label = word("oss-line");
            chart.markers.push_back(std::move(line));
        }
        return figure(std::move(chart),
                      caption("caption-depth-vs-oss", {{"year", text_arg(year_text(year_))}}),
                      "depth-vs-oss");
    }

    std::optional<Figure> social_performance() const {
        std::vector<std::string> ids = request_.indicators;
        if (ids.empty() && !request_.indicator.empty()) {
            ids.push_back(request_.indicator);
        }
        if (ids.empty()) {
            missing_option("indicators");
            return std::nullopt;
        }
        std::vector<const IndicatorDef*> defs;
        for (const auto& id : ids) {
            const IndicatorDef* def = indicator(id);
            if (def == nullptr) {
                return std::nullopt;
            }
            if (def->unit != Unit::fraction) {
                diagnostics_.error(request_.where,
                                   fmt::format("figure 'social-performance': expected a "
                                               "fraction indicator (a share, 0-100%), saw '{}'",
                                               id));
                return std::nullopt;
            }
            defs.push_back(def);
        }
        charts::ChartSpec chart;
        chart.kind =
            defs.size() >= 5 ? charts::ChartKind::radar : charts::ChartKind::dimension_bars;
        chart.format = chart_format(*defs.front(), context_.language);
        charts::Series series;
        series.name = label(context_.results.all_scope());
        for (const IndicatorDef* def : defs) {
            chart.categories.push_back(short_name(*def));
            series.values.push_back(value(def->id, context_.results.all_scope(), year_));
        }
        chart.series.push_back(std::move(series));
        return figure(std::move(chart),
                      caption("caption-social-performance", {{"year", text_arg(year_text(year_))}}),
                      "social-performance");
    }

    std::optional<Figure> women_share() const {
        const IndicatorDef* def = single_indicator("OUT-06");
        const auto index = grouping(request_.grouping);
        if (def == nullptr || !index) {
            return std::nullopt;
        }
        charts::ChartSpec chart = columns(*def, *index, context_.results.group_scopes(*index));
        const std::size_t all = context_.results.all_scope();
        if (const auto overall = value(def->id, all, year_)) {
            charts::Marker marker;
            marker.kind = charts::Marker::Kind::baseline;
            marker.value = *overall;
            marker.label = message("reference-all",
                                   {{"scope", text_arg(label(all, *index))},
                                    {"value", number_arg(*overall, value_text(*overall, *def))}});
            chart.markers.push_back(std::move(marker));
        }
        return figure(std::move(chart),
                      caption("caption-women-share", {{"indicator", text_arg(name(*def))},
                                                      {"year", text_arg(year_text(year_))}}),
                      "women-share " + def->id);
    }
};

} // namespace

std::pair<std::string, std::string>
depth_vs_oss_indicators(const std::vector<std::string>& indicators) {
    return {indicators.size() >= 1 ? indicators[0] : "OUT-05",
            indicators.size() >= 2 ? indicators[1] : "FIN-01"};
}

std::optional<Figure> build_report_figure(const FigureRequest& request,
                                          const FigureContext& context, Diagnostics& diagnostics) {
    return Builder(request, context, diagnostics).build();
}

} // namespace sfp
