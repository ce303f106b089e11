#include "sfp/catalogue.hpp"

#include "sfp/fields.hpp"
#include "toml_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <map>
#include <set>

namespace sfp {

const std::string& Names::get(std::string_view language) const {
    if (language == "fr" && !fr.empty()) {
        return fr;
    }
    if (language == "es" && !es.empty()) {
        return es;
    }
    return en;
}

bool IndicatorDef::has(Statistic statistic) const {
    return std::find(statistics.begin(), statistics.end(), statistic) != statistics.end();
}

const IndicatorDef* Catalogue::find(std::string_view id) const {
    const auto found = std::find_if(indicators.begin(), indicators.end(),
                                    [&](const IndicatorDef& def) { return def.id == id; });
    return found == indicators.end() ? nullptr : &*found;
}

const DerivedDef* Catalogue::find_derived(std::string_view name) const {
    const auto found = std::find_if(derived.begin(), derived.end(),
                                    [&](const DerivedDef& def) { return def.name == name; });
    return found == derived.end() ? nullptr : &*found;
}

const PeerGroupDef* Catalogue::find_peer_group(std::string_view name) const {
    const auto found = std::find_if(peer_groups.begin(), peer_groups.end(),
                                    [&](const PeerGroupDef& def) { return def.name == name; });
    return found == peer_groups.end() ? nullptr : &*found;
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
    case Unit::multiple:
        return "multiple";
    case Unit::number:
        return "number";
    }
    return "fraction";
}

std::string_view statistic_name(Statistic statistic) {
    switch (statistic) {
    case Statistic::sum:
        return "sum";
    case Statistic::ratio:
        return "ratio";
    case Statistic::median:
        return "median";
    case Statistic::bwm:
        return "bwm";
    case Statistic::trimmed_mean:
        return "trimmed-mean";
    }
    return "ratio";
}

std::string_view direction_name(Direction direction) {
    switch (direction) {
    case Direction::up:
        return "up";
    case Direction::down:
        return "down";
    case Direction::context:
        return "context";
    }
    return "up";
}

namespace {

/// The reference series formulas may use (docs/indicators.md).
const std::vector<std::string>& series_names() {
    static const std::vector<std::string> names{"inflation_rate", "gni_per_capita"};
    return names;
}

template <typename Enum>
std::optional<Enum> choice(const std::string& text, const SourcePos& where, std::string_view key,
                           std::string_view label,
                           const std::vector<std::pair<std::string, Enum>>& choices,
                           Diagnostics& diagnostics) {
    std::vector<std::string> names;
    for (const auto& [name, value] : choices) {
        if (name == text) {
            return value;
        }
        names.push_back(name);
    }
    diagnostics.error(where,
                      fmt::format("'{}' in {}: expected one of {}, found '{}'", key, label,
                                  fmt::join(names, ", "), text),
                      did_you_mean(text, names));
    return std::nullopt;
}

/// A text in the report languages: a string (English) or a table {en, fr, es}.
Names read_names(detail::TomlReader& reader, std::string_view key, bool required,
                 Diagnostics& diagnostics) {
    Names names;
    const toml::node* node = reader.raw().get(key);
    if (node == nullptr) {
        if (required) {
            (void)reader.string(key, true); // reports the missing key
        }
        return names;
    }
    if (const auto* text = node->as_string()) {
        names.en = text->get();
        return names;
    }
    const auto* table = node->as_table();
    if (table == nullptr) {
        diagnostics.error(detail::position(reader.file(), *node),
                          fmt::format("'{}': expected a string or a table {{ en = \"...\", "
                                      "fr = \"...\", es = \"...\" }}",
                                      key));
        return names;
    }
    detail::TomlReader languages(*table, reader.file(), fmt::format("'{}'", key), diagnostics);
    languages.reject_unknown_keys({"en", "fr", "es"});
    names.en = languages.string("en", true).value_or("");
    names.fr = languages.string("fr", false).value_or("");
    names.es = languages.string("es", false).value_or("");
    return names;
}

/// Parses the formula string at `key`; the expression is bound later.
std::optional<formula::Expression> read_formula(detail::TomlReader& reader, std::string_view key,
                                                std::string& text, Diagnostics& diagnostics) {
    const auto value = reader.string(key, true);
    if (!value) {
        return std::nullopt;
    }
    text = *value;
    SourcePos where = reader.where(key);
    where.column += 1; // toml++ places a string at its opening quote
    return formula::parse(*value, where, diagnostics);
}

void read_parameters(const toml::table& table, const std::string& file, Catalogue& catalogue,
                     Diagnostics& diagnostics) {
    for (const auto& [key, node] : table) {
        if (node.is_number()) {
            catalogue.parameters[std::string(key.str())] = node.value<double>().value_or(0);
            catalogue.parameter_where[std::string(key.str())] = detail::position(file, node);
        } else {
            diagnostics.error(detail::position(file, node),
                              fmt::format("'{}' in [parameters]: expected a number", key.str()));
        }
    }
}

void read_statistics(detail::TomlReader& reader, IndicatorDef& def, Diagnostics& diagnostics) {
    std::vector<SourcePos> positions;
    const auto names = reader.strings("aggregate", true, &positions);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto statistic =
            choice<Statistic>(names[i], positions.at(i), "aggregate", "[[indicator]]",
                              {{"sum", Statistic::sum},
                               {"ratio", Statistic::ratio},
                               {"median", Statistic::median},
                               {"bwm", Statistic::bwm},
                               {"trimmed-mean", Statistic::trimmed_mean}},
                              diagnostics);
        if (statistic && !def.has(*statistic)) {
            def.statistics.push_back(*statistic);
            def.statistics_where.push_back(positions.at(i));
        }
    }
}

