#include "sfp/results_json.hpp"

#include "sfp/version.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>

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

std::string diagnostic_json(const Diagnostic& diagnostic) {
    std::string text = fmt::format(
        "{{\"severity\": {}, \"file\": {}, \"line\": {}, \"column\": {}, \"message\": {}, "
        "\"hint\": {}",
        json_string(diagnostic.severity == Severity::error ? "error" : "warning"),
        json_string(diagnostic.where.file), diagnostic.where.line, diagnostic.where.column,
        json_string(diagnostic.message), json_string(diagnostic.hint));
    if (!diagnostic.code.empty()) {
        text += fmt::format(", \"code\": {}", json_string(diagnostic.code));
    }
    return text + "}";
}

namespace {

std::string number_or_null(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? fmt::format("{}", *value) : "null";
}

std::string file_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Status of the headline results that a target covers: (indicator, scope key, year) -> status.
std::map<std::string, std::string> statuses(const Assessment& assessment) {
    std::map<std::string, std::string> out;
    for (const auto& target : assessment.targets) {
        out[fmt::format("{}|{}|{}", target.indicator, target.scope, target.year)] =
            std::string(status_name(target.status));
    }
    return out;
}

/// Text built piece by piece and handed to a writer every megabyte: a 2,000 x 15 panel makes a
/// 110 MB results file, which as one string (grown by doubling) cost 250 MB of memory.
class ChunkedText {
public:
    explicit ChunkedText(const TextWriter& write) : write_(write) {}
    ChunkedText(const ChunkedText&) = delete;
    ChunkedText& operator=(const ChunkedText&) = delete;
    ChunkedText(ChunkedText&&) = delete;
    ChunkedText& operator=(ChunkedText&&) = delete;
    ~ChunkedText() = default;

    ChunkedText& operator+=(std::string_view text) {
        buffer_ += text;
        if (buffer_.size() >= chunk) {
            flush();
        }
        return *this;
    }
    void flush() {
        if (!buffer_.empty()) {
            write_(buffer_);
            buffer_.clear();
        }
    }

private:
    static constexpr std::size_t chunk = std::size_t{1} << 20U;
    const TextWriter& write_;
    std::string buffer_;
};

std::string collect(const std::function<void(const TextWriter&)>& produce) {
    std::string text;
    produce([&text](std::string_view piece) { text += piece; });
    return text;
}

} // namespace

std::string results_to_json(const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
                            const Results& results, const Assessment& assessment) {
    return collect([&](const TextWriter& write) {
        write_results_json(write, spec, catalogue, data, results, assessment);
    });
}

std::string results_to_csv(const Catalogue& catalogue, const Results& results,
                           const Assessment& assessment) {
    return collect(
        [&](const TextWriter& write) { write_results_csv(write, catalogue, results, assessment); });
}

