// Tests of the report figures (sfp/report_figures.hpp): the engine runs on a hand-made data set
// and every chart value is checked against a value computed by hand from that data set (the
// computations are in the comments next to the rows and the checks).

#include "charts/canvas.hpp"
#include "charts/draw.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/document.hpp"
#include "sfp/indicators.hpp"
#include "sfp/report_figures.hpp"
#include "sfp/targets.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <toml++/toml.h>
#include <vector>

namespace {

using charts::ChartKind;
using Opt = std::optional<double>;

class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("report-figures") {}
};

/// A small catalogue of its own, so that the tests do not depend on the real one's numbers.
const char* const catalogue_text = R"toml(
[[indicator]]
id = "PQ-01"
name = { en = "Portfolio at risk > 30 days", fr = "Portefeuille à risque > 30 jours", es = "Cartera en riesgo > 30 días" }
short = { en = "PAR30", fr = "PAR30", es = "CeR30" }
formula = "par30_balance / gross_loan_portfolio"
unit = "fraction"
decimals = 1
good = "down"
aggregate = ["ratio", "median"]
source = "test"

[[indicator]]
id = "OUT-06"
name = { en = "Women borrowers", fr = "Femmes emprunteuses", es = "Prestatarias mujeres" }
formula = "active_borrowers_women / active_borrowers"
unit = "fraction"
decimals = 1
good = "up"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "OUT-04"
name = { en = "Average loan balance per borrower", fr = "Encours moyen", es = "Saldo promedio" }
formula = "gross_loan_portfolio / active_borrowers"
unit = "usd"
decimals = 0
good = "context"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "FIN-01"
name = { en = "Operational self-sufficiency", fr = "Autosuffisance opérationnelle", es = "Autosuficiencia operativa" }
short = { en = "OSS", fr = "AO", es = "AO" }
formula = "fin_revenue / (fin_expense + impairment_expense + opex)"
unit = "fraction"
decimals = 1
good = "up"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "SOC-90"
name = { en = "Rural borrowers", fr = "Emprunteurs ruraux", es = "Prestatarios rurales" }
formula = "active_borrowers_rural / active_borrowers"
unit = "fraction"
decimals = 1
good = "up"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "GB-PAR-31-90"
name = { en = "PAR 31-90", fr = "PAR 31-90", es = "PAR 31-90" }
formula = "(par30_balance - par90_balance) / gross_loan_portfolio"
unit = "fraction"
good = "down"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "GB-PAR-91-180"
name = { en = "PAR 91-180", fr = "PAR 91-180", es = "PAR 91-180" }
formula = "par91_180_balance / gross_loan_portfolio"
unit = "fraction"
good = "down"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "GB-PAR-181-365"
name = { en = "PAR 181-365", fr = "PAR 181-365", es = "PAR 181-365" }
formula = "par181_365_balance / gross_loan_portfolio"
unit = "fraction"
good = "down"
aggregate = ["ratio"]
source = "test"

[[indicator]]
id = "GB-PAR-365"
name = { en = "PAR > 365", fr = "PAR > 365", es = "PAR > 365" }
formula = "(par90_balance - par91_180_balance - par181_365_balance) / gross_loan_portfolio"
unit = "fraction"
good = "down"
aggregate = ["ratio"]
source = "test"
)toml";

const std::vector<std::string> fields = {
    "gross_loan_portfolio", "par30_balance",    "par90_balance",          "par91_180_balance",
    "par181_365_balance",   "active_borrowers", "active_borrowers_women", "active_borrowers_rural",
    "fin_revenue",          "fin_expense",      "impairment_expense",     "opex"};

struct Row {
    std::string id;
    std::string region;
    int year;
    std::vector<Opt> values; ///< in the order of `fields`; missing at the end = missing
};

