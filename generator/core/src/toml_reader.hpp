#pragma once
// Typed reads from a toml++ table that turn every mistake into a diagnostic at file:line:col.

#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <toml++/toml.h>
#include <vector>

namespace sfp::detail {

/// The position of a toml++ node in `file`.
SourcePos position(const std::string& file, const toml::node& node);

/// What a node is, for "expected ..., found ..." messages: "a table", "an integer", ...
std::string type_name(const toml::node& node);

/// Parses a TOML file; on failure records the parser's error with its position.
std::optional<toml::table> parse_toml_file(const std::string& path, Diagnostics& diagnostics);

/// A view of one TOML table with the file name and a label for messages ("[report]").
class TomlReader {
public:
    TomlReader(const toml::table& table, std::string file, std::string label,
               Diagnostics& diagnostics);

    std::optional<std::string> string(std::string_view key, bool required);
    std::optional<std::int64_t> integer(std::string_view key, bool required);
    /// An array of strings; a single string is accepted as a one-element array.
    std::vector<std::string> strings(std::string_view key, bool required,
                                     std::vector<SourcePos>* positions = nullptr);
    const toml::table* table(std::string_view key, bool required);
    const toml::array* array(std::string_view key, bool required);

    /// Reports every key not in `allowed`, with a "did you mean" hint.
    void reject_unknown_keys(const std::vector<std::string>& allowed);

    [[nodiscard]] SourcePos where() const { return position(file_, table_); }
    [[nodiscard]] SourcePos where(std::string_view key) const;
    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] const toml::table& raw() const { return table_; }

private:
    void wrong_type(std::string_view key, const toml::node& node, std::string_view expected);
    void missing(std::string_view key);

    const toml::table& table_;
    std::string file_;
    std::string label_;
    Diagnostics& diagnostics_;
};

} // namespace sfp::detail
