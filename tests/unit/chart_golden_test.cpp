// Golden tests of the chart drawing (issue 5): one chart of every kind, built from the sample
// report's results exactly as `sfpgen gallery` builds them, is drawn on a RecordingCanvas into
// a fixed box, and its structural projection (every text, line, polygon, rectangle and circle
// with its role, rounded to 0.1 pt) is compared with tests/golden/charts/<kind>.txt.
// SFPGEN_UPDATE_GOLDEN=1 rewrites the files instead (docs/testing.md, "Golden tests of charts").

#include "charts/canvas.hpp"
#include "charts/draw.hpp"
#include "charts/output.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/gallery.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;

/// The box every golden chart is drawn into (points).
constexpr charts::Box golden_box{10, 10, 480, 300};

const std::vector<sfp::GalleryChart>& sample_gallery() {
    static const std::vector<sfp::GalleryChart> gallery = [] {
        sfp::Diagnostics diagnostics;
        auto result =
            sfp::gallery_charts(source_dir + "/templates/gb-progress/report.toml", diagnostics);
        REQUIRE(result.code == sfp::ExitCode::ok);
        return std::move(result.charts);
    }();
    return gallery;
}

std::string project(const charts::ChartSpec& spec) {
    charts::RecordingCanvas canvas;
    charts::draw_chart(canvas, golden_box, spec, charts::Theme{});
    return canvas.projection();
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The first line where two projections differ, for the failure message.
std::string first_difference(const std::string& expected, const std::string& actual) {
    std::istringstream a(expected);
    std::istringstream b(actual);
    std::string line_a;
    std::string line_b;
    for (int line = 1;; ++line) {
        const bool more_a = static_cast<bool>(std::getline(a, line_a));
        const bool more_b = static_cast<bool>(std::getline(b, line_b));
        if (!more_a && !more_b) {
            return "no difference";
        }
        if (!more_a || !more_b || line_a != line_b) {
            return "line " + std::to_string(line) + ":\n  golden: " + (more_a ? line_a : "<end>") +
                   "\n  drawn:  " + (more_b ? line_b : "<end>");
        }
    }
}

/// Adding a ChartKind fails to compile here (-Wswitch-enum, -Werror): add it to all_kinds too.
bool listed(charts::ChartKind kind) {
    switch (kind) {
    case charts::ChartKind::line:
    case charts::ChartKind::column:
    case charts::ChartKind::bar:
    case charts::ChartKind::stacked_column:
    case charts::ChartKind::stacked_bar:
    case charts::ChartKind::percent_column:
    case charts::ChartKind::percent_bar:
    case charts::ChartKind::bullet:
    case charts::ChartKind::range:
    case charts::ChartKind::scatter:
    case charts::ChartKind::donut:
    case charts::ChartKind::dimension_bars:
    case charts::ChartKind::radar:
    case charts::ChartKind::small_multiples:
    case charts::ChartKind::sparkline:
        return std::find(charts::all_kinds.begin(), charts::all_kinds.end(), kind) !=
               charts::all_kinds.end();
    }
    return false;
}

} // namespace

TEST_CASE("all_kinds lists every chart kind once", "[golden]") {
    std::set<std::string> names;
    for (const auto kind : charts::all_kinds) {
        CHECK(listed(kind));
        names.insert(charts::kind_name(kind));
    }
    CHECK(names.size() == charts::all_kinds.size());
    CHECK(listed(charts::ChartKind::sparkline));
}

TEST_CASE("the gallery has one chart of every kind, built from the sample", "[golden]") {
    const auto& gallery = sample_gallery();
    REQUIRE(gallery.size() == charts::all_kinds.size());
    for (std::size_t i = 0; i < gallery.size(); ++i) {
        CHECK(gallery[i].spec.kind == charts::all_kinds[i]);
        CHECK_FALSE(gallery[i].about.empty());
    }
}

TEST_CASE("every chart kind draws the same items twice", "[golden]") {
    for (const auto& item : sample_gallery()) {
        INFO(charts::kind_name(item.spec.kind));
        CHECK(project(item.spec) == project(item.spec));
    }
}

TEST_CASE("every chart kind matches its golden projection", "[golden]") {
    const char* update_env = std::getenv("SFPGEN_UPDATE_GOLDEN");
    const bool update = update_env != nullptr && std::string(update_env) == "1";
    const std::filesystem::path dir = source_dir + "/tests/golden/charts";
    for (const auto& item : sample_gallery()) {
        const std::string kind = charts::kind_name(item.spec.kind);
        const std::string actual = project(item.spec);
        const auto path = dir / (kind + ".txt");
        INFO("chart kind " << kind << ", golden file " << path.string());
        if (update) {
            std::filesystem::create_directories(dir);
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out << actual;
            out.close();
            CHECK(read_file(path) == actual);
            WARN("updated " << path.string());
            continue;
        }
        if (!std::filesystem::exists(path)) {
            FAIL_CHECK("no golden file " << path.string()
                                         << ": draw the chart, check it (sfpgen gallery), then "
                                            "write the goldens with SFPGEN_UPDATE_GOLDEN=1");
            continue;
        }
        const std::string expected = read_file(path);
        INFO("first difference at " << first_difference(expected, actual)
                                    << "\n(if the change is intended: SFPGEN_UPDATE_GOLDEN=1)");
        CHECK(expected == actual);
    }
}
