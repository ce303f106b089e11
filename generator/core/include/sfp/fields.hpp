#pragma once
/// The canonical fields that data sources map their columns to (see docs/config.md).

#include <string>
#include <string_view>
#include <vector>

namespace sfp {

enum class FieldKind {
    text,   ///< identifiers and names
    year,   ///< a fiscal year, integer
    amount, ///< money, in the row's currency
    count,  ///< a count of people, loans or staff; integer-valued
};

struct FieldInfo {
    std::string_view name;
    FieldKind kind;
    bool required;    ///< every source must map it
    bool nonnegative; ///< a negative value is impossible and is rejected
    std::string_view description;
};

/// Every canonical field, in documentation order.
[[nodiscard]] const std::vector<FieldInfo>& canonical_fields();

/// The field called `name`, or nullptr.
[[nodiscard]] const FieldInfo* find_field(std::string_view name);

/// The names of all canonical fields (for "did you mean" hints).
[[nodiscard]] std::vector<std::string> canonical_field_names();

} // namespace sfp
