// Tests of baselines, targets, milestones, status and guard rails (sfp/targets.hpp), against
// hand-computed values: docs/indicators.md, "Targets and status".

#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/indicators.hpp"
#include "sfp/targets.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace {

using sfp::Direction;
using sfp::Status;

/// A unique temporary folder for this file's tests (tests/unit/test_support.hpp).
class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("targets") {}
};

sfp::IndicatorDef indicator(const std::string& id, Direction good, sfp::Statistic headline) {
    sfp::IndicatorDef def;
    def.id = id;
    def.name = id;
    def.names.en = id;
    def.good = good;
    def.statistics = {headline};
    return def;
}

/// The catalogue the targets files refer to; built by hand so that these tests do not depend on
/// the catalogue file format.
sfp::Catalogue catalogue() {
    sfp::Catalogue out;
    out.indicators.push_back(indicator("OUT-01", Direction::up, sfp::Statistic::sum));
    out.indicators.push_back(indicator("OUT-03", Direction::up, sfp::Statistic::sum));
    out.indicators.push_back(indicator("OUT-04", Direction::context, sfp::Statistic::ratio));
    out.indicators.push_back(indicator("OUT-06", Direction::up, sfp::Statistic::ratio));
    out.indicators.push_back(indicator("PQ-01", Direction::down, sfp::Statistic::ratio));
    out.indicators.push_back(indicator("FIN-01", Direction::up, sfp::Statistic::ratio));
    return out;
}

/// Baseline 100 in 2020, target 200 in 2025: the expected value rises 20 a year.
sfp::TargetSpec line_up() {
    sfp::TargetSpec spec;
    spec.indicator = "OUT-01";
    spec.baseline_year = 2020;
    spec.baseline = 100;
    spec.target_year = 2025;
    spec.target = 200;
    return spec;
}

/// PAR30 from 0.10 in 2020 to 0.05 in 2025: the expected value falls 0.01 a year.
sfp::TargetSpec line_down() {
    sfp::TargetSpec spec;
    spec.indicator = "PQ-01";
    spec.baseline_year = 2020;
    spec.baseline = 0.10;
    spec.target_year = 2025;
    spec.target = 0.05;
    return spec;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line;
        out += '\n';
    }
    return out;
}

/// Loads `lines` as a targets file; returns the diagnostics.
struct Loaded {
    bool ok = false;
    sfp::TargetSet set;
    sfp::Diagnostics diagnostics;
    std::string path;
};

Loaded load(const std::vector<std::string>& lines) {
    TempDir dir;
    Loaded out;
    out.path = dir.write("targets.toml", join_lines(lines));
    out.ok = sfp::load_targets(out.path, catalogue(), out.set, out.diagnostics);
    return out;
}

/// The only error of `loaded`, checked to be at line:column and to contain every fragment.
void require_error(const Loaded& loaded, long line, long column,
                   const std::vector<std::string>& fragments, const std::string& hint = {}) {
    CHECK_FALSE(loaded.ok);
    REQUIRE(loaded.diagnostics.error_count() == 1);
    const auto& d = loaded.diagnostics.items().front();
    INFO(sfp::to_string(d));
    CHECK(d.where.file == loaded.path);
    CHECK(d.where.line == line);
    CHECK(d.where.column == column);
    for (const auto& fragment : fragments) {
        CHECK(d.message.find(fragment) != std::string::npos);
    }
    if (!hint.empty()) {
        CHECK(d.hint.find(hint) != std::string::npos);
    }
}

/// A valid target, one key per line, so that a test can replace line N and know where the
/// diagnostic must point.
std::vector<std::string> good_target() {
    return {
        "[[target]]",                                    // 1
        "indicator = \"OUT-01\"",                        // 2
        "scope = \"region:Africa\"",                     // 3
        "baseline = { year = 2020, value = 100 }",       // 4
        "target = { year = 2025, value = 200 }",         // 5
        "milestones = [ { year = 2022, value = 150 } ]", // 6
        "band = 0.2",                                    // 7
    };
}

} // namespace

// --- names ----------------------------------------------------------------------------------

TEST_CASE("targets: status names and words in the report languages", "[targets]") {
    CHECK(sfp::status_name(Status::on_track) == "on-track");
    CHECK(sfp::status_name(Status::at_risk) == "at-risk");
    CHECK(sfp::status_name(Status::off_track) == "off-track");
    CHECK(sfp::status_name(Status::no_data) == "no-data");
    CHECK(sfp::status_name(Status::not_started) == "not-started");
    CHECK(sfp::status_word(Status::on_track, "en") == "on track");
    CHECK(sfp::status_word(Status::off_track, "en") == "off track");
    CHECK(sfp::status_word(Status::on_track, "fr") == "en bonne voie");
    CHECK(sfp::status_word(Status::at_risk, "fr") == "à risque");
    CHECK(sfp::status_word(Status::off_track, "fr-CH") == "hors trajectoire");
    CHECK(sfp::status_word(Status::no_data, "fr") == "pas de données");
    CHECK(sfp::status_word(Status::not_started, "fr") == "non commencé");
    CHECK(sfp::status_word(Status::on_track, "es") == "en buen camino");
    CHECK(sfp::status_word(Status::at_risk, "es") == "en riesgo");
    CHECK(sfp::status_word(Status::off_track, "es") == "desviado");
    CHECK(sfp::status_word(Status::no_data, "es") == "sin datos");
    CHECK(sfp::status_word(Status::not_started, "es") == "no iniciado");
    CHECK(sfp::status_word(Status::at_risk, "de") == "at risk"); // no texts: English
}

// --- expected value ---------------------------------------------------------------------------

TEST_CASE("targets: the expected value is a straight line from baseline to target", "[targets]") {
    const auto spec = line_up();
    CHECK(sfp::expected_value(spec, 2020) == 100);
    CHECK(sfp::expected_value(spec, 2021) == Approx(120));
    CHECK(sfp::expected_value(spec, 2023) == Approx(160));
    CHECK(sfp::expected_value(spec, 2024) == Approx(180));
    CHECK(sfp::expected_value(spec, 2025) == 200);
    // Constant before the baseline and after the target.
    CHECK(sfp::expected_value(spec, 2015) == 100);
    CHECK(sfp::expected_value(spec, 2030) == 200);
}

