// aggregate_loans (sfp/loans.hpp): every figure checked against values computed here from the
// rows the test writes; the file's shapes (quotes, CRLF, BOM, blocks, the 2-thread split) must
// not change them.

#include "sfp/config.hpp"
#include "sfp/csv.hpp"
#include "sfp/loans.hpp"
#include "sfp/sources.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
const std::string source_dir = SFPGEN_SOURCE_DIR;

/// A folder unique to this process, removed at exit.
struct TempDir {
    fs::path path = fs::temp_directory_path() / fmt::format("sfp-loans-test-{}", ::getpid());
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
};

TempDir& temp() {
    static TempDir dir;
    return dir;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

/// One loan as the test writes it; `balance` in cents, -1 = missing.
struct Loan {
    std::string institution;
    std::string currency = "USD";
    std::string date = "2024-03-01";
    long amount_cents = 10000;
    long balance_cents = 5000;
    long days = 0; ///< -1: missing
    std::string gender = "female";
    std::string rural = "1";
    std::string sector = "Retail";
};

std::string cents_text(long cents) {
    return fmt::format("{}.{:02}", cents / 100, cents % 100);
}

const char* header = "loan_id,institution_id,country_iso3,currency,disbursed_date,loan_amount,"
                     "outstanding_balance,days_overdue,borrower_gender,rural,sector";

std::string loan_line(std::size_t n, const Loan& loan, const std::string& end = "\n") {
    return fmt::format("L{},{},KEN,{},{},{},{},{},{},{},{}{}", n, loan.institution, loan.currency,
                       loan.date, cents_text(loan.amount_cents),
                       loan.balance_cents < 0 ? "" : cents_text(loan.balance_cents),
                       loan.days < 0 ? "NA" : std::to_string(loan.days), loan.gender, loan.rural,
                       loan.sector, end);
}

/// A config with one loan source over `csv` (all columns mapped unless `omit` names one).
fs::path config_for(const std::string& name, const std::string& extra = "",
                    const std::string& omit = "") {
    std::string columns;
    for (const char* field :
         {"loan_id", "institution_id", "country_iso3", "currency", "loan_amount",
          "outstanding_balance", "days_overdue", "borrower_gender", "rural", "sector"}) {
        if (field != omit) {
            columns += fmt::format("{0} = \"{0}\"\n", field);
        }
    }
    const fs::path config = temp().path / (name + ".toml");
    write(config, fmt::format("[[source]]\nname = \"{}\"\npath = \"{}.csv\"\nrecord = \"loan\"\n{}"
                              "\n[source.columns]\n{}disbursed_date = {{ column = "
                              "\"disbursed_date\", format = \"iso\" }}\n",
                              name, name, extra, columns));
    return config;
}

std::string messages(const sfp::Diagnostics& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics.items()) {
        text += sfp::to_string(d) + "\n";
    }
    return text;
}

sfp::LoanPortfolio run(const fs::path& config, sfp::LoanOptions options = {}) {
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config.string(), diagnostics);
    INFO(messages(diagnostics));
    REQUIRE(spec.has_value());
    REQUIRE(spec->sources.size() == 1);
    auto result = sfp::aggregate_loans(spec->sources[0], options, diagnostics);
    INFO(messages(diagnostics));
    REQUIRE(result.has_value());
    return std::move(*result);
}

/// The figures of one institution computed from the loans (cents), independently.
struct Expected {
    long loans = 0, outstanding = 0, women = 0, known = 0, rural = 0;
    long portfolio = 0, par30 = 0, par90 = 0, disbursed_n = 0, disbursed_value = 0;
};

std::map<std::string, Expected> expected_of(const std::vector<Loan>& loans) {
    std::map<std::string, Expected> out;
    for (const auto& loan : loans) {
        Expected& e = out[loan.institution];
        ++e.loans;
        if (loan.balance_cents >= 0) {
            e.portfolio += loan.balance_cents;
            e.outstanding += loan.balance_cents > 0 ? 1 : 0;
            e.par30 += loan.days > 30 ? loan.balance_cents : 0;
            e.par90 += loan.days > 90 ? loan.balance_cents : 0;
        }
        e.known += loan.gender == "female" || loan.gender == "male" ? 1 : 0;
        e.women += loan.gender == "female" ? 1 : 0;
        e.rural += loan.rural == "1" ? 1 : 0;
        if (loan.date.substr(0, 4) == "2024") {
            ++e.disbursed_n;
            e.disbursed_value += loan.amount_cents;
        }
    }
    return out;
}

