#pragma once
/// Writing the CGAP submission workbook (docs/cgap.md) with libxlsxwriter: the sheets, columns,
/// number formats and code lists of the layout, data validation on coded columns, frozen
/// headers, autofilter, a total row as formulas with their values stored.

#include "sfp/cgap.hpp"
#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <string>

namespace sfp {

struct CgapXlsxOptions {
    std::int64_t timestamp = 0; ///< seconds since 1970 (UTC): the workbook's creation date
    std::string generator;      ///< "sfpgen 0.1.0", on the Cover
};

/// Writes the submission to `path` (atomically: nothing is left at `path` on failure).
bool write_cgap_xlsx(const cgap::Submission& submission, const cgap::Layout& layout,
                     const std::string& path, const CgapXlsxOptions& options,
                     Diagnostics& diagnostics);

} // namespace sfp
