// End to end: `sfpgen gallery` and `sfpgen build --format png,svg` as a user runs them; the
// PDF is read back with poppler-cpp, PNG sizes from their headers, and two runs must give
// byte-identical files.

#include "charts/chart.hpp"
#include "charts/output.hpp"
#include "sfp/gallery.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>
#include <sstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;
const std::string sfpgen = SFPGEN_BINARY;

fs::path fresh_dir(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("sfpgen-gallery-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Runs sfpgen from the source folder with a fixed SOURCE_DATE_EPOCH; returns its exit code.
int run(const std::string& arguments, const fs::path& log) {
    const std::string command = "cd '" + source_dir + "' && SOURCE_DATE_EPOCH=1767225600 '" +
                                sfpgen + "' " + arguments + " >'" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Width and height from a PNG's IHDR chunk.
std::pair<std::uint32_t, std::uint32_t> png_size(const fs::path& path) {
    const std::string bytes = read_file(path);
    REQUIRE(bytes.size() >= 24);
    REQUIRE(bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    REQUIRE(bytes.compare(12, 4, "IHDR") == 0);
    auto be32 = [&](std::size_t at) {
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            value = (value << 8U) | static_cast<std::uint8_t>(bytes[at + i]);
        }
        return value;
    };
    return {be32(16), be32(20)};
}

} // namespace

TEST_CASE("sfpgen gallery: a PDF page and a PNG per chart kind, byte-identical runs",
          "[e2e][gallery]") {
    const fs::path first = fresh_dir("first");
    const fs::path second = fresh_dir("second");
    REQUIRE(run("gallery --output '" + first.string() + "'", first / "log.txt") == 0);
    REQUIRE(run("gallery --output '" + second.string() + "'", second / "log.txt") == 0);

    const fs::path pdf = first / "gallery.pdf";
    const std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(pdf.string()));
    REQUIRE(doc != nullptr);
    REQUIRE(static_cast<std::size_t>(doc->pages()) == charts::all_kinds.size());
    for (std::size_t i = 0; i < charts::all_kinds.size(); ++i) {
        const std::unique_ptr<poppler::page> page(doc->create_page(static_cast<int>(i)));
        REQUIRE(page != nullptr);
        const auto bytes = page->text().to_utf8();
        const std::string text(bytes.begin(), bytes.end());
        const std::string caption =
            std::string("Chart kind: ") + charts::kind_name(charts::all_kinds[i]);
        INFO("page " << i + 1 << " should have the caption '" << caption << "'");
        CHECK(text.find(caption) != std::string::npos);
    }
    CHECK(read_file(pdf) == read_file(second / "gallery.pdf"));

    const auto expected_width =
        static_cast<std::uint32_t>(charts::pixels(sfp::gallery_chart_width, 150));
    const auto expected_height =
        static_cast<std::uint32_t>(charts::pixels(sfp::gallery_chart_height, 150));
    for (const auto kind : charts::all_kinds) {
        const fs::path png = first / (std::string("gallery-") + charts::kind_name(kind) + ".png");
        INFO(png.string());
        REQUIRE(fs::exists(png));
        const auto [width, height] = png_size(png);
        CHECK(width == expected_width);
        CHECK(height == expected_height);
        CHECK(read_file(png) == read_file(second / png.filename()));
    }
    // No temporary file is left behind.
    for (const auto& entry : fs::directory_iterator(first)) {
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
    }
    fs::remove_all(first);
    fs::remove_all(second);
}

TEST_CASE("sfpgen build --format png,svg writes each figure, byte-identical SVGs",
          "[e2e][gallery]") {
    const fs::path first = fresh_dir("build-first");
    const fs::path second = fresh_dir("build-second");
    REQUIRE(run("build --format png,svg --dpi 100 --output '" + first.string() + "'",
                first / "log.txt") == 0);
    REQUIRE(run("build --format svg --output '" + second.string() + "'", second / "log.txt") == 0);
    int figures = 0;
    for (int n = 1;; ++n) {
        const std::string stem = "gb-progress-sample-figure-" + std::to_string(n);
        if (!fs::exists(first / (stem + ".svg"))) {
            break;
        }
        ++figures;
        INFO(stem);
        const std::string svg = read_file(first / (stem + ".svg"));
        CHECK(svg.rfind("<?xml", 0) == 0);
        CHECK(svg.find("<svg") != std::string::npos);
        CHECK(svg == read_file(second / (stem + ".svg")));
        REQUIRE(fs::exists(first / (stem + ".png")));
        const auto [width, height] = png_size(first / (stem + ".png"));
        CHECK(width == static_cast<std::uint32_t>(charts::pixels(471.276, 100)));
        CHECK(height > 100U);
    }
    CHECK(figures >= 2);
    CHECK_FALSE(fs::exists(first / "gb-progress-sample.pdf"));
    fs::remove_all(first);
    fs::remove_all(second);
}
