#include "sfp/batch.hpp"

#include "report_run.hpp"
#include "sfp/output.hpp"
#include "sfp/reference.hpp"
#include "sfp/results_json.hpp"
#include "sfp/sha256.hpp"
#include "sfp/version.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace sfp {

namespace fs = std::filesystem;

const char* status_name(UnitStatus status) {
    switch (status) {
    case UnitStatus::planned:
        return "planned";
    case UnitStatus::built:
        return "built";
    case UnitStatus::skipped:
        return "skipped";
    case UnitStatus::failed:
        return "failed";
    }
    return "";
}

std::string file_safe(const std::string& value) {
    std::string out;
    for (const char c : value) {
        const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        out += keep ? c : '-';
    }
    while (!out.empty() && (out.front() == '.' || out.front() == '-')) {
        out.erase(out.begin());
    }
    return out.empty() ? "_" : out;
}

std::optional<std::string> expand_name_pattern(const std::string& pattern, const std::string& name,
                                               const std::string& dimension,
                                               const std::string& value,
                                               const std::string& language,
                                               Diagnostics& diagnostics, SourcePos where) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '{') {
            out += pattern[i];
            continue;
        }
        const auto close = pattern.find('}', i);
        if (close == std::string::npos) {
            diagnostics.error(where, fmt::format("output name pattern '{}': '{{' at {} is not "
                                                 "closed",
                                                 pattern, i + 1));
            return std::nullopt;
        }
        const std::string key = pattern.substr(i + 1, close - i - 1);
        if (key == "name") {
            out += name;
        } else if (key == "value" || (!dimension.empty() && key == dimension)) {
            out += file_safe(value);
        } else if (key == "dimension") {
            out += dimension;
        } else if (key == "lang") {
            out += language;
        } else {
            diagnostics.error(where,
                              fmt::format("output name pattern '{}': unknown placeholder '{{{}}}' "
                                          "(expected {{name}}, {{value}}, {{dimension}}, {{lang}} "
                                          "or {{{}}})",
                                          pattern, key, dimension.empty() ? "country" : dimension),
                              did_you_mean(key, {"name", "value", "dimension", "lang", "country",
                                                 "region", "institution"}));
            return std::nullopt;
        }
        i = close;
    }
    if (out.empty() || out.find('/') != std::string::npos || out.front() == '.') {
        diagnostics.error(where, fmt::format("output name pattern '{}' gives '{}': expected a "
                                             "file base name without '/' or a leading '.'",
                                             pattern, out));
        return std::nullopt;
    }
    return out;
}

namespace {

using Clock = std::chrono::steady_clock;

/// The value of record `r` for a batch dimension.
const std::string& dimension_value(const Dataset& data, const std::string& dimension,
                                   std::size_t r) {
    if (dimension == "country") {
        return data.country_iso3[r];
    }
    if (dimension == "region") {
        return data.region[r];
    }
    return data.institution_id[r];
}

/// The records of each value of `dimension`, values sorted.
std::map<std::string, std::vector<std::size_t>> records_by_value(const Dataset& data,
                                                                 const std::string& dimension) {
    std::map<std::string, std::vector<std::size_t>> rows;
    for (std::size_t r = 0; r < data.size(); ++r) {
        const std::string& value = dimension_value(data, dimension, r);
        if (!value.empty()) {
            rows[value].push_back(r);
        }
    }
    return rows;
}

/// What --for and --param ask for: a dimension and values (empty: all).
struct Selection {
    std::string dimension;
    std::vector<std::string> values;
    bool all = false;
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        if (!part.empty()) {
            parts.push_back(part);
        }
    }
    return parts;
}

bool is_dimension(const std::string& name) {
    return name == "country" || name == "region" || name == "institution";
}