// 2022: A, B (Africa), C (Asia); 2023: A, B only (Asia has no data); 2024: A, B, E (Africa), C, D
// (Asia); D reports no portfolio-at-risk and no women borrowers in 2024.
//                      glp   par30 par90 p91  p181 borrowers women rural rev  fexp imp  opex
const std::vector<Row> rows = {
    {"A", "Africa", 2022, {1000, 100}},
    {"B", "Africa", 2022, {3000, 150}},
    {"C", "Asia", 2022, {2000, 40}},
    {"A", "Africa", 2023, {1200, 60}},
    {"B", "Africa", 2023, {3000, 300}},
    {"A", "Africa", 2024, {1000, 80, 30, 10, 10, 100, 50, 20, 110, 10, 10, 80}},
    {"B", "Africa", 2024, {2000, 100, 60, 30, 20, 400, 300, 100, 180, 20, 20, 160}},
    {"E", "Africa", 2024, {1000, 20, 0, 0, 0, 200, 100, 40, 100, 10, 0, 90}},
    {"C", "Asia", 2024, {4000, 400, 100, 50, 50, 800, 600, 400, 500, 100, 50, 250}},
    {"D", "Asia", 2024, {2000, {}, {}, {}, {}, 100, {}, 20, 90, 10, 10, 80}},
};

sfp::Dataset dataset() {
    sfp::Dataset data;
    for (const auto& field : fields) {
        data.numbers[field].resize(rows.size());
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& row = rows[i];
        data.institution_id.push_back(row.id);
        data.institution_name.push_back("Institution " + row.id);
        data.country_iso3.push_back(row.region == "Africa" ? "KEN" : "IND");
        data.region.push_back(row.region);
        data.currency.push_back("USD");
        data.fiscal_year.push_back(row.year);
        data.period_start.emplace_back();
        data.period_end.emplace_back();
        for (std::size_t f = 0; f < row.values.size(); ++f) {
            data.numbers[fields[f]][i] = row.values[f];
        }
        data.origin.push_back(sfp::SourcePos{"panel.csv", static_cast<long>(i) + 2, 0});
    }
    return data;
}

/// Words from the real figures.toml of a language, as D1's loader gives them.
std::function<std::string(std::string_view)> words(const std::string& language) {
    const std::string path =
        std::string(SFPGEN_SOURCE_DIR) + "/templates/common/text/" + language + "/figures.toml";
    auto table = std::make_shared<toml::table>(toml::parse_file(path));
    return [table](std::string_view key) {
        if (const auto text = (*table)[key].value<std::string>()) {
            return *text;
        }
        FAIL("figures." << key << " is not in figures.toml");
        return std::string(key);
    };
}

/// Everything a figure reads, computed once per test.
struct Fixture {
    TempDir dir;
    sfp::Catalogue catalogue;
    sfp::Dataset data = dataset();
    sfp::Results results;
    sfp::Assessment assessment;

    explicit Fixture(std::vector<std::string> groupings = {"region", "institution"}) {
        sfp::Diagnostics diagnostics;
        auto loaded = sfp::load_catalogue(dir.write("catalogue.toml", catalogue_text), diagnostics);
        for (const auto& d : diagnostics.items()) {
            UNSCOPED_INFO(sfp::to_string(d));
        }
        REQUIRE(loaded);
        catalogue = std::move(*loaded);
        sfp::EngineOptions options;
        options.indicators = {"PQ-01",         "OUT-06",         "OUT-04",
                              "FIN-01",        "SOC-90",         "GB-PAR-31-90",
                              "GB-PAR-91-180", "GB-PAR-181-365", "GB-PAR-365"};
        options.groupings = std::move(groupings);
        results = sfp::compute_indicators(data, catalogue, sfp::ReferenceSeries{}, options);
        REQUIRE(results.periods == std::vector<int>{2022, 2023, 2024});

        // Targets, listed out of the results' order on purpose.
        sfp::TargetSpec women_all;
        women_all.indicator = "OUT-06";
        women_all.baseline_year = 2022;
        women_all.baseline = 0.5;
        women_all.target_year = 2025;
        women_all.target = 0.65;
        sfp::TargetSpec par;
        par.indicator = "PQ-01";
        par.baseline_year = 2022;
        par.baseline = 0.08;
        par.milestones = {{2023, 0.07}};
        par.target_year = 2026;
        par.target = 0.05;
        sfp::TargetSpec women_africa = women_all;
        women_africa.scope = "region:Africa";
        assessment.set.targets = {women_all, par, women_africa};
        assessment.targets = sfp::evaluate_targets(assessment.set, results, catalogue);
    }

