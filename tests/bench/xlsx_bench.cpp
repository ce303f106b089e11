// xlsx_bench: how long sfp::write_xlsx takes, and how much memory it needs, for a large indicator
// sheet and a large Data (audit) sheet, against plain libxlsxwriter writing the same cells.
//
// Usage: xlsx_bench [--smoke] [--keep] [--rows N] [--cols M] [--data-rows K] [--repeat R]
//                   [--mode table|data|baseline|all] [--constant-memory-cells C]
//   table:    a Document with one Table of N rows x M columns (2 text columns, then numbers with
//             the formats "0.0%" and "#,##0", about 3% missing as ".."), written by write_xlsx.
//   baseline: the same Table's cells written by plain libxlsxwriter calls (one sheet, the same
//             formats, write_string / write_number): the floor for the table mode.
//   data:     a Document whose AuditTable has K rows (institution, year, 2 groupings, 12 value
//             columns, 8 ratio and sum indicators) and a small table whose cells have a CellSource,
//             so the workbook gets a K-row Data sheet and formulas over it.
// Defaults: N = 30,000, M = 25, K = 200,000, R = 3, mode all, C = the writer's default
// (XlsxOptions::constant_memory_cells). --smoke: 200 x 6, K = 500, R = 2 and C = 5000, so that,
// as at full size, the table mode is written in memory and the data mode (500 x 23 Data cells)
// goes through the writer's constant-memory path.
// Each mode runs in its own child process (fork + wait4), so its peak RSS is its own. Every run
// must give the same bytes (fixed timestamp), else the benchmark fails. After the table, one
// "BENCH xlsx <metric> <value> <unit>" line per figure (docs/benchmarks.md). Measure the `bench`
// preset (Release); see docs/performance.md, "Workbooks".

#include "figures.hpp"
#include "sfp/audit.hpp"
#include "sfp/catalogue.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/document.hpp"
#include "sfp/render_xlsx.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>
#include <xlsxwriter.h>

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kTimestamp = 1767225600; // 2026-01-01: every run writes the same bytes
constexpr double kMissingShare = 0.03;
constexpr int kLastYear = 2024;
constexpr int kTableYears = 5; // the data mode's small table: the last 5 years

/// Raw mt19937_64 output only: the standard fixes it, so the data is the same everywhere.
class Dice {
public:
    double uniform(double low, double high) {
        return low + (high - low) * static_cast<double>(engine_() >> 11U) * 0x1.0p-53;
    }
    std::uint64_t below(std::uint64_t bound) { return engine_() % bound; }
    bool chance(double share) { return uniform(0.0, 1.0) < share; }

private:
    std::mt19937_64 engine_{20261128};
};

const std::array<const char*, 5> kRegions{"Africa", "Americas", "Arab States",
                                          "Asia and the Pacific", "Europe and Central Asia"};
const std::array<const char*, 3> kScales{"Small", "Medium", "Large"};

// ---------------------------------------------------------------------------------------------
// Command line

enum class Mode { table, data, baseline };

struct Settings {
    std::size_t rows = 30000;
    std::size_t cols = 25;
    std::size_t data_rows = 200000;
    int repeat = 3;
    std::vector<Mode> modes{Mode::baseline, Mode::table, Mode::data};
    bool keep = false;
    /// XlsxOptions::constant_memory_cells for write_xlsx; unset: the writer's default.
    std::optional<std::size_t> constant_memory_cells;
};

const char* mode_name(Mode mode) {
    switch (mode) {
    case Mode::table:
        return "table";
    case Mode::data:
        return "data";
    case Mode::baseline:
        return "baseline";
    }
    return "?";
}

/// Parses a whole decimal number in [low, high]; nullopt otherwise.
std::optional<std::size_t> parse_count(const std::string& text, std::size_t low, std::size_t high) {
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const auto value = static_cast<std::size_t>(std::stoul(text));
    if (value < low || value > high) {
        return std::nullopt;
    }
    return value;
}

constexpr const char* kUsage =
    "usage: xlsx_bench [--smoke] [--keep] [--rows N] [--cols M] [--data-rows K] [--repeat R]\n"
    "                  [--mode table|data|baseline|all] [--constant-memory-cells C]\n";

