#include "charts/output.hpp"

#include <algorithm>
#include <cairo-svg.h>
#include <cairo.h>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace charts {

namespace {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

/// A temporary file beside the target, removed unless committed.
class TempFile {
public:
    explicit TempFile(std::string target)
        : target_(std::move(target)), temp_(fmt::format("{}.tmp-{}", target_, ::getpid())) {}
    ~TempFile() {
        if (!committed_) {
            std::remove(temp_.c_str());
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    TempFile(TempFile&&) = delete;
    TempFile& operator=(TempFile&&) = delete;

    [[nodiscard]] const std::string& path() const { return temp_; }
    bool commit(std::string& error) {
        if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
            error = fmt::format("{}: cannot rename the temporary file into place: {}", target_,
                                std::strerror(errno));
            return false;
        }
        committed_ = true;
        return true;
    }

private:
    std::string target_;
    std::string temp_;
    bool committed_ = false;
};

bool check(cairo_status_t status, const std::string& path, std::string& error) {
    if (status == CAIRO_STATUS_SUCCESS) {
        return true;
    }
    error = fmt::format("{}: cannot write chart: {}", path, cairo_status_to_string(status));
    return false;
}

/// Renumbers cairo's process-wide "surfaceN" ids from 1, in order of first appearance.
std::string renumber_surfaces(const std::string& svg) {
    std::string out;
    out.reserve(svg.size());
    std::vector<std::string> seen;
    constexpr std::string_view word = "surface";
    std::size_t pos = 0;
    while (pos < svg.size()) {
        const auto found = svg.find(word, pos);
        if (found == std::string::npos) {
            out.append(svg, pos, std::string::npos);
            break;
        }
        std::size_t end = found + word.size();
        while (end < svg.size() && svg[end] >= '0' && svg[end] <= '9') {
            ++end;
        }
        out.append(svg, pos, found + word.size() - pos);
        if (end > found + word.size()) {
            const std::string number = svg.substr(found + word.size(), end - found - word.size());
            std::size_t index = 0;
            while (index < seen.size() && seen[index] != number) {
                ++index;
            }
            if (index == seen.size()) {
                seen.push_back(number);
            }
            out += std::to_string(index + 1);
        }
        pos = end;
    }
    return out;
}

} // namespace

int pixels(double points, double dpi) {
    return std::max(1, static_cast<int>(std::lround(points * dpi / 72.0)));
}

bool write_png(const ChartSpec& spec, const std::string& path, double width_pt, double height_pt,
               double dpi, const Theme& theme, std::string& error) {
    if (!(dpi > 0) || !(width_pt > 0) || !(height_pt > 0)) {
        error = fmt::format("{}: the chart size and resolution must be positive", path);
        return false;
    }
    const int width = pixels(width_pt, dpi);
    const int height = pixels(height_pt, dpi);
    const SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
    if (!check(cairo_surface_status(surface.get()), path, error)) {
        return false;
    }
    {
        const ContextPtr context(cairo_create(surface.get()));
        cairo_t* cr = context.get();
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, static_cast<double>(width) / width_pt,
                    static_cast<double>(height) / height_pt);
        draw_chart(cr, Box{0, 0, width_pt, height_pt}, spec, theme);
        if (!check(cairo_status(cr), path, error)) {
            return false;
        }
    }
    cairo_surface_flush(surface.get());
    TempFile temp(path);
    if (!check(cairo_surface_write_to_png(surface.get(), temp.path().c_str()), path, error)) {
        return false;
    }
    return temp.commit(error);
}

bool write_svg(const ChartSpec& spec, const std::string& path, double width_pt, double height_pt,
               const Theme& theme, std::string& error) {
    if (!(width_pt > 0) || !(height_pt > 0)) {
        error = fmt::format("{}: the chart size must be positive", path);
        return false;
    }
    TempFile temp(path);
    {
        const SurfacePtr surface(
            cairo_svg_surface_create(temp.path().c_str(), width_pt, height_pt));
        if (!check(cairo_surface_status(surface.get()), path, error)) {
            return false;
        }
        cairo_svg_surface_restrict_to_version(surface.get(), CAIRO_SVG_VERSION_1_1);
        cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PT);
        {
            const ContextPtr context(cairo_create(surface.get()));
            draw_chart(context.get(), Box{0, 0, width_pt, height_pt}, spec, theme);
            if (!check(cairo_status(context.get()), path, error)) {
                return false;
            }
        }
        cairo_surface_finish(surface.get());
        if (!check(cairo_surface_status(surface.get()), path, error)) {
            return false;
        }
    }
    // Rewrite the finished file with stable ids.
    std::ifstream in(temp.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    in.close();
    const std::string stable = renumber_surfaces(content.str());
    {
        std::ofstream out(temp.path(), std::ios::binary | std::ios::trunc);
        out << stable;
        out.flush();
        if (!out) {
            error = fmt::format("{}: cannot write chart: {}", path, std::strerror(errno));
            return false;
        }
    }
    return temp.commit(error);
}

} // namespace charts