TEST_CASE("targets: milestones are met exactly and joined by straight lines", "[targets]") {
    auto spec = line_up();
    spec.milestones = {{2021, 110}, {2023, 170}};
    CHECK(sfp::expected_value(spec, 2020) == 100);
    CHECK(sfp::expected_value(spec, 2021) == 110);         // milestone
    CHECK(sfp::expected_value(spec, 2022) == Approx(140)); // (110 + 170) / 2
    CHECK(sfp::expected_value(spec, 2023) == 170);         // milestone
    CHECK(sfp::expected_value(spec, 2024) == Approx(185)); // (170 + 200) / 2
    CHECK(sfp::expected_value(spec, 2025) == 200);
    CHECK(sfp::expected_value(spec, 2019) == 100);
    CHECK(sfp::expected_value(spec, 2026) == 200);

    // A milestone may plan a dip below the baseline.
    spec.milestones = {{2022, 90}};
    CHECK(sfp::expected_value(spec, 2021) == Approx(95));
    CHECK(sfp::expected_value(spec, 2022) == 90);
    CHECK(sfp::expected_value(spec, 2024) == Approx(90 + 110.0 * 2 / 3));
}

// --- status -----------------------------------------------------------------------------------

TEST_CASE("targets: status from progress on the path, direction up", "[targets]") {
    const auto spec = line_up(); // 2023: expected 160, i.e. 60 above the baseline
    const auto at = [&](double actual) {
        return sfp::evaluate_target(spec, actual, 2023, Direction::up);
    };

    auto r = at(172); // (172 - 100) / 60 = 1.2
    CHECK(r.status == Status::on_track);
    CHECK(*r.expected == Approx(160));
    CHECK(*r.progress == Approx(1.2));
    CHECK_FALSE(r.target_met);
    CHECK(r.indicator == "OUT-01");
    CHECK(r.scope == "all");
    CHECK(r.year == 2023);
    CHECK(*r.actual == 172);

    r = at(160); // exactly on the line: 1.0
    CHECK(r.status == Status::on_track);
    CHECK(*r.progress == Approx(1.0));

    r = at(157); // 57 / 60 = 0.95
    CHECK(r.status == Status::at_risk);
    CHECK(*r.progress == Approx(0.95));

    r = at(154); // 54 / 60 = 0.9: the edge of the default band, at risk
    CHECK(r.status == Status::at_risk);
    CHECK(*r.progress == Approx(0.9));

    r = at(153.9); // 53.9 / 60 = 0.8983
    CHECK(r.status == Status::off_track);
    CHECK(*r.progress == Approx(53.9 / 60));

    r = at(100); // no change: 0
    CHECK(r.status == Status::off_track);
    CHECK(*r.progress == Approx(0.0));

    r = at(80); // worse than the baseline: negative progress
    CHECK(r.status == Status::off_track);
    CHECK(*r.progress == Approx(-20.0 / 60));
}

TEST_CASE("targets: the band edge is exactly 1 - band", "[targets]") {
    // Baseline 0, target 10 in 2030: expected 1 a year; 2020 + 10 -> expected 10 in 2030.
    sfp::TargetSpec spec;
    spec.indicator = "OUT-01";
    spec.baseline_year = 2020;
    spec.baseline = 0;
    spec.target_year = 2030;
    spec.target = 100;
    // 2030 is the target year: 90 of 100 met -> 0.9 -> at risk; 89.99 -> off track.
    CHECK(sfp::evaluate_target(spec, 90.0, 2030, Direction::up).status == Status::at_risk);
    CHECK(sfp::evaluate_target(spec, 89.99, 2030, Direction::up).status == Status::off_track);
    // A progress of 0.9 computed with rounding (0.3 * 3 = 0.8999999999999999): at risk.
    spec.target = 1.0;
    spec.target_year = 2021;
    CHECK(0.3 * 3 < 0.9);
    CHECK(sfp::evaluate_target(spec, 0.3 * 3, 2021, Direction::up).status == Status::at_risk);

    // Another band: 0.25 -> at risk from 0.75.
    spec.band = 0.25;
    CHECK(sfp::evaluate_target(spec, 0.75, 2021, Direction::up).status == Status::at_risk);
    CHECK(sfp::evaluate_target(spec, 0.74, 2021, Direction::up).status == Status::off_track);
    // Band 0: anything short of the line is off track.
    spec.band = 0;
    CHECK(sfp::evaluate_target(spec, 0.999, 2021, Direction::up).status == Status::off_track);
    CHECK(sfp::evaluate_target(spec, 1.0, 2021, Direction::up).status == Status::on_track);
}

TEST_CASE("targets: direction down flips both signs of the progress ratio", "[targets]") {
    const auto spec = line_down(); // 2022: expected 0.08, i.e. 0.02 below the baseline
    const auto at = [&](double actual) {
        return sfp::evaluate_target(spec, actual, 2022, Direction::down);
    };
    auto r = at(0.075); // (0.075 - 0.10) / (0.08 - 0.10) = 1.25
    CHECK(r.status == Status::on_track);
    CHECK(*r.expected == Approx(0.08));
    CHECK(*r.progress == Approx(1.25));

    r = at(0.082); // 0.018 / 0.02 = 0.9
    CHECK(r.status == Status::at_risk);
    CHECK(*r.progress == Approx(0.9));

    r = at(0.085); // 0.015 / 0.02 = 0.75
    CHECK(r.status == Status::off_track);
    CHECK(*r.progress == Approx(0.75));

    r = at(0.12); // worse than the baseline
    CHECK(r.status == Status::off_track);
    CHECK(*r.progress == Approx(-1.0));

    // The same figures read as "up" are the opposite verdict.
    CHECK(sfp::evaluate_target(spec, 0.12, 2022, Direction::up).status != Status::off_track);
}

