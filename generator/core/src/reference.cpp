#include "sfp/reference.hpp"

#include "sfp/csv.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <tuple>

namespace sfp {

namespace {

/// The columns of countries.csv, in order.
constexpr std::array<std::string_view, 8> columns = {
    "iso3", "iso2", "numeric", "name_en", "name_fr", "name_es", "wb_region", "alt_names"};

// 1-based column numbers, for diagnostics.
constexpr long col_iso3 = 1;
constexpr long col_iso2 = 2;
constexpr long col_numeric = 3;
constexpr long col_name_en = 4;
constexpr long col_wb_region = 7;
constexpr long col_alt_names = 8;

/// ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin Extended-A); an empty
/// entry is a symbol (multiplication and division signs) and becomes a space.
constexpr std::array<std::string_view, 0x180 - 0xC0> latin_folds = {
    // U+00C0 À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0 Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0 à á â ã ä å æ ç è é ê ë ì í î ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110 Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};

/// Windows-1252 bytes 0x80..0x9F that are letters (the rest are symbols and quotes: spaces).
std::string_view fold_cp1252_c1(unsigned char byte) {
    switch (byte) {
    case 0x83:
        return "f";
    case 0x8A:
    case 0x9A:
        return "s";
    case 0x8C:
    case 0x9C:
        return "oe";
    case 0x8E:
    case 0x9E:
        return "z";
    case 0x9F:
        return "y";
    default:
        return {};
    }
}

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0U) == 0x80U;
}

/// Length of the valid UTF-8 sequence starting at `text[pos]` and its code point; 0 if the
/// bytes there are not valid UTF-8 (overlong forms and surrogates included).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& code_point) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const std::size_t left = text.size() - pos;
    const unsigned char lead = byte(0);
    if (lead >= 0xC2 && lead <= 0xDF && left >= 2 && is_continuation(byte(1))) {
        code_point = static_cast<char32_t>(((lead & 0x1FU) << 6U) | (byte(1) & 0x3FU));
        return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF && left >= 3 && is_continuation(byte(1)) &&
        is_continuation(byte(2))) {
        if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) > 0x9F)) {
            return 0;
        }
        code_point = static_cast<char32_t>(((lead & 0x0FU) << 12U) | ((byte(1) & 0x3FU) << 6U) |
                                           (byte(2) & 0x3FU));
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4 && left >= 4 && is_continuation(byte(1)) &&
        is_continuation(byte(2)) && is_continuation(byte(3))) {
        if ((lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) > 0x8F)) {
            return 0;
        }
        code_point = static_cast<char32_t>(((lead & 0x07U) << 18U) | ((byte(1) & 0x3FU) << 12U) |
                                           ((byte(2) & 0x3FU) << 6U) | (byte(3) & 0x3FU));
        return 4;
    }
    return 0;
}

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

/// Appends the folding of a code point >= U+0080 that is not kept as written; returns false
/// when the code point has no folding (a non-Latin letter), so the caller keeps its bytes.
bool append_folded(char32_t code_point, std::string& out) {
    if (code_point >= 0xC0 && code_point < 0x180) {
        const std::string_view folded = latin_folds[code_point - 0xC0];
        out += folded.empty() ? std::string_view(" ") : folded;
        return true;
    }
    // C1 controls, Latin-1 symbols (no-break space, inverted marks, guillemets), general
    // punctuation (typographic quotes and dashes, special spaces), the ideographic space and
    // the byte order mark separate words.
    if (code_point < 0xC0 || (code_point >= 0x2000 && code_point <= 0x206F) ||
        code_point == 0x3000 || code_point == 0xFEFF) {
        out += ' ';
        return true;
    }
    return false;
}

/// Splits on spaces, drops the word "the" and joins with single spaces.
std::string collapse_words(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = text.find_first_not_of(' ', pos);
        if (start == std::string_view::npos) {
            break;
        }
        std::size_t end = text.find(' ', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view word = text.substr(start, end - start);
        if (word != "the") {
            if (!out.empty()) {
                out += ' ';
            }
            out += word;
        }
        pos = end;
    }
    return out;
}

bool is_upper_code(std::string_view text, std::size_t length) {
    return text.size() == length &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_alpha_code(std::string_view text) {
    return (text.size() == 2 || text.size() == 3) &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

std::string to_upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), ascii_upper);
    return out;
}

/// ISO 3166-1 leaves AA, QM-QZ, XA-XZ and ZZ to users (XK for Kosovo); those have no numeric
/// code.
bool is_user_assigned(std::string_view iso2) {
    if (iso2.size() != 2) {
        return false;
    }
    return iso2 == "AA" || iso2 == "ZZ" || iso2[0] == 'X' || (iso2[0] == 'Q' && iso2[1] >= 'M');
}

