// The CGAP submission: configuration, layout (the contract), projects and the sheets' rows.

#include "sfp/cgap.hpp"

#include "charts/scale.hpp"
#include "sfp/config.hpp"
#include "toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <tuple>

namespace sfp::cgap {

namespace {

using detail::position;
using detail::TomlReader;

std::optional<ColumnType> parse_type(const std::string& name) {
    static const std::map<std::string, ColumnType> types{
        {"text", ColumnType::text}, {"number", ColumnType::number}, {"usd", ColumnType::usd},
        {"date", ColumnType::date}, {"code", ColumnType::code},     {"count", ColumnType::count},
    };
    const auto found = types.find(name);
    return found == types.end() ? std::nullopt : std::optional(found->second);
}

const std::vector<std::string> type_names{"text", "number", "usd", "date", "code", "count"};

} // namespace

std::optional<SubmissionConfig> load_config(const std::string& path, Diagnostics& diagnostics) {
    const auto errors = diagnostics.error_count();
    const auto root = detail::parse_toml_file(path, diagnostics);
    if (!root) {
        return std::nullopt;
    }
    TomlReader top(*root, path, "the file", diagnostics);
    top.reject_unknown_keys({"submission"});
    const toml::table* table = top.table("submission", true);
    if (table == nullptr) {
        return std::nullopt;
    }
    TomlReader reader(*table, path, "[submission]", diagnostics);
    reader.reject_unknown_keys({"funder", "year", "date", "layout", "projects", "partners"});
    SubmissionConfig config;
    config.path = path;
    config.funder = reader.string("funder", true).value_or("");
    const auto year = reader.integer("year", true);
    if (year && (*year < 1990 || *year > 2100)) {
        diagnostics.error(reader.where("year"),
                          fmt::format("'year' in [submission]: expected a year between 1990 and "
                                      "2100, found {}",
                                      *year));
    }
    config.year = static_cast<int>(year.value_or(0));
    config.date = reader.string("date", true).value_or("");
    if (!config.date.empty() && !parse_date(config.date, DateFormat::iso)) {
        diagnostics.error(reader.where("date"),
                          fmt::format("'date' in [submission]: expected a date YYYY-MM-DD, found "
                                      "'{}'",
                                      config.date));
    }
    config.layout_path = resolve_path(path, reader.string("layout", true).value_or(""));
    config.projects_path = resolve_path(path, reader.string("projects", true).value_or(""));
    config.partners_config = resolve_path(path, reader.string("partners", true).value_or(""));
    if (diagnostics.error_count() > errors) {
        return std::nullopt;
    }
    return config;
}

// ---- layout -------------------------------------------------------------------------------

bool CodeList::contains(const std::string& code) const {
    return std::any_of(codes.begin(), codes.end(), [&](const Code& c) { return c.code == code; });
}

const CodeList* Layout::code_list(const std::string& name) const {
    const auto found = std::find_if(code_lists.begin(), code_lists.end(),
                                    [&](const CodeList& list) { return list.name == name; });
    return found == code_lists.end() ? nullptr : &*found;
}

const Sheet* Layout::sheet(const std::string& key) const {
    const auto found =
        std::find_if(sheets.begin(), sheets.end(), [&](const Sheet& s) { return s.key == key; });
    return found == sheets.end() ? nullptr : &*found;
}

const std::vector<std::string>& sheet_keys() {
    static const std::vector<std::string> keys{"cover",
                                               "funder_survey",
                                               "smartaid_projects",
                                               "smartaid_indicators",
                                               "portfolio_reviews",
                                               "partner_performance"};
    return keys;
}

const std::vector<std::string>& column_keys(const std::string& sheet_key) {
    static const std::map<std::string, std::vector<std::string>> keys{
        {"cover", {}},
        {"funder_survey",
         {"instrument", "purpose", "region", "country_iso3", "projects", "active_projects",
          "committed_usd", "disbursed_usd", "disbursed_not_reported"}},
        {"smartaid_projects",
         {"project_id", "title", "country_iso3", "region", "instrument", "purpose", "status",
          "start_date", "end_date", "committed_usd", "disbursed_usd", "indicators_tracked",
          "reviews_in_year", "last_review", "partners"}},
        {"smartaid_indicators", {"project_id", "indicator_id", "indicator_name", "standard"}},
        {"portfolio_reviews", {"project_id", "review_date"}},
        {"partner_performance",
         {"institution_id", "institution_name", "country_iso3", "region", "fiscal_year"}},
    };
    static const std::vector<std::string> none;
    const auto found = keys.find(sheet_key);
    return found == keys.end() ? none : found->second;
}

namespace {

/// Calls `each` for every table of the array `key` (an array of tables or of inline tables).
template <typename Each>
void for_each_table(TomlReader& reader, std::string_view key, bool required,
                    Diagnostics& diagnostics, Each each) {
    const toml::array* array = reader.array(key, required);
    if (array == nullptr) {
        return;
    }
    for (const toml::node& element : *array) {
        if (const auto* table = element.as_table()) {
            each(*table);
        } else {
            diagnostics.error(
                position(reader.file(), element),
                fmt::format("'{}': expected a table, found {}", key, detail::type_name(element)));
        }
    }
}

/// Excel keeps a validation list as one quoted formula of at most 255 characters.
void check_list_length(const CodeList& list, Diagnostics& diagnostics) {
    std::size_t length = list.codes.empty() ? 0 : list.codes.size() - 1;
    for (const auto& code : list.codes) {
        length += code.code.size();
    }
    constexpr std::size_t excel_limit = 255;
    if (length > excel_limit) {
        diagnostics.error(list.where,
                          fmt::format("code list '{}' is {} characters long joined by commas: "
                                      "expected at most {} (an Excel validation list)",
                                      list.name, length, excel_limit));
    }
}

CodeList read_code_list(const toml::table& table, const std::string& file,
                        Diagnostics& diagnostics) {
    TomlReader reader(table, file, "[[code_list]]", diagnostics);
    reader.reject_unknown_keys({"name", "codes"});
    CodeList list;
    list.where = reader.where();
    list.name = reader.string("name", true).value_or("");
    for_each_table(reader, "codes", true, diagnostics, [&](const toml::table& entry) {
        TomlReader code(entry, file, fmt::format("code list '{}'", list.name), diagnostics);
        code.reject_unknown_keys({"code", "label"});
        Code item{code.string("code", true).value_or(""), code.string("label", true).value_or("")};
        if (!item.code.empty() && list.contains(item.code)) {
            diagnostics.error(code.where("code"), fmt::format("code '{}' appears twice in code "
                                                              "list '{}'",
                                                              item.code, list.name));
        }
        if (item.code.find_first_of(",\"") != std::string::npos) {
            diagnostics.error(code.where("code"),
                              fmt::format("code '{}': a code cannot hold ',' or '\"' (Excel "
                                          "validation lists are comma-separated)",
                                          item.code));
        }
        list.codes.push_back(std::move(item));
    });
    check_list_length(list, diagnostics);
    return list;
}

/// Checks that a column's code list, format and key fit its type and sheet.
void check_column(const Column& column, const Sheet& sheet, const Layout& layout,
                  TomlReader& reader, Diagnostics& diagnostics) {
    const auto& known = column_keys(sheet.key);
    const bool indicator_ok = sheet.key == "partner_performance" && !column.indicator.empty();
    if (!column.key.empty() && !indicator_ok &&
        std::find(known.begin(), known.end(), column.key) == known.end()) {
        diagnostics.error(
            reader.where("key"),
            fmt::format("unknown column key '{}' in sheet '{}'", column.key, sheet.key),
            did_you_mean(column.key, known));
    }
    if (!column.indicator.empty() && sheet.key != "partner_performance") {
        diagnostics.error(column.indicator_pos,
                          "'indicator' is only allowed in the partner_performance sheet");
    }
    if (column.type == ColumnType::code) {
        std::vector<std::string> names;
        for (const auto& list : layout.code_lists) {
            names.push_back(list.name);
        }
        if (column.codes.empty()) {
            diagnostics.error(reader.where(), fmt::format("column '{}' has type code but no "
                                                          "'codes' (a code list name)",
                                                          column.key));
        } else if (layout.code_list(column.codes) == nullptr) {
            diagnostics.error(reader.where("codes"),
                              fmt::format("unknown code list '{}'", column.codes),
                              did_you_mean(column.codes, names));
        }
    } else if (!column.codes.empty()) {
        diagnostics.error(reader.where("codes"),
                          fmt::format("column '{}': 'codes' needs type = \"code\"", column.key));
    }
}

Column read_column(const toml::table& table, const Sheet& sheet, const Layout& layout,
                   const std::string& file, Diagnostics& diagnostics) {
    TomlReader reader(table, file, fmt::format("a column of sheet '{}'", sheet.key), diagnostics);
    reader.reject_unknown_keys({"key", "header", "type", "format", "codes", "indicator"});
    Column column;
    column.where = reader.where();
    column.key = reader.string("key", true).value_or("");
    column.header = reader.string("header", true).value_or("");
    const auto type = reader.string("type", true);
    if (type) {
        if (const auto parsed = parse_type(*type)) {
            column.type = *parsed;
        } else {
            diagnostics.error(reader.where("type"),
                              fmt::format("unknown column type '{}': expected one of {}", *type,
                                          fmt::join(type_names, ", ")),
                              did_you_mean(*type, type_names));
        }
    }
    column.format = reader.string("format", false).value_or("");
    column.codes = reader.string("codes", false).value_or("");
    column.indicator = reader.string("indicator", false).value_or("");
    column.indicator_pos = reader.where("indicator");
    check_column(column, sheet, layout, reader, diagnostics);
    return column;
}

bool valid_sheet_name(const std::string& name) {
    return !name.empty() && name.size() <= 31 &&
           name.find_first_of("[]:*?/\\") == std::string::npos;
}

Sheet read_sheet(const toml::table& table, const Layout& layout, const std::string& file,
                 Diagnostics& diagnostics) {
    TomlReader reader(table, file, "[[sheet]]", diagnostics);
    reader.reject_unknown_keys({"key", "name", "description", "total_row", "columns"});
    Sheet sheet;
    sheet.where = reader.where();
    sheet.key = reader.string("key", true).value_or("");
    if (!sheet.key.empty() &&
        std::find(sheet_keys().begin(), sheet_keys().end(), sheet.key) == sheet_keys().end()) {
        diagnostics.error(reader.where("key"), fmt::format("unknown sheet key '{}'", sheet.key),
                          did_you_mean(sheet.key, sheet_keys()));
    }
    sheet.name = reader.string("name", true).value_or("");
    if (table.contains("name") && !valid_sheet_name(sheet.name)) {
        diagnostics.error(reader.where("name"),
                          fmt::format("sheet name '{}': expected 1 to 31 characters without "
                                      "[ ] : * ? / \\",
                                      sheet.name));
    }
    sheet.description = reader.string("description", false).value_or("");
    sheet.total_row = reader.string("total_row", false).value_or("");
    for_each_table(
        reader, "columns", sheet.key != "cover", diagnostics, [&](const toml::table& entry) {
            Column column = read_column(entry, sheet, layout, file, diagnostics);
            const bool duplicate =
                std::any_of(sheet.columns.begin(), sheet.columns.end(),
                            [&](const Column& other) { return other.key == column.key; });
            if (duplicate) {
                diagnostics.error(
                    column.where,
                    fmt::format("column '{}' appears twice in sheet '{}'", column.key, sheet.key));
            }
            sheet.columns.push_back(std::move(column));
        });
    return sheet;
}

/// Every sheet the program fills must be present once, in the order of sheet_keys().
void check_sheet_order(const Layout& layout, Diagnostics& diagnostics) {
    std::size_t expected = 0;
    for (const auto& sheet : layout.sheets) {
        const auto found = std::find(sheet_keys().begin(), sheet_keys().end(), sheet.key);
        if (found == sheet_keys().end()) {
            continue; // reported as unknown
        }
        const auto index = static_cast<std::size_t>(found - sheet_keys().begin());
        if (index != expected) {
            diagnostics.error(
                sheet.where,
                fmt::format("sheet '{}' is out of order: expected '{}' here (the "
                            "sheets are {})",
                            sheet.key,
                            expected < sheet_keys().size() ? sheet_keys()[expected] : "nothing",
                            fmt::join(sheet_keys(), ", ")));
            return;
        }
        ++expected;
    }
    if (expected < sheet_keys().size()) {
        diagnostics.error({layout.path, 1, 1},
                          fmt::format("the layout has no sheet '{}' (every sheet is required: {})",
                                      sheet_keys()[expected], fmt::join(sheet_keys(), ", ")));
    }
}

} // namespace

std::optional<Layout> load_layout(const std::string& path, Diagnostics& diagnostics) {
    const auto errors = diagnostics.error_count();
    const auto root = detail::parse_toml_file(path, diagnostics);
    if (!root) {
        return std::nullopt;
    }
    TomlReader reader(*root, path, "the layout", diagnostics);
    reader.reject_unknown_keys({"version", "code_list", "sheet"});
    Layout layout;
    layout.path = path;
    layout.version = reader.string("version", true).value_or("");
    for_each_table(reader, "code_list", true, diagnostics, [&](const toml::table& table) {
        layout.code_lists.push_back(read_code_list(table, path, diagnostics));
    });
    for_each_table(reader, "sheet", true, diagnostics, [&](const toml::table& table) {
        layout.sheets.push_back(read_sheet(table, layout, path, diagnostics));
    });
    if (diagnostics.error_count() == errors) {
        check_sheet_order(layout, diagnostics);
    }
    if (diagnostics.error_count() > errors) {
        return std::nullopt;
    }
    return layout;
}

// ---- projects -----------------------------------------------------------------------------

namespace {

const std::vector<std::string> project_columns{
    "project_id", "title",    "country_iso3",           "region",
    "instrument", "purpose",  "committed_usd",          "disbursed_usd",
    "start_date", "end_date", "microfinance_component", "indicators",
    "reviews",    "partners"};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= text.size()) {
        const auto to = std::min(text.find(';', from), text.size());
        const auto item = trim_blanks(std::string_view(text).substr(from, to - from));
        if (!item.empty()) {
            out.emplace_back(item);
        }
        from = to + 1;
    }
    return out;
}

