// chart_bench: charts per second drawn into a PDF surface and into PNG at 150 dpi.
//
// Usage: chart_bench [SECONDS]   (default 2 seconds per measurement)
//   Builds the gallery's charts from the sample report (templates/gb-progress/report.toml, read
//   from the source tree, as `sfpgen gallery` does), then for a few kinds draws the chart over
//   and over: into one PDF surface (a page per chart, streamed to a null sink, finishing the
//   document included) and into a 760 x 440 pt image at 150 dpi encoded as PNG (to a null
//   sink: the encoding is counted, the disk is not), and the same without the PNG encoding.
//   Prints charts per second for each.
//   Measure the `bench` preset (Release); see docs/performance.md.

#include "charts/draw.hpp"
#include "charts/output.hpp"
#include "sfp/gallery.hpp"

#include <algorithm>
#include <cairo-pdf.h>
#include <cairo.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
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

} // namespace

int main(int argc, char** argv) {
    const double budget = argc > 1 ? std::atof(argv[1]) : 2.0;
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
    }
    const auto n = static_cast<double>(kinds.size());
    fmt::print("{:<18} {:>14.0f} {:>20.1f} {:>22.1f}\n", "mix (harmonic)", n / pdf_total,
               n / png_total, n / raster_total);
    return 0;
}
