#include "sfp/formula.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <set>

namespace sfp::formula {

SourcePos Expression::position(int index) const {
    SourcePos pos = where;
    const long offset = index >= 0 && static_cast<std::size_t>(index) < nodes.size()
                            ? nodes[static_cast<std::size_t>(index)].offset
                            : 0;
    // Multi-line strings: count the lines before the offset.
    long line_start = -1;
    long lines = 0;
    for (long i = 0; i < offset && static_cast<std::size_t>(i) < text.size(); ++i) {
        if (text[static_cast<std::size_t>(i)] == '\n') {
            ++lines;
            line_start = i;
        }
    }
    if (lines == 0) {
        pos.column = where.column + offset;
    } else {
        pos.line = where.line + lines;
        pos.column = offset - line_start;
    }
    return pos;
}

std::optional<std::pair<int, int>> Expression::ratio_parts() const {
    if (root < 0) {
        return std::nullopt;
    }
    const Node& top = at(root);
    if (top.op != Op::div) {
        return std::nullopt;
    }
    return std::make_pair(top.args.at(0), top.args.at(1));
}

std::vector<std::string> Expression::fields() const {
    std::set<std::string> out;
    for (const Node& node : nodes) {
        if (node.op == Op::field) {
            out.insert(node.name);
        }
    }
    return {out.begin(), out.end()};
}

std::vector<std::string> Expression::references() const {
    std::set<std::string> out;
    for (const Node& node : nodes) {
        if (node.op == Op::indicator || node.op == Op::derived) {
            out.insert(node.name);
        }
    }
    return {out.begin(), out.end()};
}

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
}
bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

struct Function {
    std::string_view name;
    Op op;
    std::size_t arity;
};

constexpr std::array<Function, 6> functions{{{"avg", Op::avg, 1},
                                             {"prev", Op::prev, 1},
                                             {"min", Op::min, 2},
                                             {"max", Op::max, 2},
                                             {"abs", Op::abs, 1},
                                             {"if", Op::if_, 3}}};

/// The deepest nesting a formula may have: levels of parentheses, calls and signs while parsing,
/// and operations inside one another in the tree. Parsing, binding, printing and evaluation all
/// recurse over the tree, so without a limit "((((...))))" or "1+1+...+1" 100,000 long would
/// overflow the stack; real formulas nest fewer than 20 deep.
constexpr int max_depth = 256;

/// A recursive-descent parser; the first error stops it.
class Parser {
public:
    Parser(std::string_view text, SourcePos where, Diagnostics& diagnostics)
        : text_(text), diagnostics_(diagnostics) {
        expression_.text = std::string(text);
        expression_.where = std::move(where);
    }

    std::optional<Expression> run() {
        skip_blanks();
        if (pos_ >= text_.size()) {
            fail(0, "empty formula",
                 "write an expression such as 'par30_balance / "
                 "gross_loan_portfolio'");
            return std::nullopt;
        }
        const int root = comparison();
        if (failed_) {
            return std::nullopt;
        }
        skip_blanks();
        if (pos_ < text_.size()) {
            fail(static_cast<long>(pos_),
                 fmt::format("unexpected '{}' after a complete expression", token_text()));
            return std::nullopt;
        }
        expression_.root = root;
        return std::move(expression_);
    }

private:
    int add(Node node) {
        long start = node.offset;
        int depth = 1;
        for (const int arg : node.args) {
            start = std::min(start, start_of(arg));
            depth = std::max(depth, depth_of(arg) + 1);
        }
        if (depth - 1 > max_depth) { // a leaf is depth 1, so depth - 1 operations enclose it
            fail(start,
                 fmt::format("too deeply nested: more than {} operations inside one another",
                             max_depth),
                 "split the formula into [[derived]] quantities");
            return -1;
        }
        starts_.push_back(start);
        depths_.push_back(depth);
        expression_.nodes.push_back(std::move(node));
        return static_cast<int>(expression_.nodes.size() - 1);
    }

    void fail(long offset, std::string message, std::string hint = {}) {
        if (failed_) {
            return;
        }
        failed_ = true;
        Node marker;
        marker.offset = offset;
        starts_.push_back(offset);
        depths_.push_back(1);
        expression_.nodes.push_back(marker);
        diagnostics_.error(expression_.position(static_cast<int>(expression_.nodes.size() - 1)),
                           "formula: " + std::move(message), std::move(hint));
    }