    sfp::FigureContext context(const std::string& language = "en") const {
        return sfp::FigureContext{catalogue, results, assessment, data,
                                  2022,      2024,    language,   words(language)};
    }

    std::optional<sfp::Figure> build(const sfp::FigureRequest& request,
                                     sfp::Diagnostics& diagnostics,
                                     const std::string& language = "en") const {
        return sfp::build_report_figure(request, context(language), diagnostics);
    }

    std::optional<sfp::Figure> build(const sfp::FigureRequest& request,
                                     const std::string& language = "en") const {
        sfp::Diagnostics diagnostics;
        auto figure = build(request, diagnostics, language);
        for (const auto& d : diagnostics.items()) {
            UNSCOPED_INFO(sfp::to_string(d));
        }
        CHECK(diagnostics.items().empty());
        return figure;
    }
};

sfp::FigureRequest request(std::string kind, std::string indicator = {},
                           std::vector<std::string> indicators = {}, std::string grouping = {}) {
    sfp::FigureRequest out;
    out.kind = std::move(kind);
    out.indicator = std::move(indicator);
    out.indicators = std::move(indicators);
    out.grouping = std::move(grouping);
    out.where = sfp::SourcePos{"document.toml", 12, 1};
    return out;
}

const std::vector<std::string> buckets = {"GB-PAR-31-90", "GB-PAR-91-180", "GB-PAR-181-365",
                                          "GB-PAR-365"};

void check_values(const std::vector<Opt>& actual, const std::vector<Opt>& expected) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("value " << i);
        REQUIRE(actual[i].has_value() == expected[i].has_value());
        if (expected[i]) {
            CHECK(*actual[i] == Approx(*expected[i]));
        }
    }
}

/// Draws the chart on a recording canvas: everything inside the box, no two labels overlapping.
void check_drawing(const charts::ChartSpec& spec) {
    const charts::Box box{0, 0, 460, 230};
    charts::RecordingCanvas canvas;
    charts::draw_chart(canvas, box, spec, charts::Theme{});
    const auto& items = canvas.items();
    REQUIRE_FALSE(items.empty());
    const std::set<std::string> label_roles{"tick-label", "category-label", "data-label",
                                            "legend",     "status",         "missing",
                                            "axis-title", "reference-label"};
    for (const auto& item : items) {
        INFO(item.kind << " " << item.role << " '" << item.text << "'");
        CHECK(item.bounds.x >= box.x - 0.5);
        CHECK(item.bounds.y >= box.y - 0.5);
        CHECK(item.bounds.x + item.bounds.width <= box.x + box.width + 0.5);
        CHECK(item.bounds.y + item.bounds.height <= box.y + box.height + 0.5);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].kind != "text" || label_roles.count(items[i].role) == 0) {
            continue;
        }
        for (std::size_t j = i + 1; j < items.size(); ++j) {
            if (items[j].kind != "text" || label_roles.count(items[j].role) == 0) {
                continue;
            }
            INFO("'" << items[i].text << "' vs '" << items[j].text << "'");
            CHECK_FALSE(charts::overlaps(items[i].bounds, items[j].bounds, 0.5));
        }
    }
}

} // namespace