/// Reads the options; prints what was expected and what was seen and returns nullopt on error.
std::optional<Settings> parse_settings(const std::vector<std::string>& args) {
    Settings settings;
    bool smoke = false;
    std::optional<std::size_t> rows;
    std::optional<std::size_t> cols;
    std::optional<std::size_t> data_rows;
    std::optional<std::size_t> repeat;
    // Excel's sheet has 1,048,576 rows and 16,384 columns; a few rows go to caption and header.
    const std::size_t max_rows = 1048000;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--smoke" || arg == "--keep") {
            (arg == "--smoke" ? smoke : settings.keep) = true;
            continue;
        }
        if (arg != "--rows" && arg != "--cols" && arg != "--data-rows" && arg != "--repeat" &&
            arg != "--mode" && arg != "--constant-memory-cells") {
            std::fprintf(stderr, "xlsx_bench: unknown option '%s'\n%s", arg.c_str(), kUsage);
            return std::nullopt;
        }
        if (i + 1 >= args.size()) {
            std::fprintf(stderr, "xlsx_bench: %s: expected a value after it\n", arg.c_str());
            return std::nullopt;
        }
        const std::string& value = args[++i];
        const auto bad = [&](const char* expected) {
            std::fprintf(stderr, "xlsx_bench: %s: expected %s, found '%s'\n", arg.c_str(), expected,
                         value.c_str());
            return std::nullopt;
        };
        if (arg == "--rows" && !(rows = parse_count(value, 1, max_rows))) {
            return bad("a row count from 1 to 1048000");
        }
        if (arg == "--cols" && !(cols = parse_count(value, 3, 16000))) {
            return bad("a column count from 3 to 16000 (2 text columns, then numbers)");
        }
        if (arg == "--data-rows" && !(data_rows = parse_count(value, 1, max_rows))) {
            return bad("a row count from 1 to 1048000");
        }
        if (arg == "--constant-memory-cells" &&
            !(settings.constant_memory_cells = parse_count(value, 0, 999999999))) {
            return bad("a cell count");
        }
        if (arg == "--repeat" && !(repeat = parse_count(value, 1, 99))) {
            return bad("a run count from 1 to 99");
        }
        if (arg == "--mode") {
            if (value == "all") {
                settings.modes = {Mode::baseline, Mode::table, Mode::data};
            } else if (value == "table" || value == "data" || value == "baseline") {
                settings.modes = {value == "table"  ? Mode::table
                                  : value == "data" ? Mode::data
                                                    : Mode::baseline};
            } else {
                return bad("table, data, baseline or all");
            }
        }
    }
    if (smoke) {
        settings.rows = 200;
        settings.cols = 6;
        settings.data_rows = 500;
        settings.repeat = 2; // two runs, so that the byte-identity check has something to compare
        if (!settings.constant_memory_cells) {
            settings.constant_memory_cells = 5000;
        }
    }
    settings.rows = rows.value_or(settings.rows);
    settings.cols = cols.value_or(settings.cols);
    settings.data_rows = data_rows.value_or(settings.data_rows);
    settings.repeat = static_cast<int>(repeat.value_or(static_cast<std::size_t>(settings.repeat)));
    return settings;
}

// ---------------------------------------------------------------------------------------------
// Generated documents

