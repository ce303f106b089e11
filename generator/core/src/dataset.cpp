#include "sfp/dataset.hpp"

#include "dataset_support.hpp"
#include "sfp/csv.hpp"
#include "sfp/encoding.hpp"
#include "sfp/fields.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace sfp {

std::string to_string(const QualityIssue& issue) {
    std::string text = to_string(Diagnostic{issue.severity,
                                            issue.where,
                                            fmt::format("[{}] {}", issue.code, issue.problem),
                                            {},
                                            issue.code});
    if (!issue.field.empty()) {
        text += fmt::format("\n  field {} = '{}'", issue.field, issue.value);
    }
    return text;
}

const NumberColumn* Dataset::column(const std::string& field) const {
    const auto found = numbers.find(field);
    return found == numbers.end() ? nullptr : &found->second;
}

const std::vector<std::string>* Dataset::text_column(const std::string& field) const {
    const auto found = texts.find(field);
    return found == texts.end() ? nullptr : &found->second;
}

const std::string& Dataset::group_value(const std::string& dimension, std::size_t index) const {
    return dimension == "country_iso3" ? country_iso3.at(index) : region.at(index);
}

namespace {

/// Exact powers of ten: 10^22 is the largest that a double holds exactly.
constexpr std::array<double, 23> exact_powers_of_ten{1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// The common case of data files, "-123456.78": an optional minus, digits, and optionally a
/// point and more digits, at most 19 digits in all. When the digits as an integer M fit in 53
/// bits, M and 10^k are exact doubles and IEEE division rounds M / 10^k correctly, so the
/// result is the one std::from_chars gives (Clinger's fast path). nullopt: not that simple.
std::optional<double> parse_simple_decimal(std::string_view text) {
    const bool negative = !text.empty() && text.front() == '-';
    std::size_t i = negative ? 1 : 0;
    std::uint64_t mantissa = 0;
    int digits = 0;
    int decimals = 0;
    bool point = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits;
            decimals += point ? 1 : 0;
        } else if (c == '.' && !point && digits > 0) {
            point = true;
        } else {
            return std::nullopt;
        }
        if (digits > 19) {
            return std::nullopt;
        }
    }
    if (digits == 0 || (point && decimals == 0) || mantissa > (std::uint64_t{1} << 53U)) {
        return std::nullopt;
    }
    const double value =
        static_cast<double>(mantissa) / exact_powers_of_ten[static_cast<std::size_t>(decimals)];
    return negative ? -value : value;
}

} // namespace

std::optional<double> parse_number(std::string_view text, const NumberStyle& style) {
    // Grouping other than '.' never occurs in a simple decimal, so the style does not change it.
    if (style.decimal == '.' && style.thousands != '.') {
        if (const auto simple = parse_simple_decimal(text)) {
            return simple;
        }
    }
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
            return std::nullopt; // "+-3" is not a number
        }
    }
    std::string buffer;
    if (style.thousands != 0 || style.decimal != '.') {
        // Normalise to the C form: drop grouping, the decimal mark becomes '.'. A grouping
        // character after the decimal mark is malformed ("1.234,5,6").
        bool after_decimal = false;
        for (const char c : text) {
            if (style.thousands != 0 && c == style.thousands) {
                if (after_decimal) {
                    return std::nullopt;
                }
                continue;
            }
            if (c == style.decimal) {
                after_decimal = true;
                buffer.push_back('.');
                continue;
            }
            if (c == '.' && style.decimal != '.') {
                return std::nullopt; // "1.5" in a comma-decimal file is ambiguous
            }
            buffer.push_back(c);
        }
        text = buffer;
    }
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// "201.0" -> "201": identifiers written as floats by spreadsheets and R.
std::string normalise_id(std::string_view text) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0) {
        return std::string(text);
    }
    const auto digits = text.substr(0, dot);
    const auto fraction = text.substr(dot + 1);
    const bool integer =
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        !fraction.empty() && fraction.find_first_not_of('0') == std::string::npos;
    return integer ? std::string(digits) : std::string(text);
}

namespace {

/// Bit `size` (sizes of 63 and more share bit 63): a set of text lengths.
std::uint64_t length_bit(std::size_t size) {
    return std::uint64_t{1} << std::min<std::size_t>(size, 63);
}

/// std::tolower in the "C" locale (the program's; iequals uses it), without the call.
char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

NumberReading::NumberReading(std::vector<Field> fields, std::size_t slots,
                             const std::vector<std::string>& missing_tokens, NumberStyle style)
    : fields_(std::move(fields)), slots_(slots), style_(style) {
    for (const auto& token : missing_tokens) {
        missing_lengths_ |= length_bit(token.size());
        std::string lowered(token);
        std::transform(lowered.begin(), lowered.end(), lowered.begin(), ascii_lower);
        lowered_tokens_.push_back(std::move(lowered));
    }
}

bool NumberReading::is_missing(std::string_view text) const {
    if (text.empty()) {
        return true;
    }
    // Most cells are numbers as long as no token: rule them out without comparing.
    if ((missing_lengths_ & length_bit(text.size())) == 0) {
        return false;
    }
    return std::any_of(
        lowered_tokens_.begin(), lowered_tokens_.end(), [&](const std::string& token) {
            return token.size() == text.size() &&
                   std::equal(text.begin(), text.end(), token.begin(),
                              [](char c, char lowered) { return ascii_lower(c) == lowered; });
        });
}

void NumberReading::prepare(const CsvRecord& record, std::vector<PreparedNumber>& out) const {
    out.resize(slots_);
    for (const Field& field : fields_) {
        PreparedNumber& number = out[field.slot];
        const std::string_view text = field.column < record.fields.size()
                                          ? trim_blanks(record.fields[field.column])
                                          : std::string_view{};
        if (is_missing(text)) {
            number = {PreparedNumber::State::missing, 0};
        } else if (const auto value = parse_number(text, style_)) {
            number = {PreparedNumber::State::number, *value};
        } else {
            number = {PreparedNumber::State::not_a_number, 0};
        }
    }
}

namespace {

/// Reads the records of a CsvReader on a thread of its own, a few hundred records ahead of
/// the loader, so that parsing the file and building the dataset share two cores. Records and
/// the reader's problems come out in file order, exactly as from the reader itself; a reader
/// that stops (the end, a read error, a limit) stops the stream at the same record.
class PrefetchingReader {
public:
    /// `reading`, when not null, reads each record's numbers on the reader's thread too.
    PrefetchingReader(CsvReader& reader, std::shared_ptr<const NumberReading> reading)
        : reader_(reader), reading_(std::move(reading)) {
        // Every allocation the producer's thread cannot report is made here: it fills and
        // hands over these chunks only (a failure while filling travels in the chunk).
        full_.reserve(max_chunks);
        free_.reserve(max_chunks);
        for (std::size_t c = 0; c < max_chunks; ++c) {
            free_.push_back(std::make_unique<Chunk>());
        }
        thread_ = std::thread([this] { produce(); });
    }
    ~PrefetchingReader() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    PrefetchingReader(const PrefetchingReader&) = delete;
    PrefetchingReader& operator=(const PrefetchingReader&) = delete;
    PrefetchingReader(PrefetchingReader&&) = delete;
    PrefetchingReader& operator=(PrefetchingReader&&) = delete;

