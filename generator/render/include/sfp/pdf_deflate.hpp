#pragma once
/// Cairo's PDF streams compressed at zlib's fastest level (pdf_deflate.cpp).
///
/// Cairo 1.16 compresses every stream of a PDF (page contents, fonts, images) with
/// `deflateInit(stream, Z_DEFAULT_COMPRESSION)`, zlib's level 6, and that compression was a
/// tenth of the time cairo spends writing the Governing Body report's pages. The PDF
/// renderer's library therefore defines `deflateInit_` (what zlib's `deflateInit` macro calls)
/// for the process: a request for the default level gets level 1 (`pdf_deflate_level`), any
/// other level is kept, and the stream is set up by `deflateInit2_` with the parameters
/// `deflateInit` always uses. On the 92-page GB report the PDF is 2% larger (1.69 MB instead
/// of 1.65) and its build 30 ms faster; the reference-size report (165 pages) 68 ms. Workbooks
/// (libxlsxwriter's zip) and PNG figures (libpng) use `deflateInit2_` and are not affected.

namespace sfp {

/// The level given to a `deflateInit` that asks for zlib's default.
inline constexpr int pdf_deflate_level = 1;

/// Whether the process's `deflateInit_` is this library's (the symbol cairo binds to): false
/// if some other definition comes first. Tests check it.
[[nodiscard]] bool fast_pdf_deflate();

namespace detail {
/// Referenced by the renderer so that the linker keeps pdf_deflate.cpp in every program that
/// renders PDF (a static library's member is linked only when something refers to it).
void link_pdf_deflate() noexcept;
} // namespace detail

} // namespace sfp