TEST_CASE("report figures: trend has one line per region plus all, gaps and target markers",
          "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("trend", "PQ-01"));
    REQUIRE(figure);
    const auto& chart = figure->chart;
    CHECK(chart.kind == ChartKind::line);
    CHECK(chart.categories == std::vector<std::string>{"2022", "2023", "2024"});
    CHECK(chart.format.kind == charts::ValueKind::percent);
    CHECK(chart.format.decimals == 1);
    REQUIRE(chart.series.size() == 3);
    CHECK(chart.series[0].name == "Africa");
    CHECK(chart.series[1].name == "Asia");
    // Africa: 250 / 4000; 360 / 4200; (80 + 100 + 20) / 4000.
    check_values(chart.series[0].values, {250.0 / 4000, 360.0 / 4200, 200.0 / 4000});
    // Asia: 40 / 2000; no record in 2023: a gap, not 0; 2024: C only (D has no PAR): 400 / 4000.
    check_values(chart.series[1].values, {40.0 / 2000, std::nullopt, 400.0 / 4000});
    // All: 290 / 6000; 360 / 4200; 600 / 8000.
    check_values(chart.series[2].values, {290.0 / 6000, 360.0 / 4200, 600.0 / 8000});

    // Baseline 2022 8%, milestone 2023 7% at the 2023 category, target 2026 5% (off the axis
    // years, so a line without a category).
    REQUIRE(chart.markers.size() == 3);
    CHECK(chart.markers[0].kind == charts::Marker::Kind::baseline);
    CHECK(chart.markers[0].value == Approx(0.08));
    CHECK(chart.markers[0].label == "Baseline 2022: 8.0%");
    CHECK(chart.markers[1].kind == charts::Marker::Kind::milestone);
    CHECK(chart.markers[1].category == std::optional<std::size_t>(1));
    CHECK(chart.markers[1].label == "Milestone 2023: 7.0%");
    CHECK(chart.markers[2].kind == charts::Marker::Kind::target);
    CHECK_FALSE(chart.markers[2].category);
    CHECK(chart.markers[2].value == Approx(0.05));
    CHECK(chart.markers[2].label == "Target 2026: 5.0%");

    CHECK(figure->caption == "Portfolio at risk > 30 days, 2022-2024");
    // 5 institutions report in 2024.
    CHECK(figure->note ==
          "Source: reports of the SFP partner institutions; n = 5 institutions in 2024.");
    CHECK(chart.source_note.empty()); // printed once, under the figure
    CHECK(figure->sheet_name == "trend PQ-01");
    check_drawing(chart);
}

TEST_CASE("report figures: a trend without a target has no markers", "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("trend", "FIN-01"));
    REQUIRE(figure);
    CHECK(figure->chart.markers.empty());
    // FIN-01 only has inputs in 2024: earlier years are missing, never 0.
    for (const auto& series : figure->chart.series) {
        REQUIRE(series.values.size() == 3);
        CHECK_FALSE(series.values[0]);
        CHECK_FALSE(series.values[1]);
    }
    check_drawing(figure->chart);
}

TEST_CASE("report figures: by-scope and women-share", "[report-figures]") {
    const Fixture fx;
    SECTION("by-scope: columns by region and all, last year") {
        const auto figure = fx.build(request("by-scope", "OUT-06"));
        REQUIRE(figure);
        const auto& chart = figure->chart;
        CHECK(chart.kind == ChartKind::column);
        REQUIRE(chart.categories.size() == 3);
        CHECK(chart.categories[0] == "Africa");
        CHECK(chart.categories[1] == "Asia");
        REQUIRE(chart.series.size() == 1);
        // Africa (50 + 300 + 100) / 700; Asia: C only, 600 / 800; all 1050 / 1500.
        check_values(chart.series[0].values, {450.0 / 700, 0.75, 0.7});
        CHECK(figure->caption == "Women borrowers by group, 2024");
        check_drawing(chart);
    }
    SECTION("women-share: OUT-06 by default, reference line at the all value") {
        const auto figure = fx.build(request("women-share"));
        REQUIRE(figure);
        const auto& chart = figure->chart;
        CHECK(chart.categories == std::vector<std::string>{"Africa", "Asia"});
        check_values(chart.series.at(0).values, {450.0 / 700, 0.75});
        REQUIRE(chart.markers.size() == 1);
        CHECK(chart.markers[0].value == Approx(0.7));
        CHECK(chart.markers[0].label.find(": 70.0%") != std::string::npos);
        CHECK(figure->sheet_name == "women-share OUT-06");
        check_drawing(chart);
    }
    SECTION("by institution") {
        const auto figure = fx.build(request("by-scope", "OUT-04", {}, "institution"));
        REQUIRE(figure);
        // A..E and all; OUT-04 of A in 2024 is 1000 / 100 = 10.
        REQUIRE(figure->chart.categories.size() == 6);
        CHECK(*figure->chart.series.at(0).values.at(0) == Approx(10.0));
        CHECK(figure->chart.format.kind == charts::ValueKind::currency);
    }
}