/// One CSV row being read: fields by column name, each problem at row and column.
class ProjectRow {
public:
    ProjectRow(const CsvRecord& record, const std::map<std::string, std::size_t>& columns,
               const std::string& file, Diagnostics& diagnostics)
        : record_(record), columns_(columns), file_(file), diagnostics_(diagnostics) {}

    [[nodiscard]] std::string field(const std::string& name) const {
        const auto index = columns_.at(name);
        return index < record_.fields.size() ? std::string(trim_blanks(record_.fields[index]))
                                             : std::string();
    }
    [[nodiscard]] SourcePos where(const std::string& name) const {
        return {file_, record_.row, static_cast<long>(columns_.at(name)) + 1};
    }
    void error(const std::string& name, const std::string& expected, std::string hint = {}) {
        diagnostics_.error(
            where(name),
            fmt::format("column '{}': expected {}, found '{}'", name, expected, field(name)),
            std::move(hint));
    }
    std::string required_text(const std::string& name) {
        auto text = field(name);
        if (text.empty()) {
            error(name, "a value");
        }
        return text;
    }
    std::string code(const std::string& name, const CodeList* list) {
        auto text = required_text(name);
        if (!text.empty() && list != nullptr && !list->contains(text)) {
            std::vector<std::string> codes;
            for (const auto& item : list->codes) {
                codes.push_back(item.code);
            }
            error(name, fmt::format("a code of list '{}' ({})", list->name, fmt::join(codes, ", ")),
                  did_you_mean(text, codes));
        }
        return text;
    }
    std::optional<double> amount(const std::string& name, bool required) {
        const auto text = field(name);
        if (text.empty()) {
            if (required) {
                error(name, "an amount in USD");
            }
            return std::nullopt;
        }
        const auto value = parse_number(text);
        if (!value || *value < 0) {
            error(name, "a non-negative amount in USD (empty when not reported)");
            return std::nullopt;
        }
        return value;
    }
    std::optional<Date> date(const std::string& name, bool required) {
        const auto text = field(name);
        if (text.empty()) {
            if (required) {
                error(name, "a date YYYY-MM-DD");
            }
            return std::nullopt;
        }
        const auto value = parse_date(text, DateFormat::iso);
        if (!value) {
            error(name, "a date YYYY-MM-DD");
        }
        return value;
    }
    std::vector<Date> dates(const std::string& name) {
        std::vector<Date> out;
        for (const auto& item : split_list(field(name))) {
            if (const auto value = parse_date(item, DateFormat::iso)) {
                out.push_back(*value);
            } else {
                diagnostics_.error(where(name),
                                   fmt::format("column '{}': expected dates YYYY-MM-DD separated "
                                               "by ';', found '{}'",
                                               name, item));
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    std::vector<std::string> ids(const std::string& name, const std::vector<std::string>& known,
                                 const std::string& what) {
        auto out = split_list(field(name));
        for (const auto& id : out) {
            if (!known.empty() && std::find(known.begin(), known.end(), id) == known.end()) {
                diagnostics_.error(
                    where(name),
                    fmt::format("column '{}': expected {}, found '{}'", name, what, id),
                    did_you_mean(id, known));
            }
        }
        return out;
    }

private:
    const CsvRecord& record_;
    const std::map<std::string, std::size_t>& columns_;
    const std::string& file_;
    Diagnostics& diagnostics_;
};

bool bind_header(const CsvRecord& header, const std::string& path,
                 std::map<std::string, std::size_t>& columns, Diagnostics& diagnostics) {
    const auto errors = diagnostics.error_count();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name(trim_blanks(header.fields[i]));
        if (std::find(project_columns.begin(), project_columns.end(), name) ==
            project_columns.end()) {
            diagnostics.error({path, 1, static_cast<long>(i) + 1},
                              fmt::format("unknown column '{}' in the projects file", name),
                              did_you_mean(name, project_columns));
        }
        columns[name] = i;
    }
    for (const auto& name : project_columns) {
        if (columns.find(name) == columns.end()) {
            diagnostics.error({path, 1, 0},
                              fmt::format("missing column '{}' in the projects file", name));
        }
    }
    return diagnostics.error_count() == errors;
}

Project read_project(ProjectRow& row, const ProjectChecks& checks,
                     const std::vector<std::string>& indicator_ids,
                     const std::vector<std::string>& partner_ids) {
    const Layout& layout = *checks.layout;
    Project project;
    project.id = row.required_text("project_id");
    project.title = row.required_text("title");
    project.country_iso3 = row.required_text("country_iso3");
    const auto& iso = project.country_iso3;
    if (!iso.empty() && (iso.size() != 3 || !std::all_of(iso.begin(), iso.end(), [](char c) {
                             return c >= 'A' && c <= 'Z';
                         }))) {
        row.error("country_iso3", "an ISO 3166 alpha-3 code (3 capital letters)");
    }
    project.region = row.code("region", layout.code_list("region"));
    project.instrument = row.code("instrument", layout.code_list("instrument"));
    project.purpose = row.code("purpose", layout.code_list("purpose"));
    project.committed_usd = row.amount("committed_usd", true);
    project.disbursed_usd = row.amount("disbursed_usd", false);
    project.start = row.date("start_date", true).value_or(Date{});
    project.end = row.date("end_date", false);
    if (project.end && *project.end < project.start) {
        row.error("end_date",
                  fmt::format("a date on or after the start date {}", project.start.iso()));
    }
    const auto flag = row.field("microfinance_component");
    if (flag != "yes" && flag != "no") {
        row.error("microfinance_component", "yes or no");
    }
    project.microfinance = flag == "yes";
    project.indicators = row.ids("indicators", indicator_ids, "an indicator id of the catalogue");
    project.reviews = row.dates("reviews");
    project.partners = row.ids("partners", partner_ids, "a partner institution id of the data");
    return project;
}

} // namespace

std::optional<std::vector<Project>>
load_projects(const std::string& path, const ProjectChecks& checks, Diagnostics& diagnostics) {
    const auto errors = diagnostics.error_count();
    auto reader = CsvReader::open(path, CsvOptions{}, diagnostics);
    if (!reader) {
        return std::nullopt;
    }
    CsvRecord record;
    std::map<std::string, std::size_t> columns;
    if (!reader->next(record, diagnostics)) {
        diagnostics.error({path, 1, 0}, "the projects file is empty: expected a header row");
        return std::nullopt;
    }
    if (!bind_header(record, path, columns, diagnostics)) {
        return std::nullopt;
    }
    const std::vector<std::string> indicator_ids =
        checks.catalogue != nullptr ? checks.catalogue->ids() : std::vector<std::string>{};
    const std::vector<std::string> partner_ids(checks.partner_ids.begin(),
                                               checks.partner_ids.end());
    std::vector<Project> projects;
    std::map<std::string, long> seen;
    while (reader->next(record, diagnostics)) {
        ProjectRow row(record, columns, path, diagnostics);
        Project project = read_project(row, checks, indicator_ids, partner_ids);
        project.origin = {path, record.row, 0};
        if (const auto [it, inserted] = seen.emplace(project.id, record.row); !inserted) {
            row.error("project_id",
                      fmt::format("a unique id ('{}' is also on row {})", project.id, it->second));
        }
        projects.push_back(std::move(project));
    }
    if (diagnostics.error_count() > errors) {
        return std::nullopt;
    }
    return projects;
}

std::string status_of(const Project& project, int year) {
    const Date first{year, 1, 1};
    const Date last{year, 12, 31};
    if (last < project.start) {
        return "pipeline";
    }
    if (project.end && *project.end < first) {
        return "closed";
    }
    if (project.end && *project.end < last) {
        return "closed-in-year";
    }
    return "active";
}

bool in_survey(const Project& project, int year) {
    const auto status = status_of(project, year);
    return status == "active" || status == "closed-in-year";
}

// ---- sheets -------------------------------------------------------------------------------

Value Value::of(const std::optional<double>& number) {
    return number && std::isfinite(*number) ? of(*number) : Value{};
}

Value Value::of(const Date& date) {
    constexpr long excel_epoch_offset = 25569; // 1970-01-01 is Excel serial day 25569
    return of(static_cast<double>(date.days() + excel_epoch_offset));
}

namespace {

std::size_t code_index(const Layout& layout, const std::string& list, const std::string& code) {
    const CodeList* codes = layout.code_list(list);
    if (codes == nullptr) {
        return 0;
    }
    const auto found = std::find_if(codes->codes.begin(), codes->codes.end(),
                                    [&](const Code& c) { return c.code == code; });
    return static_cast<std::size_t>(found - codes->codes.begin());
}

Row survey_row(const SurveyRow& cell) {
    return {
        {"instrument", Value::of(cell.instrument)},
        {"purpose", Value::of(cell.purpose)},
        {"region", Value::of(cell.region)},
        {"country_iso3", Value::of(cell.country_iso3)},
        {"projects", Value::of(static_cast<double>(cell.projects))},
        {"active_projects", Value::of(static_cast<double>(cell.active_projects))},
        {"committed_usd", Value::of(cell.committed_usd)},
        {"disbursed_usd", Value::of(cell.disbursed_usd)},
        {"disbursed_not_reported", Value::of(static_cast<double>(cell.disbursed_not_reported))}};
}

Row project_row(const Project& project, int year) {
    const Date first{year, 1, 1};
    const Date last{year, 12, 31};
    long in_year = 0;
    std::optional<Date> latest;
    for (const auto& review : project.reviews) {
        if (review <= last) {
            latest = review;
            in_year += first <= review ? 1 : 0;
        }
    }
    std::string partners;
    for (const auto& id : project.partners) {
        partners += (partners.empty() ? "" : "; ") + id;
    }
    return {{"project_id", Value::of(project.id)},
            {"title", Value::of(project.title)},
            {"country_iso3", Value::of(project.country_iso3)},
            {"region", Value::of(project.region)},
            {"instrument", Value::of(project.instrument)},
            {"purpose", Value::of(project.purpose)},
            {"status", Value::of(status_of(project, year))},
            {"start_date", Value::of(project.start)},
            {"end_date", project.end ? Value::of(*project.end) : Value::of(std::string("open"))},
            {"committed_usd", Value::of(project.committed_usd)},
            {"disbursed_usd", Value::of(project.disbursed_usd)},
            {"indicators_tracked", Value::of(static_cast<double>(project.indicators.size()))},
            {"reviews_in_year", Value::of(static_cast<double>(in_year))},
            {"last_review", latest ? Value::of(*latest) : Value{}},
            {"partners", Value::of(partners)}};
}

std::vector<const Project*> flagged_projects(const std::vector<Project>& projects, int year) {
    std::vector<const Project*> out;
    for (const auto& project : projects) {
        if (project.microfinance && in_survey(project, year)) {
            out.push_back(&project);
        }
    }
    return out;
}

/// The latest record of `id` with a fiscal year up to `year`; nullopt when there is none.
std::optional<std::size_t> latest_record(const Dataset& data, const std::string& id, int year) {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data.institution_id[i] == id && data.fiscal_year[i] <= year &&
            (!best || data.fiscal_year[i] > data.fiscal_year[*best])) {
            best = i;
        }
    }
    return best;
}

