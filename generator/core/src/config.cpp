#include "sfp/config.hpp"

#include "sfp/encoding.hpp"
#include "sfp/fields.hpp"
#include "toml_reader.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

namespace sfp {

const ColumnMapping* SourceSpec::mapping(std::string_view field) const {
    const auto found = std::find_if(columns.begin(), columns.end(),
                                    [&](const ColumnMapping& m) { return m.field == field; });
    return found == columns.end() ? nullptr : &*found;
}

std::string resolve_path(const std::string& base_file, const std::string& relative) {
    const std::filesystem::path path(relative);
    if (path.is_absolute()) {
        return path.lexically_normal().string();
    }
    return (std::filesystem::path(base_file).parent_path() / path).lexically_normal().string();
}

namespace {

using detail::TomlReader;

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
    reader.reject_unknown_keys({"name", "title", "subtitle", "language", "author", "date", "symbol",
                                "template", "page_size"});
    spec.name = reader.string("name", true).value_or("");
    if (auto path = reader.string("template", false)) {
        spec.template_path = resolve_path(spec.config_path, *path);
        spec.template_pos = reader.where("template");
    }
    // With a template, the title and other words come from its text files.
    spec.title = reader.string("title", spec.template_path.empty()).value_or("");
    spec.subtitle = reader.string("subtitle", false).value_or("");
    spec.language = reader.string("language", false).value_or("en");
    spec.language_pos = reader.where("language");
    spec.page_size = reader.string("page_size", false).value_or("a4");
    spec.page_size_pos = reader.where("page_size");
    if (spec.page_size != "a4" && spec.page_size != "letter") {
        diagnostics.error(spec.page_size_pos,
                          fmt::format("'page_size' in [report]: expected 'a4' or 'letter', found "
                                      "'{}'",
                                      spec.page_size),
                          did_you_mean(spec.page_size, {"a4", "letter"}));
    }
    spec.author = reader.string("author", false).value_or("");
    spec.symbol = reader.string("symbol", false).value_or("");
    spec.date = reader.string("date", true).value_or("");
    if (!spec.date.empty() && !valid_date(spec.date)) {
        diagnostics.error(reader.where("date"),
                          fmt::format("'date' in [report]: expected a date as YYYY-MM-DD, found "
                                      "'{}'",
                                      spec.date));
    }
    if (spec.name.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos ||
        spec.name == "." || spec.name == "..") {
        // A NUL would cut the file name short (or be refused when the outputs are opened,
        // after the whole evaluation): it is printed as \0 here.
        std::string shown;
        for (const char c : spec.name) {
            shown += c == '\0' ? std::string("\\0") : std::string(1, c);
        }
        diagnostics.error(reader.where("name"),
                          fmt::format("'name' in [report]: expected a file base name without "
                                      "'/', '\\' or NUL characters, found '{}'",
                                      shown));
    }
    static const std::vector<std::string> languages{"en", "fr", "es"};
    if (std::find(languages.begin(), languages.end(), spec.language) == languages.end()) {
        diagnostics.error(reader.where("language"),
                          fmt::format("'language' in [report]: expected 'en', 'fr' or 'es' (the "
                                      "languages with texts), found '{}'",
                                      spec.language),
                          did_you_mean(spec.language, languages));
    } else if (spec.language != "en" && spec.template_path.empty()) {
        diagnostics.error(reader.where("language"),
                          fmt::format("'language' in [report]: '{}' needs a [report] template "
                                      "(a configuration without one has English texts only)",
                                      spec.language));
    }
}

void parse_indicators(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"catalogue", "show", "group_by", "first_year", "last_year",
                                "single_balance", "min_n", "targets"});
    if (auto catalogue = reader.string("catalogue", true)) {
        spec.catalogue_path = resolve_path(spec.config_path, *catalogue);
    }
    spec.indicators = reader.strings("show", true, &spec.indicator_pos);
    spec.groupings = reader.strings("group_by", false);
    spec.group_by_pos = reader.where("group_by");
    if (spec.groupings.empty()) {
        spec.groupings.emplace_back("region");
    }
    static const std::vector<std::string> dimensions{"region", "country", "legal_form",
                                                     "institution"};
    for (auto& grouping : spec.groupings) {
        std::string normalised;
        std::size_t start = 0;
        while (start <= grouping.size()) {
            const auto end = std::min(grouping.find('+', start), grouping.size());
            std::string part = grouping.substr(start, end - start);
            if (part == "country_iso3") {
                part = "country"; // the name used before groupings could be combined
            }
            const bool named = (part.rfind("peer:", 0) == 0 && part.size() > 5) ||
                               (part.rfind("custom:", 0) == 0 && part.size() > 7);
            if (!named &&
                std::find(dimensions.begin(), dimensions.end(), part) == dimensions.end()) {
                diagnostics.error(
                    reader.where("group_by"),
                    fmt::format("'group_by' in [indicators]: unknown dimension '{}' in '{}' "
                                "(expected region, country, legal_form, institution, "
                                "peer:<name> or custom:<name>, joined with '+')",
                                part, grouping),
                    did_you_mean(part, dimensions));
            }
            normalised += (normalised.empty() ? "" : "+") + part;
            start = end + 1;
        }
        grouping = normalised;
    }
    spec.group_by = spec.groupings.front();
    spec.single_balance = reader.string("single_balance", false).value_or("flag");
    if (spec.single_balance != "flag" && spec.single_balance != "missing") {
        diagnostics.error(reader.where("single_balance"),
                          fmt::format("'single_balance' in [indicators]: expected 'flag' or "
                                      "'missing', found '{}'",
                                      spec.single_balance));
    }
    spec.min_n = reader.integer("min_n", false).value_or(3);
    if (spec.min_n < 1 || spec.min_n > 1000) {
        diagnostics.error(
            reader.where("min_n"),
            fmt::format("'min_n' in [indicators]: expected 1 to 1000, found {}", spec.min_n));
    }
    for (const auto& file : reader.strings("targets", false)) {
        spec.targets_paths.push_back(resolve_path(spec.config_path, file));
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

void parse_parameters(const toml::table& table, const std::string& path, ReportSpec& spec,
                      Diagnostics& diagnostics) {
    for (const auto& [key, node] : table) {
        if (const auto value = node.value<double>(); value && node.is_number()) {
            if (!std::isfinite(*value)) {
                // nan, inf or an overflow such as 1e400 would turn every result into nan.
                diagnostics.error(detail::position(path, node),
                                  fmt::format("'{}' in [parameters]: expected a finite number, "
                                              "found {}",
                                              key.str(), *value));
                continue;
            }
            spec.parameters[std::string(key.str())] = *value;
        } else {
            diagnostics.error(detail::position(path, node),
                              fmt::format("'{}' in [parameters]: expected a number", key.str()));
        }
    }
}

void parse_grouping(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"name", "of", "map", "otherwise"});
    CustomGrouping grouping;
    grouping.where = reader.where();
    grouping.name = reader.string("name", true).value_or("");
    grouping.of = reader.string("of", false).value_or("institution_id");
    grouping.otherwise = reader.string("otherwise", false).value_or("");
    if (const toml::table* map = reader.table("map", true)) {
        for (const auto& [key, node] : *map) {
            if (const auto* label = node.as_string()) {
                grouping.map[std::string(key.str())] = label->get();
            } else {
                diagnostics.error(detail::position(reader.file(), node),
                                  fmt::format("'{}' in [[grouping]] map: expected a group label "
                                              "(a string)",
                                              key.str()));
            }
        }
    }
    spec.custom_groupings.push_back(std::move(grouping));
}

