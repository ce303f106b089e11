#include "sfp/targets.hpp"

#include "toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace sfp {

std::string_view status_name(Status status) {
    switch (status) {
    case Status::on_track:
        return "on-track";
    case Status::at_risk:
        return "at-risk";
    case Status::off_track:
        return "off-track";
    case Status::no_data:
        return "no-data";
    case Status::not_started:
        return "not-started";
    }
    return "no-data";
}

std::string_view status_word(Status status, std::string_view language) {
    // "fr", "fr-CH", "fr_BE" are French; any language without texts falls back to English.
    const std::string_view base = language.substr(0, language.find_first_of("-_"));
    const auto index = static_cast<std::size_t>(status);
    static constexpr std::string_view english[] = {"on track", "at risk", "off track", "no data",
                                                   "not started"};
    // Results-based-management usage of the UN system's French and Spanish documents.
    static constexpr std::string_view french[] = {"en bonne voie", "à risque", "hors trajectoire",
                                                  "pas de données", "non commencé"};
    static constexpr std::string_view spanish[] = {"en buen camino", "en riesgo", "desviado",
                                                   "sin datos", "no iniciado"};
    if (index >= std::size(english)) {
        return "";
    }
    if (base == "fr") {
        return french[index];
    }
    if (base == "es") {
        return spanish[index];
    }
    return english[index];
}

namespace {

using detail::TomlReader;

/// Comparisons tolerate rounding in computed aggregates: 1e-9 relative to the reference value
/// (absolute below 1), so that a progress of 0.9 computed as 0.8999999999999999 is at risk.
bool at_least(double value, double reference) {
    return value >= reference - 1e-9 * std::max(1.0, std::abs(reference));
}

/// The value in the "good" sense: larger is better.
double gain(double value, Direction direction) {
    return direction == Direction::down ? -value : value;
}

/// Like detail::type_name, with a string's text quoted: a target written as "10%" shows it.
std::string type_name(const toml::node& node) {
    if (const auto* text = node.as_string()) {
        return fmt::format("the string \"{}\"", text->get());
    }
    return detail::type_name(node);
}

/// Reads a finite number (integer or floating point) at `key` of `table`.
std::optional<double> read_number(TomlReader& reader, std::string_view key, bool required,
                                  std::string_view label, Diagnostics& diagnostics) {
    const toml::node* node = reader.raw().get(key);
    if (node == nullptr) {
        if (required) {
            diagnostics.error(reader.where(),
                              fmt::format("missing required key '{}' in {}", key, label));
        }
        return std::nullopt;
    }
    if (!node->is_number()) {
        diagnostics.error(
            detail::position(reader.file(), *node),
            fmt::format("'{}' in {}: expected a number, found {}", key, label, type_name(*node)));
        return std::nullopt;
    }
    const double value = node->value<double>().value_or(0);
    if (!std::isfinite(value)) {
        diagnostics.error(
            detail::position(reader.file(), *node),
            fmt::format("'{}' in {}: expected a finite number, found {}", key, label, value));
        return std::nullopt;
    }
    return value;
}

/// A {year, value} point: baseline, target or milestone.
struct Point {
    std::optional<int> year;
    std::optional<double> value;
    SourcePos where;
    SourcePos year_pos;
    SourcePos value_pos;
};

Point read_point(const toml::node& node, const std::string& file, const std::string& label,
                 Diagnostics& diagnostics) {
    Point point;
    point.where = detail::position(file, node);
    point.year_pos = point.where;
    point.value_pos = point.where;
    const auto* table = node.as_table();
    if (table == nullptr) {
        diagnostics.error(
            point.where, fmt::format("{}: expected a table such as {{ year = 2020, value = 0.5 }}, "
                                     "found {}",
                                     label, type_name(node)));
        return point;
    }
    TomlReader reader(*table, file, label, diagnostics);
    reader.reject_unknown_keys({"year", "value"});
    point.year_pos = reader.where("year");
    point.value_pos = reader.where("value");
    if (const auto year = reader.integer("year", true)) {
        if (*year < 1900 || *year > 2200) {
            diagnostics.error(point.year_pos,
                              fmt::format("'year' in {}: expected a year from 1900 to 2200, "
                                          "found {}",
                                          label, *year));
        } else {
            point.year = static_cast<int>(*year);
        }
    }
    point.value = read_number(reader, "value", true, label, diagnostics);
    return point;
}

/// "all", or scope keys as in Results: "region:Africa", "region:Africa+legal_form:NGO".
bool valid_scope(std::string_view scope) {
    if (scope == "all") {
        return true;
    }
    while (true) {
        const auto plus = scope.find('+');
        const std::string_view part = scope.substr(0, plus);
        const auto colon = part.find(':');
        if (colon == 0 || colon == std::string_view::npos || colon + 1 == part.size()) {
            return false;
        }
        if (plus == std::string_view::npos) {
            return true;
        }
        scope.remove_prefix(plus + 1);
    }
}

std::string format_pos(const SourcePos& where) {
    return fmt::format("{}:{}:{}", where.file, where.line, where.column);
}

/// The tables of `key` at the top of the document: nullptr when absent; an error when it is not
/// an array of tables.
const toml::array* table_array(const toml::table& root, const std::string& path,
                               std::string_view key, Diagnostics& diagnostics) {
    const toml::node* node = root.get(key);
    if (node == nullptr) {
        return nullptr;
    }
    const auto* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
        diagnostics.error(detail::position(path, *node),
                          fmt::format("'{}': expected an array of tables ([[{}]]), found {}", key,
                                      key, type_name(*node)));
        return nullptr;
    }
    return array;
}

