#include "sfp/fields.hpp"

#include <algorithm>
#include <array>

namespace sfp {

std::string_view record_kind_name(RecordKind kind) {
    switch (kind) {
    case RecordKind::institution_year:
        return "institution-year";
    case RecordKind::loan:
        return "loan";
    }
    return "institution-year";
}

const std::vector<FieldInfo>& canonical_fields() {
    using K = FieldKind;
    using S = FieldScope;
    // Names follow docs/indicators.md (the catalogue's formulas use them).
    static const std::vector<FieldInfo> fields{
        // Identity and period
        {"institution_id", K::text, S::both, false,
         "stable institution identifier (the key, with the period)"},
        {"institution_name", K::text, S::both, false, "institution name (not a key)"},
        {"country_iso3", K::text, S::both, false, "ISO 3166-1 alpha-3 country code"},
        {"region", K::text, S::both, false,
         "reporting region (derived from the country when not mapped)"},
        {"currency", K::text, S::both, false, "ISO 4217 currency of the amounts"},
        {"fiscal_year", K::year, S::institution_year, false, "fiscal year of the figures"},
        {"period_start", K::date, S::institution_year, false, "first day of the reporting period"},
        {"period_end", K::date, S::institution_year, false, "last day of the reporting period"},
        {"legal_form", K::text, S::institution_year, false,
         "charter: bank, NBFI, NGO, cooperative, rural bank"},
        {"established_year", K::number, S::institution_year, false,
         "year the institution started lending"},
        // Balance sheet (stocks, end of period)
        {"total_assets", K::amount, S::institution_year, true, "total assets"},
        {"total_liabilities", K::amount, S::institution_year, true, "total liabilities"},
        {"total_equity", K::amount, S::institution_year, false, "total equity (may be negative)"},
        {"deposits", K::amount, S::institution_year, true, "deposits"},
        {"borrowings", K::amount, S::institution_year, true, "borrowings"},
        {"concessional_borrowings", K::amount, S::institution_year, true,
         "borrowings below market rates"},
        {"net_fixed_assets", K::amount, S::institution_year, true, "net fixed assets"},
        {"cash_due_from_banks", K::amount, S::institution_year, true, "cash and due from banks"},
        {"trade_investments", K::amount, S::institution_year, true, "trade investments"},
        {"short_term_liabilities", K::amount, S::institution_year, true,
         "liabilities due within a year"},
        {"impairment_loss_allowance", K::amount, S::institution_year, true,
         "impairment loss allowance"},
        // Portfolio
        {"gross_loan_portfolio", K::amount, S::institution_year, true,
         "gross loan portfolio, end of period"},
        {"par30_balance", K::amount, S::institution_year, true,
         "balance of loans with a payment over 30 days late"},
        {"par90_balance", K::amount, S::institution_year, true,
         "balance of loans with a payment over 90 days late"},
        {"par91_180_balance", K::amount, S::institution_year, true, "balance 91-180 days late"},
        {"par181_365_balance", K::amount, S::institution_year, true, "balance 181-365 days late"},
        {"renegotiated_balance", K::amount, S::institution_year, true, "renegotiated loans"},
        {"write_offs", K::amount, S::institution_year, true, "loans written off in the period"},
        {"recoveries", K::amount, S::institution_year, true, "recoveries on written-off loans"},
        {"loans_outstanding_n", K::count, S::institution_year, true, "number of loans outstanding"},
        {"loans_disbursed_n", K::count, S::institution_year, true,
         "number of loans disbursed in the period"},
        {"loans_disbursed_value", K::amount, S::institution_year, true,
         "value of loans disbursed in the period"},
        // Income statement (flows for the period)
        {"fin_revenue", K::amount, S::institution_year, true, "financial revenue"},
        {"portfolio_interest_fee_income", K::amount, S::institution_year, true,
         "interest and fees on the loan portfolio"},
        {"fin_expense", K::amount, S::institution_year, true, "financial expense"},
        {"fin_expense_funding", K::amount, S::institution_year, true,
         "financial expense on funding liabilities"},
        {"fin_expense_concessional", K::amount, S::institution_year, true,
         "financial expense on concessional borrowings"},
        {"impairment_expense", K::amount, S::institution_year, false,
         "impairment loss expense (negative: net reversals)"},
        {"opex", K::amount, S::institution_year, true, "operating expense"},
        {"net_operating_income", K::amount, S::institution_year, false, "net operating income"},
        {"taxes", K::amount, S::institution_year, false, "taxes on income"},
        {"donations", K::amount, S::institution_year, true, "donations received"},
        {"inkind_subsidy", K::amount, S::institution_year, true,
         "market cost of donated goods and services"},
        // Outreach
        {"active_borrowers", K::count, S::institution_year, true,
         "active borrowers, end of period"},
        {"active_borrowers_women", K::count, S::institution_year, true, "active women borrowers"},
        {"active_borrowers_rural", K::count, S::institution_year, true, "active rural borrowers"},
        {"active_clients", K::count, S::institution_year, true, "active clients, end of period"},
        {"active_clients_begin", K::count, S::institution_year, true,
         "active clients, start of period"},
        {"new_clients", K::count, S::institution_year, true, "new clients in the period"},
        {"voluntary_depositors", K::count, S::institution_year, true, "voluntary depositors"},
        {"voluntary_savings", K::amount, S::institution_year, true, "voluntary savings balance"},
        {"poorest_clients_at_first_loan", K::count, S::institution_year, true,
         "clients among the poorest at their first loan (Microcredit Summit)"},
        {"poorest_women_clients", K::count, S::institution_year, true,
         "poorest clients who are women"},
        {"clients_with_microinsurance", K::count, S::institution_year, true,
         "clients with microinsurance"},
        // Staff
        {"personnel", K::count, S::institution_year, true, "staff"},
        {"loan_officers", K::count, S::institution_year, true, "loan officers"},
        // Social (surveys)
        {"hh_surveyed", K::count, S::institution_year, true, "client households surveyed"},
        {"hh_with_child_labour", K::count, S::institution_year, true,
         "surveyed households with child labour"},
        {"enterprises_surveyed", K::count, S::institution_year, true,
         "client enterprises surveyed"},
        {"enterprises_registered", K::count, S::institution_year, true,
         "surveyed enterprises formally registered"},
        {"enterprises_with_new_osh_measure", K::count, S::institution_year, true,
         "surveyed enterprises with a new safety and health measure"},
        {"clients_surveyed", K::count, S::institution_year, true, "clients surveyed"},
        {"clients_multiple_lenders", K::count, S::institution_year, true,
         "surveyed clients borrowing from several lenders"},
        {"employees_in_client_enterprises", K::count, S::institution_year, true,
         "employees in client enterprises"},
        {"points_achieved", K::number, S::institution_year, true,
         "social performance points achieved (SPI4)"},
        {"points_possible", K::number, S::institution_year, true,
         "social performance points possible (SPI4)"},
        {"ppi_clients_sampled", K::count, S::institution_year, true,
         "new clients sampled for the PPI poverty scorecard"},
        {"ppi_poverty_likelihood_sum", K::number, S::institution_year, true,
         "sum of the PPI poverty likelihoods (national line) of the sampled new clients"},
        // Loans
        {"loan_id", K::text, S::loan, false, "loan identifier (the key of a loan record)"},
        {"loan_amount", K::amount, S::loan, true, "amount lent"},
        {"funded_amount", K::amount, S::loan, true, "amount funded"},
        {"borrower_gender", K::text, S::loan, false,
         "borrower's gender as written (female, male, group)"},
        {"sector", K::text, S::loan, false, "economic sector of the loan"},
        {"activity", K::text, S::loan, false, "activity financed"},
        {"location", K::text, S::loan, false, "sub-national place"},
        {"posted_date", K::date, S::loan, false, "date the loan was posted"},
        {"disbursed_date", K::date, S::loan, false, "date the loan was disbursed"},
        {"term_months", K::number, S::loan, true, "term in months"},
        {"lender_count", K::count, S::loan, true, "number of lenders"},
        {"outstanding_balance", K::amount, S::loan, true,
         "balance still owed on the loan at the file's date (portfolio at risk)"},
        {"days_overdue", K::count, S::loan, true,
         "days the oldest unpaid instalment is late at the file's date (0: on time)"},
        {"rural", K::text, S::loan, false,
         "rural borrower flag: 1/0, yes/no or true/false (any case)"},
    };
    return fields;
}

const FieldInfo* find_field(std::string_view name) {
    const auto& fields = canonical_fields();
    const auto found = std::find_if(fields.begin(), fields.end(),
                                    [&](const FieldInfo& field) { return field.name == name; });
    return found == fields.end() ? nullptr : &*found;
}

bool is_flow(std::string_view field) {
    static constexpr std::array<std::string_view, 16> flows{"write_offs",
                                                            "recoveries",
                                                            "loans_disbursed_n",
                                                            "loans_disbursed_value",
                                                            "fin_revenue",
                                                            "portfolio_interest_fee_income",
                                                            "fin_expense",
                                                            "fin_expense_funding",
                                                            "fin_expense_concessional",
                                                            "impairment_expense",
                                                            "opex",
                                                            "net_operating_income",
                                                            "taxes",
                                                            "donations",
                                                            "inkind_subsidy",
                                                            "new_clients"};
    return std::find(flows.begin(), flows.end(), field) != flows.end();
}

bool field_applies(const FieldInfo& field, RecordKind kind) {
    switch (field.scope) {
    case FieldScope::both:
        return true;
    case FieldScope::institution_year:
        return kind == RecordKind::institution_year;
    case FieldScope::loan:
        return kind == RecordKind::loan;
    }
    return false;
}

std::vector<std::string> canonical_field_names(RecordKind kind) {
    std::vector<std::string> names;
    for (const auto& field : canonical_fields()) {
        if (field_applies(field, kind)) {
            names.emplace_back(field.name);
        }
    }
    return names;
}

std::vector<std::string> canonical_field_names() {
    std::vector<std::string> names;
    for (const auto& field : canonical_fields()) {
        names.emplace_back(field.name);
    }
    return names;
}

} // namespace sfp