std::optional<char> single_char(TomlReader& reader, std::string_view key, std::string_view allowed,
                                Diagnostics& diagnostics) {
    const auto text = reader.string(key, false);
    if (!text) {
        return std::nullopt;
    }
    if (text->empty() && allowed.find('\0') != std::string_view::npos) {
        return '\0';
    }
    if (text->size() != 1 || allowed.find((*text)[0]) == std::string_view::npos) {
        std::string shown;
        for (const char c : allowed) {
            shown += c == '\0' ? std::string("\"\"") : fmt::format("'{}'", c == '\t' ? 't' : c);
            shown += " ";
        }
        diagnostics.error(
            reader.where(key),
            fmt::format("'{}' in [[source]]: expected one character of {}, found '{}'", key, shown,
                        *text));
        return std::nullopt;
    }
    return (*text)[0];
}

void parse_column(const std::string& field, const toml::node& node, TomlReader& reader,
                  SourceSpec& source, Diagnostics& diagnostics) {
    ColumnMapping mapping;
    mapping.field = field;
    mapping.where = detail::position(reader.file(), node);
    if (const auto* column = node.as_string()) {
        mapping.column = column->get();
        source.columns.push_back(std::move(mapping));
        return;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
        diagnostics.error(mapping.where,
                          fmt::format("'{}' in [source.columns]: expected a column name or a "
                                      "table such as {{ column = \"GLP\", scale = 1000 }}",
                                      field));
        return;
    }
    TomlReader options(*table, reader.file(), fmt::format("the mapping of '{}'", field),
                       diagnostics);
    options.reject_unknown_keys({"column", "scale", "unit", "of", "format", "code"});
    mapping.column = options.string("column", true).value_or("");
    if (const toml::node* scale = table->get("scale")) {
        const auto value = scale->value<double>();
        if (!value || !(*value > 0)) {
            diagnostics.error(detail::position(reader.file(), *scale),
                              fmt::format("'scale' of '{}': expected a positive number such as "
                                          "1000",
                                          field));
        } else {
            mapping.scale = *value;
        }
    }
    const FieldInfo* info = find_field(field);
    if (const auto unit = options.string("unit", false)) {
        if (*unit == "percent") {
            mapping.percent = true;
        } else if (*unit != "fraction") {
            diagnostics.error(options.where("unit"),
                              fmt::format("'unit' of '{}': expected 'fraction' or 'percent', "
                                          "found '{}'",
                                          field, *unit),
                              did_you_mean(*unit, {"fraction", "percent"}));
        }
    }
    if (const auto of = options.string("of", false)) {
        const FieldInfo* whole = find_field(*of);
        if (whole == nullptr || whole->kind != FieldKind::amount) {
            diagnostics.error(options.where("of"),
                              fmt::format("'of' of '{}': expected an amount field (the whole "
                                          "this column is a fraction of), found '{}'",
                                          field, *of),
                              did_you_mean(*of, canonical_field_names(source.record)));
        } else if (info != nullptr && info->kind != FieldKind::amount) {
            diagnostics.error(options.where("of"),
                              fmt::format("'of' of '{}': only amount fields can be given as a "
                                          "fraction of another",
                                          field));
        } else {
            mapping.fraction_of = *of;
        }
    }
    if (const auto format = options.string("format", false)) {
        mapping.date_format = parse_date_format(*format);
        if (!mapping.date_format) {
            diagnostics.error(options.where("format"),
                              fmt::format("'format' of '{}': expected one of iso, dd/mm/yyyy, "
                                          "mm/dd/yyyy, yyyy; found '{}'",
                                          field, *format),
                              did_you_mean(*format, date_format_names()));
        }
    }
    if (const auto code = options.string("code", false)) {
        if (field != "country_iso3" || (*code != "iso3" && *code != "iso2" && *code != "name")) {
            diagnostics.error(options.where("code"),
                              fmt::format("'code' is for country_iso3 and is one of iso3, iso2, "
                                          "name; found '{}' for '{}'",
                                          *code, field));
        } else {
            mapping.code = *code;
        }
    }
    source.columns.push_back(std::move(mapping));
}