Row partner_row(const std::string& id, const Layout& layout, const PartnerInput& partners,
                int year) {
    Row row{{"institution_id", Value::of(id)}};
    const auto record =
        partners.data != nullptr ? latest_record(*partners.data, id, year) : std::nullopt;
    if (!record) {
        return row;
    }
    const Dataset& data = *partners.data;
    row["institution_name"] = Value::of(data.institution_name[*record]);
    row["country_iso3"] = Value::of(data.country_iso3[*record]);
    row["region"] = Value::of(data.region[*record]);
    row["fiscal_year"] = Value::of(static_cast<double>(data.fiscal_year[*record]));
    for (const auto& column : layout.sheet("partner_performance")->columns) {
        if (column.indicator.empty() || partners.values == nullptr) {
            continue;
        }
        const auto found = partners.values->find(column.indicator);
        if (found != partners.values->end() && *record < found->second.value.size()) {
            const double value = found->second.value[*record];
            row[column.key] = std::isfinite(value) ? Value::of(value) : Value{};
        }
    }
    return row;
}

} // namespace

std::vector<SurveyRow> funder_survey(const std::vector<Project>& projects, int year,
                                     const Layout& layout) {
    using Key = std::tuple<std::size_t, std::size_t, std::size_t, std::string>;
    std::map<Key, SurveyRow> cells;
    for (const auto& project : projects) {
        if (!in_survey(project, year)) {
            continue;
        }
        const Key key{code_index(layout, "instrument", project.instrument),
                      code_index(layout, "purpose", project.purpose),
                      code_index(layout, "region", project.region), project.country_iso3};
        SurveyRow& cell = cells[key];
        cell.instrument = project.instrument;
        cell.purpose = project.purpose;
        cell.region = project.region;
        cell.country_iso3 = project.country_iso3;
        ++cell.projects;
        cell.active_projects += status_of(project, year) == "active" ? 1 : 0;
        cell.committed_usd += project.committed_usd.value_or(0);
        if (project.disbursed_usd) {
            cell.disbursed_usd = cell.disbursed_usd.value_or(0) + *project.disbursed_usd;
        } else {
            ++cell.disbursed_not_reported;
        }
    }
    std::vector<SurveyRow> rows;
    for (auto& [key, cell] : cells) {
        rows.push_back(std::move(cell));
    }
    return rows;
}

