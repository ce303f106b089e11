#pragma once
/// Loading and validating the records declared in a report's [[source]] tables.

#include "sfp/config.hpp"
#include "sfp/csv.hpp"
#include "sfp/date.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/fields.hpp"
#include "sfp/number_column.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sfp {

/// A data problem found while loading or validating: for the data-quality annex, the results
/// file and `sfpgen validate`. `code` is stable (documented in docs/data.md).
struct QualityIssue {
    std::string code; ///< e.g. "negative-value", "par90-above-par30", "gap-in-panel"
    Severity severity = Severity::warning;
    SourcePos where;   ///< file, row (header = 1) and column number (0: the whole row)
    std::string field; ///< canonical field, or empty for row-level problems
    std::string value; ///< the text as written in the file
    std::string problem;
};

/// "file:row:col: warning: [code] problem" and the field and value on a second line.
[[nodiscard]] std::string to_string(const QualityIssue& issue);

/// Counts per source: rows read, used and rejected, and rejections by issue code.
struct SourceStats {
    std::string name;
    std::string path;
    long rows_read = 0;
    long rows_used = 0;
    long rows_rejected = 0;
    std::map<std::string, long> rejected_by_code;
};

/// Records in columns. Numeric fields hold std::nullopt where the value is missing or was set
/// aside as impossible (see `issues`); a missing value is never 0. Amounts are in the record's
/// `currency` (conversion is the indicator engine's work).
struct Dataset {
    RecordKind kind = RecordKind::institution_year;

    std::vector<std::string> institution_id;
    std::vector<std::string> institution_name;
    std::vector<std::string> country_iso3;
    std::vector<std::string> region;
    std::vector<std::string> currency;
    std::vector<int> fiscal_year;                  ///< 0 when unknown (loan records)
    std::vector<std::optional<Date>> period_start; ///< nullopt: not given
    std::vector<std::optional<Date>> period_end;

    std::map<std::string, NumberColumn> numbers;           ///< canonical field -> column
    std::map<std::string, std::vector<std::string>> texts; ///< other text fields (loan_id, ...)
    std::map<std::string, std::vector<std::optional<Date>>> dates; ///< other date fields
    std::vector<SourcePos> origin; ///< where each record came from (file and row)

    std::vector<QualityIssue> issues;
    std::vector<SourceStats> stats;

    [[nodiscard]] std::size_t size() const { return origin.size(); }
    /// The column of a numeric field; nullptr when no source maps it.
    [[nodiscard]] const NumberColumn* column(const std::string& field) const;
    /// The column of an extra text field; nullptr when no source maps it.
    [[nodiscard]] const std::vector<std::string>* text_column(const std::string& field) const;
    /// The value of group dimension `dimension` ("region" or "country_iso3") for record `index`.
    [[nodiscard]] const std::string& group_value(const std::string& dimension,
                                                 std::size_t index) const;
};

/// A numeric field of a record as read ahead of the loader's checks: its text trimmed, compared
/// with the source's missing tokens and parsed in the source's number style (NumberReading).
struct PreparedNumber {
    enum class State : std::uint8_t { missing, number, not_a_number };
    State state = State::missing;
    double value = 0; ///< when `number`
};

class NumberReading;

/// A table of text cells read row by row: a CSV file, the rows of a SQLite query.
class RecordReader {
public:
    RecordReader() = default;
    virtual ~RecordReader() = default;
    RecordReader(const RecordReader&) = delete;
    RecordReader& operator=(const RecordReader&) = delete;
    RecordReader(RecordReader&&) = delete;
    RecordReader& operator=(RecordReader&&) = delete;

    /// Reads the header (column names in order). False, with a diagnostic, if there is none.
    virtual bool read_header(std::vector<std::string>& names, Diagnostics& diagnostics) = 0;
    /// Reads the next row into `record` (`row` counts from 1 = the header); false at the end.
    virtual bool next(CsvRecord& record, Diagnostics& diagnostics) = 0;
    /// The name used in diagnostics and provenance (a file path).
    [[nodiscard]] virtual const std::string& origin() const = 0;
    /// Asks the reader to read each record's numbers with `reading`, before the first next():
    /// a reader that reads ahead on a thread of its own does it there. A reader may ignore it.
    virtual void read_numbers(std::shared_ptr<const NumberReading> reading) {
        static_cast<void>(reading);
    }
    /// The numbers of the record the last next() gave, by slot; nullptr when this reader does
    /// not read them (the loader then does).
    [[nodiscard]] virtual const std::vector<PreparedNumber>* numbers() const { return nullptr; }
    /// The size of the whole input in bytes (a file's size), or 0 when not known: the loader
    /// sizes its columns from it.
    [[nodiscard]] virtual std::uint64_t input_bytes() const { return 0; }
};