std::optional<Direction> read_direction(TomlReader& reader, Diagnostics& diagnostics) {
    const auto text = reader.string("direction", false);
    if (!text) {
        return std::nullopt;
    }
    if (*text == "up") {
        return Direction::up;
    }
    if (*text == "down") {
        return Direction::down;
    }
    diagnostics.error(reader.where("direction"),
                      fmt::format("'direction' in [[target]]: expected \"up\" or \"down\", found "
                                  "\"{}\"",
                                  *text),
                      did_you_mean(*text, {"up", "down"}));
    return std::nullopt;
}

const IndicatorDef* read_indicator(TomlReader& reader, const Catalogue& catalogue,
                                   std::string_view table, std::string& id,
                                   Diagnostics& diagnostics) {
    const auto text = reader.string("indicator", true);
    if (!text) {
        return nullptr;
    }
    id = *text;
    const IndicatorDef* def = catalogue.find(id);
    if (def == nullptr) {
        diagnostics.error(reader.where("indicator"),
                          fmt::format("'indicator' in {}: expected an indicator id of the "
                                      "catalogue, found \"{}\"",
                                      table, id),
                          did_you_mean(id, catalogue.ids()));
    }
    return def;
}

void read_target(const toml::table& table, const std::string& path, const Catalogue& catalogue,
                 TargetSet& into, Diagnostics& diagnostics) {
    TomlReader reader(table, path, "[[target]]", diagnostics);
    reader.reject_unknown_keys(
        {"indicator", "scope", "baseline", "target", "milestones", "band", "direction"});
    TargetSpec spec;
    spec.where = reader.where();
    const IndicatorDef* def =
        read_indicator(reader, catalogue, "[[target]]", spec.indicator, diagnostics);
    const std::string about =
        spec.indicator.empty() ? "[[target]]" : fmt::format("[[target]] for '{}'", spec.indicator);

    if (const auto scope = reader.string("scope", false)) {
        spec.scope = *scope;
        if (!valid_scope(spec.scope)) {
            const bool bare = spec.scope.find(':') == std::string::npos && !spec.scope.empty();
            diagnostics.error(reader.where("scope"),
                              fmt::format("'scope' in {}: expected \"all\" or a scope key such "
                                          "as \"region:Africa\", found \"{}\"",
                                          about, spec.scope),
                              bare ? fmt::format("did you mean 'region:{}'?", spec.scope) : "");
        }
    }

    spec.direction = read_direction(reader, diagnostics);
    const bool bad_direction = reader.raw().get("direction") != nullptr && !spec.direction;
    if (def != nullptr && def->good == Direction::context && !spec.direction && !bad_direction) {
        diagnostics.error(reader.where("indicator"),
                          fmt::format("{}: the indicator's direction is \"context\" (neither "
                                      "higher nor lower is better); expected an explicit "
                                      "direction = \"up\" or \"down\" in the target",
                                      about));
    }

    if (const auto band = read_number(reader, "band", false, about, diagnostics)) {
        if (*band < 0 || *band > 1) {
            diagnostics.error(reader.where("band"),
                              fmt::format("'band' in {}: expected a share from 0 to 1 (0.1 for "
                                          "10%), found {}",
                                          about, *band));
        } else {
            spec.band = *band;
        }
    }

    Point baseline;
    Point target;
    if (const toml::node* node = table.get("baseline")) {
        baseline = read_point(*node, path, fmt::format("'baseline' of {}", about), diagnostics);
    } else {
        diagnostics.error(reader.where(),
                          fmt::format("missing required key 'baseline' in {}", about),
                          "write baseline = { year = 2020, value = ... }");
    }
    if (const toml::node* node = table.get("target")) {
        target = read_point(*node, path, fmt::format("'target' of {}", about), diagnostics);
    } else {
        diagnostics.error(reader.where(), fmt::format("missing required key 'target' in {}", about),
                          "write target = { year = 2025, value = ... }");
    }
    spec.baseline_year = baseline.year.value_or(0);
    spec.baseline = baseline.value.value_or(0);
    spec.target_year = target.year.value_or(0);
    spec.target = target.value.value_or(0);
    // Milestone years are checked against a valid path only.
    const bool years_known = baseline.year && target.year && spec.baseline_year < spec.target_year;
    if (baseline.year && target.year && spec.baseline_year >= spec.target_year) {
        diagnostics.error(baseline.year_pos,
                          fmt::format("{}: expected the baseline year before the target year, "
                                      "found baseline {} and target {}",
                                      about, spec.baseline_year, spec.target_year));
    }

    // A target must not be worse than the baseline in the good direction: the progress ratio
    // would then reward moving away from it. A target equal to the baseline ("hold the line")
    // is fine.
    const std::optional<Direction> direction =
        spec.direction ? spec.direction
                       : (def != nullptr ? std::optional<Direction>(def->good) : std::nullopt);
    if (baseline.value && target.value && direction && *direction != Direction::context &&
        gain(spec.target, *direction) < gain(spec.baseline, *direction)) {
        diagnostics.error(target.value_pos,
                          fmt::format("{}: expected a target {} the baseline {} (\"{}\" is "
                                      "good), found {}",
                                      about,
                                      *direction == Direction::up ? "at or above" : "at or below",
                                      spec.baseline, direction_name(*direction), spec.target),
                          "check that baseline and target are not swapped; for a floor or ceiling "
                          "that allows a decline, use a [[guard_rail]]");
    }

    if (const toml::node* node = table.get("milestones")) {
        const auto* array = node->as_array();
        if (array == nullptr) {
            diagnostics.error(detail::position(path, *node),
                              fmt::format("'milestones' in {}: expected an array of {{ year, value "
                                          "}} tables, found {}",
                                          about, type_name(*node)));
        } else {
            const std::string label = fmt::format("a milestone of {}", about);
            std::optional<int> previous;
            for (const toml::node& element : *array) {
                const Point point = read_point(element, path, label, diagnostics);
                if (!point.year || !point.value) {
                    continue;
                }
                if (years_known &&
                    (*point.year <= spec.baseline_year || *point.year >= spec.target_year)) {
                    diagnostics.error(point.year_pos,
                                      fmt::format("'year' in {}: expected a year after the "
                                                  "baseline year {} and before the target year "
                                                  "{}, found {}",
                                                  label, spec.baseline_year, spec.target_year,
                                                  *point.year));
                } else if (previous && *point.year <= *previous) {
                    diagnostics.error(point.year_pos,
                                      fmt::format("'year' in {}: expected milestones in "
                                                  "ascending years, found {} after {}",
                                                  label, *point.year, *previous));
                } else {
                    spec.milestones.push_back({*point.year, *point.value});
                }
                previous = previous ? std::max(*previous, *point.year) : *point.year;
            }
        }
    }

    const auto duplicate =
        std::find_if(into.targets.begin(), into.targets.end(), [&](const TargetSpec& other) {
            return other.indicator == spec.indicator && other.scope == spec.scope;
        });
    if (!spec.indicator.empty() && duplicate != into.targets.end()) {
        diagnostics.error(reader.where("indicator"),
                          fmt::format("{}: expected one target per indicator and scope, found a "
                                      "second one for scope \"{}\"",
                                      about, spec.scope),
                          fmt::format("the first is at {}", format_pos(duplicate->where)));
    }
    into.targets.push_back(std::move(spec));
}