/// Deterministic pseudo-random loans (a linear congruential generator: the test's own).
std::vector<Loan> some_loans(std::size_t count) {
    std::vector<Loan> loans;
    std::uint64_t state = 12345;
    const auto next = [&](std::uint64_t below) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state >> 33) % below;
    };
    const std::vector<std::string> genders{"female", "male", "", "female"};
    for (std::size_t i = 0; i < count; ++i) {
        Loan loan;
        loan.institution = fmt::format("MFI-{:03}", next(7));
        loan.date = fmt::format("{}-{:02}-15", 2023 + static_cast<int>(next(2)), 1 + next(12));
        loan.amount_cents = static_cast<long>(1000 + next(500000));
        loan.balance_cents = static_cast<long>(next(static_cast<std::uint64_t>(loan.amount_cents)));
        loan.days = static_cast<long>(next(4) == 0 ? next(200) : 0);
        loan.gender = genders[next(genders.size())];
        loan.rural = next(3) == 0 ? "1" : "0";
        loans.push_back(loan);
    }
    return loans;
}

void check_against(const sfp::LoanPortfolio& result, const std::vector<Loan>& loans) {
    const auto expected = expected_of(loans);
    REQUIRE(result.institutions.size() == expected.size());
    for (const auto& inst : result.institutions) {
        INFO(inst.institution_id);
        const Expected& e = expected.at(inst.institution_id);
        const auto& t = inst.totals;
        CHECK(t.loans_used == e.loans);
        CHECK(t.loans_outstanding_n == e.outstanding);
        CHECK(t.gross_loan_portfolio.cents == e.portfolio);
        CHECK(t.par30_balance.cents == e.par30);
        CHECK(t.par90_balance.cents == e.par90);
        CHECK(t.women_loans == e.women);
        CHECK(t.gender_known_loans == e.known);
        CHECK(t.rural_loans == e.rural);
        const auto par30 = sfp::par_ratio(result, t, 30);
        if (e.portfolio > 0) {
            REQUIRE(par30.value.has_value());
            CHECK(*par30.value ==
                  Approx(static_cast<double>(e.par30) / static_cast<double>(e.portfolio)));
        }
        const auto year = std::find_if(inst.disbursed.begin(), inst.disbursed.end(),
                                       [](const sfp::DisbursedYear& y) { return y.year == 2024; });
        REQUIRE(year != inst.disbursed.end());
        CHECK(year->loans == e.disbursed_n);
        CHECK(year->value.cents == e.disbursed_value);
    }
}

} // namespace