/// Reads --for and the constituent of --param; the language of --param goes to `language`.
std::optional<Selection> parse_selection(const BatchOptions& options, const BatchSpec& batch,
                                         std::string& language, Diagnostics& diagnostics) {
    Selection selection;
    if (!options.for_spec.empty()) {
        const auto equals = options.for_spec.find('=');
        std::string dimension = options.for_spec.substr(0, equals);
        const std::string values =
            equals == std::string::npos ? "all" : options.for_spec.substr(equals + 1);
        if (dimension == "all" && equals == std::string::npos) {
            dimension = batch.dimension;
            if (dimension.empty()) {
                diagnostics.error({}, "--for all: the configuration has no [batch] for; name the "
                                      "dimension: --for country=all, region=all or "
                                      "institution=all");
                return std::nullopt;
            }
        }
        if (!is_dimension(dimension)) {
            diagnostics.error({},
                              fmt::format("--for: expected country, region or institution "
                                          "(country=all, country=KEN,GHA), found '{}'",
                                          dimension),
                              did_you_mean(dimension, {"country", "region", "institution"}));
            return std::nullopt;
        }
        selection.dimension = dimension;
        selection.all = values == "all";
        if (!selection.all) {
            selection.values = split_list(values);
            if (selection.values.empty()) {
                diagnostics.error({}, fmt::format("--for {}=: expected 'all' or a "
                                                  "comma-separated list of values",
                                                  dimension));
                return std::nullopt;
            }
        }
    }
    for (const auto& param : options.params) {
        const auto equals = param.find('=');
        const std::string key = param.substr(0, equals);
        if (equals == std::string::npos || equals + 1 == param.size()) {
            diagnostics.error({}, fmt::format("--param: expected key=value, found '{}'", param));
            return std::nullopt;
        }
        const std::string value = param.substr(equals + 1);
        if (key == "lang") {
            language = value;
        } else if (is_dimension(key)) {
            if (!selection.dimension.empty()) {
                diagnostics.error({}, fmt::format("--param {}: the run is already about {} "
                                                  "(one constituent per --param run; use --for "
                                                  "for several)",
                                                  param, selection.dimension));
                return std::nullopt;
            }
            selection.dimension = key;
            selection.values = {value};
        } else {
            diagnostics.error({},
                              fmt::format("--param: unknown key '{}' (expected country, region, "
                                          "institution or lang)",
                                          key),
                              did_you_mean(key, {"country", "region", "institution", "lang"}));
            return std::nullopt;
        }
    }
    return selection;
}

/// The languages a constituent is built in.
std::vector<std::string> languages_of(const std::vector<std::string>& asked, const BatchSpec& batch,
                                      const std::string& value, const std::string& fallback) {
    std::vector<std::string> languages;
    for (const auto& language : asked) {
        std::string chosen = language;
        if (language == "constituent") {
            const auto found = batch.language_of.find(value);
            chosen = found != batch.language_of.end() ? found->second : fallback;
        }
        if (std::find(languages.begin(), languages.end(), chosen) == languages.end()) {
            languages.push_back(chosen);
        }
    }
    return languages;
}

/// The constituent's name in `language`: countries from the country table, institutions from
/// their latest record; regions are named by the template (groups.<slug>).
std::string constituent_name(const std::string& dimension, const std::string& value,
                             const std::string& language, const Dataset& data,
                             const std::vector<std::size_t>& rows, const CountryTable* countries) {
    if (dimension == "country" && countries != nullptr) {
        if (const Country* country = countries->by_iso3(value)) {
            const std::string& name = language == "fr"   ? country->name_fr
                                      : language == "es" ? country->name_es
                                                         : country->name_en;
            return name.empty() ? country->name_en : name;
        }
        return value;
    }
    if (dimension == "institution" && !rows.empty() && !data.institution_name.empty()) {
        return data.institution_name[rows.back()];
    }
    return "";
}

/// The targets that apply to a constituent: scope "all" (a standard for every constituent)
/// and the constituent's own scope ("country:KEN"); guard rails apply to all.
TargetSet targets_for(const TargetSet& set, const std::string& dimension,
                      const std::string& value) {
    TargetSet out;
    out.guard_rails = set.guard_rails;
    const std::string own = dimension + ":" + value;
    for (const auto& target : set.targets) {
        if (target.scope == "all" || target.scope.empty() || target.scope == own) {
            out.targets.push_back(target);
        }
    }
    return out;
}