void read_guard_rail(const toml::table& table, const std::string& path, const Catalogue& catalogue,
                     TargetSet& into, Diagnostics& diagnostics) {
    TomlReader reader(table, path, "[[guard_rail]]", diagnostics);
    reader.reject_unknown_keys({"indicator", "below", "above", "label"});
    GuardRail rail;
    rail.where = reader.where();
    read_indicator(reader, catalogue, "[[guard_rail]]", rail.indicator, diagnostics);
    const std::string about = rail.indicator.empty()
                                  ? "[[guard_rail]]"
                                  : fmt::format("[[guard_rail]] for '{}'", rail.indicator);
    rail.below = read_number(reader, "below", false, about, diagnostics);
    rail.above = read_number(reader, "above", false, about, diagnostics);
    const bool has_below = reader.raw().get("below") != nullptr;
    const bool has_above = reader.raw().get("above") != nullptr;
    if (has_below && has_above) {
        diagnostics.error(
            reader.where("above"),
            fmt::format("{}: expected exactly one of 'below' or 'above', found both", about));
    } else if (!has_below && !has_above) {
        diagnostics.error(reader.where(),
                          fmt::format("{}: expected exactly one of 'below' or 'above', found "
                                      "neither",
                                      about),
                          "write below = 1.0 (breached when the value is below 1.0) or above = "
                          "0.1");
    }
    const auto label = reader.string("label", true);
    if (label && label->empty()) {
        diagnostics.error(reader.where("label"),
                          fmt::format("'label' in {}: expected a short text such as \"not "
                                      "covering costs\", found an empty string",
                                      about));
    }
    rail.label = label.value_or("");
    into.guard_rails.push_back(std::move(rail));
}

} // namespace

