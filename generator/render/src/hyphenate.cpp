#include "sfp/hyphenate.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <hyphen.h>
#include <map>
#include <mutex>
#include <vector>

namespace sfp {

namespace {

constexpr const char* hyphen_dir = "/usr/share/hyphen/";
constexpr std::string_view soft_hyphen = "\xC2\xAD";

/// The dictionary files to try for a language tag, best first.
std::vector<std::string> dictionary_candidates(std::string_view language) {
    std::string primary;
    for (const char c : language) {
        if (c == '-' || c == '_') {
            break;
        }
        if (c >= 'A' && c <= 'Z') {
            primary += static_cast<char>(c - 'A' + 'a');
        } else if (c >= 'a' && c <= 'z') {
            primary += c;
        } else {
            return {}; // not a language tag: no dictionary, never a path from the input
        }
    }
    if (primary.empty()) {
        return {};
    }
    std::vector<std::string> out;
    if (primary == "en") {
        out.emplace_back("hyph_en_US.dic");
    } else if (primary == "fr") {
        out.emplace_back("hyph_fr.dic");
    } else if (primary == "es") {
        out.emplace_back("hyph_es_ES.dic");
    }
    out.push_back("hyph_" + primary + ".dic");
    return out;
}

bool file_exists(const std::string& path) {
    const std::ifstream in(path);
    return in.good();
}

/// Decodes the code point at `text[i]` (valid UTF-8 assumed; a bad byte is returned as itself
/// with length 1) and its length in bytes.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    auto cont = [&](std::size_t k) -> char32_t {
        return i + k < text.size()
                   ? static_cast<char32_t>(static_cast<unsigned char>(text[i + k]) & 0x3Fu)
                   : 0;
    };
    if (b0 < 0x80) {
        return {b0, 1};
    }
    if ((b0 & 0xE0u) == 0xC0u && i + 1 < text.size()) {
        return {(static_cast<char32_t>(b0 & 0x1Fu) << 6) | cont(1), 2};
    }
    if ((b0 & 0xF0u) == 0xE0u && i + 2 < text.size()) {
        return {(static_cast<char32_t>(b0 & 0x0Fu) << 12) | (cont(1) << 6) | cont(2), 3};
    }
    if ((b0 & 0xF8u) == 0xF0u && i + 3 < text.size()) {
        return {(static_cast<char32_t>(b0 & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) |
                    cont(3),
                4};
    }
    return {b0, 1};
}

/// Letters of the Latin alphabets the dictionaries cover (ASCII, Latin-1, Latin Extended-A).
bool is_latin_letter(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 0xC0 && c <= 0x17F && c != 0xD7 && c != 0xF7);
}

/// Letters of scripts the Latin dictionaries do not cover.
bool is_other_script(char32_t c) {
    return (c >= 0x180 && c <= 0x1FFF) || (c >= 0x2C00 && c <= 0x2DFF) || c >= 0x3040;
}

bool is_upper(char32_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
           (c >= 0x100 && c <= 0x17F && c % 2 == 0 && c != 0x138);
}

/// Lower case with the same UTF-8 length (ASCII and Latin-1 upper case letters).
std::string lower_same_length(std::string_view word) {
    std::string out(word);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto b = static_cast<unsigned char>(out[i]);
        if (b >= 'A' && b <= 'Z') {
            out[i] = static_cast<char>(b + 32);
        } else if (b == 0xC3 && i + 1 < out.size()) {
            const auto n = static_cast<unsigned char>(out[i + 1]);
            if (n >= 0x80 && n <= 0x9E && n != 0x97) { // U+00C0..U+00DE except U+00D7
                out[i + 1] = static_cast<char>(n + 0x20);
            }
            ++i;
        }
    }
    return out;
}

/// Whether a whitespace-separated token must be left alone: numbers, words with digits, URLs,
/// e-mail addresses, identifiers.
bool is_protected_token(std::string_view token) {
    if (token.find(soft_hyphen) != std::string_view::npos) {
        return true;
    }
    for (std::size_t i = 0; i < token.size(); ++i) {
        const char c = token[i];
        if ((c >= '0' && c <= '9') || c == '@' || c == '_' || c == '/' || c == '\\' || c == '-' ||
            c == '=' || c == '#' || c == '&' || c == '%' || c == '~') {
            return true;
        }
        if ((c == '.' || c == ':') && i + 1 < token.size()) {
            const char next = token[i + 1];
            // "e.g." and "www.ilo.org": a dot followed by more than closing punctuation.
            if (next != ')' && next != ']' && next != '"' && next != '\'' && next != ',' &&
                next != ';' && next != '.') {
                return true;
            }
        }
    }
    return false;
}

/// Loaded dictionaries, shared by every Hyphenator of the process and never freed: they are
/// read-only once loaded (hnj_hyphen_hyphenate3 only reads them), so each file is parsed once
/// per process rather than once per render. (libhyphen 2.8 itself leaks a few small strings
/// while loading hyph_fr.dic and hyph_en_US.dic; tests/lsan.supp needs `leak:libhyphen.so`.)
HyphenDict* load_shared(const std::string& path) {
    static std::mutex mutex;
    // Never destroyed (not even at exit), so the dictionaries stay reachable.
    static auto* loaded =
        new std::map<std::string, HyphenDict*>; // NOLINT(cppcoreguidelines-owning-memory)
    const std::lock_guard<std::mutex> lock(mutex);
    auto found = loaded->find(path);
    if (found == loaded->end()) {
        found = loaded->emplace(path, hnj_hyphen_load(path.c_str())).first;
    }
    return found->second;
}

} // namespace

