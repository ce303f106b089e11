#pragma once
/// Laying out a Document into A4 pages with Pango and rendering them as PDF with Cairo.

#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"

#include <cairo.h>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace sfp {

/// Where the PDF's time went, in wall-clock seconds (benchmarks: tests/bench/report_bench).
struct PdfTimes {
    double layout = 0; ///< the layout passes: text set with Pango, pages of draw operations
    double output = 0; ///< drawing the pages into cairo and writing the file (cairo's page
                       ///< output, the font subsets and the structure tree at the end)
    std::size_t helper_tables = 0; ///< tables set up by the layout's helper (layout_helper)
    /// Texts of figures the rendering thread composed (PdfOptions::compose_figures) rather
    /// than had Pango lay out (its layout helper's are not counted).
    std::size_t composed_texts = 0;
    std::size_t split_page = 0; ///< where the pages were drawn in two parts (0: whole)
    /// The captions of the tables whose numbers and words could not all be kept whole: too
    /// many columns for the page (render_pdf warns of each).
    std::vector<std::string> crowded_tables;
};

struct PdfOptions {
    std::int64_t timestamp = 0; ///< seconds since 1970 (UTC): PDF CreationDate and ModDate
    std::string font_family = "DejaVu Sans";
    std::string creator = "sfpgen";
    PdfTimes* times = nullptr; ///< filled when not null
    /// A document with many table cells (2,000 or more) has its largest tables set up by a
    /// second thread while the layout works from the first: for a PDF rendered on its own,
    /// when the other core has nothing to do. The same bytes either way.
    bool layout_helper = false;
    /// Called when the render leaves the other core idle, for a caller to give it work: on the
    /// layout helper's thread once it has set up its tables (layout_helper), and on the
    /// rendering thread once the document is laid out, before cairo draws and writes the pages
    /// (which takes one core alone). Called more than once (and again if the document is laid
    /// out again, without structure tags), from either thread.
    std::function<void()> core_free;
    /// A document of this many pages or more is drawn in two parts, each into a PDF surface of
    /// its own, on two threads when layout_helper says the other core is free (else one after
    /// the other), and the parts merged into one file (merge_cairo_pdfs): cairo's page output
    /// was half the time of a long report, on one core. The split depends on the document
    /// alone, so the bytes are the same whatever the threads. 0: never split.
    std::size_t split_pages = 12;
    /// Texts of figures alone (numbers, percentages, ranges, "n=62") are composed from the
    /// glyphs Pango gave each figure of the font, not laid out by Pango one by one: the same
    /// glyphs at the same positions, so the same bytes (tests compare both ways).
    bool compose_figures = true;
};

/// Writes `doc` to `path` (atomically: nothing is left at `path` on failure).
bool render_pdf(const Document& doc, const std::string& path, const PdfOptions& options,
                Diagnostics& diagnostics);

/// Readies what a render needs before it starts: the hyphenation patterns of `language` (kept
/// for every thread), and, for the next render on a thread that has not rendered a PDF yet
/// and for its layout helper, Pango font maps in which the report's fonts of `font_family`
/// are loaded with their fontconfig patterns and metrics (50-70 ms of work that took turns at
/// a lock on the layout's critical path). A thread with nothing else to do calls it while the
/// rendering thread works on something else; the render takes the maps when it starts. Any
/// thread, any time; the same bytes either way.
void warm_pdf_renderer(const std::string& font_family, const std::string& language);

/// How many font maps warm_pdf_renderer readied that no render has taken yet (0-2): tests.
[[nodiscard]] std::size_t pdf_font_maps_waiting();

/// Cairo's write callback into a CheckedOutput (`closure`). Cairo's own file output loses the
/// error of its last buffered write (a full disk gave a truncated PDF and exit 0), so every
/// write is checked there. The error is kept for CheckedOutput::close() and not returned to
/// cairo: cairo 1.16 aborts on an assertion in some of its write-error paths (full tmpfs).
/// How many texts this thread's PDF renderer has laid out with Pango so far. A thread keeps
/// its laid-out texts from one document to the next (up to a bound), so rendering a document
/// again on the same thread lays out nothing new; tests and benchmarks read this.
[[nodiscard]] std::size_t pdf_texts_laid_out_on_this_thread();

cairo_status_t write_checked(void* closure, const unsigned char* data, unsigned int length);

/// "2026-11-28T00:00:00Z" for a Unix timestamp.
[[nodiscard]] std::string iso8601_utc(std::int64_t timestamp);

} // namespace sfp
