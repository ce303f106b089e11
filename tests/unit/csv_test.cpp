// Tests of the streaming CSV reader (sfp/csv.hpp) and of parse_number (sfp/dataset.hpp).

#include "sfp/csv.hpp"
#include "sfp/dataset.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// A temporary folder for this file's tests ("sfpgen-csv-test-...").
class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("csv") {}
};

/// Everything a reader returns for one file, with the diagnostics it recorded.
struct ReadResult {
    std::vector<sfp::CsvRecord> records;
    sfp::Diagnostics diagnostics;
};

ReadResult read_all(const std::string& path, sfp::CsvOptions options = {}) {
    ReadResult result;
    auto reader = sfp::CsvReader::open(path, options, result.diagnostics);
    REQUIRE(reader != nullptr);
    sfp::CsvRecord record;
    while (reader->next(record, result.diagnostics)) {
        result.records.push_back(record);
    }
    return result;
}

ReadResult read_text(const std::string& content, sfp::CsvOptions options = {}) {
    const TempDir dir;
    return read_all(dir.write("data.csv", content), options);
}

using Fields = std::vector<std::string>;

} // namespace

TEST_CASE("csv: plain records split on commas and end on LF", "[csv]") {
    const auto result = read_text("a,b,c\n1,2,3\n");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"a", "b", "c"});
    CHECK(result.records[1].fields == Fields{"1", "2", "3"});
    CHECK(result.diagnostics.items().empty());
}

TEST_CASE("csv: the last record needs no final line break", "[csv]") {
    const auto result = read_text("a,b\n1,2");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[1].fields == Fields{"1", "2"});
    CHECK(result.diagnostics.items().empty());
}

TEST_CASE("csv: quoted fields keep embedded newlines, TABs, delimiters and doubled quotes",
          "[csv]") {
    const auto result = read_text("id,text\n"
                                  "1,\"line one\nline two\"\n"
                                  "2,\"a\tb\"\n"
                                  "3,\"she said \"\"hi\"\", then left\"\n"
                                  "4,\"x, y\"\n"
                                  "5,\"\"\"\"\n");
    REQUIRE(result.records.size() == 6);
    CHECK(result.records[1].fields == Fields{"1", "line one\nline two"});
    CHECK(result.records[2].fields == Fields{"2", "a\tb"});
    CHECK(result.records[3].fields == Fields{"3", "she said \"hi\", then left"});
    CHECK(result.records[4].fields == Fields{"4", "x, y"});
    CHECK(result.records[5].fields == Fields{"5", "\""});
    CHECK(result.diagnostics.items().empty());
}

TEST_CASE("csv: an unquoted TAB is data when the delimiter is a comma", "[csv]") {
    const auto result = read_text("a\tb,c\n");
    REQUIRE(result.records.size() == 1);
    CHECK(result.records[0].fields == Fields{"a\tb", "c"});
}

TEST_CASE("csv: a TAB delimiter splits on TABs and leaves commas in fields", "[csv]") {
    const auto result = read_text("a\tb\n1,5\t\"x\ty\"\n", sfp::CsvOptions{'\t'});
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"a", "b"});
    CHECK(result.records[1].fields == Fields{"1,5", "x\ty"});
}

TEST_CASE("csv: CRLF and LF line endings mixed in one file", "[csv]") {
    const auto result = read_text("h1,h2\r\n"
                                  "a,b\n"
                                  "c,d\r\n"
                                  "\"e\r\nf\",g\r\n"
                                  "h,i");
    REQUIRE(result.records.size() == 5);
    CHECK(result.records[0].fields == Fields{"h1", "h2"});
    CHECK(result.records[1].fields == Fields{"a", "b"});
    CHECK(result.records[2].fields == Fields{"c", "d"});
    // Inside quotes the line break is data and is kept as written.
    CHECK(result.records[3].fields == Fields{"e\r\nf", "g"});
    CHECK(result.records[4].fields == Fields{"h", "i"});
    // No field keeps the CR of a CRLF record end.
    CHECK(result.records[2].fields[1] == "d");
    CHECK(result.records[3].line == 4);
    CHECK(result.records[4].line == 6);
}

TEST_CASE("csv: a lone CR also ends a record", "[csv]") {
    const auto result = read_text("a,b\r1,2\r");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"a", "b"});
    CHECK(result.records[1].fields == Fields{"1", "2"});
    CHECK(result.records[1].line == 2);
}

TEST_CASE("csv: a UTF-8 byte order mark at the start is skipped", "[csv]") {
    const auto result = read_text("\xEF\xBB\xBFid,name\n1,Thanh Ho\xC3\xA1\n");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"id", "name"});
    CHECK(result.records[0].fields[0].size() == 2);
    // Other UTF-8 text is passed through unchanged.
    CHECK(result.records[1].fields[1] == "Thanh Ho\xC3\xA1");
}