TEST_CASE("loans: PAR, disbursements and outreach per institution", "[loans]") {
    std::vector<Loan> loans{
        {"A", "USD", "2024-01-10", 10000, 8000, 30, "female", "1", "Retail"}, // 30: not PAR30
        {"A", "USD", "2024-02-10", 20000, 15050, 31, "male", "0", "Retail"},  // PAR30
        {"A", "USD", "2023-12-31", 30000, 12345, 90, "female", "0", "Food"},  // not PAR90
        {"A", "USD", "2024-05-01", 40000, 1001, 91, "female", "1", "Food"},   // PAR90
        {"B", "USD", "2024-06-01", 5000, 0, 0, "", "1", "Services"},          // repaid
        {"B", "USD", "2024-07-01", 7000, 6999, 120, "male", "0", "Services"},
    };
    std::string csv = std::string(header) + "\n";
    for (std::size_t i = 0; i < loans.size(); ++i) {
        csv += loan_line(i + 1, loans[i]);
    }
    write(temp().path / "basic.csv", csv);
    const auto config = config_for("basic");
    for (const std::size_t block : {std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
        sfp::LoanOptions options;
        options.block_size = block;
        const auto result = run(config, options);
        INFO("block " << block);
        check_against(result, loans);
        CHECK(result.latest_fiscal_year == 2024);
        CHECK(result.stats.rows_read == 6);
        CHECK(result.issues.empty());
        const auto& a = result.institutions[0].totals;
        CHECK(a.par30_balance.cents == 15050 + 12345 + 1001);
        CHECK(a.par90_balance.cents == 1001);
        CHECK(*sfp::women_share(result, a).value == Approx(3.0 / 4.0));
        const auto& b = result.institutions[1].totals;
        CHECK(b.gender_unknown_loans == 1);
        CHECK(*sfp::women_share(result, b).value == 0.0);
        CHECK(*sfp::rural_share(result, b).value == Approx(0.5));
    }
}

/// `loan_line` with a blank around every value: trimming gives the same loan, but only the
/// general row path trims (the fast path takes values written plainly).
std::string padded_line(std::size_t n, const Loan& loan) {
    std::string line = loan_line(n, loan);
    line.pop_back(); // the LF
    std::string out;
    for (const char c : line) {
        out += c == ',' ? std::string(" ,\t") : std::string(1, c);
    }
    return " " + out + " \n";
}

TEST_CASE("loans: plain and blank-padded rows give the same figures (fast and general path)",
          "[loans]") {
    auto loans = some_loans(600);
    std::uint64_t state = 99;
    const auto next = [&](std::uint64_t below) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state >> 33) % below;
    };
    for (auto& loan : loans) {
        if (next(3) == 0) { // ids longer than a hash slot holds
            loan.institution = "MICROFINANCE-INSTITUTION-" + loan.institution;
        }
        // Ten years (more than the four kept inline per institution), leap days included.
        const int year = next(4) == 0 ? 2024 : 2015 + static_cast<int>(next(10));
        const bool leap = year % 4 == 0;
        loan.date = next(8) == 0 && leap
                        ? fmt::format("{}-02-29", year)
                        : fmt::format("{}-{:02}-{:02}", year, 1 + next(12), 1 + next(28));
    }
    std::string plain = std::string(header) + "\n";
    std::string padded = std::string(header) + "\n";
    for (std::size_t i = 0; i < loans.size(); ++i) {
        plain += loan_line(i + 1, loans[i]);
        padded += padded_line(i + 1, loans[i]);
    }
    write(temp().path / "plainrows.csv", plain);
    write(temp().path / "paddedrows.csv", padded);
    const auto fast = run(config_for("plainrows"));
    const auto general = run(config_for("paddedrows"));
    CHECK(fast.issues.empty());
    CHECK(general.issues.empty());
    check_against(fast, loans);
    check_against(general, loans);
    CHECK(sfp::portfolio_to_csv(fast, 2016) == sfp::portfolio_to_csv(general, 2016));

    // Loans and amounts per institution and year, counted here.
    std::map<std::pair<std::string, int>, std::pair<long, long>> per_year;
    for (const auto& loan : loans) {
        auto& entry = per_year[{loan.institution, std::stoi(loan.date.substr(0, 4))}];
        ++entry.first;
        entry.second += loan.amount_cents;
    }
    for (const auto* result : {&fast, &general}) {
        std::size_t years = 0;
        for (const auto& inst : result->institutions) {
            for (const auto& year : inst.disbursed) {
                INFO(inst.institution_id << " " << year.year);
                const auto& expected = per_year.at({inst.institution_id, year.year});
                CHECK(year.loans == expected.first);
                CHECK(year.value.cents == expected.second);
                ++years;
            }
        }
        CHECK(years == per_year.size());
    }
}

