#pragma once
/// `sfpgen list templates|indicators|sources`: what a user can build from, read from the same
/// files and loaders as `build` (docs/cli.md).

#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <string>

namespace sfp {

struct ListResult {
    ExitCode code = ExitCode::ok;
    std::string output; ///< what to print on stdout: columns of text, or one JSON document
};

/// Every folder of `templates_dir` with a document.toml or a report.toml: its name, kind,
/// languages (text/<lang> folders), title (English text of [document] title when there is
/// one) and configuration. A missing folder is a configuration error (3).
[[nodiscard]] ListResult list_templates(const std::string& templates_dir, bool json,
                                        Diagnostics& diagnostics);

/// The catalogue of the configuration at `config_path` with the configuration's own
/// [[indicator]]s: id, English name, unit, statistics, standard. Bad configuration: 3.
[[nodiscard]] ListResult list_indicators(const std::string& config_path, bool json,
                                         Diagnostics& diagnostics);

/// The [[source]] tables of the configuration: name, format, path, whether the file exists and
/// its size in bytes. Bad configuration: 3.
[[nodiscard]] ListResult list_sources(const std::string& config_path, bool json,
                                      Diagnostics& diagnostics);

} // namespace sfp
