// Tests of the reference series tables (sfp/reference_series.hpp): exchange rates, GNI per
// capita and inflation, the shipped files in data/reference/ and every kind of bad row.

#include "sfp/reference_series.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;

class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("reference-series") {}
};

/// Every diagnostic as "file:line:col: severity: message", for failure messages.
std::string listing(const sfp::Diagnostics& diagnostics) {
    std::string out;
    for (const auto& item : diagnostics.items()) {
        out += sfp::to_string(item) + "\n";
    }
    return out;
}

/// The one error of `diagnostics`; fails the test unless there is exactly one diagnostic.
const sfp::Diagnostic& only_error(const sfp::Diagnostics& diagnostics) {
    INFO(listing(diagnostics));
    REQUIRE(diagnostics.items().size() == 1);
    REQUIRE(diagnostics.items().front().severity == sfp::Severity::error);
    return diagnostics.items().front();
}

bool mentions(const sfp::Diagnostic& diagnostic, const std::string& text) {
    return diagnostic.message.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("reference series: the shipped tables load cleanly", "[reference-series]") {
    sfp::ReferenceSeries series;
    sfp::Diagnostics diagnostics;
    const std::string folder = source_dir + "/data/reference/";
    REQUIRE(sfp::load_exchange_rates(folder + "exchange_rates.csv", series, diagnostics));
    REQUIRE(sfp::load_gni_per_capita(folder + "gni_per_capita.csv", series, diagnostics));
    REQUIRE(sfp::load_inflation(folder + "inflation.csv", series, diagnostics));
    INFO(listing(diagnostics));
    CHECK(diagnostics.items().empty());
    CHECK(series.rates_file == folder + "exchange_rates.csv");
    CHECK(series.gni_file == folder + "gni_per_capita.csv");
    CHECK(series.inflation_file == folder + "inflation.csv");

    // The currencies and countries of the sample panel, every year it may use (2019-2024).
    for (const char* currency : {"KES", "GHS", "XOF", "PHP", "BOB", "COP", "MAD", "INR"}) {
        for (int year = 2019; year <= 2024; ++year) {
            INFO(currency << " " << year);
            const auto rate = series.rate(currency, year);
            REQUIRE(rate);
            CHECK(rate->average > 0);
            CHECK(rate->end > 0);
        }
    }
    for (const char* iso3 : {"KEN", "MAR", "IND", "BOL", "PHL"}) {
        for (int year = 2019; year <= 2024; ++year) {
            INFO(iso3 << " " << year);
            CHECK(series.gni_per_capita(iso3, year).value_or(0) > 0);
            CHECK(series.inflation_rate(iso3, year));
        }
    }
}

TEST_CASE("reference series: good files, any column order", "[reference-series]") {
    const TempDir dir;
    sfp::ReferenceSeries series;
    sfp::Diagnostics diagnostics;

    const auto rates = dir.write("rates.csv", "currency,year,average,end\r\n"
                                              "KES,2023,139.85,156.46\r\n"
                                              "XOF,2023,606.57,593.13\r\n"
                                              "\r\n"
                                              " PEN , 2024.0 , 3.75 , 3.77 \r\n");
    REQUIRE(sfp::load_exchange_rates(rates, series, diagnostics));
    // Columns in another order, a UTF-8 byte order mark.
    const auto gni = dir.write("gni.csv", "\xEF\xBB\xBFgni_per_capita_usd,iso3,year\n"
                                          "2010,KEN,2023\n"
                                          "1e3,SEN,2022\n");
    REQUIRE(sfp::load_gni_per_capita(gni, series, diagnostics));
    const auto inflation = dir.write("inflation.csv", "year,inflation,iso3\n"
                                                      "2023,0.0768,KEN\n"
                                                      "2020,-0.025,JPN\n"
                                                      "2022,2.10,LBN\n");
    REQUIRE(sfp::load_inflation(inflation, series, diagnostics));
    INFO(listing(diagnostics));
    CHECK(diagnostics.items().empty());

    CHECK(series.rates.size() == 3);
    const auto kes = series.rate("KES", 2023);
    REQUIRE(kes);
    CHECK(kes->average == 139.85);
    CHECK(kes->end == 156.46);
    CHECK(series.rate("PEN", 2024)->end == 3.77);
    CHECK_FALSE(series.rate("KES", 2022));
    CHECK_FALSE(series.rate("GHS", 2023));
    CHECK(series.rate("USD", 1999)->average == 1.0); // USD needs no row
    CHECK(series.rates_file == rates);

    CHECK(series.gni_per_capita("KEN", 2023) == 2010.0);
    CHECK(series.gni_per_capita("SEN", 2022) == 1000.0);
    CHECK_FALSE(series.gni_per_capita("KEN", 2022));
    CHECK(series.gni_file == gni);

    CHECK(series.inflation_rate("KEN", 2023) == 0.0768);
    CHECK(series.inflation_rate("JPN", 2020) == -0.025); // deflation
    CHECK(series.inflation_rate("LBN", 2022) == 2.10);   // hyperinflation is real
    CHECK(series.inflation_file == inflation);
}

TEST_CASE("reference series: each bad row is an error at its row and column",
          "[reference-series]") {
    const TempDir dir;
    struct Case {
        const char* name;
        const char* row;     // a data row of currency,year,average,end
        long column;         // expected column of the error
        const char* code;    // expected diagnostic code
        const char* message; // expected part of the message
    };
    const std::vector<Case> cases = {
        {"not a number", "KES,2023,abc,156.46", 3, "not-a-number",
         "expected a number (local currency units per USD, period average) in column 'average', "
         "found 'abc'"},
        {"empty value", "KES,2023,139.85,", 4, "not-a-number", "in column 'end', found ''"},
        {"thousands separator", "XOF,2023,\"1,606.5\",593.13", 3, "not-a-number", "'1,606.5'"},
        {"zero rate", "KES,2023,0,156.46", 3, "negative-value",
         "expected a positive number (local currency units per USD, period average) in column "
         "'average', found '0'"},
        {"negative rate", "KES,2023,139.85,-1", 4, "negative-value", "found '-1'"},
        {"year too early", "KES,1899,139.85,156.46", 2, "bad-year",
         "expected a year (1900-2200) in column 'year', found '1899'"},
        {"year too late", "KES,2201,139.85,156.46", 2, "bad-year", "found '2201'"},
        {"year with a fraction", "KES,2023.5,139.85,156.46", 2, "bad-year", "found '2023.5'"},
        {"year not a number", "KES,FY23,139.85,156.46", 2, "bad-year", "found 'FY23'"},
        {"lower-case code", "kes,2023,139.85,156.46", 1, "bad-code",
         "expected an ISO 4217 currency code (3 upper-case letters, e.g. 'KES') in column "
         "'currency', found 'kes'"},
        {"code of 2 letters", "KE,2023,139.85,156.46", 1, "bad-code", "found 'KE'"},
        {"code with a digit", "KE5,2023,139.85,156.46", 1, "bad-code", "found 'KE5'"},
        {"empty code", ",2023,139.85,156.46", 1, "bad-code", "found ''"},
        {"too few fields", "KES,2023,139.85", 4, "field-count",
         "expected 4 fields in a row of the exchange rate table, found 3"},
        {"too many fields", "KES,2023,139.85,156.46,1", 5, "field-count", "found 5"},
        {"USD rate other than 1", "USD,2023,1,1.01", 4, "bad-rate", "expected 1 for USD"},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            const TempDir folder;
            // Row 2 is good; the bad row is row 3; row 4 is good again.
            const auto path = folder.write("rates.csv", std::string("currency,year,average,end\n"
                                                                    "PEN,2023,3.74,3.70\n") +
                                                            c.row + "\nPHP,2023,55.63,55.37\n");
            sfp::ReferenceSeries series;
            sfp::Diagnostics diagnostics;
            CHECK(sfp::load_exchange_rates(path, series, diagnostics));
            const auto& error = only_error(diagnostics);
            INFO(sfp::to_string(error));
            CHECK(error.where.file == path);
            CHECK(error.where.line == 3);
            CHECK(error.where.column == c.column);
            CHECK(error.code == c.code);
            CHECK(mentions(error, c.message));
            // The bad row is left out, the others load.
            CHECK(series.rates.size() == 2);
            CHECK(series.rate("PEN", 2023));
            CHECK(series.rate("PHP", 2023));
        }
    }
    (void)dir;
}

