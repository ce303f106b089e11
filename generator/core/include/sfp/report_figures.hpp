#pragma once
/// The figures of the reports (Governing Body report, briefs), built from results as chart
/// models (charts::ChartSpec) with localised words. No Cairo here: the renderers draw them.
/// Documented in docs/charts.md ("Report figures"); words in
/// templates/common/text/<lang>/figures.toml.

#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"
#include "sfp/indicators.hpp"
#include "sfp/targets.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfp {

/// Everything a figure may read. `word(key)` returns the localised word for "figures.<key>"
/// (from templates/common/text/<lang>/figures.toml or the template's own text files).
struct FigureContext {
    const Catalogue& catalogue;
    const Results& results;
    const Assessment& assessment;
    const Dataset& data;
    int first_year = 0;
    int year = 0;                ///< the report's last year
    std::string language = "en"; ///< "en", "fr", "es": number formats and words
    std::function<std::string(std::string_view key)> word;
    /// The printed name of a scope in the report's language ("All regions" -> "Toutes les
    /// régions", "Africa" -> "Afrique"), for the scope's index in Results::scopes and the
    /// grouping it is shown under; empty = Results::scopes[i].label. Additive: default empty.
    std::function<std::string(std::size_t scope, std::size_t grouping)> scope_label = {};
    /// Institution values per record (institution_values) of the indicators that figures plot
    /// institution by institution (depth-vs-oss), keyed by indicator id; null or missing id =
    /// the figure falls back to a computed "institution" grouping. Additive: default null.
    const RecordValues* record_values = nullptr;
};

/// One `type = "figure"` block of a template.
struct FigureRequest {
    std::string kind;                    ///< one of figure_kinds()
    std::string indicator;               ///< the indicator, for kinds that take one
    std::vector<std::string> indicators; ///< for kinds that take several
    std::string grouping;                ///< "region", "peer:age"...: for kinds by group
    std::string title;                   ///< caption text; empty = the kind's default title
    SourcePos where;                     ///< of the block, for diagnostics
};

/// The figure kinds a template may ask for, with what each draws:
///   trend               line per scope of the primary grouping + all, first..last year, with
///                       the indicator's baseline, milestones and target (from the assessment)
///                       as markers
///   by-scope            columns: the indicator by scope of a grouping, last year
///   target-bullets      one bullet per target: actual vs expected vs target, status colour
///   peer-ranges         P25-median-P75 of the indicator per group of `grouping` (MIX style),
///                       n under each, n < min_n suppressed
///   par-ageing          stacked bars by scope: portfolio at risk by age bucket (31-90, 91-180,
///                       181-365, > 365 days) as a share of the gross loan portfolio
///   depth-vs-oss        scatter, one point per institution: depth of outreach (x) against OSS
///   social-performance  bars of social performance scores by dimension (radar when >= 5)
///   women-share         bars of the share of women borrowers by scope with a reference line
[[nodiscard]] const std::vector<std::string>& figure_kinds();

/// The x (depth of outreach) and y (OSS) indicators of a depth-vs-oss figure: the block's
/// `indicators`, by default OUT-05 and FIN-01. Without a `grouping` the figure plots their
/// values per record (FigureContext::record_values), which the build computes for these ids.
[[nodiscard]] std::pair<std::string, std::string>
depth_vs_oss_indicators(const std::vector<std::string>& indicators);

/// Builds the figure (caption, chart, data-sheet name); nullopt with a diagnostic at
/// request.where when the kind is unknown (with "did you mean"), an indicator is not in the
/// catalogue, or the grouping was not computed. A figure whose values are all missing is still
/// built (the chart says "no data"): missing data is shown, not hidden.
[[nodiscard]] std::optional<Figure> build_report_figure(const FigureRequest& request,
                                                        const FigureContext& context,
                                                        Diagnostics& diagnostics);

} // namespace sfp
