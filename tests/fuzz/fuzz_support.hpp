#pragma once
// Helpers shared by the fuzz targets that read files (config_fuzz, formula_fuzz, template_fuzz):
// a scratch folder per process, invariant checks that abort (libFuzzer then saves the input),
// and checks of the diagnostics every input must get instead of a crash.

#include "sfp/catalogue.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/encoding.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace sfp::fuzz {

[[noreturn]] inline void fail(const std::string& what, const std::string& detail = {}) {
    fmt::print(stderr, "fuzz: invariant violated: {}\n{}\n", what, detail);
    std::abort();
}

inline void expect(bool condition, const std::string& what, const std::string& detail = {}) {
    if (!condition) {
        fail(what, detail);
    }
}

/// The repository's indicator catalogue, loaded once.
inline const Catalogue& standard_catalogue() {
    static const Catalogue catalogue = [] {
        Diagnostics diagnostics;
        auto loaded =
            load_catalogue(SFPGEN_SOURCE_DIR "/data/indicators/catalogue.toml", diagnostics);
        expect(loaded.has_value(), "the standard catalogue loads");
        return std::move(*loaded);
    }();
    return catalogue;
}

/// A folder of this process's own under the temporary folder (replays may run in parallel),
/// removed at exit.
inline const std::filesystem::path& scratch() {
    static const std::filesystem::path folder = [] {
        auto path = std::filesystem::temp_directory_path() /
                    fmt::format("sfp-fuzz-{}", static_cast<long>(::getpid()));
        std::filesystem::create_directories(path);
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(scratch(), ignored);
        });
        return path;
    }();
    return folder;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    expect(static_cast<bool>(out), "cannot write the scratch file " + path.string());
}

/// The number of lines of `text` as an editor counts them (a final line without a newline
/// counts; CR, LF and CRLF all end a line, as the TOML parser may count any of them).
inline long line_count(std::string_view text) {
    long lines = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
            ++lines;
        }
    }
    return lines;
}

/// Every diagnostic names `file` at a line of it (the text has `lines` lines), has a message,
/// and is valid UTF-8 (it is printed on a terminal and written into reports). `utf8_input`
/// false: the text was not valid UTF-8, which only a direct call can pass (TOML files are
/// checked by the TOML parser), and a diagnostic may quote its bytes.
inline void check_diagnostics(const Diagnostics& diagnostics, std::size_t from,
                              const std::string& file, long lines, bool utf8_input = true) {
    const auto& items = diagnostics.items();
    for (std::size_t i = from; i < items.size(); ++i) {
        const Diagnostic& d = items[i];
        const std::string text = to_string(d);
        expect(d.where.file == file, "a diagnostic names the file read", text);
        expect(d.where.line >= 1 && d.where.line <= lines,
               fmt::format("a diagnostic's line is in the file (1..{})", lines), text);
        expect(d.where.column >= 0, "a diagnostic's column is not negative", text);
        expect(!d.message.empty(), "a diagnostic has a message", text);
        expect(!utf8_input || (!find_invalid_utf8(d.message) && !find_invalid_utf8(d.hint)),
               "diagnostics are valid UTF-8", text);
    }
}

/// `text` as a TOML basic string ("..."), every byte kept: quotes, backslashes and control
/// characters escaped. The text must be valid UTF-8 (TOML files are).
inline std::string toml_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte == 0x7F) {
            out += fmt::format("\\u{:04X}", static_cast<unsigned>(byte));
        } else {
            out += c;
        }
    }
    return out + "\"";
}

} // namespace sfp::fuzz
