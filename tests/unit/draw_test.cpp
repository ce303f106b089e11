// Drawing of the cartesian chart kinds (charts/src/draw.cpp), checked on what a RecordingCanvas
// records: no two labels overlap, everything stays in the box, missing data is drawn as missing.
#include "charts/canvas.hpp"
#include "charts/chart.hpp"
#include "charts/draw.hpp"
#include "charts/text.hpp"
#include "test_support.hpp"

#include <array>
#include <cairo-pdf.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using charts::AxisScale;
using charts::Box;
using charts::ChartKind;
using charts::ChartSpec;
using charts::Item;
using charts::Marker;
using charts::Point;
using charts::RecordingCanvas;
using charts::Series;

using Values = std::vector<std::optional<double>>;
using Quad = std::array<Point, 4>;

const Box page_box{20, 30, 420, 260};

Series series(const std::string& name, Values values) {
    Series out;
    out.name = name;
    out.values = std::move(values);
    return out;
}

ChartSpec chart(ChartKind kind, std::vector<std::string> categories, std::vector<Series> list) {
    ChartSpec spec;
    spec.kind = kind;
    spec.title = "A title for the chart";
    spec.subtitle = "A subtitle";
    spec.source_note = "Source: test data. Gaps and 'n/a' mark missing data.";
    spec.value_axis_title = "Value";
    spec.categories = std::move(categories);
    spec.series = std::move(list);
    return spec;
}

std::vector<Item> draw(const ChartSpec& spec, const Box& box = page_box) {
    RecordingCanvas canvas;
    charts::draw_chart(canvas, box, spec, charts::Theme{});
    return canvas.items();
}

/// The text's corners, rebuilt from its recorded bounds and angle (rotated labels are single
/// lines of the label size, or upright at 90 degrees where the bounds give the size exactly).
Quad text_quad(const Item& item) {
    const Box& b = item.bounds;
    if (item.angle == 0) {
        return {{{b.x, b.y},
                 {b.x + b.width, b.y},
                 {b.x + b.width, b.y + b.height},
                 {b.x, b.y + b.height}}};
    }
    const double a = item.angle * M_PI / 180.0;
    const double s = std::sin(a);
    const double c = std::cos(a);
    double w = b.height;
    double h = b.width;
    if (std::fabs(c) > 1e-6) {
        RecordingCanvas measure;
        charts::TextStyle style;
        style.size = charts::Theme{}.label_size;
        h = measure.measure(item.text, style).height;
        w = (b.width - h * s) / c;
    }
    const Point o{b.x, b.y + w * s};
    // Corners of the rotated box (counter-clockwise, y downwards).
    return {{o,
             {o.x + w * c, o.y - w * s},
             {o.x + w * c + h * s, o.y - w * s + h * c},
             {o.x + h * s, o.y + h * c}}};
}

bool quads_overlap(const Quad& a, const Quad& b) {
    for (const Quad* shape : {&a, &b}) {
        for (std::size_t i = 0; i < 4; ++i) {
            const Point p = shape->at(i);
            const Point q = shape->at((i + 1) % 4);
            const double nx = -(q.y - p.y);
            const double ny = q.x - p.x;
            const double length = std::hypot(nx, ny);
            if (length <= 0) {
                continue;
            }
            double amin = 1e18;
            double amax = -1e18;
            double bmin = 1e18;
            double bmax = -1e18;
            for (const Point& v : a) {
                const double d = (v.x * nx + v.y * ny) / length;
                amin = std::min(amin, d);
                amax = std::max(amax, d);
            }
            for (const Point& v : b) {
                const double d = (v.x * nx + v.y * ny) / length;
                bmin = std::min(bmin, d);
                bmax = std::max(bmax, d);
            }
            if (std::min(amax, bmax) - std::max(amin, bmin) <= 0.05) {
                return false;
            }
        }
    }
    return true;
}

std::string describe(const Item& item) {
    return fmt::format("{} {} '{}' [{:.1f} {:.1f} {:.1f} {:.1f}] angle={}", item.kind, item.role,
                       item.text, item.bounds.x, item.bounds.y, item.bounds.width,
                       item.bounds.height, item.angle);
}

