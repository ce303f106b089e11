#include "xlsx_support.hpp"

#include "sfp/output.hpp"

#include <algorithm>
#include <clocale>
#include <cmath>
#include <fmt/format.h>
#include <locale.h>

namespace sfp::xlsx {

std::size_t text_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

CNumericLocale::CNumericLocale() {
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", static_cast<locale_t>(nullptr));
    if (c != static_cast<locale_t>(nullptr)) {
        c_locale_ = c;
        previous_ = uselocale(c);
    }
}

CNumericLocale::~CNumericLocale() {
    if (c_locale_ != nullptr) {
        uselocale(static_cast<locale_t>(previous_));
        freelocale(static_cast<locale_t>(c_locale_));
    }
}

Book::Book(lxw_workbook* workbook, std::string path, Diagnostics& diagnostics)
    : workbook_(workbook), path_(std::move(path)), diagnostics_(diagnostics) {}

void Book::check(lxw_error error, std::string_view what) {
    if (error == LXW_NO_ERROR || !ok_) {
        return;
    }
    ok_ = false;
    diagnostics_.error({path_, 0, 0},
                       fmt::format("cannot write workbook ({}): {}", what, lxw_strerror(error)));
}

void Book::fail(std::string_view what) {
    if (!ok_) {
        return;
    }
    ok_ = false;
    diagnostics_.error({path_, 0, 0}, fmt::format("cannot write workbook: {}", what));
}

lxw_worksheet* Book::sheet(const std::string& name) {
    lxw_worksheet* worksheet = workbook_add_worksheet(workbook_, name.c_str());
    if (worksheet == nullptr) {
        fail(fmt::format("cannot add worksheet '{}' (invalid or duplicate name)", name));
    }
    return worksheet;
}

lxw_format* Book::number_format(const std::string& excel_format) {
    if (excel_format.empty()) {
        return nullptr;
    }
    auto& format = number_formats_[excel_format];
    if (format == nullptr) {
        format = workbook_add_format(workbook_);
        format_set_num_format(format, excel_format.c_str());
    }
    return format;
}

bool Book::number(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, double value,
                  lxw_format* format) {
    if (!std::isfinite(value)) {
        check(worksheet_write_string(ws, row, col, "..", nullptr), "missing value");
        return false;
    }
    check(worksheet_write_number(ws, row, col, value, format), "number");
    return true;
}

void Book::text(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& value,
                lxw_format* format) {
    if (value.empty()) {
        if (format != nullptr) {
            check(worksheet_write_blank(ws, row, col, format), "blank");
        }
        return;
    }
    // Excel holds at most 32,767 characters in a cell (libxlsxwriter refuses more). A longer text
    // (a list of institutions on a very large panel) is cut at a character boundary with a
    // note saying so, and a warning names the cell: the workbook is still written.
    constexpr std::size_t excel_cell_limit = 32767; // characters; bytes are never fewer
    if (value.size() > excel_cell_limit) {
        static constexpr std::string_view note = " [... cut: the text exceeds Excel's limit of "
                                                 "32,767 characters; the PDF has all of it]";
        std::size_t cut = excel_cell_limit - note.size();
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0U) == 0x80U) {
            --cut; // not inside a UTF-8 sequence
        }
        const std::string shortened = value.substr(0, cut) + std::string(note);
        diagnostics_.warning(
            {path_, static_cast<long>(row) + 1, static_cast<long>(col) + 1},
            fmt::format("a text of {} bytes was cut to Excel's limit of 32,767 characters in "
                        "sheet '{}'",
                        value.size(), ws->name != nullptr ? ws->name : "?"));
        check(worksheet_write_string(ws, row, col, shortened.c_str(), format), "text");
        return;
    }
    check(worksheet_write_string(ws, row, col, value.c_str(), format), "text");
}

bool write_workbook(const std::string& path, bool constant_memory, const Properties& properties,
                    Diagnostics& diagnostics, const std::function<void(Book&)>& fill) {
    const CNumericLocale c_numbers;
    PendingFile pending(path);
    if (!pending.created(diagnostics)) {
        return false;
    }
    lxw_workbook_options options{};
    options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    lxw_workbook* workbook = workbook_new_opt(pending.temp_path().c_str(), &options);
    if (workbook == nullptr) {
        diagnostics.error({path, 0, 0}, "cannot create workbook");
        return false;
    }
    // libxlsxwriter keeps the pointers until workbook_close: the strings live in `properties`.
    std::string title = properties.title;
    std::string subject = properties.subject;
    std::string author = properties.author;
    std::string keywords = properties.keywords;
    std::string comments = properties.comments;
    lxw_doc_properties document{};
    document.title = title.data();
    document.subject = subject.data();
    document.author = author.data();
    document.keywords = keywords.data();
    document.comments = comments.data();
    document.created = static_cast<time_t>(properties.created);
    Book book(workbook, path, diagnostics);
    book.check(workbook_set_properties(workbook, &document), "properties");
    for (const auto& [name, value] : properties.custom) {
        if (!value.empty()) {
            book.check(workbook_set_custom_property_string(workbook, name.c_str(), value.c_str()),
                       "custom property");
        }
    }
    fill(book);
    const lxw_error closed = workbook_close(workbook);
    if (closed != LXW_NO_ERROR) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot write workbook: {}", lxw_strerror(closed)));
        return false;
    }
    return book.ok() && pending.commit(diagnostics);
}

} // namespace sfp::xlsx