TEST_CASE("loans: quoted fields, CRLF, a byte order mark and missing tokens", "[loans]") {
    std::string csv = "\xEF\xBB\xBF" + std::string(header) + "\r\n";
    csv +=
        "L1,A,KEN,USD,2024-01-01,100.00,50.00,40,female,1,\"Retail, \"\"small\"\"\r\nshops\"\r\n";
    csv += "\"L2\",\"A\",KEN,USD,2024-01-02,\"200.5\",\"75.25\",\"0\",\"female\",\"yes\",x\r\n";
    csv += "L3,A,KEN,USD,2024-01-03,300,NA,N/A,NA,NA,x\r\n";
    csv += "L4,\"B\nb\",KEN,USD,2024-01-04,10,10,100,male,false,x";
    write(temp().path / "quoted.csv", csv);
    for (const std::size_t block : {std::size_t{5}, std::size_t{1} << 20}) {
        sfp::LoanOptions options;
        options.block_size = block;
        const auto result = run(config_for("quoted"), options);
        INFO(result.issues.size());
        CHECK(result.issues.empty());
        REQUIRE(result.institutions.size() == 2);
        const auto& a = result.institutions[0];
        CHECK(a.institution_id == "A");
        CHECK(a.totals.loans_used == 3);
        CHECK(a.totals.gross_loan_portfolio.cents == 5000 + 7525);
        CHECK(a.totals.balance_missing == 1);
        CHECK(a.totals.par30_balance.cents == 5000);
        CHECK(a.totals.gender_known_loans == 2);
        CHECK(a.totals.gender_unknown_loans == 1);
        CHECK(a.totals.rural_known_loans == 2);
        CHECK(a.totals.rural_loans == 2);
        CHECK(a.disbursed.at(0).value.cents == 10000 + 20050 + 30000);
        CHECK(result.institutions[1].institution_id == "B\nb");
        CHECK(result.institutions[1].totals.par90_balance.cents == 1000);
    }
}

TEST_CASE("loans: bad values are issues at file:row:column, counted by code", "[loans]") {
    std::string csv = std::string(header) + "\n";
    csv += "L1,A,KEN,USD,2024-01-01,100,abc,10,female,1,x\n";    // row 2: balance not a number
    csv += "L2,A,KEN,USD,2024-01-01,100,-5,10,female,1,x\n";     // row 3: negative balance
    csv += "L3,A,KEN,USD,2024-01-01,100,50,-1,female,1,x\n";     // row 4: negative days
    csv += "L4,A,KEN,USD,2024-01-01,100,50,1.5,female,1,x\n";    // row 5: not whole
    csv += "L5,,KEN,USD,2024-01-01,100,50,1,female,1,x\n";       // row 6: no institution
    csv += "L6,A,KEN,USD,2024-01-01,100,50\n";                   // row 7: field count
    csv += "L7,A,KEN,USD,2024-01-01,100,60,45,female,maybe,x\n"; // row 8: bad flag
    write(temp().path / "bad.csv", csv);
    sfp::LoanOptions options;
    options.max_issues = 3; // the rest are only counted
    const auto result = run(config_for("bad"), options);
    CHECK(result.issues_total == 7);
    REQUIRE(result.issues.size() == 3);
    CHECK(result.issues[0].code == "not-a-number");
    CHECK(result.issues[0].where.line == 2);
    CHECK(result.issues[0].where.column == 7);
    CHECK(result.issues[0].value == "abc");
    CHECK(result.issues[1].code == "negative-value");
    CHECK(result.issues[1].where.line == 3);
    CHECK(result.issues[2].where.line == 4);
    CHECK(result.issues[2].where.column == 8);
    CHECK(result.issues_by_code.at("missing-key") == 1);
    CHECK(result.issues_by_code.at("field-count") == 1);
    CHECK(result.issues_by_code.at("not-a-whole-number") == 1);
    CHECK(result.issues_by_code.at("not-a-flag") == 1);
    CHECK(result.stats.rows_read == 7);
    CHECK(result.stats.rows_rejected == 2);
    const auto& a = result.institutions.at(0).totals;
    CHECK(a.loans_used == 5);
    CHECK(a.gross_loan_portfolio.cents == 5000 + 5000 + 6000);
    CHECK(a.overdue_missing == 2);
    CHECK(a.par30_balance.cents == 6000);
    CHECK(*sfp::par_ratio(result, a, 30).value == Approx(6000.0 / 6000.0));
}