    /// The numbers of the record next() gave last; nullptr without a NumberReading.
    [[nodiscard]] const std::vector<PreparedNumber>* numbers() const {
        return reading_ ? &numbers_ : nullptr;
    }

    bool next(CsvRecord& record, Diagnostics& diagnostics) {
        for (;;) {
            if (current_ && at_ < current_->count) {
                Item& item = current_->items[at_++];
                record.row = item.record.row;
                record.line = item.record.line;
                // The reader refills the strings it is given: they go back with the chunk.
                std::swap(record.fields, item.record.fields);
                std::swap(numbers_, item.numbers);
                for (const auto& problem : item.problems) {
                    diagnostics.add(problem);
                }
                return true;
            }
            if (current_ && current_->last) {
                if (current_->failure) {
                    std::rethrow_exception(current_->failure);
                }
                for (const auto& problem : current_->end_problems) {
                    diagnostics.add(problem);
                }
                current_->end_problems.clear();
                return false;
            }
            std::unique_lock<std::mutex> lock(mutex_);
            if (current_) {
                free_.push_back(std::move(current_));
                changed_.notify_all();
            }
            changed_.wait(lock, [this] { return !full_.empty(); });
            current_ = std::move(full_.front());
            full_.erase(full_.begin());
            at_ = 0;
        }
    }

private:
    struct Item {
        CsvRecord record;
        std::vector<Diagnostic> problems;
        std::vector<PreparedNumber> numbers; ///< by slot, when there is a NumberReading
    };
    struct Chunk {
        std::vector<Item> items;
        std::size_t count = 0;
        bool last = false; ///< the reader stopped after `count` records
        std::vector<Diagnostic> end_problems;
        std::exception_ptr failure;
    };
    static constexpr std::size_t chunk_records = 256;
    static constexpr std::size_t max_chunks = 4;

    void produce() {
        for (;;) {
            std::unique_ptr<Chunk> chunk;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [this] { return stop_ || !free_.empty(); });
                if (stop_) {
                    return;
                }
                chunk = std::move(free_.back());
                free_.pop_back();
            }
            fill(*chunk);
            const bool last = chunk->last;
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                full_.push_back(std::move(chunk));
            }
            changed_.notify_all();
            if (last) {
                return;
            }
        }
    }

    void fill(Chunk& chunk) {
        chunk.count = 0;
        try {
            while (chunk.count < chunk_records) {
                if (chunk.items.size() <= chunk.count) {
                    chunk.items.emplace_back();
                }
                Item& item = chunk.items[chunk.count];
                Diagnostics problems;
                const bool more = reader_.next(item.record, problems);
                item.problems.assign(problems.items().begin(), problems.items().end());
                if (!more) {
                    chunk.last = true;
                    chunk.end_problems = std::move(item.problems);
                    return;
                }
                if (reading_) {
                    reading_->prepare(item.record, item.numbers);
                }
                ++chunk.count;
            }
        } catch (...) {
            chunk.failure = std::current_exception();
            chunk.last = true;
        }
    }

    CsvReader& reader_;
    const std::shared_ptr<const NumberReading> reading_;
    std::vector<PreparedNumber> numbers_; ///< of the record next() gave last (loader's thread)
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::unique_ptr<Chunk>> full_; ///< read, in file order
    std::vector<std::unique_ptr<Chunk>> free_; ///< to fill: new, or given back by the loader
    bool stop_ = false;
    std::unique_ptr<Chunk> current_; ///< the chunk the loader reads (its thread only)
    std::size_t at_ = 0;
    std::thread thread_; ///< last: started once the members above exist
};

/// Reads a CSV file as a RecordReader; with `prefetch`, the records are read on a second
/// thread (PrefetchingReader) once the header is read.
class CsvFileReader final : public RecordReader {
public:
    CsvFileReader(std::unique_ptr<CsvReader> reader, std::uint64_t bytes, bool prefetch)
        : reader_(std::move(reader)), bytes_(bytes), prefetch_wanted_(prefetch) {}

    bool read_header(std::vector<std::string>& names, Diagnostics& diagnostics) override {
        CsvRecord header;
        const auto errors_before = diagnostics.error_count();
        if (!reader_->next(header, diagnostics)) {
            if (diagnostics.error_count() > errors_before) {
                return false; // unreadable, or over a limit: already reported
            }
            diagnostics.error({reader_->path(), 1, 1},
                              "empty data file: expected a header row with column names, found "
                              "the end of the file");
            return false;
        }
        if (diagnostics.error_count() > errors_before) {
            // Undecodable bytes in the column names: the file is not in its declared encoding
            // (or not text), which is the data's fault, not the mapping's.
            return false;
        }
        for (std::size_t i = 0; i < header.fields.size(); ++i) {
            if (header.fields[i].find('\0') != std::string::npos) {
                diagnostics.error({reader_->path(), 1, static_cast<long>(i) + 1},
                                  "NUL byte in the header: expected column names in text, "
                                  "found a NUL byte",
                                  "is the file UTF-16 or binary? Save it as CSV UTF-8",
                                  "invalid-encoding");
                return false;
            }
        }
        names = std::move(header.fields);
        return true;
    }
    bool next(CsvRecord& record, Diagnostics& diagnostics) override {
        if (prefetch_wanted_ && !prefetch_) {
            prefetch_wanted_ = false;
            try {
                prefetch_ = std::make_unique<PrefetchingReader>(*reader_, reading_);
            } catch (const std::system_error&) {
                // No thread to be had: the records are read here, as for a small file.
            }
        }
        return prefetch_ ? prefetch_->next(record, diagnostics)
                         : reader_->next(record, diagnostics);
    }
    [[nodiscard]] const std::string& origin() const override { return reader_->path(); }
    void read_numbers(std::shared_ptr<const NumberReading> reading) override {
        reading_ = std::move(reading);
    }
    /// Read ahead with the records on the reader's thread; without it, the loader reads them.
    [[nodiscard]] const std::vector<PreparedNumber>* numbers() const override {
        return prefetch_ ? prefetch_->numbers() : nullptr;
    }
    [[nodiscard]] std::uint64_t input_bytes() const override { return bytes_; }

private:
    std::unique_ptr<CsvReader> reader_;
    std::uint64_t bytes_;                          ///< the file's size; 0 if unknown
    std::shared_ptr<const NumberReading> reading_; ///< before prefetch_, which shares it
    bool prefetch_wanted_;
    std::unique_ptr<PrefetchingReader> prefetch_; ///< after reader_: stopped before it goes
};

