#pragma once
/// Dictionary hyphenation for justified text: libhyphen (the LibreOffice/Hunspell hyphenator)
/// with the pattern files of Debian's hyphen-en-us, hyphen-fr and hyphen-es packages
/// (/usr/share/hyphen/hyph_en_US.dic, hyph_fr.dic, hyph_es_ES.dic). Pango has no dictionary
/// hyphenation of its own but breaks at soft hyphens (U+00AD) and draws a hyphen there, so
/// hyphenation means inserting soft hyphens before layout.

#include <memory>
#include <string>
#include <string_view>

namespace sfp {

class Hyphenator {
public:
    /// Loads the dictionary for `language` ("en", "fr", "es"; a region suffix such as "fr-CH"
    /// is ignored). When no dictionary is found, hyphenate() returns its input unchanged and
    /// available() is false (the renderer then just does not hyphenate; never an error).
    explicit Hyphenator(std::string_view language);
    ~Hyphenator();
    Hyphenator(const Hyphenator&) = delete;
    Hyphenator& operator=(const Hyphenator&) = delete;

    [[nodiscard]] bool available() const;

    /// `text` with U+00AD inserted at the dictionary's break points of each word of at least
    /// `min_word` letters, leaving `min_left` letters before the first and `min_right` after
    /// the last break. Numbers, words with digits, URLs, e-mail addresses, identifiers with
    /// '-', '_', '/' or '.', and ALL-CAPS abbreviations are left alone; so are words that
    /// already contain a soft hyphen. Valid UTF-8 in, valid UTF-8 out (letters outside the
    /// dictionary's alphabet end a word).
    [[nodiscard]] std::string hyphenate(std::string_view text, int min_word = 6, int min_left = 2,
                                        int min_right = 3) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace sfp