/// No two texts overlap (labels of every role) and every item lies inside `box`.
void check_layout(const std::vector<Item>& items, const Box& box = page_box) {
    const double slack = 0.05;
    for (const Item& item : items) {
        INFO(describe(item));
        CHECK(item.bounds.x >= box.x - slack);
        CHECK(item.bounds.y >= box.y - slack);
        CHECK(item.bounds.x + item.bounds.width <= box.x + box.width + slack);
        CHECK(item.bounds.y + item.bounds.height <= box.y + box.height + slack);
        CHECK(std::isfinite(item.bounds.x));
        CHECK(std::isfinite(item.bounds.y));
    }
    std::vector<const Item*> texts;
    for (const Item& item : items) {
        if (item.kind == "text") {
            texts.push_back(&item);
        }
    }
    for (std::size_t i = 0; i < texts.size(); ++i) {
        for (std::size_t j = i + 1; j < texts.size(); ++j) {
            const bool axis_aligned = texts[i]->angle == 0 && texts[j]->angle == 0;
            const bool overlap = axis_aligned
                                     ? charts::overlaps(texts[i]->bounds, texts[j]->bounds, 0.05)
                                     : quads_overlap(text_quad(*texts[i]), text_quad(*texts[j]));
            INFO(describe(*texts[i]) << "\n" << describe(*texts[j]));
            CHECK_FALSE(overlap);
        }
    }
}

std::size_t count(const std::vector<Item>& items, const std::string& kind,
                  const std::string& role) {
    std::size_t n = 0;
    for (const Item& item : items) {
        n += item.kind == kind && item.role == role ? 1U : 0U;
    }
    return n;
}

std::vector<std::string> texts(const std::vector<Item>& items, const std::string& role) {
    std::vector<std::string> out;
    for (const Item& item : items) {
        if (item.kind == "text" && item.role == role) {
            out.push_back(item.text);
        }
    }
    return out;
}

bool has_text(const std::vector<Item>& items, const std::string& role, const std::string& text) {
    for (const std::string& t : texts(items, role)) {
        if (t == text) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> years(int first, int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(std::to_string(first + i));
    }
    return out;
}

const std::vector<std::string> long_names{
    "Association pour le développement des initiatives économiques locales",
    "Banco de Microfinanzas del Altiplano y los Valles Interandinos",
    "Caisse populaire d'épargne et de crédit du Sahel",
    "Microfinance Institution of the Northern Provinces",
    "Fondation rurale",
    "Кредитный союз «Развитие»",
};

} // namespace

