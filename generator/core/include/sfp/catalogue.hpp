#pragma once
/// The indicator catalogue, read from data/indicators/*.toml.

#include "sfp/diagnostics.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sfp {

enum class Unit { fraction, count, usd };
enum class Aggregate { sum, ratio };
enum class Direction { up, down, context };

struct IndicatorDef {
    std::string id; ///< stable id from docs/indicators.md, e.g. "PQ-01"
    std::string name;
    std::string short_name;
    Unit unit = Unit::fraction;
    int decimals = 1;
    Direction good = Direction::up;
    Aggregate aggregate = Aggregate::ratio;
    std::vector<std::string> numerator;   ///< canonical fields, added together
    std::vector<std::string> denominator; ///< canonical fields, added together (ratio only)
    std::string source;                   ///< the standard that defines it
    SourcePos where;
};

struct Catalogue {
    std::vector<IndicatorDef> indicators;
    [[nodiscard]] const IndicatorDef* find(std::string_view id) const;
    [[nodiscard]] std::vector<std::string> ids() const;
};

/// Reads a catalogue file; nullopt with diagnostics on any error.
[[nodiscard]] std::optional<Catalogue> load_catalogue(const std::string& path,
                                                      Diagnostics& diagnostics);

/// "fraction" / "count" / "usd", as written in results files.
[[nodiscard]] std::string_view unit_name(Unit unit);

} // namespace sfp
