// csv_fuzz: libFuzzer target for the CSV reader and the decoders (sfp/csv.hpp, sfp/encoding.hpp).
//
// Each input is read as a CSV file in every encoding and with several buffer sizes, through
// fmemopen and CsvReader::from_stream, and checked against:
//   - invariants: rows count 1, 2, 3...; lines strictly increase; every field and every
//     diagnostic is valid UTF-8;
//   - a reference: a byte-at-a-time parser (the reader's original algorithm) and a UTF-8
//     decoder written differently from the library's; records, positions and diagnostics
//     must be the same for every buffer size.
// Any difference aborts with a description (libFuzzer then saves the input as a crash).
// Built by the `fuzz` preset (clang++-14); csv_fuzz_replay runs the corpus under ctest.

#include "sfp/csv.hpp"
#include "sfp/encoding.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
    fmt::print(stderr, "csv_fuzz: invariant violated: {}\n{}\n", what, detail);
    std::abort();
}

void expect(bool condition, const std::string& what, const std::string& detail = {}) {
    if (!condition) {
        fail(what, detail);
    }
}

// ---- Reference UTF-8 decoder --------------------------------------------------------------
// Written from the definition rather than from the library's byte ranges: a prefix is
// acceptable when some completion of it encodes a scalar value in the range of its length;
// an invalid sequence is replaced as a whole up to its longest acceptable prefix (the
// Unicode "maximal subpart").

std::size_t declared_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC0 && lead < 0xE0) {
        return 2;
    }
    if (lead >= 0xE0 && lead < 0xF0) {
        return 3;
    }
    if (lead >= 0xF0 && lead < 0xF8) {
        return 4;
    }
    return 0; // a continuation byte or F8-FF
}

bool acceptable_prefix(std::string_view bytes, std::size_t length, std::size_t declared) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) {
            return false;
        }
    }
    const std::array<std::uint32_t, 5> payload_mask{0, 0x7F, 0x1F, 0x0F, 0x07};
    std::uint32_t low = byte(0) & payload_mask[declared];
    std::uint32_t high = low;
    for (std::size_t i = 1; i < declared; ++i) {
        low = (low << 6) | (i < length ? (byte(i) & 0x3Fu) : 0x00u);
        high = (high << 6) | (i < length ? (byte(i) & 0x3Fu) : 0x3Fu);
    }
    const std::array<std::uint32_t, 5> smallest{0, 0, 0x80, 0x800, 0x10000};
    const std::array<std::uint32_t, 5> largest{0, 0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
    low = std::max(low, smallest[declared]);
    high = std::min(high, largest[declared]);
    if (low > high) {
        return false;
    }
    const bool all_surrogates = low >= 0xD800 && high <= 0xDFFF;
    return !all_surrogates;
}

struct ReferenceDecode {
    std::string text;
    bool error = false;
    std::size_t offset = 0;
    unsigned char byte = 0;
};

ReferenceDecode reference_utf8(std::string_view input) {
    ReferenceDecode out;
    std::size_t at = 0;
    while (at < input.size()) {
        const auto lead = static_cast<unsigned char>(input[at]);
        const std::size_t declared = declared_length(lead);
        const std::size_t available = std::min(declared, input.size() - at);
        std::size_t accepted = 0;
        for (std::size_t length = 1; declared != 0 && length <= available; ++length) {
            if (!acceptable_prefix(input.substr(at), length, declared)) {
                break;
            }
            accepted = length;
        }
        if (declared != 0 && accepted == declared) {
            out.text.append(input.substr(at, declared));
            at += declared;
            continue;
        }
        if (!out.error) {
            out.error = true;
            out.offset = at;
            out.byte = lead;
        }
        out.text += "\xEF\xBF\xBD";
        at += std::max<std::size_t>(accepted, 1);
    }
    return out;
}

