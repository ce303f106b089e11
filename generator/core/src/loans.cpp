#include "sfp/loans.hpp"

#include "dataset_support.hpp"
#include "sfp/csv.hpp"
#include "sfp/encoding.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sfp {

// ---- sums --------------------------------------------------------------------------------------

void AmountSum::add(const AmountSum& other) {
    cents += other.cents;
    rest += other.rest;
    any = any || other.any;
}

double AmountSum::value() const {
    return static_cast<double>(cents) / 100.0 + rest;
}

std::string AmountSum::text(double scale) const {
    if (rest == 0.0 && scale == 1.0) {
        const bool negative = cents < 0;
        Cents magnitude = negative ? -cents : cents;
        std::string digits;
        do {
            digits.insert(digits.begin(),
                          static_cast<char>('0' + static_cast<int>(magnitude % 10)));
            magnitude /= 10;
        } while (magnitude != 0);
        digits.insert(0, std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0'));
        digits.insert(digits.size() - 2, ".");
        return negative ? "-" + digits : digits;
    }
    return fmt::format("{}", value() * scale);
}

void LoanTotals::add(const LoanTotals& other) {
    loans_read += other.loans_read;
    loans_used += other.loans_used;
    loans_rejected += other.loans_rejected;
    loans_outstanding_n += other.loans_outstanding_n;
    balance_missing += other.balance_missing;
    overdue_missing += other.overdue_missing;
    gross_loan_portfolio.add(other.gross_loan_portfolio);
    par_base.add(other.par_base);
    par30_balance.add(other.par30_balance);
    par90_balance.add(other.par90_balance);
    women_loans += other.women_loans;
    gender_known_loans += other.gender_known_loans;
    gender_unknown_loans += other.gender_unknown_loans;
    rural_loans += other.rural_loans;
    rural_known_loans += other.rural_known_loans;
}

namespace {

// ---- binding -----------------------------------------------------------------------------------

/// The canonical fields the aggregator reads, in slot order.
enum Slot : std::size_t {
    s_loan_id,
    s_institution,
    s_country,
    s_currency,
    s_date,
    s_amount,
    s_balance,
    s_overdue,
    s_gender,
    s_rural,
    slot_count
};
constexpr std::array<std::string_view, slot_count> slot_fields{
    "loan_id",     "institution_id",      "country_iso3", "currency",        "disbursed_date",
    "loan_amount", "outstanding_balance", "days_overdue", "borrower_gender", "rural"};

/// How the file's columns feed the slots, and how values are written.
struct Binding {
    std::string path;
    std::size_t header_size = 0;
    std::array<long, slot_count> column{};      ///< 0-based file column; -1: not mapped
    std::vector<std::uint16_t> slots_of_column; ///< bit k: the column feeds slot k
    /// The lowest slot a column feeds (slot_count: none), and the other slots of columns that
    /// feed several, as (slot, lowest slot): the fast line split stores one slot per field.
    std::vector<std::uint8_t> first_slot_of_column;
    std::vector<std::pair<std::size_t, std::size_t>> slot_copies;
    char delimiter = ',';
    NumberStyle style;
    DateFormat date_format = DateFormat::iso;
    unsigned fiscal_year_end = 12;
    std::string default_currency;
    std::string country_code = "iso3"; ///< how countries are written: iso3, iso2 or name
    std::vector<std::string> missing_tokens;
    std::array<bool, 256> token_start{}; ///< a missing token can start with this byte
    /// Bytes that a value read on the fast path cannot start or end with (trimmed).
    std::array<bool, 256> blank{};
    /// Numbers as "1234.56" and dates as ISO: rows can take RowAggregator's fast path.
    bool fast_rows = false;

    [[nodiscard]] bool mapped(Slot slot) const { return column[slot] >= 0; }
    [[nodiscard]] bool is_missing(std::string_view text) const {
        if (text.empty()) {
            return true;
        }
        if (!token_start[static_cast<unsigned char>(text.front())]) {
            return false;
        }
        return std::any_of(missing_tokens.begin(), missing_tokens.end(),
                           [&](const std::string& token) { return iequals(text, token); });
    }
};

/// A RecordReader that has a header and no rows: load_records binds the mapping against it
/// (unknown columns at the config position, "did you mean", duplicated names) and nothing more.
class HeaderOnlyReader final : public RecordReader {
public:
    HeaderOnlyReader(std::vector<std::string> names, std::string origin)
        : names_(std::move(names)), origin_(std::move(origin)) {}
    bool read_header(std::vector<std::string>& names, Diagnostics& /*diagnostics*/) override {
        names = names_;
        return true;
    }
    bool next(CsvRecord& /*record*/, Diagnostics& /*diagnostics*/) override { return false; }
    [[nodiscard]] const std::string& origin() const override { return origin_; }

private:
    std::vector<std::string> names_;
    std::string origin_;
};

std::optional<Binding> bind_columns(const SourceSpec& source, const std::string& path,
                                    std::vector<std::string> header, Diagnostics& diagnostics) {
    {
        HeaderOnlyReader reader(header, path);
        if (!load_records(source, reader, diagnostics)) {
            return std::nullopt;
        }
    }
    Binding binding;
    binding.path = path;
    binding.header_size = header.size();
    binding.slots_of_column.assign(header.size(), 0);
    for (auto& name : header) {
        name = std::string(trim_blanks(name));
    }
    for (std::size_t slot = 0; slot < slot_count; ++slot) {
        binding.column[slot] = -1;
        const ColumnMapping* mapping = source.mapping(slot_fields[slot]);
        if (mapping == nullptr) {
            continue;
        }
        const auto found = std::find(header.begin(), header.end(), mapping->column);
        const auto index = static_cast<std::size_t>(found - header.begin());
        binding.column[slot] = static_cast<long>(index);
        binding.slots_of_column[index] =
            static_cast<std::uint16_t>(binding.slots_of_column[index] | (1U << slot));
        if (slot == s_date) {
            binding.date_format = mapping->date_format.value_or(source.date_format);
        }
        if (slot == s_country) {
            binding.country_code = mapping->code;
        }
    }
    binding.first_slot_of_column.assign(header.size(), slot_count);
    for (std::size_t index = 0; index < header.size(); ++index) {
        const unsigned bits = binding.slots_of_column[index];
        if (bits == 0) {
            continue;
        }
        const auto first = static_cast<std::size_t>(__builtin_ctz(bits));
        binding.first_slot_of_column[index] = static_cast<std::uint8_t>(first);
        for (std::size_t slot = first + 1; slot < slot_count; ++slot) {
            if ((bits >> slot & 1U) != 0) {
                binding.slot_copies.emplace_back(slot, first);
            }
        }
    }
    if (!binding.mapped(s_institution)) {
        diagnostics.error(source.where,
                          fmt::format("source '{}' maps no institution_id: loan portfolios are "
                                      "computed per institution",
                                      source.name),
                          "map the column of the lending institution's id to institution_id");
        return std::nullopt;
    }
    binding.delimiter = source.delimiter;
    binding.style = {source.decimal, source.thousands};
    binding.fiscal_year_end = source.fiscal_year_end;
    binding.default_currency = source.currency;
    binding.missing_tokens = source.missing_tokens;
    for (const auto& token : binding.missing_tokens) {
        if (!token.empty()) {
            const auto c = static_cast<unsigned char>(token.front());
            binding.token_start[c] = true;
            binding.token_start[static_cast<unsigned char>(std::tolower(c))] = true;
            binding.token_start[static_cast<unsigned char>(std::toupper(c))] = true;
        }
    }
    for (const char blank : {' ', '\t', '\r', '\n'}) { // as trim_blanks
        binding.blank[static_cast<unsigned char>(blank)] = true;
    }
    binding.fast_rows = binding.style.decimal == '.' && binding.style.thousands == 0 &&
                        binding.date_format == DateFormat::iso && binding.header_size >= 2;
    return binding;
}

// ---- parsing values ----------------------------------------------------------------------------

/// An amount as parsed: exact cents when it has at most two decimals.
struct Amount {
    AmountSum::Cents cents = 0;
    double rest = 0;
    [[nodiscard]] bool negative() const { return cents < 0 || rest < 0; }
    [[nodiscard]] bool positive() const { return cents > 0 || rest > 0; }
    void add_to(AmountSum& sum) const {
        sum.cents += cents;
        sum.rest += rest;
        sum.any = true;
    }
};

/// "-123.45", "12", "7.5": the common case, read without floating point. nullopt otherwise.
std::optional<Amount> plain_cents(std::string_view text) {
    std::size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    i += negative ? 1 : 0;
    std::int64_t whole = 0;
    const std::size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - digits_start < 15) {
        whole = whole * 10 + (text[i++] - '0');
    }
    if (i == digits_start) {
        return std::nullopt;
    }
    std::int64_t fraction = 0;
    int decimals = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && decimals < 2) {
            fraction = fraction * 10 + (text[i++] - '0');
            ++decimals;
        }
        if (decimals == 0) {
            return std::nullopt;
        }
    }
    if (i != text.size()) {
        return std::nullopt;
    }
    fraction *= decimals == 1 ? 10 : (decimals == 0 ? 0 : 1);
    const std::int64_t cents = whole * 100 + fraction;
    return Amount{negative ? -cents : cents, 0};
}

