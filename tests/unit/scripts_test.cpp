// Text in any script: the fonts installed by scripts/setup-deps cover Latin with accents,
// Cyrillic, Arabic (right to left) and Chinese, so no label is drawn as empty boxes ("tofu").

#include "charts/canvas.hpp"
#include "charts/draw.hpp"
#include "charts/text.hpp"

#include <cairo.h>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

struct Sample {
    const char* script;
    std::string text;
    bool rtl;
};

const std::vector<Sample>& samples() {
    static const std::vector<Sample> list{
        {"Latin", "Côte d'Ivoire, São Tomé, Perú: crédit solidaire", false},
        {"Cyrillic", "Кыргызстан: микрофинансовые организации", false},
        {"Arabic", "المغرب: مؤسسات التمويل الأصغر", true},
        {"Chinese", "中国：小额信贷机构", false},
    };
    return list;
}

} // namespace

TEST_CASE("scripts: every script has glyphs in the installed fonts", "[scripts]") {
    cairo_surface_t* surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr);
    cairo_t* cr = cairo_create(surface);
    const charts::Theme theme;
    for (const auto& sample : samples()) {
        INFO(sample.script);
        charts::TextStyle style;
        style.family = theme.font_family;
        style.size = 9;
        const charts::Text text = charts::make_text(cr, sample.text, style);
        CHECK(text.width > 20);
        CHECK(pango_layout_get_unknown_glyphs_count(text.layout.get()) == 0);
        const PangoDirection direction = pango_layout_get_direction(text.layout.get(), 0);
        CHECK((direction == PANGO_DIRECTION_RTL) == sample.rtl);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
}

TEST_CASE("scripts: a chart with labels in four scripts keeps them apart", "[scripts]") {
    charts::ChartSpec spec;
    spec.kind = charts::ChartKind::bar;
    spec.title = "Active borrowers";
    charts::Series series;
    series.name = "2024";
    for (const auto& sample : samples()) {
        spec.categories.push_back(sample.text);
        series.values.emplace_back(1000.0 + static_cast<double>(spec.categories.size()) * 250.0);
    }
    spec.series.push_back(series);
    charts::RecordingCanvas canvas;
    const charts::Box box{0, 0, 420, 220};
    charts::draw_chart(canvas, box, spec, charts::Theme{});
    std::vector<charts::Item> labels;
    for (const auto& item : canvas.items()) {
        if (item.kind == "text" && item.role == "category-label") {
            labels.push_back(item);
        }
    }
    REQUIRE(labels.size() >= 4);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        for (std::size_t j = i + 1; j < labels.size(); ++j) {
            INFO(labels[i].text << " / " << labels[j].text);
            CHECK_FALSE(charts::overlaps(labels[i].bounds, labels[j].bounds));
        }
    }
}
