#pragma once
// What the benchmarks share for tests/bench/run-all: the machine-readable figure lines
// ("BENCH <bench> <metric> <value> <unit>", one per figure, after the human-readable lines) and
// running a mode in a child process so that its peak resident memory is its own.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <sys/wait.h>
#include <type_traits>
#include <unistd.h>

namespace sfp::bench {

/// About four significant digits and never an exponent, so that a table column stays readable
/// and a script can parse it: 2.490, 171.2, 34512, 0.000512; whole numbers (counts) as such.
[[nodiscard]] inline std::string figure_text(double value) {
    const double magnitude = std::fabs(value);
    if (!std::isfinite(value) || magnitude == 0.0) {
        return fmt::format("{}", value);
    }
    if (value == std::floor(value) && magnitude < 1e15) {
        return fmt::format("{:.0f}", value); // a count: 150 rows, not 150.0
    }
    const int decimals = std::clamp(3 - static_cast<int>(std::floor(std::log10(magnitude))), 0, 6);
    return fmt::format("{:.{}f}", value, decimals);
}

/// A whole number in [low, high] written as `text` (a command-line argument), or nullopt.
[[nodiscard]] inline std::optional<int> parse_int(const std::string& text, int low, int high) {
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < low || value > high) {
        return std::nullopt;
    }
    return static_cast<int>(value);
}

/// Prints one figure as "BENCH <bench> <metric> <value> <unit>" (metric and unit without spaces);
/// a value that is not finite is reported as not measured, with no BENCH line.
inline void print_figure(std::string_view bench, std::string_view metric, double value,
                         std::string_view unit) {
    if (!std::isfinite(value)) {
        // A rate over a time too short for the clock (a smoke run's CPU time of 0): there is no
        // figure to report, and "inf" in the table would read as one.
        fmt::print("{} {}: not measured (the run was too short to time)\n", bench, metric);
        return;
    }
    fmt::print("BENCH {} {} {} {}\n", bench, metric, figure_text(value), unit);
}

[[nodiscard]] inline double mib_of_kib(long kib) {
    return static_cast<double>(kib) / 1024.0;
}

/// Peak resident memory of this process so far, in MiB (for benchmarks that do not fork).
[[nodiscard]] inline double own_peak_rss_mib() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return mib_of_kib(usage.ru_maxrss);
}

[[nodiscard]] inline double seconds_of(const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
}

/// What a child process sent back, with its resource use.
template <typename T> struct ChildResult {
    T value{};
    double peak_rss_mib = 0; ///< the child's own peak (wait4's rusage)
    double cpu_seconds = 0;  ///< user + system time of the child
};

namespace detail {

inline bool write_all(int fd, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t put = ::write(fd, bytes, size);
        if (put <= 0) {
            return false;
        }
        bytes += put;
        size -= static_cast<std::size_t>(put);
    }
    return true;
}

inline bool read_all(int fd, void* data, std::size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t got = ::read(fd, bytes, size);
        if (got <= 0) {
            return false;
        }
        bytes += got;
        size -= static_cast<std::size_t>(got);
    }
    return true;
}

} // namespace detail

/// Runs `work` (returning std::optional<T>) in a child process and brings its T back through a
/// pipe, so that the peak RSS measured is that work's alone. nullopt when the child fails; what
/// went wrong is the child's to print.
template <typename T, typename Work>
[[nodiscard]] std::optional<ChildResult<T>> run_in_child(Work&& work) {
    static_assert(std::is_trivially_copyable_v<T>, "the result crosses a pipe as bytes");
    std::array<int, 2> fds{-1, -1};
    if (::pipe(fds.data()) != 0) {
        std::perror("pipe");
        return std::nullopt;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t child = ::fork();
    if (child < 0) {
        std::perror("fork");
        return std::nullopt;
    }
    if (child == 0) {
        ::close(fds[0]);
        const std::optional<T> value = work();
        const bool sent = value && detail::write_all(fds[1], &*value, sizeof(T));
        std::fflush(stdout); // _exit does not flush
        std::fflush(stderr);
        ::_exit(sent ? 0 : 1);
    }
    ::close(fds[1]);
    ChildResult<T> result;
    const bool received = detail::read_all(fds[0], &result.value, sizeof(T));
    ::close(fds[0]);
    int status = 0;
    rusage usage{};
    if (::wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0 || !received) {
        return std::nullopt;
    }
    result.peak_rss_mib = mib_of_kib(usage.ru_maxrss);
    result.cpu_seconds = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    return result;
}

} // namespace sfp::bench
