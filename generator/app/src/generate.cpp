// `sfpgen generate`: synthetic institution-year panels, loan files and target tables, the same
// bytes for the same options (generate.hpp lists the planted problems). Magnitudes follow
// data/sample/README.md.

#include "sfp/generate.hpp"

#include "sfp/output.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <vector>

namespace sfp {

namespace {

// ---- random numbers with fixed output ----------------------------------------------------------

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

/// xoshiro256** (Blackman and Vigna), seeded from splitmix64 as its authors recommend.
class Random {
public:
    Random(std::uint64_t seed, std::uint64_t stream) {
        std::uint64_t state = seed ^ (stream * 0xd1b54a32d192ed03ULL);
        for (auto& word : s_) {
            word = splitmix64(state);
        }
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17U;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
    double uniform(double low, double high) { return low + (high - low) * unit(); }
    /// Uniform integer in [0, bound) (the modulo bias is negligible for small bounds).
    std::uint64_t below(std::uint64_t bound) { return next() % bound; }
    bool chance(double p) { return unit() < p; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
    }
    std::array<std::uint64_t, 4> s_{};
};

// ---- the world the institutions live in --------------------------------------------------------

struct Region {
    std::string_view name;
    std::vector<std::string_view> countries; ///< ISO3 codes of data/reference/countries.csv
    double loan_low, loan_high;              ///< average loan, USD
    double women_low, women_high;            ///< women's share of borrowers
    std::vector<std::string_view> words;     ///< for names
};

const std::vector<Region>& regions() {
    static const std::vector<Region> table{
        {"Africa",
         {"ETH", "GHA", "GIN", "KEN", "MLI", "SEN", "TZA", "UGA", "RWA", "NGA", "ZMB", "BEN"},
         300,
         900,
         0.45,
         0.80,
         {"Savanna", "Kilimo", "Sahel", "Baobab", "Umoja", "Teranga"}},
        {"East Asia and Pacific",
         {"IDN", "KHM", "LAO", "MMR", "PHL", "PNG", "TLS", "VNM", "MNG"},
         250,
         1200,
         0.55,
         0.95,
         {"Mekong", "Pagasa", "Lotus", "Harapan", "Đồng Tiến", "Island"}},
        {"Latin America and Caribbean",
         {"BOL", "COL", "ECU", "GTM", "HND", "MEX", "PRY", "SLV", "PER", "NIC"},
         800,
         3000,
         0.45,
         0.75,
         {"Andes", "Progreso", "Ñandutí", "Fondo Solidario", "Créditos del Valle", "Sierra"}},
        {"Middle East and North Africa",
         {"EGY", "IRQ", "JOR", "LBN", "MAR", "PSE", "TUN", "YEM"},
         400,
         1500,
         0.30,
         0.70,
         {"Al Amal", "Atlas", "Tamweel", "Nakhla", "Crédit Oasis", "Cedar"}},
        {"South Asia",
         {"BGD", "IND", "LKA", "NPL", "PAK", "AFG"},
         150,
         400,
         0.75,
         0.98,
         {"Jeevan", "Sahara", "Grameen Path", "Unnati", "Asha", "Pragati"}},
    };
    return table;
}

enum class Charter { bank, nbfi, ngo, cooperative, rural_bank };

std::string_view charter_name(Charter charter) {
    switch (charter) {
    case Charter::bank:
        return "bank";
    case Charter::nbfi:
        return "NBFI";
    case Charter::ngo:
        return "NGO";
    case Charter::cooperative:
        return "cooperative";
    case Charter::rural_bank:
        return "rural bank";
    }
    return "NGO";
}

std::string_view charter_suffix(Charter charter) {
    switch (charter) {
    case Charter::bank:
        return "Microfinance Bank";
    case Charter::nbfi:
        return "Finance";
    case Charter::ngo:
        return "Foundation";
    case Charter::cooperative:
        return "Cooperative";
    case Charter::rural_bank:
        return "Rural Bank";
    }
    return "Foundation";
}

/// 10% banks, 30% NBFIs, 30% NGOs, 22% cooperatives, 8% rural banks.
Charter draw_charter(Random& random) {
    const double u = random.unit();
    if (u < 0.10) {
        return Charter::bank;
    }
    if (u < 0.40) {
        return Charter::nbfi;
    }
    if (u < 0.70) {
        return Charter::ngo;
    }
    return u < 0.92 ? Charter::cooperative : Charter::rural_bank;
}

/// Roughly log-uniform between `low` and low x 2^octaves, without libm's exp (fixed output).
double log_uniform(Random& random, double low, int octaves) {
    const double position = random.uniform(0.0, static_cast<double>(octaves));
    const double whole = std::floor(position);
    return std::ldexp(low, static_cast<int>(whole)) * (1.0 + (position - whole));
}

// ---- institutions ------------------------------------------------------------------------------

int first_year_of(const GenerateOptions& options) {
    return options.last_year - options.years + 1;
}

/// One institution's fixed traits, drawn from its own random stream (so an institution's data
/// do not depend on how many others there are).
struct Institution {
    int number = 0; ///< k, 1-based
    std::string id;
    std::string name;
    const Region* region = nullptr;
    std::string_view country;
    Charter charter = Charter::ngo;
    int established = 0;
    int first_index = 0; ///< first year index with a row (2 for the late starter)
    int gap_index = -1;  ///< year index without a row, -1 for none
    int last_index = 0;
    double portfolio = 0; ///< USD, year index 0
    double growth = 0;
    double average_loan = 0;
    double women_share = 0;
    double rural_share = 0;
    double par30_rate = 0;
    double yield = 0;
    double self_sufficiency = 0;
    double portfolio_share_of_assets = 0;
    double equity_ratio = 0;
    double deposit_ratio = 0;
    double borrowers_per_staff = 0;
    double officer_share = 0;
};

std::string institution_name(const Institution& inst, Random& random) {
    const auto& words = inst.region->words;
    std::string name = fmt::format("{} {} {}", words[random.below(words.size())],
                                   charter_suffix(inst.charter), inst.number);
    // A comma inside a name now and then: the field must be quoted (RFC 4180).
    if (inst.number % 150 == 8) {
        name += ", Head Office";
    }
    return name;
}

double deposit_ratio_for(Charter charter, Random& random) {
    switch (charter) {
    case Charter::ngo:
        return 0.0;
    case Charter::nbfi:
        return random.uniform(0.0, 0.12);
    case Charter::bank:
    case Charter::cooperative:
    case Charter::rural_bank:
        return random.uniform(0.25, 0.60);
    }
    return 0.0;
}

Institution make_institution(const GenerateOptions& options, int number, Random& random) {
    Institution inst;
    inst.number = number;
    inst.id = fmt::format("MFI-{:05}", number);
    inst.region = &regions()[random.below(regions().size())];
    inst.country = inst.region->countries[random.below(inst.region->countries.size())];
    inst.charter = draw_charter(random);
    inst.name = institution_name(inst, random);
    inst.first_index = (number % 100 == 40 && options.years >= 4) ? 2 : 0;
    inst.gap_index = (number % 50 == 7 && options.years >= 3) ? options.years / 2 : -1;
    inst.last_index = options.years - 1;
    // A fifth start lending within four years of their first report (peer group "new").
    const int first_reported = first_year_of(options) + inst.first_index;
    inst.established = first_reported - static_cast<int>(random.chance(0.2) ? random.below(4)
                                                                            : 4 + random.below(32));
    inst.portfolio = log_uniform(random, 500'000.0, 7);
    inst.growth = random.uniform(-0.02, 0.18);
    inst.average_loan = random.uniform(inst.region->loan_low, inst.region->loan_high);
    inst.women_share = random.uniform(inst.region->women_low, inst.region->women_high);
    inst.rural_share = random.uniform(0.1, 0.8);
    inst.par30_rate = random.uniform(0.01, 0.10);
    inst.yield = random.uniform(0.18, 0.45);
    inst.self_sufficiency = random.uniform(0.80, 1.40);
    inst.portfolio_share_of_assets = random.uniform(0.68, 0.88);
    inst.equity_ratio =
        inst.charter == Charter::bank ? random.uniform(0.10, 0.18) : random.uniform(0.10, 0.35);
    inst.deposit_ratio = deposit_ratio_for(inst.charter, random);
    inst.borrowers_per_staff = random.uniform(60, 220);
    inst.officer_share = random.uniform(0.40, 0.65);
    return inst;
}

constexpr std::uint64_t institution_stream(int number) {
    return static_cast<std::uint64_t>(number);
}

/// Every institution's traits (small: a few hundred bytes each), for the loans.
std::vector<Institution> make_institutions(const GenerateOptions& options) {
    std::vector<Institution> all;
    all.reserve(static_cast<std::size_t>(options.institutions));
    for (int k = 1; k <= options.institutions; ++k) {
        Random random(options.seed, institution_stream(k));
        all.push_back(make_institution(options, k, random));
    }
    return all;
}

// ---- one institution-year ----------------------------------------------------------------------

/// A cell: a number, or missing (written empty or as `NA`).
struct Cell {
    double value = 0;
    bool missing = false;
    bool integer = false;
    bool na = false; ///< written "NA" rather than empty
};

Cell amount(double value) {
    return {value, false, false, false};
}
Cell count(double value) {
    return {std::round(value), false, true, false};
}
Cell empty_cell() {
    return {0, true, false, false};
}

/// The columns of data/sample/institution_years.csv after the identifying text columns, in order.
constexpr std::array<std::string_view, 60> number_columns{
    "gross_loan_portfolio_usd",
    "par30_usd",
    "active_borrowers",
    "women_borrowers",
    "financial_revenue_usd",
    "financial_expense_usd",
    "impairment_expense_usd",
    "operating_expense_usd",
    "established_year",
    "total_assets",
    "total_liabilities",
    "total_equity",
    "net_fixed_assets",
    "cash_due_from_banks",
    "trade_investments",
    "deposits",
    "borrowings",
    "concessional_borrowings",
    "short_term_liabilities",
    "voluntary_savings",
    "voluntary_depositors",
    "impairment_loss_allowance",
    "par90_balance",
    "par91_180_balance",
    "par181_365_balance",
    "renegotiated_balance",
    "write_offs",
    "recoveries",
    "loans_outstanding_n",
    "loans_disbursed_n",
    "loans_disbursed_value",
    "portfolio_interest_fee_income",
    "fin_expense_funding",
    "fin_expense_concessional",
    "net_operating_income",
    "taxes",
    "donations",
    "inkind_subsidy",
    "active_borrowers_rural",
    "active_clients",
    "active_clients_begin",
    "new_clients",
    "personnel",
    "loan_officers",
    "poorest_clients_at_first_loan",
    "poorest_women_clients",
    "clients_with_microinsurance",
    "hh_surveyed",
    "hh_with_child_labour",
    "enterprises_surveyed",
    "enterprises_registered",
    "enterprises_with_new_osh_measure",
    "employees_in_client_enterprises",
    "clients_surveyed",
    "clients_multiple_lenders",
    "points_achieved",
    "points_possible",
    "ppi_clients_sampled",
    "ppi_poverty_likelihood_sum",
    "",
};

constexpr std::size_t column_count = number_columns.size() - 1;

/// The index of a number column, found at compile time (a misspelt name does not compile).
consteval std::size_t col(std::string_view name) {
    for (std::size_t i = 0; i < column_count; ++i) {
        if (number_columns[i] == name) {
            return i;
        }
    }
    throw "unknown column";
}

/// One institution-year: the number cells in header order.
class Row {
public:
    Row() { cells_.fill(empty_cell()); }
    void set(std::size_t column, Cell cell) { cells_[column] = cell; }
    [[nodiscard]] const Cell& get(std::size_t column) const { return cells_[column]; }
    Cell& at(std::size_t column) { return cells_[column]; }
    [[nodiscard]] const std::array<Cell, column_count>& cells() const { return cells_; }

private:
    std::array<Cell, column_count> cells_{};
};

/// What carries over from one year to the next.
struct Carry {
    double portfolio = 0;
    double average_loan = 0;
    double borrowers = 0;
    double clients = 0;
};

void fill_portfolio(Row& row, const Institution& inst, int year, Random& random, Carry& carry) {
    carry.portfolio *= 1.0 + inst.growth + random.uniform(-0.04, 0.04);
    carry.average_loan *= random.uniform(0.99, 1.04);
    double borrowers = std::round(std::max(50.0, carry.portfolio / carry.average_loan));
    if (borrowers == carry.borrowers) {
        borrowers += 1; // never a carried-forward count (stale-figure)
    }
    carry.borrowers = borrowers;
    // PAR was higher in the pandemic years.
    const double stress = (year == 2020 || year == 2021) ? random.uniform(0.01, 0.04) : 0.0;
    const double par30 =
        carry.portfolio * std::min(0.15, inst.par30_rate * random.uniform(0.8, 1.2) + stress);
    const double par90 = par30 * random.uniform(0.35, 0.65);
    const double bucket = par90 * random.uniform(0.5, 0.7);
    row.set(col("gross_loan_portfolio_usd"), amount(carry.portfolio));
    row.set(col("par30_usd"), amount(par30));
    row.set(col("par90_balance"), amount(par90));
    row.set(col("par91_180_balance"), amount(bucket));
    row.set(col("par181_365_balance"), amount(par90 - bucket));
    row.set(col("active_borrowers"), count(borrowers));
    row.set(col("women_borrowers"), count(borrowers * inst.women_share));
    row.set(col("active_borrowers_rural"), count(borrowers * inst.rural_share));
    row.set(col("impairment_loss_allowance"), amount(par30 * random.uniform(0.6, 1.3)));
    row.set(col("renegotiated_balance"), amount(carry.portfolio * random.uniform(0.0, 0.02)));
    const double write_offs = carry.portfolio * random.uniform(0.002, 0.02);
    row.set(col("write_offs"), amount(write_offs));
    row.set(col("recoveries"), amount(write_offs * random.uniform(0.05, 0.3)));
    const double outstanding = std::round(borrowers * random.uniform(1.0, 1.15));
    const double disbursed = std::round(outstanding * random.uniform(1.0, 1.4));
    row.set(col("loans_outstanding_n"), count(outstanding));
    row.set(col("loans_disbursed_n"), count(disbursed));
    row.set(col("loans_disbursed_value"),
            amount(disbursed * carry.average_loan * random.uniform(1.0, 1.3)));
}

bool pays_tax(Charter charter) {
    return charter == Charter::bank || charter == Charter::nbfi || charter == Charter::rural_bank;
}

void fill_income(Row& row, const Institution& inst, Random& random) {
    const double portfolio = row.get(col("gross_loan_portfolio_usd")).value;
    const double revenue = portfolio * inst.yield * random.uniform(0.95, 1.05);
    const double fin_expense = portfolio * random.uniform(0.03, 0.10);
    const double impairment = portfolio * random.uniform(0.005, 0.04);
    const double oss = inst.self_sufficiency * random.uniform(0.95, 1.05);
    const double opex = std::max(0.05 * portfolio, revenue / oss - fin_expense - impairment);
    const double income = revenue - fin_expense - impairment - opex;
    row.set(col("financial_revenue_usd"), amount(revenue));
    row.set(col("financial_expense_usd"), amount(fin_expense));
    row.set(col("impairment_expense_usd"), amount(impairment));
    row.set(col("operating_expense_usd"), amount(opex));
    row.set(col("net_operating_income"), amount(income));
    row.set(col("portfolio_interest_fee_income"), amount(revenue * random.uniform(0.85, 0.97)));
    row.set(col("fin_expense_funding"), amount(fin_expense * random.uniform(0.80, 0.95)));
    row.set(col("taxes"), amount(pays_tax(inst.charter) && income > 0 ? 0.25 * income : 0.0));
    row.set(col("donations"),
            amount(inst.charter == Charter::ngo ? revenue * random.uniform(0.0, 0.05) : 0.0));
    const bool subsidised = inst.charter == Charter::ngo || inst.charter == Charter::cooperative;
    row.set(col("inkind_subsidy"), amount(subsidised ? opex * random.uniform(0.0, 0.03) : 0.0));
}

void fill_balance_sheet(Row& row, const Institution& inst, int index, Random& random) {
    const double portfolio = row.get(col("gross_loan_portfolio_usd")).value;
    const double assets = portfolio / inst.portfolio_share_of_assets;
    const bool negative = inst.number % 200 == 77 && index >= inst.last_index - 1;
    const double equity = negative ? -assets * random.uniform(0.02, 0.08)
                                   : assets * inst.equity_ratio * random.uniform(0.9, 1.1);
    const double liabilities = assets - equity;
    const double deposits = assets * inst.deposit_ratio;
    const double borrowings = std::max(0.0, liabilities * 0.95 - deposits);
    const double concessional = borrowings * random.uniform(0.05, 0.30);
    const double savings = deposits * random.uniform(0.6, 1.0);
    row.set(col("total_assets"), amount(assets));
    row.set(col("total_liabilities"), amount(liabilities));
    row.set(col("total_equity"), amount(equity));
    row.set(col("net_fixed_assets"), amount(assets * random.uniform(0.01, 0.05)));
    row.set(col("cash_due_from_banks"), amount(assets * random.uniform(0.05, 0.15)));
    row.set(col("trade_investments"), amount(assets * random.uniform(0.0, 0.05)));
    row.set(col("deposits"), amount(deposits));
    row.set(col("borrowings"), amount(borrowings));
    row.set(col("concessional_borrowings"), amount(concessional));
    row.set(col("short_term_liabilities"), amount(liabilities * random.uniform(0.2, 0.4)));
    row.set(col("voluntary_savings"), amount(savings));
    row.set(col("voluntary_depositors"),
            count(savings > 0 ? savings / (inst.average_loan * random.uniform(0.3, 0.8)) : 0.0));
    row.set(col("fin_expense_concessional"), amount(concessional * random.uniform(0.02, 0.05)));
}

void fill_clients(Row& row, const Institution& inst, Random& random, Carry& carry) {
    const double borrowers = row.get(col("active_borrowers")).value;
    const double clients = std::round(borrowers * random.uniform(1.0, 1.3));
    const double begin = carry.clients > 0 ? carry.clients : std::round(clients * 0.9);
    carry.clients = clients;
    const double personnel = std::max(3.0, std::round(borrowers / inst.borrowers_per_staff));
    row.set(col("active_clients"), count(clients));
    row.set(col("active_clients_begin"), count(begin));
    row.set(col("new_clients"), count(clients * random.uniform(0.15, 0.35)));
    row.set(col("personnel"), count(personnel));
    row.set(col("loan_officers"), count(std::floor(personnel * inst.officer_share)));
    if (inst.number % 2 == 0) {
        const double poorest = clients * random.uniform(0.2, 0.5);
        row.set(col("poorest_clients_at_first_loan"), count(poorest));
        row.set(col("poorest_women_clients"), count(poorest * inst.women_share));
    }
    if (inst.number % 5 == 1 || inst.number % 5 == 2) {
        row.set(col("clients_with_microinsurance"), count(clients * random.uniform(0.1, 0.6)));
    }
}

/// Client surveys (every year, k % 7 == 3), SPI4 audits (odd k, even years) and PPI
/// scorecards (k % 3 == 2): not annual and not universal, empty elsewhere.
void fill_surveys(Row& row, const Institution& inst, int year, Random& random) {
    if (inst.number % 7 == 3) {
        const double households = std::round(random.uniform(200, 600));
        const double enterprises = std::round(households * random.uniform(0.5, 0.9));
        row.set(col("hh_surveyed"), count(households));
        row.set(col("hh_with_child_labour"), count(households * random.uniform(0.02, 0.15)));
        row.set(col("enterprises_surveyed"), count(enterprises));
        row.set(col("enterprises_registered"), count(enterprises * random.uniform(0.1, 0.5)));
        row.set(col("enterprises_with_new_osh_measure"),
                count(enterprises * random.uniform(0.05, 0.3)));
        row.set(col("employees_in_client_enterprises"),
                count(enterprises * random.uniform(1.0, 3.0)));
        row.set(col("clients_surveyed"), count(households));
        row.set(col("clients_multiple_lenders"), count(households * random.uniform(0.1, 0.4)));
    }
    if (inst.number % 2 == 1 && year % 2 == 0) {
        const double possible = inst.number % 4 == 1 ? 92 : 100;
        row.set(col("points_achieved"), count(possible * random.uniform(0.40, 0.95)));
        row.set(col("points_possible"), count(possible));
    }
    if (inst.number % 3 == 2) {
        const double sampled = std::round(random.uniform(100, 400));
        row.set(col("ppi_clients_sampled"), count(sampled));
        row.set(col("ppi_poverty_likelihood_sum"), amount(sampled * random.uniform(0.1, 0.5)));
    }
}

/// The planted problems of generate.hpp, on the first reported and the last year.
void plant_problems(Row& row, const Institution& inst, int index) {
    const int k = inst.number;
    if (index == inst.first_index) {
        if (k % 20 == 3) {
            row.at(col("women_borrowers")).missing = true;
        }
        if (k % 20 == 13) {
            row.at(col("par30_usd")).missing = true;
            row.at(col("par90_balance")).missing = true;
            row.at(col("par91_180_balance")).missing = true;
            row.at(col("par181_365_balance")).missing = true;
        }
        if (k % 25 == 9) {
            row.at(col("operating_expense_usd")).missing = true;
            row.at(col("operating_expense_usd")).na = true;
        }
    }
    if (index != inst.last_index) {
        return;
    }
    if (k % 40 == 11) {
        row.at(col("operating_expense_usd")).value *= -1.0;
    } else if (k % 40 == 21) {
        row.at(col("par90_balance")).value = row.get(col("par30_usd")).value * 1.3;
    } else if (k % 40 == 31) {
        row.at(col("women_borrowers")).value = row.get(col("active_borrowers")).value + 25;
    }
}

Row make_row(const Institution& inst, int index, int year, Random& random, Carry& carry) {
    Row row;
    fill_portfolio(row, inst, year, random, carry);
    fill_income(row, inst, random);
    fill_balance_sheet(row, inst, index, random);
    fill_clients(row, inst, random, carry);
    fill_surveys(row, inst, year, random);
    row.set(col("established_year"), count(inst.established));
    plant_problems(row, inst, index);
    return row;
}

/// Calls `visit(institution, year, row)` for every institution-year of the panel, in file order.
template <typename Visit> void for_each_row(const GenerateOptions& options, Visit&& visit) {
    for (int k = 1; k <= options.institutions; ++k) {
        Random random(options.seed, institution_stream(k));
        const Institution inst = make_institution(options, k, random);
        Carry carry{inst.portfolio, inst.average_loan, 0, 0};
        for (int index = 0; index < options.years; ++index) {
            const int year = first_year_of(options) + index;
            // Rows not written are still drawn, so that a gap does not shift later values.
            const Row row = make_row(inst, index, year, random, carry);
            if (index >= inst.first_index && index != inst.gap_index) {
                visit(inst, year, row);
            }
        }
    }
}

// ---- writing -----------------------------------------------------------------------------------

/// Buffered writing to the pending file; errors are remembered, reported at the end.
class Sink {
public:
    explicit Sink(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
        if (file_ == nullptr) {
            error_ = std::strerror(errno);
        }
        buffer_.reserve(capacity + 4096);
    }
    ~Sink() {
        if (file_ != nullptr) {
            std::fclose(file_);
        }
    }
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;
    Sink(Sink&&) = delete;
    Sink& operator=(Sink&&) = delete;

    std::string& buffer() { return buffer_; }
    /// Writes the buffer out once it is full (call after each row).
    void maybe_flush() {
        if (buffer_.size() >= capacity) {
            flush();
        }
    }
    /// Writes everything and closes the file; false (with error()) on any failure.
    bool close() {
        flush();
        if (file_ != nullptr && std::fclose(file_) != 0 && error_.empty()) {
            error_ = std::strerror(errno);
        }
        file_ = nullptr;
        return error_.empty();
    }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] std::uint64_t bytes() const { return bytes_; }

private:
    static constexpr std::size_t capacity = std::size_t{1} << 20U;
    void flush() {
        if (file_ != nullptr && error_.empty() && !buffer_.empty() &&
            std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
            error_ = std::strerror(errno);
        }
        bytes_ += buffer_.size();
        buffer_.clear();
    }
    std::FILE* file_ = nullptr;
    std::string buffer_;
    std::string error_;
    std::uint64_t bytes_ = 0;
};

/// A text field, quoted when it holds a comma, a quote or a line break (RFC 4180).
void put_text(std::string& out, std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    out += '"';
}

void put_cell(std::string& out, const Cell& cell) {
    if (cell.missing) {
        out += cell.na ? "NA" : "";
    } else if (cell.integer) {
        fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(cell.value));
    } else {
        // "-0.00" would be a negative value to the loader; a tiny amount is 0.
        fmt::format_to(std::back_inserter(out), "{:.2f}",
                       std::fabs(cell.value) < 0.005 ? 0.0 : cell.value);
    }
}

constexpr std::string_view panel_header =
    "mfi_id,mfi_name,country_iso3,region,fiscal_year,currency,gross_loan_portfolio_usd,par30_usd,"
    "active_borrowers,women_borrowers,financial_revenue_usd,financial_expense_usd,"
    "impairment_expense_usd,operating_expense_usd,legal_form,established_year,total_assets,"
    "total_liabilities,total_equity,net_fixed_assets,cash_due_from_banks,trade_investments,"
    "deposits,borrowings,concessional_borrowings,short_term_liabilities,voluntary_savings,"
    "voluntary_depositors,impairment_loss_allowance,par90_balance,par91_180_balance,"
    "par181_365_balance,renegotiated_balance,write_offs,recoveries,loans_outstanding_n,"
    "loans_disbursed_n,loans_disbursed_value,portfolio_interest_fee_income,fin_expense_funding,"
    "fin_expense_concessional,net_operating_income,taxes,donations,inkind_subsidy,"
    "active_borrowers_rural,active_clients,active_clients_begin,new_clients,personnel,"
    "loan_officers,poorest_clients_at_first_loan,poorest_women_clients,"
    "clients_with_microinsurance,hh_surveyed,hh_with_child_labour,enterprises_surveyed,"
    "enterprises_registered,enterprises_with_new_osh_measure,employees_in_client_enterprises,"
    "clients_surveyed,clients_multiple_lenders,points_achieved,points_possible,"
    "ppi_clients_sampled,ppi_poverty_likelihood_sum\n";

/// The header's columns in order, after the six identifying ones: number columns except
/// legal_form (text) which sits between operating_expense_usd and established_year.
void put_row(std::string& out, const Institution& inst, int year, const Row& row) {
    put_text(out, inst.id);
    out += ',';
    put_text(out, inst.name);
    fmt::format_to(std::back_inserter(out), ",{},{},{},USD", inst.country, inst.region->name, year);
    for (std::size_t i = 0; i < column_count; ++i) {
        out += ',';
        if (number_columns[i] == "established_year") {
            out += charter_name(inst.charter);
            out += ',';
        }
        put_cell(out, row.cells()[i]);
    }
    out += '\n';
}

std::uint64_t write_panel(const GenerateOptions& options, Sink& sink) {
    sink.buffer() += panel_header;
    std::uint64_t rows = 0;
    for_each_row(options, [&](const Institution& inst, int year, const Row& row) {
        put_row(sink.buffer(), inst, year, row);
        sink.maybe_flush();
        ++rows;
    });
    return rows;
}

// ---- loans -------------------------------------------------------------------------------------

/// Days since 1970-01-01 to a civil date and back (H. Hinnant's algorithms).
long days_from_civil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<long>(era) * 146097 + doe - 719468;
}

void put_date(std::string& out, long days) {
    days += 719468;
    const long era = (days >= 0 ? days : days - 146096) / 146097;
    const long doe = days - era * 146097;
    const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long mp = (5 * doy + 2) / 153;
    const long d = doy - (153 * mp + 2) / 5 + 1;
    const long m = mp < 10 ? mp + 3 : mp - 9;
    const long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}", y, m, d);
}