TEST_CASE("Hard layouts keep every label apart and inside the box", "[draw]") {
    const std::vector<ChartKind> kinds{ChartKind::line,        ChartKind::column,
                                       ChartKind::bar,         ChartKind::stacked_column,
                                       ChartKind::stacked_bar, ChartKind::percent_column,
                                       ChartKind::percent_bar};
    for (const ChartKind kind : kinds) {
        SECTION(std::string("long category names: ") + charts::kind_name(kind)) {
            ChartSpec spec = chart(kind, long_names,
                                   {series("Portfolio at risk", {0.1, 0.2, 0.15, {}, 0.3, 0.05}),
                                    series("Write-offs", {0.02, 0.03, {}, 0.01, 0.05, 0.04})});
            spec.format.kind = charts::ValueKind::percent;
            spec.data_labels = true;
            check_layout(draw(spec));
        }
        SECTION(std::string("40 categories: ") + charts::kind_name(kind)) {
            Values a;
            Values b;
            for (int i = 0; i < 40; ++i) {
                a.emplace_back(100.0 + 10.0 * i);
                b.emplace_back(i % 7 == 3 ? std::optional<double>{} : 50.0 + 3.0 * i);
            }
            ChartSpec spec = chart(kind, years(1990, 40), {series("A", a), series("B", b)});
            spec.data_labels = true;
            check_layout(draw(spec));
        }
        SECTION(std::string("negative values: ") + charts::kind_name(kind)) {
            ChartSpec spec = chart(kind, {"North", "South", "East", "West", "Centre"},
                                   {series("Return on assets", {-0.05, 0.02, -0.12, 0.08, 0.0}),
                                    series("Return on equity", {-0.2, 0.11, 0.04, -0.01, 0.3})});
            spec.format.kind = charts::ValueKind::percent;
            spec.format.decimals = 1;
            spec.data_labels = true;
            check_layout(draw(spec));
        }
        SECTION(std::string("one category: ") + charts::kind_name(kind)) {
            ChartSpec spec = chart(kind, {"2024"}, {series("Borrowers", {12345.0})});
            spec.data_labels = true;
            check_layout(draw(spec));
        }
        SECTION(std::string("many series: ") + charts::kind_name(kind)) {
            std::vector<Series> list;
            for (int s = 0; s < 12; ++s) {
                Values values;
                for (int i = 0; i < 8; ++i) {
                    values.emplace_back(1000.0 * (s + 1) + 150.0 * i);
                }
                list.push_back(series(fmt::format("Institution number {}", s + 1), values));
            }
            ChartSpec spec = chart(kind, years(2017, 8), list);
            spec.format.kind = charts::ValueKind::currency;
            spec.format.compact = true;
            check_layout(draw(spec));
        }
        SECTION(std::string("small box: ") + charts::kind_name(kind)) {
            ChartSpec spec = chart(kind, long_names,
                                   {series("A", {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}),
                                    series("B", {6.0, 5.0, 4.0, 3.0, 2.0, 1.0})});
            const Box small{0, 0, 160, 120};
            check_layout(draw(spec, small), small);
        }
    }
}

TEST_CASE("An all-missing chart draws an empty plot with 'no data', not a zero line", "[draw]") {
    for (const ChartKind kind : {ChartKind::line, ChartKind::column, ChartKind::bar,
                                 ChartKind::stacked_column, ChartKind::percent_bar}) {
        ChartSpec spec =
            chart(kind, years(2019, 5),
                  {series("A", {{}, {}, {}, {}, {}}), series("B", {{}, {}, {}, {}, {}})});
        const auto items = draw(spec);
        INFO(charts::kind_name(kind));
        CHECK(has_text(items, "missing", "no data"));
        CHECK(count(items, "line", "line") == 0);
        CHECK(count(items, "rect", "bar") == 0);
        CHECK(count(items, "line", "gridline") == 0);
        CHECK(count(items, "line", "axis") == 0);
        CHECK(texts(items, "tick-label").empty());
        check_layout(items);
    }
}

TEST_CASE("Missing values in bars are hatched slots marked n/a, never zero-height bars", "[draw]") {
    for (const ChartKind kind : {ChartKind::column, ChartKind::bar}) {
        ChartSpec spec = chart(kind, {"A", "B", "C", "D"}, {series("Loans", {3.0, {}, 5.0, 0.0})});
        const auto items = draw(spec);
        INFO(charts::kind_name(kind));
        std::size_t hatched = 0;
        for (const Item& item : items) {
            if (item.role == "missing" && item.kind == "rect") {
                CHECK(item.hatch);
                CHECK(item.bounds.width > 1);
                CHECK(item.bounds.height > 1);
                ++hatched;
            }
            if (item.role == "bar") {
                // The true zero (D) is a visible hairline; nothing is drawn as a 0-size bar.
                CHECK(item.bounds.width > 0.5);
                CHECK(item.bounds.height > 0.5);
            }
        }
        CHECK(hatched == 1);
        CHECK(count(items, "rect", "bar") == 3);
        CHECK(has_text(items, "missing", "n/a"));
        check_layout(items);
    }
    SECTION("a 100% stack with a missing part is missing as a whole") {
        ChartSpec spec = chart(ChartKind::percent_column, {"A", "B"},
                               {series("Women", {0.6, {}}), series("Men", {0.4, 0.5})});
        const auto items = draw(spec);
        std::size_t hatched = 0;
        for (const Item& item : items) {
            hatched += item.role == "missing" && item.hatch ? 1U : 0U;
        }
        CHECK(hatched == 1);
        CHECK(has_text(items, "missing", "n/a"));
        CHECK(count(items, "rect", "bar") == 2);
        check_layout(items);
    }
}

