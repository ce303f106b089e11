// Tests of the report-text messages (sfp/message.hpp): parsing, ICU apostrophes, plural rules,
// positions of diagnostics, arguments and formatting. Expected texts and line:column values are
// worked out by hand from the message texts (columns count code points from `where`).

#include "sfp/message.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using sfp::Diagnostics;
using sfp::Message;
using sfp::MessageArg;
using sfp::SourcePos;

/// Where the test messages start: line 3, column 10 of "t.toml" (after `key = "`).
SourcePos where() {
    return {"t.toml", 3, 10};
}

using Args = std::map<std::string, MessageArg, std::less<>>;

sfp::ArgResolver resolver(const Args& args) {
    return [&args](std::string_view name) -> std::optional<MessageArg> {
        const auto found = args.find(name);
        if (found == args.end()) {
            return std::nullopt;
        }
        return found->second;
    };
}

MessageArg num(double value, std::string text) {
    return {std::move(text), value, false};
}
MessageArg str(std::string text) {
    return {std::move(text), std::nullopt, false};
}

/// Parses `text` (which must be valid) and formats it with `args` in `language`.
std::string render(std::string_view text, const Args& args, const std::string& language = "en") {
    Diagnostics diagnostics;
    const auto message = Message::parse(text, where(), diagnostics);
    std::string reported;
    for (const auto& d : diagnostics.items()) {
        reported += sfp::to_string(d) + "\n";
    }
    INFO("message: " << text << "\n" << reported);
    REQUIRE(message);
    REQUIRE(diagnostics.items().empty());
    auto out = message->format(resolver(args), language, diagnostics);
    CHECK(diagnostics.items().empty());
    return out;
}

/// Parses `text`, which must fail with exactly one error; returns it.
sfp::Diagnostic parse_error(std::string_view text) {
    Diagnostics diagnostics;
    const auto message = Message::parse(text, where(), diagnostics);
    INFO("message: " << text);
    CHECK_FALSE(message);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].severity == sfp::Severity::error);
    CHECK(diagnostics.items()[0].where.file == "t.toml");
    return diagnostics.items()[0];
}

const std::string plural_en = "{n, plural, =0 {no institutions} one {# institution} "
                              "other {# institutions}}";

} // namespace

TEST_CASE("message: plain text is printed as written", "[message]") {
    CHECK(render("Hello, world.", {}) == "Hello, world.");
    CHECK(render("", {}).empty());
    CHECK(render("Taux de 12 % en 2025 — ¿qué?\nSecond line", {}) ==
          "Taux de 12 % en 2025 — ¿qué?\nSecond line");
    CHECK(render("Item #3", {}) == "Item #3"); // '#' outside a plural is text
    Diagnostics diagnostics;
    const auto message = Message::parse("Hello", where(), diagnostics);
    REQUIRE(message);
    CHECK(message->source() == "Hello");
    CHECK(message->arguments().empty());
}

TEST_CASE("message: arguments print their text", "[message]") {
    const Args args = {{"name", str("Fundación Alfa")},
                       {"count", num(1234, "1,234")},
                       {"OUT-01.prev", num(0.125, "12.5%")}};
    CHECK(render("{name} reported {count} loans", args) == "Fundación Alfa reported 1,234 loans");
    CHECK(render("{ name } and {\n  count\t}", args) == "Fundación Alfa and 1,234");
    CHECK(render("was {OUT-01.prev}", args) == "was 12.5%");
    CHECK(render("{count, number} loans", args) == "1,234 loans");
    CHECK(render("{count,NUMBER}", args) == "1,234");
}