constexpr std::array<std::string_view, 8> sectors{"Agriculture", "Retail",        "Food",
                                                  "Services",    "Manufacturing", "Transportation",
                                                  "Housing",     "Education"};

/// Days overdue at the reporting date: most loans current, a tail in each ageing bucket.
long days_overdue(Random& random, double par30_rate) {
    const double u = random.unit();
    if (u < par30_rate) {
        const double v = random.unit();
        if (v < 0.45) {
            return 31 + static_cast<long>(random.below(60));
        }
        if (v < 0.75) {
            return 91 + static_cast<long>(random.below(90));
        }
        return v < 0.95 ? 181 + static_cast<long>(random.below(185))
                        : 366 + static_cast<long>(random.below(400));
    }
    return u < par30_rate + 0.06 ? 1 + static_cast<long>(random.below(30)) : 0;
}

void put_loan(std::string& out, std::int64_t number, const Institution& inst, Random& random,
              long window_start, long report_day) {
    const long disbursed = window_start + static_cast<long>(random.below(3 * 365));
    const int term = 3 + static_cast<int>(random.below(34));
    const double amount_usd =
        std::round(inst.average_loan * random.uniform(0.3, 1.7) / 5.0) * 5.0 + 25.0;
    const double elapsed_months = static_cast<double>(report_day - disbursed) / 30.4;
    // Overdue since a missed instalment: the first falls due a month after disbursement.
    const long overdue =
        std::min(days_overdue(random, inst.par30_rate), std::max(0L, report_day - disbursed - 30));
    // Repaid on schedule, or until the first missed instalment (then something is still owed).
    double paid_months = std::max(0.0, elapsed_months - static_cast<double>(overdue) / 30.4);
    if (overdue > 0) {
        paid_months = std::min(paid_months, static_cast<double>(term - 1));
    }
    const double balance =
        amount_usd * std::max(0.0, 1.0 - paid_months / static_cast<double>(term));
    const double funded = number % 10000 == 5000 ? amount_usd * 1.1
                          : random.chance(0.9)   ? amount_usd
                                               : std::round(amount_usd * random.uniform(0.5, 1.0));
    const bool female = random.chance(inst.women_share);
    const bool rural = random.chance(inst.rural_share);
    fmt::format_to(std::back_inserter(out), "L{:010},{},{},USD,", number, inst.id, inst.country);
    put_date(out, disbursed);
    fmt::format_to(std::back_inserter(out), ",{},{:.2f},{:.2f},{:.2f},{},{},{},{}\n", term,
                   amount_usd, funded, balance, overdue,
                   number % 1000 == 500 ? "" : (female ? "female" : "male"), rural ? 1 : 0,
                   sectors[random.below(sectors.size())]);
}