TEST_CASE("Lines break at missing values and a lone point is a marker", "[draw]") {
    SECTION("a gap gives two lines") {
        const auto items =
            draw(chart(ChartKind::line, years(2020, 5), {series("A", {1.0, 2.0, {}, 4.0, 5.0})}));
        CHECK(count(items, "line", "line") == 2);
        for (const Item& item : items) {
            if (item.kind == "line" && item.role == "line") {
                CHECK(item.points.size() == 2);
            }
        }
        check_layout(items);
    }
    SECTION("isolated points are markers, never bridged") {
        const auto items =
            draw(chart(ChartKind::line, years(2020, 5), {series("A", {1.0, {}, 3.0, {}, 5.0})}));
        CHECK(count(items, "line", "line") == 0);
        CHECK(count(items, "circle", "marker") == 3);
    }
    SECTION("series are told apart by marker shape in the plot and the legend") {
        const auto items =
            draw(chart(ChartKind::line, years(2020, 3),
                       {series("A", {1.0, 2.0, 3.0}), series("B", {3.0, 2.0, 1.0})}));
        CHECK(count(items, "circle", "marker") == 3);
        CHECK(count(items, "rect", "marker") == 3);
        CHECK(count(items, "circle", "legend") == 1);
        CHECK(count(items, "rect", "legend") == 1);
        CHECK(has_text(items, "legend", "A"));
        CHECK(has_text(items, "legend", "B"));
    }
}

TEST_CASE("Baseline, target and milestone markers are drawn with their labels", "[draw]") {
    for (const ChartKind kind : {ChartKind::line, ChartKind::column, ChartKind::bar}) {
        ChartSpec spec = chart(kind, years(2020, 6),
                               {series("Women borrowers", {0.4, 0.45, {}, 0.5, 0.55, 0.6})});
        spec.format.kind = charts::ValueKind::percent;
        spec.markers.push_back({Marker::Kind::baseline, "Baseline 2020: 40%", 0.4, std::nullopt});
        spec.markers.push_back({Marker::Kind::target, "Target 2026: 70%", 0.7, std::nullopt});
        spec.markers.push_back({Marker::Kind::milestone, "Mid-term review", 0.5, std::size_t{3}});
        const auto items = draw(spec);
        INFO(charts::kind_name(kind));
        CHECK(count(items, "line", "reference-line") == 2);
        CHECK(has_text(items, "reference-label", "Baseline 2020: 40%"));
        CHECK(has_text(items, "reference-label", "Target 2026: 70%"));
        CHECK(has_text(items, "legend", "Mid-term review"));
        CHECK(count(items, "polygon", "marker") >= 1);
        // The target is inside the value axis: the scale reaches 70%.
        CHECK((has_text(items, "tick-label", "70%") || has_text(items, "tick-label", "80%")));
        check_layout(items);
    }
    SECTION("close reference lines keep their labels apart") {
        ChartSpec spec =
            chart(ChartKind::line, years(2020, 4), {series("A", {1.0, 2.0, 3.0, 4.0})});
        spec.markers.push_back({Marker::Kind::baseline, "Baseline", 2.0, std::nullopt});
        spec.markers.push_back({Marker::Kind::target, "Target", 2.05, std::nullopt});
        check_layout(draw(spec));
    }
}

