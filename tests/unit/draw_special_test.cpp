// Bullet, range, donut, dimension bars and radar charts (issue 5), drawn on a RecordingCanvas:
// geometry checks (labels never overlap, everything inside the box) and how missing data and
// status are shown.
#include "../../charts/src/draw_internal.hpp"

#include <algorithm>
#include <cairo.h>
#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using charts::Box;
using charts::ChartSpec;
using charts::Item;
using charts::RecordingCanvas;

const std::set<std::string> label_roles{"tick-label", "category-label", "data-label", "legend",
                                        "status",     "missing",        "axis-title"};

using DrawFn = void (*)(charts::Canvas&, const Box&, const ChartSpec&, const charts::Theme&);

std::vector<Item> draw(DrawFn fn, const ChartSpec& spec, const Box& box) {
    RecordingCanvas canvas;
    fn(canvas, box, spec, charts::Theme{});
    return canvas.items();
}

std::string describe(const Item& item) {
    return item.kind + " " + item.role + " '" + item.text + "' [" + std::to_string(item.bounds.x) +
           " " + std::to_string(item.bounds.y) + " " + std::to_string(item.bounds.width) + " " +
           std::to_string(item.bounds.height) + "]";
}

/// Every item inside `box` (half a point of tolerance), no two label texts overlapping.
void check_geometry(const std::vector<Item>& items, const Box& box) {
    REQUIRE_FALSE(items.empty());
    for (const Item& item : items) {
        INFO(describe(item));
        CHECK(item.bounds.x >= box.x - 0.5);
        CHECK(item.bounds.y >= box.y - 0.5);
        CHECK(item.bounds.x + item.bounds.width <= box.x + box.width + 0.5);
        CHECK(item.bounds.y + item.bounds.height <= box.y + box.height + 0.5);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].kind != "text" || label_roles.count(items[i].role) == 0) {
            continue;
        }
        for (std::size_t j = i + 1; j < items.size(); ++j) {
            if (items[j].kind != "text" || label_roles.count(items[j].role) == 0) {
                continue;
            }
            INFO(describe(items[i]) << "  vs  " << describe(items[j]));
            CHECK_FALSE(charts::overlaps(items[i].bounds, items[j].bounds, 0.5));
        }
    }
}

std::size_t count_if(const std::vector<Item>& items, const std::function<bool(const Item&)>& f) {
    return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), f));
}

bool has_text(const std::vector<Item>& items, const std::string& text,
              const std::string& role = "") {
    return count_if(items, [&](const Item& item) {
               return item.kind == "text" && item.text == text &&
                      (role.empty() || item.role == role);
           }) > 0;
}

std::size_t hatched(const std::vector<Item>& items) {
    return count_if(items, [](const Item& item) { return item.hatch; });
}

const std::string long_label =
    "Percentage of active borrowers who are women in rural areas of the poorest districts";

ChartSpec bullet_spec() {
    ChartSpec spec;
    spec.kind = charts::ChartKind::bullet;
    spec.format.kind = charts::ValueKind::percent;
    spec.bullets = {
        {"Women borrowers", 0.62, 0.58, 0.70, 0.40, "on-track", "On track"},
        {long_label, 0.31, 0.45, 0.60, 0.30, "off-track", "Off track"},
        {"Rural clients", 0.48, 0.50, 0.55, 0.41, "at-risk", "At risk"},
        {"Poorest clients", std::nullopt, 0.20, 0.30, 0.10, "no-data", "No data"},
        {"New product", std::nullopt, std::nullopt, 0.25, std::nullopt, "not-started", ""},
    };
    return spec;
}

} // namespace

TEST_CASE("bullet chart: status word and symbol per row, missing actual hatched",
          "[draw-special]") {
    const Box box{20, 30, 420, 180};
    const ChartSpec spec = bullet_spec();
    const auto items = draw(charts::detail::draw_bullet, spec, box);
    check_geometry(items, box);
    for (const auto& item : spec.bullets) {
        const std::string word =
            item.status_text.empty() ? std::string("not started") : item.status_text;
        INFO(word);
        CHECK(has_text(items, word, "status"));
    }
    // A symbol (shape, not only colour) per row besides the word.
    CHECK(count_if(items, [](const Item& i) { return i.role == "status" && i.kind != "text"; }) ==
          spec.bullets.size());
    // Two missing actuals: hatched strips and "n/a", and only three bars.
    CHECK(hatched(items) >= 2);
    CHECK(count_if(items, [](const Item& i) { return i.text == "n/a" && i.role == "missing"; }) ==
          2);
    CHECK(count_if(items, [](const Item& i) { return i.role == "bar"; }) == 3);
    CHECK(has_text(items, "62%", "data-label"));
    // The long label is ellipsised, not dropped.
    CHECK(count_if(items, [](const Item& i) {
              return i.role == "category-label" && i.text.find("…") != std::string::npos;
          }) == 1);
    CHECK(count_if(items, [](const Item& i) { return i.role == "tick-label"; }) >= 2);
}

