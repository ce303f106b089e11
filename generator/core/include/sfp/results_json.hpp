#pragma once
/// The machine-readable results file (<name>.results.json), for other tools and for tests.

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/output.hpp"
#include "sfp/targets.hpp"

#include <string>

namespace sfp {

/// Serialises results: one entry per (indicator, scope, period) with value or missing reason,
/// n, unit and contributing institutions, plus per-source counts and data-quality issues.
/// Deterministic: fixed key order, shortest round-trip number formatting.
[[nodiscard]] std::string results_to_json(const ReportSpec& spec, const Catalogue& catalogue,
                                          const Dataset& data, const Results& results,
                                          const Assessment& assessment = {});

/// Every result as one CSV row (indicator, statistic, scope, period, value, missing, n, p25,
/// p75, numerator, denominator, unit, status, flags, institutions); empty cells where missing.
[[nodiscard]] std::string results_to_csv(const Catalogue& catalogue, const Results& results,
                                         const Assessment& assessment = {});

/// results_to_json and results_to_csv, handed to `write` in pieces of about 1 MB instead of
/// held whole: the results of a large panel are files of a hundred megabytes.
void write_results_json(const TextWriter& write, const ReportSpec& spec, const Catalogue& catalogue,
                        const Dataset& data, const Results& results,
                        const Assessment& assessment = {});
void write_results_csv(const TextWriter& write, const Catalogue& catalogue, const Results& results,
                       const Assessment& assessment = {});

/// A JSON string literal (quoted and escaped) for `text`.
[[nodiscard]] std::string json_string(std::string_view text);

/// One diagnostic as a JSON object on one line: severity, file, line, column, message, hint
/// (and code when it has one). Used by --diagnostics json and the batch manifest.
[[nodiscard]] std::string diagnostic_json(const Diagnostic& diagnostic);

} // namespace sfp
