#pragma once
/// The chart gallery (`sfpgen gallery`): one chart of every kind built from the sample report's
/// real results (templates/gb-progress/report.toml), as one PDF page per kind
/// (`<output>/gallery.pdf`) and one PNG per chart (`<output>/gallery-<kind>.png`).

#include "charts/chart.hpp"
#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

struct GalleryOptions {
    std::string config_path = "templates/gb-progress/report.toml";
    std::string output_dir = "output";
    double dpi = 150;
    /// Seconds since 1970 for the PDF's dates; nullopt: the config's [report] date.
    std::optional<std::int64_t> source_date_epoch;
};

/// One gallery chart: the spec and what it shows, printed under the page caption.
struct GalleryChart {
    charts::ChartSpec spec;
    std::string about; ///< "Active borrowers by region in 2024 (OUT-01, sum)"
};

struct GalleryCharts {
    ExitCode code = ExitCode::ok;
    std::vector<GalleryChart> charts; ///< one per kind, in charts::all_kinds order
    std::int64_t timestamp = 0;       ///< the config's date (seconds since 1970)
};

/// Loads the configuration and its data, evaluates it and builds one chart per kind from the
/// results. On failure `code` says why (3 configuration, 4 data) and diagnostics say where.
[[nodiscard]] GalleryCharts gallery_charts(const std::string& config_path,
                                           Diagnostics& diagnostics);

/// The page size (points) of gallery charts and PNGs: the chart box of an A4 landscape page.
inline constexpr double gallery_chart_width = 760;
inline constexpr double gallery_chart_height = 440;

/// Writes gallery.pdf and gallery-<kind>.png into options.output_dir. Returns the exit code
/// (0, 3, 4 or 5) and appends the paths written to `outputs`.
[[nodiscard]] ExitCode build_gallery(const GalleryOptions& options, Diagnostics& diagnostics,
                                     std::vector<std::string>& outputs);

} // namespace sfp
