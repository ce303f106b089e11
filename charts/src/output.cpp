#include "charts/output.hpp"

#include <algorithm>
#include <atomic>
#include <cairo-svg.h>
#include <cairo.h>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
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

/// A temporary file beside the target, written through a descriptor of its own and renamed
/// into place by commit(); removed unless committed. Its name is made with O_EXCL and
/// O_NOFOLLOW, so it is never a file or a symbolic link that was there before (a link planted
/// under a predictable name would otherwise redirect the write). Write errors, including those
/// that close() reports, fail the commit.
class TempFile {
public:
    explicit TempFile(std::string target) : target_(std::move(target)) {
        static std::atomic<unsigned> counter{0};
        for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
            // The name pattern of the generator's own temporary files (<name>.tmp-<pid>-<n>-
            // <6 hex digits>), whose leftovers from a killed run the next run removes.
            temp_ = fmt::format("{}.tmp-{}-{}-{:06x}", target_, ::getpid(), counter++,
                                static_cast<unsigned>(attempt));
            fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (fd_ < 0 && errno != EEXIST) {
                break;
            }
        }
        if (fd_ < 0) {
            error_ =
                fmt::format("cannot create the temporary file {}: {}", temp_, std::strerror(errno));
            temp_.clear();
        }
    }
    ~TempFile() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        if (!committed_ && !temp_.empty()) {
            std::remove(temp_.c_str());
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    TempFile(TempFile&&) = delete;
    TempFile& operator=(TempFile&&) = delete;

    /// False (with a message in `error`) when the file could not be created.
    [[nodiscard]] bool ready(std::string& error) const {
        if (fd_ < 0) {
            error = error_;
        }
        return fd_ >= 0;
    }

    /// True (with its message in `error`) when a write failed.
    [[nodiscard]] bool failed(std::string& error) const {
        if (!error_.empty()) {
            error = error_;
        }
        return !error_.empty();
    }

    /// Appends `size` bytes; false once any write failed.
    bool write(const unsigned char* data, std::size_t size) {
        while (size > 0 && fd_ >= 0 && error_.empty()) {
            const ssize_t n = ::write(fd_, data, size);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                error_ = fmt::format("cannot write chart: {}",
                                     n < 0 ? std::strerror(errno) : "no space written");
                return false;
            }
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return fd_ >= 0 && error_.empty();
    }

    /// cairo's write callback: `closure` is the TempFile. A write error is kept for commit()
    /// and not returned to cairo (cairo 1.16 aborts on an assertion in some of its write-error
    /// paths, as the PDF renderer found).
    static cairo_status_t write_callback(void* closure, const unsigned char* data,
                                         unsigned int length) {
        static_cast<TempFile*>(closure)->write(data, length);
        return CAIRO_STATUS_SUCCESS;
    }

    bool commit(std::string& error) {
        const int fd = fd_;
        fd_ = -1;
        if (!error_.empty() || fd < 0) {
            if (fd >= 0) {
                ::close(fd);
            }
            error = error_;
            return false;
        }
        if (::close(fd) != 0) {
            error = fmt::format("cannot write chart: {}", std::strerror(errno));
            return false;
        }
        if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
            error = fmt::format("cannot rename the temporary file into place: {}",
                                std::strerror(errno));
            return false;
        }
        committed_ = true;
        return true;
    }

private:
    std::string target_;
    std::string temp_;
    int fd_ = -1;
    std::string error_;
    bool committed_ = false;
};

/// cairo's write callback into a string.
cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

bool check(cairo_status_t status, std::string& error) {
    if (status == CAIRO_STATUS_SUCCESS) {
        return true;
    }
    error = fmt::format("cannot write chart: {}", cairo_status_to_string(status));
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
        error = "the chart size and resolution must be positive";
        return false;
    }
    const int width = pixels(width_pt, dpi);
    const int height = pixels(height_pt, dpi);
    const SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
    if (!check(cairo_surface_status(surface.get()), error)) {
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
        if (!check(cairo_status(cr), error)) {
            return false;
        }
    }
    cairo_surface_flush(surface.get());
    TempFile temp(path);
    if (!temp.ready(error)) {
        return false;
    }
    const cairo_status_t status =
        cairo_surface_write_to_png_stream(surface.get(), TempFile::write_callback, &temp);
    if (status != CAIRO_STATUS_SUCCESS) {
        // The write's own reason (ENOSPC...) when there is one; the temporary file goes.
        if (!temp.failed(error)) {
            check(status, error);
        }
        return false;
    }
    return temp.commit(error);
}

bool write_svg(const ChartSpec& spec, const std::string& path, double width_pt, double height_pt,
               const Theme& theme, std::string& error) {
    if (!(width_pt > 0) || !(height_pt > 0)) {
        error = "the chart size must be positive";
        return false;
    }
    // The SVG is made in memory: its surface ids are renumbered before it is written.
    std::string svg;
    {
        const SurfacePtr surface(
            cairo_svg_surface_create_for_stream(append_to_string, &svg, width_pt, height_pt));
        if (!check(cairo_surface_status(surface.get()), error)) {
            return false;
        }
        cairo_svg_surface_restrict_to_version(surface.get(), CAIRO_SVG_VERSION_1_1);
        cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PT);
        {
            const ContextPtr context(cairo_create(surface.get()));
            draw_chart(context.get(), Box{0, 0, width_pt, height_pt}, spec, theme);
            if (!check(cairo_status(context.get()), error)) {
                return false;
            }
        }
        cairo_surface_finish(surface.get());
        if (!check(cairo_surface_status(surface.get()), error)) {
            return false;
        }
    }
    const std::string stable = renumber_surfaces(svg);
    TempFile temp(path);
    if (!temp.ready(error)) {
        return false;
    }
    temp.write(reinterpret_cast<const unsigned char*>(stable.data()), stable.size());
    return temp.commit(error);
}

} // namespace charts
