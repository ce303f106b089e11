#pragma once
/// What every workbook writer of the render layer needs around libxlsxwriter (internal header):
/// the first error remembered with what was being done, cached formats, numbers that can never
/// be NaN or infinite, and text that can never become a formula.

#include "sfp/diagnostics.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <xlsxwriter.h>

namespace sfp::xlsx {

/// Display width of UTF-8 text in characters (continuation bytes do not count).
[[nodiscard]] std::size_t text_width(std::string_view text);

/// Runs libxlsxwriter's number printing (sprintf "%.16G") in the C locale on this thread for
/// its lifetime, whatever LC_NUMERIC the process has: a comma-decimal locale would otherwise
/// write "1234,5" into the XML and corrupt the file.
class CNumericLocale {
public:
    CNumericLocale();
    ~CNumericLocale();
    CNumericLocale(const CNumericLocale&) = delete;
    CNumericLocale& operator=(const CNumericLocale&) = delete;

private:
    void* c_locale_ = nullptr;
    void* previous_ = nullptr;
};

/// A workbook being written. Every libxlsxwriter status goes through `check`; the first error
/// becomes a diagnostic at the output path and `ok()` turns false.
class Book {
public:
    /// `workbook` is owned by the caller (it calls workbook_close).
    Book(lxw_workbook* workbook, std::string path, Diagnostics& diagnostics);

    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] lxw_workbook* workbook() const { return workbook_; }
    [[nodiscard]] const std::string& path() const { return path_; }

    void check(lxw_error error, std::string_view what);
    /// Records an error that has no lxw_error (a null pointer from an add function).
    void fail(std::string_view what);

    /// A new worksheet; null (with a diagnostic) for an invalid or duplicate name.
    lxw_worksheet* sheet(const std::string& name);

    /// A cached format with an Excel number format ("0.0%"); null for "".
    lxw_format* number_format(const std::string& excel_format);
    /// A format made once per name by `make` (bold, header, note...).
    template <typename Make> lxw_format* format(const std::string& name, Make make) {
        auto& format = named_formats_[name];
        if (format == nullptr) {
            format = workbook_add_format(workbook_);
            make(format);
        }
        return format;
    }

    /// Writes a number; NaN and infinities are never written as numbers: the cell gets ".."
    /// (missing) instead. Returns whether a number was written.
    bool number(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, double value, lxw_format* format);
    /// Writes text as a string cell, never as a formula, whatever it starts with ('=', '+', '-',
    /// '@'): spreadsheet formula injection from data is impossible. Empty text writes nothing.
    void text(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& value,
              lxw_format* format);

private:
    lxw_workbook* workbook_;
    std::string path_;
    Diagnostics& diagnostics_;
    bool ok_ = true;
    std::map<std::string, lxw_format*> number_formats_;
    std::map<std::string, lxw_format*> named_formats_;
};

/// A workbook's document properties.
struct Properties {
    std::string title;
    std::string subject;
    std::string author;
    std::string keywords;
    std::string comments;
    std::int64_t created = 0; ///< seconds since 1970 (UTC): pinned for byte-identical files
    std::vector<std::pair<std::string, std::string>> custom; ///< custom string properties
};

/// Where libxlsxwriter is to put its temporary files (a file for each part of the workbook,
/// made and deleted as the zip is assembled: 10-120 a workbook), or "" for its default (TMPDIR,
/// else /tmp): /dev/shm, a file system in memory, for a workbook not written in constant memory
/// (whose largest part is tens of MB at most), when /dev/shm is a writable tmpfs with 256 MiB
/// free and none of TMPDIR, TMP and TEMP is set. Files made and deleted on a disk cost kernel time:
/// on this VM's ext4, which has no journal, each new file passed over the files deleted in the last
/// seconds (ext4 find_inode_bit), 7% of the processor time of 200 briefs.
std::string memory_temp_dir(bool constant_memory);

/// Writes a workbook at `path` atomically: opens it on a temporary file beside `path` (in
/// constant-memory mode when asked), sets the properties, lets `fill` write the sheets through a
/// Book, closes it with the C numeric locale, and renames the file only when every step
/// succeeded. False with a diagnostic otherwise, and nothing is left at `path`.
bool write_workbook(const std::string& path, bool constant_memory, const Properties& properties,
                    Diagnostics& diagnostics, const std::function<void(Book&)>& fill);

} // namespace sfp::xlsx