Submission build_submission(const SubmissionConfig& config, const Layout& layout,
                            const std::vector<Project>& projects, const Catalogue& catalogue,
                            const PartnerInput& partners) {
    Submission submission;
    submission.config = config;
    submission.survey = funder_survey(projects, config.year, layout);
    for (const auto& cell : submission.survey) {
        submission.rows["funder_survey"].push_back(survey_row(cell));
    }
    const Date last{config.year, 12, 31};
    std::set<std::string> partner_ids;
    for (const Project* project : flagged_projects(projects, config.year)) {
        submission.rows["smartaid_projects"].push_back(project_row(*project, config.year));
        for (const auto& id : project->indicators) {
            const IndicatorDef* def = catalogue.find(id);
            submission.rows["smartaid_indicators"].push_back(
                {{"project_id", Value::of(project->id)},
                 {"indicator_id", Value::of(id)},
                 {"indicator_name", def != nullptr ? Value::of(def->names.en) : Value{}},
                 {"standard", def != nullptr ? Value::of(def->source) : Value{}}});
        }
        for (const auto& review : project->reviews) {
            if (review <= last) {
                submission.rows["portfolio_reviews"].push_back(
                    {{"project_id", Value::of(project->id)}, {"review_date", Value::of(review)}});
            }
        }
    }
    for (const auto& project : projects) {
        if (in_survey(project, config.year)) {
            partner_ids.insert(project.partners.begin(), project.partners.end());
        }
    }
    for (const auto& id : partner_ids) {
        submission.rows["partner_performance"].push_back(
            partner_row(id, layout, partners, config.year));
    }
    return submission;
}

