// Read-back of the Governing Body report (issue 6, "Done means"): the EN, FR and ES sample PDFs
// are built once per run by the sfpgen command and read back with poppler-cpp. Each check
// derives what it expects independently of the renderer: the page labels from the PDF's own
// label tree, the headings from their position and font on the page, the key figures from the
// results JSON and a formatter written here from the documented rules. An Arabic document built
// in C++ checks right-to-left paragraphs and tables.

#include "sfp/catalogue.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"
#include "sfp/render_pdf.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-font.h>
#include <poppler/cpp/poppler-page.h>
#include <poppler/cpp/poppler-toc.h>
#include <regex>
#include <sstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;
const std::string sfpgen = SFPGEN_BINARY;
constexpr std::int64_t epoch = 1767225600; // 2026-01-01T00:00:00Z
constexpr double margin_x = 62.0;
constexpr double margin_y = 28.0;
constexpr double tolerance = 1.0; // glyph boxes may overhang the layout box slightly

// ---- running the command ----------------------------------------------------------------------

fs::path fresh_dir(const std::string& name) {
    const fs::path dir =
        fs::temp_directory_path() / ("sfpgen-readback-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Runs sfpgen from the source folder with SOURCE_DATE_EPOCH pinned; returns its exit code.
int run(const std::string& arguments, const fs::path& log) {
    const std::string command = "cd '" + source_dir +
                                "' && SOURCE_DATE_EPOCH=" + std::to_string(epoch) + " '" + sfpgen +
                                "' " + arguments + " >'" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Language {
    std::string code;   ///< "en", "fr", "es"
    std::string suffix; ///< "" for English, "-fr", "-es"
};

const std::vector<Language> languages{{"en", ""}, {"fr", "-fr"}, {"es", "-es"}};

/// The sample report in all three languages, built once per test run.
struct SampleBuild {
    fs::path dir;
    std::map<std::string, int> exit_codes; ///< by language
};

const SampleBuild& sample() {
    static const SampleBuild built = [] {
        SampleBuild result;
        result.dir = fresh_dir("sample");
        for (const auto& language : languages) {
            const std::string lang = language.code == "en" ? "" : " --lang " + language.code;
            // A folder per language, so that a build that ignored --lang could not pass for
            // another language's output.
            const fs::path dir = result.dir / language.code;
            fs::create_directories(dir);
            result.exit_codes[language.code] =
                run("build --output '" + dir.string() + "' --format pdf,xlsx,json" + lang,
                    dir / "log.txt");
        }
        return result;
    }();
    return built;
}

fs::path sample_file(const Language& language, const std::string& extension) {
    return sample().dir / language.code / ("gb-progress-sample" + language.suffix + extension);
}

// ---- text ---------------------------------------------------------------------------------------

std::string utf8(const poppler::ustring& text) {
    const auto bytes = text.to_utf8();
    return {bytes.begin(), bytes.end()};
}

/// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::u32string decode(const std::string& text) {
    std::u32string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        char32_t cp = byte;
        if (byte >= 0xF0U) {
            length = 4;
            cp = byte & 0x07U;
        } else if (byte >= 0xE0U) {
            length = 3;
            cp = byte & 0x0FU;
        } else if (byte >= 0xC0U) {
            length = 2;
            cp = byte & 0x1FU;
        } else if (byte >= 0x80U) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        if (i + length > text.size()) {
            out.push_back(0xFFFD);
            break;
        }
        for (std::size_t k = 1; k < length; ++k) {
            cp = (cp << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
        }
        out.push_back(cp);
        i += length;
    }
    return out;
}

std::string encode(const std::u32string& text) {
    std::string out;
    for (const char32_t cp : text) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0U | (cp >> 6U));
            out += static_cast<char>(0x80U | (cp & 0x3FU));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0U | (cp >> 12U));
            out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
            out += static_cast<char>(0x80U | (cp & 0x3FU));
        } else {
            out += static_cast<char>(0xF0U | (cp >> 18U));
            out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
            out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
            out += static_cast<char>(0x80U | (cp & 0x3FU));
        }
    }
    return out;
}

bool is_space(char32_t cp) {
    return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == 0x00A0 ||
           cp == 0x202F || cp == 0x2007 || cp == 0x2009 || cp == 0x200A || cp == 0x2002 ||
           cp == 0x2003 || cp == 0x000C;
}

/// Every kind of space (U+00A0, U+202F, thin spaces, newlines) as one ASCII space, runs
/// collapsed, no leading or trailing space.
std::string collapse_spaces(const std::string& text) {
    std::u32string out;
    bool pending = false;
    for (const char32_t cp : decode(text)) {
        if (is_space(cp)) {
            pending = !out.empty();
            continue;
        }
        if (pending) {
            out.push_back(U' ');
            pending = false;
        }
        out.push_back(cp);
    }
    return encode(out);
}

/// Letters and digits only, ASCII lowered: for comparing a heading with its TOC entry and its
/// bookmark whatever the punctuation ("1. Introduction" / "1 Introduction") and line breaks.
std::string key(const std::string& text) {
    std::u32string out;
    for (char32_t cp : decode(text)) {
        if (cp >= U'A' && cp <= U'Z') {
            cp = cp - U'A' + U'a';
        }
        const bool ascii_alnum = (cp >= U'a' && cp <= U'z') || (cp >= U'0' && cp <= U'9');
        if (ascii_alnum || (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !is_space(cp) &&
                            cp != 0x2026 && !(cp >= 0x2000 && cp <= 0x206F))) {
            out.push_back(cp);
        }
    }
    return encode(out);
}

// ---- words and lines ----------------------------------------------------------------------------

struct Word {
    std::string text;
    double left = 0;
    double top = 0;
    double right = 0;
    double bottom = 0;
    double size = 0;
    std::string font;
};