TEST_CASE("targets: a target met early is on track whatever the line says", "[targets]") {
    auto spec = line_up();
    spec.milestones = {{2021, 300}}; // a milestone above the target (odd but allowed)
    // 2021: expected 300, actual 210: progress (210 - 100) / 200 = 0.55, but the target (200)
    // is already met.
    auto r = sfp::evaluate_target(spec, 210, 2021, Direction::up);
    CHECK(r.target_met);
    CHECK(r.status == Status::on_track);
    CHECK(*r.progress == Approx(0.55));

    // After the target year the expected value is the target; meeting it is on track.
    r = sfp::evaluate_target(line_up(), 200, 2027, Direction::up);
    CHECK(r.target_met);
    CHECK(r.status == Status::on_track);
    CHECK(*r.expected == 200);
    r = sfp::evaluate_target(line_up(), 195, 2027, Direction::up); // 95 / 100
    CHECK_FALSE(r.target_met);
    CHECK(r.status == Status::at_risk);

    // Down: at or below the target.
    r = sfp::evaluate_target(line_down(), 0.05, 2021, Direction::down);
    CHECK(r.target_met);
    CHECK(r.status == Status::on_track);
    r = sfp::evaluate_target(line_down(), 0.0501, 2025, Direction::down);
    CHECK_FALSE(r.target_met);
}

TEST_CASE("targets: not started before the baseline year, no data without an actual", "[targets]") {
    auto r = sfp::evaluate_target(line_up(), 500, 2019, Direction::up);
    CHECK(r.status == Status::not_started);
    CHECK(*r.actual == 500);
    CHECK_FALSE(r.expected);
    CHECK_FALSE(r.progress);
    CHECK_FALSE(r.target_met);

    r = sfp::evaluate_target(line_up(), std::nullopt, 2019, Direction::up);
    CHECK(r.status == Status::not_started);

    r = sfp::evaluate_target(line_up(), std::nullopt, 2023, Direction::up);
    CHECK(r.status == Status::no_data);
    CHECK(*r.expected == Approx(160));
    CHECK_FALSE(r.actual);
    CHECK_FALSE(r.progress);

    // A "context" direction cannot be judged (load_targets rejects it): no status.
    r = sfp::evaluate_target(line_up(), 150, 2023, Direction::context);
    CHECK(r.status == Status::no_data);
}

TEST_CASE("targets: without an expected improvement the actual is compared with the expected "
          "value",
          "[targets]") {
    // The baseline year itself: expected = baseline = 100, progress undefined.
    auto r = sfp::evaluate_target(line_up(), 100, 2020, Direction::up);
    CHECK_FALSE(r.progress);
    CHECK(*r.expected == 100);
    CHECK(r.status == Status::on_track);
    CHECK(sfp::evaluate_target(line_up(), 101, 2020, Direction::up).status == Status::on_track);
    // Short by at most band * |expected| = 10: at risk; beyond: off track.
    CHECK(sfp::evaluate_target(line_up(), 90, 2020, Direction::up).status == Status::at_risk);
    CHECK(sfp::evaluate_target(line_up(), 89, 2020, Direction::up).status == Status::off_track);

    // Hold the line: target = baseline = 0.92 (share of women), every year.
    sfp::TargetSpec hold;
    hold.indicator = "OUT-06";
    hold.baseline_year = 2020;
    hold.baseline = 0.92;
    hold.target_year = 2025;
    hold.target = 0.92;
    r = sfp::evaluate_target(hold, 0.93, 2023, Direction::up);
    CHECK(r.target_met);
    CHECK(r.status == Status::on_track);
    r = sfp::evaluate_target(hold, 0.85, 2023, Direction::up); // short by 0.07 <= 0.092
    CHECK(r.status == Status::at_risk);
    CHECK_FALSE(r.progress);
    CHECK(sfp::evaluate_target(hold, 0.82, 2023, Direction::up).status == Status::off_track);

    // Down, baseline year: PAR30 0.10, at risk up to 0.11, off track above.
    CHECK(sfp::evaluate_target(line_down(), 0.095, 2020, Direction::down).status ==
          Status::on_track);
    CHECK(sfp::evaluate_target(line_down(), 0.108, 2020, Direction::down).status ==
          Status::at_risk);
    CHECK(sfp::evaluate_target(line_down(), 0.115, 2020, Direction::down).status ==
          Status::off_track);

    // A planned dip: milestone 90 in 2022 below the baseline 100 (direction up).
    auto dip = line_up();
    dip.milestones = {{2022, 90}};
    r = sfp::evaluate_target(dip, 91, 2022, Direction::up);
    CHECK_FALSE(r.progress);
    CHECK(r.status == Status::on_track);
    CHECK(sfp::evaluate_target(dip, 85, 2022, Direction::up).status == Status::at_risk);
    CHECK(sfp::evaluate_target(dip, 80, 2022, Direction::up).status == Status::off_track);

    // Expected value 0 (a PAR30 target of 0 held from a baseline of 0): only 0 is on track.
    sfp::TargetSpec zero = line_down();
    zero.baseline = 0;
    zero.target = 0;
    CHECK(sfp::evaluate_target(zero, 0.0, 2022, Direction::down).status == Status::on_track);
    CHECK(sfp::evaluate_target(zero, 0.001, 2022, Direction::down).status == Status::off_track);
}

// --- load_targets -----------------------------------------------------------------------------

