// merge_cairo_pdfs (sfp/pdf_merge.hpp): two PDF files that cairo wrote for consecutive pages,
// made one. Files are written here with cairo and read back with poppler-cpp; the renderer's
// own use (a long report drawn in two parts) is checked against the whole document in
// layout_test.cpp.

#include "sfp/output.hpp"
#include "sfp/pdf_merge.hpp"

#include <algorithm>
#include <cairo-pdf.h>
#include <cairo.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

struct PageSpec {
    std::string text;
    std::string label;
    std::string dest;    ///< a named destination on the page (empty: none)
    std::string link_to; ///< a link to this name (empty: none)
};

/// A tagged PDF of `pages`, their P elements in the elements `around` (outermost first, below
/// Document), as a part of a document drawn in two parts has them (render_pdf).
std::string pdf_of(const std::vector<PageSpec>& pages, const std::vector<std::string>& around,
                   bool outline) {
    std::string out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, 300, 200);
    cairo_t* cr = cairo_create(surface);
    cairo_tag_begin(cr, "Document", "");
    for (const auto& name : around) {
        cairo_tag_begin(cr, name.c_str(), "");
    }
    for (std::size_t p = 0; p < pages.size(); ++p) {
        const PageSpec& page = pages[p];
        cairo_pdf_surface_set_page_label(surface, page.label.c_str());
        if (!page.dest.empty()) {
            const std::string attributes = "name='" + page.dest + "' x=10 y=10";
            cairo_tag_begin(cr, CAIRO_TAG_DEST, attributes.c_str());
            cairo_tag_end(cr, CAIRO_TAG_DEST);
        }
        cairo_tag_begin(cr, "P", "");
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 12);
        cairo_move_to(cr, 20, 50);
        cairo_show_text(cr, page.text.c_str());
        cairo_tag_end(cr, "P");
        if (!page.link_to.empty()) {
            const std::string attributes = "dest='" + page.link_to + "' rect=[20 80 100 20]";
            cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes.c_str());
            cairo_tag_end(cr, CAIRO_TAG_LINK);
        }
        if (p + 1 == pages.size()) {
            for (auto name = around.rbegin(); name != around.rend(); ++name) {
                cairo_tag_end(cr, name->c_str());
            }
            cairo_tag_end(cr, "Document");
        }
        cairo_show_page(cr);
    }
    if (outline) {
        cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, "Start", "dest='start'",
                                      CAIRO_PDF_OUTLINE_FLAG_OPEN);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    REQUIRE(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(surface);
    return out;
}

std::string text_of(const poppler::document& doc, int page) {
    const std::unique_ptr<poppler::page> p(doc.create_page(page));
    const auto bytes = p->text().to_utf8();
    return {bytes.begin(), bytes.end()};
}

/// The merged file, or nullopt (and `error`) when the merge refuses.
std::optional<std::string> merged_of(std::string_view first, std::string_view second,
                                     std::size_t open, std::string& error) {
    std::string out;
    std::size_t pieces = 0;
    const bool ok = sfp::detail::merge_cairo_pdfs(
        first, second, open,
        [&](std::string_view piece) {
            out.append(piece);
            ++pieces;
        },
        error);
    if (!ok) {
        return std::nullopt;
    }
    CHECK(pieces >= 1);
    return out;
}

std::string label_of(const poppler::document& doc, int page) {
    const std::unique_ptr<poppler::page> p(doc.create_page(page));
    const auto bytes = p->label().to_utf8();
    return {bytes.begin(), bytes.end()};
}

} // namespace