TEST_CASE("loans: 1 and 2 threads give the same bytes, also when the split is in quotes",
          "[loans]") {
    const auto loans = some_loans(5000);
    std::string csv = std::string(header) + "\n";
    for (std::size_t i = 0; i < loans.size(); ++i) {
        csv += loan_line(i + 1, loans[i]);
    }
    write(temp().path / "many.csv", csv);
    sfp::LoanOptions one;
    one.jobs = 1;
    sfp::LoanOptions two;
    two.jobs = 2;
    two.parallel_threshold = 0;
    two.block_size = 4096;
    const auto serial = run(config_for("many"), one);
    const auto parallel = run(config_for("many"), two);
    check_against(serial, loans);
    CHECK(parallel.threads_used == 2);
    CHECK_FALSE(parallel.split_fallback);
    CHECK(sfp::portfolio_to_csv(serial, std::nullopt) ==
          sfp::portfolio_to_csv(parallel, std::nullopt));

    // A quoted field full of line breaks over the middle of the file: chunk 1 would start
    // inside it, so the file is read serially, with the same result.
    std::string quoted = std::string(header) + "\n";
    std::vector<Loan> few(loans.begin(), loans.begin() + 200);
    for (std::size_t i = 0; i < few.size(); ++i) {
        if (i == 100) {
            few[i].sector = "\"" + std::string(20000, '\n') + "x,y\"";
        }
        quoted += loan_line(i + 1, few[i]);
    }
    few[100].sector.clear();
    write(temp().path / "split.csv", quoted);
    const auto split_serial = run(config_for("split"), one);
    const auto split_parallel = run(config_for("split"), two);
    check_against(split_serial, few);
    CHECK(split_parallel.split_fallback);
    CHECK(sfp::portfolio_to_csv(split_serial, 2024) == sfp::portfolio_to_csv(split_parallel, 2024));
    // The rows after the long field are numbered from the file, not the chunk.
    std::string bad = quoted + "L999,A,KEN,USD,2024-01-01,1,zzz,0,female,1,x\n";
    write(temp().path / "split.csv", bad);
    const auto with_issue = run(config_for("split"), two);
    REQUIRE(with_issue.issues.size() == 1);
    CHECK(with_issue.issues[0].where.line == 202);
}

TEST_CASE("loans: rows of chunk 1 keep their file row numbers", "[loans]") {
    const auto loans = some_loans(2000);
    std::string csv = std::string(header) + "\n";
    for (std::size_t i = 0; i < loans.size(); ++i) {
        csv +=
            i == 1800 ? "L,A,KEN,USD,2024-01-01,1,zzz,0,female,1,x\n" : loan_line(i + 1, loans[i]);
    }
    write(temp().path / "rows.csv", csv);
    sfp::LoanOptions two;
    two.parallel_threshold = 0;
    const auto result = run(config_for("rows"), two);
    CHECK(result.threads_used == 2);
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].where.line == 1802);
}

TEST_CASE("loans: a record longer than [limits] max_record_bytes stops the file", "[loans]") {
    const auto loans = some_loans(50);
    std::string csv = std::string(header) + "\n";
    for (std::size_t i = 0; i < loans.size(); ++i) {
        Loan loan = loans[i];
        if (i == 30) {
            loan.sector = std::string(5000, 'x'); // row 32 of the file
        }
        csv += loan_line(i + 1, loan);
    }
    write(temp().path / "long.csv", csv);
    const auto config = config_for("long", "[limits]\nmax_record_bytes = 4096\n");
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config.string(), diagnostics);
    INFO(messages(diagnostics));
    REQUIRE(spec.has_value());
    REQUIRE(spec->sources.at(0).limits.max_record_bytes == 4096);
    sfp::LoanOptions options;
    options.block_size = 256; // the record must outgrow the buffer several times
    const auto result = sfp::aggregate_loans(spec->sources[0], options, diagnostics);
    CHECK_FALSE(result.has_value());
    REQUIRE(diagnostics.has_errors());
    const auto& error = diagnostics.items().back();
    INFO(messages(diagnostics));
    CHECK(error.where.line == 32);
    CHECK(error.where.column == 1);
    CHECK(error.message.find("limit of 4096 bytes (limits.max_record_bytes)") != std::string::npos);
    // The same file with the default limit (4 MiB) is read whole.
    const auto whole = run(config_for("long"), options);
    CHECK(whole.stats.rows_read == 50);
}