TEST_CASE("csv: a file that is only a byte order mark has no records", "[csv]") {
    const auto result = read_text("\xEF\xBB\xBF");
    CHECK(result.records.empty());
}

TEST_CASE("csv: an empty file has no records", "[csv]") {
    const auto result = read_text("");
    CHECK(result.records.empty());
    CHECK(result.diagnostics.items().empty());
}

TEST_CASE("csv: empty fields, quoted and unquoted, are kept in place", "[csv]") {
    const auto result = read_text("a,,c,\n,\"\",,\n");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"a", "", "c", ""});
    CHECK(result.records[1].fields == Fields{"", "", "", ""});
}

TEST_CASE("csv: row counts records while line counts physical lines", "[csv]") {
    const auto result = read_text("id,note\n"                    // row 1, line 1
                                  "1,plain\n"                    // row 2, line 2
                                  "2,\"two\nlines\"\n"           // row 3, lines 3-4
                                  "3,\"three\r\nlines\nhere\"\n" // row 4, lines 5-7
                                  "4,last\n");                   // row 5, line 8
    REQUIRE(result.records.size() == 5);
    const std::vector<long> rows{result.records[0].row, result.records[1].row,
                                 result.records[2].row, result.records[3].row,
                                 result.records[4].row};
    const std::vector<long> lines{result.records[0].line, result.records[1].line,
                                  result.records[2].line, result.records[3].line,
                                  result.records[4].line};
    CHECK(rows == std::vector<long>{1, 2, 3, 4, 5});
    CHECK(lines == std::vector<long>{1, 2, 3, 5, 8});
}

TEST_CASE("csv: an unterminated quote is an error at row and column, and the record is returned",
          "[csv]") {
    const TempDir dir;
    const auto path = dir.write("bad.csv", "id,name,note\n"
                                           "1,ok,fine\n"
                                           "2,broken,\"never closed\nstill inside\n");
    const auto result = read_all(path);
    REQUIRE(result.records.size() == 3);
    CHECK(result.records[2].row == 3);
    CHECK(result.records[2].line == 3);
    CHECK(result.records[2].fields == Fields{"2", "broken", "never closed\nstill inside\n"});

    REQUIRE(result.diagnostics.items().size() == 1);
    const auto& diagnostic = result.diagnostics.items()[0];
    CHECK(diagnostic.severity == sfp::Severity::error);
    CHECK(diagnostic.where.file == path);
    CHECK(diagnostic.where.line == 3);   // row number (header = 1)
    CHECK(diagnostic.where.column == 3); // field number
    CHECK_THAT(diagnostic.message, Catch::Contains("unterminated quoted field"));
    CHECK_THAT(diagnostic.hint, Catch::Contains("line 3"));
    CHECK(result.diagnostics.has_errors());
}

TEST_CASE("csv: text after a closing quote is a warning and is kept", "[csv]") {
    const auto result = read_text("a,b\n\"x\"y,z\n");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[1].fields == Fields{"xy", "z"});
    REQUIRE(result.diagnostics.items().size() == 1);
    const auto& diagnostic = result.diagnostics.items()[0];
    CHECK(diagnostic.severity == sfp::Severity::warning);
    CHECK(diagnostic.where.line == 2);
    CHECK(diagnostic.where.column == 1);
    CHECK_FALSE(result.diagnostics.has_errors());
}

TEST_CASE("csv: a missing file is an error diagnostic naming the file", "[csv]") {
    const TempDir dir;
    const auto path = (dir.path() / "does-not-exist.csv").string();
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(path, {}, diagnostics);
    CHECK(reader == nullptr);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].severity == sfp::Severity::error);
    CHECK(diagnostics.items()[0].where.file == path);
    CHECK_THAT(diagnostics.items()[0].message, Catch::Contains("cannot open data file"));
    CHECK_THAT(diagnostics.items()[0].message, Catch::Contains("No such file"));
}

TEST_CASE("csv: records longer than the read buffer are read whole", "[csv]") {
    // The reader uses a 64 KiB buffer; a field that spans several buffer fills must survive.
    const std::string big(200000, 'x');
    const auto result = read_text("a,b\n\"" + big + "\n" + big + "\",end\n");
    REQUIRE(result.records.size() == 2);
    REQUIRE(result.records[1].fields.size() == 2);
    CHECK(result.records[1].fields[0] == big + "\n" + big);
    CHECK(result.records[1].fields[1] == "end");
}

