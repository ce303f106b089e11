// Tests of encoding names and of the conversion to UTF-8 (sfp/encoding.hpp).

#include "sfp/diagnostics.hpp"
#include "sfp/encoding.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using sfp::Encoding;

/// The converted text and the first error, for one-line checks.
struct Decoded {
    std::string text;
    std::optional<sfp::DecodeError> error;
};

Decoded decode(std::string text, Encoding encoding) {
    auto error = sfp::to_utf8(text, encoding);
    return {std::move(text), error};
}

/// FNV-1a, 64 bits: a fingerprint of a whole decoded table.
std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string all_bytes() {
    std::string bytes;
    for (int byte = 0; byte < 256; ++byte) {
        bytes.push_back(static_cast<char>(byte));
    }
    return bytes;
}

const std::string replacement = "\xEF\xBF\xBD"; // U+FFFD

} // namespace

TEST_CASE("encoding: common spellings parse case-insensitively", "[encoding]") {
    CHECK(sfp::parse_encoding("utf-8") == Encoding::utf8);
    CHECK(sfp::parse_encoding("UTF8") == Encoding::utf8);
    CHECK(sfp::parse_encoding("Latin-1") == Encoding::latin1);
    CHECK(sfp::parse_encoding("latin1") == Encoding::latin1);
    CHECK(sfp::parse_encoding("ISO-8859-1") == Encoding::latin1);
    CHECK(sfp::parse_encoding("iso8859-1") == Encoding::latin1);
    CHECK(sfp::parse_encoding("Windows-1252") == Encoding::windows1252);
    CHECK(sfp::parse_encoding("cp1252") == Encoding::windows1252);
    CHECK(sfp::parse_encoding("CP437") == Encoding::cp437);
    CHECK(sfp::parse_encoding("ibm437") == Encoding::cp437);
    CHECK(sfp::parse_encoding("cp850") == Encoding::cp850);
    CHECK(sfp::parse_encoding("IBM850") == Encoding::cp850);
}

TEST_CASE("encoding: unknown names are rejected and get a did-you-mean hint", "[encoding]") {
    CHECK_FALSE(sfp::parse_encoding("").has_value());
    CHECK_FALSE(sfp::parse_encoding("utf-16").has_value());
    CHECK_FALSE(sfp::parse_encoding("cp852").has_value());
    CHECK_FALSE(sfp::parse_encoding("utf-8 ").has_value());
    CHECK(sfp::did_you_mean("cp852", sfp::encoding_names()) == "did you mean 'cp850'?");
    CHECK(sfp::did_you_mean("windows1252", sfp::encoding_names()) ==
          "did you mean 'windows-1252'?");
}

TEST_CASE("encoding: canonical names round-trip and come first in encoding_names()", "[encoding]") {
    const std::vector<Encoding> all{Encoding::utf8, Encoding::latin1, Encoding::windows1252,
                                    Encoding::cp437, Encoding::cp850};
    const auto names = sfp::encoding_names();
    REQUIRE(names.size() >= all.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto name = sfp::encoding_name(all[i]);
        CHECK(sfp::parse_encoding(name) == all[i]);
        CHECK(names[i] == name);
    }
    CHECK(sfp::encoding_name(Encoding::utf8) == "utf-8");
    CHECK(sfp::encoding_name(Encoding::windows1252) == "windows-1252");
    for (const auto& name : names) {
        CHECK(sfp::parse_encoding(name).has_value());
    }
}

TEST_CASE("encoding: known bytes of each code page", "[encoding]") {
    CHECK(decode("\x82", Encoding::cp850).text == "\xC3\xA9");           // é U+00E9
    CHECK(decode("\x82", Encoding::cp437).text == "\xC3\xA9");           // é U+00E9
    CHECK(decode("\x9B", Encoding::cp437).text == "\xC2\xA2");           // ¢ U+00A2
    CHECK(decode("\x9B", Encoding::cp850).text == "\xC3\xB8");           // ø U+00F8
    CHECK(decode("\x80", Encoding::windows1252).text == "\xE2\x82\xAC"); // € U+20AC
    CHECK(decode("\x93", Encoding::windows1252).text == "\xE2\x80\x9C"); // “ U+201C
    CHECK(decode("\xE9", Encoding::latin1).text == "\xC3\xA9");          // é U+00E9
    CHECK(decode("\xB0", Encoding::cp437).text == "\xE2\x96\x91");       // ░ U+2591
    CHECK(decode("\xD5", Encoding::cp850).text == "\xC4\xB1");           // ı U+0131
    CHECK(decode("\xE1", Encoding::cp437).text == "\xC3\x9F");           // ß U+00DF
    CHECK(decode("\xFF", Encoding::cp850).text == "\xC2\xA0");           // no-break space
    CHECK(decode("\x81", Encoding::latin1).text == "\xC2\x81");          // a C1 control
}