void write_results_json(const TextWriter& write, const ReportSpec& spec, const Catalogue& catalogue,
                        const Dataset& data, const Results& results, const Assessment& assessment) {
    ChunkedText out(write);
    out += "{\n";
    out += fmt::format("  \"report\": {},\n", json_string(spec.name));
    out += fmt::format("  \"generator\": {},\n", json_string(std::string("sfpgen ") + version));
    out += fmt::format("  \"group_by\": {},\n", json_string(spec.group_by));
    out += "  \"groupings\": [";
    for (std::size_t g = 0; g < results.groupings.size(); ++g) {
        out += (g == 0 ? "" : ", ") + json_string(results.groupings[g].name);
    }
    out += "],\n  \"sources\": [";
    for (std::size_t i = 0; i < data.stats.size(); ++i) {
        const auto& stats = data.stats[i];
        out += fmt::format("{}\n    {{\"name\": {}, \"rows_read\": {}, \"rows_used\": {}, "
                           "\"rows_rejected\": {}}}",
                           i == 0 ? "" : ",", json_string(stats.name), stats.rows_read,
                           stats.rows_used, stats.rows_rejected);
    }
    const auto status_of = statuses(assessment);
    out += "\n  ],\n  \"results\": [";
    for (std::size_t i = 0; i < results.items.size(); ++i) {
        const auto& item = results.items[i];
        const IndicatorDef& def = *catalogue.find(item.indicator);
        std::string institutions;
        const auto ids = results.institutions(item);
        for (std::size_t k = 0; k < ids.size(); ++k) {
            institutions += (k == 0 ? "" : ", ") + json_string(ids[k]);
        }
        std::string flags;
        for (std::size_t k = 0; k < item.flags.size(); ++k) {
            flags += fmt::format("{}{}: {}", k == 0 ? "" : ", ", json_string(item.flags[k].flag),
                                 item.flags[k].count);
        }
        std::string records;
        for (const std::uint32_t record : item.records) {
            if (!records.empty()) {
                records += ", ";
            }
            const fmt::format_int text(record);
            records.append(text.data(), text.size());
        }
        std::string status = "null";
        if (item.statistic == def.headline()) {
            const auto found = status_of.find(fmt::format(
                "{}|{}|{}", item.indicator, results.scopes[item.scope].key, item.period));
            if (found != status_of.end()) {
                status = json_string(found->second);
            }
        }
        out += fmt::format(
            "{}\n    {{\"indicator\": {}, \"statistic\": {}, \"scope\": {}, \"period\": {}, "
            "\"value\": {}, \"missing\": {}, \"n\": {}, \"p25\": {}, \"p75\": {}, "
            "\"numerator\": {}, \"denominator\": {}, \"unit\": {}, \"status\": {}, "
            "\"flags\": {{{}}}, \"institutions\": [{}], \"records\": [{}]}}",
            i == 0 ? "" : ",", json_string(item.indicator),
            json_string(statistic_name(item.statistic)),
            json_string(results.scopes[item.scope].key), item.period, number_or_null(item.value),
            item.missing ? json_string(item.reason_text()) : "null", item.n,
            number_or_null(item.p25), number_or_null(item.p75), number_or_null(item.numerator),
            number_or_null(item.denominator), json_string(unit_name(def.unit)), status, flags,
            institutions, records);
    }
    out += "\n  ],\n  \"targets\": [";
    for (std::size_t i = 0; i < assessment.targets.size(); ++i) {
        const auto& target = assessment.targets[i];
        out +=
            fmt::format("{}\n    {{\"indicator\": {}, \"scope\": {}, \"period\": {}, "
                        "\"actual\": {}, \"expected\": {}, \"progress\": {}, "
                        "\"target_met\": {}, \"status\": {}}}",
                        i == 0 ? "" : ",", json_string(target.indicator), json_string(target.scope),
                        target.year, number_or_null(target.actual), number_or_null(target.expected),
                        number_or_null(target.progress), target.target_met ? "true" : "false",
                        json_string(status_name(target.status)));
    }
    out += "\n  ],\n  \"guard_rails\": [";
    for (std::size_t i = 0; i < assessment.guard_rails.size(); ++i) {
        const auto& rail = assessment.guard_rails[i];
        out += fmt::format("{}\n    {{\"indicator\": {}, \"scope\": {}, \"period\": {}, "
                           "\"value\": {}, \"breached\": {}, \"institutions_breaching\": {}, "
                           "\"institutions\": {}}}",
                           i == 0 ? "" : ",", json_string(rail.indicator), json_string(rail.scope),
                           rail.year, number_or_null(rail.value), rail.breached ? "true" : "false",
                           rail.institutions_breaching, rail.institutions);
    }
    // Provenance: "records" in each result index this list.
    out += "\n  ],\n  \"records\": [";
    for (std::size_t r = 0; r < results.record_institution.size(); ++r) {
        out += fmt::format(
            "{}\n    {{\"institution\": {}, \"period\": {}, \"file\": {}, "
            "\"row\": {}}}",
            r == 0 ? "" : ",", json_string(results.record_institution[r]), results.record_year[r],
            json_string(file_name(results.record_origin[r].file)), results.record_origin[r].line);
    }
    out += "\n  ],\n  \"quality_issues\": [";
    for (std::size_t i = 0; i < data.issues.size(); ++i) {
        const auto& issue = data.issues[i];
        out += fmt::format("{}\n    {{\"code\": {}, \"severity\": {}, \"file\": {}, "
                           "\"row\": {}, \"column\": {}, \"field\": {}, \"value\": {}, "
                           "\"problem\": {}}}",
                           i == 0 ? "" : ",", json_string(issue.code),
                           json_string(issue.severity == Severity::error ? "error" : "warning"),
                           json_string(file_name(issue.where.file)), issue.where.line,
                           issue.where.column, json_string(issue.field), json_string(issue.value),
                           json_string(issue.problem));
    }
    out += "\n  ]\n}\n";
    out.flush();
}

namespace {

/// A CSV field: quoted when it holds a separator, quote or line break. Text that a spreadsheet
/// would run as a formula (=, +, -, @ first) is prefixed with an apostrophe.
std::string csv_field(std::string_view text) {
    std::string value(text);
    if (!value.empty() &&
        (value[0] == '=' || value[0] == '+' || value[0] == '@' ||
         (value[0] == '-' && value.size() > 1 && (value[1] < '0' || value[1] > '9')))) {
        value.insert(value.begin(), '\'');
    }
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string out = "\"";
    for (const char c : value) {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    return out + "\"";
}

std::string csv_number(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? fmt::format("{}", *value) : "";
}

} // namespace

void write_results_csv(const TextWriter& write, const Catalogue& catalogue, const Results& results,
                       const Assessment& assessment) {
    ChunkedText out(write);
    out += "indicator,statistic,scope,period,value,missing,n,p25,p75,numerator,"
           "denominator,unit,status,flags,institutions\n";
    const auto status_of = statuses(assessment);
    for (const auto& item : results.items) {
        const IndicatorDef& def = *catalogue.find(item.indicator);
        std::string flags;
        for (std::size_t k = 0; k < item.flags.size(); ++k) {
            flags +=
                fmt::format("{}{}={}", k == 0 ? "" : ";", item.flags[k].flag, item.flags[k].count);
        }
        std::string status;
        if (item.statistic == def.headline()) {
            const auto found = status_of.find(fmt::format(
                "{}|{}|{}", item.indicator, results.scopes[item.scope].key, item.period));
            status = found != status_of.end() ? found->second : "";
        }
        out +=
            fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(item.indicator),
                        statistic_name(item.statistic), csv_field(results.scopes[item.scope].key),
                        item.period, csv_number(item.value), csv_field(item.reason_text()), item.n,
                        csv_number(item.p25), csv_number(item.p75), csv_number(item.numerator),
                        csv_number(item.denominator), unit_name(def.unit), status, csv_field(flags),
                        csv_field(fmt::format("{}", fmt::join(results.institutions(item), ";"))));
    }
    out.flush();
}

} // namespace sfp
