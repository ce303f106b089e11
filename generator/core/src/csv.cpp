#include "sfp/csv.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace sfp {

namespace {
constexpr std::size_t buffer_size = 1 << 16;
} // namespace

CsvReader::CsvReader(std::string path, std::FILE* file, CsvOptions options)
    : path_(std::move(path)), file_(file), options_(options), buffer_(buffer_size) {}

CsvReader::~CsvReader() {
    std::fclose(file_);
}

std::unique_ptr<CsvReader> CsvReader::open(const std::string& path, CsvOptions options,
                                           Diagnostics& diagnostics) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot open data file: {}", std::strerror(errno)));
        return nullptr;
    }
    return std::unique_ptr<CsvReader>(new CsvReader(path, file, options));
}

int CsvReader::peek() {
    if (pos_ == end_) {
        end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
        pos_ = 0;
        if (end_ == 0) {
            return EOF;
        }
    }
    return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::get() {
    const int c = peek();
    if (c != EOF) {
        ++pos_;
    }
    return c;
}

bool CsvReader::next(CsvRecord& record, Diagnostics& diagnostics) {
    if (at_start_) {
        at_start_ = false;
        // Skip a UTF-8 byte order mark (the first chunk is read whole, so it is in the buffer).
        if (peek() == 0xEF && end_ - pos_ >= 3 &&
            std::memcmp(&buffer_[pos_], "\xEF\xBB\xBF", 3) == 0) {
            pos_ += 3;
        }
    }
    record.fields.clear();
    if (peek() == EOF) {
        return false;
    }
    record.row = ++row_;
    record.line = line_;
    std::string field;
    bool quoted = false;      // inside a quoted section
    bool was_quoted = false;  // the field started with a quote
    bool after_quote = false; // just closed a quoted section
    bool reported = false;
    const auto column = [&] { return static_cast<long>(record.fields.size()) + 1; };
    for (;;) {
        const int c = get();
        if (c == EOF) {
            if (quoted) {
                diagnostics.error({path_, record.row, column()},
                                  "unterminated quoted field: expected a closing '\"' before the "
                                  "end of the file",
                                  fmt::format("the field starts on line {}", record.line));
            }
            record.fields.push_back(std::move(field));
            return true;
        }
        if (quoted) {
            if (c == '"') {
                if (peek() == '"') {
                    get();
                    field.push_back('"');
                } else {
                    quoted = false;
                    after_quote = true;
                }
                continue;
            }
            if (c == '\n') {
                ++line_;
            }
            field.push_back(static_cast<char>(c));
            continue;
        }
        if (c == options_.delimiter) {
            record.fields.push_back(std::move(field));
            field.clear();
            was_quoted = after_quote = false;
            continue;
        }
        if (c == '\r' && peek() == '\n') {
            continue; // CRLF: the LF ends the record
        }
        if (c == '\n' || c == '\r') {
            ++line_;
            record.fields.push_back(std::move(field));
            return true;
        }
        if (c == '"' && field.empty() && !was_quoted) {
            quoted = was_quoted = true;
            continue;
        }
        if (after_quote && !reported) {
            diagnostics.warning({path_, record.row, column()},
                                fmt::format("unexpected '{}' after a closing quote: expected a "
                                            "delimiter or the end of the record",
                                            static_cast<char>(c)));
            reported = true;
        }
        field.push_back(static_cast<char>(c));
    }
}

} // namespace sfp
