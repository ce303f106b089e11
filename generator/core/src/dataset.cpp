#include "sfp/dataset.hpp"

#include "sfp/csv.hpp"
#include "sfp/fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <set>

namespace sfp {

const std::vector<std::optional<double>>* Dataset::column(const std::string& field) const {
    const auto found = numbers.find(field);
    return found == numbers.end() ? nullptr : &found->second;
}

const std::string& Dataset::group_value(const std::string& dimension, std::size_t index) const {
    return dimension == "country_iso3" ? country_iso3.at(index) : region.at(index);
}

std::optional<double> parse_number(std::string_view text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
            return std::nullopt; // "+-3" is not a number
        }
    }
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

struct BoundColumn {
    const FieldInfo* field;
    std::size_t index; ///< position in the file's records
};

class SourceLoader {
public:
    SourceLoader(const SourceSpec& source, Dataset& data,
                 std::set<std::pair<std::string, int>>& keys, Diagnostics& diagnostics)
        : source_(source), data_(data), keys_(keys), diagnostics_(diagnostics) {
        missing_tokens_ = source.missing_tokens;
        if (missing_tokens_.empty()) {
            missing_tokens_ = {"NA", "..", "n/a"};
        }
    }

    bool load() {
        Diagnostics open_problems;
        auto reader = CsvReader::open(source_.path, {}, open_problems);
        if (!reader) {
            for (Diagnostic problem : open_problems.items()) {
                problem.hint = fmt::format("source '{}' is declared at {}:{}:{}; 'path' is "
                                           "relative to the config file",
                                           source_.name, source_.where.file, source_.where.line,
                                           source_.where.column);
                diagnostics_.add(std::move(problem));
            }
            return false;
        }
        CsvRecord header;
        if (!reader->next(header, diagnostics_)) {
            diagnostics_.error({source_.path, 1, 0},
                               "empty data file: expected a header row with column names");
            return false;
        }
        if (!bind(header)) {
            return false;
        }
        SourceStats stats{source_.name, source_.path, 0, 0, 0};
        CsvRecord record;
        while (reader->next(record, diagnostics_)) {
            if (record.fields.size() == 1 && trim(record.fields[0]).empty()) {
                continue; // a blank line
            }
            ++stats.rows_read;
            if (add_record(record, header.fields.size())) {
                ++stats.rows_used;
            } else {
                ++stats.rows_rejected;
            }
        }
        data_.stats.push_back(stats);
        return true;
    }

private:
    bool bind(const CsvRecord& header) {
        std::vector<std::string>& names = header_;
        std::set<std::string> seen;
        for (std::size_t i = 0; i < header.fields.size(); ++i) {
            std::string name(trim(header.fields[i]));
            if (!name.empty() && !seen.insert(name).second) {
                diagnostics_.warning({source_.path, 1, static_cast<long>(i) + 1},
                                     fmt::format("duplicated column name '{}': the first one is "
                                                 "used",
                                                 name));
            }
            names.push_back(std::move(name));
        }
        bool ok = true;
        for (const auto& mapping : source_.columns) {
            const auto found = std::find(names.begin(), names.end(), mapping.column);
            if (found == names.end()) {
                diagnostics_.error(mapping.where,
                                   fmt::format("unknown column '{}' in source '{}' (mapped to "
                                               "'{}'; the header of {} has no such column)",
                                               mapping.column, source_.name, mapping.field,
                                               source_.path),
                                   did_you_mean(mapping.column, names));
                ok = false;
                continue;
            }
            const FieldInfo* field = find_field(mapping.field);
            columns_.push_back({field, static_cast<std::size_t>(found - names.begin())});
            if (field->kind == FieldKind::amount || field->kind == FieldKind::count) {
                // The column exists even if every value is missing; rows of earlier sources
                // that lack the field are missing too.
                data_.numbers[mapping.field].resize(data_.size());
            }
        }
        return ok;
    }

    bool is_missing(std::string_view text) const {
        if (text.empty()) {
            return true;
        }
        return std::any_of(missing_tokens_.begin(), missing_tokens_.end(),
                           [&](const std::string& token) { return iequals(text, token); });
    }

    void issue(const CsvRecord& record, const BoundColumn& column, std::string_view value,
               std::string problem) {
        const SourcePos where{source_.path, record.row, static_cast<long>(column.index) + 1};
        diagnostics_.warning(where,
                             fmt::format("column '{}' ({}) = '{}': {}", header_.at(column.index),
                                         column.field->name, value, problem));
        data_.issues.push_back(
            {where, std::string(column.field->name), std::string(value), std::move(problem)});
    }

