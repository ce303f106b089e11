#include "sfp/reference_series.hpp"

#include "sfp/csv.hpp"
#include "sfp/dataset.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <span>
#include <vector>

namespace sfp {

std::optional<ExchangeRate> ReferenceSeries::rate(std::string_view currency, int year) const {
    if (currency == "USD") {
        return ExchangeRate{1.0, 1.0};
    }
    const auto found = rates.find({std::string(currency), year});
    if (found == rates.end()) {
        return std::nullopt;
    }
    return found->second;
}

std::optional<double> ReferenceSeries::gni_per_capita(std::string_view iso3, int year) const {
    const auto found = gni.find({std::string(iso3), year});
    return found == gni.end() ? std::nullopt : std::optional<double>(found->second);
}

std::optional<double> ReferenceSeries::inflation_rate(std::string_view iso3, int year) const {
    const auto found = inflation.find({std::string(iso3), year});
    return found == inflation.end() ? std::nullopt : std::optional<double>(found->second);
}

namespace {

// The three tables share one reader. Each has a key column (a 3-letter code), a year column
// and one or two value columns. The header must name exactly these columns, each once, in any
// order. Every data row is checked as a whole: each bad cell is an error at file:row:column
// with what was expected and what was found; a row with any error is left out and the rest of
// the table loads. A second row for the same (code, year) is an error (the first row is kept).

constexpr int first_year = 1900;
constexpr int last_year = 2200;

/// What a value column must hold.
enum class ValueRule {
    positive,      ///< a number > 0 (rates, GNI)
    above_minus_1, ///< a number > -1 (inflation as a fraction; deflation allowed)
};

struct ValueColumn {
    std::string_view name;
    ValueRule rule;
    std::string_view meaning; ///< for messages: "local currency units per USD"
};

struct TableSpec {
    std::string_view what;       ///< "exchange rate table"
    std::string_view key;        ///< "currency" or "iso3"
    std::string_view key_kind;   ///< "ISO 4217 currency code", "ISO 3166-1 alpha-3 code"
    std::string_view key_sample; ///< "KES", "KEN"
    std::span<const ValueColumn> values;
    std::string_view unit_key = {}; ///< a key whose values must all be 1 ("USD"), or empty
};

/// One usable row: key, year and the value columns in TableSpec order.
struct Row {
    std::string key;
    int year = 0;
    std::array<double, 2> values{};
};

bool is_code(std::string_view text) {
    return text.size() == 3 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string header_text(const TableSpec& spec) {
    std::string text = fmt::format("{},year", spec.key);
    for (const auto& column : spec.values) {
        text += ',';
        text += column.name;
    }
    return text;
}

/// Maps each expected column to its 0-based field index in the header. Reports the first
/// problem (unknown, repeated or missing column) at the header row and returns false.
bool bind_header(const CsvRecord& header, const TableSpec& spec, const std::string& path,
                 std::vector<std::size_t>& index, Diagnostics& diagnostics) {
    std::vector<std::string_view> names{spec.key, "year"};
    for (const auto& column : spec.values) {
        names.push_back(column.name);
    }
    const std::string hint = fmt::format("the header must be: {} (any order)", header_text(spec));
    constexpr std::size_t unbound = ~std::size_t{0};
    index.assign(names.size(), unbound);
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string_view name = trim_blanks(header.fields[i]);
        const long column = static_cast<long>(i) + 1;
        const auto found = std::find(names.begin(), names.end(), name);
        if (found == names.end()) {
            std::string guess = did_you_mean(name, {names.begin(), names.end()});
            diagnostics.error({path, header.row, column},
                              fmt::format("unexpected column '{}' in the {} header: expected one "
                                          "of {}",
                                          name, spec.what, header_text(spec)),
                              guess.empty() ? hint : guess);
            return false;
        }
        const auto slot = static_cast<std::size_t>(found - names.begin());
        if (index[slot] != unbound) {
            diagnostics.error({path, header.row, column},
                              fmt::format("column '{}' appears twice in the {} header (first in "
                                          "column {})",
                                          name, spec.what, index[slot] + 1),
                              hint);
            return false;
        }
        index[slot] = i;
    }
    for (std::size_t slot = 0; slot < names.size(); ++slot) {
        if (index[slot] == unbound) {
            diagnostics.error(
                {path, header.row, 0},
                fmt::format("missing column '{}' in the {} header", names[slot], spec.what), hint);
            return false;
        }
    }
    return true;
}

/// Checks one data row; reports every bad cell and returns nullopt if there is any.
std::optional<Row> parse_row(const CsvRecord& record, const TableSpec& spec,
                             const std::vector<std::size_t>& index, std::size_t width,
                             const std::string& path, Diagnostics& diagnostics) {
    if (record.fields.size() != width) {
        diagnostics.error(
            {path, record.row, static_cast<long>(std::min(record.fields.size(), width)) + 1},
            fmt::format("expected {} fields in a row of the {}, found {}", width, spec.what,
                        record.fields.size()),
            {}, "field-count");
        return std::nullopt;
    }
    const auto cell = [&](std::size_t slot) { return trim_blanks(record.fields[index[slot]]); };
    const auto column = [&](std::size_t slot) { return static_cast<long>(index[slot]) + 1; };
    bool ok = true;
    Row row;

    const std::string_view key = cell(0);
    if (!is_code(key)) {
        diagnostics.error({path, record.row, column(0)},
                          fmt::format("expected an {} (3 upper-case letters, e.g. '{}') in "
                                      "column '{}', found '{}'",
                                      spec.key_kind, spec.key_sample, spec.key, key),
                          {}, "bad-code");
        ok = false;
    }
    row.key = std::string(key);

    const std::string_view year_text = cell(1);
    const auto year = parse_number(year_text);
    if (!year || *year != std::floor(*year) || *year < first_year || *year > last_year) {
        diagnostics.error({path, record.row, column(1)},
                          fmt::format("expected a year ({}-{}) in column 'year', found '{}'",
                                      first_year, last_year, year_text),
                          {}, "bad-year");
        ok = false;
    } else {
        row.year = static_cast<int>(*year);
    }

    for (std::size_t v = 0; v < spec.values.size(); ++v) {
        const ValueColumn& value_column = spec.values[v];
        const std::size_t slot = v + 2;
        const std::string_view text = cell(slot);
        const auto value = parse_number(text);
        if (!value) {
            diagnostics.error({path, record.row, column(slot)},
                              fmt::format("expected a number ({}) in column '{}', found '{}'",
                                          value_column.meaning, value_column.name, text),
                              text.empty() ? "a reference table has no missing values: leave "
                                             "the whole row out instead"
                                           : "write plain decimals with '.' and no thousands "
                                             "separator: 129.45",
                              "not-a-number");
            ok = false;
            continue;
        }
        if (value_column.rule == ValueRule::positive && *value <= 0) {
            diagnostics.error({path, record.row, column(slot)},
                              fmt::format("expected a positive number ({}) in column '{}', "
                                          "found '{}'",
                                          value_column.meaning, value_column.name, text),
                              {}, "negative-value");
            ok = false;
            continue;
        }
        if (value_column.rule == ValueRule::above_minus_1 && *value <= -1) {
            diagnostics.error({path, record.row, column(slot)},
                              fmt::format("expected a fraction above -1 ({}) in column '{}', "
                                          "found '{}'",
                                          value_column.meaning, value_column.name, text),
                              "prices cannot fall by 100% or more; 0.052 means 5.2%",
                              "fraction-out-of-range");
            ok = false;
            continue;
        }
        if (!spec.unit_key.empty() && key == spec.unit_key && *value != 1) {
            // ReferenceSeries::rate() always gives 1 for USD: another value would be ignored.
            diagnostics.error({path, record.row, column(slot)},
                              fmt::format("expected 1 for {} in column '{}', found '{}'",
                                          spec.unit_key, value_column.name, text),
                              fmt::format("amounts are converted to {}: its rate is 1 by "
                                          "definition (the row may be left out)",
                                          spec.unit_key),
                              "bad-rate");
            ok = false;
            continue;
        }
        row.values.at(v) = *value;
    }
    if (!ok) {
        return std::nullopt;
    }
    return row;
}

/// Reads a table into `rows` keyed by (code, year). False when the file cannot be used (cannot
/// be opened, no header, wrong header); bad rows are reported and left out.
template <typename Value, typename Make>
bool load_table(const std::string& path, const TableSpec& spec,
                std::map<std::pair<std::string, int>, Value>& out, Diagnostics& diagnostics,
                Make make) {
    const auto reader = CsvReader::open(path, {}, diagnostics);
    if (!reader) {
        return false;
    }
    CsvRecord record;
    if (!reader->next(record, diagnostics)) {
        diagnostics.error({path, 0, 0}, fmt::format("empty {}: expected a header row", spec.what),
                          fmt::format("the header must be: {}", header_text(spec)));
        return false;
    }
    std::vector<std::size_t> index;
    if (!bind_header(record, spec, path, index, diagnostics)) {
        return false;
    }
    const std::size_t width = record.fields.size();
    std::map<std::pair<std::string, int>, Value> table;
    std::map<std::pair<std::string, int>, long> rows; // key -> file row, for duplicates
    while (reader->next(record, diagnostics)) {
        if (record.fields.size() == 1 && trim_blanks(record.fields[0]).empty()) {
            continue; // a blank line
        }
        auto row = parse_row(record, spec, index, width, path, diagnostics);
        if (!row) {
            continue;
        }
        auto key = std::make_pair(row->key, row->year);
        const auto seen = rows.find(key);
        if (seen != rows.end()) {
            diagnostics.error({path, record.row, static_cast<long>(index[0]) + 1},
                              fmt::format("duplicate {} {} {}: already given on row {}", spec.key,
                                          row->key, row->year, seen->second),
                              "keep one row per code and year", "duplicate-key");
            continue;
        }
        rows.emplace(key, record.row);
        table.emplace(std::move(key), make(*row));
    }
    out = std::move(table);
    return true;
}

constexpr std::array<ValueColumn, 2> rate_columns = {
    ValueColumn{"average", ValueRule::positive, "local currency units per USD, period average"},
    ValueColumn{"end", ValueRule::positive, "local currency units per USD, period end"}};
constexpr std::array<ValueColumn, 1> gni_columns = {
    ValueColumn{"gni_per_capita_usd", ValueRule::positive, "USD per person, Atlas method"}};
constexpr std::array<ValueColumn, 1> inflation_columns = {
    ValueColumn{"inflation", ValueRule::above_minus_1, "a fraction: 0.052 = 5.2%"}};

} // namespace

bool load_exchange_rates(const std::string& path, ReferenceSeries& into, Diagnostics& diagnostics) {
    const TableSpec spec{"exchange rate table", "currency", "ISO 4217 currency code", "KES",
                         rate_columns,          "USD"};
    std::map<std::pair<std::string, int>, ExchangeRate> rates;
    if (!load_table(path, spec, rates, diagnostics, [](const Row& row) {
            return ExchangeRate{row.values[0], row.values[1]};
        })) {
        return false;
    }
    into.rates = std::move(rates);
    into.rates_file = path;
    return true;
}

bool load_gni_per_capita(const std::string& path, ReferenceSeries& into, Diagnostics& diagnostics) {
    const TableSpec spec{"GNI per capita table", "iso3", "ISO 3166-1 alpha-3 code", "KEN",
                         gni_columns};
    std::map<std::pair<std::string, int>, double> gni;
    if (!load_table(path, spec, gni, diagnostics, [](const Row& row) { return row.values[0]; })) {
        return false;
    }
    into.gni = std::move(gni);
    into.gni_file = path;
    return true;
}

bool load_inflation(const std::string& path, ReferenceSeries& into, Diagnostics& diagnostics) {
    const TableSpec spec{"inflation table", "iso3", "ISO 3166-1 alpha-3 code", "KEN",
                         inflation_columns};
    std::map<std::pair<std::string, int>, double> inflation;
    if (!load_table(path, spec, inflation, diagnostics,
                    [](const Row& row) { return row.values[0]; })) {
        return false;
    }
    into.inflation = std::move(inflation);
    into.inflation_file = path;
    return true;
}

} // namespace sfp
