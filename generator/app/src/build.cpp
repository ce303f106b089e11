#include "sfp/build.hpp"

#include "report_run.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/document.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/figures.hpp"
#include "sfp/indicators.hpp"
#include "sfp/output.hpp"
#include "sfp/render_pdf.hpp"
#include "sfp/render_xlsx.hpp"
#include "sfp/results_json.hpp"
#include "sfp/sha256.hpp"
#include "sfp/sources.hpp"
#include "sfp/version.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <ctime>
#include <dlfcn.h>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <future>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <memory>
#include <system_error>
#include <thread>
#include <utility>

namespace sfp {

namespace {

/// Calls its function when it goes out of scope, however the scope is left.
template <class Function> class ScopeExit {
public:
    explicit ScopeExit(Function function) : function_(std::move(function)) {}
    ~ScopeExit() { function_(); }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;
    ScopeExit(ScopeExit&&) = delete;
    ScopeExit& operator=(ScopeExit&&) = delete;

private:
    Function function_;
};

} // namespace

std::optional<std::vector<OutputFormat>> parse_formats(const std::string& text,
                                                       Diagnostics& diagnostics) {
    std::vector<OutputFormat> formats;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const std::string name =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (name == "pdf") {
            formats.push_back(OutputFormat::pdf);
        } else if (name == "xlsx") {
            formats.push_back(OutputFormat::xlsx);
        } else if (name == "json") {
            formats.push_back(OutputFormat::json);
        } else if (name == "csv") {
            formats.push_back(OutputFormat::csv);
        } else if (name == "png") {
            formats.push_back(OutputFormat::png);
        } else if (name == "svg") {
            formats.push_back(OutputFormat::svg);
        } else {
            diagnostics.error({},
                              fmt::format("--format: expected a comma-separated list of pdf, "
                                          "xlsx, json, csv, png, svg; found '{}'",
                                          name),
                              did_you_mean(name, {"pdf", "xlsx", "json", "csv", "png", "svg"}));
            return std::nullopt;
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return formats;
}

std::optional<std::int64_t> parse_epoch(const std::string& text, Diagnostics& diagnostics) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < 0) {
        diagnostics.error({}, fmt::format("SOURCE_DATE_EPOCH: expected a non-negative integer "
                                          "(seconds since 1970), found '{}'",
                                          text));
        return std::nullopt;
    }
    return value;
}

