// Report text with values: a subset of ICU MessageFormat (sfp/message.hpp).
//
// The text is parsed once into a small tree: literal runs (apostrophes already resolved),
// arguments, `{name, number}`, plural and select with their branches (nested messages), and `#`
// inside plural branches. Every node keeps its line and column (code points, like toml++), so
// format-time errors (unknown names) point into the template's file too.

#include "sfp/message.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

namespace sfp {

namespace message_detail {

enum class NodeKind { text, argument, number, plural, select, pound };

struct Branch;

struct Node {
    NodeKind kind = NodeKind::text;
    long line = 0;
    long column = 0;
    std::string text;             ///< the literal text, or the argument's name
    std::vector<Branch> branches; ///< plural and select only, in source order
};

struct Branch {
    std::string key;    ///< the keyword, or the number after '=' as written
    bool exact = false; ///< "=N"
    double value = 0.0; ///< N for "=N"
    long line = 0;
    long column = 0;
    std::vector<Node> body;
};

} // namespace message_detail

using message_detail::Branch;
using message_detail::Node;
using message_detail::NodeKind;

struct Message::Impl {
    std::string source;
    std::string file;
    std::vector<Node> body;
};

namespace {

constexpr int max_depth = 32;

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Bytes in the UTF-8 sequence that starts with `lead` (1 for a stray or invalid byte).
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0xC0) {
        return 1;
    }
    if (lead < 0xE0) {
        return 2;
    }
    if (lead < 0xF0) {
        return 3;
    }
    if (lead < 0xF8) {
        return 4;
    }
    return 1;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

/// "en", "fr-CH", "ES_es" → "en", "fr", "es".
std::string_view base_language(std::string_view language) {
    const auto end = language.find_first_of("-_");
    return end == std::string_view::npos ? language : language.substr(0, end);
}

bool same_language(std::string_view language, std::string_view code) {
    const auto base = base_language(language);
    if (base.size() != code.size()) {
        return false;
    }
    for (std::size_t i = 0; i < base.size(); ++i) {
        char c = base[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != code[i]) {
            return false;
        }
    }
    return true;
}

constexpr std::array<std::string_view, 6> plural_keywords = {"zero", "one",  "two",
                                                             "few",  "many", "other"};

class Parser {
public:
    Parser(std::string_view text, SourcePos where, Diagnostics& diagnostics)
        : text_(text), file_(std::move(where.file)), line_(where.line > 0 ? where.line : 1),
          column_(where.column > 0 ? where.column : 1), diagnostics_(diagnostics) {}

    /// The whole text; false after a syntax error (reported).
    bool parse(std::vector<Node>& out) { return parse_message(out, false, 0, 0, 0); }

private:
    std::string_view text_;
    std::string file_;
    std::size_t at_ = 0;
    long line_;
    long column_;
    Diagnostics& diagnostics_;

    [[nodiscard]] bool at_end() const { return at_ >= text_.size(); }
    [[nodiscard]] char peek(std::size_t ahead = 0) const {
        return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
    }

    /// The code point at the cursor, as text.
    [[nodiscard]] std::string_view current() const {
        const auto length =
            std::min(sequence_length(static_cast<unsigned char>(text_[at_])), text_.size() - at_);
        return text_.substr(at_, length);
    }

    /// Moves past one code point, keeping line and column.
    void advance() {
        if (at_end()) {
            return;
        }
        const char c = text_[at_];
        if (c == '\n') {
            ++line_;
            column_ = 1;
            ++at_;
            return;
        }
        const auto length = current().size();
        at_ += length;
        if (c == '\r' && peek() == '\n') {
            return; // "\r\n" is one line break: the '\n' moves to the next line
        }
        ++column_;
    }

    void skip_space() {
        while (!at_end() && is_space(text_[at_])) {
            advance();
        }
    }