TEST_CASE("Small multiples share one value scale", "[draw]") {
    ChartSpec spec;
    spec.kind = ChartKind::small_multiples;
    spec.title = "Borrowers by region";
    spec.panel_columns = 2;
    const std::vector<std::pair<std::string, Values>> regions{
        {"Africa", {10.0, 12.0, 15.0, 20.0}},
        {"Latin America and the Caribbean", {200.0, 250.0, {}, 400.0}},
        {"Asia", {1.0, 2.0, 3.0, 2.0}},
        {"Eastern Europe and Central Asia", {50.0, 40.0, 30.0, 20.0}},
        {"Middle East", {{}, {}, {}, {}}},
    };
    for (const auto& [name, values] : regions) {
        ChartSpec panel;
        panel.kind = ChartKind::line;
        panel.title = name;
        panel.categories = years(2021, 4);
        panel.series.push_back(series("Borrowers", values));
        spec.panels.push_back(panel);
    }
    SECTION("line panels") {
        const auto items = draw(spec);
        std::map<std::string, int> ticks;
        for (const std::string& text : texts(items, "tick-label")) {
            ++ticks[text];
        }
        REQUIRE(!ticks.empty());
        for (const auto& [text, n] : ticks) {
            INFO(text);
            CHECK(n == 4); // every panel with data shows every tick; the empty one says so
        }
        CHECK(ticks.count("0") + ticks.count("400") >= 1);
        CHECK(has_text(items, "title", "Africa"));
        CHECK(has_text(items, "missing", "no data"));
        check_layout(items);
    }
    SECTION("bar panels") {
        for (ChartSpec& panel : spec.panels) {
            panel.kind = ChartKind::bar;
        }
        const auto items = draw(spec);
        std::map<std::string, int> ticks;
        for (const std::string& text : texts(items, "tick-label")) {
            ++ticks[text];
        }
        REQUIRE(!ticks.empty());
        for (const auto& [text, n] : ticks) {
            INFO(text);
            CHECK(n == 4);
        }
        check_layout(items);
    }
}

TEST_CASE("Scatter labels avoid each other", "[draw]") {
    ChartSpec spec;
    spec.kind = ChartKind::scatter;
    spec.title = "Cost per borrower against loan size";
    spec.value_axis_title = "Cost per borrower";
    spec.category_axis_title = "Average loan";
    Series points;
    points.name = "Institutions";
    for (int i = 0; i < 25; ++i) {
        points.x.emplace_back(100.0 + 7.0 * (i % 5));
        points.values.emplace_back(50.0 + 3.0 * (i / 5));
        points.point_labels.push_back(fmt::format("Institution {}", i + 1));
    }
    points.x.emplace_back(std::nullopt);
    points.values.emplace_back(10.0);
    points.point_labels.emplace_back("No x");
    spec.series.push_back(points);
    const auto items = draw(spec);
    CHECK(count(items, "circle", "marker") == 25);
    CHECK(!texts(items, "data-label").empty());
    CHECK(!has_text(items, "data-label", "No x"));
    check_layout(items);
}

TEST_CASE("Sparklines have no axes and mark the last value", "[draw]") {
    ChartSpec spec;
    spec.kind = ChartKind::sparkline;
    spec.series.push_back(series("", {1.0, 3.0, {}, 2.0, 4.0, 3.5}));
    const Box cell{100, 100, 60, 14};
    const auto items = draw(spec, cell);
    CHECK(texts(items, "tick-label").empty());
    CHECK(count(items, "line", "gridline") == 0);
    CHECK(count(items, "line", "line") == 2);
    REQUIRE(count(items, "circle", "marker") >= 1);
    const Item& last = items.back();
    CHECK(last.role == "marker");
    CHECK(last.bounds.x + last.bounds.width / 2 == Approx(cell.x + cell.width - 2.5));
    check_layout(items, cell);

    spec.series.front().values = {std::nullopt, std::nullopt};
    const auto empty = draw(spec, cell);
    CHECK(count(empty, "line", "line") == 0);
    CHECK(texts(empty, "missing").size() == 1);
}

TEST_CASE("Log scale ticks at powers of ten, values <= 0 are gaps", "[draw]") {
    ChartSpec spec = chart(ChartKind::line, years(2019, 6),
                           {series("Savers", {3.0, 40.0, 0.0, 900.0, 12000.0, 15000.0})});
    spec.scale = AxisScale::log;
    const auto items = draw(spec);
    CHECK(has_text(items, "tick-label", "1"));
    CHECK(has_text(items, "tick-label", "10,000"));
    CHECK(count(items, "line", "line") == 2);
    check_layout(items);
}

