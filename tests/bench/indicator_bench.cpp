// indicator_bench: the full indicator catalogue over a generated panel of institution-years.
//
// Usage: indicator_bench [--smoke] [INSTITUTIONS [YEARS]]   (default 2,000 x 15; --smoke 20 x 3)
//   Builds a deterministic in-memory Dataset with every field the catalogue uses (regions,
//   countries, legal forms, ages, a quarter of the institutions in local currency, 2% missing
//   values, gaps), loads data/indicators/catalogue.toml and the reference tables, then times
//   compute_indicators for: region x year; region, legal_form and the four peer groups x year.
//   Prints rows, results and the median of 5 runs of each, then one
//   "BENCH indicator <metric> <value> <unit>" line per figure (docs/benchmarks.md). Measure the
//   `bench` preset (Release); see docs/performance.md.

#include "figures.hpp"
#include "panel.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/dataset.hpp"
#include "sfp/fields.hpp"
#include "sfp/indicators.hpp"
#include "sfp/reference_series.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <optional>
#include <random>
#include <string>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace {

using sfp::bench::Dice; // the panel generator's dice (panel.hpp): same draws, same panel
using sfp::bench::parse_int;
using sfp::bench::seconds_since;

struct Country {
    const char* iso3;
    const char* region;
    const char* currency;
};

constexpr std::array<Country, 12> countries{{
    {"KEN", "Africa", "KES"},
    {"SEN", "Africa", "XOF"},
    {"PHL", "East Asia and Pacific", "PHP"},
    {"KHM", "East Asia and Pacific", "USD"},
    {"PER", "Latin America and Caribbean", "PEN"},
    {"BOL", "Latin America and Caribbean", "USD"},
    {"MAR", "Middle East and North Africa", "MAD"},
    {"JOR", "Middle East and North Africa", "USD"},
    {"IND", "South Asia", "INR"},
    {"BGD", "South Asia", "USD"},
    {"KGZ", "Europe and Central Asia", "USD"},
    {"BIH", "Europe and Central Asia", "USD"},
}};

constexpr std::array<const char*, 5> legal_forms{"Bank", "NBFI", "NGO", "Cooperative",
                                                 "Rural bank"};

sfp::Dataset generate(int institutions, int years) {
    Dice dice;
    sfp::Dataset data;
    std::vector<std::string> numeric;
    for (const auto& field : sfp::canonical_fields()) {
        if (sfp::field_applies(field, sfp::RecordKind::institution_year) &&
            field.kind != sfp::FieldKind::text && field.kind != sfp::FieldKind::date &&
            field.kind != sfp::FieldKind::year) {
            numeric.emplace_back(field.name);
        }
    }
    auto& legal = data.texts["legal_form"];
    for (int i = 0; i < institutions; ++i) {
        const Country& country = countries.at(dice.below(countries.size()));
        const bool local = std::string(country.currency) != "USD" && dice.below(2) == 0;
        const double scale = dice.uniform(2e5, 8e7);
        const double established = 1980 + static_cast<double>(dice.below(40));
        const char* form = legal_forms.at(dice.below(legal_forms.size()));
        const int gap = dice.below(10) == 0 ? static_cast<int>(dice.below(15)) : -1;
        for (int y = 0; y < years; ++y) {
            if (y == gap) {
                continue; // a missing year inside the series
            }
            const int year = 2024 - years + 1 + y;
            data.institution_id.push_back(fmt::format("MFI-{:05}", i));
            data.institution_name.push_back(fmt::format("Institution {}", i));
            data.country_iso3.emplace_back(country.iso3);
            data.region.emplace_back(country.region);
            data.currency.emplace_back(local ? country.currency : "USD");
            data.fiscal_year.push_back(year);
            data.period_start.emplace_back();
            data.period_end.emplace_back();
            data.origin.push_back({"generated.csv", static_cast<long>(data.origin.size() + 2), 0});
            legal.emplace_back(form);
            const double size = scale * (1.0 + 0.08 * y) * (local ? 100.0 : 1.0);
            for (const auto& name : numeric) {
                auto& column = data.numbers[name];
                if (dice.below(50) == 0) {
                    column.emplace_back(); // 2% missing
                    continue;
                }
                double value = size * dice.uniform(0.01, 0.4);
                if (name == "established_year") {
                    value = established;
                } else if (name == "gross_loan_portfolio") {
                    value = size;
                } else if (name == "total_assets") {
                    value = size * dice.uniform(1.1, 1.6);
                } else if (name.find("borrowers") != std::string::npos ||
                           name.find("clients") != std::string::npos ||
                           name.find("depositors") != std::string::npos) {
                    value = std::floor(size / (local ? 100.0 : 1.0) / dice.uniform(200, 2000));
                } else if (name == "personnel" || name == "loan_officers") {
                    value = std::floor(size / (local ? 100.0 : 1.0) / dice.uniform(2e4, 2e5));
                } else if (name.find("surveyed") != std::string::npos ||
                           name.find("enterprises") != std::string::npos ||
                           name.rfind("hh_", 0) == 0) {
                    value = std::floor(dice.uniform(10, 400));
                } else if (name.rfind("points_", 0) == 0 || name.rfind("ppi_", 0) == 0) {
                    value = std::floor(dice.uniform(10, 100));
                }
                column.emplace_back(value);
            }
        }
    }
    return data;
}

