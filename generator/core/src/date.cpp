#include "sfp/date.hpp"

#include <charconv>
#include <fmt/format.h>

namespace sfp {

namespace {

std::chrono::year_month_day to_ymd(const Date& date) {
    return std::chrono::year_month_day{std::chrono::year{date.year}, std::chrono::month{date.month},
                                       std::chrono::day{date.day}};
}

/// Reads an unsigned decimal of 1..max_digits digits at `pos`; advances `pos`.
std::optional<int> read_int(std::string_view text, std::size_t& pos, std::size_t max_digits) {
    const std::size_t start = pos;
    while (pos < text.size() && pos - start < max_digits && text[pos] >= '0' && text[pos] <= '9') {
        ++pos;
    }
    if (pos == start) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(text.data() + start, text.data() + pos, value);
    return value;
}

std::optional<Date> make(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1 || day > 31) {
        return std::nullopt;
    }
    const Date date{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
    if (!to_ymd(date).ok()) {
        return std::nullopt;
    }
    return date;
}

} // namespace

std::string Date::iso() const {
    return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

long Date::days() const {
    return static_cast<long>(std::chrono::sys_days{to_ymd(*this)}.time_since_epoch().count());
}

Date Date::from_days(long days) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day())};
}

Date Date::end_of_month(int year, unsigned month) {
    const std::chrono::year_month_day_last last{
        std::chrono::year{year}, std::chrono::month_day_last{std::chrono::month{month}}};
    return {year, month, static_cast<unsigned>(last.day())};
}

std::optional<DateFormat> parse_date_format(std::string_view name) {
    if (name == "iso") {
        return DateFormat::iso;
    }
    if (name == "dd/mm/yyyy") {
        return DateFormat::dmy;
    }
    if (name == "mm/dd/yyyy") {
        return DateFormat::mdy;
    }
    if (name == "yyyy") {
        return DateFormat::year;
    }
    return std::nullopt;
}

std::vector<std::string> date_format_names() {
    return {"iso", "dd/mm/yyyy", "mm/dd/yyyy", "yyyy"};
}

std::optional<Date> parse_date(std::string_view text, DateFormat format, unsigned fiscal_year_end) {
    std::size_t pos = 0;
    switch (format) {
    case DateFormat::iso: {
        const auto year = read_int(text, pos, 4);
        if (!year || pos != 4 || pos >= text.size() || text[pos++] != '-') {
            return std::nullopt;
        }
        const auto month = read_int(text, pos, 2);
        if (!month || pos >= text.size() || text[pos++] != '-') {
            return std::nullopt;
        }
        const auto day = read_int(text, pos, 2);
        if (!day || (pos != text.size() && text[pos] != 'T' && text[pos] != ' ')) {
            return std::nullopt;
        }
        return make(*year, *month, *day);
    }
    case DateFormat::dmy:
    case DateFormat::mdy: {
        const auto first = read_int(text, pos, 2);
        if (!first || pos >= text.size()) {
            return std::nullopt;
        }
        const char separator = text[pos++];
        if (separator != '/' && separator != '-' && separator != '.') {
            return std::nullopt;
        }
        const auto second = read_int(text, pos, 2);
        if (!second || pos >= text.size() || text[pos++] != separator) {
            return std::nullopt;
        }
        const std::size_t year_start = pos;
        const auto year = read_int(text, pos, 4);
        if (!year || pos - year_start != 4 || (pos != text.size() && text[pos] != ' ')) {
            return std::nullopt;
        }
        return format == DateFormat::dmy ? make(*year, *second, *first)
                                         : make(*year, *first, *second);
    }
    case DateFormat::year: {
        const auto year = read_int(text, pos, 4);
        // "2024" or "2024.0" (integers written as floats)
        if (!year || pos != 4 || (pos != text.size() && text.substr(pos) != ".0")) {
            return std::nullopt;
        }
        if (fiscal_year_end < 1 || fiscal_year_end > 12) {
            return std::nullopt;
        }
        return Date::end_of_month(*year, fiscal_year_end);
    }
    }
    return std::nullopt;
}

int fiscal_year_of(const Date& end) {
    return end.year;
}

} // namespace sfp
