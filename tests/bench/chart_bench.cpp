// chart_bench: charts per second drawn into a PDF surface and into PNG at 150 dpi.
//
// Usage: chart_bench [--smoke] [SECONDS]   (default 2 seconds per measurement; --smoke: 0.1)
//   Builds the gallery's charts from the sample report (templates/gb-progress/report.toml, read
//   from the source tree, as `sfpgen gallery` does), then for a few kinds draws the chart over
//   and over: into one PDF surface (a page per chart, streamed to a null sink, finishing the
//   document included) and into a 760 x 440 pt image at 150 dpi encoded as PNG (to a null
//   sink: the encoding is counted, the disk is not), and the same without the PNG encoding.
//   Prints charts per second for each, then one "BENCH chart <metric> <value> <unit>" line per
//   figure (docs/benchmarks.md).
//   Measure the `bench` preset (Release); see docs/performance.md.

#include "charts/draw.hpp"
#include "charts/output.hpp"
#include "figures.hpp"
#include "sfp/gallery.hpp"

#include <algorithm>
#include <array>
#include <cairo-pdf.h>
#include <cairo.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace {

using Clock = std::chrono::steady_clock;

cairo_status_t null_sink(void* /*closure*/, const unsigned char* /*data*/, unsigned int /*n*/) {
    return CAIRO_STATUS_SUCCESS;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Charts per second into a PDF: pages of one document, until `budget` seconds have passed.
double pdf_rate(const charts::ChartSpec& spec, double budget) {
    const charts::Theme theme;
    cairo_surface_t* surface =
        cairo_pdf_surface_create_for_stream(null_sink, nullptr, 841.89, 595.276);
    cairo_t* cr = cairo_create(surface);
    const auto start = Clock::now();
    long count = 0;
    while (seconds_since(start) < budget) {
        charts::draw_chart(
            cr, charts::Box{40, 110, sfp::gallery_chart_width, sfp::gallery_chart_height}, spec,
            theme);
        cairo_show_page(cr);
        ++count;
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    return static_cast<double>(count) / seconds_since(start);
}

/// Charts per second into PNG at `dpi`: a fresh white image per chart, drawn and, when
/// `encode`, encoded as PNG.
double png_rate(const charts::ChartSpec& spec, double dpi, double budget, bool encode) {
    const charts::Theme theme;
    const int width = charts::pixels(sfp::gallery_chart_width, dpi);
    const int height = charts::pixels(sfp::gallery_chart_height, dpi);
    const auto start = Clock::now();
    long count = 0;
    while (seconds_since(start) < budget) {
        cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
        cairo_t* cr = cairo_create(surface);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, dpi / 72.0, dpi / 72.0);
        charts::draw_chart(cr,
                           charts::Box{0, 0, sfp::gallery_chart_width, sfp::gallery_chart_height},
                           spec, theme);
        cairo_destroy(cr);
        cairo_surface_flush(surface);
        if (encode) {
            cairo_surface_write_to_png_stream(surface, null_sink, nullptr);
        }
        cairo_surface_destroy(surface);
        ++count;
    }
    return static_cast<double>(count) / seconds_since(start);
}

/// Reads [--smoke] [SECONDS]; prints what was expected and returns nullopt on error.
std::optional<double> parse_budget(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    double budget = 2.0;
    if (!args.empty() && args.front() == "--smoke") {
        budget = 0.1;
        args.erase(args.begin());
    }
    if (args.empty()) {
        return budget;
    }
    char* end = nullptr;
    budget = std::strtod(args[0].c_str(), &end);
    if (args.size() > 1 || *end != '\0' || !(budget > 0 && budget <= 600)) {
        fmt::print(stderr, "chart_bench: expected [--smoke] [SECONDS (0-600)], found '{}'\n",
                   fmt::join(args, " "));
        return std::nullopt;
    }
    return budget;
}

/// "small-multiples" -> "small_multiples": a metric name is letters, digits and '_'.
std::string metric_name(std::string text) {
    for (char& c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            c = '_';
        }
    }
    return text;
}

void print_rates(const std::string& kind, double pdf, double png, double raster) {
    using sfp::bench::print_figure;
    print_figure("chart", kind + "_pdf_charts_per_s", pdf, "charts/s");
    print_figure("chart", kind + "_png_charts_per_s", png, "charts/s");
    print_figure("chart", kind + "_raster_charts_per_s", raster, "charts/s");
}

} // namespace

int main(int argc, char** argv) {
    const auto parsed = parse_budget(argc, argv);
    if (!parsed) {
        return 2;
    }
    const double budget = *parsed;
    sfp::Diagnostics diagnostics;
    const auto gallery = sfp::gallery_charts(
        std::string(SFPGEN_SOURCE_DIR) + "/templates/gb-progress/report.toml", diagnostics);
    if (gallery.code != sfp::ExitCode::ok) {
        std::fputs("chart_bench: cannot build the sample charts\n", stderr);
        return 1;
    }
    const std::vector<charts::ChartKind> kinds{
        charts::ChartKind::line, charts::ChartKind::column, charts::ChartKind::scatter,
        charts::ChartKind::bullet, charts::ChartKind::small_multiples};
    fmt::print("{:<18} {:>14} {:>20} {:>22}\n", "kind", "PDF charts/s", "PNG 150 dpi charts/s",
               "raster only charts/s");
    double pdf_total = 0;
    double png_total = 0;
    double raster_total = 0;
    std::vector<std::array<double, 3>> rates; // per kind, for the BENCH lines after the table
    std::vector<std::string> names;
    for (const auto kind : kinds) {
        const auto found = std::find_if(gallery.charts.begin(), gallery.charts.end(),
                                        [&](const auto& item) { return item.spec.kind == kind; });
        if (found == gallery.charts.end()) {
            continue;
        }
        const double pdf = pdf_rate(found->spec, budget);
        const double png = png_rate(found->spec, 150, budget, true);
        const double raster = png_rate(found->spec, 150, budget, false);
        pdf_total += 1 / pdf;
        png_total += 1 / png;
        raster_total += 1 / raster;
        fmt::print("{:<18} {:>14.0f} {:>20.1f} {:>22.1f}\n", charts::kind_name(kind), pdf, png,
                   raster);
        rates.push_back({pdf, png, raster});
        names.push_back(metric_name(std::string(charts::kind_name(kind))));
    }
    if (rates.empty()) {
        std::fputs("chart_bench: none of the measured kinds is in the gallery\n", stderr);
        return 1;
    }
    const auto n = static_cast<double>(rates.size());
    fmt::print("{:<18} {:>14.0f} {:>20.1f} {:>22.1f}\n", "mix (harmonic)", n / pdf_total,
               n / png_total, n / raster_total);
    print_rates("mix", n / pdf_total, n / png_total, n / raster_total);
    for (std::size_t i = 0; i < rates.size(); ++i) {
        print_rates(names[i], rates[i][0], rates[i][1], rates[i][2]);
    }
    sfp::bench::print_figure("chart", "peak_rss", sfp::bench::own_peak_rss_mib(), "MiB");
    return 0;
}
