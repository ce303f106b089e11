#include "xlsx_support.hpp"

#include "sfp/output.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <linux/magic.h>
#include <locale.h>
#include <memory>
#include <optional>
#include <string_view>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <zlib.h>

namespace sfp::xlsx {

std::size_t text_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

namespace {

/// A little-endian unsigned integer of `size` bytes at `at`, 0 when out of range.
std::uint32_t little_endian(std::string_view bytes, std::size_t at, std::size_t size) {
    std::uint32_t value = 0;
    for (std::size_t i = size; i > 0 && at + size <= bytes.size(); --i) {
        value = value << 8U | std::uint32_t{static_cast<unsigned char>(bytes[at + i - 1])};
    }
    return value;
}

/// Reads `size` bytes at `offset` of `file`; empty when they cannot all be read.
std::string read_at(std::FILE* file, std::uint64_t offset, std::size_t size) {
    std::string out(size, '\0');
    if (std::fseek(file, static_cast<long>(offset), SEEK_SET) != 0 ||
        std::fread(out.data(), 1, size, file) != size) {
        return {};
    }
    return out;
}

/// The beginning and the end of a zip member's text (its first and last 4 KiB, or all of it
/// when shorter), inflated piece by piece: a sheet of the GB workbook inflates to hundreds of
/// MB, which must not be held to check its last bytes. nullopt when damaged or not the size
/// the directory says.
std::optional<std::string> member_ends(std::FILE* file, std::uint64_t data, std::size_t packed,
                                       unsigned method, std::size_t size) {
    constexpr std::size_t keep = 4096;
    constexpr std::size_t chunk = 64 * 1024;
    std::string head;
    std::string tail;
    std::size_t total = 0;
    const auto take = [&](const char* bytes, std::size_t n) {
        total += n;
        const std::size_t to_head = std::min(n, keep - std::min(keep, head.size()));
        head.append(bytes, to_head);
        tail.append(bytes + to_head, n - to_head);
        if (tail.size() > 2 * keep) {
            tail.erase(0, tail.size() - keep);
        }
    };
    if (method == 0) {
        for (std::size_t done = 0; done < packed;) {
            const std::string piece = read_at(file, data + done, std::min(chunk, packed - done));
            if (piece.empty()) {
                return std::nullopt;
            }
            take(piece.data(), piece.size());
            done += piece.size();
        }
        return total == size ? std::optional<std::string>(head + tail) : std::nullopt;
    }
    z_stream stream{};
    if (method != 8 || inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
        return std::nullopt;
    }
    std::string out(chunk, '\0');
    int status = Z_OK;
    std::size_t done = 0;
    while (status == Z_OK && done < packed) {
        std::string in = read_at(file, data + done, std::min(chunk, packed - done));
        if (in.empty()) {
            break;
        }
        done += in.size();
        // zlib's API is not const-correct: it only reads next_in.
        stream.next_in = reinterpret_cast<Bytef*>(in.data());
        stream.avail_in = static_cast<uInt>(in.size());
        do {
            stream.next_out = reinterpret_cast<Bytef*>(out.data());
            stream.avail_out = static_cast<uInt>(out.size());
            status = inflate(&stream, Z_NO_FLUSH);
            take(out.data(), out.size() - stream.avail_out);
        } while (status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0));
        if (status == Z_BUF_ERROR) {
            status = Z_OK; // no progress without more input
        }
    }
    inflateEnd(&stream);
    return status == Z_STREAM_END && total == size ? std::optional<std::string>(head + tail)
                                                   : std::nullopt;
}

/// Whether an XML part ends with the end of its root element.
bool xml_is_whole(std::string_view xml) {
    while (!xml.empty() && std::isspace(static_cast<unsigned char>(xml.back())) != 0) {
        xml.remove_suffix(1);
    }
    std::size_t root = xml.find('<');
    while (root != std::string_view::npos && root + 1 < xml.size() &&
           (xml[root + 1] == '?' || xml[root + 1] == '!')) {
        root = xml.find('<', root + 1);
    }
    if (root == std::string_view::npos) {
        return false;
    }
    const std::size_t name_end = xml.find_first_of(" \t\r\n/>", root + 1);
    const std::string closing = fmt::format("</{}>", xml.substr(root + 1, name_end - root - 1));
    const bool self_closed = xml.ends_with("/>") && xml.find('<', root + 1) == std::string::npos;
    return self_closed || xml.ends_with(closing);
}

/// Whether the zip at `path` is whole: its end record last, and every XML part inside ending
/// with its root element. libxlsxwriter 1.1.4 writes each part to a temporary file and the
/// zip without checking every write: a full disk or a file size limit gave a valid-looking
/// workbook with truncated sheets (or a cut zip), and success.
bool workbook_is_whole(const std::string& path) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                               &std::fclose);
    constexpr std::size_t end_size = 22; // the end record, without a comment
    if (!file || std::fseek(file.get(), 0, SEEK_END) != 0) {
        return false;
    }
    const long file_size = std::ftell(file.get());
    if (file_size < static_cast<long>(end_size)) {
        return false;
    }
    const auto end = static_cast<std::size_t>(file_size) - end_size;
    const std::string record = read_at(file.get(), end, end_size);
    const std::uint32_t directory = little_endian(record, 16, 4);
    const std::uint32_t directory_size = little_endian(record, 12, 4);
    if (little_endian(record, 0, 4) != 0x06054b50U || little_endian(record, 20, 2) != 0 ||
        std::uint64_t{directory} + directory_size != end) {
        return false;
    }
    const std::string entries = read_at(file.get(), directory, directory_size);
    const std::string_view bytes(entries);
    std::size_t at = 0;
    for (std::uint32_t n = little_endian(record, 10, 2); n > 0; --n) {
        const std::size_t name_size = little_endian(bytes, at + 28, 2);
        const std::string_view name = bytes.substr(std::min(at + 46, bytes.size()), name_size);
        const std::size_t local = little_endian(bytes, at + 42, 4);
        const std::string header = read_at(file.get(), local, 30);
        const std::size_t data =
            local + 30 + little_endian(header, 26, 2) + little_endian(header, 28, 2);
        if (little_endian(bytes, at, 4) != 0x02014b50U || header.empty() || data > end) {
            return false;
        }
        if (name.ends_with(".xml") || name.ends_with(".rels")) {
            const auto part =
                member_ends(file.get(), data, little_endian(bytes, at + 20, 4),
                            little_endian(bytes, at + 10, 2), little_endian(bytes, at + 24, 4));
            if (!part || !xml_is_whole(*part)) {
                return false;
            }
        }
        at += 46 + name_size + little_endian(bytes, at + 30, 2) + little_endian(bytes, at + 32, 2);
    }
    return true;
}

} // namespace