TEST_CASE("targets: load_targets reads targets and guard rails", "[targets]") {
    auto lines = good_target();
    lines.insert(lines.end(), {
                                  "direction = \"up\"",                       // 8
                                  "",                                         // 9
                                  "[[target]]",                               // 10
                                  "indicator = \"PQ-01\"",                    // 11
                                  "baseline = { year = 2020, value = 0.06 }", // 12
                                  "target = { year = 2026, value = 0.05 }",   // 13
                                  "",
                                  "[[guard_rail]]",
                                  "indicator = \"FIN-01\"",
                                  "below = 1",
                                  "label = \"not covering costs\"",
                                  "",
                                  "[[guard_rail]]",
                                  "indicator = \"PQ-01\"",
                                  "above = 0.10",
                                  "label = \"portfolio at risk above 10%\"",
                                  "",
                                  "[report]", // other keys: ignored (a report config)
                                  "name = \"anything\"",
                              });
    const auto loaded = load(lines);
    INFO((loaded.diagnostics.items().empty() ? "" : sfp::to_string(loaded.diagnostics.items()[0])));
    REQUIRE(loaded.ok);
    CHECK(loaded.diagnostics.items().empty());
    REQUIRE(loaded.set.targets.size() == 2);
    const auto& a = loaded.set.targets[0];
    CHECK(a.indicator == "OUT-01");
    CHECK(a.scope == "region:Africa");
    CHECK(a.baseline_year == 2020);
    CHECK(a.baseline == 100);
    CHECK(a.target_year == 2025);
    CHECK(a.target == 200);
    REQUIRE(a.milestones.size() == 1);
    CHECK(a.milestones[0].year == 2022);
    CHECK(a.milestones[0].value == 150);
    CHECK(a.band == 0.2);
    CHECK(a.direction == Direction::up);
    CHECK(a.where.file == loaded.path);
    CHECK(a.where.line == 1);
    const auto& b = loaded.set.targets[1];
    CHECK(b.indicator == "PQ-01");
    CHECK(b.scope == "all");
    CHECK(b.band == 0.10);
    CHECK_FALSE(b.direction);
    CHECK(b.milestones.empty());
    CHECK(b.target == 0.05);
    REQUIRE(loaded.set.guard_rails.size() == 2);
    CHECK(loaded.set.guard_rails[0].indicator == "FIN-01");
    CHECK(*loaded.set.guard_rails[0].below == 1.0);
    CHECK_FALSE(loaded.set.guard_rails[0].above);
    CHECK(loaded.set.guard_rails[0].label == "not covering costs");
    CHECK(*loaded.set.guard_rails[1].above == 0.10);
    CHECK_FALSE(loaded.set.guard_rails[1].below);

    // A second file appends.
    sfp::TargetSet set = loaded.set;
    TempDir dir;
    const auto more = dir.write("more.toml", join_lines({"[[target]]", "indicator = \"OUT-03\"",
                                                         "baseline = { year = 2020, value = 1 }",
                                                         "target = { year = 2021, value = 2 }"}));
    sfp::Diagnostics diagnostics;
    CHECK(sfp::load_targets(more, catalogue(), set, diagnostics));
    CHECK(set.targets.size() == 3);
    CHECK(set.guard_rails.size() == 2);

    // A file with neither table (a report config without targets) is fine and adds nothing.
    const auto none = dir.write("none.toml", "[report]\nname = \"x\"\n");
    CHECK(sfp::load_targets(none, catalogue(), set, diagnostics));
    CHECK(set.targets.size() == 3);
}

TEST_CASE("targets: the sample targets file loads against the standard catalogue", "[targets]") {
    sfp::Diagnostics diagnostics;
    const auto standard = sfp::load_catalogue(
        std::string(SFPGEN_SOURCE_DIR) + "/data/indicators/catalogue.toml", diagnostics);
    REQUIRE(standard);
    sfp::TargetSet set;
    const bool ok =
        sfp::load_targets(std::string(SFPGEN_SOURCE_DIR) + "/data/targets/sfp-targets.toml",
                          *standard, set, diagnostics);
    for (const auto& d : diagnostics.items()) {
        UNSCOPED_INFO(sfp::to_string(d));
    }
    CHECK(ok);
    CHECK(diagnostics.items().empty());
    CHECK(set.targets.size() == 10);
    REQUIRE(set.guard_rails.size() == 2);
    CHECK(set.guard_rails[0].indicator == "FIN-01");
    CHECK(*set.guard_rails[0].below == 1.0);
    CHECK(set.guard_rails[1].indicator == "PQ-01");
    CHECK(*set.guard_rails[1].above == 0.10);
}

TEST_CASE("targets: an unknown indicator is an error with a suggestion", "[targets]") {
    auto lines = good_target();
    lines[1] = "indicator = \"OUT-1\"";
    require_error(load(lines), 2, 13, {"'indicator' in [[target]]", "found \"OUT-1\""},
                  "did you mean 'OUT-01'?");

    const auto rail = load(
        {"[[guard_rail]]", "indicator = \"FIN01\"", "below = 1", "label = \"not covering costs\""});
    require_error(rail, 2, 13, {"'indicator' in [[guard_rail]]", "found \"FIN01\""},
                  "did you mean 'FIN-01'?");
}

TEST_CASE("targets: unknown keys are errors with a suggestion", "[targets]") {
    auto lines = good_target();
    lines[6] = "bnad = 0.2";
    require_error(load(lines), 7, 1, {"unknown key 'bnad' in [[target]]"}, "did you mean 'band'?");

    lines = good_target();
    lines[3] = "baseline = { yaer = 2020, value = 100 }";
    auto loaded = load(lines);
    CHECK_FALSE(loaded.ok);
    // The misspelt key, then the missing year.
    REQUIRE(loaded.diagnostics.error_count() == 2);
    const auto& d = loaded.diagnostics.items()[0];
    CHECK(d.where.line == 4);
    CHECK(d.where.column == 14);
    CHECK(d.message.find("unknown key 'yaer' in 'baseline' of [[target]] for 'OUT-01'") !=
          std::string::npos);
    CHECK(d.hint == "did you mean 'year'?");
    CHECK(loaded.diagnostics.items()[1].message.find("missing required key 'year'") !=
          std::string::npos);

    // A near miss of the table names would drop every target silently.
    require_error(load({"[[targets]]", "indicator = \"OUT-01\""}), 1, 3, {"unknown key 'targets'"},
                  "did you mean 'target'?");
}

TEST_CASE("targets: baseline year must come before the target year", "[targets]") {
    auto lines = good_target();
    lines[3] = "baseline = { year = 2026, value = 100 }";
    lines[5] = "";
    require_error(load(lines), 4, 21,
                  {"[[target]] for 'OUT-01'", "expected the baseline year before the target year",
                   "found baseline 2026 and target 2025"});

    lines[3] = "baseline = { year = 2025, value = 100 }"; // the same year
    require_error(load(lines), 4, 21, {"found baseline 2025 and target 2025"});
}

TEST_CASE("targets: milestones out of order or outside the path are errors", "[targets]") {
    auto lines = good_target();
    lines[5] = "milestones = [ { year = 2023, value = 150 }, { year = 2022, value = 160 } ]";
    require_error(load(lines), 6, 55,
                  {"expected milestones in ascending years", "found 2022 after 2023"});

    lines[5] = "milestones = [ { year = 2022, value = 150 }, { year = 2022, value = 160 } ]";
    require_error(load(lines), 6, 55, {"found 2022 after 2022"});

    lines[5] = "milestones = [ { year = 2020, value = 150 } ]"; // the baseline year
    require_error(load(lines), 6, 25,
                  {"'year' in a milestone of [[target]] for 'OUT-01'",
                   "expected a year after the baseline year 2020 and before the target year 2025",
                   "found 2020"});

    lines[5] = "milestones = [ { year = 2027, value = 150 } ]"; // after the target year
    require_error(load(lines), 6, 25, {"found 2027"});

    lines[5] = "milestones = { year = 2022, value = 150 }"; // not an array
    require_error(
        load(lines), 6, 14,
        {"'milestones' in [[target]] for 'OUT-01'", "expected an array", "found a table"});

    lines[5] = "milestones = [ 2022 ]";
    require_error(
        load(lines), 6, 16,
        {"a milestone of [[target]] for 'OUT-01'", "expected a table", "found an integer"});
}

