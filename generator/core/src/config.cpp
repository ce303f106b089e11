#include "sfp/config.hpp"

#include "sfp/fields.hpp"
#include "toml_reader.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>

namespace sfp {

namespace {

using detail::TomlReader;

std::string resolve(const std::string& config_path, const std::string& relative) {
    const std::filesystem::path path(relative);
    if (path.is_absolute()) {
        return path.lexically_normal().string();
    }
    return (std::filesystem::path(config_path).parent_path() / path).lexically_normal().string();
}

bool valid_date(const std::string& text) {
    int year = 0;
    int month = 0;
    int day = 0;
    char dash1 = 0;
    char dash2 = 0;
    if (text.size() != 10 ||
        std::sscanf(text.c_str(), "%4d%c%2d%c%2d", &year, &dash1, &month, &dash2, &day) != 5) {
        return false;
    }
    if (dash1 != '-' || dash2 != '-' || month < 1 || month > 12 || day < 1) {
        return false;
    }
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    return date.ok();
}

void parse_report(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys(
        {"name", "title", "subtitle", "language", "author", "date", "symbol"});
    spec.name = reader.string("name", true).value_or("");
    spec.title = reader.string("title", true).value_or("");
    spec.subtitle = reader.string("subtitle", false).value_or("");
    spec.language = reader.string("language", false).value_or("en");
    spec.author = reader.string("author", false).value_or("");
    spec.symbol = reader.string("symbol", false).value_or("");
    spec.date = reader.string("date", true).value_or("");
    if (!spec.date.empty() && !valid_date(spec.date)) {
        diagnostics.error(reader.where("date"),
                          fmt::format("'date' in [report]: expected a date as YYYY-MM-DD, found "
                                      "'{}'",
                                      spec.date));
    }
    if (spec.name.find_first_of("/\\") != std::string::npos || spec.name == "." ||
        spec.name == "..") {
        diagnostics.error(reader.where("name"),
                          fmt::format("'name' in [report]: expected a file base name without "
                                      "'/', found '{}'",
                                      spec.name));
    }
    if (spec.language != "en") {
        diagnostics.error(reader.where("language"),
                          fmt::format("'language' in [report]: expected 'en' (the only language "
                                      "with texts so far), found '{}'",
                                      spec.language));
    }
}

void parse_indicators(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"catalogue", "show", "group_by", "first_year", "last_year"});
    if (auto catalogue = reader.string("catalogue", true)) {
        spec.catalogue_path = resolve(spec.config_path, *catalogue);
    }
    spec.indicators = reader.strings("show", true, &spec.indicator_pos);
    spec.group_by = reader.string("group_by", false).value_or("region");
    if (spec.group_by != "region" && spec.group_by != "country_iso3") {
        diagnostics.error(reader.where("group_by"),
                          fmt::format("'group_by' in [indicators]: expected 'region' or "
                                      "'country_iso3', found '{}'",
                                      spec.group_by));
    }
    const auto first = reader.integer("first_year", true);
    const auto last = reader.integer("last_year", true);
    if (first && last) {
        if (*first < 1900 || *last > 2200 || *first > *last) {
            diagnostics.error(reader.where("first_year"),
                              fmt::format("[indicators]: expected 1900 <= first_year <= "
                                          "last_year <= 2200, found {} and {}",
                                          *first, *last));
        }
        spec.first_year = static_cast<int>(*first);
        spec.last_year = static_cast<int>(*last);
    }
}

