#pragma once
// The two halves of a report run, shared by the single build (build.cpp) and batches
// (batch.cpp): what is loaded once (configuration, definitions, data, template) and what is done
// per report (evaluate a dataset, build the document, render the outputs).

#include "sfp/build.hpp"
#include "sfp/config.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/report_template.hpp"

#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <vector>

namespace sfp::detail {

/// An input file of a run with its digest, labelled by file name (not path), so that two
/// checkouts give the same labels: "config report.toml", "template text/en/brief.toml",
/// "data partners: institution_years.csv".
struct InputDigest {
    std::string label;
    std::string path;
    std::string sha256;
    [[nodiscard]] bool is_data() const { return label.rfind("data ", 0) == 0; }
};

/// Everything a run loads once.
struct PreparedRun {
    ReportSpec spec;
    Definitions definitions;
    Dataset data;
    ReportTemplate report;
    std::vector<InputDigest> inputs; ///< config, catalogue, template, reference, targets, data
    /// The PDF renderer readied on another thread from the end of the loading
    /// (warm_pdf_renderer), for a single report: render_report waits for it.
    std::shared_future<void> pdf_warm_up;
};

/// Parses the configuration, loads the definitions, every source and the template, and hashes
/// the input files. nullopt with diagnostics and `code` when the run cannot go on. With
/// `warm_pdf` (a single report, PDF wanted, parallel formats), the PDF renderer is readied on
/// another thread once the data is loaded, while the template loads and the evaluation starts.
[[nodiscard]] std::optional<PreparedRun> prepare_run(const BuildOptions& options,
                                                     Diagnostics& diagnostics, ExitCode& code,
                                                     bool warm_pdf = false);

/// Checks that the template has texts in `language`; `what` and `position` say where the
/// language was asked for ("--lang" and no position, "[report] language" and its position).
bool check_language(const PreparedRun& run, const std::string& language, const std::string& what,
                    SourcePos position, Diagnostics& diagnostics);

/// One report of a run: which data, in which language, about whom, written where.
struct ReportJob {
    const Dataset* data = nullptr;
    /// `data` itself when nothing reads it after this report (a run of one report over all the
    /// data): render_report frees it once the document is built, unless the results files need
    /// it, so that the dataset (33 MB on a 2,000 x 15 panel) and the renderers do not add up.
    Dataset* disposable_data = nullptr;
    std::string language;
    Constituent constituent;
    const TargetSet* targets = nullptr; ///< nullptr: the definitions' own
    std::filesystem::path base;         ///< output folder / base name, no extension
    /// For a slice: how its data is described on the workbook cover ("partners:
    /// institution_years.csv, 5 records of country KEN, sha256 of the slice ...") and its
    /// fingerprint (the unit key); empty for a report over all data.
    std::string slice_description;
    std::string fingerprint;
    PhaseTimes* times = nullptr; ///< filled when not null
};

/// The output paths a job writes, in order.
[[nodiscard]] std::vector<std::string> planned_outputs(const BuildOptions& options,
                                                       const std::filesystem::path& base);

/// Evaluates, builds the document and writes every requested output of `job`. Returns the
/// exit code of the report (ok, config when the document has errors, output when a file cannot
/// be written); `outputs` gets the paths written.
[[nodiscard]] ExitCode render_report(const PreparedRun& run, const BuildOptions& options,
                                     const ReportJob& job, std::vector<std::string>& outputs,
                                     Diagnostics& diagnostics);

} // namespace sfp::detail
