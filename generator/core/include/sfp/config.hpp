#pragma once
/// The report configuration (report.toml) parsed into a typed spec that remembers where each
/// value came from. Parsing checks types and keys; binding against the data happens in load.

#include "sfp/diagnostics.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfp {

/// A file column mapped to a canonical field, e.g. par30_balance <- "par30_usd".
struct ColumnMapping {
    std::string field;
    std::string column;
    SourcePos where; ///< position of the column name in the config
};

/// A data source: where the data is and how its columns map to canonical fields.
struct SourceSpec {
    std::string name;
    std::string path; ///< resolved against the config file's folder
    std::string format = "csv";
    std::vector<std::string> missing_tokens; ///< cell texts that mean "missing" (besides empty)
    std::vector<ColumnMapping> columns;
    SourcePos where;
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

struct ReportSpec {
    std::string config_path;
    std::string name; ///< output base name: output/<name>.pdf
    std::string title;
    std::string subtitle;
    std::string language = "en";
    std::string author;
    std::string date;   ///< YYYY-MM-DD, used when SOURCE_DATE_EPOCH is not set
    std::string symbol; ///< GB document symbol, e.g. GB.350/POL/4
    std::vector<CoverLine> cover;
    std::string summary; ///< narrative paragraph for the summary section
    std::string introduction;

    std::string catalogue_path; ///< resolved against the config file's folder
    std::vector<std::string> indicators;
    std::vector<SourcePos> indicator_pos;
    std::string group_by = "region";
    int first_year = 0;
    int last_year = 0;

    std::vector<SourceSpec> sources;
    std::vector<ChartRequest> charts;
};

/// Parses `path`. Returns nullopt, with diagnostics at file:line:col, when the file is missing,
/// is not valid TOML, or has wrong types, unknown keys or missing required keys.
[[nodiscard]] std::optional<ReportSpec> parse_config(const std::string& path,
                                                     Diagnostics& diagnostics);

} // namespace sfp
