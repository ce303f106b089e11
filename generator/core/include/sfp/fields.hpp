#pragma once
/// The canonical fields that data sources map their columns to (docs/data.md lists them all).

#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// What one record of a source describes.
enum class RecordKind {
    institution_year, ///< one institution's figures for one reporting period (the SFP database)
    loan,             ///< one loan (loan-level files such as Kiva's)
};

/// "institution-year" / "loan", as written in configs.
[[nodiscard]] std::string_view record_kind_name(RecordKind kind);

enum class FieldKind {
    text,     ///< identifiers, names, codes
    year,     ///< a fiscal year, integer
    date,     ///< a calendar date, parsed with the column's date format
    amount,   ///< money, in the record's currency
    count,    ///< people, loans, staff; integer-valued
    fraction, ///< a ratio stored as a fraction (0.0601 = 6.01%)
    number,   ///< any other number (months, scores)
};

/// Which record kinds a field belongs to.
enum class FieldScope { both, institution_year, loan };

struct FieldInfo {
    std::string_view name;
    FieldKind kind;
    FieldScope scope;
    bool nonnegative; ///< a negative value is impossible and is set aside
    std::string_view description;
};

/// Every canonical field, in documentation order.
[[nodiscard]] const std::vector<FieldInfo>& canonical_fields();

/// The field called `name`, or nullptr.
[[nodiscard]] const FieldInfo* find_field(std::string_view name);

/// Whether `field` may be mapped in a source of `kind`.
[[nodiscard]] bool field_applies(const FieldInfo& field, RecordKind kind);

/// Whether a numeric field is a flow over the period (income, expense, write-offs,
/// disbursements, new clients), as opposed to a stock at the period's end (balances, counts).
/// Flows are annualised and converted at the period-average rate; stocks at the period-end rate.
[[nodiscard]] bool is_flow(std::string_view field);

/// The names of the canonical fields of `kind` (for "did you mean" hints).
[[nodiscard]] std::vector<std::string> canonical_field_names(RecordKind kind);
/// The names of all canonical fields.
[[nodiscard]] std::vector<std::string> canonical_field_names();

} // namespace sfp