CNumericLocale::CNumericLocale() {
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", static_cast<locale_t>(nullptr));
    if (c != static_cast<locale_t>(nullptr)) {
        c_locale_ = c;
        previous_ = uselocale(c);
    }
}

CNumericLocale::~CNumericLocale() {
    if (c_locale_ != nullptr) {
        uselocale(static_cast<locale_t>(previous_));
        freelocale(static_cast<locale_t>(c_locale_));
    }
}

Book::Book(lxw_workbook* workbook, std::string path, Diagnostics& diagnostics)
    : workbook_(workbook), path_(std::move(path)), diagnostics_(diagnostics) {}

void Book::check(lxw_error error, std::string_view what) {
    if (error == LXW_NO_ERROR || !ok_) {
        return;
    }
    ok_ = false;
    diagnostics_.error({path_, 0, 0},
                       fmt::format("cannot write workbook ({}): {}", what, lxw_strerror(error)));
}

void Book::fail(std::string_view what) {
    if (!ok_) {
        return;
    }
    ok_ = false;
    diagnostics_.error({path_, 0, 0}, fmt::format("cannot write workbook: {}", what));
}

lxw_worksheet* Book::sheet(const std::string& name) {
    lxw_worksheet* worksheet = workbook_add_worksheet(workbook_, name.c_str());
    if (worksheet == nullptr) {
        fail(fmt::format("cannot add worksheet '{}' (invalid or duplicate name)", name));
    }
    return worksheet;
}

lxw_format* Book::number_format(const std::string& excel_format) {
    if (excel_format.empty()) {
        return nullptr;
    }
    auto& format = number_formats_[excel_format];
    if (format == nullptr) {
        format = workbook_add_format(workbook_);
        format_set_num_format(format, excel_format.c_str());
    }
    return format;
}

bool Book::number(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, double value,
                  lxw_format* format) {
    if (!std::isfinite(value)) {
        check(worksheet_write_string(ws, row, col, "..", nullptr), "missing value");
        return false;
    }
    check(worksheet_write_number(ws, row, col, value, format), "number");
    return true;
}

