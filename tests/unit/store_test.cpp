// Tests of the SFP database (sfp/store.hpp) and of SHA-256 (sfp/sha256.hpp).

#include "sfp/sha256.hpp"
#include "sfp/store.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sqlite3.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// A unique temporary folder for this file's tests (tests/unit/test_support.hpp).
class TempDir : public sfp::testing::TempDir {
public:
    TempDir() : sfp::testing::TempDir("store") {}
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs SQL on a database file directly with SQLite, as another program would.
void exec_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    const int status = sqlite3_open(path.c_str(), &db);
    std::string error;
    if (status == SQLITE_OK) {
        char* message = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            error = message != nullptr ? message : "error";
        }
        sqlite3_free(message);
    } else {
        error = sqlite3_errstr(status);
    }
    sqlite3_close(db);
    INFO(sql);
    REQUIRE(error.empty());
}

/// Every diagnostic as text, one per line (for failure messages and substring checks).
std::string all_text(const sfp::Diagnostics& diagnostics) {
    std::string text;
    for (const auto& diagnostic : diagnostics.items()) {
        text += sfp::to_string(diagnostic) + "\n";
    }
    return text;
}

using Rows = std::vector<std::vector<std::string>>;

/// The header and rows of a query, as text cells (header first).
Rows read_rows(sfp::Store& store, const std::string& sql_or_table,
               const std::vector<std::pair<std::string, std::string>>& params = {}) {
    sfp::Diagnostics diagnostics;
    auto reader = store.query(sql_or_table, params, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(reader != nullptr);
    Rows rows(1);
    REQUIRE(reader->read_header(rows[0], diagnostics));
    sfp::CsvRecord record;
    long expected_row = 2;
    while (reader->next(record, diagnostics)) {
        CHECK(record.row == expected_row++);
        rows.push_back(record.fields);
    }
    CHECK(diagnostics.items().empty());
    return rows;
}

/// Every row of every table, in a fixed order: equal dumps mean equal databases.
std::string dump(sfp::Store& store) {
    std::string text;
    for (const char* table :
         {"schema_version", "submissions", "institutions", "reporting_periods", "figures",
          "countries", "gni_per_capita", "exchange_rates", "inflation"}) {
        for (const auto& row : read_rows(store, table)) {
            text += table;
            for (const auto& cell : row) {
                text += "|" + cell;
            }
            text += "\n";
        }
    }
    return text;
}

sfp::Date date(int year, unsigned month, unsigned day) {
    return sfp::Date{year, month, day};
}

/// Three institution-years as a loader would give them: MFI-001 in 2022 and 2023, MFI-002 in
/// 2023, with missing values, a name with a quote and an SQL-looking name.
sfp::Dataset sample_dataset(const std::string& file = "partners_2023.csv") {
    sfp::Dataset data;
    data.institution_id = {"MFI-001", "MFI-001", "MFI-002"};
    data.institution_name = {"O'Brien Microcredit", "O'Brien Microcredit",
                             "'; DROP TABLE figures; --"};
    data.country_iso3 = {"KEN", "KEN", "SEN"};
    data.region = {"Africa", "Africa", "Africa"};
    data.currency = {"KES", "KES", "XOF"};
    data.fiscal_year = {2022, 2023, 2023};
    data.period_start = {date(2022, 1, 1), date(2023, 1, 1), std::nullopt};
    data.period_end = {date(2022, 12, 31), date(2023, 12, 31), date(2023, 12, 31)};
    data.numbers["gross_loan_portfolio"] = {1000.5, 1200.25, std::nullopt};
    data.numbers["active_borrowers"] = {10.0, 12.0, 7.0};
    data.numbers["par30_balance"] = {std::nullopt, 0.1, 5.0};
    data.texts["legal_form"] = {"NGO", "NGO", ""};
    data.origin = {{file, 2, 0}, {file, 3, 0}, {file, 4, 0}};
    data.stats.push_back({"partners", file, 4, 3, 1, {{"missing-id", 1}}});
    return data;
}

sfp::IngestInfo info_for(const std::string& content,
                         const std::string& file = "partners_2023.csv") {
    sfp::IngestInfo info;
    info.source_name = "partners";
    info.file_path = file;
    info.sha256 = sfp::sha256_hex(content);
    info.file_size = static_cast<std::int64_t>(content.size());
    info.ingested_at = 1767225600;
    info.submitted_by = "test";
    return info;
}

std::unique_ptr<sfp::Store> open_store(const std::string& path,
                                       sfp::OpenMode mode = sfp::OpenMode::read_write) {
    sfp::Diagnostics diagnostics;
    auto store = sfp::Store::open(path, diagnostics, mode);
    INFO(all_text(diagnostics));
    REQUIRE(store != nullptr);
    CHECK(diagnostics.items().empty());
    return store;
}

sfp::IngestResult ingest_ok(sfp::Store& store, const sfp::Dataset& data,
                            const sfp::IngestInfo& info) {
    sfp::Diagnostics diagnostics;
    const auto result = store.ingest(data, info, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(result.outcome != sfp::IngestResult::Outcome::failed);
    CHECK(!diagnostics.has_errors());
    return result;
}

} // namespace

// ----- SHA-256 ------------------------------------------------------------------------------

TEST_CASE("sha256: FIPS 180-4 test vectors", "[store][sha256]") {
    CHECK(sfp::sha256_hex("") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sfp::sha256_hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sfp::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sfp::sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: streaming in uneven pieces gives the one-shot digest", "[store][sha256]") {
    // Pieces of 1..127 bytes cross the 64-byte block boundary in every way, including the
    // padding cases of 55, 56 and 64 bytes left over.
    const std::string message(1000000, 'a');
    sfp::Sha256 hash;
    std::size_t offset = 0;
    std::size_t piece = 1;
    while (offset < message.size()) {
        const std::size_t take = std::min(piece, message.size() - offset);
        hash.update(message.data() + offset, take);
        offset += take;
        piece = piece % 127 + 1;
    }
    CHECK(sfp::to_hex(hash.finish()) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    for (const std::size_t length : {55U, 56U, 63U, 64U, 65U, 119U, 120U}) {
        const std::string text(length, 'x');
        sfp::Sha256 split;
        split.update(text.substr(0, length / 2));
        split.update(text.substr(length / 2));
        CHECK(sfp::to_hex(split.finish()) == sfp::sha256_hex(text));
    }
}

TEST_CASE("sha256: the portable and the SHA-NI paths give the FIPS digests and agree",
          "[store][sha256]") {
    // On a CPU with the SHA extensions both paths run; elsewhere the portable one runs twice.
    // Messages of every length up to 300 bytes of pseudo-random bytes, and 1 MB, cross every
    // padding case and the multi-block loop.
    std::string bytes;
    std::uint32_t seed = 12345U;
    for (int index = 0; index < 1000000; ++index) {
        seed = seed * 1664525U + 1013904223U;
        bytes.push_back(static_cast<char>(seed >> 24U));
    }
    std::vector<std::string> digests[2];
    for (const bool accelerated : {false, true}) {
        const bool available = sfp::detail::sha256_use_cpu_extensions(accelerated);
        INFO("SHA extensions " << (accelerated ? "on" : "off") << ", CPU has them: " << available);
        CHECK(sfp::sha256_hex("abc") ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sfp::sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                              "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        CHECK(sfp::sha256_hex(std::string(1000000, 'a')) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        for (std::size_t length = 0; length <= 300; ++length) {
            digests[accelerated ? 1 : 0].push_back(sfp::sha256_hex(bytes.substr(0, length)));
        }
        digests[accelerated ? 1 : 0].push_back(sfp::sha256_hex(bytes));
    }
    static_cast<void>(sfp::detail::sha256_use_cpu_extensions(true));
    CHECK(digests[0] == digests[1]);
}

TEST_CASE("sha256: a file is hashed in blocks and its size is counted", "[store][sha256]") {
    const TempDir dir;
    std::string content;
    for (int index = 0; index < 100000; ++index) {
        content += std::to_string(index) + ",\r\n";
    }
    const auto path = dir.write("data.csv", content);
    sfp::Diagnostics diagnostics;
    const auto digest = sfp::sha256_file(path, diagnostics);
    REQUIRE(digest);
    CHECK(digest->sha256 == sfp::sha256_hex(content));
    CHECK(digest->size == static_cast<std::int64_t>(content.size()));

    const auto missing = sfp::sha256_file(dir.file("no-such-file.csv"), diagnostics);
    CHECK(!missing);
    REQUIRE(diagnostics.items().size() == 1);
    CHECK_THAT(all_text(diagnostics), Catch::Contains("no-such-file.csv: error: cannot read file"));
}

// ----- opening ------------------------------------------------------------------------------

TEST_CASE("store: a new file gets the schema, and reopens", "[store]") {
    const TempDir dir;
    const auto path = dir.file("sfp.sqlite");
    {
        auto store = open_store(path);
        CHECK(store->path() == path);
        const auto version = read_rows(*store, "schema_version");
        REQUIRE(version.size() == 2);
        CHECK(version[0] == std::vector<std::string>{"version", "description"});
        CHECK(version[1][0] == std::to_string(sfp::store_schema_version));
        CHECK(read_rows(*store, "PRAGMA user_version")[1][0] == "1");
        CHECK(read_rows(*store, "PRAGMA foreign_keys")[1][0] == "1");
        CHECK(read_rows(*store, "submissions").size() == 1);
    }
    CHECK(fs::is_regular_file(path));
    auto again = open_store(path);
    CHECK(read_rows(*again, "schema_version").size() == 2);
    auto read_only = open_store(path, sfp::OpenMode::read_only);
    CHECK(read_rows(*read_only, "figures").size() == 1);
}

TEST_CASE("store: a file that is not SQLite is a diagnostic, not a crash", "[store]") {
    const TempDir dir;
    std::string text;
    for (int line = 0; line < 200; ++line) {
        text += "mfi_id,mfi_name,fiscal_year\nMFI-001,Savanna,2023\n";
    }
    const auto path = dir.write("partners.csv", text);
    sfp::Diagnostics diagnostics;
    CHECK(sfp::Store::open(path, diagnostics) == nullptr);
    const auto message = all_text(diagnostics);
    CHECK_THAT(message, Catch::StartsWith(path + ": error: database: "));
    CHECK_THAT(message, Catch::Contains("not a database"));
    CHECK_THAT(message, Catch::Contains("hint: "));
    CHECK(read_bytes(path) == text); // untouched
}

TEST_CASE("store: a damaged database is a diagnostic, not a crash", "[store]") {
    const TempDir dir;
    const auto path = dir.file("sfp.sqlite");
    {
        auto store = open_store(path);
        ingest_ok(*store, sample_dataset(), info_for("file one"));
    }
    // Keep the header page (so the file still looks like an sfpgen database) and overwrite
    // every other page with garbage.
    auto bytes = read_bytes(path);
    REQUIRE(bytes.size() > 4096);
    for (std::size_t index = 4096; index < bytes.size(); ++index) {
        bytes[index] = static_cast<char>(0xA5 ^ (index * 31 % 251));
    }
    const auto damaged = dir.write("sfp.sqlite", bytes);
    sfp::Diagnostics diagnostics;
    auto store = sfp::Store::open(damaged, diagnostics);
    if (store) {
        CHECK(!store->load_current(diagnostics).has_value());
        CHECK(store->ingest(sample_dataset(), info_for("file two"), diagnostics).outcome ==
              sfp::IngestResult::Outcome::failed);
    }
    CHECK(diagnostics.has_errors());
    CHECK_THAT(all_text(diagnostics), Catch::StartsWith(damaged + ": error: database: "));
    CHECK_THAT(all_text(diagnostics), Catch::Contains("malformed"));
}

TEST_CASE("store: a missing file in read-only mode is a diagnostic and is not created", "[store]") {
    const TempDir dir;
    const auto path = dir.file("none.sqlite");
    sfp::Diagnostics diagnostics;
    CHECK(sfp::Store::open(path, diagnostics, sfp::OpenMode::read_only) == nullptr);
    CHECK_THAT(all_text(diagnostics), Catch::Contains("database: no such database file"));
    CHECK(!fs::exists(path));
}

TEST_CASE("store: another application's database and a newer schema are refused", "[store]") {
    const TempDir dir;
    const auto other = dir.file("other.sqlite");
    exec_sql(other, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('x');");
    sfp::Diagnostics diagnostics;
    CHECK(sfp::Store::open(other, diagnostics) == nullptr);
    CHECK_THAT(all_text(diagnostics), Catch::Contains("database: not an sfpgen database"));

    const auto newer = dir.file("newer.sqlite");
    open_store(newer);
    exec_sql(newer, "PRAGMA user_version = 2");
    sfp::Diagnostics newer_diagnostics;
    CHECK(sfp::Store::open(newer, newer_diagnostics) == nullptr);
    CHECK_THAT(all_text(newer_diagnostics),
               Catch::Contains("database: schema version 2 is newer than this sfpgen reads (1)"));
}

// ----- ingest and read back -----------------------------------------------------------------

TEST_CASE("store: ingested figures read back as the same dataset, missing stays missing",
          "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    const auto data = sample_dataset();
    const auto result = ingest_ok(*store, data, info_for("file one"));
    CHECK(result.outcome == sfp::IngestResult::Outcome::stored);
    CHECK(result.submission_id == 1);
    CHECK(result.figures_new == 12); // 3 records x (3 numbers + 1 text), missing ones included
    CHECK(result.figures_revised == 0);
    CHECK(result.figures_unchanged == 0);

    sfp::Diagnostics diagnostics;
    const auto current = store->load_current(diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(current);
    CHECK(diagnostics.items().empty());
    REQUIRE(current->size() == 3);
    CHECK(current->institution_id == data.institution_id);
    CHECK(current->institution_name == data.institution_name);
    CHECK(current->country_iso3 == data.country_iso3);
    CHECK(current->currency == data.currency);
    CHECK(current->fiscal_year == data.fiscal_year);
    CHECK(current->period_start == data.period_start);
    CHECK(current->period_end == data.period_end);
    CHECK(current->numbers == data.numbers);
    CHECK(!current->numbers.at("gross_loan_portfolio")[2].has_value()); // never 0
    CHECK(current->texts.at("legal_form") == data.texts.at("legal_form"));
    CHECK(current->origin[1].file == "partners_2023.csv");
    CHECK(current->origin[1].line == 3);
    CHECK(current->issues.empty());

    const auto submissions =
        read_rows(*store, "SELECT source_name, file_path, file_sha256, file_size, rows_read, "
                          "rows_used, rows_rejected, figures_new, ingested_at, submitted_by "
                          "FROM submissions");
    REQUIRE(submissions.size() == 2);
    CHECK(submissions[1] == std::vector<std::string>{"partners", "partners_2023.csv",
                                                     sfp::sha256_hex("file one"), "8", "4", "3",
                                                     "1", "12", "1767225600", "test"});
    const auto institutions = read_rows(
        *store, "SELECT id, name, first_seen_submission, last_seen_submission FROM institutions");
    CHECK(institutions == Rows{{"id", "name", "first_seen_submission", "last_seen_submission"},
                               {"MFI-001", "O'Brien Microcredit", "1", "1"},
                               {"MFI-002", "'; DROP TABLE figures; --", "1", "1"}});
}

TEST_CASE("store: the same file twice is unchanged and writes nothing", "[store]") {
    const TempDir dir;
    const auto path = dir.file("sfp.sqlite");
    auto store = open_store(path);
    const auto data = sample_dataset();
    ingest_ok(*store, data, info_for("file one"));
    const auto before = dump(*store);

    auto info = info_for("file one", "copy/of/partners_2023.csv");
    info.ingested_at += 3600;
    const auto again = ingest_ok(*store, data, info);
    CHECK(again.outcome == sfp::IngestResult::Outcome::unchanged);
    CHECK(again.submission_id == 1);
    CHECK(dump(*store) == before);

    // The same bytes under another source name are another submission.
    info.source_name = "partners_q";
    const auto other_source = ingest_ok(*store, data, info);
    CHECK(other_source.outcome == sfp::IngestResult::Outcome::stored);
    CHECK(other_source.figures_unchanged == 12);
}

TEST_CASE("store: a different file with identical figures creates no revisions", "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    ingest_ok(*store, sample_dataset(), info_for("file one"));
    const auto result =
        ingest_ok(*store, sample_dataset("partners_2023_resent.csv"),
                  info_for("file one, saved again with CRLF", "partners_2023_resent.csv"));
    CHECK(result.outcome == sfp::IngestResult::Outcome::stored);
    CHECK(result.submission_id == 2);
    CHECK(result.figures_new == 0);
    CHECK(result.figures_revised == 0);
    CHECK(result.figures_unchanged == 12);
    CHECK(read_rows(*store, "figures").size() == 13);
    CHECK(read_rows(*store, "SELECT * FROM figures WHERE superseded_by IS NOT NULL").size() == 1);
}

TEST_CASE("store: a revision becomes current and the earlier figure is kept with its provenance",
          "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    ingest_ok(*store, sample_dataset(), info_for("file one"));

    // The 2023 resubmission of MFI-001 only: a corrected portfolio, the same borrowers, PAR30
    // and legal form not given (kept), a value for a field that was missing.
    sfp::Dataset revised;
    revised.institution_id = {"MFI-001"};
    revised.institution_name = {"O'Brien Microcredit Bank"};
    revised.country_iso3 = {"KEN"};
    revised.region = {"Africa"};
    revised.currency = {"KES"};
    revised.fiscal_year = {2023};
    revised.period_end = {date(2023, 12, 31)};
    revised.numbers["gross_loan_portfolio"] = {1250.0};
    revised.numbers["active_borrowers"] = {12.0};
    revised.numbers["par30_balance"] = {std::nullopt};
    revised.numbers["personnel"] = {4.0};
    revised.origin = {{"partners_2023_v2.csv", 7, 0}};
    auto info = info_for("file two", "partners_2023_v2.csv");
    info.ingested_at = 1767312000;
    const auto result = ingest_ok(*store, revised, info);
    CHECK(result.submission_id == 2);
    CHECK(result.figures_new == 1);
    CHECK(result.figures_revised == 1);
    CHECK(result.figures_unchanged == 1);
    CHECK(result.figures_missing == 1);

    sfp::Diagnostics diagnostics;
    const auto current = store->load_current(diagnostics);
    REQUIRE(current);
    REQUIRE(current->size() == 3);
    CHECK(current->numbers.at("gross_loan_portfolio")[1] == 1250.0);
    CHECK(current->numbers.at("par30_balance")[1] == 0.1); // kept
    CHECK(current->numbers.at("personnel")[1] == 4.0);
    CHECK(!current->numbers.at("personnel")[0].has_value());
    CHECK(current->texts.at("legal_form")[1] == "NGO"); // kept
    CHECK(current->institution_name[1] == "O'Brien Microcredit Bank");
    CHECK(current->institution_name[0] == "O'Brien Microcredit"); // other period unchanged
    CHECK(current->origin[1].file == "partners_2023_v2.csv");
    CHECK(current->origin[1].line == 7);

    const auto history =
        read_rows(*store,
                  "SELECT value, submission_id, file_path, file_sha256, source_row, ingested_at, "
                  "superseded_by FROM figure_history WHERE institution_id = :id AND "
                  "fiscal_year = :year AND field = :field ORDER BY submission_id",
                  {{"id", "MFI-001"}, {"year", "2023"}, {"field", "gross_loan_portfolio"}});
    REQUIRE(history.size() == 3);
    CHECK(history[1] == std::vector<std::string>{"1200.25", "1", "partners_2023.csv",
                                                 sfp::sha256_hex("file one"), "3", "1767225600",
                                                 "2"});
    CHECK(history[2] == std::vector<std::string>{"1250", "2", "partners_2023_v2.csv",
                                                 sfp::sha256_hex("file two"), "7", "1767312000",
                                                 ""});
    const auto institution =
        read_rows(*store, "SELECT name, first_seen_submission, last_seen_submission FROM "
                          "institutions WHERE id = 'MFI-001'");
    CHECK(institution[1] == std::vector<std::string>{"O'Brien Microcredit Bank", "1", "2"});
}

TEST_CASE("store: a period given by fiscal year only matches the same period with its end date",
          "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    sfp::Dataset by_year;
    by_year.institution_id = {"MFI-009"};
    by_year.fiscal_year = {2021};
    by_year.numbers["active_borrowers"] = {100.0};
    by_year.origin = {{"a.csv", 2, 0}};
    ingest_ok(*store, by_year, info_for("a"));

    sfp::Dataset with_end = by_year;
    with_end.fiscal_year = {0}; // derived from the end date
    with_end.period_end = {date(2021, 6, 30)};
    with_end.numbers["active_borrowers"] = {110.0};
    const auto result = ingest_ok(*store, with_end, info_for("b"));
    CHECK(result.figures_revised == 1);
    const auto periods = read_rows(*store, "SELECT fiscal_year, period_end FROM reporting_periods");
    CHECK(periods == Rows{{"fiscal_year", "period_end"}, {"2021", "2021-06-30"}});
}

TEST_CASE("store: a change of currency revises amounts, an amount left in the old currency is "
          "set aside on reading",
          "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    sfp::Dataset data;
    data.institution_id = {"MFI-010"};
    data.currency = {"ZWL"};
    data.fiscal_year = {2019};
    data.numbers["gross_loan_portfolio"] = {5000.0};
    data.numbers["opex"] = {700.0};
    data.origin = {{"a.csv", 2, 0}};
    ingest_ok(*store, data, info_for("a"));

    data.currency = {"USD"};
    data.numbers["gross_loan_portfolio"] = {5000.0}; // same number, another currency
    data.numbers["opex"] = {std::nullopt};
    const auto result = ingest_ok(*store, data, info_for("b"));
    CHECK(result.figures_revised == 1);
    CHECK(read_rows(*store, "SELECT unit FROM current_figures WHERE field = "
                            "'gross_loan_portfolio'")[1][0] == "USD");

    sfp::Diagnostics diagnostics;
    const auto current = store->load_current(diagnostics);
    REQUIRE(current);
    CHECK(current->numbers.at("gross_loan_portfolio")[0] == 5000.0);
    CHECK(!current->numbers.at("opex")[0].has_value());
    REQUIRE(current->issues.size() == 1);
    CHECK(current->issues[0].code == "currency-mismatch");
    CHECK(current->issues[0].field == "opex");
}

// ----- atomicity ----------------------------------------------------------------------------

TEST_CASE("store: a failure half-way through an ingest leaves the database as it was", "[store]") {
    const TempDir dir;
    const auto path = dir.file("sfp.sqlite");
    auto store = open_store(path);
    ingest_ok(*store, sample_dataset(), info_for("file one"));
    const auto before_rows = dump(*store);
    const auto before_bytes = read_bytes(path);

    // A second submission with new institutions and revisions, interrupted after 5 figures.
    auto data = sample_dataset("b.csv");
    data.institution_id = {"MFI-001", "MFI-003", "MFI-004"};
    data.numbers["gross_loan_portfolio"] = {1.0, 2.0, 3.0};
    auto info = info_for("file two", "b.csv");
    long seen = 0;
    info.on_figure = [&seen](long written) {
        seen = written;
        if (written == 5) {
            throw std::runtime_error("injected failure after 5 figures");
        }
    };
    sfp::Diagnostics diagnostics;
    const auto result = store->ingest(data, info, diagnostics);
    CHECK(result.outcome == sfp::IngestResult::Outcome::failed);
    CHECK(seen == 5);
    CHECK_THAT(all_text(diagnostics),
               Catch::Contains("database: ingest rolled back: injected failure after 5 figures"));
    CHECK(dump(*store) == before_rows);
    CHECK(read_bytes(path) == before_bytes);

    SECTION("the same file can then be ingested") {
        info.on_figure = nullptr;
        const auto retried = ingest_ok(*store, data, info);
        CHECK(retried.outcome == sfp::IngestResult::Outcome::stored);
        CHECK(retried.submission_id == 2);
    }
}

TEST_CASE("store: a constraint failure on a chosen row rolls the whole ingest back", "[store]") {
    const TempDir dir;
    const auto path = dir.file("sfp.sqlite");
    open_store(path);
    // Another program's trigger refuses one figure of the last record.
    exec_sql(path, "CREATE TRIGGER refuse BEFORE INSERT ON figures "
                   "WHEN NEW.field = 'par30_balance' AND NEW.value = 5 "
                   "BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END;");
    auto store = open_store(path);
    const auto before_rows = dump(*store);
    const auto before_bytes = read_bytes(path);
    sfp::Diagnostics diagnostics;
    const auto result = store->ingest(sample_dataset(), info_for("file one"), diagnostics);
    CHECK(result.outcome == sfp::IngestResult::Outcome::failed);
    CHECK_THAT(all_text(diagnostics), Catch::Contains("refused by trigger"));
    CHECK(dump(*store) == before_rows);
    CHECK(read_bytes(path) == before_bytes);
}

TEST_CASE("store: two records for one period make the ingest fail at the second row", "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    auto data = sample_dataset();
    data.institution_id[2] = "MFI-001"; // same institution and year as row 3
    const auto before = dump(*store);
    sfp::Diagnostics diagnostics;
    const auto result = store->ingest(data, info_for("dup"), diagnostics);
    CHECK(result.outcome == sfp::IngestResult::Outcome::failed);
    CHECK_THAT(all_text(diagnostics),
               Catch::StartsWith("partners_2023.csv:4: error: two records for institution "
                                 "'MFI-001', fiscal year 2023 (rows 3 and 4)"));
    CHECK_THAT(all_text(diagnostics), Catch::Contains("nothing was stored"));
    CHECK(dump(*store) == before);
}

TEST_CASE("store: a dry run reports the counts and writes nothing", "[store]") {
    const TempDir dir;
    const auto path = dir.file("sfp.sqlite");
    auto store = open_store(path);
    const auto before = read_bytes(path);
    auto info = info_for("file one");
    info.dry_run = true;
    const auto result = ingest_ok(*store, sample_dataset(), info);
    CHECK(result.outcome == sfp::IngestResult::Outcome::stored);
    CHECK(result.figures_new == 12);
    CHECK(read_bytes(path) == before);
    CHECK(read_rows(*store, "submissions").size() == 1);
}

TEST_CASE("store: records that cannot be stored are refused before writing", "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    SECTION("loan records") {
        auto data = sample_dataset();
        data.kind = sfp::RecordKind::loan;
        sfp::Diagnostics diagnostics;
        CHECK(store->ingest(data, info_for("x"), diagnostics).outcome ==
              sfp::IngestResult::Outcome::failed);
        CHECK_THAT(all_text(diagnostics), Catch::Contains("holds loan records"));
    }
    SECTION("a record without an institution id or a period") {
        auto data = sample_dataset();
        data.institution_id[1].clear();
        data.fiscal_year[2] = 0;
        data.period_end[2].reset();
        sfp::Diagnostics diagnostics;
        CHECK(store->ingest(data, info_for("x"), diagnostics).outcome ==
              sfp::IngestResult::Outcome::failed);
        CHECK(diagnostics.error_count() == 2);
        CHECK_THAT(all_text(diagnostics),
                   Catch::Contains("partners_2023.csv:3: error: a record without an institution "
                                   "id cannot be stored"));
    }
    SECTION("a column shorter than the records") {
        auto data = sample_dataset();
        data.numbers["opex"] = {1.0};
        sfp::Diagnostics diagnostics;
        CHECK(store->ingest(data, info_for("x"), diagnostics).outcome ==
              sfp::IngestResult::Outcome::failed);
        CHECK_THAT(all_text(diagnostics), Catch::Contains("column 'opex'"));
    }
    SECTION("a read-only store") {
        auto read_only = open_store(store->path(), sfp::OpenMode::read_only);
        sfp::Diagnostics diagnostics;
        CHECK(read_only->ingest(sample_dataset(), info_for("x"), diagnostics).outcome ==
              sfp::IngestResult::Outcome::failed);
        CHECK_THAT(all_text(diagnostics), Catch::Contains("opened read-only"));
    }
    CHECK(read_rows(*store, "submissions").size() == 1);
}

// ----- query --------------------------------------------------------------------------------

TEST_CASE("store: query reads a table, and a SELECT with named parameters", "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    ingest_ok(*store, sample_dataset(), info_for("file one"));

    const auto institutions = read_rows(*store, "institutions");
    REQUIRE(institutions.size() == 3);
    CHECK(institutions[0] == std::vector<std::string>{"id", "name", "country_iso3", "region",
                                                      "first_seen_submission",
                                                      "last_seen_submission"});
    CHECK(institutions[1][0] == "MFI-001");

    const auto figures =
        read_rows(*store,
                  "SELECT institution_id, fiscal_year, value FROM current_figures "
                  "WHERE field = :field AND fiscal_year = $year ORDER BY institution_id",
                  {{":field", "gross_loan_portfolio"}, {"year", "2023"}});
    CHECK(figures == Rows{{"institution_id", "fiscal_year", "value"},
                          {"MFI-001", "2023", "1200.25"},
                          {"MFI-002", "2023", ""}});

    // Shortest round-trip text for REAL values.
    const auto reals =
        read_rows(*store, "SELECT 0.1 AS a, 1e20 AS b, 1.0 AS c, 12 AS d, NULL AS e");
    CHECK(reals[1] == std::vector<std::string>{"0.1", "1e+20", "1", "12", ""});
}

TEST_CASE("store: query parameters are bound as data, never spliced into SQL", "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    ingest_ok(*store, sample_dataset(), info_for("file one"));
    const std::string select = "SELECT id FROM institutions WHERE name = :name";

    CHECK(read_rows(*store, select, {{"name", "O'Brien Microcredit"}}) ==
          Rows{{"id"}, {"MFI-001"}});
    CHECK(read_rows(*store, select, {{"name", "'; DROP TABLE figures; --"}}) ==
          Rows{{"id"}, {"MFI-002"}});
    CHECK(read_rows(*store, select, {{"name", "x' OR '1'='1"}}) == Rows{{"id"}});
    CHECK(read_rows(*store, "figures").size() == 13);
}

TEST_CASE("store: query refuses what it cannot read safely, with a diagnostic", "[store]") {
    const TempDir dir;
    auto store = open_store(dir.file("sfp.sqlite"));
    const auto refused = [&](const std::string& sql,
                             const std::vector<std::pair<std::string, std::string>>& params = {}) {
        sfp::Diagnostics diagnostics;
        CHECK(store->query(sql, params, diagnostics) == nullptr);
        CHECK(diagnostics.has_errors());
        return all_text(diagnostics);
    };
    const auto unknown = refused("figurs");
    CHECK_THAT(unknown, Catch::Contains("database: unknown table 'figurs'"));
    CHECK_THAT(unknown, Catch::Contains("did you mean 'figures'?"));
    CHECK_THAT(refused("SELECT * FROM figures; DROP TABLE figures"),
               Catch::Contains("more than one statement"));
    CHECK_THAT(refused("DELETE FROM figures"), Catch::Contains("would change the database"));
    CHECK_THAT(refused("SELEC * FROM figures"), Catch::Contains("database: invalid query"));
    CHECK_THAT(refused("SELECT * FROM figures WHERE field = :field"),
               Catch::Contains("no value for query parameter ':field'"));
    CHECK_THAT(refused("SELECT * FROM figures WHERE field = ?"),
               Catch::Contains("positional parameters"));
    CHECK_THAT(refused("figures", {{"year", "2023"}}),
               Catch::Contains("parameter 'year' is not used by the query"));
    CHECK(read_rows(*store, "figures").size() == 1);
}

TEST_CASE("store: query_sqlite_file reads any SQLite file without changing it", "[store]") {
    const TempDir dir;
    const auto path = dir.file("partner.sqlite");
    exec_sql(path, "CREATE TABLE mfi (id TEXT, year INTEGER, glp REAL);"
                   "INSERT INTO mfi VALUES ('A', 2023, 10.5), ('B', 2023, NULL);");
    const auto before = read_bytes(path);
    sfp::Diagnostics diagnostics;
    auto reader = sfp::query_sqlite_file(path, "mfi", {}, diagnostics);
    REQUIRE(reader != nullptr);
    CHECK(reader->origin() == path);
    std::vector<std::string> header;
    REQUIRE(reader->read_header(header, diagnostics));
    CHECK(header == std::vector<std::string>{"id", "year", "glp"});
    sfp::CsvRecord record;
    REQUIRE(reader->next(record, diagnostics));
    CHECK(record.fields == std::vector<std::string>{"A", "2023", "10.5"});
    REQUIRE(reader->next(record, diagnostics));
    CHECK(record.fields == std::vector<std::string>{"B", "2023", ""});
    CHECK(!reader->next(record, diagnostics));
    CHECK(diagnostics.items().empty());
    reader.reset();
    CHECK(read_bytes(path) == before);

    CHECK(sfp::query_sqlite_file(dir.file("missing.sqlite"), "mfi", {}, diagnostics) == nullptr);
    CHECK_THAT(all_text(diagnostics), Catch::Contains("no such database file"));
}

// ----- with the loader ----------------------------------------------------------------------

namespace {

/// The [[source]] mapping of the integration tests: partner file columns -> canonical fields.
sfp::SourceSpec partner_source(const std::string& path) {
    sfp::SourceSpec source;
    source.name = "partners";
    source.path = path;
    source.missing_tokens = {"NA"};
    for (const auto& [field, column] :
         std::vector<std::pair<std::string, std::string>>{{"institution_id", "mfi_id"},
                                                          {"institution_name", "mfi_name"},
                                                          {"country_iso3", "country_iso3"},
                                                          {"region", "region"},
                                                          {"fiscal_year", "fiscal_year"},
                                                          {"currency", "currency"},
                                                          {"gross_loan_portfolio", "glp"},
                                                          {"active_borrowers", "borrowers"}}) {
        sfp::ColumnMapping mapping;
        mapping.field = field;
        mapping.column = column;
        source.columns.push_back(mapping);
    }
    return source;
}

constexpr const char* partner_csv = "mfi_id,mfi_name,country_iso3,region,fiscal_year,currency,"
                                    "glp,borrowers\n"
                                    "MFI-001,O'Brien Microcredit,KEN,Africa,2022,KES,1000.5,10\n"
                                    "MFI-001,O'Brien Microcredit,KEN,Africa,2023,KES,1200.25,NA\n"
                                    "MFI-002,Sahel Finance,SEN,Africa,2023,XOF,,7\n";

} // namespace

TEST_CASE("store: a loaded CSV file reads back the same through load_current and through a "
          "query with the same mapping",
          "[store]") {
    const TempDir dir;
    const auto csv = dir.write("partners.csv", partner_csv);
    sfp::Diagnostics diagnostics;
    const auto loaded = sfp::load_source(partner_source(csv), diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(loaded);
    REQUIRE(loaded->size() == 3);

    auto store = open_store(dir.file("sfp.sqlite"));
    auto info = info_for(partner_csv, csv);
    const auto result = ingest_ok(*store, *loaded, info);
    CHECK(result.figures_new == 6);

    const auto current = store->load_current(diagnostics);
    REQUIRE(current);
    CHECK(current->institution_id == loaded->institution_id);
    CHECK(current->fiscal_year == loaded->fiscal_year);
    CHECK(current->currency == loaded->currency);
    CHECK(current->numbers.at("gross_loan_portfolio") ==
          loaded->numbers.at("gross_loan_portfolio"));
    CHECK(current->numbers.at("active_borrowers") == loaded->numbers.at("active_borrowers"));
    CHECK(!current->numbers.at("active_borrowers")[1].has_value());
    CHECK(current->origin[2].file == csv);
    CHECK(current->origin[2].line == 4);

    // A [[source]] format = "sqlite" with a query: the wide table is pivoted from the long
    // figures, and the CSV mapping applies unchanged.
    const std::string pivot =
        "SELECT p.institution_id AS mfi_id, p.institution_name AS mfi_name, "
        "p.country_iso3 AS country_iso3, p.region AS region, p.fiscal_year AS fiscal_year, "
        "p.currency AS currency, "
        "max(CASE WHEN f.field = 'gross_loan_portfolio' THEN f.value END) AS glp, "
        "max(CASE WHEN f.field = 'active_borrowers' THEN f.value END) AS borrowers "
        "FROM reporting_periods p JOIN figures f ON f.period_id = p.id "
        "AND f.superseded_by IS NULL WHERE p.fiscal_year >= :first_year "
        "GROUP BY p.id ORDER BY p.institution_id, p.fiscal_year";
    auto reader = store->query(pivot, {{"first_year", "2023"}}, diagnostics);
    REQUIRE(reader != nullptr);
    const auto queried = sfp::load_records(partner_source(store->path()), *reader, diagnostics);
    INFO(all_text(diagnostics));
    REQUIRE(queried);
    REQUIRE(queried->size() == 2);
    CHECK(queried->institution_id == std::vector<std::string>{"MFI-001", "MFI-002"});
    CHECK(queried->institution_name[0] == "O'Brien Microcredit");
    CHECK(queried->numbers.at("gross_loan_portfolio")[0] == 1200.25);
    CHECK(!queried->numbers.at("gross_loan_portfolio")[1].has_value());
    CHECK(!queried->numbers.at("active_borrowers")[0].has_value());
    CHECK(queried->numbers.at("active_borrowers")[1] == 7.0);
    CHECK(queried->origin[0].file == store->path());
    CHECK(queried->origin[0].line == 2);
}