/// The bytes that identify a slice: every record (origin, keys, values) and its issues.
std::string slice_digest(const Dataset& slice) {
    std::string text;
    for (std::size_t r = 0; r < slice.size(); ++r) {
        text +=
            fmt::format("{}:{}|{}|{}|{}|{}|{}|{}\n", slice.origin[r].file, slice.origin[r].line,
                        slice.institution_id[r], slice.institution_name[r], slice.country_iso3[r],
                        slice.region[r], slice.currency[r], slice.fiscal_year[r]);
    }
    for (const auto& [field, column] : slice.numbers) {
        text += field;
        for (const auto& value : column) {
            text += value ? fmt::format(",{}", *value) : ",NA";
        }
        text += '\n';
    }
    for (const auto& [field, column] : slice.texts) {
        text += field;
        for (const auto& value : column) {
            text += "," + value;
        }
        text += '\n';
    }
    for (const auto& [field, column] : slice.dates) {
        text += field;
        for (const auto& value : column) {
            text += value ? fmt::format(",{}-{}-{}", value->year, value->month, value->day) : ",NA";
        }
        text += '\n';
    }
    for (const auto& issue : slice.issues) {
        text += fmt::format("issue {} {}:{}:{} {} {} {}\n", issue.code, issue.where.file,
                            issue.where.line, issue.where.column, issue.field, issue.value,
                            issue.problem);
    }
    return sha256_hex(text);
}

/// A unit as planned: its outcome plus what building it needs.
struct PlannedUnit {
    UnitOutcome outcome;
    const std::vector<std::size_t>* rows = nullptr; ///< nullptr: all data
    /// The parts of the key, by name ("tool", "options", "template", "data", ...), so that a
    /// rebuild can say what changed.
    std::vector<std::pair<std::string, std::string>> parts;
};

/// The part hashes shared by every unit: tool, options, and each kind of input file.
std::vector<std::pair<std::string, std::string>>
common_parts(const detail::PreparedRun& run, const BuildOptions& options, bool slices) {
    std::map<std::string, std::string> kinds; // kind -> lines
    for (const auto& input : run.inputs) {
        if (slices && input.is_data()) {
            continue; // a slice is identified by its records, not by the whole file
        }
        const std::string kind = input.label.substr(0, input.label.find(' '));
        kinds[kind] += fmt::format("{} {}\n", input.sha256, input.label);
    }
    std::string formats;
    for (const auto format : options.formats) {
        formats += fmt::format("{},", static_cast<int>(format));
    }
    std::vector<std::pair<std::string, std::string>> parts;
    parts.emplace_back("tool", sha256_hex(fmt::format("sfpgen {}", version)));
    parts.emplace_back("options", sha256_hex(fmt::format(
                                      "{}|{}|{}|{}|{}|{}", formats, run.spec.page_size,
                                      options.source_date_epoch ? *options.source_date_epoch : -1,
                                      options.dpi, options.xlsx_formulas, options.xlsx_streaming)));
    for (const auto& [kind, lines] : kinds) {
        parts.emplace_back(kind, sha256_hex(lines));
    }
    return parts;
}

std::string key_of(const std::vector<std::pair<std::string, std::string>>& parts) {
    std::string lines;
    for (const auto& [name, hash] : parts) {
        lines += name + " " + hash + "\n";
    }
    return sha256_hex(lines);
}

// ---- state: what the last build of a unit was made from -----------------------------------

fs::path state_path(const std::string& output_dir, const std::string& base) {
    return fs::path(output_dir) / ".sfpgen" / (base + ".state");
}

struct State {
    std::string key;
    std::map<std::string, std::string> parts;
    std::vector<std::pair<std::string, std::string>> outputs; ///< (path, sha256)
};

/// Reads a state file (lines "key K", "part NAME HASH", "output SHA256 FILE", FILE in the output
/// folder); nullopt when
/// there is none or it is not one.
std::optional<State> read_state(const fs::path& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    State state;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string what;
        fields >> what;
        if (what == "key") {
            fields >> state.key;
        } else if (what == "part") {
            std::string name;
            std::string hash;
            fields >> name >> hash;
            state.parts[name] = hash;
        } else if (what == "output") {
            std::string hash;
            fields >> hash;
            std::string file;
            std::getline(fields >> std::ws, file);
            state.outputs.emplace_back(file, hash);
        }
    }
    if (state.key.size() != 64) {
        return std::nullopt;
    }
    return state;
}

std::string state_text(const PlannedUnit& unit) {
    std::string text = "# sfpgen: what this report was built from (docs/cli.md, \"Batches\")\n";
    text += "key " + unit.outcome.key + "\n";
    for (const auto& [name, hash] : unit.parts) {
        text += "part " + name + " " + hash + "\n";
    }
    for (const auto& output : unit.outcome.outputs) {
        text += "output " + output.sha256 + " " + fs::path(output.path).filename().string() + "\n";
    }
    return text;
}

