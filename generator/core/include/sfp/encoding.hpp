#pragma once
/// Text encodings of data files, and their conversion to UTF-8 (the only encoding used past the
/// loader). Real panels mix UTF-8 with Latin-1 and old DOS code pages, so each data source
/// declares its encoding and the CSV reader decodes every field.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// The encodings a data file may declare. All are ASCII-compatible: bytes 0x00-0x7F are ASCII,
/// so a CSV reader can split records and fields before decoding.
enum class Encoding {
    utf8,        ///< UTF-8 (the default): validated, never reinterpreted
    latin1,      ///< ISO-8859-1: byte = code point, every byte decodes
    windows1252, ///< Windows-1252: 0x81 0x8D 0x8F 0x90 0x9D have no character
    cp437,       ///< IBM PC / MS-DOS code page 437 (US)
    cp850,       ///< MS-DOS code page 850 (Western Europe, Francophone Africa)
};

/// The encoding named `name`, case-insensitively: "utf-8", "utf8", "latin-1", "latin1",
/// "iso-8859-1", "iso8859-1", "windows-1252", "cp1252", "cp437", "ibm437", "cp850", "ibm850".
/// Returns nullopt for any other name (see encoding_names() for a did-you-mean hint).
[[nodiscard]] std::optional<Encoding> parse_encoding(std::string_view name);

/// The canonical name, as written in a config file: "utf-8", "latin-1", "windows-1252",
/// "cp437", "cp850".
[[nodiscard]] std::string_view encoding_name(Encoding encoding);

/// Every spelling parse_encoding() accepts, lowercase, canonical names first: the candidates
/// for did_you_mean().
[[nodiscard]] std::vector<std::string> encoding_names();

/// The first byte that could not be decoded.
struct DecodeError {
    std::size_t offset = 0; ///< position of the byte in the input, from 0
    unsigned char byte = 0; ///< its value (for invalid UTF-8: the first byte of the sequence)
};

/// Converts `text` from `encoding` to UTF-8, in place.
///
/// For UTF-8 the text is validated: overlong forms, surrogates (U+D800-U+DFFF), code points
/// above U+10FFFF, stray continuation bytes and truncated sequences are invalid. For the code
/// pages every byte goes through a 256-entry table. Each undecodable byte (for UTF-8: each
/// maximal invalid subsequence, as the Unicode standard recommends) becomes U+FFFD, and the
/// first one is returned; nullopt means the text decoded cleanly. Pure ASCII is checked
/// 8 bytes at a time and left untouched.
///
/// Example: to_utf8(s = "caf\x82", Encoding::cp850) gives s == "caf\xC3\xA9" ("café").
std::optional<DecodeError> to_utf8(std::string& text, Encoding encoding);

/// True when every byte of `text` is below 0x80 (then it reads the same in every encoding).
[[nodiscard]] bool is_ascii(std::string_view text);

/// The first invalid UTF-8 sequence in `text`, or nullopt when `text` is valid UTF-8.
[[nodiscard]] std::optional<DecodeError> find_invalid_utf8(std::string_view text);

} // namespace sfp