/// "1,234,567": the text the PDF would print for an amount (English grouping).
std::string grouped(double value) {
    std::string digits = fmt::format("{:.0f}", std::fabs(value));
    for (auto at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return value < 0 ? "-" + digits : digits;
}

sfp::Cell text_cell(std::string text) {
    sfp::Cell cell;
    cell.text = std::move(text);
    return cell;
}

sfp::Cell missing_cell() {
    sfp::Cell cell;
    cell.text = "..";
    cell.subtext = "not reported";
    cell.align = sfp::Align::right;
    cell.missing = true;
    return cell;
}

/// A number cell as build_document makes them: the raw value, its format and its printed text.
sfp::Cell number_cell(double value, const std::string& excel_format) {
    sfp::Cell cell;
    cell.number = value;
    cell.excel_format = excel_format;
    cell.text = excel_format == "0.0%" ? fmt::format("{:.1f}%", value * 100.0) : grouped(value);
    cell.align = sfp::Align::decimal;
    return cell;
}

/// Number columns alternate between fractions ("0.0%") and amounts ("#,##0").
const std::string& column_format(std::size_t col) {
    static const std::string fraction = "0.0%";
    static const std::string amount = "#,##0";
    return col % 2 == 0 ? fraction : amount;
}

sfp::Table indicator_table(std::size_t rows, std::size_t cols) {
    sfp::Table table;
    table.caption = fmt::format("Table 1. {} institutions, {} indicators, 2024", rows, cols - 2);
    table.sheet_name = "Indicators";
    table.header = {"Institution", "Region"};
    for (std::size_t c = 2; c < cols; ++c) {
        table.header.push_back(fmt::format("Indicator {:02}", c - 1));
    }
    table.widths.assign(cols, 1.0);
    table.note = "Source: generated by xlsx_bench.";
    Dice dice;
    table.rows.reserve(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        std::vector<sfp::Cell> cells;
        cells.reserve(cols);
        cells.push_back(text_cell(fmt::format("Institution {:05}", r + 1)));
        cells.push_back(text_cell(kRegions[dice.below(kRegions.size())]));
        for (std::size_t c = 2; c < cols; ++c) {
            const std::string& format = column_format(c);
            const double value =
                format == "0.0%" ? dice.uniform(0.0, 0.6) : std::round(dice.uniform(1e3, 5e7));
            cells.push_back(dice.chance(kMissingShare) ? missing_cell()
                                                       : number_cell(value, format));
        }
        table.rows.push_back(std::move(cells));
    }
    return table;
}

sfp::Document document_with(sfp::Table table) {
    sfp::Document doc;
    doc.info.title = "xlsx_bench";
    doc.info.subject = "Workbook benchmark";
    doc.info.author = "sfpgen";
    doc.info.date_text = "1 January 2026";
    doc.info.period = "2010-2024";
    doc.info.generator = "xlsx_bench";
    doc.blocks.emplace_back(std::move(table));
    return doc;
}

/// The audit columns, in order; `kGlp` etc. name their indexes.
enum Column : int {
    kGlp,
    kPar30,
    kPar90,
    kWriteOffs,
    kBorrowers,
    kWomen,
    kRevenue,
    kOpex,
    kFinExpense,
    kProvision,
    kAssets,
    kEquity,
    kColumnCount
};

const std::array<const char*, kColumnCount> kColumnNames{
    "avg(gross_loan_portfolio)", "par30_balance",       "par90_balance",     "write_offs",
    "active_borrowers",          "women_borrowers",     "operating_revenue", "operating_expense",
    "financial_expense",         "loan_loss_provision", "total_assets",      "equity"};

/// One record's figures, shaped like an MFI's (PAR below the portfolio, women below borrowers).
std::array<double, kColumnCount> record_values(Dice& dice, double size) {
    std::array<double, kColumnCount> v{};
    v[kGlp] = std::round(size);
    v[kPar30] = std::round(v[kGlp] * dice.uniform(0.01, 0.12));
    v[kPar90] = std::round(v[kPar30] * dice.uniform(0.3, 0.7));
    v[kWriteOffs] = std::round(v[kGlp] * dice.uniform(0.0, 0.03));
    v[kBorrowers] = std::round(v[kGlp] / dice.uniform(300.0, 2000.0));
    v[kWomen] = std::round(v[kBorrowers] * dice.uniform(0.3, 0.9));
    v[kRevenue] = std::round(v[kGlp] * dice.uniform(0.15, 0.35));
    v[kOpex] = std::round(v[kGlp] * dice.uniform(0.10, 0.30));
    v[kFinExpense] = std::round(v[kGlp] * dice.uniform(0.02, 0.08));
    v[kProvision] = std::round(v[kPar30] * dice.uniform(0.3, 1.0));
    v[kAssets] = std::round(v[kGlp] * dice.uniform(1.1, 1.6));
    v[kEquity] = std::round(v[kAssets] * dice.uniform(0.1, 0.3));
    return v;
}

sfp::AuditIndicator ratio_indicator(const char* id, const char* name, int numerator,
                                    int denominator) {
    sfp::AuditIndicator indicator;
    indicator.id = id;
    indicator.name = name;
    indicator.formula_text =
        fmt::format("{} / {}", kColumnNames[static_cast<std::size_t>(numerator)],
                    kColumnNames[static_cast<std::size_t>(denominator)]);
    indicator.statistics = {sfp::Statistic::ratio};
    indicator.numerator = numerator;
    indicator.denominator = denominator;
    indicator.excel_format = "0.0%";
    return indicator;
}

sfp::AuditIndicator sum_indicator(const char* id, const char* name, int value) {
    sfp::AuditIndicator indicator;
    indicator.id = id;
    indicator.name = name;
    indicator.formula_text = kColumnNames[static_cast<std::size_t>(value)];
    indicator.statistics = {sfp::Statistic::sum};
    indicator.value = value;
    indicator.excel_format = "#,##0";
    return indicator;
}

/// K records: institutions of 15 years each (the last one may be shorter), a region and a scale
/// per institution, 12 value columns with about 3% missing (NaN).
sfp::AuditTable audit_table(std::size_t rows) {
    sfp::AuditTable audit;
    audit.groupings = {"region", "peer:scale"};
    audit.group_labels.assign(2, {});
    audit.columns.resize(kColumnCount);
    for (std::size_t c = 0; c < kColumnCount; ++c) {
        audit.columns[c].name = kColumnNames[c];
        audit.columns[c].excel_format = "#,##0";
        audit.columns[c].values.reserve(rows);
    }
    Dice dice;
    const int years = 15;
    std::size_t region = 0;
    std::size_t scale = 0;
    double size = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const auto institution = r / static_cast<std::size_t>(years);
        const int year_index = static_cast<int>(r % static_cast<std::size_t>(years));
        if (year_index == 0) {
            region = dice.below(kRegions.size());
            size = dice.uniform(2e5, 5e8);
            scale = size < 5e6 ? 0 : size < 1e8 ? 1 : 2;
        }
        audit.records.push_back(static_cast<std::uint32_t>(r));
        audit.institution.push_back(fmt::format("MFI-{:05}", institution + 1));
        audit.year.push_back(kLastYear - years + 1 + year_index);
        audit.origin.push_back(fmt::format("institution_years.csv:{}", r + 2));
        audit.group_labels[0].emplace_back(kRegions[region]);
        audit.group_labels[1].emplace_back(kScales[scale]);
        const auto values = record_values(dice, size * std::pow(1.08, year_index - years + 1));
        for (std::size_t c = 0; c < kColumnCount; ++c) {
            audit.columns[c].values.push_back(
                dice.chance(kMissingShare) ? std::numeric_limits<double>::quiet_NaN() : values[c]);
        }
    }
    audit.indicators = {ratio_indicator("PQ-01", "PAR30", kPar30, kGlp),
                        ratio_indicator("PQ-02", "PAR90", kPar90, kGlp),
                        ratio_indicator("PQ-03", "Write-off ratio", kWriteOffs, kGlp),
                        ratio_indicator("OUT-03", "Women borrowers", kWomen, kBorrowers),
                        ratio_indicator("FS-01", "Operational self-sufficiency", kRevenue, kOpex),
                        ratio_indicator("FS-05", "Equity to assets", kEquity, kAssets),
                        sum_indicator("OUT-01", "Active borrowers", kBorrowers),
                        sum_indicator("OUT-02", "Gross loan portfolio", kGlp)};
    audit.scopes.push_back({-1, "all"});
    for (const char* label : kRegions) {
        audit.scopes.push_back({0, label});
    }
    for (const char* label : kScales) {
        audit.scopes.push_back({1, label});
    }
    return audit;
}