TEST_CASE("bullet chart: all missing and many rows in a small box", "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::bullet;
    for (int i = 0; i < 12; ++i) {
        spec.bullets.push_back({long_label + std::to_string(i), std::nullopt, std::nullopt,
                                std::nullopt, std::nullopt, "no-data", "Pas de données"});
    }
    const Box box{0, 0, 260, 140};
    const auto items = draw(charts::detail::draw_bullet, spec, box);
    check_geometry(items, box);
    CHECK(count_if(items, [](const Item& i) { return i.text == "Pas de données"; }) == 12);
    CHECK(hatched(items) >= 12);

    spec.bullets.clear();
    const auto empty = draw(charts::detail::draw_bullet, spec, box);
    check_geometry(empty, box);
    CHECK(has_text(empty, "no data", "missing"));
}

TEST_CASE("range chart: P25-P75 with median and n, suppressed medians are not drawn at 0",
          "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::range;
    spec.format.kind = charts::ValueKind::percent;
    spec.value_axis_title = "Operational self-sufficiency";
    spec.ranges = {
        {"Africa", 0.92, 1.05, 1.18, 12},
        {"Latin America and the Caribbean", 1.01, 1.12, 1.25, 40},
        {"Small", std::nullopt, std::nullopt, std::nullopt, 2},
        {"Middle East and North Africa", std::nullopt, std::nullopt, std::nullopt, 0},
        {"South Asia", 0.98, 1.10, std::nullopt, 5},
    };
    const Box box{10, 10, 400, 200};
    const auto items = draw(charts::detail::draw_range, spec, box);
    check_geometry(items, box);
    CHECK(has_text(items, "n = 12"));
    CHECK(has_text(items, "n = 40"));
    CHECK(has_text(items, "105%", "data-label"));
    CHECK(has_text(items, "n < 3", "missing"));
    CHECK(has_text(items, "no data", "missing"));
    CHECK(hatched(items) == 2);
    // One median dot per present median, none for the suppressed rows.
    CHECK(count_if(items, [](const Item& i) { return i.kind == "circle" && i.role == "marker"; }) ==
          3);
    CHECK(has_text(items, "Operational self-sufficiency", "axis-title"));
    // The value axis does not need zero: OSS of 90-125% is not squeezed against 0.
    CHECK_FALSE(has_text(items, "0%", "tick-label"));
}

TEST_CASE("donut: outside labels do not overlap, missing shares listed as n/a", "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::donut;
    spec.categories = {"Grant", "Debt", "Equity", "Guarantee", "Other"};
    spec.series = {{"Instruments", {40.0, 35.0, 15.0, std::nullopt, 10.0}, {}, {}}};
    const Box box{0, 0, 360, 200};
    const auto items = draw(charts::detail::draw_donut, spec, box);
    check_geometry(items, box);
    CHECK(has_text(items, "Grant 40%", "data-label"));
    CHECK(has_text(items, "Guarantee: n/a", "legend"));
    CHECK(count_if(items, [](const Item& i) { return i.role == "bar"; }) == 4);
    CHECK(count_if(items, [](const Item& i) { return i.role == "leader"; }) == 4);
}