std::optional<Amount> parse_amount(std::string_view text, const NumberStyle& style) {
    if (style.decimal == '.' && style.thousands == 0) {
        if (auto fast = plain_cents(text)) {
            return fast;
        }
    }
    const auto value = parse_number(text, style);
    if (!value) {
        return std::nullopt;
    }
    // Exact cents when the value is the double nearest to a number of cents.
    if (std::fabs(*value) < 1e13) {
        const double cents = std::round(*value * 100.0);
        if (cents / 100.0 == *value) {
            return Amount{static_cast<AmountSum::Cents>(cents), 0};
        }
    }
    return Amount{0, *value};
}

enum class Gender { unknown, female, male };

Gender one_gender(std::string_view text) {
    text = trim_blanks(text);
    if (text == "female" || text == "male") { // as usually written: no case folding
        return text == "female" ? Gender::female : Gender::male;
    }
    for (const char* word : {"female", "f", "woman", "women"}) {
        if (iequals(text, word)) {
            return Gender::female;
        }
    }
    for (const char* word : {"male", "m", "man", "men"}) {
        if (iequals(text, word)) {
            return Gender::male;
        }
    }
    return Gender::unknown;
}

/// "female"; Kiva's group loans list each borrower ("female, female, male"): a loan is a
/// woman's loan when every listed borrower is a woman.
Gender classify_gender(std::string_view text) {
    if (text.find(',') == std::string_view::npos) {
        return one_gender(text);
    }
    bool all_female = true;
    while (true) {
        const auto comma = text.find(',');
        const Gender gender = one_gender(text.substr(0, comma));
        if (gender == Gender::unknown) {
            return Gender::unknown;
        }
        all_female = all_female && gender == Gender::female;
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return all_female ? Gender::female : Gender::male;
}

std::optional<bool> parse_flag(std::string_view text) {
    if (text.size() == 1 && (text[0] == '0' || text[0] == '1')) {
        return text[0] == '1';
    }
    for (const char* word : {"1", "yes", "y", "true"}) {
        if (iequals(text, word)) {
            return true;
        }
    }
    for (const char* word : {"0", "no", "n", "false"}) {
        if (iequals(text, word)) {
            return false;
        }
    }
    return std::nullopt;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

/// Equality of short texts (ids, codes) without a call to memcmp.
bool same_text(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    std::size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) {
        std::uint64_t x = 0;
        std::uint64_t y = 0;
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        if (x != y) {
            return false;
        }
    }
    for (; i < a.size(); ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

// ---- per-chunk accumulators --------------------------------------------------------------------

/// The loans of one institution in one currency.
struct CurrencyPart {
    std::string currency;
    long first_row = 0;
    LoanTotals totals;
    /// The first years while reading, inline: no pointer to follow per row.
    std::array<DisbursedYear, 4> recent{};
    std::size_t recent_n = 0;
    std::vector<DisbursedYear> disbursed; ///< while reading, the years after `recent`

    /// The year's entry while reading (`recent` first).
    DisbursedYear& year(int fiscal_year) {
        for (std::size_t i = 0; i < recent_n; ++i) {
            if (recent[i].year == fiscal_year) {
                return recent[i];
            }
        }
        if (recent_n < recent.size() && disbursed.empty()) {
            recent[recent_n] = {fiscal_year, 0, {}, 0};
            return recent[recent_n++];
        }
        return settled_year(fiscal_year);
    }

    /// After reading: all years in `disbursed`, in order of first appearance.
    void settle() {
        disbursed.insert(disbursed.begin(), recent.begin(),
                         recent.begin() + static_cast<std::ptrdiff_t>(recent_n));
        recent_n = 0;
    }

    /// The year's entry in `disbursed` (a settled part).
    DisbursedYear& settled_year(int fiscal_year) {
        if (!disbursed.empty() && disbursed.back().year == fiscal_year) {
            return disbursed.back();
        }
        for (auto& entry : disbursed) {
            if (entry.year == fiscal_year) {
                return entry;
            }
        }
        disbursed.push_back({fiscal_year, 0, {}, 0});
        return disbursed.back();
    }
};

/// What a row touches is kept together: the id, then the first currency's part inline (one
/// dependent load less per row than a vector of parts), then the countries.
struct InstitutionAcc {
    std::string id;
    bool has_first = false;
    CurrencyPart first;               ///< the first currency's loans
    std::vector<CurrencyPart> others; ///< other currencies, in order of first appearance
    long first_row = 0;
    std::string country; ///< the first country written
    long country_row = 0;
    std::string other_country; ///< the first different one
    long other_country_row = 0;

    CurrencyPart& part(std::string_view currency, long row) {
        if (has_first && same_text(first.currency, currency)) {
            return first;
        }
        if (!has_first) {
            has_first = true;
            first.currency = currency;
            first.first_row = row;
            return first;
        }
        for (auto& entry : others) {
            if (entry.currency == currency) {
                return entry;
            }
        }
        CurrencyPart& added = others.emplace_back();
        added.currency = currency;
        added.first_row = row;
        return added;
    }

    /// All parts in order of first appearance (for merging).
    std::vector<CurrencyPart> take_parts() {
        std::vector<CurrencyPart> parts;
        if (has_first) {
            parts.push_back(std::move(first));
        }
        for (auto& entry : others) {
            parts.push_back(std::move(entry));
        }
        for (auto& part : parts) {
            part.settle();
        }
        return parts;
    }
};

/// A hash of an institution id, read a word at a time (ids are short: "MFI-01800").
std::uint64_t id_hash(std::string_view id) {
    constexpr std::uint64_t mix = 0x9E3779B97F4A7C15ULL;
    std::uint64_t hash = id.size() * mix;
    std::size_t i = 0;
    for (; i + 8 <= id.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, id.data() + i, 8);
        hash = (hash ^ word) * mix;
        hash ^= hash >> 29;
    }
    if (i < id.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, id.data() + i, id.size() - i);
        hash = (hash ^ word) * mix;
        hash ^= hash >> 29;
    }
    return hash;
}

/// Institution ids to their index: open addressing, at most half full. A slot keeps the hash
/// and, for ids of up to 16 bytes, the id itself: a lookup does not touch the institution
/// (a cache miss that the row's other work can then hide, see ChunkResult::prefetch).
class InstitutionIndex {
public:
    static constexpr std::uint32_t none = ~std::uint32_t{0};

    /// The index of `id`, or `none`.
    template <typename Ids>
    [[nodiscard]] std::uint32_t find(std::string_view id, std::uint64_t hash,
                                     const Ids& ids) const {
        if (slots_.empty()) {
            return none;
        }
        for (std::size_t at = hash & mask_;; at = (at + 1) & mask_) {
            const Entry& entry = slots_[at];
            if (entry.index == none) {
                return none;
            }
            if (entry.hash == hash) {
                const bool inline_id = entry.size <= sizeof(entry.bytes);
                if (inline_id ? same_text({entry.bytes.data(), entry.size}, id)
                              : same_text(ids[entry.index].id, id)) {
                    return entry.index;
                }
            }
        }
    }

    void insert(std::string_view id, std::uint64_t hash, std::uint32_t index) {
        if ((count_ + 1) * 2 > slots_.size()) {
            grow();
        }
        Entry entry;
        entry.hash = hash;
        entry.index = index;
        entry.size = static_cast<std::uint32_t>(std::min<std::size_t>(id.size(), ~0U));
        if (id.size() <= entry.bytes.size()) {
            std::memcpy(entry.bytes.data(), id.data(), id.size());
        }
        place(entry);
        ++count_;
    }

private:
    struct Entry {
        std::uint64_t hash = 0;
        std::uint32_t index = none;
        std::uint32_t size = 0;       ///< of the id
        std::array<char, 16> bytes{}; ///< the id, when it fits
    };

    void place(Entry entry) {
        std::size_t at = entry.hash & mask_;
        while (slots_[at].index != none) {
            at = (at + 1) & mask_;
        }
        slots_[at] = entry;
    }

    void grow() {
        std::vector<Entry> old = std::move(slots_);
        slots_.assign(std::max<std::size_t>(64, old.size() * 2), Entry{});
        mask_ = slots_.size() - 1;
        for (const Entry& entry : old) {
            if (entry.index != none) {
                place(entry);
            }
        }
    }

    std::vector<Entry> slots_;
    std::size_t mask_ = 0;
    std::size_t count_ = 0;
};

/// What one thread learns from its part of the file. Row numbers are local to the chunk until
/// the merge offsets them.
struct ChunkResult {
    std::vector<InstitutionAcc> institutions;
    InstitutionIndex index;
    std::size_t last = ~std::size_t{0}; ///< the institution of the previous row
    std::vector<QualityIssue> issues;
    std::map<std::string, long> issues_by_code;
    long loans_read = 0;
    long loans_rejected = 0;
    std::map<std::string, long> rejected_by_code;
    std::optional<long> latest_day; ///< of a valid disbursed_date
    long next_row = 0;              ///< the row number of the record after the chunk
    bool crossed = false;           ///< the chunk's last record ran past its end
    bool cancelled = false;

    /// The index of a known institution, or InstitutionIndex::none; changes nothing.
    [[nodiscard]] std::uint32_t find_institution(std::string_view id) const {
        if (last < institutions.size() && same_text(institutions[last].id, id)) {
            return static_cast<std::uint32_t>(last);
        }
        return index.find(id, id_hash(id), institutions);
    }

    /// Asks for the lines of a known institution that a row updates, so that they arrive
    /// while the row's other values are read.
    void prefetch(std::uint32_t known) const {
        const char* at = reinterpret_cast<const char*>(&institutions[known]);
        for (std::size_t offset = 0; offset < sizeof(InstitutionAcc); offset += 64) {
            __builtin_prefetch(at + offset);
        }
    }

    /// The institution `id`; `known` is its index when find_institution gave one.
    InstitutionAcc& institution(std::string_view id, long row,
                                std::uint32_t known = InstitutionIndex::none) {
        if (known != InstitutionIndex::none) {
            last = known;
            return institutions[known];
        }
        if (last < institutions.size() && same_text(institutions[last].id, id)) {
            return institutions[last];
        }
        const std::uint64_t hash = id_hash(id);
        const std::uint32_t found = index.find(id, hash, institutions);
        if (found != InstitutionIndex::none) {
            last = found;
        } else {
            last = institutions.size();
            InstitutionAcc& added = institutions.emplace_back();
            added.id = id;
            added.first_row = row;
            index.insert(id, hash, static_cast<std::uint32_t>(last));
        }
        return institutions[last];
    }
};

/// The fields of one record that the slots need.
struct RowFields {
    std::array<std::string_view, slot_count + 1> text{}; ///< [slot_count]: unread columns
    std::size_t fields = 0;
    bool blank = false; ///< one blank field: an empty line
};

/// One loan's values as read, before they are added up.
struct ParsedLoan {
    std::optional<std::string_view> country;
    std::string_view currency;
    std::optional<Amount> balance;
    std::optional<long> days;
    bool dated = false; ///< a valid disbursed_date
    long day = 0;       ///< of the disbursed_date, since 1970-01-01
    int fiscal_year = 0;
    std::optional<Amount> amount; ///< loan_amount, read when the loan is dated
    Gender gender = Gender::unknown;
    std::optional<bool> rural;
};

/// "2024-01-31" exactly, as parse_date(DateFormat::iso) reads it: days since 1970-01-01 and
/// the month; false for anything else (parse_date decides).
bool plain_iso_date(std::string_view text, long& day, int& year, unsigned& month) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return false;
    }
    const auto digit = [&](std::size_t i) { return static_cast<unsigned>(text[i] - '0'); };
    for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
        if (digit(i) > 9) {
            return false;
        }
    }
    year = static_cast<int>(digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3));
    month = digit(5) * 10 + digit(6);
    const unsigned mday = digit(8) * 10 + digit(9);
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    constexpr std::array<unsigned, 13> month_days{0,  31, 28, 31, 30, 31, 30,
                                                  31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || mday < 1 ||
        mday > month_days[month] + (month == 2 && leap ? 1 : 0)) {
        return false;
    }
    // Days from civil (H. Hinnant), as std::chrono::sys_days counts them.
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(y - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + mday - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    day = static_cast<long>(era) * 146097 + static_cast<long>(day_of_era) - 719468;
    return true;
}