TEST_CASE("message: English plural with =N, one and other", "[message]") {
    CHECK(render(plural_en, {{"n", num(0, "0")}}) == "no institutions");
    CHECK(render(plural_en, {{"n", num(1, "1")}}) == "1 institution");
    CHECK(render(plural_en, {{"n", num(2, "2")}}) == "2 institutions");
    CHECK(render(plural_en, {{"n", num(1.5, "1.5")}}) == "1.5 institutions");
    CHECK(render(plural_en, {{"n", num(-1, "-1")}}) == "-1 institution"); // CLDR: |n|
    // =N wins over the category, in order of the exact match, not of the branches
    CHECK(render("{n, plural, one {one} =1 {exactly one} other {more}}", {{"n", num(1, "1")}}) ==
          "exactly one");
    // no "one" branch: other
    CHECK(render("{n, plural, other {# items}}", {{"n", num(1, "1")}}) == "1 items");
    // languages without their own rule use the English one
    CHECK(render(plural_en, {{"n", num(1, "1")}}, "de") == "1 institution");
    CHECK(render(plural_en, {{"n", num(0.5, "0,5")}}, "de") == "0,5 institutions");
}

TEST_CASE("message: French plural: one for 0 and numbers below 2", "[message]") {
    const std::string text = "{n, plural, one {# institution} other {# institutions}}";
    CHECK(render(text, {{"n", num(0, "0")}}, "fr") == "0 institution");
    CHECK(render(text, {{"n", num(1, "1")}}, "fr") == "1 institution");
    CHECK(render(text, {{"n", num(1.5, "1,5")}}, "fr") == "1,5 institution");
    CHECK(render(text, {{"n", num(2, "2")}}, "fr") == "2 institutions");
    CHECK(render(text, {{"n", num(0, "0")}}, "en") == "0 institutions");
    CHECK(render(text, {{"n", num(1.5, "1.5")}}, "en") == "1.5 institutions");
    CHECK(render(text, {{"n", num(0, "0")}}, "fr-CH") == "0 institution");
    CHECK(render(text, {{"n", num(0, "0")}}, "FR") == "0 institution");
    CHECK(render("{n, plural, =0 {aucune institution} other {# institutions}}",
                 {{"n", num(0, "0")}}, "fr") == "aucune institution");
}

TEST_CASE("message: Spanish plural: one for exactly 1", "[message]") {
    const std::string text = "{n, plural, one {# institución} other {# instituciones}}";
    CHECK(render(text, {{"n", num(1, "1")}}, "es") == "1 institución");
    CHECK(render(text, {{"n", num(0, "0")}}, "es") == "0 instituciones");
    CHECK(render(text, {{"n", num(1.5, "1,5")}}, "es") == "1,5 instituciones");
    CHECK(render(text, {{"n", num(21, "21")}}, "es") == "21 instituciones");
}

TEST_CASE("message: plural_category by language", "[message]") {
    using sfp::plural_category;
    CHECK(plural_category(1, "en") == "one");
    CHECK(plural_category(0, "en") == "other");
    CHECK(plural_category(1.5, "en") == "other");
    CHECK(plural_category(2, "es") == "other");
    CHECK(plural_category(1, "es") == "one");
    CHECK(plural_category(0, "fr") == "one");
    CHECK(plural_category(1.99, "fr") == "one");
    CHECK(plural_category(2, "fr") == "other");
    CHECK(plural_category(1, "ar") == "one");
    CHECK(plural_category(std::nan(""), "fr") == "other");
}

TEST_CASE("message: select, and a plural nested in a select", "[message]") {
    const std::string text =
        "{dir, select, up {rose by {n, plural, one {# point} other {# points}}} "
        "down {fell} other {did not change}}";
    CHECK(render(text, {{"dir", str("up")}, {"n", num(1, "1")}}) == "rose by 1 point");
    CHECK(render(text, {{"dir", str("up")}, {"n", num(3, "3")}}) == "rose by 3 points");
    CHECK(render(text, {{"dir", str("down")}, {"n", num(3, "3")}}) == "fell");
    CHECK(render(text, {{"dir", str("flat")}, {"n", num(3, "3")}}) == "did not change");
    // a missing value takes "missing" when there is one, else "other"
    const Args missing = {{"dir", MessageArg{"..", std::nullopt, true}}, {"n", num(1, "1")}};
    CHECK(render(text, missing) == "did not change");
    CHECK(render("{dir, select, missing {no data} other {x}}", missing) == "no data");
    // select on a number compares the text
    CHECK(render("{n, select, 1 {single} other {many}}", {{"n", num(1, "1")}}) == "single");
}