std::uint64_t write_loans(const GenerateOptions& options, Sink& sink) {
    sink.buffer() += "loan_id,institution_id,country_iso3,currency,disbursed_date,term_months,"
                     "loan_amount,funded_amount,outstanding_balance,days_overdue,borrower_gender,"
                     "rural,sector\n";
    const std::vector<Institution> institutions = make_institutions(options);
    // Loans disbursed in the last three years, their balance as of the last year's end.
    const long window_start = days_from_civil(options.last_year - 2, 1, 1);
    const long report_day = days_from_civil(options.last_year, 12, 31);
    Random random(options.seed, 0xa11ca7e5ULL); // the loans' own stream
    for (std::int64_t j = 1; j <= options.loans; ++j) {
        const auto& inst = institutions[random.below(institutions.size())];
        put_loan(sink.buffer(), j, inst, random, window_start, report_day);
        sink.maybe_flush();
    }
    return static_cast<std::uint64_t>(options.loans);
}

// ---- targets -----------------------------------------------------------------------------------

/// Sums over the valid values of one year, as the indicator engine would aggregate them
/// (missing and impossible values left out; ratios over records that have both parts).
struct YearTotals {
    double borrowers = 0;
    double portfolio = 0;
    double women = 0, women_base = 0;
    double par30 = 0, par30_base = 0;
    double revenue = 0, costs = 0;
};

