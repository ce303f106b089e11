#include "sfp/report_template.hpp"

#include "toml_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>

namespace sfp {

namespace fs = std::filesystem;
using detail::TomlReader;

const TextEntry* TextSet::find(std::string_view key) const {
    const auto found = entries.find(key);
    return found == entries.end() ? nullptr : &found->second;
}

const std::vector<std::string>& table_kinds() {
    static const std::vector<std::string> kinds{
        "results-matrix", "by-scope",    "trend",   "benchmark",      "by-scope-year",
        "guard-rails",    "coverage",    "sources", "issues-by-code", "issues",
        "definitions",    "peer-groups", "results"};
    return kinds;
}

const std::vector<std::string>& block_conditions() {
    static const std::vector<std::string> conditions{"targets",     "guard-rails", "survey-data",
                                                     "peer-groups", "data-issues", "values"};
    return conditions;
}

namespace {

const std::vector<std::string>& fixed_arguments() {
    static const std::vector<std::string> names{"year",
                                                "prev_year",
                                                "first_year",
                                                "last_year",
                                                "n_institutions",
                                                "n_institutions_first",
                                                "n_countries",
                                                "n_regions",
                                                "n_records",
                                                "n_rows_read",
                                                "n_rows_used",
                                                "n_rows_rejected",
                                                "n_issues",
                                                "n_set_aside",
                                                "n_targets",
                                                "n_guard_rails",
                                                "n_guard_rails_breached",
                                                "targets.on-track",
                                                "targets.at-risk",
                                                "targets.off-track",
                                                "targets.no-data",
                                                "targets.not-started",
                                                "symbol",
                                                "date",
                                                "constituent",
                                                "constituent_code",
                                                "sources",
                                                "targets_file",
                                                "min_n",
                                                "page",
                                                "pages",
                                                "day",
                                                "month",
                                                "value",
                                                "label",
                                                "n",
                                                "count",
                                                "total",
                                                "scope",
                                                "threshold",
                                                "indicator",
                                                "first",
                                                "listed",
                                                "most"};
    return names;
}

const std::vector<std::string>& indicator_suffixes() {
    static const std::vector<std::string> suffixes{"prev", "first", "n",      "change", "delta",
                                                   "name", "short", "status", "target", "baseline"};
    return suffixes;
}

/// The indicator id of an argument name ("OUT-01.prev" -> "OUT-01"), or empty.
std::string indicator_of(std::string_view name, const Catalogue& catalogue) {
    if (catalogue.find(name) != nullptr) {
        return std::string(name);
    }
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) {
        return {};
    }
    const std::string suffix(name.substr(dot + 1));
    const auto& suffixes = indicator_suffixes();
    if (std::find(suffixes.begin(), suffixes.end(), suffix) == suffixes.end()) {
        return {};
    }
    const auto id = name.substr(0, dot);
    return catalogue.find(id) != nullptr ? std::string(id) : std::string();
}

/// Position of the first character of a string value whose node starts at `at` (the quote).
SourcePos text_start(const std::vector<std::string>& lines, SourcePos at) {
    if (at.line < 1 || static_cast<std::size_t>(at.line) > lines.size()) {
        return at;
    }
    const std::string& line = lines[static_cast<std::size_t>(at.line - 1)];
    const auto col = static_cast<std::size_t>(std::max(at.column - 1, 0L));
    const std::string_view rest = col < line.size() ? std::string_view(line).substr(col) : "";
    if (rest.rfind("\"\"\"", 0) == 0 || rest.rfind("'''", 0) == 0) {
        if (rest.size() == 3) { // a newline right after the quotes is trimmed
            return {at.file, at.line + 1, 1};
        }
        return {at.file, at.line, at.column + 3};
    }
    return {at.file, at.line, at.column + 1};
}

std::vector<std::string> read_lines(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

void load_table(const toml::table& table, const std::string& prefix, const std::string& file,
                const std::vector<std::string>& lines, TextSet& into, Diagnostics& diagnostics) {
    for (const auto& [key, node] : table) {
        const std::string name = prefix + "." + std::string(key.str());
        if (const auto* sub = node.as_table()) {
            load_table(*sub, name, file, lines, into, diagnostics);
            continue;
        }
        const auto* text = node.as_string();
        if (text == nullptr) {
            diagnostics.error(detail::position(file, node),
                              fmt::format("text '{}': expected a string, found {}", name,
                                          detail::type_name(node)));
            continue;
        }
        const SourcePos where = text_start(lines, detail::position(file, node));
        auto message = Message::parse(text->get(), where, diagnostics);
        if (!message) {
            continue;
        }
        into.entries.insert_or_assign(name, TextEntry{std::move(*message), where});
    }
}

/// Collects the text keys a block refers to, with the position of the block.
struct KeyUse {
    std::string key;
    SourcePos where;
};

} // namespace

bool is_message_argument(std::string_view name, const Catalogue& catalogue) {
    const auto& fixed = fixed_arguments();
    if (std::find(fixed.begin(), fixed.end(), name) != fixed.end()) {
        return true;
    }
    // {table.<id>} and {figure.<id>}: the number of the table or figure block with that id.
    if ((name.rfind("table.", 0) == 0 && name.size() > 6) ||
        (name.rfind("figure.", 0) == 0 && name.size() > 7)) {
        return true;
    }
    return !indicator_of(name, catalogue).empty();
}

bool load_text_folder(const std::string& folder, TextSet& into, Diagnostics& diagnostics) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        return true;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        if (entry.path().extension() == ".toml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    const auto errors_before = diagnostics.error_count();
    for (const auto& file : files) {
        const auto table = detail::parse_toml_file(file.string(), diagnostics);
        if (!table) {
            continue;
        }
        load_table(*table, file.stem().string(), file.string(), read_lines(file.string()), into,
                   diagnostics);
    }
    return diagnostics.error_count() == errors_before;
}

std::vector<std::string> ReportTemplate::indicators() const {
    std::set<std::string> ids;
    for (const auto& block : blocks) {
        for (const auto& id : block.indicators) {
            ids.insert(id.substr(0, id.find(':')));
        }
        if (!block.indicator.empty()) {
            ids.insert(block.indicator);
        }
    }
    for (const auto& [language, texts] : languages) {
        for (const auto& [key, entry] : texts.entries) {
            for (const auto& [name, where] : entry.message.arguments()) {
                const auto dot = name.rfind('.');
                std::string id = name;
                if (dot != std::string::npos && name.compare(0, 8, "targets.") != 0) {
                    id = name.substr(0, dot);
                }
                // Only names shaped like catalogue ids ("OUT-01") are indicators.
                if (id.find('-') != std::string::npos && id.find('_') == std::string::npos &&
                    id != "targets") {
                    ids.insert(id);
                }
            }
        }
    }
    return {ids.begin(), ids.end()};
}

std::vector<std::string> ReportTemplate::groupings() const {
    std::vector<std::string> out;
    for (const auto& block : blocks) {
        if (!block.grouping.empty() &&
            std::find(out.begin(), out.end(), block.grouping) == out.end()) {
            out.push_back(block.grouping);
        }
    }
    return out;
}

namespace {

std::optional<bool> read_bool(TomlReader& reader, std::string_view key, Diagnostics& diagnostics) {
    const toml::node* node = reader.raw().get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (const auto* flag = node->as_boolean()) {
        return flag->get();
    }
    diagnostics.error(detail::position(reader.file(), *node),
                      fmt::format("'{}' in [[block]]: expected true or false, found {}", key,
                                  detail::type_name(*node)));
    return std::nullopt;
}

void check_indicator(const std::string& id, SourcePos where, const Catalogue& catalogue,
                     Diagnostics& diagnostics) {
    const auto colon = id.find(':');
    const std::string base = id.substr(0, colon);
    if (catalogue.find(base) == nullptr) {
        diagnostics.error(where, fmt::format("unknown indicator '{}' in [[block]]", base),
                          did_you_mean(base, catalogue.ids()));
        return;
    }
    if (colon != std::string::npos) {
        const std::string statistic = id.substr(colon + 1);
        static const std::vector<std::string> statistics{"median", "sum", "ratio", "bwm",
                                                         "trimmed-mean"};
        if (std::find(statistics.begin(), statistics.end(), statistic) == statistics.end()) {
            diagnostics.error(where,
                              fmt::format("unknown statistic '{}' in '{}': expected one of "
                                          "median, sum, ratio, bwm, trimmed-mean",
                                          statistic, id),
                              did_you_mean(statistic, statistics));
        }
    }
}

std::optional<TemplateBlock> parse_block(TomlReader& reader, const Catalogue& catalogue,
                                         std::vector<KeyUse>& keys, Diagnostics& diagnostics) {
    TemplateBlock block;
    block.where = reader.where();
    const auto type = reader.string("type", true);
    if (!type) {
        return std::nullopt;
    }
    static const std::vector<std::string> types{"contents", "heading", "paragraph", "key-figures",
                                                "table",    "figure",  "page-break"};
    std::vector<std::string> allowed{"type", "when"};
    if (*type == "contents") {
        block.type = BlockType::contents;
        allowed.insert(allowed.end(), {"text"});
    } else if (*type == "heading") {
        block.type = BlockType::heading;
        allowed.insert(allowed.end(), {"text", "level", "annex", "id"});
    } else if (*type == "paragraph") {
        block.type = BlockType::paragraph;
        allowed.insert(allowed.end(), {"text", "footnotes", "numbered"});
    } else if (*type == "key-figures") {
        block.type = BlockType::key_figures;
        allowed.insert(allowed.end(), {"indicators", "title", "targets", "note"});
    } else if (*type == "table") {
        block.type = BlockType::table;
        allowed.insert(allowed.end(),
                       {"table", "indicators", "grouping", "caption", "note", "footnotes", "sheet",
                        "id", "in_pdf", "in_xlsx", "years", "max_per_code", "compact"});
    } else if (*type == "figure") {
        block.type = BlockType::figure;
        allowed.insert(allowed.end(), {"figure", "indicator", "indicators", "grouping", "caption",
                                       "note", "footnotes", "sheet", "id"});
    } else if (*type == "page-break") {
        block.type = BlockType::page_break;
    } else {
        diagnostics.error(reader.where("type"),
                          fmt::format("'type' in [[block]]: expected one of contents, heading, "
                                      "paragraph, key-figures, table, figure, page-break; found "
                                      "'{}'",
                                      *type),
                          did_you_mean(*type, types));
        return std::nullopt;
    }
    reader.reject_unknown_keys(allowed);
    auto text_key = [&](std::string_view key, bool required) {
        auto value = reader.string(key, required).value_or("");
        if (!value.empty()) {
            keys.push_back({value, reader.where(key)});
        }
        return value;
    };
    block.when = reader.string("when", false).value_or("");
    if (!block.when.empty()) {
        const auto& conditions = block_conditions();
        if (std::find(conditions.begin(), conditions.end(), block.when) == conditions.end()) {
            diagnostics.error(
                reader.where("when"),
                fmt::format("'when' in [[block]]: unknown condition '{}'", block.when),
                did_you_mean(block.when, conditions));
        }
    }
    switch (block.type) {
    case BlockType::contents:
        block.text = text_key("text", false);
        if (block.text.empty()) {
            block.text = "labels.contents";
            keys.push_back({block.text, block.where});
        }
        break;
    case BlockType::heading:
        block.text = text_key("text", true);
        block.id = reader.string("id", false).value_or("");
        if (const auto level = reader.integer("level", false)) {
            if (*level != 1 && *level != 2) {
                diagnostics.error(
                    reader.where("level"),
                    fmt::format("'level' in [[block]]: expected 1 or 2, found {}", *level));
            } else {
                block.level = static_cast<int>(*level);
            }
        }
        block.annex = read_bool(reader, "annex", diagnostics).value_or(false);
        break;
    case BlockType::paragraph: {
        block.text = text_key("text", true);
        std::vector<SourcePos> positions;
        block.footnotes = reader.strings("footnotes", false, &positions);
        for (std::size_t i = 0; i < block.footnotes.size(); ++i) {
            keys.push_back({block.footnotes[i], positions[i]});
        }
        block.numbered = read_bool(reader, "numbered", diagnostics).value_or(true);
        break;
    }
    case BlockType::key_figures: {
        std::vector<SourcePos> positions;
        block.indicators = reader.strings("indicators", true, &positions);
        for (std::size_t i = 0; i < block.indicators.size(); ++i) {
            check_indicator(block.indicators[i], positions[i], catalogue, diagnostics);
        }
        block.title = text_key("title", false);
        block.note = text_key("note", false);
        block.targets = read_bool(reader, "targets", diagnostics).value_or(false);
        break;
    }
    case BlockType::table:
    case BlockType::figure: {
        const bool table = block.type == BlockType::table;
        if (table) {
            block.table = reader.string("table", true).value_or("");
            const auto& kinds = table_kinds();
            if (!block.table.empty() &&
                std::find(kinds.begin(), kinds.end(), block.table) == kinds.end()) {
                diagnostics.error(
                    reader.where("table"),
                    fmt::format("'table' in [[block]]: unknown table kind '{}'", block.table),
                    did_you_mean(block.table, kinds));
            }
            block.in_pdf = read_bool(reader, "in_pdf", diagnostics).value_or(true);
            block.in_xlsx = read_bool(reader, "in_xlsx", diagnostics).value_or(true);
            if (!block.in_pdf && !block.in_xlsx) {
                diagnostics.error(reader.where("in_xlsx"),
                                  "'in_xlsx' in [[block]]: this table has `in_pdf = false` too, "
                                  "so it would be in neither the PDF nor the workbook",
                                  "remove the block, or keep it in one of them");
            }
            // A key only some kinds of table have, on another: an error at the key.
            const auto only_for = [&](std::string_view key, std::string_view which) {
                diagnostics.error(reader.where(key),
                                  fmt::format("'{}' in [[block]]: only {}; this table is '{}'", key,
                                              which, block.table));
            };
            // A count out of [1, most]: an error at the key saying what it counts.
            const auto in_range = [&](std::string_view key, long long value, long long most,
                                      std::string_view what) {
                if (value >= 1 && value <= most) {
                    return true;
                }
                diagnostics.error(reader.where(key),
                                  fmt::format("'{}' in [[block]]: expected the number of {} "
                                              "(1-{}), found {}",
                                              key, what, most, value));
                return false;
            };
            if (const auto most = reader.integer("max_per_code", false)) {
                if (block.table != "issues") {
                    only_for("max_per_code", "an issues table lists findings by code");
                } else if (in_range("max_per_code", *most, 100000,
                                    "findings of each code to list")) {
                    block.max_per_code = static_cast<int>(*most);
                }
            }
            if (const auto compact = read_bool(reader, "compact", diagnostics)) {
                if (block.table != "by-scope-year") {
                    only_for("compact", "a by-scope-year table has a compact form");
                } else {
                    block.compact = *compact;
                }
            }
            if (const auto years = reader.integer("years", false)) {
                static const std::vector<std::string> by_year{"trend", "by-scope-year", "coverage"};
                if (std::find(by_year.begin(), by_year.end(), block.table) == by_year.end()) {
                    only_for("years",
                             "a trend, by-scope-year or coverage table has a column per year");
                } else if (in_range("years", *years, 100, "most recent years to show")) {
                    block.years = static_cast<int>(*years);
                }
            }
        } else {
            block.figure = reader.string("figure", true).value_or("");
            block.indicator = reader.string("indicator", false).value_or("");
            if (!block.indicator.empty()) {
                check_indicator(block.indicator, reader.where("indicator"), catalogue, diagnostics);
            }
        }
        std::vector<SourcePos> positions;
        block.indicators = reader.strings("indicators", false, &positions);
        for (std::size_t i = 0; i < block.indicators.size(); ++i) {
            check_indicator(block.indicators[i], positions[i], catalogue, diagnostics);
        }
        block.grouping = reader.string("grouping", false).value_or("");
        block.caption = text_key("caption", false);
        block.note = text_key("note", false);
        std::vector<SourcePos> note_positions;
        block.footnotes = reader.strings("footnotes", false, &note_positions);
        for (std::size_t i = 0; i < block.footnotes.size(); ++i) {
            keys.push_back({block.footnotes[i], note_positions[i]});
        }
        block.sheet = reader.string("sheet", false).value_or("");
        if (block.sheet.size() > 31) {
            diagnostics.error(reader.where("sheet"),
                              fmt::format("'sheet' in [[block]]: expected at most 31 "
                                          "characters, found {}",
                                          block.sheet.size()));
        }
        block.id = reader.string("id", false).value_or("");
        break;
    }
    case BlockType::page_break:
        break;
    }
    return block;
}

void check_languages(const std::map<std::string, TextSet>& languages, Diagnostics& diagnostics) {
    const auto en = languages.find("en");
    if (en == languages.end()) {
        return;
    }
    for (const auto& [language, texts] : languages) {
        if (language == "en") {
            continue;
        }
        for (const auto& [key, entry] : en->second.entries) {
            if (texts.find(key) == nullptr) {
                diagnostics.error(
                    entry.where, fmt::format("text '{}' has no translation in '{}'", key, language),
                    fmt::format("add it to text/{}/{}.toml", language,
                                key.substr(0, key.find('.'))));
            }
        }
        for (const auto& [key, entry] : texts.entries) {
            if (en->second.find(key) == nullptr) {
                diagnostics.error(
                    entry.where,
                    fmt::format("text '{}' of '{}' does not exist in 'en'", key, language),
                    did_you_mean(key, [&] {
                        std::vector<std::string> names;
                        for (const auto& [name, e] : en->second.entries) {
                            names.push_back(name);
                        }
                        return names;
                    }()));
            }
        }
    }
}

} // namespace

std::optional<ReportTemplate> load_template(const std::string& path, const Catalogue& catalogue,
                                            Diagnostics& diagnostics) {
    const auto errors_before = diagnostics.error_count();
    const auto document = detail::parse_toml_file(path, diagnostics);
    if (!document) {
        return std::nullopt;
    }
    ReportTemplate out;
    out.path = path;
    std::vector<KeyUse> keys;
    TomlReader root(*document, path, "the template", diagnostics);
    root.reject_unknown_keys({"document", "block"});
    if (const toml::table* info = root.table("document", true)) {
        TomlReader reader(*info, path, "[document]", diagnostics);
        reader.reject_unknown_keys({"title", "subtitle", "summary", "author", "subject", "cover"});
        auto key = [&](std::string_view name, bool required) {
            auto value = reader.string(name, required).value_or("");
            if (!value.empty()) {
                keys.push_back({value, reader.where(name)});
            }
            return value;
        };
        out.title = key("title", true);
        out.subtitle = key("subtitle", false);
        out.summary = key("summary", false);
        out.author = key("author", false);
        out.subject = key("subject", false);
        std::vector<SourcePos> positions;
        out.cover = reader.strings("cover", false, &positions);
        for (std::size_t i = 0; i < out.cover.size(); ++i) {
            keys.push_back({out.cover[i] + ".label", positions[i]});
            keys.push_back({out.cover[i] + ".value", positions[i]});
        }
    }
    if (const toml::array* blocks = root.array("block", true)) {
        for (const toml::node& element : *blocks) {
            const auto* table = element.as_table();
            if (table == nullptr) {
                diagnostics.error(detail::position(path, element),
                                  "'block': expected an array of tables ([[block]])");
                continue;
            }
            TomlReader reader(*table, path, "[[block]]", diagnostics);
            if (auto block = parse_block(reader, catalogue, keys, diagnostics)) {
                out.blocks.push_back(std::move(*block));
            }
        }
    }

    // Text files: common words first, then the template's own (which override them).
    const fs::path folder = fs::path(path).parent_path();
    const fs::path own = folder / "text";
    const fs::path common = folder.parent_path() / "common" / "text";
    std::set<std::string> language_names;
    std::error_code error;
    for (const fs::path& base : {common, own}) {
        if (!fs::is_directory(base, error)) {
            continue;
        }
        for (const auto& entry : fs::directory_iterator(base, error)) {
            if (entry.is_directory()) {
                language_names.insert(entry.path().filename().string());
            }
        }
    }
    if (language_names.empty()) {
        diagnostics.error(
            {path, 1, 1},
            fmt::format("the template has no text files: expected {}/<lang>/*.toml", own.string()));
    }
    for (const auto& language : language_names) {
        TextSet texts;
        texts.language = language;
        load_text_folder((common / language).string(), texts, diagnostics);
        load_text_folder((own / language).string(), texts, diagnostics);
        out.languages.emplace(language, std::move(texts));
    }
    check_languages(out.languages, diagnostics);

    // Every text key the template uses exists (in English; the others have the same keys).
    const auto en = out.languages.find("en");
    if (en != out.languages.end()) {
        std::vector<std::string> names;
        for (const auto& [name, entry] : en->second.entries) {
            names.push_back(name);
        }
        for (const auto& use : keys) {
            if (en->second.find(use.key) == nullptr) {
                diagnostics.error(use.where, fmt::format("unknown text key '{}'", use.key),
                                  did_you_mean(use.key, names));
            }
        }
    } else if (!language_names.empty()) {
        diagnostics.error({path, 1, 1}, "the template has no English texts (text/en/*.toml)");
    }
    // Every argument of every message is one the report provides.
    for (const auto& [language, texts] : out.languages) {
        for (const auto& [key, entry] : texts.entries) {
            for (const auto& [name, where] : entry.message.arguments()) {
                const bool table = name.rfind("table.", 0) == 0;
                if (table || name.rfind("figure.", 0) == 0) {
                    const std::string id = name.substr(name.find('.') + 1);
                    const bool found = std::any_of(
                        out.blocks.begin(), out.blocks.end(), [&](const TemplateBlock& block) {
                            return block.id == id &&
                                   block.type == (table ? BlockType::table : BlockType::figure);
                        });
                    if (!found) {
                        diagnostics.error(where,
                                          fmt::format("'{}' in text '{}': no {} block has id '{}'",
                                                      name, key, table ? "table" : "figure", id));
                    }
                    continue;
                }
                if (!is_message_argument(name, catalogue)) {
                    diagnostics.error(where,
                                      fmt::format("unknown argument '{}' in text '{}'", name, key),
                                      "docs/templates.md lists the arguments");
                }
            }
        }
    }
    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return out;
}

} // namespace sfp
