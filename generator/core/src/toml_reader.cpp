#include "toml_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <string_view>
#include <vector>

namespace sfp::detail {

std::string type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::none:
        return "nothing";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    }
    return "a value";
}

SourcePos position(const std::string& file, const toml::node& node) {
    const auto& source = node.source();
    return {file, static_cast<long>(source.begin.line), static_cast<long>(source.begin.column)};
}

namespace {

/// A configuration file is small (the largest shipped one is a few kB): a bigger one is a
/// mistake (a data file given as the configuration) or hostile, and is not read whole.
constexpr std::size_t max_config_bytes = std::size_t{16} << 20;

/// Reads `in` whole, or up to just past max_config_bytes (then the caller reports it).
std::string read_bounded(std::ifstream& in) {
    std::string text;
    std::vector<char> chunk(std::size_t{64} * 1024);
    while (text.size() <= max_config_bytes && in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    return text;
}

/// The line and column of byte `offset` of `text`.
SourcePos position_of(const std::string& file, std::string_view text, std::size_t offset) {
    const std::string_view before = text.substr(0, offset);
    const auto line_start = before.rfind('\n');
    const auto lines = std::count(before.begin(), before.end(), '\n');
    const std::size_t column =
        line_start == std::string_view::npos ? offset + 1 : offset - line_start;
    return {file, static_cast<long>(lines) + 1, static_cast<long>(column)};
}

} // namespace

std::optional<toml::table> parse_toml_file(const std::string& path, Diagnostics& diagnostics) {
    std::error_code ignored;
    std::ifstream probe(path, std::ios::binary);
    if (!probe || std::filesystem::is_directory(path, ignored)) {
        diagnostics.error({path, 0, 0}, "cannot open configuration file: no such file or not "
                                        "readable");
        return std::nullopt;
    }
    const std::string text = read_bounded(probe);
    if (text.size() > max_config_bytes) {
        diagnostics.error(position_of(path, text, max_config_bytes),
                          fmt::format("configuration file larger than the limit of {} bytes: "
                                      "expected a TOML configuration, found a bigger file",
                                      max_config_bytes),
                          "is it a data file? Data files are named by 'path' in [[source]]");
        return std::nullopt;
    }
    try {
        return toml::parse(std::string_view(text), path);
    } catch (const toml::parse_error& error) {
        const auto& begin = error.source().begin;
        diagnostics.error({path, static_cast<long>(begin.line), static_cast<long>(begin.column)},
                          fmt::format("invalid TOML: {}", error.description()));
        return std::nullopt;
    }
}

TomlReader::TomlReader(const toml::table& table, std::string file, std::string label,
                       Diagnostics& diagnostics)
    : table_(table), file_(std::move(file)), label_(std::move(label)), diagnostics_(diagnostics) {}

SourcePos TomlReader::where(std::string_view key) const {
    if (const toml::node* node = table_.get(key)) {
        return position(file_, *node);
    }
    return where();
}

void TomlReader::wrong_type(std::string_view key, const toml::node& node,
                            std::string_view expected) {
    diagnostics_.error(position(file_, node), fmt::format("'{}' in {}: expected {}, found {}", key,
                                                          label_, expected, type_name(node)));
}

void TomlReader::missing(std::string_view key) {
    diagnostics_.error(where(), fmt::format("missing required key '{}' in {}", key, label_));
}

std::optional<std::string> TomlReader::string(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        if (required) {
            missing(key);
        }
        return std::nullopt;
    }
    if (const auto* value = node->as_string()) {
        return value->get();
    }
    wrong_type(key, *node, "a string");
    return std::nullopt;
}

std::optional<std::int64_t> TomlReader::integer(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        if (required) {
            missing(key);
        }
        return std::nullopt;
    }
    if (const auto* value = node->as_integer()) {
        return value->get();
    }
    wrong_type(key, *node, "an integer");
    return std::nullopt;
}

std::vector<std::string> TomlReader::strings(std::string_view key, bool required,
                                             std::vector<SourcePos>* positions) {
    std::vector<std::string> out;
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        if (required) {
            missing(key);
        }
        return out;
    }
    if (const auto* value = node->as_string()) {
        out.push_back(value->get());
        if (positions != nullptr) {
            positions->push_back(position(file_, *node));
        }
        return out;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
        wrong_type(key, *node, "an array of strings");
        return out;
    }
    for (const toml::node& element : *array) {
        const auto* text = element.as_string();
        if (text == nullptr) {
            wrong_type(key, element, "a string");
            continue;
        }
        out.push_back(text->get());
        if (positions != nullptr) {
            positions->push_back(position(file_, element));
        }
    }
    return out;
}

const toml::table* TomlReader::table(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        if (required) {
            missing(key);
        }
        return nullptr;
    }
    if (const auto* value = node->as_table()) {
        return value;
    }
    wrong_type(key, *node, "a table");
    return nullptr;
}

const toml::array* TomlReader::array(std::string_view key, bool required) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
        if (required) {
            missing(key);
        }
        return nullptr;
    }
    if (const auto* value = node->as_array()) {
        return value;
    }
    wrong_type(key, *node, "an array");
    return nullptr;
}

void TomlReader::reject_unknown_keys(const std::vector<std::string>& allowed) {
    for (const auto& [key, node] : table_) {
        const std::string name(key.str());
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
            continue;
        }
        diagnostics_.error({file_, static_cast<long>(key.source().begin.line),
                            static_cast<long>(key.source().begin.column)},
                           fmt::format("unknown key '{}' in {}", name, label_),
                           did_you_mean(name, allowed));
    }
}

} // namespace sfp::detail
