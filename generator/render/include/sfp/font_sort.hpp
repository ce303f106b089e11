#pragma once
/// fontconfig's font sort, done once per family and style instead of once per size
/// (font_sort.cpp).
///
/// Pango asks fontconfig to sort every installed font against each font it loads
/// (`FcFontSetSort`, for the fallback list), once per size: a report's tables, headings, notes and
/// charts load about 30 sizes on each of the render's two font maps. With Debian's Noto fonts
/// installed (293 fonts) a sort is about 3 million instructions: 164 million of the reference-size
/// report's 5.1 billion, some of them on the layout's critical path. The PDF renderer's library
/// therefore defines `FcFontSetSort` for the process: the fonts are sorted once for a pattern, and
/// a pattern that differs from it only in its size (`size`, `pixelsize`) gets the same order.
///
/// That order is the one fontconfig would give: its sort compares a pattern's elements with
/// those a font has, and a font without a size (any scalable font) never meets the pattern's
/// size. So a sort is kept for sharing only when no font of the sets sorted has a `size` or a
/// `pixelsize` (bitmap strikes, design-size ranges): sets with such a font are always sorted
/// by fontconfig. Sets are compared font by font (Pango sorts its own copy of the
/// configuration's fonts for each font map). Sorts that ask for the coverage
/// (`csp`) are fontconfig's own too. Every other element of the pattern, including those the
/// configuration's rules set by size (hinting, antialiasing), must be equal.

#include <cstddef>

namespace sfp {

/// Whether the process's `FcFontSetSort` is this library's (the symbol Pango binds to): false if
/// some other definition comes first. Tests check it.
[[nodiscard]] bool shared_font_sorts();

/// How many sorts were answered from an earlier one since the process started: tests.
[[nodiscard]] std::size_t font_sorts_shared();

namespace detail {
/// Referenced by the renderer so that the linker keeps font_sort.cpp in every program that
/// renders PDF (a static library's member is linked only when something refers to it).
void link_font_sort() noexcept;
} // namespace detail

} // namespace sfp