TEST_CASE("donut: many small shares, long names, all missing", "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::donut;
    spec.series.resize(1);
    spec.categories.push_back("Large");
    spec.series[0].values.push_back(500.0);
    for (int i = 0; i < 30; ++i) {
        spec.categories.push_back("A rather long category name number " + std::to_string(i));
        spec.series[0].values.push_back(1.0 + i % 3);
    }
    const Box box{5, 5, 300, 160};
    const auto items = draw(charts::detail::draw_donut, spec, box);
    check_geometry(items, box);
    CHECK(has_text(items, "Large 89%", "data-label"));
    // Shares whose labels do not fit beside the ring are listed in the legend (or counted).
    CHECK(count_if(items, [](const Item& i) { return i.role == "legend" && i.kind == "text"; }) >
          0);

    for (auto& value : spec.series[0].values) {
        value.reset();
    }
    const auto missing = draw(charts::detail::draw_donut, spec, box);
    check_geometry(missing, box);
    CHECK(hatched(missing) >= 1);
    CHECK(has_text(missing, "n/a", "missing"));
    CHECK(count_if(missing, [](const Item& i) { return i.role == "bar"; }) == 0);
}

TEST_CASE("dimension bars: 0-100% axis, value printed, missing score hatched", "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::dimension_bars;
    spec.categories = {"Define and monitor social goals",
                       "Ensure board accountability",
                       "Design products that meet clients' needs and preferences",
                       "Treat clients responsibly",
                       "Treat employees responsibly",
                       "Balance financial and social performance"};
    spec.series = {{"SPI4", {0.82, 0.61, std::nullopt, 0.9, 0.455, 1.0}, {}, {}}};
    const Box box{0, 0, 380, 170};
    const auto items = draw(charts::detail::draw_dimension_bars, spec, box);
    check_geometry(items, box);
    CHECK(has_text(items, "82%", "data-label"));
    CHECK(has_text(items, "100%", "tick-label"));
    CHECK(has_text(items, "0%", "tick-label"));
    CHECK(has_text(items, "n/a", "missing"));
    CHECK(hatched(items) == 1);
    CHECK(count_if(items, [](const Item& i) { return i.role == "bar"; }) == 5);
}

TEST_CASE("radar: 12 dimensions, long names, a missing value breaks the polygon",
          "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::radar;
    for (int i = 0; i < 12; ++i) {
        spec.categories.push_back(i % 3 == 0 ? "Dimension with a long descriptive name " +
                                                   std::to_string(i)
                                             : "Dim " + std::to_string(i));
    }
    charts::Series a{"2024", {}, {}, {}};
    charts::Series b{"2025", {}, {}, {}};
    for (int i = 0; i < 12; ++i) {
        a.values.emplace_back(0.3 + 0.05 * i);
        b.values.push_back(i == 4 ? std::optional<double>()
                                  : std::optional<double>(0.8 - 0.04 * i));
    }
    spec.series = {a, b};
    const Box box{0, 0, 400, 260};
    const auto items = draw(charts::detail::draw_radar, spec, box);
    check_geometry(items, box);
    CHECK(count_if(items, [](const Item& i) { return i.role == "category-label"; }) == 12);
    // Series a is one closed line; series b is broken at the missing value and marked there.
    CHECK(count_if(items, [](const Item& i) { return i.role == "line"; }) == 2);
    CHECK(count_if(items, [](const Item& i) { return i.role == "missing"; }) == 2);
    CHECK(count_if(items, [](const Item& i) { return i.role == "marker"; }) == 23);
    CHECK(has_text(items, "2024", "legend"));
    CHECK(has_text(items, "50%", "tick-label"));

    // Crowded: 12 long names in a small box.
    for (auto& name : spec.categories) {
        name = "Social performance dimension " + name;
    }
    const Box small{0, 0, 240, 170};
    check_geometry(draw(charts::detail::draw_radar, spec, small), small);
}

TEST_CASE("radar: all missing and fewer than three dimensions", "[draw-special]") {
    ChartSpec spec;
    spec.kind = charts::ChartKind::radar;
    spec.categories = {"A", "B", "C", "D", "E"};
    spec.series = {
        {"", {std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt}, {}, {}}};
    const Box box{0, 0, 300, 200};
    const auto items = draw(charts::detail::draw_radar, spec, box);
    check_geometry(items, box);
    CHECK(has_text(items, "A (n/a)", "category-label"));
    CHECK(count_if(items, [](const Item& i) { return i.role == "marker"; }) == 0);
    CHECK(count_if(items, [](const Item& i) { return i.role == "missing"; }) == 10);

    spec.categories = {"A", "B"};
    spec.series = {{"", {0.5, std::nullopt}, {}, {}}};
    const auto bars = draw(charts::detail::draw_radar, spec, box);
    check_geometry(bars, box);
    CHECK(has_text(bars, "50%", "data-label"));
    CHECK(hatched(bars) == 1);
}