/// Turns rows into accumulators and issues. A row whose values are all written plainly
/// ("MFI-01", "1234.50", "2024-01-31", "female", "1") takes a fast path that reads them without
/// trimming, token lookups or floating point; any other row takes the general path, which
/// reads every value the same way and reports what it finds. Both end in `add_parsed`.
class RowAggregator {
public:
    RowAggregator(const Binding& binding, std::size_t max_issues, ChunkResult& out)
        : b_(binding), max_issues_(max_issues), out_(out) {}

    void add(const RowFields& row, long row_number) {
        if (row.blank) {
            return;
        }
        row_ = row_number;
        ++out_.loans_read;
        if (row.fields != b_.header_size) {
            reject(0, "field-count",
                   fmt::format("expected {} fields as in the header, found {}", b_.header_size,
                               row.fields));
            return;
        }
        if (b_.fast_rows && add_plain(row)) {
            return;
        }
        if (b_.mapped(s_loan_id) && b_.is_missing(trim_blanks(row.text[s_loan_id]))) {
            reject(column(s_loan_id), "missing-key", "required field 'loan_id' is missing");
            return;
        }
        const auto id = text_value(row, s_institution);
        if (!id) {
            reject(column(s_institution), "missing-key",
                   "required field 'institution_id' is missing");
            return;
        }
        add_loan(row, *id);
    }

    void issue(std::string code, Severity severity, long row, long col, std::string field,
               std::string_view value, std::string problem) {
        ++out_.issues_by_code[code];
        if (out_.issues.size() < max_issues_) {
            out_.issues.push_back({std::move(code),
                                   severity,
                                   {b_.path, row, col},
                                   std::move(field),
                                   std::string(value),
                                   std::move(problem)});
        }
    }

private:
    [[nodiscard]] long column(Slot slot) const { return b_.column[slot] + 1; }

    void reject(long col, const std::string& code, const std::string& problem) {
        ++out_.loans_rejected;
        ++out_.rejected_by_code[code];
        issue(code, Severity::error, row_, col, "", "", "row rejected: " + problem);
    }

    void warn(Slot slot, const char* code, std::string_view value, std::string problem) {
        issue(code, Severity::warning, row_, column(slot), std::string(slot_fields[slot]), value,
              std::move(problem));
    }

    // ---- the fast path: nothing is reported, any doubt returns false before any change --------

    enum class Plain { missing, value, other };

    /// Missing (empty or a missing token), a value with no blank at either end (what
    /// trim_blanks leaves as it is), or something else.
    [[nodiscard]] Plain plain(std::string_view text) const {
        if (text.empty()) {
            return Plain::missing;
        }
        const auto first = static_cast<unsigned char>(text.front());
        if (b_.blank[first] || b_.blank[static_cast<unsigned char>(text.back())]) {
            return Plain::other;
        }
        return b_.token_start[first] && b_.is_missing(text) ? Plain::missing : Plain::value;
    }

    /// A plain ASCII value (no UTF-8 check needed); `dot` false rejects '.' (ids to normalise).
    [[nodiscard]] Plain plain_ascii(std::string_view text, bool dot) const {
        const Plain kind = plain(text);
        if (kind == Plain::value) {
            unsigned high = 0; // any byte >= 0x80: UTF-8 to check
            bool has_dot = false;
            for (const char c : text) {
                high |= static_cast<unsigned char>(c);
                has_dot = has_dot || c == '.';
            }
            if (high >= 0x80 || (!dot && has_dot)) {
                return Plain::other;
            }
        }
        return kind;
    }

    /// A mapped slot's plain text; false when the slot needs the general path.
    bool plain_text(const RowFields& row, Slot slot, std::optional<std::string_view>& value) const {
        if (!b_.mapped(slot)) {
            return true;
        }
        const auto text = row.text[slot];
        switch (plain_ascii(text, true)) {
        case Plain::missing:
            return true;
        case Plain::value:
            value = text;
            return true;
        case Plain::other:
            return false;
        }
        return false;
    }

    /// A non-negative amount written "1234", "1234.5" or "1234.56".
    bool plain_amount(const RowFields& row, Slot slot, std::optional<Amount>& value) const {
        if (!b_.mapped(slot)) {
            return true;
        }
        const auto text = row.text[slot];
        const Plain kind = plain(text);
        if (kind == Plain::missing) {
            return true;
        }
        if (kind == Plain::other || static_cast<unsigned>(text.front() - '0') > 9) {
            return false;
        }
        value = plain_cents(text);
        return value.has_value();
    }

    bool plain_days(const RowFields& row, std::optional<long>& value) const {
        if (!b_.mapped(s_overdue)) {
            return true;
        }
        const auto text = row.text[s_overdue];
        const Plain kind = plain(text);
        if (kind == Plain::missing) {
            return true;
        }
        if (kind == Plain::other || text.size() > 9) {
            return false;
        }
        long days = 0;
        for (const char c : text) {
            const auto digit = static_cast<unsigned>(c - '0');
            if (digit > 9) {
                return false;
            }
            days = days * 10 + static_cast<long>(digit);
        }
        value = days;
        return true;
    }