    /// How a diagnostic names the character at the cursor.
    [[nodiscard]] std::string seen() const {
        if (at_end()) {
            return "end of text";
        }
        if (text_[at_] == '\n' || text_[at_] == '\r') {
            return "a line break";
        }
        return "'" + std::string(current()) + "'";
    }

    [[nodiscard]] SourcePos pos(long line, long column) const { return {file_, line, column}; }
    [[nodiscard]] SourcePos here() const { return pos(line_, column_); }

    bool fail(SourcePos where, std::string message, std::string hint = {}) {
        diagnostics_.error(std::move(where), std::move(message), std::move(hint));
        return false;
    }

    /// End of text inside a '{' opened at (line, column).
    bool fail_unclosed(long line, long column) {
        return fail(pos(line, column), "expected '}', saw end of text",
                    "this '{' is never closed; write '{' (with the apostrophes) for a literal "
                    "brace");
    }

    /// A message: text, arguments and (in a plural branch) '#', up to the end of the text (top
    /// level) or to the '}' that closes a branch opened at (open_line, open_column), which is
    /// left for the caller.
    bool parse_message(std::vector<Node>& out, bool in_plural, int depth, long open_line,
                       long open_column) {
        const bool top = depth == 0;
        Node text_node;
        bool has_text = false;
        const auto start_text = [&] {
            if (!has_text) {
                text_node = Node{};
                text_node.kind = NodeKind::text;
                text_node.line = line_;
                text_node.column = column_;
                has_text = true;
            }
        };
        const auto flush_text = [&] {
            if (has_text) {
                out.push_back(std::move(text_node));
                has_text = false;
            }
        };
        while (true) {
            if (at_end()) {
                if (top) {
                    flush_text();
                    return true;
                }
                return fail_unclosed(open_line, open_column);
            }
            const char c = text_[at_];
            if (c == '{') {
                flush_text();
                Node node;
                if (!parse_argument(node, depth)) {
                    return false;
                }
                out.push_back(std::move(node));
            } else if (c == '}') {
                if (top) {
                    return fail(here(), "expected text or '{', saw '}'",
                                "write '}' (with the apostrophes) for a literal brace");
                }
                flush_text();
                return true;
            } else if (c == '#' && in_plural) {
                flush_text();
                Node node;
                node.kind = NodeKind::pound;
                node.line = line_;
                node.column = column_;
                out.push_back(std::move(node));
                advance();
            } else if (c == '\'') {
                start_text();
                if (!parse_apostrophe(text_node.text)) {
                    return false;
                }
            } else {
                start_text();
                text_node.text += current();
                advance();
            }
        }
    }

    /// At an apostrophe: '' is one apostrophe; before '{', '}' or '#' it quotes up to the next
    /// single apostrophe; otherwise it is literal.
    bool parse_apostrophe(std::string& text) {
        const char next = peek(1);
        if (next == '\'') {
            text += '\'';
            advance();
            advance();
            return true;
        }
        if (next != '{' && next != '}' && next != '#') {
            text += '\'';
            advance();
            return true;
        }
        const auto open = here();
        // "l'{name} d'emprunteurs" quotes "{name} d": an apostrophe right after a letter and
        // before an argument is almost always meant as text (French), so say so.
        const bool after_letter =
            at_ > 0 && (std::isalpha(static_cast<unsigned char>(text_[at_ - 1])) != 0 ||
                        static_cast<unsigned char>(text_[at_ - 1]) >= 0x80);
        const auto quoted_start = text.size();
        advance();
        while (true) {
            if (at_end()) {
                return fail(open, "expected a closing apostrophe, saw end of text",
                            "an apostrophe before '{', '}' or '#' starts a quote; write '' for a "
                            "literal apostrophe (l''{name})");
            }
            if (text_[at_] == '\'') {
                if (peek(1) == '\'') {
                    text += '\'';
                    advance();
                    advance();
                    continue;
                }
                advance();
                const auto quoted = std::string_view(text).substr(quoted_start);
                if (after_letter && next == '{' && quoted.find('}') != std::string_view::npos) {
                    diagnostics_.warning(open,
                                         "expected '' for an apostrophe before '{', saw a quote "
                                         "of '" +
                                             std::string(quoted) + "'",
                                         "an apostrophe before '{' quotes the text up to the next "
                                         "apostrophe; write l''{name} to print l' and the value");
                }
                return true;
            }
            text += current();
            advance();
        }
    }