bool valid(const Cell& cell) {
    return !cell.missing && cell.value >= 0;
}

void add_row(YearTotals& totals, const Row& row) {
    const Cell& borrowers = row.get(col("active_borrowers"));
    const Cell& portfolio = row.get(col("gross_loan_portfolio_usd"));
    totals.borrowers += borrowers.value;
    totals.portfolio += portfolio.value;
    const Cell& women = row.get(col("women_borrowers"));
    if (valid(women) && women.value <= borrowers.value) {
        totals.women += women.value;
        totals.women_base += borrowers.value;
    }
    const Cell& par30 = row.get(col("par30_usd"));
    if (valid(par30)) {
        totals.par30 += par30.value;
        totals.par30_base += portfolio.value;
    }
    const Cell& opex = row.get(col("operating_expense_usd"));
    if (valid(opex)) {
        totals.revenue += row.get(col("financial_revenue_usd")).value;
        totals.costs += row.get(col("financial_expense_usd")).value +
                        row.get(col("impairment_expense_usd")).value + opex.value;
    }
}

/// Rounds to 3 significant digits, so that the baselines read like agreed figures. Powers of
/// ten are exact doubles: large values are multiples of one, small ones divided by one.
double round3(double value) {
    if (value <= 0) {
        return 0;
    }
    double power = 1;
    if (value >= 1000) {
        while (value / power >= 1000) {
            power *= 10;
        }
        return std::round(value / power) * power;
    }
    while (value * power < 100) {
        power *= 10;
    }
    return std::round(value * power) / power;
}

