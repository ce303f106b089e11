#include "sfp/fields.hpp"

#include <algorithm>

namespace sfp {

const std::vector<FieldInfo>& canonical_fields() {
    static const std::vector<FieldInfo> fields{
        {"institution_id", FieldKind::text, true, false, "stable institution identifier"},
        {"institution_name", FieldKind::text, false, false, "institution name (not a key)"},
        {"country_iso3", FieldKind::text, false, false, "ISO 3166-1 alpha-3 country code"},
        {"region", FieldKind::text, true, false, "reporting region"},
        {"fiscal_year", FieldKind::year, true, false, "fiscal year of the figures"},
        {"currency", FieldKind::text, false, false, "ISO 4217 currency of the amounts"},
        {"gross_loan_portfolio", FieldKind::amount, false, true,
         "gross loan portfolio, end of period"},
        {"par30_balance", FieldKind::amount, false, true,
         "outstanding balance of loans with a payment over 30 days late"},
        {"active_borrowers", FieldKind::count, false, true, "active borrowers, end of period"},
        {"active_borrowers_women", FieldKind::count, false, true, "active women borrowers"},
        {"fin_revenue", FieldKind::amount, false, true, "financial revenue for the period"},
        {"fin_expense", FieldKind::amount, false, true, "financial expense for the period"},
        {"impairment_expense", FieldKind::amount, false, false,
         "impairment loss expense (negative for net reversals)"},
        {"opex", FieldKind::amount, false, true, "operating expense for the period"},
    };
    return fields;
}

const FieldInfo* find_field(std::string_view name) {
    const auto& fields = canonical_fields();
    const auto found = std::find_if(fields.begin(), fields.end(),
                                    [&](const FieldInfo& field) { return field.name == name; });
    return found == fields.end() ? nullptr : &*found;
}

std::vector<std::string> canonical_field_names() {
    std::vector<std::string> names;
    for (const auto& field : canonical_fields()) {
        names.emplace_back(field.name);
    }
    return names;
}

} // namespace sfp
