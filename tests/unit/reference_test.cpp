// Tests of the country reference table (sfp/reference.hpp, data/reference/countries.csv).

#include "sfp/csv.hpp"
#include "sfp/reference.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string source_dir = SFPGEN_SOURCE_DIR;
const std::string table_path = source_dir + "/data/reference/countries.csv";

/// The shipped table, loaded once; the test fails if it does not load cleanly.
const sfp::CountryTable& shipped_table() {
    static const auto table = [] {
        sfp::Diagnostics diagnostics;
        auto loaded = sfp::CountryTable::load(table_path, diagnostics);
        for (const auto& item : diagnostics.items()) {
            UNSCOPED_INFO(sfp::to_string(item));
        }
        if (!loaded || !diagnostics.items().empty()) {
            throw std::runtime_error("data/reference/countries.csv does not load cleanly");
        }
        return std::move(*loaded);
    }();
    return table;
}

/// A unique temporary folder for this file's tests (tests/unit/test_support.hpp).
class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("reference") {}
};

/// Every distinct (code, name) pair of two columns of a CSV file, empty pairs left out.
std::set<std::pair<std::string, std::string>> distinct_pairs(const std::string& path,
                                                             const std::string& code_column,
                                                             const std::string& name_column) {
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(path, {}, diagnostics);
    REQUIRE(reader);
    sfp::CsvRecord record;
    REQUIRE(reader->next(record, diagnostics));
    const auto header = record.fields;
    const auto index = [&](const std::string& name) {
        const auto found = std::find(header.begin(), header.end(), name);
        REQUIRE(found != header.end());
        return static_cast<std::size_t>(found - header.begin());
    };
    const std::size_t code = index(code_column);
    const std::size_t name = index(name_column);
    std::set<std::pair<std::string, std::string>> pairs;
    while (reader->next(record, diagnostics)) {
        if (record.fields.size() != header.size()) {
            continue;
        }
        if (record.fields[code].empty() && record.fields[name].empty()) {
            continue;
        }
        pairs.emplace(record.fields[code], record.fields[name]);
    }
    CHECK_FALSE(diagnostics.has_errors());
    return pairs;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

} // namespace

TEST_CASE("reference: the shipped country table loads cleanly", "[reference]") {
    sfp::Diagnostics diagnostics;
    const auto table = sfp::CountryTable::load(table_path, diagnostics);
    for (const auto& item : diagnostics.items()) {
        UNSCOPED_INFO(sfp::to_string(item));
    }
    REQUIRE(table);
    CHECK(diagnostics.items().empty());
    // The 249 entries of ISO 3166-1 plus Kosovo (user-assigned XK/XKX, as the World Bank, the
    // IMF and Kiva use it).
    REQUIRE(table->countries().size() == 250);
    const auto iso_assigned =
        std::count_if(table->countries().begin(), table->countries().end(),
                      [](const sfp::Country& country) { return country.iso2 != "XK"; });
    CHECK(iso_assigned == 249);
    const sfp::Country* kosovo = table->by_iso2("XK");
    REQUIRE(kosovo != nullptr);
    CHECK(kosovo->iso3 == "XKX");
    CHECK(kosovo->numeric.empty());
    CHECK(kosovo->wb_region == "Europe & Central Asia");
}

TEST_CASE("reference: codes are unique and well formed", "[reference]") {
    const auto& table = shipped_table();
    std::set<std::string> iso3;
    std::set<std::string> iso2;
    std::set<std::string> numeric;
    for (const auto& country : table.countries()) {
        INFO(country.iso3);
        CHECK(iso3.insert(country.iso3).second);
        CHECK(iso2.insert(country.iso2).second);
        if (!country.numeric.empty()) {
            CHECK(numeric.insert(country.numeric).second);
        }
        CHECK(country.iso3.size() == 3);
        CHECK(country.iso2.size() == 2);
        CHECK(!country.name_en.empty());
        CHECK(!country.name_fr.empty());
        CHECK(!country.name_es.empty());
        CHECK(table.by_iso3(country.iso3) == &country);
        CHECK(table.by_iso2(country.iso2) == &country);
        CHECK(table.resolve(country.name_en) == &country);
        CHECK(table.resolve(country.name_fr) == &country);
        CHECK(table.resolve(country.name_es) == &country);
        for (const auto& alt : country.alt_names) {
            INFO(alt);
            CHECK(table.resolve(alt) == &country);
        }
    }
    CHECK(numeric.size() == 249);
}