/// Whether the unit is up to date: same key, every output present with the same bytes. The
/// reason says why it must be built otherwise.
bool up_to_date(PlannedUnit& unit, const std::string& output_dir, std::string& reason) {
    const auto state = read_state(state_path(output_dir, unit.outcome.base));
    if (!state) {
        reason = "no previous build";
        return false;
    }
    if (state->key != unit.outcome.key) {
        std::vector<std::string> changed;
        for (const auto& [name, hash] : unit.parts) {
            const auto found = state->parts.find(name);
            if (found == state->parts.end() || found->second != hash) {
                changed.push_back(name == "data" ? "data slice" : name);
            }
        }
        reason = changed.empty()
                     ? "inputs changed"
                     : fmt::format("changed since the last build: {}", fmt::join(changed, ", "));
        return false;
    }
    std::set<std::string> recorded;
    std::vector<UnitOutput> outputs;
    for (const auto& [name, hash] : state->outputs) {
        // Recorded by file name: the same folder spelled another way is the same output.
        const std::string path = (fs::path(output_dir) / name).string();
        recorded.insert(path);
        Diagnostics ignored;
        const auto digest = sha256_file(path, ignored);
        if (!digest || digest->sha256 != hash) {
            reason = fmt::format("{} {} since the last build", path,
                                 digest ? "was modified" : "is missing");
            return false;
        }
        std::error_code error;
        const auto bytes = fs::file_size(path, error);
        outputs.push_back({path, hash, error ? 0 : bytes});
    }
    for (const auto& path : unit.outcome.planned) {
        if (recorded.count(path) == 0) {
            reason = fmt::format("{} was not built last time", path);
            return false;
        }
    }
    reason = "inputs unchanged since the last build";
    unit.outcome.outputs = std::move(outputs);
    return true;
}

// ---- planning ---------------------------------------------------------------------------------

struct Plan {
    std::vector<PlannedUnit> units; ///< the whole batch, sorted
    std::map<std::string, std::vector<std::size_t>> rows;
};

/// The languages asked for: --lang / --param lang, else [batch] languages (batch runs), else
/// the [report] language.
std::vector<std::string> asked_languages(const std::string& option, const ReportSpec& spec,
                                         bool batch) {
    if (!option.empty()) {
        return split_list(option);
    }
    if (batch && !spec.batch.languages.empty()) {
        return spec.batch.languages;
    }
    return {spec.language};
}

bool check_languages(const detail::PreparedRun& run, const std::vector<std::string>& asked,
                     bool from_option, Diagnostics& diagnostics) {
    bool ok = true;
    for (const auto& language : asked) {
        if (language == "constituent") {
            for (const auto& [value, own] : run.spec.batch.language_of) {
                ok = detail::check_language(run, own, "[batch.language] " + value, {},
                                            diagnostics) &&
                     ok;
            }
            ok = detail::check_language(run, run.spec.language, "[report] language",
                                        run.spec.language_pos, diagnostics) &&
                 ok;
        } else {
            ok = detail::check_language(run, language, from_option ? "--lang" : "[batch] languages",
                                        from_option ? SourcePos{} : run.spec.batch.languages_pos,
                                        diagnostics) &&
                 ok;
        }
    }
    return ok;
}

