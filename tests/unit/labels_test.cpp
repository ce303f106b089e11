// Tests of label placement (charts/labels.hpp): axis label plans checked against the geometry
// of the labels they produce (no two shown labels overlap), ellipsis on whole UTF-8 characters,
// and spreading of stacked labels.

#include "charts/labels.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace {

constexpr double point_per_char = 5.0;
constexpr double line = 10.0;

/// Number of code points of a UTF-8 string.
std::size_t code_points(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

/// A fake text measure: 5 pt per code point.
double fake_measure(const std::string& text) {
    return static_cast<double>(code_points(text)) * point_per_char;
}

std::vector<charts::LabelSize> sizes_of(const std::vector<std::string>& names) {
    std::vector<charts::LabelSize> out;
    for (const auto& name : names) {
        out.push_back({fake_measure(name), line});
    }
    return out;
}

/// A shown label as a rectangle rotated by the plan's angle: its centre, its extent along the
/// text (width) and across it (height).
struct Placed {
    std::size_t index = 0;
    double cx = 0;
    double cy = 0;
    double width = 0;
    double height = 0;
};

/// Places the shown labels of `plan`: centred on their slot, or (anchored_at_end) with the end
/// of the text at the slot centre as a rotated axis label is drawn.
std::vector<Placed> place(const std::vector<charts::LabelSize>& sizes,
                          const charts::AxisLabelPlan& plan, double slot_width,
                          bool anchored_at_end) {
    const double radians = plan.angle * M_PI / 180.0;
    const double ux = std::cos(radians);
    const double uy = -std::sin(radians); // counter-clockwise on a y-down page
    std::vector<Placed> out;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (!charts::is_label_shown(plan, i, sizes.size())) {
            continue;
        }
        Placed label;
        label.index = i;
        label.width = sizes[i].width;
        label.height = sizes[i].height;
        if (plan.max_width > 0) { // cut first, then wrapped
            label.width = std::min(label.width, plan.max_width);
        }
        if (plan.wrap_width > 0 && label.width > plan.wrap_width) {
            label.height = std::ceil(label.width / plan.wrap_width) * line;
            label.width = plan.wrap_width;
        }
        label.cx = (static_cast<double>(i) + 0.5) * slot_width;
        label.cy = 0;
        if (anchored_at_end && plan.angle != 0) {
            label.cx -= ux * label.width / 2;
            label.cy -= uy * label.width / 2;
        }
        out.push_back(label);
    }
    return out;
}

/// The largest separation of two parallel rotated rectangles along the text or across it
/// (negative: they overlap by that much).
double separation(const Placed& a, const Placed& b, double angle) {
    const double radians = angle * M_PI / 180.0;
    const double ux = std::cos(radians);
    const double uy = -std::sin(radians);
    const double vx = -uy; // across the text
    const double vy = ux;
    const double dx = b.cx - a.cx;
    const double dy = b.cy - a.cy;
    const double along = std::fabs(dx * ux + dy * uy) - (a.width + b.width) / 2;
    const double across = std::fabs(dx * vx + dy * vy) - (a.height + b.height) / 2;
    return std::max(along, across);
}