bool load_targets(const std::string& path, const Catalogue& catalogue, TargetSet& into,
                  Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    auto document = detail::parse_toml_file(path, diagnostics);
    if (!document) {
        return false;
    }
    // Other top-level keys are ignored (the file may be a report config, whose parser checks
    // them), except near misses of the two table names, which would silently drop targets.
    static const std::vector<std::string> config_keys = {
        "report",    "cover", "text",       "indicators", "source",    "chart",   "database",
        "reference", "data",  "parameters", "grouping",   "indicator", "derived", "peer_group"};
    const std::vector<std::string> ours = {"target", "guard_rail"};
    for (const auto& [key, node] : *document) {
        const std::string name(key.str());
        if (std::find(ours.begin(), ours.end(), name) != ours.end() ||
            std::find(config_keys.begin(), config_keys.end(), name) != config_keys.end()) {
            continue;
        }
        if (const auto hint = did_you_mean(name, ours); !hint.empty()) {
            diagnostics.error({path, static_cast<long>(key.source().begin.line),
                               static_cast<long>(key.source().begin.column)},
                              fmt::format("unknown key '{}' in a targets file: expected "
                                          "[[target]] or [[guard_rail]] tables",
                                          name),
                              hint);
        }
    }
    if (const toml::array* targets = table_array(*document, path, "target", diagnostics)) {
        for (const toml::node& node : *targets) {
            read_target(*node.as_table(), path, catalogue, into, diagnostics);
        }
    }
    if (const toml::array* rails = table_array(*document, path, "guard_rail", diagnostics)) {
        for (const toml::node& node : *rails) {
            read_guard_rail(*node.as_table(), path, catalogue, into, diagnostics);
        }
    }
    return diagnostics.error_count() == errors_before;
}

double expected_value(const TargetSpec& target, int year) {
    if (year <= target.baseline_year) {
        return target.baseline;
    }
    if (year >= target.target_year) {
        return target.target;
    }
    int from_year = target.baseline_year;
    double from_value = target.baseline;
    for (std::size_t i = 0; i <= target.milestones.size(); ++i) {
        const bool last = i == target.milestones.size();
        const int to_year = last ? target.target_year : target.milestones[i].year;
        const double to_value = last ? target.target : target.milestones[i].value;
        if (year == to_year) {
            return to_value;
        }
        if (year < to_year) {
            if (to_year <= from_year) {
                return to_value; // not reached for a checked target
            }
            const double share =
                static_cast<double>(year - from_year) / static_cast<double>(to_year - from_year);
            return from_value + (to_value - from_value) * share;
        }
        from_year = to_year;
        from_value = to_value;
    }
    return target.target;
}