void put_target(std::string& out, std::string_view indicator, std::string_view scope,
                std::string_view comment, int base_year, double baseline, int target_year,
                double target) {
    fmt::format_to(std::back_inserter(out), "\n[[target]]\nindicator = \"{}\"{}\n", indicator,
                   comment.empty() ? "" : fmt::format("  # {}", comment));
    if (!scope.empty()) {
        fmt::format_to(std::back_inserter(out), "scope = \"{}\"\n", scope);
    }
    fmt::format_to(std::back_inserter(out),
                   "baseline = {{ year = {}, value = {} }}\ntarget = {{ year = {}, value = {} }}\n",
                   base_year, baseline, target_year, target);
}

std::uint64_t write_targets(const GenerateOptions& options, Sink& sink) {
    const int base_year = first_year_of(options);
    YearTotals all;
    std::map<std::string_view, YearTotals> by_region;
    for_each_row(options, [&](const Institution& inst, int year, const Row& row) {
        if (year == base_year) {
            add_row(all, row);
            add_row(by_region[inst.region->name], row);
        }
    });
    std::string& out = sink.buffer();
    fmt::format_to(std::back_inserter(out),
                   "# Targets for the generated panel: `sfpgen generate targets --institutions {} "
                   "--years {} --seed {}`.\n# SYNTHETIC: baselines are the {} aggregates of that "
                   "panel (3 significant digits), targets\n# are fixed multiples of them. Format: "
                   "docs/indicators.md, \"Targets and status\".\n",
                   options.institutions, options.years, options.seed, base_year);
    const int target_year = options.last_year + 2;
    std::uint64_t written = 0;
    const auto put = [&](std::string_view id, std::string_view scope, std::string_view comment,
                         double baseline, double target) {
        put_target(out, id, scope, comment, base_year, baseline, target_year, target);
        ++written;
    };
    put("OUT-01", "", "active borrowers, up", round3(all.borrowers), round3(all.borrowers * 1.6));
    put("OUT-03", "", "gross loan portfolio (USD), up", round3(all.portfolio),
        round3(all.portfolio * 1.8));
    if (all.women_base > 0) {
        const double share = round3(all.women / all.women_base);
        put("OUT-06", "", "women's share of borrowers, up", share, std::min(0.99, share + 0.03));
    }
    if (all.par30_base > 0) {
        const double par = round3(all.par30 / all.par30_base);
        put("PQ-01", "", "PAR30, down", par, round3(par * 0.75));
    }
    if (all.costs > 0) {
        const double oss = round3(all.revenue / all.costs);
        put("FIN-01", "", "operational self-sufficiency, up", oss, round3(oss * 1.05));
    }
    for (const auto& [region, totals] : by_region) {
        put("OUT-01", fmt::format("region:{}", region), "", round3(totals.borrowers),
            round3(totals.borrowers * 1.6));
    }
    out += "\n[[guard_rail]]\nindicator = \"FIN-01\"\nbelow = 1.0\nlabel = \"not covering "
           "costs\"\n";
    return written;
}

