#pragma once
/// Report templates: templates/<name>/document.toml (the structure) and the text files
/// templates/common/text/<lang>/*.toml + templates/<name>/text/<lang>/*.toml (the words).
/// Documented in docs/templates.md.

#include "sfp/catalogue.hpp"
#include "sfp/diagnostics.hpp"
#include "sfp/message.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// One text of a language: the parsed message and where it was written.
struct TextEntry {
    Message message;
    SourcePos where;
};

/// The words of one language. Keys are "<file stem>.<key>" (nested tables add ".<table>").
struct TextSet {
    std::string language;
    std::map<std::string, TextEntry, std::less<>> entries;
    [[nodiscard]] const TextEntry* find(std::string_view key) const;
};

enum class BlockType { contents, heading, paragraph, key_figures, table, figure, page_break };

/// One `[[block]]` of document.toml. Text fields hold text keys ("intro.mandate").
struct TemplateBlock {
    BlockType type = BlockType::paragraph;
    std::string text;                    ///< heading, paragraph, contents: a text key
    int level = 1;                       ///< heading: 1 or 2
    bool annex = false;                  ///< heading: lettered "Annex A"
    std::string id;                      ///< heading, table, figure: anchor
    std::vector<std::string> footnotes;  ///< paragraph, table, figure: text keys
    bool numbered = true;                ///< paragraph: GB paragraph number
    std::vector<std::string> indicators; ///< key-figures, table, figure ("ID" or "ID:median")
    std::string indicator;               ///< figure
    std::string title;                   ///< key-figures: text key
    bool targets = false;                ///< key-figures: add the target status counts
    std::string table;                   ///< table: one of table_kinds()
    std::string figure;                  ///< figure: a kind of report_figures.hpp
    std::string grouping;                ///< table, figure: a grouping ("region", "peer:age")
    std::string caption;                 ///< table, figure: text key
    std::string note;                    ///< table, figure, key-figures: text key
    std::string sheet;                   ///< table, figure: workbook sheet name
    bool in_pdf = true;                  ///< table: false = workbook only
    bool in_xlsx = true;                 ///< table: false = PDF only
    /// table `issues`: at most this many findings of each code (the first in file order), the
    /// rest counted in a row per code; 0: every finding.
    int max_per_code = 0;
    /// table `by-scope-year`: a line a row (the indicator's short name, values without n under
    /// them, a column of n over the years shown).
    bool compact = false;
    int years = 0;    ///< table (trend, by-scope-year, coverage): only the last N years; 0: all
    std::string when; ///< one of block_conditions(), or empty
    SourcePos where;
};

struct ReportTemplate {
    std::string path;               ///< document.toml
    std::string title;              ///< [document] title: a text key
    std::string subtitle;           ///< text key, may be empty
    std::string summary;            ///< text key, may be empty
    std::string author;             ///< text key, may be empty
    std::string subject;            ///< text key, may be empty
    std::vector<std::string> cover; ///< text keys K: each line is K.label and K.value
    std::vector<TemplateBlock> blocks;
    std::map<std::string, TextSet> languages; ///< "en", "fr", "es" -> texts

    /// Indicator ids the template refers to (blocks and messages), sorted, unique.
    [[nodiscard]] std::vector<std::string> indicators() const;
    /// Groupings the blocks refer to, in order of appearance, unique.
    [[nodiscard]] std::vector<std::string> groupings() const;
};

/// "results-matrix", "by-scope", "trend", "benchmark", ...: the `table` kinds of a table block.
[[nodiscard]] const std::vector<std::string>& table_kinds();
/// "targets", "guard-rails", "survey-data", ...: the values of `when`.
[[nodiscard]] const std::vector<std::string>& block_conditions();

/// True when `name` is an argument a report provides to its messages (docs/templates.md):
/// fixed names (year, n_institutions, targets.on-track...) and, for every indicator X of the
/// catalogue, X, X.prev, X.first, X.n, X.change, X.delta, X.name, X.short, X.status,
/// X.target, X.baseline.
[[nodiscard]] bool is_message_argument(std::string_view name, const Catalogue& catalogue);

/// Loads document.toml at `path` and the text files of every language found in
/// <template folder>/text/<lang>/ (with <template folder>/../common/text/<lang>/ under them).
/// Checks keys, types, block kinds, text keys, indicator ids, message syntax and arguments, and
/// that every language has the same keys. Nullopt with diagnostics at file:line:col on error.
[[nodiscard]] std::optional<ReportTemplate>
load_template(const std::string& path, const Catalogue& catalogue, Diagnostics& diagnostics);

/// Loads the text files of one folder into `into` (later files override earlier keys).
bool load_text_folder(const std::string& folder, TextSet& into, Diagnostics& diagnostics);

} // namespace sfp