TEST_CASE("csv: the real Kiva sample reads as 1,418 records of 20 fields", "[csv][kiva]") {
    // tests/fixtures/kiva_loans_sample_1418.csv; reference figures from
    // /work/shared/data/kiva/PROVENANCE.md (see tests/fixtures/README.md).
    const std::string path =
        std::string(SFPGEN_SOURCE_DIR) + "/tests/fixtures/kiva_loans_sample_1418.csv";
    const auto result = read_all(path);
    CHECK(result.diagnostics.items().empty());
    REQUIRE(result.records.size() == 1419);

    const auto& header = result.records[0].fields;
    REQUIRE(header.size() == 20);
    const auto column = [&](const std::string& name) {
        const auto found = std::find(header.begin(), header.end(), name);
        REQUIRE(found != header.end());
        return static_cast<std::size_t>(found - header.begin());
    };
    const auto loan_amount = column("loan_amount");
    const auto funded_amount = column("funded_amount");
    const auto gender = column("gender");
    CHECK(header.front() == "id");
    CHECK(header.back() == "gender");

    double loan_total = 0;
    double funded_total = 0;
    long female = 0;
    long wrong_width = 0;
    long unparsed = 0;
    long with_newline = 0;
    for (std::size_t i = 1; i < result.records.size(); ++i) {
        const auto& fields = result.records[i].fields;
        if (fields.size() != 20) {
            ++wrong_width;
            continue;
        }
        const auto loan = sfp::parse_number(fields[loan_amount]);
        const auto funded = sfp::parse_number(fields[funded_amount]);
        if (!loan || !funded) {
            ++unparsed;
            continue;
        }
        loan_total += *loan;
        funded_total += *funded;
        female += fields[gender] == "female" ? 1 : 0;
        for (const auto& field : fields) {
            with_newline += field.find('\n') != std::string::npos ? 1 : 0;
        }
    }
    CHECK(wrong_width == 0);
    CHECK(unparsed == 0);
    CHECK(loan_total == 559875.0);
    CHECK(funded_total == 539950.0);
    CHECK(female == 1072);
    // PROVENANCE.md: 5 quoted fields contain line breaks; 1,424 physical lines hold the records.
    CHECK(with_newline == 5);
    CHECK(result.records.back().row == 1419);
    CHECK(result.records.back().line == 1424);
}

namespace {

/// Options with a given encoding (and optionally a tiny buffer).
sfp::CsvOptions with(sfp::Encoding encoding, std::size_t buffer_size = std::size_t{64} * 1024) {
    sfp::CsvOptions options;
    options.encoding = encoding;
    options.buffer_size = buffer_size;
    return options;
}

sfp::CsvOptions with_buffer(std::size_t buffer_size) {
    return with(sfp::Encoding::utf8, buffer_size);
}

/// Everything a read produced, as text: records with row, line and fields, then diagnostics.
std::string transcript(const ReadResult& result) {
    std::string out;
    for (const auto& record : result.records) {
        out += std::to_string(record.row) + "@" + std::to_string(record.line) + ":";
        for (const auto& field : record.fields) {
            out += "[" + field + "]";
        }
        out += "\n";
    }
    for (auto diagnostic : result.diagnostics.items()) {
        diagnostic.where.file = "data.csv"; // each read uses its own temporary folder
        out += sfp::to_string(diagnostic) + "\n";
    }
    return out;
}

const std::string replacement = "\xEF\xBF\xBD"; // U+FFFD

} // namespace

TEST_CASE("csv: a cp850 file is decoded to UTF-8, header included", "[csv][encoding]") {
    const auto result = read_text("id,d\x82nomination\r\n"
                                  "1,\"Caisse d'\x90pargne, S\x82gou\"\r\n"
                                  "2,Cr\x82"
                                  "dit Rural\r\n",
                                  with(sfp::Encoding::cp850));
    REQUIRE(result.records.size() == 3);
    CHECK(result.records[0].fields == Fields{"id", "d\xC3\xA9nomination"});
    CHECK(result.records[1].fields == Fields{"1", "Caisse d'\xC3\x89pargne, S\xC3\xA9gou"});
    CHECK(result.records[2].fields == Fields{"2", "Cr\xC3\xA9"
                                                  "dit Rural"});
    CHECK(result.diagnostics.items().empty());
}

TEST_CASE("csv: an invalid UTF-8 byte is an error at row and column, and the record is kept",
          "[csv][encoding]") {
    const TempDir dir;
    const auto path = dir.write("dos.csv", "id,name,country\n"
                                           "1,ok,Senegal\n"
                                           "2,Cr\x82"
                                           "dit Rural,Mali\n"
                                           "3,fine,Togo\n");
    const auto result = read_all(path);
    REQUIRE(result.records.size() == 4);
    CHECK(result.records[2].fields == Fields{"2", "Cr" + replacement + "dit Rural", "Mali"});
    CHECK(result.records[3].fields == Fields{"3", "fine", "Togo"});
    REQUIRE(result.diagnostics.items().size() == 1);
    const auto& diagnostic = result.diagnostics.items()[0];
    CHECK(diagnostic.severity == sfp::Severity::error);
    CHECK(diagnostic.where.line == 3);
    CHECK(diagnostic.where.column == 2);
    CHECK(sfp::to_string(diagnostic) ==
          path + ":3:2: error: invalid UTF-8 byte 0x82 in field 2 (byte offset 2 of the field)\n"
                 "  hint: declare the file's encoding in [[source]], e.g. encoding = \"cp850\"");
}

