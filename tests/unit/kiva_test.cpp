// The real Kiva loan sample (tests/fixtures, CC0) loads through the documented mapping
// data/sources/kiva-loans.toml, and reproduces the reference figures of
// /work/shared/data/kiva/PROVENANCE.md (copied in tests/fixtures/README.md).

#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/sources.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

namespace {

const std::string source_dir = SFPGEN_SOURCE_DIR;

struct CountryFigures {
    long loans = 0;
    double sum = 0;
};

} // namespace

TEST_CASE("kiva: the loan sample loads through its mapping with the reference figures",
          "[kiva][data]") {
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(source_dir + "/data/sources/kiva-loans.toml", diagnostics);
    REQUIRE(spec.has_value());
    const auto data = sfp::load_all_sources(*spec, diagnostics);
    INFO([&] {
        std::string text;
        for (const auto& d : diagnostics.items()) {
            text += sfp::to_string(d) + "\n";
        }
        return text;
    }());
    REQUIRE(data.has_value());
    CHECK(data->kind == sfp::RecordKind::loan);
    REQUIRE(data->size() == 1418);
    REQUIRE(data->stats.size() == 1);
    CHECK(data->stats[0].rows_read == 1418);
    CHECK(data->stats[0].rows_rejected == 0);

    const auto& amount = *data->column("loan_amount");
    const auto& funded = *data->column("funded_amount");
    const auto& gender = *data->text_column("borrower_gender");
    double amount_sum = 0;
    double funded_sum = 0;
    long female = 0;
    std::map<std::string, CountryFigures> by_country;
    for (std::size_t i = 0; i < data->size(); ++i) {
        REQUIRE(amount[i].has_value());
        REQUIRE(funded[i].has_value());
        amount_sum += *amount[i];
        funded_sum += *funded[i];
        female += gender[i] == "female" ? 1 : 0;
        auto& country = by_country[data->country_iso3[i]];
        ++country.loans;
        country.sum += *amount[i];
    }
    CHECK(amount_sum == 559875.0);
    CHECK(funded_sum == 539950.0);
    CHECK(female == 1072);
    CHECK(std::round(static_cast<double>(female) / 1418.0 * 10000) / 10000 == 0.7560);
    CHECK(by_country.size() == 53);
    // Countries arrive as ISO2 codes and are resolved to ISO3 through data/reference.
    const std::map<std::string, std::pair<long, double>> expected{{"KHM", {272, 61150}},
                                                                  {"PHL", {180, 47150}},
                                                                  {"KEN", {117, 34775}},
                                                                  {"SLV", {103, 47800}},
                                                                  {"NGA", {73, 14675}}};
    for (const auto& [iso3, figures] : expected) {
        INFO(iso3);
        CHECK(by_country[iso3].loans == figures.first);
        CHECK(by_country[iso3].sum == figures.second);
    }
    CHECK(std::round(by_country["KHM"].sum / 272.0 * 100) / 100 == 224.82);
    CHECK(std::round(by_country["KEN"].sum / 117.0 * 100) / 100 == 297.22);

    // Real-data quirks survive: ids written as floats, empty partner ids, funded < lent.
    const auto partner = std::find(data->institution_id.begin(), data->institution_id.end(), "201");
    CHECK(partner != data->institution_id.end());
    CHECK(std::count(data->institution_id.begin(), data->institution_id.end(), "") == 21);
    long underfunded = 0;
    for (std::size_t i = 0; i < data->size(); ++i) {
        underfunded += *funded[i] < *amount[i] ? 1 : 0;
    }
    CHECK(underfunded == 61);
    const auto unknown =
        std::count_if(data->issues.begin(), data->issues.end(),
                      [](const auto& issue) { return issue.code == "unknown-country"; });
    CHECK(unknown == 0);
    // Dates are dates past the loader.
    const auto& posted = data->dates.at("posted_date");
    REQUIRE(posted[0].has_value());
    CHECK(posted[0]->iso() == "2017-02-11");
}
