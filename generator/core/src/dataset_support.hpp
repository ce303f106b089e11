#pragma once
// Helpers of dataset.cpp shared with loans.cpp (internal to sfp_core), so that loan files read
// by the streaming aggregator follow the same rules as load_source.

#include <string>
#include <string_view>

namespace sfp {

/// ASCII case-insensitive equality (missing tokens, flag words).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

/// "201.0" -> "201": identifiers written as floats by spreadsheets and R.
[[nodiscard]] std::string normalise_id(std::string_view text);

} // namespace sfp