/// Checks a plan for `sizes`: first and last shown, shown labels `step` apart, no two shown
/// labels closer than `gap` (both anchorings), height_needed covering every label. Without
/// `must_fit` (not even the first and the last label fit apart) only the basics are checked.
void check_plan(const std::vector<charts::LabelSize>& sizes, const charts::AxisLabelPlan& plan,
                double slot_width, double max_height, double gap, bool must_fit = true) {
    INFO("plan: angle " << plan.angle << " wrap " << plan.wrap_width << " step " << plan.step
                        << " max_width " << plan.max_width << " height " << plan.height_needed);
    const std::size_t count = sizes.size();
    REQUIRE(count > 0);
    CHECK((plan.angle == 0 || plan.angle == 45 || plan.angle == 90));
    CHECK(plan.step >= 1);
    CHECK(charts::is_label_shown(plan, 0, count));
    CHECK(charts::is_label_shown(plan, count - 1, count));
    for (const bool at_end : {false, true}) {
        const auto placed = place(sizes, plan, slot_width, at_end);
        for (std::size_t k = 1; k < placed.size(); ++k) {
            CHECK(placed[k].index - placed[k - 1].index >= std::min(plan.step, count - 1));
        }
        if (plan.angle == 0 && count > 1 && plan.wrap_width > 0) {
            CHECK(plan.wrap_width <= static_cast<double>(plan.step) * slot_width - gap + 1e-9);
        }
        for (std::size_t a = 0; a < placed.size(); ++a) {
            const double depth = placed[a].width * std::fabs(std::sin(plan.angle * M_PI / 180.0)) +
                                 placed[a].height * std::fabs(std::cos(plan.angle * M_PI / 180.0));
            CHECK(plan.height_needed >= depth - 1e-6);
            for (std::size_t b = a + 1; must_fit && b < placed.size(); ++b) {
                INFO("labels " << placed[a].index << " and " << placed[b].index
                               << (at_end ? " anchored at the end" : " centred"));
                CHECK(separation(placed[a], placed[b], plan.angle) >= gap - 1e-6);
            }
        }
        if (count == 1 && must_fit) {
            CHECK(placed.at(0).width + gap <= slot_width + 1e-9);
        }
    }
    if (must_fit) {
        CHECK(plan.height_needed <= max_height + 1e-9);
    }
}

std::vector<std::string> countries() {
    return {"Afghanistan",      "Bosnia and Herzegovina",
            "Côte d'Ivoire",    "Democratic Republic of the Congo",
            "Kyrgyzstan",       "Кыргызстан",
            "Papua New Guinea", "Peru",
            "中华人民共和国",   "Saint Vincent and the Grenadines",
            "Timor-Leste",      "Uganda",
            "Viet Nam",         "Yemen"};
}

std::vector<std::string> many(const std::vector<std::string>& names, std::size_t count) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(names[i % names.size()]);
    }
    return out;
}

std::vector<std::string> years(int first, int last) {
    std::vector<std::string> out;
    for (int year = first; year <= last; ++year) {
        out.push_back(std::to_string(year));
    }
    return out;
}

} // namespace

TEST_CASE("labels: short labels in wide slots stay horizontal", "[labels]") {
    const auto sizes = sizes_of(years(2019, 2024));
    const auto plan = charts::plan_axis_labels(sizes, 60.0, 40.0, line);
    CHECK(plan.angle == 0);
    CHECK(plan.step == 1);
    CHECK(plan.wrap_width == 0);
    CHECK(plan.max_width == 0);
    CHECK(plan.height_needed == Approx(line));
    check_plan(sizes, plan, 60.0, 40.0, 2.0);
}

TEST_CASE("labels: two-word labels wrap in their slot before rotating", "[labels]") {
    const auto sizes = sizes_of({"Latin America", "South Asia", "East Africa", "West Africa"});
    const auto plan = charts::plan_axis_labels(sizes, 50.0, 40.0, line);
    CHECK(plan.angle == 0);
    CHECK(plan.step == 1);
    CHECK(plan.wrap_width == Approx(48.0));
    CHECK(plan.height_needed == Approx(2 * line));
    check_plan(sizes, plan, 50.0, 40.0, 2.0);
}

TEST_CASE("labels: long names in narrow slots rotate", "[labels]") {
    const auto sizes =
        sizes_of({"Kyrgyzstan", "Tajikistan", "Uzbekistan", "Kazakhstan", "Mongolia"});
    const auto plan = charts::plan_axis_labels(sizes, 20.0, 80.0, line);
    CHECK(plan.angle == 45);
    CHECK(plan.step == 1);
    CHECK(plan.max_width == 0);
    check_plan(sizes, plan, 20.0, 80.0, 2.0);
    // Too narrow for 45 degrees (20 x sin 45 < 12) but not for 90.
    const auto upright = charts::plan_axis_labels(sizes, 13.0, 80.0, line);
    CHECK(upright.angle == 90);
    CHECK(upright.step == 1);
    check_plan(sizes, upright, 13.0, 80.0, 2.0);
}

