#include "sfp/output.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <random>
#include <signal.h>
#include <stdio_ext.h>
#include <string_view>
#include <unistd.h>

namespace sfp {

PendingFile::PendingFile(std::string target) : target_(std::move(target)) {
    if (target_.empty() || target_.find('\0') != std::string::npos) {
        // A NUL would silently cut the name short: write nothing rather than a wrong file.
        error_ = "the file name is empty or holds a NUL character";
        return;
    }
    // Not mkstemp: it creates files as 0600, and outputs should get 0666 minus the umask like
    // any other file the user creates. O_EXCL makes the name ours (and, with O_NOFOLLOW, never
    // a symbolic link planted under that name); retry on a clash.
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937 random(std::random_device{}());
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string candidate = fmt::format("{}.tmp-{}-{}-{:06x}", target_, ::getpid(), counter++,
                                            random() & 0xFFFFFFU);
        const int fd =
            ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            temp_ = std::move(candidate);
            return;
        }
        if (errno != EEXIST) {
            break;
        }
    }
    error_ = std::strerror(errno);
}

PendingFile::~PendingFile() {
    if (!committed_ && !temp_.empty()) {
        std::remove(temp_.c_str());
    }
}

bool PendingFile::created(Diagnostics& diagnostics) const {
    if (temp_.empty()) {
        diagnostics.error({target_, 0, 0}, fmt::format("cannot create output file: {}", error_));
        return false;
    }
    return true;
}

bool PendingFile::commit(Diagnostics& diagnostics) {
    if (temp_.empty()) {
        diagnostics.error({target_, 0, 0}, fmt::format("cannot create output file: {}", error_));
        return false;
    }
    if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
        diagnostics.error({target_, 0, 0},
                          fmt::format("cannot move output into place: {}", std::strerror(errno)));
        return false;
    }
    committed_ = true;
    return true;
}

CheckedOutput::CheckedOutput(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) {
        error_ = std::strerror(errno);
        return;
    }
    // Cairo hands a PDF over in pieces of a few bytes (every number, every xref line): one
    // thread writes the file, so stdio need not lock it for each, and a 64 KiB buffer makes
    // 25 writes of a 1.6 MB PDF rather than 400.
    __fsetlocking(file_, FSETLOCKING_BYCALLER);
    static_cast<void>(std::setvbuf(file_, nullptr, _IOFBF, std::size_t{1} << 16));
}

CheckedOutput::~CheckedOutput() {
    if (file_ != nullptr) {
        std::fclose(file_);
    }
}

bool CheckedOutput::write(const void* data, std::size_t size) {
    if (file_ == nullptr || !error_.empty()) {
        return false;
    }
    if (std::fwrite(data, 1, size, file_) != size) {
        error_ = std::strerror(errno);
        return false;
    }
    return true;
}

bool CheckedOutput::rewind() {
    if (file_ == nullptr || !error_.empty()) {
        return false;
    }
    if (std::fflush(file_) != 0 || ::ftruncate(::fileno(file_), 0) != 0 ||
        std::fseek(file_, 0, SEEK_SET) != 0) {
        error_ = std::strerror(errno);
        return false;
    }
    return true;
}

bool CheckedOutput::close() {
    if (file_ == nullptr) {
        return false;
    }
    // fclose flushes the last buffer: its error is as much a write error as fwrite's.
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed && error_.empty()) {
        error_ = std::strerror(errno);
    }
    return error_.empty();
}

bool write_file_atomically(const std::string& path, const std::string& content,
                           Diagnostics& diagnostics) {
    PendingFile pending(path);
    if (!pending.created(diagnostics)) {
        return false;
    }
    std::FILE* file = std::fopen(pending.temp_path().c_str(), "wb");
    if (file == nullptr) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot write: {}", std::strerror(errno)));
        return false;
    }
    const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
    const int saved_errno = errno;
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot write: {}",
                                                    std::strerror(written ? errno : saved_errno)));
        return false;
    }
    return pending.commit(diagnostics);
}

bool write_file_streamed(const std::string& path,
                         const std::function<void(const TextWriter&)>& produce,
                         Diagnostics& diagnostics) {
    PendingFile pending(path);
    if (!pending.created(diagnostics)) {
        return false;
    }
    CheckedOutput out(pending.temp_path());
    produce([&out](std::string_view piece) { out.write(piece.data(), piece.size()); });
    if (!out.close()) {
        diagnostics.error({path, 0, 0}, fmt::format("cannot write: {}", out.error()));
        return false;
    }
    return pending.commit(diagnostics);
}

namespace {

bool all_of_digits(std::string_view text, bool hex) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        const bool digit = c >= '0' && c <= '9';
        if (!digit && !(hex && c >= 'a' && c <= 'f')) {
            return false;
        }
    }
    return true;
}

/// The process id in a PendingFile temporary name ("<target>.tmp-<pid>-<n>-<6 hex>"), or 0 when
/// `name` is not one of ours.
pid_t temp_file_owner(std::string_view name) {
    const auto mark = name.rfind(".tmp-");
    if (mark == std::string_view::npos || mark == 0) {
        return 0;
    }
    const std::string_view tail = name.substr(mark + 5);
    const auto first = tail.find('-');
    const auto second = first == std::string_view::npos ? first : tail.find('-', first + 1);
    if (second == std::string_view::npos || tail.size() - second - 1 != 6 ||
        !all_of_digits(tail.substr(0, first), false) ||
        !all_of_digits(tail.substr(first + 1, second - first - 1), false) ||
        !all_of_digits(tail.substr(second + 1), true) || first > 9) {
        return 0;
    }
    return static_cast<pid_t>(std::stol(std::string(tail.substr(0, first))));
}

bool process_alive(pid_t pid) {
    return pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH;
}

/// A killed run (SIGKILL, power cut) cannot remove its temporary files: the next run into the
/// folder removes those whose process is gone. A live writer's files are left alone. (On a
/// folder shared between machines a pid says nothing about another host; such a file only goes
/// if no process here has its pid, and its writer then fails at rename, not silently.)
void remove_stale_temp_files(const std::string& dir) {
    std::error_code error;
    std::filesystem::directory_iterator it(dir, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        const pid_t owner = temp_file_owner(it->path().filename().string());
        std::error_code ignored; // a file another run removed first is no problem
        if (owner > 0 && !process_alive(owner) && it->is_regular_file(ignored)) {
            std::filesystem::remove(it->path(), ignored);
        }
    }
}

} // namespace

bool prepare_output_dir(const std::string& dir, Diagnostics& diagnostics) {
    std::error_code error;
    if (std::filesystem::exists(dir, error) && !std::filesystem::is_directory(dir, error)) {
        // Said plainly: create_directories would only report "Not a directory".
        diagnostics.error({dir, 0, 0}, "cannot create output folder: a file of that name exists");
        return false;
    }
    std::filesystem::create_directories(dir, error);
    if (error) {
        diagnostics.error({dir, 0, 0},
                          fmt::format("cannot create output folder: {}", error.message()));
        return false;
    }
    if (!std::filesystem::is_directory(dir)) {
        diagnostics.error({dir, 0, 0}, "output path exists and is not a folder");
        return false;
    }
    if (::access(dir.c_str(), W_OK) != 0) {
        diagnostics.error({dir, 0, 0},
                          fmt::format("output folder is not writable: {}", std::strerror(errno)));
        return false;
    }
    remove_stale_temp_files(dir);
    // A batch keeps its up-to-date state there (batch.cpp, state_path): written the same way.
    remove_stale_temp_files((std::filesystem::path(dir) / ".sfpgen").string());
    return true;
}

} // namespace sfp