void read_indicator(detail::TomlReader& reader, Catalogue& catalogue, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"id", "name", "short", "formula", "unit", "decimals", "good",
                                "aggregate", "source", "version", "evidence", "weight", "trim"});
    IndicatorDef def;
    def.where = reader.where();
    def.id = reader.string("id", true).value_or("");
    def.names = read_names(reader, "name", true, diagnostics);
    def.short_names = read_names(reader, "short", false, diagnostics);
    if (def.short_names.en.empty()) {
        def.short_names = def.names;
    }
    def.name = def.names.en;
    def.short_name = def.short_names.en;
    def.source = reader.string("source", true).value_or("");
    def.version = reader.string("version", false).value_or("");
    def.evidence = reader.string("evidence", false).value_or("");
    if (!def.evidence.empty() && def.evidence != "V" && def.evidence != "P" &&
        def.evidence != "D") {
        diagnostics.error(reader.where("evidence"),
                          fmt::format("'evidence' in [[indicator]]: expected V, P or D, found "
                                      "'{}'",
                                      def.evidence));
    }
    const std::int64_t decimals = reader.integer("decimals", false).value_or(1);
    if (decimals < 0 || decimals > 6) {
        diagnostics.error(
            reader.where("decimals"),
            fmt::format("'decimals' in [[indicator]]: expected 0 to 6, found {}", decimals));
    }
    def.decimals = static_cast<int>(std::clamp<std::int64_t>(decimals, 0, 6));
    if (const auto unit = reader.string("unit", true)) {
        def.unit = choice<Unit>(*unit, reader.where("unit"), "unit", "[[indicator]]",
                                {{"fraction", Unit::fraction},
                                 {"count", Unit::count},
                                 {"usd", Unit::usd},
                                 {"multiple", Unit::multiple},
                                 {"number", Unit::number}},
                                diagnostics)
                       .value_or(Unit::fraction);
    }
    if (const auto good = reader.string("good", true)) {
        def.good =
            choice<Direction>(
                *good, reader.where("good"), "good", "[[indicator]]",
                {{"up", Direction::up}, {"down", Direction::down}, {"context", Direction::context}},
                diagnostics)
                .value_or(Direction::up);
    }
    read_statistics(reader, def, diagnostics);
    def.weight = reader.string("weight", false).value_or("active_borrowers");
    if (const FieldInfo* weight = find_field(def.weight);
        weight == nullptr || weight->kind == FieldKind::text || weight->kind == FieldKind::date) {
        diagnostics.error(
            reader.where("weight"),
            fmt::format("'weight' in [[indicator]]: expected a numeric canonical "
                        "field, found '{}'",
                        def.weight),
            did_you_mean(def.weight, canonical_field_names(RecordKind::institution_year)));
    }
    if (const toml::node* trim = reader.raw().get("trim")) {
        const auto value = trim->value<double>();
        if (!trim->is_number() || !value || *value < 0 || *value >= 0.5) {
            diagnostics.error(detail::position(reader.file(), *trim),
                              "'trim' in [[indicator]]: expected a number from 0 to below 0.5");
        } else {
            def.trim = *value;
        }
    }
    if (auto expression = read_formula(reader, "formula", def.formula_text, diagnostics)) {
        def.formula = std::move(*expression);
    }
    if (!def.id.empty() && catalogue.find(def.id) != nullptr) {
        diagnostics.error(reader.where("id"),
                          fmt::format("duplicate indicator id '{}' (first defined at {}:{})",
                                      def.id, catalogue.find(def.id)->where.file,
                                      catalogue.find(def.id)->where.line));
    }
    catalogue.indicators.push_back(std::move(def));
}

