#include "panel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unistd.h>
#include <zlib.h>

namespace sfp::bench {

namespace fs = std::filesystem;

namespace {

/// Splits one CSV record (RFC 4180 quotes; the sample has no quoted newlines).
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

/// The sample's header and its USD rows, the shapes the generated institutions copy.
struct Sample {
    std::string header_line;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> shapes;

    [[nodiscard]] std::size_t column(const std::string& name) const {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    }
};

Sample read_sample(const std::string& root) {
    Sample sample;
    std::istringstream in(read_text(root + "/data/sample/institution_years.csv"));
    std::getline(in, sample.header_line);
    sample.header = split_csv(sample.header_line);
    const std::size_t currency = sample.column("currency");
    for (std::string line; std::getline(in, line);) {
        auto fields = split_csv(line);
        if (fields.size() == sample.header.size() && fields[currency] == "USD") {
            sample.shapes.push_back(std::move(fields));
        }
    }
    return sample;
}

/// Writes every institution-year of the panel; returns the number of rows.
std::size_t write_csv(const fs::path& csv, const Sample& sample, int institutions, int years) {
    // Columns copied as they are; every other non-empty numeric value is scaled.
    const std::vector<std::size_t> kept{
        sample.column("mfi_id"),       sample.column("mfi_name"),
        sample.column("country_iso3"), sample.column("region"),
        sample.column("fiscal_year"),  sample.column("currency"),
        sample.column("legal_form"),   sample.column("established_year")};
    Dice dice;
    std::ofstream out(csv, std::ios::binary);
    out << sample.header_line << '\n';
    std::size_t rows = 0;
    for (int i = 0; i < institutions; ++i) {
        const auto& shape = sample.shapes[dice.below(sample.shapes.size())];
        const double scale = dice.uniform(0.2, 5.0);
        for (int y = 0; y < years; ++y) {
            const double growth = scale * std::pow(1.08, y - years + 1);
            for (std::size_t c = 0; c < sample.header.size(); ++c) {
                if (c > 0) {
                    out << ',';
                }
                std::string value = shape[c];
                if (c == kept[0]) {
                    value = institution_id(i);
                } else if (c == kept[1]) {
                    value = fmt::format("Institution {}", i);
                } else if (c == kept[4]) {
                    value = std::to_string(2024 - years + 1 + y);
                } else if (std::find(kept.begin(), kept.end(), c) == kept.end() && !value.empty()) {
                    char* end = nullptr;
                    const double number = std::strtod(value.c_str(), &end);
                    if (end != nullptr && *end == '\0') {
                        value = value.find('.') == std::string::npos
                                    ? std::to_string(std::llround(number * growth))
                                    : fmt::format("{:.2f}", number * growth);
                    }
                }
                if (value.find(',') != std::string::npos) {
                    value = "\"" + value + "\"";
                }
                out << value;
            }
            out << '\n';
            ++rows;
        }
    }
    return rows;
}

/// The folder of the template `spec.report`: templates/<report>, else the benchmark-only
/// tests/bench/templates/<report>.
fs::path template_folder(const PanelSpec& spec) {
    const fs::path shipped = fs::path(spec.root) / "templates" / spec.report;
    return fs::is_directory(shipped)
               ? shipped
               : fs::path(spec.root) / "tests" / "bench" / "templates" / spec.report;
}

/// Copies the *.toml files of `from` (if it exists) into `to`; false after saying why on error.
bool copy_words(const fs::path& from, const fs::path& to) {
    std::error_code error;
    if (!fs::is_directory(from, error)) {
        return true;
    }
    fs::create_directories(to, error);
    for (fs::directory_iterator it(from, error), end; !error && it != end; it.increment(error)) {
        if (it->is_regular_file() && it->path().extension() == ".toml" &&
            !fs::copy_file(it->path(), to / it->path().filename(),
                           fs::copy_options::overwrite_existing, error)) {
            break;
        }
    }
    if (error) {
        std::fprintf(stderr, "panel: cannot copy the words of %s: %s\n", from.c_str(),
                     error.message().c_str());
        return false;
    }
    return true;
}

/// Stages a benchmark-only template (prepare_panel) in <dir>/templates; returns the staged
/// template folder, or an empty path after saying why.
fs::path stage_template(const PanelSpec& spec, const std::string& words, const fs::path& folder,
                        const fs::path& dir) {
    const fs::path templates = dir / "templates";
    const fs::path staged = templates / spec.report;
    std::error_code error;
    fs::create_directories(staged, error);
    if (error || !fs::copy_file(folder / "document.toml", staged / "document.toml", error)) {
        std::fprintf(stderr, "panel: cannot stage %s: %s\n", (folder / "document.toml").c_str(),
                     error.message().c_str());
        return {};
    }
    const fs::path shipped = fs::path(spec.root) / "templates";
    for (fs::directory_iterator it(folder / "text", error), end; !error && it != end;
         it.increment(error)) {
        if (!it->is_directory()) {
            continue;
        }
        const fs::path language = it->path().filename();
        // Later files of the same name replace earlier ones; sfpgen itself lets the template's
        // words override common ones key by key.
        if (!copy_words(shipped / "common" / "text" / language,
                        templates / "common" / "text" / language) ||
            (!words.empty() &&
             !copy_words(shipped / words / "text" / language, staged / "text" / language)) ||
            !copy_words(it->path(), staged / "text" / language)) {
            return {};
        }
    }
    if (error) {
        std::fprintf(stderr, "panel: cannot read %s: %s\n", (folder / "text").c_str(),
                     error.message().c_str());
        return {};
    }
    return staged;
}

/// The report.toml of the template in `folder` made to read `csv` from anywhere, with the
/// template in `staged` (the folder itself unless staged).
std::string config_for(const PanelSpec& spec, const fs::path& folder, const fs::path& staged,
                       const fs::path& dir, const fs::path& csv) {
    const std::string& root = spec.root;
    std::string config = read_text(folder / "report.toml");
    // Its paths into the repository start with the way up from its folder: "../../" from
    // templates/<report>, "../../../../" from tests/bench/templates/<report>.
    const std::string up = "\"" + fs::relative(root, folder).generic_string() + "/";
    replace_all(config, up + "data/sample/institution_years.csv\"",
                fmt::format("\"{}\"", csv.string()));
    replace_all(config, up + "data/sfp.sqlite\"",
                fmt::format("\"{}\"", (dir / "sfp.sqlite").string()));
    replace_all(config, up, fmt::format("\"{}/", root));
    // The report's structure and words (the template) stay those of the sample.
    replace_all(config, "template = \"", fmt::format("template = \"{}/", staged.string()));
    replace_all(config, "first_year = 2020",
                fmt::format("first_year = {}", std::min(2020, 2024 - spec.years + 1)));
    return config;
}

/// A PDF's object text (read_structure): its bytes outside streams, then its object streams
/// inflated; nullopt when an object stream cannot be inflated.
std::optional<std::string> object_text(const std::string& bytes) {
    std::string text;
    std::string streams;
    std::size_t from = 0;
    for (std::size_t at = bytes.find("stream", from); at != std::string::npos;
         at = bytes.find("stream", from)) {
        // A stream starts with "stream" and an end of line after its dictionary ("endstream"
        // and the word in the middle of a name do not count).
        std::size_t data = at + 6;
        if (data < bytes.size() && bytes[data] == '\r') {
            ++data;
        }
        const std::size_t before = bytes.find_last_not_of(" \t\r\n", at == 0 ? 0 : at - 1);
        if (data >= bytes.size() || bytes[data] != '\n' || before == std::string::npos ||
            before == 0 || bytes.compare(before - 1, 2, ">>") != 0) {
            text.append(bytes, from, data - from);
            from = data;
            continue;
        }
        ++data;
        const std::size_t end = bytes.find("endstream", data);
        if (end == std::string::npos) {
            return std::nullopt;
        }
        text.append(bytes, from, data - from);
        from = end + 9;
        // Its dictionary: from the object's "obj" keyword to the stream keyword.
        const std::size_t object = bytes.rfind(" obj", at);
        const std::string_view dictionary(bytes.data() + (object == std::string::npos ? 0 : object),
                                          at - (object == std::string::npos ? 0 : object));
        if (dictionary.find("/ObjStm") == std::string_view::npos) {
            continue; // pages' contents, images, fonts: no structure elements there
        }
        if (dictionary.find("/FlateDecode") == std::string_view::npos) {
            streams.append(bytes, data, end - data);
            continue;
        }
        z_stream z{};
        if (inflateInit(&z) != Z_OK) {
            return std::nullopt;
        }
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + data));
        z.avail_in = static_cast<uInt>(end - data);
        std::array<char, 65536> chunk{};
        int status = Z_OK;
        while (status == Z_OK) {
            z.next_out = reinterpret_cast<Bytef*>(chunk.data());
            z.avail_out = static_cast<uInt>(chunk.size());
            status = inflate(&z, Z_NO_FLUSH);
            streams.append(chunk.data(), chunk.size() - z.avail_out);
        }
        inflateEnd(&z);
        if (status != Z_STREAM_END) {
            return std::nullopt;
        }
        streams += '\n';
    }
    text.append(bytes, from, std::string::npos);
    return text + streams;
}

