// `sfpgen generate` (sfp/generate.hpp): same seed, same bytes; the panel loads through the GB
// report's own mapping with exactly the planted problems; loans load through
// data/sources/generated-loans.toml; the targets' baselines are the panel's aggregates. Every
// expected count is computed here from the options and the rules documented in generate.hpp.

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/csv.hpp"
#include "sfp/dataset.hpp"
#include "sfp/evaluate.hpp"
#include "sfp/generate.hpp"
#include "sfp/sources.hpp"
#include "sfp/targets.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string root = SFPGEN_SOURCE_DIR;

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string generate(const sfp::GenerateOptions& options) {
    sfp::Diagnostics diagnostics;
    sfp::GenerateSummary summary;
    const auto code = sfp::generate_data(options, diagnostics, summary);
    REQUIRE(code == sfp::ExitCode::ok);
    REQUIRE_FALSE(diagnostics.has_errors());
    CHECK(summary.bytes == fs::file_size(options.output));
    return read_all(options.output);
}

sfp::GenerateOptions small(sfp::GenerateKind kind, const std::string& output) {
    sfp::GenerateOptions options;
    options.kind = kind;
    options.institutions = 120;
    options.years = 6;
    options.loans = 5'000; // loan 5,000 is the first with funded > amount
    options.output = output;
    return options;
}

/// How many institutions 1..n have k % mod == rest.
long institutions_with(int n, int mod, int rest) {
    long found = 0;
    for (int k = 1; k <= n; ++k) {
        found += k % mod == rest ? 1 : 0;
    }
    return found;
}

/// Loads `csv` with source `name` of `config`, countries resolved as a build would.
sfp::Dataset load_with(const std::string& config, const std::string& name, const std::string& csv) {
    sfp::Diagnostics diagnostics;
    auto spec = sfp::parse_config(config, diagnostics);
    REQUIRE(spec.has_value());
    auto countries = sfp::country_resolver(spec->countries_path, diagnostics);
    REQUIRE(countries.has_value());
    for (auto& source : spec->sources) {
        if (source.name == name) {
            source.path = csv;
            auto data = sfp::load_source(source, diagnostics, &*countries);
            REQUIRE(data.has_value());
            REQUIRE_FALSE(diagnostics.has_errors());
            return std::move(*data);
        }
    }
    FAIL("no source " << name << " in " << config);
    return {};
}

std::map<std::string, long> issues_by_code(const sfp::Dataset& data) {
    std::map<std::string, long> counts;
    for (const auto& issue : data.issues) {
        ++counts[issue.code];
    }
    return counts;
}

long missing_in(const sfp::Dataset& data, const std::string& field) {
    const auto* column = data.column(field);
    REQUIRE(column != nullptr);
    return static_cast<long>(
        std::count_if(column->begin(), column->end(), [](const auto& v) { return !v; }));
}

} // namespace

TEST_CASE("generate: same seed same bytes, another seed other bytes", "[generate]") {
    const sfp::testing::TempDir dir("generate");
    for (const auto kind :
         {sfp::GenerateKind::panel, sfp::GenerateKind::loans, sfp::GenerateKind::targets}) {
        auto options = small(kind, dir.file("a"));
        options.institutions = 50;
        options.years = 5;
        options.loans = 2'000;
        const std::string first = generate(options);
        options.output = dir.file("b");
        const std::string second = generate(options);
        options.seed += 1;
        options.output = dir.file("c");
        const std::string other = generate(options);
        const std::hash<std::string> hash;
        CHECK(first.size() > 1000);
        CHECK(hash(first) == hash(second));
        CHECK(first == second);
        CHECK(hash(first) != hash(other));
    }
}