    void skip_blanks() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
            ++pos_;
        }
    }

    [[nodiscard]] std::string token_text() const {
        if (pos_ >= text_.size()) {
            return "end of formula";
        }
        std::size_t end = pos_ + 1;
        // A whole UTF-8 sequence ("é", not its first byte, which is not valid UTF-8 alone).
        while (end < text_.size() && static_cast<unsigned char>(text_[pos_]) >= 0xC0 &&
               (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) {
            ++end;
        }
        if (is_name_char(text_[pos_]) || is_upper(text_[pos_])) {
            while (end < text_.size() && (is_name_char(text_[end]) || is_upper(text_[end]))) {
                ++end;
            }
        }
        return std::string(text_.substr(pos_, end - pos_));
    }

    bool accept(std::string_view op) {
        skip_blanks();
        if (text_.substr(pos_, op.size()) == op) {
            pos_ += op.size();
            return true;
        }
        return false;
    }

    /// A binary node is placed where its left operand's text starts, so that a diagnostic
    /// about the whole expression points at its beginning.
    int binary(Op op, int left, int right, long start) {
        Node node;
        node.op = op;
        node.args = {left, right};
        node.offset = start;
        return add(std::move(node));
    }

    [[nodiscard]] long start_of(int index) const {
        return index < 0 ? 0 : starts_.at(static_cast<std::size_t>(index));
    }

    [[nodiscard]] int depth_of(int index) const {
        return index < 0 ? 0 : depths_.at(static_cast<std::size_t>(index));
    }

    int comparison() {
        const int left = additive();
        if (failed_) {
            return -1;
        }
        skip_blanks();
        static constexpr std::array<std::pair<std::string_view, Op>, 6> ops{{{"<=", Op::le},
                                                                             {">=", Op::ge},
                                                                             {"==", Op::eq},
                                                                             {"!=", Op::ne},
                                                                             {"<", Op::lt},
                                                                             {">", Op::gt}}};
        for (const auto& [text, op] : ops) {
            const auto offset = static_cast<long>(pos_);
            if (accept(text)) {
                const int right = additive();
                if (failed_) {
                    return -1;
                }
                skip_blanks();
                for (const auto& [again, unused] : ops) {
                    if (text_.substr(pos_, again.size()) == again) {
                        fail(static_cast<long>(pos_), "comparisons cannot be chained ('a < b < c')",
                             "compare two values at a time, inside if()");
                        return -1;
                    }
                }
                (void)offset;
                return binary(op, left, right, start_of(left));
            }
        }
        return left;
    }

    int additive() {
        int left = term();
        while (!failed_) {
            skip_blanks();
            if (accept("+")) {
                left = binary(Op::add, left, term(), start_of(left));
            } else if (accept("-")) {
                left = binary(Op::sub, left, term(), start_of(left));
            } else {
                break;
            }
        }
        return failed_ ? -1 : left;
    }

    int term() {
        int left = unary();
        while (!failed_) {
            skip_blanks();
            if (accept("*")) {
                left = binary(Op::mul, left, unary(), start_of(left));
            } else if (accept("/")) {
                left = binary(Op::div, left, unary(), start_of(left));
            } else {
                break;
            }
        }
        return failed_ ? -1 : left;
    }

    /// Every level of parentheses, call arguments and signs passes here once.
    int unary() {
        skip_blanks();
        if (nesting_ > max_depth) {
            fail(static_cast<long>(pos_),
                 fmt::format("too deeply nested: more than {} levels of parentheses, calls or "
                             "signs",
                             max_depth),
                 "split the formula into [[derived]] quantities");
            return -1;
        }
        ++nesting_;
        const int result = signed_value();
        --nesting_;
        return result;
    }

    int signed_value() {
        const auto offset = static_cast<long>(pos_);
        if (accept("-")) {
            const int operand = unary();
            if (failed_) {
                return -1;
            }
            Node node;
            node.op = Op::neg;
            node.args = {operand};
            node.offset = offset;
            return add(std::move(node));
        }
        return primary();
    }

    int number() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && (is_digit(text_[pos_]) || text_[pos_] == '.')) {
            ++pos_;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            std::size_t end = pos_ + 1;
            if (end < text_.size() && (text_[end] == '+' || text_[end] == '-')) {
                ++end;
            }
            if (end < text_.size() && is_digit(text_[end])) {
                pos_ = end;
                while (pos_ < text_.size() && is_digit(text_[pos_])) {
                    ++pos_;
                }
            }
        }
        double value = 0;
        const auto* first = text_.data() + start;
        const auto* last = text_.data() + pos_;
        const auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
            fail(static_cast<long>(start),
                 fmt::format("expected a number, found '{}'", text_.substr(start, pos_ - start)));
            return -1;
        }
        Node node;
        node.op = Op::number;
        node.number = value;
        node.offset = static_cast<long>(start);
        return add(std::move(node));
    }

    int primary() {
        skip_blanks();
        if (pos_ >= text_.size()) {
            fail(static_cast<long>(pos_), "expected a value, found the end of the formula");
            return -1;
        }
        const char c = text_[pos_];
        const auto offset = static_cast<long>(pos_);
        if (is_digit(c) || c == '.') {
            return number();
        }
        if (c == '(') {
            ++pos_;
            const int inner = comparison();
            if (failed_) {
                return -1;
            }
            if (!accept(")")) {
                fail(static_cast<long>(pos_),
                     fmt::format("expected ')' to close the '(' at column {}, found '{}'",
                                 expression_.where.column + offset, token_text()));
                return -1;
            }
            return inner;
        }
        if (is_upper(c)) {
            return indicator_id();
        }
        if (!is_name_start(c)) {
            fail(offset, fmt::format("expected a value, found '{}'", token_text()));
            return -1;
        }
        std::size_t end = pos_;
        while (end < text_.size() && is_name_char(text_[end])) {
            ++end;
        }
        if (end < text_.size() && is_upper(text_[end])) {
            fail(offset, fmt::format("names are lowercase: '{}'", token_text()));
            return -1;
        }
        const std::string name(text_.substr(pos_, end - pos_));
        pos_ = end;
        skip_blanks();
        if (pos_ < text_.size() && text_[pos_] == '(') {
            return call(name, offset);
        }
        Node node;
        node.op = Op::name;
        node.name = name;
        node.offset = offset;
        return add(std::move(node));
    }

    int indicator_id() {
        const auto offset = static_cast<long>(pos_);
        std::size_t end = pos_;
        while (end < text_.size() && (is_upper(text_[end]) || is_digit(text_[end]))) {
            ++end;
        }
        if (end + 1 < text_.size() && text_[end] == '-' && is_digit(text_[end + 1])) {
            ++end;
            while (end < text_.size() && is_digit(text_[end])) {
                ++end;
            }
            Node node;
            node.op = Op::indicator;
            node.name = std::string(text_.substr(pos_, end - pos_));
            node.offset = offset;
            pos_ = end;
            return add(std::move(node));
        }
        fail(offset,
             fmt::format("expected an indicator id such as 'FIN-08' (written without spaces) or "
                         "a lowercase name, found '{}'",
                         text_.substr(pos_, end - pos_)));
        return -1;
    }

    int call(const std::string& name, long offset) {
        const auto found = std::find_if(functions.begin(), functions.end(),
                                        [&](const Function& f) { return f.name == name; });
        if (found == functions.end()) {
            std::vector<std::string> names;
            for (const auto& f : functions) {
                names.emplace_back(f.name);
            }
            fail(offset,
                 fmt::format("unknown function '{}' (expected one of avg, prev, min, max, abs, "
                             "if)",
                             name),
                 did_you_mean(name, names));
            return -1;
        }
        ++pos_; // '('
        Node node;
        node.op = found->op;
        node.name = name;
        node.offset = offset;
        skip_blanks();
        if (pos_ < text_.size() && text_[pos_] == ')') {
            ++pos_;
        } else {
            while (true) {
                const int arg = comparison();
                if (failed_) {
                    return -1;
                }
                node.args.push_back(arg);
                if (accept(",")) {
                    continue;
                }
                if (accept(")")) {
                    break;
                }
                fail(static_cast<long>(pos_),
                     fmt::format("expected ',' or ')' in the arguments of {}(), found '{}'", name,
                                 token_text()));
                return -1;
            }
        }
        if (node.args.size() != found->arity) {
            fail(offset, fmt::format("{}() takes {} argument{}, found {}", name, found->arity,
                                     found->arity == 1 ? "" : "s", node.args.size()));
            return -1;
        }
        return add(std::move(node));
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::vector<long> starts_; ///< where each node's text starts
    std::vector<int> depths_;  ///< each node's depth in the tree (a leaf is 1)
    int nesting_ = 0;          ///< levels of unary() being parsed
    bool failed_ = false;
    Expression expression_;
    Diagnostics& diagnostics_;
};