/// The positions just after each structure type "/S /<name>" (or "/S/<name>") in `text`.
std::vector<std::size_t> structure_types(const std::string& text, std::string_view name) {
    std::vector<std::size_t> out;
    for (std::size_t at = text.find("/S", 0); at != std::string::npos;
         at = text.find("/S", at + 2)) {
        std::size_t p = at + 2;
        while (p < text.size() && (text[p] == ' ' || text[p] == '\n' || text[p] == '\r')) {
            ++p;
        }
        if (p < text.size() && text[p] == '/' && text.compare(p + 1, name.size(), name) == 0) {
            const std::size_t after = p + 1 + name.size();
            // The name ends there: "/S /TR" but not "/S /TRow".
            if (after >= text.size() || std::strchr(" \t\r\n/<>[]()", text[after]) != nullptr) {
                out.push_back(after);
            }
        }
    }
    return out;
}

} // namespace

std::string institution_id(int index) {
    return fmt::format("MFI-{:05}", index);
}

std::string read_text(const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    std::string text(error ? 0 : size, '\0');
    std::ifstream in(path, std::ios::binary);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

Workload prepare_panel(const PanelSpec& spec, const std::string& words) {
    Workload work;
    work.dir = fs::temp_directory_path() / fmt::format("{}-{}", spec.folder_prefix, ::getpid());
    fs::remove_all(work.dir);
    fs::create_directories(work.dir);
    const Sample sample = read_sample(spec.root);
    if (sample.shapes.empty()) {
        return work;
    }
    const fs::path folder = template_folder(spec);
    const bool shipped = folder == fs::path(spec.root) / "templates" / spec.report;
    const fs::path staged = shipped ? folder : stage_template(spec, words, folder, work.dir);
    if (staged.empty()) {
        return work;
    }
    const fs::path csv = work.dir / "institution_years.csv";
    work.rows = write_csv(csv, sample, spec.institutions, spec.years);
    work.csv_bytes = fs::file_size(csv);
    work.config = work.dir / "report.toml";
    std::ofstream(work.config, std::ios::binary) << config_for(spec, folder, staged, work.dir, csv);
    return work;
}

std::size_t count_pages(const fs::path& pdf) {
    return read_structure(pdf).pages;
}

PdfStructure read_structure(const fs::path& pdf) {
    PdfStructure out;
    const auto text = object_text(read_text(pdf));
    if (!text) {
        return out;
    }
    const std::string needle = "/Type /Page";
    for (auto at = text->find(needle); at != std::string::npos; at = text->find(needle, at + 1)) {
        if (at + needle.size() >= text->size() || (*text)[at + needle.size()] != 's') {
            ++out.pages;
        }
    }
    out.figures = structure_types(*text, "Figure").size();
    out.table_rows = structure_types(*text, "TR").size();
    // A header row is the parent (/P n 0 R) of a TH cell, in the cell's dictionary (whose keys
    // Cairo writes after /S, and qpdf, for one, in alphabetical order).
    std::set<std::string> headers;
    for (const std::size_t after : structure_types(*text, "TH")) {
        const std::size_t open = text->rfind("<<", after);
        const std::size_t close = text->find(">>", after);
        if (open == std::string::npos || close == std::string::npos) {
            continue;
        }
        const std::string_view cell(text->data() + open, close - open);
        const std::size_t parent = cell.find("/P ");
        if (parent != std::string_view::npos) {
            const std::size_t end = cell.find('R', parent);
            headers.emplace(cell.substr(parent + 3, end == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : end - parent - 3));
        }
    }
    out.header_rows = headers.size();
    out.ok = true;
    return out;
}

} // namespace sfp::bench
