// sfp::write_xlsx on small hand-made documents, read back from the archive's XML: NaN and
// infinities never become numbers, identical input gives identical bytes (also under a
// comma-decimal LC_NUMERIC), and a path that cannot be written gives a diagnostic and no file.

#include "sfp/document.hpp"
#include "sfp/render_xlsx.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <locale.h>
#include <memory>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

namespace {

using sfp::testing::TempDir;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

/// The standard output of a shell command and its exit status.
struct CommandOutput {
    std::string text;
    int status = -1;
};

CommandOutput run(const std::string& command) {
    CommandOutput out;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    std::size_t got = 0;
    while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        out.text.append(buffer.data(), got);
    }
    const int status = pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

/// The concatenated text of the archive members matching `pattern` (unzip's wildcards).
std::string read_parts(const std::string& workbook, const std::string& pattern) {
    const CommandOutput out = run("unzip -p '" + workbook + "' '" + pattern + "'");
    REQUIRE(out.status == 0);
    return out.text;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// One <c> element of a sheet: its attributes and its content.
struct XmlCell {
    std::string attributes;
    std::string content;
};

/// Every <c ...>...</c> or <c .../> of sheet XML (cells do not nest).
std::vector<XmlCell> cells_of(const std::string& xml) {
    std::vector<XmlCell> cells;
    std::size_t at = 0;
    while ((at = xml.find("<c ", at)) != std::string::npos) {
        const std::size_t open_end = xml.find('>', at);
        REQUIRE(open_end != std::string::npos);
        XmlCell cell;
        const bool empty = xml[open_end - 1] == '/';
        cell.attributes = xml.substr(at + 3, open_end - at - 3 - (empty ? 1 : 0));
        if (empty) {
            at = open_end + 1;
        } else {
            const std::size_t close = xml.find("</c>", open_end);
            REQUIRE(close != std::string::npos);
            cell.content = xml.substr(open_end + 1, close - open_end - 1);
            at = close + 4;
        }
        cells.push_back(cell);
    }
    return cells;
}

/// The text of `<tag>...</tag>` in `xml`, if present.
std::optional<std::string> element_text(const std::string& xml, const std::string& tag) {
    const std::string open = "<" + tag + ">";
    const std::size_t begin = xml.find(open);
    if (begin == std::string::npos) {
        return std::nullopt;
    }
    const std::size_t end = xml.find("</" + tag + ">", begin);
    REQUIRE(end != std::string::npos);
    return xml.substr(begin + open.size(), end - begin - open.size());
}

/// Whether a cell's value is read as a number: no type attribute, or t="n".
bool numeric_cell(const XmlCell& cell) {
    return cell.attributes.find(" t=\"") == std::string::npos ||
           cell.attributes.find(" t=\"n\"") != std::string::npos;
}

/// A number as the XML spells it: optional sign, digits, optional fraction and exponent.
bool plain_number(const std::string& text) {
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            ++i;
        }
        return i > start;
    };
    if (i < text.size() && text[i] == '-') {
        ++i;
    }
    if (!digits()) {
        return false;
    }
    if (i < text.size() && text[i] == '.' && (++i, !digits())) {
        return false;
    }
    if (i < text.size() && (text[i] == 'E' || text[i] == 'e')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            ++i;
        }
        if (!digits()) {
            return false;
        }
    }
    return i == text.size();
}

sfp::Cell number_cell(double value, const std::string& format) {
    sfp::Cell cell;
    cell.number = value;
    cell.excel_format = format;
    cell.text = std::isfinite(value) ? std::to_string(value) : "..";
    cell.align = sfp::Align::decimal;
    return cell;
}

sfp::Cell text_cell(const std::string& text) {
    sfp::Cell cell;
    cell.text = text;
    return cell;
}

/// Three institution-years in two regions: PAR30 = par30_balance / gross_loan_portfolio.
std::shared_ptr<const sfp::AuditTable> small_audit() {
    auto audit = std::make_shared<sfp::AuditTable>();
    audit->records = {0, 1, 2};
    audit->institution = {"MFI-001", "MFI-002", "MFI-003"};
    audit->year = {2024, 2024, 2024};
    audit->origin = {"data.csv:2", "data.csv:3", "data.csv:4"};
    audit->groupings = {"region"};
    audit->group_labels = {{"Africa", "Africa", "Asia"}};
    audit->columns = {{"par30_balance", {1250.5, nan_value, 80.25}, "#,##0"},
                      {"gross_loan_portfolio", {10000.0, 5000.0, 0.0}, "#,##0"}};
    sfp::AuditIndicator par30;
    par30.id = "PQ-01";
    par30.name = "PAR30";
    par30.formula_text = "par30_balance / gross_loan_portfolio";
    par30.statistics = {sfp::Statistic::ratio};
    par30.numerator = 0;
    par30.denominator = 1;
    par30.excel_format = "0.0%";
    audit->indicators = {par30};
    audit->scopes = {{-1, ""}, {0, "Africa"}, {0, "Asia"}};
    return audit;
}

