#pragma once
/// The indicator engine: institution values from catalogue formulas (with period semantics:
/// currency conversion, annualisation, average balances, previous periods), then aggregates per
/// grouping, scope and year (sum, weighted ratio, median with quartiles, borrower-weighted mean,
/// trimmed mean), each a value or a reason, with n, flags and provenance. docs/indicators.md.

#include "sfp/catalogue.hpp"
#include "sfp/config.hpp"
#include "sfp/dataset.hpp"
#include "sfp/reference_series.hpp"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sfp {

/// Why a result has no value (docs/indicators.md lists them).
enum class MissingReason {
    no_data,            ///< no institution in scope has a record for the period
    missing_input,      ///< an input is missing; `missing_detail` names it
    excluded,           ///< an input was set aside by a data-quality rule; detail = issue code
    zero_denominator,   ///< the denominator is 0
    no_previous_period, ///< prev()/avg() policy needs last year's record and there is none
    suppressed,         ///< an order statistic of fewer than min_n institutions
};

/// "no-data", "missing-input", "excluded", "zero-denominator", "no-previous-period",
/// "suppressed".
[[nodiscard]] std::string_view reason_name(MissingReason reason);

/// A scope of aggregation: one value (or combination of values) of a grouping, or everything.
struct Scope {
    std::string key;          ///< "region:Africa", "region:Africa+legal_form:NGO", or "all"
    std::string label;        ///< "Africa", "Africa, NGO" or "All regions", for documents
    std::size_t grouping = 0; ///< index into Results::groupings
    /// The value of each dimension of the grouping ("Africa", "NGO"); empty for "all". Values
    /// may contain '+', ':' or ", ", so the key and label are for display and lookup only.
    std::vector<std::string> values;
};

/// A sorted list of record indexes, stored compactly: each index as its difference from the
/// one before, written as a LEB128 varint (7 bits a byte, high bit: more bytes follow). The
/// provenance lists of a large report hold millions of indexes whose gaps are small, so one
/// byte each instead of four (issue 9: peak memory). Read it front to back; there is no
/// random access (it would cost O(n) a lookup).
class RecordList {
public:
    /// A forward iterator that decodes one index at a time.
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::uint32_t;
        using difference_type = std::ptrdiff_t;
        using pointer = const std::uint32_t*;
        using reference = std::uint32_t;

        const_iterator() = default;
        const_iterator(const std::uint8_t* at, const std::uint8_t* end) : at_(at), end_(end) {
            decode();
        }
        [[nodiscard]] std::uint32_t operator*() const { return value_; }
        const_iterator& operator++() {
            at_ = next_;
            decode();
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator before = *this;
            ++*this;
            return before;
        }
        [[nodiscard]] bool operator==(const const_iterator& other) const {
            return at_ == other.at_;
        }

    private:
        /// Reads the varint at `at_` and adds it to the previous index.
        void decode() {
            if (at_ == end_) {
                return;
            }
            if (*at_ < 0x80U) { // the usual case: a gap below 128, one byte
                value_ += static_cast<std::uint32_t>(*at_);
                next_ = at_ + 1;
                return;
            }
            std::uint32_t delta = 0;
            const std::uint8_t* p = at_;
            // At most five bytes: 5 x 7 bits hold any uint32_t.
            for (unsigned shift = 0; p != end_ && shift < 35; shift += 7) {
                const std::uint8_t byte = *p++;
                delta |= static_cast<std::uint32_t>(byte & 0x7FU) << shift;
                if ((byte & 0x80U) == 0) {
                    break;
                }
            }
            value_ += delta;
            next_ = p;
        }

        const std::uint8_t* at_ = nullptr; ///< the current index's bytes; end_ when done
        const std::uint8_t* end_ = nullptr;
        const std::uint8_t* next_ = nullptr; ///< the byte after the current index
        std::uint32_t value_ = 0;
    };
    using iterator = const_iterator;
    using value_type = std::uint32_t;

    RecordList() = default;
    /// From indexes sorted in ascending order (repeats allowed); throws std::invalid_argument
    /// for unsorted ones.
    explicit RecordList(const std::vector<std::uint32_t>& sorted);

    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] const_iterator begin() const {
        return bytes_.empty() ? const_iterator() : const_iterator(bytes_.data(), end_byte());
    }
    [[nodiscard]] const_iterator end() const {
        return bytes_.empty() ? const_iterator() : const_iterator(end_byte(), end_byte());
    }
    /// The bytes the indexes take (the vector's capacity: it is shrunk to fit).
    [[nodiscard]] std::size_t encoded_bytes() const { return bytes_.capacity(); }
    /// The indexes, decoded.
    [[nodiscard]] std::vector<std::uint32_t> to_vector() const;
    [[nodiscard]] bool operator==(const RecordList& other) const = default;

private:
    [[nodiscard]] const std::uint8_t* end_byte() const { return bytes_.data() + bytes_.size(); }

    std::vector<std::uint8_t> bytes_;
    std::size_t size_ = 0;
};