void parse_source(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"name", "path", "format", "missing", "columns"});
    SourceSpec source;
    source.where = reader.where();
    source.name = reader.string("name", true).value_or("");
    if (auto path = reader.string("path", true)) {
        source.path = resolve(spec.config_path, *path);
    }
    source.format = reader.string("format", false).value_or("csv");
    if (source.format != "csv") {
        diagnostics.error(
            reader.where("format"),
            fmt::format("'format' in [[source]]: expected 'csv', found '{}'", source.format));
    }
    source.missing_tokens = reader.strings("missing", false);
    if (const toml::table* columns = reader.table("columns", true)) {
        const auto names = canonical_field_names();
        for (const auto& [key, node] : *columns) {
            const std::string field(key.str());
            const SourcePos key_pos{reader.file(), static_cast<long>(key.source().begin.line),
                                    static_cast<long>(key.source().begin.column)};
            if (find_field(field) == nullptr) {
                diagnostics.error(
                    key_pos, fmt::format("unknown canonical field '{}' in [source.columns]", field),
                    did_you_mean(field, names));
                continue;
            }
            const auto* column = node.as_string();
            if (column == nullptr) {
                diagnostics.error(detail::position(reader.file(), node),
                                  fmt::format("'{}' in [source.columns]: expected a column name "
                                              "(a string)",
                                              field));
                continue;
            }
            source.columns.push_back({field, column->get(), detail::position(reader.file(), node)});
        }
        for (const auto& field : canonical_fields()) {
            if (!field.required) {
                continue;
            }
            const bool mapped = std::any_of(source.columns.begin(), source.columns.end(),
                                            [&](const auto& m) { return m.field == field.name; });
            if (!mapped) {
                diagnostics.error(reader.where("columns"),
                                  fmt::format("[source.columns] of source '{}' does not map the "
                                              "required field '{}'",
                                              source.name, field.name));
            }
        }
    }
    spec.sources.push_back(std::move(source));
}

void parse_chart(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"indicator", "kind", "title"});
    ChartRequest chart;
    chart.where = reader.where();
    chart.indicator = reader.string("indicator", true).value_or("");
    chart.kind = reader.string("kind", false).value_or("line");
    chart.title = reader.string("title", false).value_or("");
    if (chart.kind != "line" && chart.kind != "column") {
        diagnostics.error(reader.where("kind"),
                          fmt::format("'kind' in [[chart]]: expected 'line' or 'column', found "
                                      "'{}'",
                                      chart.kind));
    }
    spec.charts.push_back(std::move(chart));
}

template <typename Parse>
void each_table_in_array(TomlReader& root, std::string_view key, std::string_view label,
                         Diagnostics& diagnostics, Parse parse) {
    const toml::array* array = root.array(key, false);
    if (array == nullptr) {
        return;
    }
    for (const toml::node& element : *array) {
        const auto* table = element.as_table();
        if (table == nullptr) {
            diagnostics.error(detail::position(root.file(), element),
                              fmt::format("'{}': expected an array of tables ({})", key, label));
            continue;
        }
        TomlReader reader(*table, root.file(), std::string(label), diagnostics);
        parse(reader);
    }
}

} // namespace

std::optional<ReportSpec> parse_config(const std::string& path, Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    auto document = detail::parse_toml_file(path, diagnostics);
    if (!document) {
        return std::nullopt;
    }
    ReportSpec spec;
    spec.config_path = path;
    TomlReader root(*document, path, "the configuration", diagnostics);
    root.reject_unknown_keys({"report", "cover", "text", "indicators", "source", "chart"});

    if (const toml::table* report = root.table("report", true)) {
        TomlReader reader(*report, path, "[report]", diagnostics);
        parse_report(reader, spec, diagnostics);
    }
    each_table_in_array(root, "cover", "[[cover]]", diagnostics, [&](TomlReader& reader) {
        reader.reject_unknown_keys({"label", "value"});
        spec.cover.push_back(
            {reader.string("label", true).value_or(""), reader.string("value", true).value_or("")});
    });
    if (const toml::table* text = root.table("text", false)) {
        TomlReader reader(*text, path, "[text]", diagnostics);
        reader.reject_unknown_keys({"summary", "introduction"});
        spec.summary = reader.string("summary", false).value_or("");
        spec.introduction = reader.string("introduction", false).value_or("");
    }
    if (const toml::table* indicators = root.table("indicators", true)) {
        TomlReader reader(*indicators, path, "[indicators]", diagnostics);
        parse_indicators(reader, spec, diagnostics);
    }
    each_table_in_array(root, "source", "[[source]]", diagnostics,
                        [&](TomlReader& reader) { parse_source(reader, spec, diagnostics); });
    if (spec.sources.empty() && root.raw().get("source") == nullptr) {
        diagnostics.error(root.where(), "the configuration declares no [[source]]");
    }
    each_table_in_array(root, "chart", "[[chart]]", diagnostics,
                        [&](TomlReader& reader) { parse_chart(reader, spec, diagnostics); });

    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return spec;
}

} // namespace sfp