    bool plain_date(const RowFields& row, ParsedLoan& loan) const {
        if (!b_.mapped(s_date)) {
            return true;
        }
        const auto text = row.text[s_date];
        const Plain kind = plain(text);
        if (kind == Plain::missing) {
            return true;
        }
        int year = 0;
        unsigned month = 0;
        if (kind == Plain::other || !plain_iso_date(text, loan.day, year, month)) {
            return false;
        }
        loan.dated = true;
        loan.fiscal_year = year + (month > b_.fiscal_year_end ? 1 : 0);
        return plain_amount(row, s_amount, loan.amount);
    }

    bool plain_outreach(const RowFields& row, ParsedLoan& loan) const {
        if (b_.mapped(s_gender)) {
            const auto text = row.text[s_gender];
            const Plain kind = plain(text);
            if (kind == Plain::value) {
                if (text.size() == 6 && std::memcmp(text.data(), "female", 6) == 0) {
                    loan.gender = Gender::female;
                } else if (text.size() == 4 && std::memcmp(text.data(), "male", 4) == 0) {
                    loan.gender = Gender::male;
                } else {
                    return false;
                }
            } else if (kind == Plain::other) {
                return false;
            }
        }
        if (b_.mapped(s_rural)) {
            const auto text = row.text[s_rural];
            const Plain kind = plain(text);
            if (kind == Plain::value) {
                if (text.size() != 1 || (text[0] != '0' && text[0] != '1')) {
                    return false;
                }
                loan.rural = text[0] == '1';
            } else if (kind == Plain::other) {
                return false;
            }
        }
        return true;
    }

    /// The fast path; false (nothing changed) when the row needs the general path.
    bool add_plain(const RowFields& row) {
        if (b_.mapped(s_loan_id) && plain(row.text[s_loan_id]) != Plain::value) {
            return false;
        }
        const auto id = row.text[s_institution];
        if (plain_ascii(id, false) != Plain::value) {
            return false;
        }
        const std::uint32_t known = out_.find_institution(id);
        if (known != InstitutionIndex::none) {
            out_.prefetch(known);
        }
        ParsedLoan loan;
        std::optional<std::string_view> currency;
        if (!plain_text(row, s_country, loan.country) || !plain_text(row, s_currency, currency) ||
            !plain_amount(row, s_balance, loan.balance) || !plain_days(row, loan.days) ||
            !plain_date(row, loan) || !plain_outreach(row, loan)) {
            return false;
        }
        loan.currency = currency ? *currency : std::string_view(b_.default_currency);
        add_parsed(id, loan, known);
        return true;
    }

    // ---- the general path ----------------------------------------------------------------------

    /// A text value trimmed, nullopt when missing or not valid UTF-8 (reported).
    std::optional<std::string_view> text_value(const RowFields& row, Slot slot) {
        if (!b_.mapped(slot)) {
            return std::nullopt;
        }
        const auto text = trim_blanks(row.text[slot]);
        if (b_.is_missing(text)) {
            return std::nullopt;
        }
        if (!is_ascii(text)) {
            if (const auto bad = find_invalid_utf8(text)) {
                issue("invalid-encoding", Severity::error, row_, column(slot),
                      std::string(slot_fields[slot]), "",
                      fmt::format("bytes that are not valid UTF-8 at byte {}; treated as missing",
                                  bad->offset + 1));
                return std::nullopt;
            }
        }
        return text;
    }

    /// Reads the values in the order their problems are reported, then adds them.
    void add_loan(const RowFields& row, std::string_view raw_id) {
        if (raw_id.find('.') != std::string_view::npos) {
            id_buffer_ = normalise_id(raw_id); // "201.0" -> "201", as load_source does
            raw_id = id_buffer_;
        }
        ParsedLoan loan;
        loan.country = text_value(row, s_country);
        const auto currency = text_value(row, s_currency);
        loan.currency = currency ? *currency : std::string_view(b_.default_currency);
        loan.balance = amount(row, s_balance);
        loan.days = days_overdue(row);
        read_disbursement(row, loan);
        read_outreach(row, loan);
        add_parsed(raw_id, loan);
    }

    std::optional<Amount> amount(const RowFields& row, Slot slot) {
        const auto text = trim_blanks(row.text[slot]);
        if (!b_.mapped(slot) || b_.is_missing(text)) {
            return std::nullopt;
        }
        const auto value = parse_amount(text, b_.style);
        if (!value) {
            warn(slot, "not-a-number", text, "expected a number; treated as missing");
            return std::nullopt;
        }
        if (value->negative()) {
            warn(slot, "negative-value", text, "impossible negative value; treated as missing");
            return std::nullopt;
        }
        return value;
    }

    std::optional<long> days_overdue(const RowFields& row) {
        const auto text = trim_blanks(row.text[s_overdue]);
        if (!b_.mapped(s_overdue) || b_.is_missing(text)) {
            return std::nullopt;
        }
        long days = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, days);
        if (ec != std::errc{} || ptr != end) {
            const auto number = parse_number(text, b_.style);
            if (!number) {
                warn(s_overdue, "not-a-number", text, "expected a number; treated as missing");
                return std::nullopt;
            }
            if (*number != std::floor(*number) || std::fabs(*number) > 1e9) {
                warn(s_overdue, "not-a-whole-number", text,
                     "a count must be a whole number; treated as missing");
                return std::nullopt;
            }
            days = static_cast<long>(*number);
        }
        if (days < 0) {
            warn(s_overdue, "negative-value", text,
                 "impossible negative value; treated as missing");
            return std::nullopt;
        }
        return days;
    }

    void read_disbursement(const RowFields& row, ParsedLoan& loan) {
        const auto text = trim_blanks(row.text[s_date]);
        if (!b_.mapped(s_date) || b_.is_missing(text)) {
            return;
        }
        const auto date = parse_date(text, b_.date_format, b_.fiscal_year_end);
        if (!date) {
            warn(s_date, "bad-date", text,
                 "not a valid date in the column's format; treated as missing");
            return;
        }
        loan.dated = true;
        loan.day = date->days();
        // A fiscal year ending in June: a loan of August 2024 is in fiscal year 2025.
        loan.fiscal_year = date->year + (date->month > b_.fiscal_year_end ? 1 : 0);
        loan.amount = amount(row, s_amount);
    }

    void read_outreach(const RowFields& row, ParsedLoan& loan) {
        if (b_.mapped(s_gender)) {
            const auto text = text_value(row, s_gender);
            loan.gender = text ? classify_gender(*text) : Gender::unknown;
        }
        if (const auto text = text_value(row, s_rural)) {
            loan.rural = parse_flag(*text);
            if (!loan.rural) {
                warn(s_rural, "not-a-flag", *text,
                     "expected 1/0, yes/no or true/false; treated as missing");
            }
        }
    }

    // ---- adding up -----------------------------------------------------------------------------

    void add_parsed(std::string_view id, const ParsedLoan& loan,
                    std::uint32_t known = InstitutionIndex::none) {
        InstitutionAcc& inst = out_.institution(id, row_, known);
        note_country(inst, loan.country);
        CurrencyPart& part = inst.part(loan.currency, row_);
        LoanTotals& totals = part.totals;
        ++totals.loans_read;
        ++totals.loans_used;
        add_balance(loan, totals);
        add_disbursement(loan, part);
        add_outreach(loan, totals);
    }

    void note_country(InstitutionAcc& inst, std::optional<std::string_view> country) {
        if (!country) {
            return;
        }
        if (inst.country.empty()) {
            inst.country.assign(*country);
            inst.country_row = row_;
        } else if (inst.other_country.empty() && !same_text(inst.country, *country)) {
            inst.other_country.assign(*country);
            inst.other_country_row = row_;
        }
    }

    void add_balance(const ParsedLoan& loan, LoanTotals& totals) const {
        const auto& balance = loan.balance;
        if (!balance) {
            totals.balance_missing += b_.mapped(s_balance) ? 1 : 0;
            return;
        }
        balance->add_to(totals.gross_loan_portfolio);
        totals.loans_outstanding_n += balance->positive() ? 1 : 0;
        if (!loan.days) {
            totals.overdue_missing += balance->positive() ? 1 : 0;
            return;
        }
        balance->add_to(totals.par_base);
        if (*loan.days > 30) {
            balance->add_to(totals.par30_balance);
        }
        if (*loan.days > 90) {
            balance->add_to(totals.par90_balance);
        }
    }

    void add_disbursement(const ParsedLoan& loan, CurrencyPart& part) {
        if (!loan.dated) {
            return;
        }
        if (!out_.latest_day || loan.day > *out_.latest_day) {
            out_.latest_day = loan.day;
        }
        DisbursedYear& entry = part.year(loan.fiscal_year);
        ++entry.loans;
        if (loan.amount) {
            loan.amount->add_to(entry.value);
        } else {
            ++entry.value_missing;
        }
    }

    void add_outreach(const ParsedLoan& loan, LoanTotals& totals) const {
        if (b_.mapped(s_gender)) {
            totals.gender_known_loans += loan.gender != Gender::unknown ? 1 : 0;
            totals.gender_unknown_loans += loan.gender == Gender::unknown ? 1 : 0;
            totals.women_loans += loan.gender == Gender::female ? 1 : 0;
        }
        if (loan.rural) {
            ++totals.rural_known_loans;
            totals.rural_loans += *loan.rural ? 1 : 0;
        }
    }

    const Binding& b_;
    std::size_t max_issues_;
    ChunkResult& out_;
    long row_ = 0;
    std::string id_buffer_;
};