TEST_CASE("targets: band outside 0..1 is an error", "[targets]") {
    auto lines = good_target();
    lines[6] = "band = 1.5";
    require_error(
        load(lines), 7, 8,
        {"'band' in [[target]] for 'OUT-01'", "expected a share from 0 to 1", "found 1.5"});
    lines[6] = "band = -0.1";
    require_error(load(lines), 7, 8, {"found -0.1"});
    lines[6] = "band = 10"; // "10%" written as a number of percent
    require_error(load(lines), 7, 8, {"found 10"});
    lines[6] = "band = nan";
    require_error(load(lines), 7, 8, {"expected a finite number", "found nan"});
    lines[6] = "band = 0";
    CHECK(load(lines).ok);
    lines[6] = "band = 1";
    CHECK(load(lines).ok);
}

TEST_CASE("targets: a guard rail has exactly one of below and above", "[targets]") {
    auto both = load({"[[guard_rail]]", "indicator = \"PQ-01\"", "below = 0.01", "above = 0.1",
                      "label = \"x\""});
    require_error(
        both, 4, 9,
        {"[[guard_rail]] for 'PQ-01'", "expected exactly one of 'below' or 'above', found both"});
    auto neither = load({"[[guard_rail]]", "indicator = \"PQ-01\"", "label = \"x\""});
    require_error(neither, 1, 1, {"found neither"});
    auto no_label = load({"[[guard_rail]]", "indicator = \"PQ-01\"", "above = 0.1"});
    require_error(no_label, 1, 1, {"missing required key 'label' in [[guard_rail]]"});
    auto empty_label =
        load({"[[guard_rail]]", "indicator = \"PQ-01\"", "above = 0.1", "label = \"\""});
    require_error(empty_label, 4, 9, {"found an empty string"});
    auto text =
        load({"[[guard_rail]]", "indicator = \"PQ-01\"", "above = \"10%\"", "label = \"x\""});
    require_error(
        text, 3, 9,
        {"'above' in [[guard_rail]] for 'PQ-01'", "expected a number", "found the string \"10%\""});
}

TEST_CASE("targets: missing keys are errors at the table", "[targets]") {
    auto lines = good_target();
    lines[1] = "";
    require_error(load(lines), 1, 1, {"missing required key 'indicator' in [[target]]"});

    lines = good_target();
    lines[3] = "";
    require_error(load(lines), 1, 1,
                  {"missing required key 'baseline' in [[target]] for "
                   "'OUT-01'"});
    lines = good_target();
    lines[4] = "";
    lines[5] = ""; // the milestone would otherwise be outside an unknown path: not reported
    require_error(load(lines), 1, 1, {"missing required key 'target'"});

    lines = good_target();
    lines[4] = "target = { year = 2025 }";
    require_error(load(lines), 5, 10,
                  {"missing required key 'value' in 'target' of [[target]] for 'OUT-01'"});
}

TEST_CASE("targets: wrong types are errors with expected and found", "[targets]") {
    auto lines = good_target();
    lines[1] = "indicator = 1";
    require_error(load(lines), 2, 13,
                  {"'indicator' in [[target]]", "expected a string", "found an integer"});

    lines = good_target();
    lines[3] = "baseline = 100";
    require_error(
        load(lines), 4, 12,
        {"'baseline' of [[target]] for 'OUT-01'", "expected a table such as", "found an integer"});

    lines = good_target();
    lines[3] = "baseline = { year = \"2020\", value = 100 }";
    require_error(load(lines), 4, 21,
                  {"'year' in 'baseline' of [[target]] for 'OUT-01'", "expected an integer",
                   "found a string"});

    lines = good_target();
    lines[3] = "baseline = { year = 2020.0, value = 100 }";
    require_error(load(lines), 4, 21, {"expected an integer", "found a floating-point number"});

    lines = good_target();
    lines[4] = "target = { year = 2025, value = \"200\" }";
    require_error(load(lines), 5, 33,
                  {"'value' in 'target' of [[target]] for 'OUT-01'", "expected a number",
                   "found the string \"200\""});

    lines = good_target();
    lines[3] = "baseline = { year = 20, value = 100 }";
    require_error(load(lines), 4, 21, {"expected a year from 1900 to 2200", "found 20"});

    lines = good_target();
    lines[2] = "scope = \"Africa\"";
    require_error(load(lines), 3, 9,
                  {"'scope' in [[target]] for 'OUT-01'",
                   "expected \"all\" or a scope key such as \"region:Africa\"", "found \"Africa\""},
                  "did you mean 'region:Africa'?");

    lines = good_target();
    lines[6] = "direction = \"dwon\"";
    require_error(load(lines), 7, 13,
                  {"'direction' in [[target]]", "expected \"up\" or \"down\"", "found \"dwon\""},
                  "did you mean 'down'?");

    require_error(load({"target = 3"}), 1, 10,
                  {"'target': expected an array of tables ([[target]])", "found an integer"});
    require_error(load({"[guard_rail]", "indicator = \"PQ-01\""}), 1, 1,
                  {"expected an array of tables ([[guard_rail]])", "found a table"});
}

TEST_CASE("targets: context indicators need an explicit direction", "[targets]") {
    auto lines = good_target();
    lines[1] = "indicator = \"OUT-04\"";
    require_error(load(lines), 2, 13,
                  {"[[target]] for 'OUT-04'", "direction is \"context\"",
                   "expected an explicit direction = \"up\" or \"down\""});
    lines.push_back("direction = \"down\"");
    lines[3] = "baseline = { year = 2020, value = 200 }"; // down: the target must not rise
    lines[5] = "milestones = [ { year = 2022, value = 150 } ]";
    lines[4] = "target = { year = 2025, value = 100 }";
    const auto loaded = load(lines);
    CHECK(loaded.ok);
    REQUIRE(loaded.set.targets.size() == 1);
    CHECK(loaded.set.targets[0].direction == Direction::down);
}