struct Line {
    std::vector<Word> words; ///< left to right
    [[nodiscard]] std::string text() const {
        std::string out;
        for (const auto& word : words) {
            if (!out.empty()) {
                out += ' ';
            }
            out += word.text;
        }
        return out;
    }
    [[nodiscard]] double top() const {
        double value = words.front().top;
        for (const auto& word : words) {
            value = std::min(value, word.top);
        }
        return value;
    }
    [[nodiscard]] double size() const {
        double value = 0;
        for (const auto& word : words) {
            value = std::max(value, word.size);
        }
        return value;
    }
    [[nodiscard]] bool bold() const {
        return std::any_of(words.begin(), words.end(), [](const Word& word) {
            return word.font.find("Bold") != std::string::npos ||
                   word.font.find("bold") != std::string::npos;
        });
    }
};

struct Page {
    std::string label;
    double width = 0;
    double height = 0;
    std::string text; ///< poppler page::text()
    std::vector<Word> words;
    std::vector<Line> lines; ///< top to bottom
};

/// Groups words into lines by their vertical centre (words of one line share a baseline; their
/// boxes may differ by a point or two with the font size).
std::vector<Line> group_lines(std::vector<Word> words) {
    std::sort(words.begin(), words.end(), [](const Word& a, const Word& b) {
        const double ca = (a.top + a.bottom) / 2;
        const double cb = (b.top + b.bottom) / 2;
        if (std::fabs(ca - cb) > 0.01) {
            return ca < cb;
        }
        return a.left < b.left;
    });
    std::vector<Line> lines;
    double centre = -1000;
    for (auto& word : words) {
        const double c = (word.top + word.bottom) / 2;
        const double half = (word.bottom - word.top) / 2;
        if (lines.empty() || std::fabs(c - centre) > std::max(2.0, half * 0.6)) {
            lines.emplace_back();
            centre = c;
        }
        lines.back().words.push_back(std::move(word));
    }
    for (auto& line : lines) {
        std::sort(line.words.begin(), line.words.end(),
                  [](const Word& a, const Word& b) { return a.left < b.left; });
    }
    return lines;
}

struct Pdf {
    std::unique_ptr<poppler::document> doc;
    std::vector<Page> pages;
};

Pdf load_pdf(const fs::path& path) {
    Pdf pdf;
    pdf.doc.reset(poppler::document::load_from_file(path.string()));
    if (!pdf.doc) {
        return pdf;
    }
    for (int i = 0; i < pdf.doc->pages(); ++i) {
        const std::unique_ptr<poppler::page> page(pdf.doc->create_page(i));
        Page out;
        out.label = utf8(page->label());
        const auto rect = page->page_rect();
        out.width = rect.width();
        out.height = rect.height();
        out.text = utf8(page->text());
        for (const auto& box : page->text_list(poppler::page::text_list_include_font)) {
            Word word;
            word.text = utf8(box.text());
            const auto bbox = box.bbox();
            word.left = bbox.left();
            word.top = bbox.top();
            word.right = bbox.right();
            word.bottom = bbox.bottom();
            word.size = box.get_font_size();
            word.font = box.has_font_info() ? box.get_font_name() : std::string();
            out.words.push_back(word);
        }
        out.lines = group_lines(out.words);
        pdf.pages.push_back(std::move(out));
    }
    return pdf;
}

// ---- page labels --------------------------------------------------------------------------------

