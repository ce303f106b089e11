#pragma once
/// Writing a Document as an Excel workbook with libxlsxwriter: the same tables and numbers as
/// the PDF (raw values with number formats), frozen headers, native charts.

#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"

#include <cstdint>
#include <string>

namespace sfp {

struct XlsxOptions {
    std::int64_t timestamp = 0; ///< seconds since 1970 (UTC): the workbook's creation date
    /// A workbook whose sheets hold more cells than this in all (tables and the Data sheet) is
    /// written in libxlsxwriter's constant-memory mode: rows are streamed to temporary files,
    /// strings are inline, and tables get an autofilter instead of an Excel table (which that
    /// mode cannot write). 1,000,000 cells take about 150 MB in the normal mode.
    std::size_t constant_memory_cells = 1000000;
    bool formulas = true; ///< aggregates as formulas over the Data sheet (when doc.audit is set)
};

/// Writes `doc` to `path` (atomically: nothing is left at `path` on failure).
bool write_xlsx(const Document& doc, const std::string& path, const XlsxOptions& options,
                Diagnostics& diagnostics);

} // namespace sfp