TEST_CASE("targets: a target worse than the baseline is an error", "[targets]") {
    auto lines = good_target();
    lines[4] = "target = { year = 2025, value = 90 }";
    require_error(
        load(lines), 5, 33,
        {"[[target]] for 'OUT-01'", "expected a target at or above the baseline 100", "found 90"},
        "swapped");
    // PAR30 is "down": a rising target is the mistake.
    require_error(
        load({"[[target]]", "indicator = \"PQ-01\"", "baseline = { year = 2020, value = 0.05 }",
              "target = { year = 2025, value = 0.06 }"}),
        4, 33, {"expected a target at or below the baseline 0.05", "found 0.06"});
    // Equal: hold the line.
    lines[4] = "target = { year = 2025, value = 100 }";
    lines[5] = "";
    CHECK(load(lines).ok);
}

TEST_CASE("targets: a second target for the same indicator and scope is an error", "[targets]") {
    auto lines = good_target();
    const auto first = lines;
    lines.insert(lines.end(), first.begin(), first.end()); // lines 8 to 14
    require_error(load(lines), 9, 13,
                  {"expected one target per indicator and scope",
                   "found a second one for scope \"region:Africa\""},
                  "the first is at ");
    // Another scope is another target.
    lines[9] = "scope = \"all\"";
    CHECK(load(lines).ok);
}

TEST_CASE("targets: invalid TOML and a missing file are errors with a position", "[targets]") {
    const auto loaded = load({"[[target]]", "indicator = \"OUT-01", "x = 1"});
    CHECK_FALSE(loaded.ok);
    REQUIRE(loaded.diagnostics.error_count() == 1);
    CHECK(loaded.diagnostics.items()[0].where.line == 2);
    CHECK(loaded.diagnostics.items()[0].message.find("invalid TOML") != std::string::npos);

    sfp::TargetSet set;
    sfp::Diagnostics diagnostics;
    CHECK_FALSE(sfp::load_targets("/nonexistent/targets.toml", catalogue(), set, diagnostics));
    CHECK(diagnostics.error_count() == 1);
}

// --- evaluation on results --------------------------------------------------------------------

namespace {

/// Results built by hand: scopes "all" (0), "region:Africa" (1), "region:South Asia" (2); the
/// primary grouping lists the regions, then "all"; years 2019 to 2022.
class HandResults {
public:
    HandResults() {
        results.scopes = {{"all", "All regions", 0, {}},
                          {"region:Africa", "Africa", 0, {"Africa"}},
                          {"region:South Asia", "South Asia", 0, {"South Asia"}}};
        results.groupings = {{"region", {1, 2, 0}}};
        results.all_ = 0;
        results.periods = {2019, 2020, 2021, 2022};
        results.reporting_.assign(results.scopes.size() * results.periods.size(), 0);
    }

    /// Adds the headline result of `id` in `scope` and `period`.
    sfp::IndicatorResult& add(const std::string& id, sfp::Statistic statistic, std::size_t scope,
                              int period, std::optional<double> value,
                              std::vector<std::uint32_t> records = {}) {
        sfp::IndicatorResult item;
        item.indicator = id;
        item.statistic = statistic;
        item.scope = scope;
        item.period = period;
        item.value = value;
        if (!value) {
            item.missing = sfp::MissingReason::no_data;
        }
        item.records = sfp::RecordList(records);
        item.n = static_cast<long>(item.records.size());
        if (std::find(results.indicators.begin(), results.indicators.end(), id) ==
            results.indicators.end()) {
            results.indicators.push_back(id);
        }
        results.items.push_back(std::move(item));
        results.add_to_index(results.items.size() - 1);
        return results.items.back();
    }

    sfp::Results results;
};

} // namespace

TEST_CASE("targets: evaluate_targets reads the headline result of each scope and year",
          "[targets]") {
    HandResults hand;
    // OUT-01 in Africa: baseline 100 (2020), target 200 (2025) -> expected 120 in 2021, 140 in
    // 2022.
    hand.add("OUT-01", sfp::Statistic::sum, 1, 2019, 90);
    hand.add("OUT-01", sfp::Statistic::sum, 1, 2020, 100);
    hand.add("OUT-01", sfp::Statistic::sum, 1, 2021, 119); // 19 / 20 = 0.95
    // 2022 absent: no data.
    hand.add("OUT-01", sfp::Statistic::sum, 0, 2021, 1000); // another scope: not used
    // PQ-01, all: 0.10 (2020) -> 0.05 (2025); 2022 expected 0.08; a missing 2021 value.
    hand.add("PQ-01", sfp::Statistic::ratio, 0, 2020, 0.10);
    hand.add("PQ-01", sfp::Statistic::ratio, 0, 2021, std::nullopt);
    hand.add("PQ-01", sfp::Statistic::ratio, 0, 2022, 0.09); // 0.01 / 0.02 = 0.5

    sfp::TargetSet set;
    auto africa = line_up();
    africa.scope = "region:Africa";
    set.targets.push_back(africa);
    set.targets.push_back(line_down());
    auto unknown = line_up();
    unknown.scope = "region:Europe"; // not in the results: no data every year
    set.targets.push_back(unknown);

    const auto out = sfp::evaluate_targets(set, hand.results, catalogue());
    REQUIRE(out.size() == 3 * 4);
    // Target-major, then the periods in order.
    for (std::size_t i = 0; i < out.size(); ++i) {
        CHECK(out[i].target == i / 4);
        CHECK(out[i].year == hand.results.periods[i % 4]);
    }
    CHECK(out[0].scope == "region:Africa");
    CHECK(out[0].status == Status::not_started);
    CHECK(*out[0].actual == 90);
    CHECK(out[1].status == Status::on_track); // the baseline year, actual = baseline
    CHECK(out[2].status == Status::at_risk);
    CHECK(*out[2].progress == Approx(0.95));
    CHECK(*out[2].expected == Approx(120));
    CHECK(out[3].status == Status::no_data);
    CHECK(*out[3].expected == Approx(140));

    CHECK(out[4].indicator == "PQ-01");
    CHECK(out[4].scope == "all");
    CHECK(out[4].status == Status::not_started);
    CHECK(out[5].status == Status::on_track);
    CHECK(out[6].status == Status::no_data); // the result is missing
    CHECK(out[7].status == Status::off_track);
    CHECK(*out[7].progress == Approx(0.5));

    for (std::size_t i = 8; i < 12; ++i) {
        CHECK(out[i].scope == "region:Europe");
        CHECK((out[i].status == Status::no_data || out[i].status == Status::not_started));
    }

    // An explicit direction overrides the indicator's: PQ-01 read as "up" in 2022 is a target
    // below the baseline, i.e. no improvement planned: 0.09 is above the expected 0.08.
    set.targets[1].direction = Direction::up;
    const auto flipped = sfp::evaluate_targets(set, hand.results, catalogue());
    CHECK(flipped[7].status == Status::on_track);
}