void parse_source(TomlReader& reader, ReportSpec& spec, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"name", "path", "format", "record", "encoding", "delimiter",
                                "decimal", "thousands", "missing", "fiscal_year_end", "date_format",
                                "currency", "strict", "table", "query", "params", "columns"});
    SourceSpec source;
    source.where = reader.where();
    source.name = reader.string("name", true).value_or("");
    source.format = reader.string("format", false).value_or("csv");
    if (source.format != "csv" && source.format != "sqlite") {
        diagnostics.error(reader.where("format"),
                          fmt::format("'format' in [[source]]: expected 'csv' or 'sqlite', found "
                                      "'{}'",
                                      source.format),
                          did_you_mean(source.format, {"csv", "sqlite"}));
    }
    const bool sqlite = source.format == "sqlite";
    if (auto path = reader.string("path", !sqlite)) {
        source.path = resolve_path(spec.config_path, *path);
    }
    if (const auto record = reader.string("record", false)) {
        if (*record == "loan") {
            source.record = RecordKind::loan;
        } else if (*record != "institution-year") {
            diagnostics.error(reader.where("record"),
                              fmt::format("'record' in [[source]]: expected 'institution-year' "
                                          "or 'loan', found '{}'",
                                          *record),
                              did_you_mean(*record, {"institution-year", "loan"}));
        }
    }
    source.encoding = reader.string("encoding", false).value_or("utf-8");
    if (!parse_encoding(source.encoding)) {
        diagnostics.error(reader.where("encoding"),
                          fmt::format("'encoding' in [[source]]: expected one of utf-8, latin-1, "
                                      "windows-1252, cp437, cp850; found '{}'",
                                      source.encoding),
                          did_you_mean(source.encoding, encoding_names()));
    }
    source.delimiter = single_char(reader, "delimiter", ",;\t|", diagnostics).value_or(',');
    source.decimal = single_char(reader, "decimal", ".,", diagnostics).value_or('.');
    source.thousands =
        single_char(reader, "thousands", std::string_view(",. '\0", 5), diagnostics).value_or(0);
    if (source.thousands == source.decimal) {
        diagnostics.error(reader.where("thousands"),
                          "'thousands' and 'decimal' in [[source]] are the same character");
    }
    if (reader.raw().get("missing") != nullptr) {
        source.missing_tokens = reader.strings("missing", false);
    } else {
        source.missing_tokens = {"NA",  "N/A", "..",   "-",    "-Inf",
                                 "Inf", "NaN", "NULL", "#N/A", "(1000.0, 1000.0)"};
    }
    if (const auto end = reader.integer("fiscal_year_end", false)) {
        if (*end < 1 || *end > 12) {
            diagnostics.error(reader.where("fiscal_year_end"),
                              fmt::format("'fiscal_year_end' in [[source]]: expected a month "
                                          "1-12, found {}",
                                          *end));
        } else {
            source.fiscal_year_end = static_cast<unsigned>(*end);
        }
    }
    if (const auto format = reader.string("date_format", false)) {
        if (const auto parsed = parse_date_format(*format)) {
            source.date_format = *parsed;
        } else {
            diagnostics.error(reader.where("date_format"),
                              fmt::format("'date_format' in [[source]]: expected one of iso, "
                                          "dd/mm/yyyy, mm/dd/yyyy, yyyy; found '{}'",
                                          *format),
                              did_you_mean(*format, date_format_names()));
        }
    }
    source.currency = reader.string("currency", false).value_or("");
    if (const toml::node* strict = reader.raw().get("strict")) {
        if (const auto* flag = strict->as_boolean()) {
            source.strict = flag->get();
        } else {
            diagnostics.error(detail::position(reader.file(), *strict),
                              "'strict' in [[source]]: expected true or false");
        }
    }
    source.strict = source.strict || spec.strict;
    source.table = reader.string("table", false).value_or("");
    source.query = reader.string("query", false).value_or("");
    if (const toml::table* params = reader.table("params", false)) {
        for (const auto& [key, node] : *params) {
            if (const auto* text = node.as_string()) {
                source.params.emplace_back(std::string(key.str()), text->get());
            } else if (const auto* number = node.as_integer()) {
                source.params.emplace_back(std::string(key.str()),
                                           fmt::format("{}", number->get()));
            } else {
                diagnostics.error(detail::position(reader.file(), node),
                                  "[source.params]: expected a string or an integer");
            }
        }
    }
    if (!sqlite && (!source.table.empty() || !source.query.empty())) {
        diagnostics.error(reader.where(source.table.empty() ? "query" : "table"),
                          "'table' and 'query' are for format = \"sqlite\" sources");
    }
    if (sqlite && !source.table.empty() && !source.query.empty()) {
        diagnostics.error(reader.where("query"),
                          "a sqlite [[source]] has either 'table' or 'query', not both");
    }
    if (sqlite && source.path.empty() && spec.database_path.empty()) {
        diagnostics.error(reader.where(),
                          "a sqlite [[source]] needs 'path' or a [database] path in the "
                          "configuration");
    }
    if (sqlite && source.path.empty()) {
        source.path = spec.database_path;
    }

    // The mapping: canonical field = "column" or { column = ..., options }.
    const bool needs_mapping = !(sqlite && source.table.empty() && source.query.empty());
    if (const toml::table* columns = reader.table("columns", needs_mapping)) {
        const auto names = canonical_field_names(source.record);
        for (const auto& [key, node] : *columns) {
            const std::string field(key.str());
            const SourcePos key_pos{reader.file(), static_cast<long>(key.source().begin.line),
                                    static_cast<long>(key.source().begin.column)};
            const FieldInfo* info = find_field(field);
            if (info == nullptr || !field_applies(*info, source.record)) {
                diagnostics.error(
                    key_pos,
                    fmt::format("unknown canonical field '{}' in [source.columns] of a {} source",
                                field, record_kind_name(source.record)),
                    did_you_mean(field, names));
                continue;
            }
            parse_column(field, node, reader, source, diagnostics);
        }
        const auto mapped = [&](std::string_view field) {
            return source.mapping(field) != nullptr;
        };
        if (source.record == RecordKind::institution_year) {
            if (!mapped("institution_id")) {
                diagnostics.error(reader.where("columns"),
                                  fmt::format("[source.columns] of source '{}' does not map the "
                                              "required field 'institution_id'",
                                              source.name));
            }
            if (!mapped("fiscal_year") && !mapped("period_end")) {
                diagnostics.error(reader.where("columns"),
                                  fmt::format("[source.columns] of source '{}' maps neither "
                                              "'fiscal_year' nor 'period_end': one is required",
                                              source.name));
            }
        } else if (!mapped("loan_id")) {
            diagnostics.error(reader.where("columns"),
                              fmt::format("[source.columns] of loan source '{}' does not map the "
                                          "required field 'loan_id'",
                                          source.name));
        }
        for (const auto& column : source.columns) {
            if (!column.fraction_of.empty() && !mapped(column.fraction_of)) {
                diagnostics.error(column.where,
                                  fmt::format("'{}' is a fraction of '{}', which is not mapped",
                                              column.field, column.fraction_of));
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

/// The dimensions a batch can run over.
const std::vector<std::string>& batch_dimensions() {
    static const std::vector<std::string> names{"country", "region", "institution"};
    return names;
}

void check_language(const std::string& language, const SourcePos& where, Diagnostics& diagnostics) {
    static const std::vector<std::string> languages{"en", "fr", "es"};
    if (std::find(languages.begin(), languages.end(), language) == languages.end()) {
        diagnostics.error(where,
                          fmt::format("expected a language (en, fr or es), found '{}'", language),
                          did_you_mean(language, languages));
    }
}

void parse_batch(TomlReader& reader, BatchSpec& batch, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"for", "output", "languages", "language"});
    if (auto dimension = reader.string("for", false)) {
        batch.dimension = *dimension;
        batch.dimension_pos = reader.where("for");
        const auto& names = batch_dimensions();
        if (std::find(names.begin(), names.end(), batch.dimension) == names.end()) {
            diagnostics.error(batch.dimension_pos,
                              fmt::format("[batch] for: expected country, region or institution, "
                                          "found '{}'",
                                          batch.dimension),
                              did_you_mean(batch.dimension, names));
        }
    }
    if (auto output = reader.string("output", false)) {
        batch.output = *output;
        batch.output_pos = reader.where("output");
    }
    std::vector<SourcePos> positions;
    batch.languages = reader.strings("languages", false, &positions);
    batch.languages_pos = reader.where("languages");
    for (std::size_t i = 0; i < batch.languages.size(); ++i) {
        if (batch.languages[i] != "constituent") {
            check_language(batch.languages[i], positions[i], diagnostics);
        }
    }
    if (const toml::table* languages = reader.table("language", false)) {
        for (const auto& [key, node] : *languages) {
            const auto* text = node.as_string();
            if (text == nullptr) {
                diagnostics.error(detail::position(reader.file(), node),
                                  fmt::format("[batch.language] {}: expected a language code "
                                              "string, found {}",
                                              key.str(), detail::type_name(node)));
                continue;
            }
            check_language(text->get(), detail::position(reader.file(), node), diagnostics);
            batch.language_of[std::string(key.str())] = text->get();
        }
    }
}

/// `[limits]`: bounds on the records of the data files (docs/config.md, "Limits"). Each is a
/// whole number from 1 up; unset ones keep CsvLimits' defaults.
CsvLimits parse_limits(TomlReader& reader, Diagnostics& diagnostics) {
    reader.reject_unknown_keys({"max_field_bytes", "max_fields", "max_record_bytes"});
    CsvLimits limits;
    const auto bound = [&](std::string_view key, std::size_t& into) {
        const auto value = reader.integer(key, false);
        if (!value) {
            return;
        }
        if (*value < 1) {
            diagnostics.error(reader.where(key),
                              fmt::format("'{}' in [limits]: expected a whole number of at least "
                                          "1, found {}",
                                          key, *value));
            return;
        }
        into = static_cast<std::size_t>(*value);
    };
    bound("max_field_bytes", limits.max_field_bytes);
    bound("max_fields", limits.max_fields);
    bound("max_record_bytes", limits.max_record_bytes);
    return limits;
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
    // [[indicator]], [[derived]], [[peer_group]] extend the catalogue (extend_catalogue) and
    // [[target]], [[guard_rail]] are read by load_targets; both check their own keys.
    root.reject_unknown_keys({"report", "cover", "text", "indicators", "source", "chart",
                              "database", "reference", "data", "parameters", "grouping",
                              "indicator", "derived", "peer_group", "target", "guard_rail", "batch",
                              "limits"});

    // Tables that sources depend on come first.
    if (const toml::table* database = root.table("database", false)) {
        TomlReader reader(*database, path, "[database]", diagnostics);
        reader.reject_unknown_keys({"path"});
        if (auto db = reader.string("path", true)) {
            spec.database_path = resolve_path(path, *db);
        }
    }
    if (const toml::table* reference = root.table("reference", false)) {
        TomlReader reader(*reference, path, "[reference]", diagnostics);
        reader.reject_unknown_keys({"countries", "exchange_rates", "gni_per_capita", "inflation"});
        if (auto countries = reader.string("countries", false)) {
            spec.countries_path = resolve_path(path, *countries);
        }
        if (auto rates = reader.string("exchange_rates", false)) {
            spec.exchange_rates_path = resolve_path(path, *rates);
        }
        if (auto gni = reader.string("gni_per_capita", false)) {
            spec.gni_path = resolve_path(path, *gni);
        }
        if (auto inflation = reader.string("inflation", false)) {
            spec.inflation_path = resolve_path(path, *inflation);
        }
    }
    if (const toml::table* data = root.table("data", false)) {
        TomlReader reader(*data, path, "[data]", diagnostics);
        reader.reject_unknown_keys({"strict"});
        if (const toml::node* strict = data->get("strict")) {
            if (const auto* flag = strict->as_boolean()) {
                spec.strict = flag->get();
            } else {
                diagnostics.error(detail::position(path, *strict),
                                  "'strict' in [data]: expected true or false");
            }
        }
    }

    // [report] and [indicators] are needed to build a report; a data-only configuration
    // (for ingest and validate) may leave them out.
    if (const toml::table* report = root.table("report", false)) {
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
    if (const toml::table* indicators = root.table("indicators", false)) {
        TomlReader reader(*indicators, path, "[indicators]", diagnostics);
        parse_indicators(reader, spec, diagnostics);
    }
    each_table_in_array(root, "source", "[[source]]", diagnostics,
                        [&](TomlReader& reader) { parse_source(reader, spec, diagnostics); });
    if (const toml::table* limits = root.table("limits", false)) {
        TomlReader reader(*limits, path, "[limits]", diagnostics);
        const CsvLimits bounds = parse_limits(reader, diagnostics);
        for (auto& source : spec.sources) {
            source.limits = bounds;
        }
    }
    if (spec.sources.empty() && root.raw().get("source") == nullptr) {
        diagnostics.error(root.where(), "the configuration declares no [[source]]");
    }
    each_table_in_array(root, "chart", "[[chart]]", diagnostics,
                        [&](TomlReader& reader) { parse_chart(reader, spec, diagnostics); });
    if (const toml::table* parameters = root.table("parameters", false)) {
        parse_parameters(*parameters, path, spec, diagnostics);
    }
    each_table_in_array(root, "grouping", "[[grouping]]", diagnostics,
                        [&](TomlReader& reader) { parse_grouping(reader, spec, diagnostics); });
    if (const toml::table* batch = root.table("batch", false)) {
        TomlReader reader(*batch, path, "[batch]", diagnostics);
        parse_batch(reader, spec.batch, diagnostics);
    }

    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return spec;
}

} // namespace sfp