TEST_CASE("Every kind draws into the box without error", "[draw]") {
    ChartSpec spec = chart(ChartKind::line, {"A", "B", "C"},
                           {series("One", {0.2, 0.5, 0.9}), series("Two", {0.3, {}, 0.6})});
    spec.bullets.push_back({"Women", 0.5, 0.6, 0.7, 0.4, "at-risk", "At risk"});
    spec.ranges.push_back({"Africa", 0.1, 0.2, 0.3, 12});
    for (int k = 0; k <= static_cast<int>(ChartKind::sparkline); ++k) {
        spec.kind = static_cast<ChartKind>(k);
        INFO(charts::kind_name(spec.kind));
        CHECK_NOTHROW(draw(spec));
    }
}

TEST_CASE("The Cairo path draws into a PDF surface", "[draw]") {
    sfp::testing::TempDir dir("draw");
    const auto path = dir.path() / "chart.pdf";
    cairo_surface_t* surface = cairo_pdf_surface_create(path.c_str(), 595, 842);
    cairo_t* cr = cairo_create(surface);
    ChartSpec spec = chart(
        ChartKind::column, long_names,
        {series("A", {1.0, {}, 3.0, -2.0, 5.0, 6.0}), series("B", {2.0, 1.0, {}, 3.0, 2.0, 1.0})});
    spec.markers.push_back({Marker::Kind::target, "Target", 4.0, std::nullopt});
    cairo_set_source_rgb(cr, 0.1, 0.2, 0.3);
    charts::draw_chart(cr, page_box, spec, charts::Theme{});
    spec.kind = ChartKind::line;
    charts::draw_chart(cr, {20, 320, 420, 260}, spec, charts::Theme{});
    // The context's state is as it was.
    double r = 0;
    double g = 0;
    double b = 0;
    double a = 0;
    CHECK(cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a) == CAIRO_STATUS_SUCCESS);
    CHECK(r == Approx(0.1));
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    CHECK(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    CHECK(std::filesystem::file_size(path) > 1000);
}

TEST_CASE("The chart's own words follow the locale of its format", "[draw]") {
    struct Case {
        charts::Locale locale;
        std::string not_available;
        std::string no_data;
        std::string target;
        std::string baseline;
        std::string milestone;
    };
    const std::vector<Case> cases = {
        {charts::Locale::en, "n/a", "no data", "Target", "Baseline", "Milestone"},
        {charts::Locale::fr, "n.d.", "aucune donnée", "Cible", "Référence", "Jalon"},
        {charts::Locale::es, "n.d.", "sin datos", "Meta", "Línea de base", "Hito"},
    };
    for (const Case& c : cases) {
        INFO("locale " << static_cast<int>(c.locale));
        // A missing bar: its slot says "not available" in the locale.
        ChartSpec bars =
            chart(ChartKind::column, {"A", "B", "C"}, {series("Loans", {3.0, {}, 5.0})});
        bars.format.locale = c.locale;
        // Reference lines and a milestone without labels get the locale's default words.
        bars.markers.push_back({Marker::Kind::target, "", 4.0, std::nullopt});
        bars.markers.push_back({Marker::Kind::baseline, "", 2.0, std::nullopt});
        bars.markers.push_back({Marker::Kind::milestone, "", 3.5, std::size_t{2}});
        const auto items = draw(bars);
        CHECK(has_text(items, "missing", c.not_available));
        CHECK(has_text(items, "reference-label", c.target));
        CHECK(has_text(items, "reference-label", c.baseline));
        CHECK(has_text(items, "legend", c.milestone));
        check_layout(items);
        // Nothing to draw: "no data" in the locale, for cartesian charts and small multiples.
        ChartSpec empty = chart(ChartKind::line, years(2020, 3), {series("A", {{}, {}, {}})});
        empty.format.locale = c.locale;
        CHECK(has_text(draw(empty), "missing", c.no_data));
        ChartSpec panels;
        panels.kind = ChartKind::small_multiples;
        panels.format.locale = c.locale;
        CHECK(has_text(draw(panels), "missing", c.no_data));
        // The words of another locale never appear.
        if (c.locale != charts::Locale::en) {
            CHECK_FALSE(has_text(items, "missing", "n/a"));
            CHECK_FALSE(has_text(draw(empty), "missing", "no data"));
        }
    }
}