TEST_CASE("targets: guard rails for every scope and year, counting institutions of the year",
          "[targets]") {
    // Six records: institutions A, B (Africa) and C (South Asia) in 2020 and 2021.
    HandResults hand;
    hand.results.record_institution = {"A", "B", "C", "A", "B", "C"};
    hand.results.record_year = {2020, 2020, 2020, 2021, 2021, 2021};
    // OSS per record; C has no value in 2021.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    sfp::InstitutionValues oss;
    oss.value = {0.9, 1.2, 1.1, 1.05, 0.95, nan};
    std::map<std::string, sfp::InstitutionValues> values{{"FIN-01", oss}};

    // Provenance of the 2021 results lists the 2020 records too (as avg() would).
    hand.add("FIN-01", sfp::Statistic::ratio, 1, 2020, 1.08, {0, 1});
    hand.add("FIN-01", sfp::Statistic::ratio, 1, 2021, 0.99, {0, 1, 3, 4});
    hand.add("FIN-01", sfp::Statistic::ratio, 2, 2020, 1.1, {2});
    hand.add("FIN-01", sfp::Statistic::ratio, 2, 2021, std::nullopt); // no value: no rail
    hand.add("FIN-01", sfp::Statistic::ratio, 0, 2020, 1.07, {0, 1, 2});
    hand.add("FIN-01", sfp::Statistic::ratio, 0, 2021, 1.0, {0, 1, 2, 3, 4, 5});

    sfp::TargetSet set;
    sfp::GuardRail rail;
    rail.indicator = "FIN-01";
    rail.below = 1.0;
    rail.label = "not covering costs";
    set.guard_rails.push_back(rail);
    sfp::GuardRail par;
    par.indicator = "PQ-01"; // not in the results: nothing
    par.above = 0.1;
    set.guard_rails.push_back(par);

    const auto out = sfp::evaluate_guard_rails(set, hand.results, values);
    REQUIRE(out.size() == 5);
    // Scopes in the primary grouping's order (regions, then all), years in order.
    CHECK(out[0].scope == "region:Africa");
    CHECK(out[0].year == 2020);
    CHECK(out[0].value == 1.08);
    CHECK_FALSE(out[0].breached);
    CHECK(out[0].institutions == 2);
    CHECK(out[0].institutions_breaching == 1); // A at 0.9

    CHECK(out[1].scope == "region:Africa");
    CHECK(out[1].year == 2021);
    CHECK(out[1].breached);
    CHECK(out[1].institutions == 2);           // the 2020 records of the provenance are not counted
    CHECK(out[1].institutions_breaching == 1); // B at 0.95

    CHECK(out[2].scope == "region:South Asia");
    CHECK(out[2].year == 2020);
    CHECK(out[2].institutions == 1);
    CHECK(out[2].institutions_breaching == 0);

    CHECK(out[3].scope == "all");
    CHECK(out[3].year == 2020);
    CHECK(out[3].institutions == 3);
    CHECK(out[3].institutions_breaching == 1);

    CHECK(out[4].scope == "all");
    CHECK(out[4].year == 2021);
    CHECK_FALSE(out[4].breached);    // 1.0 is not below 1.0
    CHECK(out[4].institutions == 2); // C's NaN is not a value
    CHECK(out[4].institutions_breaching == 1);
    for (const auto& r : out) {
        CHECK(r.rail == 0);
        CHECK(r.indicator == "FIN-01");
    }

    // Without institution values the counts are 0 of 0.
    const auto bare = sfp::evaluate_guard_rails(set, hand.results, {});
    REQUIRE(bare.size() == 5);
    CHECK(bare[1].breached);
    CHECK(bare[1].institutions == 0);
    CHECK(bare[1].institutions_breaching == 0);
}

// --- evaluation on results computed by the engine ---------------------------------------------

namespace {

/// A catalogue with a ratio, a sum and an average-balance indicator, in the catalogue format.
sfp::Catalogue engine_catalogue() {
    const TempDir dir;
    const auto path = dir.write("catalogue.toml", R"toml(
[[indicator]]
id = "PQ-01"
name = "Portfolio at risk > 30 days"
formula = "par30_balance / gross_loan_portfolio"
unit = "fraction"
good = "down"
aggregate = ["ratio", "median"]
source = "test"

[[indicator]]
id = "OUT-01"
name = "Active borrowers"
formula = "active_borrowers"
unit = "count"
good = "up"
aggregate = ["sum"]
source = "test"

[[indicator]]
id = "PQ-03"
name = "Write-off ratio"
formula = "write_offs / avg(gross_loan_portfolio)"
unit = "fraction"
good = "down"
aggregate = ["ratio", "median"]
source = "test"
)toml");
    sfp::Diagnostics diagnostics;
    auto loaded = sfp::load_catalogue(path, diagnostics);
    for (const auto& d : diagnostics.items()) {
        UNSCOPED_INFO(sfp::to_string(d));
    }
    REQUIRE(loaded);
    return std::move(*loaded);
}

struct Row {
    std::string id;
    std::string region;
    int year;
    double glp;
    double par30;
    double borrowers;
    double write_offs;
};

sfp::Dataset dataset(const std::vector<Row>& rows) {
    sfp::Dataset data;
    for (const std::string field :
         {"gross_loan_portfolio", "par30_balance", "active_borrowers", "write_offs"}) {
        data.numbers[field].resize(rows.size());
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& row = rows[i];
        data.institution_id.push_back(row.id);
        data.institution_name.push_back(row.id);
        data.country_iso3.push_back("KEN");
        data.region.push_back(row.region);
        data.currency.push_back("USD");
        data.fiscal_year.push_back(row.year);
        data.period_start.emplace_back();
        data.period_end.emplace_back();
        data.numbers["gross_loan_portfolio"][i] = row.glp;
        data.numbers["par30_balance"][i] = row.par30;
        data.numbers["active_borrowers"][i] = row.borrowers;
        data.numbers["write_offs"][i] = row.write_offs;
        data.origin.push_back(sfp::SourcePos{"panel.csv", static_cast<long>(i) + 2, 0});
    }
    return data;
}

} // namespace