TEST_CASE("special kinds draw on a Cairo surface", "[draw-special]") {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 500, 300);
    cairo_t* cr = cairo_create(surface);
    {
        charts::CairoCanvas canvas(cr);
        const Box box{10, 10, 480, 280};
        const charts::Theme theme;
        ChartSpec spec = bullet_spec();
        charts::detail::draw_bullet(canvas, box, spec, theme);
        spec.ranges = {{"A", 0.1, 0.2, 0.3, 10},
                       {"B", std::nullopt, std::nullopt, std::nullopt, 1}};
        charts::detail::draw_range(canvas, box, spec, theme);
        spec.categories = {"A", "B", "C", "D"};
        spec.series = {{"S", {0.4, std::nullopt, 0.7, 0.2}, {}, {}}};
        charts::detail::draw_donut(canvas, box, spec, theme);
        charts::detail::draw_dimension_bars(canvas, box, spec, theme);
        charts::detail::draw_radar(canvas, box, spec, theme);
    }
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
}

TEST_CASE("special kinds print their own words in the chart's locale", "[draw-special]") {
    const Box box{10, 10, 400, 200};
    SECTION("range: no data, n < 3 unchanged") {
        ChartSpec spec;
        spec.kind = charts::ChartKind::range;
        spec.format.kind = charts::ValueKind::percent;
        spec.ranges = {{"Africa", 0.92, 1.05, 1.18, 12},
                       {"Small", std::nullopt, std::nullopt, std::nullopt, 2},
                       {"None", std::nullopt, std::nullopt, std::nullopt, 0}};
        spec.format.locale = charts::Locale::fr;
        auto items = draw(charts::detail::draw_range, spec, box);
        check_geometry(items, box);
        CHECK(has_text(items, "aucune donnée", "missing"));
        CHECK(has_text(items, "n < 3", "missing"));
        CHECK_FALSE(has_text(items, "no data"));
        spec.format.locale = charts::Locale::es;
        items = draw(charts::detail::draw_range, spec, box);
        CHECK(has_text(items, "sin datos", "missing"));
        spec.format.locale = charts::Locale::en;
        CHECK(has_text(draw(charts::detail::draw_range, spec, box), "no data", "missing"));
    }
    SECTION("bullet: missing actual and status without a text") {
        ChartSpec spec = bullet_spec();
        for (auto& item : spec.bullets) {
            item.status_text.clear();
        }
        spec.format.locale = charts::Locale::fr;
        const auto items = draw(charts::detail::draw_bullet, spec, box);
        check_geometry(items, box);
        CHECK(has_text(items, "n.d."));
        CHECK_FALSE(has_text(items, "n/a"));
        CHECK(has_text(items, "en bonne voie"));
        CHECK(has_text(items, "hors trajectoire"));
        spec.format.locale = charts::Locale::en;
        const auto english = draw(charts::detail::draw_bullet, spec, box);
        CHECK(has_text(english, "n/a"));
        CHECK(has_text(english, "on track"));
    }
    SECTION("empty bullet, dimension bars, radar and donut say no data") {
        for (const auto& [fn, kind] : std::vector<std::pair<DrawFn, charts::ChartKind>>{
                 {charts::detail::draw_bullet, charts::ChartKind::bullet},
                 {charts::detail::draw_dimension_bars, charts::ChartKind::dimension_bars},
                 {charts::detail::draw_radar, charts::ChartKind::radar},
                 {charts::detail::draw_donut, charts::ChartKind::donut}}) {
            ChartSpec spec;
            spec.kind = kind;
            spec.format.locale = charts::Locale::es;
            INFO(charts::kind_name(kind));
            CHECK(has_text(draw(fn, spec, box), "sin datos", "missing"));
        }
    }
    SECTION("dimension bars: a missing score") {
        ChartSpec spec;
        spec.kind = charts::ChartKind::dimension_bars;
        spec.categories = {"Outreach", "Client protection"};
        spec.series = {{"2024", {0.5, std::nullopt}, {}, {}}};
        spec.format.locale = charts::Locale::fr;
        const auto items = draw(charts::detail::draw_dimension_bars, spec, box);
        check_geometry(items, box);
        CHECK(has_text(items, "n.d."));
    }
}