TEST_CASE("report figures: target bullets in the order of the results", "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("target-bullets"));
    REQUIRE(figure);
    const auto& bullets = figure->chart.bullets;
    CHECK(figure->chart.kind == ChartKind::bullet);
    REQUIRE(bullets.size() == 3);
    // PQ-01 first (first computed), then OUT-06 for Africa, then OUT-06 for all.
    CHECK(bullets[0].label == "PAR30");
    CHECK(bullets[1].label == "Women borrowers (Africa)");
    CHECK(bullets[2].label == "Women borrowers");
    // PQ-01, all, 2024: actual 0.075; expected on the line from 7% (2023) to 5% (2026):
    // 0.07 - 0.02 / 3; progress (0.075 - 0.08) / (expected - 0.08) ~ 0.21: off track.
    CHECK(*bullets[0].actual == Approx(0.075));
    CHECK(*bullets[0].expected == Approx(0.07 - 0.02 / 3));
    CHECK(*bullets[0].target == Approx(0.05));
    CHECK(*bullets[0].baseline == Approx(0.08));
    CHECK(bullets[0].status == "off-track");
    CHECK(bullets[0].status_text == "off track");
    // OUT-06 Africa: actual 450 / 700 = 0.643, expected 0.5 + 2 * 0.05 = 0.6: on track.
    CHECK(*bullets[1].actual == Approx(450.0 / 700));
    CHECK(*bullets[1].expected == Approx(0.6));
    CHECK(bullets[1].status == "on-track");
    CHECK(bullets[2].status == "on-track");
    CHECK(figure->caption == "Progress towards the targets, 2024");
    check_drawing(figure->chart);

    SECTION("one unit per chart: fraction targets first, mixed given indicators an error") {
        Fixture mixed;
        sfp::TargetSpec loan;
        loan.indicator = "OUT-04";
        loan.baseline_year = 2022;
        loan.baseline = 5;
        loan.target_year = 2025;
        loan.target = 8;
        mixed.assessment.set.targets.push_back(loan);
        mixed.assessment.targets =
            sfp::evaluate_targets(mixed.assessment.set, mixed.results, mixed.catalogue);
        const auto fractions = mixed.build(request("target-bullets"));
        REQUIRE(fractions);
        CHECK(fractions->chart.bullets.size() == 3);
        CHECK(fractions->chart.format.kind == charts::ValueKind::percent);
        const auto usd = mixed.build(request("target-bullets", "OUT-04"));
        REQUIRE(usd);
        REQUIRE(usd->chart.bullets.size() == 1);
        // OUT-04, all, 2024: 10000 / 1600 borrowers.
        CHECK(*usd->chart.bullets[0].actual == Approx(10000.0 / 1600));
        CHECK(usd->chart.format.kind == charts::ValueKind::currency);
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(mixed.build(request("target-bullets", {}, {"OUT-04", "PQ-01"}), diagnostics));
        REQUIRE(diagnostics.items().size() == 1);
        CHECK(diagnostics.items()[0].message.find("one unit") != std::string::npos);
    }
    SECTION("only the targets of one indicator") {
        const auto one = fx.build(request("target-bullets", "OUT-06"));
        REQUIRE(one);
        CHECK(one->chart.bullets.size() == 2);
    }
    SECTION("in French") {
        const auto fr = fx.build(request("target-bullets"), "fr");
        REQUIRE(fr);
        CHECK(fr->chart.bullets.at(0).status_text == "hors trajectoire");
        CHECK(fr->caption == "Progrès vers les cibles, 2024");
    }
}

