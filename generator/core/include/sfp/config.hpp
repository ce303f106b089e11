#pragma once
/// The report configuration (report.toml) parsed into a typed spec that remembers where each
/// value came from. Parsing checks types and keys; binding against the data happens in load.

#include "sfp/csv.hpp"
#include "sfp/date.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/fields.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfp {

/// A file column mapped to a canonical field, e.g. par30_balance <- "par30_usd", with how its
/// values are written.
struct ColumnMapping {
    std::string field;
    std::string column;
    SourcePos where;         ///< position of the mapping in the config
    double scale = 1.0;      ///< multiply values (1000 for figures in thousands)
    bool percent = false;    ///< values are percentages (6.01 = 6.01%), converted to fractions
    std::string fraction_of; ///< values are fractions of this field (PAR30 given as a ratio)
    std::optional<DateFormat> date_format; ///< for date fields; default: the source's
    std::string code = "iso3";             ///< for country_iso3: "iso3", "iso2" or "name"
};

/// A data source: where the data is and how its columns map to canonical fields.
struct SourceSpec {
    std::string name;
    std::string path;           ///< resolved against the config file's folder
    std::string format = "csv"; ///< "csv" or "sqlite"
    RecordKind record = RecordKind::institution_year;
    std::string encoding = "utf-8";
    char delimiter = ',';
    char decimal = '.';
    char thousands = 0;
    std::vector<std::string> missing_tokens; ///< cell texts that mean "missing" (besides empty)
    unsigned fiscal_year_end = 12;           ///< month in which fiscal years end
    DateFormat date_format = DateFormat::iso;
    std::string currency; ///< currency of amounts when no currency column is mapped
    bool strict = false;  ///< warnings are errors, and any error stops the run
    std::string table;    ///< sqlite: a table or view
    std::string query;    ///< sqlite: a SELECT with :named parameters
    std::vector<std::pair<std::string, std::string>> params; ///< sqlite: parameter values
    std::vector<ColumnMapping> columns;
    CsvLimits limits; ///< [limits] of the configuration: bounds on the file's records
    SourcePos where;
    /// The mapping of `field`, or nullptr.
    [[nodiscard]] const ColumnMapping* mapping(std::string_view field) const;
};

/// A chart of one indicator across periods (line) or scopes in the last period (column).
struct ChartRequest {
    std::string indicator;
    std::string kind = "line"; ///< "line": one series per scope over years; "column": by scope
    std::string title;
    SourcePos where;
};

/// One line of the Governing Body cover block: label and value ("Purpose", "For information").
struct CoverLine {
    std::string label;
    std::string value;
};

/// A report's own grouping of institutions (`[[grouping]]`), used as "custom:<name>".
struct CustomGrouping {
    std::string name;
    std::string of = "institution_id";      ///< text dimension whose values are mapped
    std::map<std::string, std::string> map; ///< value -> group label
    std::string otherwise;                  ///< label of unmapped values ("": not grouped)
    SourcePos where;
};

/// `[batch]`: how `sfpgen build --for` turns one configuration into one report per constituent
/// (docs/cli.md, "Batches").
struct BatchSpec {
    /// [batch] for: the dimension a batch runs over when --for names none ("country", "region",
    /// "institution"); empty: --for must name it.
    std::string dimension;
    SourcePos dimension_pos;
    /// [batch] output: output base name pattern; {name} (the report name), {value} (the
    /// constituent, made safe for a file name), {dimension}, {lang}.
    std::string output = "{name}-{value}-{lang}";
    SourcePos output_pos;
    /// [batch] languages: the languages each constituent is built in; "constituent" means the
    /// constituent's own language ([batch.language], else [report] language). Empty: the
    /// [report] language.
    std::vector<std::string> languages;
    SourcePos languages_pos;
    /// [batch.language]: constituent value -> its language (e.g. SEN = "fr").
    std::map<std::string, std::string> language_of;
};

/// The constituent a report is about: what message arguments {constituent} and
/// {constituent_code} print. Empty value: the whole dataset.
struct Constituent {
    std::string dimension; ///< "country", "region", "institution"
    std::string value;     ///< KEN, "South Asia", MFI-001
    /// In the report's language: "Kenya", "Institution name"; empty: the template's word for
    /// the value (groups.<slug>, how regions are named), else the value.
    std::string name;
};

struct ReportSpec {
    std::string config_path;
    std::string name; ///< output base name: output/<name>.pdf
    std::string title;
    std::string subtitle;
    std::string language = "en";
    std::string page_size = "a4"; ///< [report] page_size: "a4" or "letter" (US Letter)
    SourcePos page_size_pos;
    std::string author;
    std::string date;   ///< YYYY-MM-DD, used when SOURCE_DATE_EPOCH is not set
    std::string symbol; ///< GB document symbol, e.g. GB.350/POL/4
    /// [report] template: the report template (document.toml), resolved against the config's
    /// folder; its text files give the title, cover lines and every word (docs/templates.md).
    std::string template_path;
    SourcePos template_pos;
    SourcePos language_pos;
    // Without a template (older configurations): the cover block and texts of the config.
    std::vector<CoverLine> cover;
    std::string summary; ///< narrative paragraph for the summary section
    std::string introduction;

    std::string catalogue_path; ///< resolved against the config file's folder
    std::vector<std::string> indicators;
    std::vector<SourcePos> indicator_pos;
    std::string group_by = "region";    ///< the primary grouping (groupings[0])
    std::vector<std::string> groupings; ///< [indicators] group_by: one or several
    SourcePos group_by_pos;
    std::string single_balance = "flag";      ///< [indicators] single_balance: flag | missing
    long min_n = 3;                           ///< [indicators] min_n: suppression threshold
    std::vector<std::string> targets_paths;   ///< [indicators] targets: TOML files, resolved
    std::map<std::string, double> parameters; ///< [parameters]: override the catalogue's
    std::vector<CustomGrouping> custom_groupings;
    int first_year = 0;
    int last_year = 0;

    std::string database_path;       ///< [database] path: the SFP database (SQLite), resolved
    std::string countries_path;      ///< [reference] countries: the country table, resolved
    std::string exchange_rates_path; ///< [reference] exchange_rates (CSV), resolved
    std::string gni_path;            ///< [reference] gni_per_capita (CSV), resolved
    std::string inflation_path;      ///< [reference] inflation (CSV), resolved
    bool strict = false;             ///< [data] strict: warnings are errors for every source

    std::vector<SourceSpec> sources;
    std::vector<ChartRequest> charts;

    BatchSpec batch;         ///< [batch]
    Constituent constituent; ///< set per report by a batch run
};

/// Parses `path`. Returns nullopt, with diagnostics at file:line:col, when the file is missing,
/// is not valid TOML, or has wrong types, unknown keys or missing required keys.
[[nodiscard]] std::optional<ReportSpec> parse_config(const std::string& path,
                                                     Diagnostics& diagnostics);

/// `relative` resolved against the folder of `base_file` (a config file), normalised; absolute
/// paths are only normalised.
[[nodiscard]] std::string resolve_path(const std::string& base_file, const std::string& relative);

} // namespace sfp
