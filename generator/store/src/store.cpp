// The SFP database on SQLite. Every SQLite call is checked; failures are thrown as
// DatabaseError inside this file only and become Diagnostics at the public functions.

#include "sfp/store.hpp"

#include "sfp/fields.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <set>
#include <sqlite3.h>
#include <stdexcept>
#include <string_view>

namespace sfp {

namespace {

namespace fs = std::filesystem;

/// PRAGMA application_id of sfpgen databases: "SFPG" in ASCII.
constexpr std::int64_t sfpgen_application_id = 0x53465047;

/// Milliseconds to wait for another process's write lock before failing.
constexpr int busy_timeout_ms = 5000;

// Version 1 of the schema (docs/database.md explains every table and column). Values are
// always bound as parameters; this text is the only SQL with literals in it.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE schema_version (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL
);

CREATE TABLE submissions (
    id                INTEGER PRIMARY KEY,
    source_name       TEXT NOT NULL,
    file_path         TEXT NOT NULL,
    file_sha256       TEXT NOT NULL CHECK (length(file_sha256) = 64),
    file_size         INTEGER NOT NULL CHECK (file_size >= 0),
    rows_read         INTEGER NOT NULL,
    rows_used         INTEGER NOT NULL,
    rows_rejected     INTEGER NOT NULL,
    figures_new       INTEGER NOT NULL DEFAULT 0,
    figures_revised   INTEGER NOT NULL DEFAULT 0,
    figures_unchanged INTEGER NOT NULL DEFAULT 0,
    ingested_at       INTEGER NOT NULL,
    submitted_by      TEXT NOT NULL DEFAULT '',
    UNIQUE (source_name, file_sha256)
);

CREATE TABLE institutions (
    id                    TEXT PRIMARY KEY CHECK (id <> ''),
    name                  TEXT,
    country_iso3          TEXT,
    region                TEXT,
    first_seen_submission INTEGER NOT NULL REFERENCES submissions (id),
    last_seen_submission  INTEGER NOT NULL REFERENCES submissions (id)
);

CREATE TABLE reporting_periods (
    id               INTEGER PRIMARY KEY,
    institution_id   TEXT NOT NULL REFERENCES institutions (id),
    fiscal_year      INTEGER NOT NULL,
    period_start     TEXT CHECK (period_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    period_end       TEXT CHECK (period_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    institution_name TEXT,
    country_iso3     TEXT,
    region           TEXT,
    currency         TEXT,
    submission_id    INTEGER NOT NULL REFERENCES submissions (id),
    source_row       INTEGER NOT NULL
);
CREATE UNIQUE INDEX reporting_periods_key
    ON reporting_periods (institution_id, fiscal_year, ifnull(period_end, ''));

CREATE TABLE figures (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    period_id     INTEGER NOT NULL REFERENCES reporting_periods (id),
    field         TEXT NOT NULL CHECK (field <> ''),
    value         REAL,
    text_value    TEXT,
    unit          TEXT,
    source_row    INTEGER NOT NULL,
    superseded_by INTEGER REFERENCES submissions (id),
    CHECK (value IS NULL OR text_value IS NULL)
);
CREATE UNIQUE INDEX figures_current ON figures (period_id, field) WHERE superseded_by IS NULL;

CREATE VIEW current_figures AS
SELECT p.institution_id, p.fiscal_year, p.period_start, p.period_end, f.field, f.value,
       f.text_value, f.unit, f.submission_id, f.source_row
FROM figures f JOIN reporting_periods p ON p.id = f.period_id
WHERE f.superseded_by IS NULL;

CREATE VIEW figure_history AS
SELECT p.institution_id, p.fiscal_year, p.period_end, f.field, f.value, f.text_value, f.unit,
       f.submission_id, s.source_name, s.file_path, s.file_sha256, f.source_row, s.ingested_at,
       s.submitted_by, f.superseded_by
FROM figures f
JOIN reporting_periods p ON p.id = f.period_id
JOIN submissions s ON s.id = f.submission_id;

CREATE TABLE countries (
    iso3      TEXT PRIMARY KEY CHECK (length(iso3) = 3),
    iso2      TEXT UNIQUE CHECK (iso2 IS NULL OR length(iso2) = 2),
    name_en   TEXT NOT NULL,
    name_fr   TEXT,
    name_es   TEXT,
    wb_region TEXT
);

CREATE TABLE gni_per_capita (
    iso3   TEXT NOT NULL REFERENCES countries (iso3),
    year   INTEGER NOT NULL,
    usd    REAL NOT NULL CHECK (usd >= 0),
    source TEXT,
    PRIMARY KEY (iso3, year)
) WITHOUT ROWID;

CREATE TABLE exchange_rates (
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    year           INTEGER NOT NULL,
    period_average REAL CHECK (period_average > 0),
    period_end     REAL CHECK (period_end > 0),
    source         TEXT,
    PRIMARY KEY (currency, year)
) WITHOUT ROWID;

CREATE TABLE inflation (
    iso3   TEXT NOT NULL REFERENCES countries (iso3),
    year   INTEGER NOT NULL,
    rate   REAL NOT NULL,
    source TEXT,
    PRIMARY KEY (iso3, year)
) WITHOUT ROWID;

INSERT INTO schema_version (version, description)
VALUES (1, 'submissions, institutions, reporting periods, figures with history, reference tables');
PRAGMA application_id = 1397116999;
PRAGMA user_version = 1;
)sql";

static_assert(sfpgen_application_id == 1397116999, "the schema text repeats the application id");
static_assert(store_schema_version == 1, "the schema text sets user_version");

/// A failed SQLite call: the library's message and result code.
class DatabaseError : public std::runtime_error {
public:
    DatabaseError(const std::string& message, int code)
        : std::runtime_error(message), code_(code) {}
    [[nodiscard]] int code() const { return code_; }

private:
    int code_;
};

/// A record that cannot be stored, at its position in the submitted file.
class RecordError : public std::runtime_error {
public:
    RecordError(SourcePos where, const std::string& message)
        : std::runtime_error(message), where_(std::move(where)) {}
    [[nodiscard]] const SourcePos& where() const { return where_; }

private:
    SourcePos where_;
};

/// Owns one sqlite3 connection.
class Connection {
public:
    Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    // close_v2 defers the close until the last statement is finalised, so the order in which
    // owners are destroyed cannot leak the connection.
    ~Connection() { sqlite3_close_v2(db_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&&) = delete;
    Connection& operator=(Connection&&) = delete;

    [[nodiscard]] sqlite3* get() const { return db_; }
    [[nodiscard]] const std::string& path() const { return path_; }

    /// Throws the connection's current error, prefixed with what was being done.
    [[noreturn]] void fail(std::string_view doing) const {
        throw DatabaseError(fmt::format("{}: {}", doing, sqlite3_errmsg(db_)),
                            sqlite3_extended_errcode(db_));
    }

    /// Runs SQL without results (may hold several statements).
    void exec(const char* sql) const {
        char* message = nullptr;
        const int status = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
        if (status == SQLITE_OK) {
            return;
        }
        std::string text = message != nullptr ? message : sqlite3_errstr(status);
        sqlite3_free(message);
        throw DatabaseError(text, sqlite3_extended_errcode(db_));
    }

private:
    sqlite3* db_;
    std::string path_;
};

/// Owns one prepared statement.
class Statement {
public:
    /// Prepares the first statement of `sql`; `rest()` is what follows it.
    Statement(const Connection& connection, std::string_view sql) : connection_(&connection) {
        const char* tail = nullptr;
        if (sqlite3_prepare_v2(connection.get(), sql.data(), static_cast<int>(sql.size()),
                               &statement_, &tail) != SQLITE_OK) {
            connection.fail("cannot prepare a statement");
        }
        rest_ = tail == nullptr ? std::string_view{}
                                : sql.substr(static_cast<std::size_t>(tail - sql.data()));
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&&) = delete;
    Statement& operator=(Statement&&) = delete;

    /// nullptr when the SQL held only comments or white space.
    [[nodiscard]] sqlite3_stmt* get() const { return statement_; }
    [[nodiscard]] std::string_view rest() const { return rest_; }

    void bind(int index, std::int64_t value) {
        check(sqlite3_bind_int64(statement_, index, value));
    }
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, double value) { check(sqlite3_bind_double(statement_, index, value)); }
    void bind(int index, std::string_view text) {
        check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                SQLITE_TRANSIENT));
    }
    void bind_null(int index) { check(sqlite3_bind_null(statement_, index)); }
    void bind(int index, const std::optional<double>& value) {
        if (value) {
            bind(index, *value);
            return;
        }
        bind_null(index);
    }
    void bind(int index, const std::optional<std::string>& text) {
        if (text) {
            bind(index, std::string_view(*text));
            return;
        }
        bind_null(index);
    }
    /// Binds `text`, or NULL when it is empty (an empty cell is "not given").
    void bind_text_or_null(int index, std::string_view text) {
        if (text.empty()) {
            bind_null(index);
            return;
        }
        bind(index, text);
    }

