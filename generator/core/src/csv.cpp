#include "sfp/csv.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sfp {

std::string_view trim_blanks(std::string_view text) {
    // A loop over the ends rather than find_first_not_of: the loader trims every cell, and
    // nearly all of them have no blank at either end.
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::size_t first = 0;
    std::size_t last = text.size();
    while (first < last && blank(text[first])) {
        ++first;
    }
    if (first == last) {
        return {};
    }
    while (blank(text[last - 1])) {
        --last;
    }
    return text.substr(first, last - first);
}

namespace {

constexpr std::size_t min_buffer_size = 4; // room for a byte order mark and one more byte
constexpr std::size_t block_size = 64;     // bytes described by one structural mask

/// What the parser needs to know about 64 bytes of the buffer.
struct BlockMasks {
    std::uint64_t stops = 0; ///< bit i: byte i is the delimiter, '"', LF or CR
    std::uint64_t high = 0;  ///< bit i: byte i is >= 0x80 (not ASCII)
};

/// The masks of the 64 bytes at `block`; the caller clears the bits past the end of the data.
/// The stops are the only bytes the parser looks at (everything else, NUL included, is data).
/// Sixteen bytes at a time with SSE2 (part of every x86-64 CPU), else byte by byte.
BlockMasks block_masks(const char* block, char delimiter) {
    BlockMasks masks;
#if defined(__SSE2__)
    const __m128i delimiters = _mm_set1_epi8(delimiter);
    const __m128i quotes = _mm_set1_epi8('"');
    const __m128i line_feeds = _mm_set1_epi8('\n');
    const __m128i returns = _mm_set1_epi8('\r');
    for (std::size_t i = 0; i < block_size; i += 16) {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + i));
        const __m128i hits = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(chunk, delimiters), _mm_cmpeq_epi8(chunk, quotes)),
            _mm_or_si128(_mm_cmpeq_epi8(chunk, line_feeds), _mm_cmpeq_epi8(chunk, returns)));
        masks.stops |= std::uint64_t{static_cast<unsigned>(_mm_movemask_epi8(hits))} << i;
        masks.high |= std::uint64_t{static_cast<unsigned>(_mm_movemask_epi8(chunk))} << i;
    }
#else
    for (std::size_t i = 0; i < block_size; ++i) {
        const char c = block[i];
        if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
            masks.stops |= std::uint64_t{1} << i;
        }
        if (static_cast<unsigned char>(c) >= 0x80) {
            masks.high |= std::uint64_t{1} << i;
        }
    }
#endif
    return masks;
}

/// The low `count` bits (count <= 64).
constexpr std::uint64_t low_bits(std::size_t count) {
    return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}

/// "'x'" for a printable ASCII byte, "'\x82'" for any other (messages stay valid UTF-8; the
/// wording differs from a decoding error's "byte 0x82", which loaders match).
std::string describe_byte(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) {
        return fmt::format("'{}'", c);
    }
    return fmt::format("'\\x{:02X}'", byte);
}

} // namespace

CsvReader::CsvReader(std::string path, std::FILE* file, CsvOptions options)
    : path_(std::move(path)), file_(file), options_(options),
      read_size_(std::max(options.buffer_size, min_buffer_size)),
      // Padded to whole blocks: structural_mask() reads 64 bytes at a time.
      buffer_((read_size_ + block_size - 1) / block_size * block_size) {}