/// A document with the values that must not become numbers (NaN, +-infinity) in a table, in a
/// key figure, in a chart's data and a scatter's, next to finite values that must.
sfp::Document awkward_document() {
    sfp::Document doc;
    doc.info.title = "Workbook test";
    doc.info.period = "2024";
    doc.info.fingerprint = std::string(64, 'a');
    doc.info.generator = "sfpgen test";
    doc.audit = small_audit();

    sfp::KeyFigures box;
    box.title = "At a glance";
    sfp::KeyFigure figure;
    figure.label = "PAR30";
    figure.value = "..";
    figure.number = nan_value;
    figure.excel_format = "0.0%";
    box.items.push_back(figure);
    figure.label = "Borrowers";
    figure.number = 4321.0;
    figure.excel_format = "#,##0";
    box.items.push_back(figure);
    doc.blocks.emplace_back(box);

    sfp::Table table;
    table.caption = "Table 1. Values";
    table.sheet_name = "Values";
    table.header = {"Region", "PAR30", "Borrowers", "Ratio"};
    table.rows.push_back({text_cell("Africa"), number_cell(0.125, "0.0%"),
                          number_cell(inf_value, "#,##0"), number_cell(-inf_value, "0.00")});
    sfp::Cell from_results = number_cell(nan_value, "0.0%");
    from_results.source = sfp::CellSource{"PQ-01", sfp::Statistic::ratio, 2, 2024};
    sfp::Cell africa = number_cell(1250.5 / 10000.0, "0.0%"); // MFI-002 has no PAR30 balance
    africa.source = sfp::CellSource{"PQ-01", sfp::Statistic::ratio, 1, 2024};
    table.rows.push_back({text_cell("Asia"), from_results, number_cell(7.0, "#,##0"), africa});
    doc.blocks.emplace_back(table);

    sfp::Figure line;
    line.caption = "Figure 1. A line";
    line.sheet_name = "Figure 1";
    line.chart.kind = charts::ChartKind::line;
    line.chart.title = "A line";
    line.chart.categories = {"2022", "2023", "2024"};
    line.chart.series.push_back({"All", {0.5, nan_value, inf_value}, {}, {}});
    line.chart.format.kind = charts::ValueKind::percent;
    line.chart.format.decimals = 1;
    doc.blocks.emplace_back(line);

    sfp::Figure scatter;
    scatter.caption = "Figure 2. A scatter";
    scatter.sheet_name = "Figure 2";
    scatter.chart.kind = charts::ChartKind::scatter;
    scatter.chart.title = "A scatter";
    scatter.chart.series.push_back(
        {"Institutions", {1.5, -inf_value, 2.5}, {nan_value, 3.0, 4.75}, {"a", "b", "c"}});
    doc.blocks.emplace_back(scatter);
    return doc;
}

/// Writes `doc` to `path`, requiring success.
void write(const sfp::Document& doc, const std::string& path) {
    sfp::Diagnostics diagnostics;
    const bool written = sfp::write_xlsx(doc, path, {1767225600}, diagnostics);
    for (const auto& item : diagnostics.items()) {
        UNSCOPED_INFO(sfp::to_string(item));
    }
    REQUIRE(written);
    REQUIRE_FALSE(diagnostics.has_errors());
}

/// Restores the C numeric locale and LOCPATH when the test ends, even when it fails.
class NumericLocaleGuard {
public:
    NumericLocaleGuard() = default;
    ~NumericLocaleGuard() {
        std::setlocale(LC_NUMERIC, "C");
        unsetenv("LOCPATH");
    }
    NumericLocaleGuard(const NumericLocaleGuard&) = delete;
    NumericLocaleGuard& operator=(const NumericLocaleGuard&) = delete;
};

std::string format_one_and_a_half() {
    std::array<char, 16> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.1f", 1.5);
    return buffer.data();
}

} // namespace