TEST_CASE("reference: every region is one of the seven World Bank regions or empty",
          "[reference]") {
    const auto& table = shipped_table();
    const auto& regions = sfp::world_bank_regions();
    REQUIRE(regions.size() == 7);
    std::map<std::string, int> per_region;
    for (const auto& country : table.countries()) {
        INFO(country.iso3 << " '" << country.wb_region << "'");
        CHECK((country.wb_region.empty() || contains(regions, country.wb_region)));
        ++per_region[country.wb_region];
    }
    // World Bank FY2025 counts (Jersey and Guernsey each carry the "Channel Islands" region).
    CHECK(per_region["East Asia & Pacific"] == 38);
    CHECK(per_region["Europe & Central Asia"] == 59);
    CHECK(per_region["Latin America & Caribbean"] == 42);
    CHECK(per_region["Middle East & North Africa"] == 21);
    CHECK(per_region["North America"] == 3);
    CHECK(per_region["South Asia"] == 8);
    CHECK(per_region["Sub-Saharan Africa"] == 48);
    CHECK(per_region[""] == 31);
}

TEST_CASE("reference: spot checks of regions and names", "[reference]") {
    const auto& table = shipped_table();
    const std::vector<std::pair<std::string, std::string>> regions = {
        {"KEN", "Sub-Saharan Africa"},
        {"PER", "Latin America & Caribbean"},
        {"KHM", "East Asia & Pacific"},
        {"IND", "South Asia"},
        {"MAR", "Middle East & North Africa"},
        {"UKR", "Europe & Central Asia"},
        {"USA", "North America"},
        {"PSE", "Middle East & North Africa"},
        {"MLT", "Middle East & North Africa"},
        {"DJI", "Middle East & North Africa"},
        {"MRT", "Sub-Saharan Africa"},
        {"AIA", ""},
        {"REU", ""},
        {"TWN", "East Asia & Pacific"}};
    for (const auto& [code, region] : regions) {
        INFO(code);
        const sfp::Country* country = table.by_iso3(code);
        REQUIRE(country != nullptr);
        CHECK(country->wb_region == region);
    }
    const sfp::Country* cod = table.by_iso3("cod");
    REQUIRE(cod != nullptr);
    CHECK(cod->iso2 == "CD");
    CHECK(cod->numeric == "180");
    CHECK(cod->name_fr == "République démocratique du Congo");
    CHECK(cod->name_es == "República Democrática del Congo");
    const sfp::Country* usa = table.by_iso2("us");
    REQUIRE(usa != nullptr);
    CHECK(usa->name_en == "United States");
    CHECK(usa->name_fr == "États-Unis d'Amérique");
    CHECK(usa->name_es == "Estados Unidos de América");
    const sfp::Country* civ = table.by_iso3("CIV");
    REQUIRE(civ != nullptr);
    CHECK(civ->name_en == "Côte d'Ivoire");
    CHECK(civ->numeric == "384");
    CHECK(table.by_iso3("AFG")->numeric == "004");
    CHECK(table.by_iso3("XYZ") == nullptr);
    CHECK(table.by_iso3("KE") == nullptr);
    CHECK(table.by_iso2("KEN") == nullptr);
}

