#pragma once
/// A streaming CSV reader: RFC 4180 plus what real files do (CRLF and LF mixed, a UTF-8 byte
/// order mark, quoted fields with embedded newlines, TABs and doubled quotes).

#include "sfp/diagnostics.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sfp {

/// One record. `row` counts records from 1 (the header is row 1); `line` is the physical line
/// where the record starts (they differ once a quoted field holds a line break).
struct CsvRecord {
    long row = 0;
    long line = 0;
    std::vector<std::string> fields;
};

struct CsvOptions {
    char delimiter = ',';
};

/// Reads records one at a time from a file; memory use is one record plus a fixed buffer.
class CsvReader {
public:
    /// Opens `path`; on failure records a diagnostic and returns nullptr.
    static std::unique_ptr<CsvReader> open(const std::string& path, CsvOptions options,
                                           Diagnostics& diagnostics);

    /// Reads the next record into `record`. Returns false at end of file. A malformed record
    /// (an unterminated quote, text after a closing quote) is reported and still returned as
    /// read, so the caller decides whether to use it.
    bool next(CsvRecord& record, Diagnostics& diagnostics);

    [[nodiscard]] const std::string& path() const { return path_; }

    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;
    CsvReader(CsvReader&&) = delete;
    CsvReader& operator=(CsvReader&&) = delete;

private:
    CsvReader(std::string path, std::FILE* file, CsvOptions options);
    int get();
    int peek();

    std::string path_;
    std::FILE* file_;
    CsvOptions options_;
    std::vector<char> buffer_;
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    long line_ = 1;
    long row_ = 0;
    bool at_start_ = true;
};

} // namespace sfp