TEST_CASE("message: '#' in plural branches", "[message]") {
    // the text of the argument, as formatted for the report
    CHECK(render("{n, plural, other {# MFIs (#)}}", {{"n", num(1234, "1,234")}}) ==
          "1,234 MFIs (1,234)");
    // the innermost plural's number
    CHECK(render("{a, plural, other {# [{b, plural, other {#}}] #}}",
                 {{"a", num(2, "2")}, {"b", num(7, "7")}}) == "2 [7] 2");
    // in a select nested in a plural, '#' is text (ICU)
    CHECK(render("{n, plural, other {{k, select, other {#}}}}",
                 {{"n", num(2, "2")}, {"k", str("x")}}) == "#");
    // without a text, the number in the language's format
    const Args bare = {{"n", MessageArg{"", 1234.5, false}}};
    CHECK(render("{n, plural, other {#}}", bare, "en") == "1,234.5");
    CHECK(render("{n, plural, other {#}}", bare, "fr") == "1\u202F234,5");
    CHECK(render("{n, plural, other {#}}", {{"n", MessageArg{"", 1234.0, false}}}, "es") == "1234");
    CHECK(render("{n, plural, other {#}}", {{"n", MessageArg{"", -12345.0, false}}}, "es") ==
          "-12.345");
    CHECK(render("{n, plural, other {#}}", {{"n", MessageArg{"", 3.0, false}}}, "en") == "3");
    CHECK(render("{n, plural, other {#}}", {{"n", MessageArg{"", 1e6, false}}}, "en") ==
          "1,000,000");
}

TEST_CASE("message: missing values and values without a number use other", "[message]") {
    CHECK(render(plural_en, {{"n", MessageArg{"..", 1.0, true}}}) == ".. institutions");
    CHECK(render(plural_en, {{"n", MessageArg{"..", 0.0, true}}}) == ".. institutions");
    CHECK(render(plural_en, {{"n", str("n/a")}}) == "n/a institutions");
}

TEST_CASE("message: ICU apostrophes", "[message]") {
    const Args args = {{"name", str("ONG")}, {"n", num(3, "3")}};
    CHECK(render("l'institution", {}) == "l'institution");
    CHECK(render("le nombre d'emprunteurs de l'institution {name}", args) ==
          "le nombre d'emprunteurs de l'institution ONG");
    CHECK(render("'{literal}'", {}) == "{literal}");
    CHECK(render("it''s", {}) == "it's");
    CHECK(render("''", {}) == "'");
    CHECK(render("end'", {}) == "end'");
    CHECK(render("l''{name}", args) == "l'ONG");
    CHECK(render("'{a''b}' and '}'", {}) == "{a'b} and }");
    CHECK(render("{n, plural, other {'#' # d'emprunteurs}}", args) == "# 3 d'emprunteurs");
    CHECK(render("{name, select, other {a '{name}' x' y}}", args) == "a {name} x' y");
}

TEST_CASE("message: an apostrophe quoting an argument after a letter is a warning", "[message]") {
    Diagnostics diagnostics;
    const auto message = Message::parse("l'{name} d'emprunteurs", where(), diagnostics);
    REQUIRE(message); // valid ICU: the quote runs to the next apostrophe
    REQUIRE(diagnostics.items().size() == 1);
    const auto& d = diagnostics.items()[0];
    CHECK(d.severity == sfp::Severity::warning);
    CHECK(d.where.column == 11);
    CHECK(d.message == "expected '' for an apostrophe before '{', saw a quote of '{name} d'");
    const Args args = {{"name", str("ONG")}};
    CHECK(message->format(resolver(args), "fr", diagnostics) == "l{name} demprunteurs");
    // intended quotes are not warned about
    CHECK(render("a '{literal}' b'{'c", {}) == "a {literal} b{c");
}