TEST_CASE("labels: forty years on a narrow axis are thinned", "[labels]") {
    const auto sizes = sizes_of(years(1985, 2030)); // 46 labels
    const auto plan = charts::plan_axis_labels(sizes, 7.0, 40.0, line);
    CHECK(plan.step > 1);
    CHECK(plan.max_width == 0); // years are never cut
    check_plan(sizes, plan, 7.0, 40.0, 2.0);
}

TEST_CASE("labels: many long names are ellipsised or thinned, never overlapping", "[labels]") {
    const auto sizes = sizes_of(many(countries(), 60));
    for (const double slot : {3.0, 6.0, 12.0, 18.0, 25.0}) {
        for (const double height : {30.0, 60.0, 120.0}) {
            INFO("slot " << slot << " max height " << height);
            const auto plan = charts::plan_axis_labels(sizes, slot, height, line);
            check_plan(sizes, plan, slot, height, 2.0);
            if (plan.max_width > 0) {
                CHECK(plan.max_width >= std::min(160.0, charts::min_ellipsis_lines * line) - 1e-9);
            }
        }
    }
}

TEST_CASE("labels: very narrow slots keep the first and the last label", "[labels]") {
    const auto sizes = sizes_of(many({"A", "BB", "CCC"}, 200));
    const auto plan = charts::plan_axis_labels(sizes, 0.5, 30.0, line);
    check_plan(sizes, plan, 0.5, 30.0, 2.0);
    CHECK(plan.step >= 14); // "A" every 15th: (5 + 5) / 2 + 2 <= 7.5
}

TEST_CASE("labels: a single category fits its slot", "[labels]") {
    SECTION("short: as is") {
        const auto sizes = sizes_of({"Peru"});
        const auto plan = charts::plan_axis_labels(sizes, 200.0, 40.0, line);
        CHECK(plan.angle == 0);
        CHECK(plan.step == 1);
        CHECK(plan.max_width == 0);
        check_plan(sizes, plan, 200.0, 40.0, 2.0);
    }
    SECTION("long: wrapped") {
        const auto sizes = sizes_of({"Democratic Republic of the Congo"}); // 160 pt
        const auto plan = charts::plan_axis_labels(sizes, 120.0, 40.0, line);
        CHECK(plan.angle == 0);
        CHECK(plan.wrap_width == Approx(118.0));
        check_plan(sizes, plan, 120.0, 40.0, 2.0);
    }
    SECTION("long and no height to wrap: ellipsised") {
        const auto sizes = sizes_of({"Democratic Republic of the Congo"});
        const auto plan = charts::plan_axis_labels(sizes, 120.0, 12.0, line);
        CHECK(plan.angle == 0);
        CHECK(plan.max_width == Approx(118.0));
        check_plan(sizes, plan, 120.0, 12.0, 2.0);
    }
}

TEST_CASE("labels: mixed lengths", "[labels]") {
    const auto sizes = sizes_of({"A", "Saint Vincent and the Grenadines", "B", "C",
                                 "Bosnia and Herzegovina", "Peru", "D", "中华人民共和国", "E"});
    for (const double slot : {8.0, 15.0, 30.0, 60.0, 120.0}) {
        for (const double height : {12.0, 25.0, 50.0, 200.0}) {
            INFO("slot " << slot << " max height " << height);
            check_plan(sizes, charts::plan_axis_labels(sizes, slot, height, line), slot, height,
                       2.0);
        }
    }
}