TEST_CASE("generate: the panel loads through the GB report's mapping with the planted problems",
          "[generate]") {
    const sfp::testing::TempDir dir("generate");
    const auto options = small(sfp::GenerateKind::panel, dir.file("panel.csv"));
    const std::string text = generate(options);
    CHECK(text.substr(0, text.find('\n')) == [] {
        const std::string sample = read_all(root + "/data/sample/institution_years.csv");
        return sample.substr(0, sample.find('\n'));
    }());

    auto data =
        load_with(root + "/templates/gb-progress/report.toml", "partners", dir.file("panel.csv"));
    sfp::validate_panel(data);

    const int n = options.institutions;
    const long gaps = institutions_with(n, 50, 7);
    const long late = institutions_with(n, 100, 40);
    REQUIRE(gaps == 3);
    REQUIRE(late == 1);
    CHECK(data.size() == static_cast<std::size_t>(n * options.years - gaps - 2 * late));

    const std::map<std::string, long> expected{
        {"gap-in-panel", gaps},
        {"negative-value", institutions_with(n, 40, 11)},
        {"par90-above-par30", institutions_with(n, 40, 21)},
        {"women-above-borrowers", institutions_with(n, 40, 31)}};
    std::string details;
    for (const auto& issue : data.issues) {
        details += sfp::to_string(issue) + "\n";
    }
    INFO(details);
    CHECK(issues_by_code(data) == expected);

    // Missing cells, plus the impossible values set aside.
    CHECK(missing_in(data, "active_borrowers_women") ==
          institutions_with(n, 20, 3) + institutions_with(n, 40, 31));
    CHECK(missing_in(data, "par30_balance") == institutions_with(n, 20, 13));
    CHECK(missing_in(data, "par90_balance") ==
          institutions_with(n, 20, 13) + institutions_with(n, 40, 21));
    CHECK(missing_in(data, "opex") == institutions_with(n, 25, 9) + institutions_with(n, 40, 11));

    // Variety for the groupings: every region, many countries, every charter, every age band.
    std::set<std::string> regions(data.region.begin(), data.region.end());
    std::set<std::string> countries(data.country_iso3.begin(), data.country_iso3.end());
    const auto& forms = *data.text_column("legal_form");
    std::set<std::string> charters(forms.begin(), forms.end());
    CHECK(regions.size() == 5);
    CHECK(countries.size() >= 25);
    CHECK(charters == std::set<std::string>{"NBFI", "NGO", "bank", "cooperative", "rural bank"});
    const auto& established = *data.column("established_year");
    std::set<int> bands;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const double age = data.fiscal_year[i] - *established[i] + 1;
        bands.insert(age < 5 ? 0 : age < 9 ? 1 : 2);
    }
    CHECK(bands.size() == 3);
}

TEST_CASE("generate: loans load through data/sources/generated-loans.toml", "[generate]") {
    const sfp::testing::TempDir dir("generate");
    const auto options = small(sfp::GenerateKind::loans, dir.file("loans.csv"));
    const std::string text = generate(options);
    const auto data = load_with(root + "/data/sources/generated-loans.toml", "generated-loans",
                                dir.file("loans.csv"));
    REQUIRE(data.size() == static_cast<std::size_t>(options.loans));
    long funded_above = 0;
    long no_gender = 0;
    for (std::int64_t j = 1; j <= options.loans; ++j) {
        funded_above += j % 10000 == 5000 ? 1 : 0;
        no_gender += j % 1000 == 500 ? 1 : 0;
    }
    REQUIRE(funded_above == 1);
    CHECK(issues_by_code(data) == std::map<std::string, long>{{"funded-above-loan", funded_above}});
    const auto& gender = *data.text_column("borrower_gender");
    CHECK(std::count(gender.begin(), gender.end(), std::string()) == no_gender);

    // Balances, as of the last year's end: never negative, never above the amount lent; loans
    // disbursed in the last three years.
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    REQUIRE(line.rfind("loan_id,institution_id,", 0) == 0);
    long rows = 0;
    long overdue30 = 0;
    long bad_balances = 0;
    long outside_window = 0;
    while (std::getline(lines, line)) {
        std::vector<std::string> cells;
        std::istringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');) {
            cells.push_back(cell);
        }
        if (cells.size() != 13) {
            FAIL("loan row with " << cells.size() << " fields: " << line);
        }
        const double amount = std::stod(cells[6]);
        const double balance = std::stod(cells[8]);
        const long overdue = std::stol(cells[9]);
        // Overdue loans still owe something.
        bad_balances += balance < 0 || balance > amount || (overdue > 0 && balance <= 0) ? 1 : 0;
        const int year = std::stoi(cells[4].substr(0, 4));
        outside_window += year < options.last_year - 2 || year > options.last_year ? 1 : 0;
        overdue30 += overdue > 30 ? 1 : 0;
        ++rows;
    }
    CHECK(bad_balances == 0);
    CHECK(outside_window == 0);
    CHECK(rows == options.loans);
    // PAR rates are drawn between 1% and 10% per institution.
    CHECK(overdue30 > options.loans / 100);
    CHECK(overdue30 < options.loans / 10);
}