std::optional<Plan> make_plan(const detail::PreparedRun& run, const BatchOptions& options,
                              const Selection& selection, const std::vector<std::string>& asked,
                              const CountryTable* countries, Diagnostics& diagnostics,
                              ExitCode& code) {
    Plan plan;
    const ReportSpec& spec = run.spec;
    const bool batch = !selection.dimension.empty();
    const auto common = common_parts(run, options.build, batch);
    const std::string pattern = !options.name_pattern.empty() ? options.name_pattern
                                : batch                       ? spec.batch.output
                                                              : std::string();
    const SourcePos pattern_pos =
        options.name_pattern.empty() ? spec.batch.output_pos : SourcePos{};
    std::map<std::string, std::string> bases; // base -> unit label
    const auto add_unit = [&](const std::string& value, const std::vector<std::size_t>* rows,
                              const std::string& language) -> bool {
        PlannedUnit unit;
        UnitOutcome& out = unit.outcome;
        out.dimension = selection.dimension;
        out.value = value;
        out.language = language;
        out.records = rows != nullptr ? rows->size() : run.data.size();
        if (batch) {
            out.name =
                constituent_name(selection.dimension, value, language, run.data, *rows, countries);
        }
        if (pattern.empty()) {
            out.base = spec.name + (language == spec.language ? "" : "-" + language);
        } else {
            const auto base = expand_name_pattern(pattern, spec.name, selection.dimension, value,
                                                  language, diagnostics, pattern_pos);
            if (!base) {
                code = options.name_pattern.empty() ? ExitCode::config : ExitCode::usage;
                return false;
            }
            out.base = *base;
        }
        const std::string label =
            batch ? fmt::format("{}={} {}", selection.dimension, value, language) : language;
        if (const auto [it, fresh] = bases.emplace(out.base, label); !fresh) {
            diagnostics.error(pattern_pos,
                              fmt::format("output name pattern '{}' gives '{}' for both {} and {}",
                                          pattern, out.base, it->second, label),
                              "add {value} and {lang} to the pattern");
            code = options.name_pattern.empty() ? ExitCode::config : ExitCode::usage;
            return false;
        }
        out.planned =
            detail::planned_outputs(options.build, fs::path(options.build.output_dir) / out.base);
        unit.rows = rows;
        unit.parts = common;
        unit.parts.emplace_back(
            "constituent",
            sha256_hex(fmt::format("{}|{}|{}|{}", selection.dimension, value, out.name, language)));
        if (rows != nullptr) {
            unit.parts.emplace_back("data", slice_digest(slice_records(run.data, *rows)));
        }
        out.key = key_of(unit.parts);
        plan.units.push_back(std::move(unit));
        return true;
    };

    if (!batch) {
        for (const auto& language : asked) {
            if (!add_unit("", nullptr, language)) {
                return std::nullopt;
            }
        }
        return plan;
    }
    plan.rows = records_by_value(run.data, selection.dimension);
    std::vector<std::string> values;
    if (selection.all) {
        for (const auto& [value, rows] : plan.rows) {
            values.push_back(value);
        }
    } else {
        std::vector<std::string> known;
        for (const auto& [value, rows] : plan.rows) {
            known.push_back(value);
        }
        for (const auto& value : selection.values) {
            if (plan.rows.count(value) == 0) {
                diagnostics.error({},
                                  fmt::format("no {} '{}' in the data ({} values: {}{})",
                                              selection.dimension, value, known.size(),
                                              fmt::join(known.begin(),
                                                        known.begin() + static_cast<std::ptrdiff_t>(
                                                                            std::min<std::size_t>(
                                                                                known.size(), 12)),
                                                        ", "),
                                              known.size() > 12 ? ", ..." : ""),
                                  did_you_mean(value, known));
                code = ExitCode::usage;
                return std::nullopt;
            }
        }
        std::set<std::string> unique(selection.values.begin(), selection.values.end());
        values.assign(unique.begin(), unique.end());
    }
    if (values.empty()) {
        diagnostics.error({}, fmt::format("--for {}: the data has no {} values",
                                          selection.dimension, selection.dimension));
        code = ExitCode::data;
        return std::nullopt;
    }
    for (const auto& value : values) {
        for (const auto& language : languages_of(asked, spec.batch, value, spec.language)) {
            if (!add_unit(value, &plan.rows.at(value), language)) {
                return std::nullopt;
            }
        }
    }
    return plan;
}

// ---- building ---------------------------------------------------------------------------------

void record_outputs(UnitOutcome& outcome, const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
        Diagnostics ignored;
        const auto digest = sha256_file(path, ignored);
        std::error_code error;
        const auto bytes = fs::file_size(path, error);
        outcome.outputs.push_back({path, digest ? digest->sha256 : "", error ? 0 : bytes});
    }
}