/// Splits a '|' list; entries are trimmed, empty entries kept (the caller reports them).
std::vector<std::string> split_alt_names(std::string_view text) {
    std::vector<std::string> out;
    if (trim_blanks(text).empty()) {
        return out;
    }
    std::size_t pos = 0;
    for (;;) {
        const std::size_t bar = text.find('|', pos);
        out.emplace_back(
            trim_blanks(text.substr(pos, bar == std::string_view::npos ? text.npos : bar - pos)));
        if (bar == std::string_view::npos) {
            return out;
        }
        pos = bar + 1;
    }
}

/// Checks the header row; reports the first column that differs.
bool check_header(const CsvRecord& header, const std::string& path, Diagnostics& diagnostics) {
    const std::string expected = fmt::format("{}", fmt::join(columns, ","));
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const long column = static_cast<long>(i) + 1;
        if (i >= header.fields.size()) {
            diagnostics.error(
                {path, header.row, column},
                fmt::format("missing column '{}' in the country table header", columns[i]),
                fmt::format("the header must be: {}", expected));
            return false;
        }
        if (trim_blanks(header.fields[i]) != columns[i]) {
            diagnostics.error({path, header.row, column},
                              fmt::format("expected column '{}' in the country table header, "
                                          "found '{}'",
                                          columns[i], header.fields[i]),
                              fmt::format("the header must be: {}", expected));
            return false;
        }
    }
    if (header.fields.size() > columns.size()) {
        diagnostics.error({path, header.row, static_cast<long>(columns.size()) + 1},
                          fmt::format("unexpected column '{}' in the country table header",
                                      header.fields[columns.size()]),
                          fmt::format("the header must be: {}", expected));
        return false;
    }
    return true;
}

/// Parses and shape-checks one data row; reports every problem and returns nullopt if any.
std::optional<Country> parse_row(const CsvRecord& record, const std::string& path,
                                 Diagnostics& diagnostics) {
    const auto& fields = record.fields;
    if (fields.size() != columns.size()) {
        diagnostics.error(
            {path, record.row, static_cast<long>(std::min(fields.size(), columns.size())) + 1},
            fmt::format("expected {} fields in a country row, found {}", columns.size(),
                        fields.size()),
            "quote a field that contains a comma: \"Congo, Dem. Rep.\"");
        return std::nullopt;
    }
    const auto field = [&](long column) {
        return std::string(trim_blanks(fields[static_cast<std::size_t>(column - 1)]));
    };
    Country country;
    country.iso3 = field(col_iso3);
    country.iso2 = field(col_iso2);
    country.numeric = field(col_numeric);
    country.name_en = field(col_name_en);
    country.name_fr = field(col_name_en + 1);
    country.name_es = field(col_name_en + 2);
    country.wb_region = field(col_wb_region);
    bool ok = true;
    if (!is_upper_code(country.iso3, 3)) {
        diagnostics.error({path, record.row, col_iso3},
                          fmt::format("invalid ISO 3166-1 alpha-3 code '{}': expected 3 "
                                      "upper-case letters",
                                      country.iso3));
        ok = false;
    }
    if (!is_upper_code(country.iso2, 2)) {
        diagnostics.error({path, record.row, col_iso2},
                          fmt::format("invalid ISO 3166-1 alpha-2 code '{}': expected 2 "
                                      "upper-case letters",
                                      country.iso2));
        ok = false;
    }
    const bool numeric_ok =
        (country.numeric.size() == 3 && std::all_of(country.numeric.begin(), country.numeric.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; })) ||
        (country.numeric.empty() && is_user_assigned(country.iso2));
    if (!numeric_ok) {
        diagnostics.error(
            {path, record.row, col_numeric},
            fmt::format("invalid ISO 3166-1 numeric code '{}': expected 3 digits", country.numeric),
            "only a user-assigned code (XA-XZ, QM-QZ, AA, ZZ) may leave it empty");
        ok = false;
    }
    constexpr std::array<std::string_view, 3> languages = {"English", "French", "Spanish"};
    for (std::size_t i = 0; i < languages.size(); ++i) {
        const long column = col_name_en + static_cast<long>(i);
        if (field(column).empty()) {
            diagnostics.error({path, record.row, column},
                              fmt::format("empty {} name for '{}'", languages[i], country.iso3));
            ok = false;
        }
    }
    const auto& regions = world_bank_regions();
    if (!country.wb_region.empty() &&
        std::find(regions.begin(), regions.end(), country.wb_region) == regions.end()) {
        std::string hint = did_you_mean(country.wb_region, regions);
        if (hint.empty()) {
            hint = fmt::format("expected one of: {}, or empty", fmt::join(regions, ", "));
        }
        diagnostics.error({path, record.row, col_wb_region},
                          fmt::format("unknown World Bank region '{}'", country.wb_region),
                          std::move(hint));
        ok = false;
    }
    for (auto& name : split_alt_names(fields[col_alt_names - 1])) {
        if (name.empty()) {
            diagnostics.warning({path, record.row, col_alt_names},
                                fmt::format("empty alternative name for '{}' (two '|' in a row, "
                                            "or one at an end)",
                                            country.iso3));
            continue;
        }
        country.alt_names.push_back(std::move(name));
    }
    if (!ok) {
        return std::nullopt;
    }
    return country;
}

} // namespace