// ---- PDF summary --------------------------------------------------------------------------

std::string reporting_date_text(int year) {
    return fmt::format("31 December {}", year);
}

namespace {

Cell number_cell(double value, const std::string& format = "#,##0") {
    Cell cell;
    cell.text = charts::group_thousands(value, 0); // "12,345,678": whole dollars
    cell.number = value;
    cell.excel_format = format;
    cell.align = Align::decimal;
    return cell;
}

Cell text_cell(std::string text) {
    Cell cell;
    cell.text = std::move(text);
    return cell;
}

struct Totals {
    long projects = 0;
    long active = 0;
    double committed = 0;
    double disbursed = 0;
    long disbursed_missing = 0;
};

void add(Totals& totals, const Totals& more) {
    totals.projects += more.projects;
    totals.active += more.active;
    totals.committed += more.committed;
    totals.disbursed += more.disbursed;
    totals.disbursed_missing += more.disbursed_missing;
}

Totals& add(Totals& totals, const SurveyRow& row) {
    totals.projects += row.projects;
    totals.active += row.active_projects;
    totals.committed += row.committed_usd;
    totals.disbursed += row.disbursed_usd.value_or(0);
    totals.disbursed_missing += row.disbursed_not_reported;
    return totals;
}

std::vector<Cell> totals_row(const std::string& label, const Totals& totals) {
    Cell disbursed = number_cell(totals.disbursed);
    if (totals.disbursed_missing > 0) {
        disbursed.subtext = fmt::format("{} not reported", totals.disbursed_missing);
    }
    return {text_cell(label), number_cell(static_cast<double>(totals.projects)),
            number_cell(static_cast<double>(totals.active)), number_cell(totals.committed),
            disbursed};
}

Table breakdown_table(const Submission& submission, const Layout& layout, const std::string& key,
                      const std::string& caption, const std::string& first_header) {
    std::map<std::size_t, std::pair<std::string, Totals>> groups;
    for (const auto& row : submission.survey) {
        const std::string& code = key == "instrument" ? row.instrument : row.region;
        auto& [label, totals] = groups[code_index(layout, key, code)];
        label = code;
        if (const CodeList* list = layout.code_list(key)) {
            for (const auto& item : list->codes) {
                label = item.code == code ? item.label : label;
            }
        }
        add(totals, row);
    }
    Table table;
    table.caption = caption;
    table.sheet_name = key;
    table.header = {first_header, "Projects", "Active", "Committed (USD)", "Disbursed (USD)"};
    table.widths = {3.2, 1, 1, 1.8, 1.8};
    Totals all;
    for (const auto& [index, group] : groups) {
        table.rows.push_back(totals_row(group.first, group.second));
        add(all, group.second);
    }
    table.rows.push_back(totals_row("Total", all));
    table.note = "Disbursed amounts are sums of the amounts reported; \"not reported\" counts the "
                 "projects without one.";
    return table;
}

/// Amounts in USD millions keep the key-figure boxes narrow; counts are printed whole.
KeyFigure key_figure(std::string label, double value, std::string detail, bool millions = false) {
    KeyFigure figure;
    figure.label = std::move(label);
    figure.value =
        millions ? fmt::format("{:.1f}", value / 1e6) : charts::group_thousands(value, 0);
    figure.detail = std::move(detail);
    figure.number = value;
    figure.excel_format = millions ? "#,##0.0,," : "#,##0";
    return figure;
}

std::string missing_note(const std::vector<Project>& projects, int year) {
    std::vector<std::string> ids;
    for (const auto& project : projects) {
        if (in_survey(project, year) && !project.disbursed_usd) {
            ids.push_back(project.id);
        }
    }
    if (ids.empty()) {
        return "Every project in the survey reported its disbursed amount.";
    }
    return fmt::format("Missing values: {} project{} ({}) did not report a disbursed amount; the "
                       "workbook shows it as \"..\" (never 0) and the disbursed totals are sums "
                       "of the amounts reported. Partner figures that are missing in the data "
                       "are also shown as \"..\".",
                       ids.size(), ids.size() == 1 ? "" : "s", fmt::join(ids, ", "));
}

} // namespace