namespace {

/// Wall-clock seconds since it was made, or since the last lap (PhaseTimes).
class PhaseClock {
public:
    double lap() {
        const auto now = std::chrono::steady_clock::now();
        const double seconds = std::chrono::duration<double>(now - last_).count();
        last_ = now;
        return seconds;
    }

private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

std::int64_t epoch_of_date(const std::string& iso_date) {
    std::tm tm{};
    std::sscanf(iso_date.c_str(), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

/// Gives the memory freed so far back to the system. The PDF renders on a thread of its own,
/// whose allocations come from another malloc arena: without this, the pages the evaluation
/// and the audit table freed stay resident beside it (the GB report with its workbook peaked
/// at 218 MB resident for 178 MB of live data).
/// Only for a run whose PDF gets a thread of its own (the one case where it pays), and not
/// under AddressSanitizer, whose allocator replaces glibc's: glibc's malloc_trim then sets up
/// an arena nothing uses, and a thread's exit fails glibc's arena assertion.
/// With tcmalloc (cmake/Dependencies.cmake), malloc_trim is still glibc's and trims nothing:
/// tcmalloc's own call, found at run time, gives its free pages back instead (the
/// reference-size report with its workbook: 137.7 MiB resident without it).
void release_free_memory() {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    using Release = void (*)();
    static const auto tcmalloc_release =
        reinterpret_cast<Release>(dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory"));
    if (tcmalloc_release != nullptr) {
        tcmalloc_release();
    } else {
        malloc_trim(0);
    }
#endif
}

bool wants(const BuildOptions& options, OutputFormat format) {
    return std::find(options.formats.begin(), options.formats.end(), format) !=
           options.formats.end();
}

/// The files a report is generated from: the configuration, the catalogue files, every file of
/// the template's folder, the reference tables, the targets files and the data sources, each
/// named by its file name (not its path, so that two checkouts give the same fingerprint).
std::vector<std::pair<std::string, std::string>> input_files(const ReportSpec& spec,
                                                             const Catalogue& catalogue) {
    std::vector<std::pair<std::string, std::string>> files; // (label, path)
    namespace fs = std::filesystem;
    const auto add = [&](const std::string& label, const std::string& path) {
        if (!path.empty() && fs::is_regular_file(path)) {
            files.emplace_back(label, path);
        }
    };
    add("config " + fs::path(spec.config_path).filename().string(), spec.config_path);
    for (const auto& file : catalogue.files) {
        add("catalogue " + fs::path(file).filename().string(), file);
    }
    if (!spec.template_path.empty()) {
        const fs::path folder = fs::path(spec.template_path).parent_path();
        std::vector<fs::path> template_files;
        std::error_code error;
        for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
             it.increment(error)) {
            if (it->is_regular_file() && it->path().extension() == ".toml") {
                template_files.push_back(it->path());
            }
        }
        // The shared words (templates/common/text) are part of every template.
        const fs::path common = folder.parent_path() / "common" / "text";
        for (fs::recursive_directory_iterator it(common, error), end; !error && it != end;
             it.increment(error)) {
            if (it->is_regular_file() && it->path().extension() == ".toml") {
                template_files.push_back(it->path());
            }
        }
        std::sort(template_files.begin(), template_files.end());
        for (const auto& file : template_files) {
            add("template " + fs::relative(file, folder).string(), file.string());
        }
    }
    for (const auto& path :
         {spec.countries_path, spec.exchange_rates_path, spec.gni_path, spec.inflation_path}) {
        add("reference " + fs::path(path).filename().string(), path);
    }
    for (const auto& path : spec.targets_paths) {
        add("targets " + fs::path(path).filename().string(), path);
    }
    for (const auto& source : spec.sources) {
        add("data " + source.name + ": " + fs::path(source.path).filename().string(), source.path);
    }
    return files;
}

/// Fills the workbook cover's provenance: the period, the sources with their sha256 (or, for a
/// slice, its description), and one fingerprint over every input.
void describe_inputs(const detail::PreparedRun& run, const detail::ReportJob& job,
                     const Results& results, DocumentInfo& info) {
    if (!results.periods.empty()) {
        info.period = results.periods.front() == results.periods.back()
                          ? fmt::format("{}", results.periods.front())
                          : fmt::format("{}-{}", results.periods.front(), results.periods.back());
    }
    info.generator = fmt::format("sfpgen {}", version);
    if (!job.slice_description.empty()) {
        info.sources.push_back(job.slice_description);
        info.fingerprint = job.fingerprint;
        return;
    }
    std::string lines;
    for (const auto& input : run.inputs) {
        lines += fmt::format("{} {}\n", input.sha256, input.label);
        if (input.is_data()) {
            info.sources.push_back(
                fmt::format("{} (sha256 {})", input.label.substr(5), input.sha256));
        }
    }
    info.fingerprint = sha256_hex(lines);
}

/// The indicators whose aggregates the document's tables show (their per-record inputs go to
/// the workbook's Data sheet).
std::vector<std::string> audited_indicators(const Document& document) {
    std::vector<std::string> ids;
    for (const auto& block : document.blocks) {
        const Table* table = workbook_table(block);
        if (table == nullptr) {
            continue;
        }
        table->for_each_row([&ids](const std::vector<Cell>& row) {
            for (const auto& cell : row) {
                if (cell.source &&
                    std::find(ids.begin(), ids.end(), cell.source->indicator) == ids.end()) {
                    ids.push_back(cell.source->indicator);
                }
            }
        });
    }
    return ids;
}

} // namespace

namespace detail {

std::optional<PreparedRun> prepare_run(const BuildOptions& options, Diagnostics& diagnostics,
                                       ExitCode& code, bool warm_pdf) {
    auto spec = parse_config(options.config_path, diagnostics);
    if (!spec) {
        code = ExitCode::config;
        return std::nullopt;
    }
    if (spec->name.empty() || spec->indicators.empty()) {
        diagnostics.error({spec->config_path, 1, 1},
                          "the configuration has no [report] name or [indicators] show: it "
                          "describes data, not a report",
                          "data-only configurations are for 'sfpgen validate' and 'sfpgen ingest'");
        code = ExitCode::config;
        return std::nullopt;
    }
    auto definitions = load_definitions(*spec, diagnostics, code);
    if (!definitions) {
        return std::nullopt;
    }
    if (!options.page_size.empty()) {
        if (options.page_size != "a4" && options.page_size != "letter") {
            diagnostics.error({},
                              fmt::format("--page-size: expected 'a4' or 'letter', found '{}'",
                                          options.page_size),
                              did_you_mean(options.page_size, {"a4", "letter"}));
            code = ExitCode::usage;
            return std::nullopt;
        }
        spec->page_size = options.page_size;
    }
    // The inputs' digests (provenance and batch manifests) are taken on a second thread while
    // the data loads; their diagnostics keep their place after the template's.
    Diagnostics digest_diagnostics;
    const auto digest_inputs = [&spec, &definitions, &digest_diagnostics] {
        std::vector<InputDigest> inputs;
        for (const auto& [label, path] : input_files(*spec, definitions->catalogue)) {
            if (const auto digest = sha256_file(path, digest_diagnostics)) {
                inputs.push_back({label, path, digest->sha256});
            }
        }
        return inputs;
    };
    std::future<std::vector<InputDigest>> digests;
    try {
        digests = std::async(std::launch::async, digest_inputs);
    } catch (const std::system_error&) {
        digests = std::async(std::launch::deferred, digest_inputs); // no thread: taken later
    }
    auto data = load_all_sources(*spec, diagnostics);
    if (!data) {
        code = load_failure_code(*spec, diagnostics);
        return std::nullopt;
    }
    // The PDF renderer's fonts and patterns are readied from here on: the template's loading
    // and the evaluation's first steps (the records' links, the groupings) take one core.
    std::shared_future<void> pdf_warm_up;
    if (warm_pdf && wants(options, OutputFormat::pdf) && options.parallel_formats) {
        const std::string language = options.language.empty() ? spec->language : options.language;
        try {
            pdf_warm_up = std::async(std::launch::async, [language] {
                              warm_pdf_renderer(PdfOptions{}.font_family, language);
                          }).share();
        } catch (const std::system_error&) {
            // No thread to be had: the render loads them itself.
        }
    }
    if (spec->template_path.empty()) {
        diagnostics.error({spec->config_path, 1, 1},
                          "the configuration has no [report] template: nothing says what the "
                          "report contains",
                          "add template = \"document.toml\" to [report] (docs/templates.md; "
                          "templates/gb-progress/document.toml is the Governing Body report)");
        code = ExitCode::config;
        return std::nullopt;
    }
    auto report = load_template(spec->template_path, definitions->catalogue, diagnostics);
    if (!report || !include_template(*report, *definitions, diagnostics)) {
        code = ExitCode::config;
        return std::nullopt;
    }
    std::vector<InputDigest> inputs = digests.get();
    for (const Diagnostic& item : digest_diagnostics.items()) {
        diagnostics.add(item);
    }
    return PreparedRun{std::move(*spec),   std::move(*definitions), std::move(*data),
                       std::move(*report), std::move(inputs),       std::move(pdf_warm_up)};
}

bool check_language(const PreparedRun& run, const std::string& language, const std::string& what,
                    SourcePos position, Diagnostics& diagnostics) {
    if (run.report.languages.find(language) != run.report.languages.end()) {
        return true;
    }
    std::vector<std::string> names;
    for (const auto& [name, texts] : run.report.languages) {
        names.push_back(name);
    }
    diagnostics.error(std::move(position),
                      fmt::format("{}: the template has no texts in '{}' (it has {})", what,
                                  language, fmt::join(names, ", ")),
                      did_you_mean(language, names));
    return false;
}

std::vector<std::string> planned_outputs(const BuildOptions& options,
                                         const std::filesystem::path& base) {
    std::vector<std::string> paths;
    for (const auto& [format, extension] :
         std::initializer_list<std::pair<OutputFormat, const char*>>{
             {OutputFormat::pdf, ".pdf"},
             {OutputFormat::xlsx, ".xlsx"},
             {OutputFormat::json, ".results.json"},
             {OutputFormat::csv, ".results.csv"}}) {
        if (wants(options, format)) {
            paths.push_back(base.string() + extension);
        }
    }
    return paths;
}

/// Writes every requested format but the PDF (workbook, results JSON and CSV, figures) and
/// adds their paths to `outputs`; false when one of them could not be written.
bool write_other_formats(const Document& document, const BuildOptions& options,
                         const ReportSpec& spec, const Catalogue& catalogue, const Dataset& data,
                         const Evaluation* evaluation, const std::string& base,
                         std::int64_t timestamp, std::vector<std::string>& outputs,
                         Diagnostics& diagnostics) {
    bool ok = true;
    if (wants(options, OutputFormat::xlsx)) {
        const std::string path = base + ".xlsx";
        XlsxOptions xlsx;
        xlsx.timestamp = timestamp;
        xlsx.formulas = options.xlsx_formulas;
        if (options.xlsx_streaming) {
            xlsx.constant_memory_cells = 0;
        }
        if (write_xlsx(document, path, xlsx, diagnostics)) {
            outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    if (wants(options, OutputFormat::json)) {
        const std::string path = base + ".results.json";
        if (write_file_streamed(
                path,
                [&](const TextWriter& write) {
                    write_results_json(write, spec, catalogue, data, evaluation->results,
                                       evaluation->assessment);
                },
                diagnostics)) {
            outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    if (wants(options, OutputFormat::csv)) {
        const std::string path = base + ".results.csv";
        if (write_file_streamed(
                path,
                [&](const TextWriter& write) {
                    write_results_csv(write, catalogue, evaluation->results,
                                      evaluation->assessment);
                },
                diagnostics)) {
            outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    for (const OutputFormat format : {OutputFormat::png, OutputFormat::svg}) {
        if (wants(options, format)) {
            const FigureFormat figure_format =
                format == OutputFormat::png ? FigureFormat::png : FigureFormat::svg;
            if (!write_figures(document, base, figure_format, options.dpi, outputs, diagnostics)) {
                ok = false;
            }
        }
    }
    return ok;
}

ExitCode render_report(const PreparedRun& run, const BuildOptions& options, const ReportJob& job,
                       std::vector<std::string>& outputs, Diagnostics& diagnostics) {
    const Catalogue& catalogue = run.definitions.catalogue;
    const Dataset& data = *job.data;
    ReportSpec spec = run.spec;
    spec.constituent = job.constituent;
    PhaseTimes times;
    PhaseClock clock;
    // Another core readies the PDF renderer's fonts and hyphenation patterns (a report on its
    // own; a batch's workers keep theirs warm): from the end of the loading (prepare_run), else
    // from the start of the evaluation, whose first steps take one core.
    std::jthread warm_up;
    if (!run.pdf_warm_up.valid() && wants(options, OutputFormat::pdf) && options.parallel_formats) {
        try {
            warm_up =
                std::jthread([&] { warm_pdf_renderer(PdfOptions{}.font_family, job.language); });
        } catch (const std::system_error&) {
            // No thread to be had: the render loads them itself.
        }
    }
    const bool workbook = wants(options, OutputFormat::xlsx);
    const bool results_files =
        wants(options, OutputFormat::json) || wants(options, OutputFormat::csv);
    // The document reads medians, trimmed means and records lists for the last period
    // (peer-group tables and ranges); the workbook shows every period's medians, the results
    // files publish everything.
    auto evaluation = std::make_unique<Evaluation>(evaluate(
        run.definitions, data, job.targets, options.evaluation_threads, {workbook, results_files}));
    times.evaluate = clock.lap();
    const auto errors_before = diagnostics.error_count();
    Document document =
        build_document(spec, run.report, job.language, catalogue, data, evaluation->results,
                       evaluation->assessment, diagnostics, &evaluation->record_values, workbook,
                       options.evaluation_threads);
    if (diagnostics.error_count() > errors_before) {
        return ExitCode::config;
    }
    if (workbook) {
        describe_inputs(run, job, evaluation->results, document.info);
    }
    // Which records each result used is read by the document (peer groups, built by now) and
    // the results files only: without those files the lists go before the audit table is made
    // (21 MB of a report with many groupings). Their pages go back to the system before a
    // workbook; a PDF alone reuses them (trimmed, its allocations faulted them in again), and
    // a brief's few kB are not worth a trim.
    if (!results_files) {
        const std::size_t dropped = evaluation->results.drop_provenance();
        if (workbook && dropped > (std::size_t{4} << 20)) {
            release_free_memory();
        }
    }
    if (workbook && options.xlsx_formulas) {
        document.audit = std::make_shared<const AuditTable>(
            audit_table(data, catalogue, run.definitions.reference, run.definitions.options,
                        evaluation->results, audited_indicators(document)));
    }
    // The PDF, the workbook and the figures read the document only: the results (with their
    // provenance lists, 30 MB on a 2,000 x 15 panel) go before rendering unless the results
    // files need them, so that their memory and the renderers' do not add up.
    std::unique_ptr<Evaluation> done_evaluation;
    if (!results_files) {
        done_evaluation = std::move(evaluation);
    }
    std::optional<Dataset> done_data;
    if (job.disposable_data != nullptr && !wants(options, OutputFormat::json)) {
        done_data = std::move(*job.disposable_data);
        *job.disposable_data = Dataset{};
    }
    const bool pdf_wanted = wants(options, OutputFormat::pdf);
    const bool pdf_thread = pdf_wanted && options.parallel_formats && options.formats.size() > 1;
    // A PDF alone renders here: the other core frees the results and the data (30 ms of work
    // on 2,000 x 15) as soon as the render leaves it idle (PdfOptions::core_free): when the
    // layout's helper has set up its tables, else once the PDF is laid out, while cairo writes
    // the pages on this one. Freed at the layout's start, they took the core from the layout
    // and its helper; kept to the layout's end, their memory was not reused by the layout
    // (the reference-size report's peak grew by 15 MB, over the 150 MB target).
    // Otherwise (the PDF beside other formats, or a batch's worker) they go here and now.
    std::promise<void> core_free;
    std::atomic<bool> told{false};
    const auto tell_core_free = [&core_free, &told] {
        if (!told.exchange(true)) {
            core_free.set_value();
        }
    };
    std::jthread disposer;
    if (pdf_wanted && !pdf_thread && options.parallel_formats &&
        (done_evaluation != nullptr || done_data)) {
        // The numeric columns are a few large blocks (14 MB on 2,000 x 15), quick to free:
        // they go now, so that the layout reuses their memory (the many small objects, slow
        // to free, wait for the other core).
        if (done_data) {
            done_data->numbers.clear();
        }
        try {
            disposer =
                std::jthread([evaluation = std::move(done_evaluation), data = std::move(done_data),
                              ready = core_free.get_future()]() mutable {
                    ready.wait();
                    evaluation.reset();
                    data.reset();
                });
        } catch (const std::system_error&) {
            // No thread to be had: freed below, on this one.
        }
    }
    // Whatever happens to the PDF, the disposer is told before it is joined.
    const ScopeExit tell_disposer(tell_core_free);
    done_evaluation.reset();
    done_data.reset();
    if (pdf_thread) {
        release_free_memory();
    }
    if (warm_up.joinable()) {
        warm_up.join();
    }
    if (run.pdf_warm_up.valid()) {
        run.pdf_warm_up.wait();
    }
    times.document = clock.lap();
    const std::int64_t timestamp = options.source_date_epoch.value_or(epoch_of_date(spec.date));
    const std::string base = job.base.string();
    // The PDF renders on a thread of its own while the other formats are written (when asked
    // and when there are other formats). Its diagnostics and path come first, as in a serial run.
    bool pdf_ok = true;
    Diagnostics pdf_diagnostics;
    std::exception_ptr pdf_failure;
    PdfTimes pdf_times;
    const auto write_pdf = [&] {
        try {
            PdfOptions pdf;
            pdf.timestamp = timestamp;
            pdf.creator = fmt::format("sfpgen {}", version);
            pdf.times = &pdf_times;
            // Alone, the PDF has the other core to itself (the disposer's frees aside).
            pdf.layout_helper = !pdf_thread && options.parallel_formats;
            pdf.core_free = tell_core_free;
            pdf_ok = render_pdf(document, base + ".pdf", pdf, pdf_diagnostics);
        } catch (...) {
            pdf_failure = std::current_exception();
        }
    };
    Diagnostics other_diagnostics;
    std::vector<std::string> other_outputs;
    bool others_ok = true;
    {
        std::jthread pdf_worker;
        if (pdf_thread) {
            pdf_worker = std::jthread(write_pdf);
        } else if (pdf_wanted) {
            write_pdf();
        }
        PhaseClock others;
        others_ok = write_other_formats(document, options, spec, catalogue, data, evaluation.get(),
                                        base, timestamp, other_outputs, other_diagnostics);
        times.other_formats = others.lap();
    }
    times.pdf_layout = pdf_times.layout;
    times.pdf_output = pdf_times.output;
    times.pdf_helper_tables = pdf_times.helper_tables;
    times.pdf_composed_texts = pdf_times.composed_texts;
    times.pdf_split_page = pdf_times.split_page;
    if (job.times != nullptr) {
        *job.times = times;
    }
    if (pdf_failure) {
        std::rethrow_exception(pdf_failure);
    }
    for (const Diagnostic& item : pdf_diagnostics.items()) {
        diagnostics.add(item);
    }
    if (pdf_wanted && pdf_ok) {
        outputs.push_back(base + ".pdf");
    }
    for (const Diagnostic& item : other_diagnostics.items()) {
        diagnostics.add(item);
    }
    outputs.insert(outputs.end(), other_outputs.begin(), other_outputs.end());
    const bool ok = pdf_ok && others_ok;
    return ok ? ExitCode::ok : ExitCode::output;
}

} // namespace detail

BuildResult build_report(const BuildOptions& options, Diagnostics& diagnostics) {
    BuildResult result;
    ExitCode code = ExitCode::ok;
    PhaseClock clock;
    auto run = detail::prepare_run(options, diagnostics, code, /*warm_pdf=*/true);
    if (!run) {
        result.code = code;
        return result;
    }
    const double prepare = clock.lap();
    result.issues = run->data.issues;
    const std::string language = options.language.empty() ? run->spec.language : options.language;
    if (!detail::check_language(
            *run, language, options.language.empty() ? "[report] language" : "--lang",
            options.language.empty() ? run->spec.language_pos : SourcePos{}, diagnostics)) {
        result.code = options.language.empty() ? ExitCode::config : ExitCode::usage;
        return result;
    }
    if (!prepare_output_dir(options.output_dir, diagnostics)) {
        result.code = ExitCode::output;
        return result;
    }
    const std::string suffix = language == run->spec.language ? "" : "-" + language;
    detail::ReportJob job;
    job.data = &run->data;
    job.disposable_data = &run->data; // nothing reads it after this report
    job.language = language;
    job.base = std::filesystem::path(options.output_dir) / (run->spec.name + suffix);
    job.times = &result.times;
    result.code = detail::render_report(*run, options, job, result.outputs, diagnostics);
    result.times.prepare = prepare;
    return result;
}

} // namespace sfp
