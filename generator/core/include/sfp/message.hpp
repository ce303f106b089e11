#pragma once
/// Report text with values from results: a subset of ICU MessageFormat, parsed once from the
/// template's text files and formatted per report. Documented in docs/templates.md.
///
///   Plain text {name} more text
///   {name}                                   the argument's text
///   {count, plural, one {# institution} other {# institutions}}
///   {OUT-01.change, select, up {rose} down {fell} other {did not change}}
///   '{' and '}' quote braces; '' is one apostrophe (ICU rules); a lone ' is literal
///
/// Argument names are [A-Za-z0-9_.-]+ (so indicator ids such as "OUT-01.prev" are names).
/// Plural categories follow CLDR for the language: en and es "one" for exactly 1, fr "one" for
/// 0 and 1 (and numbers in [0, 2)); "=N" selectors match exactly; "other" is required in plural
/// and select. `#` directly inside a plural branch prints the argument's text (already in the
/// locale's format); when that text is empty, the number in the language's format (no decimals
/// for integers). Columns of positions count code points; a line break in the text moves to the
/// next line, column 1. Valid ICU that is probably a mistake is a warning: an apostrophe after
/// a letter quoting an argument ("l'{name}"), and plural categories en/fr/es never select.

#include "sfp/diagnostics.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfp {

/// A value a message refers to: its printed text (already formatted for the report's locale),
/// and the number behind it for plural selection. `missing` values print their `text` (".."
/// or "n/a") and select the "other"/"missing" branch of a select.
struct MessageArg {
    std::string text;
    std::optional<double> number;
    bool missing = false;
};

/// Resolves an argument name; nullopt means the name is unknown (a template error).
using ArgResolver = std::function<std::optional<MessageArg>(std::string_view name)>;

class Message {
public:
    Message();
    ~Message();
    Message(Message&&) noexcept;
    Message& operator=(Message&&) noexcept;
    Message(const Message&);
    Message& operator=(const Message&);

    /// Parses `text`. `where` is the position of the text's first character in its file (for a
    /// TOML basic string, one past the opening quote), so errors point at file:line:col of the
    /// offending character. Returns nullopt with a diagnostic on a syntax error (unbalanced
    /// brace, unknown format type, a plural or select without "other", bad selector).
    [[nodiscard]] static std::optional<Message> parse(std::string_view text, SourcePos where,
                                                      Diagnostics& diagnostics);

    /// Formats with `resolve` in `language` ("en", "fr", "es"; others use the English plural
    /// rule). Unknown argument names are reported at their position and formatted as "{name}";
    /// returns the text either way (the caller decides whether the run can continue).
    [[nodiscard]] std::string format(const ArgResolver& resolve, const std::string& language,
                                     Diagnostics& diagnostics) const;

    /// Every argument name the message refers to, with its position (to check a template
    /// against the arguments a report provides before formatting anything).
    [[nodiscard]] std::vector<std::pair<std::string, SourcePos>> arguments() const;

    /// The source text, as written.
    [[nodiscard]] const std::string& source() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The CLDR plural category ("one" or "other"; "many" is not used) of `value` in `language`.
[[nodiscard]] std::string_view plural_category(double value, const std::string& language);

} // namespace sfp