/// Numerator and denominator sums of one (indicator, scope, year) aggregate.
struct Sums {
    double numerator = 0;
    double denominator = 0;
    std::size_t n = 0;
};

/// The scopes (indexes into audit.scopes) that hold row `r`.
std::vector<std::size_t> scopes_of(const sfp::AuditTable& audit, std::size_t r) {
    std::vector<std::size_t> held;
    for (std::size_t s = 0; s < audit.scopes.size(); ++s) {
        const auto& scope = audit.scopes[s];
        if (scope.grouping < 0 ||
            audit.group_labels[static_cast<std::size_t>(scope.grouping)][r] == scope.label) {
            held.push_back(s);
        }
    }
    return held;
}

/// Every aggregate of the small table, in one pass over the records: ratios are the sum of the
/// numerator over the sum of the denominator on records with both; sums add the present values.
/// Index: (indicator * scopes + scope) * kTableYears + year offset.
std::vector<Sums> aggregate(const sfp::AuditTable& audit) {
    const std::size_t scopes = audit.scopes.size();
    std::vector<Sums> sums(audit.indicators.size() * scopes * kTableYears);
    for (std::size_t r = 0; r < audit.rows(); ++r) {
        const int offset = audit.year[r] - (kLastYear - kTableYears + 1);
        if (offset < 0 || offset >= kTableYears) {
            continue;
        }
        const auto held = scopes_of(audit, r);
        for (std::size_t i = 0; i < audit.indicators.size(); ++i) {
            const auto& indicator = audit.indicators[i];
            const auto value_of = [&](int column) {
                return audit.columns[static_cast<std::size_t>(column)].values[r];
            };
            const double top =
                indicator.ratio() ? value_of(indicator.numerator) : value_of(indicator.value);
            const double bottom = indicator.ratio() ? value_of(indicator.denominator) : 1.0;
            if (std::isnan(top) || std::isnan(bottom)) {
                continue;
            }
            for (const std::size_t s : held) {
                auto& sum = sums[(i * scopes + s) * kTableYears + static_cast<std::size_t>(offset)];
                sum.numerator += top;
                sum.denominator += bottom;
                ++sum.n;
            }
        }
    }
    return sums;
}