    void reject(const CsvRecord& record, long column, std::string problem) {
        const SourcePos where{source_.path, record.row, column};
        diagnostics_.warning(where, fmt::format("row rejected: {}", problem));
        data_.issues.push_back({where, "", "", "row rejected: " + problem});
    }

    bool add_record(const CsvRecord& record, std::size_t header_size) {
        if (record.fields.size() != header_size) {
            reject(record, 0,
                   fmt::format("expected {} fields as in the header, found {}", header_size,
                               record.fields.size()));
            return false;
        }
        std::string id;
        std::string name;
        std::string country;
        std::string region;
        std::optional<int> year;
        std::map<std::string, std::optional<double>> values;
        for (const auto& column : columns_) {
            const std::string_view text = trim(record.fields[column.index]);
            const auto col = static_cast<long>(column.index) + 1;
            switch (column.field->kind) {
            case FieldKind::text:
                if (column.field->name == "institution_id") {
                    id = text;
                } else if (column.field->name == "institution_name") {
                    name = text;
                } else if (column.field->name == "country_iso3") {
                    country = text;
                } else if (column.field->name == "region") {
                    region = text;
                }
                if (column.field->required && is_missing(text)) {
                    reject(record, col,
                           fmt::format("required field '{}' is missing", column.field->name));
                    return false;
                }
                break;
            case FieldKind::year: {
                const auto number = parse_number(text);
                if (!number || *number != std::floor(*number) || *number < 1900 || *number > 2200) {
                    reject(record, col,
                           fmt::format("expected a fiscal year (1900-2200), found "
                                       "'{}'",
                                       text));
                    return false;
                }
                year = static_cast<int>(*number);
                break;
            }
            case FieldKind::amount:
            case FieldKind::count: {
                auto& slot = values[std::string(column.field->name)];
                if (is_missing(text)) {
                    break;
                }
                const auto number = parse_number(text);
                if (!number) {
                    issue(record, column, text, "expected a number; treated as missing");
                    break;
                }
                if (column.field->nonnegative && *number < 0) {
                    issue(record, column, text, "impossible negative value; treated as missing");
                    break;
                }
                slot = number;
                break;
            }
            }
        }
        if (!keys_.insert({id, *year}).second) {
            reject(record, 0,
                   fmt::format("duplicate record for institution '{}' in {}: the "
                               "first one is kept",
                               id, *year));
            return false;
        }
        check_consistency(record, values);

        data_.institution_id.push_back(std::move(id));
        data_.institution_name.push_back(std::move(name));
        data_.country_iso3.push_back(std::move(country));
        data_.region.push_back(std::move(region));
        data_.fiscal_year.push_back(*year);
        data_.origin.push_back({source_.path, record.row, 0});
        for (auto& [field, column] : data_.numbers) {
            const auto found = values.find(field);
            column.push_back(found == values.end() ? std::nullopt : found->second);
        }
        return true;
    }

    /// Cross-field rules: a part cannot exceed its whole.
    void check_consistency(const CsvRecord& record,
                           std::map<std::string, std::optional<double>>& values) {
        const auto rule = [&](const std::string& part, const std::string& whole) {
            auto& part_value = values[part];
            const auto& whole_value = values[whole];
            if (part_value && whole_value && *part_value > *whole_value) {
                const auto column =
                    std::find_if(columns_.begin(), columns_.end(),
                                 [&](const auto& c) { return c.field->name == part; });
                const auto whole_column =
                    std::find_if(columns_.begin(), columns_.end(),
                                 [&](const auto& c) { return c.field->name == whole; });
                issue(record, *column, trim(record.fields[column->index]),
                      fmt::format("impossible value: larger than {} ('{}'); treated as missing",
                                  whole, trim(record.fields[whole_column->index])));
                part_value.reset();
            }
        };
        rule("par30_balance", "gross_loan_portfolio");
        rule("active_borrowers_women", "active_borrowers");
    }

    const SourceSpec& source_;
    Dataset& data_;
    std::set<std::pair<std::string, int>>& keys_; ///< (institution, year) across all sources
    Diagnostics& diagnostics_;
    std::vector<std::string> missing_tokens_;
    std::vector<BoundColumn> columns_;
    std::vector<std::string> header_; ///< trimmed column names of the file
};

} // namespace

std::optional<Dataset> load_sources(const ReportSpec& spec, Diagnostics& diagnostics) {
    Dataset data;
    std::set<std::pair<std::string, int>> keys;
    bool ok = true;
    for (const auto& source : spec.sources) {
        SourceLoader loader(source, data, keys, diagnostics);
        ok = loader.load() && ok;
    }
    if (!ok) {
        return std::nullopt;
    }
    return data;
}

} // namespace sfp