void read_derived(detail::TomlReader& reader, Catalogue& catalogue, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"name", "formula", "description"});
    DerivedDef def;
    def.where = reader.where();
    def.name = reader.string("name", true).value_or("");
    def.description = reader.string("description", false).value_or("");
    if (auto expression = read_formula(reader, "formula", def.formula_text, diagnostics)) {
        def.formula = std::move(*expression);
    }
    if (find_field(def.name) != nullptr ||
        std::find(series_names().begin(), series_names().end(), def.name) != series_names().end() ||
        catalogue.find_derived(def.name) != nullptr) {
        diagnostics.error(reader.where("name"),
                          fmt::format("'name' in [[derived]]: '{}' is already a field, series or "
                                      "derived quantity",
                                      def.name));
    }
    catalogue.derived.push_back(std::move(def));
}

void read_peer_group(detail::TomlReader& reader, Catalogue& catalogue, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"name", "label", "value", "bands", "by", "thresholds"});
    PeerGroupDef def;
    def.where = reader.where();
    def.name = reader.string("name", true).value_or("");
    def.label = read_names(reader, "label", false, diagnostics);
    if (def.label.en.empty()) {
        def.label.en = def.name;
    }
    if (auto expression = read_formula(reader, "value", def.value_text, diagnostics)) {
        def.value = std::move(*expression);
    }
    if (const toml::array* bands = reader.array("bands", true)) {
        for (const toml::node& node : *bands) {
            const auto* table = node.as_table();
            if (table == nullptr) {
                diagnostics.error(detail::position(reader.file(), node),
                                  "'bands' in [[peer_group]]: expected tables "
                                  "{ below = number, label = \"...\" }");
                continue;
            }
            detail::TomlReader band(*table, reader.file(), "a band", diagnostics);
            band.reject_unknown_keys({"below", "label"});
            PeerBand out;
            out.label = band.string("label", true).value_or("");
            if (const toml::node* below = table->get("below")) {
                if (below->is_number()) {
                    out.below = below->value<double>();
                } else {
                    diagnostics.error(detail::position(reader.file(), *below),
                                      "'below' in a band: expected a number");
                }
            }
            def.bands.push_back(std::move(out));
        }
        for (std::size_t i = 0; i < def.bands.size(); ++i) {
            const bool last = i + 1 == def.bands.size();
            if (last == def.bands[i].below.has_value() ||
                (i > 0 && def.bands[i].below && def.bands[i - 1].below &&
                 *def.bands[i].below <= *def.bands[i - 1].below)) {
                diagnostics.error(reader.where("bands"),
                                  "'bands' in [[peer_group]]: every band but the last needs "
                                  "'below', in increasing order; the last band has none");
                break;
            }
        }
    }
    def.by = reader.string("by", false).value_or("");
    if (const toml::table* thresholds = reader.table("thresholds", false)) {
        if (def.by.empty()) {
            diagnostics.error(reader.where("thresholds"),
                              "'thresholds' in [[peer_group]] needs 'by' (the dimension whose "
                              "values they belong to)");
        }
        for (const auto& [key, node] : *thresholds) {
            std::vector<double> values;
            const auto* array = node.as_array();
            bool ok = array != nullptr && array->size() + 1 == def.bands.size();
            if (array != nullptr) {
                for (const toml::node& value : *array) {
                    ok = ok && value.is_number() &&
                         (values.empty() || value.value<double>().value_or(0) > values.back());
                    values.push_back(value.value<double>().value_or(0));
                }
            }
            if (!ok) {
                diagnostics.error(detail::position(reader.file(), node),
                                  fmt::format("'{}' in [[peer_group]] thresholds: expected {} "
                                              "increasing numbers (one per band but the last)",
                                              key.str(),
                                              def.bands.empty() ? 0 : def.bands.size() - 1));
                continue;
            }
            def.thresholds[std::string(key.str())] = std::move(values);
        }
    }
    if (catalogue.find_peer_group(def.name) != nullptr) {
        diagnostics.error(reader.where("name"), fmt::format("duplicate peer group '{}'", def.name));
    }
    catalogue.peer_groups.push_back(std::move(def));
}