TEST_CASE("text: which texts are Latin only (laid out without the layout lock once warmed)",
          "[draw][text]") {
    CHECK(charts::latin_only(""));
    CHECK(charts::latin_only("Active borrowers 12,345 (2024)"));
    CHECK(charts::latin_only("Taux de r\xC3\xA9ussite \xE2\x80\x93 12,5 % \xE2\x80\x9C"
                             "cr\xC3\xA9"
                             "dit\xE2\x80\x9D \xE2\x82\xAC"));        // é – “ ” €
    CHECK(charts::latin_only("Pr\xC3\xA9stamos a\xC3\xB1o\xC2\xAD")); // é ñ, soft hyphen
    CHECK(charts::latin_only("\xC5\x81\xC3\xB3\x64\xC5\xBA"));        // Łódź
    CHECK_FALSE(charts::latin_only("\xD8\xA7\xD9\x84\xD9\x85"));      // Arabic
    CHECK_FALSE(charts::latin_only("Bank \xE4\xB8\xAD"));             // a CJK character
    CHECK_FALSE(charts::latin_only("e\xCC\x81"));                     // combining accent
    CHECK_FALSE(charts::latin_only("\xCE\xA3"));                      // Greek
    CHECK_FALSE(charts::latin_only("ok \xF0\x9F\x99\x82"));           // an emoji
    CHECK_FALSE(charts::latin_only("cut \xC3"));                      // malformed
    CHECK_FALSE(charts::latin_only("\xC3\x28"));                      // malformed
}

TEST_CASE("text: the layout lock is taken for a thread's first Latin text in a font and for "
          "every other text",
          "[draw][text]") {
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
        [](void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }, nullptr,
        200, 200);
    cairo_t* cr = cairo_create(surface);
    const auto lays_out = [&](const std::string& text, const std::string& font) {
        charts::LayoutLock lock(text, font);
        const bool locked = lock.locked();
        PangoLayout* layout = pango_cairo_create_layout(cr);
        PangoFontDescription* description = pango_font_description_from_string("DejaVu Sans 9");
        lock.warm(pango_layout_get_context(layout), description);
        pango_layout_set_font_description(layout, description);
        pango_layout_set_text(layout, text.c_str(), -1);
        int width = 0;
        pango_layout_get_size(layout, &width, nullptr);
        pango_font_description_free(description);
        g_object_unref(layout);
        return locked;
    };
    const std::string font = "draw_test|layout lock|DejaVu Sans|9"; // no other test uses it
    CHECK(lays_out("first text", font));
    CHECK_FALSE(lays_out("second text", font));
    CHECK_FALSE(lays_out("12,345", font));
    CHECK(lays_out("\xD8\xA7\xD9\x84\xD9\x85", font)); // Arabic: always
    CHECK(lays_out("again", font + "|bold"));          // another font
    CHECK_FALSE(lays_out("again", font + "|bold"));
    // Another thread has fonts of its own: its first text is laid out under the lock.
    bool other_first = false;
    bool other_second = true;
    std::thread([&] {
        cairo_t* other = cairo_create(surface);
        const auto lay = [&](const std::string& text) {
            charts::LayoutLock lock(text, font);
            const bool locked = lock.locked();
            PangoLayout* layout = pango_cairo_create_layout(other);
            PangoFontDescription* description = pango_font_description_from_string("DejaVu Sans 9");
            lock.warm(pango_layout_get_context(layout), description);
            pango_font_description_free(description);
            g_object_unref(layout);
            return locked;
        };
        other_first = lay("first text");
        other_second = lay("second text");
        cairo_destroy(other);
    }).join();
    CHECK(other_first);
    CHECK_FALSE(other_second);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
}