TEST_CASE("workbook: NaN and infinities are never written as numbers", "[workbook]") {
    const TempDir dir("workbook");
    const std::string path = dir.file("awkward.xlsx");
    write(awkward_document(), path);

    const std::string sheets = read_parts(path, "xl/worksheets/sheet*.xml");
    const std::vector<XmlCell> cells = cells_of(sheets);
    REQUIRE(cells.size() > 20);
    std::size_t numbers = 0;
    for (const auto& cell : cells) {
        const auto value = element_text(cell.content, "v");
        if (!numeric_cell(cell) || !value) {
            continue;
        }
        INFO("cell " << cell.attributes << " value " << *value);
        CHECK(plain_number(*value));
        CHECK(std::isfinite(std::strtod(value->c_str(), nullptr)));
        ++numbers;
    }
    // The finite values are there as numbers (the check above is not vacuous): 0.125 in the
    // table, 4321 on the cover, 0.5 in the chart data, 4.75 in the scatter's, the Data sheet's
    // inputs and the stored value of the Africa formula.
    CHECK(numbers >= 8);
    for (const char* expected :
         {"<v>0.125</v>", "<v>4321</v>", "<v>0.5</v>", "<v>4.75</v>", "<v>1250.5</v>"}) {
        INFO(expected);
        CHECK(sheets.find(expected) != std::string::npos);
    }
    CHECK(sheets.find("<v>0.12505</v>") != std::string::npos);
    // No part of the archive spells a non-finite number (sheets, charts' caches, properties).
    std::string everything = read_parts(path, "*.xml");
    for (char& c : everything) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const char* bad : {">nan<", ">-nan<", ">inf<", ">-inf<", ">infinity<", "1.#inf"}) {
        INFO(bad);
        CHECK(everything.find(bad) == std::string::npos);
    }
}

TEST_CASE("workbook: identical input gives identical bytes", "[workbook]") {
    const TempDir dir("workbook");
    const sfp::Document doc = awkward_document();
    write(doc, dir.file("first.xlsx"));
    // Zip entries carry a 2-second resolution time: a writer that used the clock would differ.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    std::filesystem::create_directory(dir.file("again"));
    write(doc, dir.file("again/second.xlsx"));
    const std::string first = read_bytes(dir.file("first.xlsx"));
    const std::string second = read_bytes(dir.file("again/second.xlsx"));
    REQUIRE(first.size() > 1000);
    CHECK(first == second);
    // The pinned creation date is the one in the document properties.
    CHECK(read_parts(dir.file("first.xlsx"), "docProps/core.xml")
              .find("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z") !=
          std::string::npos);
}

TEST_CASE("workbook: a comma-decimal LC_NUMERIC changes no byte", "[workbook][locale]") {
    const TempDir dir("workbook");
    const sfp::Document doc = awkward_document();
    write(doc, dir.file("c-locale.xlsx"));

    // Compile fr_FR.UTF-8 into the test's folder (the `locales` package has its sources), so
    // the test does not depend on which locales the machine has generated.
    const std::string locales = dir.file("locales");
    std::filesystem::create_directory(locales);
    const CommandOutput made =
        run("localedef -i fr_FR -f UTF-8 '" + locales + "/fr_FR.UTF-8' 2>&1");
    INFO(made.text);
    REQUIRE(made.status == 0);

    const NumericLocaleGuard guard;
    REQUIRE(setenv("LOCPATH", locales.c_str(), 1) == 0);
    REQUIRE(std::setlocale(LC_NUMERIC, "fr_FR.UTF-8") != nullptr);
    // The locale really writes decimal commas, so the comparison below proves something.
    REQUIRE(format_one_and_a_half() == "1,5");
    write(doc, dir.file("fr-locale.xlsx"));
    REQUIRE(format_one_and_a_half() == "1,5"); // the writer restored the caller's locale

    const std::string c_bytes = read_bytes(dir.file("c-locale.xlsx"));
    const std::string fr_bytes = read_bytes(dir.file("fr-locale.xlsx"));
    REQUIRE(c_bytes.size() > 1000);
    CHECK(c_bytes == fr_bytes);
    CHECK(
        read_parts(dir.file("fr-locale.xlsx"), "xl/worksheets/sheet*.xml").find("<v>1250.5</v>") !=
        std::string::npos);
}

