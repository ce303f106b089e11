#pragma once
/// A streaming CSV reader: RFC 4180 plus what real files do (CRLF, LF and lone CR mixed, a UTF-8
/// byte order mark, quoted fields with embedded newlines, TABs and doubled quotes, NUL bytes,
/// legacy code pages).

#include "sfp/diagnostics.hpp"
#include "sfp/encoding.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sfp {

/// One record. `row` counts records from 1 (the header is row 1); `line` is the physical line
/// where the record starts (they differ once a quoted field holds a line break).
struct CsvRecord {
    long row = 0;
    long line = 0;
    std::vector<std::string> fields;
};

/// How to read a file. `CsvOptions{'\t'}` still means "TAB-delimited, UTF-8".
/// `text` without blanks (space, TAB, CR, LF) at either end: how cells are compared.
[[nodiscard]] std::string_view trim_blanks(std::string_view text);

/// Bounds on one record, so that a hostile or broken file (a 1 GB line, a field of hundreds of
/// MB) cannot exhaust memory: `[limits]` in the configuration (docs/config.md). Exceeding one
/// is an error at the record's row and the field's column, and the file is not read further.
struct CsvLimits {
    std::size_t max_field_bytes = std::size_t{1} << 20;  ///< bytes of one field, as read
    std::size_t max_fields = 1000;                       ///< fields of one record
    std::size_t max_record_bytes = std::size_t{4} << 20; ///< bytes of one record's fields
};

struct CsvOptions {
    char delimiter = ',';               ///< an ASCII byte other than '"', CR and LF
    Encoding encoding = Encoding::utf8; ///< every field is decoded from it to UTF-8
    /// Bytes read from the file at a time (memory use is this plus one record). Values below
    /// 4 are raised to 4; tests use tiny buffers to put record ends on buffer boundaries.
    std::size_t buffer_size = std::size_t{64} * 1024;
    /// A field may exceed max_field_bytes (and a record max_record_bytes) by up to one buffer
    /// before it is noticed: the checks run when the buffer is refilled and at a field's end.
    CsvLimits limits = {};
};

/// Reads records one at a time from a file; memory use is one record plus a fixed buffer.
///
/// Every field (the header's too) is converted from `CsvOptions::encoding` to UTF-8. A byte that
/// cannot be decoded is an error diagnostic, one per field, at the record's row and the field's
/// column; the field keeps U+FFFD in its place and the record is still returned.
class CsvReader {
public:
    /// Opens `path`; on failure records a diagnostic and returns nullptr.
    static std::unique_ptr<CsvReader> open(const std::string& path, CsvOptions options,
                                           Diagnostics& diagnostics);

    /// Reads from an open stream (e.g. from fmemopen) and closes it when destroyed. `name` is
    /// the file name used in diagnostics.
    static std::unique_ptr<CsvReader> from_stream(std::FILE* file, std::string name,
                                                  CsvOptions options);

    /// Reads the next record into `record`. Returns false at end of file. A malformed record
    /// (an unterminated quote, text after a closing quote, an undecodable byte) is reported and
    /// still returned as read, so the caller decides whether to use it. A record over one of
    /// `CsvOptions::limits` is an error (code "input-limit"); next() then returns false, now
    /// and on every later call, without reading the rest of the file.
    bool next(CsvRecord& record, Diagnostics& diagnostics);

    /// The file name given to open() or from_stream().
    [[nodiscard]] const std::string& path() const { return path_; }

    /// Closes the file.
    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;
    CsvReader(CsvReader&&) = delete;
    CsvReader& operator=(CsvReader&&) = delete;

private:
    /// How a field ended.
    enum class FieldEnd { delimiter, record, file };

    CsvReader(std::string path, std::FILE* file, CsvOptions options);
    bool fill();
    std::size_t find_stop(std::size_t from);
    void load_block(std::size_t block);
    void append(std::string& field, std::size_t from, std::size_t to);
    void skip_byte_order_mark();
    bool starts_with_utf16_mark();
    FieldEnd read_field(std::string& field, long column, bool& warned, CsvRecord& record,
                        Diagnostics& diagnostics);
    bool read_quoted(std::string& field);
    FieldEnd read_unquoted(std::string& field);
    void decode(std::string& field, long row, long column, Diagnostics& diagnostics) const;
    [[nodiscard]] bool over_limit(const std::string& field) const;
    void report_limit(const CsvRecord& record, long column, const std::string& field,
                      Diagnostics& diagnostics);

    std::string path_;
    std::FILE* file_;
    CsvOptions options_;
    std::size_t read_size_; ///< bytes read at a time
    std::vector<char> buffer_;
    std::size_t pos_ = 0; ///< next unread byte in buffer_
    std::size_t end_ = 0; ///< end of the bytes read into buffer_
    static constexpr std::size_t no_block = ~std::size_t{0};
    std::size_t block_ = no_block; ///< offset of the 64-byte block that stops_ and high_ describe
    std::uint64_t stops_ = 0;      ///< its delimiters, quotes, LFs and CRs (see find_stop)
    std::uint64_t high_ = 0;       ///< its bytes >= 0x80
    std::uint64_t previous_high_ = 0; ///< the bytes >= 0x80 of the block before it
    bool previous_known_ = false;     ///< previous_high_ is known
    bool field_non_ascii_ = false;    ///< the field being read has a byte >= 0x80
    long line_ = 1;
    long row_ = 0;
    bool at_start_ = true;
    bool read_failed_ = false;     ///< a read failed: treat the rest of the file as absent
    bool stopped_ = false;         ///< a record went over a limit: the file is not read further
    bool limit_hit_ = false;       ///< the field being read went over a limit (read_field stopped)
    std::size_t record_bytes_ = 0; ///< bytes of the current record's finished fields
    int read_errno_ = 0;           ///< errno of the failed read until next() reports it
};

} // namespace sfp
