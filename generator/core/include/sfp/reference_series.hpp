#pragma once
/// Reference series the indicator engine needs beside the institutions' own figures: exchange
/// rates (to convert amounts to USD), GNI per capita (depth of outreach) and inflation (the
/// inflation adjustment, real yield). Read from CSV tables in data/reference/
/// (data/reference/README.md documents their columns and provenance).

#include "sfp/diagnostics.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace sfp {

/// Local currency units per USD for one currency and fiscal year.
struct ExchangeRate {
    double average = 0; ///< period average: converts flows
    double end = 0;     ///< period end: converts stocks
};

struct ReferenceSeries {
    std::map<std::pair<std::string, int>, ExchangeRate> rates; ///< (ISO 4217 code, year)
    std::map<std::pair<std::string, int>, double> gni;         ///< (ISO3, year) -> USD per capita
    std::map<std::pair<std::string, int>, double> inflation;   ///< (ISO3, year) -> fraction
    std::string rates_file; ///< where each series came from, for provenance ("" = none)
    std::string gni_file;
    std::string inflation_file;

    /// The rate of `currency` in `year`; {1, 1} for "USD"; nullopt when unknown.
    [[nodiscard]] std::optional<ExchangeRate> rate(std::string_view currency, int year) const;
    [[nodiscard]] std::optional<double> gni_per_capita(std::string_view iso3, int year) const;
    [[nodiscard]] std::optional<double> inflation_rate(std::string_view iso3, int year) const;
};

/// Reads exchange rates: CSV with header `currency,year,average,end` (local units per USD).
/// Every bad row is an error at file:row:column; false when the file cannot be used.
bool load_exchange_rates(const std::string& path, ReferenceSeries& into, Diagnostics& diagnostics);
/// Reads GNI per capita: CSV `iso3,year,gni_per_capita_usd`.
bool load_gni_per_capita(const std::string& path, ReferenceSeries& into, Diagnostics& diagnostics);
/// Reads inflation: CSV `iso3,year,inflation` (a fraction: 0.052 = 5.2%).
bool load_inflation(const std::string& path, ReferenceSeries& into, Diagnostics& diagnostics);

} // namespace sfp
