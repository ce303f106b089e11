// The process's deflateInit_ (sfp/pdf_deflate.hpp): a request for zlib's default level gets
// the fast level cairo's PDF streams are written with; other levels and deflateInit2 are as
// zlib makes them.

#include "sfp/pdf_deflate.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <zlib.h>

namespace {

/// Some text like a PDF page's operators, long enough for the levels to differ.
std::string page_like_text() {
    std::string text;
    for (int i = 0; i < 400; ++i) {
        text += "/TD << /MCID " + std::to_string(i) + " >> BDC\nBT\n8 0 0 -8 65 " +
                std::to_string(182 + i * 24) + ".0898 Tm\n/f-0-0 1 Tf\n[(zer)22(o)-19(-den" +
                std::string(1, static_cast<char>('a' + i % 26)) + "ominator)]TJ\nET\nEMC\n";
    }
    return text;
}

/// `text` deflated by a stream that `init` set up.
template <typename Init> std::string deflated(const std::string& text, Init init) {
    z_stream stream{};
    REQUIRE(init(stream) == Z_OK);
    std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
    // zlib's API is not const-correct: it only reads next_in.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

std::string with_level2(const std::string& text, int level) {
    return deflated(text, [level](z_stream& s) {
        return deflateInit2(&s, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    });
}

} // namespace

TEST_CASE("pdf deflate: the process's deflateInit is the renderer's", "[pdf-deflate]") {
    CHECK(sfp::fast_pdf_deflate());
}

TEST_CASE("pdf deflate: the default level is the fast one, other levels are kept",
          "[pdf-deflate]") {
    const std::string text = page_like_text();
    const std::string fast = with_level2(text, sfp::pdf_deflate_level);
    const std::string six = with_level2(text, 6);
    REQUIRE(fast != six); // the levels compress this text differently
    // What cairo asks for: zlib's default.
    CHECK(deflated(text, [](z_stream& s) { return deflateInit(&s, Z_DEFAULT_COMPRESSION); }) ==
          fast);
    // An explicit level is zlib's own.
    CHECK(deflated(text, [](z_stream& s) { return deflateInit(&s, 6); }) == six);
    CHECK(deflated(text, [](z_stream& s) { return deflateInit(&s, 9); }) == with_level2(text, 9));
    // What comes out inflates back to the text.
    std::string back(text.size(), '\0');
    uLongf size = static_cast<uLongf>(back.size());
    REQUIRE(uncompress(reinterpret_cast<Bytef*>(back.data()), &size,
                       reinterpret_cast<const Bytef*>(fast.data()),
                       static_cast<uLong>(fast.size())) == Z_OK);
    CHECK(back == text);
}