/// Reads the catalogue tables of one file into `catalogue`. `strict_keys`: other top-level
/// keys are errors (a catalogue file) or ignored (a report config).
bool read_file(const std::string& path, Catalogue& catalogue, bool strict_keys,
               Diagnostics& diagnostics) {
    auto document = detail::parse_toml_file(path, diagnostics);
    if (!document) {
        return false;
    }
    catalogue.files.push_back(path);
    detail::TomlReader root(*document, path, "the catalogue", diagnostics);
    if (strict_keys) {
        root.reject_unknown_keys({"indicator", "derived", "peer_group", "parameters"});
    }
    if (const toml::table* parameters = root.table("parameters", false)) {
        read_parameters(*parameters, path, catalogue, diagnostics);
    }
    auto each = [&](std::string_view key, const auto& read) {
        const toml::node* node = document->get(key);
        if (node == nullptr) {
            return;
        }
        const auto* array = node->as_array();
        if (array == nullptr) {
            diagnostics.error(detail::position(path, *node),
                              fmt::format("'{}': expected an array of tables ([[{}]])", key, key));
            return;
        }
        for (const toml::node& item : *array) {
            const auto* table = item.as_table();
            if (table == nullptr) {
                diagnostics.error(
                    detail::position(path, item),
                    fmt::format("'{}': expected an array of tables ([[{}]])", key, key));
                continue;
            }
            detail::TomlReader reader(*table, path, fmt::format("[[{}]]", key), diagnostics);
            read(reader);
        }
    };
    each("derived", [&](detail::TomlReader& r) { read_derived(r, catalogue, diagnostics); });
    each("indicator", [&](detail::TomlReader& r) { read_indicator(r, catalogue, diagnostics); });
    each("peer_group", [&](detail::TomlReader& r) { read_peer_group(r, catalogue, diagnostics); });
    return true;
}