TEST_CASE("csv: one decoding error per field, however many bad bytes it has", "[csv][encoding]") {
    const auto result = read_text("a,b,c\n\x82\x82\x82,ok,\"x\x93y\x94\"\n");
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[1].fields == Fields{replacement + replacement + replacement, "ok",
                                             "x" + replacement + "y" + replacement});
    REQUIRE(result.diagnostics.items().size() == 2);
    CHECK(result.diagnostics.items()[0].where.column == 1);
    CHECK_THAT(result.diagnostics.items()[0].message,
               Catch::Equals("invalid UTF-8 byte 0x82 in field 1 (byte offset 0 of the field)"));
    CHECK(result.diagnostics.items()[1].where.column == 3);
    CHECK_THAT(result.diagnostics.items()[1].message,
               Catch::Equals("invalid UTF-8 byte 0x93 in field 3 (byte offset 1 of the field)"));
}

TEST_CASE("csv: an invalid byte in the header is reported on row 1", "[csv][encoding]") {
    const auto result = read_text("id,r\xE9gion\n1,Dakar\n");
    REQUIRE(result.records.size() == 2);
    REQUIRE(result.diagnostics.items().size() == 1);
    CHECK(result.diagnostics.items()[0].where.line == 1);
    CHECK(result.diagnostics.items()[0].where.column == 2);
    CHECK(result.records[0].fields[1] == "r" + replacement + "gion");
}

TEST_CASE("csv: a row on several lines reports the record's row, not the physical line",
          "[csv][encoding]") {
    const auto result = read_text("id,note\n1,\"two\nlines\"\n2,\"three\nlines \x82\nhere\"\n");
    REQUIRE(result.records.size() == 3);
    REQUIRE(result.diagnostics.items().size() == 1);
    CHECK(result.diagnostics.items()[0].where.line == 3);
    CHECK(result.diagnostics.items()[0].where.column == 2);
    CHECK_THAT(result.diagnostics.items()[0].message, Catch::Contains("byte offset 12"));
}

TEST_CASE("csv: an undefined windows-1252 byte names the code page in the hint",
          "[csv][encoding]") {
    const TempDir dir;
    const auto path = dir.write("win.csv", "name,amount\n\x93quoted\x94,\x80 5\nbad\x81,1\n");
    const auto result = read_all(path, with(sfp::Encoding::windows1252));
    REQUIRE(result.records.size() == 3);
    CHECK(result.records[1].fields == Fields{"\xE2\x80\x9Cquoted\xE2\x80\x9D", "\xE2\x82\xAC 5"});
    CHECK(result.records[2].fields == Fields{"bad" + replacement, "1"});
    REQUIRE(result.diagnostics.items().size() == 1);
    CHECK(sfp::to_string(result.diagnostics.items()[0]) ==
          path + ":3:1: error: invalid windows-1252 byte 0x81 in field 1 (byte offset 3 of the "
                 "field)\n  hint: byte 0x81 has no character in windows-1252");
}

TEST_CASE("csv: the byte order mark is skipped only for UTF-8", "[csv][encoding]") {
    const std::string text = "\xEF\xBB\xBFid\n1\n";
    CHECK(read_text(text).records[0].fields == Fields{"id"});
    // In cp850 the same bytes are three characters (U+00B4 U+2557 U+2510) of the first name.
    const auto cp850 = read_text(text, with(sfp::Encoding::cp850));
    CHECK(cp850.records[0].fields == Fields{"\xC2\xB4\xE2\x95\x97\xE2\x94\x90id"});
    const auto latin1 = read_text(text, with(sfp::Encoding::latin1));
    CHECK(latin1.records[0].fields == Fields{"\xC3\xAF\xC2\xBB\xC2\xBFid"});
}

TEST_CASE("csv: a NUL byte inside a field is kept", "[csv]") {
    const auto result = read_text(std::string("a,b\nx\0y,\"q\0\"\n\0,z\n", 17));
    REQUIRE(result.records.size() == 3);
    CHECK(result.records[1].fields == Fields{std::string("x\0y", 3), std::string("q\0", 2)});
    CHECK(result.records[2].fields == Fields{std::string("\0", 1), "z"});
    CHECK(result.diagnostics.items().empty());
}

TEST_CASE("csv: a file may end right after a delimiter or a closing quote", "[csv]") {
    CHECK(read_text("a,b\n1,").records[1].fields == Fields{"1", ""});
    CHECK(read_text("a,b\n1,\"x\"").records[1].fields == Fields{"1", "x"});
    CHECK(read_text("a,b\n1,\"x\"\"\"").records[1].fields == Fields{"1", "x\""});
    CHECK(read_text("a,b\n\n").records.size() == 2); // a blank line is a record of one field
}