/// Indicator x scope rows, one column per year; every number cell names its aggregate.
sfp::Table results_table(const sfp::AuditTable& audit) {
    sfp::Table table;
    table.caption = "Table 1. Indicators by scope, 2020-2024";
    table.sheet_name = "Indicators by scope";
    table.header = {"Indicator", "Scope"};
    for (int y = 0; y < kTableYears; ++y) {
        table.header.push_back(std::to_string(kLastYear - kTableYears + 1 + y));
    }
    table.widths.assign(table.header.size(), 1.0);
    const auto sums = aggregate(audit);
    const std::size_t scopes = audit.scopes.size();
    for (std::size_t i = 0; i < audit.indicators.size(); ++i) {
        const auto& indicator = audit.indicators[i];
        for (std::size_t s = 0; s < scopes; ++s) {
            std::vector<sfp::Cell> cells{text_cell(indicator.name),
                                         text_cell(audit.scopes[s].label)};
            for (int y = 0; y < kTableYears; ++y) {
                const auto& sum =
                    sums[(i * scopes + s) * kTableYears + static_cast<std::size_t>(y)];
                const bool missing = sum.n == 0 || (indicator.ratio() && sum.denominator == 0);
                sfp::Cell cell =
                    missing ? missing_cell()
                            : number_cell(indicator.ratio() ? sum.numerator / sum.denominator
                                                            : sum.numerator,
                                          indicator.excel_format);
                cell.source = sfp::CellSource{indicator.id, indicator.statistics.front(), s,
                                              kLastYear - kTableYears + 1 + y};
                cells.push_back(std::move(cell));
            }
            table.rows.push_back(std::move(cells));
        }
    }
    return table;
}

// ---------------------------------------------------------------------------------------------
// Writers

