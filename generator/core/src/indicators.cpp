#include "sfp/indicators.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>

namespace sfp {

std::string_view reason_name(MissingReason reason) {
    switch (reason) {
    case MissingReason::no_data:
        return "no-data";
    case MissingReason::zero_denominator:
        return "zero-denominator";
    }
    return "no-data";
}

const IndicatorResult* Results::find(std::string_view indicator, std::size_t scope,
                                     int period) const {
    const auto found = std::find_if(items.begin(), items.end(), [&](const IndicatorResult& r) {
        return r.indicator == indicator && r.scope == scope && r.period == period;
    });
    return found == items.end() ? nullptr : &*found;
}

long Results::reporting_count(std::size_t scope, int period) const {
    const auto p = std::find(periods.begin(), periods.end(), period);
    if (p == periods.end() || scope >= scopes.size()) {
        return 0;
    }
    return reporting.at(scope * periods.size() + static_cast<std::size_t>(p - periods.begin()));
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

struct Accumulator {
    double numerator = 0;
    double denominator = 0;
    long n = 0;
    std::vector<std::string> institutions;
};

/// The sum of `fields` for record `row`, or nullopt when any of them is missing.
std::optional<double> sum_fields(const Dataset& data, const std::vector<std::string>& fields,
                                 std::size_t row) {
    double total = 0;
    for (const auto& field : fields) {
        const auto* column = data.column(field);
        if (column == nullptr || !(*column)[row]) {
            return std::nullopt;
        }
        total += *(*column)[row];
    }
    return total;
}

} // namespace

Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                           const ReportSpec& spec) {
    Results results;
    std::set<std::string> groups;
    for (std::size_t row = 0; row < data.size(); ++row) {
        if (!data.group_value(spec.group_by, row).empty()) {
            groups.insert(data.group_value(spec.group_by, row));
        }
    }
    const std::string prefix = spec.group_by + ":";
    for (const auto& group : groups) {
        results.scopes.push_back({prefix + group, group});
    }
    results.scopes.push_back({"all", spec.group_by == "region" ? "All regions" : "All countries"});
    for (int year = spec.first_year; year <= spec.last_year; ++year) {
        results.periods.push_back(year);
    }
    const std::size_t period_count = results.periods.size();
    const std::size_t all = results.all_scope();

    // Each record goes to its group's scope and to "all", for a period in range.
    std::vector<std::pair<std::size_t, std::size_t>> cells(data.size(), {0, 0});
    std::vector<bool> in_range(data.size(), false);
    results.reporting.assign(results.scopes.size() * period_count, 0);
    for (std::size_t row = 0; row < data.size(); ++row) {
        const int year = data.fiscal_year[row];
        if (year < spec.first_year || year > spec.last_year) {
            continue;
        }
        // A record without a group value (no region) counts in "all" only.
        const auto group = groups.find(data.group_value(spec.group_by, row));
        const auto scope = group == groups.end()
                               ? all
                               : static_cast<std::size_t>(std::distance(groups.begin(), group));
        const auto period = static_cast<std::size_t>(year - spec.first_year);
        cells[row] = {scope, period};
        in_range[row] = true;
        ++results.reporting[all * period_count + period];
        if (scope != all) {
            ++results.reporting[scope * period_count + period];
        }
    }

    for (const auto& id : spec.indicators) {
        const IndicatorDef& def = *catalogue.find(id);
        std::vector<Accumulator> acc(results.scopes.size() * period_count);
        for (std::size_t row = 0; row < data.size(); ++row) {
            if (!in_range[row]) {
                continue;
            }
            const auto numerator = sum_fields(data, def.numerator, row);
            if (!numerator) {
                continue;
            }
            double denominator = 0;
            if (def.aggregate == Aggregate::ratio) {
                const auto value = sum_fields(data, def.denominator, row);
                if (!value) {
                    continue;
                }
                denominator = *value;
            }
            const auto [scope, period] = cells[row];
            const std::array<std::size_t, 2> targets{all, scope};
            for (std::size_t t = 0; t < (scope == all ? 1U : 2U); ++t) {
                Accumulator& cell = acc[targets.at(t) * period_count + period];
                cell.numerator += *numerator;
                cell.denominator += denominator;
                ++cell.n;
                cell.institutions.push_back(data.institution_id[row]);
            }
        }
        for (std::size_t scope = 0; scope < results.scopes.size(); ++scope) {
            for (std::size_t period = 0; period < period_count; ++period) {
                Accumulator& cell = acc[scope * period_count + period];
                IndicatorResult result;
                result.indicator = id;
                result.scope = scope;
                result.period = results.periods[period];
                result.n = cell.n;
                std::sort(cell.institutions.begin(), cell.institutions.end());
                result.institutions = std::move(cell.institutions);
                if (cell.n == 0) {
                    result.missing = MissingReason::no_data;
                } else if (def.aggregate == Aggregate::sum) {
                    result.value = cell.numerator;
                } else if (cell.denominator == 0.0) {
                    result.missing = MissingReason::zero_denominator;
                } else {
                    result.value = cell.numerator / cell.denominator;
                }
                results.items.push_back(std::move(result));
            }
        }
    }
    return results;
}

} // namespace sfp
