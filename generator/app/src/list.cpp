#include "sfp/list.hpp"

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/report_template.hpp"
#include "sfp/results_json.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace sfp {

namespace {

namespace fs = std::filesystem;

using Row = std::vector<std::string>;

/// Code points, so that accented names keep the columns aligned.
std::size_t display_width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

/// Columns separated by two spaces, each as wide as its widest cell; no trailing spaces.
std::string aligned_columns(const std::vector<Row>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) {
                line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
            }
        }
        out += line + '\n';
    }
    return out;
}

std::string json_array(const std::vector<std::string>& items) {
    std::vector<std::string> quoted;
    for (const auto& item : items) {
        quoted.push_back(json_string(item));
    }
    return fmt::format("[{}]", fmt::join(quoted, ", "));
}

std::string joined_or_dash(const std::vector<std::string>& items, std::string_view separator) {
    return items.empty() ? "-" : fmt::format("{}", fmt::join(items, separator));
}

// ---- templates ----------------------------------------------------------------------------

struct TemplateInfo {
    std::string name;
    std::string kind; ///< "report", "cgap-submission" or "configuration"
    std::string title;
    std::vector<std::string> languages;
    std::string config; ///< report.toml, or empty
};

std::optional<toml::table> read_toml(const fs::path& path) {
    try {
        return toml::parse_file(path.string());
    } catch (const toml::parse_error&) {
        return std::nullopt; // the title is a courtesy: `build` reports a broken file properly
    }
}

std::vector<std::string> text_languages(const fs::path& folder) {
    std::vector<std::string> languages;
    std::error_code error;
    for (fs::directory_iterator it(folder / "text", error), end; !error && it != end;
         it.increment(error)) {
        if (it->is_directory()) {
            languages.push_back(it->path().filename().string());
        }
    }
    std::sort(languages.begin(), languages.end());
    return languages;
}

/// The text of the [document] title key in `language`, with templates/common under the
/// template's own words, as load_template reads them; empty when anything is missing.
std::string template_title(const fs::path& folder, const std::string& language) {
    const auto document = read_toml(folder / "document.toml");
    if (!document) {
        return {};
    }
    const auto key = (*document)["document"]["title"].value<std::string>();
    if (!key) {
        return {};
    }
    Diagnostics ignored;
    TextSet texts;
    texts.language = language;
    load_text_folder((folder.parent_path() / "common" / "text" / language).string(), texts,
                     ignored);
    load_text_folder((folder / "text" / language).string(), texts, ignored);
    const TextEntry* entry = texts.find(*key);
    if (entry == nullptr) {
        return {};
    }
    const auto no_arguments = [](std::string_view) { return std::optional<MessageArg>{}; };
    return entry->message.format(no_arguments, language, ignored);
}

TemplateInfo describe_template(const fs::path& folder) {
    TemplateInfo info;
    info.name = folder.filename().string();
    info.languages = text_languages(folder);
    const bool has_document = fs::is_regular_file(folder / "document.toml");
    const fs::path config = folder / "report.toml";
    if (fs::is_regular_file(config)) {
        info.config = config.string();
    }
    if (has_document) {
        info.kind = "report";
        const bool has_english =
            std::find(info.languages.begin(), info.languages.end(), "en") != info.languages.end();
        if (!info.languages.empty()) {
            info.title = template_title(folder, has_english ? "en" : info.languages.front());
        }
        return info;
    }
    info.kind = "configuration";
    if (const auto table = read_toml(config)) {
        if (const auto year = (*table)["submission"]["year"].value<std::int64_t>()) {
            info.kind = "cgap-submission";
            info.title = fmt::format("CGAP funder survey submission {}", *year);
        } else if (const auto title = (*table)["report"]["title"].value<std::string>()) {
            info.title = *title;
        }
    }
    return info;
}

std::string templates_json(const std::string& dir, const std::vector<TemplateInfo>& templates) {
    std::vector<std::string> items;
    for (const auto& info : templates) {
        items.push_back(fmt::format(
            "    {{\"name\": {}, \"kind\": {}, \"title\": {}, \"languages\": {}, \"config\": {}}}",
            json_string(info.name), json_string(info.kind), json_string(info.title),
            json_array(info.languages), json_string(info.config)));
    }
    return fmt::format("{{\n  \"templates_dir\": {},\n  \"templates\": [\n{}\n  ]\n}}\n",
                       json_string(dir), fmt::join(items, ",\n"));
}

std::string templates_text(const std::vector<TemplateInfo>& templates) {
    std::vector<Row> rows{{"TEMPLATE", "KIND", "LANGUAGES", "TITLE"}};
    for (const auto& info : templates) {
        rows.push_back({info.name, info.kind, joined_or_dash(info.languages, ","),
                        info.title.empty() ? "-" : info.title});
    }
    return aligned_columns(rows);
}

// ---- indicators and sources ---------------------------------------------------------------

std::vector<std::string> statistic_names(const IndicatorDef& indicator) {
    std::vector<std::string> names;
    for (const auto statistic : indicator.statistics) {
        names.emplace_back(statistic_name(statistic));
    }
    return names;
}

/// The standard only: its edition is in the JSON ("version"), too long for a column.
std::string standard_of(const IndicatorDef& indicator) {
    return indicator.source.empty() ? "-" : indicator.source;
}