/// The floor: the table's cells through libxlsxwriter alone, in its default (in-memory) mode.
/// Empty string on success, else what failed. Never inlined, so that a profiler can count it
/// alone (callgrind --toggle-collect, docs/performance.md).
[[gnu::noinline]] std::string write_baseline(const sfp::Table& table, const std::string& path) {
    lxw_workbook* workbook = workbook_new(path.c_str());
    if (workbook == nullptr) {
        return "workbook_new failed";
    }
    lxw_error error = LXW_NO_ERROR;
    const auto check = [&error](lxw_error status) {
        if (error == LXW_NO_ERROR) {
            error = status;
        }
    };
    lxw_doc_properties properties{};
    properties.created = static_cast<time_t>(kTimestamp);
    check(workbook_set_properties(workbook, &properties));
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, table.sheet_name.c_str());
    lxw_format* bold = workbook_add_format(workbook);
    format_set_bold(bold);
    lxw_format* missing = workbook_add_format(workbook);
    format_set_align(missing, LXW_ALIGN_RIGHT);
    std::vector<std::pair<std::string, lxw_format*>> formats;
    const auto number_format = [&](const std::string& excel_format) {
        for (const auto& [name, format] : formats) {
            if (name == excel_format) {
                return format;
            }
        }
        lxw_format* format = workbook_add_format(workbook);
        format_set_num_format(format, excel_format.c_str());
        formats.emplace_back(excel_format, format);
        return format;
    };
    check(worksheet_write_string(sheet, 0, 0, table.caption.c_str(), bold));
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        check(worksheet_write_string(sheet, 2, static_cast<lxw_col_t>(c), table.header[c].c_str(),
                                     bold));
    }
    lxw_row_t row = 3;
    for (const auto& cells : table.rows) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const sfp::Cell& cell = cells[c];
            const auto col = static_cast<lxw_col_t>(c);
            check(cell.number ? worksheet_write_number(sheet, row, col, *cell.number,
                                                       number_format(cell.excel_format))
                              : worksheet_write_string(sheet, row, col, cell.text.c_str(),
                                                       cell.missing ? missing : nullptr));
        }
        ++row;
    }
    const lxw_error closed = workbook_close(workbook);
    if (error != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
        return lxw_strerror(error != LXW_NO_ERROR ? error : closed);
    }
    return {};
}

std::string write_document(const sfp::Document& doc, const std::string& path,
                           const Settings& settings) {
    sfp::XlsxOptions options;
    options.timestamp = kTimestamp;
    options.constant_memory_cells =
        settings.constant_memory_cells.value_or(options.constant_memory_cells);
    sfp::Diagnostics diagnostics;
    if (sfp::write_xlsx(doc, path, options, diagnostics) && !diagnostics.has_errors()) {
        return {};
    }
    std::string message;
    for (const auto& d : diagnostics.items()) {
        message += sfp::to_string(d) + "\n";
    }
    return message.empty() ? "write_xlsx failed without a diagnostic" : message;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// FNV-1a of a file's bytes: the runs of a mode must all write the same file.
std::uint64_t file_hash(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    std::array<char, 65536> buffer{};
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            hash = (hash ^ static_cast<unsigned char>(buffer[static_cast<std::size_t>(i)])) *
                   0x100000001b3ULL;
        }
    }
    return hash;
}

bool is_zip(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<char, 4> magic{};
    in.read(magic.data(), magic.size());
    return in.gcount() == 4 &&
           std::string_view(magic.data(), 4) == std::string_view("PK\x03\x04", 4);
}

double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Resident memory now, MiB (/proc/self/statm's second field, in pages).
double resident_mib() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size = 0;
    std::size_t resident = 0;
    statm >> size >> resident;
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1048576.0;
}

/// What a child sends back through its pipe.
struct Figures {
    double wall_median = 0;
    double wall_best = 0;
    double wall_worst = 0;
    double cpu_median = 0;
    double build_seconds = 0;   ///< making the Document (not timed as writing)
    double resident_before = 0; ///< MiB resident once the Document is built
    std::uint64_t bytes = 0;
    std::uint64_t cells = 0; ///< table cells, or Data sheet rows x columns in the data mode
    std::uint64_t formulas = 0;
};

/// The middle value; the mean of the two middle values for an even count.
double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t half = values.size() / 2;
    return values.size() % 2 == 1 ? values[half] : (values[half - 1] + values[half]) / 2.0;
}

std::uint64_t cell_count(const sfp::Table& table) {
    std::uint64_t cells = 0;
    for (const auto& row : table.rows) {
        cells += row.size();
    }
    return cells;
}