TEST_CASE("loans: a mapped column missing from the header is a config error", "[loans]") {
    write(temp().path / "unmapped.csv", std::string(header) + "\n" + loan_line(1, Loan{"A"}));
    const auto config =
        config_for("unmapped", "", "outstanding_balance"); // then add a wrong mapping
    std::ifstream in(config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text += "outstanding_balance = \"balance_typo\"\n";
    write(config, text);
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config.string(), diagnostics);
    REQUIRE(spec.has_value());
    const auto result = sfp::aggregate_loans(spec->sources[0], {}, diagnostics);
    CHECK_FALSE(result.has_value());
    REQUIRE(diagnostics.has_errors());
    const auto& error = diagnostics.items().back();
    CHECK(error.where.file == config.string());
    CHECK(error.where.line > 1);
    CHECK(error.message.find("balance_typo") != std::string::npos);
}

TEST_CASE("loans: unmapped balance columns give missing PAR, never 0", "[loans]") {
    write(temp().path / "nopar.csv", std::string(header) + "\n" + loan_line(1, Loan{"A"}));
    const auto config = config_for("nopar", "", "days_overdue");
    const auto result = run(config);
    const auto par = sfp::par_ratio(result, result.institutions.at(0).totals, 30);
    CHECK_FALSE(par.value.has_value());
    CHECK_FALSE(par.reason.empty());
    const auto csv = sfp::portfolio_to_csv(result, std::nullopt);
    // institution_id,country,currency,year,outstanding_n,portfolio,par30,par90,ratios...
    CHECK(csv.find("\nA,KEN,USD,2024,1,50.00,,,,,1,100.00,") != std::string::npos);
}

TEST_CASE("loans: the Kiva sample has counts and women share but no PAR", "[loans][kiva]") {
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(source_dir + "/data/sources/kiva-loans.toml", diagnostics);
    REQUIRE(spec.has_value());
    const auto countries = sfp::country_resolver(spec->countries_path, diagnostics);
    REQUIRE(countries.has_value());
    sfp::LoanOptions options;
    options.countries = &*countries;
    const auto result = sfp::aggregate_loans(spec->sources.at(0), options, diagnostics);
    INFO(messages(diagnostics));
    REQUIRE(result.has_value());

    // The plain count, through the project's reference CSV reader.
    auto reader = sfp::CsvReader::open(spec->sources[0].path, {}, diagnostics);
    REQUIRE(reader);
    sfp::CsvRecord record;
    REQUIRE(reader->next(record, diagnostics));
    const auto gender_column = static_cast<std::size_t>(
        std::find(record.fields.begin(), record.fields.end(), "gender") - record.fields.begin());
    const auto partner_column = static_cast<std::size_t>(
        std::find(record.fields.begin(), record.fields.end(), "partner_id") -
        record.fields.begin());
    long rows = 0;
    long loans = 0; // rows with a partner (institution) id: the others are rejected
    long female = 0;
    while (reader->next(record, diagnostics)) {
        ++rows;
        if (record.fields.at(partner_column).empty()) {
            continue;
        }
        ++loans;
        female += record.fields.at(gender_column) == "female" ? 1 : 0;
    }
    CHECK(result->stats.rows_read == rows);
    CHECK(result->stats.rows_used == loans);
    CHECK(result->issues_by_code.at("missing-key") == rows - loans);
    CHECK(result->total.women_loans == female);
    CHECK(result->total.gender_known_loans == loans);
    const auto share = sfp::women_share(*result, result->total);
    REQUIRE(share.value.has_value());
    CHECK(*share.value == Approx(static_cast<double>(female) / static_cast<double>(loans)));
    const auto par = sfp::par_ratio(*result, result->total, 30);
    CHECK_FALSE(par.value.has_value());
    CHECK(par.reason.find("not mapped") != std::string::npos);
    const auto found = std::find_if(result->institutions.begin(), result->institutions.end(),
                                    [](const auto& inst) { return inst.institution_id == "201"; });
    REQUIRE(found != result->institutions.end());
    CHECK(found->country_iso3 == "HND");
    CHECK(found->currency == "USD");
}