TEST_CASE("report figures: peer ranges with quartiles, n and suppression", "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("peer-ranges", "PQ-01", {}, "region"));
    REQUIRE(figure);
    const auto& ranges = figure->chart.ranges;
    CHECK(figure->chart.kind == ChartKind::range);
    REQUIRE(ranges.size() == 3);
    // Africa 2024: A 0.08, B 0.05, E 0.02: median 0.05; PERCENTILE.INC P25 0.035, P75 0.065.
    CHECK(ranges[0].label == "Africa");
    CHECK(*ranges[0].median == Approx(0.05));
    CHECK(*ranges[0].p25 == Approx(0.035));
    CHECK(*ranges[0].p75 == Approx(0.065));
    CHECK(ranges[0].n == 3);
    // Asia: C only (D has no PAR): n = 1 < 3, suppressed: missing, not 0, n still given.
    CHECK(ranges[1].label == "Asia");
    CHECK_FALSE(ranges[1].median);
    CHECK_FALSE(ranges[1].p25);
    CHECK_FALSE(ranges[1].p75);
    CHECK(ranges[1].n == 1);
    // All: 0.02, 0.05, 0.08, 0.10: median 0.065, P25 0.0425, P75 0.085.
    CHECK(*ranges[2].median == Approx(0.065));
    CHECK(*ranges[2].p25 == Approx(0.0425));
    CHECK(*ranges[2].p75 == Approx(0.085));
    CHECK(ranges[2].n == 4);
    check_drawing(figure->chart);
}

TEST_CASE("report figures: portfolio at risk by age", "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("par-ageing", {}, buckets));
    REQUIRE(figure);
    const auto& chart = figure->chart;
    CHECK(chart.kind == ChartKind::stacked_column);
    CHECK(chart.categories == std::vector<std::string>{"Africa", "Asia", chart.categories.at(2)});
    REQUIRE(chart.series.size() == 4);
    CHECK(chart.series[0].name == "31-90 days");
    CHECK(chart.series[3].name == "Over 365 days");
    // Africa 2024 over 4000: 31-90 (50 + 40 + 20); 91-180 (10 + 30); 181-365 (10 + 20);
    // > 365 (30 - 20) + (60 - 50). Asia: C only, over 4000: 300; 50; 50; 0 (a real zero).
    // All: A, B, E, C over 8000.
    check_values(chart.series[0].values, {110.0 / 4000, 300.0 / 4000, 410.0 / 8000});
    check_values(chart.series[1].values, {40.0 / 4000, 50.0 / 4000, 90.0 / 8000});
    check_values(chart.series[2].values, {30.0 / 4000, 50.0 / 4000, 80.0 / 8000});
    check_values(chart.series[3].values, {20.0 / 4000, 0.0, 20.0 / 8000});
    // The buckets add up to PAR30 of each scope.
    for (std::size_t c = 0; c < 3; ++c) {
        double sum = 0;
        for (const auto& series : chart.series) {
            sum += *series.values[c];
        }
        const auto scope = c < 2 ? fx.results.group_scopes(0)[c] : fx.results.all_scope();
        CHECK(sum == Approx(*fx.results.find("PQ-01", scope, 2024)->value));
    }
    CHECK(figure->caption == "Portfolio at risk by age, 2024");
    CHECK(figure->sheet_name == "par-ageing");
    check_drawing(chart);
}

