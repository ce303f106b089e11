// Dictionary hyphenation with libhyphen: soft hyphens at the dictionary's break points.
#include "sfp/hyphenate.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {

const std::string shy = "\xC2\xAD";

/// "hy-phen-ation" written with '-' for readability: turns '-' into soft hyphens.
std::string soft(std::string text) {
    std::string out;
    for (const char c : text) {
        if (c == '-') {
            out += shy;
        } else {
            out += c;
        }
    }
    return out;
}

/// Removes every soft hyphen.
std::string strip(const std::string& text) {
    std::string out = text;
    for (auto at = out.find(shy); at != std::string::npos; at = out.find(shy)) {
        out.erase(at, shy.size());
    }
    return out;
}

} // namespace

TEST_CASE("hyphenate: English words at the dictionary's points", "[hyphenate]") {
    const sfp::Hyphenator en("en");
    REQUIRE(en.available());
    CHECK(en.hyphenate("hyphenation") == soft("hy-phen-ation"));
    CHECK(en.hyphenate("The organisation.") == "The " + soft("or-gan-i-sa-tion") + ".");
    // Short words are never broken; text outside words is kept as it is.
    CHECK(en.hyphenate("a cat, the dog") == "a cat, the dog");
    // The capitalised first word of a sentence is hyphenated like the lower-case one.
    CHECK(strip(en.hyphenate("Hyphenation")) == "Hyphenation");
    CHECK(en.hyphenate("Hyphenation") == soft("Hy-phen-ation"));
}

TEST_CASE("hyphenate: French and Spanish, accents preserved", "[hyphenate]") {
    const sfp::Hyphenator fr("fr-CH");
    REQUIRE(fr.available());
    const std::string dev = fr.hyphenate("développement");
    CHECK(strip(dev) == "développement");
    CHECK(dev == soft("dé-ve-lop-pe-ment"));
    const sfp::Hyphenator es("es");
    REQUIRE(es.available());
    const std::string fin = es.hyphenate("financiación pequeña");
    CHECK(strip(fin) == "financiación pequeña");
    CHECK(fin.find(soft("fi-nan-cia")) == 0);
    CHECK(fin.find("ñ") != std::string::npos);
}

TEST_CASE("hyphenate: numbers, URLs, identifiers and abbreviations untouched", "[hyphenate]") {
    const sfp::Hyphenator en("en");
    REQUIRE(en.available());
    for (const std::string text :
         {"1234567890", "12,345,678.90", "https://www.ilo.org/socialfinance", "www.ilo.org",
          "someone@example.org", "PAR30-above-portfolio", "gross_loan_portfolio", "INTERNATIONAL",
          "COVID19", "microfinance2024", "e.g.", "OSS-PQ-10"}) {
        CAPTURE(text);
        CHECK(en.hyphenate(text) == text);
    }
    // Words that already carry a soft hyphen are the author's choice.
    const std::string chosen = "micro" + shy + "finance";
    CHECK(en.hyphenate(chosen) == chosen);
    // Hyphenation lengthens the text only by soft hyphens.
    const std::string sentence = "The institutions' sustainability improved considerably.";
    const std::string out = en.hyphenate(sentence);
    CHECK(out != sentence);
    CHECK(strip(out) == sentence);
}

TEST_CASE("hyphenate: minimum lengths respected", "[hyphenate]") {
    const sfp::Hyphenator en("en");
    REQUIRE(en.available());
    // "hyphenation" with min_word above its length: unchanged.
    CHECK(en.hyphenate("hyphenation", 12) == "hyphenation");
    // Every break leaves at least min_left letters before and min_right after.
    const std::string out = en.hyphenate("sustainability responsibilities", 6, 4, 5);
    std::size_t from = 0;
    for (const std::string word : {"sustainability", "responsibilities"}) {
        const std::size_t at = out.find(shy, from);
        (void)word;
        if (at != std::string::npos) {
            const std::size_t space = out.rfind(' ', at);
            const std::size_t start = space == std::string::npos ? 0 : space + 1;
            CHECK(at - start >= 4);
        }
    }
    CHECK(strip(out) == "sustainability responsibilities");
}

TEST_CASE("hyphenate: no dictionary leaves the text unchanged", "[hyphenate]") {
    for (const char* language : {"zz", "", "../../etc/passwd", "ar"}) {
        CAPTURE(language);
        const sfp::Hyphenator none(language);
        CHECK_FALSE(none.available());
        CHECK(none.hyphenate("hyphenation développement") == "hyphenation développement");
    }
}

TEST_CASE("hyphenate: invalid or foreign text stays intact", "[hyphenate]") {
    const sfp::Hyphenator en("en");
    REQUIRE(en.available());
    const std::string arabic = "التمويل الاجتماعي";
    CHECK(en.hyphenate(arabic) == arabic);
    const std::string mixed = "Финансирование microfinancement";
    CHECK(strip(en.hyphenate(mixed)) == mixed);
    CHECK(en.hyphenate("").empty());
}