/// Builds the mode's input, writes it `repeat` times; nullopt (after a message) on failure.
std::optional<Figures> run_mode(Mode mode, const Settings& settings, const fs::path& dir) {
    Figures figures;
    auto start = std::chrono::steady_clock::now();
    sfp::Document doc;
    if (mode == Mode::data) {
        auto audit = std::make_shared<sfp::AuditTable>(audit_table(settings.data_rows));
        doc = document_with(results_table(*audit));
        // Data sheet: institution, year, origin, the groupings and the value columns.
        figures.cells = audit->rows() * (3 + audit->groupings.size() + audit->columns.size());
        doc.audit = std::move(audit);
    } else {
        doc = document_with(indicator_table(settings.rows, settings.cols));
    }
    const auto& table = std::get<sfp::Table>(doc.blocks.front());
    figures.cells += cell_count(table);
    for (const auto& row : table.rows) {
        figures.formulas += static_cast<std::uint64_t>(
            std::count_if(row.begin(), row.end(), [](const sfp::Cell& c) { return c.source; }));
    }
    figures.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    figures.resident_before = resident_mib();

    const fs::path path = dir / fmt::format("{}.xlsx", mode_name(mode));
    std::vector<double> walls;
    std::vector<double> cpus;
    std::uint64_t first_hash = 0;
    for (int run = 0; run < settings.repeat; ++run) {
        fs::remove(path);
        const double cpu = cpu_seconds();
        start = std::chrono::steady_clock::now();
        const std::string error = mode == Mode::baseline
                                      ? write_baseline(table, path.string())
                                      : write_document(doc, path.string(), settings);
        walls.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpus.push_back(cpu_seconds() - cpu);
        if (!error.empty()) {
            std::fprintf(stderr, "xlsx_bench: %s: %s\n", mode_name(mode), error.c_str());
            return std::nullopt;
        }
        if (!is_zip(path)) {
            std::fprintf(stderr, "xlsx_bench: %s: %s is not a zip file\n", mode_name(mode),
                         path.c_str());
            return std::nullopt;
        }
        const std::uint64_t hash = file_hash(path);
        if (run > 0 && hash != first_hash) {
            std::fprintf(stderr, "xlsx_bench: %s: run %d wrote different bytes than run 1\n",
                         mode_name(mode), run + 1);
            return std::nullopt;
        }
        first_hash = hash;
    }
    figures.wall_median = median_of(walls);
    figures.wall_best = *std::min_element(walls.begin(), walls.end());
    figures.wall_worst = *std::max_element(walls.begin(), walls.end());
    figures.cpu_median = median_of(cpus);
    figures.bytes = fs::file_size(path);
    return figures;
}

struct Outcome {
    Figures figures;
    double peak_mib = 0; ///< the child's peak resident memory (wait4)
};

/// Runs one mode in a child process; its Figures come back through a pipe.
std::optional<Outcome> run_in_child(Mode mode, const Settings& settings, const fs::path& dir) {
    std::array<int, 2> fds{};
    if (::pipe(fds.data()) != 0) {
        std::perror("xlsx_bench: pipe");
        return std::nullopt;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t child = ::fork();
    if (child < 0) {
        std::perror("xlsx_bench: fork");
        return std::nullopt;
    }
    if (child == 0) {
        ::close(fds[0]);
        const auto figures = run_mode(mode, settings, dir);
        const bool sent = figures && ::write(fds[1], &*figures, sizeof(Figures)) ==
                                         static_cast<ssize_t>(sizeof(Figures));
        std::fflush(stderr);
        ::_exit(sent ? 0 : 1);
    }
    ::close(fds[1]);
    Outcome outcome;
    const ssize_t got = ::read(fds[0], &outcome.figures, sizeof(Figures));
    ::close(fds[0]);
    int status = 0;
    rusage usage{};
    if (::wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0 || got != static_cast<ssize_t>(sizeof(Figures))) {
        std::fprintf(stderr, "xlsx_bench: %s: failed\n", mode_name(mode));
        return std::nullopt;
    }
    outcome.peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
    return outcome;
}

void print_row(Mode mode, const Outcome& outcome) {
    const Figures& f = outcome.figures;
    const std::string cells = f.formulas > 0 ? fmt::format("{} ({} formulas)", f.cells, f.formulas)
                                             : std::to_string(f.cells);
    fmt::print("{:<9} {:>24} {:>8.3f} s {:>7.3f} s {:>7.3f} s {:>8.3f} s {:>9.2f} MiB {:>8.1f} MiB "
               "{:>8.1f} MiB {:>6.2f} s\n",
               mode_name(mode), cells, f.wall_median, f.wall_best, f.wall_worst, f.cpu_median,
               static_cast<double>(f.bytes) / 1048576.0, outcome.peak_mib,
               std::max(0.0, outcome.peak_mib - f.resident_before), f.build_seconds);
    std::fflush(stdout);
}

/// The BENCH lines of one mode (after the human-readable table).
void print_mode_figures(Mode mode, const Outcome& outcome) {
    using sfp::bench::print_figure;
    const Figures& f = outcome.figures;
    const std::string m = mode_name(mode);
    print_figure("xlsx", m + "_cells", static_cast<double>(f.cells), "cells");
    if (f.formulas > 0) {
        print_figure("xlsx", m + "_formulas", static_cast<double>(f.formulas), "formulas");
    }
    print_figure("xlsx", m + "_seconds", f.wall_median, "s");
    print_figure("xlsx", m + "_best_seconds", f.wall_best, "s");
    print_figure("xlsx", m + "_cpu_seconds", f.cpu_median, "s");
    print_figure("xlsx", m + "_file_size", static_cast<double>(f.bytes) / 1048576.0, "MiB");
    print_figure("xlsx", m + "_peak_rss", outcome.peak_mib, "MiB");
    print_figure("xlsx", m + "_writer_rss", std::max(0.0, outcome.peak_mib - f.resident_before),
                 "MiB");
}

} // namespace

