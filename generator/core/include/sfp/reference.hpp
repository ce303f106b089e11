#pragma once
/// Reference tables shipped in data/reference/: countries with their ISO 3166-1 codes, names in
/// English, French and Spanish, World Bank region and the other spellings seen in real data.
/// Real files name a country in many ways ("Congo, Dem. Rep.", "The Democratic Republic of the
/// Congo"); joins go through `CountryTable::resolve` to the ISO code, never on raw names.

#include "sfp/diagnostics.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// One row of data/reference/countries.csv.
struct Country {
    std::string iso3;      ///< ISO 3166-1 alpha-3, upper case: "COD"
    std::string iso2;      ///< ISO 3166-1 alpha-2, upper case: "CD"
    std::string numeric;   ///< ISO 3166-1 numeric, 3 digits as text: "180"; empty only for a
                           ///< user-assigned code (Kosovo, "XK")
    std::string name_en;   ///< ISO 3166-1 English short name
    std::string name_fr;   ///< UN French short name: "République démocratique du Congo"
    std::string name_es;   ///< UN Spanish short name: "República Democrática del Congo"
    std::string wb_region; ///< World Bank region ("Sub-Saharan Africa"), empty if unclassified
    std::vector<std::string> alt_names; ///< other spellings: "Congo, Dem. Rep.", "DRC", ...
};

/// The seven World Bank regions a `Country::wb_region` may hold (besides empty), in the World
/// Bank's order.
[[nodiscard]] const std::vector<std::string>& world_bank_regions();

/// The country table, with O(log n) look-ups by code and by normalised name.
class CountryTable {
public:
    /// Loads data/reference/countries.csv (any path). Bad rows (wrong field count, bad ISO code
    /// shape, unknown region, a code or a name that points to two countries) are reported with
    /// file:row:column and left out; the rest loads. Returns nullopt when the file cannot be
    /// read, its header is not the expected one, or no row is usable.
    static std::optional<CountryTable> load(const std::string& path, Diagnostics& diagnostics);

    /// The country with this ISO alpha-3 code ("ken", "KEN"), or nullptr.
    [[nodiscard]] const Country* by_iso3(std::string_view code) const;
    /// The country with this ISO alpha-2 code ("ke", "KE"), or nullptr.
    [[nodiscard]] const Country* by_iso2(std::string_view code) const;

    /// Resolves a code (ISO alpha-3 or alpha-2) or any name or alternative name in English,
    /// French or Spanish, or nullptr. Names match after `normalise_name`, so case, accents,
    /// punctuation and "the" do not matter: "congo dem rep", "Côte d’Ivoire", "COTE D'IVOIRE",
    /// "Viet Nam", "Gambia, The" all resolve.
    [[nodiscard]] const Country* resolve(std::string_view text) const;

    /// Up to `max` spellings from the table closest to `text` (edit distance on normalised
    /// names, one per country, closest first), for "did you mean" hints: "Keyna" -> {"Kenya"}.
    /// Empty when nothing is close enough to be a likely typo.
    [[nodiscard]] std::vector<std::string> suggestions(std::string_view text,
                                                       std::size_t max = 3) const;

    /// All countries in file order.
    [[nodiscard]] const std::vector<Country>& countries() const { return countries_; }

private:
    /// The country a normalised name points to, with the spelling it came from and its kind
    /// (0 English, 1 French, 2 Spanish, 3 alternative), for suggestions.
    struct NameEntry {
        std::size_t index = 0;
        std::string spelling;
        int rank = 0;
    };

    std::vector<Country> countries_;
    std::map<std::string, std::size_t, std::less<>> by_iso3_;
    std::map<std::string, std::size_t, std::less<>> by_iso2_;
    std::map<std::string, NameEntry, std::less<>> by_name_;
};

/// The name normalisation used by `CountryTable::resolve`: UTF-8 in, lowercase ASCII out, with
/// accents folded (Latin-1 Supplement and Latin Extended-A: "é" -> "e", "ß" -> "ss",
/// "œ" -> "oe"), typographic quotes and all punctuation turned into spaces, "&" into "and",
/// spaces collapsed and trimmed, and the word "the" dropped wherever it stands (leading "The
/// Gambia" and trailing "Gambia, The" alike). Bytes that are not valid UTF-8 are read as
/// Windows-1252; other non-ASCII letters are kept as they are.
/// Example: "Côte d’Ivoire" -> "cote d ivoire"; "Congo, Dem. Rep." -> "congo dem rep".
[[nodiscard]] std::string normalise_name(std::string_view text);

} // namespace sfp