TEST_CASE("message: plural categories en, fr and es never select are warnings", "[message]") {
    Diagnostics diagnostics;
    const auto message =
        Message::parse("{n, plural, zero {none} few {a few} other {#}}", where(), diagnostics);
    REQUIRE(message); // valid ICU
    REQUIRE(diagnostics.items().size() == 2);
    CHECK(diagnostics.items()[0].severity == sfp::Severity::warning);
    CHECK(diagnostics.items()[0].where.column == 22);
    CHECK(diagnostics.items()[0].message ==
          "expected one, other or =N, saw 'zero' (never selected in en, fr or es)");
    CHECK(diagnostics.items()[0].hint == "did you mean '=0'?");
    CHECK(diagnostics.items()[1].where.column == 34);
    CHECK_FALSE(diagnostics.has_errors());
    CHECK(message->format(resolver({{"n", num(0, "0")}}), "en", diagnostics) == "0");
}

TEST_CASE("message: syntax errors at their line and column", "[message]") {
    SECTION("a stray closing brace") {
        const auto d = parse_error("ab}");
        CHECK(d.where.line == 3);
        CHECK(d.where.column == 12);
        CHECK(d.message == "expected text or '{', saw '}'");
        CHECK(sfp::to_string(d).rfind("t.toml:3:12: error: expected text or '{', saw '}'", 0) == 0);
    }
    SECTION("an unclosed brace points at the brace") {
        const auto d = parse_error("ab {name");
        CHECK(d.where.column == 13);
        CHECK(d.message == "expected '}', saw end of text");
        const auto branch = parse_error("{n, plural, other {x");
        CHECK(branch.where.column == 28); // the branch's '{' (index 18)
        CHECK(branch.message == "expected '}', saw end of text");
    }
    SECTION("an empty argument name") {
        const auto d = parse_error("x {}");
        CHECK(d.where.column == 13);
        CHECK(d.message == "expected an argument name, saw '}'");
        CHECK(parse_error("{ , plural, other {x}}").where.column == 12);
    }
    SECTION("an invalid name character, columns in code points") {
        const auto d = parse_error("{coût}");
        CHECK(d.where.column == 13);
        CHECK(d.message == "expected a name character, ',' or '}', saw 'û'");
        CHECK(parse_error("é {na$e}").where.column == 15);
        CHECK(parse_error("{na me}").message == "expected ',' or '}', saw 'm'");
    }
    SECTION("an unknown format type") {
        const auto d = parse_error("{n, date}");
        CHECK(d.where.column == 14);
        CHECK(d.message == "expected plural, select or number, saw 'date'");
        const auto typo = parse_error("{n, plurl, other {x}}");
        CHECK(typo.hint == "did you mean 'plural'?");
        CHECK(parse_error("{n, number, integer}").message == "expected '}', saw ','");
        CHECK(parse_error("{n, plural}").message == "expected ',' after 'plural', saw '}'");
    }
    SECTION("a plural or select without other, at the argument's brace") {
        const auto d = parse_error("Le {n, plural, one {x}}");
        CHECK(d.where.column == 13);
        CHECK(d.message == "expected an 'other' branch in the plural of 'n', saw only 'one'");
        CHECK(parse_error("{k, select, }").message ==
              "expected an 'other' branch in the select of 'k', saw no branch");
    }
    SECTION("a duplicate selector") {
        const auto d = parse_error("{n, plural, one {a} one {b} other {c}}");
        CHECK(d.where.column == 30);
        CHECK(d.message == "expected each selector once, saw 'one' twice");
        CHECK(parse_error("{n, plural, =1 {a} =1.0 {b} other {c}}").where.column == 29);
    }
    SECTION("a selector that is not a keyword or =N") {
        const auto d = parse_error("{n, plural, ones {a} other {b}}");
        CHECK(d.where.column == 22);
        CHECK(d.message ==
              "expected a plural category (zero, one, two, few, many, other) or =N, saw 'ones'");
        CHECK(d.hint == "did you mean 'one'?");
        const auto bad_number = parse_error("{n, plural, =x {a} other {b}}");
        CHECK(bad_number.where.column == 22);
        CHECK(bad_number.message == "expected a number after '=', saw 'x'");
        CHECK(parse_error("{n, plural, offset:1 other {b}}").hint ==
              "offset is not supported: give the value to print");
        CHECK(parse_error("{k, select, =1 {a} other {b}}").message ==
              "expected a keyword, saw '='");
        CHECK(parse_error("{k, select, (a) {a} other {b}}").message ==
              "expected a keyword, saw '('");
        CHECK(parse_error("{k, select, a b other {c}}").message ==
              "expected '{' after selector 'a', saw 'b'");
    }
    SECTION("an unterminated quote, at its apostrophe") {
        const auto d = parse_error("it'{s");
        CHECK(d.where.column == 12);
        CHECK(d.message == "expected a closing apostrophe, saw end of text");
    }
    SECTION("after a line break: next line, column from 1") {
        const auto d = parse_error("first line\n  {n, plural, one {x}}");
        CHECK(d.where.line == 4);
        CHECK(d.where.column == 3);
        const auto two = parse_error("a\nb\n  }");
        CHECK(two.where.line == 5);
        CHECK(two.where.column == 3);
        const auto crlf = parse_error("a\r\n}");
        CHECK(crlf.where.line == 4);
        CHECK(crlf.where.column == 1);
        const auto in_branch = parse_error("{n, plural,\n  one {x}\n  one {y} other {z}}");
        CHECK(in_branch.where.line == 5);
        CHECK(in_branch.where.column == 3);
    }
}