TargetResult evaluate_target(const TargetSpec& target, std::optional<double> actual, int year,
                             Direction direction) {
    TargetResult result;
    result.indicator = target.indicator;
    result.scope = target.scope;
    result.year = year;
    result.actual = actual;
    if (year < target.baseline_year) {
        // No path before the baseline: neither an expected value nor a progress.
        result.status = Status::not_started;
        return result;
    }
    const double expected = expected_value(target, year);
    result.expected = expected;
    if (!actual) {
        result.status = Status::no_data;
        return result;
    }
    if (direction == Direction::context) {
        // Neither higher nor lower is better: no status can be judged (load_targets rejects a
        // target on a context indicator without an explicit direction).
        result.status = Status::no_data;
        return result;
    }
    const double gained = gain(*actual, direction) - gain(target.baseline, direction);
    const double planned = gain(expected, direction) - gain(target.baseline, direction);
    result.target_met = at_least(gain(*actual, direction), gain(target.target, direction));
    if (planned > 0) {
        result.progress = gained / planned; // == (actual - baseline) / (expected - baseline)
    }
    if (result.target_met) {
        result.status = Status::on_track;
    } else if (result.progress) {
        result.status = at_least(*result.progress, 1.0)                 ? Status::on_track
                        : at_least(*result.progress, 1.0 - target.band) ? Status::at_risk
                                                                        : Status::off_track;
    } else {
        // No improvement expected by this year (the baseline year, a flat stretch, or a
        // milestone that allows a dip): progress is undefined. The actual is compared with the
        // expected value itself: on track when not worse, at risk when short by at most
        // `band` of |expected|, off track beyond.
        const double shortfall = gain(expected, direction) - gain(*actual, direction);
        const double tolerance = target.band * std::abs(expected);
        result.status = at_least(0.0, shortfall)         ? Status::on_track
                        : at_least(tolerance, shortfall) ? Status::at_risk
                                                         : Status::off_track;
    }
    return result;
}

std::vector<TargetResult> evaluate_targets(const TargetSet& set, const Results& results,
                                           const Catalogue& catalogue) {
    std::vector<TargetResult> out;
    for (std::size_t i = 0; i < set.targets.size(); ++i) {
        const TargetSpec& spec = set.targets[i];
        const IndicatorDef* def = catalogue.find(spec.indicator);
        // An indicator unknown to the catalogue (load_targets rejects it) has no direction:
        // evaluated as "context", i.e. no status.
        const Direction direction =
            spec.direction ? *spec.direction : (def != nullptr ? def->good : Direction::context);
        // A scope key the results do not have (a region without records, a grouping not
        // computed) and an indicator not computed give "no data" in every year.
        const std::optional<std::size_t> scope = results.scope_index(spec.scope);
        for (const int period : results.periods) {
            std::optional<double> actual;
            if (scope) {
                if (const IndicatorResult* item = results.find(spec.indicator, *scope, period)) {
                    actual = item->value;
                }
            }
            TargetResult result = evaluate_target(spec, actual, period, direction);
            result.target = i;
            out.push_back(std::move(result));
        }
    }
    return out;
}

std::vector<GuardRailResult>
evaluate_guard_rails(const TargetSet& set, const Results& results,
                     const std::map<std::string, InstitutionValues>& values) {
    std::vector<GuardRailResult> out;
    std::vector<std::size_t> scopes;
    if (!results.groupings.empty()) {
        scopes = results.groupings.front().scopes;
    }
    if (!results.scopes.empty() &&
        std::find(scopes.begin(), scopes.end(), results.all_scope()) == scopes.end()) {
        scopes.push_back(results.all_scope());
    }
    for (std::size_t r = 0; r < set.guard_rails.size(); ++r) {
        const GuardRail& rail = set.guard_rails[r];
        const auto beyond = [&](double value) {
            return rail.below ? value < *rail.below : (rail.above && value > *rail.above);
        };
        const auto institution = values.find(rail.indicator);
        for (const std::size_t scope : scopes) {
            for (const int period : results.periods) {
                const IndicatorResult* item = results.find(rail.indicator, scope, period);
                if (item == nullptr || !item->value) {
                    continue;
                }
                GuardRailResult result;
                result.rail = r;
                result.indicator = rail.indicator;
                result.scope = results.scopes.at(scope).key;
                result.year = period;
                result.value = *item->value;
                result.breached = beyond(*item->value);
                if (institution != values.end()) {
                    const auto& value = institution->second.value;
                    for (const std::uint32_t record : item->records) {
                        // The provenance also lists previous-year records used by avg() and
                        // prev(): only the records of the result's own year are counted.
                        const bool other_year = record < results.record_year.size() &&
                                                results.record_year[record] != period;
                        if (record >= value.size() || other_year || std::isnan(value[record])) {
                            continue;
                        }
                        ++result.institutions;
                        if (beyond(value[record])) {
                            ++result.institutions_breaching;
                        }
                    }
                }
                out.push_back(std::move(result));
            }
        }
    }
    return out;
}

} // namespace sfp