TEST_CASE("labels: no overlap over a grid of hard cases", "[labels]") {
    const std::vector<std::vector<std::string>> sets{
        years(2000, 2045),
        many(countries(), 41),
        many(countries(), 3),
        {"One"},
        {"Democratic Republic of the Congo"},
        many({"Q1 2024", "Q2 2024", "Q3 2024", "Q4 2024"}, 24),
        many({"x", "A much longer category name than the others"}, 17)};
    for (const auto& names : sets) {
        const auto sizes = sizes_of(names);
        for (const double slot : {1.0, 4.0, 9.0, 14.0, 22.0, 35.0, 70.0, 150.0, 400.0}) {
            for (const double height : {11.0, 20.0, 45.0, 90.0, 300.0}) {
                for (const double gap : {0.0, 2.0, 6.0}) {
                    INFO(names.size()
                         << " labels, slot " << slot << " height " << height << " gap " << gap);
                    const auto plan = charts::plan_axis_labels(sizes, slot, height, line, gap);
                    // With room for one line and the first and last apart, a plan must fit.
                    const bool possible =
                        names.size() == 1
                            ? slot > gap + 1 + 1e-9
                            : static_cast<double>(names.size() - 1) * slot >= line + gap + 1e-9;
                    check_plan(sizes, plan, slot, height, gap, possible);
                }
            }
        }
    }
}

TEST_CASE("labels: is_label_shown keeps first, last and step-th labels", "[labels]") {
    charts::AxisLabelPlan plan;
    plan.step = 3;
    std::vector<std::size_t> shown;
    for (std::size_t i = 0; i < 11; ++i) {
        if (charts::is_label_shown(plan, i, 11)) {
            shown.push_back(i);
        }
    }
    // 9 is only one slot from the last (10): left out.
    CHECK(shown == std::vector<std::size_t>{0, 3, 6, 10});
    CHECK_FALSE(charts::is_label_shown(plan, 11, 11));
    plan.step = 1;
    CHECK(charts::is_label_shown(plan, 5, 11));
}

TEST_CASE("labels: ellipsise cuts whole UTF-8 characters", "[labels]") {
    const std::string ellipsis = "\xE2\x80\xA6";
    CHECK(charts::ellipsise("Peru", 20.0, fake_measure) == "Peru");
    CHECK(charts::ellipsise("Peru", 100.0, fake_measure) == "Peru");
    CHECK(charts::ellipsise("Côte d'Ivoire", 40.0, fake_measure) == "Côte d'" + ellipsis);
    CHECK(charts::ellipsise("Côte d'Ivoire", 30.0, fake_measure) == "Côte" + ellipsis);
    CHECK(charts::ellipsise("Кыргызстан", 25.0, fake_measure) == "Кырг" + ellipsis);
    CHECK(charts::ellipsise("中华人民共和国", 15.0, fake_measure) == "中华" + ellipsis);
    CHECK(charts::ellipsise("Peru", 5.0, fake_measure) == ellipsis);
    CHECK(charts::ellipsise("Peru", 4.0, fake_measure).empty());
    // A decomposed é (e + U+0301) is not split from its accent.
    CHECK(charts::ellipsise("Cafe\xCC\x81 Bar", 25.0, fake_measure) == "Caf" + ellipsis);

    const std::vector<std::string> names{"Côte d'Ivoire", "Кыргызстан Республикасы",
                                         "中华人民共和国", "Peru 🇵🇪 ok", "São Tomé and Príncipe"};
    for (const auto& name : names) {
        for (double width = 0; width <= 130; width += 1.0) {
            INFO(name << " in " << width);
            const std::string cut = charts::ellipsise(name, width, fake_measure);
            CHECK(fake_measure(cut) <= width);
            if (cut == name || cut.empty()) {
                continue;
            }
            REQUIRE(cut.size() >= ellipsis.size());
            CHECK(cut.substr(cut.size() - ellipsis.size()) == ellipsis);
            const std::string head = cut.substr(0, cut.size() - ellipsis.size());
            CHECK(name.compare(0, head.size(), head) == 0);
            // The cut is on a character boundary: the next byte is not a continuation byte.
            if (head.size() < name.size()) {
                CHECK((static_cast<unsigned char>(name[head.size()]) & 0xC0) != 0x80);
            }
            // And it is the longest that fits (trailing spaces aside).
            CHECK(fake_measure(cut) + point_per_char > width - point_per_char);
        }
    }
}