enum class Type { number, condition };

bool is_comparison(Op op) {
    return op == Op::lt || op == Op::le || op == Op::gt || op == Op::ge || op == Op::eq ||
           op == Op::ne;
}

/// Resolves names and checks types bottom-up; returns false after the first error.
class Binder {
public:
    Binder(Expression& expression, const NameTable& names, Diagnostics& diagnostics)
        : expression_(expression), names_(names), diagnostics_(diagnostics) {}

    bool run() {
        if (expression_.root < 0) {
            return false;
        }
        const auto type = check(expression_.root);
        if (!type) {
            return false;
        }
        if (*type == Type::condition) {
            error(expression_.root, "a formula must give a number, not a condition",
                  "use if(condition, value_if_true, value_if_false)");
            return false;
        }
        return true;
    }

private:
    Node& node(int index) { return expression_.nodes.at(static_cast<std::size_t>(index)); }

    void error(int index, std::string message, std::string hint = {}) {
        diagnostics_.error(expression_.position(index), "formula: " + std::move(message),
                           std::move(hint));
    }

    bool resolve(int index) {
        Node& n = node(index);
        double value = 0;
        switch (names_.resolve(n.name, value)) {
        case NameKind::field:
            n.op = Op::field;
            return true;
        case NameKind::flow_field:
            n.op = Op::field;
            return true;
        case NameKind::series:
            n.op = Op::series;
            return true;
        case NameKind::derived:
            n.op = Op::derived;
            return true;
        case NameKind::parameter:
            n.op = Op::parameter;
            n.number = value;
            return true;
        case NameKind::indicator:
            n.op = Op::indicator;
            return true;
        case NameKind::unknown:
            break;
        }
        if (n.name == "months") {
            n.op = Op::months;
            return true;
        }
        if (n.name == "fiscal_year") {
            n.op = Op::year;
            return true;
        }
        auto candidates = names_.candidates();
        candidates.emplace_back("months");
        candidates.emplace_back("fiscal_year");
        error(index,
              fmt::format("unknown name '{}' (not a numeric canonical field, reference series, "
                          "derived quantity or parameter)",
                          n.name),
              did_you_mean(n.name, candidates));
        return false;
    }