    /// Steps once: true with a row, false when done.
    bool step() {
        const int status = sqlite3_step(statement_);
        if (status == SQLITE_ROW) {
            return true;
        }
        if (status == SQLITE_DONE) {
            return false;
        }
        connection_->fail("cannot run a statement");
    }
    /// Runs a statement that returns no rows.
    void run() {
        step();
        reset();
    }
    /// Makes the statement reusable. The status sqlite3_reset returns repeats the last step's,
    /// which step() has already reported.
    void reset() {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }

    [[nodiscard]] bool is_null(int column) const {
        return sqlite3_column_type(statement_, column) == SQLITE_NULL;
    }
    [[nodiscard]] std::int64_t int64(int column) const {
        return sqlite3_column_int64(statement_, column);
    }
    [[nodiscard]] std::optional<double> real(int column) const {
        if (is_null(column)) {
            return std::nullopt;
        }
        return sqlite3_column_double(statement_, column);
    }
    [[nodiscard]] std::string text(int column) const {
        const auto* bytes = sqlite3_column_text(statement_, column);
        if (bytes == nullptr) {
            return {};
        }
        return {reinterpret_cast<const char*>(bytes),
                static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
    }
    /// The text of a column, valid until the next step or reset.
    [[nodiscard]] std::string_view text_view(int column) const {
        const auto* bytes = sqlite3_column_text(statement_, column);
        if (bytes == nullptr) {
            return {};
        }
        return {reinterpret_cast<const char*>(bytes),
                static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
    }
    [[nodiscard]] std::optional<std::string> optional_text(int column) const {
        if (is_null(column)) {
            return std::nullopt;
        }
        return text(column);
    }

private:
    void check(int status) const {
        if (status != SQLITE_OK) {
            connection_->fail("cannot bind a value");
        }
    }

    const Connection* connection_;
    sqlite3_stmt* statement_ = nullptr;
    std::string_view rest_;
};

/// BEGIN IMMEDIATE ... COMMIT; rolled back unless committed (also when an exception passes).
class Transaction {
public:
    explicit Transaction(const Connection& connection, const char* begin = "BEGIN IMMEDIATE")
        : connection_(connection) {
        connection_.exec(begin);
    }
    ~Transaction() {
        // A failed statement may already have ended the transaction (SQLITE_FULL, IOERR);
        // a rollback error here cannot be reported, and SQLite rolls a hot journal back on
        // the next open anyway.
        if (active_ && sqlite3_get_autocommit(connection_.get()) == 0) {
            sqlite3_exec(connection_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction(Transaction&&) = delete;
    Transaction& operator=(Transaction&&) = delete;

    void commit() {
        connection_.exec("COMMIT");
        active_ = false;
    }
    void rollback() {
        connection_.exec("ROLLBACK");
        active_ = false;
    }

private:
    const Connection& connection_;
    bool active_ = true;
};

/// Records "path: error: database: message".
void database_error(Diagnostics& diagnostics, const std::string& path, const std::string& message,
                    std::string hint = {}) {
    diagnostics.error({path, 0, 0}, "database: " + message, std::move(hint));
}

/// A hint for the SQLite errors users can act on.
std::string hint_for(int code, const std::string& path) {
    switch (code & 0xff) {
    case SQLITE_NOTADB:
        return fmt::format("'{}' is not an SQLite database: pass the SFP database made by "
                           "'sfpgen ingest'",
                           path);
    case SQLITE_CORRUPT:
        return "the file is damaged: restore it from a backup";
    case SQLITE_READONLY:
        return "the database file or its folder is read-only";
    case SQLITE_BUSY:
        return "another program is writing to the database: try again when it is done";
    case SQLITE_FULL:
        return "the disk is full";
    default:
        return {};
    }
}

void report(Diagnostics& diagnostics, const std::string& path, const DatabaseError& error) {
    database_error(diagnostics, path, error.what(), hint_for(error.code(), path));
}

/// The single value of a one-row query such as "PRAGMA user_version".
std::int64_t query_int(const Connection& connection, std::string_view sql) {
    Statement statement(connection, sql);
    if (!statement.step()) {
        throw DatabaseError(fmt::format("no result from '{}'", sql), SQLITE_ERROR);
    }
    return statement.int64(0);
}

/// Checks an existing database, or creates the schema in an empty one.
/// Returns an error message (and hint) when the file cannot be used.
std::optional<std::pair<std::string, std::string>> check_schema(const Connection& connection,
                                                                OpenMode mode) {
    const std::int64_t objects = query_int(connection, "SELECT count(*) FROM sqlite_master");
    const std::int64_t application = query_int(connection, "PRAGMA application_id");
    const std::int64_t version = query_int(connection, "PRAGMA user_version");
    if (objects == 0 && application == 0 && version == 0) {
        if (mode == OpenMode::read_only) {
            return std::pair{std::string("empty database: it holds no sfpgen schema"),
                             std::string("create it with 'sfpgen ingest'")};
        }
        connection.exec(schema_v1);
        return std::nullopt;
    }
    if (application != sfpgen_application_id) {
        return std::pair{fmt::format("not an sfpgen database (application id {:#x}, expected "
                                     "{:#x})",
                                     application, sfpgen_application_id),
                         std::string("pass the SFP database made by 'sfpgen ingest'")};
    }
    if (version > store_schema_version) {
        return std::pair{fmt::format("schema version {} is newer than this sfpgen reads ({})",
                                     version, store_schema_version),
                         std::string("use a newer sfpgen")};
    }
    if (version != store_schema_version) {
        return std::pair{fmt::format("unsupported schema version {} (this sfpgen reads {})",
                                     version, store_schema_version),
                         std::string{}};
    }
    return std::nullopt;
}

/// Opens a connection; nullptr with a diagnostic on failure.
std::shared_ptr<Connection> connect(const std::string& path, OpenMode mode,
                                    Diagnostics& diagnostics) {
    if (mode == OpenMode::read_only && path != ":memory:") {
        std::error_code error;
        if (!fs::is_regular_file(path, error)) {
            database_error(diagnostics, path, "no such database file",
                           "create it with 'sfpgen ingest', or check [database] path");
            return nullptr;
        }
    }
    // NOMUTEX: a connection is used by one thread at a time (a Store, and the readers of its
    // queries, belong to one stage), so SQLite's per-call locking is pure cost.
    const int flags = SQLITE_OPEN_NOMUTEX |
                      (mode == OpenMode::read_only ? SQLITE_OPEN_READONLY
                                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* raw = nullptr;
    const int status = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    // The handle must be closed even when opening failed.
    auto connection = std::make_shared<Connection>(raw, path);
    if (status != SQLITE_OK) {
        database_error(diagnostics, path,
                       fmt::format("cannot open: {}",
                                   raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(status)),
                       hint_for(status, path));
        return nullptr;
    }
    if (sqlite3_extended_result_codes(raw, 1) != SQLITE_OK ||
        sqlite3_busy_timeout(raw, busy_timeout_ms) != SQLITE_OK) {
        database_error(diagnostics, path, fmt::format("cannot configure: {}", sqlite3_errmsg(raw)));
        return nullptr;
    }
    return connection;
}

// ----- reading rows as text cells ---------------------------------------------------------

/// The text of a cell: REAL in shortest round-trip form, INTEGER in decimal, NULL empty.
std::string cell_text(sqlite3_stmt* statement, int column) {
    switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
        return fmt::format("{}", sqlite3_column_int64(statement, column));
    case SQLITE_FLOAT:
        return fmt::format("{}", sqlite3_column_double(statement, column));
    case SQLITE_NULL:
        return {};
    default: {
        // TEXT, and BLOB bytes as they are (a BLOB is not expected in a data table).
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, column));
        const int size = sqlite3_column_bytes(statement, column);
        return bytes == nullptr ? std::string{}
                                : std::string(bytes, static_cast<std::size_t>(size));
    }
    }
}

/// The rows of a prepared SELECT as a RecordReader. Shares the connection.
class QueryReader final : public RecordReader {
public:
    QueryReader(std::shared_ptr<Connection> connection, std::unique_ptr<Statement> statement)
        : connection_(std::move(connection)), statement_(std::move(statement)),
          origin_(connection_->path()) {}

    bool read_header(std::vector<std::string>& names, Diagnostics& diagnostics) override {
        names.clear();
        const int count = sqlite3_column_count(statement_->get());
        for (int column = 0; column < count; ++column) {
            const char* name = sqlite3_column_name(statement_->get(), column);
            if (name == nullptr) {
                database_error(diagnostics, origin_, "cannot read the column names");
                return false;
            }
            names.emplace_back(name);
        }
        if (names.empty()) {
            database_error(diagnostics, origin_, "the query returns no columns");
            return false;
        }
        return true;
    }

    bool next(CsvRecord& record, Diagnostics& diagnostics) override {
        if (done_) {
            return false;
        }
        try {
            if (!statement_->step()) {
                done_ = true;
                statement_->reset();
                return false;
            }
        } catch (const DatabaseError& error) {
            done_ = true;
            report(diagnostics, origin_, error);
            return false;
        }
        ++row_;
        record.row = row_;
        record.line = row_;
        const int count = sqlite3_column_count(statement_->get());
        record.fields.resize(static_cast<std::size_t>(count));
        for (int column = 0; column < count; ++column) {
            record.fields[static_cast<std::size_t>(column)] = cell_text(statement_->get(), column);
        }
        return true;
    }

    [[nodiscard]] const std::string& origin() const override { return origin_; }

private:
    // Declared before the statement, so the statement is finalised first.
    std::shared_ptr<Connection> connection_;
    std::unique_ptr<Statement> statement_;
    std::string origin_;
    long row_ = 1; // the header is row 1
    bool done_ = false;
};

bool is_identifier(std::string_view text) {
    if (text.empty() ||
        (std::isalpha(static_cast<unsigned char>(text[0])) == 0 && text[0] != '_')) {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
}

/// A parameter name without its prefix (":year", "@year", "$year" -> "year").
std::string_view bare_name(std::string_view name) {
    if (!name.empty() && (name[0] == ':' || name[0] == '@' || name[0] == '$')) {
        name.remove_prefix(1);
    }
    return name;
}

/// The SELECT for a table or view name: every column, in rowid order when there is one.
std::optional<std::string> table_select(const Connection& connection, const std::string& table,
                                        Diagnostics& diagnostics) {
    std::vector<std::string> names;
    std::string type;
    Statement list(connection, "SELECT name, type FROM sqlite_master WHERE type IN ('table', "
                               "'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    while (list.step()) {
        names.push_back(list.text(0));
        if (names.back() == table) {
            type = list.text(1);
        }
    }
    if (type.empty()) {
        std::string hint = did_you_mean(table, names);
        if (hint.empty() && !names.empty()) {
            hint = "tables and views: " + fmt::format("{}", fmt::join(names, ", "));
        }
        database_error(diagnostics, connection.path(), fmt::format("unknown table '{}'", table),
                       hint);
        return std::nullopt;
    }
    // `table` is a plain identifier that names an existing table, so quoting it is safe.
    const std::string select = fmt::format("SELECT * FROM \"{}\"", table);
    if (type == "table") {
        // WITHOUT ROWID tables have no rowid; they are read in primary-key order anyway.
        const std::string ordered = select + " ORDER BY rowid";
        sqlite3_stmt* probe = nullptr;
        const int status =
            sqlite3_prepare_v2(connection.get(), ordered.c_str(), -1, &probe, nullptr);
        sqlite3_finalize(probe);
        if (status == SQLITE_OK) {
            return ordered;
        }
    }
    return select;
}

std::unique_ptr<RecordReader>
make_query(std::shared_ptr<Connection> connection, const std::string& sql_or_table,
           const std::vector<std::pair<std::string, std::string>>& params,
           Diagnostics& diagnostics) {
    const std::string& path = connection->path();
    try {
        std::string sql = sql_or_table;
        if (is_identifier(sql_or_table)) {
            auto select = table_select(*connection, sql_or_table, diagnostics);
            if (!select) {
                return nullptr;
            }
            sql = std::move(*select);
        }
        std::unique_ptr<Statement> statement;
        try {
            statement = std::make_unique<Statement>(*connection, sql);
        } catch (const DatabaseError& error) {
            database_error(diagnostics, path,
                           fmt::format("invalid query: {}", sqlite3_errmsg(connection->get())),
                           "give a table or view name, or one SELECT statement");
            return nullptr;
        }
        if (statement->get() == nullptr) {
            database_error(diagnostics, path, "empty query",
                           "give a table or view name, or one SELECT statement");
            return nullptr;
        }
        const auto rest = statement->rest();
        if (!std::all_of(rest.begin(), rest.end(), [](char c) {
                return c == ';' || std::isspace(static_cast<unsigned char>(c)) != 0;
            })) {
            database_error(diagnostics, path,
                           fmt::format("the query holds more than one statement: '{}'", rest),
                           "give one SELECT statement");
            return nullptr;
        }
        if (sqlite3_stmt_readonly(statement->get()) == 0) {
            database_error(diagnostics, path, "the query would change the database",
                           "give a SELECT statement: sources only read");
            return nullptr;
        }
        if (sqlite3_column_count(statement->get()) == 0) {
            database_error(diagnostics, path, "the query returns no columns",
                           "give a SELECT statement");
            return nullptr;
        }
        std::vector<bool> used(params.size(), false);
        const int count = sqlite3_bind_parameter_count(statement->get());
        bool complete = true;
        for (int index = 1; index <= count; ++index) {
            const char* name = sqlite3_bind_parameter_name(statement->get(), index);
            if (name == nullptr) {
                database_error(diagnostics, path, "positional parameters ('?') are not supported",
                               "name each parameter, e.g. ':year'");
                return nullptr;
            }
            const auto wanted = bare_name(name);
            const auto found = std::find_if(params.begin(), params.end(), [&](const auto& param) {
                return bare_name(param.first) == wanted;
            });
            if (found == params.end()) {
                std::vector<std::string> given;
                given.reserve(params.size());
                for (const auto& param : params) {
                    given.emplace_back(bare_name(param.first));
                }
                database_error(diagnostics, path,
                               fmt::format("no value for query parameter '{}'", name),
                               did_you_mean(wanted, given));
                complete = false;
                continue;
            }
            used[static_cast<std::size_t>(found - params.begin())] = true;
            statement->bind(index, std::string_view(found->second));
        }
        for (std::size_t index = 0; index < params.size(); ++index) {
            if (!used[index]) {
                database_error(
                    diagnostics, path,
                    fmt::format("parameter '{}' is not used by the query", params[index].first),
                    "name it in the query as ':" + std::string(bare_name(params[index].first)) +
                        "'");
                complete = false;
            }
        }
        if (!complete) {
            return nullptr;
        }
        return std::make_unique<QueryReader>(std::move(connection), std::move(statement));
    } catch (const DatabaseError& error) {
        report(diagnostics, path, error);
        return nullptr;
    }
}

// ----- ingest ----------------------------------------------------------------------------

/// What a stored figure of a field described by `info` is measured in: the currency for
/// amounts, the kind otherwise; nullopt when not known (`info` is nullptr for a field that is
/// not canonical).
std::optional<std::string> unit_of(const FieldInfo* info, std::string_view currency) {
    if (info == nullptr) {
        return std::nullopt;
    }
    switch (info->kind) {
    case FieldKind::amount:
        return currency.empty() ? std::nullopt : std::optional<std::string>(currency);
    case FieldKind::count:
        return "count";
    case FieldKind::fraction:
        return "fraction";
    case FieldKind::year:
        return "year";
    case FieldKind::text:
    case FieldKind::date:
    case FieldKind::number:
        return std::nullopt;
    }
    return std::nullopt;
}

/// A figure as stored: a number or a text (or neither: missing), with its unit.
struct FigureValue {
    std::optional<double> number;
    std::optional<std::string> text;
    std::optional<std::string> unit;

    [[nodiscard]] bool missing() const { return !number && !text; }
    friend bool operator==(const FigureValue&, const FigureValue&) = default;
};

/// A current figure of a period.
struct CurrentFigure {
    std::string field;
    std::int64_t id = 0;
    FigureValue value;
};

/// The current figures of one period, sorted by field.
using CurrentFigures = std::vector<CurrentFigure>;

/// The problem with the shape of `data` (columns of different lengths), if any.
std::optional<std::string> shape_problem(const Dataset& data) {
    const std::size_t size = data.size();
    const auto check = [size](std::size_t length, bool optional_column) {
        return length == size || (optional_column && length == 0);
    };
    if (!check(data.institution_id.size(), false) || !check(data.fiscal_year.size(), false)) {
        return "the institution_id and fiscal_year columns do not have one value per record";
    }
    if (!check(data.institution_name.size(), true) || !check(data.country_iso3.size(), true) ||
        !check(data.region.size(), true) || !check(data.currency.size(), true) ||
        !check(data.period_start.size(), true) || !check(data.period_end.size(), true)) {
        return "a record column does not have one value per record";
    }
    for (const auto& [field, column] : data.numbers) {
        if (column.size() != size) {
            return fmt::format("column '{}' does not have one value per record", field);
        }
    }
    for (const auto& [field, column] : data.texts) {
        if (column.size() != size) {
            return fmt::format("column '{}' does not have one value per record", field);
        }
    }
    return std::nullopt;
}

/// The value at `index` of an optional column (empty: not given).
template <typename T> T value_at(const std::vector<T>& column, std::size_t index) {
    return column.empty() ? T{} : column[index];
}

/// The text at `index` of an optional text column (empty: not given).
const std::string& value_at_ref(const std::vector<std::string>& column, std::size_t index) {
    static const std::string none;
    return column.empty() ? none : column[index];
}

/// The reporting period a record belongs to, as stored.
struct PeriodRef {
    std::int64_t id = 0;
    bool created = false;
};

/// One ingest: the prepared statements and counters, inside the caller's transaction.
class Ingester {
public:
    Ingester(const Connection& connection, const Dataset& data, const IngestInfo& info)
        : data_(data), info_(info),
          upsert_institution_(connection,
                              "INSERT INTO institutions (id, name, country_iso3, region, "
                              "first_seen_submission, last_seen_submission) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (id) DO UPDATE SET "
                              "name = coalesce(excluded.name, name), "
                              "country_iso3 = coalesce(excluded.country_iso3, country_iso3), "
                              "region = coalesce(excluded.region, region), "
                              "last_seen_submission = excluded.last_seen_submission"),
          find_period_(connection, "SELECT id FROM reporting_periods WHERE institution_id = ?1 "
                                   "AND fiscal_year = ?2 AND ifnull(period_end, '') = ?3"),
          periods_of_year_(connection, "SELECT id, period_end FROM reporting_periods WHERE "
                                       "institution_id = ?1 AND fiscal_year = ?2"),
          insert_period_(connection,
                         "INSERT INTO reporting_periods (institution_id, fiscal_year, "
                         "period_start, period_end, institution_name, country_iso3, region, "
                         "currency, submission_id, source_row) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
          update_period_(connection,
                         "UPDATE reporting_periods SET "
                         "period_start = coalesce(?2, period_start), "
                         "period_end = coalesce(?3, period_end), "
                         "institution_name = coalesce(?4, institution_name), "
                         "country_iso3 = coalesce(?5, country_iso3), "
                         "region = coalesce(?6, region), currency = coalesce(?7, currency), "
                         "submission_id = ?8, source_row = ?9 WHERE id = ?1"),
          current_figures_(connection,
                           "SELECT id, field, value, text_value, unit FROM figures "
                           "WHERE period_id = ?1 AND superseded_by IS NULL ORDER BY field"),
          supersede_(connection, "UPDATE figures SET superseded_by = ?1 WHERE id = ?2"),
          insert_figure_(connection,
                         "INSERT INTO figures (submission_id, period_id, field, value, "
                         "text_value, unit, source_row) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") {
        for (const auto& [field, column] : data_.numbers) {
            numbers_.push_back({&field, &column, find_field(field)});
        }
    }

    /// Writes every record of the submission `submission`.
    void run(std::int64_t submission, IngestResult& result) {
        submission_ = submission;
        std::map<std::int64_t, std::size_t> records_of_period;
        for (std::size_t index = 0; index < data_.size(); ++index) {
            const SourcePos& where = data_.origin[index];
            store_institution(index);
            const PeriodRef period = store_period(index);
            const auto [earlier, inserted] = records_of_period.emplace(period.id, index);
            if (!inserted) {
                throw RecordError(where,
                                  fmt::format("two records for institution '{}', fiscal year {} "
                                              "(rows {} and {}): the database keeps one per period",
                                              data_.institution_id[index], fiscal_year(index),
                                              data_.origin[earlier->second].line, where.line));
            }
            store_figures(index, period, result);
        }
    }

private:
    [[nodiscard]] int fiscal_year(std::size_t index) const {
        const int year = data_.fiscal_year[index];
        const auto end = value_at(data_.period_end, index);
        return year == 0 && end ? fiscal_year_of(*end) : year;
    }

    void store_institution(std::size_t index) {
        upsert_institution_.bind(1, std::string_view(data_.institution_id[index]));
        upsert_institution_.bind_text_or_null(2, value_at(data_.institution_name, index));
        upsert_institution_.bind_text_or_null(3, value_at(data_.country_iso3, index));
        upsert_institution_.bind_text_or_null(4, value_at(data_.region, index));
        upsert_institution_.bind(5, submission_);
        upsert_institution_.run();
    }

    /// Binds what the period update and insert share, from parameter `first` on: name, country,
    /// region, currency, then the submission and the source row.
    void bind_period_details(Statement& statement, int first, std::size_t index,
                             const SourcePos& where) {
        statement.bind_text_or_null(first, value_at(data_.institution_name, index));
        statement.bind_text_or_null(first + 1, value_at(data_.country_iso3, index));
        statement.bind_text_or_null(first + 2, value_at(data_.region, index));
        statement.bind_text_or_null(first + 3, value_at(data_.currency, index));
        statement.bind(first + 4, submission_);
        statement.bind(first + 5, where.line);
    }

    /// Finds the period of record `index`, or creates it, and records it as last reported by
    /// this submission. A record without a period end matches the only period of its fiscal
    /// year; one with an end matches the only period of its year that has none (and sets it).
    PeriodRef store_period(std::size_t index) {
        const std::string& institution = data_.institution_id[index];
        const int year = fiscal_year(index);
        const auto start = value_at(data_.period_start, index);
        const auto end = value_at(data_.period_end, index);
        const std::string end_text = end ? end->iso() : std::string{};

        std::optional<std::int64_t> found;
        find_period_.bind(1, std::string_view(institution));
        find_period_.bind(2, year);
        find_period_.bind(3, std::string_view(end_text));
        if (find_period_.step()) {
            found = find_period_.int64(0);
        }
        find_period_.reset();
        if (!found) {
            periods_of_year_.bind(1, std::string_view(institution));
            periods_of_year_.bind(2, year);
            std::vector<std::pair<std::int64_t, bool>> candidates; // id, has an end
            while (periods_of_year_.step()) {
                candidates.emplace_back(periods_of_year_.int64(0), !periods_of_year_.is_null(1));
            }
            periods_of_year_.reset();
            if (candidates.size() == 1 && (!end || !candidates[0].second)) {
                found = candidates[0].first;
            }
        }
        const SourcePos& where = data_.origin[index];
        const std::optional<std::string> start_text =
            start ? std::optional<std::string>(start->iso()) : std::nullopt;
        const std::optional<std::string> end_value =
            end ? std::optional<std::string>(end_text) : std::nullopt;
        if (found) {
            update_period_.bind(1, *found);
            update_period_.bind(2, start_text);
            update_period_.bind(3, end_value);
            bind_period_details(update_period_, 4, index, where);
            update_period_.run();
            return {*found, false};
        }
        insert_period_.bind(1, std::string_view(institution));
        insert_period_.bind(2, year);
        insert_period_.bind(3, start_text);
        insert_period_.bind(4, end_value);
        bind_period_details(insert_period_, 5, index, where);
        insert_period_.run();
        return {sqlite3_last_insert_rowid(sqlite3_db_handle(insert_period_.get())), true};
    }

    void store_figures(std::size_t index, const PeriodRef& period, IngestResult& result) {
        current_.clear();
        if (!period.created) {
            current_figures_.bind(1, period.id);
            while (current_figures_.step()) {
                current_.push_back({current_figures_.text(1),
                                    current_figures_.int64(0),
                                    {current_figures_.real(2), current_figures_.optional_text(3),
                                     current_figures_.optional_text(4)}});
            }
            current_figures_.reset();
        }
        const std::string& currency = value_at_ref(data_.currency, index);
        for (const auto& column : numbers_) {
            store_figure(index, period.id, *column.field,
                         {(*column.values)[index], std::nullopt, unit_of(column.info, currency)},
                         result);
        }
        for (const auto& [field, column] : data_.texts) {
            std::optional<std::string> text;
            if (!column[index].empty()) {
                text = column[index];
            }
            store_figure(index, period.id, field, {std::nullopt, text, std::nullopt}, result);
        }
    }

    void store_figure(std::size_t index, std::int64_t period, const std::string& field,
                      const FigureValue& value, IngestResult& result) {
        const auto found =
            std::lower_bound(current_.begin(), current_.end(), field,
                             [](const CurrentFigure& figure, const std::string& name) {
                                 return figure.field < name;
                             });
        if (found != current_.end() && found->field == field) {
            // A missing value never replaces a figure: the loader also uses "missing" for
            // values it set aside as impossible.
            if (value.missing()) {
                if (found->value.missing()) {
                    ++result.figures_unchanged;
                } else {
                    ++result.figures_missing;
                }
                return;
            }
            if (value == found->value) {
                ++result.figures_unchanged;
                return;
            }
            supersede_.bind(1, submission_);
            supersede_.bind(2, found->id);
            supersede_.run();
            ++result.figures_revised;
        } else {
            ++result.figures_new;
        }
        insert_figure_.bind(1, submission_);
        insert_figure_.bind(2, period);
        insert_figure_.bind(3, std::string_view(field));
        insert_figure_.bind(4, value.number);
        insert_figure_.bind(5, value.text);
        insert_figure_.bind(6, value.unit);
        insert_figure_.bind(7, data_.origin[index].line);
        insert_figure_.run();
        ++written_;
        if (info_.on_figure) {
            info_.on_figure(written_);
        }
    }

    /// A numeric column of the dataset with its field's description (nullptr: not canonical).
    struct FieldColumn {
        const std::string* field;
        const NumberColumn* values;
        const FieldInfo* info;
    };

    const Dataset& data_;
    const IngestInfo& info_;
    std::vector<FieldColumn> numbers_;
    CurrentFigures current_; ///< of the period being stored
    std::int64_t submission_ = 0;
    long written_ = 0;
    Statement upsert_institution_;
    Statement find_period_;
    Statement periods_of_year_;
    Statement insert_period_;
    Statement update_period_;
    Statement current_figures_;
    Statement supersede_;
    Statement insert_figure_;
};

bool is_sha256_hex(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

/// Checks what can be checked before touching the database. False with diagnostics.
bool check_ingest_input(const Dataset& data, const IngestInfo& info, const std::string& path,
                        Diagnostics& diagnostics) {
    if (data.kind != RecordKind::institution_year) {
        database_error(diagnostics, path,
                       fmt::format("source '{}' holds {} records; the database stores "
                                   "institution-year records",
                                   info.source_name, record_kind_name(data.kind)));
        return false;
    }
    if (info.source_name.empty()) {
        database_error(diagnostics, path, "a submission needs a source name");
        return false;
    }
    if (!is_sha256_hex(info.sha256)) {
        database_error(
            diagnostics, path,
            fmt::format("expected a sha256 of 64 lowercase hex digits; found '{}'", info.sha256));
        return false;
    }
    if (const auto problem = shape_problem(data)) {
        database_error(diagnostics, path,
                       fmt::format("cannot store source '{}': {}", info.source_name, *problem));
        return false;
    }
    bool usable = true;
    for (std::size_t index = 0; index < data.size(); ++index) {
        const SourcePos& where = data.origin[index];
        if (data.institution_id[index].empty()) {
            diagnostics.error(where, "a record without an institution id cannot be stored");
            usable = false;
        }
        if (data.fiscal_year[index] == 0 && !value_at(data.period_end, index)) {
            diagnostics.error(where,
                              "a record without a fiscal year or period end cannot be stored");
            usable = false;
        }
    }
    for (const auto& [field, column] : data.dates) {
        diagnostics.warning({info.file_path, 0, 0},
                            fmt::format("date field '{}' is not stored in the database", field));
    }
    return usable;
}

/// Rows read, used and rejected, from the loader's counts (or the records when there are none).
std::array<long, 3> row_counts(const Dataset& data) {
    if (data.stats.empty()) {
        const auto size = static_cast<long>(data.size());
        return {size, size, 0};
    }
    std::array<long, 3> counts{0, 0, 0};
    for (const auto& stats : data.stats) {
        counts[0] += stats.rows_read;
        counts[1] += stats.rows_used;
        counts[2] += stats.rows_rejected;
    }
    return counts;
}

} // namespace

// ----- Store ------------------------------------------------------------------------------

class Store::Impl {
public:
    Impl(std::shared_ptr<Connection> connection, OpenMode mode)
        : connection_(std::move(connection)), mode_(mode) {}

    IngestResult ingest(const Dataset& data, const IngestInfo& info, Diagnostics& diagnostics);
    std::optional<Dataset> load_current(Diagnostics& diagnostics);

    std::shared_ptr<Connection> connection_;
    OpenMode mode_;
};

IngestResult Store::Impl::ingest(const Dataset& data, const IngestInfo& info,
                                 Diagnostics& diagnostics) {
    const std::string& path = connection_->path();
    IngestResult result;
    if (mode_ == OpenMode::read_only) {
        database_error(diagnostics, path, "opened read-only: cannot ingest");
        return result;
    }
    if (!check_ingest_input(data, info, path, diagnostics)) {
        return result;
    }
    const Connection& connection = *connection_;
    try {
        Transaction transaction(connection);
        {
            Statement find(connection, "SELECT id FROM submissions "
                                       "WHERE source_name = ?1 AND file_sha256 = ?2");
            find.bind(1, std::string_view(info.source_name));
            find.bind(2, std::string_view(info.sha256));
            if (find.step()) {
                result.outcome = IngestResult::Outcome::unchanged;
                result.submission_id = find.int64(0);
                find.reset();
                transaction.rollback();
                return result;
            }
        }
        const auto counts = row_counts(data);
        Statement insert(connection,
                         "INSERT INTO submissions (source_name, file_path, file_sha256, "
                         "file_size, rows_read, rows_used, rows_rejected, ingested_at, "
                         "submitted_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        insert.bind(1, std::string_view(info.source_name));
        insert.bind(2, std::string_view(info.file_path));
        insert.bind(3, std::string_view(info.sha256));
        insert.bind(4, info.file_size);
        insert.bind(5, counts[0]);
        insert.bind(6, counts[1]);
        insert.bind(7, counts[2]);
        insert.bind(8, info.ingested_at);
        insert.bind(9, std::string_view(info.submitted_by));
        insert.run();
        const std::int64_t submission = sqlite3_last_insert_rowid(connection.get());

        Ingester ingester(connection, data, info);
        ingester.run(submission, result);

        Statement update(connection, "UPDATE submissions SET figures_new = ?2, "
                                     "figures_revised = ?3, figures_unchanged = ?4 WHERE id = ?1");
        update.bind(1, submission);
        update.bind(2, result.figures_new);
        update.bind(3, result.figures_revised);
        update.bind(4, result.figures_unchanged);
        update.run();

        if (info.dry_run) {
            transaction.rollback();
        } else {
            transaction.commit();
        }
        result.outcome = IngestResult::Outcome::stored;
        result.submission_id = submission;
        return result;
    } catch (const RecordError& error) {
        diagnostics.error(error.where(), error.what(),
                          "the ingest was rolled back: nothing was stored");
    } catch (const DatabaseError& error) {
        database_error(diagnostics, path, fmt::format("ingest rolled back: {}", error.what()),
                       hint_for(error.code(), path));
    } catch (const std::exception& error) {
        database_error(diagnostics, path, fmt::format("ingest rolled back: {}", error.what()));
    }
    return IngestResult{};
}

std::optional<Dataset> Store::Impl::load_current(Diagnostics& diagnostics) {
    const std::string& path = connection_->path();
    const Connection& connection = *connection_;
    try {
        // One read transaction, so a concurrent ingest cannot change the figures between the
        // two queries.
        Transaction transaction(connection, "BEGIN");
        Dataset data;
        data.kind = RecordKind::institution_year;
        // Record index by reporting period id (ids are dense: INTEGER PRIMARY KEY).
        constexpr std::size_t no_record = static_cast<std::size_t>(-1);
        std::vector<std::size_t> index_of(
            static_cast<std::size_t>(
                query_int(connection, "SELECT ifnull(max(id), 0) FROM reporting_periods")) +
                1,
            no_record);
        Statement periods(
            connection,
            "SELECT p.id, p.institution_id, p.fiscal_year, p.period_start, p.period_end, "
            "p.institution_name, p.country_iso3, p.region, p.currency, s.file_path, "
            "p.source_row FROM reporting_periods p JOIN submissions s ON s.id = p.submission_id "
            "ORDER BY p.institution_id, p.fiscal_year, ifnull(p.period_end, ''), p.id");
        const auto date_at = [&](int column) -> std::optional<Date> {
            if (periods.is_null(column)) {
                return std::nullopt;
            }
            const std::string text = periods.text(column);
            auto date = parse_date(text, DateFormat::iso);
            if (!date) {
                database_error(diagnostics, path,
                               fmt::format("reporting period {}: invalid date '{}' ignored",
                                           periods.int64(0), text));
            }
            return date;
        };
        while (periods.step()) {
            index_of[static_cast<std::size_t>(periods.int64(0))] = data.size();
            data.institution_id.push_back(periods.text(1));
            data.fiscal_year.push_back(static_cast<int>(periods.int64(2)));
            data.period_start.push_back(date_at(3));
            data.period_end.push_back(date_at(4));
            data.institution_name.push_back(periods.text(5));
            data.country_iso3.push_back(periods.text(6));
            data.region.push_back(periods.text(7));
            data.currency.push_back(periods.text(8));
            data.origin.push_back({periods.text(9), static_cast<long>(periods.int64(10)), 0});
        }
        const std::size_t size = data.size();
        // Where each field's values go, found once per field (figures come in period order).
        struct Slot {
            const FieldInfo* info = nullptr;
            NumberColumn* numbers = nullptr;
            std::vector<std::string>* texts = nullptr;
        };
        std::map<std::string, Slot, std::less<>> slots;
        Statement figures(connection, "SELECT period_id, field, value, text_value, unit "
                                      "FROM figures WHERE superseded_by IS NULL");
        while (figures.step()) {
            const std::int64_t period = figures.int64(0);
            if (period < 0 || static_cast<std::uint64_t>(period) >= index_of.size() ||
                index_of[static_cast<std::size_t>(period)] == no_record) {
                throw DatabaseError(
                    fmt::format("a figure refers to reporting period {}, which is missing", period),
                    SQLITE_CORRUPT);
            }
            const std::size_t index = index_of[static_cast<std::size_t>(period)];
            const std::string_view field = figures.text_view(1);
            auto slot = slots.find(field);
            if (slot == slots.end()) {
                slot = slots.emplace(std::string(field), Slot{find_field(field)}).first;
            }
            Slot& where = slot->second;
            const bool text_kind = where.info != nullptr && where.info->kind == FieldKind::text;
            if (text_kind || !figures.is_null(3)) {
                if (where.texts == nullptr) {
                    where.texts = &data.texts[slot->first];
                    where.texts->resize(size);
                }
                (*where.texts)[index] = figures.text(3);
                continue;
            }
            if (where.numbers == nullptr) {
                where.numbers = &data.numbers[slot->first];
                where.numbers->resize(size);
            }
            auto value = figures.real(2);
            // Money is used only in the currency of its record: an amount stored in another
            // currency (a record whose currency changed in a later submission that did not
            // repeat this amount) is set aside, not silently mixed.
            if (value && where.info != nullptr && where.info->kind == FieldKind::amount &&
                !figures.is_null(4) && !data.currency[index].empty() &&
                figures.text_view(4) != data.currency[index]) {
                const std::string unit = figures.text(4);
                data.issues.push_back(
                    {"currency-mismatch", Severity::warning, data.origin[index], slot->first,
                     fmt::format("{} {}", *value, unit),
                     fmt::format("stored in {}, but the record's currency is {}: set aside", unit,
                                 data.currency[index])});
                value.reset();
            }
            (*where.numbers)[index] = value;
        }
        transaction.commit();
        SourceStats stats;
        stats.name = "database";
        stats.path = path;
        stats.rows_read = static_cast<long>(size);
        stats.rows_used = static_cast<long>(size);
        data.stats.push_back(std::move(stats));
        return data;
    } catch (const DatabaseError& error) {
        report(diagnostics, path, error);
    }
    return std::nullopt;
}

Store::Store(Passkey /*key*/, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() = default;

std::unique_ptr<Store> Store::open(const std::string& path, Diagnostics& diagnostics,
                                   OpenMode mode) {
    auto connection = connect(path, mode, diagnostics);
    if (!connection) {
        return nullptr;
    }
    try {
        connection->exec("PRAGMA foreign_keys = ON");
        // Up to 64 MiB of page cache (the default is 2 MiB): a large ingest then writes each
        // index page once at commit instead of spilling and re-reading pages.
        connection->exec("PRAGMA cache_size = -65536");
        std::optional<std::pair<std::string, std::string>> problem;
        if (mode == OpenMode::read_write) {
            // Check and create in one write transaction, so two first ingests cannot both
            // create the schema.
            Transaction transaction(*connection);
            problem = check_schema(*connection, mode);
            if (!problem) {
                transaction.commit();
            }
        } else {
            problem = check_schema(*connection, mode);
        }
        if (problem) {
            database_error(diagnostics, path, problem->first, problem->second);
            return nullptr;
        }
    } catch (const DatabaseError& error) {
        report(diagnostics, path, error);
        return nullptr;
    }
    return std::make_unique<Store>(Passkey{}, std::make_unique<Impl>(std::move(connection), mode));
}

IngestResult Store::ingest(const Dataset& data, const IngestInfo& info, Diagnostics& diagnostics) {
    return impl_->ingest(data, info, diagnostics);
}

std::optional<Dataset> Store::load_current(Diagnostics& diagnostics) {
    return impl_->load_current(diagnostics);
}

std::unique_ptr<RecordReader>
Store::query(const std::string& sql_or_table,
             const std::vector<std::pair<std::string, std::string>>& params,
             Diagnostics& diagnostics) {
    return make_query(impl_->connection_, sql_or_table, params, diagnostics);
}

const std::string& Store::path() const {
    return impl_->connection_->path();
}

std::unique_ptr<RecordReader>
query_sqlite_file(const std::string& path, const std::string& sql_or_table,
                  const std::vector<std::pair<std::string, std::string>>& params,
                  Diagnostics& diagnostics) {
    auto connection = connect(path, OpenMode::read_only, diagnostics);
    if (!connection) {
        return nullptr;
    }
    return make_query(std::move(connection), sql_or_table, params, diagnostics);
}

} // namespace sfp