TEST_CASE("encoding: every byte of each code page matches Python's codec", "[encoding]") {
    // Reference: bytes(range(256)).decode(codec, 'replace').encode('utf-8') in Python 3.11;
    // its length and FNV-1a hash check all 256 entries of each table at once.
    struct Expected {
        Encoding encoding;
        std::size_t size;
        std::uint64_t hash;
    };
    const std::vector<Expected> tables{
        {Encoding::latin1, 384, 0x73C4651F941FDC25ULL},
        {Encoding::windows1252, 406, 0x634E6EA7A4E5A387ULL},
        {Encoding::cp437, 446, 0xFE877E1BA92B88FBULL},
        {Encoding::cp850, 414, 0x74BB9629552DBBE3ULL},
    };
    for (const auto& table : tables) {
        CAPTURE(sfp::encoding_name(table.encoding));
        const auto decoded = decode(all_bytes(), table.encoding);
        CHECK(decoded.text.size() == table.size);
        CHECK(fnv1a(decoded.text) == table.hash);
        CHECK_FALSE(sfp::find_invalid_utf8(decoded.text).has_value());
        CHECK(decoded.text.substr(0, 128) == all_bytes().substr(0, 128)); // ASCII unchanged
    }
}

TEST_CASE("encoding: a DOS name decodes in a longer text", "[encoding]") {
    const auto decoded = decode("Caisse d'\x90pargne de cr\x82"
                                "dit, S\x82gou",
                                Encoding::cp850);
    CHECK(decoded.text == "Caisse d'\xC3\x89pargne de cr\xC3\xA9"
                          "dit, S\xC3\xA9gou");
    CHECK_FALSE(decoded.error.has_value());
}

