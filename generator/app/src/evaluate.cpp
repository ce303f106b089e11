#include "sfp/evaluate.hpp"

#include "sfp/report_figures.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sfp {

std::optional<Definitions> load_definitions(const ReportSpec& spec, Diagnostics& diagnostics,
                                            ExitCode& code) {
    code = ExitCode::config;
    auto catalogue = load_catalogue(spec.catalogue_path, diagnostics);
    if (!catalogue || !extend_catalogue(*catalogue, spec.config_path, diagnostics) ||
        !bind_indicators(spec, *catalogue, diagnostics)) {
        return std::nullopt;
    }
    Definitions definitions;
    definitions.catalogue = std::move(*catalogue);
    definitions.options = engine_options(spec);
    if (!check_engine_options(definitions.options, definitions.catalogue, diagnostics)) {
        return std::nullopt;
    }
    bool targets_ok = true;
    for (const auto& path : spec.targets_paths) {
        targets_ok = load_targets(path, definitions.catalogue, definitions.targets, diagnostics) &&
                     targets_ok;
    }
    targets_ok =
        load_targets(spec.config_path, definitions.catalogue, definitions.targets, diagnostics) &&
        targets_ok;
    if (!targets_ok) {
        return std::nullopt;
    }
    code = ExitCode::data;
    bool reference_ok = true;
    if (!spec.exchange_rates_path.empty()) {
        reference_ok =
            load_exchange_rates(spec.exchange_rates_path, definitions.reference, diagnostics) &&
            reference_ok;
    }
    if (!spec.gni_path.empty()) {
        reference_ok =
            load_gni_per_capita(spec.gni_path, definitions.reference, diagnostics) && reference_ok;
    }
    if (!spec.inflation_path.empty()) {
        reference_ok =
            load_inflation(spec.inflation_path, definitions.reference, diagnostics) && reference_ok;
    }
    if (!reference_ok) {
        return std::nullopt;
    }
    code = ExitCode::ok;
    return definitions;
}

bool include_template(const ReportTemplate& report, Definitions& definitions,
                      Diagnostics& diagnostics) {
    EngineOptions& options = definitions.options;
    for (const auto& id : report.indicators()) {
        if (definitions.catalogue.find(id) != nullptr &&
            std::find(options.indicators.begin(), options.indicators.end(), id) ==
                options.indicators.end()) {
            options.indicators.push_back(id);
        }
    }
    for (const auto& block : report.blocks) {
        if (block.type == BlockType::figure && block.figure == "depth-vs-oss" &&
            block.grouping.empty()) {
            const auto [x, y] = depth_vs_oss_indicators(block.indicators);
            for (const auto& id : {x, y}) {
                if (definitions.catalogue.find(id) != nullptr &&
                    std::find(definitions.record_indicators.begin(),
                              definitions.record_indicators.end(),
                              id) == definitions.record_indicators.end()) {
                    definitions.record_indicators.push_back(id);
                }
            }
        }
    }
    for (const auto& grouping : report.groupings()) {
        if (std::find(options.groupings.begin(), options.groupings.end(), grouping) ==
            options.groupings.end()) {
            options.groupings.push_back(grouping);
        }
    }
    return check_engine_options(options, definitions.catalogue, diagnostics);
}

Evaluation evaluate(const Definitions& definitions, const Dataset& data, const TargetSet* targets,
                    unsigned threads, ResultReaders readers) {
    const TargetSet& set = targets != nullptr ? *targets : definitions.targets;
    // Guard rails and figures read per-record values: computed with the results, from the same
    // evaluation of the formulas, rather than evaluating the catalogue again for each.
    std::set<std::string> rail_indicators;
    for (const auto& rail : set.guard_rails) {
        rail_indicators.insert(rail.indicator);
    }
    std::vector<std::string> value_ids(rail_indicators.begin(), rail_indicators.end());
    for (const auto& id : definitions.record_indicators) {
        if (rail_indicators.count(id) == 0) {
            value_ids.push_back(id);
        }
    }
    RecordValues values;
    Evaluation evaluation;
    EngineOptions options = definitions.options;
    options.threads = threads;
    options.order_statistics_every_period = readers.workbook || readers.results_files;
    options.provenance_every_period = readers.results_files;
    evaluation.results = compute_indicators(data, definitions.catalogue, definitions.reference,
                                            options, value_ids, values);
    evaluation.assessment.set = set;
    evaluation.assessment.targets =
        evaluate_targets(set, evaluation.results, definitions.catalogue);
    for (const auto& id : definitions.record_indicators) {
        evaluation.record_values.emplace(id, values.at(id));
    }
    std::map<std::string, InstitutionValues> rail_values;
    for (const auto& id : rail_indicators) {
        rail_values.emplace(id, std::move(values.at(id)));
    }
    evaluation.assessment.guard_rails = evaluate_guard_rails(set, evaluation.results, rail_values);
    return evaluation;
}

} // namespace sfp
