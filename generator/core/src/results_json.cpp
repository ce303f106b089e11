#include "sfp/results_json.hpp"

#include "sfp/version.hpp"

#include <fmt/format.h>

namespace sfp {

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            } else {
                out.push_back(c);
            }
        }
    }
    return out + "\"";
}

std::string results_to_json(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
                            const Results& results) {
    std::string out = "{\n";
    out += fmt::format("  \"report\": {},\n", json_string(spec.name));
    out += fmt::format("  \"generator\": {},\n", json_string(std::string("sfpgen ") + version));
    out += fmt::format("  \"group_by\": {},\n", json_string(spec.group_by));
    out += "  \"sources\": [";
    for (std::size_t i = 0; i < data.stats.size(); ++i) {
        const auto& stats = data.stats[i];
        out += fmt::format("{}\n    {{\"name\": {}, \"rows_read\": {}, \"rows_used\": {}, "
                           "\"rows_rejected\": {}}}",
                           i == 0 ? "" : ",", json_string(stats.name), stats.rows_read,
                           stats.rows_used, stats.rows_rejected);
    }
    out += "\n  ],\n  \"results\": [";
    for (std::size_t i = 0; i < results.items.size(); ++i) {
        const auto& item = results.items[i];
        const IndicatorDef& def = *catalogue.find(item.indicator);
        std::string institutions;
        for (std::size_t k = 0; k < item.institutions.size(); ++k) {
            institutions += (k == 0 ? "" : ", ") + json_string(item.institutions[k]);
        }
        out += fmt::format(
            "{}\n    {{\"indicator\": {}, \"scope\": {}, \"period\": {}, \"value\": {}, "
            "\"missing\": {}, \"n\": {}, \"unit\": {}, \"institutions\": [{}]}}",
            i == 0 ? "" : ",", json_string(item.indicator),
            json_string(results.scopes[item.scope].key), item.period,
            item.value ? fmt::format("{}", *item.value) : "null",
            item.missing ? json_string(reason_name(*item.missing)) : "null", item.n,
            json_string(unit_name(def.unit)), institutions);
    }
    out += "\n  ],\n  \"quality_issues\": [";
    for (std::size_t i = 0; i < data.issues.size(); ++i) {
        const auto& issue = data.issues[i];
        const auto slash = issue.where.file.find_last_of('/');
        const std::string file =
            slash == std::string::npos ? issue.where.file : issue.where.file.substr(slash + 1);
        out += fmt::format("{}\n    {{\"code\": {}, \"severity\": {}, \"file\": {}, "
                           "\"row\": {}, \"column\": {}, \"field\": {}, \"value\": {}, "
                           "\"problem\": {}}}",
                           i == 0 ? "" : ",", json_string(issue.code),
                           json_string(issue.severity == Severity::error ? "error" : "warning"),
                           json_string(file), issue.where.line, issue.where.column,
                           json_string(issue.field), json_string(issue.value),
                           json_string(issue.problem));
    }
    out += "\n  ]\n}\n";
    return out;
}

} // namespace sfp