TEST_CASE("message: unknown names are reported and printed as {name}", "[message]") {
    Diagnostics diagnostics;
    const auto message =
        Message::parse("Hello {who}, {n, plural, other {#}}", where(), diagnostics);
    REQUIRE(message);
    REQUIRE(diagnostics.items().empty());
    const Args none;
    const auto out = message->format(resolver(none), "en", diagnostics);
    CHECK(out == "Hello {who}, {n}");
    REQUIRE(diagnostics.items().size() == 2);
    CHECK(diagnostics.items()[0].where.line == 3);
    CHECK(diagnostics.items()[0].where.column == 17);
    CHECK(diagnostics.items()[0].message == "unknown argument 'who' in the message");
    CHECK(diagnostics.items()[1].where.column == 24);
    CHECK(diagnostics.has_errors());
    // an empty resolver knows no names
    Diagnostics more;
    CHECK(message->format(sfp::ArgResolver{}, "en", more) == "Hello {who}, {n}");
    CHECK(more.error_count() == 2);
}

TEST_CASE("message: arguments() lists every name in order, with positions", "[message]") {
    Diagnostics diagnostics;
    const auto message = Message::parse(
        "{a} {b, plural, one {{c}} other {{d, select, x {{e, number}} other {#}}}} {a}", where(),
        diagnostics);
    REQUIRE(message);
    const auto names = message->arguments();
    std::vector<std::string> got;
    for (const auto& [name, pos] : names) {
        got.push_back(name);
        CHECK(pos.file == "t.toml");
        CHECK(pos.line == 3);
    }
    CHECK(got == std::vector<std::string>{"a", "b", "c", "d", "e", "a"});
    REQUIRE(names.size() == 6);
    CHECK(names[0].second.column == 11);
    CHECK(names[1].second.column == 15);
    CHECK(names[2].second.column == 32);
}

TEST_CASE("message: copy and move", "[message]") {
    Diagnostics diagnostics;
    auto parsed = Message::parse(plural_en, where(), diagnostics);
    REQUIRE(parsed);
    const Args one = {{"n", num(1, "1")}};
    Message copy(*parsed);
    CHECK(copy.source() == plural_en);
    CHECK(copy.format(resolver(one), "en", diagnostics) == "1 institution");
    Message moved(std::move(*parsed));
    CHECK(moved.format(resolver(one), "en", diagnostics) == "1 institution");
    Message assigned;
    CHECK(assigned.source().empty());
    CHECK(assigned.format(resolver(one), "en", diagnostics).empty());
    assigned = copy;
    CHECK(assigned.arguments().size() == 1);
    const auto& self = assigned;
    assigned = self;
    CHECK(assigned.format(resolver(one), "en", diagnostics) == "1 institution");
    Message target;
    target = std::move(moved);
    CHECK(target.format(resolver(one), "fr", diagnostics) == "1 institution");
    // moved-from messages stay usable as empty messages
    // NOLINTNEXTLINE(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
    CHECK(moved.source().empty());
    Message from_moved(moved); // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
    CHECK(from_moved.format(resolver(one), "en", diagnostics).empty());
    CHECK(diagnostics.items().empty());
}