int main(int argc, char** argv) {
    const auto settings = parse_settings(std::vector<std::string>(argv + 1, argv + argc));
    if (!settings) {
        return 2;
    }
    const fs::path dir =
        fs::temp_directory_path() / fmt::format("sfpgen-xlsx-bench-{}", ::getpid());
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    if (!fs::create_directories(dir, ignored)) {
        std::fprintf(stderr, "xlsx_bench: %s: cannot create the folder\n", dir.c_str());
        return 1;
    }
    const std::string threshold = settings->constant_memory_cells
                                      ? std::to_string(*settings->constant_memory_cells)
                                      : "default";
    fmt::print("xlsx_bench: table {} x {}, data {} rows (constant-memory above {} cells); median "
               "of {} run(s) per mode, each mode in its own process\n",
               settings->rows, settings->cols, settings->data_rows, threshold, settings->repeat);
    fmt::print("{:<9} {:>24} {:>10} {:>9} {:>9} {:>10} {:>13} {:>12} {:>12} {:>8}\n", "mode",
               "input cells", "median", "best", "worst", "CPU med.", "file", "peak RSS",
               "writer RSS", "input");
    bool ok = true;
    std::optional<double> baseline_wall;
    std::optional<double> baseline_cpu;
    std::optional<Outcome> table;
    std::vector<std::pair<Mode, Outcome>> outcomes;
    for (const Mode mode : settings->modes) {
        const auto outcome = run_in_child(mode, *settings, dir);
        if (!outcome) {
            ok = false;
            continue;
        }
        print_row(mode, *outcome);
        outcomes.emplace_back(mode, *outcome);
        if (mode == Mode::baseline) {
            baseline_wall = outcome->figures.wall_median;
            baseline_cpu = outcome->figures.cpu_median;
        } else if (mode == Mode::table) {
            table = outcome;
        }
    }
    if (table && baseline_wall && baseline_cpu) {
        fmt::print("table / baseline: {:.2f}x wall, {:.2f}x CPU (issue 9 asks for at most 1.25x)\n",
                   table->figures.wall_median / *baseline_wall,
                   table->figures.cpu_median / *baseline_cpu);
    }
    fmt::print("(writer RSS: peak RSS minus the resident memory once the input Document is built; "
               "input: seconds to build it, not timed)\n");
    for (const auto& [mode, outcome] : outcomes) {
        print_mode_figures(mode, outcome);
    }
    if (table && baseline_wall && baseline_cpu) {
        sfp::bench::print_figure("xlsx", "table_vs_baseline_wall",
                                 table->figures.wall_median / *baseline_wall, "x");
        sfp::bench::print_figure("xlsx", "table_vs_baseline_cpu",
                                 table->figures.cpu_median / *baseline_cpu, "x");
    }
    if (settings->keep) {
        fmt::print("kept {}\n", dir.string());
    } else {
        fs::remove_all(dir, ignored);
    }
    return ok ? 0 : 1;
}