/// A flag carried by contributing records, and how many of them carry it.
struct FlagCount {
    std::string flag; ///< "single-balance", "annualised", "converted", or a quality issue code
    long count = 0;
};

/// One aggregate: a value, or a reason why there is none. `n` counts contributing institutions.
struct IndicatorResult {
    std::string indicator;
    Statistic statistic = Statistic::ratio;
    std::size_t scope = 0; ///< index into Results::scopes
    int period = 0;
    std::optional<double> value;
    std::optional<MissingReason> missing;
    std::string missing_detail; ///< the input field, or the quality code
    long n = 0;
    std::optional<double> p25;         ///< median only
    std::optional<double> p75;         ///< median only
    std::optional<double> numerator;   ///< ratio only: the sums the value divides
    std::optional<double> denominator; ///< ratio only
    std::vector<FlagCount> flags;      ///< sorted by flag
    /// Provenance: the dataset records used, sorted (Results::record_* describe them), including
    /// previous-period records that avg() and prev() read.
    RecordList records;

    /// "missing-input: par30_balance", "zero-denominator", ... ("" when there is a value).
    [[nodiscard]] std::string reason_text() const;
    [[nodiscard]] bool has_flag(std::string_view flag) const;
};

/// One grouping of the results: its dimensions ("region", "peer:age", ...) and scopes.
struct Grouping {
    std::string name;                ///< as configured: "region", "region+legal_form"
    std::vector<std::size_t> scopes; ///< indexes into Results::scopes, sorted by key, then "all"
};

struct Results {
    std::vector<Grouping> groupings; ///< [0] is the primary grouping (documents use it)
    std::vector<Scope> scopes;       ///< scopes of every grouping; "all" appears once
    std::vector<int> periods;        ///< ascending
    std::vector<IndicatorResult> items;
    std::vector<std::string> indicators; ///< ids computed, in request order

    /// The headline result (or the given statistic) of an indicator; nullptr when absent.
    [[nodiscard]] const IndicatorResult* find(std::string_view indicator, std::size_t scope,
                                              int period) const;
    [[nodiscard]] const IndicatorResult* find(std::string_view indicator, std::size_t scope,
                                              int period, Statistic statistic) const;
    /// Institutions with a record in a scope and period.
    [[nodiscard]] long reporting_count(std::size_t scope, int period) const;
    /// The scope "all".
    [[nodiscard]] std::size_t all_scope() const { return all_; }
    /// The scope with this key, or nullopt.
    [[nodiscard]] std::optional<std::size_t> scope_index(std::string_view key) const;
    /// The scopes of a grouping without "all", sorted by key.
    [[nodiscard]] std::vector<std::size_t> group_scopes(std::size_t grouping = 0) const;
    /// Ids of the institutions whose records enter `item` for its own period, sorted, unique.
    [[nodiscard]] std::vector<std::string> institutions(const IndicatorResult& item) const;
    /// The same for several results together: the ids that enter any of them.
    [[nodiscard]] std::vector<std::string>
    institutions(const std::vector<const IndicatorResult*>& chosen) const;
    /// Frees the provenance lists (IndicatorResult::records, a third of the results' memory)
    /// once nothing will read them: institutions() is empty afterwards. Returns the bytes freed.
    std::size_t drop_provenance();

    /// What each dataset record is, for provenance (copied from the dataset).
    std::vector<std::string> record_institution;
    std::vector<int> record_year;
    std::vector<SourcePos> record_origin;

    // Filled by compute_indicators.
    std::size_t all_ = 0;
    std::vector<long> reporting_; ///< scope * periods.size() + period index
    /// Files items[item] for find() under its indicator, statistic, scope and period (the
    /// engine files every result; tests that assemble results by hand call it).
    void add_to_index(std::size_t item);
    /// Forgets what add_to_index filed.
    void clear_index();
    /// Makes room for `count` items and their index entries (the engine, which knows how many
    /// it will file: growing them one at a time moved and faulted in 14 MB again and again).
    void reserve(std::size_t count);
    /// Set by the engine under EngineOptions::order_statistics_every_period = false: find()
    /// then refuses the order statistics left out rather than report them as absent.
    bool order_statistics_last_period_only_ = false;
    /// Set under EngineOptions::provenance_every_period = false: institutions() then refuses
    /// the results of other periods than the last, whose lists were not made.
    bool provenance_last_period_only_ = false;
    /// find()'s key: the indicator's number (indicator_numbers_), not its name: 64,000 results
    /// held 8 MB of "id|stat|scope|period" strings and each find() formatted one.
    struct IndexKey {
        std::uint32_t indicator = 0;
        std::uint32_t scope = 0;
        std::int32_t period = 0;
        Statistic statistic = Statistic::ratio;
        bool operator==(const IndexKey&) const = default;
    };
    struct IndexKeyHash {
        std::size_t operator()(const IndexKey& key) const;
    };
    std::unordered_map<IndexKey, std::uint32_t, IndexKeyHash> index_; ///< key -> item
    std::map<std::string, std::uint32_t, std::less<>> indicator_numbers_;
    std::map<std::string, Statistic, std::less<>> headline_; ///< indicator -> headline statistic
    /// The distinct record_institution values, sorted, and each record's index into them:
    /// institutions() sorts numbers instead of inserting strings into a set for each result.
    std::vector<std::string> institution_names_;
    std::vector<std::uint32_t> record_rank_;
};