TEST_CASE("report figures: French words and number format", "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("par-ageing", {}, buckets), "fr");
    REQUIRE(figure);
    CHECK(figure->caption == "Portefeuille à risque par ancienneté des retards, 2024");
    CHECK(figure->chart.series.at(0).name == "31-90 jours");
    CHECK(figure->chart.format.locale == charts::Locale::fr);
    CHECK(figure->note.rfind("Source : ", 0) == 0);
    CHECK(figure->note.find("n = 5 institutions en 2024") != std::string::npos);

    const auto trend = fx.build(request("trend", "PQ-01"), "fr");
    REQUIRE(trend);
    // "Référence 2022 : 8,0 %" with the locale's percent spacing.
    const std::string& label = trend->chart.markers.at(0).label;
    CHECK(label.rfind("Référence 2022 : 8,0", 0) == 0);
    CHECK(label.find('%') != std::string::npos);
    CHECK(label.find("8.0") == std::string::npos);
    CHECK(trend->caption == "Portefeuille à risque > 30 jours, 2022-2024");

    // Scope names come from the document's translation when it gives one (D1's scope_label).
    sfp::FigureContext translated = fx.context("fr");
    std::vector<std::size_t> groupings_seen;
    translated.scope_label = [&](std::size_t scope, std::size_t grouping) {
        groupings_seen.push_back(grouping);
        const std::string& key = fx.results.scopes[scope].key;
        return key == "all"             ? std::string("Toutes les régions")
               : key == "region:Africa" ? std::string("Afrique")
                                        : fx.results.scopes[scope].label;
    };
    sfp::Diagnostics diagnostics;
    const auto named =
        sfp::build_report_figure(request("par-ageing", {}, buckets), translated, diagnostics);
    REQUIRE(named);
    CHECK(named->chart.categories ==
          std::vector<std::string>{"Afrique", "Asia", "Toutes les régions"});
    CHECK(std::all_of(groupings_seen.begin(), groupings_seen.end(),
                      [](std::size_t g) { return g == 0; }));
    const auto scatter = sfp::build_report_figure(request("depth-vs-oss", {}, {"OUT-04", "FIN-01"}),
                                                  translated, diagnostics);
    REQUIRE(scatter);
    CHECK(scatter->chart.series.at(0).name == "Afrique");
    const auto women = sfp::build_report_figure(request("women-share"), translated, diagnostics);
    REQUIRE(women);
    CHECK(women->chart.markers.at(0).label.rfind("Toutes les régions : 70,0", 0) == 0);
    CHECK(diagnostics.items().empty());

    const auto es = fx.build(request("par-ageing", {}, buckets), "es");
    REQUIRE(es);
    CHECK(es->chart.series.at(3).name == "Más de 365 días");
    CHECK(es->chart.format.locale == charts::Locale::es);
}

TEST_CASE("report figures: depth of outreach against OSS, coloured by region", "[report-figures]") {
    const Fixture fx;
    const auto figure = fx.build(request("depth-vs-oss", {}, {"OUT-04", "FIN-01"}));
    REQUIRE(figure);
    const auto& chart = figure->chart;
    CHECK(chart.kind == ChartKind::scatter);
    REQUIRE(chart.series.size() == 2);
    CHECK(chart.series[0].name == "Africa");
    CHECK(chart.series[1].name == "Asia");
    // Africa: A, B, E in institution order. x = glp / borrowers, y = rev / (fexp + imp + opex).
    check_values(chart.series[0].x, {10.0, 5.0, 5.0});
    check_values(chart.series[0].values, {110.0 / 100, 180.0 / 200, 100.0 / 100});
    // Asia: C 4000 / 800 = 5, 500 / 400; D 2000 / 100 = 20, 90 / 100.
    check_values(chart.series[1].x, {5.0, 20.0});
    check_values(chart.series[1].values, {500.0 / 400, 90.0 / 100});
    CHECK(chart.x_format.kind == charts::ValueKind::currency);
    CHECK(chart.format.kind == charts::ValueKind::percent);
    REQUIRE(chart.markers.size() == 1);
    CHECK(chart.markers[0].value == Approx(1.0));
    CHECK(chart.value_axis_title == "OSS");
    check_drawing(chart);
}

