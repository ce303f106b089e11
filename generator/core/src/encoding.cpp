#include "sfp/encoding.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace sfp {

namespace {

/// Upper halves (bytes 0x80-0xFF) of the code pages, as Unicode code points; 0 = no character.
/// Generated from Python's codecs (cp437, cp850, cp1252), which follow the Unicode Consortium's
/// mapping files.
using HighHalf = std::array<char16_t, 128>;

constexpr HighHalf cp437_high{
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, // 0x80
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5, // 0x88
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, // 0x90
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, // 0x98
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, // 0xA0
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB, // 0xA8
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, // 0xB0
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510, // 0xB8
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, // 0xC0
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, // 0xC8
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, // 0xD0
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580, // 0xD8
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, // 0xE0
    0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229, // 0xE8
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, // 0xF0
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0, // 0xF8
};

constexpr HighHalf cp850_high{
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, // 0x80
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5, // 0x88
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, // 0x90
    0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8, 0x00D7, 0x0192, // 0x98
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, // 0xA0
    0x00BF, 0x00AE, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB, // 0xA8
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00C1, 0x00C2, 0x00C0, // 0xB0
    0x00A9, 0x2563, 0x2551, 0x2557, 0x255D, 0x00A2, 0x00A5, 0x2510, // 0xB8
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x00E3, 0x00C3, // 0xC0
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x00A4, // 0xC8
    0x00F0, 0x00D0, 0x00CA, 0x00CB, 0x00C8, 0x0131, 0x00CD, 0x00CE, // 0xD0
    0x00CF, 0x2518, 0x250C, 0x2588, 0x2584, 0x00A6, 0x00CC, 0x2580, // 0xD8
    0x00D3, 0x00DF, 0x00D4, 0x00D2, 0x00F5, 0x00D5, 0x00B5, 0x00FE, // 0xE0
    0x00DE, 0x00DA, 0x00DB, 0x00D9, 0x00FD, 0x00DD, 0x00AF, 0x00B4, // 0xE8
    0x00AD, 0x00B1, 0x2017, 0x00BE, 0x00B6, 0x00A7, 0x00F7, 0x00B8, // 0xF0
    0x00B0, 0x00A8, 0x00B7, 0x00B9, 0x00B3, 0x00B2, 0x25A0, 0x00A0, // 0xF8
};

constexpr HighHalf windows1252_high{
    0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 0x80
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000, // 0x88
    0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 0x90
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178, // 0x98
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7, // 0xA0
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF, // 0xA8
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, // 0xB0
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF, // 0xB8
    0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7, // 0xC0
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF, // 0xC8
    0x00D0, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7, // 0xD0
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF, // 0xD8
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7, // 0xE0
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF, // 0xE8
    0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7, // 0xF0
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF, // 0xF8
};

constexpr HighHalf latin1_high = [] {
    HighHalf high{};
    for (std::size_t i = 0; i < high.size(); ++i) {
        high[i] = static_cast<char16_t>(0x80 + i);
    }
    return high;
}();

/// One byte's UTF-8 form: 1 to 3 bytes (every code page character is in the BMP).
struct Utf8Bytes {
    std::uint8_t length = 0;
    bool defined = false; ///< false: no character, `bytes` hold U+FFFD
    std::array<char, 3> bytes{};
};

constexpr Utf8Bytes encode(char32_t code_point) {
    Utf8Bytes out;
    out.defined = true;
    if (code_point < 0x80) {
        out.length = 1;
        out.bytes[0] = static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out.length = 2;
        out.bytes[0] = static_cast<char>(0xC0 | (code_point >> 6));
        out.bytes[1] = static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out.length = 3;
        out.bytes[0] = static_cast<char>(0xE0 | (code_point >> 12));
        out.bytes[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out.bytes[2] = static_cast<char>(0x80 | (code_point & 0x3F));
    }
    return out;
}

constexpr char32_t replacement_character = 0xFFFD;
constexpr std::string_view replacement_utf8 = "\xEF\xBF\xBD";

/// The full 256-entry table: ASCII is identity, the upper half comes from `high`.
using CodePage = std::array<Utf8Bytes, 256>;

constexpr CodePage make_code_page(const HighHalf& high) {
    CodePage page{};
    for (std::size_t byte = 0; byte < 0x80; ++byte) {
        page[byte] = encode(static_cast<char32_t>(byte));
    }
    for (std::size_t i = 0; i < high.size(); ++i) {
        if (high[i] == 0) {
            page[0x80 + i] = encode(replacement_character);
            page[0x80 + i].defined = false;
        } else {
            page[0x80 + i] = encode(high[i]);
        }
    }
    return page;
}

constexpr CodePage latin1_page = make_code_page(latin1_high);
constexpr CodePage windows1252_page = make_code_page(windows1252_high);
constexpr CodePage cp437_page = make_code_page(cp437_high);
constexpr CodePage cp850_page = make_code_page(cp850_high);

struct Spelling {
    std::string_view name;
    Encoding encoding;
};

/// Canonical names first (encoding_names() keeps this order).
constexpr std::array<Spelling, 12> spellings{{
    {"utf-8", Encoding::utf8},
    {"latin-1", Encoding::latin1},
    {"windows-1252", Encoding::windows1252},
    {"cp437", Encoding::cp437},
    {"cp850", Encoding::cp850},
    {"utf8", Encoding::utf8},
    {"latin1", Encoding::latin1},
    {"iso-8859-1", Encoding::latin1},
    {"iso8859-1", Encoding::latin1},
    {"cp1252", Encoding::windows1252},
    {"ibm437", Encoding::cp437},
    {"ibm850", Encoding::cp850},
}};

bool iequals(std::string_view a, std::string_view b) {
    const auto lower = [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == y; });
}

/// Index of the first byte >= 0x80 at or after `from`, or `text.size()`. Eight bytes at a time.
std::size_t skip_ascii(std::string_view text, std::size_t from) {
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    std::size_t at = from;
    while (text.size() - at >= 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + at, sizeof word);
        if ((word & high_bits) != 0) {
            break;
        }
        at += 8;
    }
    while (at < text.size() && static_cast<unsigned char>(text[at]) < 0x80) {
        ++at;
    }
    return at;
}

