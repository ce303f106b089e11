#pragma once
/// Where charts draw: an abstract canvas with two implementations. `CairoCanvas` draws into any
/// Cairo context (PDF, PNG, SVG surfaces); `RecordingCanvas` measures text with the same Pango
/// fonts but records what would be drawn, for golden tests (a text projection) and geometry
/// checks (no two labels overlap). Chart code is written once against `Canvas`.

#include "charts/text.hpp"

#include <cairo.h>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace charts {

/// A colour, RGB in [0, 1].
struct Rgb {
    double r = 0;
    double g = 0;
    double b = 0;
};

struct Point {
    double x = 0;
    double y = 0;
};

/// A rectangle in points (1/72 inch), origin top-left.
struct Box {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
};

/// How lines are drawn.
struct Stroke {
    Rgb colour;
    double width = 1.0;
    std::vector<double> dash; ///< on/off lengths in points; empty: solid
};

/// How areas are filled. `hatch` draws diagonal lines in `colour` over a white fill (missing
/// or suppressed data), so that it never reads as a value.
struct Fill {
    Rgb colour;
    bool hatch = false;
};

/// What the canvas measured for a text: its logical size in points (before rotation).
struct TextSize {
    double width = 0;
    double height = 0;
};

/// One recorded item (RecordingCanvas). `role` says what it is ("title", "tick-label",
/// "category-label", "legend", "data-label", "note", "bar", "line", "marker", ...); the
/// bounding box is in page coordinates after rotation.
struct Item {
    std::string kind; ///< "text", "line", "polygon", "rect", "circle"
    std::string role;
    std::string text; ///< text items
    Box bounds;
    double angle = 0; ///< text rotation, degrees (counter-clockwise positive)
    Rgb colour;
    bool hatch = false;
    std::vector<Point> points; ///< lines and polygons
};

class Canvas {
public:
    Canvas() = default;
    virtual ~Canvas() = default;
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;
    Canvas(Canvas&&) = delete;
    Canvas& operator=(Canvas&&) = delete;

    /// The size `text` takes in `style` (wrapped at style.wrap_width when > 0).
    virtual TextSize measure(const std::string& text, const TextStyle& style) = 0;
    /// Draws `text` with its top-left corner at (x, y), rotated by `angle` degrees
    /// counter-clockwise around that corner.
    virtual void text(const std::string& text, const TextStyle& style, double x, double y,
                      const Rgb& colour, std::string_view role, double angle = 0) = 0;
    /// An open polyline.
    virtual void line(std::span<const Point> points, const Stroke& stroke,
                      std::string_view role) = 0;
    /// A closed, filled polygon (with an optional outline of `outline.width` > 0).
    virtual void polygon(std::span<const Point> points, const Fill& fill, std::string_view role,
                         const Stroke* outline = nullptr) = 0;
    virtual void rect(const Box& box, const Fill& fill, std::string_view role,
                      const Stroke* outline = nullptr) = 0;
    virtual void circle(Point centre, double radius, const Fill& fill, std::string_view role) = 0;
};

/// Draws with Cairo and Pango. The context's state is saved and restored around each item.
class CairoCanvas final : public Canvas {
public:
    explicit CairoCanvas(cairo_t* cr) : cr_(cr) {}
    TextSize measure(const std::string& text, const TextStyle& style) override;
    void text(const std::string& text, const TextStyle& style, double x, double y,
              const Rgb& colour, std::string_view role, double angle = 0) override;
    void line(std::span<const Point> points, const Stroke& stroke, std::string_view role) override;
    void polygon(std::span<const Point> points, const Fill& fill, std::string_view role,
                 const Stroke* outline = nullptr) override;
    void rect(const Box& box, const Fill& fill, std::string_view role,
              const Stroke* outline = nullptr) override;
    void circle(Point centre, double radius, const Fill& fill, std::string_view role) override;

private:
    void fill_path(const Fill& fill);
    /// The text laid out for the current transformation of cr_, from laid_ when the same text
    /// in the same style was laid out for the same transformation before: a chart measures a
    /// label (often several times, while placing it) and then draws it.
    const Text& laid(const std::string& text, const TextStyle& style);
    cairo_t* cr_;
    std::unordered_map<std::string, Text> laid_;
};

/// Records items; measures text with Pango on a private recording surface, so sizes equal
/// those of CairoCanvas.
class RecordingCanvas final : public Canvas {
public:
    RecordingCanvas();
    ~RecordingCanvas() override;
    RecordingCanvas(const RecordingCanvas&) = delete;
    RecordingCanvas& operator=(const RecordingCanvas&) = delete;
    RecordingCanvas(RecordingCanvas&&) = delete;
    RecordingCanvas& operator=(RecordingCanvas&&) = delete;

    TextSize measure(const std::string& text, const TextStyle& style) override;
    void text(const std::string& text, const TextStyle& style, double x, double y,
              const Rgb& colour, std::string_view role, double angle = 0) override;
    void line(std::span<const Point> points, const Stroke& stroke, std::string_view role) override;
    void polygon(std::span<const Point> points, const Fill& fill, std::string_view role,
                 const Stroke* outline = nullptr) override;
    void rect(const Box& box, const Fill& fill, std::string_view role,
              const Stroke* outline = nullptr) override;
    void circle(Point centre, double radius, const Fill& fill, std::string_view role) override;

    [[nodiscard]] const std::vector<Item>& items() const { return items_; }
    /// A stable text projection, one item per line, coordinates rounded to 0.1 pt:
    /// "text tick-label [10.0 20.0 30.5 8.0] 'USD 1.2m'". For golden files.
    [[nodiscard]] std::string projection() const;

private:
    cairo_surface_t* surface_ = nullptr;
    cairo_t* cr_ = nullptr;
    std::vector<Item> items_;
};

/// The bounding box of all points.
[[nodiscard]] Box bounds_of(std::span<const Point> points);
/// Whether two boxes overlap by more than `tolerance` points in both directions.
[[nodiscard]] bool overlaps(const Box& a, const Box& b, double tolerance = 0.01);

} // namespace charts