TEST_CASE("targets: targets and guard rails on results computed by the engine", "[targets]") {
    const auto catalogue = engine_catalogue();
    // A and B in Africa, C in South Asia; 2020 and 2021.
    const auto data = dataset({
        {"A", "Africa", 2020, 1000, 50, 100, 10},  // PAR30 0.05
        {"B", "Africa", 2020, 1000, 150, 200, 40}, // PAR30 0.15
        {"C", "South Asia", 2020, 2000, 100, 300, 20},
        {"A", "Africa", 2021, 1000, 120, 150, 30},     // PAR30 0.12; write-offs 30 / 1000 = 0.03
        {"B", "Africa", 2021, 1000, 30, 220, 10},      // PAR30 0.03
        {"C", "South Asia", 2021, 2000, 60, 330, 100}, // PAR30 0.03; 100 / 2000 = 0.05
    });
    sfp::EngineOptions options;
    options.indicators = {"PQ-01", "OUT-01", "PQ-03"};
    options.groupings = {"region"};
    const auto results = sfp::compute_indicators(data, catalogue, sfp::ReferenceSeries{}, options);
    REQUIRE(results.periods == std::vector<int>{2020, 2021});

    // Targets: borrowers, all: 600 (2020) -> 1000 (2024): expected 700 in 2021, actual 700.
    // PAR30 in Africa: 0.10 (2020) -> 0.05 (2025): expected 0.09 in 2021; actual 150 / 2000 =
    // 0.075, progress 0.025 / 0.01 = 2.5. Borrowers in Europe: not in the results.
    sfp::TargetSet set;
    sfp::TargetSpec borrowers;
    borrowers.indicator = "OUT-01";
    borrowers.baseline_year = 2020;
    borrowers.baseline = 600;
    borrowers.target_year = 2024;
    borrowers.target = 1000;
    set.targets.push_back(borrowers);
    sfp::TargetSpec par = line_down();
    par.scope = "region:Africa";
    set.targets.push_back(par);
    sfp::TargetSpec europe = borrowers;
    europe.scope = "region:Europe";
    set.targets.push_back(europe);

    const auto targets = sfp::evaluate_targets(set, results, catalogue);
    REQUIRE(targets.size() == 6);
    CHECK(*targets[0].actual == Approx(600));
    CHECK(targets[0].status == Status::on_track);
    CHECK(*targets[1].actual == Approx(700));
    CHECK(*targets[1].expected == Approx(700));
    CHECK(*targets[1].progress == Approx(1.0));
    CHECK(targets[1].status == Status::on_track);
    CHECK(*targets[2].actual == Approx(0.10));
    CHECK(targets[2].status == Status::on_track);
    CHECK(*targets[3].actual == Approx(0.075));
    CHECK(*targets[3].progress == Approx(2.5));
    CHECK(targets[3].status == Status::on_track);
    CHECK(targets[4].status == Status::no_data);
    CHECK(targets[5].status == Status::no_data);

    // Guard rails: PAR30 above 0.10 and write-offs above 0.04. PQ-03's 2021 provenance also
    // lists the 2020 records that avg() read; they must not be counted as institutions.
    sfp::GuardRail high_par;
    high_par.indicator = "PQ-01";
    high_par.above = 0.10;
    set.guard_rails.push_back(high_par);
    sfp::GuardRail write_offs;
    write_offs.indicator = "PQ-03";
    write_offs.above = 0.04;
    set.guard_rails.push_back(write_offs);
    std::map<std::string, sfp::InstitutionValues> values;
    for (const std::string id : {"PQ-01", "PQ-03"}) {
        values[id] = sfp::institution_values(data, catalogue, sfp::ReferenceSeries{}, options, id);
    }
    const auto rails = sfp::evaluate_guard_rails(set, results, values);
    const auto find = [&](std::size_t rail, const std::string& scope, int year) {
        const auto found =
            std::find_if(rails.begin(), rails.end(), [&](const sfp::GuardRailResult& r) {
                return r.rail == rail && r.scope == scope && r.year == year;
            });
        REQUIRE(found != rails.end());
        return *found;
    };
    // PAR30, Africa 2020: 200 / 2000 = 0.10, not above; B (0.15) is.
    auto r = find(0, "region:Africa", 2020);
    CHECK(r.value == Approx(0.10));
    CHECK_FALSE(r.breached);
    CHECK(r.institutions == 2);
    CHECK(r.institutions_breaching == 1);
    // PAR30, all 2020: 300 / 4000 = 0.075; B of A, B, C breaches.
    r = find(0, "all", 2020);
    CHECK(r.institutions == 3);
    CHECK(r.institutions_breaching == 1);
    // PAR30, all 2021: A (0.12) breaches.
    r = find(0, "all", 2021);
    CHECK(r.value == Approx(210.0 / 4000));
    CHECK(r.institutions == 3);
    CHECK(r.institutions_breaching == 1);

    // Write-offs, 2021 (2020 has no previous balances: single balance, flagged, still a value).
    r = find(1, "all", 2021);
    CHECK(r.value == Approx(140.0 / 4000));
    CHECK_FALSE(r.breached);
    CHECK(r.institutions == 3); // not 6: the 2020 records of the provenance are not counted
    CHECK(r.institutions_breaching == 1); // C at 0.05
    r = find(1, "region:South Asia", 2021);
    CHECK(r.breached); // 100 / 2000 = 0.05
    CHECK(r.institutions == 1);
    CHECK(r.institutions_breaching == 1);
    const auto* provenance = results.find("PQ-03", results.all_scope(), 2021);
    REQUIRE(provenance != nullptr);
    INFO("PQ-03 2021 provenance: " << provenance->records.size() << " records");
    CHECK(provenance->records.size() == 6); // 2021 and the 2020 balances avg() read
}
