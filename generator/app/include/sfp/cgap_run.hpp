#pragma once
/// The `cgap` run: submission config -> layout -> partners' data and projects -> the workbook
/// and the PDF summary (docs/cgap.md).

#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

struct CgapOptions {
    std::string config_path = "templates/cgap-submission/report.toml";
    std::string output_dir = "output";
    /// Seconds since 1970 for the documents' dates; nullopt: [submission] date of the config.
    std::optional<std::int64_t> source_date_epoch;
};

struct CgapResult {
    ExitCode code = ExitCode::ok;
    std::vector<std::string> outputs; ///< paths written
    /// Problems found in the partners' data (not fatal: values set aside are shown as "..").
    std::size_t partner_data_problems = 0;
    std::string partners_config; ///< the configuration they were loaded with
};

/// Writes <output_dir>/cgap-submission-<year>.xlsx and .pdf. Diagnostics are collected, not
/// printed; `code` is config (3) for the configuration, layout or catalogue, data (4) for the
/// projects or partners' data, output (5) when a file cannot be written.
[[nodiscard]] CgapResult run_cgap_submission(const CgapOptions& options, Diagnostics& diagnostics);

} // namespace sfp
