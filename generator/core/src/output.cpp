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
#include <unistd.h>

namespace sfp {

PendingFile::PendingFile(std::string target) : target_(std::move(target)) {
    // Not mkstemp: it creates files as 0600, and outputs should get 0666 minus the umask like
    // any other file the user creates. O_EXCL makes the name ours; retry on a clash.
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937 random(std::random_device{}());
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string candidate = fmt::format("{}.tmp-{}-{}-{:06x}", target_, ::getpid(), counter++,
                                            random() & 0xFFFFFFU);
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
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

bool prepare_output_dir(const std::string& dir, Diagnostics& diagnostics) {
    std::error_code error;
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
    return true;
}

} // namespace sfp