const std::vector<std::string>& world_bank_regions() {
    static const std::vector<std::string> regions = {
        "East Asia & Pacific",        "Europe & Central Asia", "Latin America & Caribbean",
        "Middle East & North Africa", "North America",         "South Asia",
        "Sub-Saharan Africa"};
    return regions;
}

std::string normalise_name(std::string_view text) {
    std::string folded;
    folded.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char c = text[pos];
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            if (is_ascii_alnum(c)) {
                folded += ascii_lower(c);
            } else if (c == '&') {
                folded += " and ";
            } else {
                folded += ' ';
            }
            ++pos;
            continue;
        }
        char32_t code_point = 0;
        const std::size_t length = decode_utf8(text, pos, code_point);
        if (length == 0) {
            // Not UTF-8: a stray Latin-1 / Windows-1252 byte from a file of another encoding.
            if (byte >= 0xA0) {
                append_folded(byte, folded);
            } else {
                const std::string_view letter = fold_cp1252_c1(byte);
                folded += letter.empty() ? std::string_view(" ") : letter;
            }
            ++pos;
            continue;
        }
        if (!append_folded(code_point, folded)) {
            folded.append(text.substr(pos, length));
        }
        pos += length;
    }
    return collapse_words(folded);
}

std::optional<CountryTable> CountryTable::load(const std::string& path, Diagnostics& diagnostics) {
    const auto reader = CsvReader::open(path, {}, diagnostics);
    if (!reader) {
        return std::nullopt;
    }
    CsvRecord record;
    if (!reader->next(record, diagnostics)) {
        diagnostics.error({path, 0, 0}, "empty country table: expected a header row",
                          fmt::format("the header must be: {}", fmt::join(columns, ",")));
        return std::nullopt;
    }
    if (!check_header(record, path, diagnostics)) {
        return std::nullopt;
    }

    CountryTable table;
    std::vector<long> rows; // the file row of each loaded country, for duplicate messages
    std::map<std::string, std::size_t, std::less<>> numeric_codes;
    // Names of 2 or 3 letters are checked against every code once all rows are in.
    struct ShortName {
        std::string key;
        std::size_t index;
        long row;
        long column;
    };
    std::vector<ShortName> short_names;

    const auto add_name = [&](std::size_t index, const std::string& spelling, long column,
                              int rank) {
        std::string key = normalise_name(spelling);
        if (key.empty()) {
            diagnostics.warning({path, rows[index], column},
                                fmt::format("name '{}' of '{}' has no letters or digits; "
                                            "it cannot be matched",
                                            spelling, table.countries_[index].iso3));
            return;
        }
        const auto found = table.by_name_.find(key);
        if (found == table.by_name_.end()) {
            if (key.size() <= 3) {
                short_names.push_back({key, index, rows[index], column});
            }
            table.by_name_.emplace(std::move(key), NameEntry{index, spelling, rank});
            return;
        }
        const std::size_t other = found->second.index;
        if (other == index) {
            return; // the same country spelled twice: harmless
        }
        diagnostics.error(
            {path, rows[index], column},
            fmt::format("name '{}' of '{}' is also a name of '{}' (row {}, '{}')", spelling,
                        table.countries_[index].iso3, table.countries_[other].iso3, rows[other],
                        found->second.spelling),
            "a spelling must point to one country: remove it from one of the two rows");
    };

    while (reader->next(record, diagnostics)) {
        if (record.fields.size() == 1 && trim_blanks(record.fields[0]).empty()) {
            continue; // a blank line
        }
        auto country = parse_row(record, path, diagnostics);
        if (!country) {
            continue;
        }
        // Each map gives the index of the country that already holds the code.
        const auto duplicate = [&](const auto& map, const std::string& code, long column,
                                   std::string_view what) {
            const auto found = map.find(code);
            if (found == map.end()) {
                return false;
            }
            diagnostics.error({path, record.row, column},
                              fmt::format("duplicate {} '{}': already used on row {} ('{}')", what,
                                          code, rows[found->second],
                                          table.countries_[found->second].name_en));
            return true;
        };
        const bool dup_iso3 =
            duplicate(table.by_iso3_, country->iso3, col_iso3, "ISO 3166-1 alpha-3 code");
        const bool dup_iso2 =
            duplicate(table.by_iso2_, country->iso2, col_iso2, "ISO 3166-1 alpha-2 code");
        const bool dup_numeric =
            !country->numeric.empty() &&
            duplicate(numeric_codes, country->numeric, col_numeric, "ISO 3166-1 numeric code");
        if (dup_iso3 || dup_iso2 || dup_numeric) {
            continue;
        }

        const std::size_t index = table.countries_.size();
        table.by_iso3_.emplace(country->iso3, index);
        table.by_iso2_.emplace(country->iso2, index);
        if (!country->numeric.empty()) {
            numeric_codes.emplace(country->numeric, index);
        }
        rows.push_back(record.row);
        table.countries_.push_back(std::move(*country));

        const Country& added = table.countries_.back();
        add_name(index, added.name_en, col_name_en, 0);
        add_name(index, added.name_fr, col_name_en + 1, 1);
        add_name(index, added.name_es, col_name_en + 2, 2);
        for (const auto& alt : added.alt_names) {
            add_name(index, alt, col_alt_names, 3);
        }
    }

    // "US" may name the United States (its own code) but not another country: resolve()
    // tries codes first, so such a name would silently point elsewhere.
    for (const auto& name : short_names) {
        const std::string code = to_upper(name.key);
        const auto& codes = code.size() == 2 ? table.by_iso2_ : table.by_iso3_;
        const auto found = codes.find(code);
        if (found != codes.end() && found->second != name.index) {
            diagnostics.error({path, name.row, name.column},
                              fmt::format("name '{}' of '{}' is the code of '{}'", name.key,
                                          table.countries_[name.index].iso3,
                                          table.countries_[found->second].iso3),
                              "a code always resolves to its own country: drop this spelling");
        }
    }

    if (table.countries_.empty()) {
        diagnostics.error({path, 0, 0}, "no usable row in the country table");
        return std::nullopt;
    }
    return table;
}

