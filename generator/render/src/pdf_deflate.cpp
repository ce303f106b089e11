// zlib's deflateInit for cairo's PDF streams: see sfp/pdf_deflate.hpp.
#include "sfp/pdf_deflate.hpp"

#include <dlfcn.h>
#include <zlib.h>

extern "C" int deflateInit_(z_streamp stream, int level, const char* version, int stream_size) {
    if (level == Z_DEFAULT_COMPRESSION) {
        level = sfp::pdf_deflate_level;
    }
    // What zlib's own deflateInit_ does (deflate.c): deflateInit2_ with a 32 kB window, memory
    // level 8 and the default strategy.
    constexpr int memory_level = 8;
    return deflateInit2_(stream, level, Z_DEFLATED, MAX_WBITS, memory_level, Z_DEFAULT_STRATEGY,
                         version, stream_size);
}

namespace sfp {

bool fast_pdf_deflate() {
    using DeflateInit = int (*)(z_streamp, int, const char*, int);
    const DeflateInit ours = &deflateInit_;
    return dlsym(RTLD_DEFAULT, "deflateInit_") == reinterpret_cast<void*>(ours);
}

void detail::link_pdf_deflate() noexcept {}

} // namespace sfp