    /// Whether the subtree reads a flow field directly (avg() of it makes no sense).
    std::optional<int> flow_in(int index) {
        const Node& n = node(index);
        if (n.op == Op::field) {
            double unused = 0;
            if (names_.resolve(n.name, unused) == NameKind::flow_field) {
                return index;
            }
        }
        for (const int arg : n.args) {
            if (auto found = flow_in(arg)) {
                return found;
            }
        }
        return std::nullopt;
    }

    std::optional<Type> check(int index) {
        Node& n = node(index);
        if (n.op == Op::number) {
            return Type::number;
        }
        if (n.op == Op::name) {
            return resolve(index) ? std::optional<Type>(Type::number) : std::nullopt;
        }
        if (n.op == Op::indicator) {
            double unused = 0;
            if (names_.resolve(n.name, unused) != NameKind::indicator) {
                const auto candidates = names_.candidates();
                error(index, fmt::format("unknown indicator '{}'", n.name),
                      did_you_mean(n.name, candidates));
                return std::nullopt;
            }
            return Type::number;
        }
        std::vector<Type> types;
        for (const int arg : std::vector<int>(n.args)) {
            const auto type = check(arg);
            if (!type) {
                return std::nullopt;
            }
            types.push_back(*type);
        }
        const Node& checked = node(index);
        if (checked.op == Op::if_) {
            if (types[0] != Type::condition) {
                error(checked.args[0],
                      "the first argument of if() must be a condition such as 'a < b'");
                return std::nullopt;
            }
            for (std::size_t i = 1; i < 3; ++i) {
                if (types[i] != Type::number) {
                    error(checked.args[i], "if() chooses between numbers, not conditions");
                    return std::nullopt;
                }
            }
            return Type::number;
        }
        for (std::size_t i = 0; i < types.size(); ++i) {
            if (types[i] == Type::condition) {
                error(checked.args[i],
                      "a condition cannot be used as a number (only as the first argument of "
                      "if())");
                return std::nullopt;
            }
        }
        if (checked.op == Op::avg) {
            if (auto flow = flow_in(checked.args[0])) {
                error(*flow,
                      fmt::format("avg() averages balances (stocks), but '{}' is a flow over "
                                  "the period",
                                  node(*flow).name),
                      "use the flow itself; flows are annualised, not averaged");
                return std::nullopt;
            }
        }
        return is_comparison(checked.op) ? Type::condition : Type::number;
    }