/// Length of the valid UTF-8 sequence at `text[at]` (a byte >= 0x80), or 0 when it is invalid;
/// then `invalid` is the length of its maximal invalid subpart (the lead byte and the
/// continuation bytes that were still acceptable), at least 1.
std::size_t sequence_length(std::string_view text, std::size_t at, std::size_t& invalid) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    const std::size_t available = text.size() - at;
    const unsigned char lead = byte(0);
    std::size_t continuations = 0;
    unsigned char low = 0x80; // the range of the second byte
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuations = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuations = 2;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // E0 80-9F would be overlong
        high = lead == 0xED ? 0x9F : 0xBF; // ED A0-BF would be a surrogate
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuations = 3;
        low = lead == 0xF0 ? 0x90 : 0x80;  // F0 80-8F would be overlong
        high = lead == 0xF4 ? 0x8F : 0xBF; // F4 90+ would be above U+10FFFF
    } else {
        invalid = 1; // a stray continuation byte, C0/C1 (overlong) or F5-FF
        return 0;
    }
    if (available < 2 || byte(1) < low || byte(1) > high) {
        invalid = 1;
        return 0;
    }
    for (std::size_t i = 2; i <= continuations; ++i) {
        if (available <= i || byte(i) < 0x80 || byte(i) > 0xBF) {
            invalid = i;
            return 0;
        }
    }
    return continuations + 1;
}

/// Rebuilds `text` from `first_bad` on with each maximal invalid subpart replaced by U+FFFD.
void repair_utf8(std::string& text, std::size_t first_bad) {
    std::string out;
    out.reserve(text.size() + 16);
    out.append(text, 0, first_bad);
    std::size_t at = first_bad;
    while (at < text.size()) {
        const std::size_t ascii_end = skip_ascii(text, at);
        out.append(text, at, ascii_end - at);
        at = ascii_end;
        if (at == text.size()) {
            break;
        }
        std::size_t invalid = 0;
        const std::size_t length = sequence_length(text, at, invalid);
        if (length == 0) {
            out += replacement_utf8;
            at += invalid;
        } else {
            out.append(text, at, length);
            at += length;
        }
    }
    text.swap(out);
}

/// Decodes through a single-byte code page, in place: a forward pass measures the output and
/// finds the first undefined byte, then a backward pass writes it (the output is never shorter
/// than the input, so each byte is read before its position is overwritten).
std::optional<DecodeError> decode_code_page(std::string& text, const CodePage& page) {
    const std::size_t first_high = skip_ascii(text, 0);
    if (first_high == text.size()) {
        return std::nullopt;
    }
    std::optional<DecodeError> error;
    std::size_t output_size = first_high;
    for (std::size_t i = first_high; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const Utf8Bytes& utf8 = page[byte];
        output_size += utf8.length;
        if (!utf8.defined && !error) {
            error = DecodeError{i, byte};
        }
    }
    std::size_t read = text.size();
    text.resize(output_size);
    char* const data = text.data();
    std::size_t write = output_size;
    while (read > first_high) {
        --read;
        const Utf8Bytes& utf8 = page[static_cast<unsigned char>(data[read])];
        write -= utf8.length;
        std::memcpy(data + write, utf8.bytes.data(), utf8.length);
    }
    return error;
}

} // namespace

std::optional<Encoding> parse_encoding(std::string_view name) {
    for (const auto& spelling : spellings) {
        if (iequals(name, spelling.name)) {
            return spelling.encoding;
        }
    }
    return std::nullopt;
}

std::string_view encoding_name(Encoding encoding) {
    switch (encoding) {
    case Encoding::utf8:
        return "utf-8";
    case Encoding::latin1:
        return "latin-1";
    case Encoding::windows1252:
        return "windows-1252";
    case Encoding::cp437:
        return "cp437";
    case Encoding::cp850:
        return "cp850";
    }
    return "unknown";
}

std::vector<std::string> encoding_names() {
    std::vector<std::string> names;
    names.reserve(spellings.size());
    for (const auto& spelling : spellings) {
        names.emplace_back(spelling.name);
    }
    return names;
}

bool is_ascii(std::string_view text) {
    return skip_ascii(text, 0) == text.size();
}

std::optional<DecodeError> find_invalid_utf8(std::string_view text) {
    std::size_t at = 0;
    for (;;) {
        at = skip_ascii(text, at);
        if (at == text.size()) {
            return std::nullopt;
        }
        std::size_t invalid = 0;
        const std::size_t length = sequence_length(text, at, invalid);
        if (length == 0) {
            return DecodeError{at, static_cast<unsigned char>(text[at])};
        }
        at += length;
    }
}

std::optional<DecodeError> to_utf8(std::string& text, Encoding encoding) {
    switch (encoding) {
    case Encoding::utf8: {
        const auto error = find_invalid_utf8(text);
        if (error) {
            repair_utf8(text, error->offset);
        }
        return error;
    }
    case Encoding::latin1:
        return decode_code_page(text, latin1_page);
    case Encoding::windows1252:
        return decode_code_page(text, windows1252_page);
    case Encoding::cp437:
        return decode_code_page(text, cp437_page);
    case Encoding::cp850:
        return decode_code_page(text, cp850_page);
    }
    return std::nullopt;
}

} // namespace sfp
