#pragma once
/// The indicator catalogue, read from data/indicators/*.toml (and a report's own additions):
/// indicators with formulas, derived quantities, parameters and peer-group rules.
/// docs/indicators.md describes the file and the formula language.

#include "sfp/diagnostics.hpp"
#include "sfp/formula.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

enum class Unit { fraction, count, usd, multiple, number };
/// The statistics an indicator is aggregated with; the first listed is its headline.
enum class Statistic { sum, ratio, median, bwm, trimmed_mean };
enum class Direction { up, down, context };

/// A text in the report languages. `get` falls back to English.
struct Names {
    std::string en;
    std::string fr;
    std::string es;
    [[nodiscard]] const std::string& get(std::string_view language) const;
};

struct IndicatorDef {
    std::string id; ///< stable id from docs/indicators.md, e.g. "PQ-01"
    Names names;
    Names short_names;
    std::string name;       ///< English name (names.en), kept for existing callers
    std::string short_name; ///< English short name
    std::string formula_text;
    formula::Expression formula; ///< parsed and bound
    Unit unit = Unit::fraction;
    int decimals = 1;
    Direction good = Direction::up;
    std::vector<Statistic> statistics;       ///< never empty; [0] is the headline
    std::vector<SourcePos> statistics_where; ///< position of each in `aggregate`
    std::string weight = "active_borrowers"; ///< for bwm: a canonical field
    double trim = 0.1;                       ///< for trimmed-mean
    std::string source;                      ///< the standard that defines it
    std::string version;                     ///< edition or year of that standard
    std::string evidence;                    ///< "V", "P" or "D" (docs/indicators.md)
    SourcePos where;

    [[nodiscard]] Statistic headline() const { return statistics.front(); }
    [[nodiscard]] bool has(Statistic statistic) const;
};

/// A named institution-level quantity usable in formulas (e.g. "inflation_adj").
struct DerivedDef {
    std::string name;
    std::string formula_text;
    formula::Expression formula;
    std::string description;
    SourcePos where;
};

/// One band of a peer group: records with value < below (or any value for the last band).
struct PeerBand {
    std::string label;
    std::optional<double> below;
};

/// A peer-group rule: a value computed per institution-year, cut into labelled bands.
struct PeerGroupDef {
    std::string name; ///< used as grouping "peer:<name>"
    Names label;
    std::string value_text;
    formula::Expression value;
    std::vector<PeerBand> bands;
    std::string by; ///< optional dimension whose values have their own thresholds
    std::map<std::string, std::vector<double>> thresholds; ///< by-value -> `below` per band
    SourcePos where;
};

struct Catalogue {
    std::vector<IndicatorDef> indicators;
    std::vector<DerivedDef> derived;
    std::vector<PeerGroupDef> peer_groups;
    std::map<std::string, double> parameters;
    std::map<std::string, SourcePos> parameter_where; ///< where each parameter was last set
    std::vector<std::string> files;                   ///< the files read, in order

    [[nodiscard]] const IndicatorDef* find(std::string_view id) const;
    [[nodiscard]] const DerivedDef* find_derived(std::string_view name) const;
    [[nodiscard]] const PeerGroupDef* find_peer_group(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> ids() const;
};

/// Reads a catalogue file; nullopt with diagnostics on any error (TOML, keys, types, formula
/// syntax, unknown names, arity, type errors, cycles), each at file:line:col.
[[nodiscard]] std::optional<Catalogue> load_catalogue(const std::string& path,
                                                      Diagnostics& diagnostics);

/// Adds the [[indicator]], [[derived]], [[peer_group]] and [parameters] tables of another file
/// (a report config) to `catalogue`, then re-binds every formula. Keys other than those tables
/// are ignored (the config parser checks them). False, with diagnostics, on any error.
bool extend_catalogue(Catalogue& catalogue, const std::string& path, Diagnostics& diagnostics);

/// "fraction" / "count" / "usd" / "multiple" / "number", as written in results files.
[[nodiscard]] std::string_view unit_name(Unit unit);
/// "sum" / "ratio" / "median" / "bwm" / "trimmed-mean".
[[nodiscard]] std::string_view statistic_name(Statistic statistic);
/// Median (with its quartiles) and trimmed mean: statistics of the order of the values.
[[nodiscard]] constexpr bool is_order_statistic(Statistic statistic) {
    return statistic == Statistic::median || statistic == Statistic::trimmed_mean;
}
/// "up" / "down" / "context".
[[nodiscard]] std::string_view direction_name(Direction direction);

} // namespace sfp