/// `disposable`: the run's dataset when this unit is the run's only report over all of it (the
/// report may then free it once its document is built).
void build_unit(const detail::PreparedRun& run, const BatchOptions& options, PlannedUnit& unit,
                const std::string& build_reason, Dataset* disposable) {
    UnitOutcome& out = unit.outcome;
    const auto start = Clock::now();
    Diagnostics diagnostics;
    std::vector<std::string> written;
    try {
        detail::ReportJob job;
        job.language = out.language;
        job.base = fs::path(options.build.output_dir) / out.base;
        std::optional<Dataset> slice;
        std::optional<TargetSet> targets;
        if (unit.rows != nullptr) {
            slice = slice_records(run.data, *unit.rows);
            job.data = &*slice;
            targets = targets_for(run.definitions.targets, out.dimension, out.value);
            job.targets = &*targets;
            job.constituent = {out.dimension, out.value, out.name};
            std::string files;
            for (const auto& input : run.inputs) {
                if (input.is_data()) {
                    files += (files.empty() ? "" : "; ") + input.label.substr(5);
                }
            }
            job.slice_description =
                fmt::format("{}: {} records of {} {} (sha256 of the slice {})", files,
                            slice->size(), out.dimension, out.value, unit.parts.back().second);
            job.fingerprint = out.key;
            out.issues = slice->issues;
        } else {
            job.data = &run.data;
            job.disposable_data = disposable;
        }
        out.code = detail::render_report(run, options.build, job, written, diagnostics);
    } catch (const std::exception& error) {
        diagnostics.error({}, fmt::format("{}: internal error: {}", out.base, error.what()));
        out.code = ExitCode::internal;
    }
    record_outputs(out, written);
    out.diagnostics = diagnostics.items();
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const fs::path state = state_path(options.build.output_dir, out.base);
    std::error_code error;
    if (out.code != ExitCode::ok) {
        out.status = UnitStatus::failed;
        out.reason = diagnostics.error_count() > 0 ? diagnostics.items().back().message
                                                   : "the report could not be built";
        fs::remove(state, error); // the next run builds it again
        return;
    }
    out.status = UnitStatus::built;
    out.reason = build_reason;
    if (unit.rows != nullptr) {
        Diagnostics state_diagnostics;
        fs::create_directories(state.parent_path(), error);
        if (!write_file_atomically(state.string(), state_text(unit), state_diagnostics)) {
            fs::remove(state, error);
        }
    }
}

// ---- manifest ---------------------------------------------------------------------------------

std::string manifest_json(const detail::PreparedRun& run, const BatchOptions& options,
                          const BatchResult& result, const std::vector<Diagnostic>& run_diagnostics,
                          double seconds) {
    std::string out = "{\n";
    out += fmt::format("  \"sfpgen\": {},\n  \"config\": {},\n", json_string(version),
                       json_string(options.build.config_path));
    std::vector<std::string> params;
    for (const auto& param : options.params) {
        params.push_back(json_string(param));
    }
    std::string formats;
    for (const auto format : options.build.formats) {
        static constexpr std::array names{"pdf", "xlsx", "json", "csv", "png", "svg"};
        formats +=
            (formats.empty() ? "" : ",") + std::string(names.at(static_cast<std::size_t>(format)));
    }
    out += fmt::format(
        "  \"parameters\": {{\"for\": {}, \"param\": [{}], \"lang\": {}, \"output\": {}, "
        "\"formats\": {}, \"jobs\": {}, \"force\": {}, \"shard\": {}, "
        "\"source_date_epoch\": {}}},\n",
        json_string(options.for_spec), fmt::join(params, ", "), json_string(options.languages),
        json_string(options.build.output_dir), json_string(formats), options.jobs,
        options.force ? "true" : "false",
        json_string(fmt::format("{}/{}", options.shard_index, options.shard_count)),
        options.build.source_date_epoch ? fmt::format("{}", *options.build.source_date_epoch)
                                        : "null");
    std::vector<std::string> inputs;
    for (const auto& input : run.inputs) {
        inputs.push_back(fmt::format("    {{\"label\": {}, \"path\": {}, \"sha256\": {}}}",
                                     json_string(input.label), json_string(input.path),
                                     json_string(input.sha256)));
    }
    out += fmt::format("  \"inputs\": [\n{}\n  ],\n", fmt::join(inputs, ",\n"));
    std::vector<std::string> reports;
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& unit : result.units) {
        ++counts[static_cast<std::size_t>(unit.status)];
        std::vector<std::string> outputs;
        for (const auto& output : unit.outputs) {
            outputs.push_back(fmt::format("{{\"path\": {}, \"sha256\": {}, \"bytes\": {}}}",
                                          json_string(output.path), json_string(output.sha256),
                                          output.bytes));
        }
        std::vector<std::string> diagnostics;
        for (const auto& d : unit.diagnostics) {
            diagnostics.push_back(diagnostic_json(d));
        }
        reports.push_back(fmt::format(
            "    {{\"dimension\": {}, \"value\": {}, \"name\": {}, \"language\": {}, \"base\": {}, "
            "\"status\": {}, \"reason\": {}, \"key\": {}, \"seconds\": {:.3f}, \"records\": {}, "
            "\"issues\": {},\n     \"outputs\": [{}],\n     \"diagnostics\": [{}]}}",
            json_string(unit.dimension), json_string(unit.value), json_string(unit.name),
            json_string(unit.language), json_string(unit.base),
            json_string(status_name(unit.status)), json_string(unit.reason), json_string(unit.key),
            unit.seconds, unit.records, unit.issues.size(), fmt::join(outputs, ", "),
            fmt::join(diagnostics, ", ")));
    }
    out += fmt::format("  \"reports\": [\n{}\n  ],\n", fmt::join(reports, ",\n"));
    std::vector<std::string> diagnostics;
    for (const auto& d : run_diagnostics) {
        diagnostics.push_back("    " + diagnostic_json(d));
    }
    out += fmt::format("  \"diagnostics\": [\n{}\n  ],\n", fmt::join(diagnostics, ",\n"));
    out += fmt::format("  \"summary\": {{\"planned\": {}, \"in_shard\": {}, \"built\": {}, "
                       "\"skipped\": {}, \"failed\": {}, \"seconds\": {:.3f}}},\n",
                       result.planned_total, result.units.size(),
                       counts[static_cast<std::size_t>(UnitStatus::built)],
                       counts[static_cast<std::size_t>(UnitStatus::skipped)],
                       counts[static_cast<std::size_t>(UnitStatus::failed)], seconds);
    out += fmt::format("  \"exit_code\": {}\n}}\n", static_cast<int>(result.code));
    return out;
}