std::string roman(int value) {
    static const std::vector<std::pair<int, const char*>> numerals{
        {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
        {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    std::string out;
    for (const auto& [number, text] : numerals) {
        while (value >= number) {
            out += text;
            value -= number;
        }
    }
    return out;
}

/// Index of the first body page (label "1"), or nullopt.
std::optional<std::size_t> first_body_page(const Pdf& pdf) {
    for (std::size_t i = 0; i < pdf.pages.size(); ++i) {
        if (pdf.pages[i].label == "1") {
            return i;
        }
    }
    return std::nullopt;
}

// ---- the table of contents ----------------------------------------------------------------------

struct TocEntry {
    std::string text;  ///< "2.1 Results by region" (number and heading, one line)
    std::string label; ///< page label at the right margin
    int level = 1;
};

bool is_leader(const std::string& word) {
    const auto cps = decode(word);
    std::size_t dots = 0;
    for (const char32_t cp : cps) {
        if (cp == U'.' || cp == 0x2026 || cp == 0x00B7) {
            ++dots;
        }
    }
    return dots >= 3 && dots * 2 >= cps.size();
}

/// Strips a run of leader dots glued to the end of a word ("Introduction.........").
std::string strip_leader_tail(const std::string& word) {
    auto cps = decode(word);
    std::size_t end = cps.size();
    while (end > 0 && (cps[end - 1] == U'.' || cps[end - 1] == 0x2026 || cps[end - 1] == 0x00B7)) {
        --end;
    }
    if (cps.size() - end >= 3) {
        cps.resize(end);
    }
    return encode(cps);
}

/// Level from the number: "2" -> 1, "2.1" -> 2, "A.1" -> 2, "Annex A" -> 1.
int level_of(const std::string& text) {
    const auto space = text.find(' ');
    const std::string first = text.substr(0, space);
    static const std::regex numbered("^[0-9A-Z]+(\\.[0-9]+)*\\.?$");
    if (!std::regex_match(first, numbered)) {
        return 1;
    }
    std::string trimmed = first;
    if (!trimmed.empty() && trimmed.back() == '.') {
        trimmed.pop_back();
    }
    return 1 + static_cast<int>(std::count(trimmed.begin(), trimmed.end(), '.'));
}

const std::vector<std::string> contents_titles{
    "Contents", "Table of contents",   "Sommaire", "Table des matières",
    "Índice",   "Índice de contenido", "Contenido"};

/// The TOC as printed on the front-matter pages: from the Contents title on, each entry is the
/// lines up to one that ends with leader dots and a page label.
std::vector<TocEntry> read_toc(const Pdf& pdf, std::size_t front_pages) {
    std::vector<TocEntry> entries;
    bool started = false;
    std::string pending;
    static const std::regex label_pattern("^([0-9]+|[ivxlcdm]+)$");
    for (std::size_t p = 0; p < front_pages; ++p) {
        for (const auto& line : pdf.pages[p].lines) {
            const std::string text = collapse_spaces(line.text());
            if (!started) {
                started = std::find(contents_titles.begin(), contents_titles.end(), text) !=
                          contents_titles.end();
                continue;
            }
            std::vector<std::string> words;
            bool leader = false;
            for (const auto& word : line.words) {
                if (is_leader(word.text)) {
                    leader = true;
                    continue;
                }
                const std::string stripped = strip_leader_tail(word.text);
                leader = leader || stripped != word.text;
                if (!stripped.empty()) {
                    words.push_back(stripped);
                }
            }
            if (leader && !words.empty() && std::regex_match(words.back(), label_pattern)) {
                TocEntry entry;
                entry.label = words.back();
                words.pop_back();
                for (const auto& word : words) {
                    pending += (pending.empty() ? "" : " ") + word;
                }
                entry.text = collapse_spaces(pending);
                entry.level = level_of(entry.text);
                entries.push_back(entry);
                pending.clear();
            } else {
                for (const auto& word : words) {
                    pending += (pending.empty() ? "" : " ") + word;
                }
            }
        }
    }
    return entries;
}

// ---- the outline ------------------------------------------------------------------------------

struct OutlineItem {
    std::string title;
    int depth = 1;
};

void walk(const poppler::toc_item& item, int depth, std::vector<OutlineItem>& out) {
    for (const poppler::toc_item* child : item.children()) {
        out.push_back({utf8(child->title()), depth});
        walk(*child, depth + 1, out);
    }
}

std::vector<OutlineItem> read_outline(const poppler::document& doc) {
    std::vector<OutlineItem> items;
    const std::unique_ptr<poppler::toc> toc(doc.create_toc());
    if (toc && toc->root() != nullptr) {
        walk(*toc->root(), 1, items);
    }
    return items;
}

/// The heading text without its number: "2.1 Results" -> "Results", "Annex A Sources" ->
/// "Sources".
std::string without_number(const std::string& text) {
    static const std::regex numbered("^(Annex|Annexe|Anexo)? ?[0-9A-Z]+(\\.[0-9]+)*\\.? (.*)$");
    std::smatch match;
    if (std::regex_match(text, match, numbered)) {
        return match[3].str();
    }
    return text;
}

bool same_heading(const std::string& a, const std::string& b) {
    return key(a) == key(b) || key(without_number(a)) == key(b) || key(a) == key(without_number(b));
}

// ---- the results JSON (a minimal reader: objects, arrays, strings, numbers, literals) ---------

struct Json {
    enum class Kind { null, boolean, number, string, array, object };
    Kind kind = Kind::null;
    bool boolean = false;
    double number = 0;
    std::string string;
    std::vector<Json> array;
    std::vector<std::pair<std::string, Json>> object;

    [[nodiscard]] const Json* get(const std::string& name) const {
        for (const auto& [k, v] : object) {
            if (k == name) {
                return &v;
            }
        }
        return nullptr;
    }
};

class JsonParser {
public:
    explicit JsonParser(const std::string& text) : text_(text) {}

    std::optional<Json> parse() {
        auto value = parse_value();
        skip();
        if (!value || pos_ != text_.size()) {
            return std::nullopt;
        }
        return value;
    }

private:
    void skip() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }
    bool literal(const std::string& word) {
        if (text_.compare(pos_, word.size(), word) == 0) {
            pos_ += word.size();
            return true;
        }
        return false;
    }
    std::optional<std::string> parse_string() {
        if (pos_ >= text_.size() || text_[pos_] != '"') {
            return std::nullopt;
        }
        ++pos_;
        std::string out;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            char c = text_[pos_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) {
                return std::nullopt;
            }
            c = text_[pos_++];
            switch (c) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'u': {
                if (pos_ + 4 > text_.size()) {
                    return std::nullopt;
                }
                const auto cp =
                    static_cast<char32_t>(std::stoul(text_.substr(pos_, 4), nullptr, 16));
                pos_ += 4;
                out += encode(std::u32string(1, cp));
                break;
            }
            default:
                out += c;
                break;
            }
        }
        if (pos_ >= text_.size()) {
            return std::nullopt;
        }
        ++pos_;
        return out;
    }
    std::optional<Json> parse_value() {
        skip();
        if (pos_ >= text_.size()) {
            return std::nullopt;
        }
        Json value;
        const char c = text_[pos_];
        if (c == '{') {
            value.kind = Json::Kind::object;
            ++pos_;
            skip();
            if (pos_ < text_.size() && text_[pos_] == '}') {
                ++pos_;
                return value;
            }
            for (;;) {
                skip();
                auto name = parse_string();
                skip();
                if (!name || pos_ >= text_.size() || text_[pos_] != ':') {
                    return std::nullopt;
                }
                ++pos_;
                auto item = parse_value();
                if (!item) {
                    return std::nullopt;
                }
                value.object.emplace_back(std::move(*name), std::move(*item));
                skip();
                if (pos_ < text_.size() && text_[pos_] == ',') {
                    ++pos_;
                    continue;
                }
                if (pos_ < text_.size() && text_[pos_] == '}') {
                    ++pos_;
                    return value;
                }
                return std::nullopt;
            }
        }
        if (c == '[') {
            value.kind = Json::Kind::array;
            ++pos_;
            skip();
            if (pos_ < text_.size() && text_[pos_] == ']') {
                ++pos_;
                return value;
            }
            for (;;) {
                auto item = parse_value();
                if (!item) {
                    return std::nullopt;
                }
                value.array.push_back(std::move(*item));
                skip();
                if (pos_ < text_.size() && text_[pos_] == ',') {
                    ++pos_;
                    continue;
                }
                if (pos_ < text_.size() && text_[pos_] == ']') {
                    ++pos_;
                    return value;
                }
                return std::nullopt;
            }
        }
        if (c == '"') {
            auto text = parse_string();
            if (!text) {
                return std::nullopt;
            }
            value.kind = Json::Kind::string;
            value.string = std::move(*text);
            return value;
        }
        if (literal("null")) {
            return value;
        }
        if (literal("true") || literal("false")) {
            value.kind = Json::Kind::boolean;
            value.boolean = text_[pos_ - 1] == 'e' && text_[pos_ - 2] == 'u';
            return value;
        }
        std::size_t used = 0;
        try {
            value.number = std::stod(text_.substr(pos_, 40), &used);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        value.kind = Json::Kind::number;
        pos_ += used;
        return value;
    }

    const std::string& text_;
    std::size_t pos_ = 0;
};

// ---- the reference number formatter (from the documented rules, not the program's code) ------

/// `value` rounded half away from zero to `decimals`, grouped: en "1,234.5", fr "1 234,5"
/// (U+202F), es "1.234,5" (every number over three integer digits is grouped).
std::string reference_number(double value, int decimals, const std::string& language) {
    const std::string group = language == "fr" ? "\u202F" : language == "es" ? "." : ",";
    const std::string point = language == "en" ? "." : ",";
    double scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    // 15 significant digits first, as a spreadsheet displays, then half away from zero.
    std::ostringstream exact;
    exact.precision(15);
    exact << value;
    const double shown = std::stod(exact.str());
    const long long scaled = std::llround(shown * scale);
    const bool negative = scaled < 0;
    const unsigned long long magnitude = negative ? static_cast<unsigned long long>(-scaled)
                                                  : static_cast<unsigned long long>(scaled);
    const auto unit = static_cast<unsigned long long>(scale);
    std::string integer = std::to_string(magnitude / unit);
    std::string fraction = std::to_string(magnitude % unit);
    while (static_cast<int>(fraction.size()) < decimals) {
        fraction.insert(0, "0");
    }
    std::string grouped;
    for (std::size_t i = 0; i < integer.size(); ++i) {
        if (i > 0 && (integer.size() - i) % 3 == 0) {
            grouped += group;
        }
        grouped += integer[i];
    }
    std::string out = (negative ? "-" : "") + grouped;
    if (decimals > 0) {
        out += point + fraction;
    }
    return out;
}

/// How a table prints an indicator value: fractions as percent, USD amounts over 100,000 in
/// millions (per-client amounts as they are), multiples with "x".
std::string reference_format(double value, sfp::Unit unit, int decimals,
                             const std::string& language) {
    const std::string percent = language == "fr" ? "\u202F%" : language == "es" ? "\u00A0%" : "%";
    switch (unit) {
    case sfp::Unit::fraction:
        return reference_number(value * 100, decimals, language) + percent;
    case sfp::Unit::count:
    case sfp::Unit::number:
        return reference_number(value, decimals, language);
    case sfp::Unit::usd:
        if (decimals == 0 || std::fabs(value) < 1e5) {
            return reference_number(value, decimals, language);
        }
        return reference_number(value / 1e6, decimals, language);
    case sfp::Unit::multiple:
        return reference_number(value, decimals, language) + "x";
    }
    return reference_number(value, decimals, language);
}

/// True when `needle` is in `haystack` and not part of a longer number.
bool contains_number(const std::string& haystack, const std::string& needle) {
    const auto is_numeric = [](char c) { return (c >= '0' && c <= '9'); };
    for (std::size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1)) {
        const bool left_ok =
            at == 0 || (!is_numeric(haystack[at - 1]) &&
                        !(at >= 2 && (haystack[at - 1] == ',' || haystack[at - 1] == '.') &&
                          is_numeric(haystack[at - 2])));
        const std::size_t end = at + needle.size();
        const bool right_ok =
            end >= haystack.size() ||
            (!is_numeric(haystack[end]) &&
             !(end + 1 < haystack.size() && (haystack[end] == ',' || haystack[end] == '.') &&
               is_numeric(haystack[end + 1])));
        if (left_ok && right_ok) {
            return true;
        }
    }
    return false;
}