formula::NameTable name_table(const Catalogue& catalogue) {
    formula::NameTable table;
    table.resolve = [&catalogue](std::string_view name, double& value) {
        if (const FieldInfo* field = find_field(name)) {
            if (field_applies(*field, RecordKind::institution_year) &&
                field->kind != FieldKind::text && field->kind != FieldKind::date &&
                field->kind != FieldKind::year) {
                return is_flow(name) ? formula::NameKind::flow_field : formula::NameKind::field;
            }
            return formula::NameKind::unknown;
        }
        if (std::find(series_names().begin(), series_names().end(), name) != series_names().end()) {
            return formula::NameKind::series;
        }
        if (catalogue.find_derived(name) != nullptr) {
            return formula::NameKind::derived;
        }
        if (const auto found = catalogue.parameters.find(std::string(name));
            found != catalogue.parameters.end()) {
            value = found->second;
            return formula::NameKind::parameter;
        }
        if (catalogue.find(name) != nullptr) {
            return formula::NameKind::indicator;
        }
        return formula::NameKind::unknown;
    };
    table.candidates = [&catalogue] {
        std::vector<std::string> names;
        for (const auto& field : canonical_fields()) {
            if (field_applies(field, RecordKind::institution_year) &&
                field.kind != FieldKind::text && field.kind != FieldKind::date) {
                names.emplace_back(field.name);
            }
        }
        names.insert(names.end(), series_names().begin(), series_names().end());
        for (const auto& def : catalogue.derived) {
            names.push_back(def.name);
        }
        for (const auto& [name, value] : catalogue.parameters) {
            names.push_back(name);
        }
        for (const auto& def : catalogue.indicators) {
            names.push_back(def.id);
        }
        return names;
    };
    return table;
}

/// Finds reference cycles among indicators and derived quantities (depth-first search).
class CycleCheck {
public:
    CycleCheck(const Catalogue& catalogue, Diagnostics& diagnostics)
        : catalogue_(catalogue), diagnostics_(diagnostics) {}

    bool run() {
        for (const auto& def : catalogue_.indicators) {
            visit(def.id);
        }
        for (const auto& def : catalogue_.derived) {
            visit(def.name);
        }
        return ok_;
    }

private:
    const formula::Expression* expression(const std::string& name) const {
        if (const auto* def = catalogue_.find(name)) {
            return &def->formula;
        }
        if (const auto* def = catalogue_.find_derived(name)) {
            return &def->formula;
        }
        return nullptr;
    }

    void visit(const std::string& name) {
        const auto state = state_.find(name);
        if (state != state_.end() && state->second == 2) {
            return;
        }
        const formula::Expression* expr = expression(name);
        if (expr == nullptr || expr->empty()) {
            state_[name] = 2;
            return;
        }
        state_[name] = 1;
        path_.push_back(name);
        for (std::size_t i = 0; i < expr->nodes.size(); ++i) {
            const formula::Node& node = expr->nodes[i];
            if (node.op != formula::Op::indicator && node.op != formula::Op::derived) {
                continue;
            }
            const auto next = state_.find(node.name);
            if (next != state_.end() && next->second == 1) {
                const auto start = std::find(path_.begin(), path_.end(), node.name);
                std::vector<std::string> cycle(start, path_.end());
                cycle.push_back(node.name);
                diagnostics_.error(expr->position(static_cast<int>(i)),
                                   fmt::format("formula: '{}' refers to itself ({})", node.name,
                                               fmt::join(cycle, " -> ")));
                ok_ = false;
                continue;
            }
            visit(node.name);
        }
        path_.pop_back();
        state_[name] = 2;
    }

    const Catalogue& catalogue_;
    Diagnostics& diagnostics_;
    std::map<std::string, int> state_;
    std::vector<std::string> path_;
    bool ok_ = true;
};

/// Binds every formula and checks the rules that need the whole catalogue.
bool bind_all(Catalogue& catalogue, Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    const formula::NameTable names = name_table(catalogue);
    for (auto& def : catalogue.derived) {
        if (!def.formula.empty()) {
            formula::bind(def.formula, names, diagnostics);
        }
    }
    for (auto& def : catalogue.indicators) {
        if (def.formula.empty()) {
            continue;
        }
        if (!formula::bind(def.formula, names, diagnostics)) {
            continue;
        }
        if (def.has(Statistic::ratio) && !def.formula.ratio_parts()) {
            const auto ratio = static_cast<std::size_t>(
                std::find(def.statistics.begin(), def.statistics.end(), Statistic::ratio) -
                def.statistics.begin());
            diagnostics.error(ratio < def.statistics_where.size() ? def.statistics_where[ratio]
                                                                  : def.formula.where,
                              fmt::format("formula of {}: aggregate 'ratio' needs a formula of "
                                          "the form numerator / denominator, found '{}'",
                                          def.id, def.formula_text),
                              "use 'median' for other formulas, or write it as a division");
        }
    }
    for (auto& def : catalogue.peer_groups) {
        if (!def.value.empty()) {
            formula::bind(def.value, names, diagnostics);
        }
    }
    if (diagnostics.error_count() == errors_before) {
        CycleCheck(catalogue, diagnostics).run();
    }
    return diagnostics.error_count() == errors_before;
}

} // namespace

