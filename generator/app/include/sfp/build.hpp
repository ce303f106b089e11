#pragma once
/// The `build` run: config -> data -> results -> document -> PDF / XLSX / JSON outputs.

#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

/// Process exit codes (documented in README.md).
enum class ExitCode : int {
    ok = 0,
    internal = 1, ///< a bug: please report it
    usage = 2,    ///< bad command line
    config = 3,   ///< the configuration or catalogue is invalid
    data = 4,     ///< a data source cannot be used
    output = 5,   ///< an output cannot be written
    partial = 6,  ///< a batch: some reports failed, the others were built or are up to date
};

/// png and svg write each figure of the document as <name>-figure-<n>.png / .svg.
enum class OutputFormat { pdf, xlsx, json, csv, png, svg };

struct BuildOptions {
    std::string config_path = "templates/gb-progress/report.toml";
    std::string output_dir = "output";
    std::vector<OutputFormat> formats{OutputFormat::pdf, OutputFormat::xlsx};
    /// Seconds since 1970 for document dates; nullopt: the config's [report] date.
    std::optional<std::int64_t> source_date_epoch;
    double dpi = 150; ///< resolution of PNG figures
    /// The report language ("en", "fr", "es"); empty: the config's [report] language. Outputs
    /// in another language than the config's are named <name>-<language>.pdf, .xlsx, ...
    std::string language;
    /// "a4" or "letter"; empty: the config's [report] page_size (default A4).
    std::string page_size;
    /// Workbook: aggregates as formulas over a Data sheet of per-record inputs (default), or
    /// values only (smaller and faster on very large data).
    bool xlsx_formulas = true;
    /// Workbook: constant-memory mode whatever its size (it turns on by itself above
    /// XlsxOptions::constant_memory_cells).
    bool xlsx_streaming = false;
    /// The PDF is rendered on a thread of its own while the workbook and the other formats are
    /// written (same bytes either way). Batches of more than one report turn this off: their
    /// units keep the cores busy, and each thread keeps its fonts and laid-out text.
    bool parallel_formats = true;
    /// Threads that compute the indicators of a report (same results whatever the number).
    /// Batches of more than one report set 1: their units keep the cores busy.
    unsigned evaluation_threads = 2;
};

/// Where a build's time went, in wall-clock seconds, phase by phase (tests/bench/report_bench
/// prints them; docs/performance.md keeps them).
struct PhaseTimes {
    double prepare = 0;    ///< configuration, catalogue, data sources (most of it) and template
    double evaluate = 0;   ///< indicators and targets
    double document = 0;   ///< the document from the results (and the workbook's audit table)
    double pdf_layout = 0; ///< the PDF's layout passes (PdfTimes::layout)
    double pdf_output = 0; ///< the PDF's pages drawn and written (PdfTimes::output)
    /// Workbook, results files and figures; on a thread beside the PDF when both are asked.
    double other_formats = 0;
    std::size_t pdf_helper_tables = 0;  ///< tables the PDF layout's helper set up
    std::size_t pdf_composed_texts = 0; ///< texts of figures composed (PdfTimes::composed_texts)
    std::size_t pdf_split_page = 0; ///< where the PDF's pages were drawn in two parts (0: whole)
};

struct BuildResult {
    ExitCode code = ExitCode::ok;
    std::vector<std::string> outputs; ///< paths written
    std::vector<QualityIssue> issues; ///< data problems found while loading (not fatal)
    PhaseTimes times;
};

/// Runs the whole pipeline. Diagnostics are collected, not printed.
[[nodiscard]] BuildResult build_report(const BuildOptions& options, Diagnostics& diagnostics);

/// Parses "pdf,xlsx,json" (names: pdf, xlsx, json, csv, png, svg); nullopt with a diagnostic on an
/// unknown name.
[[nodiscard]] std::optional<std::vector<OutputFormat>> parse_formats(const std::string& text,
                                                                     Diagnostics& diagnostics);

/// Parses the value of SOURCE_DATE_EPOCH; nullopt with a diagnostic when it is not an integer.
[[nodiscard]] std::optional<std::int64_t> parse_epoch(const std::string& text,
                                                      Diagnostics& diagnostics);

} // namespace sfp