std::string without_spaces(const std::string& text) {
    std::u32string out;
    for (const char32_t cp : decode(text)) {
        if (!is_space(cp)) {
            out.push_back(cp);
        }
    }
    return encode(out);
}

} // namespace

// ---- 1. the sample report, read back
// -------------------------------------------------------------

TEST_CASE("readback: the sample report builds in EN FR and ES", "[e2e][readback]") {
    for (const auto& language : languages) {
        INFO("language " << language.code << "; log in " << sample().dir.string());
        CHECK(sample().exit_codes.at(language.code) == 0);
        CHECK(fs::exists(sample_file(language, ".pdf")));
        CHECK(fs::exists(sample_file(language, ".xlsx")));
        CHECK(fs::exists(sample_file(language, ".results.json")));
    }
}

TEST_CASE("readback: page labels, the contents and the outline match the headings",
          "[e2e][readback]") {
    for (const auto& language : languages) {
        DYNAMIC_SECTION("language " << language.code) {
            const Pdf pdf = load_pdf(sample_file(language, ".pdf"));
            REQUIRE(pdf.doc != nullptr);
            REQUIRE(pdf.pages.size() >= 5);

            // Front matter i, ii, ... then the body 1, 2, ... with no gap.
            const auto body = first_body_page(pdf);
            REQUIRE(body.has_value());
            REQUIRE(*body >= 1);
            for (std::size_t i = 0; i < pdf.pages.size(); ++i) {
                const std::string expected =
                    i < *body ? roman(static_cast<int>(i) + 1) : std::to_string(i - *body + 1);
                INFO("page " << i + 1);
                CHECK(pdf.pages[i].label == expected);
            }

            // The TOC lists each heading once with the label of the page it is on.
            const auto toc = read_toc(pdf, *body);
            INFO("TOC entries read: " << toc.size());
            REQUIRE(toc.size() >= 4);
            std::map<std::string, std::size_t> page_of_label;
            for (std::size_t i = *body; i < pdf.pages.size(); ++i) {
                page_of_label[pdf.pages[i].label] = i;
            }
            double body_size = 0; // the commonest font size of the body: headings are larger
            {
                std::map<long, std::size_t> sizes;
                for (std::size_t i = *body; i < pdf.pages.size(); ++i) {
                    for (const auto& word : pdf.pages[i].words) {
                        ++sizes[std::lround(word.size * 10)];
                    }
                }
                std::size_t best = 0;
                for (const auto& [size, count] : sizes) {
                    if (count > best) {
                        best = count;
                        body_size = static_cast<double>(size) / 10;
                    }
                }
            }
            for (const auto& entry : toc) {
                INFO("TOC entry '" << entry.text << "' on page " << entry.label);
                const auto found = page_of_label.find(entry.label);
                REQUIRE(found != page_of_label.end());
                const Page& page = pdf.pages[found->second];
                bool located = false;
                for (std::size_t l = 0; l < page.lines.size() && !located; ++l) {
                    const Line& first = page.lines[l];
                    if (!(first.bold() || first.size() > body_size + 0.5)) {
                        continue;
                    }
                    std::string joined;
                    for (std::size_t k = l; k < std::min(l + 3, page.lines.size()); ++k) {
                        joined += " " + page.lines[k].text();
                        if (same_heading(joined, entry.text)) {
                            located = true;
                            break;
                        }
                    }
                }
                CHECK(located);
            }

            // The outline holds the same headings in the same order, nested by level.
            const auto outline = read_outline(*pdf.doc);
            INFO("outline items: " << outline.size());
            CHECK(outline.size() == toc.size());
            for (std::size_t i = 0; i < std::min(outline.size(), toc.size()); ++i) {
                INFO("outline '" << outline[i].title << "' depth " << outline[i].depth
                                 << " vs TOC '" << toc[i].text << "' level " << toc[i].level);
                CHECK(same_heading(outline[i].title, toc[i].text));
                CHECK(outline[i].depth == toc[i].level);
            }
        }
    }
}