TEST_CASE("report figures: social performance as bars, radar from five", "[report-figures]") {
    const Fixture fx;
    const auto bars = fx.build(request("social-performance", {}, {"SOC-90", "OUT-06"}));
    REQUIRE(bars);
    CHECK(bars->chart.kind == ChartKind::dimension_bars);
    // All 2024: rural (20 + 100 + 40 + 400 + 20) / 1600; women 1050 / 1500.
    check_values(bars->chart.series.at(0).values, {580.0 / 1600, 0.7});
    check_drawing(bars->chart);

    const auto radar = fx.build(
        request("social-performance", {}, {"SOC-90", "OUT-06", "PQ-01", "GB-PAR-31-90", "FIN-01"}));
    REQUIRE(radar);
    CHECK(radar->chart.kind == ChartKind::radar);
    CHECK(radar->chart.categories.size() == 5);
    check_drawing(radar->chart);
}

TEST_CASE("report figures: diagnostics at the block", "[report-figures]") {
    const Fixture fx;
    const auto expect_error = [&](const sfp::FigureRequest& req, const std::string& part,
                                  const std::string& hint_part = {}) {
        sfp::Diagnostics diagnostics;
        const auto figure = fx.build(req, diagnostics);
        CHECK_FALSE(figure);
        REQUIRE(diagnostics.items().size() == 1);
        const auto& d = diagnostics.items()[0];
        INFO(sfp::to_string(d));
        CHECK(d.where.file == "document.toml");
        CHECK(d.where.line == 12);
        CHECK(d.message.find(part) != std::string::npos);
        CHECK(d.hint.find(hint_part) != std::string::npos);
    };
    SECTION("unknown kind") {
        expect_error(request("trnd", "PQ-01"), "unknown figure kind", "trend");
    }
    SECTION("unknown indicator") {
        expect_error(request("trend", "PQ-1"), "saw 'PQ-1'", "PQ-01");
    }
    SECTION("grouping not computed") {
        expect_error(request("peer-ranges", "PQ-01", {}, "peer:age"),
                     "expected a computed grouping");
    }
    SECTION("missing required options") {
        expect_error(request("trend"), "expected option 'indicator'");
        expect_error(request("peer-ranges", "PQ-01"), "expected option 'grouping'");
        expect_error(request("par-ageing", {}, {"GB-PAR-31-90"}), "expected 4 indicators");
        expect_error(request("social-performance"), "expected option 'indicators'");
    }
    SECTION("wrong kind of indicator") {
        expect_error(request("peer-ranges", "OUT-06", {}, "region"), "median");
        expect_error(request("social-performance", {}, {"OUT-04"}), "fraction");
    }
    SECTION("depth-vs-oss needs the institution grouping") {
        const Fixture regions_only({"region"});
        sfp::Diagnostics diagnostics;
        CHECK_FALSE(
            regions_only.build(request("depth-vs-oss", {}, {"OUT-04", "FIN-01"}), diagnostics));
        REQUIRE(diagnostics.items().size() == 1);
        CHECK(diagnostics.items()[0].message.find("institution") != std::string::npos);
    }
}

TEST_CASE("report figures: an indicator with no values is still drawn, all missing",
          "[report-figures]") {
    const Fixture fx;
    // Not computed by the engine: a warning, and every value missing (the chart says no data).
    sfp::EngineOptions options;
    sfp::Diagnostics diagnostics;
    sfp::FigureRequest req = request("by-scope", "OUT-04");
    sfp::Results empty = fx.results;
    empty.indicators = {"PQ-01"};
    empty.items.clear();
    empty.clear_index();
    const sfp::FigureContext context{fx.catalogue, empty, fx.assessment, fx.data,
                                     2022,         2024,  "en",          words("en")};
    const auto figure = sfp::build_report_figure(req, context, diagnostics);
    REQUIRE(figure);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].severity == sfp::Severity::warning);
    for (const auto& v : figure->chart.series.at(0).values) {
        CHECK_FALSE(v);
    }
    check_drawing(figure->chart);
}