TEST_CASE("message: deep nesting is an error, not a crash", "[message]") {
    std::string text;
    for (int i = 0; i < 100; ++i) {
        text += "{k, select, other {";
    }
    Diagnostics diagnostics;
    CHECK_FALSE(Message::parse(text, where(), diagnostics));
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].message == "expected at most 32 nested arguments, saw more");
    // 32 levels are fine
    std::string ok;
    for (int i = 0; i < 32; ++i) {
        ok += "{k, select, other {";
    }
    ok += "x";
    for (int i = 0; i < 32; ++i) {
        ok += "}}";
    }
    CHECK(render(ok, {{"k", str("v")}}) == "x");
}

TEST_CASE("message: property: text without special characters formats to itself", "[message]") {
    // No '{', '}' or apostrophe; '#' is text outside plurals.
    const std::vector<std::string> alphabet = {"a", "Z", "0", " ", "\n",     "\t", "#", ",", "%",
                                               "é", "ñ", "—", "€", "\u202F", "😀",  ".", "-"};
    std::mt19937 random(20261128);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<int> length(0, 60);
    for (int iteration = 0; iteration < 500; ++iteration) {
        std::string text;
        long line = 3;
        long column = 10;
        const int n = length(random);
        for (int i = 0; i < n; ++i) {
            const auto& piece = alphabet[pick(random)];
            text += piece;
            if (piece == "\n") {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        Diagnostics diagnostics;
        const auto message = Message::parse(text, where(), diagnostics);
        REQUIRE(message);
        const Args none;
        REQUIRE(message->format(resolver(none), "fr", diagnostics) == text);
        REQUIRE(diagnostics.items().empty());
        // and a stray '}' after it is reported at the column counted here
        const auto d = parse_error(text + "}");
        REQUIRE(d.where.line == line);
        REQUIRE(d.where.column == column);
    }
}

TEST_CASE("message: property: random syntax never crashes, errors are single and placed",
          "[message]") {
    const std::vector<std::string> alphabet = {
        "{",     "}",  "'", "#", ",", " ",  "plural",       "select",       "number", "one",
        "other", "=1", "n", "k", "é", "\n", "{n, plural, ", "{k, select, ", "x"};
    std::mt19937 random(6);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<int> length(0, 40);
    int parsed = 0;
    for (int iteration = 0; iteration < 3000; ++iteration) {
        std::string text;
        const int n = length(random);
        for (int i = 0; i < n; ++i) {
            text += alphabet[pick(random)];
        }
        INFO("message: " << text);
        Diagnostics diagnostics;
        const auto message = Message::parse(text, where(), diagnostics);
        if (message) {
            ++parsed;
            REQUIRE_FALSE(diagnostics.has_errors());
            // every name is known: formatting reports nothing
            const sfp::ArgResolver any = [](std::string_view) -> std::optional<MessageArg> {
                return MessageArg{"1", 1.0, false};
            };
            Diagnostics more;
            (void)message->format(any, "fr", more);
            REQUIRE(more.items().empty());
            for (const auto& [name, pos] : message->arguments()) {
                REQUIRE_FALSE(name.empty());
                REQUIRE(name.find_first_of("{}' ,#\n") == std::string::npos);
                REQUIRE(pos.line >= 3);
            }
        } else {
            REQUIRE(diagnostics.error_count() == 1);
            const auto& d = diagnostics.items().back();
            REQUIRE(d.where.line >= 3);
            REQUIRE(d.where.column >= 1);
            REQUIRE(d.message.rfind("expected ", 0) == 0);
        }
    }
    CHECK(parsed > 0);
}