TEST_CASE("readback: fonts embedded, text inside the margins, footers, metadata",
          "[e2e][readback]") {
    for (const auto& language : languages) {
        DYNAMIC_SECTION("language " << language.code) {
            const Pdf pdf = load_pdf(sample_file(language, ".pdf"));
            REQUIRE(pdf.doc != nullptr);
            REQUIRE(!pdf.pages.empty());

            const auto fonts = pdf.doc->fonts();
            CHECK(!fonts.empty());
            for (const auto& font : fonts) {
                INFO("font " << font.name());
                CHECK(font.is_embedded());
            }

            for (std::size_t i = 0; i < pdf.pages.size(); ++i) {
                const Page& page = pdf.pages[i];
                CHECK(std::fabs(page.width - 595.276) < 0.5);
                CHECK(std::fabs(page.height - 841.89) < 0.5);
                for (const auto& word : page.words) {
                    INFO("page " << i + 1 << " word '" << word.text << "' at x " << word.left
                                 << ".." << word.right << ", y " << word.top << ".."
                                 << word.bottom);
                    CHECK(word.left >= margin_x - tolerance);
                    CHECK(word.right <= page.width - margin_x + tolerance);
                    CHECK(word.top >= margin_y - tolerance);
                    CHECK(word.bottom <= page.height - margin_y + tolerance);
                }
            }

            // "Page X of Y" in the document's words: X is the page's label, Y the last one.
            static const std::regex footer("^\\D*?([0-9]+)\\D+([0-9]+)\\D*$");
            static const std::regex english_footer("Page [0-9]+ of [0-9]+");
            const auto body = first_body_page(pdf);
            REQUIRE(body.has_value());
            const std::string last_label = pdf.pages.back().label;
            for (std::size_t i = *body; i < pdf.pages.size(); ++i) {
                const Page& page = pdf.pages[i];
                REQUIRE(!page.lines.empty());
                const std::string bottom = collapse_spaces(page.lines.back().text());
                INFO("page " << i + 1 << " bottom line '" << bottom << "'");
                std::smatch match;
                REQUIRE(std::regex_match(bottom, match, footer));
                CHECK(match[1].str() == page.label);
                CHECK((match[2].str() == last_label ||
                       match[2].str() == std::to_string(pdf.pages.size())));
                CHECK(std::regex_search(bottom, english_footer) == (language.code == "en"));
            }

            const std::string title = utf8(pdf.doc->info_key("Title"));
            const std::string author = utf8(pdf.doc->info_key("Author"));
            CHECK(!title.empty());
            CHECK(!author.empty());
            if (language.code == "en") {
                CHECK(title ==
                      "Microfinance for decent work: progress report of the Social Finance "
                      "Programme");
                CHECK(author == "Social Finance Programme (SFP), Employment Sector, "
                                "International Labour Office");
            }
            CHECK(pdf.doc->info_date_t("CreationDate") == static_cast<time_t>(epoch));
            CHECK(pdf.doc->info_date_t("ModDate") == static_cast<time_t>(epoch));
        }
    }
}