/// The run's code from its units: ok when none failed; the failures' common code when all
/// failed; partial otherwise.
ExitCode combined_code(const std::vector<UnitOutcome>& units) {
    std::set<ExitCode> failures;
    std::size_t failed = 0;
    for (const auto& unit : units) {
        if (unit.status == UnitStatus::failed) {
            ++failed;
            failures.insert(unit.code);
        }
    }
    if (failed == 0) {
        return ExitCode::ok;
    }
    if (failed == units.size() && failures.size() == 1) {
        return *failures.begin();
    }
    return ExitCode::partial;
}

void run_units(detail::PreparedRun& run, const BatchOptions& options,
               std::vector<PlannedUnit*>& todo, const std::vector<std::string>& reasons,
               std::size_t& done, std::size_t total, const BatchProgress& progress) {
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    // Nothing reads the dataset after the run's only report over all of it (the manifest
    // does not): that report may free it before rendering.
    Dataset* disposable = todo.size() == 1 && todo[0]->rows == nullptr ? &run.data : nullptr;
    const auto work = [&](const BatchOptions& unit_options) {
        for (std::size_t i = next++; i < todo.size(); i = next++) {
            build_unit(run, unit_options, *todo[i], reasons[i], disposable);
            const std::lock_guard<std::mutex> lock(mutex);
            ++done;
            if (progress) {
                progress(todo[i]->outcome, done, total);
            }
        }
    };
    unsigned jobs =
        options.jobs != 0 ? options.jobs : std::max(1U, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, todo.size()));
    // Only a run of one report renders its PDF on a thread of its own. In a batch the units
    // fill the cores, and a PDF thread per unit would also start each brief with a new Pango
    // font map (it is per thread) and lose what the worker thread keeps between renders.
    BatchOptions per_unit = options;
    per_unit.build.parallel_formats = options.build.parallel_formats && todo.size() == 1;
    if (todo.size() > 1) {
        per_unit.build.evaluation_threads = 1;
    }
    if (jobs <= 1) {
        work(per_unit);
        return;
    }
    std::vector<std::jthread> workers;
    for (unsigned j = 0; j < jobs; ++j) {
        workers.emplace_back(work, std::cref(per_unit));
    }
}