TEST_CASE("workbook: an unwritable path gives a diagnostic and no file", "[workbook]") {
    const TempDir dir("workbook");
    const sfp::Document doc = awkward_document();
    // A folder that does not exist (under a regular file), and a target that is a folder.
    const std::string blocker = dir.write("a-file", "not a folder");
    const std::filesystem::path folder = dir.path() / "a-folder";
    std::filesystem::create_directory(folder);
    for (const std::string& path : {blocker + "/out.xlsx", folder.string()}) {
        INFO(path);
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::write_xlsx(doc, path, {1767225600}, diagnostics));
        REQUIRE(diagnostics.has_errors());
        const sfp::Diagnostic& error = diagnostics.items().front();
        CHECK(error.where.file == path);
        CHECK_FALSE(error.message.empty());
        CHECK(sfp::to_string(error).find(path) != std::string::npos);
    }
    // Nothing was left behind: no output, no temporary file, the folder still a folder.
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"a-file", "a-folder"});
    CHECK(std::filesystem::is_empty(folder));
    CHECK(read_bytes(blocker) == "not a folder");
}

TEST_CASE("workbook: an Arabic report has right-to-left sheets", "[workbook][rtl]") {
    const TempDir dir("workbook-rtl");
    sfp::Document doc;
    doc.info.title = "تقرير";
    doc.info.language = "ar";
    sfp::Table table;
    table.caption = "الجدول 1";
    table.sheet_name = "Table 1";
    table.header = {"المنطقة", "القيمة"};
    table.rows.push_back({text_cell("أفريقيا"), number_cell(0.25, "0.0%")});
    doc.blocks.emplace_back(table);
    write(doc, dir.file("ar.xlsx"));
    const std::string sheets = read_parts(dir.file("ar.xlsx"), "xl/worksheets/sheet*.xml");
    std::size_t views = 0;
    std::size_t rtl = 0;
    for (std::size_t at = sheets.find("<sheetView "); at != std::string::npos;
         at = sheets.find("<sheetView ", at + 1)) {
        ++views;
        const std::string view = sheets.substr(at, sheets.find('>', at) - at);
        rtl += view.find("rightToLeft=\"1\"") != std::string::npos ? 1U : 0U;
    }
    CHECK(views == 3); // Cover, Contents, Table 1
    CHECK(rtl == views);

    // The same document in English: left to right, except a table marked rtl.
    doc.info.language = "en";
    std::get<sfp::Table>(doc.blocks.front()).direction = sfp::TextDirection::rtl;
    write(doc, dir.file("en.xlsx"));
    const std::string english = read_parts(dir.file("en.xlsx"), "xl/worksheets/sheet*.xml");
    std::size_t english_rtl = 0;
    for (std::size_t at = english.find("rightToLeft=\"1\""); at != std::string::npos;
         at = english.find("rightToLeft=\"1\"", at + 1)) {
        ++english_rtl;
    }
    CHECK(english_rtl == 1);
}

TEST_CASE("workbook: a text beyond Excel's 32,767 characters is cut with a note and a warning",
          "[workbook]") {
    // A list of institutions on a very large panel outgrew a cell and failed the whole workbook
    // (found by report_bench --growth at 8,000 x 15).
    const TempDir dir("workbook-long");
    sfp::Document doc;
    doc.info.title = "Long text";
    sfp::Table table;
    table.caption = "Table 1. A long cell";
    table.sheet_name = "Long";
    table.header = {"Institutions"};
    std::string names;
    while (names.size() < 40000) {
        names += "Caisse d'épargne, "; // two-byte characters: the cut must not split one
    }
    sfp::Cell cell;
    cell.text = names;
    table.rows.push_back({cell});
    doc.blocks.emplace_back(table);
    sfp::Diagnostics diagnostics;
    REQUIRE(sfp::write_xlsx(doc, dir.file("long.xlsx"), {1767225600}, diagnostics));
    REQUIRE_FALSE(diagnostics.has_errors());
    const auto warning = std::find_if(
        diagnostics.items().begin(), diagnostics.items().end(), [](const sfp::Diagnostic& item) {
            return item.message.find("cut to Excel's limit") != std::string::npos;
        });
    REQUIRE(warning != diagnostics.items().end());
    CHECK(warning->message.find(std::to_string(names.size())) != std::string::npos);
    const std::string sheets = read_parts(dir.file("long.xlsx"), "xl/sharedStrings.xml");
    const auto note = sheets.find("[... cut: the text exceeds Excel's limit of 32,767 characters");
    REQUIRE(note != std::string::npos);
    const auto start = sheets.rfind("Caisse d", note);
    REQUIRE(start != std::string::npos);
    // What precedes the note is text of the original, whole characters only.
    CHECK(sheets.find("épargne, Caisse d") != std::string::npos);
    CHECK(sheets.find("\xC3<") == std::string::npos); // no half of "é" before markup
}