// ---- scanning the file -------------------------------------------------------------------------

/// Splits records in a buffer: a fast path for lines without quotes or lone CRs (delimiters
/// and the line end found 16 bytes at a time; quotes and CRs with memchr, positions cached),
/// a byte state machine for the rest (RFC 4180: quoted fields, doubled quotes, quoted line
/// breaks; LF, CRLF and CR record ends).
class RecordScanner {
public:
    /// With `all`, every field's text is also copied there (the header).
    explicit RecordScanner(const Binding& binding, std::vector<std::string>* all = nullptr)
        : b_(binding), all_(all), scratch_(std::max<std::size_t>(binding.header_size, 1) + 1) {}

    /// Forgets cached positions (after the buffer moved).
    void reset() { next_lf_ = next_quote_ = next_cr_ = -1; }

    /// Parses the record at `pos` of [data, data + size). Returns the position after it, or 0
    /// when the record is not complete and more bytes may follow (`eof` false).
    std::size_t record(const char* data, std::size_t pos, std::size_t size, bool eof,
                       RowFields& row, bool& syntax_problem) {
        find(data, pos, size, '"', next_quote_);
        find(data, pos, size, '\r', next_cr_);
        if (all_ == nullptr) {
            // No reset: a plain line sets every mapped slot of a row with the header's field
            // count, and other rows are rejected before any slot is read.
            if (const auto next = plain_line(data, pos, size, row)) {
                return next;
            }
            row = RowFields{};
            return general(data, pos, size, eof, row, syntax_problem);
        }
        row = RowFields{};
        find(data, pos, size, '\n', next_lf_);
        const auto lf = static_cast<std::size_t>(next_lf_);
        if (lf<size&& static_cast<std::size_t>(next_quote_)> lf) {
            const auto cr = static_cast<std::size_t>(next_cr_);
            if (cr > lf || (cr + 1 == lf && cr >= pos)) {
                split_line(data + pos, (cr + 1 == lf ? cr : lf) - pos, row);
                return lf + 1;
            }
        }
        return general(data, pos, size, eof, row, syntax_problem);
    }

private:
    static void find(const char* data, std::size_t pos, std::size_t size, char c, long& cache) {
        if (cache < static_cast<long>(pos)) {
            const void* hit = std::memchr(data + pos, c, size - pos);
            cache = hit == nullptr ? static_cast<long>(size)
                                   : static_cast<long>(static_cast<const char*>(hit) - data);
        }
    }

    void field(std::size_t index, std::string_view text, RowFields& row) const {
        if (all_ != nullptr) {
            all_->emplace_back(text);
        }
        if (index == 0) {
            row.blank = trim_blanks(text).empty();
        }
        if (index < b_.slots_of_column.size()) {
            for (std::uint16_t bits = b_.slots_of_column[index]; bits != 0;
                 bits = static_cast<std::uint16_t>(bits & (bits - 1))) {
                row.text[static_cast<std::size_t>(__builtin_ctz(bits))] = text;
            }
        }
    }

    /// A data field: its text goes to the lowest slot the column feeds (no branch: unread
    /// columns go to the extra entry); `copy_slots` fills the others.
    void put(std::size_t index, std::string_view text, RowFields& row) const {
        const auto& first = b_.first_slot_of_column;
        row.text[index < first.size() ? std::size_t{first[index]} : std::size_t{slot_count}] = text;
    }

    void copy_slots(RowFields& row) const {
        for (const auto& [slot, from] : b_.slot_copies) {
            row.text[slot] = row.text[from];
        }
    }

    /// The line at `pos` when it ends with LF or CRLF before any quote or lone CR: its fields
    /// into `row`, and the position after it; 0 otherwise (the state machine decides).
    std::size_t plain_line(const char* data, std::size_t pos, std::size_t size,
                           RowFields& row) const {
        std::size_t index = 0;
        std::size_t start = pos;
        std::size_t i = pos;
        const char delimiter = b_.delimiter;
        std::size_t lf = size;
#if defined(__SSE2__)
        const __m128i delimiters = _mm_set1_epi8(delimiter);
        const __m128i line_feeds = _mm_set1_epi8('\n');
        for (; i + 16 <= size && lf == size; i += 16) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
            const auto at_lf =
                static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, line_feeds)));
            auto at_delimiter =
                static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delimiters)));
            if (at_lf != 0) {
                const unsigned first = static_cast<unsigned>(__builtin_ctz(at_lf));
                at_delimiter &= (1U << first) - 1; // the delimiters before the line end
                lf = i + first;
            }
            for (; at_delimiter != 0; at_delimiter &= at_delimiter - 1) {
                const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(at_delimiter));
                put(index++, {data + start, at - start}, row);
                start = at + 1;
            }
        }
#endif
        for (; i < size && lf == size; ++i) {
            if (data[i] == delimiter) {
                put(index++, {data + start, i - start}, row);
                start = i + 1;
            } else if (data[i] == '\n') {
                lf = i;
            }
        }
        const auto quote = static_cast<std::size_t>(next_quote_);
        const auto cr = static_cast<std::size_t>(next_cr_);
        if (lf == size || quote < lf || (cr < lf && cr + 1 != lf)) {
            return 0;
        }
        const std::string_view last{data + start, (cr + 1 == lf ? cr : lf) - start};
        put(index++, last, row);
        copy_slots(row);
        row.fields = index;
        row.blank = index == 1 && trim_blanks(last).empty();
        return lf + 1;
    }

    void split_line(const char* line, std::size_t length, RowFields& row) const {
        const char delimiter = b_.delimiter;
        std::size_t start = 0;
        std::size_t index = 0;
        for (std::size_t i = 0; i < length; ++i) {
            if (line[i] == delimiter) {
                field(index++, {line + start, i - start}, row);
                start = i + 1;
            }
        }
        field(index++, {line + start, length - start}, row);
        row.fields = index;
        row.blank = row.blank && index == 1;
    }

    /// The state machine; `pos` is at a record start.
    std::size_t general(const char* data, std::size_t pos, std::size_t size, bool eof,
                        RowFields& row, bool& syntax_problem) {
        std::size_t index = 0;
        std::size_t i = pos;
        while (true) {
            std::string_view text;
            if (i < size && data[i] == '"') {
                const auto closed = quoted(data, i, size, eof, index, text, syntax_problem);
                if (closed == 0) {
                    return 0;
                }
                i = closed;
            } else {
                const std::size_t start = i;
                while (i < size && data[i] != b_.delimiter && data[i] != '\n' && data[i] != '\r') {
                    ++i;
                }
                if (i == size && !eof) {
                    return 0;
                }
                text = {data + start, i - start};
            }
            field(index++, text, row);
            if (i < size && data[i] == b_.delimiter) {
                ++i;
                continue;
            }
            row.fields = index;
            row.blank = row.blank && index == 1;
            if (i >= size) {
                return size;
            }
            if (data[i] == '\r') {
                if (i + 1 == size && !eof) {
                    return 0; // a CRLF cut between blocks
                }
                return i + 1 < size && data[i + 1] == '\n' ? i + 2 : i + 1;
            }
            return i + 1;
        }
    }

    /// A quoted field at `i`: its text (unescaped into scratch when it has doubled quotes) and
    /// the position after it; 0 when incomplete.
    std::size_t quoted(const char* data, std::size_t i, std::size_t size, bool eof,
                       std::size_t index, std::string_view& text, bool& syntax_problem) {
        std::string& scratch = scratch_[std::min(index, scratch_.size() - 1)];
        scratch.clear();
        bool escaped = false;
        std::size_t start = i + 1;
        std::size_t j = start;
        while (true) {
            const void* hit = std::memchr(data + j, '"', size - j);
            if (hit == nullptr) {
                if (!eof) {
                    return 0;
                }
                syntax_problem = true; // unterminated quote: the rest of the file
                scratch.append(data + start, size - start);
                text = scratch;
                return size;
            }
            const auto q = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
            if (q + 1 == size && !eof) {
                return 0; // is it a doubled quote? the next block tells
            }
            if (q + 1 < size && data[q + 1] == '"') {
                scratch.append(data + start, q + 1 - start);
                escaped = true;
                start = j = q + 2;
                continue;
            }
            scratch.append(data + start, q - start);
            text = escaped ? std::string_view(scratch) : std::string_view(data + i + 1, q - i - 1);
            return after_quote(data, q + 1, size, eof, text, scratch, syntax_problem);
        }
    }

    /// Text after a closing quote ("ab"cd) is kept as written and reported.
    std::size_t after_quote(const char* data, std::size_t i, std::size_t size, bool eof,
                            std::string_view& text, std::string& scratch, bool& syntax_problem) {
        std::size_t j = i;
        while (j < size && data[j] != b_.delimiter && data[j] != '\n' && data[j] != '\r') {
            ++j;
        }
        if (j == size && !eof) {
            return 0;
        }
        if (j != i) {
            syntax_problem = true;
            if (text.data() != scratch.data()) {
                scratch.assign(text);
            }
            scratch.append(data + i, j - i);
            text = scratch;
        }
        return j;
    }

    const Binding& b_;
    std::vector<std::string>* all_;
    std::vector<std::string> scratch_;
    long next_lf_ = -1;
    long next_quote_ = -1;
    long next_cr_ = -1;
};