namespace {

/// What a laid-out text looks like: each line's start and length, then each glyph's id, width
/// and offset (a justified line's spaces differ when its font's metrics differ).
std::string layout_signature(PangoLayout* layout) {
    std::string out;
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    do {
        const PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
        out += fmt::format("L{},{}:", line->start_index, line->length);
        for (const GSList* run = line->runs; run != nullptr; run = run->next) {
            const auto* item = static_cast<const PangoGlyphItem*>(run->data);
            for (int g = 0; g < item->glyphs->num_glyphs; ++g) {
                const PangoGlyphInfo& info = item->glyphs->glyphs[g];
                out += fmt::format("{},{},{};", info.glyph, info.geometry.width,
                                   info.geometry.x_offset);
            }
        }
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    return out;
}

/// Lays out every text with charts::make_text on a PDF surface of this thread's own.
std::vector<std::string>
lay_out_all(const std::vector<std::pair<std::string, charts::TextStyle>>& texts) {
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
        [](void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }, nullptr,
        595, 842);
    cairo_t* cr = cairo_create(surface);
    std::vector<std::string> out;
    for (const auto& [text, style] : texts) {
        const charts::Text laid = charts::make_text(cr, text, style);
        out.push_back(layout_signature(laid.layout.get()));
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return out;
}

} // namespace

TEST_CASE("text: two new threads lay out justified text as one thread alone does (the race of "
          "Pango 1.50's font metrics)",
          "[draw][text][threads]") {
    // Justified paragraphs with soft hyphens in many fonts (sizes and weights): each new
    // thread has a new Pango font map, so every font's metrics are computed again, on both
    // threads at once. Without charts::LayoutLock, some of those fonts get metrics without
    // approximate widths and justify differently (tests/repro/pango_metrics_race.cpp).
    const std::string shy = "\xC2\xAD";
    const std::vector<std::string> paragraphs = {
        "The Social Fi" + shy + "nance Pro" + shy + "gramme keeps a data" + shy +
            "base of partner in" + shy + "sti" + shy + "tu" + shy +
            "tions' results on poverty "
            "out" +
            shy + "reach, impact and in" + shy + "sti" + shy + "tu" + shy +
            "tional "
            "sus" +
            shy + "tain" + shy + "ability.",
        "Le Pro" + shy + "gramme de fi" + shy + "nance so" + shy +
            "ciale tient une base de "
            "don" +
            shy + "n\xC3\xA9" + "es des r\xC3\xA9" + "sul" + shy +
            "tats des "
            "in" +
            shy + "sti" + shy + "tu" + shy + "tions par" + shy + "te" + shy + "naires.",
        "Portfolio at risk over 30 days rose from 4.2% to 5.9% while operational self-"
        "sufficiency fell below 100% in 12 of 40 institutions."};
    std::vector<std::pair<std::string, charts::TextStyle>> texts;
    for (int step = 0; step < 24; ++step) {
        charts::TextStyle style;
        style.size = 6.0 + 0.375 * step;
        style.bold = step % 3 == 1;
        style.italic = step % 5 == 2;
        style.align = charts::TextAlign::justify;
        style.wrap_width = 70.0 + 17.0 * (step % 7);
        for (const auto& paragraph : paragraphs) {
            texts.emplace_back(paragraph, style);
        }
    }
    std::vector<std::string> reference;
    std::thread([&] { reference = lay_out_all(texts); }).join();
    REQUIRE(reference.size() == texts.size());

    int bad_rounds = 0;
    for (int round = 0; round < 12; ++round) {
        std::vector<std::string> first;
        std::vector<std::string> second;
        std::thread a([&] { first = lay_out_all(texts); });
        std::thread b([&] { second = lay_out_all(texts); });
        a.join();
        b.join();
        bad_rounds += first != reference || second != reference ? 1 : 0;
    }
    CHECK(bad_rounds == 0);
}
