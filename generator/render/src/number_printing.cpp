// snprintf for cairo's numbers: see sfp/number_printing.hpp. No fortified inline wrappers here:
// this file defines the functions they would wrap.
#undef _FORTIFY_SOURCE
#include "sfp/number_printing.hpp"

#include <array>
#include <cfenv>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <langinfo.h>
#include <system_error>

extern "C" int __vsnprintf_chk(char* s, std::size_t maxlen, int flag, std::size_t slen,
                               const char* format, std::va_list ap);

namespace {

/// Writes the characters in [from, to) and a terminating NUL into `buffer` of `size` bytes;
/// false (nothing written) when they do not fit.
bool put(char* buffer, std::size_t size, const char* from, const char* to, int& length) {
    const auto n = static_cast<std::size_t>(to - from);
    if (n + 1 > size) {
        return false;
    }
    std::memcpy(buffer, from, n);
    buffer[n] = '\0';
    length = static_cast<int>(n);
    return true;
}

/// `value` in fixed point with `precision` decimals when |value| x 10^precision is under 2^52
/// (cairo's coordinates, colours and matrices), exactly as glibc writes it: the exact binary
/// value rounded to nearest, ties to even. p = |value| x 10^precision rounded, and e, what the
/// rounding lost, exact by fma; p's nearest integer is the answer unless p is halfway between
/// two, where e decides (none: the even one). False (nothing written) otherwise.
bool print_fixed_exact(char* buffer, std::size_t size, double value, int precision, int& length) {
    static constexpr std::array<double, 18> powers{1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                                   1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
    if (precision >= static_cast<int>(powers.size())) {
        return false;
    }
    const double scale = powers[static_cast<std::size_t>(precision)];
    const double magnitude = std::fabs(value);
    const double p = magnitude * scale;
    if (!(p < 0x1p52)) {
        return false;
    }
    const double e = std::fma(magnitude, scale, -p);
    const double r = std::nearbyint(p);
    auto units = static_cast<std::uint64_t>(r);
    if (p - r == 0.5 && e > 0) {
        ++units;
    } else if (p - r == -0.5 && e < 0) {
        --units;
    }
    // Digits from the right: the decimals, then the integer part (at least "0").
    char digits[40];
    char* end = digits + sizeof digits;
    char* out = end;
    for (int d = 0; d < precision; ++d) {
        *--out = static_cast<char>('0' + units % 10);
        units /= 10;
    }
    if (precision > 0) {
        *--out = '.';
    }
    do {
        *--out = static_cast<char>('0' + units % 10);
        units /= 10;
    } while (units != 0);
    if (std::signbit(value)) {
        *--out = '-';
    }
    return put(buffer, size, out, end, length);
}

/// The fast path: true with `buffer` written and `length` set when `format` is one it handles,
/// false (nothing read from `args` for good, nothing written) otherwise.
bool print_fast(char* buffer, std::size_t size, const char* format, std::va_list args,
                int& length) {
    if (format[0] != '%') {
        return false;
    }
    const char* f = format + 1;
    std::va_list ap;
    va_copy(ap, args);
    bool done = false;
    int precision = -1;
    if (f[0] == 'd' && f[1] == '\0') {
        const int value = va_arg(ap, int);
        char digits[16];
        const auto out = std::to_chars(digits, digits + sizeof digits, value);
        done = put(buffer, size, digits, out.ptr, length);
    } else if (f[0] == 'f' && f[1] == '\0') {
        precision = 6;
    } else if (f[0] == '.' && f[1] == '*' && f[2] == 'f' && f[3] == '\0') {
        precision = va_arg(ap, int);
    } else if (f[0] == '.' && f[1] >= '0' && f[1] <= '9') {
        int p = 0;
        for (++f; *f >= '0' && *f <= '9' && p < 100; ++f) {
            p = p * 10 + (*f - '0');
        }
        precision = f[0] == 'f' && f[1] == '\0' ? p : -1;
    }
    if (precision >= 0 && precision <= 40) {
        const double value = va_arg(ap, double);
        // The current locale's decimal point, as localeconv() gives it, without filling a
        // whole struct lconv for every number.
        const char* point = nl_langinfo(RADIXCHAR);
        // glibc rounds in the current rounding mode; both ways below round to nearest.
        if (std::isfinite(value) && point[0] == '.' && point[1] == '\0' &&
            std::fegetround() == FE_TONEAREST) {
            done = print_fixed_exact(buffer, size, value, precision, length);
            if (!done) {
                // Up to 309 integer digits, a point and 40 decimals.
                char digits[360];
                const auto out = std::to_chars(digits, digits + sizeof digits, value,
                                               std::chars_format::fixed, precision);
                done = out.ec == std::errc() && put(buffer, size, digits, out.ptr, length);
            }
        }
    }
    va_end(ap);
    return done;
}

} // namespace

extern "C" int snprintf(char* buffer, std::size_t size, const char* format, ...) {
    std::va_list args;
    va_start(args, format);
    int length = 0;
    if (!print_fast(buffer, size, format, args, length)) {
        length = std::vsnprintf(buffer, size, format, args);
    }
    va_end(args);
    return length;
}

extern "C" int __snprintf_chk(char* buffer, std::size_t size, int flag, std::size_t slen,
                              const char* format, ...) {
    std::va_list args;
    va_start(args, format);
    int length = 0;
    // size > slen is the overflow glibc's checked version reports: leave it to glibc.
    if (size > slen || !print_fast(buffer, size, format, args, length)) {
        length = __vsnprintf_chk(buffer, size, flag, slen, format, args);
    }
    va_end(args);
    return length;
}

namespace sfp {

bool fast_number_printing() {
    using Snprintf = int (*)(char*, std::size_t, const char*, ...);
    const Snprintf ours = &snprintf;
    return dlsym(RTLD_DEFAULT, "snprintf") == reinterpret_cast<void*>(ours);
}

void detail::link_number_printing() noexcept {}

} // namespace sfp