/// The slot of a field the source does not map.
constexpr std::size_t no_slot = ~std::size_t{0};

struct BoundColumn {
    const ColumnMapping* mapping;
    const FieldInfo* field;
    std::size_t index;      ///< position in the file's records
    bool is_id;             ///< institution_id or loan_id: "201.0" is read as "201"
    std::size_t whole_slot; ///< slot of the field this one is a fraction of; no_slot if none
};

/// The values of one record before they enter the dataset: one slot per mapped column, reused
/// from row to row so that reading a row allocates nothing once the strings have grown. Fields
/// are looked up by name once, when the mapping is bound; rows are read by slot.
class RowValues {
public:
    /// Slot k holds the values of columns[k].
    void bind(const std::vector<BoundColumn>& columns) {
        for (std::size_t k = 0; k < columns.size(); ++k) {
            slots_.emplace(std::string(columns[k].field->name), k);
            file_columns_.push_back(columns[k].index);
        }
        texts_.resize(columns.size());
        numbers_.resize(columns.size());
        dates_.resize(columns.size());
    }
    void reset() {
        for (auto& text : texts_) {
            text.clear();
        }
        std::fill(numbers_.begin(), numbers_.end(), std::nullopt);
        std::fill(dates_.begin(), dates_.end(), std::nullopt);
        fiscal_year.reset();
    }
    /// The slot of a mapped field; no_slot when the source does not map it.
    [[nodiscard]] std::size_t slot_of(std::string_view field) const {
        const auto found = slots_.find(field);
        return found == slots_.end() ? no_slot : found->second;
    }
    /// The value in a slot; an empty value for no_slot.
    [[nodiscard]] const std::string& text(std::size_t slot) const {
        return slot == no_slot ? empty_text_ : texts_[slot];
    }
    [[nodiscard]] const std::optional<double>& number(std::size_t slot) const {
        return slot == no_slot ? no_number_ : numbers_[slot];
    }
    [[nodiscard]] const std::optional<Date>& date(std::size_t slot) const {
        return slot == no_slot ? no_date_ : dates_[slot];
    }
    std::string& text_at(std::size_t slot) { return texts_[slot]; }
    std::optional<double>& number_at(std::size_t slot) { return numbers_[slot]; }
    std::optional<Date>& date_at(std::size_t slot) { return dates_[slot]; }
    /// The file column (0-based) of a slot; 0 for no_slot.
    [[nodiscard]] std::size_t column_of(std::size_t slot) const {
        return slot == no_slot ? 0 : file_columns_[slot];
    }

    std::optional<int> fiscal_year;

private:
    std::map<std::string, std::size_t, std::less<>> slots_;
    std::vector<std::size_t> file_columns_;
    std::vector<std::string> texts_;
    std::vector<std::optional<double>> numbers_;
    std::vector<std::optional<Date>> dates_;
    std::string empty_text_;
    std::optional<double> no_number_;
    std::optional<Date> no_date_;
};

/// The slots of the fields that the row rules name.
struct NamedSlots {
    std::size_t key = no_slot; ///< institution_id, or loan_id for loan records
    std::size_t institution_id = no_slot;
    std::size_t institution_name = no_slot;
    std::size_t country = no_slot;
    std::size_t region = no_slot;
    std::size_t currency = no_slot;
    std::size_t period_start = no_slot;
    std::size_t period_end = no_slot;
};

/// "A part cannot exceed its whole", for a source that maps both.
struct PartRule {
    const char* code;
    const char* part;
    const char* whole;
    std::size_t part_slot;
    std::size_t whole_slot;
};

/// A field that is the denominator of ratios; a zero is reported.
struct Denominator {
    const char* field;
    std::size_t slot;
};

/// Where the value of a slot goes in the dataset, for each row.
template <typename Column> struct ColumnSink {
    Column* column;
    std::size_t slot;
};

/// A (key, fiscal year) pair of a source, for duplicate detection.
struct RecordKeyHash {
    std::size_t operator()(const std::pair<std::string, int>& key) const {
        return std::hash<std::string>{}(key.first) ^
               (std::hash<int>{}(key.second) * std::size_t{0x9E3779B97F4A7C15});
    }
};

/// Fields read as numbers (NumberReading), as opposed to texts, years and dates.
bool is_numeric(FieldKind kind) {
    switch (kind) {
    case FieldKind::amount:
    case FieldKind::count:
    case FieldKind::fraction:
    case FieldKind::number:
        return true;
    case FieldKind::text:
    case FieldKind::year:
    case FieldKind::date:
        return false;
    }
    return false;
}

class SourceLoader {
public:
    SourceLoader(const SourceSpec& source, RecordReader& reader, Diagnostics& diagnostics,
                 const CountryResolver* countries)
        : source_(source), reader_(reader), diagnostics_(diagnostics), countries_(countries) {
        data_.kind = source.record;
    }

    std::optional<Dataset> load() {
        if (!reader_.read_header(header_, diagnostics_) || !bind()) {
            return std::nullopt;
        }
        stats_ = {source_.name, reader_.origin(), 0, 0, 0, {}};
        CsvRecord record;
        Diagnostics row_problems;
        while (reader_.next(record, row_problems)) {
            // Problems of the reader itself (an unterminated quote, undecodable bytes) are
            // issues of this row too.
            for (const auto& problem : row_problems.items()) {
                data_.issues.push_back({problem.code.empty() ? "csv-syntax" : problem.code,
                                        problem.severity, problem.where, "", "", problem.message});
            }
            row_problems = Diagnostics{};
            if (record.fields.size() == 1 && trim_blanks(record.fields[0]).empty()) {
                continue; // a blank line
            }
            ++stats_.rows_read;
            if (static_cast<std::size_t>(stats_.rows_read) <= sample_rows) {
                sample_bytes_ += record.fields.size(); // the delimiters and the line's end
                for (const auto& field : record.fields) {
                    sample_bytes_ += field.size();
                }
                if (static_cast<std::size_t>(stats_.rows_read) == sample_rows) {
                    reserve_columns();
                }
            }
            if (add_record(record)) {
                ++stats_.rows_used;
            } else {
                ++stats_.rows_rejected;
            }
        }
        if (row_problems.has_errors()) {
            // next() stopped on a read error or a record over a limit: the file was not read
            // to its end, so what was loaded is not the source.
            for (const auto& problem : row_problems.items()) {
                diagnostics_.add(problem);
            }
            return std::nullopt;
        }
        data_.stats.push_back(stats_);
        if (source_.strict) {
            for (auto& issue : data_.issues) {
                issue.severity = Severity::error;
            }
            if (!data_.issues.empty()) {
                diagnostics_.error(source_.where,
                                   fmt::format("source '{}' is strict and has {} data problems",
                                               source_.name, data_.issues.size()),
                                   "fix the data, or set strict = false to load what is valid");
                return std::nullopt;
            }
        }
        return std::move(data_);
    }

private:
    /// The records whose size gives the estimate of how many the input holds.
    static constexpr std::size_t sample_rows = 256;