TEST_CASE("reference: name normalisation", "[reference]") {
    CHECK(sfp::normalise_name("Côte d’Ivoire") == "cote d ivoire");
    CHECK(sfp::normalise_name("COTE D'IVOIRE") == "cote d ivoire");
    CHECK(sfp::normalise_name("  Congo, Dem.  Rep. ") == "congo dem rep");
    CHECK(sfp::normalise_name("The Gambia") == "gambia");
    CHECK(sfp::normalise_name("Gambia, The") == "gambia");
    CHECK(sfp::normalise_name("Theodore") == "theodore");
    CHECK(sfp::normalise_name("Trinidad & Tobago") == "trinidad and tobago");
    CHECK(sfp::normalise_name("São Tomé and Príncipe") == "sao tome and principe");
    CHECK(sfp::normalise_name("Åland Islands") == "aland islands");
    CHECK(sfp::normalise_name("Türkiye") == "turkiye");
    CHECK(sfp::normalise_name("Curaçao") == "curacao");
    CHECK(sfp::normalise_name("Straße") == "strasse");
    CHECK(sfp::normalise_name("Œuvre Łódź Đakovo Ħal") == "oeuvre lodz dakovo hal");
    CHECK(sfp::normalise_name("Guinée-Bissau") == "guinee bissau");
    CHECK(sfp::normalise_name("«Sénégal»") == "senegal");
    // A stray Latin-1 byte (a file in another encoding) folds like its character.
    CHECK(sfp::normalise_name("C\xF4te d'Ivoire") == "cote d ivoire");
    CHECK(sfp::normalise_name("") == "");
    CHECK(sfp::normalise_name(" - . ") == "");
    // Letters outside the Latin blocks are kept, so different names stay different.
    CHECK(sfp::normalise_name("Россия") == "Россия");
}

TEST_CASE("reference: variants seen in real data resolve", "[reference]") {
    const auto& table = shipped_table();
    const std::vector<std::pair<std::string, std::string>> variants = {
        // Codes, any case.
        {"COD", "COD"},
        {"cd", "COD"},
        {" ken ", "KEN"},
        // The brief's examples.
        {"Congo, Dem. Rep.", "COD"},
        {"Congo (Dem. Rep.)", "COD"},
        {"The Democratic Republic of the Congo", "COD"},
        {"Democratic Republic of the Congo", "COD"},
        {"DR Congo", "COD"},
        {"DRC", "COD"},
        {"Congo-Kinshasa", "COD"},
        {"Zaire", "COD"},
        {"congo dem rep", "COD"},
        {"République démocratique du Congo", "COD"},
        {"Congo", "COG"},
        {"Congo, Rep.", "COG"},
        {"Congo, Republic of", "COG"},
        {"Cote d'Ivoire", "CIV"},
        {"Côte d’Ivoire", "CIV"},
        {"COTE D'IVOIRE", "CIV"},
        {"Ivory Coast", "CIV"},
        {"Lao PDR", "LAO"},
        {"Laos", "LAO"},
        {"Lao People's Democratic Republic", "LAO"},
        {"Kyrgyz Republic", "KGZ"},
        {"Kyrgyzstan", "KGZ"},
        {"Myanmar (Burma)", "MMR"},
        {"Burma", "MMR"},
        {"Palestine", "PSE"},
        {"West Bank and Gaza", "PSE"},
        {"Palestinian Territories", "PSE"},
        {"Viet Nam", "VNM"},
        {"Vietnam", "VNM"},
        {"Tanzania", "TZA"},
        {"Tanzania, United Republic of", "TZA"},
        // World Bank, UN, IMF and common spellings.
        {"Bolivia", "BOL"},
        {"Bolivia (Plurinational State of)", "BOL"},
        {"Iran, Islamic Rep.", "IRN"},
        {"Iran", "IRN"},
        {"Syrian Arab Republic", "SYR"},
        {"Syria", "SYR"},
        {"Korea, Rep.", "KOR"},
        {"South Korea", "KOR"},
        {"Korea, Dem. People's Rep.", "PRK"},
        {"North Korea", "PRK"},
        {"Egypt, Arab Rep.", "EGY"},
        {"Egypt", "EGY"},
        {"Gambia, The", "GMB"},
        {"The Gambia", "GMB"},
        {"Yemen, Rep.", "YEM"},
        {"Macedonia", "MKD"},
        {"North Macedonia", "MKD"},
        {"Macedonia, FYR", "MKD"},
        {"Moldova", "MDA"},
        {"Republic of Moldova", "MDA"},
        {"Russia", "RUS"},
        {"Russian Federation", "RUS"},
        {"Timor-Leste", "TLS"},
        {"East Timor", "TLS"},
        {"Micronesia, Fed. Sts.", "FSM"},
        {"Micronesia", "FSM"},
        {"Venezuela, RB", "VEN"},
        {"Venezuela", "VEN"},
        {"Cabo Verde", "CPV"},
        {"Cape Verde", "CPV"},
        {"Eswatini", "SWZ"},
        {"Swaziland", "SWZ"},
        {"Türkiye", "TUR"},
        {"Turkiye", "TUR"},
        {"Turkey", "TUR"},
        {"Czechia", "CZE"},
        {"Czech Republic", "CZE"},
        {"St. Lucia", "LCA"},
        {"Hong Kong SAR, China", "HKG"},
        {"United States of America", "USA"},
        {"UK", "GBR"},
        {"Kosovo", "XKX"},
        // French and Spanish.
        {"Sénégal", "SEN"},
        {"senegal", "SEN"},
        {"États-Unis d'Amérique", "USA"},
        {"Estados Unidos de América", "USA"},
        {"Costa de Marfil", "CIV"},
        {"Perú", "PER"},
        {"Haïti", "HTI"},
        {"Bénin", "BEN"},
        {"Guinée-Bissau", "GNB"},
        {"Guinee Bissau", "GNB"},
        {"Níger", "NER"},
        {"Niger", "NER"},
        {"Nigeria", "NGA"},
        {"Dominica", "DMA"},
        {"Dominican Republic", "DOM"},
    };
    for (const auto& [text, iso3] : variants) {
        INFO("'" << text << "' should resolve to " << iso3);
        const sfp::Country* country = table.resolve(text);
        REQUIRE(country != nullptr);
        CHECK(country->iso3 == iso3);
    }
}

