// report_bench: the whole Governing Body report (sfp::build_report) on a generated panel.
//
// Usage: report_bench [--smoke] [--keep] [INSTITUTIONS [YEARS]]
//   (default 2,000 x 15; --smoke: 20 x 3; --keep leaves the temporary folder)
//   Writes a CSV with the columns of data/sample/institution_years.csv into a temporary folder,
//   with a copy of templates/gb-progress/report.toml that reads it (panel.hpp). Then times
//   build_report for PDF only, XLSX only and PDF+XLSX: the median of 3 runs, the pages, pages
//   per second and the peak resident memory of each mode (each mode runs in a child process so
//   that its peak is its own). Measure the `bench` preset
//   (Release); see docs/performance.md.

#include "panel.hpp"
#include "sfp/build.hpp"
#include "sfp/diagnostics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef SFPGEN_SOURCE_DIR
#error "SFPGEN_SOURCE_DIR must point at the repository"
#endif

namespace fs = std::filesystem;

namespace {

using sfp::bench::count_pages;
using sfp::bench::seconds_since;
using sfp::bench::Workload;

/// Runs one mode three times (in the calling process) and prints its figures; false on failure.
bool run_mode(const Workload& work, const std::string& label,
              const std::vector<sfp::OutputFormat>& formats) {
    const fs::path out = work.dir / ("out-" + label);
    std::vector<double> times;
    for (int run = 0; run < 3; ++run) {
        fs::remove_all(out);
        sfp::BuildOptions options;
        options.config_path = work.config.string();
        options.output_dir = out.string();
        options.formats = formats;
        options.source_date_epoch = 1767225600;
        sfp::Diagnostics diagnostics;
        const auto start = std::chrono::steady_clock::now();
        const auto result = sfp::build_report(options, diagnostics);
        times.push_back(seconds_since(start));
        if (result.code != sfp::ExitCode::ok) {
            for (const auto& d : diagnostics.items()) {
                std::fprintf(stderr, "%s\n", sfp::to_string(d).c_str());
            }
            return false;
        }
    }
    std::sort(times.begin(), times.end());
    const double median = times[1];
    const fs::path pdf = out / "gb-progress-sample.pdf";
    const fs::path xlsx = out / "gb-progress-sample.xlsx";
    std::string sizes;
    if (fs::exists(pdf)) {
        const std::size_t pages = count_pages(pdf);
        sizes += fmt::format(", {} pages ({:.1f} pages/s), PDF {:.1f} KiB", pages,
                             static_cast<double>(pages) / median,
                             static_cast<double>(fs::file_size(pdf)) / 1024.0);
    }
    if (fs::exists(xlsx)) {
        sizes +=
            fmt::format(", XLSX {:.1f} KiB", static_cast<double>(fs::file_size(xlsx)) / 1024.0);
    }
    fmt::print("{:<9} median {:.3f} s (best {:.3f}, worst {:.3f}) over 3 runs{}", label, median,
               times[0], times[2], sizes);
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool smoke = false;
    bool keep = false; // --keep: leave the generated CSV, config and outputs for inspection
    while (!args.empty() && (args.front() == "--smoke" || args.front() == "--keep")) {
        (args.front() == "--smoke" ? smoke : keep) = true;
        args.erase(args.begin());
    }
    const int institutions = !args.empty() ? std::atoi(args[0].c_str()) : smoke ? 20 : 2000;
    const int years = args.size() > 1 ? std::atoi(args[1].c_str()) : smoke ? 3 : 15;
    if (institutions <= 0 || years <= 0 || years > 30) {
        std::fprintf(stderr,
                     "usage: report_bench [--smoke] [--keep] [INSTITUTIONS [YEARS (1-30)]]\n");
        return 2;
    }
    const std::string root = SFPGEN_SOURCE_DIR;
    auto start = std::chrono::steady_clock::now();
    const Workload work = sfp::bench::prepare_panel(
        {root, "gb-progress", "sfpgen-report-bench", institutions, years});
    if (work.config.empty()) {
        std::fprintf(stderr, "report_bench: no USD row in the sample CSV to copy\n");
        return 1;
    }
    fmt::print("panel: {} institutions x {} years = {} rows, CSV {:.1f} MiB, written in {:.2f} s\n",
               institutions, years, work.rows, static_cast<double>(work.csv_bytes) / 1048576.0,
               seconds_since(start));

    const std::vector<std::pair<std::string, std::vector<sfp::OutputFormat>>> modes{
        {"pdf", {sfp::OutputFormat::pdf}},
        {"xlsx", {sfp::OutputFormat::xlsx}},
        {"pdf+xlsx", {sfp::OutputFormat::pdf, sfp::OutputFormat::xlsx}},
    };
    bool ok = true;
    for (const auto& [label, formats] : modes) {
        // A child per mode: its peak RSS (wait4's rusage) is that mode's alone.
        std::fflush(stdout);
        const pid_t child = ::fork();
        if (child < 0) {
            std::perror("fork");
            return 1;
        }
        if (child == 0) {
            ::_exit(run_mode(work, label, formats) ? 0 : 1);
        }
        int status = 0;
        rusage usage{};
        if (::wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fmt::print("\n{}: failed\n", label);
            ok = false;
            continue;
        }
        fmt::print(", peak RSS {:.1f} MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    }
    if (keep) {
        fmt::print("kept {}\n", work.dir.string());
    } else {
        fs::remove_all(work.dir);
    }
    return ok ? 0 : 1;
}