TEST_CASE("csv: an unprintable byte after a closing quote is named by its value", "[csv]") {
    const auto result = read_text("a\n\"x\"\x82y\n");
    REQUIRE(result.diagnostics.items().size() == 2); // the warning, then the invalid byte
    CHECK_THAT(result.diagnostics.items()[0].message,
               Catch::StartsWith("unexpected '\\x82' after a closing quote"));
    // Loaders tell decoding errors from syntax problems by " byte 0x" (sfp/dataset.cpp).
    CHECK(result.diagnostics.items()[0].message.find(" byte 0x") == std::string::npos);
    CHECK(result.diagnostics.items()[1].message.find(" byte 0x") != std::string::npos);
    CHECK(result.records[1].fields == Fields{"x" + replacement + "y"});
}

TEST_CASE("csv: a lone CR at the end of the buffer is a line end, not half a CRLF", "[csv]") {
    // Buffer of 4: "a,b\r" then "c,d\r" then "\n".
    const auto result = read_text("a,b\rc,d\r\n", with_buffer(4));
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"a", "b"});
    CHECK(result.records[1].fields == Fields{"c", "d"});
    CHECK(result.records[1].line == 2);
}

TEST_CASE("csv: CRLF split across two buffer fills ends one record", "[csv]") {
    // Buffer of 4: "id,x" "\r" | "\n1,2" ...; buffer of 7: "id,x\r\n1" ",23\r" | "\n"...
    for (const std::size_t size : {std::size_t{4}, std::size_t{5}, std::size_t{7}}) {
        CAPTURE(size);
        const auto result = read_text("id,\r\n1,23\r\n4,5\r\n", with_buffer(size));
        REQUIRE(result.records.size() == 3);
        CHECK(result.records[0].fields == Fields{"id", ""});
        CHECK(result.records[1].fields == Fields{"1", "23"});
        CHECK(result.records[2].fields == Fields{"4", "5"});
        CHECK(result.records[2].line == 3);
        CHECK(result.diagnostics.items().empty());
    }
}

TEST_CASE("csv: lines and quoted fields longer than the buffer", "[csv]") {
    const std::string name(50, 'n');
    const auto result =
        read_text("id,name\n1," + name + "\n2,\"" + name + ",\r\n\"\"\"\n", with_buffer(7));
    REQUIRE(result.records.size() == 3);
    CHECK(result.records[1].fields == Fields{"1", name});
    CHECK(result.records[2].fields == Fields{"2", name + ",\r\n\""});
    CHECK(result.records[2].line == 3);
}

TEST_CASE("csv: a byte order mark is skipped with the smallest buffer", "[csv]") {
    const auto result = read_text("\xEF\xBB\xBFid,x\n1,2\n", with_buffer(1)); // raised to 4
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[0].fields == Fields{"id", "x"});
}

TEST_CASE("csv: every buffer size gives the same records and diagnostics", "[csv]") {
    // Fields that straddle buffer fills and the reader's 64-byte blocks: doubled quotes, CRLF,
    // lone CR, non-ASCII bytes before and after block boundaries, an unterminated quote.
    const std::string long_ascii(70, 'a');
    const std::string texts[] = {
        "h1,h2,h3\r\n\"q\"\"q\",x\r\ny,\"multi\r\nline\",z\r\n\r\n" + long_ascii + ",\"" +
            long_ascii + "\"\"\"\rlast,\"open",
        "id,name\n1," + std::string(63, 'x') + "\xC3\xA9," + std::string(60, 'y') + "\xE2\x82\n2," +
            std::string(130, 'z') + "\x82\n3,\"" + std::string(65, 'w') + "\xC3\xA9\"\"\"\n",
        "\xEF\xBB\xBF"
        "a\x82,\"b\"c\"\n\"\",\"\"\"\"\n,\n,,\r\r\n\n",
    };
    for (const auto& text : texts) {
        const auto expected = transcript(read_text(text));
        for (const auto encoding : {sfp::Encoding::utf8, sfp::Encoding::cp850}) {
            const auto reference = transcript(read_text(text, with(encoding)));
            for (std::size_t size = 1; size <= 140; ++size) {
                CAPTURE(size);
                CHECK(transcript(read_text(text, with(encoding, size))) == reference);
            }
        }
        CHECK(transcript(read_text(text, with(sfp::Encoding::utf8))) == expected);
    }
}

TEST_CASE("csv: a non-ASCII byte at any offset around a 64-byte block edge is decoded",
          "[csv][encoding]") {
    // The reader finds non-ASCII fields from per-block masks; a field may start in the block
    // before the one where it ends, and its first byte may be its only non-ASCII one.
    for (std::size_t start = 40; start <= 140; ++start) {
        CAPTURE(start);
        const std::string text =
            std::string(start - 1, 'a') + ",\x82" + std::string(20, 'b') + "\n";
        const auto cp850 = read_text(text, with(sfp::Encoding::cp850));
        REQUIRE(cp850.records.size() == 1);
        CHECK(cp850.records[0].fields[1] == "\xC3\xA9" + std::string(20, 'b'));
        const auto utf8 = read_text(text);
        REQUIRE(utf8.diagnostics.items().size() == 1);
        CHECK(utf8.diagnostics.items()[0].where.column == 2);
        CHECK(utf8.records[0].fields[1] == replacement + std::string(20, 'b'));
    }
}

