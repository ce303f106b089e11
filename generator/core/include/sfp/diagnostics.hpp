#pragma once
/// User-facing errors as values: where (file:line:col), what was expected, what was seen, a hint.

#include <string>
#include <string_view>
#include <vector>

namespace sfp {

enum class Severity { warning, error };

/// A position in a user's file. Lines and columns count from 1; 0 means "unknown".
/// For CSV files `line` is the record's row number (header = 1) and `column` the field number.
struct SourcePos {
    std::string file;
    long line = 0;
    long column = 0;
};

struct Diagnostic {
    Severity severity = Severity::error;
    SourcePos where;
    std::string message; ///< lowercase, no final period: "unknown column 'revnue' in source 'mfi'"
    std::string hint;    ///< optional: "did you mean 'revenue'?"
    std::string code;    ///< optional stable code for data problems, e.g. "invalid-encoding"
};

/// Writes "file:line:col: error: message" and, when present, "  hint: ..." on a second line.
[[nodiscard]] std::string to_string(const Diagnostic& diagnostic);

/// An ordered collection of diagnostics from one run.
class Diagnostics {
public:
    void error(SourcePos where, std::string message, std::string hint = {}, std::string code = {});
    void warning(SourcePos where, std::string message, std::string hint = {},
                 std::string code = {});
    void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }

    [[nodiscard]] bool has_errors() const;
    [[nodiscard]] std::size_t error_count() const;
    [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }

private:
    std::vector<Diagnostic> items_;
};

/// Levenshtein distance, used for "did you mean" hints.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo, else empty.
[[nodiscard]] std::string closest_match(std::string_view word,
                                        const std::vector<std::string>& candidates);

/// "did you mean 'x'?" for the closest candidate, or an empty string.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

} // namespace sfp