    /// Sizes every column for the records the input holds, estimated from its size and the
    /// first records: growing 60 columns of 30,000 values by doubling copied each of them and
    /// touched twice its memory (page faults were a third of the loop's time). One record in
    /// 16 is added for longer records further on; a wrong estimate only means growth as before.
    void reserve_columns() {
        const std::uint64_t bytes = reader_.input_bytes();
        if (bytes == 0 || sample_bytes_ == 0) {
            return;
        }
        constexpr std::uint64_t most = std::uint64_t{1} << 22U;
        const std::uint64_t per_record = std::max<std::uint64_t>(sample_bytes_ / sample_rows, 1);
        const std::uint64_t records = bytes / per_record;
        const auto capacity = static_cast<std::size_t>(std::min(records + records / 16, most));
        const auto reserve = [capacity](auto&... columns) { (columns.reserve(capacity), ...); };
        reserve(data_.institution_id, data_.institution_name, data_.country_iso3, data_.region,
                data_.currency, data_.fiscal_year, data_.period_start, data_.period_end,
                data_.origin);
        for (const auto& sink : number_sinks_) {
            sink.column->reserve(capacity);
        }
        for (const auto& sink : text_sinks_) {
            sink.column->reserve(capacity);
        }
        for (const auto& sink : date_sinks_) {
            sink.column->reserve(capacity);
        }
        keys_.reserve(capacity);
    }

    bool bind() {
        std::set<std::string> seen;
        for (std::size_t i = 0; i < header_.size(); ++i) {
            header_[i] = std::string(trim_blanks(header_[i]));
            const std::string& name = header_[i];
            if (name.empty()) {
                // An R row index or a stray delimiter: usable only if nothing maps it.
                continue;
            }
            if (!seen.insert(name).second) {
                diagnostics_.warning({reader_.origin(), 1, static_cast<long>(i) + 1},
                                     fmt::format("duplicated column name '{}': a mapping to it "
                                                 "uses the first one",
                                                 name));
            }
        }
        bool ok = true;
        for (const auto& mapping : source_.columns) {
            const auto found = std::find(header_.begin(), header_.end(), mapping.column);
            if (found == header_.end() || mapping.column.empty()) {
                diagnostics_.error(mapping.where,
                                   fmt::format("unknown column '{}' in source '{}' (mapped to "
                                               "'{}'; the header of {} has no such column)",
                                               mapping.column, source_.name, mapping.field,
                                               reader_.origin()),
                                   did_you_mean(mapping.column, header_));
                ok = false;
                continue;
            }
            const FieldInfo* field = find_field(mapping.field);
            columns_.push_back({&mapping, field, static_cast<std::size_t>(found - header_.begin()),
                                mapping.field == "institution_id" || mapping.field == "loan_id",
                                no_slot});
            switch (field->kind) {
            case FieldKind::amount:
            case FieldKind::count:
            case FieldKind::fraction:
            case FieldKind::number:
                data_.numbers[mapping.field];
                break;
            case FieldKind::text:
                if (is_extra_text(mapping.field)) {
                    data_.texts[mapping.field];
                }
                break;
            case FieldKind::date:
                if (mapping.field != "period_start" && mapping.field != "period_end") {
                    data_.dates[mapping.field];
                }
                break;
            case FieldKind::year:
                break;
            }
        }
        // Derived values are computed in mapping order; a fraction needs its whole first.
        std::stable_partition(columns_.begin(), columns_.end(),
                              [](const BoundColumn& c) { return c.mapping->fraction_of.empty(); });
        row_.bind(columns_);
        bind_slots();
        // The numbers are read where the reader reads (its own thread for a large file).
        std::vector<NumberReading::Field> numeric;
        for (std::size_t slot = 0; slot < columns_.size(); ++slot) {
            if (is_numeric(columns_[slot].field->kind)) {
                numeric.push_back({slot, columns_[slot].index});
            }
        }
        reading_ = std::make_shared<const NumberReading>(
            std::move(numeric), columns_.size(), source_.missing_tokens,
            NumberStyle{source_.decimal, source_.thousands});
        reader_.read_numbers(reading_);
        return ok;
    }

    /// Resolves, once per file, every field that the rows are read by to its slot.
    void bind_slots() {
        for (auto& column : columns_) {
            if (!column.mapping->fraction_of.empty()) {
                column.whole_slot = row_.slot_of(column.mapping->fraction_of);
            }
        }
        const bool loans = source_.record == RecordKind::loan;
        named_.key = row_.slot_of(loans ? "loan_id" : "institution_id");
        named_.institution_id = row_.slot_of("institution_id");
        named_.institution_name = row_.slot_of("institution_name");
        named_.country = row_.slot_of("country_iso3");
        named_.region = row_.slot_of("region");
        named_.currency = row_.slot_of("currency");
        named_.period_start = row_.slot_of("period_start");
        named_.period_end = row_.slot_of("period_end");
        const ColumnMapping* country = source_.mapping("country_iso3");
        country_code_ = country != nullptr ? country->code : "iso3";
        // A rule over an unmapped field never fires, so only the rules of mapped pairs are kept.
        for (const auto& [code, part, whole] : part_rules) {
            const std::size_t part_slot = row_.slot_of(part);
            const std::size_t whole_slot = row_.slot_of(whole);
            if (part_slot != no_slot && whole_slot != no_slot) {
                rules_.push_back({code, part, whole, part_slot, whole_slot});
            }
        }
        for (const char* field : {"gross_loan_portfolio", "active_borrowers"}) {
            if (const std::size_t slot = row_.slot_of(field); slot != no_slot) {
                denominators_.push_back({field, slot});
            }
        }
        // The dataset's maps are not looked up per row: each column is tied to its slot.
        for (auto& [field, column] : data_.numbers) {
            number_sinks_.push_back({&column, row_.slot_of(field)});
        }
        for (auto& [field, column] : data_.texts) {
            text_sinks_.push_back({&column, row_.slot_of(field)});
        }
        for (auto& [field, column] : data_.dates) {
            date_sinks_.push_back({&column, row_.slot_of(field)});
        }
    }

    /// The part-whole rules, in the order they are checked (a part set aside by one rule is
    /// missing for the next).
    static constexpr std::array<std::array<const char*, 3>, 7> part_rules{{
        {"par30-above-portfolio", "par30_balance", "gross_loan_portfolio"},
        {"par90-above-par30", "par90_balance", "par30_balance"},
        {"par90-above-portfolio", "par90_balance", "gross_loan_portfolio"},
        {"women-above-borrowers", "active_borrowers_women", "active_borrowers"},
        {"rural-above-borrowers", "active_borrowers_rural", "active_borrowers"},
        {"officers-above-personnel", "loan_officers", "personnel"},
        {"funded-above-loan", "funded_amount", "loan_amount"},
    }};

