// template_fuzz: libFuzzer target for report template text (sfp/message.hpp) and the template
// files (sfp/report_template.hpp).
//
// Each input is used three ways:
//   1. as a message: Message::parse, then, when it parses, format in en, fr and es with
//      arguments that are numbers, texts, missing values or unknown names;
//   2. when valid UTF-8 (TOML files are), as a text file text/en/fuzz.toml read by
//      load_text_folder, every string a message;
//   3. likewise, as the document.toml of a small template (its text folder fixed) read by
//      load_template against the standard catalogue.
// Checked: no crash, sanitizer report or exception; a message parses or gets exactly one error;
// each load succeeds iff it reported no error; every diagnostic names the file read at a line of
// it (for a message: a line of the text), has a message and is valid UTF-8; a formatted message
// from valid UTF-8 is valid UTF-8; argument positions are in the text.
// Built by the `fuzz` preset (clang++-14); template_fuzz_replay runs the corpus under ctest.

#include "fuzz_support.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/message.hpp"
#include "sfp/report_template.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace {

using sfp::fuzz::expect;
using sfp::fuzz::standard_catalogue;

/// Arguments by the first letter of their name: n... numbers (1 for "n1", else 0.5 or 3),
/// m... missing, u... unknown (nullopt), anything else a text.
std::optional<sfp::MessageArg> argument(std::string_view name) {
    if (name.empty() || name[0] == 'u') {
        return std::nullopt;
    }
    if (name[0] == 'n') {
        const double value = name == "n1" ? 1.0 : (name.size() % 2 == 0 ? 0.5 : 3.0);
        return sfp::MessageArg{fmt::format("{}", value), value, false};
    }
    if (name[0] == 'm') {
        return sfp::MessageArg{"..", std::nullopt, true};
    }
    return sfp::MessageArg{"«" + std::string(name) + "»", std::nullopt, false};
}

void check_message(const std::string& text) {
    const std::string file = "text/en/fuzz.toml";
    const long first_line = 2;
    const long lines = first_line - 1 + sfp::fuzz::line_count(text);
    sfp::Diagnostics diagnostics;
    const auto message = sfp::Message::parse(text, {file, first_line, 9}, diagnostics);
    const auto errors = diagnostics.error_count();
    expect(errors == (message ? 0U : 1U), "a message parses, or gets exactly one error");
    const bool utf8 = !sfp::find_invalid_utf8(text);
    sfp::fuzz::check_diagnostics(diagnostics, 0, file, lines, utf8);
    if (!message) {
        return;
    }
    expect(message->source() == text, "a message keeps its source text");
    for (const auto& [name, where] : message->arguments()) {
        expect(!name.empty(), "an argument has a name");
        expect(where.file == file && where.line >= first_line && where.line <= lines,
               "an argument's position is in the text");
    }
    for (const std::string language : {"en", "fr", "es"}) {
        const auto before = diagnostics.items().size();
        const std::string out = message->format(argument, language, diagnostics);
        sfp::fuzz::check_diagnostics(diagnostics, before, file, lines, utf8);
        expect(!utf8 || !sfp::find_invalid_utf8(out), "a formatted message is valid UTF-8", out);
    }
}

/// The input as one text file of a language folder.
void check_text_file(const std::string& text) {
    const auto folder = sfp::fuzz::scratch() / "text-only" / "en";
    const auto path = folder / "fuzz.toml";
    sfp::fuzz::write_file(path, text);
    sfp::TextSet texts;
    texts.language = "en";
    sfp::Diagnostics diagnostics;
    const bool ok = sfp::load_text_folder(folder.string(), texts, diagnostics);
    expect(ok != diagnostics.has_errors(), "load_text_folder is true iff no error");
    sfp::fuzz::check_diagnostics(diagnostics, 0, path.string(), sfp::fuzz::line_count(text));
    for (const auto& [key, entry] : texts.entries) {
        expect(key.rfind("fuzz.", 0) == 0, "text keys start with the file's stem", key);
        expect(entry.where.file == path.string() && entry.where.line >= 1,
               "a text's position is in its file");
    }
}

/// A template whose words are fixed and whose document.toml is the input.
void check_document(const std::string& text) {
    const auto folder = sfp::fuzz::scratch() / "template";
    static const bool texts_written = [&] {
        const std::string words = "title = \"Title {year}\"\n"
                                  "intro = \"{n_institutions, plural, one {# institution} other "
                                  "{# institutions}}\"\n"
                                  "caption = \"Caption\"\nnote = \"Note\"\n";
        for (const char* language : {"en", "fr"}) {
            sfp::fuzz::write_file(folder / "text" / language / "main.toml", words);
        }
        return true;
    }();
    (void)texts_written;
    const auto path = folder / "document.toml";
    sfp::fuzz::write_file(path, text);
    sfp::Diagnostics diagnostics;
    const auto loaded = sfp::load_template(path.string(), standard_catalogue(), diagnostics);
    expect(loaded.has_value() != diagnostics.has_errors(),
           "load_template gives a template iff it reported no error");
    for (const auto& d : diagnostics.items()) {
        // The fixed text files are valid: every diagnostic is about document.toml.
        expect(d.where.file == path.string(), "a diagnostic names document.toml",
               sfp::to_string(d));
    }
    sfp::fuzz::check_diagnostics(diagnostics, 0, path.string(), sfp::fuzz::line_count(text));
    if (loaded) {
        (void)loaded->indicators();
        (void)loaded->groupings();
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    check_message(text);
    if (!sfp::find_invalid_utf8(text)) {
        check_text_file(text);
        check_document(text);
    }
    return 0;
}