TEST_CASE("csv: reading from a memory stream (fmemopen)", "[csv]") {
    std::string data = "a;b\n1;\"x;y\"\n";
    std::FILE* stream = ::fmemopen(data.data(), data.size(), "rb");
    REQUIRE(stream != nullptr);
    sfp::CsvOptions options;
    options.delimiter = ';';
    const auto reader = sfp::CsvReader::from_stream(stream, "memory.csv", options);
    CHECK(reader->path() == "memory.csv");
    sfp::Diagnostics diagnostics;
    sfp::CsvRecord record;
    REQUIRE(reader->next(record, diagnostics));
    CHECK(record.fields == Fields{"a", "b"});
    REQUIRE(reader->next(record, diagnostics));
    CHECK(record.fields == Fields{"1", "x;y"});
    CHECK(record.row == 2);
    CHECK_FALSE(reader->next(record, diagnostics));
    CHECK(record.fields.empty());
    CHECK(diagnostics.items().empty());
}

TEST_CASE("csv: a read error is an error diagnostic, reported once", "[csv]") {
    // On Linux fopen() opens a folder for reading; the first fread() then fails (EISDIR).
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(dir.path().string(), {}, diagnostics);
    REQUIRE(reader != nullptr);
    sfp::CsvRecord record;
    CHECK_FALSE(reader->next(record, diagnostics));
    CHECK_FALSE(reader->next(record, diagnostics));
    REQUIRE(diagnostics.items().size() == 1);
    CHECK(diagnostics.items()[0].severity == sfp::Severity::error);
    CHECK(diagnostics.items()[0].where.line == 1);
    CHECK_THAT(diagnostics.items()[0].message, Catch::StartsWith("cannot read data file: "));
}

TEST_CASE("csv: a record's strings are reused when it is read into again", "[csv]") {
    // Narrower, then wider, then empty records into one CsvRecord: no stale fields remain.
    const TempDir dir;
    const auto path = dir.write("widths.csv", "a,b,c\nd\ne,f,g,h\n\n");
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(path, {}, diagnostics);
    REQUIRE(reader != nullptr);
    sfp::CsvRecord record;
    const std::vector<Fields> expected{{"a", "b", "c"}, {"d"}, {"e", "f", "g", "h"}, {""}};
    for (const auto& fields : expected) {
        REQUIRE(reader->next(record, diagnostics));
        CHECK(record.fields == fields);
    }
    CHECK_FALSE(reader->next(record, diagnostics));
}

TEST_CASE("parse_number: accepts plain, signed, exponent and float-written integers",
          "[csv][number]") {
    CHECK(sfp::parse_number("201.0") == 201.0);
    CHECK(sfp::parse_number("0") == 0.0);
    CHECK(sfp::parse_number("42") == 42.0);
    CHECK(sfp::parse_number("-1.5e3") == -1500.0);
    CHECK(sfp::parse_number("+3") == 3.0);
    CHECK(sfp::parse_number("2.5E-2") == 0.025);
    CHECK(sfp::parse_number("6253026.55") == 6253026.55);
}

TEST_CASE("parse_number: rejects empty, comma decimals, words and non-finite values",
          "[csv][number]") {
    CHECK_FALSE(sfp::parse_number("").has_value());
    CHECK_FALSE(sfp::parse_number("+").has_value());
    CHECK_FALSE(sfp::parse_number("-").has_value());
    CHECK_FALSE(sfp::parse_number("1,5").has_value());
    CHECK_FALSE(sfp::parse_number("1,234").has_value());
    CHECK_FALSE(sfp::parse_number("abc").has_value());
    CHECK_FALSE(sfp::parse_number("12abc").has_value());
    CHECK_FALSE(sfp::parse_number("1e400").has_value());
    CHECK_FALSE(sfp::parse_number("-1e400").has_value());
    CHECK_FALSE(sfp::parse_number("nan").has_value());
    CHECK_FALSE(sfp::parse_number("NaN").has_value());
    CHECK_FALSE(sfp::parse_number("inf").has_value());
    CHECK_FALSE(sfp::parse_number("-inf").has_value());
    CHECK_FALSE(sfp::parse_number("infinity").has_value());
    CHECK_FALSE(sfp::parse_number("++3").has_value());
    CHECK_FALSE(sfp::parse_number("0x10").has_value());
    CHECK_FALSE(sfp::parse_number("1.2.3").has_value());
    CHECK_FALSE(sfp::parse_number(" 3").has_value()); // callers trim; the parser does not
}

TEST_CASE("parse_number: a plus sign followed by a minus sign is not a number", "[csv][number]") {
    // Library bug: parse_number strips one '+' and hands the rest to std::from_chars, which
    // accepts a leading '-'; "+-3" is read as -3 instead of being rejected.
    CHECK_FALSE(sfp::parse_number("+-3").has_value());
    CHECK_FALSE(sfp::parse_number("+-0.5").has_value());
}