    static bool is_extra_text(const std::string& field) {
        return field != "institution_id" && field != "institution_name" &&
               field != "country_iso3" && field != "region" && field != "currency";
    }

    [[nodiscard]] bool is_missing(std::string_view text) const {
        return reading_->is_missing(text);
    }

    void issue(std::string code, Severity severity, const CsvRecord& record, std::size_t column,
               std::string_view field, std::string_view value, std::string problem) {
        const SourcePos where{reader_.origin(), record.row, static_cast<long>(column) + 1};
        data_.issues.push_back({std::move(code), severity, where, std::string(field),
                                std::string(value), std::move(problem)});
    }

    /// A row that cannot be used at all: an error, counted by code.
    void reject(const CsvRecord& record, long column, std::string code, std::string problem) {
        const SourcePos where{reader_.origin(), record.row, column};
        ++stats_.rejected_by_code[code];
        data_.issues.push_back({std::move(code), Severity::error, where, "", "",
                                "row rejected: " + std::move(problem)});
    }

    /// The value of a number that is not missing (NumberReading read it), after the field's
    /// checks, units and fraction. Its text is trimmed again only for a problem.
    std::optional<double> parse_value(const CsvRecord& record, const BoundColumn& column,
                                      const PreparedNumber& number, const RowValues& row) {
        const std::string_view field = column.field->name;
        const auto text = [&] { return trim_blanks(record.fields[column.index]); };
        if (number.state != PreparedNumber::State::number) {
            issue("not-a-number", Severity::warning, record, column.index, field, text(),
                  "expected a number; treated as missing");
            return std::nullopt;
        }
        double value = number.value * column.mapping->scale;
        if (column.mapping->percent) {
            value /= 100.0;
        }
        if (column.field->kind == FieldKind::count && value != std::floor(value)) {
            issue("not-a-whole-number", Severity::warning, record, column.index, field, text(),
                  "a count must be a whole number; treated as missing");
            return std::nullopt;
        }
        if (!column.mapping->fraction_of.empty()) {
            if (value < 0 || value > 1) {
                issue("fraction-out-of-range", Severity::warning, record, column.index, field,
                      text(),
                      fmt::format("a fraction of {} must be between 0 and 1 (0% and 100%); "
                                  "treated as missing",
                                  column.mapping->fraction_of));
                return std::nullopt;
            }
            const auto& whole = row.number(column.whole_slot);
            if (!whole) {
                return std::nullopt; // the whole is missing, so is the part
            }
            value *= *whole;
        }
        if (column.field->nonnegative && value < 0) {
            issue("negative-value", Severity::warning, record, column.index, field, text(),
                  "impossible negative value; treated as missing");
            return std::nullopt;
        }
        return value;
    }

    bool add_record(const CsvRecord& record) {
        if (record.fields.size() != header_.size()) {
            reject(record, 0, "field-count",
                   fmt::format("expected {} fields as in the header, found {}", header_.size(),
                               record.fields.size()));
            return false;
        }
        const std::vector<PreparedNumber>* numbers = reader_.numbers();
        if (numbers == nullptr) {
            reading_->prepare(record, own_numbers_);
            numbers = &own_numbers_;
        }
        RowValues& row = row_;
        row.reset();
        // The record was read on the reader's thread (PrefetchingReader), so its fields are in
        // the other core's cache; the columns below read them in mapping order. Asking for all
        // of them first, in file order, overlaps those misses (the loop took 15-20% less).
        for (const auto& field : record.fields) {
            __builtin_prefetch(field.data());
        }
        for (std::size_t slot = 0; slot < columns_.size(); ++slot) {
            const BoundColumn& column = columns_[slot];
            // NumberReading has trimmed and read the numbers already.
            const std::string_view text = is_numeric(column.field->kind)
                                              ? std::string_view{}
                                              : trim_blanks(record.fields[column.index]);
            const std::string_view field = column.field->name;
            const auto col = static_cast<long>(column.index) + 1;
            switch (column.field->kind) {
            case FieldKind::text:
                if (!is_missing(text)) {
                    if (column.is_id) {
                        row.text_at(slot) = normalise_id(text);
                    } else {
                        row.text_at(slot).assign(text);
                    }
                }
                break;
            case FieldKind::year: {
                if (is_missing(text)) {
                    break;
                }
                const auto number = parse_number(text);
                if (!number || *number != std::floor(*number) || *number < 1900 || *number > 2200) {
                    reject(record, col, "bad-year",
                           fmt::format("expected a fiscal year (1900-2200), found '{}'", text));
                    return false;
                }
                row.fiscal_year = static_cast<int>(*number);
                break;
            }
            case FieldKind::date: {
                if (is_missing(text)) {
                    break;
                }
                const DateFormat format = column.mapping->date_format.value_or(source_.date_format);
                const auto date = parse_date(text, format, source_.fiscal_year_end);
                if (!date) {
                    if (field == "period_end" || field == "period_start") {
                        reject(
                            record, col, "bad-date",
                            fmt::format("'{}' is not a valid date in the column's format", text));
                        return false;
                    }
                    issue("bad-date", Severity::warning, record, column.index, std::string(field),
                          text, "not a valid date in the column's format; treated as missing");
                    break;
                }
                row.date_at(slot) = date;
                break;
            }
            case FieldKind::amount:
            case FieldKind::count:
            case FieldKind::fraction:
            case FieldKind::number: {
                const PreparedNumber& number = (*numbers)[slot];
                row.number_at(slot) = number.state == PreparedNumber::State::missing
                                          ? std::nullopt
                                          : parse_value(record, column, number, row);
                break;
            }
            }
        }
        return finish_record(record, row);
    }