CsvReader::~CsvReader() {
    static_cast<void>(std::fclose(file_)); // nothing to flush: the file is only read
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

std::unique_ptr<CsvReader> CsvReader::from_stream(std::FILE* file, std::string name,
                                                  CsvOptions options) {
    return std::unique_ptr<CsvReader>(new CsvReader(std::move(name), file, options));
}

// The per-field helpers below are `inline` so that GCC folds them into next(): their call
// overhead was a fifth of the reading time (see docs/performance.md).

/// Makes at least one unread byte available; false at the end of the file (or a read error,
/// which next() reports). Consumed bytes are never needed again (fields copy their bytes as
/// they go), so the buffer is refilled from its start.
inline bool CsvReader::fill() {
    if (pos_ < end_) {
        return true;
    }
    pos_ = 0;
    end_ = 0;
    block_ = no_block;
    if (read_failed_) {
        return false;
    }
    end_ = std::fread(buffer_.data(), 1, read_size_, file_);
    if (end_ == 0 && std::ferror(file_) != 0) {
        read_failed_ = true;
        read_errno_ = errno;
    }
    return end_ > 0;
}

/// The offset of the first delimiter, quote, LF or CR at or after `from` (<= end_) in the
/// buffer, or end_ when there is none. The mask of the current 64-byte block is kept, so
/// successive stops in one block cost a shift and a count of trailing zeros.
inline std::size_t CsvReader::find_stop(std::size_t from) {
    const std::size_t block = from / block_size * block_size;
    if (block != block_) {
        load_block(block);
    }
    std::uint64_t mask = stops_ & (~std::uint64_t{0} << (from - block));
    while (mask == 0) {
        if (block_ + block_size >= end_) {
            return end_;
        }
        load_block(block_ + block_size);
        mask = stops_;
    }
    return block_ + static_cast<std::size_t>(std::countr_zero(mask));
}

void CsvReader::load_block(std::size_t block) {
    // A field usually starts in the block before the one where it ends: keep that block's mask.
    const bool next_block = block_ != no_block && block == block_ + block_size;
    previous_high_ = next_block ? high_ : ~std::uint64_t{0};
    previous_known_ = next_block;
    block_ = block;
    if (block >= end_) {
        stops_ = high_ = 0;
        return;
    }
    const BlockMasks masks = block_masks(buffer_.data() + block, options_.delimiter);
    const std::uint64_t data = low_bits(end_ - block); // bytes past the data are stale
    stops_ = masks.stops & data;
    high_ = masks.high & data;
}

/// Appends buffer_[from, to) to `field`, noting whether it holds a byte >= 0x80: from the masks
/// when the run lies in the current block and the one before (the common case), else by
/// looking at the bytes.
inline void CsvReader::append(std::string& field, std::size_t from, std::size_t to) {
    if (from == to) {
        return;
    }
    if (!field_non_ascii_) {
        const bool ends_in_block = block_ != no_block && to <= block_ + block_size;
        if (ends_in_block && from >= block_) {
            field_non_ascii_ = ((high_ >> (from - block_)) & low_bits(to - from)) != 0;
        } else if (ends_in_block && previous_known_ && from + block_size >= block_) {
            field_non_ascii_ = (previous_high_ >> (from + block_size - block_)) != 0 ||
                               (high_ & low_bits(to - block_)) != 0;
        } else {
            field_non_ascii_ = !is_ascii({buffer_.data() + from, to - from});
        }
    }
    field.append(buffer_.data() + from, to - from);
}

bool CsvReader::starts_with_utf16_mark() {
    return fill() && end_ - pos_ >= 2 &&
           (std::memcmp(&buffer_[pos_], "\xFF\xFE", 2) == 0 ||
            std::memcmp(&buffer_[pos_], "\xFE\xFF", 2) == 0);
}

void CsvReader::skip_byte_order_mark() {
    // The first read fills the buffer (at least 4 bytes) unless the file is shorter, so a
    // byte order mark is either whole in the buffer or not there.
    if (fill() && end_ - pos_ >= 3 && std::memcmp(&buffer_[pos_], "\xEF\xBB\xBF", 3) == 0) {
        pos_ += 3;
    }
}

bool CsvReader::next(CsvRecord& record, Diagnostics& diagnostics) {
    if (stopped_) {
        record.fields.clear();
        return false;
    }
    if (at_start_) {
        at_start_ = false;
        if (options_.encoding == Encoding::utf8) {
            skip_byte_order_mark();
        }
        if (starts_with_utf16_mark()) {
            diagnostics.error({path_, 1, 1},
                              fmt::format("UTF-16 byte order mark: expected a {} file, found "
                                          "UTF-16 text",
                                          encoding_name(options_.encoding)),
                              "save the file as UTF-8 (CSV UTF-8 in Excel's Save As)",
                              "invalid-encoding");
            stopped_ = true; // every other byte would be a NUL in the fields
            record.fields.clear();
            return false;
        }
    }
    if (!fill()) {
        record.fields.clear();
        if (read_errno_ != 0) {
            diagnostics.error({path_, row_ + 1, 0},
                              fmt::format("cannot read data file: {}", std::strerror(read_errno_)));
            read_errno_ = 0;
        }
        return false;
    }
    record.row = ++row_;
    record.line = line_;
    // The strings of the previous record are reused, so a file of same-width records costs no
    // allocation per field once the first record is read.
    std::size_t count = 0;
    bool warned = false; // one "text after a closing quote" warning per record
    record_bytes_ = 0;
    // Locals: writes through `field` (chars may alias anything) would make GCC reload members.
    const std::size_t max_field = options_.limits.max_field_bytes;
    const std::size_t max_fields = options_.limits.max_fields;
    std::size_t record_room = options_.limits.max_record_bytes; // bytes left for this record
    for (;;) {
        if (count == record.fields.size()) {
            record.fields.emplace_back();
        } else {
            record.fields[count].clear();
        }
        std::string& field = record.fields[count];
        ++count;
        const auto column = static_cast<long>(count);
        field_non_ascii_ = false;
        const FieldEnd end = read_field(field, column, warned, record, diagnostics);
        const std::size_t size = field.size();
        if (limit_hit_ || size > max_field || size > record_room ||
            (end == FieldEnd::delimiter && count == max_fields)) {
            report_limit(record, column, field, diagnostics);
            record.fields.clear();
            return false;
        }
        record_room -= size;
        record_bytes_ += size; // for the checks at buffer refills
        if (field_non_ascii_) {
            decode(field, record.row, column, diagnostics); // ASCII is the same in every encoding
        }
        if (end != FieldEnd::delimiter) {
            break;
        }
    }
    record.fields.resize(count);
    return true;
}

inline CsvReader::FieldEnd CsvReader::read_field(std::string& field, long column, bool& warned,
                                                 CsvRecord& record, Diagnostics& diagnostics) {
    if (!fill()) {
        return FieldEnd::file; // "a," at the end of the file: an empty last field
    }
    if (buffer_[pos_] == '"') {
        ++pos_;
        const bool closed = read_quoted(field);
        if (limit_hit_) {
            return FieldEnd::file;
        }
        if (!closed) {
            diagnostics.error({path_, record.row, column},
                              "unterminated quoted field: expected a closing '\"' before the "
                              "end of the file",
                              fmt::format("the field starts on line {}", record.line),
                              "csv-syntax");
            return FieldEnd::file;
        }
        if (!fill()) {
            return FieldEnd::file;
        }
        const char c = buffer_[pos_];
        if (c != options_.delimiter && c != '\n' && c != '\r' && !warned) {
            diagnostics.warning({path_, record.row, column},
                                fmt::format("unexpected {} after a closing quote: expected a "
                                            "delimiter or the end of the record",
                                            describe_byte(c)),
                                {}, "csv-syntax");
            warned = true;
        }
        // Whatever follows the closing quote is unquoted data up to the field's end.
    }
    return read_unquoted(field);
}

/// Reads the rest of a quoted section (after its opening quote) into `field`, turning doubled
/// quotes into one; counts the line breaks inside. False if the file ends first.
bool CsvReader::read_quoted(std::string& field) {
    for (;;) {
        if (!fill()) {
            return false;
        }
        std::size_t stop = find_stop(pos_);
        while (stop < end_ && buffer_[stop] != '"') {
            line_ += buffer_[stop] == '\n' ? 1 : 0; // delimiters and CRs are data here
            stop = find_stop(stop + 1);
        }
        append(field, pos_, stop);
        pos_ = stop;
        if (stop == end_) {
            if (over_limit(field)) {
                limit_hit_ = true;
                return true;
            }
            continue;
        }
        ++pos_; // the quote
        if (!fill() || buffer_[pos_] != '"') {
            return true; // a closing quote
        }
        field.push_back('"'); // a doubled quote
        ++pos_;
    }
}

/// Reads unquoted bytes into `field` up to a delimiter, a line end (LF, CRLF or a lone CR) or
/// the end of the file, and consumes that terminator.
inline CsvReader::FieldEnd CsvReader::read_unquoted(std::string& field) {
    const char delimiter = options_.delimiter;
    for (;;) {
        if (!fill()) {
            return FieldEnd::file;
        }
        std::size_t stop = find_stop(pos_);
        while (stop < end_ && buffer_[stop] == '"' && delimiter != '"') {
            stop = find_stop(stop + 1); // a quote inside an unquoted field is data
        }
        append(field, pos_, stop);
        pos_ = stop;
        if (stop == end_) {
            if (over_limit(field)) {
                limit_hit_ = true; // stop here: the rest of the field is never read
                return FieldEnd::file;
            }
            continue;
        }
        const char c = buffer_[stop];
        ++pos_;
        if (c == delimiter) {
            return FieldEnd::delimiter;
        }
        ++line_;
        if (c == '\r' && fill() && buffer_[pos_] == '\n') {
            ++pos_; // CRLF, possibly split across two buffer fills
        }
        return FieldEnd::record;
    }
}

/// Whether `field` (the one being read) takes it or its record over a limit. Called at each
/// buffer refill and at the field's end, so a field is never more than one buffer over.
inline bool CsvReader::over_limit(const std::string& field) const {
    const CsvLimits& limits = options_.limits;
    // record_bytes_ <= max_record_bytes here (else reading has stopped): no overflow.
    return field.size() > limits.max_field_bytes ||
           field.size() > limits.max_record_bytes - record_bytes_;
}

/// Reports which limit the record went over and stops reading the file: what follows a
/// runaway field is not worth parsing (and may be gigabytes).
void CsvReader::report_limit(const CsvRecord& record, long column, const std::string& field,
                             Diagnostics& diagnostics) {
    const CsvLimits& limits = options_.limits;
    std::string message;
    if (field.size() > limits.max_field_bytes) {
        message = fmt::format("field longer than the limit of {} bytes (limits.max_field_bytes): "
                              "expected at most {} bytes, found at least {}",
                              limits.max_field_bytes, limits.max_field_bytes, field.size());
    } else if (field.size() > limits.max_record_bytes - record_bytes_) {
        message = fmt::format("record longer than the limit of {} bytes "
                              "(limits.max_record_bytes): expected at most {} bytes of fields, "
                              "found at least {}",
                              limits.max_record_bytes, limits.max_record_bytes,
                              record_bytes_ + field.size());
    } else {
        message = fmt::format("record with more fields than the limit of {} (limits.max_fields): "
                              "expected at most {} fields, found a delimiter after field {}",
                              limits.max_fields, limits.max_fields, column);
        ++column; // the first field over the limit
    }
    diagnostics.error({path_, record.row, column}, std::move(message),
                      "the rest of the file is not read; if the file is genuine, raise the "
                      "limit in the configuration's [limits] table (docs/config.md)",
                      "input-limit");
    stopped_ = true;
    limit_hit_ = false;
}

void CsvReader::decode(std::string& field, long row, long column, Diagnostics& diagnostics) const {
    const auto error = to_utf8(field, options_.encoding);
    if (!error) {
        return;
    }
    const std::string where =
        fmt::format("in field {} (byte offset {} of the field)", column, error->offset);
    switch (options_.encoding) {
    case Encoding::utf8:
        diagnostics.error({path_, row, column},
                          fmt::format("invalid UTF-8 byte 0x{:02X} {}", error->byte, where),
                          "declare the file's encoding in [[source]], e.g. encoding = \"cp850\"",
                          "invalid-encoding");
        return;
    case Encoding::latin1:
    case Encoding::windows1252:
    case Encoding::cp437:
    case Encoding::cp850: {
        const auto name = encoding_name(options_.encoding);
        diagnostics.error({path_, row, column},
                          fmt::format("invalid {} byte 0x{:02X} {}", name, error->byte, where),
                          fmt::format("byte 0x{:02X} has no character in {}", error->byte, name),
                          "invalid-encoding");
        return;
    }
    }
}

} // namespace sfp