TEST_CASE("readback: the French and Spanish reports are in their language", "[e2e][readback]") {
    const std::vector<std::pair<Language, std::vector<std::string>>> cases{
        {languages[1], {"Sommaire", "Table des matières"}},
        {languages[2], {"Índice", "Contenido", "Tabla de contenido"}},
    };
    for (const auto& [language, contents] : cases) {
        DYNAMIC_SECTION("language " << language.code) {
            const Pdf pdf = load_pdf(sample_file(language, ".pdf"));
            REQUIRE(pdf.doc != nullptr);
            std::string all;
            for (const auto& page : pdf.pages) {
                all += collapse_spaces(page.text) + "\n";
            }
            CHECK(std::any_of(contents.begin(), contents.end(), [&](const std::string& title) {
                return all.find(title) != std::string::npos;
            }));
            CHECK(!std::regex_search(all, std::regex("Page [0-9]+ of [0-9]+")));
            CHECK(all.find("Contents") == std::string::npos);
            // Decimal comma and a (non-breaking) space before the percent sign.
            CHECK(std::regex_search(all, std::regex("[0-9],[0-9] %")));
            CHECK(!std::regex_search(all, std::regex("[0-9]\\.[0-9]%")));
        }
    }
}

TEST_CASE("readback: continued tables repeat the caption and the header row", "[e2e][readback]") {
    for (const auto& language : languages) {
        DYNAMIC_SECTION("language " << language.code) {
            const Pdf pdf = load_pdf(sample_file(language, ".pdf"));
            REQUIRE(pdf.doc != nullptr);
            // First occurrence of each line: page and index.
            std::map<std::string, std::pair<std::size_t, std::size_t>> first_seen;
            int continued = 0;
            static const std::regex caption_start("^(Table|Tableau|Cuadro|Tabla) .*");
            for (std::size_t p = 0; p < pdf.pages.size(); ++p) {
                const auto& lines = pdf.pages[p].lines;
                for (std::size_t l = 0; l < lines.size(); ++l) {
                    const std::string text = collapse_spaces(lines[l].text());
                    const auto open = text.rfind(" (");
                    if (open != std::string::npos && text.back() == ')' &&
                        std::regex_match(text, caption_start)) {
                        const auto original = first_seen.find(text.substr(0, open));
                        if (original != first_seen.end() && original->second.first < p) {
                            ++continued;
                            const auto& [q, k] = original->second;
                            INFO("'" << text << "' on page " << p + 1 << ", first on page "
                                     << q + 1);
                            REQUIRE(l + 1 < lines.size());
                            REQUIRE(k + 1 < pdf.pages[q].lines.size());
                            CHECK(collapse_spaces(lines[l + 1].text()) ==
                                  collapse_spaces(pdf.pages[q].lines[k + 1].text()));
                        }
                    }
                    first_seen.emplace(text, std::make_pair(p, l));
                }
            }
            CHECK(continued >= 1);
        }
    }
}

TEST_CASE("readback: the key figures equal the results JSON", "[e2e][readback]") {
    sfp::Diagnostics diagnostics;
    const auto catalogue =
        sfp::load_catalogue(source_dir + "/data/indicators/catalogue.toml", diagnostics);
    REQUIRE(catalogue.has_value());
    const std::vector<std::string> key_indicators{"OUT-01", "OUT-06", "OUT-04", "PQ-01", "FIN-01"};
    for (const auto& language : languages) {
        DYNAMIC_SECTION("language " << language.code) {
            const auto json =
                JsonParser(read_bytes(sample_file(language, ".results.json"))).parse();
            REQUIRE(json.has_value());
            const Json* results = json->get("results");
            REQUIRE(results != nullptr);
            REQUIRE(results->kind == Json::Kind::array);

            const Pdf pdf = load_pdf(sample_file(language, ".pdf"));
            REQUIRE(pdf.doc != nullptr);
            const auto body = first_body_page(pdf);
            const std::size_t front = body.value_or(1);
            std::string front_text;
            for (std::size_t p = 0; p < front && p < pdf.pages.size(); ++p) {
                front_text += pdf.pages[p].text + "\n";
            }
            const std::string spaced = collapse_spaces(front_text);
            const std::string packed = without_spaces(front_text);

            for (const auto& id : key_indicators) {
                const sfp::IndicatorDef* def = catalogue->find(id);
                REQUIRE(def != nullptr);
                const std::string statistic(sfp::statistic_name(def->headline()));
                std::optional<double> value;
                for (const auto& item : results->array) {
                    const Json* indicator = item.get("indicator");
                    const Json* stat = item.get("statistic");
                    const Json* scope = item.get("scope");
                    const Json* period = item.get("period");
                    const Json* number = item.get("value");
                    if (indicator && stat && scope && period && number && indicator->string == id &&
                        stat->string == statistic && scope->string == "all" &&
                        period->number == 2024 && number->kind == Json::Kind::number) {
                        value = number->number;
                    }
                }
                INFO(id << " (" << statistic << ", all, 2024)");
                REQUIRE(value.has_value());
                const std::string expected =
                    reference_format(*value, def->unit, def->decimals, language.code);
                INFO("expected '" << expected << "' in the pages before section 1");
                CHECK((contains_number(spaced, collapse_spaces(expected)) ||
                       contains_number(packed, without_spaces(expected))));
            }
        }
    }
}