TEST_CASE("parse_number: its plain-decimal fast path reads what std::from_chars reads",
          "[csv][number]") {
    // parse_number reads plain decimals itself (Clinger's fast path) and leaves everything else
    // to std::from_chars: for any text, its result must be from_chars's (the same bits, -0
    // too). 200,000 texts: decimals of up to 21 + 11 digits, some with one odd byte, and junk.
    const auto reference = [](std::string_view text) -> std::optional<double> {
        if (!text.empty() && text.front() == '+') {
            text.remove_prefix(1);
            if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
                return std::nullopt;
            }
        }
        double value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc{} || ptr != end || !std::isfinite(value)) {
            return std::nullopt;
        }
        return value;
    };
    std::mt19937 random(20261130);
    const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    const std::string digits = "0123456789";
    const std::string odd = std::string("0123456789.-+eE /:\x80\xff", 20) + std::string(1, '\0');
    std::vector<std::string> texts = {"0",
                                      "-0",
                                      "00",
                                      "0.0",
                                      "-0.000",
                                      "1.",
                                      ".5",
                                      "-",
                                      ".",
                                      "-.5",
                                      "12345678",
                                      "123456789",
                                      "9007199254740993",
                                      "9007199254740992",
                                      "12345678.12345678",
                                      "1234567890123456789",
                                      "12345678901234567890",
                                      "0.0000000000000000001",
                                      "1.00000000000000000001",
                                      "99999999.99999999",
                                      "1e5",
                                      "1:5",
                                      "1/5",
                                      "٣"};
    for (int i = 0; i < 200000; ++i) {
        std::string text;
        if (pick(4) != 0) { // a decimal, perhaps with one odd byte
            if (pick(3) == 0) {
                text += '-';
            }
            for (int d = pick(21); d >= 0; --d) {
                text += digits[static_cast<std::size_t>(pick(10))];
            }
            if (pick(2) == 0) {
                text += '.';
                for (int d = pick(12); d > 0; --d) {
                    text += digits[static_cast<std::size_t>(pick(10))];
                }
            }
            if (pick(8) == 0) {
                text[static_cast<std::size_t>(pick(static_cast<int>(text.size())))] =
                    odd[static_cast<std::size_t>(pick(static_cast<int>(odd.size())))];
            }
        } else { // anything from the odd bytes
            for (int c = pick(12); c > 0; --c) {
                text += odd[static_cast<std::size_t>(pick(static_cast<int>(odd.size())))];
            }
        }
        texts.push_back(std::move(text));
    }
    int mismatches = 0;
    for (const auto& text : texts) {
        const auto got = sfp::parse_number(text);
        const auto want = reference(text);
        const bool same =
            got.has_value() == want.has_value() &&
            (!got || std::bit_cast<std::uint64_t>(*got) == std::bit_cast<std::uint64_t>(*want));
        if (!same && ++mismatches <= 5) {
            INFO("text '" << text << "'");
            CHECK(same);
        }
    }
    CHECK(mismatches == 0);
}

// ---------------------------------------------------------------------------------------------
// Input limits (CsvOptions::limits, [limits] in the configuration)

namespace {

sfp::CsvOptions with_limits(std::size_t field_bytes, std::size_t fields, std::size_t record_bytes,
                            std::size_t buffer_size = std::size_t{64} * 1024) {
    sfp::CsvOptions options;
    options.limits = {field_bytes, fields, record_bytes};
    options.buffer_size = buffer_size;
    return options;
}

/// The only error of `result`, which must have exactly one.
const sfp::Diagnostic& only_error(const ReadResult& result) {
    REQUIRE(result.diagnostics.error_count() == 1);
    return *std::find_if(
        result.diagnostics.items().begin(), result.diagnostics.items().end(),
        [](const sfp::Diagnostic& d) { return d.severity == sfp::Severity::error; });
}

} // namespace

TEST_CASE("csv limits: the defaults are 1 MiB per field, 1000 fields, 4 MiB per record",
          "[csv][limits]") {
    const sfp::CsvOptions options;
    CHECK(options.limits.max_field_bytes == 1048576);
    CHECK(options.limits.max_fields == 1000);
    CHECK(options.limits.max_record_bytes == 4194304);
}