TEST_CASE("reference series: a row with several bad cells reports each", "[reference-series]") {
    const TempDir dir;
    const auto path = dir.write("rates.csv", "currency,year,average,end\n"
                                             "kes,19,-2,x\n");
    sfp::ReferenceSeries series;
    sfp::Diagnostics diagnostics;
    CHECK(sfp::load_exchange_rates(path, series, diagnostics));
    INFO(listing(diagnostics));
    REQUIRE(diagnostics.items().size() == 4);
    for (long column = 1; column <= 4; ++column) {
        const auto& item = diagnostics.items()[static_cast<std::size_t>(column - 1)];
        CHECK(item.where.line == 2);
        CHECK(item.where.column == column);
    }
    CHECK(series.rates.empty());
}

TEST_CASE("reference series: duplicate key", "[reference-series]") {
    const TempDir dir;
    SECTION("exchange rates") {
        const auto path = dir.write("rates.csv", "currency,year,average,end\n"
                                                 "KES,2023,139.85,156.46\n"
                                                 "KES,2022,117.87,123.37\n"
                                                 "KES,2023,140.00,150.00\n");
        sfp::ReferenceSeries series;
        sfp::Diagnostics diagnostics;
        CHECK(sfp::load_exchange_rates(path, series, diagnostics));
        const auto& error = only_error(diagnostics);
        CHECK(error.where.line == 4);
        CHECK(error.where.column == 1);
        CHECK(error.code == "duplicate-key");
        CHECK(mentions(error, "duplicate currency KES 2023: already given on row 2"));
        CHECK(series.rate("KES", 2023)->average == 139.85); // the first row is kept
    }
    SECTION("GNI, key column not first") {
        const auto path = dir.write("gni.csv", "year,iso3,gni_per_capita_usd\n"
                                               "2023,KEN,2010\n"
                                               "2023,KEN,2100\n");
        sfp::ReferenceSeries series;
        sfp::Diagnostics diagnostics;
        CHECK(sfp::load_gni_per_capita(path, series, diagnostics));
        const auto& error = only_error(diagnostics);
        CHECK(error.where.line == 3);
        CHECK(error.where.column == 2);
        CHECK(mentions(error, "duplicate iso3 KEN 2023: already given on row 2"));
        CHECK(series.gni_per_capita("KEN", 2023) == 2010.0);
    }
}

