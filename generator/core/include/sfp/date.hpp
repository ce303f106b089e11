#pragma once
/// Calendar dates past the loader: parsed once from the file's format, then only Date values.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// A calendar date (proleptic Gregorian).
struct Date {
    int year = 1970;
    unsigned month = 1;
    unsigned day = 1;

    /// "2024-12-31".
    [[nodiscard]] std::string iso() const;
    /// Days since 1970-01-01 (negative before).
    [[nodiscard]] long days() const;
    [[nodiscard]] static Date from_days(long days);
    /// The last day of `month` in `year`.
    [[nodiscard]] static Date end_of_month(int year, unsigned month);

    friend auto operator<=>(const Date&, const Date&) = default;
};

/// How dates are written in a source column.
enum class DateFormat {
    iso,  ///< 2024-12-31 (a time part after 'T' or ' ' is ignored)
    dmy,  ///< 31/12/2024, 31-12-2024, 31.12.2024
    mdy,  ///< 12/31/2024
    year, ///< 2024: a fiscal year, ending in the source's fiscal_year_end month
};

/// Parses "iso", "dd/mm/yyyy", "mm/dd/yyyy", "yyyy"; nullopt for anything else.
[[nodiscard]] std::optional<DateFormat> parse_date_format(std::string_view name);
/// The names parse_date_format accepts (for hints).
[[nodiscard]] std::vector<std::string> date_format_names();

/// Parses `text` written in `format`; nullopt for an impossible date (31/02, 29/02 of a common
/// year) or a malformed one. For DateFormat::year the result is the last day of the fiscal
/// year: `fiscal_year_end` is the month in which it ends (12 = calendar year).
[[nodiscard]] std::optional<Date> parse_date(std::string_view text, DateFormat format,
                                             unsigned fiscal_year_end = 12);

/// The fiscal year a period ending on `end` belongs to: the calendar year of its end date.
[[nodiscard]] int fiscal_year_of(const Date& end);

} // namespace sfp