TEST_CASE("reference: every country of the Kiva region file resolves to its ISO code",
          "[reference][kiva]") {
    // tests/fixtures/kiva_mpi_region_locations.csv (see tests/fixtures/README.md).
    const auto& table = shipped_table();
    const auto pairs = distinct_pairs(source_dir + "/tests/fixtures/kiva_mpi_region_locations.csv",
                                      "ISO", "country");
    CHECK(pairs.size() == 102);
    std::vector<std::string> failures;
    for (const auto& [iso, name] : pairs) {
        const sfp::Country* country = table.resolve(name);
        if (country == nullptr || country->iso3 != iso || table.by_iso3(iso) != country) {
            failures.push_back(iso + " '" + name + "' -> " +
                               (country == nullptr ? std::string("nothing") : country->iso3));
        }
    }
    INFO(failures.size() << " unresolved");
    for (const auto& failure : failures) {
        UNSCOPED_INFO(failure);
    }
    CHECK(failures.empty());
    // Kiva's own spellings, kept as alt_names.
    CHECK(table.resolve("Palestine, State ofa") == table.by_iso3("PSE"));
    CHECK(table.resolve("Congo, Democratic Republic of the") == table.by_iso3("COD"));
    CHECK(table.resolve("Macedonia, The former Yugoslav Republic of") == table.by_iso3("MKD"));
}

TEST_CASE("reference: every country of the Kiva loan sample resolves to its ISO code",
          "[reference][kiva]") {
    // tests/fixtures/kiva_loans_sample_1418.csv (see tests/fixtures/README.md).
    const auto& table = shipped_table();
    const auto pairs = distinct_pairs(source_dir + "/tests/fixtures/kiva_loans_sample_1418.csv",
                                      "country_code", "country");
    CHECK(pairs.size() == 53);
    std::vector<std::string> failures;
    for (const auto& [iso2, name] : pairs) {
        const sfp::Country* country = table.resolve(name);
        if (country == nullptr || country->iso2 != iso2 || table.by_iso2(iso2) != country) {
            failures.push_back(iso2 + " '" + name + "' -> " +
                               (country == nullptr ? std::string("nothing") : country->iso2));
        }
    }
    INFO(failures.size() << " unresolved");
    for (const auto& failure : failures) {
        UNSCOPED_INFO(failure);
    }
    CHECK(failures.empty());
}