    /// At '{': `{name}`, `{name, number}`, `{name, plural, ...}` or `{name, select, ...}`.
    bool parse_argument(Node& node, int depth) {
        const long open_line = line_;
        const long open_column = column_;
        if (depth >= max_depth) {
            return fail(here(), "expected at most 32 nested arguments, saw more",
                        "split the text into several messages");
        }
        advance(); // '{'
        skip_space();
        node.line = line_;
        node.column = column_;
        const auto name_start = at_;
        while (!at_end() && is_name_char(text_[at_])) {
            advance();
        }
        node.text = std::string(text_.substr(name_start, at_ - name_start));
        if (node.text.empty()) {
            if (at_end()) {
                return fail_unclosed(open_line, open_column);
            }
            return fail(here(), "expected an argument name, saw " + seen(),
                        "argument names use letters, digits, '_', '.' and '-'");
        }
        if (!at_end() && !is_space(text_[at_]) && text_[at_] != ',' && text_[at_] != '}') {
            return fail(here(), "expected a name character, ',' or '}', saw " + seen(),
                        "argument names use letters, digits, '_', '.' and '-'");
        }
        skip_space();
        if (at_end()) {
            return fail_unclosed(open_line, open_column);
        }
        if (text_[at_] == '}') {
            node.kind = NodeKind::argument;
            advance();
            return true;
        }
        if (text_[at_] != ',') {
            return fail(here(), "expected ',' or '}', saw " + seen(),
                        "argument names use letters, digits, '_', '.' and '-'");
        }
        advance();
        skip_space();
        const auto type_pos = here();
        const auto type_start = at_;
        while (!at_end() && is_name_char(text_[at_])) {
            advance();
        }
        const auto type_text = text_.substr(type_start, at_ - type_start);
        const auto type = lowercase(type_text);
        if (type_text.empty()) {
            if (at_end()) {
                return fail_unclosed(open_line, open_column);
            }
            return fail(type_pos, "expected plural, select or number, saw " + seen());
        }
        if (type != "plural" && type != "select" && type != "number") {
            return fail(type_pos,
                        "expected plural, select or number, saw '" + std::string(type_text) + "'",
                        did_you_mean(type, {"plural", "select", "number"}));
        }
        skip_space();
        if (at_end()) {
            return fail_unclosed(open_line, open_column);
        }
        if (type == "number") {
            if (text_[at_] != '}') {
                return fail(here(), "expected '}', saw " + seen(),
                            "only {name, number} is supported: it prints the argument's text, "
                            "already formatted for the report");
            }
            node.kind = NodeKind::number;
            advance();
            return true;
        }
        const bool plural = type == "plural";
        node.kind = plural ? NodeKind::plural : NodeKind::select;
        if (text_[at_] != ',') {
            return fail(here(), "expected ',' after '" + type + "', saw " + seen(),
                        plural ? "write {name, plural, one {...} other {...}}"
                               : "write {name, select, keyword {...} other {...}}");
        }
        advance();
        return parse_branches(node, plural, depth, open_line, open_column);
    }