std::optional<Catalogue> load_catalogue(const std::string& path, Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    Catalogue catalogue;
    if (!read_file(path, catalogue, true, diagnostics)) {
        return std::nullopt;
    }
    if (diagnostics.error_count() > errors_before || !bind_all(catalogue, diagnostics)) {
        return std::nullopt;
    }
    return catalogue;
}

bool extend_catalogue(Catalogue& catalogue, const std::string& path, Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    Catalogue added;
    added.parameters = catalogue.parameters;
    if (!read_file(path, added, false, diagnostics)) {
        return false;
    }
    const bool nothing = added.indicators.empty() && added.derived.empty() &&
                         added.peer_groups.empty() &&
                         added.parameters.size() == catalogue.parameters.size();
    if (nothing && diagnostics.error_count() == errors_before) {
        return true;
    }
    for (auto& def : added.indicators) {
        if (const auto* existing = catalogue.find(def.id)) {
            diagnostics.error(def.where,
                              fmt::format("indicator '{}' is already defined in the catalogue "
                                          "({}:{})",
                                          def.id, existing->where.file, existing->where.line),
                              "give your own indicator another id");
            continue;
        }
        catalogue.indicators.push_back(std::move(def));
    }
    for (auto& def : added.derived) {
        if (catalogue.find_derived(def.name) != nullptr) {
            diagnostics.error(def.where,
                              fmt::format("derived quantity '{}' is already defined in the "
                                          "catalogue",
                                          def.name));
            continue;
        }
        catalogue.derived.push_back(std::move(def));
    }
    for (auto& def : added.peer_groups) {
        if (catalogue.find_peer_group(def.name) != nullptr) {
            diagnostics.error(
                def.where,
                fmt::format("peer group '{}' is already defined in the catalogue", def.name));
            continue;
        }
        catalogue.peer_groups.push_back(std::move(def));
    }
    // A report may set the catalogue's parameters, or add parameters for its own formulas; a
    // new parameter that none of its formulas uses is a typo.
    std::set<std::string> used;
    const auto collect = [&used](const formula::Expression& expression) {
        for (const auto& node : expression.nodes) {
            if (node.op == formula::Op::name) {
                used.insert(node.name);
            }
        }
    };
    for (const auto& def : catalogue.indicators) {
        collect(def.formula);
    }
    for (const auto& def : catalogue.derived) {
        collect(def.formula);
    }
    for (const auto& def : catalogue.peer_groups) {
        collect(def.value);
    }
    std::vector<std::string> known;
    for (const auto& [name, value] : catalogue.parameters) {
        known.push_back(name);
    }
    for (const auto& [name, value] : added.parameters) {
        if (catalogue.parameters.count(name) == 0 && used.count(name) == 0) {
            diagnostics.error(added.parameter_where[name],
                              fmt::format("unknown parameter '{}' in [parameters]: the catalogue "
                                          "has no such parameter and no formula of this file "
                                          "uses it",
                                          name),
                              did_you_mean(name, known));
            continue;
        }
        catalogue.parameters[name] = value;
        catalogue.parameter_where[name] = added.parameter_where[name];
    }
    catalogue.files.push_back(path);
    if (diagnostics.error_count() > errors_before) {
        return false;
    }
    return bind_all(catalogue, diagnostics);
}

} // namespace sfp
