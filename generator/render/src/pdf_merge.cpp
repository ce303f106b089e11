#include "sfp/pdf_merge.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <iterator>
#include <utility>
#include <vector>

namespace sfp::detail {

namespace {

/// A merge that cannot go on: the message says what was expected where.
struct MergeError {
    std::string message;
};

[[noreturn]] void fail(std::string message) {
    throw MergeError{std::move(message)};
}

/// PDF's character classes (ISO 32000-1, 7.2.2), by byte: the merge reads every byte of the
/// second part's objects through them.
enum CharClass : unsigned char { regular = 0, white_space = 1, delimiter = 2 };
constexpr std::array<unsigned char, 256> char_classes = [] {
    std::array<unsigned char, 256> classes{};
    for (const char c : {' ', '\n', '\r', '\t', '\f', '\0'}) {
        classes[static_cast<unsigned char>(c)] = white_space;
    }
    for (const char c : {'(', ')', '<', '>', '[', ']', '{', '}', '/', '%'}) {
        classes[static_cast<unsigned char>(c)] = delimiter;
    }
    return classes;
}();

inline bool is_space(char c) {
    return char_classes[static_cast<unsigned char>(c)] == white_space;
}
inline bool is_delimiter(char c) {
    return char_classes[static_cast<unsigned char>(c)] == delimiter;
}
inline bool is_regular(char c) {
    return char_classes[static_cast<unsigned char>(c)] == regular;
}

/// Appends `n` in decimal, zero-padded to `width` digits.
void append_integer(std::string& out, std::int64_t n, int width = 0) {
    std::array<char, 24> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
    const auto length = static_cast<int>(end - digits.data());
    if (length < width) {
        out.append(static_cast<std::size_t>(width - length), '0');
    }
    out.append(digits.data(), end);
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// ---------------------------------------------------------------------------------------------
// Objects

/// A PDF object as far as the merge reads it. Numbers other than integers, names, strings and
/// keywords keep their text as written.
struct Value {
    enum class Kind { atom, integer, ref, array, dict };
    Kind kind = Kind::atom;
    std::string text;      ///< atom: the token as written (name, real, string, true, null)
    std::int64_t number{}; ///< integer; ref: the object number
    std::vector<Value> items;
    std::vector<std::pair<std::string, Value>> entries; ///< dict: keys with their slash

    static Value integer(std::int64_t n) {
        Value v;
        v.kind = Kind::integer;
        v.number = n;
        return v;
    }
    static Value ref(std::int64_t id) {
        Value v;
        v.kind = Kind::ref;
        v.number = id;
        return v;
    }
    static Value array(std::vector<Value> items) {
        Value v;
        v.kind = Kind::array;
        v.items = std::move(items);
        return v;
    }
    static Value atom(std::string text) {
        Value v;
        v.text = std::move(text);
        return v;
    }

    [[nodiscard]] const Value* find(std::string_view key) const {
        for (const auto& [k, v] : entries) {
            if (k == key) {
                return &v;
            }
        }
        return nullptr;
    }
    Value& set(std::string_view key, Value value) {
        for (auto& [k, v] : entries) {
            if (k == key) {
                v = std::move(value);
                return v;
            }
        }
        entries.emplace_back(std::string(key), std::move(value));
        return entries.back().second;
    }
    /// The items of an array, or the value itself as a one-item list.
    [[nodiscard]] std::vector<Value> as_list() const {
        return kind == Kind::array ? items : std::vector<Value>{*this};
    }
};

void write(std::string& out, const Value& v) {
    switch (v.kind) {
    case Value::Kind::atom:
        out += v.text;
        break;
    case Value::Kind::integer:
        out += std::to_string(v.number);
        break;
    case Value::Kind::ref:
        out += std::to_string(v.number);
        out += " 0 R";
        break;
    case Value::Kind::array:
        out += '[';
        for (const Value& item : v.items) {
            out += ' ';
            write(out, item);
        }
        out += " ]";
        break;
    case Value::Kind::dict:
        out += "<<";
        for (const auto& [key, value] : v.entries) {
            out += "\n   ";
            out += key;
            out += ' ';
            write(out, value);
        }
        out += "\n>>";
        break;
    }
}

/// Reads PDF objects from `text` (of `what`, for messages).
class Reader {
public:
    Reader(std::string_view text, std::size_t pos, std::string_view what)
        : text_(text), pos_(pos), what_(what) {}

    void skip_space() {
        while (pos_ < text_.size()) {
            if (is_space(text_[pos_])) {
                ++pos_;
            } else if (text_[pos_] == '%') {
                while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') {
                    ++pos_;
                }
            } else {
                break;
            }
        }
    }

    /// Skips a string, `(` at pos_, to just after its closing parenthesis.
    static std::size_t string_end(std::string_view text, std::size_t pos) {
        int depth = 0;
        for (; pos < text.size(); ++pos) {
            const char c = text[pos];
            if (c == '\\') {
                ++pos;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                return pos + 1;
            }
        }
        return std::string_view::npos;
    }

    std::string_view keyword() {
        skip_space();
        const std::size_t start = pos_;
        while (pos_ < text_.size() && is_regular(text_[pos_])) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    void expect(std::string_view word) {
        const auto seen = keyword();
        if (seen != word) {
            fail(fmt::format("{} at byte {}: expected '{}', saw '{}'", what_, pos_, word,
                             seen.substr(0, 20)));
        }
    }

    std::int64_t integer() {
        const auto word = keyword();
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
        if (ec != std::errc{} || end != word.data() + word.size()) {
            fail(fmt::format("{} at byte {}: expected an integer, saw '{}'", what_, pos_,
                             word.substr(0, 20)));
        }
        return n;
    }

    Value value() {
        skip_space();
        if (pos_ >= text_.size()) {
            fail(fmt::format("{}: ends inside an object", what_));
        }
        const char c = text_[pos_];
        if (c == '<' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '<') {
            pos_ += 2;
            Value v;
            v.kind = Value::Kind::dict;
            while (true) {
                skip_space();
                if (text_.substr(pos_, 2) == ">>") {
                    pos_ += 2;
                    return v;
                }
                if (pos_ >= text_.size() || text_[pos_] != '/') {
                    fail(fmt::format("{} at byte {}: expected a name as a dictionary key", what_,
                                     pos_));
                }
                std::string key(name());
                v.entries.emplace_back(std::move(key), value());
            }
        }
        if (c == '[') {
            ++pos_;
            Value v;
            v.kind = Value::Kind::array;
            while (true) {
                skip_space();
                if (pos_ < text_.size() && text_[pos_] == ']') {
                    ++pos_;
                    return v;
                }
                v.items.push_back(value());
            }
        }
        if (c == '(') {
            const std::size_t end = string_end(text_, pos_);
            if (end == std::string_view::npos) {
                fail(fmt::format("{} at byte {}: unterminated string", what_, pos_));
            }
            Value v = Value::atom(std::string(text_.substr(pos_, end - pos_)));
            pos_ = end;
            return v;
        }
        if (c == '<') {
            const std::size_t end = text_.find('>', pos_);
            if (end == std::string_view::npos) {
                fail(fmt::format("{} at byte {}: unterminated hex string", what_, pos_));
            }
            Value v = Value::atom(std::string(text_.substr(pos_, end + 1 - pos_)));
            pos_ = end + 1;
            return v;
        }
        if (c == '/') {
            return Value::atom(std::string(name()));
        }
        const std::size_t start = pos_;
        const auto word = keyword();
        if (word.empty()) {
            fail(fmt::format("{} at byte {}: unexpected '{}'", what_, start, c));
        }
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
        if (ec != std::errc{} || end != word.data() + word.size()) {
            return Value::atom(std::string(word)); // a real, true, false or null
        }
        // An integer, or the first of the three tokens of a reference.
        const std::size_t after = pos_;
        skip_space();
        const std::size_t gen_start = pos_;
        const auto gen = keyword();
        if (!gen.empty() && std::all_of(gen.begin(), gen.end(), is_digit)) {
            if (keyword() == "R") {
                if (gen != "0") {
                    fail(fmt::format("{} at byte {}: a reference of generation {}", what_,
                                     gen_start, gen));
                }
                return Value::ref(n);
            }
        }
        pos_ = after;
        return Value::integer(n);
    }

    [[nodiscard]] std::size_t pos() const { return pos_; }

private:
    std::string_view name() {
        const std::size_t start = pos_;
        ++pos_;
        while (pos_ < text_.size() && is_regular(text_[pos_])) {
            ++pos_;
        }
        return text_.substr(start, pos_ - start);
    }

    std::string_view text_;
    std::size_t pos_;
    std::string_view what_;
};

// ---------------------------------------------------------------------------------------------
// Files

/// One file as cairo writes it: its objects (where each starts and ends) and its trailer.
struct File {
    std::string_view bytes;
    std::string_view what;
    std::vector<std::size_t> start; ///< by object number; npos for a free entry
    std::vector<std::size_t> end;
    std::vector<std::int64_t> order; ///< object numbers in the order of the file
    std::size_t xref = 0;
    Value trailer;

    File(std::string_view data, std::string_view name) : bytes(data), what(name) {
        const std::size_t found = bytes.rfind("startxref");
        if (found == std::string_view::npos) {
            fail(fmt::format("{}: no startxref", what));
        }
        Reader tail(bytes, found + 9, what);
        const std::int64_t at = tail.integer();
        if (at <= 0 || static_cast<std::size_t>(at) >= found) {
            fail(fmt::format("{}: startxref {} is outside the file", what, at));
        }
        xref = static_cast<std::size_t>(at);
        Reader table(bytes, xref, what);
        table.expect("xref");
        const std::int64_t first = table.integer();
        const std::int64_t count = table.integer();
        if (first != 0 || count < 1 || count > 100'000'000) {
            fail(fmt::format("{}: a cross-reference table of {} objects from {}", what, count,
                             first));
        }
        start.assign(static_cast<std::size_t>(count), std::string_view::npos);
        for (std::int64_t id = 0; id < count; ++id) {
            const std::int64_t offset = table.integer();
            const std::int64_t generation = table.integer();
            const auto type = table.keyword();
            if (type == "n") {
                if (generation != 0 || offset <= 0 || static_cast<std::size_t>(offset) >= xref) {
                    fail(fmt::format("{}: object {} at {} generation {}", what, id, offset,
                                     generation));
                }
                start[static_cast<std::size_t>(id)] = static_cast<std::size_t>(offset);
                order.push_back(id);
            } else if (type != "f") {
                fail(fmt::format("{}: cross-reference entry {} of type '{}'", what, id, type));
            }
        }
        table.expect("trailer");
        trailer = table.value();
        if (trailer.kind != Value::Kind::dict) {
            fail(fmt::format("{}: the trailer is not a dictionary", what));
        }
        std::sort(order.begin(), order.end(), [this](std::int64_t a, std::int64_t b) {
            return start[static_cast<std::size_t>(a)] < start[static_cast<std::size_t>(b)];
        });
        end.assign(start.size(), 0);
        for (std::size_t i = 0; i < order.size(); ++i) {
            end[static_cast<std::size_t>(order[i])] =
                i + 1 < order.size() ? start[static_cast<std::size_t>(order[i + 1])] : xref;
        }
    }

    [[nodiscard]] std::size_t size() const { return start.size(); }

    [[nodiscard]] bool has(std::int64_t id) const {
        return id > 0 && static_cast<std::size_t>(id) < start.size() &&
               start[static_cast<std::size_t>(id)] != std::string_view::npos;
    }

    [[nodiscard]] std::string_view extent(std::int64_t id) const {
        const auto i = static_cast<std::size_t>(id);
        return bytes.substr(start[i], end[i] - start[i]);
    }

    /// Object `id`, which must not be a stream.
    [[nodiscard]] Value object(std::int64_t id) const {
        if (!has(id)) {
            fail(fmt::format("{}: no object {}", what, id));
        }
        Reader reader(bytes, start[static_cast<std::size_t>(id)], what);
        if (reader.integer() != id) {
            fail(fmt::format("{}: object {} is not where the table says", what, id));
        }
        reader.integer();
        reader.expect("obj");
        Value v = reader.value();
        reader.expect("endobj");
        return v;
    }

    /// The object that `holder`'s `key` refers to (0 when there is no such key).
    [[nodiscard]] static std::int64_t ref(const Value& holder, std::string_view key) {
        const Value* v = holder.find(key);
        if (v == nullptr) {
            return 0;
        }
        if (v->kind != Value::Kind::ref) {
            fail(fmt::format("{} is not a reference", key));
        }
        return v->number;
    }
};

/// The document-level objects of one file.
struct Parts {
    std::int64_t catalog = 0, info = 0, pages = 0, struct_root = 0, parent_tree = 0, labels = 0,
                 names = 0, dests = 0, outlines = 0;
    Value catalog_value, pages_value;

    explicit Parts(const File& file) {
        catalog = File::ref(file.trailer, "/Root");
        info = File::ref(file.trailer, "/Info");
        catalog_value = file.object(catalog);
        pages = File::ref(catalog_value, "/Pages");
        struct_root = File::ref(catalog_value, "/StructTreeRoot");
        labels = File::ref(catalog_value, "/PageLabels");
        names = File::ref(catalog_value, "/Names");
        outlines = File::ref(catalog_value, "/Outlines");
        pages_value = file.object(pages);
        if (struct_root != 0) {
            parent_tree = File::ref(file.object(struct_root), "/ParentTree");
        }
        if (names != 0) {
            const Value names_value = file.object(names);
            if (names_value.entries.size() != 1 || names_value.find("/Dests") == nullptr) {
                fail(fmt::format("{}: a name dictionary with more than /Dests", file.what));
            }
            dests = File::ref(names_value, "/Dests");
        }
    }
};

std::vector<Value> items_of(const Value& holder, std::string_view key) {
    const Value* v = holder.find(key);
    return v == nullptr ? std::vector<Value>{} : v->as_list();
}

std::int64_t count_of(const Value& pages) {
    const Value* count = pages.find("/Count");
    if (count == nullptr || count->kind != Value::Kind::integer) {
        fail("a page tree root without /Count");
    }
    return count->number;
}

/// The second file's object numbers in the merged file: 0 for a dropped object.
class Numbering {
public:
    explicit Numbering(std::size_t size) : map_(size, -1) {}

    void set(std::int64_t id, std::int64_t to) { map_.at(static_cast<std::size_t>(id)) = to; }
    [[nodiscard]] bool assigned(std::int64_t id) const {
        return map_.at(static_cast<std::size_t>(id)) >= 0;
    }
    /// The number of `id` in the merged file: 0 if dropped.
    [[nodiscard]] std::int64_t raw(std::int64_t id) const {
        return map_.at(static_cast<std::size_t>(id));
    }
    [[nodiscard]] std::int64_t operator()(std::int64_t id) const {
        if (id <= 0 || static_cast<std::size_t>(id) >= map_.size() ||
            map_[static_cast<std::size_t>(id)] <= 0) {
            fail(fmt::format("second file: a reference to object {}, which the merge drops", id));
        }
        return map_[static_cast<std::size_t>(id)];
    }

    /// `v` with its references renumbered.
    [[nodiscard]] Value renumbered(Value v) const {
        apply(v);
        return v;
    }

private:
    void apply(Value& v) const {
        if (v.kind == Value::Kind::ref) {
            v.number = (*this)(v.number);
        }
        for (Value& item : v.items) {
            apply(item);
        }
        for (auto& [key, value] : v.entries) {
            apply(value);
        }
    }

    std::vector<std::int64_t> map_;
};

/// The merged file as it is written: a buffer handed to the caller's writer a megabyte at a
/// time, and the number of bytes written so far (the objects' offsets).
class Output {
public:
    explicit Output(const PdfWriter& write) : write_(write) { buffer_.reserve(chunk + 65536); }
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;
    Output(Output&&) = delete;
    Output& operator=(Output&&) = delete;
    ~Output() = default;

    Output& operator+=(std::string_view text) {
        if (text.size() >= chunk) {
            flush();
            write_(text);
            written_ += text.size();
            return *this;
        }
        buffer_.append(text);
        flush_when_full();
        return *this;
    }
    void flush_when_full() {
        if (buffer_.size() >= chunk) {
            flush();
        }
    }
    void flush() {
        if (!buffer_.empty()) {
            write_(buffer_);
            written_ += buffer_.size();
            buffer_.clear();
        }
    }
    /// Bytes written so far, the buffered ones included.
    [[nodiscard]] std::size_t size() const { return written_ + buffer_.size(); }
    /// The buffer, to append small pieces to directly.
    std::string& buffer() { return buffer_; }

private:
    static constexpr std::size_t chunk = std::size_t{1} << 20;
    const PdfWriter& write_;
    std::string buffer_;
    std::size_t written_ = 0;
};

/// Object `id` of the second file as it goes into the merged file: its references
/// renumbered, its /StructParents and /StructParent moved by `key_offset`; the data of a
/// stream copied as it is.
void append_renumbered(Output& output, const File& file, std::int64_t id, const Numbering& numbers,
                       std::int64_t key_offset) {
    std::string& out = output.buffer();
    const std::string_view text = file.extent(id);
    Reader header(text, 0, file.what);
    header.integer();
    header.integer();
    header.expect("obj");
    append_integer(out, numbers(id));
    out += " 0 obj";
    std::size_t i = header.pos();
    std::size_t copied = i;
    const auto flush = [&](std::size_t upto) {
        out.append(text.substr(copied, upto - copied));
        copied = upto;
    };
    bool shift_next_integer = false;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '%') {
            while (i < text.size() && text[i] != '\n' && text[i] != '\r') {
                ++i;
            }
        } else if (c == '(') {
            i = Reader::string_end(text, i);
            if (i == std::string_view::npos) {
                fail(fmt::format("{}: object {} has an unterminated string", file.what, id));
            }
        } else if (c == '<' && i + 1 < text.size() && text[i + 1] == '<') {
            i += 2; // a dictionary begins
        } else if (c == '<') {
            const std::size_t end = text.find('>', i);
            if (end == std::string_view::npos) {
                fail(fmt::format("{}: object {} has an unterminated hex string", file.what, id));
            }
            i = end + 1;
        } else if (c == '/') {
            const std::size_t start = i++;
            while (i < text.size() && is_regular(text[i])) {
                ++i;
            }
            const std::string_view name = text.substr(start, i - start);
            shift_next_integer = name == "/StructParents" || name == "/StructParent";
            continue;
        } else if (is_digit(c) && (i == 0 || !is_regular(text[i - 1]))) {
            std::size_t j = i;
            while (j < text.size() && is_digit(text[j])) {
                ++j;
            }
            if (j < text.size() && is_regular(text[j])) {
                // A real (or a keyword with digits): not a number of ours.
                i = j;
                continue;
            }
            std::int64_t n = 0;
            std::from_chars(text.data() + i, text.data() + j, n);
            // A reference: "n 0 R".
            std::size_t k = j;
            while (k < text.size() && is_space(text[k])) {
                ++k;
            }
            std::size_t g = k;
            while (g < text.size() && is_digit(text[g])) {
                ++g;
            }
            std::size_t r = g;
            while (r < text.size() && is_space(text[r])) {
                ++r;
            }
            const bool is_ref = g > k && r < text.size() && text[r] == 'R' &&
                                (r + 1 >= text.size() || !is_regular(text[r + 1]));
            if (is_ref) {
                if (text.substr(k, g - k) != "0") {
                    fail(fmt::format("{}: object {} refers to generation {}", file.what, id,
                                     text.substr(k, g - k)));
                }
                flush(i);
                append_integer(out, numbers(n));
                copied = j;
                i = r + 1;
            } else if (shift_next_integer) {
                flush(i);
                append_integer(out, n + key_offset);
                copied = j;
                i = j;
            } else {
                i = j;
            }
            shift_next_integer = false;
            continue;
        } else if (is_regular(c)) {
            const std::size_t start = i;
            while (i < text.size() && is_regular(text[i])) {
                ++i;
            }
            if (text.substr(start, i - start) == "stream") {
                break; // the data and endstream follow, copied as they are
            }
            shift_next_integer = false;
            continue;
        } else {
            ++i;
            continue;
        }
        shift_next_integer = false;
    }
    copied = std::min(copied, text.size());
    output += text.substr(copied);
}

/// The inner bytes of a PDF string token "(...)", for sorting names as cairo does (strcmp).
std::string_view string_body(const Value& v) {
    std::string_view t = v.text;
    if (t.size() >= 2 && t.front() == '(' && t.back() == ')') {
        t = t.substr(1, t.size() - 2);
    }
    return t;
}

/// Whether the page label range `next`, starting at page `at`, only goes on with `last`, which
/// starts at page `from`: the same style and prefix, numbers counting on.
bool continues(std::int64_t from, const Value& last, std::int64_t at, const Value& next) {
    const auto text = [](const Value& range, std::string_view key) {
        const Value* v = range.find(key);
        return v == nullptr ? std::string() : v->text;
    };
    const auto start = [](const Value& range) {
        const Value* v = range.find("/St");
        return v == nullptr ? std::int64_t{1} : v->number;
    };
    return last.kind == Value::Kind::dict && next.kind == Value::Kind::dict &&
           text(last, "/S") == text(next, "/S") && text(last, "/P") == text(next, "/P") &&
           !text(last, "/S").empty() && start(next) == start(last) + (at - from);
}

void merge(std::string_view first_bytes, std::string_view second_bytes, std::size_t open,
           const PdfWriter& writer) {
    const File a(first_bytes, "first file");
    const File b(second_bytes, "second file");
    const Parts pa(a);
    const Parts pb(b);
    if (pb.outlines != 0) {
        fail("second file: has outlines (the first part carries the document's)");
    }
    if ((pa.struct_root == 0) != (pb.struct_root == 0)) {
        fail("one file has a structure tree and the other has not");
    }

    // The structure elements the two parts share: the root's child (Document) and the `open`
    // elements below it, from the end of the first part's tree and the start of the second's.
    std::vector<std::pair<std::int64_t, std::int64_t>> shared; // (first's, second's)
    std::vector<Value> shared_values;                          // the first's, as read
    Value struct_root_a;
    Value struct_root_b;
    if (pa.struct_root != 0) {
        struct_root_a = a.object(pa.struct_root);
        struct_root_b = b.object(pb.struct_root);
        const auto last_ref = [](const std::vector<Value>& items) -> std::int64_t {
            for (auto it = items.rbegin(); it != items.rend(); ++it) {
                if (it->kind == Value::Kind::ref) {
                    return it->number;
                }
            }
            return 0;
        };
        const auto first_ref = [](const std::vector<Value>& items) -> std::int64_t {
            for (const Value& item : items) {
                if (item.kind == Value::Kind::ref) {
                    return item.number;
                }
            }
            return 0;
        };
        std::int64_t ea = last_ref(items_of(struct_root_a, "/K"));
        std::int64_t eb = first_ref(items_of(struct_root_b, "/K"));
        for (std::size_t depth = 0; depth <= open; ++depth) {
            if (ea == 0 || eb == 0) {
                fail(fmt::format("the structure element open at depth {} is missing", depth));
            }
            Value va = a.object(ea);
            const Value vb = b.object(eb);
            const Value* sa = va.find("/S");
            const Value* sb = vb.find("/S");
            if (sa == nullptr || sb == nullptr || sa->text != sb->text) {
                fail(fmt::format("the structure elements open at depth {} differ", depth));
            }
            shared.emplace_back(ea, eb);
            const std::int64_t next_a = last_ref(items_of(va, "/K"));
            const std::int64_t next_b = first_ref(items_of(vb, "/K"));
            shared_values.push_back(std::move(va));
            ea = next_a;
            eb = next_b;
        }
    }

    // The second file's numbering: its document-level objects dropped (or the first's), the
    // shared elements the first's, the rest after the first file's objects, in file order.
    Numbering numbers(b.size());
    for (const std::int64_t id :
         {pb.catalog, pb.info, pb.struct_root, pb.parent_tree, pb.labels, pb.names, pb.dests}) {
        if (id != 0) {
            numbers.set(id, 0);
        }
    }
    numbers.set(pb.pages, pa.pages);
    for (const auto& [ida, idb] : shared) {
        numbers.set(idb, ida);
    }
    std::int64_t next = static_cast<std::int64_t>(a.size());
    for (const std::int64_t id : b.order) {
        if (!numbers.assigned(id)) {
            numbers.set(id, next++);
        }
    }

    // The parent tree: the second's keys after the first's.
    std::int64_t key_offset = 0;
    Value parent_tree_a;
    if (pa.parent_tree != 0) {
        parent_tree_a = a.object(pa.parent_tree);
        const auto nums = items_of(parent_tree_a, "/Nums");
        for (std::size_t i = 0; i + 1 < nums.size(); i += 2) {
            key_offset = std::max(key_offset, nums[i].number + 1);
        }
        const auto more = items_of(b.object(pb.parent_tree), "/Nums");
        std::vector<Value> merged = nums;
        for (std::size_t i = 0; i + 1 < more.size(); i += 2) {
            merged.push_back(Value::integer(more[i].number + key_offset));
            merged.push_back(numbers.renumbered(more[i + 1]));
        }
        parent_tree_a.set("/Nums", Value::array(std::move(merged)));
    } else if (pb.parent_tree != 0) {
        fail("only the second file has a parent tree");
    }

    // Rewritten objects of the first file, by number; new objects after the second's.
    std::vector<std::pair<std::int64_t, Value>> rewritten;
    std::vector<std::pair<std::int64_t, Value>> added;
    Value catalog = pa.catalog_value;
    bool catalog_changed = false;

    // The page tree.
    const std::int64_t pages_a = count_of(pa.pages_value);
    {
        Value pages = pa.pages_value;
        auto kids = items_of(pages, "/Kids");
        for (const Value& kid : items_of(pb.pages_value, "/Kids")) {
            kids.push_back(numbers.renumbered(kid));
        }
        pages.set("/Kids", Value::array(std::move(kids)));
        pages.set("/Count", Value::integer(pages_a + count_of(pb.pages_value)));
        rewritten.emplace_back(pa.pages, std::move(pages));
    }
    if (pa.parent_tree != 0) {
        rewritten.emplace_back(pa.parent_tree, std::move(parent_tree_a));
    }

    // The shared structure elements: the second's kids and marked content after the first's.
    for (std::size_t depth = 0; depth < shared.size(); ++depth) {
        Value& va = shared_values[depth];
        const Value vb = b.object(shared[depth].second);
        auto kids = items_of(va, "/K");
        const Value* page = vb.find("/Pg");
        bool skipped_next = depth + 1 == shared.size();
        for (const Value& item : items_of(vb, "/K")) {
            if (!skipped_next && item.kind == Value::Kind::ref) {
                skipped_next = true; // the next shared element, merged at its own depth
                continue;
            }
            if (item.kind == Value::Kind::integer) {
                if (page == nullptr) {
                    fail("second file: marked content of an element without /Pg");
                }
                Value mcr;
                mcr.kind = Value::Kind::dict;
                mcr.set("/Type", Value::atom("/MCR"));
                mcr.set("/Pg", numbers.renumbered(*page));
                mcr.set("/MCID", item);
                kids.push_back(std::move(mcr));
            } else {
                kids.push_back(numbers.renumbered(item));
            }
        }
        va.set("/K", Value::array(std::move(kids)));
        rewritten.emplace_back(shared[depth].first, std::move(va));
    }
    if (pa.struct_root != 0) {
        // Any further top-level elements of the second part follow the first's.
        auto kids = items_of(struct_root_a, "/K");
        bool skipped = false;
        bool more = false;
        for (const Value& item : items_of(struct_root_b, "/K")) {
            if (!skipped && item.kind == Value::Kind::ref) {
                skipped = true;
                continue;
            }
            kids.push_back(numbers.renumbered(item));
            more = true;
        }
        if (more) {
            struct_root_a.set("/K", Value::array(std::move(kids)));
            rewritten.emplace_back(pa.struct_root, std::move(struct_root_a));
        }
    }

    // Page labels: the second's ranges after the first's pages.
    if (pb.labels != 0) {
        Value labels;
        labels.kind = Value::Kind::dict;
        std::vector<Value> nums;
        if (pa.labels != 0) {
            labels = a.object(pa.labels);
            nums = items_of(labels, "/Nums");
        } else {
            // The first part's pages had no labels: decimal from 1, as a viewer would number them.
            Value decimal;
            decimal.kind = Value::Kind::dict;
            decimal.set("/S", Value::atom("/D"));
            nums = {Value::integer(0), decimal};
        }
        const auto more = items_of(b.object(pb.labels), "/Nums");
        for (std::size_t i = 0; i + 1 < more.size(); i += 2) {
            // The second part's first range, where it only goes on with the first part's last
            // (decimal numbers counting on), is left out.
            if (i == 0 && more[0].number == 0 && nums.size() >= 2 &&
                continues(nums[nums.size() - 2].number, nums.back(), pages_a, more[1])) {
                continue;
            }
            nums.push_back(Value::integer(more[i].number + pages_a));
            nums.push_back(numbers.renumbered(more[i + 1]));
        }
        labels.set("/Nums", Value::array(std::move(nums)));
        if (pa.labels != 0) {
            rewritten.emplace_back(pa.labels, std::move(labels));
        } else {
            added.emplace_back(next, std::move(labels));
            catalog.set("/PageLabels", Value::ref(next++));
            catalog_changed = true;
        }
    }

    // Named destinations: one list, sorted by name as cairo sorts it.
    if (pb.dests != 0) {
        std::vector<std::pair<Value, Value>> entries;
        const auto take = [&entries](const std::vector<Value>& names, const Numbering* renumber) {
            for (std::size_t i = 0; i + 1 < names.size(); i += 2) {
                entries.emplace_back(names[i], renumber != nullptr
                                                   ? renumber->renumbered(names[i + 1])
                                                   : names[i + 1]);
            }
        };
        Value dests;
        dests.kind = Value::Kind::dict;
        if (pa.dests != 0) {
            dests = a.object(pa.dests);
            take(items_of(dests, "/Names"), nullptr);
        }
        take(items_of(b.object(pb.dests), "/Names"), &numbers);
        std::stable_sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
            return string_body(x.first) < string_body(y.first);
        });
        std::vector<Value> names;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (i > 0 && string_body(entries[i].first) == string_body(entries[i - 1].first)) {
                continue; // a name both parts define: the first's
            }
            names.push_back(std::move(entries[i].first));
            names.push_back(std::move(entries[i].second));
        }
        dests.set("/Names", Value::array(std::move(names)));
        if (pa.dests != 0) {
            rewritten.emplace_back(pa.dests, std::move(dests));
        } else {
            const std::int64_t dests_id = next++;
            added.emplace_back(dests_id, std::move(dests));
            Value names_dict;
            names_dict.kind = Value::Kind::dict;
            names_dict.set("/Dests", Value::ref(dests_id));
            added.emplace_back(next, std::move(names_dict));
            catalog.set("/Names", Value::ref(next++));
            catalog_changed = true;
        }
    }
    if (catalog_changed) {
        rewritten.emplace_back(pa.catalog, std::move(catalog));
    }

    // The merged file: the first's header and objects (some rewritten), the second's
    // objects, the new ones, one cross-reference table.
    Output out(writer);
    const std::size_t size = static_cast<std::size_t>(next);
    std::vector<std::size_t> offsets(size, std::string_view::npos);
    out += a.bytes.substr(0, a.start[static_cast<std::size_t>(a.order.front())]);
    std::sort(rewritten.begin(), rewritten.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    const auto write_object = [&out, &offsets](std::int64_t id, const Value& v) {
        offsets[static_cast<std::size_t>(id)] = out.size();
        std::string text = std::to_string(id) + " 0 obj\n";
        write(text, v);
        text += "\nendobj\n";
        out += text;
    };
    for (const std::int64_t id : a.order) {
        const auto found =
            std::lower_bound(rewritten.begin(), rewritten.end(), id,
                             [](const auto& entry, std::int64_t key) { return entry.first < key; });
        if (found != rewritten.end() && found->first == id) {
            write_object(id, found->second);
        } else {
            offsets[static_cast<std::size_t>(id)] = out.size();
            out += a.extent(id);
        }
    }
    for (const std::int64_t id : b.order) {
        const std::int64_t to = numbers.raw(id);
        if (to < static_cast<std::int64_t>(a.size())) {
            continue; // dropped, or one of the first file's
        }
        offsets[static_cast<std::size_t>(to)] = out.size();
        append_renumbered(out, b, id, numbers, key_offset);
    }
    for (const auto& [id, v] : added) {
        write_object(id, v);
    }
    const std::size_t xref = out.size();
    out += fmt::format("xref\n0 {}\n0000000000 65535 f \n", size);
    for (std::size_t id = 1; id < size; ++id) {
        if (offsets[id] == std::string_view::npos) {
            out += "0000000000 00000 f \n";
        } else {
            append_integer(out.buffer(), static_cast<std::int64_t>(offsets[id]), 10);
            out.buffer() += " 00000 n \n";
            out.flush_when_full();
        }
    }
    Value trailer = a.trailer;
    trailer.set("/Size", Value::integer(static_cast<std::int64_t>(size)));
    std::string tail = "trailer\n";
    write(tail, trailer);
    tail += fmt::format("\nstartxref\n{}\n%%EOF\n", xref);
    out += tail;
    out.flush();
}

} // namespace

bool merge_cairo_pdfs(std::string_view first, std::string_view second, std::size_t open,
                      const PdfWriter& write, std::string& error) {
    try {
        merge(first, second, open, write);
        return true;
    } catch (const MergeError& e) {
        error = e.message;
    } catch (const std::out_of_range& e) {
        error = std::string("an object number out of range: ") + e.what();
    }
    return false;
}

} // namespace sfp::detail