enum class SingleBalance { flag, missing };

/// What to compute.
struct EngineOptions {
    std::vector<std::string> indicators; ///< ids; every catalogue indicator when empty
    std::vector<std::string> groupings{"region"};
    SourcePos groupings_pos; ///< for diagnostics: [indicators] group_by in the config
    int first_year = 0;      ///< 0: from the data
    int last_year = 0;
    SingleBalance single_balance = SingleBalance::flag;
    long min_n = 3;                           ///< suppression threshold for order statistics
    std::map<std::string, double> parameters; ///< override the catalogue's
    SourcePos parameters_pos;
    std::vector<CustomGrouping> custom;
    /// Threads that aggregate the cells of each indicator (1: the calling thread alone). The
    /// results are the same whatever the number: each cell is computed from its records alone.
    unsigned threads = 1;
    /// False: the order statistics (median with its quartiles, trimmed mean) of an indicator
    /// whose headline is another statistic are computed for the last period only, the one
    /// documents read them for (the peer-group benchmark table and ranges); the other periods'
    /// are left out of the results, and Results::find throws std::logic_error if asked for
    /// one. A PDF-only build sets it: 4,700 of the GB report's 11,970 results were such medians
    /// (with quartiles, the costliest cells), a quarter of its evaluation. Workbooks and results
    /// files need them all.
    bool order_statistics_every_period = true;
    /// False: IndicatorResult::records (which records each result used) is made for the last
    /// period's results only, the ones a document lists institutions for (peer-group tables);
    /// the others' stay empty and Results::institutions throws std::logic_error if asked for
    /// them. Only the results files (JSON, CSV) publish every result's records.
    bool provenance_every_period = true;
};

/// Checks options against the catalogue and data kind: indicator ids, grouping names, custom
/// groupings. False with diagnostics (positions from `spec` where known).
bool check_engine_options(const EngineOptions& options, const Catalogue& catalogue,
                          Diagnostics& diagnostics);

/// Per record, "" or the reason why a value is missing: an index into the few distinct texts,
/// so that 30,000 records take 60 kB rather than a string each (1 MB).
class ReasonColumn {
public:
    ReasonColumn() = default;
    /// `n` records, each with reason texts[0]; `texts` are the distinct reasons, texts[0] "".
    ReasonColumn(std::size_t n, std::vector<std::string> texts)
        : ids_(n, 0), texts_(std::move(texts)) {}
    [[nodiscard]] std::size_t size() const { return ids_.size(); }
    [[nodiscard]] const std::string& operator[](std::size_t record) const {
        return texts_[ids_[record]];
    }
    /// Gives `record` the reason texts[id].
    void set(std::size_t record, std::uint16_t id) { ids_[record] = id; }

private:
    std::vector<std::uint16_t> ids_;
    std::vector<std::string> texts_{std::string()};
};

/// Institution values of one indicator (or derived quantity / peer-group value) for every
/// record: exposed for tests, peer groups and the workbook's data sheet.
struct InstitutionValues {
    std::vector<double> value;        ///< NaN where missing
    std::vector<double> numerator;    ///< ratio formulas: NaN where missing
    std::vector<double> denominator;  ///< ratio formulas
    ReasonColumn reason;              ///< per record: "" or the reason text
    std::vector<std::uint32_t> flags; ///< bit set per record (see flag_names)
};

/// Institution values per record of several indicators, keyed by indicator id.
using RecordValues = std::map<std::string, InstitutionValues, std::less<>>;

/// Evaluates an indicator for every record of `data` (institution-year records).
[[nodiscard]] InstitutionValues institution_values(const Dataset& data, const Catalogue& catalogue,
                                                   const ReferenceSeries& reference,
                                                   const EngineOptions& options,
                                                   std::string_view indicator);

/// Computes every requested indicator, statistic, grouping, scope and year.
[[nodiscard]] Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                                         const ReferenceSeries& reference,
                                         const EngineOptions& options);

/// compute_indicators, plus the institution_values of `value_ids` (indicators or derived
/// quantities) from the same evaluation: the formulas are evaluated once for both.
[[nodiscard]] Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                                         const ReferenceSeries& reference,
                                         const EngineOptions& options,
                                         const std::vector<std::string>& value_ids,
                                         RecordValues& values);

/// The options of a report spec ([indicators] show, group_by, years, ...).
[[nodiscard]] EngineOptions engine_options(const ReportSpec& spec);

/// Shorthand used by tests and callers without reference series (amounts must be in USD).
[[nodiscard]] Results compute_indicators(const Dataset& data, const Catalogue& catalogue,
                                         const ReportSpec& spec);

/// Checks the spec's indicator and chart references against the catalogue.
bool bind_indicators(const ReportSpec& spec, const Catalogue& catalogue, Diagnostics& diagnostics);

} // namespace sfp
