#pragma once
/// A column of numbers that may be missing, in 8 bytes a value.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <vector>

namespace sfp {

/// The values of a numeric field, one per record, each a number or missing. It reads and writes
/// like a `std::vector<std::optional<double>>` (elements are `std::optional<double>` values), but
/// keeps a plain double per record and writes "missing" as one NaN bit pattern: 8 bytes a value
/// where the optional takes 16 (a 2,000 x 15 panel's 60 numeric columns held 28 MB, about a
/// fifth of a report's peak memory). A NaN given as a value stays a NaN, never becomes missing:
/// the one pattern that means missing is replaced by the ordinary quiet NaN.
class NumberColumn {
public:
    using value_type = std::optional<double>;
    using size_type = std::size_t;
    using difference_type = std::ptrdiff_t;

    /// Where an element is written: `column[r] = std::nullopt`, `column[r] = 3.5`.
    class Reference {
    public:
        Reference& operator=(const std::optional<double>& value) {
            *slot_ = encode(value);
            return *this;
        }
        Reference& operator=(const Reference& other) {
            *slot_ = *other.slot_;
            return *this;
        }
        Reference(const Reference&) = default;
        Reference(Reference&&) = default;
        Reference& operator=(Reference&& other) { return *this = other; }
        ~Reference() = default;
        operator std::optional<double>() const { return decode(*slot_); } // NOLINT: a reference
        [[nodiscard]] bool has_value() const { return !is_missing(*slot_); }
        explicit operator bool() const { return has_value(); }
        [[nodiscard]] double operator*() const { return *slot_; }
        [[nodiscard]] double value() const { return decode(*slot_).value(); }
        [[nodiscard]] double value_or(double otherwise) const {
            return has_value() ? *slot_ : otherwise;
        }
        friend bool operator==(const Reference& a, const std::optional<double>& b) {
            return std::optional<double>(a) == b;
        }
        friend bool operator==(const Reference& a, std::nullopt_t) { return !a.has_value(); }

    private:
        friend class NumberColumn;
        explicit Reference(double* slot) : slot_(slot) {}
        double* slot_;
    };

    /// Reads the elements as `std::optional<double>` values.
    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = std::optional<double>;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::optional<double>;

        const_iterator() = default;
        std::optional<double> operator*() const { return decode(*at_); }
        std::optional<double> operator[](difference_type n) const { return decode(at_[n]); }
        const_iterator& operator++() {
            ++at_;
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator before = *this;
            ++at_;
            return before;
        }
        const_iterator& operator--() {
            --at_;
            return *this;
        }
        const_iterator operator--(int) {
            const_iterator before = *this;
            --at_;
            return before;
        }
        const_iterator& operator+=(difference_type n) {
            at_ += n;
            return *this;
        }
        const_iterator& operator-=(difference_type n) {
            at_ -= n;
            return *this;
        }
        friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
        friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
        friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const_iterator a, const_iterator b) {
            return a.at_ - b.at_;
        }
        friend bool operator==(const_iterator a, const_iterator b) { return a.at_ == b.at_; }
        friend auto operator<=>(const_iterator a, const_iterator b) { return a.at_ <=> b.at_; }

    private:
        friend class NumberColumn;
        explicit const_iterator(const double* at) : at_(at) {}
        const double* at_ = nullptr;
    };
    using iterator = const_iterator;

    NumberColumn() = default;
    /// `size` missing values.
    explicit NumberColumn(std::size_t size) : values_(size, missing_value()) {}
    NumberColumn(std::size_t size, const std::optional<double>& value)
        : values_(size, encode(value)) {}
    NumberColumn(std::initializer_list<std::optional<double>> values) {
        values_.reserve(values.size());
        for (const auto& value : values) {
            values_.push_back(encode(value));
        }
    }
    template <std::input_iterator Iterator> NumberColumn(Iterator first, Iterator last) {
        for (; first != last; ++first) {
            push_back(*first);
        }
    }

    [[nodiscard]] std::size_t size() const { return values_.size(); }
    [[nodiscard]] bool empty() const { return values_.empty(); }
    void reserve(std::size_t size) { values_.reserve(size); }
    void clear() { values_.clear(); }
    void shrink_to_fit() { values_.shrink_to_fit(); }
    /// Grows with missing values (or `value`), or drops the last ones.
    void resize(std::size_t size, const std::optional<double>& value = std::nullopt) {
        values_.resize(size, encode(value));
    }
    void push_back(const std::optional<double>& value) { values_.push_back(encode(value)); }
    void emplace_back() { push_back(std::nullopt); }
    void emplace_back(const std::optional<double>& value) { push_back(value); }
    void pop_back() { values_.pop_back(); }

    std::optional<double> operator[](std::size_t index) const { return decode(values_[index]); }
    Reference operator[](std::size_t index) { return Reference(&values_[index]); }
    [[nodiscard]] std::optional<double> at(std::size_t index) const {
        return decode(values_.at(index));
    }
    Reference at(std::size_t index) { return Reference(&values_.at(index)); }
    [[nodiscard]] std::optional<double> front() const { return decode(values_.front()); }
    [[nodiscard]] std::optional<double> back() const { return decode(values_.back()); }
    Reference front() { return Reference(&values_.front()); }
    Reference back() { return Reference(&values_.back()); }

    /// Whether record `index` has a value, and the value (only when it has one).
    [[nodiscard]] bool has_value(std::size_t index) const { return !is_missing(values_[index]); }
    [[nodiscard]] double value(std::size_t index) const { return values_[index]; }

    [[nodiscard]] const_iterator begin() const { return const_iterator(values_.data()); }
    [[nodiscard]] const_iterator end() const {
        return const_iterator(values_.data() + values_.size());
    }
    [[nodiscard]] const_iterator cbegin() const { return begin(); }
    [[nodiscard]] const_iterator cend() const { return end(); }

    /// Appends `other`'s values.
    void append(const NumberColumn& other) {
        values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    }

    /// Same values, missing in the same places (NaN values compare by their bits).
    friend bool operator==(const NumberColumn& a, const NumberColumn& b) {
        if (a.values_.size() != b.values_.size()) {
            return false;
        }
        for (std::size_t i = 0; i < a.values_.size(); ++i) {
            if (a.values_[i] != b.values_[i] && std::bit_cast<std::uint64_t>(a.values_[i]) !=
                                                    std::bit_cast<std::uint64_t>(b.values_[i])) {
                return false;
            }
        }
        return true;
    }

    /// The bits that mean "missing": a quiet NaN with a payload nothing computes ("SFPG").
    static constexpr std::uint64_t missing_bits = 0x7ff8'0000'5346'5047ULL;

private:
    static double missing_value() { return std::bit_cast<double>(missing_bits); }
    static bool is_missing(double value) {
        return std::bit_cast<std::uint64_t>(value) == missing_bits;
    }
    static double encode(const std::optional<double>& value) {
        if (!value) {
            return missing_value();
        }
        return is_missing(*value) ? std::numeric_limits<double>::quiet_NaN() : *value;
    }
    static std::optional<double> decode(double value) {
        if (is_missing(value)) {
            return std::nullopt;
        }
        return value;
    }

    std::vector<double> values_;
};

} // namespace sfp