TEST_CASE("csv limits: a field of exactly the limit is read, one byte more stops the file",
          "[csv][limits]") {
    for (const std::size_t buffer : {std::size_t{4}, std::size_t{7}, std::size_t{64 * 1024}}) {
        INFO("buffer " << buffer);
        const std::string at_limit(10, 'x');
        const auto ok = read_text("a,b\n1," + at_limit + "\n", with_limits(10, 100, 1000, buffer));
        CHECK(ok.diagnostics.items().empty());
        REQUIRE(ok.records.size() == 2);
        CHECK(ok.records[1].fields == Fields{"1", at_limit});

        // Row 2's second field has 11 bytes; row 3 must not be read.
        const auto over =
            read_text("a,b\n1," + at_limit + "y\n2,z\n", with_limits(10, 100, 1000, buffer));
        REQUIRE(over.records.size() == 1);
        const auto& error = only_error(over);
        CHECK(error.where.line == 2);
        CHECK(error.where.column == 2);
        CHECK(error.code == "input-limit");
        CHECK(error.message.find("field longer than the limit of 10 bytes "
                                 "(limits.max_field_bytes): expected at most 10 bytes") == 0);
    }
}

TEST_CASE("csv limits: a quoted field over the limit stops the file without an unterminated-quote "
          "error",
          "[csv][limits]") {
    // The quote never closes: without the limit the whole file would become one field.
    const auto result =
        read_text("a\n\"" + std::string(5000, 'q') + "\n1\n2\n", with_limits(100, 10, 1000, 64));
    REQUIRE(result.records.size() == 1);
    const auto& error = only_error(result);
    CHECK(error.where.line == 2);
    CHECK(error.where.column == 1);
    CHECK(error.message.find("limits.max_field_bytes") != std::string::npos);
}

TEST_CASE("csv limits: a record with more fields than max_fields is refused at the first extra "
          "field",
          "[csv][limits]") {
    const auto ok = read_text("a,b,c\n1,2,3\n", with_limits(100, 3, 1000));
    CHECK(ok.diagnostics.items().empty());
    CHECK(ok.records.size() == 2);

    const auto over = read_text("a,b,c\n1,2,3,4\n5,6,7\n", with_limits(100, 3, 1000));
    REQUIRE(over.records.size() == 1);
    const auto& error = only_error(over);
    CHECK(error.where.line == 2);
    CHECK(error.where.column == 4);
    CHECK(error.message.find("record with more fields than the limit of 3 (limits.max_fields)") ==
          0);
}

TEST_CASE("csv limits: a record whose fields add up to more than max_record_bytes is refused",
          "[csv][limits]") {
    // Fields of 4 bytes each: 3 of them make 12 bytes, within 12; a fourth goes over.
    const auto ok = read_text("aaaa,bbbb,cccc\n", with_limits(4, 10, 12));
    CHECK(ok.diagnostics.items().empty());
    const auto over = read_text("aaaa,bbbb,cccc\naaaa,bbbb,cccc,d\n", with_limits(4, 10, 12));
    REQUIRE(over.records.size() == 1);
    const auto& error = only_error(over);
    CHECK(error.where.line == 2);
    CHECK(error.where.column == 4);
    CHECK(error.message.find(
              "record longer than the limit of 12 bytes (limits.max_record_bytes)") == 0);
}

TEST_CASE("csv limits: after a limit, next() keeps returning false", "[csv][limits]") {
    const TempDir dir;
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(dir.write("data.csv", "abcdef\nx\ny\n"),
                                             with_limits(3, 10, 100), diagnostics);
    REQUIRE(reader != nullptr);
    sfp::CsvRecord record;
    CHECK_FALSE(reader->next(record, diagnostics));
    CHECK(record.fields.empty());
    CHECK_FALSE(reader->next(record, diagnostics));
    CHECK(diagnostics.error_count() == 1);
}

TEST_CASE("csv limits: a 64 MiB line stops after about max_field_bytes, not at its end",
          "[csv][limits]") {
    // A sparse file of NUL bytes (one field, no line break): reading it whole would take
    // 64 MiB and far longer than reading 1 MiB.
    const TempDir dir;
    const std::string path = dir.write("big.csv", "");
    fs::resize_file(path, std::uint64_t{64} << 20);
    sfp::Diagnostics diagnostics;
    const auto reader = sfp::CsvReader::open(path, {}, diagnostics);
    REQUIRE(reader != nullptr);
    sfp::CsvRecord record;
    CHECK_FALSE(reader->next(record, diagnostics));
    REQUIRE(diagnostics.error_count() == 1);
    const auto& message = diagnostics.items().front().message;
    INFO(message);
    // "found at least N": N is the limit plus less than one buffer (64 KiB).
    const auto at = message.rfind(' ');
    const auto found = std::stoul(message.substr(at + 1));
    CHECK(found > 1048576);
    CHECK(found <= 1048576 + 65536);
}

TEST_CASE("csv: a UTF-16 byte order mark is refused at 1:1", "[csv][limits]") {
    for (const std::string& mark : {std::string("\xFF\xFE"), std::string("\xFE\xFF")}) {
        const auto result = read_text(mark + std::string("a\0,\0b\0\n\0", 8));
        CHECK(result.records.empty());
        const auto& error = only_error(result);
        CHECK(error.where.line == 1);
        CHECK(error.where.column == 1);
        CHECK(error.message.find("UTF-16 byte order mark: expected a utf-8 file") == 0);
    }
}
