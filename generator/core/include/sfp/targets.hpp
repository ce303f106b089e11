#pragma once
/// Baselines, targets, milestones and status (docs/indicators.md, "Targets and status"): one
/// computation feeds the PDF text, table cell colours and the workbook's conditional formats.

#include "sfp/catalogue.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/indicators.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sfp {

enum class Status { on_track, at_risk, off_track, no_data, not_started };

/// "on-track", "at-risk", "off-track", "no-data", "not-started" (results files, CSS-like).
[[nodiscard]] std::string_view status_name(Status status);
/// The status word in a report language: "on track" / "en bonne voie" / "en curso", ...
[[nodiscard]] std::string_view status_word(Status status, std::string_view language);

struct Milestone {
    int year = 0;
    double value = 0;
};

/// A target for one indicator in one scope (key as in Results: "all", "region:Africa").
struct TargetSpec {
    std::string indicator;
    std::string scope = "all";
    int baseline_year = 0;
    double baseline = 0;
    int target_year = 0;
    double target = 0;
    std::vector<Milestone> milestones;  ///< ascending years strictly between baseline and target
    double band = 0.10;                 ///< at risk when progress >= 1 - band
    std::optional<Direction> direction; ///< default: the indicator's `good`
    SourcePos where;
};

/// A threshold worth showing regardless of targets, e.g. OSS below 100%, PAR30 above 10%.
struct GuardRail {
    std::string indicator;
    std::optional<double> below; ///< breached when value < below
    std::optional<double> above; ///< breached when value > above
    std::string label;           ///< "not covering costs"
    SourcePos where;
};

struct TargetResult {
    std::size_t target = 0; ///< index into the TargetSpec list
    std::string indicator;
    std::string scope;
    int year = 0;
    std::optional<double> actual;
    std::optional<double> expected; ///< milestone for the year, else linear between points;
                                    ///< nullopt when not started
    std::optional<double> progress; ///< (actual - baseline) / (expected - baseline), when the
                                    ///< path expects an improvement on the baseline by `year`
    bool target_met = false;
    Status status = Status::no_data;
};

struct GuardRailResult {
    std::size_t rail = 0;
    std::string indicator;
    std::string scope;
    int year = 0;
    double value = 0;
    bool breached = false;
    long institutions_breaching = 0; ///< institution values beyond the threshold in the scope
    long institutions = 0;           ///< institution values present in the scope
};

struct TargetSet {
    std::vector<TargetSpec> targets;
    std::vector<GuardRail> guard_rails;
};

/// Targets with their evaluation, as documents use them.
struct Assessment {
    TargetSet set;
    std::vector<TargetResult> targets;
    std::vector<GuardRailResult> guard_rails;
};

/// Reads [[target]] and [[guard_rail]] tables from a TOML file (a targets file, or a report
/// config: other keys are ignored). Every mistake is a diagnostic at file:line:col (unknown
/// indicator, baseline year after target year, milestones out of order or outside the path, a
/// target on a "context" indicator, a band outside 0..1). Appends to `into`.
bool load_targets(const std::string& path, const Catalogue& catalogue, TargetSet& into,
                  Diagnostics& diagnostics);

/// The expected value of a target in `year`: baseline before/at the baseline year, target
/// at/after the target year, milestones exactly, straight lines between consecutive points.
[[nodiscard]] double expected_value(const TargetSpec& target, int year);

/// Status of one actual against a target in `year` (the rules of docs/indicators.md, "Targets
/// and status"). `direction` is the target's or else the indicator's; with "context" no status
/// can be judged and the result is no_data. `target` is left 0 (evaluate_targets sets it).
[[nodiscard]] TargetResult evaluate_target(const TargetSpec& target, std::optional<double> actual,
                                           int year, Direction direction);

/// Evaluates every target for every period of `results` (headline statistic of the scope). A
/// scope key or indicator the results do not have gives no_data in every year.
[[nodiscard]] std::vector<TargetResult>
evaluate_targets(const TargetSet& set, const Results& results, const Catalogue& catalogue);

/// Evaluates every guard rail for every scope of the primary grouping (and "all") and every
/// period where the headline result has a value. `values` gives institution values per indicator
/// id, computed on the dataset `results` was computed from: the breaching counts use the records
/// of each result's provenance whose year (Results::record_year) is the result's period (the
/// provenance also lists previous-year records used by avg() and prev()) and whose value is not
/// NaN. Records beyond Results::record_year (results assembled by hand) count when their value
/// is not NaN. An indicator absent from `values` counts 0 of 0.
[[nodiscard]] std::vector<GuardRailResult>
evaluate_guard_rails(const TargetSet& set, const Results& results,
                     const std::map<std::string, InstitutionValues>& values);

} // namespace sfp
