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
};

/// Writes `doc` to `path` (atomically: nothing is left at `path` on failure).
bool write_xlsx(const Document& doc, const std::string& path, const XlsxOptions& options,
                Diagnostics& diagnostics);

} // namespace sfp