    /// The branches of a plural or select, up to and including its closing '}'.
    bool parse_branches(Node& node, bool plural, int depth, long open_line, long open_column) {
        std::set<std::string, std::less<>> keywords;
        std::set<double> exact_values;
        bool has_other = false;
        while (true) {
            skip_space();
            if (at_end()) {
                return fail_unclosed(open_line, open_column);
            }
            if (text_[at_] == '}') {
                break;
            }
            Branch branch;
            branch.line = line_;
            branch.column = column_;
            const auto selector_pos = here();
            if (text_[at_] == '=') {
                if (!plural) {
                    return fail(selector_pos, "expected a keyword, saw '='",
                                "=N selects a number: use plural, not select");
                }
                advance();
                const auto start = at_;
                while (!at_end() && (is_name_char(text_[at_]) || text_[at_] == '+')) {
                    advance();
                }
                const auto number = text_.substr(start, at_ - start);
                double value = 0.0;
                const auto* first = number.data();
                const auto* last = number.data() + number.size();
                const auto parsed = std::from_chars(first, last, value);
                if (number.empty() || parsed.ec != std::errc{} || parsed.ptr != last ||
                    !std::isfinite(value)) {
                    return fail(selector_pos,
                                "expected a number after '=', saw " +
                                    (number.empty() ? seen() : "'" + std::string(number) + "'"),
                                "write =0, =1 or =2.5");
                }
                branch.exact = true;
                branch.value = value;
                branch.key = std::string(number);
                if (!exact_values.insert(value).second) {
                    return fail(selector_pos,
                                "expected each selector once, saw '=" + branch.key + "' twice");
                }
            } else {
                const auto start = at_;
                while (!at_end() && is_name_char(text_[at_])) {
                    advance();
                }
                branch.key = std::string(text_.substr(start, at_ - start));
                if (branch.key.empty()) {
                    return fail(selector_pos,
                                plural ? "expected a plural category or =N, saw " + seen()
                                       : "expected a keyword, saw " + seen(),
                                plural ? "write one {...} other {...}"
                                       : "write keyword {...} other {...}");
                }
                if (plural && std::find(plural_keywords.begin(), plural_keywords.end(),
                                        branch.key) == plural_keywords.end()) {
                    return fail(selector_pos,
                                "expected a plural category (zero, one, two, few, many, other) "
                                "or =N, saw '" +
                                    branch.key + "'",
                                branch.key == "offset"
                                    ? "offset is not supported: give the value to print"
                                    : did_you_mean(branch.key,
                                                   {"zero", "one", "two", "few", "many", "other"}));
                }
                if (plural && branch.key != "one" && branch.key != "other") {
                    // valid CLDR categories that en, fr and es never select
                    diagnostics_.warning(selector_pos,
                                         "expected one, other or =N, saw '" + branch.key +
                                             "' (never selected in en, fr or es)",
                                         branch.key == "zero"  ? "did you mean '=0'?"
                                         : branch.key == "two" ? "did you mean '=2'?"
                                                               : "");
                }
                if (!keywords.insert(branch.key).second) {
                    return fail(selector_pos,
                                "expected each selector once, saw '" + branch.key + "' twice");
                }
                if (branch.key == "other") {
                    has_other = true;
                }
            }
            skip_space();
            if (at_end()) {
                return fail_unclosed(open_line, open_column);
            }
            if (text_[at_] != '{') {
                return fail(here(), "expected '{' after selector '" +
                                        std::string(branch.exact ? "=" : "") + branch.key +
                                        "', saw " + seen());
            }
            const long body_line = line_;
            const long body_column = column_;
            advance();
            if (!parse_message(branch.body, plural, depth + 1, body_line, body_column)) {
                return false;
            }
            advance(); // the branch's '}'
            node.branches.push_back(std::move(branch));
        }
        if (!has_other) {
            return fail(pos(open_line, open_column),
                        "expected an 'other' branch in the " +
                            std::string(plural ? "plural" : "select") + " of '" + node.text +
                            "', saw " +
                            (node.branches.empty() ? std::string("no branch")
                                                   : "only " + describe_keys(node.branches)),
                        "plural and select need an 'other' branch for every remaining value");
        }
        advance(); // the argument's '}'
        return true;
    }

