#include "sfp/figures.hpp"

#include "charts/output.hpp"

#include <fmt/format.h>
#include <variant>

namespace sfp {

bool write_figures(const Document& doc, const std::string& base, FigureFormat format, double dpi,
                   std::vector<std::string>& outputs, Diagnostics& diagnostics) {
    const charts::Theme theme;
    bool ok = true;
    int number = 0;
    for (const auto& block : doc.blocks) {
        const auto* figure = std::get_if<Figure>(&block);
        if (figure == nullptr) {
            continue;
        }
        ++number;
        const bool png = format == FigureFormat::png;
        const std::string path = fmt::format("{}-figure-{}.{}", base, number, png ? "png" : "svg");
        std::string error;
        const bool written = png ? charts::write_png(figure->chart, path, figure_width,
                                                     figure->height, dpi, theme, error)
                                 : charts::write_svg(figure->chart, path, figure_width,
                                                     figure->height, theme, error);
        if (written) {
            outputs.push_back(path);
        } else {
            diagnostics.error({path, 0, 0}, error);
            ok = false;
        }
    }
    return ok;
}

} // namespace sfp