TEST_CASE("readback: the reference formatter follows the documented rules", "[readback]") {
    CHECK(reference_format(1788353, sfp::Unit::count, 0, "en") == "1,788,353");
    CHECK(reference_format(1788353, sfp::Unit::count, 0, "fr") == "1\u202F788\u202F353");
    CHECK(reference_format(1788353, sfp::Unit::count, 0, "es") == "1.788.353");
    CHECK(reference_format(1234, sfp::Unit::count, 0, "es") == "1.234");
    CHECK(reference_format(0.65209, sfp::Unit::fraction, 1, "en") == "65.2%");
    CHECK(reference_format(0.65209, sfp::Unit::fraction, 1, "fr") == "65,2\u202F%");
    CHECK(reference_format(0.65209, sfp::Unit::fraction, 1, "es") == "65,2\u00A0%");
    CHECK(reference_format(0.00025, sfp::Unit::fraction, 1, "en") == "0.0%");
    CHECK(reference_format(0.00051, sfp::Unit::fraction, 1, "en") == "0.1%");
    CHECK(reference_format(703.135, sfp::Unit::usd, 0, "en") == "703");
    CHECK(reference_format(1257512345.0, sfp::Unit::usd, 1, "en") == "1,257.5");
    CHECK(reference_format(1257512345.0, sfp::Unit::usd, 1, "fr") == "1\u202F257,5");
    CHECK(reference_format(2.675, sfp::Unit::number, 2, "en") == "2.68");
    CHECK(reference_format(-0.04, sfp::Unit::fraction, 1, "en") == "-4.0%");
    CHECK(contains_number("OSS 110.0% in", "110.0%"));
    CHECK_FALSE(contains_number("2110.0%", "110.0%"));
    CHECK_FALSE(contains_number("1,788,3530", "1,788,353"));
}

// ---- 2. determinism -----------------------------------------------------------------------------

TEST_CASE("readback: two builds give byte-identical PDF and XLSX", "[e2e][readback]") {
    const fs::path again = fresh_dir("again");
    REQUIRE(run("build --output '" + again.string() + "' --format pdf,xlsx", again / "log.txt") ==
            0);
    const auto& english = languages[0];
    REQUIRE(fs::exists(sample_file(english, ".pdf")));
    CHECK(read_bytes(again / "gb-progress-sample.pdf") == read_bytes(sample_file(english, ".pdf")));
    CHECK(read_bytes(again / "gb-progress-sample.xlsx") ==
          read_bytes(sample_file(english, ".xlsx")));
    fs::remove_all(again);
}

// ---- 4. right to left -------------------------------------------------------------------------