/// A file descriptor closed on destruction.
class File {
public:
    explicit File(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~File() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    File(File&&) = delete;
    File& operator=(File&&) = delete;
    [[nodiscard]] int fd() const { return fd_; }

private:
    int fd_;
};

/// A record longer than `[limits] max_record_bytes`: the buffer would have to grow past it.
struct RecordTooLong {
    std::uint64_t offset = 0; ///< file offset where the record starts
    std::size_t limit = 0;
    long row = 0; ///< its row when known (0: the second thread's rows are numbered later)
};

/// Reads [offset, ...) of a file in blocks, keeping the unfinished record at the front.
class BlockReader {
public:
    BlockReader(int fd, std::uint64_t offset, std::uint64_t file_size, std::size_t block,
                std::size_t max_record)
        : fd_(fd), file_size_(file_size), next_read_(offset),
          buffer_(std::max<std::size_t>(block, 64)), max_record_(max_record) {}

    /// Moves [from, end) to the front and reads more. False on a read error (errno set).
    /// Throws RecordTooLong when one record would not fit in max_record bytes (a hostile
    /// single-line file must not take the memory).
    bool refill(std::size_t from) {
        const std::size_t keep = end_ - from;
        if (from == 0 && end_ == buffer_.size()) {
            if (buffer_.size() >= max_record_) {
                throw RecordTooLong{base_, max_record_};
            }
            buffer_.resize(buffer_.size() * 2); // one record longer than a block
        } else if (keep != 0) {
            std::memmove(buffer_.data(), buffer_.data() + from, keep);
        }
        base_ += from;
        end_ = keep;
        while (end_ < buffer_.size() && next_read_ < file_size_) {
            const ssize_t got = ::pread(fd_, buffer_.data() + end_, buffer_.size() - end_,
                                        static_cast<off_t>(next_read_));
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                return got == 0; // a file that shrank: what was read is all there is
            }
            end_ += static_cast<std::size_t>(got);
            next_read_ += static_cast<std::uint64_t>(got);
        }
        return true;
    }
    [[nodiscard]] const char* data() const { return buffer_.data(); }
    [[nodiscard]] std::size_t size() const { return end_; }
    [[nodiscard]] bool eof() const { return next_read_ >= file_size_; }
    /// The file offset of buffer position `pos`.
    [[nodiscard]] std::uint64_t offset(std::size_t pos) const { return base_ + pos; }
    void start_at(std::uint64_t offset) { base_ = offset; }

private:
    int fd_;
    std::uint64_t file_size_;
    std::uint64_t next_read_;
    std::uint64_t base_ = 0;
    std::vector<char> buffer_;
    std::size_t max_record_;
    std::size_t end_ = 0;
};

/// Where a chunk's parser starts and stops.
struct ChunkPlan {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;      ///< stop at the first record starting at or after it
    long first_row = 0;         ///< row number of the first record
    bool continue_past = false; ///< chunk 0 of a split: on crossing `end`, go on to the end
    std::atomic<bool>* cancel = nullptr;
};

struct ChunkContext {
    const Binding& binding;
    const LoanOptions& options;
    int fd;
    std::uint64_t file_size;
    std::size_t max_record; ///< [limits] max_record_bytes of the source
};

void parse_chunk(const ChunkContext& context, ChunkPlan plan, ChunkResult& out) {
    BlockReader reader(context.fd, plan.begin, context.file_size, context.options.block_size,
                       context.max_record);
    reader.start_at(plan.begin);
    RecordScanner scanner(context.binding);
    RowAggregator aggregator(context.binding, context.options.max_issues, out);
    RowFields row;
    long row_number = plan.first_row;
    std::size_t pos = 0;
    if (!reader.refill(0)) {
        throw std::system_error(errno, std::generic_category(), context.binding.path);
    }
    scanner.reset();
    while (true) {
        if (reader.offset(pos) >= plan.end) {
            if (reader.offset(pos) == plan.end || !plan.continue_past) {
                break;
            }
            out.crossed = true; // a quoted line break spans the split: read on serially
            plan.cancel->store(true);
            plan.end = context.file_size;
            continue;
        }
        bool syntax = false;
        const std::size_t next =
            scanner.record(reader.data(), pos, reader.size(), reader.eof(), row, syntax);
        if (next == 0) {
            if (plan.cancel != nullptr && !plan.continue_past && plan.cancel->load()) {
                out.cancelled = true; // chunk 0 found the split inside quotes: not needed
                break;
            }
            try {
                if (!reader.refill(pos)) {
                    throw std::system_error(errno, std::generic_category(), context.binding.path);
                }
            } catch (RecordTooLong& too_long) {
                too_long.row = plan.first_row != 0 ? row_number : 0;
                throw;
            }
            pos = 0;
            scanner.reset();
            continue;
        }
        if (syntax) {
            aggregator.issue("csv-syntax", Severity::warning, row_number, 0, "", "",
                             "malformed quoting (text after a closing quote, or a quote never "
                             "closed); the record is read as written");
        }
        aggregator.add(row, row_number);
        ++row_number;
        pos = next;
    }
    out.next_row = row_number;
}

// ---- the header --------------------------------------------------------------------------------

struct Header {
    std::vector<std::string> names;
    std::uint64_t data_start = 0; ///< file offset of the first data record
};

/// Reads the header record (after a UTF-8 byte order mark) with the same scanner.
std::optional<Header> read_header(int fd, std::uint64_t file_size, const SourceSpec& source,
                                  const std::string& path, Diagnostics& diagnostics) {
    Binding raw;
    raw.delimiter = source.delimiter;
    BlockReader reader(fd, 0, file_size, std::size_t{64} * 1024, source.limits.max_record_bytes);
    if (!reader.refill(0)) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot read: {}", std::strerror(errno)));
        return std::nullopt;
    }
    std::size_t pos = 0;
    if (reader.size() >= 3 && std::memcmp(reader.data(), "\xEF\xBB\xBF", 3) == 0) {
        pos = 3;
    }
    Header header;
    RecordScanner scanner(raw, &header.names);
    while (reader.size() > pos) {
        scanner.reset();
        header.names.clear();
        RowFields ignored;
        bool syntax = false;
        const std::size_t next =
            scanner.record(reader.data(), pos, reader.size(), reader.eof(), ignored, syntax);
        if (next != 0) {
            header.data_start = reader.offset(next);
            if (header.names.size() == 1 && trim_blanks(header.names[0]).empty()) {
                break;
            }
            return header;
        }
        if (!reader.refill(pos)) {
            break;
        }
        pos = 0;
    }
    diagnostics.error({path, 1, 0}, "empty data file: expected a header row with column names");
    return std::nullopt;
}

/// What the output can say given the mapping: unmapped columns give missing cells, never 0.
void describe_mapping(const Binding& binding, const SourceSpec& source, LoanPortfolio& out) {
    out.amount_mapped = binding.mapped(s_balance);
    out.par_mapped = binding.mapped(s_balance) && binding.mapped(s_overdue);
    out.gender_mapped = binding.mapped(s_gender);
    out.rural_mapped = binding.mapped(s_rural);
    out.dates_mapped = binding.mapped(s_date);
    const auto scale = [&](std::string_view field) {
        const ColumnMapping* mapping = source.mapping(field);
        return mapping == nullptr ? 1.0 : mapping->scale / (mapping->percent ? 100.0 : 1.0);
    };
    out.amount_scale = scale("outstanding_balance");
    out.loan_amount_scale = scale("loan_amount");
}

// ---- a non-UTF-8 file: CsvReader decodes it (slower) -------------------------------------------

void parse_with_csv_reader(const Binding& binding, const LoanOptions& options, CsvReader& reader,
                           ChunkResult& out) {
    RowAggregator aggregator(binding, options.max_issues, out);
    CsvRecord record;
    Diagnostics problems;
    RowFields row;
    long last_row = 1;
    while (reader.next(record, problems)) {
        for (const auto& problem : problems.items()) {
            aggregator.issue(problem.code.empty() ? "csv-syntax" : problem.code, problem.severity,
                             problem.where.line, problem.where.column, "", "", problem.message);
        }
        problems = Diagnostics{};
        row = RowFields{};
        row.fields = record.fields.size();
        row.blank = row.fields == 1 && trim_blanks(record.fields[0]).empty();
        for (std::size_t slot = 0; slot < slot_count; ++slot) {
            const long column = binding.column[slot];
            if (column >= 0 && static_cast<std::size_t>(column) < record.fields.size()) {
                row.text[slot] = record.fields[static_cast<std::size_t>(column)];
            }
        }
        aggregator.add(row, record.row);
        last_row = record.row;
    }
    out.next_row = last_row + 1;
}