TEST_CASE("labels: spread_labels moves overlapping labels as little as possible", "[labels]") {
    using Positions = std::vector<double>;
    const Positions ten{10.0, 10.0, 10.0};
    SECTION("apart already: unchanged") {
        const Positions wanted{0.0, 30.0, 60.0};
        CHECK(charts::spread_labels(wanted, ten, 0.0, 100.0) == wanted);
    }
    SECTION("two close labels move apart symmetrically") {
        const Positions wanted{50.0, 52.0};
        const Positions heights{10.0, 10.0};
        const auto out = charts::spread_labels(wanted, heights, 0.0, 100.0, 1.0);
        REQUIRE(out.size() == 2);
        CHECK(out[0] == Approx(45.5));
        CHECK(out[1] == Approx(56.5));
    }
    SECTION("against the top the lower label moves") {
        const Positions wanted{0.0, 5.0, 50.0};
        const auto out = charts::spread_labels(wanted, ten, 0.0, 100.0, 1.0);
        CHECK(out == Positions{0.0, 11.0, 50.0});
    }
    SECTION("against the bottom both move up") {
        const Positions wanted{95.0, 96.0};
        const Positions heights{10.0, 10.0};
        const auto out = charts::spread_labels(wanted, heights, 0.0, 100.0, 1.0);
        CHECK(out[0] == Approx(79.0));
        CHECK(out[1] == Approx(90.0));
    }
    SECTION("unsorted input keeps the order of the wanted positions") {
        const Positions wanted{52.0, 50.0};
        const Positions heights{10.0, 10.0};
        const auto out = charts::spread_labels(wanted, heights, 0.0, 100.0, 1.0);
        CHECK(out[1] == Approx(45.5));
        CHECK(out[0] == Approx(56.5));
    }
    SECTION("no room for all: inside the range anyway") {
        const Positions wanted{10.0, 10.0, 10.0, 10.0};
        const Positions heights{10.0, 10.0, 10.0, 10.0};
        const auto out = charts::spread_labels(wanted, heights, 0.0, 30.0, 1.0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            CHECK(out[i] >= 0.0);
            CHECK(out[i] + heights[i] <= 30.0 + 1e-9);
            if (i > 0) {
                CHECK(out[i] >= out[i - 1]);
            }
        }
    }
    SECTION("empty") {
        CHECK(charts::spread_labels({}, {}, 0.0, 10.0).empty());
    }
}

TEST_CASE("labels: spread_labels property check", "[labels]") {
    // A small deterministic generator: positions and heights of line-end labels.
    unsigned state = 12345;
    const auto next = [&state]() {
        state = state * 1103515245u + 12345u;
        return static_cast<double>((state >> 8) % 1000) / 1000.0;
    };
    for (int round = 0; round < 300; ++round) {
        const auto count = static_cast<std::size_t>(1 + next() * 9);
        std::vector<double> wanted;
        std::vector<double> heights;
        for (std::size_t i = 0; i < count; ++i) {
            wanted.push_back(-20 + next() * 240);
            heights.push_back(6 + next() * 8);
        }
        const double top = 0;
        const double bottom = 200;
        const double gap = 1.0;
        INFO("round " << round);
        const auto out = charts::spread_labels(wanted, heights, top, bottom, gap);
        REQUIRE(out.size() == count);
        std::vector<std::size_t> order(count);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return wanted[a] < wanted[b]; });
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = order[k];
            CHECK(out[i] >= top - 1e-9);
            CHECK(out[i] + heights[i] <= bottom + 1e-9);
            if (k > 0) {
                const std::size_t above = order[k - 1];
                CHECK(out[i] >= out[above] + heights[above] + gap - 1e-9); // order, no overlap
            }
            // A label whose wanted place is free and inside stays there when nothing is near.
        }
    }
}

TEST_CASE("labels: long names with little height wrap on two lines and are cut", "[labels]") {
    const auto sizes = sizes_of(countries());
    const auto plan = charts::plan_axis_labels(sizes, 60.0, 30.0, line);
    CHECK(plan.angle == 0);
    CHECK(plan.step == 1);
    CHECK(plan.wrap_width == Approx(58.0));
    CHECK(plan.max_width == Approx(charts::max_lines * charts::wrap_fill * 58.0));
    CHECK(plan.height_needed == Approx(2 * line));
    check_plan(sizes, plan, 60.0, 30.0, 2.0);
}