TEST_CASE("reference: an unknown name resolves to nothing and gets suggestions", "[reference]") {
    const auto& table = shipped_table();
    CHECK(table.resolve("Keyna") == nullptr);
    CHECK(table.resolve("Atlantis") == nullptr);
    CHECK(table.resolve("") == nullptr);
    CHECK(table.resolve("  ") == nullptr);
    CHECK(table.resolve("XX") == nullptr);

    const auto kenya = table.suggestions("Keyna");
    REQUIRE(!kenya.empty());
    CHECK(kenya.front() == "Kenya");
    CHECK(kenya.size() <= 3);

    const auto cambodia = table.suggestions("Cambodja");
    REQUIRE(!cambodia.empty());
    CHECK(cambodia.front() == "Cambodia");

    const auto ivory = table.suggestions("Cote d Ivoir");
    REQUIRE(!ivory.empty());
    CHECK(table.resolve(ivory.front()) == table.by_iso3("CIV"));

    // One suggestion per country, and no more than asked.
    const auto guinea = table.suggestions("Guinea Bisau", 2);
    REQUIRE(!guinea.empty());
    CHECK(guinea.size() <= 2);
    CHECK(table.resolve(guinea.front()) == table.by_iso3("GNB"));
    std::set<const sfp::Country*> distinct;
    for (const auto& name : table.suggestions("Guinea", 5)) {
        CHECK(distinct.insert(table.resolve(name)).second);
    }

    CHECK(table.suggestions("Atlantis").empty());
    CHECK(table.suggestions("").empty());
    CHECK(table.suggestions("Kenya", 0).empty());
}