/// Code pages: each byte on its own through the library (the one-byte path), concatenated;
/// this checks the multi-byte path (ASCII skip, in-place backward write) against it.
ReferenceDecode reference_code_page(std::string_view input, sfp::Encoding encoding) {
    ReferenceDecode out;
    for (std::size_t at = 0; at < input.size(); ++at) {
        std::string one(1, input[at]);
        if (sfp::to_utf8(one, encoding) && !out.error) {
            out.error = true;
            out.offset = at;
            out.byte = static_cast<unsigned char>(input[at]);
        }
        out.text += one;
    }
    return out;
}

ReferenceDecode reference_decode(std::string_view input, sfp::Encoding encoding) {
    return encoding == sfp::Encoding::utf8 ? reference_utf8(input)
                                           : reference_code_page(input, encoding);
}

// ---- Reference CSV parser ------------------------------------------------------------------

/// What a read produced, without message wording: compared as text.
struct Transcript {
    std::string records;
    std::string diagnostics;
};

void add_record(Transcript& out, long row, long line, const std::vector<std::string>& fields) {
    out.records += std::to_string(row) + "@" + std::to_string(line) + ":";
    for (const auto& field : fields) {
        out.records += "[" + std::to_string(field.size()) + "]" + field;
    }
    out.records += "\n";
}

void add_diagnostic(Transcript& out, sfp::Severity severity, long row, long column) {
    out.diagnostics += severity == sfp::Severity::error ? "E" : "W";
    out.diagnostics += std::to_string(row) + ":" + std::to_string(column) + "\n";
}

/// The reader's original algorithm, one byte at a time, with a decode of each field.
Transcript reference_parse(const std::string& input, char delimiter, sfp::Encoding encoding) {
    Transcript out;
    std::size_t at = 0;
    const auto eof = [&] { return at >= input.size(); };
    if (encoding == sfp::Encoding::utf8 && input.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        at = 3;
    }
    long line = 1;
    long row = 0;
    while (!eof()) {
        const long record_row = ++row;
        const long record_line = line;
        std::vector<std::string> fields;
        std::string field;
        bool quoted = false;
        bool was_quoted = false;
        bool after_quote = false;
        bool warned = false;
        const auto column = [&] { return static_cast<long>(fields.size()) + 1; };
        const auto finish_field = [&] {
            const auto decoded = reference_decode(field, encoding);
            if (decoded.error) {
                add_diagnostic(out, sfp::Severity::error, record_row, column());
            }
            fields.push_back(decoded.text);
            field.clear();
        };
        for (;;) {
            if (eof()) {
                if (quoted) {
                    add_diagnostic(out, sfp::Severity::error, record_row, column());
                }
                finish_field();
                break;
            }
            const char c = input[at++];
            if (quoted) {
                if (c == '"') {
                    if (!eof() && input[at] == '"') {
                        ++at;
                        field.push_back('"');
                    } else {
                        quoted = false;
                        after_quote = true;
                    }
                    continue;
                }
                line += c == '\n' ? 1 : 0;
                field.push_back(c);
                continue;
            }
            if (c == delimiter) {
                finish_field();
                was_quoted = after_quote = false;
                continue;
            }
            if (c == '\r' && !eof() && input[at] == '\n') {
                continue; // CRLF: the LF ends the record
            }
            if (c == '\n' || c == '\r') {
                ++line;
                finish_field();
                break;
            }
            if (c == '"' && field.empty() && !was_quoted) {
                quoted = was_quoted = true;
                continue;
            }
            if (after_quote && !warned) {
                add_diagnostic(out, sfp::Severity::warning, record_row, column());
                warned = true;
            }
            field.push_back(c);
        }
        add_record(out, record_row, record_line, fields);
    }
    return out;
}

// ---- The library under test ----------------------------------------------------------------

