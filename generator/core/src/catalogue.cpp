#include "sfp/catalogue.hpp"

#include "sfp/fields.hpp"
#include "toml_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>

namespace sfp {

const IndicatorDef* Catalogue::find(std::string_view id) const {
    const auto found = std::find_if(indicators.begin(), indicators.end(),
                                    [&](const IndicatorDef& def) { return def.id == id; });
    return found == indicators.end() ? nullptr : &*found;
}

std::vector<std::string> Catalogue::ids() const {
    std::vector<std::string> out;
    for (const auto& def : indicators) {
        out.push_back(def.id);
    }
    return out;
}

std::string_view unit_name(Unit unit) {
    switch (unit) {
    case Unit::fraction:
        return "fraction";
    case Unit::count:
        return "count";
    case Unit::usd:
        return "usd";
    }
    return "fraction";
}

namespace {

template <typename Enum>
std::optional<Enum> parse_choice(detail::TomlReader& reader, std::string_view key,
                                 const std::vector<std::pair<std::string, Enum>>& choices,
                                 Diagnostics& diagnostics) {
    const auto text = reader.string(key, true);
    if (!text) {
        return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto& [name, value] : choices) {
        if (name == *text) {
            return value;
        }
        names.push_back(name);
    }
    diagnostics.error(reader.where(key),
                      fmt::format("'{}' in [[indicator]]: expected one of {}, found '{}'", key,
                                  fmt::join(names, ", "), *text),
                      did_you_mean(*text, names));
    return std::nullopt;
}

void check_fields(std::string_view key, const std::vector<std::string>& fields,
                  const std::vector<SourcePos>& positions, Diagnostics& diagnostics) {
    const auto names = canonical_field_names();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const FieldInfo* field = find_field(fields[i]);
        if (field == nullptr) {
            diagnostics.error(
                positions.at(i),
                fmt::format("'{}' in [[indicator]]: unknown canonical field '{}'", key, fields[i]),
                did_you_mean(fields[i], names));
            continue;
        }
        if (field->kind == FieldKind::text || field->kind == FieldKind::year) {
            diagnostics.error(
                positions.at(i),
                fmt::format("'{}' in [[indicator]]: field '{}' is not numeric", key, fields[i]));
        }
    }
}

} // namespace

std::optional<Catalogue> load_catalogue(const std::string& path, Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    auto document = detail::parse_toml_file(path, diagnostics);
    if (!document) {
        return std::nullopt;
    }
    Catalogue catalogue;
    detail::TomlReader root(*document, path, "the catalogue", diagnostics);
    root.reject_unknown_keys({"indicator"});
    const toml::array* array = root.array("indicator", true);
    if (array == nullptr) {
        return std::nullopt;
    }
    for (const toml::node& node : *array) {
        const auto* table = node.as_table();
        if (table == nullptr) {
            diagnostics.error(detail::position(path, node),
                              "'indicator': expected an array of tables ([[indicator]])");
            continue;
        }
        detail::TomlReader reader(*table, path, "[[indicator]]", diagnostics);
        reader.reject_unknown_keys({"id", "name", "short", "unit", "decimals", "good", "aggregate",
                                    "numerator", "denominator", "source"});
        IndicatorDef def;
        def.where = reader.where();
        def.id = reader.string("id", true).value_or("");
        def.name = reader.string("name", true).value_or("");
        def.short_name = reader.string("short", false).value_or(def.name);
        def.source = reader.string("source", true).value_or("");
        const std::int64_t decimals = reader.integer("decimals", false).value_or(1);
        if (decimals < 0 || decimals > 6) {
            diagnostics.error(
                reader.where("decimals"),
                fmt::format("'decimals' in [[indicator]]: expected 0 to 6, found {}", decimals));
        }
        def.decimals = static_cast<int>(std::clamp<std::int64_t>(decimals, 0, 6));
        def.unit = parse_choice<Unit>(
                       reader, "unit",
                       {{"fraction", Unit::fraction}, {"count", Unit::count}, {"usd", Unit::usd}},
                       diagnostics)
                       .value_or(Unit::fraction);
        def.good =
            parse_choice<Direction>(
                reader, "good",
                {{"up", Direction::up}, {"down", Direction::down}, {"context", Direction::context}},
                diagnostics)
                .value_or(Direction::up);
        def.aggregate = parse_choice<Aggregate>(
                            reader, "aggregate",
                            {{"sum", Aggregate::sum}, {"ratio", Aggregate::ratio}}, diagnostics)
                            .value_or(Aggregate::ratio);
        std::vector<SourcePos> numerator_pos;
        std::vector<SourcePos> denominator_pos;
        def.numerator = reader.strings("numerator", true, &numerator_pos);
        const bool is_ratio = def.aggregate == Aggregate::ratio;
        def.denominator = reader.strings("denominator", is_ratio, &denominator_pos);
        if (!is_ratio && !def.denominator.empty()) {
            diagnostics.error(reader.where("denominator"),
                              "'denominator' in [[indicator]]: a sum indicator has no denominator");
        }
        check_fields("numerator", def.numerator, numerator_pos, diagnostics);
        check_fields("denominator", def.denominator, denominator_pos, diagnostics);
        if (catalogue.find(def.id) != nullptr) {
            diagnostics.error(reader.where("id"),
                              fmt::format("duplicate indicator id '{}' in the catalogue", def.id));
        }
        catalogue.indicators.push_back(std::move(def));
    }
    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return catalogue;
}

} // namespace sfp