    static std::string describe_keys(const std::vector<Branch>& branches) {
        std::string out;
        for (const auto& branch : branches) {
            if (!out.empty()) {
                out += ", ";
            }
            out += '\'';
            if (branch.exact) {
                out += '=';
            }
            out += branch.key;
            out += '\'';
        }
        return out;
    }
};

/// Appends `value` in the language's number format: grouping and decimal separators (en
/// "1,234.5", fr "1 234,5" with a narrow no-break space, es "12.345,5" with no grouping below
/// 10 000), no decimals for integers, the shortest decimals that give the value back otherwise.
void append_number(std::string& out, double value, std::string_view language) {
    if (!std::isfinite(value)) {
        out += std::isnan(value) ? "NaN" : (value < 0 ? "-∞" : "∞");
        return;
    }
    std::array<char, 400> buffer{};
    auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                std::chars_format::fixed);
    if (result.ec != std::errc{}) {
        result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    }
    std::string_view digits(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
    if (digits.find('e') != std::string_view::npos) {
        out += digits;
        return;
    }
    std::string_view group = ",";
    std::string_view decimal = ".";
    std::size_t min_group_digits = 4; // group from 1,000
    if (same_language(language, "fr")) {
        group = "\u202F";
        decimal = ",";
    } else if (same_language(language, "es")) {
        group = ".";
        decimal = ",";
        min_group_digits = 5; // CLDR: 1234 but 12.345
    }
    if (!digits.empty() && digits.front() == '-') {
        out += '-';
        digits.remove_prefix(1);
    }
    const auto point = digits.find('.');
    const auto integer = digits.substr(0, point);
    const bool grouped = integer.size() >= min_group_digits;
    for (std::size_t i = 0; i < integer.size(); ++i) {
        if (grouped && i > 0 && (integer.size() - i) % 3 == 0) {
            out += group;
        }
        out += integer[i];
    }
    if (point != std::string_view::npos) {
        out += decimal;
        out += digits.substr(point + 1);
    }
}

/// What `#` prints: the argument's text (already formatted for the report), or its number in
/// the language's format when the text is empty.
void append_pound(std::string& out, const MessageArg& arg, std::string_view language) {
    if (!arg.text.empty() || arg.missing || !arg.number) {
        out += arg.text;
        return;
    }
    append_number(out, *arg.number, language);
}

class Formatter {
public:
    Formatter(const ArgResolver& resolve, const std::string& language, const std::string& file,
              Diagnostics& diagnostics, std::string& out)
        : resolve_(resolve), language_(language), file_(file), diagnostics_(diagnostics),
          out_(out) {}

    void format(const std::vector<Node>& nodes, const MessageArg* plural_arg) {
        for (const auto& node : nodes) {
            switch (node.kind) {
            case NodeKind::text:
                out_ += node.text;
                break;
            case NodeKind::pound:
                if (plural_arg != nullptr) {
                    append_pound(out_, *plural_arg, language_);
                } else {
                    out_ += '#';
                }
                break;
            case NodeKind::argument:
            case NodeKind::number: {
                const auto arg = lookup(node);
                if (arg) {
                    out_ += arg->text;
                }
                break;
            }
            case NodeKind::plural: {
                const auto arg = lookup(node);
                if (arg) {
                    if (const auto* branch = choose_plural(node, *arg)) {
                        format(branch->body, &*arg);
                    }
                }
                break;
            }
            case NodeKind::select: {
                const auto arg = lookup(node);
                if (arg) {
                    if (const auto* branch = choose_select(node, *arg)) {
                        format(branch->body, nullptr);
                    }
                }
                break;
            }
            }
        }
    }

private:
    const ArgResolver& resolve_;
    const std::string& language_;
    const std::string& file_;
    Diagnostics& diagnostics_;
    std::string& out_;

    /// The argument's value; an unknown name is reported and printed as "{name}".
    std::optional<MessageArg> lookup(const Node& node) {
        std::optional<MessageArg> arg;
        if (resolve_) {
            arg = resolve_(node.text);
        }
        if (!arg) {
            diagnostics_.error({file_, node.line, node.column},
                               "unknown argument '" + node.text + "' in the message");
            out_ += '{';
            out_ += node.text;
            out_ += '}';
        }
        return arg;
    }