// ---- merging chunks ----------------------------------------------------------------------------

/// An institution across chunks, before its currencies are checked.
struct MergedInstitution {
    long first_row = 0;
    std::string country;
    long country_row = 0;
    std::string other_country;
    long other_country_row = 0;
    std::vector<CurrencyPart> parts;
};

void merge_parts(std::vector<CurrencyPart>& into, std::vector<CurrencyPart>& from, long offset) {
    for (auto& part : from) {
        const auto same = std::find_if(into.begin(), into.end(), [&](const CurrencyPart& p) {
            return p.currency == part.currency;
        });
        if (same == into.end()) {
            part.first_row += offset;
            into.push_back(std::move(part));
            continue;
        }
        same->totals.add(part.totals);
        for (const auto& year : part.disbursed) {
            DisbursedYear& entry = same->settled_year(year.year);
            entry.loans += year.loans;
            entry.value.add(year.value);
            entry.value_missing += year.value_missing;
        }
    }
}

/// Adds a chunk's institution: its country (the first written, and the first different one, in
/// file order) and its currency parts.
void merge_institution(MergedInstitution& into, InstitutionAcc& from, long offset, bool fresh) {
    if (fresh) {
        into.first_row = from.first_row + offset;
    }
    const auto differs = [&](const std::string& country) {
        return !country.empty() && country != into.country;
    };
    if (into.country.empty()) {
        into.country = from.country;
        into.country_row = from.country_row + offset;
    } else if (into.other_country.empty() && differs(from.country)) {
        into.other_country = from.country;
        into.other_country_row = from.country_row + offset;
    }
    if (into.other_country.empty() && differs(from.other_country)) {
        into.other_country = from.other_country;
        into.other_country_row = from.other_country_row + offset;
    }
    auto parts = from.take_parts();
    merge_parts(into.parts, parts, offset);
}

struct Merger {
    const Binding& binding;
    const LoanOptions& options;
    LoanPortfolio& out;
    std::vector<QualityIssue> issues;

    void issue(const char* code, Severity severity, long row, long column, std::string field,
               std::string value, std::string problem) {
        ++out.issues_by_code[code];
        issues.push_back({code,
                          severity,
                          {binding.path, row, column},
                          std::move(field),
                          std::move(value),
                          std::move(problem)});
    }

    /// The institution's first currency keeps its loans; loans in others are rejected.
    void check_currencies(const std::string& id, MergedInstitution& merged,
                          InstitutionLoans& inst) {
        inst.currency = merged.parts.front().currency;
        inst.totals = merged.parts.front().totals;
        inst.disbursed = merged.parts.front().disbursed;
        if (merged.parts.size() == 1) {
            return;
        }
        long rejected = 0;
        for (std::size_t k = 1; k < merged.parts.size(); ++k) {
            rejected += merged.parts[k].totals.loans_read;
        }
        const CurrencyPart& other = merged.parts[1];
        const long column = binding.column[s_currency] + 1;
        issue("mixed-currency", Severity::error, other.first_row, column, "currency",
              other.currency,
              fmt::format("institution '{}' has loans in '{}' (from row {}) and in other "
                          "currencies: amounts in two currencies cannot be summed; its {} loans "
                          "not in '{}' are rejected",
                          id, inst.currency, merged.parts.front().first_row, rejected,
                          inst.currency));
        inst.totals.loans_rejected += rejected;
        out.stats.rows_rejected += rejected;
        out.stats.rows_used -= rejected;
        out.stats.rejected_by_code["mixed-currency"] += rejected;
    }

    void resolve_country(const std::string& id, const MergedInstitution& merged,
                         InstitutionLoans& inst) {
        const long column = binding.column[s_country] + 1;
        if (!merged.other_country.empty()) {
            issue("mixed-country", Severity::warning, merged.other_country_row, column,
                  "country_iso3", merged.other_country,
                  fmt::format("institution '{}' was in '{}' (row {}); the first country is kept",
                              id, merged.country, merged.country_row));
        }
        inst.country_iso3 = merged.country;
        if (merged.country.empty() || options.countries == nullptr || !*options.countries) {
            return;
        }
        const std::string code = binding.country_code;
        if (const auto match = (*options.countries)(merged.country, code)) {
            inst.country_iso3 = match->iso3;
        } else {
            issue("unknown-country", Severity::warning, merged.country_row, column, "country_iso3",
                  merged.country,
                  fmt::format("not a country of the reference table (as {})", code));
        }
    }

    void finish(std::map<std::string, MergedInstitution>& merged) {
        for (auto& [id, institution] : merged) {
            InstitutionLoans inst;
            inst.institution_id = id;
            inst.first_row = institution.first_row;
            check_currencies(id, institution, inst);
            resolve_country(id, institution, inst);
            out.total.add(inst.totals);
            out.institutions.push_back(std::move(inst));
        }
    }
};

void merge_chunks(std::vector<ChunkResult>& chunks, const Binding& binding,
                  const LoanOptions& options, LoanPortfolio& out) {
    Merger merger{binding, options, out, {}};
    std::map<std::string, MergedInstitution> merged;
    long offset = 0;
    for (auto& chunk : chunks) {
        for (auto& institution : chunk.institutions) {
            const auto [it, fresh] = merged.try_emplace(institution.id);
            merge_institution(it->second, institution, offset, fresh);
        }
        for (auto& issue : chunk.issues) {
            issue.where.line += offset;
            merger.issues.push_back(std::move(issue));
        }
        for (const auto& [code, count] : chunk.issues_by_code) {
            out.issues_by_code[code] += count;
        }
        out.stats.rows_read += chunk.loans_read;
        out.stats.rows_rejected += chunk.loans_rejected;
        for (const auto& [code, count] : chunk.rejected_by_code) {
            out.stats.rejected_by_code[code] += count;
        }
        if (chunk.latest_day) {
            const Date date = Date::from_days(*chunk.latest_day);
            const int year = date.year + (date.month > binding.fiscal_year_end ? 1 : 0);
            out.latest_fiscal_year = std::max(out.latest_fiscal_year.value_or(year), year);
        }
        offset = chunk.next_row; // chunk 1 counts its rows from 0
    }
    out.stats.rows_used = out.stats.rows_read - out.stats.rows_rejected;
    merger.finish(merged);
    // Rejected rows of an institution are counted in the file's totals, not its own.
    std::stable_sort(merger.issues.begin(), merger.issues.end(),
                     [](const QualityIssue& a, const QualityIssue& b) {
                         return std::tie(a.where.line, a.where.column) <
                                std::tie(b.where.line, b.where.column);
                     });
    if (merger.issues.size() > options.max_issues) {
        merger.issues.resize(options.max_issues);
    }
    out.issues = std::move(merger.issues);
    for (const auto& [code, count] : out.issues_by_code) {
        out.issues_total += count;
    }
}

// ---- the run -----------------------------------------------------------------------------------

/// The first record start after the file's midpoint (after an LF); nullopt if there is none
/// near it.
std::optional<std::uint64_t> split_point(int fd, std::uint64_t begin, std::uint64_t size) {
    const std::uint64_t middle = begin + (size - begin) / 2;
    std::vector<char> window(std::size_t{1} << 20);
    const ssize_t got = ::pread(fd, window.data(), window.size(), static_cast<off_t>(middle));
    if (got <= 0) {
        return std::nullopt;
    }
    const void* lf = std::memchr(window.data(), '\n', static_cast<std::size_t>(got));
    if (lf == nullptr) {
        return std::nullopt;
    }
    const auto split =
        middle + static_cast<std::uint64_t>(static_cast<const char*>(lf) - window.data()) + 1;
    return split < size ? std::optional<std::uint64_t>{split} : std::nullopt;
}

/// Runs `work` on a thread; an exception is carried back to the caller.
class Worker {
public:
    template <typename Work>
    explicit Worker(Work work)
        : thread_([this, work = std::move(work)]() {
              try {
                  work();
              } catch (...) {
                  error_ = std::current_exception();
              }
          }) {}
    void finish() {
        thread_.join();
        if (error_) {
            std::rethrow_exception(error_);
        }
    }

private:
    std::exception_ptr error_;
    std::jthread thread_;
};

std::vector<ChunkResult> parse_file(const ChunkContext& context, std::uint64_t data_start,
                                    LoanPortfolio& out) {
    std::vector<ChunkResult> chunks(1);
    const std::uint64_t size = context.file_size;
    std::optional<std::uint64_t> split;
    if (context.options.jobs >= 2 && size - data_start >= context.options.parallel_threshold &&
        size > data_start) {
        split = split_point(context.fd, data_start, size);
    }
    if (!split) {
        parse_chunk(context, {data_start, size, 2, false, nullptr}, chunks[0]);
        return chunks;
    }
    std::atomic<bool> cancel{false};
    chunks.resize(2);
    Worker second([&] { parse_chunk(context, {*split, size, 0, false, &cancel}, chunks[1]); });
    try {
        parse_chunk(context, {data_start, *split, 2, true, &cancel}, chunks[0]);
    } catch (...) {
        cancel.store(true);
        second.finish();
        throw;
    }
    second.finish();
    out.threads_used = 2;
    if (chunks[0].crossed) {
        out.split_fallback = true; // chunk 0 read on to the end: chunk 1 started mid-record
        chunks.resize(1);
    }
    return chunks;
}

