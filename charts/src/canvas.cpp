#include "charts/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace charts {

Box bounds_of(std::span<const Point> points) {
    if (points.empty()) {
        return {};
    }
    double x0 = points[0].x;
    double y0 = points[0].y;
    double x1 = x0;
    double y1 = y0;
    for (const Point& p : points) {
        x0 = std::min(x0, p.x);
        y0 = std::min(y0, p.y);
        x1 = std::max(x1, p.x);
        y1 = std::max(y1, p.y);
    }
    return {x0, y0, x1 - x0, y1 - y0};
}

bool overlaps(const Box& a, const Box& b, double tolerance) {
    const double dx = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
    const double dy = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
    return dx > tolerance && dy > tolerance;
}

namespace {

/// The four corners of a text box of `size` at (x, y) rotated by `angle` degrees
/// counter-clockwise around (x, y) (y grows downwards, as in Cairo).
std::array<Point, 4> rotated_corners(double x, double y, TextSize size, double angle) {
    const double radians = -angle * M_PI / 180.0;
    const double c = std::cos(radians);
    const double s = std::sin(radians);
    const std::array<Point, 4> local{
        {{0, 0}, {size.width, 0}, {size.width, size.height}, {0, size.height}}};
    std::array<Point, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) {
        out.at(i) = {x + local.at(i).x * c - local.at(i).y * s,
                     y + local.at(i).x * s + local.at(i).y * c};
    }
    return out;
}

void path(cairo_t* cr, std::span<const Point> points) {
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (i == 0) {
            cairo_move_to(cr, points[i].x, points[i].y);
        } else {
            cairo_line_to(cr, points[i].x, points[i].y);
        }
    }
}

void set_stroke(cairo_t* cr, const Stroke& stroke) {
    cairo_set_source_rgb(cr, stroke.colour.r, stroke.colour.g, stroke.colour.b);
    cairo_set_line_width(cr, stroke.width);
    cairo_set_dash(cr, stroke.dash.empty() ? nullptr : stroke.dash.data(),
                   static_cast<int>(stroke.dash.size()), 0);
}

} // namespace

const Text& CairoCanvas::laid(const std::string& text, const TextStyle& style) {
    // Pango lays text out for the linear part of the transformation (a translation changes
    // nothing: pango_cairo_update_context drops it), so that part is in the key with the style.
    cairo_matrix_t matrix;
    cairo_get_matrix(cr_, &matrix);
    std::string key;
    key.reserve(text.size() + style.family.size() + 96);
    const auto append = [&key](const auto& value) {
        key.append(reinterpret_cast<const char*>(&value), sizeof value);
    };
    for (const double value : {matrix.xx, matrix.yx, matrix.xy, matrix.yy, style.size,
                               style.wrap_width, style.line_spacing}) {
        append(value);
    }
    append(static_cast<int>(style.align) | static_cast<int>(style.bold) << 4 |
           static_cast<int>(style.italic) << 5);
    key += style.family;
    key.push_back('\0');
    key += text;
    if (const auto found = laid_.find(key); found != laid_.end()) {
        return found->second;
    }
    return laid_.emplace(std::move(key), make_text(cr_, text, style)).first->second;
}

TextSize CairoCanvas::measure(const std::string& text, const TextStyle& style) {
    const Text& laid_text = laid(text, style);
    return {laid_text.width, laid_text.height};
}

void CairoCanvas::text(const std::string& text, const TextStyle& style, double x, double y,
                       const Rgb& colour, std::string_view /*role*/, double angle) {
    cairo_save(cr_);
    cairo_translate(cr_, x, y);
    if (angle != 0) {
        cairo_rotate(cr_, -angle * M_PI / 180.0);
    }
    const Text& laid_text = laid(text, style);
    pango_cairo_update_layout(cr_, laid_text.layout.get());
    show_text(cr_, laid_text, 0, 0, colour.r, colour.g, colour.b);
    cairo_restore(cr_);
}

void CairoCanvas::line(std::span<const Point> points, const Stroke& stroke,
                       std::string_view /*role*/) {
    if (points.size() < 2) {
        return;
    }
    cairo_save(cr_);
    set_stroke(cr_, stroke);
    path(cr_, points);
    cairo_stroke(cr_);
    cairo_restore(cr_);
}