const Country* CountryTable::by_iso3(std::string_view code) const {
    if (code.size() != 3) {
        return nullptr;
    }
    const auto found = by_iso3_.find(to_upper(code));
    return found == by_iso3_.end() ? nullptr : &countries_[found->second];
}

const Country* CountryTable::by_iso2(std::string_view code) const {
    if (code.size() != 2) {
        return nullptr;
    }
    const auto found = by_iso2_.find(to_upper(code));
    return found == by_iso2_.end() ? nullptr : &countries_[found->second];
}

const Country* CountryTable::resolve(std::string_view text) const {
    const std::string_view trimmed = trim_blanks(text);
    if (is_alpha_code(trimmed)) {
        const Country* by_code = trimmed.size() == 2 ? by_iso2(trimmed) : by_iso3(trimmed);
        if (by_code != nullptr) {
            return by_code;
        }
    }
    const std::string key = normalise_name(trimmed);
    if (key.empty()) {
        return nullptr;
    }
    const auto found = by_name_.find(key);
    return found == by_name_.end() ? nullptr : &countries_[found->second.index];
}

std::vector<std::string> CountryTable::suggestions(std::string_view text, std::size_t max) const {
    const std::string key = normalise_name(text);
    if (key.empty() || max == 0) {
        return {};
    }
    // Same bound as closest_match: beyond a third of the word it is a different word.
    const std::size_t limit = std::max<std::size_t>(2, key.size() / 3);
    struct Candidate {
        std::size_t distance;
        int rank;
        const std::string* key;
        const NameEntry* entry;
    };
    std::vector<Candidate> candidates;
    for (const auto& [name, entry] : by_name_) {
        const std::size_t distance = edit_distance(key, name);
        if (distance <= limit) {
            candidates.push_back({distance, entry.rank, &name, &entry});
        }
    }
    // Closest first; on a tie prefer the English name, then French, Spanish, alternatives.
    std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        return std::tie(a.distance, a.rank, *a.key) < std::tie(b.distance, b.rank, *b.key);
    });
    std::vector<std::string> out;
    std::vector<std::size_t> seen;
    for (const auto& candidate : candidates) {
        if (std::find(seen.begin(), seen.end(), candidate.entry->index) != seen.end()) {
            continue;
        }
        seen.push_back(candidate.entry->index);
        out.push_back(candidate.entry->spelling);
        if (out.size() == max) {
            break;
        }
    }
    return out;
}

} // namespace sfp