std::optional<LoanPortfolio> aggregate_csv(const SourceSpec& source, const LoanOptions& options,
                                           Diagnostics& diagnostics, LoanPortfolio& out) {
    const File file(source.path);
    struct stat info {};
    if (file.fd() < 0 || ::fstat(file.fd(), &info) != 0) {
        diagnostics.error(
            {source.path, 0, 0}, fmt::format("cannot open data file: {}", std::strerror(errno)),
            fmt::format("source '{}' is declared at {}:{}:{}; 'path' is relative "
                        "to the config file",
                        source.name, source.where.file, source.where.line, source.where.column));
        return std::nullopt;
    }
    const auto size = static_cast<std::uint64_t>(info.st_size);
    out.bytes = size;
    const auto header = read_header(file.fd(), size, source, source.path, diagnostics);
    if (!header) {
        return std::nullopt;
    }
    const auto binding = bind_columns(source, source.path, header->names, diagnostics);
    if (!binding) {
        return std::nullopt;
    }
    describe_mapping(*binding, source, out);
    const ChunkContext context{*binding, options, file.fd(), size, source.limits.max_record_bytes};
    auto chunks = parse_file(context, header->data_start, out);
    merge_chunks(chunks, *binding, options, out);
    return std::move(out);
}

std::optional<LoanPortfolio> aggregate_decoded(const SourceSpec& source, Encoding encoding,
                                               const LoanOptions& options, Diagnostics& diagnostics,
                                               LoanPortfolio& out) {
    CsvOptions csv;
    csv.delimiter = source.delimiter;
    csv.encoding = encoding;
    csv.limits = source.limits;
    auto reader = CsvReader::open(source.path, csv, diagnostics);
    if (!reader) {
        return std::nullopt;
    }
    CsvRecord header;
    if (!reader->next(header, diagnostics)) {
        diagnostics.error({source.path, 1, 0},
                          "empty data file: expected a header row with column names");
        return std::nullopt;
    }
    const auto binding = bind_columns(source, source.path, header.fields, diagnostics);
    if (!binding) {
        return std::nullopt;
    }
    describe_mapping(*binding, source, out);
    out.csv_reader_path = true;
    std::vector<ChunkResult> chunks(1);
    parse_with_csv_reader(*binding, options, *reader, chunks[0]);
    merge_chunks(chunks, *binding, options, out);
    return std::move(out);
}

} // namespace

std::optional<LoanPortfolio> aggregate_loans(const SourceSpec& source, const LoanOptions& options,
                                             Diagnostics& diagnostics) {
    if (source.record != RecordKind::loan || source.format != "csv") {
        diagnostics.error(source.where,
                          fmt::format("source '{}' is not a CSV loan source (record = \"loan\", "
                                      "format = \"csv\")",
                                      source.name));
        return std::nullopt;
    }
    LoanPortfolio out;
    out.path = source.path;
    out.stats = {source.name, source.path, 0, 0, 0, {}};
    const Encoding encoding = parse_encoding(source.encoding).value_or(Encoding::utf8);
    if (encoding != Encoding::utf8) {
        return aggregate_decoded(source, encoding, options, diagnostics, out);
    }
    try {
        return aggregate_csv(source, options, diagnostics, out);
    } catch (const RecordTooLong& error) {
        diagnostics.error({source.path, error.row, error.row != 0 ? 1 : 0},
                          fmt::format("input-limit: the record at byte {} is longer than the "
                                      "limit of {} bytes (limits.max_record_bytes): expected at "
                                      "most {} bytes, found more; the file is not read further",
                                      error.offset, error.limit, error.limit),
                          "raise [limits] max_record_bytes if such records are expected");
        return std::nullopt;
    } catch (const std::system_error& error) {
        diagnostics.error({source.path, 0, 0}, fmt::format("cannot read: {}", error.what()));
        return std::nullopt;
    }
}

LoanRatio par_ratio(const LoanPortfolio& portfolio, const LoanTotals& totals, int days) {
    if (!portfolio.par_mapped) {
        return {std::nullopt, "outstanding_balance or days_overdue not mapped"};
    }
    if (totals.par_base.value() <= 0.0) {
        return {std::nullopt, "no outstanding balance with known days overdue"};
    }
    const AmountSum& part = days >= 90 ? totals.par90_balance : totals.par30_balance;
    return {part.value() / totals.par_base.value(), {}};
}

LoanRatio women_share(const LoanPortfolio& portfolio, const LoanTotals& totals) {
    if (!portfolio.gender_mapped) {
        return {std::nullopt, "borrower_gender not mapped"};
    }
    if (totals.gender_known_loans == 0) {
        return {std::nullopt, "no loan with a known gender"};
    }
    return {static_cast<double>(totals.women_loans) /
                static_cast<double>(totals.gender_known_loans),
            {}};
}

LoanRatio rural_share(const LoanPortfolio& portfolio, const LoanTotals& totals) {
    if (!portfolio.rural_mapped) {
        return {std::nullopt, "rural not mapped"};
    }
    if (totals.rural_known_loans == 0) {
        return {std::nullopt, "no loan with a known rural flag"};
    }
    return {static_cast<double>(totals.rural_loans) / static_cast<double>(totals.rural_known_loans),
            {}};
}

std::optional<int> portfolio_year(const LoanPortfolio& portfolio, std::optional<int> year) {
    return year ? year : portfolio.latest_fiscal_year;
}

namespace {

std::string ratio_cell(const LoanRatio& ratio) {
    return ratio.value ? fmt::format("{}", *ratio.value) : std::string();
}

/// A CSV cell: quoted when it holds a delimiter, quote or line break.
std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
        return text;
    }
    std::string out = "\"";
    for (const char c : text) {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    return out + "\"";
}

std::string portfolio_row(const LoanPortfolio& p, const InstitutionLoans& inst,
                          std::optional<int> year) {
    const LoanTotals& t = inst.totals;
    // A sum is known when at least one loan fed its base (a PAR of 0.00 is a value).
    const auto amount = [&](const AmountSum& sum, const AmountSum& base, bool mapped) {
        return mapped && base.any ? sum.text(p.amount_scale) : std::string();
    };
    const DisbursedYear* disbursed = nullptr;
    for (const auto& entry : inst.disbursed) {
        disbursed = year && entry.year == *year ? &entry : disbursed;
    }
    const bool flows = p.dates_mapped && year.has_value();
    const std::string disbursed_n =
        flows ? fmt::format("{}", disbursed != nullptr ? disbursed->loans : 0) : "";
    std::string disbursed_value;
    if (flows) {
        disbursed_value = disbursed == nullptr   ? "0.00"
                          : disbursed->value.any ? disbursed->value.text(p.loan_amount_scale)
                                                 : std::string();
    }
    const bool balances = p.amount_mapped;
    return fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_cell(inst.institution_id),
        csv_cell(inst.country_iso3), csv_cell(inst.currency), year ? fmt::format("{}", *year) : "",
        balances ? fmt::format("{}", t.loans_outstanding_n) : "",
        amount(t.gross_loan_portfolio, t.gross_loan_portfolio, balances),
        amount(t.par30_balance, t.par_base, p.par_mapped),
        amount(t.par90_balance, t.par_base, p.par_mapped), ratio_cell(par_ratio(p, t, 30)),
        ratio_cell(par_ratio(p, t, 90)), disbursed_n, disbursed_value,
        p.gender_mapped ? fmt::format("{}", t.women_loans) : "",
        p.gender_mapped ? fmt::format("{}", t.gender_known_loans) : "",
        ratio_cell(women_share(p, t)), p.rural_mapped ? fmt::format("{}", t.rural_loans) : "",
        p.rural_mapped ? fmt::format("{}", t.rural_known_loans) : "", ratio_cell(rural_share(p, t)),
        fmt::format("{}", t.loans_used));
}

} // namespace

std::string portfolio_to_csv(const LoanPortfolio& portfolio, std::optional<int> fiscal_year) {
    std::string out =
        "institution_id,country_iso3,currency,fiscal_year,loans_outstanding_n,"
        "gross_loan_portfolio,par30_balance,par90_balance,par30_ratio,par90_ratio,"
        "loans_disbursed_n,loans_disbursed_value,women_loans,gender_known_loans,women_share,"
        "rural_loans,rural_known_loans,rural_share,loans_used\n";
    const auto year = portfolio_year(portfolio, fiscal_year);
    for (const auto& inst : portfolio.institutions) {
        out += portfolio_row(portfolio, inst, year);
    }
    return out;
}

} // namespace sfp
