#pragma once
/// Joins two PDF files that cairo wrote for consecutive pages of one document (pdf_merge.cpp).
///
/// The PDF renderer writes a long document on two threads: the first pages into one cairo PDF
/// surface, the rest into another, as cairo's PDF surface cannot be shared between threads.
/// merge_cairo_pdfs makes one file of the two, as cairo would have written it whole:
///
/// - the second file's objects are renumbered after the first's and appended; its catalog,
///   page tree root, structure tree root, parent tree, page labels, named destinations and
///   document information are dropped for the first's, which take in the second's entries:
///   the pages (in order), the parent tree's entries (keyed after the first's, with the
///   second's pages' /StructParents and links' /StructParent moved by as much), the page
///   labels (indexed after the first's pages), the named destinations (one sorted list, so a
///   link in either part reaches a destination in the other: cairo writes a link to a name it
///   has not seen as a named destination);
/// - the structure tree stays one tree: the second part's root element (Document) is the
///   first's, and so are the `open` elements below it that were open where the second part
///   begins (a table or a paragraph that runs across the join, closed at the end of the first
///   part and begun again at the start of the second): their children (and marked content,
///   turned into marked-content references to the second part's pages) are appended to the
///   first part's, and everything that pointed at the second part's copies points at the
///   first's.
///
/// The merged file goes to `write` a megabyte at a time, as it is made (it is not held whole
/// in memory).
///
/// Both files must be as cairo 1.16 writes them: one revision, a classic cross-reference
/// table, objects of generation 0 one after the other, no object streams, outlines in the
/// first file only. Anything else gives false and `error` (what `write` was given by then is
/// no file), and the caller writes the document whole instead.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sfp::detail {

/// Receives the merged file piece by piece.
using PdfWriter = std::function<void(std::string_view)>;

[[nodiscard]] bool merge_cairo_pdfs(std::string_view first, std::string_view second,
                                    std::size_t open, const PdfWriter& write, std::string& error);

} // namespace sfp::detail