fs::path manifest_path(const BatchOptions& options, const ReportSpec& spec) {
    if (!options.manifest_path.empty()) {
        return options.manifest_path;
    }
    const std::string shard =
        options.shard_count > 1
            ? fmt::format(".shard-{}-of-{}", options.shard_index, options.shard_count)
            : "";
    return fs::path(options.build.output_dir) / (spec.name + shard + ".manifest.json");
}

} // namespace

BatchResult run_batch(const BatchOptions& options, Diagnostics& diagnostics,
                      const BatchProgress& progress) {
    BatchResult result;
    const auto start = Clock::now();
    if (options.shard_count == 0 || options.shard_index == 0 ||
        options.shard_index > options.shard_count) {
        diagnostics.error({}, fmt::format("--shard: expected i/n with 1 <= i <= n, found {}/{}",
                                          options.shard_index, options.shard_count));
        result.code = ExitCode::usage;
        return result;
    }
    ExitCode code = ExitCode::ok;
    // A single report (no --for) has its PDF renderer readied while it loads and evaluates.
    auto run = detail::prepare_run(options.build, diagnostics, code,
                                   /*warm_pdf=*/options.for_spec.empty());
    if (!run) {
        result.code = code;
        return result;
    }
    result.issues = run->data.issues;
    // After loading: --for all needs the config's [batch] for.
    std::string language_option = options.languages;
    std::string param_language;
    const auto chosen = parse_selection(options, run->spec.batch, param_language, diagnostics);
    if (!chosen) {
        result.code = ExitCode::usage;
        return result;
    }
    if (!param_language.empty()) {
        language_option = param_language;
    }
    const bool batch = !chosen->dimension.empty();
    const auto asked = asked_languages(language_option, run->spec, batch);
    if (!check_languages(*run, asked, !language_option.empty(), diagnostics)) {
        result.code = language_option.empty() ? ExitCode::config : ExitCode::usage;
        return result;
    }
    std::optional<CountryTable> countries;
    if (batch && chosen->dimension == "country" && !run->spec.countries_path.empty()) {
        Diagnostics ignored; // already loaded once by the sources
        countries = CountryTable::load(run->spec.countries_path, ignored);
    }
    auto plan = make_plan(*run, options, *chosen, asked, countries ? &*countries : nullptr,
                          diagnostics, code);
    if (!plan) {
        result.code = code;
        return result;
    }
    result.planned_total = plan->units.size();
    std::vector<PlannedUnit*> mine;
    for (std::size_t p = 0; p < plan->units.size(); ++p) {
        if (p % options.shard_count == options.shard_index - 1) {
            mine.push_back(&plan->units[p]);
        }
    }
    if (!options.dry_run && !prepare_output_dir(options.build.output_dir, diagnostics)) {
        result.code = ExitCode::output;
        return result;
    }
    std::vector<PlannedUnit*> todo;
    std::vector<std::string> reasons;
    std::size_t done = 0;
    for (PlannedUnit* unit : mine) {
        std::string reason = "a single report is always built";
        const bool fresh =
            batch && !options.force && up_to_date(*unit, options.build.output_dir, reason);
        if (batch && options.force) {
            reason = "--force";
        }
        if (fresh) {
            unit->outcome.status = UnitStatus::skipped;
            unit->outcome.reason = reason;
            if (!options.dry_run) {
                ++done;
                if (progress) {
                    progress(unit->outcome, done, mine.size());
                }
            }
        } else if (options.dry_run) {
            unit->outcome.reason = reason;
        } else {
            todo.push_back(unit);
            reasons.push_back(reason);
        }
    }
    if (!options.dry_run) {
        run_units(*run, options, todo, reasons, done, mine.size(), progress);
    }
    for (PlannedUnit* unit : mine) {
        result.units.push_back(std::move(unit->outcome));
    }
    result.code = combined_code(result.units);
    if (options.dry_run) {
        return result;
    }
    const fs::path manifest = manifest_path(options, run->spec);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (write_file_atomically(manifest.string(),
                              manifest_json(*run, options, result, diagnostics.items(), seconds),
                              diagnostics)) {
        result.manifest = manifest.string();
    } else if (result.code == ExitCode::ok) {
        result.code = ExitCode::output;
    }
    return result;
}

} // namespace sfp
