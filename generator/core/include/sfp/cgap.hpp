#pragma once
/// The CGAP submission (docs/cgap.md): its configuration, the workbook layout that is the
/// contract with the recipients, the funder's projects, and the sheets' rows computed from them.
/// No libxlsxwriter here: the workbook writer is sfp/render_cgap.hpp.

#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/date.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"
#include "sfp/indicators.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sfp::cgap {

/// templates/cgap-submission/report.toml, [submission]; paths resolved against its folder.
struct SubmissionConfig {
    std::string path;
    std::string funder;
    int year = 0;     ///< commitments as of 31 December of this year
    std::string date; ///< YYYY-MM-DD: the submission date (creation date without SOURCE_DATE_EPOCH)
    std::string layout_path;
    std::string projects_path;
    std::string partners_config; ///< a report configuration whose sources hold the partners
};

[[nodiscard]] std::optional<SubmissionConfig> load_config(const std::string& path,
                                                          Diagnostics& diagnostics);

enum class ColumnType { text, number, usd, date, code, count };

struct Code {
    std::string code;
    std::string label;
};

struct CodeList {
    std::string name;
    std::vector<Code> codes;
    SourcePos where;
    [[nodiscard]] bool contains(const std::string& code) const;
};

struct Column {
    std::string key;
    std::string header;
    ColumnType type = ColumnType::text;
    std::string format;    ///< Excel number format; "" for text and code columns
    std::string codes;     ///< code list name (type code)
    std::string indicator; ///< Partner performance: the catalogue indicator held
    SourcePos where;
    SourcePos indicator_pos;
};

struct Sheet {
    std::string key; ///< what the program fills: cover, funder_survey, ...
    std::string name;
    std::string description;
    std::string total_row; ///< label of a SUM row under the data; "" for none
    std::vector<Column> columns;
    SourcePos where;
};

struct Layout {
    std::string path;
    std::string version;
    std::vector<CodeList> code_lists;
    std::vector<Sheet> sheets; ///< in workbook order
    [[nodiscard]] const CodeList* code_list(const std::string& name) const;
    [[nodiscard]] const Sheet* sheet(const std::string& key) const;
};

/// The sheet keys the program fills, in their required order.
[[nodiscard]] const std::vector<std::string>& sheet_keys();
/// The column keys the program can fill for a sheet key (Partner performance also accepts any
/// column with an `indicator`).
[[nodiscard]] const std::vector<std::string>& column_keys(const std::string& sheet_key);

/// Reads and checks the layout: unknown keys (with "did you mean"), wrong types, sheets missing
/// or out of order, unknown column keys, code columns without a known code list; each error at
/// file:line:col.
[[nodiscard]] std::optional<Layout> load_layout(const std::string& path, Diagnostics& diagnostics);

/// One project of data/cgap/projects.csv.
struct Project {
    std::string id;
    std::string title;
    std::string country_iso3;
    std::string region;
    std::string instrument;
    std::string purpose;
    std::optional<double> committed_usd;
    std::optional<double> disbursed_usd; ///< nullopt: not reported (never 0)
    Date start;
    std::optional<Date> end; ///< nullopt: open-ended
    bool microfinance = false;
    std::vector<std::string> indicators;
    std::vector<Date> reviews;
    std::vector<std::string> partners;
    SourcePos origin;
};

/// What the projects file is checked against: code lists, indicator ids, partner ids.
struct ProjectChecks {
    const Layout* layout = nullptr;
    const Catalogue* catalogue = nullptr;
    std::set<std::string> partner_ids; ///< empty: not checked
};

/// Reads the projects; every bad value is an error at file:row:column (what was expected and
/// what was found). nullopt when any error was found.
[[nodiscard]] std::optional<std::vector<Project>>
load_projects(const std::string& path, const ProjectChecks& checks, Diagnostics& diagnostics);

/// Status on 31 December of `year`: active, closed-in-year, closed, pipeline.
[[nodiscard]] std::string status_of(const Project& project, int year);
/// In the funder survey of `year`: active on 31 December or ended during the year.
[[nodiscard]] bool in_survey(const Project& project, int year);

/// A cell value of a sheet row.
struct Value {
    enum class Kind { missing, text, number };
    Kind kind = Kind::missing;
    std::string text;
    double number = 0; ///< dates: the Excel serial day number
    [[nodiscard]] static Value of(std::string text) { return {Kind::text, std::move(text), 0}; }
    [[nodiscard]] static Value of(double number) { return {Kind::number, {}, number}; }
    [[nodiscard]] static Value of(const std::optional<double>& number);
    [[nodiscard]] static Value of(const Date& date);
};

using Row = std::map<std::string, Value>; ///< column key -> value

/// One row of the funder survey: an instrument x purpose x region x country cell.
struct SurveyRow {
    std::string instrument, purpose, region, country_iso3;
    long projects = 0;
    long active_projects = 0;
    double committed_usd = 0;
    std::optional<double> disbursed_usd; ///< sum of the amounts reported; nullopt if none
    long disbursed_not_reported = 0;
};

/// The funder survey of `year`, rows sorted by instrument, purpose (code-list order), region
/// and country.
[[nodiscard]] std::vector<SurveyRow> funder_survey(const std::vector<Project>& projects, int year,
                                                   const Layout& layout);

/// Inputs of the Partner performance sheet: the partners' dataset and the per-record values of
/// the layout's indicator columns.
struct PartnerInput {
    const Dataset* data = nullptr;
    const RecordValues* values = nullptr;
};

/// Every sheet's rows, by sheet key (the Cover is written from the config and layout).
struct Submission {
    SubmissionConfig config;
    std::vector<SurveyRow> survey;
    std::map<std::string, std::vector<Row>> rows;
};

[[nodiscard]] Submission build_submission(const SubmissionConfig& config, const Layout& layout,
                                          const std::vector<Project>& projects,
                                          const Catalogue& catalogue, const PartnerInput& partners);

/// The PDF summary: totals committed and disbursed, by instrument and region, project counts,
/// a note on missing values.
[[nodiscard]] Document summary_document(const Submission& submission, const Layout& layout,
                                        const std::vector<Project>& projects,
                                        const std::string& generator);

/// "31 December 2024".
[[nodiscard]] std::string reporting_date_text(int year);

} // namespace sfp::cgap
