#pragma once
/// The indicator stage of a report run: the definitions a report needs besides its data
/// (catalogue with the report's own additions, reference series, targets) and their evaluation
/// over the loaded data. One computation feeds every output (PDF, XLSX, JSON, CSV).

#include "sfp/build.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/reference_series.hpp"
#include "sfp/report_template.hpp"
#include "sfp/targets.hpp"

#include <optional>

namespace sfp {

struct Definitions {
    Catalogue catalogue;
    ReferenceSeries reference;
    TargetSet targets;
    EngineOptions options;
    /// Indicators some figure plots institution by institution (depth-vs-oss): evaluated per
    /// record (institution_values) instead of through an "institution" grouping, which would
    /// aggregate every indicator of the report for every institution and year.
    std::vector<std::string> record_indicators;
};

/// Loads the catalogue (plus the config's own [[indicator]], [[derived]], [[peer_group]],
/// [parameters]), the reference series of [reference], and the targets of [indicators] targets
/// and the config's [[target]] / [[guard_rail]] tables; checks the spec against them. On error:
/// nullopt, diagnostics, and `code` says config (3) or data (4, a reference table).
[[nodiscard]] std::optional<Definitions> load_definitions(const ReportSpec& spec,
                                                          Diagnostics& diagnostics, ExitCode& code);

/// Adds the indicators and groupings a template refers to (blocks and messages) to what
/// `definitions` computes, after the config's own; false with diagnostics when the result is
/// not a valid set of options.
bool include_template(const ReportTemplate& report, Definitions& definitions,
                      Diagnostics& diagnostics);

struct Evaluation {
    Results results;
    Assessment assessment;
    RecordValues record_values; ///< of Definitions::record_indicators
};

/// What a build reads of the results besides its documents, which read the order statistics
/// and provenance lists of the last period only (EngineOptions).
struct ResultReaders {
    bool workbook = true;      ///< its long table shows every period's medians
    bool results_files = true; ///< JSON and CSV publish every result and its records
};

/// Computes the indicators, then evaluates targets and guard rails on them: `targets`, or the
/// definitions' own when null (a batch passes the targets that apply to its constituent).
/// `threads` share out the aggregation (EngineOptions::threads); the results do not depend on it.
/// `readers`: without a workbook or results files, medians and trimmed means (where the
/// headline is another statistic) are computed for the last period only; without results
/// files, the records lists are made for the last period's results only.
[[nodiscard]] Evaluation evaluate(const Definitions& definitions, const Dataset& data,
                                  const TargetSet* targets = nullptr, unsigned threads = 1,
                                  ResultReaders readers = {});

} // namespace sfp