/// A country as resolved from the reference table.
struct CountryMatch {
    std::string iso3;
    std::string region; ///< World Bank region, used when a source maps no region
};

/// Resolves a country as written (`code` is "iso3", "iso2" or "name") to the reference table;
/// nullopt when unknown. Built by the app from data/reference/countries.csv.
using CountryResolver =
    std::function<std::optional<CountryMatch>(std::string_view text, std::string_view code)>;

/// Loads the rows of `reader` with the mapping, units and rules of `source`. With `countries`,
/// country codes or names are resolved to ISO3 and unknown countries are reported.
[[nodiscard]] std::optional<Dataset> load_records(const SourceSpec& source, RecordReader& reader,
                                                  Diagnostics& diagnostics,
                                                  const CountryResolver* countries = nullptr);

/// Loads one file source (CSV at `source.path`).
[[nodiscard]] std::optional<Dataset> load_source(const SourceSpec& source, Diagnostics& diagnostics,
                                                 const CountryResolver* countries = nullptr);

/// Appends the records, issues and stats of `from` to `into` (same kind).
void append(Dataset& into, Dataset&& from);

/// The records `rows` of `data`, in that order, with their quality issues (an issue belongs to
/// the record at its file and row; issues of rejected rows belong to no slice). Each source's
/// stats count the slice's records (read = used; rejected rows are not attributed to a slice).
[[nodiscard]] Dataset slice_records(const Dataset& data, const std::vector<std::size_t>& rows);

/// Checks across the records of an institution-year dataset, after loading: duplicate
/// (institution, year) keys across sources (the later record is dropped), gaps in panels, stale
/// figures repeated across years, and names shared by several institution ids. Adds
/// QualityIssues; removes duplicates.
void validate_panel(Dataset& data);

/// Loads every CSV source of `spec` and validates the panel (sqlite sources are read by the
/// app layer, which owns the database). Binds the column mapping against each file's header
/// (an unknown column is an error at the config position), parses values with the source's
/// encoding, separators, units and date formats, applies the validity rules of docs/data.md,
/// and reports row problems without aborting. Returns nullopt when a source cannot be used at
/// all.
[[nodiscard]] std::optional<Dataset> load_sources(const ReportSpec& spec, Diagnostics& diagnostics,
                                                  const CountryResolver* countries = nullptr);

/// How numbers are written in a source.
struct NumberStyle {
    char decimal = '.'; ///< decimal mark: '.' or ','
    char thousands = 0; ///< grouping separator to ignore (',', '.', ' ', '\''), 0 for none
};

/// Parses a number as written in data files: optional sign, digits with the style's grouping,
/// one decimal mark, exponent; integers written as floats ("201.0") are accepted.
/// Locale-independent. nullopt if not a finite number.
[[nodiscard]] std::optional<double> parse_number(std::string_view text,
                                                 const NumberStyle& style = {});

/// Reads the numeric fields of records: which file columns are numbers, the missing tokens and
/// the number style of a source. Immutable once made, so any thread may use it.
class NumberReading {
public:
    struct Field {
        std::size_t slot;   ///< where its value goes in `out`
        std::size_t column; ///< its position in the records
    };
    NumberReading(std::vector<Field> fields, std::size_t slots,
                  const std::vector<std::string>& missing_tokens, NumberStyle style);

    /// Whether `text` (trimmed) is missing: empty, or one of the tokens (any case).
    [[nodiscard]] bool is_missing(std::string_view text) const;
    /// Fills `out` (one entry per slot; slots that are not numbers are left as they are).
    void prepare(const CsvRecord& record, std::vector<PreparedNumber>& out) const;

private:
    std::vector<Field> fields_;
    std::size_t slots_;
    std::uint64_t missing_lengths_ = 0;       ///< bit n: a token has n characters (63: 63+)
    std::vector<std::string> lowered_tokens_; ///< the missing tokens in lower case
    NumberStyle style_;
};

} // namespace sfp
