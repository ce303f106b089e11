#pragma once
/// Cairo's number printing, made fast (number_printing.cpp).
///
/// Cairo 1.16 writes every number of a PDF page (coordinates, matrices, colours) with
/// `snprintf("%f")`, often twice ("%.18f", then "%.*f" for numbers under 0.1), and glibc
/// formats a double with multi-precision arithmetic. On the Governing Body report that was a
/// quarter of cairo's page output (about 40 ms). The PDF renderer's library therefore defines
/// `snprintf` and `__snprintf_chk` for the process: a format that is a single fixed-point
/// conversion of a double ("%f", "%.Nf", "%.*f") or a plain "%d" is written here, with the
/// characters glibc writes (the exact binary value rounded to nearest, ties to even: exactly,
/// with an fma, when the value times 10^N is under 2^52, else with std::to_chars); every other
/// format, a non-finite value, a locale whose decimal point is not ".", a rounding mode other
/// than to-nearest, or output that would not fit goes to glibc's own vsnprintf. The bytes
/// written never change, only the time.

namespace sfp {

/// Whether the process's `snprintf` is this library's (the symbol cairo binds to): false if
/// some other definition comes first. Tests and benchmarks check it.
[[nodiscard]] bool fast_number_printing();

namespace detail {
/// Referenced by the renderer so that the linker keeps number_printing.cpp in every program
/// that renders PDF (a static library's member is linked only when something refers to it).
void link_number_printing() noexcept;
} // namespace detail

} // namespace sfp