std::string indicators_json(const ReportSpec& spec, const Catalogue& catalogue) {
    std::vector<std::string> items;
    for (const auto& indicator : catalogue.indicators) {
        items.push_back(fmt::format(
            "    {{\"id\": {}, \"name\": {}, \"unit\": {}, \"statistics\": {}, \"standard\": {}, "
            "\"version\": {}, \"file\": {}}}",
            json_string(indicator.id), json_string(indicator.names.en),
            json_string(unit_name(indicator.unit)), json_array(statistic_names(indicator)),
            json_string(indicator.source), json_string(indicator.version),
            json_string(indicator.where.file)));
    }
    return fmt::format("{{\n  \"config\": {},\n  \"catalogue\": {},\n  \"indicators\": [\n{}\n  "
                       "]\n}}\n",
                       json_string(spec.config_path), json_string(spec.catalogue_path),
                       fmt::join(items, ",\n"));
}

std::string indicators_text(const Catalogue& catalogue) {
    std::vector<Row> rows{{"ID", "NAME", "UNIT", "STATISTICS", "STANDARD"}};
    for (const auto& indicator : catalogue.indicators) {
        rows.push_back({indicator.id, indicator.names.en, std::string(unit_name(indicator.unit)),
                        joined_or_dash(statistic_names(indicator), ","), standard_of(indicator)});
    }
    return aligned_columns(rows);
}

struct SourceFile {
    bool exists = false;
    std::uintmax_t size = 0;
};

SourceFile inspect(const std::string& path) {
    std::error_code error;
    SourceFile file;
    file.exists = fs::is_regular_file(path, error);
    if (file.exists) {
        file.size = fs::file_size(path, error);
        if (error) {
            file.size = 0;
        }
    }
    return file;
}

std::string sources_json(const ReportSpec& spec) {
    std::vector<std::string> items;
    for (const auto& source : spec.sources) {
        const auto file = inspect(source.path);
        items.push_back(fmt::format("    {{\"name\": {}, \"format\": {}, \"path\": {}, "
                                    "\"exists\": {}, \"size\": {}}}",
                                    json_string(source.name), json_string(source.format),
                                    json_string(source.path), file.exists,
                                    file.exists ? fmt::format("{}", file.size) : "null"));
    }
    return fmt::format("{{\n  \"config\": {},\n  \"sources\": [\n{}\n  ]\n}}\n",
                       json_string(spec.config_path), fmt::join(items, ",\n"));
}

std::string sources_text(const ReportSpec& spec) {
    std::vector<Row> rows{{"SOURCE", "FORMAT", "EXISTS", "SIZE", "PATH"}};
    for (const auto& source : spec.sources) {
        const auto file = inspect(source.path);
        rows.push_back({source.name, source.format, file.exists ? "yes" : "no",
                        file.exists ? fmt::format("{}", file.size) : "-", source.path});
    }
    return aligned_columns(rows);
}

} // namespace

ListResult list_templates(const std::string& templates_dir, bool json, Diagnostics& diagnostics) {
    ListResult result;
    std::error_code error;
    if (!fs::is_directory(templates_dir, error)) {
        diagnostics.error({templates_dir, 0, 0}, "expected a folder of templates, found none",
                          "run sfpgen from the repository root, or give --templates DIR");
        result.code = ExitCode::config;
        return result;
    }
    std::vector<fs::path> folders;
    for (fs::directory_iterator it(templates_dir, error), end; !error && it != end;
         it.increment(error)) {
        if (it->is_directory() && (fs::is_regular_file(it->path() / "document.toml") ||
                                   fs::is_regular_file(it->path() / "report.toml"))) {
            folders.push_back(it->path());
        }
    }
    std::sort(folders.begin(), folders.end());
    std::vector<TemplateInfo> templates;
    for (const auto& folder : folders) {
        templates.push_back(describe_template(folder));
    }
    result.output = json ? templates_json(templates_dir, templates) : templates_text(templates);
    return result;
}

ListResult list_indicators(const std::string& config_path, bool json, Diagnostics& diagnostics) {
    ListResult result;
    result.code = ExitCode::config;
    const auto spec = parse_config(config_path, diagnostics);
    if (!spec) {
        return result;
    }
    if (spec->catalogue_path.empty()) {
        diagnostics.error({spec->config_path, 1, 1},
                          "expected an [indicators] catalogue, found none: the configuration "
                          "has no indicators to list");
        return result;
    }
    auto catalogue = load_catalogue(spec->catalogue_path, diagnostics);
    if (!catalogue || !extend_catalogue(*catalogue, spec->config_path, diagnostics)) {
        return result;
    }
    result.code = ExitCode::ok;
    result.output = json ? indicators_json(*spec, *catalogue) : indicators_text(*catalogue);
    return result;
}

ListResult list_sources(const std::string& config_path, bool json, Diagnostics& diagnostics) {
    ListResult result;
    const auto spec = parse_config(config_path, diagnostics);
    if (!spec) {
        result.code = ExitCode::config;
        return result;
    }
    result.output = json ? sources_json(*spec) : sources_text(*spec);
    return result;
}

} // namespace sfp
