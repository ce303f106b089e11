#include "sfp/build.hpp"

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
#include <charconv>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>

namespace sfp {

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

std::int64_t epoch_of_date(const std::string& iso_date) {
    std::tm tm{};
    std::sscanf(iso_date.c_str(), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
}

bool wants(const BuildOptions& options, OutputFormat format) {
    return std::find(options.formats.begin(), options.formats.end(), format) !=
           options.formats.end();
}

/// The files a report is generated from: the configuration, the catalogue files, every file of
/// the template's folder and the data sources, each named by its file name (not its path, so
/// that two checkouts give the same fingerprint).
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
        std::sort(template_files.begin(), template_files.end());
        for (const auto& file : template_files) {
            add("template " + fs::relative(file, folder).string(), file.string());
        }
    }
    for (const auto& source : spec.sources) {
        add("data " + source.name + ": " + fs::path(source.path).filename().string(), source.path);
    }
    return files;
}

/// Fills the workbook cover's provenance: the period, the sources with their sha256, and one
/// fingerprint over every input file.
void describe_inputs(const ReportSpec& spec, const Catalogue& catalogue, const Results& results,
                     DocumentInfo& info, Diagnostics& diagnostics) {
    if (!results.periods.empty()) {
        info.period = results.periods.front() == results.periods.back()
                          ? fmt::format("{}", results.periods.front())
                          : fmt::format("{}-{}", results.periods.front(), results.periods.back());
    }
    info.generator = fmt::format("sfpgen {}", version);
    std::string lines;
    for (const auto& [label, path] : input_files(spec, catalogue)) {
        const auto digest = sha256_file(path, diagnostics);
        if (!digest) {
            continue;
        }
        lines += fmt::format("{} {}\n", digest->sha256, label);
        if (label.rfind("data ", 0) == 0) {
            info.sources.push_back(fmt::format("{} (sha256 {})", label.substr(5), digest->sha256));
        }
    }
    info.fingerprint = sha256_hex(lines);
}

/// The indicators whose aggregates the document's tables show (their per-record inputs go to
/// the workbook's Data sheet).
std::vector<std::string> audited_indicators(const Document& document) {
    std::vector<std::string> ids;
    for (const auto& block : document.blocks) {
        const auto* table = std::get_if<Table>(&block);
        if (table == nullptr) {
            continue;
        }
        for (const auto& row : table->rows) {
            for (const auto& cell : row) {
                if (cell.source &&
                    std::find(ids.begin(), ids.end(), cell.source->indicator) == ids.end()) {
                    ids.push_back(cell.source->indicator);
                }
            }
        }
    }
    return ids;
}

} // namespace