    Expression& expression_;
    const NameTable& names_;
    Diagnostics& diagnostics_;
};

std::string_view op_text(Op op) {
    static constexpr std::array<std::pair<Op, std::string_view>, 10> texts{{{Op::add, "+"},
                                                                            {Op::sub, "-"},
                                                                            {Op::mul, "*"},
                                                                            {Op::div, "/"},
                                                                            {Op::lt, "<"},
                                                                            {Op::le, "<="},
                                                                            {Op::gt, ">"},
                                                                            {Op::ge, ">="},
                                                                            {Op::eq, "=="},
                                                                            {Op::ne, "!="}}};
    for (const auto& [candidate, text] : texts) {
        if (candidate == op) {
            return text;
        }
    }
    return "?";
}

int precedence(Op op) {
    if (is_comparison(op)) {
        return 1;
    }
    if (op == Op::add || op == Op::sub) {
        return 2;
    }
    if (op == Op::mul || op == Op::div) {
        return 3;
    }
    return op == Op::neg ? 4 : 5;
}

} // namespace

std::optional<Expression> parse(std::string_view text, SourcePos where, Diagnostics& diagnostics) {
    return Parser(text, std::move(where), diagnostics).run();
}

bool bind(Expression& expression, const NameTable& names, Diagnostics& diagnostics) {
    return Binder(expression, names, diagnostics).run();
}

std::string to_string(const Expression& expression, int index) {
    if (index < 0) {
        index = expression.root;
    }
    if (index < 0) {
        return "";
    }
    const Node& n = expression.at(index);
    auto child = [&](int arg, bool right) {
        const Node& c = expression.at(arg);
        const std::string text = to_string(expression, arg);
        // A comparison inside a comparison keeps its parentheses: "a < b < c" does not parse.
        const bool wrap = precedence(c.op) < precedence(n.op) ||
                          (right && precedence(c.op) == precedence(n.op) &&
                           (n.op == Op::sub || n.op == Op::div)) ||
                          (is_comparison(c.op) && is_comparison(n.op));
        return wrap ? "(" + text + ")" : text;
    };
    switch (n.op) {
    case Op::number:
        return fmt::format("{}", n.number);
    case Op::name:
    case Op::field:
    case Op::series:
    case Op::derived:
    case Op::parameter:
    case Op::indicator:
        return n.name;
    case Op::months:
        return "months";
    case Op::year:
        return "fiscal_year";
    case Op::neg:
        return "-" + child(n.args[0], true);
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::div:
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
    case Op::eq:
    case Op::ne:
        return child(n.args[0], false) + " " + std::string(op_text(n.op)) + " " +
               child(n.args[1], true);
    case Op::avg:
    case Op::prev:
    case Op::min:
    case Op::max:
    case Op::abs:
    case Op::if_: {
        std::string out = n.name + "(";
        for (std::size_t i = 0; i < n.args.size(); ++i) {
            out += (i == 0 ? "" : ", ") + to_string(expression, n.args[i]);
        }
        return out + ")";
    }
    }
    return "";
}

} // namespace sfp::formula