namespace {

// "Microfinance helps women start small businesses and improve their families' income."
const std::string arabic_sentence =
    "\u064A\u0633\u0627\u0639\u062F \u0627\u0644\u062A\u0645\u0648\u064A\u0644 "
    "\u0627\u0644\u0623\u0635\u063A\u0631 \u0627\u0644\u0646\u0633\u0627\u0621 "
    "\u0639\u0644\u0649 \u0628\u062F\u0621 \u0645\u0634\u0627\u0631\u064A\u0639 "
    "\u0635\u063A\u064A\u0631\u0629 \u0648\u062A\u062D\u0633\u064A\u0646 "
    "\u062F\u062E\u0644 \u0623\u0633\u0631\u0647\u0646.";
const std::string first_word = "\u064A\u0633\u0627\u0639\u062F";           // يساعد
const std::string second_sentence_first_word = "\u062A\u0642\u062F\u0645"; // تقدم
const std::string decent_work =
    "\u0627\u0644\u0639\u0645\u0644 \u0627\u0644\u0644\u0627\u0626\u0642"; // العمل اللائق
const std::string decent_work_first = "\u0627\u0644\u0639\u0645\u0644";
// "Partner institutions offer loans and savings to poor households."
const std::string arabic_sentence_2 =
    "\u062A\u0642\u062F\u0645 \u0627\u0644\u0645\u0624\u0633\u0633\u0627\u062A "
    "\u0627\u0644\u0634\u0631\u064A\u0643\u0629 \u0627\u0644\u0642\u0631\u0648\u0636 "
    "\u0648\u0627\u0644\u0627\u062F\u062E\u0627\u0631 \u0644\u0644\u0623\u0633\u0631 "
    "\u0627\u0644\u0641\u0642\u064A\u0631\u0629.";
const std::vector<std::string> arabic_header{
    "\u0627\u0644\u0645\u0646\u0637\u0642\u0629",             // المنطقة (region)
    "\u0627\u0644\u0645\u0642\u062A\u0631\u0636\u0648\u0646", // المقترضون (borrowers)
    "\u0627\u0644\u0646\u0633\u0627\u0621"};                  // النساء (women)

/// True when a word read back is `word`: poppler may give the letters in visual order, so the
/// reversed code points count as well.
bool same_arabic_word(const std::string& read, const std::string& word) {
    std::u32string letters;
    for (const char32_t cp : decode(read)) {
        if (cp >= 0x0600 && cp <= 0x06FF) {
            letters.push_back(cp);
        }
    }
    const std::u32string expected = decode(word);
    std::u32string reversed(expected.rbegin(), expected.rend());
    return letters == expected || letters == reversed;
}

/// Poppler returns Arabic text glyph by glyph (each a "word"): glyphs closer than a word space
/// are joined back into words, their texts taken right to left (logical order).
Line join_glyphs(const Line& line) {
    Line joined;
    std::vector<Word> cluster;
    const auto flush = [&] {
        if (cluster.empty()) {
            return;
        }
        Word word = cluster.front();
        word.text.clear();
        for (auto it = cluster.rbegin(); it != cluster.rend(); ++it) {
            word.text += it->text;
            word.left = std::min(word.left, it->left);
            word.right = std::max(word.right, it->right);
        }
        joined.words.push_back(word);
        cluster.clear();
    };
    for (const auto& glyph : line.words) { // left to right
        if (!cluster.empty() && glyph.left - cluster.back().right > 1.5) {
            flush();
        }
        cluster.push_back(glyph);
    }
    flush();
    return joined;
}

/// The line (words at the same height) holding `word` first on the page.
const Line* line_with(const Page& page, const std::string& word) {
    for (const auto& line : page.lines) {
        for (const auto& w : line.words) {
            if (same_arabic_word(w.text, word)) {
                return &line;
            }
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("readback: Arabic paragraphs are right-aligned and an RTL table starts at the right",
          "[e2e][readback][rtl]") {
    sfp::Document doc;
    doc.info.title =
        "\u0627\u0644\u062A\u0645\u0648\u064A\u0644 \u0627\u0644\u0623\u0635\u063A\u0631";
    doc.info.author = "SFP";
    doc.info.language = "ar";
    sfp::Heading heading;
    heading.level = 1;
    heading.number = "1";
    heading.text = "\u0645\u0642\u062F\u0645\u0629"; // مقدمة (introduction)
    heading.id = "sec-1";
    doc.blocks.emplace_back(heading);
    sfp::Paragraph rtl;
    rtl.text = arabic_sentence;
    rtl.direction = sfp::TextDirection::rtl;
    rtl.language = "ar";
    doc.blocks.emplace_back(rtl);
    sfp::Paragraph automatic;
    automatic.text = arabic_sentence_2;
    automatic.direction = sfp::TextDirection::automatic;
    automatic.language = "ar";
    doc.blocks.emplace_back(automatic);
    // An explicit left-to-right paragraph stays left-aligned even though its text is Arabic.
    sfp::Paragraph ltr;
    ltr.text = decent_work;
    ltr.direction = sfp::TextDirection::ltr;
    ltr.language = "ar";
    doc.blocks.emplace_back(ltr);
    sfp::Table table;
    table.caption = "\u062C\u062F\u0648\u0644 1"; // جدول 1
    table.sheet_name = "T1";
    table.header = arabic_header;
    table.widths = {2, 1, 1};
    table.direction = sfp::TextDirection::rtl;
    table.id = "table-1";
    for (int row = 0; row < 3; ++row) {
        std::vector<sfp::Cell> cells(3);
        cells[0].text =
            row == 0 ? "\u0623\u0641\u0631\u064A\u0642\u064A\u0627" : "\u0622\u0633\u064A\u0627";
        cells[1].text = std::to_string(1000 + row);
        cells[1].number = 1000 + row;
        cells[1].align = sfp::Align::right;
        cells[2].text = std::to_string(50 + row);
        cells[2].number = 50 + row;
        cells[2].align = sfp::Align::right;
        table.rows.push_back(cells);
    }
    doc.blocks.emplace_back(table);

    const fs::path dir = fresh_dir("rtl");
    const fs::path path = dir / "arabic.pdf";
    sfp::Diagnostics diagnostics;
    sfp::PdfOptions options;
    options.timestamp = epoch;
    REQUIRE(sfp::render_pdf(doc, path.string(), options, diagnostics));
    Pdf pdf = load_pdf(path);
    REQUIRE(pdf.doc != nullptr);
    REQUIRE(!pdf.pages.empty());
    for (auto& candidate : pdf.pages) {
        for (auto& line : candidate.lines) {
            line = join_glyphs(line);
        }
        candidate.words.clear();
        for (const auto& line : candidate.lines) {
            candidate.words.insert(candidate.words.end(), line.words.begin(), line.words.end());
        }
    }
    // The body page that holds the paragraph (front matter, if any, comes first).
    const Page* page = nullptr;
    for (const auto& candidate : pdf.pages) {
        if (line_with(candidate, first_word) != nullptr) {
            page = &candidate;
            break;
        }
    }
    REQUIRE(page != nullptr);

    const std::string all = encode(decode(page->text));
    for (const std::string word : {"\u0627\u0644\u062A\u0645\u0648\u064A\u0644", // التمويل
                                   "\u0627\u0644\u0646\u0633\u0627\u0621"}) {    // النساء
        bool found = false;
        for (const auto& w : page->words) {
            found = found || same_arabic_word(w.text, word);
        }
        INFO("word " << word << " in " << all);
        CHECK(found);
    }

    for (const std::string& word : {first_word, second_sentence_first_word}) {
        const Line* line = line_with(*page, word);
        REQUIRE(line != nullptr);
        const auto rightmost =
            std::max_element(line->words.begin(), line->words.end(),
                             [](const Word& a, const Word& b) { return a.right < b.right; });
        INFO("first line: " << line->text() << "; rightmost word '" << rightmost->text
                            << "' ends at " << rightmost->right);
        CHECK(same_arabic_word(rightmost->text, word));
        CHECK(std::fabs(rightmost->right - (page->width - margin_x)) < 3.0);
    }

    {
        const Line* line = line_with(*page, decent_work_first);
        REQUIRE(line != nullptr);
        double right = 0;
        for (const auto& w : line->words) {
            right = std::max(right, w.right);
        }
        INFO("ltr line: " << line->text() << " ends at " << right);
        CHECK(right < page->width - margin_x - 100); // not pushed to the right margin
    }

    // The table: its first column (the region) is at the right.
    const Line* header = line_with(*page, arabic_header[0]);
    REQUIRE(header != nullptr);
    double first_x = -1;
    double last_x = -1;
    for (const auto& w : header->words) {
        if (same_arabic_word(w.text, arabic_header[0])) {
            first_x = w.left;
        }
        if (same_arabic_word(w.text, arabic_header[2])) {
            last_x = w.left;
        }
    }
    INFO("header line: " << header->text());
    REQUIRE(first_x >= 0);
    REQUIRE(last_x >= 0);
    CHECK(first_x > last_x);
    CHECK(first_x > page->width / 2);
    fs::remove_all(dir);
}
