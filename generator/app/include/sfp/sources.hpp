#pragma once
/// Loading every source of a configuration: CSV files and SQLite (the SFP database, a table or a
/// parameterised query), with countries resolved through the reference table.

#include "sfp/build.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"

#include <optional>

namespace sfp {

/// Loads and validates all sources of `spec` into one dataset. nullopt when a source cannot
/// be used at all (or, for strict sources, has any problem).
[[nodiscard]] std::optional<Dataset> load_all_sources(const ReportSpec& spec,
                                                      Diagnostics& diagnostics);

/// The exit code for sources that could not be loaded: configuration (3) when an error points
/// into the configuration file (a column that does not bind, an unknown source), else data (4).
[[nodiscard]] ExitCode load_failure_code(const ReportSpec& spec, const Diagnostics& diagnostics);

/// The country resolver over the table at `path`; an empty function when `path` is empty.
/// nullopt, with diagnostics, when the table cannot be read.
[[nodiscard]] std::optional<CountryResolver> country_resolver(const std::string& path,
                                                              Diagnostics& diagnostics);

} // namespace sfp