    bool finish_record(const CsvRecord& record, RowValues& row) {
        const bool loans = source_.record == RecordKind::loan;
        const std::string& key = row.text(named_.key);
        if (key.empty()) {
            reject(record, static_cast<long>(row.column_of(named_.key)) + 1, "missing-key",
                   fmt::format("required field '{}' is missing",
                               loans ? "loan_id" : "institution_id"));
            return false;
        }
        // The period: a fiscal year, a period end, or both (they must agree).
        std::optional<Date> period_end = row.date(named_.period_end);
        int fiscal_year = row.fiscal_year.value_or(0);
        if (!loans) {
            if (!row.fiscal_year && !period_end) {
                reject(record, 0, "missing-period", "neither a fiscal year nor a period end");
                return false;
            }
            if (!row.fiscal_year) {
                fiscal_year = fiscal_year_of(*period_end);
            } else if (!period_end) {
                period_end = Date::end_of_month(fiscal_year, source_.fiscal_year_end);
            }
        }
        const std::optional<Date> period_start = row.date(named_.period_start);
        long period_days = 0;
        if (!loans && period_end && period_start) {
            period_days = period_end->days() - period_start->days() + 1;
            if (!annual_period(record, *period_start, *period_end, period_days)) {
                return false;
            }
        }
        if (!keys_.emplace(key, fiscal_year).second) {
            reject(record, 0, "duplicate-key",
                   loans ? fmt::format("duplicate loan '{}': the first one is kept", key)
                         : fmt::format("duplicate record for institution '{}' in {}: the first "
                                       "one is kept",
                                       key, fiscal_year));
            return false;
        }
        if (period_days != 0 && (period_days < 360 || period_days > 371)) {
            const std::size_t column = row.column_of(named_.period_start);
            issue("partial-year", Severity::warning, record, column, "period_start",
                  record.fields.at(column),
                  fmt::format("the period {} to {} is {} days, not a year: its flows are "
                              "annualised (x 12 / {:.0f} months) and flagged",
                              period_start->iso(), period_end->iso(), period_days,
                              std::round(static_cast<double>(period_days) / 30.4375)));
        }
        std::string country = row.text(named_.country);
        std::string region = row.text(named_.region);
        resolve_country(record, row, country, region);
        if (!loans && region.empty()) {
            const long column =
                named_.region != no_slot ? static_cast<long>(row.column_of(named_.region)) + 1 : 0;
            data_.issues.push_back({"missing-region",
                                    Severity::warning,
                                    {reader_.origin(), record.row, column},
                                    "region",
                                    "",
                                    "no region (and none from the country): the record counts in "
                                    "the total only"});
        }
        check_consistency(record, row);

        data_.institution_id.push_back(loans ? row.text(named_.institution_id) : key);
        data_.country_iso3.push_back(std::move(country));
        data_.region.push_back(std::move(region));
        data_.fiscal_year.push_back(fiscal_year);
        data_.period_start.push_back(period_start);
        data_.period_end.push_back(period_end);
        append_values(record, row);
        return true;
    }

    /// A reporting period of 6 to 18 months is the institution's fiscal year (a first year, a
    /// change of year end): kept, and the indicator engine annualises its flows. A shorter
    /// period (a quarter, a month) in an institution-year panel would be read as a year, and
    /// annualising it would multiply seasonality: rejected.
    bool annual_period(const CsvRecord& record, const Date& start, const Date& end, long days) {
        if (days >= 181 && days <= 550) {
            return true;
        }
        reject(record, static_cast<long>(row_.column_of(named_.period_start)) + 1,
               "non-annual-period",
               fmt::format("the period {} to {} is {} days: institution-year records cover 6 to "
                           "18 months",
                           start.iso(), end.iso(), days));
        return false;
    }

    /// The country as the reference table writes it, and its region when the row has none.
    void resolve_country(const CsvRecord& record, const RowValues& row, std::string& country,
                         std::string& region) {
        if (country.empty() || countries_ == nullptr || !*countries_) {
            return;
        }
        // A panel names few countries: each is resolved once per source.
        auto found = country_cache_.find(country);
        if (found == country_cache_.end()) {
            found = country_cache_.emplace(country, (*countries_)(country, country_code_)).first;
        }
        if (const auto& match = found->second) {
            country = match->iso3;
            if (region.empty()) {
                region = match->region;
            }
        } else {
            issue("unknown-country", Severity::warning, record, row.column_of(named_.country),
                  "country_iso3", country,
                  fmt::format("not a country of the reference table (as {})", country_code_));
        }
    }

    /// The rest of an accepted row's values into the dataset's columns.
    void append_values(const CsvRecord& record, const RowValues& row) {
        data_.institution_name.push_back(row.text(named_.institution_name));
        const std::string& currency = row.text(named_.currency);
        data_.currency.push_back(currency.empty() ? source_.currency : currency);
        data_.origin.push_back({reader_.origin(), record.row, 0});
        for (const auto& sink : number_sinks_) {
            sink.column->push_back(row.number(sink.slot));
        }
        for (const auto& sink : text_sinks_) {
            sink.column->push_back(row.text(sink.slot));
        }
        for (const auto& sink : date_sinks_) {
            sink.column->push_back(row.date(sink.slot));
        }
    }

    /// Cross-field rules: a part cannot exceed its whole.
    void check_consistency(const CsvRecord& record, RowValues& row) {
        for (const PartRule& rule : rules_) {
            auto& part_value = row.number_at(rule.part_slot);
            const auto& whole_value = row.number(rule.whole_slot);
            if (part_value && whole_value && *part_value > *whole_value) {
                const std::size_t column = row.column_of(rule.part_slot);
                issue(rule.code, Severity::warning, record, column, rule.part,
                      trim_blanks(record.fields[column]),
                      fmt::format("impossible value: larger than {} ('{}'); treated as missing",
                                  rule.whole,
                                  trim_blanks(record.fields[row.column_of(rule.whole_slot)])));
                part_value.reset();
            }
        }
        // Zero denominators: legal values, but every ratio over them will be missing.
        for (const Denominator& denominator : denominators_) {
            const auto& value = row.number(denominator.slot);
            if (value && *value == 0.0) {
                const std::size_t column = row.column_of(denominator.slot);
                issue("zero-denominator", Severity::warning, record, column, denominator.field,
                      trim_blanks(record.fields[column]),
                      "zero: ratios over this field are missing for this record");
            }
        }
    }

    const SourceSpec& source_;
    RecordReader& reader_;
    Diagnostics& diagnostics_;
    const CountryResolver* countries_;
    std::shared_ptr<const NumberReading> reading_; ///< made by bind(); shared with the reader
    std::vector<PreparedNumber> own_numbers_;      ///< when the reader does not read numbers
    Dataset data_;
    SourceStats stats_;
    std::vector<std::string> header_;
    std::vector<BoundColumn> columns_;
    RowValues row_;
    NamedSlots named_;
    std::string country_code_ = "iso3"; ///< how the source writes countries
    std::vector<PartRule> rules_;
    std::vector<Denominator> denominators_;
    std::vector<ColumnSink<NumberColumn>> number_sinks_;
    std::vector<ColumnSink<std::vector<std::string>>> text_sinks_;
    std::vector<ColumnSink<std::vector<std::optional<Date>>>> date_sinks_;
    std::unordered_map<std::string, std::optional<CountryMatch>> country_cache_;
    std::unordered_set<std::pair<std::string, int>, RecordKeyHash> keys_;
    std::uint64_t sample_bytes_ = 0; ///< the size of the first sample_rows records
};

} // namespace

std::optional<Dataset> load_records(const SourceSpec& source, RecordReader& reader,
                                    Diagnostics& diagnostics, const CountryResolver* countries) {
    return SourceLoader(source, reader, diagnostics, countries).load();
}

