// `sfpgen cgap`: the CGAP submission workbook and its PDF summary (docs/cgap.md).

#include "sfp/cgap_run.hpp"

#include "sfp/cgap.hpp"
#include "sfp/config.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/output.hpp"
#include "sfp/render_cgap.hpp"
#include "sfp/render_pdf.hpp"
#include "sfp/sources.hpp"
#include "sfp/version.hpp"

#include <ctime>
#include <filesystem>
#include <fmt/format.h>

namespace sfp {

namespace {

/// The partners' data and definitions, loaded through the partner report configuration.
struct Partners {
    Definitions definitions;
    Dataset data;
};

std::optional<Partners> load_partners(const std::string& config_path, Diagnostics& diagnostics,
                                      ExitCode& code) {
    const auto spec = parse_config(config_path, diagnostics);
    if (!spec) {
        code = ExitCode::config;
        return std::nullopt;
    }
    auto definitions = load_definitions(*spec, diagnostics, code);
    if (!definitions) {
        return std::nullopt;
    }
    auto data = load_all_sources(*spec, diagnostics);
    if (!data) {
        code = load_failure_code(*spec, diagnostics);
        return std::nullopt;
    }
    return Partners{std::move(*definitions), std::move(*data)};
}

/// Every indicator column of Partner performance must name a catalogue indicator.
bool check_indicator_columns(const cgap::Layout& layout, const Catalogue& catalogue,
                             Diagnostics& diagnostics) {
    bool ok = true;
    for (const auto& column : layout.sheet("partner_performance")->columns) {
        if (!column.indicator.empty() && catalogue.find(column.indicator) == nullptr) {
            diagnostics.error(
                column.indicator_pos,
                fmt::format("unknown indicator '{}' in column '{}'", column.indicator, column.key),
                did_you_mean(column.indicator, catalogue.ids()));
            ok = false;
        }
    }
    return ok;
}

RecordValues partner_values(const cgap::Layout& layout, const Partners& partners) {
    RecordValues values;
    const Definitions& definitions = partners.definitions;
    for (const auto& column : layout.sheet("partner_performance")->columns) {
        if (!column.indicator.empty() && values.find(column.indicator) == values.end()) {
            values.emplace(column.indicator,
                           institution_values(partners.data, definitions.catalogue,
                                              definitions.reference, definitions.options,
                                              column.indicator));
        }
    }
    return values;
}

std::int64_t epoch_of(const std::string& iso_date) {
    const auto date = parse_date(iso_date, DateFormat::iso);
    return date ? static_cast<std::int64_t>(date->days()) * 86400 : 0;
}

bool write_outputs(const cgap::Submission& submission, const cgap::Layout& layout,
                   const std::vector<cgap::Project>& projects, const CgapOptions& options,
                   Diagnostics& diagnostics, CgapResult& result) {
    const std::string generator = fmt::format("sfpgen {}", version);
    const std::int64_t timestamp =
        options.source_date_epoch.value_or(epoch_of(submission.config.date));
    const std::string base = (std::filesystem::path(options.output_dir) /
                              fmt::format("cgap-submission-{}", submission.config.year))
                                 .string();
    bool ok = true;
    if (write_cgap_xlsx(submission, layout, base + ".xlsx", {timestamp, generator}, diagnostics)) {
        result.outputs.push_back(base + ".xlsx");
    } else {
        ok = false;
    }
    PdfOptions pdf;
    pdf.timestamp = timestamp;
    pdf.creator = generator;
    const Document summary = cgap::summary_document(submission, layout, projects, generator);
    if (render_pdf(summary, base + ".pdf", pdf, diagnostics)) {
        result.outputs.push_back(base + ".pdf");
    } else {
        ok = false;
    }
    return ok;
}

} // namespace

CgapResult run_cgap_submission(const CgapOptions& options, Diagnostics& diagnostics) {
    CgapResult result;
    const auto config = cgap::load_config(options.config_path, diagnostics);
    const auto layout = config ? cgap::load_layout(config->layout_path, diagnostics) : std::nullopt;
    if (!layout) {
        result.code = ExitCode::config;
        return result;
    }
    ExitCode partners_code = ExitCode::ok;
    const auto partners = load_partners(config->partners_config, diagnostics, partners_code);
    if (!partners) {
        result.code = partners_code;
        return result;
    }
    if (!check_indicator_columns(*layout, partners->definitions.catalogue, diagnostics)) {
        result.code = ExitCode::config;
        return result;
    }
    cgap::ProjectChecks checks{&*layout, &partners->definitions.catalogue, {}};
    checks.partner_ids.insert(partners->data.institution_id.begin(),
                              partners->data.institution_id.end());
    const auto projects = cgap::load_projects(config->projects_path, checks, diagnostics);
    if (!projects) {
        result.code = ExitCode::data;
        return result;
    }
    result.partner_data_problems = partners->data.issues.size();
    result.partners_config = config->partners_config;
    const RecordValues values = partner_values(*layout, *partners);
    const cgap::Submission submission = cgap::build_submission(
        *config, *layout, *projects, partners->definitions.catalogue, {&partners->data, &values});
    if (!prepare_output_dir(options.output_dir, diagnostics) ||
        !write_outputs(submission, *layout, *projects, options, diagnostics, result)) {
        result.code = ExitCode::output;
    }
    return result;
}

} // namespace sfp
