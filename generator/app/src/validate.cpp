#include "sfp/validate.hpp"

#include "sfp/config.hpp"
#include "sfp/results_json.hpp"
#include "sfp/sources.hpp"

#include <fmt/format.h>
#include <map>

namespace sfp {

namespace {

Severity effective(const QualityIssue& issue, bool strict) {
    return strict ? Severity::error : issue.severity;
}

} // namespace

std::string issues_to_text(const Dataset& data, bool strict) {
    std::string out;
    std::map<std::string, long> by_code;
    long errors = 0;
    for (const auto& issue : data.issues) {
        QualityIssue shown = issue;
        shown.severity = effective(issue, strict);
        out += to_string(shown) + "\n";
        ++by_code[issue.code];
        errors += shown.severity == Severity::error ? 1 : 0;
    }
    for (const auto& stats : data.stats) {
        out += fmt::format("source '{}' ({}): {} rows read, {} used, {} rejected", stats.name,
                           stats.path, stats.rows_read, stats.rows_used, stats.rows_rejected);
        for (const auto& [code, count] : stats.rejected_by_code) {
            out += fmt::format(", {} {}", count, code);
        }
        out += "\n";
    }
    std::vector<std::string> counts;
    for (const auto& [code, count] : by_code) {
        counts.push_back(fmt::format("{} {}", count, code));
    }
    out += fmt::format("{} problems ({} errors, {} warnings){}{}\n", data.issues.size(), errors,
                       data.issues.size() - static_cast<std::size_t>(errors),
                       counts.empty() ? "" : ": ", fmt::join(counts, ", "));
    return out;
}

std::string issues_to_json(const Dataset& data, bool strict) {
    std::string out = "{\n  \"sources\": [";
    for (std::size_t i = 0; i < data.stats.size(); ++i) {
        const auto& stats = data.stats[i];
        std::string rejected;
        for (const auto& [code, count] : stats.rejected_by_code) {
            rejected +=
                fmt::format("{}{}: {}", rejected.empty() ? "" : ", ", json_string(code), count);
        }
        out += fmt::format("{}\n    {{\"name\": {}, \"path\": {}, \"rows_read\": {}, "
                           "\"rows_used\": {}, \"rows_rejected\": {}, \"rejected_by_code\": "
                           "{{{}}}}}",
                           i == 0 ? "" : ",", json_string(stats.name), json_string(stats.path),
                           stats.rows_read, stats.rows_used, stats.rows_rejected, rejected);
    }
    out += "\n  ],\n  \"issues\": [";
    long errors = 0;
    for (std::size_t i = 0; i < data.issues.size(); ++i) {
        const auto& issue = data.issues[i];
        const Severity severity = effective(issue, strict);
        errors += severity == Severity::error ? 1 : 0;
        out += fmt::format("{}\n    {{\"code\": {}, \"severity\": {}, \"file\": {}, \"row\": {}, "
                           "\"column\": {}, \"field\": {}, \"value\": {}, \"problem\": {}}}",
                           i == 0 ? "" : ",", json_string(issue.code),
                           json_string(severity == Severity::error ? "error" : "warning"),
                           json_string(issue.where.file), issue.where.line, issue.where.column,
                           json_string(issue.field), json_string(issue.value),
                           json_string(issue.problem));
    }
    out += fmt::format("\n  ],\n  \"errors\": {},\n  \"warnings\": {}\n}}\n", errors,
                       static_cast<long>(data.issues.size()) - errors);
    return out;
}

ValidateResult validate_config(const ValidateOptions& options, Diagnostics& diagnostics) {
    ValidateResult result;
    auto spec = parse_config(options.config_path, diagnostics);
    if (!spec) {
        result.code = ExitCode::config;
        return result;
    }
    if (options.strict) {
        // --strict reports warnings as errors but still loads everything, so that every
        // problem is listed (a strict source would stop at the first file with problems).
        for (auto& source : spec->sources) {
            source.strict = false;
        }
    }
    const auto data = load_all_sources(*spec, diagnostics);
    if (!data) {
        result.code = load_failure_code(*spec, diagnostics);
        return result;
    }
    result.report = options.json ? issues_to_json(*data, options.strict)
                                 : issues_to_text(*data, options.strict);
    const bool has_errors =
        std::any_of(data->issues.begin(), data->issues.end(), [&](const QualityIssue& issue) {
            return effective(issue, options.strict) == Severity::error;
        });
    result.code = has_errors ? ExitCode::data : ExitCode::ok;
    return result;
}

} // namespace sfp