TEST_CASE("reference series: GNI and inflation values", "[reference-series]") {
    const TempDir dir;
    SECTION("GNI must be positive") {
        const auto path = dir.write("gni.csv", "iso3,year,gni_per_capita_usd\n"
                                               "KEN,2023,0\n"
                                               "Ken,2023,2010\n");
        sfp::ReferenceSeries series;
        sfp::Diagnostics diagnostics;
        CHECK(sfp::load_gni_per_capita(path, series, diagnostics));
        INFO(listing(diagnostics));
        REQUIRE(diagnostics.items().size() == 2);
        const auto& zero = diagnostics.items()[0];
        CHECK(zero.where.line == 2);
        CHECK(zero.where.column == 3);
        CHECK(mentions(zero, "expected a positive number (USD per person, Atlas method) in "
                             "column 'gni_per_capita_usd', found '0'"));
        const auto& code = diagnostics.items()[1];
        CHECK(code.where.line == 3);
        CHECK(code.where.column == 1);
        CHECK(mentions(code, "expected an ISO 3166-1 alpha-3 code (3 upper-case letters, e.g. "
                             "'KEN') in column 'iso3', found 'Ken'"));
        CHECK(series.gni.empty());
    }
    SECTION("inflation must be above -1") {
        const auto path = dir.write("inflation.csv", "iso3,year,inflation\n"
                                                     "KEN,2023,-1\n"
                                                     "KEN,2022,NA\n"
                                                     "KEN,2021,-0.99\n");
        sfp::ReferenceSeries series;
        sfp::Diagnostics diagnostics;
        CHECK(sfp::load_inflation(path, series, diagnostics));
        INFO(listing(diagnostics));
        REQUIRE(diagnostics.items().size() == 2);
        CHECK(diagnostics.items()[0].where.line == 2);
        CHECK(diagnostics.items()[0].where.column == 3);
        CHECK(diagnostics.items()[0].code == "fraction-out-of-range");
        CHECK(mentions(diagnostics.items()[0], "expected a fraction above -1"));
        CHECK(diagnostics.items()[1].where.line == 3);
        CHECK(diagnostics.items()[1].code == "not-a-number");
        CHECK(series.inflation_rate("KEN", 2021) == -0.99);
        CHECK(series.inflation.size() == 1);
    }
}