void CairoCanvas::fill_path(const Fill& fill) {
    if (!fill.hatch) {
        cairo_set_source_rgb(cr_, fill.colour.r, fill.colour.g, fill.colour.b);
        cairo_fill_preserve(cr_);
        return;
    }
    // White ground, then diagonal lines clipped to the shape.
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_fill_preserve(cr_);
    double x0 = 0;
    double y0 = 0;
    double x1 = 0;
    double y1 = 0;
    cairo_path_extents(cr_, &x0, &y0, &x1, &y1);
    cairo_save(cr_);
    cairo_clip_preserve(cr_);
    cairo_new_path(cr_);
    cairo_set_source_rgb(cr_, fill.colour.r, fill.colour.g, fill.colour.b);
    cairo_set_line_width(cr_, 0.6);
    const double spacing = 3.0;
    for (double d = x0 - (y1 - y0); d < x1; d += spacing) {
        cairo_move_to(cr_, d, y1);
        cairo_line_to(cr_, d + (y1 - y0), y0);
    }
    cairo_stroke(cr_);
    cairo_restore(cr_);
}

void CairoCanvas::polygon(std::span<const Point> points, const Fill& fill,
                          std::string_view /*role*/, const Stroke* outline) {
    if (points.size() < 3) {
        return;
    }
    cairo_save(cr_);
    path(cr_, points);
    cairo_close_path(cr_);
    fill_path(fill);
    if (outline != nullptr && outline->width > 0) {
        set_stroke(cr_, *outline);
        cairo_stroke_preserve(cr_);
    }
    cairo_new_path(cr_);
    cairo_restore(cr_);
}

void CairoCanvas::rect(const Box& box, const Fill& fill, std::string_view /*role*/,
                       const Stroke* outline) {
    cairo_save(cr_);
    cairo_rectangle(cr_, box.x, box.y, box.width, box.height);
    fill_path(fill);
    if (outline != nullptr && outline->width > 0) {
        set_stroke(cr_, *outline);
        cairo_stroke_preserve(cr_);
    }
    cairo_new_path(cr_);
    cairo_restore(cr_);
}

void CairoCanvas::circle(Point centre, double radius, const Fill& fill, std::string_view /*role*/) {
    cairo_save(cr_);
    cairo_new_sub_path(cr_);
    cairo_arc(cr_, centre.x, centre.y, radius, 0, 2 * M_PI);
    fill_path(fill);
    cairo_new_path(cr_);
    cairo_restore(cr_);
}

RecordingCanvas::RecordingCanvas()
    : surface_(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr)),
      cr_(cairo_create(surface_)) {}

RecordingCanvas::~RecordingCanvas() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
}

TextSize RecordingCanvas::measure(const std::string& text, const TextStyle& style) {
    const Text laid = make_text(cr_, text, style);
    return {laid.width, laid.height};
}

void RecordingCanvas::text(const std::string& text, const TextStyle& style, double x, double y,
                           const Rgb& colour, std::string_view role, double angle) {
    const TextSize size = measure(text, style);
    const auto corners = rotated_corners(x, y, size, angle);
    items_.push_back(
        {"text", std::string(role), text, bounds_of(corners), angle, colour, false, {}});
}

void RecordingCanvas::line(std::span<const Point> points, const Stroke& stroke,
                           std::string_view role) {
    items_.push_back({"line",
                      std::string(role),
                      "",
                      bounds_of(points),
                      0,
                      stroke.colour,
                      false,
                      {points.begin(), points.end()}});
}

void RecordingCanvas::polygon(std::span<const Point> points, const Fill& fill,
                              std::string_view role, const Stroke* /*outline*/) {
    items_.push_back({"polygon",
                      std::string(role),
                      "",
                      bounds_of(points),
                      0,
                      fill.colour,
                      fill.hatch,
                      {points.begin(), points.end()}});
}

void RecordingCanvas::rect(const Box& box, const Fill& fill, std::string_view role,
                           const Stroke* /*outline*/) {
    items_.push_back({"rect", std::string(role), "", box, 0, fill.colour, fill.hatch, {}});
}

void RecordingCanvas::circle(Point centre, double radius, const Fill& fill, std::string_view role) {
    items_.push_back({"circle",
                      std::string(role),
                      "",
                      {centre.x - radius, centre.y - radius, 2 * radius, 2 * radius},
                      0,
                      fill.colour,
                      fill.hatch,
                      {}});
}

std::string RecordingCanvas::projection() const {
    std::string out;
    // Rounded to 0.1 pt so that sub-pixel differences in text metrics do not churn goldens.
    const auto r = [](double v) { return std::round(v * 10.0) / 10.0 + 0.0; };
    for (const Item& item : items_) {
        out += fmt::format("{} {} [{:.1f} {:.1f} {:.1f} {:.1f}]", item.kind, item.role,
                           r(item.bounds.x), r(item.bounds.y), r(item.bounds.width),
                           r(item.bounds.height));
        if (item.angle != 0) {
            out += fmt::format(" angle={:g}", item.angle);
        }
        if (item.hatch) {
            out += " hatched";
        }
        if (!item.text.empty()) {
            out += fmt::format(" '{}'", item.text);
        }
        out += "\n";
    }
    return out;
}

} // namespace charts