TEST_CASE("encoding: windows-1252's five undefined bytes become U+FFFD and the first is "
          "reported",
          "[encoding]") {
    for (const int byte : {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
        CAPTURE(byte);
        const auto decoded =
            decode(std::string("ab") + static_cast<char>(byte), Encoding::windows1252);
        CHECK(decoded.text == "ab" + replacement);
        REQUIRE(decoded.error.has_value());
        CHECK(decoded.error->offset == 2);
        CHECK(decoded.error->byte == byte);
    }
    const auto decoded = decode("\x80x\x81y\x8Dz", Encoding::windows1252);
    CHECK(decoded.text == "\xE2\x82\xAC"
                          "x" +
                              replacement + "y" + replacement + "z");
    REQUIRE(decoded.error.has_value());
    CHECK(decoded.error->offset == 2); // the first of the two
    CHECK(decoded.error->byte == 0x81);
}

TEST_CASE("encoding: the other code pages decode every byte", "[encoding]") {
    for (const auto encoding : {Encoding::latin1, Encoding::cp437, Encoding::cp850}) {
        CHECK_FALSE(decode(all_bytes(), encoding).error.has_value());
    }
}

TEST_CASE("encoding: ASCII is left as it is in every encoding, NUL and controls included",
          "[encoding]") {
    const std::string ascii = std::string("id,name\0\t\r\n", 11) + std::string(100, 'x');
    for (const auto encoding : {Encoding::utf8, Encoding::latin1, Encoding::windows1252,
                                Encoding::cp437, Encoding::cp850}) {
        const auto decoded = decode(ascii, encoding);
        CHECK(decoded.text == ascii);
        CHECK_FALSE(decoded.error.has_value());
    }
    CHECK(sfp::is_ascii(ascii));
    CHECK(sfp::is_ascii(""));
    CHECK_FALSE(sfp::is_ascii("abcdefghijklmnop\x80"));
}

TEST_CASE("encoding: a high byte is found at every position around the 8-byte steps",
          "[encoding]") {
    for (std::size_t at = 0; at < 40; ++at) {
        CAPTURE(at);
        std::string text(41, 'a');
        text[at] = '\x82';
        CHECK_FALSE(sfp::is_ascii(text));
        const auto utf8 = decode(text, Encoding::utf8);
        REQUIRE(utf8.error.has_value());
        CHECK(utf8.error->offset == at);
        CHECK(utf8.error->byte == 0x82);
        CHECK(utf8.text == std::string(at, 'a') + replacement + std::string(40 - at, 'a'));
        const auto cp850 = decode(text, Encoding::cp850);
        CHECK_FALSE(cp850.error.has_value());
        CHECK(cp850.text == std::string(at, 'a') + "\xC3\xA9" + std::string(40 - at, 'a'));
    }
}

TEST_CASE("encoding: valid UTF-8 of every length is kept unchanged", "[encoding]") {
    const std::vector<std::string> valid{
        "caf\xC3\xA9",                       // é, 2 bytes
        "\xE2\x82\xAC 12",                   // €, 3 bytes
        "\xF0\x9F\x98\x80",                  // U+1F600, 4 bytes
        "\xC2\x80",                          // U+0080, the smallest 2-byte form
        "\xE0\xA0\x80",                      // U+0800, the smallest 3-byte form
        "\xED\x9F\xBF",                      // U+D7FF, just below the surrogates
        "\xEE\x80\x80",                      // U+E000, just above them
        "\xEF\xBF\xBD",                      // U+FFFD
        "\xF0\x90\x80\x80",                  // U+10000, the smallest 4-byte form
        "\xF4\x8F\xBF\xBF",                  // U+10FFFF, the largest code point
        std::string("a\0b", 3),              // U+0000 is valid
        std::string("\xEF\xBB\xBF") + "bom", // a byte order mark inside a field is U+FEFF
    };
    for (const auto& text : valid) {
        CAPTURE(text);
        const auto decoded = decode(text, Encoding::utf8);
        CHECK(decoded.text == text);
        CHECK_FALSE(decoded.error.has_value());
        CHECK_FALSE(sfp::find_invalid_utf8(text).has_value());
    }
}

TEST_CASE("encoding: invalid UTF-8 is reported at the first bad sequence's first byte",
          "[encoding]") {
    struct Case {
        const char* what;
        std::string text;
        std::size_t offset;
        unsigned char byte;
        std::string repaired;
    };
    const std::string r = replacement;
    const std::vector<Case> cases{
        {"cp850 é", "caf\x82", 3, 0x82, "caf" + r},
        {"stray continuation",
         "\x80"
         "abc",
         0, 0x80, r + "abc"},
        {"overlong 2-byte NUL", "x\xC0\x80", 1, 0xC0, "x" + r + r},
        {"overlong C1", "\xC1\xBF", 0, 0xC1, r + r},
        {"overlong 3-byte", "\xE0\x80\x80", 0, 0xE0, r + r + r},
        {"overlong 3-byte, top", "\xE0\x9F\xBF", 0, 0xE0, r + r + r},
        {"overlong 4-byte", "\xF0\x8F\xBF\xBF", 0, 0xF0, r + r + r + r},
        {"surrogate D800", "ab\xED\xA0\x80", 2, 0xED, "ab" + r + r + r},
        {"surrogate DFFF", "\xED\xBF\xBF", 0, 0xED, r + r + r},
        {"above U+10FFFF", "\xF4\x90\x80\x80", 0, 0xF4, r + r + r + r},
        {"F5 lead", "\xF5\x80\x80\x80", 0, 0xF5, r + r + r + r},
        {"FF", "ok\xFF", 2, 0xFF, "ok" + r},
        {"truncated at the end", "abc\xE2\x82", 3, 0xE2, "abc" + r},
        {"truncated 4-byte at the end", "\xF0\x9F\x98", 0, 0xF0, r},
        {"truncated before ASCII",
         "\xE2\x82"
         "A",
         0, 0xE2, r + "A"},
        {"lead then lead", "\xC3\xC3\xA9", 0, 0xC3, r + "\xC3\xA9"},
        {"after valid text", "\xC3\xA9\xE2\x82\xAC\x93", 5, 0x93, "\xC3\xA9\xE2\x82\xAC" + r},
        // The Unicode standard's example for U+FFFD substitution (Table 3-8).
        {"Unicode table 3-8", "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", 1, 0xF1,
         "a" + r + r + r + "b" + r + "c" + r + r + "d"},
    };
    for (const auto& item : cases) {
        CAPTURE(item.what);
        const auto decoded = decode(item.text, Encoding::utf8);
        REQUIRE(decoded.error.has_value());
        CHECK(decoded.error->offset == item.offset);
        CHECK(decoded.error->byte == item.byte);
        CHECK(decoded.text == item.repaired);
        CHECK_FALSE(sfp::find_invalid_utf8(decoded.text).has_value());
        const auto found = sfp::find_invalid_utf8(item.text);
        REQUIRE(found.has_value());
        CHECK(found->offset == item.offset);
    }
}