bool in_range(Diagnostics& diagnostics, std::string_view option, std::int64_t value,
              std::int64_t low, std::int64_t high) {
    if (value >= low && value <= high) {
        return true;
    }
    diagnostics.error({}, fmt::format("--{}: expected a whole number from {} to {}; found {}",
                                      option, low, high, value));
    return false;
}

} // namespace

std::optional<GenerateKind> parse_generate_kind(std::string_view text) {
    if (text == "panel") {
        return GenerateKind::panel;
    }
    if (text == "loans") {
        return GenerateKind::loans;
    }
    if (text == "targets") {
        return GenerateKind::targets;
    }
    return std::nullopt;
}

std::string default_output(GenerateKind kind) {
    switch (kind) {
    case GenerateKind::panel:
        return "output/generated-panel.csv";
    case GenerateKind::loans:
        return "output/generated-loans.csv";
    case GenerateKind::targets:
        return "output/generated-targets.toml";
    }
    return "output/generated.csv";
}

bool check_generate_options(const GenerateOptions& options, Diagnostics& diagnostics) {
    bool ok = in_range(diagnostics, "institutions", options.institutions, 1, 1'000'000);
    ok = in_range(diagnostics, "years", options.years, 1, 100) && ok;
    ok = in_range(diagnostics, "last-year", options.last_year, 1901, 2200) && ok;
    ok = in_range(diagnostics, "loans", options.loans, 1, 10'000'000'000) && ok;
    if (ok && first_year_of(options) < 1900) {
        diagnostics.error({}, fmt::format("--years: the panel would start in {}, before 1900",
                                          first_year_of(options)));
        ok = false;
    }
    return ok;
}

ExitCode generate_data(const GenerateOptions& options, Diagnostics& diagnostics,
                       GenerateSummary& summary) {
    if (!check_generate_options(options, diagnostics)) {
        return ExitCode::usage;
    }
    summary.path = options.output.empty() ? default_output(options.kind) : options.output;
    const std::string folder = std::filesystem::path(summary.path).parent_path().string();
    if (!folder.empty() && !prepare_output_dir(folder, diagnostics)) {
        return ExitCode::output;
    }
    PendingFile pending(summary.path);
    if (!pending.created(diagnostics)) {
        return ExitCode::output;
    }
    Sink sink(pending.temp_path());
    switch (options.kind) {
    case GenerateKind::panel:
        summary.rows = write_panel(options, sink);
        break;
    case GenerateKind::loans:
        summary.rows = write_loans(options, sink);
        break;
    case GenerateKind::targets:
        summary.rows = write_targets(options, sink);
        break;
    }
    if (!sink.close()) {
        diagnostics.error({summary.path, 0, 0},
                          fmt::format("cannot write output file: {}", sink.error()));
        return ExitCode::output;
    }
    summary.bytes = sink.bytes();
    return pending.commit(diagnostics) ? ExitCode::ok : ExitCode::output;
}

} // namespace sfp