    static const Branch* find_keyword(const Node& node, std::string_view key) {
        for (const auto& branch : node.branches) {
            if (!branch.exact && branch.key == key) {
                return &branch;
            }
        }
        return nullptr;
    }

    [[nodiscard]] const Branch* choose_plural(const Node& node, const MessageArg& arg) const {
        if (arg.missing || !arg.number) {
            return find_keyword(node, "other");
        }
        const double value = *arg.number;
        for (const auto& branch : node.branches) {
            if (branch.exact && branch.value == value) {
                return &branch;
            }
        }
        if (const auto* branch = find_keyword(node, plural_category(value, language_))) {
            return branch;
        }
        return find_keyword(node, "other");
    }

    static const Branch* choose_select(const Node& node, const MessageArg& arg) {
        if (arg.missing) {
            if (const auto* branch = find_keyword(node, "missing")) {
                return branch;
            }
            return find_keyword(node, "other");
        }
        if (const auto* branch = find_keyword(node, arg.text)) {
            return branch;
        }
        return find_keyword(node, "other");
    }
};

void collect_arguments(const std::vector<Node>& nodes, const std::string& file,
                       std::vector<std::pair<std::string, SourcePos>>& out) {
    for (const auto& node : nodes) {
        switch (node.kind) {
        case NodeKind::text:
        case NodeKind::pound:
            break;
        case NodeKind::argument:
        case NodeKind::number:
            out.emplace_back(node.text, SourcePos{file, node.line, node.column});
            break;
        case NodeKind::plural:
        case NodeKind::select:
            out.emplace_back(node.text, SourcePos{file, node.line, node.column});
            for (const auto& branch : node.branches) {
                collect_arguments(branch.body, file, out);
            }
            break;
        }
    }
}

} // namespace

Message::Message() : impl_(std::make_unique<Impl>()) {}
Message::~Message() = default;
Message::Message(Message&&) noexcept = default;
Message& Message::operator=(Message&&) noexcept = default;

// A moved-from message has no Impl: it behaves as an empty message.
Message::Message(const Message& other)
    : impl_(other.impl_ ? std::make_unique<Impl>(*other.impl_) : std::make_unique<Impl>()) {}

Message& Message::operator=(const Message& other) {
    if (this != &other) {
        impl_ = other.impl_ ? std::make_unique<Impl>(*other.impl_) : std::make_unique<Impl>();
    }
    return *this;
}

std::optional<Message> Message::parse(std::string_view text, SourcePos where,
                                      Diagnostics& diagnostics) {
    Message message;
    message.impl_->source = std::string(text);
    message.impl_->file = where.file;
    Parser parser(text, std::move(where), diagnostics);
    if (!parser.parse(message.impl_->body)) {
        return std::nullopt;
    }
    return message;
}

std::string Message::format(const ArgResolver& resolve, const std::string& language,
                            Diagnostics& diagnostics) const {
    static const Impl empty{};
    const auto& impl = impl_ ? *impl_ : empty;
    std::string out;
    out.reserve(impl.source.size() + 64);
    Formatter formatter(resolve, language, impl.file, diagnostics, out);
    formatter.format(impl.body, nullptr);
    return out;
}

std::vector<std::pair<std::string, SourcePos>> Message::arguments() const {
    static const Impl empty{};
    const auto& impl = impl_ ? *impl_ : empty;
    std::vector<std::pair<std::string, SourcePos>> out;
    collect_arguments(impl.body, impl.file, out);
    return out;
}

const std::string& Message::source() const {
    static const std::string empty;
    return impl_ ? impl_->source : empty;
}

std::string_view plural_category(double value, const std::string& language) {
    if (!std::isfinite(value)) {
        return "other";
    }
    const double n = std::fabs(value); // CLDR operands use the absolute value
    if (same_language(language, "fr")) {
        return n < 2.0 ? "one" : "other";
    }
    return n == 1.0 ? "one" : "other"; // en, es and every other language
}

} // namespace sfp