TEST_CASE("reference series: header problems make the file unusable", "[reference-series]") {
    const TempDir dir;
    sfp::ReferenceSeries series;
    series.rates_file = "before";
    struct Case {
        const char* name;
        const char* header;
        long column;
        const char* message;
    };
    const std::vector<Case> cases = {
        {"missing column", "currency,year,average", 0,
         "missing column 'end' in the exchange rate table header"},
        {"unknown column", "currency,year,avg,end", 3,
         "unexpected column 'avg' in the exchange rate table header: expected one of "
         "currency,year,average,end"},
        {"repeated column", "currency,year,average,end,year", 5,
         "column 'year' appears twice in the exchange rate table header (first in column 2)"},
        {"another table's header", "iso3,year,inflation", 1, "unexpected column 'iso3'"},
    };
    for (const auto& c : cases) {
        SECTION(c.name) {
            const auto path =
                dir.write("rates.csv", std::string(c.header) + "\nKES,2023,139.85,156.46\n");
            sfp::Diagnostics diagnostics;
            CHECK_FALSE(sfp::load_exchange_rates(path, series, diagnostics));
            const auto& error = only_error(diagnostics);
            CHECK(error.where.line == 1);
            CHECK(error.where.column == c.column);
            CHECK(mentions(error, c.message));
            CHECK(series.rates.empty());
            CHECK(series.rates_file == "before"); // untouched
        }
    }
    SECTION("a did-you-mean hint for a misspelt column") {
        const auto path = dir.write("inflation.csv", "iso3,year,inflaton\n");
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::load_inflation(path, series, diagnostics));
        CHECK(only_error(diagnostics).hint == "did you mean 'inflation'?");
    }
    SECTION("empty file") {
        const auto path = dir.write("gni.csv", "");
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::load_gni_per_capita(path, series, diagnostics));
        const auto& error = only_error(diagnostics);
        CHECK(mentions(error, "empty GNI per capita table: expected a header row"));
        CHECK(error.hint == "the header must be: iso3,year,gni_per_capita_usd");
    }
    SECTION("header only: an empty table") {
        const auto path = dir.write("gni.csv", "iso3,year,gni_per_capita_usd\n");
        sfp::Diagnostics diagnostics;
        CHECK(sfp::load_gni_per_capita(path, series, diagnostics));
        CHECK(diagnostics.items().empty());
        CHECK(series.gni.empty());
        CHECK(series.gni_file == path);
    }
}

TEST_CASE("reference series: a missing file", "[reference-series]") {
    const TempDir dir;
    const std::string path = dir.file("no-such-rates.csv");
    sfp::ReferenceSeries series;
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_exchange_rates(path, series, diagnostics));
    const auto& error = only_error(diagnostics);
    CHECK(error.where.file == path);
    CHECK(series.rates_file.empty());
    sfp::Diagnostics more;
    CHECK_FALSE(sfp::load_gni_per_capita(dir.file("gni.csv"), series, more));
    CHECK_FALSE(sfp::load_inflation(dir.file("inflation.csv"), series, more));
    CHECK(more.error_count() == 2);
}
