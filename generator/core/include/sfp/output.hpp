#pragma once
/// Outputs appear whole or not at all: write to a temporary file beside the target, then
/// rename it into place. A failure, an exception or a crash leaves no partial target file.

#include "sfp/diagnostics.hpp"

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace sfp {

class PendingFile {
public:
    /// Creates a unique temporary file next to `target` ("<target>.tmp-<pid>-<n>-<random>").
    explicit PendingFile(std::string target);
    ~PendingFile(); ///< removes the temporary file unless committed
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;
    PendingFile(PendingFile&&) = delete;
    PendingFile& operator=(PendingFile&&) = delete;

    /// The path to write to; empty if the temporary file could not be created.
    [[nodiscard]] const std::string& temp_path() const { return temp_; }
    [[nodiscard]] const std::string& target() const { return target_; }
    /// Whether the temporary file exists; if not, records "cannot create output file: ..." at
    /// the target.
    bool created(Diagnostics& diagnostics) const;
    /// Renames the temporary file to the target. On failure records a diagnostic.
    bool commit(Diagnostics& diagnostics);
    /// Why the temporary file could not be created (strerror text), when temp_path() is empty.
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    std::string target_;
    std::string temp_;
    std::string error_;
    bool committed_ = false;
};

/// A file written in pieces (by a library's write callback) where every write and the final
/// close are checked and the first OS error is kept. Libraries that write through stdio
/// themselves can lose the error of a buffered write (a full disk, a file size limit) and
/// leave a truncated file that looks written.
class CheckedOutput {
public:
    explicit CheckedOutput(const std::string& path);
    ~CheckedOutput();
    CheckedOutput(const CheckedOutput&) = delete;
    CheckedOutput& operator=(const CheckedOutput&) = delete;
    CheckedOutput(CheckedOutput&&) = delete;
    CheckedOutput& operator=(CheckedOutput&&) = delete;

    /// Appends `size` bytes; false (and nothing more is written) after any error.
    bool write(const void* data, std::size_t size);
    /// Empties the file, to write it again from the start; false (as write) after any error.
    bool rewind();
    /// Closes the file; false if it or any earlier write failed.
    bool close();
    /// The first error as strerror text; empty while all went well.
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    std::FILE* file_ = nullptr;
    std::string error_;
};

/// Writes `content` to `path` atomically. Records a diagnostic and returns false on failure.
bool write_file_atomically(const std::string& path, const std::string& content,
                           Diagnostics& diagnostics);

/// Receives an output file's text piece by piece.
using TextWriter = std::function<void(std::string_view)>;

/// Writes to `path` atomically what `produce` hands to its writer, piece by piece, so that a
/// large file is never held whole in memory. Records a diagnostic and returns false on failure.
bool write_file_streamed(const std::string& path,
                         const std::function<void(const TextWriter&)>& produce,
                         Diagnostics& diagnostics);

/// Creates `dir` (and parents) and checks that it is writable.
bool prepare_output_dir(const std::string& dir, Diagnostics& diagnostics);

} // namespace sfp