TEST_CASE("generate: targets load and their baselines are the panel's aggregates", "[generate]") {
    const sfp::testing::TempDir dir("generate");
    auto options = small(sfp::GenerateKind::panel, dir.file("panel.csv"));
    generate(options);
    options.kind = sfp::GenerateKind::targets;
    options.output = dir.file("targets.toml");
    generate(options);

    sfp::Diagnostics diagnostics;
    const auto catalogue =
        sfp::load_catalogue(root + "/data/indicators/catalogue.toml", diagnostics);
    REQUIRE(catalogue.has_value());
    sfp::TargetSet targets;
    REQUIRE(sfp::load_targets(options.output, *catalogue, targets, diagnostics));
    REQUIRE_FALSE(diagnostics.has_errors());

    auto data =
        load_with(root + "/templates/gb-progress/report.toml", "partners", dir.file("panel.csv"));
    const int base_year = options.last_year - options.years + 1;
    const auto& borrowers = *data.column("active_borrowers");
    double total = 0;
    std::map<std::string, double> by_region;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data.fiscal_year[i] == base_year) {
            total += *borrowers[i];
            by_region["region:" + data.region[i]] += *borrowers[i];
        }
    }
    int checked = 0;
    for (const auto& target : targets.targets) {
        CHECK(target.baseline_year == base_year);
        CHECK(target.target_year > options.last_year);
        if (target.indicator != "OUT-01") {
            continue;
        }
        const double expected = target.scope == "all" ? total : by_region.at(target.scope);
        CHECK(target.baseline == Approx(expected).epsilon(0.005)); // 3 significant digits
        ++checked;
    }
    CHECK(checked == 6); // all + 5 regions
    CHECK(targets.guard_rails.size() == 1);
}

