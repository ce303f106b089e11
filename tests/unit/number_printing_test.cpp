// The process's snprintf (sfp/number_printing.hpp) against glibc's own vsnprintf: the same
// characters and the same return value for every format cairo prints numbers with, and for
// those it leaves to glibc.

#include "sfp/number_printing.hpp"

#include <catch2/catch.hpp>
#include <cfenv>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

/// glibc's formatting of the same arguments (vsnprintf is not replaced).
std::string glibc(std::size_t size, const char* format, ...) {
    std::string buffer(size, '\x7f');
    std::va_list args;
    va_start(args, format);
    const int n = std::vsnprintf(buffer.data(), size, format, args);
    va_end(args);
    return std::to_string(n) + "|" + buffer;
}

/// The process's snprintf, called the way cairo calls it, through a pointer so that the
/// compiler neither folds nor checks the call.
int (*volatile process_snprintf)(char*, std::size_t, const char*, ...) = &std::snprintf;

template <class... Args> std::string ours(std::size_t size, const char* format, Args... args) {
    std::string buffer(size, '\x7f');
    const int n = process_snprintf(buffer.data(), size, format, args...);
    return std::to_string(n) + "|" + buffer;
}

} // namespace

TEST_CASE("number printing: the process's snprintf is the fast one", "[number-printing]") {
    CHECK(sfp::fast_number_printing());
}

TEST_CASE("number printing: doubles in fixed point match glibc to the last character",
          "[number-printing]") {
    std::mt19937_64 random(20261130);
    std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
    std::uniform_int_distribution<int> exponent(-30, 30);
    std::uniform_int_distribution<int> precision(0, 40);
    std::uniform_int_distribution<std::uint64_t> bits;
    std::vector<double> values = {0.0,
                                  -0.0,
                                  0.5,
                                  1.5,
                                  2.5,
                                  -2.5,
                                  0.125,
                                  0.375,
                                  1e-7,
                                  5e-7,
                                  0.0999999999,
                                  0.1,
                                  428.964844,
                                  -8.0,
                                  1e15,
                                  1e21,
                                  1e300,
                                  -1e308,
                                  std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::min(),
                                  std::numeric_limits<double>::denorm_min(),
                                  std::numeric_limits<double>::epsilon()};
    for (int i = 0; i < 20000; ++i) {
        values.push_back(mantissa(random) * std::pow(10.0, exponent(random)));
        // Ties: dyadic fractions whose decimal expansion ends in 5 at some precision.
        values.push_back(static_cast<double>(static_cast<int>(bits(random) % 100000)) /
                         std::ldexp(1.0, static_cast<int>(bits(random) % 12)));
        double any = 0;
        const std::uint64_t pattern = bits(random);
        std::memcpy(&any, &pattern, sizeof any);
        if (std::isfinite(any)) {
            values.push_back(any);
        }
    }
    int mismatches = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        const int p = precision(random);
        const std::string fixed_p = "%." + std::to_string(p) + "f";
        for (const auto& [got, want] :
             {std::pair{ours(400, "%f", v), glibc(400, "%f", v)},
              std::pair{ours(400, "%.18f", v), glibc(400, "%.18f", v)},
              std::pair{ours(400, "%.*f", p, v), glibc(400, "%.*f", p, v)},
              std::pair{ours(400, fixed_p.c_str(), v), glibc(400, fixed_p.c_str(), v)},
              // Too small a buffer: glibc truncates and returns the whole length.
              std::pair{ours(8, "%f", v), glibc(8, "%f", v)}}) {
            if (got != want && ++mismatches <= 5) {
                CHECK(got == want);
            }
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("number printing: halfway cases and rounding modes match glibc", "[number-printing]") {
    // Dyadic values are exactly halfway between two decimals at some precision: the exact
    // value decides, ties go to the even digit.
    std::mt19937_64 random(7);
    std::uniform_int_distribution<long> numerator(-2000000, 2000000);
    int mismatches = 0;
    for (int n = 0; n <= 24; ++n) {
        for (int i = 0; i < 400; ++i) {
            const double v = std::ldexp(static_cast<double>(numerator(random)), -n);
            for (int p = 0; p <= 17; ++p) {
                const std::string got = ours(400, "%.*f", p, v);
                const std::string want = glibc(400, "%.*f", p, v);
                if (got != want && ++mismatches <= 5) {
                    CHECK(got == want);
                }
            }
        }
    }
    CHECK(mismatches == 0);
    // glibc rounds in the current rounding mode: so does the process's snprintf.
    for (const int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
        REQUIRE(std::fesetround(mode) == 0);
        std::vector<std::string> got, want;
        for (const double v : {0.1234565, -2.5, 1.0000005, 428.9648437, -1e-9}) {
            got.push_back(ours(64, "%f", v));
            want.push_back(glibc(64, "%f", v));
        }
        std::fesetround(FE_TONEAREST);
        CHECK(got == want);
    }
}

TEST_CASE("number printing: integers, non-finite values and other formats match glibc",
          "[number-printing]") {
    for (const int v : {0, 1, -1, 42, -2147483647 - 1, 2147483647, 1000000}) {
        CHECK(ours(64, "%d", v) == glibc(64, "%d", v));
        CHECK(ours(4, "%d", v) == glibc(4, "%d", v));
        CHECK(ours(64, "%08d", v) == glibc(64, "%08d", v));
    }
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const double v : {inf, -inf, nan, -nan}) {
        CHECK(ours(64, "%f", v) == glibc(64, "%f", v));
        CHECK(ours(64, "%.*f", 3, v) == glibc(64, "%.*f", 3, v));
    }
    CHECK(ours(64, "%g", 0.1) == glibc(64, "%g", 0.1));
    CHECK(ours(64, "x%fy", 2.5) == glibc(64, "x%fy", 2.5));
    CHECK(ours(64, "%f %f", 1.0, 2.0) == glibc(64, "%f %f", 1.0, 2.0));
    CHECK(ours(64, "%s-%d", "page", 7) == glibc(64, "%s-%d", "page", 7));
    CHECK(ours(64, "%.60f", 1.0 / 3) == glibc(64, "%.60f", 1.0 / 3));
    CHECK(ours(64, "%5.2f", 3.14159) == glibc(64, "%5.2f", 3.14159));
    CHECK(ours(64, "plain") == glibc(64, "plain"));
}