struct Hyphenator::Impl {
    HyphenDict* dict = nullptr; ///< shared, owned by load_shared
    ~Impl() = default;
    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    /// Appends `word` (letters only) to `out` with soft hyphens at the dictionary's points.
    void hyphenate_word(std::string_view word, std::size_t letters, int min_left, int min_right,
                        std::string& out) const {
        const std::string lower = lower_same_length(word);
        // For UTF-8 dictionaries libhyphen indexes `hyphens` by character, not by byte.
        std::vector<char> hyphens(lower.size() + 5, '0');
        char** rep = nullptr;
        int* pos = nullptr;
        int* cut = nullptr;
        const int failed = hnj_hyphen_hyphenate3(
            dict, lower.c_str(), static_cast<int>(lower.size()), hyphens.data(), nullptr, &rep,
            &pos, &cut, min_left, min_right, min_left, min_right);
        if (rep != nullptr) {
            // Non-standard hyphenation (replacements): not used by en/fr/es; do not break.
            for (std::size_t i = 0; i < lower.size(); ++i) {
                std::free(rep[i]); // NOLINT(cppcoreguidelines-no-malloc)
            }
            std::free(static_cast<void*>(rep)); // NOLINT(cppcoreguidelines-no-malloc)
            std::free(pos);                     // NOLINT(cppcoreguidelines-no-malloc)
            std::free(cut);                     // NOLINT(cppcoreguidelines-no-malloc)
            out += word;
            return;
        }
        if (failed != 0) {
            out += word;
            return;
        }
        std::size_t chars_seen = 0;
        for (std::size_t i = 0; i < word.size(); ++i) {
            out += word[i];
            const auto b = static_cast<unsigned char>(word[i]);
            const bool char_end =
                i + 1 >= word.size() || (static_cast<unsigned char>(word[i + 1]) & 0xC0u) != 0x80u;
            if ((b & 0xC0u) != 0x80u) {
                ++chars_seen;
            }
            if (!char_end || i + 1 >= word.size()) {
                continue;
            }
            if ((hyphens[chars_seen - 1] & 1) != 0 &&
                chars_seen >= static_cast<std::size_t>(min_left) &&
                letters - chars_seen >= static_cast<std::size_t>(min_right)) {
                out += soft_hyphen;
            }
        }
    }
};

Hyphenator::Hyphenator(std::string_view language) : impl_(std::make_unique<Impl>()) {
    for (const auto& name : dictionary_candidates(language)) {
        const std::string path = std::string(hyphen_dir) + name;
        if (file_exists(path)) {
            impl_->dict = load_shared(path);
            if (impl_->dict != nullptr) {
                break;
            }
        }
    }
}

Hyphenator::~Hyphenator() = default;

bool Hyphenator::available() const {
    return impl_ && impl_->dict != nullptr;
}

std::string Hyphenator::hyphenate(std::string_view text, int min_word, int min_left,
                                  int min_right) const {
    if (!available()) {
        return std::string(text);
    }
    min_left = std::max(min_left, 1);
    min_right = std::max(min_right, 1);
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t i = 0;
    while (i < text.size()) {
        // Copy whitespace through.
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
            out += text[i++];
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\n' &&
               text[end] != '\r') {
            ++end;
        }
        const std::string_view token = text.substr(i, end - i);
        i = end;
        if (is_protected_token(token)) {
            out += token;
            continue;
        }
        // Runs of letters inside the token are words; anything else is copied through.
        std::size_t k = 0;
        while (k < token.size()) {
            auto [c, len] = decode(token, k);
            if (!is_latin_letter(c)) {
                out += token.substr(k, len);
                k += len;
                continue;
            }
            std::size_t w = k;
            std::size_t letters = 0;
            bool all_upper = true;
            while (w < token.size()) {
                auto [cw, lw] = decode(token, w);
                if (!is_latin_letter(cw)) {
                    break;
                }
                all_upper = all_upper && is_upper(cw);
                ++letters;
                w += lw;
            }
            const std::string_view word = token.substr(k, w - k);
            // A word glued to letters of another script (Greek, Arabic...) is not a
            // dictionary word.
            bool glued_before = false;
            if (k > 0) {
                std::size_t prev = k - 1;
                while (prev > 0 && (static_cast<unsigned char>(token[prev]) & 0xC0u) == 0x80u) {
                    --prev;
                }
                glued_before = is_other_script(decode(token, prev).first);
            }
            const bool glued_after = w < token.size() && is_other_script(decode(token, w).first);
            if (letters < static_cast<std::size_t>(std::max(min_word, 1)) || all_upper ||
                glued_before || glued_after) {
                out += word;
            } else {
                impl_->hyphenate_word(word, letters, min_left, min_right, out);
            }
            k = w;
        }
    }
    return out;
}

} // namespace sfp