TEST_CASE("reference: a malformed table gives diagnostics with rows and columns", "[reference]") {
    const TempDir dir;
    const std::string header = "iso3,iso2,numeric,name_en,name_fr,name_es,wb_region,alt_names\n";
    const std::string path = dir.write(
        "countries.csv",
        header +
            "KEN,KE,404,Kenya,Kenya,Kenya,Sub-Saharan Africa,Kenia\n"          // row 2: good
            "PER,PE,604,Peru,Pérou,Perú,Latin America & Caribbean\n"           // row 3: 7 fields
            "Ke1,KE,405,Kenia Two,K,K,,\n"                                     // row 4: bad iso3
            "KEN,KX,406,Kenya Again,K,K,,\n"                                   // row 5: dup iso3
            "UGA,UG,800,Uganda,Ouganda,Uganda,Sub-Saharan Afrika,Kenya\n"      // row 6: region
            "TZA,TZ,834,Tanzania,Tanzanie,Tanzanía,Sub-Saharan Africa,Kenia\n" // row 7: dup name
            "\n"                                                               // blank: skipped
            "ZMB,ZM,8944,Zambia,Zambie,Zambia,Sub-Saharan Africa,\n"           // row 9: numeric
            "ZWE,ZW,716,Zimbabwe,Zimbabwe,Zimbabwe,Sub-Saharan Africa,Zimbabue||\n" // row 10
            "MWI,MW,404,Malawi,Malawi,Malawi,Sub-Saharan Africa,\n"     // row 11: dup numeric
            "RWA,RW,646,Rwanda,Rwanda,Rwanda,Sub-Saharan Africa,KE\n"); // row 12: name = code
    sfp::Diagnostics diagnostics;
    const auto table = sfp::CountryTable::load(path, diagnostics);
    REQUIRE(table);

    std::vector<std::string> messages;
    for (const auto& item : diagnostics.items()) {
        messages.push_back(sfp::to_string(item));
    }
    INFO(fmt::format("{}", fmt::join(messages, "\n")));
    const auto has = [&](long row, long column, const std::string& text) {
        return std::any_of(diagnostics.items().begin(), diagnostics.items().end(),
                           [&](const sfp::Diagnostic& item) {
                               return item.where.file == path && item.where.line == row &&
                                      item.where.column == column &&
                                      item.message.find(text) != std::string::npos;
                           });
    };
    CHECK(has(3, 8, "expected 8 fields in a country row, found 7"));
    CHECK(has(4, 1, "invalid ISO 3166-1 alpha-3 code 'Ke1'"));
    CHECK(has(5, 1, "duplicate ISO 3166-1 alpha-3 code 'KEN': already used on row 2"));
    CHECK(has(6, 7, "unknown World Bank region 'Sub-Saharan Afrika'"));
    CHECK(has(7, 8, "name 'Kenia' of 'TZA' is also a name of 'KEN' (row 2"));
    CHECK(has(9, 3, "invalid ISO 3166-1 numeric code '8944'"));
    CHECK(has(10, 8, "empty alternative name"));
    CHECK(has(11, 3, "duplicate ISO 3166-1 numeric code '404': already used on row 2"));
    CHECK(has(12, 8, "name 'ke' of 'RWA' is the code of 'KEN'"));
    CHECK(diagnostics.error_count() == 8);
    const auto region =
        std::find_if(diagnostics.items().begin(), diagnostics.items().end(),
                     [](const sfp::Diagnostic& item) { return item.where.line == 6; });
    REQUIRE(region != diagnostics.items().end());
    CHECK(region->hint == "did you mean 'Sub-Saharan Africa'?");

    // The good rows load; the first owner of a contested name keeps it.
    std::vector<std::string> loaded;
    for (const auto& country : table->countries()) {
        loaded.push_back(country.iso3);
    }
    CHECK(loaded == std::vector<std::string>{"KEN", "TZA", "ZWE", "RWA"});
    CHECK(table->resolve("Kenia") == table->by_iso3("KEN"));
    CHECK(table->resolve("Tanzanía") == table->by_iso3("TZA"));
    CHECK(table->resolve("KE") == table->by_iso3("KEN"));
    CHECK(table->by_iso3("ZWE")->alt_names == std::vector<std::string>{"Zimbabue"});
}

TEST_CASE("reference: a table with a wrong header or no file does not load", "[reference]") {
    const TempDir dir;
    {
        sfp::Diagnostics diagnostics;
        const auto path =
            dir.write("header.csv", "iso3,iso_2,numeric,name_en,name_fr,name_es,wb_region,"
                                    "alt_names\nKEN,KE,404,Kenya,Kenya,Kenya,,\n");
        CHECK_FALSE(sfp::CountryTable::load(path, diagnostics));
        REQUIRE(diagnostics.items().size() == 1);
        CHECK(diagnostics.items()[0].where.line == 1);
        CHECK(diagnostics.items()[0].where.column == 2);
        CHECK(diagnostics.items()[0].message ==
              "expected column 'iso2' in the country table header, found 'iso_2'");
    }
    {
        sfp::Diagnostics diagnostics;
        const auto path = dir.write("empty.csv", "");
        CHECK_FALSE(sfp::CountryTable::load(path, diagnostics));
        CHECK(diagnostics.has_errors());
    }
    {
        sfp::Diagnostics diagnostics;
        const auto path = dir.write(
            "only_bad.csv",
            "iso3,iso2,numeric,name_en,name_fr,name_es,wb_region,alt_names\nK,K,1,,,,,\n");
        CHECK_FALSE(sfp::CountryTable::load(path, diagnostics));
        CHECK(diagnostics.items().back().message == "no usable row in the country table");
    }
    {
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(sfp::CountryTable::load(dir.write("x", "") + ".missing", diagnostics));
        REQUIRE(diagnostics.items().size() == 1);
        CHECK(diagnostics.items()[0].message.find("cannot open") != std::string::npos);
    }
}