Transcript library_parse(std::string& input, char delimiter, sfp::Encoding encoding,
                         std::size_t buffer_size) {
    Transcript out;
    // fmemopen with size 0 is a valid empty stream since glibc 2.22; the data is not written.
    std::FILE* stream = ::fmemopen(input.empty() ? nullptr : input.data(), input.size(), "rb");
    if (stream == nullptr) {
        stream = std::tmpfile(); // an empty input on an older libc
    }
    expect(stream != nullptr, "fmemopen failed");
    sfp::CsvOptions options;
    options.delimiter = delimiter;
    options.encoding = encoding;
    options.buffer_size = buffer_size;
    const auto reader = sfp::CsvReader::from_stream(stream, "fuzz.csv", options);
    sfp::Diagnostics diagnostics;
    sfp::CsvRecord record;
    long previous_line = 0;
    long rows = 0;
    while (reader->next(record, diagnostics)) {
        ++rows;
        expect(record.row == rows, "rows count 1, 2, 3...");
        expect(record.line > previous_line, "each record starts on a later line");
        expect(!record.fields.empty(), "a record has at least one field");
        previous_line = record.line;
        for (const auto& field : record.fields) {
            expect(!sfp::find_invalid_utf8(field), "fields are valid UTF-8 after decoding", field);
        }
        add_record(out, record.row, record.line, record.fields);
    }
    expect(record.fields.empty(), "no fields are left after the end of the file");
    for (const auto& diagnostic : diagnostics.items()) {
        expect(!sfp::find_invalid_utf8(diagnostic.message), "messages are valid UTF-8",
               diagnostic.message);
        expect(diagnostic.where.file == "fuzz.csv", "diagnostics name the file");
        add_diagnostic(out, diagnostic.severity, diagnostic.where.line, diagnostic.where.column);
    }
    return out;
}

void check_decoder(const std::string& input, sfp::Encoding encoding) {
    std::string text = input;
    const auto error = sfp::to_utf8(text, encoding);
    const auto expected = reference_decode(input, encoding);
    const std::string name(sfp::encoding_name(encoding));
    expect(text == expected.text, "to_utf8 agrees with the reference decoder: " + name);
    expect(error.has_value() == expected.error, "to_utf8 reports an error iff there is one");
    if (error) {
        expect(error->offset == expected.offset && error->byte == expected.byte,
               "to_utf8 reports the first bad byte: " + name);
    }
    expect(!sfp::find_invalid_utf8(text), "to_utf8 output is valid UTF-8: " + name);
    if (encoding == sfp::Encoding::utf8) {
        expect(sfp::find_invalid_utf8(input).has_value() == expected.error,
               "find_invalid_utf8 agrees with the reference");
        const bool ascii = std::none_of(input.begin(), input.end(), [](char c) {
            return static_cast<unsigned char>(c) >= 0x80;
        });
        expect(sfp::is_ascii(input) == ascii, "is_ascii is true iff no byte is >= 0x80");
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    struct Run {
        sfp::Encoding encoding;
        char delimiter; // varied across runs so that other delimiters get coverage too
    };
    const std::array<Run, 5> runs{{
        {sfp::Encoding::utf8, ','},
        {sfp::Encoding::latin1, ';'},
        {sfp::Encoding::windows1252, '\t'},
        {sfp::Encoding::cp437, ','},
        {sfp::Encoding::cp850, ','},
    }};
    // 4 is the smallest buffer; 7 and 67 put record ends and 64-byte blocks at odd places.
    const std::array<std::size_t, 4> buffer_sizes{std::size_t{64} * 1024, 4, 7, 67};
    for (const auto& run : runs) {
        check_decoder(input, run.encoding);
        const Transcript expected = reference_parse(input, run.delimiter, run.encoding);
        for (const auto buffer_size : buffer_sizes) {
            const Transcript actual =
                library_parse(input, run.delimiter, run.encoding, buffer_size);
            const std::string context = std::string(sfp::encoding_name(run.encoding)) +
                                        ", buffer " + std::to_string(buffer_size);
            expect(actual.records == expected.records,
                   "records match the reference (" + context + ")",
                   "library:\n" + actual.records + "reference:\n" + expected.records);
            expect(actual.diagnostics == expected.diagnostics,
                   "diagnostics match the reference (" + context + ")",
                   "library:\n" + actual.diagnostics + "reference:\n" + expected.diagnostics);
        }
    }
    return 0;
}