std::optional<Dataset> load_source(const SourceSpec& source, Diagnostics& diagnostics,
                                   const CountryResolver* countries) {
    Diagnostics open_problems;
    CsvOptions options;
    options.delimiter = source.delimiter;
    options.limits = source.limits;
    options.encoding =
        parse_encoding(source.encoding).value_or(Encoding::utf8); // checked by config
    auto csv = CsvReader::open(source.path, options, open_problems);
    if (!csv) {
        for (Diagnostic problem : open_problems.items()) {
            problem.hint =
                fmt::format("source '{}' is declared at {}:{}:{}; 'path' is relative "
                            "to the config file",
                            source.name, source.where.file, source.where.line, source.where.column);
            diagnostics.add(std::move(problem));
        }
        return std::nullopt;
    }
    // A file of a megabyte or more is read on a second thread while it is loaded (about 7,000
    // records; below that a thread costs more than it saves).
    constexpr std::uintmax_t prefetch_bytes = 1U << 20U;
    std::error_code size_error;
    const std::uintmax_t size = std::filesystem::file_size(source.path, size_error);
    CsvFileReader reader(std::move(csv), size_error ? 0 : size,
                         !size_error && size >= prefetch_bytes);
    auto data = load_records(source, reader, diagnostics, countries);
    if (data && !data->stats.empty() && data->stats.back().rows_read == 0) {
        // Only a header (or blank lines after it): an export that went wrong, not an empty
        // year; loading it would make every figure of the source silently missing.
        diagnostics.error({source.path, 2, 1}, "no records: expected rows of data after the "
                                               "header, found the end of the file");
        return std::nullopt;
    }
    return data;
}

void append(Dataset& into, Dataset&& from) {
    const std::size_t before = into.size();
    const std::size_t added = from.size();
    const auto extend = [&](auto& target, auto& source, auto empty) {
        for (auto& [field, column] : source) {
            auto& destination = target[field];
            destination.resize(before, empty);
            std::move(column.begin(), column.end(), std::back_inserter(destination));
        }
        for (auto& [field, column] : target) {
            column.resize(before + added, empty);
        }
    };
    extend(into.numbers, from.numbers, std::optional<double>{});
    extend(into.texts, from.texts, std::string{});
    extend(into.dates, from.dates, std::optional<Date>{});
    const auto move_all = [](auto& target, auto& source) {
        std::move(source.begin(), source.end(), std::back_inserter(target));
    };
    move_all(into.institution_id, from.institution_id);
    move_all(into.institution_name, from.institution_name);
    move_all(into.country_iso3, from.country_iso3);
    move_all(into.region, from.region);
    move_all(into.currency, from.currency);
    move_all(into.fiscal_year, from.fiscal_year);
    move_all(into.period_start, from.period_start);
    move_all(into.period_end, from.period_end);
    move_all(into.origin, from.origin);
    move_all(into.issues, from.issues);
    move_all(into.stats, from.stats);
}

namespace {

/// Keeps the records for which `keep[i]` is true.
void filter_records(Dataset& data, const std::vector<bool>& keep) {
    const auto filter = [&](auto& column) {
        std::size_t out = 0;
        for (std::size_t i = 0; i < column.size(); ++i) {
            if (keep[i]) {
                // Never move a string onto itself: libstdc++ leaves it empty.
                if (out != i) {
                    column[out] = std::move(column[i]);
                }
                ++out;
            }
        }
        column.resize(out);
    };
    filter(data.institution_id);
    filter(data.institution_name);
    filter(data.country_iso3);
    filter(data.region);
    filter(data.currency);
    filter(data.fiscal_year);
    filter(data.period_start);
    filter(data.period_end);
    filter(data.origin);
    for (auto& [field, column] : data.numbers) {
        filter(column);
    }
    for (auto& [field, column] : data.texts) {
        filter(column);
    }
    for (auto& [field, column] : data.dates) {
        filter(column);
    }
}

/// Each institution's records ordered by fiscal year, then by position; institutions in the
/// order of their first record. Grouping by hash touches each id once; the maps of strings it
/// replaces compared ids per record.
std::vector<std::vector<std::size_t>> records_by_institution(const Dataset& data) {
    std::unordered_map<std::string_view, std::size_t> group_of;
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto [it, inserted] = group_of.emplace(data.institution_id[i], groups.size());
        if (inserted) {
            groups.emplace_back();
        }
        groups[it->second].push_back(i);
    }
    for (auto& rows : groups) {
        std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
            return data.fiscal_year[a] < data.fiscal_year[b];
        });
    }
    return groups;
}

/// Drops the records whose (institution, year) key was already read: the first one is kept.
/// The issues follow the order of the dropped records. False if nothing was dropped.
bool drop_duplicate_keys(Dataset& data, const std::vector<std::vector<std::size_t>>& groups) {
    std::vector<std::pair<std::size_t, std::size_t>> duplicates; ///< (dropped, kept)
    for (const auto& rows : groups) {
        for (std::size_t k = 1, first = 0; k < rows.size(); ++k) {
            if (data.fiscal_year[rows[k]] != data.fiscal_year[rows[first]]) {
                first = k;
            } else {
                duplicates.emplace_back(rows[k], rows[first]);
            }
        }
    }
    if (duplicates.empty()) {
        return false;
    }
    std::sort(duplicates.begin(), duplicates.end());
    std::vector<bool> keep(data.size(), true);
    for (const auto& [i, first] : duplicates) {
        keep[i] = false;
        const SourcePos& kept = data.origin[first];
        data.issues.push_back(
            {"duplicate-key", Severity::error, data.origin[i], "institution_id",
             data.institution_id[i],
             fmt::format("row rejected: institution '{}' in {} was already read from {}:{}",
                         data.institution_id[i], data.fiscal_year[i], kept.file, kept.line)});
    }
    filter_records(data, keep);
    return true;
}

void add_panel_issue(Dataset& data, std::string code, std::size_t row, std::string field,
                     std::string value, std::string problem) {
    data.issues.push_back({std::move(code), Severity::warning, data.origin[row], std::move(field),
                           std::move(value), std::move(problem)});
}