struct PanelSize {
    int institutions = 2000;
    int years = 15;
};

/// Reads [--smoke] [INSTITUTIONS [YEARS]]; prints what was expected and returns nullopt on error.
std::optional<PanelSize> parse_arguments(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    PanelSize size;
    if (!args.empty() && args.front() == "--smoke") {
        size = {20, 3};
        args.erase(args.begin());
    }
    const auto institutions = args.empty() ? size.institutions : parse_int(args[0], 1, 1000000);
    const auto years = args.size() < 2 ? size.years : parse_int(args[1], 1, 30);
    if (!institutions || !years || args.size() > 2) {
        fmt::print(stderr,
                   "indicator_bench: expected [--smoke] [INSTITUTIONS (1-1000000) [YEARS "
                   "(1-30)]], found '{}'\n",
                   fmt::join(args, " "));
        return std::nullopt;
    }
    return PanelSize{*institutions, *years};
}

} // namespace

int main(int argc, char** argv) {
    const auto size = parse_arguments(argc, argv);
    if (!size) {
        return 2;
    }
    const int institutions = size->institutions;
    const int years = size->years;
    const std::string root = SFPGEN_SOURCE_DIR;
    sfp::Diagnostics diagnostics;
    const auto catalogue =
        sfp::load_catalogue(root + "/data/indicators/catalogue.toml", diagnostics);
    sfp::ReferenceSeries reference;
    const bool reference_ok =
        sfp::load_exchange_rates(root + "/data/reference/exchange_rates.csv", reference,
                                 diagnostics) &&
        sfp::load_gni_per_capita(root + "/data/reference/gni_per_capita.csv", reference,
                                 diagnostics) &&
        sfp::load_inflation(root + "/data/reference/inflation.csv", reference, diagnostics);
    if (!catalogue || !reference_ok) {
        for (const auto& d : diagnostics.items()) {
            std::fprintf(stderr, "%s\n", sfp::to_string(d).c_str());
        }
        return 1;
    }
    auto start = std::chrono::steady_clock::now();
    const sfp::Dataset data = generate(institutions, years);
    fmt::print("panel: {} institutions x {} years = {} records ({} fields), generated in "
               "{:.2f} s\n",
               institutions, years, data.size(), data.numbers.size(), seconds_since(start));
    fmt::print("catalogue: {} indicators\n", catalogue->indicators.size());

    struct Run {
        std::string label;
        std::string metric; ///< the prefix of its BENCH metrics
        std::vector<std::string> groupings;
    };
    const std::vector<Run> runs{
        {"region x year", "region", {"region"}},
        {"region, legal form, 4 peer groups x year",
         "all_groupings",
         {"region", "legal_form", "peer:age", "peer:scale", "peer:intermediation",
          "peer:target_market"}},
    };
    struct Measured {
        std::string metric;
        double median = 0;
        double best = 0;
        std::size_t results = 0;
    };
    std::vector<Measured> measured; // for the BENCH lines after the human-readable ones
    for (const auto& [label, metric, groupings] : runs) {
        sfp::EngineOptions options;
        options.groupings = groupings;
        std::vector<double> times;
        std::size_t results = 0;
        for (int run = 0; run < 5; ++run) {
            start = std::chrono::steady_clock::now();
            const auto computed = sfp::compute_indicators(data, *catalogue, reference, options);
            times.push_back(seconds_since(start));
            results = computed.items.size();
        }
        std::sort(times.begin(), times.end());
        fmt::print("{}: {} results, median {:.3f} s (best {:.3f} s) over 5 runs; {:.0f} "
                   "results/s\n",
                   label, results, times[2], times[0], static_cast<double>(results) / times[2]);
        measured.push_back({metric, times[2], times[0], results});
    }
    using sfp::bench::print_figure;
    print_figure("indicator", "records", static_cast<double>(data.size()), "records");
    for (const auto& [metric, median, best, results] : measured) {
        const auto count = static_cast<double>(results);
        print_figure("indicator", metric + "_seconds", median, "s");
        print_figure("indicator", metric + "_best_seconds", best, "s");
        print_figure("indicator", metric + "_results", count, "results");
        print_figure("indicator", metric + "_results_per_s", count / median, "results/s");
    }
    print_figure("indicator", "peak_rss", sfp::bench::own_peak_rss_mib(), "MiB");
    return 0;
}
