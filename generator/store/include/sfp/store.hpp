#pragma once
/// The SFP database: an SQLite file holding every submitted institution-year figure with its
/// history (which submission, file, sha256, row and time), the current figures read back as a
/// Dataset, and reference tables. The schema is documented in docs/database.md.

#include "sfp/dataset.hpp"
#include "sfp/diagnostics.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfp {

/// The schema version this build creates and reads (PRAGMA user_version and the
/// schema_version table).
inline constexpr int store_schema_version = 1;

/// How Store::open treats the file.
enum class OpenMode {
    read_write, ///< create the file and the schema if missing; ingest allowed
    read_only,  ///< the file must exist and be an sfpgen database; nothing is ever written
};

/// Provenance of one submitted file, given by the caller: the store never reads a clock.
struct IngestInfo {
    std::string source_name;      ///< the [[source]] the file was loaded with, e.g. "partners"
    std::string file_path;        ///< as given on the command line
    std::string sha256;           ///< of the file's bytes: 64 lowercase hex digits (sha256_file)
    std::int64_t file_size = 0;   ///< bytes
    std::int64_t ingested_at = 0; ///< seconds since 1970-01-01 UTC
    std::string submitted_by;     ///< free text: a name, an e-mail, a unit
    bool dry_run = false;         ///< work out the outcome and counts, then roll everything back
    /// Called inside the transaction after each figure row is written, with the number written
    /// so far (for progress). An exception thrown from it rolls the whole ingest back (tests
    /// use it to inject a failure half-way).
    std::function<void(long figures_written)> on_figure;
};

/// What Store::ingest did.
struct IngestResult {
    enum class Outcome {
        stored,    ///< a new submission (with dry_run: would be stored; nothing was written)
        unchanged, ///< this file (same source, same sha256) was already ingested; nothing written
        failed,    ///< rolled back; the database is as before (see the diagnostics)
    };
    Outcome outcome = Outcome::failed;
    std::int64_t submission_id = 0; ///< the new submission, or the earlier one when unchanged
    long figures_new = 0;           ///< (institution, period, field) not in the database before
    long figures_revised = 0;       ///< a different value (or unit) than the current one
    long figures_unchanged = 0;     ///< equal to the current value: no row written
    long figures_missing = 0;       ///< missing in the submission: the current value was kept
};

/// An open SFP database. Every SQLite status is checked; failures are diagnostics
/// ("sfp.sqlite: error: database: ..."), never exceptions or crashes. A Store and the readers
/// its query() returns share one connection: use them from one thread at a time.
class Store {
public:
    /// Opens (and with OpenMode::read_write creates) the database at `path`; ":memory:" gives
    /// a private in-memory database. A new file gets the schema; an existing one must carry
    /// sfpgen's application id and a schema version this build reads. nullptr, with a
    /// diagnostic, for a missing file in read_only mode, a corrupt or non-SQLite file, another
    /// application's database or a newer schema.
    [[nodiscard]] static std::unique_ptr<Store>
    open(const std::string& path, Diagnostics& diagnostics, OpenMode mode = OpenMode::read_write);

    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    Store(Store&&) = delete;
    Store& operator=(Store&&) = delete;

    /// Stores the institution-year records of `data` as one submission, in ONE transaction:
    /// all or nothing. A file already ingested for the same source (same sha256) changes
    /// nothing (Outcome::unchanged). For each (institution, period, field): a value equal to
    /// the current one writes nothing; a different one becomes current and the earlier row is
    /// kept with `superseded_by` set; a field the submission lacks, or holds as missing, keeps
    /// its current value. Records without an institution id or a period, two records for one
    /// period, or loan records make the ingest fail.
    [[nodiscard]] IngestResult ingest(const Dataset& data, const IngestInfo& info,
                                      Diagnostics& diagnostics);

    /// The current figures as an institution-year Dataset (the shape load_source gives): one
    /// record per reporting period, ordered by institution id, fiscal year and period end;
    /// `origin` is the file and row of the latest submission of the period. Missing figures are
    /// nullopt. nullopt, with a diagnostic, if the database cannot be read.
    [[nodiscard]] std::optional<Dataset> load_current(Diagnostics& diagnostics);

    /// Reads a table or view (`sql_or_table` is a plain name, e.g. "current_figures") or the rows
    /// of one read-only SELECT with `:named` parameters bound from `params` (names with or
    /// without the ':'), as text cells: REAL in shortest round-trip form ("0.1", "1e+20"),
    /// INTEGER in decimal, NULL as an empty cell. Row 1 is the header. load_records then
    /// applies the same mapping and validation as for a CSV file. nullptr, with a diagnostic,
    /// for an unknown table, invalid SQL, a statement that writes, or a parameter without a
    /// value (or a value without a parameter). The reader shares the connection, so it may
    /// outlive the Store.
    [[nodiscard]] std::unique_ptr<RecordReader>
    query(const std::string& sql_or_table,
          const std::vector<std::pair<std::string, std::string>>& params, Diagnostics& diagnostics);

    /// The path the database was opened with.
    [[nodiscard]] const std::string& path() const;

private:
    class Impl;
    /// Only open() makes a Store (the constructor must be public for std::make_unique).
    class Passkey {
    public:
        explicit Passkey() = default;
    };

public:
    /// Used by open(); not callable elsewhere, since Passkey is private.
    Store(Passkey key, std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> impl_;
};

/// Store::query on any SQLite file, opened read-only (for [[source]] format = "sqlite" tables
/// that are not an sfpgen database). nullptr, with a diagnostic, when the file is missing or
/// not SQLite, or as for Store::query.
[[nodiscard]] std::unique_ptr<RecordReader>
query_sqlite_file(const std::string& path, const std::string& sql_or_table,
                  const std::vector<std::pair<std::string, std::string>>& params,
                  Diagnostics& diagnostics);

} // namespace sfp
