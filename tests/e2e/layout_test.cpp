// The PDF layout engine (issue 6): documents built in C++, rendered with render_pdf and read
// back with poppler-cpp. Each check derives what it expects from the document it built (page
// labels from the PDF's label tree, headings from their font size, positions from the type
// area), never from the renderer's own numbers.

#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"
#include "sfp/render_pdf.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-font.h>
#include <poppler/cpp/poppler-page.h>
#include <poppler/cpp/poppler-toc.h>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr double margin_left = 62;
constexpr double margin_right = 62;
constexpr double edge_y = 28;

struct Word {
    std::string text;
    double left = 0, top = 0, right = 0, bottom = 0, size = 0;
    std::vector<double> char_left; ///< left edge of each character
};

struct PageText {
    std::string label;
    double width = 0, height = 0;
    std::vector<Word> words;
};

struct Pdf {
    std::unique_ptr<poppler::document> doc;
    std::vector<PageText> pages;
};

std::string utf8(const poppler::ustring& text) {
    const auto bytes = text.to_utf8();
    return {bytes.begin(), bytes.end()};
}

/// The test's output folder, removed at exit (kept when SFPGEN_KEEP_OUTPUT is set).
struct TempDir {
    fs::path path = fs::temp_directory_path() / ("sfpgen-layout-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        if (std::getenv("SFPGEN_KEEP_OUTPUT") == nullptr) {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

fs::path temp_pdf(const std::string& name) {
    static const TempDir dir;
    return dir.path / (name + ".pdf");
}

/// Renders `doc`; the render must warn of exactly `crowded` tables too wide for the page, and
/// of nothing else.
fs::path render(const sfp::Document& doc, const std::string& name, std::size_t crowded = 0) {
    const fs::path path = temp_pdf(name);
    sfp::Diagnostics diagnostics;
    sfp::PdfOptions options;
    options.timestamp = 1767225600;
    const bool ok = sfp::render_pdf(doc, path.string(), options, diagnostics);
    REQUIRE(ok);
    REQUIRE(diagnostics.items().size() == crowded);
    for (const auto& item : diagnostics.items()) {
        CHECK(item.message.find("has more columns than the page holds") != std::string::npos);
    }
    // Tagged: cairo refused no structure tag (render_pdf writes an untagged PDF when it does,
    // which a white page-sized rectangle under each page once caused for this file's Letter
    // document).
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    CHECK(bytes.find("/StructTreeRoot") != std::string::npos);
    return path;
}

/// The bytes of `doc` rendered with `options` on a thread of its own (a fresh thread has no
/// laid-out texts, fonts or figures of earlier renders); empty if the render failed or warned.
std::string render_on_fresh_thread(const sfp::Document& doc, const std::string& name,
                                   sfp::PdfOptions options) {
    std::string bytes;
    std::thread([&] {
        const fs::path path = temp_pdf(name);
        sfp::Diagnostics diagnostics;
        options.timestamp = 1767225600;
        if (sfp::render_pdf(doc, path.string(), options, diagnostics) &&
            diagnostics.items().empty()) {
            std::ifstream in(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
    }).join();
    return bytes;
}

Pdf load(const fs::path& path) {
    Pdf pdf;
    pdf.doc.reset(poppler::document::load_from_file(path.string()));
    REQUIRE(pdf.doc);
    for (int i = 0; i < pdf.doc->pages(); ++i) {
        const std::unique_ptr<poppler::page> page(pdf.doc->create_page(i));
        PageText out;
        out.label = utf8(page->label());
        out.width = page->page_rect().width();
        out.height = page->page_rect().height();
        for (const auto& box : page->text_list(poppler::page::text_list_include_font)) {
            Word word;
            word.text = utf8(box.text());
            word.left = box.bbox().left();
            word.top = box.bbox().top();
            word.right = box.bbox().right();
            word.bottom = box.bbox().bottom();
            word.size = box.get_font_size();
            for (std::size_t c = 0; c < box.text().size(); ++c) {
                word.char_left.push_back(box.char_bbox(c).left());
            }
            out.words.push_back(std::move(word));
        }
        pdf.pages.push_back(std::move(out));
    }
    return pdf;
}

/// Pages (0-based) where a word with exactly this text appears (optionally at least this size).
std::vector<std::size_t> pages_with(const Pdf& pdf, const std::string& text, double min_size = 0) {
    std::vector<std::size_t> out;
    for (std::size_t p = 0; p < pdf.pages.size(); ++p) {
        for (const auto& w : pdf.pages[p].words) {
            if (w.text == text && w.size >= min_size - 0.01) {
                out.push_back(p);
                break;
            }
        }
    }
    return out;
}

std::string lorem(int words, int seed) {
    static const char* vocabulary[] = {"institutions",
                                       "microfinance",
                                       "sustainability",
                                       "portfolio",
                                       "borrowers",
                                       "operational",
                                       "self-sufficiency",
                                       "outreach",
                                       "regional",
                                       "performance",
                                       "considerably",
                                       "responsibility",
                                       "international",
                                       "development",
                                       "programme",
                                       "the",
                                       "of",
                                       "and",
                                       "in",
                                       "improved"};
    std::string out;
    for (int i = 0; i < words; ++i) {
        if (i > 0) {
            out += ' ';
        }
        out += vocabulary[static_cast<std::size_t>(i * 7 + seed * 3) % 20];
    }
    return out + ".";
}

sfp::Document base_document() {
    sfp::Document doc;
    doc.info.title = "Layout test report";
    doc.info.symbol = "GB.999/TEST/1";
    doc.info.date_text = "28 November 2026";
    doc.info.summary = "A short summary of the test report.";
    doc.info.language = "en";
    return doc;
}

/// Words are the same greek-letter token "TitleNN" so each heading is found exactly.
std::string heading_token(int k) {
    return "Headword" + std::to_string(k);
}

sfp::Document contents_document(int sections) {
    sfp::Document doc = base_document();
    doc.blocks.emplace_back(sfp::Contents{"Contents"});
    for (int k = 1; k <= sections; ++k) {
        sfp::Heading heading;
        heading.level = k % 3 == 0 ? 2 : 1;
        heading.number = std::to_string(k);
        // Heading 7 is long enough to wrap in the contents: its label is on the last line.
        heading.text = k == 7 ? "A much longer heading about the sustainability of the "
                                "institutions and the outreach of their portfolios in every "
                                "region, " +
                                    heading_token(k)
                              : heading_token(k) + " topic";
        heading.id = k % 5 == 0 ? std::string() : "sec-" + std::to_string(k);
        doc.blocks.emplace_back(heading);
        sfp::Paragraph paragraph;
        paragraph.text = lorem(40 + (k * 37) % 120, k);
        paragraph.number = k;
        doc.blocks.emplace_back(paragraph);
    }
    return doc;
}

bool is_roman(const std::string& label) {
    return !label.empty() && label.find_first_not_of("ivxlcdm") == std::string::npos;
}

} // namespace

TEST_CASE("layout: contents, page labels and outline", "[layout]") {
    const int sections = 70;
    const sfp::Document doc = contents_document(sections);
    const Pdf pdf = load(render(doc, "contents"));
    REQUIRE(pdf.pages.size() > 6);

    // Front matter i, ii, ... up to the end of the contents; then 1, 2, ...
    std::size_t front = 0;
    while (front < pdf.pages.size() && is_roman(pdf.pages[front].label)) {
        ++front;
    }
    REQUIRE(front >= 3); // the cover and a contents block of two pages or more
    CHECK(pdf.pages[0].label == "i");
    CHECK(pdf.pages[1].label == "ii");
    for (std::size_t p = front; p < pdf.pages.size(); ++p) {
        CHECK(pdf.pages[p].label == std::to_string(p - front + 1));
    }

    // Each contents entry ends with the label of the page where its heading really is.
    for (int k = 1; k <= sections; ++k) {
        CAPTURE(k);
        const std::string token = heading_token(k);
        std::vector<std::size_t> body;
        for (const std::size_t p : pages_with(pdf, token, 10.4)) {
            if (p >= front) {
                body.push_back(p);
            }
        }
        REQUIRE(body.size() == 1);
        const std::string expected = pdf.pages[body.front()].label;
        // Keep with next: at least two lines of the paragraph follow the heading on its page.
        {
            const auto& words = pdf.pages[body.front()].words;
            const auto heading = std::find_if(words.begin(), words.end(), [&](const Word& w) {
                return w.text == token && w.size >= 10.4;
            });
            REQUIRE(heading != words.end());
            std::set<long> lines_below;
            for (const auto& w : words) {
                if (std::abs(w.size - 10) < 0.1 && w.top > heading->bottom &&
                    w.bottom < pdf.pages[body.front()].height - 64) {
                    lines_below.insert(std::lround(w.bottom));
                }
            }
            CHECK(lines_below.size() >= 2);
        }
        bool found = false;
        for (std::size_t p = 0; p < front && !found; ++p) {
            for (const auto& w : pdf.pages[p].words) {
                if (w.text != token) {
                    continue;
                }
                // The rightmost word on the same line is the page label, at the right margin.
                const Word* last = nullptr;
                for (const auto& other : pdf.pages[p].words) {
                    if (std::abs(other.bottom - w.bottom) < 2 &&
                        (last == nullptr || other.right > last->right)) {
                        last = &other;
                    }
                }
                REQUIRE(last != nullptr);
                CHECK(last->text == expected);
                CHECK(last->right == Approx(pdf.pages[p].width - margin_right).margin(1.5));
                found = true;
                break;
            }
        }
        CHECK(found);
    }

    // The outline holds every heading, level 2 nested under the preceding level 1.
    const std::unique_ptr<poppler::toc> toc(pdf.doc->create_toc());
    REQUIRE(toc);
    std::vector<std::pair<std::string, int>> outline;
    std::function<void(const poppler::toc_item&, int)> walk = [&](const poppler::toc_item& item,
                                                                  int depth) {
        for (const poppler::toc_item* child : item.children()) {
            outline.emplace_back(utf8(child->title()), depth);
            walk(*child, depth + 1);
        }
    };
    walk(*toc->root(), 1);
    REQUIRE(outline.size() == static_cast<std::size_t>(sections));
    for (int k = 1; k <= sections; ++k) {
        CAPTURE(k);
        const auto& [title, depth] = outline[static_cast<std::size_t>(k - 1)];
        CHECK(title.find(heading_token(k)) != std::string::npos);
        CHECK(title.rfind(std::to_string(k) + ".", 0) == 0);
        CHECK(depth == (k % 3 == 0 ? 2 : 1));
    }

    // The footer of a body page prints "Page X of Y" with body numbers; front pages only roman.
    const std::string pages_total = std::to_string(pdf.pages.size() - front);
    const auto& last_words = pdf.pages.back().words;
    const bool footer = std::any_of(last_words.begin(), last_words.end(),
                                    [&](const Word& w) { return w.text == pages_total; });
    CHECK(footer);
}

TEST_CASE("layout: without contents every page is in the body", "[layout]") {
    sfp::Document doc = base_document();
    for (int k = 1; k <= 12; ++k) {
        sfp::Paragraph paragraph;
        paragraph.text = lorem(200, k);
        doc.blocks.emplace_back(paragraph);
    }
    const Pdf pdf = load(render(doc, "nocontents"));
    REQUIRE(pdf.pages.size() >= 3);
    // Cairo writes no label tree when the labels are the plain page numbers; poppler then
    // reports no label, which viewers show as 1..N.
    for (std::size_t p = 0; p < pdf.pages.size(); ++p) {
        const std::string& label = pdf.pages[p].label;
        CHECK((label.empty() || label == std::to_string(p + 1)));
    }
}

TEST_CASE("layout: long tables repeat the header, tall rows split", "[layout]") {
    sfp::Document doc = base_document();
    doc.info.labels.continued = "(suite)";
    sfp::Table table;
    table.caption = "Table 1. Longtable";
    table.header = {"Region", "Headcol", "Value"};
    table.widths = {2, 1, 1};
    for (int r = 0; r < 150; ++r) {
        sfp::Cell name;
        name.text = "Row" + std::to_string(r);
        sfp::Cell a;
        a.text = std::to_string(r * 3);
        a.align = sfp::Align::right;
        sfp::Cell b;
        b.text = "x";
        table.rows.push_back({name, a, b});
    }
    // One row taller than a whole page: 1,500 numbered words in one cell.
    std::string tall;
    for (int w = 0; w < 1500; ++w) {
        tall += "tw" + std::to_string(w) + " ";
    }
    sfp::Cell tall_cell;
    tall_cell.text = tall;
    sfp::Cell small_cell;
    small_cell.text = "short";
    table.rows.insert(table.rows.begin() + 40, {tall_cell, small_cell, small_cell});
    doc.blocks.emplace_back(table);
    const fs::path path = render(doc, "table");
    const Pdf pdf = load(path);
    {
        // Structure tags: the structure tree holds the table's elements (cairo writes them as
        // plain objects).
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        for (const char* tag :
             {"/StructTreeRoot", "/S /Document", "/S /Table", "/S /TR", "/S /TH", "/S /TD"}) {
            CAPTURE(tag);
            CHECK(bytes.find(tag) != std::string::npos);
        }
    }

    // Every page with rows has the header; every page after the first has the continued caption.
    const auto header_pages = pages_with(pdf, "Headcol");
    const auto suite_pages = pages_with(pdf, "(suite)");
    std::set<std::size_t> row_pages;
    for (std::size_t p = 0; p < pdf.pages.size(); ++p) {
        for (const auto& w : pdf.pages[p].words) {
            if (w.text.rfind("Row", 0) == 0 || w.text.rfind("tw", 0) == 0) {
                row_pages.insert(p);
            }
        }
    }
    REQUIRE(row_pages.size() >= 4);
    for (const std::size_t p : row_pages) {
        CAPTURE(p);
        CHECK(std::find(header_pages.begin(), header_pages.end(), p) != header_pages.end());
        if (p != *row_pages.begin()) {
            CHECK(std::find(suite_pages.begin(), suite_pages.end(), p) != suite_pages.end());
        }
    }
    // All rows present once; the tall row's words all present exactly once.
    std::map<std::string, int> seen;
    for (const auto& page : pdf.pages) {
        for (const auto& w : page.words) {
            ++seen[w.text];
        }
    }
    for (int r = 0; r < 150; ++r) {
        CHECK(seen["Row" + std::to_string(r)] == 1);
    }
    int tall_pages = 0;
    for (const auto& page : pdf.pages) {
        tall_pages += std::any_of(page.words.begin(), page.words.end(),
                                  [](const Word& w) { return w.text.rfind("tw", 0) == 0; });
    }
    CHECK(tall_pages >= 2);
    for (int w = 0; w < 1500; ++w) {
        CAPTURE(w);
        CHECK(seen["tw" + std::to_string(w)] == 1);
    }
}

TEST_CASE("layout: decimal columns line up on the separator", "[layout]") {
    for (const std::string language : {"en", "fr"}) {
        CAPTURE(language);
        const std::string sep = language == "en" ? "." : ",";
        sfp::Document doc = base_document();
        doc.info.language = language;
        sfp::Table table;
        table.caption = "Decimals";
        table.header = {"Name", "Amount"};
        table.widths = {1, 1};
        const std::vector<std::string> values = {"1" + sep + "5", "12345" + sep + "25",
                                                 "7" + sep + "125", "88" + sep + "0"};
        for (std::size_t r = 0; r < values.size(); ++r) {
            sfp::Cell name;
            name.text = "n" + std::to_string(r);
            sfp::Cell value;
            value.text = values[r];
            value.align = sfp::Align::decimal;
            table.rows.push_back({name, value});
        }
        doc.blocks.emplace_back(table);
        const Pdf pdf = load(render(doc, "decimal-" + language));
        std::vector<double> xs;
        for (const auto& page : pdf.pages) {
            for (const auto& w : page.words) {
                if (std::find(values.begin(), values.end(), w.text) == values.end()) {
                    continue;
                }
                const auto at = w.text.find(sep);
                REQUIRE(at < w.char_left.size());
                xs.push_back(w.char_left[at]);
                CHECK(w.right <= page.width - margin_right + 0.5);
            }
        }
        REQUIRE(xs.size() == values.size());
        for (const double x : xs) {
            CHECK(x == Approx(xs.front()).margin(0.5));
        }
    }
}

TEST_CASE("layout: numbers and header words are not broken when the table can hold them",
          "[layout]") {
    // Equal shares would give each of the 11 columns 42.8 pt: too narrow for "12,345,678.9"
    // (about 48 pt at 8 pt) and for the header word "Institutions", too wide for the short
    // columns. The label column and the short ones give room; every number and header word
    // is then one word in the read-back text, inside its table.
    sfp::Document doc = base_document();
    sfp::Table table;
    table.caption = "Wide";
    table.header = {"Region", "Institutions", "Big"};
    table.widths = {1, 1, 1};
    for (int c = 3; c < 11; ++c) {
        table.header.push_back("Y" + std::to_string(c));
        table.widths.push_back(1);
    }
    std::vector<std::string> numbers;
    for (int r = 0; r < 4; ++r) {
        std::vector<sfp::Cell> row;
        sfp::Cell label;
        label.text = "Latin America and the Caribbean " + std::to_string(r);
        row.push_back(label);
        for (int c = 1; c < 11; ++c) {
            sfp::Cell value;
            value.align = sfp::Align::decimal;
            value.text = c == 2 ? "12,345,67" + std::to_string(r) + ".9" : std::to_string(c + r);
            if (c == 2) {
                numbers.push_back(value.text);
            }
            row.push_back(value);
        }
        table.rows.push_back(std::move(row));
    }
    doc.blocks.emplace_back(table);
    const Pdf pdf = load(render(doc, "wide-numbers"));
    std::multiset<std::string> words;
    for (const auto& page : pdf.pages) {
        for (const auto& w : page.words) {
            words.insert(w.text);
            CHECK(w.right <= page.width - margin_right + 0.5);
            CHECK(w.left >= margin_left - 0.5);
        }
    }
    for (const auto& number : numbers) {
        CHECK(words.count(number) == 1);
    }
    CHECK(words.count("Institutions") == 1);
}

TEST_CASE("layout: a thread lays out a text once, however many documents use it", "[layout]") {
    // A batch renders many documents per thread; they share most of their texts. The second
    // render of a document lays out nothing new, and a document that differs in one paragraph
    // lays out only that paragraph (and its page's footer, whose page count is the same text).
    // A fresh thread starts with no laid-out texts; it only records, the checks run here
    // (Catch's assertions are not made for other threads).
    const sfp::Document doc = contents_document(4);
    sfp::Document changed = doc;
    sfp::Paragraph extra;
    extra.text = "One paragraph that no other document of this test has.";
    changed.blocks.emplace_back(extra);
    const std::vector<fs::path> paths = {temp_pdf("reuse-1"), temp_pdf("reuse-2"),
                                         temp_pdf("reuse-3")};
    std::vector<bool> ok;
    std::vector<std::size_t> laid; // layouts after each render, counted from the thread's start
    std::thread worker([&] {
        sfp::PdfOptions options;
        options.timestamp = 1767225600;
        const std::size_t start = sfp::pdf_texts_laid_out_on_this_thread();
        for (std::size_t i = 0; i < paths.size(); ++i) {
            sfp::Diagnostics diagnostics;
            ok.push_back(
                sfp::render_pdf(i < 2 ? doc : changed, paths[i].string(), options, diagnostics) &&
                diagnostics.items().empty());
            laid.push_back(sfp::pdf_texts_laid_out_on_this_thread() - start);
        }
    });
    worker.join();
    REQUIRE(ok == std::vector<bool>{true, true, true});
    REQUIRE(laid.size() == 3);
    CHECK(laid[0] > 20);
    CHECK(laid[1] == laid[0]);
    CHECK(laid[2] - laid[1] >= 1);
    CHECK(laid[2] - laid[1] <= 3);
    const auto bytes = [](const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string{std::istreambuf_iterator<char>(in), {}};
    };
    CHECK(bytes(paths[0]) == bytes(paths[1]));
}

TEST_CASE("layout: footnotes sit on the page of their marker", "[layout]") {
    sfp::Document doc = base_document();
    for (int k = 1; k <= 30; ++k) {
        sfp::Paragraph paragraph;
        paragraph.text = lorem(60 + k * 5, k) + " Endword" + std::to_string(k);
        paragraph.footnotes = {"Notetext" + std::to_string(k) + " explains the source."};
        doc.blocks.emplace_back(paragraph);
    }
    const Pdf pdf = load(render(doc, "footnotes"));
    for (int k = 1; k <= 30; ++k) {
        CAPTURE(k);
        // The marker follows the last word: "Endword7⁷" (poppler may split it off).
        std::vector<std::size_t> marker_pages;
        for (std::size_t p = 0; p < pdf.pages.size(); ++p) {
            for (const auto& w : pdf.pages[p].words) {
                const std::size_t end = 7 + std::to_string(k).size();
                if (w.text.rfind("Endword" + std::to_string(k), 0) == 0 &&
                    (w.text.size() == end || w.text[end] < '0' || w.text[end] > '9')) {
                    marker_pages.push_back(p);
                }
            }
        }
        REQUIRE(marker_pages.size() == 1);
        const auto note_pages = pages_with(pdf, "Notetext" + std::to_string(k));
        REQUIRE(note_pages.size() == 1);
        CHECK(note_pages.front() == marker_pages.front());
    }
}

TEST_CASE("layout: all text inside the type area, US Letter", "[layout]") {
    sfp::Document doc = contents_document(12);
    doc.info.page_size = sfp::PageSize::letter;
    sfp::KeyFigures key;
    key.title = "At a glance";
    for (int k = 0; k < 6; ++k) {
        sfp::KeyFigure item;
        item.label = "Indicator label " + std::to_string(k);
        item.value = std::to_string(10 + k) + ".5%";
        item.detail = "+1.2 points since 2023";
        item.status = k % 2 == 0 ? "on-track" : "at-risk";
        key.items.push_back(item);
    }
    doc.blocks.insert(doc.blocks.begin() + 2, key);
    sfp::Table table;
    table.caption = "Wide";
    table.header = {"A very long header that must wrap inside its cell", "B", "C", "D", "E"};
    table.widths = {1, 1, 1, 1, 1};
    sfp::Cell cell;
    cell.text = "Supercalifragilisticexpialidociousandevenlongerwordthatcannotfit";
    table.rows.push_back({cell, cell, cell, cell, cell});
    doc.blocks.emplace_back(table);
    // Five columns of a 64-letter word cannot be whole: the render warns of the table.
    const Pdf pdf = load(render(doc, "letter", 1));
    for (const auto& page : pdf.pages) {
        CAPTURE(page.label);
        CHECK(page.width == Approx(612).margin(0.5));
        CHECK(page.height == Approx(792).margin(0.5));
        for (const auto& w : page.words) {
            CAPTURE(w.text);
            CHECK(w.left >= margin_left - 1);
            CHECK(w.right <= page.width - margin_right + 1);
            CHECK(w.top >= edge_y);
            CHECK(w.bottom <= page.height - edge_y);
        }
    }
    CHECK(!pages_with(pdf, "glance").empty());
    // Fonts are embedded.
    for (const auto& font : pdf.doc->fonts()) {
        CAPTURE(font.name());
        CHECK(font.is_embedded());
    }
}

TEST_CASE("layout: right-to-left paragraph", "[layout]") {
    sfp::Document doc = base_document();
    sfp::Paragraph arabic;
    arabic.text = "";
    const std::vector<std::string> words = {"التمويل", "الاجتماعي", "للمؤسسات", "الصغيرة"};
    for (int k = 0; k < 30; ++k) {
        arabic.text += words[static_cast<std::size_t>(k) % words.size()] + " ";
    }
    arabic.text += "النهاية";
    doc.blocks.emplace_back(arabic);
    const Pdf pdf = load(render(doc, "arabic"));
    REQUIRE(pdf.pages.size() >= 2);
    const auto& page = pdf.pages[1];
    const double right = page.width - margin_right;
    // Group the Arabic words by line; each line's rightmost word ends at the right margin.
    std::map<int, std::vector<const Word*>> lines;
    for (const auto& w : page.words) {
        if (static_cast<unsigned char>(w.text[0]) >= 0xD8) {
            lines[static_cast<int>(std::lround(w.bottom))].push_back(&w);
        }
    }
    REQUIRE(lines.size() >= 2);
    for (const auto& [y, line] : lines) {
        double max_right = 0;
        for (const Word* w : line) {
            max_right = std::max(max_right, w->right);
        }
        CHECK(max_right == Approx(right).margin(1.5));
    }
    // Reading order: read from right to left, the first line starts with the text's first
    // word (poppler may return Arabic glyph by glyph, so join the boxes by x, descending).
    std::vector<const Word*> first_line = lines.begin()->second;
    std::sort(first_line.begin(), first_line.end(),
              [](const Word* a, const Word* b) { return a->right > b->right; });
    std::string read;
    for (const Word* w : first_line) {
        read += w->text;
    }
    CAPTURE(read);
    CHECK(read.rfind(words[0] + words[1], 0) == 0);
    // Read left to right it would start with the last word of the line instead.
    std::string ltr;
    for (auto it = first_line.rbegin(); it != first_line.rend(); ++it) {
        ltr += (*it)->text;
    }
    CHECK(ltr.rfind(words[0], 0) != 0);
}

TEST_CASE("layout: a helper thread setting up tables changes no byte", "[layout]") {
    // PdfOptions::layout_helper: a document with 2,000 table cells or more has its largest
    // tables set up on a second thread while the layout works from the first. Its Pango
    // contexts are its own; the PDF must be the one a single thread writes. Tables with decimal
    // columns, wrapped text, second lines, status cells and missing values, behind a contents
    // page (the front matter is laid out again, with the same set-ups). Two documents: 30
    // sections of text, then tables of which the last is the largest, the helper's first (the
    // helper has started when the layout meets the first table); and one whose first table is
    // the largest, 600 rows shared out by rows between the helper (from the end) and the
    // layout (from the start).
    const auto make_doc = [](bool largest_first) {
        sfp::Document doc = contents_document(largest_first ? 1 : 30);
        const int big = largest_first ? 0 : 13;
        for (int t = 0; t < 14; ++t) {
            sfp::Heading heading;
            heading.number = std::to_string(31 + t);
            heading.text = "Tables " + std::to_string(t);
            doc.blocks.emplace_back(heading);
            sfp::Table table;
            table.caption = "Table " + std::to_string(t + 1) + ". Helper check";
            table.header = {"Institution name", "Value", "Share of the whole", "Status", "Note"};
            table.widths = {2.2, 1, 1, 1, 2};
            for (int r = 0; r < (t == big ? (largest_first ? 600 : 160) : 40); ++r) {
                const int k = t * 40 + r;
                sfp::Cell name;
                name.text = "Institution " + std::to_string(k) +
                            (k % 7 == 0 ? " de microfinance "
                                          "rurale et urbaine"
                                        : "");
                sfp::Cell value;
                value.text = std::to_string(k * 137 % 100000) + "." + std::to_string(k % 10);
                value.align = sfp::Align::decimal;
                value.subtext = "n=" + std::to_string(k % 50);
                sfp::Cell share;
                if (k % 11 == 0) {
                    share.text = "..";
                    share.missing = true;
                    share.subtext = "missing-input";
                } else {
                    share.text = std::to_string(k % 100) + "%";
                }
                share.align = sfp::Align::right;
                sfp::Cell status;
                status.text = k % 3 == 0 ? "On track" : "Off track";
                status.status = k % 3 == 0 ? "on-track" : "off-track";
                sfp::Cell note;
                note.text = lorem(3 + k % 9, k);
                table.rows.push_back({name, value, share, status, note});
            }
            doc.blocks.emplace_back(table);
        }
        return doc;
    };
    const auto bytes = [](const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string{std::istreambuf_iterator<char>(in), {}};
    };
    const auto render_with = [&](const sfp::Document& doc, bool helper, const std::string& name,
                                 std::size_t& helped) {
        const fs::path path = temp_pdf(name);
        sfp::Diagnostics diagnostics;
        sfp::PdfOptions options;
        options.timestamp = 1767225600;
        options.layout_helper = helper;
        sfp::PdfTimes times;
        options.times = &times;
        REQUIRE(sfp::render_pdf(doc, path.string(), options, diagnostics));
        REQUIRE(diagnostics.items().empty());
        helped = times.helper_tables;
        return bytes(path);
    };
    for (const bool largest_first : {false, true}) {
        const sfp::Document doc = make_doc(largest_first);
        const std::string name = largest_first ? "helper-first" : "helper-last";
        std::size_t helped = 0;
        const std::string alone = render_with(doc, false, name + "-off", helped);
        CHECK(helped == 0);
        REQUIRE(!alone.empty());
        // The helper's share depends on how the two threads run: each render must give the
        // same bytes, and at least one of a few must have had the helper set up tables.
        std::size_t most = 0;
        for (int round = 0; round < 4 && most < 2; ++round) {
            const std::string helped_bytes =
                render_with(doc, true, name + "-on-" + std::to_string(round), helped);
            CHECK(helped_bytes == alone);
            most = std::max(most, helped);
        }
        CHECK(most >= 1);
    }
}

TEST_CASE("layout: font maps readied on another thread change no byte", "[layout]") {
    // warm_pdf_renderer readies font maps for the next render on a thread that has not rendered
    // yet and for its layout helper; the render takes them. Each render runs on a fresh thread,
    // with the layout's helper: the bytes must be those of a render that loads its own fonts.
    sfp::Document doc = contents_document(12);
    for (int t = 0; t < 3; ++t) {
        sfp::Table table;
        table.caption = "Table " + std::to_string(t + 1) + ". Ready fonts";
        table.header = {"Institution", "Value", "Note"};
        for (int r = 0; r < 400; ++r) {
            sfp::Cell value;
            value.text = std::to_string(r * 37 % 1000) + "." + std::to_string(r % 10);
            value.align = sfp::Align::decimal;
            value.subtext = "n=" + std::to_string(r % 40);
            sfp::Cell name;
            name.text = "Institution " + std::to_string(r);
            sfp::Cell note;
            note.text = lorem(4, r);
            table.rows.push_back({name, value, note});
        }
        doc.blocks.emplace_back(table);
    }
    sfp::PdfOptions options;
    options.layout_helper = true;
    REQUIRE(sfp::pdf_font_maps_waiting() == 0);
    const std::string own = render_on_fresh_thread(doc, "ready-fonts-own", options);
    REQUIRE(!own.empty());
    std::thread([] { sfp::warm_pdf_renderer("DejaVu Sans", "en"); }).join();
    CHECK(sfp::pdf_font_maps_waiting() == 2);
    const std::string ready = render_on_fresh_thread(doc, "ready-fonts-taken", options);
    CHECK(sfp::pdf_font_maps_waiting() == 0);
    CHECK(ready == own);
}

TEST_CASE("layout: figures composed from the font's glyphs are the bytes Pango sets", "[layout]") {
    // PdfOptions::compose_figures: texts of figures alone are composed from the glyphs Pango
    // gave each figure of the font (pdf_glyphs.hpp, FigureFont). The PDF must be the one
    // written when Pango lays out every text: numbers in English, French and Spanish forms,
    // ranges, signs and counts, in an ordinary table, a compact one (smaller sizes), second
    // lines and paragraphs, with the layout's helper setting up tables on another thread.
    sfp::Document doc = contents_document(3);
    const std::vector<std::string> forms{"1,234.5",
                                         "12.5%",
                                         "\u22120.3",
                                         "-0.3",
                                         "(1.2)",
                                         "720",
                                         "1\u202F234,5\u00A0%",
                                         "1.234,5 %",
                                         "24.4% (23.5%\u201324.4%)",
                                         "557:30",
                                         "+3.1",
                                         "62\u201366",
                                         "..",
                                         "0"};
    for (int t = 0; t < 4; ++t) {
        sfp::Table table;
        table.caption = "Table " + std::to_string(t + 1) + ". Figures";
        table.header = {"Indicator", "2022", "2023", "2024", "n"};
        table.widths = {2.0, 1, 1, 1, 0.8};
        table.compact = t % 2 == 1;
        for (int r = 0; r < 260; ++r) {
            std::vector<sfp::Cell> row(5);
            row[0].text = "OUT-0" + std::to_string(r % 9) + " Active borrowers";
            for (std::size_t c = 1; c <= 3; ++c) {
                const int k = r * 3 + static_cast<int>(c) + t * 7;
                row[c].text = k % 5 == 0 ? forms[static_cast<std::size_t>(k) % forms.size()]
                                         : std::to_string(k * 7919 % 100000) + "." +
                                               std::to_string(k % 10) + (k % 3 == 0 ? "%" : "");
                row[c].align = c == 2 ? sfp::Align::right : sfp::Align::decimal;
                row[c].missing = row[c].text == "..";
                if (!table.compact) {
                    row[c].subtext = "n=" + std::to_string(k % 700);
                }
            }
            row[4].text = std::to_string(60 + r % 5) + "\u2013" + std::to_string(66 + r % 3);
            row[4].align = sfp::Align::right;
            table.rows.push_back(row);
        }
        doc.blocks.emplace_back(table);
        sfp::Paragraph paragraph;
        paragraph.text = forms[static_cast<std::size_t>(t)];
        doc.blocks.emplace_back(paragraph);
    }
    const auto render_with = [&](bool compose, const std::string& name, std::size_t& composed) {
        sfp::PdfOptions options;
        options.layout_helper = true;
        options.compose_figures = compose;
        sfp::PdfTimes times;
        options.times = &times;
        std::string bytes = render_on_fresh_thread(doc, name, options);
        composed = times.composed_texts;
        return bytes;
    };
    std::size_t composed = 0;
    const std::string pango = render_with(false, "figures-pango", composed);
    REQUIRE(!pango.empty());
    CHECK(composed == 0);
    const std::string figures = render_with(true, "figures-composed", composed);
    CHECK(composed > 500);
    CHECK(figures == pango);
    const Pdf pdf = load(temp_pdf("figures-composed"));
    CHECK(!pages_with(pdf, "1,234.5").empty());
    CHECK(!pages_with(pdf, "(23.5%\u201324.4%)").empty());
}

TEST_CASE("layout: identical input gives identical bytes", "[layout]") {
    const sfp::Document doc = contents_document(10);
    const fs::path a = render(doc, "same-a");
    const fs::path b = render(doc, "same-b");
    std::ifstream fa(a, std::ios::binary);
    std::ifstream fb(b, std::ios::binary);
    const std::string da((std::istreambuf_iterator<char>(fa)), std::istreambuf_iterator<char>());
    const std::string db((std::istreambuf_iterator<char>(fb)), std::istreambuf_iterator<char>());
    REQUIRE(!da.empty());
    CHECK(da == db);
}

TEST_CASE("layout: justified English text is hyphenated, numbers never", "[layout]") {
    sfp::Document doc = base_document();
    std::string numbers;
    for (int k = 0; k < 40; ++k) {
        numbers += std::to_string(1234567890123LL + k * 1111111) + " ";
    }
    for (int k = 0; k < 6; ++k) {
        sfp::Paragraph paragraph;
        paragraph.text = lorem(150, k);
        doc.blocks.emplace_back(paragraph);
    }
    sfp::Paragraph digits;
    digits.text = numbers;
    doc.blocks.emplace_back(digits);
    const Pdf pdf = load(render(doc, "hyphen"));
    int hyphenated = 0;
    std::set<std::string> seen;
    for (std::size_t p = 1; p < pdf.pages.size(); ++p) {
        for (const auto& w : pdf.pages[p].words) {
            seen.insert(w.text);
            const std::string& t = w.text;
            // The source has no word ending with a hyphen (self-sufficiency has one inside).
            const bool ends_hyphen =
                (!t.empty() && t.back() == '-' && t != "self-") ||
                (t.size() >= 2 && t.compare(t.size() - 2, 2, "\xC2\xAD") == 0) ||
                (t.size() >= 3 && t.compare(t.size() - 3, 3, "\xE2\x80\x90") == 0);
            hyphenated += ends_hyphen ? 1 : 0;
        }
    }
    CHECK(hyphenated > 0);
    for (int k = 0; k < 40; ++k) {
        CHECK(seen.count(std::to_string(1234567890123LL + k * 1111111)) == 1);
    }
}

TEST_CASE("layout: mirrored tables, status cells and centred cells", "[layout]") {
    sfp::Document doc = base_document();
    sfp::Table table;
    table.caption = "Mirrored";
    table.header = {"Firstcol", "Secondcol", "Thirdcol"};
    table.widths = {1, 1, 1};
    table.direction = sfp::TextDirection::rtl;
    sfp::Cell name;
    name.text = "Alpha";
    sfp::Cell status;
    status.text = "ontrackword";
    status.status = "on-track";
    sfp::Cell centred;
    centred.text = "Mid";
    centred.align = sfp::Align::centre;
    table.rows.push_back({name, status, centred});
    doc.blocks.emplace_back(table);
    const Pdf pdf = load(render(doc, "mirrored"));
    REQUIRE(pdf.pages.size() >= 2);
    const auto& page = pdf.pages[1];
    auto find = [&](const std::string& text) -> const Word& {
        const auto it = std::find_if(page.words.begin(), page.words.end(),
                                     [&](const Word& w) { return w.text == text; });
        REQUIRE(it != page.words.end());
        return *it;
    };
    // The columns' widths follow their texts (each on one line here); mirrored, the first
    // column is on the right: each header is right of the next, and each cell under its
    // header.
    const double right = page.width - margin_right;
    const std::vector<std::string> headers = {"Firstcol", "Secondcol", "Thirdcol"};
    const std::vector<std::string> cells = {"Alpha", "ontrackword", "Mid"};
    for (std::size_t k = 0; k < headers.size(); ++k) {
        CAPTURE(headers[k]);
        const Word& head = find(headers[k]);
        const Word& cell = find(cells[k]);
        CHECK(head.right <= right + 0.5);
        CHECK(head.left >= margin_left - 0.5);
        if (k + 1 < headers.size()) {
            CHECK(head.left > find(headers[k + 1]).right);
            CHECK(cell.left > find(cells[k + 1]).right);
        }
    }
    // Text right-aligned in a mirrored table; the centred cell centred in its column, as its
    // header is.
    CHECK(find("Alpha").right == Approx(right - 3).margin(1.0));
    CHECK(find("Firstcol").right == Approx(right - 3).margin(1.0));
    const Word& mid = find("Mid");
    const Word& third = find("Thirdcol");
    CHECK((mid.left + mid.right) / 2 == Approx((third.left + third.right) / 2).margin(1.0));
}

TEST_CASE("layout: table columns take the room their texts need", "[layout]") {
    sfp::Document doc = base_document();
    // The template's widths give the codes a narrow column and the short notes a wide one:
    // the codes, field names and numbers must still be whole, each on one line.
    sfp::Table table;
    table.caption = "Problems";
    table.header = {"Row:col", "Code", "Field", "Note"};
    table.widths = {0.5, 0.5, 0.5, 5};
    const auto text = [](const std::string& s) {
        sfp::Cell cell;
        cell.text = s;
        return cell;
    };
    const std::vector<std::string> wheres = {"10341:10", "10342:10", "9:1"};
    for (const auto& where : wheres) {
        table.rows.push_back({text(where), text("women-above-borrowers"),
                              text("active_borrowers_women"), text("short")});
    }
    doc.blocks.emplace_back(table);
    const Pdf pdf = load(render(doc, "content-widths"));
    REQUIRE(pdf.pages.size() >= 2);
    const auto& page = pdf.pages[1];
    const auto count = [&](const std::string& word) {
        return std::count_if(page.words.begin(), page.words.end(),
                             [&](const Word& w) { return w.text == word; });
    };
    for (const auto& where : wheres) {
        CAPTURE(where);
        CHECK(count(where) == 1);
    }
    CHECK(count("women-above-borrowers") == 3);
    CHECK(count("active_borrowers_women") == 3);
    // Each row on one line: the three codes at three heights, each level with its row's field.
    std::vector<double> tops;
    for (const auto& w : page.words) {
        if (w.text == "women-above-borrowers") {
            tops.push_back(w.top);
        }
    }
    for (const auto& w : page.words) {
        if (w.text == "active_borrowers_women") {
            CHECK(std::any_of(tops.begin(), tops.end(),
                              [&](double top) { return std::abs(top - w.top) < 0.5; }));
        }
    }

    // A table of one row: its label, then `value` under each year from `first` to 2024.
    const auto years_table = [&](const std::string& caption, const std::string& label, int first,
                                 const std::string& value, double number) {
        sfp::Table years;
        years.caption = caption;
        years.header = {"Indicator"};
        std::vector<sfp::Cell> row{text(label)};
        for (int year = first; year < 2025; ++year) {
            years.header.push_back(std::to_string(year));
            sfp::Cell cell = text(value);
            cell.number = number;
            cell.align = sfp::Align::decimal;
            row.push_back(cell);
        }
        years.rows.push_back(row);
        return years;
    };

    // Fifteen years of counts ("2,000") do not fit at 8 points: the table is set smaller,
    // every count whole, and nothing is said.
    {
        sfp::Document years = base_document();
        years.blocks.emplace_back(
            years_table("Institutions reporting", "All regions", 2010, "2,000", 2000));
        const Pdf read = load(render(years, "fifteen-years"));
        REQUIRE(read.pages.size() >= 2);
        int whole = 0;
        for (const auto& w : read.pages[1].words) {
            if (w.text == "2,000") {
                ++whole;
                CHECK(w.size < 8);
                CHECK(w.size >= 6.4);
            }
        }
        CHECK(whole == 15);
        CHECK(pages_with(read, "2024").size() == 1);
    }

    // Twenty columns of large numbers cannot be whole on a portrait page: the PDF is written,
    // and the render warns, naming the table.
    sfp::Document crowded = base_document();
    crowded.blocks.emplace_back(
        years_table("Table 9. Far too wide", "Active borrowers", 2005, "222,420,143", 222420143));
    sfp::Diagnostics diagnostics;
    sfp::PdfOptions options;
    options.timestamp = 1767225600;
    const fs::path path = temp_pdf("crowded");
    REQUIRE(sfp::render_pdf(crowded, path.string(), options, diagnostics));
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.error_count() == 0);
    CHECK(diagnostics.items().front().message.find("'Table 9. Far too wide' has more columns "
                                                   "than the page holds") != std::string::npos);
    CHECK(fs::file_size(path) > 0);
}

TEST_CASE("layout: odd documents still render", "[layout]") {
    SECTION("empty document") {
        const sfp::Document doc;
        const Pdf pdf = load(render(doc, "empty"));
        CHECK(pdf.pages.size() == 1);
    }
    SECTION("repeated ids, empty blocks, contents at the end") {
        sfp::Document doc = base_document();
        sfp::Heading heading;
        heading.number = "1";
        heading.text = "Same";
        heading.id = "same";
        doc.blocks.emplace_back(heading);
        doc.blocks.emplace_back(heading);
        doc.blocks.emplace_back(sfp::Paragraph{});
        doc.blocks.emplace_back(sfp::Table{});
        doc.blocks.emplace_back(sfp::KeyFigures{});
        doc.blocks.emplace_back(sfp::PageBreak{});
        doc.blocks.emplace_back(sfp::PageBreak{});
        doc.blocks.emplace_back(sfp::Contents{"Contents"});
        const Pdf pdf = load(render(doc, "odd"));
        CHECK(pdf.pages.size() >= 2);
        const std::unique_ptr<poppler::toc> toc(pdf.doc->create_toc());
        REQUIRE(toc);
        CHECK(toc->root()->children().size() == 2);
    }
}

namespace {

/// What `command` prints on its standard output, and whether it exited with 0.
std::pair<std::string, bool> output_of(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        out.append(buffer, got);
    }
    const int status = pclose(pipe);
    return {out, status == 0};
}

} // namespace

TEST_CASE("layout: a document drawn in two parts reads as the one drawn whole", "[layout]") {
    // PdfOptions::split_pages: a long document is drawn in two parts, each into a PDF surface
    // of its own (on two threads when the other core is free), and merge_cairo_pdfs makes one
    // file of the two. Read back by poppler and qpdf, the merged file must be the document
    // drawn whole: the same pages, labels, words where they were, structure tree (a table runs
    // across the split: its element there has the same rows), named destinations (the
    // contents' and footnotes' links reach across), outline. Two documents: text sections with
    // footnotes around a long table, where the split falls inside the table; and sections of
    // text alone, where it falls between paragraphs.
    const auto table_document = [] {
        sfp::Document doc = contents_document(6);
        sfp::Table table;
        table.caption = "Table 1. A table across the split";
        table.header = {"Institution", "Value", "Share"};
        table.widths = {2, 1, 1};
        for (int r = 0; r < 420; ++r) {
            sfp::Cell name;
            name.text = "Institution " + std::to_string(r);
            sfp::Cell value;
            value.text = std::to_string(r * 37 % 1000) + "." + std::to_string(r % 10);
            value.align = sfp::Align::decimal;
            value.subtext = "n=" + std::to_string(r % 40);
            sfp::Cell share;
            share.text = r % 13 == 0 ? ".." : std::to_string(r % 100) + "%";
            share.missing = r % 13 == 0;
            share.align = sfp::Align::right;
            table.rows.push_back({name, value, share});
        }
        doc.blocks.emplace_back(table);
        for (int k = 0; k < 6; ++k) {
            sfp::Paragraph paragraph;
            paragraph.text = lorem(120, k);
            paragraph.footnotes = {"Note " + std::to_string(k) + " on " + lorem(8, k)};
            doc.blocks.emplace_back(paragraph);
        }
        return doc;
    };
    const auto render_split = [](const sfp::Document& doc, const std::string& name,
                                 std::size_t split_pages, bool two_threads, std::size_t& split) {
        const fs::path path = temp_pdf(name);
        sfp::Diagnostics diagnostics;
        sfp::PdfOptions options;
        options.timestamp = 1767225600;
        options.split_pages = split_pages;
        options.layout_helper = two_threads;
        sfp::PdfTimes times;
        options.times = &times;
        REQUIRE(sfp::render_pdf(doc, path.string(), options, diagnostics));
        REQUIRE(diagnostics.items().empty());
        split = times.split_page;
        return path;
    };
    const auto bytes = [](const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string{std::istreambuf_iterator<char>(in), {}};
    };
    for (const bool with_table : {true, false}) {
        CAPTURE(with_table);
        const sfp::Document doc = with_table ? table_document() : contents_document(60);
        const std::string name = with_table ? "split-table" : "split-text";
        std::size_t split = 0;
        const fs::path whole = render_split(doc, name + "-whole", 0, true, split);
        CHECK(split == 0);
        const fs::path parts = render_split(doc, name + "-parts", 2, true, split);
        const std::size_t split_two_threads = split;
        REQUIRE(split > 0);
        // One thread or two, the same file: the split depends on the document alone.
        const fs::path serial = render_split(doc, name + "-serial", 2, false, split);
        CHECK(split == split_two_threads);
        CHECK(bytes(serial) == bytes(parts));
        CHECK(bytes(parts) != bytes(whole));

        const Pdf a = load(whole);
        const Pdf b = load(parts);
        REQUIRE(a.pages.size() == b.pages.size());
        REQUIRE(split < b.pages.size());
        for (std::size_t p = 0; p < a.pages.size(); ++p) {
            CAPTURE(p);
            CHECK(a.pages[p].label == b.pages[p].label);
            REQUIRE(a.pages[p].words.size() == b.pages[p].words.size());
            for (std::size_t w = 0; w < a.pages[p].words.size(); ++w) {
                const Word& x = a.pages[p].words[w];
                const Word& y = b.pages[p].words[w];
                CHECK(x.text == y.text);
                CHECK(x.left == Approx(y.left).margin(0.01));
                CHECK(x.top == Approx(y.top).margin(0.01));
                CHECK(x.size == Approx(y.size).margin(0.01));
            }
        }
        const auto outline = [](const Pdf& pdf) {
            std::vector<std::string> titles;
            const std::unique_ptr<poppler::toc> toc(pdf.doc->create_toc());
            REQUIRE(toc);
            std::function<void(const poppler::toc_item&)> walk =
                [&](const poppler::toc_item& item) {
                    for (const poppler::toc_item* child : item.children()) {
                        titles.push_back(utf8(child->title()));
                        walk(*child);
                    }
                };
            walk(*toc->root());
            return titles;
        };
        CHECK(outline(a) == outline(b));
        CHECK(!outline(a).empty());
        // poppler-utils and qpdf read what poppler-cpp does not show: the structure tree with
        // its text, the named destinations with their pages, the outline's target pages and
        // the links' destinations.
        for (const std::string& command :
             {std::string("pdfinfo -struct-text "), std::string("pdfinfo -dests "),
              std::string("qpdf --json --json-key=outlines ")}) {
            CAPTURE(command);
            const auto [from_whole, whole_ok] = output_of(command + whole.string());
            const auto [from_parts, parts_ok] = output_of(command + parts.string());
            REQUIRE(whole_ok);
            REQUIRE(parts_ok);
            CHECK(from_whole.size() > 100);
            if (command.find("qpdf") == std::string::npos) {
                // The structure tree names a link's annotation by its object number.
                const auto numbered = std::regex("Object [0-9]+ 0");
                CHECK(std::regex_replace(from_whole, numbered, "Object") ==
                      std::regex_replace(from_parts, numbered, "Object"));
            } else {
                // Object numbers differ; titles and target pages must not.
                const auto targets = [](const std::string& json) {
                    std::vector<std::string> out;
                    for (std::size_t at = json.find("\"destpageposfrom1\"");
                         at != std::string::npos; at = json.find("\"destpageposfrom1\"", at + 1)) {
                        out.push_back(json.substr(at, json.find_first_of(",}", at) - at));
                    }
                    return out;
                };
                CHECK(targets(from_whole) == targets(from_parts));
                CHECK(!targets(from_whole).empty());
            }
        }
        const auto [check, check_ok] = output_of("qpdf --check " + parts.string() + " 2>&1");
        CAPTURE(check);
        CHECK(check_ok);
        CHECK(check.find("WARNING") == std::string::npos);
    }
}

TEST_CASE("layout: a compact table is set smaller to keep each row on one line", "[layout]") {
    // Six years of eight-digit counts leave the labels too little room at 8 points: a table
    // wraps them, a compact one is set at a smaller size with each row on one line.
    const auto cell = [](const std::string& s, sfp::Align align = sfp::Align::left) {
        sfp::Cell c;
        c.text = s;
        c.align = align;
        return c;
    };
    const auto document = [&](bool compact) {
        sfp::Table table;
        table.caption = "Results by country and year";
        table.header = {"Indicator", "Country"};
        table.widths = {2.0, 1.8};
        for (int year = 2019; year < 2025; ++year) {
            table.header.push_back(std::to_string(year));
            table.widths.push_back(1.0);
        }
        table.header.push_back("n");
        table.widths.push_back(0.9);
        for (const char* country : {"BGD", "ECU", "All countries"}) {
            std::vector<sfp::Cell> row{cell("EFF-03 Borrowers / officer"), cell(country)};
            for (int year = 2019; year < 2025; ++year) {
                sfp::Cell value = cell("16,620,850", sfp::Align::decimal);
                value.number = 16620850;
                row.push_back(value);
            }
            row.push_back(cell("2,000", sfp::Align::right));
            table.rows.push_back(row);
        }
        table.compact = compact;
        sfp::Document doc = base_document();
        doc.blocks.emplace_back(table);
        return doc;
    };
    // The top of each "EFF-03" and each "officer" (the label's first and last words), and the
    // size of the label's type.
    const auto label_lines = [](const Pdf& pdf) {
        std::vector<double> first;
        std::vector<double> last;
        double size = 0;
        for (const auto& w : pdf.pages.at(1).words) {
            if (w.text == "EFF-03") {
                first.push_back(w.top);
                size = w.size;
            } else if (w.text == "officer") {
                last.push_back(w.top);
            }
        }
        return std::make_tuple(first, last, size);
    };
    {
        const Pdf pdf = load(render(document(false), "not-compact"));
        REQUIRE(pdf.pages.size() >= 2);
        const auto [first, last, size] = label_lines(pdf);
        REQUIRE(first.size() == 3);
        REQUIRE(last.size() == 3);
        CHECK(size > 7.9);
        for (std::size_t r = 0; r < 3; ++r) {
            CHECK(last[r] > first[r] + 3); // the label wraps
        }
    }
    const Pdf pdf = load(render(document(true), "compact"));
    REQUIRE(pdf.pages.size() >= 2);
    const auto [first, last, size] = label_lines(pdf);
    REQUIRE(first.size() == 3);
    REQUIRE(last.size() == 3);
    CHECK(size < 7.9);
    CHECK(size > 6.4);
    int whole = 0;
    for (const auto& w : pdf.pages[1].words) {
        whole += w.text == "16,620,850" ? 1 : 0;
    }
    CHECK(whole == 18);
    for (std::size_t r = 0; r < 3; ++r) {
        CHECK(std::abs(last[r] - first[r]) < 0.5); // one line
    }
    // "All countries" on its label's line too.
    for (const auto& w : pdf.pages[1].words) {
        if (w.text == "countries") {
            CHECK(std::abs(w.top - first[2]) < 0.5);
        }
    }
}

TEST_CASE("layout: a compact table right-aligns its numbers, another aligns them on the separator",
          "[layout]") {
    // A column of a percentage and an integer (two indicators' rows): a table lines the
    // integer up with the percentage's separator, a compact one with its right edge.
    const auto document = [](bool compact) {
        sfp::Table table;
        table.caption = "Two indicators";
        table.header = {"Indicator", "2024"};
        table.widths = {3.0, 1.0};
        const std::pair<const char*, const char*> rows[] = {{"OUT-05 Depth", "33.6%"},
                                                            {"OUT-04 Avg. loan balance", "720"}};
        for (const auto& [label, value] : rows) {
            sfp::Cell name;
            name.text = label;
            sfp::Cell number;
            number.text = value;
            number.number = 1;
            number.align = sfp::Align::decimal;
            table.rows.push_back({name, number});
        }
        table.compact = compact;
        sfp::Document doc = base_document();
        doc.blocks.emplace_back(table);
        return doc;
    };
    const auto right_edges = [](const Pdf& pdf) {
        double percent = 0;
        double integer = 0;
        for (const auto& w : pdf.pages.at(1).words) {
            if (w.text == "33.6%") {
                percent = w.right;
            } else if (w.text == "720") {
                integer = w.right;
            }
        }
        REQUIRE(percent > 0);
        REQUIRE(integer > 0);
        return std::make_pair(percent, integer);
    };
    const auto [aligned_percent, aligned_integer] =
        right_edges(load(render(document(false), "separator-aligned")));
    CHECK(aligned_integer < aligned_percent - 5); // ".6%" is about 13 pt at 8 pt
    const auto [compact_percent, compact_integer] =
        right_edges(load(render(document(true), "right-aligned")));
    CHECK(std::abs(compact_integer - compact_percent) < 0.5);
}