TEST_CASE("pdf merge: pages, labels and structure of two cairo files", "[pdf-merge]") {
    const std::string first =
        pdf_of({{"Alpha one", "i", "start", "later"}, {"Alpha two", "1", "", ""}}, {"Table"}, true);
    const std::string second = pdf_of(
        {{"Beta three", "2", "later", "start"}, {"Beta four", "3", "", ""}}, {"Table"}, false);
    std::string error;
    const auto merged = merged_of(first, second, 1, error);
    INFO(error);
    REQUIRE(merged);
    const std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(merged->data(), static_cast<int>(merged->size())));
    REQUIRE(doc);
    REQUIRE(doc->pages() == 4);
    CHECK(text_of(*doc, 0).find("Alpha one") != std::string::npos);
    CHECK(text_of(*doc, 1).find("Alpha two") != std::string::npos);
    CHECK(text_of(*doc, 2).find("Beta three") != std::string::npos);
    CHECK(text_of(*doc, 3).find("Beta four") != std::string::npos);
    CHECK(label_of(*doc, 0) == "i");
    CHECK(label_of(*doc, 1) == "1");
    CHECK(label_of(*doc, 2) == "2");
    CHECK(label_of(*doc, 3) == "3");
    // One structure tree: one Document, one Table holding the P elements of both parts.
    const auto count = [&merged](const std::string& what) {
        std::size_t n = 0;
        for (auto at = merged->find(what); at != std::string::npos;
             at = merged->find(what, at + 1)) {
            ++n;
        }
        return n;
    };
    CHECK(count("/S /Document") == 1);
    CHECK(count("/S /Table") == 1);
    CHECK(count("/S /P\n") == 4);
    CHECK(count("/Type /StructTreeRoot") == 1);
    CHECK(count("/Type /Catalog") == 1);
    CHECK(count("/Type /Pages") == 1);
    // Both names in the one destination list, sorted; the second part's /StructParents after
    // the first part's keys.
    const auto names = merged->find("(later)");
    const auto start = merged->find("(start)");
    REQUIRE(names != std::string::npos);
    REQUIRE(start != std::string::npos);
    CHECK(names < start);
    // Parent tree keys: one per page and one per link, none used twice.
    std::vector<long> keys;
    for (const std::string key : {"/StructParents ", "/StructParent "}) {
        for (auto at = merged->find(key); at != std::string::npos; at = merged->find(key, at + 1)) {
            keys.push_back(std::stol(merged->substr(at + key.size(), 12)));
        }
    }
    CHECK(keys.size() == 6);
    std::sort(keys.begin(), keys.end());
    CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
}

TEST_CASE("pdf merge: what cairo does not write is refused with a reason", "[pdf-merge]") {
    const std::string good = pdf_of({{"One", "1", "", ""}}, {}, false);
    const std::string with_outline = pdf_of({{"Two", "2", "start", ""}}, {}, true);
    std::string error;
    CHECK_FALSE(merged_of("not a PDF", good, 0, error));
    CHECK(error.find("startxref") != std::string::npos);
    error.clear();
    CHECK_FALSE(merged_of(good, with_outline, 0, error));
    CHECK(error.find("outlines") != std::string::npos);
    error.clear();
    // No element open across the join where the caller says two are.
    CHECK_FALSE(merged_of(good, good, 2, error));
    CHECK(error.find("depth") != std::string::npos);
    error.clear();
    std::string truncated = good.substr(0, good.size() / 2) + good.substr(good.rfind("xref"));
    CHECK_FALSE(merged_of(good, truncated, 0, error));
    CHECK(!error.empty());
}

TEST_CASE("pdf merge: a file rewound after a refused merge holds only what follows",
          "[pdf-merge]") {
    // render_pdf writes the merge straight to the file; if the merge stops part way, the file
    // is emptied (CheckedOutput::rewind) and the document drawn whole into it.
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("sfpgen-rewind-" + std::to_string(::getpid()));
    {
        sfp::CheckedOutput file(path.string());
        CHECK(file.write("half a merged file", 18));
        CHECK(file.rewind());
        CHECK(file.write("whole", 5));
        CHECK(file.close());
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    CHECK(bytes == "whole");
    std::filesystem::remove(path);
}