Document summary_document(const Submission& submission, const Layout& layout,
                          const std::vector<Project>& projects, const std::string& generator) {
    const int year = submission.config.year;
    Totals totals;
    for (const auto& row : submission.survey) {
        add(totals, row);
    }
    Document doc;
    doc.info.title = fmt::format("CGAP submission {}: summary", year);
    doc.info.subtitle = submission.config.funder;
    doc.info.author = submission.config.funder;
    doc.info.subject = fmt::format("CGAP Microfinance Funder Survey and SmartAid evidence, "
                                   "commitments as of {}",
                                   reporting_date_text(year));
    doc.info.keywords = "CGAP; funder survey; SmartAid; microfinance";
    doc.info.date_text = long_date(submission.config.date);
    doc.info.generator = generator;
    doc.info.summary = fmt::format(
        "As of {}, {} projects were in the portfolio ({} active) with USD {} committed and USD {} "
        "disbursed{}.",
        reporting_date_text(year), totals.projects, totals.active,
        charts::group_thousands(totals.committed, 0), charts::group_thousands(totals.disbursed, 0),
        totals.disbursed_missing > 0
            ? fmt::format(" ({} projects did not report a disbursed amount)",
                          totals.disbursed_missing)
            : "");
    doc.blocks.emplace_back(Heading{1, "1", "Commitments to microfinance", "sec-1", true});
    doc.blocks.emplace_back(Paragraph{
        fmt::format("Commitments as of {} of the projects active on that date or ended during "
                    "{}, as reported in the workbook's Funder survey sheet ({} sheets, layout "
                    "version {}, documented in docs/cgap.md).",
                    reporting_date_text(year), year, layout.sheets.size(), layout.version),
        0,
        {},
        TextDirection::automatic,
        {}});
    KeyFigures figures;
    figures.title = fmt::format("As of {}", reporting_date_text(year));
    figures.items = {
        key_figure("Committed (USD million)", totals.committed, "all instruments", true),
        key_figure("Disbursed (USD million)", totals.disbursed,
                   totals.disbursed_missing > 0
                       ? fmt::format("{} projects not reported", totals.disbursed_missing)
                       : "all reported",
                   true),
        key_figure("Projects", static_cast<double>(totals.projects), "in the survey"),
        key_figure("Active projects", static_cast<double>(totals.active),
                   reporting_date_text(year))};
    doc.blocks.emplace_back(std::move(figures));
    doc.blocks.emplace_back(breakdown_table(
        submission, layout, "instrument",
        fmt::format("Table 1. Commitments by instrument, {}", reporting_date_text(year)),
        "Instrument"));
    doc.blocks.emplace_back(breakdown_table(
        submission, layout, "region",
        fmt::format("Table 2. Commitments by region, {}", reporting_date_text(year)), "Region"));
    const auto count = [&](const std::string& key) {
        const auto found = submission.rows.find(key);
        return found == submission.rows.end() ? std::size_t{0} : found->second.size();
    };
    doc.blocks.emplace_back(Heading{1, "2", "SmartAid evidence and partners", "sec-2", true});
    doc.blocks.emplace_back(Paragraph{
        fmt::format("{} projects with a microfinance component track {} performance indicators "
                    "and had {} portfolio reviews up to {}. The Partner performance sheet gives "
                    "{} partner institutions' latest figures in MIX / MicroBanking Bulletin "
                    "order.",
                    count("smartaid_projects"), count("smartaid_indicators"),
                    count("portfolio_reviews"), reporting_date_text(year),
                    count("partner_performance")),
        0,
        {},
        TextDirection::automatic,
        {}});
    doc.blocks.emplace_back(
        Paragraph{missing_note(projects, year), 0, {}, TextDirection::automatic, {}});
    return doc;
}

} // namespace sfp::cgap