TEST_CASE("generate: bad sizes and unwritable paths leave nothing behind", "[generate]") {
    const sfp::testing::TempDir dir("generate");
    auto options = small(sfp::GenerateKind::panel, dir.file("panel.csv"));
    options.years = 0;
    sfp::Diagnostics diagnostics;
    sfp::GenerateSummary summary;
    CHECK(sfp::generate_data(options, diagnostics, summary) == sfp::ExitCode::usage);
    REQUIRE(diagnostics.has_errors());
    CHECK(diagnostics.items().front().message.find("--years") != std::string::npos);
    CHECK_FALSE(fs::exists(options.output));

    options.years = 3;
    const std::string blocker = dir.write("file", "x");
    options.output = blocker + "/panel.csv";
    sfp::Diagnostics output_errors;
    CHECK(sfp::generate_data(options, output_errors, summary) == sfp::ExitCode::output);
    CHECK(output_errors.has_errors());
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

namespace {

/// The records of a CSV file as the loader saw them before it read large files on a second
/// thread: CsvReader::next on the loader's own thread.
class PlainCsv final : public sfp::RecordReader {
public:
    explicit PlainCsv(std::unique_ptr<sfp::CsvReader> reader) : reader_(std::move(reader)) {}
    bool read_header(std::vector<std::string>& names, sfp::Diagnostics& diagnostics) override {
        sfp::CsvRecord header;
        if (!reader_->next(header, diagnostics)) {
            return false;
        }
        names = std::move(header.fields);
        return true;
    }
    bool next(sfp::CsvRecord& record, sfp::Diagnostics& diagnostics) override {
        return reader_->next(record, diagnostics);
    }
    [[nodiscard]] const std::string& origin() const override { return reader_->path(); }

private:
    std::unique_ptr<sfp::CsvReader> reader_;
};

struct Loaded {
    std::optional<sfp::Dataset> data;
    std::string diagnostics;
};

Loaded load_both_ways(const sfp::SourceSpec& source, const sfp::CountryResolver& countries,
                      bool plain) {
    Loaded out;
    sfp::Diagnostics diagnostics;
    if (plain) {
        sfp::CsvOptions options;
        options.delimiter = source.delimiter;
        options.limits = source.limits;
        auto csv = sfp::CsvReader::open(source.path, options, diagnostics);
        REQUIRE(csv != nullptr);
        PlainCsv reader(std::move(csv));
        out.data = sfp::load_records(source, reader, diagnostics, &countries);
    } else {
        out.data = sfp::load_source(source, diagnostics, &countries);
    }
    for (const auto& item : diagnostics.items()) {
        out.diagnostics += sfp::to_string(item) + "\n";
    }
    return out;
}

std::string issues_text(const sfp::Dataset& data) {
    std::string text;
    for (const auto& issue : data.issues) {
        text += sfp::to_string(issue) + "\n";
    }
    return text;
}

} // namespace

TEST_CASE("load: a large file read on a second thread gives the records and problems of a "
          "plain read",
          "[generate][load]") {
    const sfp::testing::TempDir dir("prefetch");
    auto options = small(sfp::GenerateKind::panel, dir.file("panel.csv"));
    options.institutions = 300;
    options.years = 15;
    const std::string text = generate(options);
    // Over the 1 MiB from which load_source reads on a second thread.
    REQUIRE(text.size() > std::size_t{3} * 512 * 1024);

    // Rows with reader problems far apart (other chunks of the second thread): undecodable
    // bytes, a row too short, a blank line.
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    REQUIRE(lines.size() > 4000);
    lines[700].insert(lines[700].find(',') + 1, "\xff\xfe");
    lines[2222] = lines[2222].substr(0, lines[2222].find(','));
    lines[3001].clear();
    // Numbers the second thread reads ahead (NumberReading): one that is not a number, and a
    // missing token in another case with blanks around it.
    const auto set_field = [](std::string& line, std::size_t k, const std::string& value) {
        std::size_t from = 0;
        for (std::size_t i = 0; i < k; ++i) {
            from = line.find(',', from) + 1;
        }
        line.replace(from, line.find(',', from) - from, value);
    };
    REQUIRE(lines[0].rfind("mfi_id,mfi_name,country_iso3,region,fiscal_year,currency,"
                           "gross_loan_portfolio_usd,par30_usd,",
                           0) == 0);
    set_field(lines[1500], 6, "12x34");
    set_field(lines[2800], 7, " n/A ");
    // The same in the last numeric columns.
    REQUIRE(lines[0].find(",personnel,loan_officers,") != std::string::npos);
    set_field(lines[1900], 49, "7.5.1");
    set_field(lines[2900], 50, " NA ");
    std::string broken;
    for (const auto& line : lines) {
        broken += line + "\n";
    }

    sfp::Diagnostics diagnostics;
    auto spec = sfp::parse_config(root + "/templates/gb-progress/report.toml", diagnostics);
    REQUIRE(spec.has_value());
    auto countries = sfp::country_resolver(spec->countries_path, diagnostics);
    REQUIRE(countries.has_value());
    auto source = *std::find_if(spec->sources.begin(), spec->sources.end(),
                                [](const auto& s) { return s.name == "partners"; });

    SECTION("a file read to its end") {
        source.path = dir.file("broken.csv");
        std::ofstream(source.path, std::ios::binary) << broken;
        const Loaded threaded = load_both_ways(source, *countries, false);
        const Loaded plain = load_both_ways(source, *countries, true);
        REQUIRE(plain.data.has_value());
        REQUIRE(threaded.data.has_value());
        const sfp::Dataset& a = *threaded.data;
        const sfp::Dataset& b = *plain.data;
        CHECK(a.size() == b.size());
        CHECK(a.size() > 4000);
        CHECK(a.institution_id == b.institution_id);
        CHECK(a.institution_name == b.institution_name);
        CHECK(a.fiscal_year == b.fiscal_year);
        CHECK(a.numbers == b.numbers);
        CHECK(a.texts == b.texts);
        std::vector<long> lines_a;
        std::vector<long> lines_b;
        for (std::size_t r = 0; r < a.size(); ++r) {
            lines_a.push_back(a.origin[r].line);
        }
        for (std::size_t r = 0; r < b.size(); ++r) {
            lines_b.push_back(b.origin[r].line);
        }
        CHECK(lines_a == lines_b);
        CHECK(threaded.diagnostics == plain.diagnostics);
        const std::string issues = issues_text(a);
        INFO(issues.substr(0, 3000));
        CHECK(issues == issues_text(b));
        // The planted problems are there, at their rows.
        CHECK(issues.find(":701:2: error: [invalid-encoding]") != std::string::npos);
        CHECK(issues.find(":2223: error: [field-count]") != std::string::npos);
        CHECK(issues.find(":1501:7: warning: [not-a-number]") != std::string::npos);
        CHECK(issues.find(":1901:50: warning: [not-a-number]") != std::string::npos);
        const auto record_at = [&](long line) {
            const auto found =
                std::find_if(a.origin.begin(), a.origin.end(),
                             [&](const sfp::SourcePos& at) { return at.line == line; });
            REQUIRE(found != a.origin.end());
            return static_cast<std::size_t>(found - a.origin.begin());
        };
        CHECK_FALSE(a.column("gross_loan_portfolio")->at(record_at(1501)).has_value());
        CHECK_FALSE(a.column("par30_balance")->at(record_at(2801)).has_value());
        CHECK(a.column("par30_balance")->at(record_at(2802)).has_value());
        CHECK_FALSE(a.column("personnel")->at(record_at(1901)).has_value());
        CHECK_FALSE(a.column("loan_officers")->at(record_at(2901)).has_value());
        CHECK(a.column("loan_officers")->at(record_at(2902)).has_value());
        REQUIRE(a.stats.size() == 1);
        CHECK(a.stats[0].rows_read == b.stats[0].rows_read);
        CHECK(a.stats[0].rows_rejected == b.stats[0].rows_rejected);
        CHECK(a.stats[0].rows_rejected >= 1);
    }
    SECTION("a file that stops the reader: a record over the limit near its end") {
        source.path = dir.file("too-long.csv");
        source.limits.max_record_bytes = 4096;
        lines[lines.size() - 50] += std::string(5000, '9');
        std::string over;
        for (const auto& line : lines) {
            over += line + "\n";
        }
        std::ofstream(source.path, std::ios::binary) << over;
        const Loaded threaded = load_both_ways(source, *countries, false);
        const Loaded plain = load_both_ways(source, *countries, true);
        CHECK_FALSE(threaded.data.has_value());
        CHECK_FALSE(plain.data.has_value());
        CHECK(threaded.diagnostics == plain.diagnostics);
        CHECK(threaded.diagnostics.find("error") != std::string::npos);
    }
}

TEST_CASE("indicators: two aggregation threads give the results of one", "[generate][indicators]") {
    const sfp::testing::TempDir dir("threads");
    auto options = small(sfp::GenerateKind::panel, dir.file("panel.csv"));
    options.institutions = 300;
    options.years = 15;
    generate(options);
    const std::string config = root + "/templates/gb-progress/report.toml";
    const sfp::Dataset data = load_with(config, "partners", dir.file("panel.csv"));
    // Over the records from which results_of shares the cells out between threads.
    REQUIRE(data.size() >= 4096);
    sfp::Diagnostics diagnostics;
    const auto spec = sfp::parse_config(config, diagnostics);
    REQUIRE(spec.has_value());
    sfp::ExitCode code = sfp::ExitCode::ok;
    const auto definitions = sfp::load_definitions(*spec, diagnostics, code);
    REQUIRE(definitions.has_value());
    sfp::EngineOptions engine = definitions->options;
    engine.indicators.clear(); // the whole catalogue: every statistic
    engine.groupings = {"region", "legal_form", "peer:age"};

    engine.threads = 1;
    const sfp::Results one =
        sfp::compute_indicators(data, definitions->catalogue, definitions->reference, engine);
    engine.threads = 2;
    const sfp::Results two =
        sfp::compute_indicators(data, definitions->catalogue, definitions->reference, engine);
    REQUIRE(one.items.size() == two.items.size());
    REQUIRE(one.items.size() > 5000);
    long with_value = 0;
    for (std::size_t i = 0; i < one.items.size(); ++i) {
        const sfp::IndicatorResult& a = one.items[i];
        const sfp::IndicatorResult& b = two.items[i];
        INFO(a.indicator << " scope " << a.scope << " period " << a.period);
        REQUIRE(a.indicator == b.indicator);
        REQUIRE(a.statistic == b.statistic);
        REQUIRE(a.scope == b.scope);
        REQUIRE(a.period == b.period);
        REQUIRE(a.value == b.value);
        REQUIRE(a.missing == b.missing);
        REQUIRE(a.missing_detail == b.missing_detail);
        REQUIRE(a.n == b.n);
        REQUIRE(a.p25 == b.p25);
        REQUIRE(a.p75 == b.p75);
        REQUIRE(a.numerator == b.numerator);
        REQUIRE(a.denominator == b.denominator);
        REQUIRE(a.records == b.records);
        REQUIRE(a.flags.size() == b.flags.size());
        for (std::size_t f = 0; f < a.flags.size(); ++f) {
            REQUIRE(a.flags[f].flag == b.flags[f].flag);
            REQUIRE(a.flags[f].count == b.flags[f].count);
        }
        // The index finds the same result.
        REQUIRE(two.find(a.indicator, a.scope, a.period, a.statistic) == &b);
        with_value += a.value ? 1 : 0;
    }
    CHECK(with_value > 1000);
}