void Book::text(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& value,
                lxw_format* format) {
    if (value.empty()) {
        if (format != nullptr) {
            check(worksheet_write_blank(ws, row, col, format), "blank");
        }
        return;
    }
    // Excel holds at most 32,767 characters in a cell (libxlsxwriter refuses more). A longer text
    // (a list of institutions on a very large panel) is cut at a character boundary with a
    // note saying so, and a warning names the cell: the workbook is still written.
    constexpr std::size_t excel_cell_limit = 32767; // characters; bytes are never fewer
    if (value.size() > excel_cell_limit) {
        static constexpr std::string_view note = " [... cut: the text exceeds Excel's limit of "
                                                 "32,767 characters; the PDF has all of it]";
        std::size_t cut = excel_cell_limit - note.size();
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0U) == 0x80U) {
            --cut; // not inside a UTF-8 sequence
        }
        const std::string shortened = value.substr(0, cut) + std::string(note);
        diagnostics_.warning(
            {path_, static_cast<long>(row) + 1, static_cast<long>(col) + 1},
            fmt::format("a text of {} bytes was cut to Excel's limit of 32,767 characters in "
                        "sheet '{}'",
                        value.size(), ws->name != nullptr ? ws->name : "?"));
        check(worksheet_write_string(ws, row, col, shortened.c_str(), format), "text");
        return;
    }
    check(worksheet_write_string(ws, row, col, value.c_str(), format), "text");
}

std::string memory_temp_dir(bool constant_memory) {
    static constexpr const char* shm = "/dev/shm";
    static constexpr unsigned long long room = 256ULL << 20U;
    // A temporary folder the user chose is theirs (libxlsxwriter's tmpfileplus reads these).
    if (constant_memory || std::getenv("TMPDIR") != nullptr || std::getenv("TMP") != nullptr ||
        std::getenv("TEMP") != nullptr) {
        return {};
    }
    struct statfs kind {};
    struct statvfs space {};
    if (::statfs(shm, &kind) != 0 || kind.f_type != TMPFS_MAGIC ||
        ::access(shm, W_OK | X_OK) != 0 || ::statvfs(shm, &space) != 0 ||
        static_cast<unsigned long long>(space.f_bavail) * space.f_frsize < room) {
        return {};
    }
    return shm;
}

bool write_workbook(const std::string& path, bool constant_memory, const Properties& properties,
                    Diagnostics& diagnostics, const std::function<void(Book&)>& fill) {
    const CNumericLocale c_numbers;
    PendingFile pending(path);
    if (!pending.created(diagnostics)) {
        return false;
    }
    lxw_workbook_options options{};
    options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    std::string temp_dir = memory_temp_dir(constant_memory);
    if (!temp_dir.empty()) {
        options.tmpdir = temp_dir.data();
    }
    lxw_workbook* workbook = workbook_new_opt(pending.temp_path().c_str(), &options);
    if (workbook == nullptr) {
        diagnostics.error({path, 0, 0}, "cannot create workbook");
        return false;
    }
    // libxlsxwriter keeps the pointers until workbook_close: the strings live in `properties`.
    std::string title = properties.title;
    std::string subject = properties.subject;
    std::string author = properties.author;
    std::string keywords = properties.keywords;
    std::string comments = properties.comments;
    lxw_doc_properties document{};
    document.title = title.data();
    document.subject = subject.data();
    document.author = author.data();
    document.keywords = keywords.data();
    document.comments = comments.data();
    document.created = static_cast<time_t>(properties.created);
    Book book(workbook, path, diagnostics);
    book.check(workbook_set_properties(workbook, &document), "properties");
    for (const auto& [name, value] : properties.custom) {
        if (!value.empty()) {
            book.check(workbook_set_custom_property_string(workbook, name.c_str(), value.c_str()),
                       "custom property");
        }
    }
    // libxlsxwriter 1.1.4 does not check the writes of its own temporary files (the sheets'
    // XML, in the temporary folder) nor every write of the zip: a full disk or a file size
    // limit gave a valid zip holding truncated sheets, and success. errno is the only trace.
    errno = 0;
    fill(book);
    const lxw_error closed = workbook_close(workbook);
    const int saved_errno = errno;
    const bool write_failed = saved_errno == ENOSPC || saved_errno == EFBIG ||
                              saved_errno == EDQUOT || saved_errno == EIO;
    if (closed != LXW_NO_ERROR || write_failed || !workbook_is_whole(pending.temp_path())) {
        const std::string what = closed != LXW_NO_ERROR ? lxw_strerror(closed)
                                 : write_failed         ? std::string("a write failed")
                                                : std::string("a part of it was cut short (is "
                                                              "the disk or the temporary folder "
                                                              "full?)");
        diagnostics.error({path, 0, 0},
                          fmt::format("cannot write workbook: {}{}", what,
                                      saved_errno != 0
                                          ? fmt::format(": {}", std::strerror(saved_errno))
                                          : std::string{}));
        return false;
    }
    return book.ok() && pending.commit(diagnostics);
}

} // namespace sfp::xlsx