/// Gaps in an institution's years, and borrower counts carried forward across years.
void check_years(Dataset& data, const std::string& id, const std::vector<std::size_t>& rows) {
    const auto* borrowers = data.column("active_borrowers");
    const auto* portfolio = data.column("gross_loan_portfolio");
    for (std::size_t k = 1; k < rows.size(); ++k) {
        const std::size_t previous = rows[k - 1];
        const std::size_t current = rows[k];
        const int gap = data.fiscal_year[current] - data.fiscal_year[previous];
        if (gap > 1) {
            add_panel_issue(
                data, "gap-in-panel", current, "fiscal_year",
                fmt::format("{}", data.fiscal_year[current]),
                fmt::format("institution '{}' reports {} after {}: {} missing in between; "
                            "growth and trends do not bridge the gap",
                            id, data.fiscal_year[current], data.fiscal_year[previous],
                            gap == 2 ? fmt::format("{}", data.fiscal_year[previous] + 1)
                                     : fmt::format("{}-{}", data.fiscal_year[previous] + 1,
                                                   data.fiscal_year[current] - 1)));
            continue;
        }
        // Stale: the same borrower count carried forward while the portfolio moves > 5%.
        if (borrowers != nullptr && portfolio != nullptr) {
            const auto& b0 = (*borrowers)[previous];
            const auto& b1 = (*borrowers)[current];
            const auto& p0 = (*portfolio)[previous];
            const auto& p1 = (*portfolio)[current];
            if (b0 && b1 && p0 && p1 && *b0 == *b1 && *b0 > 0 && *p0 > 0 &&
                std::fabs(*p1 / *p0 - 1.0) > 0.05) {
                add_panel_issue(data, "stale-figure", current, "active_borrowers",
                                fmt::format("{}", *b1),
                                fmt::format("the same borrower count as in {} while the "
                                            "portfolio changed by {:.0f}%: probably carried "
                                            "forward",
                                            data.fiscal_year[previous], (*p1 / *p0 - 1.0) * 100));
            }
        }
    }
}

/// Names are not keys: one name used by several institution ids, reported at its first record.
void check_shared_names(Dataset& data) {
    struct NameUse {
        std::size_t first_row;
        std::vector<std::string_view> other_ids; ///< ids other than the first row's
    };
    std::unordered_map<std::string_view, NameUse> uses;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const std::string& name = data.institution_name[i];
        if (name.empty()) {
            continue;
        }
        const auto [it, inserted] = uses.try_emplace(name, NameUse{i, {}});
        if (!inserted && data.institution_id[i] != data.institution_id[it->second.first_row]) {
            it->second.other_ids.push_back(data.institution_id[i]);
        }
    }
    struct SharedName {
        std::string name;
        std::size_t first_row;
        std::set<std::string> ids;
    };
    std::vector<SharedName> shared;
    for (const auto& [name, use] : uses) {
        if (!use.other_ids.empty()) {
            std::set<std::string> ids(use.other_ids.begin(), use.other_ids.end());
            ids.insert(data.institution_id[use.first_row]);
            shared.push_back({std::string(name), use.first_row, std::move(ids)});
        }
    }
    std::sort(shared.begin(), shared.end(),
              [](const SharedName& a, const SharedName& b) { return a.name < b.name; });
    for (const auto& [name, first_row, ids] : shared) {
        add_panel_issue(data, "name-collision", first_row, "institution_name", name,
                        fmt::format("the name is used by {} institution ids ({}); institutions "
                                    "are told apart by id",
                                    ids.size(), fmt::join(ids, ", ")));
    }
}

/// Issues in file, row and column order; issues at the same place keep their order.
void sort_issues(std::vector<QualityIssue>& issues) {
    std::stable_sort(issues.begin(), issues.end(),
                     [](const QualityIssue& a, const QualityIssue& b) {
                         return std::tie(a.where.file, a.where.line, a.where.column) <
                                std::tie(b.where.file, b.where.line, b.where.column);
                     });
}

} // namespace

void validate_panel(Dataset& data) {
    if (data.kind != RecordKind::institution_year) {
        return;
    }
    auto institutions = records_by_institution(data);
    if (drop_duplicate_keys(data, institutions)) {
        institutions = records_by_institution(data); // the records moved
    }
    std::sort(institutions.begin(), institutions.end(), [&](const auto& a, const auto& b) {
        return data.institution_id[a.front()] < data.institution_id[b.front()];
    });
    for (const auto& rows : institutions) {
        check_years(data, data.institution_id[rows.front()], rows);
    }
    check_shared_names(data);
    sort_issues(data.issues);
}

std::optional<Dataset> load_sources(const ReportSpec& spec, Diagnostics& diagnostics,
                                    const CountryResolver* countries) {
    Dataset data;
    bool ok = true;
    bool first = true;
    for (const auto& source : spec.sources) {
        if (source.format != "csv") {
            diagnostics.error(source.where,
                              fmt::format("source '{}' has format '{}', which this loader does "
                                          "not read",
                                          source.name, source.format));
            ok = false;
            continue;
        }
        auto loaded = load_source(source, diagnostics, countries);
        if (!loaded) {
            ok = false;
            continue;
        }
        if (first) {
            data = std::move(*loaded);
            first = false;
        } else {
            append(data, std::move(*loaded));
        }
    }
    if (!ok) {
        return std::nullopt;
    }
    validate_panel(data);
    return data;
}

namespace {

/// The values of `rows` of a column (a std::vector or a NumberColumn).
template <typename Column>
Column pick(const Column& column, const std::vector<std::size_t>& rows, std::size_t size) {
    Column out;
    if (column.size() != size) {
        return out; // a column no source fills
    }
    out.reserve(rows.size());
    for (const std::size_t r : rows) {
        out.push_back(column[r]);
    }
    return out;
}

template <typename Map>
Map pick_all(const Map& columns, const std::vector<std::size_t>& rows, std::size_t size) {
    Map out;
    for (const auto& [field, column] : columns) {
        out.emplace(field, pick(column, rows, size));
    }
    return out;
}

} // namespace

Dataset slice_records(const Dataset& data, const std::vector<std::size_t>& rows) {
    const std::size_t size = data.size();
    Dataset out;
    out.kind = data.kind;
    out.institution_id = pick(data.institution_id, rows, size);
    out.institution_name = pick(data.institution_name, rows, size);
    out.country_iso3 = pick(data.country_iso3, rows, size);
    out.region = pick(data.region, rows, size);
    out.currency = pick(data.currency, rows, size);
    out.fiscal_year = pick(data.fiscal_year, rows, size);
    out.period_start = pick(data.period_start, rows, size);
    out.period_end = pick(data.period_end, rows, size);
    out.numbers = pick_all(data.numbers, rows, size);
    out.texts = pick_all(data.texts, rows, size);
    out.dates = pick_all(data.dates, rows, size);
    out.origin = pick(data.origin, rows, size);

    std::set<std::pair<std::string, long>> places;
    for (const auto& where : out.origin) {
        places.emplace(where.file, where.line);
    }
    for (const auto& issue : data.issues) {
        if (places.count({issue.where.file, issue.where.line}) != 0) {
            out.issues.push_back(issue);
        }
    }
    for (const auto& stats : data.stats) {
        SourceStats slice{stats.name, stats.path, 0, 0, 0, {}};
        for (const auto& where : out.origin) {
            slice.rows_used += where.file == stats.path ? 1 : 0;
        }
        slice.rows_read = slice.rows_used;
        out.stats.push_back(std::move(slice));
    }
    return out;
}

} // namespace sfp
