#include "xlsx_support.hpp"

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
    check(worksheet_write_string(ws, row, col, value.c_str(), format), "text");
}

} // namespace sfp::xlsx
