#pragma once
/// Batch runs: one configuration, one report per constituent (country, region, institution) and
/// language, built on a pool of threads from data loaded once (docs/cli.md, "Batches").
///
/// Every report is a *unit*: its data slice, language and output base name. Units are planned
/// in a deterministic order (constituent value, then language), cut into shards, skipped when
/// their input key equals the one recorded by the last build (`<output>/.sfpgen/<base>.json`),
/// and otherwise built in isolation: a failing unit is reported and the others complete. Every
/// run writes a JSON manifest.

#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

struct BatchOptions {
    BuildOptions build;
    /// --for: "country=all", "country=KEN,GHA", "country" (all values), "all" (the dimension of
    /// [batch] for). Empty: no batch (one report over all data), unless `params` names one.
    std::string for_spec;
    /// --param key=value: country=KEN, region=..., institution=... (one constituent), lang=fr.
    std::vector<std::string> params;
    /// --lang: "en", "en,fr", or "constituent" ([batch.language]); empty: [batch] languages,
    /// else the [report] language.
    std::string languages;
    /// --output-name: the output base name pattern; empty: [batch] output.
    std::string name_pattern;
    unsigned jobs = 0;    ///< worker threads; 0: the number of cores
    bool force = false;   ///< build units even when their inputs are unchanged
    bool dry_run = false; ///< plan only: nothing is written
    /// --shard i/n (1 <= i <= n): build only the units whose position p in the plan has
    /// p % n == i - 1.
    unsigned shard_index = 1;
    unsigned shard_count = 1;
    /// --manifest: where the manifest goes; empty: <output>/<name>.manifest.json (with a
    /// shard: <name>.shard-<i>-of-<n>.manifest.json).
    std::string manifest_path;
};

enum class UnitStatus { planned, built, skipped, failed };

[[nodiscard]] const char* status_name(UnitStatus status);

struct UnitOutput {
    std::string path;
    std::string sha256;
    std::uintmax_t bytes = 0;
};

/// One report of a run and what became of it.
struct UnitOutcome {
    std::string dimension; ///< empty for a report over all data
    std::string value;
    std::string name; ///< the constituent's name in the unit's language
    std::string language;
    std::string base;                 ///< output base name (no folder, no extension)
    std::vector<std::string> planned; ///< output paths the unit writes
    UnitStatus status = UnitStatus::planned;
    ExitCode code = ExitCode::ok; ///< of a failed unit
    std::string reason;           ///< why it was built, skipped or failed
    std::string key;              ///< sha256 of everything the unit is built from
    double seconds = 0;
    std::size_t records = 0; ///< records in the unit's data slice
    std::vector<UnitOutput> outputs;
    std::vector<Diagnostic> diagnostics; ///< the unit's own
    std::vector<QualityIssue> issues;    ///< data problems in the unit's slice
};

struct BatchResult {
    ExitCode code = ExitCode::ok;     ///< partial (6) when some units failed and others did not
    std::vector<UnitOutcome> units;   ///< this shard's units, in plan order
    std::size_t planned_total = 0;    ///< units of the whole plan (all shards)
    std::string manifest;             ///< path of the manifest written (empty on dry runs)
    std::vector<QualityIssue> issues; ///< data problems of the whole load (single runs)
};

/// Called after each unit completes (from worker threads, serialised): the unit, units done
/// and units in this run.
using BatchProgress = std::function<void(const UnitOutcome&, std::size_t done, std::size_t total)>;

/// Plans and runs the batch (or single report). Run-level problems (bad options, a config or
/// data that cannot be loaded) are in `diagnostics` and give the run's exit code; unit problems
/// are in each UnitOutcome.
[[nodiscard]] BatchResult run_batch(const BatchOptions& options, Diagnostics& diagnostics,
                                    const BatchProgress& progress = {});

/// A constituent value made safe for a file name: ASCII letters, digits, '.', '_' and '-'
/// kept, anything else becomes '-', no leading '.' or '-' (never empty: "_").
[[nodiscard]] std::string file_safe(const std::string& value);

/// Expands an output name pattern: {name}, {value}, {dimension}, {lang}, and the dimension's
/// own name ({country}, {region}, {institution}) as a synonym of {value}. nullopt with a
/// diagnostic on an unknown or unclosed placeholder.
[[nodiscard]] std::optional<std::string>
expand_name_pattern(const std::string& pattern, const std::string& name,
                    const std::string& dimension, const std::string& value,
                    const std::string& language, Diagnostics& diagnostics, SourcePos where = {});

} // namespace sfp
