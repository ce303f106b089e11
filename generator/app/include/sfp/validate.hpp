#pragma once
/// `sfpgen validate CONFIG`: load every source, report every data problem, change nothing.

#include "sfp/build.hpp"
#include "sfp/dataset.hpp"

#include <string>

namespace sfp {

struct ValidateOptions {
    std::string config_path = "templates/gb-progress/report.toml";
    bool json = false;   ///< machine-readable report on stdout
    bool strict = false; ///< warnings count as errors
};

struct ValidateResult {
    ExitCode code = ExitCode::ok; ///< data (4) when any error-severity problem was found
    std::string report;           ///< what to print on stdout (text or JSON)
};

/// Loads and validates; problems go into the report, configuration errors into diagnostics.
[[nodiscard]] ValidateResult validate_config(const ValidateOptions& options,
                                             Diagnostics& diagnostics);

/// The JSON form of a dataset's problems and per-source counts.
[[nodiscard]] std::string issues_to_json(const Dataset& data, bool strict);

/// The text form: one line per problem (file:row:col: severity: [code] problem), then counts.
[[nodiscard]] std::string issues_to_text(const Dataset& data, bool strict);

} // namespace sfp
