#pragma once
/// The formula language of the indicator catalogue (docs/indicators.md): parsed once, with
/// diagnostics at file:line:col, then bound to names and type-checked; evaluated over columns by
/// the indicator engine.

#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfp::formula {

enum class Op : std::uint8_t {
    number,    ///< constant
    name,      ///< unresolved name (before binding)
    field,     ///< canonical numeric field
    series,    ///< reference series: inflation_rate, gni_per_capita
    derived,   ///< a [[derived]] quantity
    parameter, ///< a [parameters] value (constant after binding)
    indicator, ///< institution value of another indicator
    months,    ///< length of the record's period in months
    year,      ///< the record's fiscal year
    neg,
    add,
    sub,
    mul,
    div,
    lt,
    le,
    gt,
    ge,
    eq,
    ne,
    avg,
    prev,
    min,
    max,
    abs,
    if_,
};

struct Node {
    Op op = Op::number;
    double number = 0;     ///< number, or a parameter's value after binding
    std::string name;      ///< name, field, series, derived, parameter, indicator
    std::vector<int> args; ///< child node indexes
    long offset = 0;       ///< character offset in the formula text, for diagnostics
};

/// A parsed formula: nodes in a flat vector, `root` the top node.
struct Expression {
    std::string text;
    SourcePos where; ///< position of the formula's first character
    std::vector<Node> nodes;
    int root = -1;

    [[nodiscard]] bool empty() const { return root < 0; }
    [[nodiscard]] const Node& at(int index) const {
        return nodes.at(static_cast<std::size_t>(index));
    }
    /// The position of a node's text, for diagnostics.
    [[nodiscard]] SourcePos position(int index) const;
    /// For `a / b` at the top: the numerator and denominator nodes; nullopt otherwise.
    [[nodiscard]] std::optional<std::pair<int, int>> ratio_parts() const;
    /// Canonical fields used, directly (not through derived quantities or indicators), sorted.
    [[nodiscard]] std::vector<std::string> fields() const;
    /// Names of indicators and derived quantities referred to directly.
    [[nodiscard]] std::vector<std::string> references() const;
};

/// Parses `text`; `where` is the position of its first character (the config value's position
/// plus one for the quote). nullopt with a diagnostic at the offending character on error.
[[nodiscard]] std::optional<Expression> parse(std::string_view text, SourcePos where,
                                              Diagnostics& diagnostics);

/// What a name means when binding.
enum class NameKind { unknown, field, flow_field, series, derived, parameter, indicator };

/// Resolves names for `bind`: returns the kind, and for parameters their value.
struct NameTable {
    std::function<NameKind(std::string_view name, double& value)> resolve;
    std::function<std::vector<std::string>()> candidates; ///< for "did you mean"
};

/// Resolves every name, checks arity and types (a condition only as `if`'s first argument;
/// `avg` of stocks only) and folds parameters into constants. False with diagnostics.
bool bind(Expression& expression, const NameTable& names, Diagnostics& diagnostics);

/// Prints an expression back as text (normalised spacing), for documents and tests.
[[nodiscard]] std::string to_string(const Expression& expression, int node = -1);

} // namespace sfp::formula