BuildResult build_report(const BuildOptions& options, Diagnostics& diagnostics) {
    BuildResult result;
    auto spec = parse_config(options.config_path, diagnostics);
    if (!spec) {
        result.code = ExitCode::config;
        return result;
    }
    if (spec->name.empty() || spec->indicators.empty()) {
        diagnostics.error({spec->config_path, 1, 1},
                          "the configuration has no [report] name or [indicators] show: it "
                          "describes data, not a report",
                          "data-only configurations are for 'sfpgen validate' and 'sfpgen ingest'");
        result.code = ExitCode::config;
        return result;
    }
    ExitCode definitions_code = ExitCode::ok;
    auto definitions = load_definitions(*spec, diagnostics, definitions_code);
    if (!definitions) {
        result.code = definitions_code;
        return result;
    }
    const Catalogue* catalogue = &definitions->catalogue;
    const std::string language = options.language.empty() ? spec->language : options.language;
    if (!options.page_size.empty()) {
        if (options.page_size != "a4" && options.page_size != "letter") {
            diagnostics.error({},
                              fmt::format("--page-size: expected 'a4' or 'letter', found '{}'",
                                          options.page_size),
                              did_you_mean(options.page_size, {"a4", "letter"}));
            result.code = ExitCode::usage;
            return result;
        }
        spec->page_size = options.page_size;
    }
    const auto data = load_all_sources(*spec, diagnostics);
    if (!data) {
        result.code = load_failure_code(*spec, diagnostics);
        return result;
    }
    result.issues = data->issues;
    std::optional<ReportTemplate> report;
    if (spec->template_path.empty()) {
        diagnostics.error({spec->config_path, 1, 1},
                          "the configuration has no [report] template: nothing says what the "
                          "report contains",
                          "add template = \"document.toml\" to [report] (docs/templates.md; "
                          "templates/gb-progress/document.toml is the Governing Body report)");
        result.code = ExitCode::config;
        return result;
    }
    {
        report = load_template(spec->template_path, *catalogue, diagnostics);
        if (!report || !include_template(*report, *definitions, diagnostics)) {
            result.code = ExitCode::config;
            return result;
        }
        if (report->languages.find(language) == report->languages.end()) {
            std::vector<std::string> names;
            for (const auto& [name, texts] : report->languages) {
                names.push_back(name);
            }
            diagnostics.error(options.language.empty() ? spec->language_pos : SourcePos{},
                              fmt::format("{}: the template has no texts in '{}' (it has {})",
                                          options.language.empty() ? "[report] language" : "--lang",
                                          language, fmt::join(names, ", ")),
                              did_you_mean(language, names));
            result.code = options.language.empty() ? ExitCode::config : ExitCode::usage;
            return result;
        }
    }
    const Evaluation evaluation = evaluate(*definitions, *data);
    const Results& results = evaluation.results;
    const auto errors_before = diagnostics.error_count();
    Document document =
        build_document(*spec, *report, language, *catalogue, *data, results, evaluation.assessment,
                       diagnostics, &evaluation.record_values);
    if (diagnostics.error_count() > errors_before) {
        result.code = ExitCode::config;
        return result;
    }
    if (wants(options, OutputFormat::xlsx)) {
        describe_inputs(*spec, *catalogue, results, document.info, diagnostics);
    }
    if (wants(options, OutputFormat::xlsx) && options.xlsx_formulas) {
        document.audit = std::make_shared<const AuditTable>(
            audit_table(*data, *catalogue, definitions->reference, definitions->options, results,
                        audited_indicators(document)));
    }
    const std::int64_t timestamp = options.source_date_epoch.value_or(epoch_of_date(spec->date));

    if (!prepare_output_dir(options.output_dir, diagnostics)) {
        result.code = ExitCode::output;
        return result;
    }
    const std::string suffix = language == spec->language ? "" : "-" + language;
    const std::filesystem::path base =
        std::filesystem::path(options.output_dir) / (spec->name + suffix);
    bool ok = true;
    if (wants(options, OutputFormat::pdf)) {
        const std::string path = base.string() + ".pdf";
        PdfOptions pdf;
        pdf.timestamp = timestamp;
        pdf.creator = fmt::format("sfpgen {}", version);
        if (render_pdf(document, path, pdf, diagnostics)) {
            result.outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    if (wants(options, OutputFormat::xlsx)) {
        const std::string path = base.string() + ".xlsx";
        XlsxOptions xlsx;
        xlsx.timestamp = timestamp;
        xlsx.formulas = options.xlsx_formulas;
        if (options.xlsx_streaming) {
            xlsx.constant_memory_cells = 0;
        }
        if (write_xlsx(document, path, xlsx, diagnostics)) {
            result.outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    if (wants(options, OutputFormat::json)) {
        const std::string path = base.string() + ".results.json";
        if (write_file_atomically(
                path, results_to_json(*spec, *catalogue, *data, results, evaluation.assessment),
                diagnostics)) {
            result.outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    if (wants(options, OutputFormat::csv)) {
        const std::string path = base.string() + ".results.csv";
        if (write_file_atomically(path, results_to_csv(*catalogue, results, evaluation.assessment),
                                  diagnostics)) {
            result.outputs.push_back(path);
        } else {
            ok = false;
        }
    }
    for (const OutputFormat format : {OutputFormat::png, OutputFormat::svg}) {
        if (wants(options, format)) {
            const FigureFormat figure_format =
                format == OutputFormat::png ? FigureFormat::png : FigureFormat::svg;
            if (!write_figures(document, base.string(), figure_format, options.dpi, result.outputs,
                               diagnostics)) {
                ok = false;
            }
        }
    }
    result.code = ok ? ExitCode::ok : ExitCode::output;
    return result;
}

} // namespace sfp
